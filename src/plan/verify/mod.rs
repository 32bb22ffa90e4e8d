//! Independent verification of a plan against its scenario.
//!
//! [`verify`] re-derives what a [`Plan`] claims from the scenario and the
//! plan's **schedule and purchases alone**, with its own arithmetic. It uses
//! the scenario, the performance model ([`PerfModel`]) and the cost model
//! ([`crate::cost`]), but nothing the model compiler produced: a bug in the
//! compiler's rows, coefficients or windows cannot hide in a shared helper.
//! Every reported figure is recomputed and compared, so a plan whose JSON was
//! edited (costs moved between parts, a purchase removed, a slot shifted)
//! fails the check that owns the broken fact.
//!
//! # Checks, by constraint family
//!
//! Each family is a file named as the compiler's family for the same rows
//! (`compile/<family>.rs`): `time`, `purchases`, `work`, `serving`,
//! `demand`, `capacity`, `budgets`, `quotas`, `domestic`, `whole`,
//! `limits`; the verifier adds `names`, `window`, `cost` and `summaries`.
//! `P` is a phase, `K` a pool.
//!
//! | check | family (file) | what must hold |
//! |---|---|---|
//! | `scenario` | names | the plan names this scenario |
//! | `names` | names | every phase and pool the plan names (schedule, purchases, assignments, phases, pools) exists |
//! | `slots.devices` | names | every slot's device count is finite and non-negative |
//! | `slots.horizon` | names | every slot has finite times, `0 ≤ from ≤ to ≤ horizon` |
//! | `purchase[K]` | purchases | bought devices are finite, non-negative, of a purchasable pool no rule prohibits, within its `max`, in whole units of its granularity (whole-device plans) |
//! | `capacity[K]` | capacity | at every breakpoint of the schedule (slot ends, arrivals, 0 and the horizon) the devices in use are at most the pool's: `availability × owned`, the rental `max`, or `availability × bought` once bought devices have arrived (none before); no new devices of a prohibited accelerator |
//! | `window[P]` | window | no slot starts before the phase's start (release) or before its pool's devices arrive |
//! | `eligible[P]` | window | every pool a slot uses may run the phase (policy, precision, known figures) |
//! | `demand[P]` | work | training: the work done **at each slot's own device count** by the deadline covers the demand (see below) |
//! | `demand[P]` | serving | inference: at every time of the window, the devices serving cover the daily demand |
//! | | demand | the demand required is all of it, or under a `max_served` objective the fraction the plan claims |
//! | `kv[P]` | serving | disaggregated inference: each KV transfer joins a pair the scenario allows; at every time, the requests prefilled (decoded) on a pool are within what its `prefill` (`decode`) slots serve, their KV bytes within those devices' scale-out bandwidth and the link's; no `prefill`/`decode` slot or transfer for a phase served co-located only |
//! | `kv_transfers[P]` | serving | each transfer's tokens per day, peak bytes/s, bytes and cost as recomputed from the scenario |
//! | `whole_units[P]` | whole | whole-device plans: training slots in multiples of the pool's granularity, serving slots in whole replicas |
//! | `memory_fit[P]` | whole | whole-device plans: every training job holds at least the devices its state needs |
//! | `one_site[P]`, `one_vendor[P]` | whole | a training phase runs at one site, on one vendor's accelerators, unless it sets `allow_cross_site` / `allow_cross_vendor` (a fractional plan cannot enforce it: a split passes with a warning) |
//! | `single_pool[P]` | whole | a single-pool phase uses one pool (a fractional plan, the LP relaxation, has no binaries to enforce it: a split passes with a warning) |
//! | `phase_devices[P]` | limits | the phase's devices stay within its `min_devices`/`max_devices` |
//! | `quota[ruleN]` | quotas | devices bought under a licence are within its quota |
//! | `domestic_share[kind]` | domestic | domestic device-hours ≥ the minimum share of the kind's device-hours |
//! | `cost.capex`, `cost.rental`, `cost.energy`, `cost.levy`, `cost.transfer` | cost | each part of the reported cost equals the part recomputed from the schedule (device-hours × the pool's rates), the purchases (devices × price and levy) and the KV transfers |
//! | `cost` | cost | the reported total equals the sum of the reported parts and the recomputed total |
//! | `budget.capex`, `budget.opex`, `budget.total` | budgets | purchases (price and levy), rental and energy, and everything, within the scenario's budgets |
//! | `summary.objective` | summaries | the objective kind is the scenario's and its value is the recomputed one (cost, common deadline, or sum of served fractions) |
//! | `summary.phase[P]` | summaries | each phase is listed once, with its kind and deadline |
//! | `summary.demand_met[P]`, `summary.finishes_at[P]` | summaries | as recomputed from the schedule (see below) |
//! | `summary.assignment[P,K]` | summaries | peak devices, device-hours, accelerator and origin of each pair the schedule uses (and no other) |
//! | `summary.pool[K]` | summaries | each pool listed once with its device-hours, utilisation and peak devices |
//! | `summary.purchase[K]` | summaries | each purchase's accelerator, cost, levy, arrival day and justification flag |
//!
//! # Training work: the true rate, and the planner's linearisation
//!
//! A slot earns only inside its *earning window*: from the later of the
//! phase's start and the pool's arrival to the phase's deadline in the
//! scenario (work after the deadline earns nothing; for a phase whose
//! deadline a `min_makespan` objective minimises, the horizon, and
//! `summary.objective` checks that it finishes by the plan's common
//! deadline). Within it, the job of a
//! phase on a pool at time `t` is all the devices of the phase's slots on
//! that pool at `t`, and it progresses at
//! [`PerfModel::pair_at_devices`]`(P, K, n)`, the performance model *at
//! that device count* (scale-out efficiency and failure goodput depend on
//! `n`). That is the work `demand[P]` requires (all of it; for a
//! `max_served` plan, the fraction the plan claims).
//!
//! The planner instead linearises each (phase, pool) rate at the job size
//! the pool would need to finish alone by the slot's end
//! ([`PerfModel::pair_until`]). A plan that meets the demand under that
//! linearisation but not at its true device counts passes `demand[P]` with
//! a [`Warning`] giving both figures and their relative difference; one
//! that fails both fails. `summary.demand_met[P]` and
//! `summary.finishes_at[P]` compare the plan's claims with the linearised
//! figures, which is what the planner reports.
//!
//! # Tolerances
//!
//! * Quantities (devices, device-hours, fractions of demand, USD) are
//!   compared with the relative tolerance [`REL`] = `1e-6`, scaled by
//!   `1 + |reference|` (the solver's feasibility tolerance; genuine plans
//!   agree to about `1e-12`).
//! * Times (hours) are compared with `1e-6 h + 1e-9 · |t|`: a slot may start
//!   a few milliseconds before its window; pieces of the timeline shorter
//!   than that are ignored by `capacity` and serving coverage.
//! * Whole units: a device count is whole when it is within `1e-6` of a
//!   whole multiple of its unit.
//!
//! # Not checked
//!
//! Shadow prices (`binding`) need the LP and are not re-derived; `status`,
//! `gap` and solver statistics describe the solve, not the plan; the plan's
//! own `verified` and `verification` are ignored. Fractional plans (an LP)
//! are held to `whole_units` and `memory_fit` only when they claim
//! `whole_devices`.

mod budgets;
mod capacity;
mod cost;
mod demand;
mod detail;
mod domestic;
mod limits;
mod names;
mod purchases;
mod quotas;
mod serving;
mod summaries;
mod time;
mod whole;
mod window;
mod work;

use super::Plan;
use crate::perf::PerfModel;
use crate::scenario::{PhaseId, PoolId, ValidatedScenario};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use detail::Detail;
pub(crate) use detail::detail;

/// Relative tolerance of the checks on quantities (module docs).
pub const REL: f64 = 1e-6;

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Check {
    /// What was checked, e.g. `"capacity[h800-owned]"`.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// The numbers behind it (written when first read: [`Detail`]).
    pub detail: Detail,
}

/// A check that passed only under the planner's linearisation (module
/// docs): the plan is accepted, but a figure it relies on is not what the
/// model gives at the plan's own device counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Warning {
    /// The check it concerns, e.g. `"demand[pretrain]"`.
    pub name: String,
    /// What differs, with both figures.
    pub detail: String,
    /// The relative size of the difference,
    /// `(linearised − true) / linearised`.
    pub difference: f64,
}

/// Every check [`verify`] made, and its warnings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifyReport {
    /// The checks, in order.
    pub checks: Vec<Check>,
    /// Checks that passed only under the planner's linearisation.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl VerifyReport {
    /// `true` when every check passed (and there was at least one).
    /// Warnings do not fail a plan.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }

    /// The report as `fleetplan verify` prints it: the warnings, then
    /// `verified` or one `FAILED name: detail` line per failed check.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut lines: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("warning: {}: {}", w.name, w.detail))
            .collect();
        if self.is_ok() {
            lines.push("verified".to_owned());
        } else {
            lines.extend(
                self.failures()
                    .map(|c| format!("FAILED {}: {}", c.name, c.detail)),
            );
        }
        lines.join("\n")
    }

    /// The report as `fleetplan verify --format json` prints it:
    /// `{ verified, checks: [{name, ok, detail}], warnings: [{name, detail,
    /// difference}] }` (the keys are a contract).
    ///
    /// # Errors
    /// Never in practice; a serde failure is
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal).
    pub fn to_json(&self) -> crate::Result<String> {
        let v = serde_json::json!({
            "verified": self.is_ok(),
            "checks": self.checks,
            "warnings": self.warnings,
        });
        serde_json::to_string_pretty(&v)
            .map_err(|e| crate::Error::internal(format!("verify report to JSON: {e}")))
    }

    /// The check called `name`, if it was made.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    fn add(&mut self, name: impl Into<String>, ok: bool, detail: impl Into<Detail>) {
        self.checks.push(Check {
            name: name.into(),
            ok,
            detail: detail.into(),
        });
    }

    fn warn(&mut self, name: impl Into<String>, detail: impl Into<String>, difference: f64) {
        self.warnings.push(Warning {
            name: name.into(),
            detail: detail.into(),
            difference,
        });
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.failures() {
            writeln!(f, "  FAILED {}: {}", c.name, c.detail)?;
        }
        for w in &self.warnings {
            writeln!(f, "  WARNING {}: {}", w.name, w.detail)?;
        }
        Ok(())
    }
}

/// `a ≤ b` within [`REL`].
fn le(a: f64, b: f64) -> bool {
    a <= b + REL * (1.0 + b.abs())
}

/// `a = b` within [`REL`] of the larger.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * (1.0 + a.abs().max(b.abs()))
}

/// The tolerance on a time `t` in hours (module docs).
fn time_tol(t: f64) -> f64 {
    1e-6 + 1e-9 * t.abs()
}

/// Whether `n` is a whole multiple of `unit` (module docs).
fn whole(n: f64, unit: f64) -> bool {
    let q = n / unit.max(1.0);
    (q - q.round()).abs() <= 1e-6
}

/// At most `k` items of a list, then how many more.
fn listed(items: &[String], k: usize) -> String {
    let mut s = items.iter().take(k).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > k {
        s.push_str(&format!("; and {} more", items.len() - k));
    }
    s
}

/// A slot whose names resolve and whose numbers are finite (devices
/// non-negative): what every family after `names` works on.
#[derive(Debug, Clone, Copy)]
struct SlotAt {
    /// Index into the plan's schedule.
    index: usize,
    phase: PhaseId,
    pool: PoolId,
    from: f64,
    to: f64,
    devices: f64,
    /// What the devices do (inference): both prefill and decode unless the
    /// slot says otherwise.
    role: crate::plan::ServeRole,
}

impl SlotAt {
    fn device_hours(&self) -> f64 {
        self.devices * (self.to - self.from)
    }
}

/// A purchase of the plan, with its arrival recomputed.
#[derive(Debug, Clone, Copy)]
struct Bought {
    /// Index into the plan's purchases.
    index: usize,
    /// The order, hours from the start.
    ordered: f64,
    /// The order plus the pool's lead time (what the scenario gives, not
    /// the plan's `arrives_day`).
    arrival: f64,
    devices: f64,
}

/// The scenario, the plan and what every family shares.
struct Ctx<'a> {
    vs: &'a ValidatedScenario,
    perf: PerfModel<'a>,
    plan: &'a Plan,
    /// The horizon, hours.
    horizon: f64,
    /// The usable slots, in schedule order.
    slots: Vec<SlotAt>,
    /// Per pool: its usable slots (indices into `slots`).
    by_pool: Vec<Vec<usize>>,
    /// Per phase: its usable slots (indices into `slots`).
    by_phase: Vec<Vec<usize>>,
    /// Per pool: devices bought (finite purchase entries).
    bought: Vec<f64>,
    /// Per pool: its purchases (finite entries), with the arrival
    /// recomputed from the order day and the pool's lead time.
    buys: Vec<Vec<Bought>>,
    /// The scenario's change points, hours ([`ValidatedScenario::change_points`]).
    changes: Vec<f64>,
    /// Per phase: whether a `min_makespan` objective covers it (its
    /// deadline is then what the plan minimises, due by the horizon).
    makespan: Vec<bool>,
}

impl Ctx<'_> {
    /// The phase's window in the scenario, hours: start (release) and
    /// deadline (end of service), both within the horizon. A phase whose
    /// deadline a `min_makespan` objective minimises is due by the horizon
    /// (the planner searches its deadline up to there); the plan's common
    /// deadline is then checked as its objective.
    fn window(&self, p: PhaseId) -> (f64, f64) {
        let (s, e) = self.vs.phase(p).window();
        let end = if self.makespan[p.index()] {
            self.horizon
        } else {
            e.to_hours().get().min(self.horizon)
        };
        (s.to_hours().get().min(self.horizon), end)
    }

    /// When a pool's devices can first be used, hours: a purchasable pool's
    /// earliest recomputed arrival among the plan's purchases (its lead time
    /// when it buys nothing), within the horizon; zero otherwise.
    fn arrival(&self, k: PoolId) -> f64 {
        let p = self.vs.pool(k);
        if p.ownership().is_purchasable() {
            self.buys[k.index()]
                .iter()
                .map(|b| b.arrival)
                .reduce(f64::min)
                .unwrap_or_else(|| p.lead_time().to_hours().get())
                .min(self.horizon)
        } else {
            0.0
        }
    }

    /// Devices of pool `k` bought and arrived by time `t` (hours).
    fn arrived(&self, k: PoolId, t: f64) -> f64 {
        self.buys[k.index()]
            .iter()
            .filter(|b| t >= b.arrival - time_tol(t))
            .map(|b| b.devices)
            .sum()
    }

    /// The earning window of phase `p` on pool `k` (module docs).
    fn earning(&self, p: PhaseId, k: PoolId) -> (f64, f64) {
        let (s, e) = self.window(p);
        (s.max(self.arrival(k)), e)
    }

    fn phase_slots(&self, p: PhaseId) -> impl Iterator<Item = &SlotAt> {
        self.by_phase[p.index()].iter().map(|&i| &self.slots[i])
    }

    fn pool_slots(&self, k: PoolId) -> impl Iterator<Item = &SlotAt> {
        self.by_pool[k.index()].iter().map(|&i| &self.slots[i])
    }

    /// The name of a schedule entry, for messages.
    fn slot_label(&self, s: &SlotAt) -> String {
        format!(
            "schedule[{}] ({} on {}, hours {:.3}-{:.3}, {} devices)",
            s.index,
            self.vs.phase(s.phase).name(),
            self.vs.pool(s.pool).name(),
            s.from,
            s.to,
            s.devices
        )
    }
}

/// Verifies `plan` against `vs` (module docs): every check, in family
/// order, with its numbers; [`VerifyReport::is_ok`] says whether the plan
/// holds.
///
/// ```
/// use fleetplan::prelude::*;
///
/// let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
/// let vs = Scenario::from_toml_str(&text)?.validate()?;
/// let mut p = plan(&vs, &PlanOptions::default())?;
/// assert!(verify(&vs, &p).is_ok());
/// // a plan that claims to cost less than it does is rejected
/// p.cost.total_usd = Usd::new(p.cost.total_usd.get() * 0.5)?;
/// assert!(!verify(&vs, &p).is_ok());
/// # Ok::<(), fleetplan::Error>(())
/// ```
#[must_use]
pub fn verify(vs: &ValidatedScenario, plan: &Plan) -> VerifyReport {
    verify_with(PerfModel::new(vs), plan)
}

/// [`verify`] with the scenario's performance model already resolved (a
/// planning session keeps it across solves).
pub(crate) fn verify_with(perf: PerfModel<'_>, plan: &Plan) -> VerifyReport {
    let vs = perf.scenario();
    let mut r = VerifyReport::default();
    let cx = names::check(perf, plan, &mut r);
    purchases::check(&cx, &mut r);
    capacity::check(&cx, &mut r);
    let mut figures = Vec::with_capacity(vs.phase_ids().len());
    for ph in vs.phases() {
        window::check(&cx, ph.id(), &mut r);
        figures.push(if ph.kind().is_training() {
            work::demand(&cx, ph.id(), &mut r)
        } else {
            serving::demand(&cx, ph.id(), &mut r)
        });
        whole::check(&cx, ph.id(), &mut r);
        limits::check(&cx, ph.id(), &mut r);
    }
    quotas::check(&cx, &mut r);
    domestic::check(&cx, &mut r);
    let costs = cost::check(&cx, &mut r);
    budgets::check(&cx, &costs, &mut r);
    summaries::check(&cx, &figures, &costs, &mut r);
    r
}

/// What the demand families recompute for a phase, for the summaries.
#[derive(Debug, Clone, Default)]
struct PhaseFigures {
    /// Training: the linearised work done by the deadline (fraction);
    /// inference: the least fraction of the daily demand served over the
    /// window.
    met_linearised: f64,
    /// Training: the work done at the slots' device counts.
    met_true: f64,
    /// Training: linearised work segments `(from, to, fraction per hour)`
    /// inside their earning windows.
    segments: Vec<(f64, f64, f64)>,
}
