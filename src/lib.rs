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
//! use fleetplan::plan::{plan, PlanOptions, PlanStatus};
//! use fleetplan::scenario::Scenario;
//!
//! // 2,048 owned H800 must pre-train a DeepSeek-V3-sized model in 60 days,
//! // then serve it; H100 can be rented abroad (examples/scenarios/).
//! let text = r#"
//! name = "quick"
//! start = "2025-08-15"
//! horizon_days = 90
//! jurisdiction = "CN"
//! objective = "min_cost"
//!
//! [[pools]]
//! name = "h800"
//! accelerator = "H800"
//! count = 2048
//! ownership = { kind = "owned", sunk = true }
//!
//! [[pools]]
//! name = "h100-rented"
//! accelerator = "H100"
//! site = "SG"
//! ownership = { kind = "rentable", usd_per_hour = 2.35, max = 4096 }
//!
//! [[phases]]
//! name = "pretrain"
//! kind = "pretraining"
//! model = { total_params = 671e9, active_params = 37e9, layers = 61, hidden = 7168, seq_len = 4096 }
//! precision = "fp8"
//! tokens = 14.8e12
//! deadline_days = 60
//!
//! [budget]
//! energy = { usd_per_kwh = 0.08, pue = 1.3 }
//! "#;
//! let scenario = Scenario::from_toml_str(text)?.validate()?;
//! let p = plan(&scenario, &PlanOptions::default().with_fractional(true))?;
//! assert_eq!(p.status, PlanStatus::Optimal);
//! assert!(p.verified); // recomputed from the plan alone
//! for a in &p.assignments {
//!     println!("{} on {}: {:.0} devices", a.phase, a.pool, a.devices.get());
//! }
//! for b in &p.binding {
//!     println!("{}: {:.2} {}", b.constraint, b.shadow_price, b.unit);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is in the crate
//!
//! The data flows through staged types, each a module:
//!
//! * [`scenario`]: the serde root ([`scenario::Scenario`], TOML/JSON) and
//!   `validate()`, which returns every problem at once with a stable code and
//!   a field path, or a [`scenario::ValidatedScenario`].
//! * [`catalog`], [`fleet`], [`workload`], [`policy`]: accelerators (every
//!   figure sourced), pools, phases, export rules, domestic shares.
//! * [`units`]: money, hours, FLOPs, bytes, tokens as types.
//! * [`perf`] and [`cost`]: what a device of a pool delivers to a phase, and
//!   what it costs ([`perf::PerfModel::explain`] shows every factor).
//! * [`plan`]: the model compiler (every row labelled), planning, shadow
//!   prices, infeasibility explanations, [`plan::verify()`] and
//!   [`plan::justify`] (the domestic-only counterfactual).
//! * [`model`] and [`solver`]: our LP/MILP engine (dual and primal simplex,
//!   branch-and-bound, warm starts, certificates), MPS reading and writing.
//! * [`sweep`]: warm-started parameter sweeps.
//!
//! ## Features
//!
//! * `cli` (default): the `fleetplan` binary. Embedders use
//!   `default-features = false` and get no CLI dependencies.
//! * `charts` (in `cli`): SVG charts of plans and sweeps and the
//!   self-contained HTML report, [`plan::charts`].
//! * `rayon`: parallel chunks in [`sweep`].

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
pub mod risk;
pub mod rng;
pub mod scenario;
pub mod solver;
pub mod sweep;
pub mod units;
pub mod workload;

pub use error::{Error, ErrorKind, Result};

/// The names most programs need, in one import: `use fleetplan::prelude::*;`.
///
/// Scenario building blocks (pools, phases, rules, budgets), units, the
/// planner's entry points and their results, and the error type. Solver
/// and model-layer types stay in [`solver`] and [`model`].
pub mod prelude {
    pub use crate::catalog::{Country, Precision};
    pub use crate::error::{Error, ErrorKind, Result};
    pub use crate::fleet::{Count, Delivery, MfuOverrides, Ownership, Pool, SoftwareStack};
    pub use crate::plan::{
        Demand, Justification, Plan, PlanOptions, PlanStatus, Planner, VerifyReport, justify, plan,
        verify,
    };
    pub use crate::policy::{
        DomesticShare, ExportRule, Justification as JustificationRule, Policy, RuleStatus,
    };
    pub use crate::scenario::{
        Budget, BudgetKind, Economics, Energy, Objective, PhaseId, PoolId, RuleId, Scenario,
        Settings, ValidatedScenario, ValidationReport,
    };
    pub use crate::sweep::{Sweep, SweepOptions, SweepSpec, SweepTable, sweep, sweep_plans};
    pub use crate::units::{
        Bytes, BytesPerSec, Date, Days, Flops, Fraction, Hours, Seconds, Tokens, TokensPerSec, Usd,
        UsdDelta, UsdPerGb, UsdPerHour, UsdPerKwh, Watts, Years,
    };
    pub use crate::workload::{
        DemandStep, Disaggregation, KvLink, LatencySlo, Measured, ModelArch, Phase, PhaseKind,
        TokenDemand,
    };
}
