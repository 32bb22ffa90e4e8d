//! The model compiler: a validated scenario and its performance model become
//! an LP/MILP whose every row and column carries its business meaning.
//!
//! The compiler is a driver ([`compile()`]) over *constraint families*, each in
//! its own file with its part of the formulation beside it:
//!
//! | family | file | columns and rows |
//! |---|---|---|
//! | time | `time.rs` | the intervals every other family is cut by |
//! | purchases | `purchases.rs` | `buy[k]` |
//! | work (training) | `work.rs` | `train[p,k]`, `work[p]` |
//! | serving (inference) | `serving.rs` | `serve[p,k,t]`, `serve[p,t]` |
//! | partial demand | `demand.rs` | `served[p]` (most-served objective) |
//! | capacity | `capacity.rs` | `capacity[k,t]` (and purchases feeding it) |
//! | budgets | `budgets.rs` | `budget.capex`, `budget.opex`, `budget.total` |
//! | quotas | `quotas.rs` | `quota[r]` |
//! | domestic shares | `domestic.rs` | `domestic[κ]` |
//! | whole devices | `whole.rs` | `use[p,k]`, `gang[p,k]`, `memfit[p,k]`, `single_pool[p]` |
//! | device limits | `limits.rs` | `max_devices[p(,t)]`, `min_devices[p(,t)]` |
//!
//! Families share one `Ctx`: the scenario, the performance model, the
//! timeline, the model being built with its row and column labels, and the
//! indexes one family leaves for the next (which column buys pool `k`, which
//! columns enter phase `p`'s work row, ...). A new family is one new file and
//! one call in [`compile()`]. The whole formulation is written out in the
//! [`crate::plan`] module docs; [`mod@super::verify`] checks a plan family by
//! family without this compiler.

mod budgets;
mod capacity;
mod demand;
mod domestic;
mod limits;
mod purchases;
mod quotas;
mod serving;
mod time;
mod update;
mod whole;
mod work;

pub(crate) use update::{Change, Refresh};

use crate::cost::{CostGap, PoolCost, pool_cost};
use crate::error::{Error, Result};
use crate::model::{ColId, Model, ModelBuilder, RowId, Sense, VarType};
use crate::perf::{PairRate, PerfModel, Unfit};
use crate::scenario::{PhaseId, PoolId, RuleId, ValidatedScenario};
use crate::units::{Fraction, Hours};
use crate::workload::PhaseKind;
use std::collections::BTreeMap;

pub(crate) use capacity::capacity_units;
pub use serving::ServeRole;
use time::Timeline;
pub(crate) use whole::{device_steps, on_step};
pub(crate) use work::MAX_WORK_SHARE;

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
    /// Rental and energy ≤ the opex budget (amortised capex of owned
    /// devices counts only towards the total budget).
    OpexBudget,
    /// Everything ≤ the total budget.
    TotalBudget,
    /// Devices bought under a licence ≤ its quota.
    Quota {
        /// The export rule granting the licence.
        rule: RuleId,
        /// The period, for a per-period quota.
        period: Option<usize>,
    },
    /// Domestic device-hours ≥ a minimum share of a phase kind's
    /// device-hours, over a time window (the horizon, or a period or the
    /// part of the horizon where one minimum is in force).
    DomesticShare {
        /// The phase kind.
        kind: PhaseKind,
        /// The minimum share.
        min: Fraction,
        /// The window `[from, to)` in hours whose device-hours count.
        window: (Hours, Hours),
    },
    /// Devices of a pool arriving in a period ≤ its delivery schedule's cap.
    Delivery {
        /// The pool.
        pool: PoolId,
        /// The period.
        period: usize,
    },
    /// Devices bought for a pool over all its orders ≤ its limit.
    BuyLimit {
        /// The pool.
        pool: PoolId,
    },
    /// A single-pool training run uses at most one pool.
    SinglePool {
        /// The phase.
        phase: PhaseId,
    },
    /// A training run stays at one site (two pools at different sites:
    /// at most one is used).
    OneSite {
        /// The phase.
        phase: PhaseId,
    },
    /// A training run stays on one vendor's accelerators.
    OneVendor {
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
    /// A bound on a disaggregated phase's KV-cache flows in an interval.
    Kv {
        /// The phase.
        phase: PhaseId,
        /// The interval.
        interval: usize,
        /// What bounds the flows.
        bound: KvBound,
    },
}

/// What a [`RowKind::Kv`] row bounds (the serving family's docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KvBound {
    /// Requests prefilled on a pool ≤ its prefill devices' capacity.
    Prefill(PoolId),
    /// Requests decoded on a pool ≤ its decode devices' capacity.
    Decode(PoolId),
    /// KV bytes a pool's prefill devices send ≤ their scale-out bandwidth.
    Send(PoolId),
    /// KV bytes a pool's decode devices receive ≤ their scale-out bandwidth.
    Receive(PoolId),
    /// KV bytes over an explicit link (prefill pool, decode pool) ≤ its
    /// bandwidth.
    Link(PoolId, PoolId),
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
    /// Units of devices of a pool serving an inference phase in an interval:
    /// prefill and decode together (co-located), or one of them for a
    /// disaggregated phase.
    Serve {
        /// The phase.
        phase: PhaseId,
        /// The pool.
        pool: PoolId,
        /// The interval.
        interval: usize,
        /// What the devices do.
        role: ServeRole,
    },
    /// The fraction of a disaggregated phase's (peak-sized) daily requests
    /// in an interval prefilled on one pool and decoded on another, with
    /// the KV cache moved between them.
    KvFlow {
        /// The phase.
        phase: PhaseId,
        /// The pool running prefill.
        prefill: PoolId,
        /// The pool running decode.
        decode: PoolId,
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
///
/// `capex` and `levy` are cash (what a purchase pays, and the amortised
/// capex of owned devices); `capital` is what the objective charges for
/// them: the same under `[economics] capex = "cash"`, the part of the
/// straight-line depreciation that falls inside the horizon under
/// `"depreciated"` (the default).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitCost {
    /// Purchase price (cash), and amortised capex of owned devices.
    pub capex: f64,
    /// Rental.
    pub rental: f64,
    /// Electricity.
    pub energy: f64,
    /// Licence levy borne by the buyer (cash).
    pub levy: f64,
    /// What the plan is charged for `capex` and `levy`.
    pub capital: f64,
    /// Moving KV cache between pools (disaggregated serving).
    pub transfer: f64,
}

impl UnitCost {
    /// What the objective counts: capital charge, rental, energy and
    /// transfers.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.capital + self.rental + self.energy + self.transfer
    }

    /// Cash: capex, levy, rental, energy and transfers (what budgets
    /// limit).
    #[must_use]
    pub fn cash(&self) -> f64 {
        self.capex + self.levy + self.rental + self.energy + self.transfer
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
    /// When the column's devices are held, `[from, to)` in hours: a training
    /// run's window, a serving interval; for a purchase, the order and the
    /// arrival; zero otherwise.
    pub window: (Hours, Hours),
}

impl ColInfo {
    /// Device-hours per unit.
    #[must_use]
    pub fn device_hours(&self) -> f64 {
        self.unit * self.hours
    }

    /// Device-hours per unit held inside `[from, to)`: all of them when
    /// the column's window lies inside, else the overlap.
    #[must_use]
    pub fn device_hours_in(&self, (from, to): (Hours, Hours)) -> f64 {
        let (a, b) = self.window;
        if a.get() >= from.get() - 1e-9 && b.get() <= to.get() + 1e-9 {
            return self.device_hours();
        }
        self.unit * (b.get().min(to.get()) - a.get().max(from.get())).max(0.0)
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
    /// Extra instants (hours from the start) where time is cut and
    /// purchasable pools may order, e.g. the dates of risks, so that every
    /// joint scenario of a plan under risk has the same decision times
    /// ([`crate::risk`]).
    pub cuts: Vec<Hours>,
    /// Let training run late: besides its windows ending at the deadline,
    /// each (training phase, pool) pair gets windows ending at this hour
    /// (capped at the horizon), whose work counts in `work[p]` but is not
    /// done by the deadline. A plan under risk with a chance constraint on
    /// deadlines uses it with the horizon ([`crate::risk`]); `None` (the
    /// default) adds nothing.
    pub late_until: Option<Hours>,
}

/// The compiled model and everything needed to read its solution.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The LP/MILP (objective: least total cost).
    pub(crate) model: Model,
    /// One entry per row of `model`.
    pub(crate) rows: Vec<RowInfo>,
    /// One entry per column of `model`.
    pub(crate) cols: Vec<ColInfo>,
    /// The time intervals `[start, end)` in hours from the scenario's start.
    pub(crate) intervals: Vec<(Hours, Hours)>,
    /// Per pool: its costs.
    pub(crate) pool_costs: Vec<PoolCost>,
    /// Per phase: pools that cannot run it, and why.
    pub(crate) unfit: Vec<Vec<(PoolId, Unfit)>>,
    /// Per phase: the deadline used (hours; the window end for inference).
    pub(crate) ends: Vec<Hours>,
    /// The `gang` rows of whole-device models, with what their big-M is
    /// made of (a session recomputes it when a pool's limit changes).
    pub(crate) gangs: Vec<Gang>,
    /// Per KV-flow column (by column index): its traffic per unit.
    pub(crate) kv_flows: BTreeMap<usize, KvFlowInfo>,
    /// Training columns whose window ends after the phase's deadline
    /// ([`CompileOptions::late_until`]), by column index, ascending.
    pub(crate) late: Vec<usize>,
}

/// The KV-cache traffic of one unit of a KV-flow column (all of the
/// interval's requests served through the pair).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct KvFlowInfo {
    /// Peak-sized prompt tokens per day.
    pub(crate) input_per_day: f64,
    /// Bytes per second at the busiest hour.
    pub(crate) bytes_per_sec: f64,
    /// Bytes over the interval at the average rate.
    pub(crate) bytes: f64,
}

impl Compiled {
    /// The LP/MILP (objective: least total cost).
    #[must_use]
    pub fn model(&self) -> &Model {
        &self.model
    }
    /// The LP/MILP, without the labels.
    #[must_use]
    pub fn into_model(self) -> Model {
        self.model
    }
    /// What each row of [`Compiled::model`] means, by row index.
    #[must_use]
    pub fn rows(&self) -> &[RowInfo] {
        &self.rows
    }
    /// What each column of [`Compiled::model`] means, by column index.
    #[must_use]
    pub fn cols(&self) -> &[ColInfo] {
        &self.cols
    }
    /// The time intervals `[start, end)` in hours from the scenario's
    /// start that capacity and serving rows are cut by.
    #[must_use]
    pub fn intervals(&self) -> &[(Hours, Hours)] {
        &self.intervals
    }
    /// Per pool (by [`PoolId`] index): its costs.
    #[must_use]
    pub fn pool_costs(&self) -> &[PoolCost] {
        &self.pool_costs
    }
    /// Per phase (by [`PhaseId`] index): the pools that cannot run it,
    /// and why.
    #[must_use]
    pub fn unfit(&self) -> &[Vec<(PoolId, Unfit)>] {
        &self.unfit
    }
    /// Per phase (by [`PhaseId`] index): the deadline the model uses, hours
    /// from the start (the end of service for inference).
    #[must_use]
    pub fn ends(&self) -> &[Hours] {
        &self.ends
    }
}

/// A `gang[p,k]` row: `train − big·use ≤ 0`, with what `big` is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Gang {
    pub(crate) row: RowId,
    pub(crate) train: ColId,
    pub(crate) use_col: ColId,
    pub(crate) pool: PoolId,
    /// Devices per unit of the training column.
    pub(crate) unit: f64,
    /// Devices the run's training state needs.
    pub(crate) min_devices: u64,
    /// Whether the run must do the phase's whole work on this pool (a
    /// single-pool phase without a `served` column; `whole::use_upper`).
    pub(crate) whole_work: bool,
}

/// Compiles `vs` into a least-cost model.
///
/// # Errors
/// [`crate::ErrorKind::Model`] when a pool's cost cannot be computed (a
/// needed figure is unknown: [`CostGap`]), or the model is too large.
pub fn compile(
    vs: &ValidatedScenario,
    perf: &PerfModel<'_>,
    opts: &CompileOptions,
) -> Result<Compiled> {
    let mut cx = Ctx::new(vs, perf, opts)?;
    purchases::columns(&mut cx);
    pair_columns(&mut cx);
    demand::served_columns(&mut cx);
    capacity::rows(&mut cx);
    demand::rows(&mut cx);
    budgets::rows(&mut cx);
    quotas::rows(&mut cx);
    domestic::rows(&mut cx);
    if cx.whole {
        whole::rows(&mut cx);
    }
    limits::rows(&mut cx);
    purchases::rows(&mut cx);
    cx.finish()
}

/// The columns of every eligible (phase, pool) pair, phase by phase: a
/// training pair gets a `train` column per window it can run in (work
/// family), an inference pair one `serve` column per interval of its
/// window (serving family). A pair the performance model rules out is
/// recorded in [`Compiled::unfit`].
fn pair_columns(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    for ph in vs.phases() {
        let p = ph.id();
        let end = cx.ends[p.index()];
        for &k in ph.eligible_pools() {
            if cx.excluded(k) {
                continue;
            }
            if vs.pool(k).ownership().is_purchasable() && cx.buy_cols[k.index()].is_empty() {
                continue;
            }
            match cx.perf.pair_until(p, k, end) {
                Ok(PairRate::Training(_)) => work::columns(cx, p, k),
                Ok(PairRate::Inference(r)) => {
                    serving::columns(cx, p, k, &r);
                    cx.infer_pairs[p.index()].push((k, r));
                }
                Err(u) => cx.unfit[p.index()].push((k, u)),
            }
        }
        if ph.spec().disaggregation.is_some() && !ph.kind().is_training() {
            serving::disaggregated_columns(cx, p);
        }
    }
}

/// What the families share while a model is built (module docs).
pub(super) struct Ctx<'a> {
    vs: &'a ValidatedScenario,
    perf: &'a PerfModel<'a>,
    opts: &'a CompileOptions,
    /// Whole devices (a MILP) rather than fractional.
    whole: bool,
    /// Integer or continuous, for device-count columns.
    vt: VarType,
    time: Timeline,
    /// Per phase: the deadline used (hours; the window end for inference).
    ends: Vec<Hours>,
    pool_costs: Vec<PoolCost>,
    /// Per pool: the days it can order devices (purchasable pools).
    orders: Vec<Vec<purchases::Order>>,
    /// Per pool and interval: whether its devices may run then.
    usable: Vec<Vec<bool>>,
    b: ModelBuilder,
    rows: Vec<RowInfo>,
    cols: Vec<ColInfo>,
    unfit: Vec<Vec<(PoolId, Unfit)>>,
    /// Per pool: its purchase columns and their orders.
    buy_cols: Vec<Vec<(ColId, usize)>>,
    /// Per phase: the (column, share) entries of its work row.
    work_entries: Vec<Vec<(ColId, f64)>>,
    /// Per (phase, interval): the (column, share) entries of its serve row.
    serve_entries: BTreeMap<(usize, usize), Vec<(ColId, f64)>>,
    /// Per training phase: (pool, column, devices per unit, least devices).
    train_cols: Vec<Vec<(PoolId, ColId, f64, u64)>>,
    /// Per inference phase: (interval, column, devices per unit).
    serve_cols: Vec<Vec<(usize, ColId, f64)>>,
    /// (pool, interval, column, devices per unit) for the capacity rows.
    cap_entries: Vec<(usize, usize, ColId, f64)>,
    /// Per phase: its `served` column (most-served objective).
    served_col: Vec<Option<ColId>>,
    gangs: Vec<Gang>,
    /// Per inference phase: the pools that may serve it, with their rates.
    infer_pairs: Vec<Vec<(PoolId, crate::perf::InferencePair)>>,
    /// Per disaggregated phase: its prefill and decode columns and KV
    /// flows, for its KV rows.
    kv: Vec<serving::KvCols>,
    kv_flows: BTreeMap<usize, KvFlowInfo>,
    /// Late training columns (work family).
    late: Vec<usize>,
}

impl<'a> Ctx<'a> {
    fn new(
        vs: &'a ValidatedScenario,
        perf: &'a PerfModel<'a>,
        opts: &'a CompileOptions,
    ) -> Result<Self> {
        let pool_costs: Vec<PoolCost> = vs
            .pool_ids()
            .map(|k| pool_costs(vs, k))
            .collect::<Result<_>>()?;
        let ends = time::ends(vs, perf, opts);
        let orders: Vec<Vec<purchases::Order>> = vs
            .pool_ids()
            .map(|k| {
                if opts.exclude_pools.contains(&k) {
                    Vec::new()
                } else {
                    purchases::orders(vs, k, &opts.cuts)
                }
            })
            .collect();
        let mut extra = opts.cuts.clone();
        extra.extend(opts.late_until);
        let time = Timeline::new(vs, perf, &ends, &orders, &extra);
        let usable = vs
            .pool_ids()
            .map(|k| {
                let first = orders[k.index()].first().map(|o| o.arrival);
                let purchasable = vs.pool(k).ownership().is_purchasable();
                (0..time.len())
                    .map(|t| {
                        let a = time.intervals[t].0;
                        (!purchasable || first.is_some_and(|f| a.get() >= f.get() - 1e-9))
                            && vs.usable_on(k, vs.date_at(a))
                    })
                    .collect()
            })
            .collect();
        let mut b = ModelBuilder::new(vs.scenario().name.clone());
        b.set_objective_name("total_cost");
        let whole = !opts.fractional;
        let (npool, nphase) = (vs.pool_ids().len(), vs.phase_ids().len());
        Ok(Self {
            vs,
            perf,
            opts,
            whole,
            vt: if whole {
                VarType::Integer
            } else {
                VarType::Continuous
            },
            time,
            ends,
            pool_costs,
            orders,
            usable,
            b,
            rows: Vec::new(),
            cols: Vec::new(),
            unfit: vec![Vec::new(); nphase],
            buy_cols: vec![Vec::new(); npool],
            work_entries: vec![Vec::new(); nphase],
            serve_entries: BTreeMap::new(),
            train_cols: vec![Vec::new(); nphase],
            serve_cols: vec![Vec::new(); nphase],
            cap_entries: Vec::new(),
            served_col: vec![None; nphase],
            gangs: Vec::new(),
            infer_pairs: vec![Vec::new(); nphase],
            kv: (0..nphase).map(|_| serving::KvCols::default()).collect(),
            kv_flows: BTreeMap::new(),
            late: Vec::new(),
        })
    }

    fn excluded(&self, k: PoolId) -> bool {
        self.opts.exclude_pools.contains(&k)
    }

    /// Adds a labelled row.
    fn add_row(
        &mut self,
        name: String,
        lo: Option<f64>,
        up: Option<f64>,
        kind: RowKind,
        meaning: String,
    ) -> RowId {
        let r = self.b.add_row(name, lo, up);
        self.rows.push(RowInfo { kind, meaning });
        r
    }

    /// Adds a labelled column with bounds `[0, upper]`.
    fn add_col(&mut self, name: String, upper: Option<f64>, vt: VarType, info: ColInfo) -> ColId {
        let c = self
            .b
            .add_col(name, info.cost.total(), Some(0.0), upper, vt);
        self.cols.push(info);
        c
    }

    /// Sets `coef` on row `r` for each `(column, coef)` entry.
    fn set_row(&mut self, r: RowId, entries: impl IntoIterator<Item = (ColId, f64)>) {
        for (c, v) in entries {
            self.b.set_coef(r, c, v);
        }
    }

    /// The running cost of a unit of `g` devices of pool `k` held for
    /// `hours`.
    fn running_cost(&self, k: PoolId, g: f64, hours: f64) -> UnitCost {
        running_cost(&self.pool_costs[k.index()], g, hours)
    }

    fn finish(mut self) -> Result<Compiled> {
        self.b.set_sense(Sense::Minimize);
        let model = self.b.build()?;
        debug_assert_eq!(model.num_rows(), self.rows.len());
        debug_assert_eq!(model.num_cols(), self.cols.len());
        Ok(Compiled {
            model,
            rows: self.rows,
            cols: self.cols,
            intervals: self.time.intervals,
            pool_costs: self.pool_costs,
            unfit: self.unfit,
            ends: self.ends,
            gangs: self.gangs,
            kv_flows: self.kv_flows,
            late: self.late,
        })
    }
}

/// The running cost of a unit of `g` devices of a pool with costs `pc`
/// held for `hours`: capex (amortised), rental and energy per device-hour.
fn running_cost(pc: &PoolCost, g: f64, hours: f64) -> UnitCost {
    let per_hour = pc.per_device_hour;
    let capex = g * hours * per_hour.capex.get();
    UnitCost {
        capex,
        rental: g * hours * per_hour.rental.get(),
        energy: g * hours * per_hour.energy.get(),
        levy: 0.0,
        capital: capex,
        transfer: 0.0,
    }
}

/// A pool's costs, or the figure they need that the scenario lacks.
fn pool_costs(vs: &ValidatedScenario, k: PoolId) -> Result<PoolCost> {
    pool_cost(vs, k).map_err(|g: CostGap| {
        Error::model(format!("pools[{}] ({}): {g}", k.index(), vs.pool(k).name()))
    })
}

fn id(i: usize) -> u32 {
    // Sizes are checked against u32 by ModelBuilder::build.
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn days(h: Hours) -> f64 {
    h.get() / 24.0
}

/// The phase kind as a word.
#[must_use]
pub(crate) fn kind_name(k: PhaseKind) -> &'static str {
    match k {
        PhaseKind::Pretraining => "pre-training",
        PhaseKind::Posttraining => "post-training",
        PhaseKind::Inference => "inference",
    }
}
