//! The shared LP suite (`FLEETPLAN_LP_SUITE`): all 38 Netlib instances reach
//! the reference objective (1e-6 relative; HiGHS's value where the published
//! one is rounded, per `REFERENCE.csv`'s notes), and the 10 status instances
//! get their status (infeasible with a Farkas certificate, `gas11`
//! unbounded with a ray). Every solution passes the certificate check.

mod common;

use common::{assert_certified, close, lp_suite_dir, read_reference};
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{Algorithm, Certificate, SolveOptions, Status, solve};

fn run(folder: &str, options: &SolveOptions) -> usize {
    let Some(suite) = lp_suite_dir() else {
        return 0;
    };
    let refs: Vec<_> = read_reference(&suite)
        .into_iter()
        .filter(|r| r.folder == folder && r.kind == "LP")
        .collect();
    let mut failures = Vec::new();
    for r in &refs {
        let model = read_mps_file(&r.path(&suite), MpsFormat::Auto)
            .unwrap_or_else(|e| panic!("{}: {e}", r.instance));
        let s = match solve(&model, options) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{}: error {e}", r.instance));
                continue;
            }
        };
        assert_certified(&r.instance, &model, &s);
        if let Some(target) = r.target_objective() {
            let ok =
                s.status == Status::Optimal && s.objective.is_some_and(|o| close(o, target, 1e-6));
            eprintln!(
                "{:10} {:>6} iterations {:9.4} s  objective {:?} (reference {target})",
                r.instance,
                s.iterations,
                s.solve_time.as_secs_f64(),
                s.objective
            );
            if !ok {
                failures.push(format!("{}: {} {:?}", r.instance, s.status, s.objective));
            }
        } else {
            let want = r.expected_status.as_deref().unwrap_or("");
            eprintln!(
                "{:10} {:>6} iterations  {}",
                r.instance, s.iterations, s.status
            );
            let ok = s.status.as_str() == want
                && match s.status {
                    Status::Infeasible => matches!(s.certificate, Some(Certificate::Farkas(_))),
                    Status::Unbounded => matches!(s.certificate, Some(Certificate::Ray(_))),
                    _ => false,
                };
            if !ok {
                failures.push(format!("{}: {} (expected {want})", r.instance, s.status));
            }
        }
    }
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    refs.len()
}

#[test]
fn netlib_reaches_the_reference_objectives() {
    let n = run("netlib", &SolveOptions::default());
    assert!(n == 0 || n == 38, "expected 38 Netlib LPs, found {n}");
}

#[test]
fn status_instances_get_their_status() {
    let n = run("status", &SolveOptions::default());
    assert!(n == 0 || n == 10, "expected 10 status LPs, found {n}");
}

#[test]
fn netlib_and_status_with_the_primal_simplex() {
    let primal = SolveOptions::default().with_algorithm(Algorithm::PrimalSimplex);
    run("netlib", &primal);
    run("status", &primal);
}
