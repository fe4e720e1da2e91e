use crate::*;
use lamsach_reference::{DobClass, Lookup};

pub static RULE: Rule = Rule {
    code: "REF010",
    name: "dob-off-by-days",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Ngày sinh lệch vài ngày",
    label_en: "Date of birth off by a few days",
    doc: r#"## What it does
With `--reference`, flags dates of birth at most `near_days` days (in
`[matching]` of `rules/reference.toml`) from the population database's,
when it is not a day/month swap.

## Why is this bad?
A mistyped day (`21` for `12`, `15` for `05`) or a date taken from another
paper (baptism, school entry). The person is right; the date must be the
registered one.

## Example
| Ngày sinh | CSDL dân cư | finding |
|---|---|---|
| 15/05/1990 | 12/05/1990 | REF010 (3 days) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo ngày sinh lệch không quá `near_days` ngày (trong
`[matching]` của `rules/reference.toml`) so với CSDL dân cư, khi không phải do
đảo ngày/tháng.

## Vì sao cần sửa
Ngày bị gõ nhầm (`21` thay cho `12`, `15` thay cho `05`) hoặc ngày được lấy từ
một giấy tờ khác (giấy rửa tội, hồ sơ nhập học). Người thì đúng; ngày sinh phải
là ngày đã đăng ký.

## Ví dụ
| Ngày sinh | CSDL dân cư | kết quả |
|---|---|---|
| 15/05/1990 | 12/05/1990 | REF010 (3 ngày) |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::Found(m) = lk {
        if let DobClass::NearDays(n) = m.dob {
            let r = m.person.dob.show();
            let days = n.abs();
            ctx.emit(
                out,
                &RULE,
                Field::Dob,
                ctx.t(
                    format!("Ngày sinh lệch {days} ngày; CSDL dân cư: {r}"),
                    format!("Date of birth {days} day(s) off; population database: {r}"),
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
    fn near() {
        let m = run_ref("vaccination", &vacc(&[("Ngày sinh", "09/05/1990")]), &RULE);
        assert_eq!(m, ["Ngày sinh lệch 3 ngày; CSDL dân cư: 12/05/1990"]);
        assert!(run_ref("vaccination", &vacc(&[("Ngày sinh", "12/06/1990")]), &RULE).is_empty());
    }
}
