//! lamsach ("làm sạch"): checks exports of population-linked records —
//! vaccination, social insurance, school records — for the four pillars of
//! clean data, "đúng, đủ, sạch, sống", and reports every problem by line,
//! rule and group.

pub mod batch;
pub mod cli;
pub mod dedupe;
pub mod engine;
pub mod error;
pub mod export;
pub mod fix;
pub mod ingest;
pub mod input;
pub mod merge;
pub mod parse;
pub mod profile;
pub mod progress;
pub mod reference;
pub mod report;
pub mod rules;
pub mod synth;
pub mod tally;
pub mod text;
pub mod textfix;
