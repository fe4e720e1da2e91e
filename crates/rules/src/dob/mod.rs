//! Date of birth: missing, unreadable, impossible, in the future, too old, incomplete.

pub mod age_over_limit;
pub mod dob_impossible;
pub mod dob_in_future;
pub mod dob_incomplete;
pub mod dob_missing;
pub mod dob_unparseable;
