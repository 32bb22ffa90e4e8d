//! Changes to a validated scenario that keep it valid, made in place: what
//! a planning session ([`crate::plan::Planner`]) changes between solves.
//!
//! Each change updates the scenario as written *and* the facts validation
//! derived from it, exactly as [`Scenario::validate`] would derive them
//! (`tests/planner.rs` compares both after every kind of change). A change
//! that would make the scenario invalid is refused with the validation
//! issue it would raise ([`crate::ErrorKind::Invalid`]), and nothing is
//! changed. Changes whose consequences reach further (deadlines, demand)
//! go through [`ValidatedScenario::edited`], which validates the edited
//! scenario afresh.

use super::{
    IssueCode, PoolId, RuleId, Scenario, ValidatedScenario, ValidationReport, horizon_effect,
    pool_effect,
};
use crate::error::{Error, Result};
use crate::fleet::{Count, Ownership};
use crate::policy::{RuleStatus, ranges_overlap};
use crate::scenario::Issue;
use crate::units::{Fraction, Quantity, Usd, UsdPerHour};

/// One issue as an error.
fn refuse(
    code: IssueCode,
    path: String,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> Error {
    Error::invalid(ValidationReport {
        issues: vec![Issue::new(code, path, message, fix)],
    })
}

/// A quantity given in code, checked as validation would (finite,
/// non-negative).
fn checked<Q: Quantity>(path: &str, q: Q) -> Result<Q> {
    q.check().map_err(|e| Error::unit(path, e))
}

/// Which budget of a scenario (`[budget]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BudgetKind {
    /// `budget.capex_usd`: purchases, levies included (cash).
    Capex,
    /// `budget.opex_usd`: rentals and energy.
    Opex,
    /// `budget.total_usd`: everything.
    Total,
}

impl BudgetKind {
    /// The field's name in `[budget]`.
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            BudgetKind::Capex => "capex_usd",
            BudgetKind::Opex => "opex_usd",
            BudgetKind::Total => "total_usd",
        }
    }
}

impl ValidatedScenario {
    fn check_pool(&self, k: PoolId) -> Result<usize> {
        let i = k.index();
        if i < self.pools.len() {
            Ok(i)
        } else {
            Err(refuse(
                IssueCode::ValueUnknown,
                format!("pools[{i}]"),
                format!("the scenario has {} pools", self.pools.len()),
                "use a PoolId of this scenario (ValidatedScenario::pool_by_name)",
            ))
        }
    }

    fn check_rule(&self, r: RuleId) -> Result<usize> {
        let i = r.index();
        if i < self.rules.len() {
            Ok(i)
        } else {
            Err(refuse(
                IssueCode::ValueUnknown,
                format!("policy.rules[{i}]"),
                format!("the scenario has {} export rules", self.rules.len()),
                "use a RuleId of this scenario (ValidatedScenario::rules)",
            ))
        }
    }

    /// Sets the devices of an owned pool (`pools[k].count`).
    pub(crate) fn set_owned_count(&mut self, k: PoolId, n: Count) -> Result<()> {
        let i = self.check_pool(k)?;
        let path = format!("pools[{i}].count");
        let n = n
            .check()
            .map_err(|e| count_refused(path.clone(), "the count", e))?;
        let pool = &mut self.scenario.pools[i];
        if !pool.ownership.is_owned() {
            return Err(refuse(
                IssueCode::PoolCountNotOwned,
                path,
                format!(
                    "pool '{}' is {}; only owned pools have a count",
                    pool.name,
                    pool.ownership.kind_name()
                ),
                "set its limit instead (Planner::set_pool_max)",
            ));
        }
        pool.count = Some(Count::new(n));
        self.pools[i].owned = Some(n);
        self.pools[i].max = Some(n);
        Ok(())
    }

    /// Sets the most devices a rentable or purchasable pool can provide
    /// (`pools[k].ownership.max`; `None`: unlimited).
    pub(crate) fn set_pool_max(&mut self, k: PoolId, max: Option<Count>) -> Result<()> {
        let i = self.check_pool(k)?;
        let path = format!("pools[{i}].ownership.max");
        let n = max
            .map(|m| {
                m.check()
                    .map_err(|e| count_refused(path.clone(), "the limit", e))
            })
            .transpose()?;
        let pool = &mut self.scenario.pools[i];
        match &mut pool.ownership {
            Ownership::Rentable { max: m, .. } | Ownership::Purchasable { max: m, .. } => {
                *m = n.map(Count::new);
            }
            Ownership::Owned { .. } => {
                return Err(refuse(
                    IssueCode::OwnershipMismatch,
                    path,
                    format!(
                        "pool '{}' is owned; its size is its count, not a limit",
                        pool.name
                    ),
                    "set its count instead (Planner::set_pool_count)",
                ));
            }
        }
        self.pools[i].max = n;
        Ok(())
    }

    /// Sets the unit price of a purchasable pool, or of an owned pool that
    /// amortises its devices (`pools[k].ownership.unit_price_usd`).
    pub(crate) fn set_unit_price(&mut self, k: PoolId, price: Usd) -> Result<()> {
        let i = self.check_pool(k)?;
        let path = format!("pools[{i}].ownership.unit_price_usd");
        let price = checked(&path, price)?;
        let pool = &mut self.scenario.pools[i];
        match &mut pool.ownership {
            Ownership::Purchasable { unit_price_usd, .. } => *unit_price_usd = price,
            Ownership::Owned {
                sunk: Some(false),
                unit_price_usd,
                ..
            } => *unit_price_usd = Some(price),
            other => {
                let what = match other {
                    Ownership::Rentable { .. } => {
                        "rentable: its price is per device-hour (Planner::set_rental)"
                    }
                    _ => "owned and sunk: its price is not counted",
                };
                return Err(refuse(
                    IssueCode::OwnershipMismatch,
                    path,
                    format!("pool '{}' is {what}", pool.name),
                    "set a unit price on a purchasable pool or an amortised owned one",
                ));
            }
        }
        Ok(())
    }

    /// Sets the rental price of a rentable pool
    /// (`pools[k].ownership.usd_per_hour`).
    pub(crate) fn set_rental(&mut self, k: PoolId, price: UsdPerHour) -> Result<()> {
        let i = self.check_pool(k)?;
        let path = format!("pools[{i}].ownership.usd_per_hour");
        let price = checked(&path, price)?;
        let pool = &mut self.scenario.pools[i];
        match &mut pool.ownership {
            Ownership::Rentable { usd_per_hour, .. } => *usd_per_hour = price,
            other => {
                return Err(refuse(
                    IssueCode::OwnershipMismatch,
                    path,
                    format!(
                        "pool '{}' is {}; only rentable pools have a price per device-hour",
                        pool.name,
                        other.kind_name()
                    ),
                    "set the unit price of a purchasable pool with Planner::set_price",
                ));
            }
        }
        Ok(())
    }

    /// Sets the levy of a licensing export rule (`policy.rules[r].levy`).
    pub(crate) fn set_levy(&mut self, r: RuleId, levy: Fraction) -> Result<()> {
        let i = self.check_rule(r)?;
        let path = format!("policy.rules[{i}].levy");
        let levy = checked(&path, levy)?;
        let spec = &self.scenario.policy.rules[i];
        if spec.status != RuleStatus::Licensed {
            return Err(refuse(
                IssueCode::RuleTermsNotLicensed,
                path,
                format!(
                    "policy.rules[{i}] is {}; only a licence has a levy",
                    spec.status
                ),
                "change the levy of a rule with status = \"licensed\"",
            ));
        }
        let old = (self.scenario.policy.rules[i].levy, self.rules[i].effect);
        self.scenario.policy.rules[i].levy = Some(levy);
        self.rules[i].effect = self.scenario.policy.rules[i].effect();
        if let Some(other) = self.conflict_with(i) {
            self.scenario.policy.rules[i].levy = old.0;
            self.rules[i].effect = old.1;
            return Err(refuse(
                IssueCode::RuleConflict,
                path,
                format!(
                    "with this levy, policy.rules[{i}] and policy.rules[{other}] (same issuer) \
                     give different terms for the same accelerators on common days"
                ),
                format!(
                    "change policy.rules[{other}]'s levy too, or give the rules different dates"
                ),
            ));
        }
        self.refresh_effects();
        Ok(())
    }

    /// Sets (`Some`) or removes (`None`) a budget (`budget.*_usd`).
    pub(crate) fn set_budget(&mut self, kind: BudgetKind, cap: Option<Usd>) -> Result<()> {
        let path = format!("budget.{}", kind.field());
        let cap = cap.map(|c| checked(&path, c)).transpose()?;
        let b = &mut self.scenario.budget;
        match kind {
            BudgetKind::Capex => b.capex_usd = cap,
            BudgetKind::Opex => b.opex_usd = cap,
            BudgetKind::Total => b.total_usd = cap,
        }
        Ok(())
    }

    /// The scenario with `edit` applied, validated afresh (every derived
    /// fact recomputed); the validation report when it is no longer valid.
    pub(crate) fn edited(&self, edit: impl FnOnce(&mut Scenario)) -> Result<ValidatedScenario> {
        let mut s = self.scenario.clone();
        edit(&mut s);
        s.validate().map_err(Error::invalid)
    }

    /// Another rule that rule `i` contradicts (validation's
    /// `E-RULE-CONFLICT`), if any.
    fn conflict_with(&self, i: usize) -> Option<usize> {
        let a = &self.rules[i];
        self.rules.iter().enumerate().find_map(|(j, b)| {
            let clash = j != i
                && a.destination == b.destination
                && a.issuer == b.issuer
                && a.scope == b.scope
                && ranges_overlap((a.from, a.until), (b.from, b.until))
                && (a.effect != b.effect || a.applies_to_owned != b.applies_to_owned)
                && b.accelerators.iter().any(|x| a.covers(*x));
            clash.then_some(j)
        })
    }

    /// Every pool's policy effects, after a rule's terms changed (what
    /// validation derives from the rules).
    fn refresh_effects(&mut self) {
        let s = &self.scenario;
        for (i, pd) in self.pools.iter_mut().enumerate() {
            let owned = s.pools[i].ownership.is_owned();
            pd.start_effect = pool_effect(&self.rules, pd.accelerator, pd.site, owned, s.start);
            pd.horizon_effect = horizon_effect(&self.rules, pd, &s.pools[i].ownership, s);
        }
        // Eligibility depends only on whether a pool is permitted at some
        // time of the horizon, which a change of terms leaves as it was.
    }
}

/// A count the session cannot take, with the code and fix validation gives
/// it.
fn count_refused(path: String, what: &str, e: crate::fleet::CountError) -> crate::Error {
    let (code, fix) = super::count_issue(e);
    refuse(code, path, format!("{what} {e}"), fix)
}
