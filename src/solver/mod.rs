//! The LP/MILP engine.
//!
//! [`solve`] solves an LP with the bounded dual simplex (or the primal
//! simplex, see [`SolveOptions::algorithm`]); [`LpSolver`] keeps the basis
//! between solves for warm-started re-solves. See `DESIGN.md` ("The LP
//! engine") for the method.

pub mod certificate;
mod lp;
mod mip;
// `dim`, `stats` and the list footprint are diagnostics for tests and tuning.
#[allow(dead_code)]
pub(crate) mod lu;
mod options;
mod report;
mod sifting;
pub(crate) mod simplex;
mod solution;
pub(crate) mod sparse;

pub use lp::{LpSolver, solve, solve_relaxation};
pub(crate) use mip::solve_mip_rounding;
pub use mip::{MipOptions, NodeSelection};
pub(crate) use options::earliest;
pub use options::{
    Algorithm, MAX_TIME_LIMIT_S, SolveOptions, Structure, Tolerances, time_limit_from_secs,
};
pub use report::{SolveReport, warnings_json};
pub use sifting::SiftingStats;
pub use solution::{Basis, BasisStatus, Certificate, MipInfo, Solution, Status};
