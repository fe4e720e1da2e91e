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

/// Writes `clusters.csv` to `dest`. With `export_line` (a shard's line
/// map, `split --line-map`), its lines are the export's.
pub fn write_clusters(
    o: &Detection,
    dest: &Path,
    src: &Opened,
    mask_ids: bool,
    export_line: Option<&FxHashMap<u64, u64>>,
) -> Result<()> {
    let at = |l: u64| export_line.and_then(|m| m.get(&l).copied()).unwrap_or(l);
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
                at(m.line).to_string(),
                c.id.to_string(),
                c.kind.key().to_string(),
                format!("{:.1}", m.score),
                role.to_string(),
                at(c.survivor_line).to_string(),
                rule.to_string(),
                yes.join(" "),
                no.join(" "),
                // the kept record is compared with itself: nothing to explain
                if Some(m.record) == kept_record {
                    String::new()
                } else {
                    m.cmp.explained()
                },
                at(record_line.get(&m.record).copied().unwrap_or(m.line)).to_string(),
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

/// One clusters.csv read for [`merge_clusters`]: its header and rows.
fn read_clusters(path: &Path) -> Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let bad = |line: u64, vi: &str, en: &str| {
        Error::Usage(format!(
            "{}, dòng {line}: {vi} / line {line}: {en}",
            path.display()
        ))
    };
    let header = r
        .headers()
        .map_err(|_| bad(1, "CSV hỏng", "broken CSV"))?
        .clone();
    if !HEADER.iter().all(|h| header.iter().any(|x| x == *h)) {
        return Err(bad(
            1,
            "không phải clusters.csv của `lamsach dedupe --out`",
            "not a clusters.csv of `lamsach dedupe --out`",
        ));
    }
    let rows = r
        .records()
        .enumerate()
        .map(|(i, rec)| rec.map_err(|_| bad(i as u64 + 2, "CSV hỏng", "broken CSV")))
        .collect::<Result<Vec<_>>>()?;
    Ok((header, rows))
}

/// `lamsach merge A/clusters.csv B/clusters.csv … --out DIR`: the clusters of
/// shards of one export (each written with `dedupe --line-map`, so in the
/// export's lines) as one clusters.csv: records one cluster puts together
/// stay together, and clusters of one kind (person, event) that share a
/// line become one, with one kept record, as a search of the whole file
/// would give. A line listed by several files is written once; clusters are
/// renumbered in line order. The result does not depend on the order of
/// the files. Returns the rows and clusters written.
pub fn merge_clusters(parts: &[std::path::PathBuf], dest: &Path) -> Result<(usize, usize)> {
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    // (file, cluster) of each row, for the union
    let mut from: Vec<(usize, String)> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let (h, rs) = read_clusters(p)?;
        match &header {
            Some(first) if *first != h => {
                return Err(Error::Usage(format!(
                    "{}: cột khác tệp đầu tiên / columns differ from the first file's",
                    p.display()
                )))
            }
            Some(_) => {}
            None => header = Some(h),
        }
        for r in rs {
            from.push((i, r.get(1).unwrap_or("").to_string()));
            rows.push(r);
        }
    }
    let Some(header) = header else {
        return Ok((0, 0));
    };
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let c = Cols {
        line: col("line"),
        cluster: col("cluster"),
        kind: col("kind"),
        score: col("score"),
        role: col("role"),
        survivor: col("survivor_line"),
        rule: col("rule"),
        record: col("record_line"),
        finding: [
            "score",
            "role",
            "rule",
            "agreed",
            "disagreed",
            "weights",
            "days",
        ]
        .map(col),
    };
    let num = |r: &csv::StringRecord, i: usize| -> u64 {
        r.get(i).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    };
    let is_keep = |r: &csv::StringRecord| r.get(c.role) == Some("keep");
    // nodes: (kind, line)
    let mut node_of: FxHashMap<(String, u64), usize> = FxHashMap::default();
    let mut nodes: Vec<usize> = Vec::with_capacity(rows.len());
    for r in &rows {
        let key = (r.get(c.kind).unwrap_or("").to_string(), num(r, c.line));
        let n = node_of.len();
        nodes.push(*node_of.entry(key).or_insert(n));
    }
    let mut parent: Vec<usize> = (0..node_of.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    // rows of each source cluster
    let mut members: FxHashMap<(usize, &str), Vec<usize>> = FxHashMap::default();
    for (r, (file, cluster)) in from.iter().enumerate() {
        members
            .entry((*file, cluster.as_str()))
            .or_default()
            .push(r);
    }
    for rs in members.values() {
        for &r in &rs[1..] {
            let (a, b) = (find(&mut parent, nodes[rs[0]]), find(&mut parent, nodes[r]));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let roots: Vec<usize> = (0..rows.len())
        .map(|r| find(&mut parent, nodes[r]))
        .collect();
    // a line flagged by any file is somebody's duplicate
    let mut flagged = vec![false; node_of.len()];
    for (r, row) in rows.iter().enumerate() {
        if !is_keep(row) {
            flagged[nodes[r]] = true;
        }
    }
    // the kept record of each merged cluster: one no file flags, then the
    // one kept in the largest cluster, in more files, the latest
    let mut units: FxHashMap<(usize, u64), KeepRank> = FxHashMap::default();
    for (r, row) in rows.iter().enumerate() {
        if !is_keep(row) {
            continue;
        }
        let u = units
            .entry((roots[r], num(row, c.record)))
            .or_insert((true, 0, 0, 0));
        u.0 &= !flagged[nodes[r]];
        u.1 = u.1.max(members[&(from[r].0, from[r].1.as_str())].len());
        u.2 += 1;
        u.3 = u.3.max(num(row, c.line));
    }
    let mut kept: FxHashMap<usize, (u64, KeepRank)> = FxHashMap::default();
    for (&(root, record), &rank) in &units {
        let best = kept.entry(root).or_insert((record, rank));
        if (rank, record) > (best.1, best.0) {
            *best = (record, rank);
        }
    }
    // the row written for each line: the kept record's keep row, else the
    // strongest finding on it, else (a record kept by its own file's
    // cluster) its keep row turned into the finding its cluster made; ties
    // by the rows' text, so the order of the files does not matter
    let mut chosen: Vec<Option<usize>> = vec![None; node_of.len()];
    let better = |a: usize, b: usize| -> bool {
        let key = |r: usize| {
            let row = &rows[r];
            let score: f32 = row.get(c.score).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            (row.get(c.rule).is_some_and(|v| !v.is_empty()), score)
        };
        match key(a).partial_cmp(&key(b)) {
            Some(std::cmp::Ordering::Equal) | None => rows[a].iter().lt(rows[b].iter()),
            Some(o) => o == std::cmp::Ordering::Greater,
        }
    };
    let of_kept = |r: usize| {
        is_keep(&rows[r]) && kept.get(&roots[r]).map(|k| k.0) == Some(num(&rows[r], c.record))
    };
    let rank = |r: usize| -> u8 {
        match (of_kept(r), is_keep(&rows[r])) {
            (true, _) => 2,
            (false, false) => 1,
            (false, true) => 0,
        }
    };
    for (r, &n) in nodes.iter().enumerate() {
        chosen[n] = Some(match chosen[n] {
            Some(o) if rank(o) > rank(r) || (rank(o) == rank(r) && !better(r, o)) => o,
            _ => r,
        });
    }
    // each merged cluster's first line orders the clusters
    let mut comp_line: FxHashMap<usize, u64> = FxHashMap::default();
    for (r, row) in rows.iter().enumerate() {
        let l = comp_line.entry(roots[r]).or_insert(u64::MAX);
        *l = (*l).min(num(row, c.line));
    }
    let survivor_of: FxHashMap<usize, String> = (0..rows.len())
        .filter(|&r| of_kept(r))
        .map(|r| (roots[r], rows[r].get(c.survivor).unwrap_or("").to_string()))
        .collect();
    let mut order: Vec<usize> = chosen.iter().flatten().copied().collect();
    // (first line, kind) names a merged cluster: no two share it
    order.sort_by_key(|&r| {
        (
            comp_line[&roots[r]],
            rows[r].get(c.kind).unwrap_or(""),
            num(&rows[r], c.line),
        )
    });
    let file = AtomicFile::create_csv(dest)?;
    let mut w = csv::WriterBuilder::new().from_writer(file);
    let werr = Error::write_other(dest);
    w.write_record(&header).map_err(&werr)?;
    let mut ids: FxHashMap<usize, usize> = FxHashMap::default();
    for &r in &order {
        let n = ids.len() + 1;
        let id = *ids.entry(roots[r]).or_insert(n);
        let row = &rows[r];
        let mut out: Vec<String> = row.iter().map(str::to_string).collect();
        if rank(r) == 0 {
            // the finding the record's own cluster made on another member
            // holds for this pair too (same person, same event)
            let peer = members[&(from[r].0, from[r].1.as_str())]
                .iter()
                .copied()
                .filter(|&m| !is_keep(&rows[m]))
                .reduce(|a, b| if better(b, a) { b } else { a });
            if let Some(p) = peer {
                for i in c.finding {
                    if let (Some(o), Some(v)) = (out.get_mut(i), rows[p].get(i)) {
                        *o = v.to_string();
                    }
                }
            }
        }
        if let Some(o) = out.get_mut(c.cluster) {
            *o = id.to_string();
        }
        if let (Some(o), Some(s)) = (out.get_mut(c.survivor), survivor_of.get(&roots[r])) {
            *o = s.clone();
        }
        w.write_record(&out).map_err(&werr)?;
    }
    let file = w.into_inner().map_err(|e| Error::Write {
        path: dest.to_path_buf(),
        source: e.into_error(),
    })?;
    file.commit()?;
    Ok((order.len(), ids.len()))
}

/// How strongly the shards' files make a record the kept one of a merged
/// cluster: flagged by none, the largest cluster keeping it, the files
/// keeping it, its latest line.
type KeepRank = (bool, usize, usize, u64);

/// Positions of the columns `merge_clusters` reads.
struct Cols {
    line: usize,
    cluster: usize,
    kind: usize,
    score: usize,
    role: usize,
    survivor: usize,
    rule: usize,
    record: usize,
    /// the columns of a finding: score, role, rule, its evidence, days apart
    finding: [usize; 7],
}
