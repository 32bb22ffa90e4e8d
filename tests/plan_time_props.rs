//! Properties of time-phased planning on random scenarios (periods, export
//! rules that start and end inside the horizon, rules on use, licences with
//! per-period quotas, delivery schedules, dated and growing peak-sized
//! demand, domestic shares from a date, depreciated or cash capital):
//!
//! * every plan verifies, fractional (an LP) and in whole devices (a MILP
//!   under a small time limit, `feasible` with an honest gap accepted), and
//!   the exported MPS re-solves to the same objective with our engine;
//! * metamorphic relations where they hold exactly: prices × k ⇒ cost × k;
//!   a rule in force only after the horizon changes nothing; adding a
//!   delivery cap never lowers the cost; splitting the horizon into periods
//!   (no per-period rule, cash capital, no growth) never raises the cost
//!   and leaves it unchanged when nothing is purchasable (why it can lower
//!   it otherwise: DESIGN.md, "Why periods only add options");
//! * a small instance of the scale generator (`tests/common/timegen.rs`,
//!   which `benches/plan_time.rs` runs at 24 × 500 × 100) plans and
//!   verifies.

#[path = "common/timegen.rs"]
mod timegen;

use fleetplan::model::mps::{MpsFormat, read_mps, write_mps};
use fleetplan::perf::PerfModel;
use fleetplan::plan::{CompileOptions, Plan, PlanOptions, PlanStatus, compile, plan};
use fleetplan::scenario::{Scenario, ValidatedScenario};
use fleetplan::solver::{self, SolveOptions, Status};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::fmt::Write as _;

const HORIZON: u32 = 30;

#[derive(Debug, Clone)]
enum Own {
    Owned {
        n: u32,
        sunk: bool,
    },
    Rent {
        per_hour: f64,
        max: Option<u32>,
        from: Option<u32>,
    },
    Buy {
        price: f64,
        max: Option<u32>,
        lead: u32,
        life: Option<(u32, f64)>,
    },
}

#[derive(Debug, Clone)]
struct PoolSpec {
    chip: usize,
    own: Own,
    energy: Option<f64>,
    availability: f64,
    /// Delivery steps `(day, cap)` (used only with periods).
    deliveries: Vec<(u32, u32)>,
}

#[derive(Debug, Clone)]
enum PhaseSpec {
    Train {
        devices: f64,
        start: u32,
        len: u32,
        single: bool,
    },
    Serve {
        output: f64,
        from: u32,
        /// Later steps `(day, factor on the first step's demand)`.
        steps: Vec<(u32, f64)>,
        growth: f64,
        peak: f64,
    },
}

#[derive(Debug, Clone)]
enum RuleSpec {
    /// A prohibition of selling the chip, in force `[from, until)`.
    Prohibit {
        chip: usize,
        from: u32,
        until: Option<u32>,
    },
    /// A licence with a levy, and a quota (per period when periods are set
    /// and `per_period`), in force `[from, until)`.
    Licence {
        chip: usize,
        from: u32,
        until: Option<u32>,
        levy: f64,
        quota: Option<(u32, bool)>,
    },
    /// A rule on use from `from`.
    Use { chip: usize, from: u32 },
}

#[derive(Debug, Clone)]
struct Spec {
    period: Option<u32>,
    cash: bool,
    pools: Vec<PoolSpec>,
    phases: Vec<PhaseSpec>,
    rules: Vec<RuleSpec>,
    share: Option<(bool, f64, u32)>,
    capex_budget: Option<f64>,
}

/// Made-up chips: (name, origin, BF16 peak).
const CHIPS: [(&str, &str, f64); 3] = [
    ("Acme X", "US", 1e15),
    ("Acme D", "CN", 1e15),
    ("Acme Y", "US", 6e14),
];

/// Issuers: each rule its own, so no two rules of one issuer conflict.
const ISSUERS: [&str; 6] = ["US", "NL", "JP", "KR", "TW", "CN"];

fn day() -> impl Strategy<Value = u32> {
    1u32..HORIZON
}

fn pool_strategy() -> impl Strategy<Value = PoolSpec> {
    let own = prop_oneof![
        (10u32..300, any::<bool>()).prop_map(|(n, sunk)| Own::Owned { n, sunk }),
        (
            0.5f64..5.0,
            proptest::option::of(20u32..400),
            proptest::option::weighted(0.3, day())
        )
            .prop_map(|(per_hour, max, from)| Own::Rent {
                per_hour,
                max,
                from
            }),
        (
            1_000.0f64..40_000.0,
            proptest::option::of(20u32..500),
            prop_oneof![Just(0u32), Just(3), Just(7), Just(10)],
            proptest::option::weighted(0.3, (1u32..6, 0.0f64..0.5))
        )
            .prop_map(|(price, max, lead, life)| Own::Buy {
                price,
                max,
                lead,
                life
            }),
    ];
    (
        0usize..3,
        own,
        proptest::option::of(0.03f64..0.2),
        0.8f64..=1.0,
        proptest::collection::vec((0u32..HORIZON, 0u32..300), 0..3),
    )
        .prop_map(|(chip, own, energy, availability, deliveries)| PoolSpec {
            chip,
            own,
            energy,
            availability,
            deliveries,
        })
}

fn phase_strategy() -> impl Strategy<Value = PhaseSpec> {
    prop_oneof![
        (
            5.0f64..300.0,
            0u32..15,
            5u32..=30,
            proptest::bool::weighted(0.2)
        )
            .prop_map(|(devices, start, len, single)| PhaseSpec::Train {
                devices,
                start,
                len: len.min(HORIZON - start),
                single,
            }),
        (
            1e8f64..5e9,
            0u32..15,
            proptest::collection::vec((day(), 0.3f64..3.0), 0..3),
            prop_oneof![Just(0.0), 0.0f64..0.3],
            prop_oneof![Just(1.0), 1.0f64..1.5],
        )
            .prop_map(|(output, from, steps, growth, peak)| PhaseSpec::Serve {
                output,
                from,
                steps,
                growth,
                peak
            }),
    ]
}

fn rule_strategy() -> impl Strategy<Value = RuleSpec> {
    prop_oneof![
        (0usize..3, 0u32..HORIZON, proptest::option::of(day()))
            .prop_map(|(chip, from, until)| RuleSpec::Prohibit { chip, from, until }),
        (
            0usize..3,
            0u32..HORIZON,
            proptest::option::of(day()),
            0.0f64..0.5,
            proptest::option::of((10u32..300, any::<bool>()))
        )
            .prop_map(|(chip, from, until, levy, quota)| RuleSpec::Licence {
                chip,
                from,
                until,
                levy,
                quota
            }),
        (0usize..3, day()).prop_map(|(chip, from)| RuleSpec::Use { chip, from }),
    ]
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![Just(None), Just(Some(10u32)), Just(Some(15)), Just(Some(7))],
        any::<bool>(),
        proptest::collection::vec(pool_strategy(), 1..5),
        proptest::collection::vec(phase_strategy(), 1..4),
        proptest::collection::vec(rule_strategy(), 0..3),
        proptest::option::of((any::<bool>(), 0.0f64..0.6, 0u32..HORIZON)),
        proptest::option::weighted(0.2, 1e5f64..1e7),
    )
        .prop_map(
            |(period, cash, pools, phases, rules, share, capex_budget)| Spec {
                period,
                cash,
                pools,
                phases,
                rules,
                share,
                capex_budget,
            },
        )
}

/// Variations of a spec's text for the metamorphic relations.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    /// Every price multiplied by this.
    k: f64,
    /// A prohibition of every chip in force only after the horizon.
    rule_after_horizon: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            k: 1.0,
            rule_after_horizon: false,
        }
    }
}

fn date(d: u32) -> String {
    fleetplan::units::Date::new(2025, 8, 15)
        .expect("a calendar day")
        .checked_add_days(i64::from(d))
        .expect("in the calendar")
        .to_string()
}

fn toml(s: &Spec, kn: Knobs) -> String {
    let k = kn.k;
    let mut o = format!(
        "name = \"time-prop\"\nstart = \"{}\"\nhorizon_days = {HORIZON}\njurisdiction = \"CN\"\nobjective = \"min_cost\"\n",
        date(0)
    );
    if let Some(p) = s.period {
        let _ = writeln!(o, "period_days = {p}");
    }
    if s.cash {
        o.push_str("[economics]\ncapex = \"cash\"\n\n");
    }
    for (name, origin, peak) in CHIPS {
        let _ = write!(
            o,
            "[[accelerators]]\nname = \"{name}\"\nvendor = \"Acme\"\norigin = \"{origin}\"\npeak_bf16 = {{ value = {peak:e} }}\npeak_fp8 = {{ value = {:e} }}\nhbm_capacity = {{ value = 2e11 }}\nhbm_bandwidth = {{ value = 3e12 }}\ntdp = {{ value = 800 }}\nnode_size = {{ value = 1 }}\n\n",
            2.0 * peak
        );
    }
    for (i, p) in s.pools.iter().enumerate() {
        let _ = writeln!(
            o,
            "[[pools]]\nname = \"p{i}\"\naccelerator = \"{}\"",
            CHIPS[p.chip].0
        );
        match &p.own {
            Own::Owned { n, sunk } => {
                let _ = writeln!(
                    o,
                    "count = {n}\nownership = {{ kind = \"owned\", sunk = {sunk}{} }}",
                    if *sunk {
                        String::new()
                    } else {
                        format!(
                            ", unit_price_usd = {}, depreciation_days = 1000",
                            20_000.0 * k
                        )
                    }
                );
            }
            Own::Rent {
                per_hour,
                max,
                from,
            } => {
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"rentable\", usd_per_hour = {}{} }}{}",
                    per_hour * k,
                    max.map_or(String::new(), |m| format!(", max = {m}")),
                    from.map_or(String::new(), |d| format!(
                        "\navailable_from = \"{}\"",
                        date(d)
                    ))
                );
            }
            Own::Buy {
                price,
                max,
                lead,
                life,
            } => {
                let _ = writeln!(
                    o,
                    "ownership = {{ kind = \"purchasable\", unit_price_usd = {}{}, lead_time_days = {lead} }}",
                    price * k,
                    max.map_or(String::new(), |m| format!(", max = {m}"))
                );
                if let Some((years, residual)) = life {
                    let _ = writeln!(o, "life_years = {years}\nresidual_fraction = {residual}");
                }
                if s.period.is_some() && !p.deliveries.is_empty() {
                    let mut steps = p.deliveries.clone();
                    steps.sort_unstable();
                    steps.dedup_by_key(|d| d.0);
                    let list: Vec<String> = steps
                        .iter()
                        .map(|(d, c)| {
                            format!("{{ from = \"{}\", max_per_period = {c} }}", date(*d))
                        })
                        .collect();
                    let _ = writeln!(o, "deliveries = [{}]", list.join(", "));
                }
            }
        }
        if let Some(e) = p.energy {
            let _ = writeln!(o, "energy_usd_per_kwh = {}", e * k);
        }
        let _ = writeln!(
            o,
            "availability = {}\nmfu = {{ pretraining = 0.4 }}\nmtbf_hours = 1e12\n",
            p.availability
        );
    }
    for (i, ph) in s.phases.iter().enumerate() {
        match ph {
            PhaseSpec::Train {
                devices,
                start,
                len,
                single,
            } => {
                let _ = writeln!(
                    o,
                    "[[phases]]\nname = \"t{i}\"\nkind = \"pretraining\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"bf16\"\nflops = {:e}\nstart_day = {start}\ndeadline_days = {}{}\n",
                    devices * 4e14 * 86_400.0 * f64::from(*len),
                    start + len,
                    if *single { "\nsingle_pool = true" } else { "" }
                );
            }
            PhaseSpec::Serve {
                output,
                from,
                steps,
                growth,
                peak,
            } => {
                let mut list = vec![(*from, 1.0)];
                list.extend(steps.iter().filter(|(d, _)| d > from).copied());
                list.sort_by_key(|d| d.0);
                list.dedup_by_key(|d| d.0);
                let demand: Vec<String> = list
                    .iter()
                    .map(|(d, f)| {
                        format!(
                            "{{ from = \"{}\", input = {:e}, output = {:e} }}",
                            date(*d),
                            10.0 * output * f,
                            output * f
                        )
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "[[phases]]\nname = \"s{i}\"\nkind = \"inference\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"fp8\"\ntokens_per_day = [{}]\nfrom_day = {from}\ngrowth_per_month = {growth}\npeak_to_average = {peak}",
                    demand.join(", ")
                );
                for (c, _, peak) in CHIPS {
                    let _ = writeln!(
                        o,
                        "[[phases.measured]]\naccelerator = \"{c}\"\nprefill_tokens_per_s = {}\ndecode_tokens_per_s = {}",
                        peak / 1e11,
                        peak / 1e12
                    );
                }
                o.push('\n');
            }
        }
    }
    for (i, r) in s.rules.iter().enumerate() {
        let issuer = ISSUERS[i % ISSUERS.len()];
        let until = |u: &Option<u32>, from: u32| {
            u.filter(|&u| u > from)
                .map_or(String::new(), |u| format!("until = \"{}\"\n", date(u)))
        };
        match r {
            RuleSpec::Prohibit {
                chip,
                from,
                until: u,
            } => {
                let _ = writeln!(
                    o,
                    "[[policy.rules]]\naccelerators = [\"{}\"]\ndestination = \"CN\"\nissuer = \"{issuer}\"\nfrom = \"{}\"\n{}status = \"prohibited\"\n",
                    CHIPS[*chip].0,
                    date(*from),
                    until(u, *from)
                );
            }
            RuleSpec::Licence {
                chip,
                from,
                until: u,
                levy,
                quota,
            } => {
                let q = quota.map_or(String::new(), |(q, per)| {
                    format!(
                        "quota = {q}\n{}",
                        if per && s.period.is_some() {
                            "quota_per = \"period\"\n"
                        } else {
                            ""
                        }
                    )
                });
                let _ = writeln!(
                    o,
                    "[[policy.rules]]\naccelerators = [\"{}\"]\ndestination = \"CN\"\nissuer = \"{issuer}\"\nfrom = \"{}\"\n{}status = \"licensed\"\nlevy = {levy}\n{q}",
                    CHIPS[*chip].0,
                    date(*from),
                    until(u, *from)
                );
            }
            RuleSpec::Use { chip, from } => {
                let _ = writeln!(
                    o,
                    "[[policy.rules]]\naccelerators = [\"{}\"]\ndestination = \"CN\"\nissuer = \"{issuer}\"\nfrom = \"{}\"\nstatus = \"prohibited\"\nscope = \"use\"\n",
                    CHIPS[*chip].0,
                    date(*from)
                );
            }
        }
    }
    if kn.rule_after_horizon {
        let _ = writeln!(
            o,
            "[[policy.rules]]\naccelerators = [\"Acme X\", \"Acme D\", \"Acme Y\"]\ndestination = \"CN\"\nissuer = \"AE\"\nfrom = \"{}\"\nstatus = \"prohibited\"\nscope = \"use\"\n",
            date(HORIZON + 5)
        );
    }
    if let Some((training, min, from)) = s.share {
        let _ = writeln!(
            o,
            "[[policy.domestic_share]]\nphase_kind = \"{}\"\nmin = {min}\nfrom = \"{}\"\n",
            if training { "pretraining" } else { "inference" },
            date(from)
        );
    }
    let _ = writeln!(
        o,
        "[budget]\nenergy = {{ usd_per_kwh = {}, pue = 1.2 }}",
        0.1 * k
    );
    if let Some(b) = s.capex_budget {
        let _ = writeln!(o, "capex_usd = {}", b * k);
    }
    o
}

fn validated(text: &str) -> Option<ValidatedScenario> {
    let s = Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // A random scenario may have a phase no pool can run: not a plan.
    s.validate().ok()
}

fn run(text: &str) -> Option<Plan> {
    let vs = validated(text)?;
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

/// The fractional model of `vs` written as MPS, read back and solved by
/// our engine.
fn resolve_export(
    vs: &ValidatedScenario,
    fractional: bool,
    opts: &SolveOptions,
) -> solver::Solution {
    let perf = PerfModel::new(vs);
    let c = compile(
        vs,
        &perf,
        &CompileOptions {
            fractional,
            ..CompileOptions::default()
        },
    )
    .expect("compiles");
    let mut buf = Vec::new();
    write_mps(c.model(), &mut buf, MpsFormat::Free).expect("writes");
    let back = read_mps(std::str::from_utf8(&buf).expect("utf8"), MpsFormat::Free).expect("reads");
    solver::solve(&back, opts).expect("solves")
}

fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(128, 0x7133_0001))]

    /// Every optimal fractional plan verifies; the compiled model written
    /// as MPS and read back re-solves to the same objective (or the same
    /// infeasibility).
    #[test]
    fn time_phased_plans_verify_and_export(spec in spec_strategy()) {
        let text = toml(&spec, Knobs::default());
        let Some(vs) = validated(&text) else { return Ok(()) };
        let p = plan(&vs, &PlanOptions::default().with_fractional(true)).unwrap_or_else(|e| panic!("{e}\n{text}"));
        if p.status == PlanStatus::Optimal {
            prop_assert!(p.verified, "{}\n{}", p.verification, text);
        }
        let s = resolve_export(&vs, true, &SolveOptions::default());
        match cost(&p) {
            Some(c0) => {
                prop_assert_eq!(s.status, Status::Optimal, "{}", text);
                prop_assert!(close(s.objective.expect("objective"), c0), "{:?} vs {}\n{}", s.objective, c0, text);
            }
            None => prop_assert_eq!(p.status == PlanStatus::Infeasible, s.status == Status::Infeasible, "{}", text),
        }
    }

    /// Multiplying every price (purchases, rentals, energy, owned capital,
    /// and the capex budget with them) by k multiplies the optimal cost by
    /// k: levies are shares of prices and depreciation is linear in them.
    #[test]
    fn prices_times_k(spec in spec_strategy(), k in 0.1f64..10.0) {
        let Some(a) = run(&toml(&spec, Knobs::default())) else { return Ok(()) };
        let Some(b) = run(&toml(&spec, Knobs { k, ..Knobs::default() })) else { return Ok(()) };
        match (cost(&a), cost(&b)) {
            (Some(x), Some(y)) => prop_assert!(close(y, k * x), "{} vs {} x {}", y, k, x),
            (None, None) => {}
            (x, y) => prop_assert!(false, "status changed: {:?} {:?}", x, y),
        }
    }

    /// A rule in force only after the horizon (a rule on use of every chip)
    /// changes nothing: the same plan, byte for byte.
    #[test]
    fn a_rule_after_the_horizon_changes_nothing(spec in spec_strategy()) {
        let text = toml(&spec, Knobs::default());
        let later = toml(&spec, Knobs { rule_after_horizon: true, ..Knobs::default() });
        let (Some(a), Some(b)) = (run(&text), run(&later)) else { return Ok(()) };
        prop_assert_eq!(a.to_json().expect("json"), b.to_json().expect("json"), "{}", later);
    }

    /// Adding a delivery cap (from the start, or from a period boundary,
    /// days that are order days and cuts already) to a purchasable pool
    /// never lowers the cost, and never makes an infeasible scenario
    /// feasible.
    #[test]
    fn a_delivery_cap_never_lowers_the_cost(spec in spec_strategy(), which in any::<prop::sample::Index>(), step in 0u32..3, cap in 0u32..200) {
        let mut base = spec;
        let period = base.period.unwrap_or(10);
        base.period = Some(period);
        let buyers: Vec<usize> = base.pools.iter().enumerate().filter(|(_, p)| matches!(p.own, Own::Buy { .. }) && p.deliveries.is_empty()).map(|(i, _)| i).collect();
        if buyers.is_empty() {
            return Ok(());
        }
        let i = buyers[which.index(buyers.len())];
        let mut capped = base.clone();
        capped.pools[i].deliveries = vec![((step * period).min(HORIZON - 1) / period * period, cap)];
        let (Some(a), Some(b)) = (run(&toml(&base, Knobs::default())), run(&toml(&capped, Knobs::default()))) else { return Ok(()) };
        match (cost(&a), cost(&b)) {
            (Some(x), Some(y)) => prop_assert!(y + 1e-6 * (1.0 + y) >= x, "capped {} < {}", y, x),
            (None, Some(y)) => prop_assert!(false, "the cap made an infeasible scenario feasible ({})", y),
            _ => {}
        }
    }

    /// Periods without any per-period rule (no delivery schedule, no
    /// per-period quota, no domestic share), purchases charged as cash and
    /// no demand growth: splitting the horizon into periods never raises the
    /// optimum, and leaves it unchanged when no pool is purchasable (the
    /// extra cuts change nothing; only a purchasable pool gains options:
    /// orders on period boundaries, which cash makes no cheaper, and runs
    /// that start at their arrivals, which can be cheaper).
    #[test]
    fn periods_only_add_options(spec in spec_strategy(), period in prop_oneof![Just(7u32), Just(10), Just(15)]) {
        let mut base = spec;
        base.cash = true;
        base.share = None;
        for p in &mut base.pools {
            p.deliveries.clear();
        }
        for ph in &mut base.phases {
            if let PhaseSpec::Serve { growth, .. } = ph {
                *growth = 0.0;
            }
        }
        for r in &mut base.rules {
            if let RuleSpec::Licence { quota: Some((_, per)), .. } = r {
                *per = false;
            }
        }
        base.period = None;
        let mut split = base.clone();
        split.period = Some(period);
        let (Some(a), Some(b)) = (run(&toml(&base, Knobs::default())), run(&toml(&split, Knobs::default()))) else { return Ok(()) };
        let buys = base.pools.iter().any(|p| matches!(p.own, Own::Buy { .. }));
        match (cost(&a), cost(&b)) {
            (Some(x), Some(y)) => {
                prop_assert!(y <= x + 1e-6 * (1.0 + x), "periods raised the cost: {} > {}", y, x);
                if !buys {
                    prop_assert!(close(x, y), "periods changed the cost without purchases: {} vs {}", y, x);
                }
            }
            (Some(x), None) => prop_assert!(false, "periods made a feasible scenario ({}) infeasible", x),
            (None, Some(y)) => prop_assert!(buys, "periods made an infeasible scenario feasible ({}) without purchases", y),
            (None, None) => {}
        }
    }
}

proptest! {
    // Whole-device plans are MILPs: fewer cases, a fixed seed and a time
    // limit per solve keep this short; `feasible` with a gap is an honest
    // answer at the limit.
    #![proptest_config(config(32, 0x7133_0002))]

    /// Whole-device plans verify, cost at least the fractional plan, and
    /// their exported MILP re-solves to the same objective (within the
    /// gap).
    #[test]
    fn whole_device_time_phased_plans_verify(spec in spec_strategy()) {
        let text = toml(&spec, Knobs::default());
        let Some(vs) = validated(&text) else { return Ok(()) };
        let frac = plan(&vs, &PlanOptions::default().with_fractional(true)).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let limit = std::time::Duration::from_secs(3);
        let opts = PlanOptions::default().with_time_limit(limit);
        let w = plan(&vs, &opts).unwrap_or_else(|e| panic!("{e}\n{text}"));
        if !matches!(w.status, PlanStatus::Optimal | PlanStatus::Feasible) {
            return Ok(());
        }
        prop_assert!(w.verified, "{}\n{}", w.verification, text);
        prop_assert!(w.whole_devices);
        let c = w.cost.total_usd.get();
        let Some(f) = cost(&frac) else {
            return Err(TestCaseError::fail(format!("whole-device plan without a fractional one\n{text}")));
        };
        prop_assert!(c >= f - 1e-6 * (1.0 + f.abs()), "whole {} < fractional {}", c, f);
        if w.status == PlanStatus::Feasible {
            prop_assert!(w.gap > 0.0);
            return Ok(());
        }
        let sopts = SolveOptions::default()
            .with_time_limit(Some(limit))
            .with_relative_gap(PlanOptions::DEFAULT_MIP_GAP);
        let s = resolve_export(&vs, false, &sopts);
        if s.status == Status::Optimal {
            let o = s.objective.expect("objective");
            prop_assert!((o - c).abs() <= 3e-6 * (1.0 + c.abs()), "{} vs {}\n{}", o, c, text);
        } else {
            prop_assert_eq!(s.status, Status::Feasible);
        }
    }
}

/// The generator is worth its salt: a fixed sample has plenty of optimal
/// plans, purchases, orders after the start, rules changing inside the
/// horizon that bind, and infeasible cases.
#[test]
fn generator_covers_the_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[14; 32]),
    );
    let (mut optimal, mut infeasible, mut bought, mut later, mut periods) = (0, 0, 0, 0, 0);
    for _ in 0..150 {
        let spec = spec_strategy()
            .new_tree(&mut runner)
            .expect("tree")
            .current();
        periods += usize::from(spec.period.is_some());
        match run(&toml(&spec, Knobs::default())) {
            Some(p) if p.status == PlanStatus::Optimal => {
                optimal += 1;
                bought += usize::from(!p.purchases.is_empty());
                later += usize::from(p.purchases.iter().any(|b| b.ordered_day.get() > 0.0));
            }
            Some(p) if p.status == PlanStatus::Infeasible => infeasible += 1,
            _ => {}
        }
    }
    eprintln!(
        "optimal {optimal}, infeasible {infeasible}, with purchases {bought}, ordered after day 0 {later}, with periods {periods}"
    );
    assert!(optimal >= 60, "optimal {optimal}");
    assert!(infeasible >= 3, "infeasible {infeasible}");
    assert!(bought >= 10, "with purchases {bought}");
    assert!(later >= 3, "ordered after day 0 {later}");
}

/// A small instance of the scale generator (3 periods, 24 pools, 10
/// phases, both capital bases) plans fractionally to a verified optimum,
/// with purchases when they are depreciated; a smaller one (2 periods, 12
/// pools, 5 phases) plans in whole devices to a verified plan within 20 s.
#[test]
fn a_small_generated_timeline_plans_and_verifies() {
    let validated = |g: &timegen::TimeGen| {
        Scenario::from_toml_str(&g.toml())
            .expect("parses")
            .validate()
            .unwrap_or_else(|r| panic!("{r}"))
    };
    for g in [
        timegen::TimeGen::new(3, 24, 10, 1),
        timegen::TimeGen::new(3, 24, 10, 1).cash(),
    ] {
        let vs = validated(&g);
        assert_eq!(vs.periods().len(), 3);
        let p = plan(&vs, &PlanOptions::default().with_fractional(true)).expect("plans");
        assert_eq!(p.status, PlanStatus::Optimal);
        assert!(p.verified, "{}", p.verification);
        // over 90 days purchases pay only when depreciated (in cash a
        // $12-35k device costs more than 90 days of rent)
        if !g.cash {
            assert!(!p.purchases.is_empty(), "{}", p.to_table());
        }
    }
    let vs = validated(&timegen::TimeGen::new(2, 12, 5, 1));
    let f = plan(&vs, &PlanOptions::default().with_fractional(true)).expect("plans");
    assert_eq!(f.status, PlanStatus::Optimal);
    let w = plan(
        &vs,
        &PlanOptions::default()
            .with_time_limit(std::time::Duration::from_secs(20))
            .with_mip_gap(1e-4),
    )
    .expect("plans");
    assert!(
        matches!(w.status, PlanStatus::Optimal | PlanStatus::Feasible),
        "{:?}",
        w.status
    );
    assert!(w.verified, "{}", w.verification);
    assert!(w.cost.total_usd.get() >= f.cost.total_usd.get() * (1.0 - 1e-9));
}
