//! Branch-and-bound on small integer programs whose answers come from
//! outside the solver: exhaustive enumeration (pure integer programs, and
//! mixed ones with the LP over the continuous part solved per integer
//! assignment), dynamic programming for knapsacks, permutations for
//! assignment problems, and hand-solved cases (infeasible integer programs
//! with feasible relaxations, objective constants, maximisation, limits).
//! Every solution passes the independent certificate check.

// Index loops over parallel arrays (columns, bounds, values) read best here.
#![allow(clippy::needless_range_loop)]

mod common;
mod lp_support;

use common::{assert_certified, close};
use fleetplan::model::{ColId, Model, ModelBuilder, Sense, VarType};
use fleetplan::solver::{MipOptions, NodeSelection, SolveOptions, Status, solve, solve_relaxation};
use lp_support::Rng;
use proptest::prelude::*;
use std::time::Duration;

/// What enumeration says about a model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Truth {
    Infeasible,
    Optimal(f64),
}

/// Integer assignments of the integer columns within their (finite,
/// small) bounds.
fn assignments(model: &Model) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; model.num_cols()]];
    for j in 0..model.num_cols() {
        if model.var_types()[j] != VarType::Integer {
            continue;
        }
        let (l, u) = (model.col_lower()[j].ceil(), model.col_upper()[j].floor());
        let mut next = Vec::new();
        for p in &out {
            let mut v = l;
            while v <= u {
                let mut q = p.clone();
                q[j] = v;
                next.push(q);
                v += 1.0;
            }
        }
        out = next;
    }
    out
}

/// The optimum by enumeration: every integer assignment, and for each the
/// LP over the continuous columns (none for pure integer programs: the
/// point is checked directly).
fn enumerate(model: &Model) -> Truth {
    let sign = if model.sense() == Sense::Maximize {
        -1.0
    } else {
        1.0
    };
    let pure = model.var_types().iter().all(|t| *t == VarType::Integer);
    let mut best: Option<f64> = None;
    for a in assignments(model) {
        let value = if pure {
            let act = model.row_activity(&a);
            let ok = (0..model.num_rows()).all(|i| {
                act[i] >= model.row_lower()[i] - 1e-9 && act[i] <= model.row_upper()[i] + 1e-9
            });
            ok.then(|| model.objective_value(&a))
        } else {
            let mut m = model.relaxation();
            for j in 0..model.num_cols() {
                if model.var_types()[j] == VarType::Integer {
                    let c = ColId(u32::try_from(j).expect("small"));
                    m.set_col_bounds(c, Some(a[j]), Some(a[j]))
                        .expect("in bounds");
                }
            }
            let s = solve_relaxation(&m, &SolveOptions::default()).expect("LP solves");
            (s.status == Status::Optimal).then(|| s.objective.expect("objective"))
        };
        if let Some(v) = value
            && best.is_none_or(|b| sign * v < sign * b)
        {
            best = Some(v);
        }
    }
    best.map_or(Truth::Infeasible, Truth::Optimal)
}

/// Solves and checks against `truth`; returns the solution's objective.
fn solve_and_compare(
    model: &Model,
    opts: &SolveOptions,
    truth: Truth,
) -> Result<(), TestCaseError> {
    let s = solve(model, opts).expect("solves");
    match truth {
        Truth::Infeasible => prop_assert_eq!(s.status, Status::Infeasible),
        Truth::Optimal(v) => {
            prop_assert_eq!(s.status, Status::Optimal, "expected optimum {}", v);
            let obj = s.objective.expect("objective");
            prop_assert!(close(obj, v, 1e-6), "objective {} vs enumerated {}", obj, v);
            assert_certified("random MIP", model, &s);
            for j in 0..model.num_cols() {
                if model.var_types()[j] == VarType::Integer {
                    prop_assert_eq!(s.x[j], s.x[j].round(), "x[{}] not exactly integral", j);
                }
            }
        }
    }
    Ok(())
}

/// A random model: `ni` integer columns in small boxes, `nc` continuous
/// columns in `[0, 5]`, rows of every kind with small integer (or
/// half-integer) data, either sense, an objective constant.
fn random_model(ni: usize, nc: usize) -> impl Strategy<Value = Model> {
    let ints = prop::collection::vec((-3i32..=1, 1i32..=3, -5i32..=5), ni);
    let conts = prop::collection::vec(-4i32..=4, nc);
    let n = ni + nc;
    let rows = prop::collection::vec(
        (
            prop::collection::vec(-4i32..=4, n),
            0u8..4,
            -6i32..=12,
            0i32..=6,
        ),
        1..5,
    );
    (ints, conts, rows, any::<bool>(), -3i32..=3).prop_map(move |(ints, conts, rows, max, c0)| {
        let mut b = ModelBuilder::new("random");
        if max {
            b.set_sense(Sense::Maximize);
        }
        b.set_objective_constant(f64::from(c0) * 0.5);
        let mut cols = Vec::new();
        for (j, &(lo, span, c)) in ints.iter().enumerate() {
            let l = f64::from(lo);
            cols.push(b.add_col(
                format!("y{j}"),
                f64::from(c),
                Some(l),
                Some(l + f64::from(span)),
                VarType::Integer,
            ));
        }
        for (j, &c) in conts.iter().enumerate() {
            cols.push(b.add_col(
                format!("x{j}"),
                f64::from(c) * 0.5,
                Some(0.0),
                Some(5.0),
                VarType::Continuous,
            ));
        }
        for (i, (coefs, kind, rhs, width)) in rows.iter().enumerate() {
            let entries: Vec<(ColId, f64)> = cols
                .iter()
                .zip(coefs)
                .filter(|&(_, &a)| a != 0)
                .map(|(&c, &a)| (c, f64::from(a)))
                .collect();
            let r = f64::from(*rhs) * 0.5;
            let (l, u) = match kind {
                0 => (None, Some(r)),
                1 => (Some(r), None),
                2 => (Some(r), Some(r)),
                _ => (Some(r), Some(r + f64::from(*width))),
            };
            b.add_row_with(format!("r{i}"), l, u, &entries);
        }
        b.build().expect("valid model")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn pure_integer_programs_match_enumeration(m in (2usize..=6).prop_flat_map(|ni| random_model(ni, 0))) {
        let truth = enumerate(&m);
        solve_and_compare(&m, &SolveOptions::default(), truth)?;
    }

    #[test]
    fn mixed_integer_programs_match_enumeration(m in (2usize..=4, 1usize..=3).prop_flat_map(|(ni, nc)| random_model(ni, nc))) {
        let truth = enumerate(&m);
        solve_and_compare(&m, &SolveOptions::default(), truth)?;
    }

    #[test]
    fn every_search_configuration_agrees(m in (3usize..=5, 0usize..=2).prop_flat_map(|(ni, nc)| random_model(ni, nc))) {
        let truth = enumerate(&m);
        let configs = [
            MipOptions::default().with_cuts(false),
            MipOptions::default().with_heuristics(false),
            MipOptions::default().with_presolve(false),
            MipOptions::default().with_reliability(0),
            MipOptions::default().with_node_selection(NodeSelection::BestBound),
            MipOptions::default().with_node_selection(NodeSelection::DepthFirst),
        ];
        for c in configs {
            solve_and_compare(&m, &SolveOptions::default().with_mip(c), truth)?;
        }
    }
}

/// Uniform in `0..n`.
fn below(rng: &mut Rng, n: usize) -> usize {
    usize::try_from(rng.below(n as u64)).expect("small")
}

/// A 0-1 knapsack `max Σ v x, Σ w x ≤ cap` and its optimum by dynamic
/// programming over the capacity.
fn knapsack(seed: u64, n: usize) -> (Model, f64) {
    let mut rng = Rng(seed);
    let w: Vec<usize> = (0..n).map(|_| 5 + below(&mut rng, 46)).collect();
    let v: Vec<usize> = (0..n).map(|k| w[k] + below(&mut rng, 20)).collect();
    let cap = w.iter().sum::<usize>() / 2;
    let mut best = vec![0usize; cap + 1];
    for k in 0..n {
        for c in (w[k]..=cap).rev() {
            best[c] = best[c].max(best[c - w[k]] + v[k]);
        }
    }
    let mut b = ModelBuilder::new("knapsack");
    b.set_sense(Sense::Maximize);
    let cols: Vec<ColId> = (0..n)
        .map(|k| {
            b.add_col(
                format!("x{k}"),
                v[k] as f64,
                Some(0.0),
                Some(1.0),
                VarType::Integer,
            )
        })
        .collect();
    let entries: Vec<(ColId, f64)> = cols
        .iter()
        .zip(&w)
        .map(|(&c, &wk)| (c, wk as f64))
        .collect();
    b.add_row_with("capacity", None, Some(cap as f64), &entries);
    (b.build().expect("valid"), best[cap] as f64)
}

#[test]
fn knapsacks_reach_the_dynamic_programming_optimum() {
    for seed in 0..12 {
        let n = 10 + 2 * usize::try_from(seed).expect("small");
        let (m, opt) = knapsack(seed, n);
        let s = solve(&m, &SolveOptions::default()).expect("solves");
        assert_eq!(s.status, Status::Optimal, "seed {seed}");
        assert!(
            close(s.objective.expect("objective"), opt, 1e-9),
            "seed {seed}: {:?} vs {opt}",
            s.objective
        );
        assert_certified("knapsack", &m, &s);
    }
}

/// An `n × n` assignment problem with binary `x_ij` and its optimum over
/// all permutations.
fn assignment(seed: u64, n: usize) -> (Model, f64) {
    let mut rng = Rng(seed);
    let cost: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..n).map(|_| (1 + below(&mut rng, 30)) as f64).collect())
        .collect();
    let mut b = ModelBuilder::new("assignment");
    let mut x = vec![vec![ColId(0); n]; n];
    for i in 0..n {
        for j in 0..n {
            x[i][j] = b.add_col(
                format!("x{i}_{j}"),
                cost[i][j],
                Some(0.0),
                Some(1.0),
                VarType::Integer,
            );
        }
    }
    for i in 0..n {
        let row: Vec<(ColId, f64)> = (0..n).map(|j| (x[i][j], 1.0)).collect();
        b.add_row_with(format!("worker{i}"), Some(1.0), Some(1.0), &row);
        let col: Vec<(ColId, f64)> = (0..n).map(|j| (x[j][i], 1.0)).collect();
        b.add_row_with(format!("task{i}"), Some(1.0), Some(1.0), &col);
    }
    // Brute force over permutations (Heap's algorithm).
    let mut perm: Vec<usize> = (0..n).collect();
    let eval = |p: &[usize]| -> f64 { (0..n).map(|i| cost[i][p[i]]).sum() };
    let mut best = eval(&perm);
    let mut c = vec![0usize; n];
    let mut i = 0;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                perm.swap(0, i);
            } else {
                perm.swap(c[i], i);
            }
            best = best.min(eval(&perm));
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    (b.build().expect("valid"), best)
}

#[test]
fn assignment_problems_reach_the_best_permutation() {
    for seed in 0..8 {
        let n = 3 + usize::try_from(seed % 5).expect("small");
        let (m, opt) = assignment(seed, n);
        let s = solve(&m, &SolveOptions::default()).expect("solves");
        assert_eq!(s.status, Status::Optimal);
        assert!(
            close(s.objective.expect("objective"), opt, 1e-9),
            "n = {n}: {:?} vs {opt}",
            s.objective
        );
        assert_certified("assignment", &m, &s);
    }
}

#[test]
fn an_integer_program_with_a_feasible_relaxation_can_be_infeasible() {
    // 2x + 2y = 1 has real solutions but no integer ones.
    let mut b = ModelBuilder::new("parity");
    let x = b.add_col("x", 1.0, Some(0.0), Some(10.0), VarType::Integer);
    let y = b.add_col("y", 1.0, Some(0.0), Some(10.0), VarType::Integer);
    b.add_row_with("odd", Some(1.0), Some(1.0), &[(x, 2.0), (y, 2.0)]);
    let m = b.build().expect("valid");
    assert_eq!(
        solve_relaxation(&m, &SolveOptions::default())
            .expect("LP")
            .status,
        Status::Optimal
    );
    let s = solve(&m, &SolveOptions::default()).expect("solves");
    assert_eq!(s.status, Status::Infeasible);
    assert!(s.x.is_empty() && s.objective.is_none());
    assert!(s.mip.is_some_and(|i| i.gap.is_none()));

    // Needs branching: 3 ≤ 2x + 4y ≤ 3 over a box, with a continuous column
    // that cannot help (it is fixed to 0 by its bounds' row).
    let mut b = ModelBuilder::new("branching parity");
    let x = b.add_col("x", -1.0, Some(0.0), Some(7.0), VarType::Integer);
    let y = b.add_col("y", -1.0, Some(0.0), Some(7.0), VarType::Integer);
    let z = b.add_col("z", 1.0, Some(0.0), Some(1.0), VarType::Continuous);
    b.add_row_with("odd", Some(3.0), Some(3.0), &[(x, 2.0), (y, 4.0), (z, 1.0)]);
    b.add_row_with("no z", None, Some(0.0), &[(z, 1.0)]);
    let m = b.build().expect("valid");
    assert_eq!(
        solve(&m, &SolveOptions::default()).expect("solves").status,
        Status::Infeasible
    );
}

#[test]
fn maximisation_with_an_objective_constant() {
    // max 5x + 4y + 3z + 10 s.t. 2x + 3y + z ≤ 5, 4x + y + 2z ≤ 11,
    // 3x + 4y + 2z ≤ 8, x, y, z ∈ {0..3}: by hand (x, y, z) = (2, 0, 1),
    // objective 13 + 10 = 23.
    let mut b = ModelBuilder::new("max");
    b.set_sense(Sense::Maximize);
    b.set_objective_constant(10.0);
    let x = b.add_col("x", 5.0, Some(0.0), Some(3.0), VarType::Integer);
    let y = b.add_col("y", 4.0, Some(0.0), Some(3.0), VarType::Integer);
    let z = b.add_col("z", 3.0, Some(0.0), Some(3.0), VarType::Integer);
    b.add_row_with("a", None, Some(5.0), &[(x, 2.0), (y, 3.0), (z, 1.0)]);
    b.add_row_with("b", None, Some(11.0), &[(x, 4.0), (y, 1.0), (z, 2.0)]);
    b.add_row_with("c", None, Some(8.0), &[(x, 3.0), (y, 4.0), (z, 2.0)]);
    let m = b.build().expect("valid");
    assert_eq!(enumerate(&m), Truth::Optimal(23.0));
    let s = solve(&m, &SolveOptions::default()).expect("solves");
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.x, vec![2.0, 0.0, 1.0]);
    assert_eq!(s.objective, Some(23.0));
    let info = s.mip.expect("MIP info");
    assert!(info.bound >= 23.0 - 1e-9 && info.gap.is_some_and(|g| g <= 1e-9));
    assert_certified("max", &m, &s);
    // The relaxation can only be better.
    let r = solve_relaxation(&m, &SolveOptions::default()).expect("LP");
    assert!(r.objective.expect("objective") >= 23.0 - 1e-9);
}

/// Found by the mixed-integer property test (CI, seed b00f39f7): min
/// −x₂/2 over `2y₀ − y₁ + y₂ + 2y₃ + 2x₁ + x₂ ≤ 3`,
/// `4y₀ + 4y₁ + y₃ + x₂ = 3.5`, y₀ ∈ [0, 1], y₁ ∈ [−3, −1], y₂ ∈ [−3, −2],
/// y₃ ∈ [−1, 0] integer, x ∈ [0, 5]. Hand-solved: x₂ ≤ 3.5 − 4y₀ − 4y₁ − y₃
/// and the first row with y₂ = −3 leave x₂ = 4.5 at (1, −1, −3, −1), so the
/// optimum is −2.25. Presolve used to keep the propagated bound of x₂ at
/// 4.5 + 6e-6, so the root LP (−2.250003) stayed below the optimum by more
/// than the default gap, and the search ended `feasible`, not `optimal`.
#[test]
fn propagated_continuous_bounds_leave_no_spurious_gap() {
    let mut b = ModelBuilder::new("propagated");
    let int = |b: &mut ModelBuilder, name: &str, l: f64, u: f64| {
        b.add_col(name, 0.0, Some(l), Some(u), VarType::Integer)
    };
    let y0 = int(&mut b, "y0", 0.0, 1.0);
    let y1 = int(&mut b, "y1", -3.0, -1.0);
    let y2 = int(&mut b, "y2", -3.0, -2.0);
    let y3 = int(&mut b, "y3", -1.0, 0.0);
    let x1 = b.add_col("x1", 0.0, Some(0.0), Some(5.0), VarType::Continuous);
    let x2 = b.add_col("x2", -0.5, Some(0.0), Some(5.0), VarType::Continuous);
    b.add_row_with(
        "r0",
        None,
        Some(3.0),
        &[
            (y0, 2.0),
            (y1, -1.0),
            (y2, 1.0),
            (y3, 2.0),
            (x1, 2.0),
            (x2, 1.0),
        ],
    );
    b.add_row_with(
        "r1",
        Some(3.5),
        Some(3.5),
        &[(y0, 4.0), (y1, 4.0), (y3, 1.0), (x2, 1.0)],
    );
    let m = b.build().expect("valid model");
    assert_eq!(enumerate(&m), Truth::Optimal(-2.25), "enumeration");
    for opts in [
        SolveOptions::default(),
        SolveOptions::default().with_mip(MipOptions::default().with_heuristics(false)),
    ] {
        let s = solve(&m, &opts).expect("solves");
        assert_eq!(
            s.status,
            Status::Optimal,
            "gap {:?}",
            s.mip.as_ref().map(|i| i.gap)
        );
        assert!(close(s.objective.expect("objective"), -2.25, 1e-9));
        assert_certified("propagated", &m, &s);
    }
}

#[test]
fn fractional_integer_bounds_round_inwards() {
    let mut b = ModelBuilder::new("bounds");
    let x = b.add_col("x", 1.0, Some(0.5), Some(2.7), VarType::Integer);
    let y = b.add_col("y", -1.0, Some(-1.5), Some(2.7), VarType::Integer);
    b.add_row_with("r", None, Some(10.0), &[(x, 1.0), (y, 1.0)]);
    let m = b.build().expect("valid");
    let s = solve(&m, &SolveOptions::default()).expect("solves");
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.x, vec![1.0, 2.0]);
    assert_certified("bounds", &m, &s);
}

#[test]
fn an_unbounded_relaxation_is_reported() {
    let mut b = ModelBuilder::new("unbounded");
    let x = b.add_col("x", -1.0, Some(0.0), None, VarType::Integer);
    let y = b.add_col("y", 0.0, Some(0.0), Some(3.0), VarType::Integer);
    b.add_row_with("r", Some(1.0), None, &[(x, 1.0), (y, 1.0)]);
    let m = b.build().expect("valid");
    assert_eq!(
        solve(&m, &SolveOptions::default()).expect("solves").status,
        Status::Unbounded
    );
}

/// A market-split instance (Cornuéjols–Dawande): hard for branch-and-bound,
/// so limits stop it early.
fn market_split(seed: u64, rows: usize, cols: usize) -> Model {
    let mut rng = Rng(seed);
    let mut b = ModelBuilder::new("market split");
    let x: Vec<ColId> = (0..cols)
        .map(|j| b.add_col(format!("x{j}"), 0.0, Some(0.0), Some(1.0), VarType::Integer))
        .collect();
    let mut obj_cols = Vec::new();
    for i in 0..rows {
        let a: Vec<f64> = (0..cols).map(|_| below(&mut rng, 100) as f64).collect();
        let rhs = (a.iter().sum::<f64>() / 2.0).floor();
        let s = b.add_col(format!("s{i}+"), 1.0, Some(0.0), None, VarType::Continuous);
        let t = b.add_col(format!("s{i}-"), 1.0, Some(0.0), None, VarType::Continuous);
        obj_cols.push((s, t));
        let mut e: Vec<(ColId, f64)> = x.iter().zip(&a).map(|(&c, &v)| (c, v)).collect();
        e.push((s, 1.0));
        e.push((t, -1.0));
        b.add_row_with(format!("m{i}"), Some(rhs), Some(rhs), &e);
    }
    b.build().expect("valid")
}

#[test]
fn the_node_limit_stops_with_an_honest_bound() {
    let m = market_split(3, 3, 20);
    let opts = SolveOptions::default().with_node_limit(Some(20));
    let s = solve(&m, &opts).expect("solves");
    let info = s.mip.expect("MIP info");
    assert!(info.nodes <= 21, "{} nodes", info.nodes);
    eprintln!("node limit: {} {:?} {:?}", s.status, s.objective, info);
    match s.status {
        Status::Feasible => {
            let obj = s.objective.expect("objective");
            // Minimisation: the proven bound is below the incumbent and the
            // gap is what the two say.
            assert!(info.bound <= obj + 1e-9);
            let gap = info.gap.expect("gap");
            assert!(close(
                gap,
                (obj - info.bound).abs() / obj.abs().max(1.0),
                1e-12
            ));
            assert_certified("node limit", &m, &s);
        }
        Status::NodeLimit => assert!(s.x.is_empty()),
        Status::Optimal => {
            assert_certified("node limit", &m, &s);
        }
        other => panic!("unexpected status {other}"),
    }
    // The bound is a true lower bound: the full solve never goes below it.
    let full = solve(
        &m,
        &SolveOptions::default().with_time_limit(Some(Duration::from_secs(60))),
    )
    .expect("solves");
    if let Some(obj) = full.objective
        && full.status == Status::Optimal
    {
        assert!(info.bound <= obj + 1e-9);
    }
}

#[test]
fn the_time_limit_stops_with_an_honest_bound() {
    let m = market_split(5, 5, 40);
    let opts = SolveOptions::default().with_time_limit(Some(Duration::from_millis(300)));
    let s = solve(&m, &opts).expect("solves");
    let info = s.mip.expect("MIP info");
    eprintln!("time limit: {} {:?} {:?}", s.status, s.objective, info);
    match s.status {
        Status::Feasible => {
            assert!(info.bound <= s.objective.expect("objective") + 1e-9);
            assert!(info.bound >= 0.0 - 1e-9 || info.bound == f64::NEG_INFINITY);
            assert_certified("time limit", &m, &s);
        }
        Status::TimeLimit => assert!(s.x.is_empty() && info.gap.is_none()),
        Status::Optimal => {
            assert_certified("time limit", &m, &s);
        }
        other => panic!("unexpected status {other}"),
    }
    assert!(s.solve_time < Duration::from_secs(5));
}

#[test]
fn the_gap_limit_stops_early_and_says_so() {
    let (m, opt) = knapsack(77, 40);
    let opts = SolveOptions::default().with_relative_gap(0.5);
    let s = solve(&m, &opts).expect("solves");
    assert_eq!(s.status, Status::Optimal);
    let obj = s.objective.expect("objective");
    let info = s.mip.expect("MIP info");
    // Maximisation: bound ≥ optimum ≥ incumbent, gap within the option.
    assert!(info.bound >= opt - 1e-9 && obj <= opt + 1e-9);
    assert!(info.gap.is_some_and(|g| g <= 0.5));
    assert!(close(
        info.gap.expect("gap"),
        (info.bound - obj) / obj,
        1e-12
    ));
    assert_certified_with_gap(&m, &s, 0.5);
}

fn assert_certified_with_gap(m: &Model, s: &fleetplan::solver::Solution, gap: f64) {
    let tol = fleetplan::solver::certificate::CheckTolerances::default().with_mip_gap(gap);
    common::assert_certified_with("gap limit", m, s, &tol);
}

#[test]
fn the_same_input_gives_the_same_answer() {
    let (m, _) = knapsack(9, 35);
    let a = solve(&m, &SolveOptions::default()).expect("solves");
    let b = solve(&m, &SolveOptions::default()).expect("solves");
    assert_eq!(a.x, b.x);
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.mip.map(|i| i.nodes), b.mip.map(|i| i.nodes));
    let m = market_split(1, 3, 18);
    let opts = SolveOptions::default().with_node_limit(Some(300));
    let a = solve(&m, &opts).expect("solves");
    let b = solve(&m, &opts).expect("solves");
    assert_eq!(a.x, b.x);
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.mip, b.mip);
}

/// A feasible point of [`market_split`]: the binaries as given, each
/// row's slack pair balancing it.
fn market_split_point(m: &Model, ones: &[usize]) -> Vec<f64> {
    let mut x = vec![0.0; m.num_cols()];
    for &j in ones {
        x[j] = 1.0;
    }
    let act = m.row_activity(&x);
    for (i, &a) in act.iter().enumerate() {
        let rhs = m.row_lower()[i];
        // Columns x0.., then (s+, s−) per row, in the order built.
        let s = m
            .col_names()
            .iter()
            .position(|c| *c == format!("s{i}+"))
            .expect("slack");
        if a < rhs {
            x[s] = rhs - a;
        } else {
            x[s + 1] = a - rhs;
        }
    }
    x
}

#[test]
fn a_start_is_the_first_incumbent_and_passes_the_check() {
    let m = market_split(3, 3, 20);
    let start = market_split_point(&m, &[0, 3, 4, 9, 15]);
    let start_obj = m.objective_value(&start);
    // Without heuristics and with one node, nothing but the start (or an
    // integral node LP) can be the incumbent.
    let bare = SolveOptions::default()
        .with_node_limit(Some(1))
        .with_mip(MipOptions::default().with_heuristics(false));
    let without = solve(&m, &bare).expect("solves");
    let with = solve(
        &m,
        &bare.clone().with_mip(
            MipOptions::default()
                .with_heuristics(false)
                .with_start(start.clone()),
        ),
    )
    .expect("solves");
    eprintln!(
        "start {start_obj}: without {} {:?}, with {} {:?}",
        without.status, without.objective, with.status, with.objective
    );
    assert!(matches!(with.status, Status::Feasible | Status::Optimal));
    let obj = with.objective.expect("a start is a solution");
    assert!(
        obj <= start_obj + 1e-9,
        "{obj} is worse than the start {start_obj}"
    );
    let info = with.mip.expect("MIP info");
    assert!(info.bound <= obj + 1e-9);
    let tol = fleetplan::solver::certificate::CheckTolerances::default().with_mip_gap(1.0);
    common::assert_certified_with("start", &m, &with, &tol);
    // The start never changes what is optimal: the full solve from it
    // reaches the full solve's optimum.
    let full = solve(&m, &SolveOptions::default()).expect("solves");
    let from = solve(
        &m,
        &SolveOptions::default().with_mip(MipOptions::default().with_start(start)),
    )
    .expect("solves");
    assert_eq!(full.status, Status::Optimal);
    assert_eq!(from.status, Status::Optimal);
    assert!(close(
        full.objective.expect("objective"),
        from.objective.expect("objective"),
        1e-9
    ));
    assert_certified("from a start", &m, &from);
}

#[test]
fn an_infeasible_start_is_ignored() {
    let (m, opt) = knapsack(4, 16);
    // Every item taken: over the capacity.
    let start = vec![1.0; m.num_cols()];
    let s = solve(
        &m,
        &SolveOptions::default().with_mip(MipOptions::default().with_start(start)),
    )
    .expect("an infeasible start is not an error");
    assert_eq!(s.status, Status::Optimal);
    assert!(close(s.objective.expect("objective"), opt, 1e-9));
    assert_certified("infeasible start", &m, &s);
    // Fractional values are rounded: a start of 0.4 everywhere is the
    // empty knapsack, feasible, and the search improves on it.
    let s = solve(
        &m,
        &SolveOptions::default()
            .with_mip(MipOptions::default().with_start(vec![0.4; m.num_cols()])),
    )
    .expect("solves");
    assert!(close(s.objective.expect("objective"), opt, 1e-9));
}

#[test]
fn a_start_of_the_wrong_length_or_not_finite_is_an_options_error() {
    let (m, _) = knapsack(4, 16);
    for start in [vec![0.0; 3], {
        let mut v = vec![0.0; m.num_cols()];
        v[2] = f64::NAN;
        v
    }] {
        let e = solve(
            &m,
            &SolveOptions::default().with_mip(MipOptions::default().with_start(start)),
        )
        .expect_err("a bad start is refused");
        assert_eq!(e.kind(), fleetplan::ErrorKind::Options, "{e}");
        assert!(e.to_string().contains("mip.start"), "{e}");
    }
}
