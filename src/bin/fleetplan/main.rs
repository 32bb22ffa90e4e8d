//! The `fleetplan` command-line tool: a thin layer over the library.
//!
//! Each command area lives in its own module (`lp.rs`, `catalog.rs`, ...)
//! exposing an `Args` struct (clap) and a `run(args) -> ExitCode` function;
//! this file only dispatches.

mod catalog;
mod validate;

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
    }
}
