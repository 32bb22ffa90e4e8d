//! The whole-device family: whole units, memory fit and single-pool runs
//! (the compiler's `use`, `gang`, `memfit` and `single_pool` rows, and its
//! integer columns).

use super::time::pieces;
use super::{Ctx, VerifyReport, le, listed, time_tol, whole};
use crate::perf::PairRate;
use crate::scenario::PhaseId;
use std::collections::{BTreeMap, BTreeSet};

/// Checks `whole_units[P]` and `memory_fit[P]` (whole-device plans) and
/// `single_pool[P]` (single-pool phases; a fractional plan, the LP
/// relaxation, is not held to it and gets a warning when it splits a run).
pub(super) fn check(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) {
    let ph = cx.vs.phase(p);
    let name = ph.name();
    let training = ph.kind().is_training();
    if cx.plan.whole_devices {
        let mut broken = Vec::new();
        for s in cx.phase_slots(p).filter(|s| s.devices > 0.0) {
            #[allow(clippy::cast_precision_loss)]
            let unit = match cx.perf.pair_at_devices(p, s.pool, s.devices) {
                Ok(PairRate::Inference(i)) => i.replica.max(1) as f64,
                _ => cx.vs.pool(s.pool).granularity().max(1) as f64,
            };
            if !whole(s.devices, unit) {
                broken.push(format!("{} is not in units of {unit}", cx.slot_label(s)));
            }
        }
        r.add(
            format!("whole_units[{name}]"),
            broken.is_empty(),
            if broken.is_empty() {
                "every slot holds whole units (the pool's granularity; whole replicas for inference)"
                    .to_owned()
            } else {
                listed(&broken, 3)
            },
        );
        if training {
            memory_fit(cx, p, r);
        }
    }
    if training {
        one_group(cx, p, r, Group::Site);
        one_group(cx, p, r, Group::Vendor);
    }
    if training && ph.spec().single_pool {
        // a failed run may be redone on another pool
        let pools: BTreeSet<&str> = cx
            .phase_slots(p)
            .filter(|s| s.devices > 0.0 && cx.vs.run_fails(p, s.pool, s.from, s.to).is_none())
            .map(|s| cx.vs.pool(s.pool).name())
            .collect();
        let used = format!(
            "{} pool(s) used: {}",
            pools.len(),
            pools.iter().copied().collect::<Vec<_>>().join(", ")
        );
        if cx.plan.whole_devices || pools.len() <= 1 {
            r.add(format!("single_pool[{name}]"), pools.len() <= 1, used);
        } else {
            // A fractional plan is the LP relaxation: it has no binaries
            // to keep a run on one pool (as it has none for whole units or
            // memory fit), so a split is what it may do. It passes, with a
            // warning that says so; a whole-device plan enforces it.
            r.add(
                format!("single_pool[{name}]"),
                true,
                format!("{used} (fractional plan: single-pool runs are not enforced)"),
            );
            r.warn(
                format!("single_pool[{name}]"),
                format!(
                    "{used}: a fractional plan (the LP relaxation) cannot keep a single-pool run on one pool; plan whole devices to enforce it"
                ),
                0.0,
            );
        }
    }
}

#[derive(Clone, Copy)]
enum Group {
    Site,
    Vendor,
}

/// `one_site[P]` / `one_vendor[P]`: a training phase that does not allow
/// it uses pools at one site / of one vendor, read from the plan's slots
/// and the scenario's pools (not from the compiler's rows). A fractional
/// plan (the LP relaxation, no binaries) passes a split with a warning, as
/// for `single_pool`.
fn one_group(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport, g: Group) {
    let ph = cx.vs.phase(p);
    let (row, what, allowed) = match g {
        Group::Site => ("one_site", "site", ph.spec().allow_cross_site),
        Group::Vendor => ("one_vendor", "vendor", ph.spec().allow_cross_vendor),
    };
    if allowed {
        return;
    }
    // a failed run may be redone elsewhere (the compiler's rows leave it out)
    let groups: BTreeSet<String> = cx
        .phase_slots(p)
        .filter(|s| s.devices > 0.0 && cx.vs.run_fails(p, s.pool, s.from, s.to).is_none())
        .map(|s| {
            let pool = cx.vs.pool(s.pool);
            match g {
                Group::Site => pool.site().to_string(),
                // the vendor's first word: "Huawei (HiSilicon)" is Huawei
                Group::Vendor => crate::catalog::vendor_key(&pool.accelerator().vendor),
            }
        })
        .collect();
    let name = format!("{row}[{}]", ph.name());
    let used = move |groups: &BTreeSet<String>| {
        format!(
            "{} {what}(s) used: {}",
            groups.len(),
            groups.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    if cx.plan.whole_devices || groups.len() <= 1 {
        let ok = groups.len() <= 1;
        r.add(name, ok, super::detail!("{}", used(&groups)));
    } else {
        let used = used(&groups);
        r.add(
            name.clone(),
            true,
            format!("{used} (fractional plan: one {what} per run is not enforced)"),
        );
        r.warn(
            name,
            format!(
                "{used}: a fractional plan (the LP relaxation) cannot keep a training run at one {what}; plan whole devices to enforce it, or set allow_cross_{what}"
            ),
            0.0,
        );
    }
}

/// `memory_fit[P]`: every job of a training phase (all its devices on a
/// pool at a time) holds at least the devices its state needs.
fn memory_fit(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) {
    let name = cx.vs.phase(p).name();
    let mut by_pool: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    // failed runs take no part (the compiler's gang and memfit rows)
    for s in cx
        .phase_slots(p)
        .filter(|s| cx.vs.run_fails(p, s.pool, s.from, s.to).is_none())
    {
        by_pool
            .entry(s.pool.index())
            .or_default()
            .push((s.from, s.to, s.devices));
    }
    let mut short = Vec::new();
    for (k, items) in by_pool {
        let pool = crate::scenario::PoolId::new(k);
        let smallest = pieces(&items, &[], time_tol(cx.horizon))
            .into_iter()
            .map(|x| x.2)
            .filter(|&n| n > 0.0)
            .fold(f64::INFINITY, f64::min);
        if !smallest.is_finite() {
            continue;
        }
        if let Ok(PairRate::Training(t)) = cx.perf.pair_at_devices(p, pool, smallest) {
            #[allow(clippy::cast_precision_loss)]
            let need = t.min_devices as f64;
            if !le(need, smallest) {
                short.push(format!(
                    "a job of {smallest} devices on '{}' (its state needs {need})",
                    cx.vs.pool(pool).name()
                ));
            }
        }
    }
    r.add(
        format!("memory_fit[{name}]"),
        short.is_empty(),
        if short.is_empty() {
            "every job holds the devices its training state needs".to_owned()
        } else {
            listed(&short, 3)
        },
    );
}
