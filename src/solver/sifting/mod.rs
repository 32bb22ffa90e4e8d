//! Sifting: the simplex on a working set of columns (the *master*), with
//! every other column priced against the master's row duals and added when
//! it prices out, until none does. See `DESIGN.md`, "Speed".
//!
//! A column outside the master rests at a bound (its *resting* value: the
//! lower bound, the upper bound, zero for a free column, or its fixed
//! value); its contribution to the rows is folded into the master's row
//! bounds (`offset`). When it joins the master it enters nonbasic at that
//! same bound, so the master's basis stays primal feasible and the next
//! master solve is a warm primal simplex. When the master is optimal and no
//! column outside it has a reduced cost of the wrong sign for its resting
//! bound, the master's basis (with every other column nonbasic at rest) is
//! an optimal basis of the whole LP and its duals are the LP's duals. When
//! the master is infeasible, its Farkas multipliers are priced the same way
//! (columns that could break the proof join the master) until the proof
//! holds for every column.

// `lower == upper` identifies fixed variables exactly, by design (as in
// the general engine).
#![allow(clippy::float_cmp)]

mod pricing;

use super::simplex::NONBASIC;
use super::simplex::scaling::Scaling;
use super::simplex::{
    ActivityBound, Engine, Limits, Lp, Method, Outcome, SpMat, Tol, farkas_products,
};
use super::sparse::SparseVec;
use super::{Algorithm, Basis, BasisStatus, Certificate, Solution, SolveOptions, Status};
use crate::error::{Error, Result};
use crate::model::{Model, Sense};
use pricing::{TopK, col_scale, pick, scan_out, violation};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Resting codes of columns outside the master (and [`IN`] for those in it).
pub(super) const LOWER: u8 = 0;
pub(super) const UPPER: u8 = 1;
pub(super) const FREE_ZERO: u8 = 2;
pub(super) const FIXED: u8 = 3;
const IN: u8 = 4;

/// Columns kept per row by the initial selection (rows whose activity at
/// rest violates their bounds).
const INIT_K: usize = 4;
/// Candidates per needy row for the greedy crash.
const CRASH_K: usize = 16;
/// Columns kept per other row by the initial selection: for every sparse
/// row that is not needy itself (a pool's capacity, say), the cheapest
/// repairs of any needy row that pass through it.
const SPREAD_K: usize = 8;
/// Passes of the greedy crash after the first, each over the columns that
/// still have room to repair a short row.
const CRASH_PASSES: usize = 8;
/// Columns kept per other row that *relax* it: the cheapest columns whose
/// move from rest takes the row away from a finite bound (a purchase that
/// raises a pool's capacity), so that the first master can make room where
/// the repairs crowd a row.
const RELAX_K: usize = 2;
/// Columns kept per row bucket by a pricing pass, at first; doubled every
/// `PRICE_K_EVERY` rounds, at most `PRICE_K_DOUBLINGS` times. The
/// planner's assignment LPs (`gen_assign.py`) finish in about ten rounds at
/// 2; a fleet plan's LP at 2,000 pools x 500 phases took 848 rounds at 2
/// and 180 at 16 (2026-12-07).
const PRICE_K: usize = 2;
const PRICE_K_EVERY: usize = 10;
const PRICE_K_DOUBLINGS: usize = 3;
/// Columns kept per row bucket by a Farkas pricing pass.
const FARKAS_K: usize = 4;
/// A pricing pass adds at most this many percent of the row count
/// (counted as at least 50 rows).
const CAP_PERCENT: usize = 200;
/// A row with more entries than this fraction of the columns (and more
/// than `DENSE_MIN`) is dense: pricing does not bucket columns by it.
const DENSE_FRACTION: usize = 10;
const DENSE_MIN: usize = 100;
/// Up to this many nonzeros the row scaling is computed on the whole
/// matrix (as the general engine does); above it, on the initial master.
const FULL_SCALING_NNZ: usize = 200_000;
/// The master is trimmed when it has more than this many columns per row:
/// nonbasic columns priced clearly out (reduced cost beyond `DROP_MARGIN`
/// dual tolerances, largest first) go back to rest until it has this many
/// per row again (the basis and the point do not change).
const DROP_ABOVE_PER_ROW: usize = 1;
const DROP_TO_PER_ROW: usize = 1;
const DROP_MARGIN: f64 = 10.0;
/// Master solves before sifting gives up (the general engine takes over).
const MAX_ROUNDS: usize = 1000;
/// Rounds without a relative objective improvement of `1e-13` before
/// sifting gives up.
const MAX_STALLED_ROUNDS: usize = 50;
/// A single master solve taking more than this many iterations per
/// master row (plus [`ROUND_ITERATIONS_FLOOR`]) has stalled: sifting gives
/// up and the general engine takes over. A master solve of the planner's
/// LP family takes about one iteration per row (1.1 to 1.3 on
/// `gen_assign.py`'s 500x1000 and 2000x2000); a fleet plan's fractional
/// LP at 2,000 pools x 500 phases (11,407 rows) had a primal phase 1 take
/// 157,393 iterations (84 s) in one round, where the general engine solves
/// the whole LP in 25,623. The cap was 20 per master row and column.
const MAX_ROUND_ITERATIONS_PER_ROW: u64 = 3;
/// The same for a master solve that repairs an infeasible master (a
/// primal phase 1 from the previous master's basis): the general engine's
/// dual simplex is the better tool for a long repair.
const MAX_REPAIR_ITERATIONS_PER_ROW: u64 = 1;
const ROUND_ITERATIONS_FLOOR: u64 = 1000;
/// Largest row count for which a fresh basis gets exact dual steepest-edge
/// weights (as the general engine).
const EXACT_DSE_MAX_ROWS: usize = 5000;

/// Figures of a sifting solve, for tuning and reports.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct SiftingStats {
    /// Master solves (one per pricing round).
    pub rounds: usize,
    /// Columns in the first master.
    pub initial_columns: usize,
    /// Columns in the master at the end.
    pub master_columns: usize,
    /// Simplex iterations over all master solves.
    pub iterations: u64,
    /// Time spent in pricing passes over the whole column set.
    pub pricing_time: Duration,
    /// Time spent solving masters.
    pub master_time: Duration,
    /// Whether sifting gave up and the general engine finished the solve.
    pub fell_back: bool,
    /// Master columns sent back to rest (the master trimmed as it grew).
    pub dropped: usize,
    /// Master solves that repaired an infeasible master (a primal phase 1
    /// after Farkas pricing added columns).
    pub repairs: usize,
    /// Whether the first master was rebuilt from the full crash (the plain
    /// crash's first master was infeasible).
    pub full_crash: bool,
}

/// Resting code of a column with bounds `[l, u]` outside the master.
fn rest_code(l: f64, u: f64, prefer_upper: bool) -> u8 {
    let lf = l > f64::NEG_INFINITY;
    let uf = u < f64::INFINITY;
    if lf && uf && l == u {
        FIXED
    } else if uf && (prefer_upper || !lf) {
        UPPER
    } else if lf {
        LOWER
    } else {
        FREE_ZERO
    }
}

/// Value of a column resting at `code`.
fn rest_value(code: u8, l: f64, u: f64) -> f64 {
    match code {
        LOWER | FIXED => l,
        UPPER => u,
        _ => 0.0,
    }
}

/// Structural columns of a master under construction.
#[derive(Debug, Default)]
struct Parts {
    a: SpMat,
    cost: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// Sifting state: kept between solves by `LpSolver` for warm starts.
#[derive(Debug, Clone)]
pub(crate) struct Sifter {
    /// +1 to minimise, −1 to maximise.
    sign: f64,
    tol: Tol,
    /// Whether the master is scaled (false after an unscaled cleanup).
    scaled: bool,
    row_scale: Vec<f64>,
    /// Resting code of every model column ([`IN`] for master columns).
    rest: Vec<u8>,
    /// Master position of every model column (`u32::MAX` when out).
    slot: Vec<u32>,
    /// Model column of every master column.
    cols: Vec<u32>,
    /// Scale factor of every master column.
    col_scale: Vec<f64>,
    /// Row activity of the columns outside the master at rest.
    offset: Vec<f64>,
    /// Objective (minimisation) of the columns outside the master at rest.
    rest_obj: f64,
    /// Offsets need recomputing (a bound of a resting column changed).
    offset_dirty: bool,
    /// Rows pricing does not bucket by.
    dense: Vec<bool>,
    top: TopK,
    engine: Engine,
    /// The last master was infeasible: the next master solve is a primal
    /// (composite phase 1) simplex from its basis.
    repairing: bool,
    /// Whether the last master solve ended optimal (its basis is primal
    /// feasible for the master): only then is the basis a start worth
    /// handing to the general engine.
    last_optimal: bool,
    /// Set after `set_basis`: exact steepest-edge weights on the next solve.
    fresh_basis: bool,
    /// Whether a master has been solved or a basis given (the first master
    /// is rebuilt from the full crash only before either).
    solved: bool,
    /// Iterations a master solve may take per master row, a repairing one
    /// per master row, and on top of either (the constants, but for tests
    /// that drive a master solve into its cap).
    caps: (u64, u64, u64),
    stats: SiftingStats,
}

fn tol_of(options: &SolveOptions) -> Tol {
    let t = &options.tolerances;
    Tol {
        primal: t.primal_feasibility,
        dual: t.dual_feasibility,
        pivot: t.pivot,
    }
}

impl Sifter {
    /// Sifting state for `model`: resting values, the initial master and
    /// its scaling.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] for options out of range.
    pub(crate) fn new(model: &Model, options: &SolveOptions) -> Result<Self> {
        Self::build(model, options, false)
    }

    /// [`Sifter::new`] with the plain crash (`full` false: one greedy pass
    /// over each needy row's cheapest candidates) or the full crash (passes
    /// until every needy row is repaired, making room with relaxing
    /// columns), which costs more and makes a larger first master: it is
    /// used when the plain crash's first master is infeasible.
    fn build(model: &Model, options: &SolveOptions, full: bool) -> Result<Self> {
        options.validate()?;
        let (m, n) = (model.num_rows(), model.num_cols());
        if u32::try_from(n).is_err() || u32::try_from(m).is_err() {
            return Err(Error::model("more than 2^32 - 1 rows or columns"));
        }
        let sign = match model.sense() {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        };
        let (lo, up, c) = (model.col_lower(), model.col_upper(), model.costs());
        let rest: Vec<u8> = (0..n)
            .map(|j| rest_code(lo[j], up[j], sign * c[j] < 0.0))
            .collect();
        let a = model.matrix();
        let mut count = vec![0usize; m];
        for &i in a.indices() {
            count[i as usize] += 1;
        }
        let dense_at = (n / DENSE_FRACTION).max(DENSE_MIN);
        let dense = count.iter().map(|&k| k > dense_at).collect();
        let mut s = Self {
            sign,
            tol: tol_of(options),
            scaled: options.scaling,
            row_scale: vec![1.0; m],
            rest,
            slot: vec![u32::MAX; n],
            cols: Vec::new(),
            col_scale: Vec::new(),
            offset: vec![0.0; m],
            rest_obj: 0.0,
            offset_dirty: true,
            dense,
            top: TopK::new(m + 1, (PRICE_K << PRICE_K_DOUBLINGS).max(FARKAS_K)),
            engine: Engine::new(
                Lp::new(
                    m,
                    SpMat::default_for(0),
                    vec![0.0; m],
                    vec![0.0; m],
                    vec![0.0; m],
                ),
                tol_of(options),
            ),
            repairing: false,
            last_optimal: false,
            fresh_basis: false,
            solved: false,
            caps: (
                MAX_ROUND_ITERATIONS_PER_ROW,
                MAX_REPAIR_ITERATIONS_PER_ROW,
                ROUND_ITERATIONS_FLOOR,
            ),
            stats: SiftingStats::default(),
        };
        s.compute_offsets(model);
        let first = s.initial_columns(model, full);
        if options.scaling {
            s.row_scale = if a.nnz() <= FULL_SCALING_NNZ {
                let all: Vec<u32> = (0..n as u32).collect();
                Scaling::compute(m, &raw_columns(model, &all)).row
            } else {
                Scaling::compute(m, &raw_columns(model, &first)).row
            };
        }
        s.adopt(model, &first);
        let parts = s.parts(model, &first);
        let lp = s.finish(model, parts);
        s.engine = Engine::new(lp, s.tol);
        for k in 0..s.cols.len() {
            let j = s.cols[k] as usize;
            s.seat_at_rest(k, j, model);
        }
        s.stats.initial_columns = first.len();
        s.stats.full_crash = full;
        Ok(s)
    }

    /// The figures of the last solve.
    pub(crate) fn stats(&self) -> SiftingStats {
        self.stats
    }

    /// Recomputes the row activity of the resting columns outside the
    /// master.
    fn compute_offsets(&mut self, model: &Model) {
        self.offset.iter_mut().for_each(|o| *o = 0.0);
        self.rest_obj = 0.0;
        for j in 0..self.rest.len() {
            let code = self.rest[j];
            if code != IN {
                self.fold_rest(model, j, code, 1.0);
            }
        }
        self.offset_dirty = false;
    }

    /// Adds (`sign` = 1) or removes (−1) column `j` resting at `code` to or
    /// from the offsets and the resting objective.
    fn fold_rest(&mut self, model: &Model, j: usize, code: u8, sign: f64) {
        let v = rest_value(code, model.col_lower()[j], model.col_upper()[j]);
        if v != 0.0 {
            let v = sign * v;
            self.rest_obj += self.sign * model.costs()[j] * v;
            let (idx, val) = model.matrix().col(j);
            for (&i, &x) in idx.iter().zip(val) {
                self.offset[i as usize] += x * v;
            }
        }
    }

    /// The first working set: for every row whose activity at rest violates
    /// its bounds, the few columns that repair it at the least cost per
    /// unit; for every other sparse row, the cheapest such repairs that pass
    /// through it (so the first master can spread the repair over every
    /// row's columns instead of crowding the rows the cheapest repairs
    /// share, which would leave it infeasible); the greedy crash's columns;
    /// and the columns that price out against zero duals (best few per
    /// row).
    fn initial_columns(&mut self, model: &Model, full: bool) -> Vec<u32> {
        let m = model.num_rows();
        let tp = self.tol.primal;
        let (rl, ru) = (model.row_lower(), model.row_upper());
        let need: Vec<f64> = (0..m)
            .map(|i| {
                let o = self.offset[i];
                if o < rl[i] - tp * (1.0 + rl[i].abs()) {
                    1.0
                } else if o > ru[i] + tp * (1.0 + ru[i].abs()) {
                    -1.0
                } else {
                    0.0
                }
            })
            .collect();
        let ones = vec![1.0; m];
        let zeros = vec![0.0; m];
        let (sign, td, c) = (self.sign, self.tol.dual, model.costs());
        let mut need_top = TopK::new(m, CRASH_K);
        let mut spread_top = TopK::new(m, SPREAD_K);
        let mut relax_top = TopK::new(if full { m } else { 0 }, RELAX_K);
        self.top.set_k(PRICE_K);
        let top = &mut self.top;
        let dense = &self.dense;
        scan_out(model, &self.rest, &zeros, |j, code, _, idx, val| {
            let cj = sign * c[j];
            let v = violation(code, cj);
            if v > 0.0 {
                let score = v * col_scale(idx, val, &ones);
                if score > td {
                    offer_by_rows(top, dense, m, (idx, val), &ones, score, j as u32);
                }
            }
            for (&i, &a) in idx.iter().zip(val) {
                let iu = i as usize;
                let ni = need[iu];
                if ni == 0.0 {
                    if full && (code == LOWER || code == UPPER) && !dense[iu] {
                        let g = a * move_dir(code, 0.0);
                        // one-sided rows only: a move away from the bound
                        // must not run into the other one
                        if (g < 0.0 && ru[iu] < f64::INFINITY && rl[iu] == f64::NEG_INFINITY)
                            || (g > 0.0 && rl[iu] > f64::NEG_INFINITY && ru[iu] == f64::INFINITY)
                        {
                            relax_top.offer(iu, -cj * move_dir(code, 0.0) / a.abs(), j as u32);
                        }
                    }
                    continue;
                }
                let dir = move_dir(code, a * ni);
                if a * dir * ni > 0.0 {
                    let score = -cj * dir / a.abs();
                    need_top.offer(i as usize, score, j as u32);
                    for &r in idx {
                        let r = r as usize;
                        if need[r] == 0.0 && !dense[r] {
                            spread_top.offer(r, score, j as u32);
                        }
                    }
                }
            }
        });
        let mut cands = Vec::new();
        self.top.drain(&mut cands);
        spread_top.drain(&mut cands);
        let relax: Vec<Vec<u32>> = if full {
            (0..m)
                .map(|i| relax_top.sorted(i).into_iter().map(|(_, j)| j).collect())
                .collect()
        } else {
            vec![Vec::new(); m]
        };
        relax_top.drain(&mut cands);
        // Greedy crash: repair the needy rows one by one with their cheapest
        // candidates, never pushing another row past its bounds; then, while
        // some needy row is still short and the last pass moved something,
        // a pass over the columns that still have room.
        let mut crash = Crash {
            model,
            rest: &self.rest,
            tp,
            sign,
            act: self.offset.clone(),
            moved: std::collections::BTreeMap::new(),
            relax,
        };
        let mut short = Vec::new();
        for (i, &ni) in need.iter().enumerate() {
            if ni == 0.0 {
                continue;
            }
            let list = need_top.sorted(i);
            cands.extend(list.iter().take(INIT_K).copied());
            if !crash.repair(i, ni, &list) {
                short.push(i);
            }
        }
        need_top.drain(&mut Vec::new());
        for _ in 0..if full { CRASH_PASSES } else { 0 } {
            if short.is_empty() {
                break;
            }
            let mut still = vec![0.0; m];
            for &i in &short {
                still[i] = need[i];
            }
            crash.offer_with_room(&still, &mut need_top);
            crate::solver::mip::trace!("sifting crash pass: {} rows short", short.len());
            let before = crash.moved.len();
            let mut progress = false;
            short.retain(|&i| {
                let list = need_top.sorted(i);
                let was = crash.shortfall(i, still[i]);
                let done = crash.repair(i, still[i], &list);
                progress |= crash.shortfall(i, still[i]) < was;
                !done
            });
            need_top.drain(&mut Vec::new());
            if !progress && crash.moved.len() == before {
                break;
            }
        }
        crate::solver::mip::trace!(
            "sifting crash: {} rows short, {} moved",
            short.len(),
            crash.moved.len()
        );
        let moved = crash.moved;
        cands.extend(moved.keys().map(|&j| (f64::INFINITY, j)));
        pick(cands, usize::MAX)
    }

    /// Marks `add` (columns outside the master, ascending) as master
    /// columns: slots, resting bookkeeping and offsets. The engine is not
    /// touched.
    fn adopt(&mut self, model: &Model, add: &[u32]) {
        for &j in add {
            let j = j as usize;
            self.fold_rest(model, j, self.rest[j], -1.0);
            self.rest[j] = IN;
            // Sizes were checked to fit u32 in `new`.
            self.slot[j] = self.cols.len() as u32;
            self.cols.push(j as u32);
        }
    }

    /// Scaled structural columns for the model columns `cols`; also sets
    /// `col_scale` for them when they are the whole master.
    fn parts(&mut self, model: &Model, cols: &[u32]) -> Parts {
        let mut p = Parts::default();
        Arc::make_mut(&mut p.a.start).push(0);
        self.col_scale.clear();
        self.append(model, cols, &mut p);
        p
    }

    /// Appends the scaled columns `add` to `p` and their factors to
    /// `col_scale`.
    fn append(&mut self, model: &Model, add: &[u32], p: &mut Parts) {
        let a = model.matrix();
        let (lo, up, c) = (model.col_lower(), model.col_upper(), model.costs());
        for &j in add {
            let j = j as usize;
            let (idx, val) = a.col(j);
            let ck = if self.scaled {
                col_scale(idx, val, &self.row_scale)
            } else {
                1.0
            };
            let index = Arc::make_mut(&mut p.a.index);
            for (&i, &v) in idx.iter().zip(val) {
                index.push(i);
                p.a.value.push(v * self.row_scale[i as usize] * ck);
            }
            let len = index.len();
            Arc::make_mut(&mut p.a.start).push(len);
            p.cost.push(self.sign * c[j] * ck);
            p.lower.push(lo[j] / ck);
            p.upper.push(up[j] / ck);
            self.col_scale.push(ck);
        }
    }

    /// Scaled bounds of row `i`'s logical (`s = −(Ax)`, offsets removed).
    fn logical_bounds(&self, model: &Model, i: usize) -> (f64, f64) {
        let (o, r) = (self.offset[i], self.row_scale[i]);
        (
            -(model.row_upper()[i] - o) * r,
            -(model.row_lower()[i] - o) * r,
        )
    }

    /// The master's computational form from its structural parts.
    fn finish(&self, model: &Model, mut p: Parts) -> Lp {
        let m = model.num_rows();
        for i in 0..m {
            let (l, u) = self.logical_bounds(model, i);
            p.cost.push(0.0);
            p.lower.push(l);
            p.upper.push(u);
        }
        Lp::new(m, p.a, p.cost, p.lower, p.upper)
    }

    /// Places master column `k` (model column `j`) nonbasic at its resting
    /// bound.
    fn seat_at_rest(&mut self, k: usize, j: usize, model: &Model) {
        let code = rest_code(
            model.col_lower()[j],
            model.col_upper()[j],
            self.engine.cost[k] < 0.0,
        );
        let want = if code == UPPER { -1 } else { 1 };
        self.engine.place_nonbasic(k, want);
    }

    /// Adds the columns `add` (outside the master, ascending) to the master
    /// in place: the basis, its factor and the edge weights are kept (the
    /// new columns are nonbasic at their resting bounds, so the basis stays
    /// primal feasible).
    fn grow(&mut self, model: &Model, add: &[u32]) {
        if add.is_empty() {
            return;
        }
        let codes: Vec<u8> = add.iter().map(|&j| self.rest[j as usize]).collect();
        self.adopt(model, add);
        let e = &mut self.engine;
        let (m, n0) = (e.lp.m, e.lp.n);
        let mut p = Parts {
            a: std::mem::take(&mut e.lp.a),
            cost: e.lp.cost[..n0].to_vec(),
            lower: e.lp.lower[..n0].to_vec(),
            upper: e.lp.upper[..n0].to_vec(),
        };
        self.append(model, add, &mut p);
        let lp = self.finish(model, p);
        let e = &mut self.engine;
        let na = add.len();
        e.lp = lp;
        for b in &mut e.basic {
            if *b >= n0 {
                *b += na;
            }
        }
        widen(&mut e.pos, n0, na, NONBASIC);
        widen(&mut e.mv, n0, na, 0);
        widen(&mut e.x, n0, na, 0.0);
        widen(&mut e.d, n0, na, 0.0);
        e.cost.clone_from(&e.lp.cost);
        e.lower.clone_from(&e.lp.lower);
        e.upper.clone_from(&e.lp.upper);
        e.row_ap = SparseVec::new(n0 + na);
        for (t, &code) in codes.iter().enumerate() {
            let want = if code == UPPER { -1 } else { 1 };
            e.place_nonbasic(n0 + t, want);
        }
        debug_assert_eq!(e.lp.nt(), n0 + na + m);
    }

    /// The master's basis statuses (master columns, then rows).
    fn master_statuses(&self) -> (Vec<BasisStatus>, Vec<BasisStatus>) {
        let e = &self.engine;
        let n = e.lp.n;
        let status = |j: usize, logical: bool| -> BasisStatus {
            if e.is_basic(j) {
                return BasisStatus::Basic;
            }
            let (l, u) = (e.lp.lower[j], e.lp.upper[j]);
            match (e.mv[j], logical) {
                (1, false) | (-1, true) => BasisStatus::AtLower,
                (-1, false) | (1, true) => BasisStatus::AtUpper,
                _ if l == u => BasisStatus::AtLower,
                _ => BasisStatus::Zero,
            }
        };
        (
            (0..n).map(|k| status(k, false)).collect(),
            (0..e.lp.m).map(|i| status(n + i, true)).collect(),
        )
    }

    /// Rebuilds the master engine from scratch on the current columns and
    /// scaling, seated on the given statuses (which must have one basic
    /// entry per row).
    fn rebuild(&mut self, model: &Model, cols: &[BasisStatus], rows: &[BasisStatus]) {
        let list = self.cols.clone();
        let parts = self.parts(model, &list);
        let lp = self.finish(model, parts);
        let mut e = Engine::new(lp, self.tol);
        let (m, n) = (e.lp.m, e.lp.n);
        let mut k = 0;
        for j in 0..n + m {
            let s = if j < n { cols[j] } else { rows[j - n] };
            e.pos[j] = NONBASIC;
            if s == BasisStatus::Basic && k < m {
                e.basic[k] = j;
                e.pos[j] = k as u32;
                e.mv[j] = 0;
                k += 1;
            }
        }
        for j in 0..n + m {
            let logical = j >= n;
            let s = if logical { rows[j - n] } else { cols[j] };
            if e.pos[j] != NONBASIC {
                continue;
            }
            let want = match (s, logical) {
                (BasisStatus::AtLower, false) | (BasisStatus::AtUpper, true) => 1,
                (BasisStatus::AtUpper, false) | (BasisStatus::AtLower, true) => -1,
                _ => 1,
            };
            e.place_nonbasic(j, want);
        }
        e.factor_ok = false;
        e.iterations = self.engine.iterations;
        e.limits = self.engine.limits;
        self.engine = e;
        self.fresh_basis = true;
    }

    /// Sends the master's clearly unattractive nonbasic columns back to
    /// rest when the master has grown past `DROP_ABOVE_PER_ROW` columns per
    /// row (see the constants). A dropped column keeps the bound it sits at
    /// as its resting bound, so the offsets absorb exactly its activity: the
    /// point, the basis and the objective are unchanged, and pricing brings
    /// the column back if the duals ever make it attractive. Only at an
    /// optimal master.
    fn trim(&mut self, model: &Model) {
        let (m, n) = (self.engine.lp.m, self.engine.lp.n);
        if n <= DROP_ABOVE_PER_ROW * m.max(1) {
            return;
        }
        let e = &mut self.engine;
        e.cost.copy_from_slice(&e.lp.cost);
        let ys = e.row_duals();
        let thr = DROP_MARGIN * self.tol.dual;
        let mut out: Vec<(f64, usize)> = (0..n)
            .filter(|&k| !e.is_basic(k) && (e.mv[k] == 1 || e.mv[k] == -1))
            .filter_map(|k| {
                let (idx, val) = e.lp.a.line(k);
                let d = e.lp.cost[k]
                    - idx
                        .iter()
                        .zip(val)
                        .map(|(&i, &a)| a * ys[i as usize])
                        .sum::<f64>();
                // how far the column is from entering, in its direction
                let away = if e.mv[k] == 1 { d } else { -d };
                (away > thr).then_some((away, k))
            })
            .collect();
        let excess = n.saturating_sub(DROP_TO_PER_ROW * m);
        if out.is_empty() || excess == 0 {
            return;
        }
        // largest margin first, ties by position: deterministic
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out.truncate(excess);
        let mut drop = vec![false; n];
        for &(_, k) in &out {
            drop[k] = true;
        }
        let (cols, rows) = self.master_statuses();
        let (lo, up) = (model.col_lower(), model.col_upper());
        let mut kept_cols = Vec::with_capacity(n - out.len());
        let mut kept_status = Vec::with_capacity(n - out.len());
        for k in 0..n {
            let j = self.cols[k] as usize;
            if !drop[k] {
                // Sizes were checked to fit u32 in `new`.
                self.slot[j] = kept_cols.len() as u32;
                kept_cols.push(j as u32);
                kept_status.push(cols[k]);
                continue;
            }
            let code = if cols[k] == BasisStatus::AtUpper {
                UPPER
            } else if lo[j] == up[j] {
                FIXED
            } else {
                LOWER
            };
            self.fold_rest(model, j, code, 1.0);
            self.rest[j] = code;
            self.slot[j] = u32::MAX;
        }
        self.cols = kept_cols;
        self.rebuild(model, &kept_status, &rows);
        self.stats.dropped += out.len();
    }

    /// Drops the scaling (all factors 1) and rebuilds the master on the same
    /// basis: the cleanup when the scaled optimum is not optimal enough
    /// unscaled.
    fn unscale(&mut self, model: &Model) {
        let (cols, rows) = self.master_statuses();
        self.scaled = false;
        self.row_scale.iter_mut().for_each(|r| *r = 1.0);
        self.rebuild(model, &cols, &rows);
    }

    /// Row duals of the master, unscaled, for the minimisation.
    fn duals_min(&mut self) -> Vec<f64> {
        let e = &mut self.engine;
        e.cost.copy_from_slice(&e.lp.cost);
        let ys = e.row_duals();
        ys.iter().zip(&self.row_scale).map(|(v, r)| v * r).collect()
    }

    /// A pricing pass: the columns outside the master whose reduced cost
    /// (against `y`, unscaled, minimisation) has the wrong sign for their
    /// resting bound beyond the dual tolerance (measured on the column as
    /// the master would scale it), best few per row.
    fn price(&mut self, model: &Model, y: &[f64]) -> Vec<u32> {
        let m = model.num_rows();
        let (sign, td, c) = (self.sign, self.tol.dual, model.costs());
        let scaled = self.scaled;
        // Rounds that do not finish bring in more columns each: the
        // per-bucket count doubles every `PRICE_K_EVERY` rounds.
        let doublings = (self.stats.rounds / PRICE_K_EVERY).min(PRICE_K_DOUBLINGS);
        self.top.set_k(PRICE_K << doublings);
        let (top, dense, rs) = (&mut self.top, &self.dense, &self.row_scale);
        scan_out(model, &self.rest, y, |j, code, z, idx, val| {
            let v = violation(code, sign * c[j] - z);
            if v > td * 1e-3 {
                let score = if scaled {
                    v * col_scale(idx, val, rs)
                } else {
                    v
                };
                if score > td {
                    offer_by_rows(top, dense, m, (idx, val), y, score, j as u32);
                }
            }
        });
        let mut cands = Vec::new();
        self.top.drain(&mut cands);
        pick(cands, CAP_PERCENT * m.max(50) / 100)
    }

    /// Farkas pricing: the columns outside the master that could break the
    /// master's infeasibility proof `y` (unscaled): `z_j = a_jᵀy` positive
    /// with room to move up from rest, or negative with room to move down.
    fn price_farkas(&mut self, model: &Model, y: &[f64]) -> Vec<u32> {
        let m = model.num_rows();
        let ymax = y
            .iter()
            .zip(&self.row_scale)
            .fold(0.0f64, |a, (v, r)| a.max((v / r).abs()));
        let tiny = 1e-9 * ymax;
        let scaled = self.scaled;
        let c = model.costs();
        self.top.set_k(FARKAS_K);
        let (top, dense, rs) = (&mut self.top, &self.dense, &self.row_scale);
        scan_out(model, &self.rest, y, |j, code, z, idx, val| {
            let v = violation(code, -z);
            if v > 0.0 {
                let cs = if scaled { col_scale(idx, val, rs) } else { 1.0 };
                if v * cs > tiny {
                    // Help per unit of cost (both scale alike with the column).
                    let score = v / c[j].abs().max(1e-9 * v);
                    offer_by_rows(top, dense, m, (idx, val), y, score, j as u32);
                }
            }
        });
        let mut cands = Vec::new();
        self.top.drain(&mut cands);
        pick(cands, CAP_PERCENT * m.max(50) / 100)
    }

    /// Sets the limits and refreshes what changed since the last solve.
    fn prepare(&mut self, model: &Model, options: &SolveOptions, start: Instant) {
        self.tol = tol_of(options);
        if self.offset_dirty {
            self.compute_offsets(model);
        }
        let n = self.engine.lp.n;
        for i in 0..model.num_rows() {
            let (l, u) = self.logical_bounds(model, i);
            self.engine.lp.lower[n + i] = l;
            self.engine.lp.upper[n + i] = u;
        }
        let e = &mut self.engine;
        e.tol = self.tol;
        e.limits = Limits {
            max_iterations: options.iteration_limit,
            deadline: options.deadline_from(start),
        };
        e.iterations = 0;
        self.stats = SiftingStats {
            initial_columns: self.stats.initial_columns,
            full_crash: self.stats.full_crash,
            ..SiftingStats::default()
        };
    }

    /// Solves the LP by sifting from the current master and basis.
    /// `Ok(None)` means sifting gave up (no progress, or the engine failed
    /// on a master): the caller finishes with the general engine, warm from
    /// [`Sifter::basis`].
    ///
    /// # Errors
    /// None at present beyond what the engine reports; kept fallible for
    /// the caller's uniformity.
    pub(crate) fn solve(
        &mut self,
        model: &Model,
        options: &SolveOptions,
    ) -> Result<Option<Solution>> {
        let start = Instant::now();
        self.prepare(model, options, start);
        let method = match options.algorithm {
            Algorithm::PrimalSimplex => Method::Primal,
            _ => Method::Dual,
        };
        let deadline = options.deadline_from(start);
        let (mut best, mut stalled) = (f64::INFINITY, 0usize);
        let user_limit = options.iteration_limit;
        loop {
            if self.stats.rounds >= MAX_ROUNDS || stalled > MAX_STALLED_ROUNDS {
                crate::solver::mip::trace!(
                    "sifting gives up: {} rounds, {stalled} stalled",
                    self.stats.rounds
                );
                return Ok(None);
            }
            // Sizes fit u32 (checked in `new`), so the product fits u64.
            let rows = self.engine.lp.m as u64;
            let (round, repair, floor) = self.caps;
            let per_row = if self.repairing { repair } else { round };
            let round_cap = self.engine.iterations + per_row * rows + floor;
            self.engine.limits.max_iterations =
                Some(user_limit.map_or(round_cap, |u| u.min(round_cap)));
            self.stats.rounds += 1;
            let t = Instant::now();
            if self.fresh_basis {
                if self.engine.factorize().is_err() {
                    crate::solver::mip::trace!("sifting gives up: the master basis did not factor");
                    return Ok(None);
                }
                if self.engine.lp.m <= EXACT_DSE_MAX_ROWS {
                    self.engine.compute_exact_dse();
                } else {
                    self.engine.dse.iter_mut().for_each(|w| *w = 1.0);
                }
                self.fresh_basis = false;
            }
            let round_method = if std::mem::take(&mut self.repairing) {
                self.stats.repairs += 1;
                Method::Primal
            } else {
                method
            };
            let iters_before = self.engine.iterations;
            let Ok(outcome) = self.engine.run(round_method) else {
                crate::solver::mip::trace!("sifting gives up: the master solve failed");
                return Ok(None);
            };
            crate::solver::mip::trace!(
                "sifting round {}: {:?} master {} x {}, {} iterations, {:.3}s, objective {:.9e}",
                self.stats.rounds,
                round_method,
                self.engine.lp.m,
                self.engine.lp.n,
                self.engine.iterations - iters_before,
                t.elapsed().as_secs_f64(),
                self.master_objective()
            );
            self.stats.master_time += t.elapsed();
            self.stats.iterations = self.engine.iterations;
            let first_master = !std::mem::replace(&mut self.solved, true);
            let t = Instant::now();
            self.last_optimal = matches!(outcome, Outcome::Optimal);
            let add = match outcome {
                Outcome::Optimal => {
                    let y = self.duals_min();
                    let add = self.price(model, &y);
                    if add.is_empty() {
                        self.stats.pricing_time += t.elapsed();
                        let sol = self.solution(model, Status::Optimal, start);
                        if self.scaled && options.scaling {
                            let (pv, dv) = self.violations(model, &sol);
                            let tl = &options.tolerances;
                            if pv > tl.primal_feasibility || dv > tl.dual_feasibility {
                                self.unscale(model);
                                continue;
                            }
                        }
                        return Ok(Some(sol));
                    }
                    let obj = self.master_objective();
                    if improves(obj, best) {
                        best = obj;
                        stalled = 0;
                    } else {
                        stalled += 1;
                    }
                    add
                }
                Outcome::Infeasible(_) if first_master && !self.stats.full_crash => {
                    // The plain crash's first master cannot meet the rows:
                    // start again from the full crash's.
                    crate::solver::mip::trace!(
                        "sifting: first master infeasible, rebuilt from the full crash"
                    );
                    let (rounds, caps, it) = (self.stats.rounds, self.caps, self.engine.iterations);
                    *self = Self::build(model, options, true)?;
                    self.caps = caps;
                    self.prepare(model, options, start);
                    self.stats.rounds = rounds;
                    self.engine.iterations = it;
                    self.solved = true;
                    continue;
                }
                Outcome::Infeasible(ys) => {
                    let y: Vec<f64> = ys.iter().zip(&self.row_scale).map(|(v, r)| v * r).collect();
                    let add = self.price_farkas(model, &y);
                    if add.is_empty() {
                        self.stats.pricing_time += t.elapsed();
                        return Ok(farkas_full(model, &y).map(|y| {
                            let mut sol = self.solution(model, Status::Infeasible, start);
                            sol.certificate = Some(Certificate::Farkas(y));
                            sol
                        }));
                    }
                    stalled = 0;
                    self.stats.pricing_time += t.elapsed();
                    self.grow(model, &add);
                    // The new columns rest at bounds that keep the point:
                    // the primal simplex's phase 1 continues from this
                    // basis with them. (Shifting their costs to keep the
                    // dual simplex going needs shifts as large as the
                    // Farkas duals, which can swamp the true costs.)
                    self.repairing = true;
                    continue;
                }
                Outcome::Unbounded(ray) => {
                    let mut sol = self.solution(model, Status::Unbounded, start);
                    let mut r = vec![0.0; model.num_cols()];
                    for (k, &j) in self.cols.iter().enumerate() {
                        r[j as usize] = ray[k] * self.col_scale[k];
                    }
                    sol.certificate = Some(Certificate::Ray(r));
                    return Ok(Some(sol));
                }
                Outcome::IterationLimit
                    if user_limit.is_none_or(|u| self.engine.iterations < u) =>
                {
                    // The round's own cap: this master solve stalled.
                    crate::solver::mip::trace!(
                        "sifting gives up: a master solve reached its iteration cap"
                    );
                    return Ok(None);
                }
                Outcome::IterationLimit => {
                    return Ok(Some(self.solution(model, Status::IterationLimit, start)));
                }
                Outcome::TimeLimit => {
                    return Ok(Some(self.solution(model, Status::TimeLimit, start)));
                }
            };
            self.stats.pricing_time += t.elapsed();
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(Some(self.solution(model, Status::TimeLimit, start)));
            }
            self.trim(model);
            self.grow(model, &add);
        }
    }

    /// The objective of the whole model at the master's point
    /// (minimisation, without the constant).
    fn master_objective(&self) -> f64 {
        let e = &self.engine;
        let v = e.values();
        self.rest_obj + (0..e.lp.n).map(|k| e.lp.cost[k] * v[k]).sum::<f64>()
    }

    /// Column values of the whole model: master values unscaled, every
    /// other column at rest.
    fn point(&self, model: &Model) -> Vec<f64> {
        let (lo, up) = (model.col_lower(), model.col_upper());
        let mut x: Vec<f64> = self
            .rest
            .iter()
            .enumerate()
            .map(|(j, &code)| {
                if code == IN {
                    0.0
                } else {
                    rest_value(code, lo[j], up[j])
                }
            })
            .collect();
        let v = self.engine.values();
        for (k, &j) in self.cols.iter().enumerate() {
            x[j as usize] = v[k] * self.col_scale[k];
        }
        x
    }

    /// The solution of the whole model for `status` (vectors filled except
    /// for infeasible, whose certificate the caller adds).
    fn solution(&mut self, model: &Model, status: Status, start: Instant) -> Solution {
        let mut sol = Solution {
            status,
            objective: None,
            x: Vec::new(),
            row_activity: Vec::new(),
            row_dual: Vec::new(),
            reduced_cost: Vec::new(),
            basis: Some(self.basis(model)),
            certificate: None,
            iterations: self.engine.iterations,
            solve_time: Duration::ZERO,
            mip: None,
        };
        self.stats.iterations = self.engine.iterations;
        self.stats.master_columns = self.cols.len();
        if status != Status::Infeasible {
            let x = self.point(model);
            sol.row_activity = model.row_activity(&x);
            sol.objective = Some(model.objective_value(&x));
            sol.x = x;
            if status != Status::Unbounded {
                let sign = self.sign;
                let y: Vec<f64> = self.duals_min().iter().map(|v| sign * v).collect();
                sol.reduced_cost = reduced_costs(model, &y);
                sol.row_dual = y;
            }
        }
        sol.solve_time = start.elapsed();
        sol
    }

    /// Whether the basis is a start worth handing to the general engine
    /// when sifting gives up: the last master solve ended optimal. A basis
    /// left mid-way through a primal phase 1 (a master still infeasible)
    /// is neither primal nor dual feasible for the whole LP; on a fleet
    /// plan's fractional LP (2,000 pools x 500 phases) the general engine
    /// made 12k iterations from it in 220 s, and solved the LP cold in
    /// 102 s.
    pub(crate) fn basis_worth_keeping(&self) -> bool {
        self.last_optimal
    }

    /// Sets the iteration caps of a master solve (per master row, per
    /// master row when repairing, and on top), to drive sifting into them.
    #[cfg(test)]
    pub(crate) fn set_caps(&mut self, round: u64, repair: u64, floor: u64) {
        self.caps = (round, repair, floor);
    }

    /// The basis of the whole model: the master's, with every other column
    /// nonbasic at rest.
    pub(crate) fn basis(&self, model: &Model) -> Basis {
        let (mc, rows) = self.master_statuses();
        debug_assert_eq!(self.rest.len(), model.num_cols());
        let mut col_status: Vec<BasisStatus> = self
            .rest
            .iter()
            .map(|&code| match code {
                UPPER => BasisStatus::AtUpper,
                FREE_ZERO => BasisStatus::Zero,
                _ => BasisStatus::AtLower,
            })
            .collect();
        for (k, &j) in self.cols.iter().enumerate() {
            col_status[j as usize] = mc[k];
        }
        Basis {
            col_status,
            row_status: rows,
        }
    }

    /// Starts the next solve from `basis` (of the whole model): its basic
    /// columns join the master, resting columns take the side it names.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] if the lengths do not match the model or
    /// the number of basic entries is not the number of rows.
    pub(crate) fn set_basis(&mut self, model: &Model, basis: &Basis) -> Result<()> {
        let (m, n) = (model.num_rows(), model.num_cols());
        basis.check_shape(m, n)?;
        // A given basis is the caller's start: never replaced by a crash.
        self.solved = true;
        let (lo, up) = (model.col_lower(), model.col_upper());
        let mut add = Vec::new();
        for (j, &s) in basis.col_status.iter().enumerate() {
            if self.rest[j] == IN {
                continue;
            }
            match s {
                BasisStatus::Basic => add.push(j as u32),
                BasisStatus::AtUpper => self.rest[j] = rest_code(lo[j], up[j], true),
                BasisStatus::AtLower | BasisStatus::Zero => {
                    self.rest[j] = rest_code(lo[j], up[j], false);
                }
            }
        }
        self.compute_offsets(model);
        self.adopt(model, &add);
        let cols: Vec<BasisStatus> = self
            .cols
            .iter()
            .map(|&j| basis.col_status[j as usize])
            .collect();
        self.rebuild(model, &cols, &basis.row_status);
        Ok(())
    }

    /// Column `j`'s cost changed in the model.
    pub(crate) fn cost_changed(&mut self, model: &Model, j: usize) {
        let k = self.slot[j];
        if k != u32::MAX {
            let k = k as usize;
            self.engine.lp.cost[k] = self.sign * model.costs()[j] * self.col_scale[k];
        } else {
            // The resting objective changed; a boxed column also rests
            // where its new cost prefers.
            let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
            if self.rest[j] == LOWER || self.rest[j] == UPPER {
                self.rest[j] = rest_code(l, u, self.sign * model.costs()[j] < 0.0);
            }
            self.offset_dirty = true;
        }
    }

    /// Column `j`'s bounds changed in the model.
    pub(crate) fn bounds_changed(&mut self, model: &Model, j: usize) {
        let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
        let k = self.slot[j];
        if k != u32::MAX {
            let k = k as usize;
            let ck = self.col_scale[k];
            self.engine.lp.lower[k] = l / ck;
            self.engine.lp.upper[k] = u / ck;
        } else {
            let prefer_upper = self.rest[j] == UPPER;
            self.rest[j] = rest_code(l, u, prefer_upper);
            self.offset_dirty = true;
        }
    }

    /// Largest primal and dual violations of `sol` (absolute, unscaled),
    /// as the general engine measures them.
    fn violations(&self, model: &Model, sol: &Solution) -> (f64, f64) {
        let Some(basis) = &sol.basis else {
            return (0.0, 0.0);
        };
        let sg = self.sign;
        let (mut pv, mut dv) = (0.0f64, 0.0f64);
        let mut one = |v: f64, l: f64, u: f64, d: f64, st: BasisStatus| {
            pv = pv.max(l - v).max(v - u);
            let d = sg * d;
            let viol = match st {
                BasisStatus::Basic | BasisStatus::Zero => d.abs(),
                _ if l == u => 0.0,
                BasisStatus::AtLower => (-d).max(0.0),
                BasisStatus::AtUpper => d.max(0.0),
            };
            dv = dv.max(viol);
        };
        for j in 0..model.num_cols() {
            one(
                sol.x[j],
                model.col_lower()[j],
                model.col_upper()[j],
                sol.reduced_cost[j],
                basis.col_status[j],
            );
        }
        for i in 0..model.num_rows() {
            one(
                sol.row_activity[i],
                model.row_lower()[i],
                model.row_upper()[i],
                sol.row_dual[i],
                basis.row_status[i],
            );
        }
        (pv, dv)
    }
}

/// Offers column `j` to the bucket of its sparse row with the largest
/// term `|a_ij w_i|` (ties: the first), or to the shared bucket `m` when
/// it has no sparse row.
#[inline]
fn offer_by_rows(
    top: &mut TopK,
    dense: &[bool],
    m: usize,
    (idx, val): (&[u32], &[f64]),
    w: &[f64],
    score: f64,
    j: u32,
) {
    let mut best = m;
    let mut big = -1.0;
    for (&i, &a) in idx.iter().zip(val) {
        let i = i as usize;
        if !dense[i] {
            let t = (a * w[i]).abs();
            if t > big {
                big = t;
                best = i;
            }
        }
    }
    top.offer(best, score, j);
}

/// Whether [`Crash::room`] counts the room relaxing columns can make.
#[derive(Clone, Copy)]
enum Relaxed<'a> {
    No,
    Now,
    Cached(&'a [f64], &'a [f64]),
}

/// The greedy crash of the initial selection: a point moved from rest, one
/// needy row at a time, never pushing another row past its bounds.
struct Crash<'a> {
    model: &'a Model,
    rest: &'a [u8],
    tp: f64,
    /// +1 to minimise, −1 to maximise.
    sign: f64,
    /// Row activity at the crash point.
    act: Vec<f64>,
    /// Crash value of every column moved from rest.
    moved: std::collections::BTreeMap<u32, f64>,
    /// Per row, the cheapest columns that relax it (move it away from a
    /// finite bound): a repair may push a row past its bound as far as
    /// these can make room, and then moves them.
    relax: Vec<Vec<u32>>,
}

impl Crash<'_> {
    /// How far row `i` (needing to rise when `ni > 0`, fall when `ni < 0`)
    /// is from its bound (0 when within the tolerance).
    fn shortfall(&self, i: usize, ni: f64) -> f64 {
        let (rl, ru) = (self.model.row_lower()[i], self.model.row_upper()[i]);
        let rem = if ni > 0.0 {
            rl - self.act[i]
        } else {
            self.act[i] - ru
        };
        if rem <= self.tp * (1.0 + rl.abs().min(ru.abs())) {
            0.0
        } else {
            rem
        }
    }

    /// Current crash value of column `j`.
    fn value(&self, j: usize) -> f64 {
        let (lo, up) = (self.model.col_lower(), self.model.col_upper());
        self.moved
            .get(&(j as u32))
            .copied()
            .unwrap_or_else(|| rest_value(self.rest[j], lo[j], up[j]))
    }

    /// The largest step column `j` can take in direction `dir` without
    /// leaving its bounds or pushing a row other than `skip` past its
    /// bounds, counting the room the rows' relaxing columns can make when
    /// `relaxed` (computed now, or read from `cached`: per row, the room
    /// upward and downward).
    fn room(&self, j: usize, dir: f64, skip: usize, relaxed: Relaxed<'_>) -> f64 {
        self.room_skipping(j, dir, |r, _| r == skip, relaxed)
    }

    /// [`Crash::room`] skipping the rows `r` for which `skip(r, g)` holds
    /// (`g` the row's change per unit step).
    fn room_skipping(
        &self,
        j: usize,
        dir: f64,
        skip: impl Fn(usize, f64) -> bool,
        relaxed: Relaxed<'_>,
    ) -> f64 {
        let m = self.model;
        let (rl, ru) = (m.row_lower(), m.row_upper());
        let x = self.value(j);
        let mut step = if dir > 0.0 {
            m.col_upper()[j] - x
        } else {
            x - m.col_lower()[j]
        };
        let (idx, val) = m.matrix().col(j);
        for (&r, &v) in idx.iter().zip(val) {
            let r = r as usize;
            let g = v * dir;
            if skip(r, g) {
                continue;
            }
            let slack = if g > 0.0 && ru[r] < f64::INFINITY {
                ru[r] - self.act[r]
            } else if g < 0.0 && rl[r] > f64::NEG_INFINITY {
                self.act[r] - rl[r]
            } else {
                continue;
            };
            let extra = match relaxed {
                Relaxed::No => 0.0,
                Relaxed::Now => self.relax_room(r, g),
                Relaxed::Cached(up, down) => {
                    if g > 0.0 {
                        up[r]
                    } else {
                        down[r]
                    }
                }
            };
            step = step.min((slack + extra) / g.abs());
        }
        step
    }

    /// Per row, the room its relaxing columns can make upward and
    /// downward at the current point.
    fn relax_rooms(&self) -> (Vec<f64>, Vec<f64>) {
        let m = self.model.num_rows();
        let (mut up, mut down) = (vec![0.0; m], vec![0.0; m]);
        for r in 0..m {
            if !self.relax[r].is_empty() {
                up[r] = self.relax_room(r, 1.0);
                down[r] = self.relax_room(r, -1.0);
            }
        }
        (up, down)
    }

    /// How far row `r` can be moved against the direction `g` by its
    /// relaxing columns (each within its bounds and its other rows).
    fn relax_room(&self, r: usize, g: f64) -> f64 {
        let mut total = 0.0;
        for &jr in &self.relax[r] {
            let jr = jr as usize;
            let Some(v) = self.coef(jr, r) else { continue };
            let dir = move_dir(self.rest[jr], -g * v);
            if v * dir * g < 0.0 {
                total += self.room(jr, dir, r, Relaxed::No).max(0.0) * v.abs();
            }
        }
        total
    }

    /// Coefficient of column `j` in row `r`.
    fn coef(&self, j: usize, r: usize) -> Option<f64> {
        let (idx, val) = self.model.matrix().col(j);
        idx.iter().position(|&i| i as usize == r).map(|p| val[p])
    }

    /// Moves column `j` by `step` in direction `dir`.
    fn shift(&mut self, j: usize, dir: f64, step: f64) {
        let (idx, val) = self.model.matrix().col(j);
        for (&r, &v) in idx.iter().zip(val) {
            self.act[r as usize] += v * dir * step;
        }
        let x = self.value(j);
        self.moved.insert(j as u32, x + dir * step);
    }

    /// Brings row `r`, pushed past a bound, back with its relaxing
    /// columns.
    fn make_room(&mut self, r: usize) {
        let (rl, ru) = (self.model.row_lower()[r], self.model.row_upper()[r]);
        for t in 0..self.relax[r].len() {
            let over = if self.act[r] > ru {
                self.act[r] - ru
            } else if self.act[r] < rl {
                self.act[r] - rl
            } else {
                return;
            };
            let jr = self.relax[r][t] as usize;
            let Some(v) = self.coef(jr, r) else { continue };
            let dir = move_dir(self.rest[jr], -over * v);
            if v * dir * over >= 0.0 {
                continue;
            }
            let step = (over.abs() / v.abs()).min(self.room(jr, dir, r, Relaxed::No));
            if step > 0.0 && step.is_finite() {
                self.shift(jr, dir, step);
            }
        }
    }

    /// Moves the candidates of row `i` (best first) until it is within its
    /// bounds; whether it is.
    fn repair(&mut self, i: usize, ni: f64, list: &[(f64, u32)]) -> bool {
        for &(_, j) in list {
            let rem = self.shortfall(i, ni);
            if rem == 0.0 {
                return true;
            }
            let ju = j as usize;
            let Some(a) = self.coef(ju, i) else { continue };
            let dir = move_dir(self.rest[ju], a * ni);
            let step = (rem / a.abs()).min(self.room(ju, dir, i, Relaxed::Now));
            if step > 0.0 && step.is_finite() {
                self.shift(ju, dir, step);
                let model = self.model;
                for &r in model.matrix().col(ju).0 {
                    if r as usize != i {
                        self.make_room(r as usize);
                    }
                }
            }
        }
        self.shortfall(i, ni) == 0.0
    }

    /// Offers to `top` (bucket = row) every column that can still move a
    /// short row (`still[i]` its direction, 0 for the others) toward its
    /// bound, scored by cost per unit of repair. (Whether it has room is
    /// judged without the short rows it helps; the repair itself then
    /// measures the room exactly.)
    fn offer_with_room(&self, still: &[f64], top: &mut TopK) {
        let (c, sign) = (self.model.costs(), self.sign);
        let a = self.model.matrix();
        let (up, down) = self.relax_rooms();
        for (j, (&code, &cj)) in self.rest.iter().zip(c).enumerate() {
            if code >= FIXED {
                continue;
            }
            // The room of a move up or down, each computed once per column
            // (skipping the short rows the move helps), so that a pass is
            // linear in the matrix's entries.
            let mut rooms = [None::<f64>; 2];
            let (idx, val) = a.col(j);
            for (&i, &v) in idx.iter().zip(val) {
                let i = i as usize;
                let ni = still[i];
                if ni == 0.0 {
                    continue;
                }
                let dir = move_dir(code, v * ni);
                if v * dir * ni <= 0.0 {
                    continue;
                }
                let room = *rooms[usize::from(dir < 0.0)].get_or_insert_with(|| {
                    let helped = |r: usize, g: f64| still[r] * g > 0.0;
                    self.room_skipping(j, dir, helped, Relaxed::Cached(&up, &down))
                });
                if room > 0.0 {
                    top.offer(i, -sign * cj * dir / v.abs(), j as u32);
                }
            }
        }
    }
}

/// Whether a master objective `obj` improves on the best so far (`best`,
/// infinite before the first optimal master) by a relative `1e-13`.
/// (Written as `obj < best - 1e-13 (1 + |best|)` alone it never held
/// against an infinite `best`, since `∞ − ∞` is NaN: every sifting solve
/// then counted each round as stalled and gave up after
/// [`MAX_STALLED_ROUNDS`] optimal masters however fast it was improving.)
fn improves(obj: f64, best: f64) -> bool {
    best == f64::INFINITY || obj < best - 1e-13 * (1.0 + best.abs())
}

/// Direction a column resting at `code` moves in to change a row by the
/// sign of `want` (free columns move either way).
fn move_dir(code: u8, want: f64) -> f64 {
    match code {
        LOWER => 1.0,
        UPPER => -1.0,
        _ => want.signum(),
    }
}

/// Inserts `count` copies of `fill` at `at`.
fn widen<T: Copy>(v: &mut Vec<T>, at: usize, count: usize, fill: T) {
    v.splice(at..at, std::iter::repeat_n(fill, count));
}

/// Unscaled columns `cols` of the model as a column-wise matrix.
fn raw_columns(model: &Model, cols: &[u32]) -> SpMat {
    let a = model.matrix();
    let mut start = vec![0];
    let mut index = Vec::new();
    let mut value = Vec::new();
    for &j in cols {
        let (idx, val) = a.col(j as usize);
        index.extend_from_slice(idx);
        value.extend_from_slice(val);
        start.push(index.len());
    }
    SpMat {
        start: Arc::new(start),
        index: Arc::new(index),
        value,
    }
}

/// Reduced costs `c − Aᵀy` of every column (model sense).
fn reduced_costs(model: &Model, y: &[f64]) -> Vec<f64> {
    let a = model.matrix();
    let (st, ix, va) = (a.starts(), a.indices(), a.values());
    model
        .costs()
        .iter()
        .enumerate()
        .map(|(j, &c)| {
            let mut s = c;
            for p in st[j]..st[j + 1] {
                s -= va[p] * y[ix[p] as usize];
            }
            s
        })
        .collect()
}

/// Checks a Farkas candidate `y` (unscaled, by row) on the whole model, as
/// the engine checks its own: returns it signed so that
/// `max_x (Aᵀy)ᵀx < min_r yᵀr` over the bounds, or `None`.
fn farkas_full(model: &Model, y: &[f64]) -> Option<Vec<f64>> {
    let ymax = y.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
    if ymax == 0.0 || !ymax.is_finite() {
        return None;
    }
    let a = model.matrix();
    let (z, big) = farkas_products(model.num_cols(), |j| a.col(j), y);
    let mut bound = ActivityBound::new(big);
    for (j, &zj) in z.iter().enumerate() {
        bound.add(zj, model.col_lower()[j], model.col_upper()[j]);
    }
    for (i, &yi) in y.iter().enumerate() {
        // The logical s = −(Ax)_i lies in [−rᵤ, −rₗ].
        bound.add(yi, -model.row_upper()[i], -model.row_lower()[i]);
    }
    bound.proof(y)
}

impl SpMat {
    /// An empty column-wise matrix with `n` empty columns.
    pub(crate) fn default_for(n: usize) -> Self {
        SpMat {
            start: Arc::new(vec![0; n + 1]),
            index: Arc::default(),
            value: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelBuilder, VarType};
    use crate::solver::{LpSolver, Structure};

    #[test]
    fn the_first_optimal_master_counts_as_progress() {
        assert!(improves(5.0, f64::INFINITY));
        assert!(improves(-1e30, f64::INFINITY));
        assert!(improves(4.0, 5.0));
        assert!(!improves(5.0, 5.0));
        assert!(!improves(5.0 - 1e-14, 5.0));
        assert!(!improves(6.0, 5.0));
    }

    /// A demand of 10 over four columns of up to 5 each (costs 1 to 4),
    /// all sharing a capacity of 2 that only a purchase `b` (cost 100 per
    /// unit, unbounded) can raise. The plain crash repairs the demand row
    /// alone, so its first master lacks `b` and is infeasible; the full
    /// crash makes room with `b` (the capacity row's relaxing column).
    /// Hand-solved: b = 8, x0 = x1 = 5: 800 + 5 + 10 = 815.
    #[test]
    fn a_crowded_first_master_is_rebuilt_from_the_full_crash() {
        let mut b = ModelBuilder::new("relax");
        let demand = b.add_row("demand", Some(10.0), None);
        let capacity = b.add_row("capacity", None, Some(2.0));
        for j in 0..4 {
            let x = b.add_col(
                format!("x{j}"),
                f64::from(j + 1),
                Some(0.0),
                Some(5.0),
                VarType::Continuous,
            );
            b.set_coef(demand, x, 1.0).set_coef(capacity, x, 1.0);
        }
        let buy = b.add_col("b", 100.0, Some(0.0), None, VarType::Continuous);
        b.set_coef(capacity, buy, -1.0);
        let model = b.build().unwrap();

        let plain = Sifter::build(&model, &SolveOptions::default(), false).unwrap();
        assert!(plain.rest[4] != IN, "the plain crash leaves b out");
        let full = Sifter::build(&model, &SolveOptions::default(), true).unwrap();
        assert_eq!(full.rest[4], IN, "the full crash takes b in");

        let options = SolveOptions::default().with_structure(Structure::Sifting);
        let mut lp = LpSolver::new(model.clone(), options).unwrap();
        let sol = lp.solve().unwrap();
        assert_eq!(sol.status, Status::Optimal);
        assert!(
            (sol.objective.unwrap() - 815.0).abs() < 1e-9,
            "{:?}",
            sol.objective
        );
        let report = crate::solver::certificate::check(
            &model,
            &sol,
            &crate::solver::certificate::CheckTolerances::default(),
        );
        assert!(report.is_ok(), "{report:?}");
        let stats = lp.sifting_stats().unwrap();
        assert!(
            stats.full_crash && stats.repairs == 0 && !stats.fell_back,
            "{stats:?}"
        );
    }
}
