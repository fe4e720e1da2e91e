use crate::*;
use lamsach_reference::Lookup;

pub static RULE: Rule = Rule {
    code: "REF014",
    name: "deceased-still-active",
    pillar: Pillar::Song,
    category: Category::Deceased,
    severity: Severity::Error,
    label_vi: "Người đã mất vẫn còn trong danh sách",
    label_en: "Deceased person still listed",
    doc: r#"## What it does
With `--reference`, in exports whose rows are active records (the profiles
listed in `active_record_profiles` of `rules/reference.toml`: BHXH/BHYT
participants, pupils), flags every row of a person whose date of death in
the population database is before the run date (`--today`).

## Why is this bad?
A list of current participants or pupils must not hold the dead ("sống":
data reflects the living present). The record must be closed, and benefits
paid after the death checked. Vaccination exports are records of past
events and are not checked by this rule (see REF013).

## Example
| profile | CSDL dân cư: ngày mất | finding |
|---|---|---|
| bhxh | 01/03/2021 | REF014 |
| vaccination | 01/03/2021 | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference`, với các tệp xuất mà mỗi dòng là một bản ghi đang hoạt
động (các hồ sơ mẫu liệt kê trong `active_record_profiles` của
`rules/reference.toml`: người tham gia BHXH/BHYT, học sinh), báo mọi dòng của
người có ngày mất trong CSDL dân cư trước ngày chạy kiểm tra (`--today`).

## Vì sao cần sửa
Danh sách người đang tham gia hay học sinh đang học không được có người đã mất
("sống": dữ liệu phản ánh hiện tại của người đang sống). Bản ghi phải được đóng,
và các khoản chi trả sau ngày mất phải được kiểm tra. Tệp tiêm chủng là bản ghi
các sự kiện đã qua nên không bị quy tắc này kiểm tra (xem REF013).

## Ví dụ
| hồ sơ mẫu | CSDL dân cư: ngày mất | kết quả |
|---|---|---|
| bhxh | 01/03/2021 | REF014 |
| vaccination | 01/03/2021 | — |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    let Lookup::Found(m) = lk else {
        return;
    };
    let active = &ctx.data.reference.matching.active_record_profiles;
    if !active.contains(&ctx.map.profile.name) {
        return;
    }
    let died = match m.person.death.value() {
        DateValue::Full(d) => Some(d),
        DateValue::Partial { year, month } => NaiveDate::from_ymd_opt(year, month.unwrap_or(1), 1),
        _ => None,
    };
    if died.is_some_and(|d| d < ctx.today) {
        let shown = m.person.death.show();
        ctx.emit(
            out,
            &RULE,
            Field::Id,
            ctx.t(
                format!("Người đã mất ({shown}) theo CSDL dân cư vẫn còn trong danh sách"),
                format!("Died {shown} according to the population database, still listed"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn dead_in_active_list() {
        let m = run_ref("bhxh", &bhxh_dead(&[]), &RULE);
        assert_eq!(
            m,
            ["Người đã mất (01/03/2021) theo CSDL dân cư vẫn còn trong danh sách"]
        );
        // vaccination rows are past events: not this rule
        let v = vacc(&[("Số CCCD", "008075001122"), ("Ngày tiêm", "15/08/2020")]);
        assert!(run_ref("vaccination", &v, &RULE).is_empty());
        // alive
        assert!(run_ref(
            "bhxh",
            &bhxh_dead(&[("Số định danh cá nhân", "001190012345")]),
            &RULE
        )
        .is_empty());
    }
}
