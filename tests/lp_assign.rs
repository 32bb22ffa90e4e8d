//! The planner's LP family (see `lp_support/assign.rs`): feasible by
//! construction, solved by both methods, checked, and re-solved warm after
//! the budget is tightened until it binds.

mod common;
mod lp_support;

#[path = "lp_support/assign.rs"]
mod assign;

use fleetplan::model::{ColId, RowId};
use fleetplan::solver::{Algorithm, LpSolver, SolveOptions, Status, solve};
use lp_support::check;

#[test]
fn assignment_family_solves_and_agrees_across_methods() {
    for (p, k) in [(8, 12), (30, 40), (60, 50)] {
        let model = assign::assign_model(p, k);
        let dual = solve(&model, &SolveOptions::default()).unwrap();
        assert_eq!(dual.status, Status::Optimal);
        check(&model, &dual);
        let primal = solve(
            &model,
            &SolveOptions::default().with_algorithm(Algorithm::PrimalSimplex),
        )
        .unwrap();
        check(&model, &primal);
        let (a, b) = (dual.objective.unwrap(), primal.objective.unwrap());
        assert!((a - b).abs() <= 1e-9 * a.abs(), "{p}x{k}: {a} vs {b}");
    }
}

#[test]
fn tightening_the_budget_until_it_binds() {
    let model = assign::assign_model(40, 60);
    let budget = RowId(u32::try_from(model.num_rows() - 2).unwrap());
    assert_eq!(model.row_names()[budget.index()], "BUDGET");
    let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
    let s = lp.solve().unwrap();
    check(lp.model(), &s);
    let spend = s.row_activity[budget.index()];
    // Binding budgets cost more; their dual (min, <= row) is <= 0.
    let mut last = s.objective.unwrap();
    for f in [0.999, 0.99, 0.98] {
        lp.set_row_bounds(budget, None, Some(spend * f)).unwrap();
        let s = lp.solve().unwrap();
        check(lp.model(), &s);
        if s.status != Status::Optimal {
            assert_eq!(s.status, Status::Infeasible);
            break;
        }
        let obj = s.objective.unwrap();
        assert!(obj >= last - 1e-9 * last.abs());
        assert!(s.row_dual[budget.index()] <= 1e-9);
        last = obj;
        let cold = solve(lp.model(), &SolveOptions::default()).unwrap();
        assert!((cold.objective.unwrap() - obj).abs() <= 1e-9 * obj.abs());
        assert!(s.iterations < cold.iterations);
    }
}

#[test]
fn cost_sweep_resolves_warm_and_matches_cold() {
    // A levy-like sweep: the costs of every column of pools 0..5 rise step
    // by step; each warm (primal simplex) re-solve matches a cold solve.
    let model = assign::assign_model(30, 40);
    let base: Vec<f64> = model.costs().to_vec();
    let names: Vec<String> = model.col_names().to_vec();
    let mut lp = LpSolver::new(model, SolveOptions::default()).unwrap();
    let first = lp.solve().unwrap();
    check(lp.model(), &first);
    let taxed: Vec<usize> = (0..names.len()).filter(|&j| j % 7 < 3).collect();
    let (mut warm_total, mut cold_total) = (0, 0);
    for step in 1..=6 {
        let levy = 1.0 + 0.05 * f64::from(step);
        for &j in &taxed {
            lp.set_cost(ColId(u32::try_from(j).unwrap()), base[j] * levy)
                .unwrap();
        }
        let warm = lp.solve().unwrap();
        check(lp.model(), &warm);
        let cold = solve(lp.model(), &SolveOptions::default()).unwrap();
        let (w, c) = (warm.objective.unwrap(), cold.objective.unwrap());
        assert!((w - c).abs() <= 1e-9 * c.abs(), "step {step}: {w} vs {c}");
        warm_total += warm.iterations;
        cold_total += cold.iterations;
    }
    eprintln!("cost sweep: warm {warm_total} vs cold {cold_total} iterations");
    assert!(
        warm_total < cold_total,
        "warm {warm_total} vs cold {cold_total}"
    );
}
