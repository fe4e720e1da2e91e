use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB006",
    name: "dob-incomplete",
    pillar: Pillar::Du,
    category: Category::MissingField,
    severity: Severity::Info,
    label_vi: "Ngày sinh chỉ có năm (chưa đủ)",
    label_en: "Date of birth incomplete (year only)",
    doc: r#"## What it does
Flags dates of birth that give only the year (`1945`, `00/00/1945`) or the
month and year (`03/1945`). They are incomplete, not invalid: common for the
elderly, and the population database may hold the same.

## Why is this bad?
A partial date matches less surely; where the full date is known it should be
entered.

## Example
| Ngày sinh | finding |
|---|---|
| `1945` | DOB006 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày sinh chỉ có năm (`1945`, `00/00/1945`) hoặc chỉ có tháng và năm
(`03/1945`). Đây là ngày sinh chưa đủ, không phải sai: thường gặp ở người cao
tuổi, và CSDL dân cư cũng có thể chỉ ghi như vậy.

## Vì sao cần sửa
Ngày sinh không đầy đủ thì đối chiếu kém chắc chắn hơn; nếu biết ngày sinh đầy
đủ thì cần nhập đủ.

## Ví dụ
| Ngày sinh | kết quả |
|---|---|
| `1945` | DOB006 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let DateValue::Partial { year, month } = ctx.dob {
        // a "Năm sinh" column asks for the year only
        if ctx.map.dob_year_only && month.is_none() {
            return;
        }
        let msg = match month {
            Some(m) => ctx.t(
                format!("Ngày sinh chỉ có tháng/năm ({m:02}/{year}), thiếu ngày"),
                format!("Date of birth has only month and year ({m:02}/{year})"),
            ),
            None => ctx.t(
                format!("Ngày sinh chỉ có năm ({year}), thiếu ngày/tháng"),
                format!("Date of birth has only the year ({year})"),
            ),
        };
        ctx.emit(out, &RULE, Field::Dob, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn partial() {
        assert!(run("vaccination", &vacc(&[("Ngày sinh", "1990")]), &RULE)[0].contains("(1990)"));
        assert!(
            run("vaccination", &vacc(&[("Ngày sinh", "05/1990")]), &RULE)[0].contains("05/1990")
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
