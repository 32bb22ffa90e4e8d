//! A dense reference factor (nalgebra full-pivoting LU) with the same FTRAN /
//! BTRAN semantics as [`super::LuFactor`]: the test oracle for the sparse
//! factor, and usable by the simplex's tests.

use super::SparseVec;
use nalgebra::{DMatrix, DVector, linalg::FullPivLU};

/// See the module docs. `O(m³)` per (re)factorisation; for tests only.
#[derive(Debug, Clone)]
pub(crate) struct DenseLu {
    b: DMatrix<f64>,
    lu: FullPivLU<f64, nalgebra::Dyn, nalgebra::Dyn>,
    lu_t: FullPivLU<f64, nalgebra::Dyn, nalgebra::Dyn>,
}

impl DenseLu {
    /// Factorises the `m × m` basis whose column `k` is `col(k)`.
    pub(crate) fn new<'a>(m: usize, col: impl Fn(usize) -> (&'a [u32], &'a [f64])) -> Self {
        let mut b = DMatrix::zeros(m, m);
        for k in 0..m {
            let (ri, rv) = col(k);
            for (&i, &v) in ri.iter().zip(rv) {
                b[(i as usize, k)] += v;
            }
        }
        Self::from_matrix(b)
    }

    /// Factorises a dense matrix.
    pub(crate) fn from_matrix(b: DMatrix<f64>) -> Self {
        let lu = b.clone().full_piv_lu();
        let lu_t = b.transpose().full_piv_lu();
        Self { b, lu, lu_t }
    }

    /// The basis matrix.
    pub(crate) fn matrix(&self) -> &DMatrix<f64> {
        &self.b
    }

    /// Replaces column `pos` and refactorises.
    pub(crate) fn replace_column(&mut self, pos: usize, rows: &[u32], vals: &[f64]) {
        let mut b = std::mem::replace(&mut self.b, DMatrix::zeros(0, 0));
        b.column_mut(pos).fill(0.0);
        for (&i, &v) in rows.iter().zip(vals) {
            b[(i as usize, pos)] += v;
        }
        *self = Self::from_matrix(b);
    }

    /// Magnitudes of the pivots of the full-pivoting LU, largest first
    /// (rank-revealing in practice; more robust here than nalgebra's SVD,
    /// which was seen to return exact zeros for badly scaled nonsingular
    /// matrices).
    pub(crate) fn pivots(&self) -> Vec<f64> {
        let u = self.lu.u();
        let mut p: Vec<f64> = (0..u.nrows().min(u.ncols()))
            .map(|i| u[(i, i)].abs())
            .collect();
        p.sort_by(|a, b| b.total_cmp(a));
        p
    }

    /// Numerical rank: full-pivoting pivots above `rel_tol` times the first.
    pub(crate) fn rank(&self, rel_tol: f64) -> usize {
        let p = self.pivots();
        let first = p.first().copied().unwrap_or(0.0);
        p.iter().filter(|&&x| x > rel_tol * first).count()
    }

    /// The 1-norm condition number `||B||₁ ||B⁻¹||₁` (infinite when
    /// singular).
    pub(crate) fn condition(&self) -> f64 {
        if self.b.is_empty() {
            return 1.0;
        }
        let Some(inv) = self.lu.try_inverse() else {
            return f64::INFINITY;
        };
        let norm1 = |a: &DMatrix<f64>| {
            a.column_iter()
                .map(|c| c.iter().map(|x| x.abs()).sum::<f64>())
                .fold(0.0f64, f64::max)
        };
        let c = norm1(&self.b) * norm1(&inv);
        if c.is_finite() { c } else { f64::INFINITY }
    }

    fn solve_with(lu: &FullPivLU<f64, nalgebra::Dyn, nalgebra::Dyn>, v: &mut SparseVec) -> bool {
        let rhs = DVector::from_column_slice(&v.values);
        let Some(x) = lu.solve(&rhs) else {
            return false;
        };
        v.values.copy_from_slice(x.as_slice());
        v.reindex(0.0);
        true
    }

    /// `v := B⁻¹ v` (rows in, positions out). False if B is singular.
    pub(crate) fn ftran(&self, v: &mut SparseVec) -> bool {
        Self::solve_with(&self.lu, v)
    }

    /// `v := B⁻ᵀ v` (positions in, rows out). False if B is singular.
    pub(crate) fn btran(&self, v: &mut SparseVec) -> bool {
        Self::solve_with(&self.lu_t, v)
    }
}
