use crate::*;

pub static RULE: Rule = Rule {
    code: "NAM001",
    name: "name-missing",
    pillar: Pillar::Du,
    category: Category::MissingField,
    severity: Severity::Error,
    label_vi: "Thiếu họ và tên",
    label_en: "Name missing",
    doc: r#"## What it does
Flags rows whose full-name cell is empty, when the profile requires a name.

## Why is this bad?
The name is one of the fields every sector shares with the population
database. Reports count these under "Thiếu trường thông tin".

## Example
| Họ và tên | finding |
|---|---|
| (empty) | NAM001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có ô họ và tên để trống, khi hồ sơ mẫu yêu cầu họ tên.

## Vì sao cần sửa
Họ tên là một trong các trường mà mọi ngành đều dùng chung với CSDL dân cư. Báo
cáo tính các trường hợp này vào mục "Thiếu trường thông tin".

## Ví dụ
| Họ và tên | kết quả |
|---|---|
| (trống) | NAM001 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.required(Field::FullName) && ctx.is_empty(Field::FullName) {
        ctx.emit(
            out,
            &RULE,
            Field::FullName,
            ctx.t("Thiếu họ và tên".into(), "Full name is empty".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn empty_name() {
        assert_eq!(
            run("vaccination", &vacc(&[("Họ và tên", "  ")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
