//! A dense LU basis factor with product-form (eta) updates.
//!
//! Same crate-private API as the sparse `LuFactor`: the simplex engine is
//! written against that API, and this dense factor is the reference it is
//! tested with (and the fallback for tiny bases). `O(m³)` to factorise and
//! `O(m²)` per solve, so only for small bases.
//!
//! Conventions: `ftran` takes a vector indexed by **row** and returns it
//! indexed by **basis position**; `btran` the reverse.

use crate::solver::sparse::SparseVec;

/// Why a factorisation failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FactorError {
    /// The basis matrix is (numerically) singular: replace basis position
    /// `bad_positions[k]` by the logical of row `free_rows[k]` and refactorise.
    Singular {
        /// Numerical rank found.
        rank: usize,
        /// Basis positions without an acceptable pivot.
        bad_positions: Vec<usize>,
        /// Rows left without a pivot (same length as `bad_positions`).
        free_rows: Vec<usize>,
    },
}

/// An update was refused: refactorise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UpdateError;

/// Options of the dense factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DenseOptions {
    /// Pivots below this magnitude count as zero (absolute).
    pub(crate) singular_tolerance: f64,
    /// Updates before [`DenseFactor::should_refactor`] says so.
    pub(crate) max_updates: usize,
}

impl Default for DenseOptions {
    fn default() -> Self {
        Self {
            singular_tolerance: 1e-11,
            max_updates: 100,
        }
    }
}

#[derive(Debug, Clone)]
struct Eta {
    pos: usize,
    pivot: f64,
    /// `(position, alpha)` for every position except `pos`.
    entries: Vec<(u32, f64)>,
}

/// See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct DenseFactor {
    m: usize,
    options: DenseOptions,
    /// Row-major `m × m`: the strict lower part holds L (unit diagonal), the
    /// rest U, both in pivot order: entry `(k, c)` is row `row_of[k]`.
    lu: Vec<f64>,
    /// `row_of[k]`: original row pivoted at step `k`.
    row_of: Vec<usize>,
    /// `pos_of[k]`: basis position pivoted at step `k` (columns are not
    /// permuted, so `pos_of[k] = k`; kept for clarity).
    etas: Vec<Eta>,
    pending: Vec<f64>,
    work: Vec<f64>,
}

impl DenseFactor {
    /// A factor for bases of dimension `m`.
    pub(crate) fn new(m: usize, options: DenseOptions) -> Self {
        Self {
            m,
            options,
            lu: vec![0.0; m * m],
            row_of: (0..m).collect(),
            etas: Vec::new(),
            pending: vec![0.0; m],
            work: vec![0.0; m],
        }
    }

    /// Dimension.
    pub(crate) fn dim(&self) -> usize {
        self.m
    }

    /// Updates since the last factorisation.
    pub(crate) fn num_updates(&self) -> usize {
        self.etas.len()
    }

    /// Whether the engine should refactorise now.
    pub(crate) fn should_refactor(&self) -> bool {
        self.etas.len() >= self.options.max_updates
    }

    /// Factorises the basis whose position `k` has column `col(k)`.
    pub(crate) fn factorize<'a>(
        &mut self,
        col: impl Fn(usize) -> (&'a [u32], &'a [f64]),
    ) -> Result<(), FactorError> {
        let m = self.m;
        self.etas.clear();
        // Dense B, row-major by original row.
        let mut b = vec![0.0; m * m];
        for k in 0..m {
            let (idx, val) = col(k);
            for (&i, &v) in idx.iter().zip(val) {
                b[i as usize * m + k] += v;
            }
        }
        // Right-looking elimination with partial (row) pivoting, column by
        // column; a column without an acceptable pivot is skipped.
        let mut used = vec![false; m];
        let mut order: Vec<usize> = Vec::with_capacity(m); // rows in pivot order
        let mut bad = Vec::new();
        let mut pivot_row_of_col = vec![usize::MAX; m];
        for k in 0..m {
            let mut best = usize::MAX;
            let mut best_abs = self.options.singular_tolerance;
            for i in 0..m {
                if !used[i] {
                    let a = b[i * m + k].abs();
                    if a > best_abs {
                        best_abs = a;
                        best = i;
                    }
                }
            }
            if best == usize::MAX {
                bad.push(k);
                continue;
            }
            used[best] = true;
            pivot_row_of_col[k] = best;
            order.push(best);
            let p = b[best * m + k];
            for i in 0..m {
                if !used[i] {
                    let f = b[i * m + k];
                    if f != 0.0 {
                        let l = f / p;
                        b[i * m + k] = l; // store multiplier in place
                        for c in (k + 1)..m {
                            let u = b[best * m + c];
                            if u != 0.0 {
                                b[i * m + c] -= l * u;
                            }
                        }
                    }
                }
            }
        }
        if !bad.is_empty() {
            let free_rows: Vec<usize> = (0..m).filter(|&i| !used[i]).collect();
            return Err(FactorError::Singular {
                rank: m - bad.len(),
                bad_positions: bad,
                free_rows,
            });
        }
        // Store in pivot order: row k of `lu` = original row pivot_row_of_col[k].
        for k in 0..m {
            let r = pivot_row_of_col[k];
            self.row_of[k] = r;
            self.lu[k * m..(k + 1) * m].copy_from_slice(&b[r * m..(r + 1) * m]);
        }
        // Multipliers L(k, c) for c < k were stored at (row_of[k], c): they are
        // the multiplier of pivot column c applied to row_of[k], valid since
        // rows are eliminated in column order.
        Ok(())
    }

    fn base_ftran(&mut self, v: &mut [f64]) {
        // Solve B x = v. With P B = L U (P puts row_of[k] at k):
        // L z = P v ; U x = z.
        let m = self.m;
        let w = &mut self.work;
        for k in 0..m {
            w[k] = v[self.row_of[k]];
        }
        for k in 0..m {
            let row = &self.lu[k * m..k * m + k];
            let mut s = w[k];
            for (c, &l) in row.iter().enumerate() {
                if l != 0.0 {
                    s -= l * w[c];
                }
            }
            w[k] = s;
        }
        for k in (0..m).rev() {
            let row = &self.lu[k * m..(k + 1) * m];
            let mut s = w[k];
            for c in (k + 1)..m {
                let u = row[c];
                if u != 0.0 {
                    s -= u * v_get(w, c);
                }
            }
            w[k] = s / row[k];
        }
        v.copy_from_slice(w);
    }

    fn base_btran(&mut self, v: &mut [f64]) {
        // Solve Bᵀ y = v: Uᵀ z = v ; Lᵀ (P y) = z.
        let m = self.m;
        let w = &mut self.work;
        w.copy_from_slice(v);
        for k in 0..m {
            let d = self.lu[k * m + k];
            let zk = w[k] / d;
            w[k] = zk;
            if zk != 0.0 {
                let row = &self.lu[k * m..(k + 1) * m];
                for c in (k + 1)..m {
                    let u = row[c];
                    if u != 0.0 {
                        w[c] -= u * zk;
                    }
                }
            }
        }
        for k in (0..m).rev() {
            let zk = w[k];
            if zk != 0.0 {
                let row = &self.lu[k * m..k * m + k];
                for (c, &l) in row.iter().enumerate() {
                    if l != 0.0 {
                        w[c] -= l * zk;
                    }
                }
            }
        }
        for k in 0..m {
            v[self.row_of[k]] = w[k];
        }
    }

    fn apply_etas_ftran(etas: &[Eta], v: &mut [f64]) {
        for e in etas {
            let xr = v[e.pos] / e.pivot;
            v[e.pos] = xr;
            if xr != 0.0 {
                for &(i, a) in &e.entries {
                    v[i as usize] -= a * xr;
                }
            }
        }
    }

    fn apply_etas_btran(etas: &[Eta], v: &mut [f64]) {
        for e in etas.iter().rev() {
            let mut s = v[e.pos];
            for &(i, a) in &e.entries {
                s -= a * v[i as usize];
            }
            v[e.pos] = s / e.pivot;
        }
    }

    /// `v := B⁻¹ v` (in: by row; out: by basis position).
    pub(crate) fn ftran(&mut self, v: &mut SparseVec) {
        self.base_ftran(&mut v.values);
        Self::apply_etas_ftran(&self.etas, &mut v.values);
        v.reindex(0.0);
    }

    /// As [`DenseFactor::ftran`], remembering the result for [`DenseFactor::update`].
    pub(crate) fn ftran_for_update(&mut self, v: &mut SparseVec) {
        self.ftran(v);
        self.pending.copy_from_slice(&v.values);
    }

    /// `v := B⁻ᵀ v` (in: by basis position; out: by row).
    pub(crate) fn btran(&mut self, v: &mut SparseVec) {
        Self::apply_etas_btran(&self.etas, &mut v.values);
        self.base_btran(&mut v.values);
        v.reindex(0.0);
    }

    /// Replaces the column at basis position `pos` by the column last passed
    /// to [`DenseFactor::ftran_for_update`], whose entry at `pos` is `pivot`.
    pub(crate) fn update(&mut self, pos: usize, pivot: f64) -> Result<(), UpdateError> {
        let a = self.pending[pos];
        if a.abs() < self.options.singular_tolerance || !a.is_finite() {
            return Err(UpdateError);
        }
        let _ = pivot;
        let entries = self
            .pending
            .iter()
            .enumerate()
            .filter(|&(i, &x)| i != pos && x != 0.0)
            .map(|(i, &x)| (i as u32, x))
            .collect();
        self.etas.push(Eta {
            pos,
            pivot: a,
            entries,
        });
        Ok(())
    }
}

#[inline]
fn v_get(w: &[f64], c: usize) -> f64 {
    w[c]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat() -> Vec<(Vec<u32>, Vec<f64>)> {
        // columns of a 3x3 nonsingular matrix needing pivoting
        vec![
            (vec![1, 2], vec![2.0, 1.0]),
            (vec![0, 2], vec![3.0, 4.0]),
            (vec![0, 1, 2], vec![1.0, 1.0, 5.0]),
        ]
    }

    fn dense_mul(cols: &[(Vec<u32>, Vec<f64>)], x: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; 3];
        for (k, (idx, val)) in cols.iter().enumerate() {
            for (&i, &v) in idx.iter().zip(val) {
                y[i as usize] += v * x[k];
            }
        }
        y
    }

    #[test]
    fn ftran_btran_and_update_solve_exactly() {
        let mut cols = mat();
        let mut f = DenseFactor::new(3, DenseOptions::default());
        f.factorize(|k| (&cols[k].0[..], &cols[k].1[..])).unwrap();
        let rhs = [1.0, -2.0, 0.5];
        let mut v = SparseVec::new(3);
        for (i, &r) in rhs.iter().enumerate() {
            v.push(i, r);
        }
        f.ftran(&mut v);
        let back = dense_mul(&cols, &v.values);
        for i in 0..3 {
            assert!((back[i] - rhs[i]).abs() < 1e-12);
        }
        // btran: y with Bᵀ y = e
        let mut y = SparseVec::new(3);
        y.push(1, 1.0);
        f.btran(&mut y);
        for (k, (idx, val)) in cols.iter().enumerate() {
            let dot: f64 = idx
                .iter()
                .zip(val)
                .map(|(&i, &a)| a * y.values[i as usize])
                .sum();
            let e = if k == 1 { 1.0 } else { 0.0 };
            assert!((dot - e).abs() < 1e-12);
        }
        // replace position 0 by column (1, 1, 1)
        let newc = (vec![0u32, 1, 2], vec![1.0, 1.0, 1.0]);
        let mut a = SparseVec::new(3);
        for (&i, &x) in newc.0.iter().zip(&newc.1) {
            a.push(i as usize, x);
        }
        f.ftran_for_update(&mut a);
        let piv = a.values[0];
        f.update(0, piv).unwrap();
        cols[0] = newc;
        let mut v = SparseVec::new(3);
        for (i, &r) in rhs.iter().enumerate() {
            v.push(i, r);
        }
        f.ftran(&mut v);
        let back = dense_mul(&cols, &v.values);
        for i in 0..3 {
            assert!((back[i] - rhs[i]).abs() < 1e-12);
        }
        let mut y = SparseVec::new(3);
        y.push(2, 1.0);
        f.btran(&mut y);
        for (k, (idx, val)) in cols.iter().enumerate() {
            let dot: f64 = idx
                .iter()
                .zip(val)
                .map(|(&i, &a)| a * y.values[i as usize])
                .sum();
            let e = if k == 2 { 1.0 } else { 0.0 };
            assert!((dot - e).abs() < 1e-12);
        }
    }

    #[test]
    fn singular_reports_positions_and_rows() {
        let cols = [
            (vec![0u32], vec![1.0]),
            (vec![0u32], vec![2.0]),
            (vec![2u32], vec![1.0]),
        ];
        let mut f = DenseFactor::new(3, DenseOptions::default());
        let e = f.factorize(|k| (&cols[k].0[..], &cols[k].1[..]));
        assert_eq!(
            e,
            Err(FactorError::Singular {
                rank: 2,
                bad_positions: vec![1],
                free_rows: vec![1]
            })
        );
    }
}
