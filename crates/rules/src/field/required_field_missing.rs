use crate::*;

pub static RULE: Rule = Rule {
    code: "FLD001",
    name: "required-field-missing",
    pillar: Pillar::Du,
    category: Category::MissingField,
    severity: Severity::Error,
    label_vi: "Thiếu trường thông tin bắt buộc",
    label_en: "Required field empty",
    doc: r#"## What it does
Flags empty cells in the fields a profile lists as `required` (in
`rules/profiles/*.toml`), other than ID, name, date of birth and sex, which
have rules of their own (ID001, NAM001, DOB001, SEX001), and the relationship
to the household head (HH004). One finding per empty field.

## Why is this bad?
Reports count these as "Thiếu trường thông tin": a vaccination without its
vaccine or date, a pupil without a school, cannot be reported.

## Example
| Vắc xin | finding |
|---|---|
| (empty) | FLD001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các ô trống ở những trường mà hồ sơ mẫu ghi là bắt buộc (`required`, trong
`rules/profiles/*.toml`), trừ số định danh, họ tên, ngày sinh và giới tính vốn
có quy tắc riêng (ID001, NAM001, DOB001, SEX001), và quan hệ với chủ hộ (HH004).
Mỗi trường trống là một kết quả.

## Vì sao cần sửa
Báo cáo tính các trường hợp này là "Thiếu trường thông tin": một mũi tiêm không
có tên vắc xin hay ngày tiêm, một học sinh không có trường, thì không báo cáo được.

## Ví dụ
| Vắc xin | kết quả |
|---|---|
| (trống) | FLD001 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    for &f in &ctx.map.profile.required {
        if matches!(
            f,
            Field::Id | Field::FullName | Field::Dob | Field::Sex | Field::RelationToHead
        ) {
            continue;
        }
        if ctx.is_empty(f) {
            let header = ctx
                .map
                .column(f)
                .map_or("", |c| ctx.map.headers[c].as_str());
            ctx.emit(
                out,
                &RULE,
                f,
                ctx.t(format!("Thiếu {header}"), format!("{header} is empty")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn empty_required() {
        let m = run("vaccination", &vacc(&[("Vắc xin", ""), ("Mũi", "")]), &RULE);
        assert_eq!(m, vec!["Thiếu Vắc xin", "Thiếu Mũi"]);
        // phone is not required
        assert!(run("vaccination", &vacc(&[("Số điện thoại", "")]), &RULE).is_empty());
    }
}
