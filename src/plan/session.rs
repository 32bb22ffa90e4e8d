//! A planning session: one scenario, changed by typed setters and planned
//! again and again from where the last solve ended.
//!
//! [`Planner`] compiles its scenario once. Each setter changes the
//! session's copy of the scenario *and* the compiled model, in place where
//! the change leaves the model's structure alone:
//!
//! | setter | what changes in the model |
//! |---|---|
//! | [`Planner::set_pool_count`], [`Planner::set_pool_max`] | the pool's capacity right-hand sides, its columns' bounds, its purchase limit, its `gang` big-M |
//! | [`Planner::set_price`], [`Planner::set_rental`] | the pool's column costs and their entries in the budget rows |
//! | [`Planner::set_levy`] | every purchase column's cost and budget entries |
//! | [`Planner::set_budget`] | the budget row's right-hand side |
//! | [`Planner::set_deadline`], [`Planner::set_demand`], [`Planner::exclude_pool`], [`Planner::include_pool`] | recompiled: the time cuts, rates and columns depend on them |
//!
//! A setter whose change would alter the model's structure (a budget set
//! for the first time, a limit on a pool that had none, a price that
//! becomes zero) recompiles too. A recompiled model keeps what it can of
//! the last solve: the basis (by row and column name) for fractional
//! plans, the last plan as the first incumbent for whole devices.
//!
//! [`Planner::solve`] then re-solves:
//!
//! * **fractional plans** (an LP) with the dual or primal simplex from the
//!   last optimal basis: a changed right-hand side or bound keeps the basis
//!   dual feasible, a changed cost keeps it primal feasible, so a re-solve
//!   takes a few pivots where a cold solve takes dozens;
//! * **whole devices** (a MILP) by branch-and-bound with the last plan as
//!   its first incumbent when it is still feasible (its cost under the new
//!   figures is the cutoff from the root on).
//!
//! Every [`Plan`] a session returns is complete (costs, schedule,
//! purchases, binding constraints with shadow prices, infeasibility
//! explanations) and has been [`verify`](super::verify())-ed against the
//! session's scenario as it stands, exactly as [`plan`](super::plan())
//! would return it. Shadow prices of a fractional plan come from the
//! session's own LP: when its duals do not price the plan (a device-count
//! bound binds), its bounds are moved to the pricing model's, it is
//! re-solved warm (a pivot or two) and the bounds are put back. At a
//! degenerate plan a constraint's price is not unique, and a session may
//! then report another valid price than a cold [`plan`](super::plan())
//! (for instance for a purchasable pool that buys nothing).
//! Least cost (`min_cost`) is re-solved warm; the other
//! objectives (lexicographic stages, makespan bisection) plan the changed
//! scenario afresh at each solve.
//!
//! ```
//! use fleetplan::prelude::*;
//!
//! let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
//! let vs = Scenario::from_toml_str(&text)?.validate()?;
//! let mut planner = Planner::new(&vs, PlanOptions::default().with_fractional(true))?;
//! let base = planner.solve()?;
//! assert!(base.verified);
//!
//! // what if 4,096 more H800 were free, and the Ascend 910C cost $25,000?
//! let h800 = vs.pool_by_name("h800-owned").expect("in the scenario");
//! let ascend = vs.pool_by_name("ascend-910c-buy").expect("in the scenario");
//! planner.set_pool_count(h800, 14_096)?;
//! planner.set_price(ascend, Usd::new(25_000.0)?)?;
//! let what_if = planner.solve()?; // warm: a few simplex pivots
//! assert!(what_if.verified);
//! assert!(what_if.objective <= base.objective);
//! # Ok::<(), fleetplan::Error>(())
//! ```

use super::compile::{Change, Compiled, Refresh};
use super::{
    Binding, CompileOptions, Plan, PlanOptions, compile, deadline_after, explain, finish_with,
    fractional, plan_with, solver_options,
};
use crate::error::{Error, Result};
use crate::fleet::Count;
use crate::model::{ColId, Model, Names, RowId};
use crate::perf::{PerfData, PerfModel};
use crate::scenario::{BudgetKind, PhaseId, PoolId, ResolvedObjective, RuleId, ValidatedScenario};
use crate::solver::{self, Basis, BasisStatus, LpSolver, Solution, SolveOptions};
use crate::units::{Days, Flops, Fraction, Quantity, Tokens, Usd, UsdPerHour};
use crate::workload::{DemandSchedule, TokenDemand};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// The demand of a phase, for [`Planner::set_demand`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Demand {
    /// A training phase's tokens (its work follows from the model's FLOPs
    /// per token).
    Tokens(Tokens),
    /// A training phase's total work.
    Flops(Flops),
    /// An inference phase's daily tokens, the same every day of its window
    /// (dated steps are replaced).
    Daily(TokenDemand),
}

/// How a session solves (see the module docs).
#[derive(Debug, Clone)]
enum Engine {
    /// Least cost, fractional devices: the LP, kept warm.
    Lp(Box<LpSolver>),
    /// Least cost, whole devices: the last plan's column values.
    Mip(Option<Vec<f64>>),
    /// Another objective: every solve plans afresh.
    Cold,
}

/// A planning session on one scenario (module docs): typed setters, warm
/// re-solves, complete verified plans.
///
/// `Planner` is `Clone` (a clone continues from the same point on its own)
/// and `Send`, so sweeps can give each thread a session of its own.
#[derive(Debug, Clone)]
pub struct Planner {
    vs: ValidatedScenario,
    opts: PlanOptions,
    copts: CompileOptions,
    perf: Arc<PerfData>,
    c: Compiled,
    engine: Engine,
    /// The pricing LP of the last whole-device plan, kept for its basis
    /// (a fractional plan is priced on the session's own LP).
    pricing: Option<Box<LpSolver>>,
    /// The model must be compiled again before the next solve.
    stale: bool,
}

impl Planner {
    /// A session on a copy of `vs`, planned with `opts` (the budget of
    /// [`PlanOptions::time_limit`] applies to each [`Planner::solve`]).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] for options out of range;
    /// [`crate::ErrorKind::Model`] when a cost needs a figure the scenario
    /// lacks (as [`plan`](super::plan())).
    ///
    /// ```
    /// use fleetplan::prelude::*;
    ///
    /// let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
    /// let vs = Scenario::from_toml_str(&text)?.validate()?;
    /// let mut planner = Planner::new(&vs, PlanOptions::default())?;
    /// let p = planner.solve()?;
    /// assert_eq!(p.status, PlanStatus::Optimal);
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    pub fn new(vs: &ValidatedScenario, opts: PlanOptions) -> Result<Planner> {
        solver_options(vs, &opts, None).validate()?;
        let vs = vs.clone();
        let copts = CompileOptions {
            fractional: fractional(&vs, &opts),
            ..CompileOptions::default()
        };
        let perf = PerfModel::new(&vs);
        let c = compile(&vs, &perf, &copts)?;
        let perf = perf.data();
        let engine = Self::engine_for(&vs, &opts, &c, None)?;
        Ok(Planner {
            vs,
            opts,
            copts,
            perf,
            c,
            engine,
            pricing: None,
            stale: false,
        })
    }

    fn engine_for(
        vs: &ValidatedScenario,
        opts: &PlanOptions,
        c: &Compiled,
        basis: Option<&Basis>,
    ) -> Result<Engine> {
        if *vs.objective() != ResolvedObjective::MinCost {
            return Ok(Engine::Cold);
        }
        if c.model.is_mip() {
            return Ok(Engine::Mip(None));
        }
        let mut lp = LpSolver::new(c.model.clone(), solver_options(vs, opts, None))?;
        if let Some(b) = basis {
            lp.set_basis(b)?;
        }
        Ok(Engine::Lp(Box::new(lp)))
    }

    /// The session's scenario, with every change made so far.
    #[must_use]
    pub fn scenario(&self) -> &ValidatedScenario {
        &self.vs
    }

    /// The options every solve uses.
    #[must_use]
    pub fn options(&self) -> &PlanOptions {
        &self.opts
    }

    /// The compiled model as it stands (compiled again first if a change
    /// asked for it). Row and column labels say what each is.
    ///
    /// # Errors
    /// As [`Planner::solve`] when the model must be compiled again.
    pub fn compiled(&mut self) -> Result<&Compiled> {
        self.refresh()?;
        Ok(&self.c)
    }

    /// Plans the scenario as it stands, warm from the last solve (module
    /// docs), within the budget of [`PlanOptions::time_limit`] (else the
    /// scenario's `settings.time_limit_s`, else 60 s).
    ///
    /// # Errors
    /// As [`plan`](super::plan()). An infeasible scenario is a plan with
    /// [`PlanStatus::Infeasible`](super::PlanStatus::Infeasible), not an
    /// error.
    ///
    /// ```
    /// use fleetplan::prelude::*;
    ///
    /// let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
    /// let vs = Scenario::from_toml_str(&text)?.validate()?;
    /// let mut planner = Planner::new(&vs, PlanOptions::default().with_fractional(true))?;
    /// let h20 = vs.rules().iter().find(|r| r.effect.status() == RuleStatus::Licensed)
    ///     .expect("the H20 licence").id;
    /// for levy in [0.0, 0.15, 0.3] {
    ///     planner.set_levy(h20, Fraction::new(levy)?)?;
    ///     let p = planner.solve()?;
    ///     assert!(p.verified);
    ///     println!("levy {levy}: ${:.0}", p.cost.total_usd.get());
    /// }
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    pub fn solve(&mut self) -> Result<Plan> {
        let limit = self.opts.effective_time_limit(&self.vs);
        self.solve_until(deadline_after(limit, &self.opts))
    }

    /// [`Planner::solve`] with every solve stopping at `deadline` (a sweep
    /// gives all its points one).
    pub(crate) fn solve_until(&mut self, deadline: Option<Instant>) -> Result<Plan> {
        let t0 = Instant::now();
        self.refresh()?;
        let perf = PerfModel::rebind(&self.vs, Arc::clone(&self.perf));
        let sopts = solver_options(&self.vs, &self.opts, deadline);
        let s = match &mut self.engine {
            Engine::Cold => {
                return plan_with(&self.vs, &perf, &self.opts, &self.copts, deadline);
            }
            Engine::Lp(lp) => {
                lp.set_options(sopts.clone())?;
                lp.solve()?
            }
            Engine::Mip(start) => {
                let s = super::solve_compiled(&self.c, &sopts, start.as_deref())?;
                if matches!(s.status, solver::Status::Optimal | solver::Status::Feasible) {
                    *start = Some(s.x.clone());
                }
                s
            }
        };
        let (vs, c) = (&self.vs, &self.c);
        if let Engine::Lp(lp) = &mut self.engine {
            // The fractional session prices on its own LP (see
            // `price_in_place`): no second model, no second factor.
            let price = |x: &[f64]| price_in_place(vs, c, lp, &s, x);
            return finish_with(
                vs, &perf, c, &c.model, &s, &sopts, "min_cost", None, t0, price,
            );
        }
        let pricing = &mut self.pricing;
        let price = |x: &[f64]| price(vs, c, &s, x, pricing, &sopts);
        finish_with(
            vs, &perf, c, &c.model, &s, &sopts, "min_cost", None, t0, price,
        )
    }

    /// Compiles again when a change asked for it, keeping what it can of
    /// the last solve (module docs).
    fn refresh(&mut self) -> Result<()> {
        if !self.stale {
            return Ok(());
        }
        let perf = PerfModel::new(&self.vs);
        let c = compile(&self.vs, &perf, &self.copts)?;
        let engine = match &self.engine {
            Engine::Lp(lp) => {
                let basis = transfer_basis(&self.c.model, &lp.basis(), &c.model);
                Self::engine_for(&self.vs, &self.opts, &c, Some(&basis))?
            }
            Engine::Mip(Some(x)) => Engine::Mip(Some(transfer_point(&self.c.model, x, &c.model))),
            _ => Self::engine_for(&self.vs, &self.opts, &c, None)?,
        };
        self.perf = perf.data();
        self.c = c;
        self.engine = engine;
        self.pricing = None;
        self.stale = false;
        Ok(())
    }

    /// Applies an in-place update of the compiled model to the solver, or
    /// marks the model for compiling again.
    fn update(
        &mut self,
        f: impl FnOnce(&mut Compiled, &ValidatedScenario) -> Result<Refresh>,
    ) -> Result<()> {
        if self.stale {
            return Ok(());
        }
        let changes = match f(&mut self.c, &self.vs) {
            Ok(Refresh::InPlace(changes)) => changes,
            Ok(Refresh::Structural) => {
                self.stale = true;
                return Ok(());
            }
            Err(e) => {
                // The scenario holds the change; the next solve compiles
                // it afresh (and reports the problem again if it stays).
                self.stale = true;
                return Err(e);
            }
        };
        if let Engine::Lp(lp) = &mut self.engine
            && !apply_changes(lp, changes)
        {
            self.stale = true;
        }
        Ok(())
    }

    /// Sets the devices of an owned pool (`pools[k].count`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] (`E-POOL-COUNT-NOT-OWNED`) when the pool
    /// is not owned (its limit is [`Planner::set_pool_max`]'s), or
    /// (`E-COUNT-TOO-LARGE`) above [`Count::MAX`]; nothing changes then.
    pub fn set_pool_count(&mut self, pool: PoolId, devices: impl Into<Count>) -> Result<()> {
        self.vs.set_owned_count(pool, devices.into())?;
        self.update(|c, vs| c.refresh_limits(vs, pool))
    }

    /// Sets the most devices a rentable pool can rent at once, or a
    /// purchasable pool can buy over the horizon (`pools[k].ownership.max`;
    /// `None`: unlimited).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] (`E-POOL-OWNERSHIP-MISMATCH`) for an
    /// owned pool (its size is [`Planner::set_pool_count`]'s); nothing
    /// changes then.
    pub fn set_pool_max(&mut self, pool: PoolId, max: Option<Count>) -> Result<()> {
        self.vs.set_pool_max(pool, max)?;
        self.update(|c, vs| c.refresh_limits(vs, pool))
    }

    /// Sets the unit price of a purchasable pool, or of an owned pool
    /// that amortises its devices (`pools[k].ownership.unit_price_usd`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] (`E-POOL-OWNERSHIP-MISMATCH`) for a
    /// rentable pool (priced per device-hour: [`Planner::set_rental`]) or
    /// a sunk owned one; [`crate::ErrorKind::Unit`] for a price that is not
    /// a finite non-negative amount. Nothing changes then.
    pub fn set_price(&mut self, pool: PoolId, price: Usd) -> Result<()> {
        self.vs.set_unit_price(pool, price)?;
        self.update(|c, vs| c.refresh_costs(vs, Some(pool)))
    }

    /// Sets the price per device-hour of a rentable pool
    /// (`pools[k].ownership.usd_per_hour`).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] (`E-POOL-OWNERSHIP-MISMATCH`) for a
    /// pool that is not rentable; [`crate::ErrorKind::Unit`] for a price
    /// that is not a finite non-negative amount. Nothing changes then.
    pub fn set_rental(&mut self, pool: PoolId, price: UsdPerHour) -> Result<()> {
        self.vs.set_rental(pool, price)?;
        self.update(|c, vs| c.refresh_costs(vs, Some(pool)))
    }

    /// Sets the levy of a licensing export rule (`policy.rules[r].levy`):
    /// every purchase ordered under it pays the new share.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] (`E-RULE-TERMS-NOT-LICENSED`) for a
    /// rule that does not license, (`E-RULE-CONFLICT`) when the new levy
    /// contradicts another rule of the same issuer. Nothing changes then.
    pub fn set_levy(&mut self, rule: RuleId, levy: Fraction) -> Result<()> {
        self.vs.set_levy(rule, levy)?;
        self.update(|c, vs| c.refresh_costs(vs, None))
    }

    /// Sets (`Some`) or removes (`None`) a budget.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Unit`] for an amount that is not finite and
    /// non-negative; nothing changes then.
    pub fn set_budget(&mut self, kind: BudgetKind, cap: Option<Usd>) -> Result<()> {
        self.vs.set_budget(kind, cap)?;
        self.update(|c, _| c.refresh_budget(kind, cap))
    }

    /// Moves a phase's deadline (training) or end of service (inference),
    /// in days from the start. The model is compiled again at the next
    /// solve: interval cuts and rates depend on it.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] with the validation report when the
    /// scenario would not be valid (a deadline beyond the horizon or
    /// before the phase's start); nothing changes then.
    pub fn set_deadline(&mut self, phase: PhaseId, day: Days) -> Result<()> {
        let i = self.phase_index(phase)?;
        let day = day
            .check()
            .map_err(|e| Error::unit(format!("phases[{i}].deadline_days"), e))?;
        let inference = !self.vs.phase(phase).kind().is_training();
        self.vs = self.vs.edited(|s| {
            if inference {
                s.phases[i].until_day = Some(day);
            } else {
                s.phases[i].deadline_days = Some(day);
            }
        })?;
        self.stale = true;
        Ok(())
    }

    /// Sets a phase's demand. The model is compiled again at the next
    /// solve: a training rate is linearised at the job size the work
    /// needs, and serving columns are rated on the demand's traffic mix.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] with the validation report when the
    /// demand does not fit the phase (tokens or FLOPs for an inference
    /// phase, daily tokens for a training one, no tokens at all); nothing
    /// changes then.
    pub fn set_demand(&mut self, phase: PhaseId, demand: Demand) -> Result<()> {
        let i = self.phase_index(phase)?;
        self.vs = self.vs.edited(|s| {
            let ph = &mut s.phases[i];
            match demand {
                Demand::Tokens(t) => {
                    ph.tokens = Some(t);
                    ph.flops = None;
                }
                Demand::Flops(f) => {
                    ph.flops = Some(f);
                    ph.tokens = None;
                }
                Demand::Daily(d) => ph.tokens_per_day = Some(DemandSchedule::from(d)),
            }
        })?;
        self.stale = true;
        Ok(())
    }

    /// Leaves a pool out of the plan (a counterfactual: what if these
    /// devices were not there?). The model is compiled again without it
    /// at the next solve, as [`justify`](super::justify()) does.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] for a pool id of another scenario.
    pub fn exclude_pool(&mut self, pool: PoolId) -> Result<()> {
        self.pool_index(pool)?;
        if !self.copts.exclude_pools.contains(&pool) {
            self.copts.exclude_pools.push(pool);
            self.copts.exclude_pools.sort_unstable();
            self.stale = true;
        }
        Ok(())
    }

    /// Undoes [`Planner::exclude_pool`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Invalid`] for a pool id of another scenario.
    pub fn include_pool(&mut self, pool: PoolId) -> Result<()> {
        self.pool_index(pool)?;
        if let Some(i) = self.copts.exclude_pools.iter().position(|&k| k == pool) {
            self.copts.exclude_pools.remove(i);
            self.stale = true;
        }
        Ok(())
    }

    fn pool_index(&self, k: PoolId) -> Result<usize> {
        let n = self.vs.pool_ids().len();
        if k.index() < n {
            Ok(k.index())
        } else {
            Err(unknown_id(format!("pools[{}]", k.index()), n, "pools"))
        }
    }

    fn phase_index(&self, p: PhaseId) -> Result<usize> {
        let n = self.vs.phase_ids().len();
        if p.index() < n {
            Ok(p.index())
        } else {
            Err(unknown_id(format!("phases[{}]", p.index()), n, "phases"))
        }
    }
}

fn unknown_id(path: String, n: usize, what: &str) -> Error {
    Error::invalid(crate::scenario::ValidationReport {
        issues: vec![crate::scenario::Issue::new(
            crate::scenario::IssueCode::ValueUnknown,
            path,
            format!("the scenario has {n} {what}"),
            "use an id of this session's scenario",
        )],
    })
}

/// The binding constraints of a least-cost plan `x` solved as `s`: from
/// `s`'s own duals when they price the plan (a fractional plan whose
/// device-count bounds do not bind), else from the pricing LP, solved warm
/// from the last one's basis.
fn price(
    vs: &ValidatedScenario,
    c: &Compiled,
    s: &Solution,
    x: &[f64],
    pricing: &mut Option<Box<LpSolver>>,
    sopts: &SolveOptions,
) -> Result<Vec<Binding>> {
    if explain::prices_hold(c, s) {
        return Ok(explain::prices(vs, c, &c.model, s, x));
    }
    // The last pricing LP (kept only while the model's structure stays:
    // `refresh` drops it) takes this plan's figures in place and re-solves
    // warm, instead of being built, scaled and factorised afresh.
    if let Some(lp) = pricing.as_deref_mut()
        && update_pricing(lp, c, x)
    {
        lp.set_options(sopts.clone())?;
        let ps = lp.solve()?;
        return Ok(explain::prices(vs, c, lp.model(), &ps, x));
    }
    let m = explain::pricing_model(c, x)?;
    let basis = pricing
        .as_ref()
        .filter(|p| same_shape(p.model(), &m))
        .map(|p| p.basis());
    let mut lp = LpSolver::new(m, sopts.clone())?;
    if let Some(b) = &basis {
        lp.set_basis(b)?;
    }
    let ps = lp.solve()?;
    let out = explain::prices(vs, c, lp.model(), &ps, x);
    *pricing = Some(Box::new(lp));
    Ok(out)
}

/// The binding constraints of a fractional least-cost plan `x`, solved as
/// `s` by the session's own LP `lp`: from `s`'s duals when they price the
/// plan, else by moving `lp` to the pricing model's bounds
/// ([`explain::pricing_bounds`]: the pricing model is the least-cost model
/// with other column bounds only), re-solving it from its optimal basis
/// and factor (the plan stays optimal, so this takes a pivot or two per
/// device-count bound that binds), reading the prices, and putting the
/// bounds back. The next solve starts from the pricing basis, which is
/// primal feasible for the restored bounds.
///
/// # Errors
/// As [`LpSolver::solve`]; the bounds are restored whatever the outcome.
fn price_in_place(
    vs: &ValidatedScenario,
    c: &Compiled,
    lp: &mut LpSolver,
    s: &Solution,
    x: &[f64],
) -> Result<Vec<Binding>> {
    if explain::prices_hold(c, s) {
        return Ok(explain::prices(vs, c, &c.model, s, x));
    }
    let m = &c.model;
    let opt = |v: f64| v.is_finite().then_some(v);
    let same = |a: Option<f64>, b: f64| match a {
        Some(a) => a.to_bits() == b.to_bits(),
        None => b.is_infinite(),
    };
    let mut moved = Vec::new();
    let mut out = Ok(Vec::new());
    for j in 0..c.cols.len() {
        let (lo, up) = explain::pricing_bounds(c, x, j);
        if same(lo, m.col_lower()[j]) && same(up, m.col_upper()[j]) {
            continue;
        }
        let col = ColId(u32::try_from(j).unwrap_or(u32::MAX));
        moved.push(col);
        if let Err(e) = lp.set_col_bounds(col, lo, up) {
            out = Err(e);
            break;
        }
    }
    if out.is_ok() {
        out = lp
            .solve()
            .map(|ps| explain::prices(vs, c, lp.model(), &ps, x));
    }
    for col in moved {
        let j = col.index();
        lp.set_col_bounds(col, opt(m.col_lower()[j]), opt(m.col_upper()[j]))?;
    }
    out
}

/// Moves the pricing LP `lp` to the plan `x` of `c` in place (costs,
/// bounds, row bounds and coefficients that differ); `false` when its
/// matrix does not have `c`'s structure or a change is refused (the
/// caller then builds a fresh one).
fn update_pricing(lp: &mut LpSolver, c: &Compiled, x: &[f64]) -> bool {
    let (m, pm) = (&c.model, lp.model());
    if pm.num_rows() != m.num_rows() || pm.num_cols() != m.num_cols() {
        return false;
    }
    let differs = |a: f64, b: f64| a.to_bits() != b.to_bits();
    let inf = |v: Option<f64>, d: f64| v.unwrap_or(d);
    // a model's indices fit in u32 (its builder checks)
    let cid = |j: usize| ColId(u32::try_from(j).unwrap_or(u32::MAX));
    let rid = |i: usize| RowId(u32::try_from(i).unwrap_or(u32::MAX));
    let mut changes = Vec::new();
    for j in 0..m.num_cols() {
        let (ri, rv) = m.matrix().col(j);
        let (pi, pv) = pm.matrix().col(j);
        if ri != pi {
            return false;
        }
        for (k, (&a, &b)) in rv.iter().zip(pv).enumerate() {
            if differs(a, b) {
                changes.push(Change::Coef(RowId(ri[k]), cid(j), a));
            }
        }
        if differs(m.costs()[j], pm.costs()[j]) {
            changes.push(Change::Cost(cid(j), m.costs()[j]));
        }
        let (lo, up) = explain::pricing_bounds(c, x, j);
        let (lo, up) = (inf(lo, f64::NEG_INFINITY), inf(up, f64::INFINITY));
        if differs(lo, pm.col_lower()[j]) || differs(up, pm.col_upper()[j]) {
            changes.push(Change::ColBounds(cid(j), lo, up));
        }
    }
    for i in 0..m.num_rows() {
        let (lo, up) = (m.row_lower()[i], m.row_upper()[i]);
        if differs(lo, pm.row_lower()[i]) || differs(up, pm.row_upper()[i]) {
            changes.push(Change::RowBounds(rid(i), lo, up));
        }
    }
    // on failure the caller builds a fresh pricing LP instead
    apply_changes(lp, changes)
}

/// Applies `changes` to a warm LP in place; `false` at the first the LP
/// refuses (the caller then rebuilds it).
fn apply_changes(lp: &mut LpSolver, changes: impl IntoIterator<Item = Change>) -> bool {
    let opt = |v: f64| v.is_finite().then_some(v);
    changes.into_iter().all(|ch| {
        match ch {
            Change::Cost(j, v) => lp.set_cost(j, v),
            Change::ColBounds(j, l, u) => lp.set_col_bounds(j, opt(l), opt(u)),
            Change::RowBounds(i, l, u) => lp.set_row_bounds(i, opt(l), opt(u)),
            Change::Coef(i, j, v) => lp.set_coef(i, j, v),
        }
        .is_ok()
    })
}

fn same_shape(a: &Model, b: &Model) -> bool {
    a.num_rows() == b.num_rows()
        && a.num_cols() == b.num_cols()
        && a.row_names() == b.row_names()
        && a.col_names() == b.col_names()
}

/// A basis of `new` from a basis of `old`: each row and column keeps its
/// status by name; new columns start at their lower bound, new rows with
/// their slack basic; then basic entries are added (slacks of nonbasic
/// rows) or removed (slacks first, then columns, last first) until there
/// are as many as rows. `LpSolver::set_basis` repairs a singular result.
fn transfer_basis(old: &Model, basis: &Basis, new: &Model) -> Basis {
    let mut col_status = carry(
        old.col_names(),
        new.col_names(),
        |j| basis.col_status[j],
        BasisStatus::AtLower,
    );
    let mut row_status = carry(
        old.row_names(),
        new.row_names(),
        |i| basis.row_status[i],
        BasisStatus::Basic,
    );
    let m = new.num_rows();
    let basic = |s: &[BasisStatus]| s.iter().filter(|&&x| x == BasisStatus::Basic).count();
    let mut count = basic(&col_status) + basic(&row_status);
    for s in row_status.iter_mut().filter(|s| **s != BasisStatus::Basic) {
        if count >= m {
            break;
        }
        *s = BasisStatus::Basic;
        count += 1;
    }
    let nonbasic_row = |i: usize| {
        if new.row_upper()[i].is_finite() {
            BasisStatus::AtUpper
        } else {
            BasisStatus::AtLower
        }
    };
    for i in (0..m).rev() {
        if count <= m {
            break;
        }
        if row_status[i] == BasisStatus::Basic {
            row_status[i] = nonbasic_row(i);
            count -= 1;
        }
    }
    for s in col_status.iter_mut().rev() {
        if count <= m {
            break;
        }
        if *s == BasisStatus::Basic {
            *s = BasisStatus::AtLower;
            count -= 1;
        }
    }
    Basis {
        col_status,
        row_status,
    }
}

/// A point of `new` from a point `x` of `old`: each column keeps its
/// value by name, new columns are zero.
fn transfer_point(old: &Model, x: &[f64], new: &Model) -> Vec<f64> {
    carry(old.col_names(), new.col_names(), |j| x[j], 0.0)
}

/// Per name of `new`, the value of the same name in `old` (`get` by old
/// index), or `missing` for a name `old` lacks.
fn carry<T: Copy>(old: &Names, new: &Names, get: impl Fn(usize) -> T, missing: T) -> Vec<T> {
    let index: HashMap<&str, usize> = old.iter().enumerate().map(|(i, n)| (n, i)).collect();
    new.iter()
        .map(|n| index.get(n).map_or(missing, |&i| get(i)))
        .collect()
}
