//! The LP of branch-and-bound nodes: the simplex engine on the scaled
//! working problem (model rows plus cuts), driven in the model's units.
//!
//! Every node changes column bounds only, so the previous basis stays dual
//! feasible and the dual simplex continues from it. A basis can be saved
//! (one byte per variable) and loaded again when the search jumps to a node
//! elsewhere in the tree; loading costs one refactorisation.

// Fixed bounds are recognised by exact equality, as in the engine.
#![allow(clippy::float_cmp)]

use super::problem::{Problem, Rows};
use crate::error::Result;
use crate::solver::simplex::scaling::Scaling;
use crate::solver::simplex::{Engine, Limits, Lp, Method, NONBASIC, Outcome, SpMat, Tol};
use std::sync::Arc;
use std::time::Instant;

/// How a node LP solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LpStatus {
    /// Optimal; values, objective and duals are available.
    Optimal,
    /// Proven infeasible (a checked Farkas certificate).
    Infeasible,
    /// The relaxation is unbounded.
    Unbounded,
    /// The iteration limit of this solve was reached.
    IterationLimit,
    /// The global time limit was reached.
    TimeLimit,
}

/// A saved basis: per variable (structurals then logicals) `2` basic, `1`
/// nonbasic at lower, `-1` at upper, `0` fixed or free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LpBasis(pub(super) Vec<i8>);

const BASIC: i8 = 2;

/// A saved solver state (see [`NodeLp::snapshot`]).
#[derive(Debug, Clone)]
pub(super) struct LpSnapshot {
    engine: Engine,
    values: Vec<f64>,
}

/// The node LP.
#[derive(Debug, Clone)]
pub(super) struct NodeLp {
    /// Structural columns.
    pub(super) n: usize,
    /// Rows (model rows and cuts).
    pub(super) m: usize,
    scale: Scaling,
    pub(super) engine: Engine,
    /// Simplex iterations over every solve.
    pub(super) iterations: u64,
    deadline: Option<Instant>,
    /// Values of all `n + m` variables (scaled) after the last solve.
    values: Vec<f64>,
    /// Objective offset (minimisation form).
    offset: f64,
    /// Whether a solve has run (later solves start warm).
    solved: bool,
}

impl NodeLp {
    /// The LP of `prob` (its rows as they are now) with column bounds
    /// `lower`/`upper`, starting from the slack basis.
    pub(super) fn new(
        prob: &Problem,
        lower: &[f64],
        upper: &[f64],
        tol: Tol,
        deadline: Option<Instant>,
    ) -> Self {
        let n = prob.n;
        let m = prob.rows.len();
        // The column-wise copy shares the problem's column index's
        // structure when the index is current (it always is when the LP
        // is built; the check is a guard), and the row-wise copy shares
        // the rows' structure when each row lists its columns in order:
        // only the scaled values are the LP's own.
        let a = if prob.cols.matches(&prob.rows, n) {
            let c = prob.cols.matrix();
            let (start, index) = c.shared_structure();
            SpMat {
                start,
                index,
                value: c.values().to_vec(),
            }
        } else {
            csc_of(&prob.rows, n)
        };
        let scale = Scaling::compute(m, &a);
        let mut value = a.value;
        for j in 0..n {
            let (s, e) = (a.start[j], a.start[j + 1]);
            for (v, &i) in value[s..e].iter_mut().zip(&a.index[s..e]) {
                *v *= scale.row[i as usize] * scale.col[j];
            }
        }
        let sa = SpMat {
            start: a.start,
            index: a.index,
            value,
        };
        let rows = &prob.rows;
        let ar = if rows.sorted() {
            // The transpose of `sa` entry for entry: row i's entries in
            // column order, each scaled by the same product.
            let mut value = Vec::with_capacity(rows.value.len());
            for i in 0..m {
                let (idx, val) = rows.row(i);
                let r = scale.row[i];
                value.extend(
                    idx.iter()
                        .zip(val)
                        .map(|(&j, &v)| v * (r * scale.col[j as usize])),
                );
            }
            SpMat {
                start: Arc::clone(&rows.start),
                index: Arc::clone(&rows.index),
                value,
            }
        } else {
            sa.transpose(m)
        };
        let mut cost = vec![0.0; n + m];
        let mut lo = vec![0.0; n + m];
        let mut up = vec![0.0; n + m];
        for j in 0..n {
            let c = scale.col[j];
            cost[j] = prob.cost[j] * c;
            lo[j] = lower[j] / c;
            up[j] = upper[j] / c;
        }
        for i in 0..m {
            let r = scale.row[i];
            lo[n + i] = -prob.rows.upper[i] * r;
            up[n + i] = -prob.rows.lower[i] * r;
        }
        let lp = Lp::with_rows(m, sa, ar, cost, lo, up);
        let engine = Engine::new(lp, tol);
        Self {
            n,
            m,
            scale,
            engine,
            iterations: 0,
            deadline,
            values: vec![0.0; n + m],
            offset: prob.offset,
            solved: false,
        }
    }

    /// Sets the bounds of column `j` (model units).
    #[inline]
    pub(super) fn set_col_bounds(&mut self, j: usize, lower: f64, upper: f64) {
        let c = self.scale.col[j];
        let lp = &mut self.engine.lp;
        lp.lower[j] = lower / c;
        lp.upper[j] = upper / c;
    }

    /// Sets every column's bounds.
    pub(super) fn set_all_bounds(&mut self, lower: &[f64], upper: &[f64]) {
        for j in 0..self.n {
            self.set_col_bounds(j, lower[j], upper[j]);
        }
    }

    /// Solves from the current basis, with at most `max_iterations`
    /// iterations when given.
    ///
    /// # Errors
    /// The engine's numerical failures.
    pub(super) fn solve(&mut self, max_iterations: Option<u64>) -> Result<LpStatus> {
        let e = &mut self.engine;
        e.iterations = 0;
        e.limits = Limits {
            max_iterations,
            deadline: self.deadline,
        };
        // Costs never change between solves, so after the first solve every
        // basis is dual feasible up to bound flips.
        let method = if self.solved {
            Method::DualWarm
        } else {
            Method::Dual
        };
        let out = e.run(method);
        self.solved = true;
        self.iterations += e.iterations;
        let out = out?;
        let status = match out {
            Outcome::Optimal => LpStatus::Optimal,
            Outcome::Infeasible(_) => LpStatus::Infeasible,
            Outcome::Unbounded(_) => LpStatus::Unbounded,
            Outcome::IterationLimit => LpStatus::IterationLimit,
            Outcome::TimeLimit => LpStatus::TimeLimit,
        };
        if matches!(
            status,
            LpStatus::Optimal | LpStatus::IterationLimit | LpStatus::Unbounded
        ) {
            self.values = e.values();
        }
        Ok(status)
    }

    /// A copy of the solver state, to come back to after trial solves
    /// (strong branching, dives) without refactorising. The constraint
    /// matrix (both of its copies) is not part of it: trial solves change
    /// bounds only, so the matrix in hand is the snapshot's. Copying it
    /// made every strong-branching candidate and dive pay for the whole
    /// matrix twice (a snapshot and a restore), which dominated strong
    /// branching on the planner's larger models.
    pub(super) fn snapshot(&mut self) -> LpSnapshot {
        let (a, ar) = self.take_matrix();
        let engine = self.engine.clone();
        self.put_matrix(a, ar);
        LpSnapshot {
            engine,
            values: self.values.clone(),
        }
    }

    /// Returns to a snapshot (bounds, costs, basis and factor) taken of
    /// this LP since its rows last changed.
    pub(super) fn restore(&mut self, s: &LpSnapshot) {
        let (a, ar) = self.take_matrix();
        self.engine.clone_from(&s.engine);
        self.put_matrix(a, ar);
        self.values.clone_from(&s.values);
    }

    /// Frees the constraint matrix (both copies) of an LP about to be
    /// replaced: the LP must not be solved again.
    pub(super) fn release_matrix(&mut self) {
        drop(self.take_matrix());
    }

    fn take_matrix(&mut self) -> (SpMat, SpMat) {
        let lp = &mut self.engine.lp;
        (std::mem::take(&mut lp.a), std::mem::take(&mut lp.ar))
    }

    fn put_matrix(&mut self, a: SpMat, ar: SpMat) {
        let lp = &mut self.engine.lp;
        lp.a = a;
        lp.ar = ar;
    }

    /// Column values (model units) of the last solve, within the column
    /// bounds: the engine's point may sit outside a bound by its primal
    /// tolerance, which in model units can exceed the integrality
    /// tolerance (a column scaled by 100 at `196 − 8.6e-6` with lower
    /// bound 196); branching on such a value would not change the bound
    /// and would repeat forever.
    pub(super) fn x(&self) -> Vec<f64> {
        let lp = &self.engine.lp;
        (0..self.n)
            .map(|j| {
                let v = self.values[j].clamp(lp.lower[j], lp.upper[j].max(lp.lower[j]));
                v * self.scale.col[j]
            })
            .collect()
    }

    /// Row activities `a_i x` (model units) of the last solve.
    pub(super) fn row_activity(&self) -> Vec<f64> {
        (0..self.m)
            .map(|i| -self.values[self.n + i] / self.scale.row[i])
            .collect()
    }

    /// The objective of the last solve's point with the true costs
    /// (minimisation form, with the offset).
    pub(super) fn objective(&self) -> f64 {
        let lp = &self.engine.lp;
        let mut s = self.offset;
        for j in 0..self.n {
            s += lp.cost[j] * self.values[j];
        }
        s
    }

    /// Reduced costs of the columns for the true costs (minimisation form,
    /// model units) at the current basis.
    pub(super) fn reduced_costs(&mut self) -> Vec<f64> {
        let e = &mut self.engine;
        e.cost.copy_from_slice(&e.lp.cost);
        e.compute_dual();
        e.row_ep.clear();
        (0..self.n).map(|j| e.d[j] / self.scale.col[j]).collect()
    }

    /// The current basis.
    pub(super) fn basis(&self) -> LpBasis {
        let e = &self.engine;
        LpBasis(
            (0..e.lp.nt())
                .map(|j| if e.is_basic(j) { BASIC } else { e.mv[j] })
                .collect(),
        )
    }

    /// Starts the next solve from `b` (refactorises). A basis of the wrong
    /// size is ignored.
    pub(super) fn set_basis(&mut self, b: &LpBasis) {
        let e = &mut self.engine;
        let nt = e.lp.nt();
        if b.0.len() != nt || b.0.iter().filter(|&&s| s == BASIC).count() != e.lp.m {
            return;
        }
        let mut k = 0;
        for j in 0..nt {
            e.pos[j] = NONBASIC;
            if b.0[j] == BASIC {
                e.basic[k] = j;
                e.pos[j] = k as u32;
                e.mv[j] = 0;
                k += 1;
            }
        }
        e.lower.copy_from_slice(&e.lp.lower);
        e.upper.copy_from_slice(&e.lp.upper);
        for j in 0..nt {
            if b.0[j] != BASIC {
                e.place_nonbasic(j, if b.0[j] == -1 { -1 } else { 1 });
            }
        }
        e.dse.iter_mut().for_each(|w| *w = 1.0);
        e.factor_ok = false;
    }

    /// Whether column `j` is basic.
    pub(super) fn is_basic(&self, j: usize) -> bool {
        self.engine.is_basic(j)
    }

    /// Nonbasic direction of variable `j` (`1` at lower, `-1` at upper, `0`
    /// fixed, free or basic), in the engine's terms (a row's logical at its
    /// lower bound means the row at its upper bound).
    pub(super) fn nonbasic_move(&self, j: usize) -> i8 {
        self.engine.mv[j]
    }

    /// The tableau row of basic structural `k` in model units:
    /// `x_k + Σ_j col[j]·x_j + Σ_i row[i]·s_i = 0` where `s_i = −a_i x` is
    /// row `i`'s logical (entries of basic variables other than `k` are 0).
    ///
    /// # Errors
    /// The engine's factorisation failures.
    pub(super) fn tableau_row(
        &mut self,
        k: usize,
        col: &mut [f64],
        row: &mut [f64],
    ) -> Result<bool> {
        let e = &mut self.engine;
        let Some(r) = (e.pos[k] != NONBASIC).then_some(e.pos[k] as usize) else {
            return Ok(false);
        };
        if !e.factor_ok {
            e.factorize()?;
            if e.pos[k] as usize != r {
                return Ok(false);
            }
        }
        e.row_ep.clear();
        e.row_ep.push(r, 1.0);
        e.factor.btran(&mut e.row_ep);
        e.price();
        let ck = self.scale.col[k];
        col.iter_mut().for_each(|v| *v = 0.0);
        row.iter_mut().for_each(|v| *v = 0.0);
        let n = self.n;
        let pos = &e.pos;
        let sc = &self.scale;
        e.row_ap.for_each_nonzero(|j, a| {
            if pos[j] == NONBASIC {
                col[j] = a * ck / sc.col[j];
            }
        });
        e.row_ep.for_each_nonzero(|i, a| {
            if pos[n + i] == NONBASIC {
                row[i] = a * ck * sc.row[i];
            }
        });
        e.row_ep.clear();
        e.row_ap.clear();
        Ok(true)
    }
}

/// Column-wise copy of a row set over `n` columns.
fn csc_of(rows: &Rows, n: usize) -> SpMat {
    let mut count = vec![0usize; n + 1];
    for &j in rows.index.iter() {
        count[j as usize + 1] += 1;
    }
    for j in 0..n {
        count[j + 1] += count[j];
    }
    let mut next = count.clone();
    let nnz = rows.index.len();
    let mut index = vec![0u32; nnz];
    let mut value = vec![0.0; nnz];
    for i in 0..rows.len() {
        let (idx, val) = rows.row(i);
        for (&j, &a) in idx.iter().zip(val) {
            let p = next[j as usize];
            // Row counts fit u32: the model builder checks sizes.
            index[p] = i as u32;
            value[p] = a;
            next[j as usize] += 1;
        }
    }
    SpMat {
        start: Arc::new(count),
        index: Arc::new(index),
        value,
    }
}
