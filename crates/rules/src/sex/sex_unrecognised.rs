use crate::*;

pub static RULE: Rule = Rule {
    code: "SEX002",
    name: "sex-unrecognised",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Error,
    label_vi: "Giới tính không hợp lệ",
    label_en: "Sex value not recognised",
    doc: r#"## What it does
Flags sex values that are neither male nor female as listed in
`[person] male` / `female` of `rules/settings.toml` (`Nam`, `Nữ`, `nu`, `M`,
`F`, `1`, `2`, … compared without case or diacritics).

## Why is this bad?
An unrecognised value cannot be compared with the population database or the
ID's sex digit.

## Example
| Giới tính | finding |
|---|---|
| `Khác` | SEX002 |
| `NỮ` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các giá trị giới tính không phải nam cũng không phải nữ theo danh sách
`[person] male` / `female` trong `rules/settings.toml` (`Nam`, `Nữ`, `nu`, `M`,
`F`, `1`, `2`, … so sánh không phân biệt hoa thường hay dấu).

## Vì sao cần sửa
Giá trị không nhận ra được thì không so sánh được với CSDL dân cư hay với chữ
số giới tính của số định danh.

## Ví dụ
| Giới tính | kết quả |
|---|---|
| `Khác` | SEX002 |
| `NỮ` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.sex.is_none()
        && !ctx.sex_undetermined
        && ctx.get(Field::Sex).is_some_and(|v| !v.is_empty())
    {
        ctx.emit(
            out,
            &RULE,
            Field::Sex,
            ctx.t(
                "Giới tính không phải Nam/Nữ".into(),
                "Sex is neither male nor female".into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn values() {
        assert_eq!(
            run("vaccination", &vacc(&[("Giới tính", "Khác")]), &RULE).len(),
            1
        );
        for v in ["NỮ", "nu", "Nam", "M", "f"] {
            assert!(
                run("vaccination", &vacc(&[("Giới tính", v)]), &RULE).is_empty(),
                "{v}"
            );
        }
    }
}
