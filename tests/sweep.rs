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

/// A typed sweep by id (one `Planner` session) gives, point for point, the
/// plan cold planning gives the path form's scenario at that value, and
/// its table matches the path form's table on every figure.
#[test]
fn typed_sweeps_by_id_agree_with_the_path_form_and_cold_plans() {
    use fleetplan::prelude::RuleStatus;
    use fleetplan::sweep::{Param, Sweep, sweep_each, sweep_plans, sweep_table};
    let s = hybrid();
    let vs = s.validate().expect("valid");
    let rule = vs
        .rules()
        .iter()
        .find(|r| r.effect.status() == RuleStatus::Licensed)
        .expect("the H20 licence")
        .id;
    let levies = [0.0, 0.05, 0.15, 0.4, 0.9];
    let opts = PlanOptions::default().with_fractional(true);
    let spec = Sweep::levy(rule, levies);
    assert_eq!(spec.param(), Param::Levy(rule));
    assert_eq!(spec.param().path(&vs), "policy.rules[3].levy");
    let plans = sweep_plans(&vs, &spec, &opts).expect("sweeps");
    assert_eq!(plans.len(), levies.len());
    for (p, &l) in plans.iter().zip(&levies) {
        assert!(p.verified, "{}", p.verification);
        let cold = plan(
            &with_value(&s, "policy.rules[3].levy", l)
                .expect("set")
                .validate()
                .expect("valid"),
            &opts,
        )
        .expect("plans");
        let (a, b) = (p.cost.total_usd.get(), cold.cost.total_usd.get());
        assert!(
            (a - b).abs() <= 1e-7 * b.abs().max(1.0),
            "levy {l}: {a} vs {b}"
        );
        assert_eq!(p.status, cold.status);
    }
    // the callback sees the same plans, in order
    let mut seen = Vec::new();
    sweep_each(&vs, &spec, &opts, |v, r| {
        seen.push((v, r.expect("plans").cost.total_usd.get()));
    })
    .expect("sweeps");
    assert_eq!(seen.len(), levies.len());
    for ((v, c), (p, &l)) in seen.iter().zip(plans.iter().zip(&levies)) {
        assert_eq!(*v, l);
        assert!((c - p.cost.total_usd.get()).abs() <= 1e-9 * c.abs().max(1.0));
    }
    // the summary table matches the path form's
    let typed = sweep_table(&vs, &spec, &opts).expect("sweeps");
    let path: SweepSpec = "policy.rules[3].levy=0,0.05,0.15,0.4,0.9"
        .parse()
        .expect("spec");
    let by_path = sweep(
        &s,
        &path,
        &SweepOptions::default().with_fractional(true),
        &|_, _| {},
    )
    .expect("sweeps");
    assert_eq!(typed.path, by_path.path);
    for (a, b) in typed.points.iter().zip(&by_path.points) {
        assert_eq!(a.value, b.value);
        assert_eq!(a.status, b.status);
        let (x, y) = (a.total_usd.expect("cost"), b.total_usd.expect("cost"));
        assert!((x - y).abs() <= 1e-7 * y.abs().max(1.0));
        assert_eq!(
            a.purchases.iter().map(|p| &p.0).collect::<Vec<_>>(),
            b.purchases.iter().map(|p| &p.0).collect::<Vec<_>>()
        );
    }
}

/// A value the scenario cannot take is a row with status `invalid` in the
/// table and an error from `sweep_plans`; the points after it still plan.
#[test]
fn typed_sweep_invalid_values_are_rows() {
    use fleetplan::sweep::{Sweep, sweep_plans, sweep_table};
    let vs = hybrid().validate().expect("valid");
    let h100 = vs.pool_by_name("h100-owned").expect("pool");
    let opts = PlanOptions::default().with_fractional(true);
    let spec = Sweep::pool_count(h100, [5_000.0, 2.5, 20_000.0]);
    let t = sweep_table(&vs, &spec, &opts).expect("sweeps");
    assert_eq!(t.path, "pools[h100-owned].count");
    let st: Vec<&str> = t.points.iter().map(|p| p.status.as_str()).collect();
    assert_eq!(st, ["optimal", "invalid", "optimal"]);
    assert!(
        t.points[1]
            .issues
            .iter()
            .any(|i| i.contains("E-COUNT-NOT-INTEGER")),
        "{:?}",
        t.points[1].issues
    );
    let e = sweep_plans(&vs, &spec, &opts).expect_err("2.5 devices");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    // a typed sweep with no values is refused like a path sweep
    let e = sweep_plans(&vs, &Sweep::pool_count(h100, Vec::new()), &opts).expect_err("empty");
    assert_eq!(e.kind(), ErrorKind::Parse);
    // the table's text is the library's, as the CLI prints it
    assert!(
        t.to_table()
            .starts_with(&format!("{:>14} {:<11}", "count", "status"))
    );
}
