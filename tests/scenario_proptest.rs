//! Property tests of scenario files and validation:
//!
//! * generated valid scenarios validate, and round-trip losslessly through
//!   TOML and JSON;
//! * parsing and validation never panic on arbitrary text, on randomly
//!   edited valid files, or on JSON trees with a random node replaced;
//! * a valid scenario with one field set to a bad value (NaN, negative,
//!   huge, zero, empty) is rejected with an issue at that field's path.
//!
//! Seeds are fixed (`RngSeed::Fixed`), so runs are reproducible; failures
//! are persisted under `proptest-regressions/`.

mod common;

use common::{BASE, raw};
use fleetplan::catalog::{AcceleratorPatch, Confidence, Country, Peak, Precision, Sourced};
use fleetplan::fleet::{Count, MfuOverrides, Ownership, Pool, SoftwareStack};
use fleetplan::policy::{DomesticShare, ExportRule, Justification, Requirement, RuleStatus};
use fleetplan::scenario::{Budget, Energy, Objective, Scenario, Settings};
use fleetplan::units::{Date, Fraction};
use fleetplan::workload::{
    DemandSchedule, LatencySlo, Measured, ModelArch, Phase, PhaseKind, TokenDemand,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}

/// Accelerators with a known BF16 peak, and their native stack.
const ACCS: &[(&str, SoftwareStack)] = &[
    ("A100", SoftwareStack::Cuda),
    ("H100", SoftwareStack::Cuda),
    ("H800 SXM5", SoftwareStack::Cuda),
    ("H20", SoftwareStack::Cuda),
    ("H200", SoftwareStack::Cuda),
    ("B200", SoftwareStack::Cuda),
    ("Ascend 910B", SoftwareStack::Cann),
    ("ascend 910c", SoftwareStack::Cann),
];
const COUNTRIES: &[&str] = &["CN", "US", "SG", "JP", "NL", "KR", "TW", "AE"];

fn country() -> impl Strategy<Value = Country> {
    prop::sample::select(COUNTRIES).prop_map(|c| Country::new(c).unwrap_or(Country::CN))
}

/// Any positive finite number, subnormals and huge ones included.
fn pos() -> impl Strategy<Value = f64> {
    prop_oneof![
        1e-3..1e7f64,
        prop::num::f64::POSITIVE | prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL,
    ]
    .prop_filter("positive finite", |v| v.is_finite() && *v > 0.0)
}

fn nonneg() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), pos()]
}

/// A valid `settings.time_limit_s`: in `(0, 10^6]`, tiny ones included.
fn time_limit() -> impl Strategy<Value = f64> {
    let max = fleetplan::solver::MAX_TIME_LIMIT_S;
    prop_oneof![1e-3..=max, pos().prop_map(move |v| v % max)].prop_filter("positive", |v| *v > 0.0)
}

fn frac() -> impl Strategy<Value = Fraction> {
    (0.0..=1.0f64).prop_map(raw)
}

fn open_frac() -> impl Strategy<Value = Fraction> {
    (1e-9..=1.0f64).prop_map(raw)
}

fn text() -> impl Strategy<Value = String> {
    any::<String>()
}

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(s)
}

fn count(max: u64) -> impl Strategy<Value = Count> {
    (0..=max).prop_map(Count::new)
}

fn date() -> impl Strategy<Value = Date> {
    (0i64..36_500).prop_map(|d| {
        Date::new(2000, 1, 1)
            .ok()
            .and_then(|x| x.checked_add_days(d))
            .unwrap_or(Date::MIN)
    })
}

fn date_range() -> impl Strategy<Value = (Option<Date>, Option<Date>)> {
    (opt(date()), opt(1i64..5000)).prop_map(|(from, len)| {
        let until = match (from, len) {
            (Some(f), Some(l)) => f.checked_add_days(l),
            (None, Some(l)) => Date::new(2030, 1, 1)
                .ok()
                .and_then(|d| d.checked_add_days(l)),
            _ => None,
        };
        (from, until)
    })
}

fn ownership(horizon: f64) -> impl Strategy<Value = Ownership> {
    prop_oneof![
        (opt(nonneg()), opt(pos())).prop_map(|(price, dep)| match (price, dep) {
            (Some(p), Some(d)) => Ownership::owned_amortised(raw(p), raw(d)),
            _ => Ownership::owned_sunk(),
        }),
        (nonneg(), opt(count(1_000_000))).prop_map(|(p, max)| Ownership::Rentable {
            usd_per_hour: raw(p),
            max,
        }),
        (
            nonneg(),
            opt(count(1_000_000)),
            opt(0.0..horizon),
            opt((1u64..64).prop_map(Count::new))
        )
            .prop_map(|(p, max, lt, g)| Ownership::Purchasable {
                unit_price_usd: raw(p),
                max,
                lead_time_days: lt.map(raw),
                granularity: g,
            }),
    ]
}

fn pool(i: usize, horizon: f64, force_owned: bool) -> impl Strategy<Value = Pool> {
    let own = if force_owned {
        (opt(nonneg()), opt(pos()))
            .prop_map(|(price, dep)| match (price, dep) {
                (Some(p), Some(d)) => Ownership::owned_amortised(raw(p), raw(d)),
                _ => Ownership::owned_sunk(),
            })
            .boxed()
    } else {
        ownership(horizon).boxed()
    };
    (
        (
            prop::sample::select(ACCS),
            "[a-z0-9-]{0,8}",
            own,
            count(1_000_000),
        ),
        (
            opt(country()),
            opt(open_frac()),
            any::<bool>(),
            opt((1u64..=384).prop_map(Count::new)),
        ),
        (opt(open_frac()), opt(open_frac()), opt(open_frac())),
        (
            opt(pos()),
            opt(nonneg()),
            opt(nonneg()),
            opt(nonneg()),
            opt(text()),
        ),
    )
        .prop_map(
            move |(
                (acc, suffix, own, n),
                (site, avail, other_sw, node),
                (m1, m2, m3),
                (mtbf, ck, rs, kwh, note),
            )| {
                let mut p = Pool::new(format!("pool-{i}{suffix}"), acc.0, own);
                if p.ownership.is_owned() {
                    p.count = Some(n);
                }
                p.site = site;
                p.availability = avail;
                p.software = Some(if other_sw {
                    SoftwareStack::Other
                } else {
                    acc.1
                });
                p.node_size = node;
                let mut mfu = MfuOverrides::default();
                mfu.pretraining = m1;
                mfu.posttraining = m2;
                mfu.inference = m3;
                p.mfu = mfu;
                p.mtbf_hours = mtbf.map(raw);
                p.checkpoint_write_s = ck.map(raw);
                p.restart_s = rs.map(raw);
                p.energy_usd_per_kwh = kwh.map(raw);
                p.note = note;
                p
            },
        )
}

fn model() -> impl Strategy<Value = ModelArch> {
    (
        1u64..2_000_000_000_000,
        opt(0.0..=1.0f64),
        prop::collection::vec(opt(1u64..100_000), 7),
        opt(pos()),
    )
        .prop_map(|(total, active, shape, kv)| {
            let mut m = ModelArch::dense(total);
            // active in [1, total]
            m.active_params =
                active.map(|f| Count::new(((total as f64 * f) as u64).clamp(1, total)));
            let c = |k: usize| shape[k].map(Count::new);
            m.layers = c(0);
            m.hidden = c(1);
            m.seq_len = c(2);
            m.heads = c(3);
            m.kv_heads = c(4);
            m.experts = c(5);
            m.active_experts = c(6);
            m.kv_bytes_per_token = kv.map(raw);
            m
        })
}

fn phase(i: usize, horizon: f64) -> impl Strategy<Value = Phase> {
    let kinds = prop::sample::select(PhaseKind::ALL);
    (
        (
            kinds,
            "[a-z0-9-]{0,8}",
            model(),
            prop::sample::select(Precision::ALL),
        ),
        (
            any::<bool>(),
            pos(),
            opt(0.0..0.5),
            opt(0.0..=1.0f64),
            any::<bool>(),
            opt(pos()),
        ),
        (opt((0u64..1000, 0u64..1000)), opt(text())),
        (
            pos(),
            pos(),
            opt(frac()),
            opt(1u64..1_000_000),
            opt(1u64..4096),
            opt((opt(pos()), opt(pos()))),
        ),
        prop::collection::vec((pos(), opt(pos()), opt(pos())), 0..3),
    )
        .prop_map(
            move |(
                (kind, suffix, model, precision),
                (by_tokens, work, start, end, single, ckpt),
                (devices, note),
                (input, output, hit, ctx, batch, lat),
                measured,
            )| {
                let name = format!("phase-{i}{suffix}");
                let start_day = start.map(|f| f * horizon);
                // end in (start, horizon]
                let end_day = end.map(|f| {
                    let s = start_day.unwrap_or(0.0);
                    let e = s + (horizon - s) * f.max(1e-6);
                    if e > s { e } else { horizon }
                });
                let mut p = if kind.is_training() {
                    let mut p = Phase::training(name, kind, model, precision);
                    if by_tokens {
                        p.tokens = Some(raw(work));
                    } else {
                        p.flops = Some(raw(work));
                    }
                    p.start_day = start_day.map(raw);
                    p.deadline_days = end_day.map(raw);
                    p.single_pool = single;
                    p.checkpoint_bytes = ckpt.map(raw);
                    p
                } else {
                    let mut d = TokenDemand::new(raw(input), raw(output));
                    d.cache_hit = hit;
                    let mut p = Phase::inference(name, model, precision, d);
                    p.from_day = start_day.map(raw);
                    p.until_day = end_day.map(raw);
                    p.context_length = ctx.map(Count::new);
                    p.batch = batch.map(Count::new);
                    p.latency = lat.map(|(t, f)| {
                        let mut l = LatencySlo::default();
                        l.tpot_s = t.map(raw);
                        l.ttft_s = f.map(raw);
                        l
                    });
                    for (k, (a, b, c)) in measured.into_iter().enumerate() {
                        let mut m = Measured::new(ACCS[k].0, raw(a), raw(1.0));
                        m.decode_tokens_per_s = b.map(raw);
                        m.at_tpot_s = c.map(raw);
                        m.sources.push(format!("https://example.org/{k}"));
                        p.measured.push(m);
                    }
                    p
                };
                // Every pool has a BF16 peak: the fallback keeps every phase
                // runnable on the owned pool.
                if precision != Precision::Bf16 {
                    p.fallback_precision = Some(Precision::Bf16);
                }
                if let Some((a, b)) = devices {
                    let (lo, hi) = (a.min(b), a.max(b).max(1));
                    p.min_devices = Some(Count::new(lo));
                    p.max_devices = Some(Count::new(hi));
                }
                p.note = note;
                p
            },
        )
}

fn rule(k: usize) -> impl Strategy<Value = ExportRule> {
    (
        prop::sample::subsequence(ACCS.iter().map(|a| a.0).collect::<Vec<_>>(), 0..4),
        prop::sample::subsequence(vec!["NVIDIA", "huawei"], 0..2),
        country(),
        prop::sample::select(RuleStatus::ALL),
        date_range(),
        (opt(frac()), opt(frac()), opt(0u64..100_000)),
        opt(text()),
    )
        .prop_map(
            move |(accs, vendors, dest, status, (from, until), (levy, pass, quota), note)| {
                let mut r = ExportRule::new(&accs, dest, status);
                if accs.is_empty() || !vendors.is_empty() {
                    r.vendors = vendors.iter().map(|v| (*v).to_string()).collect();
                    if r.vendors.is_empty() {
                        r.vendors.push("NVIDIA".into());
                    }
                }
                // Distinct issuers: rules compose and cannot conflict.
                r.issuer = Country::new(COUNTRIES[k % COUNTRIES.len()]).ok();
                r.from = from;
                r.until = until;
                if status == RuleStatus::Licensed {
                    r.levy = levy;
                    r.levy_pass_through = pass;
                    r.quota = quota.map(Count::new);
                }
                r.sources.push("https://www.federalregister.gov/".into());
                r.note = note;
                r
            },
        )
}

fn patch(k: usize) -> impl Strategy<Value = AcceleratorPatch> {
    (
        any::<bool>(),
        pos(),
        pos(),
        prop::sample::select(Confidence::ALL),
        opt(text()),
        any::<bool>(),
    )
        .prop_map(move |(new, peak, hbm, conf, note, unsupported)| {
            let mut p = if new {
                let mut p = AcceleratorPatch::new(format!("XPU-{k}"));
                p.vendor = Some("Acme".into());
                p.origin = Some(Country::new("JP").unwrap_or(Country::US));
                p.aliases.push(format!("Acme XPU {k}"));
                p
            } else {
                AcceleratorPatch::new(["H20", "Ascend 910C"][k % 2])
            };
            let mut s =
                Sourced::new(Peak::Dense(raw(peak)), conf).with_source("https://example.org/peak");
            s.note = note;
            p.peak_bf16 = Some(s);
            p.peak_fp4 = Some(if unsupported {
                Sourced::new(Peak::Unsupported, Confidence::Derived)
            } else {
                Sourced::unknown()
            });
            p.hbm_capacity = Some(Sourced::new(raw(hbm), Confidence::Secondary));
            p.notes.push(format!("patch {k}"));
            p
        })
}

prop_compose! {
    fn scenario()(horizon in 1.0..3650.0f64)(
        horizon in Just(horizon),
        name in "[A-Za-z][A-Za-z0-9 _-]{0,20}",
        description in opt(text()),
        start in date(),
        jurisdiction in country(),
        pools in (1usize..5).prop_flat_map(move |n| (0..n).map(|i| pool(i, horizon, i == 0)).collect::<Vec<_>>()),
        phases in (1usize..5).prop_flat_map(move |n| (0..n).map(|i| phase(i, horizon)).collect::<Vec<_>>()),
        objective in 0u8..4,
        rules in (0usize..4).prop_flat_map(|n| (0..n).map(rule).collect::<Vec<_>>()),
        shares in prop::sample::subsequence(PhaseKind::ALL.to_vec(), 0..3),
        share_params in prop::collection::vec((frac(), date_range()), 3),
        justification in opt((opt(prop::sample::select(Requirement::ALL)), opt(prop::sample::select(Requirement::ALL)), opt(date()))),
        budget in (opt(nonneg()), opt(nonneg()), opt(nonneg()), opt((nonneg(), opt(1.0..3.0f64)))),
        settings in (opt(frac()), opt(time_limit()), opt(any::<bool>())),
        patches in (0usize..3).prop_flat_map(|n| (0..n).map(patch).collect::<Vec<_>>()),
    ) -> Scenario {
        let mut s = Scenario::new(name, start, raw(horizon), jurisdiction);
        s.description = description;
        s.pools = pools;
        s.objective = match objective {
            0 => Objective::MinCost,
            1 => Objective::MaxServed,
            2 => Objective::DomesticFirst,
            // An inference phase has no finish to bring forward
            // (E-MAKESPAN-INFERENCE): name training phases only.
            _ => Objective::MinMakespan {
                phases: phases.iter().filter(|p| p.kind.is_training()).step_by(2).map(|p| p.name.clone()).collect(),
            },
        };
        s.phases = phases;
        s.policy.rules = rules;
        for (k, kind) in shares.into_iter().enumerate() {
            let (min, (from, until)) = share_params[k];
            let mut d = DomesticShare::new(kind, min);
            d.from = from;
            d.until = until;
            s.policy.domestic_share.push(d);
        }
        s.policy.justification = justification.map(|(p, r, from)| {
            let mut j = Justification::default();
            j.foreign_purchases = p;
            j.foreign_rentals = r;
            j.from = from;
            j
        });
        let (capex, opex, total, energy) = budget;
        let mut b = Budget::default();
        b.capex_usd = capex.map(raw);
        b.opex_usd = opex.map(raw);
        b.total_usd = total.map(raw);
        b.energy = energy.map(|(p, pue)| {
            let mut e = Energy::new(raw(p), 1.0);
            e.pue = pue;
            e
        });
        s.budget = b;
        let (gap, limit, whole) = settings;
        let mut st = Settings::default();
        st.mip_gap = gap;
        st.time_limit_s = limit.map(raw);
        st.whole_devices = whole;
        s.settings = st;
        // Distinct patch targets.
        let mut seen = std::collections::BTreeSet::new();
        s.accelerators = patches.into_iter().filter(|p| seen.insert(p.name.clone())).collect();
        s
    }
}

proptest! {
    #![proptest_config(config(256, 0x5ce7a210))]

    #[test]
    fn generated_scenarios_validate_and_round_trip(s in scenario()) {
        // The generator draws any positive float; values outside a field's
        // documented range (issue 19) are the only refusal allowed. The
        // round trips below hold for every scenario, valid or not.
        if let Err(r) = s.validate() {
            prop_assert!(
                r.issues.iter().all(|i| i.code == "E-NUMBER-RANGE"),
                "generated scenario is invalid beyond its numeric ranges:\n{r}"
            );
        }
        let toml = s.to_toml_string().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = Scenario::from_toml_str(&toml).map_err(|e| TestCaseError::fail(format!("{e}\n{toml}")))?;
        prop_assert_eq!(&back, &s, "TOML round trip:\n{}", toml);
        let json = s.to_json_string().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = Scenario::from_json_str(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&back, &s, "JSON round trip:\n{}", json);
        // Re-writing the re-read scenario gives the same bytes.
        prop_assert_eq!(back.to_json_string().map_err(|e| TestCaseError::fail(e.to_string()))?, json);
    }
}

fn parse_and_validate(text: &str) {
    for s in [Scenario::from_toml_str(text), Scenario::from_json_str(text)]
        .into_iter()
        .flatten()
    {
        let _ = s.validate();
    }
}

proptest! {
    #![proptest_config(config(1024, 0xa7b17a7))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        parse_and_validate(&text);
    }

    #[test]
    fn toml_like_text_never_panics(text in "([a-z_]{1,12} = (\"[A-Za-z0-9 -]{0,8}\"|-?[0-9.e]{1,8}|nan|inf|\\[\\]|\\{\\}|true)\n|\\[\\[?(pools|phases|policy.rules|accelerators)\\]\\]?\n){0,30}") {
        parse_and_validate(&text);
    }
}

proptest! {
    #![proptest_config(config(512, 0xed17ed))]

    /// Random byte-level edits of a valid file (delete, insert, replace).
    #[test]
    fn edited_valid_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..8),
    ) {
        let mut text: Vec<char> = BASE.chars().collect();
        for (at, op, ch) in edits {
            let i = at.index(text.len().max(1)).min(text.len());
            match op {
                0 if i < text.len() => { text.remove(i); }
                1 => text.insert(i, ch),
                _ if i < text.len() => text[i] = ch,
                _ => {}
            }
        }
        let text: String = text.into_iter().collect();
        parse_and_validate(&text);
    }

    /// A valid scenario's JSON with one node replaced by an arbitrary value.
    #[test]
    fn json_with_a_replaced_node_never_panics(
        s in scenario(),
        pick in any::<prop::sample::Index>(),
        junk in prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            Just(serde_json::json!(1e308)),
            Just(serde_json::json!(-0.5)),
            "\\PC{0,12}".prop_map(serde_json::Value::String),
            Just(serde_json::json!([])),
            Just(serde_json::json!({})),
            Just(serde_json::json!({"kind": "owned"})),
        ],
    ) {
        let Ok(json) = s.to_json_string() else { return Err(TestCaseError::fail("write")) };
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&json) else {
            return Err(TestCaseError::fail("re-read"));
        };
        let mut nodes = 0usize;
        count_nodes(&value, &mut nodes);
        let target = pick.index(nodes);
        let mut seen = 0usize;
        replace_node(&mut value, target, &mut seen, &junk);
        parse_and_validate(&value.to_string());
    }
}

fn count_nodes(v: &serde_json::Value, n: &mut usize) {
    *n += 1;
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| count_nodes(x, n)),
        serde_json::Value::Object(o) => o.values().for_each(|x| count_nodes(x, n)),
        _ => {}
    }
}

fn replace_node(
    v: &mut serde_json::Value,
    target: usize,
    seen: &mut usize,
    junk: &serde_json::Value,
) -> bool {
    if *seen == target {
        *v = junk.clone();
        return true;
    }
    *seen += 1;
    match v {
        serde_json::Value::Array(a) => a.iter_mut().any(|x| replace_node(x, target, seen, junk)),
        serde_json::Value::Object(o) => o.values_mut().any(|x| replace_node(x, target, seen, junk)),
        _ => false,
    }
}

/// A bad number of each kind a file can hold.
const BAD: &[f64] = &[
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    -1.0,
    -1e300,
    0.0,
    1e300,
    0.5,
];

proptest! {
    #![proptest_config(config(512, 0xbadf1e1d))]

    /// One field of a valid scenario set to a bad value is reported at its
    /// path (other issues may follow from it, and validation never panics).
    #[test]
    fn a_bad_field_is_reported_at_its_path(
        s in scenario(),
        which in 0u8..12,
        bad in prop::sample::select(BAD),
        at in any::<prop::sample::Index>(),
    ) {
        let mut s = s;
        let pi = at.index(s.pools.len());
        let hi = at.index(s.phases.len());
        let expected: Option<String> = match which {
            0 => { s.pools[0].count = Some(Count::from_raw(bad)); (bad.fract() != 0.0 || bad < 0.0 || !bad.is_finite() || bad > 1e15).then(|| "pools[0].count".into()) }
            1 => { s.pools[pi].availability = Some(raw(bad)); (!(bad > 0.0 && bad <= 1.0)).then(|| format!("pools[{pi}].availability")) }
            2 => { s.phases[hi].model.total_params = Count::from_raw(bad); Some(format!("phases[{hi}].model.total_params")) }
            3 => { s.horizon_days = raw(bad); (!(bad > 0.0 && bad.is_finite())).then(|| "horizon_days".into()) }
            4 => { s.budget.total_usd = Some(raw(bad)); (!(bad >= 0.0 && bad.is_finite())).then(|| "budget.total_usd".into()) }
            5 => { s.name = String::new(); Some("name".into()) }
            6 => {
                let mut dup = s.pools[0].clone();
                dup.accelerator = "H800".into();
                dup.software = None;
                s.pools.push(dup);
                Some(format!("pools[{}].name", s.pools.len() - 1))
            }
            7 => { s.pools.clear(); Some("pools".into()) }
            8 => { s.pools[pi].mfu.pretraining = Some(raw(bad)); (!(bad > 0.0 && bad <= 1.0)).then(|| format!("pools[{pi}].mfu.pretraining")) }
            9 => {
                s.policy.domestic_share.push(DomesticShare::new(PhaseKind::Inference, raw(bad)));
                s.policy.domestic_share.retain(|d| d.phase_kind != PhaseKind::Inference || d.min.get().to_bits() == bad.to_bits());
                let k = s.policy.domestic_share.len() - 1;
                (!(0.0..=1.0).contains(&bad)).then(|| format!("policy.domestic_share[{k}].min"))
            }
            10 => {
                let ph = &mut s.phases[hi];
                let path = if ph.kind.is_training() {
                    if ph.tokens.is_some() { ph.tokens = Some(raw(bad)); "tokens" } else { ph.flops = Some(raw(bad)); "flops" }
                } else {
                    if let Some(DemandSchedule::Flat(d)) = &mut ph.tokens_per_day { d.output = raw(bad); }
                    "tokens_per_day.output"
                };
                let bad_here = if path == "tokens_per_day.output" { !(bad >= 0.0 && bad.is_finite()) } else { !(bad > 0.0 && bad.is_finite()) };
                bad_here.then(|| format!("phases[{hi}].{path}"))
            }
            _ => {
                s.policy.rules.push(ExportRule::new(&["H20"], Country::CN, RuleStatus::Licensed).with_levy(raw(bad)));
                let mut r = s.policy.rules.pop().unwrap_or_else(|| ExportRule::new(&["H20"], Country::CN, RuleStatus::Licensed));
                r.issuer = Country::new("ZZ").ok();
                s.policy.rules.push(r);
                (!(0.0..=1.0).contains(&bad)).then(|| format!("policy.rules[{}].levy", s.policy.rules.len() - 1))
            }
        };
        let result = s.validate();
        if let Some(path) = expected {
            match result {
                Ok(_) => prop_assert!(false, "expected an issue at {path}"),
                Err(r) => prop_assert!(r.issues.iter().any(|i| i.path == path), "expected an issue at {path}, got:\n{r}"),
            }
        }
    }
}

/// A number for a time-phased field: a bad one, an edge, or an ordinary one.
fn time_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(BAD),
        prop::sample::select(&[1.0, 1e-9, 1e9, 0.999_999, 1.000_001, 240.0][..]),
        -10.0..400.0f64,
        pos(),
    ]
}

proptest! {
    #![proptest_config(config(512, 0x7173_9e14))]

    /// The time-phased fields set to random values in a valid scenario
    /// (`period_days`, a pool's `deliveries`, `life_years` and
    /// `residual_fraction`, a phase's `growth_per_month` and
    /// `peak_to_average`): validation returns a valid scenario or coded
    /// issues with paths, never panics; a valid one answers the calendar's
    /// questions (periods, change points, delivery caps, demand) without
    /// panicking either.
    #[test]
    fn time_phased_fields_are_valid_or_coded(
        s in scenario(),
        period in opt(time_number()),
        deliveries in prop::collection::vec((date(), time_number()), 0..4),
        life in opt(time_number()),
        residual in opt(time_number()),
        growth in opt(time_number()),
        peak in opt(time_number()),
        at in any::<prop::sample::Index>(),
    ) {
        let mut s = s;
        s.period_days = period.map(raw);
        let pi = at.index(s.pools.len());
        s.pools[pi].deliveries = deliveries
            .iter()
            .map(|&(d, n)| fleetplan::fleet::Delivery::new(d, Count::from_raw(n)))
            .collect();
        s.pools[pi].life_years = life.map(raw);
        s.pools[pi].residual_fraction = residual.map(raw);
        let hi = at.index(s.phases.len());
        s.phases[hi].growth_per_month = growth;
        s.phases[hi].peak_to_average = peak;
        match s.validate() {
            Ok(v) => {
                let h = v.horizon().to_hours().get();
                let ps = v.periods();
                prop_assert!(!ps.is_empty() && ps.len() <= 240, "{} periods", ps.len());
                prop_assert!((ps[ps.len() - 1].1.get() - h).abs() < 1e-6);
                for c in v.change_points() {
                    prop_assert!(c.get() > 0.0 && c.get() < h);
                }
                for k in v.pool_ids() {
                    let _ = v.delivery_cap(k, v.start());
                }
                for p in v.phase_ids() {
                    let _ = v.demand_at(p, fleetplan::units::Hours::from_raw(h / 2.0));
                }
            }
            Err(r) => {
                prop_assert!(!r.issues.is_empty());
                for i in &r.issues {
                    prop_assert!(i.code.as_str().starts_with("E-") && !i.path.is_empty() && !i.message.is_empty() && !i.fix.is_empty(), "{i}");
                }
            }
        }
    }
}
