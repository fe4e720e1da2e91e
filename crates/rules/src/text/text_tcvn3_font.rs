use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT002",
    name: "text-tcvn3-font",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Error,
    label_vi: "Lỗi font: chữ mã TCVN3 (ABC)",
    label_en: "Broken text: legacy TCVN3 (ABC) font encoding",
    doc: r#"## What it does
Finds text cells (names, addresses, communes, facilities, schools, employers…)
typed in the old TCVN3 (ABC, `.VnTime`) font encoding and stored as if they
were Unicode: `NguyÔn V¨n Hïng` for `Nguyễn Văn Hùng`. The value is decoded
with the TCVN3 table and kept only when every word becomes a Vietnamese
syllable; the message gives the repaired value (`lamsach fix` applies it).

## Why is this bad?
The name no longer matches the population database, sorts wrongly, and prints
as garbage on any machine without the old fonts ("lỗi font").

## Example
| Họ và tên | message |
|---|---|
| `NguyÔn V¨n Hïng` | chữ mã TCVN3; sửa thành «Nguyễn Văn Hùng» |
| `TrÇn ThÞ Hoa` | chữ mã TCVN3; sửa thành «Trần Thị Hoa» |

A value that could be genuine on its own (`S¬n La` decodes, but some TCVN3
words look like real ones) is decoded when another cell of the same row is
certainly TCVN3: one system wrote the whole row. Header names are repaired
the same way before columns are matched.

TCVN3 has no upper-case letters with tones (an upper-case font drew them):
a value whose words are in capitals is restored in capitals; a lone letter
(`N÷`) is taken as Title case.
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Tcvn3, None, |c| {
        ctx.t(
            format!("Chữ mã TCVN3 (ABC); sửa thành «{}»", c.fixed),
            format!(
                "Text in the TCVN3 (ABC) font encoding; repaired: «{}»",
                c.fixed
            ),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn finds_and_repairs() {
        let m = run(
            "vaccination",
            &vacc(&[("Họ và tên", "NguyÔn V¨n Hïng")]),
            &RULE,
        );
        assert_eq!(m, ["Chữ mã TCVN3 (ABC); sửa thành «Nguyễn Văn Hùng»"]);
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
