//! The rate of every (phase, pool) pair of a validated scenario, with an
//! explanation of every factor.
//!
//! [`PerfModel::new`] resolves, once per pool and once per phase, every figure
//! the rates need (catalogue, scenario overrides, sourced defaults);
//! [`PerfModel::pair`] then evaluates one pair without allocating, and
//! [`PerfModel::explain`] evaluates the same pair through the same code while
//! recording each factor with its origin and source (what
//! `fleetplan explain` prints).
//!
//! # What a pair's rate means to the planner
//!
//! * A **training** pair's [`TrainingPair::share_per_device_hour`] is the
//!   fraction of the phase's total work one device-hour of the pool does, at
//!   the job size the pool would need to meet the deadline alone
//!   ([`super::training::job_size_for_deadline`]), but at least the devices
//!   the training state needs ([`TrainingPair::min_devices`]).
//! * An **inference** pair's [`InferencePair::share_per_device`] is the
//!   fraction of the phase's daily token demand one device serves, with
//!   prefill and decode disaggregated: a day of demand needs
//!   `input_computed / prefill + output / decode` device-seconds, where
//!   `input_computed` excludes cache hits for the roofline model and measured
//!   prefill figures count every input token (as DeepSeek publishes them).

use super::defaults::{self, ModelType, ServingStage};
use super::fit::{self, CurveForm, FitReport};
use super::flops::{AttentionShape, FlopsRule, TransformerShape};
use super::inference::{DecodeInputs, best_decode, prefill_rate, replica_devices};
use super::training::{
    AchievedCurve, CommModel, ReliabilityInputs, TrainingInputs, TrainingRate,
    job_size_for_deadline,
};
use crate::catalog::{Confidence, Precision, Sourced, Support};
use crate::fleet::Count;
use crate::scenario::{AcceleratorId, Eligibility, Ineligible, PhaseId, PoolId, ValidatedScenario};
use crate::units::{
    Bytes, BytesPerSec, Flops, FlopsPerSec, Fraction, Hours, Seconds, TokensPerSec,
};
use crate::workload::{ModelArch, Phase, PhaseKind, Scaling};
use std::fmt;
use std::sync::Arc;

/// Why a pool cannot serve a phase, beyond policy.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Unfit {
    /// Policy or precision (decided by validation).
    Ineligible(Ineligible),
    /// No MFU is known for the accelerator, stack and phase kind.
    MfuUnknown,
    /// The device's memory capacity (or bandwidth, for decode) is unknown and
    /// no measured throughput is given.
    MemoryUnknown,
    /// The KV-cache size is unknown (give `model.kv_bytes_per_token`, or the
    /// shape: layers, hidden, heads).
    KvUnknown,
    /// Neither `context_length` nor `model.seq_len` is given.
    ContextUnknown,
    /// Neither `tokens` nor `flops` says how much work the phase is.
    WorkUnknown,
    /// The pool is not available in the phase's window (it arrives after the
    /// deadline).
    NoTime,
    /// The latency objective cannot be met even at batch 1 (or the measured
    /// figure was taken at a slower TPOT).
    Latency,
    /// The effective rate collapses at the scale the deadline needs (failures
    /// outpace checkpoints).
    CannotFinish,
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unfit::Ineligible(i) => write!(f, "{i}"),
            Unfit::MfuUnknown => f.write_str(
                "no MFU is known for this accelerator, software stack and phase kind (set pools[].mfu, or give measured phases[].scaling points)",
            ),
            Unfit::MemoryUnknown => f.write_str(
                "the accelerator's memory capacity or bandwidth is unknown (override it under [[accelerators]] or give measured throughputs)",
            ),
            Unfit::KvUnknown => f.write_str(
                "the KV-cache size is unknown (give model.kv_bytes_per_token, or layers, hidden and heads)",
            ),
            Unfit::ContextUnknown => {
                f.write_str("no context length (give context_length or model.seq_len)")
            }
            Unfit::WorkUnknown => f.write_str("the phase's work is unknown (give tokens or flops)"),
            Unfit::NoTime => f.write_str("the pool is not available before the phase's deadline"),
            Unfit::Latency => f.write_str("cannot meet the latency objective even at batch 1"),
            Unfit::CannotFinish => f.write_str(
                "failures outpace checkpoints at the scale the deadline needs: the run cannot finish",
            ),
        }
    }
}

/// A training pair's rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingPair {
    /// Precision the pool runs the phase at.
    pub precision: Precision,
    /// The rate's factors at the evaluated job size.
    pub rate: TrainingRate,
    /// The phase's total work.
    pub work: Flops,
    /// Hours the pool can work on the phase (window ∩ availability).
    pub hours: Hours,
    /// Devices the training state needs (memory fit).
    pub min_devices: u64,
    /// Fraction of the phase's work one device-hour does.
    pub share_per_device_hour: f64,
}

/// An inference pair's rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InferencePair {
    /// Precision the pool serves at.
    pub precision: Precision,
    /// Prefill tokens per second per device (computed tokens for the
    /// roofline, all input tokens for a measured figure).
    pub prefill: TokensPerSec,
    /// Output tokens per second per device.
    pub decode: TokensPerSec,
    /// Devices per replica (memory fit).
    pub replica: u64,
    /// Time per output token at the chosen batch, when modelled.
    pub tpot: Option<Seconds>,
    /// Whether the prefill rate is the scenario's measured figure (it then
    /// counts every input token, cache hits included); else the roofline's.
    pub measured: bool,
    /// Whether the decode rate is the scenario's measured figure; else the
    /// roofline's. Each half takes its own source: measured first,
    /// roofline second.
    pub decode_measured: bool,
    /// Fraction of the daily demand one device serves.
    pub share_per_device: f64,
}

impl InferencePair {
    /// The fraction of a daily `demand` one device serves:
    /// `86,400 s / (input / prefill + output / decode)` device-seconds,
    /// where `input` excludes cache hits for the roofline model and counts
    /// every input token for measured prefill figures (module docs). The
    /// rate the pair was built with uses the phase's reference demand; a
    /// dated step or a grown demand is rated here.
    #[must_use]
    pub fn share_for(&self, demand: &crate::workload::TokenDemand) -> f64 {
        let hit = if self.measured {
            0.0
        } else {
            demand.cache_hit.map_or(0.0, Fraction::get)
        };
        let secs = demand.input.get() * (1.0 - hit) / self.prefill.get().max(f64::MIN_POSITIVE)
            + demand.output.get() / self.decode.get().max(f64::MIN_POSITIVE);
        if secs > 0.0 {
            86_400.0 / secs
        } else {
            f64::INFINITY
        }
    }

    /// The fraction of a daily `demand`'s prompts one device prefills when
    /// it does nothing else (disaggregated serving): `86,400 s · prefill /
    /// input`, with `input` counted as in [`InferencePair::share_for`].
    /// Infinite when there is no input to compute.
    #[must_use]
    pub fn prefill_share_for(&self, demand: &crate::workload::TokenDemand) -> f64 {
        let hit = if self.measured {
            0.0
        } else {
            demand.cache_hit.map_or(0.0, Fraction::get)
        };
        let secs = demand.input.get() * (1.0 - hit) / self.prefill.get().max(f64::MIN_POSITIVE);
        if secs > 0.0 {
            86_400.0 / secs
        } else {
            f64::INFINITY
        }
    }

    /// The fraction of a daily `demand`'s outputs one device decodes when
    /// it does nothing else (disaggregated serving): `86,400 s · decode /
    /// output`. Infinite when there is no output.
    #[must_use]
    pub fn decode_share_for(&self, demand: &crate::workload::TokenDemand) -> f64 {
        let secs = demand.output.get() / self.decode.get().max(f64::MIN_POSITIVE);
        if secs > 0.0 {
            86_400.0 / secs
        } else {
            f64::INFINITY
        }
    }
}

/// The rate of a pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PairRate {
    /// A training phase on a pool.
    Training(TrainingPair),
    /// An inference phase on a pool.
    Inference(InferencePair),
}

impl PairRate {
    /// The devices of the pool that must move together for this phase: the
    /// memory-fit minimum for training (a run smaller than it does not fit),
    /// the replica for inference.
    #[must_use]
    pub fn min_devices(&self) -> u64 {
        match self {
            PairRate::Training(t) => t.min_devices,
            PairRate::Inference(i) => i.replica,
        }
    }
}

/// One (phase, pool) entry of an [`EfficiencyMatrix`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixEntry {
    /// The pool.
    pub pool: PoolId,
    /// Training: share of the phase's work per device-hour; inference:
    /// share of the daily demand per device. Zero when unfit.
    pub share: f64,
    /// Devices that move together (memory fit for training, the replica for
    /// inference).
    pub min_devices: u64,
    /// Training: hours the pool can work on the phase; zero for inference.
    pub hours: f64,
    /// Why the pool cannot run the phase, if it cannot.
    pub unfit: Option<Unfit>,
}

impl MatrixEntry {
    fn from_rate(pool: PoolId, r: &PairRate) -> Self {
        match r {
            PairRate::Training(t) => MatrixEntry {
                pool,
                share: t.share_per_device_hour,
                min_devices: t.min_devices,
                hours: t.hours.get(),
                unfit: None,
            },
            PairRate::Inference(i) => MatrixEntry {
                pool,
                share: i.share_per_device,
                min_devices: i.replica,
                hours: 0.0,
                unfit: None,
            },
        }
    }
}

/// The efficiency matrix of a scenario (see [`PerfModel::matrix`]): for
/// every phase, in order, its eligible pools in order.
#[derive(Debug, Clone, PartialEq)]
pub struct EfficiencyMatrix {
    starts: Vec<usize>,
    entries: Vec<MatrixEntry>,
}

impl EfficiencyMatrix {
    /// The entries of a phase.
    #[must_use]
    pub fn row(&self, phase: PhaseId) -> &[MatrixEntry] {
        let i = phase.index();
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.entries[a..b],
            _ => &[],
        }
    }
    /// Number of phases.
    #[must_use]
    pub fn phases(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
    /// Every entry, phase by phase.
    #[must_use]
    pub fn entries(&self) -> &[MatrixEntry] {
        &self.entries
    }
}

/// Where a factor's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The accelerator catalogue (possibly patched by the scenario).
    Catalogue,
    /// A field of the scenario.
    Scenario,
    /// A sourced default of the model ([`super::defaults`]).
    Default,
    /// Computed from other factors.
    Derived,
}

impl Origin {
    /// Lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Catalogue => "catalogue",
            Origin::Scenario => "scenario",
            Origin::Default => "default",
            Origin::Derived => "derived",
        }
    }
}

/// One factor of a pair's rate, for explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// What it is, e.g. `"peak BF16"`.
    pub name: &'static str,
    /// Its value in `unit`.
    pub value: f64,
    /// Display unit, e.g. `"TFLOP/s"`.
    pub unit: &'static str,
    /// Where the value comes from.
    pub origin: Origin,
    /// Confidence label of the source, when sourced.
    pub confidence: Option<Confidence>,
    /// Source URLs.
    pub sources: Vec<String>,
    /// How it was obtained.
    pub note: Option<String>,
}

/// A pair's rate with every factor that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct PairExplanation {
    /// The factors, in the order they were applied.
    pub factors: Vec<Factor>,
    /// The outcome.
    pub rate: Result<PairRate, Unfit>,
}

trait Recorder {
    fn record(&mut self, make: impl FnOnce() -> Factor);
}

struct Quiet;
impl Recorder for Quiet {
    #[inline]
    fn record(&mut self, _make: impl FnOnce() -> Factor) {}
}

impl Recorder for Vec<Factor> {
    fn record(&mut self, make: impl FnOnce() -> Factor) {
        self.push(make());
    }
}

fn plain(name: &'static str, value: f64, unit: &'static str, origin: Origin) -> Factor {
    Factor {
        name,
        value,
        unit,
        origin,
        confidence: None,
        sources: Vec::new(),
        note: None,
    }
}

fn from_sourced<T>(
    name: &'static str,
    value: f64,
    unit: &'static str,
    origin: Origin,
    s: &Sourced<T>,
) -> Factor {
    Factor {
        confidence: Some(s.confidence),
        sources: s.sources.clone(),
        note: s.note.clone(),
        ..plain(name, value, unit, origin)
    }
}

/// A value with where it came from (and its source, unless the scenario
/// gave it).
#[derive(Debug, Clone)]
struct Resolved<T> {
    value: T,
    origin: Origin,
    source: Option<Sourced<()>>,
}

fn provenance<T>(s: &Sourced<T>) -> Sourced<()> {
    Sourced {
        value: Some(()),
        sources: s.sources.clone(),
        confidence: s.confidence,
        note: s.note.clone(),
    }
}

impl<T: Copy> Resolved<T> {
    fn scenario(value: T) -> Self {
        Resolved {
            value,
            origin: Origin::Scenario,
            source: None,
        }
    }
    fn from(s: &Sourced<T>, origin: Origin) -> Option<Self> {
        Some(Resolved {
            value: s.value?,
            origin,
            source: Some(provenance(s)),
        })
    }
    fn factor(&self, name: &'static str, value: f64, unit: &'static str) -> Factor {
        match &self.source {
            Some(s) => from_sourced(name, value, unit, self.origin, s),
            None => Factor {
                note: Some("given in the scenario".to_owned()),
                ..plain(name, value, unit, self.origin)
            },
        }
    }
}

/// Where a training pair's per-device FLOP/s comes from.
#[derive(Debug, Clone, Copy)]
struct Efficiency {
    peak: FlopsPerSec,
    mfu: Fraction,
    mfu_devices: Option<f64>,
    mfu_scale_out: Option<BytesPerSec>,
    curve: Option<AchievedCurve>,
    /// A scenario MFU: measured at the job's own scale.
    at_job_scale: bool,
}

/// A phase's measured scaling on one accelerator, fitted once.
#[derive(Debug, Clone)]
struct ScalingFit {
    report: FitReport,
    /// The points are MFUs (else tokens/s, fitted per device).
    mfu: bool,
    sources: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
struct TrainMfu {
    mfu: Resolved<Fraction>,
    basis: Precision,
    devices: Option<f64>,
    scale_out: Option<BytesPerSec>,
}

/// Everything about a pool the rates need, resolved once.
#[derive(Debug, Clone)]
struct PoolPerf {
    accelerator: AcceleratorId,
    peaks: [(Support, Option<Sourced<()>>); 5],
    hbm: Option<Resolved<Bytes>>,
    hbm_bw: Option<Resolved<BytesPerSec>>,
    domain: u32,
    /// The catalogue's scale-out bandwidth, else the conservative default
    /// ([`defaults::scale_out_bandwidth`], whose note `explain` shows).
    scale_out: Option<Resolved<BytesPerSec>>,
    /// MFU by [`mfu_index`] (phase kind, model type, precision).
    mfu: Vec<Option<TrainMfu>>,
    /// Compute efficiency of serving (prefill, and decode's compute roof):
    /// the pool's inference MFU, else the stack's sourced default.
    infer_eff: Resolved<Fraction>,
    /// Memory-bandwidth efficiency of decode: the stack's sourced default.
    decode_eff: Resolved<Fraction>,
    mtbf: Option<Resolved<Hours>>,
    checkpoint: Resolved<Seconds>,
    restart: Resolved<Seconds>,
    arrival: Hours,
}

impl PoolPerf {
    /// Every number a rate depends on, as bits: two pools with equal keys
    /// (and the same accelerator, for measured figures) get the same rate
    /// for every phase. Provenance is left out (it only feeds `explain`).
    fn rate_key(&self, accelerator: usize, key: &mut Vec<u64>) {
        fn opt(key: &mut Vec<u64>, v: Option<f64>) {
            key.push(u64::from(v.is_some()));
            key.push(v.map_or(0, f64::to_bits));
        }
        key.clear();
        key.push(accelerator as u64);
        for (support, _) in &self.peaks {
            match support {
                Support::Dense(r) => key.extend([0, r.get().to_bits()]),
                Support::Unsupported => key.extend([1, 0]),
                Support::Unknown => key.extend([2, 0]),
            }
        }
        opt(key, self.hbm.as_ref().map(|r| r.value.get()));
        opt(key, self.hbm_bw.as_ref().map(|r| r.value.get()));
        key.push(u64::from(self.domain));
        opt(key, self.scale_out.as_ref().map(|r| r.value.get()));
        for m in &self.mfu {
            opt(key, m.as_ref().map(|m| m.mfu.value.get()));
            if let Some(m) = m {
                key.push(pidx(m.basis) as u64);
                opt(key, m.devices);
                opt(key, m.scale_out.map(BytesPerSec::get));
            }
        }
        key.push(self.infer_eff.value.get().to_bits());
        key.push(self.decode_eff.value.get().to_bits());
        opt(key, self.mtbf.as_ref().map(|r| r.value.get()));
        key.push(self.checkpoint.value.get().to_bits());
        key.push(self.restart.value.get().to_bits());
        key.push(self.arrival.get().to_bits());
    }
}

/// Everything about a phase the rates need, resolved once.
#[derive(Debug, Clone)]
struct PhasePerf {
    kind: PhaseKind,
    model_type: ModelType,
    shape: TransformerShape,
    total_params: f64,
    work: Option<Flops>,
    /// Training FLOPs per token (when tokens can be counted).
    flops_per_token: Option<Flops>,
    /// Measured scaling curves by accelerator (training).
    scaling: Vec<(AcceleratorId, ScalingFit)>,
    start: Hours,
    end: Hours,
    // inference
    context: Option<u32>,
    kv_per_token_elems: Option<f64>,
    kv_bytes: Option<Bytes>,
    max_batch: u32,
    /// The phase's `batch`, where a measured table is read.
    concurrency: Option<f64>,
    tpot: Option<Seconds>,
    ttft: Option<Seconds>,
    input: f64,
    output: f64,
    cache_hit: f64,
}

const PRECISIONS: [Precision; 5] = [
    Precision::Bf16,
    Precision::Fp16,
    Precision::Fp8,
    Precision::Int8,
    Precision::Fp4,
];

fn pidx(p: Precision) -> usize {
    PRECISIONS.iter().position(|&q| q == p).unwrap_or(0)
}

const MODEL_TYPES: [ModelType; 2] = [ModelType::Dense, ModelType::Moe];
const TRAINING_KINDS: [PhaseKind; 2] = [PhaseKind::Pretraining, PhaseKind::Posttraining];

/// Where a pool's MFU for (phase kind, model type, precision) is kept.
fn mfu_index(kind: PhaseKind, model: ModelType, precision: Precision) -> usize {
    let k = usize::from(kind == PhaseKind::Posttraining);
    let m = usize::from(model == ModelType::Moe);
    (k * 2 + m) * PRECISIONS.len() + pidx(precision)
}

fn count_u32(c: Option<Count>) -> Option<u32> {
    c.and_then(Count::get).and_then(|v| u32::try_from(v).ok())
}

fn count_f64(c: Option<Count>) -> Option<f64> {
    // parameter counts are below 2^53 in practice; precision loss is harmless
    #[allow(clippy::cast_precision_loss)]
    c.and_then(Count::get).map(|v| v as f64)
}

/// The performance model of a validated scenario (module docs).
///
/// Cloning is cheap: the resolved figures are shared.
#[derive(Debug, Clone)]
pub struct PerfModel<'s> {
    vs: &'s ValidatedScenario,
    d: Arc<PerfData>,
}

/// The resolved figures of a [`PerfModel`], without the scenario they were
/// resolved from: a planning session keeps them across solves and rebinds
/// them to its own scenario (`PerfModel::rebind`).
#[derive(Debug)]
pub(crate) struct PerfData {
    pools: Vec<PoolPerf>,
    phases: Vec<PhasePerf>,
    comm: CommModel,
    comm_source: (Sourced<f64>, Sourced<Fraction>),
    usable: Sourced<Fraction>,
    state_bytes: Sourced<f64>,
}

/// Fits a validated scaling entry (per-device values: the MFU, or the job's
/// tokens/s divided by its devices). `None` only for points validation
/// would have rejected.
fn scaling_fit(sc: &Scaling) -> Option<ScalingFit> {
    let mfu = sc.points.first().is_some_and(|p| p.mfu.is_some());
    let mut devices = Vec::with_capacity(sc.points.len());
    let mut values = Vec::with_capacity(sc.points.len());
    for p in &sc.points {
        let n = count_f64(Some(p.devices))?;
        let v = if mfu {
            p.mfu?.get()
        } else {
            p.tokens_per_s?.get() / n
        };
        devices.push(n);
        values.push(v);
    }
    let report = fit::fit(&devices, &values, sc.form.unwrap_or_default()).ok()?;
    Some(ScalingFit {
        report,
        mfu,
        sources: sc.sources.clone(),
        note: sc.note.clone(),
    })
}

/// A pool's MFU for one (phase kind, model type, precision): the scenario's
/// (a fraction of the phase's precision, at the job's scale), else the
/// sourced default for the accelerator's vendor stack.
fn pool_mfu(
    a: &crate::catalog::Accelerator,
    stack: crate::fleet::SoftwareStack,
    given: Option<Fraction>,
    kind: PhaseKind,
    model: ModelType,
    precision: Precision,
) -> Option<TrainMfu> {
    if let Some(f) = given {
        return Some(TrainMfu {
            mfu: Resolved::scenario(f),
            basis: Precision::Bf16, // replaced by the phase's precision
            devices: None,
            scale_out: None,
        });
    }
    let d = defaults::training_mfu(a, stack, kind, model, precision)?;
    Some(TrainMfu {
        mfu: Resolved::from(&d.mfu, Origin::Default)?,
        basis: d.basis,
        devices: d.devices,
        scale_out: d.scale_out,
    })
}

fn shape_of(m: &ModelArch) -> TransformerShape {
    let heads = count_u32(m.heads);
    let attention = match (heads, count_u32(m.qk_head_dim), count_u32(m.v_head_dim)) {
        (Some(h), Some(qk), Some(v)) => Some(AttentionShape {
            heads: h,
            qk_head_dim: qk,
            v_head_dim: v,
        }),
        _ => None,
    };
    TransformerShape {
        active_params: count_f64(m.active_params.or(Some(m.total_params))).unwrap_or(0.0),
        layers: count_u32(m.layers),
        hidden: count_u32(m.hidden),
        attention,
        causal: true,
    }
}

impl<'s> PerfModel<'s> {
    /// Resolves every pool's and phase's figures (linear in pools + phases).
    #[must_use]
    pub fn new(vs: &'s ValidatedScenario) -> Self {
        let horizon = vs.horizon().to_hours();
        let pools = vs
            .pools()
            .map(|p| {
                let a = p.accelerator();
                let spec = p.spec();
                let peaks = PRECISIONS.map(|q| (a.support(q), Some(provenance(a.peak(q)))));
                let mut mfu = Vec::with_capacity(2 * 2 * PRECISIONS.len());
                for k in TRAINING_KINDS {
                    for t in MODEL_TYPES {
                        for q in PRECISIONS {
                            debug_assert_eq!(mfu.len(), mfu_index(k, t, q));
                            mfu.push(pool_mfu(a, p.software(), spec.mfu.get(k), k, t, q));
                        }
                    }
                }
                let infer_eff = spec
                    .mfu
                    .inference
                    .map(Resolved::scenario)
                    .or_else(|| {
                        let e =
                            defaults::serving_efficiency(a, p.software(), ServingStage::Prefill);
                        Resolved::from(&e, Origin::Default)
                    })
                    .unwrap_or_else(|| Resolved::scenario(Fraction::ZERO));
                let decode_eff = Resolved::from(
                    &defaults::serving_efficiency(a, p.software(), ServingStage::Decode),
                    Origin::Default,
                )
                .unwrap_or_else(|| Resolved::scenario(Fraction::ZERO));
                let mtbf = spec
                    .mtbf_hours
                    .map(Resolved::scenario)
                    .or_else(|| Resolved::from(&defaults::device_mtbf(a), Origin::Default));
                let checkpoint = spec
                    .checkpoint_write_s
                    .map(Resolved::scenario)
                    .or_else(|| Resolved::from(&defaults::checkpoint_write(), Origin::Default))
                    .unwrap_or_else(|| Resolved::scenario(Seconds::ZERO));
                let restart = spec
                    .restart_s
                    .map(Resolved::scenario)
                    .or_else(|| Resolved::from(&defaults::restart(a), Origin::Default))
                    .unwrap_or_else(|| Resolved::scenario(Seconds::ZERO));
                let domain = a
                    .scale_up_domain
                    .value
                    .and_then(Count::get)
                    .and_then(|v| u32::try_from(v).ok())
                    .unwrap_or_else(|| u32::try_from(p.node_size()).unwrap_or(1))
                    .max(1);
                let arrival = if p.ownership().is_purchasable() {
                    p.lead_time().to_hours()
                } else {
                    Hours::ZERO
                };
                PoolPerf {
                    accelerator: p.accelerator_id(),
                    peaks,
                    hbm: Resolved::from(&a.hbm_capacity, Origin::Catalogue),
                    hbm_bw: Resolved::from(&a.hbm_bandwidth, Origin::Catalogue),
                    domain,
                    scale_out: Resolved::from(&a.scale_out_bandwidth, Origin::Catalogue).or_else(
                        || Resolved::from(&defaults::scale_out_bandwidth(), Origin::Default),
                    ),
                    mfu,
                    infer_eff,
                    decode_eff,
                    mtbf,
                    checkpoint,
                    restart,
                    arrival: arrival.min(horizon),
                }
            })
            .collect();
        let phases = vs
            .phases()
            .map(|ph| {
                let spec: &Phase = ph.spec();
                let shape = shape_of(&spec.model);
                let seq_len = count_u32(spec.model.seq_len);
                let rule = FlopsRule::SixNPlusAttention;
                let per_token = shape.training_flops_per_token(rule, seq_len);
                let flops_per_token = (per_token.get() > 0.0).then_some(per_token);
                let work = spec.flops.or_else(|| {
                    spec.tokens
                        .map(|t| Flops::from_raw(t.get() * per_token.get()))
                });
                let scaling = ph
                    .scalings()
                    .filter_map(|(a, sc)| Some((a, scaling_fit(sc)?)))
                    .collect();
                let (s, e) = ph.window();
                let kv_heads = count_f64(spec.model.kv_heads.or(spec.model.heads));
                let kv_per_token_elems = match (
                    count_f64(spec.model.layers),
                    count_f64(spec.model.hidden),
                    count_f64(spec.model.heads),
                    kv_heads,
                ) {
                    (Some(l), Some(h), Some(n), Some(kv)) if n > 0.0 => {
                        Some(2.0 * l * kv * (h / n))
                    }
                    _ => None,
                };
                // the reference demand (flat, or the first dated step);
                // the compiler rescales per interval for the others
                let demand = spec
                    .tokens_per_day
                    .as_ref()
                    .and_then(crate::workload::DemandSchedule::reference);
                let demand = demand.as_ref();
                PhasePerf {
                    kind: spec.kind,
                    model_type: ModelType::of(
                        count_f64(Some(spec.model.total_params)).unwrap_or(0.0),
                        count_f64(spec.model.active_params),
                        count_f64(spec.model.experts),
                    ),
                    shape,
                    total_params: count_f64(Some(spec.model.total_params)).unwrap_or(0.0),
                    work,
                    flops_per_token,
                    scaling,

                    start: s.to_hours(),
                    end: e.to_hours(),
                    context: count_u32(spec.context_length).or(seq_len),
                    kv_per_token_elems,
                    kv_bytes: spec.model.kv_bytes_per_token,
                    max_batch: count_u32(spec.batch).unwrap_or(1024).max(1),
                    concurrency: count_f64(spec.batch),
                    tpot: spec.latency.as_ref().and_then(|l| l.tpot_s),
                    ttft: spec.latency.as_ref().and_then(|l| l.ttft_s),
                    input: demand.map_or(0.0, |d| d.input.get()),
                    output: demand.map_or(0.0, |d| d.output.get()),
                    cache_hit: demand.and_then(|d| d.cache_hit).map_or(0.0, Fraction::get),
                }
            })
            .collect();
        let kappa = defaults::comm_bytes_per_flop();
        let overlap = defaults::comm_overlap();
        PerfModel {
            vs,
            d: Arc::new(PerfData {
                pools,
                phases,
                comm: CommModel {
                    bytes_per_flop: kappa.value.unwrap_or(0.0),
                    overlap: overlap.value.unwrap_or(Fraction::ZERO),
                },
                comm_source: (kappa, overlap),
                usable: defaults::usable_memory(),
                state_bytes: defaults::training_bytes_per_param(),
            }),
        }
    }

    /// The resolved figures, to keep beyond the scenario's borrow.
    pub(crate) fn data(&self) -> Arc<PerfData> {
        Arc::clone(&self.d)
    }

    /// The model of `vs` from figures resolved earlier by
    /// [`PerfModel::new`] on a scenario whose performance inputs (pools'
    /// accelerators and figures, phases' work, windows and demand) are
    /// those of `vs`. A planning session rebinds its figures to its own
    /// copy of the scenario after changes that leave those inputs alone
    /// (counts, prices, levies, budgets) instead of resolving them again.
    pub(crate) fn rebind(vs: &'s ValidatedScenario, d: Arc<PerfData>) -> Self {
        PerfModel { vs, d }
    }

    /// The scenario this model was built from.
    #[must_use]
    pub fn scenario(&self) -> &'s ValidatedScenario {
        self.vs
    }

    /// The phase's total work (training phases with known work).
    #[must_use]
    pub fn work(&self, phase: PhaseId) -> Option<Flops> {
        self.d.phases.get(phase.index()).and_then(|p| p.work)
    }

    /// The rate of `phase` on `pool` (module docs). Allocates nothing.
    ///
    /// # Errors
    /// [`Unfit`] when the pool cannot run the phase, with the reason.
    pub fn pair(&self, phase: PhaseId, pool: PoolId) -> Result<PairRate, Unfit> {
        self.eval(phase, pool, None, None, &mut Quiet)
    }

    /// As [`PerfModel::pair`], with a training phase's deadline moved to
    /// `end` hours after the scenario's start (what a makespan search and a
    /// counterfactual need). Inference pairs ignore `end`.
    ///
    /// # Errors
    /// [`Unfit`] when the pool cannot run the phase, with the reason.
    pub fn pair_until(&self, phase: PhaseId, pool: PoolId, end: Hours) -> Result<PairRate, Unfit> {
        self.eval(phase, pool, None, Some(end), &mut Quiet)
    }

    /// As [`PerfModel::pair_until`], for a training run that starts no
    /// earlier than `start` (e.g. on devices bought later) and ends at `end`
    /// (hours after the scenario's start). Inference pairs ignore both.
    ///
    /// # Errors
    /// [`Unfit`] when the pool cannot run the phase, with the reason
    /// ([`Unfit::NoTime`] when the window is empty).
    pub fn pair_window(
        &self,
        phase: PhaseId,
        pool: PoolId,
        start: Hours,
        end: Hours,
    ) -> Result<PairRate, Unfit> {
        self.eval(phase, pool, Some(start), Some(end), &mut Quiet)
    }

    /// The rate of `phase` on `pool` when the pool runs it as one job of
    /// exactly `devices` devices, rather than at the job size the pool would
    /// need to meet the deadline alone (what [`PerfModel::pair`] and the
    /// planner's linearisation use). This is the rate a plan's schedule
    /// actually earns: [`crate::plan::verify()`] credits each training slot at
    /// its own device count with it.
    ///
    /// For a training phase, [`TrainingPair::rate`] is evaluated at
    /// `devices` (at least one: `rate(n) = peak · MFU · η(n)/η(n_ref) ·
    /// G(n)`, with a scenario MFU taken as measured at `n` itself), whatever
    /// the memory-fit minimum [`TrainingPair::min_devices`] (reported, not
    /// applied), and [`TrainingPair::hours`] is the pool's window up to the
    /// phase's deadline in the scenario (zero when the pool arrives after
    /// it). An inference pair's rate per device does not depend on the
    /// device count (replicas are independent): it is [`PerfModel::pair`]'s.
    ///
    /// # Errors
    /// [`Unfit`] when the pool cannot run the phase, with the reason;
    /// [`Unfit::CannotFinish`] when the effective rate at `devices` is zero
    /// (failures outpace checkpoints at that size).
    pub fn pair_at_devices(
        &self,
        phase: PhaseId,
        pool: PoolId,
        devices: f64,
    ) -> Result<PairRate, Unfit> {
        let ph = self.vs.phase(phase);
        let precision = match ph.eligibility(pool) {
            Eligibility::Eligible { precision, .. } => precision,
            Eligibility::Ineligible(why) => return Err(Unfit::Ineligible(why)),
        };
        let (pp, hp) = (&self.d.pools[pool.index()], &self.d.phases[phase.index()]);
        if !hp.kind.is_training() {
            return self.pair(phase, pool);
        }
        let work = hp.work.ok_or(Unfit::WorkUnknown)?;
        let hours = hp.end.saturating_sub(hp.start.max(pp.arrival));
        let (inputs, scenario_mfu, min_devices) =
            self.training_inputs(pp, hp, precision, &mut Quiet)?;
        let rate = rate_at(&inputs, scenario_mfu, devices);
        Self::training_pair(
            &inputs,
            precision,
            work,
            hours,
            min_devices,
            rate,
            &mut Quiet,
        )
        .map(PairRate::Training)
    }

    /// KV-cache bytes per token of context of inference phase `phase`
    /// served at `precision`: the model's `kv_bytes_per_token` when given,
    /// else `2 · layers · kv_heads · hidden/heads` values at the precision's
    /// width. `None` when neither is known.
    #[must_use]
    pub fn kv_bytes_per_token(&self, phase: PhaseId, precision: Precision) -> Option<Bytes> {
        let hp = self.d.phases.get(phase.index())?;
        hp.kv_bytes.or_else(|| {
            hp.kv_per_token_elems
                .map(|e| Bytes::from_raw(e * precision.bytes()))
        })
    }

    /// The scale-out (network) bandwidth of one device of `pool`, from the
    /// catalogue or the scenario's override; `None` when unknown.
    #[must_use]
    pub fn scale_out_bandwidth(&self, pool: PoolId) -> Option<BytesPerSec> {
        self.d
            .pools
            .get(pool.index())
            .and_then(|p| p.scale_out.as_ref())
            .map(|r| r.value)
    }

    /// The start of the phase's window, hours after the scenario's start.
    #[must_use]
    pub fn phase_start(&self, phase: PhaseId) -> Hours {
        self.d
            .phases
            .get(phase.index())
            .map_or(Hours::ZERO, |p| p.start)
    }

    /// The end of the phase's window (deadline or last day of service).
    #[must_use]
    pub fn phase_end(&self, phase: PhaseId) -> Hours {
        self.d
            .phases
            .get(phase.index())
            .map_or(Hours::ZERO, |p| p.end)
    }

    /// When a pool's devices can first be used, hours after the start (its
    /// lead time for a purchasable pool, zero otherwise).
    #[must_use]
    pub fn pool_arrival(&self, pool: PoolId) -> Hours {
        self.d
            .pools
            .get(pool.index())
            .map_or(Hours::ZERO, |p| p.arrival)
    }

    /// The efficiency matrix: every phase's rate on every pool validation
    /// found eligible for it, in a compact row-per-phase layout. The phases
    /// are split over the machine's cores
    /// (`std::thread::available_parallelism`); the result does not depend on
    /// how many there are.
    ///
    /// Complexity: one [`PerfModel::pair`] per eligible pair, each a
    /// handful of evaluations of the training rate (a secant search for the
    /// job size) or one decode roofline; 32 bytes of output per pair.
    #[must_use]
    pub fn matrix(&self) -> EfficiencyMatrix {
        let phases: Vec<PhaseId> = self.vs.phase_ids().collect();
        let (class, classes) = self.rate_classes();
        // Slot of a pool's rate for a phase: its class, the precision it
        // runs at, and whether a measured figure applies.
        let slot = |p: PhaseId, k: PoolId| match self.vs.eligibility(p, k) {
            Eligibility::Eligible {
                precision,
                measured,
                ..
            } => Some(
                (class[k.index()] * PRECISIONS.len() + pidx(precision)) * 2 + usize::from(measured),
            ),
            Eligibility::Ineligible(_) => None,
        };
        let row = |p: PhaseId,
                   stamp: usize,
                   cache: &mut [(usize, MatrixEntry)],
                   out: &mut Vec<MatrixEntry>| {
            for &k in self.vs.phase(p).eligible_pools() {
                let at = slot(p, k);
                if let Some(c) = at.and_then(|i| cache.get(i)).filter(|c| c.0 == stamp) {
                    out.push(MatrixEntry { pool: k, ..c.1 });
                    continue;
                }
                let e = match self.pair(p, k) {
                    Ok(r) => MatrixEntry::from_rate(k, &r),
                    Err(u) => MatrixEntry {
                        pool: k,
                        share: 0.0,
                        min_devices: 0,
                        hours: 0.0,
                        unfit: Some(u),
                    },
                };
                if let Some(c) = at.and_then(|i| cache.get_mut(i)) {
                    *c = (stamp, e);
                }
                out.push(e);
            }
        };
        let run = |ps: &[PhaseId]| -> (Vec<usize>, Vec<MatrixEntry>) {
            let mut starts = Vec::with_capacity(ps.len());
            let mut entries = Vec::new();
            let blank = MatrixEntry {
                pool: PoolId::new(0),
                share: 0.0,
                min_devices: 0,
                hours: 0.0,
                unfit: None,
            };
            let mut cache = vec![(usize::MAX, blank); classes * PRECISIONS.len() * 2];
            for &p in ps {
                starts.push(entries.len());
                row(p, p.index(), &mut cache, &mut entries);
            }
            (starts, entries)
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(phases.len().max(1));
        let parts: Vec<(Vec<usize>, Vec<MatrixEntry>)> = if threads <= 1 || phases.len() < 64 {
            vec![run(&phases)]
        } else {
            let chunk = phases.len().div_ceil(threads);
            std::thread::scope(|s| {
                let handles: Vec<_> = phases
                    .chunks(chunk)
                    .map(|ps| s.spawn(move || run(ps)))
                    .collect();
                handles
                    .into_iter()
                    // A panic in a worker is a bug in this module; re-raise it.
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        let mut m = EfficiencyMatrix {
            starts: Vec::with_capacity(phases.len() + 1),
            entries: Vec::new(),
        };
        for (starts, entries) in parts {
            let base = m.entries.len();
            m.starts.extend(starts.into_iter().map(|s| s + base));
            m.entries.extend(entries);
        }
        m.starts.push(m.entries.len());
        m
    }

    /// Pools grouped by [`PoolPerf::rate_key`]: each pool's class (numbered
    /// in pool order) and the number of classes. A fleet of many pools of a
    /// few kinds (sites, owners, purchase options of the same accelerator)
    /// has few classes, and the matrix evaluates each phase once per class.
    fn rate_classes(&self) -> (Vec<usize>, usize) {
        let mut seen: std::collections::HashMap<Vec<u64>, usize> = std::collections::HashMap::new();
        let mut key = Vec::new();
        let class = self
            .vs
            .pools()
            .zip(&self.d.pools)
            .map(|(p, pp)| {
                pp.rate_key(p.accelerator_id().index(), &mut key);
                let next = seen.len();
                *seen.entry(key.clone()).or_insert(next)
            })
            .collect();
        (class, seen.len())
    }

    /// The rate of `phase` on `pool` with every factor recorded.
    #[must_use]
    pub fn explain(&self, phase: PhaseId, pool: PoolId) -> PairExplanation {
        let mut factors = Vec::new();
        let rate = self.eval(phase, pool, None, None, &mut factors);
        PairExplanation { factors, rate }
    }

    fn eval(
        &self,
        phase: PhaseId,
        pool: PoolId,
        start: Option<Hours>,
        end: Option<Hours>,
        rec: &mut impl Recorder,
    ) -> Result<PairRate, Unfit> {
        let ph = self.vs.phase(phase);
        let (precision, measured) = match ph.eligibility(pool) {
            Eligibility::Eligible {
                precision,
                measured,
                ..
            } => (precision, measured),
            Eligibility::Ineligible(why) => return Err(Unfit::Ineligible(why)),
        };
        let (pp, hp) = (&self.d.pools[pool.index()], &self.d.phases[phase.index()]);
        if hp.kind.is_training() {
            self.training(pp, hp, start, end.unwrap_or(hp.end), precision, rec)
                .map(PairRate::Training)
        } else {
            let m = if measured {
                ph.measured_for(self.vs.pool(pool).accelerator_id())
            } else {
                None
            };
            self.inference(pp, hp, precision, m, rec)
                .map(PairRate::Inference)
        }
    }

    fn peak(&self, pp: &PoolPerf, q: Precision, rec: &mut impl Recorder) -> Option<FlopsPerSec> {
        let (support, src) = &pp.peaks[pidx(q)];
        match support {
            Support::Dense(r) => {
                rec.record(|| {
                    let mut f = plain(peak_name(q), r.tera(), "TFLOP/s", Origin::Catalogue);
                    if let Some(s) = src {
                        f.confidence = Some(s.confidence);
                        f.sources.clone_from(&s.sources);
                        f.note.clone_from(&s.note);
                    }
                    f
                });
                Some(*r)
            }
            _ => None,
        }
    }

    fn memory_fit_training(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        rec: &mut impl Recorder,
    ) -> Result<u64, Unfit> {
        let hbm = pp.hbm.as_ref().ok_or(Unfit::MemoryUnknown)?;
        let usable = self.d.usable.value.unwrap_or(Fraction::ONE);
        let per_param = self.d.state_bytes.value.unwrap_or(16.0);
        rec.record(|| hbm.factor("HBM capacity", hbm.value.gb(), "GB"));
        rec.record(|| {
            from_sourced(
                "usable HBM",
                usable.get(),
                "",
                Origin::Default,
                &self.d.usable,
            )
        });
        rec.record(|| {
            from_sourced(
                "training state",
                per_param,
                "bytes/param",
                Origin::Default,
                &self.d.state_bytes,
            )
        });
        let need = per_param * hp.total_params / (hbm.value.get() * usable.get());
        if !need.is_finite() {
            return Err(Unfit::MemoryUnknown);
        }
        // devices needed is finite and non-negative; beyond u64 is not a plan
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = need.ceil().max(1.0) as u64;
        #[allow(clippy::cast_precision_loss)]
        rec.record(|| plain("memory-fit minimum", m as f64, "devices", Origin::Derived));
        Ok(m)
    }

    fn training(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        start: Option<Hours>,
        end: Hours,
        precision: Precision,
        rec: &mut impl Recorder,
    ) -> Result<TrainingPair, Unfit> {
        let work = hp.work.ok_or(Unfit::WorkUnknown)?;
        rec.record(|| plain("work", work.get(), "FLOP", Origin::Derived));
        let start = hp.start.max(pp.arrival).max(start.unwrap_or(Hours::ZERO));
        let hours = end.saturating_sub(start);
        rec.record(|| plain("usable window", hours.get(), "h", Origin::Derived));
        if hours.get() <= 0.0 {
            return Err(Unfit::NoTime);
        }
        let (inputs, at_job_scale, min_devices) = self.training_inputs(pp, hp, precision, rec)?;
        let mut rate = job_size_for_deadline(&inputs, work, hours).ok_or(Unfit::CannotFinish)?;
        // A scenario MFU is measured at the job's scale: no relative factor.
        if at_job_scale {
            rate = rate_at(&inputs, true, rate.devices);
        }
        #[allow(clippy::cast_precision_loss)]
        if rate.devices < min_devices as f64 {
            rate = rate_at(&inputs, at_job_scale, min_devices as f64);
        }
        Self::training_pair(&inputs, precision, work, hours, min_devices, rate, rec)
    }

    /// Everything a training rate depends on but the job size: the inputs
    /// (from the phase's measured scaling fit on this accelerator, else the
    /// MFU), whether the MFU is taken at the job's own scale (a scenario
    /// MFU), and the devices the training state needs.
    fn training_inputs(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        precision: Precision,
        rec: &mut impl Recorder,
    ) -> Result<(TrainingInputs, bool, u64), Unfit> {
        let fitted = hp
            .scaling
            .iter()
            .find(|(a, _)| *a == pp.accelerator)
            .map(|(_, f)| f);
        let eff = match fitted {
            Some(f) => self.fitted_efficiency(pp, hp, precision, f, rec)?,
            None => self.mfu_efficiency(pp, hp, precision, rec)?,
        };
        let min_devices = self.memory_fit_training(pp, hp, rec)?;
        let reliability = pp.mtbf.as_ref().map(|mt| ReliabilityInputs {
            device_mtbf: mt.value,
            checkpoint: pp.checkpoint.value.to_hours(),
            restart: pp.restart.value.to_hours(),
        });
        if let Some(mt) = &pp.mtbf {
            rec.record(|| mt.factor("device MTBF", mt.value.get(), "h"));
            rec.record(|| {
                pp.checkpoint
                    .factor("checkpoint write", pp.checkpoint.value.get(), "s")
            });
            rec.record(|| pp.restart.factor("restart", pp.restart.value.get(), "s"));
        } else {
            rec.record(|| Factor {
                note: Some("no MTBF known: failures are not modelled (goodput 1)".to_owned()),
                ..plain("device MTBF", f64::NAN, "h", Origin::Default)
            });
        }
        // A scenario MFU is measured at the job's own scale, network
        // included: no scale-out factor, in the job-size search as at the
        // size found (else the search would size the job on a rate the
        // pair never gets).
        let scale_out = if eff.at_job_scale {
            None
        } else {
            pp.scale_out.as_ref().map(|s| s.value)
        };
        if eff.curve.is_none() && !eff.at_job_scale {
            self.record_scale_out(pp, rec);
        }
        let inputs = TrainingInputs {
            peak: eff.peak,
            mfu: eff.mfu,
            mfu_devices: eff.mfu_devices,
            mfu_scale_out: eff.mfu_scale_out,
            domain: pp.domain,
            scale_out,
            comm: self.d.comm,
            reliability,
            curve: eff.curve,
        };
        Ok((inputs, eff.at_job_scale, min_devices))
    }

    /// A training pair from its rate at a job size.
    fn training_pair(
        inputs: &TrainingInputs,
        precision: Precision,
        work: Flops,
        hours: Hours,
        min_devices: u64,
        rate: TrainingRate,
        rec: &mut impl Recorder,
    ) -> Result<TrainingPair, Unfit> {
        rec.record(|| plain("job size", rate.devices, "devices", Origin::Derived));
        if let Some(c) = &inputs.curve {
            let n = rate.devices;
            rec.record(|| Factor {
                note: Some(if c.curve.extrapolates(n) {
                    format!(
                        "from the fit; EXTRAPOLATED beyond the measured {}-{} devices",
                        c.curve.min_devices, c.curve.max_devices
                    )
                } else {
                    "from the fit, within the measured range".to_owned()
                }),
                ..plain(
                    "fitted MFU at job size",
                    rate.achieved.get() / inputs.peak.get(),
                    "",
                    Origin::Derived,
                )
            });
        } else {
            rec.record(|| plain("scale-out efficiency", rate.scale_out, "", Origin::Derived));
        }
        rec.record(|| plain("goodput", rate.goodput.get(), "", Origin::Derived));
        if let Some(t) = rate.checkpoint_interval {
            rec.record(|| plain("checkpoint interval", t.minutes(), "min", Origin::Derived));
        }
        rec.record(|| {
            plain(
                "effective rate",
                rate.effective.tera(),
                "TFLOP/s",
                Origin::Derived,
            )
        });
        if rate.effective.get() <= 0.0 {
            return Err(Unfit::CannotFinish);
        }
        let share = rate.effective.get() * 3600.0 / work.get();
        rec.record(|| plain("share of work per device-hour", share, "", Origin::Derived));
        Ok(TrainingPair {
            precision,
            rate,
            work,
            hours,
            min_devices,
            share_per_device_hour: share,
        })
    }

    /// Peak and MFU from the scenario's MFU or the sourced default.
    fn mfu_efficiency(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        precision: Precision,
        rec: &mut impl Recorder,
    ) -> Result<Efficiency, Unfit> {
        let m = pp.mfu[mfu_index(hp.kind, hp.model_type, precision)]
            .as_ref()
            .ok_or(Unfit::MfuUnknown)?;
        // A scenario MFU is a fraction of the peak at the phase's precision,
        // measured at the job's own scale; a default carries its own basis and
        // measurement scale.
        let scenario = m.mfu.origin == Origin::Scenario;
        let basis = if scenario { precision } else { m.basis };
        let peak = self
            .peak(pp, basis, rec)
            .ok_or(Unfit::Ineligible(Ineligible::PeakUnknown {
                precision: basis,
            }))?;
        rec.record(|| {
            let mut f = m.mfu.factor("MFU", m.mfu.value.get(), "");
            if !scenario {
                let key = format!(
                    "default for a {} model at {}",
                    hp.model_type.as_str(),
                    precision.as_str()
                );
                f.note = Some(match f.note {
                    Some(n) => format!("{key}: {n}"),
                    None => key,
                });
            }
            f
        });
        Ok(Efficiency {
            peak,
            mfu: m.mfu.value,
            mfu_devices: if scenario { None } else { m.devices },
            mfu_scale_out: m.scale_out,
            curve: None,
            at_job_scale: scenario,
        })
    }

    /// The phase's measured scaling curve on this pool's accelerator.
    fn fitted_efficiency(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        precision: Precision,
        f: &ScalingFit,
        rec: &mut impl Recorder,
    ) -> Result<Efficiency, Unfit> {
        let peak = self
            .peak(pp, precision, rec)
            .ok_or(Unfit::Ineligible(Ineligible::PeakUnknown { precision }))?;
        let flops_per_unit = if f.mfu {
            peak.get()
        } else {
            hp.flops_per_token.ok_or(Unfit::WorkUnknown)?.get()
        };
        let r = &f.report;
        rec.record(|| Factor {
            sources: f.sources.clone(),
            note: Some(format!(
                "rate from a least-squares fit of the scenario's measured {} points: {r}{}",
                if f.mfu { "MFU" } else { "tokens/s" },
                f.note
                    .as_deref()
                    .map_or(String::new(), |n| format!("; {n}"))
            )),
            ..plain(
                "scaling fit",
                r.curve.b,
                if r.curve.form == CurveForm::PowerLaw {
                    "exponent"
                } else {
                    "slope per ln(devices)"
                },
                Origin::Scenario,
            )
        });
        rec.record(|| plain("fit residual (RMS)", r.rms_residual, "", Origin::Derived));
        rec.record(|| Factor {
            note: Some(format!(
                "largest measured job predicted from the others: {:+.2}%",
                100.0 * r.largest_held_out
            )),
            ..plain(
                "fit held-out error (max)",
                r.max_held_out,
                "",
                Origin::Derived,
            )
        });
        Ok(Efficiency {
            peak,
            mfu: Fraction::clamped(
                r.curve.value(r.curve.max_devices) * flops_per_unit / peak.get(),
            ),
            mfu_devices: None,
            mfu_scale_out: None,
            curve: Some(AchievedCurve {
                curve: r.curve,
                flops_per_unit,
                cap: Some(peak),
            }),
            at_job_scale: false,
        })
    }

    fn record_scale_out(&self, pp: &PoolPerf, rec: &mut impl Recorder) {
        match &pp.scale_out {
            Some(s) => {
                rec.record(|| s.factor("scale-out bandwidth", s.value.gb_per_sec(), "GB/s"));
                rec.record(|| {
                    from_sourced(
                        "scale-out traffic",
                        self.d.comm.bytes_per_flop,
                        "B/FLOP",
                        Origin::Default,
                        &self.d.comm_source.0,
                    )
                });
                rec.record(|| {
                    from_sourced(
                        "communication overlap",
                        self.d.comm.overlap.get(),
                        "",
                        Origin::Default,
                        &self.d.comm_source.1,
                    )
                });
            }
            None => rec.record(|| Factor {
                note: Some("scale-out bandwidth unknown: no scale-out factor applied".to_owned()),
                ..plain("scale-out bandwidth", f64::NAN, "GB/s", Origin::Catalogue)
            }),
        }
    }

    /// An inference pair: each half of the rate (prefill, decode) from the
    /// phase's measured figure for the accelerator when it gives that half,
    /// else from the roofline (measured first, roofline second, per half);
    /// `explain` records the source of each.
    fn inference(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        precision: Precision,
        measured: Option<&crate::workload::Measured>,
        rec: &mut impl Recorder,
    ) -> Result<InferencePair, Unfit> {
        let usable = self.d.usable.value.unwrap_or(Fraction::ONE);
        let weights = Bytes::from_raw(hp.total_params * precision.bytes());
        rec.record(|| plain("weights", weights.gb(), "GB", Origin::Derived));
        let pre_m = measured.and_then(|m| m.prefill_at(hp.concurrency));
        let dec_m = measured.and_then(|m| m.decode_at(hp.concurrency));
        record_sources(measured, pre_m.is_some(), dec_m.is_some(), hp, rec);
        if let Some(m) = measured {
            let mk = |name, v: TokensPerSec| Factor {
                sources: m.sources.clone(),
                note: m.note.clone(),
                ..plain(name, v.get(), "tokens/s", Origin::Scenario)
            };
            if let Some(pre) = pre_m {
                rec.record(|| mk("measured prefill (all input tokens)", pre));
                if let (Some(limit), Some(at)) = (hp.ttft, m.at_ttft_s)
                    && at.get() > limit.get()
                {
                    return Err(Unfit::Latency);
                }
            }
            if let Some(dec) = dec_m {
                rec.record(|| mk("measured decode", dec));
                if let (Some(limit), Some(at)) = (hp.tpot, m.at_tpot_s)
                    && at.get() > limit.get()
                {
                    return Err(Unfit::Latency);
                }
            }
        }
        let fit = || match &pp.hbm {
            Some(h) => {
                replica_devices(weights, Bytes::ZERO, 0, 0, h.value, usable).map_or(1, u64::from)
            }
            None => 1,
        };
        let (prefill, decode, replica, tpot) = match (pre_m, dec_m) {
            (Some(pre), Some(dec)) => (pre, dec, fit(), measured.and_then(|m| m.at_tpot_s)),
            _ => {
                let r = self.roofline(pp, hp, precision, weights, (pre_m, dec_m), rec)?;
                (r.0, r.1, r.2.unwrap_or_else(fit), r.3)
            }
        };
        // a measured prefill counts every input token (cache hits included)
        let computed_input = if pre_m.is_some() {
            hp.input
        } else {
            hp.input * (1.0 - hp.cache_hit)
        };
        let secs = computed_input / prefill.get().max(f64::MIN_POSITIVE)
            + hp.output / decode.get().max(f64::MIN_POSITIVE);
        let share = if secs > 0.0 {
            86_400.0 / secs
        } else {
            f64::INFINITY
        };
        rec.record(|| {
            plain(
                "share of daily demand per device",
                share,
                "",
                Origin::Derived,
            )
        });
        Ok(InferencePair {
            precision,
            prefill,
            decode,
            replica,
            tpot,
            measured: pre_m.is_some(),
            decode_measured: dec_m.is_some(),
            share_per_device: share,
        })
    }

    /// The roofline halves the measured figure does not give (`known`:
    /// the measured prefill and decode, when given): (prefill, decode,
    /// replica when the decode point sets it, TPOT).
    fn roofline(
        &self,
        pp: &PoolPerf,
        hp: &PhasePerf,
        precision: Precision,
        weights: Bytes,
        known: (Option<TokensPerSec>, Option<TokensPerSec>),
        rec: &mut impl Recorder,
    ) -> Result<(TokensPerSec, TokensPerSec, Option<u64>, Option<Seconds>), Unfit> {
        let usable = self.d.usable.value.unwrap_or(Fraction::ONE);
        let peak = self
            .peak(pp, precision, rec)
            .ok_or(Unfit::Ineligible(Ineligible::PeakUnknown { precision }))?;
        let context = hp.context.ok_or(Unfit::ContextUnknown)?;
        let eff = pp.infer_eff.value;
        rec.record(|| pp.infer_eff.factor("compute efficiency", eff.get(), ""));
        let f_fwd = hp.shape.inference_flops_per_token(Some(context));
        rec.record(|| {
            plain(
                "forward FLOPs per token",
                f_fwd.get(),
                "FLOP",
                Origin::Derived,
            )
        });
        let pre = match known.0 {
            Some(p) => p,
            None => {
                let p = prefill_rate(peak, eff, f_fwd).ok_or(Unfit::WorkUnknown)?;
                rec.record(|| plain("prefill rate", p.get(), "tokens/s", Origin::Derived));
                p
            }
        };
        let ttft_ok = |replica: f64| {
            hp.ttft.is_none_or(|ttft| {
                known.0.is_some()
                    || f64::from(context) * f_fwd.get() / (replica * peak.get() * eff.get())
                        <= ttft.get()
            })
        };
        if let Some(dec) = known.1 {
            let r = match &pp.hbm {
                Some(h) => {
                    replica_devices(weights, Bytes::ZERO, 0, 0, h.value, usable).unwrap_or(1)
                }
                None => 1,
            };
            if !ttft_ok(f64::from(r)) {
                return Err(Unfit::Latency);
            }
            return Ok((pre, dec, Some(u64::from(r)), None));
        }
        let (hbm, bw) = match (&pp.hbm, &pp.hbm_bw) {
            (Some(h), Some(b)) => (h, b),
            _ => return Err(Unfit::MemoryUnknown),
        };
        rec.record(|| hbm.factor("HBM capacity", hbm.value.gb(), "GB"));
        rec.record(|| bw.factor("HBM bandwidth", bw.value.gb_per_sec() / 1000.0, "TB/s"));
        let kv = hp
            .kv_bytes
            .or_else(|| {
                hp.kv_per_token_elems
                    .map(|e| Bytes::from_raw(e * precision.bytes()))
            })
            .ok_or(Unfit::KvUnknown)?;
        rec.record(|| plain("KV cache per token", kv.get(), "bytes", Origin::Derived));
        let mem_eff = pp.decode_eff.value;
        rec.record(|| pp.decode_eff.factor("memory efficiency", mem_eff.get(), ""));
        let inp = DecodeInputs {
            weights,
            active_weights: Bytes::from_raw(hp.shape.active_params * precision.bytes()),
            kv_per_token: kv,
            context,
            flops_per_token: f_fwd,
            hbm: hbm.value,
            usable_memory: usable,
            hbm_bandwidth: bw.value,
            memory_efficiency: mem_eff,
            peak,
            compute_efficiency: eff,
        };
        let point = best_decode(&inp, hp.max_batch, hp.tpot).ok_or(Unfit::Latency)?;
        if !ttft_ok(f64::from(point.replica)) {
            return Err(Unfit::Latency);
        }
        rec.record(|| {
            plain(
                "decode batch",
                f64::from(point.batch),
                "sequences",
                Origin::Derived,
            )
        });
        rec.record(|| {
            plain(
                "replica",
                f64::from(point.replica),
                "devices",
                Origin::Derived,
            )
        });
        rec.record(|| {
            plain(
                "time per output token",
                point.tpot.millis(),
                "ms",
                Origin::Derived,
            )
        });
        rec.record(|| plain("decode rate", point.rate.get(), "tokens/s", Origin::Derived));
        Ok((
            pre,
            point.rate,
            Some(u64::from(point.replica)),
            Some(point.tpot),
        ))
    }
}

/// Records where each half of an inference rate comes from: an overall
/// "rate source" line, then "prefill source" and "decode source".
fn record_sources(
    measured: Option<&crate::workload::Measured>,
    pre: bool,
    dec: bool,
    hp: &PhasePerf,
    rec: &mut impl Recorder,
) {
    const ROOFLINE: &str = "roofline (no measured figure for this half on this accelerator): prefill compute-bound, decode bandwidth-bound, with the efficiencies below (sourced defaults by vendor stack and part, see their notes, or the pool's inference MFU)";
    let overall = match (pre, dec) {
        (true, true) => measured_source(measured, hp.concurrency),
        (false, false) => ROOFLINE.to_owned(),
        (true, false) => format!(
            "mixed: prefill measured, decode roofline. {}",
            measured_source(measured, hp.concurrency)
        ),
        (false, true) => format!(
            "mixed: decode measured, prefill roofline. {}",
            measured_source(measured, hp.concurrency)
        ),
    };
    let origin = |m: bool| if m { Origin::Scenario } else { Origin::Default };
    rec.record(|| Factor {
        note: Some(overall),
        ..plain("rate source", f64::NAN, "", origin(pre && dec))
    });
    for (name, m) in [("prefill source", pre), ("decode source", dec)] {
        rec.record(|| Factor {
            note: Some(if m {
                "measured (the scenario's figure for this accelerator)".to_owned()
            } else {
                "roofline (sourced default efficiencies, or the pool's inference MFU)".to_owned()
            }),
            ..plain(name, f64::NAN, "", origin(m))
        });
    }
}

/// The training rate at job size `devices`; an MFU taken at the job's own
/// scale (`at_job_scale`: a scenario MFU) is measured at that size, so no
/// relative scale-out factor applies to it.
fn rate_at(inputs: &TrainingInputs, at_job_scale: bool, devices: f64) -> TrainingRate {
    if at_job_scale {
        TrainingInputs {
            mfu_devices: Some(devices.max(1.0)),
            ..*inputs
        }
        .rate(devices)
    } else {
        inputs.rate(devices)
    }
}

/// What `explain` says about a measured rate: a single figure or a table,
/// and where the table was read.
fn measured_source(m: Option<&crate::workload::Measured>, concurrency: Option<f64>) -> String {
    let Some(m) = m else {
        return String::new();
    };
    let table = |name: &str, pts: &[[f64; 2]]| -> Option<String> {
        let (first, last) = (pts.first()?, pts.last()?);
        let at = concurrency.unwrap_or(last[0]);
        let how = if at < first[0] || at > last[0] {
            "clamped to the nearest measured point"
        } else {
            "interpolated piecewise-linearly"
        };
        Some(format!(
            "{name} table of {} points (concurrency {}-{}) read at concurrency {at} ({}), {how}",
            pts.len(),
            first[0],
            last[0],
            if concurrency.is_some() {
                "the phase's batch"
            } else {
                "the largest measured; set the phase's batch to read another"
            }
        ))
    };
    let parts: Vec<String> = [
        table("prefill", &m.prefill_points),
        table("decode", &m.decode_points),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut s =
        "measured (the scenario's figures for this accelerator; measured first, roofline second)"
            .to_owned();
    if !parts.is_empty() {
        s.push_str(": ");
        s.push_str(&parts.join("; "));
    }
    s
}

fn peak_name(q: Precision) -> &'static str {
    match q {
        Precision::Bf16 => "peak BF16",
        Precision::Fp16 => "peak FP16",
        Precision::Fp8 => "peak FP8",
        Precision::Int8 => "peak INT8",
        Precision::Fp4 => "peak FP4",
    }
}
