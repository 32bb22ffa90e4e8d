//! Self-contained LP tests: hand-solved cases, degenerate and cycling-prone
//! LPs, free/fixed/ranged/empty pieces, infeasible and unbounded LPs, and
//! LPs optimal by construction, each solved by both simplex methods and
//! checked independently.

mod common;
mod lp_support;

use fleetplan::ErrorKind;
use fleetplan::model::{Model, ModelBuilder, Sense, VarType};
use fleetplan::solver::{
    Algorithm, BasisStatus, Certificate, Solution, SolveOptions, Status, solve, solve_relaxation,
};
use lp_support::{assert_optimal, check, constructed};

const C: VarType = VarType::Continuous;

/// Solves with both methods (and without scaling), checks each, returns the
/// dual simplex's solution.
fn solve_all(model: &Model) -> Solution {
    let mut first = None;
    for opts in [
        SolveOptions::default(),
        SolveOptions::default().with_algorithm(Algorithm::PrimalSimplex),
        SolveOptions::default().with_scaling(false),
    ] {
        let s = solve(model, &opts).expect("solves");
        check(model, &s);
        if let Some(f) = &first {
            let f: &Solution = f;
            assert_eq!(f.status, s.status, "{}: methods disagree", model.name());
            if let (Some(a), Some(b)) = (f.objective, s.objective)
                && f.status == Status::Optimal
            {
                assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()));
            }
        } else {
            first = Some(s);
        }
    }
    first.expect("three solves")
}

#[test]
fn wyndor_glass_maximisation_with_duals() {
    // Hillier & Lieberman's Wyndor Glass: max 3x + 5y, x <= 4, 2y <= 12,
    // 3x + 2y <= 18; optimum 36 at (2, 6) with shadow prices (0, 1.5, 1).
    let mut b = ModelBuilder::new("wyndor");
    b.set_sense(Sense::Maximize);
    let x = b.add_col("x", 3.0, Some(0.0), None, C);
    let y = b.add_col("y", 5.0, Some(0.0), None, C);
    b.add_row_with("plant1", None, Some(4.0), &[(x, 1.0)]);
    b.add_row_with("plant2", None, Some(12.0), &[(y, 2.0)]);
    b.add_row_with("plant3", None, Some(18.0), &[(x, 3.0), (y, 2.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, 36.0);
    assert!((s.x[0] - 2.0).abs() < 1e-9 && (s.x[1] - 6.0).abs() < 1e-9);
    for (got, want) in s.row_dual.iter().zip([0.0, 1.5, 1.0]) {
        assert!((got - want).abs() < 1e-9, "duals {:?}", s.row_dual);
    }
    let basis = s.basis.unwrap();
    assert_eq!(basis.row_status[0], BasisStatus::Basic);
    assert_eq!(basis.row_status[2], BasisStatus::AtUpper);
}

#[test]
fn beale_cycling_example() {
    // Beale (1955): cycles under Dantzig's rule without anti-cycling.
    // min -3/4 x4 + 20 x5 - 1/2 x6 + 6 x7, optimum -5/4 at x4 = x6 = 1.
    let mut b = ModelBuilder::new("beale");
    let x4 = b.add_col("x4", -0.75, Some(0.0), None, C);
    let x5 = b.add_col("x5", 20.0, Some(0.0), None, C);
    let x6 = b.add_col("x6", -0.5, Some(0.0), None, C);
    let x7 = b.add_col("x7", 6.0, Some(0.0), None, C);
    b.add_row_with(
        "r1",
        None,
        Some(0.0),
        &[(x4, 0.25), (x5, -8.0), (x6, -1.0), (x7, 9.0)],
    );
    b.add_row_with(
        "r2",
        None,
        Some(0.0),
        &[(x4, 0.5), (x5, -12.0), (x6, -0.5), (x7, 3.0)],
    );
    b.add_row_with("r3", None, Some(1.0), &[(x6, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, -1.25);
}

#[test]
fn kuhn_cycling_example_and_degenerate_vertex() {
    // Kuhn's example (as in Bland 1977): every vertex on the way is
    // degenerate. max 2x1 + 3x2 - x3 - 12x4 s.t.
    // -2x1 - 9x2 + x3 + 9x4 <= 0, x1/3 + x2 - x3/3 - 2x4 <= 0,
    // 2x1 + 3x2 - x3 - 12x4 <= 2; optimum 2.
    let mut b = ModelBuilder::new("kuhn");
    b.set_sense(Sense::Maximize);
    let x: Vec<_> = [2.0, 3.0, -1.0, -12.0]
        .iter()
        .enumerate()
        .map(|(k, &c)| b.add_col(format!("x{k}"), c, Some(0.0), None, C))
        .collect();
    let rows = [
        ([-2.0, -9.0, 1.0, 9.0], 0.0),
        ([1.0 / 3.0, 1.0, -1.0 / 3.0, -2.0], 0.0),
        ([2.0, 3.0, -1.0, -12.0], 2.0),
    ];
    for (k, (a, rhs)) in rows.iter().enumerate() {
        let e: Vec<_> = x.iter().zip(a).map(|(&c, &v)| (c, v)).collect();
        b.add_row_with(format!("r{k}"), None, Some(*rhs), &e);
    }
    let m = b.build().unwrap();
    assert_optimal(&m, &solve_all(&m), 2.0);
}

#[test]
fn assignment_is_degenerate_and_matches_brute_force() {
    // A 6x6 assignment LP (massively degenerate; integral vertices): its
    // optimum equals the best of the 720 permutations.
    let n = 6;
    let mut rng = lp_support::Rng(7);
    let cost: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..n).map(|_| (rng.below(20) + 1) as f64).collect())
        .collect();
    let mut b = ModelBuilder::new("assign6");
    let mut var = vec![vec![]; n];
    for (i, row) in cost.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            var[i].push(b.add_col(format!("x{i}_{j}"), c, Some(0.0), None, C));
            let _ = j;
        }
    }
    for (i, row) in var.iter().enumerate() {
        let e: Vec<_> = row.iter().map(|&v| (v, 1.0)).collect();
        b.add_row_with(format!("worker{i}"), Some(1.0), Some(1.0), &e);
        let e: Vec<_> = (0..n).map(|j| (var[j][i], 1.0)).collect();
        b.add_row_with(format!("job{i}"), Some(1.0), Some(1.0), &e);
    }
    let m = b.build().unwrap();
    let mut best = f64::INFINITY;
    let mut perm: Vec<usize> = (0..n).collect();
    permutations(&mut perm, 0, &mut |p| {
        best = best.min(p.iter().enumerate().map(|(i, &j)| cost[i][j]).sum());
    });
    assert_optimal(&m, &solve_all(&m), best);
}

fn permutations(p: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
    if k == p.len() {
        f(p);
        return;
    }
    for i in k..p.len() {
        p.swap(k, i);
        permutations(p, k + 1, f);
        p.swap(k, i);
    }
}

#[test]
fn free_and_fixed_variables() {
    // min x + y + 0 z, x free, y fixed at 2, z free with a zero cost;
    // x + y >= 5, x - z = 1 -> x = 3, z = 2, objective 5.
    let mut b = ModelBuilder::new("free-fixed");
    let x = b.add_col("x", 1.0, None, None, C);
    let y = b.add_col("y", 1.0, Some(2.0), Some(2.0), C);
    let z = b.add_col("z", 0.0, None, None, C);
    b.add_row_with("cover", Some(5.0), None, &[(x, 1.0), (y, 1.0)]);
    b.add_row_with("link", Some(1.0), Some(1.0), &[(x, 1.0), (z, -1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, 5.0);
    assert!((s.x[0] - 3.0).abs() < 1e-9 && (s.x[2] - 2.0).abs() < 1e-9);
    // The fixed column's reduced cost is its marginal value: 1 - 1 = 0 here
    // (cover's dual is 1).
    assert!((s.row_dual[0] - 1.0).abs() < 1e-9);
}

#[test]
fn ranged_rows_bind_at_either_end() {
    // min -x - 2y, 1 <= x + y <= 3, x, y in [0, 2]: y = 2, x = 1, -5;
    // the range binds at its upper end with dual -1.
    let mut b = ModelBuilder::new("ranged");
    let x = b.add_col("x", -1.0, Some(0.0), Some(2.0), C);
    let y = b.add_col("y", -2.0, Some(0.0), Some(2.0), C);
    b.add_row_with("range", Some(1.0), Some(3.0), &[(x, 1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, -5.0);
    assert!((s.row_dual[0] + 1.0).abs() < 1e-9);
    // Reversed costs: both want to be small, the range binds below.
    let mut b = ModelBuilder::new("ranged-low");
    let x = b.add_col("x", 1.0, Some(0.0), Some(2.0), C);
    let y = b.add_col("y", 2.0, Some(0.0), Some(2.0), C);
    b.add_row_with("range", Some(1.0), Some(3.0), &[(x, 1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, 1.0);
    assert!((s.row_dual[0] - 1.0).abs() < 1e-9);
}

#[test]
fn empty_rows_and_columns() {
    // An empty row with bounds containing 0 is harmless; an empty column
    // sits at the bound its cost prefers.
    let mut b = ModelBuilder::new("empties");
    let x = b.add_col("x", 1.0, Some(1.0), Some(4.0), C);
    b.add_col("lonely_cheap", -2.0, Some(0.0), Some(5.0), C);
    b.add_col("lonely_free_zero", 0.0, None, None, C);
    b.add_row("empty", Some(-1.0), Some(1.0));
    b.add_row_with("r", Some(2.0), None, &[(x, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, 2.0 - 10.0);
    assert!((s.x[1] - 5.0).abs() < 1e-12);

    // An empty row whose bounds exclude 0 is infeasible.
    let mut b = ModelBuilder::new("empty-infeasible");
    b.add_col("x", 1.0, Some(0.0), None, C);
    b.add_row("empty", Some(1.0), Some(2.0));
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_eq!(s.status, Status::Infeasible);

    // An empty column with a cost that pays to grow is unbounded.
    let mut b = ModelBuilder::new("empty-unbounded");
    b.add_col("x", -1.0, Some(0.0), None, C);
    let y = b.add_col("y", 1.0, Some(0.0), None, C);
    b.add_row_with("r", Some(1.0), None, &[(y, 1.0)]);
    let m = b.build().unwrap();
    assert_eq!(solve_all(&m).status, Status::Unbounded);
}

#[test]
fn no_rows_at_all() {
    let mut b = ModelBuilder::new("no-rows");
    b.add_col("x", 2.0, Some(-1.0), Some(3.0), C);
    b.add_col("y", -1.0, Some(-1.0), Some(3.0), C);
    let m = b.build().unwrap();
    assert_optimal(&m, &solve_all(&m), -2.0 - 3.0);
}

#[test]
fn infeasible_lps_carry_checked_farkas_certificates() {
    // x + y >= 3 with x, y in [0, 1].
    let mut b = ModelBuilder::new("infeasible-box");
    let x = b.add_col("x", 1.0, Some(0.0), Some(1.0), C);
    let y = b.add_col("y", 1.0, Some(0.0), Some(1.0), C);
    b.add_row_with("cover", Some(3.0), None, &[(x, 1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_eq!(s.status, Status::Infeasible);
    assert!(matches!(s.certificate, Some(Certificate::Farkas(_))));

    // x - y >= 1, y - x >= 1 with free variables (no bound helps).
    let mut b = ModelBuilder::new("infeasible-free");
    let x = b.add_col("x", 0.0, None, None, C);
    let y = b.add_col("y", 1.0, None, None, C);
    b.add_row_with("a", Some(1.0), None, &[(x, 1.0), (y, -1.0)]);
    b.add_row_with("b", Some(1.0), None, &[(x, -1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    assert_eq!(solve_all(&m).status, Status::Infeasible);

    // Infeasible and, were it feasible, unbounded: still infeasible.
    let mut b = ModelBuilder::new("infeasible-and-dual-infeasible");
    let x = b.add_col("x", -1.0, Some(0.0), None, C);
    let y = b.add_col("y", 0.0, Some(0.0), Some(1.0), C);
    b.add_row_with("a", Some(2.0), None, &[(y, 1.0)]);
    b.add_row_with("b", Some(0.0), None, &[(x, 1.0)]);
    let m = b.build().unwrap();
    assert_eq!(solve_all(&m).status, Status::Infeasible);
}

#[test]
fn unbounded_lps_carry_checked_rays() {
    // min -x - y, x - y <= 1, x, y >= 0.
    let mut b = ModelBuilder::new("unbounded");
    let x = b.add_col("x", -1.0, Some(0.0), None, C);
    let y = b.add_col("y", -1.0, Some(0.0), None, C);
    b.add_row_with("r", None, Some(1.0), &[(x, 1.0), (y, -1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_eq!(s.status, Status::Unbounded);
    assert!(matches!(s.certificate, Some(Certificate::Ray(_))));

    // Maximisation with a free column.
    let mut b = ModelBuilder::new("unbounded-max");
    b.set_sense(Sense::Maximize);
    let x = b.add_col("x", 1.0, None, None, C);
    let y = b.add_col("y", 0.0, Some(0.0), Some(1.0), C);
    b.add_row_with("r", Some(-5.0), None, &[(x, 1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    assert_eq!(solve_all(&m).status, Status::Unbounded);
}

#[test]
fn objective_constant_and_maximisation_signs() {
    // max 2x + 3y + 10, x + y <= 4, x <= 3, y <= 2 (bounds): y = 2, x = 2;
    // 4 + 6 + 10 = 20. Row dual (max convention): +2.
    let mut b = ModelBuilder::new("max-constant");
    b.set_sense(Sense::Maximize).set_objective_constant(10.0);
    let x = b.add_col("x", 2.0, Some(0.0), Some(3.0), C);
    let y = b.add_col("y", 3.0, Some(0.0), Some(2.0), C);
    b.add_row_with("cap", None, Some(4.0), &[(x, 1.0), (y, 1.0)]);
    let m = b.build().unwrap();
    let s = solve_all(&m);
    assert_optimal(&m, &s, 20.0);
    assert!((s.row_dual[0] - 2.0).abs() < 1e-9);
    // y sits at its upper bound with reduced cost 3 - 2 = 1 > 0 (max: the
    // sign flips relative to a minimisation).
    assert!((s.reduced_cost[1] - 1.0).abs() < 1e-9);
    assert_eq!(s.basis.unwrap().col_status[1], BasisStatus::AtUpper);
}

#[test]
fn optimal_by_construction_small_and_medium() {
    for seed in 0..40 {
        let (m, n) = (3 + (seed as usize % 7) * 4, 4 + (seed as usize % 5) * 7);
        let (model, opt) = constructed(1000 + seed, m, n);
        let s = solve_all(&model);
        assert_optimal(&model, &s, opt);
    }
    for seed in 0..4 {
        let (model, opt) = constructed(77 + seed, 120, 200);
        assert_optimal(&model, &solve_all(&model), opt);
    }
}

#[test]
fn iteration_limit_reports_the_last_point() {
    let (model, _) = constructed(5, 60, 90);
    let s = solve(
        &model,
        &SolveOptions::default().with_iteration_limit(Some(3)),
    )
    .unwrap();
    assert_eq!(s.status, Status::IterationLimit);
    assert!(s.iterations <= 3);
    check(&model, &s);
    let s = solve(
        &model,
        &SolveOptions::default().with_iteration_limit(Some(0)),
    )
    .unwrap();
    assert_eq!(s.status, Status::IterationLimit);
}

#[test]
fn time_limit_reports_the_last_point() {
    let (model, _) = constructed(6, 60, 90);
    let opts = SolveOptions::default().with_time_limit(Some(std::time::Duration::ZERO));
    let s = solve(&model, &opts).unwrap();
    assert_eq!(s.status, Status::TimeLimit);
    assert_eq!(s.x.len(), model.num_cols());
    check(&model, &s);
}

#[test]
fn integer_models_solve_by_branch_and_bound_and_relax_on_request() {
    let mut b = ModelBuilder::new("mip");
    let x = b.add_col("x", -1.0, Some(0.0), Some(10.0), VarType::Integer);
    b.add_row_with("r", None, Some(2.5), &[(x, 1.0)]);
    let m = b.build().unwrap();
    let s = solve(&m, &SolveOptions::default()).unwrap();
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.x, vec![2.0]);
    assert_eq!(s.objective, Some(-2.0));
    let s = solve_relaxation(&m, &SolveOptions::default()).unwrap();
    assert_optimal(&m.relaxation(), &s, -2.5);
}

#[test]
fn bad_options_are_rejected() {
    let m = ModelBuilder::new("empty").build().unwrap();
    let opts = SolveOptions::default().with_relative_gap(2.0);
    assert_eq!(solve(&m, &opts).unwrap_err().kind(), ErrorKind::Options);
    let s = solve(&m, &SolveOptions::default()).unwrap();
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.objective, Some(0.0));
}

#[test]
fn same_input_same_path() {
    let (model, _) = constructed(99, 80, 130);
    let a = solve(&model, &SolveOptions::default()).unwrap();
    let b = solve(&model, &SolveOptions::default()).unwrap();
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.x, b.x);
    assert_eq!(a.row_dual, b.row_dual);
    assert_eq!(a.basis, b.basis);
}
