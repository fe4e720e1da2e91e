//! Dates as exports write them: `dd/mm/yyyy`, `d/m/yyyy` (also with `-` or
//! `.`), `yyyy-mm-dd`, Excel serial numbers, year only, month/year; an
//! optional time part (`01/02/1990 00:00:00`, `1990-02-01T00:00:00`) is ignored.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    Missing,
    Full(NaiveDate),
    /// Only the year (and perhaps the month) is known: incomplete, not invalid.
    Partial {
        year: i32,
        month: Option<u32>,
    },
    /// Well-formed but no such day (`31/02/2000`, month 13). `swapped` is
    /// true when reading it as mm/dd gives a real date.
    Impossible {
        swapped: bool,
    },
    /// Not a date at all.
    Unparseable,
}

impl DateValue {
    /// The year, when known (full or partial).
    pub fn year(&self) -> Option<i32> {
        match self {
            DateValue::Full(d) => Some(d.year()),
            DateValue::Partial { year, .. } => Some(*year),
            _ => None,
        }
    }
}

/// Excel's 1900 date system: serial 1 = 1900-01-01, with the fictitious
/// 1900-02-29 (serial 60). Accepted range: 1900-03-01 ..= 2199-12-31.
fn from_excel_serial(n: i64) -> Option<NaiveDate> {
    if !(61..=109_574).contains(&n) {
        return None;
    }
    NaiveDate::from_num_days_from_ce_opt(EXCEL_DAY_ZERO + n as i32)
}

/// Day number (from the common era) of 1899-12-30, Excel's serial 0.
const EXCEL_DAY_ZERO: i32 = 693_594;

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(y: u32, m: u32, d: u32) -> DateValue {
    match NaiveDate::from_ymd_opt(y as i32, m, d) {
        Some(date) => DateValue::Full(date),
        None => DateValue::Impossible {
            swapped: NaiveDate::from_ymd_opt(y as i32, d, m).is_some(),
        },
    }
}

/// Digits of `b` as a number, when all of `b` are ASCII digits.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + (c - b'0') as u32)
    })
}

pub fn parse(value: &str) -> DateValue {
    let v = lamsach_text::trim(value);
    if v.is_empty() {
        return DateValue::Missing;
    }
    // Fast path for the common forms: dd/mm/yyyy, d/m/yyyy and yyyy-mm-dd.
    let b = v.as_bytes();
    if b.len() >= 8 && b.len() <= 10 {
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            if let (Some(y), Some(m), Some(d)) =
                (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..]))
            {
                return ymd(y, m, d);
            }
        } else if let (Some(s1), Some(s2)) = (
            b.iter().position(|&c| c == b'/'),
            b.iter().rposition(|&c| c == b'/'),
        ) {
            if (1..=2).contains(&s1) && s2 - s1 >= 2 && s2 - s1 <= 3 && b.len() - s2 == 5 {
                if let (Some(d), Some(m), Some(y)) = (
                    digits(&b[..s1]),
                    digits(&b[s1 + 1..s2]),
                    digits(&b[s2 + 1..]),
                ) {
                    if d == 0 && m == 0 {
                        return DateValue::Partial {
                            year: y as i32,
                            month: None,
                        };
                    }
                    return ymd(y, m, d);
                }
            }
        }
    } else if b.len() <= 6 && b.iter().all(u8::is_ascii_digit) {
        // Excel serial (or year), as the general path below reads it.
        let n = digits(b).unwrap_or(0);
        if b.len() == 4 && (1800..=2200).contains(&n) {
            return DateValue::Partial {
                year: n as i32,
                month: None,
            };
        }
        return from_excel_serial(i64::from(n)).map_or(DateValue::Unparseable, DateValue::Full);
    }
    // drop a time part
    let v = match v.find([' ', 'T']) {
        Some(i) if i >= 4 => v[..i].trim_end(),
        _ => v,
    };
    let b = v.as_bytes();
    if b.iter().all(u8::is_ascii_digit) || is_serial_with_fraction(v) {
        let int = v.split('.').next().unwrap_or(v);
        if int.len() == 4 {
            let y: i32 = int.parse().unwrap_or(0);
            if (1800..=2200).contains(&y) {
                return DateValue::Partial {
                    year: y,
                    month: None,
                };
            }
        }
        if int.len() == 8 || int.len() == 12 || int.len() == 14 {
            // yyyymmdd, and yyyyMMddHHmm(ss) as the QĐ 130 tables write
            // dates; yyyy0000 and yyyymm00 are the year (and month) only
            let (y, m, d) = (num(&int[..4]), num(&int[4..6]), num(&int[6..8]));
            if let (Some(y), Some(m), Some(d)) = (y, m, d) {
                if (1800..=2200).contains(&y) {
                    return match (m, d) {
                        (0, 0) => DateValue::Partial {
                            year: y as i32,
                            month: None,
                        },
                        (1..=12, 0) => DateValue::Partial {
                            year: y as i32,
                            month: Some(m),
                        },
                        _ => ymd(y, m, d),
                    };
                }
            }
        }
        if int.len() <= 6 {
            if let Some(d) = int.parse::<i64>().ok().and_then(from_excel_serial) {
                return DateValue::Full(d);
            }
        }
        return DateValue::Unparseable;
    }
    let sep = match b.iter().find(|c| matches!(c, b'/' | b'-' | b'.')) {
        Some(&c) => c as char,
        None => return DateValue::Unparseable,
    };
    let mut it = v.split(sep).map(str::trim);
    let parts = (it.next(), it.next(), it.next(), it.next());
    match parts {
        (Some(a), Some(b), Some(c), None) => {
            let (Some(a_n), Some(b_n), Some(c_n)) = (num(a), num(b), num(c)) else {
                return DateValue::Unparseable;
            };
            if a.len() == 4 {
                ymd(a_n, b_n, c_n)
            } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
                if a_n == 0 && b_n == 0 {
                    // 00/00/1950: year only
                    return DateValue::Partial {
                        year: c_n as i32,
                        month: None,
                    };
                }
                ymd(c_n, b_n, a_n)
            } else {
                DateValue::Unparseable
            }
        }
        (Some(m), Some(y), None, None) if y.len() == 4 && m.len() <= 2 => match (num(m), num(y)) {
            (Some(m), Some(y)) if (1..=12).contains(&m) => DateValue::Partial {
                year: y as i32,
                month: Some(m),
            },
            (Some(_), Some(_)) => DateValue::Impossible { swapped: false },
            _ => DateValue::Unparseable,
        },
        _ => DateValue::Unparseable,
    }
}

fn is_serial_with_fraction(v: &str) -> bool {
    // "36526.0" as written by some exporters
    match v.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c == b'0')
                && !b.is_empty()
        }
        None => false,
    }
}

/// Whole years between `birth` and `on` (age on that day).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> DateValue {
        DateValue::Full(NaiveDate::from_ymd_opt(y, m, dd).unwrap())
    }

    #[test]
    fn machine_forms() {
        assert_eq!(parse("19900305"), d(1990, 3, 5));
        assert_eq!(parse("199003050830"), d(1990, 3, 5));
        assert_eq!(
            parse("19900000"),
            DateValue::Partial {
                year: 1990,
                month: None
            }
        );
        assert_eq!(
            parse("19900300"),
            DateValue::Partial {
                year: 1990,
                month: Some(3)
            }
        );
        assert_eq!(parse("19901305"), DateValue::Impossible { swapped: true });
        assert_eq!(parse("33000"), d(1990, 5, 7));
    }

    #[test]
    fn formats() {
        assert_eq!(parse("05/03/1990"), d(1990, 3, 5));
        assert_eq!(parse("5/3/1990"), d(1990, 3, 5));
        assert_eq!(parse("05-03-1990"), d(1990, 3, 5));
        assert_eq!(parse("05.03.1990"), d(1990, 3, 5));
        assert_eq!(parse("1990-03-05"), d(1990, 3, 5));
        assert_eq!(parse("1990/03/05"), d(1990, 3, 5));
        assert_eq!(parse("19900305"), d(1990, 3, 5));
        assert_eq!(parse("05/03/1990 00:00:00"), d(1990, 3, 5));
        assert_eq!(parse("1990-03-05T00:00:00"), d(1990, 3, 5));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(parse("32937"), d(1990, 3, 5));
        assert_eq!(parse("32937.0"), d(1990, 3, 5));
        assert_eq!(parse("61"), d(1900, 3, 1));
        assert_eq!(parse("60"), DateValue::Unparseable);
    }

    /// Every serial of up to six digits (with or without leading zeros)
    /// reads as Excel's date system gives it, years apart.
    #[test]
    fn excel_serials_all() {
        let day_zero = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        assert_eq!(
            chrono::Datelike::num_days_from_ce(&day_zero),
            EXCEL_DAY_ZERO
        );
        for n in 0..1_000_000u32 {
            let want = |len: usize| {
                if len == 4 && (1800..=2200).contains(&n) {
                    DateValue::Partial {
                        year: n as i32,
                        month: None,
                    }
                } else if (61..=109_574).contains(&n) {
                    DateValue::Full(
                        day_zero
                            .checked_add_days(chrono::Days::new(n.into()))
                            .unwrap(),
                    )
                } else {
                    DateValue::Unparseable
                }
            };
            let s = n.to_string();
            assert_eq!(parse(&s), want(s.len()), "{s}");
            if n % 997 == 0 {
                for w in s.len()..=6 {
                    let z = format!("{n:0w$}");
                    assert_eq!(parse(&z), want(z.len()), "{z}");
                }
            }
        }
    }

    #[test]
    fn partial_dates() {
        assert_eq!(
            parse("1945"),
            DateValue::Partial {
                year: 1945,
                month: None
            }
        );
        assert_eq!(
            parse("00/00/1945"),
            DateValue::Partial {
                year: 1945,
                month: None
            }
        );
        assert_eq!(
            parse("03/1945"),
            DateValue::Partial {
                year: 1945,
                month: Some(3)
            }
        );
    }

    #[test]
    fn impossible_and_garbage() {
        assert_eq!(
            parse("31/02/2000"),
            DateValue::Impossible { swapped: false }
        );
        assert_eq!(
            parse("29/02/2001"),
            DateValue::Impossible { swapped: false }
        );
        assert_eq!(parse("29/02/2000"), d(2000, 2, 29));
        assert_eq!(parse("03/25/2000"), DateValue::Impossible { swapped: true });
        assert_eq!(parse(""), DateValue::Missing);
        assert_eq!(parse("abc"), DateValue::Unparseable);
        assert_eq!(parse("12/5/85"), DateValue::Unparseable);
        assert_eq!(parse("1/2/3/4"), DateValue::Unparseable);
        assert_eq!(parse("99999999999"), DateValue::Unparseable);
    }

    #[test]
    fn ages() {
        let b = NaiveDate::from_ymd_opt(2000, 6, 15).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 6, 14).unwrap()), 19);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 6, 15).unwrap()), 20);
    }
}
