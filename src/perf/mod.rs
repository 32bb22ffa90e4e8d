//! The performance model: what a device of a pool delivers to a phase.
//!
//! * [`flops`]: FLOPs per token (6N, plus attention when the shape is known).
//! * [`training`]: peak × MFU × scale-out efficiency × reliability goodput.
//! * [`reliability`]: MTBF, Young/Daly checkpoint intervals and goodput.
//! * [`inference`]: prefill and decode rooflines, memory fit, latency.
//! * [`disagg`]: which (prefill pool, decode pool) pairs may serve a phase
//!   disaggregated, and the KV-cache traffic between them.
//! * [`defaults`]: every default figure with its source and confidence.
//! * [`fit`]: least-squares scaling curves from a user's measured points
//!   (nalgebra QR), with residuals and held-out errors.
//! * [`PerfModel`]: the rate of every (phase, pool) pair of a scenario, and
//!   an explanation of each factor.

pub mod defaults;
pub mod disagg;
pub mod fit;
pub mod flops;
pub mod inference;
mod pair;
pub mod reliability;
mod report;
pub mod training;

pub(crate) use pair::PerfData;
pub use pair::{
    EfficiencyMatrix, Factor, InferencePair, MatrixEntry, Origin, PairExplanation, PairRate,
    PerfModel, TrainingPair, Unfit,
};
pub use report::PairReport;
