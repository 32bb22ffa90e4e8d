//! microlp (a pure-Rust LP/MILP solver, dev-dependency only) as an oracle:
//! an answer from outside our code for random LPs.

use fleetplan::model::{Model, Sense, VarType};
use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// What microlp concluded.
#[derive(Debug, Clone, PartialEq)]
pub enum OracleStatus {
    /// Optimal (proven).
    Optimal,
    /// Infeasible.
    Infeasible,
    /// Unbounded.
    Unbounded,
    /// microlp failed or stopped without a proof (its message).
    Failed(String),
}

/// microlp's answer for a model.
#[derive(Debug, Clone, PartialEq)]
pub struct OracleResult {
    /// Its status.
    pub status: OracleStatus,
    /// `cᵀx + c₀` at its point, when optimal.
    pub objective: Option<f64>,
    /// Its point, when optimal.
    pub x: Vec<f64>,
}

/// Integer bounds for microlp (`i32::MIN` / `i32::MAX` for none).
fn int_bound(v: f64, up: bool) -> i32 {
    if !v.is_finite() || v.abs() > 1e9 {
        return if up { i32::MAX } else { i32::MIN };
    }
    let r = if up { v.floor() } else { v.ceil() };
    // |r| <= 1e9 fits an i32.
    r as i32
}

/// Solves `model` with microlp (default options). Rows with no entries are
/// checked directly (`0` within the row bounds) rather than given to microlp.
pub fn solve_with_microlp(model: &Model) -> OracleResult {
    let fail = |s: String| OracleResult {
        status: OracleStatus::Failed(s),
        objective: None,
        x: Vec::new(),
    };
    let dir = match model.sense() {
        Sense::Minimize => OptimizationDirection::Minimize,
        Sense::Maximize => OptimizationDirection::Maximize,
    };
    let mut p = Problem::new(dir);
    let vars: Vec<_> = (0..model.num_cols())
        .map(|j| {
            let (l, u, c) = (model.col_lower()[j], model.col_upper()[j], model.costs()[j]);
            match model.var_types()[j] {
                VarType::Integer => p.add_integer_var(c, (int_bound(l, false), int_bound(u, true))),
                _ => p.add_var(c, (l, u)),
            }
        })
        .collect();
    let at = model.matrix().transpose();
    for i in 0..model.num_rows() {
        let (idx, val) = at.col(i);
        let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
        if idx.is_empty() {
            if l > 0.0 || u < 0.0 {
                return OracleResult {
                    status: OracleStatus::Infeasible,
                    objective: None,
                    x: Vec::new(),
                };
            }
            continue;
        }
        let expr: Vec<_> = idx
            .iter()
            .zip(val)
            .map(|(&j, &v)| (vars[j as usize], v))
            .collect();
        if l == u {
            p.add_constraint(expr.as_slice(), ComparisonOp::Eq, l);
            continue;
        }
        if l.is_finite() {
            p.add_constraint(expr.as_slice(), ComparisonOp::Ge, l);
        }
        if u.is_finite() {
            p.add_constraint(expr.as_slice(), ComparisonOp::Le, u);
        }
    }
    match p.solve() {
        Ok(outcome) => match outcome.into_solution() {
            Ok(sol) => {
                let x: Vec<f64> = vars.iter().map(|&v| sol.var_value(v)).collect();
                let optimal = sol.status() == microlp::SolutionStatus::Optimal;
                OracleResult {
                    status: if optimal {
                        OracleStatus::Optimal
                    } else {
                        OracleStatus::Failed(format!("stopped with {:?}", sol.status()))
                    },
                    objective: Some(sol.objective() + model.objective_constant()),
                    x,
                }
            }
            Err(_) => fail("interrupted without a solution".to_owned()),
        },
        Err(microlp::Error::Infeasible) => OracleResult {
            status: OracleStatus::Infeasible,
            objective: None,
            x: Vec::new(),
        },
        Err(microlp::Error::Unbounded) => OracleResult {
            status: OracleStatus::Unbounded,
            objective: None,
            x: Vec::new(),
        },
        Err(e) => fail(e.to_string()),
    }
}
