//! The work family: training phases.
//!
//! ```text
//! train[p,k] ≥ 0   units of g_k devices of pool k running training phase p
//!                  from s_pk = max(start_p, arrival_k) to the deadline d_p
//!                  (h_pk = d_p − s_pk hours); cost g_k·h_pk·c_k per unit
//! work[p]:         Σ_k (r_pk·h_pk·g_k) · train[p,k] ≥ 1
//! ```
//!
//! `r_pk` is the share of the phase's work one device of `k` does per hour,
//! evaluated by the performance model at the job size the pool would need to
//! finish the phase alone by its deadline (scale-out efficiency and goodput
//! depend on it); `c_k` is the pool's price per device-hour (energy, rental,
//! amortised capex of owned devices). A unit holds its devices for the whole
//! window (a run keeps its job size), so it enters the pool's capacity row
//! in every interval of the window. With partial demand (most-served
//! objective) the row reads `… − served[p] ≥ 0`.

use super::{ColInfo, ColKind, Ctx, UnitCost, capacity_units, days, kind_name};
use crate::perf::TrainingPair;
use crate::scenario::{PhaseId, PoolId};

/// The `train[p,k]` column of a training pair.
pub(super) fn column(cx: &mut Ctx<'_>, p: PhaseId, k: PoolId, t: &TrainingPair) {
    let vs = cx.vs;
    let pool = vs.pool(k);
    let ph = vs.phase(p);
    let g = pool.granularity().max(1) as f64;
    let hours = t.hours.get();
    let per_hour = cx.pool_costs[k.index()].per_device_hour;
    let cost = UnitCost {
        capex: g * hours * per_hour.capex.get(),
        rental: g * hours * per_hour.rental.get(),
        energy: g * hours * per_hour.energy.get(),
        levy: 0.0,
    };
    let share = t.share_per_device_hour * hours * g;
    let c = cx.add_col(
        format!("train[{},{}]", ph.name(), pool.name()),
        capacity_units(vs, k, g),
        cx.vt,
        ColInfo {
            kind: ColKind::Train { phase: p, pool: k },
            unit: g,
            hours,
            domestic: pool.is_domestic(),
            cost,
            share,
        },
    );
    cx.work_entries[p.index()].push((c, share));
    cx.train_cols[p.index()].push((k, c, g, t.min_devices));
    let s = cx.perf.phase_start(p).max(cx.perf.pool_arrival(k));
    let end = cx.ends[p.index()];
    for ti in 0..cx.time.len() {
        if cx.time.within(ti, s, end) {
            cx.cap_entries.push((k.index(), ti, c, g));
        }
    }
}

/// The `work[p]` row of a training phase.
pub(super) fn row(cx: &mut Ctx<'_>, p: PhaseId, lo: Option<f64>) {
    let ph = cx.vs.phase(p);
    let work = cx.perf.work(p);
    let r = cx.add_row(
        format!("work[{}]", ph.name()),
        lo,
        None,
        super::RowKind::Work { phase: p },
        format!(
            "{} '{}' needs {} by day {:.0}",
            kind_name(ph.kind()),
            ph.name(),
            work.map_or_else(
                || "its work".to_owned(),
                |w| format!("{:.3e} FLOP", w.get())
            ),
            days(cx.ends[p.index()])
        ),
    );
    let entries = std::mem::take(&mut cx.work_entries[p.index()]);
    cx.set_row(r, entries.iter().copied());
    cx.work_entries[p.index()] = entries;
    if let Some(s) = cx.served_col[p.index()] {
        cx.b.set_coef(r, s, -1.0);
    }
}
