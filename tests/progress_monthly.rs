//! Progress between two versions of one export with known fixes
//! (`fixtures/progress/month1.csv` → `month2.csv`):
//! fixed: phone of line 3, missing ID of line 4 (now filled: a new key,
//! matched by name + DOB), dropped zeros of line 6, vaccination date of line 8;
//! still open: ID structure of line 5, old CMND of line 7;
//! new: phone of line 5 and of the new line 9.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lamsach(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(args)
        .output()
        .unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn month(n: u8) -> PathBuf {
    root().join(format!("fixtures/progress/month{n}.csv"))
}

/// (category key → [fixed, open, new]) from a report.json progress table.
fn figures(report: &Path, id: &str) -> Vec<(String, [u64; 3])> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let t = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    let cols: Vec<&str> = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    let at = |k: &str| cols.iter().position(|c| *c == k).unwrap();
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&t["total"]])
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                [
                    r[at("fixed")].as_u64().unwrap(),
                    r[at("open")].as_u64().unwrap(),
                    r[at("new")].as_u64().unwrap(),
                ],
            )
        })
        .collect()
}

#[test]
fn fixed_open_new_per_category_and_group() {
    let d = tempfile::tempdir().unwrap();
    let s1 = d.path().join("month1.state");
    let s2 = d.path().join("month2.state");
    let out = d.path().join("out");
    let o = lamsach(&[
        os("check"),
        month(1).as_os_str(),
        os("--today"),
        os("2026-10-23"),
        os("-q"),
        os("--save-state"),
        s1.as_os_str(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = lamsach(&[
        os("check"),
        month(2).as_os_str(),
        os("--today"),
        os("2026-11-23"),
        os("--lang"),
        os("en"),
        os("--since"),
        s1.as_os_str(),
        os("--save-state"),
        s2.as_os_str(),
        os("--out"),
        out.as_os_str(),
        os("--format"),
        os("json,md,html,xlsx"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("Progress since month1.csv (2026-10-23)"),
        "{stdout}"
    );
    let cats = figures(&out.join("report.json"), "progress_categories");
    let expect: Vec<(String, [u64; 3])> = vec![
        ("No ID number".into(), [1, 0, 0]),
        ("Malformed ID number".into(), [1, 0, 0]),
        ("Invalid ID number structure".into(), [0, 1, 0]),
        ("Old 9-digit ID (CMND) to update".into(), [0, 1, 0]),
        ("Wrong personal information".into(), [1, 0, 2]),
        ("Wrong vaccination / schooling data".into(), [1, 0, 0]),
        ("Total".into(), [4, 2, 2]),
    ];
    assert_eq!(cats, expect);
    let groups = figures(&out.join("report.json"), "progress_groups");
    assert_eq!(
        groups,
        vec![
            ("Chiêm Hóa".into(), [1, 0, 0]),
            ("Hàm Yên".into(), [1, 1, 1]),
            ("Na Hang".into(), [1, 1, 0]),
            ("Yên Sơn".into(), [1, 0, 1]),
            ("Total".into(), [4, 2, 2]),
        ]
    );
    // the xlsx progress sheet holds the same numbers, as numbers
    {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
        assert_eq!(wb.sheet_names()[0], "Progress by category");
        let r = wb.worksheet_range("Progress by category").unwrap();
        let last = r.height() as u32 - 3; // total row, blank, note
        assert_eq!(r.get_value((last, 1)), Some(&Data::String("Total".into())));
        assert_eq!(r.get_value((last, 3)), Some(&Data::Float(4.0)));
        assert_eq!(r.get_value((last, 4)), Some(&Data::Float(2.0)));
        assert_eq!(r.get_value((last, 5)), Some(&Data::Float(2.0)));
        match r.get_value((last, 7)) {
            Some(Data::Float(x)) => assert!((x - 4.0 / 6.0).abs() < 1e-3),
            other => panic!("{other:?}"),
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("fixed 4 (66.7%); still open 2; new 2"), "{md}");
    // persons, as the seeds count them ("đối tượng cần chỉnh sửa … đã chỉnh sửa … đang chỉnh sửa")
    let persons = figures(&out.join("report.json"), "progress_persons");
    assert_eq!(
        persons,
        vec![
            ("Chiêm Hóa".into(), [1, 0, 0]),
            ("Hàm Yên".into(), [1, 1, 0]),
            ("Na Hang".into(), [1, 1, 0]),
            ("Yên Sơn".into(), [1, 0, 1]),
            ("Total".into(), [4, 2, 1]),
        ]
    );
    assert!(
        stdout
            .contains("Persons to correct last time 6: corrected 4 (66.7%), in progress 2; new 1"),
        "{stdout}"
    );

    // the same figures from the two state files, in Vietnamese
    let p = d.path().join("progress");
    let o = lamsach(&[
        os("progress"),
        os("--since"),
        s1.as_os_str(),
        s2.as_os_str(),
        os("--out"),
        p.as_os_str(),
        os("--format"),
        os("json,md"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("đã làm sạch") && stdout.contains("66,7%"),
        "{stdout}"
    );
    let cats_vi = figures(&p.join("report.json"), "progress_categories");
    assert_eq!(
        cats_vi.last().unwrap(),
        &("Tổng cộng".to_string(), [4, 2, 2])
    );
    assert_eq!(
        cats_vi.iter().map(|c| c.1).collect::<Vec<_>>(),
        expect.iter().map(|c| c.1).collect::<Vec<_>>()
    );
    let md = std::fs::read_to_string(p.join("report.md")).unwrap();
    assert!(
        md.contains("đã làm sạch 4 (đạt 66,7%); chưa làm sạch 2; phát sinh mới 2"),
        "{md}"
    );
}

#[test]
fn state_files_hold_no_personal_values_and_share_the_salt() {
    let d = tempfile::tempdir().unwrap();
    let s1 = d.path().join("a.state");
    let s2 = d.path().join("b.state");
    lamsach(&[
        os("check"),
        month(1).as_os_str(),
        os("-q"),
        os("--save-state"),
        s1.as_os_str(),
    ]);
    lamsach(&[
        os("check"),
        month(2).as_os_str(),
        os("-q"),
        os("--since"),
        s1.as_os_str(),
        os("--save-state"),
        s2.as_os_str(),
    ]);
    let a = std::fs::read_to_string(&s1).unwrap();
    let b = std::fs::read_to_string(&s2).unwrap();
    for text in [&a, &b] {
        for personal in [
            "008180007788",
            "123456789",
            "8195003344",
            "Phạm",
            "Vũ Văn",
            "20/07/1970",
            "1970-07-20",
        ] {
            assert!(!text.contains(personal), "state holds {personal}");
        }
        assert!(text.starts_with("{\"schema\":\"lamsach.state/1\""));
    }
    let salt = |t: &str| -> String {
        let v: Value = serde_json::from_str(t.lines().next().unwrap()).unwrap();
        v["salt"].as_str().unwrap().to_string()
    };
    assert_eq!(salt(&a), salt(&b));
    assert_eq!(
        a.lines().count(),
        1 + 6,
        "one line per person with problems"
    );

    // a state made without --since has another salt: comparing is refused
    let s3 = d.path().join("c.state");
    lamsach(&[
        os("check"),
        month(2).as_os_str(),
        os("-q"),
        os("--save-state"),
        s3.as_os_str(),
    ]);
    assert_ne!(salt(&std::fs::read_to_string(&s3).unwrap()), salt(&a));
    let o = lamsach(&[
        os("progress"),
        os("--since"),
        s1.as_os_str(),
        s3.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("salt"));

    // a broken state names the file and line
    std::fs::write(&s3, format!("{}\n{{\"k\":1}}\n", a.lines().next().unwrap())).unwrap();
    let o = lamsach(&[
        os("progress"),
        os("--since"),
        s1.as_os_str(),
        s3.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("c.state:2:"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn grouping_by_the_id_column_keeps_ids_out_of_the_state() {
    let d = tempfile::tempdir().unwrap();
    let s1 = d.path().join("a.state");
    let o = lamsach(&[
        os("check"),
        month(1).as_os_str(),
        os("-q"),
        os("--group-by"),
        os("Số CCCD"),
        os("--save-state"),
        s1.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&s1).unwrap();
    for id in ["008075001122", "008180007788", "8195003344", "123456789"] {
        assert!(!text.contains(id), "state holds {id}");
    }
}

/// An unchanged pupil list checked in December and again in January: ages
/// count by school year, so nothing is fixed and nothing is new.
#[test]
fn an_unchanged_pupil_list_shows_no_progress_across_new_year() {
    let d = tempfile::tempdir().unwrap();
    // the bundled pupil list, and a child born in 2019 still in Mầm non:
    // 7 in the school year 2026-27 (within 0-7), 8 by the calendar in 2027
    let mut text = std::fs::read_to_string(root().join("fixtures/education/hoc-sinh.csv")).unwrap();
    text.push_str("Lê Bảo An,15/03/2019,Nam,058219003333,Trường Mầm non Hoa Sen,Mầm non,Lá,Phan Rang - Tháp Chàm\n");
    let pupils = d.path().join("hoc-sinh.csv");
    std::fs::write(&pupils, text).unwrap();
    let (dec, jan, out) = (
        d.path().join("dec.state"),
        d.path().join("jan.state"),
        d.path().join("out"),
    );
    let o = lamsach(&[
        os("check"),
        pupils.as_os_str(),
        os("--today"),
        os("2026-12-20"),
        os("-q"),
        os("--save-state"),
        dec.as_os_str(),
    ]);
    assert!(
        o.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = lamsach(&[
        os("check"),
        pupils.as_os_str(),
        os("--today"),
        os("2027-01-10"),
        os("-q"),
        os("--since"),
        dec.as_os_str(),
        os("--save-state"),
        jan.as_os_str(),
        os("--out"),
        out.as_os_str(),
        os("--format"),
        os("json"),
    ]);
    assert!(
        o.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cats = figures(&out.join("report.json"), "progress_categories");
    let total = cats.last().unwrap().1;
    assert_eq!((total[0], total[2]), (0, 0), "{cats:?}");
}
