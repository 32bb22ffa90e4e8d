//! Purchases: purchasable, ordered on a day the rules in force permit,
//! arriving before the horizon, within the pool's limit and delivery
//! schedule, in whole units.

use super::{Ctx, VerifyReport, le, listed, time_tol, whole};
use crate::scenario::PoolId;
use crate::units::Hours;
use std::collections::BTreeMap;

/// Checks `purchase[K]` for every pool the plan buys for, and
/// `delivery[K]` for every pool with a delivery schedule that buys.
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
        let kid = PoolId::new(k);
        let p = vs.pool(kid);
        let n = cx.bought[k];
        let mut wrong = Vec::new();
        if let Some(bad) = list.iter().find(|d| !(d.is_finite() && **d >= 0.0)) {
            wrong.push(format!("a purchase of {bad} devices"));
        }
        let buys = n > 0.0;
        if buys && !p.ownership().is_purchasable() {
            wrong.push("the pool is not purchasable".to_owned());
        }
        #[allow(clippy::cast_precision_loss)]
        let g = p.granularity().max(1) as f64;
        for b in cx.buys[k].iter().filter(|b| b.devices > 0.0) {
            let day = b.ordered / 24.0;
            if !(b.ordered >= -time_tol(0.0) && b.ordered < cx.horizon) {
                wrong.push(format!("an order on day {day}, outside the horizon"));
                continue;
            }
            let date = vs.date_at(Hours::from_raw(b.ordered.max(0.0)));
            if !vs.order_effect(kid, date).0.permits() {
                wrong.push(match p.available_from().filter(|a| date < *a) {
                    Some(a) => format!(
                        "an order on day {day:.2} ({date}), before the {} can be had ({a})",
                        p.accelerator().name
                    ),
                    None => format!(
                        "an order on day {day:.2} ({date}), when an export rule prohibits the {}",
                        p.accelerator().name
                    ),
                });
            }
            if b.arrival >= cx.horizon - time_tol(cx.horizon) {
                wrong.push(format!(
                    "an order on day {day:.2} that arrives after the horizon"
                ));
            }
            if cx.plan.whole_devices && !whole(b.devices, g) {
                wrong.push(format!(
                    "{} devices ordered on day {day:.2}: not a whole number of units of {g} devices",
                    b.devices
                ));
            }
        }
        if let Some(m) = p.max_devices().filter(|_| p.ownership().is_purchasable()) {
            #[allow(clippy::cast_precision_loss)]
            let m = m as f64;
            if !le(n, m) {
                wrong.push(format!("above the pool's limit of {m}"));
            }
        }
        r.add(
            format!("purchase[{}]", p.name()),
            wrong.is_empty(),
            if wrong.is_empty() {
                let orders = cx.buys[k].len();
                super::detail!("{n} devices bought in {orders} orders")
            } else {
                format!("{n} devices bought: {}", listed(&wrong, 3)).into()
            },
        );
        deliveries(cx, kid, r);
    }
}

/// Checks `delivery[K]`: the devices arriving in each period are within
/// the delivery schedule's cap for that period.
fn deliveries(cx: &Ctx<'_>, k: PoolId, r: &mut VerifyReport) {
    let vs = cx.vs;
    let p = vs.pool(k);
    if p.deliveries().is_empty() {
        return;
    }
    let periods = vs.periods();
    let mut by_period: BTreeMap<usize, f64> = BTreeMap::new();
    for b in &cx.buys[k.index()] {
        *by_period
            .entry(vs.period_of(Hours::from_raw(b.arrival.max(0.0))))
            .or_insert(0.0) += b.devices;
    }
    let mut wrong = Vec::new();
    for (&q, &n) in &by_period {
        let Some(&(a, _)) = periods.get(q) else {
            continue;
        };
        let cap = vs.delivery_cap(k, vs.date_at(a)).unwrap_or(u64::MAX);
        #[allow(clippy::cast_precision_loss)]
        if !le(n, cap as f64) {
            wrong.push(format!(
                "{n} devices arrive in period {q} (from day {:.0}), the schedule allows {cap}",
                a.get() / 24.0
            ));
        }
    }
    r.add(
        format!("delivery[{}]", p.name()),
        wrong.is_empty(),
        if wrong.is_empty() {
            let periods = by_period.len();
            super::detail!("arrivals in {periods} periods within the delivery schedule")
        } else {
            listed(&wrong, 3).into()
        },
    );
}
