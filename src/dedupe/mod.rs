//! Finding the same person recorded twice, and the same event recorded twice.
//!
//! 1. Read the file once (batches parsed in parallel). Rows with the same ID,
//!    folded name and date of birth are one *person record* (a vaccination
//!    export has one row per dose): comparisons run on person records.
//! 2. Blocking: each record gets one key per block of `rules/dedupe.toml`
//!    (birth date + given name, birth year + full name, ID prefix, …); only
//!    records sharing a key are compared. Blocks larger than `max_block` are
//!    skipped with a warning, so work and memory grow with the blocks, not
//!    with rows squared. A pair met in several blocks is scored once.
//! 3. Scoring: field comparisons weighted Fellegi–Sunter style; pairs at or
//!    over the threshold are joined by union–find.
//! 4. A cluster of records with *different* IDs, or an ID missing in one, is
//!    one person recorded as several (DUP003, DUP004). Records with the same
//!    ID are the same person and never a person duplicate, but their rows,
//!    with those of person clusters, are searched for the same event recorded
//!    twice with dates a few days apart (DUP005).

pub mod cli;
pub mod compare;
pub mod config;
pub mod report;
pub mod score;
pub mod synth;

use crate::engine::{self, Opened, Options};
use crate::error::{Error, Result};
use crate::input::{split_fields, Rec};
use crate::parse::date::{self, DateValue};
use crate::parse::id::{IdProblem, IdValue};
use crate::profile::{Field, Mapping, RuleData};
use crate::rules::{dup_event, Finding, RowCtx};
use crate::text::{fold, normalize};
use chrono::NaiveDate;
use compare::{compare_events, Comparison, IdKey, IdLevel, Person};
use config::{Config, KeyPart};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

/// Rows read per batch before parsing them in parallel.
const BATCH: usize = 32_768;

/// Names longer than this (in characters) are cut for comparison.
const MAX_NAME_CHARS: usize = 96;

/// One data row: which person record it belongs to, and its event.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub person: u32,
    /// Non-empty cells among the mapped fields.
    pub filled: u16,
    pub event: Option<Event>,
}

#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Hash of the event fields other than dates (vaccine, dose), folded.
    pub key: u64,
    pub date: Option<NaiveDate>,
    /// DUP001's key: rows equal on it are DUP001's, not ours.
    pub exact: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Event,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Event => "event",
        }
    }
}

/// One row of a cluster.
#[derive(Debug, Clone)]
pub struct Member {
    pub line: u64,
    pub row: usize,
    /// Best match score of this row's record within the cluster.
    pub score: f32,
    /// Comparison with the surviving record.
    pub cmp: Comparison,
    pub survivor: bool,
    /// The finding for this row, when it is the one to fix.
    pub flag: Option<Flag>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// Same person, another ID (DUP003).
    TwoIds,
    /// Same person, the ID missing in one of the records (DUP004).
    NoId,
    /// Same event again (DUP005), `days` apart.
    Event { days: i64 },
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: u32,
    pub kind: Kind,
    /// Sorted by line.
    pub members: Vec<Member>,
    pub survivor_line: u64,
}

/// A block too large to compare pair by pair.
#[derive(Debug, Clone)]
pub struct Oversized {
    pub kind: String,
    pub blocks: usize,
    pub largest: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub rows: u64,
    pub persons: usize,
    pub compared_pairs: u64,
    pub matched_pairs: usize,
}

/// Everything a dedupe run found.
pub struct Outcome {
    pub mapping: Mapping,
    pub delim: u8,
    pub rows: Vec<Row>,
    pub persons: Vec<Person>,
    pub clusters: Vec<Cluster>,
    pub oversized: Vec<Oversized>,
    pub stats: Stats,
    pub event_fields: Vec<Field>,
}

fn is_person_field(f: Field) -> bool {
    matches!(f, Field::Id | Field::FullName | Field::Dob | Field::Sex)
}

fn is_date_field(f: Field) -> bool {
    matches!(
        f,
        Field::VaccinationDate | Field::BhytValidTo | Field::DeathDate
    )
}

/// Phone digits in national form, or None when not a plausible number.
fn phone_key(v: &str) -> Option<Box<str>> {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("84") {
        Some(rest) if digits.len() == 11 => format!("0{rest}"),
        _ if digits.len() == 9 && !digits.starts_with('0') => format!("0{digits}"),
        _ => digits,
    };
    (national.len() >= 9 && national.bytes().any(|b| b != b'0')).then(|| national.into())
}

/// Dose written as `1`, `Mũi 1`, `1.0`, `Mũi thứ nhất`: the digits when any.
fn event_value(f: Field, v: &str) -> String {
    if f == Field::Dose {
        let d: String = v
            .split(['.', ','])
            .next()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if !d.is_empty() {
            return d.trim_start_matches('0').to_string();
        }
    }
    fold(v)
}

/// What reading the file gives: rows, person records, and the event fields used.
struct Loaded {
    mapping: Mapping,
    delim: u8,
    rows: Vec<Row>,
    persons: Vec<Person>,
    event_fields: Vec<Field>,
}

struct Parsed {
    person: Person,
    key: u64,
    filled: u16,
    event: Option<Event>,
}

struct Parser<'a> {
    mapping: &'a Mapping,
    data: &'a RuleData,
    opts: &'a Options,
    event_fields: &'a [Field],
    expected: usize,
    delim: u8,
}

impl Parser<'_> {
    fn id_key(id: &IdValue, raw: &str) -> IdKey {
        match id {
            IdValue::Cccd(d) => IdKey::Cccd(*d),
            IdValue::DroppedZeros { padded }
            | IdValue::Malformed(IdProblem::Separators { cleaned: padded })
                if padded.len() == 12 =>
            {
                let mut d = [0u8; 12];
                d.copy_from_slice(padded.as_bytes());
                IdKey::Cccd(d)
            }
            IdValue::Cmnd9 => IdKey::Other(raw.trim().as_bytes().into()),
            IdValue::Missing => IdKey::None,
            _ => IdKey::Invalid,
        }
    }

    /// Parses one record; None for blank or unreadable rows (the engine
    /// reports those).
    fn parse(&self, line: u64, bytes: &[u8]) -> Option<Parsed> {
        let mut raw: Vec<Cow<[u8]>> = Vec::with_capacity(self.expected);
        split_fields(bytes, self.delim, &mut raw);
        if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return None;
        }
        if raw.len() > self.expected
            && raw[self.expected..]
                .iter()
                .all(|f| f.trim_ascii().is_empty())
        {
            raw.truncate(self.expected);
        }
        if raw.len() != self.expected {
            return None;
        }
        let texts: Vec<Cow<str>> = raw.iter().map(|f| String::from_utf8_lossy(f)).collect();
        let values: Vec<&str> = texts.iter().map(|c| c.as_ref()).collect();
        let ctx = RowCtx::new(
            line,
            &values,
            self.mapping,
            self.data,
            self.opts.today,
            self.opts.en,
        );
        let name = ctx.get(Field::FullName).unwrap_or("");
        // Names are compared with edit distances: a hostile 1 MB "name" must
        // not make one comparison cost 10¹² steps.
        let name = match name.char_indices().nth(MAX_NAME_CHARS) {
            Some((i, _)) => name.get(..i).unwrap_or(name),
            None => name,
        };
        let folded = |f: Field| {
            ctx.get(f)
                .map(fold)
                .filter(|s| !s.is_empty())
                .map(String::into_boxed_str)
        };
        let person = Person {
            name_norm: normalize(name).into(),
            name_fold: fold(name).into(),
            dob: ctx.dob,
            sex: ctx.sex,
            id: Self::id_key(&ctx.id, ctx.get(Field::Id).unwrap_or("")),
            phone: ctx.get(Field::Phone).and_then(phone_key),
            commune: folded(Field::Commune),
            district: folded(Field::District),
            address: folded(Field::Address),
            vaccine: folded(Field::Vaccine),
            events: Vec::new(),
            name_count: 1,
            given_count: 1,
        };
        let filled = self
            .mapping
            .col
            .iter()
            .flatten()
            .filter(|&&c| values.get(c).is_some_and(|v| !v.trim().is_empty()))
            .count() as u16;
        let mut h = Xxh3::new();
        if let Some(d) = person.id.digits() {
            h.update(d);
        }
        h.update(&[0x1f]);
        h.update(person.name_fold.as_bytes());
        h.update(&[0x1f]);
        match person.dob {
            DateValue::Full(d) => h.update(d.format("%Y-%m-%d").to_string().as_bytes()),
            DateValue::Partial { year, month } => h.update(format!("{year}-{month:?}").as_bytes()),
            _ => h.update(fold(ctx.get(Field::Dob).unwrap_or("")).as_bytes()),
        }
        let event = (!self.event_fields.is_empty()).then(|| {
            let mut k = Xxh3::new();
            let mut date = None;
            for &f in self.event_fields {
                let v = ctx.get(f).unwrap_or("");
                if is_date_field(f) {
                    if date.is_none() {
                        if let DateValue::Full(d) = date::parse(v) {
                            date = Some(d);
                        }
                    }
                } else {
                    k.update(event_value(f, v).as_bytes());
                    k.update(&[0x1f]);
                }
            }
            Event {
                key: k.digest(),
                date,
                exact: dup_event::key(&ctx),
            }
        });
        Some(Parsed {
            person,
            key: h.digest(),
            filled,
            event,
        })
    }
}

/// Fills a record's empty fields from another row of the same record.
fn merge_into(p: &mut Person, q: Person) {
    if p.sex.is_none() {
        p.sex = q.sex;
    }
    if p.phone.is_none() {
        p.phone = q.phone;
    }
    if p.commune.is_none() {
        p.commune = q.commune;
    }
    if p.district.is_none() {
        p.district = q.district;
    }
    if p.address.is_none() {
        p.address = q.address;
    }
}

fn read_rows(path: &Path, data: &RuleData, opts: &Options) -> Result<Loaded> {
    let Opened {
        mut reader,
        delim,
        mapping,
        ..
    } = engine::open(path, data, opts)?;
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let event_fields: Vec<Field> = mapping
        .profile
        .event_key
        .iter()
        .copied()
        .filter(|f| !is_person_field(*f) && mapping.column(*f).is_some())
        .collect();
    let event_fields = if event_fields.iter().any(|f| is_date_field(*f)) {
        event_fields
    } else {
        Vec::new()
    };
    let parser = Parser {
        mapping: &mapping,
        data,
        opts,
        event_fields: &event_fields,
        expected: mapping.headers.len(),
        delim,
    };
    let mut rows = Vec::new();
    let mut persons: Vec<Person> = Vec::new();
    let mut index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut buf: Vec<u8> = Vec::with_capacity(BATCH * 128);
    let mut items: Vec<(u64, usize, usize)> = Vec::with_capacity(BATCH);
    let mut eof = false;
    while !eof {
        if engine::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        buf.clear();
        items.clear();
        while items.len() < BATCH {
            match reader.next_rec().map_err(read_err)? {
                Some(Rec::Ok { line, bytes, .. }) => {
                    let start = buf.len();
                    buf.extend_from_slice(bytes);
                    items.push((line, start, buf.len()));
                }
                Some(Rec::Unreadable { .. }) => {}
                None => {
                    eof = true;
                    break;
                }
            }
        }
        let parsed: Vec<Option<Parsed>> = items
            .par_iter()
            .map(|&(line, s, e)| parser.parse(line, buf.get(s..e).unwrap_or_default()))
            .collect();
        for (&(line, _, _), p) in items.iter().zip(parsed) {
            let Some(p) = p else { continue };
            let next = persons.len() as u32;
            let id = *index.entry(p.key).or_insert(next);
            if id == next {
                persons.push(p.person);
            } else if let Some(existing) = persons.get_mut(id as usize) {
                merge_into(existing, p.person);
            }
            rows.push(Row {
                line,
                person: id,
                filled: p.filled,
                event: p.event,
            });
        }
    }
    for r in &rows {
        if let (
            Some(Event {
                key, date: Some(d), ..
            }),
            Some(p),
        ) = (r.event, persons.get_mut(r.person as usize))
        {
            use chrono::Datelike;
            // A few events are enough to compare; a record with thousands
            // of rows (a test record) must not make comparisons quadratic.
            if p.events.len() < 16 {
                p.events.push((key, d.num_days_from_ce()));
            }
        }
    }
    let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
    let mut given: FxHashMap<&str, u32> = FxHashMap::default();
    for p in &persons {
        *counts.entry(&p.name_fold).or_default() += 1;
        *given.entry(p.given()).or_default() += 1;
    }
    let counts: Vec<(u32, u32)> = persons
        .iter()
        .map(|p| {
            (
                counts.get(&*p.name_fold).copied().unwrap_or(1),
                given.get(p.given()).copied().unwrap_or(1),
            )
        })
        .collect();
    for (p, (c, g)) in persons.iter_mut().zip(counts) {
        p.name_count = c;
        p.given_count = g;
    }
    Ok(Loaded {
        mapping,
        delim,
        rows,
        persons,
        event_fields,
    })
}

/// The block key of one record for one block definition; 0 when a part is empty.
fn block_key(p: &Person, block: usize, parts: &[KeyPart]) -> u64 {
    use chrono::Datelike;
    let mut h = Xxh3::new();
    h.update(&(block as u32).to_le_bytes());
    for part in parts {
        let ok = match part {
            KeyPart::Dob => match p.dob {
                DateValue::Full(d) => {
                    h.update(&d.num_days_from_ce().to_le_bytes());
                    true
                }
                _ => false,
            },
            KeyPart::DobUnordered => match p.dob {
                DateValue::Full(d) => {
                    let (a, b) = (d.day().min(d.month()), d.day().max(d.month()));
                    h.update(&d.year().to_le_bytes());
                    h.update(&[a as u8, b as u8]);
                    true
                }
                _ => false,
            },
            KeyPart::DayMonth => match p.dob {
                DateValue::Full(d) => {
                    h.update(&[d.day().min(d.month()) as u8, d.day().max(d.month()) as u8]);
                    true
                }
                _ => false,
            },
            KeyPart::BirthYear => match p.dob.year() {
                Some(y) => {
                    h.update(&y.to_le_bytes());
                    true
                }
                None => false,
            },
            KeyPart::GivenName => upd(&mut h, p.given()),
            KeyPart::FamilyName => upd(&mut h, p.family()),
            KeyPart::FullName => upd(&mut h, &p.name_fold),
            KeyPart::Id => upd_bytes(&mut h, p.id.digits()),
            KeyPart::IdPrefix(n) => upd_bytes(
                &mut h,
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(..*n)),
            ),
            KeyPart::IdSuffix(n) => upd_bytes(
                &mut h,
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(d.len() - n..)),
            ),
            KeyPart::Phone => upd(&mut h, p.phone.as_deref().unwrap_or("")),
            KeyPart::Sex => match p.sex {
                Some(s) => {
                    h.update(&[s as u8]);
                    true
                }
                None => false,
            },
            KeyPart::Commune => upd(&mut h, p.commune.as_deref().unwrap_or("")),
            KeyPart::District => upd(&mut h, p.district.as_deref().unwrap_or("")),
        };
        if !ok {
            return 0;
        }
        h.update(&[0x1f]);
    }
    h.digest().max(1)
}

fn upd(h: &mut Xxh3, s: &str) -> bool {
    h.update(s.as_bytes());
    !s.is_empty()
}

fn upd_bytes(h: &mut Xxh3, s: Option<&[u8]>) -> bool {
    match s {
        Some(b) if !b.is_empty() => {
            h.update(b);
            true
        }
        _ => false,
    }
}

/// A scored pair at or over the threshold.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    cmp: Comparison,
}

fn candidate_edges(
    persons: &[Person],
    cfg: &Config,
    stats: &mut Stats,
) -> (Vec<Edge>, Vec<Oversized>) {
    let k = cfg.parts.len();
    let keys: Vec<u64> = persons
        .par_iter()
        .flat_map_iter(|p| (0..k).map(move |b| block_key(p, b, &cfg.parts[b])))
        .collect();
    let mut entries: Vec<(u64, u32)> = keys
        .par_iter()
        .enumerate()
        .filter(|(_, &key)| key != 0)
        .map(|(i, &key)| (key, (i / k) as u32))
        .collect();
    entries.par_sort_unstable();
    // Runs of equal keys: the blocks.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut oversized_keys: FxHashSet<u64> = FxHashSet::default();
    let mut over: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut i = 0;
    while i < entries.len() {
        let key = entries[i].0;
        let mut j = i + 1;
        while j < entries.len() && entries[j].0 == key {
            j += 1;
        }
        let size = j - i;
        if size > cfg.max_block {
            oversized_keys.insert(key);
            let kind = (entries[i].1 as usize * k..(entries[i].1 as usize + 1) * k)
                .position(|x| keys.get(x) == Some(&key))
                .unwrap_or(0);
            let e = over.entry(kind).or_insert((0, 0));
            e.0 += 1;
            e.1 = e.1.max(size);
        } else if size > 1 {
            runs.push((i, j));
        }
        i = j;
    }
    let compared = std::sync::atomic::AtomicU64::new(0);
    let edges: Vec<Edge> = runs
        .par_iter()
        .flat_map_iter(|&(s, e)| {
            let block = &entries[s..e];
            let key = block[0].0;
            let kind = (0..k)
                .find(|&b| keys.get(block[0].1 as usize * k + b) == Some(&key))
                .unwrap_or(0);
            let mut out = Vec::new();
            let mut n = 0u64;
            for (x, &(_, a)) in block.iter().enumerate() {
                for &(_, b) in &block[x + 1..] {
                    let (a, b) = (a.min(b), a.max(b));
                    let (ka, kb) = (a as usize * k, b as usize * k);
                    // Scored already in an earlier block they share (unless that one was skipped).
                    let earlier = (0..kind).any(|e| {
                        let x = keys.get(ka + e).copied().unwrap_or(0);
                        x != 0 && Some(&x) == keys.get(kb + e) && !oversized_keys.contains(&x)
                    });
                    if earlier || a == b {
                        continue;
                    }
                    n += 1;
                    let (Some(pa), Some(pb)) = (persons.get(a as usize), persons.get(b as usize))
                    else {
                        continue;
                    };
                    let cmp = compare_events(pa, pb, &cfg.weights, cfg.event.max_days);
                    if cmp.score >= cfg.threshold {
                        out.push(Edge { a, b, cmp });
                    }
                }
            }
            compared.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            out
        })
        .collect();
    stats.compared_pairs = compared.into_inner();
    let oversized = over
        .into_iter()
        .map(|(kind, (blocks, largest))| Oversized {
            kind: cfg
                .blocks
                .get(kind)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            blocks,
            largest,
        })
        .collect();
    (edges, oversized)
}

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index becomes the root: deterministic.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi as usize] = lo;
        }
    }
}

/// Survivor order: a valid 12-digit ID, then any ID, then completeness, then the latest row.
fn survivor_rank(p: &Person, filled: u16, line: u64) -> (bool, bool, u16, u64) {
    (p.id.is_cccd(), p.id.present(), filled, line)
}

/// Runs the whole detection on one file.
pub fn run(path: &Path, data: &RuleData, cfg: &Config, opts: &Options) -> Result<Outcome> {
    let Loaded {
        mapping,
        delim,
        rows,
        persons,
        event_fields,
    } = read_rows(path, data, opts)?;
    let mut stats = Stats {
        rows: rows.len() as u64,
        persons: persons.len(),
        ..Stats::default()
    };
    let (edges, oversized) = candidate_edges(&persons, cfg, &mut stats);
    stats.matched_pairs = edges.len();

    // Rows of each person record, and each record's best row for ranking.
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); persons.len()];
    for (i, r) in rows.iter().enumerate() {
        if let Some(v) = rows_of.get_mut(r.person as usize) {
            v.push(i);
        }
    }
    let best_row = |p: u32| -> (u16, u64) {
        rows_of
            .get(p as usize)
            .into_iter()
            .flatten()
            .filter_map(|&i| rows.get(i))
            .map(|r| (r.filled, r.line))
            .max()
            .unwrap_or((0, 0))
    };

    let n = persons.len();
    let mut person_uf = UnionFind::new(n);
    let mut event_uf = UnionFind::new(n);
    let mut best: FxHashMap<u32, f32> = FxHashMap::default();
    for e in &edges {
        event_uf.union(e.a, e.b);
        if e.cmp.id != IdLevel::Same {
            person_uf.union(e.a, e.b);
            for x in [e.a, e.b] {
                let s = best.entry(x).or_insert(f32::MIN);
                *s = s.max(e.cmp.score);
            }
        }
    }

    let mut clusters: Vec<Cluster> = Vec::new();
    // Person clusters.
    let mut comps: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &x in best.keys() {
        let r = person_uf.find(x);
        comps.entry(r).or_default().push(x);
    }
    for (_, mut ps) in comps {
        ps.sort_unstable();
        if ps.len() < 2 {
            continue;
        }
        let Some(&surv) = ps.iter().max_by_key(|&&p| {
            let (f, l) = best_row(p);
            persons.get(p as usize).map(|q| survivor_rank(q, f, l))
        }) else {
            continue;
        };
        let (Some(sp), surv_rows) = (persons.get(surv as usize), rows_of.get(surv as usize)) else {
            continue;
        };
        let survivor_line = surv_rows
            .and_then(|v| v.first())
            .and_then(|&i| rows.get(i))
            .map_or(0, |r| r.line);
        let mut members = Vec::new();
        for &p in &ps {
            let Some(pp) = persons.get(p as usize) else {
                continue;
            };
            let cmp = compare_events(pp, sp, &cfg.weights, cfg.event.max_days);
            let same_id = pp.id.present() && pp.id == sp.id;
            let flag = (p != surv && !same_id).then(|| {
                if pp.id.present() && sp.id.present() {
                    Flag::TwoIds
                } else {
                    Flag::NoId
                }
            });
            for &i in rows_of.get(p as usize).into_iter().flatten() {
                let Some(r) = rows.get(i) else { continue };
                members.push(Member {
                    line: r.line,
                    row: i,
                    score: best.get(&p).copied().unwrap_or(0.0),
                    cmp,
                    survivor: p == surv,
                    flag,
                });
            }
        }
        members.sort_by_key(|m| m.line);
        clusters.push(Cluster {
            id: 0,
            kind: Kind::Person,
            members,
            survivor_line,
        });
    }

    // Event clusters: rows of one person (same record, same ID, or a person
    // cluster) with the same event fields and dates at most max_days apart.
    if !event_fields.is_empty() {
        let mut ev: Vec<(u32, u64, i64, u64, usize)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let e = r.event?;
                let d = e.date?;
                Some((0, e.key, d.num_days_from_ce_i64(), r.line, i))
            })
            .collect();
        for x in ev.iter_mut() {
            if let Some(r) = rows.get(x.4) {
                x.0 = event_uf.find(r.person);
            }
        }
        ev.par_sort_unstable();
        let mut i = 0;
        while i < ev.len() {
            let mut j = i + 1;
            while j < ev.len()
                && ev[j].0 == ev[i].0
                && ev[j].1 == ev[i].1
                && ev[j].2 - ev[j - 1].2 <= cfg.event.max_days
            {
                j += 1;
            }
            if j - i >= 2 {
                if let Some(c) = event_cluster(&ev[i..j], &rows, &persons, cfg) {
                    clusters.push(c);
                }
            }
            i = j;
        }
    }
    clusters.sort_by_key(|c| (c.members.first().map_or(0, |m| m.line), c.kind));
    for (i, c) in clusters.iter_mut().enumerate() {
        c.id = i as u32 + 1;
    }
    Ok(Outcome {
        mapping,
        delim,
        rows,
        persons,
        clusters,
        oversized,
        stats,
        event_fields,
    })
}

trait DaysI64 {
    fn num_days_from_ce_i64(&self) -> i64;
}
impl DaysI64 for NaiveDate {
    fn num_days_from_ce_i64(&self) -> i64 {
        use chrono::Datelike;
        self.num_days_from_ce() as i64
    }
}

fn event_cluster(
    chunk: &[(u32, u64, i64, u64, usize)],
    rows: &[Row],
    persons: &[Person],
    cfg: &Config,
) -> Option<Cluster> {
    let exact = |i: usize| rows.get(i).and_then(|r| r.event).and_then(|e| e.exact);
    let mut keys: Vec<Option<u64>> = chunk.iter().map(|c| exact(c.4)).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() < 2 {
        return None; // all byte-equal on DUP001's key: DUP001 reports them
    }
    // Kept: a valid ID, the most complete, then the *first* row, as DUP001
    // keeps the first occurrence.
    let rank = |c: &(u32, u64, i64, u64, usize)| {
        let r = rows.get(c.4)?;
        let (id, any, filled, _) = survivor_rank(persons.get(r.person as usize)?, r.filled, r.line);
        Some((id, any, filled, std::cmp::Reverse(r.line)))
    };
    let surv = chunk.iter().max_by_key(|c| rank(c))?;
    let sr = rows.get(surv.4)?;
    let sp = persons.get(sr.person as usize)?;
    let surv_key = exact(surv.4);
    let mut seen: FxHashSet<Option<u64>> = FxHashSet::default();
    seen.insert(surv_key);
    let mut sorted: Vec<&(u32, u64, i64, u64, usize)> = chunk.iter().collect();
    sorted.sort_by_key(|c| c.3);
    let mut members = Vec::new();
    for c in sorted {
        let r = rows.get(c.4)?;
        let p = persons.get(r.person as usize)?;
        let cmp = compare_events(p, sp, &cfg.weights, cfg.event.max_days);
        let is_surv = c.3 == surv.3;
        let flag = (!is_surv && seen.insert(exact(c.4))).then_some(Flag::Event {
            days: (c.2 - surv.2).abs(),
        });
        members.push(Member {
            line: c.3,
            row: c.4,
            score: cmp.score,
            cmp,
            survivor: is_surv,
            flag,
        });
    }
    Some(Cluster {
        id: 0,
        kind: Kind::Event,
        members,
        survivor_line: surv.3,
    })
}

impl Outcome {
    /// The findings of every flagged row, by line, for `check`.
    pub fn findings(&self, en: bool) -> BTreeMap<u64, Vec<Finding>> {
        use crate::rules::{dup_event_near, dup_person_no_id, dup_person_two_ids};
        let mut out: BTreeMap<u64, Vec<Finding>> = BTreeMap::new();
        for c in &self.clusters {
            for m in &c.members {
                let Some(flag) = m.flag else { continue };
                let labels = m.cmp.agreed_labels(en);
                let yes: Vec<&str> = labels.iter().map(String::as_str).collect();
                let f = match flag {
                    Flag::TwoIds => dup_person_two_ids::finding(
                        m.line,
                        c.survivor_line,
                        m.score,
                        &yes,
                        m.cmp.id,
                        en,
                    ),
                    Flag::NoId => {
                        dup_person_no_id::finding(m.line, c.survivor_line, m.score, &yes, en)
                    }
                    Flag::Event { days } => {
                        dup_event_near::finding(m.line, c.survivor_line, days, en)
                    }
                };
                out.entry(m.line).or_default().push(f);
            }
        }
        out
    }

    /// Rows in person clusters and in event clusters.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut pc = 0;
        let mut pr = 0;
        let mut ec = 0;
        let mut er = 0;
        for c in &self.clusters {
            match c.kind {
                Kind::Person => {
                    pc += 1;
                    pr += c.members.len();
                }
                Kind::Event => {
                    ec += 1;
                    er += c.members.len();
                }
            }
        }
        (pc, pr, ec, er)
    }

    /// Warnings for skipped blocks, one line each (kind and size only).
    pub fn warnings(&self, max_block: usize, en: bool) -> Vec<String> {
        self.oversized
            .iter()
            .map(|o| {
                if en {
                    format!(
                        "warning: {} '{}' block(s) larger than max_block = {max_block} records skipped (largest: {})",
                        o.blocks, o.kind, o.largest
                    )
                } else {
                    format!(
                        "cảnh báo: bỏ qua {} khối '{}' lớn hơn max_block = {max_block} bản ghi (lớn nhất: {})",
                        o.blocks, o.kind, o.largest
                    )
                }
            })
            .collect()
    }
}
