//! Windows and eligibility, shared by the work and serving families: a
//! slot may not start before its phase's start (release) or before its
//! pool's devices arrive, and its pool must be able to run the phase.

use super::{Ctx, VerifyReport, listed, time_tol};
use crate::perf::Unfit;
use crate::scenario::PhaseId;

/// Checks `window[P]` (no slot before the phase's start or its pool's
/// arrival) and `eligible[P]` (every pool used may run the phase).
pub(super) fn check(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) {
    let ph = cx.vs.phase(p);
    let (start, end) = cx.window(p);
    let mut early = Vec::new();
    let mut late_hours = 0.0;
    let mut unfit = Vec::new();
    for s in cx.phase_slots(p) {
        let arrival = cx.arrival(s.pool);
        if s.devices > 0.0 && s.from < start - time_tol(start) {
            early.push(format!(
                "{} starts before the phase's start (hour {start})",
                cx.slot_label(s)
            ));
        } else if s.devices > 0.0 && s.from < arrival - time_tol(arrival) {
            early.push(format!(
                "{} starts before the pool's devices arrive (hour {arrival})",
                cx.slot_label(s)
            ));
        }
        late_hours += s.devices * (s.to - s.from.max(end)).max(0.0);
        if s.devices > 0.0
            && let Err(u) = cx.perf.pair_at_devices(p, s.pool, s.devices.max(1.0))
            && !matches!(u, Unfit::CannotFinish)
        {
            unfit.push(format!("'{}': {u}", cx.vs.pool(s.pool).name()));
        }
    }
    unfit.dedup();
    r.add(
        format!("window[{}]", ph.name()),
        early.is_empty(),
        if early.is_empty() {
            super::detail!(
                "every slot starts within the window (hours {start}-{end}) and after its devices arrive; {late_hours:.6} device-hours after its end earn nothing"
            )
        } else {
            listed(&early, 3).into()
        },
    );
    r.add(
        format!("eligible[{}]", ph.name()),
        unfit.is_empty(),
        if unfit.is_empty() {
            super::Detail::from("every pool the phase uses may run it")
        } else {
            format!("pools that cannot run it: {}", listed(&unfit, 3)).into()
        },
    );
}
