//! The planner's LP family (see `lp_support/assign.rs`): feasible by
//! construction, solved by both methods, checked, and re-solved warm after
//! the budget is tightened until it binds. The sifting path
//! (`Structure::Sifting`) is compared with the general engine on the same
//! family: statuses agree, objectives agree to 1e-7 relative, both pass the
//! certificate check (optimal, infeasible and unbounded variants).

mod common;
mod lp_support;

#[path = "lp_support/assign.rs"]
mod assign;

use fleetplan::model::Model;
use fleetplan::model::{ColId, RowId};
use fleetplan::solver::{Algorithm, LpSolver, SolveOptions, Status, Structure, solve};
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
    assert_eq!(&model.row_names()[budget.index()], "BUDGET");
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

fn with(structure: Structure) -> SolveOptions {
    SolveOptions::default().with_structure(structure)
}

/// Solves `model` by sifting (through `LpSolver`, so that the path taken
/// is visible) and by the general engine; both are certified, statuses
/// agree and objectives agree to 1e-7 relative. Returns the sifting
/// solver's status.
fn sifting_agrees(model: &Model) -> Status {
    let general = solve(model, &with(Structure::General)).unwrap();
    check(model, &general);
    let mut lp = LpSolver::new(model.clone(), with(Structure::Sifting)).unwrap();
    let sifted = lp.solve().unwrap();
    check(model, &sifted);
    let stats = lp.sifting_stats().expect("the sifting path was taken");
    assert!(stats.rounds >= 1);
    assert_eq!(sifted.status, general.status, "{}", model.name());
    if sifted.status == Status::Optimal {
        let (a, b) = (sifted.objective.unwrap(), general.objective.unwrap());
        assert!(
            (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0),
            "{}: sifting {a} vs general {b}",
            model.name()
        );
        assert_eq!(sifted.x.len(), model.num_cols());
        assert_eq!(sifted.row_dual.len(), model.num_rows());
        assert_eq!(sifted.reduced_cost.len(), model.num_cols());
    }
    sifted.status
}

#[test]
fn sifting_matches_the_general_engine_on_the_family() {
    for (p, k) in [(8, 12), (30, 40), (60, 100), (100, 100), (40, 300)] {
        let model = assign::assign_model(p, k);
        assert_eq!(sifting_agrees(&model), Status::Optimal);
    }
    // at 100 x 100 the master outgrows two columns per row and is trimmed
    // on the way (the answers above include that path)
    let mut lp = LpSolver::new(assign::assign_model(100, 100), with(Structure::Sifting)).unwrap();
    let s = lp.solve().unwrap();
    check(lp.model(), &s);
    let stats = lp.sifting_stats().unwrap();
    assert!(stats.dropped > 0, "{stats:?}");
    assert!(stats.master_columns < stats.initial_columns + stats.dropped);
}

#[test]
fn auto_picks_sifting_only_for_wide_models() {
    let wide = assign::assign_model(100, 100);
    assert!(wide.num_cols() >= Structure::AUTO_MIN_COLS);
    assert!(Structure::Auto.uses_sifting(wide.num_rows(), wide.num_cols()));
    let mut lp = LpSolver::new(wide.clone(), SolveOptions::default()).unwrap();
    let s = lp.solve().unwrap();
    check(&wide, &s);
    assert!(lp.sifting_stats().is_some());
    let cold = solve(&wide, &with(Structure::General)).unwrap();
    let (a, b) = (s.objective.unwrap(), cold.objective.unwrap());
    assert!((a - b).abs() <= 1e-7 * b.abs());

    let narrow = assign::assign_model(30, 40);
    assert!(!Structure::Auto.uses_sifting(narrow.num_rows(), narrow.num_cols()));
    let mut lp = LpSolver::new(narrow.clone(), SolveOptions::default()).unwrap();
    check(&narrow, &lp.solve().unwrap());
    assert!(lp.sifting_stats().is_none());
    // Forcing either way overrides the shape.
    assert!(Structure::Sifting.uses_sifting(narrow.num_rows(), narrow.num_cols()));
    assert!(!Structure::General.uses_sifting(wide.num_rows(), wide.num_cols()));
}

#[test]
fn sifting_proves_an_over_tight_budget_infeasible() {
    for (p, k) in [(30, 40), (100, 100)] {
        let mut model = assign::assign_model(p, k);
        let budget = RowId(u32::try_from(model.num_rows() - 2).unwrap());
        assert_eq!(&model.row_names()[budget.index()], "BUDGET");
        // Every demand is at least 1 and every price positive: spending 0
        // cannot meet it.
        model.set_row_bounds(budget, None, Some(0.0)).unwrap();
        assert_eq!(sifting_agrees(&model), Status::Infeasible);
        // Capacities too small for the demands (budget as generated).
        let mut model = assign::assign_model(p, k);
        for q in 0..k {
            let cap = RowId(u32::try_from(q).unwrap());
            assert!(&model.row_names()[q].starts_with("CAP"));
            model.set_row_bounds(cap, None, Some(1e-3)).unwrap();
        }
        assert_eq!(sifting_agrees(&model), Status::Infeasible);
    }
}

#[test]
fn sifting_finds_an_unbounded_ray() {
    for (p, k) in [(30, 40), (100, 100)] {
        let mut model = assign::assign_model(p, k);
        let m = model.num_rows();
        // Lift the budget and every capacity; a column of a domestic pool
        // (positive domestic-share coefficient) with a negative cost then
        // grows without limit.
        model
            .set_row_bounds(RowId(u32::try_from(m - 2).unwrap()), None, None)
            .unwrap();
        for q in 0..k {
            model
                .set_row_bounds(RowId(u32::try_from(q).unwrap()), None, None)
                .unwrap();
        }
        let dsh = m - 1;
        let a = model.matrix();
        let j = (0..model.num_cols())
            .find(|&j| {
                let (idx, val) = a.col(j);
                idx.iter()
                    .zip(val)
                    .any(|(&i, &v)| i as usize == dsh && v > 0.0)
            })
            .expect("a domestic column");
        let col = ColId(u32::try_from(j).unwrap());
        model.set_cost(col, -1.0).unwrap();
        assert_eq!(sifting_agrees(&model), Status::Unbounded);
    }
}

#[test]
fn sifting_resolves_warm_after_changes() {
    // Costs, column bounds and row bounds change between solves of one
    // sifting solver; each answer matches a cold general solve.
    let model = assign::assign_model(100, 100);
    let n = model.num_cols();
    let base: Vec<f64> = model.costs().to_vec();
    let mut lp = LpSolver::new(model, with(Structure::Sifting)).unwrap();
    let first = lp.solve().unwrap();
    check(lp.model(), &first);
    let used: Vec<usize> = (0..n).filter(|&j| first.x[j] > 1e-6).collect();
    let budget = RowId(u32::try_from(lp.model().num_rows() - 2).unwrap());
    let spend = first.row_activity[budget.index()];
    for step in 1..=5u32 {
        match step {
            // A levy on every column in use.
            1 | 2 => {
                for &j in &used {
                    let col = ColId(u32::try_from(j).unwrap());
                    lp.set_cost(col, base[j] * (1.0 + 0.1 * f64::from(step)))
                        .unwrap();
                }
            }
            // A column in use capped at half its value.
            3 => {
                let j = used[0];
                let col = ColId(u32::try_from(j).unwrap());
                lp.set_col_bounds(col, Some(0.0), Some(first.x[j] * 0.5))
                    .unwrap();
            }
            // The budget tightened.
            _ => lp
                .set_row_bounds(budget, None, Some(spend * (1.0 - 0.003 * f64::from(step))))
                .unwrap(),
        }
        let warm = lp.solve().unwrap();
        check(lp.model(), &warm);
        let cold = solve(lp.model(), &with(Structure::General)).unwrap();
        check(lp.model(), &cold);
        assert_eq!(warm.status, cold.status, "step {step}");
        if cold.status == Status::Optimal {
            let (w, c) = (warm.objective.unwrap(), cold.objective.unwrap());
            assert!((w - c).abs() <= 1e-7 * c.abs(), "step {step}: {w} vs {c}");
        }
    }
}
