//! The demand rows of every phase (work and serving families) and the
//! partial-demand columns of the most-served objective.
//!
//! ```text
//! served[p] ∈ [0, 1]   the fraction of phase p's demand met (most served)
//! ```
//!
//! Without partial demand every demand row reads `… ≥ 1`; with it,
//! `… − served[p] ≥ 0` and the first stage maximises `Σ served[p]`.

use super::{ColInfo, ColKind, Ctx, UnitCost, serving, work};
use crate::model::VarType;

/// `served[p]` for every phase, when the options ask for partial demand.
pub(super) fn served_columns(cx: &mut Ctx<'_>) {
    if !cx.opts.partial_demand {
        return;
    }
    let vs = cx.vs;
    for ph in vs.phases() {
        let c = cx.add_col(
            format!("served[{}]", ph.name()),
            Some(1.0),
            VarType::Continuous,
            ColInfo {
                kind: ColKind::Served { phase: ph.id() },
                unit: 0.0,
                hours: 0.0,
                domestic: false,
                cost: UnitCost::default(),
                share: 0.0,
            },
        );
        cx.served_col[ph.id().index()] = Some(c);
    }
}

/// Every phase's demand rows, in phase order.
pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for ph in vs.phases() {
        let p = ph.id();
        let lo = if cx.served_col[p.index()].is_some() {
            Some(0.0)
        } else {
            Some(1.0)
        };
        if ph.kind().is_training() {
            work::row(cx, p, lo);
        } else {
            serving::rows(cx, p, lo);
        }
    }
}
