//! Benchmarks of the basis factor (`solver::lu`): factorisation, FTRAN /
//! BTRAN and Forrest–Tomlin updates on a planner-like slack-heavy basis of
//! 4,000 rows and a random sparse basis of 1,000 rows.
//!
//! The factor is crate-private, so its source is compiled into this bench
//! directly (`#[path]`), which keeps it out of the public API.

// The bench uses only part of the factor's API; and when targets are checked
// in test mode (`clippy --all-targets`) the included modules' unit-test
// modules are compiled without their `#[test]` functions.
#![allow(dead_code, unused_imports)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

// `lu` reaches the work vector as `super::sparse`, so both sit at the root.
#[path = "../src/solver/sparse.rs"]
mod sparse;

#[path = "../src/solver/lu/mod.rs"]
mod lu;

use lu::{LuFactor, LuOptions};
use sparse::SparseVec;

#[path = "../src/rng.rs"]
mod rng;

use rng::SplitMix64 as Rng;

/// Draws the bench uses beyond the generator's own.
trait Val {
    /// Random sign, magnitude uniform in `[lo, hi]`.
    fn val(&mut self, lo: f64, hi: f64) -> f64;
}

impl Val for Rng {
    fn val(&mut self, lo: f64, hi: f64) -> f64 {
        self.sign() * self.range(lo, hi)
    }
}

type Col = (Vec<u32>, Vec<f64>);

fn make_col(mut e: Vec<(u32, f64)>) -> Col {
    e.sort_by_key(|&(i, _)| i);
    e.dedup_by_key(|&mut (i, _)| i);
    e.into_iter().unzip()
}

/// Planner-like: 85% logical columns, structurals with 2-4 nonzeros, one on
/// a row no logical covers.
fn slack_heavy(rng: &mut Rng, m: usize) -> Vec<Col> {
    let mut rows: Vec<usize> = (0..m).collect();
    rng.shuffle(&mut rows);
    let ns = m * 85 / 100;
    let mut cols: Vec<Col> = rows[..ns]
        .iter()
        .map(|&r| (vec![r as u32], vec![1.0]))
        .collect();
    for &own in &rows[ns..] {
        let mut e = vec![(own as u32, rng.val(1.0, 3.0))];
        for _ in 0..1 + rng.index(3) {
            e.push((rng.index(m) as u32, rng.val(0.1, 1.0)));
        }
        cols.push(make_col(e));
    }
    rng.shuffle(&mut cols);
    cols
}

/// Random sparse: a permuted diagonal (structural nonsingularity) plus 4
/// random entries per column, all of similar magnitude (no dominance), so
/// most of it is kernel.
fn random_basis(rng: &mut Rng, m: usize) -> Vec<Col> {
    let mut perm: Vec<usize> = (0..m).collect();
    rng.shuffle(&mut perm);
    (0..m)
        .map(|k| {
            let mut e = vec![(perm[k] as u32, rng.val(0.5, 1.5))];
            for _ in 0..4 {
                e.push((rng.index(m) as u32, rng.val(0.1, 1.0)));
            }
            make_col(e)
        })
        .collect()
}

fn entering(rng: &mut Rng, m: usize) -> Col {
    let n = 2 + rng.index(3);
    make_col(
        (0..n)
            .map(|_| (rng.index(m) as u32, rng.val(0.1, 3.0)))
            .collect(),
    )
}

fn load(v: &mut SparseVec, c: &Col) {
    v.clear();
    for (&i, &x) in c.0.iter().zip(&c.1) {
        v.push(i as usize, x);
    }
}

/// Everything a simplex stretch does with the factor: factorise, 100 FTRANs
/// of entering-like columns and 100 BTRANs of unit vectors, then 50 updates
/// (each an FTRAN of the entering column, the BTRAN of the leaving row and
/// the update).
fn cycle(lu: &mut LuFactor, cols: &[Col], work: &[Col], v: &mut SparseVec, w: &mut SparseVec) {
    let m = cols.len();
    let r = lu.factorize(|k| (&cols[k].0[..], &cols[k].1[..]));
    assert!(r.is_ok(), "bench basis is singular");
    for (t, c) in work.iter().take(100).enumerate() {
        load(v, c);
        lu.ftran(v);
        w.clear();
        w.push((t * 7919) % m, 1.0);
        lu.btran(w);
        black_box((&v, &w));
    }
    let mut done = 0;
    for c in work.iter().skip(100) {
        if done == 50 {
            break;
        }
        load(v, c);
        lu.ftran_for_update(v);
        // Leave at the largest entry, as a stable ratio test would.
        let mut best = (0usize, 0.0f64);
        v.for_each_nonzero(|i, x| {
            if x.abs() > best.1.abs() {
                best = (i, x);
            }
        });
        if best.1 == 0.0 {
            continue;
        }
        w.clear();
        w.push(best.0, 1.0);
        lu.btran(w);
        if lu.update(best.0, best.1).is_ok() {
            done += 1;
        }
    }
    black_box(lu.num_updates());
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(2024);
    let cases = [
        ("slack_heavy_4000", slack_heavy(&mut rng, 4000)),
        ("random_1000", random_basis(&mut rng, 1000)),
    ];
    for (name, cols) in &cases {
        let m = cols.len();
        let work: Vec<Col> = (0..400).map(|_| entering(&mut rng, m)).collect();
        let mut lu = LuFactor::new(m, LuOptions::default());
        let mut v = SparseVec::new(m);
        let mut w = SparseVec::new(m);
        let r = lu.factorize(|k| (&cols[k].0[..], &cols[k].1[..]));
        assert!(r.is_ok(), "{name}: bench basis is singular");
        let st = lu.stats();
        eprintln!(
            "{name}: singletons {}, kernel {}, L nnz {}, U nnz {}",
            st.singleton_pivots, st.kernel_pivots, st.l_nnz, st.u_nnz
        );
        c.bench_function(&format!("lu/factorize/{name}"), |b| {
            b.iter(|| black_box(lu.factorize(|k| (&cols[k].0[..], &cols[k].1[..]))))
        });
        c.bench_function(&format!("lu/ftran+btran_x100/{name}"), |b| {
            b.iter(|| {
                for (t, col) in work.iter().take(100).enumerate() {
                    load(&mut v, col);
                    lu.ftran(&mut v);
                    w.clear();
                    w.push((t * 7919) % m, 1.0);
                    lu.btran(&mut w);
                    black_box((&v, &w));
                }
            })
        });
        c.bench_function(
            &format!("lu/cycle_factor+200solves+50updates/{name}"),
            |b| b.iter(|| cycle(&mut lu, cols, &work, &mut v, &mut w)),
        );
        let s = lu.stats();
        eprintln!(
            "{name}: updates so far {}, hyper-sparse solves {}, ordinary solves {}",
            s.updates, s.hyper_solves, s.dense_solves
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
