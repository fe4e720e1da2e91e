//! Sex: missing or unrecognised.

pub mod sex_missing;
pub mod sex_unrecognised;
