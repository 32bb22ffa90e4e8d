//! A whole-device start built from the root LP's fractional plan.
//!
//! Branch-and-bound's own rounding, dives and neighbourhoods work row by
//! row and cannot move a single-pool phase from the many pools the LP
//! spreads it over to one pool (the `use` binaries, the gang rows and the
//! work row must move together). The planner knows that structure, so it
//! rounds the LP point itself and hands the engine a candidate, which goes
//! through the engine's usual acceptance check (and repair) on the model:
//!
//! 1. every integer column is rounded down (purchases set to zero);
//! 2. each single-pool phase runs on one pool, with enough units to do the
//!    whole work alone: the runs of every single-pool phase are cleared
//!    first and the phases placed largest first, each on the pool the LP
//!    gave the most work to that has room without buying more than the LP
//!    bought, else the cheapest such pool, else the cheapest pool with room
//!    counting what it may buy (so that a phase the LP spread over full
//!    owned pools is not rounded into a purchase);
//! 3. every covering row still short (`work`, `serve`, a phase's minimum,
//!    a domestic share) is topped up unit by unit, first on the columns the
//!    LP used more than the rounding kept, then on the cheapest column
//!    with room; a column has room when no row it touches (except the gang,
//!    memory-fit and single-pool rows, which step 4 settles) would leave its
//!    bounds, a purchasable pool's capacity counting what it may still buy;
//! 4. `use` binaries follow their runs (a run needs at least the devices
//!    its training state needs) and purchases cover the capacity used.
//!
//! Every loop is bounded by the columns and rows of the model.

use super::compile::{ColKind, Compiled, RowKind};
use crate::model::VarType;
use std::collections::HashMap;

/// Units a covering row is topped up by at most, one at a time, before a
/// single step covers the rest.
const UNIT_STEPS: usize = 64;

/// The rounding's working state: a point and its row activities.
struct Rounding<'a> {
    c: &'a Compiled,
    y: Vec<f64>,
    act: Vec<f64>,
    /// Upper bound of each row, a purchasable pool's capacity row raised by
    /// the devices it may still buy.
    up: Vec<f64>,
    /// Upper bound of each row with only the purchases the LP made (rounded
    /// up): what the LP-guided steps may use, so that a fraction the LP
    /// placed on owned devices is not rounded into a purchase.
    up_lp: Vec<f64>,
    /// Per capacity row of a purchasable pool: a purchase column feeding
    /// it and its coefficient's magnitude.
    feed: Vec<Option<(usize, f64)>>,
    /// Units a run needs at least to hold its training state, per training
    /// column with a memory-fit row.
    fit: HashMap<usize, f64>,
}

/// The candidate start from the LP point `x` (model columns), or `None`
/// when `x` does not fit the model.
pub(crate) fn rounded_start(c: &Compiled, x: &[f64]) -> Option<Vec<f64>> {
    let m = &c.model;
    let n = m.num_cols();
    if x.len() != n || c.cols.len() != n || c.rows.len() != m.num_rows() {
        return None;
    }
    let mut r = Rounding::new(c, x);
    r.single_pool(x);
    r.cover(x);
    r.settle();
    Some(r.y)
}

impl<'a> Rounding<'a> {
    fn new(c: &'a Compiled, x: &[f64]) -> Self {
        let m = &c.model;
        let (lo, hi) = (m.col_lower(), m.col_upper());
        let mut y: Vec<f64> = (0..x.len())
            .map(|j| {
                let v = if m.var_types()[j] == VarType::Integer {
                    if matches!(c.cols[j].kind, ColKind::Buy { .. }) {
                        0.0
                    } else {
                        (x[j] + 1e-6).floor()
                    }
                } else {
                    x[j]
                };
                v.clamp(lo[j], hi[j].max(lo[j]))
            })
            .collect();
        let fit: HashMap<usize, f64> = c
            .gangs
            .iter()
            .map(|g| {
                let units = (g.min_devices as f64 / g.unit - 1e-9).ceil().max(1.0);
                (g.train.0 as usize, units)
            })
            .collect();
        // a run rounded below what its training state needs is dropped
        for (&t, &u) in &fit {
            if y[t] > 0.0 && y[t] < u {
                y[t] = 0.0;
            }
        }
        let act = m.row_activity(&y);
        let mut up = m.row_upper().to_vec();
        let mut up_lp = up.clone();
        let mut feed = vec![None; m.num_rows()];
        for (j, col) in c.cols.iter().enumerate() {
            if !matches!(col.kind, ColKind::Buy { .. }) {
                continue;
            }
            let (idx, val) = m.matrix().col(j);
            for (&i, &a) in idx.iter().zip(val) {
                let i = i as usize;
                if a < 0.0
                    && matches!(c.rows[i].kind, RowKind::Capacity { .. })
                    && feed[i].is_none()
                {
                    feed[i] = Some((j, -a));
                    up[i] += -a * (hi[j] - y[j]).max(0.0);
                    up_lp[i] += -a * ((x[j] - 1e-6).ceil().min(hi[j]) - y[j]).max(0.0);
                }
            }
        }
        Self {
            c,
            y,
            act,
            up,
            up_lp,
            feed,
            fit,
        }
    }

    /// The step that adds to column `j`: one unit, or from zero the units
    /// its training state needs.
    fn step(&self, j: usize) -> f64 {
        if self.y[j] < 0.5 {
            self.fit.get(&j).copied().unwrap_or(1.0)
        } else {
            1.0
        }
    }

    /// Whether rows settled later (gang, memory fit, single pool) are
    /// left out of the room check.
    fn settled_later(&self, i: usize) -> bool {
        matches!(
            self.c.rows[i].kind,
            RowKind::Gang { .. } | RowKind::MemoryFit { .. } | RowKind::SinglePool { .. }
        )
    }

    /// Whether column `j` can change by `d` units without any row it
    /// touches leaving its bounds (or, already out, getting worse), a
    /// purchasable pool's capacity counting what it may still buy.
    fn room(&self, j: usize, d: f64) -> bool {
        self.room_within(j, d, &self.up)
    }

    /// [`Self::room`] with only the purchases the LP made.
    fn room_lp(&self, j: usize, d: f64) -> bool {
        self.room_within(j, d, &self.up_lp)
    }

    /// [`Self::room`] against the row upper bounds `up`.
    fn room_within(&self, j: usize, d: f64, up: &[f64]) -> bool {
        let m = &self.c.model;
        let v = self.y[j] + d;
        if v > m.col_upper()[j] + 1e-9 || v < m.col_lower()[j] - 1e-9 {
            return false;
        }
        let (idx, val) = m.matrix().col(j);
        let lo = m.row_lower();
        idx.iter().zip(val).all(|(&i, &a)| {
            let i = i as usize;
            if self.settled_later(i) {
                return true;
            }
            let step = a * d;
            let new = self.act[i] + step;
            let (l, u) = (lo[i], up[i]);
            let tol = 1e-9 * (1.0 + l.abs().min(u.abs()).min(1e12));
            !((step > 0.0 && new > u + tol) || (step < 0.0 && new < l - tol))
        })
    }

    /// Changes column `j` by `d` units.
    fn shift(&mut self, j: usize, d: f64) {
        self.y[j] += d;
        let (idx, val) = self.c.model.matrix().col(j);
        for (&i, &a) in idx.iter().zip(val) {
            self.act[i as usize] += a * d;
        }
    }

    /// The objective per unit of column `j`, a purchasable pool's devices
    /// counted at their purchase price.
    fn unit_cost(&self, j: usize) -> f64 {
        let m = &self.c.model;
        let (idx, val) = m.matrix().col(j);
        let buy = idx
            .iter()
            .zip(val)
            .filter_map(|(&i, &a)| {
                self.feed[i as usize].map(|(b, f)| (a / f).max(0.0) * m.costs()[b])
            })
            .fold(0.0f64, f64::max);
        m.costs()[j] + buy
    }

    /// Step 2: one pool per single-pool phase.
    ///
    /// Every single-pool phase's runs are cleared first, so that the room
    /// the LP spread them over is free, and the phases are placed largest
    /// first (first-fit decreasing): on the pool the LP gave the most work
    /// that has room within the LP's purchases, else the cheapest such
    /// pool, else the cheapest pool with room counting what it may buy.
    fn single_pool(&mut self, x: &[f64]) {
        let c = self.c;
        let m = &c.model;
        let mut phases: Vec<(usize, Vec<usize>)> = Vec::new();
        for row in &c.rows {
            let RowKind::SinglePool { phase } = row.kind else {
                continue;
            };
            let gangs: Vec<usize> = (0..c.gangs.len())
                .filter(|&g| {
                    matches!(c.cols[c.gangs[g].train.0 as usize].kind,
                        ColKind::Train { phase: p, .. } if p == phase)
                })
                .collect();
            for &g in &gangs {
                let t = c.gangs[g].train.0 as usize;
                let v = self.y[t];
                if v != 0.0 {
                    self.shift(t, -v);
                }
            }
            if let Some(work) = work_row(c, phase) {
                phases.push((work, gangs));
            }
        }
        // Units each gang's column needs to do the whole work alone.
        let need = |r: &Self, work: usize, g: usize| -> Option<f64> {
            let gang = &c.gangs[g];
            let a = coef(c, gang.train.0 as usize, work)?;
            let short = m.row_lower()[work] - r.act[work];
            let units = (short / a - 1e-9).ceil().max(0.0);
            let fit = (gang.min_devices as f64 / gang.unit - 1e-9).ceil();
            Some(units.max(fit).max(1.0))
        };
        // largest first: the fewest devices any pool needs for the phase
        let size = |r: &Self, (work, gangs): &(usize, Vec<usize>)| -> f64 {
            gangs
                .iter()
                .filter_map(|&g| Some(need(r, *work, g)? * c.gangs[g].unit))
                .fold(f64::INFINITY, f64::min)
        };
        let mut sized: Vec<(f64, usize)> = phases
            .iter()
            .enumerate()
            .map(|(k, ph)| (size(self, ph), k))
            .collect();
        sized.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, k) in sized {
            let (work, gangs) = &phases[k];
            let mut order: Vec<(usize, f64)> = gangs
                .iter()
                .filter_map(|&g| Some((g, need(self, *work, g)?)))
                .collect();
            let train = |g: usize| c.gangs[g].train.0 as usize;
            let cost = |r: &Self, (g, u): (usize, f64)| r.unit_cost(train(g)) * u;
            // the LP's favourites first, then the cheapest
            order.sort_by(|&a, &b| {
                x[train(b.0)]
                    .total_cmp(&x[train(a.0)])
                    .then(cost(self, a).total_cmp(&cost(self, b)))
            });
            let cheapest = |r: &Self, ok: &dyn Fn(&Self, usize, f64) -> bool| {
                order
                    .iter()
                    .copied()
                    .filter(|&(g, u)| ok(r, train(g), u))
                    .min_by(|&a, &b| cost(r, a).total_cmp(&cost(r, b)))
            };
            let pick = order
                .iter()
                .copied()
                .find(|&(g, u)| x[train(g)] > 1e-6 && self.room_lp(train(g), u))
                .or_else(|| cheapest(self, &|r, t, u| r.room_lp(t, u)))
                .or_else(|| cheapest(self, &|r, t, u| r.room(t, u)))
                .or_else(|| order.first().copied());
            if let Some((g, u)) = pick {
                self.shift(train(g), u);
            }
        }
    }

    /// Step 3: covering rows topped up.
    fn cover(&mut self, x: &[f64]) {
        let c = self.c;
        let m = &c.model;
        let covering = |k: &RowKind| {
            matches!(
                k,
                RowKind::Work { .. }
                    | RowKind::Serve { .. }
                    | RowKind::PhaseMin { .. }
                    | RowKind::DomesticShare { .. }
            )
        };
        // The columns each covering row gains from (positive entries),
        // leaving out single-pool runs (step 2 placed them).
        let mut of: Vec<Vec<u32>> = vec![Vec::new(); c.rows.len()];
        let single: Vec<bool> = {
            let mut s = vec![false; m.num_cols()];
            for row in &c.rows {
                if let RowKind::SinglePool { phase } = row.kind {
                    for g in &c.gangs {
                        let t = g.train.0 as usize;
                        if matches!(c.cols[t].kind, ColKind::Train { phase: p, .. } if p == phase) {
                            s[t] = true;
                        }
                    }
                }
            }
            s
        };
        for (j, &one_pool) in single.iter().enumerate() {
            if m.var_types()[j] != VarType::Integer
                || one_pool
                || !matches!(
                    c.cols[j].kind,
                    ColKind::Train { .. } | ColKind::Serve { .. }
                )
            {
                continue;
            }
            let (idx, val) = m.matrix().col(j);
            for (&i, &a) in idx.iter().zip(val) {
                if a > 0.0 && covering(&c.rows[i as usize].kind) {
                    of[i as usize].push(j as u32);
                }
            }
        }
        // Work and serve rows first, then minimums and shares.
        let order: Vec<usize> = (0..c.rows.len())
            .filter(|&i| matches!(c.rows[i].kind, RowKind::Work { .. } | RowKind::Serve { .. }))
            .chain((0..c.rows.len()).filter(|&i| {
                matches!(
                    c.rows[i].kind,
                    RowKind::PhaseMin { .. } | RowKind::DomesticShare { .. }
                )
            }))
            .collect();
        for i in order {
            let cols = std::mem::take(&mut of[i]);
            self.top_up(i, &cols, x);
        }
    }

    /// Tops up covering row `i` from `cols`.
    fn top_up(&mut self, i: usize, cols: &[u32], x: &[f64]) {
        let m = &self.c.model;
        let lo = m.row_lower()[i];
        let tol = 1e-9 * (1.0 + lo.abs());
        let short = |s: &Self| s.act[i] < lo - tol;
        if !short(self) {
            return;
        }
        // the LP's fractions first, largest first
        let mut frac: Vec<usize> = cols
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| x[j] > self.y[j] + 1e-6)
            .collect();
        frac.sort_by(|&a, &b| (x[b] - self.y[b]).total_cmp(&(x[a] - self.y[a])));
        for j in frac.into_iter().take(UNIT_STEPS) {
            if !short(self) {
                return;
            }
            let d = self.step(j);
            if self.room(j, d) {
                self.shift(j, d);
            }
        }
        if !short(self) {
            return;
        }
        // the rest at once, on the cheapest column with room
        let gap = lo - self.act[i];
        let units = |j: usize| -> Option<f64> {
            let a = coef(self.c, j, i)?;
            Some((gap / a - 1e-9).ceil().max(self.step(j)))
        };
        let best = cols
            .iter()
            .map(|&j| j as usize)
            .filter_map(|j| Some((j, units(j)?)))
            .filter(|&(j, u)| self.room(j, u))
            .min_by(|&(a, ua), &(b, ub)| {
                (self.unit_cost(a) * ua).total_cmp(&(self.unit_cost(b) * ub))
            });
        if let Some((j, u)) = best {
            self.shift(j, u);
        }
    }

    /// Step 4: `use` binaries and purchases.
    fn settle(&mut self) {
        let c = self.c;
        for g in &c.gangs {
            let (t, u) = (g.train.0 as usize, g.use_col.0 as usize);
            let on = self.y[t] > 0.5;
            let want = f64::from(u8::from(on));
            if (self.y[u] - want).abs() > 0.5 {
                self.shift(u, want - self.y[u]);
            }
            if on {
                let fit = (g.min_devices as f64 / g.unit - 1e-9).ceil();
                if self.y[t] < fit {
                    self.shift(t, fit - self.y[t]);
                }
            }
        }
        let m = &c.model;
        let hi = m.col_upper();
        for i in 0..c.rows.len() {
            let Some((b, f)) = self.feed[i] else {
                continue;
            };
            let over = self.act[i] - m.row_upper()[i];
            if over > 1e-9 * (1.0 + m.row_upper()[i].abs()) {
                let units = (over / f - 1e-9).ceil().min(hi[b] - self.y[b]).max(0.0);
                if units > 0.0 {
                    self.shift(b, units);
                }
            }
        }
    }
}

/// The work row of training phase `phase`.
fn work_row(c: &Compiled, phase: crate::scenario::PhaseId) -> Option<usize> {
    c.rows
        .iter()
        .position(|r| matches!(r.kind, RowKind::Work { phase: p } if p == phase))
}

/// The entry of column `j` in row `i`, when positive.
fn coef(c: &Compiled, j: usize, i: usize) -> Option<f64> {
    let (idx, val) = c.model.matrix().col(j);
    let p = idx.binary_search(&u32::try_from(i).ok()?).ok()?;
    Some(val[p]).filter(|a| *a > 0.0)
}
