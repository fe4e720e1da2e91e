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
    let outcome = {
        let mut sinks: Vec<&mut dyn Sink> = vec![extra];
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
    Ok(RunResult {
        outcome,
        progress,
        written,
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
