//! What a scenario says about risk: `[[risks]]`, `[[risk_scenarios]]` and
//! `[risk]`, and their validation.

use crate::fleet::Count;
use crate::policy::ExportRule;
use crate::scenario::{Issue, IssueCode, Scenario};
use crate::units::{Date, Days, Fraction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most independent risks combined into every joint scenario (2^12 = 4,096
/// joint scenarios); more need `[[risk_scenarios]]` or `risk.samples`.
pub const MAX_INDEPENDENT_RISKS: usize = 12;

/// Most joint scenarios listed or sampled.
pub const MAX_JOINT_SCENARIOS: usize = 4_096;

/// Most dates a risk at an uncertain date is discretised into
/// ([`DateRange::points`]).
pub const MAX_RANGE_POINTS: u32 = 12;

/// A named event that may happen on a date, changing the scenario from
/// that date on. At least one effect (`rule`, `deliveries`, `demand`) is
/// given; all of them apply when the event happens.
///
/// ```toml
/// [[risks]]
/// name = "h20-revoked"
/// probability = 0.3
/// on = "2025-10-01"
/// rule = { accelerators = ["H20"], destination = "CN", issuer = "US", status = "prohibited" }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Risk {
    /// Name, used in reports and in `[[risk_scenarios]]`.
    pub name: String,
    /// Probability that the event happens, in `[0, 1]` (independent of the
    /// other risks). Required unless `[[risk_scenarios]]` list the joint
    /// scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Fraction>,
    /// The day the event happens and becomes known: decisions taken before
    /// it are shared by the branches where it happens and where it does
    /// not. With `on_range`, the first day of the range.
    pub on: Date,
    /// An uncertain date: the event happens on one day of `[on, until]`,
    /// uniformly, discretised into `points` dates of equal probability
    /// share (module docs of [`crate::risk`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_range: Option<DateRange>,
    /// An export rule in force from `on` (its `from` must be absent). It
    /// overrides, from `on`, the rules of the same issuer and destination on
    /// the accelerators it covers (a licence revoked, a levy raised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<ExportRule>,
    /// A purchasable pool's delivery schedule scaled or delayed from `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliveries: Option<DeliveryRisk>,
    /// A phase's demand scaled from `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<DemandRisk>,
    /// A training phase's runs on some pools failing on `on` (a
    /// [`crate::workload::RunFailure`]: their work lost, to be redone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureRisk>,
    /// Where the probability comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The range of an event at an uncertain date (`on_range`): from the
/// risk's `on` to `until`, inclusive.
///
/// ```toml
/// [[risks]]
/// name = "h20-revoked"
/// probability = 0.6
/// on = "2025-10-01"
/// on_range = { until = "2025-12-31", points = 3 }
/// rule = { accelerators = ["H20"], destination = "CN", issuer = "US", status = "prohibited" }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DateRange {
    /// The last day the event may happen on (after `on`).
    pub until: Date,
    /// Dates the range is discretised into, in `1..=`[`MAX_RANGE_POINTS`]
    /// and at most the days from `on` to `until`: the midpoints of
    /// `points` equal parts of the range (one point: its midpoint), each
    /// with `1/points` of the risk's probability.
    pub points: u32,
}

impl Risk {
    /// The dates the event may happen on: `on`, or the discretised range
    /// ([`DateRange`]: the midpoint of each of `points` equal parts of
    /// `[on, until]`, rounded down to a day), ascending.
    #[must_use]
    pub fn dates(&self) -> Vec<Date> {
        let Some(r) = self.on_range.filter(|r| r.points >= 1 && r.until > self.on) else {
            return vec![self.on];
        };
        // day counts and points are small: exact in f64
        #[allow(clippy::cast_precision_loss)]
        let span = r.until.days_since(self.on) as f64;
        let n = f64::from(r.points);
        let mut out: Vec<Date> = (0..r.points)
            .map(|i| {
                let at = (span * (f64::from(i) + 0.5) / n).floor();
                self.on
                    .after(crate::units::Days::from_raw(at))
                    .unwrap_or(self.on)
            })
            .collect();
        out.dedup();
        out
    }
}

/// A delivery schedule changed from the event's date: its caps scaled
/// (`scale = 0` halts supply) and/or the supply from then on delayed by
/// `delay_days` (nothing arrives in between).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeliveryRisk {
    /// The purchasable pool (it must have `deliveries`).
    pub pool: String,
    /// Factor on every cap from the event's date on (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Days the supply from the event's date on is delayed (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_days: Option<Days>,
}

/// A phase's demand scaled: an inference phase's daily demand from the
/// event's date on; a training phase's whole work (e.g. part of a run to
/// be redone), learnt on the event's date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DemandRisk {
    /// The phase.
    pub phase: String,
    /// Factor on the demand (> 0).
    pub scale: f64,
}

/// Training runs failing: the runs of `phase` on the pools named, or on
/// the devices of the vendors named, in progress on the event's date fail
/// then; their work is lost and the phase may be redone from that date, on
/// any pool it may use ([`crate::workload::RunFailure`]).
///
/// ```toml
/// [[risks]]
/// name = "ascend-run-fails"
/// probability = 0.4
/// on = "2025-10-15"
/// failure = { phase = "pretrain", vendors = ["Huawei"] }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FailureRisk {
    /// The training phase.
    pub phase: String,
    /// Pools whose runs fail, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<String>,
    /// Vendors whose devices' runs fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

/// A joint scenario listed by the user: which risks happen together, and
/// how likely that is. The listed probabilities sum to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RiskScenario {
    /// Name, used in reports.
    pub name: String,
    /// Probability of this joint outcome.
    pub probability: Fraction,
    /// The risks that happen (by name); the others do not.
    #[serde(default)]
    pub risks: Vec<String>,
}

/// How joint scenarios are formed and what the plan optimises under risk
/// (`[risk]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RiskOptions {
    /// Sample this many joint scenarios (each risk drawn independently
    /// with its probability) instead of enumerating all 2^n; identical
    /// draws merge, each joint scenario weighted by its share of draws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<Count>,
    /// Seed of the sampler (0 when absent): the same seed gives the same
    /// joint scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The CVaR level α in `[0, 1)` (the mean of the worst `1 − α` of the
    /// cost distribution); 0.9 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvar_alpha: Option<Fraction>,
    /// λ ≥ 0: the plan minimises expected cost + λ·CVaR_α (0, expected cost
    /// only, when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvar_weight: Option<f64>,
    /// How the stochastic plan is solved (`auto` when absent): the
    /// extensive form, or the L-shaped decomposition
    /// ([`crate::risk`] module docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<RiskMethod>,
    /// What the plan optimises: the expected cost (+ λ·CVaR), the default;
    /// or `"chance"`: the same, subject to every training deadline being
    /// met with probability at least `deadline_probability` (module docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<RiskObjective>,
    /// q in `[0, 1]`: with `objective = "chance"`, the least probability
    /// that every training deadline is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_probability: Option<Fraction>,
}

/// What a plan under risk optimises (`[risk] objective`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RiskObjective {
    /// Expected cost + λ·CVaR_α (λ = `cvar_weight`, 0 when absent), every
    /// deadline met in every branch.
    ExpectedCost,
    /// The same objective, subject to "every training phase's work done by
    /// its deadline" with probability at least `deadline_probability`: a
    /// chance constraint by scenario selection (a binary per joint
    /// scenario; branches not selected may run late, to the horizon).
    Chance,
}

/// How a plan under risk is solved (`[risk] method`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RiskMethod {
    /// The decomposition from [`AUTO_DECOMPOSITION_BRANCHES`] joint
    /// scenarios on when it applies (fractional devices, no CVaR weight),
    /// the extensive form otherwise.
    #[default]
    Auto,
    /// Every branch stacked in one model, solved by the engine.
    Extensive,
    /// The multi-cut L-shaped method over the here-and-now decisions (exact
    /// for fractional plans); the extensive form, with the reason stated,
    /// where it does not apply.
    Decomposition,
}

/// Joint scenarios from which `method = "auto"` decomposes.
pub const AUTO_DECOMPOSITION_BRANCHES: usize = 64;

/// How the joint scenarios of a scenario with risks are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskMode {
    /// Every combination of the independent risks (2^n).
    Independent,
    /// The `[[risk_scenarios]]` listed.
    Listed,
    /// A seeded sample of this many draws.
    Sampled(u64),
}

impl RiskOptions {
    /// How `s`'s joint scenarios are formed.
    #[must_use]
    pub fn mode(&self, s: &Scenario) -> RiskMode {
        if !s.risk_scenarios.is_empty() {
            RiskMode::Listed
        } else if let Some(n) = self.samples.and_then(|n| n.check().ok()) {
            RiskMode::Sampled(n)
        } else {
            RiskMode::Independent
        }
    }

    /// `true` when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &RiskOptions::default()
    }

    /// The CVaR level in force (0.9 when absent).
    #[must_use]
    pub fn alpha(&self) -> f64 {
        self.cvar_alpha.map_or(0.9, Fraction::get)
    }

    /// λ in force (0 when absent).
    #[must_use]
    pub fn weight(&self) -> f64 {
        self.cvar_weight.unwrap_or(0.0)
    }

    /// The chance constraint's q, when `objective = "chance"` (0 when its
    /// `deadline_probability` is absent, which validation rejects).
    #[must_use]
    pub fn chance(&self) -> Option<f64> {
        (self.objective == Some(RiskObjective::Chance))
            .then(|| self.deadline_probability.map_or(0.0, Fraction::get))
    }
}

fn issue(out: &mut Vec<Issue>, code: IssueCode, path: String, msg: String, fix: &str) {
    out.push(Issue::new(code, path, msg, fix));
}

/// Checks `v` is finite and inside `[lo, hi]` (`hi_open`: `[lo, hi)`).
fn in_range(out: &mut Vec<Issue>, path: String, v: f64, lo: f64, hi: f64, hi_open: bool) -> bool {
    let (code, why) = if v.is_nan() {
        (IssueCode::NumberNaN, "is NaN".to_owned())
    } else if v.is_infinite() && hi.is_finite() {
        (IssueCode::NumberInfinite, "is infinite".to_owned())
    } else if v < lo || v > hi || (hi_open && v >= hi) {
        let close = if hi_open { ")" } else { "]" };
        let hi_s = if hi.is_finite() {
            format!("{hi}")
        } else {
            "∞".to_owned()
        };
        (
            IssueCode::NumberRange,
            format!("is {v}, outside [{lo}, {hi_s}{close}"),
        )
    } else {
        return true;
    };
    let fix = "give a number inside the range";
    issue(out, code, path.clone(), format!("{path} {why}"), fix);
    false
}

/// Checks the risk sections of `s`, appending every problem to `out`.
pub(crate) fn check(s: &Scenario, out: &mut Vec<Issue>) {
    if s.risks.is_empty() {
        if !s.risk_scenarios.is_empty() || !s.risk.is_empty() {
            issue(
                out,
                IssueCode::RiskInvalid,
                "risk_scenarios".into(),
                "[[risk_scenarios]] or [risk] without any [[risks]]".into(),
                "declare the events under [[risks]], or remove the risk sections",
            );
        }
        return;
    }
    let horizon = s.horizon_days.get();
    let end = s.start.after(s.horizon_days);
    let mut names = BTreeSet::new();
    for (i, r) in s.risks.iter().enumerate() {
        let at = format!("risks[{i}]");
        if r.name.trim().is_empty() {
            issue(
                out,
                IssueCode::NameEmpty,
                format!("{at}.name"),
                "a risk's name is empty".into(),
                "give the risk a name",
            );
        } else if !names.insert(r.name.as_str()) {
            issue(
                out,
                IssueCode::NameDuplicate,
                format!("{at}.name"),
                format!("two risks are named '{}'", r.name),
                "give each risk its own name",
            );
        }
        match r.probability {
            Some(p) => {
                in_range(out, format!("{at}.probability"), p.get(), 0.0, 1.0, false);
            }
            None if s.risk_scenarios.is_empty() => issue(
                out,
                IssueCode::RiskInvalid,
                format!("{at}.probability"),
                format!("risk '{}' has no probability", r.name),
                "give probability = p in [0, 1], or list the joint outcomes under [[risk_scenarios]]",
            ),
            None => {}
        }
        if r.on < s.start || end.is_some_and(|e| r.on >= e) || horizon.is_nan() {
            issue(
                out,
                IssueCode::DateBeyondHorizon,
                format!("{at}.on"),
                format!(
                    "risk '{}' happens on {}, outside the plan (from {} for {horizon} days)",
                    r.name, r.on, s.start
                ),
                "date the event inside the horizon",
            );
        }
        if let Some(range) = &r.on_range {
            check_range(s, out, &at, r, range);
        }
        if r.rule.is_none() && r.deliveries.is_none() && r.demand.is_none() && r.failure.is_none() {
            issue(
                out,
                IssueCode::RiskInvalid,
                at.clone(),
                format!("risk '{}' has no effect", r.name),
                "give at least one of rule = {...}, deliveries = {...}, demand = {...}, failure = {...}",
            );
        }
        if let Some(f) = &r.failure {
            check_failure(s, out, &at, f);
        }
        if let Some(rule) = &r.rule
            && rule.from.is_some()
        {
            issue(
                out,
                IssueCode::FieldNotApplicable,
                format!("{at}.rule.from"),
                "a risk's rule starts on the risk's date".into(),
                "remove `from` (the rule is in force from `on`)",
            );
        }
        if let Some(rule) = &r.rule
            && rule
                .until
                .is_some_and(|u| r.dates().last().is_some_and(|&d| u <= d))
        {
            issue(
                out,
                IssueCode::DatesReversed,
                format!("{at}.rule.until"),
                "the rule would end before the event".into(),
                "set `until` after `on`, or remove it",
            );
        }
        if let Some(d) = &r.deliveries {
            check_deliveries(s, out, &at, d);
        }
        if let Some(d) = &r.demand {
            if !s.phases.iter().any(|p| p.name == d.phase) {
                issue(
                    out,
                    IssueCode::PhaseUnknown,
                    format!("{at}.demand.phase"),
                    format!("unknown phase '{}'", d.phase),
                    "name a phase of this scenario",
                );
            }
            in_range(out, format!("{at}.demand.scale"), d.scale, 1e-9, 1e6, false);
        }
    }
    check_joint(s, out, &names);
}

/// An uncertain date: after `on`, inside the horizon, with points in
/// `1..=MAX_RANGE_POINTS` and no more than its days.
fn check_range(s: &Scenario, out: &mut Vec<Issue>, at: &str, r: &Risk, range: &DateRange) {
    let end = s.start.after(s.horizon_days);
    if range.until <= r.on {
        issue(
            out,
            IssueCode::DatesReversed,
            format!("{at}.on_range.until"),
            format!(
                "risk '{}' ranges from {} to {}: the range ends before it starts",
                r.name, r.on, range.until
            ),
            "set `until` after `on` (the first day of the range)",
        );
    } else if end.is_some_and(|e| range.until >= e) {
        issue(
            out,
            IssueCode::DateBeyondHorizon,
            format!("{at}.on_range.until"),
            format!(
                "risk '{}' may happen until {}, past the plan's horizon",
                r.name, range.until
            ),
            "end the range inside the horizon",
        );
    }
    let days = range.until.days_since(r.on).max(1);
    if range.points == 0 || range.points > MAX_RANGE_POINTS || i64::from(range.points) > days {
        issue(
            out,
            IssueCode::NumberRange,
            format!("{at}.on_range.points"),
            format!(
                "on_range.points is {}: it must be in [1, {}] and at most the {days} days of the range",
                range.points,
                MAX_RANGE_POINTS.min(u32::try_from(days).unwrap_or(u32::MAX))
            ),
            "give fewer points (each is a date of its own, in every combination with the other risks)",
        );
    }
}

/// A failure risk names a training phase and pools of the scenario (its
/// vendors are checked with the scenario it makes, at
/// `phases[i].failures[j]`).
fn check_failure(s: &Scenario, out: &mut Vec<Issue>, at: &str, f: &FailureRisk) {
    match s.phases.iter().find(|p| p.name == f.phase) {
        None => issue(
            out,
            IssueCode::PhaseUnknown,
            format!("{at}.failure.phase"),
            format!("unknown phase '{}'", f.phase),
            "name a training phase of this scenario",
        ),
        Some(p) if !p.kind.is_training() => issue(
            out,
            IssueCode::RiskInvalid,
            format!("{at}.failure.phase"),
            format!(
                "'{}' is an inference phase: it has no runs to fail",
                f.phase
            ),
            "name a pretraining or posttraining phase",
        ),
        Some(_) => {}
    }
    if f.pools.is_empty() && f.vendors.is_empty() {
        issue(
            out,
            IssueCode::FailureEmpty,
            format!("{at}.failure"),
            "the failure names no pool and no vendor".into(),
            "add pools = [\"<pool name>\"] or vendors = [\"<vendor>\"]",
        );
    }
    for (k, n) in f.pools.iter().enumerate() {
        if !s.pools.iter().any(|p| &p.name == n) {
            issue(
                out,
                IssueCode::PoolUnknown,
                format!("{at}.failure.pools[{k}]"),
                format!("unknown pool '{n}'"),
                "name a pool of this scenario",
            );
        }
    }
}

fn check_deliveries(s: &Scenario, out: &mut Vec<Issue>, at: &str, d: &DeliveryRisk) {
    match s.pools.iter().position(|p| p.name == d.pool) {
        None => issue(
            out,
            IssueCode::RiskInvalid,
            format!("{at}.deliveries.pool"),
            format!("unknown pool '{}'", d.pool),
            "name a purchasable pool of this scenario",
        ),
        Some(k) if s.pools[k].deliveries.is_empty() => issue(
            out,
            IssueCode::RiskInvalid,
            format!("{at}.deliveries.pool"),
            format!("pool '{}' has no delivery schedule to change", d.pool),
            "give the pool `deliveries = [...]` (with period_days), or use a rule on its accelerator",
        ),
        Some(_) => {}
    }
    if d.scale.is_none() && d.delay_days.is_none() {
        issue(
            out,
            IssueCode::RiskInvalid,
            format!("{at}.deliveries"),
            "a delivery risk with neither `scale` nor `delay_days`".into(),
            "give scale = f (0 halts supply) or delay_days = n",
        );
    }
    if let Some(f) = d.scale {
        in_range(out, format!("{at}.deliveries.scale"), f, 0.0, 1e6, false);
    }
    if let Some(n) = d.delay_days {
        in_range(
            out,
            format!("{at}.deliveries.delay_days"),
            n.get(),
            1e-9,
            1e6,
            false,
        );
    }
}

/// Joint scenarios of independent risks: Π (dates + 1).
fn joint_count(s: &Scenario) -> u128 {
    s.risks.iter().fold(1u128, |acc, r| {
        acc.saturating_mul(r.dates().len() as u128 + 1)
    })
}

fn check_joint(s: &Scenario, out: &mut Vec<Issue>, names: &BTreeSet<&str>) {
    let o = &s.risk;
    if let Some(a) = o.cvar_alpha {
        in_range(out, "risk.cvar_alpha".into(), a.get(), 0.0, 1.0, true);
    }
    if let Some(w) = o.cvar_weight {
        in_range(out, "risk.cvar_weight".into(), w, 0.0, 1e6, false);
    }
    match (o.objective, o.deadline_probability) {
        (Some(RiskObjective::Chance), None) => issue(
            out,
            IssueCode::RiskInvalid,
            "risk.deadline_probability".into(),
            "objective = \"chance\" without deadline_probability".into(),
            "give deadline_probability = q in [0, 1]: the least probability that every training deadline is met",
        ),
        (Some(RiskObjective::Chance), Some(q)) => {
            in_range(
                out,
                "risk.deadline_probability".into(),
                q.get(),
                0.0,
                1.0,
                false,
            );
        }
        (_, Some(_)) => issue(
            out,
            IssueCode::FieldNotApplicable,
            "risk.deadline_probability".into(),
            "deadline_probability is only read with objective = \"chance\"".into(),
            "set objective = \"chance\", or remove deadline_probability",
        ),
        (_, None) => {}
    }
    if let Some(n) = o.samples {
        match n.check() {
            Ok(n) if (1..=MAX_JOINT_SCENARIOS as u64 * 64).contains(&n) => {}
            _ => issue(
                out,
                IssueCode::NumberRange,
                "risk.samples".into(),
                format!(
                    "risk.samples must be a whole number in [1, {}]",
                    MAX_JOINT_SCENARIOS * 64
                ),
                "sample fewer scenarios",
            ),
        }
        if !s.risk_scenarios.is_empty() {
            issue(
                out,
                IssueCode::RiskInvalid,
                "risk.samples".into(),
                "both risk.samples and [[risk_scenarios]]".into(),
                "either list the joint scenarios or sample them, not both",
            );
        }
    } else if s.risk_scenarios.is_empty()
        && s.risks.len() <= MAX_INDEPENDENT_RISKS
        && joint_count(s) > MAX_JOINT_SCENARIOS as u128
    {
        issue(
            out,
            IssueCode::RiskTooMany,
            "risks".into(),
            format!(
                "the risks (with their dates in ranges) make {} joint scenarios; at most {MAX_JOINT_SCENARIOS}",
                joint_count(s)
            ),
            "give fewer on_range.points, set risk.samples, or list joint scenarios under [[risk_scenarios]]",
        );
    } else if s.risk_scenarios.is_empty() && s.risks.len() > MAX_INDEPENDENT_RISKS {
        issue(
            out,
            IssueCode::RiskTooMany,
            "risks".into(),
            format!(
                "{} independent risks make {} joint scenarios; at most {MAX_INDEPENDENT_RISKS} risks are combined exhaustively",
                s.risks.len(),
                1u128 << s.risks.len().min(127)
            ),
            "set risk.samples (a seeded sample of joint scenarios), or list them under [[risk_scenarios]]",
        );
    }
    if s.objective != crate::scenario::Objective::MinCost {
        issue(
            out,
            IssueCode::RiskInvalid,
            "objective".into(),
            format!(
                "planning under risk minimises (expected) cost; the objective is {}",
                s.objective.kind().as_str()
            ),
            "use objective = \"min_cost\" with [[risks]]",
        );
    }
    if s.risk_scenarios.is_empty() {
        return;
    }
    if s.risk_scenarios.len() > MAX_JOINT_SCENARIOS {
        issue(
            out,
            IssueCode::RiskTooMany,
            "risk_scenarios".into(),
            format!(
                "{} joint scenarios listed; at most {MAX_JOINT_SCENARIOS}",
                s.risk_scenarios.len()
            ),
            "list fewer joint scenarios",
        );
    }
    // a listed joint scenario splits into one per date of its ranged risks
    let split: u128 = s
        .risk_scenarios
        .iter()
        .map(|js| {
            js.risks
                .iter()
                .filter_map(|n| s.risks.iter().find(|r| &r.name == n))
                .fold(1u128, |a, r| a.saturating_mul(r.dates().len() as u128))
        })
        .fold(0u128, u128::saturating_add);
    if split > MAX_JOINT_SCENARIOS as u128 && s.risk_scenarios.len() <= MAX_JOINT_SCENARIOS {
        issue(
            out,
            IssueCode::RiskTooMany,
            "risk_scenarios".into(),
            format!(
                "the listed joint scenarios make {split} with the dates of their ranged risks; at most {MAX_JOINT_SCENARIOS}"
            ),
            "give fewer on_range.points, or list fewer joint scenarios",
        );
    }
    let mut total = 0.0;
    let mut seen = BTreeSet::new();
    for (j, js) in s.risk_scenarios.iter().enumerate() {
        let at = format!("risk_scenarios[{j}]");
        if js.name.trim().is_empty() || !seen.insert(js.name.as_str()) {
            issue(
                out,
                IssueCode::NameDuplicate,
                format!("{at}.name"),
                format!("joint scenario name '{}' is empty or repeated", js.name),
                "give each joint scenario its own name",
            );
        }
        if in_range(
            out,
            format!("{at}.probability"),
            js.probability.get(),
            0.0,
            1.0,
            false,
        ) {
            total += js.probability.get();
        }
        for (k, n) in js.risks.iter().enumerate() {
            if !names.contains(n.as_str()) {
                issue(
                    out,
                    IssueCode::RiskInvalid,
                    format!("{at}.risks[{k}]"),
                    format!("unknown risk '{n}'"),
                    "name a risk declared under [[risks]]",
                );
            }
        }
    }
    if total.is_finite() && (total - 1.0).abs() > 1e-9 {
        issue(
            out,
            IssueCode::RiskInvalid,
            "risk_scenarios".into(),
            format!("the joint scenarios' probabilities sum to {total}, not 1"),
            "make the probabilities of the listed joint scenarios sum to 1",
        );
    }
}
