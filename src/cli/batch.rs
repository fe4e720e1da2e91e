//! `lamsach batch jobs.toml`: several exports in one unattended run (cron,
//! Task Scheduler). Each job's reports go to `OUT/<date>/<job>/`, with a state
//! file compared against the latest earlier dated run; a combined summary
//! (`summary.csv`, `summary.json`) and `batch.log` (no personal values) go to
//! `OUT/<date>/`. Exit code: 2 when a job failed, 1 when jobs found
//! problems, 0 when all is clean.

use super::parse_delimiter;
use lamsach_engine::{Opened, Options};
use lamsach_io::error::{Error, Result};
use lamsach_io::num::{fmt_rate, ratio, Precision};
use lamsach_io::source::SourceOptions;
use lamsach_model::profile::parse_toml;
use lamsach_model::profile::RuleData;
use lamsach_report::export::run::{check_with_reports, RunSpec};
use lamsach_report::export::Format;
use lamsach_report::{excel_safe, AtomicFile};
use lamsach_text::Lang;
use serde::Deserialize;
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The jobs file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsFile {
    /// Output root (relative to the jobs file); `--out` overrides.
    pub out: Option<PathBuf>,
    /// `vi` (default) or `en`.
    pub lang: Option<String>,
    /// Default formats of every job.
    pub formats: Option<Vec<String>>,
    #[serde(default)]
    pub mask_ids: bool,
    /// The reporting unit shown on every report (like `check --unit`).
    pub unit: Option<String>,
    /// Compare with the latest earlier run's state (default true).
    pub progress: Option<bool>,
    #[serde(rename = "job", default)]
    pub jobs: Vec<Job>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Folder name of the job's reports: letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Path or glob (`data/tiem-chung-*.csv`), relative to the jobs file.
    pub input: String,
    pub profile: Option<String>,
    pub group_by: Option<String>,
    /// Population reference extract to verify against (relative to the jobs file).
    pub reference: Option<PathBuf>,
    pub formats: Option<Vec<String>>,
    pub mask_ids: Option<bool>,
    pub delimiter: Option<String>,
    /// The header's line, `6` or `6-7` (like `check --header-row`).
    pub header_row: Option<String>,
    /// Columns by field, `{ id = "Số CCCD/Mã định danh" }` (like `check --column`).
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, String>,
    /// Sex codes, `"1=nam,0=nu"` (like `check --sex-codes`).
    pub sex_codes: Option<String>,
    /// Skip fuzzy duplicate detection (like `check --no-dedupe`).
    #[serde(default)]
    pub no_dedupe: bool,
    /// The job's unit, instead of the file's `unit` (like `check --unit`).
    pub unit: Option<String>,
    /// The reporting period (like `check --period`, e.g. "11/2026").
    pub period: Option<String>,
}

impl Job {
    /// The job's layout options, as `check` takes them.
    fn layout(&self) -> crate::cli::LayoutArgs {
        crate::cli::LayoutArgs {
            header_row: self.header_row.clone(),
            columns: self
                .columns
                .iter()
                .map(|(f, h)| format!("{f}={h}"))
                .collect(),
            sex_codes: self.sex_codes.clone(),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// Tệp công việc (TOML) / the jobs file
    pub jobs: PathBuf,
    /// Thư mục gốc báo cáo (mặc định: `out` trong tệp) / output root (default: `out` of the jobs file)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Ngày chạy (YYYY-MM-DD), dùng cho tên thư mục / run date, also the folder name
    #[arg(long, value_parser = crate::cli::parse_today, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Không in gì ra màn hình / print nothing
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub common: crate::cli::Common,
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n != "."
        && n != ".."
        && n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn formats_of(path: &str, job: Option<&str>, list: &[String]) -> Result<Vec<Format>> {
    Format::parse_list(&list.join(",")).map_err(|e| {
        Error::Config(match job {
            Some(j) => format!("{path}: job '{j}': formats: {e}"),
            None => format!("{path}: formats: {e}"),
        })
    })
}

/// Reads and checks a jobs file; all problems are reported together.
pub fn load(path: &Path, data: &RuleData) -> Result<JobsFile> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let p = path.display().to_string();
    let jf: JobsFile = parse_toml(&p, &text)?;
    let mut errors = Vec::new();
    if jf.jobs.is_empty() {
        errors.push(format!("{p}: không có [[job]] nào / no [[job]] entries"));
    }
    if let Some(l) = &jf.lang {
        if l != "vi" && l != "en" {
            errors.push(format!("{p}: lang: '{l}' (vi | en)"));
        }
    }
    if let Some(f) = &jf.formats {
        if let Err(e) = formats_of(&p, None, f) {
            errors.push(e.to_string());
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for j in &jf.jobs {
        if !valid_name(&j.name) {
            errors.push(format!(
                "{p}: job '{}': name: chỉ dùng chữ, số, '-', '_', '.' / letters, digits, '-', '_', '.' only",
                j.name
            ));
        }
        if names.contains(&j.name.as_str()) {
            errors.push(format!(
                "{p}: job '{}': name: trùng tên / duplicate name",
                j.name
            ));
        }
        names.push(&j.name);
        if j.input.trim().is_empty() {
            errors.push(format!("{p}: job '{}': input: trống / empty", j.name));
        }
        if let Some(f) = &j.formats {
            if let Err(e) = formats_of(&p, Some(&j.name), f) {
                errors.push(e.to_string());
            }
        }
        if let Some(d) = &j.delimiter {
            if parse_delimiter(Some(d)).is_err() {
                errors.push(format!(
                    "{p}: job '{}': delimiter: '{d}' (one character or \"tab\")",
                    j.name
                ));
            }
        }
        if let Err(e) = j.layout().apply(&mut Options::default(), data) {
            errors.push(format!("{p}: job '{}': {e}", j.name));
        }
    }
    if errors.is_empty() {
        Ok(jf)
    } else {
        Err(Error::Config(errors.join("\n")))
    }
}

/// Files of a job's input (a path or a glob), sorted.
fn expand(base: &Path, input: &str) -> std::result::Result<Vec<PathBuf>, String> {
    // The jobs file's folder is literal text: escape its glob characters.
    let pattern = if Path::new(input).is_absolute() || base.as_os_str().is_empty() {
        input.to_string()
    } else {
        let b = glob::Pattern::escape(&base.to_string_lossy());
        format!("{b}{}{input}", std::path::MAIN_SEPARATOR)
    };
    let paths = glob::glob(&pattern).map_err(|e| format!("glob: {e}"))?;
    let mut out: Vec<PathBuf> = paths
        .filter_map(|p| p.ok())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    if out.is_empty() {
        return Err("không có tệp nào khớp / no file matches".into());
    }
    Ok(out)
}

/// The latest dated folder before `today` under `root` that holds `rel`.
fn previous_state(root: &Path, today: &str, rel: &Path) -> Option<PathBuf> {
    let mut dates: Vec<String> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| chrono::NaiveDate::parse_from_str(n, "%Y-%m-%d").is_ok() && n.as_str() < today)
        .collect();
    dates.sort();
    dates
        .into_iter()
        .rev()
        .map(|d| root.join(d).join(rel))
        .find(|p| p.is_file())
}

/// One line of the combined summary.
#[derive(Debug, Default)]
struct JobRow {
    job: String,
    file: String,
    status: &'static str,
    rows_read: u64,
    with_problems: u64,
    unreadable: u64,
    findings: u64,
    fixed: Option<u64>,
    /// Persons: corrected, in progress, new.
    persons: Option<lamsach_report::progress::Figures>,
    open: Option<u64>,
    new: Option<u64>,
    reports: String,
    error: String,
}

/// `batch.log`, written line by line (readable while a scheduled run goes on).
struct Log {
    f: std::fs::File,
    path: PathBuf,
}

impl Log {
    fn line(&mut self, s: &str) -> Result<()> {
        let ts = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
        writeln!(self.f, "{ts} {s}").map_err(Error::write(&self.path))
    }
}

pub const STATE_FILE: &str = "state.jsonl";

fn interrupted() -> bool {
    lamsach_engine::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn run_batch(a: &BatchArgs) -> Result<ExitCode> {
    let data = crate::cli::load_rules(&a.common)?;
    let jf = load(&a.jobs, &data)?;
    let base = a.jobs.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = match (&a.out, &jf.out) {
        (Some(o), _) => o.clone(),
        (None, Some(o)) => base.join(o),
        (None, None) => {
            return Err(Error::Usage(
                "cần --out hoặc `out = \"...\"` trong tệp công việc / need --out or `out` in the jobs file".into(),
            ))
        }
    };
    let lang = match jf.lang.as_deref() {
        Some("en") => lamsach_text::Lang::En,
        Some(_) => lamsach_text::Lang::Vi,
        None => a.common.lang.into(),
    };
    let today_d = a.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let today = today_d.format("%Y-%m-%d").to_string();
    let day_dir = root.join(&today);
    std::fs::create_dir_all(&day_dir).map_err(Error::write(&day_dir))?;
    let log_path = day_dir.join("batch.log");
    let mut log = Log {
        f: std::fs::File::create(&log_path).map_err(Error::write(&log_path))?,
        path: log_path.clone(),
    };
    log.line(&format!(
        "lamsach {} batch {} — {} job(s)",
        env!("CARGO_PKG_VERSION"),
        a.jobs.display(),
        jf.jobs.len()
    ))?;
    let default_formats = match &jf.formats {
        Some(f) => formats_of("", None, f)?,
        None => Format::parse_list(lamsach_report::export::DEFAULT_FORMATS)?,
    };

    // Expand the globs first, so the progress bar knows the number of files.
    let mut plan: Vec<(&Job, std::result::Result<Vec<PathBuf>, String>)> = Vec::new();
    for j in &jf.jobs {
        plan.push((j, expand(&base, &j.input)));
    }
    let n_files: u64 = plan
        .iter()
        .map(|(_, f)| f.as_ref().map_or(1, |v| v.len() as u64))
        .sum();
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(n_files);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            b.set_style(style);
        }
        b
    });

    let mut rows: Vec<JobRow> = Vec::new();
    let mut used_rel: Vec<PathBuf> = Vec::new();
    for (job, files) in &plan {
        let files = match files {
            Ok(f) => f,
            Err(e) => {
                log.line(&format!("job {}: FAILED: {e}", job.name))?;
                rows.push(JobRow {
                    job: job.name.clone(),
                    status: "failed",
                    error: e.clone(),
                    ..Default::default()
                });
                if let Some(b) = &bar {
                    b.inc(1);
                }
                continue;
            }
        };
        let formats = match &job.formats {
            Some(f) => formats_of("", Some(&job.name), f)?,
            None => default_formats.clone(),
        };
        // The population reference, loaded once per job and shared by its files.
        let reference = match &job.reference {
            None => None,
            Some(p) => {
                let p = if p.is_absolute() {
                    p.clone()
                } else {
                    base.join(p)
                };
                match lamsach_reference::load(&p, &data, lang) {
                    Ok(r) => {
                        log.line(&format!(
                            "job {}: reference {} loaded",
                            job.name,
                            p.file_name()
                                .map(|n| n.to_string_lossy())
                                .unwrap_or_default()
                        ))?;
                        Some(std::sync::Arc::new(r))
                    }
                    Err(e) => {
                        log.line(&format!("job {}: FAILED: {e}", job.name))?;
                        rows.push(JobRow {
                            job: job.name.clone(),
                            status: "failed",
                            error: e.to_string(),
                            ..Default::default()
                        });
                        if let Some(b) = &bar {
                            b.inc(files.len() as u64);
                        }
                        continue;
                    }
                }
            }
        };
        for file in files {
            let fname = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if let Some(b) = &bar {
                b.set_message(format!("{} / {fname}", job.name));
            }
            let rel: PathBuf = if files.len() == 1 {
                PathBuf::from(&job.name)
            } else {
                let stem = file
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default();
                Path::new(&job.name).join(stem)
            };
            // Two files with one stem (in different folders) get distinct folders.
            let mut rel = rel;
            let mut n = 2;
            while used_rel.contains(&rel) {
                rel = PathBuf::from(format!("{}-{n}", rel.display()));
                n += 1;
            }
            used_rel.push(rel.clone());
            let out_dir = day_dir.join(&rel);
            let since = if jf.progress.unwrap_or(true) {
                previous_state(&root, &today, &rel.join(STATE_FILE))
            } else {
                None
            };
            // checked with the jobs file; a bad one was reported there
            let delimiter = parse_delimiter(job.delimiter.as_deref()).unwrap_or(None);
            let mut opts = Options {
                profile: job.profile.clone(),
                group_by: job.group_by.clone(),
                today: today_d,
                lang,
                progress: false,
                reference: reference.clone(),
                source: SourceOptions {
                    delimiter,
                    ..SourceOptions::default()
                },
                ..Options::default()
            };
            // checked with the jobs file
            let _ = job.layout().apply(&mut opts, &data);
            let state_path = out_dir.join(STATE_FILE);
            let started = std::time::Instant::now();
            let check = |opened: &Opened, opts: Options| {
                check_with_reports(
                    RunSpec {
                        opened,
                        opts,
                        out: Some(&out_dir),
                        formats: Some(&formats),
                        mask_ids: job.mask_ids.unwrap_or(jf.mask_ids),
                        since: since.as_deref(),
                        save_state: Some(&state_path),
                        unit: job.unit.clone().or_else(|| jf.unit.clone()),
                        period: job.period.clone(),
                    },
                    &data,
                    &mut Vec::new(),
                )
            };
            // Fuzzy duplicates (DUP003–DUP005), as `check` does unless --no-dedupe.
            let res = lamsach_engine::open(file, &data, &opts).and_then(|opened| {
                lamsach_engine::prepass::check_beside_prepass(
                    !job.no_dedupe,
                    &opened,
                    &data,
                    a.common.rules.as_deref(),
                    opts,
                    |opts| check(&opened, opts),
                )
            });
            let mut row = JobRow {
                job: job.name.clone(),
                file: fname.clone(),
                reports: rel.display().to_string(),
                ..Default::default()
            };
            match res {
                Ok(r) => {
                    let t = r.outcome.tally.total();
                    row.rows_read = t.rows_read;
                    row.with_problems = t.with_problems;
                    row.unreadable = t.unreadable;
                    row.findings = t.total_findings();
                    row.status = if t.with_problems + t.unreadable > 0 {
                        "problems"
                    } else {
                        "clean"
                    };
                    if let Some(p) = &r.progress {
                        let f = p.total();
                        row.fixed = Some(f.fixed);
                        row.open = Some(f.open);
                        row.new = Some(f.new);
                        row.persons = Some(p.persons_total());
                    }
                    log.line(&format!(
                        "job {} file {fname}: {} rows, {} with problems, {} unreadable, {} findings{} ({:.1}s)",
                        job.name,
                        row.rows_read,
                        row.with_problems,
                        row.unreadable,
                        row.findings,
                        match &r.progress {
                            Some(p) => {
                                let f = p.total();
                                format!("; since {}: fixed {}, open {}, new {}", p.before.date.as_deref().unwrap_or("?"), f.fixed, f.open, f.new)
                            }
                            None => String::new(),
                        },
                        started.elapsed().as_secs_f64()
                    ))?;
                }
                Err(e) => {
                    row.status = "failed";
                    row.error = e.to_string();
                    log.line(&format!("job {} file {fname}: FAILED: {e}", job.name))?;
                }
            }
            rows.push(row);
            if let Some(b) = &bar {
                b.inc(1);
            }
            if interrupted() {
                break;
            }
        }
        if interrupted() {
            log.line("interrupted (Ctrl-C): remaining jobs not run")?;
            break;
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    write_summary(&day_dir, &today, &rows, lang)?;
    let failed = rows.iter().filter(|r| r.status == "failed").count();
    let problems = rows.iter().filter(|r| r.status == "problems").count();
    log.line(&format!(
        "done: {} file(s), {failed} failed, {problems} with problems",
        rows.len()
    ))?;
    log.f.sync_all().map_err(Error::write(&log.path))?;
    if !a.quiet {
        let mut s = String::new();
        for r in &rows {
            s.push_str(&format!(
                "{:<9} {} {} {}\n",
                r.status,
                r.job,
                r.file,
                if r.status == "failed" {
                    r.error.clone()
                } else {
                    format!("{} / {}", r.with_problems + r.unreadable, r.rows_read)
                }
            ));
        }
        s.push_str(&format!(
            "{}: {}\n",
            if lang.is_en() {
                "Reports written to"
            } else {
                "Đã ghi báo cáo vào"
            },
            day_dir.display()
        ));
        let _ = std::io::stdout().write_all(s.as_bytes());
    }
    Ok(ExitCode::from(if failed > 0 || interrupted() {
        2
    } else if problems > 0 {
        1
    } else {
        0
    }))
}

fn write_summary(dir: &Path, today: &str, rows: &[JobRow], lang: Lang) -> Result<()> {
    let path = dir.join("summary.csv");
    let mut f = AtomicFile::create_csv(&path)?;
    let werr = Error::write(&path);
    {
        let mut w = csv::WriterBuilder::new().from_writer(f.writer());
        let cerr = Error::write_other(&path);
        w.write_record([
            "job",
            "file",
            "status",
            "rows_read",
            "with_problems",
            "unreadable",
            "findings",
            "problem_rate",
            "fixed",
            "open",
            "new",
            "persons_fixed",
            "persons_open",
            "persons_new",
            "reports",
            "error",
        ])
        .map_err(&cerr)?;
        let opt = |x: Option<u64>| x.map(|n| n.to_string()).unwrap_or_default();
        for r in rows {
            let rate = ratio(r.with_problems + r.unreadable, r.rows_read)
                .map(|x| format!("{x:.4}"))
                .unwrap_or_default();
            w.write_record([
                excel_safe(&r.job).as_ref(),
                excel_safe(&r.file).as_ref(),
                r.status,
                &r.rows_read.to_string(),
                &r.with_problems.to_string(),
                &r.unreadable.to_string(),
                &r.findings.to_string(),
                &rate,
                &opt(r.fixed),
                &opt(r.open),
                &opt(r.new),
                &opt(r.persons.map(|p| p.fixed)),
                &opt(r.persons.map(|p| p.open)),
                &opt(r.persons.map(|p| p.new)),
                excel_safe(&r.reports).as_ref(),
                excel_safe(&r.error).as_ref(),
            ])
            .map_err(&cerr)?;
        }
        w.flush().map_err(&werr)?;
    }
    f.commit()?;
    let jobs: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            json!({
                "job": r.job, "file": r.file, "status": r.status,
                "rows_read": r.rows_read, "with_problems": r.with_problems, "unreadable": r.unreadable,
                "findings": r.findings,
                "problem_rate": ratio(r.with_problems + r.unreadable, r.rows_read).map(|x| (x * 10000.0).round() / 10000.0),
                "problem_rate_text": fmt_rate(ratio(r.with_problems + r.unreadable, r.rows_read), Precision::Tenths, lang),
                "progress": r.fixed.map(|fx| json!({"fixed": fx, "open": r.open, "new": r.new})),
                "persons": r.persons,
                "reports": r.reports,
                "error": if r.error.is_empty() { None } else { Some(&r.error) },
            })
        })
        .collect();
    let v = json!({"schema": "lamsach.batch/1", "date": today, "jobs": jobs});
    let p = dir.join("summary.json");
    let mut text = serde_json::to_string_pretty(&v).map_err(|e| Error::Write {
        path: p.clone(),
        source: e.into(),
    })?;
    text.push('\n');
    lamsach_report::export::write_text(&p, &text)
}
