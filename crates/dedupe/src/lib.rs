//! Finding the same person recorded twice, and the same event recorded twice.
//!
//! 1. Read the file once (batches parsed in parallel). Rows with the same ID,
//!    folded name and date of birth are one *person record* (a vaccination
//!    export has one row per dose): comparisons run on person records.
//! 2. Blocking: each record gets one key per block of `rules/dedupe.toml`
//!    (birth date + given name, birth year + full name, ID prefix, …); only
//!    records sharing a key are compared. A block with a sort key and more
//!    than its `window` (the block's own or the file's) records is compared
//!    by sorted neighbourhood (each record with the next `window - 1` in sort
//!    order); other blocks larger than `max_block` are skipped with a
//!    warning. Work and memory grow with the blocks, not with rows squared.
//!    A pair met in several blocks is scored once (kept once when two
//!    windowed blocks both met it).
//! 3. Scoring: field comparisons weighted Fellegi–Sunter style; pairs at or
//!    over the threshold are joined by union–find.
//! 4. A cluster of records with *different* IDs, or an ID missing in one, is
//!    one person recorded as several (DUP003, DUP004). Records with the same
//!    ID are the same person and never a person duplicate, but their rows,
//!    with those of person clusters, are searched for the same event recorded
//!    twice with dates a few days apart (DUP005).

pub mod clusters_file;
pub mod compare;
pub mod config;
pub mod counts;
pub mod learn;

use chrono::NaiveDate;
use compare::{
    compare_events, compare_min, short_phone_code, Bounds, Comparison, IdKey, IdLevel,
    PersonRecord, Pool,
};
use config::{DedupeSettings, KeyPart};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::split_fields;
use lamsach_io::input::{Batch, Item};
use lamsach_model::layout::Opened;
use lamsach_model::parse::date::{self, DateValue};
use lamsach_model::parse::id::{self, IdProblem, IdValue};
use lamsach_model::profile::Sex;
use lamsach_model::profile::{Field, Mapping, RuleData};
use lamsach_rules::Finding;
use lamsach_text::Lang;
use lamsach_text::{fold_into, normalize, trim};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::BTreeMap;
use xxhash_rust::xxh3::xxh3_64;

/// Names longer than this (in characters) are cut for comparison.
const MAX_NAME_CHARS: usize = 96;

/// One data row: which person record it belongs to, and its event.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub person: u32,
    /// Non-empty cells among the mapped fields.
    pub filled: u16,
    /// How little the row itself needs fixing ([`sound`]): of two rows of
    /// one record, the sounder is kept.
    pub sound: u8,
    pub event: Option<Event>,
}

/// How little a row's own ID and birth date need fixing: an ID written as
/// 12 digits with a known province code (4), one a repair restores (lost
/// zeros, separators: 2), then a full birth date (1).
fn sound(id: &IdValue, dob: &DateValue, data: &RuleData) -> u8 {
    let id = match id {
        IdValue::Cccd(d) => {
            let s = lamsach_model::parse::id::IdStructure::of(d);
            if data.province(s.province).is_some() {
                4
            } else {
                0
            }
        }
        IdValue::DroppedZeros { .. }
        | IdValue::Malformed(lamsach_model::parse::id::IdProblem::Separators { .. }) => 2,
        _ => 0,
    };
    id + u8::from(matches!(dob, DateValue::Full(_)))
}

#[derive(Debug, Clone, Copy)]
pub struct Event {
    /// Hash of the event fields other than dates (vaccine, dose), folded.
    pub key: u64,
    /// DUP001's key, when `has_exact` (see [`Event::exact`]).
    exact_key: u64,
    has_exact: bool,
    pub date: Option<NaiveDate>,
}

impl Event {
    fn new(key: u64, date: Option<NaiveDate>, exact: Option<u64>) -> Event {
        Event {
            key,
            exact_key: exact.unwrap_or(0),
            has_exact: exact.is_some(),
            date,
        }
    }
    /// DUP001's key: rows equal on it are DUP001's, not ours.
    pub fn exact(&self) -> Option<u64> {
        self.has_exact.then_some(self.exact_key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClusterKind {
    Person,
    Event,
}

impl ClusterKind {
    pub fn key(self) -> &'static str {
        match self {
            ClusterKind::Person => "person",
            ClusterKind::Event => "event",
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
    /// The person record the row belongs to (rows of one record share it).
    pub record: u32,
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
    pub kind: ClusterKind,
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
    /// Components split where two of their records clearly disagreed (a
    /// chain A–B–C of two people): how many more clusters that made.
    pub chains_split: usize,
}

/// Everything a dedupe run found.
pub struct Detection {
    pub mapping: Mapping,
    pub delim: u8,
    pub clusters: Vec<Cluster>,
    pub oversized: Vec<Oversized>,
    pub stats: Stats,
    /// With `keep_pairs`: every pair of rows that met, by line.
    pub met: Vec<MetPair>,
    /// What learning the weights found, when they were learned.
    pub learned: Option<learn::LearnReport>,
    /// The settings asked to learn the weights (`learn = true`), learned or
    /// not (a file too small keeps the hand-set weights).
    pub learn_asked: bool,
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

/// Phone digits in national form into `out` ("" when not a plausible number).
fn phone_key(v: &str, out: &mut String) {
    out.clear();
    out.extend(v.bytes().filter(u8::is_ascii_digit).map(char::from));
    if out.len() == 11 && out.starts_with("84") {
        out.replace_range(..2, "0");
    } else if out.len() == 9 && !out.starts_with('0') {
        out.insert(0, '0');
    }
    if !(out.len() >= 9 && out.bytes().any(|b| b != b'0')) {
        out.clear();
    }
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
    persons: Vec<PersonRecord>,
    pool: Pool,
    event_fields: Vec<Field>,
}

/// A string a worker parsed: a range of its batch's text, and its xxh3
/// (any value for an empty span, which is never interned).
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: usize,
    end: usize,
    hash: u64,
}

impl Span {
    fn put(text: &mut String, s: &str) -> Span {
        Self::put_hashed(text, s, xxh3_64(s.as_bytes()))
    }
    fn put_hashed(text: &mut String, s: &str, hash: u64) -> Span {
        let start = text.len();
        text.push_str(s);
        Span {
            start,
            end: text.len(),
            hash,
        }
    }
    fn get(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A person record as a worker parsed it: strings not yet interned.
#[derive(Debug, Clone, Copy)]
struct RawPerson {
    name: Span,
    /// None when the normalised name is the folded one.
    norm: Option<Span>,
    dob: DateValue,
    sex: Option<Sex>,
    id: IdKey,
    /// [`compare::phone_code`] when it needs no table, else 0 and the
    /// digits in `long_phone`.
    phone: u64,
    long_phone: Option<Span>,
    /// Ids in the batch's [`BatchOut::values`] (0: empty).
    commune: u32,
    district: u32,
    address: u32,
    vaccine: u32,
    postcode: u32,
    email: u32,
    text: u32,
}

struct Parsed {
    line: u64,
    person: RawPerson,
    key: u64,
    filled: u16,
    sound: u8,
    event: Option<Event>,
}

/// The parsed rows of one batch, their strings in one buffer.
struct BatchOut {
    text: String,
    /// Values of the columns of few distinct values, each once: value `i`
    /// (from 1) is `values[i - 1]`.
    values: Vec<Span>,
    rows: Vec<Parsed>,
}

/// The span of value `id` of `values` (empty for 0).
fn value_span(values: &[Span], id: u32) -> Span {
    let i = (id as usize).wrapping_sub(1);
    values.get(i).copied().unwrap_or_default()
}

struct Parser<'a> {
    mapping: &'a Mapping,
    data: &'a RuleData,
    event_fields: &'a [Field],
    expected: usize,
    delim: u8,
    /// By column, the number of fields mapped to it.
    mapped: Vec<u16>,
}

impl<'a> Parser<'a> {
    fn new(mapping: &'a Mapping, data: &'a RuleData, event_fields: &'a [Field], delim: u8) -> Self {
        let expected = mapping.headers.len();
        let mapped = (0..expected)
            .map(|c| mapping.col.iter().filter(|&&x| x == Some(c)).count() as u16)
            .collect();
        Parser {
            mapping,
            data,
            event_fields,
            expected,
            delim,
            mapped,
        }
    }

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
            IdValue::Cmnd9 => raw
                .trim()
                .as_bytes()
                .try_into()
                .map_or(IdKey::Invalid, IdKey::Other),
            IdValue::Missing => IdKey::None,
            _ => IdKey::Invalid,
        }
    }

    /// An identifier of a shape the profile declares (`id_digits`), as an
    /// ID of its own kind, left-padded to 9 digits (longer ones are not).
    fn declared_id(&self, raw: &str) -> Option<IdKey> {
        let v = raw.trim();
        let ok = v.bytes().all(|b| b.is_ascii_digit())
            && v.len() <= 9
            && self.mapping.profile.id_digits.contains(&v.len());
        ok.then(|| {
            let mut d = [b'0'; 9];
            d[9 - v.len()..].copy_from_slice(v.as_bytes());
            IdKey::Other(d)
        })
    }

    /// `duplicate_event::key` of the row, reusing the folded name and vaccine.
    fn exact_key(&self, x: ExactIn<'_, '_>) -> Option<u64> {
        let (name_fold, vaccine, buf) = (x.name_fold, x.vaccine, x.buf);
        lamsach_rules::dup::duplicate_event::key_of(
            x.hash,
            &self.mapping.profile.event_key,
            x.get,
            lamsach_rules::dup::duplicate_event::KeyRow {
                id: x.id,
                dob: x.dob,
                vaccination_date: x.vaccination_date,
            },
            |f, v, h| match (f, name_fold) {
                (Field::FullName, Some(n)) => h.extend_from_slice(n.as_bytes()),
                (Field::Vaccine, _) => h.extend_from_slice(vaccine.as_bytes()),
                _ => {
                    buf.clear();
                    fold_into(v, buf);
                    h.extend_from_slice(buf.as_bytes());
                }
            },
        )
    }

    /// Parses one record; None for blank or unreadable rows (the engine
    /// reports those). Only the cells dedupe uses are decoded; `s` holds
    /// buffers reused from row to row.
    fn parse<'b>(
        &self,
        s: &mut Scratch<'b>,
        bytes: &'b [u8],
        text: &mut String,
        folded: &mut Vec<Span>,
    ) -> Option<(RawPerson, u64, u16, u8, Option<Event>)> {
        split_fields(bytes, self.delim, &mut s.raw);
        if s.raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return None;
        }
        // titles, sections, subtotals and footers are not persons
        if lamsach_model::layout::non_record_cells(&s.raw, self.mapping, &self.data.headers)
            .is_some()
        {
            return None;
        }
        lamsach_io::input::drop_empty_tail(&mut s.raw, self.expected);
        if s.raw.len() != self.expected {
            return None;
        }
        // Cells of mapped columns as text (lossy only when not UTF-8); the
        // others stay empty: nothing here reads them.
        // Trimmed once here: every reader below wants them trimmed.
        // Fields are split at ASCII bytes: when the whole record is valid
        // UTF-8, so is every unquoted field, checked once.
        let rec = if self.delim.is_ascii() {
            simdutf8::basic::from_utf8(bytes).ok()
        } else {
            None
        };
        // Non-empty cells, counted once per field mapped to them.
        let mut filled = 0u16;
        s.text.clear();
        for (c, f) in s.raw.iter().enumerate() {
            let n = self.mapped.get(c).copied().unwrap_or(0);
            let cell = if n == 0 {
                Cow::Borrowed("")
            } else {
                let within = match (rec, f) {
                    (Some(r), Cow::Borrowed(b)) => lamsach_text::sub_str(r, b),
                    _ => None,
                };
                match within {
                    Some(t) => Cow::Borrowed(trim(t)),
                    None => cell_text(f),
                }
            };
            if !cell.is_empty() {
                filled = filled.wrapping_add(n);
            }
            s.text.push(cell);
        }
        let values = &s.text;
        let get = |f: Field| {
            self.mapping
                .column(f)
                .map(|c| values.get(c).map_or("", |v| v.as_ref()))
        };
        let full_name = get(Field::FullName).unwrap_or("");
        // Names are compared with edit distances: a hostile 1 MB "name" must
        // not make one comparison cost 10¹² steps.
        // (no more bytes than that: no more characters either)
        let name = match full_name.len() > MAX_NAME_CHARS {
            true => match full_name.char_indices().nth(MAX_NAME_CHARS) {
                Some((i, _)) => full_name.get(..i).unwrap_or(full_name),
                None => full_name,
            },
            false => full_name,
        };
        let buf = &mut s.fold;
        // The rows of a person follow each other: the same name again is
        // taken from the row before.
        let memo = &mut s.name;
        let (name_span, norm) = if memo.batch == s.batch && memo.raw == name {
            (memo.fold, memo.norm)
        } else {
            buf.clear();
            fold_into(name, buf);
            let name_span = Span::put(text, buf);
            // ASCII: normalising is folding (lower case, single spaces).
            let norm = if name.is_ascii() {
                None
            } else {
                normalize_name(name, buf);
                (buf.as_str() != name_span.get(text)).then(|| Span::put(text, buf))
            };
            memo.raw.clear();
            memo.raw.push_str(name);
            (memo.batch, memo.fold, memo.norm) = (s.batch, name_span, norm);
            (name_span, norm)
        };
        let (caches, batch) = (&mut s.caches, s.batch);
        let mut fold_value = |i: usize, v: Option<&str>| match caches.get_mut(i) {
            Some(c) => c.fold(v.unwrap_or(""), buf, text, folded, batch),
            None => 0,
        };
        let commune = fold_value(0, get(Field::Commune));
        let district = fold_value(1, get(Field::District));
        let address = fold_value(2, get(Field::Address));
        let vaccine = fold_value(3, get(Field::Vaccine));
        let postcode = fold_value(5, get(Field::Postcode));
        let email = fold_value(6, get(Field::Email));
        let text_value = fold_value(7, get(Field::Text));
        let sex = get(Field::Sex).map(|v| fold_value(4, Some(v)));
        let sex = sex.and_then(|id| self.data.sex_of(value_span(folded, id).get(text)));
        let phone_raw = get(Field::Phone).unwrap_or("");
        let (phone, long_phone) = match s.phone.get(phone_raw) {
            Some(&code) => (code, None),
            None => {
                phone_key(phone_raw, buf);
                match short_phone_code(buf).filter(|_| buf.len() <= 17) {
                    Some(code) => {
                        s.phone.set(phone_raw, code);
                        (code, None)
                    }
                    None => (0, Some(Span::put(text, buf))),
                }
            }
        };
        let id_raw = get(Field::Id);
        let (id_value, id_key) = match id_raw {
            None => (IdValue::Missing, Self::id_key(&IdValue::Missing, "")),
            Some(v) => match s.id.get(v) {
                Some(known) => known.clone(),
                None => {
                    let value = id::parse(v, self.data);
                    let mut key = Self::id_key(&value, v);
                    if key == IdKey::Invalid {
                        key = self.declared_id(v).unwrap_or(key);
                    }
                    s.id.set(v, (value.clone(), key));
                    (value, key)
                }
            },
        };
        let dob_raw = get(Field::Dob);
        let dob = dob_raw.map_or(DateValue::Missing, date::parse);
        let row_sound = sound(&id_value, &dob, self.data);
        let person = RawPerson {
            name: name_span,
            norm,
            dob,
            sex,
            id: id_key,
            phone,
            long_phone,
            commune,
            district,
            address,
            vaccine,
            postcode,
            email,
            text: text_value,
        };
        let name_fold = name_span.get(text);
        let vaccine = value_span(folded, vaccine).get(text);
        let h = &mut s.key;
        h.clear();
        if let Some(d) = person.id.digits() {
            h.update(d);
        } else if person.id == IdKey::Invalid {
            // rows with different unusable IDs stay apart: merged, they
            // would be reported nowhere; compared, they form a cluster
            h.update(&[0x1e]);
            h.update(id_raw.unwrap_or("").trim().as_bytes());
        }
        h.update(&[0x1f]);
        h.update(name_fold.as_bytes());
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
        // With neither an ID nor a full birth date, a name alone does not
        // make rows one record (a list of people has many a "John Smith"
        // without a date): their places and contacts must agree too.
        if person.id.digits().is_none() && !matches!(person.dob, DateValue::Full(_)) {
            for f in [
                Field::Commune,
                Field::Address,
                Field::Postcode,
                Field::Email,
                Field::Phone,
            ] {
                h.update(&[0x1f]);
                s.fold.clear();
                fold_into(get(f).unwrap_or(""), &mut s.fold);
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
                    k.update(vaccine.as_bytes());
                    k.update(&[0x1f]);
                } else {
                    k.update(event_value(f, v, &mut s.fold).as_bytes());
                    k.update(&[0x1f]);
                }
            }
            // DUP001's key (`duplicate_event::key`), from the values parsed above.
            let exact = self.exact_key(ExactIn {
                get: &get,
                id: &id_value,
                dob,
                vaccination_date: vaccination_date.unwrap_or(DateValue::Missing),
                name_fold: (name.len() == full_name.len()).then_some(name_fold),
                vaccine,
                buf: &mut s.fold,
                hash: &mut s.hash,
            });
            Event::new(k.digest(), date, exact)
        });
        Some((person, key, filled, row_sound, event))
    }

    /// Parses the records of one batch.
    fn parse_batch<'b>(&self, s: &mut Scratch<'b>, b: &'b Batch) -> BatchOut {
        s.start_batch();
        let mut out = BatchOut {
            text: String::with_capacity(b.items.len() * 32),
            values: Vec::new(),
            rows: Vec::with_capacity(b.items.len()),
        };
        for item in &b.items {
            let Item::Rec { line, start, end } = *item else {
                continue;
            };
            let bytes = b.buf.get(start..end).unwrap_or_default();
            if let Some((person, key, filled, sound, event)) =
                self.parse(s, bytes, &mut out.text, &mut out.values)
            {
                out.rows.push(Parsed {
                    line,
                    person,
                    key,
                    filled,
                    sound,
                    event,
                });
            }
        }
        out
    }
}

/// True for the letters of Vietnamese (and other Latin) text that are NFC
/// as they stand and combine with nothing before them: ASCII, Latin-1 and
/// Latin Extended-A/B letters, Latin Extended Additional (ạ … ỹ).
fn nfc_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{7f}' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
}

/// For each code point below U+2000: its lower case when that is one
/// character below U+2000 (else 0), looked up instead of `to_lowercase`.
fn lower_table() -> &'static [u16] {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0u32..0x2000)
            .map(|cp| {
                let mut l = char::from_u32(cp).into_iter().flat_map(char::to_lowercase);
                match (l.next(), l.next()) {
                    (Some(c), None) => u16::try_from(u32::from(c)).unwrap_or(0),
                    _ => 0,
                }
            })
            .collect()
    })
}

/// [`normalize`] into `out`, without the NFC pass when every character is
/// NFC as it stands.
fn normalize_name(s: &str, out: &mut String) {
    out.clear();
    let table = lower_table();
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_ascii() {
            lamsach_text::push_ascii_collapsing(c, out, 0, &mut pending_space);
            continue;
        }
        // Not ASCII: no starter here is whitespace.
        if !nfc_starter(c) {
            out.clear();
            out.push_str(&normalize(s));
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match table
            .get(c as usize)
            .and_then(|&l| char::from_u32(u32::from(l)))
        {
            Some(l) if l != '\0' => out.push(l),
            _ => out.extend(c.to_lowercase()),
        }
    }
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
    /// Folded commune, district, address, vaccine, sex, postcode, email.
    caches: [FoldCache; 8],
    /// Number of the batch being parsed (see [`Scratch::start_batch`]).
    batch: u64,
    /// The last name parsed.
    name: NameMemo,
    /// The last phone with its code (when short), the last ID read.
    phone: Memo<u64>,
    id: Memo<(IdValue, IdKey)>,
}

/// The value computed from the last cell (rows of a person follow each
/// other: the same cell often comes again).
struct Memo<T> {
    raw: String,
    value: Option<T>,
}

impl<T> Memo<T> {
    fn get(&self, raw: &str) -> Option<&T> {
        self.value.as_ref().filter(|_| self.raw == raw)
    }
    fn set(&mut self, raw: &str, value: T) {
        self.raw.clear();
        self.raw.push_str(raw);
        self.value = Some(value);
    }
}

/// A name (cut to [`MAX_NAME_CHARS`]) as parsed into the text of batch
/// number `batch`.
#[derive(Default)]
struct NameMemo {
    raw: String,
    batch: u64,
    fold: Span,
    norm: Option<Span>,
}

/// Folded values of a column of few distinct values (communes, vaccines),
/// by raw cell, so that each is folded and hashed once, and written once
/// per batch. Turns itself off for a column of many distinct values.
#[derive(Default)]
struct FoldCache {
    map: FxHashMap<Box<str>, Folded>,
    hits: u32,
    misses: u32,
    /// The last value and its id, in the values of batch `last_batch`:
    /// rows of a person follow each other.
    last: String,
    last_id: u32,
    last_batch: u64,
}

/// A cached folded value and its id in the current batch's values.
struct Folded {
    fold: Box<str>,
    hash: u64,
    /// [`Scratch::batch`] of `id`.
    batch: u64,
    id: u32,
}

impl FoldCache {
    /// The id of the folded `v` (0 for an empty cell) in `values` (of
    /// batch number `batch`, their strings in `text`): added there, or the
    /// one this batch has already.
    fn fold(
        &mut self,
        v: &str,
        buf: &mut String,
        text: &mut String,
        values: &mut Vec<Span>,
        batch: u64,
    ) -> u32 {
        if v.is_empty() {
            return 0;
        }
        if self.last_batch == batch && self.last == v {
            self.hits = self.hits.saturating_add(1);
            return self.last_id;
        }
        let mut add = |span: Span| {
            values.push(span);
            u32::try_from(values.len()).unwrap_or(0)
        };
        let id = match self.map.get_mut(v) {
            Some(f) => {
                self.hits = self.hits.saturating_add(1);
                if f.batch != batch {
                    f.id = add(Span::put_hashed(text, &f.fold, f.hash));
                    f.batch = batch;
                }
                f.id
            }
            None => {
                buf.clear();
                fold_into(v, buf);
                let span = Span::put(text, buf);
                let id = add(span);
                self.misses = self.misses.saturating_add(1);
                // Off when most values are new (addresses); bounded either way.
                if self.misses <= 256 || self.misses < self.hits / 4 {
                    if self.map.len() >= 4096 {
                        self.map.clear();
                    }
                    let fold = buf.as_str().into();
                    let hash = span.hash;
                    self.map.insert(
                        v.into(),
                        Folded {
                            fold,
                            hash,
                            batch,
                            id,
                        },
                    );
                }
                id
            }
        };
        self.last.clear();
        self.last.push_str(v);
        (self.last_id, self.last_batch) = (id, batch);
        id
    }
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
            caches: Default::default(),
            batch: 0,
            name: NameMemo {
                batch: u64::MAX,
                ..NameMemo::default()
            },
            phone: Memo {
                raw: String::new(),
                value: None,
            },
            id: Memo {
                raw: String::new(),
                value: None,
            },
        }
    }
    /// Called before parsing into a new text buffer: spans of the earlier
    /// ones are not reused in it.
    fn start_batch(&mut self) {
        self.batch = self.batch.wrapping_add(1);
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

/// A cell as trimmed text: borrowed when it is UTF-8, lossy otherwise.
fn cell_text<'b>(f: &Cow<'b, [u8]>) -> Cow<'b, str> {
    match f {
        Cow::Borrowed(b) => match String::from_utf8_lossy(b) {
            Cow::Borrowed(t) => Cow::Borrowed(trim(t)),
            Cow::Owned(t) => Cow::Owned(trim(&t).to_string()),
        },
        Cow::Owned(v) => Cow::Owned(trim(&String::from_utf8_lossy(v)).to_string()),
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

/// Person records as they are read: rows merged into records, strings interned.
#[derive(Default)]
struct Records {
    persons: Vec<PersonRecord>,
    pool: Pool,
    index: FxHashMap<u64, u32>,
}

impl Records {
    /// [`compare::phone_code`] of the record's phone.
    fn phone(&mut self, text: &str, q: &RawPerson) -> u64 {
        match q.long_phone {
            None => q.phone,
            Some(s) => {
                let d = s.get(text);
                (1 << 63) | u64::from(self.pool.long_phones.intern_hashed(s.hash, d))
            }
        }
    }
    /// The id in `pool.values` of value `id` of the batch, interned the
    /// first time a row uses it; `ids` holds the ids so far.
    fn value(&mut self, out: &BatchOut, ids: &mut [u32], id: u32) -> u32 {
        let Some(slot) = ids.get_mut((id as usize).wrapping_sub(1)) else {
            return 0;
        };
        if *slot == u32::MAX {
            let s = value_span(&out.values, id);
            *slot = if s.start == s.end {
                0
            } else {
                self.pool.values.intern_hashed(s.hash, s.get(&out.text))
            };
        }
        *slot
    }

    fn add(&mut self, out: BatchOut) -> Result<()> {
        let text = out.text.as_str();
        let ids = &mut vec![u32::MAX; out.values.len()];
        self.warm(&out);
        for p in &out.rows {
            let next = u32::try_from(self.persons.len())
                .ok()
                .filter(|n| *n < u32::MAX && self.pool.rows.len() < u32::MAX as usize)
                .ok_or_else(|| {
                    Error::Usage(
                        "tệp quá lớn để tìm bản ghi trùng / file too large for duplicate search"
                            .into(),
                    )
                })?;
            let q = &p.person;
            let id = *self.index.entry(p.key).or_insert(next);
            if id == next {
                let strings = &mut self.pool.names.strings;
                let name = strings.intern_hashed(q.name.hash, q.name.get(text));
                let norm = match q.norm {
                    Some(n) => strings.intern_hashed(n.hash, n.get(text)),
                    None => name,
                };
                let person = PersonRecord {
                    name,
                    norm,
                    dob: q.dob,
                    sex: q.sex,
                    id: q.id,
                    phone: self.phone(text, q),
                    commune: self.value(&out, ids, q.commune),
                    district: self.value(&out, ids, q.district),
                    address: self.value(&out, ids, q.address),
                    vaccine: self.value(&out, ids, q.vaccine),
                    postcode: self.value(&out, ids, q.postcode),
                    email: self.value(&out, ids, q.email),
                    text: self.value(&out, ids, q.text),
                    rows_at: 0,
                    rows_n: 0,
                };
                self.persons.push(person);
            } else if let Some(e) = self.persons.get(id as usize).copied() {
                // Fill the record's empty fields from this row.
                let mut m = e;
                if m.sex.is_none() {
                    m.sex = q.sex;
                }
                if m.phone == 0 {
                    m.phone = self.phone(text, q);
                }
                if m.commune == 0 {
                    m.commune = self.value(&out, ids, q.commune);
                }
                if m.district == 0 {
                    m.district = self.value(&out, ids, q.district);
                }
                if m.address == 0 {
                    m.address = self.value(&out, ids, q.address);
                }
                if m.postcode == 0 {
                    m.postcode = self.value(&out, ids, q.postcode);
                }
                if m.email == 0 {
                    m.email = self.value(&out, ids, q.email);
                }
                if m.text == 0 {
                    m.text = self.value(&out, ids, q.text);
                }
                if let Some(slot) = self.persons.get_mut(id as usize) {
                    *slot = m;
                }
            }
            self.pool.rows.push(Row {
                line: p.line,
                person: id,
                filled: p.filled,
                sound: p.sound,
                event: p.event,
            });
        }
        Ok(())
    }

    /// Looks the batch's rows up in one tight loop before they are added one
    /// by one: the record of a known person, the name table for a new one.
    /// The cache misses of tables of millions of entries overlap there
    /// instead of stalling each row. Pure speed-up.
    fn warm(&self, out: &BatchOut) {
        let found = out
            .rows
            .iter()
            .filter(|p| match self.index.get(&p.key) {
                Some(&id) => self
                    .persons
                    .get(id as usize)
                    .is_some_and(|q| q.sex.is_none()),
                None => self.pool.names.strings.has_hash(p.person.name.hash),
            })
            .count();
        std::hint::black_box(found);
    }

    /// The rows of each record, in one table.
    fn finish_rows(&mut self) {
        for r in &self.pool.rows {
            if let Some(p) = self.persons.get_mut(r.person as usize) {
                p.rows_n = p.rows_n.saturating_add(1);
            }
        }
        let mut at = 0u32;
        for p in &mut self.persons {
            p.rows_at = at;
            at = at.saturating_add(p.rows_n);
            p.rows_n = 0;
        }
        self.pool.row_ids = vec![0; self.pool.rows.len()];
        for (i, r) in self.pool.rows.iter().enumerate() {
            if let Some(p) = self.persons.get_mut(r.person as usize) {
                if let Some(slot) = self
                    .pool
                    .row_ids
                    .get_mut((p.rows_at as usize).saturating_add(p.rows_n as usize))
                {
                    *slot = i as u32;
                    p.rows_n += 1;
                }
            }
        }
    }
}

fn read_rows(opened: &Opened, data: &RuleData) -> Result<Loaded> {
    let path = opened.source.path();
    let (mapping, delim) = (&opened.mapping, opened.source.delim());
    let mut reader = opened.source.records()?;
    let read_err = Error::read(path);
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
    let parser = Parser::new(mapping, data, &event_fields, delim);
    let mut rec = Records::default();
    let batch_rows = data.limits.batch_rows.max(1);
    let in_flight = lamsach_io::input::batches_in_flight();
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(in_flight);
    // Pipeline, as the check's: a reader thread fills batches; groups of
    // batches are parsed in parallel while the group before is merged here,
    // in input order.
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || lamsach_io::input::send_batches(&mut reader, batch_rows, &tx, None));
        let parser = &parser;
        // One scratch per batch: its caches hold the batch's values.
        let (parse, groups) = lamsach_io::input::map_groups(scope, rx, in_flight, |b| {
            parser.parse_batch(&mut Scratch::new(), b)
        });
        // Owned here so that an early return drops it, which ends the
        // parse and reader threads (their sends fail) and lets the scope join.
        for group in groups {
            if lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            for out in group.map_err(&read_err)? {
                rec.add(out)?;
            }
        }
        parse.join().map_err(|_| Error::internal("đọc", "a worker"))
    })?;
    rec.index = FxHashMap::default();
    rec.finish_rows();
    rec.pool.names.finish(&rec.persons);
    rec.pool.count_values(&rec.persons);
    Ok(Loaded {
        mapping: mapping.clone(),
        delim,
        persons: rec.persons,
        pool: rec.pool,
        event_fields,
    })
}

/// The block key of one record for one block definition; 0 when a part is empty.
/// Built from the parts' interned ids and numbers, not their text: equal
/// ids are equal strings, and no string is read.
fn block_key(
    h: &mut HashBuf,
    p: &PersonRecord,
    pool: &Pool,
    block: usize,
    parts: &[KeyPart],
) -> u64 {
    use chrono::Datelike;
    h.clear();
    h.update(&(block as u64).to_le_bytes());
    let full = match p.dob {
        DateValue::Full(d) => Some(d),
        _ => None,
    };
    let unordered = |d: NaiveDate| {
        let (a, b) = (d.day().min(d.month()), d.day().max(d.month()));
        u64::from(a) << 8 | u64::from(b)
    };
    let info = || pool.names.info(p.name);
    let digits = |d: Option<&[u8]>| d.filter(|d| !d.is_empty()).map(xxh3_64);
    let nonzero = |v: u64| (v != 0).then_some(v);
    for part in parts {
        let v = match part {
            KeyPart::Dob => full.map(|d| d.num_days_from_ce() as u32 as u64),
            KeyPart::DobUnordered => full.map(|d| (d.year() as u32 as u64) << 16 | unordered(d)),
            KeyPart::DayMonth => full.map(unordered),
            KeyPart::BirthYear => p.dob.year().map(|y| y as u32 as u64),
            KeyPart::GivenName => nonzero(u64::from(info().given)),
            KeyPart::FamilyName => nonzero(u64::from(info().family)),
            KeyPart::FullName => nonzero(u64::from(p.name)),
            KeyPart::Id => digits(p.id.digits()),
            KeyPart::IdPrefix(n) => digits(
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(..*n)),
            ),
            KeyPart::IdSuffix(n) => digits(
                p.id.digits()
                    .filter(|d| d.len() >= *n)
                    .and_then(|d| d.get(d.len() - n..)),
            ),
            KeyPart::Phone => nonzero(p.phone),
            KeyPart::Sex => p.sex.map(|s| s as u64),
            KeyPart::Commune => nonzero(u64::from(p.commune)),
            KeyPart::District => nonzero(u64::from(p.district)),
            KeyPart::Postcode => nonzero(u64::from(p.postcode)),
            KeyPart::Email => nonzero(u64::from(p.email)),
            KeyPart::SortedName | KeyPart::Initials | KeyPart::NameSkeleton => {
                let text = name_key(pool.names.fold(p), *part);
                (!text.is_empty()).then(|| xxh3_64(text.as_bytes()))
            }
        };
        match v {
            Some(v) => h.update(&v.to_le_bytes()),
            None => return 0,
        }
    }
    h.digest().max(1)
}

/// The text a name key part stands for, from the folded name.
fn name_key(folded: &str, part: KeyPart) -> String {
    match part {
        KeyPart::SortedName => {
            let mut w: Vec<&str> = folded.split_whitespace().collect();
            w.sort_unstable();
            w.join(" ")
        }
        KeyPart::Initials => folded
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect(),
        _ => {
            let mut out = String::with_capacity(folded.len());
            for c in folded
                .chars()
                .filter(|c| c.is_alphanumeric() && !"aeiouy".contains(*c))
            {
                if !out.ends_with(c) {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// The order of a record in a sorted-neighbourhood block: 0 when it has no
/// value for `part` (such records come first and meet every record).
/// Strings order by their first eight bytes, which is all a window needs.
fn sort_value(p: &PersonRecord, pool: &Pool, part: KeyPart) -> u64 {
    use chrono::Datelike;
    let prefix = |b: &[u8]| {
        let mut w = [0u8; 8];
        for (d, s) in w.iter_mut().zip(b) {
            *d = *s;
        }
        u64::from_be_bytes(w)
    };
    let number = |b: &[u8]| {
        b.iter()
            .take(19)
            .fold(0u64, |n, d| n * 10 + u64::from(d.wrapping_sub(b'0') % 10))
            .saturating_add(1)
    };
    let full = match p.dob {
        DateValue::Full(d) => Some(d),
        _ => None,
    };
    match part {
        KeyPart::Dob | KeyPart::DobUnordered => {
            full.map_or(0, |d| u64::try_from(d.num_days_from_ce()).unwrap_or(0))
        }
        KeyPart::DayMonth => full.map_or(0, |d| u64::from(d.month() * 32 + d.day())),
        KeyPart::BirthYear => p.dob.year().map_or(0, |y| u64::try_from(y).unwrap_or(0)),
        KeyPart::GivenName => prefix(pool.names.given(p).as_bytes()),
        KeyPart::FamilyName => prefix(pool.names.family(p).as_bytes()),
        KeyPart::FullName => prefix(pool.names.fold(p).as_bytes()),
        KeyPart::Id | KeyPart::IdPrefix(_) | KeyPart::IdSuffix(_) => {
            p.id.digits().filter(|d| !d.is_empty()).map_or(0, number)
        }
        KeyPart::Phone => p.phone,
        KeyPart::Sex => p.sex.map_or(0, |s| s as u64 + 1),
        KeyPart::Commune => u64::from(p.commune),
        KeyPart::District => u64::from(p.district),
        KeyPart::Postcode => u64::from(p.postcode),
        KeyPart::Email => u64::from(p.email),
        KeyPart::SortedName | KeyPart::Initials | KeyPart::NameSkeleton => {
            prefix(name_key(pool.names.fold(p), part).as_bytes())
        }
    }
}

/// A record with nothing in it (never compared: only fills a gap).
const EMPTY_PERSON: PersonRecord = PersonRecord {
    name: 0,
    norm: 0,
    dob: DateValue::Missing,
    sex: None,
    id: IdKey::None,
    phone: 0,
    commune: 0,
    district: 0,
    address: 0,
    vaccine: 0,
    postcode: 0,
    email: 0,
    text: 0,
    rows_at: 0,
    rows_n: 0,
};

/// Sorts by the `u64` key, stably (entries with equal keys keep their
/// order): least significant byte first, one counting pass per byte, bytes
/// every key shares skipped. Block keys are hashes of millions of records;
/// this is several times cheaper than a comparison sort of them.
fn radix_sort_by_key(v: &mut Vec<(u64, u32)>, scratch: &mut Vec<(u64, u32)>) {
    let mut counts = [[0usize; 256]; 8];
    for &(k, _) in v.iter() {
        for (b, c) in counts.iter_mut().enumerate() {
            if let Some(n) = c.get_mut((k >> (b * 8)) as usize & 0xff) {
                *n += 1;
            }
        }
    }
    scratch.clear();
    scratch.resize(v.len(), (0, 0));
    for (b, c) in counts.iter().enumerate() {
        if c.contains(&v.len()) {
            continue;
        }
        let mut at = [0usize; 256];
        let mut sum = 0;
        for (a, &n) in at.iter_mut().zip(c.iter()) {
            *a = sum;
            sum += n;
        }
        for &e in v.iter() {
            let d = (e.0 >> (b * 8)) as usize & 0xff;
            if let Some(a) = at.get_mut(d) {
                if let Some(slot) = scratch.get_mut(*a) {
                    *slot = e;
                }
                *a += 1;
            }
        }
        std::mem::swap(v, scratch);
    }
}

/// A scored pair at or over the threshold.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    cmp: Comparison,
}

/// What one block gives: its edges, how many pairs it compared, (with
/// `keep_pairs`) those pairs, and (when learning) their comparison patterns.
type BlockOut = (Vec<Edge>, u64, Vec<(u32, u32)>, Vec<u64>);

/// The pairs over the threshold. With `patterns`, no pair is scored: the
/// comparison pattern of every pair the blocks let meet is counted there,
/// by block, for [`learn::learn`].
fn candidate_edges(
    persons: &[PersonRecord],
    pool: &Pool,
    cfg: &DedupeSettings,
    stats: &mut Stats,
    mut patterns: Option<&mut learn::Patterns>,
) -> (Vec<Edge>, Vec<Oversized>, Vec<(u32, u32)>) {
    let learning = patterns.is_some();
    if let Some(p) = patterns.as_deref_mut() {
        p.clear();
        p.resize_with(cfg.parts.len(), FxHashMap::default);
    }
    let k = cfg.parts.len();
    // One block definition at a time. For each earlier definition, each
    // record's group there: the number of the compared block holding it, 0
    // when it had no key or its block was skipped. Two records with the
    // same non-zero group were scored already.
    // By record, then definition: one cache line holds a record's groups.
    let stride = k.saturating_sub(1);
    let mut groups: Vec<u32> = vec![0; persons.len().saturating_mul(stride)];
    let mut edges: Vec<Edge> = Vec::new();
    let mut over: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut compared = 0u64;
    let mut met_pairs: Vec<(u32, u32)> = Vec::new();
    let bounds = Bounds::new(&cfg.weights);
    let mut any_windowed = false;
    // Each record's key for one definition, sorted by (key, record): the
    // entries come in record order and the radix sort is stable. The next
    // definition's are made while this one's pairs are compared, in the
    // buffers the definition before used (three of a few times 16 bytes a
    // record: allocated and paged in once, not once per definition).
    let prepare = |kind: usize, mut entries: Vec<(u64, u32)>, mut scratch: Vec<(u64, u32)>| {
        let parts = cfg.parts.get(kind).map_or(&[][..], Vec::as_slice);
        entries.clear();
        entries.resize(persons.len(), (0, 0));
        entries
            .par_iter_mut()
            .zip(persons.par_iter())
            .enumerate()
            .for_each_init(HashBuf::default, |h, (i, (slot, p))| {
                *slot = (block_key(h, p, pool, kind, parts), i as u32);
            });
        entries.retain(|&(key, _)| key != 0);
        radix_sort_by_key(&mut entries, &mut scratch);
        (entries, scratch)
    };
    let mut next = (k > 0).then(|| prepare(0, Vec::new(), Vec::new()));
    let mut spare = Vec::new();
    for kind in 0..k {
        let Some((owned, scratch)) = next.take() else {
            break;
        };
        let entries = &owned;
        // Runs of equal keys: the blocks. A windowed block's records get no
        // group (not every pair of it is scored).
        let last = kind + 1 == k;
        let sort = cfg.sorts.get(kind).copied().flatten();
        let window = cfg
            .blocks
            .get(kind)
            .and_then(|b| b.window)
            .unwrap_or(cfg.window)
            .max(2);
        // A block with a sort key and more than `window` records is cut to
        // the window; any other one (at most max_block) meets in full.
        let windowed = |size: usize| sort.is_some() && size > window;
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while let Some(&(key, _)) = entries.get(i) {
            let mut j = i + 1;
            while entries.get(j).is_some_and(|e| e.0 == key) {
                j += 1;
            }
            let size = j - i;
            let windowed = windowed(size);
            if size > cfg.max_block && !windowed {
                let e = over.entry(kind).or_insert((0, 0));
                e.0 += 1;
                e.1 = e.1.max(size);
            } else if size > 1 {
                runs.push((i, j));
                let g = u32::try_from(runs.len()).unwrap_or(u32::MAX);
                if !last && !windowed {
                    for &(_, p) in entries.get(i..j).unwrap_or_default() {
                        if let Some(slot) = groups.get_mut(p as usize * stride + kind) {
                            *slot = g;
                        }
                    }
                }
                any_windowed |= windowed;
            }
            i = j;
        }
        let groups = &groups;
        // Learning needs a sample of a block's pairs, not all of them: one
        // pair in `step`, chosen by the pair (the same file learns the same
        // model), each counted `step` times.
        let step = if learning {
            let pairs: u64 = runs
                .iter()
                .map(|&(i, j)| {
                    let n = (j - i) as u64;
                    if windowed(j - i) {
                        n * (window as u64 - 1)
                    } else {
                        n * (n - 1) / 2
                    }
                })
                .sum();
            (pairs / learn::BLOCK_PAIRS).max(1)
        } else {
            1
        };
        let compare = || -> Vec<BlockOut> {
            runs.par_iter()
                .map_init(
                    || (Vec::new(), Vec::new(), Vec::new()),
                    |(lp, lg, order): &mut (Vec<PersonRecord>, Vec<u32>, Vec<(u64, u32)>),
                     &(s, e)| {
                        let block = entries.get(s..e).unwrap_or_default();
                        // The block's records in comparison order: record order,
                        // or sort-key order (records without the key first).
                        order.clear();
                        order.extend(block.iter().map(|&(_, p)| (0, p)));
                        let mut missing = 0;
                        let windowed = windowed(block.len());
                        if let Some(part) = sort.filter(|_| windowed) {
                            for o in order.iter_mut() {
                                let p = persons.get(o.1 as usize).unwrap_or(&EMPTY_PERSON);
                                o.0 = sort_value(p, pool, part);
                            }
                            order.sort_unstable();
                            missing = order.iter().take_while(|o| o.0 == 0).count();
                            if block.len() > cfg.max_block {
                                missing = 0;
                            }
                        }
                        let n = order.len();
                        let reach = |x: usize| {
                            if x < missing || !windowed {
                                n
                            } else {
                                n.min(x.saturating_add(window))
                            }
                        };
                        // The records and their earlier groups, side by side: the
                        // pair loop reads them many times each.
                        lp.clear();
                        lg.clear();
                        for &(_, p) in order.iter() {
                            let at = p as usize * stride;
                            lp.push(persons.get(p as usize).copied().unwrap_or(EMPTY_PERSON));
                            lg.extend_from_slice(groups.get(at..at + kind).unwrap_or_default());
                            lg.resize(lp.len() * kind, 0);
                        }
                        let mut out = Vec::new();
                        let mut met = Vec::new();
                        let mut seen = Vec::new();
                        let mut compared = 0u64;
                        let earlier_of =
                            |x: usize| lg.get(x * kind..(x + 1) * kind).unwrap_or_default();
                        for (x, &(_, a)) in order.iter().enumerate() {
                            let ga = earlier_of(x);
                            let to = reach(x);
                            for (y, &(_, b)) in order.iter().enumerate().take(to).skip(x + 1) {
                                // Scored already in an earlier block they share (unless that one was skipped).
                                // Learning sees every pair of the block: a block's
                                // pairs less those of earlier blocks are a biased
                                // sample (the earlier blocks took the alike ones).
                                let earlier = !learning
                                    && ga
                                        .iter()
                                        .zip(earlier_of(y))
                                        .any(|(&g, &h)| g != 0 && g == h);
                                if earlier || a == b {
                                    continue;
                                }
                                compared += 1;
                                if cfg.keep_pairs {
                                    met.push((a.min(b), a.max(b)));
                                }
                                let (Some(pa), Some(pb)) = (lp.get(x), lp.get(y)) else {
                                    continue;
                                };
                                // The pair in record order: a < b.
                                let (pa, pb, a, b) = if a < b {
                                    (pa, pb, a, b)
                                } else {
                                    (pb, pa, b, a)
                                };
                                if learning {
                                    let mix = (u64::from(a) << 32 | u64::from(b))
                                        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                                        >> 17;
                                    if mix % step != 0 {
                                        continue;
                                    }
                                    let cmp = compare_events(
                                        pa,
                                        pb,
                                        pool,
                                        &cfg.weights,
                                        cfg.event.max_days,
                                    );
                                    seen.push(learn::pattern(&cmp));
                                } else if let Some(cmp) = compare_min(
                                    pa,
                                    pb,
                                    pool,
                                    &cfg.weights,
                                    cfg.event.max_days,
                                    &bounds,
                                    cfg.threshold,
                                ) {
                                    out.push(Edge { a, b, cmp });
                                }
                            }
                        }
                        (out, compared, met, seen)
                    },
                )
                // One output per rayon split, not per block: a large file
                // has millions of blocks, mostly with nothing to report.
                .fold(
                    || (Vec::new(), 0, Vec::new(), Vec::new()),
                    |mut acc: BlockOut, (out, n, m, seen)| {
                        acc.0.extend(out);
                        acc.1 += n;
                        acc.2.extend(m);
                        acc.3.extend(seen);
                        acc
                    },
                )
                .collect()
        };
        let free = std::mem::take(&mut spare);
        let (found, upcoming) = rayon::join(compare, || {
            (kind + 1 < k).then(|| prepare(kind + 1, free, scratch))
        });
        next = upcoming;
        spare = owned;
        for (out, n, m, seen) in found {
            edges.extend(out);
            compared += n;
            met_pairs.extend(m);
            if let Some(t) = patterns.as_deref_mut().and_then(|p| p.get_mut(kind)) {
                for x in seen {
                    *t.entry(x).or_insert(0) += step;
                }
            }
        }
    }
    stats.compared_pairs = compared;
    met_pairs.sort_unstable();
    met_pairs.dedup();
    if any_windowed {
        // A pair two windowed blocks share may have been scored in both.
        let mut seen = rustc_hash::FxHashSet::default();
        edges.retain(|e| seen.insert((e.a, e.b)));
    }
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
    (edges, oversized, met_pairs)
}

/// Records of one component above this many are left whole (the split
/// compares every two of them).
const MAX_SPLIT: usize = 64;

/// The component `ps` (joined by `edges`: record, record, score) as groups
/// in which no two records clearly disagree — compare score below
/// −threshold, as strong against as a match is for. The edges join groups
/// best first, and an edge is skipped when joining would put two such
/// records together. A component without such a pair stays whole.
fn split_chains(
    ps: &[u32],
    edges: &[(u32, u32, f32)],
    threshold: f32,
    score: impl Fn(u32, u32) -> f32,
) -> Vec<Vec<u32>> {
    let k = ps.len();
    if !(3..=MAX_SPLIT).contains(&k) {
        return vec![ps.to_vec()];
    }
    let mut apart = vec![false; k * k];
    let mut any = false;
    for i in 0..k {
        for j in i + 1..k {
            if score(ps[i], ps[j]) < -threshold {
                apart[i * k + j] = true;
                apart[j * k + i] = true;
                any = true;
            }
        }
    }
    if !any {
        return vec![ps.to_vec()];
    }
    let index: FxHashMap<u32, usize> = ps.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut sorted: Vec<(usize, usize, f32)> = edges
        .iter()
        .filter_map(|&(a, b, s)| Some((*index.get(&a)?, *index.get(&b)?, s)))
        .collect();
    sorted.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let mut group: Vec<usize> = (0..k).collect();
    for (a, b, _) in sorted {
        let (ga, gb) = (group[a], group[b]);
        if ga == gb {
            continue;
        }
        let clash =
            (0..k).any(|i| group[i] == ga && (0..k).any(|j| group[j] == gb && apart[i * k + j]));
        if !clash {
            for g in group.iter_mut() {
                if *g == gb {
                    *g = ga;
                }
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (i, &g) in group.iter().enumerate() {
        out.entry(g).or_default().push(ps[i]);
    }
    out.into_values().collect()
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

/// Survivor order, correctness first and recency last: a record the
/// population extract agrees with (`verified`), then a valid 12-digit ID
/// whose structure agrees with the record's sex and birth year and whose
/// province code is known, then a
/// valid ID, then any ID, then the record with more rows (a person's doses
/// or years), then a name with diacritics, then completeness, then the
/// latest row.
#[allow(clippy::type_complexity)]
fn survivor_rank(
    p: &PersonRecord,
    verified: bool,
    filled: u16,
    line: u64,
    data: &RuleData,
) -> (bool, bool, bool, bool, u32, bool, u16, u64) {
    let fits = match &p.id {
        IdKey::Cccd(d) => {
            let s = lamsach_model::parse::id::IdStructure::of(d);
            p.dob.year() == Some(s.century + s.year2)
                && p.sex.is_none_or(|x| x == s.sex)
                && data.province(s.province).is_some()
        }
        _ => false,
    };
    (
        verified,
        fits,
        p.id.is_cccd(),
        p.id.present(),
        p.rows_n,
        p.accented(),
        filled,
        line,
    )
}

/// True when the population extract has the record's ID with the same
/// (folded) name and, when the record has one, the same full birth date.
fn verified_by(
    reference: Option<&lamsach_reference::Reference>,
    p: &PersonRecord,
    pool: &Pool,
) -> bool {
    let (Some(r), IdKey::Cccd(d)) = (reference, &p.id) else {
        return false;
    };
    let id = d.iter().fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
    r.get(id).is_some_and(|q| {
        lamsach_text::fold(q.name) == pool.names.strings.get(p.name)
            && (!matches!(p.dob, DateValue::Full(_)) || q.dob.value() == p.dob)
    })
}

/// Reads the file's person records and writes their name counts to `path`
/// (see [`counts`]); returns the rows and person records read.
pub fn count_names(
    opened: &Opened,
    data: &RuleData,
    path: &std::path::Path,
) -> Result<(u64, usize)> {
    let loaded = read_rows(opened, data)?;
    counts::write(&loaded.pool.names, path)?;
    Ok((loaded.pool.rows.len() as u64, loaded.persons.len()))
}

/// A pair of rows that met (`dedupe --pairs`): by a comparison of their
/// records, with its score and each field's weight, or as rows of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct MetPair {
    pub line_a: u64,
    pub line_b: u64,
    /// The score and its parts ([`Comparison::explained`]); None for two
    /// rows of one record.
    pub compared: Option<(f32, String)>,
}

/// Runs the whole detection on one file; `reference` (the population
/// extract, when given) helps choose the record kept.
pub fn run(
    opened: &Opened,
    data: &RuleData,
    cfg: &DedupeSettings,
    reference: Option<&lamsach_reference::Reference>,
) -> Result<Detection> {
    let Loaded {
        mapping,
        delim,
        persons,
        mut pool,
        event_fields,
    } = read_rows(opened, data)?;
    counts::apply(&mut pool.names, &cfg.name_counts)?;
    let mut stats = Stats {
        rows: pool.rows.len() as u64,
        persons: persons.len(),
        ..Stats::default()
    };
    let own = cfg.for_profile(&mapping.profile.name, mapping.profile.dedupe.as_ref())?;
    let cfg = &own;
    // Weights learned from the file (when asked, and the file is large
    // enough), else those of the settings.
    let learned = if cfg.learn {
        let mut patterns = Vec::new();
        let mut tell = cfg.clone();
        tell.weights = learn::telling_levels(&cfg.weights);
        tell.keep_pairs = false;
        candidate_edges(
            &persons,
            &pool,
            &tell,
            &mut Stats::default(),
            Some(&mut patterns),
        );
        learn::learn(&persons, &pool, cfg, &patterns)
    } else {
        None
    };
    let cfg = learned.as_ref().map_or(cfg, |l| &l.0);
    let (edges, oversized, met_pairs) = candidate_edges(&persons, &pool, cfg, &mut stats, None);
    stats.matched_pairs = edges.len();

    let rows = &pool.rows;
    let rows_of = |p: u32| -> &[u32] { persons.get(p as usize).map_or(&[], |q| pool.rows_of(q)) };
    // Each record's best row, for ranking.
    let best_row = |p: u32| -> (u16, u64) {
        rows_of(p)
            .iter()
            .filter_map(|&i| rows.get(i as usize))
            .map(|r| (r.filled, r.line))
            .max()
            .unwrap_or((0, 0))
    };

    let n = persons.len();
    let mut person_uf = UnionFind::new(n);
    let mut event_uf = UnionFind::new(n);
    let mut best: FxHashMap<u32, f32> = FxHashMap::default();
    // A list of persons (no dated event: one row a person) has no doses to
    // tell apart: two records with one ID are the same person recorded
    // twice, and so are two rows of one record.
    let person_list = event_fields.is_empty();
    // An edge joins persons unless it is one ID's two events (doses).
    let joins_persons = |e: &Edge| e.cmp.id != IdLevel::Same || person_list;
    for e in &edges {
        event_uf.union(e.a, e.b);
        if joins_persons(e) {
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
    if person_list {
        // a record of several rows, matched to no other: its rows repeat it
        for (p, q) in persons.iter().enumerate() {
            let p = p as u32;
            if q.rows_n >= 2 && !best.contains_key(&p) {
                comps.entry(person_uf.find(p)).or_default().push(p);
            }
        }
    }
    // A chain A–B–C where A and C clearly disagree is two people: split it.
    let mut comp_edges: FxHashMap<u32, Vec<(u32, u32, f32)>> = FxHashMap::default();
    for e in edges.iter().filter(|e| joins_persons(e)) {
        comp_edges
            .entry(person_uf.find(e.a))
            .or_default()
            .push((e.a, e.b, e.cmp.score));
    }
    // Each component on its own, in parallel (a component of k records
    // compares up to k² pairs), then in component order.
    let comps: Vec<(u32, Vec<u32>)> = comps.into_iter().collect();
    let split_parts: Vec<Vec<Vec<u32>>> = comps
        .par_iter()
        .map(|(root, ps)| {
            let es = comp_edges.get(root).map_or(&[][..], Vec::as_slice);
            split_chains(ps, es, cfg.threshold, |a, b| {
                match (persons.get(a as usize), persons.get(b as usize)) {
                    (Some(x), Some(y)) => {
                        compare_events(x, y, &pool, &cfg.weights, cfg.event.max_days).score
                    }
                    _ => 0.0,
                }
            })
        })
        .collect();
    let mut split: Vec<Vec<u32>> = Vec::new();
    for parts in split_parts {
        stats.chains_split += parts.len().saturating_sub(1);
        split.extend(parts);
    }
    for mut ps in split {
        ps.sort_unstable();
        let rows_in = |p: &u32| persons.get(*p as usize).map_or(0, |q| q.rows_n);
        if ps.len() < 2 && !(person_list && ps.iter().map(rows_in).sum::<u32>() >= 2) {
            continue;
        }
        let Some(&surv) = ps.iter().max_by_key(|&&p| {
            let (f, l) = best_row(p);
            persons
                .get(p as usize)
                .map(|q| survivor_rank(q, verified_by(reference, q, &pool), f, l, data))
        }) else {
            continue;
        };
        let Some(sp) = persons.get(surv as usize) else {
            continue;
        };
        let survivor_line = rows_of(surv)
            .first()
            .and_then(|&i| rows.get(i as usize))
            .map_or(0, |r| r.line);
        let mut members = Vec::new();
        for &p in &ps {
            let Some(pp) = persons.get(p as usize) else {
                continue;
            };
            let cmp = compare_events(pp, sp, &pool, &cfg.weights, cfg.event.max_days);
            let same_id = pp.id.present() && pp.id == sp.id;
            let flag = (p != surv && !same_id).then(|| {
                if pp.id.present() && sp.id.present() {
                    Flag::TwoIds
                } else {
                    Flag::NoId
                }
            });
            for (k, &i) in rows_of(p).iter().enumerate() {
                let Some(r) = rows.get(i as usize) else {
                    continue;
                };
                members.push(Member {
                    line: r.line,
                    row: i as usize,
                    score: best.get(&p).copied().unwrap_or(0.0),
                    cmp,
                    // in a list of persons only the record's first row is kept
                    survivor: p == surv && (k == 0 || !person_list),
                    flag,
                    record: p,
                });
            }
        }
        members.sort_by_key(|m| m.line);
        clusters.push(Cluster {
            id: 0,
            kind: ClusterKind::Person,
            members,
            survivor_line,
        });
    }

    // Event clusters: rows of one person (same record, same ID, or a person
    // cluster) with the same event fields and dates at most max_days apart.
    if !event_fields.is_empty() {
        let mut ev: Vec<EvRow> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let e = r.event?;
                let d = e.date?;
                Some(EvRow {
                    root: event_uf.find(r.person),
                    key: e.key,
                    day: d.num_days_from_ce_i64() as i32,
                    row: i as u32,
                })
            })
            .collect();
        ev.par_sort_unstable_by_key(|e| (e.root, e.key, e.day, e.row));
        let mut i = 0;
        while let Some(first) = ev.get(i) {
            let mut j = i + 1;
            while let (Some(x), Some(prev)) = (ev.get(j), ev.get(j - 1)) {
                if x.root != first.root
                    || x.key != first.key
                    || i64::from(x.day) - i64::from(prev.day) > cfg.event.max_days
                {
                    break;
                }
                j += 1;
            }
            if j - i >= 2 {
                if let Some(c) = event_cluster(
                    ev.get(i..j).unwrap_or_default(),
                    rows,
                    &persons,
                    &pool,
                    cfg,
                    reference,
                    data,
                ) {
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
    let mut met = Vec::new();
    if cfg.keep_pairs {
        let lines = |p: u32| -> Vec<u64> {
            rows_of(p)
                .iter()
                .filter_map(|&i| rows.get(i as usize).map(|r| r.line))
                .collect()
        };
        for &(a, b) in &met_pairs {
            let (Some(pa), Some(pb)) = (persons.get(a as usize), persons.get(b as usize)) else {
                continue;
            };
            let cmp = compare_events(pa, pb, &pool, &cfg.weights, cfg.event.max_days);
            let why = (cmp.score, cmp.explained());
            for x in lines(a) {
                met.extend(lines(b).into_iter().map(|y| MetPair {
                    line_a: x.min(y),
                    line_b: x.max(y),
                    compared: Some(why.clone()),
                }));
            }
        }
        for p in 0..persons.len() as u32 {
            let ls = lines(p);
            for (i, &x) in ls.iter().enumerate() {
                met.extend(ls[i + 1..].iter().map(|&y| MetPair {
                    line_a: x,
                    line_b: y,
                    compared: None,
                }));
            }
        }
        met.sort_unstable_by_key(|m| (m.line_a, m.line_b, m.compared.is_none()));
    }
    Ok(Detection {
        mapping,
        delim,
        clusters,
        oversized,
        stats,
        met,
        learn_asked: cfg.learn,
        learned: learned.map(|l| l.1),
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

/// A dated event row, for the search of events recorded twice.
#[derive(Debug, Clone, Copy)]
struct EvRow {
    /// The person cluster (or record) of the row.
    root: u32,
    key: u64,
    day: i32,
    /// Index in the rows (in line order).
    row: u32,
}

fn event_cluster(
    chunk: &[EvRow],
    rows: &[Row],
    persons: &[PersonRecord],
    pool: &Pool,
    cfg: &DedupeSettings,
    reference: Option<&lamsach_reference::Reference>,
    data: &RuleData,
) -> Option<Cluster> {
    let row = |c: &EvRow| rows.get(c.row as usize);
    let exact = |c: &EvRow| row(c).and_then(|r| r.event).and_then(|e| e.exact());
    let mut keys: Vec<Option<u64>> = chunk.iter().map(exact).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() < 2 {
        return None; // all byte-equal on DUP001's key: DUP001 reports them
    }
    // Kept: a correct valid ID, the row that needs no fix of its own ID or
    // birth date, the most complete, then the *first* row, as DUP001 keeps
    // the first occurrence.
    let rank = |c: &&EvRow| {
        let r = row(c)?;
        let p = persons.get(r.person as usize)?;
        let (verified, fits, id, any, _, accented, filled, _) =
            survivor_rank(p, verified_by(reference, p, pool), r.filled, r.line, data);
        Some((
            verified,
            fits,
            id,
            any,
            r.sound,
            accented,
            filled,
            std::cmp::Reverse(r.line),
        ))
    };
    let surv = chunk.iter().max_by_key(rank)?;
    let sr = row(surv)?;
    let sp = persons.get(sr.person as usize)?;
    let surv_key = exact(surv);
    let mut seen: FxHashSet<Option<u64>> = FxHashSet::default();
    seen.insert(surv_key);
    // Already in line order: rows are, and ties are sorted by row.
    let mut sorted: Vec<&EvRow> = chunk.iter().collect();
    sorted.sort_by_key(|c| c.row);
    let mut members = Vec::new();
    for c in sorted {
        let r = row(c)?;
        let p = persons.get(r.person as usize)?;
        let cmp = compare_events(p, sp, pool, &cfg.weights, cfg.event.max_days);
        let is_surv = c.row == surv.row;
        // two valid IDs that differ are two people until shown otherwise
        // (namesakes): not the same event, whatever else agrees
        let other_person = p.id.is_cccd() && sp.id.is_cccd() && p.id != sp.id;
        let flag = (!is_surv && !other_person && seen.insert(exact(c))).then_some(Flag::Event {
            days: (i64::from(c.day) - i64::from(surv.day)).abs(),
        });
        members.push(Member {
            line: r.line,
            row: c.row as usize,
            score: cmp.score,
            cmp,
            survivor: is_surv,
            flag,
            record: r.person,
        });
    }
    Some(Cluster {
        id: 0,
        kind: ClusterKind::Event,
        members,
        survivor_line: sr.line,
    })
}

impl Detection {
    /// The findings of every flagged row, by line, for `check`.
    pub fn findings(&self, lang: Lang) -> BTreeMap<u64, Vec<Finding>> {
        use lamsach_rules::dup::{
            same_event_recorded_twice, same_person_two_ids, same_person_without_id,
        };
        let mut out: BTreeMap<u64, Vec<Finding>> = BTreeMap::new();
        for c in &self.clusters {
            // one record with several rows (doses) is one problem
            let mut counted: FxHashSet<u32> = FxHashSet::default();
            for m in &c.members {
                let Some(flag) = m.flag else { continue };
                let labels = m.cmp.agreed_labels(lang);
                let yes: Vec<&str> = labels.iter().map(String::as_str).collect();
                let f = match flag {
                    Flag::TwoIds => same_person_two_ids::finding(
                        m.line,
                        c.survivor_line,
                        m.score,
                        &yes,
                        m.cmp.id,
                        lang,
                    ),
                    Flag::NoId => same_person_without_id::finding(
                        m.line,
                        c.survivor_line,
                        m.score,
                        &yes,
                        lang,
                    ),
                    Flag::Event { days } => {
                        same_event_recorded_twice::finding(m.line, c.survivor_line, days, lang)
                    }
                };
                let repeat = !matches!(flag, Flag::Event { .. }) && !counted.insert(m.record);
                out.entry(m.line).or_default().push(Finding { repeat, ..f });
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
                ClusterKind::Person => {
                    pc += 1;
                    pr += c.members.len();
                }
                ClusterKind::Event => {
                    ec += 1;
                    er += c.members.len();
                }
            }
        }
        (pc, pr, ec, er)
    }

    /// Warnings for skipped blocks, one line each (kind and size only).
    pub fn warnings(&self, max_block: usize, lang: Lang) -> Vec<String> {
        self.oversized
            .iter()
            .map(|o| {
                if lang.is_en() {
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

    #[test]
    fn name_keys_meet_across_order_typos_and_spacing() {
        let k = |s: &str, p: KeyPart| name_key(s, p);
        assert_eq!(
            k("nguyen van an", KeyPart::SortedName),
            k("an nguyen van", KeyPart::SortedName)
        );
        assert_eq!(k("sebasitan smith", KeyPart::Initials), "ss");
        assert_eq!(
            k("katelyn byrne", KeyPart::NameSkeleton),
            k("katel yn byrnne", KeyPart::NameSkeleton)
        );
        assert_ne!(
            k("katelyn byrne", KeyPart::NameSkeleton),
            k("kevin byrne", KeyPart::NameSkeleton)
        );
        assert_eq!(k("", KeyPart::Initials), "");
    }

    #[test]
    fn a_chain_of_two_people_is_split_at_its_weakest_link() {
        // A(1)–B(2) 20 bits, B–C(3) 12 bits, A and C clearly differ (−30)
        let score = |a: u32, b: u32| match (a.min(b), a.max(b)) {
            (1, 3) => -30.0,
            (1, 2) => 20.0,
            _ => 12.0,
        };
        let edges = [(1, 2, 20.0), (2, 3, 12.0)];
        assert_eq!(
            split_chains(&[1, 2, 3], &edges, 9.0, score),
            vec![vec![1, 2], vec![3]]
        );
        // A and C only weakly differ (−5): one person, whole
        let weak = |a: u32, b: u32| {
            if (a.min(b), a.max(b)) == (1, 3) {
                -5.0
            } else {
                20.0
            }
        };
        assert_eq!(
            split_chains(&[1, 2, 3], &edges, 9.0, weak),
            vec![vec![1, 2, 3]]
        );
        // two records: nothing to split
        assert_eq!(
            split_chains(&[1, 3], &[(1, 3, 10.0)], 9.0, score),
            vec![vec![1, 3]]
        );
    }
    use lamsach_rules::dup::duplicate_event;
    use lamsach_rules::testing::{data, today};
    use lamsach_rules::RowCtx;

    /// Parses every combination of the cells and checks the values against
    /// the slow path they replace: `RowCtx`, `duplicate_event::key`, `normalize`.
    fn same_as_slow_path(profile: &str, cells: &[(Field, &[&str])]) {
        let d = data();
        let prof = d.profile(profile).unwrap();
        let headers: Vec<String> = cells
            .iter()
            .map(|(f, _)| prof.fields.get(f).unwrap()[0].clone())
            .collect();
        let mapping = Mapping::new(prof, &headers, &d.headers);
        let event_fields: Vec<Field> = mapping
            .profile
            .event_key
            .iter()
            .copied()
            .filter(|f| !is_person_field(*f) && mapping.column(*f).is_some())
            .collect();
        assert!(!event_fields.is_empty());
        let parser = Parser::new(&mapping, d, &event_fields, b',');
        assert_eq!(parser.expected, headers.len());
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
            let (mut text, mut values) = (String::new(), Vec::new());
            s.start_batch();
            let (person, _, _, _, event) = parser
                .parse(&mut s, line.as_bytes(), &mut text, &mut values)
                .unwrap();
            let ctx = RowCtx::new(2, row, &mapping, d, today(), Lang::Vi);
            let e = event.unwrap();
            assert_eq!(e.exact(), duplicate_event::key(&ctx), "{row:?}");
            assert_eq!(person.dob, ctx.dob, "{row:?}");
            assert_eq!(person.sex, ctx.sex, "{row:?}");
            let name = ctx.get(Field::FullName).unwrap_or("");
            let name = match name.char_indices().nth(MAX_NAME_CHARS) {
                Some((i, _)) => &name[..i],
                None => name,
            };
            let norm = person.norm.unwrap_or(person.name);
            assert_eq!(norm.get(&text), normalize(name), "{row:?}");
            assert_eq!(person.name.get(&text), lamsach_text::fold(name), "{row:?}");
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
        for c in (0u32..0x2100).filter_map(char::from_u32) {
            for s in [format!(" A{c}b  {c}{c} "), format!("{c}\u{300} {c}")] {
                normalize_name(&s, &mut out);
                assert_eq!(out, normalize(&s), "{c:?}");
            }
        }
    }

    /// The plain definition [`phone_key`] must agree with.
    fn phone_key_plain(v: &str) -> String {
        let digits: String = v.chars().filter(char::is_ascii_digit).collect();
        let n = digits.len();
        let mut out = String::new();
        if n == 11 && digits.starts_with("84") {
            out.push('0');
            out.push_str(&digits[2..]);
        } else {
            if n == 9 && !digits.starts_with('0') {
                out.push('0');
            }
            out.push_str(&digits);
        }
        if !(out.len() >= 9 && out.bytes().any(|b| b != b'0')) {
            out.clear();
        }
        out
    }

    #[test]
    fn phone_keys() {
        let mut out = String::new();
        for v in lamsach_text::random_strings("0123456789848400 +.-xĐ", 3, 50_000, 16) {
            phone_key(&v, &mut out);
            assert_eq!(out, phone_key_plain(&v), "{v:?}");
        }
        phone_key("+84 912 345 678", &mut out);
        assert_eq!(out, "0912345678");
        phone_key("912345678", &mut out);
        assert_eq!(out, "0912345678");
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

    /// One block of eleven "Nguyễn Văn An": ten with birth dates a year
    /// apart, in reverse record order, and one without a date.
    fn windowed_block(
        window: usize,
        max_block: usize,
    ) -> (Vec<PersonRecord>, Pool, DedupeSettings) {
        use super::compare::tests::p;
        let mut cfg = DedupeSettings::embedded().unwrap();
        cfg.blocks.truncate(1);
        cfg.parts = vec![vec![KeyPart::FullName]];
        cfg.sorts = vec![Some(KeyPart::Dob)];
        cfg.window = window;
        cfg.max_block = max_block;
        let mut pool = Pool::default();
        let mut persons: Vec<PersonRecord> = (0..10)
            .map(|i| p(&mut pool, "Nguyễn Văn An", (2010 - i, 3, 4), Sex::Male, ""))
            .collect();
        let mut undated = p(&mut pool, "Nguyễn Văn An", (2000, 1, 1), Sex::Male, "");
        undated.dob = DateValue::Missing;
        persons.push(undated);
        pool.names.finish(&persons);
        (persons, pool, cfg)
    }

    /// Pairs compared and blocks skipped in [`windowed_block`].
    fn compared(cfg: &DedupeSettings) -> (u64, Vec<Oversized>) {
        let (persons, pool, _) = windowed_block(cfg.window, cfg.max_block);
        let mut stats = Stats::default();
        let (_, over, _) = candidate_edges(&persons, &pool, cfg, &mut stats, None);
        (stats.compared_pairs, over)
    }

    #[test]
    fn sorted_neighbourhood_compares_the_window_and_the_undated_with_all() {
        // Ten dated records, each with the next two in date order (2 × 8 + 1),
        // and the undated one with all ten.
        let (n, over) = compared(&windowed_block(3, 400).2);
        assert!(over.is_empty());
        assert_eq!(n, 17 + 10);
        // A window as large as the block: every pair.
        assert_eq!(compared(&windowed_block(11, 400).2).0, 11 * 10 / 2);
    }

    #[test]
    fn a_blocks_own_window_overrides_the_files() {
        let mut cfg = windowed_block(11, 400).2;
        assert_eq!(compared(&cfg).0, 11 * 10 / 2);
        // window 2: each dated record with the next (9), the undated with all (10)
        cfg.blocks[0].window = Some(2);
        assert_eq!(compared(&cfg).0, 9 + 10);
    }

    #[test]
    fn sorted_block_over_max_block_is_windowed_not_skipped() {
        // Over max_block the undated record only meets its window too.
        let mut cfg = windowed_block(3, 5).2;
        let (n, over) = compared(&cfg);
        assert!(over.is_empty());
        assert_eq!(n, 2 * 9 + 1);
        // Without a sort key the same block is skipped over max_block ...
        cfg.sorts = vec![None];
        let (n, over) = compared(&cfg);
        assert_eq!(n, 0);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].largest, 11);
        // ... and under it every pair is compared: the window is only for
        // blocks with a sort key.
        cfg.max_block = 400;
        let (n, over) = compared(&cfg);
        assert!(over.is_empty());
        assert_eq!(n, 11 * 10 / 2);
    }

    #[test]
    fn sorted_neighbours_far_apart_in_the_file_meet() {
        use super::compare::tests::p;
        let (mut persons, mut pool, cfg) = windowed_block(2, 400);
        // The same person at both ends of the file: same date, ID and phone.
        let twin = |pool: &mut Pool| {
            let mut t = p(
                pool,
                "Nguyễn Văn An",
                (1995, 6, 7),
                Sex::Male,
                "001095012345",
            );
            t.phone = 912_345_678;
            t
        };
        let first = twin(&mut pool);
        let last = twin(&mut pool);
        persons.insert(0, first);
        persons.push(last);
        pool.names.finish(&persons);
        let mut stats = Stats::default();
        let (edges, _, _) = candidate_edges(&persons, &pool, &cfg, &mut stats, None);
        let last = persons.len() as u32 - 1;
        assert!(
            edges.iter().any(|e| (e.a, e.b) == (0, last)),
            "{:?}",
            edges.iter().map(|e| (e.a, e.b)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn sort_values_order_dates_and_names() {
        use super::compare::tests::p;
        let mut pool = Pool::default();
        let a = p(
            &mut pool,
            "Trần Văn Bình",
            (1990, 1, 2),
            Sex::Male,
            "001090000001",
        );
        let b = p(
            &mut pool,
            "Lê Thị Anh",
            (1990, 1, 3),
            Sex::Female,
            "001190000002",
        );
        let mut none = EMPTY_PERSON;
        none.dob = DateValue::Partial {
            year: 1990,
            month: None,
        };
        pool.names.finish(&[a, b, none]);
        assert!(sort_value(&a, &pool, KeyPart::Dob) < sort_value(&b, &pool, KeyPart::Dob));
        assert_eq!(sort_value(&none, &pool, KeyPart::Dob), 0);
        assert!(sort_value(&none, &pool, KeyPart::BirthYear) > 0);
        // Given names "anh" < "binh".
        assert!(
            sort_value(&b, &pool, KeyPart::GivenName) < sort_value(&a, &pool, KeyPart::GivenName)
        );
        assert!(sort_value(&a, &pool, KeyPart::Id) < sort_value(&b, &pool, KeyPart::Id));
        assert_eq!(sort_value(&none, &pool, KeyPart::GivenName), 0);
    }

    #[test]
    fn radix_sort_is_the_sort_by_key_then_record() {
        let mut rng = fastrand::Rng::with_seed(7);
        for len in [0usize, 1, 2, 255, 256, 257, 5000] {
            for keys in [3u64, 1 << 12, u64::MAX] {
                let mut v: Vec<(u64, u32)> = (0..len)
                    .map(|i| {
                        let k = rng.u64(..keys.max(1));
                        // High bytes set too, so every pass runs.
                        (k.rotate_right(len as u32 % 64), i as u32)
                    })
                    .collect();
                let mut want = v.clone();
                want.sort_unstable();
                let mut scratch = Vec::new();
                radix_sort_by_key(&mut v, &mut scratch);
                assert_eq!(v, want, "len {len} keys {keys}");
            }
        }
    }
}
