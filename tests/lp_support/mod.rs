//! Shared helpers of the solver tests: the certificate check every solve
//! passes, tiny model builders, and LPs that are optimal by construction.
#![allow(dead_code)]
// Index loops over parallel arrays (bounds, values, duals) read best here.
#![allow(clippy::needless_range_loop)]

use fleetplan::model::{Model, ModelBuilder, Sense, VarType};
use fleetplan::solver::{Certificate, Solution, Status};

/// Tolerance of the checks (absolute, scaled by `1 + |value|`).
pub const TOL: f64 = 1e-6;

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform integer in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// A "nice" value: a multiple of 1/4 in `[lo, hi]`.
    pub fn quarter(&mut self, lo: f64, hi: f64) -> f64 {
        ((lo + (hi - lo) * self.unit()) * 4.0).round() / 4.0
    }
}

fn opt(v: f64) -> Option<f64> {
    if v.is_finite() { Some(v) } else { None }
}

/// Checks a solution against its model without trusting the solver:
/// optimal points are primal feasible, dual feasible and complementary
/// with equal primal and dual objectives (reduced costs recomputed from the
/// row duals); Farkas and ray certificates are verified.
pub fn check(model: &Model, sol: &Solution) {
    let sg = match model.sense() {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let (m, n) = (model.num_rows(), model.num_cols());
    let feasible = |x: &[f64]| {
        assert_eq!(x.len(), n);
        let act = model.row_activity(x);
        for j in 0..n {
            let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
            assert!(x[j] >= l - TOL * (1.0 + l.abs()), "x[{j}] = {} < {l}", x[j]);
            assert!(x[j] <= u + TOL * (1.0 + u.abs()), "x[{j}] = {} > {u}", x[j]);
        }
        for i in 0..m {
            let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
            assert!(
                act[i] >= l - TOL * (1.0 + l.abs()),
                "row {i}: {} < {l}",
                act[i]
            );
            assert!(
                act[i] <= u + TOL * (1.0 + u.abs()),
                "row {i}: {} > {u}",
                act[i]
            );
        }
        act
    };
    match sol.status {
        Status::Optimal => {
            let act = feasible(&sol.x);
            let y = &sol.row_dual;
            assert_eq!(y.len(), m);
            let aty = model.matrix().tr_mul(y);
            let obj = model.objective_value(&sol.x);
            let reported = sol.objective.expect("an optimum has an objective");
            assert!((obj - reported).abs() <= TOL * (1.0 + obj.abs()));
            let scale = 1.0 + obj.abs();
            let mut dual_obj = model.objective_constant();
            for j in 0..n {
                let d = sg * (model.costs()[j] - aty[j]);
                assert!((sg * sol.reduced_cost[j] - d).abs() <= TOL * (1.0 + d.abs()));
                let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
                if d > 0.0 {
                    assert!(
                        l.is_finite() || d <= TOL,
                        "column {j}: d = {d} with no lower bound"
                    );
                    if l.is_finite() {
                        dual_obj += sg * d * l;
                        assert!(
                            d * (sol.x[j] - l) <= TOL * scale,
                            "column {j} not complementary"
                        );
                    }
                } else if d < 0.0 {
                    assert!(
                        u.is_finite() || -d <= TOL,
                        "column {j}: d = {d} with no upper bound"
                    );
                    if u.is_finite() {
                        dual_obj += sg * d * u;
                        assert!(
                            -d * (u - sol.x[j]) <= TOL * scale,
                            "column {j} not complementary"
                        );
                    }
                }
            }
            for i in 0..m {
                let yi = sg * y[i];
                let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
                if yi > 0.0 {
                    assert!(
                        l.is_finite() || yi <= TOL,
                        "row {i}: y = {yi} with no lower bound"
                    );
                    if l.is_finite() {
                        dual_obj += sg * yi * l;
                        assert!(
                            yi * (act[i] - l) <= TOL * scale,
                            "row {i} not complementary"
                        );
                    }
                } else if yi < 0.0 {
                    assert!(
                        u.is_finite() || -yi <= TOL,
                        "row {i}: y = {yi} with no upper bound"
                    );
                    if u.is_finite() {
                        dual_obj += sg * yi * u;
                        assert!(
                            -yi * (u - act[i]) <= TOL * scale,
                            "row {i} not complementary"
                        );
                    }
                }
            }
            assert!(
                (obj - dual_obj).abs() <= 1e-6 * scale,
                "primal {obj} vs dual {dual_obj}"
            );
        }
        Status::Infeasible => {
            let Some(Certificate::Farkas(y)) = &sol.certificate else {
                panic!("infeasible without a Farkas certificate");
            };
            let z = model.matrix().tr_mul(y);
            let zmax = z.iter().chain(y).fold(0.0f64, |a, v| a.max(v.abs()));
            let mut lhs = 0.0;
            for j in 0..n {
                let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
                if z[j].abs() <= 1e-9 * zmax {
                    continue;
                }
                let b = if z[j] > 0.0 { u } else { l };
                assert!(b.is_finite(), "Farkas: column {j} needs an infinite bound");
                lhs += z[j] * b;
            }
            let mut rhs = 0.0;
            for i in 0..m {
                let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
                if y[i] == 0.0 {
                    continue;
                }
                let b = if y[i] > 0.0 { l } else { u };
                assert!(b.is_finite(), "Farkas: row {i} needs an infinite bound");
                rhs += y[i] * b;
            }
            assert!(
                lhs < rhs - 1e-9 * (1.0 + rhs.abs()),
                "Farkas fails: {lhs} >= {rhs}"
            );
        }
        Status::Unbounded => {
            feasible(&sol.x);
            let Some(Certificate::Ray(r)) = &sol.certificate else {
                panic!("unbounded without a ray");
            };
            let rmax = r.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            assert!(rmax > 0.0);
            let t = 1e-9 * rmax;
            for j in 0..n {
                if model.col_lower()[j].is_finite() {
                    assert!(r[j] >= -t);
                }
                if model.col_upper()[j].is_finite() {
                    assert!(r[j] <= t);
                }
            }
            let ar = model.row_activity(r);
            for i in 0..m {
                if model.row_lower()[i].is_finite() {
                    assert!(ar[i] >= -t);
                }
                if model.row_upper()[i].is_finite() {
                    assert!(ar[i] <= t);
                }
            }
            let cr: f64 = model.costs().iter().zip(r).map(|(c, v)| c * v).sum();
            assert!(sg * cr < -t, "the ray does not improve the objective");
        }
        Status::IterationLimit | Status::TimeLimit => {
            assert_eq!(sol.x.len(), n);
        }
        other => panic!("unexpected status {other}"),
    }
}

/// Asserts an optimum with objective `expected` (relative `1e-9`), checked.
pub fn assert_optimal(model: &Model, sol: &Solution, expected: f64) {
    assert_eq!(sol.status, Status::Optimal, "{}", model.name());
    check(model, sol);
    let obj = sol.objective.unwrap_or(f64::NAN);
    assert!(
        (obj - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
        "{}: objective {obj}, expected {expected}",
        model.name()
    );
}

/// A random LP that is optimal by construction, with its optimal objective.
///
/// A point `x*`, row duals `y*` and reduced costs `d*` are drawn first so
/// that they satisfy the optimality conditions (feasible, sign-correct,
/// complementary); bounds and costs `c = Aᵀy* + d*` are then derived. Mixes
/// free, fixed, one-sided and boxed columns; free, ranged, equality and
/// one-sided rows; and degenerate pieces (zero duals at active bounds).
pub fn constructed(seed: u64, m: usize, n: usize) -> (Model, f64) {
    let mut rng = Rng(seed);
    let mut b = ModelBuilder::new(format!("constructed-{seed}-{m}x{n}"));
    // Sparse A: 1..=4 entries per column, every row touched.
    let mut entries: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (j, col) in entries.iter_mut().enumerate() {
        let k = 1 + rng.below(4) as usize;
        for t in 0..k {
            let i = if t == 0 && j < m {
                j
            } else {
                rng.below(m as u64) as usize
            };
            if col.iter().all(|&(r, _)| r != i) {
                let mut v = rng.quarter(-4.0, 4.0);
                if v == 0.0 {
                    v = 1.0;
                }
                col.push((i, v));
            }
        }
    }
    let xs: Vec<f64> = (0..n).map(|_| rng.quarter(-5.0, 5.0)).collect();
    let mut act = vec![0.0; m];
    for (j, col) in entries.iter().enumerate() {
        for &(i, v) in col {
            act[i] += v * xs[j];
        }
    }
    let mut ys = vec![0.0; m];
    let mut rows = Vec::with_capacity(m);
    for i in 0..m {
        let a = act[i];
        let (l, u, y) = match rng.below(6) {
            0 => (a, f64::INFINITY, rng.quarter(0.25, 3.0)),
            1 => (f64::NEG_INFINITY, a, -rng.quarter(0.25, 3.0)),
            2 => (a, a, rng.quarter(-3.0, 3.0)),
            3 => (a - rng.quarter(0.5, 4.0), a + rng.quarter(0.5, 4.0), 0.0),
            4 => (a, a + rng.quarter(0.5, 4.0), 0.0), // degenerate: active, zero dual
            _ => (f64::NEG_INFINITY, f64::INFINITY, 0.0),
        };
        ys[i] = y;
        rows.push(b.add_row(format!("r{i}"), opt(l), opt(u)));
    }
    let mut opt_obj = 0.0;
    for j in 0..n {
        let x = xs[j];
        let (l, u, d) = match rng.below(7) {
            0 => (x, f64::INFINITY, rng.quarter(0.25, 3.0)),
            1 => (x, x + rng.quarter(0.5, 4.0), rng.quarter(0.25, 3.0)),
            2 => (f64::NEG_INFINITY, x, -rng.quarter(0.25, 3.0)),
            3 => (x - rng.quarter(0.5, 4.0), x, -rng.quarter(0.25, 3.0)),
            4 => (x, x, rng.quarter(-3.0, 3.0)),
            5 => (f64::NEG_INFINITY, f64::INFINITY, 0.0),
            _ => (x - rng.quarter(0.5, 4.0), x + rng.quarter(0.5, 4.0), 0.0),
        };
        let aty: f64 = entries[j].iter().map(|&(i, v)| v * ys[i]).sum();
        let c = aty + d;
        opt_obj += c * x;
        let col = b.add_col(format!("x{j}"), c, opt(l), opt(u), VarType::Continuous);
        for &(i, v) in &entries[j] {
            b.set_coef(rows[i], col, v);
        }
    }
    let c0 = rng.quarter(-10.0, 10.0);
    b.set_objective_constant(c0);
    (b.build().expect("valid by construction"), opt_obj + c0)
}
