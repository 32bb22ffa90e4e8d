//! Shared helpers of the solver tests: the certificate check every solve
//! passes (through `common::assert_certified`, so a test crate declares
//! `mod common;` next to `mod lp_support;`) and seeded LPs that are optimal
//! by construction at sizes proptest does not reach.
#![allow(dead_code)]

use fleetplan::model::{Model, ModelBuilder, VarType};
use fleetplan::solver::{Solution, Status};

pub use fleetplan::rng::SplitMix64 as Rng;

/// Draws the LP tests use beyond the generator's own.
pub trait Quarter {
    /// A "nice" value: a multiple of 1/4 in `[lo, hi]`.
    fn quarter(&mut self, lo: f64, hi: f64) -> f64;
}

impl Quarter for Rng {
    fn quarter(&mut self, lo: f64, hi: f64) -> f64 {
        (self.range(lo, hi) * 4.0).round() / 4.0
    }
}

fn opt(v: f64) -> Option<f64> {
    if v.is_finite() { Some(v) } else { None }
}

/// The independent certificate check (`solver::certificate`), panicking
/// with its report on failure.
pub fn check(model: &Model, sol: &Solution) {
    if matches!(sol.status, Status::IterationLimit | Status::TimeLimit) {
        // Nothing to certify at a limit; the point must still be there.
        assert_eq!(sol.x.len(), model.num_cols());
        return;
    }
    crate::common::assert_certified(model.name(), model, sol);
}

/// Asserts an optimum with objective `expected` (relative `1e-9`), checked.
pub fn assert_optimal(model: &Model, sol: &Solution, expected: f64) {
    assert_eq!(sol.status, Status::Optimal, "{}", model.name());
    check(model, sol);
    let obj = sol.objective.unwrap_or(f64::NAN);
    assert!(
        (obj - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
        "{}: objective {obj}, expected {expected}",
        model.name()
    );
}

/// A random LP that is optimal by construction, with its optimal objective.
///
/// A point `x*`, row duals `y*` and reduced costs `d*` are drawn first so
/// that they satisfy the optimality conditions (feasible, sign-correct,
/// complementary); bounds and costs `c = Aᵀy* + d*` are then derived. Mixes
/// free, fixed, one-sided and boxed columns; free, ranged, equality and
/// one-sided rows; and degenerate pieces (zero duals at active bounds).
pub fn constructed(seed: u64, m: usize, n: usize) -> (Model, f64) {
    let mut rng = Rng(seed);
    let mut b = ModelBuilder::new(format!("constructed-{seed}-{m}x{n}"));
    // Sparse A: 1..=4 entries per column, every row touched.
    let mut entries: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (j, col) in entries.iter_mut().enumerate() {
        let k = 1 + rng.below(4) as usize;
        for t in 0..k {
            let i = if t == 0 && j < m {
                j
            } else {
                rng.below(m as u64) as usize
            };
            if col.iter().all(|&(r, _)| r != i) {
                let mut v = rng.quarter(-4.0, 4.0);
                if v == 0.0 {
                    v = 1.0;
                }
                col.push((i, v));
            }
        }
    }
    let xs: Vec<f64> = (0..n).map(|_| rng.quarter(-5.0, 5.0)).collect();
    let mut act = vec![0.0; m];
    for (j, col) in entries.iter().enumerate() {
        for &(i, v) in col {
            act[i] += v * xs[j];
        }
    }
    let mut ys = vec![0.0; m];
    let mut rows = Vec::with_capacity(m);
    for i in 0..m {
        let a = act[i];
        let (l, u, y) = match rng.below(6) {
            0 => (a, f64::INFINITY, rng.quarter(0.25, 3.0)),
            1 => (f64::NEG_INFINITY, a, -rng.quarter(0.25, 3.0)),
            2 => (a, a, rng.quarter(-3.0, 3.0)),
            3 => (a - rng.quarter(0.5, 4.0), a + rng.quarter(0.5, 4.0), 0.0),
            4 => (a, a + rng.quarter(0.5, 4.0), 0.0), // degenerate: active, zero dual
            _ => (f64::NEG_INFINITY, f64::INFINITY, 0.0),
        };
        ys[i] = y;
        rows.push(b.add_row(format!("r{i}"), opt(l), opt(u)));
    }
    let mut opt_obj = 0.0;
    for j in 0..n {
        let x = xs[j];
        let (l, u, d) = match rng.below(7) {
            0 => (x, f64::INFINITY, rng.quarter(0.25, 3.0)),
            1 => (x, x + rng.quarter(0.5, 4.0), rng.quarter(0.25, 3.0)),
            2 => (f64::NEG_INFINITY, x, -rng.quarter(0.25, 3.0)),
            3 => (x - rng.quarter(0.5, 4.0), x, -rng.quarter(0.25, 3.0)),
            4 => (x, x, rng.quarter(-3.0, 3.0)),
            5 => (f64::NEG_INFINITY, f64::INFINITY, 0.0),
            _ => (x - rng.quarter(0.5, 4.0), x + rng.quarter(0.5, 4.0), 0.0),
        };
        let aty: f64 = entries[j].iter().map(|&(i, v)| v * ys[i]).sum();
        let c = aty + d;
        opt_obj += c * x;
        let col = b.add_col(format!("x{j}"), c, opt(l), opt(u), VarType::Continuous);
        for &(i, v) in &entries[j] {
            b.set_coef(rows[i], col, v);
        }
    }
    let c0 = rng.quarter(-10.0, 10.0);
    b.set_objective_constant(c0);
    (b.build().expect("valid by construction"), opt_obj + c0)
}
