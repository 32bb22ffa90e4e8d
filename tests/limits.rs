//! Limits that hold: every entry point that solves honours ONE wall-clock
//! budget end to end and answers at the limit with an honest status, and
//! time limits are checked numeric ranges that never panic.
//!
//! Each timed test gives a 1 s budget to a case that takes far longer
//! (measured: the symmetric packing runs past 10 s, the makespan probe past
//! 20 s, the explanation about 11 s, the sweep about 3 s, markshare1
//! minutes) and asserts it returns within budget + 0.5 s. The cases are
//! hard by construction (pigeonhole packing on identical pools, a purchase
//! limit of 1e12, hundreds of conflicting rows); if the engine ever solves
//! one within the budget, make it harder rather than loosen the assertion.
//! The timed tests take a lock so they do not compete with each other for
//! the machine's two cores.

mod common;

#[path = "lp_support/assign.rs"]
mod assign;

use fleetplan::ErrorKind;
use fleetplan::plan::{
    CounterfactualScope, Plan, PlanOptions, PlanStatus, justify, justify_with, plan,
};
use fleetplan::scenario::{IssueCode, Scenario, ValidatedScenario};
use fleetplan::solver::{self, LpSolver, SolveOptions, Status};
use fleetplan::sweep::{SweepOptions, SweepSpec, sweep};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The budget every timed test gives.
const BUDGET: Duration = Duration::from_secs(1);
/// What the issue allows past the budget.
const SLACK: Duration = Duration::from_millis(500);

static TIMED: Mutex<()> = Mutex::new(());

fn timed() -> MutexGuard<'static, ()> {
    TIMED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Asserts `elapsed ≤ budget + 0.5 s` and prints the measurement.
fn assert_within(what: &str, budget: Duration, elapsed: Duration) {
    eprintln!(
        "{what}: returned in {:.3} s (budget {:.3} s)",
        elapsed.as_secs_f64(),
        budget.as_secs_f64()
    );
    assert!(
        elapsed <= budget + SLACK,
        "{what}: {:.3} s is past the budget {:.3} s + 0.5 s",
        elapsed.as_secs_f64(),
        budget.as_secs_f64()
    );
}

/// A made-up chip: 1 PFLOP/s BF16, 1 TB HBM, 1 kW, one device per node.
fn chip(name: &str, origin: &str) -> String {
    format!(
        "[[accelerators]]\nname = \"{name}\"\nvendor = \"Acme\"\norigin = \"{origin}\"\npeak_bf16 = {{ value = 1e15, confidence = \"primary\" }}\nhbm_capacity = {{ value = 1e12, confidence = \"primary\" }}\ntdp = {{ value = 1000, confidence = \"primary\" }}\nnode_size = {{ value = 1, confidence = \"primary\" }}\n\n"
    )
}

fn head(objective: &str, days: f64) -> String {
    format!(
        "name = \"hard\"\nstart = \"2025-08-15\"\nhorizon_days = {days}\njurisdiction = \"CN\"\nobjective = {objective}\n\n{}{}",
        chip("Acme X", "US"),
        chip("Acme D", "CN")
    )
}

/// A pool of a chip at 5e14 FLOP/s per device, failures negligible.
fn pool(name: &str, chip: &str, ownership: &str) -> String {
    format!(
        "[[pools]]\nname = \"{name}\"\naccelerator = \"{chip}\"\n{ownership}\nmfu = {{ pretraining = 0.5 }}\nmtbf_hours = 1e12\n\n"
    )
}

/// Work for `devices` devices over `days` days, due at `days`.
fn phase(name: &str, devices: f64, days: f64, single_pool: bool) -> String {
    let w = devices * 5e14 * days * 86_400.0;
    format!(
        "[[phases]]\nname = \"{name}\"\nkind = \"pretraining\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"bf16\"\nflops = {w:e}\ndeadline_days = {days}\nsingle_pool = {single_pool}\n\n"
    )
}

const ENERGY: &str = "[budget]\nenergy = { usd_per_kwh = 0.1, pue = 1.0 }\n";

/// Pigeonhole packing on identical pools: 19 runs of 3 devices (2.9
/// devices of work, single-pool) on 6 identical owned pools of 10 fit 18;
/// the 19th goes to a dear rental. The LP relaxation packs all 19
/// fractionally, and branch-and-bound must refute every symmetric packing.
fn symmetric(settings: &str) -> String {
    pigeonhole("\"min_cost\"") + settings
}

/// The packing of [`symmetric`] under an objective.
fn pigeonhole(objective: &str) -> String {
    let mut t = head(objective, 10.0);
    for k in 0..6 {
        t += &pool(
            &format!("cheap{k}"),
            "Acme X",
            "count = 10\nownership = { kind = \"owned\", sunk = true }",
        );
    }
    t += &pool(
        "dear",
        "Acme X",
        "ownership = { kind = \"rentable\", usd_per_hour = 10.0 }",
    );
    for p in 0..19 {
        t += &phase(&format!("t{p}"), 2.9, 10.0, true);
    }
    t + ENERGY
}

/// Least makespan of the pigeonhole packing of [`symmetric`]: every probe
/// of the bisection is that hard MILP (the horizon is the runs' deadline),
/// so a 1 s budget cuts the search short. (A purchasable pool of up to
/// 1e12 devices made the probes slow until branch-and-bound learnt to
/// handle big-M rows of 1e11; it now plans in milliseconds.)
fn makespan() -> String {
    pigeonhole("\"min_makespan\"")
}

/// `n` runs with staggered deadlines on 10 purchasable pools and a capex
/// budget far too small: infeasible, with about 3,300 rows for n = 300,
/// and a deletion filter over hundreds of candidate rows.
fn over_budget(n: usize) -> String {
    let mut t = head("\"min_cost\"", 400.0);
    for k in 0..10 {
        t += &pool(
            &format!("buy{k}"),
            "Acme X",
            &format!(
                "ownership = {{ kind = \"purchasable\", unit_price_usd = {}, max = 1e6 }}",
                10_000 + 997 * k
            ),
        );
    }
    #[allow(clippy::cast_precision_loss)]
    for p in 0..n {
        t += &phase(
            &format!("t{p}"),
            3.0 + (p % 7) as f64,
            20.0 + p as f64 * 370.0 / n as f64,
            false,
        );
    }
    t + "[budget]\ncapex_usd = 1e5\nenergy = { usd_per_kwh = 0.1, pue = 1.0 }\n"
}

fn validated(text: &str) -> ValidatedScenario {
    Scenario::from_toml_str(text)
        .unwrap_or_else(|e| panic!("parse: {e}\n{text}"))
        .validate()
        .unwrap_or_else(|r| panic!("invalid: {r}\n{text}"))
}

fn hybrid() -> Scenario {
    Scenario::from_toml_str(include_str!("../examples/scenarios/hybrid_fleet.toml"))
        .expect("parses")
}

/// A plan stopped by its budget: either a verified plan with status
/// `feasible`, a positive gap and an objective, or status `limit` and
/// nothing claimed.
fn assert_cut_short(what: &str, p: &Plan) {
    match p.status {
        PlanStatus::Feasible => {
            assert!(p.gap > 0.0, "{what}: feasible with gap {}", p.gap);
            assert!(p.objective.is_some(), "{what}: feasible without objective");
            assert!(p.verified, "{what}: {}", p.verification);
        }
        PlanStatus::Limit => {
            assert_eq!(p.objective, None, "{what}");
            assert!(p.assignments.is_empty() && p.schedule.is_empty(), "{what}");
        }
        s => panic!("{what}: status {s:?} for a case that cannot be solved in the budget"),
    }
}

// ---------------------------------------------------------------------------
// PlanOptions: the default budget, precedence, the planner's own gap
// ---------------------------------------------------------------------------

#[test]
fn the_default_budget_is_60_s_and_explicit_limits_beat_the_file() {
    let none = validated(&symmetric(""));
    let file = validated(&symmetric("[settings]\ntime_limit_s = 100\n"));
    let d = PlanOptions::default();
    assert_eq!(PlanOptions::DEFAULT_TIME_LIMIT, Duration::from_secs(60));
    assert_eq!(d.effective_time_limit(&none), Duration::from_secs(60));
    assert_eq!(d.effective_time_limit(&file), Duration::from_secs(100));
    let o = PlanOptions::default().with_time_limit(Duration::from_millis(1500));
    assert_eq!(o.effective_time_limit(&file), Duration::from_millis(1500));
    assert_eq!(o.effective_time_limit(&none), Duration::from_millis(1500));
}

#[test]
fn with_solver_keeps_the_planner_gap() {
    let none = validated(&symmetric(""));
    let file = validated(&symmetric("[settings]\nmip_gap = 0.95\n"));
    // SolveOptions' own default gap is 1e-9; the planner's stays 1e-6.
    let o = PlanOptions::default().with_solver(SolveOptions::default());
    assert_eq!(o.effective_mip_gap(&none), PlanOptions::DEFAULT_MIP_GAP);
    assert_eq!(o.effective_mip_gap(&none), 1e-6);
    let o = PlanOptions::default().with_solver(SolveOptions::default().with_relative_gap(0.3));
    assert_eq!(o.effective_mip_gap(&none), 1e-6);
    assert_eq!(o.effective_mip_gap(&file), 0.95);
    let o = o.with_mip_gap(0.5);
    assert_eq!(o.effective_mip_gap(&file), 0.5);
    // Out of range: an options error, not a panic or a silent clamp.
    let e = plan(&none, &PlanOptions::default().with_mip_gap(f64::NAN)).expect_err("NaN gap");
    assert_eq!(e.kind(), ErrorKind::Options);
    let e = plan(&none, &PlanOptions::default().with_mip_gap(2.0)).expect_err("gap 2");
    assert_eq!(e.kind(), ErrorKind::Options);
}

/// The gap the planner uses is the one it says: with the file's gap of
/// 0.95 the hard packing stops as optimal at its first good incumbent
/// (the 10 s run's gap was 0.88), whatever `with_solver` was given.
#[test]
fn the_planner_gap_is_the_one_used() {
    let _g = timed();
    let file = validated(&symmetric("[settings]\nmip_gap = 0.95\n"));
    let opts = PlanOptions::default()
        .with_solver(SolveOptions::default())
        .with_time_limit(Duration::from_secs(20));
    let t = Instant::now();
    let p = plan(&file, &opts).expect("plans");
    eprintln!(
        "gap 0.95: {:?} gap {} in {:.3} s",
        p.status,
        p.gap,
        t.elapsed().as_secs_f64()
    );
    assert_eq!(p.status, PlanStatus::Optimal);
    assert!(p.gap <= 0.95 && p.verified);
}

// ---------------------------------------------------------------------------
// One budget per entry point, 1 s on a hard case
// ---------------------------------------------------------------------------

#[test]
fn plan_returns_the_best_plan_of_a_hard_milp_within_its_budget() {
    let _g = timed();
    let vs = validated(&symmetric(""));
    let t = Instant::now();
    let p = plan(&vs, &PlanOptions::default().with_time_limit(BUDGET)).expect("plans");
    assert_within("plan (symmetric packing)", BUDGET, t.elapsed());
    assert_cut_short("plan", &p);
    // An incumbent is found at once (everything on the dear pool fits).
    assert_eq!(p.status, PlanStatus::Feasible);
}

#[test]
fn the_files_limit_is_the_budget_when_the_caller_sets_none() {
    let _g = timed();
    let vs = validated(&symmetric("[settings]\ntime_limit_s = 1\n"));
    let t = Instant::now();
    let p = plan(&vs, &PlanOptions::default()).expect("plans");
    assert_within("plan (file's time_limit_s = 1)", BUDGET, t.elapsed());
    assert_cut_short("plan (file)", &p);
}

#[test]
fn the_callers_limit_overrides_the_files() {
    let _g = timed();
    let vs = validated(&symmetric("[settings]\ntime_limit_s = 100\n"));
    let t = Instant::now();
    let p = plan(
        &vs,
        &PlanOptions::default().with_time_limit(Duration::from_nanos(1)),
    )
    .expect("plans");
    assert_within(
        "plan (file 100 s, option 1 ns)",
        Duration::ZERO,
        t.elapsed(),
    );
    assert_cut_short("plan (1 ns)", &p);
    let t = Instant::now();
    let p = plan(&vs, &PlanOptions::default().with_time_limit(BUDGET)).expect("plans");
    assert_within("plan (file 100 s, option 1 s)", BUDGET, t.elapsed());
    assert_eq!(p.status, PlanStatus::Feasible);
}

#[test]
fn a_makespan_bisection_cut_short_returns_the_best_deadline_found() {
    let _g = timed();
    let vs = validated(&makespan());
    let t = Instant::now();
    let p = plan(&vs, &PlanOptions::default().with_time_limit(BUDGET)).expect("plans");
    assert_within(
        "plan (min_makespan, purchase max 1e12)",
        BUDGET,
        t.elapsed(),
    );
    assert_eq!(
        p.status,
        PlanStatus::Feasible,
        "cut short: feasible, not optimal"
    );
    assert_eq!(p.objective_kind.as_str(), "min_makespan");
    let d = p.objective.expect("the best deadline found");
    let horizon = 10.0 * 24.0;
    assert!(d > 0.0 && d <= horizon, "makespan {d}");
    // The gap is the bracket's width: the deadline found against the
    // largest one proven too early (here the phases' start, 0 h).
    assert!(p.gap > 0.0 && p.gap <= 1.0, "gap {}", p.gap);
    assert!(p.verified, "{}", p.verification);
    for ph in &p.phases {
        let f = ph.finishes_at_hours.expect("every run finishes").get();
        assert!(
            f <= d + 1e-6,
            "{} finishes at {f} after the makespan {d}",
            ph.name
        );
    }
}

#[test]
fn an_explanation_cut_short_says_it_is_partial() {
    let _g = timed();
    let vs = validated(&over_budget(300));
    let opts = PlanOptions::default()
        .with_fractional(true)
        .with_time_limit(BUDGET);
    let t = Instant::now();
    let p = plan(&vs, &opts).expect("plans");
    assert_within(
        "plan (infeasible, 3,301 rows, explanation)",
        BUDGET,
        t.elapsed(),
    );
    assert_eq!(p.status, PlanStatus::Infeasible);
    let inf = p.infeasibility.expect("explained");
    assert!(!inf.complete, "the deletion filter cannot finish in 1 s");
    // What is kept still conflicts: the capex budget with the work rows.
    assert!(inf.conflict.iter().any(|r| r.constraint.contains("capex")));
    assert!(inf.conflict.len() > 3, "{} rows", inf.conflict.len());
    assert!(inf.to_string().contains("partial"), "{inf}");
}

#[test]
fn a_complete_explanation_says_so() {
    let _g = timed();
    let vs = validated(&over_budget(30));
    let p = plan(&vs, &PlanOptions::default().with_fractional(true)).expect("plans");
    assert_eq!(p.status, PlanStatus::Infeasible);
    let inf = p.infeasibility.expect("explained");
    assert!(inf.complete);
    assert!(!inf.to_string().contains("partial"));
    assert!(inf.conflict.iter().any(|r| r.constraint.contains("capex")));
    // Irreducible: the budget and the work it cannot pay for, nothing more.
    assert!(inf.conflict.len() <= 3, "{:?}", inf.conflict);
}

#[test]
fn justify_shares_one_budget() {
    let _g = timed();
    // Every pool is foreign: the domestic-only counterfactual has none.
    let vs = validated(&symmetric(""));
    let t = Instant::now();
    let j = justify(&vs, &PlanOptions::default().with_time_limit(BUDGET)).expect("justifies");
    assert_within("justify (symmetric packing)", BUDGET, t.elapsed());
    assert_cut_short("justify's plan", &j.plan);
    let cf = &j.counterfactual;
    match cf.status {
        PlanStatus::Limit => assert!(j.memo.contains("no answer within the solver's limits")),
        PlanStatus::Infeasible => {
            let partial = cf.infeasibility.as_ref().is_some_and(|i| !i.complete);
            assert!(partial || !cf.delay_is_least, "{}", j.memo);
        }
        s => panic!("counterfactual {s:?} with no domestic pool"),
    }
}

/// The domestic-only counterfactual of 19 single-pool runs on 6 domestic
/// pools of 10 (a large cheap foreign pool serves the plan): infeasible by
/// the deadline (3.5 devices of work each), feasible with a 30-day delay,
/// and every delay that needs 3 devices a run is a pigeonhole packing.
fn delayed_packing() -> String {
    let mut t = head("\"min_cost\"", 40.0);
    t += &pool(
        "foreign",
        "Acme X",
        "count = 1000\nownership = { kind = \"owned\", sunk = true }",
    );
    for k in 0..6 {
        t += &pool(
            &format!("dom{k}"),
            "Acme D",
            "count = 10\nownership = { kind = \"owned\", sunk = true }",
        );
    }
    for p in 0..19 {
        t += &phase(&format!("t{p}"), 3.5, 10.0, true);
    }
    t + ENERGY
}

#[test]
fn a_delay_search_cut_short_says_so() {
    let _g = timed();
    let vs = validated(&delayed_packing());
    let t = Instant::now();
    // owned foreign devices removed too: the counterfactual that needs a delay
    let j = justify_with(
        &vs,
        &PlanOptions::default().with_time_limit(BUDGET),
        CounterfactualScope::AllForeign,
    )
    .expect("justifies");
    assert_within("justify (delay search over packings)", BUDGET, t.elapsed());
    assert_eq!(j.plan.status, PlanStatus::Optimal, "the plan is easy");
    let cf = &j.counterfactual;
    assert_eq!(cf.status, PlanStatus::Infeasible, "{}", j.memo);
    let d = cf.feasible_with_delay_days.expect("a delay that works");
    assert!(d > 0.0 && d <= 30.0, "{d}");
    assert!(!cf.delay_is_least, "{}", j.memo);
    assert!(j.memo.contains("a smaller delay may suffice"), "{}", j.memo);
}

#[test]
fn a_sweep_shares_one_budget_and_marks_the_points_it_did_not_reach() {
    let _g = timed();
    let s = hybrid();
    let spec: SweepSpec = "pools[ascend-910c-buy].ownership.unit_price_usd=5000..60000:400"
        .parse()
        .expect("spec");
    let opts = SweepOptions::default().with_plan(PlanOptions::default().with_time_limit(BUDGET));
    let t = Instant::now();
    let table = sweep(&s, &spec, &opts, &|_, _| {}).expect("sweeps");
    assert_within("sweep (400 points)", BUDGET, t.elapsed());
    assert_eq!(table.points.len(), 400);
    let solved = table
        .points
        .iter()
        .take_while(|p| p.status == "optimal")
        .count();
    eprintln!("sweep: {solved} of 400 points solved in the budget");
    assert!(solved >= 1, "the first point takes well under a second");
    assert!(solved < 400, "400 points take longer than a second");
    // Points are solved in order: after the first unsolved, none is.
    for p in &table.points[solved..] {
        assert!(
            matches!(p.status.as_str(), "limit" | "feasible"),
            "{}",
            p.status
        );
    }
    for p in &table.points[solved + 1..] {
        assert_eq!(p.status, "limit");
        assert_eq!((p.objective, p.iterations), (None, 0));
    }
}

#[test]
fn solver_solve_honours_its_limit_on_a_hard_mip() {
    let Some(suite) = common::lp_suite_dir() else {
        return;
    };
    let _g = timed();
    let m = fleetplan::model::mps::read_mps_file(
        &suite.join("miplib/markshare1.mps"),
        fleetplan::model::mps::MpsFormat::Auto,
    )
    .expect("reads markshare1");
    let t = Instant::now();
    let s =
        solver::solve(&m, &SolveOptions::default().with_time_limit(Some(BUDGET))).expect("solves");
    assert_within("solver::solve (markshare1)", BUDGET, t.elapsed());
    match s.status {
        Status::Feasible => {
            let info = s.mip.expect("mip info");
            assert!(info.gap.is_some_and(|g| g > 0.0), "{info:?}");
            common::assert_certified("markshare1 at the limit", &m, &s);
        }
        Status::TimeLimit => assert_eq!(s.objective, None),
        st => panic!("markshare1 in 1 s: {st}"),
    }
}

/// A wide LP of the planner's family (sifting, with its possible hand-over
/// to the general simplex) under a 1 s limit, through `solve` and through
/// `LpSolver`.
#[test]
fn lp_solves_honour_their_limit_on_a_wide_lp() {
    let _g = timed();
    let m = assign::assign_model(1000, 2000);
    let opts = SolveOptions::default().with_time_limit(Some(BUDGET));
    let t = Instant::now();
    let s = solver::solve(&m, &opts).expect("solves");
    assert_within("solver::solve (assign 1000x2000)", BUDGET, t.elapsed());
    assert!(
        matches!(s.status, Status::TimeLimit | Status::Optimal),
        "{}",
        s.status
    );
    eprintln!("assign 1000x2000 in 1 s: {}", s.status);
    let mut lp = LpSolver::new(m, opts).expect("solver");
    let t = Instant::now();
    let s = lp.solve().expect("solves");
    assert_within("LpSolver::solve (assign 1000x2000)", BUDGET, t.elapsed());
    assert!(matches!(s.status, Status::TimeLimit | Status::Optimal));
}

// ---------------------------------------------------------------------------
// Time limits are checked ranges; the library never panics on one
// ---------------------------------------------------------------------------

#[test]
fn settings_time_limit_is_a_checked_range() {
    let cases = [
        ("1e308", IssueCode::NumberRange),
        ("inf", IssueCode::NumberInfinite),
        ("-inf", IssueCode::NumberInfinite),
        ("nan", IssueCode::NumberNaN),
        ("0", IssueCode::NumberZero),
        ("-1", IssueCode::NumberNegative),
        ("1000001", IssueCode::NumberRange),
    ];
    for (v, code) in cases {
        let text = symmetric(&format!("[settings]\ntime_limit_s = {v}\n"));
        let s = Scenario::from_toml_str(&text).expect("parses");
        let r = s.validate().expect_err(v);
        let hits: Vec<_> = r
            .issues
            .iter()
            .filter(|i| i.path == "settings.time_limit_s")
            .collect();
        assert_eq!(hits.len(), 1, "{v}: {r}");
        assert_eq!(hits[0].code, code.as_str(), "{v}: {r}");
        assert!(hits[0].message.len() < 80, "{}", hits[0].message);
        assert!(!hits[0].fix.is_empty());
    }
    for v in ["1e-9", "1000000", "0.5"] {
        let text = symmetric(&format!("[settings]\ntime_limit_s = {v}\n"));
        assert!(
            Scenario::from_toml_str(&text)
                .expect("parses")
                .validate()
                .is_ok(),
            "{v}"
        );
    }
}

#[test]
fn a_tiny_limit_from_the_file_returns_at_once() {
    let _g = timed();
    let vs = validated(&symmetric("[settings]\ntime_limit_s = 1e-9\n"));
    let t = Instant::now();
    let p = plan(&vs, &PlanOptions::default()).expect("plans");
    assert_within(
        "plan (file's time_limit_s = 1e-9)",
        Duration::ZERO,
        t.elapsed(),
    );
    assert_cut_short("1e-9", &p);
}

#[test]
fn any_duration_is_accepted_and_none_panics() {
    let text = std::fs::read_to_string("examples/scenarios/quickstart.toml").expect("reads");
    let vs = Scenario::from_toml_str(&text)
        .expect("parses")
        .validate()
        .expect("valid");
    // Beyond what the clock can represent: saturates to no limit.
    let p = plan(
        &vs,
        &PlanOptions::default()
            .with_fractional(true)
            .with_time_limit(Duration::MAX),
    )
    .expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal);
    let big = SolveOptions::default()
        .with_time_limit(Some(Duration::MAX))
        .with_deadline(None);
    let p = plan(
        &vs,
        &PlanOptions::default()
            .with_fractional(true)
            .with_solver(big.clone()),
    )
    .expect("plans");
    assert_eq!(p.status, PlanStatus::Optimal);
    let m = assign::assign_model(20, 30);
    assert_eq!(
        solver::solve(&m, &big).expect("solves").status,
        Status::Optimal
    );
    let mut lp = LpSolver::new(m.clone(), big).expect("solver");
    assert_eq!(lp.solve().expect("solves").status, Status::Optimal);
    // Zero: a limit status at once, with nothing claimed.
    let p = plan(&vs, &PlanOptions::default().with_time_limit(Duration::ZERO)).expect("plans");
    assert_cut_short("zero budget", &p);
    let s = solver::solve(
        &m,
        &SolveOptions::default().with_time_limit(Some(Duration::ZERO)),
    )
    .expect("solves");
    assert_eq!(s.status, Status::TimeLimit);
    // Seconds from people go through the checked conversion.
    for bad in [1e308, f64::INFINITY, f64::NAN, 0.0, -1.0] {
        let e = solver::time_limit_from_secs(bad).expect_err("rejected");
        assert_eq!(e.kind(), ErrorKind::Options, "{bad}");
    }
    assert_eq!(
        solver::time_limit_from_secs(1e-9).ok(),
        Some(Duration::from_nanos(1))
    );
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::process::{Command, Output};

    fn fleetplan(args: &[&str]) -> (Output, Duration) {
        let t = Instant::now();
        match Command::new(env!("CARGO_BIN_EXE_fleetplan"))
            .args(args)
            .output()
        {
            Ok(o) => (o, t.elapsed()),
            Err(e) => panic!("cannot run fleetplan: {e}"),
        }
    }

    fn temp_file(name: &str, text: &str) -> String {
        let path =
            std::env::temp_dir().join(format!("fleetplan-limits-{}-{name}", std::process::id()));
        if let Err(e) = std::fs::write(&path, text) {
            panic!("cannot write {}: {e}", path.display());
        }
        path.display().to_string()
    }

    fn json(o: &Output) -> serde_json::Value {
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        })
    }

    #[test]
    fn the_flag_overrides_the_files_limit() {
        let _g = timed();
        let file = temp_file(
            "file100.toml",
            &symmetric("[settings]\ntime_limit_s = 100\n"),
        );
        let (o, el) = fleetplan(&["plan", &file, "--time-limit", "1e-9", "--format", "json"]);
        assert_within(
            "fleetplan plan --time-limit 1e-9 (file 100 s)",
            Duration::ZERO,
            el,
        );
        let v = json(&o);
        assert!(
            matches!(v["status"].as_str(), Some("limit" | "feasible")),
            "{v}"
        );
        let (o, el) = fleetplan(&["plan", &file, "--time-limit", "1", "--format", "json"]);
        assert_within("fleetplan plan --time-limit 1 (file 100 s)", BUDGET, el);
        let v = json(&o);
        assert_eq!(v["status"], "feasible", "{v}");
        assert!(v["gap"].as_f64().is_some_and(|g| g > 0.0), "{v}");
        assert!(o.status.success());
        let (o, el) = fleetplan(&["justify", &file, "--time-limit", "1", "--format", "json"]);
        assert_within("fleetplan justify --time-limit 1 (file 100 s)", BUDGET, el);
        assert_eq!(json(&o)["plan"]["status"], "feasible");
    }

    #[test]
    fn the_files_limit_holds_without_the_flag() {
        let _g = timed();
        let file = temp_file("file1.toml", &symmetric("[settings]\ntime_limit_s = 1\n"));
        let (o, el) = fleetplan(&["plan", &file, "--format", "json"]);
        assert_within("fleetplan plan (file 1 s)", BUDGET, el);
        assert_eq!(json(&o)["status"], "feasible");
    }

    #[test]
    fn a_sweep_takes_the_flag_as_its_budget() {
        let _g = timed();
        let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/scenarios/hybrid_fleet.toml")
            .display()
            .to_string();
        let (o, el) = fleetplan(&[
            "sweep",
            &file,
            "--set",
            "pools[ascend-910c-buy].ownership.unit_price_usd=5000..60000:400",
            "--time-limit",
            "1",
            "--quiet",
        ]);
        assert_within("fleetplan sweep --time-limit 1 (400 points)", BUDGET, el);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{out}");
        assert!(out.contains("the sweep's time limit ran out"), "{out}");
    }

    #[test]
    fn out_of_range_flags_are_usage_errors() {
        let file = temp_file("flags.toml", &symmetric(""));
        let mps = temp_file("flags.mps", SMALL_LP);
        for bad in ["1e308", "inf", "NaN", "0", "-1", "1000001"] {
            for args in [
                vec!["plan", &file, "--time-limit", bad],
                vec!["justify", &file, "--time-limit", bad],
                vec![
                    "sweep",
                    &file,
                    "--set",
                    "pools[dear].ownership.usd_per_hour=1,2",
                    "--time-limit",
                    bad,
                ],
                vec!["lp", "solve", &mps, "--time-limit", bad],
            ] {
                let (o, _) = fleetplan(&args);
                let err = String::from_utf8_lossy(&o.stderr);
                assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
                assert!(
                    err.contains("time") && !err.contains("panicked"),
                    "{args:?}: {err}"
                );
            }
        }
    }

    #[test]
    fn a_file_limit_out_of_range_is_a_validation_error() {
        for bad in ["1e308", "inf", "nan", "0", "-1"] {
            let file = temp_file(
                &format!("bad{bad}.toml"),
                &symmetric(&format!("[settings]\ntime_limit_s = {bad}\n")),
            );
            let (o, _) = fleetplan(&["plan", &file]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
            assert!(err.contains("settings.time_limit_s"), "{bad}: {err}");
        }
    }

    /// Two equality rows the slack basis breaks: `x + y = 4`, `x − y = 1`.
    const SMALL_LP: &str = "NAME small\nROWS\n N obj\n E r1\n E r2\nCOLUMNS\n x obj 1 r1 1\n x r2 1\n y obj 2 r1 1\n y r2 -1\nRHS\n rhs r1 4 r2 1\nENDATA\n";

    #[test]
    fn a_limited_lp_reports_no_objective_for_a_point_that_breaks_rows() {
        let mps = temp_file("small.mps", SMALL_LP);
        let (o, _) = fleetplan(&[
            "lp",
            "solve",
            &mps,
            "--time-limit",
            "1e-9",
            "--format",
            "json",
        ]);
        let v = json(&o);
        assert_eq!(v["status"], "time_limit", "{v}");
        assert_eq!(v["objective"], serde_json::Value::Null, "{v}");
        assert_eq!(v["point_feasible"], false, "{v}");
        let (o, _) = fleetplan(&["lp", "solve", &mps, "--format", "json"]);
        let v = json(&o);
        assert_eq!(v["status"], "optimal", "{v}");
        // x = 2.5, y = 1.5: 2.5 + 3
        assert!(
            v["objective"]
                .as_f64()
                .is_some_and(|z| (z - 5.5).abs() < 1e-9),
            "{v}"
        );
        assert_eq!(v["point_feasible"], true);
    }

    #[test]
    fn lp_solve_stops_markshare1_at_its_limit() {
        let Some(suite) = common::lp_suite_dir() else {
            return;
        };
        let _g = timed();
        let path = suite.join("miplib/markshare1.mps").display().to_string();
        let (o, el) = fleetplan(&[
            "lp",
            "solve",
            &path,
            "--time-limit",
            "1",
            "--format",
            "json",
        ]);
        assert_within("fleetplan lp solve markshare1 --time-limit 1", BUDGET, el);
        let v = json(&o);
        match v["status"].as_str() {
            Some("feasible") => {
                assert!(v["gap"].as_f64().is_some_and(|g| g > 0.0), "{v}");
                assert!(v["objective"].as_f64().is_some(), "{v}");
            }
            Some("time_limit") => assert_eq!(v["objective"], serde_json::Value::Null),
            _ => panic!("{v}"),
        }
    }
}
