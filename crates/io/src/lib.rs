//! Input and output: the error type, opening and decoding files and
//! workbooks, the quote-aware record reader with physical line numbers,
//! and the output files every report writes.

pub mod error;
pub mod ingest;
pub mod input;
pub mod num;
pub mod out;
pub mod source;

/// Set by the Ctrl-C handler; a run stops at the next batch and every
/// temporary output is removed.
pub static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub use error::{Error, Result};
