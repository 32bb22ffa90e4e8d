//! Capacity: devices in use at every breakpoint ≤ what the pool has then.

use super::time::pieces;
use super::{Ctx, Detail, VerifyReport, detail, le, time_tol};
use crate::fleet::Ownership;
use crate::scenario::PoolRef;
use crate::units::Hours;

/// Devices pool `p` has at time `t` (hours): none while its devices may not
/// run (a rule on use, or for a rentable pool a rule on rentals, in force
/// then), else its available owned devices, its rental limit, or its
/// available bought devices that have arrived by `t`.
fn available(cx: &Ctx<'_>, p: &PoolRef<'_>, t: f64) -> f64 {
    if !cx
        .vs
        .usable_on(p.id(), cx.vs.date_at(Hours::from_raw(t.max(0.0))))
    {
        return 0.0;
    }
    let a = p.availability().get();
    #[allow(clippy::cast_precision_loss)]
    match p.ownership() {
        Ownership::Owned { .. } => a * p.owned_devices().map_or(0.0, |n| n as f64),
        Ownership::Rentable { .. } => p.max_devices().map_or(f64::INFINITY, |n| n as f64),
        Ownership::Purchasable { .. } => a * cx.arrived(p.id(), t),
    }
}

/// Checks `capacity[K]` for every pool.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let changes = &cx.changes;
    for p in cx.vs.pools() {
        let k = p.id();
        let items: Vec<(f64, f64, f64)> = cx
            .pool_slots(k)
            .map(|s| (s.from, s.to, s.devices))
            .collect();
        let mut cuts = vec![0.0, cx.arrival(k), cx.horizon];
        cuts.extend(cx.buys[k.index()].iter().map(|b| b.arrival));
        cuts.extend(changes.iter().copied());
        // (used, available, day) of the piece closest to (or furthest over)
        // its limit
        let mut worst: Option<(f64, f64, f64)> = None;
        let mut ok = true;
        for (a, b, used) in pieces(&items, &cuts, time_tol(cx.horizon)) {
            if used <= 0.0 {
                continue;
            }
            let cap = available(cx, &p, 0.5 * (a + b));
            ok &= le(used, cap);
            let slack = cap - used;
            if worst.is_none_or(|w| slack < w.1 - w.0) {
                worst = Some((used, cap, a / 24.0));
            }
        }
        r.add(
            format!("capacity[{}]", p.name()),
            ok,
            match worst {
                None => Detail::from("not used"),
                Some((used, cap, day)) => {
                    let why = if cap == 0.0 {
                        format!(
                            ": none then (not yet arrived, or a rule stops the {} then)",
                            p.accelerator().name
                        )
                    } else {
                        String::new()
                    };
                    detail!(
                        "tightest: {used:.6} devices used of {cap:.6} available (from day {day:.2}){why}"
                    )
                }
            },
        );
    }
}
