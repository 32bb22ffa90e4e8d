//! The unit of a shadow price ([`PriceUnit`]).

use crate::workload::PhaseKind;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What a [`Binding`](super::Binding)'s `shadow_price` is per: dollars of
/// the objective per unit of loosening of its constraint.
///
/// It is written (`Display`, and as a JSON string) as a phrase, e.g.
/// `"USD per device of h800-owned (days 0-120)"`, and read back from the
/// same phrase.
///
/// ```
/// use fleetplan::plan::PriceUnit;
///
/// let u = PriceUnit::LicensedDevice;
/// assert_eq!(u.to_string(), "USD per extra licensed device");
/// let back: PriceUnit = serde_json::from_str(r#""USD per device of h800-owned (days 0-120)""#)?;
/// assert_eq!(back, PriceUnit::PoolDevice { pool: "h800-owned".into(), from_day: 0.0, to_day: 120.0 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PriceUnit {
    /// Per device of a pool's capacity over an interval of days (whole
    /// days, as written).
    PoolDevice {
        /// The pool's name.
        pool: String,
        /// The interval's first day, rounded to a whole day.
        from_day: f64,
        /// The interval's last day, rounded to a whole day.
        to_day: f64,
    },
    /// Per 1% of a training phase's work.
    WorkPercent {
        /// The phase's name.
        phase: String,
    },
    /// Per 1% of an inference phase's daily demand.
    DemandPercent {
        /// The phase's name.
        phase: String,
    },
    /// Per dollar of a budget.
    BudgetUsd,
    /// Per device more of a licence's quota.
    LicensedDevice,
    /// Per percentage point of a kind of phase's domestic share.
    DomesticSharePoint {
        /// The kind of phase the share is of.
        kind: PhaseKind,
    },
    /// Per device of a phase's device limit.
    Device,
    /// Per device more a purchasable pool could buy.
    PurchasableDevice,
}

impl PriceUnit {
    /// Per device of `pool` from `from_day` to `to_day` (each rounded to a
    /// whole day as written: halves to even).
    pub(crate) fn pool_device(pool: &str, from_day: f64, to_day: f64) -> PriceUnit {
        PriceUnit::PoolDevice {
            pool: pool.to_owned(),
            from_day: from_day.round_ties_even(),
            to_day: to_day.round_ties_even(),
        }
    }
}

const KINDS: [PhaseKind; 3] = [
    PhaseKind::Pretraining,
    PhaseKind::Posttraining,
    PhaseKind::Inference,
];

impl fmt::Display for PriceUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PriceUnit::PoolDevice {
                pool,
                from_day,
                to_day,
            } => write!(
                f,
                "USD per device of {pool} (days {from_day:.0}-{to_day:.0})"
            ),
            PriceUnit::WorkPercent { phase } => write!(f, "USD per 1% of {phase}'s work"),
            PriceUnit::DemandPercent { phase } => {
                write!(f, "USD per 1% of {phase}'s daily demand")
            }
            PriceUnit::BudgetUsd => f.write_str("USD per USD of budget"),
            PriceUnit::LicensedDevice => f.write_str("USD per extra licensed device"),
            PriceUnit::DomesticSharePoint { kind } => write!(
                f,
                "USD per point of {} domestic share",
                super::compile::kind_name(*kind)
            ),
            PriceUnit::Device => f.write_str("USD per device"),
            PriceUnit::PurchasableDevice => f.write_str("USD per extra purchasable device"),
        }
    }
}

impl std::str::FromStr for PriceUnit {
    type Err = String;

    /// Reads the phrase `Display` writes.
    fn from_str(s: &str) -> Result<PriceUnit, String> {
        let fixed = [
            PriceUnit::BudgetUsd,
            PriceUnit::LicensedDevice,
            PriceUnit::Device,
            PriceUnit::PurchasableDevice,
        ];
        if let Some(u) = fixed.into_iter().find(|u| u.to_string() == s) {
            return Ok(u);
        }
        if let Some(u) = KINDS
            .into_iter()
            .map(|kind| PriceUnit::DomesticSharePoint { kind })
            .find(|u| u.to_string() == s)
        {
            return Ok(u);
        }
        if let Some(rest) = s.strip_prefix("USD per device of ")
            && let Some((pool, days)) = rest.rsplit_once(" (days ")
            && let Some((a, b)) = days.strip_suffix(')').and_then(|d| d.split_once('-'))
            && let (Ok(from_day), Ok(to_day)) = (a.parse::<u64>(), b.parse::<u64>())
        {
            #[allow(clippy::cast_precision_loss)]
            return Ok(PriceUnit::PoolDevice {
                pool: pool.to_owned(),
                from_day: from_day as f64,
                to_day: to_day as f64,
            });
        }
        if let Some(rest) = s.strip_prefix("USD per 1% of ") {
            if let Some(phase) = rest.strip_suffix("'s work") {
                return Ok(PriceUnit::WorkPercent {
                    phase: phase.to_owned(),
                });
            }
            if let Some(phase) = rest.strip_suffix("'s daily demand") {
                return Ok(PriceUnit::DemandPercent {
                    phase: phase.to_owned(),
                });
            }
        }
        Err(format!("'{s}' is not the unit of a shadow price"))
    }
}

impl Serialize for PriceUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PriceUnit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PriceUnit, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_days_are_written_as_the_hours_were() {
        // the phrase before the type: `{:.0}` of hours / 24
        for h in [
            0.0, 1.0, 11.0, 12.0, 13.0, 36.0, 60.0, 84.0, 2_879.5, 2_880.0, 8_772.0,
        ] {
            let d: f64 = h / 24.0;
            let u = PriceUnit::pool_device("p", d, d);
            assert_eq!(
                u.to_string(),
                format!("USD per device of p (days {d:.0}-{d:.0})"),
                "{h} h"
            );
            let back: PriceUnit = u.to_string().parse().expect("reads");
            assert_eq!(back, u);
        }
    }

    #[test]
    fn every_phrase_reads_back() {
        let all = [
            PriceUnit::pool_device("a b (c)", 3.0, 40.0),
            PriceUnit::WorkPercent {
                phase: "pre's".into(),
            },
            PriceUnit::DemandPercent {
                phase: "serve".into(),
            },
            PriceUnit::BudgetUsd,
            PriceUnit::LicensedDevice,
            PriceUnit::DomesticSharePoint {
                kind: PhaseKind::Posttraining,
            },
            PriceUnit::Device,
            PriceUnit::PurchasableDevice,
        ];
        for u in all {
            let json = serde_json::to_string(&u).expect("writes");
            let back: PriceUnit = serde_json::from_str(&json).expect("reads");
            assert_eq!(back, u, "{json}");
        }
        assert!("USD per banana".parse::<PriceUnit>().is_err());
    }
}
