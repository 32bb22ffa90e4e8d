//! The serving family: an inference phase's demand covered at every time of
//! its window.

use super::demand::required;
use super::time::pieces;
use super::{Ctx, PhaseFigures, VerifyReport, close, le, listed, time_tol};
use crate::perf::disagg::{KvRoute, route};
use crate::perf::{InferencePair, PairRate};
use crate::plan::ServeRole;
use crate::scenario::{PhaseId, PoolId};
use crate::units::Hours;
use crate::workload::TokenDemand;
use std::collections::BTreeMap;

/// The daily demand serving must cover over `[a, b)`: the step in force at
/// `a`, grown to `b` (its highest point), times the phase's
/// `peak_to_average`; `None` when the phase serves nothing then.
fn sized(cx: &Ctx<'_>, p: PhaseId, a: f64, b: f64) -> Option<TokenDemand> {
    let vs = cx.vs;
    let d = vs.demand_at(p, Hours::from_raw(a.max(0.0)))?;
    let grown = if vs.phase(p).spec().growth_per_month.unwrap_or(0.0) > 0.0 {
        vs.demand_at(p, Hours::from_raw(b.max(0.0))).unwrap_or(d)
    } else {
        d
    };
    let f = vs.peak_factor(p);
    let sized = TokenDemand {
        input: grown.input * f,
        output: grown.output * f,
        cache_hit: grown.cache_hit,
    };
    (sized.input.get() + sized.output.get() > 0.0).then_some(sized)
}

/// A phase's KV transfers that name known pools and a finite,
/// non-negative fraction: (index, prefill pool, decode pool, from, to,
/// fraction).
fn transfers(cx: &Ctx<'_>, p: PhaseId) -> Vec<(usize, PoolId, PoolId, f64, f64, f64)> {
    let name = cx.vs.phase(p).name();
    cx.plan
        .kv_transfers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.phase == name)
        .filter_map(|(i, t)| {
            let a = cx.vs.pool_by_name(&t.prefill_pool)?;
            let b = cx.vs.pool_by_name(&t.decode_pool)?;
            Some((i, a, b, t.from_hours.get(), t.to_hours.get(), t.fraction))
        })
        .collect()
}

/// The KV route of a transfer from `a` to `b` for phase `p`, from the
/// performance model's rates (`None` when the pair may not serve the
/// phase disaggregated).
fn kv_route(cx: &Ctx<'_>, p: PhaseId, a: PoolId, b: PoolId) -> Option<KvRoute> {
    let rate = |k| match cx.perf.pair(p, k) {
        Ok(PairRate::Inference(i)) => Some(i),
        _ => None,
    };
    route(&cx.perf, p, (a, &rate(a)?), (b, &rate(b)?))
}

/// The transfer cost of a plan's KV transfers, recomputed from the
/// scenario (USD): each transfer's fraction of the interval's peak-sized
/// prompt tokens, at the average rate (÷ `peak_to_average`), times the KV
/// bytes per token and the route's price. Also checks each transfer's
/// reported figures (`kv_transfers[P]`).
pub(super) fn transfer_cost(cx: &Ctx<'_>, r: &mut VerifyReport) -> f64 {
    let mut total = 0.0;
    for ph in cx.vs.phases() {
        let p = ph.id();
        let list = transfers(cx, p);
        if list.is_empty() {
            continue;
        }
        let mut bad = Vec::new();
        let f = cx.vs.peak_factor(p);
        for &(i, a, b, from, to, x) in &list {
            let t = &cx.plan.kv_transfers[i];
            let (Some(rt), Some(d)) = (kv_route(cx, p, a, b), sized(cx, p, from, to)) else {
                bad.push(format!("kv_transfers[{i}] has no route or no demand"));
                continue;
            };
            let input = x * d.input.get();
            let hours = to - from;
            let cost = rt.usd(input / f, hours);
            let bytes = input / f * hours / 24.0 * rt.kv_per_token.get();
            total += cost;
            for (what, reported, recomputed) in [
                ("cost_usd", t.cost_usd.get(), cost),
                ("bytes", t.bytes.get(), bytes),
                ("input_tokens_per_day", t.input_tokens_per_day.get(), input),
                (
                    "peak_bytes_per_s",
                    t.peak_bytes_per_s.get(),
                    rt.bytes_per_sec(input),
                ),
            ] {
                if !close(reported, recomputed) {
                    bad.push(format!(
                        "kv_transfers[{i}].{what} is {reported}, recomputed {recomputed}"
                    ));
                }
            }
        }
        r.add(
            format!("kv_transfers[{}]", ph.name()),
            bad.is_empty(),
            if bad.is_empty() {
                format!(
                    "{} transfers: tokens, bytes and cost as recomputed",
                    list.len()
                )
            } else {
                listed(&bad, 3)
            },
        );
    }
    total
}

/// Per pool and role: the pool's rate and its devices `(from, to, n)` in
/// their earning window.
type Held = (InferencePair, Vec<(f64, f64, f64)>);

/// Checks `demand[P]` of an inference phase: at every time of the window
/// where the phase has demand, the slots in their earning windows serve at
/// least the required fraction of it (an inference rate per device does not
/// depend on the device count: replicas are independent; the demand is the
/// dated step in force, grown and peak-sized as the scenario says). For a
/// disaggregated phase the requests served are the co-located slots' share
/// plus the plan's KV transfers, which `kv[P]` checks against the prefill
/// and decode slots, the links and the devices' scale-out bandwidth.
pub(super) fn demand(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) -> PhaseFigures {
    let name = cx.vs.phase(p).name();
    let (start, end) = cx.window(p);
    let mut by_pool: BTreeMap<(usize, ServeRole), Held> = BTreeMap::new();
    let mut cuts: Vec<f64> = vec![start, end];
    cuts.extend(cx.changes.iter().copied());
    for s in cx.phase_slots(p) {
        let Ok(PairRate::Inference(i)) = cx.perf.pair_at_devices(p, s.pool, s.devices) else {
            continue;
        };
        let (lo, hi) = cx.earning(p, s.pool);
        let (a, b) = (s.from.max(lo), s.to.min(hi));
        cuts.extend([a, b]);
        by_pool
            .entry((s.pool.index(), s.role))
            .or_insert((i, Vec::new()))
            .1
            .push((a, b, s.devices));
    }
    let flows = transfers(cx, p);
    for &(_, _, _, a, b, _) in &flows {
        cuts.extend([a, b]);
    }
    cuts.retain(|t| *t >= start - time_tol(start) && *t <= end + time_tol(end));
    let mut kv = KvCheck::default();
    // devices per pool on the common pieces of the window
    let mut served: BTreeMap<u64, (f64, f64, f64)> = BTreeMap::new();
    for (a, b, _) in pieces(&[], &cuts, time_tol(end)) {
        let Some(d) = sized(cx, p, a, b) else {
            continue;
        };
        let mid = 0.5 * (a + b);
        let held = |k: usize, role: ServeRole| -> Option<(&InferencePair, f64)> {
            let (pair, items) = by_pool.get(&(k, role))?;
            let n: f64 = items
                .iter()
                .filter(|it| it.0 <= mid && mid < it.1)
                .map(|it| it.2)
                .sum();
            Some((pair, n))
        };
        let mut sum = 0.0;
        for &(k, role) in by_pool.keys() {
            if role == ServeRole::Colocated
                && let Some((pair, n)) = held(k, role)
                && n > 0.0
            {
                sum += n * pair.share_for(&d);
            }
        }
        let here: Vec<(usize, PoolId, PoolId, f64)> = flows
            .iter()
            .filter(|fl| fl.3 <= mid && mid < fl.4)
            .map(|fl| (fl.0, fl.1, fl.2, fl.5))
            .collect();
        sum += kv.piece(cx, p, (a, &d), &here, &held);
        served.insert(a.to_bits(), (a, b, sum));
    }
    if !flows.is_empty() || by_pool.keys().any(|k| k.1 != ServeRole::Colocated) {
        if cx.vs.phase(p).spec().disaggregation.is_none() {
            kv.bad.push(format!(
                "'{name}' is not served disaggregated in the scenario"
            ));
        }
        r.add(
            format!("kv[{name}]"),
            kv.bad.is_empty(),
            if kv.bad.is_empty() {
                format!(
                    "{} KV transfers within the prefill and decode slots' capacity, the links and the devices' scale-out bandwidth",
                    flows.len()
                )
            } else {
                listed(&kv.bad, 3)
            },
        );
    }
    let (least, at) =
        served.values().fold(
            (f64::INFINITY, start),
            |(l, t), &(a, _, s)| {
                if s < l { (s, a) } else { (l, t) }
            },
        );
    // a phase with no demand in its window has nothing to serve
    let least = if least.is_finite() { least } else { 1.0 };
    let need = required(cx, p);
    r.add(
        format!("demand[{name}]"),
        le(need, least),
        {
            let (pct, day, np) = (100.0 * least, at / 24.0, 100.0 * need);
            super::detail!(
                "at least {pct:.6}% of the (peak-sized) demand served at every time of the window with demand (least from day {day:.2}; {np:.6}% required)"
            )
        },
    );
    PhaseFigures {
        met_linearised: least,
        met_true: least,
        segments: Vec::new(),
    }
}

/// The KV checks of a phase, piece by piece.
#[derive(Default)]
struct KvCheck {
    bad: Vec<String>,
}

impl KvCheck {
    /// Checks the transfers `here` (index, prefill pool, decode pool,
    /// fraction) on the piece starting at `a` with demand `d` against the
    /// prefill and decode devices `held` there; returns the fraction of
    /// requests they serve (valid ones only).
    fn piece<'h>(
        &mut self,
        cx: &Ctx<'_>,
        p: PhaseId,
        (a, d): (f64, &TokenDemand),
        here: &[(usize, PoolId, PoolId, f64)],
        held: &impl Fn(usize, ServeRole) -> Option<(&'h InferencePair, f64)>,
    ) -> f64 {
        let day = a / 24.0;
        let mut out: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        let mut into: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        let mut sum = 0.0;
        for &(i, ka, kb, x) in here {
            if !(x.is_finite() && x >= 0.0) {
                self.bad.push(format!("kv_transfers[{i}] has fraction {x}"));
                continue;
            }
            let Some(rt) = kv_route(cx, p, ka, kb) else {
                self.bad.push(format!(
                    "kv_transfers[{i}]: '{}' to '{}' may not serve the phase disaggregated",
                    cx.vs.pool(ka).name(),
                    cx.vs.pool(kb).name()
                ));
                continue;
            };
            let bytes = x * rt.bytes_per_sec(d.input.get());
            if let Some(l) = rt.link
                && !le(bytes, l.get())
            {
                self.bad.push(format!(
                    "kv_transfers[{i}] moves {:.3} GB/s over a {:.3} GB/s link (day {day:.2})",
                    bytes / 1e9,
                    l.get() / 1e9
                ));
            }
            let o = out.entry(ka.index()).or_default();
            o.0 += x;
            o.1 += bytes;
            let n = into.entry(kb.index()).or_default();
            n.0 += x;
            n.1 += bytes;
            sum += x;
        }
        for (map, role) in [(&out, ServeRole::Prefill), (&into, ServeRole::Decode)] {
            for (&k, &(x, bytes)) in map {
                let pool = PoolId::new(k);
                let (cap, n) = held(k, role).map_or((0.0, 0.0), |(pair, n)| {
                    let share = if role == ServeRole::Prefill {
                        pair.prefill_share_for(d)
                    } else {
                        pair.decode_share_for(d)
                    };
                    (n * share, n)
                });
                if !le(x, cap) {
                    self.bad.push(format!(
                        "'{}' {}s {:.6} of the requests from day {day:.2} on {n} devices that serve {:.6}",
                        cx.vs.pool(pool).name(),
                        role.as_str(),
                        x,
                        cap
                    ));
                }
                if let Some(bw) = cx.perf.scale_out_bandwidth(pool)
                    && !le(bytes, n * bw.get())
                {
                    self.bad.push(format!(
                        "'{}''s {n} {} devices carry {:.3} GB/s of KV cache over {:.3} GB/s of scale-out bandwidth (day {day:.2})",
                        cx.vs.pool(pool).name(),
                        role.as_str(),
                        bytes / 1e9,
                        n * bw.get() / 1e9
                    ));
                }
            }
        }
        sum
    }
}
