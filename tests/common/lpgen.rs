//! Proptest strategies for random LPs whose answers are known from outside
//! any solver.
//!
//! * [`feasible_bounded`]: every column boxed and the rows built around a
//!   random point, so the LP is feasible (that point) and bounded (a box).
//! * [`known_optimum`]: **optimal by construction**. A point `x*`, row duals
//!   `y*` and reduced costs `d*` are chosen first, with a status for every
//!   column and row (at lower, at upper, between, free, fixed / equality);
//!   then bounds are placed so that `x*` is feasible with those statuses,
//!   the duals get the signs the statuses require (the table in
//!   `fleetplan::solver::Solution`'s docs, for min and max), and the costs
//!   are set to `c = d* + Aᵀy*`. The KKT conditions then hold, so `x*` is
//!   optimal and `cᵀx* + c₀` is the optimum. All data are small integers, so
//!   every number is exact in `f64`. Zero multipliers at active bounds make
//!   the instances degenerate on purpose.
//! * [`mixed`]: any bound type (free, fixed, one-sided, ranged, infinite),
//!   empty rows and columns; the LP may be infeasible or unbounded (compare
//!   with an oracle, e.g. [`super::oracle`]).
//! * [`any_model`]: arbitrary models (any finite `f64`, integer columns,
//!   names with spaces or long names) for format round trips.

use fleetplan::model::{ColId, Model, ModelBuilder, RowId, Sense, VarType};
use proptest::collection::vec;
use proptest::prelude::*;

/// An LP together with a point that is optimal by construction.
#[derive(Debug, Clone)]
pub struct KnownLp {
    /// The model.
    pub model: Model,
    /// An optimal point `x*`.
    pub x: Vec<f64>,
    /// Row duals `y*` certifying it (signs per the solution docs).
    pub y: Vec<f64>,
    /// Reduced costs `d* = c − Aᵀy*`.
    pub d: Vec<f64>,
    /// The optimal objective `cᵀx* + c₀`.
    pub objective: f64,
}

/// Where a column or row sits at the constructed optimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At its lower bound (dual sign: `σ·mult ≥ 0`).
    AtLower,
    /// At its upper bound (`σ·mult ≤ 0`).
    AtUpper,
    /// Strictly between its bounds, which may be infinite (`mult = 0`).
    Between,
    /// No bounds at all (`mult = 0`).
    Free,
    /// Lower = upper (`mult` of any sign).
    Fixed,
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        3 => Just(Place::AtLower),
        2 => Just(Place::AtUpper),
        3 => Just(Place::Between),
        1 => Just(Place::Free),
        1 => Just(Place::Fixed),
    ]
}

/// A place, a value, two widths (0 = infinite) and a multiplier size.
type Spec = (Place, i32, i32, i32, i32);

fn spec() -> impl Strategy<Value = Spec> {
    (place(), -5i32..=5, 0i32..=4, 0i32..=4, -3i32..=3)
}

/// A sparse-ish integer matrix entry.
fn entry() -> impl Strategy<Value = i32> {
    prop_oneof![3 => Just(0), 2 => -4i32..=4]
}

/// `(lower, upper, multiplier)` for a value `v` placed per `s`, with
/// `sigma = ±1` the sense; widths of 0 mean an infinite side.
fn place_bounds(s: Spec, v: f64, sigma: f64) -> (Option<f64>, Option<f64>, f64) {
    let (p, _, w1, w2, k) = s;
    let side = |w: i32, sign: f64| (w > 0).then(|| v + sign * f64::from(w));
    let k = f64::from(k.abs());
    match p {
        Place::AtLower => (Some(v), side(w2, 1.0), sigma * k),
        Place::AtUpper => (side(w1, -1.0), Some(v), -sigma * k),
        Place::Between => (side(w1, -1.0), side(w2, 1.0), 0.0),
        Place::Free => (None, None, 0.0),
        Place::Fixed => (Some(v), Some(v), f64::from(s.4)),
    }
}

fn dense_to_builder(b: &mut ModelBuilder, a: &[Vec<i32>], rows: &[RowId], cols: &[ColId]) {
    for (i, row) in a.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v != 0 {
                b.set_coef(rows[i], cols[j], f64::from(v));
            }
        }
    }
}

/// LPs optimal by construction, with up to `max_rows` rows and `max_cols`
/// columns (see the module docs).
pub fn known_optimum(max_rows: usize, max_cols: usize) -> impl Strategy<Value = KnownLp> {
    (1..=max_cols, 0..=max_rows, any::<bool>(), -5i32..=5).prop_flat_map(
        move |(n, m, maximize, c0)| {
            (vec(spec(), n), vec(spec(), m), vec(vec(entry(), n), m))
                .prop_map(move |(cols, rows, a)| build_known(maximize, c0, &cols, &rows, &a))
        },
    )
}

fn build_known(maximize: bool, c0: i32, cols: &[Spec], rows: &[Spec], a: &[Vec<i32>]) -> KnownLp {
    let sigma = if maximize { -1.0 } else { 1.0 };
    let x: Vec<f64> = cols.iter().map(|s| f64::from(s.1)).collect();
    let act: Vec<f64> = a
        .iter()
        .map(|row| row.iter().zip(&x).map(|(&v, xj)| f64::from(v) * xj).sum())
        .collect();
    let mut b = ModelBuilder::new("known");
    b.set_sense(if maximize {
        Sense::Maximize
    } else {
        Sense::Minimize
    });
    b.set_objective_constant(f64::from(c0));
    let mut y = Vec::with_capacity(rows.len());
    let mut row_ids = Vec::with_capacity(rows.len());
    for (i, &s) in rows.iter().enumerate() {
        let (l, u, yi) = place_bounds(s, act[i], sigma);
        row_ids.push(b.add_row(format!("r{i}"), l, u));
        y.push(yi);
    }
    let mut d = Vec::with_capacity(cols.len());
    let mut col_bounds = Vec::with_capacity(cols.len());
    for (j, &s) in cols.iter().enumerate() {
        let (l, u, dj) = place_bounds(s, x[j], sigma);
        col_bounds.push((l, u));
        d.push(dj);
    }
    // c = d + A'y, exact in integers.
    let cost: Vec<f64> = (0..cols.len())
        .map(|j| {
            d[j] + (0..rows.len())
                .map(|i| f64::from(a[i][j]) * y[i])
                .sum::<f64>()
        })
        .collect();
    let col_ids: Vec<ColId> = (0..cols.len())
        .map(|j| {
            let (l, u) = col_bounds[j];
            b.add_col(format!("x{j}"), cost[j], l, u, VarType::Continuous)
        })
        .collect();
    dense_to_builder(&mut b, a, &row_ids, &col_ids);
    let model = b.build().expect("a constructed LP is valid");
    let objective = model.objective_value(&x);
    KnownLp {
        model,
        x,
        y,
        d,
        objective,
    }
}

/// Feasible and bounded LPs: every column in a finite box, every row built
/// around a random point `x0` (returned) of the box.
pub fn feasible_bounded(
    max_rows: usize,
    max_cols: usize,
) -> impl Strategy<Value = (Model, Vec<f64>)> {
    (1..=max_cols, 0..=max_rows, any::<bool>()).prop_flat_map(move |(n, m, maximize)| {
        let col = (-5i32..=5, 0i32..=6, 0i32..=6, -6i32..=6);
        let row = (0u8..5, 0i32..=4, 0i32..=4);
        (vec(col, n), vec(row, m), vec(vec(entry(), n), m)).prop_map(move |(cols, rows, a)| {
            let mut b = ModelBuilder::new("feasible");
            if maximize {
                b.set_sense(Sense::Maximize);
            }
            let x0: Vec<f64> = cols.iter().map(|c| f64::from(c.0)).collect();
            let col_ids: Vec<ColId> = cols
                .iter()
                .enumerate()
                .map(|(j, &(v, below, above, cost))| {
                    let v = f64::from(v);
                    let (l, u) = (v - f64::from(below), v + f64::from(above));
                    b.add_col(
                        format!("x{j}"),
                        f64::from(cost),
                        Some(l),
                        Some(u),
                        VarType::Continuous,
                    )
                })
                .collect();
            let row_ids: Vec<RowId> = rows
                .iter()
                .enumerate()
                .map(|(i, &(kind, s1, s2))| {
                    let r: f64 = a[i].iter().zip(&x0).map(|(&v, x)| f64::from(v) * x).sum();
                    let (lo, hi) = (r - f64::from(s1), r + f64::from(s2));
                    let (l, u) = match kind {
                        0 => (None, Some(hi)),
                        1 => (Some(lo), None),
                        2 => (Some(r), Some(r)),
                        3 => (Some(lo), Some(hi)),
                        _ => (None, None),
                    };
                    b.add_row(format!("r{i}"), l, u)
                })
                .collect();
            dense_to_builder(&mut b, &a, &row_ids, &col_ids);
            (b.build().expect("a constructed LP is valid"), x0)
        })
    })
}

/// Random LPs (or MILPs when `integers`) with every bound type, empty rows
/// and columns, infinite bounds; they may be infeasible or unbounded.
pub fn mixed(max_rows: usize, max_cols: usize, integers: bool) -> impl Strategy<Value = Model> {
    (1..=max_cols, 0..=max_rows, any::<bool>(), -3i32..=3).prop_flat_map(
        move |(n, m, maximize, c0)| {
            let col = (
                0u8..7,
                -4i32..=4,
                0i32..=5,
                -5i32..=5,
                any::<bool>(),
                any::<bool>(),
            );
            let row = (0u8..10, -6i32..=6, 0i32..=6);
            (vec(col, n), vec(row, m), vec(vec(entry(), n), m)).prop_map(
                move |(cols, rows, mut a)| {
                    let mut b = ModelBuilder::new("mixed");
                    if maximize {
                        b.set_sense(Sense::Maximize);
                    }
                    b.set_objective_constant(f64::from(c0));
                    let col_ids: Vec<ColId> = cols
                        .iter()
                        .enumerate()
                        .map(|(j, &(kind, lo, w, cost, int, empty))| {
                            let (lo, hi) = (f64::from(lo), f64::from(lo + w));
                            let (l, u) = match kind {
                                0 | 1 => (Some(0.0), None),
                                2 => (None, None),
                                3 => (Some(lo), Some(hi)),
                                4 => (None, Some(hi)),
                                5 => (Some(lo), None),
                                _ => (Some(lo), Some(lo)),
                            };
                            if empty && kind == 1 {
                                a.iter_mut().for_each(|row| row[j] = 0);
                            }
                            let t = if integers && int {
                                VarType::Integer
                            } else {
                                VarType::Continuous
                            };
                            b.add_col(format!("x{j}"), f64::from(cost), l, u, t)
                        })
                        .collect();
                    let row_ids: Vec<RowId> = rows
                        .iter()
                        .enumerate()
                        .map(|(i, &(kind, r, w))| {
                            let (r, w) = (f64::from(r), f64::from(w));
                            let (l, u) = match kind {
                                0..=3 => (None, Some(r + w + 2.0)),
                                4 | 5 => (Some(r - w - 2.0), None),
                                6 => (Some(r), Some(r)),
                                7 => (Some(r - w), Some(r + w)),
                                8 => (None, None),
                                _ => {
                                    // Usually but not always satisfiable by 0.
                                    a[i].iter_mut().for_each(|v| *v = 0);
                                    (Some(r.min(0.0) - w), Some(r + w))
                                }
                            };
                            b.add_row(format!("r{i}"), l, u)
                        })
                        .collect();
                    dense_to_builder(&mut b, &a, &row_ids, &col_ids);
                    b.build().expect("a constructed LP is valid")
                },
            )
        },
    )
}

/// How [`any_model`] names rows and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// At most 8 characters, no blanks (fixed and free MPS).
    Short,
    /// At most 8 characters with inner blanks (fixed MPS only).
    Spaced,
    /// Up to 30 characters, no blanks (free MPS only).
    Long,
}

/// How [`any_model`] picks numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueStyle {
    /// Short decimals (fit a 12-character fixed-MPS field).
    Short,
    /// Any finite `f64` of magnitude below 1e19 (incl. subnormals).
    Any,
}

fn value(style: ValueStyle) -> BoxedStrategy<f64> {
    value_below(style, 1085)
}

/// A matrix entry: as [`value`], but below the model layer's
/// `LARGE_MATRIX_VALUE` (1e15; binary exponents up to 2^48), which it
/// refuses. (Entries of 1e-9 or less are generated and dropped by the
/// builder and the reader alike, so round trips still compare equal.)
fn matrix_value(style: ValueStyle) -> BoxedStrategy<f64> {
    value_below(style, 1071)
}

fn value_below(style: ValueStyle, max_exp: u64) -> BoxedStrategy<f64> {
    let short = prop_oneof![
        (-50i32..=50).prop_map(f64::from),
        (-999i32..=999, 1u32..=4).prop_map(|(v, k)| f64::from(v) / f64::from(2u32.pow(k))),
    ];
    match style {
        ValueStyle::Short => short.boxed(),
        // Any sign, any of the 2^52 mantissas, any binary exponent from the
        // subnormals up to 2^62 (so magnitudes stay below 1e19).
        ValueStyle::Any => prop_oneof![
            2 => short,
            3 => (any::<bool>(), 0u64..(1u64 << 52), 0u64..=max_exp).prop_map(|(neg, mant, exp)| {
                f64::from_bits((u64::from(neg) << 63) | (exp << 52) | mant)
            }),
        ]
        .boxed(),
    }
}

fn name(style: NameStyle, tag: char, k: usize) -> BoxedStrategy<String> {
    let stem = match style {
        NameStyle::Short => "[a-zA-Z_$.]{0,4}",
        NameStyle::Spaced => "[a-z]{1,2} [a-z ]{0,2}",
        NameStyle::Long => "[a-zA-Z0-9_\\[\\]\\-]{8,24}",
    };
    // The tag and index keep names unique and distinct between rows and columns.
    stem.prop_map(move |s| format!("{s}{tag}{k}")).boxed()
}

/// `(lower, upper)` with `lower ≤ upper`, either possibly infinite.
fn bounds(style: ValueStyle) -> impl Strategy<Value = (Option<f64>, Option<f64>)> {
    (value(style), value(style), 0u8..6).prop_map(|(a, b, kind)| {
        let (l, u) = if a <= b { (a, b) } else { (b, a) };
        match kind {
            0 => (Some(l), Some(u)),
            1 => (Some(l), None),
            2 => (None, Some(u)),
            3 => (None, None),
            4 => (Some(l), Some(l)),
            _ => (Some(0.0), None),
        }
    })
}

/// Arbitrary models for format round trips (up to 9 rows and columns when
/// names carry a one-digit index in the spaced style).
pub fn any_model(
    max_rows: usize,
    max_cols: usize,
    names: NameStyle,
    values: ValueStyle,
) -> impl Strategy<Value = Model> {
    (0..=max_cols, 0..=max_rows).prop_flat_map(move |(n, m)| {
        let cols: Vec<_> = (0..n)
            .map(|j| {
                (
                    name(names, 'C', j),
                    value(values),
                    bounds(values),
                    any::<bool>(),
                )
            })
            .collect();
        let rows: Vec<_> = (0..m)
            .map(|i| (name(names, 'R', i), bounds(values)))
            .collect();
        let entries = vec(
            vec(
                prop_oneof![2 => Just(None), 1 => matrix_value(values).prop_map(Some)],
                n,
            ),
            m,
        );
        (
            cols,
            rows,
            entries,
            any::<bool>(),
            value(values),
            "[A-Za-z0-9 ]{0,12}",
        )
            .prop_map(move |(cols, rows, entries, maximize, c0, title)| {
                let mut b = ModelBuilder::new(title.trim());
                b.set_objective_name("OBJ");
                if maximize {
                    b.set_sense(Sense::Maximize);
                }
                b.set_objective_constant(c0);
                let col_ids: Vec<ColId> = cols
                    .into_iter()
                    .map(|(nm, c, (l, u), int)| {
                        let t = if int {
                            VarType::Integer
                        } else {
                            VarType::Continuous
                        };
                        b.add_col(nm, c, l, u, t)
                    })
                    .collect();
                let row_ids: Vec<RowId> = rows
                    .into_iter()
                    .map(|(nm, (l, u))| b.add_row(nm, l, u))
                    .collect();
                for (i, row) in entries.iter().enumerate() {
                    for (j, v) in row.iter().enumerate() {
                        if let Some(v) = *v {
                            b.set_coef(row_ids[i], col_ids[j], v);
                        }
                    }
                }
                b.build().expect("generated model is valid")
            })
    })
}
