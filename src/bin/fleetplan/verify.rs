//! `fleetplan verify SCENARIO --plan PLAN.json`: re-checks a plan against
//! its scenario, independently of the planner.

use crate::catalog::emit;
use crate::plan::{TextOrJson, load};
use fleetplan::plan::{Plan, verify};
use std::path::PathBuf;
use std::process::ExitCode;

/// Re-checks a plan (the JSON `fleetplan plan --format json` prints, from
/// any source) against a scenario: capacity at every breakpoint, every
/// phase's work at the slots' own device counts, serving coverage,
/// purchases, quotas, domestic shares, budgets, single-pool runs, whole
/// units, each part of the cost and every summary, all recomputed from the
/// plan's schedule and purchases.
///
/// Prints "verified" when every check holds (warnings, printed first, do
/// not fail a plan), else one line per failed check. JSON: { verified,
/// checks [{name, ok, detail}], warnings [{name, detail, difference}] }.
/// Exit status: 0 verified, 1 a check fails, 2 the scenario or the plan
/// cannot be read, parsed or validated.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (`.toml` or `.json`).
    file: PathBuf,
    /// The plan, as JSON.
    #[arg(long)]
    plan: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// Runs the command.
pub fn run(a: Args) -> ExitCode {
    let Ok(vs) = load(&a.file) else {
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&a.plan) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fleetplan: {}: {e}", a.plan.display());
            return ExitCode::from(2);
        }
    };
    let plan: Plan = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "fleetplan: {}: not a plan (the JSON `fleetplan plan --format json` prints): {e}",
                a.plan.display()
            );
            return ExitCode::from(2);
        }
    };
    let report = verify(&vs, &plan);
    let ok = report.is_ok();
    let out = match a.format {
        TextOrJson::Json => report.to_json().unwrap_or_default(),
        TextOrJson::Text => report.to_text(),
    };
    match emit(&out) {
        c if c != ExitCode::SUCCESS => c,
        _ if ok => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
