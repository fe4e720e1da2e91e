use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF006",
    name: "name-part-missing",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Họ tên thiếu hoặc thừa chữ",
    label_en: "Name has a word missing or extra",
    doc: r#"## What it does
With `--reference`, flags names whose words (compared without case or
diacritics) are the population database's name with words left out or
added, keeping the given name (`Nguyễn Ánh` for `Nguyễn Thị Ánh`).

## Why is this bad?
The middle name is often dropped on forms, or a second given name added.
The person is probably right; the record must carry the full registered name.

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Nguyễn Ánh | Nguyễn Thị Ánh | REF006 |
| Nguyễn Thị | Nguyễn Thị Ánh | REF007 (the given name is missing) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên mà các chữ (so sánh không phân biệt hoa thường
hay dấu) là họ tên trong CSDL dân cư bị bớt hoặc thêm chữ, nhưng vẫn giữ tên
(`Nguyễn Ánh` thay cho `Nguyễn Thị Ánh`).

## Vì sao cần sửa
Tên đệm hay bị bỏ trên các biểu mẫu, hoặc bị thêm một tên thứ hai. Người nhiều
khả năng là đúng; bản ghi phải mang đầy đủ họ tên đã đăng ký.

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Nguyễn Ánh | Nguyễn Thị Ánh | REF006 |
| Nguyễn Thị | Nguyễn Thị Ánh | REF007 (thiếu tên) |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::PartMissing, |r| {
        (
            format!("Họ tên thiếu hoặc thừa chữ; CSDL dân cư: {r}"),
            format!("Name has a word missing or extra; population database: {r}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn part_missing() {
        let m = run_ref("vaccination", &vacc(&[("Họ và tên", "Nguyễn Lan")]), &RULE);
        assert_eq!(
            m,
            ["Họ tên thiếu hoặc thừa chữ; CSDL dân cư: Nguyễn Thị Lan"]
        );
        assert_eq!(
            run_ref(
                "vaccination",
                &vacc(&[("Họ và tên", "Nguyễn Thị Ngọc Lan")]),
                &RULE
            )
            .len(),
            1
        );
        assert!(run_ref("vaccination", &vacc(&[("Họ và tên", "Nguyễn Thị")]), &RULE).is_empty());
    }
}
