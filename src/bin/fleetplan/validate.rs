//! `fleetplan validate FILE`: checks a scenario and prints every problem.

use clap::ValueEnum;
use fleetplan::ErrorKind;
use fleetplan::scenario::{Scenario, ValidationReport};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::catalog::emit;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One issue per line: code, path, message, fix.
    Text,
    /// `{ "valid": bool, "issues": [{ code, path, message, fix }] }`.
    Json,
}

/// Checks a scenario file (TOML or JSON) and prints every problem with its
/// code, field path, cause and fix. Exit status: 0 valid, 1 invalid, 2 the
/// file cannot be read or parsed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (`.toml` or `.json`).
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let shown = args.file.display().to_string();
    let report = match Scenario::load(&args.file) {
        Err(e) => match e.validation() {
            Some(r) if e.kind() == ErrorKind::Invalid => r.clone(),
            _ => {
                eprintln!("fleetplan: {e}");
                return ExitCode::from(2);
            }
        },
        Ok(s) => match s.validate() {
            Err(r) => r,
            Ok(v) => {
                let text = match args.format {
                    Format::Json => json(&ValidationReport::default()),
                    Format::Text => format!("ok: {shown}: {}", v.scenario().summary()),
                };
                return emit(&text);
            }
        },
    };
    let text = match args.format {
        Format::Json => json(&report),
        Format::Text => report.to_text(&shown),
    };
    match emit(&text) {
        c if c == ExitCode::SUCCESS => ExitCode::from(1),
        c => c,
    }
}

fn json(report: &ValidationReport) -> String {
    report.to_json().unwrap_or_default()
}
