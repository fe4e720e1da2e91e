use crate::*;
use unicode_normalization::char::is_combining_mark;

pub static RULE: Rule = Rule {
    code: "NAM002",
    name: "name-invalid",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Họ tên không hợp lệ",
    label_en: "Not a valid name",
    doc: r#"## What it does
Flags full names that cannot be a person's name: containing digits, containing
symbols other than space, hyphen, apostrophe or dot, or a single letter.

## Why is this bad?
A phone number, an ID or a stray character in the name column means the
columns were shifted or the name was never entered. Reports count these under
"Sai thông tin cá nhân (Họ tên, ngày tháng năm sinh…)".

## Example
| Họ và tên | finding |
|---|---|
| `Nguyễn Văn 2` | NAM002: chứa chữ số |
| `A` | NAM002: chỉ một chữ cái |
| `H'Hen Niê` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo họ tên không thể là tên người: có chữ số, có ký hiệu ngoài dấu cách, gạch
nối, dấu nháy đơn hoặc dấu chấm, hoặc chỉ có một chữ cái.

## Vì sao cần sửa
Số điện thoại, số định danh hay một ký tự lạc trong cột họ tên cho thấy các cột
đã bị lệch, hoặc họ tên chưa bao giờ được nhập. Báo cáo tính các trường hợp này
vào mục "Sai thông tin cá nhân (Họ tên, ngày tháng năm sinh…)".

## Ví dụ
| Họ và tên | kết quả |
|---|---|
| `Nguyễn Văn 2` | NAM002: chứa chữ số |
| `A` | NAM002: chỉ một chữ cái |
| `H'Hen Niê` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(name) = ctx.get(Field::FullName).filter(|n| !n.is_empty()) else {
        return;
    };
    let (mut digit, mut symbol, mut letters) = (false, false, 0usize);
    // ASCII bytes at once; the other characters one by one
    let b = name.as_bytes();
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x >= 0x80 {
            let Some(c) = name.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            if is_letter(c) {
                letters += 1;
            } else if !(c.is_whitespace() || is_combining_mark(c) || c == '’') {
                symbol = true;
            }
            continue;
        }
        i += 1;
        match x {
            b'0'..=b'9' => digit = true,
            b'a'..=b'z' | b'A'..=b'Z' => letters += 1,
            b'\t'..=b'\r' | b' ' | b'-' | b'\'' | b'.' => {}
            _ => symbol = true,
        }
    }
    #[cfg(test)]
    assert_eq!((digit, symbol, letters), scan_plain(name));
    let reason = if digit {
        Some(("chứa chữ số", "contains digits"))
    } else if symbol {
        Some(("chứa ký tự đặc biệt", "contains symbols"))
    } else if letters < 2 {
        Some(("chỉ có một chữ cái", "is a single letter"))
    } else {
        None
    };
    if let Some((vi, en)) = reason {
        ctx.emit(
            out,
            &RULE,
            Field::FullName,
            ctx.t(format!("Họ tên {vi}"), format!("Name {en}")),
        );
    }
}

/// Letters, with a fast path for ASCII and the Latin blocks Vietnamese uses.
/// The former per-character scan, which the byte scan must agree with.
#[cfg(test)]
fn scan_plain(name: &str) -> (bool, bool, usize) {
    let (mut digit, mut symbol, mut letters) = (false, false, 0usize);
    for c in name.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if is_letter(c) {
            letters += 1;
        } else if !(c.is_whitespace()
            || is_combining_mark(c)
            || matches!(c, '-' | '\'' | '.' | '’'))
        {
            symbol = true;
        }
    }
    (digit, symbol, letters)
}

fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\u{D7}' | '\u{F7}' => false,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        c if c.is_ascii() => false,
        c => c.is_alphabetic(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(v: &str) -> Vec<String> {
        run("vaccination", &vacc(&[("Họ và tên", v)]), &RULE)
    }

    #[test]
    fn byte_scan_agrees_with_char_scan() {
        let pool: Vec<char> = "aZ09 -'.’\t\u{B}\u{A0}\u{300}@#×÷ĐễƯΩЖア\u{1F600}\u{7F}\u{0}"
            .chars()
            .collect();
        let mut rng = fastrand::Rng::with_seed(4);
        for _ in 0..20_000 {
            let s: String = (0..rng.usize(1..10))
                .map(|_| pool[rng.usize(0..pool.len())])
                .collect();
            // check() asserts the agreement in test builds
            let _ = m(&s);
        }
    }

    #[test]
    fn names() {
        assert!(m("Nguyễn Văn 2")[0].contains("chữ số"));
        assert!(m("Nguyễn @Văn")[0].contains("ký tự đặc biệt"));
        assert!(m("A")[0].contains("một chữ cái"));
        assert!(m("H'Hen Niê").is_empty());
        assert!(m("NGUYEN THI LAN").is_empty());
        assert!(m("").is_empty(), "empty is NAM001's business");
    }
}
