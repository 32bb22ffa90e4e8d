//! Cutting planes at the root: complemented mixed-integer rounding (c-MIR,
//! Marchand and Wolsey) applied to
//!
//! * rows of the optimal simplex tableau (Gomory mixed-integer cuts are the
//!   MIR of a tableau row with divisor 1 and nonbasic columns complemented
//!   by the bound they sit at), and
//! * single model rows and aggregations of a few rows that eliminate
//!   continuous columns strictly between their bounds (path aggregation),
//!   with variable upper and lower bounds (`x ≤ c·y + d` read off two-entry
//!   rows) substituted for continuous columns: this yields flow-cover-like
//!   cuts on fixed-charge structures and cover-like cuts on knapsacks.
//!
//! Every cut is derived from valid inequalities by valid steps, in floating
//! point with safety margins: coefficients too small to matter are relaxed
//! away with bounds (never dropped), dynamism is limited, and a cut that
//! the incumbent violates is discarded. The tests check cuts against
//! brute-forced integer points.

// Index loops over parallel arrays (coefficients, bounds, values) read best
// here; bounds are compared for identity (fixed rows and binaries).
#![allow(clippy::needless_range_loop, clippy::float_cmp)]

use super::lp::{LpBasis, LpStatus};
use super::problem::{Problem, Rows};
use super::search::Search;
use crate::error::Result;
use std::time::Instant;

/// A variable bound `x_j ≤ c·x_k + d` (upper) or `x_j ≥ c·x_k + d` (lower)
/// of a continuous `x_j` on an integer `x_k`.
#[derive(Debug, Clone, Copy)]
pub(super) struct VarBound {
    pub(super) k: usize,
    pub(super) c: f64,
    pub(super) d: f64,
}

/// Variable bounds of each column.
#[derive(Debug, Clone, Default)]
pub(super) struct VarBounds {
    pub(super) upper: Vec<Vec<VarBound>>,
    pub(super) lower: Vec<Vec<VarBound>>,
}

impl VarBounds {
    /// Reads variable bounds off the two-entry model rows.
    pub(super) fn of(prob: &Problem) -> Self {
        let n = prob.n;
        let mut vb = Self {
            upper: vec![Vec::new(); n],
            lower: vec![Vec::new(); n],
        };
        for i in 0..prob.model_rows {
            let (idx, val) = prob.rows.row(i);
            if idx.len() != 2 {
                continue;
            }
            let (p, q) = (idx[0] as usize, idx[1] as usize);
            let (j, a, k, b) = match (prob.integer[p], prob.integer[q]) {
                (false, true) => (p, val[0], q, val[1]),
                (true, false) => (q, val[1], p, val[0]),
                _ => continue,
            };
            let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
            let c = -b / a;
            // a x + b y ≤ u  and  a x + b y ≥ l.
            if u.is_finite() {
                let bnd = VarBound { k, c, d: u / a };
                if a > 0.0 {
                    vb.upper[j].push(bnd);
                } else {
                    vb.lower[j].push(bnd);
                }
            }
            if l.is_finite() {
                let bnd = VarBound { k, c, d: l / a };
                if a > 0.0 {
                    vb.lower[j].push(bnd);
                } else {
                    vb.upper[j].push(bnd);
                }
            }
        }
        vb
    }
}

/// A cut `Σ coef·x ≤ rhs` over structurals (sorted, unique indices).
#[derive(Debug, Clone)]
pub(super) struct Cut {
    pub(super) idx: Vec<u32>,
    pub(super) val: Vec<f64>,
    pub(super) rhs: f64,
    pub(super) efficacy: f64,
}

/// A row slack in a base inequality: `σ = u_i − a_i x` (`upper`) or
/// `σ = a_i x − l_i`, with `σ ≥ 0`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slack {
    pub(super) row: usize,
    pub(super) coef: f64,
    pub(super) upper: bool,
}

/// A base inequality `Σ_j coef_j x_j + Σ ρ_s σ_s ≤ rhs`.
#[derive(Debug, Clone)]
pub(super) struct Base {
    /// Dense coefficients over the structurals.
    pub(super) coef: Vec<f64>,
    /// Whether a column is listed in `nz`.
    listed: Vec<bool>,
    /// Columns that may be nonzero in `coef` (no duplicates).
    pub(super) nz: Vec<usize>,
    pub(super) slacks: Vec<Slack>,
    pub(super) rhs: f64,
}

impl Base {
    fn new(n: usize) -> Self {
        Self {
            coef: vec![0.0; n],
            listed: vec![false; n],
            nz: Vec::new(),
            slacks: Vec::new(),
            rhs: 0.0,
        }
    }

    fn clear(&mut self) {
        for &j in &self.nz {
            self.coef[j] = 0.0;
            self.listed[j] = false;
        }
        self.nz.clear();
        self.slacks.clear();
        self.rhs = 0.0;
    }

    fn add(&mut self, j: usize, v: f64) {
        if !self.listed[j] {
            self.listed[j] = true;
            self.nz.push(j);
        }
        self.coef[j] += v;
    }

    /// Adds `λ·(row i)` using the side that keeps the slack's coefficient
    /// nonnegative (`≤ u` for `λ > 0`, `≥ l` for `λ < 0`); `false` when that
    /// side is infinite.
    fn add_row(&mut self, prob: &Problem, i: usize, lambda: f64) -> bool {
        let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
        let side = if lambda > 0.0 { u } else { l };
        if !side.is_finite() {
            return false;
        }
        let (idx, val) = prob.rows.row(i);
        for (&j, &a) in idx.iter().zip(val) {
            self.add(j as usize, lambda * a);
        }
        self.rhs += lambda * side;
        true
    }
}

/// How a transformed variable relates to the original ones.
#[derive(Debug, Clone, Copy)]
enum Orig {
    /// Structural `j`: `x_j = bound + y` (`neg == false`) or `bound − y`.
    Col { j: usize, bound: f64, neg: bool },
    /// Continuous `x_j` against a variable bound on `x_k`:
    /// `x_j = c·x_k + d + y` (`neg == false`) or `c·x_k + d − y`.
    VarBound {
        j: usize,
        k: usize,
        c: f64,
        d: f64,
        neg: bool,
    },
    /// Row slack `σ`.
    Slack(Slack),
}

/// A transformed variable `y ≥ 0` (integer ones with range `ub`).
#[derive(Debug, Clone, Copy)]
struct TVar {
    orig: Orig,
    coef: f64,
    val: f64,
    ub: f64,
}

/// What cut generation reads: the problem, bounds, LP point, and
/// structure found once.
pub(super) struct Ctx<'a> {
    pub(super) prob: &'a Problem,
    pub(super) lower: &'a [f64],
    pub(super) upper: &'a [f64],
    pub(super) x: &'a [f64],
    /// Row activities at `x`.
    pub(super) act: &'a [f64],
    pub(super) vb: &'a VarBounds,
    /// Rows whose slack is integral.
    pub(super) int_row: &'a [bool],
}

/// Smallest and largest fractional part of the scaled right-hand side for
/// an MIR cut (SCIP's limits).
const MIN_FRAC: f64 = 0.05;
const MAX_FRAC: f64 = 0.999;
/// Smallest efficacy of a cut worth adding (SCIP's root value).
pub(super) const MIN_EFFICACY: f64 = 1e-4;
/// Longest cut kept: this many entries plus a share of the columns, or the
/// longest model row if longer (dense cuts make every later LP iteration
/// slower).
const MAX_LEN_BASE: usize = 50;
const MAX_LEN_SHARE: f64 = 0.1;
/// Largest ratio of cut coefficients.
const MAX_DYNAMISM: f64 = 1e6;

/// A base row in transformed space: `Σ coef·y (ints) + Σ g·ȳ (cont) ≤ rhs`,
/// every `y` and `ȳ` non-negative (a distance from a bound).
struct Transformed {
    ints: Vec<TVar>,
    cont: Vec<TVar>,
    rhs: f64,
}

/// Integer coefficients of a base after variable-bound substitution, in
/// the order first met.
#[derive(Default)]
struct IntCoefs {
    coef: Vec<(usize, f64)>,
    pos: std::collections::BTreeMap<usize, usize>,
}

impl IntCoefs {
    fn add(&mut self, k: usize, v: f64) {
        match self.pos.get(&k) {
            Some(&p) => self.coef[p].1 += v,
            None => {
                self.pos.insert(k, self.coef.len());
                self.coef.push((k, v));
            }
        }
    }
}

impl Ctx<'_> {
    /// The c-MIR cut of `base`, if an efficacious one is found: the base is
    /// transformed ([`Ctx::transform`]), the best divisor and
    /// complementation searched ([`Ctx::best_divisor`]), and the better of
    /// the MIR and the lifted cover cut kept.
    pub(super) fn cmir(&self, base: &Base) -> Option<Cut> {
        let mut tb = self.transform(base)?;
        let cover = cover_cut(&tb.ints, &tb.cont, tb.rhs);
        let (best_eff, delta) = self.best_divisor(&mut tb)?;
        if let Some(cov) = cover
            && cov.efficacy > best_eff.max(MIN_EFFICACY)
        {
            let mut cut = CutBuilder::new(self.prob.n);
            cut.rhs = cov.rhs;
            for (t, &c) in cov.ints.iter().zip(&cov.coef) {
                if c != 0.0 {
                    cut.add_orig(self.prob, t.orig, c);
                }
            }
            for t in &tb.cont {
                cut.add_orig(self.prob, t.orig, t.coef * cov.cont);
            }
            return cut.finish(self);
        }
        if best_eff < MIN_EFFICACY {
            return None;
        }
        // The cut in transformed space, times δ:
        // Σ δ·F(a/δ) y + (1/(1−f0)) Σ g y ≤ δ·floor(β).
        let beta = tb.rhs / delta;
        let f0 = beta - beta.floor();
        let mut cut = CutBuilder::new(self.prob.n);
        cut.rhs = delta * beta.floor();
        for t in &tb.ints {
            let c = delta * mir_coef(t.coef / delta, f0);
            if c != 0.0 {
                cut.add_orig(self.prob, t.orig, c);
            }
        }
        let k = 1.0 / (1.0 - f0);
        for t in &tb.cont {
            cut.add_orig(self.prob, t.orig, t.coef * k);
        }
        cut.finish(self)
    }

    /// The base in transformed space: continuous columns at their closest
    /// (variable) bound, slacks of integral rows as integers, integer
    /// columns complemented towards their closer bound. `None` when a
    /// column has no finite bound to measure from.
    fn transform(&self, base: &Base) -> Option<Transformed> {
        let prob = self.prob;
        let mut rhs = base.rhs;
        let mut icoef = IntCoefs::default();
        let mut cont: Vec<TVar> = Vec::new();
        let mut islack: Vec<TVar> = Vec::new();
        let mut nz = base.nz.clone();
        nz.sort_unstable();
        for &j in &nz {
            let a = base.coef[j];
            if a == 0.0 {
                continue;
            }
            if prob.integer[j] {
                icoef.add(j, a);
                continue;
            }
            // Continuous: substitute the closest (variable) bound.
            let (dist, o) = self.closest_bound(j)?;
            // a·x = a·(base ± y): the base part moves to the right.
            let g = match o {
                Orig::Col { bound, neg, .. } => {
                    rhs -= a * bound;
                    if neg { -a } else { a }
                }
                Orig::VarBound { k, c, d, neg, .. } => {
                    rhs -= a * d;
                    icoef.add(k, a * c);
                    if neg { -a } else { a }
                }
                Orig::Slack(_) => continue,
            };
            if g < 0.0 {
                cont.push(TVar {
                    orig: o,
                    coef: g,
                    val: dist,
                    ub: f64::INFINITY,
                });
            }
        }
        for s in &base.slacks {
            if s.coef == 0.0 {
                continue;
            }
            let i = s.row;
            let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
            let val = if s.upper {
                u - self.act[i]
            } else {
                self.act[i] - l
            };
            let val = val.max(0.0);
            if self.int_row[i] {
                let range = if l.is_finite() && u.is_finite() {
                    u - l
                } else {
                    f64::INFINITY
                };
                islack.push(TVar {
                    orig: Orig::Slack(*s),
                    coef: s.coef,
                    val,
                    ub: range,
                });
            } else if s.coef < 0.0 {
                cont.push(TVar {
                    orig: Orig::Slack(*s),
                    coef: s.coef,
                    val,
                    ub: f64::INFINITY,
                });
            }
        }
        let mut ints = self.complement_integers(&icoef.coef, &mut rhs)?;
        ints.extend(islack);
        if ints.is_empty() {
            return None;
        }
        Some(Transformed { ints, cont, rhs })
    }

    /// The closest finite bound or variable bound of continuous column `j`
    /// at the LP point: its distance and the substitution.
    fn closest_bound(&self, j: usize) -> Option<(f64, Orig)> {
        let (l, u, xv) = (self.lower[j], self.upper[j], self.x[j]);
        let mut best: Option<(f64, Orig)> = None;
        let mut consider = |dist: f64, o: Orig| {
            if dist.is_finite() && best.is_none_or(|b| dist < b.0 - 1e-9) {
                best = Some((dist.max(0.0), o));
            }
        };
        if l.is_finite() {
            consider(
                xv - l,
                Orig::Col {
                    j,
                    bound: l,
                    neg: false,
                },
            );
        }
        if u.is_finite() {
            consider(
                u - xv,
                Orig::Col {
                    j,
                    bound: u,
                    neg: true,
                },
            );
        }
        // Variable lower bounds measure x − v, upper ones v − x.
        for (list, neg) in [(&self.vb.lower[j], false), (&self.vb.upper[j], true)] {
            for vbd in list {
                let v = vbd.c * self.x[vbd.k] + vbd.d;
                let dist = if neg { v - xv } else { xv - v };
                let (k, c, d) = (vbd.k, vbd.c, vbd.d);
                consider(dist, Orig::VarBound { j, k, c, d, neg });
            }
        }
        best
    }

    /// Integer columns complemented towards the closer bound (the bound
    /// part moved into `rhs`); a negligible coefficient is relaxed with a
    /// bound. `None` when a column needed has no finite bound.
    fn complement_integers(&self, icoef: &[(usize, f64)], rhs: &mut f64) -> Option<Vec<TVar>> {
        let mut ints: Vec<TVar> = Vec::with_capacity(icoef.len());
        for &(k, a) in icoef {
            if a == 0.0 || a.abs() < 1e-12 {
                // Relax a negligible coefficient with a bound.
                let b = if a > 0.0 {
                    self.lower[k]
                } else {
                    self.upper[k]
                };
                if a != 0.0 {
                    if !b.is_finite() {
                        return None;
                    }
                    *rhs -= a * b;
                }
                continue;
            }
            let (l, u, xv) = (self.lower[k], self.upper[k], self.x[k]);
            let use_upper = if !l.is_finite() && !u.is_finite() {
                return None;
            } else if !l.is_finite() {
                true
            } else if !u.is_finite() {
                false
            } else {
                u - xv < xv - l
            };
            let (bound, neg) = if use_upper { (u, true) } else { (l, false) };
            *rhs -= a * bound;
            ints.push(TVar {
                orig: Orig::Col { j: k, bound, neg },
                coef: if neg { -a } else { a },
                val: if neg { u - xv } else { xv - l }.max(0.0),
                ub: u - l,
            });
        }
        Some(ints)
    }

    /// The divisor δ of the most efficacious MIR of `tb` (candidates: the
    /// coefficients of integers strictly inside their bounds, then halved
    /// up to three times), then complementations flipped where that helps
    /// (updating `tb`). Returns (efficacy, δ); `None` when no divisor gives
    /// a fractional right-hand side in range.
    fn best_divisor(&self, tb: &mut Transformed) -> Option<(f64, f64)> {
        let scont: f64 = tb.cont.iter().map(|t| t.coef * t.val).sum();
        let cont_norm2: f64 = tb.cont.iter().map(|t| t.coef * t.coef).sum();
        let ints = &mut tb.ints;
        // Divisor candidates: coefficients of integers strictly inside.
        let mut deltas: Vec<f64> = Vec::new();
        let mut inside: Vec<usize> = (0..ints.len())
            .filter(|&k| ints[k].val > 1e-6 && ints[k].val < ints[k].ub - 1e-6)
            .collect();
        inside.sort_by(|&a, &b| ints[b].val.total_cmp(&ints[a].val).then(a.cmp(&b)));
        for &k in &inside {
            let d = ints[k].coef.abs();
            if d > 1e-6 && !deltas.iter().any(|&e| (e - d).abs() <= 1e-9 * d.max(1.0)) {
                deltas.push(d);
            }
            if deltas.len() >= 8 {
                break;
            }
        }
        if deltas.is_empty() {
            let maxc = ints.iter().map(|t| t.coef.abs()).fold(0.0, f64::max);
            if maxc > 0.0 {
                deltas.push(maxc);
            }
            deltas.push(1.0);
        }
        let eval = |ints: &[TVar], rhs: f64, delta: f64| -> Option<f64> {
            let beta = rhs / delta;
            let f0 = beta - beta.floor();
            if !(MIN_FRAC..=MAX_FRAC).contains(&f0) {
                return None;
            }
            let mut lhs = 0.0;
            let mut norm2 = 0.0;
            for t in ints {
                let c = mir_coef(t.coef / delta, f0);
                lhs += c * t.val;
                norm2 += c * c;
            }
            let k = 1.0 / (delta * (1.0 - f0));
            lhs += scont * k;
            norm2 += cont_norm2 * k * k;
            let viol = lhs - beta.floor();
            (norm2 > 0.0).then(|| viol / norm2.sqrt())
        };
        let mut best: Option<(f64, f64)> = None;
        for &d in &deltas {
            if let Some(e) = eval(ints, tb.rhs, d)
                && best.is_none_or(|b| e > b.0 + 1e-12)
            {
                best = Some((e, d));
            }
        }
        let (mut best_eff, mut best_delta) = best?;
        for div in [2.0, 4.0, 8.0] {
            let d = best_delta / div;
            if let Some(e) = eval(ints, tb.rhs, d)
                && e > best_eff + 1e-12
            {
                best_eff = e;
                best_delta = d;
            }
        }
        // Flip complementations where that helps, closest to mid-range first.
        let mut order: Vec<usize> = inside;
        order.retain(|&k| ints[k].ub.is_finite() && matches!(ints[k].orig, Orig::Col { .. }));
        order.sort_by(|&a, &b| {
            let da = (ints[a].val - ints[a].ub / 2.0).abs();
            let db = (ints[b].val - ints[b].ub / 2.0).abs();
            da.total_cmp(&db).then(a.cmp(&b))
        });
        for &k in &order {
            let t = ints[k];
            let flipped = TVar {
                coef: -t.coef,
                val: t.ub - t.val,
                ..t
            };
            let new_rhs = tb.rhs - t.coef * t.ub;
            ints[k] = flipped;
            match eval(ints, new_rhs, best_delta) {
                Some(e) if e > best_eff + 1e-12 => {
                    best_eff = e;
                    tb.rhs = new_rhs;
                    ints[k] = TVar {
                        orig: flip_orig(t.orig, t.ub),
                        ..flipped
                    };
                }
                _ => ints[k] = t,
            }
        }
        Some((best_eff, best_delta))
    }
}

/// A lifted cover cut in transformed space: `Σ coef·y + cont·Σ g ȳ ≤ rhs`
/// over the (re-complemented) integers `ints` and the continuous terms.
struct CoverCut {
    ints: Vec<TVar>,
    coef: Vec<f64>,
    cont: f64,
    rhs: f64,
    efficacy: f64,
}

/// Feasibility tolerance of cover construction.
const COVER_FEAS: f64 = 1e-6;

/// A lifted cover cut of the transformed base `Σ a y + Σ g ȳ ≤ b` when
/// every integer is binary: the lifted knapsack cover (Letchford and
/// Souli's superadditive lifting, as HiGHS) without continuous terms, the
/// lifted mixed-binary cover (Marchand and Wolsey) with them.
fn cover_cut(ints: &[TVar], cont: &[TVar], rhs: f64) -> Option<CoverCut> {
    // All integer coefficients positive.
    let mut v: Vec<TVar> = ints.to_vec();
    let mut b = rhs;
    for t in &mut v {
        if t.ub != 1.0 {
            return None;
        }
        if t.coef < 0.0 {
            if !matches!(t.orig, Orig::Col { .. }) {
                return None;
            }
            b -= t.coef;
            *t = TVar {
                orig: flip_orig(t.orig, 1.0),
                coef: -t.coef,
                val: 1.0 - t.val,
                ub: 1.0,
            };
        }
    }
    if b <= 10.0 * COVER_FEAS {
        return None;
    }
    // The cover: columns at 1 first, then by LP contribution.
    let mut cand: Vec<usize> = (0..v.len())
        .filter(|&k| v[k].val > COVER_FEAS && v[k].coef > 0.0)
        .collect();
    cand.sort_by(|&p, &q| {
        let (a, c) = (&v[p], &v[q]);
        let at = |t: &TVar| t.val >= 1.0 - COVER_FEAS;
        at(c)
            .cmp(&at(a))
            .then((c.coef * c.val).total_cmp(&(a.coef * a.val)))
            .then(c.coef.total_cmp(&a.coef))
            .then(p.cmp(&q))
    });
    let min_lambda = (10.0 * COVER_FEAS).max(COVER_FEAS * b.abs());
    let mut weight = 0.0;
    let mut cover: Vec<usize> = Vec::new();
    for &k in &cand {
        if weight - b > min_lambda {
            break;
        }
        weight += v[k].coef;
        cover.push(k);
    }
    let lambda = weight - b;
    if cover.is_empty() || lambda <= min_lambda {
        return None;
    }
    cover.sort_by(|&p, &q| v[q].coef.total_cmp(&v[p].coef).then(p.cmp(&q)));
    let mut in_cover = vec![false; v.len()];
    for &k in &cover {
        in_cover[k] = true;
    }
    let mut coef = vec![0.0; v.len()];
    let (cut_rhs, cont_mult) = if cont.is_empty() {
        // Lifted knapsack cover.
        let kc = cover.len();
        let mut abar = v[cover[0]].coef;
        let mut sigma = lambda;
        for i in 1..kc {
            let d = abar - v[cover[i]].coef;
            let kd = i as f64 * d;
            if kd < sigma {
                abar = v[cover[i]].coef;
                sigma -= kd;
            } else {
                abar -= sigma / i as f64;
                sigma = 0.0;
                break;
            }
        }
        if sigma > 0.0 {
            abar = b / kc as f64;
        }
        let mut partial = Vec::with_capacity(kc);
        let mut sum = 0.0;
        let mut cplus = 0usize;
        for &k in &cover {
            sum += abar.min(v[k].coef);
            partial.push(sum);
            if v[k].coef > abar + COVER_FEAS {
                cplus += 1;
            }
        }
        let mut half = false;
        let g = |z: f64, half: &mut bool| -> f64 {
            let hf = z / abar;
            let hr = hf.round();
            let mut c = 0.0;
            if hr != 0.0 && (hf - hr).abs() * abar.max(1.0) <= 1e-9 && hr <= cplus as f64 - 1.0 {
                *half = true;
                c = 0.5;
            }
            // hr ≥ 0 and below the cover size here (z ≤ Σ cover).
            let mut h = (hr - 1.0).max(0.0) as usize;
            while h < kc && z > partial[h] + COVER_FEAS {
                h += 1;
            }
            c + h as f64
        };
        for k in 0..v.len() {
            let a = v[k].coef;
            if a == 0.0 {
                continue;
            }
            coef[k] = if in_cover[k] && a <= abar + COVER_FEAS {
                1.0
            } else {
                g(a, &mut half)
            };
        }
        let mut r = kc as f64 - 1.0;
        if half {
            r *= 2.0;
            coef.iter_mut().for_each(|c| *c *= 2.0);
        }
        (r, 0.0)
    } else {
        // Lifted mixed-binary cover.
        let mut partial = Vec::new();
        let mut sum = 0.0;
        for &k in &cover {
            if v[k].coef - lambda <= 1e-9 {
                break;
            }
            sum += v[k].coef;
            partial.push(sum);
        }
        let p = partial.len();
        if p == 0 {
            return None;
        }
        let phi = |a: f64| -> f64 {
            for (i, &si) in partial.iter().enumerate() {
                if a <= si - lambda {
                    return i as f64 * lambda;
                }
                if a <= si {
                    return (i + 1) as f64 * lambda + (a - si);
                }
            }
            p as f64 * lambda + (a - partial[p - 1])
        };
        let mut r = -lambda;
        for k in 0..v.len() {
            let a = v[k].coef;
            if a == 0.0 {
                continue;
            }
            if in_cover[k] {
                coef[k] = a.min(lambda);
                r += coef[k];
            } else {
                coef[k] = phi(a);
            }
        }
        (r, 1.0)
    };
    let mut viol = -cut_rhs;
    let mut norm2 = 0.0;
    for (t, &c) in v.iter().zip(&coef) {
        viol += c * t.val;
        norm2 += c * c;
    }
    for t in cont {
        let c = t.coef * cont_mult;
        viol += c * t.val;
        norm2 += c * c;
    }
    if norm2 <= 0.0 {
        return None;
    }
    Some(CoverCut {
        ints: v,
        coef,
        cont: cont_mult,
        rhs: cut_rhs,
        efficacy: viol / norm2.sqrt(),
    })
}

/// The complemented form of a transformed integer variable.
fn flip_orig(o: Orig, ub: f64) -> Orig {
    match o {
        Orig::Col { j, bound, neg } => Orig::Col {
            j,
            bound: if neg { bound - ub } else { bound + ub },
            neg: !neg,
        },
        // Only columns are in the flip order (see `cmir`).
        other => other,
    }
}

/// The MIR function `F(a) = ⌊a⌋ + max(0, frac(a) − f0) / (1 − f0)`.
#[inline]
fn mir_coef(a: f64, f0: f64) -> f64 {
    let fl = a.floor();
    let fa = a - fl;
    fl + ((fa - f0).max(0.0) / (1.0 - f0))
}

/// Accumulates a cut over the structurals from transformed terms.
struct CutBuilder {
    coef: Vec<f64>,
    listed: Vec<bool>,
    nz: Vec<usize>,
    rhs: f64,
}

impl CutBuilder {
    fn new(n: usize) -> Self {
        Self {
            coef: vec![0.0; n],
            listed: vec![false; n],
            nz: Vec::new(),
            rhs: 0.0,
        }
    }

    fn add(&mut self, j: usize, v: f64) {
        if !self.listed[j] {
            self.listed[j] = true;
            self.nz.push(j);
        }
        self.coef[j] += v;
    }

    /// Adds `c·y` for a transformed variable `y`, in original terms.
    fn add_orig(&mut self, prob: &Problem, o: Orig, c: f64) {
        match o {
            // y = x − bound  or  y = bound − x.
            Orig::Col { j, bound, neg } => {
                if neg {
                    self.add(j, -c);
                    self.rhs -= c * bound;
                } else {
                    self.add(j, c);
                    self.rhs += c * bound;
                }
            }
            // y = x − (c' x_k + d)  or  y = c' x_k + d − x.
            Orig::VarBound {
                j,
                k,
                c: cv,
                d,
                neg,
            } => {
                if neg {
                    self.add(j, -c);
                    self.add(k, c * cv);
                    self.rhs -= c * d;
                } else {
                    self.add(j, c);
                    self.add(k, -c * cv);
                    self.rhs += c * d;
                }
            }
            // σ = u − a x  or  σ = a x − l.
            Orig::Slack(s) => {
                let (idx, val) = prob.rows.row(s.row);
                if s.upper {
                    for (&j, &a) in idx.iter().zip(val) {
                        self.add(j as usize, -c * a);
                    }
                    self.rhs -= c * prob.rows.upper[s.row];
                } else {
                    for (&j, &a) in idx.iter().zip(val) {
                        self.add(j as usize, c * a);
                    }
                    self.rhs += c * prob.rows.lower[s.row];
                }
            }
        }
    }

    /// Cleans the cut (negligible coefficients relaxed with bounds), checks
    /// dynamism and efficacy at the LP point.
    fn finish(mut self, ctx: &Ctx<'_>) -> Option<Cut> {
        self.nz.sort_unstable();
        let maxabs = self
            .nz
            .iter()
            .map(|&j| self.coef[j].abs())
            .fold(0.0, f64::max);
        if maxabs == 0.0 || !maxabs.is_finite() || !self.rhs.is_finite() {
            return None;
        }
        let mut idx = Vec::with_capacity(self.nz.len());
        let mut val = Vec::with_capacity(self.nz.len());
        let mut rhs = self.rhs;
        for &j in &self.nz {
            let a = self.coef[j];
            if a.abs() <= maxabs / MAX_DYNAMISM || a.abs() < 1e-9 {
                if a == 0.0 {
                    continue;
                }
                // a·x ≥ a·(bound): move the smallest value to the right.
                let b = if a > 0.0 { ctx.lower[j] } else { ctx.upper[j] };
                if !b.is_finite() {
                    return None;
                }
                rhs -= a * b;
                continue;
            }
            // Column counts fit u32: the model builder checks sizes.
            idx.push(j as u32);
            val.push(a);
        }
        let max_len = (MAX_LEN_BASE + (MAX_LEN_SHARE * ctx.prob.n as f64) as usize)
            .max(ctx.prob.longest_model_row);
        if idx.is_empty() || idx.len() > max_len {
            return None;
        }
        let mut lhs = 0.0;
        let mut norm2 = 0.0;
        for (&j, &a) in idx.iter().zip(&val) {
            lhs += a * ctx.x[j as usize];
            norm2 += a * a;
        }
        let viol = lhs - rhs;
        let eff = viol / norm2.sqrt();
        if eff < MIN_EFFICACY || viol <= 1e-6 * (1.0 + rhs.abs()) {
            return None;
        }
        Some(Cut {
            idx,
            val,
            rhs,
            efficacy: eff,
        })
    }
}

/// Rows whose slack is integral: integer columns, integer coefficients and
/// integer finite sides.
pub(super) fn integral_rows(prob: &Problem) -> Vec<bool> {
    let int = |v: f64| !v.is_finite() || (v - v.round()).abs() < 1e-9;
    (0..prob.rows.len())
        .map(|i| {
            let (idx, val) = prob.rows.row(i);
            int(prob.rows.lower[i])
                && int(prob.rows.upper[i])
                && idx
                    .iter()
                    .zip(val)
                    .all(|(&j, &a)| prob.integer[j as usize] && int(a))
        })
        .collect()
}

/// Separation work limits per round.
const MAX_TABLEAU_ROWS: usize = 200;
const MAX_AGGREGATION: usize = 5;
const MAX_START_ROWS: usize = 500;
const MAX_CUTS_PER_ROUND: usize = 200;
/// A cut round that closes less than this share of the gap left (and
/// less than 1e-4 of the bound) counts as a stall; three in a row end the
/// rounds.
const STALL_GAP_SHARE: f64 = 0.01;
/// Largest cosine between two cuts added in the same round.
const MAX_PARALLELISM: f64 = 0.95;

impl Search<'_> {
    /// Gomory mixed-integer cuts from the tableau rows of fractional basic
    /// integer columns.
    pub(super) fn separate_gomory(
        &mut self,
        ctx_x: &[f64],
        act: &[f64],
        int_row: &[bool],
        vb: &VarBounds,
        out: &mut Vec<Cut>,
    ) -> Result<()> {
        let n = self.prob.n;
        let m = self.lp.m;
        let mut cands: Vec<(f64, usize)> = (0..n)
            .filter(|&j| self.prob.integer[j] && self.lp.is_basic(j) && !self.is_integral(ctx_x[j]))
            .map(|j| {
                let f = ctx_x[j] - ctx_x[j].floor();
                ((f - 0.5).abs(), j)
            })
            .collect();
        cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        cands.truncate(MAX_TABLEAU_ROWS);
        let mut col = vec![0.0; n];
        let mut row = vec![0.0; m];
        let mut base = Base::new(n);
        for &(_, k) in &cands {
            if !self.lp.tableau_row(k, &mut col, &mut row)? {
                continue;
            }
            // x_k + Σ col_j x_j − Σ row_i t_i = 0 with t_i = a_i x.
            base.clear();
            base.add(k, 1.0);
            let mut ok = true;
            for (j, &c) in col.iter().enumerate() {
                if c != 0.0 && c.abs() > 1e-12 {
                    base.add(j, c);
                }
            }
            for (i, &r) in row.iter().enumerate() {
                if r == 0.0 || r.abs() <= 1e-12 {
                    continue;
                }
                let (l, u) = (self.prob.rows.lower[i], self.prob.rows.upper[i]);
                match self.lp.nonbasic_move(n + i) {
                    // Logical at its lower bound: the row at its upper.
                    1 if u.is_finite() => {
                        base.slacks.push(Slack {
                            row: i,
                            coef: r,
                            upper: true,
                        });
                        base.rhs += r * u;
                    }
                    -1 if l.is_finite() => {
                        base.slacks.push(Slack {
                            row: i,
                            coef: -r,
                            upper: false,
                        });
                        base.rhs += r * l;
                    }
                    0 if l == u && l.is_finite() => base.rhs += r * l,
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let ctx = Ctx {
                prob: &self.prob,
                lower: &self.lower,
                upper: &self.upper,
                x: ctx_x,
                act,
                vb,
                int_row,
            };
            if let Some(c) = ctx.cmir(&base) {
                out.push(c);
            }
        }
        Ok(())
    }

    /// c-MIR cuts from model rows and short aggregations of them.
    pub(super) fn separate_aggregated(
        &self,
        x: &[f64],
        act: &[f64],
        int_row: &[bool],
        vb: &VarBounds,
        out: &mut Vec<Cut>,
    ) {
        let prob = &self.prob;
        let n = prob.n;
        let ctx = Ctx {
            prob,
            lower: &self.lower,
            upper: &self.upper,
            x,
            act,
            vb,
            int_row,
        };
        // Start rows: tight sides first.
        let mut starts: Vec<(f64, usize, f64)> = Vec::new();
        for i in 0..prob.model_rows {
            let (idx, _) = prob.rows.row(i);
            // Integers appear directly or through variable bounds.
            if !idx.iter().any(|&j| {
                let j = j as usize;
                prob.integer[j] || !vb.upper[j].is_empty() || !vb.lower[j].is_empty()
            }) {
                continue;
            }
            let (l, u) = (prob.rows.lower[i], prob.rows.upper[i]);
            let scale = 1.0 + act[i].abs();
            if u.is_finite() {
                starts.push(((u - act[i]).max(0.0) / scale, i, 1.0));
            }
            if l.is_finite() {
                starts.push(((act[i] - l).max(0.0) / scale, i, -1.0));
            }
        }
        starts.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        starts.truncate(MAX_START_ROWS);
        let mut base = Base::new(n);
        let mut used: Vec<usize> = Vec::new();
        for &(_, i, sgn) in &starts {
            base.clear();
            used.clear();
            if !base.add_row(prob, i, sgn) {
                continue;
            }
            used.push(i);
            for step in 0..=MAX_AGGREGATION {
                if let Some(c) = ctx.cmir(&base) {
                    out.push(c);
                    break;
                }
                if step == MAX_AGGREGATION {
                    break;
                }
                // Eliminate the continuous column farthest from its bounds.
                let mut pick: Option<(f64, usize)> = None;
                for &j in &base.nz {
                    let a = base.coef[j];
                    if a == 0.0 || prob.integer[j] {
                        continue;
                    }
                    let d = bound_distance(&ctx, j);
                    if d > 1e-6 && pick.is_none_or(|p| d > p.0) {
                        pick = Some((d, j));
                    }
                }
                let Some((_, j)) = pick else { break };
                let (rows, vals) = prob.cols.col(j);
                let mut best_row: Option<(f64, usize, f64)> = None;
                for (&r, &b) in rows.iter().zip(vals) {
                    let r = r as usize;
                    if r >= prob.model_rows || used.contains(&r) {
                        continue;
                    }
                    let lambda = -base.coef[j] / b;
                    let (l, u) = (prob.rows.lower[r], prob.rows.upper[r]);
                    let side = if lambda > 0.0 { u } else { l };
                    if !side.is_finite() {
                        continue;
                    }
                    let slack = (side - act[r]).abs() / (1.0 + act[r].abs());
                    let len = prob.rows.row(r).0.len() as f64;
                    let key = slack + 1e-6 * len;
                    if best_row.is_none_or(|b| key < b.0) {
                        best_row = Some((key, r, lambda));
                    }
                }
                let Some((_, r, lambda)) = best_row else {
                    break;
                };
                if !base.add_row(prob, r, lambda) {
                    break;
                }
                base.coef[j] = 0.0;
                used.push(r);
            }
        }
    }

    /// Rounds of cut separation at the root, then removal of the cuts that
    /// are not binding. Returns the objective of the last LP solved to
    /// optimality (the root LP's when no round completed): a valid bound
    /// even when a round's LP stops at the time limit.
    ///
    /// # Errors
    /// Numerical failure of the LP.
    pub(super) fn root_cuts(&mut self) -> Result<f64> {
        let vb = VarBounds::of(&self.prob);
        let mut last_obj = self.lp.objective();
        let mut stall = 0;
        // Under a time limit, cut rounds get a tenth of the time left: on a
        // large model a round costs seconds, and a plan found by the
        // heuristics after them is worth more than the last few per mille
        // of the bound.
        let now = Instant::now();
        let cut_deadline = self
            .deadline
            .map(|d| now + d.saturating_duration_since(now) / 10);
        for _round in 0..self.mopts.cut_rounds {
            if self.out_of_time() || cut_deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let x = self.lp.x();
            if self.fractional(&x).is_empty() {
                break;
            }
            let act = self.lp.row_activity();
            let int_row = integral_rows(&self.prob);
            let mut found = Vec::new();
            self.separate_gomory(&x, &act, &int_row, &vb, &mut found)?;
            self.separate_aggregated(&x, &act, &int_row, &vb, &mut found);
            let nfound = found.len();
            let chosen = self.select_cuts(found);
            super::trace!(
                "  round {_round}: obj {:.6}, {nfound} found, {} chosen, rows {}",
                self.lp.objective(),
                chosen.len(),
                self.prob.rows.len()
            );
            if chosen.is_empty() {
                break;
            }
            let old = self.lp.basis();
            let m_old = self.prob.rows.len();
            // Exact room: growing the arrays by doubling would hold the
            // matrix up to three times while it is copied.
            let entries = chosen.iter().map(|c| c.idx.len()).sum();
            self.prob.rows.reserve_exact(chosen.len(), entries);
            for c in &chosen {
                self.prob
                    .rows
                    .push(&c.idx, &c.val, f64::NEG_INFINITY, c.rhs);
            }
            self.prob.reindex();
            let mut b = old.0.clone();
            b.extend(std::iter::repeat_n(2i8, self.prob.rows.len() - m_old));
            self.rebuild_lp(Some(&LpBasis(b)));
            match self.solve_lp(None) {
                Some(LpStatus::Optimal) => {}
                Some(LpStatus::Infeasible) => {
                    // Valid cuts make the LP infeasible only if the MIP is.
                    return Ok(f64::INFINITY);
                }
                _ => break,
            }
            let z = self.lp.objective();
            // A round stalls when it moves the bound by less than 1e-4
            // (relative) and, with an incumbent, by less than a hundredth
            // of the gap left: rounds that keep closing the gap go on.
            let mut small = 1e-4 * (1.0 + last_obj.abs());
            if self.inc_obj < f64::INFINITY {
                small = small.min(STALL_GAP_SHARE * (self.inc_obj - last_obj).max(0.0));
            }
            if z - last_obj <= small {
                stall += 1;
                if stall >= 3 {
                    break;
                }
            } else {
                stall = 0;
            }
            last_obj = z;
            if self.mopts.heuristics {
                let x = self.lp.x();
                self.round_heuristics(&x);
            }
        }
        self.drop_slack_cuts()?;
        Ok(last_obj)
    }

    /// Keeps the best cuts: most efficacious first, none almost parallel to
    /// one already kept, none the incumbent violates.
    fn select_cuts(&self, mut found: Vec<Cut>) -> Vec<Cut> {
        found.sort_by(|a, b| b.efficacy.total_cmp(&a.efficacy));
        let mut chosen: Vec<Cut> = Vec::new();
        let n = self.prob.n;
        let mut dense = vec![0.0; n];
        for c in found {
            if chosen.len() >= MAX_CUTS_PER_ROUND {
                break;
            }
            // A safety net against round-off: a cut must not cut off the
            // incumbent (unless reduced-cost fixing already excluded it).
            if let Some(inc) = self.incumbent.as_ref().filter(|inc| {
                (0..n).all(|j| inc[j] >= self.lower[j] - 1e-9 && inc[j] <= self.upper[j] + 1e-9)
            }) {
                let v: f64 = c
                    .idx
                    .iter()
                    .zip(&c.val)
                    .map(|(&j, &a)| a * inc[j as usize])
                    .sum();
                if v > c.rhs + 1e-6 * (1.0 + c.rhs.abs()) {
                    continue;
                }
            }
            let norm = c.val.iter().map(|a| a * a).sum::<f64>().sqrt();
            let mut parallel = false;
            for k in &chosen {
                for (&j, &a) in k.idx.iter().zip(&k.val) {
                    dense[j as usize] = a;
                }
                let dot: f64 = c
                    .idx
                    .iter()
                    .zip(&c.val)
                    .map(|(&j, &a)| a * dense[j as usize])
                    .sum();
                let kn = k.val.iter().map(|a| a * a).sum::<f64>().sqrt();
                for &j in &k.idx {
                    dense[j as usize] = 0.0;
                }
                if dot / (norm * kn) > MAX_PARALLELISM {
                    parallel = true;
                    break;
                }
            }
            if !parallel {
                chosen.push(c);
            }
        }
        chosen
    }

    /// Removes the cuts whose logical is basic at the current LP optimum
    /// (they do not bind), keeping the basis.
    fn drop_slack_cuts(&mut self) -> Result<()> {
        let m0 = self.prob.model_rows;
        let m = self.prob.rows.len();
        if m == m0 {
            return Ok(());
        }
        let n = self.prob.n;
        let basis = self.lp.basis();
        let keep: Vec<usize> = (m0..m).filter(|&i| !self.lp.is_basic(n + i)).collect();
        if keep.len() == m - m0 {
            return Ok(());
        }
        // Only the kept cuts are copied out (not the whole matrix).
        let mut kept = Rows::default();
        for &i in &keep {
            let r = &self.prob.rows;
            let (idx, val) = r.row(i);
            kept.push(idx, val, r.lower[i], r.upper[i]);
        }
        self.prob.rows.truncate(m0);
        let mut b: Vec<i8> = basis.0[..n + m0].to_vec();
        for (k, &i) in keep.iter().enumerate() {
            let (idx, val) = kept.row(k);
            self.prob.rows.push(idx, val, kept.lower[k], kept.upper[k]);
            b.push(basis.0[n + i]);
        }
        self.prob.reindex();
        self.rebuild_lp(Some(&LpBasis(b)));
        // Same optimum: the dropped rows were not binding.
        match self.solve_lp(None) {
            Some(LpStatus::Optimal | LpStatus::Infeasible) => Ok(()),
            _ => Ok(()),
        }
    }
}

/// Distance of a continuous column's LP value to its closest (variable)
/// bound.
fn bound_distance(ctx: &Ctx<'_>, j: usize) -> f64 {
    let xv = ctx.x[j];
    let mut d = (xv - ctx.lower[j]).min(ctx.upper[j] - xv);
    for v in &ctx.vb.upper[j] {
        d = d.min(v.c * ctx.x[v.k] + v.d - xv);
    }
    for v in &ctx.vb.lower[j] {
        d = d.min(xv - (v.c * ctx.x[v.k] + v.d));
    }
    d.max(0.0)
}
