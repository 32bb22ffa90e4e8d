//! Training throughput per device: peak × MFU × scale-out efficiency ×
//! reliability goodput.
//!
//! # Model
//!
//! ```text
//! rate(n) = peak_b · MFU · η(n) / η(n_ref) · G(n)
//! ```
//!
//! * `peak_b · MFU`: the MFU default (or override) is a measured fraction of
//!   the dense peak at a stated *basis* precision `b` (DeepSeek-V3 on H800:
//!   38.94% of the **BF16** peak although its GEMMs ran in FP8), measured on
//!   `n_ref` devices. The product is the achieved FLOP/s per device at that
//!   reference scale, communication included.
//! * `η(n)`, scale-out efficiency: a step spends `t_c` computing and exposes
//!   `t_x = (1 − o) · κ · F · s(n) / BW_out` of communication per unit of
//!   compute time, where `κ` is the phase's scale-out traffic in bytes per
//!   FLOP, `F` the achieved FLOP/s per device, `o` the fraction of
//!   communication hidden behind compute, `BW_out` the per-device scale-out
//!   bandwidth and `s(n) = max(0, 1 − d/n)` the share of peers outside a
//!   scale-up domain of `d` devices (traffic inside the domain is part of the
//!   measured MFU). `η(n) = 1 / (1 + t_x)`. Because the MFU was measured at
//!   `n_ref` devices, the factor applied is the *relative* `η(n)/η(n_ref)`:
//!   a pool running at the reference scale (and, when the measurement was
//!   made on other hardware, the reference bandwidth) gets exactly the
//!   measured rate.
//!   An unknown `BW_out` applies no scale-out factor (and says so).
//! * `G(n)`: Daly goodput for the job's MTBF (`device MTBF / n`), checkpoint
//!   write and restart times ([`super::reliability`]).
//!
//! When the scenario measured the phase at several job sizes, a fitted curve
//! ([`AchievedCurve`], from [`super::fit`]) replaces `peak_b · MFU · η(n) /
//! η(n_ref)`: the achieved FLOP/s per device at `n` is the curve's value
//! (capped at the peak), scale-out included, and only `G(n)` is applied on
//! top (measurements are throughputs of runs short enough to ignore
//! failures).
//!
//! Since `η` and `G` depend on the job size `n`, and the job size a pool would
//! need depends on the rate, [`job_size_for_deadline`] finds the fixed point
//! `n = W / (rate(n) · T)` for work `W` due in `T`.

use super::fit::Curve;
use super::reliability::{job_mtbf, optimal_goodput};
use crate::units::{BytesPerSec, Flops, FlopsPerSec, Fraction, Hours};

/// Scale-out communication of a training phase (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommModel {
    /// Scale-out traffic per FLOP of compute, bytes per FLOP (`κ`).
    pub bytes_per_flop: f64,
    /// Fraction of communication hidden behind compute (`o`).
    pub overlap: Fraction,
}

/// Failure and checkpoint figures of a pool running a phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliabilityInputs {
    /// Mean time between failures of one device.
    pub device_mtbf: Hours,
    /// Time to write a checkpoint (`δ`).
    pub checkpoint: Hours,
    /// Time to restart after a failure (`R`).
    pub restart: Hours,
}

/// A fitted curve of per-device throughput against job size (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AchievedCurve {
    /// The curve of a per-device quantity (an MFU, or tokens/s per device).
    pub curve: Curve,
    /// FLOP/s per device per unit of the curve's value: the peak the MFU is
    /// a fraction of, or the FLOPs per token.
    pub flops_per_unit: f64,
    /// Most FLOP/s a device can achieve (its peak), capping extrapolation;
    /// `None` when unknown.
    pub cap: Option<FlopsPerSec>,
}

impl AchievedCurve {
    /// Achieved FLOP/s per device at `devices`; zero where the curve is not
    /// positive.
    #[must_use]
    pub fn achieved(&self, devices: f64) -> f64 {
        let v = (self.curve.value(devices) * self.flops_per_unit).max(0.0);
        let v = if v.is_finite() { v } else { 0.0 };
        match self.cap {
            Some(c) => v.min(c.get()),
            None => v,
        }
    }
}

/// Everything the training rate of one (phase, pool) pair depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingInputs {
    /// Dense peak at the MFU's basis precision.
    pub peak: FlopsPerSec,
    /// Model FLOPs utilisation against that peak, measured at `mfu_devices`.
    pub mfu: Fraction,
    /// Devices of the measurement behind `mfu`; `None` = a single scale-up
    /// domain (no scale-out in the measurement).
    pub mfu_devices: Option<f64>,
    /// Scale-out bandwidth per device of the measurement behind `mfu`;
    /// `None` = the same as this pool's.
    pub mfu_scale_out: Option<BytesPerSec>,
    /// Devices per scale-up domain (`d`).
    pub domain: u32,
    /// Scale-out bandwidth per device; `None` when unknown.
    pub scale_out: Option<BytesPerSec>,
    /// Communication model of the phase.
    pub comm: CommModel,
    /// Failures and checkpoints; `None` ignores failures (goodput 1).
    pub reliability: Option<ReliabilityInputs>,
    /// A fitted throughput curve that replaces `peak · mfu` and the
    /// scale-out factor when set (module docs).
    pub curve: Option<AchievedCurve>,
}

/// The factors of a training rate at one job size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingRate {
    /// Job size the rate was evaluated at.
    pub devices: f64,
    /// `peak · MFU`: achieved FLOP/s per device at the reference scale (the
    /// fitted curve's value at this job size, when one is used).
    pub achieved: FlopsPerSec,
    /// Relative scale-out efficiency `η(n)/η(n_ref)`; one when unknown.
    pub scale_out: f64,
    /// Reliability goodput `G(n)`.
    pub goodput: Fraction,
    /// The checkpoint interval behind the goodput, when failures are modelled.
    pub checkpoint_interval: Option<Hours>,
    /// Effective FLOP/s per device: the product of the factors.
    pub effective: FlopsPerSec,
}

fn eta(inp: &TrainingInputs, n: f64, bw: Option<BytesPerSec>) -> f64 {
    let Some(bw) = bw.filter(|b| b.get() > 0.0) else {
        return 1.0;
    };
    let d = f64::from(inp.domain.max(1));
    let s = if n > d { 1.0 - d / n } else { 0.0 };
    let exposed =
        inp.overlap_complement() * inp.comm.bytes_per_flop * inp.achieved() * s / bw.get();
    1.0 / (1.0 + exposed.max(0.0))
}

impl TrainingInputs {
    fn achieved(&self) -> f64 {
        self.peak.get() * self.mfu.get()
    }
    /// Achieved FLOP/s per device at job size `n` before goodput.
    fn achieved_at(&self, n: f64) -> f64 {
        match &self.curve {
            Some(c) => c.achieved(n),
            None => self.achieved(),
        }
    }
    fn overlap_complement(&self) -> f64 {
        self.comm.overlap.complement().get()
    }

    /// `η(n_ref)`: the scale-out efficiency of the MFU's measurement.
    fn eta_ref(&self) -> f64 {
        let n_ref = self.mfu_devices.unwrap_or(f64::from(self.domain.max(1)));
        match self.scale_out {
            Some(bw) => eta(self, n_ref, self.mfu_scale_out.or(Some(bw))),
            None => 1.0,
        }
    }

    /// The rate at job size `devices` (module docs).
    #[must_use]
    pub fn rate(&self, devices: f64) -> TrainingRate {
        self.rate_given(devices, self.eta_ref())
    }

    fn rate_given(&self, devices: f64, eta_ref: f64) -> TrainingRate {
        let n = devices.max(1.0);
        let scale_out = match (self.curve, self.scale_out) {
            (None, Some(bw)) => eta(self, n, Some(bw)) / eta_ref,
            _ => 1.0,
        };
        let (goodput, interval) = match self.reliability {
            Some(r) => match job_mtbf(r.device_mtbf, n) {
                Some(m) => {
                    let (tau, g) = optimal_goodput(m, r.checkpoint, r.restart);
                    (g, Some(tau))
                }
                None => (Fraction::ONE, None),
            },
            None => (Fraction::ONE, None),
        };
        let base = self.achieved_at(n);
        let achieved = FlopsPerSec::from_raw(base);
        let effective = FlopsPerSec::from_raw(base * scale_out * goodput.get());
        TrainingRate {
            devices: n,
            achieved,
            scale_out,
            goodput,
            checkpoint_interval: interval,
            effective,
        }
    }
}

/// The job size at which a pool finishes `work` in `deadline`: the fixed
/// point of `n = W / (rate(n) · T)`, found by the secant method on
/// `g(n) = n − W / (rate(n) · T)` from the no-loss estimate (at most 60
/// evaluations; typically 3 to 5). Returns the rate at that size. `None`
/// when the pool cannot finish at any size (the effective rate collapses to
/// zero, e.g. goodput vanishes at the size needed) or the deadline is zero.
#[must_use]
pub fn job_size_for_deadline(
    inp: &TrainingInputs,
    work: Flops,
    deadline: Hours,
) -> Option<TrainingRate> {
    let t = deadline.to_seconds().get();
    // the no-loss rate the search starts from: the measured reference rate,
    // or the curve's value at its largest measured size
    let start_rate = match &inp.curve {
        Some(c) => c.achieved(c.curve.max_devices),
        None => inp.achieved(),
    };
    if t <= 0.0 || start_rate <= 0.0 {
        return None;
    }
    let need = |r: f64| work.get() / (r * t);
    let eta_ref = inp.eta_ref();
    let map = |n: f64| -> Option<(TrainingRate, f64)> {
        let r = inp.rate_given(n, eta_ref);
        (r.effective.get() > 0.0).then(|| (r, need(r.effective.get()).max(1.0)))
    };
    let mut n0 = need(start_rate).max(1.0);
    let (_, m0) = map(n0)?;
    let mut g0 = n0 - m0;
    let mut n1 = m0;
    for _ in 0..60 {
        if n1 > 1e9 {
            // more than a billion devices: the rate collapses with scale
            return None;
        }
        let (r1, m1) = map(n1)?;
        let g1 = n1 - m1;
        if g1.abs() <= 1e-7 * n1 {
            return Some(r1);
        }
        // secant step, falling back to the plain iteration when it would
        // not move forward sensibly
        let d = g1 - g0;
        let next = if d.abs() > f64::EPSILON * g1.abs().max(1.0) {
            n1 - g1 * (n1 - n0) / d
        } else {
            m1
        };
        let next = if next.is_finite() && next >= 1.0 {
            next
        } else {
            m1
        };
        (n0, g0) = (n1, g1);
        n1 = next;
    }
    // No convergence: typically no job size meets the deadline (once
    // failures dominate, n·rate(n) peaks below W/T and the iteration
    // wanders). Search for the smallest job size that delivers the work.
    smallest_job_meeting(inp, work.get(), t, eta_ref)
}

/// The smallest job size `n` with `n · rate(n) · t ≥ work`: a geometric scan
/// (steps of 25%, up to a billion devices) for the first size that delivers
/// the work, then bisection to the crossing. `None` when no size does.
fn smallest_job_meeting(
    inp: &TrainingInputs,
    work: f64,
    t: f64,
    eta_ref: f64,
) -> Option<TrainingRate> {
    let delivered = |n: f64| {
        let r = inp.rate_given(n, eta_ref);
        let d = n * r.effective.get() * t;
        (r, d)
    };
    let (r1, d1) = delivered(1.0);
    if d1 >= work {
        return Some(r1);
    }
    let (mut lo, mut hi) = (1.0f64, 1.0f64);
    loop {
        hi *= 1.25;
        if hi > 1e9 {
            return None;
        }
        if delivered(hi).1 >= work {
            break;
        }
        lo = hi;
    }
    for _ in 0..200 {
        if hi - lo <= 1e-9 * hi {
            break;
        }
        let mid = 0.5 * (lo + hi);
        if delivered(mid).1 >= work {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(delivered(hi).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn h800() -> TrainingInputs {
        TrainingInputs {
            peak: FlopsPerSec::from_tera(989.4),
            mfu: Fraction::from_raw(0.3894),
            mfu_devices: Some(2048.0),
            mfu_scale_out: None,
            domain: 8,
            scale_out: Some(BytesPerSec::from_gb_per_sec(50.0)),
            comm: CommModel {
                bytes_per_flop: 1.3e-4,
                overlap: Fraction::from_raw(0.9),
            },
            reliability: None,
            curve: None,
        }
    }

    #[test]
    fn reference_scale_gets_the_measured_rate() {
        let r = h800().rate(2048.0);
        assert_relative_eq!(r.scale_out, 1.0);
        assert_relative_eq!(r.effective.tera(), 989.4 * 0.3894, max_relative = 1e-12);
    }

    #[test]
    fn slower_scale_out_and_bigger_jobs_lose_efficiency() {
        let base = h800();
        // the H800 measurement applied to a pool with half the scale-out
        let slow = TrainingInputs {
            scale_out: Some(BytesPerSec::from_gb_per_sec(25.0)),
            mfu_scale_out: Some(BytesPerSec::from_gb_per_sec(50.0)),
            ..base
        };
        assert!(base.rate(16_384.0).scale_out < 1.0);
        assert!(base.rate(64.0).scale_out > 1.0);
        assert!(slow.rate(2048.0).scale_out < 1.0);
        // unknown bandwidth: no factor at all
        let unknown = TrainingInputs {
            scale_out: None,
            ..base
        };
        assert_relative_eq!(unknown.rate(100_000.0).scale_out, 1.0);
    }

    #[test]
    fn failures_cut_goodput_with_scale() {
        let flaky = TrainingInputs {
            reliability: Some(ReliabilityInputs {
                device_mtbf: Hours::from_raw(5_000.0),
                checkpoint: Hours::from_minutes(5.0),
                restart: Hours::from_minutes(10.0),
            }),
            ..h800()
        };
        let small = flaky.rate(256.0).goodput.get();
        let large = flaky.rate(20_000.0).goodput.get();
        assert!(small > 0.8 && large < 0.5, "{small} {large}");
    }

    /// The fixed point satisfies its defining equation.
    #[test]
    fn job_size_meets_the_deadline() {
        let inp = TrainingInputs {
            reliability: Some(ReliabilityInputs {
                device_mtbf: Hours::from_raw(50_677.0),
                checkpoint: Hours::from_minutes(1.0),
                restart: Hours::from_minutes(10.0),
            }),
            ..h800()
        };
        let work = Flops::from_raw(3.74e24);
        let deadline = Hours::from_days(60.0);
        let r = job_size_for_deadline(&inp, work, deadline).expect("feasible");
        let done = r.effective.get() * r.devices * deadline.to_seconds().get();
        assert_relative_eq!(done, work.get(), max_relative = 1e-5);
        assert!(job_size_for_deadline(&inp, work, Hours::ZERO).is_none());
    }

    /// A fitted curve replaces peak × MFU × scale-out: the achieved rate is
    /// the curve at the job size (capped at the peak), goodput still applies,
    /// and the fixed point meets its deadline.
    #[test]
    fn fitted_curve_sets_the_achieved_rate() {
        use crate::perf::fit::{Curve, CurveForm};
        let curve = Curve {
            form: CurveForm::PowerLaw,
            a: 0.3f64.ln(),
            b: -0.02,
            min_devices: 100.0,
            max_devices: 1000.0,
        };
        let inp = TrainingInputs {
            curve: Some(AchievedCurve {
                curve,
                flops_per_unit: 989.4e12,
                cap: Some(FlopsPerSec::from_tera(989.4)),
            }),
            reliability: Some(ReliabilityInputs {
                device_mtbf: Hours::from_raw(50_677.0),
                checkpoint: Hours::from_minutes(1.0),
                restart: Hours::from_minutes(10.0),
            }),
            ..h800()
        };
        let r = inp.rate(500.0);
        let law = 989.4e12 * 0.3 * 500f64.powf(-0.02);
        assert_relative_eq!(r.achieved.get(), law, max_relative = 1e-12);
        assert_relative_eq!(r.scale_out, 1.0);
        assert_relative_eq!(
            r.effective.get(),
            law * r.goodput.get(),
            max_relative = 1e-12
        );
        let work = Flops::from_raw(3.74e24);
        let deadline = Hours::from_days(60.0);
        let j = job_size_for_deadline(&inp, work, deadline).expect("feasible");
        let done = j.effective.get() * j.devices * deadline.to_seconds().get();
        assert_relative_eq!(done, work.get(), max_relative = 1e-5);
        // a curve above the peak is capped at the peak
        let hot = AchievedCurve {
            curve: Curve {
                a: 2f64.ln(),
                ..curve
            },
            flops_per_unit: 989.4e12,
            cap: Some(FlopsPerSec::from_tera(989.4)),
        };
        assert_relative_eq!(hot.achieved(10.0), 989.4e12);
    }

    /// A flaky pool (an Ascend-like 9,216 h device MTBF, one-minute
    /// checkpoints, ten-minute restarts) given more and more work: whenever a
    /// job size is returned it delivers the work by the deadline, and when
    /// none is, a brute-force scan confirms no size does. (Before the fix,
    /// a non-converging secant returned its last, collapsed rate: a share of
    /// the work per device-hour of 1e-49, which stalled the LP engine.)
    #[test]
    fn job_size_is_a_fixed_point_or_none() {
        let flaky = TrainingInputs {
            peak: FlopsPerSec::from_tera(780.0),
            mfu: Fraction::from_raw(0.30),
            mfu_devices: None,
            mfu_scale_out: None,
            domain: 8,
            scale_out: None,
            comm: h800().comm,
            reliability: Some(ReliabilityInputs {
                device_mtbf: Hours::from_raw(9_216.0),
                checkpoint: Hours::from_minutes(1.0),
                restart: Hours::from_minutes(10.0),
            }),
            curve: None,
        };
        let deadline = Hours::from_days(90.0);
        let t = deadline.to_seconds().get();
        // the most any job size delivers, by brute force
        let best = (0..4000)
            .map(|i| 1.005f64.powi(i))
            .map(|n| n * flaky.rate(n).effective.get() * t)
            .fold(0.0, f64::max);
        let (mut some, mut none) = (0, 0);
        for k in 1..=40 {
            let work = best * 0.05 * f64::from(k);
            match job_size_for_deadline(&flaky, Flops::from_raw(work), deadline) {
                Some(r) => {
                    some += 1;
                    let done = r.effective.get() * r.devices * t;
                    assert!(
                        done >= work * (1.0 - 1e-5),
                        "work {work:e}: {} devices deliver only {done:e}",
                        r.devices
                    );
                    assert!(r.effective.get() > 0.01 * flaky.achieved());
                }
                None => {
                    none += 1;
                    assert!(work > best * 0.999, "work {work:e} <= best {best:e}");
                }
            }
        }
        assert!(some >= 15 && none >= 15, "{some} feasible, {none} not");
    }
}
