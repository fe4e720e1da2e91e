use crate::*;

pub static RULE: Rule = Rule {
    code: "DOB001",
    name: "dob-missing",
    pillar: Pillar::Du,
    category: Category::MissingField,
    severity: Severity::Error,
    label_vi: "Thiếu ngày sinh",
    label_en: "Date of birth missing",
    doc: r#"## What it does
Flags rows whose date-of-birth cell is empty, when the profile requires it.

## Why is this bad?
Date of birth is shared with the population database and needed to check the
ID structure. Reports count these under "Thiếu trường thông tin".

## Example
| Ngày sinh | finding |
|---|---|
| (empty) | DOB001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có ô ngày sinh để trống, khi hồ sơ mẫu (profile) yêu cầu trường này.

## Vì sao cần sửa
Ngày sinh là trường dùng chung với CSDL dân cư và cần để kiểm tra cấu trúc số
định danh. Báo cáo tính các trường hợp này vào mục "Thiếu trường thông tin".

## Ví dụ
| Ngày sinh | kết quả |
|---|---|
| (trống) | DOB001 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.required(Field::Dob) && ctx.get(Field::Dob).is_some() && ctx.dob == DateValue::Missing {
        ctx.emit(
            out,
            &RULE,
            Field::Dob,
            ctx.t("Thiếu ngày sinh".into(), "Date of birth is empty".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn empty_dob() {
        assert_eq!(
            run("vaccination", &vacc(&[("Ngày sinh", "")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
