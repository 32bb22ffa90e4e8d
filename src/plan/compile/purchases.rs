//! The purchases family.
//!
//! ```text
//! buy[k] ∈ [0, ⌊max_k / g_k⌋]   units of g_k devices bought for purchasable pool k
//! cost:   g_k·(price_k + levy_k)   levy_k = price_k · ℓ · pass-through
//! ```
//!
//! under the export rule in force at the scenario's start: a prohibited
//! accelerator gets no column, a licensed one carries the levy the buyer
//! bears. The bought devices join the pool's capacity from its arrival on
//! (capacity family).

use super::{ColInfo, ColKind, Ctx, UnitCost};
use crate::policy::RuleEffect;

pub(super) fn columns(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        if cx.excluded(k) || !p.ownership().is_purchasable() {
            continue;
        }
        if matches!(p.effect_at_start().0, RuleEffect::Prohibited) {
            continue;
        }
        let g = p.granularity().max(1) as f64;
        let Some(buy) = cx.pool_costs[k.index()].purchase else {
            continue;
        };
        let cost = UnitCost {
            capex: g * buy.unit_price.get(),
            levy: g * buy.levy.get(),
            ..UnitCost::default()
        };
        let upper = p.max_devices().map(|m| (m as f64 / g).floor());
        let c = cx.add_col(
            format!("buy[{}]", p.name()),
            upper,
            cx.vt,
            ColInfo {
                kind: ColKind::Buy { pool: k },
                unit: g,
                hours: 0.0,
                domestic: p.is_domestic(),
                cost,
                share: 0.0,
            },
        );
        cx.buy_col[k.index()] = Some(c);
    }
}
