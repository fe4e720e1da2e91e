//! The Vietnamese alphabet as data: the 12 vowels with their 6 tones, and a
//! strict-enough check that a word is a possible Vietnamese syllable. Used to
//! decide whether decoding a legacy-font value gives real Vietnamese.

/// The 12 vowel shapes, each with its tones in the order
/// none, grave (huyền), acute (sắc), hook (hỏi), tilde (ngã), dot (nặng).
pub(crate) const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

pub const TONE_NONE: u8 = 0;
pub(crate) const TONE_GRAVE: u8 = 1;
pub(crate) const TONE_ACUTE: u8 = 2;
pub(crate) const TONE_HOOK: u8 = 3;
pub(crate) const TONE_TILDE: u8 = 4;
pub(crate) const TONE_DOT: u8 = 5;

/// A lower-case vowel's shape (its toneless form) and tone.
pub fn vowel(c: char) -> Option<(char, u8)> {
    if c.is_ascii() {
        return matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y').then_some((c, TONE_NONE));
    }
    static TABLE: std::sync::OnceLock<rustc_hash::FxHashMap<char, (char, u8)>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut m = rustc_hash::FxHashMap::default();
            for row in &VOWELS {
                for (t, &v) in row.iter().enumerate() {
                    m.insert(v, (row[0], t as u8));
                }
            }
            m
        })
        .get(&c)
        .copied()
}

/// The lower-case letter with this shape and tone.
pub(crate) fn with_tone(shape: char, tone: u8) -> Option<char> {
    VOWELS
        .iter()
        .find(|row| row[0] == shape)
        .and_then(|row| row.get(tone as usize).copied())
}

/// Upper case of one Vietnamese letter (every one has a single-char upper case).
pub fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Lower case of one Vietnamese letter.
pub fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// True for any of the 134 precomposed Vietnamese letters (with `đ`/`Đ`) and
/// plain ASCII letters.
pub fn is_letter(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    // U+1EA0..U+1EF9 (Ạ..ỹ) are all Vietnamese letters; the others are
    // below U+01B1 (Latin-1, ă, đ, ĩ, ũ, ơ, ư): a bitmap.
    if (0x1EA0..=0x1EF9).contains(&u) {
        return true;
    }
    static LOW: std::sync::OnceLock<[bool; 0x1B1]> = std::sync::OnceLock::new();
    let low = LOW.get_or_init(|| {
        let mut t = [false; 0x1B1];
        for c in VOWELS.iter().flatten().copied().chain(['đ']) {
            for x in [c, upper(c)] {
                if let Some(slot) = t.get_mut(x as usize) {
                    *slot = true;
                }
            }
        }
        t
    });
    low.get(u as usize).copied().unwrap_or(false)
}

const INITIALS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Finals; `k` only in Central Highlands names (Đắk Lắk, Krông Búk).
const FINALS: [&str; 10] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "k"];

const NUCLEI: [&str; 52] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây",
    "uôi", "uya", "uyê", "uyu",
];
const NUCLEI3: [&str; 2] = ["ươi", "ươu"];
/// Vowel groups that end the syllable (no final consonant after them).
const NO_FINAL: [&str; 25] = [
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
    "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi",
];
/// Vowel groups that need a final consonant.
const NEED_FINAL: [&str; 9] = ["ă", "â", "iê", "yê", "uô", "ươ", "uyê", "uâ", "oă"];

/// True when `w` (letters only) is a possible Vietnamese syllable, written in
/// lower case, Title case or UPPER case: initial consonant(s), a known vowel
/// group with at most one tone, a final consonant; stopped finals (c, ch, p, t)
/// only with the acute or dot tone.
pub fn is_syllable(w: &str) -> bool {
    // (toneless lower-case letter, tone) per letter, on the stack
    const MAX: usize = 8;
    let mut sl = [(' ', TONE_NONE); MAX];
    let mut n = 0;
    let mut tones = 0;
    let (mut lowers, mut uppers_after_first) = (0, 0);
    for (i, c) in w.chars().enumerate() {
        if n == MAX || !is_letter(c) {
            return false;
        }
        if c.is_lowercase() {
            lowers += 1;
        } else if i > 0 {
            uppers_after_first += 1;
        }
        let l = lower(c);
        sl[n] = match vowel(l) {
            Some((shape, t)) => {
                tones += usize::from(t != TONE_NONE);
                (shape, t)
            }
            None => (l, TONE_NONE),
        };
        n += 1;
    }
    // lower case, Title case or UPPER case; at most one tone
    if n == 0 || tones > 1 || (lowers > 0 && uppers_after_first > 0) {
        return false;
    }
    let sl = &sl[..n];
    // the initial consonant(s): letters before the first vowel
    let first_vowel = sl.iter().position(|&(c, _)| vowel(c).is_some());
    let Some(fv) = first_vowel else {
        return false;
    };
    let initial = &sl[..fv];
    if (initial.is_empty() || any_of(initial, &INITIALS)) && rest_ok(sl, fv) {
        return true;
    }
    // "gi" and "qu" take the vowel after them into the initial
    (is(initial, "g") && sl.get(fv).is_some_and(|x| x.0 == 'i') && rest_ok(sl, fv + 1))
        || (is(initial, "q") && sl.get(fv).is_some_and(|x| x.0 == 'u') && rest_ok(sl, fv + 1))
}

fn is(part: &[(char, u8)], pat: &str) -> bool {
    part.iter().map(|x| x.0).eq(pat.chars())
}

fn any_of(part: &[(char, u8)], list: &[&str]) -> bool {
    list.iter().any(|p| is(part, p))
}

/// A vowel group as a number (9 bits per letter), for set lookups.
fn key(part: &[(char, u8)]) -> u32 {
    part.iter()
        .fold(0, |k, &(c, _)| (k << 9) | (c as u32 & 0x1FF))
}

fn key_str(p: &str) -> u32 {
    p.chars().fold(0, |k, c| (k << 9) | (c as u32 & 0x1FF))
}

struct Groups {
    nuclei: rustc_hash::FxHashSet<u32>,
    no_final: rustc_hash::FxHashSet<u32>,
    need_final: rustc_hash::FxHashSet<u32>,
}

fn groups() -> &'static Groups {
    static G: std::sync::OnceLock<Groups> = std::sync::OnceLock::new();
    G.get_or_init(|| Groups {
        nuclei: NUCLEI
            .iter()
            .chain(NUCLEI3.iter())
            .map(|p| key_str(p))
            .collect(),
        no_final: NO_FINAL
            .iter()
            .chain(NUCLEI3.iter())
            .map(|p| key_str(p))
            .collect(),
        need_final: NEED_FINAL.iter().map(|p| key_str(p)).collect(),
    })
}

/// Vowel group, final consonant and tone placement of `sl[skip..]`.
fn rest_ok(sl: &[(char, u8)], skip: usize) -> bool {
    let Some(rest) = sl.get(skip..) else {
        return false;
    };
    let nv = rest.iter().take_while(|(c, _)| vowel(*c).is_some()).count();
    if nv == 0 || nv > 3 {
        return false;
    }
    let (nucleus, fin) = rest.split_at(nv);
    let g = groups();
    let k = key(nucleus);
    if !g.nuclei.contains(&k) || !any_of(fin, &FINALS) {
        return false;
    }
    if !fin.is_empty() && g.no_final.contains(&k) {
        return false;
    }
    if fin.is_empty() && g.need_final.contains(&k) {
        return false;
    }
    // rhymes: -nh/-ch only after a, ê, i, y (anh, ênh, inh, uynh);
    // -ng/-c never after ê, i, y (those write -nh/-ch)
    let last = nucleus.last().map_or(' ', |x| x.0);
    if any_of(fin, &["nh", "ch"]) && !matches!(last, 'a' | 'ê' | 'i' | 'y') {
        return false;
    }
    if any_of(fin, &["ng", "c"]) && matches!(last, 'ê' | 'i' | 'y') && nv == 1 {
        return false;
    }
    let tone_at = nucleus.iter().position(|&(_, t)| t != TONE_NONE);
    let tone = tone_at.map_or(TONE_NONE, |i| nucleus[i].1);
    let stopped = any_of(fin, &["c", "ch", "p", "t", "k"]);
    if stopped && !matches!(tone, TONE_ACUTE | TONE_DOT) {
        return false;
    }
    tone_at.is_none_or(|p| tone_position_ok(nucleus, p, !fin.is_empty()))
}

/// Where the tone mark may sit in a vowel group: on the (last) modified
/// vowel (ă â ê ô ơ ư) when there is one; else on the middle of three; of
/// two, on the second before a final consonant and on the first without
/// one (oa, oe, uy allow both: hòa/hoà).
fn tone_position_ok(nucleus: &[(char, u8)], pos: usize, has_final: bool) -> bool {
    let modified = nucleus
        .iter()
        .rposition(|&(c, _)| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư'));
    if let Some(m) = modified {
        return pos == m;
    }
    match nucleus.len() {
        1 => true,
        2 => {
            let pair = (nucleus[0].0, nucleus[1].0);
            if matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y')) {
                true
            } else if has_final {
                pos == 1
            } else {
                pos == 0
            }
        }
        _ => pos == 1,
    }
}

/// Words of a value for validity checks: runs of characters that are not
/// ASCII whitespace/punctuation/digits. Non-ASCII characters always belong
/// to words (legacy fonts put letters on symbol code points).
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_ascii() && !c.is_ascii_alphabetic() || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables() {
        for w in [
            "Nguyễn",
            "THỊ",
            "lan",
            "giữa",
            "gì",
            "quyết",
            "Trường",
            "Đặng",
            "khuya",
            "ươi",
            "át",
            "nghiêng",
            "Hoàng",
            "ý",
            "Ánh",
            "oẳn",
            "tuấn",
            "Bùi",
            "hoà",
            "hòa",
            "Huỳnh",
            "người",
            "khuỷu",
            "Thủy",
            "Thuỷ",
            "gìn",
            "giường",
            "khuya",
            "Sấm",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in [
            "NguyÔn", "Lª", "ThÞ", "Hoµng", "tảp", "Nguyeãn", "àc", "Leõ", "maì", "Saỏm", "tiê",
            "Vúnh", "ếng", "ông̀", "unh", "toaǹ", "trần1", "x",
        ] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn letter_table_is_exact() {
        let mut n = 0;
        for u in 0x80..0x2000u32 {
            if let Some(c) = char::from_u32(u) {
                n += usize::from(is_letter(c));
            }
        }
        assert_eq!(n, 134);
        assert!(is_letter('Đ') && is_letter('ỹ') && is_letter('Ư') && !is_letter('ß'));
    }

    #[test]
    fn alphabet_has_134_letters() {
        let mut n = 2; // đ Đ
        for row in &VOWELS {
            for &c in row {
                if !c.is_ascii() {
                    n += 2;
                }
            }
        }
        assert_eq!(n, 134);
    }
}
