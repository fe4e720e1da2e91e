use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB005",
    name: "age-over-limit",
    pillar: Pillar::Song,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Tuổi quá cao (trên 120)",
    label_en: "Age over the limit (120)",
    doc: r#"## What it does
Flags people older than `[person] max_age_years` (120) on the run date.

## Why is this bad?
Such a record is either a typo in the year (`1890` for `1990`) or a person no
longer alive whose record was never closed (pillar sống).

## Example
| Ngày sinh | finding |
|---|---|
| `12/05/1890` | DOB005 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo những người có tuổi vượt quá `[person] max_age_years` (120) tính đến ngày chạy kiểm tra.

## Vì sao cần sửa
Bản ghi như vậy hoặc nhập sai năm sinh (`1890` thay cho `1990`), hoặc là người
đã mất nhưng bản ghi chưa được đóng (tiêu chí sống).

## Ví dụ
| Ngày sinh | kết quả |
|---|---|
| `12/05/1890` | DOB005 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let max = ctx.data.max_age_years;
    let age = match ctx.dob {
        DateValue::Full(d) => Some(date::age_on(d, ctx.today)),
        DateValue::Partial { year, .. } => Some(chrono::Datelike::year(&ctx.today) - year - 1),
        _ => None,
    };
    if let Some(age) = age.filter(|a| *a > max) {
        ctx.emit(
            out,
            &RULE,
            Field::Dob,
            ctx.t(
                format!("Tuổi {age} lớn hơn {max}"),
                format!("Age {age} is over {max}"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn too_old() {
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày sinh", "22/11/1905")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[("Ngày sinh", "23/11/1906")]), &RULE).is_empty());
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày sinh", "1890")]), &RULE).len(),
            1
        );
    }
}
