//! Physical and monetary quantities as types.
//!
//! Every quantity that crosses the public API is one of these newtypes, never a
//! bare `f64`: a price per device-hour cannot be added to a price, FLOP/s times
//! seconds is FLOPs, and `UsdPerHour * Hours` is `Usd`. Arithmetic exists only
//! where the dimensions agree.
//!
//! # Construction and validation
//!
//! `new` rejects NaN, infinities and (for quantities where a negative value is
//! meaningless, i.e. all of them except [`Usd`] differences made by
//! subtraction) negative values, with a [`UnitError`] that names the quantity.
//!
//! Serde is *transparent*: a quantity is written as a bare number (`2.0`,
//! not `{ "usd_per_hour": 2.0 }`). Deserialisation deliberately accepts any
//! number, including NaN where the format allows it (TOML's `nan`), so that
//! [`crate::scenario::Scenario::validate`] can report *every* bad field with its
//! path instead of stopping at the first one. Use [`Quantity::check`] (or
//! validation) before trusting a deserialised value.
//!
//! # Conventions
//!
//! * FLOPs, bytes and tokens are counts held as `f64` (they routinely exceed
//!   `2^53`, where integer precision no longer matters).
//! * Bytes are SI: 1 GB = 1e9 bytes; [`Bytes::from_gib`] exists for the binary
//!   unit.
//! * Money is US dollars.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Sub};

/// A quantity was constructed from a value it cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The value was NaN.
    #[error("{quantity} is NaN; give a finite number")]
    NaN {
        /// The quantity's name, e.g. `"Hours"`.
        quantity: &'static str,
    },
    /// The value was infinite.
    #[error("{quantity} is infinite ({value}); give a finite number")]
    Infinite {
        /// The quantity's name.
        quantity: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The value was negative where that has no meaning.
    #[error("{quantity} is negative ({value}); it must be zero or more")]
    Negative {
        /// The quantity's name.
        quantity: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The value was outside the closed range the quantity allows.
    #[error("{quantity} is {value}, outside [{min}, {max}]")]
    OutOfRange {
        /// The quantity's name.
        quantity: &'static str,
        /// The offending value.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
}

/// What every quantity type shares: its raw value in base units and a check.
pub trait Quantity: Copy + Sized {
    /// Human name of the quantity, used in error messages.
    const NAME: &'static str;
    /// Short unit symbol, e.g. `"USD/h"`.
    const UNIT: &'static str;
    /// The value in the type's base unit.
    fn value(self) -> f64;
    /// Checks the value is one the type allows (finite; non-negative; in range).
    ///
    /// # Errors
    /// [`UnitError`] describing the first violated condition.
    fn check(self) -> Result<Self, UnitError>;
}

fn check_finite_nonneg(quantity: &'static str, value: f64) -> Result<f64, UnitError> {
    if value.is_nan() {
        Err(UnitError::NaN { quantity })
    } else if value.is_infinite() {
        Err(UnitError::Infinite { quantity, value })
    } else if value < 0.0 {
        Err(UnitError::Negative { quantity, value })
    } else {
        Ok(value)
    }
}

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            /// The zero quantity.
            pub const ZERO: Self = Self(0.0);

            /// Makes the quantity from a value in its base unit.
            ///
            /// # Errors
            /// [`UnitError`] if `value` is NaN, infinite or negative.
            pub fn new(value: f64) -> Result<Self, UnitError> {
                check_finite_nonneg(stringify!($name), value).map(Self)
            }

            /// Makes the quantity from a value known to be finite and
            /// non-negative (a literal, or the result of arithmetic on checked
            /// quantities). Debug builds assert it.
            #[must_use]
            pub const fn from_raw(value: f64) -> Self {
                debug_assert!(value.is_finite() && value >= 0.0);
                Self(value)
            }

            /// The value in the base unit.
            #[must_use]
            pub const fn get(self) -> f64 {
                self.0
            }

            /// The larger of two quantities.
            #[must_use]
            pub fn max(self, other: Self) -> Self {
                if other.0 > self.0 { other } else { self }
            }

            /// The smaller of two quantities.
            #[must_use]
            pub fn min(self, other: Self) -> Self {
                if other.0 < self.0 { other } else { self }
            }

            /// `self - other`, floored at zero.
            #[must_use]
            pub fn saturating_sub(self, other: Self) -> Self {
                Self((self.0 - other.0).max(0.0))
            }
        }

        impl Quantity for $name {
            const NAME: &'static str = stringify!($name);
            const UNIT: &'static str = $unit;
            fn value(self) -> f64 {
                self.0
            }
            fn check(self) -> Result<Self, UnitError> {
                Self::new(self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if let Some(p) = f.precision() {
                    write!(f, "{:.*} {}", p, self.0, $unit)
                } else {
                    write!(f, "{} {}", self.0, $unit)
                }
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        /// Subtraction saturates at zero: these quantities cannot be negative.
        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                self.saturating_sub(rhs)
            }
        }

        /// Scaling by a dimensionless factor.
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        /// Scaling by a fraction.
        impl Mul<Fraction> for $name {
            type Output = Self;
            fn mul(self, rhs: Fraction) -> Self {
                Self(self.0 * rhs.0)
            }
        }

        /// Dividing by a dimensionless factor.
        impl Div<f64> for $name {
            type Output = Self;
            fn div(self, rhs: f64) -> Self {
                Self(self.0 / rhs)
            }
        }

        /// The ratio of two like quantities is dimensionless.
        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 {
                self.0 / rhs.0
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|q| q.0).sum())
            }
        }
    };
}

/// `a * b = c` and `b * a = c`, with the matching divisions `c / a = b`, `c / b = a`.
macro_rules! product {
    ($a:ident * $b:ident = $c:ident) => {
        impl Mul<$b> for $a {
            type Output = $c;
            fn mul(self, rhs: $b) -> $c {
                $c(self.0 * rhs.0)
            }
        }
        impl Mul<$a> for $b {
            type Output = $c;
            fn mul(self, rhs: $a) -> $c {
                $c(self.0 * rhs.0)
            }
        }
        impl Div<$a> for $c {
            type Output = $b;
            fn div(self, rhs: $a) -> $b {
                $b(self.0 / rhs.0)
            }
        }
        impl Div<$b> for $c {
            type Output = $a;
            fn div(self, rhs: $b) -> $a {
                $a(self.0 / rhs.0)
            }
        }
    };
}

quantity!(
    /// Money in US dollars.
    Usd, "USD"
);
quantity!(
    /// A price per device-hour (or any hourly rate), US dollars per hour.
    UsdPerHour, "USD/h"
);
quantity!(
    /// Energy price, US dollars per kilowatt-hour.
    UsdPerKwh, "USD/kWh"
);
quantity!(
    /// A duration in hours. Device-hours are also `Hours` (device count is a
    /// plain number).
    Hours, "h"
);
quantity!(
    /// A duration in seconds.
    Seconds, "s"
);
quantity!(
    /// Power in watts.
    Watts, "W"
);
quantity!(
    /// Energy in kilowatt-hours.
    KilowattHours, "kWh"
);
quantity!(
    /// A count of floating-point (or integer tensor) operations.
    Flops, "FLOP"
);
quantity!(
    /// Compute throughput, operations per second.
    FlopsPerSec, "FLOP/s"
);
quantity!(
    /// A size in bytes (SI: 1 GB = 1e9 bytes).
    Bytes, "B"
);
quantity!(
    /// Bandwidth, bytes per second.
    BytesPerSec, "B/s"
);
quantity!(
    /// A count of tokens.
    Tokens, "tokens"
);
quantity!(
    /// Token throughput, tokens per second.
    TokensPerSec, "tokens/s"
);

product!(UsdPerHour * Hours = Usd);
product!(UsdPerKwh * KilowattHours = Usd);
product!(FlopsPerSec * Seconds = Flops);
product!(BytesPerSec * Seconds = Bytes);
product!(TokensPerSec * Seconds = Tokens);

impl Hours {
    /// Hours in `days` days.
    #[must_use]
    pub fn from_days(days: f64) -> Self {
        Self(days * 24.0)
    }
    /// The duration in days.
    #[must_use]
    pub fn days(self) -> f64 {
        self.0 / 24.0
    }
    /// The duration in seconds.
    #[must_use]
    pub fn to_seconds(self) -> Seconds {
        Seconds(self.0 * 3600.0)
    }
    /// Hours in `minutes` minutes.
    #[must_use]
    pub fn from_minutes(minutes: f64) -> Self {
        Self(minutes / 60.0)
    }
    /// The duration in minutes.
    #[must_use]
    pub fn minutes(self) -> f64 {
        self.0 * 60.0
    }
}

impl Seconds {
    /// The duration in hours.
    #[must_use]
    pub fn to_hours(self) -> Hours {
        Hours(self.0 / 3600.0)
    }
    /// Seconds in `ms` milliseconds.
    #[must_use]
    pub fn from_millis(ms: f64) -> Self {
        Self(ms / 1000.0)
    }
    /// The duration in milliseconds.
    #[must_use]
    pub fn millis(self) -> f64 {
        self.0 * 1000.0
    }
}

impl Watts {
    /// Energy drawn at this power for `hours`.
    #[must_use]
    pub fn over(self, hours: Hours) -> KilowattHours {
        KilowattHours(self.0 * hours.0 / 1000.0)
    }
}

impl Mul<Hours> for Watts {
    type Output = KilowattHours;
    fn mul(self, rhs: Hours) -> KilowattHours {
        self.over(rhs)
    }
}

impl FlopsPerSec {
    /// From tera-operations per second (1e12).
    #[must_use]
    pub fn from_tera(tflops: f64) -> Self {
        Self(tflops * 1e12)
    }
    /// In tera-operations per second.
    #[must_use]
    pub fn tera(self) -> f64 {
        self.0 / 1e12
    }
    /// Operations done in `hours` at this rate.
    #[must_use]
    pub fn over(self, hours: Hours) -> Flops {
        Flops(self.0 * hours.0 * 3600.0)
    }
}

impl Flops {
    /// Time to do this work at `rate`; `None` when the rate is zero.
    #[must_use]
    pub fn time_at(self, rate: FlopsPerSec) -> Option<Seconds> {
        (rate.0 > 0.0).then(|| Seconds(self.0 / rate.0))
    }
}

impl Bytes {
    /// From SI gigabytes (1e9 bytes).
    #[must_use]
    pub fn from_gb(gb: f64) -> Self {
        Self(gb * 1e9)
    }
    /// From binary gibibytes (2^30 bytes).
    #[must_use]
    pub fn from_gib(gib: f64) -> Self {
        Self(gib * 1_073_741_824.0)
    }
    /// In SI gigabytes.
    #[must_use]
    pub fn gb(self) -> f64 {
        self.0 / 1e9
    }
}

impl BytesPerSec {
    /// From SI gigabytes per second.
    #[must_use]
    pub fn from_gb_per_sec(gbs: f64) -> Self {
        Self(gbs * 1e9)
    }
    /// From SI terabytes per second.
    #[must_use]
    pub fn from_tb_per_sec(tbs: f64) -> Self {
        Self(tbs * 1e12)
    }
    /// In SI gigabytes per second.
    #[must_use]
    pub fn gb_per_sec(self) -> f64 {
        self.0 / 1e9
    }
}

impl TokensPerSec {
    /// Tokens produced over `hours` at this rate.
    #[must_use]
    pub fn over(self, hours: Hours) -> Tokens {
        Tokens(self.0 * hours.0 * 3600.0)
    }
}

impl Tokens {
    /// Time to process these tokens at `rate`; `None` when the rate is zero.
    #[must_use]
    pub fn time_at(self, rate: TokensPerSec) -> Option<Seconds> {
        (rate.0 > 0.0).then(|| Seconds(self.0 / rate.0))
    }
    /// From trillions of tokens.
    #[must_use]
    pub fn from_trillions(t: f64) -> Self {
        Self(t * 1e12)
    }
}

impl Usd {
    /// From millions of dollars.
    #[must_use]
    pub fn from_millions(m: f64) -> Self {
        Self(m * 1e6)
    }
    /// In millions of dollars.
    #[must_use]
    pub fn millions(self) -> f64 {
        self.0 / 1e6
    }
    /// Spread over `hours`: the hourly rate that costs the same.
    /// `None` when `hours` is zero.
    #[must_use]
    pub fn per(self, hours: Hours) -> Option<UsdPerHour> {
        (hours.0 > 0.0).then(|| UsdPerHour(self.0 / hours.0))
    }
}

/// A dimensionless share in `[0, 1]`: MFU, utilisation, a levy, a domestic share.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fraction(f64);

impl Fraction {
    /// Zero.
    pub const ZERO: Self = Self(0.0);
    /// One (the whole).
    pub const ONE: Self = Self(1.0);

    /// Makes a fraction.
    ///
    /// # Errors
    /// [`UnitError`] if `value` is NaN, infinite or outside `[0, 1]`.
    pub fn new(value: f64) -> Result<Self, UnitError> {
        let v = check_finite_nonneg("Fraction", value)?;
        if v > 1.0 {
            return Err(UnitError::OutOfRange {
                quantity: "Fraction",
                value,
                min: 0.0,
                max: 1.0,
            });
        }
        Ok(Self(v))
    }

    /// Makes a fraction from a value known to be in `[0, 1]` (debug-asserted).
    #[must_use]
    pub const fn from_raw(value: f64) -> Self {
        debug_assert!(value >= 0.0 && value <= 1.0);
        Self(value)
    }

    /// Makes a fraction from a percentage in `[0, 100]`.
    ///
    /// # Errors
    /// As [`Fraction::new`].
    pub fn from_percent(pct: f64) -> Result<Self, UnitError> {
        Self::new(pct / 100.0)
    }

    /// The value in `[0, 1]`.
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }

    /// `1 - self`.
    #[must_use]
    pub fn complement(self) -> Self {
        Self(1.0 - self.0)
    }

    /// Clamps any finite number into `[0, 1]`; NaN becomes zero.
    #[must_use]
    pub fn clamped(value: f64) -> Self {
        if value.is_nan() {
            Self(0.0)
        } else {
            Self(value.clamp(0.0, 1.0))
        }
    }
}

impl Quantity for Fraction {
    const NAME: &'static str = "Fraction";
    const UNIT: &'static str = "";
    fn value(self) -> f64 {
        self.0
    }
    fn check(self) -> Result<Self, UnitError> {
        Self::new(self.0)
    }
}

impl Mul for Fraction {
    type Output = Fraction;
    fn mul(self, rhs: Fraction) -> Fraction {
        Fraction(self.0 * rhs.0)
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        write!(f, "{:.*}%", p, self.0 * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn constructors_reject_nan_inf_negative() {
        assert!(matches!(Usd::new(f64::NAN), Err(UnitError::NaN { .. })));
        assert!(matches!(
            Hours::new(f64::INFINITY),
            Err(UnitError::Infinite { .. })
        ));
        assert!(matches!(Watts::new(-1.0), Err(UnitError::Negative { .. })));
        assert!(matches!(
            Fraction::new(1.5),
            Err(UnitError::OutOfRange { .. })
        ));
        assert!(Fraction::new(f64::NAN).is_err());
        assert_eq!(Fraction::new(0.15).map(Fraction::get), Ok(0.15));
        assert!(Tokens::new(0.0).is_ok());
    }

    #[test]
    fn dimensions_multiply_and_divide() -> Result<(), UnitError> {
        // DeepSeek-V3: 2,788K GPU-hours at $2/h is $5.576M (domain.md §3.1).
        let cost = UsdPerHour::new(2.0)? * Hours::new(2_788_000.0)?;
        assert_relative_eq!(cost.get(), 5_576_000.0);
        assert_relative_eq!((cost / Hours::new(2_788_000.0)?).get(), 2.0);
        assert_relative_eq!((cost / UsdPerHour::new(2.0)?).get(), 2_788_000.0);
        // 1 PFLOP/s for an hour
        let work = FlopsPerSec::from_tera(1000.0) * Hours::new(1.0)?.to_seconds();
        assert_relative_eq!(work.get(), 3.6e18);
        assert_relative_eq!(
            work.time_at(FlopsPerSec::from_tera(1000.0))
                .map(Seconds::get)
                .unwrap_or(0.0),
            3600.0
        );
        // 700 W for 1000 h is 700 kWh; at $0.08/kWh, $56.
        let e = Watts::new(700.0)? * Hours::new(1000.0)?;
        assert_relative_eq!(e.get(), 700.0);
        assert_relative_eq!((e * UsdPerKwh::new(0.08)?).get(), 56.0);
        Ok(())
    }

    #[test]
    fn serde_is_transparent() -> Result<(), Box<dyn std::error::Error>> {
        let json = serde_json::to_string(&UsdPerHour::new(2.5)?)?;
        assert_eq!(json, "2.5");
        let back: UsdPerHour = serde_json::from_str(&json)?;
        assert_eq!(back, UsdPerHour::new(2.5)?);
        let f: Fraction = serde_json::from_str("0.25")?;
        assert_relative_eq!(f.get(), 0.25);
        Ok(())
    }

    #[test]
    fn subtraction_saturates_and_ratios_are_plain() -> Result<(), UnitError> {
        assert_eq!(Hours::new(1.0)? - Hours::new(3.0)?, Hours::ZERO);
        assert_relative_eq!(Usd::new(3.0)? / Usd::new(4.0)?, 0.75);
        assert_relative_eq!(Hours::from_days(2.0).get(), 48.0);
        assert_relative_eq!(Bytes::from_gib(1.0).get(), 1_073_741_824.0);
        Ok(())
    }
}
