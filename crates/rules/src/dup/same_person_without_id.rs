use crate::*;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "DUP004",
    name: "same-person-without-id",
    pillar: Pillar::Sach,
    category: Category::Duplicate,
    severity: Severity::Warning,
    label_vi: "Một người ghi hai lần, thiếu số định danh",
    label_en: "Same person recorded twice, once without an ID",
    doc: r#"## What it does
Finds rows that are the same person as another row where one of the two has
no usable ID number (empty, "không có", malformed): the name agrees once
case, diacritics and small typos are allowed for, the date of birth agrees
(also with day and month swapped), and sex, phone and commune do not
contradict it. Blocking, weights and the threshold are in
`rules/dedupe.toml`; the record kept is chosen correctness first (a valid
ID agreeing with its sex and birth year and with a known province code,
more rows, diacritics,
completeness, then the latest), and the rows of the other records are
flagged, with the kept line in `related_lines`; a record with several rows
is one problem in the tallies. Rows with the same name and birth date but
different unusable IDs are compared as two records, not merged into one. Twins (same birth date and family name, another given name) and a
father and son with the same name (another birth year) do not match.

## Why is this bad?
The person is counted twice, and the copy without an ID can never be
verified against the population database: merge it into the record that has
the ID. Reports count these as "Xóa trùng thông tin công dân".

## Example
| line | Họ và tên | Ngày sinh | Số CCCD | finding |
|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 008190012345 | — (kept) |
| 7 | Nguyen Thi Lan | 5/12/1990 | | DUP004 (cùng người với dòng 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các dòng là cùng một người với một dòng khác, trong đó một trong hai dòng
không có số định danh dùng được (để trống, "không có", sai định dạng): họ tên
khớp khi bỏ qua hoa thường, dấu và lỗi gõ nhỏ, ngày sinh khớp (kể cả khi đảo
ngày và tháng), và giới tính, số điện thoại, xã/phường không mâu thuẫn. Cách
chia khối, trọng số và ngưỡng nằm trong `rules/dedupe.toml`; bản ghi được giữ
chọn theo tính đúng trước (số định danh hợp lệ khớp với giới tính và năm sinh,
nhiều dòng hơn, có dấu, đầy đủ hơn, rồi mới nhất), các dòng của bản ghi còn lại
được báo, kèm dòng được giữ trong `related_lines`; một bản ghi có nhiều dòng
chỉ tính là một vấn đề trong số liệu tổng hợp. Các dòng cùng họ tên và ngày sinh
nhưng mang các số định danh không dùng được khác nhau được so sánh như hai bản
ghi, không gộp làm một. Anh chị em sinh đôi (cùng ngày sinh và họ, khác tên) và
cha con trùng tên (khác năm sinh) không bị coi là khớp.

## Vì sao cần sửa
Người đó bị tính hai lần, và bản ghi không có số định danh không bao giờ đối
chiếu được với CSDL dân cư: cần gộp nó vào bản ghi có số định danh. Báo cáo
tính các trường hợp này là "Xóa trùng thông tin công dân".

## Ví dụ
| dòng | Họ và tên | Ngày sinh | Số CCCD | kết quả |
|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 008190012345 | — (giữ lại) |
| 7 | Nguyen Thi Lan | 5/12/1990 | | DUP004 (cùng người với dòng 2) |
"#,
    check: Check::WholeFile,
};

pub fn finding(line: u64, kept: u64, score: f32, agreed: &[&str], lang: Lang) -> Finding {
    Finding {
        line,
        rule: &RULE,
        column: None,
        value: String::new(),
        message: if lang.is_en() {
            format!(
                "Same person as line {kept}, one of the two without a valid ID (score {score:.1}; agree: {})",
                agreed.join(", ")
            )
        } else {
            format!(
                "Cùng một người với dòng {kept}, một bản ghi không có số định danh hợp lệ (điểm {score:.1}; giống: {})",
                agreed.join(", ")
            )
        },
        related: vec![kept],
        repeat: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        let f = finding(7, 2, 11.5, &["full_name", "dob~swapped"], Lang::Vi);
        assert_eq!(
            f.message,
            "Cùng một người với dòng 2, một bản ghi không có số định danh hợp lệ (điểm 11.5; giống: full_name, dob~swapped)"
        );
        assert!(finding(7, 2, 11.5, &[], Lang::En)
            .message
            .starts_with("Same person as line 2"));
    }
}
