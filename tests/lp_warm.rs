//! Warm starts: after changing costs, bounds or right-hand sides, a re-solve
//! from the previous basis reaches the same optimum as a cold solve of the
//! changed model, in fewer iterations.

mod common;
mod lp_support;

use fleetplan::model::{ColId, Model, RowId};
use fleetplan::solver::{BasisStatus, LpSolver, SolveOptions, Status, solve};
use lp_support::{Quarter, Rng, assert_optimal, check, constructed};

/// Cold solve of `model`: its objective and iterations.
fn cold(model: &Model) -> (f64, u64) {
    let s = solve(model, &SolveOptions::default()).unwrap();
    check(model, &s);
    assert_eq!(s.status, Status::Optimal);
    (s.objective.unwrap(), s.iterations)
}

fn finite_or_none(v: f64) -> Option<f64> {
    if v.is_finite() { Some(v) } else { None }
}

#[test]
fn rhs_changes_resolve_with_the_dual_simplex() {
    let mut total_warm = 0;
    let mut total_cold = 0;
    for seed in 0..6 {
        let (model, opt) = constructed(300 + seed, 150, 240);
        let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
        let first = lp.solve().unwrap();
        assert_optimal(lp.model(), &first, opt);
        // Nudge a few finite row bounds (keeping lower <= upper).
        let mut rng = Rng(seed);
        for _ in 0..3 {
            let i = rng.below(lp.model().num_rows() as u64) as usize;
            let (l, u) = (lp.model().row_lower()[i], lp.model().row_upper()[i]);
            let shift = rng.quarter(-1.0, 1.0);
            lp.set_row_bounds(
                RowId(i as u32),
                finite_or_none(l + shift),
                finite_or_none(u + shift),
            )
            .unwrap();
        }
        let warm = lp.solve().unwrap();
        check(lp.model(), &warm);
        let (cold_obj, cold_iters) = cold(lp.model());
        if warm.status == Status::Optimal {
            let w = warm.objective.unwrap();
            assert!(
                (w - cold_obj).abs() <= 1e-9 * (1.0 + w.abs()),
                "{w} vs {cold_obj}"
            );
        }
        total_warm += warm.iterations;
        total_cold += cold_iters;
    }
    eprintln!("rhs changes: warm {total_warm} vs cold {total_cold} iterations");
    assert!(
        total_warm * 3 < total_cold,
        "warm {total_warm} vs cold {total_cold} iterations"
    );
}

#[test]
fn bound_changes_resolve_like_branching() {
    // Tighten column bounds the way branch-and-bound does, keeping the
    // change when the LP stays feasible and undoing it otherwise.
    let (model, _) = constructed(42, 120, 200);
    let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
    let s = lp.solve().unwrap();
    check(lp.model(), &s);
    let (mut warm_total, mut cold_total, mut optimal) = (0, 0, 0);
    let mut x = s.x;
    let n = lp.model().num_cols();
    for k in 0..n {
        let j = (k * 37) % n;
        let (l, u) = (lp.model().col_lower()[j], lp.model().col_upper()[j]);
        if !(x[j] > l + 0.1 && x[j] < u - 0.1) {
            continue;
        }
        let cut = x[j] - 0.05 * (1.0 + x[j].abs());
        lp.set_col_bounds(ColId(j as u32), finite_or_none(l), Some(cut.max(l)))
            .unwrap();
        let warm = lp.solve().unwrap();
        check(lp.model(), &warm);
        let cold_sol = solve(lp.model(), &SolveOptions::default()).unwrap();
        assert_eq!(warm.status, cold_sol.status);
        warm_total += warm.iterations;
        cold_total += cold_sol.iterations;
        if warm.status == Status::Optimal {
            let (w, c) = (warm.objective.unwrap(), cold_sol.objective.unwrap());
            assert!((w - c).abs() <= 1e-9 * (1.0 + c.abs()), "{w} vs {c}");
            x = warm.x;
            optimal += 1;
        } else {
            lp.set_col_bounds(ColId(j as u32), finite_or_none(l), finite_or_none(u))
                .unwrap();
        }
        if optimal == 10 {
            break;
        }
    }
    eprintln!("bound changes: warm {warm_total} vs cold {cold_total} iterations");
    assert!(optimal >= 5, "only {optimal} feasible branches");
    assert!(
        warm_total * 3 < cold_total,
        "warm {warm_total} vs cold {cold_total}"
    );
}

#[test]
fn cost_changes_resolve_with_the_primal_simplex() {
    let (mut warm_total, mut cold_total) = (0, 0);
    for seed in 0..6 {
        let (model, opt) = constructed(500 + seed, 150, 240);
        let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
        let first = lp.solve().unwrap();
        assert_optimal(lp.model(), &first, opt);
        let mut rng = Rng(seed + 9);
        for _ in 0..3 {
            let j = rng.below(lp.model().num_cols() as u64) as usize;
            let c = lp.model().costs()[j] + rng.quarter(-0.5, 0.5);
            lp.set_cost(ColId(j as u32), c).unwrap();
        }
        let warm = lp.solve().unwrap();
        check(lp.model(), &warm);
        assert_eq!(warm.status, Status::Optimal);
        let (cold_obj, cold_iters) = cold(lp.model());
        let w = warm.objective.unwrap();
        assert!(
            (w - cold_obj).abs() <= 1e-9 * (1.0 + w.abs()),
            "{w} vs {cold_obj}"
        );
        warm_total += warm.iterations;
        cold_total += cold_iters;
    }
    eprintln!("cost changes: warm {warm_total} vs cold {cold_total} iterations");
    assert!(
        warm_total * 3 < cold_total,
        "warm {warm_total} vs cold {cold_total}"
    );
}

#[test]
fn resolving_unchanged_takes_no_iterations() {
    let (model, opt) = constructed(8, 100, 150);
    let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
    let first = lp.solve().unwrap();
    assert_optimal(lp.model(), &first, opt);
    assert!(first.iterations > 0);
    let again = lp.solve().unwrap();
    assert_optimal(lp.model(), &again, opt);
    assert_eq!(again.iterations, 0);
}

#[test]
fn a_basis_carries_over_to_a_fresh_solver() {
    let (model, opt) = constructed(11, 100, 150);
    let s = solve(&model, &SolveOptions::default()).unwrap();
    assert_optimal(&model, &s, opt);
    let basis = s.basis.clone().unwrap();
    let mut lp = LpSolver::new(model.clone(), SolveOptions::default()).unwrap();
    lp.set_basis(&basis).unwrap();
    let again = lp.solve().unwrap();
    assert_optimal(&model, &again, opt);
    assert_eq!(again.iterations, 0);
    assert_eq!(lp.basis(), basis);
    // Setting the basis already in place changes nothing.
    lp.set_basis(&basis).unwrap();
    assert_eq!(lp.solve().unwrap().iterations, 0);

    // Malformed bases are rejected.
    let mut bad = basis.clone();
    bad.row_status.pop();
    assert!(lp.set_basis(&bad).is_err());
    let mut bad = basis;
    if let Some(s) = bad
        .col_status
        .iter_mut()
        .find(|s| **s != BasisStatus::Basic)
    {
        *s = BasisStatus::Basic;
    }
    assert!(lp.set_basis(&bad).is_err());
}

#[test]
fn a_singular_basis_is_repaired() {
    // Two copies of one column both marked basic: the factor repairs the
    // basis with a row logical and the solve still reaches the optimum.
    use fleetplan::model::{ModelBuilder, VarType};
    let mut b = ModelBuilder::new("singular");
    let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
    let y = b.add_col("y", 1.0, Some(0.0), None, VarType::Continuous);
    let z = b.add_col("z", 3.0, Some(0.0), None, VarType::Continuous);
    b.add_row_with("a", Some(1.0), None, &[(x, 1.0), (y, 1.0), (z, 1.0)]);
    b.add_row_with("b", Some(2.0), None, &[(x, 2.0), (y, 2.0), (z, 1.0)]);
    let model = b.build().unwrap();
    let mut lp = LpSolver::new(model.clone(), SolveOptions::default()).unwrap();
    let mut basis = lp.basis();
    basis.col_status = vec![BasisStatus::Basic, BasisStatus::Basic, BasisStatus::AtLower];
    basis.row_status = vec![BasisStatus::AtLower, BasisStatus::AtLower];
    lp.set_basis(&basis).unwrap();
    let s = lp.solve().unwrap();
    assert_optimal(&model, &s, 1.0);
}
