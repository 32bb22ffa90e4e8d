//! The flagship example: a Chinese lab in August 2025 with owned Hopper GPUs
//! and Ascend 910C for sale plans a frontier pre-training run, its
//! post-training and the launch of its inference service under US export
//! rules and China's own. Run with
//! `cargo run --release --example hybrid_fleet`.
//!
//! It first prints the flagship over time (`hybrid_timeline`: 16 monthly
//! periods, the policy timeline of Aug 2025 - Jan 2026, supply ramping and
//! ending, depreciated capital), then this snapshot variant: the same lab
//! over a half-year with the rules read on the start date and purchases
//! charged in cash, as the planner did before time-phased planning.
//!
//! The scenario is `examples/scenarios/hybrid_fleet.toml` (every number is
//! sourced there); `fleetplan plan` and `fleetplan justify` read the same file.

#[allow(dead_code)]
#[path = "hybrid_timeline.rs"]
pub mod timeline;

use fleetplan::Result;
use fleetplan::plan::{Binding, Justification, PlanOptions, justify, plan};
use fleetplan::scenario::Scenario;

/// The scenario, embedded so the example runs from any directory.
pub const SCENARIO: &str = include_str!("scenarios/hybrid_fleet.toml");

/// What the example computes.
pub struct Summary {
    /// The plan, the counterfactual and the memo.
    pub justification: Justification,
    /// The domestic-only plan's training assignments (phase, pool, devices).
    pub domestic_only_training: Vec<(String, String, f64)>,
    /// The domestic-only plan's binding training deadlines (`work[..]` rows).
    pub domestic_only_deciding: Vec<Binding>,
    /// Whether the two extra plans (domestic-only, no domestic rule) verify.
    pub extra_plans_verified: bool,
    /// The plan's cost with China's domestic-share rule removed.
    pub cost_without_domestic_rule: f64,
    /// Share of the serve phase's device-hours on domestic devices.
    pub domestic_inference_share: f64,
}

/// Plans the scenario, justifies it, and re-plans on domestic pools only to
/// see which constraint decides the counterfactual.
///
/// # Errors
/// When the scenario does not load or a solve fails.
pub fn run() -> Result<Summary> {
    let scenario = Scenario::from_toml_str(SCENARIO)?;
    let vs = scenario.validate()?;
    let opts = PlanOptions::default();
    let justification = justify(&vs, &opts)?;
    let mut domestic = scenario.clone();
    domestic.pools.retain(|p| {
        vs.pool_by_name(&p.name)
            .is_some_and(|k| vs.pool(k).is_domestic())
    });
    let cf = plan(&domestic.validate()?, &opts)?;
    let mut no_rule = scenario.clone();
    no_rule.policy.domestic_share.clear();
    let free = plan(&no_rule.validate()?, &opts)?;
    let serve = |dom: bool| -> f64 {
        let a = justification.plan.assignments.iter();
        a.filter(|a| a.phase == "serve" && (a.domestic || !dom))
            .map(|a| a.device_hours.get())
            .sum()
    };
    Ok(Summary {
        domestic_inference_share: serve(true) / serve(false),
        domestic_only_training: (cf.assignments.iter())
            .filter(|a| a.phase != "serve")
            .map(|a| (a.phase.clone(), a.pool.clone(), a.devices.get()))
            .collect(),
        domestic_only_deciding: (cf.binding.iter())
            .filter(|b| b.constraint.starts_with("work["))
            .cloned()
            .collect(),
        cost_without_domestic_rule: free.cost.total_usd.get(),
        extra_plans_verified: cf.verified && free.verified,
        justification,
    })
}

fn main() -> Result<()> {
    println!("== The flagship over time (examples/scenarios/hybrid_timeline.toml)\n");
    timeline::print(&timeline::run()?);
    println!("\n== The snapshot variant (examples/scenarios/hybrid_fleet.toml)\n");
    let s = run()?;
    print!("{}", s.justification.plan.to_table());
    let plan_cost = s.justification.plan.cost.total_usd.get();
    let same = (s.cost_without_domestic_rule - plan_cost).abs() <= 1e-6 * plan_cost;
    println!(
        "Inference on domestic devices: {:.0}% of device-hours. Without China's \
         domestic-share rule the plan costs ${:.2}M{}",
        100.0 * s.domestic_inference_share,
        s.cost_without_domestic_rule / 1e6,
        if same { ": the rule is not why." } else { "." }
    );
    print!("\n{}", s.justification.memo);
    for (phase, pool, devices) in &s.domestic_only_training {
        println!("  Domestic-only, '{phase}' needs {devices:.0} devices of {pool}.");
    }
    for b in &s.domestic_only_deciding {
        println!(
            "  Decided by {}: {} (${:.3e} {}).",
            b.constraint, b.meaning, b.shadow_price, b.unit
        );
    }
    Ok(())
}
