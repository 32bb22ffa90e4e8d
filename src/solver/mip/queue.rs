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

/// Bound changes along a path of the tree: the changes made at one node
/// (branching, propagation, reduced-cost and strong-branching fixings),
/// linked to those of its ancestors. Children share their parent's chain,
/// so an open node costs its own few changes, not a copy of every bound
/// that differs from the global ones (which at depth `d` with propagation
/// can be most of the columns).
#[derive(Debug)]
pub(super) struct Delta {
    parent: Option<Rc<Delta>>,
    items: Box<[(u32, f64, f64)]>,
}

impl Delta {
    /// Changes `items` on top of `parent`.
    pub(super) fn new(parent: Option<Rc<Delta>>, items: Vec<(u32, f64, f64)>) -> Rc<Self> {
        Rc::new(Self {
            parent,
            items: items.into_boxed_slice(),
        })
    }

    /// Intersects `lower`/`upper` with every change on the path (the
    /// order does not matter: changes only tighten).
    pub(super) fn apply(&self, lower: &mut [f64], upper: &mut [f64]) {
        let mut d = Some(self);
        while let Some(x) = d {
            for &(j, l, u) in &x.items {
                let j = j as usize;
                lower[j] = lower[j].max(l);
                upper[j] = upper[j].min(u);
            }
            d = x.parent.as_deref();
        }
    }

    /// Bytes of this link (not of its ancestors).
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of::<Self>() + 24 * self.items.len()
    }
}

impl Drop for Delta {
    // Long chains are freed in a loop, not by recursion.
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(p) = next {
            match Rc::try_unwrap(p) {
                Ok(mut d) => next = d.parent.take(),
                Err(_) => break,
            }
        }
    }
}

/// A basis stored as its differences from the root's final basis: the
/// entries (variable, status) that differ. Near the root most columns keep
/// their status, so this is a small fraction of one byte per variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BasisDelta(Box<[(u32, i8)]>);

impl BasisDelta {
    /// The differences of `b` from `root` (same length).
    pub(super) fn of(b: &LpBasis, root: &LpBasis) -> Self {
        Self(
            b.0.iter()
                .zip(&root.0)
                .enumerate()
                .filter(|(_, (x, r))| x != r)
                // Variable counts fit u32: the model builder checks sizes.
                .map(|(j, (&x, _))| (j as u32, x))
                .collect(),
        )
    }

    /// The full basis.
    pub(super) fn expand(&self, root: &LpBasis) -> LpBasis {
        let mut b = root.clone();
        for &(j, x) in &self.0 {
            b.0[j as usize] = x;
        }
        b
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of::<Self>() + 8 * self.0.len()
    }
}

/// An open node.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Unique, increasing with creation.
    pub(super) id: u64,
    /// The parent's id (`u64::MAX` for the root).
    pub(super) parent: u64,
    /// Column bounds changed on the path from the root (`None` at the
    /// root): the node's bounds are the global ones intersected with them.
    pub(super) changes: Option<Rc<Delta>>,
    /// Proven lower bound of the subtree (objective lattice applied).
    pub(super) bound: f64,
    /// Estimated best solution value in the subtree.
    pub(super) estimate: f64,
    /// Depth in the tree (root 0).
    pub(super) depth: u32,
    /// The parent's final LP basis (shared by both children), if kept.
    pub(super) basis: Option<Rc<BasisDelta>>,
    /// The other child of the parent (`u64::MAX` for the root).
    pub(super) sibling: u64,
    /// The branching that made it.
    pub(super) branching: Option<Branching>,
}

/// Bookkeeping bytes of an open node beyond its deltas (the node itself,
/// its map entry and its three index entries).
const NODE_OVERHEAD: usize = 256;

impl Node {
    /// Bytes this node holds (shared parts counted whole: an upper
    /// estimate).
    pub(super) fn bytes(&self) -> usize {
        NODE_OVERHEAD
            + self.changes.as_ref().map_or(0, |d| d.bytes())
            + self.basis.as_ref().map_or(0, |b| b.bytes())
    }
}

/// The open nodes.
#[derive(Debug, Default)]
pub(super) struct Queue {
    nodes: HashMap<u64, Node>,
    /// Estimated bytes of the open nodes.
    bytes: usize,
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
        self.bytes += node.bytes();
        self.nodes.insert(node.id, node);
    }

    /// Removes and returns the node `id` if open.
    pub(super) fn take(&mut self, id: u64) -> Option<Node> {
        let node = self.nodes.remove(&id)?;
        self.bytes -= node.bytes();
        self.by_bound.remove(&(Key(node.bound), id));
        self.by_estimate.remove(&(Key(node.estimate), id));
        self.by_depth.remove(&(Reverse(node.depth), Reverse(id)));
        Some(node)
    }

    /// Estimated bytes of the open nodes.
    pub(super) fn bytes(&self) -> usize {
        self.bytes
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
