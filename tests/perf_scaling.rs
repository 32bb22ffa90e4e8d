//! Measured scaling curves in scenarios (`phases[].scaling`): validation
//! with coded errors and paths, the planner's performance model using the
//! least-squares fit for that phase and accelerator, `fleetplan explain`
//! saying so, and the energy basis `explain` reports.

mod common;

use common::{BASE, assert_has, assert_only, report_of_toml};
use fleetplan::perf::{PairRate, PerfModel, TrainingPair};
use fleetplan::scenario::{IssueCode as C, Scenario, ValidatedScenario};
use std::process::Command;

/// The H800's dense FP8 peak in the built-in catalogue (the pre-training
/// phase of BASE runs in FP8, so scenario MFUs are fractions of it).
const H800_FP8: f64 = 1979e12;

/// BASE's pre-training phase with a `scaling` block inserted.
fn with_scaling(block: &str) -> String {
    let anchor = "deadline_days = 120\n";
    assert!(BASE.contains(anchor));
    BASE.replacen(anchor, &format!("{anchor}\n{block}\n"), 1)
}

/// Points of `mfu(n) = c · n^b` at the given sizes, as TOML.
fn mfu_points(c: f64, b: f64, sizes: &[u64]) -> String {
    let pts: Vec<String> = sizes
        .iter()
        .map(|&n| format!("{{ devices = {n}, mfu = {:?} }}", c * (n as f64).powf(b)))
        .collect();
    format!("points = [{}]", pts.join(", "))
}

fn validated(text: &str) -> ValidatedScenario {
    match Scenario::from_toml_str(text).map(|s| s.validate()) {
        Ok(Ok(v)) => v,
        Ok(Err(r)) => panic!("{r}"),
        Err(e) => panic!("{e}"),
    }
}

fn training_pair(vs: &ValidatedScenario, pool: &str) -> TrainingPair {
    let pm = PerfModel::new(vs);
    let phase = vs.phase_by_name("pretrain").expect("phase");
    let pool = vs.pool_by_name(pool).expect("pool");
    match pm.pair(phase, pool) {
        Ok(PairRate::Training(t)) => t,
        other => panic!("{other:?}"),
    }
}

const SIZES: [u64; 4] = [512, 1024, 2048, 4096];

fn fitted_scenario(c: f64) -> String {
    with_scaling(&format!(
        "[[phases.scaling]]\naccelerator = \"H800\"\nsources = [\"https://example.org/our-h800-runs\"]\nnote = \"four runs of the same model\"\n{}\n",
        mfu_points(c, -0.03, &SIZES)
    ))
}

/// The fit of exact power-law points reproduces the law at whatever job
/// size the deadline needs; only goodput is applied on top (no scale-out
/// factor: the measurements include it), and pools of other accelerators
/// are untouched.
#[test]
fn planner_uses_the_fit_for_that_accelerator() {
    let vs = validated(&fitted_scenario(0.25));
    let t = training_pair(&vs, "h800");
    let n = t.rate.devices;
    let law = H800_FP8 * 0.25 * n.powf(-0.03);
    assert!((t.rate.achieved.get() - law).abs() <= 1e-9 * law, "{t:?}");
    assert_eq!(t.rate.scale_out, 1.0);
    let eff = t.rate.achieved.get() * t.rate.goodput.get();
    assert!((t.rate.effective.get() - eff).abs() <= 1e-12 * eff);
    assert!(t.rate.goodput.get() < 1.0, "failures still modelled");
    // the rented H100 pool is evaluated exactly as without the fit
    let plain = validated(BASE);
    assert_eq!(
        training_pair(&vs, "h100-rented"),
        training_pair(&plain, "h100-rented")
    );
    assert_ne!(training_pair(&plain, "h800"), t);
}

/// Explain names the fit as the rate's origin, with its sources, residuals
/// and held-out error.
#[test]
fn explain_says_the_rate_came_from_the_fit() {
    let vs = validated(&fitted_scenario(0.25));
    let pm = PerfModel::new(&vs);
    let e = pm.explain(
        vs.phase_by_name("pretrain").expect("phase"),
        vs.pool_by_name("h800").expect("pool"),
    );
    let fit = e
        .factors
        .iter()
        .find(|f| f.name == "scaling fit")
        .expect("a scaling fit factor");
    assert_eq!(fit.origin.as_str(), "scenario");
    assert!((fit.value - -0.03).abs() < 1e-9, "exponent {}", fit.value);
    assert_eq!(
        fit.sources,
        vec!["https://example.org/our-h800-runs".to_owned()]
    );
    let note = fit.note.as_deref().unwrap_or("");
    assert!(
        note.contains("least-squares") && note.contains("4 points"),
        "{note}"
    );
    assert!(note.contains("four runs of the same model"), "{note}");
    for name in [
        "fit residual (RMS)",
        "fit held-out error (max)",
        "fitted MFU at job size",
    ] {
        assert!(e.factors.iter().any(|f| f.name == name), "{name} missing");
    }
    // the MFU model's factors are not used
    assert!(
        !e.factors
            .iter()
            .any(|f| f.name == "MFU" || f.name == "scale-out efficiency")
    );
}

/// The same measurements given as the job's tokens per second give the same
/// rate as MFUs (BASE's model has no shape: 6N = 222 GFLOP per token).
#[test]
fn tokens_per_second_points_are_equivalent_to_mfu_points() {
    let f_token = 6.0 * 37e9;
    let pts: Vec<String> = SIZES
        .iter()
        .map(|&n| {
            let nf = n as f64;
            let mfu = 0.25 * nf.powf(-0.03);
            format!(
                "{{ devices = {n}, tokens_per_s = {:?} }}",
                mfu * H800_FP8 * nf / f_token
            )
        })
        .collect();
    let text = with_scaling(&format!(
        "[[phases.scaling]]\naccelerator = \"H800\"\npoints = [{}]\n",
        pts.join(", ")
    ));
    let a = training_pair(&validated(&text), "h800");
    let b = training_pair(&validated(&fitted_scenario(0.25)), "h800");
    let rel = (a.share_per_device_hour - b.share_per_device_hour).abs() / b.share_per_device_hour;
    assert!(rel < 1e-9, "{rel}");
}

/// Metamorphic: measurements 10% better everywhere give each device-hour
/// more of the work, never less.
#[test]
fn better_measurements_never_lower_the_rate() {
    let lo = training_pair(&validated(&fitted_scenario(0.25)), "h800");
    let hi = training_pair(&validated(&fitted_scenario(0.275)), "h800");
    assert!(hi.share_per_device_hour > lo.share_per_device_hour);
}

/// A job far beyond the measured sizes is flagged as extrapolated, and the
/// log-linear form is accepted.
#[test]
fn extrapolation_is_flagged() {
    let text = with_scaling(
        "[[phases.scaling]]\naccelerator = \"H800\"\nform = \"log_linear\"\npoints = [{ devices = 8, mfu = 0.22 }, { devices = 16, mfu = 0.215 }, { devices = 32, mfu = 0.212 }]\n",
    );
    let vs = validated(&text);
    let pm = PerfModel::new(&vs);
    let e = pm.explain(
        vs.phase_by_name("pretrain").expect("phase"),
        vs.pool_by_name("h800").expect("pool"),
    );
    let f = e
        .factors
        .iter()
        .find(|f| f.name == "fitted MFU at job size")
        .expect("factor");
    assert!(
        f.note
            .as_deref()
            .is_some_and(|n| n.contains("EXTRAPOLATED")),
        "{f:?}"
    );
    assert!(
        e.factors
            .iter()
            .any(|f| f.note.as_deref().is_some_and(|n| n.contains("log_linear")))
    );
}

// --- validation --------------------------------------------------------------

fn block(points: &str) -> String {
    with_scaling(&format!(
        "[[phases.scaling]]\naccelerator = \"H800\"\npoints = [{points}]\n"
    ))
}

#[test]
fn too_few_points() {
    let r = report_of_toml(&block(
        "{ devices = 8, mfu = 0.2 }, { devices = 16, mfu = 0.19 }",
    ));
    assert_only(&r, C::ScalingTooFew, "phases[0].scaling[0].points");
}

#[test]
fn nan_and_non_positive_numbers_name_their_field() {
    let r = report_of_toml(&block(
        "{ devices = nan, mfu = 0.2 }, { devices = 16, mfu = 0.0 }, { devices = 32, tokens_per_s = -5 }, { devices = 0, mfu = 0.2 }, { devices = 2.5, mfu = 0.2 }, { devices = 64, mfu = 1.5 }",
    ));
    assert_has(&r, C::NumberNaN, "phases[0].scaling[0].points[0].devices");
    assert_has(&r, C::NumberRange, "phases[0].scaling[0].points[1].mfu");
    assert_has(
        &r,
        C::NumberNegative,
        "phases[0].scaling[0].points[2].tokens_per_s",
    );
    assert_has(&r, C::NumberZero, "phases[0].scaling[0].points[3].devices");
    assert_has(
        &r,
        C::CountNotInteger,
        "phases[0].scaling[0].points[4].devices",
    );
    assert_has(&r, C::NumberRange, "phases[0].scaling[0].points[5].mfu");
}

#[test]
fn duplicate_device_counts() {
    let r = report_of_toml(&block(
        "{ devices = 8, mfu = 0.2 }, { devices = 16, mfu = 0.19 }, { devices = 8, mfu = 0.21 }",
    ));
    assert_only(
        &r,
        C::ScalingDuplicateDevices,
        "phases[0].scaling[0].points[2].devices",
    );
}

#[test]
fn one_value_per_point_and_one_kind_per_entry() {
    let r = report_of_toml(&block(
        "{ devices = 8, mfu = 0.2 }, { devices = 16 }, { devices = 32, mfu = 0.2, tokens_per_s = 1e6 }, { devices = 64, tokens_per_s = 1e6 }",
    ));
    assert_has(&r, C::ScalingValue, "phases[0].scaling[0].points[1]");
    assert_has(&r, C::ScalingValue, "phases[0].scaling[0].points[2]");
    assert_has(&r, C::ScalingValue, "phases[0].scaling[0].points[3]");
    assert_eq!(r.issues.len(), 3, "{r}");
}

#[test]
fn accelerators_must_exist_and_appear_once() {
    let pts = "points = [{ devices = 8, mfu = 0.2 }, { devices = 16, mfu = 0.19 }, { devices = 32, mfu = 0.18 }]";
    let r = report_of_toml(&with_scaling(&format!(
        "[[phases.scaling]]\naccelerator = \"H900\"\n{pts}\n\n[[phases.scaling]]\naccelerator = \"H800\"\n{pts}\n\n[[phases.scaling]]\naccelerator = \"h800 sxm5\"\n{pts}\n"
    )));
    assert_has(
        &r,
        C::AcceleratorUnknown,
        "phases[0].scaling[0].accelerator",
    );
    assert_has(&r, C::ScalingDuplicate, "phases[0].scaling[2].accelerator");
    assert_eq!(r.issues.len(), 2, "{r}");
}

#[test]
fn device_counts_too_close_to_fit() {
    let r = report_of_toml(&block(
        "{ devices = 1000000000000000, mfu = 0.2 }, { devices = 999999999999999, mfu = 0.19 }, { devices = 999999999999998, mfu = 0.18 }",
    ));
    // Counts this close need 1e15 devices, beyond the 10^7 a pool may have
    // (issue 19's ranges): the points are refused at their fields first.
    assert!(!r.issues.is_empty());
    assert!(
        r.issues.iter().all(
            |i| i.code == "E-NUMBER-RANGE" && i.path.starts_with("phases[0].scaling[0].points")
        ),
        "{r}"
    );
}

#[test]
fn scaling_on_an_inference_phase_is_not_applicable() {
    let text = BASE.replacen(
        "from_day = 120\n",
        "from_day = 120\n\n[[phases.scaling]]\naccelerator = \"H800\"\npoints = [{ devices = 8, mfu = 0.2 }, { devices = 16, mfu = 0.19 }, { devices = 32, mfu = 0.18 }]\n",
        1,
    );
    let r = report_of_toml(&text);
    assert_only(&r, C::FieldNotApplicable, "phases[1].scaling");
}

#[test]
fn unknown_form_is_reported_at_its_path() {
    let r = report_of_toml(&with_scaling(
        "[[phases.scaling]]\naccelerator = \"H800\"\nform = \"cubic\"\npoints = [{ devices = 8, mfu = 0.2 }, { devices = 16, mfu = 0.19 }, { devices = 32, mfu = 0.18 }]\n",
    ));
    assert_only(&r, C::ValueUnknown, "phases[0].scaling[0].form");
    assert!(r.issues[0].fix.contains("power_law"), "{}", r.issues[0].fix);
}

/// Lossless round trips keep the new field.
#[test]
fn scaling_round_trips() {
    let s = Scenario::from_toml_str(&fitted_scenario(0.25)).expect("parses");
    let toml = s.to_toml_string().expect("writes");
    assert_eq!(Scenario::from_toml_str(&toml).expect("reads"), s);
    let json = s.to_json_string().expect("writes");
    assert_eq!(Scenario::from_json_str(&json).expect("reads"), s);
    assert_eq!(s.phases[0].scaling.len(), 1);
}

// --- the CLI -----------------------------------------------------------------

fn explain(file: &std::path::Path, pool: &str, json: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetplan"));
    cmd.arg("explain")
        .arg(file)
        .args(["--phase", "pretrain", "--pool", pool]);
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `fleetplan explain` says the rate came from the fit, and states the
/// energy basis (chip TDP for every accelerator) with the figure's label.
#[test]
fn cli_explain_names_the_fit_and_the_energy_basis() {
    let path = std::env::temp_dir().join(format!("fleetplan-scaling-{}.toml", std::process::id()));
    std::fs::write(&path, fitted_scenario(0.25)).expect("writes");
    let text = explain(&path, "h800", false);
    assert!(
        text.contains("scaling fit") && text.contains("least-squares"),
        "{text}"
    );
    assert!(
        text.contains("energy basis: chip TDP for every accelerator"),
        "{text}"
    );
    assert!(text.contains("700 W [E]"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&explain(&path, "h800", true)).expect("json");
    let names: Vec<&str> = json["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"scaling fit"), "{names:?}");
    assert_eq!(json["cost"]["power_w"], 700.0);
    assert_eq!(json["cost"]["power_confidence"], "estimate");
    assert!(
        json["cost"]["energy_basis"]
            .as_str()
            .is_some_and(|b| b.starts_with("chip TDP"))
    );
    let _ = std::fs::remove_file(&path);
}
