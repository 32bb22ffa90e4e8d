//! Joint scenarios (which risks happen together, how likely) and the
//! scenario each one is: the base scenario with its events applied.

use super::spec::{DeliveryRisk, DemandRisk, Risk, RiskMode};
use crate::catalog::vendor_key;
use crate::fleet::{Count, Delivery};
use crate::policy::ExportRule;
use crate::scenario::{DAYS_PER_MONTH, Scenario, ValidatedScenario};
use crate::units::{Date, Days, Flops, Tokens};
use crate::workload::{DemandSchedule, DemandStep, RunFailure};
use std::collections::{BTreeMap, BTreeSet};

/// One joint outcome of the risks.
#[derive(Debug, Clone, PartialEq)]
pub struct JointScenario {
    /// Name: the events that happen joined by `+` (an event at an
    /// uncertain date as `name@YYYY-MM-DD`), or `none`; the listed name for
    /// `[[risk_scenarios]]` (with `@date`s appended when a listed risk has
    /// a range).
    pub name: String,
    /// Probability, in `(0, 1]`; the joint scenarios' sum to 1.
    pub probability: f64,
    /// The risks that happen (indices into `Scenario::risks`), sorted.
    pub events: Vec<usize>,
    /// The day each of `events` happens on (its `on`, or one of its
    /// range's dates: [`Risk::dates`]).
    pub on: Vec<Date>,
}

/// The joint scenarios of a validated scenario with risks: the listed ones
/// (`[[risk_scenarios]]`), a seeded sample (`risk.samples`), or every
/// combination of the independent risks' outcomes (not happening, or
/// happening on one of its dates), in mixed-radix order of the outcomes
/// (the first risk varies fastest; the first joint scenario has no event).
/// A risk at an uncertain date happens on each of its `points` dates with
/// `1/points` of its probability; a listed joint scenario with such a risk
/// splits into one per date, sharing its probability equally. Those of
/// probability zero are left out: they cannot happen and must not
/// constrain the plan.
#[must_use]
pub fn joint_scenarios(s: &Scenario) -> Vec<JointScenario> {
    let n = s.risks.len();
    let dates: Vec<Vec<Date>> = s.risks.iter().map(Risk::dates).collect();
    let ranged: Vec<bool> = s.risks.iter().map(|r| r.on_range.is_some()).collect();
    // one outcome per risk: 0 does not happen, d ≥ 1 happens on dates[d-1]
    let label = |i: usize, d: usize| {
        if ranged[i] {
            format!("{}@{}", s.risks[i].name, dates[i][d - 1])
        } else {
            s.risks[i].name.clone()
        }
    };
    let make = |outcome: &[usize], base: Option<&str>, p: f64| {
        let events: Vec<usize> = (0..n).filter(|&i| outcome[i] > 0).collect();
        let on = events.iter().map(|&i| dates[i][outcome[i] - 1]).collect();
        let name = match base {
            Some(b) => {
                let at: Vec<String> = events
                    .iter()
                    .filter(|&&i| ranged[i])
                    .map(|&i| format!("@{}", dates[i][outcome[i] - 1]))
                    .collect();
                format!("{b}{}", at.concat())
            }
            None if events.is_empty() => "none".to_owned(),
            None => events
                .iter()
                .map(|&i| label(i, outcome[i]))
                .collect::<Vec<_>>()
                .join("+"),
        };
        JointScenario {
            name,
            probability: p,
            events,
            on,
        }
    };
    let prob = |i: usize| s.risks[i].probability.map_or(0.0, |p| p.get());
    // dates per risk ≤ MAX_RANGE_POINTS (validation): exact in f64
    #[allow(clippy::cast_precision_loss)]
    let share = |i: usize| prob(i) / dates[i].len() as f64;
    let out: Vec<JointScenario> = match s.risk.mode(s) {
        RiskMode::Listed => {
            let mut out = Vec::new();
            for js in &s.risk_scenarios {
                let happen: BTreeSet<usize> = js
                    .risks
                    .iter()
                    .filter_map(|r| s.risks.iter().position(|x| &x.name == r))
                    .collect();
                let radix: Vec<usize> = (0..n)
                    .map(|i| {
                        if happen.contains(&i) {
                            dates[i].len()
                        } else {
                            1
                        }
                    })
                    .collect();
                let count: usize = radix.iter().product();
                // count ≤ MAX_RANGE_POINTS^risks, bounded by validation
                #[allow(clippy::cast_precision_loss)]
                let p = js.probability.get() / count as f64;
                for k in 0..count {
                    let outcome = digits(k, &radix)
                        .into_iter()
                        .enumerate()
                        .map(|(i, d)| if happen.contains(&i) { d + 1 } else { 0 })
                        .collect::<Vec<_>>();
                    out.push(make(&outcome, Some(&js.name), p));
                }
            }
            out
        }
        RiskMode::Sampled(draws) => {
            let mut rng = crate::rng::SplitMix64(s.risk.seed.unwrap_or(0));
            let mut counts: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
            for _ in 0..draws {
                let outcome: Vec<usize> = (0..n)
                    .map(|i| {
                        if rng.unit() >= prob(i) {
                            return 0;
                        }
                        if dates[i].len() == 1 {
                            return 1;
                        }
                        // a date of the range, uniformly
                        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                        #[allow(clippy::cast_sign_loss)]
                        let d = (rng.unit() * dates[i].len() as f64) as usize;
                        d.min(dates[i].len() - 1) + 1
                    })
                    .collect();
                *counts.entry(outcome).or_default() += 1;
            }
            // draws ≤ 2^18 (validation): exact in f64
            #[allow(clippy::cast_precision_loss)]
            let total = draws as f64;
            counts
                .into_iter()
                .map(|(outcome, c)| {
                    #[allow(clippy::cast_precision_loss)]
                    let p = c as f64 / total;
                    make(&outcome, None, p)
                })
                .collect()
        }
        RiskMode::Independent => {
            let radix: Vec<usize> = dates.iter().map(|d| d.len() + 1).collect();
            // ≤ MAX_JOINT_SCENARIOS (validation)
            let count: usize = radix
                .iter()
                .try_fold(1usize, |a, &r| a.checked_mul(r))
                .unwrap_or(usize::MAX)
                .min(super::MAX_JOINT_SCENARIOS);
            (0..count)
                .map(|k| {
                    let outcome = digits(k, &radix);
                    let p = (0..n)
                        .map(|i| {
                            if outcome[i] == 0 {
                                1.0 - prob(i)
                            } else {
                                share(i)
                            }
                        })
                        .product();
                    make(&outcome, None, p)
                })
                .collect()
        }
    };
    out.into_iter().filter(|j| j.probability > 0.0).collect()
}

/// `k` in mixed radix (the first digit varies fastest).
fn digits(mut k: usize, radix: &[usize]) -> Vec<usize> {
    radix
        .iter()
        .map(|&r| {
            let d = k % r.max(1);
            k /= r.max(1);
            d
        })
        .collect()
}

/// The scenario of a joint outcome: `base` with the events `events`
/// applied in date order (ties in declaration order), its risk sections
/// removed, named `"<base> [<joint>]"`.
#[must_use]
pub fn apply(base: &ValidatedScenario, joint: &JointScenario) -> Scenario {
    let mut s = base.scenario().clone();
    s.name = format!("{} [{}]", s.name, joint.name);
    // each event on its day in this joint scenario
    let mut evs: Vec<Risk> = joint
        .events
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let mut r = s.risks[i].clone();
            r.on = joint.on.get(k).copied().unwrap_or(r.on);
            r
        })
        .collect();
    evs.sort_by_key(|r| r.on);
    for r in &evs {
        if let Some(rule) = &r.rule {
            override_rule(base, &mut s, rule, r.on);
        }
        if let Some(d) = &r.deliveries {
            change_deliveries(&mut s, d, r.on);
        }
        if let Some(d) = &r.demand {
            scale_demand(&mut s, d, r.on);
        }
        if let Some(f) = &r.failure
            && let Some(ph) = s.phases.iter_mut().find(|p| p.name == f.phase)
        {
            let mut rf = RunFailure::on_pools(r.on, f.pools.clone());
            rf.vendors.clone_from(&f.vendors);
            ph.failures.push(rf);
        }
    }
    s.risks.clear();
    s.risk_scenarios.clear();
    s.risk = super::RiskOptions::default();
    s
}

/// The accelerators a rule covers, by catalogue index.
fn covered(base: &ValidatedScenario, r: &ExportRule) -> BTreeSet<usize> {
    let cat = base.catalog();
    let mut out: BTreeSet<usize> = r
        .accelerators
        .iter()
        .filter_map(|n| cat.position(n))
        .collect();
    for v in &r.vendors {
        out.extend(
            cat.iter()
                .enumerate()
                .filter(|(_, a)| vendor_key(&a.vendor) == vendor_key(v))
                .map(|(i, _)| i),
        );
    }
    out
}

/// Puts `rule` in force from `on`: every rule of the same issuer and
/// destination covering one of its accelerators stops at `on` (or is
/// dropped when it starts on or after `on`) for those accelerators; the
/// accelerators it covers that `rule` does not keep it, by name, in a copy
/// from `on`.
fn override_rule(base: &ValidatedScenario, s: &mut Scenario, rule: &ExportRule, on: Date) {
    let new_cov = covered(base, rule);
    let cat = base.catalog().as_slice();
    let mut rules: Vec<ExportRule> = Vec::with_capacity(s.policy.rules.len() + 2);
    for r in std::mem::take(&mut s.policy.rules) {
        let same = r.issuer == rule.issuer && r.destination == rule.destination;
        let reaches = r.until.is_none_or(|u| u > on);
        let cov = covered(base, &r);
        if !same || !reaches || cov.is_disjoint(&new_cov) {
            rules.push(r);
            continue;
        }
        let rest: Vec<String> = cov
            .difference(&new_cov)
            .map(|&i| cat[i].name.clone())
            .collect();
        if !rest.is_empty() {
            let mut keep = r.clone();
            keep.accelerators = rest;
            keep.vendors.clear();
            keep.from = Some(r.from.map_or(on, |f| f.max(on)));
            rules.push(keep);
        }
        if r.from.is_none_or(|f| f < on) {
            let mut before = r;
            before.until = Some(on);
            rules.push(before);
        }
    }
    let mut added = rule.clone();
    added.from = Some(on);
    rules.push(added);
    s.policy.rules = rules;
}

/// Scales and/or delays a pool's delivery schedule from `on`.
fn change_deliveries(s: &mut Scenario, d: &DeliveryRisk, on: Date) {
    let Some(pool) = s.pools.iter_mut().find(|p| p.name == d.pool) else {
        return;
    };
    let steps = std::mem::take(&mut pool.deliveries);
    let in_force = steps.iter().take_while(|x| x.from <= on).last().cloned();
    let mut before: Vec<Delivery> = steps.iter().filter(|x| x.from < on).cloned().collect();
    let mut after: Vec<Delivery> = in_force
        .map(|x| Delivery::new(on, x.max_per_period))
        .into_iter()
        .chain(steps.into_iter().filter(|x| x.from > on))
        .collect();
    if let Some(f) = d.scale {
        for x in &mut after {
            let cap = x.max_per_period.get().unwrap_or(0);
            // caps are counts ≤ 10^15 (validation): exact in f64
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
            #[allow(clippy::cast_sign_loss)]
            let scaled = (cap as f64 * f).floor() as u64;
            x.max_per_period = Count::new(scaled);
        }
    }
    if let Some(n) = d.delay_days {
        let end = s.start.after(s.horizon_days);
        for x in &mut after {
            x.from = x.from.after(n).unwrap_or(x.from);
        }
        after.retain(|x| end.is_none_or(|e| x.from < e));
        // nothing arrives between the event and the delayed supply
        before.push(Delivery::new(on, 0u64));
    }
    before.extend(after);
    pool.deliveries = before;
}

/// Scales a phase's demand from `on` (inference: the daily demand from
/// then on, growth kept; training: the whole work).
fn scale_demand(s: &mut Scenario, d: &DemandRisk, on: Date) {
    let Some(pi) = s.phases.iter().position(|p| p.name == d.phase) else {
        return;
    };
    let f = d.scale;
    let start = s.start;
    let ph = &mut s.phases[pi];
    if ph.kind.is_training() {
        ph.tokens = ph.tokens.map(|t| Tokens::from_raw(t.get() * f));
        ph.flops = ph.flops.map(|w| Flops::from_raw(w.get() * f));
        return;
    }
    let Some(sched) = ph.tokens_per_day.take() else {
        return;
    };
    let scale = |st: &DemandStep| DemandStep {
        from: st.from,
        input: Tokens::from_raw(st.input.get() * f),
        output: Tokens::from_raw(st.output.get() * f),
        cache_hit: st.cache_hit,
    };
    let steps: Vec<DemandStep> = match sched {
        DemandSchedule::Steps(v) => v,
        DemandSchedule::Flat(dm) => {
            // the flat demand as a step at the window's start, where its
            // growth is compounded from
            let from_day = ph.from_day.map_or(0.0, Days::get);
            let at = start.after(Days::from_raw(from_day)).unwrap_or(start);
            vec![DemandStep::new(at, &dm)]
        }
    };
    let first = steps.first().map(|x| x.from);
    let mut out: Vec<DemandStep> = Vec::with_capacity(steps.len() + 1);
    if first.is_none_or(|f0| on <= f0) {
        out.extend(steps.iter().map(scale));
    } else {
        out.extend(steps.iter().filter(|x| x.from < on).cloned());
        // the demand in force on the event's day, grown to it (growth
        // compounds from the step's date, as the calendar reads it), scaled
        if let Some(st) = steps.iter().take_while(|x| x.from <= on).last() {
            let g = ph.growth_per_month.unwrap_or(0.0);
            // day counts are far below 2^52: exact
            #[allow(clippy::cast_precision_loss)]
            let days = on.days_since(st.from.max(start)) as f64;
            let grow = (1.0 + g).powf((days / DAYS_PER_MONTH).max(0.0));
            let now = DemandStep {
                from: on,
                input: Tokens::from_raw(st.input.get() * grow),
                output: Tokens::from_raw(st.output.get() * grow),
                cache_hit: st.cache_hit,
            };
            out.push(scale(&now));
        }
        out.extend(steps.iter().filter(|x| x.from > on).map(scale));
    }
    ph.tokens_per_day = Some(DemandSchedule::Steps(out));
}
