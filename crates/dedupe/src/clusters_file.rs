//! `clusters.csv`, the duplicate clusters `lamsach dedupe` writes (the
//! writer is `lamsach_report::clusters`), read back as findings: `check
//! --duplicates FILE` takes DUP003–DUP005 from it instead of searching. A
//! shard of a split file reads the clusters of the whole file (or of its
//! shards, merged) through its line map (`split --line-map`): rows of other
//! shards are skipped, and the kept line stays the export's.

use crate::compare::field_label;
use lamsach_io::error::{Error, Result};
use lamsach_model::parse::id::IdLevel;
use lamsach_rules::dup::{same_event_recorded_twice, same_person_two_ids, same_person_without_id};
use lamsach_rules::Finding;
use lamsach_text::Lang;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::path::Path;

/// The columns before the row's own values.
pub const HEADER: [&str; 12] = [
    "line",
    "cluster",
    "kind",
    "score",
    "role",
    "survivor_line",
    "rule",
    "agreed",
    "disagreed",
    "weights",
    // the line of the first row of the row's record: rows of one record
    // (a person's doses) are one problem in the tallies
    "record_line",
    // DUP005: days between the two records of the dose
    "days",
];

fn read_csv(path: &Path) -> Result<csv::Reader<std::io::Cursor<Vec<u8>>>> {
    let mut bytes = std::fs::read(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::Cursor::new(bytes)))
}

fn bad(path: &Path, line: u64, vi: &str, en: &str) -> Error {
    Error::Usage(format!(
        "{}, dòng {line}: {vi} / line {line}: {en}",
        path.display()
    ))
}

/// A shard's line map (`shard_line,line`): the shard's line → the export's.
pub fn export_lines(path: &Path) -> Result<FxHashMap<u64, u64>> {
    Ok(line_map(path)?.into_iter().map(|(e, s)| (s, e)).collect())
}

/// A shard's line map (`shard_line,line`): the export's line → the shard's.
fn line_map(path: &Path) -> Result<FxHashMap<u64, u64>> {
    let mut r = read_csv(path)?;
    let mut out = FxHashMap::default();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|_| bad(path, line, "CSV hỏng", "broken CSV"))?;
        let num = |k: usize| rec.get(k).and_then(|v| v.trim().parse::<u64>().ok());
        match (num(0), num(1)) {
            (Some(shard), Some(export)) => {
                out.insert(export, shard);
            }
            _ => {
                return Err(bad(
                    path,
                    line,
                    "không phải bản đồ dòng (shard_line,line) của `lamsach split --line-map`",
                    "not a line map (shard_line,line) of `lamsach split --line-map`",
                ))
            }
        }
    }
    Ok(out)
}

/// The findings of `clusters` (a clusters.csv), by line of the file checked:
/// the export's lines, or the shard's through `map` (rows of other shards
/// left out).
pub fn findings(
    clusters: &Path,
    map: Option<&Path>,
    lang: Lang,
) -> Result<BTreeMap<u64, Vec<Finding>>> {
    let map = map.map(line_map).transpose()?;
    let mut r = read_csv(clusters)?;
    let headers = r
        .headers()
        .map_err(|_| bad(clusters, 1, "CSV hỏng", "broken CSV"))?
        .clone();
    let mut col = FxHashMap::default();
    for name in HEADER {
        let at = headers.iter().position(|h| h == name).ok_or_else(|| {
            bad(
                clusters,
                1,
                &format!("thiếu cột '{name}': không phải clusters.csv của `lamsach dedupe --out`"),
                &format!("no column '{name}': not a clusters.csv of `lamsach dedupe --out`"),
            )
        })?;
        col.insert(name, at);
    }
    let mut out: BTreeMap<u64, Vec<Finding>> = BTreeMap::new();
    // (cluster, record_line) already counted: one record is one problem
    let mut counted: FxHashSet<(String, u64)> = FxHashSet::default();
    for (i, rec) in r.records().enumerate() {
        let at = i as u64 + 2;
        let rec = rec.map_err(|_| bad(clusters, at, "CSV hỏng", "broken CSV"))?;
        let cell = |name: &str| col.get(name).and_then(|&c| rec.get(c)).unwrap_or("");
        let rule = cell("rule");
        if rule.is_empty() {
            continue;
        }
        let num = |name: &str| -> Result<u64> {
            cell(name).trim().parse().map_err(|_| {
                bad(
                    clusters,
                    at,
                    &format!("ô '{name}' không phải số"),
                    &format!("'{name}' is not a number"),
                )
            })
        };
        let export_line = num("line")?;
        let line = match &map {
            Some(m) => match m.get(&export_line) {
                Some(&l) => l,
                None => continue,
            },
            None => export_line,
        };
        let kept = num("survivor_line")?;
        let record_line = num("record_line")?;
        let score: f32 = cell("score").trim().parse().unwrap_or(0.0);
        let labels: Vec<String> = cell("agreed")
            .split_whitespace()
            .map(|k| field_label(k, lang))
            .collect();
        let yes: Vec<&str> = labels.iter().map(String::as_str).collect();
        let id = if cell("weights").contains("id:near") {
            IdLevel::Near
        } else {
            IdLevel::Differ
        };
        let f = match rule {
            "DUP003" => same_person_two_ids::finding(line, kept, score, &yes, id, lang),
            "DUP004" => same_person_without_id::finding(line, kept, score, &yes, lang),
            "DUP005" => {
                let days = cell("days").trim().parse().unwrap_or(0);
                same_event_recorded_twice::finding(line, kept, days, lang)
            }
            other => {
                return Err(bad(
                    clusters,
                    at,
                    &format!("quy tắc '{other}' không phải DUP003–DUP005"),
                    &format!("rule '{other}' is not DUP003–DUP005"),
                ))
            }
        };
        let repeat =
            rule != "DUP005" && !counted.insert((cell("cluster").to_string(), record_line));
        out.entry(line).or_default().push(Finding { repeat, ..f });
    }
    Ok(out)
}
