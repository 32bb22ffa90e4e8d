//! The planner: scenario → labelled model → optimal plan, verified and
//! explained.
//!
//! ```
//! use fleetplan::plan::{plan, PlanOptions, PlanStatus};
//! use fleetplan::scenario::Scenario;
//!
//! let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
//! let vs = Scenario::from_toml_str(&text)?.validate()?;
//! // fractional devices (an LP); the default plans whole devices (a MILP)
//! let p = plan(&vs, &PlanOptions::default().with_fractional(true))?;
//! assert_eq!(p.status, PlanStatus::Optimal);
//! assert!(p.verified);
//! println!("{}", p.to_table());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Formulation
//!
//! **Time.** The horizon `H` is cut into *periods* (`period_days`; one
//! period when the scenario has none) and then into intervals
//! `t = [b_t, b_{t+1})` at every phase's start and deadline (or end of
//! service), every possible arrival of a purchase, every day a dated rule,
//! demand step, delivery step or availability date changes something, and
//! the period boundaries. Within an interval everything is constant; each
//! interval is read on its first day ([`crate::scenario::ValidatedScenario`]'s
//! calendar: `usable_on`, `order_effect`, `demand_at`, `delivery_cap`).
//! For a phase `p` and a pool `k` that may run it at some time of the
//! horizon (policy, precision, memory and latency screens, see
//! [`crate::perf`]), the performance model gives a rate and the cost model a
//! price per device-hour `c_k` (energy on the device's power at the site's
//! electricity price and PUE, rental, and amortised capex of owned devices
//! that are not sunk).
//!
//! **Columns.** Device counts come in units of `g` devices (a pool's node
//! or purchase granularity for training, the memory-fit replica for
//! inference); a column counts units.
//!
//! * `buy[k,o]`: units ordered for purchasable pool `k` on order day `o`
//!   (the start, each period, each day a rule on its accelerator changes,
//!   its availability and delivery steps), placed only when the rules in
//!   force that day permit it, arriving `a_ko = o + lead_k` before `H`;
//!   cost `g·charge(price_k + levy_ko, a_ko)`, where `levy_ko = price_k · ℓ ·
//!   pass-through` under the licence in force on day `o` and `charge` is the
//!   cash (`[economics] capex = "cash"`) or the straight-line depreciation
//!   inside the horizon, `(price + levy)·(1 − residual)·min(1, (H − a_ko) /
//!   life)` (the default).
//! * `train[p,k,w]`: units of pool `k` running training phase `p` over a
//!   window `w = [s, e)` (`h_w` hours): windows start at the phase's start,
//!   at each arrival of the pool's purchases and when the pool becomes
//!   usable again, and end at the deadline `d_p` or when the pool stops
//!   being usable; cost `g·h_w·c_k` per unit. A pool usable throughout has
//!   one window and one column `train[p,k]`.
//! * `serve[p,k,t]`: units of pool `k` serving inference phase `p` in
//!   interval `t` of its window, where the pool is usable and the phase has
//!   demand; cost `g·|t|·c_k`.
//! * `prefill[p,k,t]`, `decode[p,k,t]`, `kv[p,A,B,t]` (inference phases
//!   with `disaggregation`): devices doing only prefill or decode, and the
//!   fraction of requests prefilled on `A` and decoded on `B`, with the KV
//!   cache moved between them (bounded by links and scale-out bandwidth,
//!   priced per GB); see the serving family's docs and DESIGN.md.
//! * `use[p,k(,w)]` (binary, whole-device plans): whether training phase `p`
//!   runs on pool `k` (in window `w`) (single-pool runs, memory fit).
//!
//! **Rows** (each named and described in [`Compiled::rows`]; each family of
//! rows and columns lives in its own file of [`compile`](mod@compile), with
//! its part of this formulation beside it):
//!
//! ```text
//! capacity[k,t]:   Σ_p g·x[p,k,t] − Σ_o a_k·g·buy[k,o]·[t ≥ a_ko] ≤ a_k·owned_k   (or ≤ max rentable)
//! work[p]:         Σ_{k,w} (r_pkw·h_w·g) · train[p,k,w] ≥ 1    r_pkw = share of the work per device-hour
//! serve[p,t]:      Σ_k (q_pkt·g) · serve[p,k,t] ≥ 1           q_pkt = share of the peak demand in t per device
//! delivery[k,q]:   Σ_{o: a_ko in period q} g·buy[k,o] ≤ cap_kq  (delivery schedule)
//! buy_limit[k]:    Σ_o g·buy[k,o] ≤ max_k                     (several order days)
//! budget.capex:    Σ cash of purchases (price and levy) ≤ B_capex
//! budget.opex:     Σ rental and energy ≤ B_opex
//! budget.total:    Σ cash of everything ≤ B_total
//! quota[r(,q)]:    Σ_{(k,o) licensed by r (in period q)} g·buy[k,o] ≤ quota_r
//! domestic[κ,w]:   Σ_{p of kind κ} Σ_j (dom_j − s_κw)·g·|window_j ∩ w|·x_j ≥ 0   (device-hour share per window)
//! gang[p,k]:       train[p,k] − M_pk·use[p,k] ≤ 0
//! memfit[p,k]:     g·train[p,k] − m_pk·use[p,k] ≥ 0       (m_pk: devices the training state needs)
//! single_pool[p]:  Σ_k use[p,k] ≤ 1      (and use[p,k] ≤ 0 where pool k at its most cannot do p's whole work)
//! one_site[p,k,k']: use[p,k] + use[p,k'] ≤ 1   (k, k' at different sites, unless allow_cross_site)
//! one_vendor[p,k,k']: use[p,k] + use[p,k'] ≤ 1 (k, k' of different vendors, unless allow_cross_vendor)
//! max_devices, min_devices: the phase's device limits
//! ```
//!
//! A sale prohibition in force on an order day gets no purchase column that
//! day and stops rentals while in force; owned and bought devices stay
//! usable unless a rule on use (`scope = "use"`, or a prohibition that binds
//! owned devices) is in force. `q_pkt` rates the demand of interval `t`: the
//! dated step in force, grown by `growth_per_month` to the interval's end,
//! times `peak_to_average`. A domestic-share window is a stretch where one
//! minimum is in force, cut at period boundaries when the scenario has
//! periods.
//!
//! **Objectives.** *Least cost*: minimise the sum of column costs.
//! *Most served*: add `served[p] ∈ [0,1]` to every demand row
//! (`… − served[p] ≥ 0`), maximise `Σ served[p]` within the budgets, then
//! minimise cost with `Σ served` held at its optimum. *Domestic first*:
//! minimise foreign device-hours, then minimise cost with foreign
//! device-hours held at their optimum. *Least makespan*: bisect a common
//! deadline of the chosen phases (each probe a least-cost solve), then plan
//! at the least feasible deadline.
//!
//! **Approximations** (documented, not hidden): a training rate is evaluated
//! at the job size the pool would need to finish the phase alone in its
//! window (scale-out efficiency and goodput depend on it), and work
//! accumulates linearly in device-hours; inference demand is a daily rate
//! (sized on its peak hour), served by prefill and decode disaggregated.
//!
//! **Solving whole devices.** The MILP goes to the engine's
//! branch-and-bound with the planner's rounding of each LP point (`start`).
//! Models of at least 50,000 rows with `use` binaries are planned
//! relaxation first (`relaxed`): the LP relaxation projected onto the
//! columns other than the `use` binaries (`train[p,k] ≤ M_pk`, each
//! single-pool, one-site and one-vendor row reading `use` as `train/M`) is
//! exactly the MILP's root LP and has the fractional model's shape. It
//! gains one cut per single-pool phase (the one run does the whole work,
//! so at least `⌈1/a_c⌉` units of its column `c`: `Σ_c train_c/⌈1/a_c⌉ ≥
//! 1`), and its rows that count devices (`capacity`, `delivery`,
//! `buy_limit`, `quota`, device limits), whose whole columns all have
//! coefficients that are multiples of a step `g`, hold multiples of `g`
//! only (1,000 owned devices at availability 0.95 in units of 8: 944 at
//! once, not 950; `compile::whole`). The plan comes from the MILP
//! restricted to that LP's support and the next cheapest columns, with the
//! projection's optimum as the bound.
//!
//! # Shadow prices
//!
//! Duals come from the LP with the plan's discrete choices (`use` binaries)
//! fixed and device counts relaxed; they are marginal values at the plan.
//! Every [`Binding`] constraint reports its `shadow_price`: how much the
//! objective would improve if the constraint were loosened by one of its
//! units (and worsen if tightened), e.g. "USD per extra device of
//! h20-owned", "USD per point of domestic share".
//!
//! # Verification
//!
//! Every plan is re-checked by [`verify()`], which re-derives each of its
//! claims from the scenario and the plan's schedule and purchases alone
//! (never from the compiled model), with training work credited at the rate
//! the performance model gives at each slot's own device count; a plan met
//! only under the linearisation above passes with a warning. The checks,
//! their names and tolerances are listed in [`mod@verify`]. A plan read
//! back from its JSON (`Plan` is `Deserialize`) can be verified the same
//! way, which is what `fleetplan verify` does.

#[cfg(feature = "charts")]
pub mod charts;
pub mod compile;
mod explain;
mod justify;
mod price_unit;
mod relaxed;
mod report;
mod session;
mod start;
pub mod symmetry;
pub mod verify;

pub use compile::{
    ColInfo, ColKind, CompileOptions, Compiled, KvBound, RowInfo, RowKind, ServeRole, UnitCost,
    compile,
};
pub use explain::{Infeasibility, Relaxation};
pub use justify::{Counterfactual, CounterfactualScope, Justification, justify, justify_with};
pub use price_unit::PriceUnit;
pub use session::{Demand, Planner};
pub use verify::{Check, Detail, VerifyReport, Warning, verify};

use crate::error::Result;
use crate::model::{ColId, Model, Sense, VarType};
use crate::perf::PerfModel;
use crate::scenario::{ObjectiveKind, PhaseId, ResolvedObjective, ValidatedScenario};
use crate::solver::{self, SolveOptions, Status};
use crate::units::{Bytes, BytesPerSec, Days, Devices, Hours, Tokens, Usd};
use crate::workload::PhaseKind;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Everyday options of a planning run.
///
/// # Time limit: one budget per run
///
/// Every call of [`plan`], [`justify`] or [`crate::sweep::sweep`] has ONE
/// wall-clock budget, counted from the call: every solve it makes (both
/// stages of a lexicographic objective, every probe of a makespan
/// bisection, the explanation of an infeasible scenario, the shadow-price
/// LP, a justification's counterfactuals, every point of a sweep) stops at
/// the same deadline. The budget is, in order of precedence:
///
/// 1. [`PlanOptions::time_limit`] when set (the CLI's `--time-limit` sets
///    it, so the flag overrides the file);
/// 2. the scenario's `settings.time_limit_s`;
/// 3. [`PlanOptions::DEFAULT_TIME_LIMIT`], 60 s.
///
/// At the limit the answer is the best found, with an honest status: a
/// whole-device plan with an incumbent is [`PlanStatus::Feasible`] with its
/// proven gap, a makespan bisection cut short returns the least deadline
/// found feasible (status `Feasible`, the gap is the bracket's width), an
/// explanation cut short says it is partial ([`Infeasibility::complete`]),
/// and a run with no plan at all is [`PlanStatus::Limit`]. Nothing hangs.
///
/// Any [`Duration`] is accepted and none panics: a budget beyond what the
/// clock can represent (`Duration::MAX`) means no limit in practice
/// (saturation), `Duration::ZERO` stops at the first check. Seconds from
/// people (files, flags) go through [`crate::solver::time_limit_from_secs`],
/// which checks the range `(0, 10^6]`.
///
/// # MIP gap
///
/// The planner's relative MIP gap is its own option,
/// [`PlanOptions::mip_gap`] (explicit value, else the scenario's
/// `settings.mip_gap`, else [`PlanOptions::DEFAULT_MIP_GAP`] = 1e-6), so
/// [`PlanOptions::with_solver`] never changes it: the planner writes it
/// over [`SolveOptions::relative_gap`] of every solve it makes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Engine options of every solve (algorithm, tolerances, node and
    /// iteration limits, MIP switches). Its `relative_gap` is replaced by
    /// the planner's gap ([`PlanOptions::mip_gap`]); its `time_limit`, when
    /// set, caps each single solve *within* the run's budget, and its
    /// `deadline`, when set, is honoured too.
    pub solver: SolveOptions,
    /// Plan fractional devices (an LP) even if the scenario asks for whole
    /// devices.
    pub fractional: bool,
    /// Makespan search: stop when the bracket is narrower than this.
    pub makespan_tolerance: Hours,
    /// The wall-clock budget of the whole run; `None` (default): the
    /// scenario's `settings.time_limit_s`, else
    /// [`PlanOptions::DEFAULT_TIME_LIMIT`] (60 s). See the type's docs.
    pub time_limit: Option<Duration>,
    /// The relative MIP gap of whole-device plans, in `[0, 1]`; `None`
    /// (default): the scenario's `settings.mip_gap`, else
    /// [`PlanOptions::DEFAULT_MIP_GAP`] (1e-6).
    pub mip_gap: Option<f64>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            solver: SolveOptions::default(),
            fractional: false,
            makespan_tolerance: Hours::from_raw(1.0),
            time_limit: None,
            mip_gap: None,
        }
    }
}

impl PlanOptions {
    /// The budget of a run when neither the options nor the scenario set
    /// one: 60 s.
    pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(60);
    /// The MIP gap when neither the options nor the scenario set one.
    pub const DEFAULT_MIP_GAP: f64 = 1e-6;

    /// Sets [`PlanOptions::solver`]. The planner's gap and budget are
    /// separate options and stay as they are.
    #[must_use]
    pub fn with_solver(mut self, s: SolveOptions) -> Self {
        self.solver = s;
        self
    }
    /// Sets [`PlanOptions::fractional`].
    #[must_use]
    pub fn with_fractional(mut self, f: bool) -> Self {
        self.fractional = f;
        self
    }
    /// Sets the run's wall-clock budget ([`PlanOptions::time_limit`]),
    /// overriding the scenario's `settings.time_limit_s`. Saturates: any
    /// duration is accepted (`Duration::MAX`: no limit in practice).
    #[must_use]
    pub fn with_time_limit(mut self, t: Duration) -> Self {
        self.time_limit = Some(t);
        self
    }
    /// Sets the relative MIP gap ([`PlanOptions::mip_gap`]), overriding the
    /// scenario's `settings.mip_gap`; a value outside `[0, 1]` makes
    /// planning fail with [`crate::ErrorKind::Options`].
    #[must_use]
    pub fn with_mip_gap(mut self, g: f64) -> Self {
        self.mip_gap = Some(g);
        self
    }

    /// The budget a run of `vs` gets: [`PlanOptions::time_limit`], else the
    /// scenario's `settings.time_limit_s`, else 60 s.
    #[must_use]
    pub fn effective_time_limit(&self, vs: &ValidatedScenario) -> Duration {
        budget(
            self.time_limit,
            vs.scenario().settings.time_limit_s.map(|t| t.get()),
        )
    }

    /// The relative MIP gap a run of `vs` uses: [`PlanOptions::mip_gap`],
    /// else the scenario's `settings.mip_gap`, else 1e-6.
    #[must_use]
    pub fn effective_mip_gap(&self, vs: &ValidatedScenario) -> f64 {
        self.mip_gap
            .or_else(|| vs.scenario().settings.mip_gap.map(|g| g.get()))
            .unwrap_or(Self::DEFAULT_MIP_GAP)
    }
}

/// The budget from an explicit limit, else a file's seconds (when in the
/// valid range; validation reports the others), else the default.
pub(crate) fn budget(explicit: Option<Duration>, file_secs: Option<f64>) -> Duration {
    explicit
        .or_else(|| file_secs.and_then(|t| solver::time_limit_from_secs(t).ok()))
        .unwrap_or(PlanOptions::DEFAULT_TIME_LIMIT)
}

/// The deadline of a run starting now with budget `limit`, combined with
/// a deadline the caller set on the engine options (`None`: no deadline,
/// when the budget is beyond what the clock can represent).
pub(crate) fn deadline_after(limit: Duration, opts: &PlanOptions) -> Option<Instant> {
    solver::earliest(Instant::now().checked_add(limit), opts.solver.deadline)
}

/// Whether `deadline` has passed.
pub(crate) fn expired(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// The outcome of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlanStatus {
    /// Proven optimal (gap closed).
    Optimal,
    /// A limit (the run's time limit, or a node or iteration limit) was
    /// reached with a plan; `gap` says how far from optimal it may be.
    Feasible,
    /// No plan meets every constraint; see [`Plan::infeasibility`].
    Infeasible,
    /// A limit was reached with no plan (nothing else of the plan is
    /// filled in).
    Limit,
}

impl PlanStatus {
    /// Lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Optimal => "optimal",
            PlanStatus::Feasible => "feasible",
            PlanStatus::Infeasible => "infeasible",
            PlanStatus::Limit => "limit",
        }
    }
}

/// Costs of a plan by component.
///
/// `capex_usd` and `levy_usd` are cash: what the purchases pay (and the
/// amortised capex of owned devices). `capital_charge_usd` is what the
/// objective counts for them: the same as their sum under `[economics]
/// capex = "cash"`, the straight-line depreciation inside the horizon under
/// `"depreciated"` (the default). `total_usd = capital_charge_usd +
/// rental_usd + energy_usd`, the plan's cost as optimised.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CostBreakdown {
    /// Purchase prices (cash) and amortised capex of owned devices.
    pub capex_usd: Usd,
    /// Rentals.
    pub rental_usd: Usd,
    /// Electricity.
    pub energy_usd: Usd,
    /// Licence levies borne (cash).
    pub levy_usd: Usd,
    /// What the plan is charged for capex and levy (see above).
    #[serde(default)]
    pub capital_charge_usd: Usd,
    /// Moving KV cache between pools (disaggregated serving); absent from
    /// the JSON when zero.
    #[serde(default, skip_serializing_if = "is_zero_usd")]
    pub transfer_usd: Usd,
    /// Capital charge, rental, energy and transfers: what the objective
    /// counts.
    pub total_usd: Usd,
}

// serde's skip_serializing_if needs a function taking a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero_usd(u: &Usd) -> bool {
    u.get() == 0.0
}

fn is_colocated(r: &Option<ServeRole>) -> bool {
    r.is_none_or(|r| r == ServeRole::Colocated)
}

/// Devices of a pool given to a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assignment {
    /// Phase name.
    pub phase: String,
    /// Pool name.
    pub pool: String,
    /// Catalogue name of the pool's accelerator.
    pub accelerator: String,
    /// Devices (the peak over the phase's intervals).
    pub devices: Devices,
    /// Device-hours over the plan.
    pub device_hours: Hours,
    /// Whether the devices are domestic.
    pub domestic: bool,
}

/// Devices bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Purchase {
    /// Pool name.
    pub pool: String,
    /// Catalogue name.
    pub accelerator: String,
    /// Devices bought.
    pub devices: f64,
    /// Price plus levy (cash).
    pub cost_usd: Usd,
    /// The levy part.
    pub levy_usd: Usd,
    /// What the plan is charged for this purchase (equal to `cost_usd`
    /// under cash accounting; the depreciation inside the horizon
    /// otherwise).
    #[serde(default)]
    pub capital_charge_usd: Usd,
    /// Day the order is placed (days from the start).
    #[serde(default)]
    pub ordered_day: Days,
    /// Day the devices arrive (days from the start).
    pub arrives_day: Days,
    /// Whether China-style justification is required for this purchase.
    pub needs_justification: bool,
}

/// What happens to a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhaseOutcome {
    /// Phase name.
    pub name: String,
    /// `pretraining`, `posttraining` or `inference`.
    pub kind: PhaseKind,
    /// When the phase finishes (training: when its work is done; inference:
    /// the end of its service window), hours from the start.
    pub finishes_at_hours: Option<Hours>,
    /// The deadline (or end of service), hours from the start.
    pub deadline_hours: Hours,
    /// Fraction of the demand met (1 when fully met; the least over a
    /// service window's intervals for inference).
    pub demand_met: f64,
}

/// A planning period (`period_days`; the whole horizon when the scenario
/// has none).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    /// First day (days from the start).
    pub start_day: Days,
    /// Day after the last (days from the start).
    pub end_day: Days,
}

/// How busy a pool is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PoolUse {
    /// Pool name.
    pub pool: String,
    /// Catalogue name.
    pub accelerator: String,
    /// Device-hours used.
    pub device_hours: Hours,
    /// Device-hours used ÷ device-hours available (owned and bought devices
    /// over the horizon; rentable pools report zero).
    pub utilisation: f64,
    /// Most devices in use at once.
    pub peak_devices: f64,
}

/// A constraint that binds at the plan, with its price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Binding {
    /// The row's name, e.g. `capacity[h20-owned,3]`.
    pub constraint: String,
    /// What it means.
    pub meaning: String,
    /// How much the objective improves per unit of loosening (module docs).
    pub shadow_price: f64,
    /// The unit of `shadow_price`, e.g. `"USD per device"` (written as
    /// that phrase).
    pub unit: PriceUnit,
}

/// One device allocation in one interval: the plan's schedule, from which
/// [`verify()`] recomputes everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Slot {
    /// Phase name.
    pub phase: String,
    /// Pool name.
    pub pool: String,
    /// Interval start, hours.
    pub from_hours: Hours,
    /// Interval end, hours.
    pub to_hours: Hours,
    /// Devices.
    pub devices: f64,
    /// Inference: `prefill` or `decode` for a disaggregated phase's devices
    /// that do only one of them; absent (co-located) otherwise.
    #[serde(default, skip_serializing_if = "is_colocated")]
    pub role: Option<ServeRole>,
}

/// KV cache moved from a prefill pool to a decode pool of a disaggregated
/// inference phase over an interval: the plan's claim that [`verify()`]
/// checks against the pools' prefill and decode slots, the link and the
/// devices' scale-out bandwidth, and prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KvTransfer {
    /// Phase name.
    pub phase: String,
    /// The pool running prefill.
    pub prefill_pool: String,
    /// The pool running decode.
    pub decode_pool: String,
    /// Interval start, hours.
    pub from_hours: Hours,
    /// Interval end, hours.
    pub to_hours: Hours,
    /// Fraction of the interval's (peak-sized) daily requests served this
    /// way.
    pub fraction: f64,
    /// Prompt tokens a day at the busiest hour's rate whose KV cache moves.
    pub input_tokens_per_day: Tokens,
    /// KV-cache traffic at the busiest hour.
    pub peak_bytes_per_s: BytesPerSec,
    /// KV cache moved over the interval, at the average rate.
    pub bytes: Bytes,
    /// What moving it costs.
    pub cost_usd: Usd,
}

/// Solver figures of a planning run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SolveStats {
    /// Simplex iterations.
    pub iterations: u64,
    /// Branch-and-bound nodes.
    pub nodes: u64,
    /// Wall time of the solves. Not serialised: a plan's JSON is the same,
    /// byte for byte, on every run.
    #[serde(skip)]
    pub seconds: f64,
    /// Rows and columns of the compiled model.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

/// A plan: what to run where, buy and rent, what it costs, what binds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// Outcome.
    pub status: PlanStatus,
    /// The objective's value (USD for least cost; see `objective_kind`).
    pub objective: Option<f64>,
    /// `min_cost`, `min_makespan` (hours), `max_served` (phases served) or
    /// `domestic_first` (USD, after the domestic stage).
    pub objective_kind: ObjectiveKind,
    /// Relative optimality gap of `objective`: `|objective − bound| /
    /// max(1, |objective|)`. For an `Optimal` whole-device plan it is at
    /// most the MIP gap ([`PlanOptions::mip_gap`]): the bound counts every
    /// part of the search the gap tolerance let it skip, so it may be
    /// positive (zero for a fractional plan). A run stopped by its time
    /// limit reports the proven gap (for `min_makespan` cut short, the
    /// width of the makespan bracket; for a cost stage never solved, the
    /// gap to the trivial bound 0).
    pub gap: f64,
    /// Whether devices were planned in whole units (a MILP) rather than
    /// fractionally (an LP).
    pub whole_devices: bool,
    /// Costs by component.
    pub cost: CostBreakdown,
    /// Devices per (phase, pool).
    pub assignments: Vec<Assignment>,
    /// Purchases.
    pub purchases: Vec<Purchase>,
    /// Phases.
    pub phases: Vec<PhaseOutcome>,
    /// Pools.
    pub pools: Vec<PoolUse>,
    /// Binding constraints with shadow prices, largest first (empty when
    /// the run's time limit ran out before they were priced).
    pub binding: Vec<Binding>,
    /// The planning periods.
    #[serde(default)]
    pub periods: Vec<Period>,
    /// Why no plan exists, when infeasible.
    pub infeasibility: Option<Infeasibility>,
    /// The schedule.
    pub schedule: Vec<Slot>,
    /// KV-cache transfers of disaggregated serving (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kv_transfers: Vec<KvTransfer>,
    /// Whether [`verify()`] passed.
    pub verified: bool,
    /// The verification report.
    pub verification: VerifyReport,
    /// Solver figures.
    pub solve: SolveStats,
    /// Planning under risk: expected cost, CVaR, VSS, EVPI and each joint
    /// scenario's outcome, when the scenario has `[[risks]]` (this plan is
    /// then one joint scenario's branch, see [`crate::risk::RiskPlan`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Box<crate::risk::RiskSummary>>,
}

/// Plans a validated scenario within one wall-clock budget (see
/// [`PlanOptions`]: 60 s unless the options or the scenario say otherwise).
///
/// # Errors
/// [`crate::ErrorKind::Options`] for a MIP gap or engine option out of
/// range; [`crate::ErrorKind::Model`] when a cost needs a figure the
/// scenario lacks (e.g. an accelerator's power with energy priced);
/// [`crate::ErrorKind::Internal`] when the engine fails. An infeasible
/// scenario is a plan with [`PlanStatus::Infeasible`], and a run stopped by
/// its budget is a plan with status `Feasible` or `Limit`, not an error.
///
/// ```
/// use fleetplan::prelude::*;
///
/// let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
/// let vs = Scenario::from_toml_str(&text)?.validate()?;
/// let p = plan(&vs, &PlanOptions::default())?;
/// assert_eq!(p.status, PlanStatus::Optimal);
/// assert!(p.verified); // checked by `verify` before it is returned
/// assert!(p.cost.total_usd.get() > 0.0);
/// # Ok::<(), fleetplan::Error>(())
/// ```
pub fn plan(vs: &ValidatedScenario, opts: &PlanOptions) -> Result<Plan> {
    let deadline = deadline_after(opts.effective_time_limit(vs), opts);
    let perf = PerfModel::new(vs);
    plan_with(vs, &perf, opts, &CompileOptions::default(), deadline)
}

/// The engine options of every solve of a run of `vs` that ends at
/// `deadline`: the planner's gap, the run's deadline.
pub(crate) fn solver_options(
    vs: &ValidatedScenario,
    opts: &PlanOptions,
    deadline: Option<Instant>,
) -> SolveOptions {
    let mut s = opts.solver.clone();
    s.relative_gap = opts.effective_mip_gap(vs);
    s.deadline = solver::earliest(s.deadline, deadline);
    s
}

pub(crate) fn fractional(vs: &ValidatedScenario, opts: &PlanOptions) -> bool {
    opts.fractional || vs.scenario().settings.whole_devices == Some(false)
}

/// Plans with a given performance model and compile options
/// (counterfactuals and makespan probes use this); every solve stops at
/// `deadline`, the run's.
pub(crate) fn plan_with(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &PlanOptions,
    base: &CompileOptions,
    deadline: Option<Instant>,
) -> Result<Plan> {
    let t0 = Instant::now();
    let mut copts = base.clone();
    copts.fractional = copts.fractional || fractional(vs, opts);
    let sopts = solver_options(vs, opts, deadline);
    sopts.validate()?;
    let objective = vs.objective().clone();
    match objective {
        ResolvedObjective::MinMakespan(phases) => {
            let phases = if phases.is_empty() {
                vs.phase_ids()
                    .filter(|p| vs.phase(*p).kind().is_training())
                    .collect()
            } else {
                phases
            };
            makespan(vs, perf, opts, &copts, &sopts, &phases, t0)
        }
        ResolvedObjective::MaxServed => {
            copts.partial_demand = true;
            let c = compile(vs, perf, &copts)?;
            let served = |col: &ColInfo| {
                if matches!(col.kind, ColKind::Served { .. }) {
                    1.0
                } else {
                    0.0
                }
            };
            let mut m = c.model.clone();
            // stage 1: most served
            for (j, col) in c.cols.iter().enumerate() {
                m.set_cost(ColId(idx(j)), served(col))?;
            }
            let m = with_sense(m, Sense::Maximize)?;
            let s1 = solver::solve(&m, &sopts)?;
            let Some(best) = s1.objective.filter(|_| ok(s1.status)) else {
                return finish(vs, perf, &c, &c.model, &s1, &sopts, "max_served", None, t0);
            };
            let m2 = with_stage_bound(&c, served, Some(best - 1e-7 * best.abs().max(1.0)), None)?;
            let s2 = solver::solve(&m2, &starting_from(&sopts, &s1))?;
            let done = ok(s2.status);
            let (model, sol) = if done { (&m2, &s2) } else { (&m, &s1) };
            let mut p = finish(
                vs,
                perf,
                &c,
                model,
                sol,
                &sopts,
                "max_served",
                Some(best),
                t0,
            )?;
            // The objective reported is stage 1's: its gap is stage 1's.
            p.gap = s1.mip.and_then(|i| i.gap).unwrap_or(0.0);
            unproven_stage(&mut p, &s1, done);
            Ok(p)
        }
        ResolvedObjective::DomesticFirst => {
            let c = compile(vs, perf, &copts)?;
            let foreign = |col: &ColInfo| match col.kind {
                ColKind::Train { .. } | ColKind::Serve { .. } if !col.domestic => {
                    col.device_hours()
                }
                _ => 0.0,
            };
            let mut m = c.model.clone();
            for (j, col) in c.cols.iter().enumerate() {
                m.set_cost(ColId(idx(j)), foreign(col))?;
            }
            let s1 = solver::solve(&m, &sopts)?;
            let Some(best) = s1.objective.filter(|_| ok(s1.status)) else {
                return finish(
                    vs,
                    perf,
                    &c,
                    &c.model,
                    &s1,
                    &sopts,
                    "domestic_first",
                    None,
                    t0,
                );
            };
            let m2 = with_stage_bound(&c, foreign, None, Some(best + 1e-7 * best.abs().max(1.0)))?;
            let s2 = solver::solve(&m2, &starting_from(&sopts, &s1))?;
            let done = ok(s2.status);
            let (model, sol) = if done { (&m2, &s2) } else { (&m, &s1) };
            let mut p = finish(vs, perf, &c, model, sol, &sopts, "domestic_first", None, t0)?;
            if !done {
                // The cost stage was not solved: the only bound on a cost
                // is zero (every cost is nonnegative).
                let cost = p.cost.total_usd.get();
                p.gap = cost.abs() / cost.abs().max(1.0);
            }
            unproven_stage(&mut p, &s1, done);
            Ok(p)
        }
        _ => {
            let c = compile(vs, perf, &copts)?;
            let s = solve_compiled(&c, &sopts, None)?;
            finish(vs, perf, &c, &c.model, &s, &sopts, "min_cost", None, t0)
        }
    }
}

/// Solves a least-cost model: a MILP from `start` (when given, else from
/// the planner's greedy plan) with the planner's rounding of the root LP
/// point offered too (see `start.rs`), an LP as it is.
pub(crate) fn solve_compiled(
    c: &Compiled,
    sopts: &SolveOptions,
    start: Option<&[f64]>,
) -> Result<solver::Solution> {
    if !c.model.is_mip() {
        return solver::solve(&c.model, sopts);
    }
    if start.is_none() && relaxed::applies(c) {
        return match relaxed::solve(c, sopts)? {
            relaxed::Attempt::Planned(s) => Ok(*s),
            relaxed::Attempt::Failed {
                point,
                bound,
                iterations,
            } => {
                // Branch-and-bound as below, from the relaxation's rounding
                // when there is one; the relaxation's bound holds.
                let x = point.and_then(|p| start::rounded_start(c, &p));
                let mut s = solve_compiled_bb(c, sopts, x.as_deref())?;
                s.iterations += iterations;
                if let (Some(z), Some(info)) = (bound, s.mip.as_mut()) {
                    relaxed::raise_bound(info, s.objective, z);
                }
                Ok(s)
            }
        };
    }
    solve_compiled_bb(c, sopts, start)
}

/// [`solve_compiled`] by branch-and-bound on the whole model.
pub(super) fn solve_compiled_bb(
    c: &Compiled,
    sopts: &SolveOptions,
    start: Option<&[f64]>,
) -> Result<solver::Solution> {
    // Without a start, the rounding of the all-zero point (a greedy plan:
    // each phase on the cheapest pool with room) is one, so a plan exists
    // even when the root LP does not finish within the budget.
    let greedy = match start {
        Some(_) => None,
        None => start::rounded_start(c, &vec![0.0; c.model.num_cols()]),
    };
    let round = |x: &[f64]| start::rounded_start(c, x);
    // The greedy plan is handed over, to be freed once offered.
    let start = match start {
        Some(x) => Some(std::borrow::Cow::Borrowed(x)),
        None => greedy.map(std::borrow::Cow::Owned),
    };
    solver::solve_mip_rounding(&c.model, sopts, start, Some(&round))
}

/// The options of a second stage, started from the first stage's
/// solution: the stage's model has the same columns, and the first stage's
/// plan meets its stage bound, so branch-and-bound starts with an
/// incumbent (it passes the usual acceptance check, or is ignored).
fn starting_from(sopts: &SolveOptions, s1: &solver::Solution) -> SolveOptions {
    let mut o = sopts.clone();
    if !s1.x.is_empty() {
        o.mip.start = Some(s1.x.clone().into());
    }
    o
}

/// A two-stage plan is optimal only when both stages are: a limit in the
/// first (a feasible incumbent) or an unsolved second stage leaves it
/// feasible.
fn unproven_stage(p: &mut Plan, s1: &solver::Solution, stage2_done: bool) {
    if p.status == PlanStatus::Optimal && (s1.status != Status::Optimal || !stage2_done) {
        p.status = PlanStatus::Feasible;
    }
}

/// A least-cost plan from a solution of `c.model` (sweeps solve the model
/// themselves, warm-started).
pub(crate) fn finish_plan(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    c: &Compiled,
    s: &solver::Solution,
    sopts: &SolveOptions,
) -> Result<Plan> {
    finish(
        vs,
        perf,
        c,
        &c.model,
        s,
        sopts,
        "min_cost",
        None,
        Instant::now(),
    )
}

/// A least-cost plan with no figures yet: the scenario's periods, status
/// and solve figures.
fn blank(vs: &ValidatedScenario, c: &Compiled, status: PlanStatus, stats: SolveStats) -> Plan {
    Plan {
        scenario: vs.scenario().name.clone(),
        status,
        objective: None,
        objective_kind: ObjectiveKind::MinCost,
        gap: 0.0,
        whole_devices: c.model.is_mip(),
        cost: CostBreakdown::default(),
        assignments: Vec::new(),
        purchases: Vec::new(),
        phases: Vec::new(),
        pools: Vec::new(),
        binding: Vec::new(),
        periods: vs
            .periods()
            .iter()
            .map(|&(a, b)| Period {
                start_day: a.to_days(),
                end_day: b.to_days(),
            })
            .collect(),
        infeasibility: None,
        schedule: Vec::new(),
        kv_transfers: Vec::new(),
        verified: false,
        verification: VerifyReport::default(),
        solve: stats,
        risk: None,
    }
}

/// The least-cost plan of `c` at the point `x` (one value per column of
/// `c`; integers rounded), verified, without shadow prices: a joint
/// scenario's branch of a plan under risk, read from the stacked model.
pub(crate) fn plan_from_x(
    vs: &ValidatedScenario,
    c: &Compiled,
    x: &[f64],
    status: PlanStatus,
    gap: f64,
) -> Plan {
    let stats = SolveStats {
        iterations: 0,
        nodes: 0,
        seconds: 0.0,
        rows: c.model.num_rows(),
        cols: c.model.num_cols(),
    };
    let mut plan = blank(vs, c, status, stats);
    let x = rounded(c, x);
    report::fill(vs, c, &x, &mut plan);
    plan.gap = gap;
    plan.objective = Some(plan.cost.total_usd.get());
    plan.verification = verify(vs, &plan);
    plan.verified = plan.verification.is_ok();
    plan
}

/// A solution's column values as a plan reads them: integers rounded,
/// continuous values at least zero.
fn rounded(c: &Compiled, x: &[f64]) -> Vec<f64> {
    x.iter()
        .zip(c.model.var_types())
        .map(|(&v, t)| {
            if *t == VarType::Integer {
                v.round()
            } else {
                v.max(0.0)
            }
        })
        .collect()
}

fn idx(j: usize) -> u32 {
    u32::try_from(j).unwrap_or(u32::MAX)
}

fn ok(s: Status) -> bool {
    matches!(s, Status::Optimal | Status::Feasible)
}

fn with_sense(m: Model, sense: Sense) -> Result<Model> {
    let mut b = crate::model::ModelBuilder::new(m.name().to_owned());
    rebuild(&m, &mut b, None)?;
    b.set_sense(sense);
    b.build()
}

/// Copies `m` into `b`, optionally with other costs.
fn rebuild(m: &Model, b: &mut crate::model::ModelBuilder, costs: Option<&[f64]>) -> Result<()> {
    let opt = |v: f64| v.is_finite().then_some(v);
    let mut ids = Vec::with_capacity(m.num_cols());
    for j in 0..m.num_cols() {
        let c = costs.map_or(m.costs()[j], |cs| cs[j]);
        ids.push(b.add_col(
            m.col_names()[j].to_owned(),
            c,
            opt(m.col_lower()[j]),
            opt(m.col_upper()[j]),
            m.var_types()[j],
        ));
    }
    for i in 0..m.num_rows() {
        b.add_row(
            m.row_names()[i].to_owned(),
            opt(m.row_lower()[i]),
            opt(m.row_upper()[i]),
        );
    }
    for (j, &id) in ids.iter().enumerate() {
        let (ri, rv) = m.matrix().col(j);
        for (&i, &v) in ri.iter().zip(rv) {
            b.set_coef(crate::model::RowId(i), id, v);
        }
    }
    b.set_objective_constant(m.objective_constant());
    b.set_objective_name(m.objective_name().to_owned());
    Ok(())
}

/// The least-cost model plus a row bounding a previous stage's objective.
fn with_stage_bound(
    c: &Compiled,
    weight: impl Fn(&ColInfo) -> f64,
    lo: Option<f64>,
    up: Option<f64>,
) -> Result<Model> {
    let mut b = crate::model::ModelBuilder::new(c.model.name().to_owned());
    rebuild(&c.model, &mut b, None)?;
    let r = b.add_row("stage_bound", lo, up);
    for (j, col) in c.cols.iter().enumerate() {
        let w = weight(col);
        if w != 0.0 {
            b.set_coef(r, ColId(idx(j)), w);
        }
    }
    b.build()
}

/// Least makespan: bisection on a common deadline of `phases`, each probe
/// a least-cost solve, all within the run's deadline (`sopts.deadline`).
/// A bisection cut short by the deadline returns the least deadline found
/// feasible, with status `Feasible` and the bracket's relative width as
/// the gap.
#[allow(clippy::too_many_arguments)]
fn makespan(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &PlanOptions,
    copts: &CompileOptions,
    sopts: &SolveOptions,
    phases: &[PhaseId],
    t0: Instant,
) -> Result<Plan> {
    let horizon = vs.horizon().to_hours();
    let probe = |d: Hours| -> Result<(Compiled, solver::Solution)> {
        let mut o = copts.clone();
        o.deadlines = phases.iter().map(|&p| (p, d)).collect();
        let c = compile(vs, perf, &o)?;
        let s = solve_compiled(&c, sopts, None)?;
        Ok((c, s))
    };
    let lo0 = phases
        .iter()
        .map(|&p| perf.phase_start(p))
        .fold(Hours::ZERO, Hours::max);
    let (c_hi, s_hi) = probe(horizon)?;
    if !ok(s_hi.status) {
        return finish(
            vs,
            perf,
            &c_hi,
            &c_hi.model,
            &s_hi,
            sopts,
            "min_makespan",
            None,
            t0,
        );
    }
    // `lo` is always a deadline proven too early (the phases' start, or a
    // probe proven infeasible), `hi` one with a plan.
    let (mut lo, mut hi) = (lo0, horizon);
    let mut best = (c_hi, s_hi, horizon);
    let mut cut_short = false;
    for _ in 0..60 {
        if (hi - lo).get() <= opts.makespan_tolerance.get() {
            break;
        }
        if expired(sopts.deadline) {
            cut_short = true;
            break;
        }
        let mid = Hours::from_raw(0.5 * (lo.get() + hi.get()));
        // A probe at the edge of feasibility may be infeasible by less than
        // the engine can prove (`ErrorKind::Numerical`): nothing is known
        // there, as at a limit.
        let (c, s) = match probe(mid) {
            Err(e) if e.kind() == crate::ErrorKind::Numerical => {
                cut_short = true;
                break;
            }
            r => r?,
        };
        if ok(s.status) {
            hi = mid;
            best = (c, s, mid);
        } else if s.status == Status::Infeasible {
            lo = mid;
        } else {
            // A limit: nothing is known at `mid`.
            cut_short = true;
            break;
        }
    }
    let (c, s, d) = best;
    let mut p = finish(vs, perf, &c, &c.model, &s, sopts, "min_makespan", None, t0)?;
    p.objective = Some(d.get());
    if cut_short {
        if p.status == PlanStatus::Optimal {
            p.status = PlanStatus::Feasible;
        }
        p.gap = (d - lo).get().max(0.0) / d.get().abs().max(1.0);
    }
    // verify again: the objective is now the deadline, which verify checks
    p.verification = verify(vs, &p);
    p.verified = p.verification.is_ok();
    Ok(p)
}

#[allow(clippy::too_many_arguments)]
fn finish(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    c: &Compiled,
    model: &Model,
    s: &solver::Solution,
    sopts: &SolveOptions,
    kind: &'static str,
    stage_objective: Option<f64>,
    t0: Instant,
) -> Result<Plan> {
    let price = |x: &[f64]| explain::binding(vs, c, x, sopts);
    finish_with(
        vs,
        perf,
        c,
        model,
        s,
        sopts,
        kind,
        stage_objective,
        t0,
        price,
    )
}

/// [`finish`] with the binding constraints priced by `price` (from the
/// plan's column values): a planning session prices them from its own
/// warm solves.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish_with(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    c: &Compiled,
    model: &Model,
    s: &solver::Solution,
    sopts: &SolveOptions,
    kind: &'static str,
    stage_objective: Option<f64>,
    t0: Instant,
    price: impl FnOnce(&[f64]) -> Result<Vec<Binding>>,
) -> Result<Plan> {
    let status = match s.status {
        Status::Optimal => PlanStatus::Optimal,
        Status::Feasible => PlanStatus::Feasible,
        Status::Infeasible => PlanStatus::Infeasible,
        _ => PlanStatus::Limit,
    };
    let mut stats = SolveStats {
        iterations: s.iterations,
        nodes: s.mip.map_or(0, |m| m.nodes),
        seconds: 0.0,
        rows: model.num_rows(),
        cols: model.num_cols(),
    };
    let mut plan = blank(vs, c, status, stats);
    // every caller passes one of the objective kinds' names
    plan.objective_kind = ObjectiveKind::from_name(kind).unwrap_or(ObjectiveKind::MinCost);
    if status == PlanStatus::Infeasible {
        plan.infeasibility = Some(explain::infeasibility(vs, perf, c, sopts)?);
        plan.phases = vs
            .phases()
            .map(|ph| PhaseOutcome {
                name: ph.name().to_owned(),
                kind: ph.kind(),
                finishes_at_hours: None,
                deadline_hours: c.ends[ph.id().index()],
                demand_met: 0.0,
            })
            .collect();
        stats.seconds = t0.elapsed().as_secs_f64();
        plan.solve = stats;
        return Ok(plan);
    }
    // A limit without a plan: an LP's last iterate is not a plan (it may
    // break any row), so nothing of it is reported. A model without
    // columns (nothing to decide: no demand in any window) has an empty
    // point and is still a plan, verified like any other.
    if status == PlanStatus::Limit || s.x.len() < c.cols.len() {
        stats.seconds = t0.elapsed().as_secs_f64();
        plan.solve = stats;
        return Ok(plan);
    }
    let x = rounded(c, &s.x[..c.cols.len()]);
    report::fill(vs, c, &x, &mut plan);
    plan.gap = s.mip.and_then(|m| m.gap).unwrap_or(0.0);
    plan.objective = match kind {
        "max_served" => stage_objective,
        _ => Some(plan.cost.total_usd.get()),
    };
    plan.binding = price(&x)?;
    plan.verification = verify::verify_with(perf.clone(), &plan);
    plan.verified = plan.verification.is_ok();
    stats.seconds = t0.elapsed().as_secs_f64();
    plan.solve = stats;
    Ok(plan)
}

#[cfg(test)]
mod hand;
