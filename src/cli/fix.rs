//! `lamsach fix`: a cleaned copy of an export and the list of changes.

use super::{Common, InputArgs};
use lamsach_engine::fix::fix_file;
use lamsach_engine::Options;
use lamsach_io::error::{Error, Result};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct FixArgs {
    /// Tệp cần làm sạch (CSV, TSV, .xlsx, .xls) / the export to clean
    pub file: PathBuf,
    /// Tệp đã làm sạch: .csv (UTF-8 có BOM) hoặc .xlsx (mọi ô dạng văn bản) / the cleaned copy: .csv (UTF-8 with BOM) or .xlsx (every cell as text)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Danh sách thay đổi; mặc định TÊN.changes.csv cạnh --out (cleaned.csv → cleaned.changes.csv) / list of changes; default NAME.changes.csv beside --out
    #[arg(long, value_name = "FILE")]
    pub changes: Option<PathBuf>,
    /// Ghi mọi ngày theo một dạng: dd/mm/yyyy, yyyymmdd, yyyy-mm-dd, dd-mm-yyyy, dd.mm.yyyy; mặc định giữ dạng của từng cột / write every date one way; default: each column keeps its own
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Không in tóm tắt / no summary on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: Common,
}

pub fn run_fix(a: &FixArgs) -> Result<ExitCode> {
    let data = super::load_rules(&a.common)?;
    let lang = lamsach_text::Lang::from(a.common.lang);
    // no progress line, no duplicate pre-pass, no reference
    let opts = Options {
        today: chrono::Local::now().date_naive(),
        ..a.input.options(&data, lang)?
    };
    let changes = a.changes.clone().unwrap_or_else(|| changes_beside(&a.out));
    let date_format = match a.date_format.as_deref() {
        None => None,
        Some(name) => Some(lamsach_engine::fix::date_format_named(name).ok_or_else(|| {
            Error::Usage(format!(
                "--date-format {name}: chọn dd/mm/yyyy, yyyymmdd, yyyy-mm-dd, dd-mm-yyyy hoặc dd.mm.yyyy / choose dd/mm/yyyy, yyyymmdd, yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy"
            ))
        })?),
    };
    let workbook = a
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let s = if workbook {
        // cleaned as CSV beside the output, then written as a sheet of text
        // cells (IDs keep their zeros when opened in a spreadsheet)
        let csv = a.out.with_extension("csv.tmp");
        let s = fix_file(&a.file, &csv, &changes, date_format, &data, &opts);
        let written = s.as_ref().ok().map(|s| {
            lamsach_report::workbook_copy::csv_to_xlsx(&csv, &a.out, s.delim, "Đã làm sạch")
        });
        let _ = std::fs::remove_file(&csv);
        let s = s?;
        written.transpose()?;
        s
    } else {
        fix_file(&a.file, &a.out, &changes, date_format, &data, &opts)?
    };
    if !a.quiet {
        let text = if lang.is_en() {
            format!(
                "Read as {}: {} rows, {} rows changed ({} changes), {} unreadable rows passed through unchanged, {} cells with broken text left for manual repair{}\nWritten: {} and {}\n",
                s.source, s.rows, s.changed_rows, s.changes, s.passed_through, s.unsure,
                if s.set_aside > 0 { format!(", {} rows that are not records (titles, sections, footers) kept as they are", s.set_aside) } else { String::new() },
                a.out.display(), changes.display()
            )
        } else {
            format!(
                "Đọc theo bảng mã {}: {} dòng, {} dòng đã sửa ({} thay đổi), {} dòng không đọc được giữ nguyên, {} ô lỗi font cần sửa tay{}\nĐã ghi: {} và {}\n",
                s.source, s.rows, s.changed_rows, s.changes, s.passed_through, s.unsure,
                if s.set_aside > 0 { format!(", {} dòng không phải bản ghi (tiêu đề, mục, chân bảng) giữ nguyên", s.set_aside) } else { String::new() },
                a.out.display(), changes.display()
            )
        };
        super::print_out(&text)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `cleaned.csv` → `cleaned.changes.csv` beside it: each output keeps its
/// own list of changes, so a second `fix` in one folder overwrites nothing.
fn changes_beside(out: &std::path::Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or_else(|| "cleaned".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}.changes.csv"))
}
