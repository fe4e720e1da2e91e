//! End-to-end tests of the binary: commands, exit codes, and every kind of
//! bad input the engine must survive (never a panic, a clear message with the
//! line, and the rest of the file still checked).

use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Huyện,Vắc xin,Mũi,Ngày tiêm";
const GOOD: &str = "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021";
const BAD_ID: &str = "Trần Văn Hùng,03/11/1975,Nam,12345,Chiêm Hóa,Pfizer,1,15/08/2021";

fn lamsach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes `content` to a temp file, runs `check --out`, returns
/// (exit code, stdout, stderr, issues.csv).
fn check_bytes(content: &[u8], extra: &[&str]) -> (i32, String, String, String) {
    check_output(content, extra, "issues.csv")
}

/// [`check_bytes`] returning the output file `name` instead of issues.csv.
fn check_output(content: &[u8], extra: &[&str], name: &str) -> (i32, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, content).unwrap();
    let out = dir.path().join("out");
    let mut args = vec![
        "check",
        input.to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = lamsach(&args);
    let file = std::fs::read_to_string(out.join(name)).unwrap_or_default();
    (
        o.status.code().unwrap_or(-1),
        text(&o.stdout),
        text(&o.stderr),
        file,
    )
}

/// The tally.json of `check` on `lines`, after asserting the run succeeded.
fn tally_of(lines: &[&str], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json", "-q"];
    args.extend_from_slice(extra);
    let (code, _, stderr, tally) = check_output(&rows(lines), &args, "tally.json");
    assert!(code <= 1, "{stderr}");
    serde_json::from_str(&tally).unwrap()
}

fn issue_lines(issues: &str) -> Vec<(u64, String)> {
    issues
        .lines()
        .skip(1)
        .map(|l| {
            let mut it = l.split(',');
            (
                it.next().unwrap().parse().unwrap(),
                it.next().unwrap().to_string(),
            )
        })
        .collect()
}

fn rows(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

#[test]
fn clean_file_exits_zero() {
    let (code, out, _, issues) = check_bytes(&rows(&[HEADER, GOOD]), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(issues.lines().count(), 1, "header only");
    assert!(out.contains("Số dòng đọc                    1"), "{out}");
}

#[test]
fn problems_exit_one_with_line_numbers() {
    let (code, _, _, issues) = check_bytes(&rows(&[HEADER, GOOD, BAD_ID]), &[]);
    assert_eq!(code, 1);
    assert_eq!(issue_lines(&issues), [(3, "ID002".to_string())]);
    assert!(issues.starts_with('\u{feff}'), "BOM for Excel");
}

#[test]
fn ragged_rows_are_reported_and_the_rest_checked() {
    let short = "Lê Thị Hoa,1/2/1985,Nữ";
    let long = format!("{GOOD},extra,more");
    let (code, out, _, issues) = check_bytes(
        &rows(&[HEADER, short, &long, BAD_ID, &format!("{GOOD},,")]),
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        issue_lines(&issues),
        [
            (2, "ROW001".into()),
            (3, "ROW001".into()),
            (4, "ID002".into())
        ]
    );
    assert!(
        issues.contains("Dòng có 3 cột, tiêu đề có 8 cột"),
        "{issues}"
    );
    assert!(out.contains("không đọc được               2"), "{out}");
}

#[test]
fn unbalanced_quote_does_not_swallow_the_file() {
    let broken = "\"Lê Thị Hoa,1/2/1985,Nữ,001185012345,Chiêm Hóa,Pfizer,1,15/08/2021";
    let (code, _, _, issues) = check_bytes(&rows(&[HEADER, GOOD, broken, GOOD, BAD_ID]), &[]);
    assert_eq!(code, 1);
    let got = issue_lines(&issues);
    assert!(got.contains(&(3, "ROW001".into())), "{issues}");
    assert!(
        got.contains(&(4, "DUP001".into())),
        "line 4 read again: {issues}"
    );
    assert!(got.contains(&(5, "ID002".into())), "{issues}");
    assert_eq!(got.len(), 3, "{issues}");
    assert!(issues.contains("ngoặc kép"), "{issues}");
}

#[test]
fn invalid_utf8_is_a_finding_not_a_crash() {
    let mut content = rows(&[HEADER]);
    content.extend_from_slice(
        b"Nguy\xC5n Th\xEF Lan,12/05/1990,N\xF7,001190012345,Chi\xEAm H\xF3a,Pfizer,1,15/08/2021\n",
    );
    content.extend_from_slice(BAD_ID.as_bytes());
    let (code, _, _, issues) = check_bytes(&content, &[]);
    assert_eq!(code, 1);
    let got = issue_lines(&issues);
    assert!(got.contains(&(2, "TXT001".into())), "{issues}");
    assert!(got.contains(&(3, "ID002".into())), "{issues}");
}

#[test]
fn empty_file_fails_clearly() {
    let (code, _, err, _) = check_bytes(b"", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("tệp rỗng") && err.contains("in.csv"), "{err}");
}

#[test]
fn header_only_file_is_clean() {
    let (code, out, _, issues) = check_bytes(&rows(&[HEADER]), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("Số dòng đọc                    0"), "{out}");
    assert_eq!(issues.lines().count(), 1);
}

#[test]
fn one_megabyte_field() {
    let big = "a".repeat(1 << 20);
    let row = format!("Nguyễn {big},12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021");
    let (code, out, _, issues) = check_bytes(&rows(&[HEADER, &row, BAD_ID]), &[]);
    assert_eq!(code, 1);
    assert_eq!(issue_lines(&issues), [(3, "ID002".into())], "{out}");
}

#[test]
fn oversized_record_is_unreadable_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    let s = std::fs::read_to_string(rules.join("settings.toml")).unwrap();
    std::fs::write(
        rules.join("settings.toml"),
        s.replace(
            "max_record_bytes = 16_777_216",
            "max_record_bytes = 100_000",
        ),
    )
    .unwrap();
    let big = "a".repeat(200_000);
    let row = format!("Nguyễn {big},12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021");
    let (code, _, _, issues) = check_bytes(
        &rows(&[HEADER, &row, BAD_ID]),
        &["--rules", rules.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert_eq!(
        issue_lines(&issues),
        [(2, "ROW001".into()), (3, "ID002".into())]
    );
    assert!(issues.contains("100000 byte"), "{issues}");
}

fn copy_rules(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    std::fs::create_dir_all(to.join("profiles")).unwrap();
    for f in ["settings.toml", "provinces.toml"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    for e in std::fs::read_dir(from.join("profiles")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join("profiles").join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn semicolon_and_tab_delimiters_are_sniffed() {
    for d in [";", "\t"] {
        let lines: Vec<String> = [HEADER, GOOD, BAD_ID]
            .iter()
            .map(|l| l.replace(',', d))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (code, out, err, issues) = check_bytes(&rows(&refs), &[]);
        assert_eq!(code, 1, "{err}");
        assert_eq!(issue_lines(&issues), [(3, "ID002".into())], "{out}");
    }
}

#[test]
fn crlf_and_cr_only_line_ends() {
    for eol in ["\r\n", "\r"] {
        let content = [HEADER, GOOD, BAD_ID].join(eol);
        let (code, _, _, issues) = check_bytes(content.as_bytes(), &[]);
        assert_eq!(code, 1);
        assert_eq!(issue_lines(&issues), [(3, "ID002".into())]);
    }
}

#[test]
fn missing_required_column_is_a_clear_error() {
    let header = "Họ và tên,Ngày sinh,Giới tính,Huyện,Vắc xin,Mũi,Ngày tiêm";
    let (code, _, err, _) = check_bytes(&rows(&[header]), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("thiếu cột bắt buộc") && err.contains("id (\"Số CCCD\""),
        "{err}"
    );
}

#[test]
fn unknown_profile_and_group_column_are_errors() {
    let (code, _, err, _) = check_bytes(&rows(&["a,b", "1,2"]), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--profile"), "{err}");
    let (code, _, err, _) = check_bytes(&rows(&[HEADER, GOOD]), &["--group-by", "Tỉnh"]);
    assert_eq!(code, 2);
    assert!(err.contains("'Tỉnh'"), "{err}");
}

#[test]
fn missing_input_file() {
    let o = lamsach(&["check", "/nonexistent/x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/nonexistent/x.csv"));
}

#[test]
fn rules_and_explain() {
    let o = lamsach(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let s = text(&o.stdout);
    assert!(s.lines().count() >= 30);
    assert!(s.contains("ID003") && s.contains("Số định danh mất số 0 ở đầu"));
    let o = lamsach(&["explain", "ID003", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("## What it does"));
    let o = lamsach(&["explain", "NOPE1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_rules_file_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    copy_rules(&rules);
    let p = rules.join("profiles").join("bhxh.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        s.replace(
            "group_by = \"district\"",
            "group_by = \"district\"\nrequird = []",
        ),
    )
    .unwrap();
    let o = lamsach(&["rules", "--rules", rules.to_str().unwrap()]);
    // `rules` lists the registry and does not need rule data; check does.
    assert_eq!(o.status.code(), Some(0));
    let (code, _, err, _) = check_bytes(
        &rows(&[HEADER, GOOD]),
        &["--rules", rules.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("bhxh.toml:6:1") && err.contains("requird"),
        "{err}"
    );
}

#[test]
fn no_out_writes_nothing_and_prints_findings() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, rows(&[HEADER, GOOD, BAD_ID])).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(dir.path())
        .args(["check", "in.csv", "--mask-ids"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let s = text(&o.stdout);
    assert!(s.contains("dòng 3 ID002 Số CCCD=\"*****\""), "{s}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
}

/// DUP002 lands on the row with the wrong ID, whichever comes first, with
/// the right holder's rows in `related_lines`; with or without the fuzzy
/// duplicate pre-pass.
#[test]
fn a_shared_id_blames_the_wrong_holder_in_either_order() {
    let relative = "Trần Văn Hùng,03/11/2015,Nam,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021";
    let dose1 = "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021";
    let dose2 = "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,2,15/10/2021";
    for (order, wrong, related) in [
        (vec![relative, dose1, dose2], 2u64, "3 4"),
        (vec![dose1, dose2, relative], 4, "2 3"),
    ] {
        let mut lines = vec![HEADER];
        lines.extend(order);
        for extra in [&[][..], &["--no-dedupe"][..]] {
            let (code, _, err, issues) = check_bytes(&rows(&lines), extra);
            assert_eq!(code, 1, "{err}");
            let dup2: Vec<Vec<String>> = issues
                .lines()
                .skip(1)
                .filter(|l| l.contains(",DUP002,"))
                .map(|l| {
                    let mut r = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .from_reader(l.as_bytes());
                    r.records()
                        .next()
                        .unwrap()
                        .unwrap()
                        .iter()
                        .map(String::from)
                        .collect()
                })
                .collect();
            assert_eq!(dup2.len(), 1, "{issues}");
            assert_eq!(dup2[0][0], wrong.to_string());
            assert_eq!(dup2[0][15], related);
            // the wrong row's ID also disagrees with its own sex and birth year
            let on_wrong: Vec<(u64, String)> = issue_lines(&issues)
                .into_iter()
                .filter(|(l, _)| *l == wrong)
                .collect();
            assert!(on_wrong.iter().any(|(_, r)| r == "ID008"), "{on_wrong:?}");
        }
    }
}

/// Operating-system errors are explained in both languages with what to do
/// next, the system's own words kept in brackets.
#[test]
fn os_errors_say_what_to_do_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = lamsach(&["check", d]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("đây là thư mục") && err.contains("this is a folder, not a file"),
        "{err}"
    );
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/tiem-chung.csv");
    let blocker = dir.path().join("report");
    std::fs::write(&blocker, "a file where the folder should be").unwrap();
    let o = lamsach(&[
        "check",
        sample.to_str().unwrap(),
        "--out",
        blocker.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("choose another folder for --out") && err.contains("chọn thư mục khác"),
        "{err}"
    );
    let o = lamsach(&["check", dir.path().join("none.csv").to_str().unwrap()]);
    let err = text(&o.stderr);
    assert!(
        err.contains("kiểm tra đường dẫn / no such file or folder; check the path"),
        "{err}"
    );
}

/// `explain` speaks the report language: Vietnamese by default, English with
/// `--lang en`.
#[test]
fn explain_in_report_language() {
    let o = lamsach(&["explain", "ID003"]);
    assert_eq!(o.status.code(), Some(0));
    let s = text(&o.stdout);
    assert!(s.contains("## Quy tắc kiểm tra gì"), "{s}");
    assert!(
        s.contains("## Vì sao cần sửa") && s.contains("## Ví dụ"),
        "{s}"
    );
    assert!(!s.contains("## What it does"), "{s}");
    let o = lamsach(&["explain", "ID003", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    let s = text(&o.stdout);
    assert!(s.contains("## What it does"), "{s}");
    assert!(!s.contains("## Quy tắc kiểm tra gì"), "{s}");
}

/// One district written four ways is one group in the tally, named by its
/// first spelling, the others listed; the counts add up to the rows read.
#[test]
fn spellings_of_one_unit_are_one_group() {
    let rows = [
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Huyện,Vắc xin,Mũi,Ngày tiêm",
        "Lê Văn An,01/02/1990,Nam,051090015678,Huyện Sơn Tịnh,Pfizer,1,15/08/2021",
        "Trần Thị Bình,02/03/1991,Nữ,051191015679,Sơn Tịnh,Pfizer,1,15/08/2021",
        "Phạm Văn Cường,03/04/1992,Nam,051092015680,H. Sơn Tịnh,Pfizer,1,15/08/2021",
        "Võ Thị Dung,04/05/1993,Nữ,051193015681,SON  TINH,Pfizer,1,15/08/2021",
        "Huỳnh Văn Em,05/06/1994,Nam,051094015682,TP Quảng Ngãi,Pfizer,1,15/08/2021",
    ];
    let t = tally_of(&rows, &[]);
    let groups = t["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Huyện Sơn Tịnh", "TP Quảng Ngãi"], "{t}");
    assert_eq!(groups[0]["rows_read"], 4);
    assert_eq!(
        groups[0]["spellings"],
        serde_json::json!(["Sơn Tịnh", "H. Sơn Tịnh", "SON TINH"])
    );
    assert!(groups[1].get("spellings").is_none());
    let sum: u64 = groups
        .iter()
        .map(|g| g["rows_read"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, t["total"]["rows_read"].as_u64().unwrap());
}

/// Grouped by school level, the level's spellings ("Trung học phổ thông",
/// "Cấp 3", "thpt") are the one group of the rules' name, THPT.
#[test]
fn school_level_spellings_are_one_group() {
    let rows = [
        "Họ tên học sinh,Ngày sinh,Giới tính,Mã định danh,Trường,Cấp học,Lớp,Phòng GD&ĐT",
        "Lê Văn An,01/02/2010,Nam,051210015678,Trường THPT Số 1,Trung học phổ thông,10A,Sơn Tịnh",
        "Trần Thị Bình,02/03/2010,Nữ,051310015679,Trường THPT Số 1,Cấp 3,10A,Sơn Tịnh",
        "Phạm Văn Cường,03/04/2010,Nam,051210015680,Trường THPT Số 1,thpt,10A,Sơn Tịnh",
        "Võ Thị Dung,04/05/2015,Nữ,051315015681,Trường TH Số 2,Tiểu học,5A,Sơn Tịnh",
    ];
    let t = tally_of(&rows, &["--group-by", "Cấp học"]);
    let groups = t["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["THPT", "Tiểu học"], "{t}");
    assert_eq!(groups[0]["rows_read"], 3);
    assert_eq!(
        groups[0]["spellings"],
        serde_json::json!(["Trung học phổ thông", "Cấp 3", "thpt"])
    );
}

/// `--group-by "Huyện,Cơ sở tiêm"`: groups are district › facility pairs,
/// each level's spellings joined, and the first level's totals add the
/// pairs up (tally.json `level1`), both summing to the file's total.
#[test]
fn two_grouping_levels_add_up_per_level() {
    let rows = [
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Huyện,Cơ sở tiêm,Vắc xin,Mũi,Ngày tiêm",
        "Lê Văn An,01/02/1990,Nam,051090015678,Huyện Sơn Tịnh,TYT Tịnh Hà,Pfizer,1,15/08/2021",
        "Trần Thị Bình,02/03/1991,Nữ,05119101567,Sơn Tịnh,TYT  Tịnh Hà,Pfizer,1,15/08/2021",
        "Phạm Văn Cường,03/04/1992,Nam,051092015680,H. Sơn Tịnh,TYT Tịnh Bắc,Pfizer,1,15/08/2021",
        "Võ Thị Dung,04/05/1993,Nữ,,TP Quảng Ngãi,TYT Nghĩa Lộ,Pfizer,1,15/08/2021",
        "Huỳnh Văn Em,05/06/1994,Nam,051094015682,TP Quảng Ngãi,,Pfizer,1,15/08/2021",
    ];
    let t = tally_of(&rows, &["--group-by", "Huyện,Cơ sở tiêm"]);
    assert_eq!(t["group_by"], "Huyện › Cơ sở tiêm", "{t}");
    let names = |v: &serde_json::Value| -> Vec<(String, u64, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["name"].as_str().unwrap().to_string(),
                    g["rows_read"].as_u64().unwrap(),
                    g["with_problems"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let pairs = names(&t["groups"]);
    assert_eq!(
        pairs,
        [
            ("Huyện Sơn Tịnh › TYT Tịnh Bắc".to_string(), 1, 0),
            ("Huyện Sơn Tịnh › TYT Tịnh Hà".to_string(), 2, 1),
            ("TP Quảng Ngãi › (trống)".to_string(), 1, 0),
            ("TP Quảng Ngãi › TYT Nghĩa Lộ".to_string(), 1, 1),
        ],
        "{t}"
    );
    assert_eq!(t["level1"]["group_by"], "Huyện");
    let level1 = names(&t["level1"]["groups"]);
    assert_eq!(
        level1,
        [
            ("Huyện Sơn Tịnh".to_string(), 3, 1),
            ("TP Quảng Ngãi".to_string(), 2, 1),
        ]
    );
    let sum = |v: &[(String, u64, u64)]| v.iter().map(|g| g.1).sum::<u64>();
    assert_eq!(sum(&pairs), t["total"]["rows_read"].as_u64().unwrap());
    assert_eq!(sum(&level1), t["total"]["rows_read"].as_u64().unwrap());
    // three levels are refused with a message naming the limit
    let (code, _, err, _) = check_bytes(
        &rows.join("\n").into_bytes(),
        &["--group-by", "Huyện,Cơ sở tiêm,Vắc xin"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("hai cấp") && err.contains("two levels"),
        "{err}"
    );
}
