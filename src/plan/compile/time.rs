//! The time family: the intervals every other family is cut by.
//!
//! Time is cut into intervals `t = [b_t, b_{t+1})` at every phase's start
//! and deadline (or end of service), every possible arrival of a purchase
//! (each order day plus the lead time), every period boundary and every
//! day something dated changes (export rules, domestic shares, demand and
//! delivery steps, availability: [`ValidatedScenario::change_points`]), and
//! the horizon `H`. Within an interval every rule, price, demand and device
//! count is constant, so a capacity row per pool and interval is exact for
//! "devices in use at once" and each interval is read on its first day.

use super::CompileOptions;
use super::purchases::Order;
use crate::perf::PerfModel;
use crate::scenario::ValidatedScenario;
use crate::units::Hours;

/// Per phase: its deadline (training) or end of service (inference), in
/// hours from the start, after the options' moved deadlines, capped at the
/// horizon.
pub(super) fn ends(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &CompileOptions,
) -> Vec<Hours> {
    let horizon = vs.horizon().to_hours();
    vs.phase_ids()
        .map(|p| {
            opts.deadlines
                .iter()
                .find(|(q, _)| *q == p)
                .map_or_else(|| perf.phase_end(p), |(_, h)| *h)
                .min(horizon)
        })
        .collect()
}

/// The intervals of a plan.
pub(super) struct Timeline {
    /// `[start, end)` in hours from the scenario's start, in order.
    pub(super) intervals: Vec<(Hours, Hours)>,
}

impl Timeline {
    pub(super) fn new(
        vs: &ValidatedScenario,
        perf: &PerfModel<'_>,
        ends: &[Hours],
        orders: &[Vec<Order>],
        extra: &[Hours],
    ) -> Self {
        let horizon = vs.horizon().to_hours();
        let mut cuts: Vec<f64> = vec![0.0, horizon.get()];
        for p in vs.phase_ids() {
            cuts.push(perf.phase_start(p).get().min(horizon.get()));
            cuts.push(ends[p.index()].get());
        }
        for k in vs.pool_ids() {
            cuts.push(perf.pool_arrival(k).get().min(horizon.get()));
        }
        cuts.extend(orders.iter().flatten().map(|o| o.arrival.get()));
        cuts.extend(vs.change_points().iter().map(|h| h.get()));
        cuts.extend(
            extra
                .iter()
                .map(|h| h.get())
                .filter(|&h| h > 0.0 && h < horizon.get()),
        );
        cuts.sort_by(f64::total_cmp);
        cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let intervals = cuts
            .windows(2)
            .map(|w| (Hours::from_raw(w[0]), Hours::from_raw(w[1])))
            .collect();
        Self { intervals }
    }

    /// Number of intervals.
    pub(super) fn len(&self) -> usize {
        self.intervals.len()
    }

    /// Whether interval `t` lies within `[s, e]`.
    pub(super) fn within(&self, t: usize, s: Hours, e: Hours) -> bool {
        let (a, b) = self.intervals[t];
        a.get() >= s.get() - 1e-9 && b.get() <= e.get() + 1e-9
    }

    /// The interval that starts at `h` (a cut point), if any.
    pub(super) fn starting_at(&self, h: Hours) -> Option<usize> {
        self.intervals
            .iter()
            .position(|(a, _)| (a.get() - h.get()).abs() < 1e-9)
    }
}
