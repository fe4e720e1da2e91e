//! Field comparisons of two person records and their Fellegi–Sunter score.

use super::config::Weights;
use super::Row;
use chrono::Datelike;
use lamsach_model::parse::date::DateValue;
use lamsach_model::profile::Sex;
use lamsach_text::Lang;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// An ID, normalised for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKey {
    None,
    /// A 12-digit number (also one Excel shortened, zero-padded back).
    Cccd([u8; 12]),
    /// Another usable number (old 9-digit CMND).
    Other([u8; 9]),
    /// Present but unusable (letters, scientific notation, wrong length).
    Invalid,
}

impl IdKey {
    pub fn digits(&self) -> Option<&[u8]> {
        match self {
            IdKey::Cccd(d) => Some(d),
            IdKey::Other(d) => Some(d),
            _ => None,
        }
    }
    pub(crate) fn is_cccd(&self) -> bool {
        matches!(self, IdKey::Cccd(_))
    }
    /// True when the cell held something usable as an ID.
    pub fn present(&self) -> bool {
        matches!(self, IdKey::Cccd(_) | IdKey::Other(_))
    }
}

/// Interned strings: each distinct value stored once, named by a `u32`
/// (0 is the empty string). Equal ids ⇔ equal strings, so comparing two
/// records' values is an integer comparison.
#[derive(Debug, Clone)]
pub struct Strings {
    text: String,
    /// End of each string in `text`; string `i` starts where `i - 1` ends.
    ends: Vec<usize>,
    /// xxh3 of the string → its id (the first string with that hash).
    by_hash: FxHashMap<u64, u32>,
    /// Strings whose hash another string had first (practically never).
    spill: FxHashMap<Box<str>, u32>,
}

impl Default for Strings {
    fn default() -> Self {
        let mut by_hash = FxHashMap::default();
        by_hash.insert(xxh3_64(b""), 0);
        Strings {
            text: String::new(),
            ends: vec![0],
            by_hash,
            spill: FxHashMap::default(),
        }
    }
}

fn slice<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let i = id as usize;
    let start = match i.checked_sub(1) {
        Some(j) => ends.get(j).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(i).copied().unwrap_or(start);
    text.get(start..end).unwrap_or("")
}

impl Strings {
    /// The string of an id ("" for an unknown one).
    pub fn get(&self, id: u32) -> &str {
        slice(&self.text, &self.ends, id)
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    fn push(&mut self, s: &str) -> u32 {
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        self.text.push_str(s);
        self.ends.push(self.text.len());
        id
    }
    /// The id of `s`, whose xxh3 is `h`, adding it when new.
    pub(crate) fn intern_hashed(&mut self, h: u64, s: &str) -> u32 {
        match self.by_hash.get(&h) {
            Some(&id) if slice(&self.text, &self.ends, id) == s => id,
            Some(_) => {
                if let Some(&id) = self.spill.get(s) {
                    return id;
                }
                let id = self.push(s);
                self.spill.insert(s.into(), id);
                id
            }
            None => {
                let id = self.push(s);
                self.by_hash.insert(h, id);
                id
            }
        }
    }
    /// The id of `s` when it is in the table.
    pub fn find(&self, s: &str) -> Option<u32> {
        match self.by_hash.get(&xxh3_64(s.as_bytes())) {
            Some(&id) if slice(&self.text, &self.ends, id) == s => Some(id),
            Some(_) => self.spill.get(s).copied(),
            None => None,
        }
    }
    /// True when a string with xxh3 `h` is in the table.
    pub(crate) fn has_hash(&self, h: u64) -> bool {
        self.by_hash.contains_key(&h)
    }
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(xxh3_64(s.as_bytes()), s)
    }
    /// Memory held, in bytes (approximate).
    pub fn bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 8 + self.by_hash.capacity() * 13
    }
}

/// What comparisons need of a folded name, computed once per distinct name.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameInfo {
    /// Person records in the file with this folded name.
    pub count: u32,
    /// Words (pieces between spaces); 0 until computed.
    pub words: u32,
    /// Byte index of the last space (the end of family + middle names).
    pub last_space: u32,
    /// Ids in [`Names::words`] of the last and first word.
    pub given: u32,
    pub family: u32,
}

/// Names (folded and normalised, interned together), their words, and counts.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub strings: Strings,
    /// By id of `strings`; filled for folded names by [`Names::finish`].
    pub info: Vec<NameInfo>,
    /// Given and family names.
    pub words: Strings,
    /// Person records by given-name id of `words`.
    pub given_count: Vec<u32>,
}

impl Names {
    /// Computes word info of every folded name and counts the records per
    /// folded name and per given name.
    pub fn finish(&mut self, persons: &[PersonRecord]) {
        self.info = vec![NameInfo::default(); self.strings.len()];
        for p in persons {
            let Some(info) = self.info.get_mut(p.name as usize) else {
                continue;
            };
            if info.words == 0 {
                let s = slice(&self.strings.text, &self.strings.ends, p.name);
                info.words =
                    u32::try_from(s.bytes().filter(|&b| b == b' ').count() + 1).unwrap_or(u32::MAX);
                info.last_space = s
                    .rfind(' ')
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(0);
                info.given = self.words.intern(s.rsplit(' ').next().unwrap_or(""));
                info.family = self.words.intern(s.split(' ').next().unwrap_or(""));
            }
            info.count = info.count.saturating_add(1);
            let g = info.given as usize;
            if self.given_count.len() <= g {
                self.given_count.resize(g + 1, 0);
            }
            if let Some(c) = self.given_count.get_mut(g) {
                *c = c.saturating_add(1);
            }
        }
    }
    pub fn info(&self, id: u32) -> NameInfo {
        self.info.get(id as usize).copied().unwrap_or_default()
    }
    pub fn fold(&self, p: &PersonRecord) -> &str {
        self.strings.get(p.name)
    }
    pub fn given(&self, p: &PersonRecord) -> &str {
        self.words.get(self.info(p.name).given)
    }
    pub fn family(&self, p: &PersonRecord) -> &str {
        self.words.get(self.info(p.name).family)
    }
    fn given_count(&self, info: &NameInfo) -> u32 {
        self.given_count
            .get(info.given as usize)
            .copied()
            .unwrap_or(1)
    }
}

/// Digits of a phone number (national form, `0912345678`) as one `u64`:
/// up to 17 digits as their value and count; longer ones (hostile or
/// garbage cells) by their id in a table. 0: no phone.
pub fn phone_code(digits: &str, long: &mut Strings) -> u64 {
    short_phone_code(digits).unwrap_or_else(|| (1 << 63) | u64::from(long.intern(digits)))
}

/// [`phone_code`] when it needs no table: none, or up to 17 digits.
pub(crate) fn short_phone_code(digits: &str) -> Option<u64> {
    let n = digits.len() as u64;
    match digits.parse::<u64>() {
        Ok(v) if (1..=17).contains(&n) => Some((n << 57) | v),
        _ if digits.is_empty() => Some(0),
        _ => None,
    }
}

/// The digits [`phone_code`] encoded, into `buf`.
pub fn phone_digits<'a>(code: u64, long: &'a Strings, buf: &'a mut [u8; 17]) -> &'a str {
    if code == 0 {
        return "";
    }
    if code >> 63 == 1 {
        return long.get((code & u64::from(u32::MAX)) as u32);
    }
    let n = ((code >> 57) as usize).min(17);
    let mut v = code & ((1 << 57) - 1);
    let out = buf.get_mut(..n).unwrap_or_default();
    for b in out.iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
    std::str::from_utf8(out).unwrap_or("")
}

/// One person record: the fields the comparisons use, normalised once and
/// interned (strings by id, see [`Pool`]).
#[derive(Debug, Clone, Copy)]
pub struct PersonRecord {
    /// Folded name (lower case without diacritics): id in [`Names::strings`].
    pub name: u32,
    /// Lower case with diacritics (NFC), single-spaced: id in the same
    /// table, so equal to `name` when the two strings are equal.
    pub norm: u32,
    pub dob: DateValue,
    pub sex: Option<Sex>,
    pub id: IdKey,
    /// [`phone_code`] of the national form; 0 when none.
    pub phone: u64,
    /// Folded values: ids in [`Pool::values`], 0 when missing.
    pub commune: u32,
    pub district: u32,
    pub address: u32,
    /// Folded vaccine of the record's first row.
    pub vaccine: u32,
    /// Folded postcode and e-mail (lists that have them): ids in [`Pool::values`].
    pub postcode: u32,
    pub email: u32,
    /// Folded free text (an occupation, a title): id in [`Pool::values`].
    pub text: u32,
    /// The record's rows, `Pool::row_ids[rows_at..rows_at + rows_n]`.
    pub rows_at: u32,
    pub rows_n: u32,
}

impl PersonRecord {
    pub(crate) fn accented(&self) -> bool {
        self.norm != self.name
    }
}

/// The tables person records point into.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub names: Names,
    /// Communes, districts, addresses, vaccines.
    pub values: Strings,
    /// Phone numbers too long for a `u64` code.
    pub long_phones: Strings,
    /// The data rows, in line order.
    pub rows: Vec<Row>,
    /// Row numbers grouped by record (see [`PersonRecord::rows_at`]).
    pub row_ids: Vec<u32>,
    /// Person records by id of `values` (communes, addresses, postcodes,
    /// e-mails): how common a value is, for learned weights.
    pub value_count: Vec<u32>,
    /// Person records by full birth date (day number).
    pub dob_count: FxHashMap<i32, u32>,
}

/// Events compared per record: a few are enough; a record with thousands
/// of rows (a test record) must not make comparisons quadratic.
pub(crate) const MAX_EVENTS: usize = 16;

impl Pool {
    /// Counts the records per commune, address, postcode, e-mail and text.
    pub fn count_values(&mut self, persons: &[PersonRecord]) {
        self.value_count = vec![0; self.values.len()];
        self.dob_count = FxHashMap::default();
        for p in persons {
            if let DateValue::Full(d) = p.dob {
                *self.dob_count.entry(d.num_days_from_ce()).or_insert(0) += 1;
            }
            let mut seen = [0u32; 5];
            for (i, v) in [p.commune, p.address, p.postcode, p.email, p.text]
                .into_iter()
                .enumerate()
            {
                // one record counts once per value, whatever field holds it
                if v == 0 || seen[..i].contains(&v) {
                    continue;
                }
                seen[i] = v;
                if let Some(c) = self.value_count.get_mut(v as usize) {
                    *c = c.saturating_add(1);
                }
            }
        }
    }
    /// Indexes of the rows of a record, in line order.
    pub fn rows_of(&self, p: &PersonRecord) -> &[u32] {
        let at = p.rows_at as usize;
        self.row_ids
            .get(at..at.saturating_add(p.rows_n as usize))
            .unwrap_or_default()
    }
    /// The record's first [`MAX_EVENTS`] dated events into `out`: (event key
    /// without dates, day number of the date); their count.
    pub fn events(&self, p: &PersonRecord, out: &mut [(u64, i32); MAX_EVENTS]) -> usize {
        let mut n = 0;
        let dated = self
            .rows_of(p)
            .iter()
            .filter_map(|&i| self.rows.get(i as usize)?.event)
            .filter_map(|e| Some((e.key, e.date?.num_days_from_ce())));
        for (slot, e) in out.iter_mut().zip(dated) {
            *slot = e;
            n += 1;
        }
        n
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameLevel {
    #[default]
    Missing,
    Exact,
    Folded,
    AccentDiffers,
    Partial,
    Typo,
    GivenDiffers,
    /// Neither part equal, but the two alike letter by letter (Jaro–Winkler,
    /// words in any order): several typos in a list not written here.
    Similar,
    Differ,
    /// No word of one name is a word of the other, even misspelt: two
    /// people, more surely than names sharing a word ([`NameLevel::Differ`]).
    Unrelated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DobLevel {
    #[default]
    Missing,
    Exact,
    Swapped,
    Near,
    YearOff,
    YearOnly,
    Differ,
}

pub use lamsach_model::parse::id::IdLevel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventsLevel {
    #[default]
    Missing,
    Same,
    Conflict,
    Disjoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Agree {
    #[default]
    Missing,
    Agree,
    Differ,
    /// Not the same text, one or two typos or a space apart (commune,
    /// address, postcode, e-mail).
    Close,
}

/// How two records compare, field by field.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comparison {
    /// The names as compared.
    pub name: NameLevel,
    /// The level whose weight counts: the names as compared, read with the
    /// other fields (under one ID a given name two edits away is a typo).
    pub name_counted: NameLevel,
    pub dob: DobLevel,
    pub sex: Agree,
    pub id: IdLevel,
    pub phone: Agree,
    pub commune: Agree,
    pub address: Agree,
    pub vaccine: Agree,
    pub postcode: Agree,
    pub email: Agree,
    pub text: Agree,
    pub events: EventsLevel,
    /// The birth date's level whose weight counts (under one ID and one
    /// name a differing date is a typo).
    pub dob_counted: DobLevel,
    pub score: f32,
    /// Each field's share of `score`, in the order of [`FIELDS`].
    pub parts: [f32; FIELDS.len()],
}

/// Compared fields, in the order of [`Comparison::parts`].
pub(crate) const FIELDS: [&str; 12] = [
    "full_name",
    "dob",
    "sex",
    "id",
    "phone",
    "commune",
    "address",
    "vaccine",
    "postcode",
    "email",
    "event",
    "text",
];

/// Each field's level in a comparison (the levels whose weights count).
pub(crate) fn levels(c: &Comparison) -> [u8; FIELDS.len()] {
    let agree = |a: Agree| match a {
        Agree::Missing => 0,
        Agree::Agree => 1,
        Agree::Close => 2,
        Agree::Differ => 3,
    };
    [
        match c.name_counted {
            NameLevel::Missing => 0,
            NameLevel::Exact => 1,
            NameLevel::Folded => 2,
            NameLevel::AccentDiffers => 3,
            NameLevel::Partial => 4,
            NameLevel::Typo => 5,
            NameLevel::GivenDiffers => 6,
            NameLevel::Similar => 7,
            NameLevel::Differ => 8,
            NameLevel::Unrelated => 9,
        },
        match c.dob_counted {
            DobLevel::Missing => 0,
            DobLevel::Exact => 1,
            DobLevel::Swapped => 2,
            DobLevel::Near => 3,
            DobLevel::YearOff => 4,
            DobLevel::YearOnly => 5,
            DobLevel::Differ => 6,
        },
        agree(c.sex),
        match c.id {
            IdLevel::Missing => 0,
            IdLevel::Same => 1,
            IdLevel::Near => 2,
            IdLevel::Differ => 3,
        },
        agree(c.phone),
        agree(c.commune),
        agree(c.address),
        agree(c.vaccine),
        agree(c.postcode),
        agree(c.email),
        match c.events {
            EventsLevel::Missing => 0,
            EventsLevel::Same => 1,
            EventsLevel::Conflict => 2,
            EventsLevel::Disjoint => 3,
        },
        agree(c.text),
    ]
}

/// The name of level `l` of field `f`, as in clusters.csv's `weights`.
pub(crate) fn level_name(f: usize, l: usize) -> &'static str {
    const NAME: [&str; 10] = [
        "missing",
        "exact",
        "folded",
        "accentdiffers",
        "partial",
        "typo",
        "givendiffers",
        "similar",
        "differ",
        "unrelated",
    ];
    const DOB: [&str; 7] = [
        "missing", "exact", "swapped", "near", "yearoff", "yearonly", "differ",
    ];
    const AGREE: [&str; 4] = ["missing", "agree", "close", "differ"];
    const ID: [&str; 4] = ["missing", "same", "near", "differ"];
    const EVENT: [&str; 4] = ["missing", "same", "conflict", "disjoint"];
    let names: &[&'static str] = match f {
        0 => &NAME,
        1 => &DOB,
        3 => &ID,
        10 => &EVENT,
        _ => &AGREE,
    };
    names.get(l).copied().unwrap_or("?")
}

/// One substitution or one swap of adjacent characters, same length.
pub(crate) fn near_digits(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // The first three differing positions, without allocating.
    let mut diff = [0usize; 3];
    let mut n = 0;
    for i in (0..a.len()).filter(|&i| a[i] != b[i]).take(3) {
        diff[n] = i;
        n += 1;
    }
    match diff.get(..n).unwrap_or_default() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Characters [`osa`] handles on the stack (names are cut to 96).
const OSA_MAX: usize = 128;

/// `strsim::osa_distance` (optimal string alignment over characters)
/// without allocating: the same algorithm, rows on the stack. Longer
/// strings go to strsim.
/// True when the family names and the given names of two records are each
/// at most two edits apart, in the same order or swapped.
fn names_close(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let (ia, ib) = (names.info(a.name), names.info(b.name));
    let w = |i: u32| names.words.get(i);
    let near = |x: &str, y: &str| x.len().max(y.len()) >= 3 && osa_within(x, y, 2);
    let (fa, ga, fb, gb) = (w(ia.family), w(ia.given), w(ib.family), w(ib.given));
    // a word split or joined ("katel byn" / "katelyn"): the letters alike
    let letters = |x: &str| x.replace(' ', "");
    let (sa, sb) = (
        letters(names.strings.get(a.name)),
        letters(names.strings.get(b.name)),
    );
    near(fa, fb) && near(ga, gb)
        || near(fa, gb) && near(ga, fb)
        || sa.len().min(sb.len()) >= 8 && osa_within(&sa, &sb, 2)
}

/// True when one record's name is a single word that is (within an edit)
/// the family or the given name of the other's.
fn part_of(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let (ia, ib) = (names.info(a.name), names.info(b.name));
    let (one, other) = match (ia.words, ib.words) {
        (1, n) if n > 1 => (ia, ib),
        (n, 1) if n > 1 => (ib, ia),
        _ => return false,
    };
    let w = names.words.get(one.given);
    w.len() >= 3
        && [other.family, other.given]
            .iter()
            .any(|&x| osa_within(w, names.words.get(x), 1))
}

/// True when the family names or the given names of two records are the same.
fn share_a_name(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let (ia, ib) = (names.info(a.name), names.info(b.name));
    ia.words > 1
        && ib.words > 1
        && (ia.family == ib.family
            || ia.given == ib.given
            || ia.family == ib.given
            || ia.given == ib.family)
}

/// True when two names are the same words in another order.
fn same_words(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let (sa, sb) = (names.strings.get(a.name), names.strings.get(b.name));
    if sa.len() != sb.len() || !sa.contains(' ') {
        return false;
    }
    fn sorted(s: &str) -> Vec<&str> {
        let mut w: Vec<&str> = s.split(' ').collect();
        w.sort_unstable();
        w
    }
    sorted(sa) == sorted(sb)
}

/// True when the two records' given names are at most two edits apart.
fn given_close(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let (ia, ib) = (names.info(a.name), names.info(b.name));
    let (ga, gb) = (names.words.get(ia.given), names.words.get(ib.given));
    ga.len().max(gb.len()) >= 3 && osa_within(ga, gb, 2)
}

pub(crate) fn osa(a: &str, b: &str) -> usize {
    let mut bc = ['\0'; OSA_MAX];
    let Some(n) = chars_into(b.chars(), &mut bc) else {
        return strsim::osa_distance(a, b);
    };
    let bc = &bc[..n];
    // Rows i - 1, i and i + 1 of the distance table, rotated by index.
    let mut rows = [[0u32; OSA_MAX + 1]; 3];
    for (j, v) in rows[0].iter_mut().enumerate().take(n + 1) {
        *v = j as u32;
    }
    rows[1] = rows[0];
    let (mut two, mut prev, mut curr) = (0, 1, 2);
    let mut prev_a = char::MAX;
    for (i, ac) in a.chars().enumerate() {
        rows[curr][0] = (i + 1) as u32;
        for (j, &bch) in bc.iter().enumerate() {
            let cost = u32::from(ac != bch);
            let mut v = (rows[curr][j] + 1)
                .min(rows[prev][j + 1] + 1)
                .min(rows[prev][j] + cost);
            if i > 0 && j > 0 && ac != bch && ac == bc[j - 1] && bch == prev_a {
                v = v.min(rows[two][j - 1] + 1);
            }
            rows[curr][j + 1] = v;
        }
        (two, prev, curr) = (prev, curr, two);
        prev_a = ac;
    }
    rows[prev][n] as usize
}

/// Words of a name kept on the stack.
const WORDS: usize = 12;

/// Splits `s` on spaces into `out`; None when it has more than [`WORDS`] words.
fn words<'a>(s: &'a str, out: &mut [&'a str; WORDS]) -> Option<usize> {
    // Split on the byte b' ': it never occurs inside a multi-byte character.
    let mut n = 0;
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b' ' {
            *out.get_mut(n)? = s.get(start..i).unwrap_or("");
            n += 1;
            start = i + 1;
        }
    }
    *out.get_mut(n)? = s.get(start..).unwrap_or("");
    Some(n + 1)
}

/// The words of `s` (on the stack when at most [`WORDS`]), to `f`.
fn with_words<R>(s: &str, f: impl FnOnce(&[&str]) -> R) -> R {
    let mut sa = [""; WORDS];
    match words(s, &mut sa) {
        Some(n) => f(sa.get(..n).unwrap_or_default()),
        None => f(&s.split(' ').collect::<Vec<&str>>()),
    }
}

fn cmp_name(a: &PersonRecord, b: &PersonRecord, names: &Names) -> NameLevel {
    // Id 0 is the empty string.
    if a.name == 0 || b.name == 0 {
        return NameLevel::Missing;
    }
    if a.norm == b.norm {
        return NameLevel::Exact;
    }
    if a.name == b.name {
        return if a.accented() && b.accented() {
            NameLevel::AccentDiffers
        } else {
            NameLevel::Folded
        };
    }
    let (ia, ib) = (names.info(a.name), names.info(b.name));
    let (sa, sb) = (names.strings.get(a.name), names.strings.get(b.name));
    let (na, nb) = (ia.words, ib.words);
    let same_given = ia.given == ib.given;
    let same_family = ia.family == ib.family;
    if na > 1 && nb > 1 && na != nb && same_given && same_family {
        // Family and given name agree: a middle name left out is the same
        // name; another middle name (Minh / Hữu) is another person, unless
        // it is a typo (below).
        let partial = with_words(sa, |wa| {
            with_words(sb, |wb| {
                let (short, long) = if wa.len() <= wb.len() {
                    (wa, wb)
                } else {
                    (wb, wa)
                };
                let long_mid = long.get(1..long.len() - 1).unwrap_or_default();
                let short_mid = short.get(1..short.len() - 1).unwrap_or_default();
                short_mid.iter().all(|w| long_mid.contains(w))
            })
        });
        if partial {
            return NameLevel::Partial;
        }
    }
    if na == nb
        && na > 1
        && same_family
        && sa.get(..ia.last_space as usize) == sb.get(..ib.last_space as usize)
    {
        // Same family and middle names: the given name decides. One letter
        // apart is a typo only when one of the two is rare in the file (a
        // misspelling); two common names (Hồng / Hằng) are two people.
        let (ga, gb) = (names.words.get(ia.given), names.words.get(ib.given));
        let (ca, cb) = (names.given_count(&ia).max(1), names.given_count(&ib).max(1));
        let rare = ca.min(cb).saturating_mul(20) < ca.max(cb);
        return if rare && osa_within(ga, gb, 1) && ga.len().max(gb.len()) >= 4 {
            NameLevel::Typo
        } else {
            NameLevel::GivenDiffers
        };
    }
    // Cheap tests first: most compared pairs are different people.
    let (la, lb) = (sa.len(), sb.len());
    let close = |same: bool, x: u32, y: u32| {
        same || {
            let (x, y) = (names.words.get(x), names.words.get(y));
            x.len().abs_diff(y.len()) <= 1 && osa(x, y) <= 1
        }
    };
    let typo = la.min(lb) >= 8
        && la.abs_diff(lb) <= 2
        && close(same_family, ia.family, ib.family)
        && close(same_given, ia.given, ib.given)
        && osa_within(sa, sb, 2);
    // Letters run together or split ("Thị Lan" / "ThịLan") count as one edit.
    if typo
        || (la.abs_diff(lb) <= 3
            && sa
                .chars()
                .filter(|c| *c != ' ')
                .eq(sb.chars().filter(|c| *c != ' ')))
    {
        NameLevel::Typo
    } else {
        NameLevel::Differ
    }
}

/// `ddmmyyyy` digits (the year modulo 10000), for one-digit typos.
fn ymd_digits(d: chrono::NaiveDate) -> [u8; 8] {
    let (day, month, year) = (d.day(), d.month(), d.year().rem_euclid(10000) as u32);
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(day / 10),
        digit(day),
        digit(month / 10),
        digit(month),
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ]
}

fn cmp_dob(a: DateValue, b: DateValue) -> DobLevel {
    use DateValue::*;
    match (a, b) {
        (Full(x), Full(y)) => {
            if x == y {
                DobLevel::Exact
            } else if x.day() != y.day()
                && x.month() != y.month()
                && x.year().rem_euclid(10000) != y.year().rem_euclid(10000)
            {
                // Day, month and year all differ: at least three digits
                // differ, so none of the near levels below can hold.
                DobLevel::Differ
            } else if x.year() == y.year() && x.month() == y.day() && x.day() == y.month() {
                DobLevel::Swapped
            } else if (x.year() - y.year()).abs() == 1
                && x.month() == y.month()
                && x.day() == y.day()
            {
                DobLevel::YearOff
            } else if near_digits(&ymd_digits(x), &ymd_digits(y)) {
                DobLevel::Near
            } else {
                DobLevel::Differ
            }
        }
        (Full(_) | Partial { .. }, Full(_) | Partial { .. }) => {
            if a.year() == b.year() {
                DobLevel::YearOnly
            } else {
                DobLevel::Differ
            }
        }
        _ => DobLevel::Missing,
    }
}

fn cmp_id(a: &IdKey, b: &IdKey) -> IdLevel {
    match (a, b) {
        (IdKey::Cccd(x), IdKey::Cccd(y)) => id_level(x, y),
        (IdKey::Other(x), IdKey::Other(y)) => id_level(x, y),
        _ => IdLevel::Missing,
    }
}

fn id_level(x: &[u8], y: &[u8]) -> IdLevel {
    if x == y {
        IdLevel::Same
    } else if near_digits(x, y) {
        IdLevel::Near
    } else {
        IdLevel::Differ
    }
}

fn agree<T: PartialEq + ?Sized>(a: Option<&T>, b: Option<&T>) -> Agree {
    match (a, b) {
        (Some(x), Some(y)) if x == y => Agree::Agree,
        (Some(_), Some(_)) => Agree::Differ,
        _ => Agree::Missing,
    }
}

/// [`aw`] of a text field, an agreeing value weighed by how common it is
/// when the weights were learned: log2(m / u) less log2(c / (n·u)), c the
/// records with the value (a city half the list lives in says little).
fn aw_text(level: Agree, value: u32, pool: &Pool, w: &super::config::AgreeW) -> f32 {
    match (level, w.learned_count) {
        (Agree::Agree, Some(at)) => {
            let c = pool
                .value_count
                .get(value as usize)
                .copied()
                .unwrap_or(1)
                .max(1) as f32;
            w.agree - (c / at.max(1.0)).log2().clamp(-TF_MAX_BITS, TF_MAX_BITS)
        }
        _ => aw(level, w),
    }
}

/// The weights of the commune, address and postcode, of which only the
/// largest agreement counts: one place, said three ways (one postcode is one
/// commune for strangers as much as for one person), is evidence once.
/// Disagreements all count.
fn places_w(commune: f32, address: f32, postcode: f32) -> (f32, f32, f32) {
    let top = commune.max(address).max(postcode);
    let mut kept = false;
    let mut keep = |w: f32| {
        if w <= 0.0 {
            w
        } else if w == top && !kept {
            kept = true;
            w
        } else {
            0.0
        }
    };
    (keep(commune), keep(address), keep(postcode))
}

/// The weight of a birth-date level; an exact date less (or more) by how
/// common it is, when the weights were learned.
fn dob_weight_of(level: DobLevel, a: &PersonRecord, pool: &Pool, d: &super::config::DobW) -> f32 {
    match (level, a.dob, d.learned_count) {
        (DobLevel::Exact, DateValue::Full(x), Some(at)) => {
            let c = pool
                .dob_count
                .get(&x.num_days_from_ce())
                .copied()
                .unwrap_or(1)
                .max(1) as f32;
            d.exact - (c / at.max(1.0)).log2().clamp(-TF_MAX_BITS, TF_MAX_BITS)
        }
        _ => dob_w(level, d),
    }
}

/// The most a value's frequency moves a learned agreement weight, in bits.
const TF_MAX_BITS: f32 = 8.0;

fn aw(level: Agree, w: &super::config::AgreeW) -> f32 {
    match level {
        Agree::Agree => w.agree,
        Agree::Differ => w.differ,
        Agree::Close => w.close.unwrap_or(w.differ),
        Agree::Missing => 0.0,
    }
}

/// [`agree_id`] of two interned values, with [`Agree::Close`] for texts a
/// typo or a space apart when the weights tell it apart (`close` set).
fn agree_text(a: u32, b: u32, values: &Strings, w: &super::config::AgreeW) -> Agree {
    match agree_id(a, b) {
        Agree::Differ if w.close.is_some() && close_text(values.get(a), values.get(b)) => {
            Agree::Close
        }
        level => level,
    }
}

/// Two texts the same but for spaces and punctuation, one or two edits
/// apart, or alike by Jaro–Winkler (long texts).
pub(crate) fn close_text(x: &str, y: &str) -> bool {
    let (mut xc, mut yc) = (['\0'; OSA_MAX], ['\0'; OSA_MAX]);
    let (Some(lx), Some(ly)) = (
        chars_into(letters(x), &mut xc),
        chars_into(letters(y), &mut yc),
    ) else {
        return close_long_text(x, y);
    };
    let (x, y) = (&xc[..lx], &yc[..ly]);
    if x.is_empty() || y.is_empty() {
        return false;
    }
    let longest = lx.max(ly);
    let edits = if longest <= 5 { 1 } else { 2 };
    x == y
        || osa_chars_within(x, y, edits)
        || longest >= 8
            && jaro_winkler_may_reach(x.iter().copied(), y.iter().copied(), 0.9)
            && jaro_winkler_of(x, y) >= 0.9
}

fn jaro_winkler_of(x: &[char], y: &[char]) -> f64 {
    if let Some(j) = jaro_winkler_small(x, y) {
        return j;
    }
    let (x, y): (String, String) = (x.iter().collect(), y.iter().collect());
    strsim::jaro_winkler(&x, &y)
}

/// Jaro–Winkler of two strings (as `strsim::jaro_winkler`), on the stack.
fn jaro_winkler_str(a: &str, b: &str) -> f64 {
    let (mut ac, mut bc) = (['\0'; OSA_MAX], ['\0'; OSA_MAX]);
    match (
        chars_into(a.chars(), &mut ac),
        chars_into(b.chars(), &mut bc),
    ) {
        (Some(la), Some(lb)) => jaro_winkler_of(&ac[..la], &bc[..lb]),
        _ => strsim::jaro_winkler(a, b),
    }
}

/// Jaro–Winkler of two short strings without allocating (the comparisons
/// of a list run it millions of times); None when one is longer than 64.
fn jaro_winkler_small(a: &[char], b: &[char]) -> Option<f64> {
    const MAX: usize = 64;
    let (la, lb) = (a.len(), b.len());
    if la > MAX || lb > MAX {
        return None;
    }
    if la == 0 && lb == 0 {
        return Some(1.0);
    }
    if la == 0 || lb == 0 {
        return Some(0.0);
    }
    let window = (la.max(lb) / 2).saturating_sub(1);
    let (mut a_hit, mut b_hit) = ([false; MAX], [false; MAX]);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(lb);
        for j in lo..hi {
            if !b_hit[j] && b[j] == ca {
                a_hit[i] = true;
                b_hit[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return Some(0.0);
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if !a_hit[i] {
            continue;
        }
        while !b_hit[j] {
            j += 1;
        }
        if ca != b[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    let jaro = (m / la as f64 + m / lb as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    if jaro <= 0.7 {
        return Some(jaro);
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    Some(jaro + 0.1 * prefix * (1.0 - jaro))
}

/// The letters and digits of `s`.
fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| c.is_alphanumeric())
}

/// `chars` into `buf`, how many; None when they do not fit.
fn chars_into(chars: impl Iterator<Item = char>, buf: &mut [char; OSA_MAX]) -> Option<usize> {
    let mut n = 0;
    for c in chars {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    Some(n)
}

/// [`close_text`] for texts of more than [`OSA_MAX`] letters.
fn close_long_text(x: &str, y: &str) -> bool {
    let (x, y): (String, String) = (letters(x).collect(), letters(y).collect());
    x == y || osa(&x, &y) <= 2 || jaro_winkler_str(&x, &y) >= 0.9
}

/// `osa(a, b) <= k`, ruled out first by the lengths (an edit changes the
/// length by at most one): most pairs compared are strangers.
pub(crate) fn osa_within(a: &str, b: &str, k: usize) -> bool {
    let (mut ac, mut bc) = (['\0'; OSA_MAX], ['\0'; OSA_MAX]);
    match (
        chars_into(a.chars(), &mut ac),
        chars_into(b.chars(), &mut bc),
    ) {
        (Some(la), Some(lb)) => osa_chars_within(&ac[..la], &bc[..lb], k),
        _ => osa(a, b) <= k,
    }
}

/// [`osa_within`] of two words as characters (at most [`OSA_MAX`] each).
fn osa_chars_within(a: &[char], b: &[char], k: usize) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > k {
        return false;
    }
    // Only cells within k of the diagonal can stay within k: a band of
    // the distance table, given up as soon as a whole row exceeds k.
    const FAR: u32 = u32::MAX / 2;
    let k32 = k as u32;
    let mut rows = [[FAR; OSA_MAX + 1]; 3];
    for (j, v) in rows[0].iter_mut().enumerate().take(lb.min(k) + 1) {
        *v = j as u32;
    }
    let (mut two, mut prev, mut curr) = (2, 0, 1);
    for i in 1..=la {
        let (lo, hi) = (i.saturating_sub(k).max(1), (i + k).min(lb));
        rows[curr][0] = if i <= k { i as u32 } else { FAR };
        rows[curr][lo - 1] = if lo == 1 { rows[curr][0] } else { FAR };
        if hi < lb {
            rows[curr][hi + 1] = FAR;
        }
        let mut best = rows[curr][0];
        for j in lo..=hi {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[curr][j - 1] + 1)
                .min(rows[prev][j] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[two][j - 2] + 1);
            }
            rows[curr][j] = v;
            best = best.min(v);
        }
        if best > k32 {
            return false;
        }
        (two, prev, curr) = (prev, curr, two);
    }
    rows[prev][lb] <= k32
}

/// Jaro–Winkler of `a` and `b` at least `t`, ruled out first by a bound
/// (the bound is what the comparisons use; this pairs it with the score for
/// the tests). Jaro counts at most the characters the two share (counted here in 64
/// buckets, which can only overcount), and Winkler's prefix bonus adds at
/// most 0.4 of what Jaro misses. The bound holds for a name with its words
/// in any order too (same characters).
#[cfg(test)]
fn jaro_winkler_at_least(a: &str, b: &str, t: f64) -> bool {
    jaro_winkler_may_reach(a.chars(), b.chars(), t) && strsim::jaro_winkler(a, b) >= t
}

fn jaro_winkler_may_reach(
    a: impl Iterator<Item = char>,
    b: impl Iterator<Item = char>,
    t: f64,
) -> bool {
    let (mut ca, mut cb) = ([0u32; 64], [0u32; 64]);
    let (mut la, mut lb) = (0u32, 0u32);
    for c in a {
        ca[c as usize & 63] += 1;
        la += 1;
    }
    for c in b {
        cb[c as usize & 63] += 1;
        lb += 1;
    }
    if la == 0 || lb == 0 {
        return true;
    }
    let shared: u32 = ca.iter().zip(&cb).map(|(x, y)| *x.min(y)).sum();
    if shared == 0 {
        return false;
    }
    let m = f64::from(shared);
    let jaro = (m / f64::from(la) + m / f64::from(lb) + 1.0) / 3.0;
    jaro + 0.4 * (1.0 - jaro) + 1e-9 >= t
}

/// Two names alike letter by letter, their words in any order (Jaro–Winkler
/// of the sorted words, or of the names as written).
fn names_similar(a: &str, b: &str) -> bool {
    fn sorted(s: &str) -> String {
        let mut w: Vec<&str> = s.split(' ').collect();
        w.sort_unstable();
        w.join(" ")
    }
    jaro_winkler_may_reach(a.chars(), b.chars(), 0.88)
        && (jaro_winkler_str(a, b) >= 0.88 || jaro_winkler_str(&sorted(a), &sorted(b)) >= 0.88)
}

fn cmp_events(a: &[(u64, i32)], b: &[(u64, i32)], max_days: i64) -> EventsLevel {
    if a.is_empty() || b.is_empty() {
        return EventsLevel::Missing;
    }
    let mut level = EventsLevel::Disjoint;
    for &(ka, da) in a {
        for &(kb, db) in b {
            if ka == kb {
                if (i64::from(da) - i64::from(db)).abs() <= max_days {
                    return EventsLevel::Same;
                }
                level = EventsLevel::Conflict;
            }
        }
    }
    level
}

/// Agreement of two interned values (id 0: missing).
fn agree_id<T: PartialEq + Default>(a: T, b: T) -> Agree {
    let none = T::default();
    if a == none || b == none {
        Agree::Missing
    } else if a == b {
        Agree::Agree
    } else {
        Agree::Differ
    }
}

/// Compares two records and scores the comparison.
pub fn compare(a: &PersonRecord, b: &PersonRecord, pool: &Pool, w: &Weights) -> Comparison {
    compare_events(a, b, pool, w, 7)
}

/// [`compare`], with the largest gap in days for two events to be one.
pub(crate) fn compare_events(
    a: &PersonRecord,
    b: &PersonRecord,
    pool: &Pool,
    w: &Weights,
    max_days: i64,
) -> Comparison {
    compare_inner(a, b, pool, w, max_days, None).unwrap_or_default()
}

/// The most the name and the events can add to a score, for [`compare_min`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    name: f32,
    events: f32,
}

impl Bounds {
    pub fn new(w: &Weights) -> Bounds {
        let n = &w.name;
        // with learned weights a rare exact name weighs more than `exact`
        let rare = if n.learned_count.is_some() {
            n.frequent_max.max(0.0)
        } else {
            0.0
        };
        let name = [
            0.0,
            n.exact + rare,
            n.folded + rare,
            n.accent_differs,
            n.partial,
            n.typo,
            n.given_differs,
            n.similar.unwrap_or(n.differ),
            n.differ,
        ]
        .into_iter()
        .fold(0.0f32, f32::max);
        let e = &w.events;
        let events = e.same.max(e.conflict).max(e.disjoint).max(0.0);
        Bounds { name, events }
    }
}

/// [`compare_events`] when the score reaches `min`; None when it does not.
/// The cheap fields go first: a pair that cannot reach `min` whatever its
/// name and events is left before comparing them, and one that cannot
/// whatever its events before reading its rows.
pub(crate) fn compare_min(
    a: &PersonRecord,
    b: &PersonRecord,
    pool: &Pool,
    w: &Weights,
    max_days: i64,
    bounds: &Bounds,
    min: f32,
) -> Option<Comparison> {
    compare_inner(a, b, pool, w, max_days, Some((bounds, min))).filter(|c| c.score >= min)
}

fn dob_w(l: DobLevel, d: &super::config::DobW) -> f32 {
    match l {
        DobLevel::Missing => 0.0,
        DobLevel::Exact => d.exact,
        DobLevel::Swapped => d.swapped,
        DobLevel::Near => d.near,
        DobLevel::YearOff => d.year_off,
        DobLevel::YearOnly => d.year_only,
        DobLevel::Differ => d.differ,
    }
}

fn id_w(l: IdLevel, w: &super::config::IdW) -> f32 {
    match l {
        IdLevel::Missing => 0.0,
        IdLevel::Same => w.same,
        IdLevel::Near => w.near,
        IdLevel::Differ => w.differ,
    }
}

/// Below this by more than rounding: the sum cannot reach `min`.
const MARGIN: f32 = 1e-3;

fn compare_inner(
    a: &PersonRecord,
    b: &PersonRecord,
    pool: &Pool,
    w: &Weights,
    max_days: i64,
    bound: Option<(&Bounds, f32)>,
) -> Option<Comparison> {
    let dob = cmp_dob(a.dob, b.dob);
    let id = cmp_id(&a.id, &b.id);
    let sex = agree(a.sex.as_ref(), b.sex.as_ref());
    let phone = agree_id(a.phone, b.phone);
    let values = &pool.values;
    let commune = agree_text(a.commune, b.commune, values, &w.commune);
    let address = agree_text(a.address, b.address, values, &w.address);
    let postcode = agree_text(a.postcode, b.postcode, values, &w.postcode);
    let email = agree_text(a.email, b.email, values, &w.email);
    let text = agree_text(a.text, b.text, values, &w.text);
    let vaccine = agree_id(a.vaccine, b.vaccine);
    // Only to bound the score (the score itself is summed below). Under one
    // ID a differing birth date may count as a typo (below): bound it so.
    let dob_bound = if dob == DobLevel::Differ && id == IdLevel::Same {
        w.dob.near.max(w.dob.differ)
    } else {
        dob_weight_of(dob, a, pool, &w.dob)
    };
    let (commune_w, address_w, postcode_w) = places_w(
        aw_text(commune, a.commune, pool, &w.commune),
        aw_text(address, a.address, pool, &w.address),
        aw_text(postcode, a.postcode, pool, &w.postcode),
    );
    let email_w = aw_text(email, a.email, pool, &w.email);
    let text_w = aw_text(text, a.text, pool, &w.text);
    let rest = id_w(id, &w.id)
        + aw(sex, &w.sex)
        + aw(phone, &w.phone)
        + commune_w
        + address_w
        + aw(vaccine, &w.vaccine)
        + postcode_w
        + email_w
        + text_w;
    if let Some((bd, min)) = bound {
        if dob_bound + rest + bd.name + bd.events < min - MARGIN {
            return None;
        }
    }
    let name = cmp_name(a, b, &pool.names);
    let one_id = id == IdLevel::Same || matches!(email, Agree::Agree | Agree::Close);
    let name_counted = name_read_with(name, one_id, dob, a, b, &pool.names, w);
    let name_w = name_weight(name_counted, a, b, pool, w);
    // Under one ID and one name, a birth date that differs is a typo in the
    // date, not another person (a father and son share a name, never an ID).
    let same_person_otherwise = id == IdLevel::Same
        && matches!(
            name,
            NameLevel::Exact | NameLevel::Folded | NameLevel::AccentDiffers | NameLevel::Typo
        );
    let dob_counted = if dob == DobLevel::Differ && same_person_otherwise {
        DobLevel::Near
    } else {
        dob
    };
    let dob_weight = dob_weight_of(dob_counted, a, pool, &w.dob);
    if let Some((bd, min)) = bound {
        if dob_weight + rest + name_w + bd.events < min - MARGIN {
            return None;
        }
    }
    let mut c = Comparison {
        name,
        name_counted,
        dob,
        sex,
        id,
        phone,
        commune,
        address,
        vaccine,
        postcode,
        email,
        text,
        events: {
            let (mut ea, mut eb) = ([(0, 0); MAX_EVENTS], [(0, 0); MAX_EVENTS]);
            let (na, nb) = (pool.events(a, &mut ea), pool.events(b, &mut eb));
            cmp_events(
                ea.get(..na).unwrap_or_default(),
                eb.get(..nb).unwrap_or_default(),
                max_days,
            )
        },
        dob_counted,
        score: 0.0,
        parts: [0.0; FIELDS.len()],
    };
    c.parts = [
        name_w,
        dob_weight,
        aw(c.sex, &w.sex),
        id_w(c.id, &w.id),
        aw(c.phone, &w.phone),
        commune_w,
        address_w,
        aw(c.vaccine, &w.vaccine),
        postcode_w,
        email_w,
        events_w(c.events, w),
        text_w,
    ];
    let [name_p, dob_p, sex_p, id_p, phone_p, commune_p, address_p, vaccine_p, postcode_p, email_p, event_p, text_p] =
        c.parts;
    // Summed in the same order as always: the same rounding.
    c.score = name_p
        + dob_p
        + id_p
        + sex_p
        + phone_p
        + commune_p
        + address_p
        + vaccine_p
        + event_p
        + postcode_p
        + email_p
        + text_p;
    Some(c)
}

pub(crate) fn events_w(level: EventsLevel, w: &Weights) -> f32 {
    match level {
        EventsLevel::Missing => 0.0,
        EventsLevel::Same => w.events.same,
        EventsLevel::Conflict => w.events.conflict,
        EventsLevel::Disjoint => w.events.disjoint,
    }
}

/// The names' level read with the other fields: evidence that tells a typo
/// from a sibling. Siblings and twins share a family name, a phone, an
/// address, a commune — never an ID.
///
/// `one_id`: one person's own identifier agrees, the ID or the e-mail
/// address (a household shares a phone and an address, rarely a mailbox).
fn name_read_with(
    name: NameLevel,
    one_id: bool,
    dob: DobLevel,
    a: &PersonRecord,
    b: &PersonRecord,
    names: &Names,
    w: &Weights,
) -> NameLevel {
    match name {
        // a given name one or two edits away is a typo when the ID agrees too
        NameLevel::GivenDiffers if one_id && given_close(a, b, names) => NameLevel::Typo,
        // the same words in another order ("An Nguyễn Văn")
        NameLevel::Differ if same_words(a, b, names) => NameLevel::Typo,
        // both names a few edits off (or the two swapped), under one ID
        NameLevel::Differ if one_id && names_close(a, b, names) => NameLevel::Typo,
        // a name part missing on one side, under one ID
        NameLevel::Differ if one_id && part_of(a, b, names) => NameLevel::Partial,
        // under one ID and one full birth date, one of the names the same
        NameLevel::GivenDiffers | NameLevel::Differ
            if one_id && dob == DobLevel::Exact && share_a_name(a, b, names) =>
        {
            NameLevel::Partial
        }
        // alike letter by letter, as many words on both sides (a one-word
        // name is alike the start of any name that begins with it)
        NameLevel::Differ
            if w.name.similar.is_some()
                && names.info(a.name).words == names.info(b.name).words
                && names_similar(names.strings.get(a.name), names.strings.get(b.name)) =>
        {
            NameLevel::Similar
        }
        NameLevel::Differ if w.name.unrelated.is_some() && !names_related(a, b, names) => {
            NameLevel::Unrelated
        }
        level => level,
    }
}

/// True when a word of one name is a word of the other, one the start of
/// the other ("fred" / "frederick"), or alike letter by letter (Jaro–Winkler
/// at least 0.8: "imgeen" / "imogen", "dviis" / "davis").
fn names_related(a: &PersonRecord, b: &PersonRecord, names: &Names) -> bool {
    let related = |x: &str, y: &str| {
        x == y
            || x.len().min(y.len()) >= 3
                && (x.starts_with(y)
                    || y.starts_with(x)
                    || jaro_winkler_may_reach(x.chars(), y.chars(), 0.8)
                        && jaro_winkler_str(x, y) >= 0.8)
    };
    with_words(names.strings.get(a.name), |wa| {
        with_words(names.strings.get(b.name), |wb| {
            wa.iter().any(|x| wb.iter().any(|y| related(x, y)))
        })
    })
}

/// The weight of a name level; an exact name less (or, with learned
/// weights, more) by how common it is in the file.
fn name_weight(
    level: NameLevel,
    a: &PersonRecord,
    b: &PersonRecord,
    pool: &Pool,
    w: &Weights,
) -> f32 {
    let n = &w.name;
    match level {
        NameLevel::Missing => 0.0,
        NameLevel::Exact | NameLevel::Folded => {
            let count = |p: &PersonRecord| pool.names.info(p.name).count.max(1);
            let common = count(a).min(count(b)).max(2) as f32;
            let tf = match n.learned_count {
                // log2(m / tf): the weight of the average agreeing name,
                // less the log of how much commoner this name is
                Some(at) => (common / at.max(1.0))
                    .log2()
                    .clamp(-n.frequent_max.max(0.0), n.frequent_max.max(0.0)),
                None => {
                    (n.frequent_penalty * (common / 2.0).log2()).clamp(0.0, n.frequent_max.max(0.0))
                }
            };
            if level == NameLevel::Exact {
                n.exact - tf
            } else {
                n.folded - tf
            }
        }
        NameLevel::AccentDiffers => n.accent_differs,
        NameLevel::Partial => n.partial,
        NameLevel::Typo => n.typo,
        NameLevel::GivenDiffers => n.given_differs,
        NameLevel::Similar => n.similar.unwrap_or(n.differ),
        NameLevel::Differ => n.differ,
        NameLevel::Unrelated => n.unrelated.unwrap_or(n.differ),
    }
}

/// A field key of [`Comparison::fields`] in words (`dob~swapped` →
/// "ngày sinh (đảo ngày/tháng)").
pub fn field_label(key: &str, lang: Lang) -> String {
    let (field, how) = key.split_once('~').unwrap_or((key, ""));
    let f = match (field, lang.is_en()) {
        ("full_name", false) => "họ tên",
        ("dob", false) => "ngày sinh",
        ("id", false) => "số định danh",
        ("sex", false) => "giới tính",
        ("phone", false) => "số điện thoại",
        ("commune", false) => "xã",
        ("address", false) => "địa chỉ",
        ("vaccine", false) => "vắc xin",
        ("event", false) => "mũi tiêm",
        ("postcode", false) => "mã bưu chính",
        ("text", false) => "mô tả",
        ("full_name", true) => "name",
        ("dob", true) => "date of birth",
        ("id", true) => "ID",
        ("event", true) => "dose",
        (other, _) => other,
    };
    let h = match (how, lang.is_en()) {
        ("", _) => "",
        ("swapped", false) => " (đảo ngày/tháng)",
        ("typo", false) => " (lệch một ký tự)",
        ("year_off", false) => " (lệch một năm)",
        ("year", false) => " (chỉ có năm)",
        ("middle", false) => " (thiếu tên đệm)",
        ("accents", false) => " (khác dấu)",
        ("similar", false) => " (gần giống)",
        ("swapped", true) => " (day/month swapped)",
        ("typo", true) => " (one character off)",
        ("year_off", true) => " (year one off)",
        ("year", true) => " (year only)",
        ("middle", true) => " (middle name missing)",
        ("accents", true) => " (other diacritics)",
        ("similar", true) => " (alike)",
        (_, _) => "",
    };
    format!("{f}{h}")
}

impl Comparison {
    /// Each field that counted, its level and its weight in bits, e.g.
    /// `full_name:typo +9.8; dob:exact +11.2; address:differ -2.1`: why a
    /// pair matched (clusters.csv).
    pub fn explained(&self) -> String {
        let levels = levels(self);
        let mut out = String::new();
        for (f, &bits) in self.parts.iter().enumerate() {
            if bits == 0.0 {
                continue;
            }
            if !out.is_empty() {
                out.push_str("; ");
            }
            let level = level_name(f, usize::from(levels[f]));
            out.push_str(&format!("{}:{} {:+.1}", FIELDS[f], level, bits));
        }
        out
    }

    /// The agreeing fields in words, for messages.
    pub(crate) fn agreed_labels(&self, lang: Lang) -> Vec<String> {
        self.fields()
            .0
            .iter()
            .map(|k| field_label(k, lang))
            .collect()
    }

    /// Field names that agreed and that disagreed (`dob~swapped` for partial agreement).
    pub fn fields(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let mut yes = Vec::new();
        let mut no = Vec::new();
        match self.name {
            NameLevel::Exact | NameLevel::Folded => yes.push("full_name"),
            NameLevel::Partial => yes.push("full_name~middle"),
            NameLevel::Typo => yes.push("full_name~typo"),
            NameLevel::AccentDiffers => yes.push("full_name~accents"),
            NameLevel::GivenDiffers
            | NameLevel::Differ
            | NameLevel::Similar
            | NameLevel::Unrelated
                if self.name_counted == NameLevel::Similar =>
            {
                yes.push("full_name~similar")
            }
            NameLevel::GivenDiffers
            | NameLevel::Differ
            | NameLevel::Similar
            | NameLevel::Unrelated => no.push("full_name"),
            NameLevel::Missing => {}
        }
        match self.dob {
            DobLevel::Exact => yes.push("dob"),
            DobLevel::Swapped => yes.push("dob~swapped"),
            DobLevel::Near => yes.push("dob~typo"),
            DobLevel::YearOff => yes.push("dob~year_off"),
            DobLevel::YearOnly => yes.push("dob~year"),
            DobLevel::Differ => no.push("dob"),
            DobLevel::Missing => {}
        }
        match self.id {
            IdLevel::Same => yes.push("id"),
            IdLevel::Near => yes.push("id~typo"),
            IdLevel::Differ => no.push("id"),
            IdLevel::Missing => {}
        }
        for (name, a) in [
            ("sex", self.sex),
            ("phone", self.phone),
            ("commune", self.commune),
            ("address", self.address),
            ("vaccine", self.vaccine),
            ("postcode", self.postcode),
            ("email", self.email),
            ("text", self.text),
        ] {
            match a {
                Agree::Agree => yes.push(name),
                Agree::Close => yes.push(close_key(name)),
                Agree::Differ => no.push(name),
                Agree::Missing => {}
            }
        }
        match self.events {
            EventsLevel::Same => yes.push("event"),
            EventsLevel::Conflict => no.push("event"),
            // other doses or years of the person: not a duplicate event
            EventsLevel::Disjoint => no.push("event~other"),
            EventsLevel::Missing => {}
        }
        (yes, no)
    }
}

/// The key of a field that agrees but for a typo (`address~typo`).
fn close_key(field: &str) -> &'static str {
    match field {
        "commune" => "commune~typo",
        "address" => "address~typo",
        "postcode" => "postcode~typo",
        "email" => "email~typo",
        "text" => "text~typo",
        _ => "typo",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn words_split_like_str_split() {
        for s in [
            "",
            " ",
            "a",
            "nguyen thi lan",
            " a  b ",
            "đ ư ơ",
            "a b c d e f g h i j k l",
        ] {
            let mut out = [""; WORDS];
            let n = words(s, &mut out).unwrap();
            assert_eq!(
                &out[..n],
                s.split(' ').collect::<Vec<_>>().as_slice(),
                "{s:?}"
            );
        }
        assert!(words("a b c d e f g h i j k l m", &mut [""; WORDS]).is_none());
    }
    use crate::config::DedupeSettings;
    use chrono::NaiveDate;
    use lamsach_text::{fold, normalize};

    /// A person record for tests, its strings interned in `pool`.
    pub(crate) fn p(
        pool: &mut Pool,
        name: &str,
        dob: (i32, u32, u32),
        sex: Sex,
        id: &str,
    ) -> PersonRecord {
        let strings = &mut pool.names.strings;
        PersonRecord {
            name: strings.intern(&fold(name)),
            norm: strings.intern(&normalize(name)),
            dob: DateValue::Full(NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap()),
            sex: Some(sex),
            id: if id.is_empty() {
                IdKey::None
            } else {
                let mut d = [0u8; 12];
                d.copy_from_slice(id.as_bytes());
                IdKey::Cccd(d)
            },
            ..super::super::EMPTY_PERSON
        }
    }

    /// Compares `a` with `b` in a pool holding only the two.
    fn cmp2(a: &str, b: &str, dob: (i32, u32, u32), id: &str, extra_given: u32) -> Comparison {
        let w = DedupeSettings::embedded().unwrap().weights;
        let mut pool = Pool::default();
        let pa = p(&mut pool, a, (1990, 5, 12), Sex::Female, "001190012345");
        let pb = p(&mut pool, b, dob, Sex::Female, id);
        let mut all = vec![pa, pb];
        // more records with a's name: its given name is common
        for _ in 0..extra_given {
            all.push(pa);
        }
        pool.names.finish(&all);
        compare(&pa, &pb, &pool, &w)
    }

    /// With the levels learning tells apart, names with no word related
    /// ("Trần Văn Hùng" / "Lê Thị Mai") are `Unrelated`, apart from names
    /// sharing a word or with words alike letter by letter (`Differ`). The
    /// hand-set weights leave `unrelated` unset: such names weigh `differ`.
    #[test]
    fn unrelated_names_are_told_from_names_sharing_a_word() {
        let hand = DedupeSettings::embedded().unwrap().weights;
        let tell = crate::learn::telling_levels(&hand);
        let level = |a: &str, b: &str, w: &Weights| {
            let mut pool = Pool::default();
            let pa = p(&mut pool, a, (1990, 5, 12), Sex::Male, "");
            let pb = p(&mut pool, b, (1990, 5, 12), Sex::Male, "");
            pool.names.finish(&[pa, pb]);
            compare(&pa, &pb, &pool, w).name_counted
        };
        assert_eq!(
            level("Trần Văn Hùng", "Lê Thị Mai", &tell),
            NameLevel::Unrelated
        );
        assert_eq!(
            level("Trần Văn Hùng", "Lê Thị Mai", &hand),
            NameLevel::Differ
        );
        // a word in common, the start of another, or alike letter by letter
        assert_eq!(
            level("Henry Gladstone", "Henry Hawarden Wood", &tell),
            NameLevel::Differ
        );
        assert_eq!(
            level("Fred Hoyle Smith", "Frederick Jones", &tell),
            NameLevel::Differ
        );
        assert_eq!(
            level("Imgeen", "Imogen Wilkinson", &tell),
            NameLevel::Differ
        );
    }

    /// An e-mail address is one person's: under one e-mail a given name one
    /// or two letters off is a typo, not a sibling; without it, a sibling.
    #[test]
    fn one_email_tells_a_typo_from_a_sibling() {
        let cfg = DedupeSettings::embedded().unwrap();
        let level = |email_b: &str| {
            let mut pool = Pool::default();
            let mut pa = p(&mut pool, "Arthur Booth", (2007, 9, 13), Sex::Male, "");
            let mut pb = p(&mut pool, "Arthur Both", (2007, 9, 13), Sex::Male, "");
            pa.email = pool.values.intern("arthurbooth25@romero.com");
            pb.email = pool.values.intern(email_b);
            pool.names.finish(&[pa, pb]);
            compare(&pa, &pb, &pool, &cfg.weights)
        };
        let same = level("arthurbooth25@romero.com");
        assert_eq!(same.name_counted, NameLevel::Typo);
        assert!(same.score >= cfg.threshold, "{}", same.score);
        assert_eq!(
            level("a.both@other.org").name_counted,
            NameLevel::GivenDiffers
        );
    }

    /// The allocation-free Jaro–Winkler equals strsim's.
    #[test]
    fn jaro_winkler_on_the_stack_equals_strsim() {
        let words = [
            "",
            "a",
            "martha",
            "marhta",
            "dixon",
            "dicksonx",
            "nguyễn",
            "nguyen",
            "imogen",
            "imgeen",
            "thành",
            "thanh",
            "abcdefghijklmnopqrstuvwxyz",
            "zyxwvutsrqponmlkjihgfedcba",
        ];
        for x in words {
            for y in words {
                let (ours, theirs) = (jaro_winkler_str(x, y), strsim::jaro_winkler(x, y));
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "{x} / {y}: {ours} vs {theirs}"
                );
            }
        }
    }

    /// Free text (`text`: an occupation) counts when the weights give it
    /// a weight, as agreeing, a typo apart or differing.
    #[test]
    fn free_text_is_compared_when_weighed() {
        let mut w = DedupeSettings::embedded().unwrap().weights;
        let cmp = |w: &Weights, text_b: &str| {
            let mut pool = Pool::default();
            let mut pa = p(&mut pool, "Thomas Hassell", (1819, 12, 21), Sex::Male, "");
            let mut pb = p(&mut pool, "Thomas Hassell", (1819, 12, 21), Sex::Male, "");
            pa.text = pool.values.intern("painter");
            pb.text = pool.values.intern(text_b);
            pool.names.finish(&[pa, pb]);
            compare(&pa, &pb, &pool, w)
        };
        // the hand-set weights leave it out
        assert_eq!(cmp(&w, "painter").parts[11], 0.0);
        w.text = crate::config::AgreeW {
            agree: 3.0,
            differ: -2.0,
            close: Some(1.0),
            learned_count: None,
        };
        let same = cmp(&w, "painter");
        assert_eq!(same.text, Agree::Agree);
        assert!(
            same.explained().contains("text:agree +3.0"),
            "{}",
            same.explained()
        );
        assert_eq!(cmp(&w, "paintre").text, Agree::Close);
        let other = cmp(&w, "politician");
        assert_eq!((other.text, other.parts[11]), (Agree::Differ, -2.0));
    }

    /// Commune, address and postcode name one place: of their agreements
    /// only the largest counts (strangers of one postcode share its commune
    /// too); disagreements all count.
    #[test]
    fn one_place_counts_once() {
        assert_eq!(places_w(1.0, 1.5, 2.0), (0.0, 0.0, 2.0));
        assert_eq!(places_w(1.0, -0.5, 0.0), (1.0, -0.5, 0.0));
        assert_eq!(places_w(-2.0, -0.5, -1.0), (-2.0, -0.5, -1.0));
        // two equal agreements: one counts
        assert_eq!(places_w(1.5, 1.5, 0.0), (1.5, 0.0, 0.0));
    }

    /// Under one ID, a name a few edits off or missing a part is one person;
    /// without it, the same differences are a sibling (or nobody).
    #[test]
    fn one_id_tells_a_typo_from_a_sibling() {
        let threshold = DedupeSettings::embedded().unwrap().threshold;
        let score = |b: &str, id: &str| cmp2("Nguyễn Thị Lan", b, (1990, 5, 12), id, 0).score;
        let same = "001190012345";
        for b in ["Nguyễn Thị Lam", "Nguyen Thi Lna", "Lan", "Lan Nguyễn"] {
            assert!(score(b, same) >= threshold, "{b}: {}", score(b, same));
            assert!(score(b, "") < threshold, "{b} without an ID");
        }
        // another given name with the same birth date: a twin without the
        // ID; with it, one person (the ID conflict itself is DUP002's)
        assert!(score("Nguyễn Thị Hoa", "") < threshold);
        assert!(score("Nguyễn Thị Hoa", same) >= threshold);
        assert!(
            cmp2("Nguyễn Thị Lan", "Nguyễn Thị Hoa", (1991, 5, 12), same, 0).score < threshold,
            "another given name and another birth date"
        );
    }

    #[test]
    fn name_levels() {
        let lvl = |n: &str| cmp2("Nguyễn Thị Lan", n, (1990, 5, 12), "", 0).name;
        assert_eq!(lvl("Nguyễn Thị Lan"), NameLevel::Exact);
        assert_eq!(lvl("NGUYEN THI LAN"), NameLevel::Folded);
        assert_eq!(lvl("Nguyễn Thị Lán"), NameLevel::AccentDiffers);
        assert_eq!(lvl("Nguyễn Lan"), NameLevel::Partial);
        assert_eq!(lvl("Nguyễn Thi Lam"), NameLevel::GivenDiffers);
        assert_eq!(lvl("Nguyễn Thị Hoa"), NameLevel::GivenDiffers);
        assert_eq!(lvl("Nguyen Thji Lan"), NameLevel::Typo);
        assert_eq!(lvl("Trần Văn Hùng"), NameLevel::Differ);
        assert_eq!(lvl("Nguyễn Minh Lan"), NameLevel::Differ);
        assert_eq!(lvl("Nguyễn Thị Ngọc Lan"), NameLevel::Partial);
        assert_eq!(lvl("Ngyuen Thi Lan"), NameLevel::Typo);
        assert_eq!(lvl("Trần Thị Lan"), NameLevel::Differ);
        assert_eq!(lvl("ThịLan Nguyễn"), NameLevel::Differ);
        assert_eq!(lvl(""), NameLevel::Missing);
        // one letter apart: a typo only when one spelling is rare in the file
        let h = |extra| {
            cmp2(
                "Nguyễn Thị Hương",
                "Nguyễn Thị Huowng",
                (1990, 5, 12),
                "",
                extra,
            )
            .name
        };
        assert_eq!(h(0), NameLevel::GivenDiffers);
        assert_eq!(h(40), NameLevel::Typo);
    }

    #[test]
    fn compare_min_keeps_every_pair_over_the_threshold() {
        let cfg = DedupeSettings::embedded().unwrap();
        let w = &cfg.weights;
        let bounds = Bounds::new(w);
        let mut pool = Pool::default();
        let names = [
            "Nguyễn Thị Lan",
            "NGUYEN THI LAN",
            "Nguyễn Lan",
            "Trần Văn Hùng",
            "",
        ];
        let dobs = [(1990, 5, 12), (1990, 12, 5), (1991, 5, 12), (1975, 1, 1)];
        let ids = ["", "001190012345", "001190012354", "079090099999"];
        let mut all = Vec::new();
        for n in names {
            for d in dobs {
                for id in ids {
                    all.push(p(&mut pool, n, d, Sex::Female, id));
                }
            }
        }
        pool.names.finish(&all);
        let mut kept = 0;
        for a in &all {
            for b in &all {
                for min in [cfg.threshold, 0.0, 20.0] {
                    let full = compare_events(a, b, &pool, w, 7);
                    let got = compare_min(a, b, &pool, w, 7, &bounds, min);
                    assert_eq!(got.is_some(), full.score >= min);
                    if let Some(c) = got {
                        assert_eq!(c, full);
                        kept += 1;
                    }
                }
            }
        }
        assert!(kept > 0);
    }

    #[test]
    fn osa_is_strsims() {
        let alphabet: Vec<char> = "abđaăâ bx".chars().collect();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut word = |max: u64| -> String {
            let len = next() % max;
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(10), word(10));
            assert_eq!(osa(&a, &b), strsim::osa_distance(&a, &b), "{a:?} {b:?}");
        }
        for _ in 0..50 {
            let (a, b) = (word(300), word(300));
            assert_eq!(osa(&a, &b), strsim::osa_distance(&a, &b), "{a:?} {b:?}");
        }
        assert_eq!(osa("ab", "ba"), 1);
        for _ in 0..20_000 {
            let (a, b) = (word(14), word(14));
            for t in [0.85, 0.88, 0.9] {
                assert_eq!(
                    jaro_winkler_at_least(&a, &b, t),
                    strsim::jaro_winkler(&a, &b) >= t,
                    "{a:?} {b:?} {t}"
                );
            }
            for k in 0..4 {
                assert_eq!(osa_within(&a, &b, k), osa(&a, &b) <= k, "{a:?} {b:?} {k}");
            }
        }
        let mut y = 0x9e37_79b9_7f4a_7c15u64;
        let mut edit = || {
            y ^= y << 13;
            y ^= y >> 7;
            y ^= y << 17;
            y
        };
        for _ in 0..2_000 {
            let a = word(40);
            let mut b: Vec<char> = a.chars().collect();
            for _ in 0..edit() % 4 {
                let at = (edit() as usize) % (b.len() + 1);
                match edit() % 3 {
                    0 => b.insert(at, 'x'),
                    1 if at < b.len() => drop(b.remove(at)),
                    _ if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            let b: String = b.into_iter().collect();
            for k in 0..4 {
                assert_eq!(osa_within(&a, &b, k), osa(&a, &b) <= k, "{a:?} {b:?} {k}");
            }
        }
        assert_eq!(osa("", "abc"), 3);
        assert_eq!(osa("abc", ""), 3);
    }

    #[test]
    fn phone_codes_round_trip() {
        let mut long = Strings::default();
        for d in [
            "",
            "0912345678",
            "000000001",
            "12345678901234567",
            "123456789012345678901",
        ] {
            let code = phone_code(d, &mut long);
            assert_eq!(code == 0, d.is_empty(), "{d}");
            let mut buf = [0u8; 17];
            assert_eq!(phone_digits(code, &long, &mut buf), d);
        }
        assert_ne!(
            phone_code("0912345678", &mut long),
            phone_code("00912345678", &mut long)
        );
    }

    #[test]
    fn strings_intern_once() {
        let mut s = Strings::default();
        assert_eq!(s.intern(""), 0);
        let a = s.intern("xã a");
        assert_eq!(s.intern("xã a"), a);
        // a forced hash collision is still told apart
        let b = s.intern_hashed(xxh3_64("xã a".as_bytes()), "xã b");
        assert_ne!(a, b);
        assert_eq!(s.intern_hashed(xxh3_64("xã a".as_bytes()), "xã b"), b);
        assert_eq!(s.get(a), "xã a");
        assert_eq!(s.get(b), "xã b");
        assert_eq!(s.get(99), "");
    }

    #[test]
    fn dob_and_id_levels() {
        let c = |dob, id: &str| cmp2("A B", "A B", dob, id, 0);
        assert_eq!(c((1990, 12, 5), "").dob, DobLevel::Swapped);
        assert_eq!(c((1991, 5, 12), "").dob, DobLevel::YearOff);
        assert_eq!(c((1990, 5, 13), "").dob, DobLevel::Near);
        assert_eq!(c((1960, 5, 12), "").dob, DobLevel::Near); // one digit: 1990 / 1960
        assert_eq!(c((1975, 5, 12), "").dob, DobLevel::Differ);
        assert_eq!(c((1975, 6, 13), "").dob, DobLevel::Differ);
        assert_eq!(c((1990, 6, 13), "").dob, DobLevel::Differ);
        // same digits (the year modulo 10000), another date: not a typo
        assert_eq!(c((11990, 5, 12), "").dob, DobLevel::Differ);
        assert_eq!(c((1990, 5, 12), "001190012354").id, IdLevel::Near);
        assert_eq!(c((1990, 5, 12), "001190012346").id, IdLevel::Near);
        assert_eq!(c((1990, 5, 12), "001190099999").id, IdLevel::Differ);
        assert_eq!(c((1990, 5, 12), "").id, IdLevel::Missing);
        let (yes, no) = c((1990, 12, 5), "001190099999").fields();
        assert!(
            yes.contains(&"dob~swapped") && no.contains(&"id"),
            "{yes:?} {no:?}"
        );
        assert_eq!(
            field_label("dob~swapped", Lang::Vi),
            "ngày sinh (đảo ngày/tháng)"
        );
        assert_eq!(field_label("full_name", Lang::En), "name");
    }
}
