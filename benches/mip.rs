//! `cargo bench --bench mip [-- NAME...]`: solves the MIPLIB 3 instances
//! of `$FLEETPLAN_LP_SUITE/miplib` once each (release build, one thread)
//! and prints, per instance, the status, objective, reference, nodes,
//! LP iterations and seconds next to HiGHS 1.16's seconds from
//! `REFERENCE.csv`, then the geometric-mean time ratio over the instances
//! both solved to optimality.
//!
//! A MIP solve takes seconds, so this is a single timed run per instance,
//! not a criterion benchmark. `FLEETPLAN_MIP_TIME` sets the time limit in
//! seconds (default 60).

use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{SolveOptions, Status, solve};
use std::path::PathBuf;
use std::time::Duration;

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let Some(suite) = std::env::var_os("FLEETPLAN_LP_SUITE").map(PathBuf::from) else {
        eprintln!("skipped: FLEETPLAN_LP_SUITE is not set");
        return;
    };
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let limit: f64 = std::env::var("FLEETPLAN_MIP_TIME")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    let refs = common::read_reference(&suite);
    println!(
        "{:<11} {:>9} {:>14} {:>14} {:>9} {:>10} {:>8} {:>8} {:>7}",
        "instance",
        "status",
        "objective",
        "reference",
        "nodes",
        "lp iters",
        "seconds",
        "highs",
        "ratio"
    );
    let mut log_sum = 0.0;
    let mut count = 0;
    for r in refs.iter().filter(|r| r.folder == "miplib") {
        if !names.is_empty() && !names.contains(&r.instance) {
            continue;
        }
        let model = match read_mps_file(&r.path(&suite), MpsFormat::Auto) {
            Ok(m) => m,
            Err(e) => {
                println!("{:<11} read error: {e}", r.instance);
                continue;
            }
        };
        let opts = SolveOptions::default().with_time_limit(Some(Duration::from_secs_f64(limit)));
        let t = std::time::Instant::now();
        let s = match solve(&model, &opts) {
            Ok(s) => s,
            Err(e) => {
                println!("{:<11} error: {e}", r.instance);
                continue;
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let target = r.target_objective().unwrap_or(f64::NAN);
        let obj = s.objective.unwrap_or(f64::NAN);
        let ok = s.status == Status::Optimal && common::close(obj, target, 1e-6);
        let highs = r.highs_seconds.unwrap_or(f64::NAN);
        let ratio = secs / highs;
        if ok && !r.is_hard() && ratio.is_finite() {
            log_sum += ratio.ln();
            count += 1;
        }
        let nodes = s.mip.map_or(0, |m| m.nodes);
        println!(
            "{:<11} {:>9} {:>14.6} {:>14.6} {:>9} {:>10} {:>8.2} {:>8.3} {:>7.1}{}",
            r.instance,
            s.status.as_str(),
            obj,
            target,
            nodes,
            s.iterations,
            secs,
            highs,
            ratio,
            if ok { "" } else { "  <-- not proven / wrong" }
        );
    }
    if count > 0 {
        println!(
            "geometric-mean time ratio vs HiGHS over {count} solved instances: {:.2}",
            (log_sum / f64::from(count)).exp()
        );
    }
}
