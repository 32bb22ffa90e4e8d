//! The domestic-share family.
//!
//! ```text
//! domestic[κ]:  Σ_{p of kind κ} Σ_k (dom_k − s_κ)·dh_pk·x_pk ≥ 0
//! ```
//!
//! i.e. domestic device-hours ≥ `s_κ` × all device-hours of phase kind
//! `κ`, where `dom_k` is 1 for a pool whose accelerator is domestic to the
//! fleet's jurisdiction and `dh_pk` the device-hours of one unit of the
//! column. The minimum is the rule in force at the scenario's start.

use super::{ColId, ColKind, Ctx, RowKind, id, kind_name};
use crate::workload::PhaseKind;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        let Some(min) = vs.domestic_share_min(kind, vs.start()) else {
            continue;
        };
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
                (vs.phase(ph).kind() == kind).then(|| {
                    let dh = c.device_hours();
                    (ColId(id(j)), dh * (f64::from(u8::from(c.domestic)) - s))
                })
            })
            .filter(|(_, v)| *v != 0.0)
            .collect();
        if entries.is_empty() {
            continue;
        }
        let r = cx.add_row(
            format!("domestic[{}]", kind_name(kind)),
            Some(0.0),
            None,
            RowKind::DomesticShare { kind, min },
            format!(
                "at least {:.0}% of {} device-hours on domestic accelerators",
                s * 100.0,
                kind_name(kind)
            ),
        );
        cx.set_row(r, entries);
    }
}
