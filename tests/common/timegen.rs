//! A seeded generator of time-phased fleet scenarios of any size
//! (`periods` monthly periods × `pools` × `phases`), for the planner's scale
//! bench (`benches/plan_time.rs` includes this file by path) and the tests
//! that plan a small instance of it (`tests/plan_time_props.rs`).
//!
//! What a generated scenario holds (start 2025-08-15, 30-day periods,
//! horizon `30 · periods` days; "day d" below is scaled to the horizon when
//! it is shorter than two years):
//!
//! * **Pools** of catalogue accelerators (H800, H100, H20, H200, A100,
//!   Ascend 910B/910C) and one made-up domestic chip ("Acme N1", available
//!   from a third into the horizon): about 35% owned (sunk or not), 25%
//!   rentable (some abroad in SG, where China's rules do not reach, as
//!   every rented H100, H800 and H200 is; some
//!   available only from a date), 40% purchasable with lead times of 0, 14,
//!   30, 60 or 90 days (of the chips some rule lets in at some time), some
//!   with a maximum, a third with a **delivery
//!   schedule** (a ramp, sometimes a halt), some with their own life and
//!   residual value. Every eighth pool is an unlimited domestic rental
//!   (Ascend 910B), usable throughout: every phase can always be met.
//! * **Export rules that change inside the horizon**: the 2023 US
//!   prohibition of H100/H800/H200 (owned devices stay usable); an H200
//!   **licence window** (25% levy) opened at 1/6 of the horizon and closed
//!   by a Chinese import ban at 1/4 (at least 10 days later); an H20 licence (15% levy, **quota per
//!   period**) until 5/9 of the horizon, then a **prohibition starting**;
//!   a Chinese **rule on use** of the A100 from 3/4 of the horizon.
//! * **Domestic shares**: inference at least 20% from 1/4 of the horizon
//!   and 40% from 1/2; pre-training at least 10% from 1/2.
//! * **Phases**: demand two to three times what the owned pools hold, so
//!   that purchases and rentals matter; about 70% training (pre- or post-training, start and
//!   deadline on a 10-day grid spread over the horizon, 60 to 240 days
//!   long, BF16 or FP8 with a BF16 fallback, one in 25 on a single pool;
//!   models of 1-13B parameters so that one unit of devices holds the
//!   training state), the rest inference with measured rates, **dated
//!   demand steps** (one to three), `growth_per_month` up to 5% and
//!   `peak_to_average` 1.1-1.4.
//! * `[economics] capex` is `"depreciated"` (the default) or `"cash"`
//!   ([`TimeGen::cash`]); a capex budget that is generous but present
//!   (a dense row, as real plans have).
//!
//! The same arguments give the same text.

// Not every binary that includes this file uses every item.
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

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct TimeGen {
    /// Monthly (30-day) periods; the horizon is `30 · periods` days.
    pub periods: u32,
    /// Pools.
    pub pools: usize,
    /// Phases.
    pub phases: usize,
    /// Seed.
    pub seed: u64,
    /// Purchases charged as cash (`[economics] capex = "cash"`) rather than
    /// depreciated.
    pub cash: bool,
}

impl TimeGen {
    /// `periods` × `pools` × `phases`, depreciated capital.
    pub fn new(periods: u32, pools: usize, phases: usize, seed: u64) -> Self {
        Self {
            periods,
            pools,
            phases,
            seed,
            cash: false,
        }
    }

    /// The same, with purchases charged as cash.
    pub fn cash(mut self) -> Self {
        self.cash = true;
        self
    }

    /// The scenario as TOML.
    pub fn toml(&self) -> String {
        timeline_toml(self)
    }
}

/// Catalogue and made-up accelerators: (name, domestic, FP8, prefill and
/// decode tokens/s per device for a 30B model, purchase price, rent/h).
const CHIPS: [(&str, bool, bool, f64, f64, f64, f64); 8] = [
    ("H800", false, true, 9_000.0, 1_800.0, 35_000.0, 2.0),
    ("H100", false, true, 9_500.0, 1_900.0, 27_500.0, 2.35),
    ("H20", false, true, 4_000.0, 2_000.0, 13_500.0, 1.1),
    ("H200", false, true, 11_000.0, 2_600.0, 29_500.0, 3.5),
    ("A100", false, false, 3_500.0, 900.0, 12_500.0, 1.5),
    ("Ascend 910C", true, false, 6_500.0, 1_900.0, 28_600.0, 2.2),
    ("Ascend 910B", true, false, 3_000.0, 800.0, 16_700.0, 1.2),
    ("Acme N1", true, true, 7_000.0, 2_100.0, 24_000.0, 1.9),
];

const START: (i32, u32, u32) = (2025, 8, 15);

/// The date `d` days after the start, as `YYYY-MM-DD`.
fn date(d: u32) -> String {
    let s = fleetplan::units::Date::new(START.0, START.1, START.2).expect("a calendar day");
    s.checked_add_days(i64::from(d))
        .expect("within the calendar")
        .to_string()
}

/// A day on a `grid`-day grid at fraction `f` of the horizon `h`, inside
/// `(0, h)`.
fn at(f: f64, h: u32, grid: u32) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let d = ((f * f64::from(h)) / f64::from(grid)).round() as u32 * grid;
    d.clamp(grid, h - grid)
}

fn timeline_toml(g: &TimeGen) -> String {
    let mut r = rng(g.seed);
    let h = 30 * g.periods.max(1);
    let mut o = format!(
        "name = \"timeline-{}x{}x{}-{}\"\nstart = \"{}\"\nhorizon_days = {h}\nperiod_days = 30\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n\n",
        g.periods,
        g.pools,
        g.phases,
        g.seed,
        date(0)
    );
    if g.cash {
        o.push_str("[economics]\ncapex = \"cash\"\n\n");
    }
    let n1_from = at(1.0 / 3.0, h, 10);
    let _ = writeln!(
        o,
        "[[accelerators]]\nname = \"Acme N1\"\nvendor = \"Acme\"\norigin = \"CN\"\npeak_bf16 = {{ value = 6e14 }}\npeak_fp8 = {{ value = 1.2e15 }}\nhbm_capacity = {{ value = 9.6e10 }}\nhbm_bandwidth = {{ value = 2.4e12 }}\ntdp = {{ value = 600 }}\nnode_size = {{ value = 8 }}\npurchase_price = {{ value = 24000 }}\navailable_from = {{ value = \"{}\" }}\n",
        date(n1_from)
    );
    pools(&mut o, g, &mut r, h);
    phases(&mut o, g, &mut r, h);
    policy(&mut o, h);
    o
}

fn pools(o: &mut String, g: &TimeGen, r: &mut Rng, h: u32) {
    for k in 0..g.pools {
        // every eighth pool: the unlimited domestic rental
        let (chip, own) = if k % 8 == 0 {
            (6, 1)
        } else {
            let u = r.unit();
            let own = if u < 0.35 {
                0
            } else if u < 0.6 {
                1
            } else {
                2
            };
            // nobody plans to buy what may never be sold to them: purchases
            // are of the chips some rule lets in at some time
            let chip = if own == 2 {
                [2, 3, 4, 5, 6, 7][r.below(6) as usize]
            } else {
                r.below(CHIPS.len() as u64) as usize
            };
            (chip, own)
        };
        let (name, domestic, _, _, _, price, rent) = CHIPS[chip];
        let _ = writeln!(o, "[[pools]]\nname = \"pool{k}\"\naccelerator = \"{name}\"");
        if name.starts_with("Ascend") {
            o.push_str("software = \"cann\"\n");
        }
        let pf = r.range(0.8, 1.2);
        let count = 64 * (1 + r.below(24));
        match own {
            0 => {
                let sunk = r.unit() < 0.7;
                let _ = writeln!(
                    o,
                    "count = {count}\nownership = {{ kind = \"owned\", sunk = {sunk}{} }}\navailability = {:.3}",
                    if sunk {
                        String::new()
                    } else {
                        format!(
                            ", unit_price_usd = {:.0}, depreciation_days = 1460",
                            price * pf
                        )
                    },
                    r.range(0.5, 1.0)
                );
            }
            1 if k % 8 == 0 => {
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"rentable\", usd_per_hour = {:.3} }}",
                    rent * 1.6 * pf
                );
            }
            1 => {
                // some rent abroad (out of China's rules' reach), some
                // only from a date
                // (H100, H800 and H200 only abroad: China's rules stop
                // their rental at home)
                let abroad = !domestic && (chip <= 1 || chip == 3 || r.unit() < 0.5);
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"rentable\", usd_per_hour = {:.3}, max = {} }}{}{}",
                    rent * pf,
                    count * 2,
                    if abroad { "\nsite = \"SG\"" } else { "" },
                    if r.unit() < 0.2 {
                        format!("\navailable_from = \"{}\"", date(at(r.unit(), h, 10)))
                    } else {
                        String::new()
                    }
                );
            }
            _ => {
                let lead = [0, 14, 30, 60, 90][r.below(5) as usize].min(h / 2);
                let max = if r.unit() < 0.4 {
                    format!(", max = {}", count * 4)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"purchasable\", unit_price_usd = {:.0}{max}, lead_time_days = {lead} }}",
                    price * pf
                );
                if r.unit() < 1.0 / 3.0 {
                    deliveries(o, r, h, count);
                }
                if r.unit() < 0.3 {
                    let _ = writeln!(
                        o,
                        "life_years = {}\nresidual_fraction = {:.2}",
                        [3, 4, 6][r.below(3) as usize],
                        r.range(0.0, 0.3)
                    );
                }
            }
        }
        let _ = writeln!(
            o,
            "mfu = {{ pretraining = 0.35, posttraining = 0.3 }}\nenergy_usd_per_kwh = {:.4}\n",
            r.range(0.04, 0.12)
        );
    }
}

/// A delivery schedule: a first step at the start or later, a ramp, and
/// sometimes a halt.
fn deliveries(o: &mut String, r: &mut Rng, h: u32, count: u64) {
    let mut steps = Vec::new();
    let first = if r.unit() < 0.5 {
        0
    } else {
        at(r.range(0.05, 0.3), h, 10)
    };
    let cap = count * (1 + r.below(4));
    steps.push(format!(
        "{{ from = \"{}\", max_per_period = {cap} }}",
        date(first)
    ));
    let ramp = at(r.range(0.35, 0.6), h, 10).max(first + 10);
    if ramp < h - 10 {
        steps.push(format!(
            "{{ from = \"{}\", max_per_period = {} }}",
            date(ramp),
            cap * 2
        ));
        let halt = at(r.range(0.65, 0.95), h, 10).max(ramp + 10);
        if r.unit() < 0.3 && halt < h - 10 {
            steps.push(format!(
                "{{ from = \"{}\", max_per_period = 0 }}",
                date(halt)
            ));
        }
    }
    let _ = writeln!(o, "deliveries = [{}]", steps.join(", "));
}

fn phases(o: &mut String, g: &TimeGen, r: &mut Rng, h: u32) {
    // Demand is sized so that the owned pools (about 180 devices per pool
    // on average, counting availability) cover a third to a half of it:
    // the rest is rented or bought. A training phase is active for about
    // min(150 days, h) / h of the horizon.
    #[allow(clippy::cast_precision_loss)]
    let per_phase = g.pools as f64 / g.phases.max(1) as f64;
    let active = 150.0_f64.min(f64::from(h)) / f64::from(h);
    for p in 0..g.phases {
        if r.unit() < 0.7 {
            let pre = r.unit() < 0.6;
            let len = (10 * (6 + r.below(19)) as u32).min(h);
            let start = 10 * r.below(u64::from((h - len) / 10 + 1)) as u32;
            let deadline = start + len;
            // devices the phase needs at a rough 3.5e14 FLOP/s each
            let devices = r.range(0.3, 1.7) * 400.0 * per_phase / active;
            let flops = devices * 3.5e14 * 86_400.0 * f64::from(len);
            let fp8 = r.unit() < 0.3;
            let single = p % 25 == 3;
            let params = [1e9, 3e9, 7e9, 13e9][r.below(4) as usize];
            let _ = writeln!(
                o,
                "[[phases]]\nname = \"train{p}\"\nkind = \"{}\"\nmodel = {{ total_params = {params:e} }}\nprecision = \"{}\"\nflops = {flops:.4e}\nstart_day = {start}\ndeadline_days = {deadline}{}\n",
                if pre { "pretraining" } else { "posttraining" },
                if fp8 {
                    "fp8\"\nfallback_precision = \"bf16"
                } else {
                    "bf16"
                },
                if single { "\nsingle_pool = true" } else { "" }
            );
        } else {
            let from = 10 * r.below(u64::from((h * 2 / 3) / 10)) as u32;
            let mut steps = Vec::new();
            let mut day = from;
            let mut input = r.range(0.5, 1.5) * 3.7e11 * per_phase;
            for _ in 0..=r.below(3) {
                if day >= h - 10 {
                    break;
                }
                let output = input * r.range(0.1, 0.3);
                steps.push(format!(
                    "{{ from = \"{}\", input = {input:.4e}, output = {output:.4e}, cache_hit = {:.2} }}",
                    date(day),
                    r.range(0.0, 0.6)
                ));
                day += 10 * (3 + r.below(12)) as u32;
                input *= r.range(0.7, 2.0);
            }
            let _ = writeln!(
                o,
                "[[phases]]\nname = \"serve{p}\"\nkind = \"inference\"\nmodel = {{ total_params = 3e10 }}\nprecision = \"{}\"\ntokens_per_day = [{}]\nfrom_day = {from}\ngrowth_per_month = {:.3}\npeak_to_average = {:.3}",
                if r.unit() < 0.4 { "fp8" } else { "int8" },
                steps.join(", "),
                r.range(0.0, 0.05),
                r.range(1.1, 1.4)
            );
            for (name, _, _, pre, dec, _, _) in CHIPS {
                let _ = writeln!(
                    o,
                    "[[phases.measured]]\naccelerator = \"{name}\"\nprefill_tokens_per_s = {pre}\ndecode_tokens_per_s = {dec}"
                );
            }
            o.push('\n');
        }
    }
}

fn policy(o: &mut String, h: u32) {
    let d = |f: f64| date(at(f, h, 10));
    let _ = write!(
        o,
        r#"[[policy.rules]]
accelerators = ["H100", "H800", "B200"]
destination = "CN"
issuer = "US"
from = "2023-10-17"
status = "prohibited"

[[policy.rules]]
accelerators = ["H200"]
destination = "CN"
issuer = "US"
from = "2023-10-17"
until = "{h200_open}"
status = "prohibited"

[[policy.rules]]
accelerators = ["H200"]
destination = "CN"
issuer = "US"
from = "{h200_open}"
status = "licensed"
levy = 0.25
levy_pass_through = 1.0

[[policy.rules]]
accelerators = ["H200"]
destination = "CN"
issuer = "CN"
from = "{h200_ban}"
status = "prohibited"

[[policy.rules]]
accelerators = ["H20"]
destination = "CN"
issuer = "US"
from = "2025-08-11"
until = "{h20_end}"
status = "licensed"
levy = 0.15
levy_pass_through = 1.0
quota = 3000
quota_per = "period"

[[policy.rules]]
accelerators = ["H20"]
destination = "CN"
issuer = "US"
from = "{h20_end}"
status = "prohibited"

[[policy.rules]]
accelerators = ["A100"]
destination = "CN"
issuer = "CN"
from = "{a100_use}"
status = "prohibited"
scope = "use"

[[policy.domestic_share]]
phase_kind = "inference"
min = 0.2
from = "{share1}"
until = "{share2}"

[[policy.domestic_share]]
phase_kind = "inference"
min = 0.4
from = "{share2}"

[[policy.domestic_share]]
phase_kind = "pretraining"
min = 0.1
from = "{share2}"

[budget]
capex_usd = 5e11
energy = {{ usd_per_kwh = 0.08, pue = 1.3 }}
"#,
        h200_open = d(1.0 / 6.0),
        h200_ban = date(at(0.25, h, 10).max(at(1.0 / 6.0, h, 10) + 10)),
        h20_end = d(5.0 / 9.0),
        a100_use = d(0.75),
        share1 = d(0.25),
        share2 = d(0.5),
    );
}
