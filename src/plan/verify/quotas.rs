//! The quotas family: devices bought under a licence within its quota.

use super::{Ctx, VerifyReport, le};
use crate::policy::{QuotaPer, RuleEffect};
use crate::units::Hours;
use std::collections::BTreeMap;

/// Checks `quota[ruleN]` (and `quota[ruleN,q]` for a per-period quota):
/// the devices bought under each licence with a quota (the rule in force on
/// each order's day) are within it, over the horizon or in each period.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let vs = cx.vs;
    let mut by_rule: BTreeMap<(usize, Option<usize>), (u64, f64)> = BTreeMap::new();
    for k in vs.pool_ids() {
        for b in &cx.buys[k.index()] {
            let at = Hours::from_raw(b.ordered.max(0.0));
            if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) =
                vs.order_effect(k, vs.date_at(at))
            {
                let period = (vs.rules()[rule.index()].quota_per == QuotaPer::Period)
                    .then(|| vs.period_of(at));
                by_rule.entry((rule.index(), period)).or_insert((q, 0.0)).1 += b.devices;
            }
        }
    }
    for ((rule, period), (q, n)) in by_rule {
        #[allow(clippy::cast_precision_loss)]
        let ok = le(n, q as f64);
        let (name, when) = match period {
            Some(p) => (format!("quota[rule{rule},{p}]"), format!(" in period {p}")),
            None => (format!("quota[rule{rule}]"), String::new()),
        };
        r.add(
            name,
            ok,
            super::detail!("{n} licensed devices bought{when} of a quota of {q}"),
        );
    }
}
