//! Snapshot tests of the report formats (`fixtures/reports/expected/`;
//! regenerate with `LAMSACH_UPDATE=1 cargo test --test main reports_snapshot::`),
//! the xlsx numbers against the JSON, totals, HTML structure, formula
//! neutralisation and ID masking across every output.

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(out: &Path, extra: &[&str]) -> i32 {
    let st = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(root().join("fixtures/reports/tiem-chung.csv"))
        .args(["--today", "2026-11-23", "-q", "--out"])
        .arg(out)
        .args(extra)
        .status()
        .unwrap();
    st.code().unwrap()
}

fn snapshot(name: &str, actual: &str) {
    let p = root().join("fixtures/reports/expected").join(name);
    crate::snapshot::assert_snapshot(&p, actual.as_bytes());
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn snapshots_of_every_format() {
    let d = tempfile::tempdir().unwrap();
    assert_eq!(check(d.path(), &["--format", "all"]), 1);
    for f in [
        "report.md",
        "report.json",
        "report.html",
        "report-findings.csv",
        "report-records.csv",
        "report-overview.csv",
        "report-pillars.csv",
        "report-rules.csv",
    ] {
        snapshot(f, &read(&d.path().join(f)));
    }
    let e = tempfile::tempdir().unwrap();
    assert_eq!(check(e.path(), &["--format", "md,json", "--lang", "en"]), 1);
    snapshot("report.en.md", &read(&e.path().join("report.md")));
    assert!(!e.path().join("report.xlsx").exists());
    assert!(!e.path().join("tally.csv").exists());
}

fn json(d: &Path) -> Value {
    serde_json::from_str(&read(&d.join("report.json"))).unwrap()
}

fn table<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap()
}

fn col(t: &Value, key: &str) -> usize {
    t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["key"] == key)
        .unwrap()
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

#[test]
fn totals_add_up() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "json"]);
    let v = json(d.path());
    let tally: Value = serde_json::from_str(&read(&d.path().join("tally.json"))).unwrap();
    for id in ["findings", "records"] {
        let t = table(&v, id);
        let rows = t["rows"].as_array().unwrap();
        let total = t["total"].as_array().unwrap();
        assert_eq!(total[0], "Tổng cộng");
        // every count column: the groups add up to the total row
        for (i, c) in t["columns"].as_array().unwrap().iter().enumerate() {
            if c["type"] == "count" {
                let sum: u64 = rows.iter().map(|r| num(&r[i])).sum();
                assert_eq!(sum, num(&total[i]), "{id} column {}", c["key"]);
            }
        }
        let tc = col(t, "total");
        assert!(tc > 3);
        for r in rows.iter().chain([&t["total"]]) {
            let cats: Vec<u64> = (1..tc).map(|i| num(&r[i])).collect();
            if id == "findings" {
                // the Tổng column is the sum of the categories
                assert_eq!(cats.iter().sum::<u64>(), num(&r[tc]));
            } else {
                // records: each readable record once, unreadable rows apart,
                // so together at least the largest category
                let apart = num(&r[col(t, "unreadable")]);
                assert!(num(&r[tc]) + apart >= *cats.iter().max().unwrap());
                assert!(num(&r[tc]) <= cats.iter().sum::<u64>());
            }
        }
    }
    let f = table(&v, "findings");
    assert_eq!(
        num(&f["total"][col(f, "total")]),
        num(&tally["total"]["findings_total"])
    );
    let o = table(&v, "overview");
    for r in o["rows"].as_array().unwrap().iter().chain([&o["total"]]) {
        assert_eq!(
            num(&r[col(o, "rows_read")]),
            num(&r[col(o, "clean")])
                + num(&r[col(o, "with_problems")])
                + num(&r[col(o, "unreadable")])
        );
    }
    let t = &tally["total"];
    assert_eq!(num(&o["total"][col(o, "rows_read")]), num(&t["rows_read"]));
    // records with problems are readable ones: the unreadable row apart,
    // as on the terminal
    let want = num(&t["with_problems"]) as f64 / num(&t["rows_read"]) as f64;
    let rate = o["total"][col(o, "problem_rate")].as_f64().unwrap();
    assert!((rate - want).abs() < 1e-4, "{rate} vs {want}");
}

#[test]
fn xlsx_numbers_equal_json() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "xlsx,json"]);
    let v = json(d.path());
    let mut wb: Xlsx<_> = open_workbook(d.path().join("report.xlsx")).unwrap();
    let names = wb.sheet_names();
    let tables = v["tables"].as_array().unwrap();
    // the tables, the charts, the findings list
    assert_eq!(names.len(), tables.len() + 2);
    assert_eq!(names[tables.len()], "Biểu đồ");
    assert_eq!(names.last().unwrap(), "Danh sách lỗi");
    let mut numbers = 0;
    for (t, name) in tables.iter().zip(&names) {
        let range = wb.worksheet_range(name).unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String(t["title"].as_str().unwrap().into()))
        );
        // the title block: report title, table title, the meta lines, a blank row
        let head = (0..40)
            .find(|r| range.get_value((*r, 0)) == Some(&Data::String("TT".into())))
            .expect("header row");
        for (c, column) in t["columns"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                range.get_value((head, c as u32 + 1)),
                Some(&Data::String(column["label"].as_str().unwrap().into()))
            );
        }
        let rows = t["rows"].as_array().unwrap().iter().chain([&t["total"]]);
        for (r, row) in rows.enumerate() {
            for (c, cell) in row.as_array().unwrap().iter().enumerate() {
                let x = range.get_value((head + 1 + r as u32, c as u32 + 1));
                match cell {
                    Value::Number(n) => match x {
                        Some(Data::Float(f)) => {
                            numbers += 1;
                            assert!((f - n.as_f64().unwrap()).abs() < 1e-3, "{name} r{r} c{c}")
                        }
                        other => panic!("{name} r{r} c{c}: {other:?} is not a number"),
                    },
                    Value::String(s) if !s.is_empty() => {
                        let want = if s.starts_with(['=', '+', '-', '@']) {
                            format!("'{s}")
                        } else {
                            s.clone()
                        };
                        assert_eq!(x, Some(&Data::String(want)), "{name} r{r} c{c}");
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(numbers > 100);
    // the findings sheet has the issues.csv rows
    let issues = read(&d.path().join("issues.csv"));
    let range = wb.worksheet_range("Danh sách lỗi").unwrap();
    assert_eq!(range.height(), issues.lines().count());
    assert_eq!(
        range.get_value((0, 1)),
        Some(&Data::String("Mã lỗi".into()))
    );
    assert!(matches!(range.get_value((1, 0)), Some(Data::Float(_))));
}

#[test]
fn html_is_self_contained_with_tables_and_charts() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "html,json"]);
    let html = read(&d.path().join("report.html"));
    let v = json(d.path());
    let ntables = v["tables"].as_array().unwrap().len();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"vi\">") && html.contains("<meta charset=\"utf-8\">"));
    assert_eq!(html.matches("<table>").count(), ntables);
    assert_eq!(html.matches("</table>").count(), ntables);
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "one chart by category, one by group"
    );
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.matches("<rect").count() >= 10);
    assert!(html.contains("<tr class=\"total\"><td></td><td>Tổng cộng</td>"));
    assert!(html.contains("<th>TT</th>"));
    for bad in ["http:", "https:", "<script", "<link", " src=", "url("] {
        assert!(!html.contains(bad), "found {bad}");
    }
    // group names are escaped text
    assert!(html.contains("<td>=1+2</td>"));
}

fn xlsx_strings(p: &Path) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(p).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                if let Data::String(s) = c {
                    out.push(s.clone());
                }
            }
        }
    }
    out
}

fn csv_cells(p: &Path) -> Vec<String> {
    let text = read(p);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn formulas_neutralised_in_csv_and_xlsx() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "all"]);
    let mut cells = xlsx_strings(&d.path().join("report.xlsx"));
    for e in std::fs::read_dir(d.path()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            cells.extend(csv_cells(&p));
        }
    }
    assert!(
        cells.iter().any(|c| c == "'=1+2"),
        "the formula group is present, neutralised"
    );
    assert!(cells.iter().any(|c| c == "'@SUM(A1)"));
    assert!(cells.iter().any(|c| c == "'-Khu A"));
    for c in &cells {
        assert!(!c.starts_with(['=', '+', '-', '@']), "unsafe cell {c:?}");
    }
}

fn long_digit_runs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for ch in s.chars().chain([' ']) {
        if ch.is_ascii_digit() {
            run.push(ch);
        } else {
            if run.len() >= 9 {
                out.push(run.clone());
            }
            run.clear();
        }
    }
    out
}

#[test]
fn mask_ids_applies_to_every_output() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "all", "--mask-ids"]);
    let mut texts: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(d.path()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name == "manifest.json" {
            // file names, options and SHA-256 hashes (hex digits, not IDs)
            let m: Value = serde_json::from_str(&read(&p)).unwrap();
            assert_eq!(m["options"]["mask_ids"], true);
            continue;
        } else if name.ends_with(".xlsx") {
            texts.push((name, xlsx_strings(&p).join("\n")));
        } else {
            texts.push((name, read(&p)));
        }
    }
    assert!(texts.len() >= 10);
    for (name, t) in &texts {
        assert!(
            long_digit_runs(t).is_empty(),
            "{name}: {:?}",
            long_digit_runs(t)
        );
    }
    // without the flag the IDs are there (the test above is not vacuous)
    let u = tempfile::tempdir().unwrap();
    check(u.path(), &["--format", "xlsx"]);
    assert!(!long_digit_runs(&xlsx_strings(&u.path().join("report.xlsx")).join("\n")).is_empty());
}

#[test]
fn cells_longer_than_excel_allows_are_cut_not_fatal() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("long.csv");
    let long_name = format!("{}1", "A".repeat(40_000));
    let long_group = "H".repeat(40_000);
    std::fs::write(
        &input,
        format!(
            "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Vắc xin,Mũi,Ngày tiêm\n{long_name},12/05/1990,Nữ,008190012345,0912345678,{long_group},Pfizer,1,15/08/2021\n"
        ),
    )
    .unwrap();
    let out = d.path().join("out");
    let st = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(&input)
        .args(["-q", "--format", "xlsx", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(1));
    let cells = xlsx_strings(&out.join("report.xlsx"));
    assert!(cells.iter().all(|c| c.chars().count() <= 32_767));
    assert!(cells
        .iter()
        .any(|c| c.starts_with("HHHH") && c.ends_with('…')));
}

#[test]
fn school_levels_in_report_order() {
    let d = tempfile::tempdir().unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(root().join("fixtures/education/hoc-sinh.csv"))
        .args(["--today", "2026-11-23", "-q", "--format", "json", "--out"])
        .arg(d.path())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(1));
    let v = json(d.path());
    let names: Vec<&str> = table(&v, "records")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Mầm non", "Tiểu học", "THCS", "THPT", "GDTX", "Đại học"]
    );
}

#[test]
fn xlsx_bytes_are_the_same_run_to_run_and_for_any_thread_count() {
    // The workbook's creation time is the run date (--today), not the clock.
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_eq!(check(a.path(), &["--format", "xlsx", "--threads", "1"]), 1);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(check(b.path(), &["--format", "xlsx", "--threads", "2"]), 1);
    let xa = std::fs::read(a.path().join("report.xlsx")).unwrap();
    let xb = std::fs::read(b.path().join("report.xlsx")).unwrap();
    assert!(xa == xb, "report.xlsx differs between two runs");
}
