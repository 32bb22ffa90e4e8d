//! The catalogue as the readable tables `fleetplan catalog` prints.

use super::{Accelerator, Catalog, FigureView, Shown};
use std::fmt::Write as _;

/// Figure columns of the two tables.
const COMPUTE: &[&str] = &[
    "peak_bf16",
    "peak_fp16",
    "peak_fp8",
    "peak_int8",
    "peak_fp4",
    "hbm_capacity",
    "hbm_bandwidth",
];
const SYSTEM: &[&str] = &[
    "scale_up_bandwidth",
    "scale_up_domain",
    "scale_out_bandwidth",
    "node_size",
    "tdp",
    "system_power",
    "purchase_price",
    "rental_price",
    "available_from",
];

fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn figure<'a>(figs: &'a [FigureView<'a>], field: &str) -> Option<&'a FigureView<'a>> {
    figs.iter().find(|f| f.field == field)
}

fn section(cat: &Catalog, title: &str, fields: &[&str], identity: bool) -> String {
    let Some(first) = cat.iter().next() else {
        return String::new();
    };
    let head = first.figures();
    let mut header = vec!["Accelerator".to_string()];
    if identity {
        header.extend(["Vendor", "Origin", "Status"].map(String::from));
    }
    for f in fields {
        if let Some(v) = figure(&head, f) {
            header.push(format!("{} {}", v.label, v.unit).trim_end().to_string());
        }
    }
    let mut rows = vec![header];
    for a in cat {
        let figs = a.figures();
        let mut row = vec![a.name.clone()];
        if identity {
            row.extend([a.vendor.clone(), a.origin.to_string(), a.status.to_string()]);
        }
        for f in fields {
            if let Some(v) = figure(&figs, f) {
                row.push(v.display());
            }
        }
        rows.push(row);
    }
    format!("{title}\n{}", render(&rows))
}

impl Catalog {
    /// The readable tables `fleetplan catalog` prints: compute and memory,
    /// then interconnect, power and price, then every figure with its
    /// confidence, numbered sources and notes.
    ///
    /// ```
    /// let text = fleetplan::catalog::Catalog::builtin().to_table();
    /// assert!(text.starts_with("Compute and memory (dense peaks)"));
    /// assert!(text.contains("H800"));
    /// ```
    #[must_use]
    pub fn to_table(&self) -> String {
        table(self)
    }
}

fn table(cat: &Catalog) -> String {
    let mut out = String::new();
    out.push_str(&section(
        cat,
        "Compute and memory (dense peaks)",
        COMPUTE,
        true,
    ));
    out.push('\n');
    out.push_str(&section(
        cat,
        "Interconnect, power and price",
        SYSTEM,
        false,
    ));
    out.push_str(
        "\nConfidence: [P] primary, [S] secondary, [L] low, [E] estimate (every price), \
         [D] derived; ? unknown; no = not supported.\n",
    );
    let mut urls: Vec<String> = Vec::new();
    let mut detail = String::new();
    for a in cat {
        detail.push_str(&describe(a, &mut urls));
    }
    out.push_str("\nFigures, sources and notes ({n} refers to the numbered sources below)\n");
    out.push_str(&detail);
    out.push_str("\nSources\n");
    for (i, u) in urls.iter().enumerate() {
        let _ = writeln!(out, "  {{{}}} {u}", i + 1);
    }
    out.trim_end().to_string()
}

/// The 1-based number of `url` in `urls`, adding it when new.
fn number(urls: &mut Vec<String>, url: &str) -> usize {
    match urls.iter().position(|x| x == url) {
        Some(i) => i + 1,
        None => {
            urls.push(url.to_string());
            urls.len()
        }
    }
}

fn describe(a: &Accelerator, urls: &mut Vec<String>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}, {}{})",
        a.name,
        a.vendor,
        a.origin,
        alias_list(a)
    );
    for f in a.figures() {
        if f.value.is_none() && f.note.is_none() {
            continue;
        }
        let refs: Vec<String> = f
            .sources
            .iter()
            .map(|u| number(urls, u).to_string())
            .collect();
        let shown = match &f.value {
            Some(v @ Shown::Number(_)) => format!("{v} {} {}", f.unit, f.confidence.label()),
            Some(v) => format!("{v} {}", f.confidence.label()),
            None => "unknown".to_string(),
        };
        let mut line = format!("  {:<20} {shown}", f.field);
        if !refs.is_empty() {
            let _ = write!(line, " {{{}}}", refs.join(","));
        }
        if let Some(n) = f.note {
            let _ = write!(line, " - {n}");
        }
        let _ = writeln!(s, "{line}");
    }
    for n in &a.notes {
        if n.starts_with("https://") {
            let _ = writeln!(s, "  note: see {{{}}}", number(urls, n));
        } else {
            let _ = writeln!(s, "  note: {n}");
        }
    }
    s
}

fn alias_list(a: &Accelerator) -> String {
    if a.aliases.is_empty() {
        String::new()
    } else {
        format!("; also {}", a.aliases.join(", "))
    }
}
