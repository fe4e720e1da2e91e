//! End-to-end tests of duplicate detection: `lamsach dedupe` (clusters.csv)
//! and the DUP003–DUP005 findings of `lamsach check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dedupe")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Rows of a CSV written by lamsach (BOM stripped), header first.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("file written");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} has a BOM",
        path.display()
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.expect("valid csv").iter().map(str::to_string).collect())
        .collect()
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| crate::snapshot::issues_key(h) == name)
        .unwrap_or_else(|| panic!("column {name}"))
}

/// (line, rule) of every DUP003..DUP005 finding in issues.csv.
fn dup_findings(dir: &Path) -> Vec<(u64, String, String)> {
    let rows = read_csv(&dir.join("issues.csv"));
    let (l, r, m) = (
        col(&rows, "line"),
        col(&rows, "rule"),
        col(&rows, "message"),
    );
    rows[1..]
        .iter()
        .filter(|x| matches!(x[r].as_str(), "DUP003" | "DUP004" | "DUP005"))
        .map(|x| (x[l].parse().unwrap(), x[r].clone(), x[m].clone()))
        .collect()
}

fn check(file: &Path, extra: &[&str]) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "check",
        file.to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        dir.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    (dir, out)
}

#[test]
fn check_reports_each_kind_of_duplicate() {
    let (dir, out) = check(&fixture("mixed.csv"), &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = dup_findings(dir.path());
    let got: Vec<(u64, &str)> = f.iter().map(|(l, r, _)| (*l, r.as_str())).collect();
    assert_eq!(
        got,
        vec![(4, "DUP004"), (6, "DUP003"), (8, "DUP005")],
        "{f:?}"
    );
    assert!(
        f[0].2
            .starts_with("Cùng một người với dòng 2, một bản ghi không có số định danh hợp lệ"),
        "{}",
        f[0].2
    );
    assert!(
        f[1].2
            .starts_with("Cùng một người với dòng 5 nhưng số định danh lệch một chữ số"),
        "{}",
        f[1].2
    );
    assert_eq!(
        f[2].2,
        "Trùng mũi tiêm với dòng 7 (cùng người, cùng vắc xin và mũi, ngày lệch 2 ngày)"
    );
    // The exact repeat stays DUP001's, not reported twice.
    let issues = std::fs::read_to_string(dir.path().join("issues.csv")).unwrap();
    assert!(
        issues.lines().any(|l| l.starts_with("9,DUP001,")),
        "{issues}"
    );
    assert!(!issues.lines().any(|l| l.starts_with("9,DUP005,")));
    // Counted in the tally under the duplicate category.
    let tally = std::fs::read_to_string(dir.path().join("tally.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert!(tally.contains("DUP004"), "{v}");
}

#[test]
fn check_in_english_and_without_dedupe() {
    let (dir, _) = check(&fixture("mixed.csv"), &["--lang", "en"]);
    let f = dup_findings(dir.path());
    assert!(
        f[0].2
            .starts_with("Same person as line 2, one of the two without a valid ID"),
        "{f:?}"
    );
    let (dir, _) = check(&fixture("mixed.csv"), &["--no-dedupe"]);
    assert!(dup_findings(dir.path()).is_empty());
}

#[test]
fn near_misses_are_not_duplicates() {
    // twins (same birth date and family name, other given names, IDs one
    // digit apart, one phone), a father and son with the same name, and a
    // person with three doses under one ID
    let (dir, out) = check(&fixture("near-misses.csv"), &[]);
    assert!(out.status.code().is_some());
    assert_eq!(dup_findings(dir.path()), vec![]);
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "dedupe",
        fixture("near-misses.csv").to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let rows = read_csv(&dir.path().join("clusters.csv"));
    assert_eq!(rows.len(), 1, "only the header: {rows:?}");
}

#[test]
fn dedupe_writes_clusters_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "dedupe",
        fixture("mixed.csv").to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--mask-ids",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("(DUP003/DUP004): 2 cụm, 5 dòng"),
        "{stdout}"
    );
    let rows = read_csv(&dir.path().join("clusters.csv"));
    let (l, c, k, s, role, rule) = (
        col(&rows, "line"),
        col(&rows, "cluster"),
        col(&rows, "kind"),
        col(&rows, "score"),
        col(&rows, "role"),
        col(&rows, "rule"),
    );
    let summary: Vec<(String, String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[l].clone(),
                r[c].clone(),
                r[k].clone(),
                r[role].clone(),
                r[rule].clone(),
            )
        })
        .collect();
    let t = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        (a.into(), b.into(), c.into(), d.into(), e.into())
    };
    assert_eq!(
        summary,
        vec![
            t("2", "1", "person", "keep", ""),
            t("3", "1", "person", "keep", ""),
            t("4", "1", "person", "same-person", "DUP004"),
            t("5", "2", "person", "keep", ""),
            t("6", "2", "person", "same-person", "DUP003"),
            t("7", "3", "event", "keep", ""),
            t("8", "3", "event", "duplicate", "DUP005"),
            t("9", "3", "event", "duplicate-exact", ""),
        ]
    );
    for r in &rows[1..] {
        assert!(r[s].parse::<f32>().unwrap() >= 9.0, "{r:?}");
    }
    // fields that agreed, and the row's own values, IDs masked
    let agreed = col(&rows, "agreed");
    assert!(rows[3][agreed].contains("dob~swapped"), "{:?}", rows[3]);
    // each matched row says why: field:level weight, adding up to its score
    let weights = col(&rows, "weights");
    assert!(rows[3][weights].contains("dob:swapped +"), "{:?}", rows[3]);
    for r in rows[1..].iter().filter(|r| r[role] == "same-person") {
        let parts: Vec<f32> = r[weights]
            .split("; ")
            .map(|p| p.rsplit(' ').next().unwrap().parse::<f32>().unwrap())
            .collect();
        let sum: f32 = parts.iter().sum();
        let score: f32 = r[s].parse().unwrap();
        assert!(
            (sum - score).abs() <= 0.05 * parts.len() as f32 + 0.05,
            "{r:?}"
        );
    }
    let id = col(&rows, "Số CCCD");
    assert_eq!(rows[1][id], "0081****2345");
}

#[test]
fn dedupe_prints_clusters_by_line_without_out() {
    let out = run(&["dedupe", fixture("mixed.csv").to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("  cụm 1 (cùng người): dòng 2 (giữ lại), 3 (giữ lại), 4 [DUP004]\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  cụm 3 (cùng mũi tiêm): dòng 7 (giữ lại), 8 [DUP005], 9\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Nguyễn"),
        "no personal values on the terminal: {stdout}"
    );
}

#[test]
fn user_written_profile() {
    let profile = fixture("my-profile.toml");
    let (dir, out) = check(
        &fixture("my-list.csv"),
        &["--profile", profile.to_str().unwrap()],
    );
    assert!(
        out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = dup_findings(dir.path());
    let got: Vec<(u64, &str)> = f.iter().map(|(l, r, _)| (*l, r.as_str())).collect();
    assert_eq!(got, vec![(4, "DUP004")], "{f:?}");
}

/// A copy of `rules/` whose dedupe.toml has `from` replaced by `to`; also
/// returns the original dedupe.toml text.
fn rules_with(from: &str, to: &str) -> (tempfile::TempDir, String) {
    let rules = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    std::fs::create_dir_all(rules.path().join("profiles")).unwrap();
    for f in [
        "settings.toml",
        "provinces.toml",
        "profiles/vaccination.toml",
        "profiles/bhxh.toml",
        "profiles/education.toml",
    ] {
        std::fs::copy(src.join(f), rules.path().join(f)).unwrap();
    }
    let d = std::fs::read_to_string(src.join("dedupe.toml")).unwrap();
    assert!(d.contains(from), "{from}");
    std::fs::write(rules.path().join("dedupe.toml"), d.replace(from, to)).unwrap();
    (rules, d)
}

#[test]
fn oversized_block_warns_with_kind_and_size_only() {
    let (rules, d) = rules_with("max_block = 400", "max_block = 2");
    let out = run(&[
        "dedupe",
        fixture("near-misses.csv").to_str().unwrap(),
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("khối 'phone'") && err.contains("max_block = 2"),
        "{err}"
    );
    assert!(
        !err.contains("0911222333") && !err.contains("Phạm"),
        "{err}"
    );
    // Over check_max_bytes, check skips the pre-pass and says so.
    std::fs::write(
        rules.path().join("dedupe.toml"),
        d.replace("check_max_bytes = 1_500_000_000", "check_max_bytes = 100"),
    )
    .unwrap();
    let out = run(&[
        "check",
        fixture("mixed.csv").to_str().unwrap(),
        "--rules",
        rules.path().to_str().unwrap(),
        "-q",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("check_max_bytes = 100") && err.contains("lamsach dedupe"),
        "{err}"
    );
    // A typo in the rules file names the file and the key.
    std::fs::write(
        rules.path().join("dedupe.toml"),
        d.replace("max_block = 400", "max_blok = 400"),
    )
    .unwrap();
    let out = run(&[
        "dedupe",
        fixture("mixed.csv").to_str().unwrap(),
        "--rules",
        rules.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dedupe.toml:") && err.contains("max_blok"),
        "{err}"
    );
}

/// Writes `export.csv` and `truth.csv` to `out`, as `cargo xtask
/// synth-dupes` does (with its default rates).
fn synth_dupes(rows: usize, seed: u64, out: &Path) {
    let code = xtask::dedupe_synth::run(&xtask::dedupe_synth::SynthArgs {
        rows,
        seed,
        ..xtask::dedupe_synth::SynthArgs::new(out)
    })
    .unwrap();
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}

/// Precision, recall and F1 of `kind` (person, event or all) in `dir`'s
/// clusters.csv against `truth`, and the whole score text for messages.
fn scores(truth: &Path, dir: &Path, kind: &str) -> (Vec<f64>, String) {
    let text = xtask::dedupe_score::score(&xtask::dedupe_score::ScoreArgs {
        truth: truth.to_path_buf(),
        clusters: dir.join("clusters.csv"),
    })
    .unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{kind},")))
        .expect("score line");
    let v = line
        .split(',')
        .skip(4)
        .map(|v| v.parse().unwrap())
        .collect();
    (v, text)
}

#[test]
fn synth_and_score_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    synth_dupes(3000, 7, dir.path());
    let export = dir.path().join("export.csv");
    let out = run(&["dedupe", export.to_str().unwrap(), "--out", d, "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let (all, text) = scores(&dir.path().join("truth.csv"), dir.path(), "all");
    assert!(all[2] > 0.85, "{text}");
}

#[test]
fn same_clusters_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    synth_dupes(4000, 11, dir.path());
    let export = dir.path().join("export.csv");
    // The embedded rules, and a window of 2 for every block so that most
    // blocks of this small file are compared by sorted neighbourhood.
    let (narrow, _) = rules_with("window = 12", "window = 2");
    let narrowed = narrow.path().join("dedupe.toml");
    let text = std::fs::read_to_string(&narrowed).unwrap();
    let text: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with("window = ") {
                "window = 2"
            } else {
                l
            }
        })
        .collect();
    std::fs::write(&narrowed, text.join("\n")).unwrap();
    let rules = narrow.path().to_str().unwrap();
    let mut pairs = Vec::new();
    for extra in [&[][..], &["--rules", rules][..]] {
        let mut files = Vec::new();
        for t in ["1", "2"] {
            let o = dir.path().join(format!("t{t}-{}", extra.len()));
            let mut args = vec![
                "dedupe",
                export.to_str().unwrap(),
                "--out",
                o.to_str().unwrap(),
                "--threads",
                t,
            ];
            args.extend_from_slice(extra);
            let out = run(&args);
            assert_eq!(out.status.code(), Some(1));
            files.push(std::fs::read(o.join("clusters.csv")).unwrap());
            // "số cặp đã so sánh: N;"
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let n: u64 = text
                .split("số cặp đã so sánh: ")
                .nth(1)
                .and_then(|r| r.split(';').next())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{text}"));
            pairs.push(n);
        }
        assert!(files[0].len() > 100);
        assert_eq!(files[0], files[1]);
    }
    // Same count for any thread count; the narrow window compares fewer.
    assert_eq!(pairs[0], pairs[1]);
    assert_eq!(pairs[2], pairs[3]);
    assert!(pairs[2] < pairs[0], "{pairs:?}");
}

#[test]
fn huge_names_do_not_stall_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("huge.csv");
    let long_a = format!("Nguyễn {}", "a".repeat(300_000));
    let long_b = format!("Nguyễn {}", "b".repeat(300_000));
    let text = format!(
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Huyện,Vắc xin,Mũi,Ngày tiêm\n\
         {long_a},01/01/1990,Nam,,Na Hang,Pfizer,1,01/08/2021\n\
         {long_b},01/01/1990,Nam,,Na Hang,Pfizer,1,01/08/2021\n"
    );
    std::fs::write(&f, text).unwrap();
    let t = std::time::Instant::now();
    let out = run(&["dedupe", f.to_str().unwrap(), "-q"]);
    assert!(out.status.code().is_some());
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

/// The record kept is the correct one, not the latest: two doses with the
/// right ID and diacritics are kept over a later booster whose ID has two
/// digits swapped and whose name lost its diacritics; DUP003 lands on the
/// booster, with the kept row in related_lines.
#[test]
fn the_correct_record_survives_not_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Vắc xin,Mũi,Ngày tiêm\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,1,10/08/2021\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,2,20/10/2021\n\
         DO THANH NGOC,15/03/1940,Nam,038040728056,0912345678,Thọ Xuân,Xuân Lai,Pfizer,3,05/03/2022\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "check",
        input.to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dups = dup_findings(&out);
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!((dups[0].0, dups[0].1.as_str()), (4, "DUP003"));
    let rows = read_csv(&out.join("issues.csv"));
    let rel = col(&rows, "related_lines");
    let dup3 = rows.iter().find(|r| r[1] == "DUP003").unwrap();
    assert!(dup3[rel] == "2" || dup3[rel] == "3", "{dup3:?}");
}

/// Of two rows of one dose, or two records of one person, the finding
/// lands on the row that needs fixing — an ID that lost its zeros or has
/// spaces, an unknown province code, a birth date of a year only —
/// whichever comes first in the file.
#[test]
fn the_row_to_fix_is_flagged_in_either_order() {
    let head = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Xã,Vắc xin,Mũi,Ngày tiêm\n";
    let other =
        "Phạm Văn Bình,02/03/1980,Nam,008080011111,0911000001,Vĩnh Lộc,Pfizer,1,01/09/2021\n";
    let good =
        "Nguyễn Thị Lan,12/05/1990,Nữ,008190012345,0912345678,Vĩnh Lộc,AstraZeneca,1,15/08/2021\n";
    let cases = [
        // (the row to fix, the rule expected on it)
        ("Nguyễn Thị Lan,12/05/1990,Nữ,8190012345,0912345678,Vĩnh Lộc,AstraZeneca,1,15/08/2021\n", "DUP005"),
        ("Nguyễn Thị Lan,12/05/1990,Nữ,008 190 012 345,0912345678,Vĩnh Lộc,AstraZeneca,1,15/08/2021\n", "DUP005"),
        ("Nguyễn Thị Lan,1990,Nữ,008190012345,0912345678,Vĩnh Lộc,AstraZeneca,1,16/08/2021\n", "DUP005"),
        ("Nguyễn Thị Lan,12/05/1990,Nữ,009190012345,0912345678,Vĩnh Lộc,AstraZeneca,2,20/10/2021\n", "DUP003"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (bad, rule)) in cases.iter().enumerate() {
        for bad_first in [true, false] {
            let (a, b) = if bad_first {
                (bad, &good)
            } else {
                (&good, bad)
            };
            let input = dir.path().join(format!("in-{i}-{bad_first}.csv"));
            std::fs::write(&input, format!("{head}{other}{a}{b}")).unwrap();
            let (out, o) = check(&input, &[]);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let bad_line = if bad_first { 3 } else { 4 };
            let dups: Vec<(u64, String)> = dup_findings(out.path())
                .into_iter()
                .map(|(l, r, _)| (l, r))
                .collect();
            assert_eq!(
                dups,
                [(bad_line, rule.to_string())],
                "{bad} (first: {bad_first})"
            );
        }
    }
}

/// Namesakes whose valid IDs differ are not the same event: no DUP005,
/// however much else agrees.
#[test]
fn namesakes_with_different_valid_ids_are_not_one_event() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Vắc xin,Mũi,Ngày tiêm\n\
         Nguyễn Văn Hùng,01/02/1980,Nam,038080728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,1,10/08/2021\n\
         Nguyễn Văn Hùng,01/02/1980,Nam,001080123456,0987654321,Ba Đình,Kim Mã,AstraZeneca,1,10/08/2021\n",
    )
    .unwrap();
    let (out, o) = check(&input, &[]);
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !dup_findings(out.path())
            .iter()
            .any(|(_, r, _)| r == "DUP005"),
        "{:?}",
        dup_findings(out.path())
    );
}

/// Rows with the same name and birth date but different unusable IDs are
/// not merged into one record and lost: they form a cluster (DUP004).
#[test]
fn different_malformed_ids_are_reported_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Vắc xin,Mũi,Ngày tiêm\n\
         Lê Văn Tám,01/02/1980,Nam,0380807280,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,1,10/08/2021\n\
         Lê Văn Tám,01/02/1980,Nam,38080728O65,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,2,20/10/2021\n",
    )
    .unwrap();
    let (out, _) = check(&input, &[]);
    let dups = dup_findings(out.path());
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0].1, "DUP004");
}

/// A record with two doses under a mistyped ID is one problem: DUP003 on
/// both rows (each needs its ID fixed), counted once in the tally.
#[test]
fn a_wrong_record_with_several_rows_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Vắc xin,Mũi,Ngày tiêm\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,1,10/08/2021\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,2,20/10/2021\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,Pfizer,3,05/03/2022\n\
         DO THANH NGOC,15/03/1940,Nam,038040728056,0912345678,Thọ Xuân,Xuân Lai,Pfizer,4,05/09/2022\n\
         DO THANH NGOC,15/03/1940,Nam,038040728056,0912345678,Thọ Xuân,Xuân Lai,Pfizer,5,05/03/2023\n",
    )
    .unwrap();
    let (out, _) = check(&input, &[]);
    let dups = dup_findings(out.path());
    let lines: Vec<(u64, &str)> = dups.iter().map(|(l, r, _)| (*l, r.as_str())).collect();
    assert_eq!(lines, [(5, "DUP003"), (6, "DUP003")]);
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("tally.json")).unwrap())
            .unwrap();
    assert_eq!(t["total"]["rules"]["DUP003"], 1, "{}", t["total"]);
}

/// With the population extract, the record it agrees with is kept, even
/// when nothing else tells the two apart (the latest would be kept).
#[test]
fn the_record_the_reference_agrees_with_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Vắc xin,Mũi,Ngày tiêm\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728065,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,1,10/08/2021\n\
         Đỗ Thanh Ngọc,15/03/1940,Nam,038040728056,0912345678,Thọ Xuân,Xuân Lai,AstraZeneca,2,20/10/2021\n",
    )
    .unwrap();
    let reference = dir.path().join("dan-cu.csv");
    std::fs::write(
        &reference,
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính\n038040728065,Đỗ Thanh Ngọc,15/03/1940,Nam\n",
    )
    .unwrap();
    let keep = |extra: &[&str]| -> String {
        let out = dir.path().join(format!("out{}", extra.len()));
        let mut args = vec![
            "dedupe",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let rows = read_csv(&out.join("clusters.csv"));
        let (l, r) = (col(&rows, "line"), col(&rows, "role"));
        rows[1..]
            .iter()
            .find(|x| x[r] == "keep")
            .map(|x| x[l].clone())
            .unwrap()
    };
    assert_eq!(keep(&[]), "3");
    assert_eq!(keep(&["--reference", reference.to_str().unwrap()]), "2");
}

/// A profile asking to learn the weights from the file. On Vietnamese
/// households the unlabelled model finds households (one family name, phone
/// and address), not duplicates: it is refused, said on stdout and shown in
/// weights.csv, and the hand-set weights keep F1 high. A file too small to
/// learn from keeps them too, and says so.
#[test]
fn weights_learned_from_the_file_when_the_profile_asks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    synth_dupes(3000, 7, dir.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("rules/profiles/vaccination.toml")).unwrap();
    let profile = dir.path().join("learn.toml");
    assert!(
        text.contains("learn = false"),
        "the Vietnamese profile turns learning off"
    );
    std::fs::write(&profile, text.replace("learn = false", "learn = true")).unwrap();
    let export = dir.path().join("export.csv");
    let p = profile.to_str().unwrap();
    let out = run(&[
        "dedupe",
        export.to_str().unwrap(),
        "--out",
        d,
        "--profile",
        p,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Không dùng trọng số học được"), "{stdout}");
    let model = std::fs::read_to_string(dir.path().join("weights.csv")).unwrap();
    assert!(model.contains("full_name,differ,"), "{model}");
    let (person, score) = scores(&dir.path().join("truth.csv"), dir.path(), "person");
    assert!(person[2] > 0.85, "{score}");

    let small = fixture("mixed.csv");
    let out = run(&[
        "dedupe",
        small.to_str().unwrap(),
        "--profile",
        p,
        "--lang",
        "en",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Too few records or compared pairs to learn"),
        "{stdout}"
    );
}

/// A list laid out like the FEBRL benchmark (people in Australia: no
/// households, names of any order), with a duplicate of one in four
/// records carrying typos: the model learned from it is used, and finds
/// the duplicates with high precision and recall.
#[test]
fn weights_learned_on_a_list_of_another_country_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let given = [
        "jack",
        "olivia",
        "liam",
        "charlotte",
        "noah",
        "amelia",
        "oliver",
        "isla",
        "william",
        "mia",
        "james",
        "ava",
        "thomas",
        "grace",
        "lucas",
        "chloe",
        "henry",
        "zoe",
        "ethan",
        "ruby",
        "samuel",
        "ella",
        "harrison",
        "sophie",
        "joshua",
        "emily",
        "max",
        "lily",
    ];
    let family = [
        "smith", "jones", "williams", "brown", "wilson", "taylor", "johnson", "white", "martin",
        "anderson", "thompson", "nguyen", "thomas", "walker", "harris", "lee", "ryan", "robinson",
        "kelly", "king", "davis", "wright", "evans", "roberts", "green", "hall", "wood", "jackson",
        "clarke", "patel", "khan", "lewis", "james", "phillips", "mitchell", "turner", "campbell",
    ];
    let streets = [
        "main", "high", "station", "church", "park", "victoria", "george", "king",
    ];
    let mut csv = String::from("name,date_of_birth,soc_sec_id,address,suburb,postcode,state\n");
    let mut truth = String::from("line,kind,cluster,record\n");
    let mut line = 1;
    for i in 0..3000 {
        let name = format!(
            "{} {}",
            family[next(family.len())],
            given[next(given.len())]
        );
        let dob = format!(
            "19{:02}{:02}{:02}",
            20 + next(80),
            1 + next(12),
            1 + next(28)
        );
        let ssn = format!("{:07}", 1_000_000 + next(8_999_999));
        let addr = format!("{} {} street", 1 + next(200), streets[next(streets.len())]);
        let post = format!("{}", 2000 + next(5000));
        let copies = if i % 4 == 0 { 2 } else { 1 };
        for c in 0..copies {
            let (mut n, mut d, mut s) = (name.clone(), dob.clone(), ssn.clone());
            if c == 1 {
                match next(3) {
                    // two letters swapped in the name
                    0 => {
                        let mut b: Vec<char> = n.chars().collect();
                        let at = 1 + next(b.len() - 3);
                        b.swap(at, at + 1);
                        n = b.into_iter().collect();
                    }
                    // the words the other way round
                    1 => {
                        let w: Vec<&str> = n.split(' ').collect();
                        n = format!("{} {}", w[1], w[0]);
                    }
                    // one digit of the ID and the birth date's day
                    _ => {
                        s.replace_range(3..4, &((s.as_bytes()[3] - b'0' + 1) % 10).to_string());
                        d.replace_range(6..8, &format!("{:02}", 1 + next(28)));
                    }
                }
            }
            line += 1;
            csv.push_str(&format!("{n},{d},{s},\"{addr}\",town{post},{post},nsw\n"));
            truth.push_str(&format!("{line},person,{i},{i}\n"));
        }
    }
    let (export, truth_path) = (dir.path().join("list.csv"), dir.path().join("truth.csv"));
    std::fs::write(&export, csv).unwrap();
    std::fs::write(&truth_path, truth).unwrap();
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/linkage/person.toml");
    let d = dir.path().to_str().unwrap();
    let out = run(&[
        "dedupe",
        export.to_str().unwrap(),
        "--out",
        d,
        "--profile",
        profile.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Weights learned from this file"),
        "{stdout}"
    );
    let (f, score) = scores(&truth_path, dir.path(), "person");
    assert!(f[0] >= 0.95 && f[1] >= 0.9, "{score}");
}

/// A list of people of any kind (a user's profile maps name, birth date,
/// city and e-mail): rows with neither an ID nor a birth date are one record
/// only when their places and contacts agree too (two "John Smith" of two
/// cities are two people); one e-mail tells a typo from a sibling; `--pairs`
/// gives each compared pair its score and the weight of each field.
#[test]
fn a_list_of_people_without_ids() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("people.csv");
    std::fs::write(
        &input,
        "name,dob,city,email\n\
         John Smith,,London,js@a.com\n\
         John Smith,,Leeds,jsmith@b.org\n\
         John Smith,,London,js@a.com\n\
         Arthur Booth,2007-09-13,Leeds,arthurbooth25@romero.com\n\
         Arthur Both,2007-09-13,,arthurbooth25@romero.com\n",
    )
    .unwrap();
    let profile = dir.path().join("people.toml");
    std::fs::write(
        &profile,
        "name = \"people\"\nlabel_vi = \"Danh sách\"\nlabel_en = \"People\"\ngroup_by = \"commune\"\n\
         needed = [\"full_name\"]\nrequired = [\"full_name\"]\nevent_key = [\"full_name\", \"dob\"]\n\
         signature = []\n[fields]\nfull_name = [\"name\"]\ndob = [\"dob\"]\n\
         commune = [\"city\"]\nemail = [\"email\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let pairs = dir.path().join("pairs.csv");
    let o = run(&[
        "dedupe",
        input.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = read_csv(&pairs);
    assert_eq!(rows[0], ["line_a", "line_b", "how", "score", "weights"]);
    let pair = |a: &str, b: &str| {
        rows[1..]
            .iter()
            .find(|r| r[0] == a && r[1] == b)
            .cloned()
            .unwrap_or_else(|| panic!("{a},{b} not in {rows:?}"))
    };
    // one John Smith of London twice: one record; the one of Leeds another
    assert_eq!(pair("2", "4")[2], "same-record");
    let leeds = pair("2", "3");
    assert_eq!(leeds[2], "compared");
    assert!(leeds[3].parse::<f32>().unwrap() < 9.0, "{leeds:?}");
    assert!(leeds[4].contains("commune:differ"), "{leeds:?}");
    // Booth / Both under one e-mail: a typo, one person
    let booth = pair("5", "6");
    assert!(
        booth[4].contains("full_name:typo") && booth[4].contains("email:agree"),
        "{booth:?}"
    );
    let clusters = read_csv(&out.join("clusters.csv"));
    let l = col(&clusters, "line");
    let lines: Vec<&str> = clusters[1..].iter().map(|r| r[l].as_str()).collect();
    // the London rows are one row written twice; Leeds is nobody's duplicate
    assert_eq!(lines, ["2", "4", "5", "6"], "{clusters:?}");
}
