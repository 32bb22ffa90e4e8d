//! The planner on hand-solved scenarios.
//!
//! The scenarios use made-up accelerators with round figures so that every
//! answer can be worked out by hand: a device delivers `peak × MFU` FLOP/s
//! (scale-out bandwidth unknown: no scale-out factor; an MTBF of 1e12 hours
//! makes failures negligible, so goodput is 1 to about 1e-6), and costs
//! `power × PUE × $/kWh` per hour to run.

mod common;

use common::ACME;

use approx::assert_relative_eq;
use fleetplan::plan::{PlanOptions, PlanStatus, plan};
use fleetplan::scenario::{Scenario, ValidatedScenario};

/// A 10-day horizon, CN jurisdiction, energy at $0.10/kWh with PUE 1,
/// purchases charged as cash (the figures below are worked out that way;
/// depreciation is tested in `tests/plan_time.rs`).
/// Chips: "Acme X" (US) and "Acme D" (CN), 1 PFLOP/s BF16, 1 TB HBM, 1 kW.
fn scenario(
    objective: &str,
    pools: &str,
    phases: &str,
    policy: &str,
    budget: &str,
) -> ValidatedScenario {
    let text = format!(
        r#"
name = "hand"
start = "2025-08-15"
horizon_days = 10
jurisdiction = "CN"
objective = {objective}

{ACME}

{pools}

{phases}

{policy}

[economics]
capex = "cash"

[budget]
energy = {{ usd_per_kwh = 0.1, pue = 1.0 }}
{budget}
"#
    );
    Scenario::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("parse: {e}\n{text}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{text}"))
}

fn pool(name: &str, chip: &str, ownership: &str) -> String {
    format!(
        "[[pools]]\nname = \"{name}\"\naccelerator = \"{chip}\"\n{ownership}\nmfu = {{ pretraining = 0.5 }}\nmtbf_hours = 1e12\n"
    )
}

/// Work for `devices` devices at 5e14 FLOP/s for `days` days.
/// The dear pool of `cheap_and_dear`: 1,000 owned, sunk devices.
const DEAR_OWNED: &str = "count = 1000\nownership = { kind = \"owned\", sunk = true }";

/// A cheap pool of 60 owned, sunk devices (electricity at $0.05/kWh) and a
/// dear pool of the same chip described by `dear`; `extra` ends the text.
fn cheap_and_dear(dear: &str, extra: &str) -> String {
    format!(
        "{}energy_usd_per_kwh = 0.05\n\n{}{extra}\n",
        pool(
            "cheap",
            "Acme X",
            "count = 60\nownership = { kind = \"owned\", sunk = true }"
        ),
        pool("dear", "Acme X", dear)
    )
}

fn training(devices: f64, days: f64) -> String {
    let w = devices * 5e14 * days * 86_400.0;
    format!(
        "[[phases]]\nname = \"train\"\nkind = \"pretraining\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"bf16\"\nflops = {w:e}\ndeadline_days = {days}\n"
    )
}

fn fractional() -> PlanOptions {
    PlanOptions::default().with_fractional(true)
}

/// One owned pool: 100 devices for 10 days at $0.10/h each = $2,400.
#[test]
fn one_pool() {
    let vs = scenario(
        "\"min_cost\"",
        &pool(
            "x",
            "Acme X",
            "count = 1000\nownership = { kind = \"owned\", sunk = true }",
        ),
        &training(100.0, 10.0),
        "",
        "",
    );
    let p = plan(&vs, &fractional()).expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal);
    assert!(p.verified, "{}", p.verification);
    assert_eq!(p.assignments.len(), 1);
    assert_relative_eq!(p.assignments[0].devices.get(), 100.0, max_relative = 1e-4);
    assert_relative_eq!(p.cost.total_usd.get(), 2_400.0, max_relative = 1e-4);
    assert_relative_eq!(p.cost.energy_usd.get(), p.cost.total_usd.get());
    let f = p.phases[0].finishes_at_hours.expect("finishes");
    assert_relative_eq!(f.get(), 240.0, max_relative = 1e-6);
    // whole devices (a MILP): the fractional 100 rounded up to the pool's
    // granularity, proven optimal (gap 0), never cheaper than the LP
    let w = plan(&vs, &PlanOptions::default()).expect("plans in whole devices");
    assert_eq!(w.status, PlanStatus::Optimal);
    assert!(w.whole_devices);
    assert!(w.verified, "{}", w.verification);
    assert_eq!(w.gap, 0.0);
    let g = vs.pools().next().expect("one pool").granularity() as f64;
    let d = w.assignments[0].devices.get();
    assert_eq!(d, d.round(), "whole devices");
    assert_eq!(d % g, 0.0, "in units of the granularity {g}");
    assert!(d >= p.assignments[0].devices.get() - 1e-9 && d < p.assignments[0].devices.get() + g);
    assert!(w.cost.total_usd.get() >= p.cost.total_usd.get() * (1.0 - 1e-9));
}

/// Whole devices, hand-solved: a cheap pool of 60 and a dear pool of 1000
/// (both owned, sunk; energy $0.05 vs $0.10 per kWh at 1 kW per device),
/// work for 100 devices over the 10-day (240 h) window. Fractionally the
/// cheap pool runs 60 and the dear 40: 60·240·0.05 + 40·240·0.1 = $1,680.
/// In whole devices a device is held for the window. A run that must stay on
/// one pool (`single_pool`) fits only the dear pool; its work is a hair over
/// 100 devices' worth (the goodput at an MTBF of 1e12 h is 1 − O(1e-6)), so
/// 101 devices: 101·240·0.1 = $2,424. Bought in servers of 8 at $1,000 a
/// device, 104 devices: $104,000 of capex plus the energy of those used.
#[test]
fn whole_devices_single_pool_and_granularity() {
    let pools = |gran: &str| cheap_and_dear(DEAR_OWNED, gran);
    let split = scenario("\"min_cost\"", &pools(""), &training(100.0, 10.0), "", "");
    let p = plan(&split, &fractional()).expect("plans");
    assert_relative_eq!(p.cost.total_usd.get(), 1_680.0, max_relative = 1e-4);
    let w = plan(&split, &PlanOptions::default()).expect("plans");
    assert!(w.verified, "{}", w.verification);
    assert_eq!(w.status, PlanStatus::Optimal);
    // whole devices cost at least the fractional plan
    assert!(w.cost.total_usd.get() >= 1_680.0 * (1.0 - 1e-9));
    for a in &w.assignments {
        assert_eq!(a.devices.get(), a.devices.get().round());
    }

    let one = training(100.0, 10.0) + "single_pool = true\n";
    let single = scenario("\"min_cost\"", &pools(""), &one, "", "");
    let s = plan(&single, &PlanOptions::default()).expect("plans");
    assert_eq!(s.status, PlanStatus::Optimal);
    assert!(s.verified, "{}", s.verification);
    assert_eq!(s.assignments.len(), 1, "{:?}", s.assignments);
    assert_eq!(s.assignments[0].pool, "dear");
    // a hair more than 100 devices of work (the goodput), so 101 whole ones
    assert_relative_eq!(s.assignments[0].devices.get(), 101.0, max_relative = 1e-9);
    assert_relative_eq!(s.cost.total_usd.get(), 2_424.0, max_relative = 1e-9);

    // the dear pool bought in servers of 8 at $1,000 a device instead
    let servers = cheap_and_dear(
        "ownership = { kind = \"purchasable\", unit_price_usd = 1000, granularity = 8 }",
        "",
    );
    let nodes = scenario("\"min_cost\"", &servers, &one, "", "");
    let n = plan(&nodes, &PlanOptions::default()).expect("plans");
    assert_eq!(n.status, PlanStatus::Optimal);
    assert!(n.verified, "{}", n.verification);
    assert_eq!(n.assignments.len(), 1);
    assert_eq!(n.purchases.len(), 1);
    assert_relative_eq!(n.purchases[0].devices, 104.0, max_relative = 1e-9);
    assert_relative_eq!(n.cost.capex_usd.get(), 104_000.0, max_relative = 1e-9);
    assert_relative_eq!(
        n.cost.total_usd.get(),
        104_000.0 + n.assignments[0].devices.get() * 24.0,
        max_relative = 1e-9
    );
}

/// Two pools, one with electricity at half the price: everything goes to
/// the cheap one while it has room, and its capacity is the binding row,
/// priced at the difference in running cost over the window.
#[test]
fn two_pools_one_clearly_cheaper() {
    let pools = cheap_and_dear(DEAR_OWNED, "");
    let vs = scenario("\"min_cost\"", &pools, &training(100.0, 10.0), "", "");
    let p = plan(&vs, &fractional()).expect("plans");
    assert!(p.verified, "{}", p.verification);
    let on = |pool: &str| {
        p.assignments
            .iter()
            .find(|a| a.pool == pool)
            .map_or(0.0, |a| a.devices.get())
    };
    assert_relative_eq!(on("cheap"), 60.0, max_relative = 1e-6);
    assert_relative_eq!(on("dear"), 40.0, max_relative = 1e-3);
    // 60 × 240 h × $0.05 + 40 × 240 h × $0.10
    assert_relative_eq!(p.cost.total_usd.get(), 720.0 + 960.0, max_relative = 1e-4);
    let cap = p
        .binding
        .iter()
        .find(|b| b.constraint.starts_with("capacity[cheap"))
        .expect("the cheap pool's capacity binds");
    // one more cheap device replaces a dear one for 240 h: saves $12
    assert_relative_eq!(cap.shadow_price, 240.0 * 0.05, max_relative = 1e-4);
}

/// A licensed foreign chip at $10,000 (+10% levy) with a quota of 50, a
/// domestic one at $20,000: buy 50 foreign and 50 domestic; the quota is
/// worth $9,000 per licensed device.
#[test]
fn binding_quota() {
    let pools = format!(
        "{}\n{}",
        pool(
            "buy-x",
            "Acme X",
            "ownership = { kind = \"purchasable\", unit_price_usd = 10000 }"
        ),
        pool(
            "buy-d",
            "Acme D",
            "ownership = { kind = \"purchasable\", unit_price_usd = 20000 }"
        )
    );
    let policy = r#"
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2025-01-01"
status = "licensed"
levy = 0.10
quota = 50
"#;
    let vs = scenario("\"min_cost\"", &pools, &training(100.0, 10.0), policy, "");
    let p = plan(&vs, &fractional()).expect("plans");
    assert!(p.verified, "{}", p.verification);
    let bought = |pool: &str| {
        p.purchases
            .iter()
            .find(|b| b.pool == pool)
            .map_or(0.0, |b| b.devices)
    };
    assert_relative_eq!(bought("buy-x"), 50.0, max_relative = 1e-6);
    assert_relative_eq!(bought("buy-d"), 50.0, max_relative = 1e-3);
    assert_relative_eq!(p.cost.levy_usd.get(), 50.0 * 1_000.0, max_relative = 1e-6);
    assert_relative_eq!(
        p.cost.total_usd.get(),
        50.0 * 11_000.0 + 50.0 * 20_000.0 + 2_400.0,
        max_relative = 1e-4
    );
    let q = p
        .binding
        .iter()
        .find(|b| b.constraint.starts_with("quota"))
        .expect("the quota binds");
    assert_relative_eq!(q.shadow_price, 9_000.0, max_relative = 1e-3);
    assert_eq!(q.unit, fleetplan::plan::PriceUnit::LicensedDevice);
    assert_eq!(q.unit.to_string(), "USD per extra licensed device");
}

/// Most served within an energy budget of half the full cost: half served.
#[test]
fn binding_budget() {
    let vs = scenario(
        "\"max_served\"",
        &pool(
            "x",
            "Acme X",
            "count = 1000\nownership = { kind = \"owned\", sunk = true }",
        ),
        &training(100.0, 10.0),
        "",
        "opex_usd = 1200",
    );
    let p = plan(&vs, &fractional()).expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal);
    assert_relative_eq!(p.phases[0].demand_met, 0.5, max_relative = 1e-4);
    assert_relative_eq!(p.cost.total_usd.get(), 1_200.0, max_relative = 1e-6);
    assert_relative_eq!(p.objective.expect("objective"), 0.5, max_relative = 1e-4);
}

/// A prohibited accelerator is not bought even when cheaper; with nothing
/// else to run the phase on, validation says so.
#[test]
fn prohibited_accelerator() {
    let pools = format!(
        "{}\n{}",
        pool(
            "buy-x",
            "Acme X",
            "ownership = { kind = \"purchasable\", unit_price_usd = 1000 }"
        ),
        pool(
            "buy-d",
            "Acme D",
            "ownership = { kind = \"purchasable\", unit_price_usd = 20000 }"
        )
    );
    let policy = r#"
[[policy.rules]]
accelerators = ["Acme X"]
destination = "CN"
from = "2025-01-01"
status = "prohibited"
"#;
    let vs = scenario("\"min_cost\"", &pools, &training(100.0, 10.0), policy, "");
    let p = plan(&vs, &fractional()).expect("plans");
    assert!(p.verified, "{}", p.verification);
    assert!(p.purchases.iter().all(|b| b.pool != "buy-x"));
    assert!(p.assignments.iter().all(|a| a.pool == "buy-d"));
    // only the prohibited pool: no eligible pool, a validation issue
    let text = format!(
        "name = \"p\"\nstart = \"2025-08-15\"\nhorizon_days = 10\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n{}\n{}\n{}",
        "[[pools]]\nname = \"h100\"\naccelerator = \"H100\"\nownership = { kind = \"purchasable\", unit_price_usd = 25000 }\n",
        training(100.0, 10.0),
        "[[policy.rules]]\naccelerators = [\"H100\"]\ndestination = \"CN\"\nfrom = \"2022-10-07\"\nstatus = \"prohibited\"\n"
    );
    let r = Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .expect_err("no eligible pool");
    assert!(
        r.issues
            .iter()
            .any(|i| i.code.as_str() == "E-PHASE-NO-ELIGIBLE-POOL"),
        "{r}"
    );
}

/// Ten devices cannot do a hundred devices' work by the deadline: the plan
/// is infeasible and the explanation names the work row with the numbers.
#[test]
fn impossible_deadline_is_explained() {
    let vs = scenario(
        "\"min_cost\"",
        &pool(
            "x",
            "Acme X",
            "count = 10\nownership = { kind = \"owned\", sunk = true }",
        ),
        &training(100.0, 10.0),
        "",
        "",
    );
    let p = plan(&vs, &fractional()).expect("plans");
    assert_eq!(p.status, PlanStatus::Infeasible);
    let inf = p.infeasibility.expect("explained");
    assert_eq!(inf.conflict.len(), 1, "{inf}");
    let c = &inf.conflict[0];
    assert_eq!(c.constraint, "work[train]");
    assert_relative_eq!(c.amount, 0.9, max_relative = 1e-3);
    assert!(
        c.message.contains("needs 4.320e22 FLOP by day 10"),
        "{}",
        c.message
    );
    assert!(c.message.contains("(10.0%)"), "{}", c.message);
}

/// The domestic-only counterfactual of a plan on foreign owned devices
/// costs the domestic purchase; the default counterfactual (no *new*
/// foreign devices) keeps the owned ones and costs nothing more.
#[test]
fn justification_counterfactual() {
    let pools = format!(
        "{}\n{}",
        pool(
            "x",
            "Acme X",
            "count = 1000\nownership = { kind = \"owned\", sunk = true }"
        ),
        pool(
            "buy-d",
            "Acme D",
            "ownership = { kind = \"purchasable\", unit_price_usd = 20000 }"
        )
    );
    let vs = scenario("\"min_cost\"", &pools, &training(100.0, 10.0), "", "");
    let j = fleetplan::plan::justify(&vs, &fractional()).expect("justifies");
    assert_eq!(j.foreign_pools_used, vec!["x".to_owned()]);
    let extra = j.counterfactual.extra_cost_usd.expect("feasible").get();
    assert_relative_eq!(extra, 0.0, epsilon = 1e-6);
    let j = fleetplan::plan::justify_with(
        &vs,
        &fractional(),
        fleetplan::plan::CounterfactualScope::AllForeign,
    )
    .expect("justifies");
    let extra = j.counterfactual.extra_cost_usd.expect("feasible").get();
    assert_relative_eq!(extra, 100.0 * 20_000.0, max_relative = 1e-3);
    assert!(j.memo.contains("dearer"), "{}", j.memo);
}
