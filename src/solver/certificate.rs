//! An independent check of what a [`Solution`] claims.
//!
//! [`check`] recomputes everything from the [`Model`] and the solution's
//! vectors, trusting nothing the solver derived (row activities, reduced
//! costs and the objective are recomputed and compared), and uses no solver
//! code, only the public types. Every solver test runs it; it is also what a
//! user can run on a solution they doubt.
//!
//! # What is checked
//!
//! With `σ = +1` for a minimisation and `−1` for a maximisation, `x` the
//! columns, `y` the row duals, `d = c − Aᵀy` the reduced costs **recomputed
//! from `y`**, `r = Ax` the row activities **recomputed from `x`**:
//!
//! | claim | checks |
//! |---|---|
//! | optimal LP | primal: column bounds, row bounds, reported activities, reported objective; dual: reported reduced costs = `c − Aᵀy`, sign conditions (`σd_j > 0` needs a finite lower bound, `σd_j < 0` a finite upper bound, likewise `σy_i` for rows), complementary slackness (a nonzero `σd_j` / `σy_i` puts the value at the bound its sign names), dual objective = primal objective |
//! | infeasible LP | [`Certificate::Farkas`] `y`: with `z = Aᵀy`, no term leans on an infinite bound, and `Σ_j (z_j>0 ? z_j·xᵤ_j : z_j·xₗ_j) < Σ_i (y_i>0 ? y_i·rₗ_i : y_i·rᵤ_i)` by a margin |
//! | unbounded LP | `x` primal feasible (as above), [`Certificate::Ray`] `ρ` (normalised to `‖ρ‖_∞ = 1`): `ρ_j ≤ 0` where `xᵤ_j` is finite, `ρ_j ≥ 0` where `xₗ_j` is, likewise `Aρ` against the row bounds, and `σcᵀρ < 0` by a margin |
//! | MIP optimal / feasible | primal checks, integrality, the [`MipInfo`](crate::solver::MipInfo) bound on the right side of the objective, the reported gap equal to `|obj − bound| / max(1, |obj|)` and, for optimal, within [`CheckTolerances::mip_gap`] |
//! | time / iteration / node limit; MIP infeasible or unbounded | nothing can be certified: the report holds one failing [`CheckKind::Status`] item saying so |
//!
//! # Tolerances and scales
//!
//! Every comparison is relative to the magnitudes involved, stated per check
//! in [`CheckKind`]'s docs. In short, a violation `v` of a bound `b` passes
//! when `v ≤ tol · (1 + max(|b|, t))` where `t` is the largest single term
//! of the sum being checked (`|a_ij x_j|` for a row activity, `|a_ij y_i|`
//! for a reduced cost): round-off in a sum is proportional to its largest
//! term, and a sum of terms of size 1e6 cannot be checked to 1e-9. Farkas
//! and ray checks are scale-free (a certificate times any positive number is
//! one too). Defaults are in [`CheckTolerances`].
//!
//! # Complexity
//!
//! `O(nnz(A) + m + n)`.

use crate::model::{Model, Sense, VarType};
use crate::solver::{Certificate, Solution, Status};
use std::fmt;

/// Tolerances of [`check`]. All are dimensionless and relative to the
/// scales described in the module docs, except `integrality` (absolute).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CheckTolerances {
    /// Primal feasibility and complementarity distances. Default `1e-6`.
    pub primal: f64,
    /// Reduced-cost consistency and dual sign conditions. Default `1e-6`.
    pub dual: f64,
    /// Reported vs recomputed objective, and dual vs primal objective,
    /// relative to `1 + |objective|`. Default `1e-6`.
    pub objective: f64,
    /// Distance of an integer column's value to the nearest integer
    /// (absolute). Default `1e-6`.
    pub integrality: f64,
    /// Farkas and ray certificates: how far a direction may lean the wrong
    /// way and how large the proving margin must be. Default `1e-7`.
    pub certificate: f64,
    /// MIP: largest relative gap `|obj − bound| / max(1, |obj|)` an optimal
    /// status may have. Default `1e-6`.
    pub mip_gap: f64,
}

impl Default for CheckTolerances {
    fn default() -> Self {
        Self {
            primal: 1e-6,
            dual: 1e-6,
            objective: 1e-6,
            integrality: 1e-6,
            certificate: 1e-7,
            mip_gap: 1e-6,
        }
    }
}

impl CheckTolerances {
    /// Sets [`CheckTolerances::primal`].
    #[must_use]
    pub fn with_primal(mut self, v: f64) -> Self {
        self.primal = v;
        self
    }
    /// Sets [`CheckTolerances::dual`].
    #[must_use]
    pub fn with_dual(mut self, v: f64) -> Self {
        self.dual = v;
        self
    }
    /// Sets [`CheckTolerances::objective`].
    #[must_use]
    pub fn with_objective(mut self, v: f64) -> Self {
        self.objective = v;
        self
    }
    /// Sets [`CheckTolerances::integrality`].
    #[must_use]
    pub fn with_integrality(mut self, v: f64) -> Self {
        self.integrality = v;
        self
    }
    /// Sets [`CheckTolerances::certificate`].
    #[must_use]
    pub fn with_certificate(mut self, v: f64) -> Self {
        self.certificate = v;
        self
    }
    /// Sets [`CheckTolerances::mip_gap`].
    #[must_use]
    pub fn with_mip_gap(mut self, v: f64) -> Self {
        self.mip_gap = v;
        self
    }
}

/// One check of a [`CheckReport`]. Unless said otherwise the value is the
/// worst scaled violation and the check passes when it is `≤` the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// The status makes a claim that can be checked (fails for limits, for a
    /// MIP's infeasibility, or when a needed vector or certificate is
    /// missing). Value 1 on failure.
    Status,
    /// Vector lengths match the model and every value is finite.
    Dimensions,
    /// `xₗ ≤ x ≤ xᵤ`; violation scaled by `1 + |bound|`. Limit: `primal`.
    ColumnBounds,
    /// `rₗ ≤ Ax ≤ rᵤ` with `Ax` recomputed; violation scaled by
    /// `1 + max(|bound|, max_j |a_ij x_j|)`. Limit: `primal`.
    RowBounds,
    /// The reported activities equal the recomputed `Ax`; difference scaled
    /// by `1 + max_j |a_ij x_j|`. Limit: `primal`.
    RowActivity,
    /// The reported objective equals `cᵀx + c₀`; difference scaled by
    /// `1 + max(|cᵀx + c₀|, max_j |c_j x_j|)`. Limit: `objective`.
    Objective,
    /// The reported reduced costs equal `c − Aᵀy`; difference scaled by
    /// `1 + max(|c_j|, max_i |a_ij y_i|)`. Limit: `dual`.
    ReducedCosts,
    /// Dual feasibility of columns: `σd_j > 0` needs a finite lower bound,
    /// `σd_j < 0` a finite upper bound; `|d_j|` scaled as in
    /// [`CheckKind::ReducedCosts`]. Limit: `dual`.
    ColumnDualSigns,
    /// Dual feasibility of rows: `σy_i > 0` needs a finite lower bound,
    /// `σy_i < 0` a finite upper bound; `|y_i| · max(1, max_j |a_ij|)`
    /// scaled by `1 + max_j |c_j|`. Limit: `dual`.
    RowDualSigns,
    /// A column whose reduced cost is nonzero (beyond the dual tolerance)
    /// sits at the bound its sign names; distance scaled by `1 + |bound|`.
    /// Limit: `primal`.
    ColumnComplementarity,
    /// A row whose dual is nonzero (beyond the dual tolerance) has its
    /// activity at the bound its sign names; distance scaled as in
    /// [`CheckKind::RowBounds`]. Limit: `primal`.
    RowComplementarity,
    /// The dual objective (formula in [`crate::solver::Solution`]'s module
    /// docs, computed with the recomputed `d`) equals `cᵀx + c₀`; difference
    /// scaled by `1 + |cᵀx + c₀|`. Limit: `objective`.
    DualObjective,
    /// Farkas: no multiplier leans on an infinite bound: `|z_j|` (where the
    /// bound its sign uses is infinite) scaled by `max_ij |a_ij y_i|`, and
    /// `|y_i|` (likewise) scaled by `max_i |y_i|`. Limit: `certificate`.
    FarkasBounds,
    /// Farkas: the margin `(Σ rows − Σ columns)` of the Farkas inequality,
    /// scaled by the sum of the absolute values of its terms plus
    /// `max_ij |a_ij y_i|`. Passes when the value is **greater** than the
    /// limit `certificate`.
    FarkasMargin,
    /// Ray: `ρ_j ≤ 0` where `xᵤ_j` is finite and `ρ_j ≥ 0` where `xₗ_j` is
    /// (with `‖ρ‖_∞ = 1`). Limit: `certificate`.
    RayBounds,
    /// Ray: `(Aρ)_i ≤ 0` where `rᵤ_i` is finite and `≥ 0` where `rₗ_i` is,
    /// scaled by `max_j |a_ij|`. Limit: `certificate`.
    RayRows,
    /// Ray: the improvement `−σcᵀρ` scaled by `max_j |c_j|`. Passes when the
    /// value is **greater** than the limit `certificate`.
    RayImproves,
    /// MIP: integer columns within `integrality` of an integer (absolute).
    Integrality,
    /// MIP: the proven bound is on the right side of the incumbent
    /// (`bound ≤ obj` for a minimisation); violation scaled by
    /// `1 + |obj|`. Limit: `objective`.
    MipBound,
    /// MIP: the reported gap equals `|obj − bound| / max(1, |obj|)` (within
    /// `objective`), and for an optimal status the gap is at most `mip_gap`.
    /// The value is the larger of the two excesses.
    MipGap,
}

impl CheckKind {
    /// A short human description.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            CheckKind::Status => "the status can be certified",
            CheckKind::Dimensions => "vector lengths and finite values",
            CheckKind::ColumnBounds => "primal feasibility: column bounds",
            CheckKind::RowBounds => "primal feasibility: row bounds (A x recomputed)",
            CheckKind::RowActivity => "reported row activities = A x",
            CheckKind::Objective => "reported objective = c'x + c0",
            CheckKind::ReducedCosts => "reported reduced costs = c - A'y",
            CheckKind::ColumnDualSigns => "dual feasibility: reduced-cost signs",
            CheckKind::RowDualSigns => "dual feasibility: row-dual signs",
            CheckKind::ColumnComplementarity => "complementary slackness: columns",
            CheckKind::RowComplementarity => "complementary slackness: rows",
            CheckKind::DualObjective => "dual objective = primal objective",
            CheckKind::FarkasBounds => "Farkas multipliers use finite bounds only",
            CheckKind::FarkasMargin => "Farkas inequality holds with a margin",
            CheckKind::RayBounds => "ray respects the column bounds",
            CheckKind::RayRows => "ray respects the row bounds",
            CheckKind::RayImproves => "ray improves the objective",
            CheckKind::Integrality => "integrality",
            CheckKind::MipBound => "MIP bound on the right side of the incumbent",
            CheckKind::MipGap => "MIP gap consistent (and closed if optimal)",
        }
    }

    /// `true` for the checks that pass when the value **exceeds** the limit.
    #[must_use]
    pub fn is_margin(self) -> bool {
        matches!(self, CheckKind::FarkasMargin | CheckKind::RayImproves)
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckItem {
    /// Which check.
    pub kind: CheckKind,
    /// The worst scaled violation (or the margin, see [`CheckKind::is_margin`]).
    pub value: f64,
    /// The tolerance it was compared with.
    pub limit: f64,
    /// Whether the check passed.
    pub passed: bool,
    /// Where the worst value occurred and what it was, when useful.
    pub detail: String,
}

/// Every check [`check`] ran, with its worst value.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    status: Status,
    mip: bool,
    items: Vec<CheckItem>,
}

impl CheckReport {
    /// `true` when at least one check ran and none failed.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        !self.items.is_empty() && self.items.iter().all(|i| i.passed)
    }
    /// Every check, in the order run.
    #[must_use]
    pub fn items(&self) -> &[CheckItem] {
        &self.items
    }
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &CheckItem> {
        self.items.iter().filter(|i| !i.passed)
    }
    /// The item of one kind, if that check ran.
    #[must_use]
    pub fn get(&self, kind: CheckKind) -> Option<&CheckItem> {
        self.items.iter().find(|i| i.kind == kind)
    }
    /// `true` when the check of `kind` ran and failed.
    #[must_use]
    pub fn failed(&self, kind: CheckKind) -> bool {
        self.get(kind).is_some_and(|i| !i.passed)
    }
    /// The status that was checked.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures().count();
        writeln!(
            f,
            "certificate check of a{} {} solution: {} checks, {} failed",
            if self.status == Status::Optimal || self.status == Status::Infeasible {
                "n"
            } else {
                ""
            },
            self.status,
            self.items.len(),
            failed
        )?;
        for i in &self.items {
            let cmp = match (i.kind.is_margin(), i.passed) {
                (false, true) => "<=",
                (false, false) => ">",
                (true, true) => ">",
                (true, false) => "<=",
            };
            write!(
                f,
                "  {} {}: {:.3e} {cmp} {:.1e}",
                if i.passed { "ok  " } else { "FAIL" },
                i.kind.description(),
                i.value,
                i.limit
            )?;
            if !i.detail.is_empty() {
                write!(f, " ({})", i.detail)?;
            }
            writeln!(f)?;
        }
        if self.mip {
            writeln!(f, "  (the model has integer columns)")?;
        }
        Ok(())
    }
}

/// The worst value seen and where.
#[derive(Clone, Copy)]
struct Worst {
    value: f64,
    at: Option<usize>,
}

impl Worst {
    fn new() -> Self {
        Worst {
            value: 0.0,
            at: None,
        }
    }
    fn see(&mut self, v: f64, k: usize) {
        // NaN counts as the worst possible value.
        let v = if v.is_nan() { f64::INFINITY } else { v };
        if v > self.value || (self.at.is_none() && v > 0.0) {
            self.value = v;
            self.at = Some(k);
        }
    }
}

struct Ctx<'a> {
    m: &'a Model,
    tol: &'a CheckTolerances,
    sigma: f64,
    report: CheckReport,
}

impl Ctx<'_> {
    fn push(&mut self, kind: CheckKind, value: f64, limit: f64, detail: String) {
        let passed = if kind.is_margin() {
            value > limit
        } else {
            value <= limit
        };
        let item = CheckItem {
            kind,
            value,
            limit,
            passed,
            detail,
        };
        // One item per kind: a later failure replaces an earlier pass.
        match self.report.items.iter_mut().find(|i| i.kind == kind) {
            Some(old) if old.passed && !passed => *old = item,
            Some(_) => {}
            None => self.report.items.push(item),
        }
    }

    fn push_worst(
        &mut self,
        kind: CheckKind,
        w: Worst,
        limit: f64,
        describe: impl Fn(usize) -> String,
    ) {
        let detail = match w.at {
            Some(k) if w.value > limit => describe(k),
            _ => String::new(),
        };
        self.push(kind, w.value, limit, detail);
    }

    fn fail_status(&mut self, why: impl Into<String>) {
        self.push(CheckKind::Status, 1.0, 0.0, why.into());
    }
}

fn all_finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// Checks what `solution` claims about `model`; see the module docs.
///
/// For a MIP model (`model.is_mip()`), an optimal or feasible status is
/// checked as a MIP solution. To check the solution of a relaxation, pass
/// [`Model::relaxation`].
#[must_use]
pub fn check(model: &Model, solution: &Solution, tol: &CheckTolerances) -> CheckReport {
    let mip = model.is_mip();
    let mut cx = Ctx {
        m: model,
        tol,
        sigma: if model.sense() == Sense::Maximize {
            -1.0
        } else {
            1.0
        },
        report: CheckReport {
            status: solution.status,
            mip,
            items: Vec::new(),
        },
    };
    match (solution.status, mip) {
        (Status::Optimal, false) => {
            if let Some(act) = primal(&mut cx, solution) {
                dual(&mut cx, solution, &act);
            }
        }
        (Status::Optimal | Status::Feasible, true) => {
            if primal(&mut cx, solution).is_some() {
                integrality(&mut cx, solution);
                mip_info(&mut cx, solution);
            }
        }
        (Status::Infeasible, false) => farkas(&mut cx, solution),
        (Status::Unbounded, false) => {
            if primal(&mut cx, solution).is_some() {
                ray(&mut cx, solution);
            }
        }
        (Status::Infeasible | Status::Unbounded, true) => cx.fail_status(format!(
            "a MIP's {} status carries no certificate that can be checked",
            solution.status
        )),
        (Status::Feasible, false) => {
            cx.fail_status("the feasible status is for MIPs; this model has no integer columns")
        }
        (Status::TimeLimit | Status::IterationLimit | Status::NodeLimit, _) => cx.fail_status(
            format!("status {} makes no claim to certify", solution.status),
        ),
    }
    cx.report
}

/// Primal checks; returns the recomputed activities when `x` is usable.
fn primal(cx: &mut Ctx<'_>, s: &Solution) -> Option<Vec<f64>> {
    let m = cx.m;
    let (n, rows) = (m.num_cols(), m.num_rows());
    if s.x.len() != n || s.row_activity.len() != rows {
        let d = format!(
            "x has {} values for {n} columns, row_activity {} for {rows} rows",
            s.x.len(),
            s.row_activity.len()
        );
        cx.push(CheckKind::Dimensions, 1.0, 0.0, d);
        return None;
    }
    if !all_finite(&s.x) || !all_finite(&s.row_activity) {
        cx.push(
            CheckKind::Dimensions,
            1.0,
            0.0,
            "x or row_activity holds a NaN or infinite value".to_owned(),
        );
        return None;
    }
    let Some(obj) = s.objective else {
        cx.fail_status("the solution has a point but no objective value");
        return None;
    };
    cx.push(CheckKind::Dimensions, 0.0, 0.0, String::new());
    let tol = cx.tol.primal;

    // Column bounds.
    let mut w = Worst::new();
    for j in 0..n {
        let (x, l, u) = (s.x[j], m.col_lower()[j], m.col_upper()[j]);
        if x < l {
            w.see((l - x) / (1.0 + l.abs()), j);
        } else if x > u {
            w.see((x - u) / (1.0 + u.abs()), j);
        }
    }
    cx.push_worst(CheckKind::ColumnBounds, w, tol, |j| {
        format!(
            "{}: x = {} outside [{}, {}]",
            cx_col(m, j),
            s.x[j],
            m.col_lower()[j],
            m.col_upper()[j]
        )
    });

    // Row activities, recomputed, and the largest term of each.
    let (act, tscale) = activity(m, &s.x);
    let mut w = Worst::new();
    for i in 0..rows {
        let (a, l, u) = (act[i], m.row_lower()[i], m.row_upper()[i]);
        if a < l {
            w.see((l - a) / (1.0 + l.abs().max(tscale[i])), i);
        } else if a > u {
            w.see((a - u) / (1.0 + u.abs().max(tscale[i])), i);
        }
    }
    cx.push_worst(CheckKind::RowBounds, w, tol, |i| {
        format!(
            "{}: A x = {} outside [{}, {}]",
            cx_row(m, i),
            act[i],
            m.row_lower()[i],
            m.row_upper()[i]
        )
    });
    let mut w = Worst::new();
    for i in 0..rows {
        w.see((s.row_activity[i] - act[i]).abs() / (1.0 + tscale[i]), i);
    }
    cx.push_worst(CheckKind::RowActivity, w, tol, |i| {
        format!(
            "{}: reported {} but A x = {}",
            cx_row(m, i),
            s.row_activity[i],
            act[i]
        )
    });

    // Objective.
    let p = m.objective_value(&s.x);
    let big = m
        .costs()
        .iter()
        .zip(&s.x)
        .fold(0.0f64, |a, (c, x)| a.max((c * x).abs()));
    let v = (obj - p).abs() / (1.0 + p.abs().max(big));
    let detail = format!("reported {obj}, c'x + c0 = {p}");
    cx.push(CheckKind::Objective, v, cx.tol.objective, detail);
    Some(act)
}

fn cx_col(m: &Model, j: usize) -> String {
    format!("column '{}' ({j})", &m.col_names()[j])
}

fn cx_row(m: &Model, i: usize) -> String {
    format!("row '{}' ({i})", &m.row_names()[i])
}

/// `A x` and, per row, `max_j |a_ij x_j|`.
fn activity(m: &Model, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let a = m.matrix();
    let mut act = vec![0.0; m.num_rows()];
    let mut big = vec![0.0f64; m.num_rows()];
    for (j, &xj) in x.iter().enumerate() {
        let (idx, val) = a.col(j);
        for (&i, &v) in idx.iter().zip(val) {
            let t = v * xj;
            act[i as usize] += t;
            big[i as usize] = big[i as usize].max(t.abs());
        }
    }
    (act, big)
}

fn dual(cx: &mut Ctx<'_>, s: &Solution, act: &[f64]) {
    let m = cx.m;
    let (n, rows) = (m.num_cols(), m.num_rows());
    if s.row_dual.len() != rows || s.reduced_cost.len() != n {
        let d = format!(
            "row_dual has {} values for {rows} rows, reduced_cost {} for {n} columns",
            s.row_dual.len(),
            s.reduced_cost.len()
        );
        cx.push(CheckKind::Dimensions, 1.0, 0.0, d);
        return;
    }
    if !all_finite(&s.row_dual) || !all_finite(&s.reduced_cost) {
        let d = "row_dual or reduced_cost holds a NaN or infinite value".to_owned();
        cx.push(CheckKind::Dimensions, 1.0, 0.0, d);
        return;
    }
    let (sigma, tol_d, tol_p) = (cx.sigma, cx.tol.dual, cx.tol.primal);
    let y = &s.row_dual;
    let a = m.matrix();
    // d = c - A'y and its term scale; the largest |a_ij| of each row.
    let mut d = m.costs().to_vec();
    let mut dscale: Vec<f64> = m.costs().iter().map(|c| c.abs()).collect();
    let mut row_norm = vec![0.0f64; rows];
    for j in 0..n {
        let (idx, val) = a.col(j);
        for (&i, &v) in idx.iter().zip(val) {
            let t = v * y[i as usize];
            d[j] -= t;
            dscale[j] = dscale[j].max(t.abs());
            row_norm[i as usize] = row_norm[i as usize].max(v.abs());
        }
    }
    dscale.iter_mut().for_each(|s| *s += 1.0);
    let cmax = m.costs().iter().fold(0.0f64, |a, c| a.max(c.abs()));
    let yscaled = |i: usize| y[i].abs() * row_norm[i].max(1.0) / (1.0 + cmax);
    let (_, tscale) = activity(m, &s.x);

    let mut w = Worst::new();
    for j in 0..n {
        w.see((s.reduced_cost[j] - d[j]).abs() / dscale[j], j);
    }
    cx.push_worst(CheckKind::ReducedCosts, w, tol_d, |j| {
        format!(
            "{}: reported {} but c - A'y = {}",
            cx_col(m, j),
            s.reduced_cost[j],
            d[j]
        )
    });

    // Sign conditions.
    let mut w = Worst::new();
    for j in 0..n {
        let sd = sigma * d[j];
        let (l, u) = (m.col_lower()[j], m.col_upper()[j]);
        if (sd > 0.0 && l == f64::NEG_INFINITY) || (sd < 0.0 && u == f64::INFINITY) {
            w.see(d[j].abs() / dscale[j], j);
        }
    }
    cx.push_worst(CheckKind::ColumnDualSigns, w, tol_d, |j| {
        format!(
            "{}: d = {} leans on an infinite bound of [{}, {}] ({})",
            cx_col(m, j),
            d[j],
            m.col_lower()[j],
            m.col_upper()[j],
            sense_word(sigma)
        )
    });
    let mut w = Worst::new();
    for (i, &yi) in y.iter().enumerate() {
        let sy = sigma * yi;
        let (l, u) = (m.row_lower()[i], m.row_upper()[i]);
        if (sy > 0.0 && l == f64::NEG_INFINITY) || (sy < 0.0 && u == f64::INFINITY) {
            w.see(yscaled(i), i);
        }
    }
    cx.push_worst(CheckKind::RowDualSigns, w, tol_d, |i| {
        format!(
            "{}: y = {} leans on an infinite bound of [{}, {}] ({})",
            cx_row(m, i),
            y[i],
            m.row_lower()[i],
            m.row_upper()[i],
            sense_word(sigma)
        )
    });

    // Complementary slackness.
    let mut w = Worst::new();
    for j in 0..n {
        if d[j].abs() / dscale[j] <= tol_d {
            continue;
        }
        let (x, l, u) = (s.x[j], m.col_lower()[j], m.col_upper()[j]);
        let sd = sigma * d[j];
        if sd > 0.0 && l.is_finite() {
            w.see((x - l).abs() / (1.0 + l.abs()), j);
        } else if sd < 0.0 && u.is_finite() {
            w.see((u - x).abs() / (1.0 + u.abs()), j);
        }
    }
    cx.push_worst(CheckKind::ColumnComplementarity, w, tol_p, |j| {
        format!(
            "{}: d = {} but x = {} is not at the bound it names in [{}, {}]",
            cx_col(m, j),
            d[j],
            s.x[j],
            m.col_lower()[j],
            m.col_upper()[j]
        )
    });
    let mut w = Worst::new();
    for i in 0..rows {
        if yscaled(i) <= tol_d {
            continue;
        }
        let (r, l, u) = (act[i], m.row_lower()[i], m.row_upper()[i]);
        let sy = sigma * y[i];
        if sy > 0.0 && l.is_finite() {
            w.see((r - l).abs() / (1.0 + l.abs().max(tscale[i])), i);
        } else if sy < 0.0 && u.is_finite() {
            w.see((u - r).abs() / (1.0 + u.abs().max(tscale[i])), i);
        }
    }
    cx.push_worst(CheckKind::RowComplementarity, w, tol_p, |i| {
        format!(
            "{}: y = {} but A x = {} is not at the bound it names in [{}, {}]",
            cx_row(m, i),
            y[i],
            act[i],
            m.row_lower()[i],
            m.row_upper()[i]
        )
    });

    // Dual objective.
    let (rows_part, _, _) = bound_terms(y, sigma, m.row_lower(), m.row_upper(), 1.0);
    let (cols_part, _, _) = bound_terms(&d, sigma, m.col_lower(), m.col_upper(), 1.0);
    let dobj = m.objective_constant() + rows_part + cols_part;
    let p = m.objective_value(&s.x);
    let v = (dobj - p).abs() / (1.0 + p.abs());
    let detail = format!("dual objective {dobj}, primal objective {p}");
    cx.push(CheckKind::DualObjective, v, cx.tol.objective, detail);
}

/// `Σ_k (sign·v_k > 0 ? v_k·lower_k : v_k·upper_k)` over the nonzero `v_k`
/// whose bound is finite, the sum of the absolute values of those terms, and
/// the worst `|v_k| / scale` of the terms that would use an infinite bound
/// (left out of the sum).
fn bound_terms(
    v: &[f64],
    sign: f64,
    lower: &[f64],
    upper: &[f64],
    scale: f64,
) -> (f64, f64, Worst) {
    let (mut sum, mut abs_sum, mut w) = (0.0, 0.0, Worst::new());
    for (k, &vk) in v.iter().enumerate() {
        if vk == 0.0 {
            continue;
        }
        let b = if sign * vk > 0.0 { lower[k] } else { upper[k] };
        if b.is_finite() {
            sum += vk * b;
            abs_sum += (vk * b).abs();
        } else {
            w.see(vk.abs() / scale, k);
        }
    }
    (sum, abs_sum, w)
}

fn sense_word(sigma: f64) -> &'static str {
    if sigma > 0.0 {
        "minimisation"
    } else {
        "maximisation"
    }
}

fn farkas(cx: &mut Ctx<'_>, s: &Solution) {
    let m = cx.m;
    let (n, rows) = (m.num_cols(), m.num_rows());
    let y = match &s.certificate {
        Some(Certificate::Farkas(y)) => y,
        other => {
            let what = if other.is_some() { "a ray" } else { "none" };
            cx.fail_status(format!(
                "an infeasible LP needs a Farkas certificate; the solution has {what}"
            ));
            return;
        }
    };
    if y.len() != rows || !all_finite(y) {
        let d = format!(
            "the Farkas vector has {} values for {rows} rows, or a non-finite one",
            y.len()
        );
        cx.push(CheckKind::Dimensions, 1.0, 0.0, d);
        return;
    }
    cx.push(CheckKind::Dimensions, 0.0, 0.0, String::new());
    let tol = cx.tol.certificate;
    let ymax = y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let a = m.matrix();
    let mut z = vec![0.0; n];
    let mut g = 0.0f64;
    for (j, zj) in z.iter_mut().enumerate() {
        let (idx, val) = a.col(j);
        for (&i, &v) in idx.iter().zip(val) {
            let t = v * y[i as usize];
            *zj += t;
            g = g.max(t.abs());
        }
    }
    if ymax == 0.0 {
        cx.push(
            CheckKind::FarkasMargin,
            0.0,
            tol,
            "the Farkas vector is zero".to_owned(),
        );
        return;
    }
    let gz = if g > 0.0 { g } else { ymax };

    // Columns: z_j > 0 uses the upper bound; rows: y_i > 0 the lower.
    let (lhs, col_abs, w) = bound_terms(&z, -1.0, m.col_lower(), m.col_upper(), gz);
    let (rhs, row_abs, wr) = bound_terms(y, 1.0, m.row_lower(), m.row_upper(), ymax);
    let abs_sum = col_abs + row_abs;
    let (value, detail) = if w.value >= wr.value {
        let d = w.at.map_or(String::new(), |j| {
            format!(
                "{}: z = (A'y)_j = {} leans on an infinite bound of [{}, {}]",
                cx_col(m, j),
                z[j],
                m.col_lower()[j],
                m.col_upper()[j]
            )
        });
        (w.value, d)
    } else {
        let d = wr.at.map_or(String::new(), |i| {
            format!(
                "{}: y = {} leans on an infinite bound of [{}, {}]",
                cx_row(m, i),
                y[i],
                m.row_lower()[i],
                m.row_upper()[i]
            )
        });
        (wr.value, d)
    };
    let detail = if value > tol { detail } else { String::new() };
    cx.push(CheckKind::FarkasBounds, value, tol, detail);
    let margin = (rhs - lhs) / (abs_sum + gz);
    let detail = format!("rows give {rhs}, columns can reach {lhs}");
    cx.push(CheckKind::FarkasMargin, margin, tol, detail);
}

fn ray(cx: &mut Ctx<'_>, s: &Solution) {
    let m = cx.m;
    let (n, rows) = (m.num_cols(), m.num_rows());
    let r = match &s.certificate {
        Some(Certificate::Ray(r)) => r,
        other => {
            let what = if other.is_some() {
                "a Farkas vector"
            } else {
                "none"
            };
            cx.fail_status(format!(
                "an unbounded LP needs a ray certificate; the solution has {what}"
            ));
            return;
        }
    };
    if r.len() != n || !all_finite(r) {
        let d = format!(
            "the ray has {} values for {n} columns, or a non-finite one",
            r.len()
        );
        cx.push(CheckKind::Dimensions, 1.0, 0.0, d);
        return;
    }
    let tol = cx.tol.certificate;
    let rmax = r.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if rmax == 0.0 {
        cx.push(
            CheckKind::RayImproves,
            0.0,
            tol,
            "the ray is zero".to_owned(),
        );
        return;
    }
    let rh: Vec<f64> = r.iter().map(|v| v / rmax).collect();
    let mut w = Worst::new();
    for (j, &v) in rh.iter().enumerate() {
        if m.col_upper()[j].is_finite() && v > 0.0 {
            w.see(v, j);
        }
        if m.col_lower()[j].is_finite() && v < 0.0 {
            w.see(-v, j);
        }
    }
    cx.push_worst(CheckKind::RayBounds, w, tol, |j| {
        format!(
            "{}: ray {} against the bounds [{}, {}]",
            cx_col(m, j),
            rh[j],
            m.col_lower()[j],
            m.col_upper()[j]
        )
    });
    let a = m.matrix();
    let mut q = vec![0.0; rows];
    let mut norm = vec![0.0f64; rows];
    a.mul_add(&rh, 1.0, &mut q);
    for j in 0..n {
        let (idx, val) = a.col(j);
        for (&i, &v) in idx.iter().zip(val) {
            norm[i as usize] = norm[i as usize].max(v.abs());
        }
    }
    let mut w = Worst::new();
    for i in 0..rows {
        let sc = if norm[i] > 0.0 { norm[i] } else { 1.0 };
        if m.row_upper()[i].is_finite() && q[i] > 0.0 {
            w.see(q[i] / sc, i);
        }
        if m.row_lower()[i].is_finite() && q[i] < 0.0 {
            w.see(-q[i] / sc, i);
        }
    }
    cx.push_worst(CheckKind::RayRows, w, tol, |i| {
        format!(
            "{}: (A ray) = {} against the bounds [{}, {}]",
            cx_row(m, i),
            q[i],
            m.row_lower()[i],
            m.row_upper()[i]
        )
    });
    let cr: f64 = m.costs().iter().zip(&rh).map(|(c, v)| c * v).sum();
    let cmax = m.costs().iter().fold(0.0f64, |a, c| a.max(c.abs()));
    let value = if cmax > 0.0 {
        -cx.sigma * cr / cmax
    } else {
        0.0
    };
    let detail = format!("c'ray = {cr} ({})", sense_word(cx.sigma));
    cx.push(CheckKind::RayImproves, value, tol, detail);
}

fn integrality(cx: &mut Ctx<'_>, s: &Solution) {
    let m = cx.m;
    let mut w = Worst::new();
    for (j, &x) in s.x.iter().enumerate() {
        if m.var_types()[j] == VarType::Integer {
            w.see((x - x.round()).abs(), j);
        }
    }
    cx.push_worst(CheckKind::Integrality, w, cx.tol.integrality, |j| {
        format!("{}: x = {}", cx_col(m, j), s.x[j])
    });
}

fn mip_info(cx: &mut Ctx<'_>, s: &Solution) {
    let (Some(info), Some(obj)) = (s.mip, s.objective) else {
        cx.fail_status("a MIP solution needs MipInfo (bound, gap, nodes) and an objective");
        return;
    };
    if info.bound.is_nan() {
        cx.fail_status("the MIP bound is NaN");
        return;
    }
    // Bound on the right side: sigma * (obj - bound) >= 0.
    let wrong = (-cx.sigma * (obj - info.bound)).max(0.0) / (1.0 + obj.abs());
    let detail = format!("objective {obj}, bound {}", info.bound);
    cx.push(CheckKind::MipBound, wrong, cx.tol.objective, detail);
    let true_gap = (obj - info.bound).abs() / obj.abs().max(1.0);
    let reported = info.gap.unwrap_or(f64::INFINITY);
    let mismatch = (reported - true_gap).abs();
    let mismatch = if mismatch.is_nan() {
        f64::INFINITY
    } else {
        mismatch
    };
    let open = if s.status == Status::Optimal {
        (true_gap - cx.tol.mip_gap).max(0.0)
    } else {
        0.0
    };
    let value = (mismatch - cx.tol.objective).max(0.0).max(open);
    let detail = format!(
        "reported gap {:?}, |obj - bound| / max(1, |obj|) = {true_gap}",
        info.gap
    );
    cx.push(CheckKind::MipGap, value, 0.0, detail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelBuilder, RowId};
    use crate::solver::MipInfo;
    use std::time::Duration;

    fn sol(status: Status, x: &[f64], y: &[f64], m: &Model) -> Solution {
        let d: Vec<f64> = if y.len() == m.num_rows() {
            let aty = m.matrix().tr_mul(y);
            m.costs().iter().zip(&aty).map(|(c, a)| c - a).collect()
        } else {
            vec![0.0; m.num_cols()]
        };
        Solution {
            status,
            objective: (!x.is_empty()).then(|| m.objective_value(x)),
            x: x.to_vec(),
            row_activity: m.row_activity(x),
            row_dual: y.to_vec(),
            reduced_cost: d,
            basis: None,
            certificate: None,
            iterations: 0,
            solve_time: Duration::ZERO,
            mip: None,
        }
    }

    fn ok(m: &Model, s: &Solution) {
        let r = check(m, s, &CheckTolerances::default());
        assert!(r.is_ok(), "{r}");
    }

    fn fails(m: &Model, s: &Solution, kind: CheckKind) -> CheckReport {
        let r = check(m, s, &CheckTolerances::default());
        assert!(r.failed(kind), "expected {kind:?} to fail:\n{r}");
        assert!(!r.is_ok());
        r
    }

    /// min -x - y  s.t.  x + 2y <= 4, 3x + y <= 6, x, y >= 0.
    /// Optimum x = 1.6, y = 1.2, objective -2.8; duals -0.4, -0.2.
    fn lp1() -> Model {
        let mut b = ModelBuilder::new("lp1");
        let x = b.add_col("x", -1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", -1.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("r1", None, Some(4.0), &[(x, 1.0), (y, 2.0)]);
        b.add_row_with("r2", None, Some(6.0), &[(x, 3.0), (y, 1.0)]);
        b.build().expect("lp1 builds")
    }

    /// max 3x + 2y + z - w + 5  s.t.  1 <= x + y <= 4 (ranged),
    /// y + w + z >= 0;  x in [0, 3], y free, z fixed at 2, w >= 0.
    /// By hand: y = 4 - x on the ranged row, objective x + 8 + 2 + 5 grows
    /// with x, so x = 3, y = 1, objective 18. Duals: 2 on the ranged row
    /// (at its upper bound, >= 0 for a maximisation), 0 on the slack row;
    /// reduced costs d = (1, 0, 1, -1).
    fn lp2() -> Model {
        let mut b = ModelBuilder::new("lp2");
        b.set_sense(Sense::Maximize).set_objective_constant(5.0);
        let x = b.add_col("x", 3.0, Some(0.0), Some(3.0), VarType::Continuous);
        let y = b.add_col("y", 2.0, None, None, VarType::Continuous);
        let z = b.add_col("z", 1.0, Some(2.0), Some(2.0), VarType::Continuous);
        let w = b.add_col("w", -1.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("range", Some(1.0), Some(4.0), &[(x, 1.0), (y, 1.0)]);
        b.add_row_with("slack", Some(0.0), None, &[(y, 1.0), (w, 1.0), (z, 1.0)]);
        b.build().expect("lp2 builds")
    }

    /// min -x  s.t.  x + y <= 1, x - y <= 1, x <= 1 (a row), x, y >= 0: the
    /// optimum x = 1, y = 0 has three active rows in two dimensions.
    fn degenerate() -> Model {
        let mut b = ModelBuilder::new("degenerate");
        let x = b.add_col("x", -1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", 0.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("r1", None, Some(1.0), &[(x, 1.0), (y, 1.0)]);
        b.add_row_with("r2", None, Some(1.0), &[(x, 1.0), (y, -1.0)]);
        b.add_row_with("r3", None, Some(1.0), &[(x, 1.0)]);
        b.build().expect("degenerate builds")
    }

    /// min 2a + b  s.t.  a + b = 3, a - b >= -1;  a in [-5, 5], b free.
    /// b = 3 - a makes the objective a + 3 and the row a >= 1: a = 1, b = 2,
    /// objective 4; duals 1.5 (equality) and 0.5 (active >= row).
    fn equality_free() -> Model {
        let mut b = ModelBuilder::new("eq");
        let a = b.add_col("a", 2.0, Some(-5.0), Some(5.0), VarType::Continuous);
        let f = b.add_col("b", 1.0, None, None, VarType::Continuous);
        b.add_row_with("e", Some(3.0), Some(3.0), &[(a, 1.0), (f, 1.0)]);
        b.add_row_with("g", Some(-1.0), None, &[(a, 1.0), (f, -1.0)]);
        b.build().expect("eq builds")
    }

    #[test]
    fn hand_solved_optima_pass() {
        let m = lp1();
        let s = sol(Status::Optimal, &[1.6, 1.2], &[-0.4, -0.2], &m);
        ok(&m, &s);
        assert!((s.objective.unwrap_or(0.0) + 2.8).abs() < 1e-12);

        let m = lp2();
        let s = sol(Status::Optimal, &[3.0, 1.0, 2.0, 0.0], &[2.0, 0.0], &m);
        assert!((s.objective.unwrap_or(0.0) - 18.0).abs() < 1e-12);
        let want = [1.0, 0.0, 1.0, -1.0];
        assert!(
            s.reduced_cost
                .iter()
                .zip(want)
                .all(|(a, b)| (a - b).abs() < 1e-12)
        );
        ok(&m, &s);

        // Both dual solutions of the degenerate vertex certify it.
        let m = degenerate();
        ok(
            &m,
            &sol(Status::Optimal, &[1.0, 0.0], &[0.0, 0.0, -1.0], &m),
        );
        ok(
            &m,
            &sol(Status::Optimal, &[1.0, 0.0], &[-1.0, 0.0, 0.0], &m),
        );
        ok(
            &m,
            &sol(Status::Optimal, &[1.0, 0.0], &[-0.5, 0.0, -0.5], &m),
        );

        let m = equality_free();
        ok(&m, &sol(Status::Optimal, &[1.0, 2.0], &[1.5, 0.5], &m));
    }

    #[test]
    fn mutated_optima_fail_the_right_check() {
        let m = lp1();
        let good = sol(Status::Optimal, &[1.6, 1.2], &[-0.4, -0.2], &m);
        // A dual with the wrong sign on a <= row.
        let mut s = good.clone();
        s.row_dual[0] = 0.4;
        fails(&m, &s, CheckKind::RowDualSigns);
        fails(&m, &s, CheckKind::ReducedCosts);
        // A perturbed x: row r2 is violated and the objective no longer matches.
        let mut s = good.clone();
        s.x[0] = 1.7;
        fails(&m, &s, CheckKind::RowBounds);
        fails(&m, &s, CheckKind::RowActivity);
        fails(&m, &s, CheckKind::Objective);
        // A wrong objective alone.
        let mut s = good.clone();
        s.objective = Some(-2.7);
        let r = fails(&m, &s, CheckKind::Objective);
        assert_eq!(r.failures().count(), 1, "{r}");
        // A wrong reduced cost alone.
        let mut s = good.clone();
        s.reduced_cost[1] = 0.5;
        let r = fails(&m, &s, CheckKind::ReducedCosts);
        assert_eq!(r.failures().count(), 1, "{r}");
        // A feasible but non-optimal point with the optimal duals: duals on
        // rows that are not active.
        let s = sol(Status::Optimal, &[1.0, 1.0], &[-0.4, -0.2], &m);
        fails(&m, &s, CheckKind::RowComplementarity);
        fails(&m, &s, CheckKind::DualObjective);
        // A column that should be at a bound but is not.
        let m = degenerate();
        let s = sol(Status::Optimal, &[0.5, 0.5], &[-1.0, 0.0, 0.0], &m);
        fails(&m, &s, CheckKind::ColumnComplementarity);

        // The maximisation: the duals of a minimisation (signs flipped) fail.
        let m = lp2();
        let s = sol(Status::Optimal, &[3.0, 1.0, 2.0, 0.0], &[-2.0, 0.0], &m);
        fails(&m, &s, CheckKind::ColumnDualSigns);
        // Claiming the max optimum for the min version of the model fails.
        let s = sol(Status::Optimal, &[3.0, 1.0, 2.0, 0.0], &[2.0, 0.0], &m);
        let r = check(&min_version(&m), &s, &CheckTolerances::default());
        assert!(!r.is_ok(), "{r}");
        assert!(r.failed(CheckKind::RowDualSigns) || r.failed(CheckKind::ColumnDualSigns));
    }

    fn min_version(m: &Model) -> Model {
        let mut b = ModelBuilder::new("min");
        b.set_objective_constant(m.objective_constant());
        for j in 0..m.num_cols() {
            let (l, u) = (m.col_lower()[j], m.col_upper()[j]);
            b.add_col(
                m.col_names()[j].to_owned(),
                m.costs()[j],
                l.is_finite().then_some(l),
                u.is_finite().then_some(u),
                m.var_types()[j],
            );
        }
        for i in 0..m.num_rows() {
            let (l, u) = (m.row_lower()[i], m.row_upper()[i]);
            b.add_row(
                m.row_names()[i].to_owned(),
                l.is_finite().then_some(l),
                u.is_finite().then_some(u),
            );
        }
        for j in 0..m.num_cols() {
            let (idx, val) = m.matrix().col(j);
            for (&i, &v) in idx.iter().zip(val) {
                b.set_coef(RowId(i), crate::model::ColId(j as u32), v);
            }
        }
        b.build().expect("min version builds")
    }

    /// x + y <= 1 and x + y >= 3 with x, y >= 0.
    fn infeasible() -> Model {
        let mut b = ModelBuilder::new("inf");
        let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", 1.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("le", None, Some(1.0), &[(x, 1.0), (y, 1.0)]);
        b.add_row_with("ge", Some(3.0), None, &[(x, 1.0), (y, 1.0)]);
        b.build().expect("inf builds")
    }

    fn farkas_sol(y: &[f64]) -> Solution {
        Solution {
            status: Status::Infeasible,
            objective: None,
            x: Vec::new(),
            row_activity: Vec::new(),
            row_dual: Vec::new(),
            reduced_cost: Vec::new(),
            basis: None,
            certificate: Some(Certificate::Farkas(y.to_vec())),
            iterations: 0,
            solve_time: Duration::ZERO,
            mip: None,
        }
    }

    #[test]
    fn farkas_certificates() {
        let m = infeasible();
        // -1 * (x + y <= 1) + 1 * (x + y >= 3): 0 >= 2.
        ok(&m, &farkas_sol(&[-1.0, 1.0]));
        ok(&m, &farkas_sol(&[-1e6, 1e6]));
        // Leaning on an infinite bound (x, y have no upper bound).
        fails(&m, &farkas_sol(&[1.0, 1.0]), CheckKind::FarkasBounds);
        // Valid directions but no margin: -(x+y) >= -1 and (x+y)/3 >= 1 sum to 0 >= 0.
        fails(&m, &farkas_sol(&[-1.0, 1.0 / 3.0]), CheckKind::FarkasMargin);
        fails(&m, &farkas_sol(&[0.0, 0.0]), CheckKind::FarkasMargin);
        fails(&m, &farkas_sol(&[1.0]), CheckKind::Dimensions);
        let mut s = farkas_sol(&[-1.0, 1.0]);
        s.certificate = None;
        fails(&m, &s, CheckKind::Status);

        // With column bounds: x in [0, 1], 2x >= 5: z = 2 uses the upper bound 1.
        let mut b = ModelBuilder::new("boxed");
        let x = b.add_col("x", 0.0, Some(0.0), Some(1.0), VarType::Continuous);
        b.add_row_with("r", Some(5.0), None, &[(x, 2.0)]);
        let m = b.build().expect("builds");
        ok(&m, &farkas_sol(&[1.0]));
        fails(&m, &farkas_sol(&[-1.0]), CheckKind::FarkasBounds);
    }

    fn ray_sol(m: &Model, x: &[f64], r: &[f64]) -> Solution {
        let mut s = sol(Status::Unbounded, x, &[], m);
        s.certificate = Some(Certificate::Ray(r.to_vec()));
        s
    }

    #[test]
    fn ray_certificates() {
        // min -x  s.t.  x - y <= 1, x, y >= 0: unbounded along (1, 1).
        let mut b = ModelBuilder::new("unb");
        let x = b.add_col("x", -1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", 0.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("r", None, Some(1.0), &[(x, 1.0), (y, -1.0)]);
        let m = b.build().expect("builds");
        ok(&m, &ray_sol(&m, &[0.0, 0.0], &[1.0, 1.0]));
        ok(&m, &ray_sol(&m, &[1.0, 0.0], &[3.0, 5.0]));
        fails(
            &m,
            &ray_sol(&m, &[0.0, 0.0], &[1.0, 0.0]),
            CheckKind::RayRows,
        );
        fails(
            &m,
            &ray_sol(&m, &[0.0, 0.0], &[-1.0, -1.0]),
            CheckKind::RayBounds,
        );
        fails(
            &m,
            &ray_sol(&m, &[0.0, 0.0], &[0.0, 1.0]),
            CheckKind::RayImproves,
        );
        fails(
            &m,
            &ray_sol(&m, &[0.0, 0.0], &[0.0, 0.0]),
            CheckKind::RayImproves,
        );
        // The starting point must be feasible.
        fails(
            &m,
            &ray_sol(&m, &[2.0, 0.0], &[1.0, 1.0]),
            CheckKind::RowBounds,
        );
        // As a maximisation of x the same ray proves unboundedness.
        let mut b = ModelBuilder::new("unbmax");
        b.set_sense(Sense::Maximize);
        let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", 0.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("r", None, Some(1.0), &[(x, 1.0), (y, -1.0)]);
        let m = b.build().expect("builds");
        ok(&m, &ray_sol(&m, &[0.0, 0.0], &[1.0, 1.0]));
        fails(
            &m,
            &ray_sol(&m, &[0.0, 0.0], &[0.0, 1.0]),
            CheckKind::RayImproves,
        );
    }

    /// max 5a + 4b  s.t.  6a + 4b <= 24, a + 2b <= 6, a, b integer >= 0.
    /// By enumeration the optimum is a = 4, b = 0, objective 20 (the LP
    /// relaxation gives 21 at (3, 1.5)).
    fn knapsack() -> Model {
        let mut b = ModelBuilder::new("mip");
        b.set_sense(Sense::Maximize);
        let a = b.add_col("a", 5.0, Some(0.0), None, VarType::Integer);
        let c = b.add_col("b", 4.0, Some(0.0), None, VarType::Integer);
        b.add_row_with("r1", None, Some(24.0), &[(a, 6.0), (c, 4.0)]);
        b.add_row_with("r2", None, Some(6.0), &[(a, 1.0), (c, 2.0)]);
        b.build().expect("mip builds")
    }

    #[test]
    fn mip_solutions() {
        let m = knapsack();
        let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
        for a in 0..=6 {
            for c in 0..=6 {
                let (a, c) = (f64::from(a), f64::from(c));
                if 6.0 * a + 4.0 * c <= 24.0 && a + 2.0 * c <= 6.0 && 5.0 * a + 4.0 * c > best.0 {
                    best = (5.0 * a + 4.0 * c, a, c);
                }
            }
        }
        assert!((best.0 - 20.0).abs() < 1e-12);
        let mut s = sol(Status::Optimal, &[best.1, best.2], &[], &m);
        s.mip = Some(MipInfo {
            bound: 20.0,
            gap: Some(0.0),
            nodes: 3,
        });
        ok(&m, &s);
        // A feasible incumbent with an honest bound and gap.
        let mut f = sol(Status::Feasible, &[2.0, 2.0], &[], &m);
        f.mip = Some(MipInfo {
            bound: 21.0,
            gap: Some(3.0 / 18.0),
            nodes: 1,
        });
        ok(&m, &f);
        // Mutations.
        let mut t = s.clone();
        t.x = vec![3.0, 1.5];
        t.objective = Some(21.0);
        t.row_activity = m.row_activity(&t.x);
        fails(&m, &t, CheckKind::Integrality);
        let mut t = s.clone();
        t.mip = Some(MipInfo {
            bound: 19.0,
            gap: Some(1.0 / 20.0),
            nodes: 3,
        });
        fails(&m, &t, CheckKind::MipBound);
        let mut t = s.clone();
        t.mip = Some(MipInfo {
            bound: 21.0,
            gap: Some(0.0),
            nodes: 3,
        });
        fails(&m, &t, CheckKind::MipGap);
        let mut t = s.clone();
        t.mip = Some(MipInfo {
            bound: 21.0,
            gap: Some(0.05),
            nodes: 3,
        });
        fails(&m, &t, CheckKind::MipGap); // honest gap, but "optimal" with it open
        let mut t = s.clone();
        t.x = vec![5.0, 0.0];
        t.row_activity = m.row_activity(&t.x);
        t.objective = Some(25.0);
        fails(&m, &t, CheckKind::RowBounds);
        let mut t = s.clone();
        t.mip = None;
        fails(&m, &t, CheckKind::Status);
    }

    #[test]
    fn statuses_without_a_claim_fail_with_a_reason() {
        let m = lp1();
        for st in [Status::TimeLimit, Status::IterationLimit, Status::Feasible] {
            let s = sol(st, &[1.6, 1.2], &[-0.4, -0.2], &m);
            let r = fails(&m, &s, CheckKind::Status);
            assert!(r.to_string().contains("FAIL"), "{r}");
        }
        let mut s = sol(Status::Optimal, &[1.6], &[-0.4, -0.2], &m);
        s.row_activity = vec![0.0, 0.0];
        fails(&m, &s, CheckKind::Dimensions);
        let mut s = sol(Status::Optimal, &[1.6, 1.2], &[-0.4, -0.2], &m);
        s.row_dual.pop();
        fails(&m, &s, CheckKind::Dimensions);
        s = sol(Status::Optimal, &[1.6, f64::NAN], &[-0.4, -0.2], &m);
        fails(&m, &s, CheckKind::Dimensions);
    }

    #[test]
    fn tolerances_are_relative_to_the_magnitudes() {
        // lp1 scaled by 1e6 in the right-hand sides: x and y scale too, and a
        // violation of 1e-3 on a bound of 4e6 is 2.5e-10 relative: it passes.
        let mut b = ModelBuilder::new("big");
        let x = b.add_col("x", -1.0, Some(0.0), None, VarType::Continuous);
        let y = b.add_col("y", -1.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("r1", None, Some(4e6), &[(x, 1.0), (y, 2.0)]);
        b.add_row_with("r2", None, Some(6e6), &[(x, 3.0), (y, 1.0)]);
        let m = b.build().expect("builds");
        let s = sol(Status::Optimal, &[1.6e6, 1.2e6 + 5e-4], &[-0.4, -0.2], &m);
        ok(&m, &s);
        // ... but 1e2 off is not.
        let s = sol(Status::Optimal, &[1.6e6, 1.2e6 + 100.0], &[-0.4, -0.2], &m);
        fails(&m, &s, CheckKind::RowBounds);
        // The display names the failing check and where.
        let r = check(&m, &s, &CheckTolerances::default());
        let text = r.to_string();
        assert!(
            text.contains("FAIL primal feasibility: row bounds"),
            "{text}"
        );
        assert!(text.contains("row 'r1' (0)"), "{text}");
    }
}
