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
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các ô chữ được gõ bằng bảng mã font cũ VNI (`VNI-Times`), trong đó một chữ
có dấu là một chữ cái thường đi kèm một ký tự dấu: `Nguyeãn Thò Lan` thay cho
`Nguyễn Thị Lan`. Giá trị được giải mã theo bảng VNI và chỉ được giữ khi mọi từ
đều thành âm tiết tiếng Việt; thông báo nêu giá trị đã sửa (`lamsach fix` áp
dụng giá trị này).

## Vì sao cần sửa
Họ tên không còn khớp với CSDL dân cư và hiện ra ký tự lạ trên mọi máy không
cài font cũ ("lỗi font").

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `Nguyeãn Thò Lan` | chữ mã VNI; sửa thành «Nguyễn Thị Lan» |
| `NGUYEÃN VAÊN HUØNG` | chữ mã VNI; sửa thành «NGUYỄN VĂN HÙNG» |

Tự nó `Sôn La` có thể là một cách viết hợp lệ; khi một ô khác trong cùng dòng
chắc chắn là VNI thì giá trị này cũng được giải mã (`Sơn La`). Khi cả TCVN3 lẫn
VNI đều cho ra tiếng Việt mà dòng không cho biết là bảng mã nào, TXT008 báo giá
trị đó thay vì sửa.
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
