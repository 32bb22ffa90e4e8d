//! The test infrastructure checks itself: the random LP generators of
//! `common::lpgen` produce what they promise, as judged by the independent
//! certificate check and by microlp (the oracle), which must agree with each
//! other. The solver's own tests then build on all three.

mod common;

use common::lpgen::{self, KnownLp};
use common::oracle::{OracleStatus, solve_with_microlp};
use common::{assert_certified, close, max_primal_violation};
use fleetplan::model::{Model, Sense};
use fleetplan::solver::{Solution, Status};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::time::Duration;

/// The constructed optimum as a `Solution`, the way a solver would report it.
fn as_solution(k: &KnownLp) -> Solution {
    Solution {
        status: Status::Optimal,
        objective: Some(k.objective),
        x: k.x.clone(),
        row_activity: k.model.row_activity(&k.x),
        row_dual: k.y.clone(),
        reduced_cost: k.d.clone(),
        basis: None,
        certificate: None,
        iterations: 0,
        solve_time: Duration::ZERO,
        mip: None,
    }
}

/// `objective` is at least as good as `other` for the model's sense.
fn no_worse(m: &Model, objective: f64, other: f64) -> bool {
    let slack = 1e-7 * other.abs().max(1.0);
    match m.sense() {
        Sense::Minimize => objective <= other + slack,
        Sense::Maximize => objective >= other - slack,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn optimal_by_construction_is_certified_and_microlp_agrees(k in lpgen::known_optimum(6, 6)) {
        let sol = as_solution(&k);
        assert_certified("constructed optimum", &k.model, &sol);
        let o = solve_with_microlp(&k.model);
        prop_assert_eq!(&o.status, &OracleStatus::Optimal, "microlp: {:?}", o);
        let obj = o.objective.unwrap_or(f64::NAN);
        prop_assert!(close(obj, k.objective, 1e-6), "microlp {} vs constructed {}", obj, k.objective);
        prop_assert!(max_primal_violation(&k.model, &o.x) < 1e-6);
    }

    #[test]
    fn feasible_bounded_is_feasible_and_bounded((m, x0) in lpgen::feasible_bounded(6, 6)) {
        prop_assert!(max_primal_violation(&m, &x0) == 0.0, "x0 is not feasible");
        let o = solve_with_microlp(&m);
        prop_assert_eq!(&o.status, &OracleStatus::Optimal, "microlp: {:?}", o);
        let obj = o.objective.unwrap_or(f64::NAN);
        prop_assert!(no_worse(&m, obj, m.objective_value(&x0)), "optimum {} worse than x0", obj);
    }

    #[test]
    fn mixed_optima_reported_by_microlp_are_feasible(m in lpgen::mixed(6, 6, false)) {
        let o = solve_with_microlp(&m);
        if o.status == OracleStatus::Optimal {
            prop_assert!(max_primal_violation(&m, &o.x) < 1e-6);
            let obj = o.objective.unwrap_or(f64::NAN);
            prop_assert!(close(obj, m.objective_value(&o.x), 1e-9));
        }
    }
}

/// Draws `n` values of a strategy with a fixed seed (deterministic).
fn sample<S: Strategy>(s: S, n: usize, seed: u8) -> Vec<S::Value> {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    (0..n)
        .map(|_| s.new_tree(&mut runner).expect("strategy draws").current())
        .collect()
}

#[test]
fn mixed_lps_cover_every_outcome_and_bound_type() {
    let models = sample(lpgen::mixed(6, 6, false), 300, 7);
    let mut counts = [0usize; 4];
    for m in &models {
        let k = match solve_with_microlp(m).status {
            OracleStatus::Optimal => 0,
            OracleStatus::Infeasible => 1,
            OracleStatus::Unbounded => 2,
            OracleStatus::Failed(_) => 3,
        };
        counts[k] += 1;
    }
    eprintln!("optimal, infeasible, unbounded, failed: {counts:?}");
    assert!(
        counts[0] >= 30 && counts[1] >= 30 && counts[2] >= 30,
        "{counts:?}"
    );
    let inf = f64::INFINITY;
    let any_col = |f: &dyn Fn(f64, f64) -> bool| {
        models
            .iter()
            .any(|m| (0..m.num_cols()).any(|j| f(m.col_lower()[j], m.col_upper()[j])))
    };
    assert!(any_col(&|l, u| l == -inf && u == inf), "free columns");
    assert!(
        any_col(&|l, u| l.is_finite() && (l - u).abs() < 1e-300),
        "fixed columns"
    );
    assert!(
        any_col(&|l, u| l == -inf && u.is_finite()),
        "upper-only columns"
    );
    let any_row = |f: &dyn Fn(f64, f64) -> bool| {
        models
            .iter()
            .any(|m| (0..m.num_rows()).any(|i| f(m.row_lower()[i], m.row_upper()[i])))
    };
    assert!(
        any_row(&|l, u| l.is_finite() && u.is_finite() && l < u),
        "ranged rows"
    );
    assert!(any_row(&|l, u| l == -inf && u == inf), "free rows");
    let empty_rows = models.iter().any(|m| {
        let at = m.matrix().transpose();
        (0..m.num_rows()).any(|i| at.col(i).0.is_empty())
    });
    let empty_cols = models
        .iter()
        .any(|m| (0..m.num_cols()).any(|j| m.matrix().col(j).0.is_empty() && m.num_rows() > 0));
    assert!(empty_rows && empty_cols, "empty rows and columns");
}

#[test]
fn known_optima_include_degenerate_max_and_free_cases() {
    let ks = sample(lpgen::known_optimum(6, 6), 200, 3);
    assert!(ks.iter().any(|k| k.model.sense() == Sense::Maximize));
    assert!(ks.iter().any(|k| k.model.sense() == Sense::Minimize));
    // Primal degeneracy: a row at a finite bound with a zero dual.
    let degenerate = ks.iter().any(|k| {
        let act = k.model.row_activity(&k.x);
        (0..k.model.num_rows()).any(|i| {
            k.y[i].abs() < 1e-300
                && ((act[i] - k.model.row_lower()[i]).abs() < 1e-300
                    || (act[i] - k.model.row_upper()[i]).abs() < 1e-300)
        })
    });
    assert!(degenerate);
    let free = ks.iter().any(|k| {
        (0..k.model.num_cols()).any(|j| {
            k.model.col_lower()[j] == f64::NEG_INFINITY && k.model.col_upper()[j] == f64::INFINITY
        })
    });
    assert!(free);
}

#[test]
fn the_oracle_reads_integer_columns() {
    // max x + y, x + y <= 2.5, x, y integer >= 0: 2 (LP relaxation 2.5).
    let text = "NAME\nOBJSENSE MAX\nROWS\n N C\n L R\nCOLUMNS\n M 'MARKER' 'INTORG'\n X C 1 R 1\n Y C 1 R 1\n M 'MARKER' 'INTEND'\nRHS\n RHS R 2.5\nENDATA\n";
    let m = fleetplan::model::mps::read_mps(text, fleetplan::model::mps::MpsFormat::Auto)
        .expect("reads");
    let o = solve_with_microlp(&m);
    assert_eq!(o.status, OracleStatus::Optimal);
    assert!(close(o.objective.unwrap_or(f64::NAN), 2.0, 1e-9), "{o:?}");
    let relaxed = solve_with_microlp(&m.relaxation());
    assert!(
        close(relaxed.objective.unwrap_or(f64::NAN), 2.5, 1e-9),
        "{relaxed:?}"
    );
}
