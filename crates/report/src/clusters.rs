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

/// One row of a clusters.csv as [`merge_clusters`] holds it: what the merge
/// decides on, and where the row is, to read it again when writing (the
/// rows' text is not kept: a national run merges millions).
struct Entry {
    file: u32,
    /// the cluster of its own file
    group: u32,
    /// its (kind, line)
    node: u32,
    line: u64,
    record: u64,
    survivor: u64,
    score: f32,
    keep: bool,
    rule: bool,
    /// of the row's text, so ties fall the same whatever the order of the files
    hash: u64,
    at: csv::Position,
}

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

impl Cols {
    fn of(header: &csv::StringRecord) -> Cols {
        let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
        Cols {
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
        }
    }
}

/// How strongly the shards' files make a record the kept one of a merged
/// cluster: flagged by none, the largest cluster keeping it, the files
/// keeping it, its latest line.
type KeepRank = (bool, u32, u32, u64);

fn bad_row(path: &Path, line: u64, vi: &str, en: &str) -> Error {
    Error::Usage(format!(
        "{}, dòng {line}: {vi} / line {line}: {en}",
        path.display()
    ))
}

fn open_clusters(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    let f = std::fs::File::open(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(csv::ReaderBuilder::new().flexible(true).from_reader(f))
}

/// `lamsach merge A/clusters.csv B/clusters.csv … --out DIR`: the clusters of
/// shards of one export (each written with `dedupe --line-map`, so in the
/// export's lines) as one clusters.csv: records one cluster puts together
/// stay together, and clusters of one kind (person, event) that share a
/// line become one, with one kept record, as a search of the whole file
/// would give. A line listed by several files is written once; clusters are
/// renumbered in line order. The result does not depend on the order of
/// the files. Two passes: the first keeps some 80 bytes a row, the second
/// reads back only the rows written. Returns the rows and clusters written.
pub fn merge_clusters(parts: &[std::path::PathBuf], dest: &Path) -> Result<(usize, usize)> {
    let mut header: Option<csv::StringRecord> = None;
    let mut entries: Vec<Entry> = Vec::new();
    let mut kinds: Vec<Vec<u8>> = Vec::new();
    let mut node_of: FxHashMap<(u16, u64), u32> = FxHashMap::default();
    let mut node_kind: Vec<u16> = Vec::new();
    let mut group_of: FxHashMap<(u32, u64), u32> = FxHashMap::default();
    let mut group_size: Vec<u32> = Vec::new();
    let mut group_node: Vec<u32> = Vec::new();
    let mut c: Option<Cols> = None;
    for (i, p) in parts.iter().enumerate() {
        let mut r = open_clusters(p)?;
        let h = r
            .headers()
            .map_err(|_| bad_row(p, 1, "CSV hỏng", "broken CSV"))?
            .clone();
        if !HEADER.iter().all(|x| h.iter().any(|y| y == *x)) {
            return Err(bad_row(
                p,
                1,
                "không phải clusters.csv của `lamsach dedupe --out`",
                "not a clusters.csv of `lamsach dedupe --out`",
            ));
        }
        match &header {
            Some(first) if *first != h => {
                return Err(Error::Usage(format!(
                    "{}: cột khác tệp đầu tiên / columns differ from the first file's",
                    p.display()
                )))
            }
            Some(_) => {}
            None => {
                c = Some(Cols::of(&h));
                header = Some(h);
            }
        }
        let Some(c) = &c else { continue };
        let mut rec = csv::ByteRecord::new();
        loop {
            let at = r.position().clone();
            match r.read_byte_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(_) => return Err(bad_row(p, at.line(), "CSV hỏng", "broken CSV")),
            }
            let text = |i: usize| -> &str {
                rec.get(i)
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .unwrap_or("")
                    .trim()
            };
            let number = |i: usize, name: &str| -> Result<u64> {
                text(i).parse().map_err(|_| {
                    bad_row(
                        p,
                        at.line(),
                        &format!("ô '{name}' không phải số"),
                        &format!("'{name}' is not a number"),
                    )
                })
            };
            let line = number(c.line, "line")?;
            let cluster = number(c.cluster, "cluster")?;
            let kind_text = rec.get(c.kind).unwrap_or(b"");
            let kind = match kinds.iter().position(|k| k == kind_text) {
                Some(k) => k,
                None => {
                    kinds.push(kind_text.to_vec());
                    kinds.len() - 1
                }
            } as u16;
            let n = node_of.len() as u32;
            let node = *node_of.entry((kind, line)).or_insert(n);
            if node == n {
                node_kind.push(kind);
            }
            let g = group_of.len() as u32;
            let group = *group_of.entry((i as u32, cluster)).or_insert(g);
            if group == g {
                group_size.push(0);
                group_node.push(node);
            }
            group_size[group as usize] += 1;
            let mut h = rustc_hash::FxHasher::default();
            std::hash::Hasher::write(&mut h, rec.as_slice());
            entries.push(Entry {
                file: i as u32,
                group,
                node,
                line,
                record: text(c.record).parse().unwrap_or(line),
                survivor: text(c.survivor).parse().unwrap_or(line),
                score: text(c.score).parse().unwrap_or(0.0),
                keep: text(c.role) == "keep",
                rule: !text(c.rule).is_empty(),
                hash: std::hash::Hasher::finish(&h),
                at,
            });
        }
    }
    let (Some(header), Some(c)) = (header, c) else {
        return Ok((0, 0));
    };
    let mut parent: Vec<u32> = (0..node_of.len() as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for e in &entries {
        let (a, b) = (
            find(&mut parent, group_node[e.group as usize]),
            find(&mut parent, e.node),
        );
        if a != b {
            parent[a.max(b) as usize] = a.min(b);
        }
    }
    let root = |parent: &mut [u32], e: &Entry| find(parent, e.node);
    // a line flagged by any file is somebody's duplicate
    let mut flagged = vec![false; node_of.len()];
    for e in entries.iter().filter(|e| !e.keep) {
        flagged[e.node as usize] = true;
    }
    // the kept record of each merged cluster: one no file flags, then the
    // one kept in the largest cluster, in more files, the latest
    let mut units: FxHashMap<(u32, u64), KeepRank> = FxHashMap::default();
    for e in entries.iter().filter(|e| e.keep) {
        let u = units
            .entry((root(&mut parent, e), e.record))
            .or_insert((true, 0, 0, 0));
        u.0 &= !flagged[e.node as usize];
        u.1 = u.1.max(group_size[e.group as usize]);
        u.2 += 1;
        u.3 = u.3.max(e.line);
    }
    let mut kept: FxHashMap<u32, (u64, KeepRank)> = FxHashMap::default();
    for (&(r, record), &rank) in &units {
        let best = kept.entry(r).or_insert((record, rank));
        if (rank, record) > (best.1, best.0) {
            *best = (record, rank);
        }
    }
    // the finding is stronger, then the score, then (ties) the text
    let better = |a: &Entry, b: &Entry| -> bool {
        match (a.rule, a.score).partial_cmp(&(b.rule, b.score)) {
            Some(std::cmp::Ordering::Equal) | None => a.hash < b.hash,
            Some(o) => o == std::cmp::Ordering::Greater,
        }
    };
    let roots: Vec<u32> = entries.iter().map(|e| root(&mut parent, e)).collect();
    let of_kept =
        |x: usize| entries[x].keep && kept.get(&roots[x]).map(|k| k.0) == Some(entries[x].record);
    // the row written for each line: the kept record's keep row, else the
    // strongest finding on it, else (a record kept by its own file's
    // cluster) its keep row turned into the finding its cluster made
    let rank = |x: usize| -> u8 {
        match (of_kept(x), entries[x].keep) {
            (true, _) => 2,
            (false, false) => 1,
            (false, true) => 0,
        }
    };
    let mut chosen: Vec<u32> = vec![u32::MAX; node_of.len()];
    for (x, e) in entries.iter().enumerate() {
        let n = e.node as usize;
        let o = chosen[n] as usize;
        if chosen[n] == u32::MAX
            || rank(x) > rank(o)
            || (rank(x) == rank(o) && better(e, &entries[o]))
        {
            chosen[n] = x as u32;
        }
    }
    // the strongest finding of each file's cluster, for the records its
    // own file kept
    let mut peer: Vec<u32> = vec![u32::MAX; group_size.len()];
    for (x, e) in entries.iter().enumerate().filter(|(_, e)| !e.keep) {
        let g = e.group as usize;
        if peer[g] == u32::MAX || better(e, &entries[peer[g] as usize]) {
            peer[g] = x as u32;
        }
    }
    let survivor_of: FxHashMap<u32, u64> = (0..entries.len())
        .filter(|&x| of_kept(x))
        .map(|x| (roots[x], entries[x].survivor))
        .collect();
    // each merged cluster's first line orders the clusters; (first line,
    // kind) names a merged cluster: no two share it
    let mut first_line: FxHashMap<u32, u64> = FxHashMap::default();
    for (x, e) in entries.iter().enumerate() {
        let l = first_line.entry(roots[x]).or_insert(u64::MAX);
        *l = (*l).min(e.line);
    }
    let mut order: Vec<usize> = chosen.iter().map(|&x| x as usize).collect();
    order.sort_by_key(|&x| {
        let e = &entries[x];
        (
            first_line[&roots[x]],
            &kinds[node_kind[e.node as usize] as usize],
            e.line,
        )
    });
    let mut readers: Vec<Option<csv::Reader<std::fs::File>>> =
        (0..parts.len()).map(|_| None).collect();
    let mut read_back = |x: usize, into: &mut csv::StringRecord| -> Result<()> {
        let e = &entries[x];
        let p = &parts[e.file as usize];
        let r = match &mut readers[e.file as usize] {
            Some(r) => r,
            slot => slot.insert(open_clusters(p)?),
        };
        let gone = || {
            bad_row(
                p,
                e.at.line(),
                "tệp đã đổi trong khi gộp",
                "the file changed while merging",
            )
        };
        r.seek(e.at.clone()).map_err(|_| gone())?;
        match r.read_record(into) {
            Ok(true) => Ok(()),
            _ => Err(gone()),
        }
    };
    let file = AtomicFile::create_csv(dest)?;
    let mut w = csv::WriterBuilder::new().from_writer(file);
    let werr = Error::write_other(dest);
    w.write_record(&header).map_err(&werr)?;
    let mut ids: FxHashMap<u32, usize> = FxHashMap::default();
    let (mut row, mut peer_row) = (csv::StringRecord::new(), csv::StringRecord::new());
    for &x in &order {
        let n = ids.len() + 1;
        let id = *ids.entry(roots[x]).or_insert(n);
        read_back(x, &mut row)?;
        let mut out: Vec<String> = row.iter().map(str::to_string).collect();
        let p = peer[entries[x].group as usize];
        if rank(x) == 0 && p != u32::MAX {
            // the finding the record's own cluster made on another member
            // holds for this pair too (same person, same event)
            read_back(p as usize, &mut peer_row)?;
            for i in c.finding {
                if let (Some(o), Some(v)) = (out.get_mut(i), peer_row.get(i)) {
                    *o = v.to_string();
                }
            }
        }
        if let Some(o) = out.get_mut(c.cluster) {
            *o = id.to_string();
        }
        if let (Some(o), Some(s)) = (out.get_mut(c.survivor), survivor_of.get(&roots[x])) {
            *o = s.to_string();
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
