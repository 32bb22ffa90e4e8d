//! Risks at an uncertain date (`on_range = { until, points }`): the event
//! happens on one of `points` dates of `[on, until]` (the midpoints of
//! equal parts), each with `1/points` of its probability, or not at all.
//!
//! The family: one pre-training phase (7B parameters, 10^12 tokens) due on
//! day 40 of a 60-day horizon; Ascend rented at $0.5/h (at most 64
//! devices), H800 at $2/h; every Ascend run in progress fails on the
//! risk's day with probability 0.4. The answers come from dated risks
//! planned by the same planner: a range of one point is the dated risk at
//! its midpoint, and a range's expected cost lies between those of the
//! risk at its earliest and at its latest date when the cost is monotone
//! in the date (checked here: a later failure leaves less time to redo the
//! work).

use approx::assert_relative_eq;
use fleetplan::plan::{PlanOptions, PlanStatus};
use fleetplan::risk::{RiskPlan, joint_scenarios, plan_risk, verify_risk};
use fleetplan::scenario::{IssueCode, Scenario, ValidatedScenario};

fn text(on: &str, range: &str, extra: &str) -> String {
    format!(
        r#"
name = "range"
start = "2025-08-15"
horizon_days = 60
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "ascend"
accelerator = "Ascend 910C"
ownership = {{ kind = "rentable", usd_per_hour = 0.5, max = 64 }}

[[pools]]
name = "h800"
accelerator = "H800"
ownership = {{ kind = "rentable", usd_per_hour = 2.0 }}

[[phases]]
name = "pretrain"
kind = "pretraining"
model = {{ total_params = 7e9 }}
precision = "bf16"
tokens = 1e12
deadline_days = 40

[[risks]]
name = "ascend-fails"
probability = 0.4
on = "{on}"
{range}
failure = {{ phase = "pretrain", vendors = ["Huawei"] }}

{extra}
"#
    )
}

fn validated(t: &str) -> ValidatedScenario {
    Scenario::from_toml_str(t)
        .unwrap_or_else(|e| panic!("parse: {e}\n{t}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{t}"))
}

fn planned(vs: &ValidatedScenario) -> RiskPlan {
    let rp = plan_risk(vs, &PlanOptions::default().with_fractional(true)).expect("plans");
    assert_eq!(rp.summary.status, PlanStatus::Optimal, "{}", rp.to_table());
    for b in &rp.branches {
        assert!(b.verified, "{}: {}", b.scenario, b.verification);
    }
    let r = verify_risk(vs, &rp);
    assert!(r.is_ok(), "{r}");
    rp
}

fn expected(rp: &RiskPlan) -> f64 {
    rp.summary.expected_cost_usd.expect("a cost").get()
}

#[test]
fn one_point_is_the_dated_risk_at_the_midpoint() {
    // [day 10, day 30]: midpoint day 20 = 2025-09-04
    let ranged = planned(&validated(&text(
        "2025-08-25",
        "on_range = { until = \"2025-09-14\", points = 1 }",
        "",
    )));
    let dated = planned(&validated(&text("2025-09-04", "", "")));
    assert_relative_eq!(expected(&ranged), expected(&dated), max_relative = 1e-9);
    let names: Vec<&str> = ranged
        .summary
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["none", "ascend-fails@2025-09-04"]);
}

#[test]
fn a_range_costs_between_its_earliest_and_latest_dates() {
    // [day 10, day 30] in 3 points: days 13, 20 and 26 (midpoints of
    // thirds, rounded down)
    let vs = validated(&text(
        "2025-08-25",
        "on_range = { until = \"2025-09-14\", points = 3 }",
        "",
    ));
    let on: Vec<String> = joint_scenarios(vs.scenario())
        .iter()
        .flat_map(|j| j.on.iter().map(ToString::to_string))
        .collect();
    assert_eq!(on, ["2025-08-28", "2025-09-04", "2025-09-10"]);
    let ranged = expected(&planned(&vs));
    let early = expected(&planned(&validated(&text("2025-08-28", "", ""))));
    let mid = expected(&planned(&validated(&text("2025-09-04", "", ""))));
    let late = expected(&planned(&validated(&text("2025-09-10", "", ""))));
    // monotone in the date here (a later failure leaves less time)
    assert!(early <= mid && mid <= late, "{early} {mid} {late}");
    assert!(early < late);
    assert!(
        early - 1e-6 <= ranged && ranged <= late + 1e-6,
        "{early} <= {ranged} <= {late}"
    );
}

#[test]
fn joint_scenarios_of_a_range_and_a_dated_risk() {
    let other = "[[risks]]\nname = \"more-work\"\nprobability = 0.5\non = \"2025-08-20\"\ndemand = { phase = \"pretrain\", scale = 1.2 }\n";
    let vs = validated(&text(
        "2025-08-25",
        "on_range = { until = \"2025-09-14\", points = 3 }",
        other,
    ));
    let js = joint_scenarios(vs.scenario());
    // (3 dates + not at all) × (happens or not)
    assert_eq!(js.len(), 8);
    let total: f64 = js.iter().map(|j| j.probability).sum();
    assert_relative_eq!(total, 1.0, epsilon = 1e-12);
    for j in &js {
        let fails = j.events.contains(&0);
        let more = j.events.contains(&1);
        let p = if fails { 0.4 / 3.0 } else { 0.6 } * 0.5;
        assert_relative_eq!(j.probability, p, epsilon = 1e-12);
        assert_eq!(j.on.len(), j.events.len());
        assert_eq!(more, j.name.contains("more-work"), "{}", j.name);
    }
    // each date of the failure is its own branch: planned and verified
    let rp = planned(&vs);
    assert_eq!(rp.branches.len(), 8);
}

#[test]
fn bad_ranges_are_reported_with_paths() {
    let cases = [
        (
            "on_range = { until = \"2025-08-20\", points = 2 }",
            "risks[0].on_range.until",
            IssueCode::DatesReversed,
        ),
        (
            "on_range = { until = \"2025-12-20\", points = 2 }",
            "risks[0].on_range.until",
            IssueCode::DateBeyondHorizon,
        ),
        (
            "on_range = { until = \"2025-09-14\", points = 0 }",
            "risks[0].on_range.points",
            IssueCode::NumberRange,
        ),
        (
            "on_range = { until = \"2025-09-14\", points = 13 }",
            "risks[0].on_range.points",
            IssueCode::NumberRange,
        ),
        (
            "on_range = { until = \"2025-08-28\", points = 5 }",
            "risks[0].on_range.points",
            IssueCode::NumberRange,
        ),
    ];
    for (range, path, code) in cases {
        let t = text("2025-08-25", range, "");
        let rep = Scenario::from_toml_str(&t)
            .expect("parses")
            .validate()
            .expect_err("invalid");
        assert!(
            rep.issues.iter().any(|i| i.path == path && i.code == code),
            "{range}: {rep}"
        );
    }
}
