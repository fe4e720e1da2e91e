//! `report.xlsx`: one sheet per table (numbers stored as numbers, rates as
//! percentages), plus "Danh sách lỗi" with the issues.csv columns.

use super::{row_no_label, Cell, ReportTables, Table, XLSX_MAX_FINDINGS};
use crate::{excel_safe, issues_header, AtomicFile};
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

/// Column widths of the findings sheet (characters), in
/// [`crate::ISSUES_COLUMNS`] order: an A4 landscape page holds the columns
/// an officer reads (line to message).
const FINDINGS_WIDTHS: [f64; 16] = [
    6.0, 8.0, 5.0, 20.0, 14.0, 11.0, 14.0, 16.0, 7.0, 18.0, 7.0, 22.0, 12.0, 14.0, 40.0, 10.0,
];

/// Header cells: bold, wrapped, centred, on a light fill, with borders.
fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Center)
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter)
        .set_background_color(0xE8F0F7)
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
}

/// Printing: A4 landscape, fitted to one page wide, centred, page numbers
/// in the footer.
fn page_setup(ws: &mut Worksheet) {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C&P / &N");
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

/// The title block of a table sheet: the report's title, its meta lines
/// (unit, period, file, run date, grouping …); returns the next free row.
fn write_title_block(
    ws: &mut Worksheet,
    r: &ReportTables,
    title: &str,
    f: &Formats,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, text(&r.title), &f.title)?;
    ws.write_string_with_format(1, 0, text(title), &f.bold)?;
    let mut row = 2;
    for (k, v) in &r.meta {
        ws.write_string(row, 0, text(&format!("{k}: {v}")))?;
        row += 1;
    }
    Ok(row + 1)
}

/// A table sheet: the title block, the header row (wrapped, repeated on
/// every printed page, frozen), the rows, and the total row as SUM
/// formulas where the rows add up to the stored total (they always do for
/// counts per group; a column that does not add up keeps its number).
fn write_table(
    ws: &mut Worksheet,
    r: &ReportTables,
    tb: &Table,
    f: &Formats,
) -> Result<(), XlsxError> {
    let head = write_title_block(ws, r, &tb.title, f)?;
    ws.write_string_with_format(head, 0, row_no_label(r.lang), &f.head)?;
    ws.set_column_width(0, 5.0)?;
    for (c, col) in tb.columns.iter().enumerate() {
        let c = c as u16 + 1;
        ws.write_string_with_format(head, c, text(&col.label), &f.head)?;
        let width = if c == 1 {
            28.0
        } else {
            (col.label.chars().count() as f64 * 0.6).clamp(10.0, 16.0)
        };
        ws.set_column_width(c, width)?;
    }
    ws.set_row_height(head, 45.0)?;
    let first = head + 1;
    let mut row = first;
    // Keep room for the total row and the notes.
    let shown = tb.rows.len().min((MAX_ROW - 5 - first) as usize);
    for (i, cells) in tb.rows[..shown].iter().enumerate() {
        ws.write_number_with_format(row, 0, (i + 1) as f64, &f.cell)?;
        write_cells(ws, row, cells, false, f)?;
        row += 1;
    }
    let last = row.saturating_sub(1);
    if let Some(total) = &tb.total {
        ws.write_blank(row, 0, &f.total_text)?;
        for (c, cell) in total.iter().enumerate() {
            let col = c as u16 + 1;
            let sum: u64 = tb.rows[..shown]
                .iter()
                .filter_map(|cells| cells.get(c).and_then(Cell::count))
                .sum();
            match cell {
                Cell::Count(n) if shown > 0 && sum == *n => {
                    let range = format!(
                        "{}{}:{}{}",
                        rust_xlsxwriter::utility::column_number_to_name(col),
                        first + 1,
                        rust_xlsxwriter::utility::column_number_to_name(col),
                        last + 1
                    );
                    ws.write_formula_with_format(
                        row,
                        col,
                        rust_xlsxwriter::Formula::new(format!("=SUM({range})"))
                            .set_result(n.to_string()),
                        &f.total_count,
                    )?;
                }
                other => write_cell(ws, row, col, other, true, f)?,
            }
        }
        row += 1;
    }
    if let Some(note) = &tb.note {
        ws.write_string(row + 1, 0, text(note))?;
    }
    if shown < tb.rows.len() {
        ws.write_string(
            row + 2,
            0,
            format!(
                "Chỉ có {shown} dòng đầu (giới hạn số dòng của Excel), đủ {} dòng trong tệp CSV/JSON / first {shown} rows only (Excel's row limit); all {} in the CSV/JSON report",
                tb.rows.len(),
                tb.rows.len()
            ),
        )?;
    }
    ws.set_freeze_panes(first, 2)?;
    page_setup(ws);
    ws.set_repeat_rows(head, head)?;
    Ok(())
}

fn write_cells(
    ws: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    is_total: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        write_cell(ws, row, c as u16 + 1, cell, is_total, f)?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    is_total: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => {
            let fmt = if is_total { &f.total_text } else { &f.text };
            ws.write_string_with_format(r, c, text(s), fmt)?;
        }
        Cell::Count(n) => {
            let fmt = if is_total { &f.total_count } else { &f.count };
            ws.write_number_with_format(r, c, *n as f64, fmt)?;
        }
        Cell::Rate(Some(x)) => {
            let fmt = if is_total { &f.total_rate } else { &f.rate };
            ws.write_number_with_format(r, c, *x, fmt)?;
        }
        Cell::Rate(None) => {
            let fmt = if is_total { &f.total_text } else { &f.text };
            ws.write_blank(r, c, fmt)?;
        }
    }
    Ok(())
}

/// The charts sheet: each chart's data and a native Excel chart of it; a
/// chart with rates gets a second chart of the rates (the share of each
/// group's records with problems).
fn write_charts(ws: &mut Worksheet, r: &ReportTables, f: &Formats) -> Result<(), XlsxError> {
    use rust_xlsxwriter::{Chart as XChart, ChartType};
    let sheet = ws.name();
    let head = write_title_block(ws, r, &charts_sheet_name(r.lang), f)?;
    ws.set_column_width(0, 34.0)?;
    let mut row = head;
    let mut chart_row = head;
    for c in &r.charts {
        ws.write_string_with_format(row, 0, text(&c.title), &f.head)?;
        let series = c.legend.len().max(1);
        for k in 0..series {
            let name = c.legend.get(k).cloned().unwrap_or_else(|| {
                if r.lang.is_en() {
                    "Count"
                } else {
                    "Số lượng"
                }
                .to_string()
            });
            ws.write_string_with_format(row, 1 + k as u16, text(&name), &f.head)?;
        }
        let rate_col = 1 + series as u16;
        if !c.rates.is_empty() {
            let name = if r.lang.is_en() { "Rate" } else { "Tỷ lệ" };
            ws.write_string_with_format(row, rate_col, name, &f.head)?;
        }
        let first = row + 1;
        for (i, (label, values)) in c.bars.iter().enumerate() {
            let at = first + i as u32;
            ws.write_string_with_format(at, 0, text(label), &f.text)?;
            for (k, v) in values.iter().enumerate() {
                ws.write_number_with_format(at, 1 + k as u16, *v as f64, &f.count)?;
            }
            if let Some(Some(x)) = c.rates.get(i) {
                ws.write_number_with_format(at, rate_col, *x, &f.rate)?;
            }
        }
        if c.bars.is_empty() {
            row = first + 1;
            continue;
        }
        let last = first + c.bars.len() as u32 - 1;
        let stacked = series > 1;
        let mut chart = XChart::new(if stacked {
            ChartType::BarStacked
        } else {
            ChartType::Bar
        });
        chart.title().set_name(&c.title);
        for k in 0..series {
            let s = chart
                .add_series()
                .set_categories((sheet.as_str(), first, 0, last, 0))
                .set_values((sheet.as_str(), first, 1 + k as u16, last, 1 + k as u16));
            if stacked {
                s.set_name((sheet.as_str(), row, 1 + k as u16));
            }
        }
        if !stacked {
            chart.legend().set_hidden();
        }
        let height = (140 + 22 * c.bars.len() as u32).min(900);
        chart.set_width(620).set_height(height);
        ws.insert_chart(chart_row, 6, &chart)?;
        chart_row += height / 20 + 2;
        if c.rate_chart && c.legend.is_empty() && c.rates.len() == c.bars.len() {
            let mut rc = XChart::new(ChartType::Bar);
            let title = format!(
                "{} – {}",
                c.title,
                if r.lang.is_en() { "rate" } else { "tỷ lệ" }
            );
            rc.title().set_name(&title);
            rc.add_series()
                .set_categories((sheet.as_str(), first, 0, last, 0))
                .set_values((sheet.as_str(), first, rate_col, last, rate_col));
            rc.legend().set_hidden();
            rc.x_axis().set_num_format("0%");
            rc.set_width(620).set_height(height);
            ws.insert_chart(chart_row, 6, &rc)?;
            chart_row += height / 20 + 2;
        }
        row = last + 2;
    }
    page_setup(ws);
    Ok(())
}

/// Name of the charts sheet.
fn charts_sheet_name(lang: Lang) -> String {
    if lang.is_en() {
        "Charts"
    } else {
        "Biểu đồ"
    }
    .to_string()
}

struct Formats {
    title: Format,
    bold: Format,
    head: Format,
    text: Format,
    cell: Format,
    count: Format,
    rate: Format,
    total_text: Format,
    total_count: Format,
    total_rate: Format,
}

impl Formats {
    fn new() -> Self {
        let border = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        let total = border.clone().set_bold().set_background_color(0xF4F7FA);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: header_format(),
            text: border.clone().set_text_wrap(),
            cell: border.clone(),
            count: border.clone().set_num_format("#,##0"),
            rate: border.clone().set_num_format("0.0%"),
            total_text: total.clone(),
            total_count: total.clone().set_num_format("#,##0"),
            total_rate: total.set_num_format("0.0%"),
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
        write_table(ws, r, tb, &f)?;
    }
    if !r.charts.is_empty() {
        let i = r.tables.len();
        if wb.worksheet_from_index(i).is_err() {
            wb.add_worksheet();
        }
        let ws = wb.worksheet_from_index(i)?;
        ws.set_name(sheet_name(&charts_sheet_name(r.lang), used))?;
        write_charts(ws, r, &f)?;
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
    list: crate::FindingList,
}

impl XlsxBook {
    /// `tables`: how many table sheets go before the findings sheet.
    pub fn new(
        path: &Path,
        tables: usize,
        lang: Lang,
        mask_ids: bool,
        mapping: &lamsach_model::profile::Mapping,
    ) -> Result<Self> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let build = || -> Result<Workbook, XlsxError> {
            let mut wb = Workbook::new();
            wb.set_tempdir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })?;
            // the table sheets and the charts sheet
            for _ in 0..=tables {
                wb.add_worksheet();
            }
            let head = header_format();
            let ws = wb.add_worksheet_with_constant_memory();
            ws.set_name(findings_sheet_name(lang))?;
            for (c, w) in FINDINGS_WIDTHS.iter().enumerate() {
                ws.set_column_width(c as u16, *w)?;
            }
            ws.set_freeze_panes(1, 0)?;
            page_setup(ws);
            ws.set_repeat_rows(0, 0)?;
            for (c, h) in issues_header(lang).iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &head)?;
            }
            Ok(wb)
        };
        let wb = build().map_err(xerr(path))?;
        Ok(XlsxBook {
            wb,
            path: path.to_path_buf(),
            sheet: tables + 1,
            rows: 0,
            cap: XLSX_MAX_FINDINGS as u32,
            dropped: 0,
            lang,
            list: {
                let mut l = crate::FindingList::new(lang, mask_ids);
                l.set_columns(mapping);
                l
            },
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
        let last_col = crate::ISSUES_COLUMNS.len() as u16 - 1;
        let findings = self
            .wb
            .worksheet_from_index(self.sheet)
            .map_err(xerr(&path))?;
        findings
            .autofilter(0, 0, self.rows, last_col)
            .map_err(xerr(&path))?;
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
                .map(|t| {
                    (t.rows.len() as u32)
                        .saturating_add(r.meta.len() as u32 + 10)
                        .min(MAX_ROW)
                })
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
        self.finding_in(f, group, None)
    }

    fn finding_in(
        &mut self,
        f: &Finding,
        group: &str,
        keys: Option<&lamsach_engine::RecordKeys>,
    ) -> Result<()> {
        if self.rows >= self.cap {
            self.dropped += 1;
            return Ok(());
        }
        let cells = self.list.cells(f, group, keys);
        let row = self.rows + 1;
        let path = self.path.clone();
        let ws = self
            .wb
            .worksheet_from_index(self.sheet)
            .map_err(xerr(&path))?;
        let mut write = || -> Result<(), XlsxError> {
            ws.write_number(row, 0, f.line as f64)?;
            for (c, v) in cells.iter().enumerate().skip(1) {
                if !v.is_empty() {
                    // IDs, dates and STT stay text: no lost leading zeros
                    ws.write_string(row, c as u16, text(v))?;
                }
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
            unit: None,
            period: None,
            today: "2026-11-23".into(),
            tables: Vec::new(),
            charts: Vec::new(),
        }
    }

    #[test]
    fn findings_capped_with_a_note_and_masked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.xlsx");
        let d = lamsach_model::profile::RuleData::embedded().unwrap();
        let mapping = lamsach_model::profile::Mapping::new(
            d.profile("vaccination").unwrap(),
            &["Số CCCD".to_string()],
            &d.headers,
        );
        let mut b = XlsxBook::new(&path, 0, Lang::Vi, true, &mapping)
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
        assert_eq!(r.get_value((0, 0)), Some(&Data::String("Dòng".into())));
        assert_eq!(r.get_value((1, 12)), Some(&Data::String("Số CCCD".into())));
        assert_eq!(
            r.get_value((1, 14)),
            Some(&Data::String("có thể là 0010****2345".into()))
        );
        let all: Vec<String> = r.rows().flatten().map(|c| c.to_string()).collect();
        assert!(!all.iter().any(|c| c.contains("089012")), "{all:?}");
    }
}
