//! Branch-and-bound for models with integer columns.
//!
//! The search re-solves each node's LP with the warm-started dual simplex
//! (a child differs from its parent by one bound, so the parent's basis
//! stays dual feasible), branches by reliability branching (pseudo-costs,
//! initialised by strong branching), dives into one child after branching
//! and takes the best-bound open node when a dive ends. The root adds
//! cutting planes; rounding and diving heuristics find early solutions;
//! reduced costs and row activities tighten bounds. See `DESIGN.md`
//! ("Branch and bound").
//!
//! # Honest answers
//!
//! The reported bound is the smallest lower bound over the open nodes and
//! every subtree given up (the incumbent's value once the tree is
//! exhausted), rounded up to the objective's lattice when every feasible
//! objective value is provably a multiple of a step. The gap is
//! `|objective − bound| / max(1, |objective|)`. The incumbent is checked on
//! the original model: integer columns are rounded to exact integers and
//! activities recomputed (with continuous columns, the LP over them with
//! the integers fixed polishes the point first).
//!
//! An unbounded LP relaxation is reported as [`Status::Unbounded`]: the
//! MIP is then unbounded or infeasible.

/// Development tracing of the search to stderr: on when the environment
/// variable `FLEETPLAN_MIP_TRACE` is set (read once per process). Tracing
/// only prints; no decision of the search reads it.
pub(crate) fn trace_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FLEETPLAN_MIP_TRACE").is_some())
}

macro_rules! trace {
    ($($arg:tt)*) => {
        if $crate::solver::mip::trace_on() {
            eprintln!($($arg)*);
        }
    };
}
pub(crate) use trace;

/// Development tracing of memory: the process's resident and peak
/// resident set (Linux `/proc/self/status`) at `stage`, when tracing is on.
fn trace_memory(stage: &str) {
    if !trace_on() {
        return;
    }
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .map_or("?", |l| l[name.len()..].trim())
            .to_owned()
    };
    eprintln!(
        "memory at {stage}: resident {}, peak {}",
        field("VmRSS:"),
        field("VmHWM:")
    );
}

mod cuts;
mod domain;
mod heur;
mod incumbent;
mod lp;
mod options;
mod problem;
mod pseudo;
mod queue;
mod repair;
mod search;
mod submip;
#[cfg(test)]
mod tests;

pub use options::{MipOptions, NodeSelection};

use crate::error::{Error, Result};
use crate::model::Model;
use crate::solver::{MipInfo, Solution, SolveOptions, Status};
use search::{Search, Stop};
use std::borrow::Cow;
use std::time::Instant;

/// Solves a model with integer columns by branch-and-bound.
///
/// # Errors
/// [`crate::ErrorKind::Options`] for options out of range;
/// [`crate::ErrorKind::Internal`] if the root LP fails numerically, or if
/// no solution was found but some subtree had to be given up numerically
/// (so infeasibility is not proven).
pub(crate) fn solve_mip(model: &Model, options: &SolveOptions) -> Result<Solution> {
    solve_mip_from(model, options, None)
}

/// [`solve_mip`] starting from a known point: `start` (one value per
/// column; e.g. the last plan of a session) is offered as the first
/// incumbent, and becomes it when it is feasible for `model` once its
/// integer columns are rounded; its value is then the cutoff from the
/// root on. An infeasible or mis-sized start is ignored.
///
/// # Errors
/// As [`solve_mip`].
pub(crate) fn solve_mip_from(
    model: &Model,
    options: &SolveOptions,
    start: Option<&[f64]>,
) -> Result<Solution> {
    solve_mip_rounding(model, options, start.map(Cow::Borrowed), None)
}

/// A caller's rounding of an LP point (model columns) into a candidate
/// solution (model columns), or `None`.
pub(crate) type Rounder<'a> = dyn Fn(&[f64]) -> Option<Vec<f64>> + 'a;

/// [`solve_mip_from`] with a caller's rounding: `rounder` gets the root
/// LP point (before and after cuts) and some node LP points (every tenth
/// node while it has taken at most 5% of the time), and what it returns
/// is offered as a solution (rounded, repaired and checked like any other; a candidate
/// that fails the check is ignored). The planner rounds by the plan's
/// structure (single-pool phases on one pool) where the search's own
/// row-by-row heuristics cannot. An owned `start` is freed once offered.
///
/// # Errors
/// As [`solve_mip`].
pub(crate) fn solve_mip_rounding<'a>(
    model: &'a Model,
    options: &'a SolveOptions,
    start: Option<Cow<'_, [f64]>>,
    rounder: Option<&'a Rounder<'a>>,
) -> Result<Solution> {
    options.validate()?;
    if let Some(x) = &options.mip.start
        && x.len() != model.num_cols()
    {
        return Err(Error::options(format!(
            "mip.start has {} values but the model has {} columns",
            x.len(),
            model.num_cols()
        )));
    }
    let started = Instant::now();
    let mut s = Search::new(model, options, started);
    s.rounder = rounder;
    if let Some(x) = start.filter(|x| x.len() == model.num_cols()) {
        incumbent::trace_violations(model, &x);
        let accepted = s.try_solution(&x);
        trace!("given start: accepted {accepted}, objective {}", s.inc_obj);
    }
    let start = started;
    let stop = s.run()?;
    let sign = s.prob.sign;
    // A search stopped before its root LP has no bound of its own: the
    // least objective over the column bounds is one (`-inf` when some
    // cost can fall without limit).
    let bound = s.global_bound(None).max(box_bound(&s.prob));
    let mut sol = Solution {
        status: Status::Optimal,
        objective: None,
        x: Vec::new(),
        row_activity: Vec::new(),
        row_dual: Vec::new(),
        reduced_cost: Vec::new(),
        basis: None,
        certificate: None,
        iterations: s.lp.iterations + s.sub_iters,
        solve_time: start.elapsed(),
        mip: None,
    };
    let limit_status = match stop {
        Stop::Done => None,
        Stop::NodeLimit => Some(Status::NodeLimit),
        Stop::TimeLimit => Some(Status::TimeLimit),
        Stop::IterationLimit => Some(Status::IterationLimit),
        Stop::Unbounded => {
            sol.status = Status::Unbounded;
            sol.mip = Some(MipInfo {
                bound: sign * f64::NEG_INFINITY,
                gap: None,
                nodes: s.nodes,
            });
            return Ok(sol);
        }
    };
    match s.incumbent.take() {
        Some(x) => {
            let obj = model.objective_value(&x);
            let b = sign * bound.min(s.inc_obj);
            let gap = (obj - b).abs() / obj.abs().max(1.0);
            let closed = (obj - b).abs() <= s.gap_tolerance() + 1e-12 * obj.abs().max(1.0);
            sol.status = if limit_status.is_none() && closed {
                Status::Optimal
            } else {
                Status::Feasible
            };
            sol.objective = Some(obj);
            sol.row_activity = model.row_activity(&x);
            sol.x = x;
            sol.mip = Some(MipInfo {
                bound: b,
                gap: Some(gap),
                nodes: s.nodes,
            });
        }
        None => {
            sol.status = match limit_status {
                Some(st) => st,
                None if s.dropped_bound < f64::INFINITY => {
                    return Err(Error::internal(
                        "branch-and-bound: no solution found, but some nodes failed numerically, so infeasibility is not proven",
                    ));
                }
                None => Status::Infeasible,
            };
            sol.mip = Some(MipInfo {
                bound: sign * bound,
                gap: None,
                nodes: s.nodes,
            });
        }
    }
    Ok(sol)
}

/// The least objective (minimisation form) over the column bounds alone:
/// a valid lower bound for every feasible point.
fn box_bound(p: &problem::Problem) -> f64 {
    p.offset
        + (0..p.n)
            .map(|j| {
                let c = p.cost[j];
                if c > 0.0 {
                    c * p.lower[j]
                } else if c < 0.0 {
                    c * p.upper[j]
                } else {
                    0.0
                }
            })
            .sum::<f64>()
}
