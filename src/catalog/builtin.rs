//! The built-in catalogue entries.
//!
//! Every figure comes from the project's reference data
//! (`shared/reference/domain.md` §1 and `accelerators.csv`, compiled from the
//! URLs cited here); labels follow that file: `[P]` primary, `[S]` secondary,
//! `[L]` low, `[E]` estimate (every price), `[D]` derived by us (the note says
//! from what). TFLOP/s are dense (no 2:4 sparsity). Unknown figures are left
//! unknown. Kept as Rust (not an embedded data file) so that the table is
//! type-checked and `Catalog::builtin()` cannot fail.

use super::{Accelerator, Confidence, Country, Peak, ProductStatus, Sourced};
use crate::fleet::Count;
use crate::units::{Bytes, BytesPerSec, Date, FlopsPerSec, Usd, UsdPerHour, Watts};

use Confidence::{Derived as D, Estimate as E, Primary as P, Secondary as S};

// Sources (domain.md §1).
const GK_A100: &str = "https://glennklockwood.com/garden/processors/A100";
const THUNDER_A100: &str = "https://www.thundercompute.com/blog/nvidia-a100-specs-full-guide";
const KUNWAR: &str = "https://www.kunwar.page/chapter/appendix-d-hardware-reference";
const MERCATUS: &str = "https://www.mercatus-ai.com/blog/cloud-gpu-pricing";
const ARTHUR_SHEETS: &str = "https://github.com/ArthurChiao/arthurchiao.github.io/blob/master/_posts/2023-10-25-gpu-data-sheets.md";
const ARTHUR_NODE: &str = "https://github.com/ArthurChiao/arthurchiao.github.io/blob/master/_posts/2023-09-16-gpu-advanced-notes-2-zh.md";
const GK_H100: &str = "https://glennklockwood.com/garden/processors/h100";
const LLAMA3_SETUP: &str = "https://ai-papers.xuzou.cn/papers/llama3_2024";
const AWESOME_H100: &str = "https://awesomeagents.ai/hardware/nvidia-h100";
const COMPUX: &str = "https://compux.net/docs/guides/gpu-pricing-trends-2026";
const DS_ISCA: &str = "https://arxiv.org/abs/2505.09343";
const DS_V3: &str = "https://arxiv.org/abs/2412.19437";
const DS_DAY6: &str = "https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md";
const AIWIKI_H800: &str = "https://aiwiki.ai/wiki/nvidia_h800";
const ELECTRONNEXUS: &str = "https://electronnexus.com/gaming/nvidia-h800-h100-ai-gpu-choice";
const REUTERS_PRICES: &str = "https://dunyanews.tv/amp/english/788751.php";
const TOMS_H20: &str = "https://www.tomshardware.com/pc-components/gpus/new-nvidia-ai-gpus-designed-to-get-around-us-export-bans-come-to-china-h20-l20-and-l2-to-fill-void-left-by-restricted-models";
const REGISTER_H20: &str = "https://www.theregister.com/2023/11/27/nvidia_china_h20_accelerator/";
const SMBOM_H20: &str = "https://www.smbom.com/news/13059";
const LZW_H200: &str = "https://lzwjava.github.io/nvidia-h200-gpu-specs-en";
const RUNLOCAL: &str = "https://runlocalai.co/pulse/nvidia-b200-production-ramp-pricing";
const GK_B200: &str = "https://glennklockwood.com/garden/processors/B200";
const SPHERON_B200: &str = "https://www.spheron.network/blog/nvidia-b200-complete-guide";
const HMC_B200: &str = "https://hmc-tech.com/gpus/nvidia-b200-vs-nvidia-b100";
const LYCEUM_B200: &str = "https://lyceum.technology/magazine/nvidia-b200-gpu-cloud-pricing-2026/";
const JW_MI300: &str =
    "https://www.jaredwatkins.com/research/ai-accelerators/amd-instinct/mi300-series/";
const AMD_MI300X_SHEET: &str = "https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf";
const AMD_MI300X_PAGE: &str =
    "https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html";
const NV_DGX_B200: &str = "https://www.nvidia.com/en-us/data-center/dgx-b200/";
const HOTHW_LEVY: &str =
    "https://hothardware.com/news/nvidia-amd-pay-us-govt-15-revenue-ai-chips-sold-china";
const TOMS_MI309: &str = "https://www.tomshardware.com/tech-industry/artificial-intelligence/amds-custom-instinct-mi309-gpu-for-china-fails-export-license-test-from-us-government";
const GITEE_910B: &str = "https://ai.gitee.com/docs/compute/clusters_gpu/ascend_gpu";
const LIMULIDAE: &str = "https://github.com/gameofdimension/limulidae";
const CSET: &str = "https://cset.georgetown.edu/publication/pushing-the-limits-huaweis-ai-chip-tests-u-s-export-controls";
const WINBUZZER_CM384: &str = "https://winbuzzer.com/2025/04/20/huawei-cloudmatrix-384-ai-cluster-outperforms-nvidia-gb200-xcxwbn/";
const SEMI_CM384: &str = "https://semianalysis.com/2025/04/16/huawei-ai-cloudmatrix-384-chinas-answer-to-nvidia-gb200-nvl72";
const CM_PAPER: &str = "https://arxiv.org/abs/2506.12708";
const REPORTIFY_CM: &str = "https://reportify.ai/social-media/688413268697636";
const REPORTIFY_ROADMAP: &str = "https://reportify.ai/social-media/721274785461778";
const TPU_920C: &str = "https://techpowerup.com/335749/huawei-prepares-6-nm-ascend-920c-accelerator-900-teraflops-4000-gb-s-hbm3";
const AWESOME_910C: &str = "https://awesomeagents.ai/hardware/huawei-ascend-910c";
const TOMS_910C: &str = "https://www.tomshardware.com/pc-components/gpus/huawei-guns-for-nvidia-market-share-in-china-ascend-910c-gpu-customer-sampling-begins";
const EMERGENT_CM: &str = "https://www.emergentmind.com/topics/cloudmatrix-datacenter-architecture";
const CLOUDNEWS_950: &str = "https://cloudnews.tech/huawei-shows-muscle-with-its-ai-chip-roadmap-own-hbm-memory-1-pflops-in-fp8-and-a-step-by-step-plan-to-2028";
const DEEPTECH_950: &str = "https://deeptechbytes.com/huawei-declares-new-ascend-chips-to-power-worlds-most-powerful-clusters";
const BESTHUB_950: &str = "https://www.besthub.dev/articles/huawei-ascend-ai-chip-detailed-specs-comparison-2025-2028-roadmap-a247a4760c30";

fn src<T>(value: T, confidence: Confidence, sources: &[&str], note: &str) -> Sourced<T> {
    Sourced {
        value: Some(value),
        sources: sources.iter().map(|s| (*s).to_string()).collect(),
        confidence,
        note: (!note.is_empty()).then(|| note.to_string()),
    }
}

fn unknown<T>(note: &str) -> Sourced<T> {
    Sourced {
        note: (!note.is_empty()).then(|| note.to_string()),
        ..Sourced::unknown()
    }
}

fn tf(tflops: f64, c: Confidence, sources: &[&str], note: &str) -> Sourced<Peak> {
    src(
        Peak::Dense(FlopsPerSec::from_tera(tflops)),
        c,
        sources,
        note,
    )
}

fn no(c: Confidence, sources: &[&str], note: &str) -> Sourced<Peak> {
    src(Peak::Unsupported, c, sources, note)
}

fn gb(x: f64, c: Confidence, sources: &[&str], note: &str) -> Sourced<Bytes> {
    src(Bytes::from_gb(x), c, sources, note)
}

fn tb_s(x: f64, c: Confidence, sources: &[&str], note: &str) -> Sourced<BytesPerSec> {
    src(BytesPerSec::from_tb_per_sec(x), c, sources, note)
}

fn gb_s(x: f64, c: Confidence, sources: &[&str], note: &str) -> Sourced<BytesPerSec> {
    src(BytesPerSec::from_gb_per_sec(x), c, sources, note)
}

fn n(x: u64, c: Confidence, sources: &[&str], note: &str) -> Sourced<Count> {
    src(Count::new(x), c, sources, note)
}

fn w(x: f64, c: Confidence, sources: &[&str], note: &str) -> Sourced<Watts> {
    src(Watts::from_raw(x), c, sources, note)
}

fn usd(x: f64, sources: &[&str], note: &str) -> Sourced<Usd> {
    src(Usd::from_raw(x), E, sources, note)
}

fn usd_h(x: f64, sources: &[&str], note: &str) -> Sourced<UsdPerHour> {
    src(UsdPerHour::from_raw(x), E, sources, note)
}

fn day(y: i32, m: u32, d: u32, c: Confidence, sources: &[&str], note: &str) -> Sourced<Date> {
    match Date::new(y, m, d) {
        Ok(date) => src(date, c, sources, note),
        // Literal dates below are calendar dates (checked by a test).
        Err(_) => unknown(note),
    }
}

fn entry(
    name: &str,
    aliases: &[&str],
    vendor: &str,
    origin: Country,
    status: ProductStatus,
) -> Accelerator {
    let mut a = Accelerator::new(name, vendor, origin, status);
    a.aliases = aliases.iter().map(|s| (*s).to_string()).collect();
    a
}

fn notes(a: &mut Accelerator, list: &[&str]) {
    a.notes = list.iter().map(|s| (*s).to_string()).collect();
}

const NVIDIA_FP16: &str =
    "NVIDIA tensor cores run dense FP16 at the BF16 rate (datasheet tables list them together)";
const NO_FP4: &str =
    "FP4 tensor formats arrive with Blackwell (NVIDIA) and the Ascend 950 (Huawei)";
const HGX8: &str = "HGX/DGX baseboard: 8 GPUs on one NVLink/NVSwitch domain, 8 per server";

/// The built-in entries, in catalogue order.
pub(super) fn entries() -> Vec<Accelerator> {
    vec![
        a100(),
        a800(),
        h100(),
        h800(),
        h20(),
        h200(),
        b200(),
        mi300x(),
        mi308x(),
        ascend_910b(),
        ascend_910c(),
        cloudmatrix_384(),
        ascend_950pr(),
        ascend_950dt(),
    ]
}

fn a100() -> Accelerator {
    let sp = &[GK_A100, THUNDER_A100];
    let mut a = entry(
        "A100",
        &["A100 SXM", "A100 SXM 80GB", "A100 80GB"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    a.peak_bf16 = tf(312.0, P, sp, "glennklockwood cites the NVIDIA datasheet");
    a.peak_fp16 = tf(312.0, D, sp, NVIDIA_FP16);
    a.peak_fp8 = no(P, sp, "Ampere has no FP8 tensor format");
    a.peak_int8 = tf(624.0, P, sp, "");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(80.0, P, sp, "HBM2e");
    a.hbm_bandwidth = tb_s(2.039, P, sp, "");
    a.scale_up_bandwidth = gb_s(600.0, P, sp, "NVLink3, aggregate bidirectional");
    a.scale_up_domain = n(8, D, sp, HGX8);
    a.node_size = n(8, D, sp, HGX8);
    a.tdp = w(400.0, P, sp, "SXM");
    a.purchase_price = usd(12_500.0, &[KUNWAR], "midpoint of ≈$10-15k [L]");
    a.rental_price = usd_h(
        1.5,
        &[MERCATUS],
        "midpoint-ish of the 2026 range $0.80-3.00/h",
    );
    notes(
        &mut a,
        &["Licence required for China from 7 Oct 2022 (BIS advanced-computing rule)."],
    );
    a
}

fn a800() -> Accelerator {
    let sp = &[ARTHUR_SHEETS];
    let mut a = entry(
        "A800",
        &["A800 SXM", "A800 SXM 80GB", "A800 80GB"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    a.peak_bf16 = tf(312.0, S, sp, "same GA100 as the A100");
    a.peak_fp16 = tf(312.0, D, sp, NVIDIA_FP16);
    a.peak_fp8 = no(S, sp, "Ampere has no FP8 tensor format");
    a.peak_int8 = tf(624.0, S, sp, "");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(80.0, S, sp, "HBM2e");
    a.hbm_bandwidth = tb_s(
        2.039,
        E,
        &[ARTHUR_SHEETS, GK_A100],
        "not given by the source; assumed equal to the A100 SXM 80GB (same GA100 package)",
    );
    a.scale_up_bandwidth = gb_s(
        400.0,
        S,
        sp,
        "NVLink cut from 600 to 400 GB/s to pass the Oct 2022 600 GB/s threshold",
    );
    a.scale_up_domain = n(8, D, sp, HGX8);
    a.node_size = n(8, D, sp, HGX8);
    a.tdp = w(400.0, S, sp, "SXM; 300 W for PCIe");
    notes(
        &mut a,
        &["China variant of the A100; banned by the 17 Oct 2023 rule."],
    );
    a
}

fn h100() -> Accelerator {
    let sp = &[GK_H100];
    let mut a = entry(
        "H100",
        &["H100 SXM5", "H100 SXM", "H100 80GB"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    a.peak_bf16 = tf(989.4, P, sp, "dense; datasheets print the sparse 1979");
    a.peak_fp16 = tf(989.4, D, sp, NVIDIA_FP16);
    a.peak_fp8 = tf(1978.9, P, sp, "dense");
    a.peak_int8 = tf(1978.9, P, sp, "dense");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(80.0, P, sp, "HBM3");
    a.hbm_bandwidth = tb_s(3.35, P, sp, "");
    a.scale_up_bandwidth = gb_s(900.0, P, sp, "NVLink4, aggregate bidirectional");
    a.scale_up_domain = n(8, D, &[GK_H100, LLAMA3_SETUP], HGX8);
    a.scale_out_bandwidth = gb_s(
        50.0,
        P,
        &[LLAMA3_SETUP],
        "400 Gb/s per GPU as deployed in Meta's Llama 3 cluster (a deployment, not a chip spec)",
    );
    a.node_size = n(8, D, &[GK_H100, LLAMA3_SETUP], HGX8);
    a.tdp = w(700.0, P, sp, "SXM5");
    a.purchase_price = usd(
        27_500.0,
        &[AWESOME_H100],
        "midpoint of $25-30k new [L]; used $22-25k (2026)",
    );
    a.rental_price = usd_h(
        2.35,
        &[
            COMPUX,
            "https://costnimbus.com/article/gpu-cost-management-ml-teams",
        ],
        "SemiAnalysis index, Mar 2026 ($1.70 in Oct 2025); on-demand range ≈$1.49-6.98/h",
    );
    notes(
        &mut a,
        &[
            "Licence required for China from 7 Oct 2022; prohibited in practice.",
            "Llama 3 405B BF16 MFU on H100: 43% at 8,192 GPUs, 41% at 16,384 (arXiv 2407.21783).",
        ],
    );
    a
}

fn h800() -> Accelerator {
    let mut a = entry(
        "H800",
        &["H800 SXM5", "H800 SXM"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    let die =
        "same GH100 die as the H100 (DeepSeek's 385 TFLOPS at 38.94% MFU implies a 988.7 peak)";
    a.peak_bf16 = tf(989.0, D, &[DS_ISCA, GK_H100], die);
    a.peak_fp16 = tf(989.0, D, &[DS_ISCA, GK_H100], NVIDIA_FP16);
    a.peak_fp8 = tf(
        1979.0,
        D,
        &[GK_H100, DS_V3],
        "H100 dense FP8 (same die); DeepSeek-V3 trained in FP8 on H800",
    );
    a.peak_int8 = tf(
        1979.0,
        D,
        &[GK_H100],
        "H100 dense INT8 (same die); no separate source for the H800",
    );
    a.peak_fp4 = no(D, &[GK_H100], NO_FP4);
    a.hbm_capacity = gb(80.0, S, &[AIWIKI_H800], "HBM3");
    a.hbm_bandwidth = tb_s(3.35, S, &[AIWIKI_H800], "same as the H100 SXM5");
    a.scale_up_bandwidth = gb_s(
        400.0,
        P,
        &[DS_ISCA],
        "\"NVLink bandwidth in H800 SXM nodes is reduced from 900 GB/s to 400 GB/s\"; measured ≈160 GB/s",
    );
    a.scale_up_domain = n(8, P, &[DS_V3], "8 H800 per node over NVLink/NVSwitch");
    a.scale_out_bandwidth = gb_s(
        50.0,
        P,
        &[DS_ISCA, DS_V3],
        "8×400G InfiniBand CX7 per 8-GPU node; measured ≈50 GB/s",
    );
    a.node_size = n(8, P, &[DS_V3], "");
    a.tdp = w(
        700.0,
        E,
        &[GK_H100, ELECTRONNEXUS],
        "[E] estimate, UNCONFIRMED: no NVIDIA H800 data sheet found; assumed equal to the H100 SXM5 (same GH100 die and SXM5 board); one low-quality page says 550 W",
    );
    a.purchase_price = usd(
        35_000.0,
        &[REUTERS_PRICES],
        "[D] 8-GPU server ≈2.0M CNY at launch ≈250k CNY per GPU incl. server",
    );
    a.rental_price = usd_h(
        2.0,
        &[DS_V3, DS_DAY6],
        "DeepSeek's own assumption [P] in the V3 report and the Day-6 post",
    );
    notes(
        &mut a,
        &[
            "Launched 21 Mar 2023; sale to China ended with the 17 Oct 2023 rule. FP64 cut to ≈1 TFLOPS [L].",
            "DeepSeek-V3 pre-training: 2,048 H800, 385 TFLOPS/GPU causal = MFU 38.94% of the BF16 peak (ISCA'25 Table 4).",
        ],
    );
    a
}

fn h20() -> Accelerator {
    let sp = &[TOMS_H20, REGISTER_H20];
    let mut a = entry(
        "H20",
        &["H20 HGX", "H20 (HGX)", "HGX H20"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    a.peak_bf16 = tf(148.0, S, sp, "");
    a.peak_fp16 = tf(148.0, D, sp, NVIDIA_FP16);
    a.peak_fp8 = tf(296.0, S, sp, "TPP = 296 × 8 = 2,368 < 4,800 [D]");
    a.peak_int8 = tf(296.0, S, sp, "");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(
        96.0,
        S,
        sp,
        "HBM3; an early table (ArthurChiao, 2023) said 80 GB",
    );
    a.hbm_bandwidth = tb_s(4.0, S, sp, "");
    a.scale_up_bandwidth = gb_s(900.0, S, sp, "NVLink4");
    a.scale_up_domain = n(8, D, sp, HGX8);
    a.node_size = n(8, D, sp, HGX8);
    a.tdp = w(400.0, S, &[SMBOM_H20], "");
    a.purchase_price = usd(
        13_500.0,
        &[REUTERS_PRICES],
        "midpoint of $12-15k per card (Reuters, early 2024); distributors ≈110k CNY",
    );
    a.rental_price = unknown("no rental price found");
    notes(
        &mut a,
        &[
            "China-specific Hopper. Licence required from 9 Apr 2025; licences promised Jul 2025; 15% revenue share from ≈11 Aug 2025; China discouraged purchases from ≈12 Aug 2025.",
            "SemiAnalysis: >20% faster than the H100 for LLM inference (bandwidth-rich, compute-poor).",
            "May 2024: sold at a >10% discount to the Ascend 910B.",
        ],
    );
    a
}

fn h200() -> Accelerator {
    let sp = &[GK_H100];
    let mut a = entry(
        "H200",
        &["H200 SXM", "H200 SXM5"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    let same = "same compute as the H100; several pages print the sparse 1979 as BF16";
    a.peak_bf16 = tf(989.0, S, sp, same);
    a.peak_fp16 = tf(989.0, D, sp, NVIDIA_FP16);
    a.peak_fp8 = tf(1979.0, S, sp, "dense");
    a.peak_int8 = tf(1979.0, S, sp, "dense");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(141.0, S, &[GK_H100, LZW_H200], "HBM3e");
    a.hbm_bandwidth = tb_s(4.8, S, &[GK_H100, LZW_H200], "");
    a.scale_up_bandwidth = gb_s(900.0, S, sp, "NVLink4");
    a.scale_up_domain = n(8, D, sp, HGX8);
    a.node_size = n(8, D, sp, HGX8);
    a.tdp = w(700.0, S, sp, "");
    a.purchase_price = usd(
        29_500.0,
        &[RUNLOCAL],
        "midpoint of $28-31k retail (2026) [L]",
    );
    a.rental_price = usd_h(3.5, &[MERCATUS], "from the $2.50-7.00/h range");
    notes(
        &mut a,
        &[
            "US allowed China sales to approved customers with 25% to the US (8 Dec 2025); BIS case-by-case review effective 15 Jan 2026; China customs blocked imports Jan 2026.",
        ],
    );
    a
}

fn b200() -> Accelerator {
    let sp = &[GK_B200, SPHERON_B200];
    let mut a = entry(
        "B200",
        &["B200 HGX", "B200 (HGX 1000W)", "HGX B200"],
        "NVIDIA",
        Country::US,
        ProductStatus::Shipping,
    );
    let cfg = "HGX at 1000 W; the GB200 variant at 1200 W gives 2500 BF16 / 5000 FP8";
    a.peak_bf16 = tf(2250.0, S, sp, cfg);
    a.peak_fp16 = tf(2250.0, D, sp, NVIDIA_FP16);
    a.peak_fp8 = tf(4500.0, S, sp, cfg);
    a.peak_int8 = tf(4500.0, S, sp, "");
    a.peak_fp4 = tf(9000.0, S, sp, "dense FP4");
    a.hbm_capacity = gb(
        180.0,
        P,
        &[NV_DGX_B200],
        "HBM3e; DGX B200: 1,440 GB of GPU memory over 8 GPUs = 180 GB per GPU as shipped in HGX/DGX B200 (the 192 GB of some pages is the raw stack capacity, not what HGX/DGX ship)",
    );
    a.hbm_bandwidth = tb_s(
        8.0,
        P,
        &[NV_DGX_B200, GK_B200, SPHERON_B200, HMC_B200],
        "DGX B200: 64 TB/s of HBM3e bandwidth over 8 GPUs; one source gives 7.7 TB/s [L]",
    );
    a.scale_up_bandwidth = gb_s(1800.0, S, sp, "NVLink5");
    a.scale_up_domain = n(
        8,
        D,
        sp,
        "HGX B200: 8 GPUs per NVLink domain (72 in a GB200 NVL72 rack)",
    );
    a.node_size = n(8, D, sp, HGX8);
    a.tdp = w(1000.0, S, sp, "HGX configuration");
    a.system_power = w(
        1787.5,
        D,
        &[NV_DGX_B200],
        "DGX B200: ≈14.3 kW maximum / 8 GPUs, CPUs, NICs and fans included; reference only (energy is costed on chip TDP for every accelerator)",
    );
    a.purchase_price = usd(
        41_500.0,
        &[RUNLOCAL],
        "midpoint of $40-43k [L]; one outlier claims $70k",
    );
    a.rental_price = usd_h(
        5.25,
        &[
            LYCEUM_B200,
            "https://inworld.ai/resources/nvidia-b200-gpu-cloud",
        ],
        "midpoint of $4.50-6.00 specialist on-demand; spot ≈2.25; overall range 2.65-14.24",
    );
    notes(
        &mut a,
        &["Not exportable to China (Nov 2025: no Blackwell for China)."],
    );
    a
}

fn mi300x() -> Accelerator {
    let sp = &[AMD_MI300X_SHEET, AMD_MI300X_PAGE];
    let mut a = entry(
        "MI300X",
        &["AMD Instinct MI300X", "Instinct MI300X"],
        "AMD",
        Country::US,
        ProductStatus::Shipping,
    );
    let dense =
        "AMD data sheet, dense (the sheet's \"with structured sparsity\" figures are twice this)";
    a.peak_bf16 = tf(1307.4, P, sp, dense);
    a.peak_fp16 = tf(1307.4, P, sp, dense);
    a.peak_fp8 = tf(2614.9, P, sp, dense);
    a.peak_int8 = tf(2614.9, P, sp, dense);
    a.peak_fp4 = no(
        D,
        sp,
        "CDNA 3 lists no FP4/FP6 formats (they arrive with CDNA 4, the MI350 series)",
    );
    a.hbm_capacity = gb(192.0, P, sp, "HBM3");
    a.hbm_bandwidth = tb_s(5.3, P, sp, "peak theoretical memory bandwidth");
    a.scale_up_bandwidth = gb_s(
        896.0,
        D,
        sp,
        "7 Infinity Fabric links × 128 GB/s peak each (data sheet), aggregate",
    );
    a.scale_up_domain = n(
        8,
        P,
        sp,
        "AMD Instinct MI300X platform: 8 OAM GPUs fully connected by Infinity Fabric",
    );
    a.node_size = n(8, P, sp, "8 GPUs per MI300X platform");
    a.tdp = w(
        750.0,
        P,
        sp,
        "total board power (AMD's basis; the chip-level figure AMD publishes)",
    );
    notes(
        &mut a,
        &[
            "Figures from AMD's own MI300X data sheet. An earlier entry used rounded values (≈1,300 BF16 / ≈2,600 FP8) from an AI-maintained page [L].",
            JW_MI300,
        ],
    );
    a
}

fn mi308x() -> Accelerator {
    let mut a = entry(
        "MI308X",
        &["AMD Instinct MI308X", "Instinct MI308X", "MI308"],
        "AMD",
        Country::US,
        ProductStatus::Shipping,
    );
    let nf = "specifications not found in any source";
    a.peak_bf16 = unknown(nf);
    a.peak_fp8 = unknown(nf);
    a.hbm_capacity = unknown(nf);
    notes(
        &mut a,
        &[
            "SPECS NOT FOUND. China-specific part: licence required from Apr 2025 (AMD ≈$800M write-off); 15% revenue-share licence deal Aug 2025.",
            "Its predecessor plan MI309 failed the 2024 export test (<600 FP8 TFLOPS / TPP < 4,800 rule of thumb).",
            HOTHW_LEVY,
            TOMS_MI309,
        ],
    );
    a
}

fn ascend_910b() -> Accelerator {
    let sp = &[ARTHUR_SHEETS];
    let mut a = entry(
        "Ascend 910B",
        &["Huawei Ascend 910B", "910B"],
        "Huawei",
        Country::CN,
        ProductStatus::Shipping,
    );
    let var = "variant-dependent (910B1-B4): FP16 280-376 TFLOPS across sources; 320 used; measured BF16 GEMM 328 (vs A800 286)";
    a.peak_bf16 = tf(320.0, S, &[ARTHUR_SHEETS, GITEE_910B, LIMULIDAE, CSET], var);
    a.peak_fp16 = tf(320.0, S, &[ARTHUR_SHEETS, GITEE_910B, CSET], var);
    a.peak_fp8 = no(S, sp, "not supported");
    a.peak_int8 = tf(640.0, S, sp, "");
    a.peak_fp4 = no(D, sp, NO_FP4);
    a.hbm_capacity = gb(64.0, S, sp, "HBM2e");
    a.hbm_bandwidth = tb_s(
        1.6,
        D,
        &[ARTHUR_SHEETS, WINBUZZER_CM384],
        "910C's 3.2 TB/s over its 2 dies; other sources 1.2 [L] or 0.4 [L, likely wrong]",
    );
    a.scale_up_bandwidth = gb_s(
        392.0,
        S,
        &[ARTHUR_SHEETS, ARTHUR_NODE],
        "aggregate HCCS; 56 GB/s per peer link, 8-card full mesh without a switch; measured 2-card all_reduce 18 GB/s vs A800 143",
    );
    a.scale_up_domain = n(8, S, &[ARTHUR_NODE], "8-card HCCS full mesh");
    a.scale_out_bandwidth = gb_s(
        25.0,
        S,
        &[ARTHUR_NODE],
        "200 Gb/s RoCE per NPU (Huawei Cloud node: 8×200G)",
    );
    a.node_size = n(8, S, &[ARTHUR_NODE], "");
    a.tdp = w(400.0, S, sp, "");
    a.purchase_price = usd(
        16_700.0,
        &[REUTERS_PRICES],
        "≈120,000 CNY (Reuters 2024) [S]; Baidu's 1,600 for $62M ≈ $39k each, probably with systems",
    );
    a.rental_price = unknown("no rental price found");
    notes(
        &mut a,
        &[
            "CSET: the FP16 peak rose by 80 TFLOPS from the 910 to the 910B, about 25% of it from a changed peak-counting method.",
            "Measured 8-card all_reduce bus bandwidth 72 GB/s (910B) vs 89 GB/s (A800) (limulidae).",
        ],
    );
    a
}

fn ascend_910c() -> Accelerator {
    let mut a = entry(
        "Ascend 910C",
        &["Huawei Ascend 910C", "910C"],
        "Huawei",
        Country::CN,
        ProductStatus::Shipping,
    );
    a.peak_bf16 = tf(
        780.0,
        S,
        &[WINBUZZER_CM384, SEMI_CM384],
        "SemiAnalysis; see notes for 752 and 800",
    );
    a.peak_fp16 = tf(
        800.0,
        P,
        &[REPORTIFY_ROADMAP],
        "Huawei keynote figure, \"800 FP16\"",
    );
    a.peak_fp8 = no(
        S,
        &[CLOUDNEWS_950, REPORTIFY_ROADMAP],
        "FP8 arrives with the Ascend 950",
    );
    a.peak_int8 = unknown("not found");
    a.peak_fp4 = no(D, &[CLOUDNEWS_950], NO_FP4);
    a.hbm_capacity = gb(
        128.0,
        S,
        &[WINBUZZER_CM384, EMERGENT_CM],
        "one low-confidence source says 96 GB",
    );
    a.hbm_bandwidth = tb_s(
        3.2,
        S,
        &[WINBUZZER_CM384, EMERGENT_CM],
        "one low-confidence source says 1.8 TB/s",
    );
    a.scale_up_bandwidth = gb_s(
        784.0,
        P,
        &[REPORTIFY_ROADMAP],
        "Huawei; TechPowerUp says 400 GB/s chip-to-chip",
    );
    a.scale_up_domain = n(
        8,
        S,
        &[EMERGENT_CM, CM_PAPER],
        "one 8-NPU node (how the chip is sold and bought); the 384-NPU supernode is its own entry, \"CloudMatrix 384\"",
    );
    a.scale_out_bandwidth = unknown("scale-out NIC rate not found");
    a.node_size = n(
        8,
        S,
        &[EMERGENT_CM, CM_PAPER],
        "CloudMatrix 384 = 48 compute nodes × 8 NPUs (summary of arXiv 2506.12708)",
    );
    a.tdp = w(
        800.0,
        E,
        &[ARTHUR_SHEETS, SEMI_CM384, WINBUZZER_CM384],
        "[E] estimate: Huawei publishes no chip TDP; two 910B-class dies at the 910B's 400 W [S] each. Used because energy is costed on chip TDP for every accelerator; override under [[accelerators]] with a measured figure",
    );
    a.system_power = w(
        1456.0,
        D,
        &[SEMI_CM384, WINBUZZER_CM384],
        "CloudMatrix 384 ≈559 kW / 384 NPUs, including optics, Kunpeng CPUs and networking; reference only (not comparable with chip TDPs, so not priced)",
    );
    a.purchase_price = usd(28_600.0, &[TOMS_910C], "[D] 70,000 chips ≈ $2B");
    a.rental_price = unknown("no rental price found");
    notes(
        &mut a,
        &[
            "SOURCES DISAGREE on dense BF16: 780 (SemiAnalysis, used), 752 (CloudMatrix paper, arXiv 2506.12708 [P]), \"800 FP16\" (Huawei keynote [P]).",
            "SOURCES DISAGREE on memory: 128 GB at 3.2 TB/s (used) vs 96 GB at 1.8 TB/s [L, awesomeagents.ai]; on interconnect: 784 GB/s (Huawei, used) vs 400 (TechPowerUp).",
            "Dual-die package; some reports describe a single compute chiplet [L].",
            "CloudMatrix-Infer serving DeepSeek-R1 (INT8, EP320): prefill 6,688 tok/s per NPU, decode 1,943 tok/s per NPU at <50 ms TPOT [P].",
            "\"≈60% of H100 inference performance\" comes from a social-media post (Yuchen Jin), not a DeepSeek publication.",
            "Huawei claims: CloudMatrix supernode MTBF >24 h; 10k-card cluster availability 98%.",
            CM_PAPER,
            REPORTIFY_CM,
            TPU_920C,
            AWESOME_910C,
        ],
    );
    a
}

/// The Ascend 910C as sold in a CloudMatrix 384 supernode: the same chip
/// (figures per NPU), a 384-NPU scale-up domain, bought by the supernode.
fn cloudmatrix_384() -> Accelerator {
    let mut a = ascend_910c();
    a.name = "CloudMatrix 384".to_owned();
    a.aliases = [
        "Huawei CloudMatrix 384",
        "CM384",
        "Ascend 910C CloudMatrix 384",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    a.scale_up_domain = n(
        384,
        S,
        &[SEMI_CM384, WINBUZZER_CM384, CM_PAPER],
        "384 Ascend 910C on one all-to-all optical Unified Bus (48 nodes × 8 NPUs)",
    );
    a.node_size = n(
        384,
        S,
        &[SEMI_CM384, CM_PAPER],
        "sold as a whole supernode: 384 NPUs, 16 racks (12 compute + 4 network)",
    );
    a.purchase_price = unknown(
        "no supernode price found; the per-chip 910C estimate leaves out the optics, Kunpeng CPUs and 6,912 transceivers of the supernode",
    );
    a.rental_price = unknown("no rental price found");
    notes(
        &mut a,
        &[
            "Per-NPU figures are the Ascend 910C's (see that entry; sources disagree on them).",
            "System: 300 PFLOPS BF16, 49.2 TB HBM, ≈559 kW (SemiAnalysis) [S].",
            "CloudMatrix-Infer serving DeepSeek-R1 on this system (INT8, EP320): prefill 6,688 tok/s per NPU, decode 1,943 tok/s per NPU at <50 ms TPOT [P].",
            "Huawei claims a supernode MTBF > 24 h [vendor claim].",
            CM_PAPER,
            SEMI_CM384,
        ],
    );
    a
}

fn ascend_950(name: &str, aliases: &[&str]) -> Accelerator {
    let mut a = entry(
        name,
        aliases,
        "Huawei",
        Country::CN,
        ProductStatus::Announced,
    );
    let sp = &[CLOUDNEWS_950, DEEPTECH_950, REPORTIFY_ROADMAP];
    a.peak_fp8 = tf(
        1000.0,
        S,
        sp,
        "FP8/MXFP8/HiF8, 1 PFLOPS (Huawei Connect, 18 Sep 2025)",
    );
    a.peak_fp4 = tf(2000.0, S, sp, "MXFP4, 2 PFLOPS");
    a.peak_bf16 = unknown("not given in the announcement");
    a.scale_up_bandwidth = gb_s(2000.0, S, sp, "2 TB/s interconnect (2.5× the 910C)");
    a
}

fn ascend_950pr() -> Accelerator {
    let mut a = ascend_950("Ascend 950PR", &["Huawei Ascend 950PR", "950PR"]);
    let sp = &[CLOUDNEWS_950, DEEPTECH_950];
    a.hbm_capacity = gb(
        128.0,
        S,
        sp,
        "self-developed HBM \"HiBL 1.0\"; one secondary source swaps the PR and DT memory figures",
    );
    a.hbm_bandwidth = tb_s(1.6, S, sp, "");
    a.available_from = day(
        2026,
        1,
        1,
        S,
        sp,
        "announced for Q1 2026 (first day of the quarter)",
    );
    a.purchase_price = unknown("\"≈¥10k per card\" [L, doubtful] not used");
    notes(
        &mut a,
        &[
            "ROADMAP (Huawei Connect, 18 Sep 2025), Q1 2026.",
            BESTHUB_950,
        ],
    );
    a
}

fn ascend_950dt() -> Accelerator {
    let mut a = ascend_950("Ascend 950DT", &["Huawei Ascend 950DT", "950DT"]);
    let sp = &[CLOUDNEWS_950, REPORTIFY_ROADMAP];
    a.hbm_capacity = gb(
        144.0,
        S,
        sp,
        "\"HiZQ 2.0\" HBM; one secondary source swaps the PR and DT memory figures",
    );
    a.hbm_bandwidth = tb_s(4.0, S, sp, "");
    a.available_from = day(
        2026,
        10,
        1,
        S,
        sp,
        "announced for Q4 2026 (first day of the quarter)",
    );
    notes(
        &mut a,
        &["ROADMAP, Q4 2026; powers the Atlas 950 SuperPoD (8,192 chips)."],
    );
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Precision, Support};

    #[test]
    fn every_builtin_validates_and_names_are_unique() {
        let cat = Catalog::new(entries());
        assert!(cat.is_ok(), "{:?}", cat.err());
        for a in entries() {
            for f in a.figures() {
                if f.value.is_some() {
                    assert!(
                        !f.sources.is_empty(),
                        "{} {} has no source",
                        a.name,
                        f.field
                    );
                }
            }
            // Dates given as literals are calendar dates.
            if let Some(note) = &a.available_from.note {
                assert!(a.available_from.value.is_some(), "{}: {note}", a.name);
            }
        }
    }

    #[test]
    fn reference_figures_are_where_the_reference_puts_them() {
        let cat = Catalog::builtin();
        let tera = |name: &str, p: Precision| match cat.get(name).map(|a| a.support(p)) {
            Some(Support::Dense(r)) => Some(r.tera()),
            _ => None,
        };
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
        assert!(close(tera("A100", Precision::Bf16), 312.0));
        assert!(close(tera("H100", Precision::Fp8), 1978.9));
        assert!(close(tera("H20", Precision::Fp8), 296.0));
        assert!(close(tera("B200", Precision::Fp4), 9000.0));
        assert!(close(tera("Ascend 910C", Precision::Bf16), 780.0));
        assert!(close(tera("Ascend 950PR", Precision::Fp8), 1000.0));
        assert_eq!(
            cat.get("A100").map(|a| a.support(Precision::Fp8)),
            Some(Support::Unsupported)
        );
        assert_eq!(
            cat.get("Ascend 910B").map(|a| a.support(Precision::Fp8)),
            Some(Support::Unsupported)
        );
        assert_eq!(
            cat.get("MI308X").map(|a| a.support(Precision::Bf16)),
            Some(Support::Unknown)
        );
        let h20 = cat.get("H20").map(|a| a.hbm_capacity.value.map(|b| b.gb()));
        assert_eq!(h20, Some(Some(96.0)));
        let domain = |name: &str| {
            cat.get(name)
                .map(|a| a.scale_up_domain.value.and_then(Count::get))
        };
        let node = |name: &str| {
            cat.get(name)
                .map(|a| a.node_size.value.and_then(Count::get))
        };
        // sold by the node of 8; the supernode is its own entry
        assert_eq!(domain("910C"), Some(Some(8)));
        assert_eq!(node("910C"), Some(Some(8)));
        assert_eq!(domain("CloudMatrix 384"), Some(Some(384)));
        assert_eq!(node("CM384"), Some(Some(384)));
        assert!(
            cat.get("CM384")
                .is_some_and(|a| !a.purchase_price.is_known())
        );
        let tdp = cat
            .get("Ascend 910C")
            .map(|a| (a.tdp.value, a.tdp.confidence));
        assert_eq!(tdp, Some((Some(Watts::from_raw(800.0)), E)));
    }
}
