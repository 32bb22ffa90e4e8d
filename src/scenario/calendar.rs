//! Policy, supply and demand over time: what holds on a given day of the
//! plan.
//!
//! Every rule of a scenario is dated: export rules and domestic shares have
//! `from`/`until`, delivery schedules and demand schedules have steps,
//! accelerators have an `available_from`. The planner cuts time wherever one
//! of these changes ([`ValidatedScenario::change_points`]) and asks, for each
//! interval, what holds on its first day; the verifier asks the same
//! questions of a plan's schedule. Both use the functions here, which read
//! the scenario only (no model).
//!
//! Times are hours from the scenario's start; a rule dated `D` takes effect
//! at hour `24 · (D − start)`. An instant falls on the day that contains it
//! ([`ValidatedScenario::date_at`]).

use super::{PhaseId, PoolId, RuleId, ValidatedScenario};
use crate::catalog::vendor_key;
use crate::fleet::Ownership;
use crate::policy::{RuleEffect, RuleScope};
use crate::units::{Date, Days, Fraction, Hours};
use crate::workload::{DemandSchedule, PhaseKind, RunFailure, TokenDemand};

/// Average days in a month (365.25 / 12), the unit of `growth_per_month`.
pub const DAYS_PER_MONTH: f64 = 30.4375;

impl ValidatedScenario {
    /// Hours from the start to the beginning of `date` (negative before the
    /// start).
    #[must_use]
    pub fn hours_of(&self, date: Date) -> f64 {
        // day counts are far below 2^52: exact
        #[allow(clippy::cast_precision_loss)]
        let days = date.days_since(self.start()) as f64;
        days * 24.0
    }

    /// The day that contains the instant `h` hours after the start (the
    /// start itself when `h` is not a valid offset).
    #[must_use]
    pub fn date_at(&self, h: Hours) -> Date {
        self.start()
            .after(Days::from_raw(h.get().max(0.0) / 24.0))
            .unwrap_or(self.start())
    }

    /// The planning periods `[start, end)` in hours: `period_days` long from
    /// the start (the last one cut at the horizon), or the whole horizon as
    /// one period when the scenario sets none.
    #[must_use]
    pub fn periods(&self) -> Vec<(Hours, Hours)> {
        let h = self.horizon().to_hours().get();
        let step = self
            .scenario()
            .period_days
            .map_or(h, |d| d.to_hours().get())
            .max(1e-9);
        let mut out = Vec::new();
        let mut a = 0.0_f64;
        // validation bounds the number of periods (MAX_PERIODS); the guard
        // keeps this loop bounded whatever the input
        while a < h - 1e-9 && out.len() < 100_000 {
            let b = (a + step).min(h);
            out.push((Hours::from_raw(a), Hours::from_raw(b)));
            a = b;
        }
        out
    }

    /// The period containing the instant `h` (the last one at or after the
    /// horizon).
    #[must_use]
    pub fn period_of(&self, h: Hours) -> usize {
        let ps = self.periods();
        ps.iter()
            .position(|&(_, b)| h.get() < b.get() - 1e-9)
            .unwrap_or(ps.len().saturating_sub(1))
    }

    /// Every instant inside the horizon where something dated changes:
    /// period boundaries, export rules and domestic shares starting or
    /// ending, the justification rule starting, demand and delivery steps,
    /// and pools becoming available. Sorted, each once, in `(0, H)`.
    #[must_use]
    pub fn change_points(&self) -> Vec<Hours> {
        let s = self.scenario();
        let mut dates: Vec<Date> = Vec::new();
        for r in &s.policy.rules {
            dates.extend(r.from.iter().chain(r.until.iter()));
        }
        for d in &s.policy.domestic_share {
            dates.extend(d.from.iter().chain(d.until.iter()));
        }
        if let Some(j) = &s.policy.justification {
            dates.extend(j.from.iter());
        }
        for k in self.pool_ids() {
            let p = self.pool(k);
            dates.extend(p.available_from());
            dates.extend(p.deliveries().iter().map(|d| d.from));
        }
        for ph in &s.phases {
            if let Some(sched) = &ph.tokens_per_day {
                dates.extend(sched.step_dates());
            }
            dates.extend(ph.failures.iter().map(|f| f.on));
        }
        let h = self.horizon().to_hours().get();
        let mut out: Vec<f64> = dates.into_iter().map(|d| self.hours_of(d)).collect();
        out.extend(self.periods().iter().map(|p| p.0.get()));
        out.retain(|&x| x > 1e-9 && x < h - 1e-9);
        out.sort_by(f64::total_cmp);
        out.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        out.into_iter().map(Hours::from_raw).collect()
    }

    /// When runs of training phase `p` on pool `k` fail
    /// ([`crate::workload::RunFailure`]): the hours of the failures that
    /// name the pool or its accelerator's vendor, inside the horizon,
    /// sorted.
    #[must_use]
    pub fn run_failures(&self, p: PhaseId, k: PoolId) -> Vec<Hours> {
        let pool = self.pool(k);
        let vendor = vendor_key(&pool.accelerator().vendor);
        self.failure_hours(p, |f| {
            f.pools.iter().any(|n| n == pool.name())
                || f.vendors.iter().any(|v| vendor_key(v) == vendor)
        })
    }

    /// When runs of training phase `p` fail on some pool: the times from
    /// which the phase may start new runs.
    #[must_use]
    pub fn failure_starts(&self, p: PhaseId) -> Vec<Hours> {
        self.failure_hours(p, |_| true)
    }

    fn failure_hours(&self, p: PhaseId, keep: impl Fn(&RunFailure) -> bool) -> Vec<Hours> {
        let h = self.horizon().to_hours().get();
        let mut out: Vec<f64> = self
            .phase(p)
            .spec()
            .failures
            .iter()
            .filter(|f| keep(f))
            .map(|f| self.hours_of(f.on))
            .filter(|&t| t > 1e-9 && t < h - 1e-9)
            .collect();
        out.sort_by(f64::total_cmp);
        out.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        out.into_iter().map(Hours::from_raw).collect()
    }

    /// Whether a run of phase `p` on pool `k` held over `[from, to)` hours
    /// fails: it started before a failure of its pool and had not ended
    /// before it (a run ending on the failure's instant fails too).
    #[must_use]
    pub fn run_fails(&self, p: PhaseId, k: PoolId, from: f64, to: f64) -> Option<Hours> {
        self.run_failures(p, k)
            .into_iter()
            .find(|t| from < t.get() - 1e-6 && to >= t.get() - 1e-6)
    }

    /// Whether `pool`'s devices may run on `date`: no prohibition of use in
    /// force (a `scope = "use"` rule, or for owned devices a prohibition
    /// that binds owned devices); for a rentable pool, renting is also
    /// permitted then (a sale prohibition ends rentals) and the devices are
    /// available.
    #[must_use]
    pub fn usable_on(&self, pool: PoolId, date: Date) -> bool {
        let p = self.pool(pool);
        let (acc, site) = (p.accelerator_id(), p.site());
        let owned = p.ownership().is_owned();
        let banned = self.rules().iter().any(|r| {
            r.destination == site
                && r.in_force(date)
                && r.covers(acc)
                && matches!(r.effect, RuleEffect::Prohibited)
                && (r.scope == RuleScope::Use || (owned && r.applies_to_owned))
        });
        if banned {
            return false;
        }
        match p.ownership() {
            Ownership::Rentable { .. } => self.order_effect(pool, date).0.permits(),
            _ => true,
        }
    }

    /// The effect of export rules on acquiring `pool`'s devices (buying a
    /// purchasable pool's, renting a rentable pool's) on `date`, and the
    /// deciding rule. Prohibited, with no rule, before the pool's
    /// `available_from`. Owned pools acquire nothing: allowed.
    #[must_use]
    pub fn order_effect(&self, pool: PoolId, date: Date) -> (RuleEffect, Option<RuleId>) {
        let p = self.pool(pool);
        if p.ownership().is_owned() {
            return (RuleEffect::Allowed, None);
        }
        if p.available_from().is_some_and(|a| date < a) {
            return (RuleEffect::Prohibited, None);
        }
        self.pool_effect(pool, date)
    }

    /// The most devices of a purchasable `pool` that may arrive in a period
    /// starting on `date` under its delivery schedule: `None` when the pool
    /// has no schedule (only `ownership.max` limits it), `Some(0)` before
    /// the first step.
    #[must_use]
    pub fn delivery_cap(&self, pool: PoolId, date: Date) -> Option<u64> {
        let steps = self.pool(pool).deliveries();
        if steps.is_empty() {
            return None;
        }
        Some(
            steps
                .iter()
                .take_while(|d| d.from <= date)
                .last()
                .and_then(|d| d.max_per_period.get())
                .unwrap_or(0),
        )
    }

    /// An inference phase's daily demand at the instant `h` (hours from
    /// the start): the step in force then (none before the first step),
    /// grown by `growth_per_month` compounded from the step's date (or from
    /// the service window's start for a flat demand). Not yet scaled by
    /// `peak_to_average`.
    #[must_use]
    pub fn demand_at(&self, phase: PhaseId, h: Hours) -> Option<TokenDemand> {
        let ph = self.phase(phase);
        let spec = ph.spec();
        let sched = spec.tokens_per_day.as_ref()?;
        let (base, since) = match sched {
            DemandSchedule::Flat(d) => (d.clone(), ph.window().0.to_hours().get()),
            DemandSchedule::Steps(steps) => {
                let st = steps
                    .iter()
                    .take_while(|s| self.hours_of(s.from) <= h.get() + 1e-9)
                    .last()?;
                (st.demand(), self.hours_of(st.from).max(0.0))
            }
        };
        let g = spec.growth_per_month.unwrap_or(0.0);
        if g == 0.0 {
            return Some(base);
        }
        let months = ((h.get() - since) / 24.0 / DAYS_PER_MONTH).max(0.0);
        let f = (1.0 + g).powf(months);
        Some(TokenDemand {
            input: base.input * f,
            output: base.output * f,
            cache_hit: base.cache_hit,
        })
    }

    /// The windows `(from, to, min)` of phase kind `kind`'s domestic-share
    /// rule: stretches of the horizon where one minimum is in force, cut at
    /// period boundaries when the scenario has periods (each period meets
    /// the share on its own); none where no rule is in force.
    #[must_use]
    pub fn domestic_share_windows(&self, kind: PhaseKind) -> Vec<(Hours, Hours, Fraction)> {
        let by_period = self.scenario().period_days.is_some();
        let mut points: Vec<f64> = vec![0.0];
        points.extend(self.change_points().iter().map(|h| h.get()));
        points.push(self.horizon().to_hours().get());
        let mut out: Vec<(Hours, Hours, Fraction)> = Vec::new();
        let mut prev: Option<(usize, u64)> = None;
        for w in points.windows(2) {
            let (a, b) = (Hours::from_raw(w[0]), Hours::from_raw(w[1]));
            let Some(min) = self.domestic_share_min(kind, self.date_at(a)) else {
                prev = None;
                continue;
            };
            let key = (
                if by_period { self.period_of(a) } else { 0 },
                min.get().to_bits(),
            );
            match out.last_mut() {
                Some(last) if prev == Some(key) => last.1 = b,
                _ => out.push((a, b, min)),
            }
            prev = Some(key);
        }
        out
    }

    /// The factor serving is sized on over the daily average
    /// (`peak_to_average`, 1 when absent).
    #[must_use]
    pub fn peak_factor(&self, phase: PhaseId) -> f64 {
        self.phase(phase).spec().peak_to_average.unwrap_or(1.0)
    }
}
