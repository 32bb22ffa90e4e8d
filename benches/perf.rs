//! The performance and cost model at scale: the efficiency matrix (every
//! phase × pool rate) and the cost vectors of a 2,000-pool × 2,000-phase
//! scenario (issue 5 asks for under 1 s).

use criterion::{Criterion, criterion_group, criterion_main};
use fleetplan::cost::pool_cost;
use fleetplan::perf::PerfModel;
use fleetplan::scenario::{Scenario, ValidatedScenario};
use std::fmt::Write as _;
use std::hint::black_box;

/// A scenario with `pools` pools (owned H800/H100/H20, purchasable Ascend
/// 910C and H20) and `phases` phases (two thirds training, one third
/// inference), deterministic.
fn big(pools: usize, phases: usize) -> ValidatedScenario {
    let mut o = String::from(
        "name = \"big\"\nstart = \"2025-08-15\"\nhorizon_days = 180\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n",
    );
    let chips = ["H800", "H100", "H20", "Ascend 910C", "H20"];
    for k in 0..pools {
        let chip = chips[k % chips.len()];
        let _ = write!(
            o,
            "[[pools]]\nname = \"pool{k}\"\naccelerator = \"{chip}\"\n"
        );
        if k % chips.len() >= 3 {
            let _ = writeln!(
                o,
                "ownership = {{ kind = \"purchasable\", unit_price_usd = {}, lead_time_days = {} }}",
                13_500 + 100 * (k % 7),
                k % 60
            );
        } else {
            let _ = writeln!(
                o,
                "count = {}\nownership = {{ kind = \"owned\", sunk = true }}",
                64 + 8 * (k % 50)
            );
        }
        if chip == "Ascend 910C" {
            o.push_str("software = \"cann\"\nmfu = { pretraining = 0.30, posttraining = 0.30 }\n");
        }
        o.push('\n');
    }
    for p in 0..phases {
        if p % 3 == 2 {
            let _ = write!(
                o,
                "[[phases]]\nname = \"serve{p}\"\nkind = \"inference\"\nmodel = {{ total_params = {}e9, active_params = 37e9, layers = 61, hidden = 7168, heads = 128, kv_bytes_per_token = 70272 }}\nprecision = \"fp8\"\nfallback_precision = \"int8\"\ntokens_per_day = {{ input = {}e9, output = 50e9, cache_hit = 0.5 }}\ncontext_length = 4096\nlatency = {{ tpot_s = 0.05 }}\nfrom_day = {}\n",
                100 + p % 600,
                100 + p % 500,
                p % 90
            );
            o.push_str("[[phases.measured]]\naccelerator = \"Ascend 910C\"\nprefill_tokens_per_s = 6688\ndecode_tokens_per_s = 1943\n\n");
        } else {
            let _ = write!(
                o,
                "[[phases]]\nname = \"train{p}\"\nkind = \"{}\"\nmodel = {{ total_params = {}e9, active_params = {}e9, layers = 61, hidden = 7168, seq_len = 4096, heads = 128, qk_head_dim = 192, v_head_dim = 128 }}\nprecision = \"fp8\"\nfallback_precision = \"bf16\"\ntokens = {}e12\nstart_day = {}\ndeadline_days = {}\n\n",
                if p % 3 == 0 {
                    "pretraining"
                } else {
                    "posttraining"
                },
                40 + p % 600,
                1 + p % 37,
                1 + p % 15,
                p % 30,
                100 + p % 80
            );
        }
    }
    o.push_str("[budget]\nenergy = { usd_per_kwh = 0.08, pue = 1.3 }\n[[accelerators]]\nname = \"Ascend 910C\"\nscale_out_bandwidth = { value = 25e9, confidence = \"estimate\" }\n");
    Scenario::from_toml_str(&o)
        .expect("parses")
        .validate()
        .unwrap_or_else(|r| {
            panic!(
                "{}",
                r.issues
                    .iter()
                    .take(5)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
}

fn matrix(vs: &ValidatedScenario) -> (usize, f64) {
    let perf = PerfModel::new(vs);
    let mut eligible = 0usize;
    let mut sum = 0.0;
    let m = perf.matrix();
    for e in m.entries() {
        if e.unfit.is_none() {
            eligible += 1;
            sum += e.share;
        }
    }
    for k in vs.pool_ids() {
        if let Ok(c) = pool_cost(vs, k) {
            sum += c.per_device_hour.total().get();
        }
    }
    (eligible, sum)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("perf");
    g.sample_size(10);
    for (k, p) in [(100, 100), (2000, 2000)] {
        let vs = big(k, p);
        g.bench_function(format!("efficiency matrix and costs {p}x{k}"), |b| {
            b.iter(|| black_box(matrix(black_box(&vs))));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
