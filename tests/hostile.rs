//! Hostile input (issue 19): every finding of the mutation fuzzer and of
//! the cargo-fuzz targets (`fuzz/`, FUZZING.md) as a regression test.
//!
//! Each case is either refused by validation with a coded issue at the
//! field's path, or planned within its budget (2 s, + 1 s allowed) to a
//! plan whose status is honest (optimal and feasible plans verified).
//! Values just inside the documented ranges (`scenario` module docs) are
//! planned, so the ranges are not a way of hiding slow inputs.

use fleetplan::ErrorKind;
use fleetplan::plan::{PlanOptions, PlanStatus, plan};
use fleetplan::scenario::{IssueCode, Scenario};
use fleetplan::sweep::{MAX_POINTS, SweepOptions, SweepSpec, sweep};
use serde_json::{Value, json};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(2);
const SLACK: Duration = Duration::from_secs(1);

static TIMED: Mutex<()> = Mutex::new(());

/// Timed cases run one at a time (two cores, shared).
fn timed() -> MutexGuard<'static, ()> {
    TIMED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn quickstart() -> Value {
    let s = Scenario::from_toml_str(include_str!("../examples/scenarios/quickstart.toml"))
        .expect("the example parses");
    serde_json::to_value(&s).expect("to JSON")
}

fn scenario(v: &Value) -> Scenario {
    Scenario::from_json_str(&v.to_string()).expect("parses")
}

/// What became of a scenario.
#[derive(Debug)]
enum Outcome {
    /// Refused by validation: (code, path) of every issue.
    Invalid(Vec<(String, String)>),
    /// Planned with this status.
    Planned(PlanStatus),
}

/// Validates and plans `s` with the budget, fractional or whole devices;
/// asserts the budget held and that optimal and feasible plans verified.
fn run(what: &str, s: &Scenario, fractional: bool) -> Outcome {
    let vs = match s.validate() {
        Ok(vs) => vs,
        Err(r) => {
            return Outcome::Invalid(r.issues.iter().map(|i| (i.code.clone(), i.path.clone())).collect());
        }
    };
    let _g = timed();
    let t0 = Instant::now();
    let p = plan(
        &vs,
        &PlanOptions::default()
            .with_time_limit(BUDGET)
            .with_fractional(fractional),
    )
    .unwrap_or_else(|e| panic!("{what}: planning failed: {e}"));
    let el = t0.elapsed();
    eprintln!(
        "{what} (fractional {fractional}): {} in {:.3} s",
        p.status.as_str(),
        el.as_secs_f64()
    );
    assert!(
        el <= BUDGET + SLACK,
        "{what}: {:.3} s is past the budget",
        el.as_secs_f64()
    );
    if matches!(p.status, PlanStatus::Optimal | PlanStatus::Feasible) {
        assert!(p.verified, "{what}: unverified plan: {}", p.verification);
    }
    Outcome::Planned(p.status)
}

/// Asserts `o` is a refusal with `code` at `path`.
fn assert_refused(o: &Outcome, code: IssueCode, path: &str) {
    match o {
        Outcome::Invalid(issues) => assert!(
            issues.iter().any(|(c, p)| c == code.as_str() && p == path),
            "expected {code:?} at {path}, got {issues:?}"
        ),
        Outcome::Planned(s) => panic!("expected {code:?} at {path}, but it planned ({s:?})"),
    }
}

fn assert_planned(o: &Outcome) {
    assert!(matches!(o, Outcome::Planned(_)), "refused: {o:?}");
}

/// Both ways: fractional and whole devices.
fn both(what: &str, v: &Value) -> [Outcome; 2] {
    let s = scenario(v);
    [run(what, &s, true), run(what, &s, false)]
}

#[test]
fn time_limit_of_1e308_is_a_range_error() {
    let mut v = quickstart();
    v["settings"] = json!({ "time_limit_s": 1e308 });
    for o in both("time_limit_s = 1e308", &v) {
        assert_refused(&o, IssueCode::NumberRange, "settings.time_limit_s");
    }
}

/// The quickstart with `n` rentable pools of alternating accelerators
/// (distinct prices so that no two are interchangeable).
fn many_pools(n: usize) -> Value {
    let mut v = quickstart();
    let accs = ["H100", "H20", "A100", "MI300X", "Ascend 910C"];
    let pools: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "name": format!("p{i}"),
                "accelerator": accs[i % accs.len()],
                "site": "SG",
                "ownership": { "kind": "rentable", "usd_per_hour": 1.0 + (i as f64) * 1e-3, "max": 64 }
            })
        })
        .collect();
    v["pools"].as_array_mut().expect("pools").extend(pools);
    v
}

#[test]
fn a_thousand_pools_plan_within_the_budget() {
    for o in both("1,000 pools", &many_pools(1_000)) {
        assert_planned(&o);
    }
}

#[test]
fn ten_thousand_pools_plan_within_the_budget() {
    for o in both("10,000 pools", &many_pools(10_000)) {
        assert_planned(&o);
    }
}

/// The quickstart with a purchasable H20 pool of at most `max` devices
/// at `price` each.
fn purchasable(max: f64, price: f64) -> Value {
    let mut v = quickstart();
    v["pools"].as_array_mut().expect("pools").push(json!({
        "name": "buy",
        "accelerator": "H20",
        "ownership": { "kind": "purchasable", "unit_price_usd": price, "max": max }
    }));
    v
}

#[test]
fn purchase_limits_above_ten_million_devices_are_range_errors() {
    for max in [1e12, 1e13, 1e14, 1e15] {
        let o = run("max", &scenario(&purchasable(max, 12_000.0)), true);
        assert_refused(&o, IssueCode::NumberRange, "pools[2].ownership.max");
    }
    // The largest limit in range plans in its budget.
    for o in both("max = 1e7", &purchasable(1e7, 12_000.0)) {
        assert_planned(&o);
    }
}

#[test]
fn a_price_of_1e300_dollars_below_a_micro_dollar_is_a_range_error() {
    let o = run("price", &scenario(&purchasable(1e4, 1e-300)), true);
    assert_refused(
        &o,
        IssueCode::NumberRange,
        "pools[2].ownership.unit_price_usd",
    );
    for price in [0.0, 1e-6, 1e8] {
        for o in both(&format!("price {price}"), &purchasable(1e4, price)) {
            assert_planned(&o);
        }
    }
}

#[test]
fn free_rentals_over_a_horizon_of_1e15_days_are_a_range_error() {
    let mut v = quickstart();
    v["pools"][1]["ownership"]["usd_per_hour"] = json!(0.0);
    v["horizon_days"] = json!(1e15);
    let o = run("horizon 1e15", &scenario(&v), true);
    assert_refused(&o, IssueCode::NumberRange, "horizon_days");
    // Fifty years is in range and plans.
    v["horizon_days"] = json!(18_262.5);
    for o in both("horizon 50 years", &v) {
        assert_planned(&o);
    }
}

/// The quickstart with a made-up accelerator of this TDP and scale-up
/// bandwidth, rentable.
fn chip(tdp: f64, scale_up: f64) -> Value {
    let mut v = quickstart();
    v["accelerators"] = json!([{
        "name": "X1", "vendor": "Acme", "origin": "CN",
        "peak_bf16": { "value": 1e15 }, "peak_fp8": { "value": 2e15 },
        "hbm_capacity": { "value": 1e11 }, "hbm_bandwidth": { "value": 4e12 },
        "scale_up_bandwidth": { "value": scale_up },
        "tdp": { "value": tdp }
    }]);
    v["pools"].as_array_mut().expect("pools").push(json!({
        "name": "x1", "accelerator": "X1",
        "ownership": { "kind": "rentable", "usd_per_hour": 1.0, "max": 4096 }
    }));
    v
}

#[test]
fn a_tdp_of_1e308_watts_is_a_range_error() {
    let o = run("tdp 1e308", &scenario(&chip(1e308, 1e15)), true);
    assert_refused(&o, IssueCode::NumberRange, "accelerators[0].tdp.value");
    // The largest figures in range plan.
    for o in both("tdp 1e6, scale-up 1e15", &chip(1e6, 1e15)) {
        assert_planned(&o);
    }
}

#[test]
fn sweeps_of_too_many_or_no_points_are_typed_errors() {
    let s = scenario(&quickstart());
    for text in [
        "pools[1].ownership.usd_per_hour=0..1:10000000000",
        "pools[1].ownership.usd_per_hour=0..1:100001",
    ] {
        let e = text.parse::<SweepSpec>().expect_err("too many");
        assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
    }
    for values in [Vec::new(), vec![1.0; MAX_POINTS + 1]] {
        let spec = SweepSpec {
            path: "pools[1].ownership.usd_per_hour".into(),
            values,
        };
        let e = sweep(&s, &spec, &SweepOptions::default(), &|_, _| {})
            .expect_err("no values or too many");
        assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
    }
}
