//! The bounded dual simplex: dual phase 1 on the auxiliary problem, dual
//! phase 2 with dual steepest-edge pricing and the bound-flipping ratio test
//! with Harris tolerances, cost perturbation and shifting against dual
//! degeneracy.

use super::{Engine, FREE, MIN_DSE_WEIGHT, NONBASIC, NUMERICAL_TROUBLE, REFRESH_RESIDUAL, Stop};
use crate::solver::sparse::SparseVec;

/// Which problem the dual loop is working on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// The auxiliary problem with artificial boxes (dual phase 1).
    One,
    /// The problem itself.
    Two,
}

/// A candidate of the dual ratio test: variable, `a = move_out·move·α > 0`,
/// and the direction the variable may move in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cand {
    a: f64,
    /// The variable (sizes fit u32: checked when the model is built).
    j: u32,
    /// Its nonbasic direction, ±1 (exact in `f32`; 24 bytes a candidate,
    /// and a ratio test can hold one per nonbasic variable).
    mv: f32,
    /// `mv·d_j`: how far the reduced cost is from changing sign.
    tight: f64,
}

/// The outcome of the dual ratio test.
struct Chosen {
    q: usize,
    alpha_row: f64,
    theta_d: f64,
    nflips: usize,
}

/// Box of a free structural in dual phase 1.
const FREE_BOX: f64 = 1000.0;
/// Passes of the dual loop without a basis change before giving up on it.
const MAX_IDLE_PASSES: usize = 50;
/// Base of the cost perturbation (relative), as HiGHS.
const PERTURBATION_BASE: f64 = 5e-7;

impl Engine {
    /// Perturbs the working costs against dual degeneracy: each structural's
    /// cost moves by a seeded random amount proportional to `1 + |c_j|`, in
    /// the direction that makes its reduced cost more feasible at the bound
    /// it prefers (HiGHS's scheme).
    pub(crate) fn perturb_costs(&mut self) {
        let n = self.lp.n;
        let mut max_abs: f64 = 0.0;
        for j in 0..n {
            max_abs = max_abs.max(self.lp.cost[j].abs());
        }
        if max_abs == 0.0 {
            return;
        }
        if max_abs > 100.0 {
            max_abs = max_abs.sqrt().sqrt();
        }
        let nt = self.lp.nt();
        let boxed = (0..nt)
            .filter(|&j| self.lp.upper[j] - self.lp.lower[j] < 1e30)
            .count();
        if (boxed as f64) < 0.01 * nt as f64 {
            max_abs = max_abs.min(1.0);
        }
        let base = PERTURBATION_BASE * max_abs;
        self.rng = super::Rng(0x5EED_F1EE_7A1A_0001);
        for j in 0..n {
            let (l, u) = (self.lp.lower[j], self.lp.upper[j]);
            let r = self.rng.unit();
            let c = self.lp.cost[j];
            let xpert = (1.0 + r) * (c.abs() + 1.0) * base;
            let lf = l > f64::NEG_INFINITY;
            let uf = u < f64::INFINITY;
            self.cost[j] = if !lf && !uf {
                c
            } else if !uf {
                c + xpert
            } else if !lf {
                c - xpert
            } else if l != u {
                if c >= 0.0 { c + xpert } else { c - xpert }
            } else {
                c
            };
        }
        for j in n..nt {
            let r = self.rng.unit();
            self.cost[j] = self.lp.cost[j] + (0.5 - r) * 1e-12;
        }
        self.perturbed = true;
    }

    /// Makes the duals feasible: boxed variables with a wrong-signed reduced
    /// cost move to their other bound; others get their cost shifted so the
    /// reduced cost becomes slightly feasible. Returns whether any bound
    /// flipped (the primal values then need recomputing).
    fn correct_dual_infeasibilities(&mut self) -> bool {
        let mut flipped = false;
        let td = self.tol.dual;
        for j in 0..self.lp.nt() {
            if self.is_basic(j) {
                continue;
            }
            let inf = self.dual_infeasibility(j);
            if inf <= td {
                continue;
            }
            let (l, u) = (self.lower[j], self.upper[j]);
            if l > f64::NEG_INFINITY && u < f64::INFINITY {
                let want = if self.d[j] >= 0.0 { 1 } else { -1 };
                self.place_nonbasic(j, want);
                flipped = true;
            } else {
                // Shift: new reduced cost = move · (1 + r) · td.
                let r = self.rng.unit();
                let target = match self.mv[j] {
                    1 => (1.0 + r) * td,
                    -1 => -(1.0 + r) * td,
                    _ => 0.0,
                };
                let shift = target - self.d[j];
                self.cost[j] += shift;
                self.d[j] = target;
                self.perturbed = true;
            }
        }
        flipped
    }

    /// Counts nonbasic variables whose dual infeasibility a bound flip cannot
    /// cure (one-sided or free), and flips the boxed ones. Returns the count.
    fn flip_and_count_dual_infeasible(&mut self) -> usize {
        let td = self.tol.dual;
        let mut count = 0;
        for j in 0..self.lp.nt() {
            if self.is_basic(j) || self.dual_infeasibility(j) <= td {
                continue;
            }
            let (l, u) = (self.lower[j], self.upper[j]);
            if l > f64::NEG_INFINITY && u < f64::INFINITY {
                let want = if self.d[j] >= 0.0 { 1 } else { -1 };
                self.place_nonbasic(j, want);
            } else {
                count += 1;
            }
        }
        count
    }

    /// Sets dual phase 1's artificial bounds (HiGHS's auxiliary problem):
    /// free structurals in `[−1000, 1000]`, lower-bounded in `[0, 1]`,
    /// upper-bounded in `[−1, 0]`, boxed and fixed at 0; free rows stay free.
    fn set_phase1_bounds(&mut self) {
        let n = self.lp.n;
        for j in 0..self.lp.nt() {
            let (l, u) = (self.lp.lower[j], self.lp.upper[j]);
            let lf = l > f64::NEG_INFINITY;
            let uf = u < f64::INFINITY;
            let (nl, nu) = if !lf && !uf {
                if j < n { (-FREE_BOX, FREE_BOX) } else { (l, u) }
            } else if !uf {
                (0.0, 1.0)
            } else if !lf {
                (-1.0, 0.0)
            } else {
                (0.0, 0.0)
            };
            self.lower[j] = nl;
            self.upper[j] = nu;
        }
        for j in 0..self.lp.nt() {
            if !self.is_basic(j) {
                let want = if self.d[j] >= 0.0 { 1 } else { -1 };
                self.place_nonbasic(j, want);
            }
        }
    }

    /// Restores the true bounds, seating nonbasic variables by the sign of
    /// their reduced costs.
    pub(crate) fn restore_bounds(&mut self) {
        self.lower.copy_from_slice(&self.lp.lower);
        self.upper.copy_from_slice(&self.lp.upper);
        for j in 0..self.lp.nt() {
            if !self.is_basic(j) {
                let want = if self.d[j] >= 0.0 { 1 } else { -1 };
                self.place_nonbasic(j, want);
            }
        }
    }

    /// Rebuild for the dual simplex: refactorise, recompute duals, cure dual
    /// infeasibilities, recompute primal values.
    fn rebuild_dual(&mut self) -> crate::Result<()> {
        self.factorize()?;
        self.compute_dual();
        self.correct_dual_infeasibilities();
        self.compute_primal();
        Ok(())
    }

    /// Recomputes duals and primal values with the current (updated)
    /// factor, refactorising only when the primal residual shows it has
    /// lost accuracy.
    fn refresh_dual(&mut self) -> crate::Result<()> {
        self.compute_dual();
        self.correct_dual_infeasibilities();
        self.compute_primal();
        if self.primal_residual() > REFRESH_RESIDUAL {
            self.rebuild_dual()?;
        }
        Ok(())
    }

    /// The dual simplex from the current basis with the true bounds and the
    /// (optionally perturbed) true costs. Ends optimal for the true costs,
    /// primal infeasible with a Farkas row, dual infeasible (the caller then
    /// decides between infeasible and unbounded), or at a limit.
    pub(crate) fn dual_simplex(&mut self, perturb: bool) -> crate::Result<Stop> {
        self.cost.copy_from_slice(&self.lp.cost);
        self.perturbed = false;
        if perturb {
            self.perturb_costs();
        }
        self.lower.copy_from_slice(&self.lp.lower);
        self.upper.copy_from_slice(&self.lp.upper);
        if !self.factor_ok {
            self.factorize()?;
        }
        self.compute_dual();
        if self.flip_and_count_dual_infeasible() > 0 {
            self.set_phase1_bounds();
            self.compute_primal();
            let stop = self.dual_loop(Phase::One)?;
            self.restore_bounds();
            self.compute_primal();
            match stop {
                Stop::Optimal => {
                    if self.flip_and_count_dual_infeasible() > 0 {
                        self.compute_primal();
                        return Ok(Stop::DualInfeasible);
                    }
                }
                Stop::IterationLimit | Stop::TimeLimit => return Ok(stop),
                // Numerical failure on the auxiliary problem, which is
                // feasible by construction: let the primal simplex decide.
                _ => return Ok(Stop::DualInfeasible),
            }
        }
        self.compute_primal();
        match self.dual_loop(Phase::Two)? {
            Stop::Optimal => {
                if self.perturbed {
                    self.cost.copy_from_slice(&self.lp.cost);
                    self.perturbed = false;
                    self.compute_dual();
                    if self.dual_infeasibilities().1 > 0 {
                        // Cleanup: primal simplex on the true costs from
                        // this primal feasible basis.
                        return self.primal_simplex();
                    }
                }
                Ok(Stop::Optimal)
            }
            other => Ok(other),
        }
    }

    /// Dual simplex with zero costs from the current basis: a feasibility
    /// search whose failure yields a Farkas certificate.
    pub(crate) fn dual_feasibility(&mut self) -> crate::Result<Stop> {
        self.cost.iter_mut().for_each(|c| *c = 0.0);
        self.perturbed = true;
        self.lower.copy_from_slice(&self.lp.lower);
        self.upper.copy_from_slice(&self.lp.upper);
        if !self.factor_ok {
            self.factorize()?;
        }
        self.compute_dual();
        self.reseat_nonbasic();
        self.compute_primal();
        let stop = self.dual_loop(Phase::Two)?;
        self.cost.copy_from_slice(&self.lp.cost);
        self.perturbed = false;
        Ok(stop)
    }

    /// Dual CHUZR: the basic variable with the largest squared infeasibility
    /// over its steepest-edge weight.
    fn chuzr(&self, taboo: &[usize]) -> Option<usize> {
        let tp = self.tol.primal;
        let mut best = None;
        let mut best_score = 0.0;
        for (k, &j) in self.basic.iter().enumerate() {
            let v = self.xb[k];
            let l = self.lower[j];
            let u = self.upper[j];
            let inf = if v < l - tp {
                l - v
            } else if v > u + tp {
                v - u
            } else {
                continue;
            };
            let score = inf * inf / self.dse[k];
            if score > best_score && !taboo.contains(&k) {
                best_score = score;
                best = Some(k);
            }
        }
        best
    }

    /// Calls `f(j, a, mv)` for every ratio-test candidate of the pivot row:
    /// nonbasic `j` whose reduced cost moves towards its sign change, with
    /// `a = move_out·mv·α_rj > ta`.
    #[inline]
    fn for_each_candidate(&self, move_out: f64, mut f: impl FnMut(usize, f64, f64)) {
        let ta = self.pivot_tol();
        let mv = &self.mv;
        let mut scan = |offset: usize, v: &SparseVec| {
            let mut visit = |k: usize, alpha: f64| {
                let j = offset + k;
                let m = mv[j];
                if m == 0 {
                    return; // basic or fixed
                }
                let mvf = if m == FREE {
                    if move_out * alpha > 0.0 { 1.0 } else { -1.0 }
                } else {
                    f64::from(m)
                };
                let a = move_out * mvf * alpha;
                if a > ta {
                    f(j, a, mvf);
                }
            };
            if v.sparse {
                for &k in &v.index {
                    let alpha = v.values[k as usize];
                    if alpha != 0.0 {
                        visit(k as usize, alpha);
                    }
                }
            } else {
                for (k, &alpha) in v.values.iter().enumerate() {
                    if alpha != 0.0 {
                        visit(k, alpha);
                    }
                }
            }
        };
        scan(0, &self.row_ap);
        scan(self.lp.n, &self.row_ep);
    }

    /// Collects every ratio-test candidate and returns the Harris bound
    /// `min (tight + td) / a` (infinite without candidates).
    fn collect_candidates(&self, move_out: f64, cands: &mut Vec<Cand>) -> f64 {
        cands.clear();
        let td = self.tol.dual;
        let d = &self.d;
        let mut theta = f64::INFINITY;
        self.for_each_candidate(move_out, |j, a, mv| {
            let tight = mv * d[j];
            // Variable counts fit u32 and mv is ±1: both stored exactly.
            #[allow(clippy::cast_possible_truncation)]
            cands.push(Cand {
                j: j as u32,
                a,
                mv: mv as f32,
                tight,
            });
            if theta * a > tight + td {
                theta = (tight + td) / a;
            }
        });
        theta
    }

    /// Range of nonbasic variable `j` (∞ unless boxed).
    #[inline]
    fn range(&self, j: usize) -> f64 {
        self.upper[j] - self.lower[j]
    }

    /// The bound-flipping ratio test with Harris tolerances (HiGHS's
    /// grouping). On success the flips are the first `nflips` of `cands`.
    fn dual_chuzc(&self, delta: f64, cands: &mut Vec<Cand>) -> Option<Chosen> {
        let move_out = if delta < 0.0 { -1.0 } else { 1.0 };
        let td = self.tol.dual;
        let total_delta = delta.abs();
        let harris = self.collect_candidates(move_out, cands);
        if cands.is_empty() {
            return None;
        }
        // 1. Keep only the candidates a long step can reach: widen the
        //    ratio bound tenfold until the flips would exhaust the slope.
        let full = cands.len();
        let mut work = 0;
        let mut total_change = 0.0;
        // (A negative Harris bound means a candidate is already dual
        // infeasible beyond the tolerance: it is in the first group anyway.)
        let mut reach = 10.0 * harris.max(0.0) + 1e-7;
        loop {
            // Candidates in work..full not yet taken are scanned once per
            // pass; taken ones are swapped to the front.
            let start = work;
            for i in start..full {
                let c = cands[i];
                if c.a * reach >= c.tight {
                    cands.swap(work, i);
                    work += 1;
                    total_change += c.a * self.range(c.j as usize);
                }
            }
            reach *= 10.0;
            if total_change >= total_delta || work == full || !reach.is_finite() {
                break;
            }
        }
        // 2. Group the breakpoints (Harris passes) until the slope is spent.
        let mut select = harris;
        let mut total_change = 1e-12;
        let mut groups: Vec<usize> = vec![0];
        let mut count = 0;
        let (mut prev_count, mut prev_select, mut prev_remain) = (0, select, f64::INFINITY);
        loop {
            let mut remain = f64::INFINITY;
            let start = count;
            for i in start..work {
                let c = cands[i];
                if c.tight <= select * c.a {
                    cands.swap(count, i);
                    count += 1;
                    total_change += c.a * self.range(c.j as usize);
                } else if c.tight + td < remain * c.a {
                    remain = (c.tight + td) / c.a;
                }
            }
            groups.push(count);
            select = remain;
            if count == prev_count && prev_select == select && prev_remain == remain {
                break;
            }
            prev_count = count;
            prev_select = select;
            prev_remain = remain;
            if total_change >= total_delta || count == work {
                break;
            }
        }
        if groups.len() <= 1 || count == 0 {
            return None;
        }
        // 3. Largest |alpha|, preferring later groups.
        let max_a = cands[..count].iter().fold(0.0f64, |m, c| m.max(c.a));
        let compare = (0.1 * max_a).min(1.0);
        let mut pick = None;
        for g in (0..groups.len() - 1).rev() {
            let (s, e) = (groups[g], groups[g + 1]);
            let mut best = None;
            let mut best_a = 0.0;
            for (k, c) in cands[s..e].iter().enumerate() {
                if c.a > best_a {
                    best_a = c.a;
                    best = Some(s + k);
                }
            }
            if let Some(k) = best
                && best_a > compare
            {
                pick = Some((k, g));
                break;
            }
        }
        let (k, g) = pick?;
        let c = cands[k];
        let alpha_row = c.a * move_out * f64::from(c.mv);
        let theta_d = if c.tight > 0.0 {
            self.d[c.j as usize] / alpha_row
        } else {
            0.0
        };
        // 4. Flip every breakpoint passed (all boxed by construction).
        let nflips = if theta_d == 0.0 { 0 } else { groups[g] };
        let nflips = if cands[..nflips]
            .iter()
            .all(|c| self.range(c.j as usize) < f64::INFINITY)
        {
            nflips
        } else {
            0
        };
        Some(Chosen {
            q: c.j as usize,
            alpha_row,
            theta_d,
            nflips,
        })
    }

    /// The dual simplex iterations on the current working problem.
    pub(crate) fn dual_loop(&mut self, phase: Phase) -> crate::Result<Stop> {
        let mut taboo: Vec<usize> = Vec::new();
        let mut cands: Vec<Cand> = Vec::new();
        let mut flips: Vec<usize> = Vec::new();
        let n = self.lp.n;
        // Passes through the loop since the last basis change: numerical
        // trouble that rebuilding does not cure must not spin forever.
        let (mut idle, mut last_iterations) = (0usize, self.iterations);
        loop {
            if let Some(s) = self.limit_reached() {
                return Ok(s);
            }
            if self.iterations == last_iterations {
                idle += 1;
                if idle > MAX_IDLE_PASSES {
                    // Let the primal simplex settle it from here.
                    return Ok(Stop::DualInfeasible);
                }
            } else {
                idle = 0;
                last_iterations = self.iterations;
            }
            if !self.factor_ok || self.factor.should_refactor() {
                self.rebuild_dual()?;
                taboo.clear();
            }
            let Some(r) = self.chuzr(&taboo) else {
                if self.factor.num_updates() > 0 {
                    self.refresh_dual()?;
                    taboo.clear();
                    if self.chuzr(&taboo).is_some() {
                        continue;
                    }
                }
                if !taboo.is_empty() {
                    // Rows were skipped for numerical reasons: retry them on
                    // a fresh factor once.
                    self.rebuild_dual()?;
                    taboo.clear();
                    if self.chuzr(&taboo).is_some() {
                        continue;
                    }
                }
                return Ok(Stop::Optimal);
            };
            // BTRAN: rho = B^-T e_r, and its exact steepest-edge weight.
            self.row_ep.clear();
            self.row_ep.push(r, 1.0);
            self.factor.btran(&mut self.row_ep);
            let mut wr = 0.0;
            self.row_ep.for_each_nonzero(|_, v| wr += v * v);
            self.dse[r] = wr.max(MIN_DSE_WEIGHT);
            self.price();
            let p = self.basic[r];
            let v = self.xb[r];
            let delta = if v < self.lower[p] {
                v - self.lower[p]
            } else {
                v - self.upper[p]
            };
            let Some(ch) = self.dual_chuzc(delta, &mut cands) else {
                if self.factor.num_updates() > 0 {
                    self.rebuild_dual()?;
                    continue;
                }
                let _ = phase;
                let y = self.row_ep.values.clone();
                return Ok(Stop::Infeasible(y));
            };
            let q = ch.q;
            // FTRAN the entering column.
            self.col_aq.clear();
            {
                let (idx, val) = self.lp.col(q);
                for (&i, &a) in idx.iter().zip(val) {
                    self.col_aq.push(i as usize, a);
                }
            }
            self.factor.ftran_for_update(&mut self.col_aq);
            let alpha_col = self.col_aq.values[r];
            let alpha_row = ch.alpha_row;
            let trouble = (alpha_col - alpha_row).abs() / alpha_col.abs().min(alpha_row.abs());
            let fresh = self.factor.num_updates() == 0;
            if !fresh && (trouble.is_nan() || trouble > NUMERICAL_TROUBLE) {
                self.rebuild_dual()?;
                continue;
            }
            if fresh && (trouble.is_nan() || trouble > 1e-3 || alpha_col.abs() < 1e-11) {
                taboo.push(r);
                continue;
            }
            // Bound flips, then their effect on the basic values.
            flips.clear();
            flips.extend(cands[..ch.nflips].iter().map(|c| c.j as usize));
            if !flips.is_empty() {
                self.col_bfrt.clear();
                let mut w = std::mem::take(&mut self.work_m);
                w.iter_mut().for_each(|x| *x = 0.0);
                for &j in &flips {
                    let old = self.x[j];
                    let want: i8 = if self.mv[j] == 1 { -1 } else { 1 };
                    self.place_nonbasic(j, want);
                    let change = self.x[j] - old;
                    let (idx, val) = self.lp.col(j);
                    for (&i, &a) in idx.iter().zip(val) {
                        w[i as usize] += a * change;
                    }
                }
                self.col_bfrt.values.copy_from_slice(&w);
                self.work_m = w;
                self.col_bfrt.reindex(0.0);
                self.factor.ftran(&mut self.col_bfrt);
                let xb = &mut self.xb;
                self.col_bfrt.for_each_nonzero(|i, v| xb[i] -= v);
            }
            // FTRAN for the steepest-edge update: tau = B^-1 rho.
            self.col_dse.clear();
            {
                let rho = &self.row_ep;
                let dse = &mut self.col_dse;
                rho.for_each_nonzero(|i, v| dse.push(i, v));
            }
            self.factor.ftran(&mut self.col_dse);
            // Dual update.
            let theta_d = ch.theta_d;
            if theta_d != 0.0 {
                let d = &mut self.d;
                let pos = &self.pos;
                self.row_ap.for_each_nonzero(|j, a| {
                    if pos[j] == NONBASIC {
                        d[j] -= theta_d * a;
                    }
                });
                self.row_ep.for_each_nonzero(|i, a| {
                    if pos[n + i] == NONBASIC {
                        d[n + i] -= theta_d * a;
                    }
                });
            } else {
                // Shift the entering cost so its reduced cost is exactly 0.
                self.cost[q] -= self.d[q];
                self.perturbed = true;
            }
            self.d[q] = 0.0;
            self.d[p] = -theta_d;
            // Primal update.
            let bound_out = if delta < 0.0 {
                self.lower[p]
            } else {
                self.upper[p]
            };
            let theta_p = (self.xb[r] - bound_out) / alpha_col;
            {
                let xb = &mut self.xb;
                self.col_aq.for_each_nonzero(|i, a| xb[i] -= theta_p * a);
            }
            let xq = self.x[q] + theta_p;
            // Steepest-edge update.
            {
                let wr = self.dse[r];
                let dse = &mut self.dse;
                let tau = &self.col_dse.values;
                self.col_aq.for_each_nonzero(|i, a| {
                    if i != r {
                        let kappa = a / alpha_col;
                        let w = dse[i] + kappa * (kappa * wr - 2.0 * tau[i]);
                        dse[i] = w.max(MIN_DSE_WEIGHT);
                    }
                });
                dse[r] = (wr / (alpha_col * alpha_col)).max(MIN_DSE_WEIGHT);
            }
            // Basis change.
            let mv_out: i8 = if delta < 0.0 { 1 } else { -1 };
            let updated = self.factor.update(r, alpha_col);
            self.swap_basis(r, q, xq, mv_out);
            self.iterations += 1;
            if updated.is_err() {
                self.factor_ok = false;
            }
        }
    }
}
