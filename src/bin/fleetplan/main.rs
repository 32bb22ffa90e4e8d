//! The `fleetplan` command-line tool: a thin layer over the library.
//!
//! Each command area lives in its own module (`lp.rs`, `catalog.rs`, ...)
//! exposing an `Args` struct (clap) and a `run(args) -> ExitCode` function;
//! this file only dispatches.

mod catalog;
mod lp;
mod plan;
mod report;
mod sweep;
mod validate;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Plans heterogeneous accelerator fleets under export and domestic-substitution rules.
#[derive(Debug, Parser)]
#[command(name = "fleetplan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in accelerator catalogue with sources.
    Catalog(catalog::Args),
    /// Check a scenario file and print every problem.
    Validate(validate::Args),
    /// Plan a scenario: assignments, purchases, cost, binding constraints.
    Plan(plan::PlanArgs),
    /// Plan a scenario and its domestic-only counterfactual: the memo.
    Justify(plan::JustifyArgs),
    /// Re-check a plan (JSON) against its scenario, independently of the planner.
    Verify(verify::Args),
    /// Show every factor of one (phase, pool) pair's rate and cost.
    Explain(plan::ExplainArgs),
    /// Write a scenario's compiled model as MPS (and LP) for any solver.
    Export(plan::ExportArgs),
    /// Write one self-contained HTML page: plan, charts, memo, verification.
    Report(report::Args),
    /// Re-plan while one numeric field varies (a warm-started sweep).
    Sweep(sweep::Args),
    /// The LP/MILP engine on MPS files.
    #[command(subcommand)]
    Lp(lp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => {
            eprintln!("fleetplan: no command given; run `fleetplan --help`");
            ExitCode::from(2)
        }
        Some(Command::Catalog(args)) => catalog::run(args),
        Some(Command::Validate(args)) => validate::run(args),
        Some(Command::Plan(args)) => plan::run_plan(args),
        Some(Command::Justify(args)) => plan::run_justify(args),
        Some(Command::Verify(args)) => verify::run(args),
        Some(Command::Explain(args)) => plan::run_explain(args),
        Some(Command::Export(args)) => plan::run_export(args),
        Some(Command::Report(args)) => report::run(args),
        Some(Command::Sweep(args)) => sweep::run(args),
        Some(Command::Lp(args)) => lp::run(args),
    }
}
