//! Checks of typed string fields (names, dates, country codes) on the
//! untyped parse of a file, so that every bad one is reported with its path
//! at once instead of the typed parse stopping at the first.
//!
//! The table below must list every field whose type rejects some strings;
//! a test mutates every string of a complete scenario to make sure it does.

use super::{Issue, IssueCode, ObjectiveKind};
use crate::catalog::{Confidence, Country, Precision, ProductStatus, suggest};
use crate::fleet::{Ownership, SoftwareStack};
use crate::perf::fit::CurveForm;
use crate::policy::{Requirement, RuleStatus};
use crate::units::Date;
use crate::workload::PhaseKind;
use serde_json::Value;

#[derive(Clone, Copy)]
enum Check {
    Names(&'static [&'static str]),
    Date,
    Country,
    Peak,
    Objective,
}

const PEAK: &[&str] = &["unsupported"];

/// Patterns: `.`-separated keys; `key[]` is every element of an array;
/// `*` is every key of a table.
const FIELDS: &[(&str, Check)] = &[
    ("start", Check::Date),
    ("jurisdiction", Check::Country),
    ("objective", Check::Objective),
    ("accelerators[].origin", Check::Country),
    ("accelerators[].status", Check::Names(ProductStatus::NAMES)),
    (
        "accelerators[].*.confidence",
        Check::Names(Confidence::NAMES),
    ),
    ("accelerators[].peak_bf16.value", Check::Peak),
    ("accelerators[].peak_fp16.value", Check::Peak),
    ("accelerators[].peak_fp8.value", Check::Peak),
    ("accelerators[].peak_int8.value", Check::Peak),
    ("accelerators[].peak_fp4.value", Check::Peak),
    ("accelerators[].available_from.value", Check::Date),
    (
        "pools[].ownership.kind",
        Check::Names(Ownership::KIND_NAMES),
    ),
    ("pools[].site", Check::Country),
    ("pools[].software", Check::Names(SoftwareStack::NAMES)),
    ("phases[].kind", Check::Names(PhaseKind::NAMES)),
    ("phases[].precision", Check::Names(Precision::NAMES)),
    (
        "phases[].fallback_precision",
        Check::Names(Precision::NAMES),
    ),
    ("phases[].scaling[].form", Check::Names(CurveForm::NAMES)),
    ("policy.rules[].destination", Check::Country),
    ("policy.rules[].issuer", Check::Country),
    ("policy.rules[].from", Check::Date),
    ("policy.rules[].until", Check::Date),
    ("policy.rules[].status", Check::Names(RuleStatus::NAMES)),
    (
        "policy.domestic_share[].phase_kind",
        Check::Names(PhaseKind::NAMES),
    ),
    ("policy.domestic_share[].from", Check::Date),
    ("policy.domestic_share[].until", Check::Date),
    (
        "policy.justification.foreign_purchases",
        Check::Names(Requirement::NAMES),
    ),
    (
        "policy.justification.foreign_rentals",
        Check::Names(Requirement::NAMES),
    ),
    ("policy.justification.from", Check::Date),
];

/// Every typed string field of `root` that its type would reject.
pub(crate) fn check(root: &Value) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (pattern, kind) in FIELDS {
        let mut found = Vec::new();
        let parts: Vec<&str> = pattern.split('.').collect();
        walk(root, &parts, String::new(), &mut found);
        for (path, value) in found {
            if let Some(issue) = check_one(&path, value, *kind) {
                issues.push(issue);
            }
        }
    }
    issues
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk<'v>(value: &'v Value, parts: &[&str], path: String, out: &mut Vec<(String, &'v Value)>) {
    let Some((first, rest)) = parts.split_first() else {
        out.push((path, value));
        return;
    };
    let Value::Object(map) = value else {
        return;
    };
    if *first == "*" {
        for (k, v) in map {
            walk(v, rest, join(&path, k), out);
        }
    } else if let Some(key) = first.strip_suffix("[]") {
        if let Some(Value::Array(items)) = map.get(key) {
            for (i, v) in items.iter().enumerate() {
                walk(v, rest, format!("{}[{i}]", join(&path, key)), out);
            }
        }
    } else if let Some(v) = map.get(*first) {
        walk(v, rest, join(&path, first), out);
    }
}

/// A string, or the text of a TOML native date (a one-entry table).
fn text_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(m) if m.len() == 1 => m.values().next().and_then(Value::as_str),
        _ => None,
    }
}

fn check_one(path: &str, value: &Value, kind: Check) -> Option<Issue> {
    match kind {
        Check::Names(names) => names_issue(path, value.as_str()?, names),
        Check::Peak => names_issue(path, value.as_str()?, PEAK),
        Check::Objective => match value {
            Value::String(s) => names_issue(path, s, ObjectiveKind::NAMES),
            Value::Object(m) => names_issue(
                &format!("{path}.kind"),
                m.get("kind")?.as_str()?,
                ObjectiveKind::NAMES,
            ),
            _ => None,
        },
        Check::Date => {
            let text = text_of(value)?;
            let err = text.parse::<Date>().err()?;
            Some(Issue::new(
                IssueCode::DateInvalid,
                path,
                err.to_string(),
                "write the date as \"YYYY-MM-DD\" (e.g. \"2025-08-15\") naming a real calendar day",
            ))
        }
        Check::Country => {
            let text = value.as_str()?;
            let err = Country::new(text).err()?;
            Some(Issue::new(
                IssueCode::CountryInvalid,
                path,
                err.to_string(),
                "use an ISO 3166-1 alpha-2 code in upper case, e.g. \"CN\", \"US\"",
            ))
        }
    }
}

fn names_issue(path: &str, given: &str, names: &[&str]) -> Option<Issue> {
    if names.contains(&given) {
        return None;
    }
    let shown: String = given.chars().take(60).collect();
    Some(Issue::new(
        IssueCode::ValueUnknown,
        path,
        format!("unknown value '{shown}'"),
        format!(
            "use one of the allowed values; {}",
            suggest(given, names).replacen("known:", "allowed:", 1)
        ),
    ))
}
