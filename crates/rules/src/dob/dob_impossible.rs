use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB003",
    name: "dob-impossible",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Ngày sinh không tồn tại",
    label_en: "Date of birth does not exist",
    doc: r#"## What it does
Flags dates of birth that are well-formed but name no real day: `31/02/2000`,
`29/02/2001`, month 13. When reading the value as month/day gives a real date,
the message says the day and month look swapped.

## Why is this bad?
The true date is unknown; it cannot be matched with the population database.

## Example
| Ngày sinh | message |
|---|---|
| `31/02/2000` | ngày không tồn tại |
| `05/25/1990` | có thể nhập đảo tháng/ngày |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo ngày sinh đúng định dạng nhưng không có thật: `31/02/2000`, `29/02/2001`,
tháng 13. Nếu đọc giá trị theo kiểu tháng/ngày mà ra một ngày có thật, thông
báo sẽ nói ngày và tháng có thể bị nhập đảo.

## Vì sao cần sửa
Không biết ngày sinh thật là ngày nào, nên không đối chiếu được với CSDL dân cư.

## Ví dụ
| Ngày sinh | thông báo |
|---|---|
| `31/02/2000` | ngày không tồn tại |
| `05/25/1990` | có thể nhập đảo tháng/ngày |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let DateValue::Impossible { swapped } = ctx.dob {
        let msg = if swapped {
            ctx.t(
                "Ngày sinh không tồn tại; có thể nhập đảo tháng/ngày".into(),
                "Date of birth does not exist; day and month look swapped".into(),
            )
        } else {
            ctx.t(
                "Ngày sinh không tồn tại".into(),
                "Date of birth does not exist".into(),
            )
        };
        ctx.emit(out, &RULE, Field::Dob, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn impossible() {
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày sinh", "31/02/1990")]), &RULE).len(),
            1
        );
        assert!(
            run("vaccination", &vacc(&[("Ngày sinh", "05/25/1990")]), &RULE)[0].contains("đảo")
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
