//! Solver options (everyday) and tolerances (expert).
//!
//! Every tolerance is documented with its unit, its allowed range, its default
//! and whether it is absolute or relative. Values apply to the *scaled* model
//! the engine works on; the reported solution is unscaled and checked against
//! the same tolerances by [`crate::solver::certificate`].

use super::mip::MipOptions;
use crate::error::{Error, Result};
use std::time::{Duration, Instant};

/// The longest time limit, in seconds, that [`time_limit_from_secs`], the
/// CLI's `--time-limit` and a scenario's `settings.time_limit_s` accept:
/// 10^6 s (about 11.6 days).
pub const MAX_TIME_LIMIT_S: f64 = 1e6;

/// A time limit from a number of seconds, checked: finite and in
/// `(0, MAX_TIME_LIMIT_S]` ([`MAX_TIME_LIMIT_S`] = 10^6 s). Tiny limits
/// such as `1e-9` are valid (the solve stops at its first clock check).
///
/// # Errors
/// [`crate::ErrorKind::Options`] for NaN, an infinity, zero, a negative
/// number or more than 10^6 s, naming the value and the range.
pub fn time_limit_from_secs(secs: f64) -> Result<Duration> {
    if secs.is_finite() && secs > 0.0 && secs <= MAX_TIME_LIMIT_S {
        // In range, so `from_secs_f64` cannot panic.
        Ok(Duration::from_secs_f64(secs))
    } else {
        let shown = if secs.is_finite() && secs != 0.0 && !(1e-3..1e7).contains(&secs.abs()) {
            format!("{secs:e}")
        } else {
            format!("{secs}")
        };
        Err(Error::options(format!(
            "time limit {shown} s is outside (0, {MAX_TIME_LIMIT_S:e}] s: give a positive number of seconds of at most {MAX_TIME_LIMIT_S:e}"
        )))
    }
}

/// The earlier of two optional deadlines (`None` = no deadline).
#[must_use]
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Which simplex method solves LPs (and every branch-and-bound node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// Bounded dual simplex (the default; the right choice for re-solves after
    /// bound or right-hand-side changes, hence for branch-and-bound).
    #[default]
    DualSimplex,
    /// Bounded primal simplex (the right choice for re-solves after cost
    /// changes only).
    PrimalSimplex,
}

/// Which engine path solves an LP (see `DESIGN.md`, "Speed").
///
/// Both paths return the same kind of answer: an optimal basis with primal
/// values, row duals and reduced costs for every column, or a checked
/// infeasibility / unboundedness certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Structure {
    /// Sifting for wide LPs (at least [`Structure::AUTO_MIN_COLS`] columns
    /// and at least [`Structure::AUTO_MIN_RATIO`] times as many columns as
    /// rows), the general simplex otherwise. The default.
    #[default]
    Auto,
    /// The general simplex over all columns.
    General,
    /// Sifting (column generation): the simplex works on a small set of
    /// columns and every column outside it is priced against the set's row
    /// duals; columns that price out join the set until none does. Right
    /// for LPs with many more columns than rows, of which few are positive
    /// at the optimum (the planner's own LPs). Falls back to the general
    /// simplex if the working set stops making progress.
    Sifting,
}

impl Structure {
    /// [`Structure::Auto`] picks sifting from this many columns on.
    pub const AUTO_MIN_COLS: usize = 2000;
    /// [`Structure::Auto`] picks sifting when columns ≥ this × rows.
    pub const AUTO_MIN_RATIO: usize = 10;

    /// Whether an LP with `rows` rows and `cols` columns is solved by
    /// sifting under this choice.
    #[must_use]
    pub fn uses_sifting(self, rows: usize, cols: usize) -> bool {
        match self {
            Structure::Auto => {
                rows > 0 && cols >= Self::AUTO_MIN_COLS && cols / Self::AUTO_MIN_RATIO >= rows
            }
            Structure::General => false,
            Structure::Sifting => true,
        }
    }
}

/// Expert tolerances. Change them only with a reason.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Tolerances {
    /// Largest violation of a column or row bound a primal value may have and
    /// still count as feasible. Absolute, in the (scaled) model's units.
    /// Range `[1e-12, 1e-3]`; default `1e-7`.
    pub primal_feasibility: f64,
    /// Largest violation of a reduced cost's sign condition that still counts
    /// as dual feasible. Absolute, in objective units per unit of the column.
    /// Range `[1e-12, 1e-3]`; default `1e-7`.
    pub dual_feasibility: f64,
    /// Smallest magnitude of a pivot element the ratio tests accept.
    /// Absolute. Range `[1e-12, 1e-3]`; default `1e-7`.
    pub pivot: f64,
    /// A value within this distance of an integer counts as integral (MIP).
    /// Absolute. Range `[1e-12, 1e-2]`; default `1e-6`.
    pub integrality: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            primal_feasibility: 1e-7,
            dual_feasibility: 1e-7,
            pivot: 1e-7,
            integrality: 1e-6,
        }
    }
}

impl Tolerances {
    /// Sets [`Tolerances::primal_feasibility`].
    #[must_use]
    pub fn with_primal_feasibility(mut self, v: f64) -> Self {
        self.primal_feasibility = v;
        self
    }
    /// Sets [`Tolerances::dual_feasibility`].
    #[must_use]
    pub fn with_dual_feasibility(mut self, v: f64) -> Self {
        self.dual_feasibility = v;
        self
    }
    /// Sets [`Tolerances::pivot`].
    #[must_use]
    pub fn with_pivot(mut self, v: f64) -> Self {
        self.pivot = v;
        self
    }
    /// Sets [`Tolerances::integrality`].
    #[must_use]
    pub fn with_integrality(mut self, v: f64) -> Self {
        self.integrality = v;
        self
    }

    /// Checks every tolerance is within its documented range.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] naming the first tolerance out of range.
    pub fn validate(&self) -> Result<()> {
        range("primal_feasibility", self.primal_feasibility, 1e-12, 1e-3)?;
        range("dual_feasibility", self.dual_feasibility, 1e-12, 1e-3)?;
        range("pivot", self.pivot, 1e-12, 1e-3)?;
        range("integrality", self.integrality, 1e-12, 1e-2)
    }
}

fn range(name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v.is_nan() || v < lo || v > hi {
        return Err(Error::options(format!(
            "{name} = {v} is outside its range [{lo:e}, {hi:e}]"
        )));
    }
    Ok(())
}

/// Everyday options of a solve.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SolveOptions {
    /// LP method. Default [`Algorithm::DualSimplex`].
    pub algorithm: Algorithm,
    /// Wall-clock limit of the solve, counted from its start; `None`
    /// (default) for none. Any duration is accepted and none panics: a
    /// limit beyond what the clock can represent (e.g. `Duration::MAX`)
    /// means no limit (it saturates), `Duration::ZERO` stops at the first
    /// check of the clock. Everything a solve does — sifting and its
    /// fallback to the general simplex, branch-and-bound with its cuts,
    /// heuristics and sub-MIPs — shares this one budget.
    pub time_limit: Option<Duration>,
    /// An absolute wall-clock deadline, for a solve that is one of several
    /// sharing a budget (the planner sets it: every solve of a planning
    /// run stops at the run's deadline). A solve stops at the earlier of
    /// this and its start plus [`SolveOptions::time_limit`]. `None`
    /// (default) for none.
    pub deadline: Option<Instant>,
    /// Limit on simplex iterations (summed over nodes for a MIP); `None`
    /// (default) for none.
    pub iteration_limit: Option<u64>,
    /// Scale rows and columns before solving (geometric mean, then
    /// equilibration). Default `true`.
    pub scaling: bool,
    /// LP engine path: sifting for wide LPs or the general simplex.
    /// Default [`Structure::Auto`].
    pub structure: Structure,
    /// MIP: limit on branch-and-bound nodes; `None` (default) for none.
    pub node_limit: Option<u64>,
    /// MIP: stop when `|incumbent − bound| ≤ relative_gap · max(1, |incumbent|)`.
    /// Relative, range `[0, 1]`, default `1e-9`.
    pub relative_gap: f64,
    /// MIP: stop when `|incumbent − bound| ≤ absolute_gap`. Objective units,
    /// range `[0, ∞)`, default `1e-9`.
    pub absolute_gap: f64,
    /// Expert tolerances.
    pub tolerances: Tolerances,
    /// MIP: expert switches of branch-and-bound (cuts, heuristics,
    /// branching, node selection).
    pub mip: MipOptions,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::default(),
            time_limit: None,
            deadline: None,
            iteration_limit: None,
            scaling: true,
            structure: Structure::Auto,
            node_limit: None,
            relative_gap: 1e-9,
            absolute_gap: 1e-9,
            tolerances: Tolerances::default(),
            mip: MipOptions::default(),
        }
    }
}

impl SolveOptions {
    /// Sets [`SolveOptions::algorithm`].
    #[must_use]
    pub fn with_algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Sets [`SolveOptions::time_limit`].
    #[must_use]
    pub fn with_time_limit(mut self, t: Option<Duration>) -> Self {
        self.time_limit = t;
        self
    }
    /// Sets [`SolveOptions::deadline`].
    #[must_use]
    pub fn with_deadline(mut self, d: Option<Instant>) -> Self {
        self.deadline = d;
        self
    }
    /// The deadline of a solve started at `start`: the earlier of
    /// [`SolveOptions::deadline`] and `start + time_limit` (`None` when
    /// neither applies; a `start + time_limit` the clock cannot represent
    /// counts as no limit).
    #[must_use]
    pub fn deadline_from(&self, start: Instant) -> Option<Instant> {
        let own = self.time_limit.and_then(|t| start.checked_add(t));
        earliest(own, self.deadline)
    }
    /// These options with the time limit turned into the absolute
    /// deadline of a solve started at `start`, so that every part of that
    /// solve (and any solve it hands over to) stops at the same instant.
    #[must_use]
    pub(crate) fn anchored(&self, start: Instant) -> Self {
        let mut o = self.clone();
        o.deadline = self.deadline_from(start);
        o.time_limit = None;
        o
    }
    /// Sets [`SolveOptions::iteration_limit`].
    #[must_use]
    pub fn with_iteration_limit(mut self, n: Option<u64>) -> Self {
        self.iteration_limit = n;
        self
    }
    /// Sets [`SolveOptions::scaling`].
    #[must_use]
    pub fn with_scaling(mut self, on: bool) -> Self {
        self.scaling = on;
        self
    }
    /// Sets [`SolveOptions::structure`].
    #[must_use]
    pub fn with_structure(mut self, s: Structure) -> Self {
        self.structure = s;
        self
    }
    /// Sets [`SolveOptions::node_limit`].
    #[must_use]
    pub fn with_node_limit(mut self, n: Option<u64>) -> Self {
        self.node_limit = n;
        self
    }
    /// Sets [`SolveOptions::relative_gap`].
    #[must_use]
    pub fn with_relative_gap(mut self, g: f64) -> Self {
        self.relative_gap = g;
        self
    }
    /// Sets [`SolveOptions::absolute_gap`].
    #[must_use]
    pub fn with_absolute_gap(mut self, g: f64) -> Self {
        self.absolute_gap = g;
        self
    }
    /// Sets [`SolveOptions::tolerances`].
    #[must_use]
    pub fn with_tolerances(mut self, t: Tolerances) -> Self {
        self.tolerances = t;
        self
    }

    /// Sets [`SolveOptions::mip`].
    #[must_use]
    pub fn with_mip(mut self, m: MipOptions) -> Self {
        self.mip = m;
        self
    }

    /// Checks every option is within its documented range.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] naming the first option out of range.
    pub fn validate(&self) -> Result<()> {
        self.tolerances.validate()?;
        self.mip.validate()?;
        range("relative_gap", self.relative_gap, 0.0, 1.0)?;
        if self.absolute_gap.is_nan() || self.absolute_gap < 0.0 {
            return Err(Error::options(format!(
                "absolute_gap = {} must be zero or more",
                self.absolute_gap
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_are_named() {
        assert!(SolveOptions::default().validate().is_ok());
        let e = SolveOptions::default()
            .with_tolerances(Tolerances::default().with_pivot(0.5))
            .validate();
        assert!(e.is_err_and(|e| e.to_string().contains("pivot")));
        assert!(
            SolveOptions::default()
                .with_relative_gap(f64::NAN)
                .validate()
                .is_err()
        );
    }

    #[test]
    fn time_limits_in_seconds_are_checked_ranges() {
        for bad in [
            1e308,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            0.0,
            -0.0,
            -1.0,
            1e6 + 1.0,
        ] {
            let e = time_limit_from_secs(bad).expect_err("out of range");
            assert_eq!(e.kind(), crate::ErrorKind::Options, "{bad}");
            assert!(e.to_string().contains("time limit"), "{e}");
        }
        let e = time_limit_from_secs(1e308).expect_err("huge");
        assert!(
            e.to_string().contains("1e308 s is outside (0, 1e6] s"),
            "{e}"
        );
        let e = time_limit_from_secs(-1.0).expect_err("negative");
        assert!(e.to_string().contains("time limit -1 s"), "{e}");
        assert_eq!(
            time_limit_from_secs(1e-9).ok(),
            Some(Duration::from_nanos(1))
        );
        assert_eq!(
            time_limit_from_secs(1e6).ok(),
            Some(Duration::from_secs(1_000_000))
        );
        assert_eq!(
            time_limit_from_secs(2.5).ok(),
            Some(Duration::from_millis(2500))
        );
    }

    #[test]
    fn deadlines_saturate_and_take_the_earlier() {
        let now = Instant::now();
        // A limit the clock cannot represent is no limit, never a panic.
        let o = SolveOptions::default().with_time_limit(Some(Duration::MAX));
        assert_eq!(o.deadline_from(now), None);
        let a = o.anchored(now);
        assert_eq!((a.deadline, a.time_limit), (None, None));
        let o = SolveOptions::default().with_time_limit(Some(Duration::ZERO));
        assert_eq!(o.deadline_from(now), Some(now));
        // The earlier of the shared deadline and the solve's own limit.
        let shared = now + Duration::from_secs(5);
        let o = SolveOptions::default()
            .with_deadline(Some(shared))
            .with_time_limit(Some(Duration::from_secs(10)));
        assert_eq!(o.deadline_from(now), Some(shared));
        let o = o.with_time_limit(Some(Duration::from_secs(1)));
        assert_eq!(o.deadline_from(now), Some(now + Duration::from_secs(1)));
        let o = o.with_time_limit(None);
        assert_eq!(o.deadline_from(now), Some(shared));
        assert_eq!(SolveOptions::default().deadline_from(now), None);
    }
}
