//! The fuzzy-duplicate search end to end: arbitrary bytes as a file, through
//! `lamsach_dedupe::run` (its own record parser, person records, blocking with the
//! sorted-neighbourhood window, scoring, clusters) and the findings `check`
//! would add from it.
//!
//! Byte 0 picks `batch_rows` (1..=32) and the profile; byte 1 a small
//! `window` (2..=9) and `max_block` (2..=33), so short inputs reach windowed
//! and skipped blocks.
#![no_main]

mod common;

use lamsach_dedupe::config::DedupeSettings;
use lamsach_engine::{open, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn config() -> &'static DedupeSettings {
    static C: OnceLock<DedupeSettings> = OnceLock::new();
    C.get_or_init(|| DedupeSettings::embedded().expect("embedded dedupe.toml loads"))
}

fn path() -> &'static std::path::Path {
    static P: OnceLock<std::path::PathBuf> = OnceLock::new();
    P.get_or_init(|| common::scratch_file("dedupe"))
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 2 {
        return;
    }
    let (b, body) = input.split_at(2);
    let mut data = common::data().clone();
    data.limits.batch_rows = 1 + (b[0] & 31) as usize;
    let mut cfg = config().clone();
    cfg.window = 2 + (b[1] & 7) as usize;
    cfg.max_block = 2 + (b[1] >> 3) as usize;
    let profile = match b[0] >> 5 {
        0 | 1 => None,
        2 | 3 => Some("vaccination".to_string()),
        4 | 5 => Some("bhxh".to_string()),
        _ => Some("education".to_string()),
    };
    let opts = Options {
        profile,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ..Default::default()
    };
    std::fs::write(path(), body).expect("write the input to a temporary file");
    let Ok(opened) = open(path(), &data, &opts) else {
        return;
    };
    if let Ok(o) = lamsach_dedupe::run(&opened, &data, &cfg, None) {
        let mut last_first = 0;
        for c in &o.clusters {
            assert!(c.members.len() >= 2, "a cluster of one");
            assert!(
                c.members.windows(2).all(|w| w[0].line <= w[1].line),
                "members out of line order"
            );
            let first = c.members[0].line;
            assert!(first >= last_first, "clusters out of order");
            last_first = first;
        }
        let (_, _, _, _) = o.counts();
        for (line, found) in o.findings(lamsach_text::Lang::Vi) {
            assert!(
                found.iter().all(|f| f.line == line),
                "finding on another line"
            );
        }
    }
});
