//! The pre-pass of `check`: the findings that need the whole file before
//! they can land on a row — DUP002 ([`crate::shared_ids`]), the household
//! rules ([`crate::households`]) and the fuzzy
//! duplicates (DUP003–DUP005, the detection of `lamsach_dedupe`) — run on
//! the same opened source beside the rule pass, joined to the rows in the
//! merge step.

use crate::{ExtraFindings, Opened, Options};
use lamsach_dedupe::config::DedupeSettings;
use lamsach_io::error::{Error, Result};
use lamsach_model::profile::RuleData;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Runs the detection before `check` (or reads its findings from a
/// clusters.csv, `Options::duplicates_from`) and returns its findings by
/// line. Warnings about skipped blocks go to stderr.
pub fn prepass(
    opened: &Opened,
    data: &RuleData,
    rules_dir: Option<&Path>,
    opts: &Options,
) -> Result<Arc<ExtraFindings>> {
    if let Some(from) = &opts.duplicates_from {
        return Ok(Arc::new(lamsach_dedupe::clusters_file::findings(
            &from.clusters,
            from.line_map.as_deref(),
            opts.lang,
        )?));
    }
    let file = opened.source.path();
    let cfg = DedupeSettings::load(rules_dir)?;
    let size = std::fs::metadata(file).map_or(0, |m| m.len());
    if size > cfg.check_max_bytes {
        eprintln!(
            "lamsach: {}",
            if opts.lang.is_en() {
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
            if opts.lang.is_en() {
                "finding duplicate records…"
            } else {
                "đang tìm bản ghi trùng…"
            }
        );
    }
    let o = lamsach_dedupe::run(opened, data, &cfg, opts.reference.as_deref());
    if status {
        eprint!("\r{:40}\r", "");
    }
    let o = o?;
    for w in o.warnings(cfg.max_block, opts.lang) {
        eprintln!("lamsach: {w}");
    }
    Ok(Arc::new(o.findings(opts.lang)))
}

/// Runs `check` (given as `run`) with the pre-pass beside it on another
/// thread: the check's workers use the cores the pre-pass leaves idle in
/// its sequential phases, and its merge step waits for the pre-pass
/// findings (see [`crate::Later`]). Outputs are the same as running the
/// pre-pass first. A pre-pass error is reported before the check's. DUP002
/// and the household rules (HH001–HH003, HH006, HH007) always run; the fuzzy duplicates only with `dedupe` (not `--no-dedupe`).
pub fn check_beside_prepass<T>(
    dedupe: bool,
    opened: &Opened,
    data: &RuleData,
    rules_dir: Option<&Path>,
    opts: Options,
    run: impl FnOnce(Options) -> Result<T>,
) -> Result<T> {
    let later = crate::Later::default();
    let mut check_opts = opts.clone();
    check_opts.extra = Some(later.clone());
    // The check's progress line speaks for both.
    let mut pre_opts = opts;
    pre_opts.progress = false;
    std::thread::scope(|s| {
        let pre = s.spawn(|| {
            let r = (|| -> Result<Arc<ExtraFindings>> {
                let mut found = crate::shared_ids::shared_ids(opened, data, &pre_opts)?;
                for (line, fs) in crate::households::households(opened, data, &pre_opts)? {
                    found.entry(line).or_default().extend(fs);
                }
                if dedupe {
                    let fuzzy = prepass(opened, data, rules_dir, &pre_opts)?;
                    for (line, fs) in fuzzy.iter() {
                        found.entry(*line).or_default().extend(fs.iter().cloned());
                    }
                }
                Ok(Arc::new(found))
            })();
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
