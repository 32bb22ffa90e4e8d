//! Reading a solution into a [`Plan`], and rendering plans as a table,
//! Markdown and JSON.

use super::compile::{ColInfo, ColKind, Compiled};
use super::{
    Assignment, CostBreakdown, KvTransfer, PhaseOutcome, Plan, PlanStatus, PoolUse, Purchase,
    ServeRole, Slot,
};
use crate::fleet::Ownership;
use crate::scenario::{PhaseId, PoolId, ValidatedScenario};
use crate::units::{Bytes, BytesPerSec, Hours, Tokens, Usd};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const EPS: f64 = 1e-9;

/// (phase, prefill pool, decode pool).
type KvPair<'a> = (&'a str, &'a str, &'a str);
/// Most requests (fraction), most bytes/s, bytes, USD.
type KvTotals = (f64, f64, f64, f64);

/// A pair's work segments `(start, end, rate per hour)`, as
/// [`finish_time`] reads them.
type Segments = Vec<(f64, f64, f64)>;

/// Fills a plan's business content from column values `x`: each column's
/// value is read into the plan's parts by its kind ([`Reader`]), then the
/// summaries (assignments, phase outcomes, pool use) are derived from them.
pub(super) fn fill(vs: &ValidatedScenario, c: &Compiled, x: &[f64], plan: &mut Plan) {
    let mut r = Reader::new(vs, c);
    for (j, col) in c.cols.iter().enumerate() {
        r.column(j, col, x[j]);
    }
    let mut cost = r.cost;
    cost.total_usd =
        cost.capital_charge_usd + cost.rental_usd + cost.energy_usd + cost.transfer_usd;
    plan.assignments = assignments(vs, &r.per_pair);
    plan.phases = phase_outcomes(vs, c, &r.work_done, &r.rates, &r.served);
    plan.pools = pool_uses(vs, c, &r.slots, &r.purchases);
    plan.cost = cost;
    plan.purchases = r.purchases;
    plan.schedule = r.slots;
    plan.kv_transfers = r.kv;
}

/// What the columns' values add up to, as [`fill`] reads them.
struct Reader<'a> {
    vs: &'a ValidatedScenario,
    c: &'a Compiled,
    cost: CostBreakdown,
    slots: Vec<Slot>,
    kv: Vec<KvTransfer>,
    purchases: Vec<Purchase>,
    /// Per (phase, pool): the slots `(from, to, devices)` and device-hours
    /// (a pair's training windows can overlap: the peak is of their sum).
    per_pair: BTreeMap<(usize, usize), (Segments, f64)>,
    /// Per training phase: the share of its work done.
    work_done: Vec<f64>,
    /// Per (inference phase, interval): the share of demand served; every
    /// interval with a demand row counts, served or not.
    served: BTreeMap<(usize, usize), f64>,
    /// Per phase: `(start, end, rate per hour)` segments for training
    /// finish times (a window may end before the deadline: a rule on use).
    rates: Vec<Segments>,
}

impl<'a> Reader<'a> {
    fn new(vs: &'a ValidatedScenario, c: &'a Compiled) -> Self {
        let nphase = vs.phase_ids().len();
        let served = c
            .rows
            .iter()
            .filter_map(|r| match r.kind {
                super::compile::RowKind::Serve { phase, interval } => {
                    Some(((phase.index(), interval), 0.0))
                }
                _ => None,
            })
            .collect();
        Reader {
            vs,
            c,
            cost: CostBreakdown::default(),
            slots: Vec::new(),
            kv: Vec::new(),
            purchases: Vec::new(),
            per_pair: BTreeMap::new(),
            work_done: vec![0.0; nphase],
            served,
            rates: vec![Vec::new(); nphase],
        }
    }

    /// Reads column `j` (`col`) at value `v`.
    fn column(&mut self, j: usize, col: &ColInfo, v: f64) {
        // Negligible relative to what the column does: a tiny job's
        // fractional plan runs 6e-11 units whose share of the work is 1.
        if v.abs() * col.share.abs().max(1.0) <= EPS {
            return;
        }
        let cost = &mut self.cost;
        let part = |per: f64| Usd::from_raw((v * per).max(0.0));
        cost.capex_usd += part(col.cost.capex);
        cost.rental_usd += part(col.cost.rental);
        cost.energy_usd += part(col.cost.energy);
        cost.levy_usd += part(col.cost.levy);
        cost.capital_charge_usd += part(col.cost.capital);
        cost.transfer_usd += part(col.cost.transfer);
        match col.kind {
            ColKind::Train { phase, pool } => self.train(col, phase, pool, v),
            ColKind::Serve {
                phase,
                pool,
                interval,
                role,
            } => self.serve(col, (phase, pool, interval), role, v),
            ColKind::KvFlow {
                phase,
                prefill,
                decode,
                interval,
            } => self.kv_flow(j, col, (phase, interval), (prefill, decode), v),
            ColKind::Buy { pool } => self.buy(col, pool, v),
            ColKind::Use { .. } | ColKind::Served { .. } => {}
        }
    }

    /// A slot of `devices` of `pool` on `phase` over `[from, to]`, counted
    /// for the pair's assignment.
    fn slot(
        &mut self,
        col: &ColInfo,
        (phase, pool): (PhaseId, PoolId),
        (from, to): (Hours, Hours),
        devices: f64,
        role: Option<ServeRole>,
    ) {
        self.slots.push(Slot {
            phase: self.vs.phase(phase).name().to_owned(),
            pool: self.vs.pool(pool).name().to_owned(),
            from_hours: from,
            to_hours: to,
            devices,
            role,
        });
        let e = self
            .per_pair
            .entry((phase.index(), pool.index()))
            .or_default();
        e.0.push((from.get(), to.get(), devices));
        e.1 += devices * col.hours;
    }

    fn train(&mut self, col: &ColInfo, phase: PhaseId, pool: PoolId, v: f64) {
        let (start, end) = col.window;
        self.slot(col, (phase, pool), (start, end), v * col.unit, None);
        self.work_done[phase.index()] += v * col.share;
        if col.hours > 0.0 {
            self.rates[phase.index()].push((start.get(), end.get(), v * col.share / col.hours));
        }
    }

    fn serve(
        &mut self,
        col: &ColInfo,
        (phase, pool, interval): (PhaseId, PoolId, usize),
        role: ServeRole,
        v: f64,
    ) {
        let colocated = role == ServeRole::Colocated;
        let window = self.c.intervals[interval];
        self.slot(
            col,
            (phase, pool),
            window,
            v * col.unit,
            (!colocated).then_some(role),
        );
        if colocated {
            *self.served.entry((phase.index(), interval)).or_insert(0.0) += v * col.share;
        }
    }

    fn kv_flow(
        &mut self,
        j: usize,
        col: &ColInfo,
        (phase, interval): (PhaseId, usize),
        (prefill, decode): (PoolId, PoolId),
        v: f64,
    ) {
        let (a, b) = self.c.intervals[interval];
        let info = self.c.kv_flows.get(&j).copied();
        let vs = self.vs;
        self.kv.push(KvTransfer {
            phase: vs.phase(phase).name().to_owned(),
            prefill_pool: vs.pool(prefill).name().to_owned(),
            decode_pool: vs.pool(decode).name().to_owned(),
            from_hours: a,
            to_hours: b,
            fraction: v,
            input_tokens_per_day: Tokens::from_raw(v * info.map_or(0.0, |i| i.input_per_day)),
            peak_bytes_per_s: BytesPerSec::from_raw(v * info.map_or(0.0, |i| i.bytes_per_sec)),
            bytes: Bytes::from_raw(v * info.map_or(0.0, |i| i.bytes)),
            cost_usd: Usd::from_raw(v * col.cost.transfer),
        });
        *self.served.entry((phase.index(), interval)).or_insert(0.0) += v * col.share;
    }

    fn buy(&mut self, col: &ColInfo, pool: PoolId, v: f64) {
        let p = self.vs.pool(pool);
        let (ordered, arrives) = col.window;
        self.purchases.push(Purchase {
            pool: p.name().to_owned(),
            accelerator: p.accelerator().name.clone(),
            devices: v * col.unit,
            cost_usd: Usd::from_raw(v * (col.cost.capex + col.cost.levy)),
            levy_usd: Usd::from_raw(v * col.cost.levy),
            capital_charge_usd: Usd::from_raw(v * col.cost.capital),
            ordered_day: ordered.to_days(),
            arrives_day: arrives.to_days(),
            needs_justification: p.needs_justification_on(self.vs.date_at(ordered)),
        });
    }
}

/// One assignment per (phase, pool) pair the schedule uses: its peak
/// devices at once and device-hours.
fn assignments(
    vs: &ValidatedScenario,
    per_pair: &BTreeMap<(usize, usize), (Segments, f64)>,
) -> Vec<Assignment> {
    per_pair
        .iter()
        .map(|(&(p, k), (items, dh))| {
            let pool = vs.pool(PoolId::new(k));
            Assignment {
                phase: vs.phase(PhaseId::new(p)).name().to_owned(),
                pool: pool.name().to_owned(),
                accelerator: pool.accelerator().name.clone(),
                devices: crate::units::Devices::from_raw(peak_at_once(items)),
                device_hours: Hours::from_raw(*dh),
                domestic: pool.is_domestic(),
            }
        })
        .collect()
}

/// Each phase's outcome: a training phase's work done and finish time; an
/// inference phase's least share of demand served over its intervals.
fn phase_outcomes(
    vs: &ValidatedScenario,
    c: &Compiled,
    work_done: &[f64],
    rates: &[Segments],
    served: &BTreeMap<(usize, usize), f64>,
) -> Vec<PhaseOutcome> {
    vs.phases()
        .map(|ph| {
            let p = ph.id().index();
            let deadline = c.ends[p];
            let (finishes, met) = if ph.kind().is_training() {
                let finishes = finish_time(&rates[p], deadline.get()).map(Hours::from_raw);
                (finishes, work_done[p])
            } else {
                let met = served
                    .iter()
                    .filter(|((q, _), _)| *q == p)
                    .map(|(_, &v)| v)
                    .fold(f64::INFINITY, f64::min);
                // no interval of its window has demand (steps that start
                // after it ends): nothing is required, so all of it is met
                // (as `verify` recomputes it)
                let met = if met.is_finite() { met } else { 1.0 };
                ((met >= 1.0 - 1e-6).then_some(deadline), met)
            };
            PhaseOutcome {
                name: ph.name().to_owned(),
                kind: ph.kind(),
                finishes_at_hours: finishes,
                deadline_hours: deadline,
                demand_met: met,
            }
        })
        .collect()
}

/// Each pool's device-hours, utilisation (of owned and bought device-hours
/// over the horizon; zero for rentable pools) and most devices busy in any
/// interval.
fn pool_uses(
    vs: &ValidatedScenario,
    c: &Compiled,
    slots: &[Slot],
    purchases: &[Purchase],
) -> Vec<PoolUse> {
    let horizon = vs.horizon().to_hours().get();
    vs.pools()
        .map(|p| {
            let k = p.name();
            let mine: Vec<&Slot> = slots.iter().filter(|s| s.pool == k).collect();
            let dh: f64 = mine
                .iter()
                .map(|s| s.devices * (s.to_hours - s.from_hours).get())
                .sum();
            let peak = c
                .intervals
                .iter()
                .map(|(a, b)| {
                    let mid = 0.5 * (a.get() + b.get());
                    mine.iter()
                        .filter(|s| s.from_hours.get() <= mid && mid < s.to_hours.get())
                        .map(|s| s.devices)
                        .sum::<f64>()
                })
                .fold(0.0f64, f64::max);
            let avail = p.availability().get();
            let available = match p.ownership() {
                Ownership::Owned { .. } => {
                    p.owned_devices().map_or(0.0, |n| n as f64) * avail * horizon
                }
                Ownership::Purchasable { .. } => purchases
                    .iter()
                    .filter(|b| b.pool == k)
                    .map(|b| b.devices * avail * (horizon - 24.0 * b.arrives_day.get()).max(0.0))
                    .sum(),
                Ownership::Rentable { .. } => 0.0,
            };
            PoolUse {
                pool: k.to_owned(),
                accelerator: p.accelerator().name.clone(),
                device_hours: Hours::from_raw(dh),
                utilisation: if available > 0.0 { dh / available } else { 0.0 },
                peak_devices: peak,
            }
        })
        .collect()
}

/// The most devices held at once by slots `(from, to, devices)` over
/// half-open intervals `[from, to)` (a slot ending when another starts does
/// not overlap it).
fn peak_at_once(items: &[(f64, f64, f64)]) -> f64 {
    let mut events: Vec<(f64, f64)> = items
        .iter()
        .flat_map(|&(a, b, n)| [(a, n), (b, -n)])
        .collect();
    // ends before starts at the same instant
    events.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
    let (mut now, mut peak) = (0.0f64, 0.0f64);
    for (_, d) in events {
        now += d;
        peak = peak.max(now);
    }
    peak
}

/// The earliest time at which work segments `(start, end, rate per hour)`
/// sum to 1, no later than `deadline` (plus rounding slack); `None` if
/// never. A segment works over `[start, end)`; where every segment has
/// ended, the work done so far must be 1 up to rounding (the missing work at
/// the last rate would take at most `1e-6` of the time).
pub(super) fn finish_time(segments: &[(f64, f64, f64)], deadline: f64) -> Option<f64> {
    // rate changes: +rate at a start, −rate at an end (ends at equal times
    // after starts, so back-to-back windows keep working)
    let mut ev: Vec<(f64, f64, i32)> = segments
        .iter()
        .flat_map(|&(a, b, r)| [(a, r, 1), (b.min(deadline), -r, -1)])
        .collect();
    ev.sort_by(|x, y| x.0.total_cmp(&y.0).then(y.2.cmp(&x.2)));
    let mut done = 0.0;
    let mut rate = 0.0;
    let mut active = 0i32;
    let mut t = ev.first()?.0;
    let mut i = 0;
    while i < ev.len() {
        let next = ev[i].0;
        // the events at `next` decide whether work goes on after it
        let mut j = i;
        let mut after = active;
        while j < ev.len() && ev[j].0.total_cmp(&next).is_eq() {
            after += ev[j].2;
            j += 1;
        }
        if rate > 0.0 {
            if after == 0 {
                // the last stretch of work: within rounding of its end
                let f = t + (1.0 - done) / rate;
                if f <= next * (1.0 + 1e-6) + 1e-6 {
                    return Some(f.min(next));
                }
            } else if done + rate * (next - t) >= 1.0 {
                return Some(t + (1.0 - done) / rate);
            }
        }
        done += rate * (next - t);
        t = next;
        for e in &ev[i..j] {
            rate += e.1;
        }
        active = after;
        if active == 0 {
            rate = 0.0;
        }
        i = j;
    }
    None
}

fn money(v: Usd) -> String {
    let x = v.get();
    if x >= 1e9 {
        format!("${:.3}B", x / 1e9)
    } else if x >= 1e6 {
        format!("${:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("${:.1}k", x / 1e3)
    } else {
        format!("${x:.2}")
    }
}

impl Plan {
    /// The plan as JSON (the keys are a contract; see the CLI docs).
    ///
    /// # Errors
    /// Never in practice (every field is serialisable); a serde failure is
    /// reported as [`crate::ErrorKind::Internal`].
    pub fn to_json(&self) -> crate::Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| crate::Error::internal(format!("plan to JSON: {e}")))
    }

    /// The KV transfers by (phase, prefill pool, decode pool): the largest
    /// fraction of requests and peak bytes/s over the intervals, the bytes
    /// moved and their cost.
    fn kv_pairs(&self) -> BTreeMap<KvPair<'_>, KvTotals> {
        let mut out: BTreeMap<KvPair<'_>, KvTotals> = BTreeMap::new();
        for t in &self.kv_transfers {
            let e = out
                .entry((&t.phase, &t.prefill_pool, &t.decode_pool))
                .or_default();
            e.0 = e.0.max(t.fraction);
            e.1 = e.1.max(t.peak_bytes_per_s.get());
            e.2 += t.bytes.get();
            e.3 += t.cost_usd.get();
        }
        out
    }

    /// A plain-text report.
    #[must_use]
    pub fn to_table(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "plan '{}': {}{}",
            self.scenario,
            self.status.as_str(),
            if self.gap > 0.0 {
                format!(" (gap {:.2e})", self.gap)
            } else {
                String::new()
            }
        );
        if self.status == PlanStatus::Infeasible {
            if let Some(inf) = &self.infeasibility {
                let _ = write!(o, "{inf}");
            }
            return o;
        }
        let c = &self.cost;
        let _ = writeln!(
            o,
            "cost {}  = capital charge {} + rental {} + energy {}{}",
            money(c.total_usd),
            money(c.capital_charge_usd),
            money(c.rental_usd),
            money(c.energy_usd),
            if c.transfer_usd.get() > 0.0 {
                format!(" + KV transfers {}", money(c.transfer_usd))
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            o,
            "cash for purchases: capex {} + levy {}{}",
            money(c.capex_usd),
            money(c.levy_usd),
            if (c.capital_charge_usd.get() - (c.capex_usd + c.levy_usd).get()).abs()
                > 1e-6 * c.capex_usd.get().max(1.0)
            {
                " (charged by depreciation inside the horizon)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            o,
            "\n{:<14} {:<18} {:<12} {:>9} {:>14}",
            "phase", "pool", "accelerator", "devices", "device-hours"
        );
        for a in &self.assignments {
            let _ = writeln!(
                o,
                "{:<14} {:<18} {:<12} {:>9.0} {:>14.3e}",
                a.phase,
                a.pool,
                a.accelerator,
                a.devices.get(),
                a.device_hours.get()
            );
        }
        if !self.purchases.is_empty() {
            let _ = writeln!(
                o,
                "\n{:<18} {:<12} {:>9} {:>12} {:>12} {:>12} {:>8} {:>8}",
                "buy", "accelerator", "devices", "cost", "levy", "charged", "ordered", "arrives"
            );
            for p in &self.purchases {
                let _ = writeln!(
                    o,
                    "{:<18} {:<12} {:>9.0} {:>12} {:>12} {:>12} {:>8.0} {:>8.0}{}",
                    p.pool,
                    p.accelerator,
                    p.devices,
                    money(p.cost_usd),
                    money(p.levy_usd),
                    money(p.capital_charge_usd),
                    p.ordered_day.get(),
                    p.arrives_day.get(),
                    if p.needs_justification {
                        "  (justify)"
                    } else {
                        ""
                    }
                );
            }
        }
        let kv = self.kv_pairs();
        if !kv.is_empty() {
            let _ = writeln!(
                o,
                "\nKV transfers (disaggregated serving):\n{:<14} {:<18} {:<18} {:>8} {:>10} {:>12} {:>12}",
                "phase", "prefill pool", "decode pool", "requests", "peak GB/s", "TB moved", "cost"
            );
            for ((ph, a, b), t) in &kv {
                let _ = writeln!(
                    o,
                    "{:<14} {:<18} {:<18} {:>7.1}% {:>10.1} {:>12.3} {:>12}",
                    ph,
                    a,
                    b,
                    100.0 * t.0,
                    t.1 / 1e9,
                    t.2 / 1e12,
                    money(Usd::from_raw(t.3))
                );
            }
        }
        let _ = writeln!(
            o,
            "\n{:<14} {:<13} {:>10} {:>10} {:>8}",
            "phase", "kind", "finishes", "deadline", "met"
        );
        for p in &self.phases {
            let _ = writeln!(
                o,
                "{:<14} {:<13} {:>10} {:>10} {:>7.1}%",
                p.name,
                p.kind.as_str(),
                p.finishes_at_hours
                    .map_or_else(|| "-".to_owned(), |h| format!("day {:.1}", h.get() / 24.0)),
                format!("day {:.0}", p.deadline_hours.get() / 24.0),
                100.0 * p.demand_met.min(9.999)
            );
        }
        if !self.binding.is_empty() {
            let _ = writeln!(
                o,
                "\nbinding constraints (shadow price = gain per unit loosened):"
            );
            for b in self.binding.iter().take(8) {
                let _ = writeln!(
                    o,
                    "  {:<30} {:>12.4e} {:<28} {}",
                    b.constraint, b.shadow_price, b.unit, b.meaning
                );
            }
        }
        let _ = writeln!(
            o,
            "\nverified: {}",
            if self.verified { "yes" } else { "NO" }
        );
        if !self.verified || !self.verification.warnings.is_empty() {
            let _ = write!(o, "{}", self.verification);
        }
        o
    }

    /// A Markdown report.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Plan: {}\n", self.scenario);
        let _ = writeln!(o, "**Status:** {}  ", self.status.as_str());
        if self.status == PlanStatus::Infeasible {
            if let Some(inf) = &self.infeasibility {
                let _ = writeln!(o, "\n```\n{inf}```");
            }
            return o;
        }
        let c = &self.cost;
        let _ = writeln!(o, "**Total cost:** {}  \n", money(c.total_usd));
        if c.transfer_usd.get() > 0.0 {
            let _ = writeln!(o, "**KV transfers:** {}  \n", money(c.transfer_usd));
        }
        let _ = writeln!(
            o,
            "| capital charge | rental | energy | capex (cash) | levy (cash) |\n|---:|---:|---:|---:|---:|"
        );
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |\n",
            money(c.capital_charge_usd),
            money(c.rental_usd),
            money(c.energy_usd),
            money(c.capex_usd),
            money(c.levy_usd)
        );
        let _ = writeln!(
            o,
            "## Assignments\n\n| phase | pool | accelerator | devices | device-hours |\n|---|---|---|---:|---:|"
        );
        for a in &self.assignments {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.0} | {:.3e} |",
                a.phase,
                a.pool,
                a.accelerator,
                a.devices.get(),
                a.device_hours.get()
            );
        }
        if !self.purchases.is_empty() {
            let _ = writeln!(
                o,
                "\n## Purchases\n\n| pool | accelerator | devices | cost | levy | charged | ordered (day) | arrives (day) |\n|---|---|---:|---:|---:|---:|---:|---:|"
            );
            for p in &self.purchases {
                let _ = writeln!(
                    o,
                    "| {} | {} | {:.0} | {} | {} | {} | {:.0} | {:.0} |",
                    p.pool,
                    p.accelerator,
                    p.devices,
                    money(p.cost_usd),
                    money(p.levy_usd),
                    money(p.capital_charge_usd),
                    p.ordered_day.get(),
                    p.arrives_day.get()
                );
            }
        }
        let kv = self.kv_pairs();
        if !kv.is_empty() {
            let _ = writeln!(
                o,
                "\n## KV transfers (disaggregated serving)\n\n| phase | prefill pool | decode pool | requests (most) | peak GB/s | TB moved | cost |\n|---|---|---|---:|---:|---:|---:|"
            );
            for ((ph, a, b), t) in &kv {
                let _ = writeln!(
                    o,
                    "| {ph} | {a} | {b} | {:.1}% | {:.1} | {:.3} | {} |",
                    100.0 * t.0,
                    t.1 / 1e9,
                    t.2 / 1e12,
                    money(Usd::from_raw(t.3))
                );
            }
        }
        let _ = writeln!(
            o,
            "\n## Phases\n\n| phase | kind | finishes (day) | deadline (day) | demand met |\n|---|---|---:|---:|---:|"
        );
        for p in &self.phases {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.0} | {:.1}% |",
                p.name,
                p.kind.as_str(),
                p.finishes_at_hours
                    .map_or_else(|| "–".to_owned(), |h| format!("{:.1}", h.get() / 24.0)),
                p.deadline_hours.get() / 24.0,
                100.0 * p.demand_met
            );
        }
        if !self.binding.is_empty() {
            let _ = writeln!(
                o,
                "\n## Binding constraints\n\n| constraint | shadow price | unit | meaning |\n|---|---:|---|---|"
            );
            for b in &self.binding {
                let _ = writeln!(
                    o,
                    "| `{}` | {:.4e} | {} | {} |",
                    b.constraint, b.shadow_price, b.unit, b.meaning
                );
            }
        }
        let _ = writeln!(
            o,
            "\nVerified: {}",
            if self.verified { "yes" } else { "**no**" }
        );
        for c in self.verification.failures() {
            let _ = writeln!(o, "- failed `{}`: {}", c.name, c.detail);
        }
        for w in &self.verification.warnings {
            let _ = writeln!(o, "- warning `{}`: {}", w.name, w.detail);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::{finish_time, peak_at_once};
    use approx::assert_relative_eq;

    /// Overlapping windows of one pair add up; back-to-back ones do not.
    #[test]
    fn peak_of_overlapping_and_back_to_back_slots() {
        // [0, 10) × 4 and [5, 10) × 3 overlap: 7 at once
        assert_relative_eq!(peak_at_once(&[(0.0, 10.0, 4.0), (5.0, 10.0, 3.0)]), 7.0);
        // [0, 5) × 4 then [5, 10) × 3: never both
        assert_relative_eq!(peak_at_once(&[(5.0, 10.0, 3.0), (0.0, 5.0, 4.0)]), 4.0);
        assert_relative_eq!(peak_at_once(&[]), 0.0);
    }

    #[test]
    fn finish_time_of_staggered_pools() {
        // one pool from t=0 at 1/100 per hour; another from t=50 at 1/50
        let f = finish_time(&[(0.0, 200.0, 0.01), (50.0, 200.0, 0.02)], 200.0).expect("finishes");
        // by 50: 0.5 done; then 0.03/h → 0.5/0.03 = 16.67 more
        assert_relative_eq!(f, 50.0 + 0.5 / 0.03, max_relative = 1e-12);
        assert!(finish_time(&[(0.0, 100.0, 0.001)], 100.0).is_none());
        assert!(finish_time(&[], 100.0).is_none());
    }

    /// A window that ends before the deadline (a rule on use) stops adding
    /// work: 0.05/h until hour 10 (0.5 done) beside 0.001/h throughout.
    #[test]
    fn finish_time_when_a_window_ends_early() {
        let s = [(0.0, 10.0, 0.05), (0.0, 1000.0, 0.001)];
        // 0.51 by hour 10, then 0.49 at 0.001/h
        let f = finish_time(&s, 1000.0).expect("finishes");
        assert_relative_eq!(f, 500.0, max_relative = 1e-12);
        // by hour 100 only 0.6 is done
        let s = [(0.0, 10.0, 0.05), (0.0, 100.0, 0.001)];
        assert!(finish_time(&s, 100.0).is_none());
        // back to back: [0, 10) then [10, 20) at 0.05/h: done at 20
        let s = [(0.0, 10.0, 0.05), (10.0, 20.0, 0.05)];
        assert_relative_eq!(finish_time(&s, 20.0).expect("finishes"), 20.0);
    }
}
