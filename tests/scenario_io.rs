//! Loading, saving and round-tripping scenario files; the parse-time report
//! of names, dates and country codes.

mod common;

use common::{BASE, base};
use fleetplan::ErrorKind;
use fleetplan::scenario::{IssueCode, Scenario};
use serde_json::Value;

const HYBRID: &str = include_str!("../examples/scenarios/hybrid_fleet.toml");
const QUICK: &str = include_str!("../examples/scenarios/quickstart.toml");

#[test]
fn samples_parse_validate_and_round_trip() -> Result<(), fleetplan::Error> {
    for text in [HYBRID, QUICK, BASE] {
        let s = Scenario::from_toml_str(text)?;
        if let Err(r) = s.validate() {
            panic!("{r}");
        }
        let toml = s.to_toml_string()?;
        assert_eq!(
            Scenario::from_toml_str(&toml)?,
            s,
            "TOML round trip:\n{toml}"
        );
        let json = s.to_json_string()?;
        assert_eq!(
            Scenario::from_json_str(&json)?,
            s,
            "JSON round trip:\n{json}"
        );
    }
    Ok(())
}

#[test]
fn hybrid_sample_states_the_story() -> Result<(), fleetplan::Error> {
    let v = Scenario::from_toml_str(HYBRID)?.validate()?;
    let count = |name: &str| v.pool_by_name(name).and_then(|p| v.pool(p).owned_devices());
    assert_eq!(count("h800-owned"), Some(10_000));
    assert_eq!(count("h100-owned"), Some(10_000));
    assert_eq!(count("h20-owned"), Some(30_000));
    let ascend = v
        .pool_by_name("ascend-910c-buy")
        .map(|p| v.pool(p))
        .expect("declared");
    assert!(ascend.is_domestic() && !ascend.needs_justification());
    assert_eq!(ascend.granularity(), 8); // the catalogue's node size
    let h20 = v
        .pool_by_name("h20-buy")
        .map(|p| v.pool(p))
        .expect("declared");
    assert!(h20.needs_justification());
    let levy = h20.effect_at_start().0.buyer_levy().get();
    assert!((levy - 0.15).abs() < 1e-12);
    // On 2025-08-10 the H20 was still blocked; from 08-11 licensed.
    let day = |s: &str| s.parse().unwrap_or(v.start());
    assert!(!h20.effect_at(day("2025-08-10")).0.permits());
    assert!(h20.effect_at(day("2025-08-11")).0.permits());
    // Every phase can run somewhere; the FP8 pre-training runs on the 910C
    // only by falling back to BF16.
    let pre = v
        .phase_by_name("pretrain")
        .map(|p| v.phase(p))
        .expect("declared");
    match pre.eligibility(ascend.id()) {
        fleetplan::scenario::Eligibility::Eligible {
            precision,
            fallback,
            ..
        } => {
            assert_eq!(precision, fleetplan::catalog::Precision::Bf16);
            assert!(fallback);
        }
        other => panic!("{other:?}"),
    }
    for ph in v.phases() {
        assert!(!ph.eligible_pools().is_empty(), "{}", ph.name());
    }
    let serve = v
        .phase_by_name("serve")
        .map(|p| v.phase(p))
        .expect("declared");
    let acc = v.accelerator_id("Ascend 910C").expect("built in");
    assert!(serve.measured_for(acc).is_some());
    let share = v.domestic_share_min(fleetplan::workload::PhaseKind::Inference, v.start());
    assert_eq!(share.map(|f| f.get()), Some(0.5));
    Ok(())
}

#[test]
fn toml_native_dates_are_accepted() -> Result<(), fleetplan::Error> {
    let s = Scenario::from_toml_str(&BASE.replace("start = \"2025-08-15\"", "start = 2025-08-15"))?;
    assert_eq!(s, base());
    let e = Scenario::from_toml_str(&BASE.replace("start = \"2025-08-15\"", "start = 2025-02-30"));
    assert!(e.is_err(), "TOML rejects the date itself");
    let e = Scenario::from_toml_str(
        &BASE.replace("start = \"2025-08-15\"", "start = 2025-08-15T10:00:00"),
    )
    .expect_err("a datetime is not a date");
    let r = e.validation().cloned().unwrap_or_default();
    assert!(r.has(IssueCode::DateInvalid, "start"), "{e}");
    Ok(())
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fleetplan-{}-{name}", std::process::id()))
}

#[test]
fn save_and_load_by_extension() -> Result<(), fleetplan::Error> {
    let s = base();
    for name in ["s.toml", "s.json", "s.JSON", "s.scenario"] {
        let path = temp_path(name);
        s.save(&path)?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| fleetplan::Error::io(Some(path.clone()), e))?;
        let is_json = name.to_lowercase().ends_with(".json");
        assert_eq!(text.trim_start().starts_with('{'), is_json, "{name}");
        assert_eq!(Scenario::load(&path)?, s, "{name}");
        let _ = std::fs::remove_file(&path);
    }
    // JSON under another extension is recognised by its first character.
    let path = temp_path("s.txt");
    std::fs::write(&path, s.to_json_string()?)
        .map_err(|e| fleetplan::Error::io(Some(path.clone()), e))?;
    assert_eq!(Scenario::load(&path)?, s);
    let _ = std::fs::remove_file(&path);
    Ok(())
}

#[test]
fn a_byte_order_mark_is_skipped_in_json_as_in_toml() -> Result<(), fleetplan::Error> {
    let s = base();
    let json = format!("\u{feff}{}", s.to_json_string()?);
    let toml = format!("\u{feff}{}", s.to_toml_string()?);
    assert_eq!(Scenario::from_json_str(&json)?, s);
    assert_eq!(Scenario::from_toml_str(&toml)?, s);
    // Also from files, including JSON under an extension that is detected
    // by its first character (the mark comes before the `{`).
    for (name, text) in [("bom.json", &json), ("bom.toml", &toml), ("bom.txt", &json)] {
        let path = temp_path(name);
        std::fs::write(&path, text).map_err(|e| fleetplan::Error::io(Some(path.clone()), e))?;
        assert_eq!(Scenario::load(&path)?, s, "{name}");
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

#[test]
fn oversized_or_deeply_nested_input_is_refused_before_parsing() -> Result<(), fleetplan::Error> {
    use fleetplan::scenario::{MAX_NESTING, MAX_SCENARIO_BYTES};
    // Deep nesting: a TOML value and a JSON document of 10,000 `[`.
    let deep = "[".repeat(10_000);
    for (what, r) in [
        (
            "toml",
            Scenario::from_toml_str(&format!("name = \"x\"\nv = {deep}")),
        ),
        ("json", Scenario::from_json_str(&deep)),
    ] {
        let e = r.expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Parse, "{what}: {e}");
        assert!(
            e.to_string().contains(&format!("{MAX_NESTING} levels")),
            "{e}"
        );
    }
    // Brackets inside strings and comments are not nesting.
    let s = base();
    let mut t = s.to_toml_string()?;
    t.push_str(&format!("# {deep}\n"));
    t = t.replacen("name = \"", &format!("name = \"{}", "[".repeat(100)), 1);
    let e = Scenario::from_toml_str(&t).err();
    assert!(
        e.as_ref().is_none_or(|e| !e.to_string().contains("levels")),
        "{e:?}"
    );
    // Size: a text just over the limit, as a string and as a file (the file
    // is not read past the limit).
    let big = format!("name = \"{}\"", "x".repeat(MAX_SCENARIO_BYTES));
    let e = Scenario::from_toml_str(&big).expect_err("too big");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("limited to"), "{e}");
    let path = temp_path("big.toml");
    std::fs::write(&path, &big).map_err(|e| fleetplan::Error::io(Some(path.clone()), e))?;
    let e = Scenario::load(&path).expect_err("too big");
    let _ = std::fs::remove_file(&path);
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("larger than"), "{e}");
    Ok(())
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let path = temp_path("does-not-exist.toml");
    let e = Scenario::load(&path).expect_err("missing");
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("does-not-exist.toml"), "{e}");
}

/// A scenario using every field whose type rejects some strings.
fn kitchen_sink() -> Value {
    let extra = r#"
[[accelerators]]
name = "Ascend 910C"
status = "shipping"
origin = "CN"
peak_fp8 = { value = "unsupported", confidence = "secondary" }
peak_bf16 = { value = 752e12, confidence = "primary", sources = ["https://arxiv.org/abs/2506.12708"] }
peak_fp16 = { value = 800e12, confidence = "primary" }
peak_int8 = { value = 1500e12, confidence = "low" }
peak_fp4 = { value = "unsupported", confidence = "derived" }
available_from = { value = "2025-03-01", confidence = "estimate" }

[[phases]]
name = "measured-pretrain"
kind = "pretraining"
model = { total_params = 7e9 }
precision = "bf16"
tokens = 1e12
deadline_days = 100

[[phases.scaling]]
accelerator = "H800"
form = "power_law"
points = [{ devices = 8, mfu = 0.45 }, { devices = 64, mfu = 0.44 }, { devices = 512, mfu = 0.42 }]

[[pools]]
name = "extra"
accelerator = "H20"
site = "SG"
software = "cuda"
ownership = { kind = "rentable", usd_per_hour = 1.0 }

[policy.justification]
foreign_purchases = "required"
foreign_rentals = "not_required"
from = "2025-08-12"
"#;
    let mut text = BASE.replace("[budget]", &format!("{extra}\n[budget]"));
    text = text.replace(
        "status = \"prohibited\"",
        "status = \"prohibited\"\nissuer = \"US\"\nuntil = \"2030-01-01\"",
    );
    text = text.replace(
        "min = 0.5",
        "min = 0.5\nfrom = \"2025-01-01\"\nuntil = \"2026-01-01\"",
    );
    let s = match Scenario::from_toml_str(&text) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    if let Err(r) = s.validate() {
        panic!("{r}");
    }
    let json = s.to_json_string().unwrap_or_default();
    serde_json::from_str(&json).unwrap_or(Value::Null)
}

fn string_leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::String(_) => out.push(path),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                string_leaves(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                string_leaves(x, p, out);
            }
        }
        _ => {}
    }
}

fn set_at(v: &mut Value, path: &str, new: &str) {
    let mut cur = v;
    for part in path.split('.') {
        let (key, idx) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = &mut cur[key];
        if let Some(i) = idx {
            cur = &mut cur[i];
        }
    }
    *cur = Value::String(new.to_string());
}

/// Every string of a complete scenario, replaced by garbage, either parses
/// (a free-text field) or is reported with exactly its path: no typed
/// string field escapes the parse-time report into a bare parse error.
#[test]
fn every_typed_string_field_is_reported_with_its_path() {
    let sink = kitchen_sink();
    let mut leaves = Vec::new();
    string_leaves(&sink, String::new(), &mut leaves);
    let mut typed = 0;
    for path in &leaves {
        let mut v = sink.clone();
        set_at(&mut v, path, "zzz not valid");
        match Scenario::from_json_str(&v.to_string()) {
            Ok(_) => {}
            Err(e) => {
                let Some(r) = e.validation() else {
                    panic!("{path}: a bare parse error escaped the report: {e}");
                };
                assert_eq!(r.issues.len(), 1, "{path}: {r}");
                assert_eq!(r.issues[0].path, *path, "{r}");
                typed += 1;
            }
        }
    }
    // start, jurisdiction, objective.kind, and the rest of the sink's
    // typed strings.
    assert!(
        typed >= 30,
        "only {typed} typed strings in {} leaves",
        leaves.len()
    );
}

#[test]
fn public_types_are_send_sync_clone_debug() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<Scenario>();
    check::<fleetplan::scenario::ValidatedScenario>();
    check::<fleetplan::scenario::ValidationReport>();
    check::<fleetplan::catalog::Catalog>();
    check::<fleetplan::scenario::PoolRef<'static>>();
    check::<fleetplan::scenario::PhaseRef<'static>>();
}
