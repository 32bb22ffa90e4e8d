//! What `fleetplan lp solve FILE.mps` prints for a solved model: status,
//! objective (only when the point is feasible), iterations, nodes, bound,
//! gap and time, as text or JSON.

use super::{Solution, Status};
use crate::model::{Model, VarType};

/// The summary of one solve of a model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SolveReport {
    /// The model's name.
    pub name: String,
    /// Rows of the model.
    pub rows: usize,
    /// Columns of the model.
    pub cols: usize,
    /// Integer columns.
    pub integer_cols: usize,
    /// The solve's status.
    pub status: Status,
    /// Whether the returned point satisfies every bound and row (within
    /// 1e-6 relative to `1 + |bound|`); an LP stopped by a limit holds its
    /// last iterate, which may break rows.
    pub point_feasible: bool,
    /// The objective, only when the point is feasible.
    pub objective: Option<f64>,
    /// Whether a point was returned at all.
    pub has_point: bool,
    /// Simplex iterations.
    pub iterations: u64,
    /// Branch-and-bound nodes.
    pub nodes: u64,
    /// The proven bound (MIP), or the objective of a proven LP optimum.
    pub bound: Option<f64>,
    /// The relative gap (MIP), or 0 for a proven LP optimum.
    pub gap: Option<f64>,
    /// Wall time of the solve, seconds.
    pub seconds: f64,
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

/// The model layer's warnings as `[{kind, count, message}]`.
#[must_use]
pub fn warnings_json(model: &Model) -> Vec<serde_json::Value> {
    model
        .warnings()
        .iter()
        .map(|w| {
            serde_json::json!({
                "kind": w.kind.as_str(),
                "count": w.count,
                "message": w.message,
            })
        })
        .collect()
}

impl SolveReport {
    /// The summary of `sol`, a solve of `model`.
    ///
    /// ```
    /// use fleetplan::model::{ModelBuilder, Sense, VarType};
    /// use fleetplan::solver::{self, SolveOptions, SolveReport};
    ///
    /// // max x + y subject to x + 2y <= 4, 3x + y <= 6, x, y >= 0: (1.6, 1.2), 2.8
    /// let mut b = ModelBuilder::new("tiny");
    /// b.set_sense(Sense::Maximize);
    /// let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
    /// let y = b.add_col("y", 1.0, Some(0.0), None, VarType::Continuous);
    /// let r1 = b.add_row("a", None, Some(4.0));
    /// b.set_coef(r1, x, 1.0).set_coef(r1, y, 2.0);
    /// let r2 = b.add_row("b", None, Some(6.0));
    /// b.set_coef(r2, x, 3.0).set_coef(r2, y, 1.0);
    /// let m = b.build()?;
    /// let sol = solver::solve(&m, &SolveOptions::default())?;
    /// let r = SolveReport::new(&m, &sol);
    /// assert!(r.point_feasible);
    /// assert!((r.objective.unwrap_or(0.0) - 2.8).abs() < 1e-9);
    /// assert!(r.to_text().contains("status      optimal"));
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    #[must_use]
    pub fn new(model: &Model, sol: &Solution) -> SolveReport {
        let point_feasible = match sol.status {
            Status::Optimal | Status::Feasible | Status::Unbounded => !sol.x.is_empty(),
            _ if sol.x.is_empty() => false,
            _ => feasible_point(model, &sol.x),
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
        SolveReport {
            name: model.name().to_owned(),
            rows: model.num_rows(),
            cols: model.num_cols(),
            integer_cols: model
                .var_types()
                .iter()
                .filter(|t| **t == VarType::Integer)
                .count(),
            status: sol.status,
            point_feasible,
            objective: sol.objective.filter(|_| point_feasible),
            has_point: !sol.x.is_empty(),
            iterations: sol.iterations,
            nodes,
            bound,
            gap,
            seconds: sol.solve_time.as_secs_f64(),
        }
    }

    /// The report as `fleetplan lp solve --format json` prints it (the keys
    /// are a contract), with the model's `warnings` ([`warnings_json`]).
    #[must_use]
    pub fn to_json_value(&self, warnings: Vec<serde_json::Value>) -> serde_json::Value {
        serde_json::json!({
            "status": self.status.as_str(),
            "objective": json_num(self.objective),
            "point_feasible": self.point_feasible,
            "iterations": self.iterations,
            "solve_seconds": self.seconds,
            "rows": self.rows,
            "cols": self.cols,
            "gap": json_num(self.gap),
            "nodes": self.nodes,
            "bound": json_num(self.bound),
            "integer_cols": self.integer_cols,
            "name": self.name,
            "warnings": warnings,
        })
    }

    /// The report as `fleetplan lp solve` prints it.
    #[must_use]
    pub fn to_text(&self) -> String {
        format!(
            "{}: {} rows, {} cols\nstatus      {}\nobjective   {}\niterations  {}\nnodes       {}\nbound       {}\ngap         {}\nsolve time  {:.6} s",
            self.name,
            self.rows,
            self.cols,
            self.status,
            self.objective.map_or_else(
                || {
                    if self.has_point {
                        "none (the last point is not feasible)".to_owned()
                    } else {
                        "none".to_owned()
                    }
                },
                |o| format!("{o:.10e}")
            ),
            self.iterations,
            self.nodes,
            num(self.bound),
            num(self.gap),
            self.seconds
        )
    }
}
