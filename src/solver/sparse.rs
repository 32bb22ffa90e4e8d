//! A work vector that is dense in storage and sparse in bookkeeping (the
//! "HVector" of HiGHS): `values` has full length, `index` lists the positions
//! that may be nonzero while the vector is sparse. Used by the basis factor
//! (FTRAN/BTRAN) and by the simplex loops, so hyper-sparse solves cost time in
//! proportion to their nonzeros, not to the dimension.

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct SparseVec {
    /// Dense values, length `n`. Positions not in `index` are zero while
    /// `sparse` is true.
    pub(crate) values: Vec<f64>,
    /// Positions that may be nonzero (no duplicates). Meaningful only while
    /// `sparse` is true.
    pub(crate) index: Vec<u32>,
    /// Whether `index` is maintained. When false, scan `values` instead.
    pub(crate) sparse: bool,
}

impl SparseVec {
    /// A zero vector of dimension `n`.
    pub(crate) fn new(n: usize) -> Self {
        Self {
            values: vec![0.0; n],
            index: Vec::with_capacity(n.min(64)),
            sparse: true,
        }
    }

    /// Dimension.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Resets to zero, in time proportional to the nonzeros when sparse.
    pub(crate) fn clear(&mut self) {
        if self.sparse {
            for &i in &self.index {
                self.values[i as usize] = 0.0;
            }
        } else {
            self.values.iter_mut().for_each(|v| *v = 0.0);
        }
        self.index.clear();
        self.sparse = true;
    }

    /// Sets position `i` to `v` (which should be nonzero), keeping the index.
    pub(crate) fn push(&mut self, i: usize, v: f64) {
        if self.sparse && self.values[i] == 0.0 {
            self.index.push(i as u32);
        }
        self.values[i] = v;
    }

    /// Rebuilds `index` from `values`, dropping entries with `|v| <= drop_tol`
    /// (set to exactly zero).
    pub(crate) fn reindex(&mut self, drop_tol: f64) {
        self.index.clear();
        for (i, v) in self.values.iter_mut().enumerate() {
            if v.abs() <= drop_tol {
                *v = 0.0;
            } else {
                self.index.push(i as u32);
            }
        }
        self.sparse = true;
    }

    /// Calls `f(i, v)` for every nonzero entry.
    #[inline]
    pub(crate) fn for_each_nonzero(&self, mut f: impl FnMut(usize, f64)) {
        if self.sparse {
            for &i in &self.index {
                let v = self.values[i as usize];
                if v != 0.0 {
                    f(i as usize, v);
                }
            }
        } else {
            for (i, &v) in self.values.iter().enumerate() {
                if v != 0.0 {
                    f(i, v);
                }
            }
        }
    }

    /// Number of index entries when sparse, else the dimension (an upper
    /// bound on the nonzeros).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn count(&self) -> usize {
        if self.sparse {
            self.index.len()
        } else {
            self.values.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_clear_reindex() {
        let mut v = SparseVec::new(5);
        v.push(3, 2.0);
        v.push(1, -1.0);
        v.push(3, 4.0);
        assert_eq!(v.index, vec![3, 1]);
        let mut seen = Vec::new();
        v.for_each_nonzero(|i, x| seen.push((i, x)));
        assert_eq!(seen, vec![(3, 4.0), (1, -1.0)]);
        v.values[0] = 1e-20;
        v.reindex(1e-14);
        assert_eq!(v.index, vec![1, 3]);
        v.clear();
        assert!(v.values.iter().all(|&x| x == 0.0));
        assert_eq!(v.count(), 0);
        assert_eq!(v.len(), 5);
    }
}
