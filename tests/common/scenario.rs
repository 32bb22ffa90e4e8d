//! Shared fixtures for the scenario tests (re-exported by `common`).

use fleetplan::ErrorKind;
use fleetplan::scenario::{IssueCode, Scenario, ValidationReport};

/// A small valid scenario touching every section: pools[0] owned H800,
/// pools[1] rentable H100 abroad, pools[2] purchasable Ascend 910C;
/// phases[0] FP8 pre-training with a BF16 fallback, phases[1] inference;
/// policy.rules[0] prohibits H100/H800 to CN, rules[1] licenses H20;
/// domestic_share[0] for inference.
pub const BASE: &str = r#"
name = "base"
start = "2025-08-15"
horizon_days = 180
jurisdiction = "CN"
objective = { kind = "min_makespan", phases = ["pretrain"] }

[[pools]]
name = "h800"
accelerator = "H800"
count = 2048
ownership = { kind = "owned", sunk = true }

[[pools]]
name = "h100-rented"
accelerator = "H100"
site = "SG"
ownership = { kind = "rentable", usd_per_hour = 2.35, max = 4096 }

[[pools]]
name = "ascend"
accelerator = "Ascend 910C"
ownership = { kind = "purchasable", unit_price_usd = 28600, max = 70000, lead_time_days = 90 }

[[phases]]
name = "pretrain"
kind = "pretraining"
model = { total_params = 671e9, active_params = 37e9 }
precision = "fp8"
fallback_precision = "bf16"
tokens = 14.8e12
deadline_days = 120

[[phases]]
name = "serve"
kind = "inference"
model = { total_params = 671e9, active_params = 37e9 }
precision = "fp8"
tokens_per_day = { input = 608e9, output = 168e9, cache_hit = 0.563 }
from_day = 120

[[policy.rules]]
accelerators = ["H100", "H800"]
destination = "CN"
from = "2023-10-17"
status = "prohibited"

[[policy.rules]]
accelerators = ["H20"]
destination = "CN"
from = "2025-08-11"
status = "licensed"
levy = 0.15

[[policy.domestic_share]]
phase_kind = "inference"
min = 0.5

[budget]
capex_usd = 1.6e9
energy = { usd_per_kwh = 0.11, pue = 1.3 }
"#;

/// Two made-up accelerators with round figures for hand-solved plans:
/// "Acme X" (US) and "Acme D" (CN), 1 PFLOP/s BF16, 1 TB HBM, 1 kW, nodes
/// of one device.
pub const ACME: &str = r#"[[accelerators]]
name = "Acme X"
vendor = "Acme"
origin = "US"
peak_bf16 = { value = 1e15, confidence = "primary" }
hbm_capacity = { value = 1e12, confidence = "primary" }
tdp = { value = 1000, confidence = "primary" }
node_size = { value = 1, confidence = "primary" }

[[accelerators]]
name = "Acme D"
vendor = "Acme"
origin = "CN"
peak_bf16 = { value = 1e15, confidence = "primary" }
hbm_capacity = { value = 1e12, confidence = "primary" }
tdp = { value = 1000, confidence = "primary" }
node_size = { value = 1, confidence = "primary" }
"#;

/// The base scenario, parsed.
pub fn base() -> Scenario {
    match Scenario::from_toml_str(BASE) {
        Ok(s) => s,
        Err(e) => panic!("base scenario: {e}"),
    }
}

/// The report for a scenario given as TOML: the parse's report for names,
/// dates and codes, else validation's. Panics if the text is valid or does
/// not parse.
pub fn report_of_toml(text: &str) -> ValidationReport {
    match Scenario::from_toml_str(text) {
        Ok(s) => report_of(&s),
        Err(e) if e.kind() == ErrorKind::Invalid => e.validation().cloned().unwrap_or_default(),
        Err(e) => panic!("expected a validation report, got: {e}"),
    }
}

/// The validation report of a scenario that must be invalid.
pub fn report_of(s: &Scenario) -> ValidationReport {
    match s.validate() {
        Ok(_) => panic!("expected validation to fail"),
        Err(r) => r,
    }
}

/// Asserts the report holds exactly one issue, with this code and path, and
/// that its message and fix are not empty.
#[track_caller]
pub fn assert_only(report: &ValidationReport, code: IssueCode, path: &str) {
    assert_eq!(
        report.issues.len(),
        1,
        "expected only [{code}] {path}, got:\n{report}"
    );
    assert_has(report, code, path);
}

/// Asserts the report has an issue with this code and path.
#[track_caller]
pub fn assert_has(report: &ValidationReport, code: IssueCode, path: &str) {
    let hit = report.issues.iter().find(|i| i.is(code) && i.path == path);
    match hit {
        Some(i) => {
            assert!(!i.message.is_empty() && !i.fix.is_empty(), "{i}");
        }
        None => panic!("expected [{code}] {path}, got:\n{report}"),
    }
}

/// A quantity holding any number, made the way a file makes it (serde),
/// since constructors reject bad values.
pub fn raw<Q: serde::de::DeserializeOwned>(v: f64) -> Q {
    use serde::de::IntoDeserializer;
    let d: serde::de::value::F64Deserializer<serde::de::value::Error> = v.into_deserializer();
    match Q::deserialize(d) {
        Ok(q) => q,
        Err(e) => panic!("quantities deserialise from any f64: {e}"),
    }
}
