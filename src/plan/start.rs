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
//!    owned pools is not rounded into a purchase); then each phase left
//!    dearer than it could be moves to a cheaper pool with room, or made
//!    room by moving other single-pool phases or (one rule) by lowering
//!    other runs there (`improve_placements`);
//! 3. every covering row still short (`work`, `serve`, a phase's minimum,
//!    a domestic share) is topped up unit by unit, first on the columns the
//!    LP used more than the rounding kept, then on the cheapest column
//!    with room; a column has room when no row it touches (except the gang,
//!    memory-fit and single-pool rows, which step 4 settles) would leave its
//!    bounds, a purchasable pool's capacity counting what it may still buy;
//! 4. `use` binaries follow their runs (a run needs at least the devices
//!    its training state needs) and purchases cover the capacity used.
//!
//! The rounding is made under three placement rules ([`Placement`]: the
//! LP's favourite pool first; the same with runs bumped in step 2b; the
//! cheapest pool first), and the start is the one with the fewest rows out
//! of bounds, then the least cost: which rule packs best depends on the LP
//! point (measured on the 2,000-pool benchmark, BENCHMARKS.md).
//!
//! Every loop is bounded by the columns and rows of the model.

use super::compile::{ColKind, Compiled, RowKind};
use crate::model::VarType;
use std::collections::{BTreeMap, HashMap};

/// Units a covering row is topped up by at most, one at a time, before a
/// single step covers the rest.
const UNIT_STEPS: usize = 64;

/// Passes of step 2b (placements improved) at most.
const EJECT_PASSES: usize = 3;

/// Cheaper pools tried per phase in step 2b that need other phases moved.
const EJECT_CANDIDATES: usize = 8;

/// Phases moved at most in step 2b to make room for one.
const EJECT_MAX: usize = 3;

/// What a unit bumped in step 2b is assumed to cost to cover again, in
/// units of its own cost.
const BUMP_COST: f64 = 2.0;

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
    // Each placement rule gives a rounding; the one with the fewest rows
    // out of bounds, then the least cost, is the start.
    let mut best: Option<(usize, f64, Vec<f64>)> = None;
    // Without a single-pool run in `x` the bumping rule places as the
    // cheapest-first rule does and then moves as the bump rule: the same
    // rounding as [`Placement::Bump`]'s.
    let lp_runs = c.gangs.iter().any(|g| x[g.train.0 as usize] > 1e-6);
    for rule in Placement::ALL {
        if rule == Placement::LpBump && !lp_runs {
            continue;
        }
        let mut r = Rounding::new(c, x);
        let (phases, mut placed) = r.single_pool(x, rule);
        r.improve_placements(&phases, &mut placed, rule);
        r.cover(x);
        r.settle();
        let (out, z) = r.standing();
        if best
            .as_ref()
            .is_none_or(|b| out < b.0 || (out == b.0 && z < b.1))
        {
            best = Some((out, z, r.y));
        }
    }
    best.map(|b| b.2)
}

/// A single-pool phase in step 2: its work row and its gangs.
type Placing = (usize, Vec<usize>);

/// How step 2 picks a single-pool phase's pool among those with room
/// within the LP's purchases.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// The pool the LP gave the most work, else the cheapest.
    LpFirst,
    /// The pool the LP gave the most work, else the cheapest; a phase
    /// left on a dear pool may then bump other phases' runs from a
    /// cheaper one (step 2b).
    Bump,
    /// The cheapest.
    Cheapest,
    /// The pool the LP gave the most work, once runs of other phases
    /// there (serving, runs that may span pools) are lowered to leave it
    /// room when it has none (step 3 covers them again elsewhere); step 2b
    /// as under [`Placement::Bump`].
    LpBump,
}

impl Placement {
    const ALL: [Self; 4] = [Self::LpFirst, Self::Bump, Self::Cheapest, Self::LpBump];

    /// Whether runs of other phases may be lowered to make room.
    fn bumps(self) -> bool {
        matches!(self, Self::Bump | Self::LpBump)
    }
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
    /// The single-pool phases (work row, gangs) and each one's placement
    /// (gang, units), for step 2b.
    fn single_pool(
        &mut self,
        x: &[f64],
        rule: Placement,
    ) -> (Vec<Placing>, Vec<Option<(usize, f64)>>) {
        let c = self.c;
        let m = &c.model;
        let mut phases: Vec<Placing> = Vec::new();
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
            alone_units(c, g, work, m.row_lower()[work] - r.act[work])
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
        let flexible: Vec<Vec<u32>> = if rule == Placement::LpBump {
            runs_by_row(c, |k| matches!(k, RowKind::Capacity { .. }))
        } else {
            Vec::new()
        };
        let mut placed: Vec<Option<(usize, f64)>> = vec![None; phases.len()];
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
                .find(|&(g, u)| {
                    rule != Placement::Cheapest && x[train(g)] > 1e-6 && self.room_lp(train(g), u)
                })
                .or_else(|| {
                    // the LP's favourite once other runs there make room
                    let (g, u) = order.first().copied()?;
                    (rule == Placement::LpBump && x[train(g)] > 1e-6)
                        .then(|| self.bump(train(g), u, &flexible))
                        .flatten()
                        .map(|_| (g, u))
                })
                .or_else(|| cheapest(self, &|r, t, u| r.room_lp(t, u)))
                .or_else(|| cheapest(self, &|r, t, u| r.room(t, u)))
                .or_else(|| order.first().copied());
            if let Some((g, u)) = pick {
                self.shift(train(g), u);
            }
            placed[k] = pick;
        }
        (phases, placed)
    }

    /// Step 2b: the placements of step 2 improved by moves and ejections.
    ///
    /// Placed one by one, a late phase may find every good pool taken and
    /// land on a dear one (a rental, a purchase). In passes over the
    /// phases, dearest first, each phase is taken out and put back on the
    /// cheapest cheaper pool that has room; else on a cheaper pool once up
    /// to [`EJECT_MAX`] single-pool phases there (largest first) move to
    /// the cheapest other pool with room, when the moves together cost
    /// less; else, under [`Placement::Bump`], on a cheaper pool once the
    /// runs of other phases there (serving, runs that may span pools) are
    /// lowered to leave it room, when the phase saves more than
    /// [`BUMP_COST`] times what was lowered (step 3 covers it again
    /// elsewhere). At most [`EJECT_PASSES`] passes, each trying at most
    /// [`EJECT_CANDIDATES`] pools per phase for an ejection or a bump.
    /// Every option a phase is tried on does its whole work there alone
    /// and fits the pool.
    fn improve_placements(
        &mut self,
        phases: &[Placing],
        placed: &mut [Option<(usize, f64)>],
        rule: Placement,
    ) {
        let c = self.c;
        let m = &c.model;
        // per capacity row, the columns that may be bumped from it
        let flexible: Vec<Vec<u32>> = if rule.bumps() {
            runs_by_row(c, |k| matches!(k, RowKind::Capacity { .. }))
        } else {
            Vec::new()
        };
        let train = |g: usize| c.gangs[g].train.0 as usize;
        // every placement of each phase alone: (gang, units, cost), cheapest first
        let opts: Vec<Vec<(usize, f64, f64)>> = phases
            .iter()
            .map(|(work, gangs)| {
                let mut o: Vec<(usize, f64, f64)> = gangs
                    .iter()
                    .filter_map(|&g| {
                        let u = alone_units(c, g, *work, m.row_lower()[*work])?;
                        // a pool too small for the phase is no option
                        let fits = u <= m.col_upper()[train(g)] + 1e-9
                            && m.col_upper()[c.gangs[g].use_col.0 as usize] >= 1.0;
                        fits.then(|| (g, u, self.unit_cost(train(g)) * u))
                    })
                    .collect();
                o.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
                o
            })
            .collect();
        let cost_of = |k: usize, g: usize| opts[k].iter().find(|o| o.0 == g).map(|o| o.2);
        let mut on: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, pl) in placed.iter().enumerate() {
            if let Some((g, _)) = pl {
                on.entry(c.gangs[*g].pool.index()).or_default().push(k);
            }
        }
        let eps = |x: f64| 1e-9 * (1.0 + x.abs());
        for _ in 0..EJECT_PASSES {
            let mut order: Vec<(f64, usize)> = placed
                .iter()
                .enumerate()
                .filter_map(|(k, pl)| Some((cost_of(k, pl.as_ref()?.0)?, k)))
                .collect();
            order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut improved = false;
            for (cur, k) in order {
                let Some((g0, u0)) = placed[k] else { continue };
                self.shift(train(g0), -u0);
                let mut to: Option<(usize, f64)> = None;
                // a cheaper pool with room
                for &(g, u, cg) in &opts[k] {
                    if cg >= cur - eps(cur) {
                        break;
                    }
                    if self.room(train(g), u) {
                        to = Some((g, u));
                        break;
                    }
                }
                // the cheaper pools tried for an ejection or a bump
                let cheaper: Vec<(usize, f64, f64)> = opts[k]
                    .iter()
                    .copied()
                    .filter(|o| o.2 < cur - eps(cur))
                    .take(EJECT_CANDIDATES)
                    .collect();
                // else a cheaper pool once some of its phases move: the
                // largest first, until the phase fits, each then put on the
                // cheapest other pool with room
                let mut moves: Vec<(usize, usize, f64, usize, f64)> = Vec::new();
                if to.is_none() {
                    for &(g, u, cg) in &cheaper {
                        let pool = c.gangs[g].pool.index();
                        let mut there: Vec<(f64, usize)> = on
                            .get(&pool)
                            .map_or(&[][..], |v| v.as_slice())
                            .iter()
                            .filter(|&&q| q != k)
                            .filter_map(|&q| Some((placed[q]?.1 * c.gangs[placed[q]?.0].unit, q)))
                            .collect();
                        there.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                        // (phase, from gang, units): taken out so far
                        let mut out: Vec<(usize, usize, f64)> = Vec::new();
                        for &(_, q) in there.iter().take(EJECT_MAX) {
                            let Some((gq, uq)) = placed[q] else { continue };
                            self.shift(train(gq), -uq);
                            out.push((q, gq, uq));
                            if self.room(train(g), u) {
                                break;
                            }
                        }
                        let mut ok = self.room(train(g), u);
                        let mut spent = cg;
                        let mut saved = cur;
                        let mut put: Vec<(usize, usize, f64, usize, f64)> = Vec::new();
                        if ok {
                            self.shift(train(g), u);
                            for &(q, gq, uq) in &out {
                                saved += cost_of(q, gq).unwrap_or(f64::INFINITY);
                                let alt = opts[q]
                                    .iter()
                                    .find(|o| o.0 != gq && self.room(train(o.0), o.1))
                                    .copied();
                                let Some((g2, u2, c2)) = alt else {
                                    ok = false;
                                    break;
                                };
                                self.shift(train(g2), u2);
                                spent += c2;
                                put.push((q, gq, uq, g2, u2));
                            }
                            for &(_, _, _, g2, u2) in put.iter().rev() {
                                self.shift(train(g2), -u2);
                            }
                            self.shift(train(g), -u);
                        }
                        for &(_, gq, uq) in out.iter().rev() {
                            self.shift(train(gq), uq);
                        }
                        if ok && spent < saved - eps(saved) {
                            to = Some((g, u));
                            moves = put;
                            break;
                        }
                    }
                }
                // else, by the bumping rule, a cheaper pool once runs of
                // other phases (serving, runs that may span pools) leave
                // it room: step 3 covers them again elsewhere
                if to.is_none() && rule.bumps() {
                    for &(g, u, cg) in &cheaper {
                        if let Some(done) = self.bump(train(g), u, &flexible) {
                            let lost: f64 = done.iter().map(|&(j, d)| self.unit_cost(j) * d).sum();
                            if cg + BUMP_COST * lost < cur - eps(cur) {
                                to = Some((g, u));
                                break;
                            }
                            self.undo(&done);
                        }
                    }
                }
                match to {
                    None => self.shift(train(g0), u0),
                    Some((g, u)) => {
                        for &(q, gq, uq, g2, u2) in &moves {
                            self.shift(train(gq), -uq);
                            self.shift(train(g2), u2);
                            move_on(c, placed, &mut on, q, gq, (g2, u2));
                        }
                        self.shift(train(g), u);
                        move_on(c, placed, &mut on, k, g0, (g, u));
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Step 3: covering rows topped up.
    fn cover(&mut self, x: &[f64]) {
        let c = self.c;
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
        let mut of = runs_by_row(c, covering);
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
    /// Puts back what [`Self::bump`] took off (`done`: column, units).
    fn undo(&mut self, done: &[(usize, f64)]) {
        for &(j, d) in done.iter().rev() {
            self.shift(j, d);
        }
    }

    /// Makes room for `u` more units of column `t` on its capacity rows by
    /// lowering the `flexible` columns there (lowest index first); the
    /// changes made (column, units taken off), or `None` (and nothing
    /// changed) when the rows cannot make room.
    fn bump(&mut self, t: usize, u: f64, flexible: &[Vec<u32>]) -> Option<Vec<(usize, f64)>> {
        let m = &self.c.model;
        let (idx, val) = m.matrix().col(t);
        let mut done: Vec<(usize, f64)> = Vec::new();
        for (&i, &a) in idx.iter().zip(val) {
            let i = i as usize;
            if a <= 0.0 || !matches!(self.c.rows[i].kind, RowKind::Capacity { .. }) {
                continue;
            }
            for &j in &flexible[i] {
                let j = j as usize;
                let over = self.act[i] + a * u - self.up[i];
                if over <= 1e-9 * (1.0 + self.up[i].abs()) {
                    break;
                }
                let aj = coef(self.c, j, i).unwrap_or(0.0);
                if aj <= 0.0 || self.y[j] <= 0.0 {
                    continue;
                }
                let d = (over / aj - 1e-9).ceil().min(self.y[j]);
                self.shift(j, -d);
                done.push((j, d));
            }
            if self.act[i] + a * u > self.up[i] + 1e-9 * (1.0 + self.up[i].abs()) {
                self.undo(&done);
                return None;
            }
        }
        if self.room(t, u) {
            Some(done)
        } else {
            self.undo(&done);
            None
        }
    }

    /// The rows out of their bounds at the rounding, and its cost.
    fn standing(&self) -> (usize, f64) {
        let m = &self.c.model;
        let z = m.costs().iter().zip(&self.y).map(|(c, y)| c * y).sum();
        (rows_out(m, &self.y), z)
    }

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

/// Units of gang `g`'s training column that do `short` of its phase's
/// work row `work` alone, at least the units its training state needs and
/// at least one; `None` when the column is not in that row.
fn alone_units(c: &Compiled, g: usize, work: usize, short: f64) -> Option<f64> {
    let gang = &c.gangs[g];
    let a = coef(c, gang.train.0 as usize, work)?;
    let units = (short / a - 1e-9).ceil().max(0.0);
    let fit = (gang.min_devices as f64 / gang.unit - 1e-9).ceil();
    Some(units.max(fit).max(1.0))
}

/// Per row of `c` that `keep` picks, the integer `train` and `serve`
/// columns with a positive entry there, runs of single-pool phases left
/// out (step 2 places those).
fn runs_by_row(c: &Compiled, keep: impl Fn(&RowKind) -> bool) -> Vec<Vec<u32>> {
    let m = &c.model;
    let mut of: Vec<Vec<u32>> = vec![Vec::new(); c.rows.len()];
    for (j, one_pool) in single_pool_runs(c).into_iter().enumerate() {
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
            if a > 0.0 && keep(&c.rows[i as usize].kind) {
                of[i as usize].push(j as u32);
            }
        }
    }
    of
}

/// The rows of `m` that `y` leaves out of their bounds.
pub(crate) fn rows_out(m: &crate::model::Model, y: &[f64]) -> usize {
    let act = m.row_activity(y);
    let (lo, up) = (m.row_lower(), m.row_upper());
    act.iter()
        .enumerate()
        .filter(|&(i, &a)| {
            let tol = 1e-9 * (1.0 + a.abs());
            a < lo[i] - tol || a > up[i] + tol
        })
        .count()
}

/// Per column of `c`: whether it is a run of a single-pool phase.
fn single_pool_runs(c: &Compiled) -> Vec<bool> {
    let mut s = vec![false; c.model.num_cols()];
    let phases: std::collections::BTreeSet<_> = c
        .rows
        .iter()
        .filter_map(|r| match r.kind {
            RowKind::SinglePool { phase } => Some(phase),
            _ => None,
        })
        .collect();
    for g in &c.gangs {
        let t = g.train.0 as usize;
        if matches!(c.cols[t].kind, ColKind::Train { phase, .. } if phases.contains(&phase)) {
            s[t] = true;
        }
    }
    s
}

/// Records phase `k` as placed on gang `to` (with its units) instead of
/// gang `from`: its placement, and its pool in the per-pool lists.
fn move_on(
    c: &Compiled,
    placed: &mut [Option<(usize, f64)>],
    on: &mut BTreeMap<usize, Vec<usize>>,
    k: usize,
    from: usize,
    to: (usize, f64),
) {
    placed[k] = Some(to);
    if let Some(v) = on.get_mut(&c.gangs[from].pool.index()) {
        v.retain(|&q| q != k);
    }
    let v = on.entry(c.gangs[to.0].pool.index()).or_default();
    if let Err(at) = v.binary_search(&k) {
        v.insert(at, k);
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

#[cfg(test)]
mod tests {
    use super::{Placement, Rounding};

    /// Two single-pool phases of one 10-day window on one accelerator
    /// (one device per unit): `p` needs 81 devices, `q` 46 (100 and 45
    /// devices' work, a hair more through goodput). Pool `a` (100 devices)
    /// is the cheapest, `b` (50) next, `d` (1,000) the dearest; `p` does
    /// not fit `b`, and `p` and `q` do not fit `a` together. The best
    /// placement runs `p` on `a` and `q` on `b`.
    fn eject() -> String {
        crate::plan::hand::scenario(
            "eject",
            &[
                ("a", 100, Some(0.05)),
                ("b", 50, Some(0.06)),
                ("d", 1000, None),
            ],
            &[("p", 3.456e22), ("q", 1.944e22)],
        )
    }

    /// A single-pool phase `p` (81 devices) and a phase `f` that may span
    /// pools (46 devices), on a cheap pool `a` (100) and a dear one `d`
    /// (1,000).
    fn bump_fleet() -> String {
        crate::plan::hand::first_may_span(&crate::plan::hand::scenario(
            "bump",
            &[("a", 100, Some(0.05)), ("d", 1000, None)],
            &[("f", 1.944e22), ("p", 3.456e22)],
        ))
    }

    /// Step 2 under [`Placement::LpBump`]: the LP point runs `p` on `a`
    /// (80.5 units) beside 20 of `f`'s, so `a` has room for 80 of the 81
    /// units `p` needs alone. The LP's favourite first puts `p` on the dear
    /// pool; the bumping rule lowers `f`'s run on `a` by one unit and keeps
    /// `p` where the LP put it (step 3 covers `f` again elsewhere).
    #[test]
    fn the_bumping_rule_keeps_a_phase_on_the_lps_pool_by_lowering_other_runs() {
        let c = crate::plan::hand::compiled(&bump_fleet());
        let col = |name: &str| crate::plan::hand::col(&c, name);
        let mut x = vec![0.0; c.model.num_cols()];
        x[col("train[p,a]")] = 80.5;
        x[col("train[f,a]")] = 20.0;
        x[col("train[f,d]")] = 26.0;
        let mut plain = Rounding::new(&c, &x);
        plain.single_pool(&x, Placement::LpFirst);
        assert_eq!(
            runs(&c, &plain.y),
            ["train[p,d] = 81"],
            "LP's favourite first"
        );
        let mut r = Rounding::new(&c, &x);
        r.single_pool(&x, Placement::LpBump);
        assert_eq!(runs(&c, &r.y), ["train[p,a] = 81"], "bumping rule");
        assert!((r.y[col("train[f,a]")] - 19.0).abs() < 1e-9);
        // the whole rounding: `f` covered again, every row in bounds, and
        // the start the planner hands the engine no dearer
        r.cover(&x);
        r.settle();
        assert_eq!(super::rows_out(&c.model, &r.y), 0);
        let y = super::rounded_start(&c, &x).expect("a start");
        assert!(c.model.objective_value(&y) <= c.model.objective_value(&r.y) + 1e-9);
        assert!(
            c.model.objective_value(&r.y) < {
                plain.cover(&x);
                plain.settle();
                c.model.objective_value(&plain.y)
            }
        );
    }

    /// Where each phase runs in `y`: (phase, pool, units), by column name.
    fn runs(c: &crate::plan::compile::Compiled, y: &[f64]) -> Vec<String> {
        c.gangs
            .iter()
            .map(|g| g.train.0 as usize)
            .filter(|&t| y[t] > 0.0)
            .map(|t| format!("{} = {}", &c.model.col_names()[t], y[t]))
            .collect()
    }

    /// Step 2b moves a phase that step 2 left on the dearest pool: with
    /// the LP point favouring `d` for `p`, step 2 (the LP's favourite
    /// first) runs `p` on `d` and `q` on `a`; no cheaper pool has room for
    /// `p` (and `b` is too small for it), so step 2b moves `q` to `b` to
    /// make room on `a`, and the placements cost less.
    #[test]
    fn a_phase_left_on_a_dear_pool_moves_once_another_makes_room() {
        let c = crate::plan::hand::compiled(&eject());
        let col = |name: &str| crate::plan::hand::col(&c, name);
        let mut x = vec![0.0; c.model.num_cols()];
        x[col("train[p,d]")] = 81.0;
        let mut r = Rounding::new(&c, &x);
        let (phases, mut placed) = r.single_pool(&x, Placement::LpFirst);
        assert_eq!(
            runs(&c, &r.y),
            ["train[p,d] = 81", "train[q,a] = 46"],
            "step 2"
        );
        let cost = |r: &Rounding<'_>| c.model.objective_value(&r.y);
        let before = cost(&r);
        r.improve_placements(&phases, &mut placed, Placement::LpFirst);
        assert_eq!(
            runs(&c, &r.y),
            ["train[p,a] = 81", "train[q,b] = 46"],
            "step 2b"
        );
        assert!(cost(&r) < before, "{} vs {before}", cost(&r));
        let act = c.model.row_activity(&r.y);
        for (i, a) in act.iter().enumerate() {
            if matches!(
                c.rows[i].kind,
                crate::plan::compile::RowKind::Capacity { .. }
            ) {
                assert!(
                    *a <= c.model.row_upper()[i] + 1e-9,
                    "{}",
                    &c.model.row_names()[i]
                );
            }
        }
        // the start the planner hands the engine is no dearer
        let y = super::rounded_start(&c, &x).expect("a start");
        assert!(c.model.objective_value(&y) <= cost(&r) + 1e-9);
    }
}
