//! The purchases family: orders, deliveries and purchase limits.
//!
//! A purchasable pool `k` may order devices on each *order day* `o`: the
//! start, every period boundary, every day an export rule on its
//! accelerator starts or ends, the day it becomes available and every step
//! of its delivery schedule; an order is placed only while the rules in
//! force that day permit it and after the pool's `available_from`, and
//! only if it arrives (`o + lead_k`) before the horizon.
//!
//! ```text
//! buy[k,o] ≥ 0          units of g_k devices ordered on day o, arriving a_ko = o + lead_k
//! cost:                 g_k·charge(price_k + levy_ko, a_ko)
//! delivery[k,q]:        Σ_{o: a_ko in period q} g_k·buy[k,o] ≤ cap_kq      (delivery schedule)
//! buy_limit[k]:         Σ_o g_k·buy[k,o] ≤ max_k                           (several order days)
//! ```
//!
//! `levy_ko = price_k · ℓ · pass-through` under a licence in force on the
//! order day; `charge` is the cash under `[economics] capex = "cash"`, else
//! the straight-line depreciation from arrival to the horizon
//! ([`crate::cost::capital_charge`]). With a single order day the limit is
//! the column's bound and the column keeps the name `buy[k]`. The bought
//! devices join the pool's capacity from their arrival on (capacity
//! family).

use super::{ColId, ColInfo, ColKind, Ctx, RowKind, UnitCost, days};
use crate::cost::capital_charge;
use crate::policy::RuleEffect;
use crate::scenario::{CapexBasis, PoolId, RuleId, ValidatedScenario};
use crate::units::{Hours, Usd};
use std::collections::BTreeMap;

/// One day a pool may order devices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Order {
    /// When the order is placed, hours from the start.
    pub(super) at: Hours,
    /// When the devices arrive.
    pub(super) arrival: Hours,
    /// The export rules' effect on the order day, and the deciding rule.
    pub(super) effect: (RuleEffect, Option<RuleId>),
}

/// The order days of pool `k` (none unless purchasable), in time order;
/// `cuts` are extra order days (`CompileOptions::cuts`).
pub(super) fn orders(vs: &ValidatedScenario, k: PoolId, cuts: &[Hours]) -> Vec<Order> {
    let p = vs.pool(k);
    if !p.ownership().is_purchasable() {
        return Vec::new();
    }
    let horizon = vs.horizon().to_hours().get();
    let lead = p.lead_time().to_hours().get();
    let mut days: Vec<f64> = vec![0.0];
    days.extend(vs.periods().iter().map(|q| q.0.get()));
    for r in vs.rules() {
        if r.covers(p.accelerator_id()) && r.destination == p.site() {
            days.extend(r.from.iter().chain(r.until.iter()).map(|d| vs.hours_of(*d)));
        }
    }
    days.extend(p.available_from().map(|d| vs.hours_of(d)));
    days.extend(p.deliveries().iter().map(|d| vs.hours_of(d.from)));
    days.extend(cuts.iter().map(|h| h.get()));
    days.retain(|&o| o >= 0.0 && o + lead < horizon - 1e-9);
    days.sort_by(f64::total_cmp);
    days.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    days.into_iter()
        .filter_map(|o| {
            let at = Hours::from_raw(o);
            let effect = vs.order_effect(k, vs.date_at(at));
            effect.0.permits().then(|| Order {
                at,
                arrival: Hours::from_raw(o + lead),
                effect,
            })
        })
        .collect()
}

/// `buy[k,o]` for every purchasable pool and order day whose arrival period
/// can receive devices.
pub(super) fn columns(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        if cx.excluded(k) {
            continue;
        }
        let Some(price) = cx.pool_costs[k.index()].purchase.map(|b| b.unit_price) else {
            continue;
        };
        let g = p.granularity().max(1) as f64;
        let max_units = p.max_devices().map(|m| (m as f64 / g).floor());
        let single = cx.orders[k.index()].len() == 1;
        for (i, o) in cx.orders[k.index()].clone().into_iter().enumerate() {
            let cap = vs.delivery_cap(k, vs.date_at(period_start(vs, o.arrival)));
            if cap == Some(0) {
                continue;
            }
            let cost = buy_cost(vs, k, price, g, o.effect.0, o.arrival);
            let name = if single {
                format!("buy[{}]", p.name())
            } else {
                format!("buy[{},o{i}]", p.name())
            };
            let c = cx.add_col(
                name,
                if single { max_units } else { None },
                cx.vt,
                ColInfo {
                    kind: ColKind::Buy { pool: k },
                    unit: g,
                    hours: 0.0,
                    domestic: p.is_domestic(),
                    cost,
                    share: 0.0,
                    window: (o.at, o.arrival),
                },
            );
            cx.buy_cols[k.index()].push((c, i));
        }
    }
}

/// The cost of a unit of `g` devices of pool `k` at `price` each, ordered
/// under `effect` and arriving at `arrival`: cash price and levy, and the
/// capital charge the objective counts.
pub(super) fn buy_cost(
    vs: &ValidatedScenario,
    k: PoolId,
    price: Usd,
    g: f64,
    effect: RuleEffect,
    arrival: Hours,
) -> UnitCost {
    let p = vs.pool(k);
    let basis = vs.scenario().economics.capex_basis();
    let levy = price * effect.buyer_levy();
    let in_service = vs.horizon().to_hours().saturating_sub(arrival);
    let charge = capital_charge(price + levy, basis, p.life(), p.residual(), in_service);
    let (capex, levy) = (g * price.get(), g * levy.get());
    UnitCost {
        capex,
        levy,
        // cash: the two parts as paid (bit for bit their sum)
        capital: if basis == CapexBasis::Cash {
            capex + levy
        } else {
            g * charge.get()
        },
        ..UnitCost::default()
    }
}

/// The meaning of `buy_limit[k]` with limit `m`.
pub(super) fn buy_limit_meaning(vs: &ValidatedScenario, k: PoolId, m: u64) -> String {
    let p = vs.pool(k);
    format!(
        "at most {m} {} devices can be bought for '{}' over the horizon",
        p.accelerator().name,
        p.name()
    )
}

/// The start of the period containing `h`.
fn period_start(vs: &ValidatedScenario, h: Hours) -> Hours {
    let ps = vs.periods();
    ps.get(vs.period_of(h)).map_or(Hours::ZERO, |q| q.0)
}

/// The delivery rows (pools with a schedule) and the purchase limits of
/// pools with several order days.
pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for k in vs.pool_ids() {
        let buys = cx.buy_cols[k.index()].clone();
        if buys.is_empty() {
            continue;
        }
        let p = vs.pool(k);
        let g = p.granularity().max(1) as f64;
        // deliveries: per period of arrival
        if !p.deliveries().is_empty() {
            let mut by_period: BTreeMap<usize, Vec<(ColId, f64)>> = BTreeMap::new();
            for &(c, i) in &buys {
                let q = vs.period_of(cx.orders[k.index()][i].arrival);
                by_period.entry(q).or_default().push((c, g));
            }
            let periods = vs.periods();
            for (q, entries) in by_period {
                let (a, e) = periods[q];
                let Some(cap) = vs.delivery_cap(k, vs.date_at(a)) else {
                    continue;
                };
                let r = cx.add_row(
                    format!("delivery[{},{q}]", p.name()),
                    None,
                    Some(cap as f64),
                    RowKind::Delivery {
                        pool: k,
                        period: q,
                    },
                    format!(
                        "at most {cap} {} devices can arrive for '{}' in days {:.0}-{:.0} (delivery schedule)",
                        p.accelerator().name,
                        p.name(),
                        days(a),
                        days(e)
                    ),
                );
                cx.set_row(r, entries);
            }
        }
        if buys.len() > 1
            && let Some(m) = p.max_devices()
        {
            let r = cx.add_row(
                format!("buy_limit[{}]", p.name()),
                None,
                Some(m as f64),
                RowKind::BuyLimit { pool: k },
                buy_limit_meaning(vs, k, m),
            );
            cx.set_row(r, buys.iter().map(|&(c, _)| (c, g)));
        }
    }
}
