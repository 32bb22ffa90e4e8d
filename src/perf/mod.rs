//! The performance model: what a device of a pool delivers to a phase.

pub mod flops;
pub mod inference;
pub mod reliability;
pub mod training;
