//! The flagship hybrid fleet (`examples/scenarios/hybrid_fleet.toml`) built
//! in code with the typed API: no TOML, no field mutation after
//! construction. Every figure, and where it comes from, is as in the TOML
//! (which carries the comments); `tests/examples.rs` checks that this
//! scenario equals the TOML's and plans to the same bytes.
//!
//! `cargo run --release --example build_in_code`

use fleetplan::policy::Justification;
use fleetplan::prelude::*;
use fleetplan::units::{Bytes, UsdPerKwh};

const MIIT: &str = "https://www.zerohedge.com/ai/china-urges-tech-giants-avoid-nvidia-h20-chips-after-trump-lifts-sales-ban";
const OCT_2022: &str = "https://www.federalregister.gov/documents/2022/10/13/2022-21658/implementation-of-additional-export-controls-certain-advanced-computing-and-semiconductor";
const OCT_2023: &str = "https://www.federalregister.gov/documents/2023/10/25/2023-23055/implementation-of-additional-export-controls-certain-advanced-computing-items-supercomputer-and";
const APR_2025: &str = "https://www.nbcsandiego.com/news/business/money-report/nvidia-says-it-will-record-5-5-billion-quarterly-charge-tied-to-h20-processors-exported-to-china/3804789/";
const AUG_2025: &str = "https://www.lowyat.net/2025/362202/nvidia-amd-to-pay-15-cut-of-china-chip-sales-to-us-government";
const DOMESTIC: &str = "https://www.techspot.com/community/topics/china-bans-nvidia-amd-and-intel-ai-chips-from-state-funded-data-centers.295333/";
const DAY6: &str = "https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md";
const CLOUDMATRIX: &str = "https://arxiv.org/abs/2506.12708";
const COMMITTED: &str = "availability = share free for this plan [E]; the rest is committed";

fn date(text: &str) -> Result<Date> {
    Ok(text.parse()?)
}

/// An owned, sunk pool of which `free` is available to this plan, with
/// Llama 3's measured MTBF.
fn owned(name: &str, accelerator: &str, count: i32, free: f64) -> Result<Pool> {
    Ok(Pool::owned(name, accelerator, count)
        .with_availability(Fraction::new(free)?)
        .with_note(COMMITTED)
        .with_mtbf(Hours::new(50_677.0)?))
}

fn fleet() -> Result<Vec<Pool>> {
    Ok(vec![
        owned("h800-owned", "H800", 10_000, 0.2)?,
        owned("h100-owned", "H100", 10_000, 0.1)?,
        owned("h20-owned", "H20", 30_000, 0.1)?,
        Pool::new(
            "h20-buy",
            "H20",
            Ownership::purchasable(Usd::new(13_500.0)?).with_lead_time(Days::new(30.0)?),
        )
        .with_mtbf(Hours::new(50_677.0)?),
        Pool::new(
            "ascend-910c-buy",
            "Ascend 910C",
            Ownership::purchasable(Usd::new(28_600.0)?)
                .with_max(70_000)
                .with_lead_time(Days::new(90.0)?),
        )
        .with_software(SoftwareStack::Cann)
        .with_availability(Fraction::new(0.98)?)
        .with_mtbf(Hours::new(9_216.0)?)
        .with_energy_price(UsdPerKwh::new(0.056)?),
    ])
}

fn workload() -> Result<Vec<Phase>> {
    // DeepSeek-V3 [P, arXiv 2412.19437]
    let v3 = ModelArch::moe(671_000_000_000, 37_000_000_000);
    let pretrain = Phase::training(
        "pretrain",
        PhaseKind::Pretraining,
        v3.clone()
            .with_shape(61, 7168, 4096)
            .with_heads(128, None)
            .with_head_dims(192, 128)
            .with_experts(256, 8),
        Precision::Fp8,
    )
    .with_fallback(Precision::Bf16)
    .with_tokens(Tokens::new(14.8e12)?)
    .with_deadline(Days::new(120.0)?)
    .single_pool();
    let posttrain = Phase::training(
        "posttrain",
        PhaseKind::Posttraining,
        v3.clone(),
        Precision::Fp8,
    )
    .with_fallback(Precision::Bf16)
    .with_flops(Flops::new(2.04e23)?)
    .with_start_day(Days::new(120.0)?)
    .with_deadline(Days::new(150.0)?);
    let demand = TokenDemand::new(Tokens::new(3_648e9)?, Tokens::new(1_008e9)?)
        .with_cache_hit(Fraction::new(0.563)?);
    let serve = Phase::inference(
        "serve",
        v3.with_layers(61)
            .with_hidden(7168)
            .with_heads(128, None)
            .with_head_dims(192, 128)
            .with_kv_bytes_per_token(Bytes::new(70_272.0)?),
        Precision::Fp8,
        demand,
    )
    .with_fallback(Precision::Int8)
    .with_context_length(4_989)
    .with_latency(LatencySlo::tpot(Seconds::new(0.050)?))
    .serving(Days::new(120.0)?, None)
    .with_measured(
        Measured::new(
            "H800",
            TokensPerSec::new(9_212.5)?,
            TokensPerSec::new(1_850.0)?,
        )
        .with_source(DAY6)
        .with_note("Day-6 per-node figures divided by 8 GPUs [D]"),
    )
    .with_measured(
        Measured::new(
            "Ascend 910C",
            TokensPerSec::new(6_688.0)?,
            TokensPerSec::new(1_943.0)?,
        )
        .at_tpot(Seconds::new(0.050)?)
        .with_source(CLOUDMATRIX)
        .with_note("CloudMatrix 384, INT8 quantisation"),
    );
    Ok(vec![pretrain, posttrain, serve])
}

fn policy() -> Result<Policy> {
    let us_rule = |accelerators: &[&str], from: &str, status| -> Result<ExportRule> {
        Ok(ExportRule::new(accelerators, Country::CN, status)
            .issued_by(Country::US)
            .from(date(from)?))
    };
    Ok(Policy::new()
        .with_rule(
            us_rule(&["A100", "H100"], "2022-10-07", RuleStatus::Prohibited)?.with_source(OCT_2022),
        )
        .with_rule(
            us_rule(
                &["A800", "H800", "H200", "B200"],
                "2023-10-17",
                RuleStatus::Prohibited,
            )?
            .with_source(OCT_2023),
        )
        .with_rule(
            us_rule(&["H20", "MI308X"], "2025-04-09", RuleStatus::Prohibited)?
                .until(date("2025-08-11")?)
                .with_source(APR_2025),
        )
        .with_rule(
            us_rule(&["H20", "MI308X"], "2025-08-11", RuleStatus::Licensed)?
                .with_levy(Fraction::new(0.15)?)
                .with_pass_through(Fraction::new(1.0)?)
                .with_source(AUG_2025),
        )
        .with_domestic_share(
            DomesticShare::new(PhaseKind::Inference, Fraction::new(0.5)?)
                .with_note("[E] scenario assumption")
                .with_source(DOMESTIC),
        )
        .with_justification(
            Justification::foreign_purchases()
                .from(date("2025-08-12")?)
                .with_source(MIIT),
        ))
}

/// The flagship scenario, built in code.
pub fn scenario() -> Result<Scenario> {
    let mut s = Scenario::new(
        "hybrid-2025q3",
        date("2025-08-15")?,
        Days::new(180.0)?,
        Country::CN,
    )
    .with_description(
        "A lab owning ~10k H800, 10k H100, 30k H20 (mostly committed); Ascend 910C purchasable; US rules of Aug 2025; China's justification and domestic-share rules.",
    )
    .with_objective(Objective::MinCost)
    .with_policy(policy()?)
    .with_economics(Economics::cash())
    .with_budget(
        Budget::new()
            .with_capex(Usd::new(1.6e9)?)
            .with_energy(Energy::new(UsdPerKwh::new(0.11)?, 1.3)),
    );
    for pool in fleet()? {
        s = s.with_pool(pool);
    }
    for phase in workload()? {
        s = s.with_phase(phase);
    }
    Ok(s)
}

/// Builds, validates, plans (fractional devices, as `hybrid_fleet` does)
/// and verifies the plan independently.
pub fn run() -> Result<(Scenario, Plan, VerifyReport)> {
    let s = scenario()?;
    let vs = s.clone().validate()?;
    let p = plan(&vs, &PlanOptions::default().with_fractional(true))?;
    let report = verify(&vs, &p);
    Ok((s, p, report))
}

#[allow(dead_code)]
fn main() -> Result<()> {
    let (_, p, report) = run()?;
    println!(
        "{:?}, verified: {}: ${:.0}",
        p.status,
        report.is_ok(),
        p.cost.total_usd.get()
    );
    for a in &p.assignments {
        println!("{} on {}: {:.0} devices", a.phase, a.pool, a.devices.get());
    }
    Ok(())
}
