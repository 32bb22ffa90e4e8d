//! `fleetplan lp solve FILE.mps`: solves an LP or MILP from an MPS file.

use crate::catalog::emit;
use clap::{Subcommand, ValueEnum};
use fleetplan::ErrorKind;
use fleetplan::model::Model;
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{self, SolveOptions, Status};
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

/// Whether `x` satisfies every column and row bound of `model` within
/// 1e-6, relative to `1 + |bound|` (the certificate check's primal test).
fn feasible_point(model: &Model, x: &[f64]) -> bool {
    const TOL: f64 = 1e-6;
    let within = |v: f64, lo: f64, up: f64| {
        v.is_finite() && v >= lo - TOL * (1.0 + lo.abs()) && v <= up + TOL * (1.0 + up.abs())
    };
    x.len() == model.num_cols()
        && x.iter()
            .zip(model.col_lower().iter().zip(model.col_upper()))
            .all(|(&v, (&lo, &up))| within(v, lo, up))
        && model
            .row_activity(x)
            .iter()
            .zip(model.row_lower().iter().zip(model.row_upper()))
            .all(|(&v, (&lo, &up))| within(v, lo, up))
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
    // An LP stopped by a limit holds its last iterate, which may break
    // rows (the dual simplex's always do until the end): its objective is
    // reported only when the point is feasible.
    let point_feasible = match sol.status {
        Status::Optimal | Status::Feasible | Status::Unbounded => !sol.x.is_empty(),
        _ if sol.x.is_empty() => false,
        _ => feasible_point(&model, &sol.x),
    };
    let objective = sol.objective.filter(|_| point_feasible);
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
                "objective": json_num(objective),
                "point_feasible": point_feasible,
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
            objective.map_or_else(
                || {
                    if sol.x.is_empty() {
                        "none".to_owned()
                    } else {
                        "none (the last point is not feasible)".to_owned()
                    }
                },
                |o| format!("{o:.10e}")
            ),
            sol.iterations,
            nodes,
            num(bound),
            num(gap),
            sol.solve_time.as_secs_f64()
        ),
    };
    emit(&text)
}
