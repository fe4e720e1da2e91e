//! A source: one file (or one sheet of a workbook) opened once, its
//! encoding, delimiter and header found once, then read by every pass of a
//! run (the rule pass, the duplicate pre-pass, the clusters, `fix`) from
//! that one handle. A text file is re-read by position (`pread`), so the
//! passes never share a file offset; a workbook is converted to CSV once
//! and the passes read that copy in memory.

use crate::error::{Error, Result};
use crate::ingest::{self, decode, encoding_for_label, sniff, workbook_to_csv};
use crate::input::{split_fields, Limits, Rec, RecordReader};
use encoding_rs::Encoding;
use lamsach_text::Lang;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to read a source (`--encoding`, `--sheet`, `--delimiter`).
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// Encoding label (`utf-8`, `utf-16le`, `windows-1258`, `tcvn3`, …); None = detect.
    pub encoding: Option<String>,
    /// Sheet name or 1-based number for workbooks; None = the first sheet.
    pub sheet: Option<String>,
    /// Field delimiter; None = detect from the header line.
    pub delimiter: Option<u8>,
    /// Physical lines of the header (`--header-row 6` or `6-7`); None = find it.
    pub header_row: Option<(u64, u64)>,
}

/// How many non-blank rows at the top of a sheet are searched for the header.
pub(crate) const HEAD_ROWS: usize = 30;

/// A row that is not a record: counted apart from the records, never checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NonRecord {
    /// Excel's delimiter line `sep=;`.
    Sep,
    /// Title, unit or notes above the header.
    Title,
    /// The column numbers under the header ("(1)", "(2)" … or "A, B, 1, 2").
    ColumnNumbers,
    /// A section heading ("I | Tăng", "II | Giảm").
    Section,
    /// A subtotal or total ("Cộng tăng: 5", "Tổng cộng").
    Subtotal,
    /// A signature block, date line or note under the table.
    Footer,
    /// A row with only its number ("8", and nothing else).
    NumberedBlank,
}

impl NonRecord {
    pub const ALL: [NonRecord; 7] = [
        NonRecord::Sep,
        NonRecord::Title,
        NonRecord::ColumnNumbers,
        NonRecord::Section,
        NonRecord::Subtotal,
        NonRecord::Footer,
        NonRecord::NumberedBlank,
    ];

    /// The key used in JSON outputs.
    pub fn key(self) -> &'static str {
        match self {
            NonRecord::Sep => "sep",
            NonRecord::Title => "title",
            NonRecord::ColumnNumbers => "column_numbers",
            NonRecord::Section => "section",
            NonRecord::Subtotal => "subtotal",
            NonRecord::Footer => "footer",
            NonRecord::NumberedBlank => "numbered_blank",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            NonRecord::Sep => lang.pick("dòng sep=", "sep= line"),
            NonRecord::Title => lang.pick(
                "tiêu đề, ghi chú trên bảng",
                "title or notes above the table",
            ),
            NonRecord::ColumnNumbers => lang.pick("dòng đánh số cột", "column-number row"),
            NonRecord::Section => lang.pick("dòng tên mục", "section heading"),
            NonRecord::Subtotal => lang.pick("dòng cộng, tổng", "subtotal or total"),
            NonRecord::Footer => lang.pick("chân bảng, chữ ký", "footer or signature"),
            NonRecord::NumberedBlank => {
                lang.pick("dòng chỉ có số thứ tự", "numbered, otherwise empty")
            }
        }
    }
}

/// A non-record row and where it is (a quoted cell can span lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonRecordLine {
    pub line: u64,
    pub end_line: u64,
    pub kind: NonRecord,
}

/// A non-blank row at the top of a sheet, a candidate for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadRow {
    pub line: u64,
    pub end_line: u64,
    /// Cell values, trimmed, broken text repaired.
    pub cells: Vec<String>,
}

/// The header the layer above chose among the [`HeadRow`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderChoice {
    /// Index of its first row in the head rows.
    pub first: usize,
    /// How many rows it spans (2 or 3 for a header with merged group cells).
    pub rows: usize,
    /// One name per column.
    pub names: Vec<String>,
}

/// Chooses the header among the head rows; None: none looks like one.
pub(crate) type ChooseHeader<'a> = &'a dyn Fn(&[HeadRow]) -> Option<HeaderChoice>;

/// One name per column of a header of several rows: the lowest non-empty
/// cell of each column, a group cell merged over several columns (written
/// in its first) being carried to the columns under it. The group names are
/// returned too ("Nơi ở hiện tại" over "Quận huyện", "Xã phường").
pub fn join_header_rows(rows: &[HeadRow]) -> (Vec<String>, Vec<String>) {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    fn cell(r: &HeadRow, c: usize) -> &str {
        r.cells.get(c).map_or("", |s| s.as_str())
    }
    let mut names = Vec::with_capacity(width);
    let mut groups = Vec::with_capacity(width);
    let mut carried: Vec<String> = vec![String::new(); rows.len()];
    for c in 0..width {
        let lowest = rows.iter().rposition(|r| !cell(r, c).is_empty());
        let mut group = Vec::new();
        for (k, r) in rows.iter().enumerate() {
            let v = cell(r, c);
            if !v.is_empty() {
                carried[k] = v.to_string();
            } else if lowest.is_none_or(|l| l <= k) {
                // no cell below it: the group ends
                carried[k].clear();
            }
            if lowest.is_some_and(|l| k < l) && !carried[k].is_empty() {
                group.push(carried[k].clone());
            }
        }
        names.push(lowest.map_or(String::new(), |l| cell(&rows[l], c).to_string()));
        groups.push(group.join(" › "));
    }
    (names, groups)
}

/// True for a row of column numbers or letters under a header: "(1)", "(2)",
/// … or "A", "B", "1", "2", … in at least three cells and nothing else.
pub(crate) fn is_column_numbers(cells: &[String]) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    filled.len() >= 3
        && filled.len() * 2 >= cells.len()
        && filled.iter().all(|c| {
            let t = c
                .trim_start_matches('(')
                .trim_end_matches('.')
                .trim_end_matches(')')
                .trim();
            !t.is_empty()
                && t.len() <= 3
                && (t.bytes().all(|b| b.is_ascii_digit())
                    || t.bytes().all(|b| b.is_ascii_alphabetic()))
        })
}

enum Content {
    Text {
        file: Arc<File>,
        encoding: &'static Encoding,
    },
    /// Comma-separated UTF-8 CSV in memory: a workbook sheet or a
    /// Parquet/Arrow table converted, or bytes handed over by a caller.
    Memory(Arc<[u8]>),
}

/// An opened source. Cheap to share between threads (`&Source`).
pub struct Source {
    path: PathBuf,
    content: Content,
    encoding: String,
    delim: u8,
    header: Vec<String>,
    /// The group cell over each column of a header of several rows ("" when none).
    header_groups: Vec<String>,
    header_line: u64,
    header_end_line: u64,
    /// The start line of the last row before the records (the header's
    /// last row, or the column numbers under it).
    body_after: u64,
    /// Rows set aside before the records: `sep=`, titles, column numbers.
    non_records: Vec<NonRecordLine>,
    /// Blank lines (all cells empty) above the header.
    blank_above: u64,
    /// Other sheets of the workbook with the same header: not read.
    other_sheets: Vec<String>,
    /// The non-blank rows after the header among the first [`HEAD_ROWS`]:
    /// a sample of the records, read while the header was searched.
    sample: Vec<HeadRow>,
    /// The sheet read, for a workbook.
    sheet: Option<String>,
    limits: Limits,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("encoding", &self.encoding)
            .field("delim", &(self.delim as char))
            .field("header", &self.header)
            .finish()
    }
}

/// Reads a file by position, leaving the handle's own offset alone.
struct FileAt {
    file: Arc<File>,
    pos: u64,
}

impl Read for FileAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, pos)
}

impl Source {
    /// Opens `path`, finds its encoding, delimiter and header. The header is
    /// `--header-row` when given, else the rows `choose` picks among the
    /// first [`HEAD_ROWS`] non-blank rows, else the first non-blank row. A
    /// workbook without `--sheet` is read from the first sheet where
    /// `choose` finds a header (a notes or cover sheet may come first).
    /// Errors stop the run (exit code 2); `lang` words the reason of an
    /// unreadable header.
    pub fn open(
        path: &Path,
        opts: &SourceOptions,
        limits: Limits,
        lang: Lang,
        choose: Option<ChooseHeader>,
    ) -> Result<Source> {
        let read_err = Error::read(path);
        let file = File::open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let file = Arc::new(file);
        let mut head = Vec::with_capacity(ingest::HEAD);
        FileAt {
            file: file.clone(),
            pos: 0,
        }
        .take(ingest::HEAD as u64)
        .read_to_end(&mut head)
        .map_err(&read_err)?;
        let new = |content, encoding, sheet| Source::blank(path, content, encoding, sheet, limits);
        if let Some(kind) = ingest::frame::FrameKind::of(path, &head) {
            let mut bytes = Vec::new();
            FileAt { file, pos: 0 }
                .read_to_end(&mut bytes)
                .map_err(&read_err)?;
            let csv = ingest::frame::frame_to_csv(path, bytes, kind)?;
            let mut src = new(Content::Memory(csv.into()), kind.name().into(), None);
            src.find_header(opts, choose, lang)?;
            return Ok(src);
        }
        // Some systems name a CSV, TSV or HTML export `.xls`: a file that is
        // not a workbook (no zip or OLE signature) is read as text.
        if !(ingest::is_workbook(path) && ingest::has_workbook_signature(&head)) {
            let encoding = match &opts.encoding {
                Some(l) => encoding_for_label(l)?,
                None => sniff(&head),
            };
            let name = encoding.name().to_string();
            let mut src = new(Content::Text { file, encoding }, name, None);
            src.find_header(opts, choose, lang)?;
            return Ok(src);
        }
        let mut bytes = Vec::new();
        FileAt { file, pos: 0 }
            .read_to_end(&mut bytes)
            .map_err(&read_err)?;
        let sheets: Vec<Option<String>> = match &opts.sheet {
            Some(s) => vec![Some(s.clone())],
            None => ingest::sheet_names(path, &bytes)?
                .into_iter()
                .map(Some)
                .collect(),
        };
        let mut fallback: Option<Result<Source>> = None;
        for (i, sheet) in sheets.iter().enumerate() {
            let csv = workbook_to_csv(path, &bytes, sheet.as_deref())?;
            let mut src = new(Content::Memory(csv.into()), "xlsx".into(), sheet.clone());
            match src.find_header(opts, choose, lang) {
                Ok(true) => {
                    // a sheet per commune or per month: say what is not read
                    for other in sheets.iter().skip(i + 1).flatten() {
                        let Ok(csv) = workbook_to_csv(path, &bytes, Some(other)) else {
                            continue;
                        };
                        let mut o = new(
                            Content::Memory(csv.into()),
                            "xlsx".into(),
                            Some(other.clone()),
                        );
                        if matches!(o.find_header(opts, choose, lang), Ok(true))
                            && o.header == src.header
                        {
                            src.other_sheets.push(other.clone());
                        }
                    }
                    return Ok(src);
                }
                Ok(false) if sheets.len() == 1 => return Ok(src),
                Ok(false) => {
                    if fallback.as_ref().is_none_or(|f| f.is_err()) {
                        fallback = Some(Ok(src));
                    }
                }
                Err(e) if i == 0 => fallback = Some(Err(e)),
                Err(_) => {}
            }
        }
        match fallback {
            Some(r) => r,
            // a workbook without sheets
            None => Err(Error::EmptyFile {
                path: path.to_path_buf(),
            }),
        }
    }

    /// A source of `content` whose header is not searched yet.
    fn blank(
        path: &Path,
        content: Content,
        encoding: String,
        sheet: Option<String>,
        limits: Limits,
    ) -> Source {
        Source {
            path: path.to_path_buf(),
            content,
            encoding,
            delim: b',',
            header: Vec::new(),
            header_groups: Vec::new(),
            header_line: 0,
            header_end_line: 0,
            body_after: 0,
            non_records: Vec::new(),
            blank_above: 0,
            other_sheets: Vec::new(),
            sample: Vec::new(),
            sheet,
            limits,
        }
    }

    /// Opens UTF-8 CSV bytes held in memory (a table handed over by a
    /// caller, as the Python package does with a DataFrame); `name` names
    /// it in messages. Read like a file of these bytes.
    pub fn from_csv_bytes(
        name: &Path,
        csv: Vec<u8>,
        opts: &SourceOptions,
        limits: Limits,
        lang: Lang,
        choose: Option<ChooseHeader>,
    ) -> Result<Source> {
        let mut src = Source::blank(
            name,
            Content::Memory(csv.into()),
            "UTF-8".into(),
            None,
            limits,
        );
        src.find_header(opts, choose, lang)?;
        Ok(src)
    }

    /// Finds the delimiter and the header; true when `choose` (or
    /// `--header-row`) placed it, false for the first non-blank row.
    fn find_header(
        &mut self,
        opts: &SourceOptions,
        choose: Option<ChooseHeader>,
        lang: Lang,
    ) -> Result<bool> {
        let path = self.path.clone();
        let read_err = Error::read(&path);
        let mut reader = RecordReader::new(self.stream(), self.limits).map_err(&read_err)?;
        let sep = reader.sep_line();
        self.delim = match (opts.delimiter, sep) {
            (Some(d), _) | (None, Some(d)) => d,
            (None, None) => reader.sniff_delimiter(),
        };
        reader.delim = self.delim;
        let mut non_records = Vec::new();
        let mut rows: Vec<HeadRow> = Vec::new();
        let mut blank: Vec<u64> = Vec::new();
        let mut first = true;
        while rows.len() < HEAD_ROWS {
            match reader.next_rec().map_err(&read_err)? {
                None => break,
                Some(Rec::Unreadable { reason, .. }) => {
                    if rows.is_empty() {
                        return Err(Error::BadHeader {
                            path: path.clone(),
                            reason: reason.message(lang),
                        });
                    }
                    break;
                }
                Some(Rec::Ok { line, bytes }) => {
                    if std::mem::take(&mut first) && sep.is_some() {
                        non_records.push(NonRecordLine {
                            line,
                            end_line: line,
                            kind: NonRecord::Sep,
                        });
                        continue;
                    }
                    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                        blank.push(line);
                        continue;
                    }
                    let end_line = line + bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                    let mut f = Vec::new();
                    split_fields(bytes, self.delim, &mut f);
                    // names in a legacy font or double-encoded are repaired
                    // (as a row: one broken name is evidence for the others)
                    let raw: Vec<String> = f
                        .iter()
                        .map(|c| String::from_utf8_lossy(c).trim().to_string())
                        .collect();
                    // a row of empty cells (as Excel pads them) is blank
                    if raw.iter().all(String::is_empty) {
                        blank.push(line);
                        continue;
                    }
                    let cells: Vec<&str> = raw.iter().map(String::as_str).collect();
                    let cells = lamsach_text::textfix::repair_row(&cells)
                        .into_iter()
                        .map(|r| r.value.trim().to_string())
                        .collect();
                    rows.push(HeadRow {
                        line,
                        end_line,
                        cells,
                    });
                }
            }
        }
        if rows.is_empty() {
            return Err(Error::EmptyFile { path: path.clone() });
        }
        let (choice, chosen) = match opts.header_row {
            Some((a, b)) => {
                let at = |l: u64| rows.iter().position(|r| r.line <= l && l <= r.end_line);
                let (Some(i), Some(j)) = (at(a), at(b)) else {
                    return Err(Error::Usage(format!(
                        "--header-row {a}: dòng này trống hoặc không nằm trong {HEAD_ROWS} dòng đầu có nội dung / this line is blank or not among the first {HEAD_ROWS} non-blank rows ({path})",
                        path = path.display()
                    )));
                };
                let (i, j) = (i.min(j), i.max(j));
                let (names, _) = join_header_rows(&rows[i..=j]);
                (
                    HeaderChoice {
                        first: i,
                        rows: j - i + 1,
                        names,
                    },
                    true,
                )
            }
            None => match choose.and_then(|c| c(&rows)) {
                Some(c) if c.first + c.rows <= rows.len() && c.rows > 0 => (c, true),
                _ => (
                    HeaderChoice {
                        first: 0,
                        rows: 1,
                        names: rows[0].cells.clone(),
                    },
                    false,
                ),
            },
        };
        let header_rows = &rows[choice.first..choice.first + choice.rows];
        let last = &header_rows[header_rows.len() - 1];
        self.header_groups = if choice.rows > 1 {
            join_header_rows(header_rows).1
        } else {
            vec![String::new(); choice.names.len()]
        };
        self.header_line = header_rows[0].line;
        self.blank_above = blank.iter().filter(|&&l| l < self.header_line).count() as u64;
        self.header_end_line = last.end_line;
        self.body_after = last.line;
        for r in &rows[..choice.first] {
            non_records.push(NonRecordLine {
                line: r.line,
                end_line: r.end_line,
                kind: NonRecord::Title,
            });
        }
        if let Some(next) = rows.get(choice.first + choice.rows) {
            if is_column_numbers(&next.cells) {
                non_records.push(NonRecordLine {
                    line: next.line,
                    end_line: next.end_line,
                    kind: NonRecord::ColumnNumbers,
                });
                self.body_after = next.line;
            }
        }
        self.sample = rows
            .iter()
            .filter(|r| r.line > self.body_after)
            .cloned()
            .collect();
        self.header = choice.names;
        self.non_records = non_records;
        Ok(chosen)
    }

    /// The decoded, UTF-8 byte stream from the start of the source.
    fn stream(&self) -> Box<dyn Read + Send> {
        match &self.content {
            Content::Text { file, encoding } => decode(
                Box::new(FileAt {
                    file: file.clone(),
                    pos: 0,
                }),
                encoding,
            ),
            Content::Memory(csv) => Box::new(Cursor::new(csv.clone())),
        }
    }

    /// A reader of the records after the header line, with physical line
    /// numbers and the header's field count for recovery.
    pub fn records(&self) -> Result<RecordReader<Box<dyn Read + Send>>> {
        let read_err = Error::read(&self.path);
        let mut reader = RecordReader::new(self.stream(), self.limits).map_err(&read_err)?;
        reader.delim = self.delim;
        while let Some(rec) = reader.next_rec().map_err(&read_err)? {
            let line = match rec {
                Rec::Ok { line, .. } | Rec::Unreadable { line, .. } => line,
            };
            if line >= self.body_after {
                break;
            }
        }
        reader.expected_fields = self.header.len();
        Ok(reader)
    }

    /// The rows above the records, verbatim (as decoded): titles, the
    /// header's lines, column numbers; blank lines as empty ones. For
    /// outputs that keep the file's own layout (`fix`).
    pub fn head_lines(&self) -> Result<Vec<Vec<u8>>> {
        let read_err = Error::read(&self.path);
        let mut reader = RecordReader::new(self.stream(), self.limits).map_err(&read_err)?;
        reader.delim = self.delim;
        reader.keep_skipped = true;
        let mut out = Vec::new();
        while let Some(rec) = reader.next_rec().map_err(&read_err)? {
            let line = match rec {
                Rec::Ok { line, bytes } => {
                    out.push(bytes.to_vec());
                    line
                }
                Rec::Unreadable { line, .. } => {
                    out.push(reader.skipped.clone());
                    line
                }
            };
            if line >= self.body_after {
                break;
            }
        }
        Ok(out)
    }

    /// True when the records follow a one-line header with nothing set
    /// aside above them.
    pub fn plain_head(&self) -> bool {
        self.non_records.is_empty() && self.header_end_line == self.header_line
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the source was read: its encoding (`UTF-8`, `windows-1258`, …) or `xlsx`.
    pub fn encoding(&self) -> &str {
        &self.encoding
    }

    pub fn delim(&self) -> u8 {
        self.delim
    }

    /// The header's cell values, trimmed and repaired.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Physical line of the header (1 unless rows come before it).
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The last physical line of the header (a header of several rows, or a
    /// cell with a line break, ends below its first line).
    pub fn header_end_line(&self) -> u64 {
        self.header_end_line
    }

    /// The group cell over each column of a header of several rows ("" when none).
    pub fn header_groups(&self) -> &[String] {
        &self.header_groups
    }

    /// The first records' cells (trimmed), read while the header was
    /// searched: at most [`HEAD_ROWS`], blank rows left out.
    pub fn sample(&self) -> &[HeadRow] {
        &self.sample
    }

    /// Rows set aside before the records: `sep=`, titles, column numbers.
    pub fn non_records(&self) -> &[NonRecordLine] {
        &self.non_records
    }

    /// Blank lines above the header (those below are the body's).
    pub fn blank_above(&self) -> u64 {
        self.blank_above
    }

    /// Other sheets of the workbook with the same header, not read (only
    /// when no sheet was named).
    pub fn other_sheets(&self) -> &[String] {
        &self.other_sheets
    }

    /// The sheet read, for a workbook.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// True for a source read from a converted copy in memory (a workbook
    /// sheet, a Parquet/Arrow table, CSV bytes), not from the file's bytes.
    pub fn is_workbook(&self) -> bool {
        matches!(self.content, Content::Memory(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_record_bytes: 1 << 20,
            max_quoted_lines: 1000,
        }
    }

    #[test]
    fn every_pass_reads_the_records_after_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "\n\nHọ tên;Số CCCD\nLan;001190012345\nAn;0011\n").unwrap();
        let s = Source::open(&p, &SourceOptions::default(), limits(), Lang::Vi, None).unwrap();
        assert_eq!(s.header(), ["Họ tên", "Số CCCD"]);
        assert_eq!(
            (s.delim(), s.header_line(), s.encoding()),
            (b';', 3, "UTF-8")
        );
        for _ in 0..2 {
            let mut r = s.records().unwrap();
            let mut lines = Vec::new();
            while let Some(rec) = r.next_rec().unwrap() {
                if let Rec::Ok { line, bytes } = rec {
                    lines.push((line, String::from_utf8_lossy(bytes).to_string()));
                }
            }
            assert_eq!(
                lines,
                [
                    (4, "Lan;001190012345".to_string()),
                    (5, "An;0011".to_string())
                ]
            );
        }
    }

    #[test]
    fn empty_and_missing_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        std::fs::write(&p, "\n \n").unwrap();
        let e = Source::open(&p, &SourceOptions::default(), limits(), Lang::Vi, None).unwrap_err();
        assert!(matches!(e, Error::EmptyFile { .. }), "{e}");
        let e = Source::open(
            &dir.path().join("none.csv"),
            &SourceOptions::default(),
            limits(),
            Lang::En,
            None,
        )
        .unwrap_err();
        assert!(matches!(e, Error::Open { .. }), "{e}");
    }

    fn head(line: u64, cells: &[&str]) -> HeadRow {
        HeadRow {
            line,
            end_line: line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn a_two_row_header_joins_group_cells_over_their_columns() {
        let rows = [
            head(
                6,
                &["STT", "Họ và tên", "Nơi ở hiện tại", "", "Mũi tiêm", "", ""],
            ),
            head(
                7,
                &[
                    "",
                    "",
                    "Quận huyện",
                    "Xã phường",
                    "Vắc xin",
                    "Mũi thứ",
                    "Ngày tiêm",
                ],
            ),
        ];
        let (names, groups) = join_header_rows(&rows);
        assert_eq!(
            names,
            [
                "STT",
                "Họ và tên",
                "Quận huyện",
                "Xã phường",
                "Vắc xin",
                "Mũi thứ",
                "Ngày tiêm"
            ]
        );
        assert_eq!(
            groups,
            [
                "",
                "",
                "Nơi ở hiện tại",
                "Nơi ở hiện tại",
                "Mũi tiêm",
                "Mũi tiêm",
                "Mũi tiêm"
            ]
        );
    }

    #[test]
    fn column_numbers_under_a_header() {
        let cells = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(is_column_numbers(&cells(&["(1)", "(2)", "(3)", "(4)"])));
        assert!(is_column_numbers(&cells(&["A", "B", "1", "2", "3"])));
        assert!(!is_column_numbers(&cells(&[
            "1",
            "Lan",
            "12/05/1990",
            "Nữ"
        ])));
        assert!(!is_column_numbers(&cells(&["1", "", "", "", "", ""])));
    }

    #[test]
    fn a_sep_line_names_the_delimiter_and_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "sep=;\nHọ tên;Số CCCD\nLan;001190012345\n").unwrap();
        let s = Source::open(&p, &SourceOptions::default(), limits(), Lang::Vi, None).unwrap();
        assert_eq!((s.delim(), s.header_line()), (b';', 2));
        assert_eq!(s.header(), ["Họ tên", "Số CCCD"]);
        assert_eq!(
            s.non_records(),
            [NonRecordLine {
                line: 1,
                end_line: 1,
                kind: NonRecord::Sep
            }]
        );
    }

    #[test]
    fn the_chosen_header_sets_aside_the_rows_above_and_the_column_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(
            &p,
            "SỞ Y TẾ,,\n,,\nDANH SÁCH,,\nHọ tên,Số CCCD,Ngày sinh\n(1),(2),(3)\nLan,001190012345,12/05/1990\n",
        )
        .unwrap();
        let choose = |rows: &[HeadRow]| {
            rows.iter()
                .position(|r| r.cells[0] == "Họ tên")
                .map(|i| HeaderChoice {
                    first: i,
                    rows: 1,
                    names: rows[i].cells.clone(),
                })
        };
        let s = Source::open(
            &p,
            &SourceOptions::default(),
            limits(),
            Lang::Vi,
            Some(&choose),
        )
        .unwrap();
        assert_eq!(s.header_line(), 4);
        let kinds: Vec<(u64, NonRecord)> =
            s.non_records().iter().map(|n| (n.line, n.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, NonRecord::Title),
                (3, NonRecord::Title),
                (5, NonRecord::ColumnNumbers)
            ]
        );
        let mut r = s.records().unwrap();
        match r.next_rec().unwrap() {
            Some(Rec::Ok { line, .. }) => assert_eq!(line, 6),
            _ => panic!("no record"),
        }
        // --header-row overrides the choice
        let opts = SourceOptions {
            header_row: Some((4, 4)),
            ..SourceOptions::default()
        };
        let none = |_: &[HeadRow]| None;
        let s = Source::open(&p, &opts, limits(), Lang::Vi, Some(&none)).unwrap();
        assert_eq!(s.header(), ["Họ tên", "Số CCCD", "Ngày sinh"]);
    }
}
