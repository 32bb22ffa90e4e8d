//! The budgets family.
//!
//! ```text
//! budget.capex:  Σ_k g_k·(price_k + levy_k)·buy[k] ≤ B_capex
//! budget.opex:   Σ_j (rental_j + energy_j + transfer_j)·x_j ≤ B_opex
//! budget.total:  Σ_j cash_j·x_j                   ≤ B_total
//! ```
//!
//! Budgets limit cash (a purchase's whole price and levy, whatever the
//! capital charge the objective counts). Each row exists only when the
//! scenario sets that budget.

use super::{ColId, ColInfo, ColKind, Ctx, RowKind, id};

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let budget = &cx.vs.scenario().budget;
    for (kind, cap) in [
        (RowKind::CapexBudget, budget.capex_usd),
        (RowKind::OpexBudget, budget.opex_usd),
        (RowKind::TotalBudget, budget.total_usd),
    ] {
        if let Some(cap) = cap {
            row(cx, kind, cap.get());
        }
    }
}

/// The row's name (`budget.capex`, ...).
fn name(kind: RowKind) -> &'static str {
    match kind {
        RowKind::CapexBudget => "budget.capex",
        RowKind::OpexBudget => "budget.opex",
        _ => "budget.total",
    }
}

/// The meaning of a budget row with limit `cap` (USD).
pub(super) fn meaning(kind: RowKind, cap: f64) -> String {
    match kind {
        RowKind::CapexBudget => {
            format!("purchases (price and levy) within the capex budget of ${cap:.4e}")
        }
        RowKind::OpexBudget => format!("running costs within the opex budget of ${cap:.4e}"),
        _ => format!("all costs within the total budget of ${cap:.4e}"),
    }
}

/// A column's coefficient in a budget row: the cash it spends of that
/// budget per unit.
pub(super) fn weight(kind: RowKind, c: &ColInfo) -> f64 {
    match kind {
        RowKind::CapexBudget => {
            if matches!(c.kind, ColKind::Buy { .. }) {
                c.cost.capex + c.cost.levy
            } else {
                0.0
            }
        }
        RowKind::OpexBudget => c.cost.rental + c.cost.energy + c.cost.transfer,
        _ => c.cost.cash(),
    }
}

/// A budget row `Σ_j weight(col_j)·x_j ≤ cap` over every column so far.
fn row(cx: &mut Ctx<'_>, kind: RowKind, cap: f64) {
    let r = cx.add_row(name(kind).into(), None, Some(cap), kind, meaning(kind, cap));
    let entries: Vec<(ColId, f64)> = cx
        .cols
        .iter()
        .enumerate()
        .map(|(j, c)| (ColId(id(j)), weight(kind, c)))
        .filter(|&(_, v)| v != 0.0)
        .collect();
    cx.set_row(r, entries);
}
