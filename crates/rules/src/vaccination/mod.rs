//! Vaccination events: date unreadable, before birth, in the future.

pub mod vaccination_before_birth;
pub mod vaccination_date_invalid;
pub mod vaccination_in_future;
