//! Validation: one test per distinct invalid input, each asserting the
//! issue's code and path (and, for most, that it is the only issue: no
//! cascades), plus reports with many problems at once.

mod common;

use common::{BASE, assert_has, assert_only, base, raw, report_of, report_of_toml};
use fleetplan::catalog::{AcceleratorPatch, Confidence, Country, Sourced};
use fleetplan::fleet::{Count, Ownership, Pool, SoftwareStack};
use fleetplan::policy::{DomesticShare, ExportRule, RuleStatus};
use fleetplan::scenario::{IssueCode as C, Objective, Scenario};
use fleetplan::units::Days;
use fleetplan::workload::{LatencySlo, Measured, PhaseKind};

fn days(d: f64) -> Days {
    raw(d)
}

#[test]
fn base_is_valid() {
    let v = match base().validate() {
        Ok(v) => v,
        Err(r) => panic!("{r}"),
    };
    assert_eq!(v.pools().len(), 3);
    assert_eq!(v.phases().len(), 2);
    // Resolved pool facts: owned count, limits, whole-node acquisitions.
    let granularity: Vec<u64> = v.pools().map(|p| p.granularity()).collect();
    assert_eq!(granularity, vec![1, 8, 8]);
    let max: Vec<Option<u64>> = v.pools().map(|p| p.max_devices()).collect();
    assert_eq!(max, vec![Some(2048), Some(4096), Some(70_000)]);
    let domestic: Vec<bool> = v.pools().map(|p| p.is_domestic()).collect();
    assert_eq!(domestic, vec![false, false, true]);
    assert_eq!(
        v.pools().nth(1).map(|p| p.site().to_string()),
        Some("SG".into())
    );
}

// --- Catalogue references ----------------------------------------------------

#[test]
fn unknown_accelerator() {
    let mut s = base();
    s.pools[0].accelerator = "H900".into();
    let r = report_of(&s);
    assert_only(&r, C::AcceleratorUnknown, "pools[0].accelerator");
    assert!(r.issues[0].message.contains("H900"));
    assert!(r.issues[0].fix.contains("[[accelerators]]"));
    assert!(r.issues[0].fix.contains("known: A100, A800"));
}

#[test]
fn unknown_accelerator_in_rule() {
    let mut s = base();
    s.policy.rules[1].accelerators.push("H30".into());
    assert_only(
        &report_of(&s),
        C::AcceleratorUnknown,
        "policy.rules[1].accelerators[1]",
    );
}

#[test]
fn unknown_accelerator_in_measured() {
    let mut s = base();
    s.phases[1]
        .measured
        .push(Measured::new("Ascend 920", raw(1000.0), raw(100.0)));
    assert_only(
        &report_of(&s),
        C::AcceleratorUnknown,
        "phases[1].measured[0].accelerator",
    );
}

/// Measured throughput tables (issue 17): non-increasing concurrency, a
/// negative or non-finite rate, or a table beside the single figure it
/// replaces are refused at the point's path.
#[test]
fn measured_table_points_are_checked() {
    let table = |points: Vec<[f64; 2]>, single: bool| {
        let mut s = base();
        let mut m = Measured::new("H800", raw(1000.0), raw(100.0));
        m.decode_points = points;
        if !single {
            m.decode_tokens_per_s = None;
        }
        s.phases[1].measured.push(m);
        s
    };
    let at = "phases[1].measured[0].decode_points";
    for (points, bad) in [
        (vec![[8.0, 500.0], [8.0, 600.0]], 1),
        (vec![[8.0, 500.0], [4.0, 600.0]], 1),
        (vec![[0.0, 500.0]], 0),
        (vec![[8.0, 500.0], [16.0, -1.0]], 1),
        (vec![[8.0, f64::NAN]], 0),
        (vec![[f64::INFINITY, 1.0]], 0),
    ] {
        assert_only(
            &report_of(&table(points, false)),
            C::MeasuredPoints,
            &format!("{at}[{bad}]"),
        );
    }
    assert_only(
        &report_of(&table(vec![[8.0, 500.0], [16.0, 700.0]], true)),
        C::MeasuredPoints,
        at,
    );
    // a good table validates
    let ok = table(vec![[8.0, 500.0], [16.0, 700.0]], false);
    assert!(ok.validate().is_ok());
}

#[test]
fn unknown_vendor_in_rule() {
    let mut s = base();
    s.policy.rules[1].vendors.push("Nvidea".into());
    assert_only(
        &report_of(&s),
        C::VendorUnknown,
        "policy.rules[1].vendors[0]",
    );
}

#[test]
fn new_accelerator_without_vendor_or_origin() {
    let mut s = base();
    s.accelerators.push(AcceleratorPatch::new("MLU590"));
    let r = report_of(&s);
    assert_eq!(r.issues.len(), 2, "{r}");
    assert_has(&r, C::AcceleratorIncomplete, "accelerators[0].vendor");
    assert_has(&r, C::AcceleratorIncomplete, "accelerators[0].origin");
}

#[test]
fn two_patches_of_one_accelerator() {
    let mut s = base();
    s.accelerators.push(AcceleratorPatch::new("H800"));
    s.accelerators.push(AcceleratorPatch::new("h800 sxm5"));
    assert_only(
        &report_of(&s),
        C::AcceleratorDuplicate,
        "accelerators[1].name",
    );
}

#[test]
fn alias_already_taken() {
    let mut s = base();
    let mut p = AcceleratorPatch::new("H800");
    p.aliases.push("H100 SXM5".into());
    s.accelerators.push(p);
    assert_only(
        &report_of(&s),
        C::NameDuplicate,
        "accelerators[0].aliases[0]",
    );
}

#[test]
fn zero_catalogue_figure() {
    let mut s = base();
    let mut p = AcceleratorPatch::new("Ascend 910C");
    p.tdp = Some(Sourced::new(raw(0.0), Confidence::Low));
    s.accelerators.push(p);
    assert_only(&report_of(&s), C::NumberZero, "accelerators[0].tdp.value");
}

#[test]
fn fractional_scale_up_domain_override() {
    let mut s = base();
    let mut p = AcceleratorPatch::new("Ascend 910C");
    p.scale_up_domain = Some(Sourced::new(Count::from_raw(8.5), Confidence::Primary));
    s.accelerators.push(p);
    assert_only(
        &report_of(&s),
        C::CountNotInteger,
        "accelerators[0].scale_up_domain.value",
    );
}

// --- Numbers ------------------------------------------------------------------

#[test]
fn negative_count() {
    let mut s = base();
    s.pools[0].count = Some(Count::from_raw(-5.0));
    assert_only(&report_of(&s), C::NumberNegative, "pools[0].count");
}

#[test]
fn non_integer_count() {
    let r = report_of_toml(&BASE.replace("count = 2048", "count = 2048.5"));
    assert_only(&r, C::CountNotInteger, "pools[0].count");
}

#[test]
fn nan_count() {
    let r = report_of_toml(&BASE.replace("count = 2048", "count = nan"));
    assert_only(&r, C::NumberNaN, "pools[0].count");
}

#[test]
fn infinite_count() {
    let r = report_of_toml(&BASE.replace("count = 2048", "count = inf"));
    assert_only(&r, C::NumberInfinite, "pools[0].count");
}

#[test]
fn huge_count() {
    let r = report_of_toml(&BASE.replace("count = 2048", "count = 1e16"));
    assert_only(&r, C::CountTooLarge, "pools[0].count");
}

#[test]
fn nan_tokens() {
    let r = report_of_toml(&BASE.replace("tokens = 14.8e12", "tokens = nan"));
    assert_only(&r, C::NumberNaN, "phases[0].tokens");
}

#[test]
fn infinite_budget() {
    let r = report_of_toml(&BASE.replace("capex_usd = 1.6e9", "capex_usd = -inf"));
    assert_only(&r, C::NumberInfinite, "budget.capex_usd");
}

#[test]
fn negative_budget() {
    let mut s = base();
    s.budget.total_usd = Some(raw(-1.0));
    assert_only(&report_of(&s), C::NumberNegative, "budget.total_usd");
}

#[test]
fn negative_rental_price() {
    let mut s = base();
    s.pools[1].ownership = Ownership::rentable(raw(-2.0)).into();
    assert_only(
        &report_of(&s),
        C::NumberNegative,
        "pools[1].ownership.usd_per_hour",
    );
}

#[test]
fn negative_purchase_price() {
    let r = report_of_toml(&BASE.replace("unit_price_usd = 28600", "unit_price_usd = -28600"));
    assert_only(&r, C::NumberNegative, "pools[2].ownership.unit_price_usd");
}

#[test]
fn availability_above_one() {
    let mut s = base();
    s.pools[0].availability = Some(raw(1.2));
    assert_only(&report_of(&s), C::NumberRange, "pools[0].availability");
}

#[test]
fn zero_horizon() {
    let r = report_of_toml(&BASE.replace("horizon_days = 180", "horizon_days = 0"));
    assert_only(&r, C::NumberZero, "horizon_days");
}

#[test]
fn mfu_zero() {
    let mut s = base();
    s.pools[0].mfu.pretraining = Some(raw(0.0));
    assert_only(&report_of(&s), C::NumberRange, "pools[0].mfu.pretraining");
}

#[test]
fn mfu_above_one() {
    let mut s = base();
    s.pools[2].mfu.inference = Some(raw(1.5));
    assert_only(&report_of(&s), C::NumberRange, "pools[2].mfu.inference");
}

#[test]
fn zero_node_size() {
    let mut s = base();
    s.pools[0].node_size = Some(Count::new(0));
    assert_only(&report_of(&s), C::NumberZero, "pools[0].node_size");
}

#[test]
fn negative_mtbf() {
    let mut s = base();
    s.pools[2].mtbf_hours = Some(raw(0.0));
    assert_only(&report_of(&s), C::NumberZero, "pools[2].mtbf_hours");
}

#[test]
fn pue_below_one() {
    let r = report_of_toml(&BASE.replace("pue = 1.3", "pue = 0.9"));
    assert_only(&r, C::NumberRange, "budget.energy.pue");
}

#[test]
fn cache_hit_above_one() {
    let r = report_of_toml(&BASE.replace("cache_hit = 0.563", "cache_hit = 56.3"));
    assert_only(&r, C::NumberRange, "phases[1].tokens_per_day.cache_hit");
}

#[test]
fn mip_gap_above_one() {
    let mut s = base();
    s.settings.mip_gap = Some(raw(2.0));
    assert_only(&report_of(&s), C::NumberRange, "settings.mip_gap");
}

#[test]
fn zero_latency_target() {
    let mut s = base();
    let mut l = LatencySlo::default();
    l.tpot_s = Some(raw(0.0));
    s.phases[1].latency = Some(l);
    assert_only(&report_of(&s), C::NumberZero, "phases[1].latency.tpot_s");
}

// --- Names --------------------------------------------------------------------

#[test]
fn empty_fleet() {
    let mut s = base();
    s.pools.clear();
    assert_only(&report_of(&s), C::FleetEmpty, "pools");
}

#[test]
fn empty_workload() {
    let mut s = base();
    s.phases.clear();
    s.objective = Objective::MinCost;
    assert_only(&report_of(&s), C::WorkloadEmpty, "phases");
}

#[test]
fn duplicate_pool_names() {
    let mut s = base();
    s.pools[2].name = "h800".into();
    let r = report_of(&s);
    assert_only(&r, C::NameDuplicate, "pools[2].name");
    assert!(r.issues[0].message.contains("pools[0]"));
}

#[test]
fn duplicate_phase_names() {
    let mut s = base();
    s.phases[1].name = "pretrain".into();
    assert_only(&report_of(&s), C::NameDuplicate, "phases[1].name");
}

#[test]
fn empty_pool_name() {
    let mut s = base();
    s.pools[1].name = "  ".into();
    assert_only(&report_of(&s), C::NameEmpty, "pools[1].name");
}

#[test]
fn empty_scenario_name() {
    let mut s = base();
    s.name = String::new();
    assert_only(&report_of(&s), C::NameEmpty, "name");
}

#[test]
fn unknown_objective_phase() {
    let mut s = base();
    s.objective = Objective::MinMakespan {
        phases: vec!["pretrian".into()],
    };
    let r = report_of(&s);
    assert_only(&r, C::PhaseUnknown, "objective.phases[0]");
    assert!(r.issues[0].fix.contains("did you mean 'pretrain'?"));
}

// --- Pools --------------------------------------------------------------------

#[test]
fn owned_pool_without_count() {
    let mut s = base();
    s.pools[0].count = None;
    assert_only(&report_of(&s), C::PoolCountMissing, "pools[0].count");
}

#[test]
fn count_on_rentable_pool() {
    let mut s = base();
    s.pools[1].count = Some(Count::new(8));
    assert_only(&report_of(&s), C::PoolCountNotOwned, "pools[1].count");
}

#[test]
fn amortised_owned_pool_without_price() {
    let mut s = base();
    s.pools[0].ownership = Ownership::Owned {
        sunk: Some(false),
        unit_price_usd: None,
        depreciation_days: Some(days(1826.25)),
    };
    assert_only(
        &report_of(&s),
        C::PoolCapexIncomplete,
        "pools[0].ownership.unit_price_usd",
    );
}

#[test]
fn software_that_does_not_run_on_the_device() {
    let mut s = base();
    s.pools[0].software = Some(SoftwareStack::Cann);
    assert_only(&report_of(&s), C::PoolSoftwareMismatch, "pools[0].software");
}

#[test]
fn software_fix_for_a_vendor_without_a_known_stack_reads_well() {
    // The fix once read `use software = "other" (the vendor's stack) or
    // "other"` for accelerators whose vendor has no known stack.
    let mut s = base();
    let mut p = AcceleratorPatch::new("H800");
    p.vendor = Some("Acme Silicon".into());
    s.accelerators.push(p);
    s.pools[0].software = Some(SoftwareStack::Cuda);
    let r = report_of(&s);
    assert_only(&r, C::PoolSoftwareMismatch, "pools[0].software");
    let fix = &r.issues[0].fix;
    assert_eq!(fix.matches("\"other\"").count(), 1, "{fix}");
    assert!(
        fix.contains("Acme Silicon") && !fix.contains("vendor's stack"),
        "{fix}"
    );
    // A vendor with a stack still gets it named.
    let mut s = base();
    s.pools[0].software = Some(SoftwareStack::Cann);
    let r = report_of(&s);
    assert!(
        r.issues[0].fix.contains("\"cuda\" (the vendor's stack)"),
        "{}",
        r.issues[0].fix
    );
}

#[test]
fn lead_time_beyond_horizon() {
    let r = report_of_toml(&BASE.replace("lead_time_days = 90", "lead_time_days = 200"));
    assert_only(
        &r,
        C::PoolLeadTimeBeyondHorizon,
        "pools[2].ownership.lead_time_days",
    );
}

#[test]
fn zero_purchase_granularity() {
    let r = report_of_toml(&BASE.replace(
        "lead_time_days = 90",
        "lead_time_days = 90, granularity = 0",
    ));
    assert_only(&r, C::NumberZero, "pools[2].ownership.granularity");
}

// --- Phases -------------------------------------------------------------------

#[test]
fn training_without_demand() {
    let mut s = base();
    s.phases[0].tokens = None;
    assert_only(&report_of(&s), C::PhaseDemandMissing, "phases[0].tokens");
}

#[test]
fn training_with_tokens_and_flops() {
    let mut s = base();
    s.phases[0].flops = Some(raw(3.3e24));
    assert_only(&report_of(&s), C::PhaseDemandAmbiguous, "phases[0].flops");
}

#[test]
fn inference_without_token_demand() {
    let mut s = base();
    s.phases[1].tokens_per_day = None;
    assert_only(
        &report_of(&s),
        C::PhaseTokensMissing,
        "phases[1].tokens_per_day",
    );
}

#[test]
fn inference_with_zero_tokens() {
    let r = report_of_toml(&BASE.replace("input = 608e9, output = 168e9", "input = 0, output = 0"));
    assert_only(&r, C::PhaseTokensMissing, "phases[1].tokens_per_day");
}

#[test]
fn deadline_beyond_horizon() {
    let mut s = base();
    s.phases[0].deadline_days = Some(days(200.0));
    let r = report_of(&s);
    assert_only(&r, C::DeadlineBeyondHorizon, "phases[0].deadline_days");
    assert!(r.issues[0].fix.contains("180"));
}

#[test]
fn service_end_beyond_horizon() {
    let mut s = base();
    s.phases[1].until_day = Some(days(181.0));
    assert_only(
        &report_of(&s),
        C::DeadlineBeyondHorizon,
        "phases[1].until_day",
    );
}

#[test]
fn window_end_before_start() {
    let mut s = base();
    s.phases[0].start_day = Some(days(100.0));
    s.phases[0].deadline_days = Some(days(90.0));
    assert_only(&report_of(&s), C::WindowReversed, "phases[0].deadline_days");
}

#[test]
fn service_ends_before_it_starts() {
    let mut s = base();
    s.phases[1].until_day = Some(days(120.0));
    assert_only(&report_of(&s), C::WindowReversed, "phases[1].until_day");
}

#[test]
fn start_beyond_horizon() {
    let mut s = base();
    s.phases[1].from_day = Some(days(180.0));
    assert_only(&report_of(&s), C::StartBeyondHorizon, "phases[1].from_day");
}

#[test]
fn training_field_on_inference() {
    let mut s = base();
    s.phases[1].deadline_days = Some(days(150.0));
    assert_only(
        &report_of(&s),
        C::FieldNotApplicable,
        "phases[1].deadline_days",
    );
}

#[test]
fn inference_field_on_training() {
    let mut s = base();
    s.phases[0].batch = Some(Count::new(64));
    assert_only(&report_of(&s), C::FieldNotApplicable, "phases[0].batch");
}

#[test]
fn min_devices_above_max() {
    let mut s = base();
    s.phases[0].min_devices = Some(Count::new(4096));
    s.phases[0].max_devices = Some(Count::new(2048));
    assert_only(
        &report_of(&s),
        C::DevicesMinAboveMax,
        "phases[0].min_devices",
    );
}

#[test]
fn more_active_than_total_params() {
    let mut s = base();
    s.phases[0].model.active_params = Some(Count::new(700_000_000_000));
    assert_only(
        &report_of(&s),
        C::ModelActiveAboveTotal,
        "phases[0].model.active_params",
    );
}

#[test]
fn fractional_layers() {
    let mut s = base();
    s.phases[0].model.layers = Some(Count::from_raw(61.5));
    assert_only(&report_of(&s), C::CountNotInteger, "phases[0].model.layers");
}

#[test]
fn zero_checkpoint_size() {
    let mut s = base();
    s.phases[0].checkpoint_bytes = Some(raw(0.0));
    assert_only(&report_of(&s), C::NumberZero, "phases[0].checkpoint_bytes");
}

#[test]
fn measured_twice_for_one_accelerator() {
    let mut s = base();
    let m = Measured::new("Ascend 910C", raw(6688.0), raw(1943.0));
    s.phases[1].measured.push(m.clone());
    let mut again = m;
    again.accelerator = "910C".into();
    s.phases[1].measured.push(again);
    assert_only(
        &report_of(&s),
        C::MeasuredDuplicate,
        "phases[1].measured[1].accelerator",
    );
}

#[test]
fn measured_without_rates() {
    let mut s = base();
    let mut m = Measured::new("H800", raw(1.0), raw(1.0));
    m.prefill_tokens_per_s = None;
    m.decode_tokens_per_s = None;
    s.phases[1].measured.push(m);
    assert_only(&report_of(&s), C::MeasuredEmpty, "phases[1].measured[0]");
}

// --- Eligibility --------------------------------------------------------------

#[test]
fn no_eligible_pool_when_only_prohibited_foreign_pools() {
    // The only pool is rentable H100 in China, which the US rule prohibits.
    let mut s = base();
    s.pools = vec![Pool::new("h100-cn", "H100", Ownership::rentable(raw(2.0)))];
    s.phases.truncate(1);
    s.objective = Objective::MinCost;
    s.policy.domestic_share.clear();
    let r = report_of(&s);
    assert_only(&r, C::PhaseNoEligiblePool, "phases[0]");
    assert!(
        r.issues[0]
            .message
            .contains("prohibited by policy.rules[0]"),
        "{r}"
    );
}

#[test]
fn owned_foreign_pools_stay_eligible_unless_rules_bind_owned() {
    let mut s = base();
    s.pools.truncate(1); // owned H800, prohibited for new sales
    assert!(s.validate().is_ok());
    s.policy.rules_bind_owned = true;
    let r = report_of(&s);
    assert_eq!(r.issues.len(), 2, "{r}"); // both phases lose their only pool
    assert_has(&r, C::PhaseNoEligiblePool, "phases[0]");
    assert_has(&r, C::PhaseNoEligiblePool, "phases[1]");
}

#[test]
fn no_eligible_pool_when_precision_unsupported_without_fallback() {
    let mut s = base();
    s.pools = vec![Pool::owned("910b", "Ascend 910B", 4096)];
    s.phases.truncate(1);
    s.phases[0].fallback_precision = None;
    s.objective = Objective::MinCost;
    s.policy.domestic_share.clear();
    let r = report_of(&s);
    assert_only(&r, C::PhaseNoEligiblePool, "phases[0]");
    assert!(r.issues[0].message.contains("lacks fp8"), "{r}");
}

#[test]
fn unknown_peak_needs_a_measured_throughput() {
    let mut s = base();
    s.pools = vec![Pool::owned("mi308x", "MI308X", 1024)];
    s.phases.remove(0);
    s.objective = Objective::MinCost;
    let r = report_of(&s);
    assert_only(&r, C::PhaseNoEligiblePool, "phases[0]");
    assert!(r.issues[0].message.contains("no known fp8 peak"), "{r}");
    // A measured throughput makes it eligible.
    s.phases[0]
        .measured
        .push(Measured::new("MI308X", raw(5000.0), raw(1000.0)));
    assert!(s.validate().is_ok());
}

// --- Policy -------------------------------------------------------------------

#[test]
fn levy_above_one() {
    let r = report_of_toml(&BASE.replace("levy = 0.15", "levy = 15"));
    assert_only(&r, C::NumberRange, "policy.rules[1].levy");
}

#[test]
fn negative_levy() {
    let r = report_of_toml(&BASE.replace("levy = 0.15", "levy = -0.15"));
    assert_only(&r, C::NumberRange, "policy.rules[1].levy");
}

#[test]
fn contradictory_rules() {
    let mut s = base();
    // H800 allowed from 2025-01-01 overlaps the open-ended prohibition.
    s.policy.rules.push(
        ExportRule::new(&["H800"], Country::CN, RuleStatus::Allowed)
            .from("2025-01-01".parse().unwrap_or(s.start)),
    );
    let r = report_of(&s);
    assert_only(&r, C::RuleConflict, "policy.rules[2]");
    assert!(r.issues[0].message.contains("H800"), "{r}");
    assert!(r.issues[0].message.contains("from 2025-01-01"), "{r}");
}

#[test]
fn contradictory_licence_terms() {
    let mut s = base();
    let mut r2 = s.policy.rules[1].clone();
    r2.levy = Some(raw(0.25));
    s.policy.rules.push(r2);
    assert_only(&report_of(&s), C::RuleConflict, "policy.rules[2]");
}

#[test]
fn vendor_rule_contradicts_named_rule() {
    let mut s = base();
    let mut r = ExportRule::new(&[], Country::CN, RuleStatus::Allowed);
    r.vendors.push("nvidia".into());
    s.policy.rules.push(r);
    let rep = report_of(&s);
    assert_eq!(rep.issues.len(), 2, "{rep}");
    assert!(
        rep.issues
            .iter()
            .all(|i| i.is(C::RuleConflict) && i.path == "policy.rules[2]")
    );
}

#[test]
fn rules_of_different_issuers_compose_without_conflict() {
    let mut s = base();
    for r in &mut s.policy.rules {
        r.issuer = Some(Country::US);
    }
    // China blocks H20 imports: composes with the US licence (no conflict).
    let mut cn = ExportRule::new(&["H20"], Country::CN, RuleStatus::Prohibited);
    cn.issuer = Some(Country::CN);
    s.policy.rules.push(cn);
    let v = match s.validate() {
        Ok(v) => v,
        Err(r) => panic!("{r}"),
    };
    let h20 = v.accelerator_id("H20").expect("built in");
    assert!(!v.export_effect(h20, Country::CN, v.start()).permits());
}

#[test]
fn quota_on_non_licensed_rule() {
    let mut s = base();
    s.policy.rules[0] = s.policy.rules[0].clone().with_quota(1000);
    assert_only(
        &report_of(&s),
        C::RuleTermsNotLicensed,
        "policy.rules[0].quota",
    );
}

#[test]
fn levy_on_prohibited_rule() {
    let mut s = base();
    s.policy.rules[0].levy = Some(raw(0.15));
    assert_only(
        &report_of(&s),
        C::RuleTermsNotLicensed,
        "policy.rules[0].levy",
    );
}

#[test]
fn non_integer_quota() {
    let mut s = base();
    s.policy.rules[1].quota = Some(Count::from_raw(10.5));
    assert_only(&report_of(&s), C::CountNotInteger, "policy.rules[1].quota");
}

#[test]
fn rule_without_accelerators() {
    let mut s = base();
    s.policy
        .rules
        .push(ExportRule::new(&[], Country::CN, RuleStatus::Prohibited));
    assert_only(&report_of(&s), C::RuleEmpty, "policy.rules[2]");
}

#[test]
fn rule_dates_reversed() {
    let r = report_of_toml(&BASE.replace(
        "from = \"2025-08-11\"",
        "from = \"2025-08-11\"\nuntil = \"2025-04-09\"",
    ));
    assert_only(&r, C::DatesReversed, "policy.rules[1].until");
}

#[test]
fn domestic_share_above_one() {
    let r = report_of_toml(&BASE.replace("min = 0.5", "min = 50"));
    assert_only(&r, C::NumberRange, "policy.domestic_share[0].min");
}

#[test]
fn two_domestic_shares_for_one_kind() {
    let mut s = base();
    s.policy
        .domestic_share
        .push(DomesticShare::new(PhaseKind::Inference, raw(0.7)));
    assert_only(
        &report_of(&s),
        C::ShareDuplicate,
        "policy.domestic_share[1]",
    );
}

// --- Names, dates and codes (reported by the parse, all at once) ----------------

#[test]
fn unknown_precision_names_allowed_values() {
    let r = report_of_toml(&BASE.replacen("precision = \"fp8\"", "precision = \"fp6\"", 1));
    assert_only(&r, C::ValueUnknown, "phases[0].precision");
    assert!(
        r.issues[0].fix.contains("bf16, fp16, fp8, int8, fp4"),
        "{r}"
    );
}

#[test]
fn unknown_objective() {
    let r = report_of_toml(&BASE.replace("kind = \"min_makespan\"", "kind = \"min_time\""));
    assert_only(&r, C::ValueUnknown, "objective.kind");
    assert!(r.issues[0].fix.contains("min_cost"));
}

#[test]
fn unknown_ownership_kind() {
    let r = report_of_toml(&BASE.replace("kind = \"rentable\"", "kind = \"leased\""));
    assert_only(&r, C::ValueUnknown, "pools[1].ownership.kind");
}

#[test]
fn unknown_phase_kind() {
    let r = report_of_toml(&BASE.replace("kind = \"pretraining\"", "kind = \"pre-training\""));
    assert_only(&r, C::ValueUnknown, "phases[0].kind");
    assert!(
        r.issues[0].fix.contains("did you mean 'pretraining'?"),
        "{r}"
    );
}

#[test]
fn unknown_rule_status() {
    let r = report_of_toml(&BASE.replace("status = \"licensed\"", "status = \"license_required\""));
    assert_only(&r, C::ValueUnknown, "policy.rules[1].status");
}

#[test]
fn unknown_software_stack() {
    let r =
        report_of_toml(&BASE.replace("site = \"SG\"", "site = \"SG\"\nsoftware = \"mindspore\""));
    assert_only(&r, C::ValueUnknown, "pools[1].software");
}

#[test]
fn not_a_calendar_date() {
    let r = report_of_toml(&BASE.replace("start = \"2025-08-15\"", "start = \"2025-02-30\""));
    assert_only(&r, C::DateInvalid, "start");
}

#[test]
fn malformed_rule_date() {
    let r = report_of_toml(&BASE.replace("from = \"2023-10-17\"", "from = \"17/10/2023\""));
    assert_only(&r, C::DateInvalid, "policy.rules[0].from");
}

#[test]
fn invalid_country_code() {
    let r = report_of_toml(&BASE.replace("jurisdiction = \"CN\"", "jurisdiction = \"China\""));
    assert_only(&r, C::CountryInvalid, "jurisdiction");
}

#[test]
fn unknown_confidence_label_in_override() {
    let text = BASE.replacen(
        "[[pools]]",
        "[[accelerators]]\nname = \"Ascend 910C\"\ntdp = { value = 550, confidence = \"guess\" }\n\n[[pools]]",
        1,
    );
    let r = report_of_toml(&text);
    assert_only(&r, C::ValueUnknown, "accelerators[0].tdp.confidence");
    assert!(
        r.issues[0]
            .fix
            .contains("primary, secondary, low, estimate, derived"),
        "{r}"
    );
}

#[test]
fn peak_that_is_neither_a_number_nor_unsupported() {
    let text = BASE.replacen(
        "[[pools]]",
        "[[accelerators]]\nname = \"Ascend 910C\"\npeak_fp8 = { value = \"none\" }\n\n[[pools]]",
        1,
    );
    assert_only(
        &report_of_toml(&text),
        C::ValueUnknown,
        "accelerators[0].peak_fp8.value",
    );
}

#[test]
fn every_bad_name_date_and_code_at_once() {
    let text = BASE
        .replace("start = \"2025-08-15\"", "start = \"2025-13-01\"")
        .replace("jurisdiction = \"CN\"", "jurisdiction = \"cn\"")
        .replace("kind = \"rentable\"", "kind = \"lease\"")
        .replace("status = \"prohibited\"", "status = \"banned\"")
        .replace("phase_kind = \"inference\"", "phase_kind = \"serving\"");
    let r = report_of_toml(&text);
    assert_eq!(r.issues.len(), 5, "{r}");
    assert_has(&r, C::DateInvalid, "start");
    assert_has(&r, C::CountryInvalid, "jurisdiction");
    assert_has(&r, C::ValueUnknown, "pools[1].ownership.kind");
    assert_has(&r, C::ValueUnknown, "policy.rules[0].status");
    assert_has(&r, C::ValueUnknown, "policy.domestic_share[0].phase_kind");
}

#[test]
fn every_bad_number_at_once() {
    let mut s = base();
    s.pools[0].count = Some(Count::from_raw(-1.0));
    s.pools[1].ownership = Ownership::rentable(raw(f64::NAN)).into();
    s.phases[0].tokens = Some(raw(f64::INFINITY));
    s.phases[1].deadline_days = Some(days(10.0));
    s.policy.rules[1].levy = Some(raw(1.5));
    s.horizon_days = days(0.0);
    s.pools.push(Pool::owned("h800", "H800", 8));
    let r = report_of(&s);
    assert_has(&r, C::NumberZero, "horizon_days");
    assert_has(&r, C::NumberNegative, "pools[0].count");
    assert_has(&r, C::NumberNaN, "pools[1].ownership.usd_per_hour");
    assert_has(&r, C::NameDuplicate, "pools[3].name");
    assert_has(&r, C::NumberInfinite, "phases[0].tokens");
    assert_has(&r, C::FieldNotApplicable, "phases[1].deadline_days");
    assert_has(&r, C::NumberRange, "policy.rules[1].levy");
    assert_eq!(r.issues.len(), 7, "{r}");
    // Issues come in field order.
    let paths: Vec<&str> = r.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths[0], "horizon_days");
    assert_eq!(paths[6], "policy.rules[1].levy");
}

// --- Parse errors ---------------------------------------------------------------

#[test]
fn malformed_toml_is_a_parse_error_with_its_line() {
    let text = BASE.replace("count = 2048", "count = = 2048");
    let e = Scenario::from_toml_str(&text).expect_err("malformed");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Parse);
    let line = BASE
        .lines()
        .position(|l| l.contains("count = 2048"))
        .map(|i| i + 1);
    assert_eq!(e.line(), line);
}

#[test]
fn missing_required_field_is_a_parse_error() {
    let text = BASE.replace("accelerator = \"H800\"\n", "");
    let e = Scenario::from_toml_str(&text).expect_err("no accelerator");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Parse);
    assert!(e.to_string().contains("accelerator"), "{e}");
    assert!(e.line().is_some());
}

#[test]
fn unknown_key_is_a_parse_error_naming_the_key() {
    let text = BASE.replace("count = 2048", "cuont = 2048");
    let e = Scenario::from_toml_str(&text).expect_err("typo");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Parse);
    assert!(e.to_string().contains("cuont"), "{e}");
}

#[test]
fn string_where_a_number_belongs_is_a_parse_error() {
    let text = BASE.replace("count = 2048", "count = \"2048\"");
    let e = Scenario::from_toml_str(&text).expect_err("string count");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Parse);
}

#[test]
fn malformed_json_is_a_parse_error_with_its_line() {
    let e = Scenario::from_json_str("{\n  \"name\": \"x\",\n  \"start\": }").expect_err("bad JSON");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Parse);
    assert_eq!(e.line(), Some(3));
}

#[test]
fn json_reports_names_and_dates_like_toml() -> Result<(), fleetplan::Error> {
    let json = base().to_json_string()?.replace("\"fp8\"", "\"fp6\"");
    let e = Scenario::from_json_str(&json).expect_err("fp6");
    let r = e.validation().cloned().unwrap_or_default();
    assert_eq!(r.issues.len(), 2, "{r}");
    assert_has(&r, C::ValueUnknown, "phases[0].precision");
    assert_has(&r, C::ValueUnknown, "phases[1].precision");
    Ok(())
}

#[test]
fn validation_report_converts_to_an_error() {
    fn check(s: &Scenario) -> fleetplan::Result<usize> {
        Ok(s.validate()?.pools().len())
    }
    let mut s = base();
    s.pools.clear();
    let e = check(&s).expect_err("empty");
    assert_eq!(e.kind(), fleetplan::ErrorKind::Invalid);
    assert!(
        e.validation()
            .is_some_and(|r| r.has(C::FleetEmpty, "pools"))
    );
}
