//! The cost, recomputed part by part from the schedule and purchases.

use super::{Ctx, VerifyReport, close, listed};
use crate::cost::{PoolCost, pool_cost};

/// The plan's cost recomputed from its schedule and purchases, USD.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Costs {
    /// Purchase prices and amortised capex of owned devices.
    pub capex: f64,
    /// Rentals.
    pub rental: f64,
    /// Electricity.
    pub energy: f64,
    /// Levies borne.
    pub levy: f64,
    /// Purchases alone: prices and levies (what the capex budget limits).
    pub purchases: f64,
}

impl Costs {
    pub fn total(&self) -> f64 {
        self.capex + self.rental + self.energy + self.levy
    }
}

/// Checks `cost.capex`, `cost.rental`, `cost.energy`, `cost.levy` and
/// `cost`; returns the recomputed cost.
pub(super) fn check(cx: &Ctx<'_>, r: &mut VerifyReport) -> Costs {
    let vs = cx.vs;
    let mut gaps = Vec::new();
    let rates: Vec<Option<PoolCost>> = vs
        .pool_ids()
        .map(|k| match pool_cost(vs, k) {
            Ok(c) => Some(c),
            Err(g) => {
                if !cx.by_pool[k.index()].is_empty() || cx.bought[k.index()] != 0.0 {
                    gaps.push(format!("pool '{}': {g}", vs.pool(k).name()));
                }
                None
            }
        })
        .collect();
    let mut c = Costs::default();
    for s in &cx.slots {
        let Some(pc) = &rates[s.pool.index()] else {
            continue;
        };
        let dh = s.device_hours();
        let h = &pc.per_device_hour;
        c.capex += dh * h.capex.get();
        c.rental += dh * h.rental.get();
        c.energy += dh * h.energy.get();
        c.levy += dh * h.levy.get();
    }
    for k in vs.pool_ids() {
        let n = cx.bought[k.index()];
        if let Some(buy) = rates[k.index()].as_ref().and_then(|pc| pc.purchase) {
            c.capex += n * buy.unit_price.get();
            c.levy += n * buy.levy.get();
            c.purchases += n * buy.total().get();
        }
    }

    let rep = &cx.plan.cost;
    let gap_note = if gaps.is_empty() {
        String::new()
    } else {
        format!("; costs unknown: {}", listed(&gaps, 3))
    };
    for (name, reported, recomputed) in [
        ("cost.capex", rep.capex_usd.get(), c.capex),
        ("cost.rental", rep.rental_usd.get(), c.rental),
        ("cost.energy", rep.energy_usd.get(), c.energy),
        ("cost.levy", rep.levy_usd.get(), c.levy),
    ] {
        r.add(
            name,
            close(reported, recomputed) && gaps.is_empty(),
            format!("reported ${reported:.2}, recomputed ${recomputed:.2}{gap_note}"),
        );
    }
    let total = c.total();
    let reported = rep.total_usd.get();
    let parts =
        rep.capex_usd.get() + rep.rental_usd.get() + rep.energy_usd.get() + rep.levy_usd.get();
    r.add(
        "cost",
        close(reported, total) && close(reported, parts) && gaps.is_empty(),
        format!(
            "reported total ${reported:.2}, recomputed ${total:.2}, sum of the reported parts ${parts:.2}{gap_note}"
        ),
    );

    c
}
