//! The decomposition of plans under risk at scale (issue 15, item 6):
//! sampled joint scenarios over a time-phased scenario of the generator of
//! `tests/common/timegen.rs`, our L-shaped decomposition against HiGHS on
//! the extensive form exported as MPS. `benches/risk_decompose.py` runs
//! both in one run and writes the table of BENCHMARKS.md.
//!
//! ```text
//! # write the scenario (TOML) and its extensive form (MPS)
//! cargo bench --profile test --bench risk_decompose -- write DIR PxKxF SAMPLES [RISKS]
//! # plan it by the decomposition: one JSON line
//! cargo bench --profile test --bench risk_decompose -- run FILE [LIMIT_S]
//! ```
//!
//! The risks: `RISKS` (default 12) independent demand shocks, each on one
//! phase (cycling through the phases), probability 0.1–0.5, scale 0.8–1.2,
//! all learnt on the same day (a third into the horizon), so the joint
//! scenarios are distinct combinations (`[risk] samples`, seed 1) and each
//! is its own cluster.

#[path = "../tests/common/timegen.rs"]
mod timegen;

use fleetplan::model::mps::{MpsFormat, write_mps};
use fleetplan::plan::PlanOptions;
use fleetplan::risk::{extensive_form, plan_risk};
use fleetplan::scenario::Scenario;
use std::path::PathBuf;
use std::time::Instant;
use timegen::TimeGen;

/// The phase names of a generated scenario, in order.
fn phases(toml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_phase = false;
    for line in toml.lines() {
        let l = line.trim();
        if l.starts_with("[[") {
            in_phase = l == "[[phases]]";
        } else if in_phase && let Some(v) = l.strip_prefix("name = ") {
            out.push(v.trim_matches('"').to_owned());
            in_phase = false;
        }
    }
    out
}

/// The generated scenario with `risks` demand shocks and `samples` draws.
fn risky(g: &TimeGen, samples: u64, risks: usize) -> String {
    let mut t = g.toml();
    let names = phases(&t);
    let mut r = timegen::rng(g.seed.wrapping_add(15));
    let h = 30 * g.periods.max(1);
    let on = fleetplan::units::Date::new(2025, 8, 15)
        .expect("a day")
        .checked_add_days(i64::from(h / 30 * 10))
        .expect("in the calendar");
    for k in 0..risks {
        let p = r.range(0.1, 0.5);
        let scale = r.range(0.8, 1.2);
        t.push_str(&format!(
            "\n[[risks]]\nname = \"shock{k}\"\nprobability = {p:.3}\non = \"{on}\"\ndemand = {{ phase = \"{}\", scale = {scale:.3} }}\n",
            names[k % names.len()]
        ));
    }
    t.push_str(&format!(
        "\n[risk]\nsamples = {samples}\nseed = 1\nmethod = \"decomposition\"\n"
    ));
    t
}

/// `write DIR PxKxF SAMPLES [RISKS]`.
fn write(args: &[String]) {
    let dir = PathBuf::from(args.first().map_or("target/compare", String::as_str));
    std::fs::create_dir_all(&dir).expect("creates the folder");
    let size = args.get(1).map_or("12x50x10", String::as_str);
    let mut it = size.split('x').map(|v| v.parse::<u64>().expect("PxKxF"));
    let (p, k, f) = (
        it.next().expect("P"),
        it.next().expect("K"),
        it.next().expect("F"),
    );
    let samples: u64 = args.get(2).map_or(1000, |s| s.parse().expect("samples"));
    let risks: usize = args.get(3).map_or(12, |s| s.parse().expect("risks"));
    let g = TimeGen::new(
        u32::try_from(p).expect("periods"),
        usize::try_from(k).expect("pools"),
        usize::try_from(f).expect("phases"),
        1,
    );
    let text = risky(&g, samples, risks);
    let stem = dir.join(format!("risk_{size}_{samples}"));
    let toml = stem.with_extension("toml");
    std::fs::write(&toml, &text).expect("writes");
    let vs = Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}"));
    let t0 = Instant::now();
    let ef = extensive_form(&vs, &PlanOptions::default().with_fractional(true)).expect("builds");
    let mps = stem.with_extension("mps");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&mps).expect("creates"));
    write_mps(&ef, &mut w, MpsFormat::Free).expect("writes the MPS");
    eprintln!(
        "extensive form: {} rows x {} cols ({:.1}s)",
        ef.num_rows(),
        ef.num_cols(),
        t0.elapsed().as_secs_f64()
    );
    println!("{}", toml.display());
    println!("{}", mps.display());
}

/// Peak resident memory of this process (MiB), from /proc.
fn peak_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = l.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `run FILE [LIMIT_S]`: plans under risk by the decomposition (a
/// wall-clock budget of `LIMIT_S`, 3600 s by default); one JSON line.
fn run(args: &[String]) {
    let path = args.first().expect("FILE");
    let limit: f64 = args.get(1).map_or(3600.0, |s| s.parse().expect("seconds"));
    let text = std::fs::read_to_string(path).expect("reads");
    let t0 = Instant::now();
    let vs = Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}"));
    let opts = PlanOptions::default()
        .with_fractional(true)
        .with_time_limit(std::time::Duration::from_secs_f64(limit));
    let rp = plan_risk(&vs, &opts).expect("plans");
    let total = t0.elapsed().as_secs_f64();
    let s = &rp.summary;
    let d = s.solve.decomposition.as_ref();
    let verified = rp.branches.iter().all(|b| b.verified);
    println!(
        "{}",
        serde_json::json!({
            "status": s.status,
            "time_limit_s": limit,
            "method": s.solve.method,
            "scenarios": s.scenarios.len(),
            "objective": s.expected_cost_usd.map(fleetplan::units::Usd::get),
            "lower_bound": s.solve.lower_bound_usd,
            "gap": s.gap,
            "solve_seconds": s.solve.seconds,
            "total_seconds": total,
            "clusters": d.map(|d| d.clusters),
            "first_stage": d.map(|d| d.first_stage),
            "cuts": d.map(|d| d.cuts),
            "iterations": d.map(|d| d.bounds.len()),
            "simplex_iterations": d.map(|d| d.simplex_iterations),
            "ef_rows": s.rows,
            "ef_cols": s.cols,
            "verified": verified,
            "peak_mib": peak_mib(),
        })
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args[1..]),
        Some("run") => run(&args[1..]),
        _ => eprintln!("usage: risk_decompose (write DIR PxKxF SAMPLES [RISKS] | run FILE)"),
    }
}
