use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::{has_bad_spacing, Issue};

pub static RULE: Rule = Rule {
    code: "TXT007",
    name: "text-bad-spacing",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Info,
    label_vi: "Khoảng trắng không chuẩn (khoảng trắng kép, không ngắt)",
    label_en: "Non-standard spacing (doubled or non-breaking spaces)",
    doc: r#"## What it does
Finds text cells with doubled spaces between words or with non-breaking and
other non-ASCII spaces (often pasted from Word or a web page). The repair
uses single ASCII spaces and trims the ends. Spaces only at the ends are
not reported (Excel exports are full of them) but `lamsach fix` trims them.

## Why is this bad?
`Nguyễn  Văn An` and `Nguyễn Văn An` are the same person but not the same
string: matching and duplicate detection need one form.

## Example
| Họ và tên | message |
|---|---|
| `Nguyễn  Văn An` | khoảng trắng không chuẩn; sửa thành «Nguyễn Văn An» |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các ô chữ có khoảng trắng kép giữa các từ, hoặc có khoảng trắng không ngắt
và các loại khoảng trắng không phải ASCII khác (thường do dán từ Word hoặc
trang web). Cách sửa là dùng một dấu cách ASCII và cắt khoảng trắng ở hai đầu.
Khoảng trắng chỉ ở hai đầu thì không bị báo (tệp xuất từ Excel có rất nhiều)
nhưng `lamsach fix` vẫn cắt bỏ.

## Vì sao cần sửa
`Nguyễn  Văn An` và `Nguyễn Văn An` là cùng một người nhưng không phải cùng một
chuỗi: việc đối chiếu và phát hiện trùng cần một dạng viết duy nhất.

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `Nguyễn  Văn An` | khoảng trắng không chuẩn; sửa thành «Nguyễn Văn An» |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(
        ctx,
        out,
        &RULE,
        Issue::Spacing,
        Some(has_bad_spacing),
        |c| {
            ctx.t(
                format!("Khoảng trắng không chuẩn; sửa thành «{}»", c.fixed),
                format!("Non-standard spacing; repaired: «{}»", c.fixed),
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn finds_and_repairs() {
        let m = run(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyễn  Văn\u{A0}An")]),
            &RULE,
        );
        assert_eq!(m, ["Khoảng trắng không chuẩn; sửa thành «Nguyễn Văn An»"]);
        assert!(run(
            "vaccination",
            &vacc(&[("Họ và tên", " Nguyễn Văn An ")]),
            &RULE
        )
        .is_empty());
    }
}
