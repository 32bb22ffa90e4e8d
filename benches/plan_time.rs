//! Time-phased planning at scale (issue 14): the seeded time-phased
//! scenarios of `tests/common/timegen.rs` (monthly periods × pools ×
//! phases), compiled and solved.
//!
//! ```sh
//! # criterion: compile and plan 12×50×20; compile and LP-solve 24×500×100
//! cargo bench --bench plan_time
//! # write scenarios as TOML (default 24x500x100 under target/compare/)
//! cargo bench --bench plan_time -- write [DIR [PxKxF[c]...]]   # c: cash capex
//! # one scenario: compile, solve (LP, or MILP with `whole GAP LIMIT_S`),
//! # certificate; one JSON line of figures (sizes, times, iterations)
//! cargo bench --bench plan_time -- profile FILE.toml [whole GAP LIMIT_S]
//! ```
//!
//! `benches/plan_time_scale.py` runs `profile`, `fleetplan plan`,
//! `fleetplan export --mps` and HiGHS on the exported model in fresh
//! processes and prints the scale table of BENCHMARKS.md.

#[path = "../tests/common/timegen.rs"]
mod timegen;

use criterion::Criterion;
use fleetplan::perf::PerfModel;
use fleetplan::plan::{ColKind, CompileOptions, PlanOptions, RowKind, compile, plan};
use fleetplan::scenario::{Scenario, ValidatedScenario};
use fleetplan::solver::certificate::{CheckTolerances, check};
use fleetplan::solver::{LpSolver, SolveOptions, Status};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use timegen::TimeGen;

fn scenario(g: &TimeGen) -> ValidatedScenario {
    let text = g.toml();
    Scenario::from_toml_str(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .validate()
        .unwrap_or_else(|r| panic!("{r}"))
}

fn frac() -> CompileOptions {
    CompileOptions {
        fractional: true,
        ..CompileOptions::default()
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("plan_time");
    g.sample_size(10);
    let small = scenario(&TimeGen::new(12, 50, 20, 1));
    g.bench_function("compile timeline 12x50x20", |b| {
        b.iter(|| {
            let perf = PerfModel::new(&small);
            black_box(compile(&small, &perf, &frac()).expect("compiles"))
        });
    });
    g.bench_function("plan timeline 12x50x20 fractional", |b| {
        b.iter(|| {
            let p = plan(&small, &PlanOptions::default().with_fractional(true)).expect("plans");
            assert!(p.verified, "{}", p.verification);
            black_box(p)
        });
    });
    g.measurement_time(Duration::from_secs(60));
    let big = scenario(&TimeGen::new(24, 500, 100, 1));
    g.bench_function("compile timeline 24x500x100", |b| {
        b.iter(|| {
            let perf = PerfModel::new(&big);
            black_box(compile(&big, &perf, &frac()).expect("compiles"))
        });
    });
    let perf = PerfModel::new(&big);
    let m = compile(&big, &perf, &frac())
        .expect("compiles")
        .into_model();
    g.bench_function("solve timeline 24x500x100 LP", |b| {
        b.iter(|| {
            let s = fleetplan::solver::solve(&m, &SolveOptions::default()).expect("solves");
            assert_eq!(s.status, Status::Optimal);
            black_box(s)
        });
    });
    g.finish();
}

/// `write [DIR [PxKxF[c]...]]`.
fn write(args: &[String]) {
    let dir = args
        .first()
        .map_or_else(|| PathBuf::from("target/compare"), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("creates the folder");
    let mut sizes: Vec<(TimeGen, bool)> = args
        .iter()
        .skip(1)
        .filter_map(|a| {
            let cash = a.ends_with('c');
            let mut it = a.trim_end_matches('c').split('x');
            let g = TimeGen::new(
                it.next()?.parse().ok()?,
                it.next()?.parse().ok()?,
                it.next()?.parse().ok()?,
                1,
            );
            Some((g, cash))
        })
        .collect();
    if sizes.is_empty() {
        sizes.push((TimeGen::new(24, 500, 100, 1), false));
    }
    for (g, cash) in sizes {
        let g = if cash { g.cash() } else { g };
        let path = dir.join(format!(
            "timeline_{}x{}x{}{}.toml",
            g.periods,
            g.pools,
            g.phases,
            if cash { "c" } else { "" }
        ));
        std::fs::write(&path, g.toml()).expect("writes");
        println!("{}", path.display());
    }
}

/// `profile FILE [whole GAP LIMIT_S]`: one JSON line.
fn profile(args: &[String]) {
    let file = args.first().expect("a scenario file");
    let whole = args.get(1).map(String::as_str) == Some("whole");
    let gap: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1e-4);
    let limit: f64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(600.0);
    let t = Instant::now();
    let text = std::fs::read_to_string(file).expect("reads");
    let vs = Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .unwrap_or_else(|r| panic!("{r}"));
    let validate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let perf = PerfModel::new(&vs);
    let copts = CompileOptions {
        fractional: !whole,
        ..CompileOptions::default()
    };
    let c = compile(&vs, &perf, &copts).expect("compiles");
    let compile_s = t.elapsed().as_secs_f64();
    let count = |f: &dyn Fn(&ColKind) -> bool| c.cols().iter().filter(|x| f(&x.kind)).count();
    let rcount = |f: &dyn Fn(&RowKind) -> bool| c.rows().iter().filter(|x| f(&x.kind)).count();
    let train = count(&|k| matches!(k, ColKind::Train { .. }));
    let serve = count(&|k| matches!(k, ColKind::Serve { .. }));
    let buy = count(&|k| matches!(k, ColKind::Buy { .. }));
    let cap_rows = rcount(&|k| matches!(k, RowKind::Capacity { .. }));
    let dom_rows = rcount(&|k| matches!(k, RowKind::DomesticShare { .. }));
    let m = c.model();
    let mut opts = SolveOptions::default()
        .with_time_limit(Some(Duration::from_secs_f64(limit)))
        .with_relative_gap(gap);
    opts.relative_gap = gap;
    let t = Instant::now();
    let (s, sift) = if whole {
        (fleetplan::solver::solve(m, &opts).expect("solves"), None)
    } else {
        let mut lp = LpSolver::new(m.clone(), opts).expect("solver");
        let s = lp.solve().expect("solves");
        (s, lp.sifting_stats())
    };
    let solve_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cert = if whole {
        None
    } else {
        Some(check(m, &s, &CheckTolerances::default()).is_ok())
    };
    let check_s = t.elapsed().as_secs_f64();
    let mut out = format!(
        "{{\"file\": \"{file}\", \"whole\": {whole}, \"rows\": {}, \"cols\": {}, \"nnz\": {}, \"intervals\": {}, \"train_cols\": {train}, \"serve_cols\": {serve}, \"buy_cols\": {buy}, \"capacity_rows\": {cap_rows}, \"domestic_rows\": {dom_rows}, \"validate_s\": {validate_s:.4}, \"compile_s\": {compile_s:.4}, \"solve_s\": {solve_s:.4}, \"engine_solve_s\": {:.4}, \"status\": \"{:?}\", \"objective\": {}, \"iterations\": {}, \"check_s\": {check_s:.4}, \"certificate_ok\": {}",
        m.num_rows(),
        m.num_cols(),
        m.matrix().nnz(),
        c.intervals().len(),
        s.solve_time.as_secs_f64(),
        s.status,
        s.objective
            .map_or("null".to_owned(), |o| format!("{o:.10e}")),
        s.iterations,
        cert.map_or("null".to_owned(), |b| b.to_string()),
    );
    if let Some(st) = sift {
        out.push_str(&format!(
            ", \"sifting\": {{\"rounds\": {}, \"initial_columns\": {}, \"master_columns\": {}, \"iterations\": {}, \"pricing_s\": {:.4}, \"master_s\": {:.4}, \"fell_back\": {}, \"dropped\": {}}}",
            st.rounds,
            st.initial_columns,
            st.master_columns,
            st.iterations,
            st.pricing_time.as_secs_f64(),
            st.master_time.as_secs_f64(),
            st.fell_back,
            st.dropped
        ));
    }
    if let Some(info) = &s.mip {
        out.push_str(&format!(
            ", \"nodes\": {}, \"gap\": {}, \"bound\": {:.10e}",
            info.nodes,
            info.gap.map_or("null".to_owned(), |g| format!("{g:.3e}")),
            info.bound
        ));
    }
    out.push('}');
    println!("{out}");
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args[1..]),
        Some("profile") => profile(&args[1..]),
        _ => {
            let mut c = Criterion::default().configure_from_args();
            bench(&mut c);
            c.final_summary();
        }
    }
}
