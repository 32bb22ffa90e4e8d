//! The built-in catalogue: coverage, provenance, lookups and patches.

use fleetplan::catalog::{
    Accelerator, AcceleratorPatch, Catalog, Confidence, Country, Peak, Precision, ProductStatus,
    Sourced, Support,
};
use fleetplan::fleet::Count;
use fleetplan::units::{Quantity, Watts};

fn get<'a>(cat: &'a Catalog, name: &str) -> &'a Accelerator {
    match cat.get(name) {
        Some(a) => a,
        None => panic!("{name} is not in the catalogue"),
    }
}

fn tera(a: &Accelerator, p: Precision) -> Option<f64> {
    match a.support(p) {
        Support::Dense(r) => Some(r.tera()),
        _ => None,
    }
}

#[test]
fn holds_the_required_accelerators() {
    let cat = Catalog::builtin();
    for name in [
        "A100",
        "A800",
        "H100",
        "H800",
        "H20",
        "H200",
        "B200",
        "MI300X",
        "MI308X",
        "Ascend 910B",
        "Ascend 910C",
        "CloudMatrix 384",
        "Ascend 950PR",
        "Ascend 950DT",
    ] {
        let a = get(&cat, name);
        assert_eq!(a.name, name);
    }
    assert_eq!(cat.len(), 14);
    assert_eq!(get(&cat, "Ascend 950PR").status, ProductStatus::Announced);
    assert_eq!(get(&cat, "H20").status, ProductStatus::Shipping);
}

#[test]
fn origins_and_vendors_drive_policy() {
    let cat = Catalog::builtin();
    for a in &cat {
        let expected = if a.vendor == "Huawei" {
            Country::CN
        } else {
            Country::US
        };
        assert_eq!(a.origin, expected, "{}", a.name);
        assert_eq!(a.is_domestic_to(Country::CN), a.vendor == "Huawei");
    }
    assert_eq!(cat.vendors(), vec!["NVIDIA", "AMD", "Huawei"]);
    assert!(get(&cat, "910B").made_by("huawei"));
}

#[test]
fn every_known_figure_has_a_source_and_estimates_are_labelled() {
    for a in &Catalog::builtin() {
        for f in a.figures() {
            if f.value.is_some() {
                assert!(
                    !f.sources.is_empty(),
                    "{}.{} has no source",
                    a.name,
                    f.field
                );
                assert!(
                    f.sources.iter().all(|s| s.starts_with("https://")),
                    "{}.{}",
                    a.name,
                    f.field
                );
            }
        }
        // Prices are estimates, always.
        assert!(
            a.purchase_price.value.is_none() || a.purchase_price.confidence == Confidence::Estimate
        );
        assert!(
            a.rental_price.value.is_none() || a.rental_price.confidence == Confidence::Estimate
        );
    }
}

#[test]
fn figures_match_the_reference() {
    let cat = Catalog::builtin();
    let close = |x: Option<f64>, y: f64| x.is_some_and(|x| (x - y).abs() < 1e-9);
    // domain.md §1.1 and §1.2 (dense TFLOP/s).
    assert!(close(tera(get(&cat, "A100"), Precision::Bf16), 312.0));
    assert!(close(tera(get(&cat, "H100"), Precision::Bf16), 989.4));
    assert!(close(tera(get(&cat, "H800"), Precision::Bf16), 989.0));
    assert!(close(tera(get(&cat, "H20"), Precision::Fp8), 296.0));
    assert!(close(tera(get(&cat, "H200"), Precision::Bf16), 989.0)); // not the sparse 1979
    assert!(close(tera(get(&cat, "B200"), Precision::Fp8), 4500.0));
    assert!(close(
        tera(get(&cat, "Ascend 910B"), Precision::Int8),
        640.0
    ));
    assert!(close(
        tera(get(&cat, "Ascend 910C"), Precision::Bf16),
        780.0
    ));
    assert!(close(
        tera(get(&cat, "Ascend 950PR"), Precision::Fp8),
        1000.0
    ));
    // AMD's own MI300X data sheet (dense figures).
    let mi = get(&cat, "MI300X");
    assert!(close(tera(mi, Precision::Bf16), 1307.4));
    assert!(close(tera(mi, Precision::Fp8), 2614.9));
    assert_eq!(mi.peak_bf16.confidence, Confidence::Primary);
    assert!(
        mi.peak_bf16
            .sources
            .iter()
            .any(|u| u.starts_with("https://www.amd.com/"))
    );
    // Memory and interconnect.
    let gb = |a: &Accelerator| a.hbm_capacity.value.map(|b| b.gb());
    // HGX/DGX B200 ship 180 GB per GPU (DGX B200: 1,440 GB over 8).
    assert_eq!(gb(get(&cat, "B200")), Some(180.0));
    assert_eq!(gb(mi), Some(192.0));
    assert_eq!(gb(get(&cat, "H20")), Some(96.0));
    assert_eq!(gb(get(&cat, "H200")), Some(141.0));
    let up = |a: &Accelerator| a.scale_up_bandwidth.value.map(|b| b.gb_per_sec());
    assert!(close(up(get(&cat, "H800")), 400.0));
    assert!(close(up(get(&cat, "A800")), 400.0));
    assert!(close(up(get(&cat, "Ascend 910C")), 784.0));
    let domain = |a: &Accelerator| a.scale_up_domain.value.and_then(Count::get);
    assert_eq!(domain(get(&cat, "H800")), Some(8));
    // issue 17: the 910C is sold by the node of 8; the supernode of 384 is
    // its own entry, bought whole, price unknown (none sourced)
    let node = |a: &Accelerator| a.node_size.value.and_then(Count::get);
    assert_eq!(domain(get(&cat, "Ascend 910C")), Some(8));
    assert_eq!(node(get(&cat, "Ascend 910C")), Some(8));
    assert_eq!(domain(get(&cat, "CloudMatrix 384")), Some(384));
    assert_eq!(node(get(&cat, "CloudMatrix 384")), Some(384));
    assert!(!get(&cat, "CloudMatrix 384").purchase_price.is_known());
    let out = |a: &Accelerator| a.scale_out_bandwidth.value.map(|b| b.gb_per_sec());
    assert!(close(out(get(&cat, "H800")), 50.0));
    assert!(close(out(get(&cat, "Ascend 910B")), 25.0));
    // DeepSeek's own rental assumption, and the derived 910C price.
    assert_eq!(
        get(&cat, "H800").rental_price.value.map(Quantity::value),
        Some(2.0)
    );
    assert_eq!(
        get(&cat, "Ascend 910C")
            .purchase_price
            .value
            .map(Quantity::value),
        Some(28_600.0)
    );
}

#[test]
fn unknown_is_none_and_unsupported_is_explicit() {
    let cat = Catalog::builtin();
    let mi = get(&cat, "MI308X");
    for f in mi.figures() {
        assert!(f.value.is_none(), "MI308X.{} should be unknown", f.field);
    }
    assert!(mi.notes.iter().any(|n| n.contains("NOT FOUND")));
    let c = get(&cat, "Ascend 910C");
    assert_eq!(c.support(Precision::Fp8), Support::Unsupported);
    assert_eq!(c.support(Precision::Int8), Support::Unknown);
    // No chip TDP is published: the one energy basis (chip TDP) needs an
    // estimate, labelled as one; the all-in system power is kept apart.
    assert_eq!(c.tdp.confidence, Confidence::Estimate);
    assert!(
        c.tdp
            .note
            .as_deref()
            .is_some_and(|n| n.contains("estimate"))
    );
    assert!(
        c.system_power
            .value
            .is_some_and(|w| (w.get() - 1456.0).abs() < 1e-9)
    );
    assert_eq!(
        get(&cat, "A100").support(Precision::Fp8),
        Support::Unsupported
    );
    assert!(tera(get(&cat, "Ascend 950PR"), Precision::Bf16).is_none());
    // Unconfirmed figures say so.
    let h800_tdp = &get(&cat, "H800").tdp;
    assert_eq!(h800_tdp.confidence, Confidence::Estimate);
    assert!(
        h800_tdp
            .note
            .as_deref()
            .is_some_and(|n| n.contains("UNCONFIRMED"))
    );
}

#[test]
fn disagreements_are_kept_in_notes() {
    let cat = Catalog::builtin();
    let c = get(&cat, "Ascend 910C");
    let notes = c.notes.join(" ");
    for alt in ["780", "752", "800", "96 GB", "1.8 TB/s", "400"] {
        assert!(notes.contains(alt), "910C notes lack {alt}");
    }
    assert!(
        get(&cat, "H20")
            .hbm_capacity
            .note
            .as_deref()
            .is_some_and(|n| n.contains("80 GB"))
    );
    assert!(
        get(&cat, "B200")
            .hbm_bandwidth
            .note
            .as_deref()
            .is_some_and(|n| n.contains("7.7"))
    );
    assert!(
        get(&cat, "Ascend 910B")
            .peak_bf16
            .note
            .as_deref()
            .is_some_and(|n| n.contains("328"))
    );
}

#[test]
fn lookup_by_alias_is_case_and_space_insensitive() {
    let cat = Catalog::builtin();
    for (alias, name) in [
        ("H800 SXM5", "H800"),
        ("h800   sxm5", "H800"),
        ("H20 (HGX)", "H20"),
        ("huawei ascend 910c", "Ascend 910C"),
        ("910B", "Ascend 910B"),
        ("AMD Instinct MI300X", "MI300X"),
    ] {
        assert_eq!(
            cat.get(alias).map(|a| a.name.as_str()),
            Some(name),
            "{alias}"
        );
    }
    assert!(cat.get("H900").is_none());
    assert!(cat.get("").is_none());
}

#[test]
fn patches_override_fields_and_add_accelerators() -> Result<(), fleetplan::Error> {
    let mut over = AcceleratorPatch::new("910c");
    over.scale_up_domain = Some(
        Sourced::new(Count::new(8), Confidence::Primary)
            .with_source("https://example.org/atlas-800")
            .with_note("plain Atlas 800 server"),
    );
    over.tdp = Some(Sourced::new(Watts::from_raw(550.0), Confidence::Low));
    over.notes.push("scenario: no supernode".into());
    let mut new = AcceleratorPatch::new("MLU590");
    new.vendor = Some("Cambricon".into());
    new.origin = Some(Country::CN);
    new.aliases.push("Cambricon MLU590".into());
    new.peak_bf16 = Some(Sourced::new(Peak::tera(314.0), Confidence::Low));

    let base = Catalog::builtin();
    let cat = base.with_patches(&[over, new])?;
    let c = get(&cat, "Ascend 910C");
    assert_eq!(c.scale_up_domain.value.and_then(Count::get), Some(8));
    assert_eq!(
        c.scale_up_domain.sources,
        vec!["https://example.org/atlas-800".to_string()]
    );
    assert_eq!(c.tdp.value.map(Quantity::value), Some(550.0));
    assert_eq!(
        c.peak_bf16,
        get(&base, "Ascend 910C").peak_bf16,
        "untouched fields keep their sources"
    );
    assert!(
        c.notes
            .last()
            .is_some_and(|n| n == "scenario: no supernode")
    );
    let m = get(&cat, "cambricon mlu590");
    assert_eq!(m.origin, Country::CN);
    assert_eq!(m.status, ProductStatus::Shipping);
    assert!(m.hbm_capacity.value.is_none());
    assert_eq!(cat.len(), base.len() + 1);
    assert_eq!(cat.vendors().last(), Some(&"Cambricon"));
    Ok(())
}

#[test]
fn bad_patches_are_reported_all_at_once() {
    let mut a = AcceleratorPatch::new("Nowhere 1");
    a.aliases.push("H100".into());
    let b = AcceleratorPatch::new("H20");
    let c = AcceleratorPatch::new("h20");
    let e = Catalog::builtin()
        .with_patches(&[a, b, c])
        .expect_err("bad patches");
    let r = e.validation().cloned().unwrap_or_default();
    let paths: Vec<&str> = r.issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "accelerators[0].vendor",
            "accelerators[0].origin",
            "accelerators[0].aliases[0]",
            "accelerators[2].name"
        ],
        "{r}"
    );
}

#[test]
fn catalogue_new_rejects_shared_names_and_bad_figures() {
    let mut a = Accelerator::new("X1", "Acme", Country::US, ProductStatus::Shipping);
    a.aliases.push("Y1".into());
    let b = Accelerator::new("y1", "Acme", Country::US, ProductStatus::Shipping);
    let mut c = Accelerator::new("Z1", "Acme", Country::US, ProductStatus::Shipping);
    c.node_size = Sourced::new(Count::from_raw(0.5), Confidence::Estimate);
    let e = Catalog::new(vec![a, b, c]).expect_err("clash");
    let r = e.validation().cloned().unwrap_or_default();
    assert!(
        r.has(
            fleetplan::scenario::IssueCode::NameDuplicate,
            "accelerators[1].name"
        ),
        "{r}"
    );
    assert!(
        r.has(
            fleetplan::scenario::IssueCode::CountNotInteger,
            "accelerators[2].node_size.value"
        ),
        "{r}"
    );
}

#[test]
fn catalogue_json_round_trips() -> Result<(), Box<dyn std::error::Error>> {
    let cat = Catalog::builtin();
    let json = serde_json::to_string(&cat)?;
    let back: Vec<Accelerator> = serde_json::from_str(&json)?;
    assert_eq!(back.as_slice(), cat.as_slice());
    // Unsupported precisions are written as such.
    assert!(json.contains("\"unsupported\""));
    Ok(())
}

#[test]
fn figure_views_use_display_units() {
    let cat = Catalog::builtin();
    let h800 = get(&cat, "H800");
    let figs = h800.figures();
    let show = |field: &str| figs.iter().find(|f| f.field == field).map(|f| f.display());
    assert_eq!(show("peak_bf16").as_deref(), Some("989 [D]"));
    assert_eq!(show("hbm_capacity").as_deref(), Some("80 [S]"));
    assert_eq!(show("hbm_bandwidth").as_deref(), Some("3.35 [S]"));
    assert_eq!(show("scale_up_bandwidth").as_deref(), Some("400 [P]"));
    assert_eq!(show("tdp").as_deref(), Some("700 [E]"));
    assert_eq!(show("peak_fp4").as_deref(), Some("no [D]"));
    assert_eq!(show("system_power").as_deref(), Some("?"));
    assert_eq!(figs.len(), Accelerator::FIGURE_FIELDS.len());
}
