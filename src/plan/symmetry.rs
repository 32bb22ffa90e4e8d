//! Identical pools, and the rows that stop branch-and-bound from exploring
//! each of their permutations.
//!
//! Two pools are **interchangeable** in a compiled model when swapping
//! them — their columns and their own rows (capacity, gang, memory fit) —
//! maps the model onto itself: the corresponding columns have the same
//! cost, bounds, type and coefficients in every shared row (work, serve,
//! budgets, shares, limits), and the corresponding own rows have the same
//! bounds. This is decided on the compiled model, not on the scenario, so
//! it stays right whatever the compiler emits (two pools with equal specs
//! but different names give equal columns; a pool whose price differs in
//! the fifth digit does not).
//!
//! For each class `k₁ < k₂ < … < k_m` of interchangeable pools, the rows
//!
//! ```text
//! symmetry[k_i,k_{i+1}]:  Σ_j w_j·x_j(k_i) − Σ_j w_j·x_j(k_{i+1}) ≥ 0
//! ```
//!
//! order the pools by their weighted load (`w_j`: device-hours of a train
//! or serve column, devices of a purchase, 1 for a `use` binary; the same
//! weight for corresponding columns). Any plan can be permuted within the
//! class to satisfy them at the same cost, so the optimum is unchanged,
//! while the `m!` copies of each plan are cut down to one (up to ties).
//!
//! The rows go into a copy of the model only; the [`Compiled`] model (its
//! rows' duals, the infeasibility explanation, the verifier) never sees
//! them, and a plan lists the user's pools as they are.
//!
//! **The planner does not add them**, because measurement says they hurt:
//! on the seeded fleets of `tests/common/plangen.rs` (every group of four
//! pools has two identical ones) the rows turned an 8 × 2 fleet solved at
//! the root into 751k nodes without closing the gap, and left the 125 × 31
//! fleet without any plan in 20 s where the model without them had one at
//! a 0.23% gap; they help the bound a little in between (DESIGN.md,
//! "Branch and bound", has the table). An ordering of whole loads fights
//! the rounding and diving heuristics, which find plans by moving load to
//! the cheapest pool of a class. `cargo bench --bench plan_scale --
//! symmetry` re-runs the measurement.

use super::compile::{ColKind, Compiled, RowKind};
use crate::error::Result;
use crate::model::{ColId, Model, ModelBuilder, RowId};
use crate::scenario::PoolId;
use std::collections::BTreeMap;

/// A row as seen from one of its columns: a shared row by index, a pool's
/// own row by what it is (without the pool) and its bounds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    Shared(usize),
    Own(u8, usize, u64, u64),
}

/// A column without its pool: what it is and every number it carries.
type ColKey = (u8, usize, usize, [u64; 3], bool, Vec<(RowKey, u64)>);

/// The pool a column belongs to.
fn pool_of(kind: ColKind) -> Option<PoolId> {
    match kind {
        ColKind::Train { pool, .. }
        | ColKind::Serve { pool, .. }
        | ColKind::Buy { pool }
        | ColKind::Use { pool, .. } => Some(pool),
        _ => None,
    }
}

/// The column's kind without its pool.
fn kind_key(kind: ColKind) -> (u8, usize, usize) {
    match kind {
        ColKind::Train { phase, .. } => (0, phase.index(), 0),
        ColKind::Serve {
            phase, interval, ..
        } => (1, phase.index(), interval),
        ColKind::Buy { .. } => (2, 0, 0),
        ColKind::Use { phase, .. } => (3, phase.index(), 0),
        _ => (4, 0, 0),
    }
}

/// The row's key for a column: own rows of the pool by kind.
fn row_key(c: &Compiled, i: usize) -> RowKey {
    let m = &c.model;
    let b = |v: f64| v.to_bits();
    let own = |tag: u8, a: usize| RowKey::Own(tag, a, b(m.row_lower()[i]), b(m.row_upper()[i]));
    match c.rows[i].kind {
        RowKind::Capacity { interval, .. } => own(0, interval),
        RowKind::Gang { phase, .. } => own(1, phase.index()),
        RowKind::MemoryFit { phase, .. } => own(2, phase.index()),
        _ => RowKey::Shared(i),
    }
}

/// Classes of at least two interchangeable pools, each sorted by pool
/// index, with each pool's columns in the order of their keys.
#[must_use]
pub fn pool_classes(c: &Compiled) -> Vec<Vec<(PoolId, Vec<usize>)>> {
    let m = &c.model;
    let mut per_pool: BTreeMap<usize, Vec<(ColKey, usize)>> = BTreeMap::new();
    for (j, col) in c.cols.iter().enumerate() {
        let Some(k) = pool_of(col.kind) else { continue };
        let (ri, rv) = m.matrix().col(j);
        let mut rows: Vec<(RowKey, u64)> = ri
            .iter()
            .zip(rv)
            .map(|(&i, &v)| (row_key(c, i as usize), v.to_bits()))
            .collect();
        rows.sort();
        let (t, a, bb) = kind_key(col.kind);
        let key: ColKey = (
            t,
            a,
            bb,
            [
                m.costs()[j].to_bits(),
                m.col_lower()[j].to_bits(),
                m.col_upper()[j].to_bits(),
            ],
            m.var_types()[j] == crate::model::VarType::Integer,
            rows,
        );
        per_pool.entry(k.index()).or_default().push((key, j));
    }
    let mut classes: BTreeMap<Vec<ColKey>, Vec<(PoolId, Vec<usize>)>> = BTreeMap::new();
    for (k, mut cols) in per_pool {
        cols.sort();
        // Two columns of one pool with the same key cannot be told apart:
        // leave such a pool alone (the compiler never makes them).
        if cols.windows(2).any(|w| w[0].0 == w[1].0) {
            continue;
        }
        let (keys, idx): (Vec<ColKey>, Vec<usize>) = cols.into_iter().unzip();
        classes.entry(keys).or_default().push((PoolId::new(k), idx));
    }
    classes.into_values().filter(|v| v.len() > 1).collect()
}

/// The weight of a column in its pool's load.
fn weight(c: &Compiled, j: usize) -> f64 {
    let col = &c.cols[j];
    match col.kind {
        ColKind::Train { .. } | ColKind::Serve { .. } => col.device_hours(),
        ColKind::Buy { .. } => col.unit,
        _ => 1.0,
    }
}

/// The compiled model plus the symmetry-breaking rows of its classes of
/// interchangeable pools, or `None` when it has none (or is an LP, where
/// symmetry costs nothing).
///
/// # Errors
/// Model-building errors (none are expected: the rows reuse the model's
/// own columns).
pub fn with_symmetry_rows(c: &Compiled) -> Result<Option<Model>> {
    if !c.model.is_mip() {
        return Ok(None);
    }
    let classes = pool_classes(c);
    if classes.is_empty() {
        return Ok(None);
    }
    let m = &c.model;
    let mut b = ModelBuilder::new(m.name().to_owned());
    super::rebuild(m, &mut b, None)?;
    b.set_sense(m.sense());
    let mut row = m.num_rows();
    for class in &classes {
        for pair in class.windows(2) {
            let ((k1, c1), (k2, c2)) = (&pair[0], &pair[1]);
            let r = b.add_row(
                format!("symmetry[{},{}]", k1.index(), k2.index()),
                Some(0.0),
                None,
            );
            debug_assert_eq!(r, RowId(super::idx(row)));
            row += 1;
            for (&j1, &j2) in c1.iter().zip(c2) {
                let w = weight(c, j1);
                if w != 0.0 {
                    b.set_coef(r, ColId(super::idx(j1)), w);
                    b.set_coef(r, ColId(super::idx(j2)), -w);
                }
            }
        }
    }
    Ok(Some(b.build()?))
}
