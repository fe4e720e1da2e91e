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
