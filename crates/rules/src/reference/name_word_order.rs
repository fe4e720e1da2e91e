use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF004",
    name: "name-word-order",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Họ tên sai thứ tự",
    label_en: "Name words in the wrong order",
    doc: r#"## What it does
With `--reference`, flags names that have the same words as the population
database's name (compared without case or diacritics) in another order.

## Why is this bad?
Usually the given name was put first (`Ánh Nguyễn Thị`), as foreign forms
ask, or family and given names were typed into the wrong columns and joined.
The person is right; the name must be written family name first.

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Ánh Nguyễn Thị | Nguyễn Thị Ánh | REF004 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên có cùng các chữ với họ tên trong CSDL dân cư
(so sánh không phân biệt hoa thường hay dấu) nhưng theo thứ tự khác.

## Vì sao cần sửa
Thường là tên bị đặt lên trước (`Ánh Nguyễn Thị`) như biểu mẫu nước ngoài yêu
cầu, hoặc họ và tên bị gõ vào nhầm cột rồi ghép lại. Người thì đúng; họ tên
phải được viết họ trước.

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Ánh Nguyễn Thị | Nguyễn Thị Ánh | REF004 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::WordOrder, |r| {
        (
            format!("Họ tên sai thứ tự các chữ; CSDL dân cư: {r}"),
            format!("Name words in another order; population database: {r}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn order() {
        let m = run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Lan Nguyễn Thị")]),
            &RULE,
        );
        assert_eq!(
            m,
            ["Họ tên sai thứ tự các chữ; CSDL dân cư: Nguyễn Thị Lan"]
        );
        assert!(
            run_ref(
                "vaccination",
                &vacc(&[("Họ và tên", "lan nguyen thi")]),
                &RULE
            )
            .len()
                == 1
        );
        assert!(run_ref("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
