//! Validation issues, their stable codes, and the report that collects them.

use crate::catalog::string_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum! {
    /// The stable code of a validation issue. Scripts may match on
    /// [`IssueCode::as_str`]; the table in the [`crate::scenario`] docs lists
    /// them all.
    #[non_exhaustive]
    pub enum IssueCode {
        /// A name (enum variant) that is not one of the allowed ones.
        ValueUnknown = "E-VALUE-UNKNOWN",
        /// A date that is not `YYYY-MM-DD` or not a calendar day.
        DateInvalid = "E-DATE-INVALID",
        /// A country code that is not two upper-case letters.
        CountryInvalid = "E-COUNTRY-INVALID",
        /// A number is NaN.
        NumberNaN = "E-NUMBER-NAN",
        /// A number is infinite.
        NumberInfinite = "E-NUMBER-INFINITE",
        /// A number is negative where that has no meaning.
        NumberNegative = "E-NUMBER-NEGATIVE",
        /// A number is zero where it must be positive.
        NumberZero = "E-NUMBER-ZERO",
        /// A number is outside its allowed range (fractions, MFU, PUE).
        NumberRange = "E-NUMBER-RANGE",
        /// A count has a fractional part.
        CountNotInteger = "E-COUNT-NOT-INTEGER",
        /// A count is above 10^15.
        CountTooLarge = "E-COUNT-TOO-LARGE",
        /// A required name is empty.
        NameEmpty = "E-NAME-EMPTY",
        /// Two pools, phases or accelerators share a name.
        NameDuplicate = "E-NAME-DUPLICATE",
        /// An accelerator name is neither in the catalogue nor added.
        AcceleratorUnknown = "E-ACCEL-UNKNOWN",
        /// A new accelerator lacks its vendor or origin.
        AcceleratorIncomplete = "E-ACCEL-INCOMPLETE",
        /// Two `[[accelerators]]` entries change the same accelerator.
        AcceleratorDuplicate = "E-ACCEL-DUPLICATE",
        /// A vendor no accelerator in the catalogue has.
        VendorUnknown = "E-VENDOR-UNKNOWN",
        /// A reference to a phase that does not exist.
        PhaseUnknown = "E-PHASE-UNKNOWN",
        /// A `min_makespan` objective naming an inference phase.
        MakespanInference = "E-MAKESPAN-INFERENCE",
        /// Disaggregated serving of a phase whose KV-cache size is unknown.
        KvUnknown = "E-KV-UNKNOWN",
        /// The scenario has no pools.
        FleetEmpty = "E-FLEET-EMPTY",
        /// The scenario has no phases.
        WorkloadEmpty = "E-WORKLOAD-EMPTY",
        /// An owned pool without `count`.
        PoolCountMissing = "E-POOL-COUNT-MISSING",
        /// `count` on a rentable or purchasable pool.
        PoolCountNotOwned = "E-POOL-COUNT-NOT-OWNED",
        /// A change that does not fit how the pool is held (a rental price
        /// on a purchasable pool, a limit on an owned one).
        OwnershipMismatch = "E-POOL-OWNERSHIP-MISMATCH",
        /// An owned pool that is not sunk but lacks price or depreciation.
        PoolCapexIncomplete = "E-POOL-CAPEX-INCOMPLETE",
        /// A software stack that does not run on the pool's accelerator.
        PoolSoftwareMismatch = "E-POOL-SOFTWARE-MISMATCH",
        /// Purchases would arrive after the horizon.
        PoolLeadTimeBeyondHorizon = "E-POOL-LEAD-TIME-BEYOND-HORIZON",
        /// A training phase with neither `tokens` nor `flops`.
        PhaseDemandMissing = "E-PHASE-DEMAND-MISSING",
        /// A training phase with both `tokens` and `flops`.
        PhaseDemandAmbiguous = "E-PHASE-DEMAND-AMBIGUOUS",
        /// An inference phase without `tokens_per_day` (or with zero tokens).
        PhaseTokensMissing = "E-PHASE-TOKENS-MISSING",
        /// A field that belongs to another phase kind.
        FieldNotApplicable = "E-FIELD-NOT-APPLICABLE",
        /// A deadline or end of service after the horizon.
        DeadlineBeyondHorizon = "E-DEADLINE-BEYOND-HORIZON",
        /// A start day at or after the horizon.
        StartBeyondHorizon = "E-START-BEYOND-HORIZON",
        /// A window that ends before (or when) it starts.
        WindowReversed = "E-WINDOW-REVERSED",
        /// `min_devices` above `max_devices`.
        DevicesMinAboveMax = "E-DEVICES-MIN-ABOVE-MAX",
        /// More active than total parameters.
        ModelActiveAboveTotal = "E-MODEL-ACTIVE-ABOVE-TOTAL",
        /// Two measured throughputs for one accelerator in one phase.
        MeasuredDuplicate = "E-MEASURED-DUPLICATE",
        /// A measured throughput with neither prefill nor decode rate.
        MeasuredEmpty = "E-MEASURED-EMPTY",
        /// A measured table with a non-finite or negative value, a
        /// concurrency that does not increase, or given beside the single
        /// figure it replaces.
        MeasuredPoints = "E-MEASURED-POINTS",
        /// A scaling measurement with fewer than three points.
        ScalingTooFew = "E-SCALING-TOO-FEW",
        /// Two scaling points at the same device count.
        ScalingDuplicateDevices = "E-SCALING-DUPLICATE-DEVICES",
        /// A scaling point with neither or both of `mfu` and `tokens_per_s`,
        /// or points mixing the two.
        ScalingValue = "E-SCALING-VALUE",
        /// Two scaling measurements for one accelerator in one phase.
        ScalingDuplicate = "E-SCALING-DUPLICATE",
        /// Scaling points whose device counts cannot determine a slope.
        ScalingDegenerate = "E-SCALING-DEGENERATE",
        /// No pool can run a phase (policy, precision, or no figures).
        PhaseNoEligiblePool = "E-PHASE-NO-ELIGIBLE-POOL",
        /// An export rule naming neither accelerators nor vendors.
        RuleEmpty = "E-RULE-EMPTY",
        /// A date range whose end is not after its start.
        DatesReversed = "E-DATES-REVERSED",
        /// Two export rules with different effects overlap.
        RuleConflict = "E-RULE-CONFLICT",
        /// Levy, pass-through or quota on a rule that is not `licensed`.
        RuleTermsNotLicensed = "E-RULE-TERMS-NOT-LICENSED",
        /// Two domestic-share rules for one phase kind overlap.
        ShareDuplicate = "E-SHARE-DUPLICATE",
        /// Dated entries (demand steps, deliveries) not in increasing date
        /// order.
        DatesUnsorted = "E-DATES-UNSORTED",
        /// A dated entry at or after the end of the horizon.
        DateBeyondHorizon = "E-DATE-BEYOND-HORIZON",
        /// A per-period figure (deliveries, a per-period quota) without
        /// `period_days`.
        PeriodsRequired = "E-PERIODS-REQUIRED",
        /// `period_days` longer than the horizon.
        PeriodBeyondHorizon = "E-PERIOD-BEYOND-HORIZON",
        /// A `scope = "use"` rule that does not prohibit.
        RuleUseNotProhibited = "E-RULE-USE-NOT-PROHIBITED",
        /// A risk section that cannot be planned: no effect, an unknown
        /// pool, phase or risk, probabilities that do not sum to 1, an
        /// objective other than least cost.
        RiskInvalid = "E-RISK-INVALID",
        /// More independent risks (or joint scenarios) than can be
        /// combined exhaustively.
        RiskTooMany = "E-RISK-TOO-MANY",
        /// A reference to a pool that does not exist.
        PoolUnknown = "E-POOL-UNKNOWN",
        /// A run failure that names no pool and no vendor.
        FailureEmpty = "E-FAILURE-EMPTY",
    }
}

impl IssueCode {
    /// One line saying what the code means.
    #[must_use]
    pub fn meaning(self) -> &'static str {
        match self {
            IssueCode::ValueUnknown => "a name that is not one of the allowed values",
            IssueCode::DateInvalid => "a date that is not YYYY-MM-DD or not a calendar day",
            IssueCode::CountryInvalid => "a country code that is not two upper-case letters",
            IssueCode::NumberNaN => "a number is NaN",
            IssueCode::NumberInfinite => "a number is infinite",
            IssueCode::NumberNegative => "a number is negative where that has no meaning",
            IssueCode::NumberZero => "a number is zero where it must be positive",
            IssueCode::NumberRange => "a number is outside its allowed range",
            IssueCode::CountNotInteger => "a count has a fractional part",
            IssueCode::CountTooLarge => "a count is above 10^15",
            IssueCode::NameEmpty => "a required name is empty",
            IssueCode::NameDuplicate => "two pools, phases or accelerators share a name",
            IssueCode::AcceleratorUnknown => "an accelerator that is neither built in nor added",
            IssueCode::AcceleratorIncomplete => "a new accelerator lacks vendor or origin",
            IssueCode::AcceleratorDuplicate => {
                "two [[accelerators]] entries change one accelerator"
            }
            IssueCode::VendorUnknown => "a vendor no accelerator has",
            IssueCode::PhaseUnknown => "a reference to a phase that does not exist",
            IssueCode::MakespanInference => "a makespan objective naming an inference phase",
            IssueCode::KvUnknown => "disaggregated serving without a KV-cache size",
            IssueCode::FleetEmpty => "the scenario has no pools",
            IssueCode::WorkloadEmpty => "the scenario has no phases",
            IssueCode::PoolCountMissing => "an owned pool without count",
            IssueCode::PoolCountNotOwned => "count on a rentable or purchasable pool",
            IssueCode::OwnershipMismatch => "a change that does not fit how the pool is held",
            IssueCode::PoolCapexIncomplete => {
                "an amortised owned pool without price or depreciation"
            }
            IssueCode::PoolSoftwareMismatch => {
                "a software stack that does not run on the accelerator"
            }
            IssueCode::PoolLeadTimeBeyondHorizon => "purchases would arrive after the horizon",
            IssueCode::PhaseDemandMissing => "a training phase with neither tokens nor flops",
            IssueCode::PhaseDemandAmbiguous => "a training phase with both tokens and flops",
            IssueCode::PhaseTokensMissing => "an inference phase without token demand",
            IssueCode::FieldNotApplicable => "a field that belongs to another phase kind",
            IssueCode::DeadlineBeyondHorizon => "a deadline or end of service after the horizon",
            IssueCode::StartBeyondHorizon => "a start day at or after the horizon",
            IssueCode::WindowReversed => "a window that ends before it starts",
            IssueCode::DevicesMinAboveMax => "min_devices above max_devices",
            IssueCode::ModelActiveAboveTotal => "more active than total parameters",
            IssueCode::MeasuredDuplicate => "two measured throughputs for one accelerator",
            IssueCode::MeasuredEmpty => "a measured entry with no rate",
            IssueCode::MeasuredPoints => {
                "a measured throughput table that is not increasing, finite and non-negative"
            }
            IssueCode::ScalingTooFew => "a scaling measurement with fewer than three points",
            IssueCode::ScalingDuplicateDevices => "two scaling points at one device count",
            IssueCode::ScalingValue => {
                "a scaling point without exactly one of mfu and tokens_per_s"
            }
            IssueCode::ScalingDuplicate => "two scaling measurements for one accelerator",
            IssueCode::ScalingDegenerate => "scaling points too close together to fit a slope",
            IssueCode::PhaseNoEligiblePool => "no pool can run the phase",
            IssueCode::RuleEmpty => "an export rule naming no accelerator or vendor",
            IssueCode::DatesReversed => "a date range whose end is not after its start",
            IssueCode::RuleConflict => "two overlapping export rules with different effects",
            IssueCode::RuleTermsNotLicensed => "levy or quota on a rule that is not licensed",
            IssueCode::ShareDuplicate => "two overlapping domestic-share rules for one phase kind",
            IssueCode::DatesUnsorted => "dated steps or deliveries not in increasing date order",
            IssueCode::DateBeyondHorizon => "a dated entry at or after the end of the horizon",
            IssueCode::PeriodsRequired => "a per-period figure without period_days",
            IssueCode::PeriodBeyondHorizon => "period_days longer than the horizon",
            IssueCode::RuleUseNotProhibited => "a rule on use that does not prohibit",
            IssueCode::RiskInvalid => "a risk section that cannot be planned",
            IssueCode::RiskTooMany => "more risks or joint scenarios than can be combined",
            IssueCode::PoolUnknown => "a reference to a pool that does not exist",
            IssueCode::FailureEmpty => "a run failure that names no pool and no vendor",
        }
    }
}

impl PartialEq<str> for IssueCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IssueCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<IssueCode> for &str {
    fn eq(&self, other: &IssueCode) -> bool {
        *self == other.as_str()
    }
}

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Stable code, e.g. [`IssueCode::AcceleratorUnknown`]; written in JSON
    /// and text as its string (`"E-ACCEL-UNKNOWN"`, [`IssueCode::as_str`]).
    /// Compares equal to that string (`issue.code == "E-ACCEL-UNKNOWN"`).
    pub code: IssueCode,
    /// Path of the offending field, e.g. `pools[3].count`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Issue {
    /// An issue with a typed code.
    #[must_use]
    pub fn new(
        code: IssueCode,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Issue {
        Issue {
            code,
            path: path.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// `true` when the issue has this code.
    #[must_use]
    pub fn is(&self, code: IssueCode) -> bool {
        self.code == code
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {} (fix: {})",
            self.code, self.path, self.message, self.fix
        )
    }
}

/// Every problem validation found, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The problems, in the order the scenario's fields appear.
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    /// `true` when no problem was found.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.issues.is_empty()
    }

    /// `true` when some issue has this code and path.
    #[must_use]
    pub fn has(&self, code: IssueCode, path: &str) -> bool {
        self.issues.iter().any(|i| i.is(code) && i.path == path)
    }

    /// The issues with this code.
    pub fn with_code(&self, code: IssueCode) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.is(code))
    }

    /// The report as `fleetplan validate` prints it for the file shown as
    /// `shown`: one `code  path  message  (fix: ...)` line per issue, then
    /// `shown: N problem(s)`.
    #[must_use]
    pub fn to_text(&self, shown: &str) -> String {
        let mut lines: Vec<String> = self
            .issues
            .iter()
            .map(|i| format!("{}  {}  {}  (fix: {})", i.code, i.path, i.message, i.fix))
            .collect();
        lines.push(format!("{shown}: {} problem(s)", self.issues.len()));
        lines.join("\n")
    }

    /// The report as `fleetplan validate --format json` prints it:
    /// `{ "valid": bool, "issues": [{ code, path, message, fix }] }` (the
    /// keys are a contract).
    ///
    /// # Errors
    /// Never in practice; a serde failure is
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal).
    pub fn to_json(&self) -> crate::Result<String> {
        #[derive(Serialize)]
        struct Out<'a> {
            valid: bool,
            issues: &'a [Issue],
        }
        serde_json::to_string_pretty(&Out {
            valid: self.is_ok(),
            issues: &self.issues,
        })
        .map_err(|e| crate::Error::internal(format!("validation report to JSON: {e}")))
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) found:", self.issues.len())?;
        for i in &self.issues {
            writeln!(f, "  {i}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}

impl From<ValidationReport> for crate::Error {
    fn from(report: ValidationReport) -> Self {
        crate::Error::invalid(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table in the `scenario` module docs lists every code, once.
    #[test]
    fn module_docs_list_every_code() {
        let docs = include_str!("mod.rs");
        for code in IssueCode::NAMES {
            let row = format!("//! | `{code}` |");
            assert_eq!(
                docs.matches(&row).count(),
                1,
                "{code} is not in the table once"
            );
        }
        let rows = docs.lines().filter(|l| l.starts_with("//! | `E-")).count();
        assert_eq!(rows, IssueCode::NAMES.len());
    }

    #[test]
    fn codes_are_stable_strings() {
        assert_eq!(IssueCode::AcceleratorUnknown.as_str(), "E-ACCEL-UNKNOWN");
        assert_eq!(
            IssueCode::from_name("E-RULE-CONFLICT"),
            Some(IssueCode::RuleConflict)
        );
        let i = Issue::new(IssueCode::FleetEmpty, "pools", "no pools", "add one");
        assert!(i.is(IssueCode::FleetEmpty));
        assert_eq!(
            i.to_string(),
            "[E-FLEET-EMPTY] pools: no pools (fix: add one)"
        );
        assert_eq!(i.code, "E-FLEET-EMPTY");
        // JSON carries the code as its string, both ways.
        let json = serde_json::to_string(&i).unwrap();
        assert!(
            json.starts_with(r#"{"code":"E-FLEET-EMPTY","path":"pools""#),
            "{json}"
        );
        let back: Issue = serde_json::from_str(&json).unwrap();
        assert_eq!(back, i);
        for c in IssueCode::ALL {
            assert!(!c.meaning().is_empty());
        }
    }
}
