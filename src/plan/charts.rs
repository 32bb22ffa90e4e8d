//! Charts of plans and sweeps as SVG text (feature `charts`, part of the
//! default `cli` feature), drawn with [plotters]' SVG backend: no font
//! files, no native libraries (text is SVG `<text>`, laid out by the
//! viewer).
//!
//! * [`gantt_svg`]: the schedule, pools × time, coloured by phase;
//! * [`cost_waterfall_svg`]: the cost, capital charge (levy shown apart),
//!   rental and energy stepping up to the total;
//! * [`sweep_svg`]: a sweep's cost as a line, with the break-even (the
//!   first value at which the purchase decision changes) marked;
//! * [`counterfactual_svg`]: the plan's cost beside its domestic-only
//!   counterfactual's;
//! * [`report_html`]: one self-contained HTML page with all of it (inline
//!   SVG and CSS, no external URL), the binding constraints, the memo and
//!   the verification.
//!
//! [plotters]: https://docs.rs/plotters

use super::{Justification, Plan};
use crate::error::{Error, Result};
use crate::sweep::SweepTable;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write as _;

/// Phase colours, in the order of the plan's phases (cycled).
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

const FONT: &str = "sans-serif";

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::internal(format!("drawing a chart: {e:?}"))
}

/// Runs `draw` on an SVG canvas of `size` pixels; the SVG text.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// Round USD for labels: `$1.23M`, `$456k`, `$789`.
fn usd(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("${:.2}B", v / 1e9)
    } else if a >= 1e6 {
        format!("${:.2}M", v / 1e6)
    } else if a >= 1e3 {
        format!("${:.0}k", v / 1e3)
    } else {
        format!("${v:.0}")
    }
}

/// The schedule as a Gantt chart: one lane per pool (pools in the plan's
/// order), time in days across, one bar per slot coloured by phase (each
/// phase has its own row within a lane, so phases sharing a pool do not
/// hide each other), the devices written on bars wide enough.
///
/// # Errors
/// [`crate::ErrorKind::Internal`] if drawing fails (it does not on the
/// SVG backend in practice).
pub fn gantt_svg(plan: &Plan) -> Result<String> {
    let pools: Vec<&str> = plan.pools.iter().map(|p| p.pool.as_str()).collect();
    let phases: Vec<&str> = plan.phases.iter().map(|p| p.name.as_str()).collect();
    let end_h = plan
        .schedule
        .iter()
        .map(|s| s.to_hours.get())
        .chain(plan.phases.iter().map(|p| p.deadline_hours.get()))
        .fold(24.0_f64, f64::max);
    let lanes = pools.len().max(1);
    let rows = phases.len().max(1);
    let height = 120 + 26 * u32::try_from(lanes * rows.min(4)).unwrap_or(400).min(600);
    svg((1000, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("Schedule of '{}' (pools × days, by phase)", plan.scenario),
                (FONT, 20),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(150)
            .build_cartesian_2d(0.0..end_h / 24.0, 0.0..lanes as f64)
            .map_err(draw_err)?;
        let pool_label = |y: &f64| {
            let i = y.floor();
            // Labels sit at lane centres (k + 0.5).
            if (y - i - 0.5).abs() < 1e-9 && i >= 0.0 {
                pools
                    .get(lanes - 1 - i as usize)
                    .map_or(String::new(), |s| (*s).to_owned())
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("days from the start")
            .y_labels(lanes * 2 + 1)
            .y_label_formatter(&pool_label)
            .draw()
            .map_err(draw_err)?;
        for (k, phase) in phases.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let bars = plan
                .schedule
                .iter()
                .filter(|s| s.phase == *phase && s.devices > 0.0);
            let bars: Vec<_> = bars
                .filter_map(|s| {
                    let lane = pools.iter().position(|p| *p == s.pool)?;
                    let top = (lanes - lane) as f64 - 0.08 - 0.84 * k as f64 / rows as f64;
                    let bottom = top - 0.84 / rows as f64;
                    Some(Rectangle::new(
                        [
                            (s.from_hours.get() / 24.0, bottom),
                            (s.to_hours.get() / 24.0, top),
                        ],
                        colour.filled(),
                    ))
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(draw_err)?
                .label(*phase)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(draw_err)
    })
}

/// The steps of the cost waterfall: `(label, amount)`, then the total.
///
/// The capital charge is split into its levy part (each purchase's levy
/// share of its charge: `capital_charge × levy ÷ cost`) and the rest, so
/// the steps add up to `total_usd` (`capital charge + rental + energy`).
#[must_use]
pub fn cost_steps(plan: &Plan) -> (Vec<(&'static str, f64)>, f64) {
    let c = &plan.cost;
    let levy: f64 = plan
        .purchases
        .iter()
        .filter(|p| p.cost_usd.get() > 0.0)
        .map(|p| p.capital_charge_usd.get() * p.levy_usd.get() / p.cost_usd.get())
        .sum();
    let capital = c.capital_charge_usd.get() - levy;
    (
        vec![
            ("capital charge", capital),
            ("levy", levy),
            ("rental", c.rental_usd.get()),
            ("energy", c.energy_usd.get()),
        ],
        c.total_usd.get(),
    )
}

/// The cost as a waterfall: capital charge (without levy), levy, rental
/// and energy stepping up to the total (see [`cost_steps`]).
///
/// # Errors
/// As [`gantt_svg`].
pub fn cost_waterfall_svg(plan: &Plan) -> Result<String> {
    let (steps, total) = cost_steps(plan);
    let top = steps
        .iter()
        .map(|s| s.1.max(0.0))
        .sum::<f64>()
        .max(total)
        .max(1.0)
        * 1.12;
    let names: Vec<&str> = steps.iter().map(|s| s.0).chain(["total"]).collect();
    svg((800, 480), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Cost of '{}' (USD)", plan.scenario), (FONT, 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..names.len() as f64, 0.0..top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(names.len() * 2 + 1)
            .x_label_formatter(&|x: &f64| {
                let i = x.floor();
                if (x - i - 0.5).abs() < 1e-9 && i >= 0.0 {
                    names
                        .get(i as usize)
                        .map_or(String::new(), |s| (*s).to_owned())
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| usd(*y))
            .draw()
            .map_err(draw_err)?;
        let mut base = 0.0_f64;
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        for (i, (_, v)) in steps.iter().enumerate() {
            let (lo, hi) = (base.min(base + v), base.max(base + v));
            bars.push(Rectangle::new(
                [(i as f64 + 0.15, lo), (i as f64 + 0.85, hi)],
                PALETTE[i].filled(),
            ));
            labels.push((i as f64 + 0.2, hi, usd(*v)));
            base += v;
        }
        let n = steps.len() as f64;
        bars.push(Rectangle::new(
            [(n + 0.15, 0.0), (n + 0.85, total)],
            BLACK.mix(0.7).filled(),
        ));
        labels.push((n + 0.2, total, usd(total)));
        chart.draw_series(bars).map_err(draw_err)?;
        chart
            .draw_series(
                labels
                    .into_iter()
                    .map(|(x, y, t)| Text::new(t, (x, y + top * 0.02), (FONT, 14).into_font())),
            )
            .map_err(draw_err)?;
        Ok(())
    })
}

/// The break-even of a sweep: the first consecutive pair of values
/// between which the purchase decision (which pools buy devices) changes.
#[must_use]
pub fn break_even(t: &SweepTable) -> Option<(f64, f64)> {
    let buys = |i: usize| -> Vec<&str> {
        t.points[i]
            .purchases
            .iter()
            .filter(|(_, n)| *n > 0.5)
            .map(|(p, _)| p.as_str())
            .collect()
    };
    (1..t.points.len())
        .filter(|&i| t.points[i].total_usd.is_some() && t.points[i - 1].total_usd.is_some())
        .find(|&i| buys(i) != buys(i - 1))
        .map(|i| (t.points[i - 1].value, t.points[i].value))
}

/// A sweep as a line chart of total cost against the swept value, points
/// marked, the break-even ([`break_even`]) drawn as a dashed vertical line
/// and named.
///
/// # Errors
/// As [`gantt_svg`].
pub fn sweep_svg(t: &SweepTable) -> Result<String> {
    let pts: Vec<(f64, f64)> = t
        .points
        .iter()
        .filter_map(|p| p.total_usd.map(|c| (p.value, c)))
        .collect();
    let (x0, x1) = t
        .points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.value), b.max(p.value))
        });
    let (x0, x1) = if x0 < x1 {
        (x0, x1)
    } else {
        (x0 - 1.0, x0 + 1.0)
    };
    let (y0, y1) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (y0, y1) = if y0 < y1 {
        (y0 - 0.05 * (y1 - y0), y1 + 0.1 * (y1 - y0))
    } else if y0.is_finite() {
        (y0 * 0.9 - 1.0, y0 * 1.1 + 1.0)
    } else {
        (0.0, 1.0)
    };
    let be = break_even(t);
    svg((900, 500), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Sweep of {}: total cost", t.path), (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(t.path.as_str())
            .y_desc("total cost (USD)")
            .y_label_formatter(&|y| usd(*y))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().copied(),
                PALETTE[0].stroke_width(2),
            ))
            .map_err(draw_err)?
            .label("total cost")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], PALETTE[0].stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, PALETTE[0].filled())))
            .map_err(draw_err)?;
        if let Some((a, b)) = be {
            let x = 0.5 * (a + b);
            let n = 24;
            let dashes = (0..n).step_by(2).map(|k| {
                let f = |j: usize| y0 + (y1 - y0) * j as f64 / n as f64;
                PathElement::new([(x, f(k)), (x, f(k + 1))], PALETTE[3].stroke_width(2))
            });
            chart.draw_series(dashes).map_err(draw_err)?;
            chart
                .draw_series([Text::new(
                    format!("break-even: purchases change between {a} and {b}"),
                    (x, y1 - 0.04 * (y1 - y0)),
                    (FONT, 14).into_font().color(&PALETTE[3]),
                )])
                .map_err(draw_err)?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(draw_err)
    })
}

/// The plan's cost beside its domestic-only counterfactual's (or the
/// delayed counterfactual's, when the deadlines cannot be met without
/// foreign devices; "no domestic-only plan" when none exists).
///
/// # Errors
/// As [`gantt_svg`].
pub fn counterfactual_svg(j: &Justification) -> Result<String> {
    let cf = &j.counterfactual;
    let plan_cost = j.plan_cost_usd.get();
    let (label, cost) = match (
        cf.cost_usd,
        cf.delayed_cost_usd,
        cf.feasible_with_delay_days,
    ) {
        (Some(c), _, _) => ("domestic-only".to_owned(), Some(c.get())),
        (None, Some(c), Some(d)) => (format!("domestic-only, {d:.0} days late"), Some(c.get())),
        _ => ("domestic-only: no plan".to_owned(), None),
    };
    let top = plan_cost.max(cost.unwrap_or(0.0)).max(1.0) * 1.15;
    let names = ["plan".to_owned(), label];
    svg((700, 460), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "'{}': plan vs domestic-only counterfactual",
                    j.plan.scenario
                ),
                (FONT, 20),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..2.0, 0.0..top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(5)
            .x_label_formatter(&|x: &f64| {
                let i = x.floor();
                if (x - i - 0.5).abs() < 1e-9 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| usd(*y))
            .draw()
            .map_err(draw_err)?;
        let mut bars = vec![(0.0, plan_cost, PALETTE[0])];
        if let Some(c) = cost {
            bars.push((1.0, c, PALETTE[2]));
        }
        chart
            .draw_series(
                bars.iter().map(|&(x, v, col)| {
                    Rectangle::new([(x + 0.2, 0.0), (x + 0.8, v)], col.filled())
                }),
            )
            .map_err(draw_err)?;
        let mut notes: Vec<(f64, f64, String)> = bars
            .iter()
            .map(|&(x, v, _)| (x + 0.25, v + top * 0.02, usd(v)))
            .collect();
        if cost.is_none() {
            notes.push((1.2, top * 0.5, "no domestic-only plan".to_owned()));
        }
        chart
            .draw_series(
                notes
                    .into_iter()
                    .map(|(x, y, t)| Text::new(t, (x, y), (FONT, 14).into_font())),
            )
            .map_err(draw_err)?;
        Ok(())
    })
}

/// `s` with `&`, `<`, `>`, `"` escaped for HTML.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#eee}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}\
.ok{color:#2a7}.bad{color:#c22}figure{margin:1em 0}";

/// A table of rows of cells (already escaped).
fn table(head: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut o = String::from("<table><tr>");
    for h in head {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr>");
    for r in rows {
        o.push_str("<tr>");
        for c in r {
            let _ = write!(o, "<td>{c}</td>");
        }
        o.push_str("</tr>");
    }
    o.push_str("</table>");
    o
}

/// One self-contained HTML page: the plan (status, cost, assignments,
/// purchases), the charts (schedule, cost, plan vs domestic-only), the
/// binding constraints, the justification memo and the verification. The
/// SVGs and the CSS are inline; the page names no external URL, so it
/// opens offline. Its `<title>` and first heading are
/// `fleetplan report: <scenario name>`.
///
/// # Errors
/// As [`gantt_svg`].
pub fn report_html(j: &Justification) -> Result<String> {
    let p = &j.plan;
    let title = format!("fleetplan report: {}", p.scenario);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{CSS}</style></head><body>\n<h1>{t}</h1>\n",
        t = esc(&title)
    );
    let _ = writeln!(
        o,
        "<h2>Plan</h2><p>Status <b>{}</b>; objective {} ({}); total cost {}; gap {:.2e}; {} devices.</p>",
        esc(p.status.as_str()),
        p.objective.map_or("none".to_owned(), |v| format!("{v:.2}")),
        esc(&serde_json::to_string(&p.objective_kind).unwrap_or_default()),
        usd(p.cost.total_usd.get()),
        p.gap,
        if p.whole_devices {
            "whole"
        } else {
            "fractional"
        }
    );
    o.push_str(&table(
        &[
            "phase",
            "pool",
            "accelerator",
            "devices",
            "device-hours",
            "domestic",
        ],
        p.assignments.iter().map(|a| {
            vec![
                esc(&a.phase),
                esc(&a.pool),
                esc(&a.accelerator),
                format!("{:.1}", a.devices.get()),
                format!("{:.0}", a.device_hours.get()),
                a.domestic.to_string(),
            ]
        }),
    ));
    if !p.purchases.is_empty() {
        o.push_str("<h3>Purchases</h3>");
        o.push_str(&table(
            &[
                "pool",
                "accelerator",
                "devices",
                "cost",
                "levy",
                "arrives (day)",
            ],
            p.purchases.iter().map(|b| {
                vec![
                    esc(&b.pool),
                    esc(&b.accelerator),
                    format!("{:.0}", b.devices),
                    usd(b.cost_usd.get()),
                    usd(b.levy_usd.get()),
                    format!("{:.0}", b.arrives_day),
                ]
            }),
        ));
    }
    o.push_str("<h2>Charts</h2>\n");
    for (name, svg) in [
        ("Schedule", gantt_svg(p)?),
        ("Cost", cost_waterfall_svg(p)?),
        (
            "Plan vs domestic-only counterfactual",
            counterfactual_svg(j)?,
        ),
    ] {
        let _ = write!(
            o,
            "<figure><figcaption>{}</figcaption>\n{svg}\n</figure>\n",
            esc(name)
        );
    }
    o.push_str("<h2>Binding constraints</h2>");
    o.push_str(&table(
        &["constraint", "meaning", "shadow price", "unit"],
        p.binding.iter().map(|b| {
            vec![
                esc(&b.constraint),
                esc(&b.meaning),
                format!("{:.4e}", b.shadow_price),
                esc(&b.unit.to_string()),
            ]
        }),
    ));
    let _ = writeln!(o, "<h2>Justification memo</h2><pre>{}</pre>", esc(&j.memo));
    let _ = write!(
        o,
        "<h2>Verification</h2><p class=\"{}\">{}</p>",
        if p.verified { "ok" } else { "bad" },
        if p.verified {
            "verified: every check holds"
        } else {
            "NOT verified"
        }
    );
    o.push_str(&table(
        &["check", "ok", "detail"],
        p.verification
            .checks
            .iter()
            .map(|c| vec![esc(&c.name), c.ok.to_string(), esc(&c.detail)]),
    ));
    o.push_str("\n</body></html>\n");
    Ok(o)
}
