//! The planner at scale: writes the seeded fleet scenarios of
//! `tests/common/plangen.rs` (125×31, 500×125, 2,000×500 pools × phases)
//! as TOML under `target/compare/`, for `fleetplan plan` and
//! `fleetplan export --mps` (HiGHS gets the exported MILPs through
//! `benches/compare_highs.py`). See BENCHMARKS.md, "Whole-device plans at
//! scale".
//!
//! ```sh
//! cargo bench --bench plan_scale -- write [DIR [KxP[@SEED]...]]
//! # whole-device solves with and without the symmetry-breaking rows
//! cargo bench --bench plan_scale -- symmetry LIMIT_S FILE.toml...
//! ```

#[path = "../tests/common/plangen.rs"]
mod plangen;

use fleetplan::perf::PerfModel;
use fleetplan::plan::{CompileOptions, compile, symmetry};
use fleetplan::scenario::Scenario;
use fleetplan::solver::{SolveOptions, solve};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Solves each scenario's whole-device model with and without the
/// symmetry-breaking rows and prints nodes, time, status and objective.
fn symmetry_table(limit: f64, files: &[String]) {
    println!("| scenario | pool classes | rows | nodes | s | status | objective | gap |");
    println!("|---|---:|---|---:|---:|---|---:|---:|");
    for f in files {
        let text = std::fs::read_to_string(f).expect("reads");
        let vs = Scenario::from_toml_str(&text)
            .expect("parses")
            .validate()
            .expect("valid");
        let perf = PerfModel::new(&vs);
        let c = compile(&vs, &perf, &CompileOptions::default()).expect("compiles");
        let classes = symmetry::pool_classes(&c);
        let with = symmetry::with_symmetry_rows(&c).expect("builds");
        let opts = SolveOptions::default()
            .with_relative_gap(1e-6)
            .with_time_limit(Some(Duration::from_secs_f64(limit)));
        for (name, m) in [("none", Some(c.model())), ("symmetry rows", with.as_ref())] {
            let Some(m) = m else { continue };
            let t = Instant::now();
            let s = solve(m, &opts).expect("solves");
            let info = s.mip.expect("a MILP");
            println!(
                "| {} | {} | {name} | {} | {:.2} | {} | {:?} | {:?} |",
                f.rsplit('/').next().unwrap_or(f),
                classes.len(),
                info.nodes,
                t.elapsed().as_secs_f64(),
                s.status,
                s.objective,
                info.gap
            );
        }
    }
}

/// Pools × phases of the scale family.
pub const SIZES: [(usize, usize); 3] = [(125, 31), (500, 125), (2000, 500)];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("symmetry") {
        let limit = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(60.0);
        symmetry_table(limit, &args[2.min(args.len())..]);
        return;
    }
    if args.first().map(String::as_str) != Some("write") {
        eprintln!(
            "usage: cargo bench --bench plan_scale -- write [DIR] | symmetry LIMIT_S FILE..."
        );
        return;
    }
    let dir = args
        .get(1)
        .map_or_else(|| PathBuf::from("target/compare"), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("creates the folder");
    // Other sizes as `KxP` after the folder.
    // `KxP` (seed 1) or `KxP@S` (seed S, written as fleet_KxP_sS.toml)
    let extra: Vec<(usize, usize, u64)> = args[2.min(args.len())..]
        .iter()
        .filter_map(|a| {
            let (size, seed) = a.split_once('@').unwrap_or((a, "1"));
            let (k, p) = size.split_once('x')?;
            Some((k.parse().ok()?, p.parse().ok()?, seed.parse().ok()?))
        })
        .collect();
    let sizes = if extra.is_empty() {
        SIZES.iter().map(|&(k, p)| (k, p, 1)).collect()
    } else {
        extra
    };
    for (k, p, seed) in sizes {
        let name = if seed == 1 {
            format!("fleet_{k}x{p}.toml")
        } else {
            format!("fleet_{k}x{p}_s{seed}.toml")
        };
        let path = dir.join(name);
        std::fs::write(&path, plangen::fleet_toml(k, p, seed)).expect("writes");
        println!("{}", path.display());
    }
}
