//! Development tools of lamsach, not shipped with the binary: synthetic
//! exports with known problems and their scorers (`cargo xtask synth`,
//! `score`, `synth-dupes`, `score-dupes`), and the rule documentation
//! generated from the registry (`cargo xtask docs`).

pub mod args;
pub mod cli;
pub mod dedupe_score;
pub mod dedupe_synth;
pub mod docs;
pub mod household_synth;
pub mod synth;
