//! The simplex engine: computational form, basis state and the kernels the
//! dual and primal simplex share.
//!
//! # Computational form
//!
//! The model `min cᵀx, rₗ ≤ Ax ≤ rᵤ, xₗ ≤ x ≤ xᵤ` becomes (after scaling, see
//! [`scaling`]) `[A I] (x, s) = 0` over `n + m` variables: the `n` structurals
//! `x` keep their bounds and cost, and the logical `s_i = −(Ax)_i` of row `i`
//! (variable `n + i`, column `e_i`) gets bounds `[−rᵤ_i, −rₗ_i]` and cost 0
//! (the HiGHS convention). Every variable is then free, one-sided, boxed or
//! fixed, and a basis is `m` of the `n + m` variables. A maximisation is solved
//! as the minimisation of `−cᵀx`.
//!
//! Row duals and reduced costs are `y = B⁻ᵀ c_B` and `d = c − [A I]ᵀ y`, so the
//! logical's reduced cost is `−y_i`.

// Exact float comparisons are intended throughout the engine: bounds are
// compared for identity (a fixed variable has `lower == upper` exactly),
// values against the bounds they were copied from, and stored zeros are
// exact zeros.
#![allow(clippy::float_cmp)]

mod dual;
mod primal;
pub(crate) mod scaling;

use crate::solver::sparse::SparseVec;
use std::sync::Arc;
use std::time::Instant;

/// The basis factor the engine uses.
pub(crate) type Factor = crate::solver::lu::LuFactor;
use crate::solver::lu::{FactorError, LuOptions as FactorOptions};

/// A compressed sparse matrix (by columns, or by rows for the transpose).
///
/// The structure (`start`, `index`) is shared: a scaled copy of a matrix
/// holds its own values beside the original's structure.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpMat {
    pub(crate) start: Arc<Vec<usize>>,
    pub(crate) index: Arc<Vec<u32>>,
    pub(crate) value: Vec<f64>,
}

impl SpMat {
    /// Entries of major line `j` (a column of a column-wise matrix).
    #[inline]
    pub(crate) fn line(&self, j: usize) -> (&[u32], &[f64]) {
        let (s, e) = (self.start[j], self.start[j + 1]);
        (&self.index[s..e], &self.value[s..e])
    }

    /// The transpose, with `minor` lines (rows of a column-wise matrix).
    pub(crate) fn transpose(&self, minor: usize) -> SpMat {
        let mut count = vec![0usize; minor + 1];
        for &i in self.index.iter() {
            count[i as usize + 1] += 1;
        }
        for i in 0..minor {
            count[i + 1] += count[i];
        }
        let mut next = count.clone();
        let nnz = self.index.len();
        let mut index = vec![0u32; nnz];
        let mut value = vec![0.0; nnz];
        for j in 0..self.start.len().saturating_sub(1) {
            let (idx, val) = self.line(j);
            for (&i, &v) in idx.iter().zip(val) {
                let p = next[i as usize];
                // Column counts fit u32: sizes are checked when the Lp is built.
                index[p] = j as u32;
                value[p] = v;
                next[i as usize] += 1;
            }
        }
        SpMat {
            start: Arc::new(count),
            index: Arc::new(index),
            value,
        }
    }
}

/// The LP in computational form (already scaled), see the module docs.
#[derive(Debug, Clone)]
pub(crate) struct Lp {
    /// Rows.
    pub(crate) m: usize,
    /// Structural columns.
    pub(crate) n: usize,
    /// `A`, column-wise.
    pub(crate) a: SpMat,
    /// `A`, row-wise.
    pub(crate) ar: SpMat,
    /// Costs of all `n + m` variables (logicals 0), for a minimisation.
    pub(crate) cost: Vec<f64>,
    /// Lower bounds of all `n + m` variables.
    pub(crate) lower: Vec<f64>,
    /// Upper bounds of all `n + m` variables.
    pub(crate) upper: Vec<f64>,
    ident: Vec<u32>,
    ones: Vec<f64>,
}

impl Lp {
    /// Builds the computational form from a column-wise `A` (`m` rows).
    pub(crate) fn new(
        m: usize,
        a: SpMat,
        cost: Vec<f64>,
        lower: Vec<f64>,
        upper: Vec<f64>,
    ) -> Self {
        let ar = a.transpose(m);
        Self::with_rows(m, a, ar, cost, lower, upper)
    }

    /// [`Lp::new`] with the row-wise copy given: `ar` must be the
    /// transpose of `a` (as [`SpMat::transpose`] makes it).
    pub(crate) fn with_rows(
        m: usize,
        a: SpMat,
        ar: SpMat,
        cost: Vec<f64>,
        lower: Vec<f64>,
        upper: Vec<f64>,
    ) -> Self {
        let n = a.start.len() - 1;
        Self {
            m,
            n,
            a,
            ar,
            cost,
            lower,
            upper,
            // Row counts fit u32: checked by the model builder.
            ident: (0..m as u32).collect(),
            ones: vec![1.0; m],
        }
    }

    /// Column of variable `j` of `[A I]`.
    #[inline]
    pub(crate) fn col(&self, j: usize) -> (&[u32], &[f64]) {
        if j < self.n {
            self.a.line(j)
        } else {
            let i = j - self.n;
            (&self.ident[i..=i], &self.ones[i..=i])
        }
    }

    /// Total number of variables `n + m`.
    #[inline]
    pub(crate) fn nt(&self) -> usize {
        self.n + self.m
    }
}

/// Tolerances the engine works with (scaled space).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tol {
    pub(crate) primal: f64,
    pub(crate) dual: f64,
    pub(crate) pivot: f64,
}

/// Iteration and time limits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Limits {
    pub(crate) max_iterations: Option<u64>,
    pub(crate) deadline: Option<Instant>,
}

/// How a run of the engine ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Optimal for the true (unperturbed) costs and bounds.
    Optimal,
    /// Primal infeasible; the vector is a Farkas multiplier `y` (one per row,
    /// scaled space) such that `yᵀ[A I] (x, s) = 0` cannot meet the bounds.
    Infeasible(Vec<f64>),
    /// Primal unbounded; the vector is a ray over all `n + m` variables.
    Unbounded(Vec<f64>),
    /// An iteration limit was reached.
    IterationLimit,
    /// A time limit was reached.
    TimeLimit,
}

/// Why an inner loop stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stop {
    Optimal,
    Infeasible(Vec<f64>),
    Unbounded(Vec<f64>),
    DualInfeasible,
    IterationLimit,
    TimeLimit,
}

/// The generator for cost perturbation.
pub(crate) use crate::rng::SplitMix64 as Rng;

/// `pos` of a nonbasic variable.
pub(crate) const NONBASIC: u32 = u32::MAX;

/// `mv` of a nonbasic free variable (held at zero, may move either way).
pub(crate) const FREE: i8 = 2;

/// Minimum dual steepest-edge weight kept after an update.
const MIN_DSE_WEIGHT: f64 = 1e-4;
/// Relative disagreement between the pivot computed from the column and from
/// the row above which the factor is rebuilt (HiGHS uses the same figure).
const NUMERICAL_TROUBLE: f64 = 1e-7;
/// Basis updates between refactorisations.
const MAX_UPDATES: usize = 100;
/// When a loop may have reached optimality after basis updates, the values
/// are recomputed with the updated factor (HiGHS does not refactorise
/// there either); the factor is rebuilt only when the recomputed primal
/// values leave a relative residual above this.
pub(crate) const REFRESH_RESIDUAL: f64 = 1e-9;

/// The engine: an LP in computational form plus a basis and its factor.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub(crate) lp: Lp,
    pub(crate) tol: Tol,
    pub(crate) limits: Limits,
    /// Working costs (perturbed, shifted, or phase-1 costs).
    pub(crate) cost: Vec<f64>,
    /// Working bounds (the true ones, or dual phase 1's boxes).
    pub(crate) lower: Vec<f64>,
    pub(crate) upper: Vec<f64>,
    /// Variable at each basis position.
    pub(crate) basic: Vec<usize>,
    /// Basis position of each variable, `usize::MAX` when nonbasic.
    pub(crate) pos: Vec<u32>,
    /// Nonbasic direction: +1 at lower, −1 at upper, [`FREE`] for a free
    /// nonbasic variable, 0 for fixed and basic ones.
    pub(crate) mv: Vec<i8>,
    /// Values of nonbasic variables (stale for basic ones: see `xb`).
    pub(crate) x: Vec<f64>,
    /// Values of the basic variables, by position.
    pub(crate) xb: Vec<f64>,
    /// Reduced costs (0 for basic variables).
    pub(crate) d: Vec<f64>,
    /// Dual steepest-edge weights by position.
    pub(crate) dse: Vec<f64>,
    pub(crate) factor: Factor,
    pub(crate) factor_ok: bool,
    /// Whether the dual values in `d` match `cost` and the factor.
    pub(crate) perturbed: bool,
    pub(crate) rng: Rng,
    pub(crate) iterations: u64,
    pub(crate) col_aq: SparseVec,
    pub(crate) row_ep: SparseVec,
    pub(crate) row_ap: SparseVec,
    pub(crate) col_bfrt: SparseVec,
    pub(crate) col_dse: SparseVec,
    /// Dense work array of length `m`.
    pub(crate) work_m: Vec<f64>,
}

/// Dual infeasibility of a nonbasic variable with bounds `[l, u]`, sitting
/// as `mv` says, with reduced cost `d` (0 when `d` has the right sign).
#[inline]
pub(crate) fn dual_infeasibility(l: f64, u: f64, mv: i8, d: f64) -> f64 {
    if l == u {
        return 0.0;
    }
    let lf = l > f64::NEG_INFINITY;
    let uf = u < f64::INFINITY;
    if !lf && !uf {
        d.abs()
    } else {
        match mv {
            1 => (-d).max(0.0),
            -1 => d.max(0.0),
            _ => d.abs(),
        }
    }
}

impl Engine {
    /// An engine on `lp` with the slack basis.
    pub(crate) fn new(lp: Lp, tol: Tol) -> Self {
        let (m, nt) = (lp.m, lp.nt());
        let mut e = Self {
            cost: lp.cost.clone(),
            lower: lp.lower.clone(),
            upper: lp.upper.clone(),
            basic: (lp.n..nt).collect(),
            pos: vec![NONBASIC; nt],
            mv: vec![0; nt],
            x: vec![0.0; nt],
            xb: vec![0.0; m],
            d: vec![0.0; nt],
            dse: vec![1.0; m],
            factor: Factor::new(
                m,
                FactorOptions {
                    max_updates: MAX_UPDATES,
                    ..FactorOptions::default()
                },
            ),
            factor_ok: false,
            perturbed: false,
            rng: Rng(0x5EED_F1EE_7A1A_0001),
            iterations: 0,
            col_aq: SparseVec::new(m),
            row_ep: SparseVec::new(m),
            row_ap: SparseVec::new(lp.n),
            col_bfrt: SparseVec::new(m),
            col_dse: SparseVec::new(m),
            work_m: vec![0.0; m],
            limits: Limits::default(),
            tol,
            lp,
        };
        for (k, &j) in e.basic.iter().enumerate() {
            e.pos[j] = k as u32;
        }
        for j in 0..lp_n(&e) {
            e.set_nonbasic_default(j);
        }
        e
    }

    #[inline]
    pub(crate) fn is_basic(&self, j: usize) -> bool {
        self.pos[j] != NONBASIC
    }

    /// Puts nonbasic `j` at the bound its cost sign prefers (lower when both
    /// are finite and the cost is nonnegative).
    pub(crate) fn set_nonbasic_default(&mut self, j: usize) {
        let prefer_upper = self.cost[j] < 0.0;
        self.place_nonbasic(j, if prefer_upper { -1 } else { 1 });
    }

    /// Places nonbasic `j` at the bound in direction `want` (+1 lower, −1
    /// upper) if finite, else at the other finite bound, else at zero (free).
    pub(crate) fn place_nonbasic(&mut self, j: usize, want: i8) {
        let (l, u) = (self.lower[j], self.upper[j]);
        let lf = l > f64::NEG_INFINITY;
        let uf = u < f64::INFINITY;
        if lf && uf && l == u {
            self.mv[j] = 0;
            self.x[j] = l;
        } else if lf && (want >= 0 || !uf) {
            self.mv[j] = 1;
            self.x[j] = l;
        } else if uf {
            self.mv[j] = -1;
            self.x[j] = u;
        } else {
            self.mv[j] = FREE;
            self.x[j] = 0.0;
        }
    }

    /// Re-seats every nonbasic variable on its (working) bounds, keeping its
    /// side when that bound is finite.
    pub(crate) fn reseat_nonbasic(&mut self) {
        for j in 0..self.lp.nt() {
            if !self.is_basic(j) {
                let want = if self.mv[j] == 0 || self.mv[j] == FREE {
                    if self.d[j] < 0.0 { -1 } else { 1 }
                } else {
                    self.mv[j]
                };
                self.place_nonbasic(j, want);
            }
        }
    }

    /// Whether the iteration or time limit is reached.
    pub(crate) fn limit_reached(&self) -> Option<Stop> {
        if let Some(maxit) = self.limits.max_iterations
            && self.iterations >= maxit
        {
            return Some(Stop::IterationLimit);
        }
        if let Some(dl) = self.limits.deadline
            && self.iterations.is_multiple_of(16)
            && Instant::now() >= dl
        {
            return Some(Stop::TimeLimit);
        }
        None
    }

    /// Factorises the basis, repairing a singular one by swapping in
    /// logicals (the displaced variables become nonbasic at a bound).
    pub(crate) fn factorize(&mut self) -> crate::Result<()> {
        let lp = &self.lp;
        let basic = &self.basic;
        match self.factor.factorize(|k| lp.col(basic[k])) {
            Ok(()) => {}
            Err(FactorError::Singular {
                bad_positions,
                free_rows,
                ..
            }) => {
                // The factor now represents the basis with the logical of
                // `free_rows[k]` at `bad_positions[k]`: make it so. (That
                // logical cannot be basic already: its row would have had
                // a pivot.)
                for (&k, &row) in bad_positions.iter().zip(&free_rows) {
                    let out = self.basic[k];
                    let inn = self.lp.n + row;
                    self.pos[out] = NONBASIC;
                    let v = self.xb[k];
                    // Place the displaced variable at its nearest bound.
                    let want = if (v - self.lower[out]).abs() <= (self.upper[out] - v).abs() {
                        1
                    } else {
                        -1
                    };
                    self.place_nonbasic(out, want);
                    self.basic[k] = inn;
                    self.pos[inn] = k as u32;
                    self.mv[inn] = 0;
                    self.dse[k] = 1.0;
                }
            }
        }
        self.factor_ok = true;
        Ok(())
    }

    /// `xb := −B⁻¹ N x_N` from the nonbasic values.
    pub(crate) fn compute_primal(&mut self) {
        let m = self.lp.m;
        let rhs = &mut self.col_aq;
        rhs.clear();
        let w = &mut self.work_m;
        w.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..self.lp.nt() {
            let xj = self.x[j];
            if xj != 0.0 && self.pos[j] == NONBASIC {
                let (idx, val) = self.lp.col(j);
                for (&i, &a) in idx.iter().zip(val) {
                    w[i as usize] -= a * xj;
                }
            }
        }
        rhs.values.copy_from_slice(w);
        rhs.reindex(0.0);
        self.factor.ftran(rhs);
        self.xb[..m].copy_from_slice(&rhs.values[..m]);
        rhs.clear();
    }

    /// `y := B⁻ᵀ c_B` into `row_ep` (by row) and `d := c − [A I]ᵀ y`.
    pub(crate) fn compute_dual(&mut self) {
        let y = &mut self.row_ep;
        y.clear();
        for (k, &j) in self.basic.iter().enumerate() {
            let c = self.cost[j];
            if c != 0.0 {
                y.push(k, c);
            }
        }
        self.factor.btran(y);
        let n = self.lp.n;
        for j in 0..n {
            if self.pos[j] == NONBASIC {
                let (idx, val) = self.lp.a.line(j);
                let mut s = self.cost[j];
                for (&i, &a) in idx.iter().zip(val) {
                    s -= a * y.values[i as usize];
                }
                self.d[j] = s;
            } else {
                self.d[j] = 0.0;
            }
        }
        for i in 0..self.lp.m {
            let j = n + i;
            self.d[j] = if self.pos[j] == NONBASIC {
                self.cost[j] - y.values[i]
            } else {
                0.0
            };
        }
    }

    /// The row duals `y = B⁻ᵀ c_B` for the working costs (scaled space).
    pub(crate) fn row_duals(&mut self) -> Vec<f64> {
        self.compute_dual();
        let v = self.row_ep.values.clone();
        self.row_ep.clear();
        v
    }

    /// Largest primal infeasibility of the basic variables and their count.
    pub(crate) fn primal_infeasibility(&self) -> (f64, usize) {
        let mut worst: f64 = 0.0;
        let mut count = 0;
        for (k, &j) in self.basic.iter().enumerate() {
            let v = self.xb[k];
            let inf = (self.lower[j] - v).max(v - self.upper[j]);
            if inf > self.tol.primal {
                count += 1;
            }
            worst = worst.max(inf);
        }
        (worst, count)
    }

    /// Dual infeasibility of nonbasic `j` (0 when its reduced cost has the
    /// right sign for where it sits).
    #[inline]
    pub(crate) fn dual_infeasibility(&self, j: usize) -> f64 {
        dual_infeasibility(self.lower[j], self.upper[j], self.mv[j], self.d[j])
    }

    /// Largest dual infeasibility over the nonbasic variables and its count.
    pub(crate) fn dual_infeasibilities(&self) -> (f64, usize) {
        let mut worst: f64 = 0.0;
        let mut count = 0;
        for j in 0..self.lp.nt() {
            if !self.is_basic(j) {
                let inf = self.dual_infeasibility(j);
                if inf > self.tol.dual {
                    count += 1;
                }
                worst = worst.max(inf);
            }
        }
        (worst, count)
    }

    /// Largest residual of `[A I] v = 0` at the current values, each row's
    /// relative to `1 +` its largest term: how far the factor's solves have
    /// drifted (see [`REFRESH_RESIDUAL`]).
    pub(crate) fn primal_residual(&self) -> f64 {
        let m = self.lp.m;
        let n = self.lp.n;
        let v = self.values();
        let mut r = vec![0.0; m];
        let mut big = vec![0.0f64; m];
        for (j, &vj) in v[..n].iter().enumerate() {
            if vj == 0.0 {
                continue;
            }
            let (idx, val) = self.lp.a.line(j);
            for (&i, &a) in idx.iter().zip(val) {
                let t = a * vj;
                r[i as usize] += t;
                big[i as usize] = big[i as usize].max(t.abs());
            }
        }
        let mut worst = 0.0f64;
        for i in 0..m {
            let s = v[n + i];
            let res = (r[i] + s).abs() / (1.0 + big[i].max(s.abs()));
            worst = worst.max(res);
        }
        worst
    }

    /// Values of all `n + m` variables.
    pub(crate) fn values(&self) -> Vec<f64> {
        let mut v = self.x.clone();
        for (k, &j) in self.basic.iter().enumerate() {
            v[j] = self.xb[k];
        }
        v
    }

    /// Pivot row `α_r = ρᵀ A` over the structurals into `row_ap`, from
    /// `row_ep = ρ`. Row-wise (loop over the nonzeros of ρ) when ρ is sparse,
    /// column-wise otherwise.
    pub(crate) fn price(&mut self) {
        let n = self.lp.n;
        let rho = &self.row_ep;
        let out = &mut self.row_ap;
        out.clear();
        // Row-wise costs the lengths of the rows ρ touches; column-wise the
        // whole matrix. Pick the cheaper.
        let by_rows = rho.sparse && {
            let ar = &self.lp.ar;
            let work: usize = rho
                .index
                .iter()
                .map(|&i| ar.start[i as usize + 1] - ar.start[i as usize])
                .sum();
            work * 10 < self.lp.a.index.len() * 7
        };
        if by_rows {
            // Row-wise, keeping the pattern while the result is sparse and
            // switching to plain accumulation once it is not (HiGHS's
            // "price by row with switch").
            let ar = &self.lp.ar;
            let switch = n / 10 + 1;
            let mut dense = false;
            for &i in &rho.index {
                let r = rho.values[i as usize];
                if r == 0.0 {
                    continue;
                }
                let (idx, val) = ar.line(i as usize);
                if dense {
                    for (&j, &a) in idx.iter().zip(val) {
                        out.values[j as usize] += r * a;
                    }
                    continue;
                }
                for (&j, &a) in idx.iter().zip(val) {
                    let j = j as usize;
                    let old = out.values[j];
                    if old == 0.0 {
                        out.index.push(j as u32);
                    }
                    let nv = old + r * a;
                    // Keep exact cancellations indexed but tiny: a stored
                    // zero would be re-pushed.
                    out.values[j] = if nv == 0.0 { 1e-300 } else { nv };
                }
                dense = out.index.len() > switch;
            }
            if dense {
                out.sparse = false;
                out.index.clear();
                for v in &mut out.values {
                    if v.abs() < 1e-14 {
                        *v = 0.0;
                    }
                }
            } else {
                for &j in &out.index {
                    let v = &mut out.values[j as usize];
                    if v.abs() < 1e-14 {
                        *v = 0.0;
                    }
                }
            }
        } else {
            let a = &self.lp.a;
            out.sparse = false;
            out.index.clear();
            for j in 0..n {
                if self.pos[j] != NONBASIC {
                    out.values[j] = 0.0;
                    continue;
                }
                let (idx, val) = a.line(j);
                let mut s = 0.0;
                for (&i, &v) in idx.iter().zip(val) {
                    s += v * rho.values[i as usize];
                }
                out.values[j] = if s.abs() < 1e-14 { 0.0 } else { s };
            }
        }
    }

    /// Moves `p` (basic at position `r`) out and `q` in, at value `xq`; `p`
    /// becomes nonbasic in direction `mv_out` at its bound.
    pub(crate) fn swap_basis(&mut self, r: usize, q: usize, xq: f64, mv_out: i8) {
        let p = self.basic[r];
        self.basic[r] = q;
        self.pos[q] = r as u32;
        self.pos[p] = NONBASIC;
        self.mv[q] = 0;
        self.xb[r] = xq;
        self.place_nonbasic(p, mv_out);
    }

    /// Exact dual steepest-edge weights `‖B⁻ᵀ e_r‖²` for every row.
    pub(crate) fn compute_exact_dse(&mut self) {
        for r in 0..self.lp.m {
            let v = &mut self.row_ep;
            v.clear();
            v.push(r, 1.0);
            self.factor.btran(v);
            let mut s = 0.0;
            v.for_each_nonzero(|_, x| s += x * x);
            self.dse[r] = s.max(MIN_DSE_WEIGHT);
        }
        self.row_ep.clear();
    }

    /// Pivot tolerance for the ratio tests, growing with the updates since
    /// the last factorisation (HiGHS's schedule, anchored on the option).
    pub(crate) fn pivot_tol(&self) -> f64 {
        let u = self.factor.num_updates();
        let p = self.tol.pivot;
        if u < 10 {
            p * 1e-2
        } else if u < 20 {
            p * 0.3
        } else {
            p * 10.0
        }
    }
}

#[inline]
fn lp_n(e: &Engine) -> usize {
    e.lp.n
}

/// Which method [`Engine::run`] starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Dual simplex unless the basis is primal but not dual feasible.
    Dual,
    /// Primal simplex always.
    Primal,
    /// Dual simplex straight away, for re-solves after bound or
    /// right-hand-side changes only (costs as in the last solve, so the
    /// basis is dual feasible up to bound flips): skips the values and
    /// feasibility scans that choose the method.
    DualWarm,
}

impl Engine {
    /// Solves from the current basis. With [`Method::Dual`], a dual feasible
    /// basis (e.g. after bound or right-hand-side changes) goes to dual phase
    /// 2, a primal feasible but dual infeasible one (e.g. after cost changes)
    /// to primal phase 2, and anything else to dual phase 1.
    pub(crate) fn run(&mut self, method: Method) -> crate::Result<Outcome> {
        self.lower.copy_from_slice(&self.lp.lower);
        self.upper.copy_from_slice(&self.lp.upper);
        self.cost.copy_from_slice(&self.lp.cost);
        self.perturbed = false;
        if !self.factor_ok {
            self.factorize()?;
        }
        if method == Method::DualWarm {
            self.reseat_nonbasic();
            let stop = self.dual_simplex(true)?;
            return self.resolve(stop);
        }
        self.compute_dual();
        self.reseat_nonbasic();
        self.compute_primal();
        let stop = match method {
            Method::Primal => self.primal_simplex()?,
            Method::Dual | Method::DualWarm => {
                let dual_feasible = self.dual_infeasibilities().1 == 0;
                let primal_feasible = self.primal_infeasibility().1 == 0;
                if !dual_feasible && primal_feasible {
                    self.primal_simplex()?
                } else {
                    self.dual_simplex(true)?
                }
            }
        };
        self.resolve(stop)
    }

    /// Turns an inner stop into an outcome, settling dual infeasibility
    /// (infeasible or unbounded?) with the primal simplex and checking every
    /// Farkas certificate before reporting it.
    fn resolve(&mut self, mut stop: Stop) -> crate::Result<Outcome> {
        for _ in 0..6 {
            stop = match stop {
                Stop::Optimal => return Ok(Outcome::Optimal),
                Stop::Unbounded(ray) => return Ok(Outcome::Unbounded(ray)),
                Stop::IterationLimit => return Ok(Outcome::IterationLimit),
                Stop::TimeLimit => return Ok(Outcome::TimeLimit),
                Stop::DualInfeasible => self.primal_simplex()?,
                Stop::Infeasible(y) => {
                    if let Some(y) = self.farkas(&y) {
                        return Ok(Outcome::Infeasible(y));
                    }
                    // Not a proof (numerics, or primal phase-1 duals that do
                    // not certify): search feasibility with the dual simplex
                    // on zero costs, whose failing row is a proof.
                    match self.dual_feasibility()? {
                        Stop::Infeasible(y) => match self.farkas(&y) {
                            Some(y) => return Ok(Outcome::Infeasible(y)),
                            None => {
                                return Err(crate::Error::numerical(
                                    "the simplex found no feasible point but could not prove \
                                     infeasibility: no Farkas certificate it found holds (badly \
                                     scaled coefficients? units closer to 1 usually help)",
                                ));
                            }
                        },
                        Stop::Optimal => self.primal_simplex()?,
                        other => other,
                    }
                }
            };
        }
        Err(crate::Error::numerical(
            "the simplex switched methods six times without settling whether the LP is \
             feasible and bounded (badly scaled coefficients? units closer to 1 usually help)",
        ))
    }

    /// Checks a Farkas candidate `y` (scaled space, by row) on the working
    /// problem and returns it signed so that `max (yᵀ[A I]) v < 0` over the
    /// bounds, or `None` if neither sign proves infeasibility.
    pub(crate) fn farkas(&self, y: &[f64]) -> Option<Vec<f64>> {
        let n = self.lp.n;
        let ymax = y.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
        if ymax == 0.0 || !ymax.is_finite() {
            return None;
        }
        let (mut z, big) = farkas_products(n, |j| self.lp.a.line(j), y);
        z.extend_from_slice(y);
        let mut bound = ActivityBound::new(big);
        for (j, &zj) in z.iter().enumerate() {
            bound.add(zj, self.lp.lower[j], self.lp.upper[j]);
        }
        bound.proof(y)
    }
}

/// `z_j = Σ_i a_ij y_i` for the `n` columns `col(j)` of a column-wise
/// matrix, and the largest single product `|a_ij y_i|` (at least
/// `max_i |y_i|`, the logicals' products): what [`ActivityBound::new`]
/// needs.
pub(crate) fn farkas_products<'a>(
    n: usize,
    col: impl Fn(usize) -> (&'a [u32], &'a [f64]),
    y: &[f64],
) -> (Vec<f64>, f64) {
    let mut big = y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let z = (0..n)
        .map(|j| {
            let (idx, val) = col(j);
            let mut zj = 0.0;
            for (&i, &a) in idx.iter().zip(val) {
                let t = a * y[i as usize];
                zj += t;
                big = big.max(t.abs());
            }
            zj
        })
        .collect();
    (z, big)
}

/// Bounds on `yᵀ[A I] v` over the box of the variables `v`, term by term:
/// the Farkas test shared by the engine and sifting's whole-LP re-check.
/// `y` proves infeasibility when the upper bound is negative (or, with the
/// sign flipped, when the lower bound is positive) beyond a tolerance
/// relative to the largest finite term.
///
/// A multiplier `z_j = Σ_i a_ij y_i` counts as zero when it is below
/// [`FARKAS_ZERO`] times the largest single product `|a_ij y_i|` of the whole
/// combination (`big`): the standard of the independent check
/// (`certificate::check`, which allows `1e-7`), made stricter: a proof of
/// infeasibility up to perturbations of that relative size. Every `z_j`
/// above it on a variable without a bound in its direction breaks the
/// proof. An LP's final infeasible verdict is also run through
/// `certificate::check` itself (`solver::lp`).
pub(crate) struct ActivityBound {
    tiny: f64,
    hi: f64,
    lo: f64,
    scale: f64,
}

/// See [`ActivityBound`].
const FARKAS_ZERO: f64 = 1e-9;

impl ActivityBound {
    /// A test for a combination whose largest single product is `big`.
    pub(crate) fn new(big: f64) -> Self {
        Self {
            tiny: FARKAS_ZERO * big,
            hi: 0.0,
            lo: 0.0,
            scale: 0.0,
        }
    }

    /// Adds the term `z·v` for a variable `v` in `[l, u]`.
    #[inline]
    pub(crate) fn add(&mut self, z: f64, l: f64, u: f64) {
        if z.abs() <= self.tiny {
            return;
        }
        let (zu, zl) = (z * u, z * l);
        if z > 0.0 {
            self.hi += zu;
            self.lo += zl;
        } else {
            self.hi += zl;
            self.lo += zu;
        }
        if l.is_finite() {
            self.scale = self.scale.max(zl.abs());
        }
        if u.is_finite() {
            self.scale = self.scale.max(zu.abs());
        }
    }

    /// `y`, signed to prove infeasibility, or `None` when neither sign does.
    pub(crate) fn proof(&self, y: &[f64]) -> Option<Vec<f64>> {
        let eps = 1e-9 * (1.0 + self.scale);
        if self.hi.is_finite() && self.hi < -eps {
            Some(y.to_vec())
        } else if self.lo.is_finite() && self.lo > eps {
            Some(y.iter().map(|v| -v).collect())
        } else {
            None
        }
    }
}
