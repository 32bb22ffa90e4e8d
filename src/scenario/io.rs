//! Reading and writing scenario files.
//!
//! # Limits
//!
//! Parsing is bounded before it starts: a scenario text larger than
//! [`MAX_SCENARIO_BYTES`] (16 MiB; a 2,000-pool fleet is about 1 MB) or
//! nested deeper than [`MAX_NESTING`] (64 levels of `[`/`{`; a scenario
//! needs 4) is refused with an [`ErrorKind::Parse`](crate::ErrorKind::Parse)
//! error that says which limit, so that a hostile or mistaken input (50 MB
//! of `[`) cannot make the parser take gigabytes. A UTF-8 byte-order mark
//! at the start of a TOML or JSON text is not content and is skipped.

use super::{Scenario, ValidationReport, precheck};
use crate::error::{Error, Result};
use std::io::Read as _;
use std::path::Path;

/// The largest scenario text accepted, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 16 << 20;
/// The deepest nesting of arrays and tables (`[`, `{`) accepted.
pub const MAX_NESTING: usize = 64;

/// Strips a leading UTF-8 byte-order mark.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Refuses a text over [`MAX_SCENARIO_BYTES`] or nested deeper than
/// [`MAX_NESTING`]. Brackets inside strings (and TOML comments) do not
/// count; the scan is linear and allocates nothing.
fn check_limits(format: Format, text: &str) -> Result<()> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(Error::parse(
            format.name(),
            None,
            format!(
                "the scenario is {} bytes; scenarios are limited to {MAX_SCENARIO_BYTES} bytes \
                 (16 MiB)",
                text.len()
            ),
        ));
    }
    let b = text.as_bytes();
    let (mut depth, mut line, mut k) = (0usize, 1usize, 0usize);
    while k < b.len() {
        match b[k] {
            b'\n' => line += 1,
            b'#' if format == Format::Toml => {
                while k < b.len() && b[k] != b'\n' {
                    k += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'') => {
                // A string (basic or literal, single- or multi-line); JSON
                // has only the basic single-line one.
                let triple = b.get(k..k + 3) == Some(&[q, q, q][..]);
                let escapes = q == b'"';
                k += if triple { 3 } else { 1 };
                while k < b.len() {
                    if escapes && b[k] == b'\\' {
                        k += 2;
                        continue;
                    }
                    if b[k] == b'\n' {
                        line += 1;
                        if !triple {
                            break;
                        }
                    }
                    if b[k] == q && (!triple || b.get(k..k + 3) == Some(&[q, q, q][..])) {
                        k += if triple { 3 } else { 1 };
                        break;
                    }
                    k += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Error::parse(
                        format.name(),
                        Some(line),
                        format!(
                            "arrays and tables are nested more than {MAX_NESTING} levels deep; \
                             a scenario needs a few"
                        ),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        k += 1;
    }
    Ok(())
}

/// A scenario file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Toml,
    Json,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }

    /// By extension (`.toml`, `.json`, any case); otherwise by the first
    /// non-blank character (`{` is JSON).
    fn of(path: &Path, text: &str) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Format::Json,
            Some("toml") => Format::Toml,
            _ if text.trim_start().starts_with('{') => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(1, |s| s.matches('\n').count() + 1)
}

/// After a failed typed parse: a syntax error, or names/dates/codes to
/// report all at once, or the typed error itself.
fn diagnose(
    format: Format,
    value: Option<serde_json::Value>,
    line: Option<usize>,
    message: String,
) -> Error {
    if let Some(value) = value {
        let issues = precheck::check(&value);
        if !issues.is_empty() {
            return Error::invalid(ValidationReport { issues });
        }
    }
    Error::parse(format.name(), line, message)
}

impl Scenario {
    /// Parses a TOML scenario.
    ///
    /// # Errors
    /// [`ErrorKind::Parse`](crate::ErrorKind::Parse) with the line for
    /// malformed TOML, a missing required field, an unknown key or a value
    /// of the wrong type; [`ErrorKind::Invalid`](crate::ErrorKind::Invalid)
    /// with a [`ValidationReport`] listing every unknown name, invalid date
    /// and invalid country code (see the [module docs](crate::scenario)).
    /// Bad numbers are not errors here: [`Scenario::validate`] reports them.
    pub fn from_toml_str(text: &str) -> Result<Scenario> {
        let text = strip_bom(text);
        check_limits(Format::Toml, text)?;
        match toml::from_str::<Scenario>(text) {
            Ok(s) => Ok(s),
            Err(e) => {
                let line = e.span().map(|r| line_of(text, r.start));
                let message = e.message().to_string();
                let value = toml::from_str::<serde_json::Value>(text).ok();
                Err(diagnose(Format::Toml, value, line, message))
            }
        }
    }

    /// Parses a JSON scenario.
    ///
    /// # Errors
    /// As [`Scenario::from_toml_str`].
    pub fn from_json_str(text: &str) -> Result<Scenario> {
        let text = strip_bom(text);
        check_limits(Format::Json, text)?;
        match serde_json::from_str::<Scenario>(text) {
            Ok(s) => Ok(s),
            Err(e) => {
                let line = (e.line() > 0).then_some(e.line());
                let value = if e.is_data() {
                    serde_json::from_str::<serde_json::Value>(text).ok()
                } else {
                    None
                };
                Err(diagnose(
                    Format::Json,
                    value,
                    line,
                    strip_position(&e.to_string()),
                ))
            }
        }
    }

    /// Reads a scenario file: JSON for `.json`, TOML for `.toml`; other
    /// extensions are read as JSON when the text starts with `{`, else TOML.
    /// At most [`MAX_SCENARIO_BYTES`] are read (see the module docs).
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read
    /// or is not UTF-8; [`ErrorKind::Parse`](crate::ErrorKind::Parse) when
    /// it is larger than [`MAX_SCENARIO_BYTES`]; otherwise as
    /// [`Scenario::from_toml_str`].
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let io = |e| Error::io(Some(path.to_path_buf()), e);
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_SCENARIO_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        let format_guess = Format::of(path, "");
        if bytes.len() > MAX_SCENARIO_BYTES {
            return Err(Error::parse(
                format_guess.name(),
                None,
                format!(
                    "{} is larger than {MAX_SCENARIO_BYTES} bytes (16 MiB), the limit for a \
                     scenario",
                    path.display()
                ),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the file is not UTF-8 ({e})"),
            ))
        })?;
        let text = strip_bom(&text);
        let format = Format::of(path, text);
        match format {
            Format::Toml => Scenario::from_toml_str(text),
            Format::Json => Scenario::from_json_str(text),
        }
    }

    /// The scenario as TOML.
    ///
    /// # Errors
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal) if the TOML
    /// writer rejects the structure (not expected: every optional field is
    /// omitted when absent).
    pub fn to_toml_string(&self) -> Result<String> {
        toml::to_string_pretty(self)
            .map_err(|e| Error::internal(format!("cannot write the scenario as TOML: {e}")))
    }

    /// The scenario as pretty-printed JSON. A NaN or infinite number (which
    /// validation rejects) is written as `null`, which JSON cannot read
    /// back as a number.
    ///
    /// # Errors
    /// [`ErrorKind::Internal`](crate::ErrorKind::Internal) if the JSON
    /// writer fails (not expected).
    pub fn to_json_string(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::internal(format!("cannot write the scenario as JSON: {e}")))
    }

    /// Writes the scenario, as JSON for a `.json` path and TOML otherwise.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be
    /// written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = match Format::of(path, "") {
            Format::Json => self.to_json_string()?,
            Format::Toml => self.to_toml_string()?,
        };
        std::fs::write(path, text).map_err(|e| Error::io(Some(path.to_path_buf()), e))
    }
}

/// serde_json appends " at line L column C"; the line is reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
