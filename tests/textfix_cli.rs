//! End-to-end tests of reading every kind of export (UTF-8 with BOM,
//! UTF-16 LE/BE, Windows-1258, TCVN3 bytes, .xlsx with numeric IDs) and of
//! `lamsach fix` (cleaned copy, changes.csv, idempotence).

use crate::textfix_encoders::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Huyện,Vắc xin,Mũi,Ngày tiêm";

fn lamsach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `check --out` on a file; returns (exit code, issues.csv).
fn check(input: &Path, extra: &[&str]) -> (i32, String) {
    let out = input.with_extension("report");
    let mut args = vec!["check", s(input), "--today", "2026-11-23", "--out", s(&out)];
    args.extend_from_slice(extra);
    let o = lamsach(&args);
    let issues = std::fs::read_to_string(out.join("issues.csv")).unwrap_or_default();
    assert!(
        o.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), issues)
}

/// (line, rule) of every finding in issues.csv.
fn findings(issues: &str) -> Vec<(u64, String)> {
    let mut r = csv::Reader::from_reader(issues.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].parse().unwrap(), x[1].to_string())
        })
        .collect()
}

/// Runs `fix`; returns (cleaned text, changes.csv text).
fn fix(input: &Path, out: &Path, extra: &[&str]) -> (String, String) {
    let mut args = vec!["fix", s(input), "--out", s(out)];
    args.extend_from_slice(extra);
    let o = lamsach(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cleaned = std::fs::read(out).unwrap();
    assert!(
        cleaned.starts_with(b"\xEF\xBB\xBF"),
        "cleaned copy has a BOM"
    );
    // named after the output: NAME.changes.csv
    let stem = out.file_stem().unwrap().to_string_lossy().into_owned();
    let changes = std::fs::read(out.with_file_name(format!("{stem}.changes.csv"))).unwrap();
    assert!(
        changes.starts_with(b"\xEF\xBB\xBF"),
        "changes.csv has a BOM"
    );
    (
        String::from_utf8(cleaned[3..].to_vec()).unwrap(),
        String::from_utf8(changes[3..].to_vec()).unwrap(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The same rows, three ways of writing them.
const ROWS: [&str; 3] = [
    "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021",
    "Trần Văn Hùng,03/11/1975,Nam,008075001122,Na Hang,Pfizer,2,01/09/2021",
    "Đặng Thị Hằng,01/01/2000,Nữ,001300012345,Chiêm Hóa,Vero Cell,1,05/09/2021",
];

fn text_file() -> String {
    let mut t = String::from(HEADER);
    for r in ROWS {
        t.push_str("\r\n");
        t.push_str(r);
    }
    t.push_str("\r\n");
    t
}

#[test]
fn utf8_bom_utf16le_utf16be_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let t = text_file();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(t.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(t.encode_utf16().flat_map(u16::to_be_bytes));
    let le_nobom: Vec<u8> = t.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for (name, bytes) in [
        ("bom.csv", bom),
        ("le.csv", le),
        ("be.csv", be),
        ("le-nobom.csv", le_nobom),
    ] {
        let p = write(dir.path(), name, &bytes);
        let (code, issues) = check(&p, &[]);
        assert_eq!(code, 0, "{name}: {issues}");
        let (cleaned, changes) = fix(&p, &dir.path().join(format!("{name}.out.csv")), &[]);
        assert_eq!(cleaned, t, "{name}");
        assert_eq!(changes.lines().count(), 1, "{name}: {changes}");
    }
}

#[test]
fn windows_1258_is_decoded_and_composed() {
    let dir = tempfile::tempdir().unwrap();
    let t = text_file();
    let p = write(dir.path(), "w1258.csv", &cp1258_bytes(&t));
    let (code, issues) = check(&p, &[]);
    assert_eq!(code, 0, "no NFD findings after decoding: {issues}");
    let (cleaned, _) = fix(&p, &dir.path().join("clean.csv"), &[]);
    assert_eq!(cleaned, t);
    // forced encoding gives the same
    let (cleaned, _) = fix(
        &p,
        &dir.path().join("clean2.csv"),
        &["--encoding", "windows-1258"],
    );
    assert_eq!(cleaned, t);
}

#[test]
fn tcvn3_bytes_are_repaired() {
    let dir = tempfile::tempdir().unwrap();
    // An old system writes the header in Unicode-less ASCII and the data in TCVN3.
    let header = "Ho ten,Ngay sinh,Gioi tinh,So CCCD,Huyen,Vac xin,Mui,Ngay tiem";
    let mut bytes = header.as_bytes().to_vec();
    for r in ROWS {
        bytes.push(b'\n');
        bytes.extend(tcvn3_bytes(r));
    }
    bytes.push(b'\n');
    let p = write(dir.path(), "tcvn3.csv", &bytes);
    let (code, issues) = check(&p, &[]);
    assert_eq!(code, 1);
    let got = findings(&issues);
    for line in 2..=4 {
        assert!(got.contains(&(line, "TXT002".into())), "{issues}");
    }
    assert!(issues.contains("Nguyễn Thị Lan"), "{issues}");
    let (cleaned, changes) = fix(&p, &dir.path().join("clean.csv"), &[]);
    let mut want = header.to_string();
    for r in ROWS {
        want.push('\n');
        want.push_str(r);
    }
    want.push('\n');
    assert_eq!(cleaned, want);
    assert!(
        changes.contains("2,Ho ten,NguyÔn ThÞ Lan,Nguyễn Thị Lan,TXT002"),
        "{changes}"
    );
}

#[test]
fn vni_and_mojibake_and_nfd_cells_in_a_utf8_file() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ROWS[0].to_string(),
        vni(ROWS[1]),
        mojibake(ROWS[2]),
        ROWS[0].replace("Nguyễn", "Nguye\u{302}\u{303}n"),
    ];
    let t = format!("{HEADER}\n{}\n", rows.join("\n"));
    let p = write(dir.path(), "mixed.csv", t.as_bytes());
    let (code, issues) = check(&p, &[]);
    assert_eq!(code, 1);
    let got = findings(&issues);
    assert!(got.contains(&(3, "TXT003".into())), "{issues}");
    assert!(got.contains(&(4, "TXT004".into())), "{issues}");
    assert!(got.contains(&(5, "TXT005".into())), "{issues}");
    assert!(!got.iter().any(|(l, _)| *l == 2), "clean row: {issues}");
    let (cleaned, _) = fix(&p, &dir.path().join("clean.csv"), &[]);
    let want = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n",
        ROWS[0], ROWS[1], ROWS[2], ROWS[0]
    );
    assert_eq!(cleaned, want);
}

#[test]
fn fix_mixed_file_keeps_every_row_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let t = [
        HEADER,
        "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021",
        "NguyÔn V¨n Hïng,3/11/1975,Nam,8075001122,Chiêm Hóa,Pfizer,1,2021-09-01",
        "\"unclosed,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        "Lê  Thị\u{A0}Hoa , 1/1/2000,Nữ,1300012345,Na Hang,Pfizer,2,05/09/2021",
        "Bùi Văn Nam,1/1/2000,Nữ,1300012345,Na Hang,Pfizer,2,05/09/2021",
        "too,few,fields",
        "",
        "Ngá» Thá»‹ Lan,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        "\"Lê, Văn\",01/01/2000,Nam,001200012345,Na Hang,Pfizer,2,05/09/2021",
    ]
    .join("\n");
    let p = write(dir.path(), "in.csv", t.as_bytes());
    let out = dir.path().join("a").join("cleaned.csv");
    let (cleaned, changes) = fix(&p, &out, &[]);
    let want = [
        HEADER,
        "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021",
        "Nguyễn Văn Hùng,03/11/1975,Nam,008075001122,Chiêm Hóa,Pfizer,1,01/09/2021",
        "\"unclosed,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        "Lê Thị Hoa,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        // padded ID would say female born 2000; the row says female 2000: padded
        "Bùi Văn Nam,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        "too,few,fields",
        "",
        // unsure: reported, not changed
        "Ngá» Thá»‹ Lan,01/01/2000,Nữ,001300012345,Na Hang,Pfizer,2,05/09/2021",
        "\"Lê, Văn\",01/01/2000,Nam,001200012345,Na Hang,Pfizer,2,05/09/2021",
    ]
    .join("\n")
        + "\n";
    assert_eq!(cleaned, want);
    let mut r = csv::Reader::from_reader(changes.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["line", "column", "before", "after", "rule"]
    );
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    let has = |line: &str, col: &str, after: &str, rule: &str| {
        rows.iter()
            .any(|x| x[0] == line && x[1] == col && x[3] == after && x[4] == rule)
    };
    assert!(
        has("3", "Họ và tên", "Nguyễn Văn Hùng", "TXT002"),
        "{changes}"
    );
    assert!(
        has("3", "Ngày sinh", "03/11/1975", "date-format"),
        "{changes}"
    );
    assert!(has("3", "Số CCCD", "008075001122", "ID003"), "{changes}");
    assert!(has("5", "Họ và tên", "Lê Thị Hoa", "TXT007"), "{changes}");
    assert_eq!(rows.len(), 9, "{changes}");

    // second run: nothing to change, byte-identical output
    let out2 = dir.path().join("b").join("cleaned.csv");
    let (cleaned2, changes2) = fix(&out, &out2, &[]);
    assert_eq!(cleaned2, cleaned);
    assert_eq!(changes2.lines().count(), 1, "{changes2}");
}

#[test]
fn fix_does_not_pad_an_id_that_disagrees() {
    let dir = tempfile::tempdir().unwrap();
    // padded 001300012345 = female born 2000, but the row says male
    let t =
        format!("{HEADER}\nBùi Văn Nam,01/01/2000,Nam,1300012345,Na Hang,Pfizer,2,05/09/2021\n");
    let p = write(dir.path(), "in.csv", t.as_bytes());
    let (cleaned, changes) = fix(&p, &dir.path().join("c.csv"), &[]);
    assert_eq!(cleaned, t);
    assert_eq!(changes.lines().count(), 1);
}

#[test]
fn fix_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "in.csv",
        format!("{HEADER}\n{}\n", ROWS[0]).as_bytes(),
    );
    let o = lamsach(&["fix", s(&p), "--out", s(&p)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        format!("{HEADER}\n{}\n", ROWS[0])
    );
}

#[test]
fn xlsx_with_numeric_ids_and_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    let mut wb = Workbook::new();
    let other = wb.add_worksheet();
    other.set_name("Ghi chú").unwrap();
    other.write_string(0, 0, "not the data").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Tiêm chủng").unwrap();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let zeros = Format::new().set_num_format("000000000000");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    // row 2: ID as a number formatted to show 12 digits
    ws.write_string(1, 0, "Nguyễn Thị Lan").unwrap();
    ws.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(1990, 5, 12).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 2, "Nữ").unwrap();
    ws.write_number_with_format(1, 3, 1190012345.0, &zeros)
        .unwrap();
    // row 3: a plain number: the zeros are lost (ID003), never 1.23E+11
    ws.write_string(2, 0, "Trần Văn Hùng").unwrap();
    ws.write_string(2, 1, "03/11/1975").unwrap();
    ws.write_string(2, 2, "Nam").unwrap();
    ws.write_number(2, 3, 8075001122.0).unwrap();
    // row 4: a 12-digit number without leading zero
    ws.write_string(3, 0, "Lò Văn Ổn").unwrap();
    ws.write_string(3, 1, "01/01/2005").unwrap();
    ws.write_string(3, 2, "Nam").unwrap();
    ws.write_number(3, 3, 111205012345.0).unwrap();
    for r in 1..=3u32 {
        ws.write_string(r, 4, "Chiêm Hóa").unwrap();
        ws.write_string(r, 5, "Pfizer").unwrap();
        ws.write_number(r, 6, 1.0).unwrap();
        ws.write_datetime_with_format(r, 7, ExcelDateTime::from_ymd(2021, 8, 15).unwrap(), &date)
            .unwrap();
    }
    wb.save(&path).unwrap();

    let (code, issues) = check(&path, &["--sheet", "Tiêm chủng"]);
    assert_eq!(code, 1, "{issues}");
    let got = findings(&issues);
    assert_eq!(
        got,
        vec![(3, "ID003".to_string()), (4, "ID005".to_string())],
        "{issues}"
    );
    assert!(!issues.contains("E+"), "{issues}");
    // by number too
    let (_, issues2) = check(&path, &["--sheet", "2"]);
    assert_eq!(findings(&issues2), got);

    let (cleaned, _) = fix(
        &path,
        &dir.path().join("clean.csv"),
        &["--sheet", "Tiêm chủng"],
    );
    let want = [
        HEADER,
        "Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021",
        "Trần Văn Hùng,03/11/1975,Nam,008075001122,Chiêm Hóa,Pfizer,1,15/08/2021",
        "Lò Văn Ổn,01/01/2005,Nam,111205012345,Chiêm Hóa,Pfizer,1,15/08/2021",
    ]
    .join("\n")
        + "\n";
    assert_eq!(cleaned, want);

    // an .xlsx output: the same cells, every one text (the ID keeps its zeros)
    let book = dir.path().join("clean.xlsx");
    let o = lamsach(&[
        "fix",
        s(&path),
        "--out",
        s(&book),
        "--sheet",
        "Tiêm chủng",
        "-q",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(&book).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let text = |r: usize, c: usize| match &rows[r][c] {
        Data::String(v) => v.clone(),
        other => panic!("cell {r},{c} is not text: {other:?}"),
    };
    assert_eq!(text(0, 0), "Họ và tên");
    assert_eq!(text(1, 3), "001190012345");
    assert_eq!(text(2, 1), "03/11/1975");
    assert_eq!(rows.len(), 4);
    assert!(!dir.path().join("clean.csv.tmp").exists());
    assert!(dir.path().join("clean.changes.csv").exists());

    // an unknown sheet is a usage error naming the sheets
    let o = lamsach(&["check", s(&path), "--sheet", "Khác"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Tiêm chủng"));
}

#[test]
fn generated_corpus_fix_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = String::from(HEADER);
    for (i, name) in corpus().iter().enumerate() {
        let broken = match i % 6 {
            0 => name.clone(),
            1 => latin1(&tcvn3_bytes(name)),
            2 => vni(name),
            3 => mojibake(name),
            4 => format!(" {}\u{A0}", name.replace(' ', "  ")),
            _ => {
                use unicode_normalization::UnicodeNormalization;
                name.nfd().collect()
            }
        };
        let dob = match i % 3 {
            0 => "1990-05-12",
            1 => "12/5/1990",
            _ => "33005",
        };
        let id = if i % 2 == 0 {
            "1190012345"
        } else {
            "001190012345"
        };
        t.push_str(&format!(
            "\n\"{broken}\",{dob},Nữ,{id},Chiêm Hóa,Pfizer,1,15/08/2021"
        ));
    }
    let p = write(dir.path(), "corpus.csv", t.as_bytes());
    let (once, changes) = fix(&p, &dir.path().join("1").join("c.csv"), &[]);
    assert!(changes.lines().count() > corpus().len(), "{changes}");
    let mut r = csv::Reader::from_reader(once.as_bytes());
    let mut n = 0;
    for (rec, name) in r.records().zip(corpus()) {
        let rec = rec.unwrap();
        assert_eq!(
            rec.iter().take(4).collect::<Vec<_>>(),
            // the column's own layout: its first date is 1990-05-12
            [name.as_str(), "1990-05-12", "Nữ", "001190012345"]
        );
        n += 1;
    }
    assert_eq!(n, corpus().len());
    let (twice, changes2) = fix(
        &dir.path().join("1").join("c.csv"),
        &dir.path().join("2").join("c.csv"),
        &[],
    );
    assert_eq!(twice, once);
    assert_eq!(changes2.lines().count(), 1, "{changes2}");
    // and the cleaned file has no broken-text finding left
    let (_, issues) = check(&dir.path().join("2").join("c.csv"), &[]);
    assert!(!issues.contains(",TXT"), "{issues}");
}

#[test]
fn a_csv_named_xls_is_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let t = text_file();
    let p = write(dir.path(), "export.xls", t.as_bytes());
    let (code, issues) = check(&p, &[]);
    assert_eq!(code, 0, "{issues}");
}

#[test]
fn tcvn3_header_is_repaired_before_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let header = HEADER.replace(',', ";");
    let rows: Vec<String> = ROWS.iter().map(|r| r.replace(',', ";")).collect();
    let mut bytes = tcvn3_bytes(&header);
    for r in &rows {
        bytes.extend_from_slice(b"\r\n");
        bytes.extend(tcvn3_bytes(r));
    }
    bytes.extend_from_slice(b"\r\n");
    let p = write(dir.path(), "tcvn3-header.csv", &bytes);
    let (code, issues) = check(&p, &[]);
    assert_eq!(code, 1, "{issues}");
    assert!(
        findings(&issues).contains(&(2, "TXT002".into())),
        "{issues}"
    );
    let (cleaned, _) = fix(&p, &dir.path().join("clean.csv"), &[]);
    let want = format!("{header}\r\n{}\r\n", rows.join("\r\n"));
    assert_eq!(cleaned, want);
}

#[test]
fn encoding_option() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "in.csv", text_file().as_bytes());
    let o = lamsach(&["check", s(&p), "--encoding", "klingon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--encoding 'klingon'"));
    // a TCVN3 file forced as tcvn3 reads the same as detected
    let mut bytes = tcvn3_bytes(HEADER);
    bytes.push(b'\n');
    bytes.extend(tcvn3_bytes(ROWS[0]));
    bytes.push(b'\n');
    let t = write(dir.path(), "t.csv", &bytes);
    let (cleaned, _) = fix(&t, &dir.path().join("c.csv"), &["--encoding", "tcvn3"]);
    assert_eq!(cleaned, format!("{HEADER}\n{}\n", ROWS[0]));
}

#[test]
fn other_rules_and_groups_see_the_repaired_text() {
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "fixtures/encodings/tcvn3.csv",
            "--today",
            "2026-11-23",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let issues = std::fs::read_to_string(out.path().join("issues.csv")).unwrap();
    // a TCVN3 name or "N÷" is broken text (TXT002), not an invalid name or sex
    assert!(
        !issues.contains(",NAM002,") && !issues.contains(",SEX002,"),
        "{issues}"
    );
    let tally = std::fs::read_to_string(out.path().join("tally.json")).unwrap();
    assert!(
        tally.contains("\"Chiêm Hóa\"") && !tally.contains("Chiªm"),
        "{tally}"
    );
}

/// Dates keep each column's own layout: a BHXH-style yyyymmdd column stays
/// yyyymmdd (an Excel serial or a dd/mm/yyyy in it is written that way),
/// while another column keeps dd/mm/yyyy; `--date-format` writes all one way.
#[test]
fn fix_keeps_each_date_columns_layout() {
    let dir = tempfile::tempdir().unwrap();
    let t = format!(
        "{HEADER}\n\
         Nguyễn Thị Lan,19900512,Nữ,001190012345,Chiêm Hóa,Pfizer,1,15/08/2021\n\
         Trần Văn Hùng,03/11/1975,Nam,008075001122,Chiêm Hóa,Pfizer,1,2021-08-16\n\
         Lò Văn Ổn,33005,Nam,001190012345,Chiêm Hóa,Pfizer,2,15/09/2021\n"
    );
    let p = write(dir.path(), "in.csv", t.as_bytes());
    let (cleaned, _) = fix(&p, &dir.path().join("a.csv"), &[]);
    let dates: Vec<(String, String)> = csv::Reader::from_reader(cleaned.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[7].to_string())
        })
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        dates,
        [
            pair("19900512", "15/08/2021"),
            pair("19751103", "16/08/2021"),
            pair("19900512", "15/09/2021"),
        ]
    );
    let (all_one_way, _) = fix(
        &p,
        &dir.path().join("b.csv"),
        &["--date-format", "yyyy-mm-dd"],
    );
    assert!(
        all_one_way.contains(",1990-05-12,") && all_one_way.contains(",2021-08-15\n"),
        "{all_one_way}"
    );
    let o = lamsach(&[
        "fix",
        s(&p),
        "--out",
        s(&dir.path().join("c.csv")),
        "--date-format",
        "mm/dd",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("yyyymmdd"));
}

/// A mobile number that lost its leading zero to Excel (nine digits) gets
/// it back, listed as PHO001; a malformed number is left as it is.
#[test]
fn fix_restores_a_phones_leading_zero() {
    let dir = tempfile::tempdir().unwrap();
    let t = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Vắc xin,Mũi,Ngày tiêm\n\
             Nguyễn Thị Lan,12/05/1990,Nữ,001190012345,912345678,Chiêm Hóa,Pfizer,1,15/08/2021\n\
             Trần Văn Hùng,03/11/1975,Nam,008075001122,0912 345,Chiêm Hóa,Pfizer,1,16/08/2021\n";
    let p = write(dir.path(), "in.csv", t.as_bytes());
    let (cleaned, changes) = fix(&p, &dir.path().join("a.csv"), &[]);
    assert!(cleaned.contains(",0912345678,"), "{cleaned}");
    assert!(cleaned.contains(",0912 345,"), "{cleaned}");
    assert!(changes.contains("912345678,0912345678,PHO001"), "{changes}");
}
