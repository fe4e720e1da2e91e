use crate::*;
use lamsach_model::parse::id::IdStructure;

pub static RULE: Rule = Rule {
    code: "ID006",
    name: "id-sex-digit-mismatch",
    pillar: Pillar::Dung,
    category: Category::IdStructure,
    severity: Severity::Error,
    label_vi: "Sai cấu trúc số định danh: mã giới tính không khớp",
    label_en: "ID structure: sex digit contradicts the record's sex",
    doc: r#"## What it does
The 4th digit of a 12-digit ID encodes century and sex: even for male
(0, 2, 4, …), odd for female (1, 3, 5, …). Flags rows where it contradicts the
row's sex column.

## Why is this bad?
Either the sex or the ID is wrong, or the ID belongs to someone else.
Reports count these as "Sai cấu trúc số định danh cá nhân".

## Example
| Giới tính | Số CCCD | finding |
|---|---|---|
| Nữ | `001090012345` (4th digit 0 = male) | ID006 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Chữ số thứ 4 của số định danh 12 số mã hóa thế kỷ và giới tính: số chẵn là nam
(0, 2, 4, …), số lẻ là nữ (1, 3, 5, …). Báo các dòng mà chữ số này mâu thuẫn
với cột giới tính của dòng.

## Vì sao cần sửa
Hoặc giới tính sai, hoặc số định danh sai, hoặc số định danh là của người khác.
Báo cáo tính các trường hợp này là "Sai cấu trúc số định danh cá nhân".

## Ví dụ
| Giới tính | Số CCCD | kết quả |
|---|---|---|
| Nữ | `001090012345` (chữ số thứ 4 là 0 = nam) | ID006 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let (IdValue::Cccd(d), Some(sex)) = (&ctx.id, ctx.sex) {
        let s = IdStructure::of(d);
        if s.sex != sex {
            ctx.emit(
                out,
                &RULE,
                Field::Id,
                ctx.t(
                    format!(
                        "Chữ số thứ 4 ({}) là mã giới tính {}, nhưng giới tính ghi là {}",
                        d[3] as char,
                        s.sex.label(Lang::Vi),
                        sex.label(Lang::Vi)
                    ),
                    format!(
                        "4th digit ({}) means {}, but the record says {}",
                        d[3] as char,
                        s.sex.label(Lang::En),
                        sex.label(Lang::En)
                    ),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn sex_digit() {
        let m = run("vaccination", &vacc(&[("Số CCCD", "001090012345")]), &RULE);
        assert!(
            m[0].contains("giới tính Nam, nhưng giới tính ghi là Nữ"),
            "{m:?}"
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
        // unknown sex: nothing to compare
        assert!(run(
            "vaccination",
            &vacc(&[("Số CCCD", "001090012345"), ("Giới tính", "")]),
            &RULE
        )
        .is_empty());
    }
}
