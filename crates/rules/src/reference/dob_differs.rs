use crate::*;
use lamsach_reference::{DobClass, Lookup};

pub static RULE: Rule = Rule {
    code: "REF011",
    name: "dob-differs",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Error,
    label_vi: "Ngày sinh khác CSDL dân cư",
    label_en: "Date of birth differs from the population database",
    doc: r#"## What it does
With `--reference`, flags dates of birth that differ from the population
database's in the year, or by more than `near_days` days, and are not a
day/month swap.

## Why is this bad?
A different year of birth is rarely a typo of the same person's date: the
record may describe someone else under this ID, or the year was entered
wrongly (age-based vaccination or benefits then go wrong too).

## Example
| Ngày sinh | CSDL dân cư | finding |
|---|---|---|
| 12/05/1991 | 12/05/1990 | REF011 (year) |
| 12/08/1990 | 12/05/1990 | REF011 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo ngày sinh khác với CSDL dân cư về năm, hoặc lệch quá
`near_days` ngày, và không phải do đảo ngày/tháng.

## Vì sao cần sửa
Năm sinh khác hiếm khi là lỗi gõ ngày sinh của cùng một người: bản ghi có thể
đang mô tả một người khác dưới số định danh này, hoặc năm sinh bị nhập sai (khi
đó việc tiêm chủng hay chế độ theo độ tuổi cũng sai theo).

## Ví dụ
| Ngày sinh | CSDL dân cư | kết quả |
|---|---|---|
| 12/05/1991 | 12/05/1990 | REF011 (năm) |
| 12/08/1990 | 12/05/1990 | REF011 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::Found(m) = lk {
        if let DobClass::Different { year } = m.dob {
            let r = m.person.dob.show();
            let msg = if year {
                ctx.t(
                    format!("Năm sinh khác CSDL dân cư ({r})"),
                    format!("Year of birth differs from the population database ({r})"),
                )
            } else {
                ctx.t(
                    format!("Ngày sinh khác CSDL dân cư ({r})"),
                    format!("Date of birth differs from the population database ({r})"),
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
    fn differs() {
        let m = run_ref("vaccination", &vacc(&[("Ngày sinh", "12/05/1991")]), &RULE);
        assert_eq!(m, ["Năm sinh khác CSDL dân cư (12/05/1990)"]);
        let m = run_ref("vaccination", &vacc(&[("Ngày sinh", "12/08/1990")]), &RULE);
        assert_eq!(m, ["Ngày sinh khác CSDL dân cư (12/05/1990)"]);
        assert_eq!(
            run_ref("vaccination", &vacc(&[("Ngày sinh", "1991")]), &RULE).len(),
            1
        );
        assert!(run_ref("vaccination", &vacc(&[("Ngày sinh", "13/05/1990")]), &RULE).is_empty());
        // not a date: DOB002 reports it, nothing to compare
        assert!(run_ref("vaccination", &vacc(&[("Ngày sinh", "abc")]), &RULE).is_empty());
    }
}
