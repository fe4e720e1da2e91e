//! Required fields left empty.

pub mod required_field_missing;
