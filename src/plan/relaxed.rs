//! Whole-device plans of large fleets: the relaxation first, then a
//! sub-MIP around it.
//!
//! Branch-and-bound starts from the LP relaxation of the whole model. At
//! 2,000 pools × 500 phases that model has 192,300 rows, 180,876 of them
//! `gang` and `memfit` rows that tie each of the 102,168 training columns
//! to its `use` binary; the engine's general simplex does not finish that
//! LP in the default budget, so the plan was the greedy start (three times
//! the fractional optimum's cost, with no bound).
//!
//! The `use` binaries cost nothing and appear only in the whole-device
//! rows, so the relaxation projects onto the other columns exactly. For a
//! training column `t` with binary `u`, big-M `M` and memory-fit minimum
//! `m` devices of `g` per unit, `gang` (`t ≤ M·u`) and `memfit`
//! (`g·t ≥ m·u`) admit a `u ∈ [0, 1]` if and only if `t ≤ M` (because
//! `M ≥ m/g`, `whole::big_m`), and the least such `u` is `t / M`. Every
//! other row that holds `u` bounds a sum of binaries from above
//! (`single_pool`, `one_site`, `one_vendor`), so it holds for some `u`
//! exactly when it holds for the least:
//!
//! ```text
//! projected relaxation:  the model's other rows, device counts continuous,
//!                        train[p,k] ≤ M_pk, and for each such row
//!                        Σ_k a_k · train[p,k] / M_pk ≤ b
//! ```
//!
//! That LP has the fractional model's shape (a few rows per pool and
//! phase, many columns), which the engine's sifting path solves quickly,
//! and its optimum is the whole model's root bound (before cuts). One cut
//! per single-pool phase is added ([`whole_work_cuts`]): the one run does
//! the whole work `work[p] ≥ 1` alone, so its column `c` runs at least
//! `⌈1/a_c⌉` units, and `Σ_c train_c/⌈1/a_c⌉ ≥ 1` holds in every
//! whole-device plan, where the relaxation may do the last unit's work
//! with a fraction of it (at 2,000 × 500: 17 cuts, $1.5k on the bound).
//! Its rows that count devices hold whole units: a pool with 9.5 devices
//! free runs 9 at once (`compile::whole`'s docs; at 2,000 × 500, $14k on
//! the bound).
//!
//! The plan comes from a sub-MIP (RENS, Berthold 2014): the whole model
//! restricted to the columns the relaxation uses, every purchase column and
//! the `use` binaries of the training columns kept; rows without a kept
//! column are dropped when zero fits them. The relaxation's point is a
//! point of the sub-MIP's relaxation, and the projected single-pool row
//! guarantees that one of the pools a single-pool phase is spread over
//! can do its whole work alone. The sub-MIP is solved by the engine
//! (branch-and-bound with the planner's rounding) within what is left of
//! the budget; its plan is a plan of the whole model (the dropped columns
//! at zero), and the gap is reported against the projected relaxation's
//! bound, which holds for the whole model.
//!
//! The sub-MIP is solved twice. The narrow one keeps, beside the supports,
//! the [`PER_ROW`] columns of least reduced cost of each covering row and
//! has [`NARROW_SHARE`] of the budget left; its row neighbourhoods settle
//! there. Unless its plan is within the gap, the wide one keeps
//! [`PER_ROW_WIDE`] (and every column of the narrow one) and goes on from
//! the narrow one's plan until the deadline: a phase whose good pools are
//! full can then move to the next ones, which the narrow sub-MIP does not
//! hold. At 2,000 × 500 (seed 1) the narrow plan was 31,876,362 at 39 s
//! and the wide one 31,754,695 at 58 s (gap 1.16e-2 to 7.9e-3; seed 2:
//! 3.46e-3). One wide sub-MIP from the start ended about the same (7.6e-3,
//! 3.55e-3: within what a change of the search's path moves) but only
//! after a root three times the size, so a shorter budget leaves it with
//! less; the narrow one settles a plan within its share.
//!
//! Both start from the better of two roundings on the whole model: of the
//! relaxation's point, and of the *lean* relaxation's ([`lean_start`]).
//! The relaxation spreads a single-pool phase over a few pools, and the
//! rounding must then find one pool with room for all of it where the
//! relaxation filled every pool it used; at 2,000 × 500 most of the plan's
//! excess over the bound was such runs and the phases they displaced. The
//! lean LP keeps each such phase on the pool the relaxation leans on most
//! among those with room left for its whole run beside the phases kept
//! there before it (phases leaning hardest first), and lets the rest make
//! room as an LP; at 2,000 × 500 its optimum is within $1.5k of the
//! relaxation's, and the plan went from a gap of 7.7e-3 to 1.9e-3 (seed
//! 2: 3.5e-3 to 1.3e-3). Without the check for room, two phases leaning on
//! one pool with room for one made the lean LP infeasible once whole-device
//! capacity rows were moved to whole units.
//!
//! Used only for models of at least [`RELAXED_FIRST_ROWS`] rows with
//! whole-device rows; smaller ones go to branch-and-bound directly. When
//! the relaxation does not end optimal within its share of the budget, or
//! the sub-MIP finds no plan, the model goes to branch-and-bound as before
//! (with the relaxation's rounding as its start when there is one).

use super::compile::{ColKind, Compiled, Gang, MAX_WORK_SHARE, RowKind};
use super::start;
use crate::error::Result;
use crate::model::{ColId, Model, ModelBuilder, RowId, Sense, VarType};
use crate::solver::{self, MipInfo, Solution, SolveOptions, Status};
use std::collections::BTreeMap;
use std::time::Instant;

/// Models with at least this many rows (and whole-device rows) are planned
/// relaxation first.
pub(crate) const RELAXED_FIRST_ROWS: usize = 50_000;

/// Share of the remaining budget the projected relaxation may take.
const RELAXATION_SHARE: f64 = 0.6;

/// Columns of least reduced cost kept per covering row beside the
/// relaxation's support: in the first sub-MIP, and in the wider second
/// one that starts from the first's plan.
const PER_ROW: usize = 16;
const PER_ROW_WIDE: usize = 64;

/// Share of the budget left after the relaxation that the first sub-MIP
/// may take; the wider second one has the rest.
const NARROW_SHARE: f64 = 0.4;

/// The wide sub-MIP is not started with less time than this left: its
/// model alone takes a good part of a second to build at 2,000 × 500, and
/// the budget is a wall-clock promise.
const MIN_WIDE_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// A value above this counts as used (the relaxation's support).
const SUPPORT_TOL: f64 = 1e-9;

/// Whether `c` is planned relaxation first.
pub(crate) fn applies(c: &Compiled) -> bool {
    c.model.is_mip()
        && c.model.sense() == Sense::Minimize
        && c.model.num_rows() >= RELAXED_FIRST_ROWS
        && !c.gangs.is_empty()
}

fn is_whole_row(k: RowKind) -> bool {
    matches!(
        k,
        RowKind::Gang { .. }
            | RowKind::MemoryFit { .. }
            | RowKind::SinglePool { .. }
            | RowKind::OneSite { .. }
            | RowKind::OneVendor { .. }
    )
}

/// The projected relaxation of `c.model` (module docs) and, per column of
/// it, the column of `c.model` it stands for.
pub(crate) struct Projection {
    pub(crate) model: Model,
    pub(crate) cols: Vec<usize>,
}

/// Per `use` column of `c`: its training column and big-M.
fn use_links(c: &Compiled) -> BTreeMap<usize, (usize, f64)> {
    let m = &c.model;
    c.gangs
        .iter()
        .filter_map(|g: &Gang| {
            let u = g.use_col.0 as usize;
            let (idx, val) = m.matrix().col(u);
            let big = idx
                .iter()
                .zip(val)
                .find(|(i, _)| **i == g.row.0)
                .map(|(_, v)| -*v)?;
            (big > 0.0 && big.is_finite()).then_some((u, (g.train.0 as usize, big)))
        })
        .collect()
}

/// Builds the projected relaxation of `c`.
///
/// # Errors
/// When the model builder refuses the model (it cannot: the rows and
/// coefficients are `c.model`'s, scaled by `1/M`).
pub(crate) fn project(c: &Compiled, links: &BTreeMap<usize, (usize, f64)>) -> Result<Projection> {
    project_with(c, links, true)
}

/// [`project`], strengthened (the single-pool phases' whole-work cuts,
/// [`whole_work_cuts`], and rows of devices on whole units) or not (the
/// LP relaxation exactly).
fn project_with(
    c: &Compiled,
    links: &BTreeMap<usize, (usize, f64)>,
    strengthen: bool,
) -> Result<Projection> {
    let m = &c.model;
    let mut b = ModelBuilder::new(m.name().to_owned());
    b.set_sense(m.sense());
    b.set_objective_constant(m.objective_constant());
    let mut new_col = vec![u32::MAX; m.num_cols()];
    let mut cols = Vec::with_capacity(m.num_cols());
    let mut cap = vec![f64::INFINITY; m.num_cols()];
    for (&u, &(t, big)) in links {
        // `use ≤ u_max` with `use = train/M`: `train ≤ M·u_max`
        cap[t] = cap[t].min(big * m.col_upper()[u]);
    }
    for j in 0..m.num_cols() {
        if matches!(c.cols[j].kind, ColKind::Use { .. }) {
            continue;
        }
        let up = m.col_upper()[j].min(cap[j]);
        let id = b.add_col(
            m.col_names()[j].to_owned(),
            m.costs()[j],
            finite(m.col_lower()[j]),
            finite(up),
            VarType::Continuous,
        );
        new_col[j] = id.0;
        cols.push(j);
    }
    let mut new_row = vec![u32::MAX; m.num_rows()];
    let steps = if strengthen {
        super::compile::device_steps(c)
    } else {
        vec![None; m.num_rows()]
    };
    for (i, row) in c.rows.iter().enumerate() {
        let kind = row.kind;
        let keep = !is_whole_row(kind)
            || matches!(
                kind,
                RowKind::SinglePool { .. } | RowKind::OneSite { .. } | RowKind::OneVendor { .. }
            );
        if keep {
            let (mut lo, mut up) = (m.row_lower()[i], m.row_upper()[i]);
            // rows of devices hold whole units (`compile::whole`'s docs)
            if let Some(g) = steps[i] {
                let (l, u) = super::compile::on_step(lo, up, g);
                if l <= u {
                    (lo, up) = (l, u);
                }
            }
            let r = b.add_row(m.row_names()[i].to_owned(), finite(lo), finite(up));
            new_row[i] = r.0;
        }
    }
    for j in 0..m.num_cols() {
        let (idx, val) = m.matrix().col(j);
        let (target, scale) = if new_col[j] != u32::MAX {
            (new_col[j], 1.0)
        } else if let Some(&(t, big)) = links.get(&j) {
            (new_col[t], 1.0 / big)
        } else {
            // a `use` column without a gang row: nothing ties it (cannot
            // happen: the compiler adds both together)
            continue;
        };
        for (&i, &v) in idx.iter().zip(val) {
            let r = new_row[i as usize];
            if r != u32::MAX {
                b.set_coef(RowId(r), ColId(target), v * scale);
            }
        }
    }
    let cuts = if strengthen {
        whole_work_cuts(c, links)
    } else {
        Vec::new()
    };
    for (p, cut) in cuts {
        let r = b.add_row(format!("whole_work[{p}]"), Some(1.0), None);
        for (j, a) in cut {
            b.set_coef(r, ColId(new_col[j]), a);
        }
    }
    Ok(Projection {
        model: b.build()?,
        cols,
    })
}

/// Cuts that a single-pool phase's whole work gives: one run does it all,
/// so at least `L_c = ⌈lo / a_c⌉` units of the one column `c` it runs on,
/// where `a_c` is `c`'s coefficient in `work[p] ≥ lo`. Every whole-device
/// plan has `Σ_c train_c / L_c ≥ 1`; the relaxation, which only needs
/// `Σ_c a_c · train_c ≥ lo`, may do the last unit's work with a fraction
/// of it. Per phase (by index): the cut's entries `(column, 1/L_c)`.
fn whole_work_cuts(
    c: &Compiled,
    links: &BTreeMap<usize, (usize, f64)>,
) -> Vec<(usize, Vec<(usize, f64)>)> {
    let m = &c.model;
    let mut work_row = BTreeMap::new();
    for (i, row) in c.rows.iter().enumerate() {
        if let RowKind::Work { phase } = row.kind {
            work_row.insert(phase.index(), i);
        }
    }
    // per phase: its whole-work runs, and whether every run is one
    let mut runs: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut mixed = std::collections::BTreeSet::new();
    for g in &c.gangs {
        let ColKind::Train { phase, .. } = c.cols[g.train.0 as usize].kind else {
            continue;
        };
        if !g.whole_work || !links.contains_key(&(g.use_col.0 as usize)) {
            mixed.insert(phase.index());
        }
        runs.entry(phase.index())
            .or_default()
            .push(g.train.0 as usize);
    }
    let mut row_nnz = vec![0usize; m.num_rows()];
    for j in 0..m.num_cols() {
        for &i in m.matrix().col(j).0 {
            row_nnz[i as usize] += 1;
        }
    }
    let mut out = Vec::new();
    for (p, cols) in runs {
        let Some(&w) = work_row.get(&p) else { continue };
        let lo = m.row_lower()[w];
        if mixed.contains(&p) || !(lo > 0.0 && lo.is_finite()) || m.row_upper()[w].is_finite() {
            continue;
        }
        let mut cut = Vec::with_capacity(cols.len());
        for &j in &cols {
            let (idx, val) = m.matrix().col(j);
            if let Some(a) = idx
                .iter()
                .zip(val)
                .find(|(i, _)| **i as usize == w)
                .map(|(_, v)| *v)
                && a > 0.0
            {
                cut.push((j, 1.0 / whole_units(lo / a)));
            }
        }
        // every column of the row is one of the runs: the one that is set
        // does all the work
        if cut.len() == row_nnz[w] && !cut.is_empty() {
            out.push((p, cut));
        }
    }
    out
}

/// The units a run needs to do `need` times a unit's work: the least whole
/// number at least `need` (at least 1), a little under it when `need` is
/// one in all but rounding, so that a cut built on it stays valid.
fn whole_units(need: f64) -> f64 {
    (need - 1e-6 * need.max(1.0)).ceil().max(1.0)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// `c` restricted to the columns `keep` (ascending), with the rows that
/// hold a kept column or that zero does not fit, and the kept columns'
/// indices in `c`.
pub(crate) fn restrict(c: &Compiled, keep: &[usize]) -> Result<Compiled> {
    let m = &c.model;
    let mut new_col = vec![u32::MAX; m.num_cols()];
    for (s, &j) in keep.iter().enumerate() {
        new_col[j] = u32::try_from(s).unwrap_or(u32::MAX);
    }
    let mut used = vec![false; m.num_rows()];
    for &j in keep {
        for &i in m.matrix().col(j).0 {
            used[i as usize] = true;
        }
    }
    let mut new_row = vec![u32::MAX; m.num_rows()];
    let mut b = ModelBuilder::new(m.name().to_owned());
    b.set_sense(m.sense());
    b.set_objective_constant(m.objective_constant());
    b.set_objective_name(m.objective_name().to_owned());
    let mut rows = Vec::new();
    for i in 0..m.num_rows() {
        let (lo, up) = (m.row_lower()[i], m.row_upper()[i]);
        if used[i] || lo > 0.0 || up < 0.0 {
            new_row[i] = b
                .add_row(m.row_names()[i].to_owned(), finite(lo), finite(up))
                .0;
            rows.push(c.rows[i].clone());
        }
    }
    let mut cols = Vec::with_capacity(keep.len());
    for &j in keep {
        let id = b.add_col(
            m.col_names()[j].to_owned(),
            m.costs()[j],
            finite(m.col_lower()[j]),
            finite(m.col_upper()[j]),
            m.var_types()[j],
        );
        cols.push(c.cols[j]);
        let (idx, val) = m.matrix().col(j);
        for (&i, &v) in idx.iter().zip(val) {
            b.set_coef(RowId(new_row[i as usize]), id, v);
        }
    }
    let gangs = c
        .gangs
        .iter()
        .filter(|g| {
            new_col[g.use_col.0 as usize] != u32::MAX && new_col[g.train.0 as usize] != u32::MAX
        })
        .map(|g| Gang {
            row: RowId(new_row[g.row.0 as usize]),
            train: ColId(new_col[g.train.0 as usize]),
            use_col: ColId(new_col[g.use_col.0 as usize]),
            ..*g
        })
        .collect();
    let kv_flows = c
        .kv_flows
        .iter()
        .filter(|(j, _)| new_col[**j] != u32::MAX)
        .map(|(j, f)| (new_col[*j] as usize, *f))
        .collect();
    let late = c
        .late
        .iter()
        .filter(|j| new_col[**j] != u32::MAX)
        .map(|j| new_col[*j] as usize)
        .collect();
    Ok(Compiled {
        model: b.build()?,
        rows,
        cols,
        intervals: c.intervals.clone(),
        pool_costs: c.pool_costs.clone(),
        unfit: c.unfit.clone(),
        ends: c.ends.clone(),
        gangs,
        kv_flows,
        late,
    })
}

/// Marks in `keep` (columns of `c`), for every covering row (`work`,
/// `serve`), the `per_row` columns of least reduced cost `d` (columns of
/// the projection) in it, and for a `work` row with `use` binaries the
/// `per_row` of least reduced cost among the columns that could do the
/// whole work alone (a single-pool phase must find one among them): where
/// the support alone cannot be rounded (a row's units at a pool's
/// capacity, a single-pool phase spread over pools none of which has room
/// for all of it), these are the next best.
fn cheapest_per_row(
    c: &Compiled,
    proj: &Projection,
    d: &[f64],
    links: &BTreeMap<usize, (usize, f64)>,
    keep: &mut [bool],
    per_row: usize,
) {
    if d.len() != proj.cols.len() {
        return;
    }
    let m = &c.model;
    let covering: Vec<bool> = c
        .rows
        .iter()
        .map(|r| matches!(r.kind, RowKind::Work { .. } | RowKind::Serve { .. }))
        .collect();
    let big: BTreeMap<usize, f64> = links.values().map(|&(t, b)| (t, b)).collect();
    // per row: the cheapest columns, and the cheapest that can do it alone
    let mut best: BTreeMap<(usize, bool), Vec<(f64, usize)>> = BTreeMap::new();
    let mut offer = |key: (usize, bool), e: (f64, usize)| {
        let list = best.entry(key).or_default();
        if list.len() < per_row {
            list.push(e);
        } else if let Some(w) = list
            .iter_mut()
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .filter(|w| e.0 < w.0)
        {
            *w = e;
        }
    };
    for (s, &j) in proj.cols.iter().enumerate() {
        let (idx, val) = m.matrix().col(j);
        for (&i, &a) in idx.iter().zip(val) {
            let i = i as usize;
            if !covering[i] {
                continue;
            }
            offer((i, false), (d[s], j));
            if let Some(&bm) = big.get(&j) {
                let units = bm.min(m.col_upper()[j]);
                if a * units >= m.row_lower()[i] {
                    offer((i, true), (d[s], j));
                }
            }
        }
    }
    for list in best.values() {
        for &(_, j) in list {
            keep[j] = true;
        }
    }
}

/// Plans `c` relaxation first (module docs): [`Attempt::Planned`] with a
/// plan of the whole model and the relaxation's bound, or
/// [`Attempt::Failed`] when the relaxation does not end optimal in its
/// share of the budget or the sub-MIP finds no plan (with the relaxation's
/// point in `c`'s columns, `use` at its least, when it was solved).
///
/// # Errors
/// When a solve fails (numerical trouble the engine cannot stand behind).
pub(crate) fn solve(c: &Compiled, sopts: &SolveOptions) -> Result<Attempt> {
    solve_with(c, sopts, (PER_ROW, PER_ROW_WIDE))
}

/// [`solve`] with the columns of least reduced cost kept per covering row
/// in the narrow and the wide sub-MIP.
fn solve_with(c: &Compiled, sopts: &SolveOptions, per_row: (usize, usize)) -> Result<Attempt> {
    let t0 = Instant::now();
    // one deadline for the relaxation and both sub-MIPs
    let sopts = &sopts.anchored(t0);
    let trace = std::env::var_os("FLEETPLAN_MIP_TRACE").is_some();
    let links = use_links(c);
    let proj = project(c, &links)?;
    let mut lp_opts = sopts.clone();
    if let Some(d) = sopts.deadline {
        let left = d.saturating_duration_since(t0);
        lp_opts.deadline = Some(t0 + left.mul_f64(RELAXATION_SHARE));
    }
    let rel = solver::solve(&proj.model, &lp_opts)?;
    if trace {
        trace_lp("projected relaxation", &proj.model, &rel, t0);
    }
    let (Status::Optimal, Some(z)) = (rel.status, rel.objective) else {
        return Ok(Attempt::Failed {
            point: None,
            bound: None,
            iterations: rel.iterations,
        });
    };
    let mut x = vec![0.0; c.model.num_cols()];
    for (s, &j) in proj.cols.iter().enumerate() {
        x[j] = rel.x[s];
    }
    for (&u, &(t, big)) in &links {
        x[u] = (x[t] / big).min(1.0);
    }
    // the neighbourhoods: the relaxation's support, every purchase, the
    // columns of least reduced cost (a few per covering row, then more),
    // the rounding's support, and the use binaries of the kept training
    // columns
    let mut narrow = vec![false; c.model.num_cols()];
    for (j, col) in c.cols.iter().enumerate() {
        narrow[j] = x[j] > SUPPORT_TOL || matches!(col.kind, ColKind::Buy { .. });
    }
    let mut wide = narrow.clone();
    cheapest_per_row(c, &proj, &rel.reduced_cost, &links, &mut narrow, per_row.0);
    cheapest_per_row(c, &proj, &rel.reduced_cost, &links, &mut wide, per_row.1);
    let proj = trace.then_some(proj);
    // the wide neighbourhood holds the narrow one (and so its plans)
    for (w, &n) in wide.iter_mut().zip(&narrow) {
        *w |= n;
    }
    // the rounding of the relaxation's point on the whole model: a plan
    // (when the rounding succeeds) the neighbourhoods hold
    let mut rounded = start::rounded_start(c, &x);
    for keep_col in [&mut narrow, &mut wide] {
        hold(keep_col, rounded.as_deref(), &links);
    }
    // The narrow sub-MIP first, within its share of what is left; then,
    // unless its plan is within the gap, the wide one from its plan.
    let mut first_opts = sopts.clone();
    let now = Instant::now();
    if let Some(d) = sopts.deadline_from(now) {
        let left = d.saturating_duration_since(now);
        first_opts.deadline = Some(now + left.mul_f64(NARROW_SHARE));
    }
    let mut iterations = rel.iterations;
    // The rounding of the lean relaxation (single-pool phases on the pool
    // the relaxation leans on most) when it is the better start.
    if let Some(y) = lean_start(c, &x, &wide, &first_opts, t0, trace)?
        && rounded.as_ref().is_none_or(|r| {
            let key = |v: &[f64]| (start::rows_out(&c.model, v), c.model.objective_value(v));
            key(&y) < key(r)
        })
    {
        for keep_col in [&mut narrow, &mut wide] {
            hold(keep_col, Some(&y), &links);
        }
        rounded = Some(y);
    }
    let first = sub_mip(c, &narrow, &x, rounded.as_deref(), &first_opts, t0, trace)?;
    iterations += first.iterations;
    let mut nodes = first.nodes;
    let mut best = first.plan;
    let gap_of = |obj: f64| ((obj - z) / obj.abs().max(1.0)).max(0.0);
    let close_enough =
        |obj: f64| gap_of(obj) <= sopts.relative_gap || (obj - z).abs() <= sopts.absolute_gap;
    let wider = wide.iter().zip(&narrow).any(|(w, n)| *w && !*n);
    let time_left = sopts
        .deadline
        .is_none_or(|d| d.saturating_duration_since(Instant::now()) >= MIN_WIDE_TIME);
    if wider && time_left && !best.as_ref().is_some_and(|b| close_enough(b.1)) {
        let from = best.as_ref().map(|b| b.0.as_slice()).or(rounded.as_deref());
        let second = sub_mip(c, &wide, &x, from, sopts, t0, trace)?;
        iterations += second.iterations;
        nodes += second.nodes;
        if let Some(p) = second.plan
            && best.as_ref().is_none_or(|b| p.1 < b.1)
        {
            best = Some(p);
        }
    }
    // a plan a phase's work short by more than the verifier allows is
    // covered again (`short_rows`)
    if let Some((y, _)) = &best
        && let short = short_rows(c, &c.model.row_activity(y))
        && !short.is_empty()
    {
        let r = cover_again(c, y);
        if trace {
            eprintln!(
                "relaxed: plan with {} rows short covered again: {:?}",
                short.len(),
                r.as_ref().map(|r| r.1)
            );
        }
        if let Some(r) = r {
            best = Some(r);
        }
    }
    let Some((full, obj)) = best else {
        return Ok(Attempt::Failed {
            point: Some(x),
            bound: Some(z),
            iterations,
        });
    };
    let gap = gap_of(obj);
    if let Some(proj) = &proj {
        gap_parts(proj, &rel, &full, obj - z);
    }
    let status = if close_enough(obj) {
        Status::Optimal
    } else {
        Status::Feasible
    };
    if trace {
        eprintln!(
            "relaxed: plan {obj} bound {z} gap {gap:.3e} ({:.2} s)",
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(Attempt::Planned(Box::new(Solution {
        status,
        objective: Some(c.model.objective_value(&full)),
        row_activity: c.model.row_activity(&full),
        x: full,
        row_dual: Vec::new(),
        reduced_cost: Vec::new(),
        basis: None,
        certificate: None,
        iterations,
        solve_time: t0.elapsed(),
        mip: Some(MipInfo {
            bound: z,
            gap: Some(gap),
            nodes,
        }),
    })))
}

/// The covering rows (`work`, `serve`) of the plan `y` of `c` short of
/// their bound by more than the verifier allows
/// ([`crate::plan::verify::REL`] of it): the engine accepts a plan within
/// its tolerances on the scaled model, which can leave a phase's work a
/// little more than a millionth short, and the verifier then finds it
/// unfinished.
fn short_rows(c: &Compiled, act: &[f64]) -> Vec<usize> {
    let lo = c.model.row_lower();
    (0..act.len())
        .filter(|&i| {
            matches!(c.rows[i].kind, RowKind::Work { .. } | RowKind::Serve { .. })
                && act[i] < lo[i] - super::verify::REL * lo[i].abs()
        })
        .collect()
}

/// The plan `y` of `c` with each of its [`short_rows`] given one unit
/// more, as often as it needs, of its cheapest run that already holds a
/// unit (so its `use` binary is set) and whose other rows have room for
/// it; and its cost. `None` when a row finds no such run.
fn cover_again(c: &Compiled, y: &[f64]) -> Option<(Vec<f64>, f64)> {
    let m = &c.model;
    let mut y = y.to_vec();
    let mut act = m.row_activity(&y);
    let (lo, up) = (m.row_lower(), m.row_upper());
    for i in short_rows(c, &act) {
        // the row's whole columns, found once (the matrix is by column)
        let runs: Vec<usize> = (0..m.num_cols())
            .filter(|&j| {
                m.var_types()[j] == VarType::Integer && m.matrix().position(i, j).is_some()
            })
            .collect();
        while act[i] < lo[i] {
            let fits = |j: usize| {
                let (idx, val) = m.matrix().col(j);
                y[j] >= 1.0
                    && y[j] + 1.0 <= m.col_upper()[j]
                    && idx.iter().zip(val).all(|(&k, &v)| {
                        let (k, a) = (k as usize, act[k as usize] + v);
                        let tol = 1e-9 * (1.0 + a.abs());
                        (a <= up[k] + tol || v <= 0.0) && (a >= lo[k] - tol || v >= 0.0)
                    })
            };
            let j = runs
                .iter()
                .copied()
                .filter(|&j| fits(j))
                .min_by(|&a, &b| m.costs()[a].total_cmp(&m.costs()[b]).then(a.cmp(&b)))?;
            let (idx, val) = m.matrix().col(j);
            for (&k, &v) in idx.iter().zip(val) {
                act[k as usize] += v;
            }
            y[j] += 1.0;
        }
    }
    let o = m.objective_value(&y);
    Some((y, o))
}

/// Marks in `keep_col` the support of the plan `y` (when there is one),
/// then each kept training column's `use` binary (`links`).
fn hold(keep_col: &mut [bool], y: Option<&[f64]>, links: &BTreeMap<usize, (usize, f64)>) {
    for (k, &v) in keep_col.iter_mut().zip(y.unwrap_or_default()) {
        *k |= v > SUPPORT_TOL;
    }
    for (&u, &(t, _)) in links {
        keep_col[u] = keep_col[t];
    }
}

/// The runs the lean relaxation leaves out: per single-pool phase that
/// the relaxation point `x` places, the training and `use` columns of
/// every pool but the one whose `use` is largest there (the pool the
/// relaxation leans on most; the lowest column on a tie) among those with
/// room left for the whole run beside the runs already kept there
/// (phases leaning hardest first; their runs counted as if they
/// overlapped in time), sorted. A phase none of whose pools has room
/// keeps them all.
fn lean_drops(c: &Compiled, x: &[f64]) -> Vec<usize> {
    let mut by_phase: BTreeMap<usize, Vec<&Gang>> = BTreeMap::new();
    for g in c.gangs.iter().filter(|g| g.whole_work) {
        if let ColKind::Train { phase, .. } = c.cols[g.train.0 as usize].kind {
            by_phase.entry(phase.index()).or_default().push(g);
        }
    }
    let u = |g: &Gang| x[g.use_col.0 as usize];
    // the phases the relaxation leans on one pool the most go first
    let mut phases: Vec<(f64, Vec<&Gang>)> = by_phase
        .into_values()
        .filter_map(|mut gangs| {
            gangs.sort_by(|a, b| u(b).total_cmp(&u(a)).then(a.use_col.0.cmp(&b.use_col.0)));
            let top = u(gangs.first()?);
            (top > SUPPORT_TOL).then_some((top, gangs))
        })
        .collect();
    phases.sort_by(|a, b| b.0.total_cmp(&a.0));
    // units of each pool taken by the phases kept on it, counted as if
    // their runs overlapped in time
    let mut load: BTreeMap<usize, f64> = BTreeMap::new();
    let mut out = Vec::new();
    let units = |g: &Gang| whole_units(1.0 / c.cols[g.train.0 as usize].share.min(MAX_WORK_SHARE));
    let fits = |g: &Gang, load: &BTreeMap<usize, f64>| {
        let room = c.model.col_upper()[g.train.0 as usize];
        load.get(&g.pool.index()).copied().unwrap_or(0.0) + units(g) <= room + 1e-9
    };
    for (_, gangs) in phases {
        // the pool leaned on most that has room left; none: the phase
        // keeps all its pools
        let Some(best) = gangs
            .iter()
            .take_while(|g| u(g) > SUPPORT_TOL)
            .find(|g| fits(g, &load))
        else {
            continue;
        };
        *load.entry(best.pool.index()).or_default() += units(best);
        for g in gangs.iter().filter(|g| g.use_col != best.use_col) {
            out.extend([g.train.0 as usize, g.use_col.0 as usize]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The lean start: the LP relaxation of `c` restricted to the columns in
/// `keep_col` less [`lean_drops`] (every single-pool phase on the one pool
/// the relaxation point `x` leans on most, the rest free to make room for
/// it), rounded on the whole model; `None` when no single-pool phase is
/// placed, or that LP does not end optimal within `sopts`.
///
/// The projected relaxation spreads a single-pool phase over pools whose
/// `use` fractions sum to at most 1; its rounding must then move the phase
/// to one pool, where the room is taken by phases the LP placed there,
/// and a chain of moves follows (at 2,000 × 500 the plan's excess over
/// the bound was mostly such runs). The lean LP settles those moves as an
/// LP; at 2,000 × 500 its optimum equals the projected relaxation's, and
/// its rounding starts the sub-MIPs much nearer the bound (module docs).
///
/// # Errors
/// When the restricted LP's solve fails.
fn lean_start(
    c: &Compiled,
    x: &[f64],
    keep_col: &[bool],
    sopts: &SolveOptions,
    t0: Instant,
    trace: bool,
) -> Result<Option<Vec<f64>>> {
    let drops = lean_drops(c, x);
    if drops.is_empty() {
        return Ok(None);
    }
    let keep: Vec<usize> = (0..c.model.num_cols())
        .filter(|&j| keep_col[j] && drops.binary_search(&j).is_err())
        .collect();
    let sub = restrict(c, &keep)?;
    let r = solver::solve(&sub.model.relaxation(), sopts)?;
    if trace {
        trace_lp("lean LP", &sub.model, &r, t0);
    }
    if r.status != Status::Optimal || r.x.len() != keep.len() {
        return Ok(None);
    }
    let mut xl = vec![0.0; c.model.num_cols()];
    for (s, &j) in keep.iter().enumerate() {
        xl[j] = r.x[s];
    }
    let y = start::rounded_start(c, &xl);
    if trace && let Some(y) = &y {
        eprintln!(
            "relaxed: lean rounding {} ({} rows out, {:.2} s)",
            c.model.objective_value(y),
            start::rows_out(&c.model, y),
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(y)
}

/// Trace: an LP's size, outcome and the time since `t0`.
fn trace_lp(what: &str, m: &Model, s: &Solution, t0: Instant) {
    eprintln!(
        "relaxed: {what} {} x {}: {} objective {:?}, {} iterations, {:.2} s",
        m.num_rows(),
        m.num_cols(),
        s.status,
        s.objective,
        s.iterations,
        t0.elapsed().as_secs_f64()
    );
}

/// Trace: the plan's excess over the relaxation's bound split, through
/// the relaxation's duals, into reduced costs of the columns it uses
/// (grouped by column name) and dual-weighted slack of the rows it
/// over-fills (grouped by row name).
fn gap_parts(proj: &Projection, rel: &Solution, full: &[f64], gap: f64) {
    let m = &proj.model;
    let xs: Vec<f64> = proj.cols.iter().map(|&j| full[j]).collect();
    let act = m.row_activity(&xs);
    // the bound a dual of sign `d` prices (a finite one)
    let active = |d: f64, lo: f64, up: f64| {
        if (d >= 0.0 && lo.is_finite()) || !up.is_finite() {
            lo
        } else {
            up
        }
    };
    let mut parts: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut add = |what: &str, name: &str, t: f64| {
        if t.abs() > 1e-6 {
            let family = name.split('[').next().unwrap_or(name);
            let e = parts.entry(format!("{what} {family}")).or_default();
            e.0 += t;
            e.1 += 1;
        }
    };
    for (s, &d) in rel.reduced_cost.iter().enumerate() {
        let b = active(d, m.col_lower()[s], m.col_upper()[s]);
        add("col", &m.col_names()[s], d * (xs[s] - b));
    }
    for (i, &y) in rel.row_dual.iter().enumerate() {
        let b = active(y, m.row_lower()[i], m.row_upper()[i]);
        add("row", &m.row_names()[i], y * (act[i] - b));
    }
    let total: f64 = parts.values().map(|p| p.0).sum();
    eprintln!("relaxed: gap {gap:.2} split {total:.2}:");
    for (k, (v, n)) in &parts {
        eprintln!("  {k}: {v:.2} over {n}");
    }
}

/// A sub-MIP's outcome: its plan in the model's columns with its
/// objective, and the iterations spent.
struct SubPlan {
    plan: Option<(Vec<f64>, f64)>,
    iterations: u64,
    nodes: u64,
}

/// Solves `c` restricted to the columns marked in `keep_col`, from `start`
/// (a plan of `c`, whose support `keep_col` holds) or else the rounding of
/// the relaxation's point `x`.
fn sub_mip(
    c: &Compiled,
    keep_col: &[bool],
    x: &[f64],
    start: Option<&[f64]>,
    sopts: &SolveOptions,
    t0: Instant,
    trace: bool,
) -> Result<SubPlan> {
    let keep: Vec<usize> = (0..c.model.num_cols()).filter(|&j| keep_col[j]).collect();
    let sub = restrict(c, &keep)?;
    let start = match start {
        Some(y) => Some(keep.iter().map(|&j| y[j]).collect::<Vec<f64>>()),
        None => {
            let xs: Vec<f64> = keep.iter().map(|&j| x[j]).collect();
            start::rounded_start(&sub, &xs)
        }
    };
    if trace {
        eprintln!(
            "relaxed: sub-MIP {} x {} ({:.2} s)",
            sub.model.num_rows(),
            sub.model.num_cols(),
            t0.elapsed().as_secs_f64()
        );
    }
    let s = super::solve_compiled_bb(&sub, sopts, start.as_deref())?;
    let plan = match (s.objective, s.x.len() < keep.len()) {
        (Some(obj), false) => {
            let mut full = vec![0.0; c.model.num_cols()];
            for (sj, &j) in keep.iter().enumerate() {
                full[j] = s.x[sj];
            }
            if trace {
                eprintln!(
                    "relaxed: sub-MIP {} objective {obj} ({:.2} s)",
                    s.status,
                    t0.elapsed().as_secs_f64()
                );
            }
            Some((full, obj))
        }
        _ => None,
    };
    Ok(SubPlan {
        plan,
        iterations: s.iterations,
        nodes: s.mip.map_or(0, |i| i.nodes),
    })
}

/// What a relaxation-first solve came to.
pub(crate) enum Attempt {
    /// A plan of the whole model, with the projected relaxation's bound.
    Planned(Box<Solution>),
    /// No plan: the relaxation's point in the model's columns and its
    /// objective (a bound on the model's) when it was solved, and the
    /// iterations spent.
    Failed {
        point: Option<Vec<f64>>,
        bound: Option<f64>,
        iterations: u64,
    },
}

/// Raises a solve's bound to `z` (a bound that holds for the model) and
/// recomputes its gap.
pub(crate) fn raise_bound(info: &mut MipInfo, objective: Option<f64>, z: f64) {
    if z > info.bound {
        info.bound = z;
        info.gap = objective.map(|o| ((o - z) / o.abs().max(1.0)).max(0.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perf::PerfModel;
    use crate::plan::compile::{CompileOptions, compile};
    use crate::scenario::{Scenario, ValidatedScenario};

    /// Hand-solved (as in `tests/plan.rs`): work for 100 devices over 10
    /// days (240 h, a hair more through goodput), on one pool, of a cheap
    /// pool of 60 ($12 a device for the window) and a dear one of 1,000
    /// ($24). The whole-device optimum runs 101 on the dear pool: $2,424.
    /// The cheap pool cannot do the whole work alone, so its `use` is
    /// fixed at 0 and the relaxation runs the dear pool alone (about
    /// $2,400). [`hand_sites`] is the same at two sites without the
    /// single-pool rule: there the relaxation without the one-site row
    /// would run 60 cheap and 40 dear ($1,680); with it projected
    /// (`c/60 + d/1000 ≤ 1`) the cheap pool runs at most about 57.4
    /// ($1,710.6), so the projection's row binds.
    fn hand() -> String {
        crate::plan::hand::scenario(
            "hand",
            &[("cheap", 60, Some(0.05)), ("dear", 1000, None)],
            &[("train", 4.32e22)],
        )
    }

    /// The flagship scenario (a single-pool phase, so `use` binaries, gang
    /// and memory rows) as a snapshot and cut into three 60-day periods.
    fn scenarios() -> Vec<(&'static str, ValidatedScenario)> {
        let path = format!(
            "{}/examples/scenarios/hybrid_fleet.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).expect("example scenario");
        let periods = text.replacen(
            "\nhorizon_days = 180",
            "\nperiod_days = 60\nhorizon_days = 180",
            1,
        );
        assert_ne!(text, periods);
        [
            ("snapshot", text),
            ("periods", periods),
            ("hand", hand()),
            ("hand_sites", hand_sites()),
        ]
        .into_iter()
        .map(|(name, text)| {
            let vs = Scenario::from_toml_str(&text)
                .expect("parses")
                .validate()
                .expect("valid");
            (name, vs)
        })
        .collect()
    }

    /// [`hand`] with the dear pool at another site and no single-pool
    /// rule: the run stays at one site (`one_site` rows), and a pool may
    /// do part of the work.
    fn hand_sites() -> String {
        let t = hand().replacen("single_pool = true\n", "", 1).replacen(
            "name = \"dear\"\n",
            "name = \"dear\"\nsite = \"SG\"\n",
            1,
        );
        assert!(!t.contains("single_pool") && t.contains("site = \"SG\""));
        t
    }

    /// Two cheap pools of 100 devices and a dear one of 1,000: `f` needs
    /// 101 devices (it may span pools), `p` 81 on one pool (hand-solved
    /// as [`hand`]). The optimum runs `p` on a cheap pool and `f` on what
    /// is left of both: 182 devices at $0.05 for 240 hours.
    fn lean_fleet() -> String {
        crate::plan::hand::first_may_span(&crate::plan::hand::scenario(
            "lean",
            &[
                ("a", 100, Some(0.05)),
                ("b", 100, Some(0.05)),
                ("d", 1000, None),
            ],
            &[("f", 4.32e22), ("p", 3.456e22)],
        ))
    }

    /// The lean start of a relaxation point that spreads `p` over `a` and
    /// `b`, leaning on `b`: `p`'s runs on the other pools are left out
    /// ([`lean_drops`]), the lean LP runs `p` on `b` alone and `f` around
    /// it, and its rounding is a plan of the whole model (no row out of
    /// bounds) that runs `p` on `b` and costs what branch-and-bound proves
    /// optimal on the whole model.
    #[test]
    fn the_lean_start_runs_a_single_pool_phase_on_the_pool_its_relaxation_leans_on() {
        let c = crate::plan::hand::compiled(&lean_fleet());
        let m = &c.model;
        let col = |name: &str| crate::plan::hand::col(&c, name);
        let mut x = vec![0.0; m.num_cols()];
        x[col("train[p,a]")] = 40.0;
        x[col("train[p,b]")] = 41.0;
        for g in &c.gangs {
            x[g.use_col.0 as usize] = x[g.train.0 as usize] / 100.0;
        }
        let drops = lean_drops(&c, &x);
        let mut want = vec![
            col("train[p,a]"),
            col("use[p,a]"),
            col("train[p,d]"),
            col("use[p,d]"),
        ];
        want.sort_unstable();
        assert_eq!(drops, want);
        // a point that places no single-pool phase leaves nothing out
        assert!(lean_drops(&c, &vec![0.0; m.num_cols()]).is_empty());
        let y = lean_plan(&c, &x);
        assert!(y[col("train[p,b]")] >= 81.0, "{}", y[col("train[p,b]")]);
        assert!(y[col("train[p,a]")] + y[col("train[p,d]")] < 0.5);
        let best = solver::solve(m, &exact()).expect("solves");
        assert_eq!(best.status, Status::Optimal);
        let opt = best.objective.expect("an optimum");
        let z = m.objective_value(&y);
        assert!(z <= opt + 1e-6, "lean start {z} vs optimum {opt}");
        assert!(violation(m, &y) <= 1e-9);
    }

    /// [`lean_fleet`] with a second single-pool phase `q` like `p`: both
    /// lean on `b`, which has room for one of them (100 devices, 81 a
    /// run). `q` leans harder and keeps `b`; `p` goes to the pool it leans
    /// on next, `a`, and the lean start is a plan.
    #[test]
    fn the_lean_start_keeps_two_single_pool_phases_off_one_pool_too_small_for_both() {
        let text = crate::plan::hand::first_may_span(&crate::plan::hand::scenario(
            "lean2",
            &[
                ("a", 100, Some(0.05)),
                ("b", 100, Some(0.05)),
                ("d", 1000, None),
            ],
            &[("f", 4.32e22), ("p", 3.456e22), ("q", 3.456e22)],
        ));
        let c = crate::plan::hand::compiled(&text);
        let m = &c.model;
        let col = |name: &str| crate::plan::hand::col(&c, name);
        let mut x = vec![0.0; m.num_cols()];
        x[col("train[p,a]")] = 30.0;
        x[col("train[p,b]")] = 51.0;
        x[col("train[q,a]")] = 20.0;
        x[col("train[q,b]")] = 61.0;
        for g in &c.gangs {
            x[g.use_col.0 as usize] = x[g.train.0 as usize] / 100.0;
        }
        let mut want: Vec<usize> = [
            "train[p,b]",
            "use[p,b]",
            "train[p,d]",
            "use[p,d]",
            "train[q,a]",
            "use[q,a]",
            "train[q,d]",
            "use[q,d]",
        ]
        .into_iter()
        .map(col)
        .collect();
        want.sort_unstable();
        assert_eq!(lean_drops(&c, &x), want);
        let y = lean_plan(&c, &x);
        assert!(y[col("train[q,b]")] >= 81.0 && y[col("train[p,a]")] >= 81.0);
    }

    /// A plan a unit short on one work row (the optimum of
    /// [`lean_fleet`] with `f`'s run on `a` one unit lower) is covered
    /// again: no row out of bounds, at most a unit dearer than the
    /// optimum, and no cheaper than it.
    #[test]
    fn a_plan_short_on_a_work_row_is_covered_again() {
        let c = crate::plan::hand::compiled(&lean_fleet());
        let m = &c.model;
        let best = solver::solve(m, &exact()).expect("solves");
        assert_eq!(best.status, Status::Optimal);
        let opt = best.objective.expect("an optimum");
        let mut y = best.x.clone();
        let run = (0..m.num_cols())
            .filter(|&j| matches!(c.cols[j].kind, ColKind::Train { .. }) && y[j] >= 1.0)
            .find(|&j| m.col_names()[j].starts_with("train[f,"))
            .expect("f runs");
        y[run] -= 1.0;
        assert!(start::rows_out(m, &y) > 0);
        let (r, cost) = cover_again(&c, &y).expect("covered");
        assert_eq!(start::rows_out(m, &r), 0);
        assert!(violation(m, &r) <= 1e-9);
        assert!(close(cost, m.objective_value(&r), 1e-12));
        assert!(cost >= opt - 1e-6, "{cost} below the optimum {opt}");
        let unit = c.cols[run].cost.total();
        assert!(cost <= opt + unit + 1e-6, "{cost} vs {opt} + a unit {unit}");
    }

    /// The lean start of `x` over every column of `c`, checked to be a
    /// plan of the whole model (no row out of bounds, whole devices).
    fn lean_plan(c: &Compiled, x: &[f64]) -> Vec<f64> {
        let m = &c.model;
        let y = lean_start(
            c,
            x,
            &vec![true; m.num_cols()],
            &exact(),
            Instant::now(),
            false,
        )
        .expect("solves")
        .expect("a lean start");
        assert_eq!(start::rows_out(m, &y), 0);
        assert!(violation(m, &y) <= 1e-9);
        y
    }

    fn whole(vs: &ValidatedScenario) -> Compiled {
        let perf = PerfModel::new(vs);
        let c = compile(vs, &perf, &CompileOptions::default()).expect("compiles");
        assert!(
            c.model.is_mip() && !c.gangs.is_empty(),
            "has whole-device rows"
        );
        c
    }

    fn exact() -> SolveOptions {
        SolveOptions::default()
            .with_relative_gap(0.0)
            .with_absolute_gap(1e-6)
            .with_time_limit(Some(std::time::Duration::from_secs(120)))
    }

    /// Largest violation of `x` against `m`'s column bounds, row bounds and
    /// integrality, recomputed from the matrix.
    fn violation(m: &Model, x: &[f64]) -> f64 {
        let act = m.row_activity(x);
        let mut v = 0.0f64;
        for (j, &xj) in x.iter().enumerate() {
            v = v.max(m.col_lower()[j] - xj).max(xj - m.col_upper()[j]);
            if m.var_types()[j] == VarType::Integer {
                v = v.max((xj - xj.round()).abs());
            }
        }
        for (i, &a) in act.iter().enumerate() {
            let (lo, up) = (m.row_lower()[i], m.row_upper()[i]);
            let scale = 1.0 + lo.abs().min(up.abs()).min(1e9);
            v = v.max((lo - a) / scale).max((a - up) / scale);
        }
        v
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    /// The projection is exact: without the whole-work cuts its LP optimum
    /// is the whole model's LP relaxation's (the module docs' argument),
    /// on models whose relaxation the engine solves directly; with them it
    /// lies between that and the whole-device optimum.
    #[test]
    fn the_projected_relaxation_has_the_relaxations_optimum() {
        for (name, vs) in scenarios() {
            let c = whole(&vs);
            let full =
                solver::solve(&c.model.relaxation(), &SolveOptions::default()).expect("solves");
            let zf = full.objective.expect("objective");
            let cut = project(&c, &use_links(&c)).expect("projects");
            let zc = solver::solve(&cut.model, &SolveOptions::default())
                .expect("solves")
                .objective
                .expect("objective");
            let best = solver::solve(&c.model, &exact()).expect("solves");
            assert_eq!(best.status, Status::Optimal, "{name}");
            let opt = best.objective.expect("an optimum");
            assert!(
                zc >= zf - 1e-7 * zf.abs() && zc <= opt + 1e-7 * opt.abs(),
                "{name}: relaxation {zf}, with the cuts {zc}, optimum {opt}"
            );
            let proj = project_with(&c, &use_links(&c), false).expect("projects");
            assert!(
                proj.model.num_rows() < c.model.num_rows(),
                "{name}: rows dropped"
            );
            assert!(!proj.model.is_mip());
            let p = solver::solve(&proj.model, &SolveOptions::default()).expect("solves");
            assert_eq!(full.status, Status::Optimal, "{name}");
            assert_eq!(p.status, Status::Optimal, "{name}");
            let zp = p.objective.expect("objective");
            assert!(
                close(zf, zp, 1e-7),
                "{name}: relaxation {zf}, projected {zp}"
            );
        }
    }

    /// [`hand`]: the relaxation runs about 100 devices on the dear pool
    /// (about $2,400), the one run that does the whole work needs 101
    /// ($2,424, the whole-device optimum), and the whole-work cut
    /// (`train[train,dear] / 101 ≥ 1`) lifts the projection to it.
    #[test]
    fn the_whole_work_cut_counts_the_last_device_of_a_single_pool_run() {
        let vs = Scenario::from_toml_str(&hand())
            .expect("parses")
            .validate()
            .expect("valid");
        let c = whole(&vs);
        let links = use_links(&c);
        let cuts = whole_work_cuts(&c, &links);
        assert_eq!(cuts.len(), 1);
        let dear = crate::plan::hand::col(&c, "train[train,dear]");
        assert!(
            cuts[0]
                .1
                .iter()
                .any(|&(j, a)| j == dear && close(a, 1.0 / 101.0, 1e-12))
        );
        let z = |cuts| {
            let p = project_with(&c, &links, cuts).expect("projects");
            let s = solver::solve(&p.model, &SolveOptions::default()).expect("solves");
            assert_eq!(s.status, Status::Optimal);
            s.objective.expect("objective")
        };
        let (without, with) = (z(false), z(true));
        assert!(without < 2_423.0 && without > 2_399.0, "{without}");
        assert!(close(with, 2_424.0, 1e-9), "{with}");
    }

    /// [`crate::plan::hand::fractional_capacity`]: the cheap pool's 9.5
    /// devices hold 9 whole ones in the strengthened projection, whose
    /// optimum rises above the relaxation's and stays within the
    /// whole-device optimum.
    #[test]
    fn the_projection_runs_whole_devices_of_a_pool_with_a_fraction_free() {
        let c = crate::plan::hand::compiled(&crate::plan::hand::fractional_capacity());
        let links = use_links(&c);
        let solve_z = |m: &Model| {
            let s = solver::solve(m, &exact()).expect("solves");
            assert_eq!(s.status, Status::Optimal);
            s.objective.expect("objective")
        };
        let cap = crate::plan::hand::cheap_capacity;
        let plain = project_with(&c, &links, false).expect("projects");
        let strong = project(&c, &links).expect("projects");
        assert!(close(cap(&plain.model), 9.5, 1e-12));
        assert!(close(cap(&strong.model), 9.0, 1e-12));
        let (zp, zs, opt) = (
            solve_z(&plain.model),
            solve_z(&strong.model),
            solve_z(&c.model),
        );
        assert!(zs > zp + 1e-6, "strengthened {zs} vs plain {zp}");
        assert!(zs <= opt + 1e-9 * opt, "strengthened {zs} vs optimum {opt}");
    }

    /// Restricting to every column keeps the model (rows that hold no
    /// column and fit zero aside), and a restriction's solution maps back
    /// to a point of the whole model with the same objective.
    #[test]
    fn restricting_to_every_column_keeps_the_model() {
        for (name, vs) in scenarios() {
            let c = whole(&vs);
            let all: Vec<usize> = (0..c.model.num_cols()).collect();
            let r = restrict(&c, &all).expect("restricts");
            assert_eq!(r.model.num_cols(), c.model.num_cols(), "{name}");
            assert_eq!(r.gangs.len(), c.gangs.len(), "{name}");
            assert_eq!(r.rows.len(), r.model.num_rows(), "{name}");
            let mut held = vec![false; c.model.num_rows()];
            for j in 0..c.model.num_cols() {
                for &i in c.model.matrix().col(j).0 {
                    held[i as usize] = true;
                }
            }
            let empty = held.iter().filter(|h| !**h).count();
            assert_eq!(r.model.num_rows() + empty, c.model.num_rows(), "{name}");
            let a = super::super::solve_compiled_bb(&c, &exact(), None).expect("solves");
            let b = super::super::solve_compiled_bb(&r, &exact(), None).expect("solves");
            assert_eq!(a.status, Status::Optimal, "{name}");
            assert_eq!(b.status, Status::Optimal, "{name}");
            let (za, zb) = (a.objective.expect("a"), b.objective.expect("b"));
            assert!(close(za, zb, 1e-6), "{name}: {za} vs {zb}");
            assert!(violation(&c.model, &b.x) <= 1e-6, "{name}");
            assert!(close(c.model.objective_value(&b.x), zb, 1e-9), "{name}");
        }
    }

    /// Planned relaxation first (as models of 50,000 rows are), a small
    /// model's plan is a whole-device point of the whole model, costs no
    /// less than the proven optimum (branch-and-bound on the whole model,
    /// gap 0), its bound is no more than that optimum, and the planner's
    /// independent verifier accepts the plan.
    #[test]
    fn a_relaxation_first_plan_is_feasible_verified_and_bounded_by_the_optimum() {
        for (name, vs) in scenarios() {
            let c = whole(&vs);
            let opt = super::super::solve_compiled_bb(&c, &exact(), None).expect("solves");
            assert_eq!(opt.status, Status::Optimal, "{name}");
            let z = opt.objective.expect("optimum");
            let Attempt::Planned(s) = solve(&c, &exact()).expect("solves") else {
                panic!("{name}: no plan relaxation first");
            };
            let obj = s.objective.expect("objective");
            let info = s.mip.expect("mip info");
            assert!(violation(&c.model, &s.x) <= 1e-6, "{name}");
            assert!(close(c.model.objective_value(&s.x), obj, 1e-9), "{name}");
            assert!(
                obj >= z - 1e-6 * z.abs().max(1.0),
                "{name}: {obj} below the optimum {z}"
            );
            assert!(
                info.bound <= z + 1e-6 * z.abs().max(1.0),
                "{name}: bound {} above {z}",
                info.bound
            );
            assert!(info.gap.expect("gap") >= 0.0);
            if name.starts_with("hand") {
                assert!(close(obj, 2_424.0, 1e-6), "{name}: {obj}");
                assert!(info.bound > 1_700.0, "{name}: bound {}", info.bound);
            }
            let perf = PerfModel::new(&vs);
            let p = super::super::finish_plan(&vs, &perf, &c, &s, &exact()).expect("plan");
            assert!(p.verified, "{name}: {}", p.verification);
        }
    }

    /// A single-pool run does the whole work on its pool, so a pool too
    /// small for it gets no run in a whole-device plan (`use` fixed at 0,
    /// `whole::use_upper`): the relaxation of [`hand`] runs the dear pool
    /// alone, between $2,400 and the optimum $2,424, where spreading the
    /// phase would cost $1,710.6. Without the single-pool rule
    /// ([`hand_sites`]) and in a fractional plan, the cheap pool keeps its
    /// part.
    /// The wide sub-MIP starts from the narrow one's plan and keeps the
    /// better. With no columns of least reduced cost in the narrow one (the
    /// relaxation's and the rounding's supports alone) and every column in
    /// the wide one: on a case found by a random search of small fleets
    /// (three pools, two single-pool phases), the narrow sub-MIP alone
    /// ends above the optimum that branch-and-bound proves on the whole
    /// model, and the two together reach it; on every case the plan is
    /// the optimum, and verified.
    #[test]
    fn the_wide_sub_mip_goes_on_from_the_narrow_ones_plan() {
        let narrow_misses = crate::plan::hand::scenario(
            "narrow",
            &[
                ("k0", 50, Some(0.09)),
                ("k1", 76, Some(0.05)),
                ("k2", 70, Some(0.05)),
            ],
            &[("p0", 5.184e21), ("p1", 1.2528e22)],
        );
        let vs = Scenario::from_toml_str(&narrow_misses)
            .expect("parses")
            .validate()
            .expect("valid");
        let mut cases = scenarios();
        cases.push(("narrow", vs));
        for (name, vs) in cases {
            let c = whole(&vs);
            let opt = super::super::solve_compiled_bb(&c, &exact(), None).expect("solves");
            assert_eq!(opt.status, Status::Optimal, "{name}");
            let z = opt.objective.expect("optimum");
            let plan = |per_row| match solve_with(&c, &exact(), per_row).expect("solves") {
                Attempt::Planned(s) => s,
                Attempt::Failed { .. } => panic!("{name}: no plan relaxation first"),
            };
            if name == "narrow" {
                let alone = plan((0, 0)).objective.expect("objective");
                assert!(
                    alone > z + 1.0,
                    "{name}: the narrow sub-MIP alone {alone}, optimum {z}"
                );
            }
            let s = plan((0, usize::MAX));
            let obj = s.objective.expect("objective");
            assert!(violation(&c.model, &s.x) <= 1e-6, "{name}");
            assert!(close(obj, z, 1e-6), "{name}: {obj} against the optimum {z}");
            let perf = PerfModel::new(&vs);
            let p = super::super::finish_plan(&vs, &perf, &c, &s, &exact()).expect("plan");
            assert!(p.verified, "{name}: {}", p.verification);
        }
    }

    #[test]
    fn a_pool_too_small_for_a_single_pool_phase_takes_no_part() {
        let relaxation = |vs: &ValidatedScenario, fractional: bool| {
            let perf = PerfModel::new(vs);
            let opts = CompileOptions {
                fractional,
                ..CompileOptions::default()
            };
            let c = compile(vs, &perf, &opts).expect("compiles");
            let s = solver::solve(&c.model.relaxation(), &SolveOptions::default()).expect("solves");
            assert_eq!(s.status, Status::Optimal);
            (c, s.objective.expect("objective"))
        };
        let parse = |t: &str| {
            Scenario::from_toml_str(t)
                .expect("parses")
                .validate()
                .expect("valid")
        };
        let (hand, sites) = (parse(&hand()), parse(&hand_sites()));
        let use_upper = |c: &Compiled, pool: &str| {
            let g = c
                .gangs
                .iter()
                .find(|g| c.model.col_names()[g.train.0 as usize].contains(pool))
                .expect("a gang on the pool");
            // 0 or 1, exactly
            c.model.col_upper()[g.use_col.0 as usize].to_bits()
        };
        let (c, z) = relaxation(&hand, false);
        assert_eq!(use_upper(&c, "cheap"), 0.0f64.to_bits());
        assert_eq!(use_upper(&c, "dear"), 1.0f64.to_bits());
        assert!((2_400.0..=2_424.0 + 1e-6).contains(&z), "hand: {z}");
        let (c, z) = relaxation(&sites, false);
        assert_eq!(use_upper(&c, "cheap"), 1.0f64.to_bits());
        assert!(close(z, 1_710.6, 1e-3), "hand_sites: {z}");
        let (c, z) = relaxation(&hand, true);
        assert!(c.gangs.is_empty());
        assert!(close(z, 1_680.0, 1e-3), "fractional: {z}");
    }

    /// `raise_bound` only raises, and recomputes the gap.
    #[test]
    fn raising_a_bound_recomputes_the_gap() {
        let mut info = MipInfo {
            bound: 90.0,
            gap: Some(0.1),
            nodes: 3,
        };
        raise_bound(&mut info, Some(100.0), 80.0);
        assert!((info.bound - 90.0).abs() < 1e-12);
        raise_bound(&mut info, Some(100.0), 95.0);
        assert!((info.bound - 95.0).abs() < 1e-12);
        assert!((info.gap.expect("gap") - 0.05).abs() < 1e-12);
    }
}
