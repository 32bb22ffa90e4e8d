//! The branch-and-bound search.

// Bounds are compared for identity (a fixed column has lower == upper);
// index loops over parallel arrays (bounds, values, costs) read best here.
#![allow(clippy::float_cmp, clippy::needless_range_loop)]

use super::domain::{Propagation, Propagator, tighten_coefficients};
use super::heur::Locks;
use super::incumbent::Offer;
use super::lp::{LpBasis, LpStatus, NodeLp};
use super::problem::Problem;
use super::pseudo::{PseudoCosts, score};
use super::queue::{BasisDelta, Branching, Delta, Node, Queue};
use super::{MipOptions, NodeSelection};
use crate::error::Result;
use crate::model::Model;
use crate::solver::SolveOptions;
use crate::solver::simplex::Tol;
use std::rc::Rc;
use std::time::Instant;

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// Every node is explored or pruned (or the gap closed).
    Done,
    /// The node limit.
    NodeLimit,
    /// The time limit.
    TimeLimit,
    /// The iteration limit.
    IterationLimit,
    /// The root relaxation is unbounded.
    Unbounded,
}

/// Propagation work per call, in row entries, as a multiple of the matrix
/// size.
const PROPAGATION_BUDGET: usize = 4;
/// RINS runs first at this node, then every `RINS_FREQ` nodes while the
/// sub-MIP nodes stay within `RINS_SHARE` of the main nodes.
const RINS_FIRST: u64 = 50;
const RINS_FREQ: u64 = 200;
const RINS_SHARE: f64 = 0.5;
/// The row neighbourhoods' share of the main nodes (counted the same
/// way). They find most of the plan's improvements on the planner's
/// fleets, where the tree rarely moves the bound: at 125 × 31 (seeds 1
/// to 3, with the regret groups) a share of 2 ended at gaps 9.8e-4,
/// 1.6e-3 and 4.0e-4, against 1.4e-3, 4.2e-3 and 3.7e-4 with 0.5 and no
/// regret groups (single 60 s runs: the search's path moves these).
pub(super) const LNS_SHARE: f64 = 2.0;
/// Sub-MIP nodes (counted by rows) allowed beyond that share.
const SUB_NODE_ALLOWANCE: f64 = 1000.0;
/// Node LP points are offered to the caller's rounding every this many
/// nodes, while the rounding has taken at most `ROUNDER_SHARE` of the
/// search's time.
const ROUNDER_FREQ: u64 = 10;
const ROUNDER_SHARE: f64 = 0.05;
/// After a dive, its last node's sibling comes next when its bound is
/// within this share of the gap above the global bound.
const SIBLING_QUOT: f64 = 0.25;
/// Estimated bytes the open nodes may hold before the search stops
/// storing bases for new nodes and works depth first (which keeps the
/// queue short) until the queue is below it again.
const NODE_MEMORY: usize = 256 << 20;
/// Root restarts at most.
const MAX_RESTARTS: usize = 2;
/// Share of the integer columns that reduced-cost fixing must fix at the
/// root for a restart (HiGHS restarts at a similar share).
const RESTART_SHARE: f64 = 0.2;
/// Strong branching: candidates at most at the root and at other nodes.
const MAX_SB_ROOT: usize = 100;
const MAX_SB_NODE: usize = 10;
/// Strong-branching iterations beyond half the node LPs': this much work
/// (iterations × rows), within [`SB_ALLOWANCE_MIN`, `SB_ALLOWANCE_MAX`]
/// iterations.
const SB_ALLOWANCE_WORK: u64 = 100_000_000;
const SB_ALLOWANCE_MIN: u64 = 5_000;
const SB_ALLOWANCE_MAX: u64 = 100_000;
/// Strong branching: consecutive candidates without a better score before
/// the look-ahead stops.
const LOOKAHEAD: usize = 4;

/// The root LP's dual information, for reduced-cost fixing later.
pub(super) struct RootDuals {
    z: f64,
    d: Vec<f64>,
    basic: Vec<bool>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// The state of a branch-and-bound search.
pub(super) struct Search<'a> {
    pub(super) model: &'a Model,
    pub(super) options: &'a SolveOptions,
    pub(super) mopts: MipOptions,
    /// The caller's rounding of the root LP point into a candidate (see
    /// [`super::Rounder`]).
    pub(super) rounder: Option<&'a super::Rounder<'a>>,
    pub(super) prob: Problem,
    pub(super) lp: NodeLp,
    /// Bounds of the node being processed.
    pub(super) lower: Vec<f64>,
    pub(super) upper: Vec<f64>,
    pub(super) prop: Propagator,
    pub(super) pc: PseudoCosts,
    /// The incumbent (model columns) and its objective (minimisation form).
    pub(super) incumbent: Option<Vec<f64>>,
    pub(super) inc_obj: f64,
    /// Nodes whose LP was solved.
    pub(super) nodes: u64,
    pub(super) deadline: Option<Instant>,
    /// Smallest bound of a subtree dropped without being solved to the end
    /// (pruned by bound, or given up on numerically).
    pub(super) dropped_bound: f64,
    /// The bound proven at the root (its last LP solved to optimality,
    /// after cuts), rounded to the objective's step.
    pub(super) root_bound: f64,
    pub(super) queue: Queue,
    next_id: u64,
    /// Id of the node whose final basis the LP holds.
    lp_node: u64,
    /// That node's parent.
    lp_parent: u64,
    /// Integrality tolerance.
    pub(super) int_tol: f64,
    /// LP iterations spent on node LPs, strong branching, heuristics.
    pub(super) node_iters: u64,
    pub(super) sb_iters: u64,
    pub(super) heur_iters: u64,
    /// Node LPs solved (for averages).
    node_lps: u64,
    selections: u64,
    /// Whether any column is continuous.
    pub(super) has_continuous: bool,
    /// Root LP objective (minimisation form) once solved.
    pub(super) root_obj: f64,
    /// Root LP solution.
    pub(super) root_x: Vec<f64>,
    /// Row locks of the columns (made at the first use).
    pub(super) locks: std::cell::OnceCell<Rc<Locks>>,
    /// Dives made at nodes.
    pub(super) dives: u64,
    /// The root LP's duals (after cuts).
    pub(super) root_duals: Option<RootDuals>,
    /// Nesting of sub-MIP searches (0 for the main search).
    pub(super) sub_depth: u32,
    /// LP iterations and nodes spent in sub-MIPs.
    pub(super) sub_iters: u64,
    /// The incumbent's objective when the row neighbourhoods last ran
    /// around it (they run again only around a better one).
    pub(super) polished: f64,
    /// The same for the row neighbourhoods' sub-MIPs.
    pub(super) lns_nodes: u64,
    pub(super) sub_nodes: u64,
    /// Node LPs started from a stored basis, and their iterations.
    jumps: u64,
    jump_iters: u64,
    /// The root's final basis; open nodes store theirs as differences.
    root_basis: LpBasis,
    /// Bounds of the node in hand as loaded (before propagation): what its
    /// children's bound changes are relative to.
    base_lower: Vec<f64>,
    base_upper: Vec<f64>,
    /// Node count at which RINS runs next, and the current interval.
    next_rins: u64,
    /// The node count at which the next progress line is traced.
    next_progress: u64,
    rins_freq: u64,
    /// Strong-branching statistics (tracing).
    sb_time: f64,
    sb_solves: u64,
    restore_time: f64,
    node_lp_time: f64,
    /// When the search started.
    pub(super) started: Instant,
    /// Seconds spent in the caller's rounding.
    rounder_time: f64,
}

impl<'a> Search<'a> {
    /// A search on `model` (whose MIP options are checked by the caller).
    pub(super) fn new(model: &'a Model, options: &'a SolveOptions, start: Instant) -> Self {
        super::trace_memory("search start");
        let prob = Problem::new(model);
        super::trace_memory("working problem built");
        let t = &options.tolerances;
        let tol = Tol {
            primal: t.primal_feasibility,
            dual: t.dual_feasibility,
            pivot: t.pivot,
        };
        let deadline = options.deadline_from(start);
        let lp = NodeLp::new(&prob, &prob.lower, &prob.upper, tol, deadline);
        super::trace_memory("node LP built");
        let n = prob.n;
        let has_continuous = prob.integer.iter().any(|&b| !b);
        Self {
            model,
            options,
            mopts: options.mip.clone(),
            rounder: None,
            lower: prob.lower.clone(),
            upper: prob.upper.clone(),
            lp,
            prop: Propagator::default(),
            pc: PseudoCosts::new(n),
            incumbent: None,
            inc_obj: f64::INFINITY,
            nodes: 0,
            deadline,
            dropped_bound: f64::INFINITY,
            root_bound: f64::NEG_INFINITY,
            queue: Queue::default(),
            next_id: 1,
            lp_node: u64::MAX,
            lp_parent: u64::MAX,
            int_tol: t.integrality,
            node_iters: 0,
            sb_iters: 0,
            heur_iters: 0,
            node_lps: 0,
            selections: 0,
            has_continuous,
            root_obj: f64::NEG_INFINITY,
            root_x: Vec::new(),
            locks: std::cell::OnceCell::new(),
            dives: 0,
            root_duals: None,
            sub_depth: 0,
            sub_iters: 0,
            sub_nodes: 0,
            lns_nodes: 0,
            polished: f64::INFINITY,
            jumps: 0,
            jump_iters: 0,
            root_basis: LpBasis(Vec::new()),
            base_lower: Vec::new(),
            base_upper: Vec::new(),
            next_rins: RINS_FIRST,
            next_progress: 1000,
            rins_freq: RINS_FREQ,
            sb_time: 0.0,
            sb_solves: 0,
            restore_time: 0.0,
            node_lp_time: 0.0,
            started: start,
            rounder_time: 0.0,
            prob,
        }
    }

    /// Rebuilds the LP after the problem's rows changed (cuts), keeping
    /// the basis of the columns and of the rows that stay.
    pub(super) fn rebuild_lp(&mut self, basis: Option<&LpBasis>) {
        let tol = self.lp.engine.tol;
        let iters = self.lp.iterations;
        // The old LP's matrix goes first, so two are never held at once.
        self.lp.release_matrix();
        self.lp = NodeLp::new(&self.prob, &self.lower, &self.upper, tol, self.deadline);
        self.lp.iterations = iters;
        if let Some(b) = basis {
            self.lp.set_basis(b);
        }
        self.lp_node = u64::MAX;
        self.lp_parent = u64::MAX;
    }

    /// Whether the time limit has passed.
    pub(super) fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether the iteration limit has passed.
    fn out_of_iterations(&self) -> bool {
        self.options
            .iteration_limit
            .is_some_and(|l| self.lp.iterations >= l)
    }

    /// The gap tolerance in objective units at the incumbent.
    pub(super) fn gap_tolerance(&self) -> f64 {
        let o = &self.options;
        o.absolute_gap
            .max(o.relative_gap * self.inc_obj.abs().max(1.0))
    }

    /// Whether a subtree with (rounded) bound `b` cannot hold a better
    /// solution than the incumbent by more than the gap tolerance.
    pub(super) fn prunable(&self, b: f64) -> bool {
        self.inc_obj < f64::INFINITY && b >= self.inc_obj - self.gap_tolerance()
    }

    /// An LP value above this makes a subtree prunable (for reduced-cost
    /// fixing and strong-branching cutoffs).
    pub(super) fn cutoff_value(&self) -> f64 {
        if self.inc_obj == f64::INFINITY {
            return f64::INFINITY;
        }
        let t = self.inc_obj - self.gap_tolerance();
        match self.prob.obj_step {
            Some(s) => t.min(self.inc_obj - s + 1e-3 * s),
            None => t,
        }
    }

    /// Whether `v` is integral within the tolerance.
    #[inline]
    pub(super) fn is_integral(&self, v: f64) -> bool {
        (v - v.round()).abs() <= self.int_tol
    }

    /// Fractional integer columns of `x`.
    pub(super) fn fractional(&self, x: &[f64]) -> Vec<usize> {
        (0..self.prob.n)
            .filter(|&j| self.prob.integer[j] && !self.is_integral(x[j]))
            .collect()
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The smallest bound over the open nodes (and the node in hand).
    pub(super) fn global_bound(&self, current: Option<&Node>) -> f64 {
        let mut b = self.queue.min_bound().unwrap_or(f64::INFINITY);
        if let Some(c) = current {
            b = b.min(c.bound);
        }
        b.min(self.dropped_bound).min(self.inc_obj)
    }

    /// Records a subtree dropped with bound `b` while an incumbent may not
    /// cover it.
    fn drop_subtree(&mut self, b: f64) {
        if b < self.inc_obj {
            self.dropped_bound = self.dropped_bound.min(b);
        }
    }

    /// Sets the node bounds from the global ones and the node's changes;
    /// `false` when they cross.
    fn load_bounds(&mut self, changes: Option<&Delta>) -> bool {
        self.lower.copy_from_slice(&self.prob.lower);
        self.upper.copy_from_slice(&self.prob.upper);
        if let Some(d) = changes {
            d.apply(&mut self.lower, &mut self.upper);
        }
        if self.lower.iter().zip(&self.upper).any(|(l, u)| l > u) {
            return false;
        }
        self.base_lower.clone_from(&self.lower);
        self.base_upper.clone_from(&self.upper);
        true
    }

    /// Bounds of the node in hand that differ from those it was loaded
    /// with.
    fn bound_changes(&self) -> Vec<(u32, f64, f64)> {
        (0..self.prob.n)
            .filter(|&j| self.lower[j] != self.base_lower[j] || self.upper[j] != self.base_upper[j])
            // Column counts fit u32: the model builder checks sizes.
            .map(|j| (j as u32, self.lower[j], self.upper[j]))
            .collect()
    }

    /// Propagates the node bounds from `changed` columns.
    pub(super) fn propagate(&mut self, changed: &[usize]) -> Propagation {
        self.propagate_from(changed.iter().copied())
    }

    /// [`Search::propagate`] from the columns `changed` yields.
    pub(super) fn propagate_from(
        &mut self,
        changed: impl IntoIterator<Item = usize>,
    ) -> Propagation {
        let budget = PROPAGATION_BUDGET * (self.prob.rows.index.len() + self.prob.rows.len());
        let mut tightened = Vec::new();
        self.prop.run(
            &self.prob,
            &mut self.lower,
            &mut self.upper,
            changed,
            &mut tightened,
            budget,
        )
    }

    /// Solves the LP at the node bounds, recovering from a numerical
    /// failure once from the slack basis. `None` when the engine failed
    /// twice.
    pub(super) fn solve_lp(&mut self, max_iterations: Option<u64>) -> Option<LpStatus> {
        match self.lp.solve(max_iterations) {
            Ok(s) => Some(s),
            Err(_) => {
                let slack = slack_basis(self.lp.n, self.lp.m);
                self.lp.set_basis(&slack);
                self.lp.solve(max_iterations).ok()
            }
        }
    }

    /// Runs the whole search. Returns why it stopped.
    ///
    /// # Errors
    /// Numerical failure of the root LP.
    pub(super) fn run(&mut self) -> Result<Stop> {
        if let Some(x) = self.mopts.start.take() {
            let accepted = x.len() == self.prob.n && self.try_solution(&x);
            trace!("start: accepted {accepted}, objective {}", self.inc_obj);
        }
        let root = self.root();
        super::trace_memory("root done");
        if let Some(stop) = root? {
            return Ok(stop);
        }
        self.root_basis = self.lp.basis();
        let root_basis = Rc::new(BasisDelta::of(&self.root_basis, &self.root_basis));
        // The root LP after cuts is optimal unless a cut round stopped at
        // the time limit; the bound is then the last optimal LP's.
        let root_bound = self.root_bound;
        let root = Node {
            id: 0,
            parent: u64::MAX,
            changes: None,
            bound: root_bound,
            estimate: root_bound,
            depth: 0,
            basis: Some(root_basis),
            sibling: u64::MAX,
            branching: None,
        };
        self.lp_node = u64::MAX;
        let t = Instant::now();
        let r = self.tree(root);
        super::trace_memory("tree done");
        trace!(
            "tree: {} nodes, {:.3}s; iterations node {} sb {} heur {}; incumbent {}",
            self.nodes,
            t.elapsed().as_secs_f64(),
            self.node_iters,
            self.sb_iters,
            self.heur_iters,
            self.inc_obj
        );
        trace!(
            "  jumps {} with {} iterations; node lp {:.3}s; sb {} solves {:.3}s, restores {:.3}s",
            self.jumps,
            self.jump_iters,
            self.node_lp_time,
            self.sb_solves,
            self.sb_time,
            self.restore_time
        );
        r
    }

    /// The root: LP, cut rounds, heuristics, reduced-cost fixing; when
    /// that fixes many integer columns, the root is processed again on the
    /// smaller domain (a restart). Returns a stop when the search ends at
    /// the root.
    ///
    /// # Errors
    /// Numerical failure of the root LP.
    fn root(&mut self) -> Result<Option<Stop>> {
        let nint = self.prob.num_integer();
        // `root_bound` is the bound of the last completed root (LP and
        // cuts): a restart only removes points that are infeasible
        // (presolve) or no better than the incumbent (reduced-cost fixing),
        // so when a restart's LP stops at a limit it still holds.
        for restart in 0..=MAX_RESTARTS {
            self.lower.copy_from_slice(&self.prob.lower);
            self.upper.copy_from_slice(&self.prob.upper);
            if self.mopts.presolve {
                if self.propagate_from(0..self.prob.n) == Propagation::Infeasible {
                    return Ok(Some(Stop::Done));
                }
                self.prob.lower.copy_from_slice(&self.lower);
                self.prob.upper.copy_from_slice(&self.upper);
                if tighten_coefficients(&mut self.prob) > 0 {
                    self.prob.reindex();
                    let basis = (restart > 0).then(|| self.lp.basis());
                    self.rebuild_lp(basis.as_ref());
                }
            }
            super::trace_memory("root presolved");
            let fixed_before = self.fixed_integers();
            self.lp.set_all_bounds(&self.lower, &self.upper);
            let it = self.lp.iterations;
            // The root LP honours what is left of the iteration limit.
            let budget = self
                .options
                .iteration_limit
                .map(|l| l.saturating_sub(self.lp.iterations));
            let status = match self.lp.solve(budget) {
                Ok(s) => s,
                Err(e) if restart == 0 => return Err(e),
                // After a restart the search can go on from the last root.
                Err(_) => match self.solve_lp(budget) {
                    Some(s) => s,
                    None => return Err(crate::Error::internal("root LP failed after a restart")),
                },
            };
            self.node_iters += self.lp.iterations - it;
            match status {
                LpStatus::Infeasible => return Ok(Some(Stop::Done)),
                LpStatus::Unbounded => return Ok(Some(Stop::Unbounded)),
                LpStatus::TimeLimit => {
                    self.dropped_bound = self.dropped_bound.min(self.root_bound);
                    return Ok(Some(Stop::TimeLimit));
                }
                LpStatus::IterationLimit => {
                    self.dropped_bound = self.dropped_bound.min(self.root_bound);
                    return Ok(Some(Stop::IterationLimit));
                }
                LpStatus::Optimal => {}
            }
            self.root_obj = self.lp.objective();
            let mut bound = self.root_obj;
            self.root_x = self.lp.x();
            if restart == 0 {
                let x = self.root_x.clone();
                self.offer_rounding(&x);
            }
            if self.mopts.cuts && self.mopts.cut_rounds > 0 && nint > 0 {
                let t = Instant::now();
                let it = self.lp.iterations;
                bound = self.root_cuts()?;
                if bound == f64::INFINITY {
                    // Valid cuts left no point better than the incumbent.
                    return Ok(Some(Stop::Done));
                }
                self.root_x = self.lp.x();
                if restart == 0 {
                    let x = self.root_x.clone();
                    self.offer_rounding(&x);
                }
                trace!(
                    "root {restart}: lp {:.6} -> cuts {:.6} ({} cuts, {} iters, {:.3}s)",
                    self.root_obj,
                    self.lp.objective(),
                    self.prob.rows.len() - self.prob.model_rows,
                    self.lp.iterations - it,
                    t.elapsed().as_secs_f64()
                );
                let st = self.lp.engine.factor.stats();
                trace!(
                    "  cut nnz {} (model {}), L {} U {}",
                    self.prob.rows.index.len() - self.prob.rows.start[self.prob.model_rows],
                    self.prob.rows.start[self.prob.model_rows],
                    st.l_nnz,
                    st.u_nnz
                );
            }
            self.root_bound = self.prob.round_bound(bound);
            if self.mopts.heuristics {
                let x = self.lp.x();
                self.round_heuristics(&x);
                let t = Instant::now();
                self.root_heuristics();
                trace!(
                    "root heuristics: incumbent {:?} ({:.3}s)",
                    self.incumbent.as_ref().map(|_| self.inc_obj),
                    t.elapsed().as_secs_f64()
                );
            }
            if self.mopts.heuristics && self.sub_depth == 0 {
                let x = self.root_x.clone();
                self.rens(&x);
                self.local_search();
                if self.incumbent.is_some() {
                    self.rins(&x);
                }
            }
            self.store_root_duals();
            self.root_redcost_fixing();
            let newly = self.fixed_integers() - fixed_before;
            trace!("root {restart}: {newly} of {nint} integer columns fixed by reduced costs");
            if restart == MAX_RESTARTS || (newly as f64) < RESTART_SHARE * nint as f64 {
                break;
            }
        }
        self.lower.copy_from_slice(&self.prob.lower);
        self.upper.copy_from_slice(&self.prob.upper);
        self.lp.set_all_bounds(&self.lower, &self.upper);
        Ok(None)
    }

    /// Offers the caller's rounding of the LP point `x` (the root's before
    /// and after cuts, then node LP points while the rounding has taken
    /// at most [`ROUNDER_SHARE`] of the search's time).
    fn offer_rounding(&mut self, x: &[f64]) {
        let Some(f) = self.rounder else {
            return;
        };
        let t = Instant::now();
        if let Some(y) = f(x).filter(|y| y.len() == self.prob.n) {
            super::incumbent::trace_violations(self.model, &y);
            let accepted = self.try_solution(&y);
            trace!(
                "caller's rounding at node {}: accepted {accepted}, incumbent {} ({:.3}s)",
                self.nodes,
                self.inc_obj,
                t.elapsed().as_secs_f64()
            );
        }
        self.rounder_time += t.elapsed().as_secs_f64();
    }

    /// Whether to offer the caller's rounding of this node's LP point.
    fn should_round(&self) -> bool {
        self.rounder.is_some()
            && self.nodes.is_multiple_of(ROUNDER_FREQ)
            && self.rounder_time <= ROUNDER_SHARE * self.started.elapsed().as_secs_f64()
    }

    /// Whether a kind of sub-MIP (RINS, row neighbourhoods) may go on:
    /// the nodes it `used`, each counted by its rows against the search's,
    /// are within `share` ([`RINS_SHARE`], [`LNS_SHARE`]) of the search's
    /// nodes plus [`SUB_NODE_ALLOWANCE`].
    pub(super) fn sub_mip_budget_left(&self, used: u64, share: f64) -> bool {
        (used as f64) <= share * self.nodes as f64 + SUB_NODE_ALLOWANCE
    }

    /// Integer columns fixed in the global bounds.
    fn fixed_integers(&self) -> usize {
        (0..self.prob.n)
            .filter(|&j| self.prob.integer[j] && self.prob.lower[j] == self.prob.upper[j])
            .count()
    }

    /// Keeps the root LP's objective, reduced costs and bounds for
    /// reduced-cost fixing whenever the incumbent improves.
    fn store_root_duals(&mut self) {
        let d = self.lp.reduced_costs();
        let z = self.lp.objective();
        let basic: Vec<bool> = (0..self.prob.n).map(|j| self.lp.is_basic(j)).collect();
        self.root_duals = Some(RootDuals {
            z,
            d,
            basic,
            lower: self.lower.clone(),
            upper: self.upper.clone(),
        });
    }

    /// Global reduced-cost fixing from the root LP: a column that would
    /// push the root bound past the cutoff cannot move that far in any
    /// improving solution.
    pub(super) fn root_redcost_fixing(&mut self) {
        let cut = self.cutoff_value();
        let Some(r) = &self.root_duals else { return };
        if !cut.is_finite() || r.z >= cut {
            return;
        }
        let room = cut - r.z;
        let mut cut_away = f64::INFINITY;
        for j in 0..self.prob.n {
            if !self.prob.integer[j] || r.basic[j] {
                continue;
            }
            let dj = r.d[j];
            if dj > 1e-7 && r.lower[j].is_finite() {
                let k = (room / dj + 1e-6).floor();
                let ub = r.lower[j] + k;
                if ub < self.prob.upper[j] {
                    self.prob.upper[j] = ub.max(self.prob.lower[j]);
                    cut_away = cut_away.min(r.z + dj * (k + 1.0));
                }
            } else if dj < -1e-7 && r.upper[j].is_finite() {
                let k = (room / -dj + 1e-6).floor();
                let lb = r.upper[j] - k;
                if lb > self.prob.lower[j] {
                    self.prob.lower[j] = lb.min(self.prob.upper[j]);
                    cut_away = cut_away.min(r.z - dj * (k + 1.0));
                }
            }
        }
        // As in `reduced_cost_fixing`: the tolerance spent is recorded.
        let b = self.prob.round_bound(cut_away);
        self.drop_subtree(b);
    }

    /// The tree search from `root`.
    fn tree(&mut self, root: Node) -> Result<Stop> {
        let mut current = Some(root);
        // The sibling of the node processed last (the dive's end).
        let mut last_sibling = u64::MAX;
        loop {
            if self.out_of_time() {
                if let Some(c) = current.take() {
                    self.queue.push(c);
                }
                return Ok(Stop::TimeLimit);
            }
            if self.out_of_iterations() {
                if let Some(c) = current.take() {
                    self.queue.push(c);
                }
                return Ok(Stop::IterationLimit);
            }
            if self.options.node_limit.is_some_and(|l| self.nodes >= l) {
                if let Some(c) = current.take() {
                    self.queue.push(c);
                }
                return Ok(Stop::NodeLimit);
            }
            let gb = self.global_bound(current.as_ref());
            if self.nodes >= self.next_progress && current.is_none() {
                self.next_progress = self.nodes + 1000;
                trace!(
                    "  {} nodes, {} open, bound {:.6}, incumbent {:.6}, depth {}",
                    self.nodes,
                    self.queue.len(),
                    gb,
                    self.inc_obj,
                    self.queue.pop_deepest_peek()
                );
            }
            if self.incumbent.is_some() && gb >= self.inc_obj - self.gap_tolerance() {
                // Open nodes stay in the queue: their bounds are the proof.
                if let Some(c) = current.take() {
                    self.queue.push(c);
                }
                return Ok(Stop::Done);
            }
            let node = match current.take() {
                Some(n) => n,
                None => match self.select(last_sibling) {
                    Some(n) => n,
                    None => return Ok(Stop::Done),
                },
            };
            if self.prunable(node.bound) {
                self.drop_subtree(node.bound);
                last_sibling = u64::MAX;
                continue;
            }
            last_sibling = node.sibling;
            current = self.process(node)?;
        }
    }

    /// Picks the next open node after a dive: the sibling of the dive's last
    /// node when its bound is close to the best (its LP starts warm), else
    /// by the node selection rule.
    fn select(&mut self, sibling: u64) -> Option<Node> {
        if self.mopts.node_selection == NodeSelection::Hybrid
            && sibling != u64::MAX
            && let Some(s) = self.queue.take(sibling)
        {
            let gb = self.global_bound(None).min(s.bound);
            let close =
                self.incumbent.is_none() || s.bound <= gb + SIBLING_QUOT * (self.inc_obj - gb);
            if close {
                return Some(s);
            }
            self.queue.push(s);
        }
        self.selections += 1;
        if self.queue.bytes() > NODE_MEMORY {
            // Depth first until the queue is short again.
            return self.queue.pop_deepest();
        }
        match self.mopts.node_selection {
            NodeSelection::BestBound => self.queue.pop_best_bound(),
            NodeSelection::DepthFirst => self.queue.pop_deepest(),
            _ => {
                if self.incumbent.is_none() || self.selections.is_multiple_of(8) {
                    self.queue.pop_best_estimate()
                } else {
                    self.queue.pop_best_bound()
                }
            }
        }
    }

    /// Processes one node; returns the child to dive into, if any (the
    /// other children go to the queue).
    fn process(&mut self, node: Node) -> Result<Option<Node>> {
        if !self.load_bounds(node.changes.as_deref()) {
            return Ok(None);
        }
        // Propagate the branching (the rest was propagated at the parent).
        let changed: Vec<usize> = match node.branching {
            Some(b) => vec![b.col as usize],
            None => Vec::new(),
        };
        if !changed.is_empty() && self.propagate(&changed) == Propagation::Infeasible {
            return Ok(None);
        }
        self.lp.set_all_bounds(&self.lower, &self.upper);
        // The basis in the engine is a good start for a child or a sibling
        // of the node it was left at; elsewhere the parent's stored basis is.
        let jumped = node.parent != self.lp_node && node.parent != self.lp_parent;
        if jumped {
            if let Some(b) = &node.basis {
                self.lp.set_basis(&b.expand(&self.root_basis));
            }
            self.jumps += 1;
        }
        let iters_before = self.lp.iterations;
        self.lp_node = u64::MAX;
        self.lp_parent = u64::MAX;
        let mut z;
        let mut x;
        let mut first = true;
        loop {
            let before = self.lp.iterations;
            let t0 = Instant::now();
            let status = self.solve_lp(None);
            self.node_lp_time += t0.elapsed().as_secs_f64();
            self.node_iters += self.lp.iterations - before;
            if first {
                self.nodes += 1;
                self.node_lps += 1;
            }
            if status.is_some() {
                self.lp_node = node.id;
                self.lp_parent = node.parent;
            }
            let Some(status) = status else {
                // Numerically hopeless node: give it up honestly.
                self.drop_subtree(node.bound);
                return Ok(None);
            };
            match status {
                LpStatus::Optimal => {}
                LpStatus::Infeasible => return Ok(None),
                LpStatus::TimeLimit | LpStatus::IterationLimit | LpStatus::Unbounded => {
                    // Back to the queue; the loop stops on the limit.
                    let mut n = node;
                    n.basis = None;
                    n.parent = u64::MAX;
                    self.queue.push(n);
                    return Ok(None);
                }
            }
            z = self.lp.objective();
            x = self.lp.x();
            if first && jumped {
                self.jump_iters += self.lp.iterations - iters_before;
            }
            if first {
                if let Some(b) = node.branching {
                    self.pc
                        .record(b.col as usize, b.up, z - b.parent_obj, b.dist);
                }
                first = false;
            }
            let bound = self.prob.round_bound(z.max(node.bound));
            if self.prunable(bound) {
                self.drop_subtree(bound);
                return Ok(None);
            }
            let mut frac = self.fractional(&x);
            if frac.is_empty() {
                match self.offer(&x) {
                    Offer::Accepted => return Ok(None),
                    Offer::NotBetter => {
                        self.drop_subtree(bound);
                        return Ok(None);
                    }
                    Offer::Infeasible => {
                        // Integral within the tolerance but infeasible once
                        // rounded: branch on the columns whose rounding
                        // breaks a row (if none, the LP point itself is
                        // off: give the subtree up honestly).
                        frac = self.rounding_culprits(&x);
                        if frac.is_empty() {
                            self.drop_subtree(bound);
                            return Ok(None);
                        }
                    }
                }
            }
            if self.mopts.heuristics {
                self.round_heuristics(&x);
                if self.should_round() {
                    self.offer_rounding(&x);
                }
                if self.prunable(bound) {
                    self.drop_subtree(bound);
                    return Ok(None);
                }
            }
            if self.mopts.heuristics
                && self.sub_depth == 0
                && self.incumbent.is_some()
                && self.nodes >= self.next_rins
            {
                let improved =
                    self.sub_mip_budget_left(self.sub_nodes, RINS_SHARE) && self.rins(&x);
                // Back off while RINS finds nothing.
                self.rins_freq = if improved {
                    RINS_FREQ
                } else {
                    2 * self.rins_freq
                };
                self.next_rins = self.nodes + self.rins_freq;
                if self.prunable(bound) {
                    self.drop_subtree(bound);
                    return Ok(None);
                }
            }
            if self.mopts.heuristics && self.sub_depth == 0 && self.inc_obj < self.polished {
                self.local_search();
                if self.prunable(bound) {
                    self.drop_subtree(bound);
                    return Ok(None);
                }
            }
            if self.incumbent.is_some() && self.reduced_cost_fixing(z, false) {
                // Bounds moved: re-solve (the LP point may be cut off).
                let lo = self.lower.clone();
                let up = self.upper.clone();
                self.lp.set_all_bounds(&lo, &up);
            }
            if self.mopts.heuristics && self.should_dive(node.depth) {
                self.node_dive(&x, z);
                if self.prunable(bound) {
                    self.drop_subtree(bound);
                    return Ok(None);
                }
            }
            match self.choose_branch(&x, &frac, z, node.depth == 0)? {
                Choice::Branch(j, gd, gu) => {
                    let sum_min: f64 = frac
                        .iter()
                        .map(|&k| {
                            let (d, u) = self.pc.gains(k, x[k]);
                            d.min(u)
                        })
                        .sum();
                    return Ok(self.branch(&node, j, x[j], z, bound, gd, gu, sum_min));
                }
                Choice::Tightened => {
                    // Bounds moved by strong branching: propagate, re-solve.
                    self.lp
                        .set_all_bounds(&self.lower.clone(), &self.upper.clone());
                    continue;
                }
                Choice::Infeasible => return Ok(None),
                Choice::Stop => {
                    let mut n = node;
                    n.basis = None;
                    n.parent = u64::MAX;
                    self.queue.push(n);
                    return Ok(None);
                }
            }
        }
    }

    /// Creates the children of the node in hand branching on `j` at value
    /// `v`; returns the one to dive into.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        node: &Node,
        j: usize,
        v: f64,
        z: f64,
        bound: f64,
        gd: f64,
        gu: f64,
        sum_min: f64,
    ) -> Option<Node> {
        // Past the node-memory estimate new nodes keep no basis (a jump
        // to one then starts from the basis in hand).
        let basis = (self.queue.bytes() < NODE_MEMORY)
            .then(|| Rc::new(BasisDelta::of(&self.lp.basis(), &self.root_basis)));
        let shared = Delta::new(node.changes.clone(), self.bound_changes());
        let fl = v.floor();
        let mk = |s: &mut Self, up: bool| -> Node {
            let (l, u) = if up {
                (fl + 1.0, s.upper[j])
            } else {
                (s.lower[j], fl)
            };
            // Column counts fit u32: checked by the model builder.
            let ch = Delta::new(Some(Rc::clone(&shared)), vec![(j as u32, l, u)]);
            let gain = if up { gu } else { gd };
            let own = gd.min(gu);
            Node {
                id: s.new_id(),
                parent: node.id,
                changes: Some(ch),
                bound,
                estimate: z + sum_min - own + gain,
                depth: node.depth + 1,
                basis: basis.clone(),
                sibling: u64::MAX,
                branching: Some(Branching {
                    // Column counts fit u32: checked by the model builder.
                    col: j as u32,
                    up,
                    parent_obj: z,
                    dist: if up { fl + 1.0 - v } else { v - fl },
                }),
            }
        };
        let mut down = mk(self, false);
        let mut up = mk(self, true);
        down.sibling = up.id;
        up.sibling = down.id;
        // Dive direction: towards the incumbent, else the cheaper side.
        let prefer_up = match &self.incumbent {
            Some(inc) if self.mopts.node_selection != NodeSelection::BestBound => inc[j] > v,
            _ => gu <= gd,
        };
        let (dive, other) = if prefer_up { (up, down) } else { (down, up) };
        match self.mopts.node_selection {
            NodeSelection::BestBound => {
                self.queue.push(dive);
                self.queue.push(other);
                None
            }
            NodeSelection::DepthFirst => {
                self.queue.push(other);
                Some(dive)
            }
            _ => {
                self.queue.push(other);
                // Stop diving when the node is far above the global bound.
                if self.incumbent.is_some() {
                    let gb = self.global_bound(None);
                    if bound > gb + 0.5 * (self.inc_obj - gb) {
                        self.queue.push(dive);
                        return None;
                    }
                }
                Some(dive)
            }
        }
    }

    /// Reduced-cost fixing at the node in hand (`global`: at the root, into
    /// the global bounds). Returns whether a bound moved.
    pub(super) fn reduced_cost_fixing(&mut self, z: f64, global: bool) -> bool {
        let cut = self.cutoff_value();
        if !cut.is_finite() || z >= cut {
            return false;
        }
        let d = self.lp.reduced_costs();
        let room = cut - z;
        let mut moved = false;
        // The least LP bound over the regions cut away.
        let mut cut_away = f64::INFINITY;
        for j in 0..self.prob.n {
            if !self.prob.integer[j] || self.lp.is_basic(j) {
                continue;
            }
            let (l, u) = (self.lower[j], self.upper[j]);
            if l == u {
                continue;
            }
            let dj = d[j];
            if dj > 1e-7 && l.is_finite() {
                let k = (room / dj + 1e-6).floor();
                if l + k < u {
                    self.upper[j] = l + k;
                    moved = true;
                    cut_away = cut_away.min(z + dj * (k + 1.0));
                }
            } else if dj < -1e-7 && u.is_finite() {
                let k = (room / -dj + 1e-6).floor();
                if u - k > l {
                    self.lower[j] = u - k;
                    moved = true;
                    cut_away = cut_away.min(z - dj * (k + 1.0));
                }
            }
        }
        if moved && global {
            self.prob.lower.copy_from_slice(&self.lower);
            self.prob.upper.copy_from_slice(&self.upper);
        }
        // A region cut away may lie below the incumbent by up to the gap
        // tolerance: the reported bound must cover it.
        self.drop_subtree(self.prob.round_bound(cut_away));
        moved
    }

    /// Reliability branching: the column to branch on with its estimated
    /// down and up gains, or bound changes found by strong branching.
    fn choose_branch(&mut self, x: &[f64], frac: &[usize], z: f64, root: bool) -> Result<Choice> {
        let rel = self.mopts.reliability;
        // Candidates by pseudo-cost score, best first.
        let mut cands: Vec<(f64, usize)> = frac
            .iter()
            .map(|&j| {
                let (d, u) = self.pc.gains(j, x[j]);
                (score(d, u), j)
            })
            .collect();
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let avg_iters = if self.node_lps > 0 {
            self.node_iters as f64 / self.node_lps as f64
        } else {
            50.0
        };
        let sb_limit = (2.0 * avg_iters).clamp(10.0, 500.0) as u64 * if root { 2 } else { 1 };
        // Strong branching may spend half the node LPs' iterations plus an
        // allowance whose work (iterations × rows) is fixed: an iteration on
        // a model of 15,000 rows costs ~15× one on 1,000.
        let rows = self.prob.rows.len().max(1) as u64;
        let allowance = (SB_ALLOWANCE_WORK / rows).clamp(SB_ALLOWANCE_MIN, SB_ALLOWANCE_MAX);
        let sb_budget_ok = root || self.sb_iters < self.node_iters / 2 + allowance;
        let max_sb = if root { MAX_SB_ROOT } else { MAX_SB_NODE };
        let mut best: Option<(f64, usize, f64, f64)> = None;
        let mut no_gain = 0usize;
        let mut sb_done = 0usize;
        let mut tightened: Vec<usize> = Vec::new();
        let cutoff = self.cutoff_value();
        let mut snapshot = None;
        for &(pscore, j) in &cands {
            let reliable = rel == 0 || self.pc.reliability(j) >= rel;
            if reliable || !sb_budget_ok || sb_done >= max_sb || no_gain >= LOOKAHEAD {
                if best.is_none_or(|b| pscore > b.0) {
                    let (d, u) = self.pc.gains(j, x[j]);
                    best = Some((pscore, j, d, u));
                }
                continue;
            }
            if self.out_of_time() {
                return Ok(Choice::Stop);
            }
            let snap = snapshot.get_or_insert_with(|| self.lp.snapshot());
            sb_done += 1;
            let v = x[j];
            let (l, u) = (self.lower[j], self.upper[j]);
            let mut gains = [0.0f64; 2];
            let mut dead = [false; 2];
            for (k, up) in [false, true].into_iter().enumerate() {
                if up {
                    self.lp.set_col_bounds(j, v.floor() + 1.0, u);
                } else {
                    self.lp.set_col_bounds(j, l, v.floor());
                }
                let before = self.lp.iterations;
                let t0 = Instant::now();
                let st = self.solve_lp(Some(sb_limit));
                self.sb_time += t0.elapsed().as_secs_f64();
                self.sb_solves += 1;
                self.sb_iters += self.lp.iterations - before;
                match st {
                    Some(LpStatus::Infeasible) => dead[k] = true,
                    Some(LpStatus::Optimal) => {
                        let zc = self.lp.objective();
                        let dist = if up {
                            v.floor() + 1.0 - v
                        } else {
                            v - v.floor()
                        };
                        self.pc.record(j, up, zc - z, dist);
                        gains[k] = (zc - z).max(0.0);
                        if zc > cutoff || self.prunable(self.prob.round_bound(zc)) {
                            dead[k] = true;
                            self.drop_subtree(self.prob.round_bound(zc));
                        } else {
                            let xc = self.lp.x();
                            if self.fractional(&xc).is_empty() {
                                self.try_solution(&xc);
                            }
                        }
                    }
                    Some(LpStatus::IterationLimit) => {
                        let zc = self.lp.objective();
                        gains[k] = (zc - z).max(0.0);
                    }
                    Some(LpStatus::TimeLimit) => {
                        self.lp.restore(snap);
                        return Ok(Choice::Stop);
                    }
                    _ => {}
                }
                let t0 = Instant::now();
                self.lp.restore(snap);
                self.restore_time += t0.elapsed().as_secs_f64();
            }
            match dead {
                [true, true] => return Ok(Choice::Infeasible),
                [true, false] => {
                    self.lower[j] = v.floor() + 1.0;
                    tightened.push(j);
                }
                [false, true] => {
                    self.upper[j] = v.floor();
                    tightened.push(j);
                }
                [false, false] => {
                    let s = score(gains[0], gains[1]);
                    if best.is_none_or(|b| s > b.0) {
                        best = Some((s, j, gains[0], gains[1]));
                        no_gain = 0;
                    } else {
                        no_gain += 1;
                    }
                }
            }
        }
        if !tightened.is_empty() {
            if self.propagate(&tightened) == Propagation::Infeasible {
                return Ok(Choice::Infeasible);
            }
            return Ok(Choice::Tightened);
        }
        match best {
            Some((_, j, d, u)) => Ok(Choice::Branch(j, d, u)),
            None => Ok(Choice::Infeasible),
        }
    }
}

/// The outcome of branching-variable selection.
enum Choice {
    /// Branch on a column, with estimated down and up gains.
    Branch(usize, f64, f64),
    /// Strong branching moved bounds of the node: re-solve it.
    Tightened,
    /// Strong branching proved the node infeasible.
    Infeasible,
    /// A limit was reached.
    Stop,
}

/// The slack basis: every column at a bound, every row logical basic.
pub(super) fn slack_basis(n: usize, m: usize) -> LpBasis {
    let mut v = vec![1i8; n + m];
    v[n..].iter_mut().for_each(|s| *s = 2);
    LpBasis(v)
}
