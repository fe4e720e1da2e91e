//! Vietnamese text helpers: folding for comparison (case, diacritics, `Đ/đ`,
//! spacing) and NFC normalisation.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Base letter of a Vietnamese letter without its diacritics, lower-cased.
/// `Đ`/`đ` fold to `d` (they do not decompose in Unicode).
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    // Latin letters up to U+1FFF (all Vietnamese letters) fold to one ASCII
    // letter: look it up in a table built once.
    if let Some(&b) = fold_table().get(c as usize) {
        if b != 0 {
            out.push(b as char);
            return;
        }
    }
    fold_slow(c, out);
}

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
    let base = out.len();
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = out.len() > base;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        fold_char(c, out);
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
