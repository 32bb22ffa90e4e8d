//! `verify` under risk: every branch against its own scenario, and the
//! shared decisions identical where non-anticipativity requires, read from
//! the branches' plans (purchases and schedule), not from the model.

use super::apply::{apply, joint_scenarios};
use super::report::RiskPlan;
use crate::plan::{VerifyReport, verify};
use crate::scenario::ValidatedScenario;
use std::collections::{BTreeMap, BTreeSet};

/// A shared decision as a plan shows it: (kind, phase, pool, milli-hours).
type Item = (u8, String, String, i64);

/// Checks a plan under risk of `vs`:
///
/// * `risk.scenarios`: the joint scenarios are those of the scenario
///   (names and probabilities, recomputed);
/// * `branch[NAME]`: each branch's plan passes [`verify()`] against the
///   base scenario with that branch's events applied (the failures are in
///   the detail);
/// * `nonanticipativity[ITEM]`: for every purchase (pool, order day) and
///   schedule slot (phase, pool, start), the branches that know the same
///   events at its time hold the same devices (a branch without it holds
///   zero);
/// * `risk.expected_cost`: `Σ p_s·cost_s` recomputed from the branches.
#[must_use]
pub fn verify_risk(vs: &ValidatedScenario, rp: &RiskPlan) -> VerifyReport {
    let mut rep = VerifyReport::default();
    let joints = joint_scenarios(vs.scenario());
    let listed: Vec<(&str, f64)> = rp
        .summary
        .scenarios
        .iter()
        .map(|s| (s.name.as_str(), s.probability))
        .collect();
    let same = joints.len() == listed.len()
        && joints
            .iter()
            .zip(&listed)
            .all(|(j, (n, p))| j.name == *n && (j.probability - p).abs() <= 1e-12);
    push(
        &mut rep,
        "risk.scenarios",
        same,
        format!(
            "{} joint scenarios in the plan, {} in the scenario",
            listed.len(),
            joints.len()
        ),
    );
    if !same || rp.branches.len() != joints.len() {
        push(
            &mut rep,
            "risk.branches",
            false,
            format!(
                "{} branch plans for {} joint scenarios",
                rp.branches.len(),
                joints.len()
            ),
        );
        return rep;
    }
    for (j, plan) in joints.iter().zip(&rp.branches) {
        let name = format!("branch[{}]", j.name);
        match apply(vs, j).validate() {
            Err(e) => push(
                &mut rep,
                &name,
                false,
                format!("its scenario is invalid: {e}"),
            ),
            Ok(vj) => {
                let r = verify(&vj, plan);
                let fails: Vec<String> = r
                    .failures()
                    .map(|c| format!("{}: {}", c.name, c.detail))
                    .collect();
                let may_be_late = rp
                    .summary
                    .chance
                    .as_ref()
                    .is_some_and(|c| !c.met.contains(&j.name));
                let (ok, detail) = if fails.is_empty() {
                    (true, format!("{} checks passed", r.checks.len()))
                } else if may_be_late && r.failures().all(|c| late_only(&vj, &c.name)) {
                    (
                        true,
                        format!(
                            "late (allowed by the chance constraint; only the deadline checks fail): {}",
                            fails.join("; ")
                        ),
                    )
                } else {
                    (false, fails.join("; "))
                };
                push(&mut rep, &name, ok, detail);
            }
        }
    }
    // shared decisions
    let per_branch: Vec<BTreeMap<Item, f64>> = rp.branches.iter().map(items).collect();
    let all: BTreeSet<&Item> = per_branch.iter().flat_map(BTreeMap::keys).collect();
    let mut bad = 0usize;
    for it in all {
        // milli-hours: exact in f64
        #[allow(clippy::cast_precision_loss)]
        let t = it.3 as f64 / 1000.0;
        let mut classes: BTreeMap<super::extensive::History, Vec<(usize, f64)>> = BTreeMap::new();
        for (b, j) in joints.iter().enumerate() {
            let known: super::extensive::History = j
                .events
                .iter()
                .zip(&j.on)
                .filter(|&(_, &d)| vs.hours_of(d) <= t + 1e-9)
                .map(|(&e, &d)| (e, d))
                .collect();
            let v = per_branch[b].get(it).copied().unwrap_or(0.0);
            classes.entry(known).or_default().push((b, v));
        }
        for members in classes.values() {
            let v0 = members[0].1;
            if let Some(&(b, v)) = members
                .iter()
                .find(|(_, v)| (v - v0).abs() > 1e-6 * (1.0 + v0.abs()))
            {
                bad += 1;
                let what = ["purchase", "slot"][usize::from(it.0)];
                push(
                    &mut rep,
                    &format!(
                        "nonanticipativity[{what} {}{}{} day {:.1}]",
                        it.1,
                        if it.1.is_empty() { "" } else { "," },
                        it.2,
                        t / 24.0
                    ),
                    false,
                    format!(
                        "branch '{}' holds {v0} devices, branch '{}' {v}, though neither can tell them apart then",
                        joints[members[0].0].name, joints[b].name
                    ),
                );
            }
        }
    }
    if bad == 0 {
        push(
            &mut rep,
            "nonanticipativity",
            true,
            "every shared decision is identical across branches with the same history",
        );
    }
    chance(vs, rp, &joints, &mut rep);
    let expected: f64 = joints
        .iter()
        .zip(&rp.branches)
        .map(|(j, p)| j.probability * p.cost.total_usd.get())
        .sum();
    let claimed = rp.summary.expected_cost_usd.map(|u| u.get());
    push(
        &mut rep,
        "risk.expected_cost",
        claimed.is_some_and(|c| (c - expected).abs() <= 1e-6 * (1.0 + expected.abs())),
        format!("claimed {claimed:?}, recomputed {expected}"),
    );
    rep
}

/// Whether a failed check is one a late branch fails: the work of a
/// training phase done by its deadline, and the summaries that repeat it.
fn late_only(vj: &ValidatedScenario, check: &str) -> bool {
    vj.phases().filter(|p| p.kind().is_training()).any(|p| {
        let n = p.name();
        check == format!("demand[{n}]")
            || check == format!("summary.demand_met[{n}]")
            || check == format!("summary.finishes_at[{n}]")
    })
}

/// `risk.chance`: the plan has a chance section exactly when the scenario
/// asks for one, with its q, and the branches it claims meet every
/// deadline (each verified above against its own deadlines) weigh at least
/// q.
fn chance(
    vs: &ValidatedScenario,
    rp: &RiskPlan,
    joints: &[super::JointScenario],
    rep: &mut VerifyReport,
) {
    let want = vs.scenario().risk.chance();
    match (want, &rp.summary.chance) {
        (None, None) => {}
        (Some(_), None) | (None, Some(_)) => push(
            rep,
            "risk.chance",
            false,
            format!(
                "the scenario asks for {want:?}; the plan reports {:?}",
                rp.summary.chance.as_ref().map(|c| c.q)
            ),
        ),
        (Some(q), Some(c)) => {
            let p: f64 = joints
                .iter()
                .filter(|j| c.met.contains(&j.name))
                .map(|j| j.probability)
                .sum();
            push(
                rep,
                "risk.chance",
                (c.q - q).abs() <= 1e-12 && p >= q - 1e-9,
                format!(
                    "deadlines met with probability {p} in {} (q = {q}, plan says {})",
                    c.met.join(", "),
                    c.q
                ),
            );
        }
    }
}

fn push(rep: &mut VerifyReport, name: &str, ok: bool, detail: impl Into<String>) {
    rep.checks.push(crate::plan::Check {
        name: name.to_owned(),
        ok,
        detail: crate::plan::Detail::from(detail.into()),
    });
}

/// A plan's purchases and slots, devices summed per item.
fn items(p: &crate::plan::Plan) -> BTreeMap<Item, f64> {
    let mut out: BTreeMap<Item, f64> = BTreeMap::new();
    // milli-hours of a horizon ≤ 10^6 days fit i64
    #[allow(clippy::cast_possible_truncation)]
    let mh = |h: f64| (h * 1000.0).round() as i64;
    for b in &p.purchases {
        *out.entry((
            0,
            String::new(),
            b.pool.clone(),
            mh(b.ordered_day.get() * 24.0),
        ))
        .or_default() += b.devices;
    }
    for s in &p.schedule {
        *out.entry((1, s.phase.clone(), s.pool.clone(), mh(s.from_hours.get())))
            .or_default() += s.devices;
    }
    out
}
