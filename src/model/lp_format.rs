//! Writing a model in (CPLEX-style) LP format, for people to read.
//!
//! ```text
//! \ Problem: example
//! \ 2 rows, 3 columns, 5 nonzeros
//! Maximize
//!  obj: 3 x + 2 y - z + 7.113
//! Subject To
//!  cap: x + y <= 4
//! \ ranged row demand: 1 <= x + z <= 4
//!  demand_lo: x + z >= 1
//!  demand_hi: x + z <= 4
//! Bounds
//!  0 <= x <= 3
//!  y free
//!  z = 2
//! General
//!  y
//! End
//! ```
//!
//! The output is parsed by HiGHS (`Highs::readModel`) to the same model
//! (checked by hand with `highspy` 1.16, and on the Netlib and MIPLIB files).
//! LP format is less expressive than our model in three ways, handled so:
//!
//! * A **ranged row** `l ≤ aᵀx ≤ u` becomes two rows `NAME_lo: aᵀx ≥ l` and
//!   `NAME_hi: aᵀx ≤ u`, after a comment line giving the original row (HiGHS
//!   does not parse `l <= expr <= u` in a constraint).
//! * A **row without bounds** cannot be written; it is listed as a comment.
//! * **Names** are restricted to letters, digits and ``!"#$%&()/,.;?@_`'{}|~``,
//!   must not start with a digit, a period or `e`/`E` followed by a digit,
//!   and must not be a keyword (`free`, `inf`, ...). Other characters become
//!   `_`, a bad start gets a `_` prefix, and clashes get a `_2`, `_3`, ...
//!   suffix. Every renamed row or column is listed in a comment at the top.
//!
//! Numbers are written in the shortest form that reads back to the same
//! `f64`. Rows with no entries are written as `0 x ≥ l` with the first
//! column; columns that appear in no row and have zero cost get an explicit
//! bound line so that they exist in the file. Integer columns with bounds
//! `[0, 1]` are listed under `Binary`, other integer columns under
//! `General`. Long expressions are wrapped at about 80 characters.

use super::mps::format_number;
use super::{Model, Sense, VarType};
use crate::error::Result;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

/// Words a name must not be (case-insensitive): section keywords and the
/// bound words of the format.
const KEYWORDS: [&str; 20] = [
    "free", "inf", "infinity", "st", "s.t.", "st.", "subject", "such", "bound", "bounds",
    "general", "generals", "gen", "binary", "binaries", "bin", "end", "minimize", "maximize",
    "semi",
];

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"#$%&()/,.;?@_`'{}|~".contains(c)
}

/// The LP-format spelling of a name (before making it unique).
fn lp_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .collect();
    let bad_start = matches!(
        s.as_bytes(),
        [] | [b'0'..=b'9' | b'.', ..] | [b'e' | b'E', b'0'..=b'9', ..]
    );
    if bad_start || KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&s)) {
        s.insert(0, '_');
    }
    s
}

/// Hands out unique LP names, remembering the renames.
struct Namer {
    used: HashSet<String>,
    renames: Vec<(String, String)>,
}

impl Namer {
    fn name(&mut self, original: &str, suffix: &str) -> String {
        let base = format!("{}{suffix}", lp_name(original));
        let mut cand = base.clone();
        let mut k = 2;
        while self.used.contains(&cand) {
            cand = format!("{base}_{k}");
            k += 1;
        }
        self.used.insert(cand.clone());
        if cand != format!("{original}{suffix}") {
            self.renames
                .push((format!("{original}{suffix}"), cand.clone()));
        }
        cand
    }
}

/// Writes `model` in LP format; see the module docs.
///
/// # Errors
/// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails.
pub fn write_lp(model: &Model, out: &mut impl Write) -> Result<()> {
    let mut w = LpWriter {
        out: BufWriter::new(out),
        line: String::with_capacity(128),
        num: String::new(),
        first: true,
    };
    let n = model.num_cols();
    let mut namer = Namer {
        used: HashSet::with_capacity(n + model.num_rows() + 1),
        renames: Vec::new(),
    };
    let cols: Vec<String> = model
        .col_names()
        .iter()
        .map(|c| namer.name(c, ""))
        .collect();
    let obj = namer.name(model.objective_name(), "");
    let rows: Vec<RowNames> = (0..model.num_rows())
        .map(|i| {
            let name = &model.row_names()[i];
            let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
            if l.is_finite() && u.is_finite() && l < u {
                RowNames::Ranged(namer.name(name, "_lo"), namer.name(name, "_hi"))
            } else {
                RowNames::One(namer.name(name, ""))
            }
        })
        .collect();

    let title = model.name().replace(['\n', '\r'], " ");
    w.raw(&format!("\\ Problem: {title}"))?;
    w.raw(&format!(
        "\\ {} rows, {} columns, {} nonzeros",
        model.num_rows(),
        n,
        model.matrix().nnz()
    ))?;
    for (from, to) in &namer.renames {
        w.raw(&format!(
            "\\ renamed: '{}' -> {to}",
            from.replace(['\n', '\r'], " ")
        ))?;
    }
    w.raw(match model.sense() {
        Sense::Minimize => "Minimize",
        Sense::Maximize => "Maximize",
    })?;

    // Objective.
    let _ = write!(w.line, " {obj}:");
    for (&c, name) in model.costs().iter().zip(&cols) {
        if c != 0.0 {
            w.term(c, name)?;
        }
    }
    let c0 = model.objective_constant();
    if c0 != 0.0 {
        w.constant(c0);
    }
    w.flush_line()?;

    w.write_rows(model, &rows, &cols)?;
    w.write_bounds(model, &cols)?;
    w.write_integers(model, &cols)?;
    w.raw("End")?;
    w.out.flush()?;
    Ok(())
}

enum RowNames {
    One(String),
    Ranged(String, String),
}

struct LpWriter<W: Write> {
    out: BufWriter<W>,
    line: String,
    num: String,
    /// No term written yet in the current expression.
    first: bool,
}

/// Wrap expressions after this many characters.
const WIDTH: usize = 78;

/// `true` for an integer column with bounds exactly `[0, 1]`.
#[expect(clippy::float_cmp, reason = "a binary has exactly these bounds")]
fn is_binary(model: &Model, j: usize) -> bool {
    model.var_types()[j] == VarType::Integer
        && model.col_lower()[j] == 0.0
        && model.col_upper()[j] == 1.0
}

impl<W: Write> LpWriter<W> {
    /// `Subject To`, from the row-wise copy of the matrix.
    #[expect(
        clippy::float_cmp,
        reason = "an equality row has lower == upper exactly"
    )]
    fn write_rows(&mut self, model: &Model, rows: &[RowNames], cols: &[String]) -> Result<()> {
        self.raw("Subject To")?;
        let at = model.matrix().transpose();
        for (i, names) in rows.iter().enumerate() {
            let (l, u) = (model.row_lower()[i], model.row_upper()[i]);
            let (idx, val) = at.col(i);
            match names {
                RowNames::Ranged(lo, hi) => {
                    let mut comment = format!("\\ ranged row {}: ", &model.row_names()[i]);
                    format_number(l, &mut self.num);
                    let _ = write!(comment, "{} <= ... <= ", self.num);
                    format_number(u, &mut self.num);
                    comment.push_str(&self.num);
                    self.raw(&comment)?;
                    self.row(lo, idx, val, cols, ">=", l)?;
                    self.row(hi, idx, val, cols, "<=", u)?;
                }
                RowNames::One(name) if l == f64::NEG_INFINITY && u == f64::INFINITY => {
                    self.raw(&format!(
                        "\\ row {name} has no bounds (free) and is left out ({} entries)",
                        idx.len()
                    ))?;
                }
                RowNames::One(name) => {
                    let (op, rhs) = if l == u {
                        ("=", l)
                    } else if l.is_finite() {
                        (">=", l)
                    } else {
                        ("<=", u)
                    };
                    self.row(name, idx, val, cols, op, rhs)?;
                }
            }
        }
        Ok(())
    }

    /// `Bounds`: every column whose bounds are not the default `[0, +inf)`,
    /// and default ones that appear nowhere else (so they exist).
    #[expect(clippy::float_cmp, reason = "bound kinds are told apart exactly")]
    fn write_bounds(&mut self, model: &Model, cols: &[String]) -> Result<()> {
        self.raw("Bounds")?;
        let a = model.matrix();
        for (j, name) in cols.iter().enumerate() {
            let (l, u) = (model.col_lower()[j] + 0.0, model.col_upper()[j] + 0.0);
            if is_binary(model, j) {
                continue;
            }
            let unseen = a.col(j).0.is_empty() && model.costs()[j] == 0.0;
            if l == u {
                format_number(l, &mut self.num);
                let _ = write!(self.line, " {name} = {}", self.num);
            } else if l == f64::NEG_INFINITY && u == f64::INFINITY {
                let _ = write!(self.line, " {name} free");
            } else if l == f64::NEG_INFINITY {
                format_number(u, &mut self.num);
                let _ = write!(self.line, " -inf <= {name} <= {}", self.num);
            } else if u == f64::INFINITY {
                if l == 0.0 && !unseen {
                    continue;
                }
                format_number(l, &mut self.num);
                let _ = write!(self.line, " {name} >= {}", self.num);
            } else {
                format_number(l, &mut self.num);
                let _ = write!(self.line, " {} <= {name} <= ", self.num);
                format_number(u, &mut self.num);
                self.line.push_str(&self.num);
            }
            self.flush_line()?;
        }
        Ok(())
    }

    /// `General` (integer columns other than binaries) and `Binary`.
    fn write_integers(&mut self, model: &Model, cols: &[String]) -> Result<()> {
        for (title, want_binary) in [("General", false), ("Binary", true)] {
            let list: Vec<&String> = (0..cols.len())
                .filter(|&j| model.var_types()[j] == VarType::Integer)
                .filter(|&j| is_binary(model, j) == want_binary)
                .map(|j| &cols[j])
                .collect();
            if !list.is_empty() {
                self.raw(title)?;
                for name in list {
                    self.push(name)?;
                }
                self.flush_line()?;
            }
        }
        Ok(())
    }

    fn raw(&mut self, text: &str) -> Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn flush_line(&mut self) -> Result<()> {
        self.first = true;
        if !self.line.trim().is_empty() {
            self.out.write_all(self.line.as_bytes())?;
            self.out.write_all(b"\n")?;
        }
        self.line.clear();
        Ok(())
    }

    /// Appends ` piece`, wrapping first if the line would get too long.
    fn push(&mut self, piece: &str) -> Result<()> {
        if self.line.len() + piece.len() + 1 > WIDTH && !self.line.trim().is_empty() {
            let first = self.first;
            self.flush_line()?;
            self.first = first;
            self.line.push_str("   ");
        }
        self.line.push(' ');
        self.line.push_str(piece);
        Ok(())
    }

    #[expect(clippy::float_cmp, reason = "only an exact 1 may be left out")]
    fn term(&mut self, coef: f64, name: &str) -> Result<()> {
        let sign = match (coef < 0.0, self.first) {
            (true, _) => "- ",
            (false, true) => "",
            (false, false) => "+ ",
        };
        self.first = false;
        let piece = if coef.abs() == 1.0 {
            format!("{sign}{name}")
        } else {
            format_number(coef.abs(), &mut self.num);
            format!("{sign}{} {name}", self.num)
        };
        self.push(&piece)
    }

    fn constant(&mut self, c: f64) {
        format_number(c.abs(), &mut self.num);
        let sign = match (c < 0.0, self.first) {
            (true, _) => "- ",
            (false, true) => "",
            (false, false) => "+ ",
        };
        let _ = write!(self.line, " {sign}{}", self.num);
    }

    fn row(
        &mut self,
        name: &str,
        idx: &[u32],
        val: &[f64],
        cols: &[String],
        op: &str,
        rhs: f64,
    ) -> Result<()> {
        let _ = write!(self.line, " {name}:");
        if idx.is_empty() {
            match cols.first() {
                Some(c) => self.push(&format!("0 {c}"))?,
                None => {
                    self.line.clear();
                    return self.raw(&format!(
                        "\\ row {name} is empty in a model without columns"
                    ));
                }
            }
        }
        for (&j, &v) in idx.iter().zip(val) {
            self.term(v, &cols[j as usize])?;
        }
        format_number(rhs, &mut self.num);
        let piece = format!("{op} {}", self.num);
        self.push(&piece)?;
        self.flush_line()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelBuilder;

    #[test]
    fn names_are_made_valid_and_unique() {
        assert_eq!(lp_name("cap[h800-owned]"), "cap_h800_owned_");
        assert_eq!(lp_name("1st"), "_1st");
        assert_eq!(lp_name("e12"), "_e12");
        assert_eq!(lp_name("free"), "_free");
        assert_eq!(lp_name("DEDO3 1R"), "DEDO3_1R");
        assert_eq!(lp_name("x.y_z"), "x.y_z");
        let mut n = Namer {
            used: HashSet::new(),
            renames: Vec::new(),
        };
        assert_eq!(n.name("a b", ""), "a_b");
        assert_eq!(n.name("a_b", ""), "a_b_2");
        assert_eq!(n.renames.len(), 2);
    }

    #[test]
    fn example_output() -> Result<()> {
        let mut b = ModelBuilder::new("example");
        b.set_sense(Sense::Maximize).set_objective_constant(7.113);
        let x = b.add_col("x", 3.0, Some(0.0), Some(3.0), VarType::Continuous);
        let y = b.add_col("y", 2.0, None, None, VarType::Integer);
        let z = b.add_col("z", -1.0, Some(2.0), Some(2.0), VarType::Continuous);
        let k = b.add_col("k", 0.5, Some(0.0), Some(1.0), VarType::Integer);
        b.add_col("unused", 0.0, Some(0.0), None, VarType::Continuous);
        b.add_row_with("cap", None, Some(4.0), &[(x, 1.0), (y, 1.0)]);
        b.add_row_with("demand", Some(1.0), Some(4.0), &[(x, 1.0), (z, -2.5)]);
        b.add_row_with("eq", Some(2.0), Some(2.0), &[(k, 1.0), (y, -1.0)]);
        b.add_row_with("free", None, None, &[(k, 1.0)]);
        b.add_row("empty", Some(-1.0), None);
        let m = b.build()?;
        let mut out = Vec::new();
        write_lp(&m, &mut out)?;
        let text = String::from_utf8(out).unwrap_or_default();
        let expected = r"\ Problem: example
\ 5 rows, 5 columns, 7 nonzeros
\ renamed: 'free' -> _free
Maximize
 obj: 3 x + 2 y - z + 0.5 k + 7.113
Subject To
 cap: x + y <= 4
\ ranged row demand: 1 <= ... <= 4
 demand_lo: x - 2.5 z >= 1
 demand_hi: x - 2.5 z <= 4
 eq: - y + k = 2
\ row _free has no bounds (free) and is left out (1 entries)
 empty: 0 x >= -1
Bounds
 0 <= x <= 3
 y free
 z = 2
 unused >= 0
General
 y
Binary
 k
End
";
        assert_eq!(text, expected);
        Ok(())
    }
}
