//! `--format parquet`: `issues.parquet` (one row per finding) and
//! `tally.parquet` (one row per group), typed for polars, DuckDB or Spark:
//! lines and counts as unsigned integers, the birth date as a date.

use crate::findings_table::FindingsTable;
use lamsach_engine::tally::Tally;
use lamsach_io::error::{Error, Result};
use lamsach_io::out::AtomicFile;
use lamsach_rules::{Category, Pillar};
use polars::prelude::*;
use std::path::Path;

fn perr(path: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The findings list as a DataFrame: `line` (UInt64), the text columns of
/// `issues.csv` (String) with `dob` as a Date (null when the cell is not a
/// full date) beside `dob_text` as written, and `related_lines` as a list
/// of UInt64.
pub fn issues_frame(t: &FindingsTable) -> PolarsResult<DataFrame> {
    let mut cols: Vec<Column> = vec![Column::new("line".into(), &t.lines)];
    for (key, values) in FindingsTable::keys().skip(1).zip(&t.text) {
        match key {
            "dob" => {
                cols.push(Column::new("dob".into(), t.dob_days()).cast(&DataType::Date)?);
                cols.push(Column::new("dob_text".into(), values));
            }
            "related_lines" => {
                let lists: Vec<Series> = t
                    .related()
                    .into_iter()
                    .map(|n| Series::new("".into(), n))
                    .collect();
                let s = Series::new("related_lines".into(), lists)
                    .cast(&DataType::List(Box::new(DataType::UInt64)))?;
                cols.push(s.into());
            }
            _ => cols.push(Column::new(key.into(), values)),
        }
    }
    DataFrame::new_infer_height(cols)
}

/// The tally as a DataFrame, one row per group: the row counts, then the
/// findings and the records per category and per pillar (UInt64). With two
/// grouping levels, `level1` names each pair's first-level group.
pub fn tally_frame(tally: &Tally, two_levels: bool) -> PolarsResult<DataFrame> {
    let groups = tally.groups();
    let names: Vec<&str> = groups.iter().map(|(n, _)| *n).collect();
    let mut cols = vec![Column::new("group".into(), &names)];
    if two_levels {
        let parents: Vec<&str> = names
            .iter()
            .map(|n| n.split(lamsach_engine::LEVEL_SEP).next().unwrap_or(n))
            .collect();
        cols.push(Column::new("level1".into(), parents));
    }
    let mut count = |name: String, get: &dyn Fn(&lamsach_engine::tally::Counts) -> u64| {
        let v: Vec<u64> = groups.iter().map(|(_, c)| get(c)).collect();
        cols.push(Column::new(name.into(), v));
    };
    count("rows_read".into(), &|c| c.rows_read);
    count("clean".into(), &|c| c.clean);
    count("with_problems".into(), &|c| c.with_problems);
    count("unreadable".into(), &|c| c.unreadable);
    count("verified".into(), &|c| c.verified);
    count("findings".into(), &|c| c.total_findings());
    for cat in Category::ALL {
        let i = cat.index();
        count(format!("findings_{}", cat.key()), &move |c| c.findings[i]);
        count(format!("records_{}", cat.key()), &move |c| c.records[i]);
    }
    for (i, p) in Pillar::ALL.into_iter().enumerate() {
        count(format!("pillar_{}_findings", p.key()), &move |c| {
            c.pillar_findings(p)
        });
        count(format!("pillar_{}_records", p.key()), &move |c| {
            c.pillar_records.get(i).copied().unwrap_or(0)
        });
    }
    DataFrame::new_infer_height(cols)
}

/// Writes a frame to `path` atomically.
fn write(path: &Path, mut df: DataFrame) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    ParquetWriter::new(file.writer())
        .finish(&mut df)
        .map_err(perr(path))?;
    file.commit()
}

/// Writes `issues.parquet` and `tally.parquet` into `dir`; returns their paths.
pub fn write_parquet(
    dir: &Path,
    findings: &FindingsTable,
    tally: &Tally,
    two_levels: bool,
) -> Result<Vec<std::path::PathBuf>> {
    let issues = dir.join("issues.parquet");
    write(&issues, issues_frame(findings).map_err(perr(&issues))?)?;
    let t = dir.join("tally.parquet");
    write(&t, tally_frame(tally, two_levels).map_err(perr(&t))?)?;
    Ok(vec![issues, t])
}
