//! The device-limits family: a phase's least and most devices.
//!
//! ```text
//! max_devices[p]:    Σ_k g_k·train[p,k] ≤ max_p          (training)
//! max_devices[p,t]:  Σ_k g_pk·serve[p,k,t] ≤ max_p       (inference, per interval)
//! min_devices[p(,t)]: the same sums ≥ min_p
//! ```

use super::{ColId, Ctx, RowKind};
use std::collections::BTreeMap;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for ph in vs.phases() {
        let p = ph.id();
        let (mn, mx) = (ph.min_devices(), ph.max_devices());
        if mn.is_none() && mx.is_none() {
            continue;
        }
        type Group = (Option<usize>, Vec<(ColId, f64)>);
        let groups: Vec<Group> = if ph.kind().is_training() {
            vec![(
                None,
                cx.train_cols[p.index()]
                    .iter()
                    .map(|&(_, c, g, _)| (c, g))
                    .collect(),
            )]
        } else {
            let mut by_t: BTreeMap<usize, Vec<(ColId, f64)>> = BTreeMap::new();
            for &(t, c, g) in &cx.serve_cols[p.index()] {
                by_t.entry(t).or_default().push((c, g));
            }
            by_t.into_iter().map(|(t, v)| (Some(t), v)).collect()
        };
        for (t, entries) in groups {
            let at = t.map_or(String::new(), |t| format!(",{t}"));
            if let Some(m) = mx {
                let r = cx.add_row(
                    format!("max_devices[{}{at}]", ph.name()),
                    None,
                    Some(m as f64),
                    RowKind::PhaseMax {
                        phase: p,
                        interval: t,
                    },
                    format!("'{}' uses at most {m} devices", ph.name()),
                );
                cx.set_row(r, entries.iter().copied());
            }
            if let Some(m) = mn {
                let r = cx.add_row(
                    format!("min_devices[{}{at}]", ph.name()),
                    Some(m as f64),
                    None,
                    RowKind::PhaseMin {
                        phase: p,
                        interval: t,
                    },
                    format!("'{}' uses at least {m} devices", ph.name()),
                );
                cx.set_row(r, entries.iter().copied());
            }
        }
    }
}
