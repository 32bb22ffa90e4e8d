//! What a solve returns: status, primal and dual values, basis, certificates.
//!
//! # Sign conventions
//!
//! Duals follow the convention of HiGHS, Gurobi and CPLEX: a row dual `y_i` is
//! the rate of change of the optimal objective per unit increase of the row's
//! active bound, in the model's own sense. Reduced costs are `d = c − Aᵀy`.
//! At an optimum of a **minimisation**:
//!
//! | where the value sits            | column reduced cost `d_j` | row dual `y_i` |
//! |---------------------------------|---------------------------|----------------|
//! | at its lower bound              | `≥ 0`                     | `≥ 0`          |
//! | at its upper bound              | `≤ 0`                     | `≤ 0`          |
//! | strictly between (or free)      | `= 0`                     | `= 0`          |
//! | fixed (lower = upper)           | any sign                  | any sign       |
//!
//! For a **maximisation** every sign in the table flips.
//!
//! The dual objective is
//! `c₀ + Σ_i (y_i > 0 ? y_i·rₗ_i : y_i·rᵤ_i) + Σ_j (d_j > 0 ? d_j·xₗ_j : d_j·xᵤ_j)`
//! for a minimisation (bounds swap roles for a maximisation), and equals the
//! primal objective at an optimum.

use std::time::Duration;

/// The outcome of a solve. Infeasible and unbounded are outcomes, not errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Proven optimal (for a MIP: the gap closed within tolerance).
    Optimal,
    /// MIP only: a limit was reached with an incumbent; see [`MipInfo`] for
    /// the proven bound and the gap.
    Feasible,
    /// No point satisfies the constraints; [`Solution::certificate`] holds a
    /// Farkas certificate for LPs.
    Infeasible,
    /// The objective improves without limit; [`Solution::certificate`] holds a
    /// primal ray for LPs.
    Unbounded,
    /// The time limit was reached without a proven answer.
    TimeLimit,
    /// The iteration limit was reached without a proven answer.
    IterationLimit,
    /// MIP only: the node limit was reached without an incumbent.
    NodeLimit,
}

impl Status {
    /// The stable lower-case name used in JSON output (`"optimal"`,
    /// `"infeasible"`, `"unbounded"`, `"time_limit"`, `"iteration_limit"`,
    /// `"feasible"`, `"node_limit"`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::TimeLimit => "time_limit",
            Status::IterationLimit => "iteration_limit",
            Status::NodeLimit => "node_limit",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a column or row sits in a simplex basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BasisStatus {
    /// In the basis.
    Basic,
    /// Nonbasic at its lower bound.
    #[default]
    AtLower,
    /// Nonbasic at its upper bound.
    AtUpper,
    /// Nonbasic and free (no finite bound), held at zero.
    Zero,
}

/// A simplex basis: the status of every column and row. Feed it back to warm
/// start a re-solve of the same (or a modified) model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Basis {
    /// One status per column.
    pub col_status: Vec<BasisStatus>,
    /// One status per row (the row's activity, as a logical variable).
    pub row_status: Vec<BasisStatus>,
}

impl Basis {
    /// Checks that the basis fits a model of `m` rows and `n` columns and
    /// has one basic entry per row.
    pub(crate) fn check_shape(&self, m: usize, n: usize) -> crate::error::Result<()> {
        if self.col_status.len() != n || self.row_status.len() != m {
            return Err(crate::Error::model(format!(
                "basis has {} column and {} row statuses; the model has {n} columns and {m} rows",
                self.col_status.len(),
                self.row_status.len()
            )));
        }
        let nbasic = self
            .col_status
            .iter()
            .chain(&self.row_status)
            .filter(|&&s| s == BasisStatus::Basic)
            .count();
        if nbasic != m {
            return Err(crate::Error::model(format!(
                "basis has {nbasic} basic entries; it needs one per row ({m})"
            )));
        }
        Ok(())
    }
}

/// A proof of the status, checkable without trusting the solver.
#[derive(Debug, Clone, PartialEq)]
pub enum Certificate {
    /// Farkas multipliers `y`, one per row, proving infeasibility: with
    /// `z = Aᵀy`,
    /// `Σ_j (z_j > 0 ? z_j·xᵤ_j : z_j·xₗ_j) < Σ_i (y_i > 0 ? y_i·rₗ_i : y_i·rᵤ_i)`,
    /// where every bound used is finite.
    Farkas(Vec<f64>),
    /// A primal ray `r`, one entry per column, along which the objective
    /// improves without limit from the feasible point in [`Solution::x`]:
    /// `r` respects every finite column bound's direction, `A r` every finite
    /// row bound's direction, and `cᵀr < 0` (minimise) or `> 0` (maximise).
    Ray(Vec<f64>),
}

/// Branch-and-bound statistics of a MIP solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MipInfo {
    /// The best proven bound on the optimum (in the model's sense, with the
    /// objective constant).
    pub bound: f64,
    /// Relative gap `|objective − bound| / max(1, |objective|)`, `None`
    /// without an incumbent. When `Optimal` it is within the gap
    /// tolerance but not necessarily zero: subtrees pruned and columns
    /// fixed by reduced cost because they could improve on the incumbent
    /// by less than the tolerance still count in `bound`.
    pub gap: Option<f64>,
    /// Nodes explored.
    pub nodes: u64,
}

/// The result of a solve.
///
/// The vectors are empty when no point is known (e.g. infeasible, or a limit
/// hit before any point). For [`Status::TimeLimit`] / [`Status::IterationLimit`]
/// on an LP they hold the last point reached (best effort, not optimal, maybe
/// not feasible).
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// What the solve established.
    pub status: Status,
    /// `cᵀx + c₀` at [`Solution::x`] when a point is known.
    pub objective: Option<f64>,
    /// Column values.
    pub x: Vec<f64>,
    /// Row activities `A x`.
    pub row_activity: Vec<f64>,
    /// Row duals (see the module docs for signs). Empty for MIPs.
    pub row_dual: Vec<f64>,
    /// Column reduced costs `c − Aᵀy`. Empty for MIPs.
    pub reduced_cost: Vec<f64>,
    /// The final simplex basis, for warm starts.
    pub basis: Option<Basis>,
    /// Infeasibility or unboundedness proof, for LPs.
    pub certificate: Option<Certificate>,
    /// Simplex iterations (summed over all nodes for a MIP).
    pub iterations: u64,
    /// Wall time of the solve itself (reading and model building excluded).
    pub solve_time: Duration,
    /// Branch-and-bound figures, for MIPs.
    pub mip: Option<MipInfo>,
}
