//! Serving throughput: prefill (compute-bound), decode (memory-bandwidth-bound
//! at a batch), memory fit and the latency screen.
//!
//! # Model (a roofline)
//!
//! A *replica* is the smallest group of devices that holds the weights plus
//! the KV cache of its batch: `r = ⌈(W + B·S·κ) / (u·HBM)⌉` for weights `W`
//! bytes, batch `B` sequences of context `S` tokens, KV bytes per token `κ`,
//! usable HBM fraction `u` ([`replica_devices`]).
//!
//! * **Prefill** processes prompt tokens at the compute roof:
//!   `tokens/s per device = e_c · peak / F_fwd`, with `F_fwd` the forward
//!   FLOPs per token and `e_c` a compute efficiency ([`prefill_rate`]).
//! * **Decode** produces one token per sequence per step. A step reads the
//!   weights touched by the batch and every sequence's KV cache, and does
//!   `B·F_fwd` of arithmetic; the step time is the larger of the two roofs:
//!   `t = max((W_step + B·S·κ) / (r·e_m·BW), B·F_fwd / (r·e_c·peak))`, and
//!   `tokens/s per device = B / (t·r)` ([`decode`]). For a mixture of experts
//!   the weights touched are `min(W, B·W_active)`. The time per output token
//!   (TPOT) is `t`. In the memory-bound regime `t·r` does not depend on `r`,
//!   so a latency objective is met by growing the replica beyond its memory
//!   fit (as large-EP deployments do) without changing the rate per device;
//!   [`best_decode`] picks the batch with the best rate, and a pair that
//!   would need a replica above [`MAX_REPLICA`] devices is screened out.
//!
//! Measured per-device throughputs given in a scenario replace the roofline.
//!
//! # Fitting the efficiencies
//!
//! The two efficiencies are fitted to published deployments by inverting
//! the roofline ([`compute_efficiency_for`], [`memory_efficiency_for`]); the
//! defaults ([`super::defaults::serving_efficiency`]) keep one fit per
//! (vendor stack, phase, part measured on): CUDA prefill on the H800
//! (DeepSeek Day-6) and the H20 (LMSYS/Ant), CUDA decode on the H800, CANN
//! prefill and decode on the 910C (CloudMatrix-Infer); a stack without a
//! measurement gets a stated conservative fallback `[E]`. Reproducing a
//! source with its own fit is a consistency check of the arithmetic, not a
//! test; `examples/calibration.rs` predicts the H20 and the 910C from the
//! rows without their own (leave-one-out) and prints the errors.

use crate::units::{Bytes, BytesPerSec, Flops, FlopsPerSec, Fraction, Seconds, TokensPerSec};

/// Prefill (prompt) tokens per second per device at the compute roof.
/// `None` when the FLOPs per token are zero.
#[must_use]
pub fn prefill_rate(
    peak: FlopsPerSec,
    efficiency: Fraction,
    flops_per_token: Flops,
) -> Option<TokensPerSec> {
    (flops_per_token.get() > 0.0)
        .then(|| TokensPerSec::from_raw(peak.get() * efficiency.get() / flops_per_token.get()))
}

/// The compute efficiency at which [`prefill_rate`] gives `rate`:
/// `rate · F / peak`. `None` when the peak is zero or the result is not a
/// fraction in `(0, 1]`.
#[must_use]
pub fn compute_efficiency_for(
    peak: FlopsPerSec,
    flops_per_token: Flops,
    rate: TokensPerSec,
) -> Option<Fraction> {
    let e = rate.get() * flops_per_token.get() / peak.get();
    (e.is_finite() && e > 0.0 && e <= 1.0).then(|| Fraction::from_raw(e))
}

/// The memory efficiency at which the memory roof of [`decode`] gives
/// `rate` output tokens per second per device at `batch` sequences per
/// replica: one step reads `min(W, B·W_active) + B·S·κ` bytes in `B / rate`
/// device-seconds, so `e_m = bytes · rate / (B · BW)`. The memory and
/// compute efficiencies in `inp` are ignored. `None` when the result is not a
/// fraction in `(0, 1]` (e.g. a rate the memory roof cannot reach).
#[must_use]
pub fn memory_efficiency_for(
    inp: &DecodeInputs,
    batch: u32,
    rate: TokensPerSec,
) -> Option<Fraction> {
    let b = f64::from(batch.max(1));
    let bytes = inp.weights.get().min(b * inp.active_weights.get())
        + b * f64::from(inp.context) * inp.kv_per_token.get();
    let e = bytes * rate.get() / (b * inp.hbm_bandwidth.get());
    (e.is_finite() && e > 0.0 && e <= 1.0).then(|| Fraction::from_raw(e))
}

/// Devices a replica needs to hold `weights` plus the KV cache of `batch`
/// sequences of `context` tokens (`kv_per_token` bytes each) in `usable` of
/// each device's `hbm`. `None` when nothing fits (zero usable memory).
#[must_use]
pub fn replica_devices(
    weights: Bytes,
    kv_per_token: Bytes,
    context: u32,
    batch: u32,
    hbm: Bytes,
    usable: Fraction,
) -> Option<u32> {
    let cap = hbm.get() * usable.get();
    if cap <= 0.0 {
        return None;
    }
    let need = weights.get() + kv_per_token.get() * f64::from(context) * f64::from(batch);
    let r = (need / cap).ceil().max(1.0);
    // Replicas beyond 2^32 devices are not a plan; treat as not fitting.
    if r > f64::from(u32::MAX) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(r as u32)
}

/// What a decode configuration delivers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodePoint {
    /// Sequences per replica step.
    pub batch: u32,
    /// Devices per replica.
    pub replica: u32,
    /// Time per output token (one step).
    pub tpot: Seconds,
    /// Output tokens per second per device.
    pub rate: TokensPerSec,
    /// Whether the memory roof (rather than compute) sets the step time.
    pub memory_bound: bool,
}

/// The device and model figures decode needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodeInputs {
    /// All weights, bytes at the serving precision.
    pub weights: Bytes,
    /// Weights activated per token (MoE); equal to `weights` for dense.
    pub active_weights: Bytes,
    /// KV cache bytes per token of context.
    pub kv_per_token: Bytes,
    /// Context length per sequence, tokens.
    pub context: u32,
    /// Forward FLOPs per token.
    pub flops_per_token: Flops,
    /// Device memory.
    pub hbm: Bytes,
    /// Fraction of device memory usable for weights and cache.
    pub usable_memory: Fraction,
    /// Device memory bandwidth.
    pub hbm_bandwidth: BytesPerSec,
    /// Achieved fraction of memory bandwidth.
    pub memory_efficiency: Fraction,
    /// Dense peak at the serving precision.
    pub peak: FlopsPerSec,
    /// Achieved fraction of the compute peak.
    pub compute_efficiency: Fraction,
}

/// Most devices one replica may span (a decode unit larger than this is not
/// a deployment anyone runs; DeepSeek's Day-6 decode unit is 144 GPUs).
pub const MAX_REPLICA: u32 = 1024;

/// Decode throughput at batch `batch` (module docs), with the replica grown
/// beyond its memory-fit minimum when that is what meets `tpot_limit` (in the
/// memory-bound regime a larger replica lowers the time per token without
/// changing the rate per device). `None` when the batch does not fit, a rate
/// is zero, or the limit needs more than [`MAX_REPLICA`] devices.
#[must_use]
pub fn decode(inp: &DecodeInputs, batch: u32, tpot_limit: Option<Seconds>) -> Option<DecodePoint> {
    let batch = batch.max(1);
    let fit = replica_devices(
        inp.weights,
        inp.kv_per_token,
        inp.context,
        batch,
        inp.hbm,
        inp.usable_memory,
    )?;
    let b = f64::from(batch);
    let bw = inp.memory_efficiency.get() * inp.hbm_bandwidth.get();
    let fl = inp.compute_efficiency.get() * inp.peak.get();
    if bw <= 0.0 || fl <= 0.0 {
        return None;
    }
    let touched = inp.weights.get().min(b * inp.active_weights.get());
    // device-seconds of one step: memory and compute roofs
    let mem = (touched + b * f64::from(inp.context) * inp.kv_per_token.get()) / bw;
    let cmp = b * inp.flops_per_token.get() / fl;
    let work = mem.max(cmp);
    if work <= 0.0 {
        return None;
    }
    let need = tpot_limit.map_or(1.0, |l| (work / l.get()).ceil());
    if !(need.is_finite()) || need > f64::from(MAX_REPLICA) {
        return None;
    }
    // need is a finite integer-valued float ≤ MAX_REPLICA
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let replica = fit.max(need as u32);
    if replica > MAX_REPLICA {
        return None;
    }
    let r = f64::from(replica);
    let t = work / r;
    Some(DecodePoint {
        batch,
        replica,
        tpot: Seconds::from_raw(t),
        rate: TokensPerSec::from_raw(b / work),
        memory_bound: mem >= cmp,
    })
}

/// The decode point with the highest rate per device over batches up to
/// `max_batch` that meets `tpot_limit`. `None` when none does.
///
/// The rate per device, `B / work(B)`, never falls as the batch grows (the
/// weights read per step saturate at `W` while the cache and compute grow
/// linearly), and the replica a TPOT limit needs grows with the batch, so
/// the best point is the largest feasible batch: `max_batch` itself when it
/// is feasible (one evaluation), else found by bisection.
#[must_use]
pub fn best_decode(
    inp: &DecodeInputs,
    max_batch: u32,
    tpot_limit: Option<Seconds>,
) -> Option<DecodePoint> {
    let max_batch = max_batch.max(1);
    if let Some(p) = decode(inp, max_batch, tpot_limit) {
        return Some(p);
    }
    let mut best = decode(inp, 1, tpot_limit)?;
    let (mut lo, mut hi) = (1u32, max_batch);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match decode(inp, mid, tpot_limit) {
            Some(p) => {
                best = p;
                lo = mid;
            }
            None => hi = mid,
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn h800_like() -> DecodeInputs {
        DecodeInputs {
            weights: Bytes::from_gb(140.0),
            active_weights: Bytes::from_gb(140.0),
            kv_per_token: Bytes::from_raw(327_680.0),
            context: 4096,
            flops_per_token: Flops::from_raw(140e9),
            hbm: Bytes::from_gb(80.0),
            usable_memory: Fraction::from_raw(0.9),
            hbm_bandwidth: BytesPerSec::from_tb_per_sec(3.35),
            memory_efficiency: Fraction::from_raw(0.7),
            peak: FlopsPerSec::from_tera(989.0),
            compute_efficiency: Fraction::from_raw(0.5),
        }
    }

    #[test]
    fn prefill_is_the_compute_roof() {
        // 2N = 74 GFLOP per token (37B active), 1979 TFLOP/s FP8 at 100% → 26.7k tok/s
        let r = prefill_rate(
            FlopsPerSec::from_tera(1979.0),
            Fraction::ONE,
            Flops::from_raw(74e9),
        )
        .map_or(0.0, TokensPerSec::get);
        assert_relative_eq!(r, 1979e12 / 74e9);
        assert!(prefill_rate(FlopsPerSec::ZERO, Fraction::ONE, Flops::ZERO).is_none());
    }

    #[test]
    fn replica_fits_weights_and_cache() {
        // 140 GB of weights in 72 GB usable per device: 2 devices; adding a
        // 4096 × 64 × 327,680 B ≈ 85.9 GB cache needs 4.
        let one = replica_devices(
            Bytes::from_gb(140.0),
            Bytes::from_raw(327_680.0),
            4096,
            0,
            Bytes::from_gb(80.0),
            Fraction::from_raw(0.9),
        );
        assert_eq!(one, Some(2));
        let b64 = replica_devices(
            Bytes::from_gb(140.0),
            Bytes::from_raw(327_680.0),
            4096,
            64,
            Bytes::from_gb(80.0),
            Fraction::from_raw(0.9),
        );
        assert_eq!(b64, Some(4));
        assert!(
            replica_devices(Bytes::ZERO, Bytes::ZERO, 1, 1, Bytes::ZERO, Fraction::ONE).is_none()
        );
    }

    /// Decode at batch 1 is memory-bound: the step reads every weight once.
    #[test]
    fn decode_batch_one_reads_the_weights() {
        let inp = h800_like();
        let p = decode(&inp, 1, None).expect("fits");
        assert_eq!(p.replica, 2);
        assert!(p.memory_bound);
        let bytes = 140e9 + 4096.0 * 327_680.0;
        let t = bytes / (2.0 * 0.7 * 3.35e12);
        assert_relative_eq!(p.tpot.get(), t, max_relative = 1e-12);
        assert_relative_eq!(p.rate.get(), 1.0 / (t * 2.0), max_relative = 1e-12);
        // a 1 ms limit grows the replica until the step fits
        let fast = decode(&inp, 1, Some(Seconds::from_millis(1.0))).expect("fits");
        assert!(fast.tpot.get() <= 1e-3 + 1e-15 && fast.replica > 2);
        assert_relative_eq!(fast.rate.get(), p.rate.get(), max_relative = 1e-12);
    }

    /// The rate per device never falls with the batch (what `best_decode`
    /// relies on), checked over every batch up to 2,048.
    #[test]
    fn rate_is_monotone_in_the_batch() {
        let inp = h800_like();
        let mut last = 0.0;
        for b in 1..=2048 {
            let r = decode(&inp, b, None).expect("fits").rate.get();
            assert!(r >= last * (1.0 - 1e-12), "batch {b}: {r} < {last}");
            last = r;
        }
        // and the largest feasible batch under a limit is what best_decode finds
        let lim = Some(Seconds::from_millis(20.0));
        let best = best_decode(&inp, 4096, lim).expect("feasible");
        let brute = (1..=4096u32)
            .filter_map(|b| decode(&inp, b, lim))
            .map(|p| p.rate.get())
            .fold(0.0, f64::max);
        assert_relative_eq!(best.rate.get(), brute, max_relative = 1e-12);
    }

    /// The inverse functions give back the efficiencies the forward roofline
    /// was run with.
    #[test]
    fn efficiencies_invert_the_roofline() {
        let inp = h800_like();
        let pre =
            prefill_rate(inp.peak, inp.compute_efficiency, inp.flops_per_token).expect("rate");
        let e = compute_efficiency_for(inp.peak, inp.flops_per_token, pre).expect("fraction");
        assert_relative_eq!(e.get(), 0.5, max_relative = 1e-12);
        let p = decode(&inp, 64, None).expect("fits");
        assert!(p.memory_bound);
        let m = memory_efficiency_for(&inp, 64, p.rate).expect("fraction");
        assert_relative_eq!(m.get(), 0.7, max_relative = 1e-12);
        // a rate above what full bandwidth allows is no fraction
        let fast = TokensPerSec::from_raw(p.rate.get() * 2.0);
        assert!(memory_efficiency_for(&inp, 64, fast).is_none());
    }

    /// Throughput per device grows with the batch; a TPOT limit grows the
    /// replica instead of cutting the rate; a limit no replica of at most
    /// MAX_REPLICA devices meets screens the pair out.
    #[test]
    fn latency_limit_grows_the_replica() {
        let inp = h800_like();
        let free = best_decode(&inp, 256, None).expect("fits");
        let capped = best_decode(&inp, 256, Some(Seconds::from_millis(50.0))).expect("fits");
        assert!(capped.tpot.get() <= 0.05 + 1e-12);
        assert!(free.rate.get() >= capped.rate.get() * (1.0 - 1e-12));
        assert!(capped.rate.get() > decode(&inp, 1, None).expect("fits").rate.get());
        assert!(best_decode(&inp, 256, Some(Seconds::from_raw(1e-9))).is_none());
    }
}
