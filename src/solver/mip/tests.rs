//! Unit tests of the MIP internals.
