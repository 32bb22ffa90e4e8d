//! The domestic-only counterfactual that justification rules ask for.
//!
//! [`justify`] plans the scenario as given, then again without *new*
//! foreign devices: every foreign pool that would be bought or rented is
//! removed, while foreign devices the lab already owns stay usable. That is
//! what a regulator asks of a request for foreign GPUs ("could you do it
//! with domestic purchases and what you already have?"). [`justify_with`]
//! and [`CounterfactualScope::AllForeign`] give the stricter "domestic
//! accelerators only" counterfactual, owned foreign devices removed too.
//! If the counterfactual plan is feasible it reports
//! how much more it costs and how much later each phase finishes; if not, it
//! names the constraints that make it impossible and searches the least
//! common delay of the training deadlines at which a domestic-only plan
//! exists (and what that costs).
//!
//! All of it — the plan, the counterfactual, its explanation and the delay
//! search — shares the run's one wall-clock budget ([`PlanOptions`]); a
//! delay search cut short by it reports the least delay found feasible and
//! says it may not be the least ([`Counterfactual::delay_is_least`]).

use super::compile::CompileOptions;
use super::{Infeasibility, Plan, PlanOptions, PlanStatus, deadline_after, expired, plan_with};
use crate::error::Result;
use crate::perf::PerfModel;
use crate::scenario::ValidatedScenario;
use crate::units::{Hours, Usd, UsdDelta};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// What the counterfactual of [`justify_with`] takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CounterfactualScope {
    /// New foreign devices: foreign pools that are bought or rented; owned
    /// foreign devices stay (the default: what a justification rule asks).
    #[default]
    NewForeign,
    /// Every foreign device, owned ones included ("domestic accelerators
    /// only").
    AllForeign,
}

impl CounterfactualScope {
    /// Whether the counterfactual removes pool `k`.
    fn removes(self, vs: &ValidatedScenario, k: crate::scenario::PoolId) -> bool {
        let p = vs.pool(k);
        !p.is_domestic()
            && match self {
                CounterfactualScope::NewForeign => !p.ownership().is_owned(),
                CounterfactualScope::AllForeign => true,
            }
    }

    /// In words, for the memo.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            CounterfactualScope::NewForeign => {
                "no new foreign devices (no foreign purchases or rentals; owned foreign devices kept)"
            }
            CounterfactualScope::AllForeign => {
                "domestic accelerators only (owned foreign devices removed too)"
            }
        }
    }
}

/// A phase finishing later in the counterfactual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delay {
    /// Phase name.
    pub phase: String,
    /// Days later than in the plan (negative: earlier).
    pub days: crate::units::DaysDelta,
}

/// The domestic-only plan, compared with the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Counterfactual {
    /// Status with the scenario's deadlines.
    pub status: PlanStatus,
    /// Its cost, when feasible.
    pub cost_usd: Option<Usd>,
    /// Extra cost over the plan (negative: cheaper), when feasible.
    pub extra_cost_usd: Option<UsdDelta>,
    /// Phases finishing later than in the plan.
    pub delays: Vec<Delay>,
    /// Why it is impossible by the deadlines, when infeasible.
    pub infeasibility: Option<Infeasibility>,
    /// When infeasible: the least common delay of the training deadlines
    /// (days) at which a domestic-only plan exists, if one does by the
    /// horizon.
    pub feasible_with_delay_days: Option<f64>,
    /// The cost of that delayed domestic-only plan.
    pub delayed_cost_usd: Option<Usd>,
    /// Whether `feasible_with_delay_days` is the least delay (to within 6
    /// hours); `false` when the time limit cut the search short, so a
    /// smaller delay may suffice. `true` when there is no delay to search.
    pub delay_is_least: bool,
}

/// The justification memo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Justification {
    /// Whether the scenario's policy requires a justification for this
    /// plan (it buys or rents foreign devices under a justification rule).
    pub required: bool,
    /// Foreign pools the plan uses.
    pub foreign_pools_used: Vec<String>,
    /// The plan's cost.
    pub plan_cost_usd: Usd,
    /// The plan itself.
    pub plan: Plan,
    /// What the counterfactual takes away.
    pub scope: CounterfactualScope,
    /// The counterfactual plan, compared with the plan.
    pub counterfactual: Counterfactual,
    /// The memo, for people.
    pub memo: String,
}

/// Plans `vs`, plans it again without new foreign devices
/// ([`CounterfactualScope::NewForeign`]), and compares, all within one
/// wall-clock budget (see [`PlanOptions`]).
///
/// # Errors
/// As [`super::plan`].
///
/// ```
/// use fleetplan::prelude::*;
///
/// let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
/// let vs = Scenario::from_toml_str(&text)?.validate()?;
/// let j = justify(&vs, &PlanOptions::default().with_fractional(true))?;
/// assert!(!j.memo.is_empty());
/// # Ok::<(), fleetplan::Error>(())
/// ```
pub fn justify(vs: &ValidatedScenario, opts: &PlanOptions) -> Result<Justification> {
    justify_with(vs, opts, CounterfactualScope::default())
}

/// As [`justify`], with the counterfactual's `scope` chosen.
///
/// # Errors
/// As [`super::plan`].
pub fn justify_with(
    vs: &ValidatedScenario,
    opts: &PlanOptions,
    scope: CounterfactualScope,
) -> Result<Justification> {
    let deadline = deadline_after(opts.effective_time_limit(vs), opts);
    let perf = PerfModel::new(vs);
    let plan = plan_with(vs, &perf, opts, &CompileOptions::default(), deadline)?;
    let removed: Vec<_> = vs.pool_ids().filter(|&k| scope.removes(vs, k)).collect();
    let domestic_only = CompileOptions {
        exclude_pools: removed,
        ..CompileOptions::default()
    };
    let used: Vec<String> = vs
        .pools()
        .filter(|p| !p.is_domestic())
        .filter(|p| {
            plan.pools
                .iter()
                .any(|u| u.pool == p.name() && u.device_hours.get() > 0.0)
        })
        .map(|p| p.name().to_owned())
        .collect();
    let required = plan
        .purchases
        .iter()
        .any(|b| b.needs_justification && b.devices > 0.0)
        || vs.pools().any(|p| {
            p.needs_justification()
                && p.ownership().is_rentable()
                && used.iter().any(|u| u == p.name())
        });
    let cf = plan_with(vs, &perf, opts, &domestic_only, deadline)?;
    let mut counter = Counterfactual {
        status: cf.status,
        cost_usd: None,
        extra_cost_usd: None,
        delays: Vec::new(),
        infeasibility: cf.infeasibility.clone(),
        feasible_with_delay_days: None,
        delayed_cost_usd: None,
        delay_is_least: true,
    };
    let finish = |p: &Plan, name: &str| {
        p.phases
            .iter()
            .find(|q| q.name == name)
            .and_then(|q| q.finishes_at_hours)
    };
    if matches!(cf.status, PlanStatus::Optimal | PlanStatus::Feasible) {
        counter.cost_usd = Some(cf.cost.total_usd);
        counter.extra_cost_usd = Some(cf.cost.total_usd.signed_sub(plan.cost.total_usd));
        for ph in vs.phases() {
            if let (Some(a), Some(b)) = (finish(&plan, ph.name()), finish(&cf, ph.name())) {
                let d = (b.get() - a.get()) / 24.0;
                if d.abs() > 1e-6 {
                    counter.delays.push(Delay {
                        phase: ph.name().to_owned(),
                        days: crate::units::DaysDelta::new(d)?,
                    });
                }
            }
        }
    } else if cf.status == PlanStatus::Infeasible {
        // least common delay of the training deadlines
        let horizon = vs.horizon().to_hours();
        let training: Vec<_> = vs
            .phase_ids()
            .filter(|&p| vs.phase(p).kind().is_training())
            .collect();
        let shifted = |delta: f64| CompileOptions {
            deadlines: training
                .iter()
                .map(|&p| {
                    (
                        p,
                        Hours::from_raw((perf.phase_end(p).get() + delta).min(horizon.get())),
                    )
                })
                .collect(),
            ..domestic_only.clone()
        };
        let max_delta = training
            .iter()
            .map(|&p| (horizon - perf.phase_end(p)).get())
            .fold(0.0, f64::max);
        if !training.is_empty() && max_delta > 0.0 {
            let at_max = plan_with(vs, &perf, opts, &shifted(max_delta), deadline)?;
            let found = |p: &Plan| matches!(p.status, PlanStatus::Optimal | PlanStatus::Feasible);
            if found(&at_max) {
                // `lo` is always a delay proven too small, `hi` one with a
                // plan; a probe that hits the limit proves neither.
                let (mut lo, mut hi, mut best) = (0.0, max_delta, at_max);
                while hi - lo > 24.0 * 0.25 {
                    if expired(deadline) {
                        counter.delay_is_least = false;
                        break;
                    }
                    let mid = 0.5 * (lo + hi);
                    // A probe at the edge of feasibility may be infeasible
                    // by less than the engine can prove: unknown, as at a
                    // limit.
                    let p = match plan_with(vs, &perf, opts, &shifted(mid), deadline) {
                        Err(e) if e.kind() == crate::ErrorKind::Numerical => {
                            counter.delay_is_least = false;
                            break;
                        }
                        r => r?,
                    };
                    if found(&p) {
                        hi = mid;
                        best = p;
                    } else if p.status == PlanStatus::Infeasible {
                        lo = mid;
                    } else {
                        counter.delay_is_least = false;
                        break;
                    }
                }
                counter.feasible_with_delay_days = Some(hi / 24.0);
                counter.delayed_cost_usd = Some(best.cost.total_usd);
            } else if at_max.status != PlanStatus::Infeasible {
                // Not known whether any delay helps.
                counter.delay_is_least = false;
            }
        }
    }
    let memo = memo(vs, &plan, &used, required, scope, &counter);
    Ok(Justification {
        required,
        foreign_pools_used: used,
        plan_cost_usd: plan.cost.total_usd,
        plan,
        scope,
        counterfactual: counter,
        memo,
    })
}

fn musd(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("${:.2}B", v / 1e9)
    } else {
        format!("${:.1}M", v / 1e6)
    }
}

fn memo(
    vs: &ValidatedScenario,
    plan: &Plan,
    used: &[String],
    required: bool,
    scope: CounterfactualScope,
    c: &Counterfactual,
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Justification memo: {}", vs.scenario().name);
    if used.is_empty() {
        let _ = writeln!(
            o,
            "The plan uses domestic accelerators only; nothing to justify."
        );
        return o;
    }
    let _ = writeln!(
        o,
        "The plan ({}, {}) uses foreign accelerators: {}.{}",
        plan.status.as_str(),
        musd(plan.cost.total_usd.get()),
        used.join(", "),
        if required {
            " Policy requires a justification for its foreign purchases."
        } else {
            ""
        }
    );
    for b in plan.purchases.iter().filter(|b| b.needs_justification) {
        let _ = writeln!(
            o,
            "  buys {:.0} {} ({}, of which levy {})",
            b.devices,
            b.accelerator,
            musd(b.cost_usd.get()),
            musd(b.levy_usd.get())
        );
    }
    match c.status {
        PlanStatus::Optimal | PlanStatus::Feasible => {
            let _ = writeln!(
                o,
                "Counterfactual ({}): feasible, {} ({} {} than the plan).",
                scope.describe(),
                musd(c.cost_usd.map_or(0.0, Usd::get)),
                musd(c.extra_cost_usd.unwrap_or(UsdDelta::ZERO).abs().get()),
                if !c.extra_cost_usd.unwrap_or(UsdDelta::ZERO).is_negative() {
                    "dearer"
                } else {
                    "cheaper"
                }
            );
            for d in &c.delays {
                let _ = writeln!(
                    o,
                    "  '{}' finishes {:.1} days {}",
                    d.phase,
                    d.days.abs().get(),
                    if d.days.get() > 0.0 {
                        "later"
                    } else {
                        "earlier"
                    }
                );
            }
        }
        PlanStatus::Infeasible => {
            let _ = writeln!(
                o,
                "Counterfactual ({}): infeasible by the deadlines.",
                scope.describe()
            );
            if let Some(inf) = &c.infeasibility {
                for r in &inf.conflict {
                    let _ = writeln!(o, "  - {}", r.message);
                }
                if !inf.complete {
                    let _ = writeln!(
                        o,
                        "  (Partial: the time limit cut the analysis short; these conflict, but fewer may.)"
                    );
                }
            }
            match (c.feasible_with_delay_days, c.delayed_cost_usd) {
                (Some(d), Some(cost)) => {
                    let _ = writeln!(
                        o,
                        "  With every training deadline {d:.1} days later it becomes feasible at {} ({} more than the plan).",
                        musd(cost.get()),
                        musd(cost.get() - plan.cost.total_usd.get())
                    );
                    if !c.delay_is_least {
                        let _ = writeln!(
                            o,
                            "  (The search stopped early, at the time limit or at a delay too close to the edge of feasibility to decide: a smaller delay may suffice.)"
                        );
                    }
                }
                _ if !c.delay_is_least => {
                    let _ = writeln!(
                        o,
                        "  Whether moving the training deadlines helps was not settled within the time limit."
                    );
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "  It stays infeasible even with training deadlines moved to the horizon."
                    );
                }
            }
        }
        PlanStatus::Limit => {
            let _ = writeln!(
                o,
                "Counterfactual ({}): no answer within the solver's limits.",
                scope.describe()
            );
        }
    }
    o
}
