//! The serving family: the daily demand of an inference phase covered at every time
//! of its window.

use super::demand::required;
use super::time::pieces;
use super::{Ctx, PhaseFigures, REL, VerifyReport, time_tol};
use crate::perf::PairRate;
use crate::scenario::PhaseId;

/// Checks `demand[P]` of an inference phase: at every time of the window,
/// the slots in their earning windows serve at least the required fraction
/// of the daily demand (an inference rate per device does not depend on the
/// device count: replicas are independent).
pub(super) fn demand(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) -> PhaseFigures {
    let name = cx.vs.phase(p).name();
    let (start, end) = cx.window(p);
    let items: Vec<(f64, f64, f64)> = cx
        .phase_slots(p)
        .filter_map(|s| {
            let share = match cx.perf.pair_at_devices(p, s.pool, s.devices) {
                Ok(PairRate::Inference(i)) => i.share_per_device,
                _ => return None,
            };
            let (lo, hi) = cx.earning(p, s.pool);
            Some((s.from.max(lo), s.to.min(hi), share * s.devices))
        })
        .collect();
    let mut least = f64::INFINITY;
    let mut at = start;
    for (a, b, served) in pieces(&items, &[start, end], time_tol(end)) {
        if a >= start - time_tol(start) && b <= end + time_tol(end) && served < least {
            least = served;
            at = a;
        }
    }
    // a valid scenario's window is never empty; if it were, nothing is served
    let least = if least.is_finite() { least } else { 0.0 };
    let need = required(cx, p);
    r.add(
        format!("demand[{name}]"),
        least >= need - REL,
        format!(
            "at least {:.6}% of the daily demand served at every time of the window (least from day {:.2}; {:.6}% required)",
            100.0 * least,
            at / 24.0,
            100.0 * need
        ),
    );
    PhaseFigures {
        met_linearised: least,
        met_true: least,
        segments: Vec::new(),
    }
}
