//! One check with every output: issues.csv, tally files, the report formats,
//! the state file and the progress since an earlier state. Used by `check`
//! and `batch`.

use super::{BuildOpts, Format, ReportTables};
use crate::progress::{new_salt, Progress, State, StateBuilder, StateInfo};
use lamsach_engine::{check_file, Opened, Options, Outcome, RowReport, Sink};
use lamsach_io::error::{Error, Result};
use lamsach_model::profile::RuleData;
use lamsach_rules::Finding;
use std::path::{Path, PathBuf};

pub struct RunSpec<'a> {
    /// The export, opened once for every pass.
    pub opened: &'a Opened,
    pub opts: Options,
    /// Write outputs here (None: nothing written except `save_state`).
    pub out: Option<&'a Path>,
    /// Report formats; None = only the files of a plain `check --out`
    /// (issues.csv, tally.csv, tally.json).
    pub formats: Option<&'a [Format]>,
    pub mask_ids: bool,
    /// Earlier state: report progress since it (and reuse its salt).
    pub since: Option<&'a Path>,
    /// Save this run's state here.
    pub save_state: Option<&'a Path>,
    /// The reporting unit and period shown on every report (`--unit`, `--period`).
    pub unit: Option<String>,
    pub period: Option<String>,
}

pub struct RunResult {
    pub outcome: Outcome,
    pub progress: Option<Progress>,
    pub written: Vec<PathBuf>,
    /// Outputs of an earlier run in the folder (listed in its manifest.json)
    /// that this run did not write: removed so the folder holds one run.
    pub removed: Vec<PathBuf>,
    /// Report files in the folder that no manifest names (written by an
    /// older version or by hand): left alone, reported.
    pub unknown: Vec<PathBuf>,
}

/// The names lamsach writes into an output folder (reference-issues.csv
/// is written beside the run, after the manifest).
fn is_report_name(name: &str) -> bool {
    matches!(
        name,
        "issues.csv" | "tally.csv" | "tally.json" | "issues.parquet" | "tally.parquet"
    ) || (name.starts_with("report")
        && [".csv", ".json", ".xlsx", ".html", ".md"]
            .iter()
            .any(|e| name.ends_with(e)))
}

/// `manifest.json` of an output folder: what was read, with which options
/// and version, and which files the run wrote. Outputs of the earlier run
/// that this one did not write are removed; unlisted report files are
/// returned to be reported.
pub fn write_manifest(
    dir: &Path,
    input: &Path,
    options: serde_json::Value,
    written: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    use sha2::Digest;
    let path = dir.join("manifest.json");
    let earlier: Vec<String> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| {
            v["outputs"].as_array().map(|a| {
                a.iter()
                    .filter_map(|x| x["file"].as_str().map(String::from))
                    .collect()
            })
        })
        .unwrap_or_default();
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let now: Vec<String> = written.iter().filter_map(|p| name_of(p)).collect();
    let mut removed = Vec::new();
    for name in earlier.iter().filter(|n| !now.contains(n)) {
        // only plain names lamsach writes: a manifest never removes anything else
        let p = dir.join(name);
        if is_report_name(name) && !name.contains(['/', '\\']) && p.is_file() {
            std::fs::remove_file(&p).map_err(Error::write(&p))?;
            removed.push(p);
        }
    }
    let mut unknown = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_report_name(&name) && !now.contains(&name) && !earlier.contains(&name) {
                unknown.push(e.path());
            }
        }
    }
    unknown.sort();
    let digest = |p: &Path| -> Option<(u64, String)> {
        let mut f = std::fs::File::open(p).ok()?;
        let mut h = sha2::Sha256::new();
        let n = std::io::copy(&mut f, &mut h).ok()?;
        Some((n, format!("{:x}", h.finalize())))
    };
    let (size, sha) = digest(input).unwrap_or_default();
    let outputs: Vec<serde_json::Value> = written
        .iter()
        .filter(|p| p.parent() == Some(dir))
        .filter_map(|p| {
            let (n, h) = digest(p)?;
            Some(serde_json::json!({"file": name_of(p), "bytes": n, "sha256": h}))
        })
        .collect();
    let v = serde_json::json!({
        "schema": "lamsach.manifest/1",
        "version": env!("CARGO_PKG_VERSION"),
        "input": {
            "file": input.file_name().map(|n| n.to_string_lossy().into_owned()),
            "bytes": size,
            "sha256": sha,
        },
        "options": options,
        "outputs": outputs,
    });
    crate::write_json(&path, &v)?;
    Ok((removed, unknown))
}

struct Fan<'a>(Vec<&'a mut dyn Sink>);

impl Sink for Fan<'_> {
    fn finding(&mut self, f: &Finding, group: &str) -> Result<()> {
        for s in &mut self.0 {
            s.finding(f, group)?;
        }
        Ok(())
    }
    fn finding_in(
        &mut self,
        f: &Finding,
        group: &str,
        keys: Option<&lamsach_engine::RecordKeys>,
    ) -> Result<()> {
        for s in &mut self.0 {
            s.finding_in(f, group, keys)?;
        }
        Ok(())
    }
    fn row(&mut self, r: &RowReport) -> Result<()> {
        for s in &mut self.0 {
            s.row(r)?;
        }
        Ok(())
    }
}

/// Runs the check, sending findings also to `extra` (the terminal sink).
pub fn check_with_reports(
    spec: RunSpec,
    data: &RuleData,
    extra: &mut dyn Sink,
) -> Result<RunResult> {
    let lang = spec.opts.lang;
    let tables_wanted = spec.formats.is_some();
    let formats: &[Format] = spec.formats.unwrap_or(&[Format::Csv, Format::Json]);
    let before = spec.since.map(State::load).transpose()?;
    let want_state = spec.since.is_some() || spec.save_state.is_some();
    let mut opts = spec.opts.clone();
    opts.person_keys = want_state;
    opts.record_keys = spec.out.is_some();
    let salt = before.as_ref().map(|b| b.salt).unwrap_or_else(new_salt);
    let mapping = &spec.opened.mapping;
    let mut issues = match spec.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(Error::write(&dir))?;
            let mut i = crate::IssuesCsv::create(&dir.join("issues.csv"), lang, spec.mask_ids)?;
            i.set_columns(mapping);
            Some(i)
        }
        None => None,
    };
    let tables_out = tables_wanted || before.is_some();
    let mut collector = match spec.out {
        Some(dir) if tables_out && formats.contains(&Format::Xlsx) => {
            Some(super::xlsx::XlsxBook::new(
                &dir.join("report.xlsx"),
                super::CHECK_TABLES
                    + usize::from(spec.opened.subgroup_col.is_some())
                    + if before.is_some() {
                        super::PROGRESS_TABLES
                    } else {
                        0
                    },
                lang,
                spec.mask_ids,
                mapping,
            )?)
        }
        _ => None,
    };
    let mut builder = want_state.then(|| StateBuilder::new(salt));
    let mut table = (spec.out.is_some() && formats.contains(&Format::Parquet))
        .then(|| crate::findings_table::FindingsTable::new(lang, spec.mask_ids, mapping));
    let outcome = {
        let mut sinks: Vec<&mut dyn Sink> = vec![extra];
        if let Some(t) = table.as_mut() {
            sinks.push(t);
        }
        if let Some(i) = issues.as_mut() {
            sinks.push(i);
        }
        if let Some(c) = collector.as_mut() {
            sinks.push(c);
        }
        if let Some(b) = builder.as_mut() {
            sinks.push(b);
        }
        check_file(spec.opened, data, &opts, &mut Fan(sinks))?
    };
    let today = opts.today.format("%Y-%m-%d").to_string();
    let state = builder.map(|b| {
        b.finish(StateInfo {
            file: outcome
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string()),
            date: Some(today.clone()),
            profile: Some(outcome.profile.name.clone()),
            group_by: outcome.group_header.clone(),
        })
    });
    let progress = match (&before, &state) {
        (Some(b), Some(s)) => Some(Progress::compare(b, s)?),
        _ => None,
    };
    let mut written = Vec::new();
    if let (Some(dir), Some(i)) = (spec.out, issues) {
        i.finish()?;
        written.push(dir.join("issues.csv"));
        if formats.contains(&Format::Csv) {
            let p = dir.join("tally.csv");
            crate::write_tally_csv(&p, &outcome, lang)?;
            written.push(p);
        }
        if formats.contains(&Format::Json) {
            let p = dir.join("tally.json");
            crate::write_tally_json(&p, &outcome, lang)?;
            written.push(p);
        }
        #[cfg(feature = "parquet")]
        if let Some(t) = &table {
            written.extend(super::parquet::write_parquet(
                dir,
                t,
                &outcome.tally,
                outcome.parent_header.is_some(),
            )?);
        }
        if tables_wanted || progress.is_some() {
            let mut tables = ReportTables::from_outcome(
                &outcome,
                &BuildOpts {
                    lang,
                    mask_ids: spec.mask_ids,
                    today: today.clone(),
                    group_rank: group_rank(&outcome, data),
                    unit: spec.unit.clone(),
                    period: spec.period.clone(),
                },
            );
            if let Some(p) = &progress {
                tables.add_progress(p);
            }
            written.extend(super::write_all(dir, &tables, formats, collector.take())?);
        }
    }
    if let (Some(path), Some(s)) = (spec.save_state, &state) {
        s.save(path)?;
        written.push(path.to_path_buf());
    }
    let (mut removed, mut unknown) = (Vec::new(), Vec::new());
    if let Some(dir) = spec.out {
        let options = serde_json::json!({
            "profile": outcome.profile.name,
            "group_by": outcome.group_header,
            "formats": formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
            "tables": tables_wanted,
            "lang": if lang.is_en() { "en" } else { "vi" },
            "mask_ids": spec.mask_ids,
            "today": today,
            "unit": spec.unit,
            "period": spec.period,
            "since": spec.since.map(|p| p.display().to_string()),
        });
        (removed, unknown) = write_manifest(dir, spec.opened.source.path(), options, &written)?;
        written.push(dir.join("manifest.json"));
    }
    Ok(RunResult {
        outcome,
        progress,
        written,
        removed,
        unknown,
    })
}

/// When the groups are school levels, their order in `rules/settings.toml`.
fn group_rank(o: &Outcome, data: &RuleData) -> Vec<(String, usize)> {
    let level_col = o.mapping.column(lamsach_model::profile::Field::SchoolLevel);
    let is_levels = o
        .group_header
        .as_ref()
        .is_some_and(|h| level_col.and_then(|c| o.mapping.headers.get(c)) == Some(h));
    if !is_levels {
        return Vec::new();
    }
    o.tally
        .groups()
        .into_iter()
        .filter_map(|(name, _)| {
            let level = data.school_level(name)?;
            let rank = data
                .school_levels
                .iter()
                .position(|l| l.name == level.name)?;
            Some((name.to_string(), rank))
        })
        .collect()
}
