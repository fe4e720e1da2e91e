use crate::text::text_fields::emit_for;
use crate::*;
use lamsach_text::textfix::Issue;

pub static RULE: Rule = Rule {
    code: "TXT004",
    name: "text-double-encoded",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Error,
    label_vi: "Lỗi font: UTF-8 bị mã hóa hai lần",
    label_en: "Broken text: UTF-8 decoded as Windows-1252 (mojibake)",
    doc: r#"## What it does
Finds text that was UTF-8, was opened as Windows-1252 (or Latin-1) and saved
again: `Nguyá»…n` for `Nguyễn`, `HÃ²a` for `Hòa`. Writing the characters back
as Windows-1252 bytes and reading them as UTF-8 restores the text; this is
done only when every byte decodes (also for text damaged twice over).

## Why is this bad?
The name matches nobody and is unreadable for the officer who must fix it.

## Example
| Họ và tên | message |
|---|---|
| `Nguyá»…n Thá»‹ Lan` | UTF-8 bị mã hóa hai lần; sửa thành «Nguyễn Thị Lan» |

The no-break space that ends `à`, `Ạ`, `Ơ`… in UTF-8 is often turned into a
plain space on the way (`HoÃ ng`); it is put back when every word then reads
as Vietnamese.

When a byte was lost on the way (`Ngá» ` — ề, ọ, ỏ, Ố and ờ all lose the same
byte) the value cannot be repaired with certainty: TXT008 reports it.
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm chữ vốn là UTF-8, bị mở như Windows-1252 (hoặc Latin-1) rồi lưu lại:
`Nguyá»…n` thay cho `Nguyễn`, `HÃ²a` thay cho `Hòa`. Ghi các ký tự trở lại
thành byte Windows-1252 rồi đọc chúng như UTF-8 sẽ khôi phục được chữ; việc này
chỉ làm khi mọi byte đều giải mã được (kể cả chữ bị hỏng hai lần).

## Vì sao cần sửa
Họ tên không khớp với ai và cán bộ phải sửa cũng không đọc được.

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `Nguyá»…n Thá»‹ Lan` | UTF-8 bị mã hóa hai lần; sửa thành «Nguyễn Thị Lan» |

Ký tự khoảng trắng không ngắt ở cuối `à`, `Ạ`, `Ơ`… trong UTF-8 thường bị đổi
thành dấu cách thường trên đường đi (`HoÃ ng`); nó được đặt lại khi nhờ vậy mọi
từ đều đọc được thành tiếng Việt.

Khi một byte đã bị mất trên đường đi (`Ngá» ` — ề, ọ, ỏ, Ố và ờ đều mất cùng
một byte) thì không thể sửa chắc chắn: TXT008 báo trường hợp này.
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    emit_for(ctx, out, &RULE, Issue::Mojibake, None, |c| {
        ctx.t(
            format!("UTF-8 bị mã hóa hai lần; sửa thành «{}»", c.fixed),
            format!(
                "UTF-8 read as Windows-1252 and saved again; repaired: «{}»",
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
            &vacc(&[("Họ và tên", "Nguyá»…n Thá»‹ Lan")]),
            &RULE,
        );
        assert_eq!(m, ["UTF-8 bị mã hóa hai lần; sửa thành «Nguyễn Thị Lan»"]);
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
