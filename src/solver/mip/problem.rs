//! The working form of a MIP: a minimisation over the model's own columns,
//! with rows stored both by row and by column, and cuts appended as rows.

use crate::model::{CscMatrix, Model, Sense, VarType};
use std::sync::Arc;

/// Rows `lower ≤ a x ≤ upper`, stored by row (CSR). The structure
/// (`start`, `index`) is shared with the node LP's row-wise copy.
#[derive(Debug, Clone, Default)]
pub(super) struct Rows {
    pub(super) start: Arc<Vec<usize>>,
    pub(super) index: Arc<Vec<u32>>,
    pub(super) value: Vec<f64>,
    pub(super) lower: Vec<f64>,
    pub(super) upper: Vec<f64>,
}

impl Rows {
    /// Number of rows.
    pub(super) fn len(&self) -> usize {
        self.lower.len()
    }

    /// Entries of row `i`.
    #[inline]
    pub(super) fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (s, e) = (self.start[i], self.start[i + 1]);
        (&self.index[s..e], &self.value[s..e])
    }

    /// Appends a row.
    pub(super) fn push(&mut self, idx: &[u32], val: &[f64], lower: f64, upper: f64) {
        let start = Arc::make_mut(&mut self.start);
        if start.is_empty() {
            start.push(0);
        }
        let index = Arc::make_mut(&mut self.index);
        index.extend_from_slice(idx);
        self.value.extend_from_slice(val);
        start.push(index.len());
        self.lower.push(lower);
        self.upper.push(upper);
    }

    /// Room for `rows` more rows of `entries` entries in all, exactly.
    pub(super) fn reserve_exact(&mut self, rows: usize, entries: usize) {
        Arc::make_mut(&mut self.index).reserve_exact(entries);
        self.value.reserve_exact(entries);
        Arc::make_mut(&mut self.start).reserve_exact(rows + 1);
        self.lower.reserve_exact(rows);
        self.upper.reserve_exact(rows);
    }

    /// Keeps the first `k` rows.
    pub(super) fn truncate(&mut self, k: usize) {
        if k >= self.len() {
            return;
        }
        let e = self.start[k];
        Arc::make_mut(&mut self.index).truncate(e);
        self.value.truncate(e);
        Arc::make_mut(&mut self.start).truncate(k + 1);
        self.lower.truncate(k);
        self.upper.truncate(k);
    }

    /// The rows of a column-wise matrix, with their bounds: one pass over
    /// the entries into the final arrays (no intermediate transpose, so
    /// the matrix is not held a third time while the copy is made).
    pub(super) fn of_columns(a: &CscMatrix, lower: Vec<f64>, upper: Vec<f64>) -> Self {
        let m = lower.len();
        let mut start = vec![0usize; m + 1];
        for &i in a.indices() {
            start[i as usize + 1] += 1;
        }
        for i in 0..m {
            start[i + 1] += start[i];
        }
        let mut next = start[..m].to_vec();
        let nnz = a.indices().len();
        let mut index = vec![0u32; nnz];
        let mut value = vec![0.0; nnz];
        for j in 0..a.ncols() {
            let (idx, val) = a.col(j);
            for (&i, &v) in idx.iter().zip(val) {
                let p = next[i as usize];
                // Column counts fit u32: the model builder checks sizes.
                index[p] = j as u32;
                value[p] = v;
                next[i as usize] += 1;
            }
        }
        Self {
            start: Arc::new(start),
            index: Arc::new(index),
            value,
            lower,
            upper,
        }
    }

    /// Whether every row's column indices are strictly increasing (as in
    /// a row-wise copy made from the columns).
    pub(super) fn sorted(&self) -> bool {
        (0..self.len()).all(|i| self.row(i).0.windows(2).all(|w| w[0] < w[1]))
    }

    /// `a_i · x`.
    #[inline]
    pub(super) fn activity(&self, i: usize, x: &[f64]) -> f64 {
        let (idx, val) = self.row(i);
        idx.iter().zip(val).map(|(&j, &a)| a * x[j as usize]).sum()
    }
}

/// Column-wise index of a row set: for each column, the rows it appears in
/// and the coefficient. Built from the model, it is the model's own matrix
/// (shared, not copied): the same entries in the same order.
#[derive(Debug, Clone, Default)]
pub(super) struct ColIndex(CscMatrix);

impl ColIndex {
    /// Builds the index of `rows` over `n` columns.
    pub(super) fn build(rows: &Rows, n: usize) -> Self {
        let mut count = vec![0usize; n + 1];
        for &j in rows.index.iter() {
            count[j as usize + 1] += 1;
        }
        for j in 0..n {
            count[j + 1] += count[j];
        }
        let mut next = count.clone();
        let nnz = rows.index.len();
        let mut row = vec![0u32; nnz];
        let mut value = vec![0.0; nnz];
        for i in 0..rows.len() {
            let (idx, val) = rows.row(i);
            for (&j, &a) in idx.iter().zip(val) {
                let p = next[j as usize];
                // Row counts fit u32: the model builder checks sizes.
                row[p] = i as u32;
                value[p] = a;
                next[j as usize] += 1;
            }
        }
        Self(CscMatrix::from_parts(rows.len(), count, row, value))
    }

    /// Rows of column `j` with their coefficients.
    #[inline]
    pub(super) fn col(&self, j: usize) -> (&[u32], &[f64]) {
        self.0.col(j)
    }

    /// The index as a matrix.
    pub(super) fn matrix(&self) -> &CscMatrix {
        &self.0
    }

    /// Whether the index holds exactly the entries of `rows` over `n`
    /// columns, in the order [`ColIndex::build`] puts them (bit for bit).
    pub(super) fn matches(&self, rows: &Rows, n: usize) -> bool {
        let a = &self.0;
        if a.nrows() != rows.len() || a.ncols() != n || a.nnz() != rows.index.len() {
            return false;
        }
        let (start, index, value) = (a.starts(), a.indices(), a.values());
        let mut next = start[..n].to_vec();
        for i in 0..rows.len() {
            let (idx, val) = rows.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                let j = j as usize;
                let p = next[j];
                if p >= start[j + 1] || index[p] as usize != i || value[p].to_bits() != v.to_bits()
                {
                    return false;
                }
                next[j] += 1;
            }
        }
        // Every entry of `rows` found a distinct place and the counts are
        // equal: the two hold the same entries.
        true
    }
}

/// A MIP as branch-and-bound sees it: minimise `cost·x + offset`.
#[derive(Debug, Clone)]
pub(super) struct Problem {
    /// Columns.
    pub(super) n: usize,
    /// Costs for a minimisation (the model's, shared; negated for a
    /// maximisation).
    pub(super) cost: Arc<Vec<f64>>,
    /// Objective constant in the same sense.
    pub(super) offset: f64,
    /// +1 to minimise, −1 to maximise: model objective = `sign ·` ours.
    pub(super) sign: f64,
    /// Global column bounds (tightened by presolve and reduced costs).
    pub(super) lower: Vec<f64>,
    pub(super) upper: Vec<f64>,
    /// Integrality of each column.
    pub(super) integer: Vec<bool>,
    /// The model's rows (maybe with tightened coefficients), then cuts.
    pub(super) rows: Rows,
    /// How many of `rows` are model rows (the rest are cuts).
    pub(super) model_rows: usize,
    /// Column-wise index of `rows`.
    pub(super) cols: ColIndex,
    /// When every feasible objective value is `offset + k·step` for an
    /// integer `k`, the step.
    pub(super) obj_step: Option<f64>,
    /// Entries of the longest model row.
    pub(super) longest_model_row: usize,
}

impl Problem {
    /// The working form of `model`.
    pub(super) fn new(model: &Model) -> Self {
        let n = model.num_cols();
        let sign = match model.sense() {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        };
        let cost = if model.sense() == Sense::Minimize {
            model.costs_shared()
        } else {
            Arc::new(model.costs().iter().map(|c| sign * c).collect())
        };
        let integer: Vec<bool> = model
            .var_types()
            .iter()
            .map(|t| *t == VarType::Integer)
            .collect();
        let mut lower = model.col_lower().to_vec();
        let mut upper = model.col_upper().to_vec();
        for j in 0..n {
            if integer[j] {
                // Integer bounds round inwards (with a tolerance for bounds
                // written as 0.9999999).
                lower[j] = (lower[j] - 1e-9).ceil();
                upper[j] = (upper[j] + 1e-9).floor();
            }
        }
        let rows = Rows::of_columns(
            model.matrix(),
            model.row_lower().to_vec(),
            model.row_upper().to_vec(),
        );
        // The index of the model's rows is the model's matrix itself.
        let cols = ColIndex(model.matrix().clone());
        debug_assert!(cols.matches(&rows, n));
        let obj_step = objective_step(&cost, &integer);
        let longest_model_row = (0..rows.len())
            .map(|i| rows.start[i + 1] - rows.start[i])
            .max()
            .unwrap_or(0);
        Self {
            longest_model_row,
            n,
            cost,
            offset: sign * model.objective_constant(),
            sign,
            lower,
            upper,
            integer,
            model_rows: rows.len(),
            rows,
            cols,
            obj_step,
        }
    }

    /// Rebuilds the column index after the rows changed.
    pub(super) fn reindex(&mut self) {
        // The old index goes first, so two are never held at once.
        self.cols = ColIndex::default();
        self.cols = ColIndex::build(&self.rows, self.n);
    }

    /// Objective (minimisation form) at `x`.
    pub(super) fn objective(&self, x: &[f64]) -> f64 {
        self.offset + self.cost.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
    }

    /// The strongest bound implied by a proven lower bound `z`: rounded up
    /// to the objective lattice when the objective is integral.
    pub(super) fn round_bound(&self, z: f64) -> f64 {
        match self.obj_step {
            Some(s) if z.is_finite() => {
                let q = (z - self.offset) / s;
                // Room for the LP's round-off, relative to the value.
                let k = (q - 1e-6 - 1e-9 * q.abs()).ceil();
                let r = self.offset + k * s;
                r.max(z)
            }
            _ => z,
        }
    }

    /// Number of integer columns.
    pub(super) fn num_integer(&self) -> usize {
        self.integer.iter().filter(|&&b| b).count()
    }
}

/// The step of the objective lattice: every continuous column has cost 0
/// and the integer columns' costs are integer multiples of a common step
/// (found by scaling with small decimal factors).
fn objective_step(cost: &[f64], integer: &[bool]) -> Option<f64> {
    let mut any = false;
    for (j, &c) in cost.iter().enumerate() {
        if c != 0.0 {
            if !integer[j] {
                return None;
            }
            any = true;
        }
    }
    if !any {
        return None;
    }
    for scale in [1.0, 2.0, 4.0, 5.0, 10.0, 20.0, 100.0, 1000.0, 10000.0] {
        let mut g: u64 = 0;
        let mut ok = true;
        for &c in cost {
            if c == 0.0 {
                continue;
            }
            let v = (c * scale).abs();
            let r = v.round();
            if (v - r).abs() > 1e-9 * v.max(1.0) || r > 1e15 {
                ok = false;
                break;
            }
            // r is a nonnegative integer below 1e15: exact in u64.
            g = gcd(g, r as u64);
        }
        if ok && g > 0 {
            return Some(g as f64 / scale);
        }
    }
    None
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objective_step_finds_common_multiples() {
        let s = objective_step(&[2.0, 4.0, 0.0, 6.0], &[true, true, false, true]);
        assert!(s.is_some_and(|s| (s - 2.0).abs() < 1e-12));
        let s = objective_step(&[0.5, 1.5], &[true, true]);
        assert!(s.is_some_and(|s| (s - 0.5).abs() < 1e-12));
        assert!(objective_step(&[1.0, 1.0], &[true, false]).is_none());
        assert!(objective_step(&[1.0, std::f64::consts::PI], &[true, true]).is_none());
    }
}
