//! School records: level against age, unrecognised levels.

pub mod school_level_age_mismatch;
pub mod school_level_unrecognised;
