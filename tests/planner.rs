//! The planning session (`fleetplan::plan::Planner`) against cold planning.
//!
//! The oracle is outside the session: after every random sequence of typed
//! setter calls, the same edits are made to a plain `Scenario`, which is
//! validated and planned from scratch (`plan()`, or `compile` + `solve`
//! for excluded pools, which `plan()` has no option for). The session's
//! plan must have the same status and objective (1e-9 relative) and pass
//! the verifier; its in-place-updated model must equal, entry by entry,
//! the model a fresh compile of the edited scenario builds; its edited
//! `ValidatedScenario` must equal a fresh validation of its scenario.

use fleetplan::fleet::{Count, Ownership};
use fleetplan::plan::{CompileOptions, Demand, Planner, compile, plan};
use fleetplan::prelude::*;
use fleetplan::scenario::BudgetKind;
use fleetplan::solver::{self, Status};
use proptest::prelude::*;

const HYBRID: &str = include_str!("../examples/scenarios/hybrid_fleet.toml");
const QUICK: &str = include_str!("../examples/scenarios/quickstart.toml");

fn validated(text: &str) -> ValidatedScenario {
    Scenario::from_toml_str(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .validate()
        .unwrap_or_else(|r| panic!("{r}"))
}

/// One typed change, by pool/rule/phase index of the hybrid fleet.
#[derive(Debug, Clone)]
enum Op {
    /// An owned pool (0..3) gets `n` devices.
    Count(usize, u64),
    /// A purchasable pool (3, 4) costs `usd` a device.
    Price(usize, f64),
    /// The H20 licence (rule 3) takes `levy`.
    Levy(f64),
    /// The capex budget (None: removed).
    Capex(Option<f64>),
    /// The Ascend pool's purchase limit (None: unlimited).
    Max(Option<u64>),
    /// Pre-training's deadline (recompiles).
    Deadline(f64),
    /// Serving's daily demand, scaled (recompiles).
    Serve(f64),
    /// Leave a pool out, or bring it back.
    Exclude(usize),
    Include(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, 0u64..=40_000).prop_map(|(k, n)| Op::Count(k, n)),
        4 => (3usize..5, 4_000.0f64..60_000.0).prop_map(|(k, p)| Op::Price(k, p)),
        2 => (0.0f64..0.6).prop_map(Op::Levy),
        2 => prop::option::of(2e8f64..3e9).prop_map(Op::Capex),
        2 => prop::option::of(5_000u64..=100_000).prop_map(Op::Max),
        1 => (105.0f64..140.0).prop_map(Op::Deadline),
        1 => (0.5f64..1.5).prop_map(Op::Serve),
        1 => (0usize..5).prop_map(Op::Exclude),
        1 => (0usize..5).prop_map(Op::Include),
    ]
}

/// What the session was told, made to a plain scenario (the oracle's copy).
fn edit(s: &mut Scenario, excluded: &mut Vec<usize>, op: &Op) {
    match *op {
        Op::Count(k, n) => s.pools[k].count = Some(Count::new(n)),
        Op::Price(k, p) => {
            if let Ownership::Purchasable { unit_price_usd, .. } = &mut s.pools[k].ownership {
                *unit_price_usd = Usd::new(p).expect("price");
            }
        }
        Op::Levy(l) => s.policy.rules[3].levy = Some(Fraction::new(l).expect("levy")),
        Op::Capex(c) => s.budget.capex_usd = c.map(|c| Usd::new(c).expect("usd")),
        Op::Max(m) => {
            if let Ownership::Purchasable { max, .. } = &mut s.pools[4].ownership {
                *max = m.map(Count::new);
            }
        }
        Op::Deadline(d) => s.phases[0].deadline_days = Some(Days::new(d).expect("days")),
        Op::Serve(f) => {
            let base = validated(HYBRID);
            let mut d = base.scenario().phases[2]
                .tokens_per_day
                .as_ref()
                .and_then(|d| d.reference())
                .expect("demand");
            d.input = d.input * f;
            d.output = d.output * f;
            s.phases[2].tokens_per_day = Some(d.into());
        }
        Op::Exclude(k) => {
            if !excluded.contains(&k) {
                excluded.push(k);
                excluded.sort_unstable();
            }
        }
        Op::Include(k) => excluded.retain(|&x| x != k),
    }
}

fn apply(p: &mut Planner, vs: &ValidatedScenario, op: &Op) -> fleetplan::Result<()> {
    let pool = |k: usize| vs.pool_ids().nth(k).expect("pool");
    match *op {
        Op::Count(k, n) => p.set_pool_count(pool(k), n),
        Op::Price(k, usd) => p.set_price(pool(k), Usd::new(usd)?),
        Op::Levy(l) => p.set_levy(vs.rules()[3].id, Fraction::new(l)?),
        Op::Capex(c) => p.set_budget(BudgetKind::Capex, c.map(Usd::new).transpose()?),
        Op::Max(m) => p.set_pool_max(pool(4), m.map(Count::new)),
        Op::Deadline(d) => p.set_deadline(vs.phase_ids().next().expect("phase"), Days::new(d)?),
        Op::Serve(f) => {
            let mut d = vs.scenario().phases[2]
                .tokens_per_day
                .as_ref()
                .and_then(|d| d.reference())
                .expect("demand");
            d.input = d.input * f;
            d.output = d.output * f;
            p.set_demand(vs.phase_ids().nth(2).expect("phase"), Demand::Daily(d))
        }
        Op::Exclude(k) => p.exclude_pool(pool(k)),
        Op::Include(k) => p.include_pool(pool(k)),
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1.0)
}

/// The session's model equals a fresh compile of its scenario.
fn assert_same_model(p: &mut Planner, copts: &CompileOptions) {
    let vs = p.scenario().clone();
    let perf = fleetplan::perf::PerfModel::new(&vs);
    let fresh = compile(&vs, &perf, copts).expect("compiles");
    let (a, b) = (
        p.compiled().expect("compiles").model().clone(),
        fresh.model(),
    );
    assert_eq!(a.row_names(), b.row_names());
    assert_eq!(a.col_names(), b.col_names());
    let close = |x: &[f64], y: &[f64], what: &str| {
        for (i, (u, v)) in x.iter().zip(y).enumerate() {
            assert!(
                u == v || rel(*u, *v) <= 1e-12,
                "{what}[{i}]: session {u} vs fresh {v}"
            );
        }
    };
    close(a.costs(), b.costs(), "cost");
    close(a.col_lower(), b.col_lower(), "col_lower");
    close(a.col_upper(), b.col_upper(), "col_upper");
    close(a.row_lower(), b.row_lower(), "row_lower");
    close(a.row_upper(), b.row_upper(), "row_upper");
    close(a.matrix().values(), b.matrix().values(), "matrix");
    assert_eq!(a.matrix().values().len(), b.matrix().values().len());
}

/// Checks the session's plan against a cold plan of `s` with `excluded`
/// pools left out.
fn check_against_cold(
    p: &mut Planner,
    s: &Scenario,
    excluded: &[usize],
    opts: &PlanOptions,
) -> Result<(), TestCaseError> {
    let warm = p.solve().expect("session solves");
    // an infeasible plan has nothing to verify (as with `plan()`); its
    // status is compared with the cold solve's below
    prop_assert!(
        warm.verified || warm.status == PlanStatus::Infeasible,
        "{:?}: {}",
        warm.status,
        warm.verification
    );
    let vs = s.clone().validate().expect("the oracle's copy is valid");
    // the session's scenario is the oracle's, derived facts included
    prop_assert_eq!(format!("{:?}", p.scenario()), format!("{vs:?}"));
    let copts = CompileOptions {
        exclude_pools: excluded
            .iter()
            .map(|&k| vs.pool_ids().nth(k).expect("pool"))
            .collect(),
        fractional: opts.fractional,
        ..CompileOptions::default()
    };
    assert_same_model(p, &copts);
    if excluded.is_empty() {
        let cold = plan(&vs, opts).expect("plans");
        prop_assert_eq!(warm.status, cold.status);
        match (warm.objective, cold.objective) {
            // Each plan is within its proven gap of the optimum, so neither
            // may lie below the other's bound: they agree to within the
            // larger gap (1e-6 for whole devices, ~0 for the LP). A tighter
            // check would reject two different optimal-within-gap plans.
            (Some(a), Some(b)) => {
                let tol = warm.gap.max(cold.gap) + 1e-9;
                prop_assert!(
                    rel(a, b) <= tol,
                    "session {a} (gap {}) vs cold {b} (gap {})",
                    warm.gap,
                    cold.gap
                );
            }
            (a, b) => prop_assert_eq!(a, b),
        }
    } else {
        let perf = fleetplan::perf::PerfModel::new(&vs);
        let c = compile(&vs, &perf, &copts).expect("compiles");
        let cold = solver::solve(c.model(), &opts.solver).expect("solves");
        match cold.status {
            Status::Optimal => {
                let a = warm.cost.total_usd.get();
                let b = cold.objective.expect("an optimal solve has an objective");
                let cold_gap = cold.mip.as_ref().and_then(|m| m.gap).unwrap_or(0.0);
                let tol = warm.gap.max(cold_gap) + 1e-9;
                prop_assert!(
                    rel(a, b) <= tol,
                    "session {a} (gap {}) vs cold {b} (gap {cold_gap})",
                    warm.gap
                );
            }
            Status::Infeasible => prop_assert_eq!(warm.status, PlanStatus::Infeasible),
            other => prop_assert!(false, "cold solve ended {other:?}"),
        }
    }
    Ok(())
}

/// Applies each group of steps to a session and the oracle's copy, and
/// checks after each group.
fn run_steps(steps: &[Vec<Op>], opts: &PlanOptions) -> Result<(), TestCaseError> {
    let vs = validated(HYBRID);
    let mut p = Planner::new(&vs, opts.clone()).expect("session");
    let mut s = vs.scenario().clone();
    let mut excluded = Vec::new();
    for ops in steps {
        for op in ops {
            apply(&mut p, &vs, op).expect("a valid change");
            edit(&mut s, &mut excluded, op);
        }
        check_against_cold(&mut p, &s, &excluded, opts)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Fractional plans (the LP, re-solved warm from the last basis).
    #[test]
    fn session_equals_cold_planning(steps in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..6)) {
        run_steps(&steps, &PlanOptions::default().with_fractional(true))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Whole devices (the MILP, started from the last plan).
    #[test]
    fn whole_device_session_equals_cold_planning(steps in prop::collection::vec(prop::collection::vec(op(), 1..3), 1..4)) {
        run_steps(&steps, &PlanOptions::default())?;
    }
}

/// A setter of the wrong kind is a typed error naming the field, and
/// changes nothing.
#[test]
fn wrong_setters_are_errors_and_change_nothing() {
    let vs = validated(QUICK);
    let mut p = Planner::new(&vs, PlanOptions::default()).expect("session");
    let before = p.solve().expect("plans");
    let h800 = vs.pool_by_name("h800").expect("pool");
    let rented = vs.pool_by_name("h100-rented").expect("pool");
    let e = p.set_pool_count(rented, 10).expect_err("not owned");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("pools[1].count"), "{e}");
    let e = p
        .set_price(h800, Usd::new(1.0).expect("usd"))
        .expect_err("sunk");
    assert!(
        e.to_string().contains("pools[0].ownership.unit_price_usd"),
        "{e}"
    );
    let e = p
        .set_pool_max(h800, Some(Count::new(5)))
        .expect_err("owned");
    assert!(e.to_string().contains("E-POOL-OWNERSHIP-MISMATCH"), "{e}");
    let rule = vs.rules()[0].id;
    let e = p
        .set_levy(rule, Fraction::new(0.1).expect("f"))
        .expect_err("prohibited");
    assert!(e.to_string().contains("policy.rules[0].levy"), "{e}");
    let pretrain = vs.phase_by_name("pretrain").expect("phase");
    let e = p
        .set_deadline(pretrain, Days::new(400.0).expect("days"))
        .expect_err("beyond the horizon");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    let after = p.solve().expect("plans");
    assert_eq!(before.objective, after.objective);
    assert_eq!(format!("{:?}", p.scenario()), format!("{vs:?}"));
}

/// The quickstart's rental price moves the plan the way a cold plan of the
/// edited file does.
#[test]
fn rental_price_matches_cold() {
    let vs = validated(QUICK);
    let opts = PlanOptions::default().with_fractional(true);
    let mut p = Planner::new(&vs, opts.clone()).expect("session");
    let rented = vs.pool_by_name("h100-rented").expect("pool");
    for price in [1.0, 2.35, 4.0, 9.0] {
        p.set_rental(rented, UsdPerHour::new(price).expect("price"))
            .expect("rentable");
        let warm = p.solve().expect("plans");
        assert!(warm.verified, "{}", warm.verification);
        let mut s = vs.scenario().clone();
        if let Ownership::Rentable { usd_per_hour, .. } = &mut s.pools[1].ownership {
            *usd_per_hour = UsdPerHour::new(price).expect("price");
        }
        let cold = plan(&s.validate().expect("valid"), &opts).expect("plans");
        let (a, b) = (warm.objective.expect("a"), cold.objective.expect("b"));
        assert!(rel(a, b) <= 1e-9, "price {price}: session {a} vs cold {b}");
    }
}

/// The session prices a fractional plan on its own LP (the device-count
/// bounds moved to the pricing model's and back, re-solved warm), through
/// steps that change the optimal basis every time (the planner bench's
/// cycle: the H100 count, the Ascend price and the levy). At every step the
/// plan costs what a cold plan of the edited scenario costs (which builds
/// and solves its pricing model afresh), and binds and prices the same
/// constraints (a price of 0 is "not binding"), save where the price is not unique: the capacity
/// row of a purchasable pool that buys nothing (no devices, none used: the
/// row holds at 0 ≤ 0 and any price between its neighbours' is valid).
#[test]
fn shadow_prices_match_cold_through_basis_changes() {
    let vs = validated(HYBRID);
    let opts = PlanOptions::default().with_fractional(true);
    let mut p = Planner::new(&vs, opts.clone()).expect("session");
    let h100 = vs.pool_by_name("h100-owned").expect("pool");
    let ascend = vs.pool_by_name("ascend-910c-buy").expect("pool");
    let k_h100 = vs.pool_ids().position(|k| k == h100).expect("index");
    let k_ascend = vs.pool_ids().position(|k| k == ascend).expect("index");
    let licence = vs
        .rules()
        .iter()
        .position(|r| r.effect.status() == RuleStatus::Licensed)
        .expect("the H20 licence");
    let cycle = [
        (2_000u64, 28_600.0, 0.15),
        (10_000, 24_000.0, 0.15),
        (30_000, 28_600.0, 0.25),
        (60_000, 24_000.0, 0.0),
        (2_000, 28_600.0, 0.5),
        (10_000, 24_000.0, 0.15),
    ];
    let (mut compared, mut degenerate) = (0, 0);
    for (n, price, levy) in cycle {
        p.set_pool_count(h100, n).expect("owned");
        p.set_price(ascend, Usd::new(price).expect("price"))
            .expect("purchasable");
        p.set_levy(vs.rules()[licence].id, Fraction::new(levy).expect("levy"))
            .expect("licensed");
        let warm = p.solve().expect("plans");
        assert!(warm.verified, "{}", warm.verification);
        let mut s = vs.scenario().clone();
        s.pools[k_h100].count = Some(Count::new(n));
        if let Ownership::Purchasable { unit_price_usd, .. } = &mut s.pools[k_ascend].ownership {
            *unit_price_usd = Usd::new(price).expect("price");
        }
        s.policy.rules[licence].levy = Some(Fraction::new(levy).expect("levy"));
        let cold = plan(&s.validate().expect("valid"), &opts).expect("plans");
        let at = format!("step {n}/{price}/{levy}");
        let (a, b) = (warm.objective.expect("a"), cold.objective.expect("b"));
        assert!(rel(a, b) <= 1e-9, "{at}: session {a} vs cold {b}");
        let key = |p: &fleetplan::plan::Plan| {
            let mut v: Vec<(String, f64)> = p
                .binding
                .iter()
                .map(|b| (b.constraint.clone(), b.shadow_price))
                .collect();
            v.sort_by(|x, y| x.0.cmp(&y.0));
            v
        };
        let (w, c) = (key(&warm), key(&cold));
        let buys_nothing = |row: &str| {
            vs.scenario().pools.iter().any(|pool| {
                row.starts_with(&format!("capacity[{},", pool.name))
                    && !pool.ownership.is_owned()
                    && warm
                        .purchases
                        .iter()
                        .all(|b| b.pool != pool.name || b.devices == 0.0)
            })
        };
        let price_of =
            |v: &[(String, f64)], name: &str| v.iter().find(|x| x.0 == name).map_or(0.0, |x| x.1);
        let mut names: Vec<&String> = w.iter().chain(&c).map(|x| &x.0).collect();
        names.sort();
        names.dedup();
        for name in names {
            let (a, b) = (price_of(&w, name), price_of(&c, name));
            if (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0) {
                compared += 1;
            } else {
                assert!(buys_nothing(name), "{at}: {name}: session {a} vs cold {b}");
                degenerate += 1;
            }
        }
    }
    assert!(compared >= 6 * cycle.len(), "prices compared: {compared}");
    assert!(
        degenerate <= cycle.len(),
        "prices that differ: {degenerate}"
    );
}
