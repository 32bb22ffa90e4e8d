//! The flagship's risk story: the hybrid fleet of `hybrid_timeline_risk.toml`
//! (H20 licence revoked with p = 0.3 on 1 Oct 2025, Ascend deliveries
//! slipping 60 days with p = 0.4 from 14 Sep 2025), pressed to pre-train its
//! next model half on domestic devices from 2026 [E, an assumption standing
//! for the pressure described in domain.md], with the Ascend run of
//! `pretrain-next` failing on 12 May 2026 (day 270, three months in) with
//! probability `p`.
//!
//! What is public about `p`: DeepSeek's R2 on Ascend (FT, 14 Aug 2025:
//! no successful training run even with Huawei engineers on site) and no
//! independent Ascend failure statistics (domain.md §4.4). That is no
//! frequency, so the example
//! sweeps `p` from 0 to 1 and reports, for each, the stochastic plan's
//! expected cost, its value over the deterministic plan (VSS), the value of
//! perfect information (EVPI), and how the run started on day 180 (before
//! anyone knows) splits between Ascend and Nvidia; then it finds the
//! probabilities at which that split changes (bisection to 0.01). It
//! reports what the model finds, whatever that is.
//!
//! What it found on 2026-12-05, after issue 17 item 2 (serving rated per
//! vendor stack and part; the 910C pool no longer sets `mfu`): the
//! expected cost rises from $69.280M (p = 0) to $69.775M (p = 0.9) and is
//! $69.581M at p = 1 (the failure certain, no branch to hedge for); the
//! 50% domestic share makes the run started on day 180 an even split,
//! 521.2 Ascend and 521.2 Nvidia devices, up to p ≈ 0.84; it shrinks in
//! steps (between p = 0.844 and 0.850, 0.950 and 0.956: 448.5 + 448.5 at
//! p = 0.9) until nothing is started before the failure's day at p = 1
//! (the run waits for day 270). VSS is infinite at every p: the
//! deterministic plan counts on H20s that the revocation branch cannot
//! buy, not on the failure.
//!
//! Fractional plans (the LP): a few tenths of a second each.
//! Run with `cargo run --release --example risk_hedge`.

use fleetplan::Result;
use fleetplan::plan::{Plan, PlanOptions};
use fleetplan::risk::{RiskPlan, plan_risk, verify_risk};
use fleetplan::scenario::Scenario;

/// The scenario with its two risks.
pub const SCENARIO: &str = include_str!("scenarios/hybrid_timeline_risk.toml");

/// The pressure to train at home: half of pre-training device-hours on
/// domestic devices from 2026 [E].
pub const PRESSED: &str = r#"
[[policy.domestic_share]]
phase_kind = "pretraining"
min = 0.5
from = "2026-01-01"
note = "[E] assumption: the pressure to train on domestic devices"
"#;

/// Hours from the start to the failure (12 May 2026 is day 270).
pub const FAILURE_HOURS: f64 = 270.0 * 24.0;

/// The Ascend run of `pretrain-next` failing on day 270 with probability
/// `p`.
#[must_use]
pub fn failure_risk(p: f64) -> String {
    format!(
        r#"
[[risks]]
name = "ascend-run-fails"
probability = {p}
on = "2026-05-12"
failure = {{ phase = "pretrain-next", vendors = ["Huawei"] }}
sources = ["https://www.btimesonline.com/articles/175224/20250814/deepseek-delays-r2-ai-model-after-huawei-chip-training-fails-denies-august-launch-timeline.htm"]
note = "R2 on Ascend: no successful training run (FT via domain.md, 14 Aug 2025); no independent Ascend failure statistics exist, so p is swept"
"#
    )
}

/// One probability's plan under risk, in figures.
#[derive(Debug, Clone)]
pub struct Point {
    /// Probability of the failure.
    pub p: f64,
    /// Expected cost, USD.
    pub expected_usd: f64,
    /// Value of the stochastic solution (`None` when the deterministic plan
    /// cannot be followed in some branch: infinite).
    pub vss_usd: Option<f64>,
    /// Expected value of perfect information.
    pub evpi_usd: Option<f64>,
    /// Devices of `pretrain-next` started before the failure on Ascend and
    /// on Nvidia, in the branch where nothing happens (the same devices in
    /// every branch that knows the same events by then).
    pub ascend_devices: f64,
    /// As `ascend_devices`, on Nvidia.
    pub nvidia_devices: f64,
    /// Every branch verified and `verify_risk` passed.
    pub verified: bool,
}

/// Plans the story at probability `p`.
///
/// # Errors
/// When the scenario does not load or validate, or a solve fails.
pub fn plan_at(p: f64) -> Result<(RiskPlan, Point)> {
    let text = format!("{SCENARIO}\n{PRESSED}\n{}", failure_risk(p));
    let vs = Scenario::from_toml_str(&text)?.validate()?;
    let rp = plan_risk(&vs, &PlanOptions::default().with_fractional(true))?;
    let verified = rp.branches.iter().all(|b| b.verified) && verify_risk(&vs, &rp).is_ok();
    let quiet = rp
        .summary
        .scenarios
        .iter()
        .position(|s| s.events.is_empty())
        .and_then(|i| rp.branches.get(i));
    let (ascend_devices, nvidia_devices) = quiet.map_or((0.0, 0.0), started_before_failure);
    let s = &rp.summary;
    let point = Point {
        p,
        expected_usd: s.expected_cost_usd.map_or(f64::NAN, |u| u.get()),
        vss_usd: s.vss_usd,
        evpi_usd: s.evpi_usd,
        ascend_devices,
        nvidia_devices,
        verified,
    };
    Ok((rp, point))
}

/// Devices of `pretrain-next` runs that start before the failure, on
/// Ascend and on other pools.
fn started_before_failure(plan: &Plan) -> (f64, f64) {
    let mut out = (0.0, 0.0);
    for s in plan
        .schedule
        .iter()
        .filter(|s| s.phase == "pretrain-next" && s.from_hours.get() < FAILURE_HOURS - 1e-6)
    {
        if s.pool.starts_with("ascend") {
            out.0 += s.devices;
        } else {
            out.1 += s.devices;
        }
    }
    out
}

/// The sweep of `p` over 0, 0.1, …, 1.
///
/// # Errors
/// As [`plan_at`].
pub fn run() -> Result<Vec<Point>> {
    (0..=10)
        .map(|i| plan_at(f64::from(i) / 10.0).map(|x| x.1))
        .collect()
}

/// Whether the run started on day 180 splits differently at `a` and `b`
/// (more than 1% of the devices moved).
#[must_use]
pub fn differs(a: &Point, b: &Point) -> bool {
    let scale = (a.ascend_devices + a.nvidia_devices).max(1.0);
    (a.ascend_devices - b.ascend_devices).abs() > 0.01 * scale
        || (a.nvidia_devices - b.nvidia_devices).abs() > 0.01 * scale
}

/// The probabilities (to 0.01) at which the split changes between
/// consecutive points of `pts`.
///
/// # Errors
/// As [`plan_at`].
pub fn flips(pts: &[Point]) -> Result<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for w in pts.windows(2) {
        if !differs(&w[0], &w[1]) {
            continue;
        }
        let (mut lo, mut hi) = (w[0].clone(), w[1].clone());
        // bisection: 0.1 wide to below 0.01 in 4 halvings
        for _ in 0..4 {
            let mid = plan_at(0.5 * (lo.p + hi.p))?.1;
            if differs(&lo, &mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        out.push((lo.p, hi.p));
    }
    Ok(out)
}

#[allow(dead_code)]
fn main() -> Result<()> {
    let pts = run()?;
    println!("pretrain-next on Ascend fails on day 270 with probability p");
    println!("(with the H20 revocation, p 0.3, and the Ascend slip, p 0.4; fractional plans)\n");
    println!(
        "{:>5} {:>15} {:>12} {:>12} {:>16} {:>16} {:>9}",
        "p", "expected cost", "VSS", "EVPI", "Ascend devices", "Nvidia devices", "verified"
    );
    let m =
        |v: Option<f64>| v.map_or_else(|| "infinite".to_owned(), |x| format!("${:.3}M", x / 1e6));
    for x in &pts {
        println!(
            "{:>5.2} {:>15} {:>12} {:>12} {:>16.1} {:>16.1} {:>9}",
            x.p,
            format!("${:.3}M", x.expected_usd / 1e6),
            m(x.vss_usd),
            m(x.evpi_usd),
            x.ascend_devices,
            x.nvidia_devices,
            if x.verified { "yes" } else { "NO" }
        );
    }
    println!(
        "\n(devices: pretrain-next runs started before day 270, as the branch with no event plans them)"
    );
    println!(
        "(VSS infinite: the deterministic plan cannot be followed in some branch, e.g. it counts on the H20 after its revocation)"
    );
    let f = flips(&pts)?;
    if f.is_empty() {
        println!("\nthe split of the day-180 run does not change with p");
    }
    for (lo, hi) in f {
        println!("\nthe day-180 run's split changes between p = {lo:.3} and p = {hi:.3}");
    }
    Ok(())
}
