//! The serving family: inference phases.
//!
//! ```text
//! serve[p,k,t] ≥ 0   units of g_pk devices (the memory-fit replica) of pool k
//!                    serving inference phase p in interval t of its window;
//!                    cost g_pk·|t|·c_k per unit
//! serve[p,t]:        Σ_k (q_pk·g_pk) · serve[p,k,t] ≥ 1
//! ```
//!
//! `q_pk` is the share of the phase's daily demand one device of `k`
//! serves (prefill and decode disaggregated inside the pool, at the largest
//! batch the latency target allows). Serving columns are per interval, so a
//! serving fleet can change when purchases arrive. With partial demand the
//! rows read `… − served[p] ≥ 0`.

use super::{ColInfo, ColKind, Ctx, RowKind, UnitCost, capacity_units, days};
use crate::perf::InferencePair;
use crate::scenario::{PhaseId, PoolId};

/// The `serve[p,k,t]` columns of an inference pair, one per interval of the
/// phase's window after the pool's arrival.
pub(super) fn columns(cx: &mut Ctx<'_>, p: PhaseId, k: PoolId, r: &InferencePair) {
    let vs = cx.vs;
    let pool = vs.pool(k);
    let ph = vs.phase(p);
    let g = r.replica.max(1) as f64;
    let share = r.share_per_device * g;
    let per_hour = cx.pool_costs[k.index()].per_device_hour;
    let s = cx.perf.phase_start(p).max(cx.perf.pool_arrival(k));
    let end = cx.ends[p.index()];
    for ti in 0..cx.time.len() {
        let (a, e) = cx.time.intervals[ti];
        if !cx.time.within(ti, s, end) {
            continue;
        }
        let hours = (e - a).get();
        if hours <= 0.0 {
            continue;
        }
        let cost = UnitCost {
            capex: g * hours * per_hour.capex.get(),
            rental: g * hours * per_hour.rental.get(),
            energy: g * hours * per_hour.energy.get(),
            levy: 0.0,
        };
        let c = cx.add_col(
            format!("serve[{},{},{}]", ph.name(), pool.name(), ti),
            capacity_units(vs, k, g),
            cx.vt,
            ColInfo {
                kind: ColKind::Serve {
                    phase: p,
                    pool: k,
                    interval: ti,
                },
                unit: g,
                hours,
                domestic: pool.is_domestic(),
                cost,
                share,
            },
        );
        cx.serve_entries
            .entry((p.index(), ti))
            .or_default()
            .push((c, share));
        cx.serve_cols[p.index()].push((ti, c, g));
        cx.cap_entries.push((k.index(), ti, c, g));
    }
}

/// The `serve[p,t]` rows of an inference phase, one per interval of its
/// window.
pub(super) fn rows(cx: &mut Ctx<'_>, p: PhaseId, lo: Option<f64>) {
    let ph = cx.vs.phase(p);
    let s = cx.perf.phase_start(p);
    let end = cx.ends[p.index()];
    for t in 0..cx.time.len() {
        let (a, e) = cx.time.intervals[t];
        if !cx.time.within(t, s, end) || (e - a).get() <= 0.0 {
            continue;
        }
        let r = cx.add_row(
            format!("serve[{},{}]", ph.name(), t),
            lo,
            None,
            RowKind::Serve {
                phase: p,
                interval: t,
            },
            format!(
                "inference '{}' must serve its daily tokens in days {:.0}-{:.0}",
                ph.name(),
                days(a),
                days(e)
            ),
        );
        if let Some(es) = cx.serve_entries.get(&(p.index(), t)) {
            for &(c, v) in es {
                cx.b.set_coef(r, c, v);
            }
        }
        if let Some(sc) = cx.served_col[p.index()] {
            cx.b.set_coef(r, sc, -1.0);
        }
    }
}
