//! Every rule against generated data with known ground truth: precision and
//! recall must be exactly 1 for every rule, in all four profiles, and the
//! tallies must add up.

use chrono::NaiveDate;
use lamsach_engine::{check_file, open, Options};
use lamsach_model::profile::RuleData;
use lamsach_rules::{Category, Finding};
use lamsach_text::Lang;
use std::collections::BTreeSet;
use xtask::synth::{generate, Accuracy};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn run(profile: &str, rows: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("export.csv");
    let mut csv = Vec::new();
    let mut truth = Vec::new();
    generate(profile, rows, 0.3, seed, today(), &mut csv, &mut truth).unwrap();
    std::fs::write(&data_path, &csv).unwrap();
    let truth: BTreeSet<(u64, String)> = String::from_utf8(truth)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (line, rule) = l.split_once(',').unwrap();
            (line.parse().unwrap(), rule.to_string())
        })
        .collect();
    let data = RuleData::embedded().unwrap();
    let opts = Options {
        profile: None,
        group_by: None,
        today: today(),
        lang: Lang::Vi,
        progress: false,
        extra: None,
        person_keys: false,
        reference: None,
        ..Options::default()
    };
    let mut found: Vec<Finding> = Vec::new();
    let opened = open(&data_path, &data, &opts).unwrap();
    // with the pre-pass DUP002 needs (the fuzzy duplicates left out)
    let out =
        lamsach_engine::prepass::check_beside_prepass(false, &opened, &data, None, opts, |o| {
            check_file(&opened, &data, &o, &mut found)
        })
        .unwrap();
    assert_eq!(
        out.profile.name, profile,
        "profile detected from the header"
    );
    let found_set: BTreeSet<(u64, String)> = found
        .iter()
        .map(|f| (f.line, f.rule.code.to_string()))
        .collect();
    let score = Accuracy::compute(&truth, &found_set);
    assert!(score.perfect(), "{profile}:\n{}", score.table());
    // every injected kind showed up at least once
    let kinds = if profile == "household" { 7 } else { 20 };
    assert!(score.per_rule.len() >= kinds, "{}", score.table());

    // The tally adds up.
    let total = out.tally.total();
    assert_eq!(total.rows_read, rows as u64);
    assert_eq!(
        total.rows_read,
        total.clean + total.with_problems + total.unreadable
    );
    // a problem on several rows counts once (on its first row)
    let counted: Vec<&Finding> = found.iter().filter(|f| !f.repeat).collect();
    assert_eq!(total.total_findings(), counted.len() as u64);
    let distinct_lines: BTreeSet<u64> = found.iter().map(|f| f.line).collect();
    assert_eq!(
        total.with_problems + total.unreadable,
        distinct_lines.len() as u64
    );
    let groups = out.tally.groups();
    for cat in Category::ALL {
        let i = cat.index();
        let f: u64 = groups.iter().map(|(_, c)| c.findings[i]).sum();
        let r: u64 = groups.iter().map(|(_, c)| c.records[i]).sum();
        assert_eq!(f, total.findings[i], "{cat:?} findings across groups");
        assert_eq!(r, total.records[i], "{cat:?} records across groups");
        let by_cat: BTreeSet<u64> = counted
            .iter()
            .filter(|x| x.rule.category == cat)
            .map(|x| x.line)
            .collect();
        assert_eq!(
            total.records[i],
            by_cat.len() as u64,
            "{cat:?} distinct records"
        );
    }
    for (_, c) in &groups {
        assert_eq!(c.rows_read, c.clean + c.with_problems + c.unreadable);
        assert_eq!(c.total_findings(), c.rules.iter().sum::<u64>());
    }
}

#[test]
fn vaccination_rules_are_exact() {
    run("vaccination", 12_000, 11);
}

#[test]
fn bhxh_rules_are_exact() {
    run("bhxh", 8_000, 12);
}

#[test]
fn education_rules_are_exact() {
    run("education", 8_000, 13);
}

#[test]
fn household_rules_are_exact() {
    run("household", 20_000, 14);
}
