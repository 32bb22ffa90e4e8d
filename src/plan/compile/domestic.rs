//! The domestic-share family.
//!
//! ```text
//! domestic[κ,w]:  Σ_{p of kind κ} Σ_j (dom_j − s_κw)·g_j·|window_j ∩ w|·x_j ≥ 0
//! ```
//!
//! i.e. over each window `w`, domestic device-hours ≥ `s_κw` × all
//! device-hours of phase kind `κ`, where `dom_j` is 1 for a column of a
//! pool whose accelerator is domestic to the fleet's jurisdiction and
//! `|window_j ∩ w|` the hours the column's devices are held inside `w`. A
//! window is a stretch of time over which one minimum is in force, cut at
//! period boundaries when the scenario has periods (each period meets the
//! share on its own); without periods or changes, one row `domestic[κ]`
//! over the horizon.

use super::{ColId, ColKind, Ctx, RowKind, days, id, kind_name};
use crate::workload::PhaseKind;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        let ws = vs.domestic_share_windows(kind);
        let single = ws.len() == 1;
        for (from, to, min) in ws {
            let s = min.get();
            let entries: Vec<(ColId, f64)> = cx
                .cols
                .iter()
                .enumerate()
                .filter_map(|(j, c)| {
                    let ph = match c.kind {
                        ColKind::Train { phase, .. } | ColKind::Serve { phase, .. } => phase,
                        _ => return None,
                    };
                    if vs.phase(ph).kind() != kind {
                        return None;
                    }
                    let dh = c.device_hours_in((from, to));
                    Some((ColId(id(j)), dh * (f64::from(u8::from(c.domestic)) - s)))
                })
                .filter(|(_, v)| *v != 0.0)
                .collect();
            if entries.is_empty() {
                continue;
            }
            let (name, when) = if single {
                (format!("domestic[{}]", kind_name(kind)), String::new())
            } else {
                (
                    format!("domestic[{},d{:.0}]", kind_name(kind), days(from)),
                    format!(" in days {:.0}-{:.0}", days(from), days(to)),
                )
            };
            let r = cx.add_row(
                name,
                Some(0.0),
                None,
                RowKind::DomesticShare {
                    kind,
                    min,
                    window: (from, to),
                },
                format!(
                    "at least {:.0}% of {} device-hours on domestic accelerators{when}",
                    s * 100.0,
                    kind_name(kind)
                ),
            );
            cx.set_row(r, entries);
        }
    }
}
