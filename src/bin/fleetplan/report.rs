//! `fleetplan report FILE --html OUT.html`: one self-contained page with
//! the plan, its charts, the binding constraints, the justification memo
//! and the verification.

use crate::plan::{Common, load, options, scope, status_code};
use fleetplan::plan::{charts, justify_with};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Plans the scenario and its domestic-only counterfactual and writes one
/// HTML page (inline SVG charts and CSS, no external URL: it opens
/// offline): the plan, the schedule as a Gantt chart, the cost as a
/// waterfall, the plan beside its domestic-only counterfactual, the
/// binding constraints with shadow prices, the justification memo and
/// every verification check. Exit status as for `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// Where to write the page.
    #[arg(long, value_name = "OUT.html")]
    html: PathBuf,
    /// Counterfactual without any foreign device, owned ones included.
    #[arg(long)]
    all_foreign: bool,
}

/// Writes `text` to `path`; exit status 2 (with a message) on failure.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), ExitCode> {
    std::fs::write(path, text).map_err(|e| {
        eprintln!("fleetplan: {}: {e}", path.display());
        ExitCode::from(2)
    })
}

/// Runs the command.
pub fn run(a: Args) -> ExitCode {
    let vs = match load(a.common.file()) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let opts = match options(&a.common) {
        Ok(o) => o,
        Err(c) => return c,
    };
    let page = justify_with(&vs, &opts, scope(a.all_foreign))
        .and_then(|j| charts::report_html(&j).map(|h| (h, j.plan.status)));
    match page {
        Ok((html, status)) => match write_file(&a.html, &html) {
            Ok(()) => {
                eprintln!("wrote {}", a.html.display());
                status_code(status)
            }
            Err(c) => c,
        },
        Err(e) => {
            eprintln!("fleetplan: {e}");
            ExitCode::from(1)
        }
    }
}
