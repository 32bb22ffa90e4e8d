//! What `fleetplan explain PHASE POOL` prints: the performance model's
//! factors for one (phase, pool) pair, its rate, and the pool's cost per
//! device-hour, as text or JSON.

use super::{PairExplanation, PairRate, PerfModel};
use crate::cost::{CostGap, PoolCost, pool_cost};
use crate::scenario::{PhaseId, PoolId, ValidatedScenario};

/// The explanation of one (phase, pool) pair with the pool's costs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PairReport {
    /// The phase's name.
    pub phase: String,
    /// The pool's name.
    pub pool: String,
    /// Every factor of the rate, and the rate (or why the pool cannot run
    /// the phase).
    pub explanation: PairExplanation,
    /// The pool's cost per device-hour, or the figure it lacks.
    pub cost: Result<PoolCost, CostGap>,
}

impl PairReport {
    /// Explains `phase` on `pool` of `vs`.
    ///
    /// ```
    /// use fleetplan::perf::PairReport;
    /// use fleetplan::scenario::Scenario;
    ///
    /// let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
    /// let vs = Scenario::from_toml_str(&text)?.validate()?;
    /// let phase = vs.phase_by_name("pretrain").expect("a phase");
    /// let pool = vs.pool_by_name("h800").expect("a pool");
    /// let r = PairReport::new(&vs, phase, pool);
    /// assert!(r.to_text().starts_with("pretrain on h800:"));
    /// # Ok::<(), fleetplan::Error>(())
    /// ```
    #[must_use]
    pub fn new(vs: &ValidatedScenario, phase: PhaseId, pool: PoolId) -> PairReport {
        PairReport {
            phase: vs.phase(phase).name().to_owned(),
            pool: vs.pool(pool).name().to_owned(),
            explanation: PerfModel::new(vs).explain(phase, pool),
            cost: pool_cost(vs, pool),
        }
    }

    /// One line: the rate per device, or why the pool is not eligible.
    #[must_use]
    pub fn outcome(&self) -> String {
        match &self.explanation.rate {
            Ok(PairRate::Training(t)) => format!(
                "eligible: {:.3} TFLOP/s effective per device at a {:.0}-device job; {:.4e} of the work per device-hour",
                t.rate.effective.tera(),
                t.rate.devices,
                t.share_per_device_hour
            ),
            Ok(PairRate::Inference(i)) => format!(
                "eligible: prefill {:.0} and decode {:.0} tokens/s per device ({}), replicas of {} devices; one device serves {:.4e} of the daily demand",
                i.prefill.get(),
                i.decode.get(),
                match (i.measured, i.decode_measured) {
                    (true, true) => "measured",
                    (false, false) => "roofline",
                    (true, false) => "prefill measured, decode roofline",
                    (false, true) => "prefill roofline, decode measured",
                },
                i.replica,
                i.share_per_device
            ),
            Err(u) => format!("not eligible: {u}"),
        }
    }

    /// The report as `fleetplan explain --format json` prints it (the keys
    /// are a contract): `{ phase, pool, eligible, outcome, factors: [{name,
    /// value, unit, origin, confidence, sources, note}], cost }`.
    #[must_use]
    pub fn to_json_value(&self) -> serde_json::Value {
        let factors: Vec<serde_json::Value> = self
            .explanation
            .factors
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": f.name,
                    "value": serde_json::Number::from_f64(f.value).map_or(serde_json::Value::Null, serde_json::Value::Number),
                    "unit": f.unit,
                    "origin": f.origin.as_str(),
                    "confidence": f.confidence.map(|c| c.as_str()),
                    "sources": f.sources,
                    "note": f.note,
                })
            })
            .collect();
        let c = self.cost.as_ref().ok().map(|c| {
            serde_json::json!({
                "capex_usd_per_hour": c.per_device_hour.capex.get(),
                "rental_usd_per_hour": c.per_device_hour.rental.get(),
                "energy_usd_per_hour": c.per_device_hour.energy.get(),
                "purchase_usd": c.purchase.map(|p| p.unit_price.get()),
                "levy_usd": c.purchase.map(|p| p.levy.get()),
                "energy_basis": c.power_basis.describe(),
                "power_w": c.power.map(|w| w.get()),
                "power_confidence": c.power_source.as_ref().map(|s| s.confidence.as_str()),
                "power_sources": c.power_source.as_ref().map(|s| s.sources.clone()),
                "power_note": c.power_source.as_ref().and_then(|s| s.note.clone()),
            })
        });
        serde_json::json!({
            "phase": self.phase, "pool": self.pool, "eligible": self.explanation.rate.is_ok(),
            "outcome": self.outcome(), "factors": factors, "cost": c,
        })
    }

    /// The report as `fleetplan explain` prints it: one line per factor
    /// (value, unit, origin, confidence, source, note), the outcome, the
    /// cost per device-hour and the energy basis.
    #[must_use]
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut o = format!("{} on {}:\n", self.phase, self.pool);
        for f in &self.explanation.factors {
            let v = if f.value.is_nan() {
                "unknown".to_owned()
            } else if f.value != 0.0 && (f.value.abs() >= 1e6 || f.value.abs() < 1e-3) {
                format!("{:.6e}", f.value)
            } else {
                format!("{:.6}", f.value)
            };
            let _ = writeln!(
                o,
                "  {:<34} {:>20} {:<12} {:<9} {}",
                f.name,
                v,
                f.unit,
                f.origin.as_str(),
                f.confidence.map_or("", |c| c.label())
            );
            if let Some(s) = f.sources.first() {
                let _ = writeln!(o, "  {:<34} source: {s}", "");
            }
            if let Some(n) = &f.note {
                let _ = writeln!(o, "  {:<34} note: {n}", "");
            }
        }
        let _ = writeln!(o, "{}", self.outcome());
        match &self.cost {
            Ok(c) => {
                let _ = writeln!(
                    o,
                    "cost per device-hour: capex {:.4} + rental {:.4} + energy {:.4} = {:.4} USD{}",
                    c.per_device_hour.capex.get(),
                    c.per_device_hour.rental.get(),
                    c.per_device_hour.energy.get(),
                    c.per_device_hour.total().get(),
                    c.purchase.map_or(String::new(), |p| format!(
                        "; purchase {:.0} + levy {:.0} USD per device",
                        p.unit_price.get(),
                        p.levy.get()
                    ))
                );
                let _ = write!(o, "energy basis: {}", c.power_basis.describe());
                if let (Some(w), Some(s)) = (c.power, &c.power_source) {
                    let _ = write!(o, ": {:.0} W {}", w.get(), s.confidence.label());
                    if let Some(n) = &s.note {
                        let _ = write!(o, " ({n})");
                    }
                }
                o.push('\n');
            }
            Err(g) => {
                let _ = writeln!(o, "cost: {g}");
            }
        }
        o
    }
}
