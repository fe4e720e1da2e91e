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
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các ô chữ (họ tên, địa chỉ, xã/phường, cơ sở, trường học, đơn vị sử dụng
lao động…) được gõ bằng bảng mã font cũ TCVN3 (ABC, `.VnTime`) rồi lưu như thể
là Unicode: `NguyÔn V¨n Hïng` thay cho `Nguyễn Văn Hùng`. Giá trị được giải mã
theo bảng TCVN3 và chỉ được giữ khi mọi từ đều thành âm tiết tiếng Việt; thông
báo nêu giá trị đã sửa (`lamsach fix` áp dụng giá trị này).

## Vì sao cần sửa
Họ tên không còn khớp với CSDL dân cư, sắp xếp sai, và hiện ra ký tự lạ trên
mọi máy không cài font cũ ("lỗi font").

## Ví dụ
| Họ và tên | thông báo |
|---|---|
| `NguyÔn V¨n Hïng` | chữ mã TCVN3; sửa thành «Nguyễn Văn Hùng» |
| `TrÇn ThÞ Hoa` | chữ mã TCVN3; sửa thành «Trần Thị Hoa» |

Giá trị mà tự nó có thể là chữ thật (`S¬n La` giải mã được, nhưng một số từ
TCVN3 trông giống từ thật) sẽ được giải mã khi một ô khác trong cùng dòng chắc
chắn là TCVN3: cả dòng do một hệ thống ghi ra. Tên cột ở dòng tiêu đề cũng được
sửa theo cách đó trước khi ghép cột.

TCVN3 không có chữ hoa có dấu thanh (khi đó dùng một font chữ hoa riêng): giá
trị có các từ viết hoa được khôi phục thành chữ hoa; một chữ cái đứng riêng
(`N÷`) được hiểu là viết hoa chữ đầu.
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
