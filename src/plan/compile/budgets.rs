//! The budgets family.
//!
//! ```text
//! budget.capex:  Σ_k g_k·(price_k + levy_k)·buy[k] ≤ B_capex
//! budget.opex:   Σ_j (rental_j + energy_j)·x_j    ≤ B_opex
//! budget.total:  Σ_j cost_j·x_j                   ≤ B_total
//! ```
//!
//! Each row exists only when the scenario sets that budget.

use super::{ColId, ColInfo, ColKind, Ctx, RowKind, id};

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let budget = &cx.vs.scenario().budget;
    if let Some(cap) = budget.capex_usd {
        row(
            cx,
            "budget.capex",
            cap.get(),
            RowKind::CapexBudget,
            format!(
                "purchases (price and levy) within the capex budget of ${:.4e}",
                cap.get()
            ),
            |c| {
                if matches!(c.kind, ColKind::Buy { .. }) {
                    c.cost.total()
                } else {
                    0.0
                }
            },
        );
    }
    if let Some(cap) = budget.opex_usd {
        row(
            cx,
            "budget.opex",
            cap.get(),
            RowKind::OpexBudget,
            format!("running costs within the opex budget of ${:.4e}", cap.get()),
            |c| c.cost.rental + c.cost.energy,
        );
    }
    if let Some(cap) = budget.total_usd {
        row(
            cx,
            "budget.total",
            cap.get(),
            RowKind::TotalBudget,
            format!("all costs within the total budget of ${:.4e}", cap.get()),
            |c| c.cost.total(),
        );
    }
}

/// A budget row `Σ_j weight(col_j)·x_j ≤ cap` over every column so far.
fn row(
    cx: &mut Ctx<'_>,
    name: &str,
    cap: f64,
    kind: RowKind,
    meaning: String,
    weight: impl Fn(&ColInfo) -> f64,
) {
    let r = cx.add_row(name.into(), None, Some(cap), kind, meaning);
    let entries: Vec<(ColId, f64)> = cx
        .cols
        .iter()
        .enumerate()
        .map(|(j, c)| (ColId(id(j)), weight(c)))
        .filter(|&(_, v)| v != 0.0)
        .collect();
    cx.set_row(r, entries);
}
