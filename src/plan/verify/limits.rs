//! The device-limits family: a phase's least and most devices.

use super::time::pieces;
use super::{Ctx, VerifyReport, le, time_tol};
use crate::scenario::PhaseId;

/// `phase_devices[P]`: the phase's devices at any time stay within its
/// `max_devices`, and, where it runs, reach its `min_devices` (for a
/// training phase, whose pools may start at different times, at its peak).
pub(super) fn check(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) {
    let ph = cx.vs.phase(p);
    let (min, max) = (ph.min_devices(), ph.max_devices());
    if min.is_none() && max.is_none() {
        return;
    }
    let items: Vec<(f64, f64, f64)> = cx
        .phase_slots(p)
        .map(|s| (s.from, s.to, s.devices))
        .collect();
    let used: Vec<f64> = pieces(&items, &[], time_tol(cx.horizon))
        .into_iter()
        .map(|x| x.2)
        .filter(|&n| n > 0.0)
        .collect();
    let peak = used.iter().copied().fold(0.0, f64::max);
    let low = used.iter().copied().fold(f64::INFINITY, f64::min);
    let mut wrong = Vec::new();
    #[allow(clippy::cast_precision_loss)]
    if let Some(m) = max.map(|m| m as f64)
        && !le(peak, m)
    {
        wrong.push(format!("{peak} devices at once, above the maximum {m}"));
    }
    #[allow(clippy::cast_precision_loss)]
    if let Some(m) = min.map(|m| m as f64) {
        let least = if ph.kind().is_training() { peak } else { low };
        if !used.is_empty() && !le(m, least) {
            wrong.push(format!("{least} devices, below the minimum {m}"));
        }
    }
    r.add(
        format!("phase_devices[{}]", ph.name()),
        wrong.is_empty(),
        if wrong.is_empty() {
            super::detail!("{peak} devices at most; limits {min:?}-{max:?}")
        } else {
            wrong.join("; ").into()
        },
    );
}
