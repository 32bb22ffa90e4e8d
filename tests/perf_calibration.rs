//! Consistency checks of the performance model against the sources its
//! defaults were fitted on (../shared/reference/domain.md §3, §4, §7), and
//! the worked examples of the reliability model. Each test names its source.
//!
//! These are **not predictions**: DeepSeek-V3's MFU comes from the run whose
//! GPU-hours it reproduces, the Day-6 check divides Day-6 traffic by Day-6
//! throughput, and the NVIDIA MTBF default is Llama 3's own interruption
//! count. What they test is the FLOP count per token and the arithmetic.
//! Held-out predictions (a parameter fitted on one source predicting
//! another) are `examples/calibration.rs`, pinned in `tests/examples.rs`.

use approx::assert_relative_eq;
use fleetplan::catalog::{Catalog, Precision, Support};
use fleetplan::fleet::SoftwareStack;
use fleetplan::perf::defaults;
use fleetplan::perf::flops::{FlopsRule, TransformerShape};
use fleetplan::perf::reliability::{
    daly_interval, device_mtbf_from_interruptions, job_mtbf, optimal_goodput, young_interval,
};
use fleetplan::perf::training::{CommModel, TrainingInputs};
use fleetplan::perf::{PairRate, PerfModel};
use fleetplan::scenario::Scenario;
use fleetplan::units::{Hours, UsdPerHour};
use fleetplan::workload::PhaseKind;

fn within(computed: f64, published: f64, rel: f64) {
    let err = (computed - published).abs() / published.abs();
    assert!(
        err <= rel,
        "computed {computed} vs published {published}: {:.2}% off (allowed {:.1}%)",
        err * 100.0,
        rel * 100.0
    );
}

/// Consistency: DeepSeek-V3 technical report (arXiv 2412.19437) and ISCA'25
/// (arXiv 2505.09343): 671B/37B MoE, MLA (128 heads, qk 192, v 128 per
/// head), 61 layers, 4K sequence, 14.8T tokens, 2,048 H800 at 38.94% MFU of
/// the BF16 peak. Published: 2,664K GPU-hours of pre-training (≈54.2 days on
/// 2,048), 2,788K in all, $5.576M at $2/h. The MFU is this run's own, so
/// this checks the FLOP count per token (6N + causal MLA attention) and the
/// unit arithmetic only.
#[test]
fn deepseek_v3_consistency_flop_count_and_arithmetic() {
    let cat = Catalog::builtin();
    let h800 = cat.get("H800").expect("built-in H800");
    let Support::Dense(bf16) = h800.support(Precision::Bf16) else {
        panic!("H800 BF16 peak must be known");
    };
    let mfu = defaults::training_mfu(
        h800,
        SoftwareStack::Cuda,
        PhaseKind::Pretraining,
        defaults::ModelType::Moe,
        Precision::Fp8,
    )
    .expect("H800 pre-training MFU default");
    assert_eq!(mfu.basis, Precision::Bf16);
    let v3 = TransformerShape::DEEPSEEK_V3;
    let per_token = v3.training_flops_per_token(FlopsRule::SixNPlusAttention, Some(4096));
    let work = per_token.get() * 14.8e12;
    let inputs = TrainingInputs {
        peak: bf16,
        mfu: mfu.mfu.value.expect("value"),
        mfu_devices: mfu.devices,
        mfu_scale_out: mfu.scale_out,
        domain: 8,
        scale_out: h800.scale_out_bandwidth.value,
        comm: CommModel {
            bytes_per_flop: defaults::comm_bytes_per_flop().value.expect("v"),
            overlap: defaults::comm_overlap().value.expect("v"),
        },
        // DeepSeek's GPU-hours are throughput-based ("180K H800 GPU hours per
        // trillion tokens"), so failures are not part of the comparison.
        reliability: None,
        curve: None,
    };
    let rate = inputs.rate(2048.0);
    assert_relative_eq!(rate.scale_out, 1.0, max_relative = 1e-12);
    // 385 TFLOP/s per GPU (ISCA'25) from 989 × 38.94%
    within(rate.effective.tera(), 385.0, 0.01);
    let seconds = work / (2048.0 * rate.effective.get());
    let days = seconds / 86_400.0;
    let gpu_hours = 2048.0 * seconds / 3600.0;
    within(days, 2_664_000.0 / 2048.0 / 24.0, 0.05); // ≈54.2 days
    within(gpu_hours, 2_664_000.0, 0.05);
    // Context extension (119K) and post-training (5K) GPU-hours are the
    // report's own inputs; the total and the bill follow.
    let total = gpu_hours + 119_000.0 + 5_000.0;
    within(total, 2_788_000.0, 0.05);
    let bill = UsdPerHour::new(2.0).expect("price") * Hours::new(total).expect("hours");
    within(bill.get(), 5_576_000.0, 0.05);
    // "180K H800 GPU hours per trillion tokens"
    within(gpu_hours / 14.8, 180_000.0, 0.05);
}

const DAY6: &str = r#"
name = "day6"
start = "2025-02-27"
horizon_days = 1
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "h800"
accelerator = "H800"
count = 2_500
ownership = { kind = "owned", sunk = true }

[[phases]]
name = "serve"
kind = "inference"
model = { total_params = 671e9, active_params = 37e9 }
precision = "fp8"
tokens_per_day = { input = 608e9, output = 168e9, cache_hit = 0.563 }

[[phases.measured]]
accelerator = "H800"
prefill_tokens_per_s = 9_212.5
decode_tokens_per_s = 1_850
"#;

/// Consistency: DeepSeek Day-6 inference overview (open-infra-index, 1 Mar
/// 2025): 608B input and 168B output tokens a day; ≈73.7k input tok/s or
/// ≈14.8k output tok/s per H800 node (the per-GPU figures above are these ÷
/// 8). Published fleet: 226.75 nodes on average, $87,072 a day at
/// $2/GPU-hour. Day-6 traffic divided by Day-6 throughput: this checks that
/// the planner's inference share (prefill and decode disaggregated, measured
/// figures counting every input token) does the arithmetic DeepSeek did.
#[test]
fn deepseek_day6_consistency_fleet_from_volumes_and_throughputs() {
    let vs = Scenario::from_toml_str(DAY6)
        .expect("parses")
        .validate()
        .expect("valid");
    let pm = PerfModel::new(&vs);
    let phase = vs.phase_by_name("serve").expect("phase");
    let pool = vs.pool_by_name("h800").expect("pool");
    let PairRate::Inference(r) = pm.pair(phase, pool).expect("eligible") else {
        panic!("an inference pair");
    };
    assert!(r.measured);
    let gpus = 1.0 / r.share_per_device;
    let nodes = gpus / 8.0;
    within(nodes, 226.75, 0.005);
    let per_day = UsdPerHour::new(2.0).expect("price") * Hours::new(gpus * 24.0).expect("hours");
    within(per_day.get(), 87_072.0, 0.005);
    // explain shows the measured figures with the scenario as their origin
    let e = pm.explain(phase, pool);
    assert!(
        e.factors
            .iter()
            .any(|f| f.name.starts_with("measured prefill"))
    );
}

/// Llama 3 405B (arXiv 2407.21783, via domain.md §4.1): 419 unexpected
/// interruptions on 16,384 H100 in 54 days. The NVIDIA MTBF default *is*
/// that count (provenance, checked here so the two cannot drift apart; it is
/// not evidence of anything).
#[test]
fn nvidia_mtbf_default_is_llama3_interruption_count() {
    let m = device_mtbf_from_interruptions(16_384.0, Hours::from_days(54.0), 419).expect("mtbf");
    within(m.get(), 50_677.0, 1e-4);
    let cat = Catalog::builtin();
    let h100 = cat.get("H100").expect("built-in");
    let d = defaults::device_mtbf(h100);
    within(d.value.expect("NVIDIA default").get(), m.get(), 1e-4);
    assert!(d.note.as_deref().is_some_and(|n| n.contains("419")));
    let job = job_mtbf(m, 16_384.0).expect("job");
    within(job.get(), 3.09, 0.01); // "about one every 3.1 h"
    // Shares by cause must come from the counts: 148 / 419 = 35.3%
    within(148.0 / 419.0, 0.353, 0.005);
}

/// Llama 3's published "> 90% effective training time" against the model's
/// goodput at the default checkpoint write (60 s) and restart (600 s), both
/// unsourced estimates `[E]`: Daly's optimum gives 0.853, **below** the
/// published figure by at least 5.2%. The band is the measured value, not a
/// band widened to admit 0.90: the defaults are conservative and Meta's
/// checkpointing and restarts were evidently faster. For the record, what it
/// takes to reach 90% at this MTBF: a 10 s checkpoint (the write overhead
/// HPCA'25, arXiv 2410.21680, finds necessary for 90% at ~12k GPUs) with a
/// 5-minute restart gives 0.93, and with the default 10-minute restart
/// 0.91: the checkpoint default, not the restart, is what costs the most.
#[test]
fn llama3_goodput_at_the_defaults_is_the_honest_0_853() {
    let m = device_mtbf_from_interruptions(16_384.0, Hours::from_days(54.0), 419).expect("mtbf");
    let job = job_mtbf(m, 16_384.0).expect("job");
    let h100 = Catalog::builtin().get("H100").expect("built-in").clone();
    let delta = defaults::checkpoint_write().value.expect("default");
    let restart = defaults::restart(&h100).value.expect("default");
    assert_eq!((delta.get(), restart.get()), (60.0, 600.0));
    let (tau, g) = optimal_goodput(job, delta.to_hours(), restart.to_hours());
    within(tau.minutes(), 18.6, 0.01); // domain.md §4.3 example
    within(g.get(), 0.8526, 0.002);
    assert!(
        g.get() < 0.90,
        "the defaults reproduce Meta's > 90%: update the docs"
    );
    let at = |d: f64, r: f64| {
        optimal_goodput(
            job,
            Hours::from_minutes(d / 60.0),
            Hours::from_minutes(r / 60.0),
        )
        .1
        .get()
    };
    within(at(10.0, 300.0), 0.9327, 0.002);
    within(at(10.0, 600.0), 0.9080, 0.002);
}

/// Daly (2006), FGCS 22(3), Figs. 3–5: R = 10 min, δ = 5 min; M = 24 h, 6 h
/// and 15 min give optimal intervals of 117, 57 and 9.1 minutes (Young's
/// first-order values: 120, 60, 12.25).
#[test]
fn daly_and_young_worked_examples() {
    let d = Hours::from_minutes(5.0);
    for (m, daly, young) in [
        (24.0 * 60.0, 117.0, 120.0),
        (360.0, 57.0, 60.0),
        (15.0, 9.1, 12.25),
    ] {
        let m = Hours::from_minutes(m);
        within(daly_interval(d, m).minutes(), daly, 0.006);
        within(young_interval(d, m).minutes(), young, 0.001);
    }
}

/// The scale-out model's relative efficiency `η(n)/η(n_ref)` for a device
/// achieving `f` FLOP/s, both sizes at `bw` GB/s per device, domain 8, with
/// the default κ and overlap (fitted on DeepSeek-V3 only).
fn relative_eta(f: f64, n: f64, n_ref: f64, bw: f64) -> f64 {
    use fleetplan::units::{BytesPerSec, FlopsPerSec, Fraction};
    let bw = Some(BytesPerSec::from_gb_per_sec(bw));
    TrainingInputs {
        peak: FlopsPerSec::from_raw(f),
        mfu: Fraction::ONE,
        mfu_devices: Some(n_ref),
        mfu_scale_out: bw,
        domain: 8,
        scale_out: bw,
        comm: CommModel {
            bytes_per_flop: defaults::comm_bytes_per_flop().value.expect("v"),
            overlap: defaults::comm_overlap().value.expect("v"),
        },
        reliability: None,
        curve: None,
    }
    .rate(n)
    .scale_out
}

/// Held-out (issue 17): training efficiency at scale against two published
/// runs at different scales that set none of the model's parameters, each
/// within 6%:
///
/// * Llama 3 405B (arXiv 2407.21783 Table 4): 43% MFU at 8,192 H100, 41% at
///   16,384, 400 Gb/s per GPU. The model moves 43% to 16,384: 42.998%,
///   +4.9% (it misses the loss: at both sizes nearly all traffic leaves the
///   8-GPU domain; pipeline bubbles and stragglers are not modelled).
/// * Pangu Ultra 135B on 4K Ascend NPUs: linearity 96% (Huawei's claim),
///   taken against one 8-NPU node, at 25 GB/s per NPU and the dense Pangu
///   MFU (50% of 320 TFLOP/s): the model gives 92.3%, −3.8%.
///
/// And the direction the issue asks for: the same job at half the
/// bandwidth is less efficient, and the conservative default for an
/// unknown network (12.5 GB/s) costs the 910C's Pangu reference ≈10% at
/// 8,652 NPUs.
#[test]
fn scale_out_efficiency_against_two_published_runs() {
    let llama = 43.0 * relative_eta(989.4e12 * 0.43, 16_384.0, 8_192.0, 50.0);
    within(llama, 41.0, 0.06);
    assert!(llama > 41.0, "the model under-predicts the loss: {llama}");
    let pangu = 100.0 * relative_eta(320e12 * 0.5, 4096.0, 8.0, 25.0);
    within(pangu, 96.0, 0.06);
    assert!(pangu < 96.0, "{pangu}");
    // falls with bandwidth per device
    let f = 780e12 * 0.30;
    let at = |bw| relative_eta(f, 8652.0, 8.0, bw);
    assert!(at(12.5) < at(25.0) && at(25.0) < at(50.0));
    // the 910C default: Pangu MoE's 30% at 6,000 NPUs and 25 GB/s, moved
    // to 8,652 NPUs at the assumed 12.5 GB/s
    let c910 = Catalog::builtin();
    let c910 = c910.get("Ascend 910C").expect("builtin");
    let m = defaults::training_mfu(
        c910,
        SoftwareStack::Cann,
        PhaseKind::Pretraining,
        defaults::ModelType::Moe,
        Precision::Bf16,
    )
    .expect("a CANN MoE default");
    assert!(!c910.scale_out_bandwidth.is_known());
    let assumed = defaults::scale_out_bandwidth().value.expect("v");
    let inputs = TrainingInputs {
        peak: fleetplan::units::FlopsPerSec::from_raw(780e12),
        mfu: m.mfu.value.expect("v"),
        mfu_devices: m.devices,
        mfu_scale_out: m.scale_out,
        domain: 8,
        scale_out: Some(assumed),
        comm: CommModel {
            bytes_per_flop: defaults::comm_bytes_per_flop().value.expect("v"),
            overlap: defaults::comm_overlap().value.expect("v"),
        },
        reliability: None,
        curve: None,
    };
    let eta = inputs.rate(8652.0).scale_out;
    // by hand: x = 0.1 κ F s / BW, η = 1/(1+x); F = 234 TFLOP/s
    let kappa = defaults::comm_bytes_per_flop().value.expect("v");
    let x = |n: f64, bw: f64| 0.1 * kappa * 234e12 * (1.0 - 8.0 / n) / bw;
    let want = (1.0 + x(6000.0, 25e9)) / (1.0 + x(8652.0, 12.5e9));
    within(eta, want, 1e-9);
    assert!(eta < 0.92 && eta > 0.85, "{eta}");
}

/// One H800 pool serving DeepSeek-V3 with the shape the roofline needs;
/// `measured` is appended as the phase's measured entry (or nothing).
fn mixed_scenario(measured: &str) -> fleetplan::scenario::ValidatedScenario {
    let text = format!(
        r#"
name = "mixed"
start = "2025-03-01"
horizon_days = 1
jurisdiction = "CN"
objective = "min_cost"

[[pools]]
name = "h800"
accelerator = "H800"
count = 2_500
ownership = {{ kind = "owned", sunk = true }}

[[phases]]
name = "serve"
kind = "inference"
model = {{ total_params = 671e9, active_params = 37e9, layers = 61, hidden = 7168, heads = 128, qk_head_dim = 192, v_head_dim = 128, kv_bytes_per_token = 70_272 }}
precision = "fp8"
context_length = 4_989
tokens_per_day = {{ input = 608e9, output = 168e9, cache_hit = 0.563 }}
{measured}
"#
    );
    Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .expect("valid")
}

fn inference_pair(vs: &fleetplan::scenario::ValidatedScenario) -> fleetplan::perf::InferencePair {
    let pm = PerfModel::new(vs);
    let phase = vs.phase_by_name("serve").expect("phase");
    let pool = vs.pool_by_name("h800").expect("pool");
    let PairRate::Inference(r) = pm.pair(phase, pool).expect("eligible") else {
        panic!("an inference pair");
    };
    r
}

fn source_note(vs: &fleetplan::scenario::ValidatedScenario, name: &str) -> (String, String) {
    let pm = PerfModel::new(vs);
    let phase = vs.phase_by_name("serve").expect("phase");
    let pool = vs.pool_by_name("h800").expect("pool");
    let e = pm.explain(phase, pool);
    let f = e
        .factors
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no factor {name}"));
    (
        f.origin.as_str().to_owned(),
        f.note.clone().unwrap_or_default(),
    )
}

/// Issue 17 item 2: a measured figure for one half of serving only. Each
/// half takes its own source (measured first, roofline second): the
/// measured half is the scenario's figure, the other half is the roofline's
/// (the same as with no measured entry at all, and by hand 17.6% of the
/// H800's 1,979 TFLOP/s FP8 over 2 × 37e9 + MLA attention FLOPs at 4,989
/// tokens); `explain` names the source of each half; a roofline prefill
/// counts only the tokens that miss the cache, a measured one all of them.
#[test]
fn each_half_of_serving_takes_its_own_source() {
    let roof = inference_pair(&mixed_scenario(""));
    assert!(!roof.measured && !roof.decode_measured);
    let f = TransformerShape::DEEPSEEK_V3.inference_flops_per_token(Some(4989));
    assert_relative_eq!(
        roof.prefill.get(),
        0.176 * 1979e12 / f.get(),
        max_relative = 1e-9
    );

    let dec_only = mixed_scenario(
        "[[phases.measured]]\naccelerator = \"H800\"\ndecode_tokens_per_s = 1_850\n",
    );
    let d = inference_pair(&dec_only);
    assert!(!d.measured && d.decode_measured);
    assert_relative_eq!(d.decode.get(), 1850.0);
    assert_relative_eq!(d.prefill.get(), roof.prefill.get(), max_relative = 1e-12);
    // share by hand: computed input (cache misses) at the roofline prefill
    let secs = 608e9 * (1.0 - 0.563) / roof.prefill.get() + 168e9 / 1850.0;
    assert_relative_eq!(d.share_per_device, 86_400.0 / secs, max_relative = 1e-9);
    let (o, n) = source_note(&dec_only, "prefill source");
    assert_eq!(o, "default");
    assert!(n.starts_with("roofline"), "{n}");
    let (o, n) = source_note(&dec_only, "decode source");
    assert_eq!(o, "scenario");
    assert!(n.starts_with("measured"), "{n}");
    let (_, n) = source_note(&dec_only, "rate source");
    assert!(
        n.starts_with("mixed: decode measured, prefill roofline"),
        "{n}"
    );

    let pre_only = mixed_scenario(
        "[[phases.measured]]\naccelerator = \"H800\"\nprefill_tokens_per_s = 9_212.5\n",
    );
    let p = inference_pair(&pre_only);
    assert!(p.measured && !p.decode_measured);
    assert_relative_eq!(p.prefill.get(), 9212.5);
    assert_relative_eq!(p.decode.get(), roof.decode.get(), max_relative = 1e-12);
    // a measured prefill counts every input token (cache hits included)
    let secs = 608e9 / 9212.5 + 168e9 / roof.decode.get();
    assert_relative_eq!(p.share_per_device, 86_400.0 / secs, max_relative = 1e-9);
    let (o, _) = source_note(&pre_only, "prefill source");
    assert_eq!(o, "scenario");
    let (o, _) = source_note(&pre_only, "decode source");
    assert_eq!(o, "default");

    // both halves measured: the pair is the measured one, no roofline
    let both = inference_pair(&mixed_scenario(
        "[[phases.measured]]\naccelerator = \"H800\"\nprefill_tokens_per_s = 9_212.5\ndecode_tokens_per_s = 1_850\n",
    ));
    assert!(both.measured && both.decode_measured);
    assert_relative_eq!(both.prefill.get(), 9212.5);
    assert_relative_eq!(both.decode.get(), 1850.0);
}

#[allow(dead_code)]
#[path = "../examples/calibration.rs"]
mod calibration;

/// Issue 17 item 2: the held-out check of the serving roofline. The H20
/// and the 910C are predicted from efficiencies chosen without their own
/// measurements (leave-one-out): the H20's from the CUDA rows left (the
/// H800's), the 910C's from the unknown-stack fallback (CANN has no other
/// row). The parameters never see the held-out figure, so the model is
/// honestly off (H20 prefill ≈ -70%); the stated tolerance is only that a
/// roofline with sourced efficiencies lands within 4x of a measurement, and
/// every error is printed by the example's report.
#[test]
fn held_out_serving_predictions_are_printed_and_within_4x() {
    let c = calibration::run().expect("calibration runs");
    let text = calibration::render(&c);
    let all = defaults::serving_efficiency_rows();
    for key in ["h20-prefill", "h20-decode", "910c-prefill", "910c-decode"] {
        let r = c.rows.iter().find(|r| r.key == key).expect("row");
        assert_eq!(r.kind, calibration::Kind::HeldOut, "{key}");
        let e = r.error();
        assert!(e.is_finite(), "{key}: {e}");
        let ratio = r.predicted / r.published;
        assert!((0.25..=4.0).contains(&ratio), "{key}: {ratio}");
        // the printed line carries the error as computed
        let line = format!("{:>+7.1}%", 100.0 * e);
        assert!(
            text.lines()
                .any(|l| l.starts_with("held-out") && l.contains(r.what) && l.ends_with(&line)),
            "{key}: {line} not printed"
        );
        // never fitted on the part predicted
        let part = if key.starts_with("h20") {
            "H20"
        } else {
            "910C"
        };
        let used = r.fitted_on.split_once(':').map_or("", |x| x.1);
        assert!(!used.is_empty() && !used.contains(part), "{}", r.fitted_on);
    }
    // the parts' own rows differ from what the held-out check used: the
    // check could have failed
    let own = |on: &str| {
        all.iter()
            .find(|r| r.measured_on == on && r.stage == defaults::ServingStage::Prefill)
            .map(|r| r.value)
    };
    assert!(own("H20").is_some_and(|v| (v - 0.176).abs() > 0.1));
    assert!(own("Ascend 910C").is_some_and(|v| (v - 0.176).abs() > 0.1));
    assert!(
        c.rows
            .iter()
            .find(|r| r.key == "910c-prefill")
            .is_some_and(|r| r.fitted_on.contains("fallback"))
    );
}
