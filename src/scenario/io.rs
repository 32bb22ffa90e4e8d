//! Reading and writing scenario files.

use super::{Scenario, ValidationReport, precheck};
use crate::error::{Error, Result};
use std::path::Path;

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
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read;
    /// otherwise as [`Scenario::from_toml_str`].
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io(Some(path.to_path_buf()), e))?;
        match Format::of(path, &text) {
            Format::Toml => Scenario::from_toml_str(&text),
            Format::Json => Scenario::from_json_str(&text),
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
