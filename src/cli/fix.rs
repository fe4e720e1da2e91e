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
    /// Tệp CSV đã làm sạch (UTF-8 có BOM) / where to write the cleaned CSV (UTF-8 with BOM)
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
    let s = fix_file(&a.file, &a.out, &changes, date_format, &data, &opts)?;
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
