//! The planning session (`fleetplan::plan::Planner`) on the flagship
//! (examples/scenarios/hybrid_fleet.toml, fractional devices).
//!
//! * `planner/warm_resolve`: one setter step (the H100 count and the
//!   Ascend 910C price move through a cycle of four states chosen so that
//!   the optimal basis changes at every step) then `solve()`, which returns
//!   a complete, verified `Plan`. A dry run before timing asserts that
//!   every step pivots and every plan is verified, and prints the mean
//!   simplex iterations per step.
//!   After criterion's figure, 4,000 more steps are timed by the wall
//!   clock and by the thread's time on a CPU (`/proc/thread-self/schedstat`,
//!   user + system; Linux): on a loaded machine the CPU time per step is
//!   the figure for "on one core".
//! * `planner/sweep_session` vs `planner/sweep_cold`: 16 levy points of
//!   the H20 licence, by one session, and by editing, validating and
//!   planning the scenario afresh at each point; the ratio is printed.
//! * `planner/sweep_typed`: the same 16 points through the library's typed
//!   sweep (`sweep::sweep_plans(vs, &Sweep::levy(rule, points), opts)`: a
//!   new session per sweep, every point's complete plan returned); its
//!   ratio to the cold sweep is printed too.

use criterion::{Criterion, criterion_group, criterion_main};
use fleetplan::plan::{Planner, plan};
use fleetplan::prelude::*;
use fleetplan::sweep::{Sweep, sweep_plans};
use std::hint::black_box;
use std::time::{Duration, Instant};

const HYBRID: &str = include_str!("../examples/scenarios/hybrid_fleet.toml");

/// (H100 devices, Ascend 910C unit price) at each step of the cycle.
const CYCLE: [(u64, f64); 4] = [
    (2_000, 28_600.0),
    (10_000, 24_000.0),
    (30_000, 28_600.0),
    (60_000, 24_000.0),
];

fn setup() -> (ValidatedScenario, Planner, PoolId, PoolId) {
    let vs = Scenario::from_toml_str(HYBRID)
        .and_then(|s| s.validate().map_err(Error::from))
        .expect("the flagship is valid");
    let p = Planner::new(&vs, PlanOptions::default().with_fractional(true)).expect("session");
    let h800 = vs.pool_by_name("h100-owned").expect("pool");
    let ascend = vs.pool_by_name("ascend-910c-buy").expect("pool");
    (vs, p, h800, ascend)
}

fn step(p: &mut Planner, h800: PoolId, ascend: PoolId, i: usize) -> Plan {
    let (n, price) = CYCLE[i % CYCLE.len()];
    p.set_pool_count(h800, n).expect("owned");
    p.set_price(ascend, Usd::new(price).expect("price"))
        .expect("purchasable");
    p.solve().expect("solves")
}

/// Nanoseconds this thread has run on a CPU (user + system), where Linux
/// says (`/proc/thread-self/schedstat`, first field).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `steps` warm steps: wall and on-CPU microseconds per step.
fn timed_steps(p: &mut Planner, h800: PoolId, ascend: PoolId, steps: usize) -> (f64, Option<f64>) {
    let c0 = thread_cpu_ns();
    let t = Instant::now();
    for i in 0..steps {
        let plan = step(p, h800, ascend, i);
        assert!(plan.verified);
        black_box(plan);
    }
    let wall = t.elapsed().as_secs_f64() * 1e6 / steps as f64;
    let cpu = c0
        .zip(thread_cpu_ns())
        .map(|(a, b)| (b - a) as f64 / 1e3 / steps as f64);
    (wall, cpu)
}

fn levies(vs: &ValidatedScenario) -> (RuleId, Vec<f64>) {
    let rule = vs
        .rules()
        .iter()
        .find(|r| r.effect.status() == RuleStatus::Licensed)
        .expect("the H20 licence")
        .id;
    (rule, (0..16).map(|i| 0.05 * f64::from(i)).collect())
}

fn session_sweep(p: &mut Planner, rule: RuleId, points: &[f64]) -> f64 {
    let mut total = 0.0;
    for &l in points {
        p.set_levy(rule, Fraction::new(l).expect("levy"))
            .expect("licensed");
        let plan = p.solve().expect("solves");
        assert!(plan.verified);
        total += plan.cost.total_usd.get();
    }
    total
}

fn cold_sweep(vs: &ValidatedScenario, points: &[f64], opts: &PlanOptions) -> f64 {
    let mut total = 0.0;
    for &l in points {
        let mut s = vs.scenario().clone();
        s.policy.rules[3].levy = Some(Fraction::new(l).expect("levy"));
        let v = s.validate().expect("valid");
        let plan = plan(&v, opts).expect("plans");
        assert!(plan.verified);
        total += plan.cost.total_usd.get();
    }
    total
}

fn typed_sweep(vs: &ValidatedScenario, spec: &Sweep, opts: &PlanOptions) -> f64 {
    let plans = sweep_plans(vs, spec, opts).expect("sweeps");
    plans
        .iter()
        .map(|p| {
            assert!(p.verified);
            p.cost.total_usd.get()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let (vs, mut p, h800, ascend) = setup();
    // Dry run: every step pivots and every plan is verified.
    p.solve().expect("first solve");
    let steps = 400;
    let mut iterations = 0u64;
    for i in 0..steps {
        let plan = step(&mut p, h800, ascend, i);
        assert!(plan.verified, "{}", plan.verification);
        assert!(
            plan.solve.iterations > 0,
            "step {i} did not pivot: the bench would time a no-op re-solve"
        );
        iterations += plan.solve.iterations;
    }
    println!(
        "planner/warm_resolve: mean simplex iterations per step {:.2} (every step pivots)",
        iterations as f64 / steps as f64
    );
    let mut g = c.benchmark_group("planner");
    g.measurement_time(Duration::from_secs(5));
    let mut i = 0;
    g.bench_function("warm_resolve", |b| {
        b.iter(|| {
            i += 1;
            black_box(step(&mut p, h800, ascend, i))
        });
    });
    let (wall, cpu) = timed_steps(&mut p, h800, ascend, 4_000);
    match cpu {
        Some(cpu) => println!(
            "planner/warm_resolve: 4000 steps, wall {wall:.1} us/step, on a CPU {cpu:.1} us/step ({:.0} steps/s on one core)",
            1e6 / cpu
        ),
        None => println!("planner/warm_resolve: 4000 steps, wall {wall:.1} us/step"),
    }
    let (rule, points) = levies(&vs);
    let opts = PlanOptions::default().with_fractional(true);
    // the two sweeps agree (point by point, summed)
    let mut fresh = Planner::new(&vs, opts.clone()).expect("session");
    let (a, b) = (
        session_sweep(&mut fresh, rule, &points),
        cold_sweep(&vs, &points, &opts),
    );
    assert!((a - b).abs() <= 1e-9 * a.abs(), "session {a} vs cold {b}");
    let spec = Sweep::levy(rule, points.clone());
    let t = typed_sweep(&vs, &spec, &opts);
    assert!((t - b).abs() <= 1e-9 * b.abs(), "typed {t} vs cold {b}");
    g.bench_function("sweep_typed", |b| {
        b.iter(|| black_box(typed_sweep(&vs, &spec, &opts)));
    });
    g.bench_function("sweep_session", |b| {
        b.iter(|| black_box(session_sweep(&mut fresh, rule, &points)));
    });
    g.bench_function("sweep_cold", |b| {
        b.iter(|| black_box(cold_sweep(&vs, &points, &opts)));
    });
    g.finish();
    // the ratio in one run, same machine state
    let reps = 20;
    let t = Instant::now();
    for _ in 0..reps {
        black_box(session_sweep(&mut fresh, rule, &points));
    }
    let warm = t.elapsed();
    let t = Instant::now();
    for _ in 0..reps {
        black_box(cold_sweep(&vs, &points, &opts));
    }
    let cold = t.elapsed();
    let t = Instant::now();
    for _ in 0..reps {
        black_box(typed_sweep(&vs, &spec, &opts));
    }
    let typed = t.elapsed();
    println!(
        "planner/sweep_typed: {:.1} us/point, {:.1}x faster than cold",
        typed.as_secs_f64() * 1e6 / (reps * points.len()) as f64,
        cold.as_secs_f64() / typed.as_secs_f64()
    );
    println!(
        "planner/sweep: session {:.1} us/point, cold {:.1} us/point, {:.1}x",
        warm.as_secs_f64() * 1e6 / (reps * points.len()) as f64,
        cold.as_secs_f64() * 1e6 / (reps * points.len()) as f64,
        cold.as_secs_f64() / warm.as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
