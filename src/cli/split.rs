//! `lamsach split`: shards of one export by province code or birth year.

use super::{Common, InputArgs};
use lamsach_engine::split::{split_file, SplitBy};
use lamsach_engine::Options;
use lamsach_io::error::Result;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum By {
    /// 3 chữ số đầu của số định danh (mã tỉnh) / the ID's first 3 digits (province code)
    Province,
    /// Năm sinh / year of birth
    BirthYear,
    /// Hai chữ cái đầu của tên (bỏ dấu) / the given name's first two letters (diacritics folded)
    GivenName,
}

#[derive(clap::Args, Debug)]
pub struct SplitArgs {
    /// Tệp cần chia (CSV, TSV, .xlsx, .xls) / the export to split
    pub file: PathBuf,
    /// Chia theo / what each shard holds
    #[arg(long, value_enum)]
    pub by: By,
    /// Thư mục ghi các phần / the folder for the shards
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Ghi bên mỗi phần tệp .lines.csv: dòng trong phần → dòng trong tệp gốc / write beside each shard a .lines.csv: its line → the line in the original file
    #[arg(long)]
    pub line_map: bool,
    /// Không in bảng các phần / no table of shards on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: Common,
}

pub fn run_split(a: &SplitArgs) -> Result<ExitCode> {
    let data = super::load_rules(&a.common)?;
    let lang = lamsach_text::Lang::from(a.common.lang);
    let opts = Options {
        today: chrono::Local::now().date_naive(),
        ..a.input.options(&data, lang)?
    };
    let by = match a.by {
        By::Province => SplitBy::Province,
        By::BirthYear => SplitBy::BirthYear,
        By::GivenName => SplitBy::GivenName,
    };
    let s = split_file(&a.file, &a.out, by, a.line_map, &data, &opts)?;
    if a.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let en = lang.is_en();
    let mut text = String::new();
    for sh in &s.shards {
        text.push_str(&format!("{:>12}  {}\n", sh.records, sh.path.display()));
    }
    text.push_str(&if en {
        format!(
            "{} records in {} shards; {} rows that are not records (titles, sections, footers) and {} blank lines in none\n",
            s.records,
            s.shards.len(),
            s.set_aside,
            s.blank
        )
    } else {
        format!(
            "{} bản ghi trong {} phần; {} dòng không phải bản ghi (tiêu đề, mục, chân bảng) và {} dòng trống không thuộc phần nào\n",
            s.records,
            s.shards.len(),
            s.set_aside,
            s.blank
        )
    });
    super::print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}
