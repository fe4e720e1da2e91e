//! Encoders into the legacy forms, written for the tests from the published
//! tables and independent of the decoders under test (different structure:
//! letter -> (vowel row, tone column) grids, byte sequences out).

/// Vietnamese full names (and one address) in which all 134 precomposed
/// letters occur: every lower-case letter here, every upper-case one in
/// the upper-cased copy ([`corpus`]). No Title-case word starts with a
/// toned vowel (TCVN3 cannot write one, see the TCVN3 test).
pub const NAMES: &[&str] = &[
    "Nguyễn Thị Lan",
    "Trần Văn Hùng",
    "Lê Thị Hoa",
    "Phạm Minh Tuấn",
    "Hoàng Đức Thắng",
    "Huỳnh Ngọc Mỹ",
    "Phan Thanh Hải",
    "Vũ Thị Hằng",
    "Võ Văn Kiệt",
    "Đặng Quốc Bảo",
    "Bùi Thị Thủy",
    "Đỗ Mạnh Cường",
    "Hồ Thị Diễm",
    "Ngô Quang Hưởng",
    "Dương Thị Liễu",
    "Lý Thị Nguyệt",
    "Trương Văn Lực",
    "Đinh Thị Bé",
    "Mai Xuân Trường",
    "Lương Thế Vinh",
    "Tạ Thị Thơm",
    "Lâm Văn Sĩ",
    "Kiều Thị Yến",
    "Triệu Văn Cẩn",
    "Đoàn Thị Kỷ",
    "Quách Văn Tỵ",
    "Tô Thị Ngữ",
    "Cao Văn Bỉ",
    "Châu Thị Nở",
    "Lục Văn Khởi",
    "Chu Thị Nhỡ",
    "Mạc Văn Khẩn",
    "Thân Thị Chử",
    "Ông Văn Lũ",
    "Âu Thị Dũng",
    "Ưng Văn Mận",
    "Giáp Văn Tẩy",
    "Khổng Thị Mãi",
    "Diệp Văn Chỉ",
    "Từ Thị Vẹn",
    "Nghiêm Thị Tẻo",
    "Khúc Văn Bẽn",
    "Lều Thị Sửu",
    "Kha Văn Nhẫn",
    "Lữ Thị Tỷ",
    "Nông Văn Sẳng",
    "Tiêu Thị Bẫm",
    "Sầm Văn Chọn",
    "Viên Thị Mở",
    "Ninh Văn Trợ",
    "Hứa Thị Mỡ",
    "Thái Văn Đẹt",
    "Giang Thị Bặc",
    "Phí Văn Lẵng",
    "Tống Thị Hộ",
    "Lò Văn Thỏ",
    "Mè Thị Thể",
    "Hầu Văn Mỹ",
    "Cầm Thị Bình",
    "Vi Văn Khỏe",
    "Bế Thị Phó",
    "Ma Văn Tới",
    "Lã Thị Xòe",
    "Ôn Văn Đủ",
    "Doãn Thị Ngụ",
    "Ân Văn Sừ",
    "Đàm Thị Lừng",
    "Lại Văn Hửng",
    "Khuất Thị Mùi",
    "Ê Văn Bồ",
    "Vương Thị Bốn",
    "Mạch Văn Tỗn",
    "Hàn Thị Lộc",
    "Trịnh Văn Lề",
    "Âu Thị Mếch",
    "Quan Văn Nệ",
    "Ăn Thị Lẹ",
    "Bạch Văn Lằn",
    "Lăng Thị Bắc",
    "Thạch Văn Tầm",
    "Sơn Thị Sấm",
    "Tôn Văn Lậu",
    "Nhữ Thị Cả",
    "Phùng Văn Tạ",
    "Mẫn Thị Thúy",
    "Hy Văn Vỳ",
    "Khiếu Thị Kỹ",
    "Liễu Văn Thị",
    "Ngân Thị Hĩ",
    "thôn Đông Lỗ, xã đồi Tân Thới, huyện Đạ Huoai",
];

/// The names as written, then in upper case.
pub fn corpus() -> Vec<String> {
    NAMES
        .iter()
        .map(|s| s.to_string())
        .chain(NAMES.iter().map(|s| s.to_uppercase()))
        .collect()
}

/// Rows: vowel shapes; columns: tones none, grave, acute, hook, tilde, dot.
pub const GRID: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];

/// (row, tone) of a lower-case vowel.
fn locate(c: char) -> Option<(usize, usize)> {
    for (r, row) in GRID.iter().enumerate() {
        if let Some(t) = row.chars().position(|x| x == c) {
            return Some((r, t));
        }
    }
    None
}

fn low(c: char) -> char {
    c.to_lowercase().next().unwrap()
}

/// TCVN3 bytes, same grid layout (0 = the plain ASCII letter).
const TCVN3_GRID: [[u8; 6]; 12] = [
    [b'a', 0xB5, 0xB8, 0xB6, 0xB7, 0xB9],
    [0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6],
    [0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB],
    [b'e', 0xCC, 0xD0, 0xCE, 0xCF, 0xD1],
    [0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6],
    [b'i', 0xD7, 0xDD, 0xD8, 0xDC, 0xDE],
    [b'o', 0xDF, 0xE3, 0xE1, 0xE2, 0xE4],
    [0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9],
    [0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE],
    [b'u', 0xEF, 0xF3, 0xF1, 0xF2, 0xF4],
    [0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9],
    [b'y', 0xFA, 0xFD, 0xFB, 0xFC, 0xFE],
];

/// TCVN3 bytes of a text. Upper-case toned letters have no code: they are
/// written with the lower-case code (an upper-case font drew them).
pub fn tcvn3_bytes(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        let b = match c {
            'Ă' => 0xA1,
            'Â' => 0xA2,
            'Ê' => 0xA3,
            'Ô' => 0xA4,
            'Ơ' => 0xA5,
            'Ư' => 0xA6,
            'Đ' => 0xA7,
            'đ' => 0xAE,
            c if c.is_ascii() => c as u8,
            c => {
                let (r, t) = locate(low(c)).expect("Vietnamese letter");
                let b = TCVN3_GRID[r][t];
                if b.is_ascii() {
                    c.to_ascii_uppercase() as u8
                } else {
                    b
                }
            }
        };
        out.push(b);
    }
    out
}

/// Bytes read as Windows-1252/Latin-1 (A0..FF are the same code points).
pub fn latin1(b: &[u8]) -> String {
    b.iter().map(|&b| b as char).collect()
}

/// VNI: base letter, then one mark byte, per grid cell ("" = none).
const VNI_GRID: [[&str; 6]; 12] = [
    ["a", "aø", "aù", "aû", "aõ", "aï"],
    ["aê", "aè", "aé", "aú", "aü", "aë"],
    ["aâ", "aà", "aá", "aå", "aã", "aä"],
    ["e", "eø", "eù", "eû", "eõ", "eï"],
    ["eâ", "eà", "eá", "eå", "eã", "eä"],
    ["i", "ì", "í", "æ", "ó", "ò"],
    ["o", "oø", "où", "oû", "oõ", "oï"],
    ["oâ", "oà", "oá", "oå", "oã", "oä"],
    ["ô", "ôø", "ôù", "ôû", "ôõ", "ôï"],
    ["u", "uø", "uù", "uû", "uõ", "uï"],
    ["ö", "öø", "öù", "öû", "öõ", "öï"],
    ["y", "yø", "yù", "yû", "yõ", "î"],
];

/// VNI text as Windows-1252 characters (upper case: every byte upper case).
pub fn vni(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let seq: String = match c {
            'đ' => "ñ".into(),
            'Đ' => "Ñ".into(),
            c if c.is_ascii() => c.to_string(),
            c => {
                let (r, t) = locate(low(c)).expect("Vietnamese letter");
                VNI_GRID[r][t].to_string()
            }
        };
        if c.is_uppercase() {
            out.extend(seq.chars().flat_map(char::to_uppercase));
        } else {
            out.push_str(&seq);
        }
    }
    out
}

/// Windows-1258: the base letter's byte, then a combining tone byte.
pub fn cp1258_bytes(s: &str) -> Vec<u8> {
    const TONE: [u8; 6] = [0, 0xCC, 0xEC, 0xD2, 0xDE, 0xF2];
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        if c == 'đ' || c == 'Đ' {
            out.push(if c == 'đ' { 0xF0 } else { 0xD0 });
            continue;
        }
        let (r, t) = locate(low(c)).expect("Vietnamese letter");
        let up = c.is_uppercase();
        let base: u8 = match (r, up) {
            (0, _) => b'a',
            (1, false) => 0xE3,
            (1, true) => 0xC3,
            (2, false) => 0xE2,
            (2, true) => 0xC2,
            (3, _) => b'e',
            (4, false) => 0xEA,
            (4, true) => 0xCA,
            (5, _) => b'i',
            (6, _) => b'o',
            (7, false) => 0xF4,
            (7, true) => 0xD4,
            (8, false) => 0xF5,
            (8, true) => 0xD5,
            (9, _) => b'u',
            (10, false) => 0xFD,
            (10, true) => 0xDD,
            _ => b'y',
        };
        out.push(if up && base.is_ascii() {
            base.to_ascii_uppercase()
        } else {
            base
        });
        if t > 0 {
            out.push(TONE[t]);
        }
    }
    out
}

/// Windows-1252 characters for 0x80..0x9F; the five undefined bytes come
/// back as the C1 control of the same number (what Windows does).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// UTF-8 bytes of the text read as Windows-1252: the mojibake form.
pub fn mojibake(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
            b => b as char,
        })
        .collect()
}
