//! DUP002 over the whole file: which rows carry an ID that belongs to
//! someone else. A finding must land on the wrong holder, and which holder
//! is wrong is known only when every row of the ID has been read, so this
//! runs as a pre-pass beside the rule pass (its findings joined to the rows
//! in the merge step, as the fuzzy duplicates' are):
//!
//! 1. every row's 12-digit ID, name and birth date go through the
//!    first-holder index (24 bytes per distinct ID); an ID whose rows
//!    disagree is an open conflict (8 bytes each);
//! 2. when there are conflicts, the rows of those IDs only are read again
//!    and grouped into holders, and each conflict is decided
//!    ([`id_shared_by_different_people::decide`]).

use crate::{ExtraFindings, Opened, Options};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{drop_empty_tail, split_fields, Batch, Item};
use lamsach_model::parse::date::DateValue;
use lamsach_model::parse::id::IdValue;
use lamsach_model::profile::{Field, RuleData};
use lamsach_rules::dup::id_shared_by_different_people::{
    self as rule, decide, Holder, HolderRows, Holders,
};
use lamsach_rules::{RowCtx, RowIndex};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// The cells at `cols` of a record with the header's number of fields (as
/// the rule pass counts them: empty cells past the last are dropped), into
/// `out` in the order of `cols`; false for any other record. A record
/// without quotes is cut at its delimiters, the other cells left alone; one
/// with quotes is split as the reader splits it.
pub(crate) fn cut<'a>(
    rec: &'a [u8],
    delim: u8,
    expected: usize,
    cols: &[usize],
    raw: &mut Vec<Cow<'a, [u8]>>,
    out: &mut Vec<Cow<'a, [u8]>>,
) -> bool {
    out.clear();
    if memchr::memchr(b'"', rec).is_some() {
        return split_and_pick(rec, delim, expected, cols, raw, out);
    }
    // Without quotes, a cell is what lies between two delimiters: the count
    // of delimiters (a sum the compiler vectorises) tells the field count,
    // and only those up to the last column wanted are located.
    let delims: usize = rec.iter().map(|&b| usize::from(b == delim)).sum();
    if delims + 1 < expected {
        return false;
    }
    let last = cols.iter().copied().max().unwrap_or(0);
    const MAX: usize = 32;
    if last + 2 > MAX {
        return split_and_pick(rec, delim, expected, cols, raw, out);
    }
    // starts[k]: where cell k begins
    let mut starts = [0usize; MAX];
    let mut n = 1;
    let mut delims_at = memchr::memchr_iter(delim, rec);
    while n <= last + 1 && n < expected {
        match delims_at.next() {
            Some(at) => {
                starts[n] = at + 1;
                n += 1;
            }
            None => break,
        }
    }
    if delims + 1 > expected {
        // the cells past the header's must be empty, as the rule pass drops them
        let Some(at) = memchr::memchr_iter(delim, rec).nth(expected - 1) else {
            return false;
        };
        if !rec[at..]
            .iter()
            .all(|&b| b == delim || b.is_ascii_whitespace())
        {
            return false;
        }
    }
    for &c in cols {
        let a = starts[c];
        let end = if c + 1 < n {
            starts[c + 1] - 1
        } else {
            memchr::memchr(delim, &rec[a..]).map_or(rec.len(), |p| a + p)
        };
        out.push(Cow::Borrowed(&rec[a..end]));
    }
    true
}

/// [`cut`] by a full split, as the reader splits.
fn split_and_pick<'a>(
    rec: &'a [u8],
    delim: u8,
    expected: usize,
    cols: &[usize],
    raw: &mut Vec<Cow<'a, [u8]>>,
    out: &mut Vec<Cow<'a, [u8]>>,
) -> bool {
    split_fields(rec, delim, raw);
    drop_empty_tail(raw, expected);
    if raw.len() != expected {
        return false;
    }
    out.extend(cols.iter().map(|&c| raw[c].clone()));
    true
}

/// The number the digits of an ID cell make, ignoring anything between them
/// but letters (spaces of any kind, dots, dashes, quotes): every cell the ID
/// parser reads as these 12 digits gives this number; None past 12 digits.
fn digits_of(cell: &[u8]) -> Option<u64> {
    let mut n = 0u64;
    let mut count = 0;
    for &b in cell {
        match b {
            b'0'..=b'9' => {
                n = n * 10 + u64::from(b - b'0');
                count += 1;
                if count > 12 {
                    return None;
                }
            }
            b if b.is_ascii_alphabetic() => return None,
            _ => {}
        }
    }
    (count == 12).then_some(n)
}

/// The cells of a record [`cut`] kept, as text.
fn cells<'a>(rec: &'a [u8], delim: u8, expected: usize) -> Vec<Cow<'a, str>> {
    let mut raw = Vec::new();
    split_fields(rec, delim, &mut raw);
    drop_empty_tail(&mut raw, expected);
    raw.into_iter()
        .map(|f| match f {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
        })
        .collect()
}

/// The row's context, with its cells trimmed.
fn with_ctx<R>(
    line: u64,
    text: &[Cow<str>],
    opened: &Opened,
    data: &RuleData,
    opts: &Options,
    f: impl FnOnce(&RowCtx) -> R,
) -> R {
    let values: Vec<&str> = text.iter().map(|c| lamsach_text::trim(c)).collect();
    let ctx = RowCtx::new(line, &values, &opened.mapping, data, opts.today, opts.lang);
    f(&ctx)
}

/// Runs `per_row` on every record of the source, batches in parallel,
/// results in input order.
pub(crate) fn each_row<T: Send>(
    opened: &Opened,
    data: &RuleData,
    per_row: impl Fn(u64, &[u8]) -> Option<T> + Send + Sync,
    mut take: impl FnMut(T),
) -> Result<()> {
    let path = opened.source.path();
    let mut reader = opened.source.records()?;
    let read_err = Error::read(path);
    let batch_rows = data.limits.batch_rows.max(1);
    let in_flight = lamsach_io::input::batches_in_flight();
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(in_flight);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || lamsach_io::input::send_batches(&mut reader, batch_rows, &tx, None));
        let per_row = &per_row;
        let (map, groups) = lamsach_io::input::map_groups(scope, rx, in_flight, |b: &Batch| {
            b.items
                .iter()
                .filter_map(|it| match it {
                    Item::Rec { line, start, end } => {
                        b.buf.get(*start..*end).and_then(|rec| per_row(*line, rec))
                    }
                    Item::Unreadable { .. } => None,
                })
                .collect::<Vec<T>>()
        });
        for group in groups {
            if lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            for batch in group.map_err(&read_err)? {
                batch.into_iter().for_each(&mut take);
            }
        }
        map.join()
            .map_err(|_| Error::internal("tìm số định danh trùng", "a worker"))
    })
}

/// DUP002's findings by line (see the module doc).
pub(crate) fn shared_ids(
    opened: &Opened,
    data: &RuleData,
    opts: &Options,
) -> Result<ExtraFindings> {
    let mut found = ExtraFindings::new();
    let Some(id_col) = opened.mapping.column(Field::Id) else {
        return Ok(found);
    };
    // 1. the first holder of every ID; the IDs whose rows disagree
    let mut index = rule::HolderIndex::default();
    let mut open: FxHashSet<u64> = FxHashSet::default();
    let expected = opened.mapping.headers.len();
    let delim = opened.source.delim();
    let none = usize::MAX;
    let cols = [
        id_col,
        opened.mapping.column(Field::FullName).unwrap_or(none),
        opened.mapping.column(Field::Dob).unwrap_or(none),
    ];
    // a missing column reads as an empty cell: cut the ID's column for it
    let picked = cols.map(|c| if c == none { id_col } else { c });
    each_row(
        opened,
        data,
        |line, rec| {
            // only the ID, the name and the birth date are read here
            let (mut raw, mut cells) = (Vec::new(), Vec::with_capacity(3));
            if !cut(rec, delim, expected, &picked, &mut raw, &mut cells) {
                return None;
            }
            let text = |i: usize| -> Cow<str> {
                if cols[i] == none {
                    return Cow::Borrowed("");
                }
                match &cells[i] {
                    Cow::Borrowed(b) => String::from_utf8_lossy(b),
                    Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(v).into_owned()),
                }
            };
            if cells[0].trim_ascii().len() < 12 {
                return None;
            }
            let mut buf = String::new();
            rule::key_of(
                lamsach_text::trim(&text(0)),
                lamsach_text::trim(&text(1)),
                lamsach_text::trim(&text(2)),
                data,
                &mut buf,
            )
            .map(|h| (line, h))
        },
        |(line, h): (u64, Holder)| {
            if index.check(h, line, opts.lang).is_some() {
                open.insert(h.id);
            }
        },
    )?;
    drop(index);
    if open.is_empty() {
        return Ok(found);
    }
    // 2. the rows of the open conflicts, grouped into holders
    let mut by_id: FxHashMap<u64, (String, Holders)> = FxHashMap::default();
    let reference = opts.reference.as_deref();
    each_row(
        opened,
        data,
        |line, rec| {
            // the ID's digits first: most rows are of other IDs
            let (mut raw, mut id) = (Vec::new(), Vec::with_capacity(1));
            if !cut(rec, delim, expected, &[id_col], &mut raw, &mut id)
                || !digits_of(&id[0]).is_some_and(|n| open.contains(&n))
            {
                return None;
            }
            let text = cells(rec, delim, expected);
            with_ctx(line, &text, opened, data, opts, |ctx| {
                let h = rule::key(ctx).filter(|h| open.contains(&h.id))?;
                let name = ctx.get(Field::FullName).unwrap_or("");
                let kept = u8::from(!name.is_ascii())
                    + u8::from(matches!(ctx.dob, DateValue::Full(_)))
                    + u8::from(ctx.sex.is_some());
                let verified = reference.and_then(|r| {
                    let IdValue::Cccd(_) = ctx.id else {
                        return None;
                    };
                    let p = r.get(h.id)?;
                    let same_name = lamsach_text::fold(p.name) == ctx.name_folded();
                    let same_dob =
                        !matches!(ctx.dob, DateValue::Full(_)) || p.dob.value() == ctx.dob;
                    Some(same_name && same_dob)
                });
                Some((
                    line,
                    h.id,
                    ctx.get(Field::Id).unwrap_or("").to_string(),
                    HolderRows {
                        name: h.name,
                        dob: h.dob,
                        sex: ctx.sex,
                        lines: Vec::new(),
                        kept,
                        verified,
                    },
                ))
            })
        },
        |(line, id, value, h): (u64, u64, String, HolderRows)| {
            by_id
                .entry(id)
                .or_insert_with(|| (value, Holders::default()))
                .1
                .add(line, h);
        },
    )?;
    for (id, (value, holders)) in by_id {
        let holders = holders.holders;
        if holders.len() < 2 {
            continue;
        }
        let mut digits = [b'0'; 12];
        for (i, d) in format!("{id:012}").bytes().enumerate().take(12) {
            digits[i] = d;
        }
        let verdict = decide(&digits, &holders);
        for f in rule::findings(&holders, verdict, Some(id_col), &value, opts.lang) {
            found.entry(f.line).or_default().push(f);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cut` gives the cells and the verdict of a full split, on rows with
    /// and without quotes, too few, too many and trailing empty fields.
    #[test]
    fn cut_agrees_with_a_full_split() {
        let mut rng = fastrand::Rng::with_seed(5);
        let pieces = [
            "",
            " ",
            "a",
            "001190012345",
            "Lê Văn",
            "\"x,y\"",
            "\"q\"\"q\"",
        ];
        for _ in 0..20_000 {
            let n = rng.usize(1..9);
            let row: Vec<&str> = (0..n).map(|_| pieces[rng.usize(..pieces.len())]).collect();
            let rec = row.join(",");
            let expected = rng.usize(1..7);
            let cols: Vec<usize> = (0..rng.usize(1..4))
                .map(|_| rng.usize(..expected))
                .collect();
            let (mut raw, mut out) = (Vec::new(), Vec::new());
            let got = cut(rec.as_bytes(), b',', expected, &cols, &mut raw, &mut out);
            let mut full = Vec::new();
            split_fields(rec.as_bytes(), b',', &mut full);
            if full.len() > expected && full[expected..].iter().all(|f| f.trim_ascii().is_empty()) {
                full.truncate(expected);
            }
            let want = full.len() == expected;
            assert_eq!(got, want, "{rec:?} expected {expected}");
            if want {
                let cells: Vec<&[u8]> = cols.iter().map(|&c| full[c].as_ref()).collect();
                let outs: Vec<&[u8]> = out.iter().map(|c| c.as_ref()).collect();
                assert_eq!(outs, cells, "{rec:?} {cols:?}");
            }
        }
    }
}
