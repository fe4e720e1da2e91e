//! Pure parsers for the values the rules check. No allocation on the common
//! path, no panics on any input (they are fuzz targets).

pub mod date;
pub mod id;
pub mod phone;

/// True when every byte is an ASCII digit (and there is at least one).
pub fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
