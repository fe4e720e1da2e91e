//! Loads a reference extract into the compact index, in parallel: a reader
//! thread cuts the file into batches of records (bounded channel, so memory
//! stays bounded), rayon workers parse and normalise each batch, and the
//! batches are merged into the index in file order, which keeps the first of
//! duplicate IDs and makes the result independent of the thread count.

use super::table::{People, Record};
use super::{sex_code, PDate, Reference, ReferenceSettings};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::Reason;
use lamsach_io::input::{split_fields, Batch, Item};
use lamsach_io::out::AtomicFile;
use lamsach_io::source::{Source, SourceOptions};
use lamsach_model::parse::date::{self, DateValue};
use lamsach_model::parse::id::{self, IdValue};
use lamsach_model::profile::{Field, Mapping, RuleData};
use lamsach_text::fold;
use lamsach_text::Lang;
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::Path;
use std::sync::mpsc::sync_channel;

/// At most this many problem lines are kept (all are counted).
pub(crate) const MAX_ISSUES: usize = 100_000;
/// Longest name kept, in bytes (longer ones are cut at a character boundary;
/// the arena stores the length in one byte).
const MAX_NAME_BYTES: usize = 255;

/// Counts from loading the reference file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadStats {
    /// Data rows read (blank lines not counted).
    pub rows: u64,
    /// Distinct IDs loaded.
    pub loaded: u64,
    /// Rows whose ID was already loaded from an earlier line (the earlier one is kept).
    pub duplicates: u64,
    /// … of which give a different name, date of birth or sex.
    pub duplicate_conflicts: u64,
    /// Rows without a usable 12-digit ID (skipped).
    pub bad_ids: u64,
    /// IDs with leading zeros dropped by Excel, restored and loaded.
    pub padded_ids: u64,
    /// Dates of birth or death that are not dates (the row is kept without them).
    pub bad_dates: u64,
    /// Rows that could not be read (quotes, column count, size).
    pub unreadable: u64,
    /// Names with digits or symbols (broken encoding, shifted columns): kept,
    /// but export rows are not compared with them.
    pub bad_names: u64,
    pub blank_lines: u64,
}

impl LoadStats {
    pub fn problems(&self) -> u64 {
        self.duplicates + self.bad_ids + self.bad_dates + self.bad_names + self.unreadable
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    Duplicate { first_line: u64, conflict: bool },
    BadId,
    BadDate { field: Field },
    BadName,
    Unreadable(Reason),
}

/// One problem in the reference file. Never holds an ID or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefIssue {
    pub line: u64,
    pub kind: IssueKind,
}

impl RefIssue {
    pub fn key(&self) -> &'static str {
        match self.kind {
            IssueKind::Duplicate { .. } => "duplicate_id",
            IssueKind::BadId => "bad_id",
            IssueKind::BadDate { .. } => "bad_date",
            IssueKind::BadName => "bad_name",
            IssueKind::Unreadable(_) => "unreadable",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match &self.kind {
            IssueKind::Duplicate { first_line, conflict } => match (conflict, lang.is_en()) {
                (false, false) => format!("Số định danh trùng với dòng {first_line} (cùng thông tin); dùng dòng {first_line}"),
                (true, false) => format!("Số định danh trùng với dòng {first_line} nhưng khác họ tên/ngày sinh/giới tính; dùng dòng {first_line}"),
                (false, true) => format!("ID repeats line {first_line} (same details); line {first_line} is used"),
                (true, true) => format!("ID repeats line {first_line} with a different name/date of birth/sex; line {first_line} is used"),
            },
            IssueKind::BadId => {
                if lang.is_en() {
                    "No valid 12-digit ID: row skipped".into()
                } else {
                    "Không có số định danh 12 số hợp lệ: bỏ qua dòng".into()
                }
            }
            IssueKind::BadDate { field } => {
                let (vi, en_name) = if *field == Field::DeathDate {
                    ("ngày mất", "date of death")
                } else {
                    ("ngày sinh", "date of birth")
                };
                if lang.is_en() {
                    format!("The {en_name} is not a date: not compared")
                } else {
                    format!("Giá trị {vi} không phải ngày: không đối chiếu")
                }
            }
            IssueKind::BadName => {
                if lang.is_en() {
                    "The name has digits or symbols (broken encoding?): names not compared".into()
                } else {
                    "Họ tên có chữ số hoặc ký tự lạ (lỗi font?): không đối chiếu họ tên".into()
                }
            }
            IssueKind::Unreadable(r) => r.message(lang),
        }
    }
}

struct Parsed {
    line: u64,
    id: u64,
    name_start: usize,
    name_len: usize,
    sex: u8,
    dob: PDate,
    death: PDate,
}

#[derive(Default)]
struct ParsedBatch {
    names: Vec<u8>,
    rows: Vec<Parsed>,
    issues: Vec<RefIssue>,
    padded: u64,
    blank: u64,
}

struct Cols {
    id: usize,
    name: Option<usize>,
    dob: Option<usize>,
    sex: Option<usize>,
    death: Option<usize>,
    expected: usize,
    delim: u8,
}

fn parse_batch(b: &Batch, cols: &Cols, data: &RuleData) -> ParsedBatch {
    let mut out = ParsedBatch {
        names: Vec::with_capacity(b.items.len() * 24),
        rows: Vec::with_capacity(b.items.len()),
        ..Default::default()
    };
    let mut raw: Vec<Cow<[u8]>> = Vec::with_capacity(cols.expected);
    let mut name = String::new();
    for item in &b.items {
        let (line, start, end) = match item {
            Item::Unreadable { line, reason } => {
                out.issues.push(RefIssue {
                    line: *line,
                    kind: IssueKind::Unreadable(reason.clone()),
                });
                continue;
            }
            Item::Rec { line, start, end } => (*line, *start, *end),
        };
        let Some(bytes) = b.buf.get(start..end) else {
            continue;
        };
        split_fields(bytes, cols.delim, &mut raw);
        if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            out.blank += 1;
            continue;
        }
        lamsach_io::input::drop_empty_tail(&mut raw, cols.expected);
        if raw.len() != cols.expected {
            out.issues.push(RefIssue {
                line,
                kind: IssueKind::Unreadable(Reason::FieldCount {
                    found: raw.len(),
                    expected: cols.expected,
                }),
            });
            continue;
        }
        let cell = |c: Option<usize>| -> Cow<str> {
            c.and_then(|c| raw.get(c))
                .map_or(Cow::Borrowed(""), |f| String::from_utf8_lossy(f))
        };
        let id_text = cell(Some(cols.id));
        let id = match id::parse(id_text.trim(), data) {
            IdValue::Cccd(d) => super::row_key(&IdValue::Cccd(d)),
            v @ IdValue::DroppedZeros { .. } => {
                out.padded += 1;
                super::row_key(&v)
            }
            _ => None,
        };
        let Some((id, _)) = id else {
            out.issues.push(RefIssue {
                line,
                kind: IssueKind::BadId,
            });
            continue;
        };
        super::classify::normalize_into(&cell(cols.name), &mut name);
        if !name.is_empty() && !super::classify::looks_like_a_name(&name) {
            out.issues.push(RefIssue {
                line,
                kind: IssueKind::BadName,
            });
        }
        let mut cut = name.len().min(MAX_NAME_BYTES);
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        let name_start = out.names.len();
        out.names.extend_from_slice(&name.as_bytes()[..cut]);
        let mut date_of = |c: Option<usize>, field: Field| {
            let v = date::parse(&cell(c));
            if matches!(v, DateValue::Unparseable | DateValue::Impossible { .. }) {
                out.issues.push(RefIssue {
                    line,
                    kind: IssueKind::BadDate { field },
                });
            }
            PDate::pack(v)
        };
        let dob = date_of(cols.dob, Field::Dob);
        let death = date_of(cols.death, Field::DeathDate);
        let sex = sex_code(data.sex_of(&fold(&cell(cols.sex))));
        out.rows.push(Parsed {
            line,
            id,
            name_start,
            name_len: cut,
            sex,
            dob,
            death,
        });
    }
    out
}

/// Loads a reference extract. A missing file or required column is an
/// error; bad rows and duplicate IDs are counted and listed in `issues`.
pub fn load(path: &Path, data: &RuleData, lang: Lang) -> Result<Reference> {
    let cfg: &ReferenceSettings = &data.reference;
    // Read as the export is: UTF-8, UTF-16 or a legacy code page (detected),
    // or the first sheet of a workbook.
    let choose =
        |rows: &[lamsach_io::source::HeadRow]| lamsach_model::layout::choose_header(data, rows);
    let source = Source::open(
        path,
        &SourceOptions::default(),
        data.reader_limits(),
        lang,
        Some(&choose),
    )?;
    let mut reader = source.records()?;
    let delim = source.delim();
    let blank_header_lines = (source.header_line() - 1).saturating_sub(
        source
            .non_records()
            .iter()
            .map(|n| n.end_line - n.line + 1)
            .sum(),
    );
    let headers = source.header();
    let read_err = Error::read(path);
    let mapping = Mapping::new(&cfg.profile, headers, &data.headers);
    let missing = mapping.missing_required();
    let id_col = mapping.column(Field::Id);
    let Some(id_col) = id_col.filter(|_| missing.is_empty()) else {
        let mut missing = missing;
        if id_col.is_none() && !missing.contains(&Field::Id) {
            missing.insert(0, Field::Id);
        }
        return Err(mapping.missing_columns_error(path, &missing, source.header_line(), false));
    };
    let cols = Cols {
        id: id_col,
        name: mapping.column(Field::FullName),
        dob: mapping.column(Field::Dob),
        sex: mapping.column(Field::Sex),
        death: mapping.column(Field::DeathDate),
        expected: headers.len(),
        delim,
    };

    let batch_rows = data.limits.batch_rows.max(1);
    let in_flight = rayon::current_num_threads().max(1) * 2;
    // rows in the file, from its size and the line length in the first
    // buffer read (so the index is allocated once, at its final size)
    let size_hint = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let head = reader.head();
    let head_lines = memchr::memchr_iter(b'\n', head).count() as u64;
    let per_row = (head.len() as u64)
        .checked_div(head_lines)
        .map_or(70, |n| n.max(8));
    let rows_hint =
        ((size_hint / per_row + size_hint / per_row / 50 + 16) as usize).min(200_000_000);
    let mut r = Reference {
        table: People::with_capacity(rows_hint),
        names: Vec::with_capacity(rows_hint * 24),
        stats: LoadStats {
            blank_lines: blank_header_lines,
            ..Default::default()
        },
        issues: Vec::new(),
        file_name: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    };

    let (tx, rx) = sync_channel::<std::io::Result<Batch>>(in_flight);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            lamsach_io::input::send_batches(&mut reader, batch_rows, &tx, None);
        });
        // owned here, so an early return drops it and releases the reader
        // thread blocked on a full channel (the scope then joins it)
        let rx = rx;
        let mut pending: Vec<Batch> = Vec::with_capacity(in_flight);
        let mut done = false;
        while !done {
            if lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            pending.clear();
            while pending.len() < in_flight {
                match rx.recv() {
                    Ok(Ok(b)) => pending.push(b),
                    Ok(Err(e)) => return Err(read_err(e)),
                    Err(_) => {
                        done = true;
                        break;
                    }
                }
            }
            let parsed: Vec<ParsedBatch> = pending
                .par_iter()
                .map(|b| parse_batch(b, &cols, data))
                .collect();
            for p in parsed {
                merge(&mut r, p, path)?;
            }
        }
        Ok(())
    })?;
    r.issues.sort_by_key(|i| i.line);
    r.stats.loaded = r.table.len() as u64;
    if r.is_empty() {
        // every export row would be "not in the database": surely the wrong file
        return Err(Error::Usage(format!(
            "{}: tệp tham chiếu không có dòng nào có số định danh 12 số hợp lệ / the reference has no row with a valid 12-digit ID",
            path.display()
        )));
    }
    r.names.shrink_to_fit();
    Ok(r)
}

fn merge(r: &mut Reference, p: ParsedBatch, path: &Path) -> Result<()> {
    let s = &mut r.stats;
    s.padded_ids += p.padded;
    s.blank_lines += p.blank;
    for i in &p.issues {
        match i.kind {
            IssueKind::BadId => s.bad_ids += 1,
            IssueKind::BadDate { .. } => s.bad_dates += 1,
            IssueKind::BadName => s.bad_names += 1,
            IssueKind::Unreadable(_) => s.unreadable += 1,
            IssueKind::Duplicate { .. } => {}
        }
    }
    // rows = data rows that are not blank (unreadable and bad-ID rows included)
    s.rows += p.rows.len() as u64
        + p.issues
            .iter()
            .filter(|i| matches!(i.kind, IssueKind::BadId | IssueKind::Unreadable(_)))
            .count() as u64;
    let room = MAX_ISSUES.saturating_sub(r.issues.len());
    r.issues.extend(p.issues.into_iter().take(room));
    for row in p.rows {
        let name = p
            .names
            .get(row.name_start..row.name_start + row.name_len)
            .unwrap_or(b"");
        let Ok(at) = u32::try_from(r.names.len()) else {
            return Err(Error::Usage(format!(
                "{}: tệp tham chiếu quá lớn (quá 4 GB tên) / reference file too large (over 4 GB of names)",
                path.display()
            )));
        };
        let slot = Record::new(at, row.dob.0, row.sex, row.death.0, row.line);
        match r.table.first_or_insert(row.id, slot) {
            None => {
                r.names.push(name.len() as u8);
                r.names.extend_from_slice(name);
            }
            Some(first) => {
                let first_line = u64::from(first.line);
                let conflict = r.name_at(first.name) != name
                    || first.dob() != row.dob.0
                    || first.sex() != row.sex;
                r.stats.duplicates += 1;
                if conflict {
                    r.stats.duplicate_conflicts += 1;
                }
                if r.issues.len() < MAX_ISSUES {
                    r.issues.push(RefIssue {
                        line: row.line,
                        kind: IssueKind::Duplicate {
                            first_line,
                            conflict,
                        },
                    });
                }
            }
        }
    }
    Ok(())
}

/// Writes `reference-issues.csv` (line, problem, message; no IDs or names).
pub fn write_issues_csv(dest: &Path, r: &Reference, lang: Lang) -> Result<()> {
    let mut file = AtomicFile::create_csv(dest)?;
    let werr = Error::write(&dest);
    {
        let mut w = csv::Writer::from_writer(file.writer());
        let cerr = Error::write_other(&dest);
        w.write_record(["line", "problem", "message"])
            .map_err(&cerr)?;
        for i in &r.issues {
            w.write_record([
                i.line.to_string().as_str(),
                i.key(),
                i.message(lang).as_str(),
            ])
            .map_err(&cerr)?;
        }
        w.flush().map_err(&werr)?;
    }
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamsach_model::profile::Sex;

    fn load_str(text: &str) -> Result<Reference> {
        load_bytes(text.as_bytes())
    }

    fn load_bytes(text: &[u8]) -> Result<Reference> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("dan-cu.csv");
        std::fs::write(&p, text).unwrap();
        let data = RuleData::embedded().unwrap();
        load(&p, &data, Lang::Vi)
    }

    #[test]
    fn loads_and_looks_up() {
        let r = load_str(
            "\u{feff}Số định danh cá nhân;Họ và tên;Ngày sinh;Giới tính;Địa chỉ;Ngày mất\n\
             001190012345;NGUYỄN  Thị Ánh;12/05/1990;Nữ;Hà Nội;\n\
             \n\
             008075001122;Trần Văn Hùng;1975;Nam;;03/02/2023\n",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        let p = r.get(1190012345).unwrap();
        assert_eq!(p.name, "nguyễn thị ánh");
        assert_eq!(p.sex, Some(Sex::Female));
        assert_eq!(p.dob.show(), "12/05/1990");
        assert!(p.death.is_none());
        let q = r.get(8075001122).unwrap();
        assert_eq!(q.dob.show(), "1975");
        assert_eq!(q.death.show(), "03/02/2023");
        assert!(r.get(1).is_none());
        assert_eq!(r.stats.rows, 2);
        assert_eq!(r.stats.blank_lines, 1);
        assert!(r.issues.is_empty());
    }

    #[test]
    fn duplicates_and_bad_rows_reported_not_fatal() {
        let r = load_str(
            "CCCD,Họ tên,Ngày sinh,Giới tính\n\
             001190012345,Nguyễn Thị Ánh,12/05/1990,Nữ\n\
             001190012345,Nguyễn Thị Ánh,12/05/1990,Nữ\n\
             001190012345,Trần Văn Hùng,12/05/1990,Nam\n\
             12345,Lê Văn A,01/01/2000,Nam\n\
             \"001190099999,Lê Văn B,01/01/2000,Nam\n\
             001190088888,Lê Văn C,31/02/2000,Nam\n\
             001190077777,Lê Văn D\n\
             1190066666,Lê Văn E,01/01/2000,Nam\n\
             001190055555,Nguyá»…n Văn F,01/01/2000,Nam\n",
        )
        .unwrap();
        assert_eq!(r.stats.duplicates, 2);
        assert_eq!(r.stats.duplicate_conflicts, 1);
        assert_eq!(r.stats.bad_ids, 1);
        assert_eq!(r.stats.bad_dates, 1);
        assert_eq!(r.stats.unreadable, 2);
        assert_eq!(r.stats.padded_ids, 1);
        assert_eq!(r.stats.bad_names, 1);
        assert_eq!(r.len(), 4);
        // the first of duplicates is kept
        assert_eq!(r.get(1190012345).unwrap().name, "nguyễn thị ánh");
        let lines: Vec<(u64, &str)> = r.issues.iter().map(|i| (i.line, i.key())).collect();
        assert_eq!(
            lines,
            [
                (3, "duplicate_id"),
                (4, "duplicate_id"),
                (5, "bad_id"),
                (6, "unreadable"),
                (7, "bad_date"),
                (8, "unreadable"),
                (10, "bad_name")
            ]
        );
        assert_eq!(
            r.issues[1].message(Lang::Vi),
            "Số định danh trùng với dòng 2 nhưng khác họ tên/ngày sinh/giới tính; dùng dòng 2"
        );
        // messages never carry the ID
        assert!(r
            .issues
            .iter()
            .all(|i| !i.message(Lang::En).contains("1190012345")));
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = fastrand::Rng::with_seed(6);
        let alphabet: &[u8] = b"0123456789,;\"\n\r /-\xC3\xA1\xE1\xBB\x85\xFFNamN\xE1\xBB\xAF";
        for _ in 0..300 {
            let mut text = b"CCCD,H\xE1\xBB\x8D t\xC3\xAAn,Ng\xC3\xA0y sinh,Gi\xE1\xBB\x9Bi t\xC3\xADnh,Ng\xC3\xA0y m\xE1\xBA\xA5t\n001190012345,A,1990,Nam,\n".to_vec();
            let n = rng.usize(0..400);
            text.extend((0..n).map(|_| alphabet[rng.usize(0..alphabet.len())]));
            let r = load_bytes(&text).expect("one good row always loads");
            assert!(r.get(1190012345).is_some());
        }
    }

    #[test]
    fn missing_column_and_empty_file_are_errors() {
        let e = load_str("CCCD,Họ tên,Giới tính\n001190012345,A,Nam\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("dob") && e.contains("reference"), "{e}");
        let e = load_str("").unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
        let e = load_str("Họ tên,Ngày sinh,Giới tính\nA,1990,Nam\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("id ("), "{e}");
        for text in [
            "CCCD,Họ tên,Ngày sinh,Giới tính\n",
            "CCCD,Họ tên,Ngày sinh,Giới tính\nabc,A,1990,Nam\n",
        ] {
            let e = load_str(text).unwrap_err().to_string();
            assert!(e.contains("no row with a valid 12-digit ID"), "{e}");
        }
        let e = load_str("\u{feff}").unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
    }

    const ONE: &str =
        "CCCD,Họ và tên,Ngày sinh,Giới tính\n001190012345,Nguyễn Thị Ánh,12/05/1990,Nữ\n";

    fn ánh(r: &Reference) {
        assert_eq!(r.len(), 1);
        assert_eq!(r.get(1190012345).unwrap().name, "nguyễn thị ánh");
    }

    #[test]
    fn utf16_and_windows_1258_extracts_are_decoded() {
        // UTF-16LE with a BOM, as Excel's "Unicode text" writes it.
        let mut le = vec![0xFF, 0xFE];
        le.extend(ONE.encode_utf16().flat_map(u16::to_le_bytes));
        ánh(&load_bytes(&le).unwrap());
        // Windows-1258: "ễ" is ê (0xEA) + combining tilde (0xDE), "ị" is
        // i + combining dot below (0xF2), "ữ" is ư (0xFD) + tilde.
        let cp: &[u8] = b"CCCD,Ho va ten,Ngay sinh,Gioi tinh\n\
            001190012345,Nguy\xea\xden Thi\xf2 \xc1nh,12/05/1990,N\xfd\xde\n";
        let r = load_bytes(cp).unwrap();
        ánh(&r);
        assert_eq!(r.get(1190012345).unwrap().sex, Some(Sex::Female));
    }

    #[test]
    fn workbook_extract_reads_its_first_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("dan-cu.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, line) in ONE.lines().enumerate() {
            for (c, v) in line.split(',').enumerate() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
        wb.save(&p).unwrap();
        ánh(&load(&p, &RuleData::embedded().unwrap(), Lang::Vi).unwrap());
    }
}
