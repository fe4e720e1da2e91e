use crate::vaccination::vaccination_date_invalid::vaccination_date;
use crate::*;
use lamsach_reference::Lookup;

pub static RULE: Rule = Rule {
    code: "REF013",
    name: "event-after-death",
    pillar: Pillar::Song,
    category: Category::Deceased,
    severity: Severity::Error,
    label_vi: "Sự kiện sau ngày mất",
    label_en: "Event after the date of death",
    doc: r#"## What it does
With `--reference`, flags a vaccination date, or a BHYT card valid-to date
(`Hạn thẻ đến`), after the date of death the population database records
for the row's ID. When the database has only the year (or month) of death,
only dates after the end of that year (month) are flagged.

## Why is this bad?
Nobody is vaccinated after death: the dose was recorded under the wrong ID,
or the record is fictitious. A health insurance card valid past the holder's
death must be cut short (and any claims on it checked).

## Example
| Ngày tiêm | CSDL dân cư: ngày mất | finding |
|---|---|---|
| 15/08/2021 | 01/03/2021 | REF013 |
| 15/08/2020 | 01/03/2021 | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, báo ngày tiêm, hoặc hạn sử dụng thẻ BHYT (`Hạn thẻ đến`),
sau ngày mất mà CSDL dân cư ghi cho số định danh của dòng. Khi CSDL chỉ có năm
(hoặc tháng) mất, chỉ báo các ngày sau khi hết năm (tháng) đó.

## Vì sao cần sửa
Không ai được tiêm sau khi đã mất: mũi tiêm đã bị ghi vào nhầm số định danh,
hoặc bản ghi là không có thật. Thẻ BHYT còn hạn sau ngày người có thẻ mất phải
được rút ngắn hạn (và kiểm tra mọi khoản thanh toán theo thẻ đó).

## Ví dụ
| Ngày tiêm | CSDL dân cư: ngày mất | kết quả |
|---|---|---|
| 15/08/2021 | 01/03/2021 | REF013 |
| 15/08/2020 | 01/03/2021 | — |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    let Lookup::Found(m) = lk else {
        return;
    };
    let Some(death) = m.person.death.latest() else {
        return;
    };
    let shown = m.person.death.show();
    if vaccination_date(ctx).is_some_and(|v| v > death) {
        ctx.emit(
            out,
            &RULE,
            Field::VaccinationDate,
            ctx.t(
                format!("Ngày tiêm sau ngày mất ({shown}) theo CSDL dân cư"),
                format!("Vaccinated after the date of death ({shown}) in the population database"),
            ),
        );
    }
    if let Some(DateValue::Full(v)) = ctx.get(Field::BhytValidTo).map(date::parse) {
        if v > death {
            ctx.emit(
                out,
                &RULE,
                Field::BhytValidTo,
                ctx.t(
                    format!("Thẻ BHYT còn hạn sau ngày mất ({shown}) theo CSDL dân cư"),
                    format!("BHYT card valid after the date of death ({shown}) in the population database"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    fn dead_vacc(date: &str) -> Vec<(&str, &str)> {
        vacc(&[
            ("Họ và tên", "Trần Văn Hùng"),
            ("Ngày sinh", "03/11/1975"),
            ("Giới tính", "Nam"),
            ("Số CCCD", "008075001122"),
            ("Ngày tiêm", date),
        ])
    }

    #[test]
    fn vaccinated_after_death() {
        let m = run_ref("vaccination", &dead_vacc("15/08/2021"), &RULE);
        assert_eq!(m, ["Ngày tiêm sau ngày mất (01/03/2021) theo CSDL dân cư"]);
        assert!(run_ref("vaccination", &dead_vacc("01/03/2021"), &RULE).is_empty());
        // alive: nothing
        assert!(run_ref("vaccination", &vacc(&[]), &RULE).is_empty());
    }

    #[test]
    fn card_valid_after_death() {
        let m = run_ref("bhxh", &bhxh_dead(&[("Hạn thẻ đến", "31/12/2025")]), &RULE);
        assert_eq!(
            m,
            ["Thẻ BHYT còn hạn sau ngày mất (01/03/2021) theo CSDL dân cư"]
        );
        assert!(run_ref("bhxh", &bhxh_dead(&[("Hạn thẻ đến", "28/02/2021")]), &RULE).is_empty());
    }

    #[test]
    fn year_only_death() {
        // Phạm Minh Châu died in 2024 (year only)
        let row = |d| {
            vacc(&[
                ("Họ và tên", "Phạm Minh Châu"),
                ("Ngày sinh", "20/02/2005"),
                ("Số CCCD", "001305001234"),
                ("Ngày tiêm", d),
            ])
        };
        assert!(run_ref("vaccination", &row("30/12/2024"), &RULE).is_empty());
        assert_eq!(run_ref("vaccination", &row("02/01/2025"), &RULE).len(), 1);
    }
}
