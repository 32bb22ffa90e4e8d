//! The quotas family: licensed purchases within each licence's quota.
//!
//! ```text
//! quota[r]:     Σ_{(k,o) licensed by rule r} g_k·buy[k,o] ≤ quota_r         (quota_per = "horizon")
//! quota[r,q]:   Σ_{(k,o) licensed by rule r, o in period q} g_k·buy[k,o] ≤ quota_r   (quota_per = "period")
//! ```
//!
//! An order is licensed by the export rule in force on its order day.

use super::{ColId, Ctx, RowKind};
use crate::policy::{QuotaPer, RuleEffect};
use crate::scenario::RuleId;
use std::collections::BTreeMap;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    // (rule, period for a per-period quota) -> (quota, entries)
    type Licence = (usize, Option<usize>);
    let mut quota: BTreeMap<Licence, (u64, Vec<(ColId, f64)>)> = BTreeMap::new();
    for k in vs.pool_ids() {
        let g = vs.pool(k).granularity().max(1) as f64;
        for &(bc, i) in &cx.buy_cols[k.index()] {
            let o = cx.orders[k.index()][i];
            if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) = o.effect {
                let period = (vs.rules()[rule.index()].quota_per == QuotaPer::Period)
                    .then(|| vs.period_of(o.at));
                quota
                    .entry((rule.index(), period))
                    .or_insert((q, Vec::new()))
                    .1
                    .push((bc, g));
            }
        }
    }
    for ((rule, period), (q, entries)) in quota {
        let accs: Vec<&str> = vs.rules()[rule]
            .accelerators
            .iter()
            .map(|a| vs.accelerator(*a).name.as_str())
            .collect();
        let (name, when) = match period {
            Some(p) => (format!("quota[rule{rule},{p}]"), format!(" in period {p}")),
            None => (format!("quota[rule{rule}]"), String::new()),
        };
        let r = cx.add_row(
            name,
            None,
            Some(q as f64),
            RowKind::Quota {
                rule: RuleId::new(rule),
                period,
            },
            format!(
                "policy.rules[{rule}] licenses at most {q} {} devices{when}",
                accs.join("/")
            ),
        );
        cx.set_row(r, entries);
    }
}
