//! Policy: export rules, domestic-share minimums and justification rules.
//!
//! # Export rules
//!
//! An [`ExportRule`] says what happens when accelerators (named, or every
//! accelerator of a vendor) go to a destination jurisdiction during a date
//! range: [`RuleStatus::Allowed`], [`RuleStatus::Licensed`] (a licence is
//! needed and granted, with a revenue-share `levy` on the sale price of which
//! the buyer bears `levy_pass_through`, and optionally a `quota` of devices)
//! or [`RuleStatus::Prohibited`]. A date range is `from` (inclusive) to
//! `until` (exclusive); either end may be open. With no rule in force, sales
//! are allowed.
//!
//! Rules bind new purchases and rentals. Owned devices stay usable unless
//! `policy.rules_bind_owned = true` or the rule itself says
//! `applies_to_owned = true`.
//!
//! Two rules of the same `issuer` that cover the same accelerator and
//! destination on some common day must have the same effect; otherwise
//! validation reports `E-RULE-CONFLICT` (close the earlier rule with
//! `until`: there is no precedence by specificity or order). Rules of
//! different issuers (a US export licence and a Chinese import ban) compose
//! with [`RuleEffect::and`]: any prohibition wins, levies add.
//!
//! # Domestic share
//!
//! A [`DomesticShare`] requires that at least `min` of a phase kind's
//! device-hours run on domestic accelerators: those whose origin is the
//! scenario's jurisdiction.
//!
//! # Justification
//!
//! A [`Justification`] rule marks foreign purchases (and optionally rentals)
//! as needing a justification: the planner's `justify` compares the plan with
//! the domestic-only counterfactual.
//!
//! ```
//! use fleetplan::catalog::Country;
//! use fleetplan::policy::{ExportRule, RuleEffect, RuleStatus};
//! use fleetplan::units::{Date, Fraction};
//!
//! // US rule: H20 to China licensed with a 15% revenue share from 2025-08-11.
//! let rule = ExportRule::new(&["H20"], Country::CN, RuleStatus::Licensed)
//!     .from("2025-08-11".parse()?)
//!     .with_levy(Fraction::from_raw(0.15));
//! assert!(rule.in_force("2025-08-15".parse()?));
//! assert!(!rule.in_force("2025-08-10".parse()?));
//! assert!(matches!(rule.effect(), RuleEffect::Licensed { quota: None, .. }));
//! # Ok::<(), fleetplan::units::DateError>(())
//! ```

use crate::catalog::{Country, string_enum};
use crate::fleet::Count;
use crate::units::{Date, Fraction};
use crate::workload::PhaseKind;
use serde::{Deserialize, Serialize};

string_enum! {
    /// What an export rule binds.
    pub enum RuleScope {
        /// New purchases and rentals (orders placed while the rule is in
        /// force); the default.
        Sale = "sale",
        /// Use: devices covered stop running while the rule is in force,
        /// whoever holds them (e.g. a ban on foreign chips in state-funded
        /// data centres). Only `status = "prohibited"` makes sense here.
        Use = "use",
    }
}

string_enum! {
    /// What a licence's quota counts.
    pub enum QuotaPer {
        /// Devices bought over the whole horizon (cumulative); the default.
        Horizon = "horizon",
        /// Devices bought in each period (`period_days`).
        Period = "period",
    }
}

string_enum! {
    /// What an export rule does.
    pub enum RuleStatus {
        /// Sales allowed without conditions.
        Allowed = "allowed",
        /// Sales need a licence, which is granted on the rule's terms (levy,
        /// quota).
        Licensed = "licensed",
        /// No sales.
        Prohibited = "prohibited",
    }
}

/// The effect of a rule on a purchase or rental, with its terms resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RuleEffect {
    /// No condition.
    Allowed,
    /// Licensed on these terms.
    Licensed {
        /// Revenue share on the sale price paid to the exporter's government.
        levy: Fraction,
        /// Share of the levy the buyer bears (1 when not stated).
        levy_pass_through: Fraction,
        /// Most devices that may be bought under the licence; unlimited when
        /// `None`.
        quota: Option<u64>,
    },
    /// Not allowed.
    Prohibited,
}

impl RuleEffect {
    /// The status without terms.
    #[must_use]
    pub fn status(&self) -> RuleStatus {
        match self {
            RuleEffect::Allowed => RuleStatus::Allowed,
            RuleEffect::Licensed { .. } => RuleStatus::Licensed,
            RuleEffect::Prohibited => RuleStatus::Prohibited,
        }
    }

    /// `true` unless prohibited.
    #[must_use]
    pub fn permits(&self) -> bool {
        !matches!(self, RuleEffect::Prohibited)
    }

    /// The combined effect of two rules in force together (rules of
    /// different issuers compose): prohibited if either prohibits; levies
    /// add (capped at 1), the pass-through is the levy-weighted mean, the
    /// smaller quota binds.
    #[must_use]
    pub fn and(self, other: RuleEffect) -> RuleEffect {
        match (self, other) {
            (RuleEffect::Prohibited, _) | (_, RuleEffect::Prohibited) => RuleEffect::Prohibited,
            (RuleEffect::Allowed, x) | (x, RuleEffect::Allowed) => x,
            (
                RuleEffect::Licensed {
                    levy: l1,
                    levy_pass_through: p1,
                    quota: q1,
                },
                RuleEffect::Licensed {
                    levy: l2,
                    levy_pass_through: p2,
                    quota: q2,
                },
            ) => {
                let total = l1.get() + l2.get();
                let pass = if total > 0.0 {
                    (l1.get() * p1.get() + l2.get() * p2.get()) / total
                } else {
                    1.0
                };
                RuleEffect::Licensed {
                    levy: Fraction::clamped(total),
                    levy_pass_through: Fraction::clamped(pass),
                    quota: match (q1, q2) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                }
            }
        }
    }

    /// The fraction of a sale price the buyer pays on top as levy
    /// (levy × pass-through; zero unless licensed).
    #[must_use]
    pub fn buyer_levy(&self) -> Fraction {
        match self {
            RuleEffect::Licensed {
                levy,
                levy_pass_through,
                ..
            } => *levy * *levy_pass_through,
            _ => Fraction::ZERO,
        }
    }
}

/// An export rule: accelerators × destination × dates → status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ExportRule {
    /// Accelerators covered, by catalogue name or alias.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accelerators: Vec<String>,
    /// Vendors whose every accelerator is covered (e.g. `"NVIDIA"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
    /// Destination jurisdiction (where the devices would run).
    pub destination: Country,
    /// Who made the rule (for reports), e.g. `"US"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Country>,
    /// First day in force (inclusive); always in force before `until` when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// First day no longer in force (exclusive); open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Allowed, licensed or prohibited.
    pub status: RuleStatus,
    /// Licensed only: revenue-share fraction of the sale price (0 when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levy: Option<Fraction>,
    /// Licensed only: share of the levy the buyer bears (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levy_pass_through: Option<Fraction>,
    /// Licensed only: most devices that may be bought (unlimited when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Count>,
    /// Whether the rule also stops use of devices already owned; the
    /// policy's `rules_bind_owned` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to_owned: Option<bool>,
    /// What the rule binds: new purchases and rentals (`"sale"`, the
    /// default) or the use of every covered device (`"use"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<RuleScope>,
    /// Licensed only: whether the quota counts devices over the horizon
    /// (the default) or in each period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_per: Option<QuotaPer>,
    /// Where the rule is published or reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ExportRule {
    /// A rule on the named accelerators, always in force.
    #[must_use]
    pub fn new(accelerators: &[&str], destination: Country, status: RuleStatus) -> ExportRule {
        ExportRule {
            accelerators: accelerators.iter().map(|s| (*s).to_string()).collect(),
            vendors: Vec::new(),
            destination,
            issuer: None,
            from: None,
            until: None,
            status,
            levy: None,
            levy_pass_through: None,
            quota: None,
            applies_to_owned: None,
            scope: None,
            quota_per: None,
            sources: Vec::new(),
            note: None,
        }
    }

    /// Makes the rule bind the use of every covered device (`scope =
    /// "use"`).
    #[must_use]
    pub fn on_use(mut self) -> ExportRule {
        self.scope = Some(RuleScope::Use);
        self
    }

    /// Makes the quota count devices per period (`quota_per = "period"`).
    #[must_use]
    pub fn quota_per_period(mut self) -> ExportRule {
        self.quota_per = Some(QuotaPer::Period);
        self
    }

    /// Sets the first day in force.
    #[must_use]
    pub fn from(mut self, date: Date) -> ExportRule {
        self.from = Some(date);
        self
    }

    /// Sets the first day no longer in force.
    #[must_use]
    pub fn until(mut self, date: Date) -> ExportRule {
        self.until = Some(date);
        self
    }

    /// Sets the levy.
    #[must_use]
    pub fn with_levy(mut self, levy: Fraction) -> ExportRule {
        self.levy = Some(levy);
        self
    }

    /// Sets the quota (`with_quota(50_000)`).
    #[must_use]
    pub fn with_quota(mut self, devices: impl Into<Count>) -> ExportRule {
        self.quota = Some(devices.into());
        self
    }

    /// A rule on every accelerator of the named vendors, always in force.
    #[must_use]
    pub fn for_vendors(vendors: &[&str], destination: Country, status: RuleStatus) -> ExportRule {
        let mut r = ExportRule::new(&[], destination, status);
        r.vendors = vendors.iter().map(|s| (*s).to_string()).collect();
        r
    }

    /// Sets who made the rule.
    #[must_use]
    pub fn issued_by(mut self, issuer: Country) -> ExportRule {
        self.issuer = Some(issuer);
        self
    }

    /// Sets the share of the levy the buyer bears.
    #[must_use]
    pub fn with_pass_through(mut self, share: Fraction) -> ExportRule {
        self.levy_pass_through = Some(share);
        self
    }

    /// Sets whether the rule also stops the use of owned devices,
    /// overriding the policy's `rules_bind_owned`.
    #[must_use]
    pub fn applies_to_owned(mut self, applies: bool) -> ExportRule {
        self.applies_to_owned = Some(applies);
        self
    }

    /// Adds a source (a URL).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> ExportRule {
        self.sources.push(source.into());
        self
    }

    /// Sets the free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> ExportRule {
        self.note = Some(note.into());
        self
    }

    /// `true` when the rule is in force on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }

    /// `true` when the rule's date range shares a day with `other`'s.
    #[must_use]
    pub fn overlaps(&self, other: &ExportRule) -> bool {
        ranges_overlap((self.from, self.until), (other.from, other.until))
    }

    /// The rule's effect with defaults filled in (levy 0, pass-through 1).
    /// A quota that is not a valid count is ignored here; validation
    /// reports it.
    #[must_use]
    pub fn effect(&self) -> RuleEffect {
        match self.status {
            RuleStatus::Allowed => RuleEffect::Allowed,
            RuleStatus::Prohibited => RuleEffect::Prohibited,
            RuleStatus::Licensed => RuleEffect::Licensed {
                levy: self.levy.unwrap_or(Fraction::ZERO),
                levy_pass_through: self.levy_pass_through.unwrap_or(Fraction::ONE),
                quota: self.quota.and_then(Count::get),
            },
        }
    }
}

/// `true` when two `[from, until)` ranges (open ends as `None`) share a day.
pub(crate) fn ranges_overlap(
    a: (Option<Date>, Option<Date>),
    b: (Option<Date>, Option<Date>),
) -> bool {
    let starts_before_end = |from: Option<Date>, until: Option<Date>| match (from, until) {
        (Some(f), Some(u)) => f < u,
        _ => true,
    };
    starts_before_end(a.0, b.1) && starts_before_end(b.0, a.1)
}

/// A minimum share of a phase kind's device-hours on domestic accelerators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DomesticShare {
    /// Which phases it applies to.
    pub phase_kind: PhaseKind,
    /// Minimum share of device-hours, in `[0, 1]`.
    pub min: Fraction,
    /// First day in force (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// First day no longer in force (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Where the rule comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DomesticShare {
    /// A minimum share for a phase kind, always in force.
    #[must_use]
    pub fn new(phase_kind: PhaseKind, min: Fraction) -> DomesticShare {
        DomesticShare {
            phase_kind,
            min,
            from: None,
            until: None,
            sources: Vec::new(),
            note: None,
        }
    }

    /// `true` when in force on `date`.
    #[must_use]
    pub fn in_force(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }

    /// Sets the first day in force.
    #[must_use]
    pub fn from(mut self, date: Date) -> DomesticShare {
        self.from = Some(date);
        self
    }

    /// Sets the first day no longer in force.
    #[must_use]
    pub fn until(mut self, date: Date) -> DomesticShare {
        self.until = Some(date);
        self
    }

    /// Adds a source (a URL).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> DomesticShare {
        self.sources.push(source.into());
        self
    }

    /// Sets the free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> DomesticShare {
        self.note = Some(note.into());
        self
    }
}

string_enum! {
    /// Whether something must be justified.
    pub enum Requirement {
        /// A justification is required.
        Required = "required",
        /// No justification is required.
        NotRequired = "not_required",
    }
}

/// Which foreign acquisitions must be justified against the domestic-only
/// alternative.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Justification {
    /// Purchases of foreign accelerators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_purchases: Option<Requirement>,
    /// Rentals of foreign accelerators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_rentals: Option<Requirement>,
    /// First day in force (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Where the rule comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Justification {
    /// Foreign purchases must be justified.
    #[must_use]
    pub fn foreign_purchases() -> Justification {
        Justification {
            foreign_purchases: Some(Requirement::Required),
            ..Justification::default()
        }
    }

    /// Foreign rentals must be justified.
    #[must_use]
    pub fn foreign_rentals() -> Justification {
        Justification {
            foreign_rentals: Some(Requirement::Required),
            ..Justification::default()
        }
    }

    /// Foreign rentals must be justified as well.
    #[must_use]
    pub fn and_rentals(mut self) -> Justification {
        self.foreign_rentals = Some(Requirement::Required);
        self
    }

    /// Sets the first day in force.
    #[must_use]
    pub fn from(mut self, date: Date) -> Justification {
        self.from = Some(date);
        self
    }

    /// Adds a source (a URL).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Justification {
        self.sources.push(source.into());
        self
    }

    /// Sets the free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Justification {
        self.note = Some(note.into());
        self
    }
}

/// Every policy of a scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Policy {
    /// Export rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ExportRule>,
    /// Domestic-share minimums.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domestic_share: Vec<DomesticShare>,
    /// Justification requirements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Whether export rules also stop use of owned devices (default
    /// `false`: they bind purchases and rentals only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rules_bind_owned: bool,
}

impl Policy {
    /// No rules yet.
    #[must_use]
    pub fn new() -> Policy {
        Policy::default()
    }

    /// Adds an export rule.
    #[must_use]
    pub fn with_rule(mut self, rule: ExportRule) -> Policy {
        self.rules.push(rule);
        self
    }

    /// Adds a domestic-share minimum.
    #[must_use]
    pub fn with_domestic_share(mut self, share: DomesticShare) -> Policy {
        self.domestic_share.push(share);
        self
    }

    /// Sets the justification requirements.
    #[must_use]
    pub fn with_justification(mut self, j: Justification) -> Policy {
        self.justification = Some(j);
        self
    }

    /// Makes export rules also stop the use of owned devices.
    #[must_use]
    pub fn rules_bind_owned(mut self) -> Policy {
        self.rules_bind_owned = true;
        self
    }

    /// `true` when no policy is stated.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
            && self.domestic_share.is_empty()
            && self.justification.is_none()
            && !self.rules_bind_owned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap_or(Date::MIN)
    }

    #[test]
    fn date_ranges_are_half_open() {
        let r = ExportRule::new(&["H800"], Country::CN, RuleStatus::Prohibited)
            .from(d("2023-10-17"))
            .until(d("2025-01-01"));
        assert!(!r.in_force(d("2023-10-16")));
        assert!(r.in_force(d("2023-10-17")));
        assert!(r.in_force(d("2024-12-31")));
        assert!(!r.in_force(d("2025-01-01")));
        let next =
            ExportRule::new(&["H800"], Country::CN, RuleStatus::Allowed).from(d("2025-01-01"));
        assert!(!r.overlaps(&next));
        let open = ExportRule::new(&["H800"], Country::CN, RuleStatus::Allowed);
        assert!(open.overlaps(&r) && r.overlaps(&open));
        let before =
            ExportRule::new(&["H800"], Country::CN, RuleStatus::Allowed).until(d("2023-10-17"));
        assert!(!before.overlaps(&r));
        assert!(before.overlaps(&open));
    }

    #[test]
    fn effect_fills_defaults() {
        let r = ExportRule::new(&["H20"], Country::CN, RuleStatus::Licensed)
            .with_levy(Fraction::from_raw(0.15));
        match r.effect() {
            RuleEffect::Licensed {
                levy,
                levy_pass_through,
                quota,
            } => {
                assert!((levy.get() - 0.15).abs() < 1e-12);
                assert!((levy_pass_through.get() - 1.0).abs() < 1e-12);
                assert_eq!(quota, None);
            }
            other => panic!("{other:?}"),
        }
        assert!((r.effect().buyer_levy().get() - 0.15).abs() < 1e-12);
        assert!(
            !ExportRule::new(&[], Country::CN, RuleStatus::Prohibited)
                .effect()
                .permits()
        );
    }
}
