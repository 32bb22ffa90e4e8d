//! The `catalog`, `validate`, `sweep` and `verify` commands, run as a user
//! runs them (`verify` on the JSON `plan --format json` prints, untouched
//! and tampered).
#![cfg(feature = "cli")]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fleetplan(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_fleetplan"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run fleetplan: {e}"),
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/scenarios")
        .join(name)
        .display()
        .to_string()
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("fleetplan-cli-{}-{name}", std::process::id()));
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path.display().to_string()
}

#[test]
fn catalog_table_lists_every_accelerator_with_sources() {
    let o = fleetplan(&["catalog"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for name in [
        "A100",
        "A800",
        "H100",
        "H800",
        "H20",
        "H200",
        "B200",
        "MI308X",
        "Ascend 910B",
        "Ascend 910C",
        "Ascend 950PR",
    ] {
        assert!(out.lines().any(|l| l.starts_with(name)), "{name} missing");
    }
    // Figures carry their confidence; sources are listed and referenced.
    assert!(out.contains("989 [D]"));
    assert!(out.contains("780 [S]"));
    assert!(out.contains("Sources"));
    assert!(out.contains("{1} https://"));
    assert!(out.contains("https://arxiv.org/abs/2505.09343"));
    assert!(out.contains("SOURCES DISAGREE"));
}

#[test]
fn catalog_json_is_the_full_structure() -> Result<(), serde_json::Error> {
    let o = fleetplan(&["catalog", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let list = v.as_array().map_or(0, Vec::len);
    assert_eq!(list, 14); // issue 17: "CloudMatrix 384" is its own entry
    let h800 = &v[3];
    assert_eq!(h800["name"], "H800");
    assert_eq!(h800["origin"], "US");
    assert_eq!(h800["peak_bf16"]["confidence"], "derived");
    assert!(
        h800["peak_bf16"]["sources"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(v[10]["peak_fp8"]["value"], "unsupported");
    Ok(())
}

#[test]
fn catalog_rejects_an_unknown_format() {
    let o = fleetplan(&["catalog", "--format", "xml"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("table"));
}

#[test]
fn validate_accepts_the_samples() {
    for name in ["hybrid_fleet.toml", "quickstart.toml"] {
        let o = fleetplan(&["validate", &sample(name)]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stdout(&o));
        let out = stdout(&o);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.starts_with("ok: "), "{out}");
    }
    let out = stdout(&fleetplan(&["validate", &sample("hybrid_fleet.toml")]));
    assert!(out.contains("5 pools, 3 phases, 4 export rules"), "{out}");
}

#[test]
fn validate_prints_every_problem_and_exits_1() {
    let text = std::fs::read_to_string(sample("quickstart.toml")).unwrap_or_default();
    let bad = text
        .replace("accelerator = \"H800\"", "accelerator = \"H900\"")
        .replace("count = 2_048", "count = 2048.5")
        .replace("deadline_days = 60", "deadline_days = 600");
    let path = temp_file("bad.toml", &bad);
    let o = fleetplan(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with("E-ACCEL-UNKNOWN  pools[0].accelerator  unknown accelerator 'H900'"),
        "{out}"
    );
    assert!(lines[0].contains("(fix: "), "{out}");
    assert!(
        lines[1].starts_with("E-COUNT-NOT-INTEGER  pools[0].count"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("E-DEADLINE-BEYOND-HORIZON  phases[0].deadline_days"),
        "{out}"
    );
    assert!(lines[3].ends_with("3 problem(s)"), "{out}");

    let o = fleetplan(&["validate", "--format", "json", &path]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["valid"], false);
    assert_eq!(v["issues"][1]["code"], "E-COUNT-NOT-INTEGER");
    assert_eq!(v["issues"][1]["path"], "pools[0].count");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn validate_reports_unknown_names_like_other_problems() {
    let text = std::fs::read_to_string(sample("quickstart.toml")).unwrap_or_default();
    let path = temp_file(
        "names.toml",
        &text
            .replace("\"min_cost\"", "\"cheapest\"")
            .replace("\"fp8\"", "\"fp6\""),
    );
    let o = fleetplan(&["validate", &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("E-VALUE-UNKNOWN  objective"), "{out}");
    assert!(
        out.contains("E-VALUE-UNKNOWN  phases[0].precision"),
        "{out}"
    );
    assert!(
        out.contains("E-VALUE-UNKNOWN  phases[1].precision"),
        "{out}"
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn validate_exits_2_on_unreadable_or_unparsable_files() {
    let path = temp_file("syntax.toml", "name = \"x\"\nstart = \n");
    let o = fleetplan(&["validate", &path]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("TOML parse error at line 2"), "{err}");
    let _ = std::fs::remove_file(&path);

    let path = temp_file("syntax.json", "{\"name\": ");
    assert_eq!(fleetplan(&["validate", &path]).status.code(), Some(2));
    let _ = std::fs::remove_file(&path);

    let o = fleetplan(&["validate", "/nonexistent/scenario.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/scenario.toml"));
}

#[test]
fn sweep_table_says_why_a_point_is_invalid() {
    // Rule 0 of the flagship prohibits exports: a levy on it is invalid at
    // every value, and the table must say why, not only "invalid".
    let o = fleetplan(&[
        "sweep",
        &sample("hybrid_fleet.toml"),
        "--set",
        "policy.rules[0].levy=0..0.3:2",
        "--fractional",
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert_eq!(out.matches(" invalid ").count(), 2, "{out}");
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 1, "one note per distinct problem: {out}");
    assert!(
        notes[0].contains("E-RULE-TERMS-NOT-LICENSED")
            && notes[0].contains("policy.rules[0].levy")
            && notes[0].contains("fix:"),
        "{out}"
    );
}

#[test]
fn sweep_json_has_the_documented_keys() -> Result<(), serde_json::Error> {
    let o = fleetplan(&[
        "sweep",
        &sample("hybrid_fleet.toml"),
        "--set",
        "policy.rules[3].levy=0,0.3",
        "--fractional",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))?;
    assert_eq!(v["path"], "policy.rules[3].levy");
    let points = v["points"].as_array().map_or(&[][..], Vec::as_slice);
    assert_eq!(points.len(), 2);
    for (p, want) in points.iter().zip([0.0, 0.3]) {
        assert_eq!(p["value"].as_f64(), Some(want));
        assert_eq!(p["status"], "optimal");
        assert_eq!(p["verified"], true);
        assert!(p["total_usd"].as_f64().is_some_and(|t| t > 0.0), "{p}");
        assert!(p["binding"].is_array() && p["purchases"].is_array(), "{p}");
    }
    Ok(())
}

/// The plan of a scenario as JSON, parsed.
fn plan_json(scenario: &str, extra: &[&str]) -> Value {
    let mut args = vec!["plan", scenario, "--format", "json"];
    args.extend_from_slice(extra);
    let o = fleetplan(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("plan JSON: {e}"))
}

/// Runs `verify` on a plan written to a temporary file.
fn verify(scenario: &str, name: &str, plan: &Value, extra: &[&str]) -> Output {
    let path = temp_file(name, &plan.to_string());
    let mut args = vec!["verify", scenario, "--plan", &path];
    args.extend_from_slice(extra);
    let o = fleetplan(&args);
    let _ = std::fs::remove_file(&path);
    o
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn verify_accepts_a_real_plan_and_rejects_tampered_ones() {
    let scenario = sample("quickstart.toml");
    let plan = plan_json(&scenario, &[]);
    let o = verify(&scenario, "ok.json", &plan, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).trim(), "verified");

    // all energy moved into rental: the total is unchanged
    let mut moved = plan.clone();
    let energy = num(&moved["cost"]["energy_usd"]);
    moved["cost"]["rental_usd"] = (num(&moved["cost"]["rental_usd"]) + energy).into();
    moved["cost"]["energy_usd"] = 0.0.into();
    let o = verify(&scenario, "moved.json", &moved, &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one line per failed check: {out}");
    assert!(lines[0].starts_with("FAILED cost.rental: "), "{out}");
    assert!(lines[1].starts_with("FAILED cost.energy: "), "{out}");

    // the issue's example: pre-training shifted to days 25-85
    let mut shifted = plan.clone();
    for s in shifted["schedule"].as_array_mut().expect("schedule") {
        if s["phase"] == "pretrain" {
            s["from_hours"] = (num(&s["from_hours"]) + 600.0).into();
            s["to_hours"] = (num(&s["to_hours"]) + 600.0).into();
        }
    }
    let o = verify(&scenario, "shifted.json", &shifted, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("FAILED demand[pretrain]: "),
        "{}",
        stdout(&o)
    );

    // the JSON report says the same
    let o = verify(&scenario, "shifted2.json", &shifted, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON report");
    assert_eq!(v["verified"], false);
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["ok"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(failed.contains(&"demand[pretrain]"), "{failed:?}");
    assert!(v["warnings"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn verify_prints_warnings_without_failing() {
    // a flaky pool (device MTBF 2,000 h): its run moved into the second
    // half of the window on twice the devices does the work only under the
    // planner's linearisation
    let text = r#"
name = "flaky"
start = "2025-08-15"
horizon_days = 10
jurisdiction = "CN"
objective = "min_cost"

[[accelerators]]
name = "Acme X"
vendor = "Acme"
origin = "US"
peak_bf16 = { value = 1e15 }
hbm_capacity = { value = 1e12 }
tdp = { value = 1000 }
node_size = { value = 1 }

[[pools]]
name = "flaky"
accelerator = "Acme X"
count = 2000
ownership = { kind = "owned", sunk = true }
mfu = { pretraining = 0.5 }
mtbf_hours = 2000
checkpoint_write_s = 60
restart_s = 600

[[phases]]
name = "train"
kind = "pretraining"
model = { total_params = 1e9 }
precision = "bf16"
flops = 4.32e22
deadline_days = 10

[budget]
energy = { usd_per_kwh = 0.1, pue = 1.0 }
"#;
    let scenario = temp_file("flaky.toml", text);
    let mut plan = plan_json(&scenario, &["--fractional"]);
    let s = &mut plan["schedule"][0];
    let n = num(&s["devices"]);
    s["from_hours"] = 120.0.into();
    s["devices"] = (2.0 * n).into();
    plan["assignments"][0]["devices"] = (2.0 * n).into();
    plan["pools"][0]["peak_devices"] = (2.0 * n).into();
    let o = verify(&scenario, "flaky.json", &plan, &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("warning: demand[train]: "), "{out}");
    assert_eq!(lines[1], "verified");
    let _ = std::fs::remove_file(&scenario);
}

#[test]
fn verify_exits_2_when_the_plan_cannot_be_read() {
    let scenario = sample("quickstart.toml");
    let path = temp_file("garbage.json", "{\"scenario\": 3}");
    let o = fleetplan(&["verify", &scenario, "--plan", &path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a plan"));
    let _ = std::fs::remove_file(&path);
    let o = fleetplan(&["verify", &scenario, "--plan", "/nonexistent/plan.json"]);
    assert_eq!(o.status.code(), Some(2));
    let o = fleetplan(&[
        "verify",
        "/nonexistent/s.toml",
        "--plan",
        "/nonexistent/plan.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lp_solve_json_lists_the_model_warnings() -> Result<(), serde_json::Error> {
    // One entry of 1e-300 (dropped) and a negative UP on an unbounded-below
    // column: both show in `warnings`; the documented keys stay.
    let mps = "NAME t\nROWS\n N obj\n G c1\nCOLUMNS\n    x obj 1 c1 1\n    y obj -1 c1 1e-300\n\
               RHS\n    rhs c1 1\nBOUNDS\n UP bnd y -2\nENDATA\n";
    let f = temp_file("warn.mps", mps);
    let o = fleetplan(&["lp", "solve", &f, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim())?;
    for key in [
        "status",
        "objective",
        "iterations",
        "rows",
        "cols",
        "gap",
        "nodes",
        "bound",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let kinds: Vec<&str> = v["warnings"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        ["negative_upper_bound", "small_matrix_values"],
        "{v}"
    );
    assert_eq!(v["warnings"][1]["count"], 1);
    // With the entry dropped: min x - y, x >= 1, y in (-inf, -2]: x = 1,
    // y = -2, objective 3.
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"].as_f64(), Some(3.0));
    // No warnings: an empty list, not a missing key.
    let f = temp_file(
        "plain.mps",
        &mps.replace("1e-300", "1").replace(" UP bnd y -2\n", ""),
    );
    let o = fleetplan(&["lp", "solve", &f, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim())?;
    assert_eq!(v["warnings"], serde_json::json!([]));
    Ok(())
}

#[test]
fn lp_solve_refuses_endless_lines_and_huge_entries() {
    #[cfg(unix)]
    {
        let o = fleetplan(&["lp", "solve", "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("longer than 1048576 bytes"), "{err}");
    }
    let f = temp_file(
        "huge.mps",
        "NAME t\nROWS\n N obj\n G c1\nCOLUMNS\n    x obj 1 c1 1e300\nENDATA\n",
    );
    let o = fleetplan(&["lp", "solve", &f]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 6") && err.contains("1e15"), "{err}");
}

/// `plan` on a risky scenario with a chance constraint on its deadline
/// (`examples/scenarios/risk_chance.toml`): the table says which branches
/// meet it, the JSON has `risk.chance = { q, achieved, met }` with the
/// branches met weighing at least q.
#[test]
fn plan_handles_a_chance_constraint_on_deadlines() {
    let file = sample("risk_chance.toml");
    let o = fleetplan(&["plan", &file]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = stdout(&o);
    assert!(t.contains("chance constraint"), "{t}");
    assert!(t.contains("ascend-fails@2025-08-30"), "{t}");
    let o = fleetplan(&["plan", &file, "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let c = &v["risk"]["chance"];
    assert_eq!(c["q"], 0.6);
    let achieved = c["achieved"].as_f64().expect("achieved");
    assert!(achieved >= 0.6 - 1e-9, "{c}");
    let met = c["met"].as_array().expect("met");
    let p: f64 = v["risk"]["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .filter(|s| met.contains(&s["name"]))
        .map(|s| s["probability"].as_f64().expect("p"))
        .sum();
    assert!((p - achieved).abs() < 1e-9, "{p} vs {achieved}");
}
