//! Growable per-key lists of `(index, value)` entries sharing one pair of
//! arrays: the storage behind the active submatrix of the factorisation and
//! behind the row- and column-wise copies of L and U.
//!
//! List `k` occupies `idx[start[k] .. start[k] + len[k]]` and owns room up to
//! `start[k] + cap[k]`. A list that outgrows its room is moved to the end of
//! the arrays with doubled room, leaving its old slot as garbage; with
//! doubling, the garbage a list leaves over its life is at most twice its
//! final room, so no compaction is needed between refactorisations.

/// See the module docs.
#[derive(Debug, Clone, Default)]
pub(super) struct Lists {
    pub(super) start: Vec<usize>,
    pub(super) len: Vec<u32>,
    pub(super) cap: Vec<u32>,
    pub(super) idx: Vec<u32>,
    pub(super) val: Vec<f64>,
    /// Total number of entries over all lists.
    pub(super) live: usize,
}

impl Lists {
    /// Resets to `n` empty lists without room, keeping allocations.
    pub(super) fn reset(&mut self, n: usize) {
        self.start.clear();
        self.start.resize(n, 0);
        self.len.clear();
        self.len.resize(n, 0);
        self.cap.clear();
        self.cap.resize(n, 0);
        self.idx.clear();
        self.val.clear();
        self.live = 0;
    }

    /// Resets to `counts.len()` empty lists with room `counts[k] + extra`
    /// each, laid out contiguously, keeping allocations.
    pub(super) fn layout(&mut self, counts: &[u32], extra: u32) {
        let n = counts.len();
        self.reset(n);
        let mut at = 0usize;
        for (k, &c) in counts.iter().enumerate() {
            self.start[k] = at;
            self.cap[k] = c + extra;
            at += (c + extra) as usize;
        }
        self.idx.resize(at, 0);
        self.val.resize(at, 0.0);
    }

    /// The entries of list `k`.
    #[inline]
    pub(super) fn entries(&self, k: usize) -> (&[u32], &[f64]) {
        let s = self.start[k];
        let e = s + self.len[k] as usize;
        (&self.idx[s..e], &self.val[s..e])
    }

    /// Index range of list `k` in `idx` / `val`.
    #[inline]
    pub(super) fn range(&self, k: usize) -> std::ops::Range<usize> {
        let s = self.start[k];
        s..s + self.len[k] as usize
    }

    /// Appends `(i, v)` to list `k`, moving the list to the end of the arrays
    /// with doubled room when it is full.
    #[inline]
    pub(super) fn push(&mut self, k: usize, i: u32, v: f64) {
        let len = self.len[k];
        if len == self.cap[k] {
            self.grow(k);
        }
        let at = self.start[k] + len as usize;
        self.idx[at] = i;
        self.val[at] = v;
        self.len[k] = len + 1;
        self.live += 1;
    }

    #[cold]
    fn grow(&mut self, k: usize) {
        let len = self.len[k] as usize;
        let s = self.start[k];
        let new_cap = (2 * len).max(4);
        let new_start = self.idx.len();
        self.idx.extend_from_within(s..s + len);
        self.val.extend_from_within(s..s + len);
        self.idx.resize(new_start + new_cap, 0);
        self.val.resize(new_start + new_cap, 0.0);
        self.start[k] = new_start;
        // new_cap <= 2 * len + 4 where len fits in u32 by construction (a
        // list never holds more entries than the dimension, which is checked
        // to fit in u32 when the factor is created).
        self.cap[k] = u32::try_from(new_cap).unwrap_or(u32::MAX);
    }

    /// Removes the entry with index `i` from list `k` (swap-remove; order
    /// within a list is not kept) and returns its value.
    #[inline]
    pub(super) fn remove(&mut self, k: usize, i: u32) -> Option<f64> {
        let r = self.range(k);
        let last = r.end.checked_sub(1)?;
        let at = r.start + self.idx[r].iter().position(|&x| x == i)?;
        let v = self.val[at];
        self.idx[at] = self.idx[last];
        self.val[at] = self.val[last];
        self.len[k] -= 1;
        self.live -= 1;
        Some(v)
    }

    /// Empties list `k` (its room is kept).
    #[inline]
    pub(super) fn clear_list(&mut self, k: usize) {
        self.live -= self.len[k] as usize;
        self.len[k] = 0;
    }

    /// Replaces list `k` by a fresh list of `entries` at the end of the
    /// arrays (no spare room).
    pub(super) fn replace_at_end(&mut self, k: usize, entries: impl Iterator<Item = (u32, f64)>) {
        self.clear_list(k);
        let s = self.idx.len();
        for (i, v) in entries {
            self.idx.push(i);
            self.val.push(v);
        }
        let n = self.idx.len() - s;
        self.start[k] = s;
        // n is at most the dimension, which fits in u32 (see `grow`).
        let n32 = u32::try_from(n).unwrap_or(u32::MAX);
        self.len[k] = n32;
        self.cap[k] = n32;
        self.live += n;
    }

    /// Value stored for index `i` in list `k`, if present.
    #[inline]
    pub(super) fn find(&self, k: usize, i: u32) -> Option<f64> {
        let (ix, vs) = self.entries(k);
        ix.iter().position(|&x| x == i).map(|p| vs[p])
    }

    /// Total allocated slots (live entries plus room plus garbage).
    pub(super) fn footprint(&self) -> usize {
        self.idx.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_grow_remove_replace() {
        let mut l = Lists::default();
        l.layout(&[1, 0, 2], 0);
        l.push(0, 7, 1.0);
        l.push(2, 3, 2.0);
        l.push(2, 4, 3.0);
        // list 1 has no room: grows at the end
        l.push(1, 9, 4.0);
        l.push(1, 8, 5.0);
        assert_eq!(l.entries(1).0, &[9, 8]);
        assert_eq!(l.live, 5);
        // list 0 is full: grows and keeps its entry
        l.push(0, 1, 6.0);
        assert_eq!(l.entries(0).0, &[7, 1]);
        assert_eq!(l.entries(0).1, &[1.0, 6.0]);
        assert_eq!(l.remove(2, 3), Some(2.0));
        assert_eq!(l.remove(2, 3), None);
        assert_eq!(l.entries(2).0, &[4]);
        assert_eq!(l.find(1, 8), Some(5.0));
        assert_eq!(l.find(1, 2), None);
        l.replace_at_end(2, [(5u32, 1.5), (6, 2.5)].into_iter());
        assert_eq!(l.entries(2).0, &[5, 6]);
        assert_eq!(l.live, 6);
        l.clear_list(1);
        assert_eq!(l.live, 4);
        assert!(l.footprint() >= l.live);
        assert_eq!(l.range(0).len(), 2);
    }
}
