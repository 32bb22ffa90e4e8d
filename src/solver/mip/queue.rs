//! Open nodes of the search tree, ordered by bound, by estimate and by
//! depth at once (ties broken by creation order, so the search is
//! deterministic).

use super::lp::LpBasis;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// A float with a total order (for keys).
#[derive(Debug, Clone, Copy)]
pub(super) struct Key(pub(super) f64);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// How a node was made from its parent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Branching {
    /// The branched column.
    pub(super) col: u32,
    /// Up branch (lower bound raised) or down branch.
    pub(super) up: bool,
    /// The parent's LP objective.
    pub(super) parent_obj: f64,
    /// Distance of the parent's value to the new bound.
    pub(super) dist: f64,
}

/// An open node.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Unique, increasing with creation.
    pub(super) id: u64,
    /// The parent's id (`u64::MAX` for the root).
    pub(super) parent: u64,
    /// Column bounds that differ from the global ones when the node was
    /// made: `(column, lower, upper)`.
    pub(super) changes: Vec<(u32, f64, f64)>,
    /// Proven lower bound of the subtree (objective lattice applied).
    pub(super) bound: f64,
    /// Estimated best solution value in the subtree.
    pub(super) estimate: f64,
    /// Depth in the tree (root 0).
    pub(super) depth: u32,
    /// The parent's final LP basis.
    pub(super) basis: Option<Rc<LpBasis>>,
    /// The other child of the parent (`u64::MAX` for the root).
    pub(super) sibling: u64,
    /// The branching that made it.
    pub(super) branching: Option<Branching>,
}

/// The open nodes.
#[derive(Debug, Default)]
pub(super) struct Queue {
    nodes: HashMap<u64, Node>,
    by_bound: BTreeSet<(Key, u64)>,
    by_estimate: BTreeSet<(Key, u64)>,
    by_depth: BTreeSet<(Reverse<u32>, Reverse<u64>)>,
}

impl Queue {
    /// Number of open nodes.
    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a node.
    pub(super) fn push(&mut self, node: Node) {
        self.by_bound.insert((Key(node.bound), node.id));
        self.by_estimate.insert((Key(node.estimate), node.id));
        self.by_depth
            .insert((Reverse(node.depth), Reverse(node.id)));
        self.nodes.insert(node.id, node);
    }

    /// Removes and returns the node `id` if open.
    pub(super) fn take(&mut self, id: u64) -> Option<Node> {
        let node = self.nodes.remove(&id)?;
        self.by_bound.remove(&(Key(node.bound), id));
        self.by_estimate.remove(&(Key(node.estimate), id));
        self.by_depth.remove(&(Reverse(node.depth), Reverse(id)));
        Some(node)
    }

    /// The smallest bound of an open node.
    pub(super) fn min_bound(&self) -> Option<f64> {
        self.by_bound.first().map(|(k, _)| k.0)
    }

    /// Removes and returns the node with the best bound.
    pub(super) fn pop_best_bound(&mut self) -> Option<Node> {
        let &(_, id) = self.by_bound.first()?;
        self.take(id)
    }

    /// Removes and returns the node with the best estimate.
    pub(super) fn pop_best_estimate(&mut self) -> Option<Node> {
        let &(_, id) = self.by_estimate.first()?;
        self.take(id)
    }

    /// Depth of the deepest open node (0 when none).
    pub(super) fn pop_deepest_peek(&self) -> u32 {
        self.by_depth.first().map_or(0, |(d, _)| d.0)
    }

    /// Removes and returns the deepest (then newest) node.
    pub(super) fn pop_deepest(&mut self) -> Option<Node> {
        let &(_, Reverse(id)) = self.by_depth.first()?;
        self.take(id)
    }

    /// Removes every node whose bound is at least `limit`; returns the
    /// smallest bound removed.
    pub(super) fn prune_from(&mut self, limit: f64) -> Option<f64> {
        let mut smallest: Option<f64> = None;
        while let Some(&(k, id)) = self.by_bound.last() {
            if k.0 < limit {
                break;
            }
            self.take(id);
            smallest = Some(k.0);
        }
        smallest
    }
}
