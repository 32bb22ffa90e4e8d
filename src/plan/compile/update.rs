//! Updating a compiled model in place after a change to its scenario that
//! keeps the model's structure: new costs, bounds, right-hand sides and
//! coefficients, computed by the same functions the families use when they
//! build the model, so the model updated is the model a fresh [`compile`]
//! of the changed scenario builds (`tests/planner.rs` compares the two
//! after every kind of change, row by row and column by column).
//!
//! A change that would alter the structure (a row or entry that appears or
//! disappears: a budget set for the first time, a limit on a pool that had
//! none, a coefficient that becomes zero) is reported as
//! [`Refresh::Structural`] before anything is changed; the caller compiles
//! afresh.
//!
//! [`compile`]: super::compile

use super::{
    ColKind, Compiled, RowKind, budgets, capacity, capacity_units, pool_costs, purchases,
    running_cost, whole,
};
use crate::error::Result;
use crate::model::{ColId, RowId, SMALL_MATRIX_VALUE};
use crate::scenario::{BudgetKind, PoolId, ValidatedScenario};
use crate::units::Usd;

/// One change to a model, to apply to a solver that holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Change {
    /// A column's objective coefficient.
    Cost(ColId, f64),
    /// A column's bounds (infinite: none).
    ColBounds(ColId, f64, f64),
    /// A row's bounds (infinite: none).
    RowBounds(RowId, f64, f64),
    /// A coefficient the matrix stores.
    Coef(RowId, ColId, f64),
}

/// What an update did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refresh {
    /// The model was updated in place by these changes (possibly none).
    InPlace(Vec<Change>),
    /// The change alters the model's structure; nothing was changed.
    Structural,
}

fn rid(i: usize) -> RowId {
    RowId(super::id(i))
}

fn cid(j: usize) -> ColId {
    ColId(super::id(j))
}

fn bound(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::INFINITY)
}

/// Whether a coefficient is one the model stores (the numeric rule drops
/// the others).
fn stored(v: f64) -> bool {
    v.abs() > SMALL_MATRIX_VALUE
}

impl Compiled {
    /// The pool of a device-count or purchase column.
    fn col_pool(&self, j: usize) -> Option<PoolId> {
        match self.cols[j].kind {
            ColKind::Train { pool, .. } | ColKind::Serve { pool, .. } | ColKind::Buy { pool } => {
                Some(pool)
            }
            _ => None,
        }
    }

    /// Applies `changes` to the model; every one was checked to be
    /// in place.
    fn apply(&mut self, changes: &[Change]) -> Result<()> {
        let opt = |v: f64| v.is_finite().then_some(v);
        for &c in changes {
            match c {
                Change::Cost(j, v) => self.model.set_cost(j, v)?,
                Change::ColBounds(j, l, u) => self.model.set_col_bounds(j, opt(l), opt(u))?,
                Change::RowBounds(i, l, u) => self.model.set_row_bounds(i, opt(l), opt(u))?,
                Change::Coef(i, j, v) => self.model.set_coef(i, j, v)?,
            }
        }
        Ok(())
    }

    /// After the prices of `pools` (every pool when `None`, e.g. after a
    /// levy changed) or the rules on their orders changed: each of their
    /// columns' unit costs, its objective coefficient and its entries in
    /// the budget rows.
    pub(crate) fn refresh_costs(
        &mut self,
        vs: &ValidatedScenario,
        pools: Option<PoolId>,
    ) -> Result<Refresh> {
        let hit = |k: PoolId| pools.is_none_or(|p| p == k);
        let mut costs = self.pool_costs.clone();
        for k in vs.pool_ids().filter(|&k| hit(k)) {
            costs[k.index()] = pool_costs(vs, k)?;
        }
        let mut cols = self.cols.clone();
        let mut changes = Vec::new();
        let mut touched = Vec::new();
        for (j, col) in cols.iter_mut().enumerate() {
            let Some(k) = self.col_pool(j).filter(|&k| hit(k)) else {
                continue;
            };
            let pc = &costs[k.index()];
            col.cost = match col.kind {
                ColKind::Buy { .. } => {
                    let Some(price) = pc.purchase.map(|b| b.unit_price) else {
                        return Ok(Refresh::Structural);
                    };
                    let effect = vs.order_effect(k, vs.date_at(col.window.0)).0;
                    purchases::buy_cost(vs, k, price, col.unit, effect, col.window.1)
                }
                _ => running_cost(pc, col.unit, col.hours),
            };
            touched.push(j);
            let c = col.cost.total();
            if c.to_bits() != self.model.costs()[j].to_bits() {
                changes.push(Change::Cost(cid(j), c));
            }
        }
        for (i, row) in self.rows.iter().enumerate() {
            if !matches!(
                row.kind,
                RowKind::CapexBudget | RowKind::OpexBudget | RowKind::TotalBudget
            ) {
                continue;
            }
            for &j in &touched {
                let w = budgets::weight(row.kind, &cols[j]);
                let at = self.model.matrix().position(i, j);
                match (at, stored(w)) {
                    (Some(p), true) => {
                        if self.model.matrix().values()[p].to_bits() != w.to_bits() {
                            changes.push(Change::Coef(rid(i), cid(j), w));
                        }
                    }
                    (None, false) => {}
                    _ => return Ok(Refresh::Structural),
                }
            }
        }
        self.apply(&changes)?;
        self.cols = cols;
        self.pool_costs = costs;
        Ok(Refresh::InPlace(changes))
    }

    /// After pool `k`'s device count or limit changed: its capacity rows'
    /// right-hand sides, its columns' bounds, its purchase limit and the
    /// big-M of its `gang` rows.
    pub(crate) fn refresh_limits(&mut self, vs: &ValidatedScenario, k: PoolId) -> Result<Refresh> {
        let mut changes = Vec::new();
        let mut meanings = Vec::new();
        let rhs = capacity::rhs(vs, k);
        let mut cap_rows = 0;
        let mut buy_limit = None;
        for (i, row) in self.rows.iter().enumerate() {
            match row.kind {
                RowKind::Capacity { pool, interval } if pool == k => {
                    cap_rows += 1;
                    let Some(r) = rhs else {
                        return Ok(Refresh::Structural);
                    };
                    changes.push(Change::RowBounds(rid(i), f64::NEG_INFINITY, r));
                    meanings.push((i, capacity::meaning(vs, k, r, self.intervals[interval])));
                }
                RowKind::BuyLimit { pool } if pool == k => buy_limit = Some(i),
                _ => {}
            }
        }
        let p = vs.pool(k);
        let mut buys = Vec::new();
        let mut uses_pool = false;
        for (j, col) in self.cols.iter().enumerate() {
            match col.kind {
                ColKind::Train { pool, .. } | ColKind::Serve { pool, .. } if pool == k => {
                    uses_pool = true;
                    let u = bound(capacity_units(vs, k, col.unit));
                    changes.push(Change::ColBounds(cid(j), 0.0, u));
                }
                ColKind::Buy { pool } if pool == k => buys.push(j),
                _ => {}
            }
        }
        // a pool that had no limit has no capacity rows
        if cap_rows == 0 && uses_pool && rhs.is_some() {
            return Ok(Refresh::Structural);
        }
        let g = p.granularity().max(1) as f64;
        match (buys.len(), p.max_devices(), buy_limit) {
            (1, max, _) => {
                let u = bound(max.map(|m| (m as f64 / g).floor()));
                changes.push(Change::ColBounds(cid(buys[0]), 0.0, u));
            }
            (0, ..) | (_, None, None) => {}
            (_, Some(m), Some(i)) => {
                changes.push(Change::RowBounds(rid(i), f64::NEG_INFINITY, m as f64));
                meanings.push((i, purchases::buy_limit_meaning(vs, k, m)));
            }
            _ => return Ok(Refresh::Structural),
        }
        for gang in self.gangs.iter().filter(|g| g.pool == k) {
            let share = self.cols[gang.train.index()].share;
            let big = whole::big_m(vs, k, gang.unit, share, gang.min_devices);
            changes.push(Change::Coef(gang.row, gang.use_col, -big));
            if let ColKind::Train { phase, .. } = self.cols[gang.train.index()].kind {
                let up = whole::use_upper(vs, phase, gang.unit, share, big, gang.whole_work);
                changes.push(Change::ColBounds(gang.use_col, 0.0, up));
            }
        }
        self.apply(&changes)?;
        for (i, m) in meanings {
            self.rows[i].meaning = m;
        }
        Ok(Refresh::InPlace(changes))
    }

    /// After a budget changed to `cap`: its row's right-hand side.
    pub(crate) fn refresh_budget(&mut self, kind: BudgetKind, cap: Option<Usd>) -> Result<Refresh> {
        let row_kind = match kind {
            BudgetKind::Capex => RowKind::CapexBudget,
            BudgetKind::Opex => RowKind::OpexBudget,
            BudgetKind::Total => RowKind::TotalBudget,
        };
        let at = self.rows.iter().position(|r| r.kind == row_kind);
        match (at, cap) {
            (Some(i), Some(cap)) => {
                let changes = [Change::RowBounds(rid(i), f64::NEG_INFINITY, cap.get())];
                self.apply(&changes)?;
                self.rows[i].meaning = budgets::meaning(row_kind, cap.get());
                Ok(Refresh::InPlace(changes.to_vec()))
            }
            (None, None) => Ok(Refresh::InPlace(Vec::new())),
            _ => Ok(Refresh::Structural),
        }
    }
}
