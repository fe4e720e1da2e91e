use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB002",
    name: "dob-unparseable",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Ngày sinh không đúng định dạng",
    label_en: "Date of birth not a date",
    doc: r#"## What it does
Flags dates of birth that are not in any recognised form. Recognised:
`dd/mm/yyyy`, `d/m/yyyy` (also with `-` or `.`), `yyyy-mm-dd`, `yyyymmdd`,
Excel serial numbers, year only (`1945`), month/year (`03/1945`), with or
without a time part.

## Why is this bad?
An unreadable date cannot be compared with the population database.

## Example
| Ngày sinh | finding |
|---|---|
| `12/5/85` | DOB002 (two-digit year) |
| `không rõ` | DOB002 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày sinh không thuộc dạng nào đọc được. Các dạng đọc được: `dd/mm/yyyy`,
`d/m/yyyy` (cả với dấu `-` hoặc `.`), `yyyy-mm-dd`, `yyyymmdd`, số ngày kiểu
Excel, chỉ có năm (`1945`), tháng/năm (`03/1945`), có hoặc không kèm giờ.

## Vì sao cần sửa
Ngày sinh không đọc được thì không so sánh được với CSDL dân cư.

## Ví dụ
| Ngày sinh | kết quả |
|---|---|
| `12/5/85` | DOB002 (năm chỉ có hai chữ số) |
| `không rõ` | DOB002 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.dob == DateValue::Unparseable {
        ctx.emit(
            out,
            &RULE,
            Field::Dob,
            ctx.t(
                "Ngày sinh không đọc được (cần dạng ngày/tháng/năm, năm 4 chữ số)".into(),
                "Date of birth is not a date (expected dd/mm/yyyy with a 4-digit year)".into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn garbage_dates() {
        for v in ["12/5/85", "không rõ", "1/2/3/4"] {
            assert_eq!(
                run("vaccination", &vacc(&[("Ngày sinh", v)]), &RULE).len(),
                1,
                "{v}"
            );
        }
        for v in ["12/05/1990", "1990-05-12", "32940", "1990"] {
            assert!(
                run("vaccination", &vacc(&[("Ngày sinh", v)]), &RULE).is_empty(),
                "{v}"
            );
        }
    }
}
