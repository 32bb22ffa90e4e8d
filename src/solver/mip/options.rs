//! Branch-and-bound switches (expert): what the MIP search may use, and
//! a start solution.

use std::sync::Arc;

/// Which open node branch-and-bound works on next, after a dive ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NodeSelection {
    /// Dive into a child after branching; when the dive ends, take the
    /// node with the best estimate while no solution is known, and
    /// afterwards mostly the best bound (every eighth pick the best
    /// estimate). The default.
    #[default]
    Hybrid,
    /// Always the node with the best bound (no dives): fewest nodes for a
    /// proof, slow to find solutions.
    BestBound,
    /// Depth first: always dive, backtrack to the deepest open node.
    DepthFirst,
}

/// Expert switches of the MIP search, under [`SolveOptions::mip`].
/// Defaults are what the MIPLIB suite is tuned with; turn parts off to
/// compare or to isolate a problem.
///
/// [`SolveOptions::mip`]: crate::solver::SolveOptions::mip
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MipOptions {
    /// Root presolve: bound tightening by activities and coefficient
    /// tightening of one-sided rows on integer columns. Default `true`.
    pub presolve: bool,
    /// Cutting planes at the root (Gomory mixed-integer, complemented MIR
    /// with row aggregation, knapsack covers). Default `true`.
    pub cuts: bool,
    /// Rounds of root cut separation at most. Range `[0, 1000]`; default 30.
    pub cut_rounds: u32,
    /// Primal heuristics (rounding and diving). Default `true`.
    pub heuristics: bool,
    /// Reliability threshold of pseudo-cost branching: a column is strong
    /// branched until both of its directions have this many observations;
    /// 0 is pure pseudo-cost branching. Range `[0, 100]`; default 4.
    pub reliability: u32,
    /// Node selection. Default [`NodeSelection::Hybrid`].
    pub node_selection: NodeSelection,
    /// A start: a value for every column of the model (in its order),
    /// offered to the search before the root LP. It goes through the same
    /// acceptance check as any solution the search finds (integer columns
    /// rounded to the nearest integer, continuous ones re-optimised with
    /// the integers fixed, every bound and row checked on the model); a
    /// start that fails the check is ignored, never an error. Default
    /// `None`. Shared (`Arc`), so cloning the options stays cheap.
    pub start: Option<Arc<[f64]>>,
}

impl Default for MipOptions {
    fn default() -> Self {
        Self {
            presolve: true,
            cuts: true,
            cut_rounds: 30,
            heuristics: true,
            reliability: 4,
            node_selection: NodeSelection::Hybrid,
            start: None,
        }
    }
}

impl MipOptions {
    /// Sets [`MipOptions::presolve`].
    #[must_use]
    pub fn with_presolve(mut self, on: bool) -> Self {
        self.presolve = on;
        self
    }
    /// Sets [`MipOptions::cuts`].
    #[must_use]
    pub fn with_cuts(mut self, on: bool) -> Self {
        self.cuts = on;
        self
    }
    /// Sets [`MipOptions::cut_rounds`].
    #[must_use]
    pub fn with_cut_rounds(mut self, n: u32) -> Self {
        self.cut_rounds = n;
        self
    }
    /// Sets [`MipOptions::heuristics`].
    #[must_use]
    pub fn with_heuristics(mut self, on: bool) -> Self {
        self.heuristics = on;
        self
    }
    /// Sets [`MipOptions::reliability`].
    #[must_use]
    pub fn with_reliability(mut self, n: u32) -> Self {
        self.reliability = n;
        self
    }
    /// Sets [`MipOptions::node_selection`].
    #[must_use]
    pub fn with_node_selection(mut self, s: NodeSelection) -> Self {
        self.node_selection = s;
        self
    }

    /// Sets [`MipOptions::start`].
    #[must_use]
    pub fn with_start(mut self, x: impl Into<Arc<[f64]>>) -> Self {
        self.start = Some(x.into());
        self
    }

    /// Checks every option is within its documented range.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Options`] naming the first option out of range.
    pub fn validate(&self) -> crate::Result<()> {
        if self.cut_rounds > 1000 {
            return Err(crate::Error::options(format!(
                "mip.cut_rounds = {} is outside its range [0, 1000]",
                self.cut_rounds
            )));
        }
        if self.reliability > 100 {
            return Err(crate::Error::options(format!(
                "mip.reliability = {} is outside its range [0, 100]",
                self.reliability
            )));
        }
        if let Some(x) = &self.start
            && let Some(j) = x.iter().position(|v| !v.is_finite())
        {
            return Err(crate::Error::options(format!(
                "mip.start[{j}] = {} is not a finite number",
                x[j]
            )));
        }
        Ok(())
    }
}
