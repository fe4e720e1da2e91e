//! `lamsach split`: one export cut into shards by the province code of the
//! ID or by the birth year, for runs on several machines whose results
//! `lamsach merge` adds up (docs/scaling.md).
//!
//! Streaming and quote-aware: the file is read once by the same reader as
//! `check` (encodings, workbooks, title rows, headers of several rows), and
//! each record is written, as the file has it, to the shard of its key.
//! Every shard starts with the file's head, so it is checked like the file.
//! Every record lands in exactly one shard; rows that are not records
//! (titles, sections, footers) are counted apart and written to none.

use crate::fix::head_bytes;
use crate::Options;
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{split_fields, Rec};
use lamsach_io::out::AtomicFile;
use lamsach_model::parse::date;
use lamsach_model::parse::id::{self, IdValue};
use lamsach_model::profile::{Field, RuleData};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a shard's key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    /// The province code of the ID (its first three digits, with the zeros
    /// Excel dropped put back): where the birth was registered. DUP001 and
    /// DUP002 stay in a shard: every other ID goes to [`NO_KEY`].
    Province,
    /// The year of the date of birth: the second split, for duplicates of
    /// one person under IDs of two provinces (`dedupe`).
    BirthYear,
    /// The first two letters of the given name (the name's last word, case
    /// and diacritics folded): the third split, for a dose recorded twice
    /// with the birth year mistyped and no ID, which the first two splits
    /// put in different shards.
    GivenName,
}

impl SplitBy {
    fn prefix(self) -> &'static str {
        match self {
            SplitBy::Province => "province",
            SplitBy::BirthYear => "birth-year",
            SplitBy::GivenName => "given-name",
        }
    }
}

/// The shard of the rows without a usable key (ID missing, malformed or of
/// an unknown province, birth date missing or unreadable, unreadable rows).
pub const NO_KEY: &str = "no-key";

/// One shard written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// The province code or the year, or [`NO_KEY`].
    pub key: String,
    pub path: PathBuf,
    pub records: u64,
}

/// What a split read and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitSummary {
    /// Records read (readable or not): the sum of the shards' records.
    pub records: u64,
    /// Lines that are not records (titles, sections, footers), in no shard.
    pub set_aside: u64,
    /// Blank lines, in no shard.
    pub blank: u64,
    /// By key, in key order ([`NO_KEY`] last).
    pub shards: Vec<Shard>,
}

struct Open {
    file: AtomicFile,
    path: PathBuf,
    records: u64,
    /// The shard's next line (its head's lines come first).
    next_line: u64,
    /// `shard_line,line` per record, with `--line-map`.
    map: Option<AtomicFile>,
}

/// Where each record goes and what is written beside it.
struct Dest<'a> {
    out_dir: &'a Path,
    by: SplitBy,
    head: &'a [u8],
    eol: &'a [u8],
    line_map: bool,
}

/// Splits `input` into `out_dir/<by>-<key>.csv` shards (UTF-8 with BOM).
pub fn split_file(
    input: &Path,
    out_dir: &Path,
    by: SplitBy,
    line_map: bool,
    data: &RuleData,
    opts: &Options,
) -> Result<SplitSummary> {
    std::fs::create_dir_all(out_dir).map_err(Error::write(&out_dir))?;
    let opened = crate::open(input, data, opts)?;
    let (mapping, delim) = (&opened.mapping, opened.source.delim());
    let column = match by {
        SplitBy::Province => mapping.column(Field::Id),
        SplitBy::BirthYear => mapping.column(Field::Dob),
        SplitBy::GivenName => mapping.column(Field::FullName),
    };
    let Some(column) = column else {
        let (vi, en) = match by {
            SplitBy::Province => ("số định danh", "ID"),
            SplitBy::BirthYear => ("ngày sinh", "date of birth"),
            SplitBy::GivenName => ("họ và tên", "name"),
        };
        return Err(Error::Usage(format!(
            "{}: không có cột {vi} để chia theo / no {en} column to split by",
            input.display()
        )));
    };
    let mut reader = opened.source.records()?;
    reader.keep_skipped = true;
    let (head, head_set_aside, eol) = head_bytes(&opened, reader.head())?;
    let read_err = Error::read(input);
    let expected = mapping.headers.len();
    let mut sum = SplitSummary {
        set_aside: head_set_aside,
        ..SplitSummary::default()
    };
    let mut shards: BTreeMap<String, Open> = BTreeMap::new();
    let dest = Dest {
        out_dir,
        by,
        head: &head,
        eol,
        line_map,
    };
    let mut n = 0u64;
    loop {
        n += 1;
        if n % 4096 == 0 && lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            // the shards' temporary files are removed when dropped
            return Err(Error::Interrupted);
        }
        let rec = reader.next_rec().map_err(&read_err)?;
        match rec {
            None => break,
            Some(Rec::Unreadable { line, .. }) => {
                write_row(&mut shards, NO_KEY, &reader.skipped, line, &dest)?;
            }
            Some(Rec::Ok { bytes, line }) => {
                let mut raw: Vec<Cow<[u8]>> = Vec::with_capacity(expected);
                split_fields(bytes, delim, &mut raw);
                if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    sum.blank += 1;
                    continue;
                }
                if lamsach_model::layout::non_record_cells(&raw, mapping, &data.headers).is_some() {
                    sum.set_aside += 1;
                    continue;
                }
                let cell = raw
                    .get(column)
                    .and_then(|c| std::str::from_utf8(c).ok())
                    .map_or("", lamsach_text::trim);
                let key = key_of(cell, by, data);
                write_row(&mut shards, &key, bytes, line, &dest)?;
            }
        }
        sum.records += 1;
    }
    // the rows without a key last
    let no_key = shards.remove(NO_KEY);
    for (key, s) in shards
        .into_iter()
        .chain(no_key.map(|s| (NO_KEY.to_string(), s)))
    {
        s.file.commit()?;
        if let Some(m) = s.map {
            m.commit()?;
        }
        sum.shards.push(Shard {
            key,
            path: s.path,
            records: s.records,
        });
    }
    Ok(sum)
}

/// Appends one record to the shard of `key`, opening it (with the file's
/// head) on its first record.
fn write_row(
    shards: &mut BTreeMap<String, Open>,
    key: &str,
    bytes: &[u8],
    line: u64,
    d: &Dest,
) -> Result<()> {
    if !shards.contains_key(key) {
        let path = d.out_dir.join(format!("{}-{key}.csv", d.by.prefix()));
        let mut file = AtomicFile::create(&path)?;
        file.write_all(d.head).map_err(Error::write(&path))?;
        let map = match d.line_map {
            true => {
                let p = line_map_path(&path);
                let mut m = AtomicFile::create(&p)?;
                m.write_all(b"shard_line,line\n")
                    .map_err(Error::write(&p))?;
                Some(m)
            }
            false => None,
        };
        shards.insert(
            key.to_string(),
            Open {
                file,
                path,
                records: 0,
                next_line: 1 + lines_in(d.head),
                map,
            },
        );
    }
    let Some(shard) = shards.get_mut(key) else {
        return Ok(());
    };
    shard.records += 1;
    let werr = Error::write(&shard.path);
    if let Some(m) = shard.map.as_mut() {
        writeln!(m, "{},{line}", shard.next_line).map_err(&werr)?;
    }
    shard.next_line += 1 + lines_in(bytes);
    shard.file.write_all(bytes).map_err(&werr)?;
    shard.file.write_all(d.eol).map_err(&werr)
}

/// Line ends in `b` (a record with line breaks inside quotes spans several
/// lines; a lone CR ends a line as the reader counts them).
fn lines_in(b: &[u8]) -> u64 {
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => n += 1,
            b'\r' if b.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

/// The line map beside a shard: `province-001.csv` → `province-001.lines.csv`.
pub fn line_map_path(shard: &Path) -> PathBuf {
    shard.with_extension("lines.csv")
}

/// The shard key of a cell: the province code of a well-formed ID, or the
/// year of a readable birth date; [`NO_KEY`] otherwise.
fn key_of(cell: &str, by: SplitBy, data: &RuleData) -> String {
    match by {
        SplitBy::Province => {
            let code = match id::parse(cell, data) {
                IdValue::Cccd(d) => d.get(..3).map(|p| String::from_utf8_lossy(p).into_owned()),
                // the leading zeros Excel dropped, put back
                IdValue::DroppedZeros { padded } => padded.get(..3).map(str::to_string),
                _ => None,
            };
            // a known province code; any other ID (missing, malformed, 9
            // digits, unknown code) goes with its exact copies to one shard
            code.filter(|c| c.parse().is_ok_and(|n: usize| data.province(n).is_some()))
                .unwrap_or_else(|| NO_KEY.to_string())
        }
        SplitBy::BirthYear => date::parse(cell)
            .year()
            .map_or_else(|| NO_KEY.to_string(), |y| format!("{y:04}")),
        SplitBy::GivenName => {
            let folded = lamsach_text::fold(cell);
            let given = folded.split_whitespace().last().unwrap_or("");
            let key: String = given
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(2)
                .collect();
            if key.is_empty() {
                NO_KEY.to_string()
            } else {
                key
            }
        }
    }
}
