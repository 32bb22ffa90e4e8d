//! The program of README.md's "Use it from Rust" (kept identical, so that it compiles and runs).

use fleetplan::prelude::*;

fn main() -> fleetplan::Result<()> {
    let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
    let vs = Scenario::from_toml_str(&text)?.validate()?;
    let base = plan(&vs, &PlanOptions::default().with_fractional(true))?;
    println!("{:?}: ${:.0}", base.status, base.cost.total_usd.get());

    // a session: change figures by id, re-solve warm from the last basis
    let mut planner = Planner::new(&vs, PlanOptions::default().with_fractional(true))?;
    let h100 = vs.pool_by_name("h100-owned").expect("in the scenario");
    let ascend = vs.pool_by_name("ascend-910c-buy").expect("in the scenario");
    for (devices, price) in [(10_000, 28_600.0), (30_000, 25_000.0)] {
        planner.set_pool_count(h100, devices)?; // a plain literal is a Count
        planner.set_price(ascend, Usd::new(price)?)?; // unit errors convert with `?`
        let p = planner.solve()?; // complete and verified
        assert!(p.verified);
        println!(
            "{devices} H100, Ascend at ${price}: ${:.0}",
            p.cost.total_usd.get()
        );
    }
    Ok(())
}
