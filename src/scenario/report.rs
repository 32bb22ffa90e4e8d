//! Validation issues and the report that collects them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Stable code, e.g. `"E-POOL-COUNT"`; scripts may match on it.
    pub code: String,
    /// Path of the offending field, e.g. `pools[3].count`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {} (fix: {})",
            self.code, self.path, self.message, self.fix
        )
    }
}

/// Every problem validation found, in a deterministic order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The problems, in the order the scenario's fields appear.
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    /// `true` when no problem was found.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.issues.is_empty()
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) found:", self.issues.len())?;
        for i in &self.issues {
            writeln!(f, "  {i}")?;
        }
        Ok(())
    }
}
