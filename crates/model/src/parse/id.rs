//! The personal identification number (số định danh cá nhân, 12 digits) and
//! the old ID card number (CMND, 9 digits).

use super::all_digits;
use crate::profile::{RuleData, Sex};
use lamsach_text::fold;

/// What an ID cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdValue {
    /// Empty, `0`, `-`, "không có", … (rule ID001).
    Missing,
    /// 12 digits (structure is checked separately).
    Cccd([u8; 12]),
    /// 9 digits: old ID card number (rule ID004).
    Cmnd9,
    /// 10 or 11 digits whose zero-padded 12-digit form has a valid province
    /// code: Excel dropped the leading zero(s) (rule ID003).
    DroppedZeros { padded: String },
    /// Not a usable number (rule ID002).
    Malformed(IdProblem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    /// `1.23457E+11`: Excel turned the number into a float; digits are lost.
    ScientificNotation,
    /// Digits with spaces, dots or dashes inside; `cleaned` is the digits alone.
    Separators { cleaned: String },
    /// Letters or symbols.
    NonDigit,
    /// Only digits, but neither 9 nor 12 of them.
    WrongLength(usize),
}

/// The structure of a 12-digit number: province, century/sex digit, year digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdStructure {
    pub province: usize,
    /// First year of the century the digit encodes (1900, 2000, …).
    pub century: i32,
    pub sex: Sex,
    /// Last two digits of the birth year.
    pub year2: i32,
}

impl IdStructure {
    pub fn of(d: &[u8; 12]) -> IdStructure {
        let n = |i: usize| (d[i] - b'0') as i32;
        let g = n(3);
        IdStructure {
            province: (n(0) * 100 + n(1) * 10 + n(2)) as usize,
            century: 1900 + (g / 2) * 100,
            sex: if g % 2 == 0 { Sex::Male } else { Sex::Female },
            year2: n(4) * 10 + n(5),
        }
    }

    /// The century/sex digit for a birth year and sex (None outside 1900–2399).
    pub fn digit_for(year: i32, sex: Sex) -> Option<u8> {
        if !(1900..2400).contains(&year) {
            return None;
        }
        let base = ((year - 1900) / 100 * 2) as u8;
        Some(base + if sex == Sex::Female { 1 } else { 0 })
    }
}

fn is_scientific(s: &str) -> bool {
    // digits [.,] digits E [+-] digits
    let b = s.as_bytes();
    let Some(e) = b.iter().position(|&c| c == b'e' || c == b'E') else {
        return false;
    };
    let (mant, exp) = (&b[..e], &b[e + 1..]);
    let exp = exp
        .strip_prefix(b"+")
        .or_else(|| exp.strip_prefix(b"-"))
        .unwrap_or(exp);
    let mant_ok = !mant.is_empty()
        && mant[0].is_ascii_digit()
        && mant
            .iter()
            .all(|&c| c.is_ascii_digit() || c == b'.' || c == b',');
    mant_ok && !exp.is_empty() && exp.iter().all(u8::is_ascii_digit)
}

/// The integer's digits of a number written as a decimal with a zero
/// fraction ("8190012345.0") or in scientific notation that kept every
/// digit ("8.170012347E+09" is 8170012347); None otherwise (digits lost:
/// "1.23457E+11").
fn float_digits(v: &str) -> Option<String> {
    if let Some((int, frac)) = v.split_once('.') {
        if !int.is_empty()
            && all_digits(int)
            && !int.starts_with('0')
            && (1..=2).contains(&frac.len())
            && frac.bytes().all(|b| b == b'0')
        {
            return Some(int.to_string());
        }
    }
    if !is_scientific(v) {
        return None;
    }
    let e = v.find(['e', 'E'])?;
    let exp: usize = v[e + 1..].trim_start_matches('+').parse().ok()?;
    let mantissa: String = v[..e].chars().filter(char::is_ascii_digit).collect();
    (mantissa.len() == exp + 1 && !mantissa.starts_with('0')).then_some(mantissa)
}

/// Classifies a trimmed ID cell.
pub fn parse(value: &str, data: &RuleData) -> IdValue {
    let v = lamsach_text::trim(value);
    if all_digits(v) {
        return match v.len() {
            12 => {
                let mut d = [0u8; 12];
                d.copy_from_slice(v.as_bytes());
                if d.iter().all(|&c| c == b'0') {
                    IdValue::Missing
                } else {
                    IdValue::Cccd(d)
                }
            }
            9 => IdValue::Cmnd9,
            10 | 11 => {
                let padded = format!("{v:0>12}");
                let code: usize = padded[..3].parse().unwrap_or(0);
                if data.province(code).is_some() {
                    IdValue::DroppedZeros { padded }
                } else {
                    IdValue::Malformed(IdProblem::WrongLength(v.len()))
                }
            }
            _ if v.bytes().all(|c| c == b'0') => IdValue::Missing,
            n => IdValue::Malformed(IdProblem::WrongLength(n)),
        };
    }
    if v.len() <= 32 && data.is_missing_token(&fold(v)) {
        return IdValue::Missing;
    }
    if v.bytes().all(|c| matches!(c, b'0' | b'-' | b'.' | b' ')) {
        return IdValue::Missing;
    }
    // a number Excel wrote as a decimal ("8190012345.0") or in scientific
    // notation with every digit kept ("8.170012347E+09"): the digits are
    // all there
    if let Some(digits) = float_digits(v) {
        return match parse(&digits, data) {
            dropped @ IdValue::DroppedZeros { .. } => dropped,
            _ => IdValue::Malformed(IdProblem::Separators { cleaned: digits }),
        };
    }
    if is_scientific(v) {
        return IdValue::Malformed(IdProblem::ScientificNotation);
    }
    let is_sep = |c: char| c.is_whitespace() || matches!(c, '.' | '-' | ',' | '_' | '\'');
    if v.chars().all(|c| c.is_ascii_digit() || is_sep(c)) {
        let cleaned: String = v.chars().filter(char::is_ascii_digit).collect();
        return IdValue::Malformed(IdProblem::Separators { cleaned });
    }
    IdValue::Malformed(IdProblem::NonDigit)
}

/// `001089012345` → `0010****2345` (first 4, last 4 kept), for `--mask-ids`.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    chars[..4]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - 8))
        .chain(chars[n - 4..].iter())
        .collect()
}

/// How the IDs of two records compare: one missing, the same, one or two
/// digits apart (a typo), or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdLevel {
    #[default]
    Missing,
    Same,
    Near,
    Differ,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: &str) -> IdValue {
        parse(v, &RuleData::embedded().unwrap())
    }

    #[test]
    fn classifies_values() {
        assert_eq!(p(""), IdValue::Missing);
        assert_eq!(p("0"), IdValue::Missing);
        assert_eq!(p(" - "), IdValue::Missing);
        assert_eq!(p("Không có"), IdValue::Missing);
        assert_eq!(p("chua co"), IdValue::Missing);
        assert_eq!(p("000000000000"), IdValue::Missing);
        assert!(matches!(p("001089012345"), IdValue::Cccd(_)));
        assert_eq!(p("123456789"), IdValue::Cmnd9);
        assert_eq!(
            p("38089012345"),
            IdValue::DroppedZeros {
                padded: "038089012345".into()
            }
        );
        assert_eq!(
            p("1089012345"),
            IdValue::DroppedZeros {
                padded: "001089012345".into()
            }
        );
        // 11 digits whose padded form has no valid province: just wrong length
        assert_eq!(
            p("99089012345"),
            IdValue::Malformed(IdProblem::WrongLength(11))
        );
        assert_eq!(
            p("1.23457E+11"),
            IdValue::Malformed(IdProblem::ScientificNotation)
        );
        assert_eq!(
            p("1,23457e+11"),
            IdValue::Malformed(IdProblem::ScientificNotation)
        );
        // a number written as a decimal, or in scientific notation with
        // every digit: the digits are all there
        assert_eq!(
            p("8190012345.0"),
            IdValue::DroppedZeros {
                padded: "008190012345".into()
            }
        );
        assert_eq!(
            p("8.170012347E+09"),
            IdValue::DroppedZeros {
                padded: "008170012347".into()
            }
        );
        assert_eq!(
            p("123456789012.0"),
            IdValue::Malformed(IdProblem::Separators {
                cleaned: "123456789012".into()
            })
        );
        assert_eq!(
            p("'008080012350"),
            IdValue::Malformed(IdProblem::Separators {
                cleaned: "008080012350".into()
            })
        );
        assert_eq!(
            p("001 089 012 345"),
            IdValue::Malformed(IdProblem::Separators {
                cleaned: "001089012345".into()
            })
        );
        assert_eq!(p("00108901234A"), IdValue::Malformed(IdProblem::NonDigit));
        assert_eq!(p("12345"), IdValue::Malformed(IdProblem::WrongLength(5)));
    }

    #[test]
    fn structure() {
        let s = IdStructure::of(b"001189012345");
        assert_eq!(s.province, 1);
        assert_eq!(s.century, 1900);
        assert_eq!(s.sex, Sex::Female);
        assert_eq!(s.year2, 89);
        let s = IdStructure::of(b"079205012345");
        assert_eq!((s.century, s.sex, s.year2), (2000, Sex::Male, 5));
        assert_eq!(IdStructure::digit_for(2005, Sex::Female), Some(3));
        assert_eq!(IdStructure::digit_for(1899, Sex::Male), None);
    }

    #[test]
    fn masks() {
        assert_eq!(mask("001089012345"), "0010****2345");
        assert_eq!(mask("12345"), "*****");
    }
}
