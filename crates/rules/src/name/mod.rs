//! Full names: missing or not a name.

pub mod name_invalid;
pub mod name_missing;
