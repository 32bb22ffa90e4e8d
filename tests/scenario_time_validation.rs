//! Validation of the time-phased fields: `period_days`, pools'
//! `available_from`, `deliveries`, `life_years` and `residual_fraction`,
//! rules' `scope` and `quota_per`, dated demand steps, `growth_per_month`,
//! `peak_to_average` and `[economics]`. One test per distinct invalid
//! input, each asserting the code and the field path (and, where the input
//! has one problem, that it is the only issue), plus one report with many
//! problems at once.
//!
//! The base scenario (tests/common/scenario.rs) starts on 2025-08-15 with a
//! 180-day horizon (to 2026-02-11); pools[0] is owned, pools[1] rentable,
//! pools[2] purchasable; phases[1] is inference; policy.rules[1] licenses
//! the H20.

mod common;

use common::{BASE, assert_has, assert_only, base, raw, report_of, report_of_toml};
use fleetplan::fleet::{Count, Delivery};
use fleetplan::policy::{QuotaPer, RuleScope};
use fleetplan::scenario::IssueCode as C;
use fleetplan::units::{Date, Days};
use fleetplan::workload::{DemandSchedule, DemandStep, TokenDemand};

fn date(s: &str) -> Date {
    s.parse().expect("date")
}

fn with_periods(d: f64) -> fleetplan::scenario::Scenario {
    let mut s = base();
    s.period_days = Some(raw::<Days>(d));
    s
}

#[test]
fn valid_time_phased_fields_pass() {
    let mut s = with_periods(30.0);
    s.pools[2].deliveries = vec![
        Delivery::new(date("2025-08-15"), 1_500u64),
        Delivery::new(date("2026-01-01"), 3_000u64),
    ];
    s.pools[2].life_years = Some(raw(5.0));
    s.pools[2].residual_fraction = Some(raw(0.1));
    s.pools[2].available_from = Some(date("2025-09-01"));
    s.policy.rules[1].quota = Some(Count::new(10_000));
    s.policy.rules[1].quota_per = Some(QuotaPer::Period);
    s.phases[1].peak_to_average = Some(1.23);
    s.phases[1].growth_per_month = Some(0.05);
    let v = s.validate().unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(v.periods().len(), 6);
    let ascend = v.pools().nth(2).expect("pool");
    assert_eq!(v.delivery_cap(ascend.id(), date("2025-12-31")), Some(1_500));
    assert_eq!(v.delivery_cap(ascend.id(), date("2026-01-01")), Some(3_000));
    assert_eq!(v.delivery_cap(ascend.id(), date("2025-08-14")), Some(0));
}

#[test]
fn period_longer_than_the_horizon() {
    assert_only(
        &report_of(&with_periods(200.0)),
        C::PeriodBeyondHorizon,
        "period_days",
    );
}

#[test]
fn too_many_periods() {
    assert_only(
        &report_of(&with_periods(0.5)),
        C::NumberRange,
        "period_days",
    );
}

#[test]
fn period_of_zero_days() {
    assert_only(&report_of(&with_periods(0.0)), C::NumberZero, "period_days");
}

#[test]
fn deliveries_need_periods() {
    let mut s = base();
    s.pools[2].deliveries = vec![Delivery::new(date("2025-08-15"), 100u64)];
    assert_only(&report_of(&s), C::PeriodsRequired, "pools[2].deliveries");
}

#[test]
fn deliveries_out_of_order() {
    let mut s = with_periods(30.0);
    s.pools[2].deliveries = vec![
        Delivery::new(date("2025-10-01"), 100u64),
        Delivery::new(date("2025-09-01"), 200u64),
    ];
    assert_only(
        &report_of(&s),
        C::DatesUnsorted,
        "pools[2].deliveries[1].from",
    );
}

#[test]
fn delivery_after_the_horizon() {
    let mut s = with_periods(30.0);
    s.pools[2].deliveries = vec![Delivery::new(date("2026-03-01"), 100u64)];
    assert_only(
        &report_of(&s),
        C::DateBeyondHorizon,
        "pools[2].deliveries[0].from",
    );
}

#[test]
fn delivery_with_a_fractional_cap() {
    let mut s = with_periods(30.0);
    s.pools[2].deliveries = vec![Delivery::new(date("2025-09-01"), raw::<Count>(2.5))];
    assert_only(
        &report_of(&s),
        C::CountNotInteger,
        "pools[2].deliveries[0].max_per_period",
    );
}

#[test]
fn purchase_fields_on_an_owned_pool() {
    let mut s = with_periods(30.0);
    s.pools[0].deliveries = vec![Delivery::new(date("2025-09-01"), 100u64)];
    s.pools[0].life_years = Some(raw(5.0));
    s.pools[0].residual_fraction = Some(raw(0.1));
    let r = report_of(&s);
    assert_eq!(r.issues.len(), 3, "{r}");
    assert_has(&r, C::FieldNotApplicable, "pools[0].deliveries");
    assert_has(&r, C::FieldNotApplicable, "pools[0].life_years");
    assert_has(&r, C::FieldNotApplicable, "pools[0].residual_fraction");
}

#[test]
fn life_of_zero_and_of_a_century() {
    let mut s = base();
    s.pools[2].life_years = Some(raw(0.0));
    assert_only(&report_of(&s), C::NumberZero, "pools[2].life_years");
    s.pools[2].life_years = Some(raw(100.0));
    assert_only(&report_of(&s), C::NumberRange, "pools[2].life_years");
    s.pools[2].life_years = Some(raw(f64::NAN));
    assert_only(&report_of(&s), C::NumberNaN, "pools[2].life_years");
}

#[test]
fn residual_outside_zero_one() {
    let mut s = base();
    s.pools[2].residual_fraction = Some(raw(1.5));
    assert_only(&report_of(&s), C::NumberRange, "pools[2].residual_fraction");
    s.pools[2].residual_fraction = Some(raw(-0.1));
    assert_only(&report_of(&s), C::NumberRange, "pools[2].residual_fraction");
}

#[test]
fn available_after_the_horizon() {
    let mut s = base();
    s.pools[2].available_from = Some(date("2027-01-01"));
    assert_only(
        &report_of(&s),
        C::DateBeyondHorizon,
        "pools[2].available_from",
    );
}

#[test]
fn a_rule_on_use_must_prohibit() {
    let mut s = base();
    s.policy.rules[1].scope = Some(RuleScope::Use);
    assert_only(
        &report_of(&s),
        C::RuleUseNotProhibited,
        "policy.rules[1].status",
    );
}

#[test]
fn quota_per_period_needs_periods() {
    let mut s = base();
    s.policy.rules[1].quota = Some(Count::new(100));
    s.policy.rules[1].quota_per = Some(QuotaPer::Period);
    assert_only(
        &report_of(&s),
        C::PeriodsRequired,
        "policy.rules[1].quota_per",
    );
}

#[test]
fn quota_per_without_a_quota() {
    let mut s = with_periods(30.0);
    s.policy.rules[1].quota_per = Some(QuotaPer::Period);
    assert_only(
        &report_of(&s),
        C::FieldNotApplicable,
        "policy.rules[1].quota_per",
    );
}

#[test]
fn quota_per_on_a_prohibition() {
    let mut s = with_periods(30.0);
    s.policy.rules[0].quota_per = Some(QuotaPer::Horizon);
    assert_only(
        &report_of(&s),
        C::RuleTermsNotLicensed,
        "policy.rules[0].quota_per",
    );
}

#[test]
fn a_rule_on_use_and_a_licence_on_sales_do_not_conflict() {
    // the H20 licensed for sale and banned from use from 2025-11-05: two
    // scopes, no contradiction
    let mut s = base();
    let mut ban = s.policy.rules[1].clone();
    ban.status = fleetplan::policy::RuleStatus::Prohibited;
    ban.levy = None;
    ban.from = Some(date("2025-11-05"));
    ban.scope = Some(RuleScope::Use);
    s.policy.rules.push(ban);
    assert!(s.validate().is_ok());
}

fn steps(s: &mut fleetplan::scenario::Scenario, list: &[(&str, f64)]) {
    let d = TokenDemand::new(raw(1e9), raw(1e8));
    s.phases[1].tokens_per_day = Some(DemandSchedule::Steps(
        list.iter()
            .map(|&(day, f)| {
                let mut st = DemandStep::new(date(day), &d);
                st.output = raw(1e8 * f);
                st
            })
            .collect(),
    ));
}

#[test]
fn demand_steps_out_of_order() {
    let mut s = base();
    steps(&mut s, &[("2025-12-01", 1.0), ("2025-10-01", 2.0)]);
    assert_only(
        &report_of(&s),
        C::DatesUnsorted,
        "phases[1].tokens_per_day[1].from",
    );
}

#[test]
fn demand_step_after_the_horizon() {
    let mut s = base();
    steps(&mut s, &[("2025-12-01", 1.0), ("2026-06-01", 2.0)]);
    assert_only(
        &report_of(&s),
        C::DateBeyondHorizon,
        "phases[1].tokens_per_day[1].from",
    );
}

#[test]
fn empty_demand_schedule() {
    let mut s = base();
    s.phases[1].tokens_per_day = Some(DemandSchedule::Steps(Vec::new()));
    assert_only(
        &report_of(&s),
        C::PhaseTokensMissing,
        "phases[1].tokens_per_day",
    );
}

#[test]
fn negative_demand_in_a_step() {
    let mut s = base();
    steps(&mut s, &[("2025-12-01", -1.0)]);
    let r = report_of(&s);
    assert_has(&r, C::NumberNegative, "phases[1].tokens_per_day[0].output");
}

#[test]
fn negative_growth() {
    let mut s = base();
    s.phases[1].growth_per_month = Some(-0.1);
    assert_only(
        &report_of(&s),
        C::NumberNegative,
        "phases[1].growth_per_month",
    );
    s.phases[1].growth_per_month = Some(20.0);
    assert_only(&report_of(&s), C::NumberRange, "phases[1].growth_per_month");
}

#[test]
fn peak_below_the_average() {
    let mut s = base();
    s.phases[1].peak_to_average = Some(0.8);
    let r = report_of(&s);
    assert_eq!(r.issues.len(), 1, "{r}");
    assert_eq!(r.issues[0].path, "phases[1].peak_to_average");
    s.phases[1].peak_to_average = Some(1e6);
    assert_only(&report_of(&s), C::NumberRange, "phases[1].peak_to_average");
}

#[test]
fn serving_fields_on_a_training_phase() {
    let mut s = base();
    s.phases[0].peak_to_average = Some(1.2);
    s.phases[0].growth_per_month = Some(0.1);
    let r = report_of(&s);
    assert_eq!(r.issues.len(), 2, "{r}");
    assert_has(&r, C::FieldNotApplicable, "phases[0].peak_to_average");
    assert_has(&r, C::FieldNotApplicable, "phases[0].growth_per_month");
}

#[test]
fn unknown_names_in_the_new_fields() {
    let text = BASE
        .replace("[budget]", "[economics]\ncapex = \"accrual\"\n\n[budget]")
        .replace(
            "status = \"licensed\"",
            "status = \"licensed\"\nscope = \"sell\"",
        );
    let r = report_of_toml(&text);
    assert_has(&r, C::ValueUnknown, "economics.capex");
    assert_has(&r, C::ValueUnknown, "policy.rules[1].scope");
    let text = BASE.replace("from_day = 120", "from_day = 120\n").replace(
        "tokens_per_day = { input = 608e9, output = 168e9, cache_hit = 0.563 }",
        "tokens_per_day = [{ from = \"2025-13-01\", input = 608e9, output = 168e9 }]",
    );
    assert_has(
        &report_of_toml(&text),
        C::DateInvalid,
        "phases[1].tokens_per_day[0].from",
    );
}

/// Every problem at once, each with its own code and path.
#[test]
fn many_time_problems_at_once() {
    let mut s = with_periods(500.0);
    s.pools[2].deliveries = vec![
        Delivery::new(date("2026-05-01"), 1u64),
        Delivery::new(date("2025-09-01"), 2u64),
    ];
    s.pools[2].residual_fraction = Some(raw(2.0));
    s.policy.rules[1].scope = Some(RuleScope::Use);
    s.phases[1].growth_per_month = Some(-1.0);
    let r = report_of(&s);
    for (code, path) in [
        (C::PeriodBeyondHorizon, "period_days"),
        (C::DateBeyondHorizon, "pools[2].deliveries[0].from"),
        (C::DatesUnsorted, "pools[2].deliveries[1].from"),
        (C::NumberRange, "pools[2].residual_fraction"),
        (C::RuleUseNotProhibited, "policy.rules[1].status"),
        (C::NumberNegative, "phases[1].growth_per_month"),
    ] {
        assert_has(&r, code, path);
    }
}
