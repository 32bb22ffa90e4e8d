//! Charts (issue 18.3): the SVGs are well-formed XML (parsed by roxmltree,
//! not by the code that wrote them) and name every phase and pool they
//! draw; the cost waterfall's steps add up to the plan's total; the sweep's
//! break-even is where its purchases change; the HTML report is one
//! self-contained page. Run as a user runs them, through the CLI too.
#![cfg(feature = "charts")]

use fleetplan::plan::{PlanOptions, charts, justify, plan};
use fleetplan::scenario::Scenario;
use fleetplan::sweep::{SweepOptions, sweep};
use std::path::PathBuf;
use std::process::Command;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/scenarios")
        .join(name)
}

/// Every text node of an SVG, after parsing it as XML.
fn svg_texts(svg: &str) -> String {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(d) => d,
        Err(e) => panic!("not well-formed XML: {e}\n{}", &svg[..svg.len().min(500)]),
    };
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

fn hybrid() -> fleetplan::scenario::ValidatedScenario {
    match Scenario::load(sample("hybrid_fleet.toml")).map(|s| s.validate()) {
        Ok(Ok(v)) => v,
        _ => panic!("hybrid_fleet.toml does not load"),
    }
}

#[test]
fn gantt_and_waterfall_parse_and_name_phases_and_pools() -> fleetplan::Result<()> {
    let vs = hybrid();
    let p = plan(&vs, &PlanOptions::default().with_fractional(true))?;
    assert!(p.verified);
    let texts = svg_texts(&charts::gantt_svg(&p)?);
    for ph in vs.phases() {
        assert!(
            texts.contains(ph.name()),
            "phase {} not in the Gantt",
            ph.name()
        );
    }
    let used: std::collections::BTreeSet<&str> =
        p.schedule.iter().map(|s| s.pool.as_str()).collect();
    assert!(!used.is_empty());
    for pool in vs.pools() {
        assert!(
            texts.contains(pool.name()),
            "pool {} not in the Gantt",
            pool.name()
        );
    }
    // One bar per scheduled slot with devices: the rectangles of the
    // phases' colours (plus one per legend entry).
    let svg = charts::gantt_svg(&p)?;
    let doc = roxmltree::Document::parse(&svg).expect("parsed above");
    let rects = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    let slots = p.schedule.iter().filter(|s| s.devices > 0.0).count();
    assert!(
        rects >= slots + vs.phases().len(),
        "{rects} rects for {slots} slots"
    );

    let w = svg_texts(&charts::cost_waterfall_svg(&p)?);
    for label in ["capital charge", "levy", "rental", "energy", "total"] {
        assert!(w.contains(label), "{label} not in the waterfall");
    }
    Ok(())
}

#[test]
fn waterfall_steps_add_up_to_the_verified_total() -> fleetplan::Result<()> {
    let vs = hybrid();
    let p = plan(&vs, &PlanOptions::default())?;
    assert!(p.verified, "the verifier recomputed every part of the cost");
    let (steps, total) = charts::cost_steps(&p);
    let sum: f64 = steps.iter().map(|s| s.1).sum();
    assert!(
        (sum - total).abs() <= 1e-6 * total.abs().max(1.0),
        "{sum} vs {total}"
    );
    assert!((total - p.cost.total_usd.get()).abs() <= 1e-9 * total.abs().max(1.0));
    // The levy step is the levy the purchases pay when the charge is cash.
    let levy_cash: f64 = p.purchases.iter().map(|b| b.levy_usd.get()).sum();
    assert!(steps[1].1 <= levy_cash + 1e-6 * levy_cash.max(1.0));
    Ok(())
}

#[test]
fn sweep_chart_marks_the_break_even_where_purchases_change() -> fleetplan::Result<()> {
    let s = Scenario::load(sample("hybrid_fleet.toml"))?;
    let spec =
        "pools[ascend-910c-buy].ownership.unit_price_usd=15000,25000,35000,45000,60000,90000"
            .parse()?;
    let t = sweep(
        &s,
        &spec,
        &SweepOptions::default().with_fractional(true),
        &|_, _| {},
    )?;
    let texts = svg_texts(&charts::sweep_svg(&t)?);
    assert!(texts.contains("unit_price_usd"));
    let buys = |i: usize| -> Vec<String> {
        t.points[i]
            .purchases
            .iter()
            .filter(|(_, n)| *n > 0.5)
            .map(|(p, _)| p.clone())
            .collect()
    };
    match charts::break_even(&t) {
        Some((a, b)) => {
            let i = t
                .points
                .iter()
                .position(|p| p.value == b)
                .expect("a swept value");
            assert_eq!(t.points[i - 1].value, a);
            assert_ne!(buys(i), buys(i - 1));
            for k in 1..i {
                assert_eq!(
                    buys(k),
                    buys(0),
                    "an earlier change at {}",
                    t.points[k].value
                );
            }
            assert!(texts.contains("break-even"));
        }
        None => {
            for k in 1..t.points.len() {
                assert_eq!(buys(k), buys(0));
            }
            assert!(!texts.contains("break-even"));
        }
    }
    Ok(())
}

#[test]
fn report_is_one_self_contained_page() -> fleetplan::Result<()> {
    let vs = hybrid();
    let j = justify(&vs, &PlanOptions::default().with_fractional(true))?;
    let cf = svg_texts(&charts::counterfactual_svg(&j)?);
    assert!(cf.contains("domestic-only"));
    let html = charts::report_html(&j)?;
    assert!(html.contains("<title>fleetplan report: hybrid-2025q3</title>"));
    for part in [
        "Binding constraints",
        "Justification memo",
        "Verification",
        "<svg",
    ] {
        assert!(html.contains(part), "{part} missing");
    }
    assert_eq!(html.matches("<svg").count(), 3);
    // No external resource: the only URL is the SVG namespace.
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
    for bad in ["http://", "https://", "src=", "<link", "<script"] {
        assert!(!without_ns.contains(bad), "{bad} in the page");
    }
    // Each inline SVG is well-formed XML.
    for chunk in html.split("<svg").skip(1) {
        let end = chunk.find("</svg>").expect("closed") + "</svg>".len();
        svg_texts(&format!("<svg{}", &chunk[..end]));
    }
    Ok(())
}

fn run(args: &[&str]) -> std::process::Output {
    match Command::new(env!("CARGO_BIN_EXE_fleetplan"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("cannot run fleetplan: {e}"),
    }
}

#[test]
fn cli_writes_the_charts_and_the_report() {
    let dir = std::env::temp_dir().join(format!("fleetplan-charts-{}", std::process::id()));
    let f = sample("hybrid_fleet.toml").display().to_string();
    let d = dir.display().to_string();
    let o = run(&["plan", &f, "--fractional", "--svg", &d]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let vs = hybrid();
    for name in ["schedule.svg", "cost.svg"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("written");
        let t = svg_texts(&text);
        if name == "schedule.svg" {
            assert!(vs.pools().all(|p| t.contains(p.name())));
            assert!(vs.phases().all(|p| t.contains(p.name())));
        }
    }
    let sw = dir.join("sweep.svg").display().to_string();
    let o = run(&[
        "sweep",
        &f,
        "--set",
        "policy.rules[3].levy=0..0.3:4",
        "--fractional",
        "--quiet",
        "--svg",
        &sw,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(svg_texts(&std::fs::read_to_string(&sw).expect("written")).contains("levy"));
    let html = dir.join("report.html").display().to_string();
    let o = run(&["report", &f, "--fractional", "--html", &html]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).expect("written");
    assert!(page.contains("fleetplan report: hybrid-2025q3"));
    let _ = std::fs::remove_dir_all(&dir);
}
