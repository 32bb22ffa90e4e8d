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
//! Time is cut into intervals `t = [b_t, b_{t+1})` at every phase's start
//! and deadline (or end of service), every purchasable pool's arrival (its
//! lead time) and the horizon `H`. For a phase `p` and a pool `k` that may
//! run it (policy, precision, memory and latency screens, see
//! [`crate::perf`]), the performance model gives a rate and the cost model a
//! price per device-hour `c_k` (energy on the device's power at the site's
//! electricity price and PUE, rental, and amortised capex of owned devices
//! that are not sunk).
//!
//! **Columns.** Device counts come in units of `g` devices (a pool's node
//! or purchase granularity for training, the memory-fit replica for
//! inference); a column counts units.
//!
//! * `train[p,k]`: units of pool `k` running training phase `p` from
//!   `s_pk = max(start_p, arrival_k)` to the deadline `d_p`
//!   (`h_pk = d_p − s_pk` hours); cost `g·h_pk·c_k` per unit.
//! * `serve[p,k,t]`: units of pool `k` serving inference phase `p` in
//!   interval `t` of its window; cost `g·|t|·c_k`.
//! * `buy[k]`: units bought for purchasable pool `k`, at most `max_k/g`;
//!   cost `g·(price_k + levy_k)` where `levy_k = price_k · ℓ · pass-through`
//!   under a licence in force at the start.
//! * `use[p,k]` (binary, whole-device plans): whether training phase `p`
//!   runs on pool `k` (single-pool runs, memory fit).
//!
//! **Rows** (each named and described in [`Compiled::rows`]):
//!
//! ```text
//! capacity[k,t]:   Σ_p g·x[p,k,t] − a_k·g·buy[k]·[t ≥ arrival_k] ≤ a_k·owned_k   (or ≤ max rentable)
//! work[p]:         Σ_k (r_pk·h_pk·g) · train[p,k] ≥ 1        r_pk = share of the work per device-hour
//! serve[p,t]:      Σ_k (q_pk·g) · serve[p,k,t] ≥ 1          q_pk = share of the daily demand per device
//! budget.capex:    Σ_k g·(price_k + levy_k)·buy[k] ≤ B_capex
//! budget.opex:     Σ running costs ≤ B_opex
//! budget.total:    Σ all costs ≤ B_total
//! quota[r]:        Σ_{k licensed by r} g·buy[k] ≤ quota_r
//! domestic[κ]:     Σ_{p of kind κ} Σ_k (dom_k − s_κ)·dh_pk·x_pk ≥ 0        (device-hour share)
//! gang[p,k]:       train[p,k] − M_pk·use[p,k] ≤ 0
//! memfit[p,k]:     g·train[p,k] − m_pk·use[p,k] ≥ 0       (m_pk: devices the training state needs)
//! single_pool[p]:  Σ_k use[p,k] ≤ 1
//! max_devices, min_devices: the phase's device limits
//! ```
//!
//! Prohibited accelerators get no purchase or rental columns; owned devices
//! stay usable unless a rule says it applies to owned devices (validation
//! decides eligibility at the scenario's start date).
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
//! at the job size the pool would need to finish the phase alone by its
//! deadline (scale-out efficiency and goodput depend on it), and work
//! accumulates linearly in device-hours; inference demand is a daily rate,
//! served by prefill and decode disaggregated.
//!
//! # Shadow prices
//!
//! Duals come from the LP with the plan's discrete choices (`use` binaries)
//! fixed and device counts relaxed; they are marginal values at the plan.
//! Every [`Binding`] constraint reports its `shadow_price`: how much the
//! objective would improve if the constraint were loosened by one of its
//! units (and worsen if tightened), e.g. "USD per extra device of
//! h20-owned", "USD per point of domestic share".

pub mod compile;
mod explain;
mod justify;
mod report;
pub mod symmetry;
mod verify;

pub use compile::{
    ColInfo, ColKind, CompileOptions, Compiled, RowInfo, RowKind, UnitCost, compile,
};
pub use explain::{Infeasibility, Relaxation};
pub use justify::{Counterfactual, Justification, justify};
pub use verify::{Check, VerifyReport, verify};

use crate::error::Result;
use crate::model::{ColId, Model, Sense, VarType};
use crate::perf::PerfModel;
use crate::scenario::{PhaseId, ResolvedObjective, ValidatedScenario};
use crate::solver::{self, SolveOptions, Status};
use crate::units::{Hours, Usd};
use crate::workload::PhaseKind;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Everyday options of a planning run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Solver options (time limit, gaps). The scenario's `settings` override
    /// the time limit and MIP gap when given.
    pub solver: SolveOptions,
    /// Plan fractional devices (an LP) even if the scenario asks for whole
    /// devices.
    pub fractional: bool,
    /// Makespan search: stop when the bracket is narrower than this.
    pub makespan_tolerance: Hours,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            solver: SolveOptions::default().with_relative_gap(1e-6),
            fractional: false,
            makespan_tolerance: Hours::from_raw(1.0),
        }
    }
}

impl PlanOptions {
    /// Sets [`PlanOptions::solver`].
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
}

/// The outcome of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlanStatus {
    /// Proven optimal (gap closed).
    Optimal,
    /// A limit was reached with a plan; `gap` says how far from optimal it
    /// may be.
    Feasible,
    /// No plan meets every constraint; see [`Plan::infeasibility`].
    Infeasible,
    /// A limit was reached with no plan.
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
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct CostBreakdown {
    /// Purchase prices and amortised capex of owned devices.
    pub capex_usd: Usd,
    /// Rentals.
    pub rental_usd: Usd,
    /// Electricity.
    pub energy_usd: Usd,
    /// Licence levies borne.
    pub levy_usd: Usd,
    /// The sum.
    pub total_usd: Usd,
}

/// Devices of a pool given to a phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Phase name.
    pub phase: String,
    /// Pool name.
    pub pool: String,
    /// Catalogue name of the pool's accelerator.
    pub accelerator: String,
    /// Devices (the peak over the phase's intervals).
    pub devices: f64,
    /// Device-hours over the plan.
    pub device_hours: Hours,
    /// Whether the devices are domestic.
    pub domestic: bool,
}

/// Devices bought.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Purchase {
    /// Pool name.
    pub pool: String,
    /// Catalogue name.
    pub accelerator: String,
    /// Devices bought.
    pub devices: f64,
    /// Price plus levy.
    pub cost_usd: Usd,
    /// The levy part.
    pub levy_usd: Usd,
    /// Day the devices arrive.
    pub arrives_day: f64,
    /// Whether China-style justification is required for this purchase.
    pub needs_justification: bool,
}

/// What happens to a phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// How busy a pool is.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Binding {
    /// The row's name, e.g. `capacity[h20-owned,3]`.
    pub constraint: String,
    /// What it means.
    pub meaning: String,
    /// How much the objective improves per unit of loosening (module docs).
    pub shadow_price: f64,
    /// The unit of `shadow_price`, e.g. `"USD per device"`.
    pub unit: String,
}

/// One device allocation in one interval: the plan's schedule, from which
/// [`verify`] recomputes everything.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// Solver figures of a planning run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// Outcome.
    pub status: PlanStatus,
    /// The objective's value (USD for least cost; see `objective_kind`).
    pub objective: Option<f64>,
    /// `min_cost`, `min_makespan` (hours), `max_served` (phases served) or
    /// `domestic_first` (USD, after the domestic stage).
    pub objective_kind: &'static str,
    /// Relative optimality gap; zero when proven.
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
    /// Binding constraints with shadow prices, largest first.
    pub binding: Vec<Binding>,
    /// Why no plan exists, when infeasible.
    pub infeasibility: Option<Infeasibility>,
    /// The schedule.
    pub schedule: Vec<Slot>,
    /// Whether [`verify`] passed.
    pub verified: bool,
    /// The verification report.
    pub verification: VerifyReport,
    /// Solver figures.
    pub solve: SolveStats,
}

/// Plans a validated scenario.
///
/// # Errors
/// [`crate::ErrorKind::Model`] when a cost needs a figure the scenario lacks
/// (e.g. an accelerator's power with energy priced);
/// [`crate::ErrorKind::Internal`] when the engine fails. An infeasible
/// scenario is a plan with [`PlanStatus::Infeasible`], not an error.
pub fn plan(vs: &ValidatedScenario, opts: &PlanOptions) -> Result<Plan> {
    let perf = PerfModel::new(vs);
    plan_with(vs, &perf, opts, &CompileOptions::default())
}

pub(crate) fn solver_options(vs: &ValidatedScenario, opts: &PlanOptions) -> SolveOptions {
    let mut s = opts.solver.clone();
    let st = &vs.scenario().settings;
    if let Some(t) = st.time_limit_s {
        s = s.with_time_limit(Some(Duration::from_secs_f64(t.get())));
    }
    if let Some(g) = st.mip_gap {
        s = s.with_relative_gap(g.get());
    }
    s
}

pub(crate) fn fractional(vs: &ValidatedScenario, opts: &PlanOptions) -> bool {
    opts.fractional || vs.scenario().settings.whole_devices == Some(false)
}

/// Plans with a given performance model and compile options (counterfactuals
/// and makespan probes use this).
pub(crate) fn plan_with(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &PlanOptions,
    base: &CompileOptions,
) -> Result<Plan> {
    let t0 = Instant::now();
    let mut copts = base.clone();
    copts.fractional = copts.fractional || fractional(vs, opts);
    let sopts = solver_options(vs, opts);
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
            let mut m = c.model.clone();
            // stage 1: most served
            for (j, col) in c.cols.iter().enumerate() {
                let v = if matches!(col.kind, ColKind::Served { .. }) {
                    1.0
                } else {
                    0.0
                };
                m.set_cost(ColId(idx(j)), v)?;
            }
            let m = with_sense(m, Sense::Maximize)?;
            let s1 = solver::solve(&m, &sopts)?;
            let Some(best) = s1.objective.filter(|_| ok(s1.status)) else {
                return finish(vs, perf, &c, &c.model, &s1, &sopts, "max_served", None, t0);
            };
            let m2 = with_stage_bound(
                &c,
                |col| {
                    if matches!(col.kind, ColKind::Served { .. }) {
                        1.0
                    } else {
                        0.0
                    }
                },
                Some(best - 1e-7 * best.abs().max(1.0)),
                None,
            )?;
            let s2 = solver::solve(&m2, &sopts)?;
            let (model, sol) = if ok(s2.status) { (&m2, s2) } else { (&m, s1) };
            finish(
                vs,
                perf,
                &c,
                model,
                &sol,
                &sopts,
                "max_served",
                Some(best),
                t0,
            )
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
            let s2 = solver::solve(&m2, &sopts)?;
            let (model, sol) = if ok(s2.status) { (&m2, s2) } else { (&m, s1) };
            finish(
                vs,
                perf,
                &c,
                model,
                &sol,
                &sopts,
                "domestic_first",
                None,
                t0,
            )
        }
        _ => {
            let c = compile(vs, perf, &copts)?;
            let s = solver::solve(&c.model, &sopts)?;
            finish(vs, perf, &c, &c.model, &s, &sopts, "min_cost", None, t0)
        }
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
            m.col_names()[j].clone(),
            c,
            opt(m.col_lower()[j]),
            opt(m.col_upper()[j]),
            m.var_types()[j],
        ));
    }
    for i in 0..m.num_rows() {
        b.add_row(
            m.row_names()[i].clone(),
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
        let s = solver::solve(&c.model, sopts)?;
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
    let (mut lo, mut hi) = (lo0, horizon);
    let mut best = (c_hi, s_hi, horizon);
    for _ in 0..60 {
        if (hi - lo).get() <= opts.makespan_tolerance.get() {
            break;
        }
        let mid = Hours::from_raw(0.5 * (lo.get() + hi.get()));
        let (c, s) = probe(mid)?;
        if ok(s.status) {
            hi = mid;
            best = (c, s, mid);
        } else {
            lo = mid;
        }
    }
    let (c, s, d) = best;
    let mut p = finish(vs, perf, &c, &c.model, &s, sopts, "min_makespan", None, t0)?;
    p.objective = Some(d.get());
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
    let mut plan = Plan {
        scenario: vs.scenario().name.clone(),
        status,
        objective: None,
        objective_kind: kind,
        gap: 0.0,
        whole_devices: c.model.is_mip(),
        cost: CostBreakdown::default(),
        assignments: Vec::new(),
        purchases: Vec::new(),
        phases: Vec::new(),
        pools: Vec::new(),
        binding: Vec::new(),
        infeasibility: None,
        schedule: Vec::new(),
        verified: false,
        verification: VerifyReport::default(),
        solve: stats,
    };
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
    if s.x.is_empty() {
        stats.seconds = t0.elapsed().as_secs_f64();
        plan.solve = stats;
        return Ok(plan);
    }
    let x: Vec<f64> = s.x[..c.cols.len()]
        .iter()
        .zip(&c.cols)
        .zip(c.model.var_types())
        .map(|((&v, _), t)| {
            if *t == VarType::Integer {
                v.round()
            } else {
                v.max(0.0)
            }
        })
        .collect();
    report::fill(vs, c, &x, &mut plan);
    plan.gap = s.mip.and_then(|m| m.gap).unwrap_or(0.0);
    plan.objective = match kind {
        "max_served" => stage_objective,
        _ => Some(plan.cost.total_usd.get()),
    };
    plan.binding = explain::binding(vs, c, &x, sopts)?;
    plan.verification = verify(vs, &plan);
    plan.verified = plan.verification.is_ok();
    stats.seconds = t0.elapsed().as_secs_f64();
    plan.solve = stats;
    Ok(plan)
}
