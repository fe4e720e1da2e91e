use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT006",
    name: "text-control-chars",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Warning,
    label_vi: "Ký tự điều khiển/ẩn trong chữ",
    label_en: "Control or invisible characters in text",
    doc: r#"## What it does
Finds control characters (tab, line breaks, C0/C1 controls) and invisible
format characters (zero-width space, byte order mark) inside text cells. The
repair removes them (a tab or line break becomes a space).

## Why is this bad?
Invisible characters make equal names compare different and break exports
to other systems.

## Example
| Họ và tên | message |
|---|---|
| `Nguyễn\u200BLan` | ký tự ẩn; sửa thành «NguyễnLan» |
| `Lê⇥Hoa` (tab) | ký tự điều khiển; sửa thành «Lê Hoa» |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm ký tự điều khiển (tab, xuống dòng, ký tự điều khiển C0/C1) và ký tự định
dạng ẩn (khoảng trắng độ rộng 0, dấu thứ tự byte BOM) trong các ô chữ. Cách sửa
là xóa chúng (tab hoặc xuống dòng được thay bằng dấu cách).

## Vì sao cần sửa
Ký tự ẩn làm hai họ tên giống nhau bị so sánh thành khác nhau và làm hỏng việc
xuất dữ liệu sang hệ thống khác.

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `Nguyễn\u200BLan` | ký tự ẩn; sửa thành «NguyễnLan» |
| `Lê⇥Hoa` (tab) | ký tự điều khiển; sửa thành «Lê Hoa» |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Control, None, |c| {
        ctx.t(
            format!("Có ký tự điều khiển/ẩn; sửa thành «{}»", c.fixed),
            format!("Control or invisible characters; repaired: «{}»", c.fixed),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn finds_and_repairs() {
        let m = run(
            "vaccination",
            &vacc(&[("Họ và tên", "Lê\tThị\u{200B} Hoa")]),
            &RULE,
        );
        assert_eq!(m, ["Có ký tự điều khiển/ẩn; sửa thành «Lê Thị Hoa»"]);
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
