//! The planner's LP family, as `../shared/lp/gen_assign.py` describes it,
//! generated in Rust with a fixed seed (the instances are of the same shape
//! and distribution as the script's, not byte-identical to its files).
//!
//! P phases × K pools, one column per eligible (phase, pool) pair (~60%):
//! `min Σ cost·x` s.t. pool capacity rows `Σ_p x[p,k] ≤ cap_k`, phase demand
//! rows `Σ_k eff[p,k]·x[p,k] ≥ d_p`, one budget row and one domestic-share
//! row. Feasible by construction: bounds are derived from a random plan.

// Index loops over the (phase, pool) grid mirror the script's formulas.
#![allow(clippy::needless_range_loop)]

use fleetplan::model::{Model, ModelBuilder, VarType};

use fleetplan::rng::SplitMix64 as Rng;

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// The assignment LP with `p` phases and `k` pools (seed as the script's:
/// `20240000 + 7919·P + K`).
pub fn assign_model(p: usize, k: usize) -> Model {
    let mut rng = Rng(20_240_000 + 7919 * p as u64 + k as u64);
    let mut dom: Vec<bool> = (0..k).map(|_| rng.unit() < 0.4).collect();
    let forced = rng.index(k);
    dom[forced] = true;
    let price: Vec<f64> = (0..k)
        .map(|q| round4(rng.range(0.8, 12.0) * if dom[q] { 1.25 } else { 1.0 }))
        .collect();
    let mut elig: Vec<Vec<bool>> = (0..p)
        .map(|_| (0..k).map(|_| rng.unit() < 0.6).collect())
        .collect();
    let dom_idx: Vec<usize> = (0..k).filter(|&q| dom[q]).collect();
    for row in elig.iter_mut() {
        row[dom_idx[rng.index(dom_idx.len())]] = true;
    }
    for q in 0..k {
        if !(0..p).any(|ph| elig[ph][q]) {
            let ph = rng.index(p);
            elig[ph][q] = true;
        }
    }
    let eff: Vec<Vec<f64>> = (0..p)
        .map(|_| (0..k).map(|_| round4(rng.range(0.3, 2.5))).collect())
        .collect();
    let cost: Vec<Vec<f64>> = (0..p)
        .map(|_| {
            (0..k)
                .map(|q| round4(price[q] * (1.0 + rng.range(0.0, 0.2))))
                .collect()
        })
        .collect();
    // A random feasible plan x0.
    let mut x0 = vec![vec![0.0; k]; p];
    for ph in 0..p {
        let work = rng.range(10.0, 1000.0);
        let cand: Vec<usize> = (0..k).filter(|&q| elig[ph][q]).collect();
        let dcand: Vec<usize> = cand.iter().copied().filter(|&q| dom[q]).collect();
        let want = cand.len().min(1 + rng.index(3));
        let mut pick: Vec<usize> = Vec::new();
        while pick.len() < want {
            let q = cand[rng.index(cand.len())];
            if !pick.contains(&q) {
                pick.push(q);
            }
        }
        let dq = dcand[rng.index(dcand.len())];
        if !pick.contains(&dq) {
            pick.push(dq);
        }
        pick.sort_unstable();
        // Dirichlet(1, ..., 1) weights: normalised exponentials.
        let w: Vec<f64> = pick.iter().map(|_| -(1.0 - rng.unit()).ln()).collect();
        let total: f64 = w.iter().sum();
        for (&q, wi) in pick.iter().zip(&w) {
            x0[ph][q] = wi / total * work / eff[ph][q];
        }
    }
    let mut demand = vec![0.0; p];
    for ph in 0..p {
        let met: f64 = (0..k).map(|q| eff[ph][q] * x0[ph][q]).sum();
        demand[ph] = met.floor().max(1.0);
        if met < demand[ph] {
            let f = demand[ph] / met * 1.000_001;
            x0[ph].iter_mut().for_each(|v| *v *= f);
        }
    }
    let usage: Vec<f64> = (0..k).map(|q| (0..p).map(|ph| x0[ph][q]).sum()).collect();
    let avg = (usage.iter().sum::<f64>() / k as f64).max(1.0);
    let cap: Vec<f64> = (0..k)
        .map(|q| {
            let slack = rng.range(1.05, 1.5);
            if usage[q] > 0.0 {
                (usage[q] * slack + 1.0).ceil()
            } else {
                (avg * rng.range(0.2, 1.0)).ceil()
            }
        })
        .collect();
    let total: f64 = usage.iter().sum();
    let domestic: f64 = (0..k).filter(|&q| dom[q]).map(|q| usage[q]).sum();
    let share = (0.95 * domestic / total * 1e4).floor() / 1e4;
    let spend: f64 = (0..k).map(|q| price[q] * usage[q]).sum();
    let budget = (spend + 1.0).ceil();

    let mut b = ModelBuilder::new(format!("assign_{p}x{k}"));
    b.set_objective_name("COST");
    let caps: Vec<_> = (0..k)
        .map(|q| b.add_row(format!("CAP{q:05}"), None, Some(cap[q])))
        .collect();
    let dems: Vec<_> = (0..p)
        .map(|ph| b.add_row(format!("DEM{ph:05}"), Some(demand[ph]), None))
        .collect();
    let bud = b.add_row("BUDGET", None, Some(budget));
    let dsh = b.add_row("DOMSHARE", Some(0.0), None);
    let mut j = 0;
    for ph in 0..p {
        for q in 0..k {
            if !elig[ph][q] {
                continue;
            }
            let x = b.add_col(
                format!("X{j:07}"),
                cost[ph][q],
                Some(0.0),
                None,
                VarType::Continuous,
            );
            j += 1;
            b.set_coef(caps[q], x, 1.0)
                .set_coef(dems[ph], x, eff[ph][q])
                .set_coef(bud, x, price[q])
                .set_coef(dsh, x, if dom[q] { 1.0 - share } else { -share });
        }
    }
    b.build().expect("the generator builds a valid model")
}
