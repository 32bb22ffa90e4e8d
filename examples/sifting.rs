//! Solves an MPS file and prints what the engine path did: status,
//! objective, iterations, solve seconds and, for sifting, the rounds, the
//! master's size and the time split between pricing and master solves.
//! The solution is checked with `solver::certificate::check`.
//!
//! ```text
//! cargo run --release --example sifting -- FILE.mps [auto|general|sifting] [SECONDS]
//! ```
//!
//! `SECONDS` is the time limit (default none): the stats are printed for
//! a solve stopped at the limit too.

use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::certificate::{CheckTolerances, check};
use fleetplan::solver::{LpSolver, SolveOptions, Structure};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        eprintln!("usage: sifting FILE.mps [auto|general|sifting] [SECONDS]");
        return ExitCode::from(2);
    };
    let structure = match args.get(1).map(String::as_str) {
        None | Some("auto") => Structure::Auto,
        Some("general") => Structure::General,
        Some("sifting") => Structure::Sifting,
        Some(other) => {
            eprintln!("unknown structure {other}");
            return ExitCode::from(2);
        }
    };
    let t = Instant::now();
    let model = match read_mps_file(std::path::Path::new(file), MpsFormat::Auto) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::from(2);
        }
    };
    let read = t.elapsed().as_secs_f64();
    let mut options = SolveOptions::default().with_structure(structure);
    if let Some(secs) = args.get(2) {
        match secs.parse::<f64>() {
            Ok(v) if v > 0.0 && v <= 1e6 => {
                options = options.with_time_limit(Some(std::time::Duration::from_secs_f64(v)));
            }
            _ => {
                eprintln!("the time limit must be seconds in (0, 1e6], not {secs}");
                return ExitCode::from(2);
            }
        }
    }
    let mut lp = match LpSolver::relaxation(model, options) {
        Ok(lp) => lp,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let sol = match lp.solve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let report = check(&lp.model().relaxation(), &sol, &CheckTolerances::default());
    println!(
        "{}: {} rows, {} cols; read {read:.3} s",
        lp.model().name(),
        lp.model().num_rows(),
        lp.model().num_cols()
    );
    println!(
        "status {} objective {:.12e} iterations {} solve {:.4} s; certificate {}",
        sol.status,
        sol.objective.unwrap_or(f64::NAN),
        sol.iterations,
        sol.solve_time.as_secs_f64(),
        if report.is_ok() { "ok" } else { "FAILED" }
    );
    if let Some(s) = lp.sifting_stats() {
        println!(
            "sifting: {} rounds, master {} -> {} columns ({} dropped), pricing {:.4} s, masters {:.4} s, {} repairs{}{}",
            s.rounds,
            s.initial_columns,
            s.master_columns,
            s.dropped,
            s.pricing_time.as_secs_f64(),
            s.master_time.as_secs_f64(),
            s.repairs,
            if s.full_crash {
                ", first master from the full crash"
            } else {
                ""
            },
            if s.fell_back {
                ", fell back to the general engine"
            } else {
                ""
            }
        );
    }
    if !report.is_ok() {
        for f in report.failures() {
            println!("  {f:?}");
        }
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
