//! The serving family: inference phases.
//!
//! ```text
//! serve[p,k,t] ≥ 0   units of g_pk devices (the memory-fit replica) of pool k
//!                    serving inference phase p in interval t of its window;
//!                    cost g_pk·|t|·c_k per unit
//! serve[p,t]:        Σ_k (q_pkt·g_pk) · serve[p,k,t] ≥ 1
//! ```
//!
//! `q_pkt` is the share of the phase's demand in interval `t` one device of
//! `k` serves (prefill and decode disaggregated inside the pool, at the
//! largest batch the latency target allows): the demand is the dated step
//! in force, grown by `growth_per_month` to the interval's end (its
//! highest point in the interval), times `peak_to_average` (serving is
//! sized on the busiest hour). Intervals before the first demand step have
//! no row. Serving columns are per interval, so a serving fleet can change
//! when purchases arrive, rules change or demand steps; a pool serves only
//! in intervals where its devices are usable. With partial demand the rows
//! read `… − served[p] ≥ 0`.

use super::{ColInfo, ColKind, Ctx, RowKind, capacity_units, days};
use crate::perf::InferencePair;
use crate::scenario::{PhaseId, PoolId};

/// The demand of phase `p` serving is sized on in interval `t` (module
/// docs), or `None` when the phase serves nothing then.
fn sized_demand(cx: &Ctx<'_>, p: PhaseId, t: usize) -> Option<crate::workload::TokenDemand> {
    let (_, e) = cx.time.intervals[t];
    let d = cx.vs.demand_at(p, cx.time.intervals[t].0)?;
    // growth is continuous: size on the interval's end
    let grown = if cx.vs.phase(p).spec().growth_per_month.unwrap_or(0.0) > 0.0 {
        cx.vs.demand_at(p, e).unwrap_or(d)
    } else {
        d
    };
    let f = cx.vs.peak_factor(p);
    let sized = crate::workload::TokenDemand {
        input: grown.input * f,
        output: grown.output * f,
        cache_hit: grown.cache_hit,
    };
    (sized.input.get() + sized.output.get() > 0.0).then_some(sized)
}

/// The `serve[p,k,t]` columns of an inference pair, one per interval of the
/// phase's window where the pool is usable and the phase has demand.
pub(super) fn columns(cx: &mut Ctx<'_>, p: PhaseId, k: PoolId, r: &InferencePair) {
    let vs = cx.vs;
    let pool = vs.pool(k);
    let ph = vs.phase(p);
    let g = r.replica.max(1) as f64;
    let s = cx.perf.phase_start(p);
    let end = cx.ends[p.index()];
    for ti in 0..cx.time.len() {
        let (a, e) = cx.time.intervals[ti];
        if !cx.time.within(ti, s, end) || !cx.usable[k.index()][ti] {
            continue;
        }
        let hours = (e - a).get();
        if hours <= 0.0 {
            continue;
        }
        let Some(demand) = sized_demand(cx, p, ti) else {
            continue;
        };
        let share = r.share_for(&demand) * g;
        let cost = cx.running_cost(k, g, hours);
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
                window: (a, e),
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
        if !cx.time.within(t, s, end) || (e - a).get() <= 0.0 || sized_demand(cx, p, t).is_none() {
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
                "inference '{}' must serve its demand in days {:.0}-{:.0}",
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
