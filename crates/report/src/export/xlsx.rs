//! `report.xlsx`: one sheet per table (numbers stored as numbers, rates as
//! percentages), plus "Danh sách lỗi" with the issues.csv columns.

use super::{Cell, ReportTables, Table, XLSX_MAX_FINDINGS};
use crate::cells::mask_digits;
use crate::{excel_safe, AtomicFile, ISSUES_HEADER};
use lamsach_engine::Sink;
use lamsach_io::error::{Error, Result};
use lamsach_rules::Finding;
use lamsach_text::Lang;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Name of the findings sheet.
pub(crate) fn findings_sheet_name(lang: Lang) -> &'static str {
    if lang.is_en() {
        "Findings list"
    } else {
        "Danh sách lỗi"
    }
}

/// Excel's limit on a cell's text.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's last row index (0-based).
const MAX_ROW: u32 = 1_048_575;

/// A text cell: neutralised against formulas and cut to Excel's length limit.
fn text(s: &str) -> String {
    let safe = excel_safe(s);
    if safe.chars().count() <= MAX_CELL_CHARS {
        return safe.into_owned();
    }
    let mut t: String = safe.chars().take(MAX_CELL_CHARS - 1).collect();
    t.push('…');
    t
}

/// Excel sheet names: ≤ 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str, used: &mut Vec<String>) -> String {
    let clean: String = s
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(28)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        name = format!("{clean} {n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

fn write_table(
    ws: &mut Worksheet,
    tb: &Table,
    bold: &Format,
    count: &Format,
    rate: &Format,
    total_count: &Format,
    total_rate: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, text(&tb.title), bold)?;
    for (c, col) in tb.columns.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, text(&col.label), bold)?;
        let width = if c == 0 {
            28.0
        } else {
            (col.label.chars().count() as f64 * 0.9).clamp(10.0, 24.0)
        };
        ws.set_column_width(c as u16, width)?;
    }
    let mut r = 2u32;
    // Rows 2.. hold the groups; keep room for the total row and the notes.
    let shown = tb.rows.len().min((MAX_ROW - 5) as usize);
    let rows = tb.rows[..shown]
        .iter()
        .map(|row| (row, false))
        .chain(tb.total.iter().map(|row| (row, true)));
    for (row, is_total) in rows {
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) if is_total => {
                    ws.write_string_with_format(r, c, text(s), bold)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, c, text(s))?;
                }
                Cell::Count(n) => {
                    ws.write_number_with_format(
                        r,
                        c,
                        *n as f64,
                        if is_total { total_count } else { count },
                    )?;
                }
                Cell::Rate(Some(x)) => {
                    ws.write_number_with_format(
                        r,
                        c,
                        *x,
                        if is_total { total_rate } else { rate },
                    )?;
                }
                Cell::Rate(None) => {}
            }
        }
        r += 1;
    }
    if let Some(note) = &tb.note {
        ws.write_string(r + 1, 0, text(note))?;
    }
    if shown < tb.rows.len() {
        ws.write_string(
            r + 2,
            0,
            format!(
                "Chỉ có {shown} dòng đầu (giới hạn số dòng của Excel), đủ {} dòng trong tệp CSV/JSON / first {shown} rows only (Excel's row limit); all {} in the CSV/JSON report",
                tb.rows.len(),
                tb.rows.len()
            ),
        )?;
    }
    ws.set_freeze_panes(2, 1)?;
    Ok(())
}

struct Formats {
    bold: Format,
    count: Format,
    rate: Format,
    total_count: Format,
    total_rate: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            bold: Format::new().set_bold(),
            count: Format::new().set_num_format("#,##0"),
            rate: Format::new().set_num_format("0.0%"),
            total_count: Format::new().set_bold().set_num_format("#,##0"),
            total_rate: Format::new().set_bold().set_num_format("0.0%"),
        }
    }
}

/// Fills the first `r.tables.len()` sheets (added beforehand, or added here
/// when missing) with the tables.
fn fill_tables(
    wb: &mut Workbook,
    r: &ReportTables,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    // The report's date, not the clock, as its creation time: the same run
    // writes the same bytes.
    let date = chrono::NaiveDate::parse_from_str(&r.today, "%Y-%m-%d").ok();
    if let Some(d) = date.and_then(|d| {
        use chrono::Datelike;
        let (y, m, day) = (
            u16::try_from(d.year()).ok()?,
            d.month() as u8,
            d.day() as u8,
        );
        ExcelDateTime::from_ymd(y, m, day).ok()
    }) {
        wb.set_properties(&DocProperties::new().set_creation_datetime(&d));
    }
    let f = Formats::new();
    for (i, tb) in r.tables.iter().enumerate() {
        if wb.worksheet_from_index(i).is_err() {
            wb.add_worksheet();
        }
        let ws = wb.worksheet_from_index(i)?;
        ws.set_name(sheet_name(&tb.sheet, used))?;
        write_table(
            ws,
            tb,
            &f.bold,
            &f.count,
            &f.rate,
            &f.total_count,
            &f.total_rate,
        )?;
    }
    Ok(())
}

fn xerr(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

fn save(path: &Path, wb: &mut Workbook) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    wb.save_to_writer(f.writer()).map_err(xerr(path))?;
    f.commit()
}

/// Writes `report.xlsx` with the tables only (`lamsach progress`).
pub fn write(path: &Path, r: &ReportTables) -> Result<()> {
    let mut wb = Workbook::new();
    let mut used = Vec::new();
    fill_tables(&mut wb, r, &mut used).map_err(xerr(path))?;
    if r.tables.is_empty() {
        wb.add_worksheet();
    }
    save(path, &mut wb)
}

/// `report.xlsx` built while the check runs: the findings stream into the
/// "Danh sách lỗi" sheet in constant-memory mode (temporary files in the
/// output folder, removed on save), up to Excel's row limit; the table
/// sheets, placed before it, are filled at the end.
pub struct XlsxBook {
    wb: Workbook,
    path: std::path::PathBuf,
    sheet: usize,
    rows: u32,
    cap: u32,
    pub dropped: u64,
    lang: Lang,
    mask_ids: bool,
    headers: Vec<String>,
    id_columns: Vec<usize>,
}

impl XlsxBook {
    /// `tables`: how many table sheets go before the findings sheet.
    pub fn new(
        path: &Path,
        tables: usize,
        lang: Lang,
        mask_ids: bool,
        headers: &[String],
        id_columns: Vec<usize>,
    ) -> Result<Self> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let build = || -> Result<Workbook, XlsxError> {
            let mut wb = Workbook::new();
            wb.set_tempdir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })?;
            for _ in 0..tables {
                wb.add_worksheet();
            }
            let bold = Format::new().set_bold();
            let ws = wb.add_worksheet_with_constant_memory();
            ws.set_name(findings_sheet_name(lang))?;
            ws.set_column_width(5, 36)?;
            ws.set_column_width(9, 60)?;
            ws.set_freeze_panes(1, 0)?;
            for (c, h) in ISSUES_HEADER.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            Ok(wb)
        };
        let wb = build().map_err(xerr(path))?;
        Ok(XlsxBook {
            wb,
            path: path.to_path_buf(),
            sheet: tables,
            rows: 0,
            cap: XLSX_MAX_FINDINGS as u32,
            dropped: 0,
            lang,
            mask_ids,
            headers: headers.to_vec(),
            id_columns,
        })
    }

    /// A smaller cap (tests).
    pub fn with_cap(mut self, cap: u32) -> Self {
        self.cap = cap;
        self
    }

    /// Findings written to the sheet.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Adds the tables and saves the workbook atomically.
    pub fn finish(mut self, r: &ReportTables) -> Result<()> {
        let path = self.path.clone();
        let mut used = vec![findings_sheet_name(self.lang).to_string()];
        fill_tables(&mut self.wb, r, &mut used).map_err(xerr(&path))?;
        if self.dropped > 0 && !r.tables.is_empty() {
            // The findings sheet is full: the note goes on the first sheet.
            let note = if r.lang.is_en() {
                format!(
                    "The findings list holds the first {} findings (Excel's row limit); {} more are in issues.csv.",
                    self.rows, self.dropped
                )
            } else {
                format!(
                    "Danh sách lỗi chỉ gồm {} lỗi đầu tiên (giới hạn số dòng của Excel); {} lỗi còn lại có trong issues.csv.",
                    self.rows, self.dropped
                )
            };
            let row = r
                .tables
                .first()
                .map(|t| (t.rows.len() as u32).saturating_add(6).min(MAX_ROW))
                .unwrap_or(0);
            if let Ok(first) = self.wb.worksheet_from_index(0) {
                first.write_string(row, 0, note).map_err(xerr(&path))?;
            }
        }
        save(&path, &mut self.wb)
    }
}

impl Sink for XlsxBook {
    fn finding(&mut self, f: &Finding, group: &str) -> Result<()> {
        if self.rows >= self.cap {
            self.dropped += 1;
            return Ok(());
        }
        let column = f
            .column
            .and_then(|c| self.headers.get(c))
            .map(String::as_str)
            .unwrap_or("");
        let value = crate::shown_value(f, self.mask_ids, &self.id_columns);
        let masked = |s: &str| {
            if self.mask_ids {
                mask_digits(s)
            } else {
                s.to_string()
            }
        };
        let cells = [
            f.rule.code,
            f.rule.pillar.label(self.lang),
            f.rule.category.label(self.lang),
            f.rule.severity.label(self.lang),
            f.rule.label(self.lang),
        ];
        let (group, value, message) = (masked(group), masked(&value), masked(&f.message));
        let row = self.rows + 1;
        let path = self.path.clone();
        let ws = self
            .wb
            .worksheet_from_index(self.sheet)
            .map_err(xerr(&path))?;
        let mut write = || -> Result<(), XlsxError> {
            ws.write_number(row, 0, f.line as f64)?;
            for (c, v) in cells.iter().enumerate() {
                ws.write_string(row, c as u16 + 1, text(v))?;
            }
            ws.write_string(row, 6, text(&group))?;
            ws.write_string(row, 7, text(column))?;
            ws.write_string(row, 8, text(&value))?;
            ws.write_string(row, 9, text(&message))?;
            if !f.related.is_empty() {
                ws.write_string(row, 10, text(&crate::related_lines(f)))?;
            }
            Ok(())
        };
        write().map_err(xerr(&path))?;
        self.rows += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use lamsach_rules::by_code;

    fn finding(line: u64, value: &str, message: &str) -> Finding {
        Finding {
            line,
            rule: by_code("ID003").expect("rule"),
            column: Some(0),
            value: value.into(),
            message: message.into(),
            related: Vec::new(),
            repeat: false,
        }
    }

    fn report() -> ReportTables {
        ReportTables {
            lang: Lang::Vi,
            title: "t".into(),
            meta: Vec::new(),
            file: None,
            profile: None,
            group_by: None,
            today: "2026-11-23".into(),
            tables: Vec::new(),
            charts: Vec::new(),
        }
    }

    #[test]
    fn findings_capped_with_a_note_and_masked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xlsx");
        let mut b = XlsxBook::new(&path, 0, Lang::Vi, true, &["Số CCCD".into()], vec![0])
            .unwrap()
            .with_cap(2);
        for l in 2..7 {
            b.finding(
                &finding(l, "1089012345", "có thể là 001089012345"),
                "=Huyện A",
            )
            .unwrap();
        }
        assert_eq!((b.rows(), b.dropped), (2, 3));
        b.finish(&report()).unwrap();
        // only the workbook is left in the folder (temporary files removed)
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let r = wb.worksheet_range("Danh sách lỗi").unwrap();
        assert_eq!(r.height(), 3);
        assert_eq!(r.get_value((2, 0)), Some(&Data::Float(3.0)));
        assert_eq!(r.get_value((1, 6)), Some(&Data::String("'=Huyện A".into())));
        assert_eq!(r.get_value((1, 7)), Some(&Data::String("Số CCCD".into())));
        assert_eq!(
            r.get_value((1, 9)),
            Some(&Data::String("có thể là 0010****2345".into()))
        );
        let all: Vec<String> = r.rows().flatten().map(|c| c.to_string()).collect();
        assert!(!all.iter().any(|c| c.contains("089012")), "{all:?}");
    }
}
