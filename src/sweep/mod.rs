//! Parameter sweeps: re-plan a scenario while one numeric field varies.
//!
//! A field is named by its path in the scenario as written, with list
//! elements selected by index or by name: `policy.rules[3].levy`,
//! `pools[h20-buy].ownership.unit_price_usd`, `budget.capex_usd`,
//! `phases[serve].tokens_per_day.input`. The values are a range
//! (`FROM..TO:STEPS`, both ends included) or a list (`a,b,c`).
//!
//! ```
//! use fleetplan::scenario::Scenario;
//! use fleetplan::sweep::{SweepOptions, SweepSpec, sweep};
//!
//! let text = std::fs::read_to_string("examples/scenarios/quickstart.toml")?;
//! let s = Scenario::from_toml_str(&text)?;
//! let spec: SweepSpec = "pools[h100-rented].ownership.usd_per_hour=1.5..3.5:3".parse()?;
//! let table = sweep(&s, &spec, &SweepOptions::default().with_fractional(true), &|_, _| {})?;
//! assert_eq!(table.points.len(), 3);
//! // dearer rentals never make the plan cheaper
//! let costs: Vec<f64> = table.points.iter().filter_map(|p| p.objective).collect();
//! assert!(costs.windows(2).all(|w| w[0] <= w[1] + 1e-6));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Typed sweeps, by id
//!
//! [`Sweep`] names the parameter by id instead of by path
//! ([`Sweep::levy`]`(rule, values)`, [`Sweep::pool_count`],
//! [`Sweep::price`], ... see [`Param`]) and is planned by one
//! [`Planner`](crate::plan::Planner) session, each point warm from the
//! last: [`sweep_plans`] returns every point's complete, verified
//! [`Plan`]; [`sweep_each`] hands them to a callback as they come;
//! [`sweep_table`] summarises them as the path form does.
//!
//! # Warm starts and determinism
//!
//! Points are solved in order, in chunks of 16 consecutive points;
//! within a chunk each point's solve starts from the previous point's
//! optimal basis when the compiled models have the same rows and columns
//! (fractional plans: the LP engine's warm start; whole-device plans are
//! solved afresh). Chunks are independent, so they can run in parallel
//! (the `rayon` feature) and the table is the same, byte for byte, whatever
//! the number of threads (unless the time limit cuts it short).
//!
//! # Time limit
//!
//! A sweep has ONE wall-clock budget for all its points (see
//! [`PlanOptions`]: [`PlanOptions::time_limit`], else the scenario's
//! `settings.time_limit_s`, else 60 s). Every point's solves stop at the
//! sweep's deadline; points not reached by then are rows with status
//! `limit` and no figures, so a sweep of any size returns in its budget.

mod by_id;
pub use by_id::{Param, Sweep, sweep_each, sweep_plans, sweep_table};

use crate::error::{Error, Result};
use crate::model::Model;
use crate::perf::PerfModel;
use crate::plan::{CompileOptions, Plan, PlanOptions, PlanStatus, compile};
use crate::scenario::{ResolvedObjective, Scenario};
use crate::solver::{Basis, LpSolver};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Instant;

/// Points per independently warm-started chunk.
pub(crate) const CHUNK: usize = 16;

/// The most points a sweep may have (10^5). Each point is a plan; at a
/// millisecond each a sweep of this size already takes minutes, and a
/// step count typed with a few zeros too many (`0..1:10000000000`) would
/// otherwise allocate the values before the first point is solved.
pub const MAX_POINTS: usize = 100_000;

/// Which field varies, and over which values.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// The field's path, e.g. `policy.rules[3].levy`.
    pub path: String,
    /// The values, in order: 1 to [`MAX_POINTS`] of them ([`sweep`]
    /// refuses other lengths with a typed error).
    pub values: Vec<f64>,
}

impl FromStr for SweepSpec {
    type Err = Error;

    /// Parses `PATH=FROM..TO:STEPS` or `PATH=a,b,c`. A range's interior
    /// points are rounded to 15 significant digits, so `0..0.3:4` gives
    /// 0, 0.1, 0.2 and 0.3 rather than 0.09999999999999999 (a change
    /// below 1e-15 relative); its ends are exactly `FROM` and `TO`.
    ///
    /// # Errors
    /// [`ErrorKind::Parse`](crate::ErrorKind::Parse) for a missing `=`,
    /// an empty path, a value that is not a finite number, a range without
    /// `..`, zero steps, no values, or more than [`MAX_POINTS`] points
    /// (checked before any value is made).
    fn from_str(s: &str) -> Result<Self> {
        let bad = |m: String| Error::parse("sweep", None, m);
        let too_many = |n: &str| {
            bad(format!(
                "{n} points: a sweep has at most {MAX_POINTS}; use fewer steps or split the range"
            ))
        };
        let (path, values) = s
            .split_once('=')
            .ok_or_else(|| bad(format!("'{s}': expected PATH=FROM..TO:STEPS or PATH=a,b,c")))?;
        let path = path.trim();
        if path.is_empty() {
            return Err(bad("the path is empty".to_owned()));
        }
        let num = |t: &str| -> Result<f64> {
            let v: f64 = t
                .trim()
                .parse()
                .map_err(|_| bad(format!("'{t}' is not a number")))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(bad(format!("'{t}' is not finite")))
            }
        };
        let values = if let Some((range, steps)) = values.split_once(':') {
            let (a, b) = range
                .split_once("..")
                .ok_or_else(|| bad(format!("'{range}': expected FROM..TO")))?;
            let (a, b) = (num(a)?, num(b)?);
            let n: u128 = steps
                .trim()
                .parse()
                .map_err(|_| bad(format!("'{steps}' is not a whole number of steps")))?;
            let n = usize::try_from(n)
                .ok()
                .filter(|&n| n <= MAX_POINTS)
                .ok_or_else(|| too_many(&n.to_string()))?;
            match n {
                0 => return Err(bad("STEPS must be at least 1".to_owned())),
                1 => vec![a],
                _ => {
                    // 2 ≤ n ≤ MAX_POINTS: exact in f64
                    #[allow(clippy::cast_precision_loss)]
                    let d = (b - a) / (n - 1) as f64;
                    #[allow(clippy::cast_precision_loss)]
                    (0..n)
                        .map(|i| {
                            if i == 0 {
                                a
                            } else if i + 1 == n {
                                b
                            } else {
                                short(a + d * i as f64)
                            }
                        })
                        .collect()
                }
            }
        } else {
            let count = values.split(',').count();
            if count > MAX_POINTS {
                return Err(too_many(&count.to_string()));
            }
            values.split(',').map(num).collect::<Result<Vec<_>>>()?
        };
        if values.is_empty() {
            return Err(bad("no values".to_owned()));
        }
        Ok(SweepSpec {
            path: path.to_owned(),
            values,
        })
    }
}

/// `v` rounded to 15 significant digits (finite `v`).
fn short(v: f64) -> f64 {
    format!("{v:.14e}").parse().unwrap_or(v)
}

/// Options of a sweep.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SweepOptions {
    /// How each point is planned; its time limit is the budget of the
    /// whole sweep.
    pub plan: PlanOptions,
    /// Solve chunks in parallel (needs the `rayon` feature; ignored
    /// without it).
    pub parallel: bool,
}

impl SweepOptions {
    /// Plan fractional devices (LPs, warm-started).
    #[must_use]
    pub fn with_fractional(mut self, f: bool) -> Self {
        self.plan = self.plan.with_fractional(f);
        self
    }
    /// Solve chunks in parallel (with the `rayon` feature).
    #[must_use]
    pub fn with_parallel(mut self, p: bool) -> Self {
        self.parallel = p;
        self
    }
    /// Sets the plan options.
    #[must_use]
    pub fn with_plan(mut self, p: PlanOptions) -> Self {
        self.plan = p;
        self
    }
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SweepPoint {
    /// The field's value.
    pub value: f64,
    /// The plan's status (or `invalid` when the value makes the scenario
    /// invalid; `limit` also when the sweep's time limit ran out before
    /// the point was reached).
    pub status: String,
    /// The objective (USD for least cost).
    pub objective: Option<f64>,
    /// Total cost.
    pub total_usd: Option<f64>,
    /// Levy paid.
    pub levy_usd: Option<f64>,
    /// Devices bought per pool (`pool: devices`).
    pub purchases: Vec<(String, f64)>,
    /// The three most valuable binding constraints and their shadow prices.
    pub binding: Vec<(String, f64)>,
    /// Validation problems, when the value made the scenario invalid.
    pub issues: Vec<String>,
    /// Whether the plan verified.
    pub verified: bool,
    /// Simplex iterations of this point's solve (warm starts show here).
    pub iterations: u64,
}

/// The result of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SweepTable {
    /// The field swept.
    pub path: String,
    /// One row per value, in order.
    pub points: Vec<SweepPoint>,
}

impl SweepTable {
    /// The table as JSON (what `fleetplan sweep --format json` prints; the
    /// keys are a contract).
    ///
    /// # Errors
    /// Never in practice; a serde failure is
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::internal(format!("sweep table to JSON: {e}")))
    }

    /// The plain-text table `fleetplan sweep` prints: one row per point
    /// (value, status, cost, levy, iterations, purchases, the top binding
    /// constraint), then notes on points the time limit did not reach and
    /// on values that made the scenario invalid.
    #[must_use]
    pub fn to_table(&self) -> String {
        let mut o = format!(
            "{:>14} {:<11} {:>14} {:>12} {:>6}  {:<30} {}\n",
            self.path.rsplit('.').next().unwrap_or("value"),
            "status",
            "cost USD",
            "levy USD",
            "iters",
            "purchases",
            "top binding (shadow price)"
        );
        for p in &self.points {
            let buys: Vec<String> = p
                .purchases
                .iter()
                .map(|(k, n)| format!("{k} {n:.0}"))
                .collect();
            let bind = p
                .binding
                .first()
                .map_or(String::new(), |(c, v)| format!("{c} ({v:.4e})"));
            let _ = writeln!(
                o,
                "{:>14.6} {:<11} {:>14} {:>12} {:>6}  {:<30} {}",
                p.value,
                p.status,
                p.total_usd.map_or("-".to_owned(), |v| format!("{v:.0}")),
                p.levy_usd.map_or("-".to_owned(), |v| format!("{v:.0}")),
                p.iterations,
                buys.join(", "),
                bind
            );
        }
        let unreached = self
            .points
            .iter()
            .filter(|p| p.status == "limit" && p.iterations == 0)
            .count();
        if unreached > 0 {
            let _ = writeln!(
                o,
                "note: {unreached} point(s) have status limit: the sweep's time limit ran out (set --time-limit)"
            );
        }
        // Why a point has no plan (an invalid scenario at that value): the
        // validation messages, once per distinct message.
        let mut seen = std::collections::BTreeSet::new();
        for p in &self.points {
            for issue in &p.issues {
                if seen.insert(issue.as_str()) {
                    let _ = writeln!(o, "note: {issue} (first at {} = {})", self.path, p.value);
                }
            }
        }
        o
    }
}

/// Sets the number at `path` in a JSON value (creating the last key in an
/// existing object).
fn set_path(root: &mut serde_json::Value, path: &str, v: f64) -> Result<()> {
    let bad = |m: String| Error::parse("sweep path", None, m);
    let mut cur = root;
    let mut rest = path;
    while !rest.is_empty() {
        let (seg, tail) = match rest.find(['.', '[']) {
            Some(0) if rest.starts_with('[') => {
                let end = rest
                    .find(']')
                    .ok_or_else(|| bad(format!("'{path}': unclosed '['")))?;
                let sel = &rest[1..end];
                let tail = rest[end + 1..].trim_start_matches('.');
                let arr = cur.as_array_mut().ok_or_else(|| {
                    bad(format!(
                        "'{path}': '[{sel}]' applied to something that is not a list"
                    ))
                })?;
                let i = match sel.parse::<usize>() {
                    Ok(i) => i,
                    Err(_) => arr
                        .iter()
                        .position(|e| e.get("name").and_then(|n| n.as_str()) == Some(sel))
                        .ok_or_else(|| bad(format!("'{path}': no element named '{sel}'")))?,
                };
                let len = arr.len();
                cur = arr.get_mut(i).ok_or_else(|| {
                    bad(format!(
                        "'{path}': index {i} is beyond the list's {len} elements"
                    ))
                })?;
                rest = tail;
                continue;
            }
            Some(i) => (&rest[..i], rest[i..].trim_start_matches('.')),
            None => (rest, ""),
        };
        let obj = cur.as_object_mut().ok_or_else(|| {
            bad(format!(
                "'{path}': '{seg}' applied to something that is not a table"
            ))
        })?;
        if tail.is_empty() {
            let n = serde_json::Number::from_f64(v)
                .ok_or_else(|| bad(format!("{v} is not a number")))?;
            obj.insert(seg.to_owned(), serde_json::Value::Number(n));
            return Ok(());
        }
        cur = obj
            .get_mut(seg)
            .ok_or_else(|| bad(format!("'{path}': no field '{seg}'")))?;
        rest = tail;
    }
    Err(bad(format!("'{path}' names no number")))
}

/// The scenario with the field at `path` set to `value`.
///
/// # Errors
/// [`crate::ErrorKind::Parse`] when the path does not name a field;
/// whatever reading the modified scenario reports otherwise.
pub fn with_value(s: &Scenario, path: &str, value: f64) -> Result<Scenario> {
    let mut v =
        serde_json::to_value(s).map_err(|e| Error::internal(format!("scenario to JSON: {e}")))?;
    set_path(&mut v, path, value)?;
    Scenario::from_json_str(&v.to_string())
}

fn summarise(value: f64, p: &Plan) -> SweepPoint {
    let ok = matches!(p.status, PlanStatus::Optimal | PlanStatus::Feasible);
    SweepPoint {
        value,
        status: p.status.as_str().to_owned(),
        objective: p.objective,
        total_usd: ok.then(|| p.cost.total_usd.get()),
        levy_usd: ok.then(|| p.cost.levy_usd.get()),
        purchases: p
            .purchases
            .iter()
            .map(|b| (b.pool.clone(), b.devices))
            .collect(),
        binding: p
            .binding
            .iter()
            .take(3)
            .map(|b| (b.constraint.clone(), b.shadow_price))
            .collect(),
        issues: Vec::new(),
        verified: p.verified,
        iterations: p.solve.iterations,
    }
}

fn same_shape(a: &Model, b: &Model) -> bool {
    a.num_rows() == b.num_rows()
        && a.num_cols() == b.num_cols()
        && a.row_names() == b.row_names()
        && a.col_names() == b.col_names()
}

/// A point without figures, with `status`.
fn bare_point(value: f64, status: &str) -> SweepPoint {
    SweepPoint {
        value,
        status: status.to_owned(),
        objective: None,
        total_usd: None,
        levy_usd: None,
        purchases: Vec::new(),
        binding: Vec::new(),
        issues: Vec::new(),
        verified: false,
        iterations: 0,
    }
}

/// Solves one chunk of points in order, warm-starting where possible,
/// until `deadline`.
fn chunk(
    s: &Scenario,
    path: &str,
    values: &[f64],
    opts: &SweepOptions,
    deadline: Option<Instant>,
) -> Result<Vec<SweepPoint>> {
    let mut out = Vec::with_capacity(values.len());
    let mut prev: Option<(Model, Basis)> = None;
    for &value in values {
        if crate::plan::expired(deadline) {
            out.push(bare_point(value, PlanStatus::Limit.as_str()));
            continue;
        }
        let sc = with_value(s, path, value)?;
        let vs = match sc.validate() {
            Ok(vs) => vs,
            Err(r) => {
                out.push(SweepPoint {
                    issues: r.issues.iter().map(ToString::to_string).collect(),
                    ..bare_point(value, "invalid")
                });
                prev = None;
                continue;
            }
        };
        let perf = PerfModel::new(&vs);
        let fractional = crate::plan::fractional(&vs, &opts.plan);
        let warmable = fractional && *vs.objective() == ResolvedObjective::MinCost;
        if !warmable {
            let p = crate::plan::plan_with(
                &vs,
                &perf,
                &opts.plan,
                &CompileOptions::default(),
                deadline,
            )?;
            out.push(summarise(value, &p));
            continue;
        }
        let c = compile(
            &vs,
            &perf,
            &CompileOptions {
                fractional: true,
                ..CompileOptions::default()
            },
        )?;
        let sopts = crate::plan::solver_options(&vs, &opts.plan, deadline);
        let mut lp = LpSolver::new(c.model.clone(), sopts.clone())?;
        if let Some((m, b)) = &prev
            && same_shape(m, &c.model)
        {
            lp.set_basis(b)?;
        }
        let sol = lp.solve()?;
        let basis = lp.basis();
        let p = crate::plan::finish_plan(&vs, &perf, &c, &sol, &sopts)?;
        prev = Some((c.model, basis));
        out.push(summarise(value, &p));
    }
    Ok(out)
}

/// Sweeps `spec` over scenario `s`, calling `progress(done, total)` after
/// every chunk of points (from worker threads when parallel), within one
/// wall-clock budget for the whole sweep (module docs).
///
/// # Errors
/// [`ErrorKind::Parse`](crate::ErrorKind::Parse) when `spec` has no values
/// or more than [`MAX_POINTS`] (a [`SweepSpec`] built by hand rather than
/// parsed), or its path names no number of the scenario; otherwise when a
/// point fails to plan for a reason other than validation (points that
/// make the scenario invalid are rows with status `invalid` and their
/// issues).
///
/// ```
/// use fleetplan::scenario::Scenario;
/// use fleetplan::sweep::{SweepOptions, sweep};
///
/// let text = std::fs::read_to_string("examples/scenarios/hybrid_fleet.toml")?;
/// let s = Scenario::from_toml_str(&text)?;
/// // the H20 licence's levy, by path as the CLI's `--set` takes it
/// let spec = "policy.rules[3].levy=0,0.15,0.3".parse()?;
/// let table = sweep(&s, &spec, &SweepOptions::default().with_fractional(true), &|_, _| {})?;
/// assert!(table.points.iter().all(|p| p.status == "optimal" && p.verified));
/// print!("{}", table.to_table()); // what `fleetplan sweep` prints
/// # Ok::<(), fleetplan::Error>(())
/// ```
pub fn sweep(
    s: &Scenario,
    spec: &SweepSpec,
    opts: &SweepOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SweepTable> {
    if spec.values.is_empty() || spec.values.len() > MAX_POINTS {
        return Err(Error::parse(
            "sweep",
            None,
            format!(
                "'{}' has {} values; a sweep needs 1 to {MAX_POINTS}",
                spec.path,
                spec.values.len()
            ),
        ));
    }
    let limit = crate::plan::budget(
        opts.plan.time_limit,
        s.settings.time_limit_s.map(|t| t.get()),
    );
    let deadline = crate::plan::deadline_after(limit, &opts.plan);
    // Fail early on a path that names nothing.
    if let Some(&first) = spec.values.first() {
        with_value(s, &spec.path, first)?;
    }
    let total = spec.values.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let run = |vals: &[f64]| -> Result<Vec<SweepPoint>> {
        let r = chunk(s, &spec.path, vals, opts, deadline)?;
        let d = done.fetch_add(vals.len(), std::sync::atomic::Ordering::Relaxed) + vals.len();
        progress(d, total);
        Ok(r)
    };
    let chunks: Vec<&[f64]> = spec.values.chunks(CHUNK).collect();
    #[cfg(feature = "rayon")]
    let parts: Vec<Result<Vec<SweepPoint>>> = if opts.parallel {
        use rayon::prelude::*;
        chunks.par_iter().map(|c| run(c)).collect()
    } else {
        chunks.iter().map(|c| run(c)).collect()
    };
    #[cfg(not(feature = "rayon"))]
    let parts: Vec<Result<Vec<SweepPoint>>> = chunks.iter().map(|c| run(c)).collect();
    let mut points = Vec::with_capacity(total);
    for p in parts {
        points.extend(p?);
    }
    Ok(SweepTable {
        path: spec.path.clone(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() -> Result<()> {
        let s: SweepSpec = "policy.rules[2].levy=0..0.3:4".parse()?;
        assert_eq!(s.path, "policy.rules[2].levy");
        assert_eq!(s.values.len(), 4);
        // Interior points are the short decimals a user typed the range in.
        assert_eq!(s.values, vec![0.0, 0.1, 0.2, 0.3]);
        let s: SweepSpec = "x=5000..60000:12".parse()?;
        assert_eq!(s.values[..3], [5_000.0, 10_000.0, 15_000.0]);
        assert_eq!(s.values.last(), Some(&60_000.0));
        let s: SweepSpec = "x=1..2:3".parse()?;
        assert_eq!(s.values, vec![1.0, 1.5, 2.0]);
        // A range that is not decimal-friendly moves by < 1e-15 relative.
        let s: SweepSpec = "x=0..1:4".parse()?;
        assert!((s.values[1] - 1.0 / 3.0).abs() < 1e-15, "{:?}", s.values);
        let l: SweepSpec = "budget.capex_usd=1e9, 2e9".parse()?;
        assert_eq!(l.values, vec![1e9, 2e9]);
        for bad in ["x", "=1", "a=1..2", "a=1..2:0", "a=nan", "a=1..x:3", "a="] {
            assert!(bad.parse::<SweepSpec>().is_err(), "{bad}");
        }
        // Step counts are bounded before anything is allocated (a fuzzer's
        // `0..1:10000000000` once allocated until the process aborted).
        let max = format!("x=0..1:{MAX_POINTS}");
        assert_eq!(max.parse::<SweepSpec>()?.values.len(), MAX_POINTS);
        for bad in [
            format!("x=0..1:{}", MAX_POINTS + 1),
            "x=0..1:10000000000".to_owned(),
            "x=0..1:340282366920938463463374607431768211455".to_owned(),
            format!("x={}", vec!["1"; MAX_POINTS + 1].join(",")),
        ] {
            let e = bad.parse::<SweepSpec>().expect_err("too many points");
            assert_eq!(e.kind(), crate::ErrorKind::Parse);
            assert!(e.to_string().contains("at most 100000"), "{e}");
        }
        Ok(())
    }

    #[test]
    fn paths_by_index_and_name() -> Result<()> {
        let mut v = serde_json::json!({"pools": [{"name": "a", "x": 1}, {"name": "b", "o": {"p": 2}}], "k": 3});
        set_path(&mut v, "pools[1].o.p", 5.0)?;
        set_path(&mut v, "pools[a].x", 7.0)?;
        set_path(&mut v, "pools[b].new", 9.0)?;
        set_path(&mut v, "k", 4.0)?;
        assert_eq!(v["pools"][1]["o"]["p"], 5.0);
        assert_eq!(v["pools"][0]["x"], 7.0);
        assert_eq!(v["pools"][1]["new"], 9.0);
        assert_eq!(v["k"], 4.0);
        for bad in ["pools[9].x", "pools[zz].x", "nope.x", "k[0]", "pools[1"] {
            assert!(set_path(&mut v, bad, 1.0).is_err(), "{bad}");
        }
        Ok(())
    }
}
