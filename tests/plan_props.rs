//! Properties of the planner on random scenarios: every optimal plan
//! verifies, the exported MPS re-solves to the same objective, and the
//! metamorphic relations hold (prices × k ⇒ cost × k; adding a pool never
//! raises the optimum; tightening a domestic share never lowers it; a rule
//! about an unused accelerator changes nothing).
//!
//! Plans here are fractional (LPs) so that the relations are exact; whole-
//! device plans are covered by the hand-solved tests.

use fleetplan::model::mps::{MpsFormat, read_mps, write_mps};
use fleetplan::perf::{PairRate, PerfModel};
use fleetplan::plan::{CompileOptions, Plan, PlanOptions, PlanStatus, compile, plan};
use fleetplan::scenario::Scenario;
use fleetplan::solver::{self, SolveOptions, Status, Structure};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Own {
    Owned(u32),
    Buy {
        price: f64,
        max: Option<u32>,
        lead: u32,
    },
    Rent {
        per_hour: f64,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone)]
struct PoolSpec {
    chip: usize,
    own: Own,
    energy: Option<f64>,
    availability: f64,
}

#[derive(Debug, Clone)]
enum PhaseSpec {
    Train {
        devices: f64,
        start: u32,
        deadline: u32,
    },
    Serve {
        input: f64,
        output: f64,
        from: u32,
    },
}

#[derive(Debug, Clone)]
struct Spec {
    pools: Vec<PoolSpec>,
    phases: Vec<PhaseSpec>,
    share: Option<(bool, f64)>,
    opex: Option<f64>,
}

const CHIPS: [(&str, &str, f64); 3] = [
    ("Acme X", "US", 1e15),
    ("Acme D", "CN", 1e15),
    ("Acme Y", "US", 6e14),
];

fn pool_strategy() -> impl Strategy<Value = PoolSpec> {
    let own = prop_oneof![
        (10u32..400).prop_map(Own::Owned),
        (
            1_000.0f64..40_000.0,
            proptest::option::of(20u32..500),
            0u32..4
        )
            .prop_map(|(price, max, lead)| Own::Buy { price, max, lead }),
        (0.5f64..5.0, proptest::option::of(20u32..500))
            .prop_map(|(per_hour, max)| Own::Rent { per_hour, max }),
    ];
    (
        0usize..3,
        own,
        proptest::option::of(0.03f64..0.2),
        0.8f64..=1.0,
    )
        .prop_map(|(chip, own, energy, availability)| PoolSpec {
            chip,
            own,
            energy,
            availability,
        })
}

fn phase_strategy() -> impl Strategy<Value = PhaseSpec> {
    prop_oneof![
        (5.0f64..300.0, 0u32..3, 4u32..=10).prop_map(|(devices, start, deadline)| {
            PhaseSpec::Train {
                devices,
                start,
                deadline,
            }
        }),
        (1e9f64..5e10, 1e8f64..5e9, 0u32..5).prop_map(|(input, output, from)| PhaseSpec::Serve {
            input,
            output,
            from
        }),
    ]
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        proptest::collection::vec(pool_strategy(), 1..5),
        proptest::collection::vec(phase_strategy(), 1..4),
        proptest::option::of((any::<bool>(), 0.0f64..0.7)),
        proptest::option::of(1e3f64..1e6),
    )
        .prop_map(|(pools, phases, share, opex)| Spec {
            pools,
            phases,
            share,
            opex,
        })
}

/// Price multiplier `k` applies to every price; `extra_rule` adds a rule on
/// an accelerator no pool uses.
fn toml(s: &Spec, k: f64, extra_rule: bool) -> String {
    let mut o = String::from(
        "name = \"prop\"\nstart = \"2025-08-15\"\nhorizon_days = 10\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n",
    );
    for (name, origin, peak) in CHIPS {
        o.push_str(&format!(
            "[[accelerators]]\nname = \"{name}\"\nvendor = \"Acme\"\norigin = \"{origin}\"\npeak_bf16 = {{ value = {peak:e} }}\npeak_fp8 = {{ value = {:e} }}\nhbm_capacity = {{ value = 2e11 }}\nhbm_bandwidth = {{ value = 3e12 }}\ntdp = {{ value = 800 }}\nnode_size = {{ value = 1 }}\n\n",
            2.0 * peak
        ));
    }
    for (i, p) in s.pools.iter().enumerate() {
        o.push_str(&format!(
            "[[pools]]\nname = \"p{i}\"\naccelerator = \"{}\"\n",
            CHIPS[p.chip].0
        ));
        match &p.own {
            Own::Owned(n) => o.push_str(&format!("count = {n}\nownership = {{ kind = \"owned\", sunk = true }}\n")),
            Own::Buy { price, max, lead } => o.push_str(&format!(
                "ownership = {{ kind = \"purchasable\", unit_price_usd = {}{}, lead_time_days = {lead} }}\n",
                price * k,
                max.map_or(String::new(), |m| format!(", max = {m}"))
            )),
            Own::Rent { per_hour, max } => o.push_str(&format!(
                "ownership = {{ kind = \"rentable\", usd_per_hour = {}{} }}\n",
                per_hour * k,
                max.map_or(String::new(), |m| format!(", max = {m}"))
            )),
        }
        if let Some(e) = p.energy {
            o.push_str(&format!("energy_usd_per_kwh = {}\n", e * k));
        }
        o.push_str(&format!(
            "availability = {}\nmfu = {{ pretraining = 0.4 }}\nmtbf_hours = 1e12\n\n",
            p.availability
        ));
    }
    for (i, ph) in s.phases.iter().enumerate() {
        match ph {
            PhaseSpec::Train { devices, start, deadline } => o.push_str(&format!(
                "[[phases]]\nname = \"t{i}\"\nkind = \"pretraining\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"bf16\"\nflops = {:e}\nstart_day = {start}\ndeadline_days = {deadline}\n\n",
                devices * 4e14 * 86_400.0 * f64::from(deadline - start)
            )),
            PhaseSpec::Serve { input, output, from } => {
                o.push_str(&format!(
                    "[[phases]]\nname = \"s{i}\"\nkind = \"inference\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"fp8\"\ntokens_per_day = {{ input = {input:e}, output = {output:e} }}\nfrom_day = {from}\n"
                ));
                for (c, _, peak) in CHIPS {
                    o.push_str(&format!(
                        "[[phases.measured]]\naccelerator = \"{c}\"\nprefill_tokens_per_s = {}\ndecode_tokens_per_s = {}\n",
                        peak / 1e11,
                        peak / 1e12
                    ));
                }
                o.push('\n');
            }
        }
    }
    if let Some((training, min)) = s.share {
        o.push_str(&format!(
            "[[policy.domestic_share]]\nphase_kind = \"{}\"\nmin = {min}\n\n",
            if training { "pretraining" } else { "inference" }
        ));
    }
    if extra_rule {
        o.push_str("[[policy.rules]]\naccelerators = [\"B200\"]\ndestination = \"CN\"\nfrom = \"2024-01-01\"\nstatus = \"prohibited\"\n\n");
    }
    o.push_str(&format!(
        "[budget]\nenergy = {{ usd_per_kwh = {}, pue = 1.2 }}\n",
        0.1 * k
    ));
    if let Some(b) = s.opex {
        o.push_str(&format!("opex_usd = {}\n", b * k));
    }
    o
}

fn run(text: &str) -> Option<Plan> {
    let s = Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // A random scenario may have a phase no pool can run: not a plan.
    let vs = s.validate().ok()?;
    Some(
        plan(&vs, &PlanOptions::default().with_fractional(true))
            .unwrap_or_else(|e| panic!("{e}\n{text}")),
    )
}

fn cost(p: &Plan) -> Option<f64> {
    (p.status == PlanStatus::Optimal).then(|| p.cost.total_usd.get())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every optimal plan verifies; the compiled model written as MPS and
    /// read back re-solves to the same objective.
    #[test]
    fn optimal_plans_verify_and_export(spec in spec_strategy()) {
        let text = toml(&spec, 1.0, false);
        let Some(p) = run(&text) else { return Ok(()) };
        if p.status == PlanStatus::Optimal {
            prop_assert!(p.verified, "{}\n{}", p.verification, text);
        }
        let vs = Scenario::from_toml_str(&text).expect("parses").validate().expect("valid");
        let perf = PerfModel::new(&vs);
        let c = compile(&vs, &perf, &CompileOptions { fractional: true, ..CompileOptions::default() }).expect("compiles");
        let mut buf = Vec::new();
        write_mps(c.model(), &mut buf, MpsFormat::Free).expect("writes");
        let back = read_mps(std::str::from_utf8(&buf).expect("utf8"), MpsFormat::Free).expect("reads");
        let s = solver::solve(&back, &SolveOptions::default()).expect("solves");
        match cost(&p) {
            Some(c0) => {
                prop_assert_eq!(s.status, Status::Optimal);
                prop_assert!(close(s.objective.expect("objective"), c0), "{:?} vs {}", s.objective, c0);
            }
            None => prop_assert_eq!(p.status == PlanStatus::Infeasible, s.status == Status::Infeasible),
        }
    }

    /// The efficiency matrix (which evaluates each phase once per class of
    /// pools with the same rate inputs) equals pair-by-pair evaluation,
    /// bit for bit, entry for entry; duplicating every pool changes no rate.
    #[test]
    fn efficiency_matrix_equals_pairwise_rates(spec in spec_strategy()) {
        let mut twice = spec.clone();
        twice.pools.extend(spec.pools.iter().cloned());
        for s in [&spec, &twice] {
            let text = toml(s, 1.0, false);
            let vs = Scenario::from_toml_str(&text).expect("parses").validate().expect("valid");
            let perf = PerfModel::new(&vs);
            let m = perf.matrix();
            for p in vs.phase_ids() {
                let row = m.row(p);
                prop_assert_eq!(row.len(), vs.phase(p).eligible_pools().len());
                for (e, &k) in row.iter().zip(vs.phase(p).eligible_pools()) {
                    prop_assert_eq!(e.pool, k);
                    let (share, min, hours, unfit) = match perf.pair(p, k) {
                        Ok(PairRate::Training(t)) => (t.share_per_device_hour, t.min_devices, t.hours.get(), None),
                        Ok(PairRate::Inference(i)) => (i.share_per_device, i.replica, 0.0, None),
                        Err(u) => (0.0, 0, 0.0, Some(u)),
                    };
                    prop_assert_eq!(e.share.to_bits(), share.to_bits());
                    prop_assert_eq!(e.min_devices, min);
                    prop_assert_eq!(e.hours.to_bits(), hours.to_bits());
                    prop_assert_eq!(e.unfit, unfit);
                }
            }
            if std::ptr::eq(s, &twice) {
                // the copy of pool k is pool k + n: the same rate for every phase
                let n = spec.pools.len();
                for p in vs.phase_ids() {
                    let row = m.row(p);
                    for e in row.iter().filter(|e| e.pool.index() < n) {
                        let copy = row.iter().find(|f| f.pool.index() == e.pool.index() + n);
                        prop_assert!(copy.is_some_and(|f| f.share.to_bits() == e.share.to_bits() && f.min_devices == e.min_devices));
                    }
                }
            }
        }
    }

    /// The planner's own compiled models solved by sifting agree with the
    /// general engine (status, objective to 1e-7 relative) and both pass
    /// the certificate check.
    #[test]
    fn sifting_agrees_on_compiled_models(spec in spec_strategy()) {
        let text = toml(&spec, 1.0, false);
        let Ok(vs) = Scenario::from_toml_str(&text).expect("parses").validate() else { return Ok(()) };
        let perf = PerfModel::new(&vs);
        let c = compile(&vs, &perf, &CompileOptions { fractional: true, ..CompileOptions::default() }).expect("compiles");
        let general = solver::solve(c.model(), &SolveOptions::default().with_structure(Structure::General)).expect("solves");
        let sifted = solver::solve(c.model(), &SolveOptions::default().with_structure(Structure::Sifting)).expect("solves");
        let tol = solver::certificate::CheckTolerances::default();
        let rg = solver::certificate::check(&c.model().relaxation(), &general, &tol);
        prop_assert!(rg.is_ok(), "general: {:?}\n{}", rg.failures().collect::<Vec<_>>(), text);
        let rs = solver::certificate::check(&c.model().relaxation(), &sifted, &tol);
        prop_assert!(rs.is_ok(), "sifting: {:?}\n{}", rs.failures().collect::<Vec<_>>(), text);
        prop_assert_eq!(sifted.status, general.status, "{}", text);
        if general.status == Status::Optimal {
            let (a, b) = (sifted.objective.expect("objective"), general.objective.expect("objective"));
            prop_assert!((a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0), "{} vs {}\n{}", a, b, text);
        }
    }

    /// Multiplying every price by k multiplies the optimal cost by k.
    #[test]
    fn prices_times_k(spec in spec_strategy(), k in 0.1f64..10.0) {
        let Some(a) = run(&toml(&spec, 1.0, false)) else { return Ok(()) };
        let Some(b) = run(&toml(&spec, k, false)) else { return Ok(()) };
        match (cost(&a), cost(&b)) {
            (Some(x), Some(y)) => prop_assert!(close(y, k * x), "{} vs {} x {}", y, k, x),
            (None, None) => {}
            (x, y) => prop_assert!(false, "status changed: {:?} {:?}", x, y),
        }
    }

    /// Adding a pool never raises the optimum (and never makes a feasible
    /// scenario infeasible).
    #[test]
    fn adding_a_pool_never_raises_the_optimum(spec in spec_strategy(), extra in pool_strategy()) {
        let Some(a) = run(&toml(&spec, 1.0, false)) else { return Ok(()) };
        let mut more = spec.clone();
        more.pools.push(extra);
        let Some(b) = run(&toml(&more, 1.0, false)) else { return Ok(()) };
        if let Some(x) = cost(&a) {
            let y = cost(&b);
            prop_assert!(y.is_some(), "became infeasible");
            prop_assert!(y.unwrap_or(f64::INFINITY) <= x + 1e-6 * (1.0 + x), "{:?} > {}", y, x);
        }
    }

    /// Tightening a domestic share never lowers the optimum.
    #[test]
    fn tightening_a_domestic_share_never_lowers_it(spec in spec_strategy(), training in any::<bool>(), lo in 0.0f64..0.5, more in 0.0f64..0.5) {
        let mut a = spec.clone();
        a.share = Some((training, lo));
        let mut b = spec;
        b.share = Some((training, (lo + more).min(1.0)));
        let (Some(pa), Some(pb)) = (run(&toml(&a, 1.0, false)), run(&toml(&b, 1.0, false))) else { return Ok(()) };
        if let Some(y) = cost(&pb) {
            let x = cost(&pa);
            prop_assert!(x.is_some(), "looser share infeasible but tighter feasible");
            prop_assert!(y + 1e-6 * (1.0 + y) >= x.unwrap_or(0.0), "{} < {:?}", y, x);
        }
    }

    /// The same input gives the same plan, byte for byte.
    #[test]
    fn plans_are_deterministic(spec in spec_strategy()) {
        let text = toml(&spec, 1.0, false);
        let (Some(a), Some(b)) = (run(&text), run(&text)) else { return Ok(()) };
        prop_assert_eq!(a.to_json().expect("json"), b.to_json().expect("json"));
    }

    /// A rule about an accelerator no pool uses changes nothing.
    #[test]
    fn rule_about_an_unused_accelerator_changes_nothing(spec in spec_strategy()) {
        let (Some(a), Some(b)) = (run(&toml(&spec, 1.0, false)), run(&toml(&spec, 1.0, true))) else { return Ok(()) };
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(a.to_json().expect("json"), b.to_json().expect("json"));
    }
}

/// The generator is worth its salt: a fixed sample of scenarios has plenty
/// of optimal plans, some infeasible ones, purchases and domestic shares.
#[test]
fn generator_covers_the_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let (mut optimal, mut infeasible, mut invalid, mut bought) = (0, 0, 0, 0);
    for _ in 0..200 {
        let spec = spec_strategy()
            .new_tree(&mut runner)
            .expect("tree")
            .current();
        match run(&toml(&spec, 1.0, false)) {
            None => invalid += 1,
            Some(p) if p.status == PlanStatus::Optimal => {
                optimal += 1;
                bought += usize::from(!p.purchases.is_empty());
            }
            Some(p) if p.status == PlanStatus::Infeasible => infeasible += 1,
            Some(_) => {}
        }
    }
    eprintln!(
        "optimal {optimal}, infeasible {infeasible}, invalid {invalid}, with purchases {bought}"
    );
    assert!(optimal >= 60, "optimal {optimal}");
    assert!(infeasible >= 5, "infeasible {infeasible}");
    assert!(bought >= 10, "with purchases {bought}");
}

proptest! {
    // Random tiny MILPs with identical pools can need 10^5 nodes (symmetry);
    // fewer cases, a fixed seed and a time limit per MILP keep this short
    // and its duration the same on every run.
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_f1ee),
        ..ProptestConfig::default()
    })]

    /// Whole-device plans (a MILP): every optimal one verifies, holds whole
    /// devices, costs at least the fractional plan (its relaxation), and the
    /// exported MIP re-solves to the same objective; a scenario with a
    /// fractional plan but no whole one is reported infeasible, not wrong.
    #[test]
    fn whole_device_plans_verify_and_bound_the_relaxation(spec in spec_strategy()) {
        let text = toml(&spec, 1.0, false);
        let Some(frac) = run(&text) else { return Ok(()) };
        let vs = Scenario::from_toml_str(&text).expect("parses").validate().expect("valid");
        let limit = Some(std::time::Duration::from_secs(5));
        let opts = PlanOptions::default();
        // The planner's gap for the re-solve too; the limit caps each solve.
        let solver_opts = opts
            .solver
            .clone()
            .with_time_limit(limit)
            .with_relative_gap(PlanOptions::DEFAULT_MIP_GAP);
        let w = plan(&vs, &opts.with_solver(solver_opts.clone())).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let f = cost(&frac);
        match w.status {
            PlanStatus::Optimal | PlanStatus::Feasible => {
                let Some(f) = f else {
                    return Err(TestCaseError::fail(format!("whole-device plan without a fractional one\n{text}")));
                };
                let c = w.cost.total_usd.get();
                prop_assert!(w.verified, "{}\n{}", w.verification, text);
                prop_assert!(w.whole_devices);
                prop_assert!(c >= f - 1e-6 * (1.0 + f.abs()), "whole {} < fractional {}", c, f);
                for a in &w.assignments {
                    prop_assert!((a.devices.get() - a.devices.get().round()).abs() < 1e-9);
                }
                if w.status == PlanStatus::Feasible {
                    // stopped by the time limit: an honest, positive gap
                    prop_assert!(w.gap > 0.0);
                    return Ok(());
                }
                prop_assert!(w.gap <= 1e-6);
                let perf = PerfModel::new(&vs);
                let m = compile(&vs, &perf, &CompileOptions::default()).expect("compiles");
                let mut buf = Vec::new();
                write_mps(m.model(), &mut buf, MpsFormat::Free).expect("writes");
                let back = read_mps(std::str::from_utf8(&buf).expect("utf8"), MpsFormat::Free).expect("reads");
                let s = solver::solve(&back, &solver_opts).expect("solves");
                if s.status == Status::Optimal {
                    // both within the 1e-6 relative gap of the same optimum
                    let o = s.objective.expect("objective");
                    prop_assert!((o - c).abs() <= 3e-6 * (1.0 + c.abs()), "{} vs {}", o, c);
                } else {
                    prop_assert_eq!(s.status, Status::Feasible);
                }
            }
            _ => {}
        }
    }
}
