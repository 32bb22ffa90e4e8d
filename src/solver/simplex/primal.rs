//! The bounded primal simplex: composite phase 1 (minimise the sum of
//! infeasibilities with relaxed bounds on the infeasible basic variables)
//! and phase 2, Devex pricing, a Harris two-pass ratio test with bound
//! flips.

use super::{Engine, NONBASIC, NUMERICAL_TROUBLE, REFRESH_RESIDUAL, Stop, dual_infeasibility};

/// Devex weights above this start a new reference framework.
const DEVEX_RESET: f64 = 1e6;
/// Candidates kept by a full CHUZC scan.
const CANDIDATES: usize = 64;
/// The candidate list is rebuilt by a full scan once it grows past this.
const MAX_CANDIDATES: usize = 1024;

/// Primal CHUZC candidate list (hyper-sparse pricing): the best-scoring
/// variables of the last full scan plus those whose score rose above
/// `threshold` since, with every variable off the list scoring at most
/// `threshold`. Scores change only where a pivot updates reduced costs or
/// weights, so the list settles most choices without a full scan.
struct Candidates {
    items: Vec<u32>,
    member: Vec<bool>,
    /// Scratch for a full scan (kept to avoid an allocation per scan).
    scan: Vec<(f64, u32)>,
    threshold: f64,
    valid: bool,
}

impl Candidates {
    fn new(nt: usize) -> Self {
        Self {
            items: Vec::new(),
            member: vec![false; nt],
            scan: Vec::new(),
            threshold: 0.0,
            valid: false,
        }
    }

    fn clear(&mut self) {
        for &j in &self.items {
            self.member[j as usize] = false;
        }
        self.items.clear();
        self.threshold = 0.0;
        self.valid = false;
    }

    /// Records that `j` now scores `score`.
    #[inline]
    fn offer(&mut self, j: usize, score: f64) {
        if self.valid && score > self.threshold && !self.member[j] {
            self.member[j] = true;
            // Sizes fit u32 (see `primal_chuzc`).
            self.items.push(j as u32);
            if self.items.len() > MAX_CANDIDATES {
                self.valid = false;
            }
        }
    }
}

/// What the primal ratio test found.
enum Step {
    /// The entering variable reaches its other bound first.
    Flip,
    /// Basis position `r` leaves after a step of `theta`, at its lower
    /// bound (`mv_out = 1`) or upper bound (`-1`).
    Pivot { r: usize, theta: f64, mv_out: i8 },
    /// Nothing blocks.
    Unbounded,
}

/// The reduced-cost and Devex-weight update of a primal pivot, with the
/// candidate list kept current.
struct DevexPass<'a> {
    d: &'a mut [f64],
    w: &'a mut [f64],
    cand: &'a mut Candidates,
    pos: &'a [u32],
    lower: &'a [f64],
    upper: &'a [f64],
    mv: &'a [i8],
    theta_d: f64,
    inv_alpha: f64,
    wq: f64,
    td: f64,
}

impl DevexPass<'_> {
    /// Updates nonbasic `j` whose pivot-row entry is `a`.
    #[inline(always)]
    fn bump(&mut self, j: usize, a: f64) {
        if self.pos[j] != NONBASIC {
            return;
        }
        let d = self.d[j] - self.theta_d * a;
        self.d[j] = d;
        let ratio = a * self.inv_alpha;
        let nw = ratio * ratio * self.wq;
        let w = if nw > self.w[j] {
            self.w[j] = nw;
            nw
        } else {
            self.w[j]
        };
        let inf = dual_infeasibility(self.lower[j], self.upper[j], self.mv[j], d);
        if inf > self.td {
            self.cand.offer(j, inf * inf / w);
        }
    }
}

impl Engine {
    /// Phase-1 cost of basis position `k`: −1 below its lower bound, +1
    /// above its upper bound, 0 when feasible.
    #[inline]
    fn phase1_cost(&self, k: usize) -> f64 {
        let j = self.basic[k];
        let v = self.xb[k];
        if v < self.lower[j] - self.tol.primal {
            -1.0
        } else if v > self.upper[j] + self.tol.primal {
            1.0
        } else {
            0.0
        }
    }

    /// Sets the phase-1 costs (0 for nonbasic variables) and returns the
    /// number of infeasible basic variables.
    fn set_phase1_costs(&mut self) -> usize {
        self.cost.iter_mut().for_each(|c| *c = 0.0);
        let mut count = 0;
        for k in 0..self.lp.m {
            let c = self.phase1_cost(k);
            if c != 0.0 {
                count += 1;
            }
            self.cost[self.basic[k]] = c;
        }
        count
    }

    /// Devex pricing score of nonbasic `j`: its squared dual infeasibility
    /// over its weight, or 0 when it is dual feasible (or basic).
    #[inline]
    fn chuzc_score(&self, j: usize, w: f64) -> f64 {
        if self.pos[j] != NONBASIC {
            return 0.0;
        }
        let inf = self.dual_infeasibility(j);
        if inf > self.tol.dual {
            inf * inf / w
        } else {
            0.0
        }
    }

    /// Primal CHUZC: the dual infeasible nonbasic variable with the largest
    /// squared infeasibility over its Devex weight (ties to the lowest
    /// index), from the candidate list when it settles the choice and from
    /// a full scan otherwise.
    fn primal_chuzc(&self, weights: &[f64], list: &mut Candidates) -> Option<usize> {
        if list.valid {
            let mut best: Option<(f64, usize)> = None;
            list.items.retain(|&j| {
                let j = j as usize;
                let s = self.chuzc_score(j, weights[j]);
                if s <= 0.0 {
                    list.member[j] = false;
                    return false;
                }
                if best.is_none_or(|(bs, bj)| s > bs || (s == bs && j < bj)) {
                    best = Some((s, j));
                }
                true
            });
            // Every variable off the list scores at most `threshold`.
            if let Some((s, j)) = best
                && s > list.threshold
            {
                debug_assert!(
                    weights
                        .iter()
                        .enumerate()
                        .all(|(k, &w)| self.chuzc_score(k, w) <= s),
                    "primal CHUZC: the candidate list missed a better variable"
                );
                return Some(j);
            }
        }
        // Full scan: the best `CANDIDATES` join the list; the threshold is
        // the best score left off it.
        list.clear();
        let mut all = std::mem::take(&mut list.scan);
        all.clear();
        for (j, &w) in weights.iter().enumerate() {
            let s = self.chuzc_score(j, w);
            if s > 0.0 {
                // Sizes fit u32: the engine's dimensions are checked by
                // its callers.
                all.push((s, j as u32));
            }
        }
        let by_score = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if all.len() > CANDIDATES {
            all.select_nth_unstable_by(CANDIDATES, by_score);
            list.threshold = all[CANDIDATES].0;
            all.truncate(CANDIDATES);
        }
        list.valid = true;
        let best = all
            .iter()
            .min_by(|a, b| by_score(a, b))
            .map(|&(_, j)| j as usize);
        for &(_, j) in &all {
            list.member[j as usize] = true;
            list.items.push(j);
        }
        list.scan = all;
        best
    }

    /// Harris two-pass ratio test on `col_aq` for entering `q` moving in
    /// direction `dir`; in phase 1 infeasible basics have relaxed bounds.
    fn primal_ratio(&self, q: usize, dir: f64, phase1: bool) -> Step {
        let tp = self.tol.primal;
        let ta = self.pivot_tol();
        let bounds = |k: usize| -> (f64, f64) {
            let j = self.basic[k];
            let (l, u) = (self.lower[j], self.upper[j]);
            if phase1 {
                let v = self.xb[k];
                if v < l - tp {
                    return (f64::NEG_INFINITY, l);
                }
                if v > u + tp {
                    return (u, f64::INFINITY);
                }
            }
            (l, u)
        };
        // Pass 1: the largest step keeping every basic within its bound
        // relaxed by the feasibility tolerance.
        let mut theta_max = f64::INFINITY;
        self.col_aq.for_each_nonzero(|k, a| {
            if a.abs() <= ta {
                return;
            }
            let g = -dir * a;
            let (l, u) = bounds(k);
            let v = self.xb[k];
            if g < 0.0 && l > f64::NEG_INFINITY {
                theta_max = theta_max.min((v - l + tp) / -g);
            } else if g > 0.0 && u < f64::INFINITY {
                theta_max = theta_max.min((u + tp - v) / g);
            }
        });
        let range = self.upper[q] - self.lower[q];
        if range <= theta_max && range < f64::INFINITY {
            return Step::Flip;
        }
        if theta_max == f64::INFINITY {
            return Step::Unbounded;
        }
        // Pass 2: among the steps within theta_max, the largest pivot.
        let mut best: Option<(usize, f64, i8)> = None;
        let mut best_abs = 0.0;
        self.col_aq.for_each_nonzero(|k, a| {
            if a.abs() <= ta {
                return;
            }
            let g = -dir * a;
            let (l, u) = bounds(k);
            let v = self.xb[k];
            let j = self.basic[k];
            let (ratio, bound) = if g < 0.0 && l > f64::NEG_INFINITY {
                ((v - l) / -g, l)
            } else if g > 0.0 && u < f64::INFINITY {
                ((u - v) / g, u)
            } else {
                return;
            };
            if ratio <= theta_max && a.abs() > best_abs {
                best_abs = a.abs();
                let mv_out = if bound == self.lower[j] { 1 } else { -1 };
                best = Some((k, ratio.max(0.0), mv_out));
            }
        });
        match best {
            Some((r, theta, mv_out)) => Step::Pivot { r, theta, mv_out },
            None => Step::Unbounded,
        }
    }

    /// The primal simplex from the current basis on the true costs and
    /// bounds. Ends optimal, unbounded (with a ray), infeasible (phase 1
    /// cannot reach feasibility; the vector is the phase-1 dual, a candidate
    /// Farkas certificate), or at a limit.
    pub(crate) fn primal_simplex(&mut self) -> crate::Result<Stop> {
        self.lower.copy_from_slice(&self.lp.lower);
        self.upper.copy_from_slice(&self.lp.upper);
        self.cost.copy_from_slice(&self.lp.cost);
        self.perturbed = false;
        if !self.factor_ok {
            self.factorize()?;
        }
        let nt = self.lp.nt();
        let mut weights = vec![1.0; nt];
        let mut cand = Candidates::new(nt);
        let mut phase1;
        let mut need_rebuild = false;
        // Values recomputed with the updated factor since the last pivot
        // (see `REFRESH_RESIDUAL`).
        let mut refreshed = true;
        let mut need_refresh = false;
        self.compute_primal();
        let mut stalls = 0usize;
        loop {
            if let Some(s) = self.limit_reached() {
                self.cost.copy_from_slice(&self.lp.cost);
                return Ok(s);
            }
            if need_refresh {
                self.compute_primal();
                need_rebuild |= self.primal_residual() > REFRESH_RESIDUAL;
                need_refresh = false;
                refreshed = true;
            }
            if need_rebuild || !self.factor_ok || self.factor.should_refactor() {
                self.factorize()?;
                self.compute_primal();
                need_rebuild = false;
                refreshed = true;
            }
            // Phase from the current infeasibilities; costs to match.
            let infeasible = {
                let (_, c) = self.primal_infeasibility();
                c
            };
            phase1 = infeasible > 0;
            if phase1 {
                self.set_phase1_costs();
            } else {
                self.cost.copy_from_slice(&self.lp.cost);
            }
            self.compute_dual();
            cand.clear();
            // Inner loop until the phase changes or a rebuild is due.
            loop {
                if let Some(s) = self.limit_reached() {
                    self.cost.copy_from_slice(&self.lp.cost);
                    return Ok(s);
                }
                if self.factor.should_refactor() || !self.factor_ok {
                    need_rebuild = true;
                    break;
                }
                let Some(q) = self.primal_chuzc(&weights, &mut cand) else {
                    if self.factor.num_updates() > 0 && !refreshed {
                        need_refresh = true;
                        break;
                    }
                    if phase1 {
                        let y = self.row_duals();
                        self.cost.copy_from_slice(&self.lp.cost);
                        self.compute_dual();
                        return Ok(Stop::Infeasible(y));
                    }
                    return Ok(Stop::Optimal);
                };
                let dir = if self.d[q] < 0.0 { 1.0 } else { -1.0 };
                self.col_aq.clear();
                {
                    let (idx, val) = self.lp.col(q);
                    for (&i, &a) in idx.iter().zip(val) {
                        self.col_aq.push(i as usize, a);
                    }
                }
                self.factor.ftran_for_update(&mut self.col_aq);
                match self.primal_ratio(q, dir, phase1) {
                    Step::Unbounded => {
                        if self.factor.num_updates() > 0 {
                            need_rebuild = true;
                            break;
                        }
                        if phase1 {
                            // The phase-1 objective is bounded below: this is
                            // numerical trouble. Give up on q this round.
                            weights[q] = f64::INFINITY;
                            stalls += 1;
                            if stalls > 50 {
                                return Err(crate::Error::internal(
                                    "primal simplex: phase 1 reported an unbounded direction",
                                ));
                            }
                            continue;
                        }
                        let mut ray = vec![0.0; nt];
                        ray[q] = dir;
                        let basic = &self.basic;
                        self.col_aq
                            .for_each_nonzero(|k, a| ray[basic[k]] = -dir * a);
                        return Ok(Stop::Unbounded(ray));
                    }
                    Step::Flip => {
                        let old = self.x[q];
                        let want: i8 = if self.mv[q] == 1 { -1 } else { 1 };
                        self.place_nonbasic(q, want);
                        let step = self.x[q] - old;
                        let xb = &mut self.xb;
                        self.col_aq.for_each_nonzero(|k, a| xb[k] -= step * a);
                        self.iterations += 1;
                        if phase1 {
                            break; // re-derive the phase-1 costs
                        }
                    }
                    Step::Pivot { r, theta, mv_out } => {
                        let pivot = Pivot {
                            q,
                            r,
                            dir,
                            theta,
                            mv_out,
                        };
                        match self.primal_pivot(pivot, phase1, &mut weights, &mut cand) {
                            Pivoted::Trouble => {
                                need_rebuild = true;
                                break;
                            }
                            Pivoted::Done { now_feasible } => {
                                refreshed = false;
                                if now_feasible {
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    /// One primal pivot: `q` enters moving in `dir` by `theta`, the basic
    /// column of row `r` leaves at the bound `mv_out`; values, duals and
    /// Devex weights are updated, and in phase 1 the costs re-derived.
    fn primal_pivot(
        &mut self,
        pv: Pivot,
        phase1: bool,
        weights: &mut [f64],
        cand: &mut Candidates,
    ) -> Pivoted {
        let Pivot {
            q,
            r,
            dir,
            theta,
            mv_out,
        } = pv;
        let n = self.lp.n;
        let alpha_col = self.col_aq.values[r];
        // Pivot row for the dual update and Devex.
        self.row_ep.clear();
        self.row_ep.push(r, 1.0);
        self.factor.btran(&mut self.row_ep);
        self.price();
        let alpha_row = if q < n {
            self.row_ap.values[q]
        } else {
            self.row_ep.values[q - n]
        };
        let trouble = (alpha_col - alpha_row).abs() / alpha_col.abs().min(alpha_row.abs());
        if self.factor.num_updates() > 0 && (trouble.is_nan() || trouble > NUMERICAL_TROUBLE) {
            return Pivoted::Trouble;
        }
        let step = dir * theta;
        {
            let xb = &mut self.xb;
            self.col_aq.for_each_nonzero(|k, a| xb[k] -= step * a);
        }
        let xq = self.x[q] + step;
        let theta_d = self.d[q] / alpha_col;
        let wq = weights[q];
        {
            let mut t = DevexPass {
                d: &mut self.d,
                w: weights,
                cand,
                pos: &self.pos,
                lower: &self.lower,
                upper: &self.upper,
                mv: &self.mv,
                theta_d,
                inv_alpha: 1.0 / alpha_col,
                wq,
                td: self.tol.dual,
            };
            self.row_ap.for_each_nonzero(|j, a| t.bump(j, a));
            self.row_ep.for_each_nonzero(|i, a| t.bump(n + i, a));
        }
        let p = self.basic[r];
        self.d[q] = 0.0;
        self.d[p] = -theta_d;
        weights[p] = (wq / (alpha_col * alpha_col)).max(1.0);
        let updated = self.factor.update(r, alpha_col);
        self.swap_basis(r, q, xq, mv_out);
        self.iterations += 1;
        if updated.is_err() {
            self.factor_ok = false;
        }
        if weights[p] > DEVEX_RESET {
            weights.iter_mut().for_each(|w| *w = 1.0);
            cand.clear();
        } else {
            cand.offer(p, self.chuzc_score(p, weights[p]));
        }
        if phase1 {
            // Re-derive the phase-1 costs if feasibility changed anywhere
            // along the column.
            let mut changed = self.cost[q] != self.phase1_cost(r) || self.cost[p] != 0.0;
            let basic = &self.basic;
            let cost = &self.cost;
            let me = &*self;
            self.col_aq.for_each_nonzero(|k, _| {
                if cost[basic[k]] != me.phase1_cost(k) {
                    changed = true;
                }
            });
            if changed {
                let left = self.set_phase1_costs();
                if left == 0 {
                    return Pivoted::Done { now_feasible: true };
                }
                self.compute_dual();
                cand.clear();
            }
        }
        Pivoted::Done {
            now_feasible: false,
        }
    }
}

/// A primal pivot chosen: entering column, leaving row, direction, step
/// and the bound the leaving column goes to.
#[derive(Debug, Clone, Copy)]
struct Pivot {
    q: usize,
    r: usize,
    dir: f64,
    theta: f64,
    mv_out: i8,
}

/// How a primal pivot ended.
enum Pivoted {
    /// Numerical trouble before the basis changed: refactor first.
    Trouble,
    /// The basis changed; `now_feasible` when phase 1 has just reached a
    /// feasible point.
    Done { now_feasible: bool },
}
