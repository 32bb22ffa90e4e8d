//! Extreme numbers in every numeric field of a valid scenario (issue 19,
//! item 2): the shipped `examples/scenarios/hybrid_fleet.toml`, plus the
//! `settings` numbers it leaves out, has each numeric leaf replaced in turn
//! by 0, −0, subnormals, ±1e±300, NaN, ±∞, `f64::MAX`, 2^64 (as a float,
//! and as an integer literal where the field is written as an integer) and
//! −1, written back as TOML (the one scenario format that can spell NaN
//! and infinities) and read, validated and planned with a 2 s budget.
//!
//! Every case must end in one of: a typed parse error; a validation report
//! whose issues all carry a code, a path and a fix, one of them at (or
//! inside) the field changed; or a plan within the budget + 1 s whose
//! status is honest (optimal and feasible plans verified). A panic fails
//! the test with the field and the value. The grid is exhaustive; the
//! proptest then draws arbitrary `f64` bit patterns into one to three
//! fields at once.

use fleetplan::ErrorKind;
use fleetplan::plan::{PlanOptions, PlanStatus, plan};
use fleetplan::scenario::Scenario;
use proptest::prelude::*;
use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(2);
const SLACK: Duration = Duration::from_secs(1);

/// Timed cases run one at a time (two shared cores), so that a case's
/// clock is its own.
static TIMED: Mutex<()> = Mutex::new(());

/// The base scenario as a JSON value, with `settings` numbers added.
fn base() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let text = include_str!("../examples/scenarios/hybrid_fleet.toml");
        let mut v: Value = toml::from_str(text).expect("the example is TOML");
        v["settings"] = serde_json::json!({ "time_limit_s": 30.0, "mip_gap": 1e-4 });
        v
    })
}

/// A numeric leaf: its path as validation writes it (`pools[3].count`),
/// the JSON pointer to it, and whether it is written as an integer.
#[derive(Debug, Clone)]
struct Leaf {
    path: String,
    pointer: String,
    integer: bool,
}

fn leaves() -> &'static [Leaf] {
    static L: OnceLock<Vec<Leaf>> = OnceLock::new();
    L.get_or_init(|| {
        fn walk(v: &Value, path: &str, pointer: &str, out: &mut Vec<Leaf>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        let p = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        walk(x, &p, &format!("{pointer}/{k}"), out);
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        walk(x, &format!("{path}[{i}]"), &format!("{pointer}/{i}"), out);
                    }
                }
                Value::Number(n) => out.push(Leaf {
                    path: path.to_owned(),
                    pointer: pointer.to_owned(),
                    integer: !n.is_f64(),
                }),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(base(), "", "", &mut out);
        out
    })
}

/// A value written into a field: a float, or an integer literal.
#[derive(Debug, Clone, Copy)]
enum X {
    F(f64),
    /// 2^64 written as a TOML integer (out of TOML's i64 range).
    TwoPow64Integer,
}

impl X {
    fn toml(self) -> String {
        match self {
            X::F(f) if f.is_nan() => "nan".into(),
            X::F(f) if f == f64::INFINITY => "inf".into(),
            X::F(f) if f == f64::NEG_INFINITY => "-inf".into(),
            X::F(f) => format!("{f:e}"),
            X::TwoPow64Integer => "18446744073709551616".into(),
        }
    }
}

const EXTREMES: [f64; 15] = [
    0.0,
    -0.0,
    5e-324,                  // the smallest subnormal
    f64::MIN_POSITIVE / 4.0, // a subnormal
    1e-300,
    -1e-300,
    1e300,
    -1e300,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    18_446_744_073_709_551_616.0, // 2^64
    -1.0,
    1.0,
];

/// The scenario text with each `(leaf, value)` written in.
fn mutant(changes: &[(&Leaf, X)]) -> String {
    let mut v = base().clone();
    for (k, (leaf, _)) in changes.iter().enumerate() {
        *v.pointer_mut(&leaf.pointer).expect("the leaf exists") = Value::String(format!("@X{k}@"));
    }
    let mut text = toml::to_string(&v).expect("a JSON value of a TOML text is TOML");
    for (k, (_, x)) in changes.iter().enumerate() {
        text = text.replace(&format!("\"@X{k}@\""), &x.toml());
    }
    text
}

/// What became of a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Outcome {
    ParseError,
    Refused,
    Planned(&'static str),
}

/// Whether no documented range holds `x` (NaN, an infinity, a negative
/// number, a magnitude of 1e300 or more): a refusal must then name its
/// field. (Tiny positive values are not wild: a fraction such as
/// `cache_hit` may be 1e-200; where a tiny value is refused, for prices,
/// the grid's tally shows it.) A value inside its own field's
/// range may still be refused for its relation to another field (a
/// horizon of 1 day shorter than a deadline), and that issue names the
/// other field.
fn wild(x: X) -> bool {
    match x {
        X::F(f) => !f.is_finite() || f < 0.0 || f.abs() >= 1e300,
        X::TwoPow64Integer => false,
    }
}

/// Reads, validates and plans `text`, asserting the contract in the
/// module docs; `fields` are the paths that must be named when refused
/// (those given a [`wild`] value).
fn check(what: &str, text: &str, fields: &[&str]) -> Outcome {
    check_read(
        what,
        Scenario::from_toml_str(text),
        fields,
        &PlanOptions::default(),
    )
}

/// [`check`] from the result of reading a scenario, planned with `opts`
/// and the budget.
fn check_read(
    what: &str,
    read: fleetplan::Result<Scenario>,
    fields: &[&str],
    opts: &PlanOptions,
) -> Outcome {
    let s = match read {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Parse, "{what}: {e}");
            assert!(!e.to_string().is_empty(), "{what}");
            return Outcome::ParseError;
        }
    };
    let _g = TIMED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let t0 = Instant::now();
    let vs = match s.validate() {
        Ok(vs) => vs,
        Err(r) => {
            assert!(!r.issues.is_empty(), "{what}: an empty report");
            for i in &r.issues {
                assert!(
                    i.code.as_str().starts_with("E-") && !i.path.is_empty() && !i.fix.is_empty(),
                    "{what}: an issue without code, path or fix: {i}"
                );
            }
            for f in fields {
                assert!(
                    r.issues
                        .iter()
                        .any(|i| f.starts_with(i.path.as_str()) || i.path.starts_with(f)),
                    "{what}: no issue names {f}: {r}"
                );
            }
            return Outcome::Refused;
        }
    };
    let p = plan(&vs, &opts.clone().with_time_limit(BUDGET));
    let el = t0.elapsed();
    assert!(
        el <= BUDGET + SLACK,
        "{what}: {:.3} s is past the budget",
        el.as_secs_f64()
    );
    match p {
        Ok(p) => {
            if matches!(p.status, PlanStatus::Optimal | PlanStatus::Feasible) {
                assert!(p.verified, "{what}: unverified plan: {}", p.verification);
            }
            Outcome::Planned(p.status.as_str())
        }
        // A cost needing a figure the scenario lacks is a documented,
        // typed refusal of `plan`.
        Err(e) if e.kind() == ErrorKind::Model => {
            eprintln!("{what}: {e}");
            Outcome::Planned("model-error")
        }
        // An option out of its documented range (`PlanOptions::with_mip_gap`).
        Err(e) if e.kind() == ErrorKind::Options => Outcome::Planned("options-error"),
        Err(e) => panic!(
            "{what}: planning a valid scenario failed ({:?}): {e}",
            e.kind()
        ),
    }
}

/// `check`, with a panic reported as a failure naming the input.
fn guarded(what: &str, text: &str, fields: &[&str]) -> Outcome {
    no_panic(what, || check(what, text, fields))
}

/// Runs `f`, turning a panic into a failure that names `what`.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(o) => o,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| e.downcast_ref::<&str>().copied())
                .unwrap_or("?");
            panic!("{what}: {msg}");
        }
    }
}

#[test]
fn the_base_scenario_plans() {
    let o = guarded("base", &mutant(&[]), &[]);
    assert!(
        matches!(o, Outcome::Planned("optimal" | "feasible")),
        "{o:?}"
    );
}

#[test]
fn every_numeric_field_takes_every_extreme_value() {
    let leaves = leaves();
    assert!(leaves.len() >= 60, "{} numeric fields", leaves.len());
    let mut tally = std::collections::BTreeMap::<Outcome, usize>::new();
    for leaf in leaves {
        let mut xs: Vec<X> = EXTREMES.iter().map(|&f| X::F(f)).collect();
        if leaf.integer {
            xs.push(X::TwoPow64Integer);
        }
        for x in xs {
            let what = format!("{} = {}", leaf.path, x.toml());
            let named: &[&str] = if wild(x) { &[&leaf.path] } else { &[] };
            let o = guarded(&what, &mutant(&[(leaf, x)]), named);
            *tally.entry(o).or_default() += 1;
        }
    }
    eprintln!("{} fields: {tally:?}", leaves.len());
    // Not vacuous: most extremes reach validation, and some (0 where 0 is
    // meaningful, 1) are valid and plan.
    let refused = tally.get(&Outcome::Refused).copied().unwrap_or(0);
    let planned: usize = tally
        .iter()
        .filter(|(o, _)| matches!(o, Outcome::Planned(_)))
        .map(|(_, n)| n)
        .sum();
    assert!(refused >= leaves.len() * 8, "{tally:?}");
    // Every figure a cost needs is in the base, so a typed refusal of
    // `plan` would be a compile bug (it was: `flops = 1`, tests/hostile.rs).
    assert!(
        !tally.contains_key(&Outcome::Planned("model-error")),
        "{tally:?}"
    );
    assert!(planned >= leaves.len() / 2, "{tally:?}");
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        proptest::sample::select(EXTREMES.to_vec()),
        (-320i32..310).prop_map(|e| 10f64.powi(e)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// One to three fields at once, any bit pattern.
    #[test]
    fn any_values_in_any_fields(
        picks in proptest::collection::vec((any::<proptest::sample::Index>(), any_f64()), 1..=3)
    ) {
        let leaves = leaves();
        let changes: Vec<(&Leaf, X)> = picks
            .iter()
            .map(|(i, f)| (i.get(leaves), X::F(*f)))
            .collect();
        let what = changes
            .iter()
            .map(|(l, x)| format!("{} = {}", l.path, x.toml()))
            .collect::<Vec<_>>()
            .join(", ");
        let fields: Vec<&str> = changes
            .iter()
            .filter(|(_, x)| wild(*x))
            .map(|(l, _)| l.path.as_str())
            .collect();
        guarded(&what, &mutant(&changes), &fields);
    }
}

/// The public API takes any `f64` without panicking (issue 19, item 2):
/// the unit constructors and conversions, the builders and options, the
/// sweep's `with_value` and the model builder. A value out of range comes
/// back as a typed error where the function returns `Result`, or is kept
/// and refused later by validation, `plan` or `solve` with a typed error.
#[test]
fn the_public_api_takes_any_f64() {
    use fleetplan::catalog::Peak;
    use fleetplan::model::{ModelBuilder, VarType};
    use fleetplan::solver::{SolveOptions, Tolerances, solve, time_limit_from_secs};
    use fleetplan::units::{
        Bytes, BytesPerSec, Flops, FlopsPerSec, Fraction, Hours, Seconds, Tokens, TokensPerSec,
        Usd, UsdPerKwh, Watts,
    };
    let quick = Scenario::from_toml_str(include_str!("../examples/scenarios/quickstart.toml"))
        .expect("the example parses");
    let serve = quick
        .phases
        .iter()
        .position(|p| !p.kind.is_training())
        .expect("the quickstart serves");
    let mut xs: Vec<f64> = EXTREMES.to_vec();
    xs.extend([0.5, 1e-6, 1e6, -1e-6]);
    let mut tally = std::collections::BTreeMap::<Outcome, usize>::new();
    let mut count = |o: Outcome| *tally.entry(o).or_default() += 1;
    for &x in &xs {
        let what = format!("{x:e}");
        no_panic(&what, || {
            // Units: checked constructors refuse, conversions never panic.
            let ok = x.is_finite() && x >= 0.0;
            assert_eq!(Usd::new(x).is_ok(), ok, "{what}");
            assert_eq!(Fraction::new(x).is_ok(), ok && x <= 1.0, "{what}");
            let _ = Fraction::from_percent(x);
            let c = Fraction::clamped(x).get();
            assert!((0.0..=1.0).contains(&c), "clamped {x:e} = {c}");
            let _ = (
                Hours::from_days(x),
                Hours::from_minutes(x),
                Seconds::from_millis(x),
            );
            let _ = (
                Hours::from_raw(x).to_seconds(),
                Seconds::from_raw(x).to_hours(),
            );
            let _ = (
                FlopsPerSec::from_tera(x),
                Peak::tera(x),
                Bytes::from_gb(x),
                Bytes::from_gib(x),
            );
            let _ = (
                BytesPerSec::from_gb_per_sec(x),
                BytesPerSec::from_tb_per_sec(x),
            );
            let _ = (Tokens::from_trillions(x), Usd::from_millions(x));
            let _ = Flops::from_raw(x).time_at(FlopsPerSec::from_raw(x));
            let _ = Tokens::from_raw(x).time_at(TokensPerSec::from_raw(x));
            let _ = Watts::from_raw(x).over(Hours::from_raw(x));
            let _ = fleetplan::cost::energy_rate(
                Watts::from_raw(x),
                Fraction::clamped(x),
                x,
                UsdPerKwh::from_raw(x),
            );
            let _ = fleetplan::perf::reliability::job_mtbf(Hours::from_raw(x), x);
            let _ = fleetplan::perf::fit::fit(
                &[1.0, x, 64.0],
                &[x, 0.5, 0.4],
                fleetplan::perf::fit::CurveForm::PowerLaw,
            );
            let _ = time_limit_from_secs(x);
        });

        // Builders on a phase and the energy price: validation refuses
        // what is out of range, naming the field, or the plan is verified.
        let mut s = quick.clone();
        s.phases[serve] = s.phases[serve].clone().with_peak_to_average(x);
        count(check_read(
            &format!("peak_to_average {what}"),
            Ok(s),
            &[],
            &PlanOptions::default(),
        ));
        let mut s = quick.clone();
        s.phases[serve] = s.phases[serve].clone().with_growth_per_month(x);
        count(check_read(
            &format!("growth_per_month {what}"),
            Ok(s),
            &[],
            &PlanOptions::default(),
        ));
        let mut s = quick.clone();
        s.budget.energy = Some(fleetplan::scenario::Energy::new(UsdPerKwh::from_raw(x), x));
        count(check_read(
            &format!("energy {what}"),
            Ok(s),
            &[],
            &PlanOptions::default(),
        ));

        // Options: an out-of-range gap is a typed Options error of `plan`.
        let o = check_read(
            &format!("mip_gap {what}"),
            Ok(quick.clone()),
            &[],
            &PlanOptions::default().with_mip_gap(x),
        );
        if !(0.0..=1.0).contains(&x) {
            assert_eq!(o, Outcome::Planned("options-error"), "mip_gap {what}");
        }
        count(o);

        // The sweep's setter: a parse error for what JSON cannot hold,
        // else whatever validation says.
        for path in [
            "horizon_days",
            "pools[0].count",
            "pools[1].ownership.usd_per_hour",
        ] {
            let what = format!("with_value {path} = {what}");
            let r = no_panic(&what, || fleetplan::sweep::with_value(&quick, path, x));
            count(check_read(&what, r, &[], &PlanOptions::default()));
        }

        // Solver options and the model builder, on a two-column MIP.
        no_panic(&format!("solver {what}"), || {
            let mut b = ModelBuilder::new("tiny");
            let a = b.add_col("a", x, Some(0.0), Some(x), VarType::Integer);
            let c = b.add_col("c", 1.0, Some(-x), None, VarType::Continuous);
            b.add_row_with("r", Some(1.0), Some(x), &[(a, x), (c, 1.0)]);
            b.set_objective_constant(x);
            let opts = [
                SolveOptions::default().with_relative_gap(x),
                SolveOptions::default().with_absolute_gap(x),
                SolveOptions::default().with_tolerances(
                    Tolerances::default()
                        .with_primal_feasibility(x)
                        .with_dual_feasibility(x)
                        .with_pivot(x)
                        .with_integrality(x),
                ),
                SolveOptions::default().with_time_limit(Some(Duration::from_secs(1))),
            ];
            match b.build() {
                Err(e) => assert_eq!(e.kind(), ErrorKind::Model, "{e}"),
                Ok(mut m) => {
                    let _ = m.set_cost(a, x);
                    let _ = m.set_col_bounds(c, Some(x), None);
                    for o in &opts {
                        let t0 = Instant::now();
                        if let Err(e) = solve(&m, o) {
                            assert!(
                                matches!(
                                    e.kind(),
                                    ErrorKind::Options | ErrorKind::Model | ErrorKind::Numerical
                                ),
                                "{e}"
                            );
                        }
                        assert!(t0.elapsed() < Duration::from_secs(5), "a two-column MIP");
                    }
                }
            }
        });
    }
    eprintln!("{tally:?}");
    assert!(
        tally
            .get(&Outcome::Planned("optimal"))
            .copied()
            .unwrap_or(0)
            >= 20,
        "{tally:?}"
    );
    assert!(
        tally.get(&Outcome::Refused).copied().unwrap_or(0) >= 20,
        "{tally:?}"
    );
    // Durations saturate: none and the largest both plan the quickstart.
    let vs = quick.validate().expect("valid");
    for t in [Duration::ZERO, Duration::MAX] {
        no_panic(&format!("time limit {t:?}"), || {
            plan(&vs, &PlanOptions::default().with_time_limit(t)).expect("plans or stops")
        });
    }
}
