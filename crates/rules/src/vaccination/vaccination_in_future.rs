use crate::vaccination::vaccination_date_invalid::vaccination_date;
use crate::*;

pub static RULE: Rule = Rule {
    code: "VAC003",
    name: "vaccination-in-future",
    pillar: Pillar::Dung,
    category: Category::EventInfo,
    severity: Severity::Error,
    label_vi: "Ngày tiêm ở tương lai",
    label_en: "Vaccination date in the future",
    doc: r#"## What it does
Flags vaccination dates after the run date (`--today`, default the system date).

## Why is this bad?
A dose cannot be recorded before it is given: the year was mistyped.

## Example
| Ngày tiêm | finding |
|---|---|
| `15/08/2031` | VAC003 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày tiêm sau ngày chạy kiểm tra (`--today`, mặc định là ngày của máy).

## Vì sao cần sửa
Không thể ghi nhận mũi tiêm trước khi tiêm: năm đã bị gõ nhầm.

## Ví dụ
| Ngày tiêm | kết quả |
|---|---|
| `15/08/2031` | VAC003 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if vaccination_date(ctx).is_some_and(|v| v > ctx.today) {
        ctx.emit(
            out,
            &RULE,
            Field::VaccinationDate,
            ctx.t(
                "Ngày tiêm sau ngày hiện tại".into(),
                "Vaccination date is after today".into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn future() {
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày tiêm", "24/11/2026")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[("Ngày tiêm", "23/11/2026")]), &RULE).is_empty());
    }
}
