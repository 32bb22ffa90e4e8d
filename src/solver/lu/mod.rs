//! Sparse LU factorisation of simplex bases, with Forrest–Tomlin updates.
//!
//! # What it computes
//!
//! For an `m × m` basis `B` whose column at *basis position* `k` is supplied
//! by a closure, [`LuFactor::factorize`] computes
//!
//! ```text
//!     P B Q = L U        (L unit lower triangular, U upper triangular)
//! ```
//!
//! and [`LuFactor::update`] replaces one column of `B` without refactorising
//! (Forrest–Tomlin: `B = L R₁⁻¹ ⋯ R_t⁻¹ U` with row etas `R`).
//!
//! # Index spaces
//!
//! Every pivot pairs a row `r` with a basis position `c`; the pairing is fixed
//! between refactorisations (a Forrest–Tomlin update keeps the pair and only
//! moves the pivot to the end of U's order). Internally L, R and U are all
//! stored in *row labels*: U's column for the pivot of row `r` lists entries
//! `(row i, u)`, and U's row for row `r` lists `(row j, u)` where `j` is the
//! pivot row of the column. So the only permutation is at the boundary:
//! FTRAN's result moves from rows to positions, BTRAN's right-hand side from
//! positions to rows.
//!
//! # Structure of the factorisation
//!
//! 1. *Singletons* (no fill, no search): column singletons of the active
//!    submatrix (every logical column is one) are pivoted with no L entries,
//!    row singletons with no U entries, each pass feeding the next through
//!    counts only.
//! 2. *Kernel*: what remains goes into a sparse active submatrix with values
//!    by column and the pattern by row, with doubly linked count lists of
//!    rows and columns. Pivots come from a Markowitz search over the
//!    columns and rows of smallest count (at most `search_limit`
//!    candidates), under threshold partial pivoting
//!    `|a_ij| >= pivot_threshold * max_i |a_ij|`. Once the active part is
//!    dense (`dense_switch`), it is finished by dense LU with partial
//!    pivoting.
//! 3. *Rank deficiency*: a column whose largest active entry is at most
//!    `singular_tolerance` times the largest magnitude it has held (its
//!    original entries and the updates it received, which is what rounding
//!    errors scale with) is numerically zero; it is dropped and reported, and
//!    the factor is completed with the unit columns of the rows left
//!    unpivoted (see [`FactorError`]).
//!
//! # Solves
//!
//! Triangular solves skip zeros. When the right-hand side and the expected
//! result are sparse (running averages, thresholds as in HiGHS) the nonzero
//! pattern of the result is found first by a depth-first search of the
//! factor's graph (Gilbert–Peierls), so the cost is proportional to the
//! nonzeros touched and independent of `m`.
//!
//! # Updates
//!
//! Forrest–Tomlin (see `update.rs`): the new column's partially transformed
//! spike replaces U's column, the pivot moves to the end of U's order and one
//! row eta restores triangularity. An update is refused when its new
//! diagonal disagrees with the caller's pivot (a row-wise against a
//! column-wise computation of the same number); `should_refactor` asks for a
//! fresh factor after `max_updates`, on fill, or when the updates have
//! amplified the factor's entries beyond `growth_limit`.
//!
//! # Complexity
//!
//! Factorisation: `O(nnz(B))` for the singleton part plus the Markowitz
//! elimination of the kernel. FTRAN/BTRAN: `O(flops)` on the hyper-sparse
//! path, `O(m + flops)` otherwise. Update: one hyper-sparse partial BTRAN
//! with U plus the length of the replaced row and column of U.

pub(crate) use super::sparse::SparseVec;

mod build;
#[cfg(test)]
mod dense;
mod lists;
mod solve;
#[cfg(test)]
mod tests;
mod update;

#[cfg(test)]
pub(crate) use dense::DenseLu;

use lists::Lists;

/// "No index" marker for `u32` index arrays.
const NONE: u32 = u32::MAX;

/// Tuning and tolerances of the basis factor. All tolerances are
/// dimensionless (relative to the magnitudes of the basis entries unless
/// stated otherwise).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LuOptions {
    /// Relative threshold for partial pivoting in the Markowitz search: an
    /// entry may be a pivot only if `|a_ij| >= pivot_threshold * max_i |a_ij|`
    /// over the active part of its column. Range `(0, 1]`, default `0.1`.
    /// Larger is more stable and fills more.
    pub pivot_threshold: f64,
    /// Absolute magnitude at or below which computed entries are dropped
    /// (treated as exact zeros). Default `1e-14`.
    pub drop_tolerance: f64,
    /// Number of updates after which `update` refuses and `should_refactor`
    /// says yes. Default `100`.
    pub max_updates: usize,
    /// A column is numerically zero (the basis is singular) when its largest
    /// active entry is at most this times the largest magnitude it has held
    /// during elimination (original entries included). Default `1e-11`.
    pub singular_tolerance: f64,
    /// Relative disagreement allowed between the new diagonal computed by the
    /// update and the one implied by the caller's `pivot`, before scaling by
    /// the factor's growth. Default `1e-8`.
    pub update_tolerance: f64,
    /// Maximum number of columns and rows examined per Markowitz search once
    /// a candidate is known. Default `8`.
    pub search_limit: usize,
    /// `should_refactor` says yes once the stored nonzeros of the updated
    /// factor exceed `fill_limit` times those of the fresh factor (plus `m`).
    /// Default `2.0`.
    pub fill_limit: f64,
    /// `should_refactor` says yes once the updates have amplified the
    /// factor's entries by more than this: (largest |U| now / right after
    /// factorisation) × max(1, largest |row-eta multiplier|). Default `1e5`.
    pub growth_limit: f64,
    /// The kernel is finished as a dense matrix once its active part has at
    /// least this fraction of nonzeros (and at most 2²² entries). Default
    /// `0.5`; a value above 1 keeps it sparse to the end.
    pub dense_switch: f64,
    /// `None` (default): choose hyper-sparse or ordinary triangular solves by
    /// predicted density. `Some(true)` / `Some(false)`: always / never use
    /// the hyper-sparse path (for tests and benchmarks).
    pub hyper_sparse: Option<bool>,
}

impl Default for LuOptions {
    fn default() -> Self {
        Self {
            pivot_threshold: 0.1,
            drop_tolerance: 1e-14,
            max_updates: 100,
            singular_tolerance: 1e-11,
            update_tolerance: 1e-8,
            search_limit: 8,
            fill_limit: 2.0,
            growth_limit: 1e5,
            dense_switch: 0.5,
            hyper_sparse: None,
        }
    }
}

/// Why a factorisation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FactorError {
    /// B is (numerically) singular. The factor is still usable for the
    /// rank-complete part: the caller replaces basis position
    /// `bad_positions[k]` by the logical (unit) column of row `free_rows[k]`
    /// and refactorises. Until then the factor represents exactly that
    /// repaired basis, with `+e_{free_rows[k]}` at `bad_positions[k]`.
    /// Both lists are sorted ascending and have length `m - rank`.
    Singular {
        /// Number of pivots found in the original basis.
        rank: usize,
        /// Basis positions whose columns were dropped.
        bad_positions: Vec<usize>,
        /// Rows left without a pivot.
        free_rows: Vec<usize>,
    },
}

/// Why an update was refused. In every case the factor still represents the
/// basis *before* the call, but the caller should refactorise with the new
/// basis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UpdateError {
    /// No column was given to `ftran_for_update` since the last update or
    /// factorisation.
    NoColumn,
    /// `pos` is not a basis position.
    BadPosition,
    /// `max_updates` updates have been applied already.
    TooManyUpdates,
    /// The new diagonal of U is (numerically) zero: the new basis is singular.
    Singular {
        /// The new diagonal computed by the update.
        computed: f64,
    },
    /// The update's own new diagonal disagrees with `pivot × old diagonal`:
    /// the factor has lost accuracy.
    Unstable {
        /// The new diagonal computed by the update.
        computed: f64,
        /// `pivot` times the old diagonal.
        expected: f64,
    },
}

impl std::fmt::Display for FactorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Singular {
                rank,
                bad_positions,
                ..
            } => write!(
                f,
                "basis is singular: rank {rank}, {} dependent column(s)",
                bad_positions.len()
            ),
        }
    }
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoColumn => write!(f, "no entering column was saved by ftran_for_update"),
            Self::BadPosition => write!(f, "basis position out of range"),
            Self::TooManyUpdates => write!(f, "update limit reached"),
            Self::Singular { computed } => {
                write!(f, "new basis is singular (new diagonal {computed:e})")
            }
            Self::Unstable { computed, expected } => write!(
                f,
                "unstable update: new diagonal {computed:e}, expected {expected:e}"
            ),
        }
    }
}

/// Counters for tests and tuning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LuStats {
    /// Factorisations done.
    pub factorizations: u64,
    /// Pivots taken in the singleton passes of the last factorisation.
    pub singleton_pivots: usize,
    /// Pivots taken by Markowitz search in the last factorisation.
    pub kernel_pivots: usize,
    /// Nonzeros of L (off-diagonal) after the last factorisation.
    pub l_nnz: usize,
    /// Nonzeros of U (off-diagonal) after the last factorisation.
    pub u_nnz: usize,
    /// Triangular solves done on the hyper-sparse (DFS) path.
    pub hyper_solves: u64,
    /// Triangular solves done on the ordinary path.
    pub dense_solves: u64,
    /// Pivots visited by all triangular solves (a machine-independent
    /// measure of solve cost: `m` per ordinary solve, the size of the
    /// reached set per hyper-sparse one).
    pub solve_visits: u64,
    /// Updates applied since creation.
    pub updates: u64,
}

/// Work buffers of the triangular solves (reused; no allocation in the
/// steady state).
#[derive(Debug, Clone, Default)]
struct SolveWork {
    /// DFS visit stamps, one per row.
    mark: Vec<u32>,
    stamp: u32,
    /// DFS stack: (node, next child offset).
    stack: Vec<(u32, u32)>,
    /// DFS post-order.
    reach: Vec<u32>,
    /// Scratch vector for the row/position permutation at the boundary.
    perm: SparseVec,
}

/// Running density estimates (result nonzeros / m) of each solve stage.
#[derive(Debug, Clone, Copy)]
struct Densities {
    l_f: f64,
    u_f: f64,
    u_b: f64,
    l_b: f64,
    u_row: f64,
}

impl Default for Densities {
    fn default() -> Self {
        Self {
            l_f: 0.0,
            u_f: 0.0,
            u_b: 0.0,
            l_b: 0.0,
            u_row: 0.0,
        }
    }
}

/// The sparse LU factor of a simplex basis. See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct LuFactor {
    m: usize,
    opts: LuOptions,
    /// Basis position paired with each pivot row.
    pos_of_row: Vec<u32>,
    /// Pivot row paired with each basis position.
    row_of_pos: Vec<u32>,
    /// U's diagonal, by pivot row.
    diag: Vec<f64>,
    /// L by columns (keyed by pivot row; entries are rows).
    lcol: Lists,
    /// L by rows (keyed by row; entries are pivot rows).
    lrow: Lists,
    /// Pivot rows with a nonempty L column, in pivot order.
    l_order: Vec<u32>,
    /// Rows with a nonempty L row, in reverse pivot order.
    lrow_order: Vec<u32>,
    /// U by columns (keyed by pivot row; entries are rows of earlier pivots).
    ucol: Lists,
    /// U by rows (keyed by pivot row; entries are pivot rows of later pivots).
    urow: Lists,
    /// U's pivot order (pivot rows); `NONE` marks a pivot moved by an update.
    u_order: Vec<u32>,
    /// Slot of each pivot row in `u_order`.
    u_slot: Vec<u32>,
    /// Forrest–Tomlin row etas: eta t sets `v[r_row[t]] -= Σ r_val·v[r_idx]`
    /// over `r_start[t]..r_start[t+1]`.
    r_row: Vec<u32>,
    r_start: Vec<usize>,
    r_idx: Vec<u32>,
    r_val: Vec<f64>,
    /// The partially transformed entering column saved by
    /// `ftran_for_update` (after L and R, before U), in row labels.
    spike_idx: Vec<u32>,
    spike_val: Vec<f64>,
    spike_valid: bool,
    num_updates: usize,
    /// Largest |entry| of B at the last factorisation.
    b_max: f64,
    /// Largest |entry| of U (diagonal included) so far.
    u_max: f64,
    /// `u_max` right after factorisation.
    u_max_fresh: f64,
    /// Largest |multiplier| in the row etas since factorisation.
    r_max: f64,
    /// Off-diagonal nonzeros of L plus U right after factorisation.
    nnz_fresh: usize,
    work: build::BuildWork,
    solve: SolveWork,
    /// Work vector of the update's partial BTRAN (row labels).
    upd: SparseVec,
    dens: Densities,
    stats: LuStats,
}

impl LuFactor {
    /// A factor of dimension `m`, initially representing the identity basis
    /// (position `k` holds `+e_k`), so that it is usable before the first
    /// `factorize`.
    pub(crate) fn new(m: usize, options: LuOptions) -> Self {
        // Indices are stored as u32; bases beyond that are far outside what
        // any simplex here can handle, so the dimension is clamped rather
        // than allowed to wrap.
        let m = m.min(NONE as usize - 1);
        let mut f = Self {
            m,
            opts: options,
            pos_of_row: Vec::with_capacity(m),
            row_of_pos: Vec::with_capacity(m),
            diag: Vec::with_capacity(m),
            lcol: Lists::default(),
            lrow: Lists::default(),
            l_order: Vec::new(),
            lrow_order: Vec::new(),
            ucol: Lists::default(),
            urow: Lists::default(),
            u_order: Vec::new(),
            u_slot: Vec::new(),
            r_row: Vec::new(),
            r_start: vec![0],
            r_idx: Vec::new(),
            r_val: Vec::new(),
            spike_idx: Vec::with_capacity(m),
            spike_val: Vec::with_capacity(m),
            spike_valid: false,
            num_updates: 0,
            b_max: 1.0,
            u_max: 1.0,
            u_max_fresh: 1.0,
            r_max: 0.0,
            nnz_fresh: 0,
            work: build::BuildWork::default(),
            solve: SolveWork {
                mark: vec![0; m],
                stamp: 0,
                stack: Vec::with_capacity(m),
                reach: Vec::with_capacity(m),
                perm: SparseVec::new(m),
            },
            upd: SparseVec::new(m),
            dens: Densities::default(),
            stats: LuStats::default(),
        };
        f.set_identity();
        f
    }

    /// Dimension `m`.
    pub(crate) fn dim(&self) -> usize {
        self.m
    }

    /// Updates applied since the last factorisation.
    pub(crate) fn num_updates(&self) -> usize {
        self.num_updates
    }

    /// True when the update count or the fill of the updated factor says a
    /// fresh factorisation would be cheaper or safer.
    pub(crate) fn should_refactor(&self) -> bool {
        if self.num_updates >= self.opts.max_updates {
            return true;
        }
        if (self.u_max / self.u_max_fresh) * self.r_max.max(1.0) > self.opts.growth_limit {
            return true;
        }
        let now = self.lcol.live + self.ucol.live + self.r_idx.len();
        // Precision loss in the comparison is irrelevant for a heuristic.
        now as f64 > self.opts.fill_limit * self.nnz_fresh as f64 + self.m as f64
    }

    /// Counters for tests and tuning.
    pub(crate) fn stats(&self) -> LuStats {
        self.stats
    }

    fn set_identity(&mut self) {
        let m = self.m;
        self.pos_of_row.clear();
        self.row_of_pos.clear();
        self.diag.clear();
        for k in 0..m {
            // k < m <= u32::MAX - 1 (clamped in `new`).
            self.pos_of_row.push(k as u32);
            self.row_of_pos.push(k as u32);
            self.diag.push(1.0);
        }
        let zeros = vec![0u32; m];
        self.lcol.layout(&zeros, 0);
        self.lrow.layout(&zeros, 0);
        self.ucol.layout(&zeros, 0);
        self.urow.layout(&zeros, 0);
        self.l_order.clear();
        self.lrow_order.clear();
        self.u_order.clear();
        self.u_order.extend(0..m as u32);
        self.u_slot.clear();
        self.u_slot.extend(0..m as u32);
        self.reset_updates();
        self.nnz_fresh = 0;
    }

    fn reset_updates(&mut self) {
        self.r_row.clear();
        self.r_start.clear();
        self.r_start.push(0);
        self.r_idx.clear();
        self.r_val.clear();
        self.spike_idx.clear();
        self.spike_val.clear();
        self.spike_valid = false;
        self.num_updates = 0;
        self.r_max = 0.0;
        self.u_max_fresh = self.u_max;
    }
}
