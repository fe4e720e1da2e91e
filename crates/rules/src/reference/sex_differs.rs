use crate::*;
use lamsach_reference::Lookup;

pub static RULE: Rule = Rule {
    code: "REF012",
    name: "sex-differs",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Error,
    label_vi: "Giới tính khác CSDL dân cư",
    label_en: "Sex differs from the population database",
    doc: r#"## What it does
With `--reference`, flags rows whose sex (`Nam`/`Nữ` and the other values
of `[person]` in `rules/settings.toml`) differs from the population
database's.

## Why is this bad?
Either the sex was entered wrongly (often a shifted column or a default
value) or the ID belongs to another person, a relative of the other sex.

## Example
| Giới tính | CSDL dân cư | finding |
|---|---|---|
| Nam | Nữ | REF012 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo các dòng có giới tính (`Nam`/`Nữ` và các giá trị khác
trong `[person]` của `rules/settings.toml`) khác với CSDL dân cư.

## Vì sao cần sửa
Hoặc giới tính bị nhập sai (thường do lệch cột hoặc giá trị mặc định), hoặc số
định danh là của người khác, một người thân khác giới.

## Ví dụ
| Giới tính | CSDL dân cư | kết quả |
|---|---|---|
| Nam | Nữ | REF012 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::Found(m) = lk {
        if m.sex_differs == Some(true) {
            let r = m.person.sex.map_or("—", |s| s.label(ctx.lang));
            ctx.emit(
                out,
                &RULE,
                Field::Sex,
                ctx.t(
                    format!("Giới tính khác CSDL dân cư ({r})"),
                    format!("Sex differs from the population database ({r})"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn sex() {
        let m = run_ref("vaccination", &vacc(&[("Giới tính", "Nam")]), &RULE);
        assert_eq!(m, ["Giới tính khác CSDL dân cư (Nữ)"]);
        assert!(run_ref("vaccination", &vacc(&[("Giới tính", "nu")]), &RULE).is_empty());
        assert!(run_ref("vaccination", &vacc(&[("Giới tính", "")]), &RULE).is_empty());
    }

    #[test]
    fn all_agree_is_verified() {
        let (m, verified) = run_ref_verified(
            "vaccination",
            &vacc(&[("Họ và tên", "NGUYỄN THỊ LAN")]),
            &RULE,
        );
        assert!(m.is_empty() && verified);
        assert!(!run_ref_verified("vaccination", &vacc(&[("Giới tính", "Nam")]), &RULE).1);
        assert!(!run_ref_verified("vaccination", &vacc(&[("Giới tính", "")]), &RULE).1);
        assert!(
            !run_ref_verified(
                "vaccination",
                &vacc(&[("Họ và tên", "Nguyen Thi Lan")]),
                &RULE
            )
            .1
        );
    }
}
