//! What binds (shadow prices in business units) and why a goal is
//! impossible (an irreducible conflicting set and the least relaxation).

use super::compile::{ColKind, Compiled, RowKind};
use super::{Binding, PriceUnit};
use crate::error::Result;
use crate::model::{ColId, Model, ModelBuilder, RowId, VarType};
use crate::perf::PerfModel;
use crate::scenario::ValidatedScenario;
use crate::solver::{self, LpSolver, Solution, SolveOptions, Status};
use serde::{Deserialize, Serialize};
use std::fmt;

fn opt(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn days(h: crate::units::Hours) -> f64 {
    h.get() / 24.0
}

/// Column `j`'s bounds in the pricing model at the plan `x`: use and
/// serving columns fixed at the plan, purchases up to their limit, the
/// others free above zero.
pub(super) fn pricing_bounds(c: &Compiled, x: &[f64], j: usize) -> (Option<f64>, Option<f64>) {
    match c.cols[j].kind {
        ColKind::Use { .. } | ColKind::Served { .. } => (Some(x[j]), Some(x[j])),
        ColKind::Buy { .. } => (Some(0.0), opt(c.model.col_upper()[j])),
        _ => (Some(0.0), None),
    }
}

/// The least-cost LP at the plan's discrete choices: `use` binaries and
/// `served` fractions fixed at `x`, device counts continuous, per-column
/// capacity bounds dropped (the capacity rows carry them).
pub(super) fn pricing_model(c: &Compiled, x: &[f64]) -> Result<Model> {
    let m = &c.model;
    let mut b = ModelBuilder::new(m.name().to_owned());
    let mut ids = Vec::with_capacity(m.num_cols());
    for j in 0..c.cols.len() {
        let (lo, up) = pricing_bounds(c, x, j);
        ids.push(b.add_col(
            m.col_names()[j].to_owned(),
            m.costs()[j],
            lo,
            up,
            VarType::Continuous,
        ));
    }
    for i in 0..m.num_rows() {
        b.add_row(
            m.row_names()[i].to_owned(),
            opt(m.row_lower()[i]),
            opt(m.row_upper()[i]),
        );
    }
    for (j, &id) in ids.iter().enumerate() {
        let (ri, rv) = m.matrix().col(j);
        for (&i, &v) in ri.iter().zip(rv) {
            b.set_coef(RowId(i), id, v);
        }
    }
    b.build()
}

/// Binding constraints at the plan `x` with their shadow prices, largest
/// value first.
pub(super) fn binding(
    vs: &ValidatedScenario,
    c: &Compiled,
    x: &[f64],
    sopts: &SolveOptions,
) -> Result<Vec<Binding>> {
    // Within the run's budget: when it has run out, no prices (and no
    // second model, whose copy would add to the run's peak memory).
    if super::expired(sopts.deadline) {
        return Ok(Vec::new());
    }
    let m = pricing_model(c, x)?;
    let s = solver::solve(&m, sopts)?;
    Ok(prices(vs, c, &m, &s, x))
}

/// Whether an optimal solution `s` of a fractional least-cost model
/// `c.model` is optimal for its pricing model too ([`pricing_model`]
/// drops the device-count columns' own upper bounds): true when no such
/// column sits at its upper bound with a reduced cost that asks for more.
/// Its duals are then prices at the plan, and no second LP is needed.
pub(super) fn prices_hold(c: &Compiled, s: &Solution) -> bool {
    let m = &c.model;
    if m.is_mip() || s.status != Status::Optimal || s.reduced_cost.len() != m.num_cols() {
        return false;
    }
    let tiny = 1e-9 * s.objective.unwrap_or(0.0).abs().max(1.0);
    c.cols.iter().enumerate().all(|(j, col)| {
        let up = m.col_upper()[j];
        !matches!(col.kind, ColKind::Train { .. } | ColKind::Serve { .. })
            || !up.is_finite()
            || s.x[j] < up - 1e-9 * up.abs().max(1.0)
            || s.reduced_cost[j] >= -tiny
    })
}

/// Binding constraints and their shadow prices from an optimal solution
/// `s` of the pricing model `m` (or of a model with the same rows and
/// purchase bounds, when [`prices_hold`]) at the plan `x`, largest value
/// first; none when `s` is not optimal.
pub(super) fn prices(
    vs: &ValidatedScenario,
    c: &Compiled,
    m: &Model,
    s: &Solution,
    x: &[f64],
) -> Vec<Binding> {
    if s.status != Status::Optimal || s.row_dual.len() != m.num_rows() {
        return Vec::new();
    }
    let y = &s.row_dual;
    let obj = s.objective.unwrap_or(0.0).abs().max(1.0);
    let tiny = 1e-9 * obj;
    let mut out: Vec<(f64, Binding)> = Vec::new();
    for (i, row) in c.rows.iter().enumerate() {
        let yi = y[i];
        if yi.abs() <= tiny {
            continue;
        }
        let rhs = if m.row_lower()[i].is_finite() {
            m.row_lower()[i]
        } else {
            m.row_upper()[i]
        };
        let name = m.row_names()[i].to_owned();
        let (price, unit, impact) = match row.kind {
            RowKind::Capacity { pool, interval } => {
                let (a, e) = c.intervals[interval];
                (
                    -yi,
                    PriceUnit::pool_device(vs.pool(pool).name(), days(a), days(e)),
                    (yi * rhs).abs(),
                )
            }
            RowKind::Work { phase } => (
                yi / 100.0,
                PriceUnit::WorkPercent {
                    phase: vs.phase(phase).name().to_owned(),
                },
                yi.abs(),
            ),
            RowKind::Serve { phase, .. } => (
                yi / 100.0,
                PriceUnit::DemandPercent {
                    phase: vs.phase(phase).name().to_owned(),
                },
                yi.abs(),
            ),
            RowKind::CapexBudget | RowKind::OpexBudget | RowKind::TotalBudget => {
                (-yi, PriceUnit::BudgetUsd, (yi * rhs).abs())
            }
            RowKind::Quota { .. } => (-yi, PriceUnit::LicensedDevice, (yi * rhs).abs()),
            RowKind::DomesticShare { kind, min, window } => {
                let total_dh: f64 = c
                    .cols
                    .iter()
                    .zip(x)
                    .filter(|(col, _)| match col.kind {
                        ColKind::Train { phase, .. } | ColKind::Serve { phase, .. } => {
                            vs.phase(phase).kind() == kind
                        }
                        _ => false,
                    })
                    .map(|(col, v)| col.device_hours_in(window) * v)
                    .sum();
                let per_point = yi * total_dh * 0.01;
                (
                    per_point,
                    PriceUnit::DomesticSharePoint { kind },
                    (per_point * min.get() * 100.0).abs(),
                )
            }
            RowKind::PhaseMax { .. } => (-yi, PriceUnit::Device, (yi * rhs).abs()),
            RowKind::PhaseMin { .. } => (yi, PriceUnit::Device, (yi * rhs).abs()),
            _ => continue,
        };
        out.push((
            impact,
            Binding {
                constraint: name,
                meaning: row.meaning.clone(),
                shadow_price: price,
                unit,
            },
        ));
    }
    // purchase limits that bind: reduced cost of buy[k] at its upper bound
    for (j, col) in c.cols.iter().enumerate() {
        if let ColKind::Buy { pool } = col.kind {
            let up = m.col_upper()[j];
            let d = s.reduced_cost.get(j).copied().unwrap_or(0.0);
            if up.is_finite() && (s.x[j] - up).abs() <= 1e-7 * up.max(1.0) && d < -tiny {
                out.push((
                    (d * up).abs(),
                    Binding {
                        constraint: format!("limit[buy {}]", vs.pool(pool).name()),
                        meaning: format!(
                            "at most {:.0} {} devices can be bought for '{}'",
                            up * col.unit,
                            vs.pool(pool).accelerator().name,
                            vs.pool(pool).name()
                        ),
                        shadow_price: -d / col.unit,
                        unit: PriceUnit::PurchasableDevice,
                    },
                ));
            }
        }
    }
    out.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.constraint.cmp(&b.1.constraint))
    });
    out.into_iter().map(|(_, b)| b).collect()
}

/// One constraint of a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Relaxation {
    /// The row's name.
    pub constraint: String,
    /// What it means.
    pub meaning: String,
    /// How much it must give for a plan to exist (in the least relaxation),
    /// in `unit`; zero when the row is in the conflict but another row's
    /// relaxation suffices, or when the time limit stopped the analysis
    /// before this was computed (see [`Infeasibility::complete`]).
    pub amount: f64,
    /// The unit of `amount`.
    pub unit: String,
    /// A sentence: the need and what can be delivered.
    pub message: String,
}

/// Why no plan exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Infeasibility {
    /// A set of conflicting business constraints (together with the pools'
    /// capacities they cannot be met), each with its share of the least
    /// relaxation. Irreducible (drop any one and a plan exists) when
    /// [`Infeasibility::complete`].
    pub conflict: Vec<Relaxation>,
    /// Pools that cannot run a phase in the conflict, and why.
    pub unfit: Vec<String>,
    /// Whether the conflict needs whole devices (the fractional plan
    /// exists; `false` also when that was not established in time).
    pub integrality: bool,
    /// `false` when the run's time limit cut the analysis short: the rows
    /// listed still conflict, but the set may not be irreducible, and the
    /// amounts may not be the least relaxation (zero when not computed).
    pub complete: bool,
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.integrality {
            writeln!(f, "no plan in whole devices (a fractional plan exists)")?;
        }
        if self.complete {
            writeln!(
                f,
                "no plan meets all of these together (drop any one and one exists):"
            )?;
        } else {
            writeln!(
                f,
                "no plan meets all of these together (partial: the time limit cut the analysis short, so the set may not be minimal and the amounts may not be the least):"
            )?;
        }
        for r in &self.conflict {
            writeln!(f, "  - {}: {}", r.constraint, r.message)?;
        }
        for u in &self.unfit {
            writeln!(f, "    {u}")?;
        }
        Ok(())
    }
}

fn relaxable(k: &RowKind) -> bool {
    matches!(
        k,
        RowKind::Work { .. }
            | RowKind::Serve { .. }
            | RowKind::CapexBudget
            | RowKind::OpexBudget
            | RowKind::TotalBudget
            | RowKind::Quota { .. }
            | RowKind::DomesticShare { .. }
            | RowKind::PhaseMin { .. }
            | RowKind::PhaseMax { .. }
    )
}

/// What a solve established about feasibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Feasible,
    Infeasible,
    /// A limit stopped the solve first.
    Unknown,
}

fn verdict(s: &solver::Solution) -> Verdict {
    match s.status {
        Status::Optimal | Status::Feasible | Status::Unbounded => Verdict::Feasible,
        Status::Infeasible => Verdict::Infeasible,
        _ => Verdict::Unknown,
    }
}

/// Explains an infeasible compiled model, within the run's deadline
/// (`sopts.deadline`): a deletion filter cut short keeps every row it has
/// not tested (the set still conflicts) and says it is partial.
pub(super) fn infeasibility(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    c: &Compiled,
    sopts: &SolveOptions,
) -> Result<Infeasibility> {
    let m = &c.model;
    let lp = m.relaxation();
    let lp_verdict = verdict(&solver::solve(&lp, sopts)?);
    let mut complete = lp_verdict != Verdict::Unknown;
    let lp_feasible = lp_verdict == Verdict::Feasible;
    // Work on the LP when it is infeasible; on the MILP otherwise.
    let base = if lp_feasible { m.clone() } else { lp };
    let cand: Vec<usize> = (0..c.rows.len())
        .filter(|&i| relaxable(&c.rows[i].kind))
        .collect();

    let keep = deletion_filter(c, &base, &cand, sopts, &mut complete)?;
    let conflict_rows: Vec<usize> = cand.iter().copied().filter(|&i| keep[i]).collect();

    let (em, slack) = elastic(c, &base, &cand, &keep, &conflict_rows)?;
    let es = solver::solve(&em, sopts)?;
    // Amounts are the least relaxation only when the elastic model was
    // solved to optimality; an incumbent's amounts suffice but may not be
    // the least; without a point they are unknown (zero).
    complete &= es.status == Status::Optimal;
    let known = matches!(es.status, Status::Optimal | Status::Feasible);
    let amounts: Vec<f64> = slack
        .iter()
        .map(|&(_, s, _)| {
            if known {
                es.x.get(s.index()).copied().unwrap_or(0.0)
            } else {
                0.0
            }
        })
        .collect();

    let mut conflict = Vec::new();
    let mut unfit = Vec::new();
    for (n, &(i, _, _)) in slack.iter().enumerate() {
        let row = &c.rows[i];
        let a = amounts[n].max(0.0);
        let (unit, message) = match row.kind {
            RowKind::Work { phase } => {
                let w = perf.work(phase).map_or(0.0, |w| w.get());
                for (k, why) in &c.unfit[phase.index()] {
                    unfit.push(format!(
                        "'{}' cannot use '{}': {why}",
                        vs.phase(phase).name(),
                        vs.pool(*k).name()
                    ));
                }
                (
                    "fraction of the work".to_owned(),
                    format!(
                        "{}; at most {:.3e} FLOP ({:.1}%) can be delivered",
                        row.meaning,
                        (1.0 - a).max(0.0) * w,
                        (1.0 - a).max(0.0) * 100.0
                    ),
                )
            }
            RowKind::Serve { phase, .. } => {
                for (k, why) in &c.unfit[phase.index()] {
                    let s = format!(
                        "'{}' cannot use '{}': {why}",
                        vs.phase(phase).name(),
                        vs.pool(*k).name()
                    );
                    if !unfit.contains(&s) {
                        unfit.push(s);
                    }
                }
                (
                    "fraction of the daily demand".to_owned(),
                    format!(
                        "{}; at most {:.1}% can be served",
                        row.meaning,
                        (1.0 - a).max(0.0) * 100.0
                    ),
                )
            }
            RowKind::CapexBudget | RowKind::OpexBudget | RowKind::TotalBudget => (
                "USD".to_owned(),
                format!("{}; it would need ${:.4e} more", row.meaning, a),
            ),
            RowKind::Quota { .. } => (
                "devices".to_owned(),
                format!("{}; {:.0} more would be needed", row.meaning, a),
            ),
            RowKind::DomesticShare { kind, min, window } => {
                let (mut dom, mut all) = (0.0, 0.0);
                for (j, col) in c.cols.iter().enumerate() {
                    if let ColKind::Train { phase, .. } | ColKind::Serve { phase, .. } = col.kind
                        && vs.phase(phase).kind() == kind
                    {
                        let dh = col.device_hours_in(window) * es.x.get(j).copied().unwrap_or(0.0);
                        all += dh;
                        if col.domestic {
                            dom += dh;
                        }
                    }
                }
                let share = if all > 0.0 { dom / all } else { 0.0 };
                (
                    "device-hours".to_owned(),
                    format!(
                        "{}; the best plan reaches {:.1}% (minimum {:.1}%)",
                        row.meaning,
                        share * 100.0,
                        min.get() * 100.0
                    ),
                )
            }
            _ => (
                "units".to_owned(),
                format!("{}; short by {a:.4}", row.meaning),
            ),
        };
        let message = if known {
            message
        } else {
            format!(
                "{}; how much it must give was not computed within the time limit",
                row.meaning
            )
        };
        conflict.push(Relaxation {
            constraint: m.row_names()[i].to_owned(),
            meaning: row.meaning.clone(),
            amount: a,
            unit,
            message,
        });
    }
    Ok(Infeasibility {
        conflict,
        unfit,
        integrality: lp_feasible,
        complete,
    })
}

/// Deletion filter over the relaxable rows (physical rows always kept):
/// a row whose removal leaves the rest infeasible is dropped for good.
/// A row not tested in time, or whose test hit the limit, is kept: the
/// kept set stays a conflict. Clears `complete` when the deadline or a solve's limit cut it short.
fn deletion_filter(
    c: &Compiled,
    base: &Model,
    cand: &[usize],
    sopts: &SolveOptions,
    complete: &mut bool,
) -> Result<Vec<bool>> {
    let m = &c.model;
    let mut keep: Vec<bool> = vec![true; c.rows.len()];
    let row_id = |i: usize| RowId(u32::try_from(i).unwrap_or(u32::MAX));
    if *complete {
        if base.is_mip() {
            for &i in cand {
                if super::expired(sopts.deadline) {
                    *complete = false;
                    break;
                }
                let mut mm = base.clone();
                for &k in cand {
                    if !keep[k] || k == i {
                        mm.set_row_bounds(row_id(k), None, None)?;
                    }
                }
                match verdict(&solver::solve(&mm, sopts)?) {
                    Verdict::Infeasible => keep[i] = false,
                    Verdict::Feasible => {}
                    Verdict::Unknown => {
                        *complete = false;
                        break;
                    }
                }
            }
        } else {
            let mut s = LpSolver::new(base.clone(), sopts.clone())?;
            for &i in cand {
                if super::expired(sopts.deadline) {
                    *complete = false;
                    break;
                }
                s.set_row_bounds(row_id(i), None, None)?;
                match verdict(&s.solve()?) {
                    Verdict::Infeasible => keep[i] = false,
                    v => {
                        s.set_row_bounds(row_id(i), opt(m.row_lower()[i]), opt(m.row_upper()[i]))?;
                        if v == Verdict::Unknown {
                            *complete = false;
                            break;
                        }
                    }
                }
            }
        }
    }
    Ok(keep)
}

/// An elastic slack: the row it relaxes, its column, the row's scale.
type Slack = (usize, ColId, f64);

/// The model whose optimum is the least relaxation of the conflict rows:
/// elastic slacks, weighted by each row's scale; and the slacks.
fn elastic(
    c: &Compiled,
    base: &Model,
    cand: &[usize],
    keep: &[bool],
    conflict_rows: &[usize],
) -> Result<(Model, Vec<Slack>)> {
    let m = &c.model;
    let mut b = ModelBuilder::new(format!("{}-elastic", m.name()));
    let mut ids = Vec::new();
    for j in 0..m.num_cols() {
        ids.push(b.add_col(
            m.col_names()[j].to_owned(),
            0.0,
            opt(base.col_lower()[j]),
            opt(base.col_upper()[j]),
            base.var_types()[j],
        ));
    }
    for (i, &kept) in keep.iter().enumerate() {
        let (lo, up) = if cand.contains(&i) && !kept {
            (None, None)
        } else {
            (opt(m.row_lower()[i]), opt(m.row_upper()[i]))
        };
        b.add_row(m.row_names()[i].to_owned(), lo, up);
    }
    for (j, &id) in ids.iter().enumerate() {
        let (ri, rv) = m.matrix().col(j);
        for (&i, &v) in ri.iter().zip(rv) {
            b.set_coef(RowId(i), id, v);
        }
    }
    let mut slack: Vec<Slack> = Vec::new();
    for &i in conflict_rows {
        let lo = m.row_lower()[i];
        let up = m.row_upper()[i];
        let scale = match c.rows[i].kind {
            RowKind::DomesticShare { .. } => row_scale(m, i),
            _ => if lo.is_finite() { lo.abs() } else { up.abs() }.max(1.0),
        };
        let dir = if lo.is_finite() { 1.0 } else { -1.0 };
        let s = b.add_col(
            format!("relax[{}]", &m.row_names()[i]),
            1.0 / scale,
            Some(0.0),
            None,
            VarType::Continuous,
        );
        b.set_coef(RowId(u32::try_from(i).unwrap_or(u32::MAX)), s, dir);
        slack.push((i, s, scale));
    }
    Ok((b.build()?, slack))
}

/// A scale for a row whose right-hand side is zero: the sum of its
/// coefficients' magnitudes (at least 1).
fn row_scale(m: &Model, i: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..m.num_cols() {
        let (ri, rv) = m.matrix().col(j);
        if let Ok(p) = ri.binary_search(&u32::try_from(i).unwrap_or(u32::MAX)) {
            s += rv[p].abs();
        }
    }
    s.max(1.0)
}
