use crate::*;
use lamsach_reference::{DobClass, Lookup};

pub static RULE: Rule = Rule {
    code: "REF009",
    name: "dob-year-only",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Info,
    label_vi: "Chỉ có năm sinh, chưa đối chiếu được ngày sinh đầy đủ",
    label_en: "Only the year of birth to compare",
    doc: r#"## What it does
With `--reference`, flags dates of birth where one side (the export or the
population database) has only the year (or month and year) and the years
agree.

## Why is this bad?
Nothing contradicts, but the record cannot be verified: when the export has
only the year, complete it from the database (the message gives the full
date); when the database has only the year, the full date in the export
cannot be confirmed.

## Example
| Ngày sinh | CSDL dân cư | finding |
|---|---|---|
| 1990 | 12/05/1990 | REF009 |
| 12/05/1945 | 1945 | REF009 |
| 1989 | 12/05/1990 | REF011 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo ngày sinh mà một bên (tệp xuất hoặc CSDL dân cư) chỉ
có năm (hoặc tháng và năm) và năm sinh hai bên khớp nhau.

## Vì sao cần sửa
Không có gì mâu thuẫn, nhưng bản ghi chưa xác thực được: khi tệp xuất chỉ có
năm, hãy bổ sung từ CSDL (thông báo nêu ngày sinh đầy đủ); khi CSDL chỉ có năm,
ngày sinh đầy đủ trong tệp xuất chưa thể xác nhận.

## Ví dụ
| Ngày sinh | CSDL dân cư | kết quả |
|---|---|---|
| 1990 | 12/05/1990 | REF009 |
| 12/05/1945 | 1945 | REF009 |
| 1989 | 12/05/1990 | REF011 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::Found(m) = lk {
        if let DobClass::YearOnly { export_partial } = m.dob {
            let r = m.person.dob.show();
            let msg = if export_partial {
                ctx.t(
                    format!("Chỉ có năm sinh; CSDL dân cư: {r} — bổ sung ngày, tháng"),
                    format!("Only the year of birth; population database: {r} — complete the date"),
                )
            } else {
                ctx.t(
                    format!("CSDL dân cư chỉ có năm sinh ({r}): chưa xác thực được ngày, tháng"),
                    format!("The population database has only the year ({r}): day and month not verified"),
                )
            };
            ctx.emit(out, &RULE, Field::Dob, msg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn year_only() {
        let m = run_ref("vaccination", &vacc(&[("Ngày sinh", "1990")]), &RULE);
        assert_eq!(
            m,
            ["Chỉ có năm sinh; CSDL dân cư: 12/05/1990 — bổ sung ngày, tháng"]
        );
        let old = vacc(&[
            ("Họ và tên", "Lê Văn Cụ"),
            ("Ngày sinh", "02/09/1945"),
            ("Giới tính", "Nam"),
            ("Số CCCD", "001945000111"),
        ]);
        let (m, verified) = run_ref_verified("vaccination", &old, &RULE);
        assert!(
            m[0].starts_with("CSDL dân cư chỉ có năm sinh (1945)"),
            "{m:?}"
        );
        assert!(!verified);
        assert!(run_ref("vaccination", &vacc(&[("Ngày sinh", "1989")]), &RULE).is_empty());
    }
}
