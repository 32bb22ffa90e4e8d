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
                let sc = v.scenario();
                let text = match args.format {
                    Format::Json => json(&ValidationReport::default()),
                    Format::Text => format!(
                        "ok: {shown}: scenario '{}': {} pools, {} phases, {} export rules; {} days from {} in {}",
                        sc.name,
                        sc.pools.len(),
                        sc.phases.len(),
                        sc.policy.rules.len(),
                        sc.horizon_days.get(),
                        sc.start,
                        sc.jurisdiction
                    ),
                };
                return emit(&text);
            }
        },
    };
    let text = match args.format {
        Format::Json => json(&report),
        Format::Text => {
            let mut lines: Vec<String> = report
                .issues
                .iter()
                .map(|i| format!("{}  {}  {}  (fix: {})", i.code, i.path, i.message, i.fix))
                .collect();
            lines.push(format!("{shown}: {} problem(s)", report.issues.len()));
            lines.join("\n")
        }
    };
    match emit(&text) {
        c if c == ExitCode::SUCCESS => ExitCode::from(1),
        c => c,
    }
}

fn json(report: &ValidationReport) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        valid: bool,
        issues: &'a [fleetplan::scenario::Issue],
    }
    let out = Out {
        valid: report.is_ok(),
        issues: &report.issues,
    };
    // Serialising plain strings and a bool cannot fail.
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
