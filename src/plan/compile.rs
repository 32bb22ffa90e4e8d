//! The model compiler: a validated scenario and its performance model become
//! an LP/MILP whose every row and column carries its business meaning.
//!
//! The formulation is written out in the [`crate::plan`] module docs.

use crate::cost::{CostGap, PoolCost, pool_cost};
use crate::error::{Error, Result};
use crate::fleet::Ownership;
use crate::model::{ColId, Model, ModelBuilder, RowId, Sense, VarType};
use crate::perf::{PairRate, PerfModel, Unfit};
use crate::policy::RuleEffect;
use crate::scenario::{PhaseId, PoolId, RuleId, ValidatedScenario};
use crate::units::{Fraction, Hours};
use crate::workload::PhaseKind;
use std::collections::BTreeMap;

/// What a row of the compiled model means.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RowKind {
    /// Devices of a pool in use during an interval ≤ what the pool has then.
    Capacity {
        /// The pool.
        pool: PoolId,
        /// The interval (index into [`Compiled::intervals`]).
        interval: usize,
    },
    /// A training phase's work done by its deadline ≥ its demand (as a
    /// fraction of the work; the right-hand side is 1).
    Work {
        /// The phase.
        phase: PhaseId,
    },
    /// An inference phase's daily demand served during an interval (as a
    /// fraction of the demand).
    Serve {
        /// The phase.
        phase: PhaseId,
        /// The interval.
        interval: usize,
    },
    /// Purchases (price and levy) ≤ the capex budget.
    CapexBudget,
    /// Running costs (energy, rental, amortised capex of owned devices) ≤
    /// the opex budget.
    OpexBudget,
    /// Everything ≤ the total budget.
    TotalBudget,
    /// Devices bought under a licence ≤ its quota.
    Quota {
        /// The export rule granting the licence.
        rule: RuleId,
    },
    /// Domestic device-hours ≥ a minimum share of a phase kind's device-hours.
    DomesticShare {
        /// The phase kind.
        kind: PhaseKind,
        /// The minimum share.
        min: Fraction,
    },
    /// A single-pool training run uses at most one pool.
    SinglePool {
        /// The phase.
        phase: PhaseId,
    },
    /// Devices of a pool on a phase only if the phase uses the pool.
    Gang {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
    },
    /// A training run on a pool uses at least the devices its state needs.
    MemoryFit {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
    },
    /// A phase's devices ≤ its maximum (per interval for inference).
    PhaseMax {
        /// The phase.
        phase: PhaseId,
        /// The interval (inference), or `None` (training).
        interval: Option<usize>,
    },
    /// A phase's devices ≥ its minimum.
    PhaseMin {
        /// The phase.
        phase: PhaseId,
        /// The interval (inference), or `None` (training).
        interval: Option<usize>,
    },
    /// A lexicographic stage's bound on the previous stage's objective.
    StageBound,
}

/// What a column of the compiled model means.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ColKind {
    /// Units of devices of a pool running a training phase over its window.
    Train {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
    },
    /// Units of devices of a pool serving an inference phase in an interval.
    Serve {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
        /// The interval.
        interval: usize,
    },
    /// Units of devices bought for a purchasable pool.
    Buy {
        /// The pool.
        pool: PoolId,
    },
    /// Whether a training phase uses a pool (binary).
    Use {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
    },
    /// The fraction of a phase's demand served (most-served objective).
    Served {
        /// The phase.
        phase: PhaseId,
    },
}

/// Costs of one unit of a column, by component (USD).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitCost {
    /// Purchase price, and amortised capex of owned devices.
    pub capex: f64,
    /// Rental.
    pub rental: f64,
    /// Electricity.
    pub energy: f64,
    /// Licence levy borne by the buyer.
    pub levy: f64,
}

impl UnitCost {
    /// The sum.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.capex + self.rental + self.energy + self.levy
    }
}

/// A column with its meaning and unit figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColInfo {
    /// What it is.
    pub kind: ColKind,
    /// Devices per unit of the column.
    pub unit: f64,
    /// Hours each device of the column runs (zero for purchases and
    /// binaries).
    pub hours: f64,
    /// Whether the devices are domestic to the fleet's jurisdiction.
    pub domestic: bool,
    /// Cost of one unit.
    pub cost: UnitCost,
    /// The column's coefficient in its demand row (share of the phase's work
    /// or daily demand per unit).
    pub share: f64,
}

impl ColInfo {
    /// Device-hours per unit.
    #[must_use]
    pub fn device_hours(&self) -> f64 {
        self.unit * self.hours
    }
}

/// A row with its meaning and a human label.
#[derive(Debug, Clone, PartialEq)]
pub struct RowInfo {
    /// What it is.
    pub kind: RowKind,
    /// A sentence in business terms, e.g. "pre-training 'pretrain' needs
    /// 3.4e24 FLOP by day 120".
    pub meaning: String,
}

/// Choices the compiler needs beyond the scenario.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Pools left out (a counterfactual: e.g. every foreign pool).
    pub exclude_pools: Vec<PoolId>,
    /// Training deadlines moved (hours from the start), e.g. by a makespan
    /// search.
    pub deadlines: Vec<(PhaseId, Hours)>,
    /// Plan fractional devices (an LP) instead of whole units.
    pub fractional: bool,
    /// Add "served" columns and let demand rows be met partially.
    pub partial_demand: bool,
}

/// The compiled model and everything needed to read its solution.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The LP/MILP (objective: least total cost).
    pub model: Model,
    /// One entry per row of `model`.
    pub rows: Vec<RowInfo>,
    /// One entry per column of `model`.
    pub cols: Vec<ColInfo>,
    /// The time intervals `[start, end)` in hours from the scenario's start.
    pub intervals: Vec<(Hours, Hours)>,
    /// Per pool: its costs.
    pub pool_costs: Vec<PoolCost>,
    /// Per phase: pools that cannot run it, and why.
    pub unfit: Vec<Vec<(PoolId, Unfit)>>,
    /// Per phase: the deadline used (hours; the window end for inference).
    pub ends: Vec<Hours>,
}

fn id(i: usize) -> u32 {
    // Sizes are checked against u32 by ModelBuilder::build.
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn days(h: Hours) -> f64 {
    h.get() / 24.0
}

/// Compiles `vs` into a least-cost model.
///
/// # Errors
/// [`crate::ErrorKind::Invalid`]-like model errors when a pool's cost cannot
/// be computed (a needed figure is unknown: [`CostGap`]), or the model is too
/// large.
pub fn compile(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &CompileOptions,
) -> Result<Compiled> {
    let horizon = vs.horizon().to_hours();
    let npool = vs.pool_ids().len();
    let nphase = vs.phase_ids().len();
    let excluded = |k: PoolId| opts.exclude_pools.contains(&k);

    let pool_costs: Vec<PoolCost> = vs
        .pool_ids()
        .map(|k| {
            pool_cost(vs, k).map_err(|g: CostGap| {
                Error::model(format!("pools[{}] ({}): {g}", k.index(), vs.pool(k).name()))
            })
        })
        .collect::<Result<_>>()?;

    // Windows and intervals.
    let ends: Vec<Hours> = vs
        .phase_ids()
        .map(|p| {
            opts.deadlines
                .iter()
                .find(|(q, _)| *q == p)
                .map_or_else(|| perf.phase_end(p), |(_, h)| *h)
                .min(horizon)
        })
        .collect();
    let mut cuts: Vec<f64> = vec![0.0, horizon.get()];
    for p in vs.phase_ids() {
        cuts.push(perf.phase_start(p).get().min(horizon.get()));
        cuts.push(ends[p.index()].get());
    }
    for k in vs.pool_ids() {
        cuts.push(perf.pool_arrival(k).get());
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let intervals: Vec<(Hours, Hours)> = cuts
        .windows(2)
        .map(|w| (Hours::from_raw(w[0]), Hours::from_raw(w[1])))
        .collect();
    let in_window = |t: usize, s: Hours, e: Hours| {
        let (a, b) = intervals[t];
        a.get() >= s.get() - 1e-9 && b.get() <= e.get() + 1e-9
    };

    let mut b = ModelBuilder::new(vs.scenario().name.clone());
    b.set_objective_name("total_cost");
    let mut rows: Vec<RowInfo> = Vec::new();
    let mut cols: Vec<ColInfo> = Vec::new();
    let whole = !opts.fractional;
    let vt = if whole {
        VarType::Integer
    } else {
        VarType::Continuous
    };

    let add_row = |b: &mut ModelBuilder,
                   rows: &mut Vec<RowInfo>,
                   name: String,
                   lo: Option<f64>,
                   up: Option<f64>,
                   kind: RowKind,
                   meaning: String| {
        let r = b.add_row(name, lo, up);
        rows.push(RowInfo { kind, meaning });
        r
    };

    // ---- capacity rows (created lazily per pool and interval) ----
    let mut cap_rows: BTreeMap<(usize, usize), RowId> = BTreeMap::new();
    let cap_rhs = |k: PoolId, t: usize| -> Option<f64> {
        let p = vs.pool(k);
        let a = p.availability().get();
        match p.ownership() {
            Ownership::Owned { .. } => p.owned_devices().map(|n| a * n as f64),
            Ownership::Rentable { .. } => p.max_devices().map(|n| n as f64),
            Ownership::Purchasable { .. } => {
                let _ = t;
                Some(0.0)
            }
        }
    };
    let mut cap_row =
        |b: &mut ModelBuilder, rows: &mut Vec<RowInfo>, k: PoolId, t: usize| -> Option<RowId> {
            if let Some(r) = cap_rows.get(&(k.index(), t)) {
                return Some(*r);
            }
            let rhs = cap_rhs(k, t)?;
            let p = vs.pool(k);
            let (s, e) = intervals[t];
            let r = add_row(
                b,
                rows,
                format!("capacity[{},{}]", p.name(), t),
                None,
                Some(rhs),
                RowKind::Capacity {
                    pool: k,
                    interval: t,
                },
                format!(
                    "pool '{}' ({}) has {} devices in days {:.0}-{:.0}",
                    p.name(),
                    p.accelerator().name,
                    if p.ownership().is_purchasable() {
                        "the bought".to_owned()
                    } else {
                        format!("{rhs:.0}")
                    },
                    days(s),
                    days(e)
                ),
            );
            cap_rows.insert((k.index(), t), r);
            Some(r)
        };

    // ---- purchase columns ----
    let mut buy_col: Vec<Option<ColId>> = vec![None; npool];
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        if excluded(k) || !p.ownership().is_purchasable() {
            continue;
        }
        if matches!(p.effect_at_start().0, RuleEffect::Prohibited) {
            continue;
        }
        let g = p.granularity().max(1) as f64;
        let pc = &pool_costs[k.index()];
        let Some(buy) = pc.purchase else { continue };
        let cost = UnitCost {
            capex: g * buy.unit_price.get(),
            levy: g * buy.levy.get(),
            ..UnitCost::default()
        };
        let upper = p.max_devices().map(|m| (m as f64 / g).floor());
        let c = b.add_col(
            format!("buy[{}]", p.name()),
            cost.total(),
            Some(0.0),
            upper,
            vt,
        );
        cols.push(ColInfo {
            kind: ColKind::Buy { pool: k },
            unit: g,
            hours: 0.0,
            domestic: p.is_domestic(),
            cost,
            share: 0.0,
        });
        buy_col[k.index()] = Some(c);
    }

    // ---- phase columns ----
    let mut unfit: Vec<Vec<(PoolId, Unfit)>> = vec![Vec::new(); nphase];
    // per phase: (column, pool) of its use columns, train columns
    let mut work_entries: Vec<Vec<(ColId, f64)>> = vec![Vec::new(); nphase];
    let mut serve_entries: BTreeMap<(usize, usize), Vec<(ColId, f64)>> = BTreeMap::new();
    let mut train_cols: Vec<Vec<(PoolId, ColId, f64, u64)>> = vec![Vec::new(); nphase];
    let mut serve_cols: Vec<Vec<(usize, ColId, f64)>> = vec![Vec::new(); nphase];
    let mut cap_entries: Vec<(usize, usize, ColId, f64)> = Vec::new();

    for ph in vs.phases() {
        let p = ph.id();
        let end = ends[p.index()];
        for &k in ph.eligible_pools() {
            if excluded(k) {
                continue;
            }
            let pool = vs.pool(k);
            if pool.ownership().is_purchasable() && buy_col[k.index()].is_none() {
                continue;
            }
            let rate = match perf.pair_until(p, k, end) {
                Ok(r) => r,
                Err(u) => {
                    unfit[p.index()].push((k, u));
                    continue;
                }
            };
            let per_hour = pool_costs[k.index()].per_device_hour;
            let arrival = perf.pool_arrival(k);
            match rate {
                PairRate::Training(t) => {
                    let g = pool.granularity().max(1) as f64;
                    let hours = t.hours.get();
                    let unit_cost = UnitCost {
                        capex: g * hours * per_hour.capex.get(),
                        rental: g * hours * per_hour.rental.get(),
                        energy: g * hours * per_hour.energy.get(),
                        levy: 0.0,
                    };
                    let share = t.share_per_device_hour * hours * g;
                    let upper = capacity_units(vs, k, g);
                    let c = b.add_col(
                        format!("train[{},{}]", ph.name(), pool.name()),
                        unit_cost.total(),
                        Some(0.0),
                        upper,
                        vt,
                    );
                    cols.push(ColInfo {
                        kind: ColKind::Train { phase: p, pool: k },
                        unit: g,
                        hours,
                        domestic: pool.is_domestic(),
                        cost: unit_cost,
                        share,
                    });
                    work_entries[p.index()].push((c, share));
                    train_cols[p.index()].push((k, c, g, t.min_devices));
                    let s = perf.phase_start(p).max(arrival);
                    for ti in 0..intervals.len() {
                        if in_window(ti, s, end) {
                            cap_entries.push((k.index(), ti, c, g));
                        }
                    }
                }
                PairRate::Inference(r) => {
                    let g = r.replica.max(1) as f64;
                    let share = r.share_per_device * g;
                    let s = perf.phase_start(p).max(arrival);
                    for (ti, &(a, e)) in intervals.iter().enumerate() {
                        if !in_window(ti, s, end) {
                            continue;
                        }
                        let hours = (e - a).get();
                        if hours <= 0.0 {
                            continue;
                        }
                        let unit_cost = UnitCost {
                            capex: g * hours * per_hour.capex.get(),
                            rental: g * hours * per_hour.rental.get(),
                            energy: g * hours * per_hour.energy.get(),
                            levy: 0.0,
                        };
                        let c = b.add_col(
                            format!("serve[{},{},{}]", ph.name(), pool.name(), ti),
                            unit_cost.total(),
                            Some(0.0),
                            capacity_units(vs, k, g),
                            vt,
                        );
                        cols.push(ColInfo {
                            kind: ColKind::Serve {
                                phase: p,
                                pool: k,
                                interval: ti,
                            },
                            unit: g,
                            hours,
                            domestic: pool.is_domestic(),
                            cost: unit_cost,
                            share,
                        });
                        serve_entries
                            .entry((p.index(), ti))
                            .or_default()
                            .push((c, share));
                        serve_cols[p.index()].push((ti, c, g));
                        cap_entries.push((k.index(), ti, c, g));
                    }
                }
            }
        }
    }

    // ---- served columns (partial demand) ----
    let mut served_col: Vec<Option<ColId>> = vec![None; nphase];
    if opts.partial_demand {
        for ph in vs.phases() {
            let c = b.add_col(
                format!("served[{}]", ph.name()),
                0.0,
                Some(0.0),
                Some(1.0),
                VarType::Continuous,
            );
            cols.push(ColInfo {
                kind: ColKind::Served { phase: ph.id() },
                unit: 0.0,
                hours: 0.0,
                domestic: false,
                cost: UnitCost::default(),
                share: 0.0,
            });
            served_col[ph.id().index()] = Some(c);
        }
    }

    // ---- capacity rows ----
    for &(k, t, c, g) in &cap_entries {
        let kid = PoolId::new(k);
        if let Some(r) = cap_row(&mut b, &mut rows, kid, t) {
            b.set_coef(r, c, g);
        }
    }
    // purchases feed capacity from arrival on
    for k in vs.pool_ids() {
        let Some(bc) = buy_col[k.index()] else {
            continue;
        };
        let p = vs.pool(k);
        let g = p.granularity().max(1) as f64;
        let a = p.availability().get();
        let arrival = perf.pool_arrival(k);
        for (t, iv) in intervals.iter().enumerate() {
            if iv.0.get() + 1e-9 >= arrival.get()
                && let Some(r) = cap_rows.get(&(k.index(), t)).copied()
            {
                b.set_coef(r, bc, -a * g);
            }
        }
    }

    // ---- demand rows ----
    for ph in vs.phases() {
        let p = ph.id();
        let served = served_col[p.index()];
        let (lo, sc) = match served {
            Some(s) => (Some(0.0), Some(s)),
            None => (Some(1.0), None),
        };
        if ph.kind().is_training() {
            let work = perf.work(p);
            let r = add_row(
                &mut b,
                &mut rows,
                format!("work[{}]", ph.name()),
                lo,
                None,
                RowKind::Work { phase: p },
                format!(
                    "{} '{}' needs {} by day {:.0}",
                    kind_name(ph.kind()),
                    ph.name(),
                    work.map_or_else(
                        || "its work".to_owned(),
                        |w| format!("{:.3e} FLOP", w.get())
                    ),
                    days(ends[p.index()])
                ),
            );
            for &(c, v) in &work_entries[p.index()] {
                b.set_coef(r, c, v);
            }
            if let Some(s) = sc {
                b.set_coef(r, s, -1.0);
            }
        } else {
            let s = perf.phase_start(p);
            for (t, &(a, e)) in intervals.iter().enumerate() {
                if !in_window(t, s, ends[p.index()]) || (e - a).get() <= 0.0 {
                    continue;
                }
                let r = add_row(
                    &mut b,
                    &mut rows,
                    format!("serve[{},{}]", ph.name(), t),
                    lo,
                    None,
                    RowKind::Serve {
                        phase: p,
                        interval: t,
                    },
                    format!(
                        "inference '{}' must serve its daily tokens in days {:.0}-{:.0}",
                        ph.name(),
                        days(a),
                        days(e)
                    ),
                );
                if let Some(es) = serve_entries.get(&(p.index(), t)) {
                    for &(c, v) in es {
                        b.set_coef(r, c, v);
                    }
                }
                if let Some(sc) = sc {
                    b.set_coef(r, sc, -1.0);
                }
            }
        }
    }

    // ---- budgets ----
    let budget = &vs.scenario().budget;
    if let Some(cap) = budget.capex_usd {
        let r = add_row(
            &mut b,
            &mut rows,
            "budget.capex".into(),
            None,
            Some(cap.get()),
            RowKind::CapexBudget,
            format!(
                "purchases (price and levy) within the capex budget of ${:.4e}",
                cap.get()
            ),
        );
        for (j, c) in cols.iter().enumerate() {
            let v = if matches!(c.kind, ColKind::Buy { .. }) {
                c.cost.total()
            } else {
                0.0
            };
            if v != 0.0 {
                b.set_coef(r, ColId(id(j)), v);
            }
        }
    }
    if let Some(cap) = budget.opex_usd {
        let r = add_row(
            &mut b,
            &mut rows,
            "budget.opex".into(),
            None,
            Some(cap.get()),
            RowKind::OpexBudget,
            format!("running costs within the opex budget of ${:.4e}", cap.get()),
        );
        for (j, c) in cols.iter().enumerate() {
            let v = c.cost.rental + c.cost.energy;
            if v != 0.0 {
                b.set_coef(r, ColId(id(j)), v);
            }
        }
    }
    if let Some(cap) = budget.total_usd {
        let r = add_row(
            &mut b,
            &mut rows,
            "budget.total".into(),
            None,
            Some(cap.get()),
            RowKind::TotalBudget,
            format!("all costs within the total budget of ${:.4e}", cap.get()),
        );
        for (j, c) in cols.iter().enumerate() {
            let v = c.cost.total();
            if v != 0.0 {
                b.set_coef(r, ColId(id(j)), v);
            }
        }
    }

    // ---- licence quotas ----
    let mut quota: BTreeMap<usize, (u64, Vec<(ColId, f64)>)> = BTreeMap::new();
    for k in vs.pool_ids() {
        let Some(bc) = buy_col[k.index()] else {
            continue;
        };
        if let (RuleEffect::Licensed { quota: Some(q), .. }, Some(rule)) =
            vs.pool(k).effect_at_start()
        {
            let g = vs.pool(k).granularity().max(1) as f64;
            quota
                .entry(rule.index())
                .or_insert((q, Vec::new()))
                .1
                .push((bc, g));
        }
    }
    for (rule, (q, entries)) in quota {
        let rid = RuleId::new(rule);
        let accs: Vec<&str> = vs.rules()[rule]
            .accelerators
            .iter()
            .map(|a| vs.accelerator(*a).name.as_str())
            .collect();
        let r = add_row(
            &mut b,
            &mut rows,
            format!("quota[rule{rule}]"),
            None,
            Some(q as f64),
            RowKind::Quota { rule: rid },
            format!(
                "policy.rules[{rule}] licenses at most {q} {} devices",
                accs.join("/")
            ),
        );
        for (c, g) in entries {
            b.set_coef(r, c, g);
        }
    }

    // ---- domestic shares ----
    for kind in [
        PhaseKind::Pretraining,
        PhaseKind::Posttraining,
        PhaseKind::Inference,
    ] {
        let Some(min) = vs.domestic_share_min(kind, vs.start()) else {
            continue;
        };
        let s = min.get();
        let entries: Vec<(ColId, f64)> = cols
            .iter()
            .enumerate()
            .filter_map(|(j, c)| {
                let ph = match c.kind {
                    ColKind::Train { phase, .. } | ColKind::Serve { phase, .. } => phase,
                    _ => return None,
                };
                (vs.phase(ph).kind() == kind).then(|| {
                    let dh = c.device_hours();
                    (ColId(id(j)), dh * (f64::from(u8::from(c.domestic)) - s))
                })
            })
            .filter(|(_, v)| *v != 0.0)
            .collect();
        if entries.is_empty() {
            continue;
        }
        let r = add_row(
            &mut b,
            &mut rows,
            format!("domestic[{}]", kind_name(kind)),
            Some(0.0),
            None,
            RowKind::DomesticShare { kind, min },
            format!(
                "at least {:.0}% of {} device-hours on domestic accelerators",
                s * 100.0,
                kind_name(kind)
            ),
        );
        for (c, v) in entries {
            b.set_coef(r, c, v);
        }
    }

    // ---- single pool, gang and memory fit (MILP only) ----
    if whole {
        for ph in vs.phases() {
            let p = ph.id();
            if !ph.kind().is_training() {
                continue;
            }
            let single = ph.spec().single_pool;
            let mut uses = Vec::new();
            for &(k, c, g, min_dev) in &train_cols[p.index()] {
                let needs_u = single || (min_dev as f64) > g;
                if !needs_u {
                    continue;
                }
                let pool = vs.pool(k);
                let u = b.add_col(
                    format!("use[{},{}]", ph.name(), pool.name()),
                    0.0,
                    Some(0.0),
                    Some(1.0),
                    VarType::Integer,
                );
                cols.push(ColInfo {
                    kind: ColKind::Use { phase: p, pool: k },
                    unit: 0.0,
                    hours: 0.0,
                    domestic: pool.is_domestic(),
                    cost: UnitCost::default(),
                    share: 0.0,
                });
                uses.push(u);
                let big = capacity_units(vs, k, g)
                    .unwrap_or_else(|| {
                        // no pool limit: enough units to do the whole work alone
                        let share = work_entries[p.index()]
                            .iter()
                            .find(|(cc, _)| *cc == c)
                            .map_or(1.0, |(_, v)| *v);
                        (1.0 / share.max(1e-12)).ceil() * 4.0
                    })
                    // a run needs at least the units its training state needs
                    // (a tiny job done many times over by one unit still does)
                    .max((min_dev as f64 / g).ceil());
                let r = add_row(
                    &mut b,
                    &mut rows,
                    format!("gang[{},{}]", ph.name(), pool.name()),
                    None,
                    Some(0.0),
                    RowKind::Gang { phase: p, pool: k },
                    format!(
                        "'{}' runs on '{}' only if it uses that pool",
                        ph.name(),
                        pool.name()
                    ),
                );
                b.set_coef(r, c, 1.0).set_coef(r, u, -big);
                if (min_dev as f64) > g {
                    let r = add_row(
                        &mut b,
                        &mut rows,
                        format!("memfit[{},{}]", ph.name(), pool.name()),
                        Some(0.0),
                        None,
                        RowKind::MemoryFit { phase: p, pool: k },
                        format!(
                            "a run of '{}' on '{}' needs at least {min_dev} devices to hold its training state",
                            ph.name(),
                            pool.name()
                        ),
                    );
                    b.set_coef(r, c, g).set_coef(r, u, -(min_dev as f64));
                }
            }
            if single && uses.len() > 1 {
                let r = add_row(
                    &mut b,
                    &mut rows,
                    format!("single_pool[{}]", ph.name()),
                    None,
                    Some(1.0),
                    RowKind::SinglePool { phase: p },
                    format!("'{}' runs on one pool (no heterogeneous run)", ph.name()),
                );
                for u in uses {
                    b.set_coef(r, u, 1.0);
                }
            }
        }
    }

    // ---- phase device limits ----
    for ph in vs.phases() {
        let p = ph.id();
        let (mn, mx) = (ph.min_devices(), ph.max_devices());
        if mn.is_none() && mx.is_none() {
            continue;
        }
        type Group = (Option<usize>, Vec<(ColId, f64)>);
        let groups: Vec<Group> = if ph.kind().is_training() {
            vec![(
                None,
                train_cols[p.index()]
                    .iter()
                    .map(|&(_, c, g, _)| (c, g))
                    .collect(),
            )]
        } else {
            let mut by_t: BTreeMap<usize, Vec<(ColId, f64)>> = BTreeMap::new();
            for &(t, c, g) in &serve_cols[p.index()] {
                by_t.entry(t).or_default().push((c, g));
            }
            by_t.into_iter().map(|(t, v)| (Some(t), v)).collect()
        };
        for (t, entries) in groups {
            if let Some(m) = mx {
                let r = add_row(
                    &mut b,
                    &mut rows,
                    format!(
                        "max_devices[{}{}]",
                        ph.name(),
                        t.map_or(String::new(), |t| format!(",{t}"))
                    ),
                    None,
                    Some(m as f64),
                    RowKind::PhaseMax {
                        phase: p,
                        interval: t,
                    },
                    format!("'{}' uses at most {m} devices", ph.name()),
                );
                for &(c, g) in &entries {
                    b.set_coef(r, c, g);
                }
            }
            if let Some(m) = mn {
                let r = add_row(
                    &mut b,
                    &mut rows,
                    format!(
                        "min_devices[{}{}]",
                        ph.name(),
                        t.map_or(String::new(), |t| format!(",{t}"))
                    ),
                    Some(m as f64),
                    None,
                    RowKind::PhaseMin {
                        phase: p,
                        interval: t,
                    },
                    format!("'{}' uses at least {m} devices", ph.name()),
                );
                for &(c, g) in &entries {
                    b.set_coef(r, c, g);
                }
            }
        }
    }

    b.set_sense(Sense::Minimize);
    let model = b.build()?;
    debug_assert_eq!(model.num_rows(), rows.len());
    debug_assert_eq!(model.num_cols(), cols.len());
    Ok(Compiled {
        model,
        rows,
        cols,
        intervals,
        pool_costs,
        unfit,
        ends,
    })
}

/// Units of `g` devices a pool can hold at most, if limited.
fn capacity_units(vs: &ValidatedScenario, k: PoolId, g: f64) -> Option<f64> {
    let p = vs.pool(k);
    let n = match p.ownership() {
        Ownership::Owned { .. } => p.owned_devices().map(|n| n as f64 * p.availability().get()),
        Ownership::Rentable { .. } => p.max_devices().map(|n| n as f64),
        Ownership::Purchasable { .. } => p.max_devices().map(|n| n as f64 * p.availability().get()),
    }?;
    Some((n / g).floor().max(0.0))
}

/// The phase kind as a word.
#[must_use]
pub fn kind_name(k: PhaseKind) -> &'static str {
    match k {
        PhaseKind::Pretraining => "pre-training",
        PhaseKind::Posttraining => "post-training",
        PhaseKind::Inference => "inference",
    }
}
