//! The budgets family: purchases (price and levy), rental and energy, and
//! everything, within the scenario's budgets, on the recomputed cost.

use super::cost::Costs;
use super::{Ctx, VerifyReport, le};

/// Checks `budget.capex`, `budget.opex` and `budget.total`.
pub(super) fn check(cx: &Ctx<'_>, c: &Costs, r: &mut VerifyReport) {
    let budget = &cx.vs.scenario().budget;
    for (name, limit, spent, what) in [
        (
            "budget.capex",
            budget.capex_usd,
            c.purchases,
            "purchases (price and levy)",
        ),
        (
            "budget.opex",
            budget.opex_usd,
            c.rental + c.energy + c.transfer,
            if c.transfer == 0.0 {
                "rental and energy"
            } else {
                "rental, energy and KV transfers"
            },
        ),
        (
            "budget.total",
            budget.total_usd,
            c.cash(),
            "everything (cash)",
        ),
    ] {
        if let Some(b) = limit {
            r.add(name, le(spent, b.get()), {
                let cap = b.get();
                super::detail!("{what}: ${spent:.2} of ${cap:.2}")
            });
        }
    }
}
