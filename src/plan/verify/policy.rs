//! Licence quotas and domestic shares.

use super::{Ctx, REL, VerifyReport, le};
use crate::policy::RuleEffect;
use crate::scenario::PoolId;
use crate::workload::PhaseKind;
use std::collections::BTreeMap;

/// Checks `quota[ruleN]`: devices bought under each licence with a quota
/// (the rule in force at the start) are within it.
pub(super) fn quotas(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let mut by_rule: BTreeMap<usize, (u64, f64)> = BTreeMap::new();
    for k in cx.vs.pool_ids() {
        if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) =
            cx.vs.pool(k).effect_at_start()
        {
            by_rule.entry(rule.index()).or_insert((q, 0.0)).1 += cx.bought[k.index()];
        }
    }
    for (rule, (q, n)) in by_rule {
        #[allow(clippy::cast_precision_loss)]
        let ok = le(n, q as f64);
        r.add(
            format!("quota[rule{rule}]"),
            ok,
            format!("{n} licensed devices bought of a quota of {q}"),
        );
    }
}

/// Checks `domestic_share[kind]`: domestic device-hours are at least the
/// minimum share (rules in force at the start) of all the kind's
/// device-hours in the schedule.
pub(super) fn domestic_shares(cx: &Ctx<'_>, r: &mut VerifyReport) {
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
            if is_domestic(cx, s.pool) {
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

fn is_domestic(cx: &Ctx<'_>, k: PoolId) -> bool {
    cx.vs.pool(k).is_domestic()
}
