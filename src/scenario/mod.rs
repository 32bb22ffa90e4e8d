//! The scenario: the serde root of everything a planner states, its loading,
//! saving and validation.

mod report;

pub use report::{Issue, ValidationReport};
