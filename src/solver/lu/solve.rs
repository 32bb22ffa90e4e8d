//! FTRAN and BTRAN: triangular solves with L, the row etas R and U, each on
//! an ordinary path (loop over the pivot order, skipping zeros) or a
//! hyper-sparse path (depth-first search for the result's pattern first).

use super::SparseVec;
use super::lists::Lists;
use super::{LuFactor, NONE, SolveWork};

/// A cancelled entry that must stay in the sparse index gets this value
/// instead of an exact zero (dropped at the end of the solve).
const TINY: f64 = 1e-50;

/// Density of the right-hand side above which the hyper-sparse path is not
/// tried (HiGHS's `kHyperCancel`).
const HYPER_CANCEL: f64 = 0.05;
/// Predicted result densities above which each stage uses the ordinary
/// path (HiGHS's `kHyperFtranL`, `kHyperFtranU`, `kHyperBtranU`,
/// `kHyperBtranL`).
const HYPER_FTRAN_L: f64 = 0.15;
const HYPER_FTRAN_U: f64 = 0.10;
const HYPER_BTRAN_U: f64 = 0.15;
const HYPER_BTRAN_L: f64 = 0.10;

/// Weight of the newest observation in the running density averages.
const DENSITY_WEIGHT: f64 = 0.05;

/// Finds the nodes reachable from `roots` in the graph whose edges are
/// `k -> lists[k]`, in depth-first post-order (so reversed, a topological
/// order for the triangular solve) into `ws.reach`.
fn reach(lists: &Lists, roots: &[u32], ws: &mut SolveWork) {
    ws.stamp = ws.stamp.wrapping_add(1);
    if ws.stamp == 0 {
        ws.mark.iter_mut().for_each(|x| *x = 0);
        ws.stamp = 1;
    }
    let stamp = ws.stamp;
    ws.reach.clear();
    for &root in roots {
        if ws.mark[root as usize] == stamp {
            continue;
        }
        ws.mark[root as usize] = stamp;
        ws.stack.push((root, 0));
        while let Some(&(node, off)) = ws.stack.last() {
            let n = node as usize;
            if off < lists.len[n] {
                let child = lists.idx[lists.start[n] + off as usize];
                if let Some(top) = ws.stack.last_mut() {
                    top.1 = off + 1;
                }
                if ws.mark[child as usize] != stamp {
                    ws.mark[child as usize] = stamp;
                    ws.stack.push((child, 0));
                }
            } else {
                ws.reach.push(node);
                ws.stack.pop();
            }
        }
    }
}

/// One step of a scatter-form triangular solve at node `r`: finalise
/// `v[r]` (dividing by the diagonal if any) and subtract its multiples.
#[inline]
fn step(lists: &Lists, diag: Option<&[f64]>, values: &mut [f64], r: usize, drop: f64) {
    let x = values[r];
    if x == 0.0 {
        return;
    }
    // The drop test applies to the finished entry (after the division), so
    // a small diagonal cannot turn a dropped "tiny" into a lost large value.
    let x = match diag {
        Some(d) => x / d[r],
        None => x,
    };
    if x.abs() <= drop {
        values[r] = 0.0;
        return;
    }
    values[r] = x;
    let (ix, vs) = lists.entries(r);
    for (&i, &a) in ix.iter().zip(vs) {
        values[i as usize] -= a * x;
    }
}

/// Solves with the triangular factor whose scatter lists are `lists`
/// (processing order `order`, or its reverse when `!forward`; `NONE` slots
/// skipped), dividing by `diag` if given. On return `v.index` holds all
/// nonzeros (possibly with some zeros).
#[allow(clippy::too_many_arguments)] // one private kernel shared by 5 stages
fn tri_solve(
    lists: &Lists,
    order: &[u32],
    forward: bool,
    diag: Option<&[f64]>,
    v: &mut SparseVec,
    ws: &mut SolveWork,
    hyper: bool,
    drop: f64,
) -> usize {
    if hyper {
        reach(lists, &v.index, ws);
        for &r in ws.reach.iter().rev() {
            step(lists, diag, &mut v.values, r as usize, drop);
        }
        v.index.clear();
        v.index.extend_from_slice(&ws.reach);
        ws.reach.len()
    } else {
        if forward {
            for &r in order {
                if r != NONE {
                    step(lists, diag, &mut v.values, r as usize, drop);
                }
            }
        } else {
            for &r in order.iter().rev() {
                if r != NONE {
                    step(lists, diag, &mut v.values, r as usize, drop);
                }
            }
        }
        v.reindex(0.0);
        order.len()
    }
}

/// Removes from the index the entries with `|v| <= drop`, zeroing them.
fn tidy(v: &mut SparseVec, drop: f64) {
    let mut k = 0;
    while k < v.index.len() {
        let i = v.index[k] as usize;
        if v.values[i].abs() > drop {
            k += 1;
        } else {
            v.values[i] = 0.0;
            v.index.swap_remove(k);
        }
    }
}

/// Moves entry `i` of `v` to `map[i]` (a permutation), dropping
/// `|x| <= drop`, through the zero scratch vector `perm`.
fn permute(v: &mut SparseVec, map: &[u32], perm: &mut SparseVec, drop: f64) {
    for &i in &v.index {
        let x = std::mem::replace(&mut v.values[i as usize], 0.0);
        if x.abs() > drop {
            let c = map[i as usize];
            perm.values[c as usize] = x;
            perm.index.push(c);
        }
    }
    v.index.clear();
    std::mem::swap(&mut v.values, &mut perm.values);
    std::mem::swap(&mut v.index, &mut perm.index);
    v.sparse = true;
}

/// Adds `obs` to a running average.
fn observe(avg: &mut f64, obs: f64) {
    *avg = (1.0 - DENSITY_WEIGHT) * *avg + DENSITY_WEIGHT * obs;
}

impl LuFactor {
    /// Whether a stage should take the hyper-sparse path, given the
    /// right-hand side's count and the stage's predicted result density.
    fn use_hyper(&self, count: usize, expected: f64, threshold: f64) -> bool {
        match self.opts.hyper_sparse {
            Some(h) => h,
            None => {
                let m = self.m as f64;
                (count as f64) < HYPER_CANCEL * m && expected < threshold
            }
        }
    }

    fn count_solve(&mut self, hyper: bool, visits: usize) {
        self.stats.solve_visits += visits as u64;
        if hyper {
            self.stats.hyper_solves += 1;
        } else {
            self.stats.dense_solves += 1;
        }
    }

    /// `v := B⁻¹ v`. Input indexed by row, output by basis position; `v`
    /// must have dimension `m`. The output is sparse with an exact index
    /// (entries with `|x| <= drop_tolerance` are dropped).
    pub(crate) fn ftran(&mut self, v: &mut SparseVec) {
        self.ftran_inner(v, false);
    }

    /// As [`LuFactor::ftran`], and remembers what `update` needs about this
    /// column (the entering column).
    pub(crate) fn ftran_for_update(&mut self, v: &mut SparseVec) {
        self.ftran_inner(v, true);
    }

    fn ftran_inner(&mut self, v: &mut SparseVec, save: bool) {
        debug_assert_eq!(v.len(), self.m, "ftran: vector dimension");
        let m = self.m.max(1) as f64;
        let drop = self.opts.drop_tolerance;
        if !v.sparse {
            v.reindex(0.0);
        }
        if !self.l_order.is_empty() && !v.index.is_empty() {
            let hyper = self.use_hyper(v.index.len(), self.dens.l_f, HYPER_FTRAN_L);
            let n = tri_solve(
                &self.lcol,
                &self.l_order,
                true,
                None,
                v,
                &mut self.solve,
                hyper,
                drop,
            );
            self.count_solve(hyper, n);
            observe(&mut self.dens.l_f, v.index.len() as f64 / m);
        }
        if !self.r_row.is_empty() {
            tidy(v, 0.0);
            self.apply_r(v);
        }
        if save {
            tidy(v, drop);
            self.spike_idx.clear();
            self.spike_val.clear();
            for &i in &v.index {
                self.spike_idx.push(i);
                self.spike_val.push(v.values[i as usize]);
            }
            self.spike_valid = true;
        }
        if !v.index.is_empty() {
            let hyper = self.use_hyper(v.index.len(), self.dens.u_f, HYPER_FTRAN_U);
            let n = tri_solve(
                &self.ucol,
                &self.u_order,
                false,
                Some(&self.diag),
                v,
                &mut self.solve,
                hyper,
                drop,
            );
            self.count_solve(hyper, n);
            observe(&mut self.dens.u_f, v.index.len() as f64 / m);
        }
        permute(v, &self.pos_of_row, &mut self.solve.perm, drop);
    }

    /// `v := B⁻ᵀ v`. Input indexed by basis position, output by row; `v`
    /// must have dimension `m`. The output is sparse with an exact index.
    pub(crate) fn btran(&mut self, v: &mut SparseVec) {
        debug_assert_eq!(v.len(), self.m, "btran: vector dimension");
        let m = self.m.max(1) as f64;
        let drop = self.opts.drop_tolerance;
        if !v.sparse {
            v.reindex(0.0);
        }
        permute(v, &self.row_of_pos, &mut self.solve.perm, 0.0);
        if !v.index.is_empty() {
            let hyper = self.use_hyper(v.index.len(), self.dens.u_b, HYPER_BTRAN_U);
            let n = tri_solve(
                &self.urow,
                &self.u_order,
                true,
                Some(&self.diag),
                v,
                &mut self.solve,
                hyper,
                drop,
            );
            self.count_solve(hyper, n);
            observe(&mut self.dens.u_b, v.index.len() as f64 / m);
        }
        if !self.r_row.is_empty() {
            tidy(v, 0.0);
            self.apply_rt(v);
        }
        if !self.lrow_order.is_empty() && !v.index.is_empty() {
            let hyper = self.use_hyper(v.index.len(), self.dens.l_b, HYPER_BTRAN_L);
            let n = tri_solve(
                &self.lrow,
                &self.lrow_order,
                true,
                None,
                v,
                &mut self.solve,
                hyper,
                drop,
            );
            self.count_solve(hyper, n);
            observe(&mut self.dens.l_b, v.index.len() as f64 / m);
        }
        tidy(v, drop);
    }

    /// Applies the row etas in order: `v[p] -= Σ r_val · v[r_idx]`.
    /// Requires an exact index (every index entry nonzero).
    fn apply_r(&self, v: &mut SparseVec) {
        for (t, &p) in self.r_row.iter().enumerate() {
            let range = self.r_start[t]..self.r_start[t + 1];
            let s: f64 = self.r_idx[range.clone()]
                .iter()
                .zip(&self.r_val[range])
                .map(|(&j, &m)| m * v.values[j as usize])
                .sum();
            if s != 0.0 {
                let p = p as usize;
                let old = v.values[p];
                if old == 0.0 {
                    v.index.push(p as u32);
                }
                let new = old - s;
                v.values[p] = if new == 0.0 { TINY } else { new };
            }
        }
    }

    /// Applies the transposed row etas in reverse order:
    /// `v[r_idx] -= r_val · v[p]`. Requires an exact index.
    fn apply_rt(&self, v: &mut SparseVec) {
        for (t, &p) in self.r_row.iter().enumerate().rev() {
            let x = v.values[p as usize];
            if x == 0.0 {
                continue;
            }
            for k in self.r_start[t]..self.r_start[t + 1] {
                let j = self.r_idx[k] as usize;
                let old = v.values[j];
                if old == 0.0 {
                    v.index.push(j as u32);
                }
                let new = old - self.r_val[k] * x;
                v.values[j] = if new == 0.0 { TINY } else { new };
            }
        }
    }

    /// The partial BTRAN of the update: `z` with `zᵀ U = d_p e_pᵀ` (so
    /// `z_p = 1`) into `self.upd`, in row labels. Only pivots from `p`'s slot
    /// on can be nonzero.
    pub(super) fn btran_u_unit(&mut self, p: usize) {
        let drop = self.opts.drop_tolerance;
        self.upd.clear();
        self.upd.push(p, self.diag[p]);
        let hyper = self.use_hyper(1, self.dens.u_row, HYPER_BTRAN_U);
        let from = self.u_slot[p] as usize;
        let n = tri_solve(
            &self.urow,
            &self.u_order[from..],
            true,
            Some(&self.diag),
            &mut self.upd,
            &mut self.solve,
            hyper,
            drop,
        );
        self.count_solve(hyper, n);
        let m = self.m.max(1) as f64;
        observe(&mut self.dens.u_row, self.upd.index.len() as f64 / m);
    }
}
