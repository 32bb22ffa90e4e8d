//! The work family: training phases' work, at the slots' own device
//! counts, by their deadlines.

use super::demand::required;
use super::time::pieces;
use super::{Ctx, PhaseFigures, VerifyReport};
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

/// The planner's linearised share per device-hour for a slot ending at
/// `end` (module docs).
fn linearised_rate(cx: &Ctx<'_>, p: PhaseId, k: PoolId, end: f64) -> f64 {
    match cx.perf.pair_until(p, k, Hours::from_raw(end)) {
        Ok(PairRate::Training(t)) => t.share_per_device_hour,
        _ => 0.0,
    }
}

/// Checks `demand[P]` of a training phase: the work done within the earning
/// windows at the slots' device counts, with a warning when only the
/// planner's linearisation meets the demand.
pub(super) fn demand(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) -> PhaseFigures {
    let name = cx.vs.phase(p).name();
    let (_, end) = cx.window(p);
    let mut by_pool: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    let mut f = PhaseFigures::default();
    for s in cx.phase_slots(p) {
        let (lo, hi) = cx.earning(p, s.pool);
        let (a, b) = (s.from.max(lo), s.to.min(hi));
        if b <= a || s.devices <= 0.0 {
            continue;
        }
        by_pool
            .entry(s.pool.index())
            .or_default()
            .push((a, b, s.devices));
        let rate = s.devices * linearised_rate(cx, p, s.pool, s.to.min(end));
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
    let detail = format!(
        "{:.6}% of the work done by the deadline at the slots' device counts ({:.6}% under the planner's linearisation; {:.6}% required)",
        100.0 * t,
        100.0 * l,
        100.0 * (need + super::REL)
    );
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
