//! MPS files: reading (fixed, free, or detected) and writing.
//!
//! MPS is the lingua franca of LP/MIP test sets (Netlib, MIPLIB). A file is a
//! sequence of sections; section headers start in column 1, data lines start
//! with a blank:
//!
//! ```text
//! NAME          EXAMPLE
//! OBJSENSE
//!     MAX
//! ROWS
//!  N  COST
//!  L  LIM1
//!  E  MYEQN
//! COLUMNS
//!     X1        COST                 1   LIM1                 1
//!     MARKER    'MARKER'                 'INTORG'
//!     X2        COST                 2   MYEQN               -1
//!     MARKER    'MARKER'                 'INTEND'
//! RHS
//!     RHS       LIM1                 4   MYEQN                7
//! RANGES
//!     RNG       LIM1               2.5
//! BOUNDS
//!  UP BND       X1                   4
//! ENDATA
//! ```
//!
//! # Formats
//!
//! * [`MpsFormat::Fixed`]: fields sit at fixed columns: 2-3 (type), 5-12
//!   (name), 15-22 (name), 25-36 (number), 40-47 (name), 50-61 (number), so
//!   names may contain spaces (Netlib's `forplan` needs this). The separator
//!   columns must be blank and nothing may follow column 61; a violation is
//!   an error rather than a silent misreading. In ROWS the row name is
//!   everything from column 5 to the end of the line. A data line containing
//!   a tab is rejected (a tab has no column).
//! * [`MpsFormat::Free`]: fields are separated by blanks or tabs, names
//!   cannot contain spaces and have no length limit. In RHS and RANGES the
//!   set name may be left out (an even number of fields), in BOUNDS too.
//! * [`MpsFormat::Auto`] (for reading): every data line is read as free
//!   format first. The first time a line cannot be read that way (wrong
//!   number of fields, a field that should be a number is not, a name that is
//!   not known) **and** it is laid out in fixed columns, it is read as fixed
//!   format instead, and the rest of the file is then read as fixed. A file
//!   whose names have no spaces reads the same either way, and a file whose
//!   names have spaces (`forplan`) breaks the free reading on its first such
//!   name (in ROWS), which switches it to fixed. When both readings fail the
//!   error reports both. The reading is decided line by line, so a large file
//!   is never read twice.
//!
//! # Conventions (where MPS dialects differ)
//!
//! * The first `N` row is the objective; further `N` rows are ignored
//!   together with their COLUMNS, RHS and RANGES entries. An `OBJNAME`
//!   section (before ROWS) names the objective row instead.
//! * An RHS entry on the objective row is **minus** the objective constant
//!   (`c₀ = −rhs`, as in HiGHS, Gurobi and CPLEX; Netlib's `e226` has one).
//! * RANGES, with `R` the range value and `rhs` the row's RHS (0 if none):
//!   `L` row → `[rhs − |R|, rhs]`, `G` row → `[rhs, rhs + |R|]`, `E` row →
//!   `[rhs, rhs + R]` if `R > 0`, `[rhs + R, rhs]` if `R < 0`, `[rhs, rhs]` if
//!   `R = 0`. RANGES on an `N` row are ignored.
//! * Columns default to `[0, +∞)`. Integer columns (between `'INTORG'` and
//!   `'INTEND'` markers) without bounds also get `[0, +∞)`, as Gurobi and
//!   CPLEX document; beware that some readers (HiGHS 1.16, old MPSX) make
//!   them binary. [`write_mps`] therefore always writes an integer column's
//!   upper bound (`PL` when infinite), so its files mean the same everywhere.
//! * BOUNDS types: `UP` (upper), `LO` (lower), `FX` (both), `FR` (free), `MI`
//!   (lower −∞, upper unchanged), `PL` (upper +∞), `BV` (binary: integer in
//!   `[0, 1]`, a value is ignored), `LI` / `UI` (integer with that lower /
//!   upper bound). `UP` or `UI` with a **negative** value on a column whose
//!   lower bound has not been set by an earlier BOUNDS line (integer or
//!   not) makes the lower bound −∞, with a
//!   [`WarningKind::NegativeUpperBound`](super::WarningKind) warning. This
//!   is the MPSX convention that CPLEX, SAS and QSopt document and that
//!   HiGHS 1.16's *fixed-format* reader applies to `UP` (checked with
//!   highspy 1.16: `mod008` with `UP bnd C2. -5` reads as `[-inf, -5]` and
//!   solves to 304, as here); HiGHS 1.16's *free-format* reader, which it
//!   tries first, keeps the lower bound 0, so such a file is infeasible
//!   there, and its fixed reader reads `UI` as `MI`. A later `LO`/`LI`
//!   line still sets the lower bound. `SC` (semi-continuous) is rejected
//!   with an error.
//! * A number of magnitude ≥ [`MPS_INFINITY`] (`1e20`) in RHS, RANGES or
//!   BOUNDS means infinity; `Inf`/`Infinity` are accepted too. Matrix and
//!   cost coefficients must be finite. `-0` reads as `0`. A Fortran `D`
//!   exponent (`1.5D+03`) is accepted.
//! * Magnitudes: the model layer's numeric rule applies
//!   ([module docs](super#numeric-limits)): matrix entries of magnitude `1e-9` or less are
//!   dropped with a warning, a matrix entry of `1e15` or more is a parse
//!   error at its line, and a cost of `1e20` or more fixes its column at
//!   the bound it drives it to (HiGHS's `small_matrix_value`,
//!   `large_matrix_value` and `infinite_cost`). Tiny or huge RHS, RANGES
//!   and bound values below `1e20` are kept as written.
//! * A line longer than [`MAX_LINE_BYTES`] (1 MiB) is an error.
//! * `OBJSENSE` takes `MAX`/`MAXIMIZE`/`MAXIMISE` or `MIN`/`MINIMIZE`/
//!   `MINIMISE`, on the header line or on the next line (or lines of an
//!   `OBJSENSE` section).
//! * Only the first RHS, RANGES and BOUNDS set is used; lines naming another
//!   set are skipped (lines without a set name always apply).
//! * Blank lines and lines starting with `*` are skipped; `\r\n` line ends
//!   and trailing blanks are fine; lines after `ENDATA` are ignored, and a
//!   file without `ENDATA` is an error (it is usually truncated).
//! * The entries of a column must be contiguous, and a (row, column) pair
//!   may appear only once; zero coefficients are dropped (the column still
//!   exists).
//!
//! Every malformed input is an [`ErrorKind::Parse`](crate::ErrorKind::Parse)
//! error whose [`Error::line`] is the 1-based line and whose message names
//! what was wrong, e.g. `MPS parse error at line 57: COLUMNS entry references
//! unknown row 'R09'`.
//!
//! # Complexity
//!
//! Reading is linear in the file size plus `O(k log k)` per column of `k`
//! entries (sorting by row); names are looked up in hash maps keyed by a
//! 64-bit hash of the name, so each column name is stored once. The file
//! reader streams the input through one reused line buffer.

use super::screen::{Tally, Warnings, screen};
use super::{CscMatrix, INFINITE_COST, LARGE_MATRIX_VALUE, Model, Sense, VarType, WarningKind};
use crate::error::{Error, Result};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Read as _, Write};
use std::path::Path;

/// Magnitudes at or above this in RHS, RANGES and BOUNDS mean infinity when
/// reading (the convention of HiGHS and CPLEX; the model layer's
/// [`INFINITE_BOUND`](super::INFINITE_BOUND)).
pub const MPS_INFINITY: f64 = super::INFINITE_BOUND;

/// The longest line the readers accept, in bytes. An MPS line holds at
/// most seven fields; a longer one is not MPS (`/dev/zero`, a binary file),
/// and reading it whole would take unbounded memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Which MPS dialect to read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MpsFormat {
    /// Fixed columns; names up to 8 characters, may contain spaces.
    Fixed,
    /// Blank-separated fields; names of any length without spaces.
    Free,
    /// Reading: detect line by line (see the module docs). Writing: fixed
    /// when every name and number fits its field, otherwise free.
    #[default]
    Auto,
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Reads an MPS model from a string.
///
/// # Errors
/// [`ErrorKind::Parse`](crate::ErrorKind::Parse) with the line number for
/// malformed input (see the module docs for what is accepted).
pub fn read_mps(text: &str, format: MpsFormat) -> Result<Model> {
    let mut r = Reader::new(format);
    let mut no = 0;
    for line in text.lines() {
        no += 1;
        if r.line(no, line)? {
            return r.finish(no);
        }
    }
    Err(missing_endata(no))
}

/// Reads an MPS model from a file, streaming it (a 380 MB file is fine).
///
/// # Errors
/// [`ErrorKind::Io`](crate::ErrorKind::Io) naming the file if it cannot be
/// opened or read; [`ErrorKind::Parse`](crate::ErrorKind::Parse) with the
/// line number for malformed input.
pub fn read_mps_file(path: &Path, format: MpsFormat) -> Result<Model> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(Some(path.to_path_buf()), e))?;
    read_lines(BufReader::with_capacity(1 << 20, file), format, Some(path))
}

/// Reads an MPS model from any buffered reader (e.g. standard input).
///
/// # Errors
/// As [`read_mps_file`]; I/O errors carry no path.
pub fn read_mps_from(input: impl BufRead, format: MpsFormat) -> Result<Model> {
    read_lines(input, format, None)
}

fn read_lines(mut input: impl BufRead, format: MpsFormat, path: Option<&Path>) -> Result<Model> {
    let mut r = Reader::new(format);
    let mut buf = Vec::with_capacity(256);
    let mut no = 0;
    loop {
        buf.clear();
        let n = (&mut input)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path.map(Path::to_path_buf), e))?;
        if n == 0 {
            return Err(missing_endata(no));
        }
        no += 1;
        if buf.len() > MAX_LINE_BYTES {
            return Err(Error::parse(
                "MPS",
                Some(no),
                format!(
                    "line is longer than {MAX_LINE_BYTES} bytes; an MPS line holds at most \
                     seven short fields (is this an MPS file?)"
                ),
            ));
        }
        let line = std::str::from_utf8(&buf)
            .map_err(|_| Error::parse("MPS", Some(no), "line is not valid UTF-8"))?;
        if r.line(no, line)? {
            return r.finish(no);
        }
    }
}

fn missing_endata(lines: usize) -> Error {
    Error::parse(
        "MPS",
        Some(lines.max(1)),
        "the file ends without ENDATA (is it truncated?)",
    )
}

/// A hash map from names to indices that stores only a 64-bit hash of each
/// name; the names themselves live in the caller's vector. Hash collisions
/// (names differing with equal hashes) go to a small overflow map, so lookups
/// are exact.
#[derive(Default)]
struct NameIndex {
    map: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    overflow: HashMap<String, u32>,
}

/// Passes a precomputed 64-bit hash through.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `NameIndex`; fold anything else.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// FNV-1a followed by the splitmix64 finaliser (so every bit of the result
/// depends on every byte; hashbrown uses both the low and the high bits).
fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl NameIndex {
    fn get(&self, names: &[String], name: &str) -> Option<u32> {
        let i = *self.map.get(&name_hash(name))?;
        if names[i as usize] == name {
            Some(i)
        } else {
            self.overflow.get(name).copied()
        }
    }

    /// Inserts `name → idx`; returns the existing index if the name is known.
    fn insert(&mut self, names: &[String], name: &str, idx: u32) -> Option<u32> {
        match self.map.entry(name_hash(name)) {
            Entry::Vacant(v) => {
                v.insert(idx);
                None
            }
            Entry::Occupied(o) => {
                let i = *o.get();
                if names[i as usize] == name {
                    return Some(i);
                }
                match self.overflow.entry(name.to_owned()) {
                    std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(idx);
                        None
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Start,
    Name,
    ObjSense,
    ObjName,
    Rows,
    Columns,
    Rhs,
    Ranges,
    Bounds,
}

impl Section {
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
    fn label(self) -> &'static str {
        match self {
            Section::Start => "(start)",
            Section::Name => "NAME",
            Section::ObjSense => "OBJSENSE",
            Section::ObjName => "OBJNAME",
            Section::Rows => "ROWS",
            Section::Columns => "COLUMNS",
            Section::Rhs => "RHS",
            Section::Ranges => "RANGES",
            Section::Bounds => "BOUNDS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowType {
    E,
    L,
    G,
}

/// What a row name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowRef {
    Objective,
    /// A further `N` row: its entries are ignored.
    Ignored,
    /// A constraint row (index among constraints).
    Con(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoundKind {
    Up,
    Lo,
    Fx,
    Fr,
    Mi,
    Pl,
    Bv,
    Li,
    Ui,
}

impl BoundKind {
    fn parse(s: &str) -> std::result::Result<BoundKind, String> {
        let k = match s.to_ascii_uppercase().as_str() {
            "UP" => BoundKind::Up,
            "LO" => BoundKind::Lo,
            "FX" => BoundKind::Fx,
            "FR" => BoundKind::Fr,
            "MI" => BoundKind::Mi,
            "PL" => BoundKind::Pl,
            "BV" => BoundKind::Bv,
            "LI" => BoundKind::Li,
            "UI" => BoundKind::Ui,
            "SC" => {
                return Err(
                    "semi-continuous bounds (SC) are not supported by this model".to_owned(),
                );
            }
            _ => {
                return Err(format!(
                    "unknown bound type '{s}' (expected UP, LO, FX, FR, MI, PL, BV, LI or UI)"
                ));
            }
        };
        Ok(k)
    }
    fn needs_value(self) -> bool {
        matches!(
            self,
            BoundKind::Up | BoundKind::Lo | BoundKind::Fx | BoundKind::Li | BoundKind::Ui
        )
    }
}

/// A COLUMNS line's column.
#[derive(Debug, Clone, Copy)]
enum ColTarget<'a> {
    Current,
    New(&'a str),
}

/// One parsed and resolved data line, applied only once it is known to be
/// valid (so that a failed free-format reading leaves no trace).
#[derive(Debug, Clone, Copy)]
enum Action<'a> {
    Row(Option<RowType>, &'a str),
    Marker(bool),
    Column(ColTarget<'a>, [(RowRef, f64); 2], usize),
    Rhs(Option<&'a str>, [(RowRef, f64); 2], usize),
    Range(Option<&'a str>, [(RowRef, f64); 2], usize),
    Bound(BoundKind, Option<&'a str>, u32, f64),
    Sense(Sense),
}

type Msg = String;

/// Separator columns (0-based) that must be blank in a fixed-format line.
const FIXED_SEPARATORS: [usize; 11] = [0, 3, 12, 13, 22, 23, 36, 37, 38, 47, 48];

/// Splits a fixed-format data line into its six fields (trimmed).
fn fixed_fields(line: &str) -> std::result::Result<[&str; 6], Msg> {
    if !line.is_ascii() {
        return Err("a fixed-format line must be ASCII".to_owned());
    }
    if line.contains('\t') {
        return Err("a fixed-format line cannot contain a tab (a tab has no column)".to_owned());
    }
    let b = line.as_bytes();
    if b.len() > 61 {
        return Err(format!(
            "fixed-format line has {} characters; its fields end at column 61",
            b.len()
        ));
    }
    for &p in &FIXED_SEPARATORS {
        if p < b.len() && b[p] != b' ' {
            return Err(format!(
                "fixed-format line has '{}' in column {}, which must be blank (fields are \
                 columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61)",
                char::from(b[p]),
                p + 1
            ));
        }
    }
    let f = |a: usize, e: usize| -> &str {
        let n = line.len();
        line.get(a.min(n)..e.min(n)).unwrap_or("").trim()
    };
    Ok([
        f(1, 3),
        f(4, 12),
        f(14, 22),
        f(24, 36),
        f(39, 47),
        f(49, 61),
    ])
}

/// Whether a line could be a fixed-format line of `section` (used by Auto).
fn looks_fixed(section: Section, line: &str) -> bool {
    if !line.is_ascii() || line.contains('\t') {
        return false;
    }
    let b = line.as_bytes();
    if section == Section::Rows {
        return b.len() > 4 && b[0] == b' ' && b[3] == b' ';
    }
    b.len() <= 61
        && FIXED_SEPARATORS
            .iter()
            .all(|&p| p >= b.len() || b[p] == b' ')
}

/// Up to 7 blank-separated tokens.
fn free_tokens(line: &str) -> std::result::Result<([&str; 7], usize), Msg> {
    let mut t = [""; 7];
    let mut n = 0;
    for tok in line.split_ascii_whitespace() {
        if n == t.len() {
            return Err("too many fields on the line".to_owned());
        }
        t[n] = tok;
        n += 1;
    }
    Ok((t, n))
}

/// Parses a number; `-0` becomes `0`; NaN is refused.
fn number(s: &str, what: &str) -> std::result::Result<f64, Msg> {
    let v = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) if s.contains(['d', 'D']) => s
            .replace(['d', 'D'], "e")
            .parse::<f64>()
            .map_err(|_| format!("{what} '{s}' is not a number"))?,
        Err(_) => return Err(format!("{what} '{s}' is not a number")),
    };
    if v.is_nan() {
        return Err(format!("{what} '{s}' is not a number"));
    }
    Ok(v + 0.0)
}

/// A finite coefficient (matrix or cost).
fn coefficient(s: &str) -> std::result::Result<f64, Msg> {
    let v = number(s, "value")?;
    if v.is_infinite() {
        return Err(format!(
            "coefficient '{s}' is infinite; coefficients must be finite"
        ));
    }
    Ok(v)
}

/// A bound-like value: magnitudes ≥ `MPS_INFINITY` become ±∞.
fn bound_value(s: &str) -> std::result::Result<f64, Msg> {
    let v = number(s, "value")?;
    Ok(if v >= MPS_INFINITY {
        f64::INFINITY
    } else if v <= -MPS_INFINITY {
        f64::NEG_INFINITY
    } else {
        v
    })
}

fn parse_sense(word: &str) -> Option<Sense> {
    match word.to_ascii_uppercase().as_str() {
        "MAX" | "MAXIMIZE" | "MAXIMISE" => Some(Sense::Maximize),
        "MIN" | "MINIMIZE" | "MINIMISE" => Some(Sense::Minimize),
        _ => None,
    }
}

/// The reader's state: everything read so far.
struct Reader {
    requested: MpsFormat,
    /// Reading fixed columns now (Fixed, or Auto after a switch).
    fixed: bool,
    section: Section,
    seen: u16,
    name: String,
    sense: Sense,
    objname: Option<String>,
    /// OBJSENSE header without a value: a following line must give it.
    sense_pending: bool,

    row_names: Vec<String>,
    row_line: Vec<usize>,
    row_ref: Vec<RowRef>,
    row_index: NameIndex,
    obj_row: Option<usize>,
    con_row: Vec<u32>,
    con_type: Vec<RowType>,
    rhs: Vec<f64>,
    rhs_line: Vec<usize>,
    range: Vec<Option<(f64, usize)>>,
    obj_constant: f64,
    obj_rhs_line: usize,
    rhs_set: Option<String>,
    range_set: Option<String>,
    bound_set: Option<String>,

    col_names: Vec<String>,
    col_index: NameIndex,
    cost: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    var_type: Vec<VarType>,
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
    cur: Option<u32>,
    cur_entries: Vec<(u32, f64)>,
    cur_cost_set: bool,
    /// `stamp[i] == j + 1` when column `j` already has an entry in row `i`.
    stamp: Vec<u32>,
    in_int: bool,
    lower_set: Vec<bool>,
    bound_line: HashMap<u32, usize>,
    /// Columns whose negative `UP`/`UI` bound made the lower bound `−∞`.
    neg_up: Vec<u32>,
    /// Lines of costs of magnitude ≥ `INFINITE_COST` (rare), by column.
    inf_cost_line: HashMap<u32, usize>,
}

impl Reader {
    fn new(requested: MpsFormat) -> Self {
        Reader {
            requested,
            fixed: requested == MpsFormat::Fixed,
            section: Section::Start,
            seen: 0,
            name: String::new(),
            sense: Sense::Minimize,
            objname: None,
            sense_pending: false,
            row_names: Vec::new(),
            row_line: Vec::new(),
            row_ref: Vec::new(),
            row_index: NameIndex::default(),
            obj_row: None,
            con_row: Vec::new(),
            con_type: Vec::new(),
            rhs: Vec::new(),
            rhs_line: Vec::new(),
            range: Vec::new(),
            obj_constant: 0.0,
            obj_rhs_line: 0,
            rhs_set: None,
            range_set: None,
            bound_set: None,
            col_names: Vec::new(),
            col_index: NameIndex::default(),
            cost: Vec::new(),
            col_lower: Vec::new(),
            col_upper: Vec::new(),
            var_type: Vec::new(),
            start: vec![0],
            index: Vec::new(),
            value: Vec::new(),
            cur: None,
            cur_entries: Vec::new(),
            cur_cost_set: false,
            stamp: Vec::new(),
            in_int: false,
            lower_set: Vec::new(),
            bound_line: HashMap::new(),
            neg_up: Vec::new(),
            inf_cost_line: HashMap::new(),
        }
    }

    /// Handles one line; returns `true` at ENDATA.
    fn line(&mut self, no: usize, raw: &str) -> Result<bool> {
        // A UTF-8 byte-order mark some editors put first is not content.
        let raw = if no == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let line = raw.trim_end();
        let Some(&first) = line.as_bytes().first() else {
            return Ok(false);
        };
        if first == b'*' {
            return Ok(false);
        }
        if first == b' ' || first == b'\t' {
            self.data(no, line)
                .map_err(|m| Error::parse("MPS", Some(no), m))?;
            return Ok(false);
        }
        self.header(no, line)
            .map_err(|m| Error::parse("MPS", Some(no), m))
    }

    fn header(&mut self, no: usize, line: &str) -> std::result::Result<bool, Msg> {
        let mut toks = line.split_ascii_whitespace();
        let kw = toks.next().unwrap_or("");
        let rest = line.get(kw.len()..).unwrap_or("").trim();
        if self.sense_pending {
            // `OBJSENSE` then `MAX` starting in column 1.
            if let Some(s) = parse_sense(kw) {
                self.sense = s;
                self.sense_pending = false;
                return Ok(false);
            }
            return Err(format!(
                "OBJSENSE needs MAX or MIN before the next section, found '{kw}'"
            ));
        }
        let upper = kw.to_ascii_uppercase();
        let section = match upper.as_str() {
            "NAME" => Section::Name,
            "OBJSENSE" => Section::ObjSense,
            "OBJNAME" => Section::ObjName,
            "ROWS" => Section::Rows,
            "COLUMNS" => Section::Columns,
            "RHS" => Section::Rhs,
            "RANGES" => Section::Ranges,
            "BOUNDS" => Section::Bounds,
            "ENDATA" => {
                self.leave_section(no)?;
                return Ok(true);
            }
            "SOS" | "SETS" => {
                return Err(format!("section '{kw}' (SOS constraints) is not supported"));
            }
            "QUADOBJ" | "QMATRIX" | "QSECTION" | "QCMATRIX" | "CSECTION" => {
                return Err(format!(
                    "section '{kw}' (quadratic or conic data) is not supported: this is an LP/MILP reader"
                ));
            }
            "INDICATORS" | "GENCONS" | "PWLOBJ" | "PWLNAM" | "PWLSOS" | "USERCUTS" | "LAZYCONS" => {
                return Err(format!("section '{kw}' is not supported"));
            }
            _ => {
                return Err(format!(
                    "unknown section '{kw}' (a data line must start with a blank)"
                ));
            }
        };
        self.enter(no, section)?;
        match section {
            Section::Name => self.name = rest.to_owned(),
            Section::ObjSense => {
                if rest.is_empty() {
                    self.sense_pending = true;
                } else {
                    self.sense = parse_sense(rest)
                        .ok_or_else(|| format!("OBJSENSE '{rest}' is neither MAX nor MIN"))?;
                }
            }
            Section::ObjName if !rest.is_empty() => self.objname = Some(rest.to_owned()),
            // Anything after another header keyword is ignored.
            _ => {}
        }
        Ok(false)
    }

    /// Checks section order and closes the section being left.
    fn enter(&mut self, no: usize, section: Section) -> std::result::Result<(), Msg> {
        self.leave_section(no)?;
        if self.seen & section.bit() != 0 {
            return Err(format!("section {} appears twice", section.label()));
        }
        let rows = Section::Rows.bit();
        let cols = Section::Columns.bit();
        let after = Section::Rhs.bit() | Section::Ranges.bit() | Section::Bounds.bit();
        match section {
            Section::Name if self.seen != 0 => {
                return Err("NAME must be the first section".to_owned());
            }
            Section::ObjName if self.seen & rows != 0 => {
                return Err("OBJNAME must come before ROWS".to_owned());
            }
            Section::Rows if self.seen & (cols | after) != 0 => {
                return Err("ROWS must come before COLUMNS, RHS, RANGES and BOUNDS".to_owned());
            }
            Section::Columns | Section::Rhs | Section::Ranges if self.seen & rows == 0 => {
                return Err(format!("section {} comes before ROWS", section.label()));
            }
            Section::Columns if self.seen & after != 0 => {
                return Err("COLUMNS must come before RHS, RANGES and BOUNDS".to_owned());
            }
            Section::Bounds if self.seen & cols == 0 => {
                return Err("BOUNDS comes before COLUMNS".to_owned());
            }
            _ => {}
        }
        self.seen |= section.bit();
        self.section = section;
        if section == Section::Columns {
            self.stamp = vec![0; self.con_type.len()];
        }
        if section == Section::Bounds {
            self.lower_set = vec![false; self.col_names.len()];
        }
        Ok(())
    }

    fn leave_section(&mut self, _no: usize) -> std::result::Result<(), Msg> {
        if self.sense_pending {
            return Err("OBJSENSE needs MAX or MIN before the next section".to_owned());
        }
        match self.section {
            Section::Rows => {
                if let Some(n) = &self.objname
                    && self.obj_row.is_none()
                {
                    return Err(format!(
                        "OBJNAME names '{n}', which is not an N row of ROWS"
                    ));
                }
            }
            Section::Columns => self.finish_column(),
            _ => {}
        }
        Ok(())
    }

    fn data(&mut self, no: usize, line: &str) -> std::result::Result<(), Msg> {
        match self.section {
            Section::Start => {
                return Err("data line before the first section (expected NAME or ROWS)".to_owned());
            }
            Section::Name => {
                return Err(
                    "data line after NAME (expected a section header such as ROWS)".to_owned(),
                );
            }
            Section::ObjName => {
                let (t, n) = free_tokens(line)?;
                if n != 1 || self.objname.is_some() {
                    return Err("OBJNAME takes exactly one row name".to_owned());
                }
                self.objname = Some(t[0].to_owned());
                return Ok(());
            }
            _ => {}
        }
        let act = match self.parse(line, self.fixed) {
            Ok(a) => a,
            Err(free_msg) => {
                if self.requested == MpsFormat::Auto
                    && !self.fixed
                    && looks_fixed(self.section, line)
                {
                    match self.parse(line, true) {
                        Ok(a) => {
                            self.fixed = true;
                            a
                        }
                        Err(fixed_msg) => {
                            return Err(format!(
                                "{free_msg} (read as fixed-format columns instead: {fixed_msg})"
                            ));
                        }
                    }
                } else {
                    return Err(free_msg);
                }
            }
        };
        self.apply(no, act);
        Ok(())
    }

    /// Parses and resolves a data line without changing any state.
    fn parse<'a>(&self, line: &'a str, fixed: bool) -> std::result::Result<Action<'a>, Msg> {
        match self.section {
            Section::ObjSense => {
                let (t, n) = free_tokens(line)?;
                if n != 1 || !self.sense_pending {
                    return Err("OBJSENSE takes exactly one word, MAX or MIN".to_owned());
                }
                parse_sense(t[0])
                    .map(Action::Sense)
                    .ok_or_else(|| format!("OBJSENSE '{}' is neither MAX nor MIN", t[0]))
            }
            Section::Rows => self.parse_row(line, fixed),
            Section::Columns => self.parse_column(line, fixed),
            Section::Rhs | Section::Ranges => self.parse_rhs(line, fixed),
            Section::Bounds => self.parse_bound(line, fixed),
            Section::Start | Section::Name | Section::ObjName => {
                Err("unexpected data line".to_owned())
            }
        }
    }

    fn parse_row<'a>(&self, line: &'a str, fixed: bool) -> std::result::Result<Action<'a>, Msg> {
        let (ty, name) = if fixed {
            if !line.is_ascii() || line.contains('\t') {
                return Err("a fixed-format line must be ASCII without tabs".to_owned());
            }
            let ty = line.get(1..3).unwrap_or(line.get(1..).unwrap_or("")).trim();
            let name = line.get(4..).unwrap_or("").trim();
            if line.as_bytes().get(3).is_some_and(|&b| b != b' ') {
                return Err("fixed-format ROWS line must have the type in columns 2-3 and the name from column 5".to_owned());
            }
            (ty, name)
        } else {
            let (t, n) = free_tokens(line)?;
            if n != 2 {
                return Err(format!(
                    "ROWS line has {n} fields; expected 2 (type and name)"
                ));
            }
            (t[0], t[1])
        };
        if name.is_empty() {
            return Err("ROWS line has no row name".to_owned());
        }
        let kind = match ty.to_ascii_uppercase().as_str() {
            "N" => None,
            "E" => Some(RowType::E),
            "L" => Some(RowType::L),
            "G" => Some(RowType::G),
            _ => return Err(format!("unknown row type '{ty}' (expected N, E, L or G)")),
        };
        if let Some(i) = self.row_index.get(&self.row_names, name) {
            return Err(format!(
                "duplicate row '{name}' (first defined on line {})",
                self.row_line[i as usize]
            ));
        }
        Ok(Action::Row(kind, name))
    }

    fn row_ref(&self, name: &str, what: &str) -> std::result::Result<RowRef, Msg> {
        if name.is_empty() {
            return Err(format!("{what} entry has no row name"));
        }
        self.row_index
            .get(&self.row_names, name)
            .map(|i| self.row_ref[i as usize])
            .ok_or_else(|| format!("{what} entry references unknown row '{name}'"))
    }

    fn parse_column<'a>(&self, line: &'a str, fixed: bool) -> std::result::Result<Action<'a>, Msg> {
        // (column, row1, value1, row2, value2)
        let f: [&str; 5] = if fixed {
            let f = fixed_fields(line)?;
            if f[2] == "'MARKER'" {
                return marker(f[4]);
            }
            if !f[0].is_empty() {
                return Err(format!(
                    "COLUMNS line has '{}' in columns 2-3, which must be blank",
                    f[0]
                ));
            }
            [f[1], f[2], f[3], f[4], f[5]]
        } else {
            let (t, n) = free_tokens(line)?;
            if n >= 2 && t[1] == "'MARKER'" {
                if n != 3 {
                    return Err(
                        "MARKER line must be: name 'MARKER' 'INTORG' (or 'INTEND')".to_owned()
                    );
                }
                return marker(t[2]);
            }
            if n != 3 && n != 5 {
                return Err(format!(
                    "COLUMNS line has {n} fields; expected 3 or 5 (column, row, value[, row, value])"
                ));
            }
            [t[0], t[1], t[2], t[3], t[4]]
        };
        let name = f[0];
        if name.is_empty() {
            return Err("COLUMNS line has no column name".to_owned());
        }
        let target = match self.cur {
            Some(c) if self.col_names[c as usize] == name => ColTarget::Current,
            _ => {
                if self.col_index.get(&self.col_names, name).is_some() {
                    return Err(format!(
                        "column '{name}' appears again after other columns; the entries of a \
                         column must be contiguous"
                    ));
                }
                ColTarget::New(name)
            }
        };
        let pairs = pairs(&f[1..])?;
        let mut entries = [(RowRef::Ignored, 0.0); 2];
        for (k, &(row, val)) in pairs.iter().enumerate() {
            let r = self.row_ref(row, "COLUMNS")?;
            let v = coefficient(val)?;
            if matches!(r, RowRef::Con(_)) && v.abs() >= LARGE_MATRIX_VALUE {
                return Err(format!(
                    "the entry of column '{name}' in row '{row}' is {val}; entries of magnitude \
                     {LARGE_MATRIX_VALUE:e} or more cannot be solved reliably in double \
                     precision (the limit HiGHS uses too): rescale the row or the column"
                ));
            }
            let dup_in_col = match (r, target) {
                (RowRef::Objective, ColTarget::Current) => self.cur_cost_set,
                (RowRef::Con(i), ColTarget::Current) => {
                    Some(self.stamp[i as usize]) == self.cur.map(|c| c + 1)
                }
                _ => false,
            };
            if dup_in_col || (k == 1 && r != RowRef::Ignored && r == entries[0].0) {
                return Err(format!("column '{name}' has a second entry in row '{row}'"));
            }
            entries[k] = (r, v);
        }
        Ok(Action::Column(target, entries, pairs.len()))
    }

    fn parse_rhs<'a>(&self, line: &'a str, fixed: bool) -> std::result::Result<Action<'a>, Msg> {
        let ranges = self.section == Section::Ranges;
        let what = if ranges { "RANGES" } else { "RHS" };
        let (set, f): (Option<&str>, [&str; 4]) = if fixed {
            let f = fixed_fields(line)?;
            if !f[0].is_empty() {
                return Err(format!(
                    "{what} line has '{}' in columns 2-3, which must be blank",
                    f[0]
                ));
            }
            let set = (!f[1].is_empty()).then_some(f[1]);
            (set, [f[2], f[3], f[4], f[5]])
        } else {
            let (t, n) = free_tokens(line)?;
            match n {
                2 | 4 => (None, [t[0], t[1], t[2], t[3]]),
                3 | 5 => (Some(t[0]), [t[1], t[2], t[3], t[4]]),
                _ => {
                    return Err(format!(
                        "{what} line has {n} fields; expected [set] row value [row value]"
                    ));
                }
            }
        };
        let pairs = pairs(&f)?;
        let mut entries = [(RowRef::Ignored, 0.0); 2];
        for (k, &(row, val)) in pairs.iter().enumerate() {
            let r = self.row_ref(row, what)?;
            let v = bound_value(val)?;
            let dup = match r {
                RowRef::Con(i) if ranges => self.range[i as usize].is_some(),
                RowRef::Con(i) => self.rhs_line[i as usize] != 0,
                RowRef::Objective if !ranges => self.obj_rhs_line != 0,
                _ => false,
            } || (k == 1 && r != RowRef::Ignored && r == entries[0].0);
            if dup && self.set_applies(set) {
                return Err(format!("row '{row}' has a second {what} entry"));
            }
            if let (RowRef::Con(i), false) = (r, ranges) {
                let bad = match self.con_type[i as usize] {
                    RowType::E => v.is_infinite(),
                    RowType::L => v == f64::NEG_INFINITY,
                    RowType::G => v == f64::INFINITY,
                };
                if bad {
                    return Err(format!("RHS {v} of row '{row}' leaves the row infeasible"));
                }
            }
            if r == RowRef::Objective && !ranges && v.is_infinite() {
                return Err(format!("RHS of the objective row '{row}' must be finite"));
            }
            entries[k] = (r, v);
        }
        Ok(if ranges {
            Action::Range(set, entries, pairs.len())
        } else {
            Action::Rhs(set, entries, pairs.len())
        })
    }

    fn set_applies(&self, set: Option<&str>) -> bool {
        let chosen = match self.section {
            Section::Rhs => &self.rhs_set,
            Section::Ranges => &self.range_set,
            _ => &self.bound_set,
        };
        match (set, chosen) {
            (Some(s), Some(c)) => s == c,
            _ => true,
        }
    }

    fn parse_bound<'a>(&self, line: &'a str, fixed: bool) -> std::result::Result<Action<'a>, Msg> {
        let (ty, set, col, val) = if fixed {
            let f = fixed_fields(line)?;
            if !f[4].is_empty() || !f[5].is_empty() {
                return Err("BOUNDS line has text after column 36".to_owned());
            }
            (
                f[0],
                (!f[1].is_empty()).then_some(f[1]),
                f[2],
                (!f[3].is_empty()).then_some(f[3]),
            )
        } else {
            let (t, n) = free_tokens(line)?;
            if n == 0 {
                return Err("empty BOUNDS line".to_owned());
            }
            let kind = BoundKind::parse(t[0])?;
            match (n, kind.needs_value()) {
                (4, _) => (t[0], Some(t[1]), t[2], Some(t[3])),
                // `UP col value`, or `UP set col` with the value missing.
                (3, true) => {
                    let known = self.col_index.get(&self.col_names, t[2]).is_some();
                    if known && number(t[2], "value").is_err() {
                        (t[0], Some(t[1]), t[2], None)
                    } else {
                        (t[0], None, t[1], Some(t[2]))
                    }
                }
                (3, false) => {
                    // `FR set col` or `BV col value`.
                    let known = |s: &str| self.col_index.get(&self.col_names, s).is_some();
                    if known(t[1]) && !known(t[2]) && number(t[2], "value").is_ok() {
                        (t[0], None, t[1], Some(t[2]))
                    } else {
                        (t[0], Some(t[1]), t[2], None)
                    }
                }
                (2, false) => (t[0], None, t[1], None),
                _ => {
                    return Err(format!(
                        "BOUNDS line has {n} fields; expected type [set] column{}",
                        if kind.needs_value() { " value" } else { "" }
                    ));
                }
            }
        };
        let kind = BoundKind::parse(ty)?;
        if col.is_empty() {
            return Err("BOUNDS line has no column name".to_owned());
        }
        let j = self
            .col_index
            .get(&self.col_names, col)
            .ok_or_else(|| format!("BOUNDS entry references unknown column '{col}'"))?;
        let v = match (kind.needs_value(), val) {
            (true, None) => {
                return Err(format!("{ty} bound on column '{col}' has no value"));
            }
            (true, Some(s)) => bound_value(s)?,
            (false, Some(s)) => {
                number(s, "value")?;
                0.0
            }
            (false, None) => 0.0,
        };
        match kind {
            BoundKind::Lo | BoundKind::Li if v == f64::INFINITY => {
                return Err(format!("lower bound +inf on column '{col}'"));
            }
            BoundKind::Up | BoundKind::Ui if v == f64::NEG_INFINITY => {
                return Err(format!("upper bound -inf on column '{col}'"));
            }
            BoundKind::Fx if v.is_infinite() => {
                return Err(format!("FX bound on column '{col}' must be finite"));
            }
            _ => {}
        }
        Ok(Action::Bound(kind, set, j, v))
    }

    fn apply(&mut self, no: usize, act: Action<'_>) {
        match act {
            Action::Sense(s) => {
                self.sense = s;
                self.sense_pending = false;
            }
            Action::Row(kind, name) => {
                let idx = self.row_names.len();
                let r = match kind {
                    None => {
                        let is_obj = self.obj_row.is_none()
                            && self.objname.as_deref().is_none_or(|n| n == name);
                        if is_obj {
                            self.obj_row = Some(idx);
                            RowRef::Objective
                        } else {
                            RowRef::Ignored
                        }
                    }
                    Some(t) => {
                        let k = u32::try_from(self.con_type.len()).unwrap_or(u32::MAX);
                        self.con_row.push(u32::try_from(idx).unwrap_or(u32::MAX));
                        self.con_type.push(t);
                        self.rhs.push(0.0);
                        self.rhs_line.push(0);
                        self.range.push(None);
                        RowRef::Con(k)
                    }
                };
                self.row_names.push(name.to_owned());
                self.row_line.push(no);
                self.row_ref.push(r);
                let i = u32::try_from(idx).unwrap_or(u32::MAX);
                self.row_index.insert(&self.row_names, name, i);
            }
            Action::Marker(int) => self.in_int = int,
            Action::Column(target, entries, n) => {
                let c = match target {
                    ColTarget::Current => self.cur.unwrap_or(0),
                    ColTarget::New(name) => self.new_column(name),
                };
                for &(r, v) in &entries[..n] {
                    match r {
                        RowRef::Objective => {
                            self.cost[c as usize] = v;
                            self.cur_cost_set = true;
                            if v.abs() >= INFINITE_COST {
                                self.inf_cost_line.insert(c, no);
                            }
                        }
                        RowRef::Ignored => {}
                        RowRef::Con(i) => {
                            self.stamp[i as usize] = c + 1;
                            if v != 0.0 {
                                self.cur_entries.push((i, v));
                            }
                        }
                    }
                }
            }
            Action::Rhs(set, entries, n) => {
                if !self.adopt_set(set) {
                    return;
                }
                for &(r, v) in &entries[..n] {
                    match r {
                        RowRef::Objective => {
                            self.obj_constant = -v + 0.0;
                            self.obj_rhs_line = no;
                        }
                        RowRef::Ignored => {}
                        RowRef::Con(i) => {
                            self.rhs[i as usize] = v;
                            self.rhs_line[i as usize] = no;
                        }
                    }
                }
            }
            Action::Range(set, entries, n) => {
                if !self.adopt_set(set) {
                    return;
                }
                for &(r, v) in &entries[..n] {
                    if let RowRef::Con(i) = r {
                        self.range[i as usize] = Some((v, no));
                    }
                }
            }
            Action::Bound(kind, set, j, v) => {
                if !self.adopt_set(set) {
                    return;
                }
                self.apply_bound(no, kind, j as usize, v);
            }
        }
    }

    /// Adopts the first named set of the current section; `false` if `set`
    /// names another set (the line is skipped).
    fn adopt_set(&mut self, set: Option<&str>) -> bool {
        let chosen = match self.section {
            Section::Rhs => &mut self.rhs_set,
            Section::Ranges => &mut self.range_set,
            _ => &mut self.bound_set,
        };
        match (set, chosen.as_deref()) {
            (None, _) => true,
            (Some(s), Some(c)) => s == c,
            (Some(s), None) => {
                *chosen = Some(s.to_owned());
                true
            }
        }
    }

    fn new_column(&mut self, name: &str) -> u32 {
        self.finish_column();
        // Column counts above u32::MAX are refused in `finish`; saturate here.
        let c = u32::try_from(self.col_names.len()).unwrap_or(u32::MAX);
        self.col_names.push(name.to_owned());
        self.col_index.insert(&self.col_names, name, c);
        self.cost.push(0.0);
        self.col_lower.push(0.0);
        self.col_upper.push(f64::INFINITY);
        self.var_type.push(if self.in_int {
            VarType::Integer
        } else {
            VarType::Continuous
        });
        self.cur = Some(c);
        self.cur_cost_set = false;
        c
    }

    fn finish_column(&mut self) {
        if self.cur.take().is_some() {
            self.cur_entries.sort_unstable_by_key(|&(i, _)| i);
            for &(i, v) in &self.cur_entries {
                self.index.push(i);
                self.value.push(v);
            }
            self.cur_entries.clear();
            self.start.push(self.index.len());
        }
    }

    fn apply_bound(&mut self, no: usize, kind: BoundKind, j: usize, v: f64) {
        let (lo, up) = (&mut self.col_lower[j], &mut self.col_upper[j]);
        let mut set_lower = true;
        match kind {
            BoundKind::Up | BoundKind::Ui => {
                *up = v;
                if v < 0.0 && !self.lower_set[j] && *lo == 0.0 {
                    *lo = f64::NEG_INFINITY;
                    self.neg_up.push(u32::try_from(j).unwrap_or(u32::MAX));
                }
                set_lower = false;
            }
            BoundKind::Lo | BoundKind::Li => *lo = v,
            BoundKind::Fx => {
                *lo = v;
                *up = v;
            }
            BoundKind::Fr => {
                *lo = f64::NEG_INFINITY;
                *up = f64::INFINITY;
            }
            BoundKind::Mi => *lo = f64::NEG_INFINITY,
            BoundKind::Pl => {
                *up = f64::INFINITY;
                set_lower = false;
            }
            BoundKind::Bv => {
                *lo = 0.0;
                *up = 1.0;
            }
        }
        if matches!(kind, BoundKind::Bv | BoundKind::Li | BoundKind::Ui) {
            self.var_type[j] = VarType::Integer;
        }
        if set_lower {
            self.lower_set[j] = true;
        }
        self.bound_line
            .insert(u32::try_from(j).unwrap_or(u32::MAX), no);
    }

    fn finish(mut self, no: usize) -> Result<Model> {
        let err = |line: usize, m: String| Error::parse("MPS", Some(line), m);
        if self.seen & Section::Rows.bit() == 0 {
            return Err(err(no, "the file has no ROWS section".to_owned()));
        }
        self.finish_column();
        let ncols = self.col_names.len();
        if ncols >= u32::MAX as usize || self.con_type.len() >= u32::MAX as usize {
            return Err(err(no, "more than 2^32 - 1 rows or columns".to_owned()));
        }
        let m = self.con_type.len();
        let mut row_lower = Vec::with_capacity(m);
        let mut row_upper = Vec::with_capacity(m);
        for k in 0..m {
            let b = self.rhs[k];
            let (l, u) = match (self.con_type[k], self.range[k]) {
                (RowType::E, None) => (b, b),
                (RowType::E, Some((r, _))) if r > 0.0 => (b, b + r),
                (RowType::E, Some((r, _))) if r < 0.0 => (b + r, b),
                (RowType::E, Some(_)) => (b, b),
                (RowType::L, None) => (f64::NEG_INFINITY, b),
                (RowType::L, Some((r, _))) => (b - r.abs(), b),
                (RowType::G, None) => (b, f64::INFINITY),
                (RowType::G, Some((r, _))) => (b, b + r.abs()),
            };
            if l.is_nan() || u.is_nan() || l == f64::INFINITY || u == f64::NEG_INFINITY {
                let line = self.range[k].map_or(self.rhs_line[k], |(_, l)| l);
                let name = &self.row_names[self.con_row[k] as usize];
                return Err(err(
                    line,
                    format!("RHS and RANGES of row '{name}' give no valid bounds ({l}, {u})"),
                ));
            }
            row_lower.push(l);
            row_upper.push(u);
        }
        for j in 0..ncols {
            let (l, u) = (self.col_lower[j], self.col_upper[j]);
            if l > u {
                let line = self
                    .bound_line
                    .get(&u32::try_from(j).unwrap_or(u32::MAX))
                    .copied()
                    .unwrap_or(no);
                return Err(err(
                    line,
                    format!(
                        "column '{}' has lower bound {l} above upper bound {u}",
                        self.col_names[j]
                    ),
                ));
            }
        }
        let obj_name = match self.obj_row {
            Some(i) => std::mem::take(&mut self.row_names[i]),
            None => "obj".to_owned(),
        };
        let mut row_names = Vec::with_capacity(m);
        for (name, r) in self.row_names.into_iter().zip(&self.row_ref) {
            if matches!(r, RowRef::Con(_)) {
                row_names.push(name);
            }
        }
        let mut neg_up = Tally::default();
        for &j in &self.neg_up {
            let j = j as usize;
            if self.col_lower[j] == f64::NEG_INFINITY {
                neg_up.see(self.col_upper[j], || {
                    format!("{} <= {}", self.col_names[j], self.col_upper[j])
                });
            }
        }
        let mut model = Model {
            name: self.name,
            sense: self.sense,
            obj_name,
            obj_constant: self.obj_constant,
            col_names: self.col_names.into(),
            cost: std::sync::Arc::new(self.cost),
            col_lower: self.col_lower,
            col_upper: self.col_upper,
            var_type: self.var_type,
            row_names: row_names.into(),
            row_lower,
            row_upper,
            matrix: CscMatrix::from_parts(m, self.start, self.index, self.value),
            warnings: Warnings::default(),
        };
        model
            .warnings
            .0
            .extend(neg_up.warning(WarningKind::NegativeUpperBound, |at, _, _| {
                format!(
                    "{n} column{s} had a negative UP/UI bound and no lower bound, so {their} \
                     lower bound became -infinity (the MPSX/CPLEX convention, also HiGHS's \
                     fixed-format reader; HiGHS's free-format reader keeps 0, which makes the \
                     bounds inconsistent) {at}",
                    n = neg_up.count,
                    s = if neg_up.count == 1 { "" } else { "s" },
                    their = if neg_up.count == 1 { "its" } else { "their" },
                )
            }));
        let cost_line = self.inf_cost_line;
        screen(&mut model).map_err(|r| {
            let line = r
                .col
                .and_then(|j| cost_line.get(&u32::try_from(j).unwrap_or(u32::MAX)))
                .copied()
                .unwrap_or(no);
            err(line, r.message)
        })?;
        Ok(model)
    }
}

fn marker<'a>(kw: &str) -> std::result::Result<Action<'a>, Msg> {
    match kw {
        "'INTORG'" => Ok(Action::Marker(true)),
        "'INTEND'" => Ok(Action::Marker(false)),
        _ => Err(format!(
            "unknown MARKER '{kw}' (expected 'INTORG' or 'INTEND')"
        )),
    }
}

/// The (row, value) pairs of fields `[row1, value1, row2, value2]`.
fn pairs<'a>(f: &[&'a str]) -> std::result::Result<Vec2<'a>, Msg> {
    if f[0].is_empty() {
        return Err("missing row name".to_owned());
    }
    if f[1].is_empty() {
        return Err(format!("missing value for row '{}'", f[0]));
    }
    match (f[2].is_empty(), f[3].is_empty()) {
        (true, true) => Ok(Vec2 {
            items: [(f[0], f[1]), ("", "")],
            len: 1,
        }),
        (false, false) => Ok(Vec2 {
            items: [(f[0], f[1]), (f[2], f[3])],
            len: 2,
        }),
        (false, true) => Err(format!("missing value for row '{}'", f[2])),
        (true, false) => Err("a value without a row name".to_owned()),
    }
}

/// One or two (row, value) string pairs.
struct Vec2<'a> {
    items: [(&'a str, &'a str); 2],
    len: usize,
}

impl<'a> Vec2<'a> {
    fn iter(&self) -> std::slice::Iter<'_, (&'a str, &'a str)> {
        self.items[..self.len].iter()
    }
    fn len(&self) -> usize {
        self.len
    }
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// Writes `model` as MPS.
///
/// * [`MpsFormat::Free`]: always possible when names are non-empty, unique
///   and free of blanks.
/// * [`MpsFormat::Fixed`]: names must have at most 8 characters (inner spaces
///   allowed, no leading or trailing blank) and every number must fit the
///   12-character field in its shortest exact form; otherwise an error says
///   which does not fit (write free format instead).
/// * [`MpsFormat::Auto`]: fixed when everything fits, else free.
///
/// Numbers are written in the shortest form that reads back to the same
/// `f64`, so [`read_mps`] of the output gives a model equal to `model`
/// (`==`), with these exceptions: a finite bound of magnitude ≥
/// [`MPS_INFINITY`] reads back as infinite; the model name loses leading
/// and trailing blanks; and a ranged row `[l, u]` for which no `f64` range
/// value `R` gives back both bounds (MPS computes one bound as `rhs ± |R|`;
/// when `u − l` is not a `f64` and rounding cannot hit the bound, as for
/// about 1% of random pairs of opposite sign such as `[-0.1972272,
/// 0.1457373]`) reads back with its bound of smaller magnitude exact and the
/// other within two ulps of itself. The objective constant is written as an RHS on the
/// objective row, the sense as `OBJSENSE MAX`, ranged rows through RANGES
/// with the row type and range value chosen so that both bounds read back
/// exactly, a row without bounds as `L` with RHS `1e30`, integer columns
/// between MARKER lines with an explicit upper bound.
///
/// # Errors
/// [`ErrorKind::Model`](crate::ErrorKind::Model) if the model cannot be
/// written in the requested format (a name that does not fit, a duplicate
/// name); [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails.
pub fn write_mps(model: &Model, out: &mut impl Write, format: MpsFormat) -> Result<()> {
    // The layout is the fixed one in both cases; free format only lets
    // names and numbers run past their columns.
    choose_format(model, format)?;
    let mut w = MpsWriter {
        out: BufWriter::new(out),
        line: String::with_capacity(128),
        num: [String::new(), String::new()],
    };
    w.write_model(model)?;
    w.out.flush()?;
    Ok(())
}

/// Shortest decimal text that parses back to `v` (`-0` is written `0`).
pub(crate) fn format_number(v: f64, buf: &mut String) {
    buf.clear();
    let v = v + 0.0;
    // Writing to a String cannot fail.
    let _ = write!(buf, "{v}");
    let plain = buf.len();
    let _ = write!(buf, "{v:e}");
    if buf.len() - plain < plain {
        buf.drain(..plain);
    } else {
        buf.truncate(plain);
    }
}

fn name_problem(name: &str, fixed: bool) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.contains(['\n', '\r', '\t']) {
        return Some("contains a line break or tab");
    }
    if fixed {
        if !name.is_ascii() {
            return Some("is not ASCII (fixed format counts columns)");
        }
        if name.len() > 8 {
            return Some("is longer than 8 characters (the fixed-format limit)");
        }
        if name.starts_with(' ') || name.ends_with(' ') {
            return Some("starts or ends with a blank");
        }
    } else if name.contains(char::is_whitespace) {
        return Some("contains a blank (only fixed format allows that)");
    }
    if name == "'MARKER'" {
        return Some("is the MARKER keyword");
    }
    None
}

/// Every number the writer will write, for the fixed-format fit check.
fn numbers_fit_fixed(model: &Model) -> Option<f64> {
    let mut buf = String::new();
    let mut fits = |v: f64| {
        format_number(v, &mut buf);
        buf.len() <= 12
    };
    for &v in model.costs().iter().chain(model.matrix().values()) {
        if !fits(v) {
            return Some(v);
        }
    }
    if !fits(-model.objective_constant()) {
        return Some(-model.objective_constant());
    }
    for i in 0..model.num_rows() {
        let (_, rhs, range) = row_repr(model.row_lower()[i], model.row_upper()[i]);
        if !fits(rhs) {
            return Some(rhs);
        }
        if let Some(r) = range
            && !fits(r)
        {
            return Some(r);
        }
    }
    for j in 0..model.num_cols() {
        for v in [model.col_lower()[j], model.col_upper()[j]] {
            if v.is_finite() && !fits(v) {
                return Some(v);
            }
        }
    }
    None
}

fn check_names(model: &Model, fixed: bool) -> Result<()> {
    let fmt = if fixed { "fixed" } else { "free" };
    if model.name().contains(['\n', '\r']) {
        return Err(Error::model("the model name contains a line break"));
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(model.num_rows() + 1);
    for (what, name) in std::iter::once(("objective row", model.objective_name()))
        .chain(model.row_names().iter().map(|n| ("row", n)))
    {
        if let Some(p) = name_problem(name, fixed) {
            return Err(Error::model(format!(
                "cannot write {fmt} MPS: {what} name '{name}' {p}"
            )));
        }
        if !seen.insert(name) {
            return Err(Error::model(format!(
                "cannot write MPS: two rows are named '{name}'"
            )));
        }
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(model.num_cols());
    for name in model.col_names() {
        if let Some(p) = name_problem(name, fixed) {
            return Err(Error::model(format!(
                "cannot write {fmt} MPS: column name '{name}' {p}"
            )));
        }
        if !seen.insert(name) {
            return Err(Error::model(format!(
                "cannot write MPS: two columns are named '{name}'"
            )));
        }
    }
    Ok(())
}

fn choose_format(model: &Model, format: MpsFormat) -> Result<bool> {
    match format {
        MpsFormat::Free => check_names(model, false).map(|()| false),
        MpsFormat::Fixed => {
            check_names(model, true)?;
            if let Some(v) = numbers_fit_fixed(model) {
                let mut buf = String::new();
                format_number(v, &mut buf);
                return Err(Error::model(format!(
                    "cannot write fixed MPS: the value {buf} needs {} characters to be exact and \
                     the field has 12; write free MPS instead",
                    buf.len()
                )));
            }
            Ok(true)
        }
        MpsFormat::Auto => {
            if check_names(model, true).is_ok() && numbers_fit_fixed(model).is_none() {
                Ok(true)
            } else {
                check_names(model, false).map(|()| false)
            }
        }
    }
}

/// How a row `[l, u]` is written: type, RHS, and RANGES value if any. For
/// ranged rows the type and the range are chosen so that the reader's
/// `rhs ± |R|` gives back both bounds exactly.
#[expect(
    clippy::float_cmp,
    reason = "the point is that the bounds read back bit for bit"
)]
fn row_repr(l: f64, u: f64) -> (&'static str, f64, Option<f64>) {
    match (l.is_finite(), u.is_finite()) {
        (false, false) => ("L", 1e30, None),
        (false, true) => ("L", u, None),
        (true, false) => ("G", l, None),
        (true, true) if l == u => ("E", l, None),
        (true, true) => {
            let r0 = u - l;
            if let Some(r) = search_range(r0, |r| l + r == u) {
                ("G", l, Some(r))
            } else if let Some(r) = search_range(r0, |r| u - r == l) {
                ("L", u, Some(r))
            } else if l.abs() >= u.abs() {
                // No f64 range gives both bounds back (see `write_mps`):
                // keep the bound of smaller magnitude exact; the other one
                // is then off by about an ulp of itself.
                ("L", u, Some(r0))
            } else {
                ("G", l, Some(r0))
            }
        }
    }
}

/// A positive value within a few ulps of `r0` satisfying `ok`.
fn search_range(r0: f64, ok: impl Fn(f64) -> bool) -> Option<f64> {
    if !(r0.is_finite() && r0 > 0.0) {
        return None;
    }
    let bits = r0.to_bits();
    (0..=16u64).find_map(|k| {
        [bits.wrapping_add(k), bits.wrapping_sub(k)]
            .into_iter()
            .map(f64::from_bits)
            .find(|&r| r.is_finite() && r > 0.0 && ok(r))
    })
}

struct MpsWriter<W: Write> {
    out: BufWriter<W>,
    line: String,
    num: [String; 2],
}

impl<W: Write> MpsWriter<W> {
    fn emit(&mut self) -> Result<()> {
        let t = self.line.trim_end();
        self.out.write_all(t.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.line.clear();
        Ok(())
    }

    /// A data line `type set/col name value [name value]` laid out in the
    /// fixed columns (which is also valid free format).
    fn data(&mut self, ty: &str, n1: &str, pairs: &[(&str, f64)]) -> Result<()> {
        let _ = write!(self.line, " {ty:<2} {n1:<8}");
        for (k, &(name, v)) in pairs.iter().enumerate() {
            format_number(v, &mut self.num[k]);
            let sep = if k == 0 { "  " } else { "   " };
            let _ = write!(self.line, "{sep}{name:<8}  {:>12}", self.num[k]);
        }
        self.emit()
    }

    fn write_model(&mut self, m: &Model) -> Result<()> {
        if m.name().trim().is_empty() {
            self.line.push_str("NAME");
        } else {
            let _ = write!(self.line, "NAME          {}", m.name().trim());
        }
        self.emit()?;
        if m.sense() == Sense::Maximize {
            self.line.push_str("OBJSENSE\n    MAX");
            self.emit()?;
        }
        self.line.push_str("ROWS");
        self.emit()?;
        let _ = write!(self.line, " N  {}", m.objective_name());
        self.emit()?;
        let reprs: Vec<(&str, f64, Option<f64>)> = (0..m.num_rows())
            .map(|i| row_repr(m.row_lower()[i], m.row_upper()[i]))
            .collect();
        for (name, r) in m.row_names().iter().zip(&reprs) {
            let _ = write!(self.line, " {}  {name}", r.0);
            self.emit()?;
        }
        self.write_columns(m)?;
        self.write_rhs(m, &reprs)?;
        self.write_ranges(m, &reprs)?;
        self.write_bounds(m)?;
        self.line.push_str("ENDATA");
        self.emit()
    }

    fn write_columns(&mut self, m: &Model) -> Result<()> {
        self.line.push_str("COLUMNS");
        self.emit()?;
        let a = m.matrix();
        let mut in_int = false;
        let mut pending: Vec<(&str, f64)> = Vec::with_capacity(2);
        for j in 0..m.num_cols() {
            let int = m.var_types()[j] == VarType::Integer;
            if int != in_int {
                let kw = if int { "'INTORG'" } else { "'INTEND'" };
                let _ = write!(
                    self.line,
                    "    {:<8}  {:<8}  {:12}   {kw}",
                    "MARKER", "'MARKER'", ""
                );
                self.emit()?;
                in_int = int;
            }
            let name = &m.col_names()[j];
            let (idx, val) = a.col(j);
            let c = m.costs()[j];
            if c != 0.0 || idx.is_empty() {
                pending.push((m.objective_name(), c));
            }
            for (&i, &v) in idx.iter().zip(val) {
                pending.push((&m.row_names()[i as usize], v));
                if pending.len() == 2 {
                    self.data("", name, &pending)?;
                    pending.clear();
                }
            }
            if !pending.is_empty() {
                self.data("", name, &pending)?;
                pending.clear();
            }
        }
        if in_int {
            let _ = write!(
                self.line,
                "    {:<8}  {:<8}  {:12}   'INTEND'",
                "MARKER", "'MARKER'", ""
            );
            self.emit()?;
        }
        Ok(())
    }

    /// Writes `(row, value)` items two per line under set name `set`.
    fn pair_lines<'a>(
        &mut self,
        set: &str,
        items: impl Iterator<Item = (&'a str, f64)>,
    ) -> Result<()> {
        let mut pending: Vec<(&str, f64)> = Vec::with_capacity(2);
        for item in items {
            pending.push(item);
            if pending.len() == 2 {
                self.data("", set, &pending)?;
                pending.clear();
            }
        }
        if !pending.is_empty() {
            self.data("", set, &pending)?;
        }
        Ok(())
    }

    fn write_rhs(&mut self, m: &Model, reprs: &[(&str, f64, Option<f64>)]) -> Result<()> {
        self.line.push_str("RHS");
        self.emit()?;
        let items = std::iter::once((m.objective_name(), -m.objective_constant()))
            .chain(m.row_names().iter().zip(reprs).map(|(n, r)| (n, r.1)))
            .filter(|&(_, v)| v != 0.0);
        self.pair_lines("RHS", items)
    }

    fn write_ranges(&mut self, m: &Model, reprs: &[(&str, f64, Option<f64>)]) -> Result<()> {
        if reprs.iter().all(|r| r.2.is_none()) {
            return Ok(());
        }
        self.line.push_str("RANGES");
        self.emit()?;
        let items = m
            .row_names()
            .iter()
            .zip(reprs)
            .filter_map(|(n, r)| r.2.map(|v| (n, v)));
        self.pair_lines("RNG", items)
    }

    fn bound(&mut self, ty: &str, col: &str, v: Option<f64>) -> Result<()> {
        match v {
            Some(v) => {
                format_number(v, &mut self.num[0]);
                let _ = write!(
                    self.line,
                    " {ty:<2} BND       {col:<8}  {:>12}",
                    self.num[0]
                );
            }
            None => {
                let _ = write!(self.line, " {ty:<2} BND       {col}");
            }
        }
        self.emit()
    }

    #[expect(
        clippy::float_cmp,
        reason = "a fixed column has lower == upper exactly"
    )]
    fn write_bounds(&mut self, m: &Model) -> Result<()> {
        let mut header = false;
        for j in 0..m.num_cols() {
            let (l, u) = (m.col_lower()[j] + 0.0, m.col_upper()[j] + 0.0);
            let int = m.var_types()[j] == VarType::Integer;
            if l == 0.0 && u == f64::INFINITY && !int {
                continue;
            }
            if !header {
                self.line.push_str("BOUNDS");
                self.emit()?;
                header = true;
            }
            let name = &m.col_names()[j];
            if l == u {
                self.bound("FX", name, Some(l))?;
                continue;
            }
            if l == f64::NEG_INFINITY {
                if u == f64::INFINITY {
                    self.bound("FR", name, None)?;
                } else {
                    self.bound("MI", name, None)?;
                    self.bound("UP", name, Some(u))?;
                }
            } else {
                {
                    if l != 0.0 {
                        self.bound("LO", name, Some(l))?;
                    }
                    if u == f64::INFINITY {
                        // Integer columns only (continuous [l, +inf) needs
                        // nothing more): say so, since readers differ.
                        if int {
                            self.bound("PL", name, None)?;
                        }
                    } else {
                        self.bound("UP", name, Some(u))?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelBuilder;

    fn read(text: &str) -> Result<Model> {
        read_mps(text, MpsFormat::Auto)
    }

    const SMALL: &str = "\
NAME          SMALL
ROWS
 N  COST
 L  LIM1
 G  LIM2
 E  MYEQN
COLUMNS
    X1        COST                 1   LIM1                 1
    X1        LIM2                 1
    X2        COST                 2   LIM1                 1
    X2        MYEQN               -1
    X3        COST                -1   MYEQN                1
RHS
    RHS       COST              -2.5
    RHS       LIM1                 4   LIM2                 1
    RHS       MYEQN                7
BOUNDS
 UP BND       X1                   4
 LO BND       X2                  -1
 UP BND       X2                   1
ENDATA
";

    #[test]
    fn reads_a_small_model_in_every_format() -> Result<()> {
        for f in [MpsFormat::Fixed, MpsFormat::Free, MpsFormat::Auto] {
            let m = read_mps(SMALL, f)?;
            assert_eq!(m.name(), "SMALL");
            assert_eq!(m.num_rows(), 3);
            assert_eq!(m.num_cols(), 3);
            assert_eq!(m.matrix().nnz(), 5);
            assert_eq!(m.objective_name(), "COST");
            assert_eq!(m.costs(), &[1.0, 2.0, -1.0]);
            assert!((m.objective_constant() - 2.5).abs() < 1e-15);
            assert_eq!(m.row_lower(), &[f64::NEG_INFINITY, 1.0, 7.0]);
            assert_eq!(m.row_upper(), &[4.0, f64::INFINITY, 7.0]);
            assert_eq!(m.col_lower(), &[0.0, -1.0, 0.0]);
            assert_eq!(m.col_upper(), &[4.0, 1.0, f64::INFINITY]);
            assert_eq!(m.matrix().col(1), (&[0u32, 2][..], &[1.0, -1.0][..]));
        }
        Ok(())
    }

    #[test]
    fn number_formatting_is_shortest_and_exact() {
        let mut b = String::new();
        for (v, s) in [
            (1.0, "1"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (1e-20, "1e-20"),
            (1e20, "1e20"),
            (123456.0, "123456"),
            (0.0001, "1e-4"),
            (-2.5, "-2.5"),
        ] {
            format_number(v, &mut b);
            assert_eq!(b, s);
        }
        for v in [0.1 + 0.2, 1.0 / 3.0, -7.113, 5e-324, f64::MAX] {
            format_number(v, &mut b);
            assert_eq!(b.parse::<f64>().ok(), Some(v));
        }
    }

    #[test]
    fn ranged_rows_are_written_exactly() {
        for (l, u) in [
            (0.1, 0.3),
            (-1e10, 1e-10),
            (1e-10, 1e10),
            (-3.0, -1.0),
            (-0.7, 0.2),
        ] {
            let (t, rhs, r) = row_repr(l, u);
            let r = r.unwrap_or(f64::NAN);
            let (l2, u2) = if t == "G" {
                (rhs, rhs + r.abs())
            } else {
                (rhs - r.abs(), rhs)
            };
            assert_eq!((l2, u2), (l, u), "{t} {rhs} {r}");
        }
        // Not representable: u - l = 0.3430...  needs one more bit than a
        // f64 in its binade has. The bound of smaller magnitude stays exact,
        // the other is within 2 ulps of itself.
        for (l, u) in [(-0.1972272, 0.1457373), (-2.0, 3.794494606438867e-13)] {
            let (t, rhs, r) = row_repr(l, u);
            let r = r.unwrap_or(f64::NAN);
            assert_eq!((t, rhs), ("L", u));
            assert!((rhs - r - l).abs() <= 2.0 * f64::EPSILON * l.abs());
        }
        let (t, rhs, r) = row_repr(-3.794494606438867e-13, 2.0);
        let r = r.unwrap_or(f64::NAN);
        assert_eq!((t, rhs), ("G", -3.794494606438867e-13));
        assert!((rhs + r - 2.0).abs() <= 2.0 * f64::EPSILON * 2.0);
    }

    #[test]
    fn write_then_read_gives_the_same_model() -> Result<()> {
        let mut b = ModelBuilder::new("rt");
        b.set_sense(Sense::Maximize).set_objective_constant(1.25);
        let x = b.add_col("x", 1.5, Some(-2.0), Some(3.0), VarType::Continuous);
        let y = b.add_col("y", 0.0, None, None, VarType::Continuous);
        let z = b.add_col("z", -1.0, Some(0.0), None, VarType::Integer);
        b.add_col("e", 0.0, Some(0.0), Some(0.0), VarType::Continuous);
        b.add_row_with("r1", Some(0.1), Some(0.3), &[(x, 1.0), (y, -1.0)]);
        b.add_row_with("r2", None, None, &[(z, 2.0)]);
        b.add_row_with("r3", Some(-1.0), None, &[(x, 1.0 / 3.0), (z, 1.0)]);
        b.add_row("empty", Some(-1.0), Some(1.0));
        let m = b.build()?;
        for f in [MpsFormat::Free, MpsFormat::Auto] {
            let mut out = Vec::new();
            write_mps(&m, &mut out, f)?;
            let text = String::from_utf8(out).unwrap_or_default();
            let back = read(&text)?;
            assert_eq!(back, m, "{text}");
        }
        // 1/3 needs 18 characters: fixed is refused and says why.
        let e = write_mps(&m, &mut Vec::new(), MpsFormat::Fixed);
        assert!(e.is_err_and(|e| e.to_string().contains("12")));
        Ok(())
    }
}
