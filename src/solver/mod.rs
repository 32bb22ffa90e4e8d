//! The LP/MILP engine.

// The basis factor: used by the simplex, which lands on its own branch; until
// then only its tests use it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod lu;
mod options;
mod solution;
#[allow(dead_code)] // used by the basis factor and simplex, which land next
pub(crate) mod sparse;

pub use options::{Algorithm, SolveOptions, Tolerances};
pub use solution::{Basis, BasisStatus, Certificate, MipInfo, Solution, Status};
