//! The domestic-shares family: domestic device-hours at least the minimum
//! share of a phase kind's device-hours.

use super::{Ctx, REL, VerifyReport};
use crate::workload::PhaseKind;

/// Checks `domestic_share[kind]`: domestic device-hours are at least the
/// minimum share (rules in force at the start) of all the kind's
/// device-hours in the schedule.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        let Some(min) = cx.vs.domestic_share_min(kind, cx.vs.start()) else {
            continue;
        };
        let (mut domestic, mut all) = (0.0, 0.0);
        for s in cx
            .slots
            .iter()
            .filter(|s| cx.vs.phase(s.phase).kind() == kind)
        {
            let dh = s.device_hours();
            all += dh;
            if cx.vs.pool(s.pool).is_domestic() {
                domestic += dh;
            }
        }
        let share = if all > 0.0 { domestic / all } else { 1.0 };
        r.add(
            format!("domestic_share[{}]", kind.as_str()),
            share >= min.get() - REL,
            format!(
                "{:.4}% of {all:.6e} device-hours on domestic accelerators (minimum {:.1}%)",
                share * 100.0,
                min.get() * 100.0
            ),
        );
    }
}
