//! The hostile-file corpus (`fixtures/hostile/`): every file either gets every
//! row reported (clean, with findings, or unreadable with its line) or a clear
//! message with exit code 2 — never a panic, never a partial output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(input: &Path, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(input)
        .args(["--today", "2026-11-23", "--out"])
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o, out)
}

fn hostile(name: &str) -> PathBuf {
    root().join("fixtures/hostile").join(name)
}

/// (line, rule) pairs of issues.csv, and rows read/unreadable from tally.json.
fn results(out: &Path) -> (Vec<(u64, String)>, u64, u64) {
    let issues = std::fs::read_to_string(out.join("issues.csv")).unwrap();
    let pairs = issues
        .lines()
        .skip(1)
        .map(|l| {
            let mut it = l.split(',');
            (
                it.next().unwrap().parse().unwrap(),
                it.next().unwrap().to_string(),
            )
        })
        .collect();
    let tally: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tally.json")).unwrap()).unwrap();
    let t = &tally["total"];
    let read = t["rows_read"].as_u64().unwrap();
    assert_eq!(
        read,
        t["clean"].as_u64().unwrap()
            + t["with_problems"].as_u64().unwrap()
            + t["unreadable"].as_u64().unwrap()
    );
    (pairs, read, t["unreadable"].as_u64().unwrap())
}

#[test]
fn binary_garbage_is_a_clear_error() {
    let (o, out) = check(&hostile("binary-garbage.csv"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--profile"));
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no partial output"
    );
    // forced through a profile it fails on the missing columns, still cleanly
    let (o, _) = check(
        &hostile("binary-garbage.csv"),
        &["--profile", "vaccination"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn garbage_rows_after_a_header_are_unreadable_lines() {
    let (o, out) = check(&hostile("garbage-after-header.csv"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let (pairs, read, unreadable) = results(out.path());
    assert!(unreadable > 0 && read >= unreadable);
    assert_eq!(
        pairs.last().unwrap().1,
        "ID002",
        "the good row after the garbage is checked"
    );
}

#[test]
fn ten_thousand_columns() {
    let (o, out) = check(&hostile("ten-thousand-columns.csv"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let (pairs, read, _) = results(out.path());
    assert_eq!(read, 2);
    assert_eq!(pairs, [(3, "ID002".to_string())]);
}

#[test]
fn header_only_and_blank_lines() {
    for f in ["header-only.csv", "only-blank-lines.csv"] {
        let (o, out) = check(&hostile(f), &[]);
        assert_eq!(o.status.code(), Some(0), "{f}");
        let (pairs, read, _) = results(out.path());
        assert_eq!((pairs.len(), read), (0, 0), "{f}");
    }
}

#[test]
fn nul_bytes() {
    let (o, out) = check(&hostile("nul-bytes.csv"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let (pairs, read, unreadable) = results(out.path());
    assert_eq!((read, unreadable), (3, 1));
    // the NUL inside the name is a control character (TXT006), repaired for
    // the other rules, so the name itself is fine
    assert_eq!(
        pairs,
        [
            (2, "TXT006".to_string()),
            (3, "ROW001".into()),
            (4, "ID002".into())
        ]
    );
}

#[test]
fn cr_only_line_ends() {
    let (_, out) = check(&hostile("cr-only.csv"), &[]);
    assert_eq!(results(out.path()).0, [(3, "ID002".to_string())]);
}

#[test]
fn mixed_delimiters_are_reported_per_line() {
    let (_, out) = check(&hostile("mixed-delimiters.csv"), &[]);
    let (pairs, read, unreadable) = results(out.path());
    assert_eq!((read, unreadable), (3, 2));
    assert_eq!(
        pairs,
        [
            (2, "ROW001".to_string()),
            (3, "ROW001".into()),
            (4, "ID002".into())
        ]
    );
}

#[test]
fn bom_in_the_middle() {
    let (_, out) = check(&hostile("bom-in-the-middle.csv"), &[]);
    let (pairs, read, _) = results(out.path());
    assert_eq!(read, 2);
    assert!(pairs.contains(&(3, "ID002".into())), "{pairs:?}");
}

#[test]
fn deeply_quoted_fields() {
    let (_, out) = check(&hostile("deeply-quoted.csv"), &[]);
    let (pairs, read, unreadable) = results(out.path());
    assert_eq!((read, unreadable), (3, 0));
    assert!(pairs.contains(&(4, "ID002".into())), "{pairs:?}");
    // line 3 reads as the name `"Nguyễn" "Lan"`: parsed, and its quotes are symbols
    assert!(pairs.contains(&(3, "NAM002".into())), "{pairs:?}");
}

#[test]
fn hundred_megabyte_single_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    let mut content = b"H\xe1\xbb\x8d v\xc3\xa0 t\xc3\xaan,Ng\xc3\xa0y sinh,Gi\xe1\xbb\x9bi t\xc3\xadnh,S\xe1\xbb\x91 CCCD,Huy\xe1\xbb\x87n,V\xe1\xba\xaFc xin,M\xc5\xa9i,Ng\xc3\xa0y ti\xc3\xaam\n".to_vec();
    content.extend(std::iter::repeat_n(b'x', 100 << 20));
    content.extend_from_slice(
        "\nTrần Văn Hùng,03/11/1975,Nam,12345,Chiêm Hóa,Pfizer,1,15/08/2021\n".as_bytes(),
    );
    std::fs::write(&p, &content).unwrap();
    drop(content);
    let (o, out) = check(&p, &[]);
    assert_eq!(o.status.code(), Some(1));
    let (pairs, read, unreadable) = results(out.path());
    assert_eq!((read, unreadable), (2, 1));
    assert_eq!(pairs, [(2, "ROW001".to_string()), (3, "ID002".into())]);
}

#[test]
fn rules_file_with_wrong_types_names_file_line_and_key() {
    let (o, _) = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(root())
        .args([
            "check",
            "fixtures/sample/tiem-chung.csv",
            "--profile",
            "fixtures/hostile/rules-wrong-types.toml",
        ])
        .output()
        .map(|o| (o, ()))
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("fixtures/hostile/rules-wrong-types.toml:5:12")
            && err.contains("required = \"full_name\""),
        "{err}"
    );
}

#[test]
fn ctrl_c_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let code = xtask::synth::run_synth(&xtask::synth::SynthArgs {
        rows: 400_000,
        ..xtask::synth::SynthArgs::new(&input, &dir.path().join("truth.csv"))
    })
    .unwrap();
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(&input)
        .args(["--today", "2026-11-23", "--threads", "1", "-q", "--out"])
        .arg(&out)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    if status.code() == Some(2) {
        let left: Vec<_> = std::fs::read_dir(&out)
            .map(|d| d.map(|e| e.unwrap().file_name()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "temporary files left: {left:?}");
    } else {
        // finished before the signal: then every report is complete
        assert_eq!(status.code(), Some(1));
        assert!(out.join("tally.json").exists());
    }
}
