use crate::reference::lookup::emit_name_class;
use crate::*;
use lamsach_reference::{Lookup, NameClass};

pub static RULE: Rule = Rule {
    code: "REF003",
    name: "name-diacritics-differ",
    pillar: Pillar::Dung,
    category: Category::Verification,
    severity: Severity::Warning,
    label_vi: "Họ tên sai dấu",
    label_en: "Name diacritics differ",
    doc: r#"## What it does
With `--reference`, flags names written with diacritics that nonetheless
differ from the population database's name only in their diacritics (a
missing, extra or different tone or vowel mark, `D` for `Đ`).

## Why is this bad?
In Vietnamese the marks make the name: `Anh` and `Ánh` are different names.
The export has marks, so this is not a name typed without them but a wrong
one; correct it to the registered spelling (the message gives it).

## Example
| Họ và tên | CSDL dân cư | finding |
|---|---|---|
| Nguyễn Thị Anh | Nguyễn Thị Ánh | REF003 |
| Nguyen Thi Anh | Nguyễn Thị Ánh | REF002 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo họ tên viết có dấu nhưng vẫn khác họ tên trong CSDL
dân cư chỉ ở phần dấu (thiếu, thừa hoặc sai dấu thanh hay dấu nguyên âm, `D`
thay cho `Đ`).

## Vì sao cần sửa
Trong tiếng Việt, dấu làm nên tên: `Anh` và `Ánh` là hai tên khác nhau. Tệp
xuất có dấu, nên đây không phải tên gõ không dấu mà là tên sai; cần sửa theo
cách viết đã đăng ký (thông báo nêu cách viết đó).

## Ví dụ
| Họ và tên | CSDL dân cư | kết quả |
|---|---|---|
| Nguyễn Thị Anh | Nguyễn Thị Ánh | REF003 |
| Nguyen Thi Anh | Nguyễn Thị Ánh | REF002 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    emit_name_class(ctx, lk, out, &RULE, NameClass::AccentDiffers, |r| {
        (
            format!("Họ tên sai dấu; CSDL dân cư: {r}"),
            format!("Name diacritics differ; population database: {r}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn accents_differ() {
        let m = run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyễn Thị Lân")]),
            &RULE,
        );
        assert_eq!(m, ["Họ tên sai dấu; CSDL dân cư: Nguyễn Thị Lan"]);
        assert!(run_ref(
            "vaccination",
            &vacc(&[("Họ và tên", "Nguyen Thi Lan")]),
            &RULE
        )
        .is_empty());
        assert!(run_ref("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
