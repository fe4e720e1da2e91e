use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF002",
    name: "name-without-diacritics",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Info,
    label_vi: "Họ tên viết không dấu",
    label_en: "Name typed without diacritics",
    doc: r#"## What it does
With `--reference`, flags names that equal the population database's name
once diacritics are removed, and are written entirely without diacritics.
Case, extra spaces and decomposed Unicode never count as differences.

## Why is this bad?
The letters are right but the name is not the registered name: `Nguyen Thi
Anh` matches `Nguyễn Thị Ánh`, `Nguyễn Thị Anh`, `Nguyễn Thị Ảnh`… Low
severity: retype the name with diacritics (the message gives it).

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Nguyen Thi Anh | Nguyễn Thị Ánh | REF002 |
| NGUYỄN THỊ ÁNH | Nguyễn Thị Ánh | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên trùng với họ tên trong CSDL dân cư sau khi bỏ
dấu, và được viết hoàn toàn không dấu. Hoa thường, khoảng trắng thừa và Unicode
tổ hợp không bao giờ bị tính là khác biệt.

## Vì sao cần sửa
Các chữ cái đúng nhưng họ tên không phải là họ tên đã đăng ký: `Nguyen Thi Anh`
khớp với `Nguyễn Thị Ánh`, `Nguyễn Thị Anh`, `Nguyễn Thị Ảnh`… Mức độ thấp: gõ
lại họ tên có dấu (thông báo nêu cách viết đúng).

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Nguyen Thi Anh | Nguyễn Thị Ánh | REF002 |
| NGUYỄN THỊ ÁNH | Nguyễn Thị Ánh | — |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::NoAccents, |r| {
        (
            format!("Họ tên viết không dấu; CSDL dân cư: {r}"),
            format!("Name typed without diacritics; population database: {r}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn without_accents() {
        let m = run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "NGUYEN THI LAN")]),
            &RULE,
        );
        assert_eq!(m, ["Họ tên viết không dấu; CSDL dân cư: Nguyễn Thị Lan"]);
        assert!(run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "NGUYỄN THỊ LAN")]),
            &RULE
        )
        .is_empty());
        assert!(run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyễn Thị Lân")]),
            &RULE
        )
        .is_empty());
    }
}
