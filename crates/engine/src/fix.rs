//! `lamsach fix`: writes a cleaned copy of an export with the safe repairs
//! applied, and `changes.csv` listing every change.
//!
//! Every input row is written, in order, with the same columns; rows that
//! cannot be read (and blank lines) are passed through byte for byte. Rows
//! without a change are copied verbatim; a changed row is written again
//! with minimal quoting. Repairs: broken text (TXT002..TXT007) in text
//! fields, NFC everywhere, dates as dd/mm/yyyy, and IDs that lost their
//! leading zeros when the padded number agrees with the row's own sex and
//! birth year. Running `fix` on its own output changes nothing.

use crate::Options;
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{split_fields, Rec};
use lamsach_io::out::{excel_safe, AtomicFile};
use lamsach_model::parse::date::{self, DateValue};
use lamsach_model::parse::id::{IdStructure, IdValue};
use lamsach_model::profile::{Field, RuleData};
use lamsach_rules::text::text_fields::TEXT_FIELDS;
use lamsach_rules::RowCtx;
use lamsach_text::textfix;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// What a run of `fix` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FixSummary {
    pub rows: u64,
    pub changed_rows: u64,
    pub changes: u64,
    pub passed_through: u64,
    /// Cells with broken text that could not be repaired with certainty.
    pub unsure: u64,
    /// Rows that are not records (titles, sections, footers), kept as they are.
    pub set_aside: u64,
    pub source: String,
    /// The delimiter of the cleaned copy (the input's).
    pub delim: u8,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Text,
    Id,
    Date,
    Phone,
    Other,
}

/// Writes one field, quoted when it has to be.
fn push_field(out: &mut Vec<u8>, v: &[u8], delim: u8) {
    let needs = v
        .iter()
        .any(|&b| b == delim || b == b'"' || b == b'\n' || b == b'\r');
    if needs {
        out.push(b'"');
        for &b in v {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(v);
    }
}

/// The chrono layout a date is written in, when it is one of the layouts
/// exports use: `yyyymmdd`, `yyyy-mm-dd`, `dd/mm/yyyy`, `dd-mm-yyyy`,
/// `dd.mm.yyyy`.
fn date_layout(v: &str) -> Option<&'static str> {
    let b = v.as_bytes();
    let digits = |from: usize, to: usize| {
        b.get(from..to)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let at = |i: usize| b.get(i).copied();
    if b.len() == 8 && digits(0, 8) {
        return Some("%Y%m%d");
    }
    if b.len() != 10 {
        return None;
    }
    if digits(0, 4) && at(4) == Some(b'-') && digits(5, 7) && at(7) == Some(b'-') && digits(8, 10) {
        return Some("%Y-%m-%d");
    }
    if !(digits(0, 2) && digits(3, 5) && digits(6, 10) && at(2) == at(5)) {
        return None;
    }
    match at(2) {
        Some(b'/') => Some("%d/%m/%Y"),
        Some(b'-') => Some("%d-%m-%Y"),
        Some(b'.') => Some("%d.%m.%Y"),
        _ => None,
    }
}

/// A date layout named as officers write it (`--date-format`).
pub fn date_format_named(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "dd/mm/yyyy" => Some("%d/%m/%Y"),
        "yyyymmdd" => Some("%Y%m%d"),
        "yyyy-mm-dd" => Some("%Y-%m-%d"),
        "dd-mm-yyyy" => Some("%d-%m-%Y"),
        "dd.mm.yyyy" => Some("%d.%m.%Y"),
        _ => None,
    }
}

/// The start of a CSV copy of `opened`: a UTF-8 BOM, then its header as one
/// line, or — when the file has titles or a header of several rows — those
/// lines as the file has them; how many non-record lines that head holds
/// (counted apart from the records); and the line end of the copy, the
/// file's own (`\r\n` when its first bytes, `first`, have one).
pub(crate) fn head_bytes(
    opened: &lamsach_model::layout::Opened,
    first: &[u8],
) -> Result<(Vec<u8>, u64, &'static [u8])> {
    let eol: &'static [u8] = if memchr::memmem::find(first, b"\r\n").is_some() {
        b"\r\n"
    } else {
        b"\n"
    };
    let (mapping, delim) = (&opened.mapping, opened.source.delim());
    let mut head = b"\xEF\xBB\xBF".to_vec();
    let mut set_aside = 0u64;
    if opened.source.plain_head() {
        for (i, h) in mapping.headers.iter().enumerate() {
            if i > 0 {
                head.push(delim);
            }
            push_field(&mut head, h.as_bytes(), delim);
        }
        head.extend_from_slice(eol);
    } else {
        // titles, the header's rows and column numbers as the file has them
        for line in opened.source.head_lines()? {
            head.extend_from_slice(&line);
            head.extend_from_slice(eol);
        }
        set_aside += opened.source.non_records().len() as u64;
    }
    Ok((head, set_aside, eol))
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The padded ID when it certainly is the person's: it agrees with the
/// row's recognised sex and known birth year.
fn padded_id(ctx: &RowCtx) -> Option<String> {
    let IdValue::DroppedZeros { padded } = &ctx.id else {
        return None;
    };
    let d: [u8; 12] = padded.as_bytes().try_into().ok()?;
    let s = IdStructure::of(&d);
    let sex = ctx.sex?;
    let year = ctx.dob.year()?;
    (sex == s.sex && year - year.rem_euclid(100) == s.century && year.rem_euclid(100) == s.year2)
        .then(|| padded.clone())
}

/// Cleans `input` into `out`, listing changes in `changes`. Dates keep
/// each column's own layout, or take `date_format` (a chrono layout, see
/// [`date_format_named`]) when given.
pub fn fix_file(
    input: &Path,
    out: &Path,
    changes: &Path,
    date_format: Option<&'static str>,
    data: &RuleData,
    opts: &Options,
) -> Result<FixSummary> {
    if same_path(input, out) || same_path(input, changes) || same_path(out, changes) {
        return Err(Error::Usage(
            "--out, --changes và tệp vào phải khác nhau / --out, --changes and the input must be different files".into(),
        ));
    }
    for p in [out, changes] {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(Error::write(&dir))?;
        }
    }
    let opened = crate::open(input, data, opts)?;
    let (mapping, delim) = (&opened.mapping, opened.source.delim());
    let source = opened.source.encoding().to_string();
    let mut reader = opened.source.records()?;
    reader.keep_skipped = true;
    let read_err = Error::read(input);
    let write_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Write {
            path: p.clone(),
            source,
        }
    };
    let expected = mapping.headers.len();
    let mut kinds = vec![CellKind::Other; expected];
    for f in TEXT_FIELDS {
        if let Some(c) = mapping.column(f) {
            kinds[c] = CellKind::Text;
        }
    }
    for f in [
        Field::Dob,
        Field::VaccinationDate,
        Field::BhytValidTo,
        Field::DeathDate,
    ] {
        if let Some(c) = mapping.column(f) {
            kinds[c] = CellKind::Date;
        }
    }
    if let Some(c) = mapping.column(Field::Id) {
        kinds[c] = CellKind::Id;
    }
    if let Some(c) = mapping.column(Field::Phone) {
        kinds[c] = CellKind::Phone;
    }

    let mut w = AtomicFile::create(out)?;
    let (head, set_aside, eol) = head_bytes(&opened, reader.head())?;
    w.write_all(&head).map_err(write_err(out))?;

    let mut sum = FixSummary {
        source,
        set_aside,
        delim,
        ..FixSummary::default()
    };
    let mut cw = AtomicFile::create_csv(changes)?;
    let mut csv = csv::WriterBuilder::new().from_writer(cw.writer());
    let csv_err = Error::write_other(&changes);
    csv.write_record(["line", "column", "before", "after", "rule"])
        .map_err(&csv_err)?;
    let mut rebuilt: Vec<u8> = Vec::new();
    // each date column's own layout (yyyymmdd, dd/mm/yyyy, …), from its first
    // date written in one; a date in another way is rewritten to it
    let mut col_layout: Vec<Option<&'static str>> = vec![None; expected];
    let mut new_vals: Vec<Option<String>> = Vec::with_capacity(expected);
    let mut n_rec = 0u64;
    loop {
        n_rec += 1;
        if n_rec % 4096 == 0 && lamsach_io::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            // the temporary outputs are removed when `w` is dropped
            return Err(Error::Interrupted);
        }
        let rec = reader.next_rec().map_err(&read_err)?;
        let (line, bytes) = match rec {
            None => break,
            Some(Rec::Unreadable { .. }) => {
                sum.rows += 1;
                sum.passed_through += 1;
                w.write_all(&reader.skipped).map_err(write_err(out))?;
                w.write_all(eol).map_err(write_err(out))?;
                continue;
            }
            Some(Rec::Ok { line, bytes, .. }) => (line, bytes),
        };
        let mut raw: Vec<Cow<[u8]>> = Vec::with_capacity(expected);
        split_fields(bytes, delim, &mut raw);
        let blank = raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace));
        let n = if raw.len() > expected && raw[expected..].iter().all(|f| f.trim_ascii().is_empty())
        {
            expected
        } else {
            raw.len()
        };
        let set_aside_row = !blank
            && lamsach_model::layout::non_record_cells(&raw, mapping, &data.headers).is_some();
        if set_aside_row {
            sum.set_aside += 1;
            w.write_all(bytes).map_err(write_err(out))?;
            w.write_all(eol).map_err(write_err(out))?;
            continue;
        }
        if blank || n != expected {
            if !blank {
                sum.rows += 1;
                sum.passed_through += 1;
            }
            w.write_all(bytes).map_err(write_err(out))?;
            w.write_all(eol).map_err(write_err(out))?;
            continue;
        }
        sum.rows += 1;
        let texts: Vec<Option<&str>> = raw.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        let values: Vec<&str> = texts
            .iter()
            .take(expected)
            .map(|t| t.unwrap_or(""))
            .collect();
        let ctx = RowCtx::new(line, &values, mapping, data, opts.today, opts.lang);
        new_vals.clear();
        // text repairs of the whole row at once: a legacy font found in one
        // cell is evidence for the others
        let text_cols: Vec<usize> = (0..texts.len())
            .filter(|&i| {
                matches!(kinds.get(i), Some(CellKind::Text | CellKind::Other) | None)
                    && texts[i].is_some()
            })
            .collect();
        let text_vals: Vec<&str> = text_cols.iter().map(|&i| texts[i].unwrap_or("")).collect();
        let mut text_repairs: Vec<Option<textfix::Repaired>> = vec![None; texts.len()];
        for (c, r) in text_cols.iter().zip(textfix::repair_row(&text_vals)) {
            if let Some(slot) = text_repairs.get_mut(*c) {
                *slot = Some(r);
            }
        }
        let mut row_changes = 0u64;
        for (i, t) in texts.iter().enumerate() {
            let kind = kinds.get(i).copied().unwrap_or(CellKind::Other);
            let Some(v) = t else {
                new_vals.push(None);
                continue;
            };
            let (after, rule): (Option<String>, String) = match kind {
                CellKind::Text | CellKind::Other => {
                    let Some(r) = text_repairs.get_mut(i).and_then(Option::take) else {
                        new_vals.push(None);
                        continue;
                    };
                    if kind == CellKind::Text && r.issues.contains(&textfix::Issue::Unsure) {
                        sum.unsure += 1;
                    }
                    let codes: Vec<&str> = r
                        .issues
                        .iter()
                        .filter(|i| **i != textfix::Issue::Unsure)
                        .map(|i| i.code())
                        .collect();
                    match r.value {
                        Cow::Owned(s) if s != *v => (Some(s), codes.join("+")),
                        _ => (None, String::new()),
                    }
                }
                CellKind::Id => (padded_id(&ctx).filter(|p| p != v), "ID003".into()),
                // nine digits of a mobile number: the zero Excel dropped
                CellKind::Phone => match lamsach_model::parse::phone::parse(v) {
                    lamsach_model::parse::phone::PhoneValue::DroppedZero { padded } => {
                        (Some(padded), "PHO001".into())
                    }
                    _ => (None, String::new()),
                },
                CellKind::Date => match date::parse(v) {
                    DateValue::Full(d) => {
                        // the column's own layout: the first it shows
                        let own = col_layout.get_mut(i).map(|slot| {
                            if slot.is_none() {
                                *slot = date_layout(v);
                            }
                            *slot
                        });
                        let layout = date_format.or(own.flatten()).unwrap_or("%d/%m/%Y");
                        let s = d.format(layout).to_string();
                        ((s != *v).then_some(s), "date-format".into())
                    }
                    _ => (textfix::nfc(v), "TXT005".into()),
                },
            };
            if let Some(a) = &after {
                row_changes += 1;
                let column = mapping.headers.get(i).map_or("", String::as_str);
                csv.write_record([
                    line.to_string().as_str(),
                    &excel_safe(column),
                    &excel_safe(v),
                    &excel_safe(a),
                    &rule,
                ])
                .map_err(&csv_err)?;
            }
            new_vals.push(after);
        }
        if row_changes == 0 {
            w.write_all(bytes).map_err(write_err(out))?;
        } else {
            sum.changed_rows += 1;
            sum.changes += row_changes;
            rebuilt.clear();
            for (i, f) in raw.iter().enumerate() {
                if i > 0 {
                    rebuilt.push(delim);
                }
                let v: &[u8] = match new_vals.get(i) {
                    Some(Some(s)) => s.as_bytes(),
                    _ => f,
                };
                push_field(&mut rebuilt, v, delim);
            }
            w.write_all(&rebuilt).map_err(write_err(out))?;
        }
        w.write_all(eol).map_err(write_err(out))?;
    }

    csv.flush().map_err(|e| Error::Write {
        path: changes.to_path_buf(),
        source: e,
    })?;
    drop(csv);
    w.commit()?;
    cw.commit()?;
    Ok(sum)
}
