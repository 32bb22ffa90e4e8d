//! Time-phased planning on hand-solved scenarios: policy that changes
//! inside the horizon (a rule lifted, a rule on use, an order window),
//! purchases ordered per period under a delivery schedule and per-period
//! quotas, demand in dated steps, grown and peak-sized, capital charged by
//! depreciation, and the justification counterfactual's scope.
//!
//! The accelerators are made up with round figures: inference throughput is
//! measured (1 output token per second per device, no input), so a phase
//! serving 864,000 output tokens a day needs exactly 10 devices; energy is
//! not priced, so every cost is a rental or a purchase and can be worked out
//! by hand. Every plan must verify.

mod common;

use common::ACME;

use approx::assert_relative_eq;
use fleetplan::plan::{
    CounterfactualScope, Plan, PlanOptions, PlanStatus, justify, justify_with, plan,
};
use fleetplan::scenario::{Scenario, ValidatedScenario};

/// A 30-day horizon from 2025-08-15 (day 10 is 2025-08-25, day 20 is
/// 2025-09-04), CN jurisdiction, energy not priced. Chips "Acme X" (US) and
/// "Acme D" (CN). `top` goes before the pools (e.g. `period_days`).
fn scenario(top: &str, pools: &str, phases: &str, policy: &str) -> ValidatedScenario {
    scenario_over(30.0, top, pools, phases, policy)
}

/// As [`scenario`], over `horizon` days.
fn scenario_over(
    horizon: f64,
    top: &str,
    pools: &str,
    phases: &str,
    policy: &str,
) -> ValidatedScenario {
    let text = format!(
        r#"
name = "time"
start = "2025-08-15"
horizon_days = {horizon}
jurisdiction = "CN"
objective = "min_cost"
{top}

{ACME}

{pools}

{phases}

{policy}
"#
    );
    Scenario::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("parse: {e}\n{text}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{text}"))
}

fn pool(name: &str, chip: &str, extra: &str) -> String {
    format!("[[pools]]\nname = \"{name}\"\naccelerator = \"{chip}\"\n{extra}\n")
}

/// An inference phase needing `devices` devices (at 1 output token/s each)
/// from `from_day`; `demand` overrides the demand line.
fn serving(devices: f64, from_day: f64, demand: Option<&str>, extra: &str) -> String {
    let line = demand.map_or_else(
        || {
            format!(
                "tokens_per_day = {{ input = 0, output = {:e} }}",
                devices * 86_400.0
            )
        },
        str::to_owned,
    );
    format!(
        r#"[[phases]]
name = "serve"
kind = "inference"
model = {{ total_params = 1e9 }}
precision = "bf16"
{line}
from_day = {from_day}
{extra}
[[phases.measured]]
accelerator = "Acme X"
prefill_tokens_per_s = 1e9
decode_tokens_per_s = 1
[[phases.measured]]
accelerator = "Acme D"
prefill_tokens_per_s = 1e9
decode_tokens_per_s = 1
"#
    )
}

fn fractional() -> PlanOptions {
    PlanOptions::default().with_fractional(true)
}

/// Plans fractionally and checks the plan is optimal and verified.
fn planned(vs: &ValidatedScenario) -> Plan {
    let p = plan(vs, &fractional()).expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal, "{}", p.to_table());
    assert!(p.verified, "{}", p.verification);
    assert!(
        p.verification.warnings.is_empty(),
        "{:?}",
        p.verification.warnings
    );
    p
}

/// Device-hours of `pool` in the schedule between days `a` and `b`.
fn device_days(p: &Plan, pool: &str, a: f64, b: f64) -> f64 {
    p.schedule
        .iter()
        .filter(|s| s.pool == pool)
        .map(|s| {
            let (x, y) = (s.from_hours.get() / 24.0, s.to_hours.get() / 24.0);
            s.devices * (y.min(b) - x.max(a)).max(0.0)
        })
        .sum()
}

const RENT_CHEAP: &str = "ownership = { kind = \"rentable\", usd_per_hour = 1.0 }";
const RENT_DEAR: &str = "ownership = { kind = \"rentable\", usd_per_hour = 3.0 }";

/// A US rule prohibiting the cheap chip until day 10 (2025-08-25).
const BANNED_UNTIL_DAY_10: &str = r#"
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2020-01-01"
until = "2025-08-25"
status = "prohibited"
"#;

/// Rentals of the cheap chip are prohibited until day 10: days 0-10 on the
/// dear pool (10 × 240 h × $3 = $7,200), days 10-30 on the cheap one
/// (10 × 480 h × $1 = $4,800): $12,000. Read on the start date only, the
/// rule would keep the cheap chip out all along ($21,600).
#[test]
fn a_rule_lifted_inside_the_horizon_changes_the_plan() {
    let pools = pool("x", "Acme X", RENT_CHEAP) + &pool("d", "Acme D", RENT_DEAR);
    let vs = scenario(
        "",
        &pools,
        &serving(10.0, 0.0, None, ""),
        BANNED_UNTIL_DAY_10,
    );
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 12_000.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "d", 0.0, 10.0), 100.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "x", 10.0, 30.0), 200.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "x", 0.0, 10.0), 0.0, epsilon = 1e-9);
}

/// A rule on use from day 20 stops the cheap chip whoever holds it: days
/// 0-10 dear ($7,200), 10-20 cheap ($2,400), 20-30 dear again ($7,200):
/// $16,800.
#[test]
fn a_rule_on_use_stops_devices_from_its_day() {
    let pools = pool("x", "Acme X", RENT_CHEAP) + &pool("d", "Acme D", RENT_DEAR);
    let policy = format!(
        "{BANNED_UNTIL_DAY_10}\n[[policy.rules]]\naccelerators = [\"Acme X\"]\ndestination = \"CN\"\nissuer = \"CN\"\nfrom = \"2025-09-04\"\nstatus = \"prohibited\"\nscope = \"use\"\n"
    );
    let vs = scenario("", &pools, &serving(10.0, 0.0, None, ""), &policy);
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 16_800.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "x", 20.0, 30.0), 0.0, epsilon = 1e-9);
    // the same rule on owned devices: 10 owned cheap devices (sunk) run
    // until day 20, then the dear rental takes over: 10 × 240 h × $3
    let owned = pool(
        "x",
        "Acme X",
        "count = 10\nownership = { kind = \"owned\", sunk = true }",
    ) + &pool("d", "Acme D", RENT_DEAR);
    let vs = scenario("", &owned, &serving(10.0, 0.0, None, ""), &policy);
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 7_200.0, max_relative = 1e-9);
}

/// A purchase window: the cheap chip may be bought only while a licence
/// (10% levy) is in force, days 10-20. Buying 10 at day 10 for $1,000 +
/// $100 levy each (cash) and renting the dear chip before: $7,200 + $11,000.
/// The order is placed on day 10 and is licensed.
#[test]
fn purchases_are_judged_on_their_order_day() {
    let pools = pool(
        "x",
        "Acme X",
        "ownership = { kind = \"purchasable\", unit_price_usd = 1000 }",
    ) + &pool("d", "Acme D", RENT_DEAR);
    let policy = r#"
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2020-01-01"
until = "2025-08-25"
status = "prohibited"
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2025-08-25"
until = "2025-09-04"
status = "licensed"
levy = 0.1
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2025-09-04"
status = "prohibited"
"#;
    let top = "period_days = 10\n[economics]\ncapex = \"cash\"";
    let vs = scenario(top, &pools, &serving(10.0, 0.0, None, ""), policy);
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 18_200.0, max_relative = 1e-9);
    assert_relative_eq!(p.cost.levy_usd.get(), 1_000.0, max_relative = 1e-9);
    let buys: Vec<_> = p.purchases.iter().filter(|b| b.devices > 1e-9).collect();
    assert_eq!(buys.len(), 1, "{:?}", p.purchases);
    assert_relative_eq!(buys[0].ordered_day.get(), 10.0);
    assert_relative_eq!(buys[0].devices, 10.0, max_relative = 1e-9);
    assert_eq!(p.periods.len(), 3);
}

/// Deliveries of at most 5 devices a period (10 days): 10 devices needed
/// from day 20 arrive 5 in the period from day 10 and 5 in the one from day
/// 20. Depreciated over a 1-year life (365.25 days) with no residual, a
/// device arriving on day 10 is charged 20/365.25 of its $36,525 ($2,000)
/// and one arriving on day 20 10/365.25 ($1,000): $15,000 in all, the
/// latest arrivals the schedule allows. Paid as cash, $365,250.
#[test]
fn deliveries_cap_each_period_and_depreciation_buys_late() {
    let buy = "ownership = { kind = \"purchasable\", unit_price_usd = 36525 }\nlife_years = 1\ndeliveries = [{ from = \"2025-08-15\", max_per_period = 5 }]";
    let pools = pool("x", "Acme D", buy);
    let vs = scenario(
        "period_days = 10",
        &pools,
        &serving(10.0, 20.0, None, ""),
        "",
    );
    let p = planned(&vs);
    assert_relative_eq!(
        p.cost.capital_charge_usd.get(),
        15_000.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(p.cost.capex_usd.get(), 365_250.0, max_relative = 1e-9);
    assert_relative_eq!(p.cost.total_usd.get(), 15_000.0, max_relative = 1e-9);
    let mut arrivals: Vec<(f64, f64)> = p
        .purchases
        .iter()
        .filter(|b| b.devices > 1e-9)
        .map(|b| (b.arrives_day.get(), b.devices))
        .collect();
    arrivals.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(arrivals.len(), 2, "{arrivals:?}");
    assert_relative_eq!(arrivals[0].0, 10.0);
    assert_relative_eq!(arrivals[0].1, 5.0, max_relative = 1e-9);
    assert_relative_eq!(arrivals[1].0, 20.0);
    assert_relative_eq!(arrivals[1].1, 5.0, max_relative = 1e-9);
    // a schedule that only starts on day 25 leaves no way to serve by day 20
    let late = "ownership = { kind = \"purchasable\", unit_price_usd = 36525 }\ndeliveries = [{ from = \"2025-09-09\", max_per_period = 50 }]";
    let vs = scenario(
        "period_days = 10",
        &pool("x", "Acme D", late),
        &serving(10.0, 20.0, None, ""),
        "",
    );
    let p = plan(&vs, &fractional()).expect("plans");
    assert_eq!(p.status, PlanStatus::Infeasible);
}

/// Straight-line depreciation with a residual: one device of $36,525 with
/// a 1-year life and 20% residual, in service for the whole 30 days, is
/// charged 36,525 × 0.8 × 30/365.25 = $2,400; cash charges the price.
#[test]
fn capital_is_charged_by_depreciation_unless_cash() {
    let buy = "ownership = { kind = \"purchasable\", unit_price_usd = 36525 }\nlife_years = 1\nresidual_fraction = 0.2";
    let vs = scenario(
        "",
        &pool("x", "Acme D", buy),
        &serving(1.0, 0.0, None, ""),
        "",
    );
    let p = planned(&vs);
    assert_relative_eq!(
        p.cost.capital_charge_usd.get(),
        2_400.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        p.purchases[0].capital_charge_usd.get(),
        2_400.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(p.purchases[0].cost_usd.get(), 36_525.0, max_relative = 1e-9);
    let vs = scenario(
        "[economics]\ncapex = \"cash\"",
        &pool("x", "Acme D", buy),
        &serving(1.0, 0.0, None, ""),
        "",
    );
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 36_525.0, max_relative = 1e-9);
    assert_relative_eq!(
        p.cost.capital_charge_usd.get(),
        36_525.0,
        max_relative = 1e-9
    );
}

/// Demand in dated steps, sized on the peak: 10 devices' worth from day 0,
/// 20 from day 15, peak 1.5 times the average: 15 devices for 360 h and 30
/// for 360 h at $1/h = $16,200.
#[test]
fn demand_steps_are_served_at_their_peak() {
    let steps = "tokens_per_day = [{ from = \"2025-08-15\", input = 0, output = 864000 }, { from = \"2025-08-30\", input = 0, output = 1728000 }]";
    let vs = scenario(
        "",
        &pool("x", "Acme X", RENT_CHEAP),
        &serving(0.0, 0.0, Some(steps), "peak_to_average = 1.5"),
        "",
    );
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 16_200.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "x", 0.0, 15.0), 225.0, max_relative = 1e-9);
    assert_relative_eq!(device_days(&p, "x", 15.0, 30.0), 450.0, max_relative = 1e-9);
}

/// Growth of 10% a month, compounded from the start; each period (one
/// month, 30.4375 days) is sized on the demand at its end: 11 devices in
/// the first month, 12.1 in the second, at $1/h for 730.5 h each.
#[test]
fn growing_demand_is_sized_on_each_periods_end() {
    let vs = scenario_over(
        60.875,
        "period_days = 30.4375",
        &pool("x", "Acme X", RENT_CHEAP),
        &serving(10.0, 0.0, None, "growth_per_month = 0.1"),
        "",
    );
    let p = planned(&vs);
    assert_relative_eq!(
        p.cost.total_usd.get(),
        11.0 * 730.5 + 12.1 * 730.5,
        max_relative = 1e-9
    );
}

/// A licence with a quota of 4 devices per period (10 days) for the cheap
/// chip ($1,000, cash, no levy), the dear domestic one at $3,000: 10
/// devices needed from day 20 are 4 + 4 cheap (ordered in periods 0 and 1)
/// and 2 dear: $14,000. With a quota of 4 over the horizon: 4 cheap and 6
/// dear, $22,000.
#[test]
fn quotas_count_per_period_or_over_the_horizon() {
    let pools = pool(
        "x",
        "Acme X",
        "ownership = { kind = \"purchasable\", unit_price_usd = 1000, lead_time_days = 10 }",
    ) + &pool(
        "d",
        "Acme D",
        "ownership = { kind = \"purchasable\", unit_price_usd = 3000, lead_time_days = 10 }",
    );
    let rule = |per: &str| {
        format!(
            "[[policy.rules]]\naccelerators = [\"Acme X\"]\ndestination = \"CN\"\nfrom = \"2020-01-01\"\nstatus = \"licensed\"\nquota = 4\n{per}"
        )
    };
    let top = "period_days = 10\n[economics]\ncapex = \"cash\"";
    let vs = scenario(
        top,
        &pools,
        &serving(10.0, 20.0, None, ""),
        &rule("quota_per = \"period\""),
    );
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 14_000.0, max_relative = 1e-9);
    let vs = scenario(top, &pools, &serving(10.0, 20.0, None, ""), &rule(""));
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 22_000.0, max_relative = 1e-9);
}

/// A pool available only from day 10 (its `available_from`) cannot serve
/// before: days 0-10 on the dear rental, then the cheap one.
#[test]
fn nothing_is_had_before_it_is_available() {
    let pools = pool(
        "x",
        "Acme X",
        &format!("{RENT_CHEAP}\navailable_from = \"2025-08-25\""),
    ) + &pool("d", "Acme D", RENT_DEAR);
    let vs = scenario("", &pools, &serving(10.0, 0.0, None, ""), "");
    let p = planned(&vs);
    assert_relative_eq!(p.cost.total_usd.get(), 12_000.0, max_relative = 1e-9);
}

/// The justification counterfactual keeps owned foreign devices and takes
/// away new foreign ones (purchases and rentals) by default; the stricter
/// scope takes away every foreign device. 6 owned foreign devices (sunk)
/// and a foreign rental at $1/h beside a domestic one at $3/h: the plan
/// serves on 6 owned + 4 cheap rented ($2,880); without new foreign devices
/// 6 owned + 4 domestic ($8,640); domestic only, 10 domestic ($21,600).
#[test]
fn justification_removes_new_foreign_devices_by_default() {
    let pools = pool(
        "x-owned",
        "Acme X",
        "count = 6\nownership = { kind = \"owned\", sunk = true }",
    ) + &pool("x-rent", "Acme X", RENT_CHEAP)
        + &pool("d", "Acme D", RENT_DEAR);
    let policy = "[policy.justification]\nforeign_rentals = \"required\"\n";
    let vs = scenario("", &pools, &serving(10.0, 0.0, None, ""), policy);
    let j = justify(&vs, &fractional()).expect("justifies");
    assert_eq!(j.scope, CounterfactualScope::NewForeign);
    assert!(j.plan.verified);
    assert_relative_eq!(j.plan.cost.total_usd.get(), 2_880.0, max_relative = 1e-9);
    assert_relative_eq!(
        j.counterfactual.cost_usd.expect("feasible").get(),
        8_640.0,
        max_relative = 1e-9
    );
    assert!(j.memo.contains("no new foreign devices"), "{}", j.memo);
    let j = justify_with(&vs, &fractional(), CounterfactualScope::AllForeign).expect("justifies");
    assert_relative_eq!(
        j.counterfactual.cost_usd.expect("feasible").get(),
        21_600.0,
        max_relative = 1e-9
    );
    assert!(j.memo.contains("domestic accelerators only"), "{}", j.memo);
}

/// A snapshot scenario (no periods, no rule changing inside the horizon)
/// has one period, one order day per pool and the columns it always had.
#[test]
fn a_snapshot_scenario_has_one_period() {
    let vs = scenario(
        "",
        &pool("x", "Acme X", RENT_CHEAP),
        &serving(10.0, 0.0, None, ""),
        "",
    );
    let p = planned(&vs);
    assert_eq!(p.periods.len(), 1);
    assert_relative_eq!(p.periods[0].end_day.get(), 30.0);
    assert_relative_eq!(p.cost.total_usd.get(), 7_200.0, max_relative = 1e-9);
}
