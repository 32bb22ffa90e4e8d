//! Large-neighbourhood heuristics: RENS at the root (fix the integer
//! columns the LP solution makes integral, round the others only to their
//! two nearest integers) and RINS in the tree (fix the integer columns on
//! which the incumbent and the node LP agree). The neighbourhood is solved
//! as a smaller MIP — fixed columns substituted out, every current row
//! (cuts included) kept — by this same branch-and-bound with a node limit
//! and an objective cutoff just below the incumbent.

// Index loops over parallel arrays (bounds, values, costs) read best here;
// a column is fixed when its bounds are identical.
#![allow(clippy::needless_range_loop, clippy::float_cmp)]

use super::search::Search;
use crate::model::{ColId, ModelBuilder, RowId, VarType};
use std::time::Instant;

/// Smallest share of the integer columns a neighbourhood must fix.
const MIN_FIXED_RENS: f64 = 0.5;
const MIN_FIXED_RINS: f64 = 0.3;
/// Node limit of one sub-MIP.
const SUB_NODES: u64 = 500;

impl Search<'_> {
    /// RENS around the LP point `x` of the root.
    pub(super) fn rens(&mut self, x: &[f64]) {
        let n = self.prob.n;
        let mut lo = self.prob.lower.clone();
        let mut up = self.prob.upper.clone();
        let mut fixed = 0usize;
        for j in 0..n {
            if !self.prob.integer[j] {
                continue;
            }
            if self.is_integral(x[j]) {
                lo[j] = x[j].round();
                up[j] = lo[j];
                fixed += 1;
            } else {
                lo[j] = lo[j].max(x[j].floor());
                up[j] = up[j].min(x[j].ceil());
            }
        }
        let nint = self.prob.num_integer().max(1);
        if (fixed as f64) < MIN_FIXED_RENS * nint as f64 {
            return;
        }
        if !self.sub_mip(&lo, &up, "rens") && self.incumbent.is_none() {
            self.support_mip(x);
        }
    }

    /// When RENS finds nothing and no solution is known: the sub-MIP on
    /// the LP point's support, every integer column the LP leaves at its
    /// lower bound fixed there and every other one free within its bounds.
    /// RENS's neighbourhood (each column at one of its two neighbours) is
    /// empty when rounding up a column breaks a capacity and rounding it
    /// down leaves a demand short; the support lets the work move between
    /// the columns the LP uses (a planner's few pools per phase).
    fn support_mip(&mut self, x: &[f64]) {
        let n = self.prob.n;
        let lo = self.prob.lower.clone();
        let mut up = self.prob.upper.clone();
        let mut fixed = 0usize;
        for j in 0..n {
            if self.prob.integer[j] && x[j] <= lo[j] + self.int_tol {
                up[j] = lo[j];
                fixed += 1;
            }
        }
        let nint = self.prob.num_integer().max(1);
        if (fixed as f64) < MIN_FIXED_RENS * nint as f64 {
            return;
        }
        self.sub_mip(&lo, &up, "support");
    }

    /// RINS around the LP point `x` of the node in hand and the incumbent;
    /// returns whether it improved the incumbent.
    pub(super) fn rins(&mut self, x: &[f64]) -> bool {
        let Some(inc) = self.incumbent.clone() else {
            return false;
        };
        let n = self.prob.n;
        let mut lo = self.prob.lower.clone();
        let mut up = self.prob.upper.clone();
        let mut fixed = 0usize;
        for j in 0..n {
            if self.prob.integer[j] && (x[j] - inc[j]).abs() <= self.int_tol {
                let v = inc[j];
                if v < lo[j] || v > up[j] {
                    continue;
                }
                lo[j] = v;
                up[j] = v;
                fixed += 1;
            }
        }
        let nint = self.prob.num_integer().max(1);
        if (fixed as f64) < MIN_FIXED_RINS * nint as f64 {
            return false;
        }
        self.sub_mip(&lo, &up, "rins")
    }

    /// Solves the problem restricted to `[lo, up]` as a smaller MIP and
    /// offers its solution.
    fn sub_mip(&mut self, lo: &[f64], up: &[f64], what: &str) -> bool {
        let t = Instant::now();
        let prob = &self.prob;
        let n = prob.n;
        // Columns that stay, and the sub-model's index of each.
        let mut map = vec![u32::MAX; n];
        let mut b = ModelBuilder::new(what);
        let mut offset = prob.offset;
        let mut keep = Vec::new();
        for j in 0..n {
            if lo[j] == up[j] {
                offset += prob.cost[j] * lo[j];
            } else {
                let t = if prob.integer[j] {
                    VarType::Integer
                } else {
                    VarType::Continuous
                };
                let c = b.add_col(
                    String::new(),
                    prob.cost[j],
                    lo[j].is_finite().then_some(lo[j]),
                    up[j].is_finite().then_some(up[j]),
                    t,
                );
                map[j] = c.0;
                keep.push(j);
            }
        }
        if keep.is_empty() {
            let y = lo.to_vec();
            return self.try_solution(&y);
        }
        b.set_objective_constant(offset);
        let rows = &prob.rows;
        for i in 0..rows.len() {
            let (idx, val) = rows.row(i);
            let mut fixed = 0.0;
            let mut entries: Vec<(ColId, f64)> = Vec::new();
            for (&j, &a) in idx.iter().zip(val) {
                let j = j as usize;
                if map[j] == u32::MAX {
                    fixed += a * lo[j];
                } else {
                    entries.push((ColId(map[j]), a));
                }
            }
            let (l, u) = (rows.lower[i] - fixed, rows.upper[i] - fixed);
            if entries.is_empty() {
                let tol = 1e-6 * (1.0 + fixed.abs());
                if l > tol || u < -tol {
                    return false; // the neighbourhood is empty
                }
                continue;
            }
            let r: RowId = b.add_row(
                String::new(),
                l.is_finite().then_some(l),
                u.is_finite().then_some(u),
            );
            for (c, a) in entries {
                b.set_coef(r, c, a);
            }
        }
        let Ok(model) = b.build() else {
            return false;
        };
        let remaining = self
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()));
        if remaining.is_some_and(|r| r.is_zero()) {
            return false;
        }
        let mut opts = self.options.clone();
        opts.time_limit = remaining;
        opts.node_limit = Some(SUB_NODES);
        opts.iteration_limit = None;
        opts.relative_gap = opts.relative_gap.max(1e-6);
        opts.mip.cut_rounds = opts.mip.cut_rounds.min(10);
        // The sub-MIP has its own columns; the caller's start is not its.
        opts.mip.start = None;
        let cutoff = self.inc_obj;
        let mut sub = Search::new(&model, &opts, Instant::now());
        sub.sub_depth = self.sub_depth + 1;
        if cutoff.is_finite() {
            sub.inc_obj = cutoff - self.gap_tolerance();
        }
        let run = sub.run();
        self.sub_iters += sub.lp.iterations + sub.sub_iters;
        // Sub-MIP nodes count in main-tree nodes by their rows: a node of
        // a neighbourhood of 600 rows costs a twentieth of one of 15,000,
        // and RINS's share of the search is a share of its work.
        let rows_ratio = model.num_rows() as f64 / self.prob.rows.len().max(1) as f64;
        self.sub_nodes += (sub.nodes as f64 * rows_ratio.min(1.0)).ceil() as u64;
        let found = run.is_ok() && sub.incumbent.is_some();
        super::trace!(
            "  {what}: {} of {} columns free, {} nodes, {:.3}s, found {:?}",
            keep.len(),
            n,
            sub.nodes,
            t.elapsed().as_secs_f64(),
            found.then_some(sub.inc_obj)
        );
        let mut improved = false;
        if let (true, Some(xs)) = (found, sub.incumbent) {
            let mut y = lo.to_vec();
            for (k, &j) in keep.iter().enumerate() {
                y[j] = xs[k];
            }
            improved = self.try_solution(&y);
        }
        improved
    }
}
