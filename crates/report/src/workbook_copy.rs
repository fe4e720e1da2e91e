//! A cleaned copy as a workbook (`fix --out cleaned.xlsx`): every cell
//! written as text, so IDs keep their leading zeros, dates their layout and
//! phone numbers their zero when the copy is opened in a spreadsheet.

use lamsach_io::error::{Error, Result};
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

/// Excel's last row (1,048,576 rows, from 0).
const MAX_ROW: u32 = 1_048_575;

/// Writes the CSV at `csv_path` (delimiter `delim`, UTF-8, a BOM allowed)
/// to `dest` as one sheet of text cells; the rows written. A file longer
/// than a sheet holds is refused: use a .csv output for it.
pub fn csv_to_xlsx(csv_path: &Path, dest: &Path, delim: u8, sheet: &str) -> Result<u32> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_path(csv_path)
        .map_err(|e| Error::Usage(format!("{}: {e}", csv_path.display())))?;
    let mut wb = Workbook::new();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    let werr = |e: rust_xlsxwriter::XlsxError| Error::Usage(format!("{}: {e}", dest.display()));
    ws.set_name(sheet).map_err(werr)?;
    let mut widths: Vec<usize> = Vec::new();
    let mut row = 0u32;
    for rec in rdr.byte_records() {
        let rec = rec.map_err(|e| Error::Usage(format!("{}: {e}", csv_path.display())))?;
        if row > MAX_ROW {
            return Err(Error::Usage(format!(
                "{}: quá {} dòng, không vừa một trang tính; ghi ra .csv / more than {} rows do not fit a sheet; write a .csv",
                dest.display(),
                MAX_ROW + 1,
                MAX_ROW + 1
            )));
        }
        for (col, cell) in rec.iter().enumerate() {
            let cell = if row == 0 && col == 0 {
                cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
            } else {
                cell
            };
            let v = String::from_utf8_lossy(cell);
            let c = u16::try_from(col).unwrap_or(u16::MAX);
            ws.write_string_with_format(row, c, v.as_ref(), &text)
                .map_err(werr)?;
            if widths.len() <= col {
                widths.resize(col + 1, 0);
            }
            widths[col] = widths[col].max(v.chars().count());
        }
        row += 1;
    }
    for (col, w) in widths.iter().enumerate() {
        let c = u16::try_from(col).unwrap_or(u16::MAX);
        ws.set_column_width(c, (*w).clamp(6, 40) as f64 + 1.0)
            .map_err(werr)?;
    }
    let tmp = dest.with_extension("xlsx.tmp");
    wb.save(&tmp).map_err(werr)?;
    std::fs::rename(&tmp, dest).map_err(Error::write(dest))?;
    Ok(row)
}
