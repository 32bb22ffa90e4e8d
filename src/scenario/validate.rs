//! `Scenario::validate` and the `ValidatedScenario` it makes.

use super::ranges::{self, Range, shown};
use super::{Issue, IssueCode, Objective, Scenario, ValidationReport};
use crate::catalog::{
    Accelerator, Catalog, Country, NumberKind, Precision, Support, suggest, vendor_key,
};
use crate::fleet::{Count, CountError, Ownership, Pool, SoftwareStack};
use crate::perf::fit::{self, FitError};
use crate::policy::{ExportRule, QuotaPer, RuleEffect, RuleScope, RuleStatus, ranges_overlap};
use crate::units::{Date, Days, Fraction, Hours, Quantity, Tokens, TokensPerSec, UsdPerKwh};
use crate::workload::{DemandSchedule, DemandStep, Measured, ModelArch, Phase, PhaseKind, Scaling};
use std::collections::BTreeMap;
use std::fmt;

mod edit;
pub use edit::BudgetKind;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The index into the validated scenario's list.
            #[must_use]
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// Sizes are checked when the scenario is validated (a list of
            /// more than `u32::MAX` entries cannot be read from a file in
            /// memory), so indices fit.
            pub(crate) fn new(i: usize) -> Self {
                Self(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($what, "#{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A pool of a [`ValidatedScenario`] (its index in `pools`).
    PoolId, "pool"
);
id_type!(
    /// A phase of a [`ValidatedScenario`] (its index in `phases`).
    PhaseId, "phase"
);
id_type!(
    /// An accelerator of a [`ValidatedScenario`]'s merged catalogue.
    AcceleratorId, "accelerator"
);
id_type!(
    /// An export rule of a [`ValidatedScenario`] (its index in
    /// `policy.rules`).
    RuleId, "rule"
);

/// An export rule with its accelerators resolved and terms filled in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedRule {
    /// Which rule.
    pub id: RuleId,
    /// Accelerators covered (named ones and every one of the named
    /// vendors), sorted, each once.
    pub accelerators: Vec<AcceleratorId>,
    /// Destination.
    pub destination: Country,
    /// Who made the rule (rules of one issuer may not contradict each
    /// other; rules of different issuers compose).
    pub issuer: Option<Country>,
    /// First day in force.
    pub from: Option<Date>,
    /// First day no longer in force.
    pub until: Option<Date>,
    /// Effect with levy, pass-through and quota resolved.
    pub effect: RuleEffect,
    /// Whether the rule stops use of owned devices.
    pub applies_to_owned: bool,
    /// What the rule binds: sales (new purchases and rentals) or use.
    pub scope: RuleScope,
    /// What its quota counts: devices over the horizon or per period.
    pub quota_per: QuotaPer,
}

impl ResolvedRule {
    /// `true` when in force on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }

    /// `true` when the rule covers `accelerator`.
    #[must_use]
    pub fn covers(&self, accelerator: AcceleratorId) -> bool {
        self.accelerators.binary_search(&accelerator).is_ok()
    }
}

/// The objective with phase names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolvedObjective {
    /// Least total cost.
    MinCost,
    /// Earliest completion of these phases (every training phase when the
    /// scenario names none).
    MinMakespan(Vec<PhaseId>),
    /// Most demand served within budget.
    MaxServed,
    /// Highest domestic share, then least cost.
    DomesticFirst,
}

/// Whether a pool can run a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// It can.
    Eligible {
        /// The precision it runs at (the phase's, or its fallback).
        precision: Precision,
        /// `true` when `precision` is the fallback.
        fallback: bool,
        /// `true` when the phase gives a measured throughput for the
        /// pool's accelerator.
        measured: bool,
    },
    /// It cannot.
    Ineligible(Ineligible),
}

impl Eligibility {
    /// `true` when eligible.
    #[must_use]
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible { .. })
    }
}

/// Why a pool cannot run a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ineligible {
    /// Export rules prohibit the pool (buying, renting or using its
    /// devices) throughout the horizon; the rule in force at the start.
    Prohibited {
        /// The rule.
        rule: RuleId,
    },
    /// The devices cannot be had before the end of the horizon (the pool's
    /// or the catalogue's `available_from`).
    Unavailable {
        /// The first day they can be had.
        from: Date,
    },
    /// The accelerator lacks the precision (and the fallback, if any).
    PrecisionUnsupported {
        /// The phase's precision.
        precision: Precision,
        /// The phase's fallback precision.
        fallback: Option<Precision>,
    },
    /// No source gives the accelerator's peak at the precision (nor at the
    /// fallback) and the phase gives no measured throughput for it.
    PeakUnknown {
        /// The phase's precision.
        precision: Precision,
    },
}

impl fmt::Display for Ineligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ineligible::Prohibited { rule } => {
                write!(f, "prohibited by policy.rules[{}]", rule.index())
            }
            Ineligible::Unavailable { from } => {
                write!(f, "cannot be had before {from}, after the horizon")
            }
            Ineligible::PrecisionUnsupported {
                precision,
                fallback: None,
            } => write!(
                f,
                "lacks {precision} and the phase has no fallback_precision"
            ),
            Ineligible::PrecisionUnsupported {
                precision,
                fallback: Some(fb),
            } => write!(f, "lacks {precision} and the fallback {fb}"),
            Ineligible::PeakUnknown { precision } => write!(
                f,
                "has no known {precision} peak and the phase gives no measured throughput for it"
            ),
        }
    }
}

#[derive(Debug, Clone)]
struct PoolData {
    accelerator: AcceleratorId,
    site: Country,
    availability: Fraction,
    software: SoftwareStack,
    node_size: u64,
    owned: Option<u64>,
    max: Option<u64>,
    granularity: u64,
    lead_time: Days,
    domestic: bool,
    /// Effect at the scenario's start and the rule that decides it.
    start_effect: (RuleEffect, Option<RuleId>),
    /// Whether policy and availability allow the pool at some time of the
    /// horizon: `Ok` with the first such effect, else why not.
    horizon_effect: Result<(RuleEffect, Option<RuleId>), Ineligible>,
    /// First day the devices can be ordered, rented or used (the pool's,
    /// else the catalogue's).
    available_from: Option<Date>,
    /// Straight-line life of a purchase.
    life: Hours,
    /// Residual value at the end of the life, as a fraction of the price.
    residual: Fraction,
}

#[derive(Debug, Clone)]
struct PhaseData {
    eligible: Vec<PoolId>,
    measured: Vec<(AcceleratorId, usize)>,
    scaling: Vec<(AcceleratorId, usize)>,
    min_devices: Option<u64>,
    max_devices: Option<u64>,
}

/// A scenario that passed validation, with names resolved to typed ids and
/// the lookups the planner needs. Only [`Scenario::validate`] makes one.
#[derive(Debug, Clone)]
pub struct ValidatedScenario {
    scenario: Scenario,
    catalog: Catalog,
    pools: Vec<PoolData>,
    phases: Vec<PhaseData>,
    rules: Vec<ResolvedRule>,
    objective: ResolvedObjective,
}

/// A pool of a validated scenario, with its resolved facts.
#[derive(Debug, Clone, Copy)]
pub struct PoolRef<'a> {
    vs: &'a ValidatedScenario,
    id: PoolId,
}

/// A phase of a validated scenario, with its resolved facts.
#[derive(Debug, Clone, Copy)]
pub struct PhaseRef<'a> {
    vs: &'a ValidatedScenario,
    id: PhaseId,
}

impl<'a> PoolRef<'a> {
    fn data(&self) -> &'a PoolData {
        &self.vs.pools[self.id.index()]
    }

    /// The pool's id.
    #[must_use]
    pub fn id(&self) -> PoolId {
        self.id
    }

    /// The pool as written in the scenario.
    #[must_use]
    pub fn spec(&self) -> &'a Pool {
        &self.vs.scenario.pools[self.id.index()]
    }

    /// The pool's name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        &self.spec().name
    }

    /// The accelerator's id.
    #[must_use]
    pub fn accelerator_id(&self) -> AcceleratorId {
        self.data().accelerator
    }

    /// The accelerator (with the scenario's overrides applied).
    #[must_use]
    pub fn accelerator(&self) -> &'a Accelerator {
        self.vs.accelerator(self.data().accelerator)
    }

    /// How the devices are held.
    #[must_use]
    pub fn ownership(&self) -> &'a Ownership {
        &self.spec().ownership
    }

    /// Where the devices run.
    #[must_use]
    pub fn site(&self) -> Country {
        self.data().site
    }

    /// Usable fraction of device-time (1 when not stated).
    #[must_use]
    pub fn availability(&self) -> Fraction {
        self.data().availability
    }

    /// The software stack (the vendor's own when not stated).
    #[must_use]
    pub fn software(&self) -> SoftwareStack {
        self.data().software
    }

    /// Devices per node (the pool's, else the catalogue's, else 1).
    #[must_use]
    pub fn node_size(&self) -> u64 {
        self.data().node_size
    }

    /// Devices already owned (`None` for rentable and purchasable pools).
    #[must_use]
    pub fn owned_devices(&self) -> Option<u64> {
        self.data().owned
    }

    /// Most devices the pool can provide: the owned count, or the rental or
    /// purchase limit; `None` when unlimited.
    #[must_use]
    pub fn max_devices(&self) -> Option<u64> {
        self.data().max
    }

    /// Devices are rented or bought in multiples of this: the purchasable
    /// pool's `granularity`, else the node size; 1 for owned pools.
    #[must_use]
    pub fn granularity(&self) -> u64 {
        self.data().granularity
    }

    /// Days from order to use (zero unless purchasable with a lead time).
    #[must_use]
    pub fn lead_time(&self) -> Days {
        self.data().lead_time
    }

    /// First day the devices can be ordered, rented or used: the pool's
    /// `available_from`, else the catalogue's; `None` when neither says.
    #[must_use]
    pub fn available_from(&self) -> Option<Date> {
        self.data().available_from
    }

    /// The straight-line life a purchase is depreciated over (`life_years`,
    /// else the sourced default, `perf::defaults::depreciation`).
    #[must_use]
    pub fn life(&self) -> Hours {
        self.data().life
    }

    /// The residual value at the end of the life, as a fraction of the price
    /// (`residual_fraction`, else 0).
    #[must_use]
    pub fn residual(&self) -> Fraction {
        self.data().residual
    }

    /// The delivery schedule, in date order (empty: unlimited).
    #[must_use]
    pub fn deliveries(&self) -> &'a [crate::fleet::Delivery] {
        &self.spec().deliveries
    }

    /// `true` when the accelerator's origin is the scenario's jurisdiction.
    #[must_use]
    pub fn is_domestic(&self) -> bool {
        self.data().domestic
    }

    /// The export rule's effect on this pool at the scenario's start
    /// (owned pools are `Allowed` unless a rule binds owned devices), and
    /// the rule deciding it.
    #[must_use]
    pub fn effect_at_start(&self) -> (RuleEffect, Option<RuleId>) {
        self.data().start_effect
    }

    /// The export rule's effect on this pool on `date`.
    #[must_use]
    pub fn effect_at(&self, date: Date) -> (RuleEffect, Option<RuleId>) {
        self.vs.pool_effect(self.id, date)
    }

    /// `true` when acquiring this pool's devices must be justified (a
    /// foreign accelerator bought or rented under a justification rule in
    /// force at the start).
    #[must_use]
    pub fn needs_justification(&self) -> bool {
        self.needs_justification_on(self.vs.scenario.start)
    }

    /// `true` when acquiring this pool's devices on `date` must be
    /// justified (a foreign accelerator bought or rented under a
    /// justification rule in force then).
    #[must_use]
    pub fn needs_justification_on(&self, date: Date) -> bool {
        let Some(j) = &self.vs.scenario.policy.justification else {
            return false;
        };
        if self.is_domestic() || j.from.is_some_and(|f| f > date) {
            return false;
        }
        let req = match self.ownership() {
            Ownership::Purchasable { .. } => j.foreign_purchases,
            Ownership::Rentable { .. } => j.foreign_rentals,
            Ownership::Owned { .. } => None,
        };
        req == Some(crate::policy::Requirement::Required)
    }

    /// Electricity price at the pool's site: its own, else the budget's.
    #[must_use]
    pub fn energy_price(&self) -> Option<UsdPerKwh> {
        self.spec().energy_usd_per_kwh.or_else(|| {
            self.vs
                .scenario
                .budget
                .energy
                .as_ref()
                .map(|e| e.usd_per_kwh)
        })
    }
}

impl<'a> PhaseRef<'a> {
    fn data(&self) -> &'a PhaseData {
        &self.vs.phases[self.id.index()]
    }

    /// The phase's id.
    #[must_use]
    pub fn id(&self) -> PhaseId {
        self.id
    }

    /// The phase as written in the scenario.
    #[must_use]
    pub fn spec(&self) -> &'a Phase {
        &self.vs.scenario.phases[self.id.index()]
    }

    /// The phase's name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        &self.spec().name
    }

    /// The phase's kind.
    #[must_use]
    pub fn kind(&self) -> PhaseKind {
        self.spec().kind
    }

    /// Start and end day of the phase's window (see [`Phase::window`]).
    #[must_use]
    pub fn window(&self) -> (Days, Days) {
        self.spec().window(self.vs.scenario.horizon_days)
    }

    /// Pools that can run the phase (policy at the start date, precision),
    /// in pool order.
    #[must_use]
    pub fn eligible_pools(&self) -> &'a [PoolId] {
        &self.data().eligible
    }

    /// Whether `pool` can run the phase, and at what precision.
    #[must_use]
    pub fn eligibility(&self, pool: PoolId) -> Eligibility {
        self.vs.eligibility(self.id, pool)
    }

    /// The scaling measurements the phase gives for an accelerator
    /// (training phases; at least three valid points that fit a curve).
    #[must_use]
    pub fn scaling_for(&self, accelerator: AcceleratorId) -> Option<&'a Scaling> {
        self.data()
            .scaling
            .iter()
            .find(|(a, _)| *a == accelerator)
            .map(|(_, k)| &self.spec().scaling[*k])
    }

    /// Every scaling measurement of the phase with its accelerator.
    pub fn scalings(&self) -> impl Iterator<Item = (AcceleratorId, &'a Scaling)> + use<'a> {
        let spec = self.spec();
        self.data()
            .scaling
            .iter()
            .map(move |(a, k)| (*a, &spec.scaling[*k]))
    }

    /// The measured throughput the phase gives for an accelerator.
    #[must_use]
    pub fn measured_for(&self, accelerator: AcceleratorId) -> Option<&'a Measured> {
        self.data()
            .measured
            .iter()
            .find(|(a, _)| *a == accelerator)
            .map(|(_, k)| &self.spec().measured[*k])
    }

    /// Fewest devices, when stated.
    #[must_use]
    pub fn min_devices(&self) -> Option<u64> {
        self.data().min_devices
    }

    /// Most devices, when stated.
    #[must_use]
    pub fn max_devices(&self) -> Option<u64> {
        self.data().max_devices
    }
}

impl ValidatedScenario {
    /// The scenario as written (every number in it is now known valid).
    #[must_use]
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The catalogue with the scenario's additions and overrides.
    #[must_use]
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// First day of the plan.
    #[must_use]
    pub fn start(&self) -> Date {
        self.scenario.start
    }

    /// Length of the plan.
    #[must_use]
    pub fn horizon(&self) -> Days {
        self.scenario.horizon_days
    }

    /// Where the fleet runs.
    #[must_use]
    pub fn jurisdiction(&self) -> Country {
        self.scenario.jurisdiction
    }

    /// The objective, resolved.
    #[must_use]
    pub fn objective(&self) -> &ResolvedObjective {
        &self.objective
    }

    /// Pool ids, in order.
    pub fn pool_ids(&self) -> impl ExactSizeIterator<Item = PoolId> + use<> {
        (0..self.pools.len()).map(PoolId::new)
    }

    /// Pools, in order.
    pub fn pools(&self) -> impl ExactSizeIterator<Item = PoolRef<'_>> {
        self.pool_ids().map(|id| PoolRef { vs: self, id })
    }

    /// One pool.
    ///
    /// # Panics
    /// If `id` comes from another scenario with more pools.
    #[must_use]
    pub fn pool(&self, id: PoolId) -> PoolRef<'_> {
        assert!(
            id.index() < self.pools.len(),
            "{id} is not a pool of this scenario"
        );
        PoolRef { vs: self, id }
    }

    /// The pool with this name.
    #[must_use]
    pub fn pool_by_name(&self, name: &str) -> Option<PoolId> {
        self.scenario
            .pools
            .iter()
            .position(|p| p.name == name)
            .map(PoolId::new)
    }

    /// Phase ids, in order.
    pub fn phase_ids(&self) -> impl ExactSizeIterator<Item = PhaseId> + use<> {
        (0..self.phases.len()).map(PhaseId::new)
    }

    /// Phases, in order.
    pub fn phases(&self) -> impl ExactSizeIterator<Item = PhaseRef<'_>> {
        self.phase_ids().map(|id| PhaseRef { vs: self, id })
    }

    /// One phase.
    ///
    /// # Panics
    /// If `id` comes from another scenario with more phases.
    #[must_use]
    pub fn phase(&self, id: PhaseId) -> PhaseRef<'_> {
        assert!(
            id.index() < self.phases.len(),
            "{id} is not a phase of this scenario"
        );
        PhaseRef { vs: self, id }
    }

    /// The phase with this name.
    #[must_use]
    pub fn phase_by_name(&self, name: &str) -> Option<PhaseId> {
        self.scenario
            .phases
            .iter()
            .position(|p| p.name == name)
            .map(PhaseId::new)
    }

    /// An accelerator of the merged catalogue.
    ///
    /// # Panics
    /// If `id` comes from another scenario with a larger catalogue.
    #[must_use]
    pub fn accelerator(&self, id: AcceleratorId) -> &Accelerator {
        &self.catalog.as_slice()[id.index()]
    }

    /// The id of the accelerator with this name or alias.
    #[must_use]
    pub fn accelerator_id(&self, name: &str) -> Option<AcceleratorId> {
        self.catalog.position(name).map(AcceleratorId::new)
    }

    /// `true` when the accelerator's origin is the scenario's jurisdiction.
    #[must_use]
    pub fn is_domestic(&self, id: AcceleratorId) -> bool {
        self.accelerator(id)
            .is_domestic_to(self.scenario.jurisdiction)
    }

    /// The export rules, resolved, in order.
    #[must_use]
    pub fn rules(&self) -> &[ResolvedRule] {
        &self.rules
    }

    /// The export rule as written.
    #[must_use]
    pub fn rule_spec(&self, id: RuleId) -> &ExportRule {
        &self.scenario.policy.rules[id.index()]
    }

    /// The rules in force for `accelerator` going to `destination` on
    /// `date`, in order (rules of one issuer agree; see
    /// [`RuleEffect::and`] for how issuers compose).
    pub fn rules_in_force(
        &self,
        accelerator: AcceleratorId,
        destination: Country,
        date: Date,
    ) -> impl Iterator<Item = &ResolvedRule> {
        self.rules.iter().filter(move |r| {
            r.destination == destination && r.in_force(date) && r.covers(accelerator)
        })
    }

    /// The combined effect of the export rules on buying or renting
    /// `accelerator` for `destination` on `date` (allowed when no rule is in
    /// force).
    #[must_use]
    pub fn export_effect(
        &self,
        accelerator: AcceleratorId,
        destination: Country,
        date: Date,
    ) -> RuleEffect {
        self.rules_in_force(accelerator, destination, date)
            .fold(RuleEffect::Allowed, |e, r| e.and(r.effect))
    }

    /// The combined effect of the export rules on using `pool` on `date`
    /// (owned pools are bound only by rules that apply to owned devices),
    /// and the deciding rule: the first prohibiting one, else the first
    /// licensing one, else the first in force.
    #[must_use]
    pub fn pool_effect(&self, pool: PoolId, date: Date) -> (RuleEffect, Option<RuleId>) {
        let p = &self.pools[pool.index()];
        let owned = self.scenario.pools[pool.index()].ownership.is_owned();
        pool_effect(&self.rules, p.accelerator, p.site, owned, date)
    }

    /// The domestic-share minimum for a phase kind on `date`, if any.
    #[must_use]
    pub fn domestic_share_min(&self, kind: PhaseKind, date: Date) -> Option<Fraction> {
        self.scenario
            .policy
            .domestic_share
            .iter()
            .find(|d| d.phase_kind == kind && d.in_force(date))
            .map(|d| d.min)
    }

    /// Whether `pool` can run `phase`.
    #[must_use]
    pub fn eligibility(&self, phase: PhaseId, pool: PoolId) -> Eligibility {
        let ph = &self.scenario.phases[phase.index()];
        let pd = &self.pools[pool.index()];
        eligibility(
            ph,
            &self.phases[phase.index()].measured,
            pd.accelerator,
            self.accelerator(pd.accelerator),
            pd.horizon_effect,
        )
    }
}

fn pool_effect(
    rules: &[ResolvedRule],
    accelerator: AcceleratorId,
    site: Country,
    owned: bool,
    date: Date,
) -> (RuleEffect, Option<RuleId>) {
    let mut effect = RuleEffect::Allowed;
    let mut decider: Option<(u8, RuleId)> = None;
    for r in rules.iter().filter(|r| {
        r.scope == RuleScope::Sale
            && r.destination == site
            && r.in_force(date)
            && r.covers(accelerator)
            && (!owned || r.applies_to_owned)
    }) {
        effect = effect.and(r.effect);
        let rank = match r.effect {
            RuleEffect::Prohibited => 2,
            RuleEffect::Licensed { .. } => 1,
            _ => 0,
        };
        if decider.is_none_or(|(best, _)| rank > best) {
            decider = Some((rank, r.id));
        }
    }
    (effect, decider.map(|(_, id)| id))
}

/// Whether policy and availability allow a pool at some time of the
/// horizon (checked on the start and on every day a rule or the pool's
/// availability changes): the first effect that does, else why not (the
/// rule in force at the start, or the availability date).
fn horizon_effect(
    rules: &[ResolvedRule],
    pd: &PoolData,
    ownership: &Ownership,
    s: &Scenario,
) -> Result<(RuleEffect, Option<RuleId>), Ineligible> {
    let owned = ownership.is_owned();
    let end = s.start.after(s.horizon_days).unwrap_or(s.start);
    let mut days: Vec<Date> = vec![s.start];
    for r in rules {
        days.extend(r.from.iter().chain(r.until.iter()));
    }
    days.extend(pd.available_from.iter());
    // the start counts even when the horizon is empty (reported on its own)
    days.retain(|d| *d == s.start || (*d > s.start && *d < end));
    days.sort_unstable();
    days.dedup();
    for &d in &days {
        if !owned && pd.available_from.is_some_and(|a| d < a) {
            continue;
        }
        let banned = rules.iter().any(|r| {
            r.destination == pd.site
                && r.in_force(d)
                && r.covers(pd.accelerator)
                && matches!(r.effect, RuleEffect::Prohibited)
                && (r.scope == RuleScope::Use || (owned && r.applies_to_owned))
        });
        let effect = pool_effect(rules, pd.accelerator, pd.site, owned, d);
        if !banned && (owned || effect.0.permits()) {
            return Ok(effect);
        }
    }
    // Never allowed: name the first prohibiting rule met, else the date.
    for &d in &days {
        if let (RuleEffect::Prohibited, Some(rule)) =
            pool_effect(rules, pd.accelerator, pd.site, owned, d)
        {
            return Err(Ineligible::Prohibited { rule });
        }
        if let Some(r) = rules.iter().find(|r| {
            r.destination == pd.site
                && r.in_force(d)
                && r.covers(pd.accelerator)
                && r.scope == RuleScope::Use
                && matches!(r.effect, RuleEffect::Prohibited)
        }) {
            return Err(Ineligible::Prohibited { rule: r.id });
        }
    }
    Err(Ineligible::Unavailable {
        from: pd.available_from.unwrap_or(end),
    })
}

fn eligibility(
    phase: &Phase,
    measured: &[(AcceleratorId, usize)],
    acc_id: AcceleratorId,
    acc: &Accelerator,
    effect: Result<(RuleEffect, Option<RuleId>), Ineligible>,
) -> Eligibility {
    if let Err(why) = effect {
        return Eligibility::Ineligible(why);
    }
    let is_measured = !phase.kind.is_training() && measured.iter().any(|(a, _)| *a == acc_id);
    let first = acc.support(phase.precision);
    if let Support::Dense(_) = first {
        return Eligibility::Eligible {
            precision: phase.precision,
            fallback: false,
            measured: is_measured,
        };
    }
    if let Some(fb) = phase.fallback_precision
        && let Support::Dense(_) = acc.support(fb)
    {
        return Eligibility::Eligible {
            precision: fb,
            fallback: true,
            measured: is_measured,
        };
    }
    if is_measured {
        return Eligibility::Eligible {
            precision: phase.precision,
            fallback: false,
            measured: true,
        };
    }
    let fallback_unsupported = phase
        .fallback_precision
        .is_none_or(|fb| acc.support(fb) == Support::Unsupported);
    if first == Support::Unsupported && fallback_unsupported {
        Eligibility::Ineligible(Ineligible::PrecisionUnsupported {
            precision: phase.precision,
            fallback: phase.fallback_precision,
        })
    } else {
        Eligibility::Ineligible(Ineligible::PeakUnknown {
            precision: phase.precision,
        })
    }
}

// ---------------------------------------------------------------------------
// Number checks
// ---------------------------------------------------------------------------

/// What a number must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Finite, at least zero.
    NonNeg,
    /// Finite, above zero.
    Positive,
    /// In `[0, 1]`.
    Fraction,
    /// In `(0, 1]`.
    OpenFraction,
    /// Finite, at least one.
    AtLeastOne,
    /// A time limit in seconds: in `(0, MAX_TIME_LIMIT_S]`.
    TimeLimit,
}

struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn add(
        &mut self,
        code: IssueCode,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.issues.push(Issue::new(code, path, message, fix));
    }

    /// Checks a number against `rule`; `true` when it passes.
    fn number(&mut self, path: &str, v: f64, rule: Rule) -> bool {
        if v.is_nan() {
            self.add(
                IssueCode::NumberNaN,
                path,
                format!("{path} is NaN"),
                "give a finite number",
            );
            return false;
        }
        if v.is_infinite() {
            self.add(
                IssueCode::NumberInfinite,
                path,
                format!("{path} is infinite"),
                if rule == Rule::TimeLimit {
                    "give at most 1000000 s (about 11.6 days); leave the field out for the default, 60 s"
                } else {
                    "give a finite number; leave the field out for no limit"
                },
            );
            return false;
        }
        let (ok, code, fix) = match rule {
            Rule::NonNeg if v < 0.0 => (false, IssueCode::NumberNegative, "use zero or more"),
            Rule::Positive | Rule::TimeLimit if v < 0.0 => {
                (false, IssueCode::NumberNegative, "use a number above zero")
            }
            Rule::TimeLimit if v == 0.0 => (
                false,
                IssueCode::NumberZero,
                "use a number of seconds above zero (leave the field out for the default, 60 s)",
            ),
            Rule::TimeLimit if v > crate::solver::MAX_TIME_LIMIT_S => (
                false,
                IssueCode::NumberRange,
                "use at most 1000000 s (about 11.6 days); leave the field out for the default, 60 s",
            ),
            Rule::Positive if v == 0.0 => (
                false,
                IssueCode::NumberZero,
                "use a number above zero (leave the field out when it is unknown)",
            ),
            Rule::Fraction if !(0.0..=1.0).contains(&v) => (
                false,
                IssueCode::NumberRange,
                "use a fraction between 0 and 1 (e.g. 0.15 for 15%)",
            ),
            Rule::OpenFraction if !(v > 0.0 && v <= 1.0) => (
                false,
                IssueCode::NumberRange,
                "use a fraction above 0 and at most 1 (e.g. 0.39 for 39%)",
            ),
            Rule::AtLeastOne if v < 1.0 => (
                false,
                IssueCode::NumberRange,
                "use 1 or more (1.0 is a perfect facility)",
            ),
            _ => (true, IssueCode::NumberNaN, ""),
        };
        if !ok {
            let range = match rule {
                Rule::Fraction => " (outside [0, 1])",
                Rule::OpenFraction => " (outside (0, 1])",
                Rule::AtLeastOne => " (below 1)",
                Rule::TimeLimit => " (outside (0, 1000000] s)",
                _ => "",
            };
            // 1e308 as "1e308", not 309 digits.
            let shown = if v != 0.0 && !(1e-3..1e7).contains(&v.abs()) {
                format!("{v:e}")
            } else {
                format!("{v}")
            };
            self.add(code, path, format!("{path} is {shown}{range}"), fix);
        }
        ok
    }

    fn quantity<Q: Quantity>(&mut self, path: &str, q: Q, rule: Rule) -> Option<Q> {
        self.number(path, q.value(), rule).then_some(q)
    }

    /// Checks a number that passed its [`Rule`] against its range
    /// (`E-NUMBER-RANGE`); `true` when inside.
    fn in_range(&mut self, path: &str, v: f64, range: Range) -> bool {
        if range.contains(v) {
            return true;
        }
        let fix = if v > range.max {
            format!("use at most {} ({})", shown(range.max), range.why)
        } else if range.zero {
            format!("use 0 or at least {} ({})", shown(range.min), range.why)
        } else {
            format!("use at least {} ({})", shown(range.min), range.why)
        };
        self.add(
            IssueCode::NumberRange,
            path,
            format!("{path} is {}, outside {}", shown(v), range.describe()),
            fix,
        );
        false
    }

    /// [`Checker::number`], then [`Checker::in_range`].
    fn number_in(&mut self, path: &str, v: f64, rule: Rule, range: Range) -> bool {
        self.number(path, v, rule) && self.in_range(path, v, range)
    }

    fn quantity_in<Q: Quantity>(
        &mut self,
        path: &str,
        q: Q,
        rule: Rule,
        range: Range,
    ) -> Option<Q> {
        self.number_in(path, q.value(), rule, range).then_some(q)
    }

    fn opt_quantity_in<Q: Quantity>(
        &mut self,
        path: impl Fn() -> String,
        q: Option<Q>,
        rule: Rule,
        range: Range,
    ) -> Option<Q> {
        q.and_then(|q| self.quantity_in(&path(), q, rule, range))
    }

    /// A count, then its range.
    fn count_in(&mut self, path: &str, c: Count, positive: bool, range: Range) -> Option<u64> {
        let n = self.count(path, c, positive)?;
        // n ≤ Count::MAX = 10^15 < 2^53: exact
        #[allow(clippy::cast_precision_loss)]
        let v = n as f64;
        self.in_range(path, v, range).then_some(n)
    }

    fn opt_count_in(
        &mut self,
        path: impl Fn() -> String,
        c: Option<Count>,
        positive: bool,
        range: Range,
    ) -> Option<u64> {
        c.and_then(|c| self.count_in(&path(), c, positive, range))
    }

    /// A list of at most `max` entries (`E-NUMBER-RANGE` at the list);
    /// whether it is.
    fn list_len(&mut self, path: &str, len: usize, max: usize) -> bool {
        if len > max {
            self.add(
                IssueCode::NumberRange,
                path,
                format!("{path} has {len} entries, more than {max}"),
                format!("give at most {max} (numeric ranges in the scenario docs)"),
            );
        }
        len <= max
    }

    fn opt_quantity<Q: Quantity>(
        &mut self,
        path: impl Fn() -> String,
        q: Option<Q>,
        rule: Rule,
    ) -> Option<Q> {
        q.and_then(|q| self.quantity(&path(), q, rule))
    }

    /// Checks a count; zero is rejected when `positive`.
    fn count(&mut self, path: &str, c: Count, positive: bool) -> Option<u64> {
        match c.check() {
            Ok(0) if positive => {
                self.add(
                    IssueCode::NumberZero,
                    path,
                    format!("{path} is 0"),
                    "use a whole number above zero",
                );
                None
            }
            Ok(n) => Some(n),
            Err(e) => {
                let (code, fix) = count_issue(e);
                self.add(code, path, format!("{path} {e} ({})", c.raw()), fix);
                None
            }
        }
    }
}

/// The code and fix of a value that is not a count (validation and the
/// session's setters report them alike).
fn count_issue(e: CountError) -> (IssueCode, &'static str) {
    match e {
        CountError::NaN => (IssueCode::NumberNaN, "give a whole number"),
        CountError::Infinite => (
            IssueCode::NumberInfinite,
            "give a whole number; leave the field out for no limit",
        ),
        CountError::Negative => (
            IssueCode::NumberNegative,
            "use a whole number of zero or more",
        ),
        CountError::NotInteger => (
            IssueCode::CountNotInteger,
            "use a whole number (devices, layers and tokens of context are counted)",
        ),
        _ => (IssueCode::CountTooLarge, "use a count of at most 10^15"),
    }
}

/// Checks one catalogue figure (positive quantity or positive count, in
/// the field's range, [`ranges::figure`]).
pub(crate) fn check_figure(path: &str, field: &str, value: f64, kind: NumberKind) -> Option<Issue> {
    let mut c = Checker { issues: Vec::new() };
    let ok = match kind {
        NumberKind::Quantity => c.number(path, value, Rule::Positive),
        NumberKind::Count => c.count(path, Count::from_raw(value), true).is_some(),
    };
    if ok && let Some(r) = ranges::figure(field) {
        c.in_range(path, value, r);
    }
    c.issues.pop()
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

impl Scenario {
    /// Checks the scenario and resolves it for the planner.
    ///
    /// Returns the [`ValidationReport`] itself as the error (it converts to
    /// [`crate::Error`] with `?`), so callers can inspect every issue
    /// without unwrapping an opaque error.
    ///
    /// # Errors
    /// A [`ValidationReport`] with every problem found, in field order; see
    /// the [module docs](crate::scenario) for the codes.
    ///
    /// ```
    /// use fleetplan::prelude::*;
    /// use fleetplan::scenario::IssueCode;
    ///
    /// let start: Date = "2025-08-15".parse()?;
    /// let s = Scenario::new("two-problems", start, Days::new(90.0)?, Country::CN)
    ///     .with_pool(Pool::owned("h800", "H800", 2048))
    ///     .with_pool(Pool::owned("mystery", "Z9000", 16));
    /// let report = s.validate().expect_err("no phases, an unknown accelerator");
    /// // every problem at once, each with its code, field path and fix
    /// assert!(report.has(IssueCode::WorkloadEmpty, "phases"));
    /// assert!(report.has(IssueCode::AcceleratorUnknown, "pools[1].accelerator"));
    /// assert_eq!(report.issues[0].code, "E-ACCEL-UNKNOWN");
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    pub fn validate(&self) -> Result<ValidatedScenario, ValidationReport> {
        let mut c = Checker { issues: Vec::new() };
        let s = self;

        // Root.
        if s.name.trim().is_empty() {
            c.add(
                IssueCode::NameEmpty,
                "name",
                "the scenario's name is empty",
                "give the scenario a name",
            );
        }
        let horizon_ok = c.number_in(
            "horizon_days",
            s.horizon_days.get(),
            Rule::Positive,
            ranges::HORIZON,
        );
        check_sizes(&mut c, s);
        let horizon = s.horizon_days.get();

        // Catalogue.
        let catalog = Catalog::builtin().patched(&s.accelerators, &mut c.issues);

        // Pools.
        if s.pools.is_empty() {
            c.add(
                IssueCode::FleetEmpty,
                "pools",
                "the scenario has no pools",
                "add at least one [[pools]] entry (owned, rentable or purchasable devices)",
            );
        }
        let mut pool_names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut pools: Vec<Option<PoolData>> = Vec::with_capacity(s.pools.len());
        for (i, p) in s.pools.iter().enumerate() {
            pools.push(check_pool(
                &mut c,
                s,
                &catalog,
                i,
                p,
                &mut pool_names,
                horizon_ok.then_some(horizon),
            ));
        }

        // Phases.
        if s.phases.is_empty() {
            c.add(
                IssueCode::WorkloadEmpty,
                "phases",
                "the scenario has no phases",
                "add at least one [[phases]] entry (pretraining, posttraining or inference)",
            );
        }
        let mut phase_names: BTreeMap<&str, usize> = BTreeMap::new();
        let mut phases: Vec<PhaseData> = Vec::with_capacity(s.phases.len());
        for (i, ph) in s.phases.iter().enumerate() {
            phases.push(check_phase(
                &mut c,
                &catalog,
                i,
                ph,
                &mut phase_names,
                s.start,
                horizon_ok.then_some(horizon),
            ));
        }

        for (i, ph) in s.phases.iter().enumerate() {
            if let Some(d) = &ph.disaggregation
                && !ph.kind.is_training()
            {
                check_disaggregation(&mut c, i, ph, d, &pool_names);
            }
        }
        check_failures(&mut c, s, &catalog, horizon_ok.then_some(horizon));

        let objective = resolve_objective(&mut c, s, &phase_names);

        // Policy.
        let rules = check_rules(&mut c, s, &catalog);
        check_shares(&mut c, s);

        check_periods(&mut c, s, horizon_ok);
        check_budget_settings(&mut c, s);

        // Policy effect on each pool at the start, then eligibility.
        let all_pools_resolved = pools.iter().all(Option::is_some);
        for (i, slot) in pools.iter_mut().enumerate() {
            if let Some(pd) = slot {
                let owned = s.pools[i].ownership.is_owned();
                pd.start_effect = pool_effect(&rules, pd.accelerator, pd.site, owned, s.start);
                pd.horizon_effect = horizon_effect(&rules, pd, &s.pools[i].ownership, s);
            }
        }
        if all_pools_resolved && !s.pools.is_empty() {
            let resolved: Vec<&PoolData> = pools.iter().flatten().collect();
            for (i, (ph, pd)) in s.phases.iter().zip(phases.iter_mut()).enumerate() {
                let mut reasons: Vec<String> = Vec::new();
                for (k, pool) in resolved.iter().enumerate() {
                    let acc = &catalog.as_slice()[pool.accelerator.index()];
                    match eligibility(ph, &pd.measured, pool.accelerator, acc, pool.horizon_effect)
                    {
                        Eligibility::Eligible { .. } => pd.eligible.push(PoolId::new(k)),
                        Eligibility::Ineligible(why) => {
                            if reasons.len() < 4 {
                                reasons.push(format!("'{}' ({}) {why}", s.pools[k].name, acc.name));
                            }
                        }
                    }
                }
                if pd.eligible.is_empty() {
                    let more = if s.pools.len() > reasons.len() {
                        "; ..."
                    } else {
                        ""
                    };
                    c.add(
                        IssueCode::PhaseNoEligiblePool,
                        format!("phases[{i}]"),
                        format!("no pool can run phase '{}': {}{more}", ph.name, reasons.join("; ")),
                        format!(
                            "add a pool of an accelerator with a known {} peak that policy permits at {}, \
                             or set fallback_precision, or (inference) give a measured throughput",
                            ph.precision, s.start
                        ),
                    );
                }
            }
        }

        // Risks (planning under risk, `crate::risk`).
        crate::risk::check(s, &mut c.issues);

        if !c.issues.is_empty() {
            return Err(ValidationReport { issues: c.issues });
        }
        let pools = pools.into_iter().flatten().collect();
        Ok(ValidatedScenario {
            scenario: s.clone(),
            catalog,
            pools,
            phases,
            rules,
            objective,
        })
    }
}

/// The objective with its phases resolved to ids (`objective.phases[k]`;
/// none named: every training phase).
fn resolve_objective(
    c: &mut Checker,
    s: &Scenario,
    phase_names: &BTreeMap<&str, usize>,
) -> ResolvedObjective {
    match &s.objective {
        Objective::MinCost => ResolvedObjective::MinCost,
        Objective::MaxServed => ResolvedObjective::MaxServed,
        Objective::DomesticFirst => ResolvedObjective::DomesticFirst,
        Objective::MinMakespan { phases: names } => {
            let mut ids = Vec::new();
            for (k, n) in names.iter().enumerate() {
                match phase_names.get(n.as_str()) {
                    Some(&i) if !s.phases[i].kind.is_training() => c.add(
                        IssueCode::MakespanInference,
                        format!("objective.phases[{k}]"),
                        format!(
                            "'{n}' is an inference phase: it serves a window and has no finish to bring forward"
                        ),
                        "name training phases only (pretraining or posttraining), or set its window with from_day/until_day",
                    ),
                    Some(&i) => ids.push(PhaseId::new(i)),
                    None => {
                        let known: Vec<&str> = s.phases.iter().map(|p| p.name.as_str()).collect();
                        c.add(
                            IssueCode::PhaseUnknown,
                            format!("objective.phases[{k}]"),
                            format!("unknown phase '{n}'"),
                            format!("name a phase of this scenario; {}", suggest(n, &known)),
                        );
                    }
                }
            }
            if names.is_empty() {
                ids = s
                    .phases
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.kind.is_training())
                    .map(|(i, _)| PhaseId::new(i))
                    .collect();
            }
            ResolvedObjective::MinMakespan(ids)
        }
    }
}

/// `period_days`: positive, within the horizon, at most [`MAX_PERIODS`].
fn check_periods(c: &mut Checker, s: &Scenario, horizon_ok: bool) {
    let horizon = s.horizon_days.get();
    if let Some(pd) = s.period_days
        && let Some(pd) = c.quantity_in("period_days", pd, Rule::Positive, ranges::HORIZON)
        && horizon_ok
    {
        if pd.get() > horizon {
            c.add(
                IssueCode::PeriodBeyondHorizon,
                "period_days",
                format!(
                    "periods of {} days are longer than the {horizon}-day horizon",
                    pd.get()
                ),
                "shorten period_days (e.g. 30), or remove it for one period",
            );
        } else if horizon / pd.get() > MAX_PERIODS {
            c.add(
                IssueCode::NumberRange,
                "period_days",
                format!(
                    "{} days cut the {horizon}-day horizon into more than {MAX_PERIODS} periods",
                    pd.get()
                ),
                format!("use periods of at least {:.1} days", horizon / MAX_PERIODS),
            );
        }
    }
}

/// `budget.*` and `settings.*`.
fn check_budget_settings(c: &mut Checker, s: &Scenario) {
    let b = &s.budget;
    for (f, v) in [
        ("capex_usd", b.capex_usd),
        ("opex_usd", b.opex_usd),
        ("total_usd", b.total_usd),
    ] {
        c.opt_quantity_in(|| format!("budget.{f}"), v, Rule::NonNeg, ranges::BUDGET);
    }
    if let Some(e) = &b.energy {
        c.quantity_in(
            "budget.energy.usd_per_kwh",
            e.usd_per_kwh,
            Rule::NonNeg,
            ranges::PRICE_PER_KWH,
        );
        if let Some(pue) = e.pue {
            c.number_in("budget.energy.pue", pue, Rule::AtLeastOne, ranges::PUE);
        }
    }
    c.opt_quantity(
        || "settings.mip_gap".into(),
        s.settings.mip_gap,
        Rule::Fraction,
    );
    c.opt_quantity(
        || "settings.time_limit_s".into(),
        s.settings.time_limit_s,
        Rule::TimeLimit,
    );
}

/// Most periods a horizon may be cut into (20 years of months): the model
/// grows with periods × pools × phases.
const MAX_PERIODS: f64 = 240.0;

/// The sizes of the scenario's lists, and of the model they make: pools ×
/// phases × periods assignment columns at most
/// [`ranges::MAX_ASSIGNMENTS`].
fn check_sizes(c: &mut Checker, s: &Scenario) {
    c.list_len("pools", s.pools.len(), ranges::MAX_POOLS);
    c.list_len("phases", s.phases.len(), ranges::MAX_PHASES);
    c.list_len("accelerators", s.accelerators.len(), ranges::MAX_LIST);
    c.list_len("policy.rules", s.policy.rules.len(), ranges::MAX_LIST);
    c.list_len(
        "policy.domestic_share",
        s.policy.domestic_share.len(),
        ranges::MAX_LIST,
    );
    let h = s.horizon_days.get();
    let periods = match s.period_days {
        Some(p) if p.get() > 0.0 && h.is_finite() && h > 0.0 => (h / p.get()).ceil().max(1.0),
        _ => 1.0,
    };
    // list lengths are far below 2^53
    #[allow(clippy::cast_precision_loss)]
    let pairs = s.pools.len() as f64 * s.phases.len() as f64;
    if periods <= MAX_PERIODS && pairs * periods > ranges::MAX_ASSIGNMENTS {
        c.add(
            IssueCode::NumberRange,
            "pools",
            format!(
                "{} pools × {} phases × {periods} periods make {} assignments, more than {}",
                s.pools.len(),
                s.phases.len(),
                shown(pairs * periods),
                shown(ranges::MAX_ASSIGNMENTS)
            ),
            "plan fewer pools or phases at once (merge identical pools), or use longer periods",
        );
    }
}

fn check_name<'s>(
    c: &mut Checker,
    what: &str,
    i: usize,
    name: &'s str,
    seen: &mut BTreeMap<&'s str, usize>,
) {
    let path = format!("{what}[{i}].name");
    if name.trim().is_empty() {
        c.add(
            IssueCode::NameEmpty,
            path,
            format!("{what}[{i}] has an empty name"),
            "give it a unique name",
        );
    } else if let Some(first) = seen.get(name) {
        c.add(
            IssueCode::NameDuplicate,
            path,
            format!("name '{name}' is also used by {what}[{first}]"),
            "give every entry a unique name",
        );
    } else {
        seen.insert(name, i);
    }
}

fn unknown_accelerator(c: &mut Checker, catalog: &Catalog, path: String, name: &str) {
    c.add(
        IssueCode::AcceleratorUnknown,
        path,
        format!("unknown accelerator '{name}'"),
        format!(
            "{}; or add it under [[accelerators]] with vendor and origin",
            suggest(name, &catalog.names())
        ),
    );
}

#[allow(clippy::too_many_lines)]
fn check_pool<'s>(
    c: &mut Checker,
    s: &Scenario,
    catalog: &Catalog,
    i: usize,
    p: &'s Pool,
    names: &mut BTreeMap<&'s str, usize>,
    horizon: Option<f64>,
) -> Option<PoolData> {
    let at = |f: &str| format!("pools[{i}].{f}");
    check_name(c, "pools", i, &p.name, names);
    let acc_idx = catalog.position(&p.accelerator);
    if acc_idx.is_none() {
        unknown_accelerator(c, catalog, at("accelerator"), &p.accelerator);
    }
    let acc = acc_idx.map(|k| &catalog.as_slice()[k]);

    let Limits {
        owned,
        max,
        mut granularity,
        lead_time,
    } = check_ownership(c, p, &at, horizon);
    let (availability, node_size) = check_pool_figures(c, p, &at);
    let (life, residual) = check_pool_time(c, s, p, &at, horizon);

    let acc = acc?;
    let native = SoftwareStack::native_for_vendor(&acc.vendor);
    let software = p.software.unwrap_or(native);
    if software != native && software != SoftwareStack::Other {
        c.add(
            IssueCode::PoolSoftwareMismatch,
            at("software"),
            format!(
                "{software} does not run on the {} ({})",
                acc.name, acc.vendor
            ),
            if native == SoftwareStack::Other {
                format!(
                    "use software = \"other\" (no known stack of {} runs {software}) or leave \
                     the field out",
                    acc.vendor
                )
            } else {
                format!("use software = \"{native}\" (the vendor's stack) or \"other\"")
            },
        );
    }
    let node_size = node_size
        .or_else(|| acc.node_size.value.and_then(Count::get))
        .unwrap_or(1)
        .max(1);
    // Rentals and purchases come in whole nodes unless a granularity is given.
    let explicit = matches!(
        p.ownership,
        Ownership::Purchasable {
            granularity: Some(_),
            ..
        }
    );
    if (p.ownership.is_rentable() || p.ownership.is_purchasable()) && !explicit {
        granularity = node_size;
    }
    Some(PoolData {
        accelerator: AcceleratorId::new(acc_idx.unwrap_or(0)),
        site: p.site.unwrap_or(s.jurisdiction),
        availability,
        software,
        node_size,
        owned,
        max,
        granularity,
        lead_time,
        domestic: acc.is_domestic_to(s.jurisdiction),
        start_effect: (RuleEffect::Allowed, None),
        horizon_effect: Ok((RuleEffect::Allowed, None)),
        available_from: p.available_from.or(acc.available_from.value),
        life,
        residual,
    })
}

/// What a pool's ownership allows: devices owned, the most it may hold,
/// the purchase granularity and lead time.
struct Limits {
    owned: Option<u64>,
    max: Option<u64>,
    granularity: u64,
    lead_time: Days,
}

/// `pools[i].count` and `pools[i].ownership.*`.
fn check_ownership(
    c: &mut Checker,
    p: &Pool,
    at: &impl Fn(&str) -> String,
    horizon: Option<f64>,
) -> Limits {
    let mut owned = None;
    let mut max = None;
    let mut granularity = 1;
    let mut lead_time = Days::ZERO;
    match (&p.ownership, p.count) {
        (Ownership::Owned { .. }, None) => c.add(
            IssueCode::PoolCountMissing,
            at("count"),
            format!("owned pool '{}' has no count", p.name),
            "add count = <devices owned>",
        ),
        (Ownership::Owned { .. }, Some(n)) => {
            owned = c.count_in(&at("count"), n, false, ranges::DEVICES);
            max = owned;
        }
        (o, Some(_)) => c.add(
            IssueCode::PoolCountNotOwned,
            at("count"),
            format!("count is given for {} pool '{}'", o.kind_name(), p.name),
            "remove count; the most devices that can be rented or bought is ownership.max",
        ),
        _ => {}
    }
    match &p.ownership {
        Ownership::Owned {
            sunk,
            unit_price_usd,
            depreciation_days,
        } => {
            c.opt_quantity_in(
                || at("ownership.unit_price_usd"),
                *unit_price_usd,
                Rule::NonNeg,
                ranges::PRICE,
            );
            c.opt_quantity_in(
                || at("ownership.depreciation_days"),
                *depreciation_days,
                Rule::Positive,
                ranges::HORIZON,
            );
            if *sunk == Some(false) {
                for (field, missing) in [
                    ("unit_price_usd", unit_price_usd.is_none()),
                    ("depreciation_days", depreciation_days.is_none()),
                ] {
                    if missing {
                        c.add(
                            IssueCode::PoolCapexIncomplete,
                            at(&format!("ownership.{field}")),
                            format!(
                                "pool '{}' amortises its devices (sunk = false) but has no {field}",
                                p.name
                            ),
                            format!(
                                "add ownership.{field}, or set sunk = true to count no capital cost"
                            ),
                        );
                    }
                }
            }
        }
        Ownership::Rentable {
            usd_per_hour,
            max: m,
        } => {
            c.quantity_in(
                &at("ownership.usd_per_hour"),
                *usd_per_hour,
                Rule::NonNeg,
                ranges::PRICE_PER_HOUR,
            );
            max = c.opt_count_in(|| at("ownership.max"), *m, false, ranges::DEVICES);
        }
        Ownership::Purchasable {
            unit_price_usd,
            max: m,
            lead_time_days,
            granularity: g,
        } => {
            c.quantity_in(
                &at("ownership.unit_price_usd"),
                *unit_price_usd,
                Rule::NonNeg,
                ranges::PRICE,
            );
            max = c.opt_count_in(|| at("ownership.max"), *m, false, ranges::DEVICES);
            if let Some(lt) = c.opt_quantity_in(
                || at("ownership.lead_time_days"),
                *lead_time_days,
                Rule::NonNeg,
                ranges::DAY_OFFSET,
            ) {
                lead_time = lt;
                if let Some(h) = horizon
                    && lt.get() >= h
                {
                    c.add(
                        IssueCode::PoolLeadTimeBeyondHorizon,
                        at("ownership.lead_time_days"),
                        format!(
                            "devices of pool '{}' arrive on day {} of a {h}-day horizon",
                            p.name,
                            lt.get()
                        ),
                        "shorten the lead time or lengthen horizon_days",
                    );
                }
            }
            if let Some(g) =
                c.opt_count_in(|| at("ownership.granularity"), *g, true, ranges::DEVICES)
            {
                granularity = g;
            }
        }
    }

    Limits {
        owned,
        max,
        granularity,
        lead_time,
    }
}

/// A pool's device figures (availability, node size, MFU, reliability,
/// energy price); the availability (1 when absent or invalid) and the node
/// size when given and valid.
fn check_pool_figures(
    c: &mut Checker,
    p: &Pool,
    at: &impl Fn(&str) -> String,
) -> (Fraction, Option<u64>) {
    let availability = c
        .opt_quantity_in(
            || at("availability"),
            p.availability,
            Rule::OpenFraction,
            ranges::AVAILABILITY,
        )
        .unwrap_or(Fraction::ONE);
    let node_size = c.opt_count_in(|| at("node_size"), p.node_size, true, ranges::NODE);
    for (f, v) in [
        ("pretraining", p.mfu.pretraining),
        ("posttraining", p.mfu.posttraining),
        ("inference", p.mfu.inference),
    ] {
        c.opt_quantity_in(
            || at(&format!("mfu.{f}")),
            v,
            Rule::OpenFraction,
            ranges::FRACTION_FLOOR,
        );
    }
    c.opt_quantity_in(
        || at("mtbf_hours"),
        p.mtbf_hours,
        Rule::Positive,
        ranges::MTBF_HOURS,
    );
    for (f, v) in [
        ("checkpoint_write_s", p.checkpoint_write_s),
        ("restart_s", p.restart_s),
    ] {
        c.opt_quantity_in(|| at(f), v, Rule::NonNeg, ranges::SECONDS);
    }
    c.opt_quantity_in(
        || at("energy_usd_per_kwh"),
        p.energy_usd_per_kwh,
        Rule::NonNeg,
        ranges::PRICE_PER_KWH,
    );
    (availability, node_size)
}

/// The time-phased fields of a pool: `available_from`, `deliveries`,
/// `life_years`, `residual_fraction`. Returns the life and residual value
/// (defaults where absent or invalid).
fn check_pool_time(
    c: &mut Checker,
    s: &Scenario,
    p: &Pool,
    at: &impl Fn(&str) -> String,
    horizon: Option<f64>,
) -> (Hours, Fraction) {
    let purchasable = p.ownership.is_purchasable();
    for (field, present) in [
        ("deliveries", !p.deliveries.is_empty()),
        ("life_years", p.life_years.is_some()),
        ("residual_fraction", p.residual_fraction.is_some()),
    ] {
        if present && !purchasable {
            c.add(
                IssueCode::FieldNotApplicable,
                at(field),
                format!(
                    "{field} is given for {} pool '{}'; it applies to purchasable pools",
                    p.ownership.kind_name(),
                    p.name
                ),
                format!("remove {field}, or make the pool purchasable"),
            );
        }
    }
    if let Some(d) = p.available_from {
        date_in_horizon(c, &at("available_from"), d, s.start, horizon);
    }
    if !p.deliveries.is_empty() && s.period_days.is_none() {
        c.add(
            IssueCode::PeriodsRequired,
            at("deliveries"),
            format!(
                "pool '{}' has a delivery schedule per period, but the scenario has no periods",
                p.name
            ),
            "set period_days (e.g. 30) at the top of the scenario",
        );
    }
    c.list_len(&at("deliveries"), p.deliveries.len(), ranges::MAX_LIST);
    for (k, d) in p.deliveries.iter().enumerate() {
        let path = at(&format!("deliveries[{k}]"));
        c.count_in(
            &format!("{path}.max_per_period"),
            d.max_per_period,
            false,
            ranges::DEVICES,
        );
        if k > 0 && d.from <= p.deliveries[k - 1].from {
            c.add(
                IssueCode::DatesUnsorted,
                format!("{path}.from"),
                format!(
                    "delivery step {k} starts on {}, not after step {} ({})",
                    d.from,
                    k - 1,
                    p.deliveries[k - 1].from
                ),
                "list the steps in increasing date order, one per date",
            );
        }
        date_in_horizon(c, &format!("{path}.from"), d.from, s.start, horizon);
    }
    let mut life = crate::perf::defaults::depreciation()
        .value
        .unwrap_or(Hours::from_days(5.0 * 365.0));
    if let Some(y) = c.opt_quantity_in(
        || at("life_years"),
        p.life_years,
        Rule::Positive,
        ranges::LIFE_YEARS,
    ) {
        life = y.to_hours();
    }
    let residual = c
        .opt_quantity(
            || at("residual_fraction"),
            p.residual_fraction,
            Rule::Fraction,
        )
        .unwrap_or(Fraction::ZERO);
    (life, residual)
}

#[allow(clippy::too_many_lines)]
/// Checks an inference phase's `disaggregation`: prices and bandwidths in
/// range, links naming two different pools of the scenario, and a KV-cache
/// size the transfers can be sized by.
fn check_disaggregation(
    c: &mut Checker,
    i: usize,
    ph: &Phase,
    d: &crate::workload::Disaggregation,
    pool_names: &BTreeMap<&str, usize>,
) {
    let at = |f: &str| format!("phases[{i}].disaggregation.{f}");
    c.opt_quantity_in(
        || at("usd_per_gb"),
        d.usd_per_gb,
        Rule::NonNeg,
        ranges::PRICE_PER_GB,
    );
    c.list_len(&at("links"), d.links.len(), ranges::MAX_LIST);
    let known: Vec<&str> = pool_names.keys().copied().collect();
    for (k, l) in d.links.iter().enumerate() {
        let lat = |f: &str| at(&format!("links[{k}].{f}"));
        c.quantity_in(
            &lat("bandwidth"),
            l.bandwidth,
            Rule::Positive,
            ranges::LINK_BANDWIDTH,
        );
        c.opt_quantity_in(
            || lat("usd_per_gb"),
            l.usd_per_gb,
            Rule::NonNeg,
            ranges::PRICE_PER_GB,
        );
        for (f, name) in [("prefill", &l.prefill), ("decode", &l.decode)] {
            if !pool_names.contains_key(name.as_str()) {
                c.add(
                    IssueCode::PoolUnknown,
                    lat(f),
                    format!("unknown pool '{name}'"),
                    format!("name a pool of this scenario; {}", suggest(name, &known)),
                );
            }
        }
        if l.prefill == l.decode {
            c.add(
                IssueCode::PoolUnknown,
                lat("decode"),
                format!("link from pool '{}' to itself", l.prefill),
                "a link joins two different pools; co-located serving needs no link",
            );
        }
    }
    let m = &ph.model;
    let shape = m.layers.is_some() && m.hidden.is_some() && m.heads.is_some();
    if m.kv_bytes_per_token.is_none() && !shape {
        c.add(
            IssueCode::KvUnknown,
            format!("phases[{i}].model.kv_bytes_per_token"),
            format!(
                "phase '{}' is served disaggregated but its KV-cache size per token is unknown",
                ph.name
            ),
            "give model.kv_bytes_per_token (e.g. 70272 for DeepSeek-V3's latent attention in BF16), or layers, hidden and heads",
        );
    }
}

fn check_phase<'s>(
    c: &mut Checker,
    catalog: &Catalog,
    i: usize,
    ph: &'s Phase,
    names: &mut BTreeMap<&'s str, usize>,
    start: Date,
    horizon: Option<f64>,
) -> PhaseData {
    let at = |f: &str| format!("phases[{i}].{f}");
    check_name(c, "phases", i, &ph.name, names);
    let params = check_model(c, &ph.model, &at);
    let mut measured = Vec::new();
    let mut scaling = Vec::new();
    if ph.kind.is_training() {
        check_training(c, ph, &at, params, horizon);
        scaling = check_scaling(c, catalog, i, ph);
    } else {
        measured = check_inference(c, catalog, ph, &at, start, horizon);
    }

    let min_devices = c.opt_count_in(
        || at("min_devices"),
        ph.min_devices,
        false,
        ranges::FLEET_DEVICES,
    );
    let max_devices = c.opt_count_in(
        || at("max_devices"),
        ph.max_devices,
        true,
        ranges::FLEET_DEVICES,
    );
    if let (Some(lo), Some(hi)) = (min_devices, max_devices)
        && lo > hi
    {
        c.add(
            IssueCode::DevicesMinAboveMax,
            at("min_devices"),
            format!("min_devices {lo} is above max_devices {hi}"),
            "lower min_devices or raise max_devices",
        );
    }
    PhaseData {
        eligible: Vec::new(),
        measured,
        scaling,
        min_devices,
        max_devices,
    }
}

/// A phase's model (`phases[i].model.*`); the parameters that do the work
/// (active, else total) when valid.
fn check_model(c: &mut Checker, m: &ModelArch, at: &impl Fn(&str) -> String) -> Option<u64> {
    let total = c.count_in(
        &at("model.total_params"),
        m.total_params,
        true,
        ranges::PARAMS,
    );
    let active = c.opt_count_in(
        || at("model.active_params"),
        m.active_params,
        true,
        ranges::PARAMS,
    );
    if let (Some(t), Some(a)) = (total, active)
        && a > t
    {
        c.add(
            IssueCode::ModelActiveAboveTotal,
            at("model.active_params"),
            format!("active_params {a} exceeds total_params {t}"),
            "active parameters are a subset of the total (37e9 of 671e9 for DeepSeek-V3)",
        );
    }
    for (f, v, r) in [
        ("layers", m.layers, ranges::SHAPE),
        ("hidden", m.hidden, ranges::SHAPE),
        ("seq_len", m.seq_len, ranges::CONTEXT),
        ("heads", m.heads, ranges::SHAPE),
        ("kv_heads", m.kv_heads, ranges::SHAPE),
        ("qk_head_dim", m.qk_head_dim, ranges::SHAPE),
        ("v_head_dim", m.v_head_dim, ranges::SHAPE),
        ("experts", m.experts, ranges::SHAPE),
        ("active_experts", m.active_experts, ranges::SHAPE),
    ] {
        c.opt_count_in(|| at(&format!("model.{f}")), v, true, r);
    }
    c.opt_quantity_in(
        || at("model.kv_bytes_per_token"),
        m.kv_bytes_per_token,
        Rule::Positive,
        ranges::BYTES_PER_TOKEN,
    );

    active.or(total)
}

/// `phases[i].FIELD` set on a phase of the other kind.
fn not_applicable(
    c: &mut Checker,
    ph: &Phase,
    at: &impl Fn(&str) -> String,
    field: &str,
    set: bool,
) {
    if set {
        let (kind, other) = if ph.kind.is_training() {
            ("a training", "inference")
        } else {
            ("an inference", "training")
        };
        c.add(
            IssueCode::FieldNotApplicable,
            at(field),
            format!(
                "{field} is an {other} field but '{}' is {kind} phase",
                ph.name
            ),
            format!("remove {field}, or change kind"),
        );
    }
}

/// A window's two day offsets (`start_f`, `end_f`): in range, inside the
/// horizon, in order.
fn check_window(
    c: &mut Checker,
    at: &impl Fn(&str) -> String,
    horizon: Option<f64>,
    (start_f, start): (&str, Option<Days>),
    (end_f, end): (&str, Option<Days>),
) {
    let st = c.opt_quantity_in(|| at(start_f), start, Rule::NonNeg, ranges::DAY_OFFSET);
    let en = c.opt_quantity_in(|| at(end_f), end, Rule::NonNeg, ranges::DAY_OFFSET);
    if let Some(h) = horizon {
        if let Some(st) = st
            && st.get() >= h
        {
            c.add(
                IssueCode::StartBeyondHorizon,
                at(start_f),
                format!(
                    "{start_f} {} is not before the horizon ({h} days)",
                    st.get()
                ),
                "start within the horizon, or lengthen horizon_days",
            );
        }
        if let Some(en) = en
            && en.get() > h
        {
            c.add(
                IssueCode::DeadlineBeyondHorizon,
                at(end_f),
                format!("{end_f} {} is after the horizon ({h} days)", en.get()),
                format!("set {end_f} to at most {h}, or lengthen horizon_days"),
            );
        }
    }
    if let Some(en) = en {
        let st_v = st.map_or(0.0, Days::get);
        if en.get() <= st_v {
            c.add(
                IssueCode::WindowReversed,
                at(end_f),
                format!("{end_f} {} is not after {start_f} {st_v}", en.get()),
                format!("make {end_f} later than {start_f}"),
            );
        }
    }
}

/// A training phase's fields (work, window, checkpoint) and the inference
/// fields it must not set.
fn check_training(
    c: &mut Checker,
    ph: &Phase,
    at: &impl Fn(&str) -> String,
    params: Option<u64>,
    horizon: Option<f64>,
) {
    match (ph.tokens, ph.flops) {
        (None, None) => c.add(
            IssueCode::PhaseDemandMissing,
            at("tokens"),
            format!("training phase '{}' states no work", ph.name),
            "add tokens = <tokens to train on> (or flops = <total FLOPs>)",
        ),
        (Some(_), Some(_)) => c.add(
            IssueCode::PhaseDemandAmbiguous,
            at("flops"),
            format!("training phase '{}' gives both tokens and flops", ph.name),
            "keep one: tokens (FLOPs then follow from the model) or flops",
        ),
        (t, f) => {
            let t = c.opt_quantity_in(|| at("tokens"), t, Rule::Positive, ranges::TOKENS);
            c.opt_quantity_in(|| at("flops"), f, Rule::Positive, ranges::FLOPS);
            // The work the tokens make: 6 FLOP per active parameter
            // per token, bounded as `flops` is.
            if let (Some(t), Some(n)) = (t, params) {
                // n ≤ 10^15: exact
                #[allow(clippy::cast_precision_loss)]
                let work = 6.0 * n as f64 * t.get();
                if work > ranges::FLOPS.max {
                    c.add(
                        IssueCode::NumberRange,
                        at("tokens"),
                        format!(
                            "{} tokens of a {n}-parameter model are {} FLOP, more than {} FLOP",
                            shown(t.get()),
                            shown(work),
                            shown(ranges::FLOPS.max)
                        ),
                        format!(
                            "use fewer tokens or a smaller model ({})",
                            ranges::FLOPS.why
                        ),
                    );
                }
            }
        }
    }
    check_window(
        c,
        at,
        horizon,
        ("start_day", ph.start_day),
        ("deadline_days", ph.deadline_days),
    );
    c.opt_quantity_in(
        || at("checkpoint_bytes"),
        ph.checkpoint_bytes,
        Rule::Positive,
        ranges::CHECKPOINT_BYTES,
    );
    not_applicable(c, ph, at, "tokens_per_day", ph.tokens_per_day.is_some());
    not_applicable(c, ph, at, "growth_per_month", ph.growth_per_month.is_some());
    not_applicable(c, ph, at, "peak_to_average", ph.peak_to_average.is_some());
    not_applicable(c, ph, at, "context_length", ph.context_length.is_some());
    not_applicable(c, ph, at, "batch", ph.batch.is_some());
    not_applicable(c, ph, at, "latency", ph.latency.is_some());
    not_applicable(c, ph, at, "from_day", ph.from_day.is_some());
    not_applicable(c, ph, at, "until_day", ph.until_day.is_some());
    not_applicable(c, ph, at, "measured", !ph.measured.is_empty());
    not_applicable(c, ph, at, "disaggregation", ph.disaggregation.is_some());
}

/// An inference phase's fields (demand, growth, peak, window, latency,
/// measured rates) and the training fields it must not set; the measured
/// entries resolved to the catalogue.
fn check_inference(
    c: &mut Checker,
    catalog: &Catalog,
    ph: &Phase,
    at: &impl Fn(&str) -> String,
    start: Date,
    horizon: Option<f64>,
) -> Vec<(AcceleratorId, usize)> {
    let mut measured = Vec::new();
    match &ph.tokens_per_day {
        None => c.add(
            IssueCode::PhaseTokensMissing,
            at("tokens_per_day"),
            format!("inference phase '{}' has no token demand", ph.name),
            "add tokens_per_day = { input = <tokens/day>, output = <tokens/day> }",
        ),
        Some(DemandSchedule::Flat(d)) => {
            let positive = check_demand(c, &at("tokens_per_day"), d.input, d.output, d.cache_hit);
            if positive == Some(false) {
                c.add(
                    IssueCode::PhaseTokensMissing,
                    at("tokens_per_day"),
                    format!("inference phase '{}' serves zero tokens", ph.name),
                    "give a positive input or output token rate, or remove the phase",
                );
            }
        }
        Some(DemandSchedule::Steps(steps)) => {
            check_demand_steps(c, ph, steps, at, start, horizon);
        }
    }
    if let Some(g) = ph.growth_per_month
        && c.number(&at("growth_per_month"), g, Rule::NonNeg)
        && g > 10.0
    {
        c.add(
            IssueCode::NumberRange,
            at("growth_per_month"),
            format!("a demand growth of {g} a month (over 1,000%) is not a forecast"),
            "give the monthly growth as a fraction, e.g. 0.1 for 10% a month; \
             for a fall in demand use dated steps in tokens_per_day",
        );
    }
    if let Some(r) = ph.peak_to_average
        && c.number(&at("peak_to_average"), r, Rule::AtLeastOne)
        && r > 100.0
    {
        c.add(
            IssueCode::NumberRange,
            at("peak_to_average"),
            format!("a peak {r} times the average is outside [1, 100]"),
            "give the busiest hour's token rate over the day's average, e.g. 1.23",
        );
    }
    check_window(
        c,
        at,
        horizon,
        ("from_day", ph.from_day),
        ("until_day", ph.until_day),
    );
    c.opt_count_in(
        || at("context_length"),
        ph.context_length,
        true,
        ranges::CONTEXT,
    );
    c.opt_count_in(|| at("batch"), ph.batch, true, ranges::BATCH);
    if let Some(l) = &ph.latency {
        for (f, v) in [("tpot_s", l.tpot_s), ("ttft_s", l.ttft_s)] {
            c.opt_quantity_in(
                || at(&format!("latency.{f}")),
                v,
                Rule::Positive,
                ranges::LATENCY,
            );
        }
    }
    c.list_len(&at("measured"), ph.measured.len(), ranges::MAX_LIST);
    for (k, ms) in ph.measured.iter().enumerate() {
        let mat = |f: &str| at(&format!("measured[{k}].{f}"));
        for (f, v) in [
            ("prefill_tokens_per_s", ms.prefill_tokens_per_s),
            ("decode_tokens_per_s", ms.decode_tokens_per_s),
        ] {
            c.opt_quantity_in(|| mat(f), v, Rule::Positive, ranges::DEVICE_TOKENS_PER_S);
        }
        c.opt_quantity_in(
            || mat("at_tpot_s"),
            ms.at_tpot_s,
            Rule::Positive,
            ranges::LATENCY,
        );
        c.opt_quantity_in(
            || mat("at_ttft_s"),
            ms.at_ttft_s,
            Rule::Positive,
            ranges::LATENCY,
        );
        measured_points(
            c,
            &mat,
            "prefill",
            &ms.prefill_points,
            ms.prefill_tokens_per_s,
        );
        measured_points(c, &mat, "decode", &ms.decode_points, ms.decode_tokens_per_s);
        if ms.prefill_at(None).is_none() && ms.decode_at(None).is_none() {
            c.add(
                IssueCode::MeasuredEmpty,
                at(&format!("measured[{k}]")),
                format!("measured entry for '{}' gives no rate", ms.accelerator),
                "add prefill_tokens_per_s and/or decode_tokens_per_s (or prefill_points / decode_points)",
            );
        }
        resolve_entry(
            c,
            catalog,
            (mat("accelerator"), &ms.accelerator, k),
            &mut measured,
            (
                IssueCode::MeasuredDuplicate,
                "measured",
                "keep one measured entry per accelerator",
            ),
        );
    }
    not_applicable(c, ph, at, "tokens", ph.tokens.is_some());
    not_applicable(c, ph, at, "flops", ph.flops.is_some());
    not_applicable(c, ph, at, "start_day", ph.start_day.is_some());
    not_applicable(c, ph, at, "deadline_days", ph.deadline_days.is_some());
    not_applicable(c, ph, at, "single_pool", ph.single_pool);
    not_applicable(c, ph, at, "allow_cross_site", ph.allow_cross_site);
    not_applicable(c, ph, at, "allow_cross_vendor", ph.allow_cross_vendor);
    not_applicable(c, ph, at, "checkpoint_bytes", ph.checkpoint_bytes.is_some());
    not_applicable(c, ph, at, "scaling", !ph.scaling.is_empty());
    measured
}

/// A daily demand's numbers (`path.input`, `path.output`,
/// `path.cache_hit`); `Some(positive)` when input and output are valid.
fn check_demand(
    c: &mut Checker,
    path: &str,
    input: Tokens,
    output: Tokens,
    cache_hit: Option<Fraction>,
) -> Option<bool> {
    let i_ok = c.quantity_in(
        &format!("{path}.input"),
        input,
        Rule::NonNeg,
        ranges::TOKENS_PER_DAY,
    );
    let o_ok = c.quantity_in(
        &format!("{path}.output"),
        output,
        Rule::NonNeg,
        ranges::TOKENS_PER_DAY,
    );
    c.opt_quantity(|| format!("{path}.cache_hit"), cache_hit, Rule::Fraction);
    Some(i_ok?.get() + o_ok?.get() > 0.0)
}

/// Dated demand steps: at least one, in strictly increasing date order,
/// each inside the horizon, some demand positive.
fn check_demand_steps(
    c: &mut Checker,
    ph: &Phase,
    steps: &[DemandStep],
    at: &impl Fn(&str) -> String,
    start: Date,
    horizon: Option<f64>,
) {
    if steps.is_empty() {
        c.add(
            IssueCode::PhaseTokensMissing,
            at("tokens_per_day"),
            format!("inference phase '{}' has an empty demand schedule", ph.name),
            "give at least one step: tokens_per_day = [{ from = \"YYYY-MM-DD\", input = <tokens/day>, output = <tokens/day> }]",
        );
        return;
    }
    c.list_len(&at("tokens_per_day"), steps.len(), ranges::MAX_LIST);
    let mut any_positive = false;
    for (k, st) in steps.iter().enumerate() {
        let path = at(&format!("tokens_per_day[{k}]"));
        any_positive |= check_demand(c, &path, st.input, st.output, st.cache_hit) == Some(true);
        if k > 0 && st.from <= steps[k - 1].from {
            c.add(
                IssueCode::DatesUnsorted,
                format!("{path}.from"),
                format!(
                    "step {k} starts on {}, not after step {} ({})",
                    st.from,
                    k - 1,
                    steps[k - 1].from
                ),
                "list the steps in increasing date order, one per date",
            );
        }
        date_in_horizon(c, &format!("{path}.from"), st.from, start, horizon);
    }
    if !any_positive {
        c.add(
            IssueCode::PhaseTokensMissing,
            at("tokens_per_day"),
            format!(
                "inference phase '{}' serves zero tokens in every step",
                ph.name
            ),
            "give a positive input or output token rate in some step, or remove the phase",
        );
    }
}

/// `phases[i].failures`: on training phases only, inside the horizon (after
/// its first day, when runs may have started), naming pools that exist or
/// vendors that make some accelerator.
fn check_failures(c: &mut Checker, s: &Scenario, catalog: &Catalog, horizon: Option<f64>) {
    for (i, ph) in s.phases.iter().enumerate() {
        if !c.list_len(
            &format!("phases[{i}].failures"),
            ph.failures.len(),
            ranges::MAX_LIST,
        ) {
            continue;
        }
        for (j, f) in ph.failures.iter().enumerate() {
            let at = format!("phases[{i}].failures[{j}]");
            if !(c.list_len(&format!("{at}.pools"), f.pools.len(), ranges::MAX_LIST)
                & c.list_len(&format!("{at}.vendors"), f.vendors.len(), ranges::MAX_LIST))
            {
                continue;
            }
            if !ph.kind.is_training() {
                c.add(
                    IssueCode::FieldNotApplicable,
                    &at,
                    format!("inference phase '{}' has no runs to fail", ph.name),
                    "put failures on a pretraining or posttraining phase, or remove it",
                );
                continue;
            }
            if f.on <= s.start {
                c.add(
                    IssueCode::DateBeyondHorizon,
                    format!("{at}.on"),
                    format!(
                        "{} is not after the start ({}): no run has started by then",
                        f.on, s.start
                    ),
                    "give a date after the start, or remove the failure",
                );
            }
            date_in_horizon(c, &format!("{at}.on"), f.on, s.start, horizon);
            if f.pools.is_empty() && f.vendors.is_empty() {
                c.add(
                    IssueCode::FailureEmpty,
                    &at,
                    "the failure names no pool and no vendor",
                    "add pools = [\"<pool name>\"] or vendors = [\"<vendor>\"]",
                );
            }
            let known: Vec<&str> = s.pools.iter().map(|p| p.name.as_str()).collect();
            for (k, n) in f.pools.iter().enumerate() {
                if !known.contains(&n.as_str()) {
                    c.add(
                        IssueCode::PoolUnknown,
                        format!("{at}.pools[{k}]"),
                        format!("unknown pool '{n}'"),
                        format!("name a pool of this scenario; {}", suggest(n, &known)),
                    );
                }
            }
            for (k, v) in f.vendors.iter().enumerate() {
                if !catalog
                    .iter()
                    .any(|a| vendor_key(&a.vendor) == vendor_key(v))
                {
                    c.add(
                        IssueCode::VendorUnknown,
                        format!("{at}.vendors[{k}]"),
                        format!("no accelerator is made by '{v}'"),
                        format!("use one of: {}", catalog.vendors().join(", ")),
                    );
                }
            }
        }
    }
}

/// A date that must fall before the end of the horizon (a step, a delivery
/// or a rule change after it can change nothing).
fn date_in_horizon(c: &mut Checker, path: &str, date: Date, start: Date, horizon: Option<f64>) {
    let Some(h) = horizon else { return };
    #[allow(clippy::cast_precision_loss)] // day counts are far below 2^52
    let offset = date.days_since(start) as f64;
    if offset >= h {
        c.add(
            IssueCode::DateBeyondHorizon,
            path,
            format!("{date} is day {offset} of a {h}-day horizon: it can change nothing"),
            "move the date inside the horizon, lengthen horizon_days, or remove the entry",
        );
    }
}

/// Resolves the accelerator of entry `k` (at `path`, named `name`) of a
/// per-accelerator list of a phase (`measured`, `scaling`): an unknown name
/// and a second entry for one accelerator are issues (`duplicate`: its code,
/// the list's name, the fix); the first entry of each accelerator is
/// recorded in `seen`.
fn resolve_entry(
    c: &mut Checker,
    catalog: &Catalog,
    (path, name, k): (String, &str, usize),
    seen: &mut Vec<(AcceleratorId, usize)>,
    (code, list, fix): (IssueCode, &str, &str),
) {
    match catalog.position(name) {
        None => unknown_accelerator(c, catalog, path, name),
        Some(a) => {
            let id = AcceleratorId::new(a);
            if let Some((_, first)) = seen.iter().find(|(x, _)| *x == id) {
                c.add(
                    code,
                    path,
                    format!("'{name}' has two {list} entries (also {list}[{first}])"),
                    fix,
                );
            } else {
                seen.push((id, k));
            }
        }
    }
}

/// Checks a training phase's `scaling` entries; returns the accelerator and
/// index of each entry that resolved (its points may still have issues, in
/// which case validation fails as a whole).
fn check_scaling(
    c: &mut Checker,
    catalog: &Catalog,
    i: usize,
    ph: &Phase,
) -> Vec<(AcceleratorId, usize)> {
    let mut out: Vec<(AcceleratorId, usize)> = Vec::new();
    c.list_len(
        &format!("phases[{i}].scaling"),
        ph.scaling.len(),
        ranges::MAX_LIST,
    );
    for (k, sc) in ph.scaling.iter().enumerate() {
        let at = |f: &str| format!("phases[{i}].scaling[{k}]{f}");
        c.list_len(&at(".points"), sc.points.len(), ranges::MAX_LIST);
        resolve_entry(
            c,
            catalog,
            (at(".accelerator"), &sc.accelerator, k),
            &mut out,
            (
                IssueCode::ScalingDuplicate,
                "scaling",
                "merge the points into one scaling entry per accelerator",
            ),
        );
        // Points: devices, one value each, one kind for the whole entry.
        let before = c.issues.len();
        let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
        let mut devices: Vec<f64> = Vec::with_capacity(sc.points.len());
        let mut values: Vec<f64> = Vec::with_capacity(sc.points.len());
        let mut kind: Option<(bool, usize)> = None; // (is_mfu, first point)
        for (j, p) in sc.points.iter().enumerate() {
            let pat = |f: &str| at(&format!(".points[{j}]{f}"));
            let n = c.count_in(&pat(".devices"), p.devices, true, ranges::DEVICES);
            let v = match (p.mfu, p.tokens_per_s) {
                (Some(m), None) => c
                    .quantity_in(&pat(".mfu"), m, Rule::OpenFraction, ranges::FRACTION_FLOOR)
                    .map(|m| (true, m.get())),
                (None, Some(t)) => c
                    .quantity_in(
                        &pat(".tokens_per_s"),
                        t,
                        Rule::Positive,
                        ranges::JOB_TOKENS_PER_S,
                    )
                    .map(|t| (false, t.get())),
                (m, _) => {
                    let (msg, fix) = if m.is_some() {
                        ("gives both mfu and tokens_per_s", "keep one of the two")
                    } else {
                        (
                            "gives neither mfu nor tokens_per_s",
                            "add mfu = <fraction of the peak> or tokens_per_s = <the job's tokens per second>",
                        )
                    };
                    c.add(
                        IssueCode::ScalingValue,
                        pat(""),
                        format!("{} {msg}", pat("")),
                        fix,
                    );
                    None
                }
            };
            if let Some((is_mfu, _)) = v {
                match kind {
                    None => kind = Some((is_mfu, j)),
                    Some((first_mfu, first)) if first_mfu != is_mfu => c.add(
                        IssueCode::ScalingValue,
                        pat(""),
                        format!(
                            "points[{j}] gives {} but points[{first}] gives {}",
                            if is_mfu { "mfu" } else { "tokens_per_s" },
                            if first_mfu { "mfu" } else { "tokens_per_s" }
                        ),
                        "measure every point of one entry the same way (all mfu or all tokens_per_s)",
                    ),
                    Some(_) => {}
                }
            }
            if let (Some(n), Some((is_mfu, v))) = (n, v) {
                if let Some(&prev) = seen.get(&n) {
                    c.add(
                        IssueCode::ScalingDuplicateDevices,
                        pat(".devices"),
                        format!("points[{j}] and points[{prev}] are both at {n} devices"),
                        "keep one measurement per job size (average repeated runs)",
                    );
                }
                seen.entry(n).or_insert(j);
                // u64 device counts ≤ 10^15 are exact in f64
                #[allow(clippy::cast_precision_loss)]
                let n = n as f64;
                devices.push(n);
                // per-device quantity: an MFU, or tokens/s per device
                values.push(if is_mfu { v } else { v / n.max(1.0) });
            }
        }
        if sc.points.len() < fit::MIN_POINTS {
            c.add(
                IssueCode::ScalingTooFew,
                at(".points"),
                format!(
                    "{} point(s) for '{}'; a fit needs at least {}",
                    sc.points.len(),
                    sc.accelerator,
                    fit::MIN_POINTS
                ),
                "measure at least three job sizes (two points fit any curve exactly, leaving nothing to check the fit against), or set pools[].mfu instead",
            );
        }
        if c.issues.len() == before
            && let Err(FitError::Degenerate) =
                fit::fit(&devices, &values, sc.form.unwrap_or_default())
        {
            c.add(
                IssueCode::ScalingDegenerate,
                at(".points"),
                "the device counts are too close together to determine a slope",
                "measure job sizes at least a few percent apart",
            );
        }
    }
    out
}

fn check_rules(c: &mut Checker, s: &Scenario, catalog: &Catalog) -> Vec<ResolvedRule> {
    let bind_owned = s.policy.rules_bind_owned;
    let mut out = Vec::with_capacity(s.policy.rules.len());
    for (i, r) in s.policy.rules.iter().enumerate() {
        let at = |f: &str| format!("policy.rules[{i}].{f}");
        let mut accs: Vec<AcceleratorId> = Vec::new();
        if r.accelerators.is_empty() && r.vendors.is_empty() {
            c.add(
                IssueCode::RuleEmpty,
                format!("policy.rules[{i}]"),
                "the rule names no accelerator and no vendor",
                "add accelerators = [\"H20\", ...] or vendors = [\"NVIDIA\"]",
            );
        }
        for (k, name) in r.accelerators.iter().enumerate() {
            match catalog.position(name) {
                Some(a) => accs.push(AcceleratorId::new(a)),
                None => unknown_accelerator(c, catalog, at(&format!("accelerators[{k}]")), name),
            }
        }
        for (k, v) in r.vendors.iter().enumerate() {
            let before = accs.len();
            for (a, acc) in catalog.iter().enumerate() {
                if vendor_key(&acc.vendor) == vendor_key(v) {
                    accs.push(AcceleratorId::new(a));
                }
            }
            if accs.len() == before {
                c.add(
                    IssueCode::VendorUnknown,
                    at(&format!("vendors[{k}]")),
                    format!("no accelerator is made by '{v}'"),
                    format!("use one of: {}", catalog.vendors().join(", ")),
                );
            }
        }
        accs.sort_unstable();
        accs.dedup();
        if let (Some(f), Some(u)) = (r.from, r.until)
            && u <= f
        {
            c.add(
                IssueCode::DatesReversed,
                at("until"),
                format!("until {u} is not after from {f}"),
                "until is the first day the rule no longer applies: make it later than from",
            );
        }
        if r.status != RuleStatus::Licensed {
            for (field, set) in [
                ("levy", r.levy.is_some()),
                ("levy_pass_through", r.levy_pass_through.is_some()),
                ("quota", r.quota.is_some()),
                ("quota_per", r.quota_per.is_some()),
            ] {
                if set {
                    c.add(
                        IssueCode::RuleTermsNotLicensed,
                        at(field),
                        format!("{field} is given on a rule whose status is {}", r.status),
                        format!("remove {field}, or set status = \"licensed\""),
                    );
                }
            }
        }
        c.opt_quantity(|| at("levy"), r.levy, Rule::Fraction);
        c.opt_quantity(
            || at("levy_pass_through"),
            r.levy_pass_through,
            Rule::Fraction,
        );
        c.opt_count_in(|| at("quota"), r.quota, false, ranges::FLEET_DEVICES);
        let scope = r.scope.unwrap_or(RuleScope::Sale);
        if scope == RuleScope::Use && r.status != RuleStatus::Prohibited {
            c.add(
                IssueCode::RuleUseNotProhibited,
                at("status"),
                format!(
                    "a rule on use (scope = \"use\") is {}; only a prohibition of use has a meaning",
                    r.status
                ),
                "set status = \"prohibited\", or scope = \"sale\" for a rule on purchases and rentals",
            );
        }
        let quota_per = r.quota_per.unwrap_or(QuotaPer::Horizon);
        if r.status == RuleStatus::Licensed && r.quota_per.is_some() && r.quota.is_none() {
            c.add(
                IssueCode::FieldNotApplicable,
                at("quota_per"),
                "quota_per is given on a licence without a quota",
                "add quota = <devices>, or remove quota_per",
            );
        }
        if quota_per == QuotaPer::Period && s.period_days.is_none() {
            c.add(
                IssueCode::PeriodsRequired,
                at("quota_per"),
                "the quota counts devices per period, but the scenario has no periods",
                "set period_days (e.g. 30) at the top of the scenario, or quota_per = \"horizon\"",
            );
        }
        out.push(ResolvedRule {
            id: RuleId::new(i),
            accelerators: accs,
            destination: r.destination,
            issuer: r.issuer,
            from: r.from,
            until: r.until,
            effect: r.effect(),
            applies_to_owned: r.applies_to_owned.unwrap_or(bind_owned),
            scope,
            quota_per,
        });
    }
    // Contradictions.
    for j in 0..out.len() {
        for i in 0..j {
            let (a, b) = (&out[i], &out[j]);
            if a.destination != b.destination
                || a.issuer != b.issuer
                || a.scope != b.scope
                || !ranges_overlap((a.from, a.until), (b.from, b.until))
                || (a.effect == b.effect && a.applies_to_owned == b.applies_to_owned)
            {
                continue;
            }
            let shared: Vec<&str> = b
                .accelerators
                .iter()
                .filter(|x| a.covers(**x))
                .map(|x| catalog.as_slice()[x.index()].name.as_str())
                .collect();
            if shared.is_empty() {
                continue;
            }
            let from = match (a.from, b.from) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            };
            let when = from.map_or_else(|| "always".to_string(), |d| format!("from {d}"));
            c.add(
                IssueCode::RuleConflict,
                format!("policy.rules[{j}]"),
                format!(
                    "policy.rules[{j}] ({}) and policy.rules[{i}] ({}) both cover {} to {} {when}",
                    describe(&b.effect, b.applies_to_owned),
                    describe(&a.effect, a.applies_to_owned),
                    shared.join(", "),
                    b.destination
                ),
                "close the earlier rule with until = <first day of the later one>, or make the terms equal",
            );
        }
    }
    out
}

fn describe(e: &RuleEffect, owned: bool) -> String {
    let mut s = match e {
        RuleEffect::Licensed {
            levy,
            quota: Some(q),
            ..
        } => format!("licensed, levy {levy}, quota {q}"),
        RuleEffect::Licensed { levy, .. } => format!("licensed, levy {levy}"),
        other => other.status().to_string(),
    };
    if owned {
        s.push_str(", binds owned devices");
    }
    s
}

fn check_shares(c: &mut Checker, s: &Scenario) {
    let shares = &s.policy.domestic_share;
    for (i, d) in shares.iter().enumerate() {
        let at = |f: &str| format!("policy.domestic_share[{i}].{f}");
        c.quantity(&at("min"), d.min, Rule::Fraction);
        if let (Some(f), Some(u)) = (d.from, d.until)
            && u <= f
        {
            c.add(
                IssueCode::DatesReversed,
                at("until"),
                format!("until {u} is not after from {f}"),
                "make until later than from",
            );
        }
        if let Some(first) = shares[..i].iter().position(|e| {
            e.phase_kind == d.phase_kind && ranges_overlap((e.from, e.until), (d.from, d.until))
        }) {
            c.add(
                IssueCode::ShareDuplicate,
                format!("policy.domestic_share[{i}]"),
                format!(
                    "policy.domestic_share[{first}] already sets a {} minimum for overlapping dates",
                    d.phase_kind
                ),
                "keep one minimum per phase kind, or separate their dates",
            );
        }
    }
}

/// `phases[i].measured[k].{which}_points`: each point `[concurrency,
/// tokens/s]` finite, concurrency positive and strictly increasing,
/// tokens/s non-negative and in range; not given beside the single
/// `{which}_tokens_per_s` it replaces.
fn measured_points(
    c: &mut Checker,
    mat: &dyn Fn(&str) -> String,
    which: &str,
    points: &[[f64; 2]],
    single: Option<TokensPerSec>,
) {
    let field = format!("{which}_points");
    c.list_len(&mat(&field), points.len(), ranges::MAX_LIST);
    if !points.is_empty() && single.is_some() {
        c.add(
            IssueCode::MeasuredPoints,
            mat(&field),
            format!("both {which}_points and {which}_tokens_per_s are given"),
            format!("keep the table or the single {which}_tokens_per_s, not both"),
        );
    }
    let max = ranges::DEVICE_TOKENS_PER_S.max;
    let mut prev = 0.0;
    for (i, &[x, y]) in points.iter().enumerate() {
        let problem = if !x.is_finite() || !y.is_finite() {
            Some(format!("[{x}, {y}] is not a pair of finite numbers"))
        } else if x <= prev {
            Some(format!(
                "concurrency {x} does not increase (previous {prev}; concurrency starts above 0)"
            ))
        } else if !(0.0..=max).contains(&y) {
            Some(format!("{y} tokens/s is outside [0, {max:e}]"))
        } else {
            None
        };
        if let Some(p) = problem {
            c.add(
                IssueCode::MeasuredPoints,
                mat(&format!("{field}[{i}]")),
                p,
                "give [concurrency, tokens/s per device] pairs, concurrency strictly increasing and positive, tokens/s finite and non-negative",
            );
            return;
        }
        prev = x;
    }
}
