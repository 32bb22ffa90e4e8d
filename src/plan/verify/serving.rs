//! The serving family: an inference phase's demand covered at every time of
//! its window.

use super::demand::required;
use super::time::pieces;
use super::{Ctx, PhaseFigures, REL, VerifyReport, time_tol};
use crate::perf::{InferencePair, PairRate};
use crate::scenario::PhaseId;
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

/// Checks `demand[P]` of an inference phase: at every time of the window
/// where the phase has demand, the slots in their earning windows serve at
/// least the required fraction of it (an inference rate per device does not
/// depend on the device count: replicas are independent; the demand is the
/// dated step in force, grown and peak-sized as the scenario says).
pub(super) fn demand(cx: &Ctx<'_>, p: PhaseId, r: &mut VerifyReport) -> PhaseFigures {
    let name = cx.vs.phase(p).name();
    let (start, end) = cx.window(p);
    // per pool: its rate and its devices (from, to, devices) in its earning
    // window
    type Held = (InferencePair, Vec<(f64, f64, f64)>);
    let mut by_pool: BTreeMap<usize, Held> = BTreeMap::new();
    let mut cuts: Vec<f64> = vec![start, end];
    cuts.extend(cx.vs.change_points().iter().map(|h| h.get()));
    for s in cx.phase_slots(p) {
        let Ok(PairRate::Inference(i)) = cx.perf.pair_at_devices(p, s.pool, s.devices) else {
            continue;
        };
        let (lo, hi) = cx.earning(p, s.pool);
        let (a, b) = (s.from.max(lo), s.to.min(hi));
        cuts.extend([a, b]);
        by_pool
            .entry(s.pool.index())
            .or_insert((i, Vec::new()))
            .1
            .push((a, b, s.devices));
    }
    cuts.retain(|t| *t >= start - time_tol(start) && *t <= end + time_tol(end));
    // devices per pool on the common pieces of the window
    let mut served: BTreeMap<u64, (f64, f64, f64)> = BTreeMap::new();
    for (a, b, _) in pieces(&[], &cuts, time_tol(end)) {
        let Some(d) = sized(cx, p, a, b) else {
            continue;
        };
        let mut sum = 0.0;
        for (pair, items) in by_pool.values() {
            let n: f64 = items
                .iter()
                .filter(|it| it.0 <= 0.5 * (a + b) && 0.5 * (a + b) < it.1)
                .map(|it| it.2)
                .sum();
            if n > 0.0 {
                sum += n * pair.share_for(&d);
            }
        }
        served.insert(a.to_bits(), (a, b, sum));
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
        least >= need - REL,
        format!(
            "at least {:.6}% of the (peak-sized) demand served at every time of the window with demand (least from day {:.2}; {:.6}% required)",
            100.0 * least,
            at / 24.0,
            100.0 * need
        ),
    );
    PhaseFigures {
        met_linearised: least,
        met_true: least,
        segments: Vec::new(),
    }
}
