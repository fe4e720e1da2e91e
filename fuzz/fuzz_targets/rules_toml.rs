//! The rules-file loader on arbitrary text: `profile::parse_toml::<Profile>`
//! (a `--profile my.toml`), and `RuleData::from_files` with the text in the
//! place of `settings.toml`, `provinces.toml`, a profile or `reference.toml` (the other files
//! embedded). When the text loads, the data is used: profile detection and
//! header mapping, and every row rule over the bundled sample rows; with the
//! text as `settings.toml`, also a whole `engine::check_file` run on the
//! vaccination sample (the limits are used there).
//!
//! Byte 0 picks the slot (mod 4): 0 settings, 1 provinces, 2 a profile,
//! 3 `reference.toml`.
#![no_main]

mod common;

use lamsach_io::input::split_fields;
use lamsach_model::profile::{detect, parse_toml, Mapping, Profile, RuleData};
use lamsach_rules::{check_row, RowCtx};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const SETTINGS: &str = include_str!("../../rules/settings.toml");
const PROVINCES: &str = include_str!("../../rules/provinces.toml");
const PROFILES: &[&str] = &[
    include_str!("../../rules/profiles/vaccination.toml"),
    include_str!("../../rules/profiles/bhxh.toml"),
    include_str!("../../rules/profiles/education.toml"),
];
const SAMPLES: &[(&str, u8)] = &[
    (include_str!("../../fixtures/sample/tiem-chung.csv"), b','),
    (include_str!("../../fixtures/bhxh/bhxh.csv"), b';'),
    (include_str!("../../fixtures/education/hoc-sinh.csv"), b','),
];

/// Header and rows of each sample, split once.
type Table = (Vec<String>, Vec<Vec<String>>);

fn samples() -> &'static [Table] {
    static S: OnceLock<Vec<Table>> = OnceLock::new();
    S.get_or_init(|| {
        SAMPLES
            .iter()
            .map(|(text, delim)| {
                let mut lines = text.lines().map(|l| {
                    let mut f = Vec::new();
                    split_fields(l.as_bytes(), *delim, &mut f);
                    f.iter()
                        .map(|c| String::from_utf8_lossy(c).trim().to_string())
                        .collect::<Vec<_>>()
                });
                let header = lines.next().unwrap_or_default();
                (header, lines.collect())
            })
            .collect()
    })
}

fn sample_path() -> &'static std::path::Path {
    static P: OnceLock<std::path::PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let p = common::scratch_file("rules");
        std::fs::write(&p, SAMPLES[0].0).expect("write the sample to a temporary file");
        p
    })
}

fuzz_target!(|input: &[u8]| {
    let Some((&sel, rest)) = input.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let _ = parse_toml::<Profile>("fuzz.toml", &text);

    let mut files: Vec<(String, String)> = vec![
        ("settings.toml".into(), SETTINGS.into()),
        ("provinces.toml".into(), PROVINCES.into()),
    ];
    files.extend(
        PROFILES
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("profiles/{i}.toml"), p.to_string())),
    );
    let mut reference = (
        "reference.toml".to_string(),
        lamsach_model::profile::REFERENCE_TOML.to_string(),
    );
    match sel % 4 {
        0 => files[0].1 = text,
        1 => files[1].1 = text,
        2 => files.push(("profiles/fuzz.toml".into(), text)),
        _ => reference.1 = text,
    }
    let Ok(data) = RuleData::from_files(&files, &reference) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    if sel % 4 == 0 {
        let opts = lamsach_engine::Options {
            today,
            ..Default::default()
        };
        let mut sink: Vec<lamsach_rules::Finding> = Vec::new();
        if let Ok(opened) = lamsach_engine::open(sample_path(), &data, &opts) {
            let _ = lamsach_engine::check_file(&opened, &data, &opts, &mut sink);
        }
    }
    for (header, rows) in samples() {
        let _ = detect(&data, header);
        for p in &data.profiles {
            let map = Mapping::new(p, header, &data.headers);
            let _ = map.missing_required();
            for (i, row) in rows.iter().enumerate() {
                let values: Vec<&str> = row.iter().map(String::as_str).collect();
                let ctx = RowCtx::new(
                    i as u64 + 2,
                    &values,
                    &map,
                    &data,
                    today,
                    lamsach_text::Lang::Vi,
                );
                let mut out = Vec::new();
                check_row(&ctx, &mut out);
            }
        }
    }
});
