//! Domain propagation: bound tightening from row activities.
//!
//! For a row `L ≤ Σ a_j x_j ≤ U`, the smallest and largest activities over
//! the current bounds imply bounds on each column (e.g. with `a_k > 0`,
//! `x_k ≤ (U − minact₋ₖ) / a_k`). Integer bounds round inwards; continuous
//! bounds tighten only when the gain is worth it and are kept a hair loose
//! (1e-12 relative), so round-off never cuts off a feasible point. Looser
//! bounds than the current ones always give valid (if weaker) implications,
//! so activities need not be exact while bounds move.

use super::problem::Problem;

/// Feasibility tolerance of propagation (absolute, relative to magnitudes).
const FEAS: f64 = 1e-6;
/// Continuous bounds tighten only by at least this share of their range
/// (HiGHS's threshold: smaller steps cost propagation rounds and LP bound
/// changes for little gain, and can creep geometrically).
const MIN_CONT_GAIN: f64 = 0.001;
/// ... and by more than this absolute amount.
const MIN_CONT_STEP: f64 = 1e-3;
/// Bounds implied beyond this magnitude are ignored.
const HUGE: f64 = 1e9;
/// How loose an implied continuous bound is kept, relative to the row's
/// magnitudes (as [`FEAS`] is for infeasibility and integer rounding):
/// above the round-off of an activity sum, and well below the search's
/// default relative gap (1e-9; HiGHS keeps such bounds exact). A hair of
/// [`FEAS`] let a node's LP sit at a point outside the model's rows by more
/// than the acceptance check allows, so its bound stayed below the best
/// plan by more than the gap and the search could not prove optimality.
const CONT_HAIR: f64 = 1e-12;

/// Activity bounds of one row over the given column bounds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Activity {
    /// Finite part of the minimal activity.
    pub(super) min: f64,
    /// Infinite contributions to the minimal activity.
    pub(super) min_inf: u32,
    /// Finite part of the maximal activity.
    pub(super) max: f64,
    /// Infinite contributions to the maximal activity.
    pub(super) max_inf: u32,
    /// Largest absolute term (for tolerances).
    pub(super) scale: f64,
}

/// Activity bounds of the row `(idx, val)`.
pub(super) fn activity(idx: &[u32], val: &[f64], lower: &[f64], upper: &[f64]) -> Activity {
    let mut a = Activity {
        min: 0.0,
        min_inf: 0,
        max: 0.0,
        max_inf: 0,
        scale: 0.0,
    };
    for (&j, &v) in idx.iter().zip(val) {
        let (l, u) = (lower[j as usize], upper[j as usize]);
        let (lo, hi) = if v > 0.0 { (l, u) } else { (u, l) };
        if lo.is_finite() {
            a.min += v * lo;
            a.scale = a.scale.max((v * lo).abs());
        } else {
            a.min_inf += 1;
        }
        if hi.is_finite() {
            a.max += v * hi;
            a.scale = a.scale.max((v * hi).abs());
        } else {
            a.max_inf += 1;
        }
    }
    a
}

/// Propagation state: a queue of rows to visit.
#[derive(Debug, Clone, Default)]
pub(super) struct Propagator {
    queued: Vec<bool>,
    queue: std::collections::VecDeque<usize>,
}

/// What a propagation pass found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Propagation {
    /// Bounds are consistent (maybe tightened).
    Feasible,
    /// Some row cannot be satisfied: the node is infeasible.
    Infeasible,
}

impl Propagator {
    /// Propagates from the columns in `changed` (their rows are visited,
    /// then the rows of every column they tighten). Tightened columns are
    /// appended to `tightened`. Work is bounded by `budget` row entries.
    pub(super) fn run(
        &mut self,
        prob: &Problem,
        lower: &mut [f64],
        upper: &mut [f64],
        changed: impl IntoIterator<Item = usize>,
        tightened: &mut Vec<usize>,
        budget: usize,
    ) -> Propagation {
        let m = prob.rows.len();
        if self.queued.len() != m {
            self.queued = vec![false; m];
        }
        self.queue.clear();
        for j in changed {
            self.enqueue_col(prob, j);
        }
        let mut work = 0usize;
        let mut result = Propagation::Feasible;
        while let Some(i) = self.queue.pop_front() {
            self.queued[i] = false;
            if result == Propagation::Infeasible {
                continue;
            }
            let (idx, val) = prob.rows.row(i);
            work += idx.len();
            if work > budget {
                continue;
            }
            let (rl, ru) = (prob.rows.lower[i], prob.rows.upper[i]);
            let act = activity(idx, val, lower, upper);
            let tol = FEAS * (1.0 + act.scale.max(rl.abs().min(ru.abs())));
            if (act.min_inf == 0 && act.min > ru + tol) || (act.max_inf == 0 && act.max < rl - tol)
            {
                result = Propagation::Infeasible;
                continue;
            }
            for (&j, &a) in idx.iter().zip(val) {
                let j = j as usize;
                let (l, u) = (lower[j], upper[j]);
                // Residual activities without column j.
                let (cmin, cmax) = if a > 0.0 {
                    (a * l, a * u)
                } else {
                    (a * u, a * l)
                };
                let res_min = if act.min_inf == 0 {
                    Some(act.min - cmin)
                } else if act.min_inf == 1 && !cmin.is_finite() {
                    Some(act.min)
                } else {
                    None
                };
                let res_max = if act.max_inf == 0 {
                    Some(act.max - cmax)
                } else if act.max_inf == 1 && !cmax.is_finite() {
                    Some(act.max)
                } else {
                    None
                };
                let mut new_l = f64::NEG_INFINITY;
                let mut new_u = f64::INFINITY;
                if ru.is_finite()
                    && let Some(r) = res_min
                {
                    let b = (ru - r) / a;
                    if a > 0.0 {
                        new_u = b;
                    } else {
                        new_l = b;
                    }
                }
                if rl.is_finite()
                    && let Some(r) = res_max
                {
                    let b = (rl - r) / a;
                    if a > 0.0 {
                        new_l = new_l.max(b);
                    } else {
                        new_u = new_u.min(b);
                    }
                }
                let slack = tol / a.abs();
                let hair = slack * (CONT_HAIR / FEAS);
                let mut moved = false;
                if new_u < u && new_u.abs() < HUGE {
                    let nu = if prob.integer[j] {
                        (new_u + slack.clamp(FEAS, 0.5)).floor()
                    } else {
                        new_u + hair
                    };
                    if nu < u && (prob.integer[j] || gain_worth(u, nu, l)) {
                        if nu < l - FEAS * (1.0 + l.abs()) {
                            result = Propagation::Infeasible;
                            break;
                        }
                        upper[j] = nu.max(l);
                        moved = true;
                    }
                }
                if new_l > l && new_l.abs() < HUGE {
                    let u = upper[j];
                    let nl = if prob.integer[j] {
                        (new_l - slack.clamp(FEAS, 0.5)).ceil()
                    } else {
                        new_l - hair
                    };
                    if nl > l && (prob.integer[j] || gain_worth(l, nl, u)) {
                        if nl > u + FEAS * (1.0 + u.abs()) {
                            result = Propagation::Infeasible;
                            break;
                        }
                        lower[j] = nl.min(u);
                        moved = true;
                    }
                }
                if moved {
                    tightened.push(j);
                    self.enqueue_col_except(prob, j, i);
                }
            }
        }
        result
    }

    fn enqueue_col(&mut self, prob: &Problem, j: usize) {
        let (rows, _) = prob.cols.col(j);
        for &i in rows {
            let i = i as usize;
            if !self.queued[i] {
                self.queued[i] = true;
                self.queue.push_back(i);
            }
        }
    }

    fn enqueue_col_except(&mut self, prob: &Problem, j: usize, skip: usize) {
        let (rows, _) = prob.cols.col(j);
        for &i in rows {
            let i = i as usize;
            if i != skip && !self.queued[i] {
                self.queued[i] = true;
                self.queue.push_back(i);
            }
        }
    }
}

/// Whether moving a continuous bound from `old` to `new` is worth it, the
/// other bound being `other`.
fn gain_worth(old: f64, new: f64, other: f64) -> bool {
    if !old.is_finite() {
        return true;
    }
    let range = if other.is_finite() {
        (old - other).abs()
    } else {
        old.abs()
    };
    let step = (new - old).abs();
    step > MIN_CONT_STEP && step >= MIN_CONT_GAIN * range.max(1.0)
}

/// Coefficient tightening of one-sided rows (Savelsbergh's, for general
/// integer columns): in a row `a·x ≥ b` whose minimal activity `minact` is
/// finite and below `b`, an integer column with `a_j > b − minact` (one
/// step above its lower bound already satisfies the row) gets the
/// coefficient `b − minact`, and `b` moves with it so that the row is the
/// same at the column's lower bound. Every integer point keeps its status
/// (at `x_j = l_j` the row is unchanged; above, both forms are satisfied),
/// and the LP relaxation only gets tighter. Columns with a negative
/// coefficient are treated mirrored at their upper bound; `≤` rows as
/// `−a·x ≥ −b`.
///
/// This is what makes badly scaled covering rows harmless: a training
/// phase whose work one unit of devices does many times over has the work
/// row `1.5e7·x ≥ 1`; it becomes `x ≥ 1`, so the LP no longer sits at
/// `x = 6.7e-8`, integral within the tolerance but infeasible once rounded.
///
/// Returns the number of coefficients changed.
pub(super) fn tighten_coefficients(prob: &mut Problem) -> usize {
    let mut changed = 0usize;
    for i in 0..prob.model_rows {
        let (rl, ru) = (prob.rows.lower[i], prob.rows.upper[i]);
        // One-sided rows only; `sigma` turns a `≤` row into `≥`.
        let (sigma, b0) = match (rl.is_finite(), ru.is_finite()) {
            (true, false) => (1.0, rl),
            (false, true) => (-1.0, -ru),
            _ => continue,
        };
        let (s, e) = (prob.rows.start[i], prob.rows.start[i + 1]);
        let (lower, upper) = (&prob.lower, &prob.upper);
        // Minimal activity of sigma·a·x.
        let mut minact = 0.0f64;
        let mut scale = b0.abs();
        let mut finite = true;
        for p in s..e {
            let a = sigma * prob.rows.value[p];
            let j = prob.rows.index[p] as usize;
            let v = if a > 0.0 { lower[j] } else { upper[j] };
            if !v.is_finite() {
                finite = false;
                break;
            }
            minact += a * v;
            scale = scale.max((a * v).abs());
        }
        if !finite {
            continue;
        }
        let gap = b0 - minact;
        // A redundant row (gap ≤ 0) or one whose gap is round-off.
        if gap <= FEAS * (1.0 + scale) {
            continue;
        }
        let mut b = b0;
        let mut row_changed = false;
        for p in s..e {
            let j = prob.rows.index[p] as usize;
            if !prob.integer[j] {
                continue;
            }
            let a = sigma * prob.rows.value[p];
            // Only clear reductions: a coefficient a hair above the gap is
            // left alone (nothing to gain, and round-off to lose).
            if a.abs() <= gap * (1.0 + 1e-6) + FEAS {
                continue;
            }
            let (na, at) = if a > 0.0 {
                (gap, prob.lower[j])
            } else {
                (-gap, prob.upper[j])
            };
            // The bound the column's minimal contribution is taken at:
            // the row is kept the same there.
            b -= (a - na) * at;
            prob.rows.value[p] = sigma * na;
            changed += 1;
            row_changed = true;
        }
        if row_changed {
            if sigma > 0.0 {
                prob.rows.lower[i] = b;
            } else {
                prob.rows.upper[i] = -b;
            }
        }
    }
    changed
}
