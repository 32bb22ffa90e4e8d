//! The quotas family: licensed purchases within each licence's quota.
//!
//! ```text
//! quota[r]:  Σ_{k licensed by rule r} g_k·buy[k] ≤ quota_r
//! ```
//!
//! A pool is licensed by the export rule in force at the scenario's start.

use super::{ColId, Ctx, RowKind};
use crate::policy::RuleEffect;
use crate::scenario::RuleId;
use std::collections::BTreeMap;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    let mut quota: BTreeMap<usize, (u64, Vec<(ColId, f64)>)> = BTreeMap::new();
    for k in vs.pool_ids() {
        let Some(bc) = cx.buy_col[k.index()] else {
            continue;
        };
        if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) =
            vs.pool(k).effect_at_start()
        {
            let g = vs.pool(k).granularity().max(1) as f64;
            quota
                .entry(rule.index())
                .or_insert((q, Vec::new()))
                .1
                .push((bc, g));
        }
    }
    for (rule, (q, entries)) in quota {
        let accs: Vec<&str> = vs.rules()[rule]
            .accelerators
            .iter()
            .map(|a| vs.accelerator(*a).name.as_str())
            .collect();
        let r = cx.add_row(
            format!("quota[rule{rule}]"),
            None,
            Some(q as f64),
            RowKind::Quota {
                rule: RuleId::new(rule),
            },
            format!(
                "policy.rules[{rule}] licenses at most {q} {} devices",
                accs.join("/")
            ),
        );
        cx.set_row(r, entries);
    }
}
