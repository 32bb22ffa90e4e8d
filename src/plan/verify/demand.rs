//! The demand each phase must meet: all of it, or under a `max_served`
//! objective the fraction the plan claims (the compiler's partial-demand
//! columns).

use super::Ctx;
use crate::scenario::{ObjectiveKind, PhaseId};

/// The fraction of a phase's demand the plan must meet: all of it, or, when
/// the scenario's objective is `max_served`, the fraction the plan claims
/// (at most all; `summary.demand_met[P]` checks the claim).
pub(super) fn required(cx: &Ctx<'_>, p: PhaseId) -> f64 {
    if cx.vs.scenario().objective.kind() != ObjectiveKind::MaxServed {
        return 1.0;
    }
    let name = cx.vs.phase(p).name();
    cx.plan
        .phases
        .iter()
        .find(|o| o.name == name)
        .map_or(1.0, |o| o.demand_met.clamp(0.0, 1.0))
}
