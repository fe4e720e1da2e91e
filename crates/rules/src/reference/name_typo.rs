use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF005",
    name: "name-typo",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Họ tên gõ sai chính tả",
    label_en: "Name misspelt",
    doc: r#"## What it does
With `--reference`, flags names a few keystrokes away from the population
database's name, compared without case or diacritics: in total at most
`typo_max_edits` insertions, deletions, substitutions or swaps of two
neighbouring letters, each differing word within one edit of its counterpart
(two for long words that stay similar by Jaro-Winkler), or a missing/extra
space. Thresholds are in `[matching]` of `rules/reference.toml`.

## Why is this bad?
The person is almost certainly right (the ID matches) but the name is
misspelt, which breaks every later match on the name. Correct it to the
registered spelling (the message gives it).

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Ngyuễn Thị Ánh | Nguyễn Thị Ánh | REF005 |
| Nguyễn ThịÁnh | Nguyễn Thị Ánh | REF005 |
| Nguyễn Thị Lan | Nguyễn Thị Ánh | REF007 (another given name) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên chỉ lệch vài lần gõ phím so với họ tên trong
CSDL dân cư, so sánh không phân biệt hoa thường hay dấu: tổng cộng không quá
`typo_max_edits` lần chèn, xóa, thay hoặc đảo hai chữ cái liền nhau, mỗi chữ
khác nhau chỉ lệch một lần sửa so với chữ tương ứng (hai lần với chữ dài vẫn
gần giống theo Jaro-Winkler), hoặc thiếu/thừa dấu cách. Các ngưỡng nằm trong
`[matching]` của `rules/reference.toml`.

## Vì sao cần sửa
Người gần như chắc chắn là đúng (số định danh khớp) nhưng họ tên bị viết sai
chính tả, làm hỏng mọi lần đối chiếu theo họ tên về sau. Cần sửa theo cách viết
đã đăng ký (thông báo nêu cách viết đó).

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Ngyuễn Thị Ánh | Nguyễn Thị Ánh | REF005 |
| Nguyễn ThịÁnh | Nguyễn Thị Ánh | REF005 |
| Nguyễn Thị Lan | Nguyễn Thị Ánh | REF007 (khác tên) |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::Typo, |r| {
        (
            format!("Họ tên gõ sai chính tả; CSDL dân cư: {r}"),
            format!("Name misspelt; population database: {r}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn typos() {
        let m = run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Ngyuễn Thị Lan")]),
            &RULE,
        );
        assert_eq!(m, ["Họ tên gõ sai chính tả; CSDL dân cư: Nguyễn Thị Lan"]);
        assert_eq!(
            run_ref(
                "vaccination",
                &vacc(&[("Họ và tên", "Nguyễn Thi Lann")]),
                &RULE
            )
            .len(),
            1
        );
        assert!(run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyễn Thị Hoa")]),
            &RULE
        )
        .is_empty());
    }
}
