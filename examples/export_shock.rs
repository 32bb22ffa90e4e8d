//! Export shocks on the flagship scenario: what if the US revokes the H20
//! licence, or raises the revenue share to 25% (the H200 terms of 8 Dec
//! 2025, domain.md §2.1)? Re-plans each case and prints what changes.
//! Run with `cargo run --release --example export_shock`.

use fleetplan::Result;
use fleetplan::plan::{Plan, PlanOptions, plan};
use fleetplan::policy::RuleStatus;
use fleetplan::scenario::Scenario;

/// The flagship scenario.
pub const SCENARIO: &str = include_str!("scenarios/hybrid_fleet.toml");

/// The base plan and the two shocked plans, with their labels.
///
/// # Errors
/// When the scenario does not load or a solve fails.
pub fn run() -> Result<Vec<(&'static str, Plan)>> {
    let base = Scenario::from_toml_str(SCENARIO)?;
    // the licensed H20 rule of August 2025 (15% revenue share)
    let is_h20_licence = |r: &fleetplan::policy::ExportRule| {
        r.status == RuleStatus::Licensed && r.accelerators.iter().any(|a| a == "H20")
    };
    let mut revoked = base.clone();
    for r in revoked
        .policy
        .rules
        .iter_mut()
        .filter(|r| is_h20_licence(r))
    {
        r.status = RuleStatus::Prohibited;
        (r.levy, r.levy_pass_through, r.quota) = (None, None, None);
    }
    let mut share25 = base.clone();
    for r in share25
        .policy
        .rules
        .iter_mut()
        .filter(|r| is_h20_licence(r))
    {
        r.levy = Some(
            fleetplan::units::Fraction::new(0.25)
                .map_err(|e| fleetplan::Error::model(e.to_string()))?,
        );
    }
    let opts = PlanOptions::default();
    let mut out = Vec::new();
    for (label, s) in [
        ("base (Aug 2025)", base),
        ("H20 licence revoked", revoked),
        ("25% revenue share", share25),
    ] {
        out.push((label, plan(&s.validate()?, &opts)?));
    }
    Ok(out)
}

fn main() -> Result<()> {
    let plans = run()?;
    let m = |v: f64| format!("${:.2}M", v / 1e6);
    let (_, base) = &plans[0];
    for (label, p) in &plans {
        let c = &p.cost;
        println!(
            "{label:<22} {:<8} total {:>10} ({:+.2}M) levy {:>8}  verified {}",
            p.status.as_str(),
            m(c.total_usd.get()),
            (c.total_usd.get() - base.cost.total_usd.get()) / 1e6,
            m(c.levy_usd.get()),
            p.verified
        );
        for a in &p.assignments {
            let was = base
                .assignments
                .iter()
                .find(|b| b.phase == a.phase && b.pool == a.pool);
            let d = a.devices.get() - was.map_or(0.0, |b| b.devices.get());
            println!(
                "    {:<10} {:<16} {:>7.0} devices ({d:+.0})",
                a.phase,
                a.pool,
                a.devices.get()
            );
        }
        for b in &p.purchases {
            println!(
                "    buys {:>6.0} {:<12} {:>10} (levy {})",
                b.devices,
                b.accelerator,
                m(b.cost_usd.get()),
                m(b.levy_usd.get())
            );
        }
        let top: Vec<&str> = p
            .binding
            .iter()
            .take(3)
            .map(|b| b.constraint.as_str())
            .collect();
        println!("    binds: {}", top.join(", "));
    }
    let h20_bought = |p: &Plan| {
        p.purchases
            .iter()
            .any(|b| b.accelerator == "H20" && b.devices > 0.0)
    };
    if plans
        .iter()
        .all(|(_, p)| p.cost.total_usd == base.cost.total_usd && !h20_bought(p))
    {
        println!(
            "\nNeither shock changes the plan: it buys no H20 in any case (per served token a"
        );
        println!("new Ascend 910C is cheaper; see `fleetplan explain --phase serve`).");
    }
    Ok(())
}
