//! The 12-digit personal ID and the old 9-digit CMND: missing, malformed, and its structure (province, sex and century digit, birth year).

pub mod id_birth_year_mismatch;
pub mod id_century_mismatch;
pub mod id_invalid_province;
pub mod id_leading_zeros_lost;
pub mod id_malformed;
pub mod id_missing;
pub mod id_old_cmnd;
pub mod id_sex_digit_mismatch;
