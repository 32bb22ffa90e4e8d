//! MIPLIB 3 instances of `$FLEETPLAN_LP_SUITE/miplib`: the 19 that HiGHS
//! proves optimal reach the reference objective (relative 1e-6; the HiGHS
//! value where `REFERENCE.csv` says the published one is rounded), with
//! status optimal, a closed gap and a solution that passes the independent
//! certificate check. The two hard instances (`markshare1`, `pk1`) run
//! under a short time limit and must report an honest bound.
//!
//! Each instance is its own test, so `cargo test` spreads them over the
//! cores. Skipped, with a message, when `FLEETPLAN_LP_SUITE` is unset.

mod common;

use common::{assert_certified, close, lp_suite_dir, read_reference};
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{SolveOptions, Status, solve};
use std::time::{Duration, Instant};

/// Safety limit per instance: far above the seconds each one needs, so a
/// regression fails instead of hanging CI.
const LIMIT: Duration = Duration::from_secs(300);

fn proves(name: &str) {
    let Some(suite) = lp_suite_dir() else { return };
    let refs = read_reference(&suite);
    let r = refs
        .iter()
        .find(|r| r.instance == name && r.folder == "miplib")
        .unwrap_or_else(|| panic!("{name} is not in REFERENCE.csv"));
    assert!(!r.is_hard(), "{name} is a stretch case");
    let target = r
        .target_objective()
        .unwrap_or_else(|| panic!("{name}: no numeric reference"));
    let model = read_mps_file(&r.path(&suite), MpsFormat::Auto).expect("reads");
    assert!(model.is_mip());
    let t = Instant::now();
    let s = solve(
        &model,
        &SolveOptions::default().with_time_limit(Some(LIMIT)),
    )
    .expect("solves");
    let secs = t.elapsed().as_secs_f64();
    let info = s.mip.expect("MIP info");
    eprintln!(
        "{name}: {} objective {:?} (reference {target}) bound {} nodes {} iterations {} in {secs:.2} s",
        s.status, s.objective, info.bound, info.nodes, s.iterations
    );
    assert_eq!(s.status, Status::Optimal, "{name}");
    let obj = s.objective.expect("objective");
    assert!(
        close(obj, target, 1e-6),
        "{name}: {obj} vs reference {target}"
    );
    assert!(
        info.gap.is_some_and(|g| g <= 1e-6),
        "{name}: gap {:?}",
        info.gap
    );
    assert_certified(name, &model, &s);
}

macro_rules! instances {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                proves(stringify!($name));
            }
        )*
    };
}

instances!(
    bell3a, bell5, dcmulti, egout, enigma, flugpl, gt2, lseu, misc03, mod008, p0033, p0201, p0282,
    p0548, pp08a, rgn, stein27, vpm1, vpm2,
);

/// The stretch cases under a time limit: a feasible point (if found) with a
/// bound on the right side and an honest gap, else the time-limit status.
#[test]
fn hard_instances_stop_at_the_time_limit_with_an_honest_bound() {
    let Some(suite) = lp_suite_dir() else { return };
    for r in read_reference(&suite).iter().filter(|r| r.is_hard()) {
        let model = read_mps_file(&r.path(&suite), MpsFormat::Auto).expect("reads");
        let opts = SolveOptions::default().with_time_limit(Some(Duration::from_secs(3)));
        let s = solve(&model, &opts).expect("solves");
        let info = s.mip.expect("MIP info");
        let reference = r.reference_objective.expect("numeric reference");
        eprintln!(
            "{}: {} objective {:?} bound {} (optimum {reference})",
            r.instance, s.status, s.objective, info.bound
        );
        // Minimisations: the bound can never exceed the optimum.
        assert!(
            info.bound <= reference + 1e-6,
            "{}: bound {}",
            r.instance,
            info.bound
        );
        match s.status {
            Status::Feasible | Status::Optimal => {
                assert_certified(&r.instance, &model, &s);
                assert!(s.objective.is_some_and(|o| o >= reference - 1e-6));
            }
            other => assert_eq!(other, Status::TimeLimit, "{}", r.instance),
        }
    }
}
