//! The fuzzy duplicate pre-pass runs beside the check (`engine::Later`): the
//! merge step holds checked rows back until the pre-pass findings arrive.
//! These tests pin that the findings are the same as when the pre-pass runs
//! first, however late they arrive, and that a failed pre-pass fails the run.

use lamsach_engine::prepass::{check_beside_prepass, prepass};
use lamsach_engine::{check_file, open, Later, Opened, Options};
use lamsach_model::profile::RuleData;
use lamsach_rules::Finding;
use std::path::{Path, PathBuf};

fn mixed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/dedupe/mixed.csv")
}

/// The fixture opened once, shared by the pre-pass and the check.
fn opened(data: &RuleData) -> Opened {
    open(&mixed(), data, &opts()).unwrap()
}

/// Rule data with one row per batch, so the merge step sees many groups.
fn data() -> RuleData {
    let mut data = RuleData::embedded().unwrap();
    data.limits.batch_rows = 1;
    data
}

fn opts() -> Options {
    Options {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ..Default::default()
    }
}

fn keys(v: &[Finding]) -> Vec<(u64, &'static str, String)> {
    v.iter()
        .map(|f| (f.line, f.rule.code, f.message.clone()))
        .collect()
}

/// The findings when the pre-pass has run first.
fn pre_first(data: &RuleData) -> Vec<Finding> {
    let opened = opened(data);
    let found = prepass(&opened, data, None, &opts()).unwrap();
    let mut o = opts();
    o.extra = Some(Later::ready((*found).clone()));
    let mut sink = Vec::new();
    check_file(&opened, data, &o, &mut sink).unwrap();
    sink
}

#[test]
fn late_findings_are_merged_like_early_ones() {
    let data = data();
    let first = pre_first(&data);
    let fuzzy = first
        .iter()
        .filter(|f| matches!(f.rule.code, "DUP003" | "DUP004" | "DUP005"))
        .count();
    assert!(fuzzy >= 3, "the fixture has fuzzy duplicates: {fuzzy}");

    // The findings arrive well after the whole file has been checked.
    let later = Later::default();
    let mut o = opts();
    o.extra = Some(later.clone());
    let opened = opened(&data);
    let found = prepass(&opened, &data, None, &opts()).unwrap();
    let mut sink = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            later.set(Some(found.clone()));
        });
        check_file(&opened, &data, &o, &mut sink).unwrap();
    });
    assert_eq!(keys(&sink), keys(&first));

    // And through the function `check` and `batch` use.
    let mut sink = Vec::new();
    check_beside_prepass(true, &opened, &data, None, opts(), |o| {
        check_file(&opened, &data, &o, &mut sink)
    })
    .unwrap();
    assert_eq!(keys(&sink), keys(&first));
}

#[test]
fn failed_pre_pass_fails_the_run() {
    let data = data();
    let opened = opened(&data);
    let later = Later::default();
    later.set(None);
    let mut o = opts();
    o.extra = Some(later);
    let mut sink = Vec::new();
    assert!(check_file(&opened, &data, &o, &mut sink).is_err());

    // A pre-pass error is the one reported (here: a wrong-typed setting).
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("dedupe.toml"), "max_block = \"many\"\n").unwrap();
    let err = check_beside_prepass(true, &opened, &data, Some(rules.path()), opts(), |o| {
        check_file(&opened, &data, &o, &mut Vec::new())
    })
    .map(|_| ())
    .unwrap_err();
    assert!(
        err.to_string().contains("dedupe.toml"),
        "the pre-pass error names its cause: {err}"
    );
    // Without dedupe (--no-dedupe) there is no pre-pass to fail, and no
    // fuzzy-duplicate finding.
    let mut sink = Vec::new();
    check_beside_prepass(false, &opened, &data, Some(rules.path()), opts(), |o| {
        check_file(&opened, &data, &o, &mut sink)
    })
    .unwrap();
    assert!(!sink.is_empty());
    assert!(sink
        .iter()
        .all(|f| !["DUP003", "DUP004", "DUP005"].contains(&f.rule.code)));
}
