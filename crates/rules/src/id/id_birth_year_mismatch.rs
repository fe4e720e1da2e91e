use crate::*;
use lamsach_model::parse::id::IdStructure;

pub static RULE: Rule = Rule {
    code: "ID008",
    name: "id-birth-year-mismatch",
    pillar: Pillar::Dung,
    category: Category::IdStructure,
    severity: Severity::Error,
    label_vi: "Sai cấu trúc số định danh: mã năm sinh không khớp",
    label_en: "ID structure: year digits contradict the birth year",
    doc: r#"## What it does
Digits 5–6 of a 12-digit ID are the last two digits of the birth year. Flags
rows where they differ from the row's date (or year) of birth.

## Why is this bad?
Either the date of birth or the ID is wrong, or the ID is someone else's.
Reports count these as "Sai cấu trúc số định danh cá nhân".

## Example
| Ngày sinh | Số CCCD | finding |
|---|---|---|
| 12/05/1990 | `001191012345` (91) | ID008 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Chữ số thứ 5–6 của số định danh 12 số là hai chữ số cuối của năm sinh. Báo các
dòng mà hai chữ số này khác với ngày sinh (hoặc năm sinh) của dòng.

## Vì sao cần sửa
Hoặc ngày sinh sai, hoặc số định danh sai, hoặc số định danh là của người khác.
Báo cáo tính các trường hợp này là "Sai cấu trúc số định danh cá nhân".

## Ví dụ
| Ngày sinh | Số CCCD | kết quả |
|---|---|---|
| 12/05/1990 | `001191012345` (91) | ID008 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let (IdValue::Cccd(d), Some(year)) = (&ctx.id, ctx.dob.year()) {
        let s = IdStructure::of(d);
        if s.year2 != year.rem_euclid(100) {
            ctx.emit(
                out,
                &RULE,
                Field::Id,
                ctx.t(
                    format!(
                        "Chữ số thứ 5–6 ({:02}) là năm sinh, nhưng năm sinh ghi là {year}",
                        s.year2
                    ),
                    format!(
                        "Digits 5–6 ({:02}) are the birth year, but the birth year is {year}",
                        s.year2
                    ),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn year_digits() {
        let m = run("vaccination", &vacc(&[("Số CCCD", "001191012345")]), &RULE);
        assert!(m[0].contains("(91)"), "{m:?}");
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
        assert!(run("vaccination", &vacc(&[("Ngày sinh", "")]), &RULE).is_empty());
    }
}
