//! `lamsach progress`: month-over-month progress between two state files.

use lamsach_io::error::{Error, Result};
use lamsach_report::progress::{Progress, State};
use std::path::PathBuf;

/// `lamsach progress --since OLD CURRENT`.
#[derive(clap::Args, Debug)]
pub struct ProgressArgs {
    /// Tệp trạng thái kỳ trước / the earlier state file
    #[arg(long, value_name = "FILE")]
    pub since: PathBuf,
    /// Tệp trạng thái kỳ này / the current state file
    pub current: PathBuf,
    /// Thư mục ghi báo cáo tiến độ / write the progress report here
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Định dạng / formats: xlsx,csv,md,json,html
    #[arg(long, default_value = lamsach_report::export::DEFAULT_FORMATS)]
    pub format: String,
    /// Ngày báo cáo (YYYY-MM-DD) / report date
    #[arg(long, value_parser = crate::cli::parse_today, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Không in tóm tắt / no summary on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub report: crate::cli::ReportArgs,
    #[command(flatten)]
    pub common: crate::cli::Common,
}

pub fn run_progress(a: &ProgressArgs) -> Result<std::process::ExitCode> {
    let lang = lamsach_text::Lang::from(a.common.lang);
    let formats = lamsach_report::export::Format::parse_list(&a.format)?;
    let before = State::load(&a.since)?;
    let now = State::load(&a.current)?;
    let p = Progress::compare(&before, &now)?;
    let today = a
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
        .format("%Y-%m-%d")
        .to_string();
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).map_err(Error::write(&dir))?;
        let r = lamsach_report::export::ReportTables::progress_only(
            &p,
            lang,
            &today,
            a.report.unit.clone(),
            a.report.period.clone(),
        );
        lamsach_report::export::write_all(dir, &r, &formats, None)?;
    }
    if !a.quiet {
        print!("{}", p.summary(lang));
    }
    Ok(if p.total().open + p.total().new > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    })
}
