//! The numeric rule every [`Model`] passes when it is made, whatever made it
//! ([`ModelBuilder::build`](super::ModelBuilder::build), the MPS reader, the
//! planner's compiler, which uses the builder).
//!
//! The rule and its reasons are in the [module docs](super#numeric-limits).

use super::{Model, Sense, check_bounds};

/// Why the rule refuses a model: the message, and the column when a cost
/// is to blame (so that the MPS reader can point at the cost's line).
pub(crate) struct Refusal {
    pub(crate) col: Option<usize>,
    pub(crate) message: String,
}

type Screened = std::result::Result<(), Refusal>;

fn refuse(message: String) -> Refusal {
    Refusal { col: None, message }
}

/// Matrix entries of this magnitude or less are dropped (HiGHS's
/// `small_matrix_value`).
pub const SMALL_MATRIX_VALUE: f64 = 1e-9;
/// Matrix entries of this magnitude or more are refused (HiGHS's
/// `large_matrix_value`).
pub const LARGE_MATRIX_VALUE: f64 = 1e15;
/// Bounds of this magnitude or more are infinite (HiGHS's `infinite_bound`,
/// and the MPS convention).
pub const INFINITE_BOUND: f64 = 1e20;
/// Costs of this magnitude or more are infinite (HiGHS's `infinite_cost`).
pub const INFINITE_COST: f64 = 1e20;

/// What a [`ModelWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// Matrix entries of magnitude at most [`SMALL_MATRIX_VALUE`] were dropped.
    SmallMatrixValues,
    /// Finite bounds of magnitude ≥ [`INFINITE_BOUND`] were made infinite.
    InfiniteBounds,
    /// Columns with a cost of magnitude ≥ [`INFINITE_COST`] were fixed.
    InfiniteCosts,
    /// MPS: an `UP`/`UI` bound below zero on a column without a lower bound
    /// made the lower bound `−∞` (see [`mps`](super::mps)).
    NegativeUpperBound,
}

impl WarningKind {
    /// Stable snake_case name (the `kind` key in JSON output).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::SmallMatrixValues => "small_matrix_values",
            WarningKind::InfiniteBounds => "infinite_bounds",
            WarningKind::InfiniteCosts => "infinite_costs",
            WarningKind::NegativeUpperBound => "negative_upper_bound",
        }
    }
}

/// Something the model layer changed in a model while making it, by the
/// numeric rule in the [`model`](crate::model) module docs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ModelWarning {
    /// What kind of change.
    pub kind: WarningKind,
    /// How many entries, bounds or columns it concerns.
    pub count: usize,
    /// A sentence saying what was found, what was done and where (the
    /// first few places).
    pub message: String,
}

impl std::fmt::Display for ModelWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The warnings of a model. Equality ignores them: two models are equal
/// when they state the same problem, however each was made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Warnings(pub(crate) Vec<ModelWarning>);

impl PartialEq for Warnings {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Counts occurrences and remembers the first few places and the range of
/// values.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) count: usize,
    places: String,
    min: f64,
    max: f64,
}

/// Places named in a warning message.
const PLACES: usize = 3;

impl Tally {
    pub(crate) fn see(&mut self, value: f64, place: impl FnOnce() -> String) {
        let a = value.abs();
        if self.count == 0 {
            self.min = a;
            self.max = a;
        } else {
            self.min = self.min.min(a);
            self.max = self.max.max(a);
        }
        if self.count < PLACES {
            if self.count > 0 {
                self.places.push_str(", ");
            }
            self.places.push_str(&place());
        }
        self.count += 1;
    }

    /// `"(first: a, b, c, ...)"`.
    fn at(&self) -> String {
        let more = if self.count > PLACES { ", ..." } else { "" };
        format!("(first: {}{more})", self.places)
    }

    /// The warning, if anything was seen; `what(at, min, max)` words it.
    pub(crate) fn warning(
        &self,
        kind: WarningKind,
        what: impl FnOnce(&str, f64, f64) -> String,
    ) -> Option<ModelWarning> {
        (self.count > 0).then(|| ModelWarning {
            kind,
            count: self.count,
            message: what(&self.at(), self.min, self.max),
        })
    }
}

/// Applies the rule of the module docs to a freshly made model: drops small
/// matrix entries, makes huge bounds infinite, fixes columns with infinite
/// costs, and records a warning for each kind of change.
///
/// # Errors
/// [`crate::ErrorKind::Model`] for a NaN bound, a lower bound of `+∞` or an
/// upper bound of `−∞`, bounds in the wrong order, a matrix entry of
/// magnitude ≥
/// [`LARGE_MATRIX_VALUE`], a lower bound ≥ [`INFINITE_BOUND`], an upper
/// bound ≤ −[`INFINITE_BOUND`], or an infinite cost whose column has no
/// finite bound to sit at.
pub(crate) fn screen(m: &mut Model) -> Screened {
    screen_matrix(m)?;
    screen_bounds(m)?;
    check_bounds("column", |k| &m.col_names[k], &m.col_lower, &m.col_upper).map_err(refuse)?;
    check_bounds("row", |k| &m.row_names[k], &m.row_lower, &m.row_upper).map_err(refuse)?;
    screen_costs(m)
}

fn screen_matrix(m: &mut Model) -> Screened {
    let mut small = Tally::default();
    let ncols = m.matrix.ncols();
    let a = &mut m.matrix;
    let (start, index, value) = (
        std::sync::Arc::make_mut(&mut a.start),
        std::sync::Arc::make_mut(&mut a.index),
        std::sync::Arc::make_mut(&mut a.value),
    );
    let mut w = 0;
    let mut s = 0;
    for j in 0..ncols {
        let e = start[j + 1];
        for k in s..e {
            let (i, v) = (index[k], value[k]);
            if v.abs() >= LARGE_MATRIX_VALUE {
                return Err(refuse(format!(
                    "the entry of column {j} ({}) in row {i} ({}) is {v}; entries of magnitude \
                     {LARGE_MATRIX_VALUE:e} or more cannot be solved reliably in double \
                     precision: rescale the row or the column (change its unit)",
                    &m.col_names[j], &m.row_names[i as usize]
                )));
            }
            if v.abs() <= SMALL_MATRIX_VALUE {
                small.see(v, || {
                    format!(
                        "{} in {} = {v:e}",
                        &m.col_names[j], &m.row_names[i as usize]
                    )
                });
                continue;
            }
            index[w] = i;
            value[w] = v;
            w += 1;
        }
        s = e;
        start[j + 1] = w;
    }
    index.truncate(w);
    value.truncate(w);
    m.warnings
        .0
        .extend(small.warning(WarningKind::SmallMatrixValues, |at, lo, hi| {
            format!(
                "{n} matrix entr{ies} of magnitude at most {SMALL_MATRIX_VALUE:e} (from {lo:e} to \
             {hi:e}) {were} dropped as zero {at}: entries that small are below double \
             precision's round-off next to ordinary ones",
                n = small.count,
                ies = if small.count == 1 { "y" } else { "ies" },
                were = if small.count == 1 { "was" } else { "were" },
            )
        }));
    Ok(())
}

fn screen_bounds(m: &mut Model) -> Screened {
    let mut huge = Tally::default();
    let sides = [
        ("column", &m.col_names, &mut m.col_lower, &mut m.col_upper),
        ("row", &m.row_names, &mut m.row_lower, &mut m.row_upper),
    ];
    for (what, names, lower, upper) in sides {
        for k in 0..lower.len() {
            let (l, u) = (lower[k], upper[k]);
            if l.is_finite() && l.abs() >= INFINITE_BOUND {
                if l > 0.0 {
                    return Err(refuse(format!(
                        "{what} {k} ({}) has lower bound {l}; magnitudes of \
                         {INFINITE_BOUND:e} or more mean infinity, and a lower bound cannot be \
                         +infinity",
                        &names[k]
                    )));
                }
                huge.see(l, || format!("lower bound of {what} {}", &names[k]));
                lower[k] = f64::NEG_INFINITY;
            }
            if u.is_finite() && u.abs() >= INFINITE_BOUND {
                if u < 0.0 {
                    return Err(refuse(format!(
                        "{what} {k} ({}) has upper bound {u}; magnitudes of \
                         {INFINITE_BOUND:e} or more mean infinity, and an upper bound cannot be \
                         -infinity",
                        &names[k]
                    )));
                }
                huge.see(u, || format!("upper bound of {what} {}", &names[k]));
                upper[k] = f64::INFINITY;
            }
        }
    }
    m.warnings
        .0
        .extend(huge.warning(WarningKind::InfiniteBounds, |at, lo, hi| {
            format!(
                "{n} bound{s} of magnitude {INFINITE_BOUND:e} or more (from {lo:e} to {hi:e}) \
             {were} taken as infinite {at}",
                n = huge.count,
                s = if huge.count == 1 { "" } else { "s" },
                were = if huge.count == 1 { "was" } else { "were" },
            )
        }));
    Ok(())
}

fn screen_costs(m: &mut Model) -> Screened {
    let sigma = match m.sense {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let mut inf = Tally::default();
    for j in 0..m.cost.len() {
        let c = m.cost[j];
        if c.abs() < INFINITE_COST {
            continue;
        }
        // A positive (minimisation-sense) cost drives the column down.
        let down = sigma * c > 0.0;
        let b = if down { m.col_lower[j] } else { m.col_upper[j] };
        if !b.is_finite() {
            return Err(Refusal {
                col: Some(j),
                message: format!(
                    "column {j} ({}) has cost {c}: magnitudes of {INFINITE_COST:e} or more mean an \
                 infinite cost, which drives the column to its {} bound, and it has none \
                 (the model would be unbounded); give the column a finite bound or a smaller \
                 cost",
                    &m.col_names[j],
                    if down { "lower" } else { "upper" }
                ),
            });
        }
        let constant = m.obj_constant + c * b;
        if !constant.is_finite() {
            return Err(Refusal {
                col: Some(j),
                message: format!(
                    "column {j} ({}) has cost {c} and must sit at {b}, which makes the \
                     objective infinite",
                    &m.col_names[j]
                ),
            });
        }
        inf.see(c, || format!("{} = {b}", &m.col_names[j]));
        m.obj_constant = constant;
        std::sync::Arc::make_mut(&mut m.cost)[j] = 0.0;
        m.col_lower[j] = b;
        m.col_upper[j] = b;
    }
    m.warnings
        .0
        .extend(inf.warning(WarningKind::InfiniteCosts, |at, lo, hi| {
            format!(
                "{n} column{s} with a cost of magnitude {INFINITE_COST:e} or more (from {lo:e} to \
             {hi:e}) {were} fixed at the bound the cost drives {them} to, the cost moved into \
             the objective constant {at}",
                n = inf.count,
                s = if inf.count == 1 { "" } else { "s" },
                were = if inf.count == 1 { "was" } else { "were" },
                them = if inf.count == 1 { "it" } else { "them" },
            )
        }));
    Ok(())
}
