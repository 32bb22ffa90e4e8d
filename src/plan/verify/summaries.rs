//! The plan's summaries (objective, phases, assignments, pools, purchases)
//! re-derived from the schedule and purchases and compared.

use super::cost::Costs;
use super::time::{earliest, pieces};
use super::{Ctx, PhaseFigures, REL, VerifyReport, close, detail, time_tol};
use crate::fleet::Ownership;
use crate::scenario::ObjectiveKind;
use crate::scenario::{PhaseId, PoolId};
use crate::units::{Hours, Usd};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Checks every `summary.*` item.
pub(super) fn check(cx: &Ctx<'_>, figures: &[PhaseFigures], costs: &Costs, r: &mut VerifyReport) {
    objective(cx, figures, costs, r);
    for ph in cx.vs.phases() {
        phase(cx, ph.id(), &figures[ph.id().index()], r);
    }
    assignments(cx, r);
    pools(cx, r);
    purchases(cx, r);
}

/// `summary.objective`: the kind is the scenario's, and the value is the
/// recomputed cost (least cost, domestic first), the common deadline all the
/// covered phases finish by (least makespan), or the sum of the served
/// fractions (most served).
fn objective(cx: &Ctx<'_>, figures: &[PhaseFigures], costs: &Costs, r: &mut VerifyReport) {
    let plan = cx.plan;
    let expected = cx.vs.scenario().objective.kind();
    let kind_ok = plan.objective_kind == expected;
    let value = plan.objective.unwrap_or(f64::NAN);
    let (ok, detail) = match plan.objective_kind {
        ObjectiveKind::MinCost | ObjectiveKind::DomesticFirst => (close(value, costs.total()), {
            let total = costs.total();
            detail!("objective {value}, recomputed cost {total}")
        }),
        ObjectiveKind::MinMakespan => {
            let mut late = Vec::new();
            for p in cx.vs.phase_ids().filter(|p| cx.makespan[p.index()]) {
                let name = cx.vs.phase(p).name();
                let claimed = plan.phases.iter().find(|o| o.name == name);
                if claimed.is_none_or(|o| !close(o.deadline_hours.get(), value)) {
                    late.push(format!("'{name}' is not planned to the common deadline"));
                }
                if let Some(f) = finish(&figures[p.index()])
                    && f > value + time_tol(value)
                {
                    late.push(format!("'{name}' finishes at hour {f}"));
                }
            }
            (
                late.is_empty(),
                format!("common deadline {value} h; {}", late.join("; ")).into(),
            )
        }
        ObjectiveKind::MaxServed => {
            let served: f64 = figures.iter().map(|f| f.met_linearised.min(1.0)).sum();
            #[allow(clippy::cast_precision_loss)]
            let n = figures.len() as f64;
            (
                (value - served).abs() <= REL * (1.0 + n),
                detail!("objective {value}, recomputed sum of served fractions {served}"),
            )
        }
    };
    r.add("summary.objective", kind_ok && ok, {
        let (kind, expected) = (plan.objective_kind.as_str(), expected.as_str());
        detail!("{kind} (the scenario's objective is {expected}): {detail}")
    });
}

/// A time as the summaries' details write it: `hour {t}`, or `never`.
struct Hour(Option<f64>);

impl std::fmt::Display for Hour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(t) => write!(f, "hour {t}"),
            None => f.write_str("never"),
        }
    }
}

/// The linearised finish of a training phase: when its work reaches 1.
fn finish(f: &PhaseFigures) -> Option<f64> {
    earliest(&f.segments, 1.0 - REL)
}

/// `summary.phase[P]`, `summary.demand_met[P]` and `summary.finishes_at[P]`.
fn phase(cx: &Ctx<'_>, p: PhaseId, f: &PhaseFigures, r: &mut VerifyReport) {
    let ph = cx.vs.phase(p);
    let name = ph.name();
    let listed: Vec<_> = cx.plan.phases.iter().filter(|o| o.name == name).collect();
    let (start, end) = cx.window(p);
    let movable = cx.makespan[p.index()];
    let (ok, detail) = match listed.as_slice() {
        [o] => {
            let d = o.deadline_hours.get();
            let deadline_ok = if movable {
                d > start && d <= end + time_tol(end)
            } else {
                (d - end).abs() <= time_tol(end)
            };
            (o.kind == ph.kind() && deadline_ok, {
                let (kind, due) = (o.kind.as_str(), ph.kind().as_str());
                let movable = if movable {
                    ", movable by the makespan search"
                } else {
                    ""
                };
                detail!(
                    "{kind} with deadline {d} h (scenario: {due}, hours {start}-{end}{movable})"
                )
            })
        }
        l => (false, format!("listed {} times", l.len()).into()),
    };
    r.add(format!("summary.phase[{name}]"), ok, detail);
    let Some(o) = listed.first() else { return };

    let met = f.met_linearised;
    r.add(
        format!("summary.demand_met[{name}]"),
        close(o.demand_met, met),
        {
            let reported = o.demand_met;
            detail!("reported {reported}, recomputed {met}")
        },
    );

    let claimed = o.finishes_at_hours.map(|h| h.get());
    let (ok, recomputed) = if ph.kind().is_training() {
        // earliest times the linearised work is 1 − REL and 1 + REL done:
        // a reported finish must lie between them, by the deadline
        let lo = earliest(&f.segments, 1.0 - REL);
        let hi = earliest(&f.segments, 1.0 + REL).unwrap_or(f64::INFINITY);
        let ok = match claimed {
            Some(x) => lo.is_some_and(|lo| {
                x >= lo - time_tol(lo) && x <= hi + time_tol(hi) && x <= end + time_tol(end)
            }),
            None => hi >= end - time_tol(end),
        };
        (ok, earliest(&f.segments, 1.0))
    } else {
        // served throughout: the end of the window; else never
        let ok = match claimed {
            Some(x) => met >= 1.0 - 2.0 * REL && (x - end).abs() <= time_tol(end),
            None => met < 1.0 - 0.5 * REL,
        };
        (ok, (met >= 1.0 - REL).then_some(end))
    };
    r.add(
        format!("summary.finishes_at[{name}]"),
        ok,
        detail!(
            "reported {}, recomputed {}",
            Hour(claimed),
            Hour(recomputed)
        ),
    );
}

/// Peak devices at once and device-hours of a set of slots.
fn peak_and_hours<'s>(cx: &Ctx<'_>, slots: impl Iterator<Item = &'s super::SlotAt>) -> (f64, f64) {
    let items: Vec<(f64, f64, f64)> = slots.map(|s| (s.from, s.to, s.devices)).collect();
    let dh = items.iter().map(|i| i.2 * (i.1 - i.0)).sum();
    let peak = pieces(&items, &[], time_tol(cx.horizon))
        .into_iter()
        .map(|x| x.2)
        .fold(0.0, f64::max);
    (peak, dh)
}

/// `summary.assignment[P,K]`: one entry per (phase, pool) the schedule
/// uses, with its peak devices, device-hours, accelerator and origin.
fn assignments(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let mut pairs: BTreeMap<(usize, usize), Vec<&super::SlotAt>> = BTreeMap::new();
    for s in cx.slots.iter().filter(|s| s.devices > 0.0) {
        pairs
            .entry((s.phase.index(), s.pool.index()))
            .or_default()
            .push(s);
    }
    let mut claimed: BTreeMap<(usize, usize), Vec<&crate::plan::Assignment>> = BTreeMap::new();
    for a in &cx.plan.assignments {
        if let (Some(p), Some(k)) = (cx.vs.phase_by_name(&a.phase), cx.vs.pool_by_name(&a.pool)) {
            claimed.entry((p.index(), k.index())).or_default().push(a);
        }
    }
    let keys: std::collections::BTreeSet<(usize, usize)> =
        pairs.keys().chain(claimed.keys()).copied().collect();
    for key in keys {
        let (ph, pool) = (
            cx.vs.phase(PhaseId::new(key.0)),
            cx.vs.pool(PoolId::new(key.1)),
        );
        let (peak, dh) = pairs
            .get(&key)
            .map_or((0.0, 0.0), |v| peak_and_hours(cx, v.iter().copied()));
        let (ok, detail) = match claimed.get(&key).map(Vec::as_slice) {
            Some([a]) => {
                let ok = pairs.contains_key(&key)
                    && close(a.devices.get(), peak)
                    && close(a.device_hours.get(), dh)
                    && a.accelerator == pool.accelerator().name
                    && a.domestic == pool.is_domestic();
                (ok, {
                    let (devices, hours, acc, dom) = (
                        a.devices.get(),
                        a.device_hours.get(),
                        a.accelerator.clone(),
                        a.domestic,
                    );
                    let (pacc, pdom) = (pool.accelerator().name.clone(), pool.is_domestic());
                    detail!(
                        "reported {devices} devices, {hours} device-hours, {acc} (domestic: {dom}); recomputed {peak}, {dh}, {pacc} (domestic: {pdom})"
                    )
                })
            }
            None => (
                false,
                detail!("not reported; the schedule uses {peak} devices, {dh} device-hours"),
            ),
            Some(l) => (false, format!("reported {} times", l.len()).into()),
        };
        r.add(
            format!("summary.assignment[{},{}]", ph.name(), pool.name()),
            ok,
            detail,
        );
    }
}

/// `summary.pool[K]`: each pool listed once, with its device-hours,
/// utilisation (of owned and bought device-hours over the horizon; zero for
/// rentable pools) and peak devices.
fn pools(cx: &Ctx<'_>, r: &mut VerifyReport) {
    for p in cx.vs.pools() {
        let k = p.id();
        let (peak, dh) = peak_and_hours(cx, cx.pool_slots(k));
        let a = p.availability().get();
        #[allow(clippy::cast_precision_loss)]
        let available = match p.ownership() {
            Ownership::Owned { .. } => p.owned_devices().map_or(0.0, |n| n as f64) * a * cx.horizon,
            Ownership::Purchasable { .. } => cx.buys[k.index()]
                .iter()
                .map(|b| b.devices * a * (cx.horizon - b.arrival).max(0.0))
                .sum(),
            Ownership::Rentable { .. } => 0.0,
        };
        let utilisation = if available > 0.0 { dh / available } else { 0.0 };
        let listed: Vec<_> = cx
            .plan
            .pools
            .iter()
            .filter(|u| u.pool == p.name())
            .collect();
        let (ok, detail) = match listed.as_slice() {
            [u] => (
                u.accelerator == p.accelerator().name
                    && close(u.device_hours.get(), dh)
                    && close(u.utilisation, utilisation)
                    && close(u.peak_devices, peak),
                {
                    let (hours, util, top) = (u.device_hours.get(), u.utilisation, u.peak_devices);
                    detail!(
                        "reported {hours} device-hours, utilisation {util}, peak {top}; recomputed {dh}, {utilisation}, {peak}"
                    )
                },
            ),
            l => (false, format!("listed {} times", l.len()).into()),
        };
        r.add(format!("summary.pool[{}]", p.name()), ok, detail);
    }
}

/// `summary.purchase[K]`: each purchase's accelerator, cost (price and
/// levy under the licence in force on its order day), levy, capital
/// charge, arrival day (the order day plus the pool's lead time) and
/// justification flag (the rule in force on its order day).
fn purchases(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let vs = cx.vs;
    let basis = vs.scenario().economics.capex_basis();
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        let price = crate::cost::pool_cost(vs, k)
            .ok()
            .and_then(|c| c.purchase)
            .map_or(Usd::ZERO, |c| c.unit_price);
        for bought in &cx.buys[k.index()] {
            let b = &cx.plan.purchases[bought.index];
            let date = vs.date_at(Hours::from_raw(bought.ordered.max(0.0)));
            let levy = price * vs.order_effect(k, date).0.buyer_levy();
            let in_service = Hours::from_raw(cx.horizon)
                .saturating_sub(Hours::from_raw(bought.arrival.max(0.0)));
            let charge = crate::cost::capital_charge(
                price + levy,
                basis,
                p.life(),
                p.residual(),
                in_service,
            );
            let mut wrong = String::new();
            if b.accelerator != p.accelerator().name {
                let _ = write!(wrong, "; accelerator {} is not the pool's", b.accelerator);
            }
            for (what, reported, due) in [
                ("cost", b.cost_usd.get(), b.devices * (price + levy).get()),
                ("levy", b.levy_usd.get(), b.devices * levy.get()),
                (
                    "capital charge",
                    b.capital_charge_usd.get(),
                    b.devices * charge.get(),
                ),
            ] {
                if !close(reported, due) {
                    let _ = write!(wrong, "; {what} ${reported} is not ${due}");
                }
            }
            let arrives = bought.arrival / 24.0;
            if (b.arrives_day.get() - arrives).abs() > time_tol(arrives) {
                let _ = write!(
                    wrong,
                    "; arrival day {} is not {arrives}",
                    b.arrives_day.get()
                );
            }
            let needs = p.needs_justification_on(date);
            if b.needs_justification != needs {
                let _ = write!(
                    wrong,
                    "; justification {} is not {needs}",
                    b.needs_justification
                );
            }
            r.add(
                format!("summary.purchase[{}]", p.name()),
                wrong.is_empty(),
                {
                    let (devices, day) = (b.devices, b.ordered_day.get());
                    detail!("{devices} devices ordered on day {day:.2}{wrong}")
                },
            );
        }
    }
    // the periods are the scenario's
    let due: Vec<(f64, f64)> = vs
        .periods()
        .iter()
        .map(|&(a, b)| (a.get() / 24.0, b.get() / 24.0))
        .collect();
    let got: Vec<(f64, f64)> = cx
        .plan
        .periods
        .iter()
        .map(|q| (q.start_day.get(), q.end_day.get()))
        .collect();
    let same = due.len() == got.len()
        && due
            .iter()
            .zip(&got)
            .all(|(d, g)| close(d.0, g.0) && close(d.1, g.1));
    r.add(
        "summary.periods",
        same,
        format!(
            "{} periods reported, {} in the scenario",
            got.len(),
            due.len()
        ),
    );
}
