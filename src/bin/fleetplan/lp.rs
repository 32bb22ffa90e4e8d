//! `fleetplan lp solve FILE.mps`: solves an LP or MILP from an MPS file.

use crate::catalog::emit;
use clap::{Subcommand, ValueEnum};
use fleetplan::ErrorKind;
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{self, SolveOptions, Status};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable lines.
    Text,
    /// One JSON object: `status`, `objective`, `iterations`,
    /// `solve_seconds`, `rows`, `cols`, `gap`, `nodes`, `bound`,
    /// `integer_cols`, `name` and `warnings` (what the model layer's
    /// numeric rule or the MPS conventions changed, each `{kind, count,
    /// message}`). When the solver cannot stand behind an answer the object
    /// is `{status: "numerical", error, warnings, ...}` and the exit status
    /// is 1.
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
    /// 2 when the file cannot be read or parsed or the model is refused.
    Solve {
        /// The MPS file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Wall-clock limit of the solve, seconds.
        #[arg(long)]
        time_limit: Option<f64>,
        /// MPS dialect.
        #[arg(long, value_enum, default_value_t = Dialect::Auto)]
        mps: Dialect,
        /// Solve with the primal simplex instead of the dual.
        #[arg(long)]
        primal: bool,
    },
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:.6e}"),
        _ => "null".to_owned(),
    }
}

fn json_num(v: Option<f64>) -> serde_json::Value {
    v.filter(|x| x.is_finite())
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let Args::Solve {
        file,
        format,
        time_limit,
        mps,
        primal,
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
    let mut opts = SolveOptions::default();
    if let Some(t) = time_limit {
        if !(t.is_finite() && t > 0.0) {
            eprintln!("fleetplan: --time-limit must be a positive number of seconds");
            return ExitCode::from(2);
        }
        opts = opts.with_time_limit(Some(Duration::from_secs_f64(t)));
    }
    if primal {
        opts = opts.with_algorithm(solver::Algorithm::PrimalSimplex);
    }
    let warnings: Vec<serde_json::Value> = model
        .warnings()
        .iter()
        .map(|w| {
            serde_json::json!({
                "kind": w.kind.as_str(),
                "count": w.count,
                "message": w.message,
            })
        })
        .collect();
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
    let (gap, nodes, bound) = match sol.mip {
        Some(m) => (m.gap, m.nodes, Some(m.bound)),
        None => {
            let proven = sol.status == Status::Optimal;
            (
                proven.then_some(0.0),
                0,
                if proven { sol.objective } else { None },
            )
        }
    };
    let text = match format {
        Format::Json => {
            let v = serde_json::json!({
                "status": sol.status.as_str(),
                "objective": json_num(sol.objective),
                "iterations": sol.iterations,
                "solve_seconds": sol.solve_time.as_secs_f64(),
                "rows": model.num_rows(),
                "cols": model.num_cols(),
                "gap": json_num(gap),
                "nodes": nodes,
                "bound": json_num(bound),
                "integer_cols": model.var_types().iter().filter(|t| **t == fleetplan::model::VarType::Integer).count(),
                "name": model.name(),
                "warnings": warnings,
            });
            v.to_string()
        }
        Format::Text => format!(
            "{}: {} rows, {} cols\nstatus      {}\nobjective   {}\niterations  {}\nnodes       {}\nbound       {}\ngap         {}\nsolve time  {:.6} s",
            model.name(),
            model.num_rows(),
            model.num_cols(),
            sol.status,
            sol.objective
                .map_or_else(|| "none".to_owned(), |o| format!("{o:.10e}")),
            sol.iterations,
            nodes,
            num(bound),
            num(gap),
            sol.solve_time.as_secs_f64()
        ),
    };
    emit(&text)
}
