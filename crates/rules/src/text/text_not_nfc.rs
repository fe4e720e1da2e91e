use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT005",
    name: "text-not-nfc",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Warning,
    label_vi: "Chữ tổ hợp (Unicode dựng sẵn chưa chuẩn NFC)",
    label_en: "Decomposed Unicode (not NFC)",
    doc: r#"## What it does
Finds text written with combining marks (Unicode NFD, "Unicode tổ hợp"):
`Nguye` + `̂` + `̃` + `n` instead of the precomposed `Nguyễn`. It looks the
same on screen but is a different string. The repair is the NFC form.

## Why is this bad?
Two spellings of one name do not compare equal: lookups, duplicate detection
and matching against the population database miss them ("lỗi font").

## Example
| Họ và tên (code points) | message |
|---|---|
| `Nguye\u0302\u0303n` | chữ tổ hợp; sửa thành «Nguyễn» (NFC) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm chữ viết bằng dấu tổ hợp (Unicode NFD, "Unicode tổ hợp"): `Nguye` + `̂` +
`̃` + `n` thay cho chữ dựng sẵn `Nguyễn`. Trên màn hình trông giống nhau nhưng
là một chuỗi khác. Cách sửa là chuyển về dạng NFC.

## Vì sao cần sửa
Hai cách viết của cùng một họ tên không được coi là bằng nhau: tra cứu, phát
hiện trùng và đối chiếu với CSDL dân cư đều bỏ sót ("lỗi font").

## Ví dụ
| Họ và tên (mã ký tự) | thông báo |
|---|---|
| `Nguye\u0302\u0303n` | chữ tổ hợp; sửa thành «Nguyễn» (NFC) |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Decomposed, None, |c| {
        ctx.t(
            format!(
                "Chữ tổ hợp (dấu rời); sửa thành dạng dựng sẵn NFC «{}»",
                c.fixed
            ),
            format!(
                "Decomposed letters (combining marks); repaired to NFC: «{}»",
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
            &vacc(&[("Họ và tên", "Nguye\u{302}\u{303}n Lan")]),
            &RULE,
        );
        assert_eq!(
            m,
            ["Chữ tổ hợp (dấu rời); sửa thành dạng dựng sẵn NFC «Nguyễn Lan»"]
        );
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
