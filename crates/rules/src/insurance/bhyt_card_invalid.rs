use crate::*;
use lamsach_model::parse::all_digits;

pub static RULE: Rule = Rule {
    code: "INS002",
    name: "bhyt-card-invalid",
    pillar: Pillar::Dung,
    category: Category::Insurance,
    severity: Severity::Error,
    label_vi: "Số thẻ BHYT sai định dạng",
    label_en: "BHYT card number malformed",
    doc: r#"## What it does
A health insurance card number (số thẻ BHYT) is either 15 characters — two
letters (beneficiary group), one digit 1–5 (benefit level), two digits
(province), then the 10-digit BHXH code — or, on newer cards, the 10-digit
BHXH code alone. Flags anything else.

## Why is this bad?
A malformed card number cannot be verified, and the benefit level and BHXH code
cannot be read from it.

## Example
| Số thẻ BHYT | finding |
|---|---|
| `DN4790123456789` | — |
| `0123456789` | — |
| `DN479012345` | INS002 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Số thẻ bảo hiểm y tế (số thẻ BHYT) hoặc có 15 ký tự — hai chữ cái (nhóm đối
tượng), một chữ số từ 1 đến 5 (mức hưởng), hai chữ số (mã tỉnh), rồi đến mã số
BHXH 10 chữ số — hoặc, với thẻ mẫu mới, chỉ là mã số BHXH 10 chữ số. Báo mọi
giá trị khác.

## Vì sao cần sửa
Số thẻ sai định dạng thì không xác minh được, và không đọc được mức hưởng và
mã số BHXH từ đó.

## Ví dụ
| Số thẻ BHYT | kết quả |
|---|---|
| `DN4790123456789` | — |
| `0123456789` | — |
| `DN479012345` | INS002 |
"#,
    check: Check::Row(check),
};

/// The BHXH code inside a well-formed card number.
pub fn bhxh_of_card(card: &str) -> Option<&str> {
    let b = card.as_bytes();
    match b.len() {
        10 if all_digits(card) => Some(card),
        15 if b[0].is_ascii_alphabetic()
            && b[1].is_ascii_alphabetic()
            && (b'1'..=b'5').contains(&b[2])
            && all_digits(&card[3..]) =>
        {
            Some(&card[5..])
        }
        _ => None,
    }
}

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(v) = ctx.get(Field::BhytCard).filter(|v| !v.is_empty()) else {
        return;
    };
    if bhxh_of_card(v).is_none() {
        ctx.emit(
            out,
            &RULE,
            Field::BhytCard,
            ctx.t(
                format!(
                    "Số thẻ BHYT có {} ký tự, cần 15 (2 chữ + 13 số) hoặc 10 số",
                    v.chars().count()
                ),
                format!(
                    "BHYT card has {} characters; 15 (2 letters + 13 digits) or 10 digits expected",
                    v.chars().count()
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(v: &str) -> Vec<String> {
        run(
            "bhxh",
            &[("Họ tên", "Lê Văn Tám"), ("Số thẻ BHYT", v)],
            &RULE,
        )
    }

    #[test]
    fn cards() {
        assert!(m("DN4790123456789").is_empty());
        assert!(m("0123456789").is_empty());
        assert_eq!(m("DN479012345").len(), 1);
        assert_eq!(m("DN9790123456789").len(), 1, "benefit level 9");
        assert_eq!(m("1N4790123456789").len(), 1);
    }
}
