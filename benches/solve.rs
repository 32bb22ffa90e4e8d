//! `cargo bench --bench solve`: cold LP solves of a few Netlib instances
//! (read from `FLEETPLAN_LP_SUITE`; skipped when it is unset) and of
//! planner-family instances generated here (sizes in the names), and warm
//! re-solves after a budget change.

use criterion::{Criterion, criterion_group, criterion_main};
use fleetplan::model::RowId;
use fleetplan::model::mps::{MpsFormat, read_mps_file};
use fleetplan::solver::{LpSolver, SolveOptions, solve};
use std::hint::black_box;

#[path = "../tests/lp_support/assign.rs"]
mod assign;

fn netlib(c: &mut Criterion) {
    let Some(suite) = std::env::var_os("FLEETPLAN_LP_SUITE").filter(|s| !s.is_empty()) else {
        eprintln!("skipped: FLEETPLAN_LP_SUITE is not set");
        return;
    };
    let dir = std::path::Path::new(&suite).join("netlib");
    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for name in ["afiro", "sc205", "scfxm1", "ship04s", "degen2", "25fv47"] {
        let model = read_mps_file(&dir.join(format!("{name}.mps")), MpsFormat::Auto)
            .expect("the suite's files parse");
        let label = format!("netlib {name} {}x{}", model.num_rows(), model.num_cols());
        g.bench_function(label, |b| {
            b.iter(|| solve(black_box(&model), &SolveOptions::default()).expect("solves"));
        });
    }
    g.finish();
}

fn planner_family(c: &mut Criterion) {
    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for (p, k) in [(8, 12), (100, 100), (300, 300)] {
        let model = assign::assign_model(p, k);
        g.bench_function(format!("assign {p}x{k} cold"), |b| {
            b.iter(|| solve(black_box(&model), &SolveOptions::default()).expect("solves"));
        });
        // Warm: tighten the budget by 1% of its optimal use and re-solve.
        let budget = RowId(u32::try_from(model.num_rows() - 2).expect("fits"));
        let mut lp = LpSolver::new(model.clone(), SolveOptions::default()).expect("builds");
        let spend = lp.solve().expect("solves").row_activity[budget.index()];
        g.bench_function(format!("assign {p}x{k} warm budget re-solve"), |b| {
            let mut flip = false;
            b.iter(|| {
                flip = !flip;
                let f = if flip { 0.99 } else { 1.0 };
                lp.set_row_bounds(budget, None, Some(spend * f))
                    .expect("valid");
                lp.solve().expect("solves")
            });
        });
    }
    g.finish();
}

criterion_group!(benches, netlib, planner_family);
criterion_main!(benches);
