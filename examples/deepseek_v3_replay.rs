//! DeepSeek-V3's published training bill, recomputed from its architecture,
//! its token count and its published MFU with fleetplan's performance model.
//! Run with `cargo run --release --example deepseek_v3_replay`.
//!
//! This is a **consistency check, not a prediction**: the MFU (38.94%, ISCA'25)
//! was measured on this very run, so agreement with its 54.2 days tests only
//! the FLOP count per token (6N plus causal MLA attention) and the unit
//! arithmetic. The 385 TFLOP/s row is the MFU times the peak, an identity.
//! Held-out predictions (an MFU fitted on one run predicting another) are in
//! `examples/calibration.rs`.
//!
//! Sources: DeepSeek-V3 technical report (arXiv 2412.19437): 671B/37B MoE,
//! 61 layers, MLA with 128 heads (qk 192, v 128), 4K sequence, 14.8T tokens,
//! 2,048 H800; 2,664K GPU-hours of pre-training, 2,788K in all, $5.576M at
//! $2/GPU-hour. ISCA'25 (arXiv 2505.09343): 385 TFLOP/s per GPU, MFU 38.94%.

use fleetplan::catalog::{Catalog, Precision, Support};
use fleetplan::fleet::SoftwareStack;
use fleetplan::perf::defaults;
use fleetplan::perf::flops::{FlopsRule, TransformerShape};
use fleetplan::perf::training::{CommModel, TrainingInputs};
use fleetplan::units::{Hours, UsdPerHour};
use fleetplan::workload::PhaseKind;
use fleetplan::{Error, Result};

/// One published figure and its recomputation.
pub struct Row {
    /// What it is.
    pub what: &'static str,
    /// The published value.
    pub published: f64,
    /// fleetplan's value.
    pub computed: f64,
}

/// Recomputes V3's pre-training from the inputs only (the published results
/// are compared with, never used).
///
/// # Errors
/// When a catalogue figure or default is missing.
pub fn run() -> Result<Vec<Row>> {
    let missing = |w: &str| Error::model(format!("missing {w}"));
    let h800 = Catalog::builtin()
        .get("H800")
        .ok_or_else(|| missing("H800"))?
        .clone();
    let Support::Dense(bf16) = h800.support(Precision::Bf16) else {
        return Err(missing("H800 BF16 peak"));
    };
    // the published 38.94% MFU, as the H800 default (relative to BF16 peak)
    let mfu = defaults::training_mfu(
        &h800,
        SoftwareStack::Cuda,
        PhaseKind::Pretraining,
        defaults::ModelType::Moe,
        Precision::Fp8,
    )
    .ok_or_else(|| missing("MFU default"))?;
    let v3 = TransformerShape::DEEPSEEK_V3;
    let work = v3
        .training_flops_per_token(FlopsRule::SixNPlusAttention, Some(4096))
        .get()
        * 14.8e12;
    let inputs = TrainingInputs {
        peak: bf16,
        mfu: mfu.mfu.value.ok_or_else(|| missing("MFU value"))?,
        mfu_devices: mfu.devices,
        mfu_scale_out: mfu.scale_out,
        domain: 8, // 8 GPUs per NVLink node
        scale_out: h800.scale_out_bandwidth.value,
        comm: CommModel {
            bytes_per_flop: defaults::comm_bytes_per_flop()
                .value
                .ok_or_else(|| missing("comm"))?,
            overlap: defaults::comm_overlap()
                .value
                .ok_or_else(|| missing("overlap"))?,
        },
        // the published GPU-hours are throughput-based (no failures counted)
        reliability: None,
        curve: None,
    };
    let rate = inputs.rate(2048.0);
    let seconds = work / (2048.0 * rate.effective.get());
    let gpu_hours = 2048.0 * seconds / 3600.0;
    // context extension (119K) and post-training (5K) are the report's inputs
    let total = gpu_hours + 119_000.0 + 5_000.0;
    let unit = |e: fleetplan::units::UnitError| Error::model(e.to_string());
    let bill = UsdPerHour::new(2.0).map_err(unit)? * Hours::new(total).map_err(unit)?;
    let row = |what, published, computed| Row {
        what,
        published,
        computed,
    };
    Ok(vec![
        row("TFLOP/s per H800", 385.0, rate.effective.tera()),
        row("pre-training GPU-hours (K)", 2_664.0, gpu_hours / 1e3),
        row(
            "GPU-hours per trillion tokens (K)",
            180.0,
            gpu_hours / 14.8 / 1e3,
        ),
        row("pre-training days on 2,048 H800", 54.2, seconds / 86_400.0),
        row("all GPU-hours (K)", 2_788.0, total / 1e3),
        row("cost at $2/GPU-hour ($M)", 5.576, bill.get() / 1e6),
    ])
}

fn main() -> Result<()> {
    println!("DeepSeek-V3 pre-training, published vs recomputed (arXiv 2412.19437, 2505.09343)");
    println!(
        "consistency check: the MFU comes from this run, so only the FLOP count and the arithmetic are tested"
    );
    println!("(held-out predictions: cargo run --release --example calibration)");
    println!(
        "{:<36} {:>12} {:>12} {:>8}",
        "figure", "published", "computed", "diff"
    );
    for r in run()? {
        let diff = 100.0 * (r.computed - r.published) / r.published;
        println!(
            "{:<36} {:>12.3} {:>12.3} {:>+7.2}%",
            r.what, r.published, r.computed, diff
        );
    }
    Ok(())
}
