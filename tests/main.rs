//! The integration tests, one binary: each file of `tests/` is a module.
//! `cargo test --test main MODULE::` runs one file's tests.

mod batch_run;
mod cli;
mod dedupe_cli;
mod docs_current;
mod frames;
mod fuzz_regressions;
mod hostile;
mod layers;
mod merge;
mod officer_reports;
mod prepass_beside;
mod progress_monthly;
mod real_exports;
mod reference_cli;
mod reports_snapshot;
mod snapshot;
mod snapshots;
mod synth_truth;
mod textfix_cli;
mod textfix_encoders;
mod textfix_props;
mod textfix_roundtrip;
mod xtask_scores;
