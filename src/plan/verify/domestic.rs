//! The domestic-shares family: over each window where one minimum is in
//! force (each period, when the scenario has periods), domestic
//! device-hours are at least the minimum share of a phase kind's
//! device-hours.

use super::{Ctx, VerifyReport, le, time_tol};
use crate::workload::PhaseKind;

/// Checks `domestic_share[kind]` (one check per window; named
/// `domestic_share[kind,dN]` after the day a window starts when there are
/// several).
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        let ws = cx.vs.domestic_share_windows(kind);
        let single = ws.len() == 1;
        for (from, to, min) in ws {
            let (from, to) = (from.get(), to.get());
            let (mut domestic, mut all) = (0.0, 0.0);
            for s in cx
                .slots
                .iter()
                .filter(|s| cx.vs.phase(s.phase).kind() == kind)
            {
                let overlap = (s.to.min(to) - s.from.max(from)).max(0.0);
                if overlap <= time_tol(to) {
                    continue;
                }
                let dh = s.devices * overlap;
                all += dh;
                if cx.vs.pool(s.pool).is_domestic() {
                    domestic += dh;
                }
            }
            let share = if all > 0.0 { domestic / all } else { 1.0 };
            let name = if single {
                format!("domestic_share[{}]", kind.as_str())
            } else {
                format!("domestic_share[{},d{:.0}]", kind.as_str(), from / 24.0)
            };
            r.add(
                name,
                le(min.get(), share),
                {
                    let (pct, d0, d1, least) =
                        (share * 100.0, from / 24.0, to / 24.0, min.get() * 100.0);
                    super::detail!(
                        "{pct:.4}% of {all:.6e} device-hours on domestic accelerators in days {d0:.1}-{d1:.1} (minimum {least:.1}%)"
                    )
                },
            );
        }
    }
}
