//! Capacity: devices in use at every breakpoint ≤ what the pool has then.

use super::time::pieces;
use super::{Ctx, VerifyReport, le, time_tol};
use crate::fleet::Ownership;
use crate::policy::RuleEffect;
use crate::scenario::PoolRef;

/// Devices pool `p` has at time `t` (hours), with `bought` devices bought.
fn available(cx: &Ctx<'_>, p: &PoolRef<'_>, bought: f64, t: f64) -> f64 {
    let a = p.availability().get();
    #[allow(clippy::cast_precision_loss)]
    match p.ownership() {
        Ownership::Owned { .. } => a * p.owned_devices().map_or(0.0, |n| n as f64),
        Ownership::Rentable { .. } => p.max_devices().map_or(f64::INFINITY, |n| n as f64),
        Ownership::Purchasable { .. } => {
            if t >= cx.arrival(p.id()) - time_tol(t) {
                a * bought
            } else {
                0.0
            }
        }
    }
}

/// Checks `capacity[K]` for every pool.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    for p in cx.vs.pools() {
        let k = p.id();
        let items: Vec<(f64, f64, f64)> = cx
            .pool_slots(k)
            .map(|s| (s.from, s.to, s.devices))
            .collect();
        let cuts = [0.0, cx.arrival(k), cx.horizon];
        let bought = cx.bought[k.index()];
        // (used, available, day) of the piece closest to (or furthest over)
        // its limit
        let mut worst: Option<(f64, f64, f64)> = None;
        let mut ok = true;
        for (a, b, used) in pieces(&items, &cuts, time_tol(cx.horizon)) {
            if used <= 0.0 {
                continue;
            }
            let mid = 0.5 * (a + b);
            let cap = available(cx, &p, bought, mid);
            ok &= le(used, cap);
            let slack = cap - used;
            if worst.is_none_or(|w| slack < w.1 - w.0) {
                worst = Some((used, cap, a / 24.0));
            }
        }
        let prohibited_new = !p.ownership().is_owned()
            && matches!(p.effect_at_start().0, RuleEffect::Prohibited)
            && cx.pool_slots(k).any(|s| s.devices > 0.0);
        let detail = match worst {
            None => "not used".to_owned(),
            Some((used, cap, day)) => format!(
                "tightest: {used:.6} devices used of {cap:.6} available (from day {day:.2})"
            ),
        };
        r.add(
            format!("capacity[{}]", p.name()),
            ok && !prohibited_new,
            if prohibited_new {
                format!(
                    "{detail}; uses new {} devices, which an export rule prohibits",
                    p.accelerator().name
                )
            } else {
                detail
            },
        );
    }
}
