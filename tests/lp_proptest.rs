//! Random LPs: optimal by construction (the objective is known), and of
//! every bound type (compared with microlp, an independent solver). Every
//! answer passes the certificate check; statuses and objectives agree.

mod common;

use common::lpgen::{known_optimum, mixed};
use common::oracle::{OracleStatus, solve_with_microlp};
use common::{assert_certified, close};
use fleetplan::solver::{Algorithm, SolveOptions, Status, solve};
use proptest::prelude::*;

fn options() -> [SolveOptions; 2] {
    [
        SolveOptions::default(),
        SolveOptions::default().with_algorithm(Algorithm::PrimalSimplex),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn known_optima_are_reached(lp in known_optimum(16, 20)) {
        for opts in options() {
            let s = solve(&lp.model, &opts).unwrap();
            prop_assert_eq!(s.status, Status::Optimal);
            assert_certified("known optimum", &lp.model, &s);
            let obj = s.objective.unwrap();
            prop_assert!(close(obj, lp.objective, 1e-9), "{} vs {}", obj, lp.objective);
        }
    }

    #[test]
    fn agrees_with_microlp(model in mixed(14, 16, false)) {
        let oracle = solve_with_microlp(&model);
        for opts in options() {
            let s = solve(&model, &opts).unwrap();
            assert_certified("mixed", &model, &s);
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
}
