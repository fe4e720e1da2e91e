//! Detection and repair of broken Vietnamese text ("lỗi font"), one value at
//! a time. Pure functions: no I/O, no panics, safe on any input.
//!
//! Repairs are made only when certain. The order is fixed: double-encoded
//! UTF-8, then legacy fonts (TCVN3, VNI), then stray control characters, then
//! NFC, then spacing. [`repair`] runs that pipeline to a fixed point, so
//! `repair(repair(x)) == repair(x)`.

pub mod legacy;
pub mod mojibake;
pub mod viet;

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

pub use legacy::{Legacy, LegacyFinding};
pub use mojibake::Mojibake;

/// What was wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Issue {
    Tcvn3,
    Vni,
    Mojibake,
    Decomposed,
    Control,
    Spacing,
    /// Broken, but no repair is certain.
    Unsure,
}

impl Issue {
    /// The rule that reports this issue.
    pub fn code(self) -> &'static str {
        match self {
            Issue::Tcvn3 => "TXT002",
            Issue::Vni => "TXT003",
            Issue::Mojibake => "TXT004",
            Issue::Decomposed => "TXT005",
            Issue::Control => "TXT006",
            Issue::Spacing => "TXT007",
            Issue::Unsure => "TXT008",
        }
    }
}

/// True for characters that do not belong in a cell: C0/C1 controls
/// (tab and line ends included) and invisible format characters.
pub(crate) fn is_stray(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Space characters other than the ASCII space: no-break, thin, ideographic…
pub(crate) fn is_odd_space(c: char) -> bool {
    c != ' ' && c.is_whitespace() && !c.is_control()
}

/// Removes stray characters (line ends and tabs become a space). None when
/// there is none.
pub fn strip_controls(s: &str) -> Option<String> {
    if !s.chars().any(is_stray) {
        return None;
    }
    Some(
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_stray(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// NFC form when the value is not NFC (decomposed letters). Fast on ASCII.
pub fn nfc(s: &str) -> Option<String> {
    // Latin-1 and the precomposed Vietnamese letters are NFC by themselves.
    if s.chars().all(|c| (c as u32) < 0x100 || viet::is_letter(c))
        || is_nfc_quick(s.chars()) == IsNormalized::Yes
    {
        return None;
    }
    let n: String = s.nfc().collect();
    (n != s).then_some(n)
}

/// Odd spaces made ASCII, runs of spaces made one, ends trimmed. None when
/// already so.
pub fn respace(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let clean = !b.windows(2).any(|w| w == b"  ")
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && (s.is_ascii() || !s.chars().any(is_odd_space));
    if clean {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| c == ' ' || is_odd_space(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    (out != s).then_some(out)
}

/// True when the value has odd spaces or doubled inner spaces (what the
/// check reports; leading/trailing spaces are only fixed, not reported).
pub fn has_bad_spacing(s: &str) -> bool {
    let t = s.trim_matches(' ');
    t.as_bytes().windows(2).any(|w| w == b"  ") || (!t.is_ascii() && t.chars().any(is_odd_space))
}

/// True when every non-ASCII character is a precomposed Vietnamese letter
/// above U+00FF (ă đ ĩ ũ ơ ư and U+1EA0..U+1EF9): read on the UTF-8 bytes.
#[cfg(test)]
fn only_vietnamese_letters(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            0x00..=0x7F => i += 1,
            0xC4..=0xC6 => {
                let Some(&d) = b.get(i + 1) else {
                    return false;
                };
                let u = ((u32::from(c) & 0x1F) << 6) | (u32::from(d) & 0x3F);
                if !char::from_u32(u).is_some_and(viet::is_letter) {
                    return false;
                }
                i += 2;
            }
            0xE1 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0xBA), Some(0xA0..=0xBF)) | (Some(0xBB), Some(0x80..=0xB9)) => i += 3,
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

/// One pass over the value: true when no repair can apply (no Latin-1 or
/// Windows-1252 characters that legacy fonts and double encoding produce,
/// no stray or odd-space characters, no bad spacing, and NFC).
fn looks_clean(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // controls, doubled spaces and Latin-1 end the scan (not clean); ASCII
    // and the precomposed Vietnamese letters above U+00FF (ă đ ĩ ũ ơ ư and
    // U+1EA0..U+1EF9, read on the UTF-8 bytes) are clean; any other
    // character needs the closer look below
    let mut other = false;
    let mut prev_space = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c < 0x80 {
            if c < 0x20 || c == 0x7F {
                return false;
            }
            let space = c == b' ';
            if space && prev_space {
                return false;
            }
            prev_space = space;
            i += 1;
            continue;
        }
        prev_space = false;
        match c {
            // U+0080..U+00FF: Latin-1 and C1
            0xC2 | 0xC3 => return false,
            0xC4..=0xC6 => {
                let d = b.get(i + 1).copied().unwrap_or(0);
                let u = ((u32::from(c) & 0x1F) << 6) | (u32::from(d) & 0x3F);
                other |= !char::from_u32(u).is_some_and(viet::is_letter);
                i += 2;
            }
            0xE1 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0xBA), Some(0xA0..=0xBF)) | (Some(0xBB), Some(0x80..=0xB9)) => i += 3,
                _ => {
                    other = true;
                    i += 1;
                }
            },
            _ => {
                other = true;
                i += 1;
            }
        }
    }
    !other || chars_look_clean(s)
}

/// The character-by-character part of [`looks_clean`], for values the byte
/// scan could not settle: no control, Latin-1, stray, odd-space or
/// Windows-1252 character, and NFC.
fn chars_look_clean(s: &str) -> bool {
    let mut maybe_decomposed = false;
    for c in s.chars() {
        let u = c as u32;
        if u < 0x80 {
            if u < 0x20 || u == 0x7F {
                return false;
            }
        } else if u <= 0xFF {
            // Latin-1 and C1: legacy fonts, double encoding
            return false;
        } else if viet::is_letter(c) {
            // precomposed Vietnamese letters are NFC by themselves
        } else if is_stray(c) || c.is_whitespace() || mojibake::cp1252_byte(c).is_some() {
            return false;
        } else {
            maybe_decomposed = true;
        }
    }
    !maybe_decomposed || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// The result of repairing one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired<'a> {
    pub value: Cow<'a, str>,
    /// Issues found, in pipeline order, without repeats.
    pub issues: Vec<Issue>,
}

fn step(s: &str, issues: &mut Vec<Issue>) -> Option<String> {
    let mut note = |i: Issue| {
        if !issues.contains(&i) {
            issues.push(i);
        }
    };
    match mojibake::detect(s) {
        Some(Mojibake::Fixed(t)) => {
            note(Issue::Mojibake);
            return Some(t);
        }
        Some(Mojibake::Unsure) => {
            note(Issue::Unsure);
            return None;
        }
        None => {}
    }
    match legacy::detect(s) {
        Some(LegacyFinding::Fixed(enc, t)) => {
            note(match enc {
                Legacy::Tcvn3 => Issue::Tcvn3,
                Legacy::Vni => Issue::Vni,
            });
            return Some(t);
        }
        Some(LegacyFinding::Unsure) => {
            note(Issue::Unsure);
            return None;
        }
        None => {}
    }
    if let Some(t) = strip_controls(s) {
        note(Issue::Control);
        return Some(t);
    }
    if let Some(t) = nfc(s) {
        note(Issue::Decomposed);
        return Some(t);
    }
    if let Some(t) = respace(s) {
        note(Issue::Spacing);
        return Some(t);
    }
    None
}

/// Applies every certain repair, to a fixed point. A value with an unsure
/// problem is returned unchanged, with [`Issue::Unsure`] among the issues.
pub fn repair(s: &str) -> Repaired<'_> {
    let clean = || Repaired {
        value: Cow::Borrowed(s),
        issues: Vec::new(),
    };
    if looks_clean(s) || known_clean(s, false) {
        return clean();
    }
    let r = repair_uncached(s);
    if r.issues.is_empty() {
        known_clean(s, true);
    }
    r
}

/// Repairs the cells of one row. A legacy font found with certainty in one
/// cell is evidence for the others: a cell that is not conclusive alone
/// (`Sôn La`, or one both TCVN3 and VNI decode) is decoded with the row's
/// encoding when every word comes out Vietnamese.
pub fn repair_row<'a>(cells: &[&'a str]) -> Vec<Repaired<'a>> {
    let mut out: Vec<Repaired<'a>> = cells.iter().map(|c| repair(c)).collect();
    let found = |i: Issue| out.iter().any(|r| r.issues.contains(&i));
    let enc = match (found(Issue::Tcvn3), found(Issue::Vni)) {
        (true, false) => Legacy::Tcvn3,
        (false, true) => Legacy::Vni,
        _ => return out,
    };
    for (r, cell) in out.iter_mut().zip(cells) {
        let settled = r.issues.iter().any(|i| *i != Issue::Unsure);
        if settled {
            continue;
        }
        if let Some(d) = legacy::decode_as(cell, enc) {
            let mut rest = repair(&d);
            let mut issues = vec![match enc {
                Legacy::Tcvn3 => Issue::Tcvn3,
                Legacy::Vni => Issue::Vni,
            }];
            for i in rest.issues.drain(..) {
                if !issues.contains(&i) {
                    issues.push(i);
                }
            }
            if issues.contains(&Issue::Unsure) {
                continue;
            }
            *r = Repaired {
                value: Cow::Owned(rest.value.into_owned()),
                issues,
            };
        }
    }
    out
}

/// A per-thread memo of values with Latin-1 letters (`Chiêm Hóa`, `Tân
/// Quang`) found clean: place and unit names repeat on every row. Bounded.
fn known_clean(s: &str, insert: bool) -> bool {
    const MAX_LEN: usize = 64;
    const MAX_ENTRIES: usize = 8192;
    thread_local! {
        static CLEAN: std::cell::RefCell<rustc_hash::FxHashSet<Box<str>>> =
            std::cell::RefCell::new(rustc_hash::FxHashSet::default());
    }
    if s.len() > MAX_LEN {
        return false;
    }
    CLEAN.with(|c| {
        let mut c = c.borrow_mut();
        if !insert {
            return c.contains(s);
        }
        if c.len() >= MAX_ENTRIES {
            c.clear();
        }
        c.insert(s.into());
        true
    })
}

fn repair_uncached(s: &str) -> Repaired<'_> {
    let mut issues = Vec::new();
    let mut cur: Option<String> = None;
    for _ in 0..12 {
        let input = cur.as_deref().unwrap_or(s);
        match step(input, &mut issues) {
            Some(next) => cur = Some(next),
            None => break,
        }
        if issues.contains(&Issue::Unsure) {
            break;
        }
    }
    if issues.contains(&Issue::Unsure) {
        return Repaired {
            value: Cow::Borrowed(s),
            issues,
        };
    }
    Repaired {
        value: cur.map_or(Cow::Borrowed(s), Cow::Owned),
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline() {
        let r = repair("  NguyÔn\u{A0}\u{A0}V¨n  Hïng ");
        assert_eq!(r.value, "Nguyễn Văn Hùng");
        assert_eq!(r.issues, vec![Issue::Tcvn3, Issue::Spacing]);
        let r = repair("Nguye\u{302}\u{303}n\u{200B} Lan");
        assert_eq!(r.value, "Nguyễn Lan");
        assert_eq!(r.issues, vec![Issue::Control, Issue::Decomposed]);
        let r = repair("Nguyá»…n\tLan");
        assert_eq!(r.value, "Nguyễn Lan");
        assert_eq!(r.issues, vec![Issue::Mojibake, Issue::Control]);
        let r = repair("Nguyễn Thị Lan");
        assert!(matches!(r.value, Cow::Borrowed(_)) && r.issues.is_empty());
        let r = repair("Ngá» Thá»‹ ");
        assert_eq!(r.value, "Ngá» Thá»‹ ");
        assert_eq!(r.issues, vec![Issue::Unsure]);
    }

    #[test]
    fn fast_path_never_skips_a_repair() {
        for s in crate::random_strings(
            "aeinoyAN  \t\u{A0}\u{200B}\u{FEFF}\u{2009}\u{81}\u{7F}\u{300}\u{303}\u{323}ÃÂáºª»µ¨Þ€…ăâêôơưđễịờữỳỹ",
            7,
            50_000,
            10,
        ) {
            if looks_clean(&s) {
                assert_eq!(step(&s, &mut Vec::new()), None, "{s:?}");
            }
        }
    }

    /// The definition [`looks_clean`] must agree with: its former byte
    /// checks, then the same character scan, so the test pins the byte scan.
    fn looks_clean_plain(s: &str) -> bool {
        let b = s.as_bytes();
        if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
            return false;
        }
        // controls and doubled spaces, branch-free so the loops vectorise
        let controls = b
            .iter()
            .fold(false, |acc, &c| acc | (c < 0x20) | (c == 0x7F));
        let doubled = b
            .iter()
            .zip(b.iter().skip(1))
            .fold(false, |acc, (&x, &y)| acc | ((x == b' ') & (y == b' ')));
        if controls || doubled {
            return false;
        }
        if s.is_ascii() || only_vietnamese_letters(b) {
            return true;
        }
        chars_look_clean(s)
    }

    #[test]
    fn looks_clean_agrees_with_plain_definition() {
        for s in crate::random_strings(
            "aeinoyAN  \t\u{A0}\u{200B}\u{FEFF}\u{2009}\u{81}\u{7F}\u{300}\u{303}\u{323}ÃÂáºª»µ¨Þ€…ăâêôơưđễịờữỳỹĂƠƯĐĨŨǅƀ\u{1E9E}\u{1EFA}\u{1EFF}Ωア",
            9,
            100_000,
            10,
        ) {
            assert_eq!(looks_clean(&s), looks_clean_plain(&s), "{s:?}");
        }
        for u in 0x80..0x3000u32 {
            if let Some(c) = char::from_u32(u) {
                for s in [format!("{c}"), format!("a {c}b"), format!("{c}  a")] {
                    assert_eq!(looks_clean(&s), looks_clean_plain(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn vietnamese_letters_by_bytes() {
        assert!(only_vietnamese_letters("Nguyễn Thị Ưng Đặng ĩũ".as_bytes()));
        assert!(!only_vietnamese_letters("Hà".as_bytes()));
        assert!(!only_vietnamese_letters("Nguye\u{302}\u{303}n".as_bytes()));
        assert!(!only_vietnamese_letters("ẞ".as_bytes()));
        for u in 0x100..0x2000u32 {
            if let Some(c) = char::from_u32(u) {
                let s = c.to_string();
                assert_eq!(
                    only_vietnamese_letters(s.as_bytes()),
                    viet::is_letter(c),
                    "{c}"
                );
            }
        }
    }

    #[test]
    fn spacing() {
        assert_eq!(respace("a  b"), Some("a b".into()));
        assert_eq!(respace("a b"), None);
        assert!(has_bad_spacing("Lê\u{A0}Lan"));
        assert!(!has_bad_spacing(" Lê Lan "));
    }
}
