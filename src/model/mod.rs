//! A solver-independent linear / mixed-integer model.
//!
//! ```text
//!   minimise (or maximise)   cᵀx + c₀
//!   subject to               rₗ ≤ A x ≤ rᵤ        (rows)
//!                            xₗ ≤ x   ≤ xᵤ        (columns)
//!                            x_j integer for j ∈ I
//! ```
//!
//! The constraint matrix is stored column-wise (compressed sparse column),
//! which is what the simplex engine and the MPS format both want. Models are
//! built with [`ModelBuilder`] (rows and columns in any order, entries as
//! triplets) and then frozen into a [`Model`] whose structure does not change;
//! costs and bounds may still be changed in place, which is what warm-started
//! re-solves need.
//!
//! # Infinite bounds
//!
//! In this layer an absent bound is IEEE `±∞` (`f64::INFINITY`), never a large
//! sentinel such as `1e30`: that is the solver's natural representation and it
//! makes "unbounded" impossible to confuse with "large". The builder's bound
//! arguments are `Option<f64>` so callers never need to write the infinity
//! themselves; the read accessors return the raw `f64`.
//!
//! # Numeric limits
//!
//! Double precision cannot carry a model whose coefficients span much more
//! than its sixteen digits: an entry of `1e-100` beside entries of `1` is
//! below the round-off of every sum it is in, and an entry of `1e300` makes
//! the rest of its row round-off. So every model, however it is made
//! ([`ModelBuilder::build`], [`mps`], the planner's compiler through the
//! builder), passes one rule when it is made, with HiGHS's default limits:
//!
//! | what | limit | rule |
//! |---|---|---|
//! | matrix entry | `\|a\| ≤` [`SMALL_MATRIX_VALUE`] (`1e-9`) | dropped (zero), warning [`WarningKind::SmallMatrixValues`] |
//! | matrix entry | `\|a\| ≥` [`LARGE_MATRIX_VALUE`] (`1e15`) | refused: [`crate::ErrorKind::Model`] (MPS: [`crate::ErrorKind::Parse`] with the line) |
//! | column or row bound | `\|b\| ≥` [`INFINITE_BOUND`] (`1e20`) | infinite, warning [`WarningKind::InfiniteBounds`]; a lower bound `≥ 1e20` (an upper `≤ −1e20`) is refused |
//! | cost | `\|c\| ≥` [`INFINITE_COST`] (`1e20`) | infinite: the column is fixed at the bound the cost drives it to and `c·bound` moves into the objective constant, warning [`WarningKind::InfiniteCosts`]; refused when that bound is infinite |
//!
//! Costs, bounds and right-hand sides of any other magnitude (`1e-300`
//! included) are kept as given. Dropping a small entry moves a row
//! activity by at most `1e-9·|x_j|`, which is below the primal feasibility
//! tolerance for every value the planner's models take (their entries lie
//! between about `1e-4` and `1e6`, so the rule never touches them); HiGHS
//! drops the same entries, so the two agree on such models. Each change is
//! listed in [`Model::warnings`] (and in the `warnings` key of
//! `fleetplan lp solve --format json`). [`Model::set_cost`] refuses an
//! infinite cost; [`Model::set_col_bounds`] and [`Model::set_row_bounds`]
//! take magnitudes `≥ 1e20` as infinite.
//!
//! Every row and column carries a name (its business meaning in models the
//! planner compiles, e.g. `cap[h800-owned]` or `demand[pretrain]`).

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::sync::Arc;

pub mod lp_format;
pub mod mps;
mod screen;

use screen::Warnings;
pub use screen::{
    INFINITE_BOUND, INFINITE_COST, LARGE_MATRIX_VALUE, ModelWarning, SMALL_MATRIX_VALUE,
    WarningKind,
};

/// Index of a column (variable) in a [`Model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColId(pub u32);

/// Index of a row (constraint) in a [`Model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowId(pub u32);

impl ColId {
    /// The index as `usize`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl RowId {
    /// The index as `usize`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Direction of optimisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sense {
    /// Minimise the objective.
    #[default]
    Minimize,
    /// Maximise the objective.
    Maximize,
}

/// Whether a column must take an integer value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VarType {
    /// Any real value within its bounds.
    #[default]
    Continuous,
    /// An integer within its bounds (a binary is an integer in `[0, 1]`).
    Integer,
}

/// A compressed-sparse-column matrix with `u32` row indices.
///
/// Column `j` holds entries `start[j]..start[j + 1]` of `index` / `value`.
/// Within a column, row indices are strictly increasing and values nonzero.
///
/// The arrays are shared (reference counted): a clone costs nothing until
/// one of the copies changes, so the solvers can hold the model's matrix,
/// or its structure beside scaled values, without a copy of their own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CscMatrix {
    nrows: usize,
    start: Arc<Vec<usize>>,
    index: Arc<Vec<u32>>,
    value: Arc<Vec<f64>>,
}

impl CscMatrix {
    /// A matrix of `nrows` rows from its arrays (as the fields document).
    pub(crate) fn from_parts(
        nrows: usize,
        start: Vec<usize>,
        index: Vec<u32>,
        value: Vec<f64>,
    ) -> Self {
        Self {
            nrows,
            start: Arc::new(start),
            index: Arc::new(index),
            value: Arc::new(value),
        }
    }
    /// The shared column starts and row indices (the structure), for a
    /// copy with other values that shares them.
    pub(crate) fn shared_structure(&self) -> (Arc<Vec<usize>>, Arc<Vec<u32>>) {
        (Arc::clone(&self.start), Arc::clone(&self.index))
    }
    /// Number of rows.
    #[must_use]
    pub fn nrows(&self) -> usize {
        self.nrows
    }
    /// Number of columns.
    #[must_use]
    pub fn ncols(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
    /// Number of stored nonzeros.
    #[must_use]
    pub fn nnz(&self) -> usize {
        self.index.len()
    }
    /// Column start offsets (length `ncols + 1`).
    #[must_use]
    pub fn starts(&self) -> &[usize] {
        &self.start
    }
    /// Row indices of all entries.
    #[must_use]
    pub fn indices(&self) -> &[u32] {
        &self.index
    }
    /// Values of all entries.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.value
    }
    /// The entries of column `j` as `(row indices, values)`.
    ///
    /// # Panics
    /// If `j >= ncols()`.
    #[must_use]
    pub fn col(&self, j: usize) -> (&[u32], &[f64]) {
        let (s, e) = (self.start[j], self.start[j + 1]);
        (&self.index[s..e], &self.value[s..e])
    }
    /// The position in [`CscMatrix::values`] of the entry at row `i` of
    /// column `j`, if the matrix stores one.
    #[must_use]
    pub fn position(&self, i: usize, j: usize) -> Option<usize> {
        if j >= self.ncols() {
            return None;
        }
        let (s, e) = (self.start[j], self.start[j + 1]);
        // row indices are strictly increasing within a column
        let i = u32::try_from(i).ok()?;
        self.index[s..e].binary_search(&i).ok().map(|p| s + p)
    }
    /// `y += alpha * A x` for dense `x` (length `ncols`) and `y` (length `nrows`).
    pub fn mul_add(&self, x: &[f64], alpha: f64, y: &mut [f64]) {
        for (j, &xj) in x.iter().enumerate() {
            if xj != 0.0 {
                let (idx, val) = self.col(j);
                for (&i, &v) in idx.iter().zip(val) {
                    y[i as usize] += alpha * v * xj;
                }
            }
        }
    }
    /// `z_j = a_jᵀ y` for every column (the transpose product).
    #[must_use]
    pub fn tr_mul(&self, y: &[f64]) -> Vec<f64> {
        (0..self.ncols())
            .map(|j| {
                let (idx, val) = self.col(j);
                idx.iter().zip(val).map(|(&i, &v)| v * y[i as usize]).sum()
            })
            .collect()
    }
    /// The transpose (row-wise storage of the same matrix, as a CSC of Aᵀ).
    #[must_use]
    pub fn transpose(&self) -> CscMatrix {
        let m = self.nrows;
        let mut count = vec![0usize; m + 1];
        for &i in self.index.iter() {
            count[i as usize + 1] += 1;
        }
        for i in 0..m {
            count[i + 1] += count[i];
        }
        let mut next = count.clone();
        let nnz = self.nnz();
        let mut index = vec![0u32; nnz];
        let mut value = vec![0.0; nnz];
        for j in 0..self.ncols() {
            let (idx, val) = self.col(j);
            for (&i, &v) in idx.iter().zip(val) {
                let p = next[i as usize];
                index[p] = j as u32;
                value[p] = v;
                next[i as usize] += 1;
            }
        }
        CscMatrix::from_parts(self.ncols(), count, index, value)
    }
    /// [`CscMatrix::from_triplets`] consuming the entries: they are sorted
    /// in place (stably, so duplicates add up in the same order) and freed
    /// before the matrix is returned, so building a large model holds one
    /// copy of its entries less.
    ///
    /// # Errors
    /// As [`CscMatrix::from_triplets`].
    pub(crate) fn from_triplet_vec(
        nrows: usize,
        ncols: usize,
        mut triplets: Vec<(u32, u32, f64)>,
    ) -> Result<CscMatrix> {
        for &(i, j, v) in &triplets {
            if i as usize >= nrows || j as usize >= ncols {
                return Err(Error::model(format!(
                    "matrix entry ({i}, {j}) is outside a {nrows} x {ncols} matrix"
                )));
            }
            if !v.is_finite() {
                return Err(Error::model(format!(
                    "matrix entry ({i}, {j}) is {v}; coefficients must be finite"
                )));
            }
        }
        triplets.sort_by_key(|&(i, j, _)| (j, i));
        let mut start = Vec::with_capacity(ncols + 1);
        let mut index = Vec::with_capacity(triplets.len());
        let mut value = Vec::with_capacity(triplets.len());
        start.push(0);
        let mut k = 0;
        for j in 0..ncols {
            while k < triplets.len() && triplets[k].1 as usize == j {
                let i = triplets[k].0;
                let mut v = triplets[k].2;
                k += 1;
                while k < triplets.len() && triplets[k].1 as usize == j && triplets[k].0 == i {
                    v += triplets[k].2;
                    k += 1;
                }
                if v != 0.0 {
                    index.push(i);
                    value.push(v);
                }
            }
            start.push(index.len());
        }
        drop(triplets);
        Ok(CscMatrix::from_parts(nrows, start, index, value))
    }

    /// Builds a CSC matrix from `(row, col, value)` triplets. Duplicate
    /// positions are summed; entries that sum to exactly zero are dropped.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an out-of-range index or a non-finite value.
    pub fn from_triplets(
        nrows: usize,
        ncols: usize,
        triplets: &[(u32, u32, f64)],
    ) -> Result<CscMatrix> {
        let mut count = vec![0usize; ncols + 1];
        for &(i, j, v) in triplets {
            if i as usize >= nrows || j as usize >= ncols {
                return Err(Error::model(format!(
                    "matrix entry ({i}, {j}) is outside a {nrows} x {ncols} matrix"
                )));
            }
            if !v.is_finite() {
                return Err(Error::model(format!(
                    "matrix entry ({i}, {j}) is {v}; coefficients must be finite"
                )));
            }
            count[j as usize + 1] += 1;
        }
        for j in 0..ncols {
            count[j + 1] += count[j];
        }
        let mut next = count.clone();
        let mut raw: Vec<(u32, f64)> = vec![(0, 0.0); triplets.len()];
        for &(i, j, v) in triplets {
            raw[next[j as usize]] = (i, v);
            next[j as usize] += 1;
        }
        let mut start = Vec::with_capacity(ncols + 1);
        let mut index = Vec::with_capacity(triplets.len());
        let mut value = Vec::with_capacity(triplets.len());
        start.push(0);
        for j in 0..ncols {
            let col = &mut raw[count[j]..count[j + 1]];
            col.sort_by_key(|&(i, _)| i);
            let mut k = 0;
            while k < col.len() {
                let i = col[k].0;
                let mut v = col[k].1;
                k += 1;
                while k < col.len() && col[k].0 == i {
                    v += col[k].1;
                    k += 1;
                }
                if v != 0.0 {
                    index.push(i);
                    value.push(v);
                }
            }
            start.push(index.len());
        }
        Ok(CscMatrix::from_parts(nrows, start, index, value))
    }
}

/// The names of a model's rows or of its columns, held in one buffer (a
/// model of millions of columns holds one string, not millions). Indexing
/// gives a name as `&str`; iteration gives them in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    text: String,
    /// End of each name in `text` (its start is the previous end).
    end: Vec<usize>,
}

impl Names {
    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.end.len()
    }
    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }
    /// Name `i`, if there is one.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        let e = *self.end.get(i)?;
        let s = if i == 0 { 0 } else { self.end[i - 1] };
        Some(&self.text[s..e])
    }
    /// The names in order.
    #[must_use]
    pub fn iter(&self) -> NamesIter<'_> {
        NamesIter {
            names: self,
            next: 0,
            back: self.len(),
        }
    }
    /// The names as owned strings.
    #[must_use]
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
    /// Appends a name.
    pub(crate) fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.end.push(self.text.len());
    }
}

impl From<Vec<String>> for Names {
    fn from(v: Vec<String>) -> Self {
        let mut n = Names {
            text: String::with_capacity(v.iter().map(String::len).sum()),
            end: Vec::with_capacity(v.len()),
        };
        for s in &v {
            n.push(s);
        }
        n
    }
}

impl std::ops::Index<usize> for Names {
    type Output = str;
    /// # Panics
    /// If `i >= len()`.
    fn index(&self, i: usize) -> &str {
        let e = self.end[i];
        let s = if i == 0 { 0 } else { self.end[i - 1] };
        &self.text[s..e]
    }
}

impl<'a> IntoIterator for &'a Names {
    type Item = &'a str;
    type IntoIter = NamesIter<'a>;
    fn into_iter(self) -> NamesIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Names`].
#[derive(Debug, Clone)]
pub struct NamesIter<'a> {
    names: &'a Names,
    next: usize,
    back: usize,
}

impl<'a> Iterator for NamesIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.next >= self.back {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(&self.names[i])
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let k = self.back - self.next;
        (k, Some(k))
    }
}

impl DoubleEndedIterator for NamesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.next >= self.back {
            return None;
        }
        self.back -= 1;
        Some(&self.names[self.back])
    }
}

impl ExactSizeIterator for NamesIter<'_> {}

/// Incrementally assembles a [`Model`]; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct ModelBuilder {
    name: String,
    sense: Sense,
    obj_name: String,
    obj_constant: f64,
    col_names: Names,
    cost: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    var_type: Vec<VarType>,
    row_names: Names,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    triplets: Vec<(u32, u32, f64)>,
}

fn lo(b: Option<f64>) -> f64 {
    b.unwrap_or(f64::NEG_INFINITY)
}
fn up(b: Option<f64>) -> f64 {
    b.unwrap_or(f64::INFINITY)
}
/// A changed bound pair, with magnitudes ≥ [`INFINITE_BOUND`] infinite (a
/// lower bound of `1e20` stays, to be refused as above its meaning allows).
fn changed_bounds(lower: Option<f64>, upper: Option<f64>) -> (f64, f64) {
    let (l, u) = (lo(lower), up(upper));
    let l = if l <= -INFINITE_BOUND {
        f64::NEG_INFINITY
    } else {
        l
    };
    let u = if u >= INFINITE_BOUND {
        f64::INFINITY
    } else {
        u
    };
    (l, u)
}

impl ModelBuilder {
    /// An empty minimisation model.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            obj_name: "obj".to_owned(),
            ..Self::default()
        }
    }

    /// Sets the direction of optimisation.
    pub fn set_sense(&mut self, sense: Sense) -> &mut Self {
        self.sense = sense;
        self
    }

    /// Sets the objective constant `c₀`.
    pub fn set_objective_constant(&mut self, c0: f64) -> &mut Self {
        self.obj_constant = c0;
        self
    }

    /// Sets the objective row's name (MPS `N` row).
    pub fn set_objective_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.obj_name = name.into();
        self
    }

    /// Adds a column with cost `cost` and bounds `[lower, upper]` (`None` = infinite).
    pub fn add_col(
        &mut self,
        name: impl Into<String>,
        cost: f64,
        lower: Option<f64>,
        upper: Option<f64>,
        var_type: VarType,
    ) -> ColId {
        let id = ColId(u32::try_from(self.cost.len()).unwrap_or(u32::MAX));
        self.col_names.push(&name.into());
        self.cost.push(cost);
        self.col_lower.push(lo(lower));
        self.col_upper.push(up(upper));
        self.var_type.push(var_type);
        id
    }

    /// Adds a row `lower ≤ aᵀx ≤ upper` (`None` = infinite) with no entries yet.
    pub fn add_row(
        &mut self,
        name: impl Into<String>,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> RowId {
        let id = RowId(u32::try_from(self.row_lower.len()).unwrap_or(u32::MAX));
        self.row_names.push(&name.into());
        self.row_lower.push(lo(lower));
        self.row_upper.push(up(upper));
        id
    }

    /// Adds coefficient `value` at (`row`, `col`); repeated positions are summed.
    pub fn set_coef(&mut self, row: RowId, col: ColId, value: f64) -> &mut Self {
        self.triplets.push((row.0, col.0, value));
        self
    }

    /// Adds a row with its entries in one call.
    pub fn add_row_with(
        &mut self,
        name: impl Into<String>,
        lower: Option<f64>,
        upper: Option<f64>,
        entries: &[(ColId, f64)],
    ) -> RowId {
        let r = self.add_row(name, lower, upper);
        for &(c, v) in entries {
            self.set_coef(r, c, v);
        }
        r
    }

    /// Number of columns added so far.
    #[must_use]
    pub fn num_cols(&self) -> usize {
        self.cost.len()
    }

    /// Number of rows added so far.
    #[must_use]
    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Freezes the model, checking it and applying the numeric rule of the
    /// [module docs](self#numeric-limits) (small entries dropped, huge
    /// bounds infinite, infinite costs fixed; see [`Model::warnings`]).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] if there are more than `u32::MAX` rows or
    /// columns, a coefficient, cost or constant is NaN or infinite, a bound is
    /// NaN, a lower bound is `+∞` (or `≥ 1e20`) or an upper bound `−∞` (or
    /// `≤ −1e20`), a lower bound exceeds its upper bound, a matrix entry has
    /// magnitude `1e15` or more, or a cost of magnitude `1e20` or more has no
    /// finite bound to hold its column at.
    pub fn build(mut self) -> Result<Model> {
        if self.cost.len() >= u32::MAX as usize || self.row_lower.len() >= u32::MAX as usize {
            return Err(Error::model("more than 2^32 - 1 rows or columns"));
        }
        if !self.obj_constant.is_finite() {
            return Err(Error::model(format!(
                "objective constant is {}; it must be finite",
                self.obj_constant
            )));
        }
        for (j, &c) in self.cost.iter().enumerate() {
            if !c.is_finite() {
                return Err(Error::model(format!(
                    "column {} ({}) has cost {c}; costs must be finite",
                    j, &self.col_names[j]
                )));
            }
        }
        let matrix = CscMatrix::from_triplet_vec(
            self.row_lower.len(),
            self.cost.len(),
            std::mem::take(&mut self.triplets),
        )?;
        let mut m = Model {
            name: self.name,
            sense: self.sense,
            obj_name: self.obj_name,
            obj_constant: self.obj_constant,
            col_names: self.col_names,
            cost: Arc::new(self.cost),
            col_lower: self.col_lower,
            col_upper: self.col_upper,
            var_type: self.var_type,
            row_names: self.row_names,
            row_lower: self.row_lower,
            row_upper: self.row_upper,
            matrix,
            warnings: Warnings::default(),
        };
        screen::screen(&mut m).map_err(|r| Error::model(r.message))?;
        Ok(m)
    }
}

/// The first bound problem (NaN, `+∞` lower, `−∞` upper, lower above
/// upper), worded for an error message.
pub(crate) fn check_bounds<'n>(
    what: &str,
    names: impl Fn(usize) -> &'n str,
    lower: &[f64],
    upper: &[f64],
) -> std::result::Result<(), String> {
    for (k, (&l, &u)) in lower.iter().zip(upper).enumerate() {
        if l.is_nan() || u.is_nan() {
            return Err(format!("{what} {k} ({}) has a NaN bound", names(k)));
        }
        if l == f64::INFINITY || u == f64::NEG_INFINITY {
            return Err(format!(
                "{what} {k} ({}) has bounds [{l}, {u}]; a lower bound cannot be +inf nor an upper bound -inf",
                names(k)
            ));
        }
        if l > u {
            return Err(format!(
                "{what} {k} ({}) has lower bound {l} above upper bound {u}",
                names(k)
            ));
        }
    }
    Ok(())
}

/// A frozen LP / MILP; see the module docs for the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    name: String,
    sense: Sense,
    obj_name: String,
    obj_constant: f64,
    col_names: Names,
    cost: Arc<Vec<f64>>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    var_type: Vec<VarType>,
    row_names: Names,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    matrix: CscMatrix,
    warnings: Warnings,
}

impl Model {
    /// What the numeric rule of the [module docs](self#numeric-limits)
    /// changed when the model was made (and, for a model read from MPS,
    /// which reading conventions applied). Empty for a model that needed
    /// nothing. Not part of equality: two models stating the same problem
    /// are equal however they were made.
    #[must_use]
    pub fn warnings(&self) -> &[ModelWarning] {
        &self.warnings.0
    }

    /// The model's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Direction of optimisation.
    #[must_use]
    pub fn sense(&self) -> Sense {
        self.sense
    }
    /// Name of the objective row.
    #[must_use]
    pub fn objective_name(&self) -> &str {
        &self.obj_name
    }
    /// The objective constant `c₀`.
    #[must_use]
    pub fn objective_constant(&self) -> f64 {
        self.obj_constant
    }
    /// Number of columns.
    #[must_use]
    pub fn num_cols(&self) -> usize {
        self.cost.len()
    }
    /// Number of rows.
    #[must_use]
    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }
    /// The constraint matrix.
    #[must_use]
    pub fn matrix(&self) -> &CscMatrix {
        &self.matrix
    }
    /// Objective coefficients.
    #[must_use]
    pub fn costs(&self) -> &[f64] {
        &self.cost
    }
    /// The objective coefficients, shared (no copy).
    pub(crate) fn costs_shared(&self) -> Arc<Vec<f64>> {
        Arc::clone(&self.cost)
    }
    /// Column lower bounds (`−∞` when unbounded below).
    #[must_use]
    pub fn col_lower(&self) -> &[f64] {
        &self.col_lower
    }
    /// Column upper bounds (`+∞` when unbounded above).
    #[must_use]
    pub fn col_upper(&self) -> &[f64] {
        &self.col_upper
    }
    /// Row lower bounds (`−∞` when none).
    #[must_use]
    pub fn row_lower(&self) -> &[f64] {
        &self.row_lower
    }
    /// Row upper bounds (`+∞` when none).
    #[must_use]
    pub fn row_upper(&self) -> &[f64] {
        &self.row_upper
    }
    /// Column types.
    #[must_use]
    pub fn var_types(&self) -> &[VarType] {
        &self.var_type
    }
    /// `true` when some column is integer.
    #[must_use]
    pub fn is_mip(&self) -> bool {
        self.var_type.contains(&VarType::Integer)
    }
    /// Column names.
    #[must_use]
    pub fn col_names(&self) -> &Names {
        &self.col_names
    }
    /// Row names.
    #[must_use]
    pub fn row_names(&self) -> &Names {
        &self.row_names
    }
    /// A map from column name to id (built on demand; names should be unique).
    #[must_use]
    pub fn col_index(&self) -> HashMap<&str, ColId> {
        self.col_names
            .iter()
            .enumerate()
            .map(|(j, n)| (n, ColId(j as u32)))
            .collect()
    }
    /// A map from row name to id (built on demand).
    #[must_use]
    pub fn row_index(&self) -> HashMap<&str, RowId> {
        self.row_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n, RowId(i as u32)))
            .collect()
    }

    /// Changes one objective coefficient.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for a non-finite cost, one of magnitude
    /// [`INFINITE_COST`] or more, or an unknown column.
    pub fn set_cost(&mut self, col: ColId, cost: f64) -> Result<()> {
        let j = self.col(col)?;
        if !cost.is_finite() {
            return Err(Error::model(format!("cost {cost} is not finite")));
        }
        if cost.abs() >= INFINITE_COST {
            return Err(Error::model(format!(
                "cost {cost} of column {j} ({}) has magnitude {INFINITE_COST:e} or more, which \
                 means an infinite cost; fix the column's bounds instead",
                &self.col_names[j]
            )));
        }
        Arc::make_mut(&mut self.cost)[j] = cost;
        Ok(())
    }

    /// Changes a column's bounds (`None` = infinite).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for NaN, `lower > upper`, or an unknown column.
    pub fn set_col_bounds(
        &mut self,
        col: ColId,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<()> {
        let j = self.col(col)?;
        let (l, u) = changed_bounds(lower, upper);
        check_bounds("column", |_| &self.col_names[j], &[l], &[u]).map_err(Error::model)?;
        self.col_lower[j] = l;
        self.col_upper[j] = u;
        Ok(())
    }

    /// Changes a row's bounds (`None` = infinite).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for NaN, `lower > upper`, or an unknown row.
    pub fn set_row_bounds(
        &mut self,
        row: RowId,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<()> {
        let i = row.index();
        if i >= self.num_rows() {
            return Err(Error::model(format!(
                "row {i} does not exist ({} rows)",
                self.num_rows()
            )));
        }
        let (l, u) = changed_bounds(lower, upper);
        check_bounds("row", |_| &self.row_names[i], &[l], &[u]).map_err(Error::model)?;
        self.row_lower[i] = l;
        self.row_upper[i] = u;
        Ok(())
    }

    /// Changes an existing coefficient of the matrix, in place.
    ///
    /// Only entries the matrix stores can change: a new nonzero, or a
    /// value of magnitude at most [`SMALL_MATRIX_VALUE`] (which the numeric
    /// rule drops), changes the matrix's structure; rebuild the model with
    /// [`ModelBuilder`] for those.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an unknown row or column, a value
    /// that is not finite or has magnitude [`LARGE_MATRIX_VALUE`] or more,
    /// and for the structural changes above.
    pub fn set_coef(&mut self, row: RowId, col: ColId, value: f64) -> Result<()> {
        let j = self.col(col)?;
        let i = row.index();
        if i >= self.num_rows() {
            return Err(Error::model(format!(
                "row {i} does not exist ({} rows)",
                self.num_rows()
            )));
        }
        if !value.is_finite() || value.abs() >= LARGE_MATRIX_VALUE {
            return Err(Error::model(format!(
                "coefficient {value} of row {} in column {}: entries must be finite and below {LARGE_MATRIX_VALUE:e} in magnitude",
                &self.row_names[i], &self.col_names[j]
            )));
        }
        if value.abs() <= SMALL_MATRIX_VALUE {
            return Err(Error::model(format!(
                "coefficient {value} of row {} in column {} would be dropped (magnitude at most {SMALL_MATRIX_VALUE:e}): a structural change, rebuild the model",
                &self.row_names[i], &self.col_names[j]
            )));
        }
        let p = self.matrix.position(i, j).ok_or_else(|| {
            Error::model(format!(
                "row {} has no entry in column {}: a new entry is a structural change, rebuild the model",
                &self.row_names[i], &self.col_names[j]
            ))
        })?;
        Arc::make_mut(&mut self.matrix.value)[p] = value;
        Ok(())
    }

    /// Changes a column's type.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an unknown column.
    pub fn set_var_type(&mut self, col: ColId, var_type: VarType) -> Result<()> {
        let j = self.col(col)?;
        self.var_type[j] = var_type;
        Ok(())
    }

    /// Row activities `A x` for a point `x`.
    #[must_use]
    pub fn row_activity(&self, x: &[f64]) -> Vec<f64> {
        let mut r = vec![0.0; self.num_rows()];
        self.matrix.mul_add(x, 1.0, &mut r);
        r
    }

    /// The objective `cᵀx + c₀` at `x`.
    #[must_use]
    pub fn objective_value(&self, x: &[f64]) -> f64 {
        self.obj_constant + self.cost.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
    }

    /// The same model with every integrality requirement dropped.
    #[must_use]
    pub fn relaxation(&self) -> Model {
        let mut m = self.clone();
        m.var_type.iter_mut().for_each(|t| *t = VarType::Continuous);
        m
    }

    fn col(&self, col: ColId) -> Result<usize> {
        let j = col.index();
        if j >= self.num_cols() {
            return Err(Error::model(format!(
                "column {j} does not exist ({} columns)",
                self.num_cols()
            )));
        }
        Ok(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sums_duplicates_and_drops_zeros() -> Result<()> {
        let mut b = ModelBuilder::new("t");
        let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", 2.0, Some(0.0), Some(4.0), VarType::Integer);
        let r = b.add_row("r", Some(1.0), None);
        b.set_coef(r, x, 1.0)
            .set_coef(r, x, 2.0)
            .set_coef(r, y, 1.0);
        b.set_coef(r, y, -1.0);
        let m = b.build()?;
        assert_eq!(m.matrix().nnz(), 1);
        assert_eq!(m.matrix().col(0), (&[0u32][..], &[3.0][..]));
        assert!(m.is_mip());
        assert_eq!(m.row_activity(&[1.0, 5.0]), vec![3.0]);
        assert_eq!(m.matrix().transpose().transpose(), *m.matrix());
        Ok(())
    }

    #[test]
    fn builder_rejects_bad_bounds_and_values() {
        let mut b = ModelBuilder::new("t");
        b.add_col("x", 1.0, Some(2.0), Some(1.0), VarType::Continuous);
        assert!(b.build().is_err());
        let mut b = ModelBuilder::new("t");
        b.add_col("x", f64::NAN, None, None, VarType::Continuous);
        assert!(b.build().is_err());
        let mut b = ModelBuilder::new("t");
        let x = b.add_col("x", 1.0, None, None, VarType::Continuous);
        let r = b.add_row("r", Some(f64::INFINITY), None);
        b.set_coef(r, x, 1.0);
        assert!(b.build().is_err());
    }
}
