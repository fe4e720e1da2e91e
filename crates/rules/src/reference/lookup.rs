//! Looking an export row up in the population extract: the row's side of
//! the `REF` rules (the extract's side is `lamsach_reference`).

use crate::RowCtx;
use chrono::NaiveDate;
use lamsach_model::parse::date::DateValue;
use lamsach_model::profile::Field;
use lamsach_reference::{
    classify_dob, classify_name, display_name, row_key, DobClass, Lookup, Match, NameClass,
    Prefetched, Reference,
};

/// Looks one export row up and classifies every difference.
pub fn lookup<'r>(r: &'r Reference, ctx: &RowCtx) -> Lookup<'r> {
    lookup_at(r, None, ctx)
}

/// [`lookup`], using the batch's records read ahead when there are some.
pub(crate) fn lookup_at<'r>(
    r: &'r Reference,
    pre: Option<(&'r Prefetched, usize)>,
    ctx: &RowCtx,
) -> Lookup<'r> {
    let Some((key, padded)) = row_key(&ctx.id) else {
        return Lookup::NoId;
    };
    let found = match pre.and_then(|(p, idx)| p.get(idx, key)) {
        Some(found) => found,
        None => r.get(key),
    };
    let Some(person) = found else {
        return Lookup::NotFound { padded };
    };
    let m = &ctx.data.reference.matching;
    let name = ctx
        .get(Field::FullName)
        .map_or(NameClass::Unknown, |n| classify_name(n, person.name, m));
    let mut dob = classify_dob(ctx.dob, person.dob.value(), m);
    if let (DateValue::Impossible { swapped: true }, DateValue::Full(r)) =
        (ctx.dob, person.dob.value())
    {
        // "05/25/1990": no such day as dd/mm, but the reference's date as mm/dd
        if ctx.get(Field::Dob).and_then(read_as_month_first) == Some(r) {
            dob = DobClass::Swapped;
        }
    }
    let sex_differs = match (ctx.sex, person.sex) {
        (Some(a), Some(b)) => Some(a != b),
        _ => None,
    };
    Lookup::Found(Match {
        person,
        name,
        dob,
        sex_differs,
        padded,
    })
}

/// Reads `mm/dd/yyyy` (also with `-` or `.`), for a date that is impossible
/// as `dd/mm/yyyy`.
fn read_as_month_first(v: &str) -> Option<NaiveDate> {
    let v = v.split([' ', 'T']).next()?;
    let mut it = v
        .split(['/', '-', '.'])
        .map(|p| p.trim().parse::<u32>().ok());
    let (m, d, y) = (it.next()??, it.next()??, it.next()??);
    if it.next().is_some() || y < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Runs the `REF…` rules on one row; true when the row is verified.
pub fn check_row(r: &Reference, ctx: &RowCtx, out: &mut Vec<crate::Finding>) -> bool {
    check_row_at(r, None, ctx, out)
}

/// [`check_row`] for item `idx` of a batch read ahead with [`Reference::prefetch`].
pub fn check_row_at(
    r: &Reference,
    pre: Option<(&Prefetched, usize)>,
    ctx: &RowCtx,
    out: &mut Vec<crate::Finding>,
) -> bool {
    let lk = lookup_at(r, pre, ctx);
    crate::check_reference(ctx, &lk, out);
    matches!(lk, Lookup::Found(m) if m.verified())
}

/// The body of the name rules REF002–REF007: emits `rule` on the
/// full name when the row was found in the reference and its name compares
/// as `class`; `msg(registered name)` words the message (Vietnamese, English).
pub(crate) fn emit_name_class(
    ctx: &RowCtx,
    lk: &Lookup,
    out: &mut Vec<crate::Finding>,
    rule: &'static crate::Rule,
    class: NameClass,
    msg: impl Fn(&str) -> (String, String),
) {
    if let Lookup::Found(m) = lk {
        if m.name == class {
            let (vi, en) = msg(&display_name(m.person.name));
            ctx.emit(out, rule, Field::FullName, ctx.t(vi, en));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_first_dates() {
        assert_eq!(
            read_as_month_first("05/25/1990"),
            NaiveDate::from_ymd_opt(1990, 5, 25)
        );
        assert_eq!(
            read_as_month_first("5-25-1990 00:00:00"),
            NaiveDate::from_ymd_opt(1990, 5, 25)
        );
        assert_eq!(read_as_month_first("1990-05-25"), None);
        assert_eq!(read_as_month_first("05/25"), None);
        assert_eq!(read_as_month_first("a/b/c"), None);
    }
}
