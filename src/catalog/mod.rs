//! The accelerator catalogue: what each GPU/NPU can do, and how we know.
//!
//! Every figure of an [`Accelerator`] is a [`Sourced`] value: the number (or
//! `None` when no source gives it: unknown is never 0 and never a guess), the
//! URLs it comes from, a [`Confidence`] label and a note. Where sources
//! disagree, the entry picks one and its `notes` keep the others (the Ascend
//! 910C's dense BF16 peak is 780 TFLOP/s per SemiAnalysis, 752 per the
//! CloudMatrix paper and "800 FP16" per Huawei's keynote).
//!
//! [`Catalog::builtin`] holds A100, A800, H100, H800, H20, H200, B200, MI300X,
//! MI308X (every figure unknown), Ascend 910B, 910C, 950PR and 950DT, with
//! figures from the project's sourced reference data (embedded in Rust
//! source: nothing is read at run time). Scenarios add accelerators and
//! override single fields of built-in ones with an [`AcceleratorPatch`]
//! (`[[accelerators]]` in a scenario file), each override with its own
//! source and note.
//!
//! # Units
//!
//! Figures are stored in base units: FLOP/s (or OP/s for INT8), bytes, bytes
//! per second, watts, US dollars. Files use the same units (`989e12`, `80e9`);
//! [`Accelerator::figures`] gives display units (TFLOP/s, GB, TB/s, GB/s).
//!
//! # Precisions
//!
//! A dense peak is a [`Peak`]: a rate, or [`Peak::Unsupported`] when the
//! hardware is known to lack the format (FP8 on the A100 and on Ascend
//! 910B/910C). An unknown peak (`value = None`) is different from an
//! unsupported one, and [`Accelerator::support`] tells the three apart.
//!
//! # Scale-up domains
//!
//! `scale_up_domain` is the number of devices sharing the fast interconnect
//! (NVLink/NVSwitch, HCCS, Huawei's Unified Bus): 8 for HGX boards and the
//! H800 nodes DeepSeek describes, 8 for Ascend 910B servers (full mesh, no
//! switch), 8 for the Ascend 910C (an 8-NPU node, how it is sold and
//! bought), and **384 for the "CloudMatrix 384" entry**: the same chip in a
//! supernode on an all-to-all optical Unified Bus, its own catalogue entry
//! with its own node size (384, the purchase granularity) and price (unknown:
//! no supernode price is sourced). The serving figures the reference cites
//! come from that system.
//!
//! ```
//! use fleetplan::catalog::{Catalog, Precision, Support};
//!
//! let cat = Catalog::builtin();
//! let h800 = cat.get("H800 SXM5").expect("an alias of H800");
//! assert_eq!(h800.name, "H800");
//! assert_eq!(h800.origin.as_str(), "US");
//! match h800.support(Precision::Bf16) {
//!     Support::Dense(peak) => assert!((peak.tera() - 989.0).abs() < 1e-9),
//!     other => panic!("{other:?}"),
//! }
//! let c910 = cat.get("ascend 910c").expect("case-insensitive");
//! assert_eq!(c910.support(Precision::Fp8), Support::Unsupported);
//! assert!(c910.notes.iter().any(|n| n.contains("752")));
//! ```

mod builtin;
mod names;
mod table;

pub(crate) use names::string_enum;

use crate::error::{Error, Result};
use crate::fleet::Count;
use crate::scenario::{Issue, IssueCode, ValidationReport};
use crate::units::{Bytes, BytesPerSec, Date, FlopsPerSec, Quantity, Usd, UsdPerHour, Watts};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A name that is not one of an enum's allowed names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'; expected one of: {}", allowed.join(", "))]
pub struct UnknownName {
    what: &'static str,
    given: String,
    allowed: &'static [&'static str],
}

impl UnknownName {
    pub(crate) fn new(what: &'static str, given: &str, allowed: &'static [&'static str]) -> Self {
        UnknownName {
            what,
            given: given.chars().take(60).collect(),
            allowed,
        }
    }

    /// The allowed names.
    #[must_use]
    pub fn allowed(&self) -> &'static [&'static str] {
        self.allowed
    }
}

/// A jurisdiction: an ISO 3166-1 alpha-2 country code such as `"US"` or
/// `"CN"` (two upper-case ASCII letters), used for an accelerator's origin,
/// a pool's site and an export rule's destination.
///
/// ```
/// use fleetplan::catalog::Country;
///
/// let cn: Country = "CN".parse()?;
/// assert_eq!(cn, Country::CN);
/// assert!("cn".parse::<Country>().is_err()); // codes are upper case
/// assert!("CHN".parse::<Country>().is_err()); // alpha-2, not alpha-3
/// # Ok::<(), fleetplan::catalog::CountryError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

/// Text that is not a two-letter upper-case country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a two-letter upper-case country code such as \"US\" or \"CN\"")]
pub struct CountryError(String);

impl Country {
    /// The United States.
    pub const US: Country = Country(*b"US");
    /// China.
    pub const CN: Country = Country(*b"CN");

    /// Parses a code.
    ///
    /// # Errors
    /// [`CountryError`] unless `code` is exactly two ASCII upper-case letters.
    pub fn new(code: &str) -> std::result::Result<Country, CountryError> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Country([*a, *b])),
            _ => Err(CountryError(code.chars().take(40).collect())),
        }
    }

    /// The code, e.g. `"CN"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Two ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl std::str::FromStr for Country {
    type Err = CountryError;
    fn from_str(s: &str) -> std::result::Result<Country, CountryError> {
        Country::new(s)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Country, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Country::new(&s).map_err(serde::de::Error::custom)
    }
}

string_enum! {
    /// How much to trust a figure (the labels of the reference data).
    pub enum Confidence {
        /// `[P]` primary: the vendor, a paper, a regulator, the company's own post.
        Primary = "primary",
        /// `[S]` reputable secondary: Reuters, FT, Bloomberg, Tom's Hardware,
        /// SemiAnalysis, or a syndicated copy of one.
        Secondary = "secondary",
        /// `[L]` low confidence: an aggregator, a blog, an AI-written page.
        Low = "low",
        /// `[E]` an estimate or a market range (every price is one).
        Estimate = "estimate",
        /// `[D]` derived by us from cited inputs (the note says how).
        Derived = "derived",
    }
}

impl Confidence {
    /// The short label: `[P]`, `[S]`, `[L]`, `[E]` or `[D]`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Confidence::Primary => "[P]",
            Confidence::Secondary => "[S]",
            Confidence::Low => "[L]",
            Confidence::Estimate => "[E]",
            Confidence::Derived => "[D]",
        }
    }
}

impl Default for Confidence {
    /// A figure given without a label is treated as an estimate.
    fn default() -> Self {
        Confidence::Estimate
    }
}

/// A figure with its provenance.
///
/// `value` is `None` when no source gives the figure. In files:
/// `tdp = { value = 700, confidence = "estimate", sources = ["https://..."], note = "..." }`;
/// every key but `value` may be omitted (`confidence` then defaults to
/// `estimate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Sourced<T> {
    /// The figure; `None` when unknown.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub value: Option<T>,
    /// URLs (or citations) the figure comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// How far to trust it.
    #[serde(default)]
    pub confidence: Confidence,
    /// How the figure was obtained or derived, and what it excludes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Default for Sourced<T> {
    fn default() -> Self {
        Sourced::unknown()
    }
}

impl<T> Sourced<T> {
    /// An unknown figure.
    #[must_use]
    pub fn unknown() -> Self {
        Sourced {
            value: None,
            sources: Vec::new(),
            confidence: Confidence::Estimate,
            note: None,
        }
    }

    /// A known figure with its confidence and no source yet.
    #[must_use]
    pub fn new(value: T, confidence: Confidence) -> Self {
        Sourced {
            value: Some(value),
            sources: Vec::new(),
            confidence,
            note: None,
        }
    }

    /// Adds a source URL.
    #[must_use]
    pub fn with_source(mut self, url: impl Into<String>) -> Self {
        self.sources.push(url.into());
        self
    }

    /// Sets the note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The value, if known.
    #[must_use]
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// `true` when the value is known.
    #[must_use]
    pub fn is_known(&self) -> bool {
        self.value.is_some()
    }
}

impl<T: Copy> Sourced<T> {
    /// The value, copied, if known.
    #[must_use]
    pub fn copied(&self) -> Option<T> {
        self.value
    }
}

string_enum! {
    /// A numeric format of tensor arithmetic.
    pub enum Precision {
        /// bfloat16.
        Bf16 = "bf16",
        /// IEEE half precision.
        Fp16 = "fp16",
        /// 8-bit floating point (E4M3/E5M2 and vendor variants such as HiF8).
        Fp8 = "fp8",
        /// 8-bit integer (rates are OP/s).
        Int8 = "int8",
        /// 4-bit floating point (FP4, MXFP4).
        Fp4 = "fp4",
    }
}

impl Precision {
    /// Bytes per value (used for weight and KV-cache sizes).
    #[must_use]
    pub const fn bytes(self) -> f64 {
        match self {
            Precision::Bf16 | Precision::Fp16 => 2.0,
            Precision::Fp8 | Precision::Int8 => 1.0,
            Precision::Fp4 => 0.5,
        }
    }
}

string_enum! {
    /// Whether an accelerator can be had today.
    pub enum ProductStatus {
        /// Shipping (possibly only to some jurisdictions).
        Shipping = "shipping",
        /// Announced, not yet shipping (e.g. Ascend 950PR, Q1 2026).
        Announced = "announced",
    }
}

/// A dense peak rate at one precision: a rate, or known absent.
///
/// In files: a number (FLOP/s or OP/s) or the string `"unsupported"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Peak {
    /// The dense (no 2:4 sparsity) peak.
    Dense(FlopsPerSec),
    /// The hardware lacks this format.
    Unsupported,
}

impl Peak {
    /// A dense peak in TFLOP/s (TOP/s).
    #[must_use]
    pub fn tera(tflops: f64) -> Peak {
        Peak::Dense(FlopsPerSec::from_tera(tflops))
    }
}

impl Serialize for Peak {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Peak::Dense(r) => r.serialize(s),
            Peak::Unsupported => s.serialize_str("unsupported"),
        }
    }
}

impl<'de> Deserialize<'de> for Peak {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Peak, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Peak;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a rate in FLOP/s or \"unsupported\"")
            }
            // Any number is kept as given (validation reports NaN,
            // negatives and zero with the field's path).
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Peak, E> {
                use serde::de::IntoDeserializer;
                FlopsPerSec::deserialize(IntoDeserializer::<E>::into_deserializer(v))
                    .map(Peak::Dense)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Peak, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Peak, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Peak, E> {
                if v == "unsupported" {
                    Ok(Peak::Unsupported)
                } else {
                    Err(E::unknown_variant(v, &["unsupported"]))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// What an accelerator offers at one precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Support {
    /// Supported, with this dense peak.
    Dense(FlopsPerSec),
    /// Known not to be supported in hardware.
    Unsupported,
    /// No source gives the peak.
    Unknown,
}

/// A figure as displayed: in display units, or a word.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A number in the field's display unit.
    Number(f64),
    /// A text value (a date).
    Text(String),
    /// A precision the device lacks.
    Unsupported,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Number(v) => {
                // Integers print without a fraction; others with up to 3 digits.
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    write!(f, "{v:.0}")
                } else {
                    let s = format!("{v:.3}");
                    f.write_str(s.trim_end_matches('0').trim_end_matches('.'))
                }
            }
            Shown::Text(t) => f.write_str(t),
            Shown::Unsupported => f.write_str("no"),
        }
    }
}

/// The kind of number a figure holds, for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A non-negative finite quantity.
    Quantity,
    /// A whole count.
    Count,
}

/// A type a catalogue figure can have.
pub trait Figure: Clone + PartialEq + fmt::Debug {
    /// The number held, in base units, and what kind of number it must be;
    /// `None` for non-numeric figures (dates, `unsupported`).
    fn number(&self) -> Option<(f64, NumberKind)>;
    /// The value in display units (`scale` base units per display unit).
    fn shown(&self, scale: f64) -> Shown;
}

macro_rules! quantity_figure {
    ($($t:ty),*) => {$(
        impl Figure for $t {
            fn number(&self) -> Option<(f64, NumberKind)> {
                Some((self.value(), NumberKind::Quantity))
            }
            fn shown(&self, scale: f64) -> Shown {
                Shown::Number(self.value() / scale)
            }
        }
    )*};
}
quantity_figure!(Bytes, BytesPerSec, Watts, Usd, UsdPerHour);

impl Figure for Peak {
    fn number(&self) -> Option<(f64, NumberKind)> {
        match self {
            Peak::Dense(r) => Some((r.get(), NumberKind::Quantity)),
            Peak::Unsupported => None,
        }
    }
    fn shown(&self, scale: f64) -> Shown {
        match self {
            Peak::Dense(r) => Shown::Number(r.get() / scale),
            Peak::Unsupported => Shown::Unsupported,
        }
    }
}

impl Figure for Count {
    fn number(&self) -> Option<(f64, NumberKind)> {
        Some((self.raw(), NumberKind::Count))
    }
    fn shown(&self, scale: f64) -> Shown {
        Shown::Number(self.raw() / scale)
    }
}

impl Figure for Date {
    fn number(&self) -> Option<(f64, NumberKind)> {
        None
    }
    fn shown(&self, _scale: f64) -> Shown {
        Shown::Text(self.to_string())
    }
}

/// One figure of an accelerator, ready to display.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FigureView<'a> {
    /// Field name as written in files, e.g. `"peak_bf16"`.
    pub field: &'static str,
    /// Short human label, e.g. `"BF16"`.
    pub label: &'static str,
    /// Display unit, e.g. `"TFLOP/s"`.
    pub unit: &'static str,
    /// The value in the display unit; `None` when unknown.
    pub value: Option<Shown>,
    /// Confidence label.
    pub confidence: Confidence,
    /// Source URLs.
    pub sources: &'a [String],
    /// Note.
    pub note: Option<&'a str>,
}

impl<'a> FigureView<'a> {
    fn new<T: Figure>(
        field: &'static str,
        label: &'static str,
        unit: &'static str,
        scale: f64,
        s: &'a Sourced<T>,
    ) -> Self {
        FigureView {
            field,
            label,
            unit,
            value: s.value.as_ref().map(|v| v.shown(scale)),
            confidence: s.confidence,
            sources: &s.sources,
            note: s.note.as_deref(),
        }
    }

    /// The value with its confidence label, e.g. `"989 [D]"`, or `"?"` when
    /// unknown.
    #[must_use]
    pub fn display(&self) -> String {
        match &self.value {
            Some(v) => format!("{v} {}", self.confidence.label()),
            None => "?".to_string(),
        }
    }
}

/// A figure of a patch with a numeric problem-candidate, for validation.
pub(crate) struct PatchNumber {
    pub field: &'static str,
    pub value: f64,
    pub kind: NumberKind,
}

macro_rules! accelerator_figures {
    ($(
        $(#[$doc:meta])*
        $field:ident : $ty:ty => ($label:literal, $unit:literal, $scale:expr)
    ),* $(,)?) => {
        /// An accelerator (GPU or NPU) as the catalogue knows it.
        ///
        /// `name`, `aliases`, `vendor`, `origin` and `status` identify the
        /// product; every figure is [`Sourced`].
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct Accelerator {
            /// Canonical catalogue name, e.g. `"H800"`, `"Ascend 910C"`.
            pub name: String,
            /// Other names accepted for it, e.g. `"H800 SXM5"`.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub aliases: Vec<String>,
            /// Maker, e.g. `"NVIDIA"`, `"Huawei"`, `"AMD"`; export rules may
            /// name it.
            pub vendor: String,
            /// Jurisdiction of origin (the exporter's): `"US"` for NVIDIA and
            /// AMD, `"CN"` for Huawei. A device is *domestic* to a fleet when
            /// its origin is the fleet's jurisdiction.
            pub origin: Country,
            /// Shipping or announced.
            pub status: ProductStatus,
            $(
                $(#[$doc])*
                #[serde(default)]
                pub $field: Sourced<$ty>,
            )*
            /// Disagreements between sources and other context.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub notes: Vec<String>,
        }

        /// Additions to the catalogue or overrides of built-in entries, as a
        /// scenario states them under `[[accelerators]]`.
        ///
        /// When `name` (or an alias) names an existing accelerator, every
        /// figure given replaces that figure whole (value, sources,
        /// confidence, note), `aliases` and `notes` are appended, and
        /// `vendor`/`origin`/`status` replace the built-in ones. Otherwise
        /// the patch adds a new accelerator, which needs `vendor` and
        /// `origin` (`status` defaults to shipping) and has unknown figures
        /// where none is given.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct AcceleratorPatch {
            /// Name of the accelerator to add or override.
            pub name: String,
            /// Aliases to add.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub aliases: Vec<String>,
            /// Vendor (required for a new accelerator).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub vendor: Option<String>,
            /// Origin (required for a new accelerator).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub origin: Option<Country>,
            /// Status (shipping when absent for a new accelerator).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<ProductStatus>,
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<Sourced<$ty>>,
            )*
            /// Notes to add.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub notes: Vec<String>,
        }

        impl Accelerator {
            /// Names of the figure fields, in order.
            pub const FIGURE_FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Every figure, in order, ready to display.
            #[must_use]
            pub fn figures(&self) -> Vec<FigureView<'_>> {
                vec![$(FigureView::new(stringify!($field), $label, $unit, $scale, &self.$field)),*]
            }

            fn apply_figures(&mut self, p: &AcceleratorPatch) {
                $(
                    if let Some(f) = &p.$field {
                        self.$field = f.clone();
                    }
                )*
            }

            /// Numeric figures, for validation of entries given whole.
            pub(crate) fn numbers(&self) -> Vec<PatchNumber> {
                let mut out = Vec::new();
                $(
                    if let Some((value, kind)) = self.$field.value.as_ref().and_then(Figure::number) {
                        out.push(PatchNumber { field: stringify!($field), value, kind });
                    }
                )*
                out
            }
        }

        impl AcceleratorPatch {
            /// A patch naming `name` and changing nothing yet.
            #[must_use]
            pub fn new(name: impl Into<String>) -> Self {
                AcceleratorPatch {
                    name: name.into(),
                    aliases: Vec::new(),
                    vendor: None,
                    origin: None,
                    status: None,
                    $($field: None,)*
                    notes: Vec::new(),
                }
            }

            /// Numeric figures given, for validation.
            pub(crate) fn numbers(&self) -> Vec<PatchNumber> {
                let mut out = Vec::new();
                $(
                    if let Some((value, kind)) = self
                        .$field
                        .as_ref()
                        .and_then(|s| s.value.as_ref())
                        .and_then(Figure::number)
                    {
                        out.push(PatchNumber { field: stringify!($field), value, kind });
                    }
                )*
                out
            }
        }
    };
}

accelerator_figures! {
    /// Dense BF16 peak, FLOP/s.
    peak_bf16: Peak => ("BF16", "TFLOP/s", 1e12),
    /// Dense FP16 peak, FLOP/s.
    peak_fp16: Peak => ("FP16", "TFLOP/s", 1e12),
    /// Dense FP8 peak, FLOP/s.
    peak_fp8: Peak => ("FP8", "TFLOP/s", 1e12),
    /// Dense INT8 peak, OP/s.
    peak_int8: Peak => ("INT8", "TOP/s", 1e12),
    /// Dense FP4 peak, FLOP/s.
    peak_fp4: Peak => ("FP4", "TFLOP/s", 1e12),
    /// High-bandwidth memory capacity, bytes.
    hbm_capacity: Bytes => ("HBM", "GB", 1e9),
    /// Memory bandwidth, bytes/s.
    hbm_bandwidth: BytesPerSec => ("HBM bw", "TB/s", 1e12),
    /// Scale-up (NVLink/HCCS/UB) bandwidth per device, aggregate
    /// bidirectional, bytes/s.
    scale_up_bandwidth: BytesPerSec => ("Scale-up", "GB/s", 1e9),
    /// Devices in one scale-up domain.
    scale_up_domain: Count => ("Domain", "devices", 1.0),
    /// Scale-out (InfiniBand/RoCE) bandwidth per device as deployed
    /// (NIC Gbit/s ÷ 8), bytes/s.
    scale_out_bandwidth: BytesPerSec => ("Scale-out", "GB/s", 1e9),
    /// Devices per node (server).
    node_size: Count => ("Node", "devices", 1.0),
    /// Thermal design power of the device, watts.
    tdp: Watts => ("TDP", "W", 1.0),
    /// Wall power per device of the deployed system (CPUs, networking and
    /// optics included; facility overhead, i.e. PUE, excluded), watts.
    system_power: Watts => ("System", "W", 1.0),
    /// Indicative purchase price per device, USD (an estimate).
    purchase_price: Usd => ("Price", "USD", 1.0),
    /// Indicative rental price per device-hour, USD (an estimate).
    rental_price: UsdPerHour => ("Rent", "USD/h", 1.0),
    /// First day the device can be had (announced parts).
    available_from: Date => ("Available", "", 1.0),
}

impl Accelerator {
    /// A new entry with every figure unknown.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        vendor: impl Into<String>,
        origin: Country,
        status: ProductStatus,
    ) -> Accelerator {
        let mut a = Accelerator::from_patch_base(name.into(), vendor.into(), origin);
        a.status = status;
        a
    }

    fn from_patch_base(name: String, vendor: String, origin: Country) -> Accelerator {
        Accelerator {
            name,
            aliases: Vec::new(),
            vendor,
            origin,
            status: ProductStatus::Shipping,
            peak_bf16: Sourced::unknown(),
            peak_fp16: Sourced::unknown(),
            peak_fp8: Sourced::unknown(),
            peak_int8: Sourced::unknown(),
            peak_fp4: Sourced::unknown(),
            hbm_capacity: Sourced::unknown(),
            hbm_bandwidth: Sourced::unknown(),
            scale_up_bandwidth: Sourced::unknown(),
            scale_up_domain: Sourced::unknown(),
            scale_out_bandwidth: Sourced::unknown(),
            node_size: Sourced::unknown(),
            tdp: Sourced::unknown(),
            system_power: Sourced::unknown(),
            purchase_price: Sourced::unknown(),
            rental_price: Sourced::unknown(),
            available_from: Sourced::unknown(),
            notes: Vec::new(),
        }
    }

    /// The dense peak figure at a precision.
    #[must_use]
    pub fn peak(&self, precision: Precision) -> &Sourced<Peak> {
        match precision {
            Precision::Bf16 => &self.peak_bf16,
            Precision::Fp16 => &self.peak_fp16,
            Precision::Fp8 => &self.peak_fp8,
            Precision::Int8 => &self.peak_int8,
            Precision::Fp4 => &self.peak_fp4,
        }
    }

    /// Whether the device supports a precision, and at what dense peak.
    #[must_use]
    pub fn support(&self, precision: Precision) -> Support {
        match self.peak(precision).value {
            Some(Peak::Dense(r)) => Support::Dense(r),
            Some(Peak::Unsupported) => Support::Unsupported,
            None => Support::Unknown,
        }
    }

    /// `true` when `name` is this accelerator's name or one of its aliases
    /// (case-insensitive, runs of spaces equal).
    #[must_use]
    pub fn answers_to(&self, name: &str) -> bool {
        let k = name_key(name);
        name_key(&self.name) == k || self.aliases.iter().any(|a| name_key(a) == k)
    }

    /// `true` when `vendor` is this accelerator's vendor (case-insensitive;
    /// `"Huawei"` matches `"Huawei (HiSilicon)"`: the first word decides).
    #[must_use]
    pub fn made_by(&self, vendor: &str) -> bool {
        vendor_key(&self.vendor) == vendor_key(vendor)
    }

    /// `true` when the accelerator's origin is `jurisdiction`.
    #[must_use]
    pub fn is_domestic_to(&self, jurisdiction: Country) -> bool {
        self.origin == jurisdiction
    }
}

/// The lookup key of a name: lower case, whitespace runs collapsed.
pub(crate) fn name_key(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lookup key of a vendor: its first word, lower case.
pub(crate) fn vendor_key(vendor: &str) -> String {
    vendor
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// A set of accelerators with unique names and aliases.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Catalog {
    accelerators: Vec<Accelerator>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::builtin()
    }
}

impl Catalog {
    /// The built-in catalogue (see the module docs for the list).
    #[must_use]
    pub fn builtin() -> Catalog {
        Catalog {
            accelerators: builtin::entries(),
        }
    }

    /// A catalogue of the given entries.
    ///
    /// # Errors
    /// [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) when two entries
    /// share a name or alias, a name is empty, or a figure is NaN, infinite,
    /// negative, zero or (for counts) not a whole number; the report's paths
    /// are `accelerators[i]...`.
    pub fn new(accelerators: Vec<Accelerator>) -> Result<Catalog> {
        let mut issues = Vec::new();
        for (i, a) in accelerators.iter().enumerate() {
            let path = format!("accelerators[{i}]");
            if a.name.trim().is_empty() {
                issues.push(Issue::new(
                    IssueCode::NameEmpty,
                    format!("{path}.name"),
                    "accelerator name is empty",
                    "give the accelerator a name",
                ));
            }
            for n in a.numbers() {
                if let Some(issue) = crate::scenario::check_figure(
                    &format!("{path}.{}.value", n.field),
                    n.field,
                    n.value,
                    n.kind,
                ) {
                    issues.push(issue);
                }
            }
            for (j, b) in accelerators.iter().enumerate().take(i) {
                if let Some(clash) = shared_name(a, b) {
                    issues.push(Issue::new(
                        IssueCode::NameDuplicate,
                        format!("{path}.name"),
                        format!(
                            "name or alias '{clash}' is also used by accelerators[{j}] ('{}')",
                            b.name
                        ),
                        "give every accelerator distinct names and aliases",
                    ));
                }
            }
        }
        if issues.is_empty() {
            Ok(Catalog { accelerators })
        } else {
            Err(Error::invalid(ValidationReport { issues }))
        }
    }

    /// Number of accelerators.
    #[must_use]
    pub fn len(&self) -> usize {
        self.accelerators.len()
    }

    /// `true` when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.accelerators.is_empty()
    }

    /// The accelerators, in catalogue order.
    #[must_use]
    pub fn as_slice(&self) -> &[Accelerator] {
        &self.accelerators
    }

    /// Iterates over the accelerators.
    pub fn iter(&self) -> std::slice::Iter<'_, Accelerator> {
        self.accelerators.iter()
    }

    /// The accelerator with this name or alias (case-insensitive).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Accelerator> {
        self.position(name).map(|i| &self.accelerators[i])
    }

    /// Index of the accelerator with this name or alias.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        let k = name_key(name);
        self.accelerators
            .iter()
            .position(|a| name_key(&a.name) == k || a.aliases.iter().any(|al| name_key(al) == k))
    }

    /// Canonical names, in catalogue order.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        self.accelerators.iter().map(|a| a.name.as_str()).collect()
    }

    /// Vendors, each once, in catalogue order.
    #[must_use]
    pub fn vendors(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for a in &self.accelerators {
            if !out.iter().any(|v| vendor_key(v) == vendor_key(&a.vendor)) {
                out.push(&a.vendor);
            }
        }
        out
    }

    /// This catalogue with `patches` applied in order (see
    /// [`AcceleratorPatch`]).
    ///
    /// # Errors
    /// [`ErrorKind::Invalid`](crate::ErrorKind::Invalid) with every problem
    /// (paths `accelerators[i]...`): a new accelerator without vendor or
    /// origin, two patches of one accelerator, an alias already used by
    /// another accelerator, a bad figure.
    ///
    /// ```
    /// use fleetplan::catalog::{AcceleratorPatch, Catalog, Confidence, Sourced};
    /// use fleetplan::fleet::Count;
    ///
    /// let mut p = AcceleratorPatch::new("Ascend 910C");
    /// p.scale_up_domain = Some(
    ///     Sourced::new(Count::new(8), Confidence::Primary)
    ///         .with_note("Atlas 800 server: 8 NPUs, no supernode"),
    /// );
    /// let cat = Catalog::builtin().with_patches(&[p])?;
    /// let c = cat.get("Ascend 910C").expect("built in");
    /// assert_eq!(c.scale_up_domain.value.and_then(Count::get), Some(8));
    /// // Other figures keep their built-in values and sources.
    /// assert_eq!(c.hbm_capacity, Catalog::builtin().get("Ascend 910C").expect("x").hbm_capacity);
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    pub fn with_patches(&self, patches: &[AcceleratorPatch]) -> Result<Catalog> {
        let mut issues = Vec::new();
        let cat = self.patched(patches, &mut issues);
        if issues.is_empty() {
            Ok(cat)
        } else {
            Err(Error::invalid(ValidationReport { issues }))
        }
    }

    /// Applies what can be applied, reporting every problem into `issues`.
    pub(crate) fn patched(&self, patches: &[AcceleratorPatch], issues: &mut Vec<Issue>) -> Catalog {
        let mut out = self.clone();
        let mut touched: Vec<(usize, usize)> = Vec::new(); // (catalogue index, patch index)
        for (i, p) in patches.iter().enumerate() {
            let path = format!("accelerators[{i}]");
            let mut ok = true;
            if p.name.trim().is_empty() {
                issues.push(Issue::new(
                    IssueCode::NameEmpty,
                    format!("{path}.name"),
                    "accelerator name is empty",
                    "name the accelerator to add, or the built-in one to override",
                ));
                continue;
            }
            for n in p.numbers() {
                if let Some(issue) = crate::scenario::check_figure(
                    &format!("{path}.{}.value", n.field),
                    n.field,
                    n.value,
                    n.kind,
                ) {
                    issues.push(issue);
                    ok = false;
                }
            }
            let target = out.position(&p.name);
            if let Some(t) = target {
                if let Some((_, earlier)) = touched.iter().find(|(c, _)| *c == t) {
                    issues.push(Issue::new(
                        IssueCode::AcceleratorDuplicate,
                        format!("{path}.name"),
                        format!(
                            "'{}' is already changed by accelerators[{earlier}] (both name '{}')",
                            p.name, out.accelerators[t].name
                        ),
                        "merge the two [[accelerators]] entries into one",
                    ));
                    continue;
                }
            } else {
                if p.vendor.is_none() {
                    issues.push(Issue::new(
                        IssueCode::AcceleratorIncomplete,
                        format!("{path}.vendor"),
                        format!("new accelerator '{}' has no vendor", p.name),
                        format!(
                            "add vendor = \"...\" (e.g. one of {}), or fix the name if you meant a built-in accelerator ({})",
                            self.vendors().join(", "),
                            suggest(&p.name, &self.names())
                        ),
                    ));
                    ok = false;
                }
                if p.origin.is_none() {
                    issues.push(Issue::new(
                        IssueCode::AcceleratorIncomplete,
                        format!("{path}.origin"),
                        format!("new accelerator '{}' has no origin", p.name),
                        "add origin = \"US\" (or the maker's two-letter country code)",
                    ));
                    ok = false;
                }
            }
            for (k, alias) in p.aliases.iter().enumerate() {
                if let Some(owner) = out.position(alias)
                    && Some(owner) != target
                {
                    issues.push(Issue::new(
                        IssueCode::NameDuplicate,
                        format!("{path}.aliases[{k}]"),
                        format!(
                            "alias '{alias}' already names '{}'",
                            out.accelerators[owner].name
                        ),
                        "choose an alias no other accelerator uses",
                    ));
                    ok = false;
                }
            }
            if !ok {
                continue;
            }
            let idx = match target {
                Some(t) => t,
                None => {
                    // vendor and origin are present (checked above).
                    let (Some(vendor), Some(origin)) = (&p.vendor, p.origin) else {
                        continue;
                    };
                    out.accelerators.push(Accelerator::from_patch_base(
                        p.name.clone(),
                        vendor.clone(),
                        origin,
                    ));
                    out.accelerators.len() - 1
                }
            };
            touched.push((idx, i));
            let a = &mut out.accelerators[idx];
            a.apply_figures(p);
            if target.is_some() {
                if let Some(v) = &p.vendor {
                    a.vendor.clone_from(v);
                }
                if let Some(o) = p.origin {
                    a.origin = o;
                }
            }
            if let Some(s) = p.status {
                a.status = s;
            }
            for al in &p.aliases {
                if !a.answers_to(al) {
                    a.aliases.push(al.clone());
                }
            }
            a.notes.extend(p.notes.iter().cloned());
        }
        out
    }
}

impl<'a> IntoIterator for &'a Catalog {
    type Item = &'a Accelerator;
    type IntoIter = std::slice::Iter<'a, Accelerator>;
    fn into_iter(self) -> Self::IntoIter {
        self.accelerators.iter()
    }
}

fn shared_name(a: &Accelerator, b: &Accelerator) -> Option<String> {
    std::iter::once(&a.name)
        .chain(&a.aliases)
        .find(|n| b.answers_to(n))
        .cloned()
}

/// "did you mean 'X'?" when known names are close (all equally close ones
/// are listed), then the list of names.
pub(crate) fn suggest(given: &str, known: &[&str]) -> String {
    let g = name_key(given);
    let limit = 2.max(g.chars().count() / 4);
    let dist: Vec<(usize, &str)> = known
        .iter()
        .map(|k| (edit_distance(&g, &name_key(k)), *k))
        .collect();
    let best = dist.iter().map(|(d, _)| *d).min().unwrap_or(usize::MAX);
    let close: Vec<String> = dist
        .iter()
        .filter(|(d, _)| *d == best && best <= limit)
        .map(|(_, k)| format!("'{k}'"))
        .collect();
    match close.as_slice() {
        [] => format!("known: {}", known.join(", ")),
        [one] => format!("did you mean {one}? known: {}", known.join(", ")),
        many => format!(
            "did you mean {}? known: {}",
            many.join(" or "),
            known.join(", ")
        ),
    }
}

/// Levenshtein distance (characters), O(len(a) * len(b)).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
