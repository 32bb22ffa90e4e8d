//! Accepting solutions: every candidate is checked on the original model
//! (integers rounded to exact integers, activities recomputed); with
//! continuous columns, the LP over them with the integers fixed polishes
//! the point first.

use super::search::Search;
use crate::model::{Model, VarType};
use crate::solver::{SolveOptions, Status, solve_relaxation};
use std::time::Instant;

/// Largest relative violation a solution may have to be accepted (the
/// certificate check allows 1e-6 in the same measure).
const ACCEPT: f64 = 5e-7;

/// Largest violation of a column or row bound by `x`, each relative to
/// `1 + max(|bound|, largest term)` as in the certificate check.
pub(super) fn violation(model: &Model, x: &[f64]) -> f64 {
    let mut worst = 0.0f64;
    for (j, &v) in x.iter().enumerate() {
        let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
        if v < l {
            worst = worst.max((l - v) / (1.0 + l.abs()));
        } else if v > u {
            worst = worst.max((v - u) / (1.0 + u.abs()));
        }
    }
    row_violations(model, x).into_iter().fold(worst, f64::max)
}

/// Traces the rows `x` violates (how many, and the worst few by name).
pub(super) fn trace_violations(model: &Model, x: &[f64]) {
    if !super::trace_on() {
        return;
    }
    let v = row_violations(model, x);
    let mut bad: Vec<usize> = (0..v.len()).filter(|&i| v[i] > ACCEPT).collect();
    bad.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
    super::trace!("  {} rows violated", bad.len());
    for &i in bad.iter().take(8) {
        super::trace!("    {} viol {:.3e}", &model.row_names()[i], v[i]);
    }
}

/// Each row's violation by `x`, relative to `1 + max(|bound|, largest
/// term)` (zero where the row holds).
fn row_violations(model: &Model, x: &[f64]) -> Vec<f64> {
    let rows = model.num_rows();
    let mut act = vec![0.0; rows];
    let mut big = vec![0.0f64; rows];
    let a = model.matrix();
    for (j, &v) in x.iter().enumerate() {
        if v == 0.0 {
            continue;
        }
        let (idx, val) = a.col(j);
        for (&i, &c) in idx.iter().zip(val) {
            let t = c * v;
            act[i as usize] += t;
            big[i as usize] = big[i as usize].max(t.abs());
        }
    }
    (0..rows)
        .map(|i| {
            let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
            let s = 1.0 + big[i];
            if act[i] < l {
                (l - act[i]) / (s + l.abs())
            } else if act[i] > u {
                (act[i] - u) / (s + u.abs())
            } else {
                0.0
            }
        })
        .collect()
}

/// What became of a point offered as a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Offer {
    /// It is the new incumbent.
    Accepted,
    /// Feasible (or not checked) but no better than the incumbent.
    NotBetter,
    /// Its integer columns rounded, it violates the model.
    Infeasible,
}

impl Search<'_> {
    /// Offers `x` (model columns) as a solution; returns whether it became
    /// the incumbent.
    pub(super) fn try_solution(&mut self, x: &[f64]) -> bool {
        self.offer_with(x, true) == Offer::Accepted
    }

    /// Offers a node's LP point (integral within the tolerance): rounded
    /// and checked, never repaired, since an accepted point must be the
    /// node's own solution for the node to be closed by it.
    pub(super) fn offer(&mut self, x: &[f64]) -> Offer {
        self.offer_with(x, false)
    }

    /// Offers `x` (model columns) as a solution: integer columns are
    /// rounded (and, with `repair`, shifted until the rows hold, see
    /// [`Search::repair`]), continuous ones polished, and the point is
    /// checked on the original model.
    fn offer_with(&mut self, x: &[f64], repair: bool) -> Offer {
        let model = self.model;
        let mut y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(j, &v)| {
                if self.prob.integer[j] && repair {
                    // A start may lie outside the bounds; a node's point
                    // is never moved (see `offer`).
                    v.round().clamp(self.prob.lower[j], self.prob.upper[j])
                } else if self.prob.integer[j] {
                    v.round()
                } else {
                    v.clamp(model.col_lower()[j], model.col_upper()[j])
                }
            })
            .collect();
        let obj = self.prob.objective(&y);
        let tiny = 1e-9 * obj.abs().max(1.0);
        if obj >= self.inc_obj - tiny {
            return Offer::NotBetter;
        }
        let mut ok = false;
        if self.has_continuous
            && let Some(p) = self.polish(&y)
        {
            // The polished point replaces the rounded one when it is
            // feasible and no worse, or when the rounded one is infeasible
            // (an LP point within the LP's tolerance can be both slightly
            // outside the rows and slightly better than any feasible one).
            let po = self.prob.objective(&p);
            let worse = po > obj + 1e-6 * obj.abs().max(1.0);
            if violation(model, &p) <= ACCEPT && (!worse || violation(model, &y) > ACCEPT) {
                y = p;
                ok = true;
            }
        }
        if !ok && violation(model, &y) > ACCEPT && repair && self.repair(&mut y) {
            ok = self.polished_within(&mut y);
        }
        if !ok && violation(model, &y) > ACCEPT {
            if super::trace_on() {
                let v = row_violations(model, &y);
                let worst = (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b]));
                if let Some(i) = worst {
                    super::trace!(
                        "  offer rejected: row {} {} viol {:.3e}; frac {}",
                        i,
                        &model.row_names()[i],
                        v[i],
                        self.fractional(x).len()
                    );
                }
            }
            return Offer::Infeasible;
        }
        let obj = self.prob.objective(&y);
        if obj >= self.inc_obj - tiny {
            return Offer::NotBetter;
        }
        self.inc_obj = obj;
        self.incumbent = Some(y);
        super::trace!(
            "  incumbent {obj} at node {}, {:.2}s; root bound {}",
            self.nodes,
            self.started.elapsed().as_secs_f64(),
            self.root_obj
        );
        self.root_redcost_fixing();
        let limit = self.inc_obj - self.gap_tolerance();
        if let Some(b) = self.queue.prune_from(limit) {
            self.dropped_bound = self.dropped_bound.min(b);
        }
        Offer::Accepted
    }

    /// Whether the repaired `y` (its continuous part polished when there
    /// is one) meets the acceptance tolerance; `y` takes the polished
    /// point.
    fn polished_within(&self, y: &mut Vec<f64>) -> bool {
        if self.has_continuous
            && let Some(p) = self.polish(y)
            && violation(self.model, &p) <= ACCEPT
        {
            *y = p;
            return true;
        }
        let ok = violation(self.model, y) <= ACCEPT;
        super::trace!("  repair: {}", if ok { "feasible" } else { "rejected" });
        ok
    }

    /// Integer columns of `x` whose rounding makes a model row violated:
    /// not exactly integral, and in a row the rounded point violates. An
    /// LP point can be integral within the integrality tolerance and still
    /// infeasible once rounded when a coefficient is large (`1e7·x ≥ 1` at
    /// `x = 1e-7`); branching on these columns resolves it.
    pub(super) fn rounding_culprits(&self, x: &[f64]) -> Vec<usize> {
        let model = self.model;
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(j, &v)| if self.prob.integer[j] { v.round() } else { v })
            .collect();
        let viol = row_violations(model, &y);
        let a = model.matrix();
        (0..self.prob.n)
            .filter(|&j| {
                self.prob.integer[j]
                    && (x[j] - y[j]).abs() > 0.0
                    && a.col(j).0.iter().any(|&i| viol[i as usize] > ACCEPT)
            })
            .collect()
    }

    /// The best continuous part for the integer values of `y`: the LP over
    /// the continuous columns with the integers fixed, on the original
    /// model.
    fn polish(&self, y: &[f64]) -> Option<Vec<f64>> {
        let mut m = self.model.relaxation();
        for (j, t) in self.model.var_types().iter().enumerate() {
            if *t == VarType::Integer {
                // Within the model's bounds (rounded bounds are integers).
                let v = y[j];
                m.set_col_bounds(crate::model::ColId(j as u32), Some(v), Some(v))
                    .ok()?;
            }
        }
        let remaining = self
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()));
        if remaining.is_some_and(|r| r.is_zero()) {
            return None;
        }
        let opts = SolveOptions::default()
            .with_time_limit(remaining)
            .with_tolerances(self.options.tolerances.clone());
        let s = solve_relaxation(&m, &opts).ok()?;
        if s.status != Status::Optimal {
            return None;
        }
        let mut p = s.x;
        for (j, t) in self.model.var_types().iter().enumerate() {
            if *t == VarType::Integer {
                p[j] = y[j];
            }
        }
        Some(p)
    }
}
