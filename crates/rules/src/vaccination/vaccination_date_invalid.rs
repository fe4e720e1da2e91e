use crate::*;

pub static RULE: Rule = Rule {
    code: "VAC001",
    name: "vaccination-date-invalid",
    pillar: Pillar::Dung,
    category: Category::EventInfo,
    severity: Severity::Error,
    label_vi: "Ngày tiêm không hợp lệ",
    label_en: "Vaccination date invalid",
    doc: r#"## What it does
Flags vaccination dates that are not a full, real date: unreadable, no such
day (`31/04/2021`), or only a year or month. Formats as for the date of birth.
An empty date is FLD001.

## Why is this bad?
A dose without its date cannot be counted in the schedule or compared with
the date of birth.

## Example
| Ngày tiêm | finding |
|---|---|
| `31/04/2021` | VAC001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày tiêm không phải là một ngày đầy đủ và có thật: không đọc được, không
có ngày đó (`31/04/2021`), hoặc chỉ có năm hay tháng. Các định dạng đọc được
giống như với ngày sinh. Ngày tiêm để trống thuộc FLD001.

## Vì sao cần sửa
Mũi tiêm không có ngày thì không tính được vào lịch tiêm, cũng không so sánh
được với ngày sinh.

## Ví dụ
| Ngày tiêm | kết quả |
|---|---|
| `31/04/2021` | VAC001 |
"#,
    check: Check::Row(check),
};

/// The vaccination date when it is a full, real date.
pub fn vaccination_date(ctx: &RowCtx) -> Option<chrono::NaiveDate> {
    match ctx.vaccination_date {
        DateValue::Full(d) => Some(d),
        _ => None,
    }
}

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let reason = match ctx.vaccination_date {
        DateValue::Missing | DateValue::Full(_) => return,
        DateValue::Partial { .. } => ("thiếu ngày/tháng", "day or month missing"),
        DateValue::Impossible { .. } => ("ngày không tồn tại", "no such day"),
        DateValue::Unparseable => ("không đọc được", "not a date"),
    };
    ctx.emit(
        out,
        &RULE,
        Field::VaccinationDate,
        ctx.t(
            format!("Ngày tiêm {}", reason.0),
            format!("Vaccination date: {}", reason.1),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn dates() {
        for v in ["31/04/2021", "2021", "abc"] {
            assert_eq!(
                run("vaccination", &vacc(&[("Ngày tiêm", v)]), &RULE).len(),
                1,
                "{v}"
            );
        }
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
        assert!(run("vaccination", &vacc(&[("Ngày tiêm", "")]), &RULE).is_empty());
    }
}
