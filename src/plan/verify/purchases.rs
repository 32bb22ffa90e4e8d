//! Purchases: purchasable, permitted, within limits, in whole units.

use super::{Ctx, VerifyReport, le, whole};
use crate::policy::RuleEffect;
use crate::scenario::PoolId;

/// Checks `purchase[K]` for every pool the plan buys for.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) {
    let vs = cx.vs;
    let mut entries: Vec<Vec<f64>> = vec![Vec::new(); vs.pool_ids().len()];
    for b in &cx.plan.purchases {
        if let Some(k) = vs.pool_by_name(&b.pool) {
            entries[k.index()].push(b.devices);
        }
    }
    for (k, list) in entries.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let p = vs.pool(PoolId::new(k));
        let n = cx.bought[k];
        let mut wrong = Vec::new();
        if let Some(bad) = list.iter().find(|d| !(d.is_finite() && **d >= 0.0)) {
            wrong.push(format!("a purchase of {bad} devices"));
        }
        let buys = n > 0.0;
        if buys && !p.ownership().is_purchasable() {
            wrong.push("the pool is not purchasable".to_owned());
        }
        if buys && matches!(p.effect_at_start().0, RuleEffect::Prohibited) {
            wrong.push(format!(
                "an export rule prohibits the {} at the start",
                p.accelerator().name
            ));
        }
        if let Some(m) = p.max_devices().filter(|_| p.ownership().is_purchasable()) {
            #[allow(clippy::cast_precision_loss)]
            let m = m as f64;
            if !le(n, m) {
                wrong.push(format!("above the pool's limit of {m}"));
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let g = p.granularity().max(1) as f64;
        if cx.plan.whole_devices && !whole(n, g) {
            wrong.push(format!("not a whole number of units of {g} devices"));
        }
        r.add(
            format!("purchase[{}]", p.name()),
            wrong.is_empty(),
            if wrong.is_empty() {
                format!("{n} devices bought")
            } else {
                format!("{n} devices bought: {}", wrong.join("; "))
            },
        );
    }
}
