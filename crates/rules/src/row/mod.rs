//! Rows that cannot be read as records.

pub mod row_unreadable;
