//! The work family: training phases' work, at the slots' own device
//! counts, by their deadlines.

use super::demand::required;
use super::time::pieces;
use super::{Ctx, PhaseFigures, VerifyReport, time_tol};
use crate::perf::PairRate;
use crate::scenario::{PhaseId, PoolId};
use crate::units::Hours;
use std::collections::BTreeMap;

/// Share of the work per device-hour of a job of `n` devices (zero when the
/// pool cannot run the phase, which `eligible[P]` reports).
fn true_rate(cx: &Ctx<'_>, p: PhaseId, k: PoolId, n: f64) -> f64 {
    match cx.perf.pair_at_devices(p, k, n) {
        Ok(PairRate::Training(t)) => t.share_per_device_hour,
        _ => 0.0,
    }
}

/// The planner's window that holds a slot starting at `from` on pool `k`:
/// from the latest of the phase's start, the arrivals of the pool's
/// purchases, `from` itself when devices ordered on a permitted day could
/// arrive then, the phase's run failures, and the times its devices become
/// usable again that is not after `from`, to the phase's deadline (for a phase whose deadline a
/// makespan objective sets, the slot's end) or the next time its devices
/// stop being usable (the compiler's training windows,
/// `plan::compile::work`).
fn planner_window(cx: &Ctx<'_>, p: PhaseId, k: PoolId, from: f64, to: f64) -> (f64, f64) {
    let vs = cx.vs;
    let (s0, end) = cx.window(p);
    // a makespan phase's deadline is the plan's own (its slots end there)
    let end = if cx.makespan[p.index()] { to } else { end };
    let usable = |t: f64| vs.usable_on(k, vs.date_at(Hours::from_raw(t.max(0.0))));
    let changes = &cx.changes;
    let mut start = s0;
    // a run may start whenever devices ordered on a day the rules permit
    // could arrive, bought or not (the planner's windows start at every
    // possible arrival of the pool's orders)
    let pool = vs.pool(k);
    let lead = pool.lead_time().to_hours().get();
    let arrival_possible = pool.ownership().is_purchasable()
        && from - lead >= -time_tol(0.0)
        && from < cx.horizon - time_tol(cx.horizon)
        && vs
            .order_effect(k, vs.date_at(Hours::from_raw((from - lead).max(0.0))))
            .0
            .permits();
    for t in cx.buys[k.index()]
        .iter()
        .map(|b| b.arrival)
        .chain(arrival_possible.then_some(from))
        .chain(vs.failure_starts(p).iter().map(|h| h.get()))
        .chain(
            changes
                .iter()
                .copied()
                .filter(|&t| usable(t) && !usable(t - 1e-3)),
        )
    {
        if t <= from + time_tol(from) && t > start {
            start = t;
        }
    }
    let stop = changes
        .iter()
        .copied()
        .find(|&t| t > start + time_tol(start) && !usable(t))
        .unwrap_or(end);
    (start, end.min(stop))
}

/// The planner's linearised share per device-hour for a slot held over
/// `[from, to)` (module docs): the rate at the job size the pool would need to
/// do the whole work alone in the planner's window that holds the slot.
fn linearised_rate(cx: &Ctx<'_>, p: PhaseId, k: PoolId, from: f64, to: f64) -> f64 {
    let (a, b) = planner_window(cx, p, k, from, to);
    match cx.perf.pair_window(
        p,
        k,
        Hours::from_raw(a.max(0.0)),
        Hours::from_raw(b.max(0.0)),
    ) {
        Ok(PairRate::Training(t)) => t.share_per_device_hour,
        _ => 0.0,
    }
}

/// Checks `demand[P]` of a training phase: the work done within the earning
/// windows at the slots' device counts (none by a run that failed), with a warning when only the
/// planner's linearisation meets the demand.
pub(super) fn demand(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) -> PhaseFigures {
    let name = cx.vs.phase(p).name();
    let (_, end) = cx.window(p);
    let mut by_pool: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    let mut f = PhaseFigures::default();
    for s in cx.phase_slots(p) {
        let (lo, hi) = cx.earning(p, s.pool);
        let (a, b) = (s.from.max(lo), s.to.min(hi));
        // a failed run's work is lost (workload::RunFailure)
        if b <= a || s.devices <= 0.0 || cx.vs.run_fails(p, s.pool, s.from, s.to).is_some() {
            continue;
        }
        by_pool
            .entry(s.pool.index())
            .or_default()
            .push((a, b, s.devices));
        let rate = s.devices * linearised_rate(cx, p, s.pool, s.from, s.to.min(end));
        f.met_linearised += rate * (b - a);
        f.segments.push((a, b, rate));
    }
    // the job on a pool at any time is all the phase's devices there
    for (k, items) in by_pool {
        for (a, b, n) in pieces(&items, &[], 0.0) {
            if n > 0.0 {
                f.met_true += n * true_rate(cx, p, PoolId::new(k), n) * (b - a);
            }
        }
    }
    let need = required(cx, p) - super::REL;
    let (t, l) = (f.met_true, f.met_linearised);
    let detail = {
        let (tp, lp, np) = (100.0 * t, 100.0 * l, 100.0 * (need + super::REL));
        super::detail!(
            "{tp:.6}% of the work done by the deadline at the slots' device counts ({lp:.6}% under the planner's linearisation; {np:.6}% required)"
        )
    };
    let ok = t >= need || l >= need;
    if ok && t < need {
        let diff = if l > 0.0 { (l - t) / l } else { 0.0 };
        r.warn(
            format!("demand[{name}]"),
            format!(
                "met only under the planner's linearisation: at the slots' device counts the model gives {:.6}% of the work, {:.4}% less than the {:.6}% linearised",
                100.0 * t,
                100.0 * diff,
                100.0 * l
            ),
            diff,
        );
    }
    r.add(format!("demand[{name}]"), ok, detail);
    f
}
