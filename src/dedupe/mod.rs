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
use crate::parse::id::{self, IdProblem, IdValue};
use crate::profile::{Field, Mapping, RuleData};
use crate::rules::Finding;
use crate::text::{fold_into, normalize};
use chrono::NaiveDate;
use compare::{compare_events, Comparison, IdKey, IdLevel, Person};
use config::{Config, KeyPart};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

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
fn event_value<'s>(f: Field, v: &str, buf: &'s mut String) -> &'s str {
    buf.clear();
    if f == Field::Dose {
        let head = v.split(['.', ',']).next().unwrap_or("");
        buf.extend(head.chars().filter(char::is_ascii_digit));
        if !buf.is_empty() {
            let zeros = buf.len() - buf.trim_start_matches('0').len();
            buf.drain(..zeros);
            return buf;
        }
    }
    fold_into(v, buf);
    buf
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
    event_fields: &'a [Field],
    expected: usize,
    delim: u8,
    /// Columns some field is mapped to.
    used: Vec<bool>,
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

    /// `dup_event::key` of the row, reusing the folded name and vaccine.
    fn exact_key(&self, x: ExactIn<'_, '_>) -> Option<u64> {
        let h = x.hash;
        h.clear();
        let mut any = false;
        for &f in &self.mapping.profile.event_key {
            let v = (x.get)(f).unwrap_or("");
            any |= !v.is_empty();
            let date = match f {
                Field::Dob => Some(x.dob),
                Field::VaccinationDate => Some(x.vaccination_date),
                Field::BhytValidTo | Field::DeathDate => Some(date::parse(v)),
                _ => None,
            };
            match (f, date) {
                (Field::Id, _) => match x.id {
                    IdValue::Cccd(d) => h.extend_from_slice(d),
                    _ => h.extend_from_slice(v.as_bytes()),
                },
                (_, Some(DateValue::Full(d))) => {
                    h.extend_from_slice(&chrono::Datelike::num_days_from_ce(&d).to_le_bytes());
                }
                (_, Some(_)) => h.extend_from_slice(v.as_bytes()),
                _ if v.is_ascii() && !v.bytes().any(|b| b.is_ascii_uppercase() || b == b' ') => {
                    h.extend_from_slice(v.as_bytes())
                }
                (Field::FullName, _) if x.name_fold.is_some() => {
                    h.extend_from_slice(x.name_fold.unwrap_or("").as_bytes())
                }
                (Field::Vaccine, _) => h.extend_from_slice(x.vaccine.as_bytes()),
                _ => {
                    x.buf.clear();
                    fold_into(v, x.buf);
                    h.extend_from_slice(x.buf.as_bytes());
                }
            }
            h.push(0x1f);
        }
        any.then(|| xxh3_64(h))
    }

    /// Parses one record; None for blank or unreadable rows (the engine
    /// reports those). Only the cells dedupe uses are decoded; `s` holds
    /// buffers reused from row to row.
    fn parse<'b>(&self, s: &mut Scratch<'b>, bytes: &'b [u8]) -> Option<Parsed> {
        split_fields(bytes, self.delim, &mut s.raw);
        if s.raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return None;
        }
        if s.raw.len() > self.expected
            && s.raw[self.expected..]
                .iter()
                .all(|f| f.trim_ascii().is_empty())
        {
            s.raw.truncate(self.expected);
        }
        if s.raw.len() != self.expected {
            return None;
        }
        // Cells of mapped columns as text (lossy only when not UTF-8); the
        // others stay empty: nothing here reads them.
        s.text.clear();
        for (c, f) in s.raw.drain(..).enumerate() {
            let used = self.used.get(c).copied().unwrap_or(false);
            s.text.push(if used { utf8(f) } else { Cow::Borrowed("") });
        }
        let values: Vec<&str> = s.text.iter().map(|c| c.as_ref()).collect();
        let get = |f: Field| {
            self.mapping
                .column(f)
                .map(|c| values.get(c).copied().unwrap_or("").trim())
        };
        let full_name = get(Field::FullName).unwrap_or("");
        // Names are compared with edit distances: a hostile 1 MB "name" must
        // not make one comparison cost 10¹² steps.
        let name = match full_name.char_indices().nth(MAX_NAME_CHARS) {
            Some((i, _)) => full_name.get(..i).unwrap_or(full_name),
            None => full_name,
        };
        let buf = &mut s.fold;
        let name_fold: Box<str> = fold_box(buf, Some(name)).unwrap_or_default();
        // ASCII: normalising is folding (lower case, single spaces).
        let name_norm: Box<str> = if name.is_ascii() {
            name_fold.clone()
        } else {
            normalize_name(name, buf);
            Box::from(buf.as_str())
        };
        let commune = fold_box(buf, get(Field::Commune));
        let district = fold_box(buf, get(Field::District));
        let address = fold_box(buf, get(Field::Address));
        let vaccine = fold_box(buf, get(Field::Vaccine));
        let sex = get(Field::Sex).and_then(|v| {
            buf.clear();
            fold_into(v, buf);
            self.data.sex_of(buf)
        });
        let id_raw = get(Field::Id);
        let id_value = id_raw.map_or(IdValue::Missing, |v| id::parse(v, self.data));
        let dob_raw = get(Field::Dob);
        let dob = dob_raw.map_or(DateValue::Missing, date::parse);
        let person = Person {
            name_norm,
            name_fold,
            dob,
            sex,
            id: Self::id_key(&id_value, id_raw.unwrap_or("")),
            phone: get(Field::Phone).and_then(phone_key),
            commune,
            district,
            address,
            vaccine,
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
        let h = &mut s.key;
        h.clear();
        if let Some(d) = person.id.digits() {
            h.update(d);
        }
        h.update(&[0x1f]);
        h.update(person.name_fold.as_bytes());
        h.update(&[0x1f]);
        match person.dob {
            DateValue::Full(d) => match iso_date(d) {
                Some(b) => h.update(&b),
                None => h.update(d.format("%Y-%m-%d").to_string().as_bytes()),
            },
            DateValue::Partial { year, month } => h.update(format!("{year}-{month:?}").as_bytes()),
            _ => {
                s.fold.clear();
                fold_into(dob_raw.unwrap_or(""), &mut s.fold);
                h.update(s.fold.as_bytes());
            }
        }
        let key = h.digest();
        let event = (!self.event_fields.is_empty()).then(|| {
            let k = &mut s.event;
            k.clear();
            let mut date = None;
            let mut vaccination_date = None;
            for &f in self.event_fields {
                let v = get(f).unwrap_or("");
                if is_date_field(f) {
                    let parsed = date::parse(v);
                    if f == Field::VaccinationDate {
                        vaccination_date = Some(parsed);
                    }
                    if date.is_none() {
                        if let DateValue::Full(d) = parsed {
                            date = Some(d);
                        }
                    }
                } else if f == Field::Vaccine {
                    // event_value folds it, as `vaccine` above
                    k.update(person.vaccine.as_deref().unwrap_or("").as_bytes());
                    k.update(&[0x1f]);
                } else {
                    k.update(event_value(f, v, &mut s.fold).as_bytes());
                    k.update(&[0x1f]);
                }
            }
            // DUP001's key (`dup_event::key`), from the values parsed above.
            let exact = self.exact_key(ExactIn {
                get: &get,
                id: &id_value,
                dob,
                vaccination_date: vaccination_date.unwrap_or(DateValue::Missing),
                name_fold: (name.len() == full_name.len()).then_some(&*person.name_fold),
                vaccine: person.vaccine.as_deref().unwrap_or(""),
                buf: &mut s.fold,
                hash: &mut s.hash,
            });
            Event {
                key: k.digest(),
                date,
                exact,
            }
        });
        Some(Parsed {
            person,
            key,
            filled,
            event,
        })
    }
}

/// True for the letters of Vietnamese (and other Latin) text that are NFC
/// as they stand and combine with nothing before them: ASCII, Latin-1 and
/// Latin Extended-A/B letters, Latin Extended Additional (ạ … ỹ).
fn nfc_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{7f}' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
}

/// [`normalize`] into `out`, without the NFC pass when every character is
/// NFC as it stands.
fn normalize_name(s: &str, out: &mut String) {
    out.clear();
    if !s.chars().all(nfc_starter) {
        out.push_str(&normalize(s));
        return;
    }
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// The folded value, boxed; None when missing or empty once folded.
fn fold_box(buf: &mut String, v: Option<&str>) -> Option<Box<str>> {
    buf.clear();
    fold_into(v?, buf);
    (!buf.is_empty()).then(|| Box::from(buf.as_str()))
}

/// What [`Parser::exact_key`] needs of a parsed row.
struct ExactIn<'a, 'v> {
    get: &'a dyn Fn(Field) -> Option<&'v str>,
    id: &'a IdValue,
    dob: DateValue,
    vaccination_date: DateValue,
    /// The folded full name, when it was not cut.
    name_fold: Option<&'a str>,
    /// The folded vaccine ("" when empty).
    vaccine: &'a str,
    buf: &'a mut String,
    hash: &'a mut Vec<u8>,
}

/// Buffers one worker reuses from row to row.
struct Scratch<'b> {
    raw: Vec<Cow<'b, [u8]>>,
    text: Vec<Cow<'b, str>>,
    fold: String,
    hash: Vec<u8>,
    key: HashBuf,
    event: HashBuf,
}

impl Scratch<'_> {
    fn new() -> Self {
        Scratch {
            raw: Vec::new(),
            text: Vec::new(),
            fold: String::new(),
            hash: Vec::new(),
            key: HashBuf::default(),
            event: HashBuf::default(),
        }
    }
}

/// Bytes to hash, collected first and hashed in one call: the same digest
/// as `Xxh3` fed the same bytes piece by piece, without its large state.
#[derive(Default)]
struct HashBuf(Vec<u8>);

impl HashBuf {
    fn clear(&mut self) {
        self.0.clear();
    }
    fn update(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn digest(&self) -> u64 {
        xxh3_64(&self.0)
    }
}

/// A cell as text: borrowed when it is UTF-8, lossy otherwise.
fn utf8(f: Cow<'_, [u8]>) -> Cow<'_, str> {
    match f {
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(b),
        },
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        },
    }
}

/// `YYYY-MM-DD` as chrono's `%Y-%m-%d` writes it, for years 0–9999.
fn iso_date(d: NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let (m, dd) = (d.month(), d.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(dd / 10),
        digit(dd),
    ])
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
        event_fields: &event_fields,
        expected: mapping.headers.len(),
        delim,
        used: (0..mapping.headers.len())
            .map(|c| mapping.col.contains(&Some(c)))
            .collect(),
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
            .map_init(Scratch::new, |scratch, &(_, s, e)| {
                parser.parse(scratch, buf.get(s..e).unwrap_or_default())
            })
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
fn block_key(h: &mut HashBuf, p: &Person, block: usize, parts: &[KeyPart]) -> u64 {
    use chrono::Datelike;
    h.clear();
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
            KeyPart::GivenName => upd(h, p.given()),
            KeyPart::FamilyName => upd(h, p.family()),
            KeyPart::FullName => upd(h, &p.name_fold),
            KeyPart::Id => upd_bytes(h, p.id.digits()),
            KeyPart::IdPrefix(n) => upd_bytes(
                h,
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(..*n)),
            ),
            KeyPart::IdSuffix(n) => upd_bytes(
                h,
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(d.len() - n..)),
            ),
            KeyPart::Phone => upd(h, p.phone.as_deref().unwrap_or("")),
            KeyPart::Sex => match p.sex {
                Some(s) => {
                    h.update(&[s as u8]);
                    true
                }
                None => false,
            },
            KeyPart::Commune => upd(h, p.commune.as_deref().unwrap_or("")),
            KeyPart::District => upd(h, p.district.as_deref().unwrap_or("")),
        };
        if !ok {
            return 0;
        }
        h.update(&[0x1f]);
    }
    h.digest().max(1)
}

fn upd(h: &mut HashBuf, s: &str) -> bool {
    h.update(s.as_bytes());
    !s.is_empty()
}

fn upd_bytes(h: &mut HashBuf, s: Option<&[u8]>) -> bool {
    match s {
        Some(b) if !b.is_empty() => {
            h.update(b);
            true
        }
        _ => false,
    }
}

/// Stable LSD radix sort on the `u64` (16 bits a pass; passes where every
/// entry has the same digit are skipped).
fn radix_sort_by_key(v: &mut Vec<(u64, u32)>) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let mut tmp = vec![(0u64, 0u32); n];
    let mut counts = vec![0usize; 1 << 16];
    for shift in [0u32, 16, 32, 48] {
        counts.fill(0);
        let digit = |e: &(u64, u32)| ((e.0 >> shift) & 0xffff) as usize;
        for e in v.iter() {
            if let Some(c) = counts.get_mut(digit(e)) {
                *c += 1;
            }
        }
        if counts.contains(&n) {
            continue;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let x = *c;
            *c = sum;
            sum += x;
        }
        for e in v.iter() {
            if let Some(c) = counts.get_mut(digit(e)) {
                if let Some(slot) = tmp.get_mut(*c) {
                    *slot = *e;
                }
                *c += 1;
            }
        }
        std::mem::swap(v, &mut tmp);
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
    let mut keys: Vec<u64> = vec![0; persons.len() * k];
    if k > 0 {
        keys.par_chunks_mut(k)
            .zip(persons.par_iter())
            .for_each_init(HashBuf::default, |h, (out, p)| {
                for (b, (slot, parts)) in out.iter_mut().zip(&cfg.parts).enumerate() {
                    *slot = block_key(h, p, b, parts);
                }
            });
    }
    let mut entries: Vec<(u64, u32)> = keys
        .par_iter()
        .enumerate()
        .filter(|(_, &key)| key != 0)
        .map(|(i, &key)| (key, (i / k) as u32))
        .collect();
    // In person order already: a stable sort by key orders by (key, person).
    radix_sort_by_key(&mut entries);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{data, today};
    use crate::rules::{dup_event, RowCtx};

    /// Parses every combination of the cells and checks the values against
    /// the slow path they replace: `RowCtx`, `dup_event::key`, `normalize`.
    fn same_as_slow_path(profile: &str, cells: &[(Field, &[&str])]) {
        let d = data();
        let prof = d.profile(profile).unwrap();
        let headers: Vec<String> = cells
            .iter()
            .map(|(f, _)| prof.fields.get(f).unwrap()[0].clone())
            .collect();
        let mapping = Mapping::new(prof, &headers);
        let event_fields: Vec<Field> = mapping
            .profile
            .event_key
            .iter()
            .copied()
            .filter(|f| !is_person_field(*f) && mapping.column(*f).is_some())
            .collect();
        assert!(!event_fields.is_empty());
        let parser = Parser {
            mapping: &mapping,
            data: d,
            event_fields: &event_fields,
            expected: headers.len(),
            delim: b',',
            used: (0..headers.len())
                .map(|c| mapping.col.contains(&Some(c)))
                .collect(),
        };
        let combos: usize = cells.iter().map(|(_, v)| v.len()).max().unwrap() * 7;
        let rows: Vec<Vec<&str>> = (0..combos)
            .map(|n| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| v[(n * (i + 1) + n / v.len()) % v.len()])
                    .collect()
            })
            .collect();
        let lines: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        // One scratch for all rows, as a worker uses it.
        let mut s = Scratch::new();
        for (row, line) in rows.iter().zip(&lines) {
            let p = parser.parse(&mut s, line.as_bytes()).unwrap();
            let ctx = RowCtx::new(2, row, &mapping, d, today(), false);
            let e = p.event.unwrap();
            assert_eq!(e.exact, dup_event::key(&ctx), "{row:?}");
            assert_eq!(p.person.dob, ctx.dob, "{row:?}");
            assert_eq!(p.person.sex, ctx.sex, "{row:?}");
            let name = ctx.get(Field::FullName).unwrap_or("");
            let name = match name.char_indices().nth(MAX_NAME_CHARS) {
                Some((i, _)) => &name[..i],
                None => name,
            };
            assert_eq!(&*p.person.name_norm, normalize(name), "{row:?}");
            assert_eq!(&*p.person.name_fold, crate::text::fold(name), "{row:?}");
        }
    }

    const NAMES: &[&str] = &[
        "Nguyễn Thị Lan",
        "NGUYEN  THI LAN",
        "nguyen\tthi lan",
        "lan",
        "Nguye\u{0302}\u{0303}n Văn A",
        "ĐẶNG ĐỨC ĐẠT",
        "Ω Ǆemal Æsir",
        "",
        "  Trần   Văn Hùng  ",
        "Lê Ngọc Thắng Lê Ngọc Thắng Lê Ngọc Thắng Lê Ngọc Thắng Lê Ngọc Thắng Lê Ngọc Thắng Lê Ngọc Thắng",
    ];
    const DATES: &[&str] = &[
        "12/05/1990",
        "1990-05-12",
        "1990",
        "31/02/2000",
        "abc",
        "",
        "32937",
        "03/1945",
    ];
    const IDS: &[&str] = &[
        "001190012345",
        "1.23457E+11",
        "",
        "123456789",
        "38089012345",
        "001 089 012 345",
        "Không có",
    ];

    #[test]
    fn fast_parse_matches_row_ctx_vaccination() {
        same_as_slow_path(
            "vaccination",
            &[
                (Field::FullName, NAMES),
                (Field::Dob, DATES),
                (Field::Sex, &["Nữ", "nam", "", "X", "NAM "]),
                (Field::Id, IDS),
                (
                    Field::Vaccine,
                    &["AstraZeneca", "", "pfizer", "Vero Cell", "VERO  cell"],
                ),
                (Field::Dose, &["1", "Mũi 2", "", "02", "1.0"]),
                (Field::VaccinationDate, DATES),
            ],
        );
    }

    #[test]
    fn fast_parse_matches_row_ctx_other_profiles() {
        same_as_slow_path(
            "bhxh",
            &[
                (Field::FullName, NAMES),
                (Field::Dob, DATES),
                (Field::Id, IDS),
                (Field::BhxhCode, &["0123456789", "", "AB 12"]),
                (Field::Employer, &["Công ty A", "", "cong ty a"]),
            ],
        );
        same_as_slow_path(
            "education",
            &[
                (Field::FullName, NAMES),
                (Field::Dob, DATES),
                (Field::Id, IDS),
                (Field::School, &["THCS Tân Quang", "", "thcs"]),
                (Field::Class, &["6A", "", "6a"]),
            ],
        );
    }

    #[test]
    fn nfc_starters_are_nfc() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        for c in (0u32..0x2000)
            .filter_map(char::from_u32)
            .filter(|&c| nfc_starter(c))
        {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
        let mut out = String::new();
        for s in NAMES {
            normalize_name(s, &mut out);
            assert_eq!(out, normalize(s));
        }
    }

    #[test]
    fn dates_written_as_chrono_does() {
        for (y, m, d) in [
            (1990, 5, 12),
            (1, 1, 1),
            (0, 12, 31),
            (9999, 2, 3),
            (2026, 11, 23),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                iso_date(date).unwrap().as_slice(),
                date.format("%Y-%m-%d").to_string().as_bytes()
            );
        }
        assert!(iso_date(NaiveDate::from_ymd_opt(-5, 1, 1).unwrap()).is_none());
    }

    #[test]
    fn radix_sort_orders_like_sort() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut v: Vec<(u64, u32)> = (0..5000u32)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // few distinct keys, some equal in the high bits only
                (if i % 3 == 0 { x % 17 } else { x }, i)
            })
            .collect();
        let mut want = v.clone();
        want.sort_unstable();
        radix_sort_by_key(&mut v);
        assert_eq!(v, want);
    }
}
