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
kept is the one with a valid ID, the most complete, the first; the others
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
