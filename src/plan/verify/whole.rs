//! The whole-device family: whole units, memory fit and single-pool runs
//! (the compiler's `use`, `gang`, `memfit` and `single_pool` rows, and its
//! integer columns).

use super::time::pieces;
use super::{Ctx, VerifyReport, le, listed, time_tol, whole};
use crate::perf::PairRate;
use crate::scenario::PhaseId;
use std::collections::{BTreeMap, BTreeSet};

/// Checks `whole_units[P]` and `memory_fit[P]` (whole-device plans) and
/// `single_pool[P]` (single-pool phases: a failure in a whole-device plan,
/// a warning in a fractional one, which relaxes it as it relaxes memory fit).
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
    if training && ph.spec().single_pool {
        let pools: BTreeSet<&str> = cx
            .phase_slots(p)
            .filter(|s| s.devices > 0.0)
            .map(|s| cx.vs.pool(s.pool).name())
            .collect();
        let n = pools.len();
        let detail = format!(
            "{n} pool(s) used: {}",
            pools.into_iter().collect::<Vec<_>>().join(", ")
        );
        if cx.plan.whole_devices || n <= 1 {
            r.add(format!("single_pool[{name}]"), n <= 1, detail);
        } else {
            // A fractional plan is the LP relaxation: it cannot choose one
            // pool (the compiler's `use` binaries and `single_pool` row
            // exist only in whole-device models), so it passes with a
            // warning that says what was relaxed.
            #[allow(clippy::cast_precision_loss)]
            let extra = (n - 1) as f64;
            r.warn(
                format!("single_pool[{name}]"),
                format!("{detail}: a fractional plan relaxes single-pool runs (plan whole devices to enforce them)"),
                extra,
            );
            r.add(
                format!("single_pool[{name}]"),
                true,
                format!("{detail} (relaxed in a fractional plan; see the warning)"),
            );
        }
    }
}

/// `memory_fit[P]`: every job of a training phase (all its devices on a
/// pool at a time) holds at least the devices its state needs.
fn memory_fit(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) {
    let name = cx.vs.phase(p).name();
    let mut by_pool: BTreeMap<usize, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for s in cx.phase_slots(p) {
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
