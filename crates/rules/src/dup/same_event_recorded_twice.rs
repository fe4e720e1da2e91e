use crate::*;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "DUP005",
    name: "same-event-recorded-twice",
    pillar: Pillar::Sach,
    category: Category::Duplicate,
    severity: Severity::Error,
    label_vi: "Một sự kiện ghi hai lần (lệch ngày hoặc lệch thông tin)",
    label_en: "Same event recorded twice (dates or details differ)",
    doc: r#"## What it does
Finds a row that records the same event as another row of the same person —
same vaccine and dose (the profile's `event_key` fields other than the
person's) with dates at most `event.max_days` apart (`rules/dedupe.toml`) —
when the two rows are not equal on DUP001's key, so DUP001 missed them: the
date differs by a few days, or the person is written differently (a name
typo, the ID missing in one row). "Same person" means the same ID, or rows
that `lamsach dedupe` joins into one person; two rows whose valid IDs
differ are two people (namesakes) and never the same event here. The row
kept is the one with a valid ID, then the row whose own ID and birth
date need no fixing (12 digits as written with a known province code, a
full birth date — not lost zeros, spaces or a year alone), the most
complete, the first; the others
are flagged with it in `related_lines` (a later row equal to a kept one on
DUP001's key is left to DUP001).
Runs only for profiles whose event has a date (vaccination).

## Why is this bad?
The same dose counted twice inflates coverage and the person's dose count,
and hides that the person may still lack a dose. Reports count these as
"Xóa trùng thông tin công dân".

## Example
| line | Số CCCD | Vắc xin | Mũi | Ngày tiêm | finding |
|---|---|---|---|---|---|
| 2 | 008190012345 | AstraZeneca | 1 | 15/08/2021 | — (kept) |
| 5 | 008190012345 | AstraZeneca | 1 | 17/08/2021 | DUP005 (trùng mũi với dòng 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm dòng ghi cùng một sự kiện với một dòng khác của cùng người — cùng vắc xin
và mũi tiêm (các trường `event_key` của hồ sơ mẫu, trừ các trường về người) với
ngày cách nhau không quá `event.max_days` ngày (`rules/dedupe.toml`) — khi hai
dòng không giống hệt nhau theo khóa của DUP001 nên DUP001 bỏ sót: ngày lệch
vài ngày, hoặc người được ghi khác đi (họ tên gõ sai, một dòng thiếu số định
danh). "Cùng người" nghĩa là cùng số định danh, hoặc các dòng mà
`lamsach dedupe` gộp thành một người; hai dòng có số định danh hợp lệ khác nhau
là hai người (trùng tên) và không bao giờ bị coi là cùng sự kiện ở đây. Dòng
được giữ là dòng có số định danh hợp lệ, đầy đủ nhất, đứng trước; các dòng còn
lại được báo kèm dòng được giữ trong `related_lines` (dòng sau giống hệt dòng
được giữ theo khóa của DUP001 thì để DUP001 báo).
Chỉ chạy với các hồ sơ mẫu có ngày sự kiện (tiêm chủng).

## Vì sao cần sửa
Một mũi tiêm tính hai lần làm tăng tỷ lệ bao phủ và số mũi của người đó, và che
mất việc người đó có thể vẫn còn thiếu mũi. Báo cáo tính các trường hợp này là
"Xóa trùng thông tin công dân".

## Ví dụ
| dòng | Số CCCD | Vắc xin | Mũi | Ngày tiêm | kết quả |
|---|---|---|---|---|---|
| 2 | 008190012345 | AstraZeneca | 1 | 15/08/2021 | — (giữ lại) |
| 5 | 008190012345 | AstraZeneca | 1 | 17/08/2021 | DUP005 (trùng mũi với dòng 2) |
"#,
    check: Check::WholeFile,
};

pub fn finding(line: u64, kept: u64, days: i64, lang: Lang) -> Finding {
    Finding {
        line,
        rule: &RULE,
        column: None,
        value: String::new(),
        message: match (lang.is_en(), days) {
            (false, 0) => format!("Trùng mũi tiêm với dòng {kept} (cùng người, cùng vắc xin, mũi và ngày)"),
            (false, d) => format!("Trùng mũi tiêm với dòng {kept} (cùng người, cùng vắc xin và mũi, ngày lệch {d} ngày)"),
            (true, 0) => format!("Same dose as line {kept} (same person, vaccine, dose and date)"),
            (true, d) => format!("Same dose as line {kept} (same person, vaccine and dose, dates {d} day(s) apart)"),
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
        assert_eq!(
            finding(5, 2, 2, Lang::Vi).message,
            "Trùng mũi tiêm với dòng 2 (cùng người, cùng vắc xin và mũi, ngày lệch 2 ngày)"
        );
        assert_eq!(
            finding(5, 2, 0, Lang::En).message,
            "Same dose as line 2 (same person, vaccine, dose and date)"
        );
    }
}
