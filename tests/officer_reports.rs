//! Issue 20: outputs an officer can file as they are. The findings list
//! names the record, every report carries the unit and period, the HTML
//! counts match the terminal, the pillars table adds up, and report.xlsx is
//! set up for printing with formulas, filters and native charts.

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(root().join("fixtures/sample/tiem-chung.csv"))
        .args(["--today", "2026-11-23", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

const UNIT: &str = "Trung tâm Y tế huyện Sơn Tịnh";

fn read_rows(p: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(p).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn findings_name_the_record_and_fill_cross_row_cells() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &[]);
    let rows = read_rows(&d.path().join("issues.csv"));
    assert_eq!(
        rows[0][..6],
        [
            "Dòng",
            "Mã lỗi",
            "STT",
            "Họ và tên",
            "Số định danh/Mã BHXH",
            "Ngày sinh"
        ]
    );
    let id003 = rows.iter().find(|r| r[1] == "ID003").unwrap();
    assert_eq!(
        id003[..6],
        [
            "7",
            "ID003",
            "6",
            "Hoàng Văn Nam",
            "8088012345",
            "15/06/1988"
        ]
    );
    assert_eq!(id003[6], "Hàm Yên");
    assert_eq!(id003[7], "TTYT Hàm Yên");
    // a duplicate is about the whole row: column and value say what ties it
    let dup = rows.iter().find(|r| r[1] == "DUP001").unwrap();
    assert_eq!(
        (dup[12].as_str(), dup[13].as_str()),
        ("Số CCCD", "008190012345")
    );
    assert_eq!(dup[15], "2");
    // masked everywhere with --mask-ids, headers in English with --lang en
    let e = tempfile::tempdir().unwrap();
    check(e.path(), &["--mask-ids", "--lang", "en"]);
    let rows = read_rows(&e.path().join("issues.csv"));
    assert_eq!(rows[0][..3], ["line", "rule", "stt"]);
    let text = std::fs::read_to_string(e.path().join("issues.csv")).unwrap();
    assert!(!text.contains("008190012345"), "{text}");
    assert!(text.contains("0081****2345"));
}

#[test]
fn unit_period_and_dates_on_every_report() {
    let d = tempfile::tempdir().unwrap();
    let o = check(
        d.path(),
        &["--format", "all", "--unit", UNIT, "--period", "11/2026"],
    );
    assert_eq!(o.status.code(), Some(1));
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    let md = std::fs::read_to_string(d.path().join("report.md")).unwrap();
    for text in [&html, &md] {
        assert!(text.contains(UNIT), "{text}");
        assert!(text.contains("11/2026"));
        assert!(text.contains("23/11/2026"));
        assert!(!text.contains("2026-11-23"));
        assert!(text.contains("Người lập biểu") && text.contains("Thủ trưởng đơn vị"));
    }
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["unit"], UNIT);
    assert_eq!(json["period"], "11/2026");
    let mut wb: Xlsx<_> = open_workbook(d.path().join("report.xlsx")).unwrap();
    let first = wb.sheet_names()[0].clone();
    let r = wb.worksheet_range(&first).unwrap();
    let cells: Vec<String> = r.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        cells.iter().any(|c| c == &format!("Đơn vị: {UNIT}")),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c == "Kỳ báo cáo: 11/2026"));
    assert!(cells.iter().any(|c| c == "Ngày chạy: 23/11/2026"));
    assert!(cells.iter().any(|c| c == "Nhóm theo: Huyện"));
}

/// The terminal's "có lỗi" and the HTML's "Bản ghi có lỗi" are one number:
/// readable records with findings; the unreadable row is counted apart.
#[test]
fn html_counts_equal_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    let o = check(d.path(), &["--format", "html,json"]);
    let term = String::from_utf8(o.stdout).unwrap();
    let n = |label: &str| -> String {
        let l = term
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        l.split_whitespace().last().unwrap().to_string()
    };
    let (with, unreadable) = (n("có lỗi"), n("không đọc được"));
    assert_eq!((with.as_str(), unreadable.as_str()), ("24", "1"));
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(
        html.contains(&format!("<b>Bản ghi có lỗi:</b> {with} (80,0%)")),
        "{html}"
    );
    assert!(html.contains(&format!("<b>Không đọc được (đếm riêng):</b> {unreadable}")));
    // rates beside the counts in the charts
    assert!(html.contains("6 (100,0%)"), "{html}");
}

#[test]
fn pillars_per_group_add_up() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "json"]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("report.json")).unwrap())
            .unwrap();
    let tally: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("tally.json")).unwrap())
            .unwrap();
    let t = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "pillars")
        .unwrap();
    let cols: Vec<&str> = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    let at = |k: &str| cols.iter().position(|c| *c == k).unwrap();
    let total = t["total"].as_array().unwrap();
    for p in ["dung", "du", "sach", "song"] {
        assert_eq!(
            total[at(&format!("{p}_findings"))],
            tally["total"]["pillars"][p],
            "{p}"
        );
        assert_eq!(
            total[at(&format!("{p}_records"))],
            tally["total"]["pillar_records"][p]
        );
    }
    for r in t["rows"].as_array().unwrap().iter().chain([&t["total"]]) {
        let sum: u64 = ["dung", "du", "sach", "song"]
            .iter()
            .map(|p| r[at(&format!("{p}_findings"))].as_u64().unwrap())
            .sum();
        assert_eq!(sum, r[at("findings")].as_u64().unwrap());
    }
    // đúng 21 · đủ 6 · sạch 3 · sống 1, as the terminal prints
    assert_eq!(total[at("dung_findings")], 21);
    assert_eq!(total[at("findings")], 31);
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn xlsx_is_ready_to_print_and_file() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "xlsx", "--unit", UNIT]);
    let p = d.path().join("report.xlsx");
    let names = {
        let wb: Xlsx<_> = open_workbook(&p).unwrap();
        wb.sheet_names()
    };
    let findings_sheet = names.len();
    // the first table: totals as SUM formulas whose results are the counts
    let s1 = zip_text(&p, "xl/worksheets/sheet1.xml");
    assert!(s1.contains("<f>SUM(C"), "{s1}");
    assert!(s1.contains("<v>31</v>"));
    for (i, _) in names.iter().enumerate() {
        let s = zip_text(&p, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(s.contains("paperSize=\"9\""), "sheet {i}");
        assert!(s.contains("orientation=\"landscape\""));
        assert!(s.contains("fitToHeight=\"0\""));
    }
    let list = zip_text(&p, &format!("xl/worksheets/sheet{findings_sheet}.xml"));
    assert!(list.contains("<autoFilter ref=\"A1:P"), "{list}");
    assert!(list.contains("<pane ySplit=\"1\""));
    let wbxml = zip_text(&p, "xl/workbook.xml");
    assert!(wbxml.contains("_xlnm.Print_Titles"));
    // native charts: findings per category, records per group and their rate
    let mut z = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap();
    let charts = (0..z.len())
        .filter(|i| {
            z.by_index(*i)
                .unwrap()
                .name()
                .starts_with("xl/charts/chart")
        })
        .count();
    assert_eq!(charts, 3);
    // calamine reads the formulas' cached results as the stored numbers
    let mut wb: Xlsx<_> = open_workbook(&p).unwrap();
    let r = wb.worksheet_range(&names[0]).unwrap();
    let total_row = (0..r.height() as u32)
        .find(|i| r.get_value((*i, 1)) == Some(&Data::String("Tổng cộng".into())))
        .unwrap();
    let last = (0..r.width() as u32)
        .rev()
        .find_map(|c| match r.get_value((total_row, c)) {
            Some(Data::Float(x)) => Some(*x),
            _ => None,
        });
    assert_eq!(last, Some(31.0));
}

/// A reused --out folder holds one run: the manifest names the input (size,
/// hash), the options and the outputs; the earlier run's extra files go.
#[test]
fn reused_out_folder_keeps_one_run_with_a_manifest() {
    let d = tempfile::tempdir().unwrap();
    check(d.path(), &["--format", "all"]);
    assert!(d.path().join("report.html").exists());
    // a stray report file of unknown origin is reported, not removed
    std::fs::write(d.path().join("report-old.csv"), "x").unwrap();
    let o = check(d.path(), &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!d.path().join("report.html").exists());
    assert!(!d.path().join("report.xlsx").exists());
    assert!(err.contains("report.html"), "{err}");
    assert!(err.contains("report-old.csv"), "{err}");
    assert!(d.path().join("report-old.csv").exists());
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["schema"], "lamsach.manifest/1");
    assert_eq!(m["input"]["file"], "tiem-chung.csv");
    let input = std::fs::read(root().join("fixtures/sample/tiem-chung.csv")).unwrap();
    assert_eq!(m["input"]["bytes"], input.len() as u64);
    assert_eq!(m["input"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["options"]["today"], "2026-11-23");
    let files: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["issues.csv", "tally.csv", "tally.json"]);
}

/// `--today` as officers write it (05/12/2026) is read; a wrong one is
/// explained in both languages with an example, exit code 2.
#[test]
fn today_in_dd_mm_yyyy_and_a_bilingual_error() {
    let d = tempfile::tempdir().unwrap();
    let run = |today: &str| {
        Command::new(env!("CARGO_BIN_EXE_lamsach"))
            .arg("check")
            .arg(root().join("fixtures/sample/tiem-chung.csv"))
            .args(["-q", "--format", "json", "--today", today, "--out"])
            .arg(d.path())
            .output()
            .unwrap()
    };
    assert_eq!(run("05/12/2026").status.code(), Some(1));
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["options"]["today"], "2026-12-05");
    let o = run("2026-13-40");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("không phải ngày") && err.contains("not a date"),
        "{err}"
    );
}

/// Two grouping levels: report.xlsx has the pairs' table and, on its own
/// sheet, the first level's totals, whose total row equals the pairs'.
#[test]
fn two_levels_give_a_sheet_per_level_with_equal_totals() {
    let d = tempfile::tempdir().unwrap();
    let o = check(
        d.path(),
        &["--format", "xlsx,html", "--group-by", "Huyện,Cơ sở tiêm"],
    );
    assert!(
        o.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let p = d.path().join("report.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&p).unwrap();
    let names = wb.sheet_names();
    assert!(names.iter().any(|n| n == "Theo Huyện"), "{names:?}");
    let total_of = |wb: &mut Xlsx<_>, sheet: &str| {
        let r = wb.worksheet_range(sheet).unwrap();
        let row = (0..r.height() as u32)
            .find(|i| r.get_value((*i, 1)) == Some(&Data::String("Tổng cộng".into())))
            .unwrap();
        let cells: Vec<String> = (0..r.width() as u32)
            .map(|c| {
                r.get_value((row, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let groups: Vec<String> = (0..row)
            .filter_map(|i| r.get_value((i, 1)).map(|v| v.to_string()))
            .collect();
        (cells, groups)
    };
    let (pairs_total, pairs) = total_of(&mut wb, &names[1]);
    let (level_total, level) = total_of(&mut wb, "Theo Huyện");
    assert_eq!(pairs_total, level_total);
    assert!(
        pairs.iter().any(|g| g == "Chiêm Hóa › TYT Vĩnh Lộc"),
        "{pairs:?}"
    );
    assert!(level.iter().any(|g| g == "Chiêm Hóa"), "{level:?}");
    assert!(!level.iter().any(|g| g.contains('›')), "{level:?}");
    let html = std::fs::read_to_string(d.path().join("report.html")).unwrap();
    assert!(html.contains("Số bản ghi có lỗi theo Huyện"));
}
