use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF007",
    name: "name-of-another-person",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Error,
    label_vi: "Họ tên khác hẳn CSDL dân cư",
    label_en: "Name of another person",
    doc: r#"## What it does
With `--reference`, flags names that differ from the population database's
name for the row's ID by more than diacritics, word order, a missing word or
a small typo: another given name, another family name.

## Why is this bad?
The ID most likely belongs to someone else (a relative's number, a number
copied from the row above). Every other field checked against that ID is
then checked against the wrong person. Find the person's own ID.

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Trần Văn Ánh | Nguyễn Thị Ánh | REF007 |
| Nguyễn Thị Lan | Nguyễn Thị Ánh | REF007 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên khác với họ tên trong CSDL dân cư của số định
danh trên dòng, khác nhiều hơn mức dấu, thứ tự từ, thiếu một chữ hay lỗi gõ
nhỏ: khác tên, khác họ.

## Vì sao cần sửa
Số định danh nhiều khả năng là của người khác (số của người thân, số chép từ
dòng trên). Khi đó mọi trường khác đối chiếu theo số định danh này đều đang
được đối chiếu với nhầm người. Cần tìm đúng số định danh của người đó.

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Trần Văn Ánh | Nguyễn Thị Ánh | REF007 |
| Nguyễn Thị Lan | Nguyễn Thị Ánh | REF007 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::Different, |r| {
        (
            format!("Họ tên khác hẳn CSDL dân cư ({r}): số định danh có thể của người khác"),
            format!(
                "Name differs from the population database ({r}): the ID may be someone else's"
            ),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn another_person() {
        let m = run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Trần Văn Lan")]),
            &RULE,
        );
        assert_eq!(
            m,
            ["Họ tên khác hẳn CSDL dân cư (Nguyễn Thị Lan): số định danh có thể của người khác"]
        );
        assert_eq!(
            run_ref(
                "vaccination",
                &vacc(&[("Họ và tên", "Nguyễn Thị Ánh")]),
                &RULE
            )
            .len(),
            1
        );
        assert!(run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyen Thi Lan")]),
            &RULE
        )
        .is_empty());
        // empty name: NAME001 reports it, nothing to compare
        assert!(run_ref("vaccination", &vacc(&[("Họ và tên", "")]), &RULE).is_empty());
    }
}
