//! Phone numbers.

pub mod phone_invalid;
