//! `clusters.csv`: one line per row of every cluster (singletons are not
//! listed), with the cluster, its kind, the score, the role (kept, another
//! record of the same person, or a duplicate event), the fields that agreed and disagreed,
//! each field's level and weight in bits (`weights`), the first line of the
//! row's record and a duplicate dose's days apart, and the row's own values
//! of the compared columns for review. UTF-8 with BOM, formula-safe, written
//! atomically.

use lamsach_dedupe::{ClusterKind, Detection, Flag};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{split_fields, Rec};
use lamsach_io::out::{excel_safe, AtomicFile};
use lamsach_model::layout::Opened;
use lamsach_model::parse::id::mask;
use lamsach_model::profile::Field;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::path::Path;

pub use lamsach_dedupe::clusters_file::HEADER;

/// Fields shown beside each row, when the file has them.
const SHOWN: [Field; 9] = [
    Field::FullName,
    Field::Dob,
    Field::Sex,
    Field::Id,
    Field::Phone,
    Field::Commune,
    Field::Vaccine,
    Field::Dose,
    Field::VaccinationDate,
];

/// Reads the values of the shown columns for the clustered lines (a second
/// pass over the file, keeping only those rows).
fn shown_values(
    opened: &Opened,
    cols: &[usize],
    want: &FxHashMap<u64, usize>,
) -> Result<Vec<Vec<String>>> {
    let mut out = vec![Vec::new(); want.len()];
    if want.is_empty() {
        return Ok(out);
    }
    let (path, delim) = (opened.source.path(), opened.source.delim());
    let mut reader = opened.source.records()?;
    while let Some(rec) = reader.next_rec().map_err(Error::read(&path))? {
        let Rec::Ok { line, bytes, .. } = rec else {
            continue;
        };
        let Some(&slot) = want.get(&line) else {
            continue;
        };
        let mut raw = Vec::new();
        split_fields(bytes, delim, &mut raw);
        if let Some(v) = out.get_mut(slot) {
            *v = cols
                .iter()
                .map(|&c| {
                    raw.get(c)
                        .map(|f| String::from_utf8_lossy(f).trim().to_string())
                        .unwrap_or_default()
                })
                .collect();
        }
    }
    Ok(out)
}

/// Writes `clusters.csv` into `dir`.
pub fn write_clusters(o: &Detection, dest: &Path, src: &Opened, mask_ids: bool) -> Result<()> {
    let fields: Vec<(Field, usize)> = SHOWN
        .iter()
        .filter_map(|&f| o.mapping.column(f).map(|c| (f, c)))
        .collect();
    let cols: Vec<usize> = fields.iter().map(|(_, c)| *c).collect();
    let mut want: FxHashMap<u64, usize> = FxHashMap::default();
    for c in &o.clusters {
        for m in &c.members {
            let n = want.len();
            want.entry(m.line).or_insert(n);
        }
    }
    let values = shown_values(src, &cols, &want)?;
    if lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }

    let file = AtomicFile::create_csv(dest)?;
    let mut w = csv::WriterBuilder::new().from_writer(file);
    let csv_err = Error::write_other(&dest);
    let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    header.extend(
        fields
            .iter()
            .map(|(_, c)| o.mapping.headers.get(*c).cloned().unwrap_or_default()),
    );
    w.write_record(header.iter().map(|h| excel_safe(h).into_owned()))
        .map_err(&csv_err)?;
    let masked = |f: Field| mask_ids && matches!(f, Field::Id | Field::Phone);
    for c in &o.clusters {
        // the first line of each record in the cluster
        let mut record_line: FxHashMap<u32, u64> = FxHashMap::default();
        for m in &c.members {
            let l = record_line.entry(m.record).or_insert(m.line);
            *l = (*l).min(m.line);
        }
        for m in &c.members {
            let (yes, no) = m.cmp.fields();
            let rule = match m.flag {
                Some(Flag::TwoIds) => "DUP003",
                Some(Flag::NoId) => "DUP004",
                Some(Flag::Event { .. }) => "DUP005",
                None => "",
            };
            // a person cluster joins records of one person: their rows are
            // real events, to keep under one correct ID, never to delete
            let kept_record = c.members.iter().find(|k| k.survivor).map(|k| k.record);
            let role = if m.survivor {
                "keep"
            } else if c.kind == ClusterKind::Person && Some(m.record) == kept_record {
                // another row of the kept record itself (a list of persons)
                "duplicate-exact"
            } else if c.kind == ClusterKind::Person {
                "same-person"
            } else if m.flag.is_some() {
                "duplicate"
            } else {
                "duplicate-exact"
            };
            let mut rec: Vec<String> = vec![
                m.line.to_string(),
                c.id.to_string(),
                c.kind.key().to_string(),
                format!("{:.1}", m.score),
                role.to_string(),
                c.survivor_line.to_string(),
                rule.to_string(),
                yes.join(" "),
                no.join(" "),
                // the kept record is compared with itself: nothing to explain
                if Some(m.record) == kept_record {
                    String::new()
                } else {
                    m.cmp.explained()
                },
                record_line
                    .get(&m.record)
                    .copied()
                    .unwrap_or(m.line)
                    .to_string(),
                match m.flag {
                    Some(Flag::Event { days }) => days.to_string(),
                    _ => String::new(),
                },
            ];
            let vals = want.get(&m.line).and_then(|&s| values.get(s));
            for (i, (f, _)) in fields.iter().enumerate() {
                let v: Cow<str> = vals
                    .and_then(|v| v.get(i))
                    .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.as_str()));
                let v = if masked(*f) { Cow::Owned(mask(&v)) } else { v };
                rec.push(excel_safe(&v).into_owned());
            }
            w.write_record(&rec).map_err(&csv_err)?;
        }
    }
    let file = w.into_inner().map_err(|e| Error::Write {
        path: dest.to_path_buf(),
        source: e.into_error(),
    })?;
    file.commit()
}
