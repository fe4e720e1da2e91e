use crate::*;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "TXT001",
    name: "text-not-utf8",
    pillar: Pillar::Sach,
    category: Category::BrokenText,
    severity: Severity::Error,
    label_vi: "Lỗi font: ký tự không đọc được (không phải UTF-8)",
    label_en: "Broken text: bytes that are not UTF-8",
    doc: r#"## What it does
Flags cells holding bytes that are not valid UTF-8 in a file read as UTF-8:
usually a cell pasted from a file saved in another encoding. The value is
shown with the unreadable bytes replaced by `�`; the rest of the row is still
checked.

## Why is this bad?
Names with broken characters match nobody ("lỗi font").

## Example
| Họ và tên (bytes) | finding |
|---|---|
| `Nguy\xC5n` | TXT001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các ô chứa byte không phải UTF-8 hợp lệ trong tệp được đọc như UTF-8:
thường là ô được dán từ một tệp lưu theo bảng mã khác. Giá trị được hiển thị
với các byte không đọc được thay bằng `�`; phần còn lại của dòng vẫn được kiểm tra.

## Vì sao cần sửa
Họ tên có ký tự hỏng thì không khớp với ai ("lỗi font").

## Ví dụ
| Họ và tên (byte) | kết quả |
|---|---|
| `Nguy\xC5n` | TXT001 |
"#,
    check: Check::Reading,
};

pub fn finding(line: u64, column: usize, value: String, lang: Lang) -> Finding {
    Finding {
        line,
        rule: &RULE,
        column: Some(column),
        value,
        message: if lang.is_en() {
            "Cell holds bytes that are not UTF-8 (shown as �)".into()
        } else {
            "Ô có byte không phải UTF-8 (lỗi font, hiển thị là �)".into()
        },
        related: Vec::new(),
        repeat: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_names_the_column_and_shows_the_value() {
        let f = finding(7, 2, "Nguy�n".into(), Lang::Vi);
        assert_eq!((f.line, f.column, f.rule.code), (7, Some(2), "TXT001"));
        assert_eq!(f.value, "Nguy�n");
        assert!(f.message.contains("UTF-8"));
        assert!(finding(7, 2, String::new(), Lang::En)
            .message
            .starts_with("Cell holds bytes"));
    }
}
