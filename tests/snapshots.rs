//! Snapshot tests: the exact files and terminal output a user gets on the
//! bundled fixtures, for all three profiles. Expected outputs live beside each
//! fixture in `expected/`; regenerate them with `LAMSACH_UPDATE=1 cargo test`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot(input: &str, extra: &[&str], expected_dir: &str) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["check", input, "--today", "2026-11-23", "--out"];
    let out_s = out.path().to_str().unwrap().to_string();
    args.push(&out_s);
    args.extend_from_slice(extra);
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(root())
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8(o.stdout)
        .unwrap()
        .replace(&out_s, "<out>");
    let exp = root().join(expected_dir);
    let mut files: Vec<(String, Vec<u8>)> = vec![("summary.txt".into(), stdout.into_bytes())];
    for name in ["issues.csv", "tally.csv", "tally.json"] {
        files.push((name.into(), std::fs::read(out.path().join(name)).unwrap()));
    }
    for (name, got) in files {
        crate::snapshot::assert_snapshot(&exp.join(&name), &got);
    }
    // no stray files (temporary names) left in the output folder
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    // issues.csv, tally.csv, tally.json and manifest.json
    assert_eq!(names.len(), 4, "{names:?}");
    let _ = Path::new("");
}

#[test]
fn vaccination_sample() {
    snapshot(
        "fixtures/sample/tiem-chung.csv",
        &[],
        "fixtures/sample/expected",
    );
}

#[test]
fn vaccination_sample_english_masked() {
    snapshot(
        "fixtures/sample/tiem-chung.csv",
        &["--lang", "en", "--mask-ids", "--group-by", "Cơ sở tiêm"],
        "fixtures/sample/expected-en",
    );
}

#[test]
fn bhxh() {
    snapshot("fixtures/bhxh/bhxh.csv", &[], "fixtures/bhxh/expected");
}

#[test]
fn education() {
    snapshot(
        "fixtures/education/hoc-sinh.csv",
        &[],
        "fixtures/education/expected",
    );
}

#[test]
fn household_residence_extract() {
    snapshot(
        "fixtures/household/cu-tru.csv",
        &[],
        "fixtures/household/expected",
    );
}

#[test]
fn household_bhyt_declaration() {
    snapshot(
        "fixtures/household/bhyt-ho-gia-dinh.csv",
        &["--lang", "en"],
        "fixtures/household/expected-bhyt-en",
    );
}
