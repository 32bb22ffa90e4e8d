//! The L-shaped decomposition of plans under risk against answers from
//! outside it: hand-solved trees (the family of `tests/risk.rs`) and the
//! extensive form solved by the engine on the same scenario.
//!
//! The family: a 30-day horizon from 2025-08-15; an inference phase needs
//! 10 devices from day 10 (1 output token/s per device, energy not priced).
//! Pool `x`: Acme X to buy, $100 per device per day in service until the
//! horizon (bought on day 0: $3,000; day 10: $2,000; day 20: $1,000). Pool
//! `d`: Acme D to rent at $10 an hour ($240 a day). Risk `revoked` (day 10,
//! probability p): the sale of Acme X is prohibited.
//!
//! With `y` bought on day 0 (shared by every branch),
//! `E(y) = 3,000·y + (10 − y)·(2,000 + 2,800·p)`: at p = 0.5, y = 10 and
//! E = $30,000; at p = 0.2, y = 0 and E = $25,600.
//!
//! Two dates: add `surge` (day 20, probability q, demand × 1.5: 5 devices
//! more for days 20–30). Without revocation they are bought on day 20
//! ($1,000 each, below renting at $2,400); with it, rented ($2,400 each).
//! Buying them on day 0 ($3,000) loses to waiting (expected
//! q·(0.5·1,000 + 0.5·2,400) ≤ 1,700), so at p = q = 0.5:
//! E = 30,000 + 0.5·(0.5·5,000 + 0.5·12,000) = $34,250.

mod common;

use approx::assert_relative_eq;
use common::ACME;
use fleetplan::plan::{PlanOptions, PlanStatus};
use fleetplan::risk::{RiskPlan, plan_risk, verify_risk};
use fleetplan::scenario::{Scenario, ValidatedScenario};
use proptest::prelude::*;

fn text(rent: f64, risks: &str) -> String {
    format!(
        r#"
name = "hedge"
start = "2025-08-15"
horizon_days = 30
jurisdiction = "CN"
objective = "min_cost"

{ACME}

[[pools]]
name = "x"
accelerator = "Acme X"
ownership = {{ kind = "purchasable", unit_price_usd = 36525 }}
life_years = 1

[[pools]]
name = "d"
accelerator = "Acme D"
ownership = {{ kind = "rentable", usd_per_hour = {rent} }}

[[phases]]
name = "serve"
kind = "inference"
model = {{ total_params = 1e9 }}
precision = "bf16"
tokens_per_day = {{ input = 0, output = 864000 }}
from_day = 10
[[phases.measured]]
accelerator = "Acme X"
prefill_tokens_per_s = 1e9
decode_tokens_per_s = 1
[[phases.measured]]
accelerator = "Acme D"
prefill_tokens_per_s = 1e9
decode_tokens_per_s = 1

{risks}
"#
    )
}

fn revocation(p: f64) -> String {
    format!(
        "[[risks]]\nname = \"revoked\"\nprobability = {p}\non = \"2025-08-25\"\n\
         rule = {{ accelerators = [\"Acme X\"], destination = \"CN\", status = \"prohibited\" }}\n"
    )
}

fn surge(q: f64, on: &str, scale: f64) -> String {
    format!(
        "[[risks]]\nname = \"surge\"\nprobability = {q}\non = \"{on}\"\n\
         demand = {{ phase = \"serve\", scale = {scale} }}\n"
    )
}

fn with_method(risks: &str, method: &str) -> String {
    format!("{risks}\n[risk]\nmethod = \"{method}\"\n")
}

fn validated(t: &str) -> ValidatedScenario {
    Scenario::from_toml_str(t)
        .unwrap_or_else(|e| panic!("parse: {e}\n{t}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{t}"))
}

fn frac() -> PlanOptions {
    PlanOptions::default().with_fractional(true)
}

/// Plans under risk: optimal, every branch verified, `verify_risk` passes.
fn planned(vs: &ValidatedScenario, opts: &PlanOptions) -> RiskPlan {
    let rp = plan_risk(vs, opts).expect("plans under risk");
    assert_eq!(rp.summary.status, PlanStatus::Optimal, "{}", rp.to_table());
    assert!(!rp.branches.is_empty());
    for b in &rp.branches {
        assert!(b.verified, "{}: {}", b.scenario, b.verification);
    }
    let r = verify_risk(vs, &rp);
    assert!(r.is_ok(), "{r}");
    rp
}

fn expected(rp: &RiskPlan) -> f64 {
    rp.summary.expected_cost_usd.expect("expected cost").get()
}

fn bought_on_day_0(rp: &RiskPlan) -> f64 {
    rp.summary
        .here_and_now
        .iter()
        .filter(|d| d.kind == "buy" && d.pool == "x" && d.day == 0.0)
        .map(|d| d.devices)
        .sum()
}

/// The same risks planned by the extensive form and by the decomposition;
/// asserts the decomposition was used and its bounds bracket the
/// extensive optimum at every iteration.
fn both(rent: f64, risks: &str) -> (RiskPlan, RiskPlan) {
    let ef = planned(
        &validated(&text(rent, &with_method(risks, "extensive"))),
        &frac(),
    );
    let de = planned(
        &validated(&text(rent, &with_method(risks, "decomposition"))),
        &frac(),
    );
    assert_eq!(ef.summary.solve.method, "extensive");
    assert_eq!(
        de.summary.solve.method,
        "decomposition",
        "{}",
        de.to_table()
    );
    let opt = expected(&ef);
    let tol = 1e-7 * opt.abs().max(1.0);
    let d = de.summary.solve.decomposition.as_ref().expect("figures");
    assert!(!d.bounds.is_empty());
    for (k, &(lo, up)) in d.bounds.iter().enumerate() {
        assert!(lo <= opt + tol, "iteration {k}: lower {lo} above {opt}");
        if let Some(up) = up {
            assert!(up >= opt - tol, "iteration {k}: upper {up} below {opt}");
        }
    }
    let lower = de.summary.solve.lower_bound_usd.expect("lower bound");
    assert!(lower <= opt + tol && lower >= opt - 1e-6 * opt.abs().max(1.0));
    assert_relative_eq!(expected(&de), opt, max_relative = 1e-6);
    (ef, de)
}

#[test]
fn likely_revocation_hand_solved() {
    let (ef, de) = both(10.0, &revocation(0.5));
    assert_relative_eq!(expected(&de), 30_000.0, max_relative = 1e-7);
    assert_relative_eq!(bought_on_day_0(&de), 10.0, max_relative = 1e-7);
    assert_relative_eq!(bought_on_day_0(&ef), 10.0, max_relative = 1e-7);
    let d = de.summary.solve.decomposition.as_ref().expect("figures");
    // one event date: each branch its own cluster
    assert_eq!(d.clusters, 2);
    assert!(d.first_stage >= 1);
    // VSS and EVPI as the extensive form's (hand-solved in tests/risk.rs)
    assert_relative_eq!(
        de.summary.vss_usd.expect("vss"),
        4_000.0,
        max_relative = 1e-6
    );
    assert_relative_eq!(
        de.summary.evpi_usd.expect("evpi"),
        5_000.0,
        max_relative = 1e-6
    );
}

#[test]
fn unlikely_revocation_hand_solved() {
    let (_, de) = both(10.0, &revocation(0.2));
    assert_relative_eq!(expected(&de), 25_600.0, max_relative = 1e-7);
    assert!(bought_on_day_0(&de) < 1e-7, "{}", de.to_table());
}

/// Two event dates: the clusters are the branches that share the day-10
/// history; the day-20 non-anticipativity stays inside them.
#[test]
fn two_dates_hand_solved() {
    let risks = format!("{}{}", revocation(0.5), surge(0.5, "2025-09-04", 1.5));
    let (ef, de) = both(10.0, &risks);
    assert_relative_eq!(expected(&de), 34_250.0, max_relative = 1e-7);
    assert_relative_eq!(bought_on_day_0(&de), 10.0, max_relative = 1e-7);
    assert_eq!(de.summary.scenarios.len(), 4);
    let d = de.summary.solve.decomposition.as_ref().expect("figures");
    assert_eq!(d.clusters, 2, "{}", de.to_table());
    // every branch costs what the extensive form's does (unique here)
    for (a, b) in ef.summary.scenarios.iter().zip(&de.summary.scenarios) {
        assert_eq!(a.name, b.name);
        let (ca, cb) = (a.cost_usd.expect("cost"), b.cost_usd.expect("cost"));
        assert_relative_eq!(ca.get(), cb.get(), max_relative = 1e-6);
    }
}

/// Whole devices (integer recourse) and a CVaR weight are solved by the
/// extensive form, and the plan says why.
#[test]
fn falls_back_with_a_reason() {
    let vs = validated(&text(10.0, &with_method(&revocation(0.5), "decomposition")));
    let rp = planned(&vs, &PlanOptions::default());
    assert_eq!(rp.summary.solve.method, "extensive");
    let note = rp.summary.solve.method_note.clone().expect("a reason");
    assert!(note.contains("whole devices"), "{note}");
    assert!(rp.to_table().contains("whole devices"));
    assert_relative_eq!(expected(&rp), 30_000.0, max_relative = 1e-7);

    let cvar = format!(
        "{}\n[risk]\nmethod = \"decomposition\"\ncvar_alpha = 0.5\ncvar_weight = 4\n",
        revocation(0.2)
    );
    let rp = planned(&validated(&text(10.0, &cvar)), &frac());
    assert_eq!(rp.summary.solve.method, "extensive");
    assert!(
        rp.summary
            .solve
            .method_note
            .as_deref()
            .is_some_and(|n| n.contains("CVaR"))
    );
    // the hedge of tests/risk.rs at λ = 4
    assert_relative_eq!(bought_on_day_0(&rp), 10.0, max_relative = 1e-9);
}

#[test]
fn same_input_same_bytes() {
    let risks = with_method(
        &format!("{}{}", revocation(0.5), surge(0.3, "2025-09-04", 1.5)),
        "decomposition",
    );
    let vs = validated(&text(10.0, &risks));
    let a = planned(&vs, &frac()).to_json().expect("json");
    let b = planned(&vs, &frac()).to_json().expect("json");
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).expect("parses");
    assert_eq!(v["risk"]["method"], "decomposition");
    assert!(v["risk"]["lower_bound_usd"].is_number());
    assert!(v["risk"]["decomposition"]["bounds"].is_array());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// On random small trees (one or two event dates, random
    /// probabilities, rents and surges) the decomposition's expected cost
    /// is the extensive form's, with honest bounds at every iteration.
    #[test]
    fn decomposition_equals_extensive(
        p in 0.05f64..0.95,
        q in 0.05f64..0.95,
        rent in 4.0f64..20.0,
        scale in 1.1f64..2.5,
        same_day in any::<bool>(),
    ) {
        let on = if same_day { "2025-08-25" } else { "2025-09-04" };
        let risks = format!("{}{}", revocation(p), surge(q, on, scale));
        both(rent, &risks);
    }
}

/// A first stage that some branch cannot live with: `x` (Acme X, lead
/// time 10 days, so only day-0 orders serve from day 10) is the cheap way
/// to serve in the calm branch, but where the use of Acme X is banned from
/// day 10 every device must be an Acme D bought on day 10 at twice the
/// price, and the capex budget (10 D + 5 X) then caps what may be bought
/// on day 0. The calm branch's own plan (10 X on day 0) is infeasible in
/// the ban branch: the decomposition needs a feasibility cut (from the
/// Farkas certificate) and still meets the extensive form.
#[test]
fn feasibility_cuts_meet_the_extensive_form() {
    let base = text(10.0, "")
        .replace(
            "ownership = { kind = \"purchasable\", unit_price_usd = 36525 }",
            "ownership = { kind = \"purchasable\", unit_price_usd = 36525, lead_time_days = 10 }",
        )
        .replace(
            "ownership = { kind = \"rentable\", usd_per_hour = 10 }",
            "ownership = { kind = \"purchasable\", unit_price_usd = 73050 }\nlife_years = 1",
        );
    assert!(base.contains("lead_time_days = 10") && base.contains("73050"));
    let risks = "[[risks]]\nname = \"ban\"\nprobability = 0.3\non = \"2025-08-25\"\n\
                 rule = { accelerators = [\"Acme X\"], destination = \"CN\", status = \"prohibited\", scope = \"use\" }\n\
                 \n[budget]\ncapex_usd = 913125\n";
    let run = |method: &str| {
        planned(
            &validated(&format!("{base}{}", with_method(risks, method))),
            &frac(),
        )
    };
    let ef = run("extensive");
    let de = run("decomposition");
    let d = de.summary.solve.decomposition.as_ref().expect("figures");
    assert!(d.feasibility_cuts >= 1, "{}", de.to_table());
    assert_relative_eq!(expected(&de), expected(&ef), max_relative = 1e-6);
    assert_relative_eq!(
        bought_on_day_0(&de),
        bought_on_day_0(&ef),
        max_relative = 1e-6
    );
}

/// The ban of `feasibility_cuts_meet_the_extensive_form` with a surge on
/// the same day: four clusters, so the master holds the most demanding
/// one whole (partial Benders). The master's points then respect the
/// budget the ban imposes, the method needs no feasibility cut, and it
/// meets the extensive form with honest bounds at every iteration.
#[test]
fn master_block_meets_the_extensive_form_without_feasibility_cuts() {
    let base = text(10.0, "")
        .replace(
            "ownership = { kind = \"purchasable\", unit_price_usd = 36525 }",
            "ownership = { kind = \"purchasable\", unit_price_usd = 36525, lead_time_days = 10 }",
        )
        .replace(
            "ownership = { kind = \"rentable\", usd_per_hour = 10 }",
            "ownership = { kind = \"purchasable\", unit_price_usd = 73050 }\nlife_years = 1",
        );
    let risks = format!(
        "[[risks]]\nname = \"ban\"\nprobability = 0.3\non = \"2025-08-25\"\n\
         rule = {{ accelerators = [\"Acme X\"], destination = \"CN\", status = \"prohibited\", scope = \"use\" }}\n\
         {}\n[budget]\ncapex_usd = 1400000\n",
        surge(0.4, "2025-08-25", 1.3)
    );
    let run = |method: &str| {
        planned(
            &validated(&format!("{base}{}", with_method(&risks, method))),
            &frac(),
        )
    };
    let ef = run("extensive");
    let de = run("decomposition");
    assert_eq!(
        de.summary.solve.method,
        "decomposition",
        "{}",
        de.to_table()
    );
    let d = de.summary.solve.decomposition.as_ref().expect("figures");
    assert_eq!(d.clusters, 4, "{}", de.to_table());
    let opt = expected(&ef);
    let tol = 1e-7 * opt.abs().max(1.0);
    for (k, &(lo, up)) in d.bounds.iter().enumerate() {
        assert!(lo <= opt + tol, "iteration {k}: lower {lo} above {opt}");
        if let Some(up) = up {
            assert!(up >= opt - tol, "iteration {k}: upper {up} below {opt}");
        }
    }
    assert_eq!(d.feasibility_cuts, 0, "{}", de.to_table());
    assert_relative_eq!(expected(&de), opt, max_relative = 1e-6);
    assert_relative_eq!(
        bought_on_day_0(&de),
        bought_on_day_0(&ef),
        max_relative = 1e-6
    );
}
