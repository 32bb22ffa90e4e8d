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
//! and a licensed *purchase* also carries a **levy**: the exporter's
//! revenue share `ℓ` of the sale price, of which the buyer bears the
//! pass-through fraction `p`: `price · ℓ · p` per device ([`levy`]).
//!
//! All figures are in typed units; the planner turns them into objective
//! coefficients.

use crate::units::{Fraction, Hours, Usd, UsdPerHour, UsdPerKwh, Watts};

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
