//! The crate's one error type.
//!
//! [`Error`] is opaque: match on [`Error::kind`], read the message with
//! `Display`, and reach the structured detail through the accessors
//! ([`Error::validation`], [`Error::line`]). New kinds can be added without
//! breaking callers (`ErrorKind` is `#[non_exhaustive]`).
//!
//! An *infeasible* or *unbounded* problem is **not** an error: it is a status
//! of a solution (a sweep expects them). `Err` is for invalid input, I/O and
//! internal failure.

use crate::scenario::ValidationReport;
use crate::units::UnitError;
use std::fmt;
use std::path::PathBuf;

/// What went wrong, broadly. Stable: scripts may match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A scenario failed validation; [`Error::validation`] holds every problem.
    Invalid,
    /// A file could not be parsed (TOML, JSON, MPS); [`Error::line`] may say where.
    Parse,
    /// Reading or writing a file failed.
    Io,
    /// A value could not be a quantity (NaN, infinite, negative).
    Unit,
    /// A model handed to the solver was malformed (bad index, NaN coefficient,
    /// lower bound above upper bound).
    Model,
    /// A solver option was out of its documented range.
    Options,
    /// The solver failed internally (e.g. a basis could not be factorised
    /// after every recovery). Report it: it is a bug or a numerically
    /// hopeless model.
    Internal,
    /// The solver could not reach an answer it can stand behind on this
    /// model in double precision (e.g. an infeasibility whose Farkas
    /// certificate fails the independent check, or a simplex that stops
    /// making progress). The message says what failed; rescaling the model
    /// (units closer to 1) usually helps.
    Numerical,
}

#[derive(Debug)]
enum Inner {
    Invalid(ValidationReport),
    Parse {
        what: &'static str,
        line: Option<usize>,
        message: String,
    },
    Io {
        path: Option<PathBuf>,
        source: std::io::Error,
    },
    Unit {
        field: String,
        source: UnitError,
    },
    Model(String),
    Options(String),
    Internal(String),
    Numerical(String),
    /// A typed value's own error (a count, a date, a country code, a
    /// name), converted by `?`.
    Value {
        kind: ErrorKind,
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

/// The error type of every fallible operation in this crate.
pub struct Error(Box<Inner>);

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match &*self.0 {
            Inner::Invalid(_) => ErrorKind::Invalid,
            Inner::Parse { .. } => ErrorKind::Parse,
            Inner::Io { .. } => ErrorKind::Io,
            Inner::Unit { .. } => ErrorKind::Unit,
            Inner::Model(_) => ErrorKind::Model,
            Inner::Options(_) => ErrorKind::Options,
            Inner::Internal(_) => ErrorKind::Internal,
            Inner::Numerical(_) => ErrorKind::Numerical,
            Inner::Value { kind, .. } => *kind,
        }
    }

    /// The validation report, when the kind is [`ErrorKind::Invalid`].
    #[must_use]
    pub fn validation(&self) -> Option<&ValidationReport> {
        match &*self.0 {
            Inner::Invalid(r) => Some(r),
            _ => None,
        }
    }

    /// The 1-based line of the input where parsing failed, when known.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match &*self.0 {
            Inner::Parse { line, .. } => *line,
            _ => None,
        }
    }

    /// A scenario failed validation.
    #[must_use]
    pub fn invalid(report: ValidationReport) -> Self {
        Self(Box::new(Inner::Invalid(report)))
    }

    /// Input of format `what` (e.g. `"MPS"`, `"TOML"`) could not be parsed.
    #[must_use]
    pub fn parse(what: &'static str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self(Box::new(Inner::Parse {
            what,
            line,
            message: message.into(),
        }))
    }

    /// An I/O failure, optionally on a named file.
    #[must_use]
    pub fn io(path: Option<PathBuf>, source: std::io::Error) -> Self {
        Self(Box::new(Inner::Io { path, source }))
    }

    /// A value given for `field` was not a valid quantity.
    #[must_use]
    pub fn unit(field: impl Into<String>, source: UnitError) -> Self {
        Self(Box::new(Inner::Unit {
            field: field.into(),
            source,
        }))
    }

    /// A malformed optimisation model.
    #[must_use]
    pub fn model(message: impl Into<String>) -> Self {
        Self(Box::new(Inner::Model(message.into())))
    }

    /// A solver option out of range.
    #[must_use]
    pub fn options(message: impl Into<String>) -> Self {
        Self(Box::new(Inner::Options(message.into())))
    }

    /// An internal failure.
    #[must_use]
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self(Box::new(Inner::Internal(message.into())))
    }

    /// No answer the solver can stand behind (see [`ErrorKind::Numerical`]).
    #[must_use]
    pub(crate) fn numerical(message: impl Into<String>) -> Self {
        Self(Box::new(Inner::Numerical(message.into())))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Inner::Invalid(r) => write!(f, "{r}"),
            Inner::Parse {
                what,
                line: Some(l),
                message,
            } => write!(f, "{what} parse error at line {l}: {message}"),
            Inner::Parse {
                what,
                line: None,
                message,
            } => write!(f, "{what} parse error: {message}"),
            Inner::Io {
                path: Some(p),
                source,
            } => write!(f, "I/O error on {}: {source}", p.display()),
            Inner::Io { path: None, source } => write!(f, "I/O error: {source}"),
            Inner::Unit { field, source } if field.is_empty() => write!(f, "{source}"),
            Inner::Unit { field, source } => write!(f, "{field}: {source}"),
            Inner::Value { kind, source } => write!(f, "{kind}: {source}"),
            Inner::Model(m) => write!(f, "invalid model: {m}"),
            Inner::Options(m) => write!(f, "invalid solver option: {m}"),
            Inner::Internal(m) => write!(f, "internal solver failure: {m}"),
            Inner::Numerical(m) => write!(f, "numerical trouble: {m}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("message", &self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            Inner::Io { source, .. } => Some(source),
            Inner::Unit { source, .. } => Some(source),
            Inner::Value { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::io(None, e)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Invalid => "invalid scenario",
            ErrorKind::Parse => "parse error",
            ErrorKind::Io => "I/O error",
            ErrorKind::Unit => "invalid value",
            ErrorKind::Model => "invalid model",
            ErrorKind::Options => "invalid option",
            ErrorKind::Internal => "internal solver failure",
            ErrorKind::Numerical => "numerical trouble",
        })
    }
}

/// A quantity that could not be made (`Usd::new(f64::NAN)?`): kind
/// [`ErrorKind::Unit`], no field named.
impl From<UnitError> for Error {
    fn from(e: UnitError) -> Self {
        Self::unit(String::new(), e)
    }
}

macro_rules! from_value_error {
    ($($t:ty => $kind:ident),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Self(Box::new(Inner::Value { kind: ErrorKind::$kind, source: Box::new(e) }))
            }
        }
    )*};
}

from_value_error! {
    crate::fleet::CountError => Unit,
    crate::units::DateError => Parse,
    crate::catalog::CountryError => Parse,
    crate::catalog::UnknownName => Parse,
    crate::perf::fit::FitError => Options,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages() {
        let e = Error::parse("MPS", Some(12), "unknown section FOO");
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert_eq!(e.line(), Some(12));
        assert_eq!(
            e.to_string(),
            "MPS parse error at line 12: unknown section FOO"
        );
        let e = Error::model("column 3 has lower bound 2 above upper bound 1");
        assert_eq!(e.kind(), ErrorKind::Model);
        assert!(e.validation().is_none());
    }

    #[test]
    fn every_public_error_converts_with_question_mark() -> Result<()> {
        fn unit() -> Result<crate::units::Usd> {
            Ok(crate::units::Usd::new(f64::NAN)?)
        }
        assert_eq!(unit().unwrap_err().kind(), ErrorKind::Unit);
        fn date() -> Result<crate::units::Date> {
            Ok("2025-13-01".parse::<crate::units::Date>()?)
        }
        let e = date().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(e.to_string().contains("2025-13-01"), "{e}");
        fn country() -> Result<crate::catalog::Country> {
            Ok(crate::catalog::Country::new("usa")?)
        }
        assert_eq!(country().unwrap_err().kind(), ErrorKind::Parse);
        fn count() -> Result<u64> {
            Ok(crate::fleet::Count::from_raw(1.5).check()?)
        }
        assert_eq!(count().unwrap_err().kind(), ErrorKind::Unit);
        fn name() -> Result<crate::catalog::Precision> {
            Ok("fp7".parse::<crate::catalog::Precision>()?)
        }
        let e = name().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse);
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(ErrorKind::Invalid.to_string(), "invalid scenario");
        // and the good values pass through
        assert!((crate::units::Usd::new(2.0)?.get() - 2.0).abs() < f64::EPSILON);
        Ok(())
    }

    #[test]
    fn error_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
    }
}
