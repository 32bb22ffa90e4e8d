//! The flagship, retold over time: the same lab as `hybrid_fleet`, planned
//! month by month for 16 months from August 2025 under the policy timeline
//! as it unfolded, with H20 supply ending, Ascend deliveries ramping with
//! Huawei's output, demand that grows and is served at its peak, a second
//! pre-training run, and purchases charged by depreciation. Run with
//! `cargo run --release --example hybrid_timeline` (the `hybrid_fleet`
//! example prints it first too).
//!
//! Besides the plan it asks what each event of the timeline is worth to the
//! lab, by re-planning without it (each an exact LP, fractional devices,
//! compared with the plan's own LP relaxation; each verified):
//! the five-week H200 window, the H20 production halt, the revenue-share
//! levies, China's domestic-share steps, and charging purchases as cash.
//! The scenario is `examples/scenarios/hybrid_timeline.toml` (every number
//! is sourced there).

use fleetplan::Result;
use fleetplan::plan::{Binding, Justification, Plan, PlanOptions, justify, plan};
use fleetplan::scenario::{CapexBasis, Economics, Scenario};

/// The scenario, embedded so the example runs from any directory.
pub const SCENARIO: &str = include_str!("scenarios/hybrid_timeline.toml");

/// The planner's options: whole devices, proven within 0.1% of the optimum
/// (about $0.07M on a plan of $68M, below the precision of any input).
#[must_use]
pub fn options() -> PlanOptions {
    PlanOptions::default().with_mip_gap(1e-3)
}

/// One what-if: the scenario without one event, planned again.
pub struct WhatIf {
    /// What was changed.
    pub name: &'static str,
    /// The plan's cost without it, or `None` when it has no plan.
    pub cost_usd: Option<f64>,
    /// Whether its plan verified.
    pub verified: bool,
    /// Devices it buys, per pool, in its plan.
    pub bought: Vec<(String, f64)>,
    /// Why it has no plan, when it has none (the first conflicting row).
    pub why_not: Option<String>,
}

/// What the example computes.
pub struct Summary {
    /// The plan, the counterfactual (no new foreign devices) and the memo.
    pub justification: Justification,
    /// The fractional plan (an LP): its shadow prices are exact marginal
    /// values, and its cost a lower bound of the whole-device plan's.
    pub relaxation: Plan,
    /// The what-ifs, in the order printed.
    pub what_ifs: Vec<WhatIf>,
}

fn bought(p: &Plan) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for b in &p.purchases {
        match out.iter_mut().find(|(n, _)| *n == b.pool) {
            Some(e) => e.1 += b.devices,
            None => out.push((b.pool.clone(), b.devices)),
        }
    }
    out
}

fn what_if(name: &'static str, s: Scenario, opts: &PlanOptions) -> Result<WhatIf> {
    let p = plan(&s.validate()?, opts)?;
    let ok = matches!(
        p.status,
        fleetplan::plan::PlanStatus::Optimal | fleetplan::plan::PlanStatus::Feasible
    );
    Ok(WhatIf {
        name,
        cost_usd: ok.then(|| p.cost.total_usd.get()),
        verified: p.verified,
        bought: bought(&p),
        why_not: p
            .infeasibility
            .as_ref()
            .and_then(|i| i.conflict.first())
            .map(|c| c.message.clone()),
    })
}

/// The rule on `accelerator` with `status` (and `issuer`, when given).
fn rule_index(s: &Scenario, accelerator: &str, status: &str, issuer: Option<&str>) -> usize {
    s.policy
        .rules
        .iter()
        .position(|r| {
            r.accelerators.iter().any(|a| a == accelerator)
                && r.status.as_str() == status
                && issuer.is_none_or(|i| r.issuer.is_some_and(|c| c.as_str() == i))
        })
        .unwrap_or(usize::MAX)
}

/// Plans the scenario, justifies it, and re-plans it without each event.
///
/// # Errors
/// When the scenario does not load or a solve fails.
pub fn run() -> Result<Summary> {
    let scenario = Scenario::from_toml_str(SCENARIO)?;
    let vs = scenario.validate()?;
    let opts = options();
    let justification = justify(&vs, &opts)?;
    let lp = opts.clone().with_fractional(true);
    let relaxation = plan(&vs, &lp)?;
    let opts = lp;
    let mut what_ifs = Vec::new();

    // The H200 window: China's customs block from the day the US licence
    // opens (no window at all).
    let mut s = scenario.clone();
    let opens = s
        .policy
        .rules
        .get(rule_index(&s, "H200", "licensed", Some("US")))
        .and_then(|r| r.from);
    let cn = rule_index(&s, "H200", "prohibited", Some("CN"));
    if let Some(r) = s.policy.rules.get_mut(cn) {
        r.from = opens;
    }
    what_ifs.push(what_if(
        "no H200 window (customs block from 8 Dec)",
        s,
        &opts,
    )?);

    // The H20 production halt: supply goes on as before.
    let mut s = scenario.clone();
    if let Some(p) = s.pools.iter_mut().find(|p| p.name == "h20-buy") {
        p.deliveries.truncate(1);
    }
    what_ifs.push(what_if("H20 production never halted", s, &opts)?);

    // The levies: each revenue share 10 points higher.
    let mut s = scenario.clone();
    for r in &mut s.policy.rules {
        if let Some(l) = r.levy {
            r.levy = Some(fleetplan::units::Fraction::clamped(l.get() + 0.10));
        }
    }
    what_ifs.push(what_if("every revenue share +10 points", s, &opts)?);

    // China's domestic-share steps: none. The steps are kept at a 0% minimum
    // rather than removed: their dates cut the planning intervals, and
    // removing them would coarsen the time grid (a restriction that can cost
    // more: $67.90M against $67.88M here), confounding the rule's worth
    // with the grid's.
    let mut s = scenario.clone();
    for d in &mut s.policy.domestic_share {
        d.min = fleetplan::units::Fraction::ZERO;
    }
    what_ifs.push(what_if("no domestic share", s, &opts)?);

    // Purchases charged in full as cash.
    let mut s = scenario.clone();
    s.economics = Economics::cash();
    debug_assert_eq!(s.economics.capex_basis(), CapexBasis::Cash);
    what_ifs.push(what_if("purchases charged as cash", s, &opts)?);

    Ok(Summary {
        justification,
        relaxation,
        what_ifs,
    })
}

fn musd(v: f64) -> String {
    format!("${:.2}M", v / 1e6)
}

/// The binding rows of the relaxation whose names start with `prefix`.
fn binding<'a>(p: &'a Plan, prefix: &'a str) -> impl Iterator<Item = &'a Binding> {
    p.binding
        .iter()
        .filter(move |b| b.constraint.starts_with(prefix))
}

/// Prints the flagship over time.
pub fn print(s: &Summary) {
    let plan = &s.justification.plan;
    print!("{}", plan.to_table());
    println!(
        "\nThe same plan in fractional devices (an LP) costs {} (the whole-device plan is {:.2}% above it); its shadow prices:",
        musd(s.relaxation.cost.total_usd.get()),
        100.0 * (plan.cost.total_usd.get() / s.relaxation.cost.total_usd.get() - 1.0)
    );
    for prefix in ["domestic", "delivery", "quota", "budget", "work"] {
        for b in binding(&s.relaxation, prefix).take(3) {
            println!(
                "  {:<32} {:>12.4e} {} — {}",
                b.constraint, b.shadow_price, b.unit, b.meaning
            );
        }
    }
    let base = s.relaxation.cost.total_usd.get();
    println!(
        "\nWhat each event of the timeline is worth (re-planned without it, fractional devices, against the fractional plan's {}):",
        musd(base)
    );
    for w in &s.what_ifs {
        match w.cost_usd {
            Some(c) => {
                let bought: Vec<String> = w
                    .bought
                    .iter()
                    .map(|(p, n)| format!("{n:.0} {p}"))
                    .collect();
                println!(
                    "  {:<44} {} ({:+.2}M){}; buys {}",
                    w.name,
                    musd(c),
                    (c - base) / 1e6,
                    if w.verified { "" } else { " NOT VERIFIED" },
                    bought.join(", ")
                );
            }
            None => println!(
                "  {:<44} no plan: {}",
                w.name,
                w.why_not
                    .as_deref()
                    .unwrap_or("no answer within the time limit")
            ),
        }
    }
    let levy = s.relaxation.cost.levy_usd.get();
    if let Some(w) = s
        .what_ifs
        .iter()
        .find(|w| w.name.starts_with("every revenue share"))
    {
        let base_buys = bought(&s.relaxation);
        let same = w.bought.len() == base_buys.len()
            && w.bought
                .iter()
                .zip(&base_buys)
                .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() <= 1e-6 * b.1.max(1.0));
        println!(
            "\nThe levies: the plan pays {} of revenue share (cash) on its H20 and H200; ten points more would cost {} and {}.",
            musd(levy),
            w.cost_usd
                .map_or_else(|| "no plan".to_owned(), |c| musd(c - base)),
            if same {
                "change no purchase: the H20 (bought before its supply ended) and the H200 (in its five-week window) cover the launch months, when Ascend arrivals are at their delivery cap; a levy raises their cost, but there is nothing to switch to"
            } else {
                "change the purchases"
            }
        );
    }
    print!("\n{}", s.justification.memo);
}

#[allow(dead_code)]
fn main() -> Result<()> {
    let s = run()?;
    print(&s);
    Ok(())
}
