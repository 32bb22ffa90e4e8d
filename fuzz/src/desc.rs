//! A fuzz-side description of a scenario, derived with `Arbitrary`, and its
//! conversion into a [`Scenario`] through the library's public types
//! (constructors, setters and public fields; no text), so that validation
//! and the planner see deep, mostly valid inputs: every section of a
//! scenario, including the time-phased fields (`period_days`,
//! `deliveries`, `scope = "use"`, per-period quotas, dated
//! `tokens_per_day` steps, `peak_to_average`, `growth_per_month`,
//! `[economics]`, `available_from`, `life_years`, `residual_fraction`).
//!
//! Numbers are [`N`]s and counts [`C`]s: most bytes give a typical value
//! for the field scaled by a factor in `[0.25, 4)`, the rest one of the
//! extreme values (0, −0, 1, −1, subnormals, 1e-300, 1e300, ±∞, NaN, 2^64,
//! `f64::MAX`, a raw `f64`), so that both the planner (valid inputs) and
//! validation (invalid ones) are reached.

use arbitrary::{Arbitrary, Result, Unstructured};
use fleetplan::catalog::{AcceleratorPatch, Confidence, Country, Peak, Precision, Sourced};
use fleetplan::fleet::{Count, Delivery, MfuOverrides, Ownership, Pool, SoftwareStack};
use fleetplan::policy::{
    DomesticShare, ExportRule, Justification, QuotaPer, Requirement, RuleScope, RuleStatus,
};
use fleetplan::scenario::{CapexBasis, Economics, Energy, Objective, Scenario};
use fleetplan::units::{
    Bytes, BytesPerSec, Date, Days, Flops, FlopsPerSec, Fraction, Hours, Seconds, Tokens,
    TokensPerSec, Usd, UsdPerHour, UsdPerKwh, Watts, Years,
};
use fleetplan::workload::{
    DemandStep, LatencySlo, Measured, ModelArch, Phase, PhaseKind, Scaling, ScalingPoint,
    TokenDemand,
};

/// A number: a typical value scaled, or an extreme one.
#[derive(Debug, Clone, Copy)]
pub struct N(u8, u8, f64);

impl<'a> Arbitrary<'a> for N {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let tag = u8::arbitrary(u)?;
        let k = u8::arbitrary(u)?;
        let raw = if tag == 255 { f64::arbitrary(u)? } else { 0.0 };
        Ok(N(tag, k, raw))
    }
}

const EXTREMES: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f64::MIN_POSITIVE / 4.0, // subnormal
    5e-324,
    1e-300,
    1e300,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    18_446_744_073_709_551_616.0, // 2^64
    f64::MAX,
    1e15,
    1e-9,
    0.5,
];

impl N {
    /// The value for a field whose typical value is `typical`.
    pub fn at(self, typical: f64) -> f64 {
        let N(tag, k, raw) = self;
        match tag {
            0..=223 => typical * (0.25 + f64::from(k) / 64.0),
            255 => raw,
            t => EXTREMES[usize::from(t - 224) % EXTREMES.len()],
        }
    }

    /// A fraction-like value (typical `typical`, clamped to at most 1 on
    /// the typical branch).
    pub fn frac(self, typical: f64) -> f64 {
        match self.0 {
            0..=223 => (typical * (0.25 + f64::from(self.1) / 64.0)).min(1.0),
            _ => self.at(typical),
        }
    }
}

/// A count: a typical whole number scaled, or an extreme value.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct C(N);

impl C {
    /// The raw count for a field whose typical count is `typical`.
    pub fn at(self, typical: f64) -> Count {
        let v = self.0.at(typical);
        Count::from_raw(if (self.0).0 <= 223 { v.round() } else { v })
    }
}

/// Days from 2024-01-01 (0..=1023), for dates.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct D(u16);

impl D {
    fn date(self) -> Date {
        let base = Date::new(2024, 1, 1).unwrap_or(Date::MIN);
        base.checked_add_days(i64::from(self.0 % 1024))
            .unwrap_or(base)
    }
}

fn src<T>(v: T) -> Sourced<T> {
    Sourced::new(v, Confidence::Estimate)
}

fn opt<T: Copy, R>(x: Option<T>, f: impl FnOnce(T) -> R) -> Option<R> {
    x.map(f)
}

const ACCELERATORS: [&str; 8] = [
    "H100",
    "H800",
    "H20",
    "A100",
    "MI300X",
    "Ascend 910C",
    "B200",
    "X1",
];
const COUNTRIES: [&str; 4] = ["CN", "US", "SG", "AE"];
const VENDORS: [&str; 4] = ["NVIDIA", "Huawei", "AMD", "Acme"];

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[usize::from(i) % list.len()]
}

fn country(i: u8) -> Country {
    Country::new(pick(&COUNTRIES, i)).unwrap_or(Country::new("CN").expect("valid code"))
}

/// A catalogue patch: a new accelerator `X1` or an override of a built-in.
#[derive(Debug, Arbitrary)]
pub struct AccDesc {
    target: u8,
    origin: u8,
    vendor: Option<u8>,
    peaks: [Option<N>; 5],
    unsupported: Option<u8>,
    hbm: Option<N>,
    hbm_bw: Option<N>,
    scale_up_bw: Option<N>,
    scale_out_bw: Option<N>,
    domain: Option<C>,
    node: Option<C>,
    tdp: Option<N>,
    price: Option<N>,
    rent: Option<N>,
    available_from: Option<D>,
}

impl AccDesc {
    fn patch(&self) -> AcceleratorPatch {
        let name = if self.target % 3 == 0 {
            pick(&ACCELERATORS[..7], self.target / 3)
        } else {
            "X1"
        };
        let mut p = AcceleratorPatch::new(name);
        if name == "X1" {
            p.vendor = Some(pick(&VENDORS, self.vendor.unwrap_or(3)).to_owned());
            p.origin = Some(country(self.origin));
        } else if let Some(v) = self.vendor {
            p.vendor = Some(pick(&VENDORS, v).to_owned());
        }
        let peak = |n: Option<N>, typical: f64| {
            opt(n, |n| {
                src(Peak::Dense(FlopsPerSec::from_raw(n.at(typical))))
            })
        };
        p.peak_bf16 = peak(self.peaks[0], 1e15);
        p.peak_fp16 = peak(self.peaks[1], 1e15);
        p.peak_fp8 = peak(self.peaks[2], 2e15);
        p.peak_int8 = peak(self.peaks[3], 2e15);
        p.peak_fp4 = peak(self.peaks[4], 4e15);
        match self.unsupported.map(|u| u % 5) {
            Some(0) => p.peak_fp8 = Some(src(Peak::Unsupported)),
            Some(1) => p.peak_fp4 = Some(src(Peak::Unsupported)),
            Some(2) => p.peak_int8 = Some(src(Peak::Unsupported)),
            _ => {}
        }
        p.hbm_capacity = opt(self.hbm, |n| src(Bytes::from_raw(n.at(1e11))));
        p.hbm_bandwidth = opt(self.hbm_bw, |n| src(BytesPerSec::from_raw(n.at(4e12))));
        p.scale_up_bandwidth = opt(self.scale_up_bw, |n| src(BytesPerSec::from_raw(n.at(9e11))));
        p.scale_out_bandwidth = opt(self.scale_out_bw, |n| {
            src(BytesPerSec::from_raw(n.at(5e10)))
        });
        p.scale_up_domain = opt(self.domain, |c| src(c.at(8.0)));
        p.node_size = opt(self.node, |c| src(c.at(8.0)));
        p.tdp = opt(self.tdp, |n| src(Watts::from_raw(n.at(700.0))));
        p.purchase_price = opt(self.price, |n| src(Usd::from_raw(n.at(25_000.0))));
        p.rental_price = opt(self.rent, |n| src(UsdPerHour::from_raw(n.at(2.0))));
        p.available_from = opt(self.available_from, |d| src(d.date()));
        p
    }
}

/// How a pool is held.
#[derive(Debug, Arbitrary)]
pub enum OwnDesc {
    /// Owned.
    Owned {
        count: C,
        sunk: Option<bool>,
        price: Option<N>,
        depreciation: Option<N>,
    },
    /// Rentable.
    Rentable { price: N, max: Option<C> },
    /// Purchasable.
    Purchasable {
        price: N,
        max: Option<C>,
        lead: Option<N>,
        granularity: Option<C>,
    },
}

/// A pool.
#[derive(Debug, Arbitrary)]
pub struct PoolDesc {
    acc: u8,
    site: Option<u8>,
    own: OwnDesc,
    availability: Option<N>,
    software: Option<u8>,
    node: Option<C>,
    mfu: [Option<N>; 3],
    mtbf: Option<N>,
    checkpoint_s: Option<N>,
    restart_s: Option<N>,
    energy: Option<N>,
    available_from: Option<D>,
    deliveries: Vec<(D, C)>,
    life: Option<N>,
    residual: Option<N>,
    owned_count_on_other: Option<C>,
}

impl PoolDesc {
    fn pool(&self, i: usize) -> Pool {
        let ownership = match &self.own {
            OwnDesc::Owned {
                sunk,
                price,
                depreciation,
                ..
            } => Ownership::Owned {
                sunk: *sunk,
                unit_price_usd: opt(*price, |n| Usd::from_raw(n.at(25_000.0))),
                depreciation_days: opt(*depreciation, |n| Days::from_raw(n.at(1826.0))),
            },
            OwnDesc::Rentable { price, max } => {
                let mut o = Ownership::rentable(UsdPerHour::from_raw(price.at(2.0)));
                if let Some(m) = max {
                    o = o.with_max(m.at(1024.0));
                }
                o.into()
            }
            OwnDesc::Purchasable {
                price,
                max,
                lead,
                granularity,
            } => Ownership::Purchasable {
                unit_price_usd: Usd::from_raw(price.at(25_000.0)),
                max: opt(*max, |c| c.at(4096.0)),
                lead_time_days: opt(*lead, |n| Days::from_raw(n.at(20.0))),
                granularity: opt(*granularity, |c| c.at(8.0)),
            },
        };
        let mut p = Pool::new(format!("pool{i}"), pick(&ACCELERATORS, self.acc), ownership);
        if let OwnDesc::Owned { count, .. } = &self.own {
            p.count = Some(count.at(1024.0));
        } else if let Some(c) = self.owned_count_on_other {
            p.count = Some(c.at(8.0));
        }
        p.site = opt(self.site, country);
        p.availability = opt(self.availability, |n| Fraction::from_raw(n.frac(0.9)));
        p.software = opt(self.software, |s| {
            pick(
                &[
                    SoftwareStack::Cuda,
                    SoftwareStack::Cann,
                    SoftwareStack::Rocm,
                    SoftwareStack::Other,
                ],
                s,
            )
        });
        p.node_size = opt(self.node, |c| c.at(8.0));
        let f = |n: Option<N>| opt(n, |n| Fraction::from_raw(n.frac(0.35)));
        let mut mfu = MfuOverrides::default();
        if let Some(v) = f(self.mfu[0]) {
            mfu = mfu.with_pretraining(v);
        }
        if let Some(v) = f(self.mfu[1]) {
            mfu = mfu.with_posttraining(v);
        }
        if let Some(v) = f(self.mfu[2]) {
            mfu = mfu.with_inference(v);
        }
        p.mfu = mfu;
        p.mtbf_hours = opt(self.mtbf, |n| Hours::from_raw(n.at(50_000.0)));
        p.checkpoint_write_s = opt(self.checkpoint_s, |n| Seconds::from_raw(n.at(30.0)));
        p.restart_s = opt(self.restart_s, |n| Seconds::from_raw(n.at(600.0)));
        p.energy_usd_per_kwh = opt(self.energy, |n| UsdPerKwh::from_raw(n.at(0.08)));
        p.available_from = opt(self.available_from, D::date);
        p.deliveries = self
            .deliveries
            .iter()
            .take(4)
            .map(|(d, c)| Delivery::new(d.date(), c.at(256.0)))
            .collect();
        p.life_years = opt(self.life, |n| Years::from_raw(n.at(5.0)));
        p.residual_fraction = opt(self.residual, |n| Fraction::from_raw(n.frac(0.2)));
        p
    }
}

/// A training phase's work.
#[derive(Debug, Arbitrary)]
pub enum Work {
    /// Tokens.
    Tokens(N),
    /// FLOPs.
    Flops(N),
    /// Both (ambiguous).
    Both(N, N),
    /// Neither.
    Neither,
}

/// An inference phase's demand.
#[derive(Debug, Arbitrary)]
pub enum DemandDesc {
    /// A flat daily demand.
    Flat(N, N, Option<N>),
    /// Dated steps.
    Steps(Vec<(D, N, N, Option<N>)>),
}

/// A phase.
#[derive(Debug, Arbitrary)]
pub struct PhaseDesc {
    kind: u8,
    params: C,
    active: Option<C>,
    shape: Option<(C, C, C, C)>,
    kv_bytes: Option<N>,
    precision: u8,
    fallback: Option<u8>,
    work: Work,
    start: Option<N>,
    deadline: Option<N>,
    single_pool: bool,
    checkpoint_bytes: Option<N>,
    min_devices: Option<C>,
    max_devices: Option<C>,
    demand: DemandDesc,
    growth: Option<N>,
    peak: Option<N>,
    context: Option<C>,
    batch: Option<C>,
    from: Option<N>,
    until: Option<N>,
    latency: Option<(Option<N>, Option<N>)>,
    measured: Vec<(u8, Option<N>, Option<N>, Option<N>)>,
    scaling: Option<(u8, bool, Vec<(C, N)>)>,
    /// Put the other kind's fields on it too (validation must refuse).
    cross: bool,
}

impl PhaseDesc {
    fn phase(&self, i: usize) -> Phase {
        let kind = pick(
            &[
                PhaseKind::Pretraining,
                PhaseKind::Posttraining,
                PhaseKind::Inference,
            ],
            self.kind,
        );
        let mut m = ModelArch::dense(1);
        m.total_params = self.params.at(7e9);
        m.active_params = opt(self.active, |c| c.at(2e9));
        if let Some((l, h, s, heads)) = self.shape {
            m.layers = Some(l.at(32.0));
            m.hidden = Some(h.at(4096.0));
            m.seq_len = Some(s.at(4096.0));
            m.heads = Some(heads.at(32.0));
        }
        m.kv_bytes_per_token = opt(self.kv_bytes, |n| Bytes::from_raw(n.at(70_000.0)));
        let precision = pick(Precision::ALL, self.precision);
        let name = format!("phase{i}");
        let training = kind.is_training();
        let mut p = if training {
            Phase::training(name, kind, m, precision)
        } else {
            Phase::inference(
                name,
                m,
                precision,
                TokenDemand::new(Tokens::from_raw(1e9), Tokens::from_raw(1e8)),
            )
        };
        p.fallback_precision = opt(self.fallback, |f| pick(Precision::ALL, f));
        if training || self.cross {
            match self.work {
                Work::Tokens(t) => p.tokens = Some(Tokens::from_raw(t.at(1e11))),
                Work::Flops(f) => p.flops = Some(Flops::from_raw(f.at(1e21))),
                Work::Both(t, f) => {
                    p.tokens = Some(Tokens::from_raw(t.at(1e11)));
                    p.flops = Some(Flops::from_raw(f.at(1e21)));
                }
                Work::Neither => {}
            }
            p.start_day = opt(self.start, |n| Days::from_raw(n.at(5.0)));
            p.deadline_days = opt(self.deadline, |n| Days::from_raw(n.at(60.0)));
            p.single_pool = self.single_pool;
            p.checkpoint_bytes = opt(self.checkpoint_bytes, |n| Bytes::from_raw(n.at(1e12)));
            if let Some((acc, tokens, points)) = &self.scaling {
                let pts = points
                    .iter()
                    .take(6)
                    .map(|(d, v)| {
                        let mut sp = ScalingPoint::mfu(1, Fraction::from_raw(0.3));
                        sp.devices = d.at(256.0);
                        if *tokens {
                            sp.mfu = None;
                            sp.tokens_per_s = Some(TokensPerSec::from_raw(v.at(1e6)));
                        } else {
                            sp.mfu = Some(Fraction::from_raw(v.frac(0.3)));
                        }
                        sp
                    })
                    .collect();
                p = p.with_scaling(Scaling::new(pick(&ACCELERATORS, *acc), pts));
            }
        }
        if !training || self.cross {
            p.tokens_per_day = None;
            match &self.demand {
                DemandDesc::Flat(i, o, hit) => {
                    let mut d =
                        TokenDemand::new(Tokens::from_raw(i.at(1e10)), Tokens::from_raw(o.at(2e9)));
                    if let Some(h) = hit {
                        d = d.with_cache_hit(Fraction::from_raw(h.frac(0.5)));
                    }
                    p.tokens_per_day = Some(fleetplan::workload::DemandSchedule::Flat(d));
                }
                DemandDesc::Steps(steps) => {
                    let steps = steps
                        .iter()
                        .take(6)
                        .map(|(d, i, o, hit)| {
                            let mut dm = TokenDemand::new(
                                Tokens::from_raw(i.at(1e10)),
                                Tokens::from_raw(o.at(2e9)),
                            );
                            if let Some(h) = hit {
                                dm = dm.with_cache_hit(Fraction::from_raw(h.frac(0.5)));
                            }
                            DemandStep::new(d.date(), &dm)
                        })
                        .collect();
                    p = p.with_demand_steps(steps);
                }
            }
            if let Some(g) = self.growth {
                p = p.with_growth_per_month(g.at(0.05));
            }
            if let Some(r) = self.peak {
                p = p.with_peak_to_average(r.at(1.5).max(if r.0 <= 223 { 1.0 } else { f64::MIN }));
            }
            p.context_length = opt(self.context, |c| c.at(4096.0));
            p.batch = opt(self.batch, |c| c.at(64.0));
            p.from_day = opt(self.from, |n| Days::from_raw(n.at(10.0)));
            p.until_day = opt(self.until, |n| Days::from_raw(n.at(80.0)));
            if let Some((tpot, ttft)) = self.latency {
                let mut l = LatencySlo::default();
                l.tpot_s = opt(tpot, |n| Seconds::from_raw(n.at(0.05)));
                l.ttft_s = opt(ttft, |n| Seconds::from_raw(n.at(1.0)));
                p.latency = Some(l);
            }
            for (acc, pre, dec, at) in self.measured.iter().take(3) {
                let mut ms = Measured::new(
                    pick(&ACCELERATORS, *acc),
                    TokensPerSec::from_raw(1.0),
                    TokensPerSec::from_raw(1.0),
                );
                ms.prefill_tokens_per_s = opt(*pre, |n| TokensPerSec::from_raw(n.at(10_000.0)));
                ms.decode_tokens_per_s = opt(*dec, |n| TokensPerSec::from_raw(n.at(2_000.0)));
                ms.at_tpot_s = opt(*at, |n| Seconds::from_raw(n.at(0.05)));
                p = p.with_measured(ms);
            }
        }
        p.min_devices = opt(self.min_devices, |c| c.at(16.0));
        p.max_devices = opt(self.max_devices, |c| c.at(2048.0));
        p
    }
}

/// An export rule.
#[derive(Debug, Arbitrary)]
pub struct RuleDesc {
    accelerators: Vec<u8>,
    vendor: Option<u8>,
    destination: u8,
    issuer: Option<u8>,
    from: Option<D>,
    until: Option<D>,
    status: u8,
    levy: Option<N>,
    pass_through: Option<N>,
    quota: Option<C>,
    owned: Option<bool>,
    on_use: bool,
    per_period: bool,
}

impl RuleDesc {
    fn rule(&self) -> ExportRule {
        let names: Vec<&str> = self
            .accelerators
            .iter()
            .take(3)
            .map(|a| pick(&ACCELERATORS, *a))
            .collect();
        let status = pick(
            &[
                RuleStatus::Allowed,
                RuleStatus::Licensed,
                RuleStatus::Prohibited,
            ],
            self.status,
        );
        let mut r = ExportRule::new(&names, country(self.destination), status);
        if let Some(v) = self.vendor {
            r.vendors = vec![pick(&VENDORS, v).to_owned()];
        }
        r.issuer = opt(self.issuer, country);
        r.from = opt(self.from, D::date);
        r.until = opt(self.until, D::date);
        r.levy = opt(self.levy, |n| Fraction::from_raw(n.frac(0.15)));
        r.levy_pass_through = opt(self.pass_through, |n| Fraction::from_raw(n.frac(0.5)));
        r.quota = opt(self.quota, |c| c.at(10_000.0));
        r.applies_to_owned = self.owned;
        if self.on_use {
            r.scope = Some(RuleScope::Use);
        }
        if self.per_period {
            r.quota_per = Some(QuotaPer::Period);
        }
        r
    }
}

/// A scenario.
#[derive(Debug, Arbitrary)]
pub struct Desc {
    start: D,
    horizon: N,
    period: Option<N>,
    jurisdiction: u8,
    objective: u8,
    makespan_phases: Vec<u8>,
    accelerators: Vec<AccDesc>,
    pools: Vec<PoolDesc>,
    phases: Vec<PhaseDesc>,
    rules: Vec<RuleDesc>,
    shares: Vec<(u8, N, Option<D>, Option<D>)>,
    justification: Option<(Option<bool>, Option<bool>, Option<D>)>,
    rules_bind_owned: bool,
    capex: Option<N>,
    opex: Option<N>,
    total: Option<N>,
    energy: Option<(N, Option<N>)>,
    economics: Option<bool>,
    mip_gap: Option<N>,
    whole_devices: Option<bool>,
    /// Plan fractional devices.
    pub fractional: bool,
}

impl Desc {
    /// The scenario described.
    pub fn scenario(&self) -> Scenario {
        let mut s = Scenario::new(
            "fuzz",
            self.start.date(),
            Days::from_raw(self.horizon.at(120.0)),
            country(self.jurisdiction),
        );
        s.objective = match self.objective % 5 {
            0 | 4 => Objective::MinCost,
            1 => Objective::MaxServed,
            2 => Objective::DomesticFirst,
            _ => Objective::MinMakespan {
                phases: self
                    .makespan_phases
                    .iter()
                    .take(3)
                    .map(|k| format!("phase{}", k % 6))
                    .collect(),
            },
        };
        s.accelerators = self
            .accelerators
            .iter()
            .take(3)
            .map(AccDesc::patch)
            .collect();
        s.pools = self
            .pools
            .iter()
            .take(8)
            .enumerate()
            .map(|(i, p)| p.pool(i))
            .collect();
        s.phases = self
            .phases
            .iter()
            .take(6)
            .enumerate()
            .map(|(i, p)| p.phase(i))
            .collect();
        s.policy.rules = self.rules.iter().take(5).map(RuleDesc::rule).collect();
        s.policy.rules_bind_owned = self.rules_bind_owned;
        s.policy.domestic_share = self
            .shares
            .iter()
            .take(3)
            .map(|(k, min, from, until)| {
                let kind = pick(
                    &[
                        PhaseKind::Pretraining,
                        PhaseKind::Posttraining,
                        PhaseKind::Inference,
                    ],
                    *k,
                );
                let mut d = DomesticShare::new(kind, Fraction::from_raw(min.frac(0.3)));
                d.from = opt(*from, D::date);
                d.until = opt(*until, D::date);
                d
            })
            .collect();
        if let Some((purchases, rentals, from)) = self.justification {
            let req = |b: Option<bool>| {
                opt(b, |b| {
                    if b {
                        Requirement::Required
                    } else {
                        Requirement::NotRequired
                    }
                })
            };
            let mut j = Justification::default();
            j.foreign_purchases = req(purchases);
            j.foreign_rentals = req(rentals);
            j.from = opt(from, D::date);
            s.policy.justification = Some(j);
        }
        s.period_days = opt(self.period, |n| Days::from_raw(n.at(30.0)));
        s.budget.capex_usd = opt(self.capex, |n| Usd::from_raw(n.at(1e8)));
        s.budget.opex_usd = opt(self.opex, |n| Usd::from_raw(n.at(1e8)));
        s.budget.total_usd = opt(self.total, |n| Usd::from_raw(n.at(2e8)));
        s.budget.energy = opt(self.energy, |(price, pue)| {
            let mut e = Energy::new(UsdPerKwh::from_raw(price.at(0.08)), 1.3);
            e.pue = opt(pue, |n| {
                n.at(1.3).max(if n.0 <= 223 { 1.0 } else { f64::MIN })
            });
            e
        });
        s.economics = match self.economics {
            Some(true) => Economics::cash(),
            Some(false) => {
                let mut e = Economics::default();
                e.capex = Some(CapexBasis::Depreciated);
                e
            }
            None => Economics::default(),
        };
        s.settings.mip_gap = opt(self.mip_gap, |n| Fraction::from_raw(n.frac(1e-4)));
        s.settings.whole_devices = self.whole_devices;
        s
    }
}
