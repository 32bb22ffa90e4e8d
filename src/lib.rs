//! # fleetplan
//!
//! Plans heterogeneous accelerator fleets: which GPU/NPU pools run which
//! workload phases (pre-training, post-training, inference), what to rent or
//! buy, what it costs, and whether it is allowed under export licences,
//! revenue-share levies and domestic-substitution rules; with an exact LP/MILP
//! engine of its own that reports shadow prices, warm-starts sweeps and
//! explains infeasibility.
//!
//! ## Quick start
//!
//! ```
//! use fleetplan::units::{Hours, UsdPerHour};
//!
//! // DeepSeek-V3's published training bill: 2,788K H800-hours at $2/h.
//! let cost = UsdPerHour::new(2.0)? * Hours::new(2_788_000.0)?;
//! assert_eq!(cost.get(), 5_576_000.0);
//! # Ok::<(), fleetplan::units::UnitError>(())
//! ```
//!
//! ## Layout
//!
//! The data flows through staged types:
//! `Scenario` (TOML/JSON) → `validate()` → `ValidatedScenario` → model compiler
//! → [`model::Model`] → LP/MILP engine → `Plan` → `verify` → report.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod catalog;
pub mod cost;
pub mod error;
pub mod fleet;
pub mod model;
pub mod perf;
pub mod plan;
pub mod policy;
pub mod scenario;
pub mod solver;
pub mod sweep;
pub mod units;
pub mod workload;

pub use error::{Error, ErrorKind, Result};
