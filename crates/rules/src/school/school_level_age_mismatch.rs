use crate::*;

pub static RULE: Rule = Rule {
    code: "EDU001",
    name: "school-level-age-mismatch",
    pillar: Pillar::Dung,
    category: Category::EventInfo,
    severity: Severity::Warning,
    label_vi: "Cấp học không phù hợp với tuổi",
    label_en: "School level contradicts age",
    doc: r#"## What it does
Compares the pupil's age (the year the current school year started minus
the birth year; the school year starts in `school_year_starts`, September,
so a file checked again in January gives the same ages) with the
age range of the school level in `[[school_levels]]` of
`rules/settings.toml` (Mầm non 0–7, Tiểu học 5–14, THCS 10–18, THPT 14–22,
GDTX 14+; generous on purpose, for repeaters and late starters).

## Why is this bad?
A 30-year-old in primary school or a 3-year-old in THPT means the date of
birth or the level is wrong; education reports count verified pupils per level.

## Example
| Ngày sinh | Cấp học | finding |
|---|---|---|
| 01/01/1996 | Tiểu học | EDU001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
So sánh tuổi của học sinh (năm bắt đầu năm học hiện tại trừ năm sinh; năm học
bắt đầu vào tháng `school_year_starts`, tháng 9, nên tệp kiểm tra lại vào tháng
1 vẫn cho cùng số tuổi) với khoảng tuổi của cấp học trong `[[school_levels]]`
của `rules/settings.toml` (Mầm non 0–7, Tiểu học 5–14, THCS 10–18, THPT 14–22,
GDTX 14+; cố ý để rộng, cho học sinh lưu ban và đi học muộn).

## Vì sao cần sửa
Người 30 tuổi học tiểu học hay trẻ 3 tuổi học THPT nghĩa là ngày sinh hoặc cấp
học bị sai; báo cáo ngành giáo dục đếm số học sinh đã xác thực theo từng cấp học.

## Ví dụ
| Ngày sinh | Cấp học | kết quả |
|---|---|---|
| 01/01/1996 | Tiểu học | EDU001 |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let (Some(level), Some(year)) = (
        ctx.get(Field::SchoolLevel)
            .and_then(|v| ctx.data.school_level(v)),
        ctx.dob.year(),
    ) else {
        return;
    };
    let age = ctx.data.school_year(ctx.today) - year;
    if age < level.min_age || age > level.max_age {
        ctx.emit(
            out,
            &RULE,
            Field::SchoolLevel,
            ctx.t(
                format!(
                    "Học sinh {age} tuổi không phù hợp cấp {} ({}–{} tuổi)",
                    level.name, level.min_age, level.max_age
                ),
                format!(
                    "A {age}-year-old does not fit level {} (ages {}–{})",
                    level.name, level.min_age, level.max_age
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(dob: &str, level: &str) -> Vec<String> {
        run(
            "education",
            &[("Ngày sinh", dob), ("Cấp học", level)],
            &RULE,
        )
    }

    #[test]
    fn ages() {
        assert!(m("01/01/1996", "Tiểu học")[0].contains("30 tuổi"));
        assert_eq!(m("01/01/2023", "THPT").len(), 1);
        assert!(m("01/01/2018", "Tiểu học").is_empty());
        assert!(m("01/01/2010", "thpt").is_empty());
        assert!(m("01/01/1980", "GDTX").is_empty());
    }

    #[test]
    fn ages_count_by_school_year_not_calendar_year() {
        // born 2019: 7 in the school year 2026-27, in December and in January
        let cells = [("Ngày sinh", "15/03/2019"), ("Cấp học", "Mầm non")];
        let on = |y, m, d| {
            run_on(
                "education",
                &cells,
                &RULE,
                NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            )
        };
        assert!(on(2026, 12, 5).is_empty());
        assert!(
            on(2027, 1, 10).is_empty(),
            "January is still the school year 2026-27"
        );
        // the next school year: 8, past Mầm non's 7
        assert!(on(2027, 9, 10)[0].contains("8 tuổi"));
    }
}
