use crate::insurance::bhyt_card_invalid::bhxh_of_card;
use crate::*;

pub static RULE: Rule = Rule {
    code: "INS003",
    name: "bhyt-bhxh-mismatch",
    pillar: Pillar::Dung,
    category: Category::Insurance,
    severity: Severity::Error,
    label_vi: "Số thẻ BHYT không khớp mã số BHXH",
    label_en: "BHYT card does not match the BHXH code",
    doc: r#"## What it does
The last 10 characters of a BHYT card number are the holder's BHXH code.
Flags rows where a well-formed card and a well-formed 10-digit BHXH code are
both present and differ.

## Why is this bad?
One of the two belongs to someone else, or was mistyped.

## Example
| Mã số BHXH | Số thẻ BHYT | finding |
|---|---|---|
| `0123456789` | `DN4790123456780` | INS003 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
10 ký tự cuối của số thẻ BHYT là mã số BHXH của người có thẻ. Báo các dòng có
cả số thẻ đúng định dạng và mã số BHXH 10 chữ số đúng định dạng nhưng hai giá
trị này khác nhau.

## Vì sao cần sửa
Một trong hai giá trị là của người khác, hoặc đã bị gõ nhầm.

## Ví dụ
| Mã số BHXH | Số thẻ BHYT | kết quả |
|---|---|---|
| `0123456789` | `DN4790123456780` | INS003 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let (Some(code), Some(card)) = (ctx.get(Field::BhxhCode), ctx.get(Field::BhytCard)) else {
        return;
    };
    if code.len() != 10 || !lamsach_model::parse::all_digits(code) {
        return;
    }
    if let Some(inner) = bhxh_of_card(card) {
        if inner != code {
            ctx.emit(
                out,
                &RULE,
                Field::BhytCard,
                ctx.t(
                    format!("10 số cuối thẻ BHYT ({inner}) khác mã số BHXH ({code})"),
                    format!("Last 10 digits of the BHYT card ({inner}) differ from the BHXH code ({code})"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(code: &str, card: &str) -> Vec<String> {
        run(
            "bhxh",
            &[("Mã số BHXH", code), ("Số thẻ BHYT", card)],
            &RULE,
        )
    }

    #[test]
    fn mismatch() {
        assert_eq!(m("0123456789", "DN4790123456780").len(), 1);
        assert!(m("0123456789", "DN4790123456789").is_empty());
        assert!(m("0123456789", "0123456789").is_empty());
        assert!(
            m("012345678", "DN4790123456780").is_empty(),
            "bad code is INS001's"
        );
    }
}
