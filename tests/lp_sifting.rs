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
