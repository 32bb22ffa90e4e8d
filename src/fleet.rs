//! The fleet: pools of identical accelerators that a plan may use.
//!
//! A [`Pool`] is a number of devices of one catalogue accelerator at one site,
//! held one way: [`Ownership::Owned`] (already in the data centre; capital cost
//! sunk or amortised), [`Ownership::Rentable`] (by the device-hour, up to a
//! limit) or [`Ownership::Purchasable`] (bought at a unit price, arriving after
//! a lead time, up to a limit). Export rules bind purchases and rentals; owned
//! devices stay usable unless a rule says otherwise (see [`crate::policy`]).
//!
//! Device counts are [`Count`]s: they deserialise from any number so that a
//! negative, fractional or NaN count reaches [`crate::scenario::Scenario::validate`]
//! and is reported with its path instead of aborting the parse.
//!
//! ```
//! use fleetplan::fleet::{Count, Ownership, Pool, SoftwareStack};
//! use fleetplan::units::Usd;
//!
//! let owned = Pool::owned("h800-owned", "H800", 10_000);
//! let buy = Pool::new("ascend-buy", "Ascend 910C", Ownership::purchasable(Usd::from_raw(28_600.0)))
//!     .with_software(SoftwareStack::Cann);
//! assert_eq!(owned.count.and_then(Count::get), Some(10_000));
//! assert!(buy.ownership.is_purchasable());
//! ```

use crate::catalog::{Country, string_enum};
use crate::units::{Date, Days, Fraction, Hours, Seconds, Usd, UsdPerHour, UsdPerKwh, Years};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A whole number of things (devices, layers, tokens of context), as written
/// in a file.
///
/// `Count` keeps the number exactly as given, even when it is not a valid
/// count (negative, fractional, NaN, huge), so that validation can say which
/// field is wrong; [`Count::get`] returns the count only when it is one.
/// It is written to files as an integer when it is one.
///
/// ```
/// use fleetplan::fleet::Count;
///
/// assert_eq!(Count::new(8).get(), Some(8));
/// assert_eq!(Count::from_raw(2.5).get(), None);
/// assert_eq!(Count::from_raw(-1.0).get(), None);
/// let c: Count = serde_json::from_str("10000")?;
/// assert_eq!(c.get(), Some(10_000));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Count(f64);

impl Count {
    /// Zero.
    pub const ZERO: Count = Count(0.0);
    /// The largest valid count, 10^15 (below 2^53, so every valid count is
    /// exact in an `f64`).
    pub const MAX: u64 = 1_000_000_000_000_000;

    /// The count `n`. Counts above [`Count::MAX`] are kept but are not valid.
    #[must_use]
    pub fn new(n: u64) -> Count {
        // Exact up to 2^53; larger values are invalid counts anyway.
        Count(n as f64)
    }

    /// Keeps any number as given; validation decides whether it is a count.
    #[must_use]
    pub const fn from_raw(value: f64) -> Count {
        Count(value)
    }

    /// The number as given.
    #[must_use]
    pub const fn raw(self) -> f64 {
        self.0
    }

    /// The count, when the number is a finite non-negative integer no larger
    /// than [`Count::MAX`].
    #[must_use]
    pub fn get(self) -> Option<u64> {
        self.check().ok()
    }

    /// The count, or what is wrong with the number.
    ///
    /// # Errors
    /// The [`CountError`] describing the first violated condition.
    pub fn check(self) -> Result<u64, CountError> {
        let v = self.0;
        if v.is_nan() {
            Err(CountError::NaN)
        } else if v.is_infinite() {
            Err(CountError::Infinite)
        } else if v < 0.0 {
            Err(CountError::Negative)
        } else if v.fract() != 0.0 {
            Err(CountError::NotInteger)
        } else if v > Count::MAX as f64 {
            Err(CountError::TooLarge)
        } else {
            // A whole number in [0, 1e15]: the cast is exact.
            Ok(v as u64)
        }
    }
}

/// Why a number is not a [`Count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CountError {
    /// NaN.
    #[error("is NaN")]
    NaN,
    /// Infinite.
    #[error("is infinite")]
    Infinite,
    /// Below zero.
    #[error("is negative")]
    Negative,
    /// Has a fractional part.
    #[error("is not a whole number")]
    NotInteger,
    /// Above [`Count::MAX`].
    #[error("is larger than 10^15")]
    TooLarge,
}

impl fmt::Debug for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(n) => write!(f, "Count({n})"),
            None => write!(f, "Count(invalid {})", self.0),
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<u64> for Count {
    fn from(n: u64) -> Count {
        Count::new(n)
    }
}

/// So that a plain literal (`set_pool_count(pool, 4096)`) is a count; a
/// negative number is kept, and refused where it is used.
impl From<i32> for Count {
    fn from(n: i32) -> Count {
        Count(f64::from(n))
    }
}

impl From<u32> for Count {
    fn from(n: u32) -> Count {
        Count(f64::from(n))
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.get() {
            Some(n) => s.serialize_u64(n),
            None => s.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Count, E> {
                Ok(Count::new(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Count, E> {
                // Negative values are kept for validation to report.
                Ok(Count(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Count, E> {
                Ok(Count(v))
            }
        }
        d.deserialize_f64(V)
    }
}

string_enum! {
    /// The software stack a pool runs (compilers, collective libraries,
    /// kernels). Immature stacks can be modelled with lower MFU or MTBF
    /// overrides on the pool.
    ///
    /// Written as `"cuda"`, `"cann"`, `"rocm"` or `"other"`; the default is
    /// the accelerator vendor's own stack.
    pub enum SoftwareStack {
        /// NVIDIA CUDA (cuBLAS, NCCL).
        Cuda = "cuda",
        /// Huawei CANN (Compute Architecture for Neural Networks, HCCL).
        Cann = "cann",
        /// AMD ROCm (rocBLAS, RCCL).
        Rocm = "rocm",
        /// Anything else (a porting layer, an in-house stack).
        Other = "other",
    }
}

impl SoftwareStack {
    /// The vendor's own stack for a vendor name (case-insensitive); `Other`
    /// for vendors we do not know.
    #[must_use]
    pub fn native_for_vendor(vendor: &str) -> SoftwareStack {
        let v = vendor.to_ascii_lowercase();
        if v.contains("nvidia") {
            SoftwareStack::Cuda
        } else if v.contains("huawei") || v.contains("hisilicon") {
            SoftwareStack::Cann
        } else if v.contains("amd") {
            SoftwareStack::Rocm
        } else {
            SoftwareStack::Other
        }
    }
}

/// How a pool's devices are held, and what that costs.
///
/// Written as a table with a `kind` key:
/// `{ kind = "owned", sunk = true }`,
/// `{ kind = "rentable", usd_per_hour = 2.0, max = 4096 }`,
/// `{ kind = "purchasable", unit_price_usd = 28600, max = 70000, lead_time_days = 90 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Ownership {
    /// Devices already held: [`Pool::count`] of them.
    Owned {
        /// `true` (the default) when the purchase is sunk cost and only
        /// running costs count; `false` to amortise `unit_price_usd` over
        /// `depreciation_days`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sunk: Option<bool>,
        /// What one device cost (amortised when `sunk = false`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_price_usd: Option<Usd>,
        /// Depreciation period (e.g. 1826.25 days for five years).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        depreciation_days: Option<Days>,
    },
    /// Devices rented by the device-hour.
    Rentable {
        /// Price per device-hour.
        usd_per_hour: UsdPerHour,
        /// Most devices that can be rented at once; unlimited when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Count>,
    },
    /// Devices that can be bought.
    Purchasable {
        /// Price of one device (with its share of the server, if the
        /// source's figure includes it).
        unit_price_usd: Usd,
        /// Most devices that can be bought over the horizon; unlimited when
        /// absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Count>,
        /// Days from order to use; zero when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lead_time_days: Option<Days>,
        /// Devices are bought in multiples of this (e.g. whole 8-device
        /// servers); the pool's node size when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        granularity: Option<Count>,
    },
}

impl Ownership {
    /// Owned, with the purchase treated as sunk cost.
    #[must_use]
    pub fn owned_sunk() -> Ownership {
        Ownership::Owned {
            sunk: Some(true),
            unit_price_usd: None,
            depreciation_days: None,
        }
    }

    /// Owned, with `unit_price` amortised over `depreciation`.
    #[must_use]
    pub fn owned_amortised(unit_price: Usd, depreciation: Days) -> Ownership {
        Ownership::Owned {
            sunk: Some(false),
            unit_price_usd: Some(unit_price),
            depreciation_days: Some(depreciation),
        }
    }

    /// Rentable at `usd_per_hour`, without a limit: a [`Rentable`], whose
    /// [`Rentable::with_max`] sets one. Use it where an [`Ownership`] is
    /// expected (`Pool::new` takes `impl Into<Ownership>`), or call `.into()`.
    ///
    /// ```
    /// use fleetplan::fleet::{Ownership, Pool};
    /// use fleetplan::units::UsdPerHour;
    /// let pool = Pool::new(
    ///     "h100-rented",
    ///     "H100",
    ///     Ownership::rentable(UsdPerHour::new(2.35)?).with_max(4096),
    /// );
    /// assert!(pool.ownership.is_rentable());
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    pub fn rentable(usd_per_hour: UsdPerHour) -> Rentable {
        Rentable {
            usd_per_hour,
            max: None,
        }
    }

    /// Purchasable at `unit_price`, without a limit or lead time: a
    /// [`Purchasable`], whose builder methods set those.
    ///
    /// Owned pools have no limit to set: their size is [`Pool::count`], and
    /// `with_max` does not exist on them.
    ///
    /// ```compile_fail
    /// use fleetplan::fleet::Ownership;
    /// let o = Ownership::owned_sunk().with_max(4096); // no such method
    /// ```
    pub fn purchasable(unit_price: Usd) -> Purchasable {
        Purchasable {
            unit_price_usd: unit_price,
            max: None,
            lead_time_days: None,
            granularity: None,
        }
    }

    /// The variant's name as written in files (`"owned"`, `"rentable"`,
    /// `"purchasable"`).
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self {
            Ownership::Owned { .. } => "owned",
            Ownership::Rentable { .. } => "rentable",
            Ownership::Purchasable { .. } => "purchasable",
        }
    }

    /// `true` for owned devices.
    #[must_use]
    pub fn is_owned(&self) -> bool {
        matches!(self, Ownership::Owned { .. })
    }

    /// `true` for rentable devices.
    #[must_use]
    pub fn is_rentable(&self) -> bool {
        matches!(self, Ownership::Rentable { .. })
    }

    /// `true` for purchasable devices.
    #[must_use]
    pub fn is_purchasable(&self) -> bool {
        matches!(self, Ownership::Purchasable { .. })
    }

    /// Names accepted for `kind`.
    pub const KIND_NAMES: &'static [&'static str] = &["owned", "rentable", "purchasable"];
}

/// The terms of a rentable pool, built by [`Ownership::rentable`]. Only the
/// terms that apply to renting can be set, so a device limit cannot be put
/// on an owned pool (whose size is [`Pool::count`]) by mistake.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Rentable {
    usd_per_hour: UsdPerHour,
    max: Option<Count>,
}

impl Rentable {
    /// The most devices that can be rented at once (`with_max(4096)`).
    pub fn with_max(mut self, limit: impl Into<Count>) -> Rentable {
        self.max = Some(limit.into());
        self
    }
}

impl From<Rentable> for Ownership {
    fn from(r: Rentable) -> Ownership {
        Ownership::Rentable {
            usd_per_hour: r.usd_per_hour,
            max: r.max,
        }
    }
}

/// The terms of a purchasable pool, built by [`Ownership::purchasable`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Purchasable {
    unit_price_usd: Usd,
    max: Option<Count>,
    lead_time_days: Option<Days>,
    granularity: Option<Count>,
}

impl Purchasable {
    /// The most devices that can be bought over the horizon.
    pub fn with_max(mut self, limit: impl Into<Count>) -> Purchasable {
        self.max = Some(limit.into());
        self
    }

    /// Days from order to use.
    pub fn with_lead_time(mut self, days: Days) -> Purchasable {
        self.lead_time_days = Some(days);
        self
    }

    /// Devices are bought in multiples of this (e.g. 8 for whole servers).
    pub fn with_granularity(mut self, devices: impl Into<Count>) -> Purchasable {
        self.granularity = Some(devices.into());
        self
    }
}

impl From<Purchasable> for Ownership {
    fn from(p: Purchasable) -> Ownership {
        Ownership::Purchasable {
            unit_price_usd: p.unit_price_usd,
            max: p.max,
            lead_time_days: p.lead_time_days,
            granularity: p.granularity,
        }
    }
}

/// Model-FLOPs-utilisation overrides, per phase kind, for one pool.
///
/// Each is achieved model FLOP/s divided by the accelerator's dense peak at
/// the precision the phase runs at on this pool (its `precision`, or its
/// `fallback_precision` where the device lacks the first), in `(0, 1]`.
/// Mind the reference: DeepSeek's published 38.94% on the H800 is relative
/// to the *BF16* peak although its GEMMs ran in FP8, i.e. 19.5% of the FP8
/// peak (385 / 1979). Absent values fall back to the performance model's
/// sourced defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MfuOverrides {
    /// MFU for pre-training phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretraining: Option<Fraction>,
    /// MFU for post-training phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posttraining: Option<Fraction>,
    /// Compute efficiency for inference (prefill) phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<Fraction>,
}

impl MfuOverrides {
    /// `true` when no override is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pretraining.is_none() && self.posttraining.is_none() && self.inference.is_none()
    }

    /// The override for a phase kind, if any.
    #[must_use]
    pub fn get(&self, kind: crate::workload::PhaseKind) -> Option<Fraction> {
        use crate::workload::PhaseKind;
        match kind {
            PhaseKind::Pretraining => self.pretraining,
            PhaseKind::Posttraining => self.posttraining,
            PhaseKind::Inference => self.inference,
        }
    }
}

/// One step of a supplier's delivery schedule (see [`Pool::deliveries`]):
/// from `from` on, at most `max_per_period` devices arrive in each period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Delivery {
    /// First day of the step.
    pub from: Date,
    /// Most devices arriving in one period (`period_days`) from then on;
    /// 0 halts supply.
    pub max_per_period: Count,
}

impl Delivery {
    /// From `from` on, at most `max_per_period` devices a period.
    #[must_use]
    pub fn new(from: Date, max_per_period: impl Into<Count>) -> Delivery {
        Delivery {
            from,
            max_per_period: max_per_period.into(),
        }
    }
}

/// A pool of identical accelerators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Pool {
    /// Unique name, used in reports and references.
    pub name: String,
    /// Catalogue name or alias of the accelerator (e.g. `"H800"`,
    /// `"Ascend 910C"`), built-in or added under `[[accelerators]]`.
    pub accelerator: String,
    /// Devices held, for owned pools (required there; not allowed for
    /// rentable and purchasable pools, whose limit is `ownership.max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Count>,
    /// How the devices are held.
    pub ownership: Ownership,
    /// Jurisdiction where the devices run (and are bought); the scenario's
    /// jurisdiction when absent. Export rules match on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Country>,
    /// Fraction of device-time usable (maintenance, spares), in `(0, 1]`;
    /// 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Fraction>,
    /// Software stack; the vendor's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<SoftwareStack>,
    /// Devices per node (server); the catalogue's node size when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_size: Option<Count>,
    /// MFU overrides per phase kind.
    #[serde(default, skip_serializing_if = "MfuOverrides::is_empty")]
    pub mfu: MfuOverrides,
    /// Mean time between failures of one device (interruptions of a job
    /// using it); the performance model's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf_hours: Option<Hours>,
    /// Time to write one checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_write_s: Option<Seconds>,
    /// Time to restart a job after a failure (detect, reschedule, reload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_s: Option<Seconds>,
    /// Electricity price at this site, overriding the budget's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_usd_per_kwh: Option<UsdPerKwh>,
    /// First day the devices can be ordered (purchasable pools), rented
    /// (rentable) or used; the catalogue's `available_from` when absent
    /// (none when the catalogue has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_from: Option<Date>,
    /// Purchasable pools: the supplier's delivery schedule, in date order;
    /// each step caps the devices arriving in each period (`period_days`)
    /// from its date until the next step. Nothing arrives before the first
    /// step. Unlimited (up to `ownership.max`) when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<Delivery>,
    /// Purchasable pools: the devices' economic life, over which the
    /// purchase is depreciated straight-line (`[economics] capex =
    /// "depreciated"`); 5 years when absent (`cost::DEFAULT_LIFE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_years: Option<Years>,
    /// Purchasable pools: the fraction of the price the devices are worth
    /// at the end of their life, in `[0, 1]`; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_fraction: Option<Fraction>,
    /// Free text: where the figures come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Pool {
    /// A pool with only the required fields set.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        accelerator: impl Into<String>,
        ownership: impl Into<Ownership>,
    ) -> Pool {
        Pool {
            name: name.into(),
            accelerator: accelerator.into(),
            count: None,
            ownership: ownership.into(),
            site: None,
            availability: None,
            software: None,
            node_size: None,
            mfu: MfuOverrides::default(),
            mtbf_hours: None,
            checkpoint_write_s: None,
            restart_s: None,
            energy_usd_per_kwh: None,
            available_from: None,
            deliveries: Vec::new(),
            life_years: None,
            residual_fraction: None,
            note: None,
        }
    }

    /// An owned pool of `count` devices whose purchase is sunk cost
    /// (`Pool::owned("h800", "H800", 2048)`).
    #[must_use]
    pub fn owned(
        name: impl Into<String>,
        accelerator: impl Into<String>,
        count: impl Into<Count>,
    ) -> Pool {
        let mut p = Pool::new(name, accelerator, Ownership::owned_sunk());
        p.count = Some(count.into());
        p
    }

    /// An owned pool of `count` devices whose `unit_price` is amortised over
    /// `depreciation`.
    #[must_use]
    pub fn owned_amortised(
        name: impl Into<String>,
        accelerator: impl Into<String>,
        count: impl Into<Count>,
        unit_price: Usd,
        depreciation: Days,
    ) -> Pool {
        let mut p = Pool::new(
            name,
            accelerator,
            Ownership::owned_amortised(unit_price, depreciation),
        );
        p.count = Some(count.into());
        p
    }

    /// Sets the devices per node (server).
    #[must_use]
    pub fn with_node_size(mut self, devices: impl Into<Count>) -> Pool {
        self.node_size = Some(devices.into());
        self
    }

    /// Sets the checkpoint write and restart times of a failure.
    #[must_use]
    pub fn with_checkpointing(mut self, write: Seconds, restart: Seconds) -> Pool {
        self.checkpoint_write_s = Some(write);
        self.restart_s = Some(restart);
        self
    }

    /// Sets the site's electricity price, overriding the budget's.
    #[must_use]
    pub fn with_energy_price(mut self, price: UsdPerKwh) -> Pool {
        self.energy_usd_per_kwh = Some(price);
        self
    }

    /// Sets the free-text note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Pool {
        self.note = Some(note.into());
        self
    }

    /// Sets the first day the devices can be ordered, rented or used.
    #[must_use]
    pub fn with_available_from(mut self, date: Date) -> Pool {
        self.available_from = Some(date);
        self
    }

    /// Adds a step to the delivery schedule (purchasable pools).
    #[must_use]
    pub fn with_delivery(mut self, step: Delivery) -> Pool {
        self.deliveries.push(step);
        self
    }

    /// Sets the economic life and the residual value (purchasable pools).
    #[must_use]
    pub fn with_life(mut self, life: Years, residual: Fraction) -> Pool {
        self.life_years = Some(life);
        self.residual_fraction = Some(residual);
        self
    }

    /// Sets the site jurisdiction.
    #[must_use]
    pub fn with_site(mut self, site: Country) -> Pool {
        self.site = Some(site);
        self
    }

    /// Sets the software stack.
    #[must_use]
    pub fn with_software(mut self, software: SoftwareStack) -> Pool {
        self.software = Some(software);
        self
    }

    /// Sets the availability.
    #[must_use]
    pub fn with_availability(mut self, availability: Fraction) -> Pool {
        self.availability = Some(availability);
        self
    }

    /// Sets the per-device MTBF.
    #[must_use]
    pub fn with_mtbf(mut self, mtbf: Hours) -> Pool {
        self.mtbf_hours = Some(mtbf);
        self
    }

    /// Sets the MFU overrides.
    #[must_use]
    pub fn with_mfu(mut self, mfu: MfuOverrides) -> Pool {
        self.mfu = mfu;
        self
    }
}

impl MfuOverrides {
    /// Sets the pre-training MFU.
    #[must_use]
    pub fn with_pretraining(mut self, f: Fraction) -> Self {
        self.pretraining = Some(f);
        self
    }
    /// Sets the post-training MFU.
    #[must_use]
    pub fn with_posttraining(mut self, f: Fraction) -> Self {
        self.posttraining = Some(f);
        self
    }
    /// Sets the inference efficiency.
    #[must_use]
    pub fn with_inference(mut self, f: Fraction) -> Self {
        self.inference = Some(f);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_keeps_bad_numbers_for_validation() {
        assert_eq!(Count::new(0).get(), Some(0));
        assert_eq!(Count::from_raw(-0.0).get(), Some(0));
        assert_eq!(Count::from_raw(1e15).get(), Some(Count::MAX));
        assert_eq!(
            Count::from_raw(1e15 + 2.0).check(),
            Err(CountError::TooLarge)
        );
        assert_eq!(Count::from_raw(f64::NAN).check(), Err(CountError::NaN));
        assert_eq!(
            Count::from_raw(f64::INFINITY).check(),
            Err(CountError::Infinite)
        );
        assert_eq!(Count::from_raw(-3.0).check(), Err(CountError::Negative));
        assert_eq!(Count::from_raw(0.5).check(), Err(CountError::NotInteger));
    }

    #[test]
    fn count_serde_accepts_any_number_and_writes_integers() -> Result<(), Box<dyn std::error::Error>>
    {
        #[derive(Serialize, Deserialize)]
        struct T {
            c: Count,
        }
        for (text, raw) in [
            ("c = 10_000", 10_000.0),
            ("c = -5", -5.0),
            ("c = 2.5", 2.5),
            ("c = nan", f64::NAN),
        ] {
            let t: T = toml::from_str(text)?;
            assert!(
                (t.c.raw() - raw).abs() < 1e-12 || (raw.is_nan() && t.c.raw().is_nan()),
                "{text}"
            );
        }
        assert_eq!(toml::to_string(&T { c: Count::new(8) })?.trim(), "c = 8");
        assert_eq!(
            toml::to_string(&T {
                c: Count::from_raw(2.5)
            })?
            .trim(),
            "c = 2.5"
        );
        assert_eq!(serde_json::to_string(&Count::new(384))?, "384");
        assert!(serde_json::from_str::<Count>("\"8\"").is_err());
        Ok(())
    }

    #[test]
    fn ownership_is_tagged_by_kind() -> Result<(), Box<dyn std::error::Error>> {
        #[derive(Deserialize)]
        struct T {
            o: Ownership,
        }
        let t: T = toml::from_str(
            r#"o = { kind = "purchasable", unit_price_usd = 28_600, max = 70_000, lead_time_days = 90 }"#,
        )?;
        assert!(t.o.is_purchasable());
        let bad = toml::from_str::<T>(r#"o = { kind = "owned", prize = 1 }"#);
        assert!(bad.is_err());
        assert_eq!(
            SoftwareStack::native_for_vendor("Huawei (HiSilicon)"),
            SoftwareStack::Cann
        );
        assert_eq!(
            SoftwareStack::native_for_vendor("NVIDIA"),
            SoftwareStack::Cuda
        );
        Ok(())
    }
}
