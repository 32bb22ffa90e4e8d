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
//!
//! # Disaggregated serving
//!
//! A phase with `disaggregation` may also be served by (prefill pool `A`,
//! decode pool `B ≠ A`) pairs that [`crate::perf::disagg::route`] allows:
//!
//! ```text
//! prefill[p,A,t], decode[p,B,t] ≥ 0  units of g devices doing only prefill / decode
//! kv[p,A,B,t] ≥ 0                    fraction of the interval's requests prefilled on A,
//!                                    decoded on B; cost usd_per_gb·(I/peak)·κ·|t|/24/1e9
//! serve[p,t]:        … + Σ_{A,B} kv[p,A,B,t] ≥ 1
//! kv_prefill[p,A,t]: a_A·g·prefill[p,A,t] − Σ_B kv[p,A,B,t] ≥ 0   a_A = prefill_share_for
//! kv_decode[p,B,t]:  b_B·g·decode[p,B,t]  − Σ_A kv[p,A,B,t] ≥ 0   b_B = decode_share_for
//! kv_send[p,A,t]:    s_A·g·prefill[p,A,t] − Σ_B β_AB·kv[p,A,B,t] ≥ 0   (scale-out known)
//! kv_receive[p,B,t]: s_B·g·decode[p,B,t]  − Σ_A β_AB·kv[p,A,B,t] ≥ 0
//! kv_link[p,A,B,t]:  β_AB·kv[p,A,B,t] ≤ the link's bandwidth          (explicit links)
//! ```
//!
//! with `I` the interval's peak-sized prompt tokens a day, `κ` the KV
//! bytes per token, `β_AB = I·κ / 86,400 s` the bytes per second of all
//! the interval's requests at the busiest hour and `s` a device's
//! scale-out bandwidth. Devices are sized on the peak; transfers are paid
//! at the average rate (`I / peak_to_average`). The co-located columns are
//! unchanged, so a phase without `disaggregation` compiles as before.

use super::{ColInfo, ColKind, Ctx, KvBound, RowKind, UnitCost, capacity_units, days};
use crate::model::{ColId, VarType};
use crate::perf::InferencePair;
use crate::perf::disagg::{KvRoute, route};
use crate::scenario::{PhaseId, PoolId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the devices of a serving column (or a schedule slot) do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServeRole {
    /// Prefill and decode on the same devices' pool (the default).
    Colocated,
    /// Prefill only; the KV cache goes to a decode pool.
    Prefill,
    /// Decode only, of prompts prefilled on another pool.
    Decode,
}

impl ServeRole {
    /// `"colocated"`, `"prefill"` or `"decode"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ServeRole::Colocated => "colocated",
            ServeRole::Prefill => "prefill",
            ServeRole::Decode => "decode",
        }
    }
}

/// A prefill or decode column: the column, requests per unit, scale-out
/// bytes/s per unit when known.
type DeviceCol = (ColId, f64, Option<f64>);

/// A disaggregated phase's prefill and decode columns and KV flows, kept
/// for its KV rows.
#[derive(Debug, Default)]
pub(super) struct KvCols {
    /// (interval, pool, role) → its column.
    devices: BTreeMap<(usize, usize, ServeRole), DeviceCol>,
    /// The flows: interval, prefill pool, decode pool, column, bytes/s per
    /// unit, link bandwidth (explicit links).
    flows: Vec<(usize, PoolId, PoolId, ColId, f64, Option<f64>)>,
}

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
                    role: ServeRole::Colocated,
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
    kv_rows(cx, p);
}

/// A route of a disaggregated phase: prefill pool and rate, decode pool
/// and rate, the route.
type Route = (PoolId, InferencePair, PoolId, InferencePair, KvRoute);

/// The prefill, decode and KV-flow columns of a disaggregated inference
/// phase (module docs), for every allowed (prefill pool, decode pool)
/// pair ([`crate::perf::disagg::route`]) in every interval where both pools
/// are usable and the demand needs both prefill and decode.
pub(super) fn disaggregated_columns(cx: &mut Ctx<'_>, p: PhaseId) {
    let pairs = cx.infer_pairs[p.index()].clone();
    let mut routes: Vec<Route> = Vec::new();
    for (a, ra) in &pairs {
        for (b, rb) in &pairs {
            if let Some(rt) = route(cx.perf, p, (*a, ra), (*b, rb)) {
                routes.push((*a, *ra, *b, *rb, rt));
            }
        }
    }
    if routes.is_empty() {
        return;
    }
    let s = cx.perf.phase_start(p);
    let end = cx.ends[p.index()];
    let f = cx.vs.peak_factor(p);
    for ti in 0..cx.time.len() {
        let (a, e) = cx.time.intervals[ti];
        let hours = (e - a).get();
        if !cx.time.within(ti, s, end) || hours <= 0.0 {
            continue;
        }
        let Some(demand) = sized_demand(cx, p, ti) else {
            continue;
        };
        for (ka, ra, kb, rb, rt) in &routes {
            let (pre, dec) = (ra.prefill_share_for(&demand), rb.decode_share_for(&demand));
            if !cx.usable[ka.index()][ti]
                || !cx.usable[kb.index()][ti]
                || !pre.is_finite()
                || !dec.is_finite()
            {
                continue;
            }
            device_column(cx, p, ti, (*ka, ra), ServeRole::Prefill, pre);
            device_column(cx, p, ti, (*kb, rb), ServeRole::Decode, dec);
            let input = demand.input.get();
            let ph = cx.vs.phase(p);
            let c = cx.add_col(
                format!(
                    "kv[{},{},{},{}]",
                    ph.name(),
                    cx.vs.pool(*ka).name(),
                    cx.vs.pool(*kb).name(),
                    ti
                ),
                None,
                VarType::Continuous,
                ColInfo {
                    kind: ColKind::KvFlow {
                        phase: p,
                        prefill: *ka,
                        decode: *kb,
                        interval: ti,
                    },
                    unit: 0.0,
                    hours: 0.0,
                    domestic: false,
                    cost: UnitCost {
                        transfer: rt.usd(input / f, hours),
                        ..UnitCost::default()
                    },
                    share: 1.0,
                    window: (a, e),
                },
            );
            cx.serve_entries
                .entry((p.index(), ti))
                .or_default()
                .push((c, 1.0));
            cx.kv_flows.insert(
                c.index(),
                super::KvFlowInfo {
                    input_per_day: input,
                    bytes_per_sec: rt.bytes_per_sec(input),
                    bytes: input / f * hours / 24.0 * rt.kv_per_token.get(),
                },
            );
            cx.kv[p.index()].flows.push((
                ti,
                *ka,
                *kb,
                c,
                rt.bytes_per_sec(input),
                rt.link.map(|l| l.get()),
            ));
        }
    }
}

/// The prefill or decode column of pool `k` in interval `ti` (made once),
/// serving `share` of the requests per device.
fn device_column(
    cx: &mut Ctx<'_>,
    p: PhaseId,
    ti: usize,
    (k, r): (PoolId, &InferencePair),
    role: ServeRole,
    share: f64,
) {
    if cx.kv[p.index()]
        .devices
        .contains_key(&(ti, k.index(), role))
    {
        return;
    }
    let vs = cx.vs;
    let g = r.replica.max(1) as f64;
    let (a, e) = cx.time.intervals[ti];
    let hours = (e - a).get();
    let cost = cx.running_cost(k, g, hours);
    let c = cx.add_col(
        format!(
            "{}[{},{},{}]",
            role.as_str(),
            vs.phase(p).name(),
            vs.pool(k).name(),
            ti
        ),
        capacity_units(vs, k, g),
        cx.vt,
        ColInfo {
            kind: ColKind::Serve {
                phase: p,
                pool: k,
                interval: ti,
                role,
            },
            unit: g,
            hours,
            domestic: vs.pool(k).is_domestic(),
            cost,
            share: share * g,
            window: (a, e),
        },
    );
    cx.serve_cols[p.index()].push((ti, c, g));
    cx.cap_entries.push((k.index(), ti, c, g));
    let nic = cx.perf.scale_out_bandwidth(k).map(|b| b.get() * g);
    cx.kv[p.index()]
        .devices
        .insert((ti, k.index(), role), (c, share * g, nic));
}

/// The KV rows of a disaggregated phase (module docs): per interval and
/// pool, requests prefilled (decoded) ≤ what its prefill (decode) devices
/// do, and the bytes they send (receive) ≤ their scale-out bandwidth; per
/// explicit link, its bytes ≤ its bandwidth.
fn kv_rows(cx: &mut Ctx<'_>, p: PhaseId) {
    let kv = std::mem::take(&mut cx.kv[p.index()]);
    let vs = cx.vs;
    let name = vs.phase(p).name();
    for (&(ti, k, role), &(col, share, nic)) in &kv.devices {
        let pool = PoolId::new(k);
        let mine: Vec<(ColId, f64)> = kv
            .flows
            .iter()
            .filter(|fl| {
                fl.0 == ti
                    && if role == ServeRole::Prefill {
                        fl.1
                    } else {
                        fl.2
                    } == pool
            })
            .map(|fl| (fl.3, fl.4))
            .collect();
        let (what, bound, nic_bound, verb) = if role == ServeRole::Prefill {
            (
                "prefill",
                KvBound::Prefill(pool),
                KvBound::Send(pool),
                "send",
            )
        } else {
            (
                "decode",
                KvBound::Decode(pool),
                KvBound::Receive(pool),
                "receive",
            )
        };
        let (a, e) = cx.time.intervals[ti];
        let r = cx.add_row(
            format!("kv_{what}[{name},{},{ti}]", vs.pool(pool).name()),
            Some(0.0),
            None,
            RowKind::Kv {
                phase: p,
                interval: ti,
                bound,
            },
            format!(
                "'{}' can {what} only as many of '{name}''s requests as its {what} devices serve in days {:.0}-{:.0}",
                vs.pool(pool).name(),
                days(a),
                days(e)
            ),
        );
        cx.b.set_coef(r, col, share);
        for &(fc, _) in &mine {
            cx.b.set_coef(r, fc, -1.0);
        }
        if let Some(nic) = nic {
            let r = cx.add_row(
                format!("kv_{verb}[{name},{},{ti}]", vs.pool(pool).name()),
                Some(0.0),
                None,
                RowKind::Kv {
                    phase: p,
                    interval: ti,
                    bound: nic_bound,
                },
                format!(
                    "the KV cache '{}''s {what} devices {verb} for '{name}' fits their scale-out bandwidth in days {:.0}-{:.0}",
                    vs.pool(pool).name(),
                    days(a),
                    days(e)
                ),
            );
            cx.b.set_coef(r, col, nic);
            for &(fc, beta) in &mine {
                cx.b.set_coef(r, fc, -beta);
            }
        }
    }
    for &(ti, ka, kb, col, beta, link) in &kv.flows {
        let Some(bw) = link else {
            continue;
        };
        let (a, e) = cx.time.intervals[ti];
        let r = cx.add_row(
            format!(
                "kv_link[{name},{},{},{ti}]",
                vs.pool(ka).name(),
                vs.pool(kb).name()
            ),
            None,
            Some(bw),
            RowKind::Kv {
                phase: p,
                interval: ti,
                bound: KvBound::Link(ka, kb),
            },
            format!(
                "the KV cache of '{name}' from '{}' to '{}' fits the link's {:.3} GB/s in days {:.0}-{:.0}",
                vs.pool(ka).name(),
                vs.pool(kb).name(),
                bw / 1e9,
                days(a),
                days(e)
            ),
        );
        cx.b.set_coef(r, col, beta);
    }
}
