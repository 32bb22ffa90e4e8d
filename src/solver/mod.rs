//! The LP/MILP engine.

pub mod certificate;
mod options;
mod solution;
#[allow(dead_code)] // used by the basis factor and simplex, which land next
pub(crate) mod sparse;

pub use options::{Algorithm, SolveOptions, Tolerances};
pub use solution::{Basis, BasisStatus, Certificate, MipInfo, Solution, Status};
