//! The quotas family: devices bought under a licence within its quota.

use super::{Ctx, VerifyReport, le};
use crate::policy::RuleEffect;
use std::collections::BTreeMap;

/// Checks `quota[ruleN]`: devices bought under each licence with a quota
/// (the rule in force at the start) are within it.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
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
