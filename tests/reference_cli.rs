//! End-to-end: `lamsach check … --reference dan-cu.csv` on the fixtures in
//! `fixtures/reference/`, running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/reference")
        .join(name)
}

fn lamsach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(args)
        .output()
        .expect("run lamsach")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (line, rule) pairs of the REF rules in issues.csv.
fn ref_findings(issues: &str) -> Vec<(u64, String)> {
    let mut rd = csv::Reader::from_reader(issues.trim_start_matches('\u{feff}').as_bytes());
    rd.records()
        .map(|r| r.expect("issues.csv row"))
        .filter(|r| r[1].starts_with("REF"))
        .map(|r| (r[0].parse().expect("line"), r[1].to_string()))
        .collect()
}

fn check_vaccination(dir: &Path, threads: &str) -> Output {
    lamsach(&[
        "check",
        fixture("tiem-chung.csv").to_str().unwrap(),
        "--reference",
        fixture("dan-cu.csv").to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--threads",
        threads,
        "--out",
        dir.to_str().unwrap(),
    ])
}

#[test]
fn every_kind_of_disagreement_is_found_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = check_vaccination(dir.path(), "2");
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let issues = std::fs::read_to_string(dir.path().join("issues.csv")).unwrap();
    let got = ref_findings(&issues);
    let want: Vec<(u64, String)> = [
        (4, "REF002"),
        (5, "REF003"),
        (6, "REF004"),
        (7, "REF005"),
        (8, "REF006"),
        (9, "REF007"),
        (10, "REF008"),
        (11, "REF009"),
        (12, "REF010"),
        (13, "REF011"),
        (14, "REF012"),
        (15, "REF013"),
        (16, "REF001"),
        (18, "REF009"),
    ]
    .iter()
    .map(|(l, r)| (*l, r.to_string()))
    .collect();
    assert_eq!(got, want, "{issues}");
    // the reference value is given beside the export value
    assert!(
        issues.contains("NGUYEN THI ANH,Họ tên viết không dấu; CSDL dân cư: Nguyễn Thị Ánh"),
        "{issues}"
    );
    assert!(issues.contains("Xác minh Sai Thông Tin"), "{issues}");
}

#[test]
fn verified_counts_in_summary_and_tally_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = check_vaccination(dir.path(), "1");
    let stdout = text(&out.stdout);
    // rows 2, 3 and 15 agree on name, date of birth and sex (17 has its zeros dropped)
    assert!(
        stdout.contains("Đối chiếu CSDL dân cư (dan-cu.csv, 15 người):"),
        "{stdout}"
    );
    assert!(stdout.contains("đã xác thực"), "{stdout}");
    assert!(stdout.contains("3 / 18 (16,67%)"), "{stdout}");
    assert!(stdout.contains("Chiêm Hóa"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("tally.json")).unwrap())
            .unwrap();
    assert_eq!(json["total"]["verified"], 3);
    assert_eq!(json["reference"]["people"], 15);
    assert_eq!(json["reference"]["load"]["duplicates"], 2);
    assert_eq!(json["reference"]["load"]["bad_ids"], 1);
    let groups = json["groups"].as_array().unwrap();
    let chiem_hoa = groups.iter().find(|g| g["name"] == "Chiêm Hóa").unwrap();
    assert_eq!(chiem_hoa["verified"], 3);
    assert_eq!(json["total"]["records"]["verification"], 12);
    assert_eq!(json["total"]["records"]["not_in_reference"], 1);
    assert_eq!(json["total"]["records"]["deceased"], 1);
}

#[test]
fn reference_problems_reported_without_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = check_vaccination(dir.path(), "2");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("đã nạp 15 người từ 18 dòng"), "{stderr}");
    assert!(
        stderr.contains("2 số định danh trùng (giữ dòng đầu): dòng 5, 18"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 dòng không có số định danh 12 số"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ngày sinh/ngày mất không đọc được: dòng 19"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("008190012345") && !stderr.contains("Nguyễn"),
        "{stderr}"
    );
    let ri = std::fs::read_to_string(dir.path().join("reference-issues.csv")).unwrap();
    assert!(
        ri.contains("5,duplicate_id,Số định danh trùng với dòng 2 (cùng thông tin)"),
        "{ri}"
    );
    assert!(
        ri.contains("18,duplicate_id,Số định danh trùng với dòng 10 nhưng khác"),
        "{ri}"
    );
    assert!(ri.contains("17,bad_id,"), "{ri}");
    assert!(!ri.contains("008090000008"), "{ri}");
}

#[test]
fn same_output_for_any_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    check_vaccination(a.path(), "1");
    check_vaccination(b.path(), "2");
    for f in ["issues.csv", "tally.json", "reference-issues.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn dead_person_in_bhxh_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = lamsach(&[
        "check",
        fixture("bhxh.csv").to_str().unwrap(),
        "--reference",
        fixture("dan-cu.csv").to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        dir.path().to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let issues = std::fs::read_to_string(dir.path().join("issues.csv")).unwrap();
    assert_eq!(
        ref_findings(&issues),
        [(2, "REF013".to_string()), (2, "REF014".to_string())],
        "{issues}"
    );
    assert!(
        issues.contains("BHYT card valid after the date of death (01/03/2021)"),
        "{issues}"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("2 / 2 (100.00%)"), "{stdout}");
}

#[test]
fn reference_missing_a_column_is_a_clear_error() {
    let out = lamsach(&[
        "check",
        fixture("tiem-chung.csv").to_str().unwrap(),
        "--reference",
        fixture("dan-cu-thieu-cot.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("dan-cu-thieu-cot.csv: thiếu cột bắt buộc"),
        "{stderr}"
    );
    assert!(stderr.contains("dob (\"Ngày sinh\""), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = lamsach(&[
        "check",
        fixture("tiem-chung.csv").to_str().unwrap(),
        "--reference",
        "/nonexistent/dan-cu.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("không mở được tệp"));
}

#[test]
fn without_reference_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = lamsach(&[
        "check",
        fixture("tiem-chung.csv").to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stdout).contains("CSDL dân cư"));
    let issues = std::fs::read_to_string(dir.path().join("issues.csv")).unwrap();
    assert!(ref_findings(&issues).is_empty());
    assert!(!dir.path().join("reference-issues.csv").exists());
}

/// `--rules DIR` with its own `reference.toml`: thresholds are data, and a
/// typo in the file names the file, line, column and key.
#[test]
fn reference_settings_come_from_the_rules_directory() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("profiles")).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for f in ["settings.toml", "provinces.toml", "reference.toml"] {
        std::fs::copy(src.join(f), rules.join(f)).unwrap();
    }
    for e in std::fs::read_dir(src.join("profiles")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, rules.join("profiles").join(p.file_name().unwrap())).unwrap();
    }
    let toml = std::fs::read_to_string(rules.join("reference.toml")).unwrap();
    // no "few days off": 15/03 for 12/03 is then simply a different date
    std::fs::write(
        rules.join("reference.toml"),
        toml.replace("near_days = 10", "near_days = 0"),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let args = |rules: &Path| {
        lamsach(&[
            "check",
            fixture("tiem-chung.csv").to_str().unwrap(),
            "--reference",
            fixture("dan-cu.csv").to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--rules",
            rules.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ])
    };
    let out = args(&rules);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let issues = std::fs::read_to_string(out_dir.join("issues.csv")).unwrap();
    let got = ref_findings(&issues);
    assert!(got.contains(&(12, "REF011".to_string())), "{got:?}");
    assert!(!got.iter().any(|(_, r)| r == "REF010"), "{got:?}");

    std::fs::write(
        rules.join("reference.toml"),
        toml.replace("near_days = 10", "near_dayz = 10"),
    )
    .unwrap();
    let out = args(&rules);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("reference.toml:") && err.contains("near_dayz"),
        "{err}"
    );

    // a rules directory without reference.toml uses the built-in one
    std::fs::remove_file(rules.join("reference.toml")).unwrap();
    assert_eq!(args(&rules).status.code(), Some(1));
}

/// Shards checked against the reference and merged give the whole run's
/// verified counts (`lamsach merge` adds them up like every other count).
#[test]
fn verified_counts_add_up_when_shards_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read_to_string(fixture("tiem-chung.csv")).unwrap();
    let mut lines = whole.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let (a, b) = rows.split_at(rows.len() / 2);
    let mut tallies = Vec::new();
    for (i, part) in [a, b].iter().enumerate() {
        let f = dir.path().join(format!("shard{i}.csv"));
        std::fs::write(&f, format!("{header}\n{}\n", part.join("\n"))).unwrap();
        let out = dir.path().join(format!("out{i}"));
        lamsach(&[
            "check",
            f.to_str().unwrap(),
            "--reference",
            fixture("dan-cu.csv").to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--out",
            out.to_str().unwrap(),
        ]);
        tallies.push(out.join("tally.json").to_str().unwrap().to_string());
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(tallies.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = lamsach(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("tally.json")).unwrap()).unwrap();
    assert_eq!(json["total"]["verified"], 3);
    assert_eq!(json["reference"]["file"], "dan-cu.csv");
}

/// Pupil records: the verified rate per school level, as the education
/// reports print it, and a dead pupil still on the list.
#[test]
fn pupils_verified_per_school_level() {
    let dir = tempfile::tempdir().unwrap();
    let out = lamsach(&[
        "check",
        fixture("hoc-sinh.csv").to_str().unwrap(),
        "--reference",
        fixture("dan-cu-hoc-sinh.csv").to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("3 / 4 (75,00%)"), "{stdout}");
    assert!(stdout.contains("theo nhóm (Cấp học):"), "{stdout}");
    let line = |level: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(level))
            .map(str::to_string)
    };
    assert!(
        line("THCS").is_some_and(|l| l.ends_with("1 / 2 (50,00%)")),
        "{stdout}"
    );
    assert!(
        line("THPT").is_some_and(|l| l.ends_with("1 / 1 (100,00%)")),
        "{stdout}"
    );
    let issues = std::fs::read_to_string(dir.path().join("issues.csv")).unwrap();
    assert_eq!(
        ref_findings(&issues),
        [(3, "REF002".to_string()), (4, "REF014".to_string())],
        "{issues}"
    );
}

#[test]
fn report_tables_carry_the_verified_rate() {
    let out = tempfile::tempdir().unwrap();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(&root)
        .args([
            "check",
            "fixtures/reference/hoc-sinh.csv",
            "--reference",
            "fixtures/reference/dan-cu-hoc-sinh.csv",
            "--today",
            "2026-11-23",
            "--format",
            "md,json",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(md.contains("| Đã xác thực | Tỷ lệ đạt |"), "{md}");
    assert!(md.contains("| **3** | **75,0%** |"), "{md}");
    // without a reference the columns are absent
    let out2 = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(&root)
        .args([
            "check",
            "fixtures/reference/hoc-sinh.csv",
            "--today",
            "2026-11-23",
            "--format",
            "md",
            "--out",
        ])
        .arg(out2.path())
        .output()
        .unwrap();
    let md2 = std::fs::read_to_string(out2.path().join("report.md")).unwrap();
    assert!(!md2.contains("Tỷ lệ đạt"));
}
