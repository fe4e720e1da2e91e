use crate::*;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "ROW001",
    name: "row-unreadable",
    pillar: Pillar::Du,
    category: Category::Unreadable,
    severity: Severity::Error,
    label_vi: "Dòng không đọc được",
    label_en: "Unreadable row",
    doc: r#"## What it does
Reports a physical line that cannot be read as a record, with the reason:
a different number of columns from the header, a quote that is never closed,
or a record larger than `[limits] max_record_bytes`. The line is counted as
unreadable in the summary (read = clean + with problems + unreadable) and
checking goes on with the next line.

## Why is this bad?
Nothing in the row can be checked or reported until it is repaired; usually a
delimiter inside an unquoted value, or a line break inside a name.

## Example
| line | content | finding |
|---|---|---|
| 14 | `Nguyễn Văn A,01/02/1990` (2 of 9 columns) | ROW001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo một dòng vật lý không đọc được thành bản ghi, kèm lý do: số cột khác với
dòng tiêu đề, dấu nháy kép mở mà không đóng, hoặc bản ghi lớn hơn
`[limits] max_record_bytes`. Dòng đó được tính là không đọc được trong phần
tổng hợp (đã đọc = sạch + có lỗi + không đọc được) và việc kiểm tra tiếp tục
với dòng sau.

## Vì sao cần sửa
Không thể kiểm tra hay báo cáo gì trong dòng cho đến khi dòng được sửa; thường
là do dấu phân cách nằm trong một giá trị không có dấu nháy, hoặc có dấu xuống
dòng trong họ tên.

## Ví dụ
| dòng | nội dung | kết quả |
|---|---|---|
| 14 | `Nguyễn Văn A,01/02/1990` (2 trên 9 cột) | ROW001 |
"#,
    check: Check::Reading,
};

pub use lamsach_io::input::Reason;

pub fn finding(line: u64, reason: &Reason, lang: Lang) -> Finding {
    let message = reason.message(lang);
    Finding {
        line,
        rule: &RULE,
        column: None,
        value: String::new(),
        message,
        related: Vec::new(),
        repeat: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_distinct_and_translated() {
        let r = Reason::FieldCount {
            found: 3,
            expected: 8,
        };
        assert_eq!(
            finding(4, &r, Lang::Vi).message,
            "Dòng có 3 cột, tiêu đề có 8 cột"
        );
        assert_eq!(
            finding(4, &r, Lang::En).message,
            "Row has 3 columns; the header has 8"
        );
        assert!(finding(4, &Reason::UnclosedQuote, Lang::Vi)
            .message
            .contains("ngoặc kép"));
        let big = finding(4, &Reason::TooLarge { limit: 100 }, Lang::Vi);
        assert!(big.message.contains("100 byte"));
        assert_eq!((big.line, big.column, big.rule.code), (4, None, "ROW001"));
    }
}
