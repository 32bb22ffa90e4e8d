//! The whole-device family (MILP only): single-pool runs and memory fit.
//!
//! ```text
//! use[p,k] ∈ {0, 1}   whether training phase p runs on pool k (per window w
//!                     when the pool has several: use[p,k,w], gang[p,k,w], …)
//! gang[p,k]:          train[p,k] − M_pk·use[p,k] ≤ 0
//! memfit[p,k]:        g_k·train[p,k] − m_pk·use[p,k] ≥ 0   (m_pk: devices the training state needs)
//! single_pool[p]:     Σ_k use[p,k] ≤ 1
//! ```
//!
//! A `use` binary exists for a pair when the phase must run on one pool or
//! when its training state needs more devices than one unit (`m_pk > g_k`):
//! a run is then either absent or at least `m_pk` devices. `M_pk` is the
//! pool's capacity in units, or, for an unlimited pool, four times the units
//! that would do the whole work alone.

use super::{ColInfo, ColKind, Ctx, Gang, RowKind, UnitCost, capacity_units, days};
use crate::model::VarType;
use crate::scenario::{PoolId, ValidatedScenario};
use crate::units::Hours;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for ph in vs.phases() {
        let p = ph.id();
        if !ph.kind().is_training() {
            continue;
        }
        let single = ph.spec().single_pool;
        let mut uses = Vec::new();
        // failed runs (compile::work) take no part in these rows
        let cols: Vec<_> = cx.train_cols[p.index()]
            .iter()
            .copied()
            .filter(|&(k, c, _, _)| {
                let w = cx.cols[c.index()].window;
                vs.run_fails(p, k, w.0.get(), w.1.get()).is_none()
            })
            .collect();
        for &(k, c, g, min_dev) in &cols {
            let needs_u = single || (min_dev as f64) > g;
            if !needs_u {
                continue;
            }
            let pool = vs.pool(k);
            // a pool with several windows gets a binary per window
            let windows = cols.iter().filter(|w| w.0 == k).count();
            let name = if windows > 1 {
                format!(
                    "use[{},{},d{:.1}]",
                    ph.name(),
                    pool.name(),
                    days(cx.cols[c.index()].window.0)
                )
            } else {
                format!("use[{},{}]", ph.name(), pool.name())
            };
            let u = cx.add_col(
                name,
                Some(1.0),
                VarType::Integer,
                ColInfo {
                    kind: ColKind::Use { phase: p, pool: k },
                    unit: 0.0,
                    hours: 0.0,
                    domestic: pool.is_domestic(),
                    cost: UnitCost::default(),
                    share: 0.0,
                    window: (Hours::ZERO, Hours::ZERO),
                },
            );
            uses.push(u);
            let big = big_m(vs, k, g, cx.cols[c.index()].share, min_dev);
            let suffix = if windows > 1 {
                format!(",d{:.1}", days(cx.cols[c.index()].window.0))
            } else {
                String::new()
            };
            let r = cx.add_row(
                format!("gang[{},{}{suffix}]", ph.name(), pool.name()),
                None,
                Some(0.0),
                RowKind::Gang { phase: p, pool: k },
                format!(
                    "'{}' runs on '{}' only if it uses that pool",
                    ph.name(),
                    pool.name()
                ),
            );
            cx.set_row(r, [(c, 1.0), (u, -big)]);
            cx.gangs.push(Gang {
                row: r,
                train: c,
                use_col: u,
                pool: k,
                unit: g,
                min_devices: min_dev,
            });
            if (min_dev as f64) > g {
                let r = cx.add_row(
                    format!("memfit[{},{}{suffix}]", ph.name(), pool.name()),
                    Some(0.0),
                    None,
                    RowKind::MemoryFit { phase: p, pool: k },
                    format!(
                        "a run of '{}' on '{}' needs at least {min_dev} devices to hold its training state",
                        ph.name(),
                        pool.name()
                    ),
                );
                cx.set_row(r, [(c, g), (u, -(min_dev as f64))]);
            }
        }
        if single && uses.len() > 1 {
            let r = cx.add_row(
                format!("single_pool[{}]", ph.name()),
                None,
                Some(1.0),
                RowKind::SinglePool { phase: p },
                format!("'{}' runs on one pool (no heterogeneous run)", ph.name()),
            );
            cx.set_row(r, uses.into_iter().map(|u| (u, 1.0)));
        }
    }
}

/// The big-M of `gang[p,k]` for a training column of `g` devices per unit
/// whose unit does `share` of the work: the pool's limit in units, else
/// enough units to do the whole work alone (four times over); never below
/// the units the run's training state needs (a tiny job done many times
/// over by one unit still needs them).
pub(super) fn big_m(vs: &ValidatedScenario, k: PoolId, g: f64, share: f64, min_dev: u64) -> f64 {
    capacity_units(vs, k, g)
        .unwrap_or_else(|| (1.0 / share.max(1e-12)).ceil() * 4.0)
        .max((min_dev as f64 / g).ceil())
}
