//! The cost, recomputed part by part from the schedule and purchases.

use super::{Ctx, VerifyReport, close, detail, listed};
use crate::cost::{PoolCost, capital_charge, pool_cost};
use crate::units::Hours;

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
    /// What the plan is charged for capex and levy: the cash under
    /// `[economics] capex = "cash"`, the depreciation inside the horizon
    /// otherwise (plus owned devices' amortised capex either way).
    pub capital: f64,
    /// Moving KV cache between pools (disaggregated serving).
    pub transfer: f64,
}

impl Costs {
    /// What the objective counts: capital charge, rental, energy and
    /// transfers.
    pub fn total(&self) -> f64 {
        self.capital + self.rental + self.energy + self.transfer
    }

    /// Cash: capex, levy, rental, energy and transfers (what budgets
    /// limit).
    pub fn cash(&self) -> f64 {
        self.capex + self.levy + self.rental + self.energy + self.transfer
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
        c.capital += dh * h.capex.get();
        c.rental += dh * h.rental.get();
        c.energy += dh * h.energy.get();
        c.levy += dh * h.levy.get();
    }
    let basis = vs.scenario().economics.capex_basis();
    let horizon = Hours::from_raw(cx.horizon);
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        let Some(price) = rates[k.index()]
            .as_ref()
            .and_then(|pc| pc.purchase)
            .map(|b| b.unit_price)
        else {
            continue;
        };
        for b in &cx.buys[k.index()] {
            // the levy of the licence in force on the order's day
            let effect = vs.order_effect(k, vs.date_at(Hours::from_raw(b.ordered.max(0.0))));
            let levy = price * effect.0.buyer_levy();
            let in_service = horizon.saturating_sub(Hours::from_raw(b.arrival.max(0.0)));
            let charge = capital_charge(price + levy, basis, p.life(), p.residual(), in_service);
            c.capex += b.devices * price.get();
            c.levy += b.devices * levy.get();
            c.purchases += b.devices * (price + levy).get();
            c.capital += b.devices * charge.get();
        }
    }

    c.transfer = super::serving::transfer_cost(cx, r);

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
        (
            "cost.capital_charge",
            rep.capital_charge_usd.get(),
            c.capital,
        ),
    ] {
        r.add(name, close(reported, recomputed) && gaps.is_empty(), {
            let gap_note = gap_note.clone();
            detail!("reported ${reported:.2}, recomputed ${recomputed:.2}{gap_note}")
        });
    }
    // KV transfers: checked when the scenario or the plan has any (a plan
    // without them reports the same checks, byte for byte, as before)
    let transfers = rep.transfer_usd.get() != 0.0
        || c.transfer != 0.0
        || !cx.plan.kv_transfers.is_empty()
        || vs.phases().any(|ph| ph.spec().disaggregation.is_some());
    if transfers {
        let (reported, recomputed) = (rep.transfer_usd.get(), c.transfer);
        r.add(
            "cost.transfer",
            close(reported, recomputed),
            detail!("reported ${reported:.2}, recomputed ${recomputed:.2}"),
        );
    }
    let total = c.total();
    let reported = rep.total_usd.get();
    let parts = rep.capital_charge_usd.get()
        + rep.rental_usd.get()
        + rep.energy_usd.get()
        + rep.transfer_usd.get();
    r.add(
        "cost",
        close(reported, total) && close(reported, parts) && gaps.is_empty(),
        {
            let plus = if transfers { " + transfer" } else { "" };
            detail!(
                "reported total ${reported:.2}, recomputed ${total:.2}, reported capital charge + rental + energy{plus} ${parts:.2}{gap_note}"
            )
        },
    );

    c
}
