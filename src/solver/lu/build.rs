//! The factorisation: singleton passes, then Markowitz elimination of the
//! kernel, then completion of a rank-deficient factor with unit columns.

use super::lists::Lists;
use super::{FactorError, LuFactor, LuOptions, NONE};

/// Largest active submatrix (rows × columns) finished as a dense matrix.
const DENSE_MAX: usize = 1 << 22;

/// State of a basis position during factorisation.
const ACTIVE: u8 = 0;
const PIVOTED: u8 = 1;
const BAD: u8 = 2;

/// Doubly linked lists of items (rows or columns) bucketed by count.
#[derive(Debug, Clone, Default)]
struct CountLists {
    head: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Bucket an item is linked in, or `NONE`.
    at: Vec<u32>,
    /// Number of linked items.
    linked: usize,
}

impl CountLists {
    fn reset(&mut self, n: usize) {
        for v in [&mut self.head, &mut self.next, &mut self.prev, &mut self.at] {
            v.clear();
            v.resize(n + 1, NONE);
        }
        self.linked = 0;
    }

    fn unlink(&mut self, x: usize) {
        let c = self.at[x];
        if c == NONE {
            return;
        }
        let (p, n) = (self.prev[x], self.next[x]);
        if p == NONE {
            self.head[c as usize] = n;
        } else {
            self.next[p as usize] = n;
        }
        if n != NONE {
            self.prev[n as usize] = p;
        }
        self.at[x] = NONE;
        self.linked -= 1;
    }

    /// (Re)links `x` in bucket `count` (unlinks it when `count` is 0).
    fn relink(&mut self, x: usize, count: u32) {
        if self.at[x] == count {
            return;
        }
        self.unlink(x);
        if count == 0 {
            return;
        }
        let h = self.head[count as usize];
        self.next[x] = h;
        self.prev[x] = NONE;
        if h != NONE {
            self.prev[h as usize] = x as u32;
        }
        self.head[count as usize] = x as u32;
        self.at[x] = count;
        self.linked += 1;
    }
}

/// The best pivot candidate of a Markowitz search so far.
#[derive(Debug, Clone, Copy)]
struct Best {
    pivot: Option<(usize, usize, f64)>,
    merit: u64,
    ratio: f64,
}

impl Default for Best {
    fn default() -> Self {
        Self {
            pivot: None,
            merit: u64::MAX,
            ratio: 0.0,
        }
    }
}

impl Best {
    /// Offers candidate `a` at `(i, j)` with Markowitz `merit`; ties go to
    /// the larger `|a| / cmax`.
    fn consider(&mut self, i: usize, j: usize, a: f64, cmax: f64, merit: u64) {
        let ratio = a.abs() / cmax;
        if merit < self.merit || (merit == self.merit && ratio > self.ratio) {
            self.pivot = Some((i, j, a));
            self.merit = merit;
            self.ratio = ratio;
        }
    }
}

/// Buffers of the factorisation, kept between factorisations so that
/// refactorising allocates nothing once they have grown.
#[derive(Debug, Clone, Default)]
pub(super) struct BuildWork {
    /// B by columns (positions) and by rows.
    bcol: Lists,
    brow: Lists,
    /// Largest |entry| of each column of B.
    col_scale: Vec<f64>,
    pub(super) b_max: f64,
    /// Active entries per column / row (singleton phase).
    col_count: Vec<u32>,
    row_count: Vec<u32>,
    pub(super) col_state: Vec<u8>,
    row_done: Vec<bool>,
    col_q: Vec<u32>,
    row_q: Vec<u32>,
    /// Logical columns claimed by `load`: (row, position, value).
    logical: Vec<(u32, u32, f64)>,
    /// The pivot sequence: row, position, value.
    pub(super) piv_row: Vec<u32>,
    pub(super) piv_pos: Vec<u32>,
    pub(super) piv_val: Vec<f64>,
    /// L columns of the pivots (rows, multipliers), pivot k at
    /// `lt_start[k]..lt_start[k+1]`.
    pub(super) lt_start: Vec<usize>,
    pub(super) lt_idx: Vec<u32>,
    pub(super) lt_val: Vec<f64>,
    /// U rows of the pivots (positions, values).
    pub(super) ut_start: Vec<usize>,
    pub(super) ut_idx: Vec<u32>,
    pub(super) ut_val: Vec<f64>,
    /// Dropped positions and unpivoted rows.
    pub(super) bad: Vec<u32>,
    pub(super) free: Vec<u32>,
    /// The kernel's active submatrix: values by column, pattern by row.
    kcol: Lists,
    krow: Lists,
    cl: CountLists,
    rl: CountLists,
    /// Cached largest |active entry| per kernel column (negative: stale).
    col_max: Vec<f64>,
    /// Offset + 1 of each row in the column being updated (0: absent).
    wpos: Vec<u32>,
    drops: Vec<u32>,
    /// The dense final kernel (column-major) and its rows and columns.
    dense: Vec<f64>,
    drows: Vec<u32>,
    dcols: Vec<u32>,
    pub(super) counts: Vec<u32>,
    pub(super) counts2: Vec<u32>,
}

impl BuildWork {
    /// Copies B into column and row storage and resets all state. Logical
    /// columns (exactly one nonzero, on a row no earlier logical claimed) are
    /// pivoted on the spot and never stored: their U rows are the rows'
    /// entries in the other columns, taken from the row copy.
    fn load<'a>(&mut self, m: usize, col: &impl Fn(usize) -> (&'a [u32], &'a [f64])) {
        // Input entries are dropped only when exactly zero: a tiny
        // coefficient of a badly scaled basis is still a coefficient.
        let keep = |i: u32, v: f64| (i as usize) < m && v != 0.0;
        self.bcol.reset(m);
        self.counts.clear();
        self.counts.resize(m, 0);
        self.col_scale.clear();
        self.col_scale.resize(m, 0.0);
        self.row_count.clear();
        self.row_count.resize(m, 0);
        self.col_state.clear();
        self.col_state.resize(m, ACTIVE);
        self.row_done.clear();
        self.row_done.resize(m, false);
        self.logical.clear();
        self.b_max = 0.0;
        for k in 0..m {
            let (ri, rv) = col(k);
            debug_assert_eq!(
                ri.len(),
                rv.len(),
                "column {k}: index and value lengths differ"
            );
            debug_assert!(
                ri.iter().all(|&i| (i as usize) < m),
                "column {k}: row out of range"
            );
            debug_assert!(
                rv.iter().all(|v| v.is_finite()),
                "column {k}: non-finite value"
            );
            let mut nz = 0usize;
            let mut last = (0u32, 0.0f64);
            let mut s = 0.0f64;
            for (&i, &v) in ri.iter().zip(rv) {
                if keep(i, v) {
                    nz += 1;
                    last = (i, v);
                    s = s.max(v.abs());
                }
            }
            self.col_scale[k] = s;
            self.b_max = self.b_max.max(s);
            if nz == 1 && !self.row_done[last.0 as usize] {
                self.row_done[last.0 as usize] = true;
                self.col_state[k] = PIVOTED;
                self.logical.push((last.0, k as u32, last.1));
                continue;
            }
            self.bcol.replace_at_end(
                k,
                ri.iter()
                    .zip(rv)
                    .filter(|&(&i, &v)| keep(i, v))
                    .map(|(&i, &v)| (i, v)),
            );
            for q in self.bcol.range(k) {
                self.row_count[self.bcol.idx[q] as usize] += 1;
            }
            self.counts[k] = self.bcol.len[k];
        }
        self.brow.layout(&self.row_count, 0);
        for k in 0..m {
            for q in self.bcol.range(k) {
                let (i, v) = (self.bcol.idx[q], self.bcol.val[q]);
                self.brow.push(i as usize, k as u32, v);
            }
        }
        self.col_count.clear();
        self.col_count.extend_from_slice(&self.counts);
        for v in [
            &mut self.piv_row,
            &mut self.piv_pos,
            &mut self.lt_idx,
            &mut self.ut_idx,
        ] {
            v.clear();
        }
        for v in [&mut self.bad, &mut self.free] {
            v.clear();
        }
        self.piv_val.clear();
        self.lt_val.clear();
        self.ut_val.clear();
        self.lt_start.clear();
        self.ut_start.clear();
    }

    fn record_pivot(&mut self, r: usize, c: usize, a: f64) {
        self.piv_row.push(r as u32);
        self.piv_pos.push(c as u32);
        self.piv_val.push(a);
        self.lt_start.push(self.lt_idx.len());
        self.ut_start.push(self.ut_idx.len());
    }

    // ----- singleton phase -------------------------------------------------

    /// Pivots on `(r, c)` when either is a singleton of the active part, so
    /// that no elimination is needed.
    fn pivot_simple(&mut self, r: usize, c: usize, a: f64) {
        self.record_pivot(r, c, a);
        self.row_done[r] = true;
        self.col_state[c] = PIVOTED;
        for q in self.brow.range(r) {
            let j = self.brow.idx[q] as usize;
            if self.col_state[j] == ACTIVE {
                self.ut_idx.push(j as u32);
                self.ut_val.push(self.brow.val[q]);
                self.col_count[j] -= 1;
                if self.col_count[j] <= 1 {
                    self.col_q.push(j as u32);
                }
            }
        }
        for q in self.bcol.range(c) {
            let i = self.bcol.idx[q] as usize;
            if !self.row_done[i] {
                self.lt_idx.push(i as u32);
                self.lt_val.push(self.bcol.val[q] / a);
                self.row_count[i] -= 1;
                if self.row_count[i] == 1 {
                    self.row_q.push(i as u32);
                }
            }
        }
    }

    /// Drops column `c` in the singleton phase (numerically zero active part).
    fn bad_simple(&mut self, c: usize) {
        self.col_state[c] = BAD;
        self.bad.push(c as u32);
        for q in self.bcol.range(c) {
            let i = self.bcol.idx[q] as usize;
            if !self.row_done[i] {
                self.row_count[i] -= 1;
                if self.row_count[i] == 1 {
                    self.row_q.push(i as u32);
                }
            }
        }
    }

    /// Column singletons first (no L entries), then row singletons (no U
    /// entries, pivot subject to the threshold), until neither is left.
    fn singletons(&mut self, m: usize, opts: &LuOptions) {
        let tol = opts.singular_tolerance;
        self.col_q.clear();
        self.row_q.clear();
        // Logicals first (claimed in `load`): no L, U row = the row's
        // entries in the stored columns, all still active.
        for t in 0..self.logical.len() {
            let (r, c, a) = self.logical[t];
            let r = r as usize;
            self.record_pivot(r, c as usize, a);
            for q in self.brow.range(r) {
                let j = self.brow.idx[q] as usize;
                self.ut_idx.push(j as u32);
                self.ut_val.push(self.brow.val[q]);
                self.col_count[j] -= 1;
            }
        }
        for c in (0..m).rev() {
            if self.col_state[c] == ACTIVE && self.col_count[c] <= 1 {
                self.col_q.push(c as u32);
            }
        }
        for r in (0..m).rev() {
            if !self.row_done[r] && self.row_count[r] == 1 {
                self.row_q.push(r as u32);
            }
        }
        loop {
            if let Some(c) = self.col_q.pop() {
                let c = c as usize;
                if self.col_state[c] != ACTIVE {
                    continue;
                }
                match self.col_count[c] {
                    0 => self.bad_simple(c),
                    1 => {
                        let Some((r, a)) = self.active_in_col(c) else {
                            continue;
                        };
                        if a.abs() > tol * self.col_scale[c] {
                            self.pivot_simple(r, c, a);
                        } else {
                            self.bad_simple(c);
                        }
                    }
                    _ => {}
                }
            } else if let Some(r) = self.row_q.pop() {
                let r = r as usize;
                if self.row_done[r] || self.row_count[r] != 1 {
                    continue;
                }
                let Some((c, a)) = self.active_in_row(r) else {
                    continue;
                };
                let mut cmax = 0.0f64;
                for q in self.bcol.range(c) {
                    if !self.row_done[self.bcol.idx[q] as usize] {
                        cmax = cmax.max(self.bcol.val[q].abs());
                    }
                }
                if cmax <= tol * self.col_scale[c] {
                    self.bad_simple(c);
                } else if a.abs() >= opts.pivot_threshold * cmax {
                    self.pivot_simple(r, c, a);
                }
                // else: leave it to the kernel's search.
            } else {
                break;
            }
        }
    }

    fn active_in_col(&self, c: usize) -> Option<(usize, f64)> {
        self.bcol
            .range(c)
            .map(|q| (self.bcol.idx[q] as usize, self.bcol.val[q]))
            .find(|&(i, _)| !self.row_done[i])
    }

    fn active_in_row(&self, r: usize) -> Option<(usize, f64)> {
        self.brow
            .range(r)
            .map(|q| (self.brow.idx[q] as usize, self.brow.val[q]))
            .find(|&(j, _)| self.col_state[j] == ACTIVE)
    }

    // ----- kernel ----------------------------------------------------------

    /// Markowitz elimination of what the singleton passes left.
    fn kernel(&mut self, m: usize, opts: &LuOptions) {
        self.counts.clear();
        self.counts.resize(m, 0);
        let mut any = false;
        for c in 0..m {
            if self.col_state[c] == ACTIVE {
                self.counts[c] = self.col_count[c];
                any = true;
            }
        }
        if !any {
            return;
        }
        self.kcol.layout(&self.counts, 2);
        for c in 0..m {
            if self.col_state[c] == ACTIVE {
                for q in self.bcol.range(c) {
                    let i = self.bcol.idx[q];
                    if !self.row_done[i as usize] {
                        self.kcol.push(c, i, self.bcol.val[q]);
                    }
                }
            }
        }
        self.counts.iter_mut().for_each(|x| *x = 0);
        for r in 0..m {
            if !self.row_done[r] {
                self.counts[r] = self.row_count[r];
            }
        }
        self.krow.layout(&self.counts, 2);
        for c in 0..m {
            if self.col_state[c] == ACTIVE {
                for q in self.kcol.range(c) {
                    self.krow.push(self.kcol.idx[q] as usize, c as u32, 0.0);
                }
            }
        }
        self.cl.reset(m);
        self.rl.reset(m);
        self.col_max.clear();
        self.col_max.resize(m, -1.0);
        self.wpos.clear();
        self.wpos.resize(m, 0);
        for c in 0..m {
            if self.col_state[c] == ACTIVE {
                if self.kcol.len[c] == 0 {
                    self.kernel_bad(c);
                } else {
                    self.cl.relink(c, self.kcol.len[c]);
                }
            }
        }
        for r in 0..m {
            if !self.row_done[r] {
                self.rl.relink(r, self.krow.len[r]);
            }
        }
        loop {
            let (nr, nc) = (self.rl.linked, self.cl.linked);
            let size = nr * nc;
            if size > 0
                && size <= DENSE_MAX
                && self.kcol.live as f64 >= opts.dense_switch * size as f64
            {
                self.dense_kernel(m, opts);
                break;
            }
            let Some((r, c, a)) = self.search(m, opts) else {
                break;
            };
            self.eliminate(r, c, a, opts.drop_tolerance);
        }
    }

    /// Finishes the kernel as a dense matrix (once the active submatrix is
    /// dense enough that sparse bookkeeping costs more than it saves):
    /// right-looking LU with partial pivoting by rows, columns in index
    /// order, numerically zero columns dropped as in the sparse phase.
    fn dense_kernel(&mut self, m: usize, opts: &LuOptions) {
        let tol = opts.singular_tolerance;
        let drop = opts.drop_tolerance;
        let mut rows = std::mem::take(&mut self.drows);
        let mut cols = std::mem::take(&mut self.dcols);
        let mut a = std::mem::take(&mut self.dense);
        rows.clear();
        cols.clear();
        rows.extend(
            (0..m as u32).filter(|&r| !self.row_done[r as usize] && self.krow.len[r as usize] > 0),
        );
        cols.extend(
            (0..m as u32)
                .filter(|&c| self.col_state[c as usize] == ACTIVE && self.kcol.len[c as usize] > 0),
        );
        // Sparsest columns first (a static Markowitz-like order); ties by
        // index, for determinism.
        cols.sort_unstable_by_key(|&c| (self.kcol.len[c as usize], c));
        let (nr, nc) = (rows.len(), cols.len());
        a.clear();
        a.resize(nr * nc, 0.0);
        for (p, &r) in rows.iter().enumerate() {
            // p < nr <= m fits in u32.
            self.wpos[r as usize] = p as u32 + 1;
        }
        for (jc, &c) in cols.iter().enumerate() {
            for q in self.kcol.range(c as usize) {
                let p = self.wpos[self.kcol.idx[q] as usize];
                if p != 0 {
                    a[jc * nr + p as usize - 1] = self.kcol.val[q];
                }
            }
        }
        for &r in &rows {
            self.wpos[r as usize] = 0;
        }
        let mut k = 0usize; // pivots taken = first active dense row
        for jc in 0..nc {
            let c = cols[jc] as usize;
            let (mut ip, mut amax) = (k, 0.0f64);
            for i in k..nr {
                let v = a[jc * nr + i].abs();
                if v > amax {
                    (ip, amax) = (i, v);
                }
            }
            if amax <= tol * self.col_scale[c] {
                self.col_state[c] = BAD;
                self.bad.push(c as u32);
                continue;
            }
            if ip != k {
                for j in jc..nc {
                    a.swap(j * nr + ip, j * nr + k);
                }
                rows.swap(ip, k);
            }
            let piv = a[jc * nr + k];
            let r = rows[k] as usize;
            self.record_pivot(r, c, piv);
            self.row_done[r] = true;
            self.col_state[c] = PIVOTED;
            let mut lmax = 0.0f64;
            for i in k + 1..nr {
                let l = a[jc * nr + i] / piv;
                a[jc * nr + i] = l;
                if l.abs() > drop {
                    self.lt_idx.push(rows[i]);
                    self.lt_val.push(l);
                }
                lmax = lmax.max(l.abs());
            }
            let (left, right) = a.split_at_mut((jc + 1) * nr);
            let lcol = &left[jc * nr + k + 1..jc * nr + nr];
            for (jo, colj) in right.chunks_exact_mut(nr).enumerate() {
                let u = colj[k];
                if u.abs() <= drop {
                    continue;
                }
                let j = cols[jc + 1 + jo];
                self.ut_idx.push(j);
                self.ut_val.push(u);
                for (x, &l) in colj[k + 1..].iter_mut().zip(lcol) {
                    *x -= l * u;
                }
                let s = &mut self.col_scale[j as usize];
                *s = s.max(lmax * u.abs());
            }
            k += 1;
        }
        self.drows = rows;
        self.dcols = cols;
        self.dense = a;
    }

    fn col_max(&mut self, j: usize) -> f64 {
        if self.col_max[j] < 0.0 {
            let (_, vs) = self.kcol.entries(j);
            self.col_max[j] = vs.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        }
        self.col_max[j]
    }

    /// Drops kernel column `j` (numerically zero).
    fn kernel_bad(&mut self, j: usize) {
        for q in self.kcol.range(j) {
            let i = self.kcol.idx[q] as usize;
            self.krow.remove(i, j as u32);
            self.rl.relink(i, self.krow.len[i]);
        }
        self.kcol.clear_list(j);
        self.cl.unlink(j);
        self.col_state[j] = BAD;
        self.bad.push(j as u32);
    }

    /// Markowitz search with threshold partial pivoting over the columns and
    /// rows of smallest count. Returns `(row, position, value)`, or `None`
    /// when no active column is left. Columns found numerically zero on the
    /// way are dropped.
    fn search(&mut self, m: usize, opts: &LuOptions) -> Option<(usize, usize, f64)> {
        let thr = opts.pivot_threshold;
        let tol = opts.singular_tolerance;
        let limit = opts.search_limit.max(1);
        let mut best = Best::default();
        let mut searched = 0usize;
        for count in 1..=m {
            if self.cl.linked == 0 {
                return None;
            }
            let floor = ((count - 1) * (count - 1)) as u64;
            let mut j = self.cl.head[count];
            while j != NONE {
                let jj = j as usize;
                let next = self.cl.next[jj];
                let cmax = self.col_max(jj);
                if cmax <= tol * self.col_scale[jj] {
                    self.kernel_bad(jj);
                    j = next;
                    continue;
                }
                for q in self.kcol.range(jj) {
                    let (i, a) = (self.kcol.idx[q] as usize, self.kcol.val[q]);
                    if a.abs() >= thr * cmax {
                        let merit = u64::from(self.krow.len[i] - 1) * (count as u64 - 1);
                        best.consider(i, jj, a, cmax, merit);
                    }
                }
                searched += 1;
                if best.pivot.is_some() && (best.merit <= floor || searched >= limit) {
                    return best.pivot;
                }
                j = next;
            }
            let mut i = self.rl.head[count];
            while i != NONE {
                let ii = i as usize;
                let next = self.rl.next[ii];
                for q in self.krow.range(ii) {
                    let jj = self.krow.idx[q] as usize;
                    let cmax = self.col_max(jj);
                    if cmax <= tol * self.col_scale[jj] {
                        continue;
                    }
                    let Some(a) = self.kcol.find(jj, i) else {
                        continue;
                    };
                    if a.abs() >= thr * cmax {
                        let merit = (count as u64 - 1) * u64::from(self.kcol.len[jj] - 1);
                        best.consider(ii, jj, a, cmax, merit);
                    }
                }
                searched += 1;
                if best.pivot.is_some() && (best.merit <= floor || searched >= limit) {
                    return best.pivot;
                }
                i = next;
            }
            if best.pivot.is_some() && best.merit <= (count * count) as u64 {
                return best.pivot;
            }
        }
        best.pivot
    }

    /// Eliminates with pivot `a` at `(r, c)`: records L's column and U's row
    /// and applies the rank-one update to the active submatrix.
    fn eliminate(&mut self, r: usize, c: usize, a: f64, drop: f64) {
        self.record_pivot(r, c, a);
        self.row_done[r] = true;
        self.col_state[c] = PIVOTED;
        self.cl.unlink(c);
        self.rl.unlink(r);
        let l0 = self.lt_idx.len();
        for q in self.kcol.range(c) {
            let i = self.kcol.idx[q];
            if i as usize != r {
                self.lt_idx.push(i);
                self.lt_val.push(self.kcol.val[q] / a);
                self.krow.remove(i as usize, c as u32);
            }
        }
        self.kcol.clear_list(c);
        let l1 = self.lt_idx.len();
        let u0 = self.ut_idx.len();
        for q in self.krow.range(r) {
            let j = self.krow.idx[q];
            if j as usize != c {
                let v = self.kcol.remove(j as usize, r as u32).unwrap_or(0.0);
                self.ut_idx.push(j);
                self.ut_val.push(v);
            }
        }
        self.krow.clear_list(r);
        let u1 = self.ut_idx.len();
        let mut drops = std::mem::take(&mut self.drops);
        for t in u0..u1 {
            let j = self.ut_idx[t] as usize;
            let urj = self.ut_val[t];
            if l1 > l0 && urj != 0.0 {
                for (off, q) in self.kcol.range(j).enumerate() {
                    // off < column length <= m, fits in u32.
                    self.wpos[self.kcol.idx[q] as usize] = off as u32 + 1;
                }
                let mut big = 0.0f64;
                for s in l0..l1 {
                    let i = self.lt_idx[s];
                    let delta = self.lt_val[s] * urj;
                    big = big.max(delta.abs());
                    let w = self.wpos[i as usize];
                    if w != 0 {
                        let q = self.kcol.start[j] + w as usize - 1;
                        self.kcol.val[q] -= delta;
                        if self.kcol.val[q].abs() <= drop {
                            drops.push(i);
                        }
                    } else if delta.abs() > drop {
                        self.kcol.push(j, i, -delta);
                        self.wpos[i as usize] = self.kcol.len[j];
                        self.krow.push(i as usize, j as u32, 0.0);
                    }
                }
                // Rounding errors in column j now scale with the largest
                // update it received: measure "numerically zero" against it.
                self.col_scale[j] = self.col_scale[j].max(big);
                for q in self.kcol.range(j) {
                    self.wpos[self.kcol.idx[q] as usize] = 0;
                }
                for &i in &drops {
                    self.kcol.remove(j, i);
                    self.krow.remove(i as usize, j as u32);
                }
                drops.clear();
            }
            self.col_max[j] = -1.0;
            if self.kcol.len[j] == 0 {
                self.kernel_bad(j);
            } else {
                self.cl.relink(j, self.kcol.len[j]);
            }
        }
        self.drops = drops;
        for s in l0..l1 {
            let i = self.lt_idx[s] as usize;
            self.rl.relink(i, self.krow.len[i]);
        }
    }

    /// Pairs dropped positions with unpivoted rows (both ascending) and
    /// pivots each pair on a unit column.
    fn complete(&mut self, m: usize) {
        for c in 0..m {
            if self.col_state[c] == ACTIVE {
                self.col_state[c] = BAD;
                self.bad.push(c as u32);
            }
        }
        self.bad.sort_unstable();
        self.free.clear();
        self.free
            .extend((0..m as u32).filter(|&r| !self.row_done[r as usize]));
        debug_assert_eq!(self.bad.len(), self.free.len());
        for k in 0..self.bad.len().min(self.free.len()) {
            let (r, c) = (self.free[k] as usize, self.bad[k] as usize);
            self.record_pivot(r, c, 1.0);
            self.row_done[r] = true;
        }
        self.lt_start.push(self.lt_idx.len());
        self.ut_start.push(self.ut_idx.len());
    }

    pub(super) fn is_bad(&self, c: usize) -> bool {
        self.col_state[c] == BAD
    }
}

impl LuFactor {
    /// Factorise the `m × m` basis whose k-th column (basis position `k`) is
    /// `col(k) = (row indices, values)`, row indices strictly increasing
    /// within a column. Exact zeros are ignored. Logical columns (a single
    /// `±1`) cost next to nothing.
    ///
    /// Any previous factor and all updates are discarded. Buffers are reused.
    ///
    /// # Errors
    /// [`FactorError::Singular`] when B is numerically singular; the factor
    /// then represents the repaired basis described there.
    pub(crate) fn factorize<'a>(
        &mut self,
        col: impl Fn(usize) -> (&'a [u32], &'a [f64]),
    ) -> Result<(), FactorError> {
        let m = self.m;
        self.stats.factorizations += 1;
        self.work.load(m, &col);
        self.work.singletons(m, &self.opts);
        let singles = self.work.piv_row.len();
        self.work.kernel(m, &self.opts);
        let rank = self.work.piv_row.len();
        self.stats.singleton_pivots = singles;
        self.stats.kernel_pivots = rank - singles;
        self.work.complete(m);
        self.assemble();
        self.stats.l_nnz = self.lcol.live;
        self.stats.u_nnz = self.ucol.live;
        if rank < m {
            let w = &self.work;
            Err(FactorError::Singular {
                rank,
                bad_positions: w.bad.iter().map(|&c| c as usize).collect(),
                free_rows: w.free.iter().map(|&r| r as usize).collect(),
            })
        } else {
            Ok(())
        }
    }

    /// Builds the row- and column-wise L and U (in row labels) from the
    /// pivot sequence.
    fn assemble(&mut self) {
        let m = self.m;
        let w = &mut self.work;
        let n = w.piv_row.len().min(m);
        self.b_max = if w.b_max > 0.0 { w.b_max } else { 1.0 };
        self.pos_of_row.clear();
        self.pos_of_row.resize(m, 0);
        self.row_of_pos.clear();
        self.row_of_pos.resize(m, 0);
        self.diag.clear();
        self.diag.resize(m, 1.0);
        let mut u_max = 0.0f64;
        for k in 0..n {
            let (r, c) = (w.piv_row[k], w.piv_pos[k]);
            self.pos_of_row[r as usize] = c;
            self.row_of_pos[c as usize] = r;
            self.diag[r as usize] = w.piv_val[k];
            u_max = u_max.max(w.piv_val[k].abs());
        }
        // U by rows, dropping entries in dropped columns.
        w.counts.clear();
        w.counts.resize(m, 0);
        for k in 0..n {
            let r = w.piv_row[k] as usize;
            let cnt = (w.ut_start[k]..w.ut_start[k + 1])
                .filter(|&t| !w.is_bad(w.ut_idx[t] as usize))
                .count();
            // cnt <= m fits in u32.
            w.counts[r] = cnt as u32;
        }
        self.urow.layout(&w.counts, 2);
        w.counts2.clear();
        w.counts2.resize(m, 0);
        for k in 0..n {
            let r = w.piv_row[k] as usize;
            for t in w.ut_start[k]..w.ut_start[k + 1] {
                let j = w.ut_idx[t] as usize;
                if !w.is_bad(j) {
                    let rj = self.row_of_pos[j];
                    self.urow.push(r, rj, w.ut_val[t]);
                    w.counts2[rj as usize] += 1;
                    u_max = u_max.max(w.ut_val[t].abs());
                }
            }
        }
        self.ucol.layout(&w.counts2, 0);
        for k in 0..n {
            let r = w.piv_row[k] as usize;
            for q in self.urow.range(r) {
                let (j, v) = (self.urow.idx[q], self.urow.val[q]);
                self.ucol.push(j as usize, r as u32, v);
            }
        }
        // L by columns and by rows. When L is empty (triangular bases, the
        // common case in the planner family) the lists are not rebuilt: they
        // are read only by solves guarded by a nonempty `l_order` /
        // `lrow_order`.
        self.l_order.clear();
        self.lrow_order.clear();
        if w.lt_idx.is_empty() {
            self.lcol.live = 0;
            self.lrow.live = 0;
        } else {
            self.assemble_l();
        }
        self.u_order.clear();
        self.u_order.extend_from_slice(&self.work.piv_row[..n]);
        self.u_slot.clear();
        self.u_slot.resize(m, 0);
        for (k, &r) in self.u_order.iter().enumerate() {
            // k < m fits in u32.
            self.u_slot[r as usize] = k as u32;
        }
        self.u_max = if u_max > 0.0 { u_max } else { 1.0 };
        self.nnz_fresh = self.lcol.live + self.ucol.live;
        self.reset_updates();
    }

    /// Builds L by columns and by rows, and the solve orders over them.
    fn assemble_l(&mut self) {
        let m = self.m;
        let w = &mut self.work;
        let n = w.piv_row.len().min(m);
        w.counts.iter_mut().for_each(|x| *x = 0);
        w.counts2.iter_mut().for_each(|x| *x = 0);
        for k in 0..n {
            let r = w.piv_row[k] as usize;
            // Bounded by m, fits in u32.
            w.counts[r] = (w.lt_start[k + 1] - w.lt_start[k]) as u32;
            for t in w.lt_start[k]..w.lt_start[k + 1] {
                w.counts2[w.lt_idx[t] as usize] += 1;
            }
        }
        self.lcol.layout(&w.counts, 0);
        self.lrow.layout(&w.counts2, 0);
        for k in 0..n {
            let r = w.piv_row[k];
            for t in w.lt_start[k]..w.lt_start[k + 1] {
                let (i, l) = (w.lt_idx[t], w.lt_val[t]);
                self.lcol.push(r as usize, i, l);
                self.lrow.push(i as usize, r, l);
            }
            if w.lt_start[k + 1] > w.lt_start[k] {
                self.l_order.push(r);
            }
        }
        for k in (0..n).rev() {
            let r = w.piv_row[k];
            if self.lrow.len[r as usize] > 0 {
                self.lrow_order.push(r);
            }
        }
    }
}
