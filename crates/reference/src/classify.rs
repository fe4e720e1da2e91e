//! Classifies how an export's name and date of birth differ from the
//! population reference. The class decides the rule (and so the fix): a name
//! typed without accents is retyped, a swapped day and month is re-entered, a
//! different person means the ID belongs to someone else.

use chrono::{Datelike, NaiveDate};
use lamsach_model::parse::date::DateValue;
use lamsach_model::profile::Matching;
use lamsach_text::{fold, normalize};
use unicode_normalization::{is_nfc_quick, IsNormalized};

/// [`normalize`] into a reused buffer, without the NFC pass when the text is
/// already NFC (nearly always).
pub(crate) fn normalize_into(s: &str, out: &mut String) {
    out.clear();
    if is_nfc_quick(s.chars()) != IsNormalized::Yes {
        out.push_str(&normalize(s));
        return;
    }
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// True when `s` normalises to `norm`, checked without allocating; None when
/// `s` is not quick-NFC (use [`normalize`]).
fn same_normalized(s: &str, norm: &str) -> Option<bool> {
    if is_nfc_quick(s.chars()) != IsNormalized::Yes {
        return None;
    }
    let mut it = norm.chars();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 && it.next() != Some(' ') {
            return Some(false);
        }
        for c in w.chars() {
            for l in c.to_lowercase() {
                if it.next() != Some(l) {
                    return Some(false);
                }
            }
        }
    }
    Some(it.next().is_none())
}

/// How an export name relates to the reference name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    /// Equal after NFC, case and spacing (`NGUYỄN THỊ ÁNH` = `Nguyễn Thị Ánh`).
    Same,
    /// Typed without any diacritics (`Nguyen Thi Anh`).
    NoAccents,
    /// Has diacritics, but some differ (`Nguyễn Thị Anh` for `Nguyễn Thị Ánh`).
    AccentDiffers,
    /// Same words in another order (`Ánh Nguyễn Thị`).
    WordOrder,
    /// A word left out or added (`Nguyễn Ánh` for `Nguyễn Thị Ánh`).
    PartMissing,
    /// A few letters wrong (`Nguyễn Thị Anhh`, `Ngyuễn Thị Ánh`).
    Typo,
    /// Another person (`Trần Văn Ánh`).
    Different,
    /// One side is empty: nothing to compare.
    Unknown,
}

/// Classifies `export` (as written in the export) against `reference_norm`
/// (the reference name already passed through [`normalize`]).
pub fn classify_name(export: &str, reference_norm: &str, m: &Matching) -> NameClass {
    if !reference_norm.is_empty() && same_normalized(export, reference_norm) == Some(true) {
        return NameClass::Same;
    }
    let ne = normalize(export);
    if ne.is_empty()
        || reference_norm.is_empty()
        || !looks_like_a_name(&ne)
        || !looks_like_a_name(reference_norm)
    {
        return NameClass::Unknown;
    }
    if ne == reference_norm {
        return NameClass::Same;
    }
    let fe = fold(&ne);
    let fr = fold(reference_norm);
    if fe == fr {
        return if ne.is_ascii() {
            NameClass::NoAccents
        } else {
            NameClass::AccentDiffers
        };
    }
    let we: Vec<&str> = fe.split(' ').collect();
    let wr: Vec<&str> = fr.split(' ').collect();
    if we.len() == wr.len() {
        let (mut a, mut b) = (we.clone(), wr.clone());
        a.sort_unstable();
        b.sort_unstable();
        if a == b {
            return NameClass::WordOrder;
        }
    }
    if is_typo(&fe, &fr, &we, &wr, m) {
        return NameClass::Typo;
    }
    let (short, long) = if we.len() < wr.len() {
        (&we, &wr)
    } else {
        (&wr, &we)
    };
    if short.len() < long.len()
        && is_subsequence(short, long)
        && long.last().is_some_and(|g| short.contains(g))
    {
        return NameClass::PartMissing;
    }
    NameClass::Different
}

/// False for text with digits or symbols (a shifted column, broken encoding
/// such as `Nguyá»…n`): NAM002 reports those, and comparing them with the
/// reference would only call them "another person".
pub(crate) fn looks_like_a_name(s: &str) -> bool {
    s.chars().all(|c| match c {
        'a'..='z' | 'A'..='Z' | ' ' | '-' | '\'' | '.' | '’' => true,
        // Latin letters with diacritics (Vietnamese and neighbours) and
        // combining marks, without a table lookup; × and ÷ are symbols
        '\u{C0}'..='\u{24F}' => c != '\u{D7}' && c != '\u{F7}',
        '\u{300}'..='\u{36F}' | '\u{1E00}'..='\u{1EFF}' => true,
        c if c.is_ascii() => false,
        c => c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c),
    })
}

fn is_subsequence(short: &[&str], long: &[&str]) -> bool {
    let mut it = long.iter();
    short.iter().all(|w| it.any(|l| l == w))
}

fn is_typo(fe: &str, fr: &str, we: &[&str], wr: &[&str], m: &Matching) -> bool {
    if we.len() != wr.len() {
        // a missing or extra space: "thianh" / "thi anh"
        let joined = |s: &str| s.replace(' ', "");
        return joined(fe) == joined(fr);
    }
    let mut total = 0usize;
    for (a, b) in we.iter().zip(wr) {
        if a == b {
            continue;
        }
        let d = strsim::damerau_levenshtein(a, b);
        let long = a.chars().count().min(b.chars().count()) >= m.typo_long_word;
        let ok =
            d <= 1 || (d <= 2 && long && strsim::jaro_winkler(a, b) >= m.typo_min_jaro_winkler);
        if !ok {
            return false;
        }
        total += d;
        if total > m.typo_max_edits {
            return false;
        }
    }
    total > 0
}

/// How an export date of birth relates to the reference one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DobClass {
    Same,
    /// Day and month swapped (`05/12/1990` for `12/05/1990`).
    Swapped,
    /// Same year, but only the year (or month and year) is known on one side.
    YearOnly {
        export_partial: bool,
    },
    /// A few days apart (signed: export minus reference).
    NearDays(i64),
    /// Otherwise different; `year` when the years differ.
    Different {
        year: bool,
    },
    /// One side missing or not a date: nothing to compare.
    Unknown,
}

pub fn classify_dob(export: DateValue, reference: DateValue, m: &Matching) -> DobClass {
    use DateValue::{Full, Partial};
    match (export, reference) {
        (Full(e), Full(r)) => classify_full(e, r, m.near_days),
        (
            Partial {
                year: ye,
                month: me,
            },
            Full(r),
        ) => partial_vs_full(ye, me, r, true),
        (
            Full(e),
            Partial {
                year: yr,
                month: mr,
            },
        ) => partial_vs_full(yr, mr, e, false),
        (
            Partial {
                year: ye,
                month: me,
            },
            Partial {
                year: yr,
                month: mr,
            },
        ) => {
            if ye != yr {
                DobClass::Different { year: true }
            } else if me == mr {
                DobClass::Same
            } else if me.is_some() && mr.is_some() {
                DobClass::Different { year: false }
            } else {
                DobClass::YearOnly {
                    export_partial: me.is_none(),
                }
            }
        }
        _ => DobClass::Unknown,
    }
}

fn classify_full(e: NaiveDate, r: NaiveDate, near_days: i64) -> DobClass {
    if e == r {
        return DobClass::Same;
    }
    if e.year() == r.year() && e.day() == r.month() && e.month() == r.day() {
        return DobClass::Swapped;
    }
    let diff = (e - r).num_days();
    if diff.abs() <= near_days {
        return DobClass::NearDays(diff);
    }
    DobClass::Different {
        year: e.year() != r.year(),
    }
}

fn partial_vs_full(
    year: i32,
    month: Option<u32>,
    full: NaiveDate,
    export_partial: bool,
) -> DobClass {
    if year != full.year() {
        return DobClass::Different { year: true };
    }
    if month.is_some_and(|m| m != full.month()) {
        return DobClass::Different { year: false };
    }
    DobClass::YearOnly { export_partial }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> Matching {
        Matching {
            typo_max_edits: 2,
            typo_long_word: 5,
            typo_min_jaro_winkler: 0.9,
            near_days: 10,
            active_record_profiles: vec![],
        }
    }

    fn name(export: &str, reference: &str) -> NameClass {
        classify_name(export, &normalize(reference), &m())
    }

    const ANH: &str = "Nguyễn Thị Ánh";

    #[test]
    fn fast_normalisation_matches_normalize() {
        let mut buf = String::new();
        for s in [
            "  NGUYỄN   THỊ ÁNH ",
            "Nguye\u{0302}\u{0303}n Thi\u{0323}",
            "ĐẶNG đức",
            "",
            "  ",
            "a\tb",
        ] {
            normalize_into(s, &mut buf);
            assert_eq!(buf, normalize(s), "{s:?}");
            let n = normalize(s);
            assert_ne!(same_normalized(s, &n), Some(false), "{s:?}");
            assert_ne!(same_normalized(s, &format!("{n}x")), Some(true), "{s:?}");
        }
        assert_eq!(same_normalized("Nguyễn Thị", "nguyễn thị ánh"), Some(false));
        assert_eq!(same_normalized("Nguyễn  Thị", "nguyễn thị"), Some(true));
    }

    #[test]
    fn names_from_the_issue() {
        assert_eq!(name("Nguyễn Thị Ánh", ANH), NameClass::Same);
        assert_eq!(name("NGUYỄN THỊ ÁNH", ANH), NameClass::Same);
        assert_eq!(name("  nguyễn   thị ánh ", ANH), NameClass::Same);
        // decomposed (NFD) input is the same name
        assert_eq!(
            name("Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh", ANH),
            NameClass::Same
        );
        assert_eq!(name("Nguyen Thi Anh", ANH), NameClass::NoAccents);
        assert_eq!(name("NGUYEN THI ANH", ANH), NameClass::NoAccents);
        assert_eq!(name("Nguyễn Thị Anh", ANH), NameClass::AccentDiffers);
        assert_eq!(name("Nguyễn Ánh", ANH), NameClass::PartMissing);
        assert_eq!(name("Trần Văn Ánh", ANH), NameClass::Different);
        assert_eq!(name("Ánh Nguyễn Thị", ANH), NameClass::WordOrder);
    }

    #[test]
    fn dj_and_typos() {
        assert_eq!(name("Dang Duc Dat", "Đặng Đức Đạt"), NameClass::NoAccents);
        assert_eq!(name("Đặng Đức Đạt", "ĐẶNG ĐỨC ĐẠT"), NameClass::Same);
        assert_eq!(name("Ngyuễn Thị Ánh", ANH), NameClass::Typo);
        assert_eq!(name("Nguyễn Thị Ánhh", ANH), NameClass::Typo);
        assert_eq!(name("Nguyễn ThịÁnh", ANH), NameClass::Typo);
        assert_eq!(
            name("Nguyen Thi Anh Phuongg", "Nguyễn Thị Ánh Phương"),
            NameClass::Typo
        );
        // a different given name is another person, not a typo
        assert_eq!(name("Nguyễn Thị Lan", ANH), NameClass::Different);
        assert_eq!(name("Nguyễn Thị Anh Lan", ANH), NameClass::Different);
        // the family name alone does not make the given name missing
        assert_eq!(name("Nguyễn Thị", ANH), NameClass::Different);
        assert_eq!(name("Nguyễn Văn Ánh", ANH), NameClass::Different);
        assert_eq!(name("", ANH), NameClass::Unknown);
        // broken encoding or a shifted column: not compared (NAM002 reports it)
        assert_eq!(name("Nguyá»…n Thá»‹ Ãnh", ANH), NameClass::Unknown);
        assert_eq!(name("0912345678", ANH), NameClass::Unknown);
        // a broken name in the reference is not compared either
        assert_eq!(name(ANH, "Nguyá»…n Thá»‹ Ãnh"), NameClass::Unknown);
        assert_eq!(name("H'Hen Niê", "H'hen Niê"), NameClass::Same);
        assert_eq!(name("H'Hen Nie", "H'hen Niê"), NameClass::NoAccents);
    }

    fn d(y: i32, mo: u32, dd: u32) -> DateValue {
        DateValue::Full(NaiveDate::from_ymd_opt(y, mo, dd).unwrap())
    }

    #[test]
    fn dates() {
        let r = d(1990, 5, 12);
        let c = |e| classify_dob(e, r, &m());
        assert_eq!(c(d(1990, 5, 12)), DobClass::Same);
        assert_eq!(c(d(1990, 12, 5)), DobClass::Swapped);
        assert_eq!(c(d(1990, 5, 15)), DobClass::NearDays(3));
        assert_eq!(c(d(1990, 5, 2)), DobClass::NearDays(-10));
        assert_eq!(c(d(1991, 5, 12)), DobClass::Different { year: true });
        assert_eq!(c(d(1990, 8, 12)), DobClass::Different { year: false });
        assert_eq!(
            c(DateValue::Partial {
                year: 1990,
                month: None
            }),
            DobClass::YearOnly {
                export_partial: true
            }
        );
        assert_eq!(
            c(DateValue::Partial {
                year: 1990,
                month: Some(5)
            }),
            DobClass::YearOnly {
                export_partial: true
            }
        );
        assert_eq!(
            c(DateValue::Partial {
                year: 1989,
                month: None
            }),
            DobClass::Different { year: true }
        );
        assert_eq!(c(DateValue::Missing), DobClass::Unknown);
        assert_eq!(
            c(DateValue::Impossible { swapped: true }),
            DobClass::Unknown
        );
        let yr = DateValue::Partial {
            year: 1990,
            month: None,
        };
        assert_eq!(
            classify_dob(r, yr, &m()),
            DobClass::YearOnly {
                export_partial: false
            }
        );
        assert_eq!(classify_dob(yr, yr, &m()), DobClass::Same);
        // 1/1 is its own swap
        assert_eq!(
            classify_dob(d(2000, 1, 1), d(2000, 1, 1), &m()),
            DobClass::Same
        );
        // across a year boundary, a few days apart
        assert_eq!(
            classify_dob(d(1991, 1, 2), d(1990, 12, 30), &m()),
            DobClass::NearDays(3)
        );
    }
}
