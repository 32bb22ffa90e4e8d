//! What every fuzz target checks, and the structured scenario description
//! (`desc`) the `structured` target builds scenarios from.
//!
//! A target fails (a crash libFuzzer keeps) on a panic, on a validation
//! report without a coded issue, on an optimal or feasible plan that its
//! own verifier rejects, and on an internal error of the planner or the
//! engine; libFuzzer's `-timeout` and `-rss_limit_mb` catch hangs and
//! memory blow-ups.

#![forbid(unsafe_code)]

pub mod desc;

use fleetplan::ErrorKind;
use fleetplan::plan::{PlanOptions, PlanStatus, plan};
use fleetplan::scenario::Scenario;
use std::time::Duration;

/// The planning budget of one input.
pub const BUDGET: Duration = Duration::from_secs(2);

/// Validates `s` and, when valid, plans it within [`BUDGET`] in whole
/// devices or fractionally.
///
/// # Panics
/// On the failures listed in the crate docs.
pub fn exercise(s: &Scenario, fractional: bool) {
    let vs = match s.validate() {
        Ok(vs) => vs,
        Err(r) => {
            assert!(!r.issues.is_empty(), "an empty validation report");
            for i in &r.issues {
                assert!(
                    i.code.as_str().starts_with("E-") && !i.path.is_empty() && !i.fix.is_empty(),
                    "an issue without code, path or fix: {i}"
                );
            }
            return;
        }
    };
    let opts = PlanOptions::default()
        .with_time_limit(BUDGET)
        .with_fractional(fractional);
    match plan(&vs, &opts) {
        Ok(p) => {
            if matches!(p.status, PlanStatus::Optimal | PlanStatus::Feasible) {
                assert!(
                    p.verified,
                    "a {} plan its verifier rejects:\n{}",
                    p.status.as_str(),
                    p.verification
                );
            }
        }
        // A cost that needs a figure the scenario lacks (documented on
        // `plan`) is a typed refusal, not a failure.
        Err(e) if e.kind() == ErrorKind::Model => {}
        Err(e) => panic!("planning a valid scenario failed ({:?}): {e}", e.kind()),
    }
}
