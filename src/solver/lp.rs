//! Solving LPs: [`solve`], [`solve_relaxation`] and the persistent
//! [`LpSolver`] for warm-started re-solves.

// `lower == upper` identifies fixed variables exactly, by design.
#![allow(clippy::float_cmp)]

use super::certificate::{self, CheckTolerances};
use super::sifting::{Sifter, SiftingStats};
use super::simplex::scaling::Scaling;
use super::simplex::{Engine, FREE, Limits, Lp, Method, NONBASIC, Outcome, SpMat, Tol};
use super::{Algorithm, Basis, BasisStatus, Certificate, Solution, SolveOptions, Status};
use crate::error::{Error, Result};
use crate::model::{ColId, Model, RowId, Sense};
use std::time::Instant;

/// Solves an LP, or a MIP by branch-and-bound.
///
/// The default LP method is the bounded dual simplex (see
/// [`SolveOptions::algorithm`]). Infeasible and unbounded LPs are statuses
/// carrying a checked certificate, not errors.
///
/// A model with integer columns is solved by branch-and-bound over the
/// warm-started dual simplex (see [`SolveOptions::mip`] and the limits
/// [`SolveOptions::node_limit`], [`SolveOptions::time_limit`],
/// [`SolveOptions::relative_gap`], [`SolveOptions::absolute_gap`]): the
/// solution then holds the incumbent (integer columns exactly integral),
/// no duals, and [`MipInfo`](crate::solver::MipInfo) with the proven bound,
/// the gap and the node count. [`Status::Optimal`] means the gap closed
/// within tolerance; [`Status::Feasible`] that a limit stopped the search
/// with an incumbent.
///
/// Complexity: each simplex iteration costs a few sparse triangular solves
/// and a pass over the pivot row; the number of iterations is typically a
/// small multiple of the number of rows. Branch-and-bound is exponential
/// in the worst case.
///
/// # Errors
/// [`crate::ErrorKind::Options`] for options out of range;
/// [`crate::ErrorKind::Numerical`] when the engine cannot stand behind an
/// answer (an infeasibility whose Farkas certificate fails the independent
/// check, also without scaling; a status it cannot settle);
/// [`crate::ErrorKind::Internal`] if the engine fails otherwise.
pub fn solve(model: &Model, options: &SolveOptions) -> Result<Solution> {
    if model.is_mip() {
        return super::mip::solve_mip(model, options);
    }
    solve_relaxation(model, options)
}

/// Solves the LP relaxation of a model: integrality requirements are
/// ignored. For a model without integer columns this is [`solve`].
///
/// # Errors
/// As [`solve`].
pub fn solve_relaxation(model: &Model, options: &SolveOptions) -> Result<Solution> {
    // The reported solve time includes setting the engine up (scaling,
    // the computational form, sifting's first working set).
    let start = Instant::now();
    // One deadline for the whole solve, set-up and any hand-over included.
    let options = &options.anchored(start);
    let mut sol = if options
        .structure
        .uses_sifting(model.num_rows(), model.num_cols())
    {
        let mut sifter = Sifter::new(model, options)?;
        sift(model, options, &mut sifter)?.0
    } else {
        let mut core = Core::new(model, options.clone())?;
        core.solve(model)?
    };
    sol.solve_time = start.elapsed();
    Ok(sol)
}

/// Solves by sifting; if sifting gives up, the general engine finishes
/// (warm from the sifting basis when its last master ended optimal, else
/// cold) and is returned too.
fn sift(
    model: &Model,
    options: &SolveOptions,
    sifter: &mut Sifter,
) -> Result<(Solution, Option<Core>)> {
    let start = Instant::now();
    // Sifting and the general engine it may hand over to share one
    // deadline: the hand-over does not restart the clock.
    let anchored = options.anchored(start);
    if let Some(sol) = sifter.solve(model, &anchored)? {
        // An infeasible verdict must pass the independent check; when
        // sifting's does not, the general engine decides from its basis.
        if farkas_failure(model, &sol).is_none() {
            return Ok((sol, None));
        }
    }
    let done = sifter.stats().iterations;
    let mut core = Core::new(model, anchored)?;
    if sifter.basis_worth_keeping() {
        core.set_basis(&sifter.basis(model))?;
    }
    let mut sol = core.solve(model)?;
    // Later solves of an `LpSolver` that keeps this core count their own
    // limits.
    core.options = options.clone();
    sol.iterations += done;
    sol.solve_time = start.elapsed();
    Ok((sol, Some(core)))
}

/// A persistent LP solver: keeps the model, the basis and its factor
/// between solves, so that re-solves after changes to costs, bounds or
/// right-hand sides start from the previous basis.
///
/// After a bound or right-hand-side change the previous optimal basis stays
/// dual feasible and the dual simplex continues from it; after a cost
/// change it stays primal feasible and the primal simplex continues.
///
/// ```
/// use fleetplan::model::{ModelBuilder, VarType};
/// use fleetplan::solver::{LpSolver, SolveOptions, Status};
///
/// let mut b = ModelBuilder::new("two");
/// let x = b.add_col("x", 1.0, Some(0.0), None, VarType::Continuous);
/// let y = b.add_col("y", 2.0, Some(0.0), None, VarType::Continuous);
/// let r = b.add_row_with("cover", Some(4.0), None, &[(x, 1.0), (y, 1.0)]);
/// let mut lp = LpSolver::new(b.build()?, SolveOptions::default())?;
/// let s = lp.solve()?;
/// assert_eq!(s.status, Status::Optimal);
/// assert!((s.objective.unwrap() - 4.0).abs() < 1e-9);
/// lp.set_cost(x, 3.0)?; // x now dearer than y: primal simplex re-solve
/// let s = lp.solve()?;
/// assert!((s.objective.unwrap() - 8.0).abs() < 1e-9);
/// lp.set_row_bounds(r, Some(5.0), None)?; // dual simplex re-solve
/// assert!((lp.solve()?.objective.unwrap() - 10.0).abs() < 1e-9);
/// # Ok::<(), fleetplan::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LpSolver {
    model: Model,
    options: SolveOptions,
    path: Path,
    /// Figures of the last sifting solve.
    sift_stats: Option<SiftingStats>,
}

/// The engine path an [`LpSolver`] uses (chosen when it is made, see
/// [`crate::solver::Structure`]).
#[derive(Debug, Clone)]
enum Path {
    General(Box<Core>),
    Sifting(Box<Sifter>),
}

impl LpSolver {
    /// A solver for `model`, starting from the slack basis.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] if the model has integer columns (use
    /// [`LpSolver::relaxation`]); [`crate::ErrorKind::Options`] for options
    /// out of range.
    pub fn new(model: Model, options: SolveOptions) -> Result<Self> {
        if model.is_mip() {
            return Err(Error::model(
                "integer columns: LpSolver::new takes an LP (LpSolver::relaxation solves the LP relaxation)",
            ));
        }
        Self::relaxation(model, options)
    }

    /// A solver for the LP relaxation of `model` (integrality ignored), for
    /// example for branch-and-bound nodes.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] for options out of range.
    pub fn relaxation(model: Model, options: SolveOptions) -> Result<Self> {
        let path = if options
            .structure
            .uses_sifting(model.num_rows(), model.num_cols())
        {
            Path::Sifting(Box::new(Sifter::new(&model, &options)?))
        } else {
            Path::General(Box::new(Core::new(&model, options.clone())?))
        };
        Ok(Self {
            model,
            options,
            path,
            sift_stats: None,
        })
    }

    /// Solves from the current basis.
    ///
    /// # Errors
    /// As [`solve`]: [`crate::ErrorKind::Numerical`] or
    /// [`crate::ErrorKind::Internal`] when the engine cannot give an answer
    /// it stands behind.
    pub fn solve(&mut self) -> Result<Solution> {
        match &mut self.path {
            Path::General(core) => core.solve(&self.model),
            Path::Sifting(sifter) => {
                let (sol, core) = sift(&self.model, &self.options, sifter)?;
                let mut stats = sifter.stats();
                if let Some(core) = core {
                    // Sifting gave up on this LP: the general engine keeps it.
                    stats.fell_back = true;
                    self.path = Path::General(Box::new(core));
                }
                self.sift_stats = Some(stats);
                Ok(sol)
            }
        }
    }

    /// Figures of the last solve if it used sifting (rounds, master size,
    /// time in pricing and in master solves), `None` otherwise.
    #[must_use]
    pub fn sifting_stats(&self) -> Option<SiftingStats> {
        self.sift_stats
    }

    /// The model as it stands after every change.
    #[must_use]
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &SolveOptions {
        &self.options
    }

    /// Replaces the options (limits, tolerances, algorithm) for later solves.
    /// Scaling and the engine path ([`SolveOptions::structure`]) are decided
    /// when the solver is made and are not changed here.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] for options out of range.
    pub fn set_options(&mut self, options: SolveOptions) -> Result<()> {
        options.validate()?;
        if let Path::General(core) = &mut self.path {
            core.engine.tol = tol_of(&options);
            core.options = options.clone();
        }
        self.options = options;
        Ok(())
    }

    /// Changes one objective coefficient (in the model's own sense).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an unknown column or a non-finite cost.
    pub fn set_cost(&mut self, col: ColId, cost: f64) -> Result<()> {
        self.model.set_cost(col, cost)?;
        let j = col.index();
        match &mut self.path {
            Path::General(core) => {
                core.engine.lp.cost[j] = core.sign * cost * core.scale.col[j];
            }
            Path::Sifting(sifter) => sifter.cost_changed(&self.model, j),
        }
        Ok(())
    }

    /// Changes a column's bounds (`None` = infinite).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an unknown column, a NaN bound or
    /// `lower > upper`.
    pub fn set_col_bounds(
        &mut self,
        col: ColId,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<()> {
        self.model.set_col_bounds(col, lower, upper)?;
        let j = col.index();
        match &mut self.path {
            Path::General(core) => {
                let c = core.scale.col[j];
                let lp = &mut core.engine.lp;
                lp.lower[j] = self.model.col_lower()[j] / c;
                lp.upper[j] = self.model.col_upper()[j] / c;
            }
            Path::Sifting(sifter) => sifter.bounds_changed(&self.model, j),
        }
        Ok(())
    }

    /// Changes a row's bounds (`None` = infinite), i.e. its right-hand side.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] for an unknown row, a NaN bound or
    /// `lower > upper`.
    pub fn set_row_bounds(
        &mut self,
        row: RowId,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<()> {
        self.model.set_row_bounds(row, lower, upper)?;
        // Sifting re-derives its master's row bounds at every solve.
        if let Path::General(core) = &mut self.path {
            let i = row.index();
            let r = core.scale.row[i];
            let lp = &mut core.engine.lp;
            let j = lp.n + i;
            lp.lower[j] = -self.model.row_upper()[i] * r;
            lp.upper[j] = -self.model.row_lower()[i] * r;
        }
        Ok(())
    }

    /// Changes an existing coefficient of the matrix (see
    /// [`Model::set_coef`] for what may change). The basis is kept: the
    /// factor is recomputed at the next solve when the column is basic,
    /// and the next solve continues from the basis (the primal or dual
    /// simplex, whichever it stays feasible for).
    ///
    /// # Errors
    /// As [`Model::set_coef`]: [`crate::ErrorKind::Model`] for an unknown
    /// row or column, a value out of range, or a structural change (a new
    /// entry, or one that would be dropped).
    pub fn set_coef(&mut self, row: RowId, col: ColId, value: f64) -> Result<()> {
        self.model.set_coef(row, col, value)?;
        let (i, j) = (row.index(), col.index());
        match &mut self.path {
            Path::General(core) => {
                let scaled = value * core.scale.row[i] * core.scale.col[j];
                let lp = &mut core.engine.lp;
                let (s, e) = (lp.a.start[j], lp.a.start[j + 1]);
                if let Some(p) = (s..e).find(|&p| lp.a.index[p] as usize == i) {
                    lp.a.value[p] = scaled;
                }
                let (s, e) = (lp.ar.start[i], lp.ar.start[i + 1]);
                if let Some(p) = (s..e).find(|&p| lp.ar.index[p] as usize == j) {
                    lp.ar.value[p] = scaled;
                }
                if core.engine.is_basic(j) {
                    core.engine.factor_ok = false;
                }
            }
            Path::Sifting(sifter) => {
                // Sifting keeps derived copies of the columns: start it
                // again on the changed model, from the same basis.
                let basis = sifter.basis(&self.model);
                let mut fresh = Sifter::new(&self.model, &self.options)?;
                fresh.set_basis(&self.model, &basis)?;
                **sifter = fresh;
            }
        }
        Ok(())
    }

    /// The current basis (after a solve: the final one).
    #[must_use]
    pub fn basis(&self) -> Basis {
        match &self.path {
            Path::General(core) => core.basis(),
            Path::Sifting(sifter) => sifter.basis(&self.model),
        }
    }

    /// Starts the next solve from `basis`. A basis that is singular is
    /// repaired by swapping in row logicals.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Model`] if the lengths do not match the model or
    /// the number of basic entries is not the number of rows.
    pub fn set_basis(&mut self, basis: &Basis) -> Result<()> {
        match &mut self.path {
            Path::General(core) => core.set_basis(basis),
            Path::Sifting(sifter) => sifter.set_basis(&self.model, basis),
        }
    }
}

/// The engine plus what maps it to and from the model.
#[derive(Debug, Clone)]
struct Core {
    scale: Scaling,
    engine: Engine,
    /// +1 to minimise, −1 to maximise (the engine always minimises).
    sign: f64,
    options: SolveOptions,
    /// Set after `set_basis`: compute exact steepest-edge weights.
    fresh_basis: bool,
}

/// Iterations (plus two per row and column) an unscaled re-solve may take.
const RETRY_ITERATIONS: u64 = 1000;

/// Largest row count for which `set_basis` recomputes exact dual
/// steepest-edge weights (one BTRAN per row).
const EXACT_DSE_MAX_ROWS: usize = 5000;

fn tol_of(options: &SolveOptions) -> Tol {
    let t = &options.tolerances;
    Tol {
        primal: t.primal_feasibility,
        dual: t.dual_feasibility,
        pivot: t.pivot,
    }
}

/// The model in computational form under `scale` (see `simplex`).
fn build_lp(model: &Model, scale: &Scaling, sign: f64) -> Lp {
    let (m, n) = (model.num_rows(), model.num_cols());
    let a = model.matrix();
    let mut value = Vec::with_capacity(a.nnz());
    for j in 0..n {
        let (idx, val) = a.col(j);
        for (&i, &v) in idx.iter().zip(val) {
            value.push(v * scale.row[i as usize] * scale.col[j]);
        }
    }
    let (start, index) = a.shared_structure();
    let sa = SpMat {
        start,
        index,
        value,
    };
    let mut cost = vec![0.0; n + m];
    let mut lower = vec![0.0; n + m];
    let mut upper = vec![0.0; n + m];
    for j in 0..n {
        let c = scale.col[j];
        cost[j] = sign * model.costs()[j] * c;
        lower[j] = model.col_lower()[j] / c;
        upper[j] = model.col_upper()[j] / c;
    }
    for i in 0..m {
        let r = scale.row[i];
        lower[n + i] = -model.row_upper()[i] * r;
        upper[n + i] = -model.row_lower()[i] * r;
    }
    Lp::new(m, sa, cost, lower, upper)
}

impl Core {
    fn new(model: &Model, options: SolveOptions) -> Result<Self> {
        options.validate()?;
        let (m, n) = (model.num_rows(), model.num_cols());
        let scale = if options.scaling {
            let a = model.matrix();
            let (start, index) = a.shared_structure();
            let sa = SpMat {
                start,
                index,
                value: a.values().to_vec(),
            };
            Scaling::compute(m, &sa)
        } else {
            Scaling::identity(m, n)
        };
        let sign = match model.sense() {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        };
        let lp = build_lp(model, &scale, sign);
        let engine = Engine::new(lp, tol_of(&options));
        Ok(Self {
            scale,
            engine,
            sign,
            options,
            fresh_basis: false,
        })
    }

    fn basis(&self) -> Basis {
        basis_of(&self.engine)
    }

    fn set_basis(&mut self, basis: &Basis) -> Result<()> {
        if *basis == self.basis() {
            // Already in place: keep the factor and the edge weights.
            return Ok(());
        }
        let e = &mut self.engine;
        let (m, n) = (e.lp.m, e.lp.n);
        basis.check_shape(m, n)?;
        let mut k = 0;
        for j in 0..n + m {
            let logical = j >= n;
            let s = if logical {
                basis.row_status[j - n]
            } else {
                basis.col_status[j]
            };
            e.pos[j] = NONBASIC;
            if s == BasisStatus::Basic {
                e.basic[k] = j;
                e.pos[j] = k as u32;
                e.mv[j] = 0;
                k += 1;
            }
        }
        e.lower.copy_from_slice(&e.lp.lower);
        e.upper.copy_from_slice(&e.lp.upper);
        for j in 0..n + m {
            let logical = j >= n;
            let s = if logical {
                basis.row_status[j - n]
            } else {
                basis.col_status[j]
            };
            let want = match (s, logical) {
                (BasisStatus::Basic, _) => continue,
                (BasisStatus::AtLower, false) | (BasisStatus::AtUpper, true) => 1,
                (BasisStatus::AtUpper, false) | (BasisStatus::AtLower, true) => -1,
                (BasisStatus::Zero, _) => 1,
            };
            e.place_nonbasic(j, want);
        }
        e.factor_ok = false;
        self.fresh_basis = true;
        Ok(())
    }

    fn solve(&mut self, model: &Model) -> Result<Solution> {
        let start = Instant::now();
        let e = &mut self.engine;
        e.tol = tol_of(&self.options);
        e.limits = Limits {
            max_iterations: self.options.iteration_limit,
            deadline: self.options.deadline_from(start),
        };
        e.iterations = 0;
        if self.fresh_basis {
            e.factorize()?;
            // Exact steepest-edge weights cost one BTRAN per row: worth it
            // up to a few thousand rows; beyond, start from unit weights.
            if e.lp.m <= EXACT_DSE_MAX_ROWS {
                e.compute_exact_dse();
            } else {
                e.dse.iter_mut().for_each(|w| *w = 1.0);
            }
            self.fresh_basis = false;
        }
        let method = match self.options.algorithm {
            Algorithm::PrimalSimplex => Method::Primal,
            _ => Method::Dual,
        };
        let outcome = e.run(method)?;
        let mut sol = solution_of(&mut self.engine, &self.scale, self.sign, model, &outcome);
        if outcome == Outcome::Optimal && self.options.scaling {
            let (pv, dv) = violations(model, &sol);
            let t = &self.options.tolerances;
            if pv > t.primal_feasibility || dv > t.dual_feasibility {
                // The scaled optimum is not optimal enough unscaled: a few
                // cleanup iterations on the unscaled model from this basis.
                if let Some((un, Outcome::Optimal)) = self.unscaled(model)? {
                    let mut un = un;
                    let identity = Scaling::identity(model.num_rows(), model.num_cols());
                    let clean =
                        solution_of(&mut un, &identity, self.sign, model, &Outcome::Optimal);
                    let (pv2, dv2) = violations(model, &clean);
                    if pv2.max(dv2) <= pv.max(dv) {
                        sol = clean;
                        self.adopt(&un);
                    }
                }
            }
        }
        if let Some(why) = farkas_failure(model, &sol) {
            // The verdict is only as good as its certificate: settle it on
            // the unscaled model from this basis, and if that gives no
            // proof either, say so rather than report `infeasible`.
            let settled = match self.unscaled(model)? {
                Some((mut un, out @ (Outcome::Optimal | Outcome::Infeasible(_)))) => {
                    let identity = Scaling::identity(model.num_rows(), model.num_cols());
                    let again = solution_of(&mut un, &identity, self.sign, model, &out);
                    let ok = match out {
                        Outcome::Optimal => {
                            let (pv, dv) = violations(model, &again);
                            let t = &self.options.tolerances;
                            pv <= t.primal_feasibility && dv <= t.dual_feasibility
                        }
                        _ => farkas_failure(model, &again).is_none(),
                    };
                    ok.then(|| {
                        self.adopt(&un);
                        again
                    })
                }
                _ => None,
            };
            let deadline_passed = self
                .engine
                .limits
                .deadline
                .is_some_and(|d| Instant::now() >= d);
            if settled.is_none() && deadline_passed {
                // The time ran out before the verdict was settled: that is
                // the answer (no point is claimed).
                let mut limit = solution_of(
                    &mut self.engine,
                    &self.scale,
                    self.sign,
                    model,
                    &Outcome::TimeLimit,
                );
                limit.basis = Some(self.basis());
                limit.iterations = self.engine.iterations;
                limit.solve_time = start.elapsed();
                return Ok(limit);
            }
            sol = settled.ok_or_else(|| {
                Error::numerical(format!(
                    "the simplex found the LP infeasible but could not prove it: its Farkas \
                     certificate fails the independent check ({why}), also after re-solving \
                     without scaling; the model's coefficients may span too many orders of \
                     magnitude for double precision (units closer to 1 usually help)"
                ))
            })?;
        }
        sol.basis = Some(self.basis());
        sol.iterations = self.engine.iterations;
        sol.solve_time = start.elapsed();
        Ok(sol)
    }
}

impl Core {
    /// Re-solves with the dual simplex on the *unscaled* model from the
    /// current basis (within the same limits); `None` when the run hits a
    /// limit. The engine is returned for [`Core::adopt`].
    ///
    /// The re-solve gets at most [`RETRY_ITERATIONS`] plus two per row and
    /// column beyond the iterations already done (and the caller's limits):
    /// it starts from a basis that was optimal or infeasible when scaled,
    /// so a long run means it is not converging.
    fn unscaled(&self, model: &Model) -> Result<Option<(Engine, Outcome)>> {
        let identity = Scaling::identity(model.num_rows(), model.num_cols());
        let mut un = Engine::new(build_lp(model, &identity, self.sign), tol_of(&self.options));
        un.limits = self.engine.limits;
        let budget = self.engine.iterations
            + RETRY_ITERATIONS
            + 2 * (model.num_rows() + model.num_cols()) as u64;
        un.limits.max_iterations = Some(un.limits.max_iterations.map_or(budget, |m| m.min(budget)));
        un.iterations = self.engine.iterations;
        copy_basis(&self.engine, &mut un);
        let out = un.run(Method::Dual)?;
        Ok(match out {
            Outcome::IterationLimit | Outcome::TimeLimit => None,
            out => Some((un, out)),
        })
    }

    /// Takes the basis and iteration count of an unscaled re-solve.
    fn adopt(&mut self, un: &Engine) {
        self.engine.iterations = un.iterations;
        copy_basis(un, &mut self.engine);
        self.engine.factor_ok = false;
    }
}

/// Why an infeasible verdict's certificate fails the independent check
/// ([`certificate::check`]), or `None` when it passes or the solution is
/// not an infeasible one.
fn farkas_failure(model: &Model, sol: &Solution) -> Option<String> {
    if sol.status != Status::Infeasible {
        return None;
    }
    let relaxed;
    let lp = if model.is_mip() {
        relaxed = model.relaxation();
        &relaxed
    } else {
        model
    };
    let report = certificate::check(lp, sol, &CheckTolerances::default());
    if report.is_ok() {
        return None;
    }
    let why: Vec<String> = report
        .failures()
        .map(|f| {
            let mut s = format!(
                "{}: {:.3e} against {:.1e}",
                f.kind.description(),
                f.value,
                f.limit
            );
            if !f.detail.is_empty() {
                s.push_str(&format!(" at {}", f.detail));
            }
            s
        })
        .collect();
    Some(why.join("; "))
}

/// Copies the basis (statuses, not values) from one engine to another on
/// the same model.
fn copy_basis(from: &Engine, to: &mut Engine) {
    to.basic.copy_from_slice(&from.basic);
    to.pos.copy_from_slice(&from.pos);
    to.lower.copy_from_slice(&to.lp.lower);
    to.upper.copy_from_slice(&to.lp.upper);
    to.dse.copy_from_slice(&from.dse);
    for j in 0..to.lp.nt() {
        if to.is_basic(j) {
            to.mv[j] = 0;
        } else {
            let want = if from.mv[j] == 0 || from.mv[j] == FREE {
                if from.d[j] < 0.0 { -1 } else { 1 }
            } else {
                from.mv[j]
            };
            to.place_nonbasic(j, want);
        }
    }
    to.factor_ok = false;
}

/// Largest primal violation (bounds of columns and rows) and largest dual
/// violation (reduced-cost and row-dual signs against where each value
/// sits), absolute, on the unscaled model.
fn violations(model: &Model, sol: &Solution) -> (f64, f64) {
    let sg = match model.sense() {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let Some(basis) = &sol.basis else {
        return (0.0, 0.0);
    };
    let mut pv: f64 = 0.0;
    let mut dv: f64 = 0.0;
    let mut one = |v: f64, l: f64, u: f64, d: f64, st: BasisStatus, pv: &mut f64| {
        *pv = pv.max(l - v).max(v - u);
        let d = sg * d;
        let viol = match st {
            BasisStatus::Basic | BasisStatus::Zero => d.abs(),
            _ if l == u => 0.0,
            BasisStatus::AtLower => (-d).max(0.0),
            BasisStatus::AtUpper => d.max(0.0),
        };
        dv = dv.max(viol);
    };
    for j in 0..model.num_cols() {
        one(
            sol.x[j],
            model.col_lower()[j],
            model.col_upper()[j],
            sol.reduced_cost[j],
            basis.col_status[j],
            &mut pv,
        );
    }
    for i in 0..model.num_rows() {
        one(
            sol.row_activity[i],
            model.row_lower()[i],
            model.row_upper()[i],
            sol.row_dual[i],
            basis.row_status[i],
            &mut pv,
        );
    }
    (pv, dv)
}

/// Basis statuses of an engine in the model's terms.
fn basis_of(e: &Engine) -> Basis {
    let n = e.lp.n;
    let status = |j: usize, logical: bool| -> BasisStatus {
        if e.is_basic(j) {
            return BasisStatus::Basic;
        }
        let (l, u) = (e.lp.lower[j], e.lp.upper[j]);
        match (e.mv[j], logical) {
            (1, false) | (-1, true) => BasisStatus::AtLower,
            (-1, false) | (1, true) => BasisStatus::AtUpper,
            _ => {
                if l == u {
                    BasisStatus::AtLower
                } else {
                    BasisStatus::Zero
                }
            }
        }
    };
    Basis {
        col_status: (0..n).map(|j| status(j, false)).collect(),
        row_status: (0..e.lp.m).map(|i| status(n + i, true)).collect(),
    }
}

/// Unscaled column values.
fn x_of(e: &Engine, scale: &Scaling) -> Vec<f64> {
    let v = e.values();
    (0..e.lp.n).map(|j| v[j] * scale.col[j]).collect()
}

/// Row duals and reduced costs in the model's convention.
fn duals_of(e: &mut Engine, scale: &Scaling, sign: f64, model: &Model) -> (Vec<f64>, Vec<f64>) {
    e.cost.copy_from_slice(&e.lp.cost);
    let ys = e.row_duals();
    let y: Vec<f64> = ys
        .iter()
        .zip(&scale.row)
        .map(|(v, r)| sign * v * r)
        .collect();
    let aty = model.matrix().tr_mul(&y);
    let d = model.costs().iter().zip(&aty).map(|(c, a)| c - a).collect();
    (y, d)
}

/// The solution an engine's outcome describes.
fn solution_of(
    e: &mut Engine,
    scale: &Scaling,
    sign: f64,
    model: &Model,
    outcome: &Outcome,
) -> Solution {
    let mut sol = Solution {
        status: Status::Optimal,
        objective: None,
        x: Vec::new(),
        row_activity: Vec::new(),
        row_dual: Vec::new(),
        reduced_cost: Vec::new(),
        basis: Some(basis_of(e)),
        certificate: None,
        iterations: 0,
        solve_time: std::time::Duration::ZERO,
        mip: None,
    };
    match outcome {
        Outcome::Optimal | Outcome::IterationLimit | Outcome::TimeLimit => {
            sol.status = match outcome {
                Outcome::Optimal => Status::Optimal,
                Outcome::IterationLimit => Status::IterationLimit,
                _ => Status::TimeLimit,
            };
            let x = x_of(e, scale);
            sol.row_activity = model.row_activity(&x);
            sol.objective = Some(model.objective_value(&x));
            sol.x = x;
            let (y, d) = duals_of(e, scale, sign, model);
            sol.row_dual = y;
            sol.reduced_cost = d;
        }
        Outcome::Infeasible(ys) => {
            sol.status = Status::Infeasible;
            let y = ys.iter().zip(&scale.row).map(|(v, r)| v * r).collect();
            sol.certificate = Some(Certificate::Farkas(y));
        }
        Outcome::Unbounded(ray) => {
            sol.status = Status::Unbounded;
            let x = x_of(e, scale);
            sol.row_activity = model.row_activity(&x);
            sol.objective = Some(model.objective_value(&x));
            sol.x = x;
            let r = (0..e.lp.n).map(|j| ray[j] * scale.col[j]).collect();
            sol.certificate = Some(Certificate::Ray(r));
        }
    }
    sol
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ModelBuilder, VarType};
    use crate::solver::certificate::{CheckTolerances, check};
    use crate::solver::{Status, Structure};

    /// One demand row needing 200 units from 300 columns of at most one
    /// unit each (cost `1 + j/100`), all through one capacity row of 400:
    /// neither the plain crash's first master nor the full crash's (16
    /// columns per pass, 144 in all) can meet it, so Farkas pricing and a
    /// primal phase 1 must repair it. Hand-solved: the 200 cheapest columns
    /// at 1, cost 200 + (0 + 1 + … + 199)/100 = 399.
    fn crowded() -> Model {
        let mut b = ModelBuilder::new("crowded");
        let demand = b.add_row("demand", Some(200.0), None);
        let capacity = b.add_row("capacity", None, Some(400.0));
        for j in 0..300 {
            let x = b.add_col(
                format!("x{j}"),
                1.0 + f64::from(j) / 100.0,
                Some(0.0),
                Some(1.0),
                VarType::Continuous,
            );
            b.set_coef(demand, x, 1.0).set_coef(capacity, x, 1.0);
        }
        b.build().unwrap()
    }

    /// Sifting with the given master-solve caps, then the general engine
    /// if it gives up: the solution (certified, optimal at 399), the
    /// sifting figures, whether the general engine finished and whether it
    /// started from sifting's basis.
    fn solve_capped(round: u64, repair: u64, floor: u64) -> (Solution, SiftingStats, bool, bool) {
        let model = crowded();
        let options = SolveOptions::default().with_structure(Structure::Sifting);
        let mut sifter = Sifter::new(&model, &options).unwrap();
        sifter.set_caps(round, repair, floor);
        let (sol, core) = sift(&model, &options, &mut sifter).unwrap();
        let report = check(&model, &sol, &CheckTolerances::default());
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(sol.status, Status::Optimal);
        let obj = sol.objective.unwrap();
        assert!((obj - 399.0).abs() <= 1e-9 * 399.0, "objective {obj}");
        let warm = sifter.basis_worth_keeping();
        (sol, sifter.stats(), core.is_some(), warm)
    }

    /// A repair of an infeasible master stopped at its iteration cap (none
    /// allowed here) gives up sifting; the general engine then starts cold
    /// (the half-repaired basis is kept from it) and finds the optimum.
    #[test]
    fn a_repair_stopped_at_its_cap_falls_back_cold_to_the_optimum() {
        // Uncapped: the repair runs and sifting finishes alone.
        let (_, stats, general, _) = solve_capped(1000, 1000, 1000);
        assert!(stats.repairs >= 1 && !general, "{stats:?}");
        // The first master solve may finish; the repair may take none.
        let (sol, stats, general, warm) = solve_capped(1000, 0, 0);
        assert!(stats.repairs == 1 && general && !warm, "{stats:?}");
        assert!(
            sol.iterations > stats.iterations,
            "the general engine pivoted"
        );
    }

    /// A first master solve stopped at its cap falls back (cold) as well.
    #[test]
    fn a_master_solve_stopped_at_its_cap_falls_back_to_the_optimum() {
        let (_, stats, general, warm) = solve_capped(0, 0, 0);
        assert!(stats.repairs == 0 && general && !warm, "{stats:?}");
    }
}
