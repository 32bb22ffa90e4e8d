//! What a plan under risk reports: the JSON `risk` section and the table.

use super::Deterministic;
use super::extensive::Branch;
use crate::plan::{Plan, PlanStatus};
use crate::scenario::ValidatedScenario;
use crate::units::Usd;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A decision taken before any event can be known, shared by every branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Decision {
    /// `buy`, `train` or `serve`.
    pub kind: String,
    /// The phase (none for a purchase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// The pool.
    pub pool: String,
    /// The day it is taken (order day, start of the run or interval).
    pub day: f64,
    /// Devices it commits.
    pub devices: f64,
}

/// One joint scenario's outcome under the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScenarioOutcome {
    /// The joint scenario's name.
    pub name: String,
    /// Its probability.
    pub probability: f64,
    /// The risks that happen in it.
    pub events: Vec<String>,
    /// Its branch's cost (none without a plan).
    pub cost_usd: Option<Usd>,
    /// Finish day per phase (training: when its work is done; inference:
    /// the end of its service), none when it does not finish.
    pub finishes: BTreeMap<String, Option<f64>>,
    /// Whether its branch passed the verifier against its own scenario.
    pub verified: bool,
    /// Its own optimum, had it been known in advance (wait-and-see).
    pub own_optimum_usd: Option<Usd>,
    /// The deterministic plan's cost here (followed until the first event,
    /// re-optimised after), or none when it cannot be continued here.
    pub deterministic_usd: Option<Usd>,
    /// Why the deterministic plan cannot be continued here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deterministic_failure: Option<String>,
}

/// The `risk` section of a plan's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RiskSummary {
    /// Outcome of the extensive form.
    pub status: PlanStatus,
    /// Relative MIP gap of the extensive form.
    pub gap: f64,
    /// Σ p_s·cost_s over the branches.
    pub expected_cost_usd: Option<Usd>,
    /// CVaR at `cvar_alpha` of the branch costs: the mean of the worst
    /// `1 − α` of the distribution.
    pub cvar_usd: Option<Usd>,
    /// The CVaR level α.
    pub cvar_alpha: f64,
    /// λ: the objective was expected cost + λ·CVaR.
    pub cvar_weight: f64,
    /// Median branch cost.
    pub cost_p50_usd: Option<Usd>,
    /// 90th percentile of branch cost.
    pub cost_p90_usd: Option<Usd>,
    /// 90th percentile of each phase's finish day (none when it does not
    /// finish with probability above 10%).
    pub finish_p90_days: BTreeMap<String, Option<f64>>,
    /// Value of the stochastic solution (USD; negative possible only with
    /// a CVaR weight): the deterministic plan's expected
    /// cost (followed until each branch's first event) − this plan's. None
    /// when infinite: the deterministic plan cannot be continued in
    /// `vss_infeasible` (or has no plan).
    pub vss_usd: Option<f64>,
    /// Branches where the deterministic plan cannot be continued.
    pub vss_infeasible: Vec<String>,
    /// The deterministic plan's expected cost under the risks.
    pub deterministic_expected_usd: Option<Usd>,
    /// The deterministic plan's own cost (risks ignored).
    pub deterministic_cost_usd: Option<Usd>,
    /// Expected value of perfect information (USD): this plan's expected cost −
    /// Σ p_s·(branch s's own optimum).
    pub evpi_usd: Option<f64>,
    /// Σ p_s·(branch s's own optimum).
    pub wait_and_see_usd: Option<Usd>,
    /// Decisions taken before any event can be known.
    pub here_and_now: Vec<Decision>,
    /// Each joint scenario.
    pub scenarios: Vec<ScenarioOutcome>,
    /// Non-anticipativity rows of the extensive form.
    pub nonanticipativity_rows: usize,
    /// Columns held at zero because a branch with the same history cannot
    /// take them.
    pub decisions_forbidden: usize,
    /// Rows of the extensive form.
    pub rows: usize,
    /// Columns of the extensive form.
    pub cols: usize,
    /// The chance constraint on deadlines, when the objective has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chance: Option<ChanceSummary>,
    /// How it was solved (the keys `method`, `method_note`,
    /// `lower_bound_usd`, `decomposition`, flattened into this section).
    #[serde(flatten)]
    pub solve: RiskSolve,
}

/// The chance constraint's outcome (`risk.chance`): "every training
/// phase's work done by its deadline" with probability at least `q`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChanceSummary {
    /// The least probability asked (`risk.deadline_probability`).
    pub q: f64,
    /// Σ p_s over the branches in `met` (none without a plan).
    pub achieved: Option<f64>,
    /// Joint scenarios whose plan does every training phase's work by its
    /// deadline (read from the plan, so it may hold branches the constraint
    /// did not require).
    pub met: Vec<String>,
    /// Joint scenarios the constraint selected (`z_s = 1`): they must meet
    /// every deadline.
    pub required: Vec<String>,
}

/// How a plan under risk was solved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RiskSolve {
    /// `"extensive"` or `"decomposition"`.
    #[serde(default)]
    pub method: String,
    /// Why the decomposition asked for was not used, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_note: Option<String>,
    /// A proven lower bound on the objective (USD): the decomposition's
    /// master optimum, or the MIP bound of the extensive form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_bound_usd: Option<f64>,
    /// The decomposition's figures, when it was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<DecompositionFigures>,
    /// Wall time of the stacked solve (extensive form or decomposition),
    /// excluding compiling, VSS and EVPI. Not serialised: the JSON is the
    /// same, byte for byte, on every run.
    #[serde(skip)]
    pub seconds: f64,
}

/// What the decomposition did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DecompositionFigures {
    /// Subproblems: classes of branches with the same history after the
    /// first event.
    pub clusters: usize,
    /// Master variables: decisions taken before the first event.
    pub first_stage: usize,
    /// Optimality and feasibility cuts added.
    pub cuts: usize,
    /// Of which feasibility cuts (from Farkas certificates).
    #[serde(default)]
    pub feasibility_cuts: usize,
    /// Simplex iterations over every master and subproblem solve.
    pub simplex_iterations: u64,
    /// `[lower, upper]` bound after each iteration (USD; upper `null`
    /// until every subproblem had a solution).
    pub bounds: Vec<(f64, Option<f64>)>,
}

/// A plan under risk: the summary, and each branch's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskPlan {
    /// Scenario name.
    pub scenario: String,
    /// The figures (the JSON `risk` section).
    pub summary: RiskSummary,
    /// Each branch's plan, in the order of `summary.scenarios` (empty when
    /// the extensive form has no solution).
    pub branches: Vec<Plan>,
}

/// Solve figures handed to [`assemble`].
pub(crate) struct Figures {
    pub(crate) status: PlanStatus,
    pub(crate) gap: f64,
    pub(crate) alpha: f64,
    pub(crate) weight: f64,
    pub(crate) na_rows: usize,
    pub(crate) zeroed: usize,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) here_and_now: Vec<Decision>,
    pub(crate) chance: Option<ChanceSummary>,
    pub(crate) solve: RiskSolve,
}

/// The smallest value whose cumulative probability reaches `q` (values
/// with their probabilities; `None` values rank last).
pub(crate) fn quantile(items: &[(Option<f64>, f64)], q: f64) -> Option<f64> {
    let mut v: Vec<(Option<f64>, f64)> = items.to_vec();
    v.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut cum = 0.0;
    for (x, p) in v {
        cum += p;
        if cum >= q - 1e-12 {
            return x;
        }
    }
    None
}

/// CVaR_α of a discrete distribution: `min_η η + E[(C − η)⁺]/(1 − α)`,
/// attained at one of the values.
pub(crate) fn cvar(items: &[(f64, f64)], alpha: f64) -> Option<f64> {
    items
        .iter()
        .map(|&(eta, _)| {
            eta + items
                .iter()
                .map(|&(c, p)| p * (c - eta).max(0.0))
                .sum::<f64>()
                / (1.0 - alpha)
        })
        .min_by(f64::total_cmp)
}

pub(crate) fn assemble(
    vs: &ValidatedScenario,
    branches: &[Branch],
    plans: Vec<Plan>,
    own: &[Option<f64>],
    det: Deterministic,
    f: Figures,
) -> RiskPlan {
    let risks = &vs.scenario().risks;
    let mut scenarios = Vec::with_capacity(branches.len());
    for (i, b) in branches.iter().enumerate() {
        let plan = plans.get(i);
        let finishes = plan.map_or_else(BTreeMap::new, |p| {
            p.phases
                .iter()
                .map(|o| (o.name.clone(), o.finishes_at_hours.map(|h| h.get() / 24.0)))
                .collect()
        });
        let (dcost, dfail) = match &det.evaluated[i] {
            Ok(v) => (Some(Usd::from_raw(*v)), None),
            Err(e) => (None, Some(e.clone())),
        };
        scenarios.push(ScenarioOutcome {
            name: b.joint.name.clone(),
            probability: b.joint.probability,
            events: b
                .joint
                .events
                .iter()
                .map(|&e| risks[e].name.clone())
                .collect(),
            cost_usd: plan.map(|p| p.cost.total_usd),
            finishes,
            verified: plan.is_some_and(|p| p.verified),
            own_optimum_usd: own[i].map(Usd::from_raw),
            deterministic_usd: dcost,
            deterministic_failure: dfail,
        });
    }
    let expect = |f: &dyn Fn(&ScenarioOutcome) -> Option<f64>| -> Option<f64> {
        scenarios
            .iter()
            .map(|s| f(s).map(|v| s.probability * v))
            .sum::<Option<f64>>()
    };
    let expected = (!plans.is_empty())
        .then(|| expect(&|s| s.cost_usd.map(Usd::get)))
        .flatten();
    let wait = expect(&|s| s.own_optimum_usd.map(Usd::get));
    let det_exp = expect(&|s| s.deterministic_usd.map(Usd::get));
    let costs: Vec<(f64, f64)> = scenarios
        .iter()
        .filter_map(|s| s.cost_usd.map(|c| (c.get(), s.probability)))
        .collect();
    let dist: Vec<(Option<f64>, f64)> = scenarios
        .iter()
        .map(|s| (s.cost_usd.map(Usd::get), s.probability))
        .collect();
    let mut finish_p90 = BTreeMap::new();
    for ph in vs.phases() {
        let items: Vec<(Option<f64>, f64)> = scenarios
            .iter()
            .map(|s| (s.finishes.get(ph.name()).copied().flatten(), s.probability))
            .collect();
        if !plans.is_empty() {
            finish_p90.insert(ph.name().to_owned(), quantile(&items, 0.9));
        }
    }
    // only a deterministic plan that exists can fail to be continued
    let vss_infeasible: Vec<String> = scenarios
        .iter()
        .filter(|s| det.cost.is_some() && s.deterministic_usd.is_none())
        .map(|s| s.name.clone())
        .collect();
    let summary = RiskSummary {
        status: f.status,
        gap: f.gap,
        expected_cost_usd: expected.map(Usd::from_raw),
        cvar_usd: (!plans.is_empty())
            .then(|| cvar(&costs, f.alpha))
            .flatten()
            .map(Usd::from_raw),
        cvar_alpha: f.alpha,
        cvar_weight: f.weight,
        cost_p50_usd: (!plans.is_empty())
            .then(|| quantile(&dist, 0.5))
            .flatten()
            .map(Usd::from_raw),
        cost_p90_usd: (!plans.is_empty())
            .then(|| quantile(&dist, 0.9))
            .flatten()
            .map(Usd::from_raw),
        finish_p90_days: finish_p90,
        vss_usd: match (det_exp, expected) {
            (Some(d), Some(e)) => Some(d - e),
            _ => None,
        },
        vss_infeasible,
        deterministic_expected_usd: det_exp.map(Usd::from_raw),
        deterministic_cost_usd: det.cost.map(Usd::from_raw),
        evpi_usd: match (expected, wait) {
            (Some(e), Some(w)) => Some(e - w),
            _ => None,
        },
        wait_and_see_usd: wait.map(Usd::from_raw),
        here_and_now: f.here_and_now,
        scenarios,
        nonanticipativity_rows: f.na_rows,
        decisions_forbidden: f.zeroed,
        rows: f.rows,
        cols: f.cols,
        chance: f.chance,
        solve: f.solve,
    };
    RiskPlan {
        scenario: vs.scenario().name.clone(),
        summary,
        branches: plans,
    }
}

fn money(v: Option<Usd>) -> String {
    match v {
        None => "-".to_owned(),
        Some(u) => {
            let x = u.get();
            if x.abs() >= 1e9 {
                format!("${:.3}B", x / 1e9)
            } else if x.abs() >= 1e6 {
                format!("${:.3}M", x / 1e6)
            } else if x.abs() >= 1e3 {
                format!("${:.1}k", x / 1e3)
            } else {
                format!("${x:.2}")
            }
        }
    }
}

/// Money that may be negative (VSS, EVPI under a CVaR objective).
fn signed(v: f64) -> String {
    if v < 0.0 {
        format!("-{}", money(Some(Usd::from_raw(-v))))
    } else {
        money(Some(Usd::from_raw(v)))
    }
}

fn list(v: &[&str]) -> String {
    if v.is_empty() {
        "(none)".to_owned()
    } else {
        v.join(", ")
    }
}

fn day(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| format!("{d:.1}"))
}

impl RiskPlan {
    /// The plan of the first branch (the first joint scenario: no event,
    /// when that can happen) with the `risk` section attached; none when
    /// the extensive form has no solution.
    #[must_use]
    pub fn to_plan(&self) -> Option<Plan> {
        self.branches.first().map(|p| {
            let mut p = p.clone();
            p.scenario.clone_from(&self.scenario);
            p.risk = Some(Box::new(self.summary.clone()));
            p
        })
    }

    /// The JSON a plan under risk prints: the first branch's plan with a
    /// `risk` section, or `{scenario, status, risk}` without a solution.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Internal`] if serialisation fails.
    pub fn to_json(&self) -> crate::Result<String> {
        if let Some(p) = self.to_plan() {
            return p.to_json();
        }
        let v = serde_json::json!({
            "scenario": self.scenario,
            "status": self.summary.status,
            "risk": self.summary,
        });
        serde_json::to_string_pretty(&v)
            .map_err(|e| crate::Error::internal(format!("risk plan to JSON: {e}")))
    }

    /// A text table: here-and-now decisions, expected cost, P50/P90 cost,
    /// CVaR, VSS, EVPI, P90 finish days, and each joint scenario.
    #[must_use]
    pub fn to_table(&self) -> String {
        let s = &self.summary;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Plan under risk: {}  status {}  ({} joint scenarios; extensive form {} rows x {} cols, {} non-anticipativity rows)",
            self.scenario,
            s.status.as_str(),
            s.scenarios.len(),
            s.rows,
            s.cols,
            s.nonanticipativity_rows
        );
        if let Some(d) = &s.solve.decomposition {
            let _ = writeln!(
                t,
                "solved by decomposition: {} clusters, {} first-stage decisions, {} cuts, {} iterations; lower bound {}",
                d.clusters,
                d.first_stage,
                d.cuts,
                d.bounds.len(),
                s.solve
                    .lower_bound_usd
                    .map_or_else(|| "-".to_owned(), signed)
            );
        }
        if let Some(n) = &s.solve.method_note {
            let _ = writeln!(t, "solved by the extensive form: {n}");
        }
        let _ = writeln!(
            t,
            "expected cost {}   P50 {}   P90 {}   CVaR{:.2} {}",
            money(s.expected_cost_usd),
            money(s.cost_p50_usd),
            money(s.cost_p90_usd),
            s.cvar_alpha,
            money(s.cvar_usd)
        );
        let vss = match (s.vss_usd, s.vss_infeasible.is_empty()) {
            (Some(v), _) => signed(v),
            (None, false) => format!(
                "infinite (deterministic plan fails in {})",
                s.vss_infeasible.join(", ")
            ),
            (None, true) => "-".to_owned(),
        };
        let _ = writeln!(
            t,
            "VSS {vss}   (deterministic plan {} on its own, {} expected under the risks)",
            money(s.deterministic_cost_usd),
            money(s.deterministic_expected_usd)
        );
        let _ = writeln!(
            t,
            "EVPI {}   (wait-and-see {})",
            s.evpi_usd.map_or_else(|| "-".to_owned(), signed),
            money(s.wait_and_see_usd)
        );
        if let Some(c) = &s.chance {
            let missed: Vec<&str> = s
                .scenarios
                .iter()
                .map(|o| o.name.as_str())
                .filter(|n| !c.met.iter().any(|m| m == n))
                .collect();
            let _ = writeln!(
                t,
                "chance constraint: every training deadline met with probability >= {}: achieved {}   met in: {}   late in: {}",
                c.q,
                c.achieved
                    .map_or_else(|| "-".to_owned(), |a| format!("{a:.4}")),
                list(&c.met.iter().map(String::as_str).collect::<Vec<_>>()),
                list(&missed)
            );
        }
        let _ = writeln!(t, "\nhere-and-now decisions (shared by every branch):");
        if s.here_and_now.is_empty() {
            let _ = writeln!(t, "  (none)");
        }
        for d in &s.here_and_now {
            let _ = writeln!(
                t,
                "  {:<6} {:<20} {:<24} day {:>6.1}  {:>10.1} devices",
                d.kind,
                d.phase.as_deref().unwrap_or("-"),
                d.pool,
                d.day,
                d.devices
            );
        }
        let _ = writeln!(t, "\nP90 finish day per phase:");
        for (ph, d) in &s.finish_p90_days {
            let _ = writeln!(t, "  {ph:<24} {}", day(*d));
        }
        let _ = writeln!(t, "\nscenarios:");
        let _ = writeln!(
            t,
            "  {:<32} {:>8} {:>14} {:>14} {:>14}  verified  finishes",
            "name", "p", "cost", "own optimum", "deterministic"
        );
        for o in &s.scenarios {
            let fin: Vec<String> = o
                .finishes
                .iter()
                .map(|(k, v)| format!("{k} {}", day(*v)))
                .collect();
            let _ = writeln!(
                t,
                "  {:<32} {:>8.4} {:>14} {:>14} {:>14}  {:<8}  {}",
                o.name,
                o.probability,
                money(o.cost_usd),
                money(o.own_optimum_usd),
                money(o.deterministic_usd),
                match (&s.chance, o.verified) {
                    (_, true) => "yes",
                    (Some(c), false) if !c.met.contains(&o.name) => "late",
                    _ => "NO",
                },
                fin.join(", ")
            );
        }
        t
    }
}

impl DecompositionFigures {
    pub(crate) fn new(d: &super::decompose::Decomposed) -> Self {
        Self {
            clusters: d.clusters,
            first_stage: d.first_stage,
            cuts: d.cuts,
            feasibility_cuts: d.feasibility_cuts,
            simplex_iterations: d.simplex_iterations,
            bounds: d
                .bounds
                .iter()
                .map(|&(l, u)| (l, u.is_finite().then_some(u)))
                .collect(),
        }
    }
}
