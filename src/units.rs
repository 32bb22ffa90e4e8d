//! Physical and monetary quantities as types.
//!
//! Every quantity that crosses the public API is one of these newtypes, never a
//! bare `f64`: a price per device-hour cannot be added to a price, FLOP/s times
//! seconds is FLOPs, and `UsdPerHour * Hours` is `Usd`. Arithmetic exists only
//! where the dimensions agree.
//!
//! # Construction and validation
//!
//! `new` rejects NaN, infinities and negative values, with a [`UnitError`]
//! that names the quantity: every quantity type here is an amount that cannot
//! be below zero. Subtraction of two quantities (`a - b`) therefore
//! *saturates* at zero: `$1 - $2 = $0`.
//!
//! A difference of money that may be negative (a saving, a change in cost
//! between two plans) is a [`UsdDelta`], made by [`Usd::signed_sub`]:
//! `Usd(1).signed_sub(Usd(2))` is `-$1`. It is signed, finite, and serialises
//! as a bare number like the other quantities.
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

            /// Makes the quantity from a value without checking it (a
            /// literal, or the result of arithmetic on checked quantities).
            /// Any `f64` is kept as given, as deserialisation keeps it, and
            /// never panics: [`Quantity::check`] or
            /// [`Scenario::validate`](crate::scenario::Scenario::validate)
            /// reports a NaN, infinite, negative or out-of-range value.
            #[must_use]
            pub const fn from_raw(value: f64) -> Self {
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
    /// A data-transfer price, US dollars per SI gigabyte (1e9 bytes).
    UsdPerGb, "USD/GB"
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

    /// `self - other` as a signed difference: negative when `other` is
    /// larger (`$1.signed_sub($2)` is `-$1`), unlike `-`, which saturates.
    ///
    /// ```
    /// use fleetplan::units::{Usd, UsdDelta};
    /// let (one, two) = (Usd::from_raw(1.0), Usd::from_raw(2.0));
    /// assert_eq!(one - two, Usd::ZERO); // amounts cannot be negative
    /// let d: UsdDelta = one.signed_sub(two);
    /// assert_eq!(d.get(), -1.0);
    /// assert!(d.is_negative());
    /// assert_eq!(d.abs(), Usd::from_raw(1.0));
    /// ```
    #[must_use]
    pub fn signed_sub(self, other: Usd) -> UsdDelta {
        UsdDelta(self.0 - other.0)
    }
}

/// A signed difference of money in US dollars: a saving, or the change in
/// cost between two plans. Made by [`Usd::signed_sub`] or [`UsdDelta::new`];
/// serialises as a bare number. Unlike [`Usd`], it may be negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UsdDelta(f64);

impl UsdDelta {
    /// No difference.
    pub const ZERO: Self = Self(0.0);

    /// A signed difference in dollars.
    ///
    /// # Errors
    /// [`UnitError`] if `value` is NaN or infinite (negative is allowed).
    pub fn new(value: f64) -> Result<Self, UnitError> {
        if value.is_nan() {
            Err(UnitError::NaN {
                quantity: "UsdDelta",
            })
        } else if value.is_infinite() {
            Err(UnitError::Infinite {
                quantity: "UsdDelta",
                value,
            })
        } else {
            Ok(Self(value))
        }
    }

    /// The difference in dollars (negative: a saving).
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }

    /// `true` when below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0 < 0.0
    }

    /// The size of the difference, as an amount.
    #[must_use]
    pub fn abs(self) -> Usd {
        Usd(self.0.abs())
    }

    /// The difference if it is not negative, else `None`.
    #[must_use]
    pub fn to_usd(self) -> Option<Usd> {
        (self.0 >= 0.0).then_some(Usd(self.0))
    }
}

impl Quantity for UsdDelta {
    const NAME: &'static str = "UsdDelta";
    const UNIT: &'static str = "USD";
    fn value(self) -> f64 {
        self.0
    }
    fn check(self) -> Result<Self, UnitError> {
        Self::new(self.0)
    }
}

impl fmt::Display for UsdDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = f.precision() {
            write!(f, "{:.*} USD", p, self.0)
        } else {
            write!(f, "{} USD", self.0)
        }
    }
}

impl Add for UsdDelta {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0 + rhs.0)
    }
}

/// Subtraction of differences does not saturate.
impl Sub for UsdDelta {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0 - rhs.0)
    }
}

impl std::ops::Neg for UsdDelta {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

/// An amount moved by a difference; the result saturates at zero.
impl Add<UsdDelta> for Usd {
    type Output = Usd;
    fn add(self, rhs: UsdDelta) -> Usd {
        Usd((self.0 + rhs.0).max(0.0))
    }
}

impl From<Usd> for UsdDelta {
    fn from(u: Usd) -> Self {
        Self(u.0)
    }
}

impl Sum for UsdDelta {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Self(iter.map(|q| q.0).sum())
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

    /// Makes a fraction from a value without checking it (see the
    /// quantities' `from_raw`: any `f64` is kept and never panics;
    /// [`Fraction::new`] or validation rejects one outside `[0, 1]`).
    #[must_use]
    pub const fn from_raw(value: f64) -> Self {
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

quantity!(
    /// A duration in days (calendar offsets in a scenario: horizon, deadlines,
    /// lead times). Fractional days are allowed.
    Days, "d"
);

quantity!(
    /// A duration in years of 365.25 days (asset lives).
    Years, "yr"
);

quantity!(
    /// A number of devices that need not be whole: a fractional plan's
    /// devices, the peak devices of an assignment.
    Devices, "devices"
);

/// A signed difference of days: how much later (positive) or earlier
/// (negative) something happens than in another plan. Serialises as a bare
/// number; unlike [`Days`], it may be negative.
///
/// ```
/// use fleetplan::units::DaysDelta;
///
/// let d = DaysDelta::new(-2.5)?;
/// assert!(d.is_negative());
/// assert_eq!(d.abs().get(), 2.5);
/// assert_eq!(serde_json::to_string(&d).unwrap(), "-2.5");
/// # Ok::<(), fleetplan::units::UnitError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DaysDelta(f64);

impl DaysDelta {
    /// No difference.
    pub const ZERO: Self = Self(0.0);

    /// A signed difference in days.
    ///
    /// # Errors
    /// [`UnitError`] if `value` is NaN or infinite (negative is allowed).
    pub fn new(value: f64) -> Result<Self, UnitError> {
        if value.is_nan() {
            Err(UnitError::NaN {
                quantity: "DaysDelta",
            })
        } else if value.is_infinite() {
            Err(UnitError::Infinite {
                quantity: "DaysDelta",
                value,
            })
        } else {
            Ok(Self(value))
        }
    }

    /// The difference in days (negative: earlier).
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }

    /// `true` when below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0 < 0.0
    }

    /// The size of the difference, as a duration.
    #[must_use]
    pub fn abs(self) -> Days {
        Days(self.0.abs())
    }
}

impl Quantity for DaysDelta {
    const NAME: &'static str = "DaysDelta";
    const UNIT: &'static str = "d";
    fn value(self) -> f64 {
        self.0
    }
    fn check(self) -> Result<Self, UnitError> {
        Self::new(self.0)
    }
}

impl fmt::Display for DaysDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = f.precision() {
            write!(f, "{:.*} d", p, self.0)
        } else {
            write!(f, "{} d", self.0)
        }
    }
}

impl Years {
    /// The duration in hours.
    #[must_use]
    pub fn to_hours(self) -> Hours {
        Hours(self.0 * 365.25 * 24.0)
    }
}

impl Days {
    /// The duration in hours.
    #[must_use]
    pub fn to_hours(self) -> Hours {
        Hours(self.0 * 24.0)
    }
}

impl Hours {
    /// The duration in days, as a [`Days`] quantity.
    #[must_use]
    pub fn to_days(self) -> Days {
        Days(self.0 / 24.0)
    }
}

/// A date was malformed or outside the supported range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The text was not of the form `YYYY-MM-DD`.
    #[error("'{text}' is not a date of the form YYYY-MM-DD")]
    Format {
        /// The offending text (truncated to 40 characters).
        text: String,
    },
    /// The fields do not name a calendar day (month 13, 31 April, 29 February
    /// of a common year) or the year is outside 1..=9999.
    #[error("{year:04}-{month:02}-{day:02} is not a calendar date (years 0001-9999)")]
    NotADay {
        /// Year as given.
        year: i64,
        /// Month as given.
        month: u32,
        /// Day as given.
        day: u32,
    },
}

/// A civil (proleptic Gregorian) calendar date, `YYYY-MM-DD`, years 1 to 9999.
///
/// Scenario dates (the plan's start, the dates export rules take effect) are
/// whole days with no time zone: a rule "from 2023-10-17" is in force on that
/// day everywhere. `Date` is `Copy`, totally ordered, and does day arithmetic;
/// it is written in files as the string `"2025-08-15"` (TOML's unquoted
/// local dates, `start = 2025-08-15`, are accepted on input too).
///
/// ```
/// use fleetplan::units::Date;
///
/// let start: Date = "2025-08-15".parse()?;
/// let end = start.checked_add_days(180).expect("in range");
/// assert_eq!(end.to_string(), "2026-02-11");
/// assert_eq!(end.days_since(start), 180);
/// assert!("2025-02-29".parse::<Date>().is_err()); // 2025 is a common year
/// # Ok::<(), fleetplan::units::DateError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

// Days from 1970-01-01 to a civil date, and back: Howard Hinnant's
// `days_from_civil` / `civil_from_days` (public-domain algorithms, exact for
// the proleptic Gregorian calendar).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// 0001-01-01, the earliest date.
    pub const MIN: Date = Date {
        days: days_from_civil(1, 1, 1) as i32,
    };
    /// 9999-12-31, the latest date.
    pub const MAX: Date = Date {
        days: days_from_civil(9999, 12, 31) as i32,
    };

    /// The date `year-month-day`.
    ///
    /// # Errors
    /// [`DateError::NotADay`] if the fields do not name a calendar day in
    /// years 1 to 9999.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return Err(DateError::NotADay {
                year: y,
                month,
                day,
            });
        }
        // In range by the checks above: |days| < 3_000_000 fits an i32.
        let days = i32::try_from(days_from_civil(y, m, d)).map_err(|_| DateError::NotADay {
            year: y,
            month,
            day,
        })?;
        Ok(Date { days })
    }

    fn from_days(days: i64) -> Option<Date> {
        let days = i32::try_from(days).ok()?;
        let d = Date { days };
        (Date::MIN..=Date::MAX).contains(&d).then_some(d)
    }

    fn civil(self) -> (i64, i64, i64) {
        civil_from_days(i64::from(self.days))
    }

    /// The year, 1 to 9999.
    #[must_use]
    pub fn year(self) -> i32 {
        // Always in 1..=9999 (checked at construction).
        i32::try_from(self.civil().0).unwrap_or(0)
    }

    /// The month, 1 to 12.
    #[must_use]
    pub fn month(self) -> u32 {
        u32::try_from(self.civil().1).unwrap_or(0)
    }

    /// The day of the month, 1 to 31.
    #[must_use]
    pub fn day(self) -> u32 {
        u32::try_from(self.civil().2).unwrap_or(0)
    }

    /// The date `n` days later (earlier when `n < 0`); `None` outside years
    /// 1 to 9999.
    #[must_use]
    pub fn checked_add_days(self, n: i64) -> Option<Date> {
        Date::from_days(i64::from(self.days).checked_add(n)?)
    }

    /// The date `offset` after `self`, counting whole days (the fraction is
    /// dropped: day 120.7 of a plan falls on the 120th day after its start);
    /// `None` if `offset` is not a valid quantity or the result is out of range.
    #[must_use]
    pub fn after(self, offset: Days) -> Option<Date> {
        let d = offset.check().ok()?.get().floor();
        if d > 4_000_000.0 {
            return None;
        }
        // d is a whole number in [0, 4e6]: the cast is exact.
        self.checked_add_days(d as i64)
    }

    /// Days from `earlier` to `self` (negative when `self` is earlier).
    #[must_use]
    pub fn days_since(self, earlier: Date) -> i64 {
        i64::from(self.days) - i64::from(earlier.days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    fn from_str(s: &str) -> Result<Date, DateError> {
        let format_err = || DateError::Format {
            text: s.chars().take(40).collect(),
        };
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(format_err());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(format_err());
        };
        let year = i32::try_from(y).map_err(|_| format_err())?;
        Date::new(year, m, d)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date \"YYYY-MM-DD\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            // TOML's native dates (`start = 2025-08-15`) reach serde as a map
            // with one private key whose value is the date's text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom(
                        "expected a date, found an empty table",
                    ));
                };
                if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(serde::de::Error::custom("expected a date, found a table"));
                }
                text.parse().map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
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
    fn money_differences_are_signed_amounts_saturate() -> Result<(), UnitError> {
        // $1 - $2: the amount saturates, the signed difference is -$1.
        let (one, two) = (Usd::new(1.0)?, Usd::new(2.0)?);
        assert_eq!(one - two, Usd::ZERO);
        let d = one.signed_sub(two);
        assert_relative_eq!(d.get(), -1.0);
        assert!(d.is_negative());
        assert_eq!(d.abs(), one);
        assert_eq!(d.to_usd(), None);
        assert_eq!((-d).to_usd(), Some(one));
        // Metamorphic: b + (a - b) = a whenever a >= b; a signed round trip
        // in the other direction saturates at zero, as documented.
        assert_eq!(one + two.signed_sub(one), two);
        assert_eq!(one + d, Usd::ZERO);
        // Antisymmetric, additive.
        assert_eq!(two.signed_sub(one), -one.signed_sub(two));
        assert_relative_eq!((d + UsdDelta::from(two) - UsdDelta::new(0.5)?).get(), 0.5);
        assert!(UsdDelta::new(f64::NAN).is_err());
        assert!(UsdDelta::new(f64::NEG_INFINITY).is_err());
        assert_eq!(UsdDelta::new(-3.0)?.check()?, UsdDelta::new(-3.0)?);
        assert_eq!(serde_json::to_string(&d).ok().as_deref(), Some("-1.0"));
        assert_eq!(format!("{:.2}", d), "-1.00 USD");
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

    #[test]
    fn dates_parse_print_order_and_count_days() -> Result<(), DateError> {
        let d: Date = "2025-08-15".parse()?;
        assert_eq!((d.year(), d.month(), d.day()), (2025, 8, 15));
        assert_eq!(d.to_string(), "2025-08-15");
        // Known day counts: 1970-01-01 is day 0; 2000-03-01 follows a leap day.
        assert_eq!(
            Date::new(1970, 1, 1)?.days_since(Date::new(1969, 12, 31)?),
            1
        );
        assert_eq!(
            Date::new(2000, 3, 1)?.days_since(Date::new(2000, 2, 28)?),
            2
        );
        assert_eq!(
            Date::new(1900, 3, 1)?.days_since(Date::new(1900, 2, 28)?),
            1
        );
        // H800 banned 2023-10-17; H20 levy 2025-08-11: 664 days apart.
        assert_eq!(
            Date::new(2025, 8, 11)?.days_since(Date::new(2023, 10, 17)?),
            664
        );
        assert!(Date::new(2023, 10, 17)? < Date::new(2025, 8, 11)?);
        assert_eq!(
            d.checked_add_days(-15).map(|x| x.to_string()),
            Some("2025-07-31".into())
        );
        assert_eq!(
            d.after(Days::new(0.9).map_err(|_| DateError::Format {
                text: String::new()
            })?),
            Some(d)
        );
        assert_eq!(Date::MAX.checked_add_days(1), None);
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "0000-01-01",
            "2025-8-15",
            "2025/08/15",
            "+025-08-15",
            "2025-08-1x",
            "",
            "2025-08-15T00:00:00",
            "२०२५-08-15",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2024-02-29".parse::<Date>().is_ok());
        Ok(())
    }

    #[test]
    fn date_round_trips_every_day_of_four_centuries() {
        let mut prev: Option<Date> = None;
        let mut d = Date::new(1900, 1, 1).ok();
        let mut n = 0;
        while let Some(day) = d {
            if day.year() >= 2300 {
                break;
            }
            let text = day.to_string();
            assert_eq!(text.parse::<Date>().ok(), Some(day));
            if let Some(p) = prev {
                assert_eq!(day.days_since(p), 1);
                assert!(p < day);
            }
            prev = Some(day);
            d = day.checked_add_days(1);
            n += 1;
        }
        // 400 Gregorian years are exactly 146,097 days.
        assert_eq!(n, 146_097);
    }

    #[test]
    fn date_serde_is_a_string_and_accepts_toml_dates() -> Result<(), Box<dyn std::error::Error>> {
        let d: Date = "2025-08-11".parse()?;
        assert_eq!(serde_json::to_string(&d)?, "\"2025-08-11\"");
        assert_eq!(serde_json::from_str::<Date>("\"2025-08-11\"")?, d);
        #[derive(Deserialize)]
        struct T {
            a: Date,
            b: Date,
        }
        let t: T = toml::from_str("a = 2025-08-11\nb = \"2025-08-11\"\n")?;
        assert_eq!((t.a, t.b), (d, d));
        assert!(toml::from_str::<T>("a = 2025-08-11T10:00:00\nb = \"2025-08-11\"\n").is_err());
        assert!(serde_json::from_str::<Date>("\"2025-02-30\"").is_err());
        assert!(serde_json::from_str::<Date>("20250811").is_err());
        Ok(())
    }
}
