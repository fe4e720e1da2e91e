use crate::*;

pub static RULE: Rule = Rule {
    code: "SEX001",
    name: "sex-missing",
    pillar: Pillar::Du,
    category: Category::MissingField,
    severity: Severity::Error,
    label_vi: "Thiếu giới tính",
    label_en: "Sex missing",
    doc: r#"## What it does
Flags rows whose sex cell is empty, when the profile requires it.

## Why is this bad?
Sex is shared with the population database and needed to check the ID's
century/sex digit. Reports count these under "Thiếu trường thông tin".

## Example
| Giới tính | finding |
|---|---|
| (empty) | SEX001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có ô giới tính để trống, khi hồ sơ mẫu yêu cầu trường này.

## Vì sao cần sửa
Giới tính là trường dùng chung với CSDL dân cư và cần để kiểm tra chữ số thế
kỷ/giới tính của số định danh. Báo cáo tính các trường hợp này vào mục "Thiếu
trường thông tin".

## Ví dụ
| Giới tính | kết quả |
|---|---|
| (trống) | SEX001 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.required(Field::Sex) && ctx.is_empty(Field::Sex) {
        ctx.emit(
            out,
            &RULE,
            Field::Sex,
            ctx.t("Thiếu giới tính".into(), "Sex is empty".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn empty_sex() {
        assert_eq!(
            run("vaccination", &vacc(&[("Giới tính", "")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
