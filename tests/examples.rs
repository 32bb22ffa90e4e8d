//! Every example is also a test: each example file is compiled here as a
//! module and its `run()` is called; the key figures are asserted against
//! published numbers or metamorphic relations, never against the example's
//! own output.

#[allow(dead_code)]
#[path = "../examples/hybrid_fleet.rs"]
mod hybrid_fleet;

use hybrid_fleet::timeline as hybrid_timeline;

use fleetplan::plan::PlanStatus;
use fleetplan::workload::PhaseKind;

#[test]
fn hybrid_fleet_trains_on_nvidia_and_serves_mostly_on_ascend() {
    let s = hybrid_fleet::run().expect("example runs");
    let j = &s.justification;
    let plan = &j.plan;
    assert_eq!(plan.status, PlanStatus::Optimal);
    assert!(plan.verified, "{}", plan.verification);
    assert!(s.extra_plans_verified);
    // every phase is fully met by its deadline
    for ph in &plan.phases {
        assert!(
            ph.demand_met >= 1.0 - 1e-6,
            "{} met {}",
            ph.name,
            ph.demand_met
        );
        assert!(ph.finishes_at_hours.is_some(), "{} unfinished", ph.name);
    }
    let kind = |name: &str| plan.phases.iter().find(|p| p.name == name).map(|p| p.kind);
    // training on Nvidia only, inference mostly on Ascend
    for a in &plan.assignments {
        if kind(&a.phase).is_some_and(|k| k.is_training()) {
            assert!(!a.domestic, "training on {}", a.pool);
        }
    }
    assert_eq!(kind("serve"), Some(PhaseKind::Inference));
    assert!(
        s.domestic_inference_share > 0.5,
        "{}",
        s.domestic_inference_share
    );
    // removing a rule never makes the plan dearer, and it makes it cheaper
    // exactly when the rule binds (a rule that does not bind cannot change
    // the optimum)
    let cost = plan.cost.total_usd.get();
    let binds = plan
        .binding
        .iter()
        .any(|b| b.constraint.starts_with("domestic"));
    assert!(s.cost_without_domestic_rule <= cost * (1.0 + 1e-6));
    assert_eq!(
        s.cost_without_domestic_rule < cost * (1.0 - 1e-6),
        binds,
        "without the rule {} vs {cost}",
        s.cost_without_domestic_rule
    );
    // the domestic-only counterfactual cannot be cheaper (it has fewer pools)
    let cf = &j.counterfactual;
    match cf.status {
        PlanStatus::Optimal | PlanStatus::Feasible => {
            assert!(cf.extra_cost_usd.expect("feasible").get() >= -1e-6 * cost);
            assert!(!s.domestic_only_training.is_empty());
        }
        _ => assert!(cf.infeasibility.is_some()),
    }
    // the cost breakdown adds up
    let c = &plan.cost;
    let sum = c.capex_usd.get() + c.rental_usd.get() + c.energy_usd.get() + c.levy_usd.get();
    assert!((sum - cost).abs() <= 1e-9 * cost.max(1.0));
}

#[allow(dead_code)]
#[path = "../examples/deepseek_v3_replay.rs"]
mod deepseek_v3_replay;

/// Published figures (arXiv 2412.19437; ISCA'25): each within 5%. A
/// consistency check (the MFU is this run's): it tests the FLOP count per
/// token and the arithmetic, not a prediction (see `calibration_*`).
#[test]
fn deepseek_v3_replay_is_consistent_with_the_published_figures() {
    let rows = deepseek_v3_replay::run().expect("example runs");
    let published = [385.0, 2_664.0, 180.0, 54.2, 2_788.0, 5.576];
    assert_eq!(rows.len(), published.len());
    for (r, p) in rows.iter().zip(published) {
        assert!((r.published - p).abs() <= 1e-9 * p, "{}", r.what);
        let err = (r.computed - p).abs() / p;
        assert!(
            err <= 0.05,
            "{}: {} vs {p} ({:.2}%)",
            r.what,
            r.computed,
            100.0 * err
        );
    }
}

#[allow(dead_code)]
#[path = "../examples/export_shock.rs"]
mod export_shock;

/// Metamorphic: taking an option away (revoking a licence) or making it
/// dearer (a larger levy) can never make the least-cost plan cheaper.
#[test]
fn export_shocks_never_make_the_plan_cheaper() {
    let plans = export_shock::run().expect("example runs");
    assert_eq!(plans.len(), 3);
    let base = &plans[0].1;
    for (label, p) in &plans {
        assert!(p.verified, "{label}: {}", p.verification);
        assert_eq!(p.status, PlanStatus::Optimal, "{label}");
        let (c, b) = (p.cost.total_usd.get(), base.cost.total_usd.get());
        assert!(c >= b * (1.0 - 1e-6), "{label}: {c} < {b}");
    }
    let revoked = &plans[1].1;
    assert!(
        revoked
            .purchases
            .iter()
            .all(|b| b.accelerator != "H20" || b.devices == 0.0),
        "a prohibited accelerator is bought"
    );
    assert!(revoked.cost.levy_usd.get() <= 1e-6);
}

#[allow(dead_code)]
#[path = "../examples/ascend_breakeven.rs"]
mod ascend_breakeven;

#[test]
fn ascend_breakeven_brackets_a_switch() {
    let b = ascend_breakeven::run().expect("example runs");
    let (lo, below) = &b.below;
    assert!(below.verified && !ascend_breakeven::trains_on_ascend(below));
    // the published 30% (arXiv 2505.04519) keeps pre-training on Nvidia
    assert!(*lo >= 0.30 - 1e-12);
    let (hi, above) = b.above.as_ref().expect("a break-even below 100% MFU");
    assert!(above.verified && ascend_breakeven::trains_on_ascend(above));
    assert!(hi > lo && hi - lo <= 0.005 + 1e-12);
    // metamorphic: a better Ascend MFU never makes the plan dearer
    assert!(above.cost.total_usd.get() <= below.cost.total_usd.get() * (1.0 + 1e-6));
    // re-planning at the bracket's ends reproduces the classification
    let again = ascend_breakeven::plan_at(*hi).expect("plans");
    assert!(again.verified && ascend_breakeven::trains_on_ascend(&again));
}

#[allow(dead_code)]
#[path = "../examples/calibration.rs"]
mod calibration;

/// Every published figure of the calibration, and the error measured for
/// each (`cargo run --release --example calibration`). The bands
/// are half a percentage point wide around the measured error: a change that
/// moves any prediction, for better or worse, fails here and must update
/// this table, BENCHMARKS.md and the CHANGELOG. The published values are
/// pinned too, so a typo in a source figure cannot pass as an improvement.
const MEASURED: &[(&str, calibration::Kind, f64, f64)] = &[
    // key, kind, published, measured relative error
    (
        "v3-gpu-hours",
        calibration::Kind::Consistency,
        2_664.0,
        0.0126,
    ),
    ("ds67b-gpu-hours", calibration::Kind::HeldOut, 300.6, 0.0105),
    ("v2-gpu-hours", calibration::Kind::HeldOut, 172.8, -0.3480),
    (
        "llama3-gpu-hours",
        calibration::Kind::HeldOut,
        30.84,
        -0.0765,
    ),
    (
        "v3-from-llama",
        calibration::Kind::HeldOut,
        2_664.0,
        -0.0386,
    ),
    // issue 17: training efficiency at scale against two published runs
    ("llama3-16k-mfu", calibration::Kind::HeldOut, 41.0, 0.0487),
    (
        "pangu-linearity-4k",
        calibration::Kind::HeldOut,
        96.0,
        -0.0381,
    ),
    ("llama3-goodput", calibration::Kind::HeldOut, 0.90, -0.0525),
    (
        "day6-prefill",
        calibration::Kind::Consistency,
        4_025.862_5,
        0.0006,
    ),
    (
        "day6-decode",
        calibration::Kind::Consistency,
        1_850.0,
        -0.0126,
    ),
    ("h20-prefill", calibration::Kind::HeldOut, 2_062.5, -0.7001),
    ("h20-decode", calibration::Kind::HeldOut, 714.0, -0.1531),
    (
        "h20-prefill-own",
        calibration::Kind::Consistency,
        2_062.5,
        0.0001,
    ),
    ("910c-prefill", calibration::Kind::HeldOut, 6_688.0, -0.5301),
    ("910c-decode", calibration::Kind::HeldOut, 1_943.0, 0.0929),
    (
        "910c-prefill-own",
        calibration::Kind::Consistency,
        6_688.0,
        0.0011,
    ),
    (
        "910c-decode-own",
        calibration::Kind::Consistency,
        1_943.0,
        -0.0064,
    ),
];

#[test]
fn calibration_errors_are_the_measured_ones() {
    let c = calibration::run().expect("example runs");
    assert_eq!(c.rows.len(), MEASURED.len());
    for (r, &(key, kind, published, err)) in c.rows.iter().zip(MEASURED) {
        assert_eq!(r.key, key);
        assert_eq!(r.kind, kind, "{key}");
        assert!(
            (r.published - published).abs() <= 1e-9 * published,
            "{key}: published {} vs {published}",
            r.published
        );
        assert!(
            (r.error() - err).abs() <= 0.005,
            "{key}: error {:+.4} moved from the measured {err:+.4} (model {} vs published {})",
            r.error(),
            r.predicted,
            r.published
        );
        assert!(!r.source.is_empty() && !r.note.is_empty(), "{key}");
    }
    // held-out predictions are the majority, and at least one is far off:
    // the table is not tuned to look good
    let held = c
        .rows
        .iter()
        .filter(|r| r.kind == calibration::Kind::HeldOut);
    assert!(held.clone().count() >= 9);
    assert!(held.clone().any(|r| r.error().abs() > 0.5));
    // the roofline defaults are Day-6 fits, rounded (a consistency check)
    let d = |s: fleetplan::catalog::Sourced<fleetplan::units::Fraction>| {
        s.value.map_or(f64::NAN, fleetplan::units::Fraction::get)
    };
    let (c_fit, m_fit) = (
        c.day6_compute_efficiency.get(),
        c.day6_memory_efficiency.get(),
    );
    let h800 = fleetplan::catalog::Catalog::builtin();
    let h800 = h800.get("H800").expect("builtin");
    let day6 = |stage| {
        fleetplan::perf::defaults::serving_efficiency(
            h800,
            fleetplan::fleet::SoftwareStack::Cuda,
            stage,
        )
    };
    use fleetplan::perf::defaults::ServingStage;
    assert!((d(day6(ServingStage::Prefill)) - c_fit).abs() < 0.0006);
    assert!((d(day6(ServingStage::Decode)) - m_fit).abs() < 0.005);
}

/// The flagship over time: the plan verifies and meets every phase; its
/// purchases obey the timeline (H20 arriving before the supply ends, H200
/// ordered only inside the licence window before China's customs block,
/// Ascend arrivals within the delivery schedule); and each what-if moves
/// the cost the way removing or adding an option must (metamorphic
/// relations, not the example's own figures).
#[test]
fn hybrid_timeline_follows_the_policy_timeline() {
    let s = hybrid_timeline::run().expect("example runs");
    let plan = &s.justification.plan;
    assert!(matches!(
        plan.status,
        PlanStatus::Optimal | PlanStatus::Feasible
    ));
    assert!(plan.gap <= 1e-3, "gap {}", plan.gap);
    assert!(plan.verified, "{}", plan.verification);
    assert!(s.relaxation.verified, "{}", s.relaxation.verification);
    for ph in &plan.phases {
        assert!(
            ph.demand_met >= 1.0 - 1e-6,
            "{} met {}",
            ph.name,
            ph.demand_met
        );
    }
    // the whole-device plan costs at least its relaxation
    let (whole, lp) = (plan.cost.total_usd.get(), s.relaxation.cost.total_usd.get());
    assert!(whole >= lp * (1.0 - 1e-9), "{whole} < {lp}");
    assert_eq!(plan.periods.len(), 16);
    for b in plan.purchases.iter().filter(|b| b.devices > 0.0) {
        match b.pool.as_str() {
            // the H20 schedule ends on 1 Nov 2025 (day 78)
            "h20-buy" => assert!(b.arrives_day.get() < 78.0, "{b:?}"),
            // licensed from 8 Dec 2025 (day 115), refused from 14 Jan 2026 (day 152)
            "h200-buy" => assert!(
                b.ordered_day.get() >= 115.0 && b.ordered_day.get() < 152.0,
                "{b:?}"
            ),
            "ascend-910c-buy" => assert!(b.arrives_day.get() >= 90.0, "{b:?}"),
            other => panic!("buys {other}"),
        }
        // a licensed purchase pays its levy; the 910C none
        assert_eq!(b.levy_usd.get() > 0.0, b.pool != "ascend-910c-buy", "{b:?}");
        // depreciation inside the horizon charges less than the cash
        assert!(b.capital_charge_usd.get() < b.cost_usd.get(), "{b:?}");
    }
    let mut ascend_by_period = std::collections::BTreeMap::new();
    for b in plan
        .purchases
        .iter()
        .filter(|b| b.pool == "ascend-910c-buy")
    {
        let q = (b.arrives_day.get() / 30.0).floor() as i64;
        *ascend_by_period.entry(q).or_insert(0.0) += b.devices;
    }
    for (q, n) in ascend_by_period {
        let cap = if 30.0 * q as f64 >= 139.0 {
            5_000.0
        } else {
            2_500.0
        };
        assert!(n <= cap + 1e-6, "period {q}: {n} Ascend arrive");
    }
    let base = lp;
    let what = |name: &str| {
        s.what_ifs
            .iter()
            .find(|w| w.name.starts_with(name))
            .unwrap_or_else(|| panic!("what-if {name}"))
    };
    for w in &s.what_ifs {
        assert!(
            w.cost_usd.is_none() || w.verified,
            "{} not verified",
            w.name
        );
    }
    // taking an option away never makes the plan cheaper
    if let Some(c) = what("no H200 window").cost_usd {
        assert!(c >= base * (1.0 - 1e-9));
    }
    // adding supply or removing a rule never makes it dearer
    let never_halted = what("H20 production never halted")
        .cost_usd
        .expect("a plan");
    assert!(never_halted <= base * (1.0 + 1e-9));
    let free = what("no domestic share").cost_usd.expect("a plan");
    assert!(free <= base * (1.0 + 1e-9));
    // dearer levies never make it cheaper; cash charges at least the depreciation
    let levied = what("every revenue share").cost_usd.expect("a plan");
    assert!(levied >= base * (1.0 - 1e-9));
    let cash = what("purchases charged as cash").cost_usd.expect("a plan");
    assert!(cash >= base * (1.0 - 1e-9));
    // the default counterfactual keeps the owned foreign devices
    assert_eq!(
        s.justification.scope,
        fleetplan::plan::CounterfactualScope::NewForeign
    );
}

#[allow(dead_code)]
#[path = "../examples/risk_hedge.rs"]
mod risk_hedge;

/// The risk story: every branch of every point verified; the expected cost
/// is a concave function of the failure's probability (a minimum over
/// decisions of costs affine in p) with its end at p = 0 equal to the plan
/// without the failure risk; VSS and EVPI are never negative.
#[test]
fn risk_hedge_is_concave_in_the_failure_probability() {
    let pts = risk_hedge::run().expect("example runs");
    assert_eq!(pts.len(), 11);
    for x in &pts {
        assert!(x.verified, "p {}", x.p);
        assert!(x.expected_usd.is_finite() && x.expected_usd > 0.0);
        if let Some(v) = x.vss_usd {
            assert!(v >= -1e-6 * x.expected_usd, "p {}: VSS {v}", x.p);
        }
        let evpi = x.evpi_usd.expect("EVPI");
        assert!(evpi >= -1e-6 * x.expected_usd, "p {}: EVPI {evpi}", x.p);
    }
    for w in pts.windows(3) {
        let mid = 0.5 * (w[0].expected_usd + w[2].expected_usd);
        assert!(
            w[1].expected_usd >= mid - 1e-7 * mid,
            "not concave at p {}: {} < {mid}",
            w[1].p,
            w[1].expected_usd
        );
    }
    let text = format!("{}\n{}", risk_hedge::SCENARIO, risk_hedge::PRESSED);
    let vs = fleetplan::scenario::Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .expect("valid");
    let without = fleetplan::risk::plan_risk(
        &vs,
        &fleetplan::plan::PlanOptions::default().with_fractional(true),
    )
    .expect("plans");
    let e0 = without.summary.expected_cost_usd.expect("cost").get();
    approx::assert_relative_eq!(pts[0].expected_usd, e0, max_relative = 1e-7);
}

#[allow(dead_code)]
#[path = "../examples/build_in_code.rs"]
mod build_in_code;

/// The flagship built with the typed API is the TOML's scenario, field for
/// field, and plans to the same JSON bytes; the plan verifies.
#[test]
fn build_in_code_is_the_toml_flagship() {
    let (built, p, report) = build_in_code::run().expect("example runs");
    let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml").expect("read");
    let from_toml = fleetplan::scenario::Scenario::from_toml_str(&text).expect("parses");
    assert_eq!(built, from_toml);
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(p.status, PlanStatus::Optimal);
    assert!(p.verified);
    let vs = from_toml.validate().expect("valid");
    let q = fleetplan::plan::plan(
        &vs,
        &fleetplan::plan::PlanOptions::default().with_fractional(true),
    )
    .expect("plans");
    assert_eq!(
        p.to_json().expect("json"),
        q.to_json().expect("json"),
        "same plan from code and from TOML"
    );
}
