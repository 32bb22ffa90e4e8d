//! The sifting path (`Structure::Sifting`) on random LPs: optimal by
//! construction (the objective is known from outside any solver) and of
//! every bound type (compared with the general engine and with microlp).
//! Every answer passes the certificate check; statuses and objectives agree.
//! The LPs are wide (up to several times more columns than rows), the shape
//! sifting is for, but any shape must be solved correctly when forced.

mod common;

use common::lpgen::{known_optimum, mixed};
use common::oracle::{OracleStatus, solve_with_microlp};
use common::{assert_certified, close};
use fleetplan::solver::{LpSolver, SolveOptions, Status, Structure, solve};
use proptest::prelude::*;

fn sifting() -> SolveOptions {
    SolveOptions::default().with_structure(Structure::Sifting)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn known_optima_are_reached_by_sifting(lp in known_optimum(8, 60)) {
        let s = solve(&lp.model, &sifting()).unwrap();
        prop_assert_eq!(s.status, Status::Optimal);
        assert_certified("known optimum (sifting)", &lp.model, &s);
        let obj = s.objective.unwrap();
        prop_assert!(close(obj, lp.objective, 1e-9), "{} vs {}", obj, lp.objective);
    }

    #[test]
    fn sifting_agrees_with_the_general_engine_and_microlp(model in mixed(8, 48, false)) {
        let general = solve(&model, &SolveOptions::default().with_structure(Structure::General)).unwrap();
        assert_certified("mixed (general)", &model, &general);
        let mut lp = LpSolver::new(model.clone(), sifting()).unwrap();
        let s = lp.solve().unwrap();
        assert_certified("mixed (sifting)", &model, &s);
        prop_assert!(lp.sifting_stats().is_some());
        prop_assert_eq!(s.status, general.status);
        if s.status == Status::Optimal {
            let (a, b) = (s.objective.unwrap(), general.objective.unwrap());
            prop_assert!(close(a, b, 1e-7), "sifting {} vs general {}", a, b);
        }
        let oracle = solve_with_microlp(&model);
        match &oracle.status {
            OracleStatus::Optimal => {
                prop_assert_eq!(s.status, Status::Optimal);
                let (a, b) = (s.objective.unwrap(), oracle.objective.unwrap());
                prop_assert!(close(a, b, 1e-6), "{} vs microlp {}", a, b);
            }
            OracleStatus::Infeasible => prop_assert_eq!(s.status, Status::Infeasible),
            OracleStatus::Unbounded => prop_assert_eq!(s.status, Status::Unbounded),
            // microlp gave no proof: ours is certified above.
            OracleStatus::Failed(_) => {}
        }
    }
}

/// One demand row needing `need` units from `cols` columns of at most one
/// unit each (cost `1 + j/100`), all through one capacity row of `cap`.
fn crowded(cols: u32, need: f64, cap: f64) -> fleetplan::model::Model {
    use fleetplan::model::{ModelBuilder, VarType};
    let mut b = ModelBuilder::new("crowded");
    let demand = b.add_row("demand", Some(need), None);
    let capacity = b.add_row("capacity", None, Some(cap));
    for j in 0..cols {
        let x = b.add_col(
            format!("x{j}"),
            1.0 + f64::from(j) / 100.0,
            Some(0.0),
            Some(1.0),
            VarType::Continuous,
        );
        b.set_coef(demand, x, 1.0).set_coef(capacity, x, 1.0);
    }
    b.build().unwrap()
}

/// Solves `model` by sifting, checks the certificate and the hand-solved
/// optimum, and returns sifting's figures.
fn sift_to(model: &fleetplan::model::Model, optimum: f64) -> fleetplan::solver::SiftingStats {
    let mut lp = LpSolver::new(model.clone(), sifting()).unwrap();
    let s = lp.solve().unwrap();
    assert_certified("crowded (sifting)", model, &s);
    assert_eq!(s.status, Status::Optimal);
    assert!(
        close(s.objective.unwrap(), optimum, 1e-12),
        "{:?}",
        s.objective
    );
    lp.sifting_stats().unwrap()
}

/// The plain crash's first master (its 16 candidates, the best 4 and the
/// 8 the capacity row spreads to) holds fewer than 50 columns of one unit
/// each, so it cannot meet a demand of 50: the first master is rebuilt
/// from the full crash, whose passes (16 candidates each) reach 50 units.
/// Hand-solved: the 50 cheapest columns at 1, cost 50 + (0 + 1 + … +
/// 49)/100 = 62.25.
#[test]
fn an_infeasible_first_master_is_rebuilt_from_the_full_crash() {
    let stats = sift_to(&crowded(100, 50.0, 100.0), 62.25);
    assert!(stats.full_crash && stats.repairs == 0, "{stats:?}");
    assert!(!stats.fell_back, "{stats:?}");
}

/// A demand of 200 is beyond the full crash too (16 columns per pass, 9
/// passes: 144 units), so its first master is infeasible as well: Farkas
/// pricing and the primal simplex's phase 1 from the master's basis must
/// repair it. Hand-solved: the 200 cheapest columns at 1, cost 200 + (0 +
/// 1 + … + 199)/100 = 399.
#[test]
fn an_infeasible_first_master_is_repaired() {
    let stats = sift_to(&crowded(300, 200.0, 400.0), 399.0);
    assert!(stats.initial_columns < 200, "{stats:?}");
    assert!(stats.full_crash && stats.repairs >= 1, "{stats:?}");
    assert!(stats.rounds >= 2 && !stats.fell_back, "{stats:?}");
    // Infeasible when the capacity cannot carry the demand: a certified
    // Farkas proof on the whole LP.
    let model = crowded(100, 50.0, 40.0);
    let s = solve(&model, &sifting()).unwrap();
    assert_eq!(s.status, Status::Infeasible);
    assert_certified("crowded, over capacity (sifting)", &model, &s);
}
