//! Training runs that fail (`phases[].failures`, and `failure` risks): a
//! failed run's work is lost, its devices are paid for until the failure,
//! and the phase may be redone from the failure on.
//!
//! The answers come from other paths of the planner, not from the code
//! under test: a failure of every run in progress on day `d` is the same
//! problem as a phase that may only start on day `d` (`start_day`); a
//! failure of one vendor's runs on day `d`, for rented pools and one phase,
//! is the same problem as that vendor's pool being available only from day
//! `d` (`available_from`). Both are planned and verified on each side; the
//! verifier is shown rejecting a plan that counts a failed run's work, and
//! the risk form is checked against its deterministic ends (probability 0
//! and 1) and for a non-negative value of the stochastic solution.

use approx::assert_relative_eq;
use fleetplan::plan::{Plan, PlanOptions, PlanStatus, plan, verify};
use fleetplan::risk::{plan_risk, verify_risk};
use fleetplan::scenario::{IssueCode, Scenario, ValidatedScenario};

/// Two rented pools, Ascend cheap and H800 dear, and one pre-training
/// phase of 60 days; `ascend_extra` and `phase_extra` are appended to the
/// Ascend pool and to the phase, `tail` to the file.
fn text(ascend_extra: &str, phase_extra: &str, tail: &str) -> String {
    format!(
        r#"
name = "failure"
start = "2025-08-15"
horizon_days = 60
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "ascend"
accelerator = "Ascend 910C"
ownership = {{ kind = "rentable", usd_per_hour = 0.5 }}
{ascend_extra}

[[pools]]
name = "h800"
accelerator = "H800"
ownership = {{ kind = "rentable", usd_per_hour = 2.0 }}

[[phases]]
name = "pretrain"
kind = "pretraining"
model = {{ total_params = 7e9 }}
precision = "bf16"
tokens = 1e11
deadline_days = 60
{phase_extra}

{tail}
"#
    )
}

fn validated(t: &str) -> ValidatedScenario {
    Scenario::from_toml_str(t)
        .unwrap_or_else(|e| panic!("parse: {e}\n{t}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{t}"))
}

fn planned(vs: &ValidatedScenario, opts: &PlanOptions) -> Plan {
    let p = plan(vs, opts).expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal, "{}", p.to_table());
    assert!(p.verified, "{}", p.verification);
    p
}

fn cost(p: &Plan) -> f64 {
    p.objective.expect("an objective")
}

fn both() -> [PlanOptions; 2] {
    [
        PlanOptions::default().with_fractional(true),
        PlanOptions::default(),
    ]
}

/// Devices the plan runs on `pool` across hour `h`.
fn running_across(p: &Plan, pool: &str, h: f64) -> f64 {
    p.schedule
        .iter()
        .filter(|s| s.pool == pool && s.from_hours.get() < h - 1e-6 && s.to_hours.get() > h + 1e-6)
        .map(|s| s.devices)
        .sum()
}

const DAY20: f64 = 20.0 * 24.0;

/// The H800's runs failing on day 20: it runs nothing, so this changes
/// nothing but the planner's windows (every pool may start a run on day
/// 20, as with any failure). Runs are linearised over windows that start
/// at the phase's start, arrivals and failures and end at the deadline
/// (`plan::compile::work`), so more starts can only lower a plan's cost:
/// a failure is compared with this base, which has the same starts.
const H800_FAILS: &str = "[[phases.failures]]\non = \"2025-09-04\"\npools = [\"h800\"]";

#[test]
fn without_a_failure_the_cheap_pool_trains_across_day_20() {
    let p = planned(&validated(&text("", "", "")), &PlanOptions::default());
    assert!(
        running_across(&p, "ascend", DAY20) > 0.0,
        "{}",
        p.to_table()
    );
}

#[test]
fn every_run_failing_on_day_20_is_starting_on_day_20() {
    let failed = validated(&text(
        "",
        "[[phases.failures]]\non = \"2025-09-04\"\npools = [\"ascend\", \"h800\"]",
        "",
    ));
    let late = validated(&text("", "start_day = 20", ""));
    for opts in both() {
        let (a, b) = (planned(&failed, &opts), planned(&late, &opts));
        assert_relative_eq!(cost(&a), cost(&b), max_relative = 1e-7);
        assert!(cost(&a) > 0.0);
        // nothing is run across the failure: it would be paid and lost
        assert_eq!(running_across(&a, "ascend", DAY20), 0.0, "{}", a.to_table());
        assert_eq!(running_across(&a, "h800", DAY20), 0.0, "{}", a.to_table());
    }
}

#[test]
fn a_vendor_failure_on_day_20_is_that_vendor_arriving_on_day_20() {
    let failed = validated(&text(
        "",
        "[[phases.failures]]\non = \"2025-09-04\"\nvendors = [\"huawei\"]",
        "",
    ));
    let late = validated(&text("available_from = \"2025-09-04\"", "", ""));
    let base = validated(&text("", H800_FAILS, ""));
    for opts in both() {
        let (a, b) = (planned(&failed, &opts), planned(&late, &opts));
        assert_relative_eq!(cost(&a), cost(&b), max_relative = 1e-7);
        assert!(cost(&a) >= cost(&planned(&base, &opts)) - 1e-6);
        assert_eq!(running_across(&a, "ascend", DAY20), 0.0, "{}", a.to_table());
    }
}

#[test]
fn a_failure_after_the_deadline_changes_nothing() {
    // the failure is inside the horizon, after every run has ended
    let t = text("", "deadline_days = 30", "");
    let t = t.replacen("deadline_days = 60\n", "", 1);
    let base = validated(&t);
    let failed = validated(&t.replace(
        "deadline_days = 30",
        "deadline_days = 30\n[[phases.failures]]\non = \"2025-10-01\"\nvendors = [\"Huawei\"]",
    ));
    for opts in both() {
        assert_relative_eq!(
            cost(&planned(&failed, &opts)),
            cost(&planned(&base, &opts)),
            max_relative = 1e-9
        );
    }
}

#[test]
fn the_verifier_refuses_the_work_of_a_failed_run() {
    let base = validated(&text("", "", ""));
    let failed = validated(&text(
        "",
        "[[phases.failures]]\non = \"2025-09-04\"\nvendors = [\"Huawei\"]",
        "",
    ));
    for opts in both() {
        let p = planned(&base, &opts);
        assert!(running_across(&p, "ascend", DAY20) > 0.0);
        let r = verify(&failed, &p);
        let bad: Vec<&str> = r.failures().map(|c| c.name.as_str()).collect();
        assert!(bad.contains(&"demand[pretrain]"), "{r}");
    }
}

#[test]
fn a_single_pool_phase_may_redo_a_failed_run_on_another_pool() {
    let failed = validated(&text(
        "",
        "single_pool = true\n[[phases.failures]]\non = \"2025-09-04\"\nvendors = [\"Huawei\"]",
        "",
    ));
    let late = validated(&text(
        "available_from = \"2025-09-04\"",
        "single_pool = true",
        "",
    ));
    let (a, b) = (
        planned(&failed, &PlanOptions::default()),
        planned(&late, &PlanOptions::default()),
    );
    assert_relative_eq!(cost(&a), cost(&b), max_relative = 1e-7);
}

fn risk(p: f64) -> String {
    format!(
        "[[risks]]\nname = \"ascend-fails\"\nprobability = {p}\non = \"2025-09-04\"\nfailure = {{ phase = \"pretrain\", vendors = [\"Huawei\"] }}\n"
    )
}

#[test]
fn failure_risk_hedges_between_its_deterministic_ends() {
    let base = validated(&text("", H800_FAILS, ""));
    let failed = validated(&text(
        "",
        &format!("{H800_FAILS}\n[[phases.failures]]\non = \"2025-09-04\"\nvendors = [\"Huawei\"]"),
        "",
    ));
    let opts = PlanOptions::default().with_fractional(true);
    let c_base = cost(&planned(&base, &opts));
    let c_failed = cost(&planned(&failed, &opts));
    assert!(c_failed > c_base * (1.0 + 1e-6), "{c_failed} vs {c_base}");
    let mut last = c_base;
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let vs = validated(&text("", H800_FAILS, &risk(p)));
        let rp = plan_risk(&vs, &opts).expect("plans under risk");
        assert_eq!(rp.summary.status, PlanStatus::Optimal, "{}", rp.to_table());
        for b in &rp.branches {
            assert!(b.verified, "{}: {}", b.scenario, b.verification);
        }
        let r = verify_risk(&vs, &rp);
        assert!(r.is_ok(), "{r}");
        let e = rp.summary.expected_cost_usd.expect("expected cost").get();
        // between the ends, not decreasing in the probability of failure
        assert!(e >= c_base - 1e-6 && e <= c_failed + 1e-6, "p {p}: {e}");
        assert!(e >= last - 1e-6, "p {p}: {e} < {last}");
        last = e;
        if p == 0.0 {
            assert_relative_eq!(e, c_base, max_relative = 1e-7);
        }
        if p == 1.0 {
            assert_relative_eq!(e, c_failed, max_relative = 1e-7);
        }
        if let Some(v) = rp.summary.vss_usd {
            assert!(v >= -1e-6 * e.max(1.0), "p {p}: VSS {v}");
        }
    }
}

#[test]
fn bad_failures_are_coded_issues_at_their_paths() {
    let cases: [(&str, &str, IssueCode, &str); 5] = [
        (
            "[[phases.failures]]\non = \"2025-09-04\"",
            "",
            IssueCode::FailureEmpty,
            "phases[0].failures[0]",
        ),
        (
            "[[phases.failures]]\non = \"2025-09-04\"\npools = [\"ascnd\"]",
            "",
            IssueCode::PoolUnknown,
            "phases[0].failures[0].pools[0]",
        ),
        (
            "[[phases.failures]]\non = \"2025-09-04\"\nvendors = [\"Acme\"]",
            "",
            IssueCode::VendorUnknown,
            "phases[0].failures[0].vendors[0]",
        ),
        (
            "[[phases.failures]]\non = \"2025-12-31\"\nvendors = [\"Huawei\"]",
            "",
            IssueCode::DateBeyondHorizon,
            "phases[0].failures[0].on",
        ),
        (
            "",
            "[[risks]]\nname = \"r\"\nprobability = 0.5\non = \"2025-09-04\"\nfailure = { phase = \"pretrain\", pools = [\"nope\"] }",
            IssueCode::PoolUnknown,
            "risks[0].failure.pools[0]",
        ),
    ];
    for (phase_extra, tail, code, path) in cases {
        let t = text("", phase_extra, tail);
        let r = Scenario::from_toml_str(&t)
            .expect("parses")
            .validate()
            .expect_err("refused");
        assert!(
            r.issues
                .iter()
                .any(|i| i.code == code.as_str() && i.path == path),
            "{code:?} at {path}: {r}"
        );
    }
}
