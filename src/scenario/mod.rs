//! The scenario: the serde root of everything a planner states, its loading,
//! saving and validation.
//!
//! A [`Scenario`] is a plain data transfer object: what a person writes in
//! TOML or a program sends as JSON. [`Scenario::validate`] checks it and
//! returns either a [`ValidatedScenario`] (names resolved to typed ids and
//! catalogue entries, policy lookups ready) or a [`ValidationReport`] with
//! **every** problem at once, each with a stable code, the field's path, the
//! cause and a suggested fix. Only `validate` makes a `ValidatedScenario`, so
//! nothing unchecked reaches the planner.
//!
//! # Example
//!
//! ```
//! use fleetplan::scenario::Scenario;
//!
//! let text = r#"
//! name = "quickstart"
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
//! [[phases]]
//! name = "pretrain"
//! kind = "pretraining"
//! model = { total_params = 671e9, active_params = 37e9 }
//! precision = "fp8"
//! tokens = 14.8e12
//! deadline_days = 80
//! "#;
//! let scenario = Scenario::from_toml_str(text)?;
//! let valid = scenario.validate()?;
//! let h800 = valid.pool_by_name("h800").expect("declared above");
//! assert_eq!(valid.pool(h800).accelerator().name, "H800");
//!
//! // A typo is reported with its path, cause and fix.
//! let bad = Scenario::from_toml_str(&text.replace("\"H800\"", "\"H900\""))?;
//! let report = bad.validate().expect_err("H900 does not exist");
//! assert_eq!(report.issues[0].code, "E-ACCEL-UNKNOWN");
//! assert_eq!(report.issues[0].path, "pools[0].accelerator");
//! assert!(report.issues[0].fix.contains("did you mean 'H100' or 'H800' or 'H200'?"));
//! # Ok::<(), fleetplan::Error>(())
//! ```
//!
//! # Files
//!
//! TOML and JSON carry the same structure (the JSON form is what
//! [`Scenario::to_json_string`] writes). Quantities are bare numbers in base
//! units (dollars, FLOPs, bytes, tokens, seconds; calendar offsets in days),
//! dates are `"YYYY-MM-DD"` strings (TOML's unquoted dates work too),
//! jurisdictions two-letter codes, and every option is one of a fixed set of
//! snake_case names. Round trips are lossless: `from_toml_str(to_toml_string(s)) == s`.
//!
//! # What is checked when
//!
//! * **Syntax and shape** (a missing bracket, a missing required field, an
//!   unknown key, a string where a number belongs) stop the parse:
//!   [`ErrorKind::Parse`](crate::ErrorKind::Parse) with the line when the
//!   format gives one.
//! * **Names, dates and country codes** that are not one of the allowed
//!   values are collected all at once, before the typed parse, and returned
//!   as an [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) error holding a
//!   [`ValidationReport`] (codes `E-VALUE-UNKNOWN`, `E-DATE-INVALID`,
//!   `E-COUNTRY-INVALID`) whose fixes list the allowed values.
//! * **Numbers** are accepted by the parse whatever they are (NaN, negative,
//!   fractional counts), because a parse error can name only one problem;
//!   [`Scenario::validate`] then reports every bad number with its path.
//! * **Meaning** (references, windows, policy consistency, eligibility) is
//!   checked by [`Scenario::validate`].
//!
//! # Issue codes
//!
//! | code | meaning |
//! |---|---|
//! | `E-VALUE-UNKNOWN` | a name that is not one of the allowed values (the fix lists them) |
//! | `E-DATE-INVALID` | a date that is not `YYYY-MM-DD` or not a calendar day |
//! | `E-COUNTRY-INVALID` | a country code that is not two upper-case letters |
//! | `E-NUMBER-NAN` | a number is NaN |
//! | `E-NUMBER-INFINITE` | a number is infinite |
//! | `E-NUMBER-NEGATIVE` | a number is negative where that has no meaning |
//! | `E-NUMBER-ZERO` | a number is zero where it must be positive (horizon, node size, catalogue figures) |
//! | `E-NUMBER-RANGE` | a number outside its range (see "Numeric ranges"), or a list longer than its limit |
//! | `E-COUNT-NOT-INTEGER` | a count (devices, layers) has a fractional part |
//! | `E-COUNT-TOO-LARGE` | a count is above 10^15, beyond every count's range |
//! | `E-NAME-EMPTY` | a scenario, pool, phase or accelerator name is empty |
//! | `E-NAME-DUPLICATE` | two pools, phases or accelerators share a name or alias |
//! | `E-ACCEL-UNKNOWN` | an accelerator that is neither built in nor added under `[[accelerators]]` |
//! | `E-ACCEL-INCOMPLETE` | a new accelerator lacks `vendor` or `origin` |
//! | `E-ACCEL-DUPLICATE` | two `[[accelerators]]` entries change the same accelerator |
//! | `E-VENDOR-UNKNOWN` | an export rule names a vendor no accelerator has |
//! | `E-PHASE-UNKNOWN` | the objective names a phase that does not exist |
//! | `E-MAKESPAN-INFERENCE` | a `min_makespan` objective names an inference phase (it has no finish to bring forward) |
//! | `E-KV-UNKNOWN` | a phase with `disaggregation` gives neither `model.kv_bytes_per_token` nor `layers`, `hidden` and `heads` |
//! | `E-FLEET-EMPTY` | no pools |
//! | `E-WORKLOAD-EMPTY` | no phases |
//! | `E-POOL-COUNT-MISSING` | an owned pool without `count` |
//! | `E-POOL-COUNT-NOT-OWNED` | `count` on a rentable or purchasable pool (their limit is `ownership.max`) |
//! | `E-POOL-OWNERSHIP-MISMATCH` | a change in code that does not fit how the pool is held (a rental price on a purchasable pool, a limit on an owned one) |
//! | `E-POOL-CAPEX-INCOMPLETE` | an owned pool with `sunk = false` but no `unit_price_usd` or `depreciation_days` |
//! | `E-POOL-SOFTWARE-MISMATCH` | `cuda` on a non-NVIDIA device, `cann` on a non-Huawei one, `rocm` on a non-AMD one |
//! | `E-POOL-LEAD-TIME-BEYOND-HORIZON` | purchases would arrive after the horizon |
//! | `E-PHASE-DEMAND-MISSING` | a training phase with neither `tokens` nor `flops` |
//! | `E-PHASE-DEMAND-AMBIGUOUS` | a training phase with both `tokens` and `flops` |
//! | `E-PHASE-TOKENS-MISSING` | an inference phase without `tokens_per_day`, or with zero tokens |
//! | `E-FIELD-NOT-APPLICABLE` | a field of another phase kind (e.g. `deadline_days` on inference) |
//! | `E-DEADLINE-BEYOND-HORIZON` | `deadline_days` or `until_day` after `horizon_days` |
//! | `E-START-BEYOND-HORIZON` | `start_day` or `from_day` at or after `horizon_days` |
//! | `E-WINDOW-REVERSED` | a phase window that ends before or when it starts |
//! | `E-DEVICES-MIN-ABOVE-MAX` | `min_devices` above `max_devices` |
//! | `E-MODEL-ACTIVE-ABOVE-TOTAL` | `active_params` above `total_params` |
//! | `E-MEASURED-DUPLICATE` | two measured throughputs for one accelerator in one phase |
//! | `E-MEASURED-EMPTY` | a measured entry with neither prefill nor decode rate |
//! | `E-MEASURED-POINTS` | a measured throughput table (`prefill_points`, `decode_points`) with a non-finite or negative value, a concurrency that does not increase, or given beside the single figure it replaces |
//! | `E-SCALING-TOO-FEW` | a training phase's `scaling` entry with fewer than three points (a two-parameter fit of two points has nothing to check it against) |
//! | `E-SCALING-DUPLICATE-DEVICES` | two `scaling` points at one device count |
//! | `E-SCALING-VALUE` | a `scaling` point without exactly one of `mfu` and `tokens_per_s`, or an entry mixing the two |
//! | `E-SCALING-DUPLICATE` | two `scaling` entries for one accelerator in one phase |
//! | `E-SCALING-DEGENERATE` | `scaling` device counts too close together to determine a slope |
//! | `E-PHASE-NO-ELIGIBLE-POOL` | no pool can run a phase: prohibited by policy, precision unsupported without fallback, or no figures |
//! | `E-RULE-EMPTY` | an export rule naming neither accelerators nor vendors |
//! | `E-DATES-REVERSED` | a rule's `until` not after its `from` |
//! | `E-RULE-CONFLICT` | two export rules of one issuer cover one accelerator and destination on a common day with different effects |
//! | `E-RULE-TERMS-NOT-LICENSED` | `levy`, `levy_pass_through` or `quota` on a rule that is not `licensed` |
//! | `E-SHARE-DUPLICATE` | two overlapping domestic-share rules for one phase kind |
//! | `E-DATES-UNSORTED` | dated demand steps or deliveries not in increasing date order |
//! | `E-DATE-BEYOND-HORIZON` | a demand step, delivery step or pool availability date at or after the end of the horizon |
//! | `E-PERIODS-REQUIRED` | `deliveries` or `quota_per = "period"` without `period_days` |
//! | `E-PERIOD-BEYOND-HORIZON` | `period_days` longer than `horizon_days` |
//! | `E-RULE-USE-NOT-PROHIBITED` | a `scope = "use"` rule whose status is not `prohibited` |
//! | `E-RISK-INVALID` | a risk without an effect or probability, an unknown pool, phase or risk, joint probabilities not summing to 1, an objective other than `min_cost` ([`crate::risk`]) |
//! | `E-RISK-TOO-MANY` | more than 12 independent risks without `risk.samples`, or more than 4,096 joint scenarios |
//! | `E-POOL-UNKNOWN` | a run failure or a `disaggregation.links[]` entry naming a pool that does not exist (a link: or the same pool twice) |
//! | `E-FAILURE-EMPTY` | a run failure (`phases[].failures`) naming no pool and no vendor |
//!
//! # Numeric ranges
//!
//! Every number has a range of physically meaningful values, checked by
//! [`Scenario::validate`] (`E-NUMBER-RANGE`, with the field's path, the
//! range and why). The bounds are generous — one to three orders of
//! magnitude beyond the largest real value — and they exist so that every
//! product the planner forms (devices × hours × price, FLOP/s × hours,
//! tokens × FLOP per token) stays far inside `f64` and the compiled model
//! stays within what the engine is measured on: without them a price of
//! 1e-300 USD, a horizon of 1e15 days or a TDP of 1e308 W made models
//! whose coefficients span hundreds of orders of magnitude (a horizon of
//! 1e15 days once gave a plan its own verifier rejected). A non-zero value
//! below a range's minimum is refused like one above its maximum; where
//! zero is meaningful it is allowed ("or 0"), so "free" is written `0`,
//! not `1e-300`. NaN, infinities and negatives keep their own codes
//! (`E-NUMBER-NAN`, `E-NUMBER-INFINITE`, `E-NUMBER-NEGATIVE`).
//!
//! | field(s) | range | why |
//! |---|---|---|
//! | `horizon_days`, `period_days`, `ownership.depreciation_days` | `[1/24, 18262.5]` days | an hour (the calendar's resolution) to 50 years; an accelerator's life is ~5 |
//! | `start_day`, `deadline_days`, `from_day`, `until_day`, `ownership.lead_time_days` | `0` or `[1/24, 18262.5]` days | offsets from the start at the calendar's resolution; each also within the horizon |
//! | `pools[].count`, `ownership.max`, `ownership.granularity`, `deliveries[].max_per_period`, `scaling[].points[].devices` | `[0, 10^7]` devices (granularity, devices ≥ 1) | the largest fleets are 10^5–10^6 devices |
//! | `phases[].min_devices`, `max_devices`, `policy.rules[].quota` | `[0, 10^12]` devices | a whole fleet: 10^5 pools of 10^7 |
//! | `pools[].node_size`, catalogue `node_size` | `[1, 10^4]` devices | the largest scale-up systems hold hundreds (CloudMatrix 384, NVL576) |
//! | `ownership.unit_price_usd` | `0` or `[1e-6, 1e8]` USD | a device costs thousands to tens of thousands of dollars; below a micro-dollar write 0 |
//! | `ownership.usd_per_hour` | `0` or `[1e-6, 1e5]` USD/h | cents to tens of dollars a device-hour |
//! | `budget.energy.usd_per_kwh`, `pools[].energy_usd_per_kwh` | `0` or `[1e-6, 100]` USD/kWh | cents a kWh; 100 is a thousand times the dearest |
//! | `budget.capex_usd`, `opex_usd`, `total_usd` | `0` or `[1e-6, 1e15]` USD | 10^15 USD is ten times world GDP |
//! | `budget.energy.pue` | `[1, 10]` | real facilities run at 1.05–2 |
//! | `pools[].availability` | `[0.01, 1]` | a pool up less than 1% of the time is not a pool |
//! | `pools[].mfu.*`, `scaling[].points[].mfu` | `[0.001, 1]` | below 0.1% is a unit mistake (0.39 for 39%) |
//! | `pools[].mtbf_hours` | `[1, 1e15]` h | device MTBFs are 10^4–10^6 h; 10^12–10^15 say "never fails" |
//! | `pools[].checkpoint_write_s`, `restart_s` | `0` or `[1e-3, 1e6]` s | seconds to hours; 10^6 s is 11.6 days (as time limits) |
//! | `pools[].life_years` | `[0.01, 50]` years | an economic life is a few years |
//! | fractions: `residual_fraction`, `levy`, `levy_pass_through`, `cache_hit`, `domestic_share[].min`, `settings.mip_gap` | `[0, 1]` | fractions |
//! | `phases[].tokens` | `[1, 1e18]` tokens, and `6 × active_params × tokens ≤ 1e30` FLOP | the largest runs use 10^13–10^14 tokens |
//! | `phases[].flops` | `[1, 1e30]` FLOP | the largest runs are 10^25–10^26 FLOP |
//! | `tokens_per_day.input`, `.output` (flat or each dated step) | `0` or `[1, 1e18]` tokens/day | the largest services serve 10^12–10^14 a day |
//! | `growth_per_month` | `[0, 10]` | over 1,000% a month is not a forecast |
//! | `peak_to_average` | `[1, 100]` | the busiest hour over the day's average |
//! | `measured[].prefill_tokens_per_s`, `decode_tokens_per_s` | `[1e-3, 1e9]` tokens/s | one device serves 10^2–10^5 a second |
//! | `scaling[].points[].tokens_per_s` | `[1e-3, 1e15]` tokens/s | a whole training job |
//! | `latency.tpot_s`, `ttft_s`, `measured[].at_tpot_s` | `[1e-6, 1e4]` s | milliseconds to seconds |
//! | `model.total_params`, `active_params` | `[1, 1e15]` | the largest models have ~10^12 |
//! | `model.layers`, `hidden`, `heads`, `kv_heads`, `qk_head_dim`, `v_head_dim`, `experts`, `active_experts` | `[1, 10^7]` | at most ~10^5 in any model |
//! | `model.seq_len`, `context_length` | `[1, 10^9]` tokens | contexts are up to ~10^7 |
//! | `batch` | `[1, 10^7]` | |
//! | `model.kv_bytes_per_token` | `[1, 1e9]` B | kilobytes to megabytes a token |
//! | `disaggregation.usd_per_gb`, `disaggregation.links[].usd_per_gb` | `0` or `[1e-6, 100]` USD/GB | moving a GB costs at most cents between clouds |
//! | `disaggregation.links[].bandwidth` | `[1, 1e15]` B/s | links run at 10^9–10^13 B/s |
//! | `checkpoint_bytes` | `[1, 1e16]` B | a 10^12-parameter checkpoint with optimiser state is ~10^13 B |
//! | catalogue peaks (`peak_bf16` … `peak_fp4`) | `[1, 1e18]` FLOP/s | the fastest devices reach ~10^16 at FP4 |
//! | catalogue `hbm_capacity` | `[1, 1e15]` B | ~10^11 B a device |
//! | catalogue `hbm_bandwidth`, `scale_up_bandwidth`, `scale_out_bandwidth` | `[1, 1e15]` B/s | 10^11–10^13 B/s |
//! | catalogue `scale_up_domain` | `[1, 10^7]` devices | hundreds at most |
//! | catalogue `tdp`, `system_power` | `[1e-3, 1e6]` W | 10^2–10^3 W a device |
//! | catalogue `purchase_price`, `rental_price` | `[1e-6, 1e8]` USD, `[1e-6, 1e5]` USD/h | as the pools' prices |
//! | `settings.time_limit_s` | `(0, 10^6]` s | 11.6 days; the caller's limit takes precedence |
//! | `pools` | at most 10^5 entries | a fleet of 10^5 pools is already every cluster on earth |
//! | `phases` | at most 10^4 entries | |
//! | every other list (`accelerators`, `policy.rules`, `policy.domestic_share`, `deliveries`, `tokens_per_day` steps, `measured`, `scaling`, points, `disaggregation.links`) | at most 10^4 entries | |
//! | pools × phases × periods | at most 4·10^6 | the model's assignment columns: the 2,000 × 2,000 assignment family is the largest the engine is measured on |
//! | periods (`horizon_days / period_days`) | at most 240 | 20 years of months |
//!
//! The library's constructors follow the same policy: `units` constructors
//! (`Usd::new`, …) reject NaN, infinities and negatives with a
//! [`UnitError`](crate::units::UnitError); `from_raw`, builder setters
//! (`with_peak_to_average`, …) and serde accept any number without
//! panicking and leave the verdict to `validate`, which is the only way
//! into the planner.
//!
//! # Disaggregated serving
//!
//! An inference phase may add `[phases.disaggregation]` to be served by
//! (prefill pool, decode pool) pairs as well as co-located (the planner
//! picks whichever is cheaper; [`crate::perf::disagg`] says which pairs
//! are allowed):
//!
//! ```toml
//! [phases.disaggregation]
//! same_site = true     # any two pools at the same site may pair (default true)
//! usd_per_gb = 0.0     # KV transfer price between same-site pools (default 0)
//! # explicit links, e.g. across sites: bandwidth in bytes per second
//! links = [{ prefill = "h800", decode = "h20-buy", bandwidth = 1e12, usd_per_gb = 0.0 }]
//! ```
//!
//! It needs the KV-cache size per token (`model.kv_bytes_per_token`, or
//! `layers`, `hidden` and `heads`): `E-KV-UNKNOWN` otherwise. A link naming
//! a pool that does not exist, or the same pool twice, is `E-POOL-UNKNOWN`.
//!
//! # Eligibility
//!
//! A pool can run a phase when (1) policy permits the pool at the scenario's
//! start date (owned pools are exempt from export rules unless a rule binds
//! owned devices) and (2) its accelerator has a known dense peak at the
//! phase's precision, or at its `fallback_precision`, or (inference only)
//! the phase gives a measured throughput for that accelerator. A phase no
//! pool can run is reported as `E-PHASE-NO-ELIGIBLE-POOL`, with each pool's
//! reason.

mod calendar;
mod io;
pub use io::{MAX_NESTING, MAX_SCENARIO_BYTES};
mod precheck;
mod ranges;
mod report;
mod validate;

pub use calendar::DAYS_PER_MONTH;
pub use report::{Issue, IssueCode, ValidationReport};
pub use validate::{
    AcceleratorId, BudgetKind, Eligibility, Ineligible, PhaseId, PhaseRef, PoolId, PoolRef,
    ResolvedObjective, ResolvedRule, RuleId, ValidatedScenario,
};

pub(crate) use validate::check_figure;

pub use ranges::{
    MAX_ASSIGNMENTS, MAX_DAYS, MAX_DEVICES, MAX_FLEET_DEVICES, MAX_LIST, MAX_PHASES, MAX_POOLS,
    MIN_DAYS,
};

use crate::catalog::{AcceleratorPatch, Country, string_enum};
use crate::fleet::Pool;
use crate::policy::Policy;
use crate::units::{Date, Days, Fraction, Seconds, Usd, UsdPerKwh};
use crate::workload::Phase;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything a planning question states: fleet, workload, policy, budget
/// and objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scenario {
    /// Name, used in reports.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// First day of the plan; policy rules are looked up at this date.
    pub start: Date,
    /// Length of the plan, days.
    pub horizon_days: Days,
    /// Where the fleet runs and buys (pools default to it); accelerators
    /// originating here are domestic.
    pub jurisdiction: Country,
    /// What to optimise.
    #[serde(default)]
    pub objective: Objective,
    /// Catalogue additions and overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accelerators: Vec<AcceleratorPatch>,
    /// The fleet.
    #[serde(default)]
    pub pools: Vec<Pool>,
    /// The workload.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Export, domestic-share and justification rules.
    #[serde(default, skip_serializing_if = "Policy::is_empty")]
    pub policy: Policy,
    /// Length of a planning period in days (e.g. 30): the horizon is cut
    /// into periods, purchases are ordered per period and per-period rules
    /// (delivery schedules, per-period quotas, domestic shares) apply to
    /// each. Absent: one period, the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_days: Option<Days>,
    /// Spending limits and energy prices.
    #[serde(default, skip_serializing_if = "Budget::is_empty")]
    pub budget: Budget,
    /// How purchases are charged to the horizon.
    #[serde(default, skip_serializing_if = "Economics::is_empty")]
    pub economics: Economics,
    /// Solver settings.
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub settings: Settings,
    /// Events that may happen, each with a probability and a date
    /// ([`crate::risk`]): the plan hedges against them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<crate::risk::Risk>,
    /// Joint outcomes of the risks with their probabilities; absent: the
    /// risks are independent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_scenarios: Vec<crate::risk::RiskScenario>,
    /// Sampling and the risk measure of planning under risk.
    #[serde(default, skip_serializing_if = "crate::risk::RiskOptions::is_empty")]
    pub risk: crate::risk::RiskOptions,
}

impl Scenario {
    /// A scenario with no pools, phases or policy yet; the `with_*`
    /// builders add them (`examples/build_in_code.rs` builds the flagship).
    ///
    /// ```
    /// use fleetplan::prelude::*;
    ///
    /// let s = Scenario::new("quick", "2025-08-15".parse()?, Days::new(90.0)?, Country::CN)
    ///     .with_pool(Pool::owned("h800", "H800", 2048))
    ///     .with_pool(Pool::new(
    ///         "h100-rented",
    ///         "H100",
    ///         Ownership::rentable(UsdPerHour::new(2.35)?).with_max(4096),
    ///     ).with_site(Country::new("SG")?))
    ///     .with_phase(
    ///         Phase::training(
    ///             "pretrain",
    ///             PhaseKind::Pretraining,
    ///             ModelArch::moe(671_000_000_000, 37_000_000_000).with_shape(61, 7168, 4096),
    ///             Precision::Fp8,
    ///         )
    ///         .with_tokens(Tokens::new(14.8e12)?)
    ///         .with_deadline(Days::new(60.0)?),
    ///     )
    ///     .with_budget(Budget::new().with_energy(Energy::new(UsdPerKwh::new(0.08)?, 1.3)));
    /// let p = plan(&s.validate()?, &PlanOptions::default().with_fractional(true))?;
    /// assert_eq!(p.status, PlanStatus::Optimal);
    /// assert!(p.verified);
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        start: Date,
        horizon: Days,
        jurisdiction: Country,
    ) -> Scenario {
        Scenario {
            name: name.into(),
            description: None,
            start,
            horizon_days: horizon,
            jurisdiction,
            objective: Objective::MinCost,
            accelerators: Vec::new(),
            pools: Vec::new(),
            phases: Vec::new(),
            policy: Policy::default(),
            period_days: None,
            budget: Budget::default(),
            economics: Economics::default(),
            settings: Settings::default(),
            risks: Vec::new(),
            risk_scenarios: Vec::new(),
            risk: crate::risk::RiskOptions::default(),
        }
    }

    /// One line saying what the scenario holds, as `fleetplan validate`
    /// prints it: `scenario 'NAME': P pools, F phases, R export rules; D
    /// days from START in JURISDICTION`.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "scenario '{}': {} pools, {} phases, {} export rules; {} days from {} in {}",
            self.name,
            self.pools.len(),
            self.phases.len(),
            self.policy.rules.len(),
            self.horizon_days.get(),
            self.start,
            self.jurisdiction
        )
    }

    /// Sets the free-text description.
    #[must_use]
    pub fn with_description(mut self, text: impl Into<String>) -> Scenario {
        self.description = Some(text.into());
        self
    }

    /// Sets what to optimise (least cost by default).
    #[must_use]
    pub fn with_objective(mut self, objective: Objective) -> Scenario {
        self.objective = objective;
        self
    }

    /// Adds a catalogue addition or override.
    #[must_use]
    pub fn with_accelerator(mut self, patch: AcceleratorPatch) -> Scenario {
        self.accelerators.push(patch);
        self
    }

    /// Adds a pool.
    #[must_use]
    pub fn with_pool(mut self, pool: Pool) -> Scenario {
        self.pools.push(pool);
        self
    }

    /// Adds a phase.
    #[must_use]
    pub fn with_phase(mut self, phase: Phase) -> Scenario {
        self.phases.push(phase);
        self
    }

    /// Sets the policy.
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Scenario {
        self.policy = policy;
        self
    }

    /// Cuts the horizon into periods of `days`.
    #[must_use]
    pub fn with_period_days(mut self, days: Days) -> Scenario {
        self.period_days = Some(days);
        self
    }

    /// Sets the spending limits and energy prices.
    #[must_use]
    pub fn with_budget(mut self, budget: Budget) -> Scenario {
        self.budget = budget;
        self
    }

    /// Sets how purchases are charged.
    #[must_use]
    pub fn with_economics(mut self, economics: Economics) -> Scenario {
        self.economics = economics;
        self
    }

    /// Sets the solver settings.
    #[must_use]
    pub fn with_settings(mut self, settings: Settings) -> Scenario {
        self.settings = settings;
        self
    }

    /// Adds a risk ([`crate::risk`]).
    #[must_use]
    pub fn with_risk(mut self, risk: crate::risk::Risk) -> Scenario {
        self.risks.push(risk);
        self
    }

    /// Sets the risk options (sampling, risk measure).
    #[must_use]
    pub fn with_risk_options(mut self, options: crate::risk::RiskOptions) -> Scenario {
        self.risk = options;
        self
    }
}

string_enum! {
    /// The names an objective can have (the `kind` of [`Objective`]).
    pub enum ObjectiveKind {
        /// See [`Objective::MinCost`].
        MinCost = "min_cost",
        /// See [`Objective::MinMakespan`].
        MinMakespan = "min_makespan",
        /// See [`Objective::MaxServed`].
        MaxServed = "max_served",
        /// See [`Objective::DomesticFirst`].
        DomesticFirst = "domestic_first",
    }
}

/// What the planner optimises.
///
/// In files: `objective = "min_cost"`, or
/// `objective = { kind = "min_makespan", phases = ["pretrain"] }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Objective {
    /// Least total cost.
    #[default]
    MinCost,
    /// Earliest completion of the named phases (every training phase when
    /// the list is empty).
    MinMakespan {
        /// Phase names.
        phases: Vec<String>,
    },
    /// Most demand served within budget.
    MaxServed,
    /// Highest domestic share first, then least cost.
    DomesticFirst,
}

impl Objective {
    /// The objective's kind.
    #[must_use]
    pub fn kind(&self) -> ObjectiveKind {
        match self {
            Objective::MinCost => ObjectiveKind::MinCost,
            Objective::MinMakespan { .. } => ObjectiveKind::MinMakespan,
            Objective::MaxServed => ObjectiveKind::MaxServed,
            Objective::DomesticFirst => ObjectiveKind::DomesticFirst,
        }
    }
}

impl Serialize for Objective {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Objective::MinMakespan { phases } if !phases.is_empty() => {
                let mut st = s.serialize_struct("Objective", 2)?;
                st.serialize_field("kind", ObjectiveKind::MinMakespan.as_str())?;
                st.serialize_field("phases", phases)?;
                st.end()
            }
            other => s.serialize_str(other.kind().as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Objective {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Objective, D::Error> {
        struct V;
        fn from_kind(kind: ObjectiveKind, phases: Vec<String>) -> Objective {
            match kind {
                ObjectiveKind::MinCost => Objective::MinCost,
                ObjectiveKind::MinMakespan => Objective::MinMakespan { phases },
                ObjectiveKind::MaxServed => Objective::MaxServed,
                ObjectiveKind::DomesticFirst => Objective::DomesticFirst,
            }
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Objective;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "one of {} or a table {{ kind = ..., phases = [...] }}",
                    ObjectiveKind::NAMES.join(", ")
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Objective, E> {
                ObjectiveKind::from_name(v)
                    .map(|k| from_kind(k, Vec::new()))
                    .ok_or_else(|| E::unknown_variant(v, ObjectiveKind::NAMES))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Objective, A::Error> {
                use serde::de::Error;
                let mut kind: Option<ObjectiveKind> = None;
                let mut phases: Option<Vec<String>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "kind" => kind = Some(map.next_value()?),
                        "phases" => phases = Some(map.next_value()?),
                        other => return Err(A::Error::unknown_field(other, &["kind", "phases"])),
                    }
                }
                let kind = kind.ok_or_else(|| A::Error::missing_field("kind"))?;
                let phases = phases.unwrap_or_default();
                if !phases.is_empty() && kind != ObjectiveKind::MinMakespan {
                    return Err(A::Error::custom(format!(
                        "`phases` applies only to min_makespan, not {}",
                        kind.as_str()
                    )));
                }
                Ok(from_kind(kind, phases))
            }
        }
        d.deserialize_any(V)
    }
}

/// Electricity cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Energy {
    /// Electricity price.
    pub usd_per_kwh: UsdPerKwh,
    /// Power usage effectiveness (facility power ÷ IT power, dimensionless,
    /// at least 1); 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
}

impl Energy {
    /// Electricity at `usd_per_kwh` with a PUE.
    #[must_use]
    pub fn new(usd_per_kwh: UsdPerKwh, pue: f64) -> Energy {
        Energy {
            usd_per_kwh,
            pue: Some(pue),
        }
    }
}

/// Spending limits over the horizon, and energy prices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Budget {
    /// Most to spend on purchases (levies included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capex_usd: Option<Usd>,
    /// Most to spend on rentals and energy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opex_usd: Option<Usd>,
    /// Most to spend in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_usd: Option<Usd>,
    /// Electricity price and PUE; energy is not costed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<Energy>,
}

impl Budget {
    /// No limits, energy not costed.
    #[must_use]
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Sets the most to spend on purchases.
    #[must_use]
    pub fn with_capex(mut self, limit: Usd) -> Budget {
        self.capex_usd = Some(limit);
        self
    }

    /// Sets the most to spend on rentals and energy.
    #[must_use]
    pub fn with_opex(mut self, limit: Usd) -> Budget {
        self.opex_usd = Some(limit);
        self
    }

    /// Sets the most to spend in all.
    #[must_use]
    pub fn with_total(mut self, limit: Usd) -> Budget {
        self.total_usd = Some(limit);
        self
    }

    /// Sets the electricity price and PUE.
    #[must_use]
    pub fn with_energy(mut self, energy: Energy) -> Budget {
        self.energy = Some(energy);
        self
    }

    /// `true` when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.capex_usd.is_none()
            && self.opex_usd.is_none()
            && self.total_usd.is_none()
            && self.energy.is_none()
    }
}

string_enum! {
    /// How a purchase is charged to the plan.
    pub enum CapexBasis {
        /// Straight-line depreciation over the devices' life from their
        /// arrival: the plan is charged the part of `(price + levy) ×
        /// (1 − residual)` that falls inside the horizon; the rest is
        /// residual value (the default).
        Depreciated = "depreciated",
        /// The whole price and levy, as cash, whatever the horizon.
        Cash = "cash",
    }
}

/// How purchases are charged to the plan (`[economics]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Economics {
    /// `"depreciated"` (the default) or `"cash"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capex: Option<CapexBasis>,
}

impl Economics {
    /// `true` when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.capex.is_none()
    }

    /// The basis in force (depreciated when absent).
    #[must_use]
    pub fn capex_basis(&self) -> CapexBasis {
        self.capex.unwrap_or(CapexBasis::Depreciated)
    }

    /// Purchases depreciated over their life (the default).
    #[must_use]
    pub fn depreciated() -> Economics {
        Economics {
            capex: Some(CapexBasis::Depreciated),
        }
    }

    /// Purchases charged as cash.
    #[must_use]
    pub fn cash() -> Economics {
        Economics {
            capex: Some(CapexBasis::Cash),
        }
    }
}

/// Solver settings a scenario may carry. Absent values take the planner's
/// defaults; values the caller passes in [`crate::plan::PlanOptions`] (or
/// on the command line) override these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    /// Relative MIP gap at which to stop, in `[0, 1]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mip_gap: Option<Fraction>,
    /// Wall-clock budget of a whole run (`plan`, `justify`, a sweep), in
    /// seconds, in `(0, 10^6]`; absent: 60 s. A limit given by the caller
    /// (the CLI's `--time-limit`, [`crate::plan::PlanOptions::time_limit`])
    /// takes precedence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<Seconds>,
    /// `false` to plan fractional devices (an LP relaxation); whole devices
    /// by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whole_devices: Option<bool>,
}

impl Settings {
    /// The planner's defaults.
    #[must_use]
    pub fn new() -> Settings {
        Settings::default()
    }

    /// Sets the relative MIP gap at which to stop.
    #[must_use]
    pub fn with_mip_gap(mut self, gap: Fraction) -> Settings {
        self.mip_gap = Some(gap);
        self
    }

    /// Sets the wall-clock budget of a run.
    #[must_use]
    pub fn with_time_limit(mut self, limit: Seconds) -> Settings {
        self.time_limit_s = Some(limit);
        self
    }

    /// Plans whole devices (`true`, the default) or fractional ones.
    #[must_use]
    pub fn with_whole_devices(mut self, whole: bool) -> Settings {
        self.whole_devices = Some(whole);
        self
    }

    /// `true` when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.mip_gap.is_none() && self.time_limit_s.is_none() && self.whole_devices.is_none()
    }
}
