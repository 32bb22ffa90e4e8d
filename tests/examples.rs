//! Every example is also a test: each example file is compiled here as a
//! module and its `run()` is called; the key figures are asserted against
//! published numbers or metamorphic relations, never against the example's
//! own output.

#[allow(dead_code)]
#[path = "../examples/hybrid_fleet.rs"]
mod hybrid_fleet;

use fleetplan::plan::PlanStatus;
use fleetplan::workload::PhaseKind;

#[test]
fn hybrid_fleet_trains_on_nvidia_and_serves_mostly_on_ascend() {
    let s = hybrid_fleet::run().expect("example runs");
    let j = &s.justification;
    let plan = &j.plan;
    assert_eq!(plan.status, PlanStatus::Optimal);
    assert!(plan.verified, "{}", plan.verification);
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
    // the domestic-share rule is not the reason: removing it changes nothing
    // (a rule that does not bind cannot change the optimum)
    let cost = plan.cost.total_usd.get();
    assert!((s.cost_without_domestic_rule - cost).abs() <= 1e-6 * cost);
    assert!(
        !plan
            .binding
            .iter()
            .any(|b| b.constraint.starts_with("domestic"))
    );
    // the domestic-only counterfactual cannot be cheaper (it has fewer pools)
    let cf = &j.counterfactual;
    match cf.status {
        PlanStatus::Optimal | PlanStatus::Feasible => {
            assert!(cf.extra_cost_usd.expect("feasible") >= -1e-6 * cost);
            assert!(!s.domestic_only_training.is_empty());
        }
        _ => assert!(cf.infeasibility.is_some()),
    }
    // the cost breakdown adds up
    let c = &plan.cost;
    let sum = c.capex_usd.get() + c.rental_usd.get() + c.energy_usd.get() + c.levy_usd.get();
    assert!((sum - cost).abs() <= 1e-9 * cost.max(1.0));
}
