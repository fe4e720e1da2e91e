//! Verification against an extract of the National Population Database
//! ("xác minh với CSDL dân cư"): `lamsach check export.csv --reference dan-cu.csv`.
//!
//! The extract is loaded once into a compact, read-only index shared by the
//! worker threads: an open-addressing hash table keyed by the ID as a `u64`
//! whose 24-byte slots hold the record itself (offset of the normalised name
//! in one byte arena, date of birth and sex, date of death, line), so a
//! lookup costs about two cache misses. Each
//! export row with a usable 12-digit ID is looked up once ([`lookup`]); the
//! `REF…` rules in `src/rules/ref_*.rs` then report what disagrees.

pub mod classify;
mod load;
mod table;

use table::Record;

pub use classify::{classify_dob, classify_name, DobClass, NameClass};
pub use lamsach_model::profile::{Matching, ReferenceSettings, REFERENCE_TOML};
pub use load::{load, write_issues_csv, IssueKind, LoadStats, RefIssue};

use chrono::{Datelike, NaiveDate};
use lamsach_model::parse::date::DateValue;
use lamsach_model::parse::id::IdValue;
use lamsach_model::profile::Sex;

/// A date packed in 32 bits: `year << 9 | month << 5 | day`, month and day
/// 0 when unknown (year-only dates); 0 = no date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PDate(u32);

impl PDate {
    pub(crate) const NONE: PDate = PDate(0);

    pub fn pack(v: DateValue) -> PDate {
        let (y, m, d) = match v {
            DateValue::Full(d) => (d.year(), d.month(), d.day()),
            DateValue::Partial { year, month } => (year, month.unwrap_or(0), 0),
            _ => return PDate::NONE,
        };
        if !(1..=9999).contains(&y) || m > 12 || d > 31 {
            return PDate::NONE;
        }
        PDate((y as u32) << 9 | m << 5 | d)
    }

    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    fn parts(self) -> (i32, u32, u32) {
        ((self.0 >> 9) as i32, (self.0 >> 5) & 0xF, self.0 & 0x1F)
    }

    pub fn value(self) -> DateValue {
        if self.is_none() {
            return DateValue::Missing;
        }
        let (y, m, d) = self.parts();
        match (m, d) {
            (0, _) => DateValue::Partial {
                year: y,
                month: None,
            },
            (m, 0) => DateValue::Partial {
                year: y,
                month: Some(m),
            },
            (m, d) => NaiveDate::from_ymd_opt(y, m, d).map_or(DateValue::Missing, DateValue::Full),
        }
    }

    /// The last day the date can mean: itself, or the end of its month or
    /// year when only those are known.
    pub fn latest(self) -> Option<NaiveDate> {
        match self.value() {
            DateValue::Full(d) => Some(d),
            DateValue::Partial { year, month: None } => NaiveDate::from_ymd_opt(year, 12, 31),
            DateValue::Partial {
                year,
                month: Some(m),
            } => {
                let (ny, nm) = if m == 12 {
                    (year + 1, 1)
                } else {
                    (year, m + 1)
                };
                NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
            }
            _ => None,
        }
    }

    /// `12/05/1990`, `1990`, `05/1990`, or `—` when unknown.
    pub fn show(self) -> String {
        match self.value() {
            DateValue::Full(d) => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            DateValue::Partial { year, month: None } => year.to_string(),
            DateValue::Partial {
                year,
                month: Some(m),
            } => format!("{m:02}/{year}"),
            _ => "—".to_string(),
        }
    }
}

fn sex_code(s: Option<Sex>) -> u8 {
    match s {
        None => 0,
        Some(Sex::Male) => 1,
        Some(Sex::Female) => 2,
    }
}

/// A person as the reference records them.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    /// Normalised name (NFC, lower case, single spaces).
    pub name: &'a str,
    pub dob: PDate,
    pub sex: Option<Sex>,
    pub death: PDate,
}

/// The loaded reference: read-only, shared by all worker threads.
pub struct Reference {
    table: table::People,
    /// Normalised names, each preceded by its length in one byte.
    names: Vec<u8>,
    /// What loading found (rows, duplicates, bad rows).
    pub stats: LoadStats,
    /// Problems in the reference file, by line (the first `MAX_ISSUES`).
    pub issues: Vec<RefIssue>,
    /// File name (without directories), for the summary.
    pub file_name: String,
}

impl std::fmt::Debug for Reference {
    // never prints the records: they are personal data
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference")
            .field("people", &self.table.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl Reference {
    /// Number of distinct IDs loaded.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// Bytes held by the index, for measurements.
    pub fn heap_bytes(&self) -> usize {
        self.table.heap_bytes() + self.names.capacity()
    }

    /// The length-prefixed name at `at` in the arena.
    fn name_at(&self, at: u32) -> &[u8] {
        let at = at as usize;
        let len = self.names.get(at).copied().unwrap_or(0) as usize;
        self.names.get(at + 1..at + 1 + len).unwrap_or(b"")
    }

    pub fn get(&self, id: u64) -> Option<Person<'_>> {
        let s = self.table.get(id)?;
        Some(person(&s, self.name_at(s.name)))
    }

    /// Looks up the IDs of a batch of export records (one `Option` per
    /// batch item, None for items that are not records) in tight loops, where
    /// the cache and TLB misses of many rows overlap, and copies the records
    /// found into a small buffer; a lookup done row by row among the other
    /// checks stalls on each miss. Pure speed-up: [`check_row_at`] gives the
    /// same result with or without it.
    pub fn prefetch<'b>(
        &self,
        records: impl Iterator<Item = Option<&'b [u8]>>,
        delim: u8,
        id_col: usize,
    ) -> Prefetched {
        let mut fields = Vec::new();
        let keys: Vec<u64> = records
            .map(|rec| {
                rec.and_then(|rec| {
                    lamsach_io::input::split_fields(rec, delim, &mut fields);
                    fields.get(id_col).and_then(|f| quick_key(f))
                })
                .unwrap_or(0)
            })
            .collect();
        let slots: Vec<Option<Record>> = keys.iter().map(|&k| self.table.get(k)).collect();
        // touch the names first (independent loads, overlapped), then copy
        let touched = slots.iter().flatten().fold(0u8, |a, s| {
            a ^ self.names.get(s.name as usize).copied().unwrap_or(0)
        });
        std::hint::black_box(touched);
        let mut p = Prefetched {
            rows: Vec::with_capacity(keys.len()),
            names: Vec::with_capacity(keys.len() * 24),
        };
        for (key, slot) in keys.into_iter().zip(slots) {
            let at = p.names.len();
            if let Some(s) = &slot {
                p.names.extend_from_slice(self.name_at(s.name));
            }
            p.rows.push(PreRow {
                key,
                slot,
                name: at..p.names.len(),
            });
        }
        p
    }
}

fn person<'a>(s: &Record, name: &'a [u8]) -> Person<'a> {
    Person {
        // the arena only ever receives whole `str`s cut at char boundaries
        name: std::str::from_utf8(name).unwrap_or(""),
        dob: PDate(s.dob()),
        sex: match s.sex() {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        },
        death: PDate(s.death),
    }
}

struct PreRow {
    /// The ID read ahead (0: none).
    key: u64,
    slot: Option<Record>,
    name: std::ops::Range<usize>,
}

/// A batch's records looked up ahead by [`Reference::prefetch`].
pub struct Prefetched {
    rows: Vec<PreRow>,
    names: Vec<u8>,
}

impl Prefetched {
    /// The lookup of `key` for batch item `idx`, when it was read ahead with
    /// that same key (None: look it up in the table).
    pub fn get(&self, idx: usize, key: u64) -> Option<Option<Person<'_>>> {
        let row = self.rows.get(idx).filter(|r| r.key == key)?;
        Some(
            row.slot
                .as_ref()
                .map(|s| person(s, self.names.get(row.name.clone()).unwrap_or(b""))),
        )
    }
}

/// A cell holding 10 to 12 digits (spaces around allowed) as a number: the
/// common case of [`row_key`], to read IDs ahead in [`Reference::prefetch`].
fn quick_key(cell: &[u8]) -> Option<u64> {
    let d = cell.trim_ascii();
    if !(10..=12).contains(&d.len()) {
        return None;
    }
    d.iter().try_fold(0u64, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u64::from(c - b'0'))
    })
}

/// How an export row compares with its reference record.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    pub person: Person<'a>,
    pub name: NameClass,
    pub dob: DobClass,
    /// Some(true) when both sides have a sex and they differ.
    pub sex_differs: Option<bool>,
    /// The export's ID had its leading zeros dropped (found once restored).
    pub padded: bool,
}

impl Match<'_> {
    /// ID found as written and name, date of birth and sex all agree ("đã xác thực").
    pub fn verified(&self) -> bool {
        !self.padded
            && self.name == NameClass::Same
            && self.dob == DobClass::Same
            && self.sex_differs == Some(false)
    }
}

/// The result of looking a row up in the reference.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// The row has no usable 12-digit ID (other rules report why).
    NoId,
    /// A valid ID that the reference does not have.
    NotFound {
        padded: bool,
    },
    Found(Match<'a>),
}

/// The 12-digit ID of a row as a number; `padded` when Excel dropped its
/// leading zeros and they were put back.
pub fn row_key(id: &IdValue) -> Option<(u64, bool)> {
    let digits = |b: &[u8]| {
        b.iter().try_fold(0u64, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + (c - b'0') as u64)
        })
    };
    match id {
        IdValue::Cccd(d) => digits(d).map(|k| (k, false)),
        IdValue::DroppedZeros { padded } => digits(padded.as_bytes()).map(|k| (k, true)),
        _ => None,
    }
}

/// What the summary and tally.json say about the reference.
#[derive(Debug, Clone)]
pub struct Summary {
    pub file_name: String,
    pub people: u64,
    pub stats: LoadStats,
}

impl From<&Reference> for Summary {
    fn from(r: &Reference) -> Self {
        Summary {
            file_name: r.file_name.clone(),
            people: r.len() as u64,
            stats: r.stats.clone(),
        }
    }
}

/// Title-cases a normalised name for messages: `nguyễn thị ánh` → `Nguyễn Thị Ánh`.
pub fn display_name(norm: &str) -> String {
    let mut out = String::with_capacity(norm.len());
    let mut start = true;
    for c in norm.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use lamsach_text::Lang;

    /// A small extract, loaded as a user's would be.
    fn test_reference() -> Reference {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("dan-cu.csv");
        std::fs::write(
            &p,
            "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Địa chỉ,Ngày mất\n\
             001190012345,Nguyễn Thị Lan,12/05/1990,Nữ,Chiêm Hóa,\n\
             008075001122,Trần Văn Hùng,03/11/1975,Nam,Chiêm Hóa,01/03/2021\n\
             001945000111,Lê Văn Cụ,1945,Nam,Na Hang,\n",
        )
        .expect("write reference");
        let data = lamsach_model::profile::RuleData::embedded().expect("embedded rules load");
        load(&p, &data, Lang::Vi).expect("test reference loads")
    }

    #[test]
    fn packed_dates_round_trip() {
        let d = NaiveDate::from_ymd_opt(1990, 5, 12).unwrap();
        assert_eq!(PDate::pack(DateValue::Full(d)).value(), DateValue::Full(d));
        let y = DateValue::Partial {
            year: 1945,
            month: None,
        };
        assert_eq!(PDate::pack(y).value(), y);
        assert_eq!(
            PDate::pack(y).latest(),
            NaiveDate::from_ymd_opt(1945, 12, 31)
        );
        let ym = DateValue::Partial {
            year: 2024,
            month: Some(2),
        };
        assert_eq!(
            PDate::pack(ym).latest(),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert!(PDate::pack(DateValue::Unparseable).is_none());
        assert_eq!(PDate::pack(DateValue::Full(d)).show(), "12/05/1990");
        assert_eq!(PDate::NONE.show(), "—");
    }

    #[test]
    fn config_loads_and_rejects_bad_thresholds() {
        let c = ReferenceSettings::embedded().unwrap();
        assert_eq!(c.profile.name, "reference");
        assert!(c
            .matching
            .active_record_profiles
            .contains(&"bhxh".to_string()));
        let bad =
            REFERENCE_TOML.replace("typo_min_jaro_winkler = 0.9", "typo_min_jaro_winkler = 9");
        let e = ReferenceSettings::parse("r.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("typo_min_jaro_winkler"), "{e}");
        let bad = REFERENCE_TOML.replace("near_days = 10", "near_day = 10");
        let e = ReferenceSettings::parse("r.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.toml:") && e.contains("near_day"), "{e}");
    }

    #[test]
    fn prefetch_gives_the_table_lookups() {
        let r = &test_reference();
        let recs: [Option<&[u8]>; 5] = [
            Some(b"Lan,001190012345,x"),
            None,
            Some(b"Ai,\" 001190099999 \",x"),
            Some(b"Cu,1945000111,x"),
            Some(b"broken"),
        ];
        let p = r.prefetch(recs.into_iter(), b',', 1);
        let name = |o: Option<Option<Person>>| o.map(|x| x.map(|p| p.name.to_string()));
        assert_eq!(
            name(p.get(0, 1190012345)),
            Some(Some("nguyễn thị lan".into()))
        );
        // read ahead with another key (or none): the caller falls back to the table
        assert_eq!(name(p.get(0, 8075001122)), None);
        assert_eq!(name(p.get(1, 1190012345)), None);
        assert_eq!(name(p.get(2, 1190099999)), Some(None));
        assert_eq!(name(p.get(3, 1945000111)), Some(Some("lê văn cụ".into())));
        assert_eq!(name(p.get(4, 0)), Some(None));
        assert_eq!(name(p.get(9, 1190012345)), None);
        assert_eq!(quick_key(b" 001190012345 "), Some(1190012345));
        assert_eq!(quick_key(b"1.19E+11"), None);
        assert_eq!(quick_key(b"123456789"), None);
    }

    #[test]
    fn names_for_display() {
        assert_eq!(display_name("nguyễn thị ánh"), "Nguyễn Thị Ánh");
        assert_eq!(display_name("đặng đức"), "Đặng Đức");
    }
}
