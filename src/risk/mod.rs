//! Planning under policy and supply risk: a two-stage (multi-stage over
//! event dates) stochastic plan that hedges licence revocations, delivery
//! slips and demand shocks.
//!
//! # Risks in the scenario
//!
//! `[[risks]]` lists named events, each with a `probability`, the day it
//! happens (`on`, when it also becomes known) and one or more effects from
//! that day on ([`Risk`]):
//!
//! * `rule = { ... }`: an export rule in force from `on`, overriding the
//!   rules of the same issuer and destination on the accelerators it
//!   covers (a licence revoked: `status = "prohibited"`; a levy raised:
//!   `status = "licensed", levy = 0.25`; a use ban: `scope = "use"`);
//! * `deliveries = { pool, scale, delay_days }`: a purchasable pool's
//!   delivery caps scaled (0 halts supply) and/or delayed;
//! * `demand = { phase, scale }`: an inference phase's daily demand scaled
//!   from `on` (growth kept), or a training phase's whole work scaled (part
//!   of a run to be redone, learnt on `on`);
//! * `failure = { phase, pools, vendors }`: the phase's runs on those pools
//!   (or on those vendors' devices) in progress on `on` fail: their work is
//!   lost and the phase may be redone from `on`, on the same or another
//!   pool, at the cost of its time and device-hours
//!   ([`crate::workload::RunFailure`]).
//!
//! **Uncertain dates.** `on_range = { until, points }` makes the day
//! uncertain: the event happens on one day of `[on, until]` (uniformly),
//! discretised into `points` dates (the midpoints of `points` equal parts
//! of the range, rounded down to a day; one point is the midpoint), each
//! with `1/points` of the risk's probability: a risk of `points` dates has
//! `points + 1` outcomes (one of its dates, or not at all), each a branch
//! with its own date (named `risk@YYYY-MM-DD`). This is a discretisation,
//! stated as such: the plan hedges those dates, not every day of the
//! range. Branches whose event happened on different days differ from the
//! earlier of those days on (non-anticipativity by (event, day)).
//!
//! Independent risks combine into `2^n` joint scenarios with product
//! probabilities (at most [`MAX_INDEPENDENT_RISKS`]; `Π (points + 1)` with
//! uncertain dates, at most [`MAX_JOINT_SCENARIOS`]); `[[risk_scenarios]]`
//! list joint outcomes with their own probabilities instead (one with a
//! risk at an uncertain date splits into one per date); `[risk]
//! samples = N, seed = S` draws `N` joint scenarios (deterministic given the
//! seed). Joint scenarios of probability 0 are left out.
//!
//! # Formulation (extensive form)
//!
//! Each joint scenario `s` (probability `p_s`) is the base scenario with
//! its events applied ([`apply()`]), validated and compiled by the ordinary
//! compiler ([`crate::plan::compile()`]) with every risk date as an extra
//! cut and order day, so branches share their decision times. With `x_s`
//! its columns, `A_s x_s ⋈ b_s` its rows and `c_s` its costs:
//!
//! ```text
//! min  Σ_s p_s·c_sᵀx_s  +  λ·(η + 1/(1−α)·Σ_s p_s·u_s)
//! s.t. A_s x_s ⋈ b_s                                  every s
//!      u_s ≥ c_sᵀx_s − η,  u_s ≥ 0                    (only when λ > 0)
//!      g_a·x_s[d] = g_b·x_t[d]                       non-anticipativity
//! ```
//!
//! **Non-anticipativity.** A decision `d` is a purchase ordered on a day, a
//! training run started on a day or a serving interval starting on a day,
//! matched across branches by its label (kind, phase, pool, time), never by
//! column index. Two branches whose known events at `d`'s time are the same
//! (the events dated on or before it) take `d` alike: the devices it
//! commits are equal. When a branch of such a class has no column for `d`
//! (it cannot take that decision, e.g. an order that could not be
//! delivered there), `d` is zero in every branch of the class: a decision
//! that is impossible in a branch nobody can yet tell apart is not taken.
//! `use` binaries are not tied: they follow the device columns.
//!
//! **Results** ([`RiskPlan`]): the here-and-now decisions (taken before any
//! event can be known), each branch's plan (the ordinary [`Plan`], verified
//! against its own scenario), the expected cost, the cost distribution's
//! P50/P90 and CVaR_α (computed from the branch costs), finish days per
//! phase per branch, and:
//!
//! * **VSS** (value of the stochastic solution): the deterministic plan (the
//!   base scenario, risks ignored) is followed in each branch until that
//!   branch's first event, then re-optimised; VSS = its expected cost −
//!   the stochastic plan's. If the deterministic plan cannot be continued
//!   in some branch, VSS is infinite (`None`) and the branches are named.
//! * **EVPI** (expected value of perfect information): the stochastic
//!   plan's expected cost − `Σ_s p_s·z_s`, where `z_s` is branch `s`'s own
//!   optimum (wait-and-see).
//!
//! For minimisation with λ = 0, EVPI ≥ 0 and VSS ≥ 0 (up to the MIP gap);
//! with λ > 0 the plan trades expected cost for a lighter tail and either
//! may be negative.
//!
//! # Chance constraint on deadlines
//!
//! `[risk] objective = "chance", deadline_probability = q` minimises the
//! same objective subject to "every deadline met" with probability at
//! least `q`, **by scenario selection** (a chance constraint over the
//! discrete joint scenarios, not over a continuous distribution).
//! *Deadline met* in a branch means: every training phase's work is done
//! by its deadline (its `work[p]` row covered by runs that end by the
//! deadline). Inference demand is served in every branch regardless: it
//! has no deadline to miss. A branch that does not meet its deadlines
//! still trains: its runs may end as late as the horizon. Each branch is
//! compiled with late windows ([`crate::plan::CompileOptions::late_until`]
//! at the horizon: every run start also opens a window running past the
//! deadline), which count in `work[p]`; then
//!
//! ```text
//! z_s ∈ {0, 1}                                     1: branch s meets every deadline
//! ontime[p,s]:  Σ_{on-time j} a_pj·x_s[j] ≥ w_p·z_s    every training phase p
//! chance:       Σ_s p_s·z_s ≥ q
//! ```
//!
//! (`a_pj`, `w_p` as in `work[p]`; at `z_s = 0` the row is void; the
//! selection is a knapsack over the branches). The extensive form is a
//! MILP even for a fractional plan. The report's `risk.chance` gives `q`,
//! `achieved` (Σ p_s over the branches whose plan meets every deadline,
//! read from the plan: ≥ q) and those branches (`met`; `required` are the
//! ones the constraint selected). The branches not met are planned late:
//! their plans fail the verifier's deadline checks (`demand[P]` and the
//! summaries repeating it), which [`verify_risk`] allows for them and only
//! for them (named in the check); their late work is checked by the model,
//! not by the verifier. The wait-and-see and deterministic plans behind
//! EVPI and VSS meet every deadline (no late run), so under a chance
//! constraint both include what giving up branches saves. A pool that can
//! only start after a phase's deadline gets no late run (it is unfit for
//! the phase, as without the constraint).
//!
//! **Left for later** (stated, not hidden): an order that stands while its
//! deliveries slip (orders and arrivals are one column here, so a slip that
//! caps arrivals stops the order instead); the decomposition for whole
//! devices (integer recourse), a CVaR weight or a chance constraint (solved
//! by the extensive form, the reason stated); a continuous distribution of an event's date (ranges are discretised);
//! chance constraints on other figures than deadlines (budgets, demand).
//!
//! # Decomposition
//!
//! `[risk] method = "decomposition"` (or `"auto"`, the default, from
//! [`AUTO_DECOMPOSITION_BRANCHES`] joint scenarios on) solves the same
//! problem by a multi-cut L-shaped method over the here-and-now decisions:
//! one subproblem per class of branches that share their history after the
//! first event, warm-started from its last basis, cuts from its reduced
//! costs and Farkas certificates. It is exact for fractional plans with the
//! expected-cost objective; the result is the same [`RiskPlan`] (each
//! branch verified), with `risk.method`, `risk.lower_bound_usd` and
//! `risk.decomposition` (clusters, cuts, the bounds at every iteration).
//! Whole devices, a CVaR weight and a chance constraint are solved by the extensive form, and
//! `risk.method_note` says why. See `risk/decompose.rs` for the method and
//! why its bounds are honest.

mod apply;
mod chance;
mod decompose;
mod extensive;
mod report;
mod spec;
mod verify;

pub use apply::{JointScenario, apply, joint_scenarios};
pub use report::{
    ChanceSummary, Decision, DecompositionFigures, RiskPlan, RiskSolve, RiskSummary,
    ScenarioOutcome,
};
pub use spec::{
    AUTO_DECOMPOSITION_BRANCHES, DateRange, DeliveryRisk, DemandRisk, FailureRisk,
    MAX_INDEPENDENT_RISKS, MAX_JOINT_SCENARIOS, MAX_RANGE_POINTS, Risk, RiskMethod, RiskMode,
    RiskObjective, RiskOptions, RiskScenario,
};
pub use verify::verify_risk;

pub(crate) use spec::check;

use crate::error::{Error, Result};
use crate::perf::PerfModel;
use crate::plan::{
    CompileOptions, Plan, PlanOptions, PlanStatus, compile, deadline_after, fractional,
    plan_from_x, solver_options,
};
use crate::scenario::{ValidatedScenario, ValidationReport};
use crate::solver::{self, SolveOptions, Status};
use crate::units::Hours;
use extensive::{Branch, keys};
use std::collections::BTreeMap;

/// Plans `vs` under its risks: the extensive form solved by our engine
/// (an LP, or a MILP for whole devices), each branch read back as a
/// [`Plan`] and verified, with VSS and EVPI (module docs). A scenario
/// without risks is one branch of probability 1: the result is then the
/// ordinary least-cost plan.
///
/// # Errors
/// [`crate::ErrorKind::Invalid`] when a joint scenario (the base with its
/// events applied) fails validation (the issues name it);
/// [`crate::ErrorKind::Options`], [`crate::ErrorKind::Model`] and
/// [`crate::ErrorKind::Internal`] as [`crate::plan::plan`]. An infeasible
/// extensive form is a [`RiskPlan`] with status `infeasible`, not an
/// error.
pub fn plan_risk(vs: &ValidatedScenario, opts: &PlanOptions) -> Result<RiskPlan> {
    let deadline = deadline_after(opts.effective_time_limit(vs), opts);
    let sopts = solver_options(vs, opts, deadline);
    sopts.validate()?;
    let s = vs.scenario();
    let joints = joint_scenarios(s);
    let q = s.risk.chance();
    let copts = compile_options(vs, opts);
    let mut branches = Vec::with_capacity(joints.len());
    for j in joints {
        branches.push(branch(vs, j, &copts)?);
    }
    let ties = extensive::ties(&branches);
    let (alpha, weight) = (s.risk.alpha(), s.risk.weight());
    let t0 = std::time::Instant::now();
    let st = stacked(s, &mut branches, &ties, &sopts, q)?;
    let mut solve = st.solve;
    solve.seconds = t0.elapsed().as_secs_f64();
    let status = status_of(st.status);
    let gap = st.gap;

    // wait-and-see: each branch's own optimum
    let mut own: Vec<Option<f64>> = Vec::with_capacity(branches.len());
    for b in &branches {
        let r = solver::solve(&*chance::strict(&b.compiled)?, &sopts)?;
        own.push(r.objective.filter(|_| ok(r.status)));
    }
    let mut plans: Vec<Plan> = Vec::new();
    if ok(st.status) && !st.x.is_empty() {
        for (i, b) in branches.iter().enumerate() {
            let n = b.compiled.model.num_cols();
            let x = &st.x[st.offsets[i]..st.offsets[i] + n];
            let mut p = plan_from_x(&b.vs, &b.compiled, x, status, gap);
            p.solve.iterations = st.iterations;
            plans.push(p);
        }
    }
    let here_and_now = here_and_now(&branches, &st.x, &st.offsets, !plans.is_empty());
    let det = deterministic(vs, &branches, &copts, &sopts)?;
    Ok(report::assemble(
        vs,
        &branches,
        plans,
        &own,
        det,
        report::Figures {
            status,
            gap,
            alpha,
            weight,
            na_rows: st.na_rows,
            zeroed: st.zeroed,
            rows: st.rows,
            cols: st.cols,
            here_and_now,
            chance: q.map(|q| chance::summary(&branches, &st.x, &st.offsets, &st.z, q)),
            solve,
        },
    ))
}

/// The stacked problem solved, by either method.
struct Stacked {
    status: Status,
    /// Every branch's columns, stacked (empty without a solution).
    x: Vec<f64>,
    /// Where each branch's columns start in `x`.
    offsets: Vec<usize>,
    gap: f64,
    iterations: u64,
    na_rows: usize,
    zeroed: usize,
    /// Size of the extensive form (built or not).
    rows: usize,
    cols: usize,
    solve: RiskSolve,
    /// The chance constraint's selection binaries (extensive form only).
    z: Vec<crate::model::ColId>,
}

/// Solves the branches stacked: by the decomposition when `[risk] method`
/// asks for it (or `auto` with many branches) and it applies, by the
/// extensive form otherwise.
fn stacked(
    s: &crate::scenario::Scenario,
    branches: &mut Vec<Branch>,
    ties: &extensive::Ties,
    sopts: &SolveOptions,
    q: Option<f64>,
) -> Result<Stacked> {
    let (alpha, weight) = (s.risk.alpha(), s.risk.weight());
    let method = s.risk.method.unwrap_or_default();
    let why_not = decompose::unsuitable(branches, weight, q.is_some());
    let decompose = match method {
        RiskMethod::Extensive => false,
        RiskMethod::Decomposition => why_not.is_none(),
        _ => why_not.is_none() && branches.len() >= AUTO_DECOMPOSITION_BRANCHES,
    };
    let na_rows = ties.equal.iter().map(|(_, c)| c.len() - 1).sum();
    if decompose {
        let d = decompose::solve(branches, ties, sopts)?;
        let upper = d.upper.unwrap_or(f64::INFINITY);
        let gap = if d.x.is_empty() || d.status == Status::Optimal {
            0.0
        } else {
            (upper - d.lower) / upper.abs().max(1.0)
        };
        let figures = DecompositionFigures::new(&d);
        return Ok(Stacked {
            status: d.status,
            x: d.x,
            offsets: d.offsets,
            gap,
            iterations: d.simplex_iterations,
            na_rows,
            zeroed: ties.zero.len(),
            rows: branches
                .iter()
                .map(|b| b.compiled.model.num_rows())
                .sum::<usize>()
                + na_rows,
            cols: branches.iter().map(|b| b.compiled.model.num_cols()).sum(),
            solve: RiskSolve {
                method: "decomposition".into(),
                lower_bound_usd: d.lower.is_finite().then_some(d.lower),
                decomposition: Some(figures),
                ..RiskSolve::default()
            },
            z: Vec::new(),
        });
    }
    let ef = extensive::build(branches, ties, (alpha, weight), q)?;
    let sol = solver::solve(&ef.model, sopts)?;
    let gap = sol.mip.and_then(|m| m.gap).unwrap_or(0.0);
    let lower = match (sol.status, sol.mip) {
        (_, Some(m)) => Some(m.bound),
        (Status::Optimal, None) => sol.objective,
        _ => None,
    };
    Ok(Stacked {
        status: sol.status,
        x: sol.x,
        offsets: ef.offsets,
        gap,
        iterations: sol.iterations,
        na_rows: ef.na_rows,
        zeroed: ef.zeroed,
        rows: ef.model.num_rows(),
        cols: ef.model.num_cols(),
        solve: RiskSolve {
            method: "extensive".into(),
            method_note: why_not.filter(|_| method == RiskMethod::Decomposition),
            lower_bound_usd: lower.filter(|v| v.is_finite()),
            ..RiskSolve::default()
        },
        z: ef.z,
    })
}

/// The extensive form of `vs` under its risks (every joint scenario
/// compiled and stacked, module docs), as [`plan_risk`] would solve it:
/// for exporting (MPS) and comparing with other solvers.
///
/// # Errors
/// As [`plan_risk`].
pub fn extensive_form(vs: &ValidatedScenario, opts: &PlanOptions) -> Result<crate::model::Model> {
    let s = vs.scenario();
    let copts = compile_options(vs, opts);
    let mut branches = Vec::new();
    for j in joint_scenarios(s) {
        branches.push(branch(vs, j, &copts)?);
    }
    let ties = extensive::ties(&branches);
    let weights = (s.risk.alpha(), s.risk.weight());
    Ok(extensive::build(&branches, &ties, weights, s.risk.chance())?.model)
}

/// Compile options shared by every branch: every date an event can
/// happen cuts time in every branch (so they share their decision times);
/// risks that never happen cut nothing.
fn compile_options(vs: &ValidatedScenario, opts: &PlanOptions) -> CompileOptions {
    let s = vs.scenario();
    let mut cuts: Vec<f64> = joint_scenarios(s)
        .iter()
        .flat_map(|j| j.on.iter())
        .map(|&d| vs.hours_of(d))
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    CompileOptions {
        fractional: fractional(vs, opts),
        cuts: cuts.into_iter().map(Hours::from_raw).collect(),
        // under a chance constraint, a branch may run training late
        late_until: s.risk.chance().map(|_| vs.horizon().to_hours()),
        ..CompileOptions::default()
    }
}

/// A joint scenario validated and compiled.
fn branch(vs: &ValidatedScenario, joint: JointScenario, copts: &CompileOptions) -> Result<Branch> {
    let sc = apply(vs, &joint);
    let vj = sc.validate().map_err(|mut rep: ValidationReport| {
        for i in &mut rep.issues {
            i.message = format!(
                "in joint scenario '{}' (its events applied): {}",
                joint.name, i.message
            );
        }
        Error::invalid(rep)
    })?;
    let perf = PerfModel::new(&vj);
    let compiled = compile(&vj, &perf, copts)?;
    drop(perf);
    let event_hours = joint.on.iter().map(|&d| vs.hours_of(d)).collect();
    Ok(Branch {
        joint,
        vs: vj,
        compiled,
        event_hours,
    })
}

/// The deterministic plan (risks ignored) and its evaluation in each
/// branch: followed until the branch's first event, re-optimised after.
pub(crate) struct Deterministic {
    /// Its own cost (the base scenario's optimum), when it has a plan.
    pub(crate) cost: Option<f64>,
    /// Per branch: the cost of following it then recourse, or why not.
    pub(crate) evaluated: Vec<std::result::Result<f64, String>>,
}

fn deterministic(
    vs: &ValidatedScenario,
    branches: &[Branch],
    copts: &CompileOptions,
    sopts: &SolveOptions,
) -> Result<Deterministic> {
    let none = JointScenario {
        name: "deterministic".into(),
        probability: 1.0,
        events: Vec::new(),
        on: Vec::new(),
    };
    let base = branch(vs, none, copts)?;
    let sol = solver::solve(&*chance::strict(&base.compiled)?, sopts)?;
    if !ok(sol.status) || sol.x.is_empty() {
        return Ok(Deterministic {
            cost: None,
            evaluated: branches
                .iter()
                .map(|_| {
                    Err(format!(
                        "the deterministic scenario has no plan ({:?})",
                        sol.status
                    ))
                })
                .collect(),
        });
    }
    // devices committed by each decision of the deterministic plan
    let det: BTreeMap<_, f64> = keys(&base.vs, &base.compiled)
        .into_iter()
        .map(|(k, j)| (k, sol.x[j] * base.compiled.cols[j].unit))
        .collect();
    let mut evaluated = Vec::with_capacity(branches.len());
    for b in branches {
        let first = b.event_hours.iter().copied().fold(f64::INFINITY, f64::min);
        let bk = keys(&b.vs, &b.compiled);
        // every deadline met (no late run)
        let mut fixed: BTreeMap<usize, f64> = b.compiled.late.iter().map(|&j| (j, 0.0)).collect();
        for (k, &j) in &bk {
            if k.hours() < first - 1e-9 {
                let devices = det.get(k).copied().unwrap_or(0.0);
                let unit = b.compiled.cols[j].unit.max(1e-300);
                let v = devices / unit;
                let v = if b.compiled.model.var_types()[j] == crate::model::VarType::Integer {
                    v.round()
                } else {
                    v
                };
                fixed.insert(j, v);
            }
        }
        let missing: Vec<String> = det
            .iter()
            .filter(|(k, v)| k.hours() < first - 1e-9 && **v > 1e-9 && !bk.contains_key(*k))
            .map(|(k, _)| k.label())
            .collect();
        if !missing.is_empty() {
            evaluated.push(Err(format!(
                "decisions of the deterministic plan cannot be taken: {}",
                missing.join(", ")
            )));
            continue;
        }
        let m = extensive::with_fixed(&b.compiled.model, &fixed)?;
        let r = solver::solve(&m, sopts)?;
        evaluated.push(match r.objective.filter(|_| ok(r.status)) {
            Some(v) => Ok(v),
            None if r.status == Status::Infeasible => {
                Err("no recourse after the first event (infeasible)".to_owned())
            }
            None => Err(format!("recourse not solved ({:?})", r.status)),
        });
    }
    Ok(Deterministic {
        cost: sol.objective,
        evaluated,
    })
}

/// The decisions taken before any branch's first event (the same in every
/// branch, by non-anticipativity), read from the first branch.
fn here_and_now(branches: &[Branch], x: &[f64], offsets: &[usize], solved: bool) -> Vec<Decision> {
    let first = branches
        .iter()
        .flat_map(|b| b.event_hours.iter().copied())
        .fold(f64::INFINITY, f64::min);
    let Some(b) = branches.first().filter(|_| solved) else {
        return Vec::new();
    };
    keys(&b.vs, &b.compiled)
        .into_iter()
        .filter(|(k, _)| k.hours() < first - 1e-9)
        .filter_map(|(k, j)| {
            let devices = x[offsets[0] + j] * b.compiled.cols[j].unit;
            (devices > 1e-9).then(|| Decision {
                kind: ["buy", "train", "serve"][usize::from(k.kind.min(2))].to_owned(),
                phase: (!k.phase.is_empty()).then(|| k.phase.clone()),
                pool: k.pool.clone(),
                day: k.hours() / 24.0,
                devices,
            })
        })
        .collect()
}

fn ok(s: Status) -> bool {
    matches!(s, Status::Optimal | Status::Feasible)
}

fn status_of(s: Status) -> PlanStatus {
    match s {
        Status::Optimal => PlanStatus::Optimal,
        Status::Feasible => PlanStatus::Feasible,
        Status::Infeasible => PlanStatus::Infeasible,
        _ => PlanStatus::Limit,
    }
}
