use crate::*;
use lamsach_reference::{DobClass, Lookup};

pub static RULE: Rule = Rule {
    code: "REF008",
    name: "dob-day-month-swapped",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Ngày sinh bị đảo ngày và tháng",
    label_en: "Date of birth with day and month swapped",
    doc: r#"## What it does
With `--reference`, flags dates of birth whose day and month are the
population database's month and day, in the same year.

## Why is this bad?
The date was typed or read as mm/dd/yyyy (Excel in an English locale does
this silently). The person is right; the date is not.

## Example
| Ngày sinh | CSDL dân cư | finding |
|---|---|---|
| 05/12/1990 | 12/05/1990 | REF008 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo ngày sinh có ngày và tháng lần lượt là tháng và ngày
trong CSDL dân cư, cùng năm.

## Vì sao cần sửa
Ngày sinh đã được gõ hoặc đọc theo kiểu mm/dd/yyyy (Excel cài đặt vùng tiếng
Anh tự làm việc này mà không báo). Người thì đúng; ngày sinh thì sai.

## Ví dụ
| Ngày sinh | CSDL dân cư | kết quả |
|---|---|---|
| 05/12/1990 | 12/05/1990 | REF008 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::Found(m) = lk {
        if m.dob == DobClass::Swapped {
            let r = m.person.dob.show();
            ctx.emit(
                out,
                &RULE,
                Field::Dob,
                ctx.t(
                    format!("Ngày sinh bị đảo ngày và tháng; CSDL dân cư: {r}"),
                    format!("Day and month of birth swapped; population database: {r}"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn swapped() {
        let m = run_ref("vaccination", &vacc(&[("Ngày sinh", "05/12/1990")]), &RULE);
        assert_eq!(
            m,
            ["Ngày sinh bị đảo ngày và tháng; CSDL dân cư: 12/05/1990"]
        );
        assert!(run_ref("vaccination", &vacc(&[("Ngày sinh", "05/12/1991")]), &RULE).is_empty());
        // written month first, so impossible as dd/mm (DOB003 reports that too)
        let chau = |dob| {
            vacc(&[
                ("Họ và tên", "Phạm Minh Châu"),
                ("Ngày sinh", dob),
                ("Số CCCD", "001305001234"),
                ("Ngày tiêm", "01/01/2023"),
            ])
        };
        let m = run_ref("vaccination", &chau("02/20/2005"), &RULE);
        assert_eq!(
            m,
            ["Ngày sinh bị đảo ngày và tháng; CSDL dân cư: 20/02/2005"]
        );
        assert_eq!(run_ref("vaccination", &chau("2/20/2005"), &RULE).len(), 1);
        assert!(run_ref("vaccination", &chau("02/21/2005"), &RULE).is_empty());
        assert!(run_ref("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
