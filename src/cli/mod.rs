//! Command-line interface. `main.rs` only calls [`main_exit`].

mod batch;
mod columns;
mod dedupe;
mod fix;
mod progress;
mod split;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use lamsach_engine::{Options, Outcome, Sink};
use lamsach_io::error::{Error, Result};
use lamsach_io::source::SourceOptions;
use lamsach_model::profile::RuleData;
use lamsach_report as report;
use lamsach_rules::{by_code, Finding, REGISTRY};
use lamsach_text::Lang;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "lamsach",
    version,
    about = "Kiểm tra dữ liệu xuất (tiêm chủng, BHXH/BHYT, học sinh): đúng, đủ, sạch, sống\nChecks Vietnamese record exports: correct, complete, clean, live",
    after_help = "Mã thoát / exit codes: 0 sạch / clean, 1 có lỗi / problems found, 2 lỗi chạy / the run failed"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Ngôn ngữ báo cáo / language of labels and messages
    #[arg(long, value_enum, default_value = "vi", global = true)]
    pub lang: LangArg,
    /// Thư mục quy tắc thay cho quy tắc có sẵn / rules directory instead of the built-in rules/
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// What every report says about who reports and for when.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Đơn vị báo cáo, ghi trên mọi báo cáo, ví dụ "Trung tâm Y tế huyện Sơn Tịnh" / the reporting unit shown on every report
    #[arg(long, value_name = "TEXT")]
    pub unit: Option<String>,
    /// Kỳ báo cáo, ví dụ "11/2026" / the reporting period shown on every report
    #[arg(long, value_name = "TEXT")]
    pub period: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Kiểm tra một tệp xuất / check one export file
    Check(CheckArgs),
    /// Ghi bản đã làm sạch và changes.csv / write a cleaned copy and changes.csv
    Fix(fix::FixArgs),
    /// Chia một tệp thành các phần theo mã tỉnh, năm sinh hoặc tên / split an export into shards by province code, birth year or given name
    Split(split::SplitArgs),
    /// Liệt kê các quy tắc / list every rule
    Rules {
        #[command(flatten)]
        common: Common,
    },
    /// In tài liệu của một quy tắc / print one rule's documentation
    Explain {
        /// Mã quy tắc, ví dụ ID003 / rule code such as ID003
        code: String,
        #[command(flatten)]
        common: Common,
    },
    /// Cộng số liệu của nhiều lần chạy (phân mảnh) / add up the tally.json (or .state, or clusters.csv) files of shards
    Merge {
        /// Các tệp tally.json, hoặc .state, hoặc clusters.csv (từ `dedupe --line-map`) / tally.json files, or .state files, or clusters.csv files (from `dedupe --line-map`), of the shards
        #[arg(required = true)]
        tallies: Vec<PathBuf>,
        /// Thư mục ghi tally.csv, tally.json / where to write the merged tally
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Tìm bản ghi trùng (cùng người, cùng sự kiện), ghi clusters.csv / find duplicate records, write clusters.csv
    Dedupe(dedupe::DedupeArgs),
    /// Tiến độ giữa hai tệp trạng thái / progress between two state files
    Progress(progress::ProgressArgs),
    /// Chạy nhiều tệp theo tệp công việc (cron) / run the jobs of a jobs.toml (for schedulers)
    Batch(batch::BatchArgs),
    /// Cho biết đọc tệp thế nào: dòng tiêu đề, cột nào là trường nào, dòng không phải bản ghi / show how a file is read: header rows, which column is which field, rows set aside
    Columns(columns::ColumnsArgs),
}

/// How to read the input: its kind, delimiter, encoding, sheet and layout.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Loại dữ liệu: vaccination, bhxh, education, hoặc tệp .toml; mặc định tự nhận / profile name or .toml file; detected when omitted
    #[arg(long)]
    pub profile: Option<String>,
    /// Dấu phân cách cột; mặc định tự nhận / field delimiter; sniffed when omitted
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Bảng mã: utf-8, utf-16le, utf-16be, windows-1258, windows-1252, tcvn3, vni; mặc định tự nhận / input encoding; detected when omitted
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Trang tính (tên hoặc số thứ tự) của tệp Excel / sheet name or number in a workbook
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub layout: LayoutArgs,
}

impl InputArgs {
    /// The engine's options for reading the input (the rest left default).
    pub(crate) fn options(&self, data: &RuleData, lang: Lang) -> Result<Options> {
        let mut opts = Options {
            profile: self.profile.clone(),
            lang,
            source: SourceOptions {
                encoding: self.encoding.clone(),
                sheet: self.sheet.clone(),
                delimiter: parse_delimiter(self.delimiter.as_deref())?,
                header_row: None,
            },
            ..Options::default()
        };
        self.layout.apply(&mut opts, data)?;
        Ok(opts)
    }
}

/// How to read an export's layout when lamsach cannot find it alone.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LayoutArgs {
    /// Dòng tiêu đề (số dòng, hoặc 6-7 cho tiêu đề hai dòng); mặc định tự tìm trong 30 dòng đầu / the header's line (or 6-7 for a two-row header); found in the first 30 rows when omitted
    #[arg(long, value_name = "N[-M]")]
    pub header_row: Option<String>,
    /// Cột của một trường, ví dụ --column id="Số CCCD/Mã định danh" (lặp lại được; tên cột, số thứ tự hoặc chữ cột) / the column of a field, e.g. --column id="Số CCCD" (repeatable; a header, a number or a letter)
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
    /// Mã giới tính, ví dụ 1=nam,0=nu / sex codes, e.g. 1=nam,0=nu
    #[arg(long, value_name = "CODES")]
    pub sex_codes: Option<String>,
}

impl LayoutArgs {
    /// Puts the layout options into `opts`.
    pub(crate) fn apply(&self, opts: &mut Options, data: &RuleData) -> Result<()> {
        if let Some(spec) = &self.sex_codes {
            lamsach_model::profile::SexCodes::parse(spec, data)?;
        }
        opts.source.header_row = self
            .header_row
            .as_deref()
            .map(parse_header_row)
            .transpose()?;
        opts.columns = self
            .columns
            .iter()
            .map(|c| lamsach_model::layout::parse_column_option(c))
            .collect::<Result<_>>()?;
        opts.sex_codes = self.sex_codes.clone();
        Ok(())
    }
}

/// `--today`: `2026-12-05`, or `05/12/2026` as officers write it; a wrong
/// value gets a bilingual message with an example.
pub(crate) fn parse_today(s: &str) -> std::result::Result<NaiveDate, String> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            format!(
                "'{s}' không phải ngày; ghi theo dạng 2026-12-05 hoặc 05/12/2026 / not a date; write it as 2026-12-05 or 05/12/2026"
            )
        })
}

/// `--header-row 6` or `6-7`.
fn parse_header_row(s: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::Usage(format!(
            "--header-row '{s}': cần số dòng, ví dụ 6 hoặc 6-7 / must be a line number, e.g. 6 or 6-7"
        ))
    };
    let n = |x: &str| x.trim().parse::<u64>().ok().filter(|n| *n >= 1);
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (n(a).ok_or_else(bad)?, n(b).ok_or_else(bad)?);
            if b < a || b - a > 2 {
                return Err(bad());
            }
            Ok((a, b))
        }
        None => n(s).map(|a| (a, a)).ok_or_else(bad),
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Tệp CSV cần kiểm tra / the CSV export to check
    pub file: PathBuf,
    /// Cột để nhóm số liệu (tên cột hoặc trường); hai cấp: "Huyện,Cơ sở tiêm" / column to group counts by (header or field name); two levels: "District,Facility"
    #[arg(long, value_name = "COLUMN")]
    pub group_by: Option<String>,
    /// Thư mục ghi issues.csv, tally.csv, tally.json / write issues.csv, tally.csv, tally.json here
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Che số định danh trong báo cáo (0010****2345) / mask IDs in reports
    #[arg(long)]
    pub mask_ids: bool,
    /// Ngày chạy dùng cho tuổi/ngày tương lai (YYYY-MM-DD); mặc định hôm nay / the run date
    #[arg(long, value_parser = crate::cli::parse_today, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Trích xuất CSDL dân cư để xác minh họ tên, ngày sinh, giới tính / population database extract to verify name, date of birth and sex against
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Số luồng / worker threads (default: all cores)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Số lỗi in ra màn hình khi không có --out / findings printed when --out is not given
    #[arg(long, default_value_t = 20)]
    pub show: usize,
    /// Không in tóm tắt / no summary on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    /// Không tìm bản ghi trùng gần đúng (DUP003–DUP005) / skip fuzzy duplicate detection
    #[arg(long)]
    pub no_dedupe: bool,
    /// Lấy DUP003–DUP005 từ clusters.csv của `lamsach dedupe` (của cả tệp, hoặc các phần đã gộp) thay vì tìm / take DUP003–DUP005 from a clusters.csv of `lamsach dedupe` (the whole file's, or the shards' merged) instead of searching
    #[arg(long, value_name = "CLUSTERS.csv", conflicts_with = "no_dedupe")]
    pub duplicates: Option<PathBuf>,
    /// Với --duplicates, khi tệp là một phần của tệp đã chia: bản đồ dòng .lines.csv của `split --line-map` / with --duplicates, when the file is a shard: its .lines.csv from `split --line-map`
    #[arg(long, value_name = "FILE", requires = "duplicates")]
    pub line_map: Option<PathBuf>,
    /// Bảng báo cáo ghi vào --out: xlsx,csv,md,json,html (hoặc all), parquet (bản có tính năng polars); mặc định chỉ issues.csv, tally.csv, tally.json / report formats written to --out; parquet with the polars feature; default: only issues.csv, tally.csv, tally.json
    #[arg(long, value_name = "LIST")]
    pub format: Option<String>,
    /// Lưu trạng thái (lỗi theo người, đã băm) để so sánh kỳ sau / save a state file for the next --since
    #[arg(long, value_name = "FILE")]
    pub save_state: Option<PathBuf>,
    /// So sánh với trạng thái kỳ trước: đã làm sạch, chưa làm sạch, phát sinh mới / report progress since a state file
    #[arg(long, value_name = "FILE")]
    pub since: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: Common,
}

/// `--delimiter`: one character, or `tab` / `\t`; None = detect.
pub(crate) fn parse_delimiter(s: Option<&str>) -> Result<Option<u8>> {
    match s {
        None => Ok(None),
        Some("\\t") | Some("tab") => Ok(Some(b'\t')),
        Some(s) if s.len() == 1 => Ok(Some(s.as_bytes()[0])),
        Some(s) => Err(Error::Usage(format!(
            "--delimiter '{s}': cần đúng một ký tự / must be one character"
        ))),
    }
}

/// Writes a summary to the terminal; a closed pipe (`| head`) is not an error.
pub(crate) fn print_out(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "<stdout>".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

pub(crate) fn load_rules(c: &Common) -> Result<RuleData> {
    match &c.rules {
        Some(dir) => RuleData::from_dir(dir),
        None => RuleData::embedded(),
    }
}

/// Prints findings to the terminal (up to a limit) when no --out is given.
struct TermSink {
    shown: usize,
    limit: usize,
    total: u64,
    lang: Lang,
    mask: bool,
    id_cols: Vec<usize>,
    headers: Vec<String>,
    out: Vec<String>,
}

impl Sink for TermSink {
    fn finding(&mut self, f: &Finding, _group: &str) -> Result<()> {
        self.total += 1;
        if self.shown < self.limit {
            self.shown += 1;
            let col = f
                .column
                .and_then(|c| self.headers.get(c))
                .map(String::as_str)
                .unwrap_or("");
            let value = report::shown_value(f, self.mask, &self.id_cols);
            let what = if col.is_empty() {
                String::new()
            } else {
                format!(" {col}={value:?}")
            };
            let line_word = if self.lang.is_en() { "line" } else { "dòng" };
            self.out.push(format!(
                "{line_word} {} {}{what}: {}",
                f.line, f.rule.code, f.message
            ));
        }
        Ok(())
    }
}

fn run_check(a: &CheckArgs) -> Result<ExitCode> {
    let data = load_rules(&a.common)?;
    let lang = lamsach_text::Lang::from(a.common.lang);
    let reference = match &a.reference {
        Some(p) => {
            let r = lamsach_reference::load(p, &data, lang)?;
            if !a.quiet || r.stats.problems() > 0 {
                eprint!("{}", reference_notice(&r, lang));
            }
            Some(std::sync::Arc::new(r))
        }
        None => None,
    };
    let opts = Options {
        group_by: a.group_by.clone(),
        today: a.today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        progress: !a.quiet,
        reference: reference.clone(),
        duplicates_from: a
            .duplicates
            .clone()
            .map(|clusters| lamsach_engine::DuplicatesFrom {
                clusters,
                line_map: a.line_map.clone(),
            }),
        ..a.input.options(&data, lang)?
    };
    let formats = a
        .format
        .as_deref()
        .map(lamsach_report::export::Format::parse_list)
        .transpose()?;
    // Opened once: every pass of the run reads this source.
    let opened = lamsach_engine::open(&a.file, &data, &opts)?;
    let mapping = &opened.mapping;
    let id_cols = report::id_columns(mapping);
    let mut term = TermSink {
        shown: 0,
        limit: if a.out.is_some() || a.quiet {
            0
        } else {
            a.show
        },
        total: 0,
        lang,
        mask: a.mask_ids,
        id_cols: id_cols.clone(),
        headers: mapping.headers.clone(),
        out: Vec::new(),
    };
    let check = |opts: Options| {
        lamsach_report::export::run::check_with_reports(
            lamsach_report::export::run::RunSpec {
                opened: &opened,
                opts,
                out: a.out.as_deref(),
                formats: formats.as_deref(),
                mask_ids: a.mask_ids,
                since: a.since.as_deref(),
                save_state: a.save_state.as_deref(),
                unit: a.report.unit.clone(),
                period: a.report.period.clone(),
            },
            &data,
            &mut term,
        )
    };
    let res = lamsach_engine::prepass::check_beside_prepass(
        !a.no_dedupe,
        &opened,
        &data,
        a.common.rules.as_deref(),
        opts,
        check,
    )?;
    if !a.quiet || !res.unknown.is_empty() {
        eprint!("{}", folder_notice(&res.removed, &res.unknown, lang));
    }
    let outcome: Outcome = res.outcome;
    if let (Some(dir), Some(r)) = (&a.out, &reference) {
        lamsach_reference::write_issues_csv(&dir.join("reference-issues.csv"), r, lang)?;
    }
    if !a.quiet {
        let mut text = report::summary(&outcome, lang, 10);
        if !term.out.is_empty() {
            text.push_str(if lang.is_en() {
                "First findings:\n"
            } else {
                "Các lỗi đầu tiên:\n"
            });
            for l in &term.out {
                text.push_str("  ");
                text.push_str(l);
                text.push('\n');
            }
            if term.total > term.shown as u64 {
                text.push_str(&if lang.is_en() {
                    format!(
                        "  … and {} more; use --out DIR for the full list\n",
                        term.total - term.shown as u64
                    )
                } else {
                    format!(
                        "  … và {} lỗi khác; dùng --out THƯ_MỤC để có danh sách đầy đủ\n",
                        term.total - term.shown as u64
                    )
                });
            }
        }
        if let Some(p) = &res.progress {
            text.push_str(&p.summary(lang));
        }
        if let Some(dir) = &a.out {
            text.push_str(&format!(
                "{}: {}\n",
                if lang.is_en() {
                    "Reports written to"
                } else {
                    "Đã ghi báo cáo vào"
                },
                dir.display()
            ));
        }
        print_out(&text)?;
    }
    let t = outcome.tally.total();
    Ok(if t.with_problems + t.unreadable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the output folder held from earlier runs: files of the earlier run
/// removed (named in its manifest.json), report files no manifest names.
pub(crate) fn folder_notice(removed: &[PathBuf], unknown: &[PathBuf], lang: Lang) -> String {
    let names = |v: &[PathBuf]| {
        v.iter()
            .filter_map(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = String::new();
    if !removed.is_empty() {
        s.push_str(&format!(
            "lamsach: {}: {}\n",
            lang.pick(
                "đã xóa tệp của lần chạy trước không còn đúng (theo manifest.json)",
                "removed the earlier run's files this run does not write (from manifest.json)"
            ),
            names(removed)
        ));
    }
    if !unknown.is_empty() {
        s.push_str(&format!(
            "lamsach: {}: {}\n",
            lang.pick(
                "thư mục --out còn tệp báo cáo không thuộc lần chạy này, hãy xóa hoặc dùng thư mục khác",
                "the --out folder holds report files not from this run; delete them or use another folder"
            ),
            names(unknown)
        ));
    }
    s
}

/// What loading the reference found, for stderr: counts and the first lines
/// of each problem, never IDs or names.
fn reference_notice(r: &lamsach_reference::Reference, lang: Lang) -> String {
    let n = |x: u64| lamsach_io::num::fmt_num(x, lang);
    let st = &r.stats;
    let mb = (r.heap_bytes() as u64).div_ceil(1 << 20);
    let mut s = if lang.is_en() {
        format!(
            "lamsach: reference {}: {} people loaded from {} rows ({} MB in memory)\n",
            r.file_name,
            n(st.loaded),
            n(st.rows),
            n(mb)
        )
    } else {
        format!(
            "lamsach: tham chiếu {}: đã nạp {} người từ {} dòng ({} MB bộ nhớ)\n",
            r.file_name,
            n(st.loaded),
            n(st.rows),
            n(mb)
        )
    };
    let lines_of = |key: &str| {
        let v: Vec<String> = r
            .issues
            .iter()
            .filter(|i| i.key() == key)
            .take(10)
            .map(|i| i.line.to_string())
            .collect();
        v.join(", ")
    };
    let kinds: [(u64, &str, &str, &str); 5] = [
        (
            st.duplicates,
            "duplicate_id",
            "số định danh trùng (giữ dòng đầu)",
            "duplicate IDs (first line kept)",
        ),
        (
            st.bad_ids,
            "bad_id",
            "dòng không có số định danh 12 số (bỏ qua)",
            "rows without a 12-digit ID (skipped)",
        ),
        (
            st.bad_dates,
            "bad_date",
            "ngày sinh/ngày mất không đọc được",
            "unreadable dates of birth/death",
        ),
        (
            st.bad_names,
            "bad_name",
            "họ tên có chữ số/ký tự lạ (lỗi font?)",
            "names with digits/symbols (broken encoding?)",
        ),
        (
            st.unreadable,
            "unreadable",
            "dòng không đọc được",
            "unreadable rows",
        ),
    ];
    for (count, key, vi, en_label) in kinds {
        if count > 0 {
            let more = if count > 10 { ", …" } else { "" };
            s.push_str(&format!(
                "lamsach: {} {}: {} {}{more}\n",
                n(count),
                if lang.is_en() { en_label } else { vi },
                if lang.is_en() { "lines" } else { "dòng" },
                lines_of(key)
            ));
        }
    }
    if st.problems() > 0 {
        s.push_str(if lang.is_en() {
            "lamsach: the full list is written to reference-issues.csv with --out\n"
        } else {
            "lamsach: danh sách đầy đủ ghi vào reference-issues.csv khi dùng --out\n"
        });
    }
    s
}

fn run_rules(c: &Common) -> Result<ExitCode> {
    let lang = lamsach_text::Lang::from(c.lang);
    let mut rules: Vec<_> = REGISTRY.iter().collect();
    rules.sort_by_key(|r| r.code);
    let mut s = String::new();
    for r in rules {
        s.push_str(&format!(
            "{:<7} {:<9} {:<34} {}\n",
            r.code,
            r.pillar.label(lang),
            r.name,
            r.label(lang)
        ));
    }
    print!("{s}");
    Ok(ExitCode::SUCCESS)
}

fn run_explain(code: &str, c: &Common) -> Result<ExitCode> {
    let lang = lamsach_text::Lang::from(c.lang);
    let Some(r) = by_code(code) else {
        return Err(Error::Usage(format!(
            "không có quy tắc '{code}' / no rule '{code}'; xem / see `lamsach rules`"
        )));
    };
    println!("# {} — {}", r.code, r.name);
    println!("{} / {}", r.label_vi, r.label_en);
    println!(
        "{}: {} · {}: {} · {}: {}\n",
        if lang.is_en() {
            "Pillar"
        } else {
            "Trụ cột"
        },
        r.pillar.label(lang),
        if lang.is_en() { "Category" } else { "Loại" },
        r.category.label(lang),
        if lang.is_en() {
            "Severity"
        } else {
            "Mức độ"
        },
        r.severity.label(lang)
    );
    print!("{}", if lang.is_en() { r.doc } else { r.doc_vi });
    Ok(ExitCode::SUCCESS)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Check(a) => {
            if let Some(n) = a.threads {
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build_global();
            }
            run_check(a)
        }
        Command::Fix(a) => fix::run_fix(a),
        Command::Split(a) => split::run_split(a),
        Command::Rules { common } => run_rules(common),
        Command::Explain { code, common } => run_explain(code, common),
        Command::Merge {
            tallies,
            out,
            common,
        } if tallies
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "state")) =>
        {
            std::fs::create_dir_all(out).map_err(Error::write(&out))?;
            let st = lamsach_report::merge::merge_states(tallies, &out.join("merged.state"))?;
            println!(
                "{} → {}: {} {}",
                tallies.len(),
                out.join("merged.state").display(),
                st.entries.len(),
                if common.lang == LangArg::En {
                    "records with problems"
                } else {
                    "bản ghi có lỗi"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge {
            tallies,
            out,
            common,
        } if tallies
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "csv")) =>
        {
            std::fs::create_dir_all(out).map_err(Error::write(&out))?;
            let dest = out.join("clusters.csv");
            let (rows, clusters) = lamsach_report::clusters::merge_clusters(tallies, &dest)?;
            println!(
                "{} → {}: {clusters} {}, {rows} {}",
                tallies.len(),
                dest.display(),
                if common.lang == LangArg::En {
                    "clusters"
                } else {
                    "cụm"
                },
                if common.lang == LangArg::En {
                    "rows"
                } else {
                    "dòng"
                },
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge {
            tallies,
            out,
            common,
        } => {
            let t = lamsach_report::merge::merge(tallies, out, common.lang.into())?.total();
            println!(
                "{} {} / {}: {}",
                tallies.len(),
                if common.lang == LangArg::En {
                    "shards, rows read"
                } else {
                    "phân mảnh, số dòng đọc"
                },
                if common.lang == LangArg::En {
                    "findings"
                } else {
                    "số lỗi"
                },
                format_args!(
                    "{} / {}",
                    lamsach_io::num::fmt_num(t.rows_read, common.lang.into()),
                    lamsach_io::num::fmt_num(t.total_findings(), common.lang.into())
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Dedupe(a) => {
            if let Some(n) = a.threads {
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build_global();
            }
            dedupe::run_dedupe(a)
        }
        Command::Progress(a) => progress::run_progress(a),
        Command::Batch(a) => batch::run_batch(a),
        Command::Columns(a) => columns::run_columns(a),
    }
}

/// Entry point used by `main`: errors print to stderr and exit with 2.
pub fn main_exit() -> ExitCode {
    let _ = ctrlc::set_handler(|| {
        lamsach_io::INTERRUPTED.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lamsach: {e}");
            ExitCode::from(2)
        }
    }
}
