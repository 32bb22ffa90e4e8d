//! Primal heuristics: rounding (simple, then with row activities), diving
//! (fractional, coefficient, guided, pseudo-cost) and a light feasibility
//! pump at the root.

use super::domain::Propagation;
use super::lp::LpStatus;
use super::search::Search;

/// The diving rules, used in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dive {
    /// Round the least fractional column to its nearest integer.
    Fractional,
    /// Round in the direction with fewest locks.
    Coefficient,
    /// Round towards the incumbent.
    Guided,
    /// Round by pseudo-costs and the root solution.
    PseudoCost,
}

const DIVES: [Dive; 4] = [
    Dive::Fractional,
    Dive::Coefficient,
    Dive::PseudoCost,
    Dive::Guided,
];

/// Node-LP iterations a dive may cost at most, as a share of the node LP
/// iterations so far (plus a fixed allowance).
const DIVE_SHARE: f64 = 0.1;
const DIVE_ALLOWANCE: u64 = 5_000;
/// A dive step fixes one in this many of the fractional columns at once.
const DIVE_BATCH: usize = 10;

/// Row locks of each column: how many model rows a move down (up) can
/// violate.
#[derive(Debug, Clone, Default)]
pub(super) struct Locks {
    pub(super) down: Vec<u32>,
    pub(super) up: Vec<u32>,
}

impl Locks {
    /// Locks over the rows of `model` (the search's model rows as they
    /// were before presolve changed any).
    pub(super) fn of(model: &crate::model::Model) -> Self {
        let n = model.num_cols();
        let (rl, ru) = (model.row_lower(), model.row_upper());
        let mut down = vec![0u32; n];
        let mut up = vec![0u32; n];
        for j in 0..n {
            let (idx, val) = model.matrix().col(j);
            for (&i, &a) in idx.iter().zip(val) {
                let (l, u) = (rl[i as usize], ru[i as usize]);
                let (dl, ul) = if a > 0.0 {
                    (l.is_finite(), u.is_finite())
                } else {
                    (u.is_finite(), l.is_finite())
                };
                down[j] += u32::from(dl);
                up[j] += u32::from(ul);
            }
        }
        Self { down, up }
    }
}

impl Search<'_> {
    /// Simple rounding, then rounding guided by row activities, of the LP
    /// point `x`.
    pub(super) fn round_heuristics(&mut self, x: &[f64]) {
        let frac = self.fractional(x);
        if frac.is_empty() {
            self.try_solution(x);
            return;
        }
        let locks = self.locks();
        // Simple rounding: every fractional column has a lock-free side.
        let mut y = x.to_vec();
        let mut simple = true;
        for &j in &frac {
            if locks.down[j] == 0 {
                y[j] = x[j].floor();
            } else if locks.up[j] == 0 {
                y[j] = x[j].ceil();
            } else {
                simple = false;
                break;
            }
        }
        if simple {
            self.try_solution(&y);
            return;
        }
        // Rounding with activities: round each fractional column (fewest
        // locks first) to the side that keeps the rows feasible.
        let prob = &self.prob;
        let rows = prob.model_rows;
        let mut act: Vec<f64> = (0..rows).map(|i| prob.rows.activity(i, x)).collect();
        let mut order = frac.clone();
        order.sort_by_key(|&j| (locks.down[j].min(locks.up[j]), j));
        let mut y = x.to_vec();
        for &j in &order {
            let (lo, hi) = (x[j].floor(), x[j].ceil());
            let viol = |v: f64, act: &[f64]| -> f64 {
                let d = v - x[j];
                let (rws, vals) = prob.cols.col(j);
                let mut s = 0.0;
                for (&i, &a) in rws.iter().zip(vals) {
                    let i = i as usize;
                    if i >= rows {
                        continue;
                    }
                    let na = act[i] + a * d;
                    let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
                    let tol = 1e-9 * (1.0 + na.abs());
                    s += (l - na - tol).max(0.0) + (na - u - tol).max(0.0);
                }
                s
            };
            let (vd, vu) = (viol(lo, &act), viol(hi, &act));
            let pick = if vd < vu {
                lo
            } else if vu < vd {
                hi
            } else if locks.down[j] <= locks.up[j] {
                lo
            } else {
                hi
            };
            if pick < self.lower[j] || pick > self.upper[j] {
                return;
            }
            let d = pick - x[j];
            let (rws, vals) = prob.cols.col(j);
            for (&i, &a) in rws.iter().zip(vals) {
                if (i as usize) < rows {
                    act[i as usize] += a * d;
                }
            }
            y[j] = pick;
        }
        self.try_solution(&y);
    }

    fn locks(&self) -> std::rc::Rc<Locks> {
        // Made at the first use (a search whose root LP does not finish
        // never holds them), from the model: the same counts as over the
        // search's rows before presolve.
        std::rc::Rc::clone(
            self.locks
                .get_or_init(|| std::rc::Rc::new(Locks::of(self.model))),
        )
    }

    /// Whether to dive at a node of this depth.
    /// LP iterations all dives together may spend: a share of the node
    /// LPs' plus a fixed allowance and, while no solution is known, one
    /// that grows with the problem (a dive fixes columns a batch at a time,
    /// each batch an LP re-solve whose length grows with the rows). Once a
    /// solution is known, large models spend their time better on the tree
    /// and on RINS, which improve it at a fraction of a dive's cost.
    fn dive_budget(&self) -> u64 {
        let size = (self.prob.rows.len() + self.prob.n / 8) as u64;
        let growth = if self.incumbent.is_none() {
            2 * size
        } else {
            0
        };
        (DIVE_SHARE * self.node_iters as f64) as u64 + DIVE_ALLOWANCE + growth
    }

    pub(super) fn should_dive(&self, depth: u32) -> bool {
        let budget = self.dive_budget();
        if self.heur_iters > budget {
            return false;
        }
        let freq = if self.incumbent.is_none() { 5 } else { 20 };
        depth > 0 && self.nodes.is_multiple_of(freq)
    }

    /// One dive from the node in hand (rule in turn).
    pub(super) fn node_dive(&mut self, x: &[f64], z: f64) {
        let k = (self.dives as usize) % DIVES.len();
        self.dives += 1;
        let mut rule = DIVES[k];
        if rule == Dive::Guided && self.incumbent.is_none() {
            rule = Dive::Fractional;
        }
        self.dive(rule, x, z);
    }

    /// The root dives.
    pub(super) fn root_heuristics(&mut self) {
        let x = self.lp.x();
        let z = self.lp.objective();
        for rule in [Dive::Fractional, Dive::Coefficient, Dive::PseudoCost] {
            if self.out_of_time() {
                return;
            }
            self.dive(rule, &x, z);
        }
        if self.incumbent.is_some() {
            self.dive(Dive::Guided, &x, z);
        }
    }

    /// Dives from the LP point `x` (objective `z`) of the node in hand,
    /// then restores the node.
    pub(super) fn dive(&mut self, rule: Dive, x0: &[f64], z0: f64) {
        let snap = self.lp.snapshot();
        let lo0 = self.lower.clone();
        let up0 = self.upper.clone();
        let start = self.lp.iterations;
        let budget = self.dive_budget();
        let locks = self.locks();
        let mut x = x0.to_vec();
        let mut z = z0;
        let max_depth = self.prob.n.max(10);
        for _ in 0..max_depth {
            if self.out_of_time() || self.heur_iters + (self.lp.iterations - start) > budget {
                break;
            }
            if z >= self.cutoff_value() {
                break;
            }
            let frac = self.fractional(&x);
            if frac.is_empty() {
                self.try_solution(&x);
                break;
            }
            let choice = self.dive_choice(rule, &frac, &x, &locks);
            if choice.is_empty() {
                break;
            }
            // A batch of the best-ranked columns at once (a tenth of the
            // fractional ones), else the best one alone in either
            // direction.
            let batch = (frac.len() / DIVE_BATCH).max(1);
            let mut tries: Vec<Vec<(usize, bool)>> = Vec::new();
            if batch > 1 {
                tries.push(choice[..batch].to_vec());
            }
            let (j, up) = choice[0];
            tries.push(vec![(j, up)]);
            tries.push(vec![(j, !up)]);
            let mut solved = false;
            for fix in tries {
                let save_l = self.lower.clone();
                let save_u = self.upper.clone();
                let mut ok = true;
                for &(j, dir) in &fix {
                    let v = x[j];
                    if dir {
                        self.lower[j] = self.lower[j].max(v.ceil());
                    } else {
                        self.upper[j] = self.upper[j].min(v.floor());
                    }
                    ok &= self.lower[j] <= self.upper[j];
                }
                let cols: Vec<usize> = fix.iter().map(|f| f.0).collect();
                if ok && self.propagate(&cols) == Propagation::Feasible {
                    let (lo, upb) = (self.lower.clone(), self.upper.clone());
                    self.lp.set_all_bounds(&lo, &upb);
                    let limit = budget.saturating_sub(self.heur_iters).max(100);
                    if let Some(LpStatus::Optimal) = self.solve_lp(Some(limit)) {
                        solved = true;
                        break;
                    }
                }
                self.lower = save_l;
                self.upper = save_u;
                let (lo, upb) = (self.lower.clone(), self.upper.clone());
                self.lp.set_all_bounds(&lo, &upb);
            }
            if !solved {
                break;
            }
            x = self.lp.x();
            z = self.lp.objective();
            self.round_heuristics(&x);
        }
        self.heur_iters += self.lp.iterations - start;
        self.lp.restore(&snap);
        self.lower = lo0;
        self.upper = up0;
    }

    /// The column and direction (`true` = up) a dive rounds next.
    fn dive_choice(
        &self,
        rule: Dive,
        frac: &[usize],
        x: &[f64],
        locks: &Locks,
    ) -> Vec<(usize, bool)> {
        let mut ranked: Vec<(f64, usize, bool)> = Vec::with_capacity(frac.len());
        for &j in frac {
            let v = x[j];
            let f = v - v.floor();
            let (key, up) = match rule {
                Dive::Fractional => (f.min(1.0 - f), f >= 0.5),
                Dive::Coefficient => {
                    let (ld, lu) = (locks.down[j], locks.up[j]);
                    let up = if ld == lu { f >= 0.5 } else { lu < ld };
                    let l = f64::from(if up { lu } else { ld });
                    let dist = if up { 1.0 - f } else { f };
                    (l + dist, up)
                }
                Dive::Guided => {
                    let Some(inc) = self.incumbent.as_ref() else {
                        return Vec::new();
                    };
                    let up = inc[j] > v;
                    ((inc[j] - v).abs(), up)
                }
                Dive::PseudoCost => {
                    let r = self.root_x.get(j).copied().unwrap_or(v);
                    let (gd, gu) = self.pc.gains(j, v);
                    let up = if v < r - 0.4 {
                        false
                    } else if v > r + 0.4 {
                        true
                    } else if f < 0.3 {
                        false
                    } else if f > 0.7 {
                        true
                    } else {
                        gu < gd
                    };
                    let (mine, other) = if up { (gu, gd) } else { (gd, gu) };
                    ((mine + 1e-6) / (other + 1e-6), up)
                }
            };
            // Binaries first at equal keys.
            let key = key
                + if self.upper[j] - self.lower[j] <= 1.0 {
                    0.0
                } else {
                    1e-3
                };
            ranked.push((key, j, up));
        }
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().map(|r| (r.1, r.2)).collect()
    }
}
