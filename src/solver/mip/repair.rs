//! Repairing a rounded point: a point whose integer columns were rounded
//! (from an LP point, a dive, a start) often misses a row by a little
//! (`work[p] ≥ 1` at 0.994 once a device count is rounded down). Shifting
//! one integer column of a violated row by the few units the row needs,
//! chosen so that no other row becomes violated (the cheapest such shift),
//! or else so that the total violation falls, often makes it feasible.
//!
//! When no shift of a violated row's columns leaves the other rows alone,
//! the one that leaves the least total violation is taken (a purchase
//! then covers the capacity a new assignment overdrew, in the next step).
//! A column turns back at most once within a repair, so shifts cannot cycle;
//! the repair is bounded by a step count, the matrix entries it reads and
//! the search's deadline. The result is
//! only a candidate: it goes through the same acceptance check on the
//! original model as any other solution.

use super::search::Search;
use std::time::Instant;

/// Steps of one repair at most (each costs the entries of one row and of
/// the columns it tries).
const MAX_STEPS: usize = 5_000;
/// Matrix entries one repair may read: this many passes over the model's
/// entries plus a fixed allowance (a repair at every node of a large model
/// must not cost more than the node).
const WORK_PASSES: usize = 2;
const MIN_ENTRIES: usize = 100_000;

impl Search<'_> {
    /// Shifts integer columns of `y` (integral, within the global bounds)
    /// until every model row holds; returns whether it got there (`y` is
    /// changed either way).
    pub(super) fn repair(&self, y: &mut [f64]) -> bool {
        let prob = &self.prob;
        let rows = prob.model_rows;
        // A row's violation is measured in units of its largest
        // coefficient: how many whole steps of its biggest column it
        // misses by, comparable across rows of different units.
        let scale: Vec<f64> = (0..rows)
            .map(|i| {
                let m = prob
                    .rows
                    .row(i)
                    .1
                    .iter()
                    .fold(0.0f64, |m, a| m.max(a.abs()));
                if m > 0.0 { m } else { 1.0 }
            })
            .collect();
        // Violation of row `i` at activity `a`, with a margin well inside
        // the acceptance tolerance.
        let viol = |i: usize, a: f64| -> f64 {
            let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
            let b = if l.is_finite() { l.abs() } else { 0.0 };
            let b = b.max(if u.is_finite() { u.abs() } else { 0.0 });
            let tol = 1e-9 * (1.0 + b);
            ((l - a - tol).max(0.0) + (a - u - tol).max(0.0)) / scale[i]
        };
        let mut act: Vec<f64> = (0..rows).map(|i| prob.rows.activity(i, y)).collect();
        let mut work: Vec<usize> = (0..rows).filter(|&i| viol(i, act[i]) > 0.0).collect();
        if work.is_empty() {
            return true;
        }
        // The direction each column last moved in, and how often it turned
        // back: a column turns back once at most (a `use` binary set by a
        // repair may have to be cleared again), so shifts cannot cycle.
        let mut moved = vec![0i8; prob.n];
        let mut turned = vec![false; prob.n];
        let budget = MAX_STEPS.min(50 * work.len() + 200);
        // Matrix entries the shifts may read at most: a few passes over
        // the model (a step on a long row reads each of its columns).
        let entry_budget = WORK_PASSES * prob.rows.index.len() + MIN_ENTRIES;
        let mut entries = 0usize;
        let mut steps = 0;
        while let Some(i) = work.pop() {
            let before = viol(i, act[i]);
            if before <= 0.0 {
                continue;
            }
            steps += 1;
            if steps > budget
                || entries > entry_budget
                || (steps % 64 == 0 && self.deadline.is_some_and(|d| Instant::now() >= d))
            {
                super::trace!(
                    "  repair: out of steps ({steps}) at row {i} {}",
                    &self.model.row_names()[i]
                );
                return false;
            }
            let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
            let need = if act[i] < l { l - act[i] } else { u - act[i] };
            // Best shift: (creates a violation, violation change, cost).
            let mut best: Option<(bool, f64, f64, usize, f64)> = None;
            let (idx, val) = prob.rows.row(i);
            for (&j, &a) in idx.iter().zip(val) {
                let j = j as usize;
                if !prob.integer[j] || a == 0.0 {
                    continue;
                }
                let d = need / a;
                let step = if d > 0.0 {
                    (d - 1e-9).ceil()
                } else {
                    (d + 1e-9).floor()
                };
                let to = (y[j] + step).clamp(prob.lower[j], prob.upper[j]);
                let delta = to - y[j];
                if delta == 0.0 || (turned[j] && f64::from(moved[j]) * delta < 0.0) {
                    continue;
                }
                let mut change = viol(i, act[i] + a * delta) - before;
                let mut creates = false;
                let (rs, cs) = prob.cols.col(j);
                entries += rs.len();
                for (&r, &c) in rs.iter().zip(cs) {
                    let r = r as usize;
                    if r >= rows || r == i {
                        continue;
                    }
                    let (v0, v1) = (viol(r, act[r]), viol(r, act[r] + c * delta));
                    if v1 > v0 {
                        creates = true;
                    }
                    change += v1 - v0;
                }
                if !creates && change >= 0.0 {
                    continue;
                }
                let cost = prob.cost[j] * delta;
                let better = match best {
                    None => true,
                    Some((bc, bch, bcost, _, _)) => match (creates, bc) {
                        (false, true) => true,
                        (true, false) => false,
                        (false, false) => cost < bcost,
                        (true, true) => change.total_cmp(&bch).then(cost.total_cmp(&bcost)).is_lt(),
                    },
                };
                if better {
                    best = Some((creates, change, cost, j, delta));
                }
            }
            let Some((_, _, _, j, delta)) = best else {
                super::trace!(
                    "  repair: no shift for row {i} {} (act {}, need {need}) after {steps} steps",
                    &self.model.row_names()[i],
                    act[i]
                );
                return false;
            };
            y[j] += delta;
            let dir = if delta > 0.0 { 1 } else { -1 };
            turned[j] |= moved[j] == -dir;
            moved[j] = dir;
            let (rs, cs) = prob.cols.col(j);
            for (&r, &c) in rs.iter().zip(cs) {
                let r = r as usize;
                if r < rows {
                    act[r] += c * delta;
                    if viol(r, act[r]) > 0.0 && r != i {
                        work.push(r);
                    }
                }
            }
            if viol(i, act[i]) > 0.0 {
                work.push(i);
            }
        }
        self.one_opt(y, &mut act);
        true
    }

    /// One pass of 1-opt over a feasible `y` (row activities `act`): each
    /// integer column with a cost moves, by whole units, as far toward
    /// cheaper as every row it is in allows (shifts overshoot: a row that
    /// needed 0.3 units got 1). Keeps `y` feasible.
    fn one_opt(&self, y: &mut [f64], act: &mut [f64]) {
        let prob = &self.prob;
        let rows = prob.model_rows;
        let mut order: Vec<usize> = (0..prob.n)
            .filter(|&j| prob.integer[j] && prob.cost[j] != 0.0)
            .collect();
        // Dearest first, index to break ties (deterministic).
        order.sort_by(|&a, &b| {
            prob.cost[b]
                .abs()
                .total_cmp(&prob.cost[a].abs())
                .then(a.cmp(&b))
        });
        for j in order {
            // Direction that lowers the cost: −1 (down) or +1 (up).
            let dir = if prob.cost[j] > 0.0 { -1.0 } else { 1.0 };
            let mut room = if dir < 0.0 {
                y[j] - prob.lower[j]
            } else {
                prob.upper[j] - y[j]
            };
            let (rs, cs) = prob.cols.col(j);
            for (&r, &c) in rs.iter().zip(cs) {
                let r = r as usize;
                if r >= rows || room <= 0.0 {
                    continue;
                }
                let (l, u) = (prob.rows.lower[r], prob.rows.upper[r]);
                let tol = 1e-9 * (1.0 + l.abs().max(u.abs()).min(1e30));
                // Activity moves by c·dir per unit.
                let s = c * dir;
                let lim = if s < 0.0 && l.is_finite() {
                    (act[r] - l + tol) / -s
                } else if s > 0.0 && u.is_finite() {
                    (u - act[r] + tol) / s
                } else {
                    f64::INFINITY
                };
                room = room.min(lim.max(0.0).floor());
            }
            if room >= 1.0 && room.is_finite() {
                let delta = dir * room;
                y[j] += delta;
                for (&r, &c) in rs.iter().zip(cs) {
                    if (r as usize) < rows {
                        act[r as usize] += c * delta;
                    }
                }
            }
        }
    }
}
