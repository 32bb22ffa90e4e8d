//! The planner's LP family (see `lp_support/assign.rs`): feasible by
//! construction, solved by both methods, checked, and re-solved warm after
//! the budget is tightened until it binds.

mod common;
mod lp_support;

#[path = "lp_support/assign.rs"]
mod assign;

use fleetplan::model::RowId;
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
