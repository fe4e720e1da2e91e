use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT008",
    name: "text-broken-unrepairable",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Error,
    label_vi: "Lỗi font không tự sửa được",
    label_en: "Broken text that cannot be repaired with certainty",
    doc: r#"## What it does
Finds text cells that are clearly broken but for which no repair is certain:
double-encoded UTF-8 that lost a byte (`Ngá» ` could be Ngề, Ngọ, Ngỏ…),
characters no Vietnamese word has (`ª`, `µ`, `Þ`…) that neither the TCVN3
nor the VNI table turns into Vietnamese, or a value both tables decode
differently. The value is left unchanged by `lamsach fix`.

## Why is this bad?
The name matches nobody; it must be typed again from the source document.

## Example
| Họ và tên | message |
|---|---|
| `Ngá» Thá»‹ Lan` | lỗi font không tự sửa được, cần nhập lại |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các ô chữ rõ ràng bị lỗi font nhưng không có cách sửa nào chắc chắn: UTF-8
bị mã hóa hai lần và mất một byte (`Ngá» ` có thể là Ngề, Ngọ, Ngỏ…), ký tự
không có trong từ tiếng Việt nào (`ª`, `µ`, `Þ`…) mà cả bảng TCVN3 lẫn bảng VNI
đều không chuyển được thành tiếng Việt, hoặc giá trị mà hai bảng giải mã ra khác
nhau. `lamsach fix` giữ nguyên giá trị này.

## Vì sao cần sửa
Họ tên không khớp với ai; phải gõ lại từ giấy tờ gốc.

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `Ngá» Thá»‹ Lan` | lỗi font không tự sửa được, cần nhập lại |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Unsure, None, |_| {
        ctx.t(
            "Lỗi font không tự sửa được chắc chắn; cần nhập lại từ hồ sơ gốc".to_string(),
            "Broken text that cannot be repaired with certainty; retype it from the source"
                .to_string(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn reports_without_repair() {
        let m = run(
            "vaccination",
            &vacc(&[("Họ và tên", "Ngá» Thá»‹ Lan")]),
            &RULE,
        );
        assert_eq!(m.len(), 1);
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
