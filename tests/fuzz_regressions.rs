//! Reproducers of what the fuzz targets (`fuzz/`) found, one test each,
//! named after the bug.

use lamsach_engine::{check_file, open, Options};
use lamsach_model::profile::RuleData;
use lamsach_rules::Finding;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rule_files(settings: &str) -> Vec<(String, String)> {
    let read = |p: &str| std::fs::read_to_string(root().join("rules").join(p)).unwrap();
    vec![
        ("settings.toml".into(), settings.to_string()),
        ("provinces.toml".into(), read("provinces.toml")),
        (
            "profiles/vaccination.toml".into(),
            read("profiles/vaccination.toml"),
        ),
    ]
}

fn reference() -> (String, String) {
    (
        "reference.toml".into(),
        lamsach_model::profile::REFERENCE_TOML.to_string(),
    )
}

fn settings_with_batch_rows(value: &str) -> String {
    let s = std::fs::read_to_string(root().join("rules/settings.toml")).unwrap();
    let out: String = s
        .lines()
        .map(|l| {
            if l.starts_with("batch_rows") {
                format!("batch_rows = {value}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(out.contains(&format!("batch_rows = {value}")));
    out
}

/// rules_toml: `[limits] batch_rows = 100_000_000_000_000_000` loaded, then
/// the reader thread panicked on `Vec::with_capacity(batch_rows * 128)`
/// ("capacity overflow"), the panic was swallowed and the run reported
/// 0 rows read, exit code 0. Now the loader rejects out-of-range limits.
#[test]
fn huge_batch_rows_is_a_rules_file_error() {
    for v in ["100_000_000_000_000_000", "0", "1_000_001"] {
        let err = RuleData::from_files(&rule_files(&settings_with_batch_rows(v)), &reference())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("settings.toml") && err.contains("batch_rows"),
            "{v}: {err}"
        );
    }
    assert!(RuleData::from_files(
        &rule_files(&settings_with_batch_rows("1_000_000")),
        &reference(),
    )
    .is_ok());

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("profiles")).unwrap();
    for f in ["provinces.toml", "profiles/vaccination.toml"] {
        std::fs::copy(root().join("rules").join(f), rules.join(f)).unwrap();
    }
    std::fs::write(
        rules.join("settings.toml"),
        settings_with_batch_rows("100_000_000_000_000_000"),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(root().join("fixtures/sample/tiem-chung.csv"))
        .arg("--rules")
        .arg(&rules)
        .args(["--today", "2026-11-23"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("panicked") && stderr.contains("batch_rows"),
        "{stderr}"
    );
}

/// The same bug seen from the engine: a reader thread that dies must fail
/// the run instead of ending it as if the file were empty.
#[test]
fn reader_thread_failure_fails_the_run() {
    let mut data = RuleData::embedded().unwrap();
    data.limits.batch_rows = usize::MAX / 2;
    let opts = Options {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ..Default::default()
    };
    let mut sink: Vec<Finding> = Vec::new();
    let r = open(&root().join("fixtures/sample/tiem-chung.csv"), &data, &opts)
        .and_then(|opened| check_file(&opened, &data, &opts, &mut sink));
    assert!(r.is_err(), "a run with a dead reader reported success");
}
