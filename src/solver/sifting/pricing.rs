//! Pricing passes over the full column set: reduced costs against the
//! master's row duals, Farkas pricing against an infeasibility proof, and
//! the initial working set. Each pass is one flat scan of the column-wise
//! matrix; the winners are kept per row in small top-k buckets so that the
//! columns entering the master are spread over the rows.

use super::{FIXED, FREE_ZERO, LOWER, UPPER};
use crate::model::Model;
use crate::solver::simplex::scaling::pow2;

/// Per-bucket top-k selection of (score, column), larger scores first.
#[derive(Debug, Clone)]
pub(super) struct TopK {
    /// Entries kept per bucket now (at most `stride`).
    k: usize,
    /// Storage per bucket.
    stride: usize,
    score: Vec<f64>,
    col: Vec<u32>,
    len: Vec<u32>,
    /// Smallest kept score of a full bucket (−∞ while it has room).
    worst: Vec<f64>,
    /// Buckets that hold something, to reset and drain in time proportional
    /// to what was offered.
    used: Vec<u32>,
}

impl TopK {
    /// `buckets` buckets of up to `k` entries each.
    pub(super) fn new(buckets: usize, k: usize) -> Self {
        Self {
            k,
            stride: k,
            score: vec![0.0; buckets * k],
            col: vec![0; buckets * k],
            len: vec![0; buckets],
            worst: vec![f64::NEG_INFINITY; buckets],
            used: Vec::new(),
        }
    }

    /// Keeps `k` entries per bucket from now on (at most the `k` it was
    /// made with). Call on empty buckets.
    pub(super) fn set_k(&mut self, k: usize) {
        self.k = k.clamp(1, self.stride);
    }

    /// Offers `col` with `score` to bucket `b`.
    #[inline]
    pub(super) fn offer(&mut self, b: usize, score: f64, col: u32) {
        if score <= self.worst[b] {
            return;
        }
        let k = self.k;
        let base = b * self.stride;
        let len = self.len[b] as usize;
        if len == 0 {
            self.used.push(b as u32);
        }
        if len < k {
            self.score[base + len] = score;
            self.col[base + len] = col;
            self.len[b] += 1;
            if len + 1 == k {
                self.worst[b] = self.min_of(b);
            }
            return;
        }
        // Full: replace the smallest (ties: the later column loses).
        let slot = (0..k)
            .min_by(|&p, &q| {
                let (a, c) = (self.score[base + p], self.score[base + q]);
                a.total_cmp(&c)
                    .then(self.col[base + q].cmp(&self.col[base + p]))
            })
            .unwrap_or(0);
        self.score[base + slot] = score;
        self.col[base + slot] = col;
        self.worst[b] = self.min_of(b);
    }

    fn min_of(&self, b: usize) -> f64 {
        let base = b * self.stride;
        self.score[base..base + self.len[b] as usize]
            .iter()
            .fold(f64::INFINITY, |m, &s| m.min(s))
    }

    /// The kept entries of bucket `b`, best first (ties: lower column).
    pub(super) fn sorted(&self, b: usize) -> Vec<(f64, u32)> {
        let base = b * self.stride;
        let mut v: Vec<(f64, u32)> = (0..self.len[b] as usize)
            .map(|t| (self.score[base + t], self.col[base + t]))
            .collect();
        v.sort_unstable_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
        v
    }

    /// Moves every kept (score, column) into `out` and empties the buckets.
    pub(super) fn drain(&mut self, out: &mut Vec<(f64, u32)>) {
        for &b in &self.used {
            let b = b as usize;
            let base = b * self.stride;
            for t in 0..self.len[b] as usize {
                out.push((self.score[base + t], self.col[base + t]));
            }
            self.len[b] = 0;
            self.worst[b] = f64::NEG_INFINITY;
        }
        self.used.clear();
    }
}

/// Distinct columns of `cands`, at most `cap` of them (best scores first),
/// returned in ascending column order.
pub(super) fn pick(mut cands: Vec<(f64, u32)>, cap: usize) -> Vec<u32> {
    cands.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(b.0.total_cmp(&a.0)));
    cands.dedup_by_key(|c| c.1);
    if cands.len() > cap {
        cands.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        cands.truncate(cap);
    }
    let mut cols: Vec<u32> = cands.into_iter().map(|c| c.1).collect();
    cols.sort_unstable();
    cols
}

/// The column scale the master gives column `(idx, val)` under row factors
/// `row`: the power of two nearest `1 / max_i |a_ij| r_i` (equilibration,
/// as the general engine's scaling ends).
#[inline]
pub(super) fn col_scale(idx: &[u32], val: &[f64], row: &[f64]) -> f64 {
    let mut hi = 0.0f64;
    for (&i, &v) in idx.iter().zip(val) {
        hi = hi.max(v.abs() * row[i as usize]);
    }
    if hi > 0.0 { pow2(1.0 / hi) } else { 1.0 }
}

/// Calls `f(j, code, z_j, rows_j, values_j)` with `z_j = a_jᵀ y` for every
/// column whose resting code is below `FIXED` (out of the master and able
/// to move).
#[inline]
pub(super) fn scan_out(
    model: &Model,
    rest: &[u8],
    y: &[f64],
    mut f: impl FnMut(usize, u8, f64, &[u32], &[f64]),
) {
    let a = model.matrix();
    let (st, ix, va) = (a.starts(), a.indices(), a.values());
    for (j, &code) in rest.iter().enumerate() {
        if code >= FIXED {
            continue;
        }
        let (s, e) = (st[j], st[j + 1]);
        let (idx, val) = (&ix[s..e], &va[s..e]);
        let mut z = 0.0;
        for (&i, &v) in idx.iter().zip(val) {
            z += v * y[i as usize];
        }
        f(j, code, z, idx, val);
    }
}

/// How far a column resting at `code` wants to move for a (minimisation)
/// reduced cost `d`: positive when it prices out.
#[inline]
pub(super) fn violation(code: u8, d: f64) -> f64 {
    match code {
        LOWER => -d,
        UPPER => d,
        FREE_ZERO => d.abs(),
        _ => 0.0,
    }
}
