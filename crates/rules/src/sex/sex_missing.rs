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
