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

#[cfg(test)]
mod tests {
    //! Brute force over the selections: on a tree of four joint scenarios,
    //! the MILP's optimum equals the least cost over every subset `S` of
    //! probability ≥ q, each solved as an LP with `z` fixed (1 on `S`, 0
    //! elsewhere).

    use super::super::{branch, extensive, joint_scenarios};
    use crate::plan::CompileOptions;
    use crate::scenario::Scenario;
    use crate::solver::{self, SolveOptions, Status};
    use crate::units::Hours;
    use std::collections::BTreeMap;

    const TEXT: &str = r#"
name = "brute"
start = "2025-08-15"
horizon_days = 60
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "ascend"
accelerator = "Ascend 910C"
ownership = { kind = "rentable", usd_per_hour = 0.5, max = 64 }

[[pools]]
name = "h800"
accelerator = "H800"
ownership = { kind = "rentable", usd_per_hour = 2.0 }

[[phases]]
name = "pretrain"
kind = "pretraining"
model = { total_params = 7e9 }
precision = "bf16"
tokens = 1e12
deadline_days = 40

[[risks]]
name = "ascend-fails"
probability = 0.4
on = "2025-09-04"
failure = { phase = "pretrain", vendors = ["Huawei"] }

[[risks]]
name = "more-work"
probability = 0.5
on = "2025-08-25"
demand = { phase = "pretrain", scale = 1.3 }

[risk]
objective = "chance"
deadline_probability = 0.5
"#;

    #[test]
    fn milp_equals_the_best_admissible_selection() {
        let vs = Scenario::from_toml_str(TEXT)
            .expect("parses")
            .validate()
            .expect("valid");
        let s = vs.scenario();
        let joints = joint_scenarios(s);
        assert_eq!(joints.len(), 4);
        let mut cuts: Vec<Hours> = s
            .risks
            .iter()
            .map(|r| Hours::from_raw(vs.hours_of(r.on)))
            .collect();
        cuts.sort_by(|a, b| a.get().total_cmp(&b.get()));
        let copts = CompileOptions {
            fractional: true,
            cuts,
            late_until: Some(vs.horizon().to_hours()),
            ..CompileOptions::default()
        };
        let branches: Vec<_> = joints
            .into_iter()
            .map(|j| branch(&vs, j, &copts).expect("compiles"))
            .collect();
        let ties = extensive::ties(&branches);
        let sopts = SolveOptions::default();
        let mut checked = 0;
        for q in [0.0, 0.25, 0.5, 0.55, 0.8, 1.0] {
            let ef = extensive::build(&branches, &ties, (0.9, 0.0), Some(q)).expect("builds");
            let milp = solver::solve(&ef.model, &sopts).expect("solves");
            assert_eq!(milp.status, Status::Optimal);
            let best = milp.objective.expect("objective");
            let mut brute = f64::INFINITY;
            for mask in 0u32..16 {
                let p: f64 = (0..4)
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| branches[i].joint.probability)
                    .sum();
                if p < q - 1e-9 {
                    continue;
                }
                let fixed: BTreeMap<usize, f64> =
                    ef.z.iter()
                        .enumerate()
                        .map(|(i, z)| (z.index(), f64::from(mask >> i & 1)))
                        .collect();
                let m = extensive::with_fixed(&ef.model, &fixed).expect("builds");
                let r = solver::solve(&m, &sopts).expect("solves");
                if r.status == Status::Optimal {
                    brute = brute.min(r.objective.expect("objective"));
                    checked += 1;
                }
            }
            assert!(
                (best - brute).abs() <= 1e-6 * brute.abs(),
                "q = {q}: MILP {best}, brute force {brute}"
            );
            // the selection read back weighs at least q
            let ch = super::summary(&branches, &milp.x, &ef.offsets, &ef.z, q);
            assert!(ch.achieved.expect("achieved") >= q - 1e-9, "{ch:?}");
        }
        assert!(checked > 16);
    }
}
