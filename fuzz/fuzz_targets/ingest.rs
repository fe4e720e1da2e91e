//! CSV ingest end to end: arbitrary bytes as a file, through
//! `lamsach_engine::open` and `check_file` (record splitter, header sniffing and mapping, field
//! splitting, every row rule, the cross-row indexes and the tally).
//!
//! The first 3 bytes pick the options, so that the limits are small enough
//! for short inputs to hit the "record too large" and "quote never closed"
//! paths: byte 0 → `max_record_bytes` (16..=1036), byte 1 → `max_quoted_lines`
//! (1..=8) and `batch_rows` (1..=32), byte 2 → profile (detect / vaccination /
//! bhxh / education), delimiter (sniffed or forced), `--lang en`, group by
//! `district`, person keys.
#![no_main]

mod common;

use lamsach_engine::{check_file, open, Options, RowReport, Sink};
use lamsach_io::source::SourceOptions;
use lamsach_rules::Finding;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn path() -> &'static std::path::Path {
    static P: OnceLock<std::path::PathBuf> = OnceLock::new();
    P.get_or_init(|| common::scratch_file("ingest"))
}

/// Checks the order promise of `Sink` and exercises the person keys.
#[derive(Default)]
struct Check {
    last_line: u64,
    findings: u64,
    rows: u64,
}

impl Sink for Check {
    fn finding(&mut self, f: &Finding, _group: &str) -> lamsach_io::error::Result<()> {
        assert!(f.line >= self.last_line, "findings out of line order");
        self.last_line = f.line;
        self.findings += 1;
        Ok(())
    }

    fn row(&mut self, row: &RowReport) -> lamsach_io::error::Result<()> {
        assert!(row.line >= self.last_line, "rows out of line order");
        self.last_line = row.line;
        self.rows += 1;
        if let Some(p) = row.person {
            let _ = p.name_dob();
        }
        Ok(())
    }
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 3 {
        return;
    }
    let (cfg, body) = input.split_at(3);
    let mut data = common::data().clone();
    data.limits.max_record_bytes = 16 + cfg[0] as usize * 4;
    data.limits.max_quoted_lines = 1 + (cfg[1] & 7) as usize;
    data.limits.batch_rows = 1 + (cfg[1] >> 3) as usize;
    let profile = match cfg[2] & 3 {
        0 => None,
        1 => Some("vaccination".to_string()),
        2 => Some("bhxh".to_string()),
        _ => Some("education".to_string()),
    };
    let delimiter = match (cfg[2] >> 2) & 7 {
        1 => Some(b','),
        2 => Some(b';'),
        3 => Some(b'\t'),
        4 => Some(b'|'),
        _ => None,
    };
    let opts = Options {
        profile,
        group_by: (cfg[2] & 0x20 != 0).then(|| "district".to_string()),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        lang: if cfg[2] & 0x40 != 0 {
            lamsach_text::Lang::En
        } else {
            lamsach_text::Lang::Vi
        },
        source: SourceOptions {
            delimiter,
            ..Default::default()
        },
        progress: false,
        extra: None,
        person_keys: cfg[2] & 0x80 != 0,
        ..Default::default()
    };
    std::fs::write(path(), body).expect("write the input to a temporary file");
    let mut sink = Check::default();
    let Ok(opened) = open(path(), &data, &opts) else {
        return;
    };
    if let Ok(out) = check_file(&opened, &data, &opts, &mut sink) {
        let total = out.tally.total();
        assert_eq!(total.total_findings(), sink.findings, "tally vs findings");
        assert_eq!(total.rows_read, sink.rows, "tally vs rows");
        assert_eq!(
            total.rows_read,
            total.clean + total.with_problems + total.unreadable,
            "rows read = clean + with problems + unreadable"
        );
    }
});
