//! Vietnamese mobile numbers: 10 digits starting 03, 05, 07, 08 or 09 since
//! the 2018 renumbering; `+84`/`84` prefixes are accepted.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneValue {
    Missing,
    Valid,
    /// 9 digits starting 3/5/7/8/9: Excel dropped the leading zero.
    DroppedZero {
        padded: String,
    },
    /// 11 digits starting 01: a pre-2018 number.
    OldEleven,
    /// Landline: 10–11 digits starting 02.
    Landline,
    Malformed,
}

pub fn parse(value: &str) -> PhoneValue {
    let v = lamsach_text::trim(value);
    if v.is_empty() {
        return PhoneValue::Missing;
    }
    // fast path: already 10 plain digits
    let b = v.as_bytes();
    if b.len() == 10
        && b[0] == b'0'
        && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9')
        && b.iter().all(u8::is_ascii_digit)
    {
        return PhoneValue::Valid;
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')' | '+'))
    {
        return PhoneValue::Malformed;
    }
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let national = if v.starts_with('+') || (digits.starts_with("84") && digits.len() == 11) {
        match digits.strip_prefix("84") {
            Some(rest) => format!("0{rest}"),
            None => return PhoneValue::Malformed,
        }
    } else {
        digits
    };
    let b = national.as_bytes();
    match b.len() {
        10 if b[0] == b'0' && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9') => PhoneValue::Valid,
        10 | 11 if b[0] == b'0' && b[1] == b'2' => PhoneValue::Landline,
        11 if b[0] == b'0' && b[1] == b'1' => PhoneValue::OldEleven,
        9 if matches!(b[0], b'3' | b'5' | b'7' | b'8' | b'9') => PhoneValue::DroppedZero {
            padded: format!("0{national}"),
        },
        _ => PhoneValue::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(parse("0912345678"), PhoneValue::Valid);
        assert_eq!(parse("+84 912 345 678"), PhoneValue::Valid);
        assert_eq!(parse("84912345678"), PhoneValue::Valid);
        assert_eq!(parse("091.234.5678"), PhoneValue::Valid);
        assert_eq!(
            parse("912345678"),
            PhoneValue::DroppedZero {
                padded: "0912345678".into()
            }
        );
        assert_eq!(parse("01234567890"), PhoneValue::OldEleven);
        assert_eq!(parse("02513822123"), PhoneValue::Landline);
        assert_eq!(parse("0112345678"), PhoneValue::Malformed);
        assert_eq!(parse("09123"), PhoneValue::Malformed);
        assert_eq!(parse("không có"), PhoneValue::Malformed);
        assert_eq!(parse(""), PhoneValue::Missing);
    }
}
