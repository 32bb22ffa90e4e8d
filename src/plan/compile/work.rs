//! The work family: training phases.
//!
//! ```text
//! train[p,k,w] ≥ 0   units of g_k devices of pool k running training phase p
//!                    over the window w = [s, e) (h_w = e − s hours);
//!                    cost g_k·h_w·c_k per unit
//! work[p]:           Σ_{k,w} (r_pkw·h_w·g_k) · train[p,k,w] ≥ 1
//! ```
//!
//! A pool's windows for a phase start at the phase's start, at each arrival
//! of the pool's purchases inside the phase's window (devices bought later
//! can start a run of their own) and wherever the pool becomes usable
//! again (a rule on use ending); each ends at the deadline or when the pool
//! stops being usable (a rule on use starting), whichever comes first. A
//! pool usable throughout with devices from the start has one window,
//! `[start_p, d_p)`, and one column `train[p,k]`.
//!
//! `r_pkw` is the share of the phase's work one device of `k` does per
//! hour, evaluated by the performance model at the job size the pool would
//! need to finish the phase alone within the window (scale-out efficiency
//! and goodput depend on it); `c_k` is the pool's price per device-hour
//! (energy, rental, amortised capex of owned devices). A unit holds its
//! devices for the whole window (a run keeps its job size), so it enters
//! the pool's capacity row in every interval of the window. With partial
//! demand (most-served objective) the row reads `… − served[p] ≥ 0`.
//!
//! A run that fails ([`crate::workload::RunFailure`]: it started on a
//! failing pool before the failure and had not ended before it) earns
//! nothing: its column has no entry in `work[p]`, holds its devices (in
//! `capacity` and the phase's device limits) and is paid for from its start
//! to the failure, and takes no part in the whole-device rows (`use`,
//! `gang`, `single_pool`: the phase may be redone on another pool). Every pool's windows for the phase also start at each
//! failure.
//!
//! A unit's coefficient in `work[p]` is capped at [`MAX_WORK_SHARE`]
//! (10^6): a unit that would do the phase's work more than a million times
//! over in its window (a phase of 1 FLOP on a pool of H100s: 10^21 times)
//! is credited with a million. Both are "done alone", so a whole-device
//! plan is unchanged; a fractional one runs at least 10^-6 of a unit
//! instead of 10^-21 (its cost is over by at most a millionth of a unit's),
//! and the row's coefficients stay far below the 10^15 the engine refuses
//! (`model` module docs). The column keeps its true share for the report.

use super::{ColInfo, ColKind, Ctx, capacity_units, days, kind_name};
use crate::perf::PairRate;
use crate::scenario::{PhaseId, PoolId};
use crate::units::Hours;

/// The most of a phase's work a unit is credited with in `work[p]`
/// (module docs).
pub(crate) const MAX_WORK_SHARE: f64 = 1e6;

/// The windows `[s, e)` pool `k` can run phase `p` in (module docs), each
/// with whether it is late: with [`super::CompileOptions::late_until`],
/// every start also opens a window running past the deadline to that hour
/// (when the pool is usable beyond the deadline).
fn windows(cx: &Ctx<'_>, p: PhaseId, k: PoolId) -> Vec<(Hours, Hours, bool)> {
    let s0 = cx.perf.phase_start(p);
    let deadline = cx.ends[p.index()];
    let horizon = cx.vs.horizon().to_hours();
    let late = cx
        .opts
        .late_until
        .map(|h| h.min(horizon))
        .filter(|h| h.get() > deadline.get() + 1e-9);
    let end = late.unwrap_or(deadline);
    let usable = &cx.usable[k.index()];
    let mut starts: Vec<Hours> = vec![s0];
    starts.extend(cx.orders[k.index()].iter().map(|o| o.arrival));
    // a failed run may be redone from the failure on, on any pool
    starts.extend(cx.vs.failure_starts(p));
    for t in 1..cx.time.len() {
        if usable[t] && !usable[t - 1] {
            starts.push(cx.time.intervals[t].0);
        }
    }
    starts.retain(|s| s.get() >= s0.get() - 1e-9 && s.get() < end.get() - 1e-9);
    starts.sort_by(|a, b| a.get().total_cmp(&b.get()));
    starts.dedup_by(|a, b| (a.get() - b.get()).abs() < 1e-9);
    let mut out = Vec::new();
    for s in starts {
        let Some(t0) = cx.time.starting_at(s) else {
            continue;
        };
        if !usable[t0] {
            continue;
        }
        // the usable stretch from `s`, up to `until`
        let stretch = |until: Hours| {
            let mut e = s;
            for (&(a, b), &ok) in cx.time.intervals.iter().zip(usable).skip(t0) {
                if !ok || a.get() >= until.get() - 1e-9 {
                    break;
                }
                e = b.min(until);
            }
            e
        };
        let e = stretch(deadline);
        if s.get() < deadline.get() - 1e-9 && e.get() > s.get() + 1e-9 {
            out.push((s, e, false));
        }
        if let Some(l) = late {
            let e = stretch(l);
            if e.get() > deadline.get() + 1e-9 {
                out.push((s, e, true));
            }
        }
    }
    out
}

/// The `train[p,k,w]` columns of a training pair, one per window.
pub(super) fn columns(cx: &mut Ctx<'_>, p: PhaseId, k: PoolId) {
    let vs = cx.vs;
    let pool = vs.pool(k);
    let ph = vs.phase(p);
    let g = pool.granularity().max(1) as f64;
    let ws = windows(cx, p, k);
    let single = ws.len() == 1;
    let mut unfit = None;
    let mut any = false;
    for (s, e, late) in ws {
        let t = match cx.perf.pair_window(p, k, s, e) {
            Ok(PairRate::Training(t)) => t,
            Ok(PairRate::Inference(_)) => continue,
            Err(u) => {
                unfit.get_or_insert(u);
                continue;
            }
        };
        any = true;
        let from = e - t.hours;
        // a run that fails holds its devices until the failure and earns
        // nothing (module docs)
        let failed = cx.vs.run_fails(p, k, from.get(), e.get());
        let until = failed.unwrap_or(e);
        let hours = (until - from).get();
        let cost = cx.running_cost(k, g, hours);
        let share = if failed.is_some() {
            0.0
        } else {
            t.share_per_device_hour * hours * g
        };
        let name = if single {
            format!("train[{},{}]", ph.name(), pool.name())
        } else if late {
            format!("train[{},{},d{:.1},late]", ph.name(), pool.name(), days(s))
        } else {
            format!("train[{},{},d{:.1}]", ph.name(), pool.name(), days(s))
        };
        let c = cx.add_col(
            name,
            capacity_units(vs, k, g),
            cx.vt,
            ColInfo {
                kind: ColKind::Train { phase: p, pool: k },
                unit: g,
                hours,
                domestic: pool.is_domestic(),
                cost,
                share,
                window: (from, until),
            },
        );
        if failed.is_none() {
            cx.work_entries[p.index()].push((c, share.min(MAX_WORK_SHARE)));
        }
        if late {
            cx.late.push(c.index());
        }
        cx.train_cols[p.index()].push((k, c, g, t.min_devices));
        for ti in 0..cx.time.len() {
            if cx.time.within(ti, from, until) {
                cx.cap_entries.push((k.index(), ti, c, g));
            }
        }
    }
    if !any && let Some(u) = unfit {
        cx.unfit[p.index()].push((k, u));
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
