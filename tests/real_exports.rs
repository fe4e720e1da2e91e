//! Exports laid out as offices lay them out (`fixtures/real/`): the same 12
//! records under title rows, two-row headers, a notes sheet, sections and
//! footers, a `sep=` line, machine names, coded sex. Each layout must give
//! the findings of the plain file (same records, same rules), count every
//! record, and set the other rows aside where `expected.csv` says they are.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn real(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/real")
        .join(name)
}

fn read_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (crate::snapshot::issues_key(h).to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// `expected.csv`: line → (kind, sample STT) of one layout file.
fn expected(file: &str) -> BTreeMap<u64, (String, Option<u32>)> {
    let text = std::fs::read_to_string(real("expected.csv")).unwrap();
    read_csv(&text)
        .into_iter()
        .filter(|r| r["file"] == file)
        .flat_map(|r| {
            let (a, b): (u64, u64) = (r["line"].parse().unwrap(), r["end_line"].parse().unwrap());
            let stt = r["sample_stt"].parse().ok();
            let kind = r["kind"].clone();
            (a..=b).map(move |l| (l, (kind.clone(), stt)))
        })
        .collect()
}

struct Run {
    code: i32,
    stderr: String,
    /// (sample STT, rule) of every finding.
    findings: BTreeSet<(u32, String)>,
    tally: serde_json::Value,
}

/// Checks a layout file and maps each finding back to its record.
fn run(file: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = real(file);
    let mut args = vec![
        "check",
        input.to_str().unwrap(),
        "--today",
        "2026-12-05",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let issues = std::fs::read_to_string(out.join("issues.csv"))
        .unwrap_or_else(|_| panic!("{file}: no issues.csv; {stderr}"));
    let lines = expected(file);
    let findings = read_csv(&issues)
        .into_iter()
        .map(|r| {
            let line: u64 = r["line"].parse().unwrap();
            match lines.get(&line) {
                Some((kind, Some(stt))) if kind == "record" => (*stt, r["rule"].clone()),
                other => panic!(
                    "{file}: finding {} on line {line}, which is {other:?}",
                    r["rule"]
                ),
            }
        })
        .collect();
    let tally =
        serde_json::from_str(&std::fs::read_to_string(out.join("tally.json")).unwrap()).unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr,
        findings,
        tally,
    }
}

fn without(
    set: &BTreeSet<(u32, String)>,
    drop: impl Fn(u32, &str) -> bool,
) -> BTreeSet<(u32, String)> {
    set.iter()
        .filter(|(stt, rule)| !drop(*stt, rule))
        .cloned()
        .collect()
}

/// Every record read, none lost, and the non-records where expected.csv puts them.
fn assert_accounted(file: &str, r: &Run) {
    let total = &r.tally["total"];
    assert_eq!(total["rows_read"], 12, "{file}: {}", r.tally);
    let set_aside: BTreeSet<(u64, String)> = r.tally["non_records"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|n| {
                    (
                        n["line"].as_u64().unwrap(),
                        n["kind"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let text = std::fs::read_to_string(real("expected.csv")).unwrap();
    let want: BTreeSet<(u64, String)> = read_csv(&text)
        .into_iter()
        .filter(|r| r["file"] == file)
        .filter(|r| !matches!(r["kind"].as_str(), "record" | "header" | "blank" | "notes"))
        .map(|r| (r["line"].parse().unwrap(), r["kind"].clone()))
        .collect();
    assert_eq!(set_aside, want, "{file}");
}

#[test]
fn every_layout_gives_the_plain_files_findings() {
    let plain = run("plain.csv", &[]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(plain.findings.len() >= 10, "{:?}", plain.findings);
    for file in [
        "title-rows.csv",
        "two-row-header.xlsx",
        "notes-first.xlsx",
        "sections.csv",
        "sep-line.csv",
        "signed-groups.csv",
        "machine-names.csv",
        "no-district.csv",
    ] {
        let r = run(file, &[]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        assert_eq!(r.findings, plain.findings, "{file}");
        assert_accounted(file, &r);
    }
}

#[test]
fn year_only_birth_column_is_complete() {
    let plain = run("plain.csv", &[]);
    let r = run("birth-year.csv", &[]);
    assert_accounted("birth-year.csv", &r);
    // a year is what the column asks for: no "year only" finding, and the
    // impossible 31/02/1980 became 1980 (README: a value this layout loses)
    let dob = |_: u32, rule: &str| rule.starts_with("DOB");
    assert_eq!(without(&r.findings, dob), without(&plain.findings, dob));
    assert!(
        !r.findings.iter().any(|(_, rule)| rule.starts_with("DOB")),
        "{:?}",
        r.findings
    );
}

#[test]
fn sex_codes_stated_in_the_header_or_given_are_read() {
    let plain = run("plain.csv", &[]);
    // record 11 (STT 20) is "Khác" in plain; each scheme writes it its own way
    let sex_of_11 = |stt: u32, rule: &str| stt == 20 && rule.starts_with("SEX");
    for (file, extra) in [
        ("coded-sex-hint.csv", &[][..]),
        ("coded-sex-hint-reversed.csv", &[][..]),
        ("coded-sex-10.csv", &["--sex-codes", "1=nam,0=nu"][..]),
        ("coded-sex-123.csv", &[][..]),
        ("coded-sex-x.csv", &[][..]),
    ] {
        let r = run(file, extra);
        assert_accounted(file, &r);
        assert_eq!(
            without(&r.findings, sex_of_11),
            without(&plain.findings, sex_of_11),
            "{file}"
        );
    }
    // the meaning reversed by hand: every woman becomes a man, and the
    // reference-free checks that use the sex (ID structure) see it
    let wrong = run("coded-sex-hint.csv", &["--sex-codes", "0=nam,1=nu"]);
    assert_ne!(wrong.findings, plain.findings);
}

#[test]
fn zero_one_sex_without_a_meaning_is_one_notice_not_a_finding_per_row() {
    let plain = run("plain.csv", &[]);
    let r = run("coded-sex-10.csv", &[]);
    assert_accounted("coded-sex-10.csv", &r);
    // 0 and 1 are not findings; "Khác" (STT 20, written as it is) still is
    let sex = |_: u32, rule: &str| rule.starts_with("SEX");
    let sex_rows: Vec<u32> = r
        .findings
        .iter()
        .filter(|(_, rule)| rule.starts_with("SEX"))
        .map(|(stt, _)| *stt)
        .collect();
    assert_eq!(sex_rows, [20]);
    assert_eq!(without(&r.findings, sex), without(&plain.findings, sex));
    let notices = r.tally["notices"].to_string();
    assert!(
        notices.contains("--sex-codes") && notices.contains("0: 5"),
        "{notices}"
    );
}

/// Every published header spelling of `headers.csv` read as its field.
#[test]
fn published_header_spellings_are_read_by_meaning() {
    use lamsach_model::header::Reading;
    use lamsach_model::profile::{Field, RuleData};
    let data = RuleData::embedded().unwrap();
    let text = std::fs::read_to_string(real("headers.csv")).unwrap();
    let rows = read_csv(&text);
    assert!(rows.len() >= 60, "{} spellings", rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let (header, want) = (&r["header"], r["field"].as_str());
        let got = match data.headers.read(header) {
            Reading::Field { field, .. } => field.name().to_string(),
            Reading::Mark(_) => "sex".to_string(),
            Reading::NotAField | Reading::Unknown | Reading::SomeoneElse => "none".to_string(),
            other => format!("{other:?}"),
        };
        if got != want {
            wrong.push(format!("{header:?}: {got}, expected {want}"));
        }
        // a field lamsach knows is a field of `enum Field`
        if want != "none" {
            assert!(Field::from_name(want).is_some(), "{want}");
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} misread:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

fn lamsach(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `lamsach columns` says which rows are the header, which column is which
/// field and how sure, what is left unchecked, and which rows are set aside.
#[test]
fn columns_shows_the_mapping_it_chose() {
    for (file, extra) in [
        ("title-rows.csv", &[][..]),
        ("two-row-header.xlsx", &[][..]),
        ("sections.csv", &[][..]),
        ("no-district.csv", &["--lang", "en"][..]),
        ("coded-sex-x.csv", &[][..]),
    ] {
        let path = format!("fixtures/real/{file}");
        let mut args = vec!["columns", path.as_str()];
        args.extend_from_slice(extra);
        let (code, out, err) = lamsach(&args);
        assert_eq!(code, 0, "{file}: {err}");
        crate::snapshot::assert_snapshot(
            &real("expected").join(format!("columns-{file}.txt")),
            out.as_bytes(),
        );
    }
}

#[test]
fn header_row_and_column_options_read_what_detection_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    // a header no word of which names a field, under a title row
    std::fs::write(
        &input,
        "Báo cáo tháng 11,,\nA1,A2,A3\nNguyễn Thị Lan,12/05/1990,001190012345\nLê Văn An,01/01/1980,12345\n",
    )
    .unwrap();
    let p = input.to_str().unwrap();
    let (code, _, err) = lamsach(&["check", p, "--profile", "vaccination"]);
    assert_eq!(code, 2);
    // the error says what it found and never sends the user nowhere
    assert!(
        err.contains("--header-row") && err.contains("--column"),
        "{err}"
    );
    let (code, out, err) = lamsach(&[
        "check",
        p,
        "--profile",
        "vaccination",
        "--header-row",
        "2",
        "--column",
        "full_name=A1",
        "--column",
        "dob=2",
        "--column",
        "id=C",
        "--no-dedupe",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("ID002") || out.contains("ID00"), "{out}");
    assert!(out.contains("dòng 4"), "{out}");
    assert!(!out.contains("dòng 3 ID"), "{out}");
    let (code, _, err) = lamsach(&["check", p, "--header-row", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--header-row"), "{err}");
}

#[test]
fn a_missing_column_error_suggests_the_closest_header() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "Họ và tên,Ngày sinh,Số CCDC,Vắc xin,Mũi,Ngày tiêm\nLan,12/05/1990,001190012345,Pfizer,1,15/08/2021\n",
    )
    .unwrap();
    let (code, _, err) = lamsach(&["check", input.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean \"Số CCDC\"") && err.contains("--column id="),
        "{err}"
    );
}

#[test]
fn fix_keeps_titles_sections_and_footers_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["title-rows.csv", "sections.csv"] {
        let out = dir.path().join(file);
        let input = real(file);
        let (code, _, err) = lamsach(&[
            "fix",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(code, 0, "{err}");
        let before = std::fs::read_to_string(&input).unwrap();
        let after = std::fs::read_to_string(&out).unwrap();
        let after = after.trim_start_matches('\u{feff}');
        let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
        assert_eq!(b.len(), a.len(), "{file}");
        // only record lines change
        let lines = expected(file);
        for (i, (x, y)) in b.iter().zip(&a).enumerate() {
            let kind = lines.get(&(i as u64 + 1)).map(|(k, _)| k.as_str());
            if x != y {
                assert_eq!(kind, Some("record"), "{file}:{}: {x} → {y}", i + 1);
            }
        }
    }
}

/// A birth date written under "Nam" or "Nữ" is refused with what to do,
/// not read with the women's birth dates missing.
#[test]
fn a_birth_date_split_by_sex_is_refused_clearly() {
    let (code, _, err) = lamsach(&["check", "fixtures/real/coded-sex-dob-in-column.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("coded-sex-dob-in-column.csv:2:") && err.contains("Nữ"),
        "{err}"
    );
}

/// A workbook with a sheet per commune: the first sheet with a header is
/// read, and the run says which, and that the others with the same header
/// were not checked (`--sheet` reads each).
#[test]
fn other_sheets_with_the_same_header_are_named() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theo-xa.xlsx");
    let header = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD",
        "Vắc xin",
        "Mũi",
        "Ngày tiêm",
    ];
    let mut wb = Workbook::new();
    let summary = wb.add_worksheet();
    summary.set_name("Tổng hợp").unwrap();
    summary.write_string(0, 0, "Tổng số người tiêm: 2").unwrap();
    for (name, person, id) in [
        ("Vĩnh Lộc", "Nguyễn Thị Lan", "008190012345"),
        ("Yên Nguyên", "Trần Văn Nam", ""),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let row = [
            "1",
            person,
            "12/05/1990",
            "Nữ",
            id,
            "Pfizer",
            "1",
            "10/10/2021",
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let file = path.to_str().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = lamsach(&[
        "check",
        file,
        "--today",
        "2026-12-05",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("Chỉ đọc trang \"Vĩnh Lộc\"") && said.contains("\"Yên Nguyên\""),
        "{said}"
    );
    // the other sheet, named, is read and its missing ID found
    let (code, stdout, stderr) = lamsach(&[
        "check",
        file,
        "--sheet",
        "Yên Nguyên",
        "--today",
        "2026-12-05",
        "-q",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
}
