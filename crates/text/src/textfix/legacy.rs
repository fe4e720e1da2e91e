//! Legacy Vietnamese font encodings as they show up in Unicode text: the
//! bytes of a TCVN3 (ABC, `.VnTime`) or VNI (`VNI-Times`) document read as
//! Windows-1252, so `Nguyễn` appears as `NguyÔn` (TCVN3) or `Nguyeãn` (VNI).

use super::viet::{self, lower, upper, with_tone};
use super::viet::{TONE_ACUTE, TONE_DOT, TONE_GRAVE, TONE_HOOK, TONE_NONE, TONE_TILDE};

/// TCVN3 (TCVN 5712:1993, VN3): code point (= byte, read as Latin-1) to letter.
/// The font has no upper-case letters with tones: upper case text is drawn
/// with the same codes in an upper-case font (`.VnTimeH`).
const TCVN3: [(char, char); 74] = [
    ('\u{A1}', 'Ă'),
    ('\u{A2}', 'Â'),
    ('\u{A3}', 'Ê'),
    ('\u{A4}', 'Ô'),
    ('\u{A5}', 'Ơ'),
    ('\u{A6}', 'Ư'),
    ('\u{A7}', 'Đ'),
    ('\u{A8}', 'ă'),
    ('\u{A9}', 'â'),
    ('\u{AA}', 'ê'),
    ('\u{AB}', 'ô'),
    ('\u{AC}', 'ơ'),
    ('\u{AD}', 'ư'),
    ('\u{AE}', 'đ'),
    ('\u{B5}', 'à'),
    ('\u{B6}', 'ả'),
    ('\u{B7}', 'ã'),
    ('\u{B8}', 'á'),
    ('\u{B9}', 'ạ'),
    ('\u{BB}', 'ằ'),
    ('\u{BC}', 'ẳ'),
    ('\u{BD}', 'ẵ'),
    ('\u{BE}', 'ắ'),
    ('\u{C6}', 'ặ'),
    ('\u{C7}', 'ầ'),
    ('\u{C8}', 'ẩ'),
    ('\u{C9}', 'ẫ'),
    ('\u{CA}', 'ấ'),
    ('\u{CB}', 'ậ'),
    ('\u{CC}', 'è'),
    ('\u{CE}', 'ẻ'),
    ('\u{CF}', 'ẽ'),
    ('\u{D0}', 'é'),
    ('\u{D1}', 'ẹ'),
    ('\u{D2}', 'ề'),
    ('\u{D3}', 'ể'),
    ('\u{D4}', 'ễ'),
    ('\u{D5}', 'ế'),
    ('\u{D6}', 'ệ'),
    ('\u{D7}', 'ì'),
    ('\u{D8}', 'ỉ'),
    ('\u{DC}', 'ĩ'),
    ('\u{DD}', 'í'),
    ('\u{DE}', 'ị'),
    ('\u{DF}', 'ò'),
    ('\u{E1}', 'ỏ'),
    ('\u{E2}', 'õ'),
    ('\u{E3}', 'ó'),
    ('\u{E4}', 'ọ'),
    ('\u{E5}', 'ồ'),
    ('\u{E6}', 'ổ'),
    ('\u{E7}', 'ỗ'),
    ('\u{E8}', 'ố'),
    ('\u{E9}', 'ộ'),
    ('\u{EA}', 'ờ'),
    ('\u{EB}', 'ở'),
    ('\u{EC}', 'ỡ'),
    ('\u{ED}', 'ớ'),
    ('\u{EE}', 'ợ'),
    ('\u{EF}', 'ù'),
    ('\u{F1}', 'ủ'),
    ('\u{F2}', 'ũ'),
    ('\u{F3}', 'ú'),
    ('\u{F4}', 'ụ'),
    ('\u{F5}', 'ừ'),
    ('\u{F6}', 'ử'),
    ('\u{F7}', 'ữ'),
    ('\u{F8}', 'ứ'),
    ('\u{F9}', 'ự'),
    ('\u{FA}', 'ỳ'),
    ('\u{FB}', 'ỷ'),
    ('\u{FC}', 'ỹ'),
    ('\u{FD}', 'ý'),
    ('\u{FE}', 'ỵ'),
];

fn tcvn3_char(c: char) -> Option<char> {
    let u = c as u32;
    if !(0xA1..=0xFE).contains(&u) {
        return None;
    }
    TCVN3
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| TCVN3[i].1)
}

/// Decodes a TCVN3 value; None when it holds a character TCVN3 cannot produce.
/// A word whose ASCII letters are all upper case is put in upper case (it was
/// drawn with the upper-case font).
pub fn decode_tcvn3(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii() || c.is_whitespace() {
            out.push(c);
        } else {
            out.push(tcvn3_char(c)?);
        }
    }
    Some(upper_case_words(&out, all_caps(s)))
}

/// True when the value is written in capitals: no word has a lower-case
/// ASCII letter, and a word has at least two upper-case ones (an acronym
/// such as `CCCD` or `THCS` is no evidence: `Sè CCCD` is Title case).
fn all_caps(s: &str) -> bool {
    let mut evidence = false;
    for w in viet::words(s) {
        let mut n = 0;
        for c in w.chars().filter(char::is_ascii_alphabetic) {
            if c.is_ascii_lowercase() {
                return false;
            }
            n += 1;
        }
        evidence |= n >= 2 && (!w.is_ascii() || viet::is_syllable(w));
    }
    evidence
}

/// Upper-cases every word when the whole value is in capitals, else the
/// words with at least two ASCII letters, all upper case.
fn upper_case_words(s: &str, caps: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let ascii_letters = word.chars().filter(char::is_ascii_alphabetic).count();
        let all_upper = word
            .chars()
            .filter(char::is_ascii_alphabetic)
            .all(|c| c.is_ascii_uppercase());
        if caps || (ascii_letters >= 2 && all_upper) {
            out.extend(word.chars().map(upper));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_whitespace() || (c.is_ascii() && !c.is_ascii_alphabetic()) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// What a VNI mark character adds to the vowel before it.
#[derive(Clone, Copy)]
enum Shape {
    Keep,
    Circumflex,
    Breve,
}

/// VNI mark characters (lower case; upper case marks are their upper case).
fn vni_mark(c: char) -> Option<(Shape, u8)> {
    Some(match lower(c) {
        'ù' => (Shape::Keep, TONE_ACUTE),
        'ø' => (Shape::Keep, TONE_GRAVE),
        'û' => (Shape::Keep, TONE_HOOK),
        'õ' => (Shape::Keep, TONE_TILDE),
        'ï' => (Shape::Keep, TONE_DOT),
        'â' => (Shape::Circumflex, TONE_NONE),
        'á' => (Shape::Circumflex, TONE_ACUTE),
        'à' => (Shape::Circumflex, TONE_GRAVE),
        'å' => (Shape::Circumflex, TONE_HOOK),
        'ã' => (Shape::Circumflex, TONE_TILDE),
        'ä' => (Shape::Circumflex, TONE_DOT),
        'ê' => (Shape::Breve, TONE_NONE),
        'é' => (Shape::Breve, TONE_ACUTE),
        'è' => (Shape::Breve, TONE_GRAVE),
        'ú' => (Shape::Breve, TONE_HOOK),
        'ü' => (Shape::Breve, TONE_TILDE),
        'ë' => (Shape::Breve, TONE_DOT),
        _ => return None,
    })
}

/// VNI characters that are a letter by themselves (lower case).
fn vni_single(c: char) -> Option<char> {
    Some(match lower(c) {
        'ô' => 'ơ',
        'ö' => 'ư',
        'ñ' => 'đ',
        'ì' => 'ì',
        'í' => 'í',
        'æ' => 'ỉ',
        'ó' => 'ĩ',
        'ò' => 'ị',
        'î' => 'ỵ',
        _ => return None,
    })
}

/// Combines a base vowel (lower case `a e i o u y ơ ư`) with a VNI mark.
fn vni_combine(base: char, mark: char) -> Option<char> {
    let (shape, tone) = vni_mark(mark)?;
    let shaped = match (shape, base) {
        (Shape::Keep, b) if matches!(b, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ơ' | 'ư') => b,
        (Shape::Circumflex, 'a') => 'â',
        (Shape::Circumflex, 'e') => 'ê',
        (Shape::Circumflex, 'o') => 'ô',
        (Shape::Breve, 'a') => 'ă',
        _ => return None,
    };
    with_tone(shaped, tone)
}

/// Decodes a VNI value; None when a non-ASCII character is not VNI or a
/// mark follows no vowel it can go on.
pub fn decode_vni(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let is_up = c.is_uppercase();
        let fix_case = |l: char| if is_up { upper(l) } else { l };
        let base = if c.is_ascii() || c.is_whitespace() {
            let l = c.to_ascii_lowercase();
            matches!(l, 'a' | 'e' | 'i' | 'o' | 'u' | 'y').then_some(l)
        } else {
            match vni_single(c) {
                Some(l @ ('ơ' | 'ư')) => Some(l),
                Some(l) => {
                    out.push(fix_case(l));
                    i += 1;
                    continue;
                }
                None => return None,
            }
        };
        if let Some(b) = base {
            if let Some(m) = chars.get(i + 1).filter(|m| vni_mark(**m).is_some()) {
                out.push(fix_case(vni_combine(b, *m)?));
                i += 2;
                continue;
            }
            out.push(fix_case(b));
        } else {
            out.push(c);
        }
        i += 1;
    }
    Some(out)
}

/// Which legacy encoding a value is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

/// The outcome of looking at one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyFinding {
    /// Certainly this encoding; the decoded value.
    Fixed(Legacy, String),
    /// Looks like a legacy font (a word that is not Vietnamese and has
    /// characters no Vietnamese word has) but no decoding gives Vietnamese.
    Unsure,
}

/// Characters of the Latin-1 range that Vietnamese text never has: their
/// presence in a word is a strong sign of a legacy font.
fn foreign(c: char) -> bool {
    let u = c as u32;
    (0x80..=0xFF).contains(&u) && !viet::is_letter(c)
}

/// Decodes a value known (from the other cells of its row) to be in `enc`:
/// Some when it holds characters of that encoding and every word of the
/// result is Vietnamese. Used when the value alone is not conclusive
/// (`Sôn La` is a possible spelling, but in a VNI row it is `Sơn La`).
pub fn decode_as(s: &str, enc: Legacy) -> Option<String> {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return None;
    }
    let d = match enc {
        Legacy::Tcvn3 => decode_tcvn3(s)?,
        Legacy::Vni => decode_vni(s)?,
    };
    let valid = viet::words(&d).all(|w| w.is_ascii() || viet::is_syllable(w));
    (valid && d != s).then_some(d)
}

/// Looks for TCVN3 or VNI text in a value. Fast: returns None at once for
/// ASCII values and for values holding any character above U+00FF (genuine
/// Unicode Vietnamese).
pub fn detect(s: &str) -> Option<LegacyFinding> {
    if s.is_ascii() || s.chars().any(|c| c as u32 > 0xFF) {
        return None;
    }
    let suspicious = viet::words(s).any(|w| !w.is_ascii() && !viet::is_syllable(w));
    if !suspicious {
        return None;
    }
    let valid = |d: &str| viet::words(d).all(|w| w.is_ascii() || viet::is_syllable(w));
    let t = decode_tcvn3(s).filter(|d| d != s && valid(d));
    let v = decode_vni(s).filter(|d| d != s && valid(d));
    match (t, v) {
        (Some(t), None) => Some(LegacyFinding::Fixed(Legacy::Tcvn3, t)),
        (None, Some(v)) => Some(LegacyFinding::Fixed(Legacy::Vni, v)),
        (Some(t), Some(v)) if t == v => Some(LegacyFinding::Fixed(Legacy::Tcvn3, t)),
        (Some(_), Some(_)) => Some(LegacyFinding::Unsure),
        (None, None) => s.chars().any(foreign).then_some(LegacyFinding::Unsure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted() {
        assert!(TCVN3.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn decodes_common_names() {
        assert_eq!(
            detect("NguyÔn V¨n Hïng"),
            Some(LegacyFinding::Fixed(
                Legacy::Tcvn3,
                "Nguyễn Văn Hùng".into()
            ))
        );
        assert_eq!(
            detect("TrÇn ThÞ Hoµ"),
            Some(LegacyFinding::Fixed(Legacy::Tcvn3, "Trần Thị Hoà".into()))
        );
        assert_eq!(
            detect("Nguyeãn Thò Lan"),
            Some(LegacyFinding::Fixed(Legacy::Vni, "Nguyễn Thị Lan".into()))
        );
        assert_eq!(
            detect("NGUYEÃN VAÊN HUØNG"),
            Some(LegacyFinding::Fixed(Legacy::Vni, "NGUYỄN VĂN HÙNG".into()))
        );
        assert_eq!(
            detect("§oµn Thu H»ng"),
            Some(LegacyFinding::Fixed(Legacy::Tcvn3, "Đoàn Thu Hằng".into()))
        );
        assert_eq!(
            detect("TRÇN V¡N"),
            Some(LegacyFinding::Fixed(Legacy::Tcvn3, "TRẦN VĂN".into()))
        );
    }

    #[test]
    fn leaves_genuine_text() {
        for s in [
            "Nguyễn Thị Lan",
            "Hà Nội",
            "Lê Thò",
            "Nguyen Van A",
            "Hà",
            "José",
            "",
        ] {
            assert_eq!(detect(s), None, "{s}");
        }
        assert_eq!(detect("Müller ßø"), Some(LegacyFinding::Unsure));
    }
}
