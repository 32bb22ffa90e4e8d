//! The chance constraint on deadlines, by scenario selection: a binary
//! `z_s` per joint scenario (1: every training deadline is met in branch
//! `s`), `Σ_s p_s·z_s ≥ q`, and each branch's on-time work rows enforced
//! only where `z_s = 1` (module docs of [`crate::risk`]).

use super::extensive::Branch;
use super::report::ChanceSummary;
use crate::error::Result;
use crate::model::{ColId, Model, ModelBuilder, RowId, VarType};
use crate::plan::{Compiled, RowKind};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Slack on the probability row: the joint scenarios' probabilities sum
/// to 1 only up to rounding, so `q = 1` must not be cut off by it.
const PROBABILITY_SLACK: f64 = 1e-9;

/// Relative tolerance when reading whether a branch's work is done by its
/// deadlines from a solution.
const MET_TOLERANCE: f64 = 1e-6;

/// Adds `z_s`, the on-time rows and the probability row to the stacked
/// model `b` (branch `i`'s columns start at `offsets[i]`); returns the
/// `z` columns, by branch.
///
/// ```text
/// ontime[p,s]:  Σ_{on-time j} a_pj·x_s[j] − w_p·z_s ≥ 0   every training phase p
/// chance:       Σ_s p_s·z_s ≥ q
/// ```
///
/// with `a_pj` the column's coefficient in `work[p]` and `w_p` that row's
/// right-hand side: at `z_s = 1` the work done by the deadline covers the
/// phase, at `z_s = 0` the row is void and `work[p]` (late columns
/// included) still asks the work done by the horizon.
pub(crate) fn add(
    b: &mut ModelBuilder,
    branches: &[Branch],
    offsets: &[usize],
    q: f64,
) -> Vec<ColId> {
    let mut zs = Vec::with_capacity(branches.len());
    for (i, br) in branches.iter().enumerate() {
        let z = b.add_col(
            format!("chance.meet[s{i}]"),
            0.0,
            Some(0.0),
            Some(1.0),
            VarType::Integer,
        );
        zs.push(z);
        let c = &br.compiled;
        let m = &c.model;
        let mut ontime: BTreeMap<usize, RowId> = BTreeMap::new();
        for (r, info) in c.rows.iter().enumerate() {
            if let RowKind::Work { phase } = info.kind {
                let w = m.row_lower()[r];
                if !w.is_finite() || w <= 0.0 {
                    continue;
                }
                let name = br.vs.phase(phase).name().to_owned();
                let row = b.add_row(format!("s{i}.ontime[{name}]"), Some(0.0), None);
                b.set_coef(row, z, -w);
                ontime.insert(r, row);
            }
        }
        for j in 0..m.num_cols() {
            if c.late.binary_search(&j).is_ok() {
                continue;
            }
            let (ri, rv) = m.matrix().col(j);
            for (&r, &v) in ri.iter().zip(rv) {
                if let Some(&row) = ontime.get(&(r as usize)) {
                    b.set_coef(row, col_id(offsets[i] + j), v);
                }
            }
        }
    }
    let row = b.add_row("chance", Some(q - PROBABILITY_SLACK), None);
    for (br, &z) in branches.iter().zip(&zs) {
        b.set_coef(row, z, br.joint.probability);
    }
    zs
}

/// Whether branch `c`'s solution `x` does every training phase's work by
/// its deadline (its on-time columns alone cover `work[p]`).
pub(crate) fn meets(c: &Compiled, x: &[f64]) -> bool {
    let m = &c.model;
    let mut done: BTreeMap<usize, f64> = BTreeMap::new();
    for (r, info) in c.rows.iter().enumerate() {
        if matches!(info.kind, RowKind::Work { .. }) {
            done.insert(r, 0.0);
        }
    }
    for (j, &xj) in x.iter().enumerate().take(m.num_cols()) {
        if c.late.binary_search(&j).is_ok() || xj == 0.0 {
            continue;
        }
        let (ri, rv) = m.matrix().col(j);
        for (&r, &v) in ri.iter().zip(rv) {
            if let Some(d) = done.get_mut(&(r as usize)) {
                *d += v * xj;
            }
        }
    }
    done.iter().all(|(&r, &d)| {
        let w = m.row_lower()[r];
        !w.is_finite() || d >= w - MET_TOLERANCE * (1.0 + w.abs())
    })
}

/// The branch's model with its late columns held at zero (every deadline
/// met), for the wait-and-see and deterministic plans; the model itself
/// when it has none.
///
/// # Errors
/// [`crate::ErrorKind::Model`] as [`ModelBuilder::build`].
pub(crate) fn strict(c: &Compiled) -> Result<Cow<'_, Model>> {
    if c.late.is_empty() {
        return Ok(Cow::Borrowed(&c.model));
    }
    let fixed: BTreeMap<usize, f64> = c.late.iter().map(|&j| (j, 0.0)).collect();
    Ok(Cow::Owned(super::extensive::with_fixed(&c.model, &fixed)?))
}

/// The chance section of the report: the branches whose plan meets every
/// deadline (`met`, read from the solution) and those the constraint
/// selected (`z_s = 1`).
pub(crate) fn summary(
    branches: &[Branch],
    x: &[f64],
    offsets: &[usize],
    zs: &[ColId],
    q: f64,
) -> ChanceSummary {
    let mut met = Vec::new();
    let mut required = Vec::new();
    let mut achieved = 0.0;
    if !x.is_empty() {
        for (i, br) in branches.iter().enumerate() {
            let n = br.compiled.model.num_cols();
            if meets(&br.compiled, &x[offsets[i]..offsets[i] + n]) {
                met.push(br.joint.name.clone());
                achieved += br.joint.probability;
            }
            if zs.get(i).is_some_and(|z| x[z.index()] > 0.5) {
                required.push(br.joint.name.clone());
            }
        }
    }
    ChanceSummary {
        q,
        achieved: (!x.is_empty()).then_some(achieved),
        met,
        required,
    }
}

fn col_id(j: usize) -> ColId {
    // sizes are checked against u32 by ModelBuilder::build
    ColId(u32::try_from(j).unwrap_or(u32::MAX))
}
