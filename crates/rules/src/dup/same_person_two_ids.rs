use crate::*;
use lamsach_model::parse::id::IdLevel;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "DUP003",
    name: "same-person-two-ids",
    pillar: Pillar::Sach,
    category: Category::Duplicate,
    severity: Severity::Warning,
    label_vi: "Một người có hai số định danh",
    label_en: "Same person recorded with two IDs",
    doc: r#"## What it does
Finds rows that are the same person as another row but carry a different ID
number: names that agree once case, diacritics and small typos are allowed
for, the same date of birth (also with day and month swapped), and agreeing
sex, phone and commune, with IDs that differ (often by one digit or two
swapped digits). Candidate pairs come from blocks (`rules/dedupe.toml`:
birth date + given or family name, birth year + full name, name + commune,
ID prefix and suffix, phone; a large block of a common name or ID prefix is
compared by sorted neighbourhood, each record with its nearest few in
birth-date, birth-year or given-name order); each field comparison adds a
weight and pairs reaching the threshold are joined into clusters. In each
cluster one record is kept, correctness first and recency last (a valid
12-digit ID agreeing with its sex and birth year and with a known province
code, more rows, diacritics,
completeness, then the latest); the rows of every other record with
another ID are flagged, with the kept line in `related_lines`. A record
with several rows (doses) is one problem in the tallies. `lamsach dedupe`
lists the clusters for review.

Rows of one person with the *same* ID (a vaccination export has one row per
dose) are never flagged here; one ID used by *different* people is DUP002.

## Why is this bad?
One person counted as two: coverage and headcounts are inflated, and one of
the two numbers is wrong (a typo, or a relative's number). Reports count
these as "Xóa trùng thông tin công dân".

## Example
| line | Họ và tên | Ngày sinh | Số CCCD | finding |
|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 008190012345 | — (kept) |
| 9 | NGUYEN THI LAN | 1990-05-12 | 008190012354 | DUP003 (cùng người với dòng 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các dòng là cùng một người với một dòng khác nhưng mang số định danh khác:
họ tên khớp khi bỏ qua hoa thường, dấu và lỗi gõ nhỏ, cùng ngày sinh (kể cả
khi đảo ngày và tháng), giới tính, số điện thoại và xã/phường khớp nhau, còn số
định danh thì khác (thường lệch một chữ số hoặc đảo hai chữ số). Các cặp cần
so sánh được lấy theo khối (`rules/dedupe.toml`: ngày sinh + tên hoặc họ, năm
sinh + họ tên đầy đủ, họ tên + xã/phường, đầu và đuôi số định danh, số điện
thoại; khối lớn do tên phổ biến hoặc đầu số định danh phổ biến được so sánh
theo lân cận sau khi sắp xếp, mỗi bản ghi với vài bản ghi gần nhất theo thứ tự
ngày sinh, năm sinh hoặc tên); mỗi trường so sánh cộng thêm một trọng số và các
cặp đạt ngưỡng được gộp thành cụm. Trong mỗi cụm giữ lại một bản ghi, ưu tiên
tính đúng trước và mới nhất sau cùng (số định danh 12 số hợp lệ khớp với giới
tính và năm sinh, nhiều dòng hơn, có dấu, đầy đủ hơn, rồi mới nhất); các dòng
của mọi bản ghi khác mang số định danh khác được báo, kèm dòng được giữ trong
`related_lines`. Một bản ghi có nhiều dòng (nhiều mũi tiêm) chỉ tính là một
vấn đề trong số liệu tổng hợp. `lamsach dedupe` liệt kê các cụm để rà soát.

Các dòng của một người với *cùng* số định danh (tệp tiêm chủng có một dòng cho
mỗi mũi) không bao giờ bị báo ở đây; một số định danh dùng cho *nhiều* người
khác nhau là DUP002.

## Vì sao cần sửa
Một người bị tính thành hai: tỷ lệ bao phủ và số người bị thổi phồng, và một
trong hai số định danh là sai (gõ nhầm, hoặc số của người thân). Báo cáo tính
các trường hợp này là "Xóa trùng thông tin công dân".

## Ví dụ
| dòng | Họ và tên | Ngày sinh | Số CCCD | kết quả |
|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 008190012345 | — (giữ lại) |
| 9 | NGUYEN THI LAN | 1990-05-12 | 008190012354 | DUP003 (cùng người với dòng 2) |
"#,
    check: Check::WholeFile,
};

/// The finding for a row of a record matched to the kept line `kept`.
pub fn finding(
    line: u64,
    kept: u64,
    score: f32,
    agreed: &[&str],
    id: IdLevel,
    lang: Lang,
) -> Finding {
    let near = id == IdLevel::Near;
    Finding {
        line,
        rule: &RULE,
        column: None,
        value: String::new(),
        message: if lang.is_en() {
            format!(
                "Same person as line {kept} with {} (score {score:.1}; agree: {})",
                if near {
                    "an ID one digit apart"
                } else {
                    "another ID"
                },
                agreed.join(", ")
            )
        } else {
            format!(
                "Cùng một người với dòng {kept} nhưng {} (điểm {score:.1}; giống: {})",
                if near {
                    "số định danh lệch một chữ số"
                } else {
                    "khác số định danh"
                },
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
        let f = finding(9, 2, 17.5, &["full_name", "dob"], IdLevel::Near, Lang::Vi);
        assert_eq!(f.message, "Cùng một người với dòng 2 nhưng số định danh lệch một chữ số (điểm 17.5; giống: full_name, dob)");
        let f = finding(9, 2, 12.0, &["full_name"], IdLevel::Differ, Lang::En);
        assert_eq!(
            f.message,
            "Same person as line 2 with another ID (score 12.0; agree: full_name)"
        );
        let f = finding(9, 2, 12.0, &["dob"], IdLevel::Near, Lang::En);
        assert_eq!(
            f.message,
            "Same person as line 2 with an ID one digit apart (score 12.0; agree: dob)"
        );
    }
}
