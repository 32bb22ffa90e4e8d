//! `fleetplan lp solve FILE.mps`: solves an LP or MILP from an MPS file.

use crate::catalog::emit;
use clap::{Subcommand, ValueEnum};
use fleetplan::ErrorKind;
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{self, SolveOptions, SolveReport};
use std::path::PathBuf;
use std::process::ExitCode;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable lines.
    Text,
    /// One JSON object: `status`, `objective` (null when there is no
    /// feasible point), `point_feasible`, `iterations`, `solve_seconds`,
    /// `rows`, `cols`, `gap`, `nodes`, `bound`, `integer_cols`, `name` and
    /// `warnings` (what the model layer's numeric rule or the MPS
    /// conventions changed, each `{kind, count, message}`). When the solver
    /// cannot stand behind an answer the object is `{status: "numerical",
    /// error, warnings, ...}` and the exit status is 1.
    Json,
}

/// MPS dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// Free format unless a line only parses in fixed columns.
    Auto,
    /// Fixed columns (names may contain spaces).
    Fixed,
    /// Whitespace-separated fields.
    Free,
}

/// LP/MILP engine commands.
#[derive(Debug, Subcommand)]
pub enum Args {
    /// Solve an MPS file (fixed or free format; MARKER sections make it a
    /// MILP). Exit status 0 when the solve ran (whatever its status), 1 when
    /// the solver failed (numerical trouble: no answer it can stand behind),
    /// 2 when the file cannot be read or parsed, the model is refused or an
    /// option is out of range.
    ///
    /// At a limit the status says so (`time_limit`, or `feasible` for a
    /// MILP with an incumbent, with its bound and gap). An LP stopped by a
    /// limit reports its objective only when its last point is feasible
    /// (`point_feasible`); otherwise `objective` is null.
    Solve {
        /// The MPS file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Wall-clock limit of the whole solve, seconds, in (0, 1e6]
        /// (default 60).
        #[arg(
            long,
            value_name = "SECONDS",
            default_value_t = 60.0,
            allow_negative_numbers = true
        )]
        time_limit: f64,
        /// MPS dialect.
        #[arg(long, value_enum, default_value_t = Dialect::Auto)]
        mps: Dialect,
        /// Solve with the primal simplex instead of the dual.
        #[arg(long)]
        primal: bool,
        /// Relative MIP gap at which a MILP counts as solved (default
        /// the solver's).
        #[arg(long)]
        relative_gap: Option<f64>,
    },
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let Args::Solve {
        file,
        format,
        time_limit,
        mps,
        primal,
        relative_gap,
    } = args;
    let dialect = match mps {
        Dialect::Auto => MpsFormat::Auto,
        Dialect::Fixed => MpsFormat::Fixed,
        Dialect::Free => MpsFormat::Free,
    };
    let model = match read_mps_file(&file, dialect) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("fleetplan: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let limit = match solver::time_limit_from_secs(time_limit) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fleetplan: --time-limit: {e}");
            return ExitCode::from(2);
        }
    };
    let mut opts = SolveOptions::default().with_time_limit(Some(limit));
    if primal {
        opts = opts.with_algorithm(solver::Algorithm::PrimalSimplex);
    }
    if let Some(g) = relative_gap {
        opts = opts.with_relative_gap(g);
        if let Err(e) = opts.validate() {
            eprintln!("fleetplan: --relative-gap: {e}");
            return ExitCode::from(2);
        }
    }
    let warnings = solver::warnings_json(&model);
    if format == Format::Text {
        for w in model.warnings() {
            eprintln!("fleetplan: warning: {w}");
        }
    }
    let sol = match solver::solve(&model, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fleetplan: {e}");
            if format == Format::Json && e.kind() == ErrorKind::Numerical {
                let v = serde_json::json!({
                    "status": "numerical",
                    "error": e.to_string(),
                    "rows": model.num_rows(),
                    "cols": model.num_cols(),
                    "name": model.name(),
                    "warnings": warnings,
                });
                let _ = emit(&v.to_string());
            }
            return ExitCode::from(1);
        }
    };
    let report = SolveReport::new(&model, &sol);
    let text = match format {
        Format::Json => report.to_json_value(warnings).to_string(),
        Format::Text => report.to_text(),
    };
    emit(&text)
}
