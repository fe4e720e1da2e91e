//! `lamsach merge`: adds up the tallies of shards (one run per province or
//! per file) into one tally, group by group. Counts only add: rows read,
//! clean, with problems, unreadable, findings and records per category and
//! findings per rule; a group present in several shards is summed.

use crate::{tally_json_for, write_json, write_tally_csv_for, TallyMeta};
use lamsach_engine::tally::{Counts, Tally};
use lamsach_io::error::{Error, Result};
use lamsach_rules::{Category, REGISTRY};
use lamsach_text::Lang;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn bad(path: &Path, what: &str) -> Error {
    Error::Usage(format!(
        "{}: không phải tally.json của lamsach / not a lamsach tally.json: {what}",
        path.display()
    ))
}

fn counts_of(v: &Value, path: &Path) -> Result<Counts> {
    let num = |k: &str| v[k].as_u64().ok_or_else(|| bad(path, k));
    let mut c = Counts::new();
    c.rows_read = num("rows_read")?;
    c.clean = num("clean")?;
    c.with_problems = num("with_problems")?;
    c.unreadable = num("unreadable")?;
    c.verified = v["verified"].as_u64().unwrap_or(0);
    for cat in Category::ALL {
        c.findings[cat.index()] = v["findings"][cat.key()].as_u64().unwrap_or(0);
        c.records[cat.index()] = v["records"][cat.key()].as_u64().unwrap_or(0);
    }
    for (i, p) in lamsach_rules::Pillar::ALL.into_iter().enumerate() {
        c.pillar_records[i] = v["pillar_records"][p.key()].as_u64().unwrap_or(0);
    }
    if let Some(rules) = v["rules"].as_object() {
        for (code, n) in rules {
            let i = REGISTRY
                .iter()
                .position(|r| r.code == code)
                .ok_or_else(|| bad(path, &format!("unknown rule {code}")))?;
            c.rules[i] = n.as_u64().unwrap_or(0);
        }
    }
    Ok(c)
}

/// Reads one shard's tally.json into `into`; returns its metadata.
pub(crate) fn read_tally(path: &Path, into: &mut Tally) -> Result<TallyMeta> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(path, &e.to_string()))?;
    if v["schema"] != "lamsach.tally/1" {
        return Err(bad(path, "schema"));
    }
    for g in v["groups"].as_array().ok_or_else(|| bad(path, "groups"))? {
        let name = g["name"].as_str().ok_or_else(|| bad(path, "name"))?;
        into.add_counts(name, &counts_of(g, path)?);
        for other in g["spellings"].as_array().into_iter().flatten() {
            if let Some(o) = other.as_str() {
                into.add_spelling(name, o);
            }
        }
    }
    Ok(TallyMeta {
        file: v["file"].as_str().map(str::to_string),
        profile: v["profile"].as_str().unwrap_or("").to_string(),
        group_by: v["group_by"].as_str().map(str::to_string),
        parent_header: v["level1"]["group_by"].as_str().map(str::to_string),
        blank_lines: v["blank_lines"].as_u64().unwrap_or(0),
        non_records: Vec::new(),
        notices: Vec::new(),
        reference: Some(v["reference"].clone()).filter(|r| !r.is_null()),
    })
}

/// Merges shard tallies and writes `tally.csv` and `tally.json` into `out`.
pub fn merge(inputs: &[PathBuf], out: &Path, lang: Lang) -> Result<Tally> {
    let mut tally = Tally::default();
    let mut meta = TallyMeta::default();
    let mut profiles = Vec::new();
    for p in inputs {
        let m = read_tally(p, &mut tally)?;
        meta.blank_lines += m.blank_lines;
        if !profiles.contains(&m.profile) {
            profiles.push(m.profile);
        }
        meta.group_by = meta.group_by.or(m.group_by);
        meta.reference = meta.reference.or(m.reference);
    }
    meta.profile = profiles.join("+");
    meta.file = Some(format!("{} shards", inputs.len()));
    std::fs::create_dir_all(out).map_err(Error::write(&out))?;
    write_tally_csv_for(&out.join("tally.csv"), &tally, lang)?;
    write_json(
        &out.join("tally.json"),
        &tally_json_for(&meta, &tally, lang),
    )?;
    Ok(tally)
}

/// Merges shard progress states (same salt: made with `--since` from one
/// earlier state, or from one first state copied to every shard) into one
/// state file. Shards hold disjoint records, so the merge is a concatenation;
/// each part is validated first and the result is loaded back to prove it.
pub fn merge_states(inputs: &[PathBuf], out: &Path) -> Result<crate::progress::State> {
    use std::io::Write;
    let mut salt = None;
    let mut bytes = Vec::new();
    for p in inputs {
        let st = crate::progress::State::load(p)?;
        if *salt.get_or_insert(st.salt) != st.salt {
            return Err(Error::Usage(format!(
                "{}: khóa (salt) khác các phân mảnh khác / salt differs from the other shards",
                p.display()
            )));
        }
        let text = std::fs::read(p).map_err(Error::read(&p))?;
        bytes.extend_from_slice(&text);
        if !text.ends_with(b"\n") {
            bytes.push(b'\n');
        }
    }
    let mut f = crate::AtomicFile::create(out)?;
    f.writer().write_all(&bytes).map_err(Error::write(&out))?;
    f.commit()?;
    crate::progress::State::load(out)
}
