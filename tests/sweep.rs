//! Sweeps: warm-started points agree with cold plans of the same scenario,
//! invalid points are rows (not errors), bad paths are errors, and the table
//! is deterministic.

use fleetplan::ErrorKind;
use fleetplan::plan::{PlanOptions, plan};
use fleetplan::scenario::Scenario;
use fleetplan::sweep::{SweepOptions, SweepSpec, sweep, with_value};

fn hybrid() -> Scenario {
    Scenario::from_toml_str(include_str!("../examples/scenarios/hybrid_fleet.toml"))
        .expect("parses")
}

#[test]
fn warm_points_agree_with_cold_plans() {
    let s = hybrid();
    let spec: SweepSpec = "pools[ascend-910c-buy].ownership.unit_price_usd=5000..60000:12"
        .parse()
        .expect("spec");
    let opts = SweepOptions::default().with_fractional(true);
    let t = sweep(&s, &spec, &opts, &|_, _| {}).expect("sweeps");
    assert_eq!(t.points.len(), 12);
    let mut warm_iters = 0;
    for (i, p) in t.points.iter().enumerate() {
        let cold = plan(
            &with_value(&s, &spec.path, spec.values[i])
                .expect("set")
                .validate()
                .expect("valid"),
            &PlanOptions::default().with_fractional(true),
        )
        .expect("plans");
        let (a, b) = (p.total_usd.expect("optimal"), cold.cost.total_usd.get());
        assert!(
            (a - b).abs() <= 1e-7 * b.abs().max(1.0),
            "point {i}: {a} vs {b}"
        );
        assert!(p.verified);
        if i > 0 {
            warm_iters += p.iterations;
        }
    }
    // cost-only changes keep the previous basis optimal or nearly so
    assert!(warm_iters <= 11 * 3, "warm iterations {warm_iters}");
    let again = sweep(&s, &spec, &opts, &|_, _| {}).expect("sweeps");
    assert_eq!(
        serde_json::to_string(&t).ok(),
        serde_json::to_string(&again).ok()
    );
}

#[test]
fn invalid_points_are_rows_and_bad_paths_are_errors() {
    let s = hybrid();
    // a levy above 1 is invalid: that row says so, the others plan
    let spec: SweepSpec = "policy.rules[3].levy=0.5,1.5".parse().expect("spec");
    let t = sweep(
        &s,
        &spec,
        &SweepOptions::default().with_fractional(true),
        &|_, _| {},
    )
    .expect("sweeps");
    assert_eq!(t.points[0].status, "optimal");
    assert_eq!(t.points[1].status, "invalid");
    assert!(
        t.points[1]
            .issues
            .iter()
            .any(|i| i.contains("policy.rules[3].levy")),
        "{:?}",
        t.points[1].issues
    );
    let bad: SweepSpec = "pools[nope].count=1,2".parse().expect("spec");
    let e = sweep(&s, &bad, &SweepOptions::default(), &|_, _| {}).expect_err("no such pool");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("no element named 'nope'"), "{e}");
}

#[test]
fn progress_reaches_the_total() {
    let s = hybrid();
    let spec: SweepSpec = "budget.capex_usd=1e9..2e9:20".parse().expect("spec");
    let seen = std::sync::Mutex::new(Vec::new());
    sweep(
        &s,
        &spec,
        &SweepOptions::default().with_fractional(true),
        &|d, n| {
            seen.lock().expect("lock").push((d, n));
        },
    )
    .expect("sweeps");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.last(), Some(&(20, 20)));
}

/// With the `rayon` feature the chunks are solved in parallel; the table
/// must be the same, byte for byte, as the serial one (without the feature
/// `parallel` is ignored and this checks that too). CI runs this file with
/// `--all-features`.
#[test]
fn parallel_sweep_gives_the_serial_bytes() {
    let s = hybrid();
    // more points than one chunk, so that several chunks run at once
    let spec: SweepSpec = "pools[ascend-910c-buy].ownership.unit_price_usd=5000..60000:40"
        .parse()
        .expect("spec");
    let serial = sweep(
        &s,
        &spec,
        &SweepOptions::default().with_fractional(true),
        &|_, _| {},
    )
    .expect("sweeps");
    let parallel = sweep(
        &s,
        &spec,
        &SweepOptions::default()
            .with_fractional(true)
            .with_parallel(true),
        &|_, _| {},
    )
    .expect("sweeps");
    assert_eq!(parallel.points.len(), 40);
    assert!(parallel.points.iter().all(|p| p.status == "optimal"));
    assert_eq!(
        serde_json::to_string(&serial).expect("json"),
        serde_json::to_string(&parallel).expect("json")
    );
}
