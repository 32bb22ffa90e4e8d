//! A seeded generator of fleet scenarios of any size (`pools` × `phases`),
//! for the planner's scale tests and benches (`benches/plan.rs` includes
//! this file by path).
//!
//! The fleets look like real ones and are hard in the ways real ones are:
//!
//! * pools come in **groups of near-identical pools** (the same
//!   accelerator, ownership and price at different sites): in every group of
//!   four, two pools are identical in everything but the name and two
//!   differ only in their device count, so whole-device plans have the
//!   symmetry that makes branch-and-bound explode;
//! * half the pools are owned (sunk), a quarter purchasable (lead times of
//!   0 or 30 days, some with a maximum), a quarter rentable;
//! * about 70% of the phases are training (pre- or post-training, some FP8
//!   without a fallback, so only FP8 devices run them; one in 25 must run
//!   on a single pool, which brings `use` binaries, gang and memory rows;
//!   models of 1–13B parameters, whose training state fits one unit of
//!   devices, so the other phases need no binaries),
//!   the rest inference with measured rates and an FP8 or INT8 precision;
//! * starts and deadlines fall on a 30-day grid, so the intervals stay few
//!   (at most six) whatever the size;
//! * the US rules of 2023 prohibit new H100/H800/H200/B200 for China (owned
//!   ones stay usable); inference must be at least 30% domestic.
//!
//! Every phase can be met: purchasable H20 and Ascend pools without a
//! maximum exist in every group of eight and arrive within 30 days, and no
//! phase starts before day 0 or ends before day 60.

// Not every test binary that includes `common` uses the generator.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The crate's seeded generator; a generator's stream from `seed` starts
/// at state `seed ^ 0x9e37_79b9_7f4a_7c15` (the generated instances of
/// earlier releases depend on it).
pub use fleetplan::rng::SplitMix64 as Rng;

/// The generator for `seed`.
#[must_use]
pub fn rng(seed: u64) -> Rng {
    Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
}

/// Accelerators the generator uses: (name, origin is CN, has FP8, prefill
/// and decode tokens/s per device for a mid-sized model).
const CHIPS: [(&str, bool, bool, f64, f64); 6] = [
    ("H800", false, true, 9_000.0, 1_800.0),
    ("H100", false, true, 9_500.0, 1_900.0),
    ("H20", false, true, 4_000.0, 2_000.0),
    ("A100", false, false, 3_500.0, 900.0),
    ("Ascend 910C", true, false, 6_500.0, 1_900.0),
    ("Ascend 910B", true, false, 3_000.0, 800.0),
];

/// A scenario of `pools` pools and `phases` phases as TOML, the same for
/// the same arguments.
#[must_use]
pub fn fleet_toml(pools: usize, phases: usize, seed: u64) -> String {
    let mut r = rng(seed);
    let mut o = format!(
        "name = \"fleet-{pools}x{phases}-{seed}\"\nstart = \"2025-08-15\"\nhorizon_days = 180\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n\n"
    );
    // Groups of four: a template, drawn once per group.
    let mut template = (0usize, 0u8, 0.0f64, 0u32, 0.0f64, 0u64, 0.0f64);
    for k in 0..pools {
        if k % 4 == 0 {
            // Every eighth pool starts a group of purchasable H20 or Ascend
            // without a maximum: every phase can be met.
            let (chip, own) = if k % 8 == 0 {
                (if r.unit() < 0.5 { 2 } else { 4 }, 1)
            } else {
                let c = r.below(CHIPS.len() as u64) as usize;
                let u = r.unit();
                (
                    c,
                    if u < 0.6 {
                        0
                    } else if u < 0.8 {
                        1
                    } else {
                        2
                    },
                )
            };
            template = (
                chip,
                own,
                r.range(0.04, 0.12),
                [0, 30][r.below(2) as usize],
                r.range(0.8, 1.2),
                64 * (1 + r.below(24)),
                r.range(0.5, 1.0),
            );
        }
        let (chip, own, energy, lead, price_f, count, avail) = template;
        let name = CHIPS[chip].0;
        // Pools 0 and 1 of a group are identical; 2 and 3 differ in count.
        let count = match k % 4 {
            2 => count / 2 + 64,
            3 => count * 2,
            _ => count,
        };
        let _ = writeln!(o, "[[pools]]\nname = \"pool{k}\"\naccelerator = \"{name}\"");
        if name.starts_with("Ascend") {
            o.push_str("software = \"cann\"\n");
        }
        match own {
            0 => {
                let _ = writeln!(
                    o,
                    "count = {count}\nownership = {{ kind = \"owned\", sunk = true }}\navailability = {avail:.3}"
                );
            }
            1 => {
                let base = [35_000.0, 27_500.0, 13_500.0, 12_500.0, 28_600.0, 16_700.0][chip];
                let max = if k % 8 < 4 {
                    String::new()
                } else {
                    format!(", max = {}", count * 4)
                };
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"purchasable\", unit_price_usd = {:.0}{max}, lead_time_days = {lead} }}",
                    base * price_f
                );
            }
            _ => {
                let base = [2.0, 2.35, 1.1, 1.5, 1.8, 1.2][chip];
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"rentable\", usd_per_hour = {:.3}, max = {} }}",
                    base * price_f,
                    count * 2
                );
            }
        }
        let _ = writeln!(
            o,
            "mfu = {{ pretraining = 0.35, posttraining = 0.3 }}\nenergy_usd_per_kwh = {energy:.4}\n"
        );
    }
    for p in 0..phases {
        let u = r.unit();
        if u < 0.7 {
            let pre = r.unit() < 0.6;
            let start = 30 * r.below(3);
            let deadline = (start + 60 + 30 * r.below(3)).min(180);
            // Devices the phase needs at a rough 3.5e14 FLOP/s each.
            let devices = r.range(64.0, 1024.0);
            let flops = devices * 3.5e14 * 86_400.0 * (deadline - start) as f64;
            let fp8 = r.unit() < 0.3;
            let single = p % 25 == 3;
            let params = [1e9, 3e9, 7e9, 13e9][r.below(4) as usize];
            let _ = writeln!(
                o,
                "[[phases]]\nname = \"train{p}\"\nkind = \"{}\"\nmodel = {{ total_params = {params:e} }}\nprecision = \"{}\"\nflops = {flops:.4e}\nstart_day = {start}\ndeadline_days = {deadline}\nallow_cross_site = true\nallow_cross_vendor = true{}\n",
                if pre { "pretraining" } else { "posttraining" },
                if fp8 { "fp8" } else { "bf16" },
                if single { "\nsingle_pool = true" } else { "" }
            );
        } else {
            let from = 30 * r.below(4);
            let input = r.range(5e9, 1e11);
            let output = input * r.range(0.1, 0.3);
            let fp8 = r.unit() < 0.4;
            let _ = writeln!(
                o,
                "[[phases]]\nname = \"serve{p}\"\nkind = \"inference\"\nmodel = {{ total_params = 3e10 }}\nprecision = \"{}\"\ntokens_per_day = {{ input = {input:.4e}, output = {output:.4e} }}\nfrom_day = {from}",
                if fp8 { "fp8" } else { "int8" }
            );
            for (name, _, _, pre, dec) in CHIPS {
                let _ = writeln!(
                    o,
                    "[[phases.measured]]\naccelerator = \"{name}\"\nprefill_tokens_per_s = {pre}\ndecode_tokens_per_s = {dec}"
                );
            }
            o.push('\n');
        }
    }
    o.push_str(
        "[[policy.rules]]\naccelerators = [\"H100\", \"H800\", \"H200\", \"B200\"]\ndestination = \"CN\"\nfrom = \"2023-10-17\"\nstatus = \"prohibited\"\n\n\
         [[policy.domestic_share]]\nphase_kind = \"inference\"\nmin = 0.3\n\n\
         [budget]\nenergy = { usd_per_kwh = 0.08, pue = 1.3 }\n",
    );
    o
}
