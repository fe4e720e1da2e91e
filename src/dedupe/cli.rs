//! `lamsach dedupe` and the pre-pass of `lamsach check`.

use super::config::Config;
use crate::cli::{load_rules, Common, Lang};
use crate::engine::Options;
use crate::error::{Error, Result};
use crate::profile::RuleData;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct DedupeArgs {
    /// Tệp CSV cần kiểm tra / the CSV export
    pub file: PathBuf,
    /// Loại dữ liệu: vaccination, bhxh, education, hoặc tệp .toml; mặc định tự nhận / profile name or .toml file
    #[arg(long)]
    pub profile: Option<String>,
    /// Thư mục ghi clusters.csv / write clusters.csv here
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Che số định danh và số điện thoại (0010****2345) / mask IDs and phones
    #[arg(long)]
    pub mask_ids: bool,
    /// Dấu phân cách cột; mặc định tự nhận / field delimiter; sniffed when omitted
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Số luồng / worker threads (default: all cores)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Ngày chạy (YYYY-MM-DD) / the run date
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Số cụm in ra màn hình khi không có --out / clusters printed when --out is not given
    #[arg(long, default_value_t = 10)]
    pub show: usize,
    /// Không in tóm tắt / no summary on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub common: Common,
}

fn delimiter(s: Option<&str>) -> Result<Option<u8>> {
    match s {
        None => Ok(None),
        Some("\\t") | Some("tab") => Ok(Some(b'\t')),
        Some(s) if s.len() == 1 => Ok(s.as_bytes().first().copied()),
        Some(s) => Err(Error::Usage(format!(
            "--delimiter '{s}': cần đúng một ký tự / must be one character"
        ))),
    }
}

/// Runs the detection before `check` and returns its findings by line.
/// Warnings about skipped blocks go to stderr.
pub fn prepass(
    file: &Path,
    data: &RuleData,
    rules_dir: Option<&Path>,
    opts: &Options,
) -> Result<Arc<crate::engine::ExtraFindings>> {
    let cfg = Config::load(rules_dir)?;
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    if size > cfg.check_max_bytes {
        eprintln!(
            "lamsach: {}",
            if opts.en {
                format!(
                    "warning: file larger than check_max_bytes = {} bytes: fuzzy duplicates (DUP003–DUP005) not searched; run `lamsach dedupe` on it",
                    cfg.check_max_bytes
                )
            } else {
                format!(
                    "cảnh báo: tệp lớn hơn check_max_bytes = {} byte: không tìm bản ghi trùng gần đúng (DUP003–DUP005); hãy chạy `lamsach dedupe` riêng",
                    cfg.check_max_bytes
                )
            }
        );
        return Ok(Arc::new(BTreeMap::new()));
    }
    // A status line for large files, like the check's progress line.
    let status = opts.progress
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::fs::metadata(file).is_ok_and(|m| m.len() > 50 << 20);
    if status {
        eprint!(
            "\r{}",
            if opts.en {
                "finding duplicate records…"
            } else {
                "đang tìm bản ghi trùng…"
            }
        );
    }
    let o = super::run(file, data, &cfg, opts);
    if status {
        eprint!("\r{:40}\r", "");
    }
    let o = o?;
    for w in o.warnings(cfg.max_block, opts.en) {
        eprintln!("lamsach: {w}");
    }
    Ok(Arc::new(o.findings(opts.en)))
}

pub fn run_dedupe(a: &DedupeArgs) -> Result<ExitCode> {
    let data = load_rules(&a.common)?;
    let cfg = Config::load(a.common.rules.as_deref())?;
    let en = a.common.lang == Lang::En;
    let opts = Options {
        profile: a.profile.clone(),
        group_by: None,
        today: a.today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        en,
        delimiter: delimiter(a.delimiter.as_deref())?,
        progress: false,
        extra: None,
        person_keys: false,
        reference: None,
        input: Default::default(),
    };
    let t0 = std::time::Instant::now();
    let o = super::run(&a.file, &data, &cfg, &opts)?;
    for w in o.warnings(cfg.max_block, en) {
        eprintln!("lamsach: {w}");
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        super::report::write_clusters(
            &o,
            &dir.join("clusters.csv"),
            &a.file,
            &data,
            &opts,
            a.mask_ids,
        )?;
    }
    if !a.quiet {
        let (pc, pr, ec, er) = o.counts();
        let s = &o.stats;
        let text = if en {
            format!(
                "Rows read: {}; person records: {}; pairs compared: {}; pairs matched: {}\n\
                 Same person recorded as several (DUP003/DUP004): {pc} clusters, {pr} rows\n\
                 Same event recorded twice (DUP005): {ec} clusters, {er} rows\n\
                 Time: {:.1} s\n",
                s.rows,
                s.persons,
                s.compared_pairs,
                s.matched_pairs,
                t0.elapsed().as_secs_f64()
            )
        } else {
            format!(
                "Số dòng đã đọc: {}; số hồ sơ người: {}; số cặp đã so sánh: {}; số cặp khớp: {}\n\
                 Một người ghi thành nhiều người (DUP003/DUP004): {pc} cụm, {pr} dòng\n\
                 Một sự kiện ghi hai lần (DUP005): {ec} cụm, {er} dòng\n\
                 Thời gian: {:.1} giây\n",
                s.rows,
                s.persons,
                s.compared_pairs,
                s.matched_pairs,
                t0.elapsed().as_secs_f64()
            )
        };
        let mut text = text;
        if a.out.is_none() && a.show > 0 && !o.clusters.is_empty() {
            text.push_str(if en {
                "First clusters:\n"
            } else {
                "Các cụm đầu tiên:\n"
            });
            for c in o.clusters.iter().take(a.show) {
                text.push_str(&cluster_line(c, en));
            }
            if o.clusters.len() > a.show {
                text.push_str(if en {
                    "  … use --out DIR for clusters.csv\n"
                } else {
                    "  … dùng --out THƯ_MỤC để có clusters.csv\n"
                });
            }
        }
        if let Some(dir) = &a.out {
            text.push_str(&format!(
                "{}: {}\n",
                if en {
                    "Clusters written to"
                } else {
                    "Đã ghi các cụm vào"
                },
                dir.join("clusters.csv").display()
            ));
        }
        if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(Error::Write {
                    path: "<stdout>".into(),
                    source: e,
                });
            }
        }
    }
    Ok(if o.clusters.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One cluster on one line, by line numbers only (no personal values):
/// `cụm 3 (event): dòng 7 (giữ lại), 8 [DUP005], 9`.
fn cluster_line(c: &super::Cluster, en: bool) -> String {
    let members: Vec<String> = c
        .members
        .iter()
        .map(|m| {
            let rule = match m.flag {
                Some(super::Flag::TwoIds) => " [DUP003]",
                Some(super::Flag::NoId) => " [DUP004]",
                Some(super::Flag::Event { .. }) => " [DUP005]",
                None => "",
            };
            let keep = match (m.survivor, en) {
                (true, false) => " (giữ lại)",
                (true, true) => " (keep)",
                _ => "",
            };
            format!("{}{keep}{rule}", m.line)
        })
        .collect();
    let kind = match (c.kind, en) {
        (super::Kind::Person, false) => "cùng người",
        (super::Kind::Event, false) => "cùng mũi tiêm",
        (super::Kind::Person, true) => "same person",
        (super::Kind::Event, true) => "same dose",
    };
    if en {
        format!(
            "  cluster {} ({kind}): lines {}\n",
            c.id,
            members.join(", ")
        )
    } else {
        format!("  cụm {} ({kind}): dòng {}\n", c.id, members.join(", "))
    }
}

/// Runs `check` (given as `run`) with the duplicate pre-pass beside it on
/// another thread: the check's workers use the cores the pre-pass leaves
/// idle in its sequential phases, and its merge step waits for the pre-pass
/// findings (see [`crate::engine::Later`]). Outputs are the same as running
/// the pre-pass first. A pre-pass error is reported before the check's.
/// Without `dedupe` (`--no-dedupe`), only the check runs.
pub fn check_beside_prepass<T>(
    dedupe: bool,
    file: &Path,
    data: &RuleData,
    rules_dir: Option<&Path>,
    opts: Options,
    run: impl FnOnce(Options) -> Result<T>,
) -> Result<T> {
    if !dedupe {
        return run(opts);
    }
    let later = crate::engine::Later::default();
    let mut check_opts = opts.clone();
    check_opts.extra = Some(later.clone());
    // The check's progress line speaks for both.
    let mut pre_opts = opts;
    pre_opts.progress = false;
    std::thread::scope(|s| {
        let pre = s.spawn(|| {
            let r = prepass(file, data, rules_dir, &pre_opts);
            later.set(r.as_ref().ok().cloned());
            r
        });
        let res = run(check_opts);
        let pre = pre
            .join()
            .map_err(|_| Error::internal("tìm bản ghi trùng", "the pre-pass"))?;
        pre?;
        res
    })
}
