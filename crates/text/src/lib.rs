//! Vietnamese text: folding for comparison (case, diacritics, `Đ/đ`,
//! spacing), NFC normalisation, and repair of legacy encodings
//! ([`textfix`]). The bottom layer: it imports no other lamsach crate.

pub mod textfix;

/// The language of labels and messages: Vietnamese (the default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// The Vietnamese or the English of two texts.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Base letter of a Vietnamese letter without its diacritics, lower-cased.
/// `Đ`/`đ` fold to `d` (they do not decompose in Unicode). Letters up to
/// U+1FFF (all Vietnamese letters) are looked up in [`fold_table`] first.
fn fold_slow(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' => out.push('d'),
        c => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                for l in d.to_lowercase() {
                    out.push(l);
                }
            }
        }),
    }
}

/// For each code point below U+2000: the ASCII letter it folds to, or 0
/// when it does not fold to exactly one ASCII character.
fn fold_table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0u32..0x2000)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return 0;
                };
                let mut s = String::new();
                fold_slow(c, &mut s);
                match s.as_bytes() {
                    [b] if b.is_ascii_alphanumeric() && !c.is_ascii() => *b,
                    _ => 0,
                }
            })
            .collect()
    })
}

/// Folds a value for loose comparison: lower case, no diacritics, `đ`→`d`,
/// runs of whitespace collapsed to one space, trimmed.
/// `"  NGUYỄN  Thị Ánh "` → `"nguyen thi anh"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] appending to a reusable buffer (no allocation once it is warm).
pub fn fold_into(s: &str, out: &mut String) {
    // the folded value is never longer than the input but for the rare
    // letters that fold to more than one character
    out.reserve(s.len());
    let base = out.len();
    let table = fold_table();
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_ascii() {
            push_ascii_collapsing(c, out, base, &mut pending_space);
            continue;
        }
        // a letter of the table is not whitespace
        let folded = table.get(c as usize).copied().unwrap_or(0);
        if folded == 0 && c.is_whitespace() {
            pending_space = out.len() > base;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if folded != 0 {
            out.push(folded as char);
        } else {
            fold_slow(c, out);
        }
    }
}

/// One ASCII character of a pass that lower-cases and collapses runs of
/// whitespace to one space, none before the first character written after
/// `out[..base]`: whitespace (the ASCII characters `char::is_whitespace`
/// accepts) sets `pending`; anything else goes in lower case, after the
/// pending space.
#[inline(always)]
pub fn push_ascii_collapsing(c: char, out: &mut String, base: usize, pending: &mut bool) {
    if matches!(c, '\t'..='\r' | ' ') {
        *pending = out.len() > base;
        return;
    }
    if *pending {
        out.push(' ');
        *pending = false;
    }
    out.push(c.to_ascii_lowercase());
}

/// `count` strings of fewer than `max_len` characters drawn from `pool`,
/// the same ones for the same seed: the inputs of the property tests that
/// hold a fast path to its plain definition.
#[doc(hidden)]
pub fn random_strings(
    pool: &str,
    seed: u64,
    count: usize,
    max_len: usize,
) -> impl Iterator<Item = String> {
    let pool: Vec<char> = pool.chars().collect();
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..count).map(move |_| {
        let n = rng.usize(0..max_len);
        (0..n).map(|_| pool[rng.usize(0..pool.len())]).collect()
    })
}

/// `s.trim()`, returning at once when neither end is whitespace (the
/// common case: cells arrive trimmed).
#[inline]
pub fn trim(s: &str) -> &str {
    // bytes above the space and below 0x80 are ASCII and not whitespace
    let plain = |x: Option<&u8>| x.is_some_and(|&x| x > b' ' && x < 0x80);
    let b = s.as_bytes();
    if plain(b.first()) && plain(b.last()) {
        return s;
    }
    trim_rest(s)
}

#[inline(never)]
fn trim_rest(s: &str) -> &str {
    let ws_first = s.chars().next().is_some_and(char::is_whitespace);
    let ws_last = s.chars().next_back().is_some_and(char::is_whitespace);
    if ws_first || ws_last {
        s.trim()
    } else {
        s
    }
}

/// Folds and keeps only ASCII letters and digits: the key used to match
/// header names against aliases (`"Số CCCD/ Mã định danh"` → `"socccdmadinhdanh"`).
pub fn header_key(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Lower case and single-spaced, keeping diacritics (NFC): for comparisons
/// where accents matter.
pub fn normalize(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    let nfc: std::borrow::Cow<str> = if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    };
    let mut out = String::with_capacity(nfc.len());
    for w in nfc.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// `part` as a slice of `whole` when it lies inside it, on character boundaries.
pub fn sub_str<'a>(whole: &'a str, part: &[u8]) -> Option<&'a str> {
    let off = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    whole.get(off..off.checked_add(part.len())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("  NGUYỄN  Thị Ánh "), "nguyen thi anh");
        assert_eq!(fold("Đặng Đức Đạt"), "dang duc dat");
        // decomposed input folds the same as precomposed
        assert_eq!(fold("Nguye\u{0302}\u{0303}n"), "nguyen");
    }

    /// The plain definition [`fold_into`] must agree with.
    fn fold_plain(s: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for c in s.chars() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            fold_slow(c, &mut out);
        }
        out
    }

    #[test]
    fn fold_agrees_with_plain_definition() {
        for s in crate::random_strings(
            " \t\n\u{0B}\u{0C}\r\u{85}\u{A0}\u{2009}\u{3000}aZ9-'ĐđÀàÂẫỹỴƯơ\u{300}\u{303}\u{323}İßǅﬁΩЖ€\u{1F600}",
            11,
            50_000,
            12,
        ) {
            assert_eq!(fold(&s), fold_plain(&s), "{s:?}");
            let mut pre = String::from("x");
            fold_into(&s, &mut pre);
            assert_eq!(&pre[1..], fold_plain(&s).as_str(), "{s:?}");
        }
        for u in 0..0x3000u32 {
            if let Some(c) = char::from_u32(u) {
                let s = format!("a{c}b {c}");
                assert_eq!(fold(&s), fold_plain(&s), "{u:x}");
            }
        }
    }

    #[test]
    fn trim_agrees_with_str_trim() {
        for s in crate::random_strings(
            " \t\n\u{0B}\u{0C}\r\u{1C}\u{0}\u{7F}\u{85}\u{A0}\u{2009}\u{3000}\u{FEFF}aĐễ\u{300}",
            5,
            50_000,
            6,
        ) {
            assert_eq!(trim(&s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn header_keys() {
        assert_eq!(header_key("Số CCCD/ Mã định danh"), "socccdmadinhdanh");
        assert_eq!(header_key("NGAY SINH"), "ngaysinh");
    }

    #[test]
    fn normalize_keeps_accents() {
        assert_eq!(normalize("  NGUYỄN   THỊ ÁNH"), "nguyễn thị ánh");
        assert_eq!(normalize("Nguye\u{0302}\u{0303}n"), "nguyễn");
    }
}
