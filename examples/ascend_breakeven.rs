//! How much must Ascend 910C's training MFU improve before pre-training on
//! Ascend enters the optimal plan of the flagship scenario? A bisection over
//! re-plans (the published figure is 30%: Pangu Ultra MoE, arXiv 2505.04519).
//! Run with `cargo run --release --example ascend_breakeven`.

use fleetplan::Result;
use fleetplan::plan::{Plan, PlanOptions, plan};
use fleetplan::scenario::Scenario;
use fleetplan::sweep::with_value;

/// The flagship scenario.
pub const SCENARIO: &str = include_str!("scenarios/hybrid_fleet.toml");
/// The field varied.
pub const PATH: &str = "pools[ascend-910c-buy].mfu.pretraining";

/// The bracket found: the plans just below and at the break-even MFU.
pub struct Breakeven {
    /// Highest MFU tried whose plan pre-trains on Nvidia only.
    pub below: (f64, Plan),
    /// Lowest MFU tried whose plan pre-trains on Ascend (None: not even at 100%).
    pub above: Option<(f64, Plan)>,
}

/// Whether a plan pre-trains on a domestic pool.
pub fn trains_on_ascend(p: &Plan) -> bool {
    p.assignments
        .iter()
        .any(|a| a.phase == "pretrain" && a.domestic)
}

/// Plans the flagship scenario with Ascend's pre-training MFU set to `mfu`.
///
/// # Errors
/// When the scenario does not load or a solve fails.
pub fn plan_at(mfu: f64) -> Result<Plan> {
    // The flagship leaves the 910C's MFU to the sourced default (issue 17);
    // the sweep sets a pool MFU, so the field is added first.
    let mut s = Scenario::from_toml_str(SCENARIO)?;
    for p in &mut s.pools {
        if p.name == "ascend-910c-buy" {
            p.mfu.pretraining = Some(fleetplan::units::Fraction::from_raw(0.30));
        }
    }
    let s = with_value(&s, PATH, mfu)?;
    plan(&s.validate()?, &PlanOptions::default())
}

/// Bisects the MFU between the published 30% and 100%, to 0.5 points.
///
/// # Errors
/// As [`plan_at`].
pub fn run() -> Result<Breakeven> {
    let (mut lo, mut hi) = (0.30, 1.0);
    let mut below = (lo, plan_at(lo)?);
    let top = plan_at(hi)?;
    if trains_on_ascend(&below.1) || !trains_on_ascend(&top) {
        let above = trains_on_ascend(&below.1).then(|| (lo, below.1.clone()));
        return Ok(Breakeven { below, above });
    }
    let mut above = (hi, top);
    while hi - lo > 0.005 {
        let mid = 0.5 * (lo + hi);
        let p = plan_at(mid)?;
        if trains_on_ascend(&p) {
            (hi, above) = (mid, (mid, p));
        } else {
            (lo, below) = (mid, (mid, p));
        }
    }
    Ok(Breakeven {
        below,
        above: Some(above),
    })
}

fn show(mfu: f64, p: &Plan) {
    let c = &p.cost;
    println!(
        "At MFU {:.1}%: {} ${:.3}M (energy ${:.3}M), verified {}",
        100.0 * mfu,
        p.status.as_str(),
        c.total_usd.get() / 1e6,
        c.energy_usd.get() / 1e6,
        p.verified
    );
    for a in p.assignments.iter().filter(|a| a.phase != "serve") {
        println!(
            "    {:<10} {:<16} {:>6.0} devices {:>10.3e} device-hours",
            a.phase,
            a.pool,
            a.devices.get(),
            a.device_hours.get()
        );
    }
}

fn main() -> Result<()> {
    let b = run()?;
    match &b.above {
        Some((mfu, _)) => println!(
            "Pre-training on Ascend enters the optimal plan at MFU ≈ {:.1}% ({:.1}x the published 30%).\n",
            100.0 * mfu,
            mfu / 0.30
        ),
        None => println!("Pre-training stays on Nvidia even at 100% Ascend MFU.\n"),
    }
    show(b.below.0, &b.below.1);
    if let Some((mfu, p)) = &b.above {
        show(*mfu, p);
    }
    Ok(())
}
