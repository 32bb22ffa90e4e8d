//! Cutting planes at the root.

use super::search::Search;
use crate::error::Result;

impl Search<'_> {
    /// Rounds of cut separation at the root.
    ///
    /// # Errors
    /// Numerical failure of the LP.
    pub(super) fn root_cuts(&mut self) -> Result<()> {
        Ok(())
    }
}
