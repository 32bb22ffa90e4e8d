//! Scaling of the constraint matrix: geometric-mean passes, then
//! equilibration, with every factor rounded to a power of two so that
//! scaling and unscaling are exact in floating point.
//!
//! The scaled matrix is `R A C` (row factors `R`, column factors `C`). A
//! column's value scales as `x' = x / c_j`, its cost as `c_j·cost_j`, its
//! reduced cost as `c_j·d_j`; a row's logical as `s' = r_i·s` and its dual as
//! `y' = y / r_i`.

use super::SpMat;

/// Row and column scale factors (powers of two).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scaling {
    /// Column factors `c_j`.
    pub(crate) col: Vec<f64>,
    /// Row factors `r_i`.
    pub(crate) row: Vec<f64>,
}

/// Geometric-mean passes at most.
const MAX_PASSES: usize = 8;
/// Scale factors are kept within `2^±MAX_EXP`.
const MAX_EXP: i32 = 20;

pub(crate) fn pow2(s: f64) -> f64 {
    if !(s.is_finite() && s > 0.0) {
        return 1.0;
    }
    let e = s
        .log2()
        .round()
        .clamp(-f64::from(MAX_EXP), f64::from(MAX_EXP));
    e.exp2()
}

impl Scaling {
    /// No scaling.
    pub(crate) fn identity(m: usize, n: usize) -> Self {
        Self {
            col: vec![1.0; n],
            row: vec![1.0; m],
        }
    }

    /// Computes factors for the column-wise matrix `a` with `m` rows.
    ///
    /// Complexity: `O(passes · nnz)`.
    pub(crate) fn compute(m: usize, a: &SpMat) -> Self {
        let n = a.start.len() - 1;
        let mut row = vec![1.0; m];
        let mut col = vec![1.0; n];
        if a.index.is_empty() {
            return Self { col, row };
        }
        let spread = |row: &[f64], col: &[f64]| -> f64 {
            let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
            for (j, &cj) in col.iter().enumerate() {
                let (idx, val) = a.line(j);
                for (&i, &v) in idx.iter().zip(val) {
                    let x = v.abs() * row[i as usize] * cj;
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            hi / lo
        };
        let mut last = spread(&row, &col);
        let mut rmin = vec![f64::INFINITY; m];
        let mut rmax = vec![0.0f64; m];
        for _ in 0..MAX_PASSES {
            // Rows.
            rmin.iter_mut().for_each(|v| *v = f64::INFINITY);
            rmax.iter_mut().for_each(|v| *v = 0.0);
            for (j, &cj) in col.iter().enumerate() {
                let (idx, val) = a.line(j);
                for (&i, &v) in idx.iter().zip(val) {
                    let x = v.abs() * cj;
                    let i = i as usize;
                    rmin[i] = rmin[i].min(x);
                    rmax[i] = rmax[i].max(x);
                }
            }
            let mut new_row = row.clone();
            for i in 0..m {
                if rmax[i] > 0.0 {
                    new_row[i] = 1.0 / (rmin[i] * rmax[i]).sqrt();
                }
            }
            // Columns.
            let mut new_col = col.clone();
            for (j, c) in new_col.iter_mut().enumerate() {
                let (idx, val) = a.line(j);
                let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
                for (&i, &v) in idx.iter().zip(val) {
                    let x = v.abs() * new_row[i as usize];
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
                if hi > 0.0 {
                    *c = 1.0 / (lo * hi).sqrt();
                }
            }
            let s = spread(&new_row, &new_col);
            if s > 0.9 * last {
                if s < last {
                    row = new_row;
                    col = new_col;
                }
                break;
            }
            row = new_row;
            col = new_col;
            last = s;
        }
        // Equilibrate: rows to max 1, then columns to max 1.
        rmax.iter_mut().for_each(|v| *v = 0.0);
        for (j, &cj) in col.iter().enumerate() {
            let (idx, val) = a.line(j);
            for (&i, &v) in idx.iter().zip(val) {
                let i = i as usize;
                rmax[i] = rmax[i].max(v.abs() * cj * row[i]);
            }
        }
        for i in 0..m {
            if rmax[i] > 0.0 {
                row[i] = pow2(row[i] / rmax[i]);
            } else {
                row[i] = 1.0;
            }
        }
        for (j, c) in col.iter_mut().enumerate() {
            let (idx, val) = a.line(j);
            let mut hi = 0.0f64;
            for (&i, &v) in idx.iter().zip(val) {
                hi = hi.max(v.abs() * row[i as usize] * *c);
            }
            *c = if hi > 0.0 { pow2(*c / hi) } else { 1.0 };
        }
        Self { col, row }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_powers_of_two_and_reduce_spread() {
        // [[1000, 1], [1, 0.001]]
        let a = SpMat {
            start: std::sync::Arc::new(vec![0, 2, 4]),
            index: std::sync::Arc::new(vec![0, 1, 0, 1]),
            value: vec![1000.0, 1.0, 1.0, 0.001],
        };
        let s = Scaling::compute(2, &a);
        for &f in s.col.iter().chain(&s.row) {
            assert!((f.log2() - f.log2().round()).abs() < 1e-12);
        }
        let mut lo = f64::INFINITY;
        let mut hi: f64 = 0.0;
        for j in 0..2 {
            let (idx, val) = a.line(j);
            for (&i, &v) in idx.iter().zip(val) {
                let x = v.abs() * s.row[i as usize] * s.col[j];
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
        assert!(hi / lo < 1e6 / 100.0);
    }
}
