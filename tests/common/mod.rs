//! Helpers shared by the integration tests: the shared LP suite
//! (`FLEETPLAN_LP_SUITE`), its `REFERENCE.csv`, the certificate assertion,
//! random LP generators ([`lpgen`]) and the microlp oracle ([`oracle`]).
//!
//! Each test crate uses a subset, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod lpgen;
pub mod oracle;
pub mod plangen;
pub mod scenario;

#[allow(unused_imports)] // each test crate uses a subset
pub use scenario::*;

use fleetplan::model::Model;
use fleetplan::solver::Solution;
use fleetplan::solver::certificate::{CheckReport, CheckTolerances, check};
use std::path::{Path, PathBuf};

/// The shared instance folder from `FLEETPLAN_LP_SUITE`, or `None` after
/// printing the standard skip message (the caller then returns and passes).
///
/// Under CI (the `CI` variable set and non-empty, as `.ci/run` sets it) a
/// missing suite is a failure, not a skip: libtest shows a skipped test as
/// `ok`, so a CI run without the data would otherwise pass unseen.
pub fn lp_suite_dir() -> Option<PathBuf> {
    match std::env::var_os("FLEETPLAN_LP_SUITE") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            assert!(
                p.join("REFERENCE.csv").is_file(),
                "FLEETPLAN_LP_SUITE={} has no REFERENCE.csv",
                p.display()
            );
            Some(p)
        }
        _ => {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "FLEETPLAN_LP_SUITE is not set but CI is: under CI the shared suite must run \
                 (set FLEETPLAN_LP_SUITE to the folder holding REFERENCE.csv, e.g. ../shared/lp)"
            );
            eprintln!("skipped: FLEETPLAN_LP_SUITE is not set");
            None
        }
    }
}

/// One line of `REFERENCE.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Instance name (file stem).
    pub instance: String,
    /// `LP` or `MIP`.
    pub kind: String,
    /// Folder under the suite: `netlib`, `miplib` or `status`.
    pub folder: String,
    /// Constraint rows (the objective row excluded).
    pub rows: Option<usize>,
    /// Columns.
    pub cols: Option<usize>,
    /// Constraint-matrix nonzeros (objective entries excluded).
    pub nonzeros: Option<usize>,
    /// The published optimum (Netlib readme / miplib3.cat), when numeric.
    pub reference_objective: Option<f64>,
    /// `infeasible` / `unbounded` for the status instances.
    pub expected_status: Option<String>,
    /// Where the reference comes from.
    pub reference_source: String,
    /// The objective HiGHS 1.16 reached.
    pub highs_objective: Option<f64>,
    /// HiGHS 1.16 solve seconds (single thread, median of 5).
    pub highs_seconds: Option<f64>,
    /// Free-text notes (read them: rounded values, objective constants, hard cases).
    pub notes: String,
}

impl Reference {
    /// The file of this instance under `suite`.
    pub fn path(&self, suite: &Path) -> PathBuf {
        suite
            .join(&self.folder)
            .join(format!("{}.mps", self.instance))
    }

    /// `true` when the notes say the published value is rounded.
    pub fn published_value_rounded(&self) -> bool {
        self.notes.contains("rounded")
    }

    /// `true` for the cases HiGHS itself does not prove optimal in 60 s.
    pub fn is_hard(&self) -> bool {
        self.notes.starts_with("hard")
    }

    /// The objective a test should reach: HiGHS's value where the published
    /// one is rounded (per the notes), else the published value.
    pub fn target_objective(&self) -> Option<f64> {
        if self.published_value_rounded() {
            self.highs_objective
        } else {
            self.reference_objective
        }
    }
}

/// Splits one CSV line (RFC 4180 quotes, no embedded newlines).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Reads `REFERENCE.csv` of the suite.
pub fn read_reference(suite: &Path) -> Vec<Reference> {
    let path = suite.join("REFERENCE.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("REFERENCE.csv has no column {name}"))
    };
    let (ci, ck, cf, cr, cc, cn, co, cs, ch, ct, cx) = (
        col("instance"),
        col("kind"),
        col("folder"),
        col("rows"),
        col("cols"),
        col("nonzeros"),
        col("reference_objective"),
        col("reference_source"),
        col("highs_1_16_objective"),
        col("highs_1_16_seconds"),
        col("notes"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = csv_fields(l);
            let get = |k: usize| f.get(k).map(String::as_str).unwrap_or("");
            let num = |k: usize| get(k).parse::<f64>().ok();
            let int = |k: usize| get(k).parse::<usize>().ok();
            let obj = get(co);
            Reference {
                instance: get(ci).to_owned(),
                kind: get(ck).to_owned(),
                folder: get(cf).to_owned(),
                rows: int(cr),
                cols: int(cc),
                nonzeros: int(cn),
                reference_objective: obj.parse().ok(),
                expected_status: obj.parse::<f64>().is_err().then(|| obj.to_owned()),
                reference_source: get(cs).to_owned(),
                highs_objective: num(ch),
                highs_seconds: num(ct),
                notes: get(cx).to_owned(),
            }
        })
        .collect()
}

/// The `.mps` files of one suite folder, sorted by name.
pub fn mps_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "mps"))
        .collect();
    v.sort();
    v
}

/// `|a - b| <= rel * max(1, |b|)`.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1.0)
}

/// Runs the independent certificate check with default tolerances and
/// panics with the full report (naming `what`) if any check fails.
pub fn assert_certified(what: &str, model: &Model, solution: &Solution) -> CheckReport {
    assert_certified_with(what, model, solution, &CheckTolerances::default())
}

/// As [`assert_certified`] with explicit tolerances.
pub fn assert_certified_with(
    what: &str,
    model: &Model,
    solution: &Solution,
    tol: &CheckTolerances,
) -> CheckReport {
    let report = check(model, solution, tol);
    assert!(
        report.is_ok(),
        "{what}: the solution does not pass the certificate check:\n{report}"
    );
    report
}

/// The largest violation of a column or row bound by `x`, each relative to
/// `1 + |bound|` (for oracle answers, which carry no duals).
pub fn max_primal_violation(model: &Model, x: &[f64]) -> f64 {
    let rel = |v: f64, b: f64| v.max(0.0) / (1.0 + b.abs());
    let mut worst = 0.0f64;
    for (j, &xj) in x.iter().enumerate() {
        let (l, u) = (model.col_lower()[j], model.col_upper()[j]);
        worst = worst.max(rel(l - xj, l)).max(rel(xj - u, u));
    }
    for (i, a) in model.row_activity(x).into_iter().enumerate() {
        let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
        worst = worst.max(rel(l - a, l)).max(rel(a - u, u));
    }
    worst
}
