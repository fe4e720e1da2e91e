use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT003",
    name: "text-vni-font",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Error,
    label_vi: "Lỗi font: chữ mã VNI",
    label_en: "Broken text: legacy VNI font encoding",
    doc: r#"## What it does
Finds text cells typed in the old VNI font encoding (`VNI-Times`), where a
letter with diacritics is a plain letter followed by a mark character:
`Nguyeãn Thò Lan` for `Nguyễn Thị Lan`. The value is decoded with the VNI
table and kept only when every word becomes a Vietnamese syllable; the
message gives the repaired value (`lamsach fix` applies it).

## Why is this bad?
The name no longer matches the population database and prints as garbage on
any machine without the old fonts ("lỗi font").

## Example
| Họ và tên | message |
|---|---|
| `Nguyeãn Thò Lan` | chữ mã VNI; sửa thành «Nguyễn Thị Lan» |
| `NGUYEÃN VAÊN HUØNG` | chữ mã VNI; sửa thành «NGUYỄN VĂN HÙNG» |

`Sôn La` is a possible spelling on its own; when another cell of the same
row is certainly VNI it is decoded too (`Sơn La`). When TCVN3 and VNI both
give Vietnamese and the row does not tell, TXT008 reports the value instead.
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Vni, None, |c| {
        ctx.t(
            format!("Chữ mã VNI; sửa thành «{}»", c.fixed),
            format!("Text in the VNI font encoding; repaired: «{}»", c.fixed),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn finds_and_repairs() {
        let m = run("vaccination", &vacc(&[("Huyện", "Chieâm Hoùa")]), &RULE);
        assert_eq!(m, ["Chữ mã VNI; sửa thành «Chiêm Hóa»"]);
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
