use crate::*;
use lamsach_model::parse::id::IdStructure;

pub static RULE: Rule = Rule {
    code: "ID007",
    name: "id-century-mismatch",
    pillar: Pillar::Dung,
    category: Category::IdStructure,
    severity: Severity::Error,
    label_vi: "Sai cấu trúc số định danh: mã thế kỷ không khớp năm sinh",
    label_en: "ID structure: century digit contradicts the birth year",
    doc: r#"## What it does
The 4th digit of a 12-digit ID encodes the century of birth: 0/1 for
1900–1999, 2/3 for 2000–2099, 4/5 for the 2100s. Flags rows where it
contradicts the row's date (or year) of birth.

## Why is this bad?
Either the date of birth or the ID is wrong. Reports count these as
"Sai cấu trúc số định danh cá nhân".

## Example
| Ngày sinh | Số CCCD | finding |
|---|---|---|
| 12/05/2005 | `001105012345` (1 = 1900s) | ID007 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Chữ số thứ 4 của số định danh 12 số mã hóa thế kỷ sinh: 0/1 cho 1900–1999, 2/3
cho 2000–2099, 4/5 cho thế kỷ 22 (2100–2199). Báo các dòng mà chữ số này mâu
thuẫn với ngày sinh (hoặc năm sinh) của dòng.

## Vì sao cần sửa
Hoặc ngày sinh sai, hoặc số định danh sai. Báo cáo tính các trường hợp này là
"Sai cấu trúc số định danh cá nhân".

## Ví dụ
| Ngày sinh | Số CCCD | kết quả |
|---|---|---|
| 12/05/2005 | `001105012345` (1 = thế kỷ 20) | ID007 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let (IdValue::Cccd(d), Some(year)) = (&ctx.id, ctx.dob.year()) {
        let s = IdStructure::of(d);
        let born = year - year.rem_euclid(100);
        if s.century != born {
            ctx.emit(
                out,
                &RULE,
                Field::Id,
                ctx.t(
                    format!(
                        "Chữ số thứ 4 ({}) chỉ thế kỷ {}–{}, nhưng năm sinh là {year}",
                        d[3] as char,
                        s.century,
                        s.century + 99
                    ),
                    format!(
                        "4th digit ({}) means born {}–{}, but the birth year is {year}",
                        d[3] as char,
                        s.century,
                        s.century + 99
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
    fn century() {
        let m = run(
            "vaccination",
            &vacc(&[("Ngày sinh", "12/05/2090"), ("Số CCCD", "001190012345")]),
            &RULE,
        );
        assert_eq!(m.len(), 1);
        let m = run(
            "vaccination",
            &vacc(&[("Ngày sinh", "2090"), ("Số CCCD", "001190012345")]),
            &RULE,
        );
        assert_eq!(m.len(), 1, "year-only births are checked too");
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
