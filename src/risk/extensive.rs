//! The extensive form: every joint scenario's compiled model stacked, the
//! objective weighted by probability, decisions tied across branches by
//! non-anticipativity rows, and an optional CVaR term.

use super::apply::JointScenario;
use crate::error::{Error, Result};
use crate::model::{ColId, Model, ModelBuilder, RowId, Sense};
use crate::plan::{ColInfo, ColKind, Compiled};
use crate::scenario::ValidatedScenario;
use std::collections::BTreeMap;

/// One joint scenario, validated and compiled.
#[derive(Debug)]
pub(crate) struct Branch {
    pub(crate) joint: JointScenario,
    pub(crate) vs: ValidatedScenario,
    pub(crate) compiled: Compiled,
    /// Hours of each of its events, in its event order.
    pub(crate) event_hours: Vec<f64>,
}

/// A decision that branches can share: what it is and when it is taken.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    /// 0 buy, 1 train, 2 serve.
    pub(crate) kind: u8,
    /// Phase name (empty for a purchase).
    pub(crate) phase: String,
    /// Pool name.
    pub(crate) pool: String,
    /// When the decision is taken, in milli-hours from the start (the
    /// order day of a purchase, the start of a run's window or of a
    /// serving interval).
    pub(crate) at: i64,
    /// Occurrence, should two columns share the rest.
    pub(crate) n: u32,
}

impl Key {
    /// The decision time in hours.
    pub(crate) fn hours(&self) -> f64 {
        // milli-hours of a horizon ≤ 10^6 days: exact
        #[allow(clippy::cast_precision_loss)]
        let h = self.at as f64 / 1000.0;
        h
    }

    /// A label, e.g. `buy[ascend,d30]`.
    pub(crate) fn label(&self) -> String {
        let what = ["buy", "train", "serve"][usize::from(self.kind.min(2))];
        let d = self.hours() / 24.0;
        if self.phase.is_empty() {
            format!("{what}[{},d{d:.1}]", self.pool)
        } else {
            format!("{what}[{},{},d{d:.1}]", self.phase, self.pool)
        }
    }
}

/// The shareable decisions of a compiled model: key → column.
pub(crate) fn keys(vs: &ValidatedScenario, c: &Compiled) -> BTreeMap<Key, usize> {
    let mut out = BTreeMap::new();
    for (j, col) in c.cols.iter().enumerate() {
        let Some(mut k) = key_of(vs, col) else {
            continue;
        };
        // a run past the deadline is a decision of its own
        if c.late.binary_search(&j).is_ok() {
            k.phase.push_str("/late");
        }
        while out.contains_key(&k) {
            k.n += 1;
        }
        out.insert(k, j);
    }
    out
}

fn key_of(vs: &ValidatedScenario, col: &ColInfo) -> Option<Key> {
    let (kind, phase, pool) = match col.kind {
        ColKind::Buy { pool } => (0, String::new(), pool),
        ColKind::Train { phase, pool } => (1, vs.phase(phase).name().to_owned(), pool),
        ColKind::Serve {
            phase, pool, role, ..
        } => {
            let name = vs.phase(phase).name();
            match role {
                crate::plan::ServeRole::Colocated => (2, name.to_owned(), pool),
                r => (2, format!("{name}/{}", r.as_str()), pool),
            }
        }
        _ => return None,
    };
    // hours ≤ 2.4·10^7: milli-hours fit i64 exactly
    #[allow(clippy::cast_possible_truncation)]
    let at = (col.window.0.get() * 1000.0).round() as i64;
    Some(Key {
        kind,
        phase,
        pool: vs.pool(pool).name().to_owned(),
        at,
        n: 0,
    })
}

/// What a branch knows at a time: its events so far, each with its day.
pub(crate) type History = Vec<(usize, crate::units::Date)>;

/// The events of a branch known at hour `t` (those on or before it), each
/// with its day (an event at an uncertain date happens on different days
/// in different branches: they differ once it is known).
pub(crate) fn history(b: &Branch, t: f64) -> History {
    b.joint
        .events
        .iter()
        .zip(&b.joint.on)
        .zip(&b.event_hours)
        .filter(|(_, h)| **h <= t + 1e-9)
        .map(|((e, d), _)| (*e, *d))
        .collect()
}

/// How decisions are tied across branches.
#[derive(Debug, Default)]
pub(crate) struct Ties {
    /// Groups of (branch, column) that must be equal.
    pub(crate) equal: Vec<(Key, Vec<(usize, usize)>)>,
    /// (branch, column) fixed at zero: a decision some branch with the
    /// same history cannot take.
    pub(crate) zero: Vec<(Key, usize, usize)>,
}

/// Non-anticipativity: for each decision key and each class of branches
/// with the same history at its time, the branches' columns are equal;
/// when some branch of the class lacks the column, it is zero in all.
pub(crate) fn ties(branches: &[Branch]) -> Ties {
    let maps: Vec<BTreeMap<Key, usize>> =
        branches.iter().map(|b| keys(&b.vs, &b.compiled)).collect();
    let mut all: Vec<&Key> = maps.iter().flat_map(BTreeMap::keys).collect();
    all.sort();
    all.dedup();
    let mut out = Ties::default();
    for key in all {
        let t = key.hours();
        let mut classes: BTreeMap<History, Vec<usize>> = BTreeMap::new();
        for (i, b) in branches.iter().enumerate() {
            classes.entry(history(b, t)).or_default().push(i);
        }
        for members in classes.values() {
            if members.len() < 2 {
                continue;
            }
            let cols: Vec<(usize, usize)> = members
                .iter()
                .filter_map(|&i| maps[i].get(key).map(|&j| (i, j)))
                .collect();
            if cols.len() < members.len() {
                out.zero
                    .extend(cols.iter().map(|&(i, j)| (key.clone(), i, j)));
            } else {
                out.equal.push((key.clone(), cols));
            }
        }
    }
    out
}

/// The stacked model, and where each branch's columns start.
pub(crate) struct Extensive {
    pub(crate) model: Model,
    /// Per branch: the index of its first column.
    pub(crate) offsets: Vec<usize>,
    /// Non-anticipativity rows added.
    pub(crate) na_rows: usize,
    /// Columns fixed at zero by non-anticipativity.
    pub(crate) zeroed: usize,
    /// The chance constraint's `z_s` columns, by branch (empty without
    /// one).
    pub(crate) z: Vec<ColId>,
}

/// Stacks `branches` into one model minimising `Σ p_s·cost_s + λ·CVaR_α`
/// (with `λ = weight`; no CVaR columns when it is zero), subject to the
/// chance constraint on deadlines when `chance` is `Some(q)`.
///
/// # Errors
/// [`crate::ErrorKind::Model`] when the stacked model is too large.
pub(crate) fn build(
    branches: &[Branch],
    ties: &Ties,
    (alpha, weight): (f64, f64),
    chance: Option<f64>,
) -> Result<Extensive> {
    let mut b = ModelBuilder::new("extensive_form");
    b.set_objective_name("expected_cost");
    let mut offsets = Vec::with_capacity(branches.len());
    let zero: BTreeMap<(usize, usize), ()> =
        ties.zero.iter().map(|(_, i, j)| ((*i, *j), ())).collect();
    let mut c0 = 0.0;
    for (i, br) in branches.iter().enumerate() {
        let m = &br.compiled.model;
        if m.sense() != Sense::Minimize {
            return Err(Error::internal("a branch's model does not minimise cost"));
        }
        let p = br.joint.probability;
        offsets.push(b.num_cols());
        let opt = |v: f64| v.is_finite().then_some(v);
        let ids: Vec<ColId> = (0..m.num_cols())
            .map(|j| {
                let up = if zero.contains_key(&(i, j)) {
                    Some(0.0)
                } else {
                    opt(m.col_upper()[j])
                };
                b.add_col(
                    format!("s{i}.{}", &m.col_names()[j]),
                    p * m.costs()[j],
                    opt(m.col_lower()[j]),
                    up,
                    m.var_types()[j],
                )
            })
            .collect();
        let row0 = b.num_rows();
        for r in 0..m.num_rows() {
            b.add_row(
                format!("s{i}.{}", &m.row_names()[r]),
                opt(m.row_lower()[r]),
                opt(m.row_upper()[r]),
            );
        }
        for (j, &id) in ids.iter().enumerate() {
            let (ri, rv) = m.matrix().col(j);
            for (&r, &v) in ri.iter().zip(rv) {
                b.set_coef(row_id(row0 + r as usize), id, v);
            }
        }
        c0 += p * m.objective_constant();
    }
    let mut na_rows = 0;
    for (key, cols) in &ties.equal {
        let (i0, j0) = cols[0];
        for &(i, j) in &cols[1..] {
            let r = b.add_row(
                format!("na[{},s{i0}=s{i}]", key.label()),
                Some(0.0),
                Some(0.0),
            );
            // the devices committed are equal
            b.set_coef(
                r,
                col_id(offsets[i0] + j0),
                branches[i0].compiled.cols[j0].unit,
            );
            b.set_coef(
                r,
                col_id(offsets[i] + j),
                -branches[i].compiled.cols[j].unit,
            );
            na_rows += 1;
        }
    }
    if weight > 0.0 {
        // Rockafellar–Uryasev: CVaR_α = min_η η + E[(cost − η)⁺] / (1 − α)
        let eta = b.add_col(
            "cvar.eta",
            weight,
            None,
            None,
            crate::model::VarType::Continuous,
        );
        for (i, br) in branches.iter().enumerate() {
            let m = &br.compiled.model;
            let u = b.add_col(
                format!("cvar.excess[s{i}]"),
                weight * br.joint.probability / (1.0 - alpha),
                Some(0.0),
                None,
                crate::model::VarType::Continuous,
            );
            // u_s + η − cost_s ≥ c0_s
            let r = b.add_row(format!("cvar[s{i}]"), Some(m.objective_constant()), None);
            b.set_coef(r, u, 1.0);
            b.set_coef(r, eta, 1.0);
            for (j, &cj) in m.costs().iter().enumerate() {
                if cj != 0.0 {
                    b.set_coef(r, col_id(offsets[i] + j), -cj);
                }
            }
        }
    }
    let z = chance.map_or_else(Vec::new, |q| {
        super::chance::add(&mut b, branches, &offsets, q)
    });
    b.set_objective_constant(c0);
    b.set_sense(Sense::Minimize);
    Ok(Extensive {
        model: b.build()?,
        offsets,
        na_rows,
        zeroed: ties.zero.len(),
        z,
    })
}

/// `m` with the columns in `fixed` held at the given values.
///
/// # Errors
/// [`crate::ErrorKind::Model`] as [`ModelBuilder::build`].
pub(crate) fn with_fixed(m: &Model, fixed: &BTreeMap<usize, f64>) -> Result<Model> {
    let mut b = ModelBuilder::new(m.name().to_owned());
    let opt = |v: f64| v.is_finite().then_some(v);
    let ids: Vec<ColId> = (0..m.num_cols())
        .map(|j| {
            let (lo, up) = fixed.get(&j).map_or_else(
                || (opt(m.col_lower()[j]), opt(m.col_upper()[j])),
                |&v| (Some(v), Some(v)),
            );
            b.add_col(
                m.col_names()[j].to_owned(),
                m.costs()[j],
                lo,
                up,
                m.var_types()[j],
            )
        })
        .collect();
    for r in 0..m.num_rows() {
        b.add_row(
            m.row_names()[r].to_owned(),
            opt(m.row_lower()[r]),
            opt(m.row_upper()[r]),
        );
    }
    for (j, &id) in ids.iter().enumerate() {
        let (ri, rv) = m.matrix().col(j);
        for (&r, &v) in ri.iter().zip(rv) {
            b.set_coef(row_id(r as usize), id, v);
        }
    }
    b.set_objective_constant(m.objective_constant());
    b.set_objective_name(m.objective_name().to_owned());
    b.set_sense(m.sense());
    b.build()
}

fn col_id(j: usize) -> ColId {
    // sizes are checked against u32 by ModelBuilder::build
    ColId(u32::try_from(j).unwrap_or(u32::MAX))
}

fn row_id(i: usize) -> RowId {
    // sizes are checked against u32 by ModelBuilder::build
    RowId(u32::try_from(i).unwrap_or(u32::MAX))
}
