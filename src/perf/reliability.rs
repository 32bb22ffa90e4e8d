//! Failures, checkpoints and goodput: how much of a training run's wall time
//! is useful work.
//!
//! # Model
//!
//! Devices fail independently with exponential inter-failure times; a job on
//! `n` devices, each with mean time between failures `M_d`, sees failures at
//! rate `n / M_d`, i.e. a job MTBF `M = M_d / n` ([`job_mtbf`]). The job
//! writes a checkpoint of duration `δ` every `τ` of compute and, after a
//! failure, spends `R` restarting before resuming from the last checkpoint.
//!
//! Daly's (2006) complete model gives the expected wall time to finish `T_s`
//! of compute as
//!
//! ```text
//! T_w(τ) = M · e^{R/M} · (e^{(τ+δ)/M} − 1) · T_s / τ
//! ```
//!
//! so the *goodput* (useful fraction of wall time) is
//! `G(τ) = τ / (M · e^{R/M} · (e^{(τ+δ)/M} − 1))` ([`goodput`]), evaluated at
//! Daly's higher-order optimum interval ([`daly_interval`]):
//!
//! ```text
//! τ_opt = √(2δM) · [1 + ⅓·√(δ/2M) + ⅑·(δ/2M)] − δ     if δ < 2M
//! τ_opt = M                                          otherwise
//! ```
//!
//! Young's (1974) first-order interval `√(2δM)` is [`young_interval`].
//!
//! Sources: J. W. Young, "A first order approximation to the optimum
//! checkpoint interval", CACM 17(9), 1974; J. T. Daly, "A higher order
//! estimate of the optimum checkpoint interval for restart dumps", FGCS 22(3),
//! 2006, doi:10.1016/j.future.2004.11.016. The worked examples of Daly's paper
//! (R = 10 min, δ = 5 min; M = 24 h, 6 h, 15 min → 117, 57, 9.1 min) are this
//! module's tests.

use crate::units::{Fraction, Hours};

/// Mean time between failures of a job on `devices` devices, each failing
/// independently with mean time between failures `device_mtbf`:
/// `device_mtbf / devices`. `None` when `devices` is not positive.
#[must_use]
pub fn job_mtbf(device_mtbf: Hours, devices: f64) -> Option<Hours> {
    (devices > 0.0).then(|| device_mtbf / devices)
}

/// The per-device MTBF implied by `interruptions` failures observed on
/// `devices` devices over `wall` hours: `devices · wall / interruptions`
/// (device-hours per interruption). `None` when there were no interruptions.
///
/// Llama 3 405B: 419 unexpected interruptions on 16,384 H100 in 54 days gives
/// about 50,677 device-hours.
#[must_use]
pub fn device_mtbf_from_interruptions(
    devices: f64,
    wall: Hours,
    interruptions: u64,
) -> Option<Hours> {
    // u64 → f64 loses precision only above 2^53 interruptions.
    #[allow(clippy::cast_precision_loss)]
    let k = interruptions as f64;
    (interruptions > 0 && devices > 0.0).then(|| wall * (devices / k))
}

/// Young's first-order optimal checkpoint interval `√(2δM)`.
#[must_use]
pub fn young_interval(checkpoint: Hours, mtbf: Hours) -> Hours {
    Hours::from_raw((2.0 * checkpoint.get() * mtbf.get()).sqrt())
}

/// Daly's higher-order optimal checkpoint interval (module docs). Returns `M`
/// when `δ ≥ 2M`; never negative.
#[must_use]
pub fn daly_interval(checkpoint: Hours, mtbf: Hours) -> Hours {
    let (d, m) = (checkpoint.get(), mtbf.get());
    if m <= 0.0 {
        return Hours::ZERO;
    }
    if d >= 2.0 * m {
        return mtbf;
    }
    let r = d / (2.0 * m);
    let t = (2.0 * d * m).sqrt() * (1.0 + r.sqrt() / 3.0 + r / 9.0) - d;
    Hours::from_raw(t.max(0.0))
}

/// Daly's goodput at checkpoint interval `interval` (module docs): the
/// fraction of wall time spent on useful compute. Zero when the interval or
/// the MTBF is zero; exactly one when there are no failures
/// (`mtbf` infinite is not representable, so pass a large value) and no
/// checkpoint cost.
#[must_use]
pub fn goodput(mtbf: Hours, checkpoint: Hours, restart: Hours, interval: Hours) -> Fraction {
    let (m, d, r, t) = (mtbf.get(), checkpoint.get(), restart.get(), interval.get());
    if m <= 0.0 {
        return Fraction::ZERO;
    }
    if t <= 0.0 {
        // Free checkpoints taken continuously: only restarts cost time
        // (the limit of the formula as τ → 0 with δ = 0).
        return if d <= 0.0 {
            Fraction::clamped((-r / m).exp())
        } else {
            Fraction::ZERO
        };
    }
    // e^{(τ+δ)/M} − 1 computed with exp_m1 for accuracy when M is large.
    let wall_per_compute = m * (r / m).exp() * ((t + d) / m).exp_m1() / t;
    if !wall_per_compute.is_finite() || wall_per_compute <= 0.0 {
        return Fraction::ZERO;
    }
    Fraction::clamped(1.0 / wall_per_compute)
}

/// The goodput at Daly's optimal interval, with that interval.
#[must_use]
pub fn optimal_goodput(mtbf: Hours, checkpoint: Hours, restart: Hours) -> (Hours, Fraction) {
    let tau = daly_interval(checkpoint, mtbf);
    (tau, goodput(mtbf, checkpoint, restart, tau))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn min(x: f64) -> Hours {
        Hours::from_minutes(x)
    }

    /// Daly 2006, Figs. 3–5 captions (R = 10 min, δ = 5 min), via
    /// ../shared/reference/domain.md §4.3: the paper's optima are 117, 57 and
    /// 9.1 minutes; the formula gives 116.69, 56.71, 9.14.
    #[test]
    fn daly_worked_examples() {
        let delta = min(5.0);
        for (m, paper, formula) in [
            (Hours::new(24.0), 117.0, 116.69),
            (Hours::new(6.0), 57.0, 56.71),
            (Ok(min(15.0)), 9.1, 9.14),
        ] {
            let m = m.unwrap_or(Hours::ZERO);
            let tau = daly_interval(delta, m).minutes();
            assert_abs_diff_eq!(tau, formula, epsilon = 0.01);
            // the paper reports its optimum to 2–3 significant figures
            assert!((tau - paper).abs() / paper < 0.01, "{tau} vs paper {paper}");
        }
    }

    /// Young's values for the same examples: 120, 60, 12.25 minutes.
    #[test]
    fn young_worked_examples() {
        let delta = min(5.0);
        assert_abs_diff_eq!(
            young_interval(delta, min(24.0 * 60.0)).minutes(),
            120.0,
            epsilon = 1e-9
        );
        assert_abs_diff_eq!(
            young_interval(delta, min(6.0 * 60.0)).minutes(),
            60.0,
            epsilon = 1e-9
        );
        assert_abs_diff_eq!(
            young_interval(delta, min(15.0)).minutes(),
            12.247,
            epsilon = 1e-3
        );
    }

    /// Daly's interval maximises the goodput of the same model (to first
    /// order): nearby intervals are no better by more than a hair.
    #[test]
    fn daly_interval_is_near_the_goodput_maximum() {
        let (m, d, r) = (min(185.6), min(1.0), min(10.0));
        let (tau, g) = optimal_goodput(m, d, r);
        for k in [0.5, 0.8, 0.9, 1.1, 1.25, 2.0] {
            let other = goodput(m, d, r, tau * k);
            assert!(other.get() <= g.get() + 1e-4, "k={k}: {other} > {g}");
        }
    }

    /// Llama 3 405B (arXiv 2407.21783 via domain.md §4.1): 419 unexpected
    /// interruptions on 16,384 H100 in 54 days → about 50,677 GPU-hours per
    /// interruption, one every ~3.1 h for the job; with 10 s checkpoint writes
    /// (the HPCA'25 figure needed for 90% ETTR at ~12k GPUs, §4.2) and a
    /// 5-minute restart the goodput is above the published ">90% effective
    /// training time".
    #[test]
    fn llama3_interruptions_to_mtbf_and_goodput() {
        let wall = Hours::from_days(54.0);
        let md = device_mtbf_from_interruptions(16_384.0, wall, 419).unwrap_or(Hours::ZERO);
        assert_abs_diff_eq!(md.get(), 50_677.0, epsilon = 1.0);
        let mj = job_mtbf(md, 16_384.0).unwrap_or(Hours::ZERO);
        assert_abs_diff_eq!(mj.minutes(), 185.6, epsilon = 0.1);
        // domain.md §4.3 example: δ = 1 min → Young 19.3, Daly 18.6 minutes
        assert_abs_diff_eq!(young_interval(min(1.0), mj).minutes(), 19.3, epsilon = 0.05);
        assert_abs_diff_eq!(daly_interval(min(1.0), mj).minutes(), 18.6, epsilon = 0.05);
        let (_, g) = optimal_goodput(mj, Hours::from_minutes(10.0 / 60.0), min(5.0));
        assert!(g.get() > 0.90 && g.get() < 0.97, "goodput {g}");
    }

    #[test]
    fn goodput_limits() {
        // no failures to speak of and free checkpoints: goodput → 1
        let g = goodput(
            Hours::from_raw(1e12),
            Hours::ZERO,
            Hours::ZERO,
            Hours::from_raw(1.0),
        );
        assert_abs_diff_eq!(g.get(), 1.0, epsilon = 1e-9);
        // free, continuous checkpoints: only restarts cost, e^{-R/M}
        let g = optimal_goodput(min(100.0), Hours::ZERO, min(10.0)).1;
        assert_abs_diff_eq!(g.get(), (-0.1f64).exp(), epsilon = 1e-12);
        // zero MTBF: nothing gets done
        assert_eq!(
            goodput(Hours::ZERO, min(1.0), min(1.0), min(10.0)),
            Fraction::ZERO
        );
        // checkpoint longer than twice the MTBF: interval = MTBF
        assert_eq!(daly_interval(min(100.0), min(40.0)), min(40.0));
        assert!(job_mtbf(min(1.0), 0.0).is_none());
        assert!(device_mtbf_from_interruptions(8.0, min(1.0), 0).is_none());
    }
}
