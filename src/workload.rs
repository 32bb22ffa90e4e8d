//! The workload: phases of pre-training, post-training and inference, with
//! their demand, window and precision.
//!
//! A [`Phase`] is one of three kinds ([`PhaseKind`]). Training phases
//! (pre- and post-training) state their work as `tokens` (turned into FLOPs
//! by the performance model from the model architecture) or directly as
//! `flops`, and a window: `start_day` (earliest start) and `deadline_days`
//! (must finish by), both counted from the scenario's start. Inference phases
//! state a daily token demand ([`TokenDemand`]) over a serving window
//! `from_day..until_day`, with optional latency targets and measured
//! per-device throughputs that override the roofline model. Training phases
//! may carry measured throughputs at several job sizes ([`Scaling`]), which
//! the performance model fits by least squares and uses instead of its MFU
//! model on that accelerator.
//!
//! Fields of the other kind are rejected by validation (`E-FIELD-NOT-APPLICABLE`)
//! rather than silently ignored.
//!
//! ```
//! use fleetplan::catalog::Precision;
//! use fleetplan::units::{Days, Tokens};
//! use fleetplan::workload::{ModelArch, Phase, PhaseKind, TokenDemand};
//!
//! // DeepSeek-V3: 671B parameters, 37B active, 14.8T tokens in FP8.
//! let v3 = ModelArch::moe(671_000_000_000, 37_000_000_000);
//! let pre = Phase::training("pretrain", PhaseKind::Pretraining, v3.clone(), Precision::Fp8)
//!     .with_tokens(Tokens::from_trillions(14.8))
//!     .with_deadline(Days::from_raw(120.0));
//! let serve = Phase::inference(
//!     "serve",
//!     v3,
//!     Precision::Int8,
//!     TokenDemand::new(Tokens::from_raw(608e9), Tokens::from_raw(168e9)),
//! );
//! assert!(pre.kind.is_training() && !serve.kind.is_training());
//! ```

use crate::catalog::{Precision, string_enum};
use crate::fleet::Count;
use crate::perf::fit::CurveForm;
use crate::units::{
    Bytes, BytesPerSec, Date, Days, Flops, Fraction, Seconds, Tokens, TokensPerSec, UsdPerGb,
};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What a phase does.
    pub enum PhaseKind {
        /// Pre-training a model from scratch.
        Pretraining = "pretraining",
        /// Post-training: fine-tuning, RL, context extension.
        Posttraining = "posttraining",
        /// Serving a model.
        Inference = "inference",
    }
}

impl PhaseKind {
    /// `true` for pre- and post-training.
    #[must_use]
    pub const fn is_training(self) -> bool {
        matches!(self, PhaseKind::Pretraining | PhaseKind::Posttraining)
    }
}

/// The model a phase trains or serves.
///
/// Only `total_params` is required. The performance model uses
/// `active_params` (total when absent: a dense model) for the 6·N FLOPs per
/// token rule, and the shape fields, when given, for the attention term,
/// memory fit and KV-cache size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ModelArch {
    /// Parameters in total (all experts).
    pub total_params: Count,
    /// Parameters active per token (MoE); `total_params` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_params: Option<Count>,
    /// Transformer layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Count>,
    /// Hidden (model) dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Count>,
    /// Training sequence length, tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq_len: Option<Count>,
    /// Attention heads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<Count>,
    /// Key/value heads (grouped-query attention); `heads` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<Count>,
    /// Query/key dimension per head, when attention is not standard
    /// multi-head attention (e.g. 192 for DeepSeek-V3's latent attention);
    /// with `v_head_dim` and `heads` it sets the attention FLOPs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qk_head_dim: Option<Count>,
    /// Value dimension per head (e.g. 128 for DeepSeek-V3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v_head_dim: Option<Count>,
    /// Routed experts per MoE layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts: Option<Count>,
    /// Routed experts active per token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_experts: Option<Count>,
    /// KV-cache bytes per token of context, when known directly (e.g. for
    /// latent attention, where it is not a function of heads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_bytes_per_token: Option<Bytes>,
}

impl ModelArch {
    /// A dense model of `params` parameters.
    #[must_use]
    pub fn dense(params: u64) -> ModelArch {
        ModelArch {
            total_params: Count::new(params),
            active_params: None,
            layers: None,
            hidden: None,
            seq_len: None,
            heads: None,
            kv_heads: None,
            qk_head_dim: None,
            v_head_dim: None,
            experts: None,
            active_experts: None,
            kv_bytes_per_token: None,
        }
    }

    /// A mixture-of-experts model with `total` parameters, `active` per token.
    #[must_use]
    pub fn moe(total: u64, active: u64) -> ModelArch {
        let mut m = ModelArch::dense(total);
        m.active_params = Some(Count::new(active));
        m
    }

    /// Sets layers, hidden size and sequence length.
    #[must_use]
    pub fn with_shape(mut self, layers: u64, hidden: u64, seq_len: u64) -> ModelArch {
        self.layers = Some(Count::new(layers));
        self.hidden = Some(Count::new(hidden));
        self.seq_len = Some(Count::new(seq_len));
        self
    }

    /// Sets the attention heads, and the key/value heads when they differ
    /// (grouped-query attention).
    #[must_use]
    pub fn with_heads(mut self, heads: impl Into<Count>, kv_heads: Option<Count>) -> ModelArch {
        self.heads = Some(heads.into());
        self.kv_heads = kv_heads;
        self
    }

    /// Sets the query/key and value dimensions per head (non-standard
    /// attention, e.g. 192 and 128 for DeepSeek-V3's latent attention).
    #[must_use]
    pub fn with_head_dims(mut self, qk: impl Into<Count>, v: impl Into<Count>) -> ModelArch {
        self.qk_head_dim = Some(qk.into());
        self.v_head_dim = Some(v.into());
        self
    }

    /// Sets the routed experts per MoE layer and those active per token.
    #[must_use]
    pub fn with_experts(
        mut self,
        experts: impl Into<Count>,
        active: impl Into<Count>,
    ) -> ModelArch {
        self.experts = Some(experts.into());
        self.active_experts = Some(active.into());
        self
    }

    /// Sets the layers alone (when hidden size and sequence length are not
    /// needed).
    #[must_use]
    pub fn with_layers(mut self, layers: impl Into<Count>) -> ModelArch {
        self.layers = Some(layers.into());
        self
    }

    /// Sets the hidden size alone.
    #[must_use]
    pub fn with_hidden(mut self, hidden: impl Into<Count>) -> ModelArch {
        self.hidden = Some(hidden.into());
        self
    }

    /// Sets the KV-cache bytes per token of context.
    #[must_use]
    pub fn with_kv_bytes_per_token(mut self, bytes: Bytes) -> ModelArch {
        self.kv_bytes_per_token = Some(bytes);
        self
    }

    /// Parameters active per token (the total for a dense model), as given.
    #[must_use]
    pub fn active(&self) -> Count {
        self.active_params.unwrap_or(self.total_params)
    }
}

/// Daily token demand of an inference phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TokenDemand {
    /// Input (prompt) tokens per day, cache hits included.
    pub input: Tokens,
    /// Output (generated) tokens per day.
    pub output: Tokens,
    /// Fraction of input tokens served from a KV cache (no prefill compute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_hit: Option<Fraction>,
}

impl TokenDemand {
    /// Demand of `input` and `output` tokens per day, no cache.
    #[must_use]
    pub fn new(input: Tokens, output: Tokens) -> TokenDemand {
        TokenDemand {
            input,
            output,
            cache_hit: None,
        }
    }

    /// Sets the cache-hit fraction.
    #[must_use]
    pub fn with_cache_hit(mut self, f: Fraction) -> TokenDemand {
        self.cache_hit = Some(f);
        self
    }
}

/// One dated step of a demand schedule: from `from` on (until the next
/// step), the phase serves this many tokens a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DemandStep {
    /// First day of the step.
    pub from: Date,
    /// Input (prompt) tokens per day, cache hits included.
    pub input: Tokens,
    /// Output (generated) tokens per day.
    pub output: Tokens,
    /// Fraction of input tokens served from a KV cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_hit: Option<Fraction>,
}

impl DemandStep {
    /// From `from` on, `demand` tokens a day.
    #[must_use]
    pub fn new(from: Date, demand: &TokenDemand) -> DemandStep {
        DemandStep {
            from,
            input: demand.input,
            output: demand.output,
            cache_hit: demand.cache_hit,
        }
    }

    /// The step's daily demand.
    #[must_use]
    pub fn demand(&self) -> TokenDemand {
        TokenDemand {
            input: self.input,
            output: self.output,
            cache_hit: self.cache_hit,
        }
    }
}

/// An inference phase's daily demand: one figure for the whole window
/// (`tokens_per_day = { input = …, output = … }`) or dated steps
/// (`tokens_per_day = [{ from = "2025-09-01", input = …, output = … }, …]`;
/// no demand before the first step).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum DemandSchedule {
    /// The same demand every day.
    Flat(TokenDemand),
    /// Dated steps, in date order.
    Steps(Vec<DemandStep>),
}

impl DemandSchedule {
    /// The demand on `date` (`None` before the first step).
    #[must_use]
    pub fn on(&self, date: Date) -> Option<TokenDemand> {
        match self {
            DemandSchedule::Flat(d) => Some(d.clone()),
            DemandSchedule::Steps(steps) => steps
                .iter()
                .take_while(|s| s.from <= date)
                .last()
                .map(DemandStep::demand),
        }
    }

    /// The reference demand the performance model rates devices against:
    /// the flat figure, or the first step.
    #[must_use]
    pub fn reference(&self) -> Option<TokenDemand> {
        match self {
            DemandSchedule::Flat(d) => Some(d.clone()),
            DemandSchedule::Steps(steps) => steps.first().map(DemandStep::demand),
        }
    }

    /// The dates where the demand changes (empty for a flat demand).
    pub fn step_dates(&self) -> impl Iterator<Item = Date> + '_ {
        let steps: &[DemandStep] = match self {
            DemandSchedule::Flat(_) => &[],
            DemandSchedule::Steps(s) => s,
        };
        steps.iter().map(|s| s.from)
    }
}

impl From<TokenDemand> for DemandSchedule {
    fn from(d: TokenDemand) -> Self {
        DemandSchedule::Flat(d)
    }
}

impl<'de> Deserialize<'de> for DemandSchedule {
    // A table is one flat demand, an array is dated steps; each is then
    // read by its own type, so errors name the field that is wrong.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DemandSchedule;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table { input, output } or an array of dated steps [{ from, input, output }]")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                a: A,
            ) -> Result<Self::Value, A::Error> {
                TokenDemand::deserialize(serde::de::value::MapAccessDeserializer::new(a))
                    .map(DemandSchedule::Flat)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                a: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<DemandStep>::deserialize(serde::de::value::SeqAccessDeserializer::new(a))
                    .map(DemandSchedule::Steps)
            }
        }
        d.deserialize_any(V)
    }
}

/// Latency targets of an inference phase. A pool that cannot meet them is
/// not used for the phase.
///
/// ```
/// use fleetplan::units::Seconds;
/// use fleetplan::workload::LatencySlo;
/// let slo = LatencySlo::tpot(Seconds::from_millis(50.0)).with_ttft(Seconds::new(2.0)?);
/// assert_eq!(slo.tpot_s, Some(Seconds::new(0.05)?));
/// # Ok::<(), fleetplan::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LatencySlo {
    /// Most time per output token (decode step), seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_s: Option<Seconds>,
    /// Most time to first token, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_s: Option<Seconds>,
}

impl LatencySlo {
    /// Targets on the time per output token and the time to first token.
    #[must_use]
    pub fn new(tpot: Option<Seconds>, ttft: Option<Seconds>) -> LatencySlo {
        LatencySlo {
            tpot_s: tpot,
            ttft_s: ttft,
        }
    }

    /// A target on the time per output token only.
    #[must_use]
    pub fn tpot(tpot: Seconds) -> LatencySlo {
        LatencySlo::new(Some(tpot), None)
    }

    /// A target on the time to first token only.
    #[must_use]
    pub fn ttft(ttft: Seconds) -> LatencySlo {
        LatencySlo::new(None, Some(ttft))
    }

    /// Adds a target on the time per output token.
    #[must_use]
    pub fn with_tpot(mut self, tpot: Seconds) -> LatencySlo {
        self.tpot_s = Some(tpot);
        self
    }

    /// Adds a target on the time to first token.
    #[must_use]
    pub fn with_ttft(mut self, ttft: Seconds) -> LatencySlo {
        self.ttft_s = Some(ttft);
        self
    }
}

/// A measured per-device serving throughput on one accelerator, which the
/// performance model uses instead of its roofline estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Measured {
    /// Catalogue name or alias of the accelerator.
    pub accelerator: String,
    /// Prefill (input) tokens per second per device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_tokens_per_s: Option<TokensPerSec>,
    /// Decode (output) tokens per second per device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_tokens_per_s: Option<TokensPerSec>,
    /// Time per output token at which the decode figure was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_tpot_s: Option<Seconds>,
    /// Time to first token at which the prefill figure was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ttft_s: Option<Seconds>,
    /// A measured prefill table instead of `prefill_tokens_per_s`:
    /// `[[concurrency, tokens_per_s_per_device], ...]`, concurrency
    /// strictly increasing. The rate is interpolated at the phase's `batch`
    /// (the largest measured concurrency when absent; [`interpolate`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefill_points: Vec<[f64; 2]>,
    /// A measured decode table instead of `decode_tokens_per_s`, as
    /// `prefill_points` (at `at_tpot_s`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decode_points: Vec<[f64; 2]>,
    /// Where the figures come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// How they were measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Measured {
    /// Measured prefill and decode rates on `accelerator`.
    #[must_use]
    pub fn new(
        accelerator: impl Into<String>,
        prefill: TokensPerSec,
        decode: TokensPerSec,
    ) -> Measured {
        Measured {
            accelerator: accelerator.into(),
            prefill_tokens_per_s: Some(prefill),
            decode_tokens_per_s: Some(decode),
            at_tpot_s: None,
            at_ttft_s: None,
            prefill_points: Vec::new(),
            decode_points: Vec::new(),
            sources: Vec::new(),
            note: None,
        }
    }

    /// Only a prefill rate was measured.
    #[must_use]
    pub fn prefill_only(accelerator: impl Into<String>, prefill: TokensPerSec) -> Measured {
        let mut m = Measured::new(accelerator, prefill, TokensPerSec::ZERO);
        m.decode_tokens_per_s = None;
        m
    }

    /// Only a decode rate was measured.
    #[must_use]
    pub fn decode_only(accelerator: impl Into<String>, decode: TokensPerSec) -> Measured {
        let mut m = Measured::new(accelerator, TokensPerSec::ZERO, decode);
        m.prefill_tokens_per_s = None;
        m
    }

    /// Sets the time per output token the decode rate was measured at.
    #[must_use]
    pub fn at_tpot(mut self, tpot: Seconds) -> Measured {
        self.at_tpot_s = Some(tpot);
        self
    }

    /// Adds a source (a URL).
    #[must_use]
    pub fn with_source(mut self, source: impl Into<String>) -> Measured {
        self.sources.push(source.into());
        self
    }

    /// Sets the note on how the figures were measured.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Measured {
        self.note = Some(note.into());
        self
    }

    /// The measured prefill rate at `concurrency` (`None`: the table's
    /// largest measured concurrency): the table's interpolation, else the
    /// single figure.
    #[must_use]
    pub fn prefill_at(&self, concurrency: Option<f64>) -> Option<TokensPerSec> {
        rate_at(&self.prefill_points, self.prefill_tokens_per_s, concurrency)
    }

    /// The measured decode rate at `concurrency`, as [`Measured::prefill_at`].
    #[must_use]
    pub fn decode_at(&self, concurrency: Option<f64>) -> Option<TokensPerSec> {
        rate_at(&self.decode_points, self.decode_tokens_per_s, concurrency)
    }
}

fn rate_at(
    points: &[[f64; 2]],
    single: Option<TokensPerSec>,
    concurrency: Option<f64>,
) -> Option<TokensPerSec> {
    if points.is_empty() {
        return single;
    }
    let x = concurrency.unwrap_or_else(|| points[points.len() - 1][0]);
    interpolate(points, x).map(TokensPerSec::from_raw)
}

/// Piecewise-linear interpolation of `points` (`[x, y]`, `x` strictly
/// increasing) at `x`, clamped to the first and last `y` outside the
/// measured range (no extrapolation: a measured table says nothing beyond
/// its ends). `None` for an empty table or a non-finite `x`.
#[must_use]
pub fn interpolate(points: &[[f64; 2]], x: f64) -> Option<f64> {
    let (first, last) = (points.first()?, points.last()?);
    if !x.is_finite() {
        return None;
    }
    if x <= first[0] {
        return Some(first[1]);
    }
    if x >= last[0] {
        return Some(last[1]);
    }
    let w = points.windows(2).find(|w| x <= w[1][0])?;
    let (a, b) = (w[0], w[1]);
    let t = (x - a[0]) / (b[0] - a[0]);
    Some(a[1] + t * (b[1] - a[1]))
}

/// One measured point of a training job's throughput at a job size: give
/// `mfu` (a fraction of the dense peak at the precision the phase runs at on
/// that accelerator) or `tokens_per_s` (the whole job's training tokens per
/// second), the same one for every point of a [`Scaling`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScalingPoint {
    /// Devices in the measured job.
    pub devices: Count,
    /// Model FLOPs utilisation measured at that size, in `(0, 1]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfu: Option<Fraction>,
    /// Training tokens per second of the whole job at that size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_per_s: Option<TokensPerSec>,
}

impl ScalingPoint {
    /// A point measured as an MFU.
    #[must_use]
    pub fn mfu(devices: u64, mfu: Fraction) -> ScalingPoint {
        ScalingPoint {
            devices: Count::new(devices),
            mfu: Some(mfu),
            tokens_per_s: None,
        }
    }

    /// A point measured as the job's tokens per second.
    #[must_use]
    pub fn tokens(devices: u64, tokens_per_s: TokensPerSec) -> ScalingPoint {
        ScalingPoint {
            devices: Count::new(devices),
            mfu: None,
            tokens_per_s: Some(tokens_per_s),
        }
    }
}

/// Measured throughputs of a training phase at several job sizes on one
/// accelerator. The performance model fits a curve through them by least
/// squares ([`crate::perf::fit`]: per-device MFU, or per-device tokens per
/// second, against the job size) and uses it for that accelerator's pools
/// instead of its MFU model and scale-out factor; `fleetplan explain` shows
/// the fit, its residuals and its held-out errors. At least three points at
/// distinct device counts. Eligibility is unchanged: the accelerator still
/// needs a known dense peak at the precision the phase runs at (MFUs are
/// fractions of it; the fitted rate is capped at it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Scaling {
    /// Catalogue name or alias of the accelerator measured.
    pub accelerator: String,
    /// The measurements.
    pub points: Vec<ScalingPoint>,
    /// The curve's form; `power_law` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<CurveForm>,
    /// Where the figures come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// How they were measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Scaling {
    /// Measurements of `accelerator` at the given points.
    #[must_use]
    pub fn new(accelerator: impl Into<String>, points: Vec<ScalingPoint>) -> Scaling {
        Scaling {
            accelerator: accelerator.into(),
            points,
            form: None,
            sources: Vec::new(),
            note: None,
        }
    }
}

/// An explicit KV-cache link from a prefill pool to a decode pool of a
/// disaggregated inference phase: the pair may serve the phase even when
/// the pools are at different sites, with the link's bandwidth bounding the
/// KV-cache traffic and its price charging it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct KvLink {
    /// Name of the pool that runs prefill.
    pub prefill: String,
    /// Name of the pool that runs decode.
    pub decode: String,
    /// The link's bandwidth for this phase's KV cache, bytes per second
    /// (the busiest hour's traffic must fit).
    pub bandwidth: BytesPerSec,
    /// Price of moving one GB over the link; the phase's
    /// `disaggregation.usd_per_gb` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_gb: Option<UsdPerGb>,
}

impl KvLink {
    /// A link from `prefill` to `decode` of `bandwidth`.
    #[must_use]
    pub fn new(
        prefill: impl Into<String>,
        decode: impl Into<String>,
        bandwidth: BytesPerSec,
    ) -> KvLink {
        KvLink {
            prefill: prefill.into(),
            decode: decode.into(),
            bandwidth,
            usd_per_gb: None,
        }
    }

    /// Sets the link's transfer price.
    #[must_use]
    pub fn with_usd_per_gb(mut self, price: UsdPerGb) -> KvLink {
        self.usd_per_gb = Some(price);
        self
    }
}

/// Disaggregated serving of an inference phase (opt-in): besides
/// co-located serving (one pool does prefill and decode), the phase may be
/// served by (prefill pool, decode pool) pairs, with the KV cache of every
/// prompt moved from the one to the other. A pair is allowed when both
/// pools may serve the phase and either they are at the same site
/// (`same_site`, on by default), where the traffic is bounded by the
/// devices' scale-out bandwidth, or an explicit link joins them.
/// The planner uses a pair only when it is cheaper than co-located serving.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Disaggregation {
    /// Whether any two pools at the same site may pair (bounded by the
    /// scale-out bandwidth of the devices sending and receiving); `true`
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<bool>,
    /// Price of moving one GB of KV cache between two pools at the same
    /// site; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_gb: Option<UsdPerGb>,
    /// Explicit links, e.g. between sites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<KvLink>,
}

impl Disaggregation {
    /// Same-site pairs, free transfers, no explicit links.
    #[must_use]
    pub fn same_site() -> Disaggregation {
        Disaggregation::default()
    }

    /// Sets the transfer price between pools at the same site.
    #[must_use]
    pub fn with_usd_per_gb(mut self, price: UsdPerGb) -> Disaggregation {
        self.usd_per_gb = Some(price);
        self
    }

    /// Allows or forbids implicit same-site pairs.
    #[must_use]
    pub fn with_same_site(mut self, allowed: bool) -> Disaggregation {
        self.same_site = Some(allowed);
        self
    }

    /// Adds an explicit link.
    #[must_use]
    pub fn with_link(mut self, link: KvLink) -> Disaggregation {
        self.links.push(link);
        self
    }
}

/// Training runs that fail on a day: every run of the phase on a matching
/// pool (by pool name, or by the vendor of its accelerator) that has
/// started before `on` and has not ended before it fails on `on`. Its work
/// is lost (none of it counts towards the phase), its devices are released
/// on `on` and paid for until then; the phase may start new runs from `on`
/// on any pool it may use (a failed Ascend run redone on Ascend or on
/// Nvidia). Runs that ended before `on`, and runs on other pools, keep
/// their work.
///
/// ```toml
/// [[phases.failures]]
/// on = "2025-10-15"
/// vendors = ["Huawei"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RunFailure {
    /// The day the runs fail.
    pub on: Date,
    /// Pools whose runs fail, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<String>,
    /// Vendors whose devices' runs fail (e.g. `"Huawei"`), as the
    /// catalogue spells them (case and spacing aside).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<String>,
}

impl RunFailure {
    /// Runs on the pools named `pools` failing on `on`.
    #[must_use]
    pub fn on_pools(on: Date, pools: Vec<String>) -> RunFailure {
        RunFailure {
            on,
            pools,
            vendors: Vec::new(),
        }
    }

    /// Runs on the devices of the vendors `vendors` failing on `on`.
    #[must_use]
    pub fn on_vendors(on: Date, vendors: Vec<String>) -> RunFailure {
        RunFailure {
            on,
            pools: Vec::new(),
            vendors,
        }
    }
}

/// One phase of the workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Phase {
    /// Unique name.
    pub name: String,
    /// Pre-training, post-training or inference.
    pub kind: PhaseKind,
    /// The model trained or served.
    pub model: ModelArch,
    /// Arithmetic precision of the phase's matrix work.
    pub precision: Precision,
    /// Precision to use on accelerators that lack `precision` (e.g. BF16 on
    /// an Ascend 910C for an FP8 run); such pools are ineligible when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_precision: Option<Precision>,

    /// Training: tokens to process (work = FLOPs per token × tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Tokens>,
    /// Training: the work given directly, instead of `tokens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flops: Option<Flops>,
    /// Training: earliest start, days after the scenario's start (0 when
    /// absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_day: Option<Days>,
    /// Training: must finish by this day (the horizon when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_days: Option<Days>,
    /// Training: the run must use one pool (no heterogeneous run).
    #[serde(default, skip_serializing_if = "is_false")]
    pub single_pool: bool,
    /// Training: the run may use pools at different sites. A training run
    /// is kept at one site unless this is set (the scale-out network of a
    /// job does not span sites).
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_cross_site: bool,
    /// Training: the run may use accelerators of different vendors. A
    /// training run is kept on one vendor unless this is set (collective
    /// libraries do not span vendor stacks).
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_cross_vendor: bool,
    /// Training: size of one checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_bytes: Option<Bytes>,
    /// Training: measured throughputs at several job sizes, by accelerator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scaling: Vec<Scaling>,

    /// Fewest devices the phase may run on (when it runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_devices: Option<Count>,
    /// Most devices the phase may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_devices: Option<Count>,

    /// Inference: tokens to serve per day, flat or in dated steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens_per_day: Option<DemandSchedule>,
    /// Inference: compound growth of the demand per month (30.44 days),
    /// from the start of the window or of each step; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_per_month: Option<f64>,
    /// Inference: the busiest hour's token rate over the day's average, at
    /// least 1; serving is sized on the peak. 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_to_average: Option<f64>,
    /// Inference: context length (tokens of KV cache per sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_length: Option<Count>,
    /// Inference: concurrent sequences per replica (decode batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Count>,
    /// Inference: latency targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySlo>,
    /// Inference: first day of service (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_day: Option<Days>,
    /// Inference: service ends on this day (the horizon when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_day: Option<Days>,
    /// Inference: measured per-device throughputs by accelerator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<Measured>,
    /// Inference: serve with prefill and decode on different pools when
    /// cheaper (co-located only when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disaggregation: Option<Disaggregation>,
    /// Training: runs that fail (a what-if, or a risk's effect, see
    /// [`RunFailure`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<RunFailure>,

    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

// serde's skip_serializing_if needs a function taking a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(b: &bool) -> bool {
    !*b
}

impl Phase {
    fn base(name: String, kind: PhaseKind, model: ModelArch, precision: Precision) -> Phase {
        Phase {
            name,
            kind,
            model,
            precision,
            fallback_precision: None,
            tokens: None,
            flops: None,
            start_day: None,
            deadline_days: None,
            single_pool: false,
            allow_cross_site: false,
            allow_cross_vendor: false,
            checkpoint_bytes: None,
            scaling: Vec::new(),
            min_devices: None,
            max_devices: None,
            tokens_per_day: None,
            growth_per_month: None,
            peak_to_average: None,
            context_length: None,
            batch: None,
            latency: None,
            from_day: None,
            until_day: None,
            measured: Vec::new(),
            disaggregation: None,
            failures: Vec::new(),
            note: None,
        }
    }

    /// A training phase (`kind` pre- or post-training) with no demand yet:
    /// set `tokens` or `flops`.
    #[must_use]
    pub fn training(
        name: impl Into<String>,
        kind: PhaseKind,
        model: ModelArch,
        precision: Precision,
    ) -> Phase {
        Phase::base(name.into(), kind, model, precision)
    }

    /// An inference phase serving `demand` tokens per day.
    #[must_use]
    pub fn inference(
        name: impl Into<String>,
        model: ModelArch,
        precision: Precision,
        demand: TokenDemand,
    ) -> Phase {
        let mut p = Phase::base(name.into(), PhaseKind::Inference, model, precision);
        p.tokens_per_day = Some(DemandSchedule::Flat(demand));
        p
    }

    /// Sets the training tokens.
    #[must_use]
    pub fn with_tokens(mut self, tokens: Tokens) -> Phase {
        self.tokens = Some(tokens);
        self
    }

    /// Sets the training work directly.
    #[must_use]
    pub fn with_flops(mut self, flops: Flops) -> Phase {
        self.flops = Some(flops);
        self
    }

    /// Sets the training deadline.
    #[must_use]
    pub fn with_deadline(mut self, day: Days) -> Phase {
        self.deadline_days = Some(day);
        self
    }

    /// Sets the fallback precision.
    #[must_use]
    pub fn with_fallback(mut self, precision: Precision) -> Phase {
        self.fallback_precision = Some(precision);
        self
    }

    /// Adds measured throughputs at several job sizes (training).
    #[must_use]
    pub fn with_scaling(mut self, scaling: Scaling) -> Phase {
        self.scaling.push(scaling);
        self
    }

    /// Requires the phase to run on one pool.
    #[must_use]
    pub fn single_pool(mut self) -> Phase {
        self.single_pool = true;
        self
    }

    /// Lets a training run use pools at several sites.
    #[must_use]
    pub fn allow_cross_site(mut self) -> Phase {
        self.allow_cross_site = true;
        self
    }

    /// Lets a training run use accelerators of several vendors.
    #[must_use]
    pub fn allow_cross_vendor(mut self) -> Phase {
        self.allow_cross_vendor = true;
        self
    }

    /// Sets dated demand steps (inference).
    #[must_use]
    pub fn with_demand_steps(mut self, steps: Vec<DemandStep>) -> Phase {
        self.tokens_per_day = Some(DemandSchedule::Steps(steps));
        self
    }

    /// Sets the peak-to-average ratio serving is sized on (inference).
    #[must_use]
    pub fn with_peak_to_average(mut self, ratio: f64) -> Phase {
        self.peak_to_average = Some(ratio);
        self
    }

    /// Sets the monthly compound growth of the demand (inference).
    #[must_use]
    pub fn with_growth_per_month(mut self, rate: f64) -> Phase {
        self.growth_per_month = Some(rate);
        self
    }

    /// Lets the phase be served disaggregated (inference).
    #[must_use]
    pub fn with_disaggregation(mut self, d: Disaggregation) -> Phase {
        self.disaggregation = Some(d);
        self
    }

    /// Adds a measured throughput (inference).
    #[must_use]
    pub fn with_measured(mut self, m: Measured) -> Phase {
        self.measured.push(m);
        self
    }

    /// Sets the earliest start of a training phase, days after the
    /// scenario's start.
    #[must_use]
    pub fn with_start_day(mut self, day: Days) -> Phase {
        self.start_day = Some(day);
        self
    }

    /// Sets the size of one checkpoint (training).
    #[must_use]
    pub fn with_checkpoint_bytes(mut self, bytes: Bytes) -> Phase {
        self.checkpoint_bytes = Some(bytes);
        self
    }

    /// Sets the fewest devices the phase may run on.
    #[must_use]
    pub fn with_min_devices(mut self, devices: impl Into<Count>) -> Phase {
        self.min_devices = Some(devices.into());
        self
    }

    /// Sets the most devices the phase may use.
    #[must_use]
    pub fn with_max_devices(mut self, devices: impl Into<Count>) -> Phase {
        self.max_devices = Some(devices.into());
        self
    }

    /// Sets the context length (inference).
    #[must_use]
    pub fn with_context_length(mut self, tokens: impl Into<Count>) -> Phase {
        self.context_length = Some(tokens.into());
        self
    }

    /// Sets the concurrent sequences per replica (inference).
    #[must_use]
    pub fn with_batch(mut self, sequences: impl Into<Count>) -> Phase {
        self.batch = Some(sequences.into());
        self
    }

    /// Sets the latency targets (inference).
    #[must_use]
    pub fn with_latency(mut self, slo: LatencySlo) -> Phase {
        self.latency = Some(slo);
        self
    }

    /// Sets the service window of an inference phase, days after the
    /// scenario's start: from `from` until `until` (the horizon when
    /// `None`).
    #[must_use]
    pub fn serving(mut self, from: Days, until: Option<Days>) -> Phase {
        self.from_day = Some(from);
        self.until_day = until;
        self
    }

    /// Sets the free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Phase {
        self.note = Some(note.into());
        self
    }

    /// The phase's window in days from the scenario's start: start (0 when
    /// absent) and end (the horizon when absent). For training the end is
    /// the deadline; for inference, the last day of service.
    #[must_use]
    pub fn window(&self, horizon: Days) -> (Days, Days) {
        if self.kind.is_training() {
            (
                self.start_day.unwrap_or(Days::ZERO),
                self.deadline_days.unwrap_or(horizon),
            )
        } else {
            (
                self.from_day.unwrap_or(Days::ZERO),
                self.until_day.unwrap_or(horizon),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Piecewise-linear between points, clamped outside, worked by hand.
    #[test]
    fn measured_tables_interpolate_and_clamp() {
        let pts = [[8.0, 400.0], [16.0, 600.0], [48.0, 712.0]];
        assert_eq!(interpolate(&pts, 12.0), Some(500.0));
        assert_eq!(interpolate(&pts, 32.0), Some(656.0));
        assert_eq!(interpolate(&pts, 16.0), Some(600.0));
        assert_eq!(interpolate(&pts, 1.0), Some(400.0));
        assert_eq!(interpolate(&pts, 1e6), Some(712.0));
        assert_eq!(interpolate(&pts, f64::NAN), None);
        assert_eq!(interpolate(&[], 3.0), None);
        let mut m = Measured::new(
            "H20",
            TokensPerSec::from_raw(2060.0),
            TokensPerSec::from_raw(1.0),
        );
        m.decode_tokens_per_s = None;
        m.decode_points = pts.to_vec();
        // the table's largest concurrency when the phase gives no batch
        assert_eq!(m.decode_at(None).map(TokensPerSec::get), Some(712.0));
        assert_eq!(m.decode_at(Some(12.0)).map(TokensPerSec::get), Some(500.0));
        assert_eq!(
            m.prefill_at(Some(12.0)).map(TokensPerSec::get),
            Some(2060.0)
        );
    }
}
