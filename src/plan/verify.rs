//! Independent verification of a plan against its scenario.
//!
//! [`verify`] recomputes everything from the plan's schedule and purchases
//! alone, with the performance and cost models but *not* the compiled LP:
//! pool capacity in every interval, every phase's demand, the budgets, every
//! policy rule (prohibitions, licence quotas, domestic shares, single-pool
//! runs, whole devices) and the cost. A plan that fails is never reported as
//! verified.

use super::Plan;
use crate::cost::pool_cost;
use crate::fleet::Ownership;
use crate::perf::{PairRate, PerfModel};
use crate::policy::RuleEffect;
use crate::scenario::{PoolId, ValidatedScenario};
use crate::workload::PhaseKind;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Relative tolerance of the checks (the solver's feasibility tolerance
/// with room for the scaling of business units).
const TOL: f64 = 1e-6;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What was checked, e.g. `"capacity[h800-owned]"`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// The numbers behind it.
    pub detail: String,
}

/// Every check [`verify`] made.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VerifyReport {
    /// The checks, in order.
    pub checks: Vec<Check>,
}

impl VerifyReport {
    /// `true` when every check passed (and there was at least one).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }

    fn add(&mut self, name: impl Into<String>, ok: bool, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.into(),
            ok,
            detail: detail.into(),
        });
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.checks {
            if !c.ok {
                writeln!(f, "  FAILED {}: {}", c.name, c.detail)?;
            }
        }
        Ok(())
    }
}

fn le(a: f64, b: f64) -> bool {
    a <= b + TOL * (1.0 + b.abs())
}

/// Verifies `plan` against `vs` (module docs).
#[must_use]
pub fn verify(vs: &ValidatedScenario, plan: &Plan) -> VerifyReport {
    let mut r = VerifyReport::default();
    let perf = PerfModel::new(vs);
    let pool_of = |name: &str| vs.pool_by_name(name);
    let phase_of = |name: &str| vs.phase_by_name(name);

    // Every name resolves.
    let mut names_ok = true;
    for s in &plan.schedule {
        if pool_of(&s.pool).is_none() || phase_of(&s.phase).is_none() {
            names_ok = false;
        }
    }
    for b in &plan.purchases {
        names_ok &= pool_of(&b.pool).is_some();
    }
    r.add(
        "names",
        names_ok,
        "every pool and phase in the plan exists in the scenario",
    );
    if !names_ok {
        return r;
    }

    let bought: BTreeMap<usize, f64> = plan.purchases.iter().fold(BTreeMap::new(), |mut m, b| {
        if let Some(k) = pool_of(&b.pool) {
            *m.entry(k.index()).or_insert(0.0) += b.devices;
        }
        m
    });
    let whole = plan.whole_devices;

    // ---- purchases: purchasable, allowed, within limits, whole units ----
    for (&k, &n) in &bought {
        let p = vs.pool(PoolId::new(k));
        let purch = p.ownership().is_purchasable();
        let allowed = !matches!(p.effect_at_start().0, RuleEffect::Prohibited);
        let within = p.max_devices().is_none_or(|m| le(n, m as f64));
        let g = p.granularity().max(1) as f64;
        let unit_ok = !whole || ((n / g) - (n / g).round()).abs() < 1e-6;
        r.add(
            format!("purchase[{}]", p.name()),
            purch && allowed && within && unit_ok && n >= -TOL,
            format!(
                "{n} devices bought (purchasable: {purch}, allowed by policy: {allowed}, limit {:?}, multiple of {g}: {unit_ok})",
                p.max_devices()
            ),
        );
    }

    // ---- capacity: devices in use at every breakpoint ≤ available ----
    let mut cuts: Vec<f64> = plan
        .schedule
        .iter()
        .flat_map(|s| [s.from_hours.get(), s.to_hours.get()])
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    for p in vs.pools() {
        let k = p.name();
        let a = p.availability().get();
        let mut worst = (0.0f64, 0.0f64, 0.0f64);
        let mut ok = true;
        for w in cuts.windows(2) {
            let mid = 0.5 * (w[0] + w[1]);
            let used: f64 = plan
                .schedule
                .iter()
                .filter(|s| s.pool == k && s.from_hours.get() <= mid && mid < s.to_hours.get())
                .map(|s| s.devices)
                .sum();
            if used <= 0.0 {
                continue;
            }
            let cap = match p.ownership() {
                Ownership::Owned { .. } => a * p.owned_devices().map_or(0.0, |n| n as f64),
                Ownership::Rentable { .. } => p.max_devices().map_or(f64::INFINITY, |n| n as f64),
                Ownership::Purchasable { .. } => {
                    if mid >= p.lead_time().to_hours().get() - 1e-9 {
                        a * bought.get(&p.id().index()).copied().unwrap_or(0.0)
                    } else {
                        0.0
                    }
                }
            };
            if !le(used, cap) {
                ok = false;
            }
            if used - cap > worst.0 - worst.1 || worst == (0.0, 0.0, 0.0) {
                worst = (used, cap, mid / 24.0);
            }
        }
        let prohibited_new = !p.ownership().is_owned()
            && matches!(p.effect_at_start().0, RuleEffect::Prohibited)
            && plan.schedule.iter().any(|s| s.pool == k && s.devices > TOL);
        r.add(
            format!("capacity[{k}]"),
            ok && !prohibited_new,
            format!(
                "tightest: {:.3} devices used of {:.3} available (day {:.1}){}",
                worst.0,
                worst.1,
                worst.2,
                if prohibited_new {
                    "; uses a prohibited accelerator"
                } else {
                    ""
                }
            ),
        );
    }

    // ---- eligibility and demand ----
    let mut dh_by_kind: BTreeMap<&'static str, (f64, f64)> = BTreeMap::new();
    let mut running_cost = 0.0;
    for ph in vs.phases() {
        let name = ph.name();
        let mine: Vec<_> = plan.schedule.iter().filter(|s| s.phase == name).collect();
        let mut eligible = true;
        let mut work = 0.0;
        let mut coverage: Vec<(f64, f64, f64)> = Vec::new();
        for s in &mine {
            let Some(k) = pool_of(&s.pool) else { continue };
            let hours = (s.to_hours - s.from_hours).get();
            let dh = s.devices * hours;
            if let Ok(pc) = pool_cost(vs, k) {
                running_cost += dh * pc.per_device_hour.total().get();
            }
            let key = ph.kind().as_str();
            let e = dh_by_kind.entry(key).or_insert((0.0, 0.0));
            e.1 += dh;
            if vs.pool(k).is_domestic() {
                e.0 += dh;
            }
            match perf.pair_until(ph.id(), k, s.to_hours) {
                Ok(PairRate::Training(t)) => work += t.share_per_device_hour * dh,
                Ok(PairRate::Inference(i)) => {
                    coverage.push((
                        s.from_hours.get(),
                        s.to_hours.get(),
                        i.share_per_device * s.devices,
                    ));
                }
                Err(_) => eligible = false,
            }
            let g = match perf.pair_until(ph.id(), k, s.to_hours) {
                Ok(PairRate::Inference(i)) => i.replica as f64,
                _ => vs.pool(k).granularity().max(1) as f64,
            };
            if whole && ((s.devices / g) - (s.devices / g).round()).abs() > 1e-6 {
                eligible = false;
            }
        }
        r.add(
            format!("eligible[{name}]"),
            eligible,
            "every pool the phase uses may run it (policy, precision, memory, latency) in whole units",
        );
        if ph.kind().is_training() {
            let met = work;
            r.add(
                format!("demand[{name}]"),
                met >= 1.0 - TOL,
                format!("{:.6}% of the work done by the deadline", met * 100.0),
            );
            if ph.spec().single_pool {
                let pools: std::collections::BTreeSet<&str> = mine
                    .iter()
                    .filter(|s| s.devices > TOL)
                    .map(|s| s.pool.as_str())
                    .collect();
                r.add(
                    format!("single_pool[{name}]"),
                    pools.len() <= 1,
                    format!("{} pool(s) used", pools.len()),
                );
            }
        } else {
            let (s0, e0) = (
                perf.phase_start(ph.id()).get(),
                perf.phase_end(ph.id()).get(),
            );
            let mut pts: Vec<f64> = vec![s0, e0];
            pts.extend(coverage.iter().flat_map(|c| [c.0, c.1]));
            pts.retain(|t| *t >= s0 - 1e-9 && *t <= e0 + 1e-9);
            pts.sort_by(f64::total_cmp);
            pts.dedup();
            let mut least = f64::INFINITY;
            for w in pts.windows(2) {
                if w[1] - w[0] <= 1e-9 {
                    continue;
                }
                let mid = 0.5 * (w[0] + w[1]);
                let served: f64 = coverage
                    .iter()
                    .filter(|c| c.0 <= mid && mid < c.1)
                    .map(|c| c.2)
                    .sum();
                least = least.min(served);
            }
            let least = if least.is_finite() { least } else { 1.0 };
            r.add(
                format!("demand[{name}]"),
                least >= 1.0 - TOL,
                format!(
                    "at least {:.6}% of the daily demand served at every time of the window",
                    least * 100.0
                ),
            );
        }
    }

    // ---- domestic shares ----
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        if let Some(min) = vs.domestic_share_min(kind, vs.start()) {
            let (dom, all) = dh_by_kind.get(kind.as_str()).copied().unwrap_or((0.0, 0.0));
            let share = if all > 0.0 { dom / all } else { 1.0 };
            r.add(
                format!("domestic_share[{}]", kind.as_str()),
                share >= min.get() - TOL,
                format!(
                    "{:.4}% domestic device-hours (minimum {:.1}%)",
                    share * 100.0,
                    min.get() * 100.0
                ),
            );
        }
    }

    // ---- licence quotas ----
    let mut by_rule: BTreeMap<usize, (u64, f64)> = BTreeMap::new();
    for (&k, &n) in &bought {
        if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) =
            vs.pool(PoolId::new(k)).effect_at_start()
        {
            by_rule.entry(rule.index()).or_insert((q, 0.0)).1 += n;
        }
    }
    for (rule, (q, n)) in by_rule {
        r.add(
            format!("quota[rule{rule}]"),
            le(n, q as f64),
            format!("{n} licensed devices bought of a quota of {q}"),
        );
    }

    // ---- cost and budgets ----
    let capex: f64 = plan
        .purchases
        .iter()
        .filter_map(|b| {
            let k = pool_of(&b.pool)?;
            let pc = pool_cost(vs, k).ok()?;
            Some(b.devices * pc.purchase.map_or(0.0, |p| p.total().get()))
        })
        .sum();
    let total = capex + running_cost;
    let reported = plan.cost.total_usd.get();
    r.add(
        "cost",
        (total - reported).abs() <= TOL * (1.0 + total.abs()),
        format!("recomputed ${total:.2} vs reported ${reported:.2}"),
    );
    let budget = &vs.scenario().budget;
    if let Some(b) = budget.capex_usd {
        r.add(
            "budget.capex",
            le(capex, b.get()),
            format!("${capex:.2} of ${:.2}", b.get()),
        );
    }
    if let Some(b) = budget.opex_usd {
        let opex = plan.cost.energy_usd.get() + plan.cost.rental_usd.get();
        r.add(
            "budget.opex",
            le(opex, b.get()),
            format!("${opex:.2} of ${:.2}", b.get()),
        );
    }
    if let Some(b) = budget.total_usd {
        r.add(
            "budget.total",
            le(total, b.get()),
            format!("${total:.2} of ${:.2}", b.get()),
        );
    }
    r
}
