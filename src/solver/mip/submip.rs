//! Large-neighbourhood heuristics: RENS at the root (fix the integer
//! columns the LP solution makes integral, round the others only to their
//! two nearest integers), RINS in the tree (fix the integer columns on
//! which the incumbent and the node LP agree), and row neighbourhoods
//! around each new incumbent (free one covering row's columns, or a group
//! of rows: those sharing a full packing row, and the regret groups). Each
//! neighbourhood is solved as a smaller MIP — fixed columns substituted
//! out, every current row (cuts included) kept — by this same
//! branch-and-bound with a node limit and an objective cutoff just below
//! the incumbent.

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
/// Row neighbourhoods: sweeps over the covering rows at most.
const ROW_LNS_SWEEPS: usize = 10;
/// Node limit of a row neighbourhood's sub-MIP.
const ROW_LNS_NODES: u64 = 100;
/// Covering rows freed together at most.
const ROW_LNS_GROUP: usize = 4;
/// Regret groups: covering rows tried per sweep at most, rows freed
/// together at most, and the least regret (share of the objective) worth
/// a neighbourhood.
const REGRET_ROWS: usize = 32;
const REGRET_GROUP: usize = 6;
const REGRET_MIN: f64 = 1e-6;

/// The node budget a sub-MIP's nodes count against.
#[derive(Clone, Copy)]
enum Charge {
    /// RENS, RINS and the support sub-MIP (`Search::sub_nodes`).
    Rins,
    /// The row neighbourhoods (`Search::lns_nodes`).
    Neighbourhoods,
}

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

    /// Row neighbourhoods of the incumbent (a local search). A covering
    /// row is a model row `a·x ≥ l` over integer columns with positive
    /// coefficients (a phase's work, a serving demand). A neighbourhood
    /// frees the columns of some covering rows, and each column tied to
    /// one of them by a two-column row (a run and its `use` binary); every
    /// other column stays at the incumbent, and the sub-MIP re-decides how
    /// those rows are covered around everyone else's choices:
    ///
    /// - each covering row alone: a phase's whole-unit run spread over
    ///   pools whose unit sizes fill its work more exactly, or moved to
    ///   cheaper pools with room;
    /// - the covering rows that use a full packing row (a pool's capacity
    ///   in a period, at its bound in the incumbent), together: the phases
    ///   sharing a pool trade places.
    ///
    /// Sweeps repeat while one improves, within a work budget (sub-MIP LP
    /// iterations), so the same model gives the same plan however fast
    /// the machine.
    pub(super) fn local_search(&mut self) {
        if self.inc_obj < self.polished {
            self.row_neighbourhoods();
            self.polished = self.inc_obj;
        }
    }

    fn row_neighbourhoods(&mut self) {
        if self.incumbent.is_none() || self.sub_depth > 0 {
            return;
        }
        let t = Instant::now();
        let prob = &self.prob;
        let rows = &prob.rows;
        let seeds: Vec<usize> = (0..prob.model_rows)
            .filter(|&i| {
                let (idx, val) = rows.row(i);
                rows.lower[i].is_finite()
                    && rows.upper[i] == f64::INFINITY
                    && idx.len() >= 2
                    && idx
                        .iter()
                        .zip(val)
                        .all(|(&j, &a)| prob.integer[j as usize] && a > 0.0)
            })
            .collect();
        if seeds.is_empty() {
            return;
        }
        let mut covering = vec![false; prob.model_rows];
        for &i in &seeds {
            covering[i] = true;
        }
        let start_iters = self.sub_iters;
        let (mut found, mut tried) = (0usize, 0usize);
        let mut seen: std::collections::BTreeSet<Vec<u32>> = std::collections::BTreeSet::new();
        'sweeps: for sweep in 0..ROW_LNS_SWEEPS {
            let mut improved = false;
            // Singles first, then the groups sharing a full packing row,
            // then the regret groups (both computed from the incumbent of
            // the moment).
            let mut groups: Vec<Vec<u32>> = seeds.iter().map(|&i| vec![i as u32]).collect();
            groups.extend(self.packing_groups(&covering));
            let regret_from = groups.len();
            groups.extend(self.regret_groups(&covering, &seeds));
            for (gi, g) in groups.into_iter().enumerate() {
                if !self.sub_mip_budget_left(self.lns_nodes, super::search::LNS_SHARE)
                    || self.out_of_time()
                {
                    break 'sweeps;
                }
                // A group is tried again only around a new incumbent.
                if g.len() > 1 && !seen.insert(g.clone()) {
                    continue;
                }
                let Some(inc) = self.incumbent.as_ref() else {
                    return;
                };
                let mut lo = inc.clone();
                let mut up = inc.clone();
                for &i in &g {
                    self.free_row(i as usize, &mut lo, &mut up);
                }
                tried += 1;
                let what = if gi >= regret_from { "regret" } else { "row" };
                if self.sub_mip_nodes(&lo, &up, what, ROW_LNS_NODES, Charge::Neighbourhoods) {
                    improved = true;
                    found += 1;
                    seen.clear();
                }
            }
            super::trace!(
                "  row neighbourhoods: sweep {sweep}, incumbent {}",
                self.inc_obj
            );
            if !improved {
                break;
            }
        }
        super::trace!(
            "row neighbourhoods: {tried} tried ({} covering rows), {found} improved, incumbent {}, {} iterations, {:.3}s",
            seeds.len(),
            self.inc_obj,
            self.sub_iters - start_iters,
            t.elapsed().as_secs_f64()
        );
    }

    /// Frees (to the global bounds) the columns of row `i` and the columns
    /// tied to them by two-column model rows.
    fn free_row(&self, i: usize, lo: &mut [f64], up: &mut [f64]) {
        let prob = &self.prob;
        for &j in prob.rows.row(i).0 {
            let j = j as usize;
            lo[j] = prob.lower[j];
            up[j] = prob.upper[j];
            for &r in prob.cols.col(j).0 {
                let r = r as usize;
                if r >= prob.model_rows {
                    continue;
                }
                let (pi, _) = prob.rows.row(r);
                if pi.len() == 2 {
                    for &q in pi {
                        let q = q as usize;
                        lo[q] = prob.lower[q];
                        up[q] = prob.upper[q];
                    }
                }
            }
        }
    }

    /// The packing groups of the incumbent: for each model row `a·x ≤ u`
    /// too full for one more unit of its widest column whose nonzero
    /// columns cover at least two covering rows, those covering rows (at
    /// most [`ROW_LNS_GROUP`], the ones with the most load in the row),
    /// sorted; each group once. (Freeing the row's purchases with them was
    /// measured worse: 125 × 31 and 100 × 25 fleets ended with twice the
    /// gap.)
    fn packing_groups(&self, covering: &[bool]) -> Vec<Vec<u32>> {
        let Some(inc) = self.incumbent.as_ref() else {
            return Vec::new();
        };
        let prob = &self.prob;
        let rows = &prob.rows;
        let mut out: std::collections::BTreeSet<Vec<u32>> = std::collections::BTreeSet::new();
        for r in 0..prob.model_rows {
            let u = rows.upper[r];
            if !u.is_finite() || rows.lower[r].is_finite() {
                continue;
            }
            let (idx, val) = rows.row(r);
            let act: f64 = idx
                .iter()
                .zip(val)
                .map(|(&j, &a)| a * inc[j as usize])
                .sum();
            let widest = val.iter().fold(0.0_f64, |m, &a| m.max(a));
            if act <= u - widest {
                continue;
            }
            let mut w: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
            for (&j, &a) in idx.iter().zip(val) {
                let v = inc[j as usize];
                if a > 0.0 && v > 0.0 {
                    let rows_of_j = prob.cols.col(j as usize).0;
                    for &i in rows_of_j
                        .iter()
                        .filter(|&&i| covering.get(i as usize) == Some(&true))
                    {
                        *w.entry(i).or_insert(0.0) += a * v;
                    }
                }
            }
            if w.len() < 2 {
                continue;
            }
            let mut g: Vec<(u32, f64)> = w.into_iter().collect();
            g.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            g.truncate(ROW_LNS_GROUP);
            let mut g: Vec<u32> = g.into_iter().map(|(i, _)| i).collect();
            g.sort_unstable();
            out.insert(g);
        }
        out.into_iter().collect()
    }

    /// The regret groups of the incumbent: the covering rows whose columns
    /// cost most above what the root LP point spends on them (at most
    /// [`REGRET_ROWS`]), each with the covering rows that load, in the
    /// incumbent, the packing rows where the LP point puts more of its
    /// columns than the incumbent does (the heaviest, up to
    /// [`REGRET_GROUP`] rows in all), sorted. A row placed far from where
    /// the relaxation wants it can move there only if what fills those
    /// rows moves too; the single and packing groups free one side of that
    /// exchange at a time.
    fn regret_groups(&self, covering: &[bool], seeds: &[usize]) -> Vec<Vec<u32>> {
        let (Some(inc), x) = (self.incumbent.as_ref(), &self.root_x) else {
            return Vec::new();
        };
        let prob = &self.prob;
        let rows = &prob.rows;
        if x.len() != prob.n {
            return Vec::new();
        }
        let mut regret: Vec<(f64, usize)> = seeds
            .iter()
            .map(|&i| {
                let (idx, _) = rows.row(i);
                let r: f64 = idx
                    .iter()
                    .map(|&j| prob.cost[j as usize] * (inc[j as usize] - x[j as usize]))
                    .sum();
                (r, i)
            })
            .filter(|&(r, _)| r > REGRET_MIN * (1.0 + self.inc_obj.abs()))
            .collect();
        regret.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        regret.truncate(REGRET_ROWS);
        let mut out: std::collections::BTreeSet<Vec<u32>> = std::collections::BTreeSet::new();
        for &(_, i) in &regret {
            // Load of the other covering rows on the packing rows the LP
            // point wants more of for row i.
            let mut w: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
            let mut seen_rows: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
            for &j in rows.row(i).0 {
                let j = j as usize;
                if x[j] <= inc[j] + self.int_tol {
                    continue;
                }
                let (col_rows, col_vals) = prob.cols.col(j);
                for (&r, &a) in col_rows.iter().zip(col_vals) {
                    let r = r as usize;
                    if r >= prob.model_rows
                        || a <= 0.0
                        || !rows.upper[r].is_finite()
                        || rows.lower[r].is_finite()
                        || !seen_rows.insert(r as u32)
                    {
                        continue;
                    }
                    let (ridx, rval) = rows.row(r);
                    for (&q, &b) in ridx.iter().zip(rval) {
                        let v = inc[q as usize];
                        if b <= 0.0 || v <= 0.0 {
                            continue;
                        }
                        for &k in prob.cols.col(q as usize).0 {
                            if k as usize != i && covering.get(k as usize) == Some(&true) {
                                *w.entry(k).or_insert(0.0) += b * v;
                            }
                        }
                    }
                }
            }
            if w.is_empty() {
                continue;
            }
            let mut g: Vec<(u32, f64)> = w.into_iter().collect();
            g.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            g.truncate(REGRET_GROUP - 1);
            let mut g: Vec<u32> = g.into_iter().map(|(k, _)| k).collect();
            g.push(i as u32);
            g.sort_unstable();
            out.insert(g);
        }
        out.into_iter().collect()
    }

    /// Solves the problem restricted to `[lo, up]` as a smaller MIP and
    /// offers its solution.
    fn sub_mip(&mut self, lo: &[f64], up: &[f64], what: &str) -> bool {
        self.sub_mip_nodes(lo, up, what, SUB_NODES, Charge::Rins)
    }

    /// [`Search::sub_mip`] with a node limit, its nodes charged to `charge`.
    fn sub_mip_nodes(
        &mut self,
        lo: &[f64],
        up: &[f64],
        what: &str,
        nodes: u64,
        charge: Charge,
    ) -> bool {
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
        opts.node_limit = Some(nodes);
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
        let counted = (sub.nodes as f64 * rows_ratio.min(1.0)).ceil() as u64;
        match charge {
            Charge::Rins => self.sub_nodes += counted,
            Charge::Neighbourhoods => self.lns_nodes += counted,
        }
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
