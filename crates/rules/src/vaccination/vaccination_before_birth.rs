use crate::vaccination::vaccination_date_invalid::vaccination_date;
use crate::*;

pub static RULE: Rule = Rule {
    code: "VAC002",
    name: "vaccination-before-birth",
    pillar: Pillar::Dung,
    category: Category::EventInfo,
    severity: Severity::Error,
    label_vi: "Ngày tiêm trước ngày sinh",
    label_en: "Vaccinated before birth",
    doc: r#"## What it does
Flags rows whose vaccination date is before the date of birth.

## Why is this bad?
Impossible: one of the two dates is wrong (often the birth year, or day and
month swapped).

## Example
| Ngày sinh | Ngày tiêm | finding |
|---|---|---|
| 12/05/2021 | 15/08/2020 | VAC002 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có ngày tiêm trước ngày sinh.

## Vì sao cần sửa
Điều này không thể xảy ra: một trong hai ngày bị sai (thường là năm sinh, hoặc
ngày và tháng bị đảo).

## Ví dụ
| Ngày sinh | Ngày tiêm | kết quả |
|---|---|---|
| 12/05/2021 | 15/08/2020 | VAC002 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let (Some(v), DateValue::Full(b)) = (vaccination_date(ctx), ctx.dob) {
        if v < b {
            ctx.emit(
                out,
                &RULE,
                Field::VaccinationDate,
                ctx.t(
                    format!("Ngày tiêm trước ngày sinh ({})", b.format("%d/%m/%Y")),
                    format!(
                        "Vaccination date is before the date of birth ({})",
                        b.format("%d/%m/%Y")
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
    fn before_birth() {
        let m = run("vaccination", &vacc(&[("Ngày tiêm", "11/05/1990")]), &RULE);
        assert!(m[0].contains("12/05/1990"), "{m:?}");
        assert!(run("vaccination", &vacc(&[("Ngày tiêm", "12/05/1990")]), &RULE).is_empty());
    }
}
