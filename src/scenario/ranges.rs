//! The physically meaningful range of every number a scenario holds (the
//! table and the reasons are in the [`crate::scenario`] docs, "Numeric
//! ranges"). Validation reports a number outside its range as
//! `E-NUMBER-RANGE` with the field's path; the planner can then assume
//! every quantity it multiplies is within a few orders of magnitude of
//! what hardware, money and calendars allow, which keeps every
//! coefficient of the compiled model, and every sum of them, far from
//! `f64`'s overflow, underflow and subnormal ranges.

/// A closed range `[min, max]` of a number, in the field's own unit, that
/// may also hold exactly zero when `zero` is set: a non-zero number below
/// `min` is as wrong as one above `max` (a price of 1e-300 USD is a
/// mistake, not a price; write 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    /// Whether exactly zero is allowed.
    pub zero: bool,
    /// Smallest allowed non-zero value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Unit, for messages (`"USD"`, `"days"`).
    pub unit: &'static str,
    /// Why, for the fix (one clause).
    pub why: &'static str,
}

impl Range {
    const fn new(zero: bool, min: f64, max: f64, unit: &'static str, why: &'static str) -> Range {
        Range {
            zero,
            min,
            max,
            unit,
            why,
        }
    }

    /// `true` when `v` (finite, not negative) is in range.
    pub fn contains(&self, v: f64) -> bool {
        (v == 0.0 && self.zero) || (self.min..=self.max).contains(&v)
    }

    /// The range as text: `[1e-6, 1e8] USD, or 0`.
    pub fn describe(&self) -> String {
        let zero = if self.zero && self.min > 0.0 {
            ", or 0"
        } else {
            ""
        };
        format!(
            "[{}, {}] {}{zero}",
            shown(self.min),
            shown(self.max),
            self.unit
        )
    }
}

/// `v` as people write it: `1e8`, `0.001`, `18262.5`.
pub(crate) fn shown(v: f64) -> String {
    if v == MIN_DAYS {
        "1/24".to_owned()
    } else if v != 0.0 && !(1e-3..1e7).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Fifty years of 365.25 days.
pub const MAX_DAYS: f64 = 50.0 * 365.25;
/// One hour, in days: the calendar's resolution.
pub const MIN_DAYS: f64 = 1.0 / 24.0;

// Devices and lists.
/// Devices in one pool (owned count, rental or purchase limit).
pub const MAX_DEVICES: f64 = 1e7;
/// Devices a phase or a quota may name across pools (10^5 pools of up to
/// 10^7 devices would be 10^12; this is far beyond any fleet).
pub const MAX_FLEET_DEVICES: f64 = 1e12;
/// Pools in one scenario.
pub const MAX_POOLS: usize = 100_000;
/// Phases in one scenario.
pub const MAX_PHASES: usize = 10_000;
/// Entries of every other list (accelerators, export rules, domestic
/// shares, delivery steps of a pool, demand steps of a phase, measured
/// and scaling entries and points).
pub const MAX_LIST: usize = 10_000;
/// Pool-phase-period triples the compiled model may hold (its assignment
/// columns): the 2,000 × 2,000 assignment family is the largest the
/// engine is measured on (BENCHMARKS.md).
pub const MAX_ASSIGNMENTS: f64 = 4e6;

pub(crate) const DEVICES: Range = Range::new(
    true,
    1.0,
    MAX_DEVICES,
    "devices",
    "the largest fleets are ~10^5-10^6 devices; 10^7 in one pool leaves room",
);
pub(crate) const FLEET_DEVICES: Range = Range::new(
    true,
    1.0,
    MAX_FLEET_DEVICES,
    "devices",
    "a whole fleet of 10^5 pools of 10^7 devices",
);
pub(crate) const NODE: Range = Range::new(
    false,
    1.0,
    1e4,
    "devices",
    "the largest scale-up systems hold hundreds of devices (CloudMatrix 384, NVL576)",
);

// Money.
pub(crate) const PRICE: Range = Range::new(
    true,
    1e-6,
    1e8,
    "USD",
    "a device costs thousands to tens of thousands of dollars; below a micro-dollar write 0",
);
pub(crate) const PRICE_PER_HOUR: Range = Range::new(
    true,
    1e-6,
    1e5,
    "USD/h",
    "rentals cost cents to tens of dollars a device-hour; below a micro-dollar write 0",
);
pub(crate) const PRICE_PER_KWH: Range = Range::new(
    true,
    1e-6,
    100.0,
    "USD/kWh",
    "electricity costs cents a kWh; 100 USD/kWh is a thousand times the dearest",
);
pub(crate) const PRICE_PER_GB: Range = Range::new(
    true,
    1e-6,
    100.0,
    "USD/GB",
    "moving a GB costs at most cents between clouds; 100 USD/GB is a thousand times that",
);
pub(crate) const LINK_BANDWIDTH: Range =
    Range::new(false, 1.0, 1e15, "B/s", "links run at ~10^9-10^13 B/s");
pub(crate) const BUDGET: Range = Range::new(
    true,
    1e-6,
    1e15,
    "USD",
    "10^15 USD is ten times world GDP; below a micro-dollar write 0",
);
pub(crate) const PUE: Range = Range::new(
    false,
    1.0,
    10.0,
    "",
    "real facilities run at 1.05-2 (1 is a perfect facility)",
);

// Time.
pub(crate) const HORIZON: Range = Range::new(
    false,
    MIN_DAYS,
    MAX_DAYS,
    "days",
    "a plan spans an hour to 50 years (an accelerator's life is ~5)",
);
pub(crate) const DAY_OFFSET: Range = Range::new(
    true,
    MIN_DAYS,
    MAX_DAYS,
    "days",
    "days from the start, at the calendar's resolution of an hour, within 50 years",
);
pub(crate) const LIFE_YEARS: Range = Range::new(
    false,
    0.01,
    50.0,
    "years",
    "an economic life is a few years",
);
pub(crate) const MTBF_HOURS: Range = Range::new(
    false,
    1.0,
    1e15,
    "h",
    "device MTBFs are 10^4-10^6 hours (10^12-10^15 say never fails); a device failing hourly is broken",
);
pub(crate) const SECONDS: Range = Range::new(
    true,
    1e-3,
    1e6,
    "s",
    "checkpoints and restarts take seconds to hours; 10^6 s is 11.6 days",
);
pub(crate) const LATENCY: Range = Range::new(
    false,
    1e-6,
    1e4,
    "s",
    "latencies are milliseconds to seconds",
);

// Work, tokens, rates.
pub(crate) const TOKENS: Range = Range::new(
    false,
    1.0,
    1e18,
    "tokens",
    "the largest training runs use ~10^13-10^14 tokens",
);
pub(crate) const FLOPS: Range = Range::new(
    false,
    1.0,
    1e30,
    "FLOP",
    "the largest training runs are ~10^25-10^26 FLOP",
);
pub(crate) const TOKENS_PER_DAY: Range = Range::new(
    true,
    1.0,
    1e18,
    "tokens/day",
    "the largest services serve ~10^12-10^14 tokens a day; below a token a day write 0",
);
pub(crate) const DEVICE_TOKENS_PER_S: Range = Range::new(
    false,
    1e-3,
    1e9,
    "tokens/s",
    "one device serves 10^2-10^5 tokens a second",
);
pub(crate) const JOB_TOKENS_PER_S: Range = Range::new(
    false,
    1e-3,
    1e15,
    "tokens/s",
    "a training job on up to 10^7 devices",
);
pub(crate) const FRACTION_FLOOR: Range = Range::new(
    false,
    1e-3,
    1.0,
    "",
    "below 0.1% is a unit mistake (give 0.39 for 39%)",
);
pub(crate) const AVAILABILITY: Range = Range::new(
    false,
    0.01,
    1.0,
    "",
    "a pool up less than 1% of the time is not a pool",
);

// Models.
pub(crate) const PARAMS: Range = Range::new(
    false,
    1.0,
    1e15,
    "parameters",
    "the largest models have ~10^12 parameters",
);
pub(crate) const SHAPE: Range = Range::new(
    false,
    1.0,
    1e7,
    "",
    "layers, widths, heads and experts are at most ~10^5",
);
pub(crate) const CONTEXT: Range =
    Range::new(false, 1.0, 1e9, "tokens", "contexts are up to ~10^7 tokens");
pub(crate) const BATCH: Range = Range::new(
    false,
    1.0,
    1e7,
    "sequences",
    "batches are up to ~10^4 sequences per device",
);
pub(crate) const BYTES_PER_TOKEN: Range = Range::new(
    false,
    1.0,
    1e9,
    "B",
    "a token's KV cache is kilobytes to megabytes",
);
pub(crate) const CHECKPOINT_BYTES: Range = Range::new(
    false,
    1.0,
    1e16,
    "B",
    "a checkpoint of a 10^12-parameter model with optimiser state is ~10^13 B",
);

/// The range of a catalogue figure (`[[accelerators]]`), by field name;
/// `None` for a field without one (dates).
pub(crate) fn figure(field: &str) -> Option<Range> {
    const PEAK: Range = Range::new(
        false,
        1.0,
        1e18,
        "FLOP/s",
        "the fastest devices reach ~10^16 FLOP/s at FP4",
    );
    const MEMORY: Range = Range::new(false, 1.0, 1e15, "B", "a device holds ~10^11 B of HBM");
    const BANDWIDTH: Range = Range::new(
        false,
        1.0,
        1e15,
        "B/s",
        "device bandwidths are ~10^11-10^13 B/s",
    );
    const POWER: Range = Range::new(false, 1e-3, 1e6, "W", "a device draws ~10^2-10^3 W");
    const DOMAIN: Range = Range::new(
        false,
        1.0,
        MAX_DEVICES,
        "devices",
        "a scale-up domain holds up to hundreds of devices",
    );
    const CAT_PRICE: Range = Range::new(false, 1e-6, 1e8, "USD", PRICE.why);
    const CAT_RENT: Range = Range::new(false, 1e-6, 1e5, "USD/h", PRICE_PER_HOUR.why);
    Some(match field {
        "peak_bf16" | "peak_fp16" | "peak_fp8" | "peak_int8" | "peak_fp4" => PEAK,
        "hbm_capacity" => MEMORY,
        "hbm_bandwidth" | "scale_up_bandwidth" | "scale_out_bandwidth" => BANDWIDTH,
        "scale_up_domain" => DOMAIN,
        "node_size" => NODE,
        "tdp" | "system_power" => POWER,
        "purchase_price" => CAT_PRICE,
        "rental_price" => CAT_RENT,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_their_ends_and_refuse_beyond() {
        assert!(PRICE.contains(0.0) && PRICE.contains(1e-6) && PRICE.contains(1e8));
        assert!(!PRICE.contains(1e-300) && !PRICE.contains(5e-324) && !PRICE.contains(1.0001e8));
        assert!(!HORIZON.contains(0.0) && HORIZON.contains(MAX_DAYS));
        assert!(!PRICE.contains(f64::NAN));
        assert_eq!(PRICE.describe(), "[1e-6, 1e8] USD, or 0");
        assert_eq!(HORIZON.describe(), "[1/24, 18262.5] days");
        for f in crate::catalog::Accelerator::FIGURE_FIELDS {
            assert_eq!(figure(f).is_none(), *f == "available_from", "{f}");
        }
    }

    #[test]
    fn the_builtin_catalogue_is_in_range() {
        for a in crate::catalog::Catalog::builtin().iter() {
            for n in a.numbers() {
                let r = figure(n.field).expect("numeric figures have ranges");
                assert!(r.contains(n.value), "{} {} = {}", a.name, n.field, n.value);
            }
        }
    }
}
