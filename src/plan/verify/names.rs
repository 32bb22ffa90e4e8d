//! Names and slots: everything the plan names exists, and every slot's
//! numbers can be used.

use super::{Ctx, SlotAt, VerifyReport, listed, time_tol};
use crate::perf::PerfModel;
use crate::plan::Plan;
use crate::scenario::{ResolvedObjective, ValidatedScenario};

/// Checks `scenario`, `names`, `slots.devices` and `slots.horizon`, and
/// resolves what the other families work on.
pub(super) fn check<'a>(perf: PerfModel<'a>, plan: &'a Plan, r: &mut VerifyReport) -> Ctx<'a> {
    let vs: &'a ValidatedScenario = perf.scenario();
    let own = &vs.scenario().name;
    r.add(
        "scenario",
        plan.scenario == *own,
        format!(
            "the plan is for scenario '{}'; this one is '{own}'",
            plan.scenario
        ),
    );

    // (list, index, name, is a pool); the place is formatted only for a
    // name the scenario lacks
    let plan_names = plan
        .schedule
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            [
                ("schedule", i, &s.pool, true),
                ("schedule", i, &s.phase, false),
            ]
        })
        .chain(
            plan.purchases
                .iter()
                .enumerate()
                .map(|(i, b)| ("purchases", i, &b.pool, true)),
        )
        .chain(plan.assignments.iter().enumerate().flat_map(|(i, a)| {
            [
                ("assignments", i, &a.pool, true),
                ("assignments", i, &a.phase, false),
            ]
        }))
        .chain(
            plan.pools
                .iter()
                .enumerate()
                .map(|(i, u)| ("pools", i, &u.pool, true)),
        )
        .chain(
            plan.phases
                .iter()
                .enumerate()
                .map(|(i, o)| ("phases", i, &o.name, false)),
        )
        .chain(plan.kv_transfers.iter().enumerate().flat_map(|(i, t)| {
            [
                ("kv_transfers", i, &t.prefill_pool, true),
                ("kv_transfers", i, &t.decode_pool, true),
                ("kv_transfers", i, &t.phase, false),
            ]
        }));
    let unknown: Vec<String> = plan_names
        .filter(|(_, _, name, pool)| {
            if *pool {
                vs.pool_by_name(name).is_none()
            } else {
                vs.phase_by_name(name).is_none()
            }
        })
        .map(|(list, i, name, pool)| {
            format!(
                "{list}[{i}] names {} '{name}'",
                if pool { "pool" } else { "phase" }
            )
        })
        .collect();
    r.add(
        "names",
        unknown.is_empty(),
        if unknown.is_empty() {
            "every phase and pool the plan names exists in the scenario".to_owned()
        } else {
            format!("not in the scenario: {}", listed(&unknown, 5))
        },
    );

    let horizon = vs.horizon().to_hours().get();
    let mut bad_devices = Vec::new();
    let mut bad_times = Vec::new();
    let mut slots = Vec::new();
    for (i, s) in plan.schedule.iter().enumerate() {
        let (from, to, n) = (s.from_hours.get(), s.to_hours.get(), s.devices);
        let devices_ok = n.is_finite() && n >= 0.0;
        if !devices_ok {
            bad_devices.push(format!("schedule[{i}] has {n} devices"));
        }
        let finite = from.is_finite() && to.is_finite();
        if !(finite && from >= -time_tol(0.0) && to >= from && to <= horizon + time_tol(horizon)) {
            bad_times.push(format!(
                "schedule[{i}] runs hours {from}-{to} (horizon {horizon} h)"
            ));
        }
        if let (Some(phase), Some(pool)) = (vs.phase_by_name(&s.phase), vs.pool_by_name(&s.pool))
            && devices_ok
            && finite
            && to >= from
        {
            slots.push(SlotAt {
                index: i,
                phase,
                pool,
                from,
                to,
                devices: n,
                role: s.role.unwrap_or(crate::plan::ServeRole::Colocated),
            });
        }
    }
    r.add(
        "slots.devices",
        bad_devices.is_empty(),
        if bad_devices.is_empty() {
            "every slot's device count is finite and non-negative".to_owned()
        } else {
            listed(&bad_devices, 5)
        },
    );
    r.add(
        "slots.horizon",
        bad_times.is_empty(),
        if bad_times.is_empty() {
            format!("every slot lies within the horizon (0-{horizon} h)")
        } else {
            listed(&bad_times, 5)
        },
    );

    let mut by_pool = vec![Vec::new(); vs.pool_ids().len()];
    let mut by_phase = vec![Vec::new(); vs.phase_ids().len()];
    for (j, s) in slots.iter().enumerate() {
        by_pool[s.pool.index()].push(j);
        by_phase[s.phase.index()].push(j);
    }
    let mut bought = vec![0.0; vs.pool_ids().len()];
    let mut buys = vec![Vec::new(); vs.pool_ids().len()];
    for (i, b) in plan.purchases.iter().enumerate() {
        if let Some(k) = vs.pool_by_name(&b.pool)
            && b.devices.is_finite()
        {
            bought[k.index()] += b.devices;
            let ordered = 24.0 * b.ordered_day.get();
            buys[k.index()].push(super::Bought {
                index: i,
                ordered,
                arrival: ordered + vs.pool(k).lead_time().to_hours().get(),
                devices: b.devices,
            });
        }
    }
    let mut makespan = vec![false; vs.phase_ids().len()];
    if let ResolvedObjective::MinMakespan(list) = vs.objective() {
        for ph in vs.phases() {
            makespan[ph.id().index()] = if list.is_empty() {
                ph.kind().is_training()
            } else {
                list.contains(&ph.id())
            };
        }
    }
    Ctx {
        vs,
        perf,
        plan,
        horizon,
        slots,
        by_pool,
        by_phase,
        bought,
        buys,
        changes: vs.change_points().iter().map(|h| h.get()).collect(),
        makespan,
    }
}
