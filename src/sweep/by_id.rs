//! Typed sweeps: a parameter named by id ([`Param`]), varied over values by
//! one [`Planner`] session, each point warm from the last, with the full
//! [`Plan`] of every point available.

use super::{SweepPoint, SweepTable, bare_point, summarise};
use crate::error::{Error, Result};
use crate::fleet::Count;
use crate::plan::{Plan, PlanOptions, Planner};
use crate::scenario::{BudgetKind, PhaseId, PoolId, RuleId, ValidatedScenario};
use crate::units::{Days, Fraction, Usd, UsdPerHour};

/// A parameter of a scenario, named by id: what a typed [`Sweep`] varies,
/// set through the [`Planner`]'s typed setter of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Param {
    /// The levy of a licensing export rule ([`Planner::set_levy`]), a
    /// fraction in `[0, 1]`.
    Levy(RuleId),
    /// The devices of an owned pool ([`Planner::set_pool_count`]).
    PoolCount(PoolId),
    /// The device limit of a rentable or purchasable pool
    /// ([`Planner::set_pool_max`]).
    PoolMax(PoolId),
    /// The unit price of a purchasable (or amortised owned) pool, USD
    /// ([`Planner::set_price`]).
    Price(PoolId),
    /// The price per device-hour of a rentable pool, USD/h
    /// ([`Planner::set_rental`]).
    Rental(PoolId),
    /// A budget, USD ([`Planner::set_budget`]).
    Budget(BudgetKind),
    /// A phase's deadline (training) or end of service (inference), days
    /// from the start ([`Planner::set_deadline`]).
    Deadline(PhaseId),
}

impl Param {
    /// The field's path in the scenario as written (what a path sweep
    /// names), e.g. `policy.rules[3].levy` or `pools[h20-buy].count`.
    #[must_use]
    pub fn path(self, vs: &ValidatedScenario) -> String {
        let pool = |k: PoolId| {
            vs.scenario()
                .pools
                .get(k.index())
                .map_or_else(|| k.index().to_string(), |p| p.name.clone())
        };
        match self {
            Param::Levy(r) => format!("policy.rules[{}].levy", r.index()),
            Param::PoolCount(k) => format!("pools[{}].count", pool(k)),
            Param::PoolMax(k) => format!("pools[{}].ownership.max", pool(k)),
            Param::Price(k) => format!("pools[{}].ownership.unit_price_usd", pool(k)),
            Param::Rental(k) => format!("pools[{}].ownership.usd_per_hour", pool(k)),
            Param::Budget(b) => format!("budget.{}", b.field()),
            Param::Deadline(p) => match vs.scenario().phases.get(p.index()) {
                Some(ph) if ph.kind.is_training() => {
                    format!("phases[{}].deadline_days", ph.name)
                }
                Some(ph) => format!("phases[{}].until_day", ph.name),
                None => format!("phases[{}].deadline_days", p.index()),
            },
        }
    }
}

impl Planner {
    /// Sets `param` to `value` through its typed setter (the value in the
    /// parameter's unit: a fraction, devices, USD, USD/h or days).
    ///
    /// # Errors
    /// As the setter: [`crate::ErrorKind::Unit`] for a value that is not a
    /// valid quantity, [`crate::ErrorKind::Invalid`] for one the scenario
    /// cannot take (a levy on a rule that does not license, a count on a
    /// pool that is not owned). Nothing changes then.
    pub fn set(&mut self, param: Param, value: f64) -> Result<()> {
        match param {
            Param::Levy(r) => self.set_levy(r, Fraction::new(value)?),
            Param::PoolCount(k) => self.set_pool_count(k, Count::from_raw(value)),
            Param::PoolMax(k) => self.set_pool_max(k, Some(Count::from_raw(value))),
            Param::Price(k) => self.set_price(k, Usd::new(value)?),
            Param::Rental(k) => self.set_rental(k, UsdPerHour::new(value)?),
            Param::Budget(b) => self.set_budget(b, Some(Usd::new(value)?)),
            Param::Deadline(p) => self.set_deadline(p, Days::new(value)?),
        }
    }
}

/// A typed sweep: one [`Param`] over values, in order.
///
/// ```
/// use fleetplan::prelude::*;
/// use fleetplan::sweep::{Sweep, sweep_plans};
///
/// let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
/// let vs = Scenario::from_toml_str(&text)?.validate()?;
/// let h20 = vs.rules().iter().find(|r| r.effect.status() == RuleStatus::Licensed)
///     .expect("the H20 licence").id;
/// let spec = Sweep::levy(h20, [0.0, 0.15, 0.3]);
/// let plans = sweep_plans(&vs, &spec, &PlanOptions::default().with_fractional(true))?;
/// assert_eq!(plans.len(), 3);
/// assert!(plans.iter().all(|p| p.verified)); // complete, verified plans
/// // a dearer licence never makes the plan cheaper
/// assert!(plans.windows(2).all(|w| w[0].objective <= w[1].objective));
/// # Ok::<(), fleetplan::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    param: Param,
    values: Vec<f64>,
}

impl Sweep {
    /// `param` over `values`.
    #[must_use]
    pub fn new(param: Param, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep {
            param,
            values: values.into(),
        }
    }

    /// The levy of a licensing rule over `values` (fractions).
    #[must_use]
    pub fn levy(rule: RuleId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::Levy(rule), values)
    }

    /// The devices of an owned pool over `values`.
    #[must_use]
    pub fn pool_count(pool: PoolId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::PoolCount(pool), values)
    }

    /// The device limit of a rentable or purchasable pool over `values`.
    #[must_use]
    pub fn pool_max(pool: PoolId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::PoolMax(pool), values)
    }

    /// The unit price of a purchasable pool over `values` (USD).
    #[must_use]
    pub fn price(pool: PoolId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::Price(pool), values)
    }

    /// The rental price of a rentable pool over `values` (USD/h).
    #[must_use]
    pub fn rental(pool: PoolId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::Rental(pool), values)
    }

    /// A budget over `values` (USD).
    #[must_use]
    pub fn budget(kind: BudgetKind, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::Budget(kind), values)
    }

    /// A phase's deadline over `values` (days from the start).
    #[must_use]
    pub fn deadline(phase: PhaseId, values: impl Into<Vec<f64>>) -> Sweep {
        Sweep::new(Param::Deadline(phase), values)
    }

    /// What varies.
    #[must_use]
    pub fn param(&self) -> Param {
        self.param
    }

    /// The values, in order.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

fn check_len(vs: &ValidatedScenario, sweep: &Sweep) -> Result<()> {
    let n = sweep.values.len();
    if n == 0 || n > super::MAX_POINTS {
        return Err(Error::parse(
            "sweep",
            None,
            format!(
                "'{}' has {n} values; a sweep needs 1 to {}",
                sweep.param.path(vs),
                super::MAX_POINTS
            ),
        ));
    }
    Ok(())
}

/// Plans every point of `sweep` with one [`Planner`] session (each solve
/// warm from the last), within one wall-clock budget for the whole sweep
/// (`opts.time_limit`, else the scenario's `settings.time_limit_s`, else
/// 60 s), and hands each point's value and outcome to `each`, in order: the
/// complete, verified [`Plan`], or the error of a value the scenario cannot
/// take (the session then stays at the last valid value).
///
/// # Errors
/// [`crate::ErrorKind::Parse`] when `sweep` has no values or more than
/// [`super::MAX_POINTS`]; as [`Planner::new`] when the session cannot be
/// made.
pub fn sweep_each(
    vs: &ValidatedScenario,
    sweep: &Sweep,
    opts: &PlanOptions,
    mut each: impl FnMut(f64, Result<Plan>),
) -> Result<()> {
    check_len(vs, sweep)?;
    let limit = opts.effective_time_limit(vs);
    let deadline = crate::plan::deadline_after(limit, opts);
    let mut planner = Planner::new(vs, opts.clone())?;
    for &v in &sweep.values {
        let outcome = planner
            .set(sweep.param, v)
            .and_then(|()| planner.solve_until(deadline));
        each(v, outcome);
    }
    Ok(())
}

/// The complete plan of every point of `sweep`, in order (see
/// [`sweep_each`]): lossless, every plan verified as [`crate::plan::plan`]
/// returns it.
///
/// # Errors
/// As [`sweep_each`], and the first point's error when a value is one the
/// scenario cannot take ([`sweep_table`] reports such points as rows).
pub fn sweep_plans(vs: &ValidatedScenario, sweep: &Sweep, opts: &PlanOptions) -> Result<Vec<Plan>> {
    let mut plans = Vec::with_capacity(sweep.values.len());
    let mut first_err = None;
    sweep_each(vs, sweep, opts, |_, r| match r {
        Ok(p) => plans.push(p),
        Err(e) => {
            first_err.get_or_insert(e);
        }
    })?;
    match first_err {
        Some(e) => Err(e),
        None => Ok(plans),
    }
}

/// The summary table of a typed sweep (as [`super::sweep`] gives for a
/// path): one row per value, a value the scenario cannot take a row with
/// status `invalid` and its issues.
///
/// # Errors
/// As [`sweep_each`].
pub fn sweep_table(
    vs: &ValidatedScenario,
    sweep: &Sweep,
    opts: &PlanOptions,
) -> Result<SweepTable> {
    let mut points: Vec<SweepPoint> = Vec::with_capacity(sweep.values.len());
    sweep_each(vs, sweep, opts, |v, r| {
        points.push(match r {
            Ok(p) => summarise(v, &p),
            Err(e) => SweepPoint {
                issues: match e.validation() {
                    Some(rep) => rep.issues.iter().map(ToString::to_string).collect(),
                    None => vec![e.to_string()],
                },
                ..bare_point(v, "invalid")
            },
        });
    })?;
    Ok(SweepTable {
        path: sweep.param.path(vs),
        points,
    })
}
