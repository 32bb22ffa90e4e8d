//! Hand-solved scenarios for the planner's unit tests: one accelerator
//! ("Acme X": 1 PFLOP/s in bf16, 1 kW, one device per unit), owned sunk
//! pools at MFU 0.5 that never fail, training phases of a 1B-parameter
//! model due on day 10 that must run on one pool, and energy at $0.10 per
//! kWh where a pool sets no price. A phase of `f` FLOP needs `f / 4.32e20`
//! devices for the 240 hours (a hair more through goodput).

use std::fmt::Write as _;

/// The scenario `name` with `pools` (name, devices, energy price per kWh
/// when not the default) and single-pool training `phases` (name, FLOP).
pub(crate) fn scenario(
    name: &str,
    pools: &[(&str, u64, Option<f64>)],
    phases: &[(&str, f64)],
) -> String {
    let mut t = format!(
        r#"name = "{name}"
start = "2025-08-15"
horizon_days = 10
jurisdiction = "CN"
objective = "min_cost"

[[accelerators]]
name = "Acme X"
vendor = "Acme"
origin = "US"
peak_bf16 = {{ value = 1e15, confidence = "primary" }}
hbm_capacity = {{ value = 1e12, confidence = "primary" }}
tdp = {{ value = 1000, confidence = "primary" }}
node_size = {{ value = 1, confidence = "primary" }}
"#
    );
    for (pool, count, price) in pools {
        let _ = write!(
            t,
            "\n[[pools]]\nname = \"{pool}\"\naccelerator = \"Acme X\"\ncount = {count}\nownership = {{ kind = \"owned\", sunk = true }}\nmfu = {{ pretraining = 0.5 }}\nmtbf_hours = 1e12\n"
        );
        if let Some(p) = price {
            let _ = writeln!(t, "energy_usd_per_kwh = {p}");
        }
    }
    for (phase, flops) in phases {
        let _ = write!(
            t,
            "\n[[phases]]\nname = \"{phase}\"\nkind = \"pretraining\"\nmodel = {{ total_params = 1e9 }}\nprecision = \"bf16\"\nflops = {flops:e}\ndeadline_days = 10\nsingle_pool = true\n"
        );
    }
    t.push_str(
        "\n[economics]\ncapex = \"cash\"\n\n[budget]\nenergy = { usd_per_kwh = 0.1, pue = 1.0 }\n",
    );
    t
}

/// `t` (a [`scenario`]) with its first phase free to span pools.
pub(crate) fn first_may_span(t: &str) -> String {
    let out = t.replacen("single_pool = true\n", "", 1);
    assert_eq!(
        out.matches("single_pool = true").count() + 1,
        t.matches("single_pool = true").count(),
        "one phase less must run on one pool"
    );
    out
}

/// `text` parsed, validated and compiled with the default options (whole
/// devices).
pub(crate) fn compiled(text: &str) -> super::compile::Compiled {
    let vs = crate::scenario::Scenario::from_toml_str(text)
        .expect("parses")
        .validate()
        .expect("valid");
    let perf = crate::perf::PerfModel::new(&vs);
    super::compile::compile(&vs, &perf, &super::compile::CompileOptions::default())
        .expect("compiles")
}

/// The index of the column named `name` in `c`'s model.
pub(crate) fn col(c: &super::compile::Compiled, name: &str) -> usize {
    c.model
        .col_names()
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// A cheap pool of 10 devices at availability 0.95 (9.5 usable at once,
/// so 9 whole ones) and a dear one of 1,000; `f` and `g` each need 5.5
/// devices' work (6 whole ones) and may span pools.
pub(crate) fn fractional_capacity() -> String {
    let t = scenario(
        "steps",
        &[("cheap", 10, Some(0.05)), ("dear", 1000, None)],
        &[("f", 2.376e21), ("g", 2.376e21)],
    )
    .replace("single_pool = true\n", "");
    let out = t.replacen("count = 10\n", "count = 10\navailability = 0.95\n", 1);
    assert_ne!(out, t);
    out
}

/// The upper bound of the cheap pool's first capacity row in `m` (of
/// [`fractional_capacity`]).
pub(crate) fn cheap_capacity(m: &crate::model::Model) -> f64 {
    let i = m
        .row_names()
        .iter()
        .position(|n| n.starts_with("capacity[cheap"))
        .expect("a capacity row");
    m.row_upper()[i]
}
