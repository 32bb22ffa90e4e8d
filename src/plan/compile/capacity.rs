//! The capacity family: devices of a pool in use at once.
//!
//! ```text
//! capacity[k,t]:  Σ_p g·x[p,k,t] − Σ_o a_k·g_k·buy[k,o]·[t ≥ arrival_ko] ≤ a_k·owned_k
//!                 (≤ max_k for a rentable pool with a limit; ≤ 0 plus the
//!                 bought devices for a purchasable pool)
//! ```
//!
//! `x[p,k,t]` is every training column of pool `k` whose window covers `t`
//! and every serving column of `k` in `t`; `a_k` is the pool's
//! availability. A row exists only where some column uses the pool and the
//! pool has a limit (an unlimited rentable pool has none). Intervals where
//! a pool's devices may not run (a rule on use, or before a purchasable
//! pool's first arrival) get no columns and so no row.

use super::{Ctx, RowKind, days};
use crate::fleet::Ownership;
use crate::model::RowId;
use crate::scenario::{PoolId, ValidatedScenario};
use crate::units::Hours;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The rows, in the order the columns first touch them, and their entries;
/// then the purchases feeding them from arrival on.
pub(super) fn rows(cx: &mut Ctx<'_>) {
    let vs = cx.vs;
    let mut cap_rows: BTreeMap<(usize, usize), RowId> = BTreeMap::new();
    let entries = std::mem::take(&mut cx.cap_entries);
    for &(k, t, c, g) in &entries {
        let kid = PoolId::new(k);
        let r = match cap_rows.get(&(k, t)) {
            Some(r) => Some(*r),
            None => {
                let r = row(cx, kid, t);
                if let Some(r) = r {
                    cap_rows.insert((k, t), r);
                }
                r
            }
        };
        if let Some(r) = r {
            cx.b.set_coef(r, c, g);
        }
    }
    cx.cap_entries = entries;
    // purchases feed capacity from their arrival on
    for k in vs.pool_ids() {
        let p = vs.pool(k);
        let g = p.granularity().max(1) as f64;
        let a = p.availability().get();
        for (bc, i) in cx.buy_cols[k.index()].clone() {
            let arrival = cx.orders[k.index()][i].arrival;
            for t in 0..cx.time.len() {
                if cx.time.intervals[t].0.get() + 1e-9 >= arrival.get()
                    && let Some(r) = cap_rows.get(&(k.index(), t)).copied()
                {
                    cx.b.set_coef(r, bc, -a * g);
                }
            }
        }
    }
}

/// The right-hand side of pool `k`'s capacity row: its available owned
/// devices, its rental limit, or zero (a purchasable pool has only what it
/// buys); `None` when the pool is unlimited (no row).
pub(super) fn rhs(vs: &ValidatedScenario, k: PoolId) -> Option<f64> {
    let p = vs.pool(k);
    let a = p.availability().get();
    match p.ownership() {
        Ownership::Owned { .. } => p.owned_devices().map(|n| a * n as f64),
        Ownership::Rentable { .. } => p.max_devices().map(|n| n as f64),
        Ownership::Purchasable { .. } => Some(0.0),
    }
}

/// Adds pool `k`'s capacity row for interval `t` (none if unlimited).
fn row(cx: &mut Ctx<'_>, k: PoolId, t: usize) -> Option<RowId> {
    let rhs = rhs(cx.vs, k)?;
    let p = cx.vs.pool(k);
    let meaning = meaning(cx.vs, k, rhs, cx.time.intervals[t]);
    Some(cx.add_row(
        format!("capacity[{},{}]", p.name(), t),
        None,
        Some(rhs),
        RowKind::Capacity {
            pool: k,
            interval: t,
        },
        meaning,
    ))
}

/// The meaning of pool `k`'s capacity row over `(s, e)` with right-hand
/// side `rhs`.
pub(super) fn meaning(
    vs: &ValidatedScenario,
    k: PoolId,
    rhs: f64,
    (s, e): (Hours, Hours),
) -> String {
    let p = vs.pool(k);
    let mut out = String::with_capacity(96);
    let _ = write!(out, "pool '{}' ({}) has ", p.name(), p.accelerator().name);
    if p.ownership().is_purchasable() {
        out.push_str("the bought");
    } else {
        let _ = write!(out, "{}", Round0(rhs));
    }
    let _ = write!(
        out,
        " devices in days {}-{}",
        Round0(days(s)),
        Round0(days(e))
    );
    out
}

/// `{:.0}` of a number, written as an integer when it is one (the same
/// text, without the exact decimal expansion: a session rewrites these
/// meanings at every change of a pool's size).
struct Round0(f64);

impl std::fmt::Display for Round0 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        // |x| < 2^53: the cast is exact; -0.0 keeps its sign through `{:.0}`
        if x.fract() == 0.0 && x.abs() < 9.0e15 && !(x == 0.0 && x.is_sign_negative()) {
            #[allow(clippy::cast_possible_truncation)]
            let n = x as i64;
            write!(f, "{n}")
        } else {
            write!(f, "{x:.0}")
        }
    }
}

/// Units of `g` devices a pool can hold at most, if limited (the upper
/// bound of its device-count columns).
pub(crate) fn capacity_units(vs: &ValidatedScenario, k: PoolId, g: f64) -> Option<f64> {
    let p = vs.pool(k);
    let n = match p.ownership() {
        Ownership::Owned { .. } => p.owned_devices().map(|n| n as f64 * p.availability().get()),
        Ownership::Rentable { .. } => p.max_devices().map(|n| n as f64),
        Ownership::Purchasable { .. } => p.max_devices().map(|n| n as f64 * p.availability().get()),
    }?;
    Some((n / g).floor().max(0.0))
}

#[cfg(test)]
mod round0_tests {
    use super::Round0;

    #[test]
    fn round0_writes_what_the_format_writes() {
        for x in [
            0.0,
            -0.0,
            1.0,
            2.5,
            3.5,
            -2.5,
            0.49,
            119.98,
            1e15,
            8.0e15,
            1.0e16,
            1e300,
            -7.0,
            f64::INFINITY,
            f64::NAN,
        ] {
            assert_eq!(Round0(x).to_string(), format!("{x:.0}"), "{x}");
        }
    }
}
