//! Planning under risk on hand-solved trees: buy now at a known price or
//! wait for a licence that may be revoked.
//!
//! The family: a 30-day horizon from 2025-08-15; an inference phase needs
//! exactly 10 devices from day 10 to day 30 (1 output token/s per device,
//! energy not priced). Two pools:
//!
//! * `x`: Acme X (US) to buy, $36,525 a device, life 1 year, no residual:
//!   the depreciation charged is $100 per device per day in service until
//!   the horizon (bought on day 0: 30 days = $3,000; on day 10: $2,000);
//! * `d`: Acme D (CN) to rent at `rent` USD an hour (at $10: $240 a day,
//!   $4,800 per device over days 10-30).
//!
//! The risk: on day 10 (2025-08-25) the sale of Acme X to CN is prohibited
//! with probability `p`. Bought devices stay usable (a sale rule). Let `y`
//! be the devices bought on day 0 (shared by both branches: nobody knows
//! on day 0). Then
//!
//! ```text
//! no revocation (1 − p): buy 10 − y on day 10 at $2,000      → 3,000·y + 2,000·(10 − y)
//! revocation (p):        rent 10 − y for 20 days at $4,800  → 3,000·y + 4,800·(10 − y)
//! E[cost](y) = 3,000·y + (10 − y)·(2,000 + 2,800·p)
//! ```
//!
//! so buying now pays when `p > 1,000 / 2,800 = 0.357`. At p = 0.5: y = 10,
//! E = $30,000. The deterministic plan (no revocation) buys on day 10
//! (y = 0); under the risks it costs 0.5·20,000 + 0.5·48,000 = $34,000:
//! VSS = $4,000. Wait-and-see: 0.5·20,000 (no revocation, buy on day 10)
//! plus 0.5·30,000 (revocation known: buy on day 0) = $25,000: EVPI = $5,000.
//! At p = 0.2: y = 0, E = 20,000 + 5,600 = $25,600, the deterministic plan
//! is the stochastic one (VSS = 0), wait-and-see 0.8·20,000 + 0.2·30,000 =
//! $22,000: EVPI = $3,600.

mod common;

use approx::assert_relative_eq;
use common::ACME;
use fleetplan::plan::{PlanOptions, PlanStatus, plan};
use fleetplan::risk::{RiskPlan, apply, joint_scenarios, plan_risk, verify_risk};
use fleetplan::scenario::{Scenario, ValidatedScenario};
use proptest::prelude::*;

const REVOKED: &str =
    r#"rule = { accelerators = ["Acme X"], destination = "CN", status = "prohibited" }"#;

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
    format!("[[risks]]\nname = \"revoked\"\nprobability = {p}\non = \"2025-08-25\"\n{REVOKED}\n")
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

/// Plans under risk and checks what must hold of every plan: optimal,
/// every branch verified, `verify_risk` passes.
fn planned(vs: &ValidatedScenario, opts: &PlanOptions) -> RiskPlan {
    let rp = plan_risk(vs, opts).expect("plans under risk");
    assert_eq!(rp.summary.status, PlanStatus::Optimal, "{}", rp.to_table());
    for b in &rp.branches {
        assert!(b.verified, "{}: {}", b.scenario, b.verification);
    }
    let r = verify_risk(vs, &rp);
    assert!(r.is_ok(), "{r}");
    rp
}

fn usd(v: Option<fleetplan::units::Usd>) -> f64 {
    v.expect("a figure").get()
}

fn bought_on_day_0(rp: &RiskPlan) -> f64 {
    rp.summary
        .here_and_now
        .iter()
        .filter(|d| d.kind == "buy" && d.pool == "x" && d.day == 0.0)
        .map(|d| d.devices)
        .sum()
}

#[test]
fn likely_revocation_buys_now_hand_solved() {
    let vs = validated(&text(10.0, &revocation(0.5)));
    for opts in [frac(), PlanOptions::default()] {
        let rp = planned(&vs, &opts);
        let s = &rp.summary;
        assert_eq!(s.scenarios.len(), 2);
        assert_relative_eq!(bought_on_day_0(&rp), 10.0, max_relative = 1e-9);
        assert_relative_eq!(usd(s.expected_cost_usd), 30_000.0, max_relative = 1e-7);
        assert_relative_eq!(usd(s.deterministic_cost_usd), 20_000.0, max_relative = 1e-7);
        assert_relative_eq!(
            usd(s.deterministic_expected_usd),
            34_000.0,
            max_relative = 1e-7
        );
        assert_relative_eq!(s.vss_usd.expect("vss"), 4_000.0, max_relative = 1e-7);
        assert_relative_eq!(usd(s.wait_and_see_usd), 25_000.0, max_relative = 1e-7);
        assert_relative_eq!(s.evpi_usd.expect("evpi"), 5_000.0, max_relative = 1e-7);
        // both branches cost the same (everything bought on day 0)
        assert_relative_eq!(usd(s.cost_p90_usd), 30_000.0, max_relative = 1e-7);
        assert_relative_eq!(usd(s.cvar_usd), 30_000.0, max_relative = 1e-7);
        for o in &s.scenarios {
            assert_eq!(o.finishes.get("serve").copied().flatten(), Some(30.0));
        }
    }
}

#[test]
fn unlikely_revocation_waits_hand_solved() {
    let vs = validated(&text(10.0, &revocation(0.2)));
    let rp = planned(&vs, &frac());
    let s = &rp.summary;
    assert!(bought_on_day_0(&rp) < 1e-9, "{}", rp.to_table());
    assert_relative_eq!(usd(s.expected_cost_usd), 25_600.0, max_relative = 1e-7);
    assert_relative_eq!(s.vss_usd.expect("vss"), 0.0, epsilon = 1e-6);
    assert_relative_eq!(s.evpi_usd.expect("evpi"), 3_600.0, max_relative = 1e-7);
    // costs: 20,000 (p 0.8) and 48,000 (p 0.2): P50 20,000, P90 48,000;
    // CVaR_0.9 is the worst 10%: 48,000
    assert_relative_eq!(usd(s.cost_p50_usd), 20_000.0, max_relative = 1e-7);
    assert_relative_eq!(usd(s.cost_p90_usd), 48_000.0, max_relative = 1e-7);
    assert_relative_eq!(usd(s.cvar_usd), 48_000.0, max_relative = 1e-7);
    let json = rp.to_json().expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("parses");
    let risk = &v["risk"];
    for key in [
        "expected_cost_usd",
        "cvar_usd",
        "vss_usd",
        "evpi_usd",
        "scenarios",
    ] {
        assert!(!risk[key].is_null(), "{key} missing: {json}");
    }
    let sc = &risk["scenarios"][1];
    assert_eq!(sc["name"], "revoked");
    assert_relative_eq!(sc["probability"].as_f64().unwrap_or(0.0), 0.2);
    assert_relative_eq!(
        sc["cost_usd"].as_f64().unwrap_or(0.0),
        48_000.0,
        max_relative = 1e-7
    );
    assert_relative_eq!(sc["finishes"]["serve"].as_f64().unwrap_or(0.0), 30.0);
}

/// With CVaR weighted in, the tail matters: at p = 0.2 and λ = 1, α = 0.5
/// the objective is E + CVaR_0.5. For y bought on day 0: E = 3,000y +
/// (10−y)·2,560 and the worst half is the revocation branch (p 0.2) plus
/// 0.3 of the other: CVaR_0.5 = (0.2·(3,000y + 4,800(10−y)) + 0.3·(3,000y +
/// 2,000(10−y)))/0.5 = 3,000y + (10−y)·3,120. Per device: buy now 6,000
/// vs wait 2,560 + 3,120 = 5,680: still waits. At λ = 2: 9,000 vs 8,800,
/// still waits; at λ = 3: 12,000 vs 11,920; the hedge needs λ ≥ 4: 15,000
/// vs 15,040: buy now.
#[test]
fn cvar_weight_moves_the_hedge() {
    let with = |lambda: f64| {
        let risks = format!(
            "{}\n[risk]\ncvar_alpha = 0.5\ncvar_weight = {lambda}\n",
            revocation(0.2)
        );
        planned(&validated(&text(10.0, &risks)), &frac())
    };
    let low = with(3.0);
    assert!(bought_on_day_0(&low) < 1e-9, "{}", low.to_table());
    let high = with(4.0);
    assert_relative_eq!(bought_on_day_0(&high), 10.0, max_relative = 1e-9);
    // expected cost 30,000 > 25,600: the price of the lighter tail
    assert_relative_eq!(
        usd(high.summary.expected_cost_usd),
        30_000.0,
        max_relative = 1e-7
    );
    assert_relative_eq!(usd(high.summary.cvar_usd), 30_000.0, max_relative = 1e-7);
}

/// One joint scenario of probability 1 is the ordinary plan of that
/// scenario; a risk of probability 0 changes nothing.
#[test]
fn certain_and_impossible_risks_are_plain_plans() {
    let sure = validated(&text(10.0, &revocation(1.0)));
    let rp = planned(&sure, &frac());
    assert_eq!(rp.summary.scenarios.len(), 1);
    let js = joint_scenarios(sure.scenario());
    let applied = apply(&sure, &js[0]).validate().expect("valid");
    let plain = plan(&applied, &frac()).expect("plans");
    assert_relative_eq!(
        usd(rp.summary.expected_cost_usd),
        plain.cost.total_usd.get(),
        max_relative = 1e-9
    );
    assert_relative_eq!(plain.cost.total_usd.get(), 30_000.0, max_relative = 1e-7);

    let never = validated(&text(10.0, &revocation(0.0)));
    let rp = planned(&never, &frac());
    let base = plan(&validated(&text(10.0, "")), &frac()).expect("plans");
    assert_eq!(rp.summary.scenarios.len(), 1);
    assert_relative_eq!(
        usd(rp.summary.expected_cost_usd),
        base.cost.total_usd.get(),
        max_relative = 1e-9
    );
    assert_eq!(rp.branches[0].purchases, base.purchases);
    assert_eq!(rp.branches[0].schedule, base.schedule);
    assert_relative_eq!(rp.summary.evpi_usd.expect("evpi"), 0.0, epsilon = 1e-6);
    assert_relative_eq!(rp.summary.vss_usd.expect("vss"), 0.0, epsilon = 1e-6);
}

/// The verifier rejects a plan whose branches differ on a decision taken
/// before anyone can tell them apart, and a wrong expected cost.
#[test]
fn verify_rejects_anticipation() {
    let vs = validated(&text(10.0, &revocation(0.5)));
    let rp = planned(&vs, &frac());
    let mut bad = rp.clone();
    let b = &mut bad.branches[1];
    let buy = b
        .purchases
        .iter_mut()
        .find(|p| p.pool == "x" && p.ordered_day.get() == 0.0)
        .expect("the day-0 purchase");
    buy.devices -= 1.0;
    let r = verify_risk(&vs, &bad);
    assert!(!r.is_ok());
    assert!(
        r.failures()
            .any(|c| c.name.starts_with("nonanticipativity[purchase x day 0.0]")),
        "{r}"
    );
    // the branch itself no longer verifies either (it serves with devices
    // it did not buy)
    assert!(r.failures().any(|c| c.name == "branch[revoked]"), "{r}");

    let mut bad = rp.clone();
    bad.summary.expected_cost_usd = Some(fleetplan::units::Usd::from_raw(29_000.0));
    let r = verify_risk(&vs, &bad);
    assert_eq!(
        r.failures().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        vec!["risk.expected_cost"]
    );
}

#[test]
fn same_input_same_bytes() {
    let vs = validated(&text(10.0, &revocation(0.5)));
    let a = planned(&vs, &frac()).to_json().expect("json");
    let b = planned(&vs, &frac()).to_json().expect("json");
    assert_eq!(a, b);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Over the family: EVPI ≥ 0, VSS ≥ 0, the stochastic plan's expected
    /// cost is never above the deterministic plan's evaluated one, and it
    /// matches the closed form min over y of E[cost](y).
    #[test]
    fn value_of_information_and_solution_are_nonnegative(
        p in 0.01f64..0.99,
        rent in 4.0f64..20.0,
    ) {
        let vs = validated(&text(rent, &revocation(p)));
        let rp = planned(&vs, &frac());
        let s = &rp.summary;
        let e = usd(s.expected_cost_usd);
        prop_assert!(s.evpi_usd.expect("evpi") >= -1e-6 * e);
        prop_assert!(s.vss_usd.expect("vss") >= -1e-6 * e);
        prop_assert!(e <= usd(s.deterministic_expected_usd) * (1.0 + 1e-9));
        // closed form: per device, buy now $3,000, or wait: $2,000 if not
        // revoked, else the cheaper of renting (20·24·rent) ... and if
        // renting 20 days is dearer than $2,000 the base plan buys on day 10
        let rent20 = 20.0 * 24.0 * rent;
        let wait = (1.0 - p) * rent20.min(2_000.0) + p * rent20;
        let want = 10.0 * wait.min(3_000.0);
        prop_assert!((e - want).abs() <= 1e-6 * want, "{} vs {}", e, want);
    }

    /// Adding a risk of probability 0 changes nothing.
    #[test]
    fn zero_probability_changes_nothing(p in 0.05f64..0.95) {
        let one = validated(&text(10.0, &revocation(p)));
        let slip = "[[risks]]\nname = \"never\"\nprobability = 0\non = \"2025-08-20\"\ndemand = { phase = \"serve\", scale = 3 }\n";
        let two = validated(&text(10.0, &format!("{}{slip}", revocation(p))));
        let a = planned(&one, &frac());
        let b = planned(&two, &frac());
        prop_assert_eq!(a.summary.scenarios.len(), b.summary.scenarios.len());
        let (ea, eb) = (usd(a.summary.expected_cost_usd), usd(b.summary.expected_cost_usd));
        prop_assert!((ea - eb).abs() <= 1e-9 * ea);
        prop_assert_eq!(&a.summary.here_and_now, &b.summary.here_and_now);
    }
}

/// Bad risk sections are typed issues with the field's path, all at once.
#[test]
fn bad_risks_are_reported_with_paths() {
    let risks = r#"
[[risks]]
name = "a"
probability = 1.5
on = "2025-08-25"

[[risks]]
name = "a"
probability = 0.1
on = "2026-01-01"
demand = { phase = "nope", scale = 2 }
deliveries = { pool = "d" }
"#;
    let s = Scenario::from_toml_str(&text(10.0, risks)).expect("parses");
    let rep = s.validate().expect_err("invalid");
    let has = |code: &str, path: &str| rep.issues.iter().any(|i| i.code == code && i.path == path);
    assert!(has("E-NUMBER-RANGE", "risks[0].probability"), "{rep}");
    assert!(has("E-RISK-INVALID", "risks[0]"), "{rep}");
    assert!(has("E-NAME-DUPLICATE", "risks[1].name"), "{rep}");
    assert!(has("E-DATE-BEYOND-HORIZON", "risks[1].on"), "{rep}");
    assert!(has("E-PHASE-UNKNOWN", "risks[1].demand.phase"), "{rep}");
    assert!(has("E-RISK-INVALID", "risks[1].deliveries.pool"), "{rep}");
    assert!(has("E-RISK-INVALID", "risks[1].deliveries"), "{rep}");

    // 13 independent risks: the cap is named
    let many: String = (0..13)
        .map(|i| {
            format!(
                "[[risks]]\nname = \"r{i}\"\nprobability = 0.5\non = \"2025-08-25\"\ndemand = {{ phase = \"serve\", scale = 1.1 }}\n"
            )
        })
        .collect();
    let rep = Scenario::from_toml_str(&text(10.0, &many))
        .expect("parses")
        .validate()
        .expect_err("too many");
    assert!(
        rep.issues
            .iter()
            .any(|i| i.code == "E-RISK-TOO-MANY" && i.fix.contains("risk.samples"))
    );
    // sampled instead: valid, deterministic given the seed, probabilities sum to 1
    let sampled = format!("{many}\n[risk]\nsamples = 200\nseed = 7\n");
    let vs = validated(&text(10.0, &sampled));
    let a = joint_scenarios(vs.scenario());
    let b = joint_scenarios(vs.scenario());
    assert_eq!(a, b);
    let total: f64 = a.iter().map(|j| j.probability).sum();
    assert_relative_eq!(total, 1.0, max_relative = 1e-12);
    assert!(a.len() > 1);
}

/// Listed joint scenarios: the probabilities must sum to 1; each is
/// planned with its own events.
#[test]
fn listed_joint_scenarios() {
    let risks = format!(
        "{}\n[[risk_scenarios]]\nname = \"calm\"\nprobability = 0.5\n\n[[risk_scenarios]]\nname = \"ban\"\nprobability = 0.4\nrisks = [\"revoked\"]\n",
        revocation(0.5).replace("probability = 0.5\n", "")
    );
    let rep = Scenario::from_toml_str(&text(10.0, &risks))
        .expect("parses")
        .validate()
        .expect_err("sums to 0.9");
    assert!(
        rep.issues
            .iter()
            .any(|i| i.code == "E-RISK-INVALID" && i.path == "risk_scenarios"),
        "{rep}"
    );
    let vs = validated(&text(10.0, &risks.replace("0.4", "0.5")));
    let rp = planned(&vs, &frac());
    // the same tree as the independent risk at p = 0.5
    assert_relative_eq!(
        usd(rp.summary.expected_cost_usd),
        30_000.0,
        max_relative = 1e-7
    );
    assert_eq!(rp.summary.scenarios[1].name, "ban");
}

/// A demand shock on day 20 (p = 1): 10 devices from day 10 and 15 from
/// day 20. Order days are the start and the days something changes: day
/// 10 (the phase's start) is not one here, so the first 10 are bought on
/// day 0 ($3,000 each, below renting 20 days at $4,800); the risk's date
/// cuts time and is an order day, so the 5 more are bought on day 20 (10
/// days of depreciation, $1,000 each, below renting 10 days at $2,400):
/// $35,000.
#[test]
fn demand_shock_from_its_day() {
    let shock = "[[risks]]\nname = \"surge\"\nprobability = 1\non = \"2025-09-04\"\ndemand = { phase = \"serve\", scale = 1.5 }\n";
    let vs = validated(&text(10.0, shock));
    let rp = planned(&vs, &frac());
    assert_relative_eq!(
        usd(rp.summary.expected_cost_usd),
        35_000.0,
        max_relative = 1e-7
    );
    let b = &rp.branches[0];
    let day20: f64 = b
        .purchases
        .iter()
        .filter(|p| p.ordered_day.get() == 20.0)
        .map(|p| p.devices)
        .sum();
    assert_relative_eq!(day20, 5.0, max_relative = 1e-9);
}
