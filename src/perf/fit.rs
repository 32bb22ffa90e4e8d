//! Least-squares fits of scaling curves from measured points: a user's own
//! measurements of a job at several sizes (devices → MFU, or devices →
//! tokens per second), turned into a curve the performance model can
//! evaluate at any job size, with the residuals and held-out errors that
//! say how far to trust it.
//!
//! # Model
//!
//! A curve gives a per-device quantity `y` (an MFU, or tokens per second per
//! device) as a function of the job size `n`, in one of two forms, each
//! linear in its two coefficients `(a, b)` after a transform:
//!
//! ```text
//! power law    y(n) = e^a · n^b        (ln y = a + b·ln n)
//! log-linear   y(n) = a + b·ln n
//! ```
//!
//! The power law is the default: it stays positive when extrapolated, and a
//! total throughput `T(n) = c·n^β` (weak scaling with efficiency `n^(β−1)`)
//! is one. The coefficients minimise the sum of squared residuals of the
//! transformed values, `‖A·(a, b)ᵀ − z‖²` with rows `A_i = (1, ln n_i)`,
//! solved by a Householder QR of `A` (nalgebra): `R·(a, b)ᵀ = Qᵀz`. A
//! diagonal of `R` below `1e-10` times the largest column norm means the
//! device counts do not determine the slope: [`FitError::Degenerate`].
//!
//! # What is reported
//!
//! * **Residuals**, relative, in the measured units: `(y_i − ŷ_i) / ŷ_i`,
//!   with their RMS and largest magnitude, and `R²` of the transformed fit.
//! * **Held-out errors**: for each point, the relative error of predicting it
//!   from a fit to the *other* points (leave-one-out). For least squares this
//!   needs no refits: the held-out residual of point `i` in the transformed
//!   space is `e_i / (1 − h_ii)`, where `h_ii = ‖Q_i‖²` is its leverage
//!   (the PRESS identity). The error at the largest device count is reported
//!   separately: it is an honest test of extrapolating to a bigger job, which
//!   is what a planner asks of the curve.
//!
//! At least three points are needed: two determine the line exactly, which
//! leaves nothing to check it against (every residual is zero and every
//! leverage is one).

use crate::catalog::string_enum;
use nalgebra::{DMatrix, DVector};
use std::fmt;

string_enum! {
    /// The shape of a fitted curve (module docs).
    pub enum CurveForm {
        /// `y = e^a · n^b`: positive everywhere; the default.
        PowerLaw = "power_law",
        /// `y = a + b·ln n`.
        LogLinear = "log_linear",
    }
}

// `string_enum!` fixes the enum's derives, so `Default` is written out.
#[allow(clippy::derivable_impls)]
impl Default for CurveForm {
    fn default() -> Self {
        CurveForm::PowerLaw
    }
}

/// The fewest points a fit accepts (module docs).
pub const MIN_POINTS: usize = 3;

/// A fitted curve: `y(n)` in the form and coefficients found, and the range
/// of device counts it was fitted on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    /// The form.
    pub form: CurveForm,
    /// Intercept `a` (of `ln y` for the power law).
    pub a: f64,
    /// Slope `b` against `ln n`.
    pub b: f64,
    /// Smallest device count measured.
    pub min_devices: f64,
    /// Largest device count measured.
    pub max_devices: f64,
}

impl Curve {
    /// The curve's value at `devices` (module docs). The log-linear form can
    /// be zero or negative far outside the measured range; callers treat a
    /// non-positive value as "no throughput".
    #[must_use]
    pub fn value(&self, devices: f64) -> f64 {
        let x = devices.max(f64::MIN_POSITIVE).ln();
        match self.form {
            CurveForm::PowerLaw => (self.a + self.b * x).exp(),
            CurveForm::LogLinear => self.a + self.b * x,
        }
    }

    /// Whether `devices` lies outside the measured range (the value is an
    /// extrapolation).
    #[must_use]
    pub fn extrapolates(&self, devices: f64) -> bool {
        devices < self.min_devices * (1.0 - 1e-9) || devices > self.max_devices * (1.0 + 1e-9)
    }

    /// The relative change of `y` when the job size doubles:
    /// `y(2n)/y(n) − 1` (constant for the power law, `2^b − 1`; evaluated at
    /// the largest measured size for the log-linear form).
    #[must_use]
    pub fn per_doubling(&self) -> f64 {
        let n = self.max_devices;
        self.value(2.0 * n) / self.value(n) - 1.0
    }
}

/// A fitted curve with its diagnostics (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// The curve.
    pub curve: Curve,
    /// Relative residual of each point, `(y_i − ŷ_i) / ŷ_i`, in input order.
    pub residuals: Vec<f64>,
    /// Root mean square of the relative residuals.
    pub rms_residual: f64,
    /// Largest magnitude of a relative residual.
    pub max_residual: f64,
    /// `R²` of the fit in the transformed space; `None` when every
    /// transformed value is the same (nothing to explain).
    pub r_squared: Option<f64>,
    /// Relative error of predicting each point from the others,
    /// `(ŷ_(i) − y_i) / y_i`, in input order.
    pub held_out: Vec<f64>,
    /// Largest magnitude of a held-out error.
    pub max_held_out: f64,
    /// The held-out error at the largest device count: the error of
    /// extrapolating the other points to the biggest job measured.
    pub largest_held_out: f64,
}

impl FitReport {
    /// Number of points fitted.
    #[must_use]
    pub fn points(&self) -> usize {
        self.residuals.len()
    }
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.curve;
        write!(
            f,
            "{} fit of {} points ({}–{} devices): {:+.2}% per doubling; residuals RMS {:.2}%, max {:.2}%; held-out max {:.2}%, largest job from the others {:+.2}%",
            c.form,
            self.points(),
            c.min_devices,
            c.max_devices,
            100.0 * c.per_doubling(),
            100.0 * self.rms_residual,
            100.0 * self.max_residual,
            100.0 * self.max_held_out,
            100.0 * self.largest_held_out,
        )
    }
}

/// Why a set of points cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// Fewer than [`MIN_POINTS`] points.
    #[error(
        "{got} points; a fit needs at least {MIN_POINTS} (two points fit any curve exactly, leaving nothing to check it against)"
    )]
    TooFewPoints {
        /// Points given.
        got: usize,
    },
    /// Device counts and values differ in length.
    #[error("{devices} device counts but {values} values")]
    LengthMismatch {
        /// Device counts given.
        devices: usize,
        /// Values given.
        values: usize,
    },
    /// A device count or value is NaN, infinite, zero or negative.
    #[error(
        "point {index}: devices and value must be finite and above zero (got {devices}, {value})"
    )]
    NotPositive {
        /// Index of the point.
        index: usize,
        /// Its device count.
        devices: f64,
        /// Its value.
        value: f64,
    },
    /// Two points at the same device count.
    #[error("points {first} and {second} are both at {devices} devices")]
    DuplicateDevices {
        /// The earlier point.
        first: usize,
        /// The later point.
        second: usize,
        /// The device count.
        devices: f64,
    },
    /// The device counts do not determine a slope (numerically one size).
    #[error("the device counts are too close together to determine a slope")]
    Degenerate,
}

/// Fits `values` against `devices` in `form` (module docs).
///
/// # Errors
/// [`FitError`] when the points cannot be fitted: fewer than three, a
/// non-positive or non-finite number, two at one device count, or device
/// counts too close together to determine a slope.
pub fn fit(devices: &[f64], values: &[f64], form: CurveForm) -> Result<FitReport, FitError> {
    let m = devices.len();
    if values.len() != m {
        return Err(FitError::LengthMismatch {
            devices: m,
            values: values.len(),
        });
    }
    if m < MIN_POINTS {
        return Err(FitError::TooFewPoints { got: m });
    }
    for (i, (&n, &y)) in devices.iter().zip(values).enumerate() {
        if !(n.is_finite() && y.is_finite() && n > 0.0 && y > 0.0) {
            return Err(FitError::NotPositive {
                index: i,
                devices: n,
                value: y,
            });
        }
    }
    // Duplicates, in O(m log m): sort indices by device count.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| devices[i].total_cmp(&devices[j]).then(i.cmp(&j)));
    for w in order.windows(2) {
        let (i, j) = (w[0], w[1]);
        // exact equality is the point: two measurements at one size
        if devices[i].total_cmp(&devices[j]).is_eq() {
            return Err(FitError::DuplicateDevices {
                first: i.min(j),
                second: i.max(j),
                devices: devices[i],
            });
        }
    }
    let x: Vec<f64> = devices.iter().map(|n| n.ln()).collect();
    let z: Vec<f64> = match form {
        CurveForm::PowerLaw => values.iter().map(|y| y.ln()).collect(),
        CurveForm::LogLinear => values.to_vec(),
    };
    let a = DMatrix::from_fn(m, 2, |i, j| if j == 0 { 1.0 } else { x[i] });
    let zv = DVector::from_column_slice(&z);
    let qr = a.clone().qr();
    let (q, r) = (qr.q(), qr.r());
    let scale = a.column(0).norm().max(a.column(1).norm());
    if (0..2).any(|k| r[(k, k)].abs() <= 1e-10 * scale) {
        return Err(FitError::Degenerate);
    }
    let rhs = q.transpose() * &zv;
    let coef = r.solve_upper_triangular(&rhs).ok_or(FitError::Degenerate)?;
    let (ca, cb) = (coef[0], coef[1]);
    let min_devices = order.first().map_or(0.0, |&i| devices[i]);
    let max_devices = order.last().map_or(0.0, |&i| devices[i]);
    let curve = Curve {
        form,
        a: ca,
        b: cb,
        min_devices,
        max_devices,
    };
    let back = |t: f64| match form {
        CurveForm::PowerLaw => t.exp(),
        CurveForm::LogLinear => t,
    };
    let mut residuals = Vec::with_capacity(m);
    let mut held_out = Vec::with_capacity(m);
    let (mut sse, mut mean) = (0.0, 0.0);
    for (i, &zi) in z.iter().enumerate() {
        let fitted = ca + cb * x[i];
        let e = zi - fitted;
        sse += e * e;
        mean += zi;
        let y = values[i];
        let yhat = back(fitted);
        residuals.push((y - yhat) / yhat);
        // leverage h_ii = ‖Q_i‖² (thin Q, two columns)
        let h = q[(i, 0)] * q[(i, 0)] + q[(i, 1)] * q[(i, 1)];
        // h < 1 for m ≥ 3 distinct device counts (removing a point leaves a
        // full-rank problem); guard against rounding anyway.
        let press = e / (1.0 - h).max(f64::EPSILON);
        held_out.push((back(zi - press) - y) / y);
    }
    mean /= m as f64;
    let sst: f64 = z.iter().map(|zi| (zi - mean) * (zi - mean)).sum();
    let r_squared = (sst > 0.0).then(|| 1.0 - sse / sst);
    #[allow(clippy::cast_precision_loss)]
    let rms_residual = (residuals.iter().map(|r| r * r).sum::<f64>() / m as f64).sqrt();
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |acc, r| acc.max(r.abs()));
    let largest = order.last().map_or(0.0, |&i| held_out[i]);
    Ok(FitReport {
        curve,
        max_residual: max_abs(&residuals),
        rms_residual,
        r_squared,
        max_held_out: max_abs(&held_out),
        largest_held_out: largest,
        residuals,
        held_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// Points generated by a power law are fitted exactly: coefficients
    /// recovered, residuals and held-out errors zero.
    #[test]
    fn exact_power_law_is_recovered() {
        let n = [256.0, 512.0, 1024.0, 2048.0, 4096.0];
        let y: Vec<f64> = n.iter().map(|n: &f64| 0.6 * n.powf(-0.03)).collect();
        let f = fit(&n, &y, CurveForm::PowerLaw).expect("fits");
        assert_relative_eq!(f.curve.a, 0.6f64.ln(), max_relative = 1e-12);
        assert_relative_eq!(f.curve.b, -0.03, max_relative = 1e-10);
        assert!(f.max_residual < 1e-12 && f.max_held_out < 1e-12, "{f}");
        assert_relative_eq!(f.r_squared.expect("varies"), 1.0, max_relative = 1e-12);
        assert_relative_eq!(
            f.curve.value(8192.0),
            0.6 * 8192f64.powf(-0.03),
            max_relative = 1e-12
        );
        assert!(f.curve.extrapolates(8192.0) && !f.curve.extrapolates(1000.0));
        assert_relative_eq!(
            f.curve.per_doubling(),
            2f64.powf(-0.03) - 1.0,
            max_relative = 1e-12
        );
    }

    #[test]
    fn exact_log_linear_is_recovered() {
        let n = [8.0, 64.0, 512.0];
        let y: Vec<f64> = n.iter().map(|n: &f64| 0.5 - 0.01 * n.ln()).collect();
        let f = fit(&n, &y, CurveForm::LogLinear).expect("fits");
        assert_relative_eq!(f.curve.a, 0.5, max_relative = 1e-12);
        assert_relative_eq!(f.curve.b, -0.01, max_relative = 1e-10);
        assert!(f.max_held_out < 1e-12);
    }

    /// The coefficients solve the normal equations (an independent
    /// computation: 2×2 closed form), and each held-out error equals the
    /// error of an explicit refit without that point (the PRESS identity the
    /// code relies on), on noisy data.
    #[test]
    fn matches_normal_equations_and_explicit_refits() {
        let n = [100.0, 300.0, 900.0, 2000.0, 5000.0, 12_000.0];
        let noise = [0.02, -0.015, 0.01, -0.02, 0.005, 0.012];
        let y: Vec<f64> = n
            .iter()
            .zip(noise)
            .map(|(n, e): (&f64, f64)| 0.45 * n.powf(-0.02) * (1.0 + e))
            .collect();
        for form in CurveForm::ALL.iter().copied() {
            let f = fit(&n, &y, form).expect("fits");
            let t = |v: f64| {
                if form == CurveForm::PowerLaw {
                    v.ln()
                } else {
                    v
                }
            };
            let normal = |idx: &[usize]| {
                let (mut s1, mut sx, mut sxx, mut sz, mut sxz) = (0.0, 0.0, 0.0, 0.0, 0.0);
                for &i in idx {
                    let (x, z) = (n[i].ln(), t(y[i]));
                    s1 += 1.0;
                    sx += x;
                    sxx += x * x;
                    sz += z;
                    sxz += x * z;
                }
                let det = s1 * sxx - sx * sx;
                ((sxx * sz - sx * sxz) / det, (s1 * sxz - sx * sz) / det)
            };
            let all: Vec<usize> = (0..n.len()).collect();
            let (a, b) = normal(&all);
            assert_relative_eq!(f.curve.a, a, max_relative = 1e-9);
            assert_relative_eq!(f.curve.b, b, max_relative = 1e-9);
            for k in 0..n.len() {
                let rest: Vec<usize> = all.iter().copied().filter(|&i| i != k).collect();
                let (a, b) = normal(&rest);
                let c = Curve { a, b, ..f.curve };
                let direct = (c.value(n[k]) - y[k]) / y[k];
                assert_relative_eq!(f.held_out[k], direct, max_relative = 1e-7, epsilon = 1e-12);
            }
            assert!(f.rms_residual > 0.0 && f.rms_residual < 0.03, "{f}");
            assert!(f.largest_held_out.total_cmp(&f.held_out[5]).is_eq());
        }
    }

    #[test]
    fn bad_points_are_errors() {
        let ok = [1.0, 2.0, 3.0];
        assert_eq!(
            fit(&[1.0, 2.0], &[1.0, 1.0], CurveForm::PowerLaw),
            Err(FitError::TooFewPoints { got: 2 })
        );
        assert!(matches!(
            fit(&ok, &[1.0, f64::NAN, 1.0], CurveForm::PowerLaw),
            Err(FitError::NotPositive { index: 1, .. })
        ));
        assert!(matches!(
            fit(&[1.0, 0.0, 3.0], &ok, CurveForm::LogLinear),
            Err(FitError::NotPositive { index: 1, .. })
        ));
        assert!(matches!(
            fit(&[4.0, 2.0, 4.0], &ok, CurveForm::PowerLaw),
            Err(FitError::DuplicateDevices {
                first: 0,
                second: 2,
                ..
            })
        ));
        assert!(matches!(
            fit(&ok, &[1.0], CurveForm::PowerLaw),
            Err(FitError::LengthMismatch { .. })
        ));
        // distinct but numerically one size
        assert_eq!(
            fit(
                &[1000.0, 1000.0 * (1.0 + 1e-15), 1000.0 * (1.0 + 2e-15)],
                &ok,
                CurveForm::PowerLaw
            ),
            Err(FitError::Degenerate)
        );
    }
}
