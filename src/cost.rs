//! What a device-hour costs, and what buying a device costs.
//!
//! # Model
//!
//! The cost of running one device for one hour is the sum of
//!
//! * **capex**: the purchase price spread over a depreciation period,
//!   `price / depreciation` ([`amortised`]); zero for owned devices whose cost
//!   is sunk;
//! * **rental**: the $/h of a rented device;
//! * **energy**: `TDP · utilisation · PUE · $/kWh` ([`energy_rate`]);
//!
//! **One power basis for every vendor: the accelerator's chip TDP**
//! (thermal design power; AMD's "total board power"). The server around it
//! (CPUs, NICs, fans, power-supply losses) and the network are not in it, for
//! any vendor; PUE carries the facility's overhead. The catalogue's
//! `system_power` figures (CloudMatrix 384's all-in 1,456 W per Ascend 910C,
//! DGX B200's 1,787.5 W per GPU) are kept for reference and never priced:
//! pricing the 910C at its all-in system power against NVIDIA's chip TDPs
//! made its energy look about twice as dear as a like-for-like comparison.
//! Where no chip TDP is published the catalogue carries a labelled estimate
//! (the 910C's 800 W `[E]`) or nothing, and then energy cannot be costed
//! ([`CostGap::PowerUnknown`]) until the scenario adds one.
//!
//! and a licensed *purchase* also carries a **levy**: the exporter's
//! revenue share `ℓ` of the sale price, of which the buyer bears the
//! pass-through fraction `p`: `price · ℓ · p` per device ([`levy`]).
//!
//! All figures are in typed units; the planner turns them into objective
//! coefficients.

use crate::catalog::Sourced;
use crate::fleet::Ownership;
use crate::perf::defaults;
use crate::policy::RuleEffect;
use crate::scenario::{PoolId, ValidatedScenario};
use crate::units::{Fraction, Hours, Usd, UsdPerHour, UsdPerKwh, Watts};
use std::fmt;

/// A price spread evenly over `period`: `price / period`. `None` when the
/// period is zero.
#[must_use]
pub fn amortised(price: Usd, period: Hours) -> Option<UsdPerHour> {
    price.per(period)
}

/// Energy cost per device-hour: `tdp · utilisation · pue · price`, with `pue`
/// the facility's power usage effectiveness (≥ 1; a plain ratio).
#[must_use]
pub fn energy_rate(tdp: Watts, utilisation: Fraction, pue: f64, price: UsdPerKwh) -> UsdPerHour {
    let kwh_per_hour = tdp.get() * utilisation.get() * pue.max(0.0) / 1000.0;
    UsdPerHour::from_raw(kwh_per_hour * price.get())
}

/// The levy the buyer bears on one licensed purchase: `price · levy · pass_through`.
#[must_use]
pub fn levy(price: Usd, levy: Fraction, pass_through: Fraction) -> Usd {
    price * (levy * pass_through)
}

/// The cost of one device-hour, by component.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DeviceHourCost {
    /// Amortised purchase price.
    pub capex: UsdPerHour,
    /// Rental price.
    pub rental: UsdPerHour,
    /// Electricity.
    pub energy: UsdPerHour,
    /// Amortised levy (licensed purchases only).
    pub levy: UsdPerHour,
}

impl DeviceHourCost {
    /// The sum of the components.
    #[must_use]
    pub fn total(&self) -> UsdPerHour {
        self.capex + self.rental + self.energy + self.levy
    }
}

/// What buying one device of a purchasable pool costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PurchaseCost {
    /// The sale price.
    pub unit_price: Usd,
    /// The levy the buyer bears (licensed purchases), see [`levy`].
    pub levy: Usd,
}

impl PurchaseCost {
    /// Price plus levy.
    #[must_use]
    pub fn total(&self) -> Usd {
        self.unit_price + self.levy
    }
}

/// Which power figure the energy cost uses (module docs: chip TDP for every
/// accelerator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PowerBasis {
    /// The accelerator's chip thermal design power.
    Tdp,
    /// The scenario gives no energy price: energy is not costed.
    NotCosted,
}

impl PowerBasis {
    /// What the basis means, for reports.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            PowerBasis::Tdp => {
                "chip TDP for every accelerator (server, network and facility overhead excluded; PUE applies the facility)"
            }
            PowerBasis::NotCosted => "energy not costed (no energy price in the scenario)",
        }
    }
}

/// The costs of one pool: per device-hour of use, and per device bought.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolCost {
    /// Cost of one device-hour of use, by component (levy is per purchase,
    /// see `purchase`, so zero here).
    pub per_device_hour: DeviceHourCost,
    /// For purchasable pools: the cost of one device.
    pub purchase: Option<PurchaseCost>,
    /// Which power figure priced the energy.
    pub power_basis: PowerBasis,
    /// The power figure used (watts), when energy is costed.
    pub power: Option<Watts>,
    /// That figure with its source and confidence (the catalogue's `tdp`,
    /// possibly patched by the scenario).
    pub power_source: Option<Sourced<Watts>>,
    /// The depreciation period used for owned, non-sunk pools.
    pub depreciation: Option<Sourced<Hours>>,
}

/// A cost the model cannot compute without a figure the scenario lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CostGap {
    /// Energy is priced but the accelerator's chip TDP is unknown.
    PowerUnknown {
        /// The accelerator's catalogue name.
        accelerator: String,
    },
    /// An owned pool is amortised but has no unit price.
    PriceUnknown {
        /// The pool's name.
        pool: String,
    },
}

impl fmt::Display for CostGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostGap::PowerUnknown { accelerator } => write!(
                f,
                "the {accelerator}'s chip TDP is unknown, so its energy cost is too (energy is costed on chip TDP for every accelerator); add tdp under [[accelerators]] with a source, or drop budget.energy"
            ),
            CostGap::PriceUnknown { pool } => write!(
                f,
                "pool '{pool}' is owned with sunk = false but has no unit_price_usd to amortise"
            ),
        }
    }
}

/// The costs of pool `id` of a validated scenario (module docs).
///
/// # Errors
/// [`CostGap`] when a needed figure is unknown.
pub fn pool_cost(vs: &ValidatedScenario, id: PoolId) -> Result<PoolCost, CostGap> {
    let p = vs.pool(id);
    let a = p.accelerator();
    let pue = vs
        .scenario()
        .budget
        .energy
        .as_ref()
        .and_then(|e| e.pue)
        .unwrap_or(1.0);
    let util = defaults::utilisation().value.unwrap_or(Fraction::ONE);
    let (energy, power_basis, power) = match p.energy_price() {
        None => (UsdPerHour::ZERO, PowerBasis::NotCosted, None),
        Some(price) => {
            let Some(w) = a.tdp.value else {
                return Err(CostGap::PowerUnknown {
                    accelerator: a.name.clone(),
                });
            };
            (energy_rate(w, util, pue, price), PowerBasis::Tdp, Some(w))
        }
    };
    let power_source = power.map(|_| a.tdp.clone());
    let mut c = DeviceHourCost {
        energy,
        ..DeviceHourCost::default()
    };
    let mut purchase = None;
    let mut depreciation = None;
    match p.ownership() {
        Ownership::Owned {
            sunk,
            unit_price_usd,
            depreciation_days,
        } => {
            if *sunk == Some(false) {
                let price = unit_price_usd.ok_or_else(|| CostGap::PriceUnknown {
                    pool: p.name().to_owned(),
                })?;
                let period = match depreciation_days {
                    Some(d) => Sourced::new(d.to_hours(), crate::catalog::Confidence::Estimate)
                        .with_note("given in the scenario"),
                    None => defaults::depreciation(),
                };
                c.capex = period
                    .value
                    .and_then(|h| amortised(price, h))
                    .unwrap_or(UsdPerHour::ZERO);
                depreciation = Some(period);
            }
        }
        Ownership::Rentable { usd_per_hour, .. } => c.rental = *usd_per_hour,
        Ownership::Purchasable { unit_price_usd, .. } => {
            let l = match p.effect_at_start().0 {
                RuleEffect::Licensed {
                    levy: share,
                    levy_pass_through,
                    ..
                } => levy(*unit_price_usd, share, levy_pass_through),
                _ => Usd::ZERO,
            };
            purchase = Some(PurchaseCost {
                unit_price: *unit_price_usd,
                levy: l,
            });
        }
    }
    Ok(PoolCost {
        per_device_hour: c,
        purchase,
        power_basis,
        power,
        power_source,
        depreciation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn components_add_up() {
        // $28,600 over 5 years of 8,760 h ≈ $0.653/h
        let capex = amortised(Usd::from_raw(28_600.0), Hours::from_days(5.0 * 365.0))
            .unwrap_or(UsdPerHour::ZERO);
        assert_relative_eq!(capex.get(), 28_600.0 / 43_800.0);
        // 700 W at full load, PUE 1.3, $0.08/kWh → $0.0728/h
        let e = energy_rate(
            Watts::from_raw(700.0),
            Fraction::ONE,
            1.3,
            UsdPerKwh::from_raw(0.08),
        );
        assert_relative_eq!(e.get(), 0.0728, max_relative = 1e-12);
        // 15% revenue share on a $13,500 H20, fully passed through: $2,025
        let l = levy(
            Usd::from_raw(13_500.0),
            Fraction::from_raw(0.15),
            Fraction::ONE,
        );
        assert_relative_eq!(l.get(), 2_025.0);
        let c = DeviceHourCost {
            capex,
            energy: e,
            ..DeviceHourCost::default()
        };
        assert_relative_eq!(c.total().get(), capex.get() + e.get());
        assert!(amortised(Usd::from_raw(1.0), Hours::ZERO).is_none());
    }

    /// DeepSeek's accounting: 2,788K H800-hours at $2/h is $5.576M
    /// (V3 report, arXiv 2412.19437).
    #[test]
    fn deepseek_v3_bill() {
        let bill = UsdPerHour::from_raw(2.0) * Hours::from_raw(2_788_000.0);
        assert_relative_eq!(bill.get(), 5_576_000.0);
    }
}

#[cfg(test)]
mod scenario_tests {
    use super::*;
    use crate::scenario::Scenario;
    use approx::assert_relative_eq;

    #[test]
    fn hybrid_fleet_pool_costs() {
        let vs = Scenario::from_toml_str(include_str!("../examples/scenarios/hybrid_fleet.toml"))
            .expect("parses")
            .validate()
            .expect("valid");
        let cost =
            |name: &str| pool_cost(&vs, vs.pool_by_name(name).expect("pool")).expect("costed");
        // H20 bought under the US licence: 15% of $13,500, fully passed through
        let h20 = cost("h20-buy");
        let buy = h20.purchase.expect("purchasable");
        assert_relative_eq!(buy.levy.get(), 2_025.0);
        assert_relative_eq!(buy.total().get(), 15_525.0);
        // owned, sunk H800: only energy, 700 W x PUE 1.3 x $0.11/kWh
        let h800 = cost("h800-owned");
        assert_eq!(h800.power_basis, PowerBasis::Tdp);
        assert_relative_eq!(
            h800.per_device_hour.total().get(),
            0.7 * 1.3 * 0.11,
            max_relative = 1e-12
        );
        assert!(h800.purchase.is_none());
        // Ascend: the same basis (chip TDP, the 910C's being an estimate),
        // subsidised domestic-chip electricity; the CloudMatrix all-in
        // system power is not what is priced
        let asc = cost("ascend-910c-buy");
        assert_eq!(asc.power_basis, PowerBasis::Tdp);
        let w = asc.power.expect("power").get();
        assert_relative_eq!(w, 800.0);
        let src = asc.power_source.expect("sourced");
        assert_eq!(src.confidence, crate::catalog::Confidence::Estimate);
        assert_relative_eq!(
            asc.per_device_hour.energy.get(),
            0.8 * 1.3 * 0.056,
            max_relative = 1e-12
        );
        assert_relative_eq!(asc.purchase.expect("buy").levy.get(), 0.0);
    }
}
