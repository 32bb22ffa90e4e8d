//! The whole-device family (MILP only): single-pool runs and memory fit.
//!
//! ```text
//! use[p,k] ∈ {0, 1}   whether training phase p runs on pool k (per window w
//!                     when the pool has several: use[p,k,w], gang[p,k,w], …)
//! gang[p,k]:          train[p,k] − M_pk·use[p,k] ≤ 0
//! memfit[p,k]:        g_k·train[p,k] − m_pk·use[p,k] ≥ 0   (m_pk: devices the training state needs)
//! single_pool[p]:     Σ_k use[p,k] ≤ 1
//! one_site[p,k,k']:   use[p,k] + use[p,k'] ≤ 1   (k, k' at different sites)
//! one_vendor[p,k,k']: use[p,k] + use[p,k'] ≤ 1   (k, k' of different vendors)
//! ```
//!
//! A training run stays at one site and on one vendor's accelerators unless
//! the phase sets `allow_cross_site` / `allow_cross_vendor`: every pair of
//! its pools that differ gets a row that lets at most one of them run it.
//!
//! A single-pool run does the whole work on its pool: `share_pk·train[p,k]
//! ≥ use[p,k]` holds in every whole-device plan (the work row needs the
//! work from the one pool whose `use` is set; the gang rows zero the
//! rest). With the gang row it says only that a pool whose most (`M_pk`
//! units, within the phase's device limit) does less than the whole work
//! takes no part, so it is stated as `use[p,k] ≤ 0` for those pairs
//! (`use_upper`) rather than as rows; the relaxation then no longer
//! spreads such a phase over pools too small for it. Under the
//! most-served objective a phase may be met in part, and the bound is not
//! set.
//!
//! Rows that count devices (`capacity`, `delivery`, `buy_limit`, `quota`,
//! the phase's device limits; [`counts_devices`]) whose columns are all
//! whole, with coefficients that are whole multiples of a step `g`, may
//! have their bounds moved in to multiples of `g` ([`on_step`]): every
//! whole-device plan's activity there is such a multiple, so none is cut
//! off, while the relaxation loses the part of a unit no plan can run
//! (1,000 owned devices at availability 0.95 in units of 8: 944 at once,
//! not 950). The relaxation-first path does it in its projected
//! relaxation (`relaxed`); at 2,000 pools × 500 phases it raises the bound
//! by $14k of $31.5M, about the part of the gap that pools the relaxation
//! filled to a fraction of a unit made. The compiled model keeps the
//! bounds as stated: on the smaller models branch-and-bound solves, its
//! root cuts already find more than the rounding gives (at 125 × 31 the
//! rounded root closed at $9,059,492 after cuts against $9,061,537
//! without it). Rows of money, work or shares are never moved: their
//! coefficients are prices and rates.
//!
//! A `use` binary exists for a pair when the phase must run on one pool or
//! when its training state needs more devices than one unit (`m_pk > g_k`):
//! a run is then either absent or at least `m_pk` devices. `M_pk` is the
//! pool's capacity in units, or, for an unlimited pool, four times the units
//! that would do the whole work alone.

use super::work::MAX_WORK_SHARE;
use super::{ColInfo, ColKind, Ctx, Gang, RowKind, UnitCost, capacity_units, days};
use crate::model::ColId;
use crate::model::Model;
use crate::model::VarType;
use crate::scenario::{PhaseId, PoolId, ValidatedScenario};
use crate::units::Hours;

/// How far below the whole work a run's most may fall and still count as
/// doing it (rounding in the rates and shares).
const WHOLE_WORK_TOL: f64 = 1e-9;

pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for ph in vs.phases() {
        let p = ph.id();
        if !ph.kind().is_training() {
            continue;
        }
        let single = ph.spec().single_pool;
        let mut uses = Vec::new();
        let mut use_keys: Vec<(PoolId, String)> = Vec::new();
        // failed runs (compile::work) take no part in these rows
        let cols: Vec<_> = cx.train_cols[p.index()]
            .iter()
            .copied()
            .filter(|&(k, c, _, _)| {
                let w = cx.cols[c.index()].window;
                vs.run_fails(p, k, w.0.get(), w.1.get()).is_none()
            })
            .collect();
        let (sites, vendors) = split_groups(vs, &cols);
        let one_site = !ph.spec().allow_cross_site && sites;
        let one_vendor = !ph.spec().allow_cross_vendor && vendors;
        for &(k, c, g, min_dev) in &cols {
            let needs_u = single || one_site || one_vendor || (min_dev as f64) > g;
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
            let share = cx.cols[c.index()].share;
            let big = big_m(vs, k, g, share, min_dev);
            let whole_work = single && cx.served_col[p.index()].is_none();
            let u = cx.add_col(
                name,
                Some(use_upper(vs, p, g, share, big, whole_work)),
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
            use_keys.push((k, suffix.clone()));
            cx.gangs.push(Gang {
                row: r,
                train: c,
                use_col: u,
                pool: k,
                unit: g,
                min_devices: min_dev,
                whole_work,
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
            cx.set_row(r, uses.iter().map(|&u| (u, 1.0)));
        }
        if one_site {
            exclusive_pairs(cx, p, &uses, &use_keys, Split::Site);
        }
        if one_vendor {
            exclusive_pairs(cx, p, &uses, &use_keys, Split::Vendor);
        }
    }
}

/// What a training run must not be split across.
#[derive(Clone, Copy)]
enum Split {
    Site,
    Vendor,
}

fn group_of(vs: &ValidatedScenario, k: PoolId, split: Split) -> String {
    let pool = vs.pool(k);
    match split {
        Split::Site => pool.site().to_string(),
        Split::Vendor => crate::catalog::vendor_key(&pool.accelerator().vendor),
    }
}

/// Whether a training phase's pools span several sites, several vendors.
fn split_groups(vs: &ValidatedScenario, cols: &[(PoolId, ColId, f64, u64)]) -> (bool, bool) {
    let spans = |split| {
        let mut g = cols.iter().map(|c| group_of(vs, c.0, split));
        let first = g.next();
        g.any(|x| Some(x) != first)
    };
    (spans(Split::Site), spans(Split::Vendor))
}

/// `one_site[p,k,k']` / `one_vendor[p,k,k']`: of two `use` binaries of
/// pools in different groups, at most one is set.
fn exclusive_pairs(
    cx: &mut Ctx<'_>,
    p: PhaseId,
    uses: &[ColId],
    keys: &[(PoolId, String)],
    split: Split,
) {
    let vs = cx.vs;
    let name = vs.phase(p).name();
    let (row, what, kind) = match split {
        Split::Site => ("one_site", "site", RowKind::OneSite { phase: p }),
        Split::Vendor => ("one_vendor", "vendor", RowKind::OneVendor { phase: p }),
    };
    for (i, a) in keys.iter().enumerate() {
        for (j, b) in keys.iter().enumerate().skip(i + 1) {
            let (ga, gb) = (group_of(vs, a.0, split), group_of(vs, b.0, split));
            if ga == gb {
                continue;
            }
            let (pa, pb) = (vs.pool(a.0).name(), vs.pool(b.0).name());
            let r = cx.add_row(
                format!("{row}[{name},{pa}{},{pb}{}]", a.1, b.1),
                None,
                Some(1.0),
                kind,
                format!(
                    "'{name}' trains at one {what}: not on both '{pa}' ({ga}) and '{pb}' ({gb}); set allow_cross_{what} on the phase to allow it"
                ),
            );
            cx.set_row(r, [(uses[i], 1.0), (uses[j], 1.0)]);
        }
    }
}

/// The upper bound of `use[p,k]` for a training column of `g` devices per
/// unit whose unit does `share` of the work, with big-M `big`: 1, or 0
/// when the run must do the phase's whole work on the pool (`whole_work`:
/// a single-pool phase without a `served` column) and the pool at its most
/// (`big` units, within the phase's device limit) cannot. The row this
/// stands for, `share·train[p,k] ≥ use[p,k]`, is valid for every
/// whole-device plan (the one pool a single-pool run uses does all its
/// work) and, with the gang row, empties exactly these pairs; it cuts off
/// the relaxation's plans that spread such a phase over pools too small
/// for it.
pub(super) fn use_upper(
    vs: &ValidatedScenario,
    p: PhaseId,
    g: f64,
    share: f64,
    big: f64,
    whole_work: bool,
) -> f64 {
    let most = vs
        .phase(p)
        .max_devices()
        .map_or(big, |m| big.min((m as f64 / g).floor()));
    if !whole_work || share.min(MAX_WORK_SHARE) * most >= 1.0 - WHOLE_WORK_TOL {
        1.0
    } else {
        0.0
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

/// Per row of `m`: `Some(g)` when each of its entries is of an integer
/// column and a whole multiple of `g`, the least of them in magnitude: the
/// row's activity in every whole-device plan is then a multiple of `g`.
pub(crate) fn integer_steps(m: &Model) -> Vec<Option<f64>> {
    let mut least = vec![f64::INFINITY; m.num_rows()];
    let mut ok = vec![true; m.num_rows()];
    for j in 0..m.num_cols() {
        let int = m.var_types()[j] == VarType::Integer;
        let (idx, val) = m.matrix().col(j);
        for (&i, &v) in idx.iter().zip(val) {
            let i = i as usize;
            ok[i] &= int && v.is_finite() && v != 0.0;
            least[i] = least[i].min(v.abs());
        }
    }
    for j in 0..m.num_cols() {
        let (idx, val) = m.matrix().col(j);
        for (&i, &v) in idx.iter().zip(val) {
            let i = i as usize;
            if ok[i] {
                let q = v.abs() / least[i];
                ok[i] = (q - q.round()).abs() <= STEP_TOL * q;
            }
        }
    }
    least
        .into_iter()
        .zip(ok)
        .map(|(g, ok)| (ok && g.is_finite() && g > 0.0).then_some(g))
        .collect()
}

/// Per row of `c`'s whole-device model: its step ([`integer_steps`]) when
/// it counts devices ([`counts_devices`]).
pub(crate) fn device_steps(c: &super::Compiled) -> Vec<Option<f64>> {
    let m = &c.model;
    let mut steps = integer_steps(m);
    for (s, row) in steps.iter_mut().zip(&c.rows) {
        if !counts_devices(row.kind) {
            *s = None;
        }
    }
    steps
}

/// Whether rows of kind `k` count devices (or units of them), whose
/// coefficients are fixed by the pools' granularities: their bounds may
/// be moved to multiples of the step ([`on_step`]). Rows of money, work
/// or shares are not, so a change of prices in a session never leaves a
/// bound rounded to a step the row no longer has.
pub(crate) fn counts_devices(k: RowKind) -> bool {
    matches!(
        k,
        RowKind::Capacity { .. }
            | RowKind::PhaseMax { .. }
            | RowKind::PhaseMin { .. }
            | RowKind::Quota { .. }
            | RowKind::Delivery { .. }
            | RowKind::BuyLimit { .. }
    )
}

/// How far from a whole multiple of a row's step a coefficient (relative)
/// and a bound (in steps) may be and still count as one.
const STEP_TOL: f64 = 1e-9;

/// The bounds `[lo, up]` of a row whose activity is a multiple of `g`,
/// moved in to the nearest multiples (`capacity` of 950 devices in units
/// of 8: 944).
pub(crate) fn on_step(lo: f64, up: f64, g: f64) -> (f64, f64) {
    let lo = if lo.is_finite() {
        g * (lo / g - STEP_TOL).ceil()
    } else {
        lo
    };
    let up = if up.is_finite() {
        g * (up / g + STEP_TOL).floor()
    } else {
        up
    };
    (lo, up)
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "moved bounds are whole multiples, exactly"
)]
mod tests {
    use super::*;
    use crate::model::{RowId, Sense};
    use crate::plan::compile::{CompileOptions, compile};
    use crate::plan::hand;
    use crate::solver::{self, SolveOptions, Status};

    fn compiled(fractional: bool) -> super::super::Compiled {
        let vs = crate::scenario::Scenario::from_toml_str(&hand::fractional_capacity())
            .expect("parses")
            .validate()
            .expect("valid");
        let perf = crate::perf::PerfModel::new(&vs);
        let opts = CompileOptions {
            fractional,
            ..CompileOptions::default()
        };
        compile(&vs, &perf, &opts).expect("compiles")
    }

    /// `m` with each row that has a step moved onto it.
    fn rounded(m: &Model, steps: &[Option<f64>]) -> Model {
        let mut out = m.clone();
        for (i, g) in steps.iter().enumerate() {
            if let Some(g) = *g {
                let (lo, up) = on_step(m.row_lower()[i], m.row_upper()[i], g);
                let f = |v: f64| v.is_finite().then_some(v);
                out.set_row_bounds(RowId(i as u32), f(lo), f(up))
                    .expect("bounds");
            }
        }
        out
    }

    fn solve(m: &Model) -> f64 {
        let o = SolveOptions::default()
            .with_relative_gap(0.0)
            .with_absolute_gap(1e-9);
        let s = solver::solve(m, &o).expect("solves");
        assert_eq!(s.status, Status::Optimal);
        s.objective.expect("an optimum")
    }

    /// The capacity row of the whole-device model, moved onto its step
    /// ([`device_steps`], [`on_step`]), holds the 9 whole devices the pool
    /// can run (the model states 9.5, as the fractional one does); the
    /// move cuts off no whole-device plan (branch-and-bound proves the
    /// same optimum), and the relaxation, which could run 9.5 cheap
    /// devices, rises.
    #[test]
    fn a_capacity_row_moved_onto_its_step_holds_whole_devices_only() {
        let whole = compiled(false);
        let frac = compiled(true);
        assert_eq!(whole.model.sense(), Sense::Minimize);
        assert_eq!(hand::cheap_capacity(&frac.model), 9.5);
        assert_eq!(hand::cheap_capacity(&whole.model), 9.5);
        let steps = device_steps(&whole);
        assert!(steps.iter().any(Option::is_some));
        let tight = rounded(&whole.model, &steps);
        assert_eq!(hand::cheap_capacity(&tight), 9.0);
        let (z, z_tight) = (solve(&whole.model), solve(&tight));
        assert!((z - z_tight).abs() <= 1e-9 * z.abs(), "{z} vs {z_tight}");
        let (r, r_tight) = (solve(&whole.model.relaxation()), solve(&tight.relaxation()));
        assert!(r_tight > r + 1e-6, "relaxation {r_tight} vs {r}");
        assert!(
            r_tight <= z + 1e-9 * z.abs(),
            "relaxation {r_tight} above the optimum {z}"
        );
        // the work rows (rates) and budgets are never moved
        for (i, row) in whole.rows.iter().enumerate() {
            if !counts_devices(row.kind) {
                assert!(steps[i].is_none(), "{}", &whole.model.row_names()[i]);
            }
        }
    }

    #[test]
    fn a_rows_step_is_its_least_coefficient_when_the_others_are_whole_multiples() {
        // 8 and 16 per unit: a step of 8; 950 usable devices hold 944
        assert_eq!(
            on_step(f64::NEG_INFINITY, 950.0, 8.0),
            (f64::NEG_INFINITY, 944.0)
        );
        assert_eq!(on_step(9.0, f64::INFINITY, 8.0), (16.0, f64::INFINITY));
        // a bound on a multiple in all but rounding stays
        assert_eq!(on_step(f64::NEG_INFINITY, 24.000_000_000_001, 8.0).1, 24.0);
        assert_eq!(on_step(f64::NEG_INFINITY, 23.999_999_999_999, 8.0).1, 24.0);
        let mut b = crate::model::ModelBuilder::new("steps".to_owned());
        let x = b.add_col("x".to_owned(), 1.0, Some(0.0), None, VarType::Integer);
        let y = b.add_col("y".to_owned(), 1.0, Some(0.0), None, VarType::Integer);
        let z = b.add_col("z".to_owned(), 1.0, Some(0.0), None, VarType::Continuous);
        let r0 = b.add_row("steps".to_owned(), None, Some(950.0));
        b.set_coef(r0, x, 8.0).set_coef(r0, y, 16.0);
        let r1 = b.add_row("mixed".to_owned(), None, Some(950.0));
        b.set_coef(r1, x, 8.0).set_coef(r1, z, 16.0);
        let r2 = b.add_row("odd".to_owned(), None, Some(950.0));
        b.set_coef(r2, x, 8.0).set_coef(r2, y, 12.0);
        let m = b.build().expect("builds");
        let steps = integer_steps(&m);
        // a continuous column, or 12 not a multiple of 8: no step
        assert_eq!(steps, vec![Some(8.0), None, None]);
        let m = rounded(&m, &steps);
        assert_eq!(m.row_upper(), &[944.0, 950.0, 950.0]);
    }
}
