use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB004",
    name: "dob-in-future",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Ngày sinh ở tương lai",
    label_en: "Date of birth in the future",
    doc: r#"## What it does
Flags dates (or years) of birth after the run date (`--today`, default the
system date).

## Why is this bad?
Nobody is born in the future: the year was mistyped (`2091` for `1991`).

## Example
| Ngày sinh | finding |
|---|---|
| `12/05/2091` | DOB004 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày sinh (hoặc năm sinh) sau ngày chạy kiểm tra (`--today`, mặc định là
ngày của máy).

## Vì sao cần sửa
Không ai sinh ở tương lai: năm sinh đã bị gõ nhầm (`2091` thay cho `1991`).

## Ví dụ
| Ngày sinh | kết quả |
|---|---|
| `12/05/2091` | DOB004 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let future = match ctx.dob {
        DateValue::Full(d) => d > ctx.today,
        DateValue::Partial { year, .. } => year > chrono::Datelike::year(&ctx.today),
        _ => false,
    };
    if future {
        ctx.emit(
            out,
            &RULE,
            Field::Dob,
            ctx.t(
                "Ngày sinh sau ngày hiện tại".into(),
                "Date of birth is after today".into(),
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
            run("vaccination", &vacc(&[("Ngày sinh", "24/11/2026")]), &RULE).len(),
            1
        );
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày sinh", "2027")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[("Ngày sinh", "23/11/2026")]), &RULE).is_empty());
    }
}
