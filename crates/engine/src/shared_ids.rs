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
use lamsach_io::input::{split_fields, Batch, Item};
use lamsach_model::parse::date::DateValue;
use lamsach_model::parse::id::IdValue;
use lamsach_model::profile::{Field, RuleData};
use lamsach_rules::dup::id_shared_by_different_people::{
    self as rule, decide, Holder, HolderRows, Holders,
};
use lamsach_rules::RowCtx;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// Splits a record; false for a row the rule pass does not check (with the
/// wrong number of fields) or whose ID is too short to be 12 digits. A row
/// with an ID is never a title, section or footer row.
fn fields_to_check<'a>(
    rec: &'a [u8],
    opened: &Opened,
    raw: &mut Vec<Cow<'a, [u8]>>,
    id_col: usize,
) -> bool {
    let expected = opened.mapping.headers.len();
    split_fields(rec, opened.source.delim(), raw);
    if raw.len() > expected && raw[expected..].iter().all(|f| f.trim_ascii().is_empty()) {
        raw.truncate(expected);
    }
    raw.len() == expected && raw.get(id_col).is_some_and(|f| f.trim_ascii().len() >= 12)
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

/// The cells of a record as text, when [`fields_to_check`] keeps it.
fn cells<'a>(
    rec: &'a [u8],
    opened: &Opened,
    raw: &mut Vec<Cow<'a, [u8]>>,
    id_col: usize,
) -> Option<Vec<Cow<'a, str>>> {
    if !fields_to_check(rec, opened, raw, id_col) {
        return None;
    }
    Some(
        raw.iter()
            .map(|f| match f {
                Cow::Borrowed(b) => String::from_utf8_lossy(b),
                Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(v).into_owned()),
            })
            .collect(),
    )
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
fn each_row<T: Send>(
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
pub fn shared_ids(opened: &Opened, data: &RuleData, opts: &Options) -> Result<ExtraFindings> {
    let mut found = ExtraFindings::new();
    let Some(id_col) = opened.mapping.column(Field::Id) else {
        return Ok(found);
    };
    // 1. the first holder of every ID; the IDs whose rows disagree
    let mut index = rule::Index::default();
    let mut open: FxHashSet<u64> = FxHashSet::default();
    let cell = |raw: &[Cow<[u8]>], f: Field| -> String {
        let v = opened.mapping.column(f).and_then(|c| raw.get(c));
        v.map_or(String::new(), |v| {
            lamsach_text::trim(&String::from_utf8_lossy(v)).to_string()
        })
    };
    each_row(
        opened,
        data,
        |line, rec| {
            // only the ID, the name and the birth date are read here
            let mut raw = Vec::new();
            if !fields_to_check(rec, opened, &mut raw, id_col) {
                return None;
            }
            let mut buf = String::new();
            rule::key_of(
                &cell(&raw, Field::Id),
                &cell(&raw, Field::FullName),
                &cell(&raw, Field::Dob),
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
            let mut raw = Vec::new();
            // the ID's digits first: most rows are of other IDs
            if !fields_to_check(rec, opened, &mut raw, id_col)
                || !raw
                    .get(id_col)
                    .and_then(|f| digits_of(f))
                    .is_some_and(|n| open.contains(&n))
            {
                return None;
            }
            let text = cells(rec, opened, &mut raw, id_col)?;
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
