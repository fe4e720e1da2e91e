use crate::*;
use lamsach_model::household::Relation;

/// HH005
pub static RULE: Rule = Rule {
    code: "HH005",
    name: "head-under-age",
    pillar: Pillar::Dung,
    category: Category::HouseholdMember,
    severity: Severity::Warning,
    label_vi: "Chủ hộ chưa đủ tuổi",
    label_en: "Head of household under age",
    doc: r#"## What it does
Flags a row whose relationship says "Chủ hộ" and whose date of birth makes
the person younger than `head_min_age` (18, in `rules/household.toml`) on the
run date. A year-only birth date is flagged only when even the oldest age it
allows is under the limit. A warning: a minor can head a household in law
(an orphan living alone), but it is rare and most often a wrong birth date
or a child marked as the head.

## Why is this bad?
A head younger than 18 usually means the head's and a child's rows were
swapped, or the birth year was mistyped.

## Example
| Quan hệ với chủ hộ | Ngày sinh | finding |
|---|---|---|
| Chủ hộ | `14/02/2015` | HH005 |
| Chủ hộ | `14/02/1985` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo dòng có quan hệ là "Chủ hộ" mà ngày sinh cho thấy người đó chưa đủ
`head_min_age` tuổi (18, trong `rules/household.toml`) tính đến ngày chạy kiểm
tra. Ngày sinh chỉ có năm thì chỉ bị báo khi ngay cả tuổi lớn nhất có thể vẫn
dưới giới hạn. Đây là cảnh báo: theo luật, người chưa thành niên vẫn có thể làm
chủ hộ (trẻ mồ côi sống một mình), nhưng rất hiếm, và thường là do sai ngày
sinh hoặc ghi nhầm con làm chủ hộ.

## Vì sao cần sửa
Chủ hộ dưới 18 tuổi thường có nghĩa là dòng của chủ hộ và của con bị ghi đảo
cho nhau, hoặc năm sinh bị gõ nhầm.

## Ví dụ
| Quan hệ với chủ hộ | Ngày sinh | kết quả |
|---|---|---|
| Chủ hộ | `14/02/2015` | HH005 |
| Chủ hộ | `14/02/1985` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(v) = ctx.get(Field::RelationToHead).filter(|v| !v.is_empty()) else {
        return;
    };
    let min = ctx.data.household.head_min_age;
    // the oldest age the date allows
    let age = match ctx.dob {
        DateValue::Full(d) => date::age_on(d, ctx.today),
        DateValue::Partial { year, .. } => chrono::Datelike::year(&ctx.today) - year,
        _ => return,
    };
    // a date in the future is DOB004's
    if age >= min || age < 0 {
        return;
    }
    if ctx.fold_with(v, |f| ctx.data.household.relation(f)) != Some(Relation::Head) {
        return;
    }
    ctx.emit(
        out,
        &RULE,
        Field::Dob,
        ctx.t(
            format!("Chủ hộ {age} tuổi, dưới {min}: kiểm tra ngày sinh hoặc chủ hộ"),
            format!("The head is {age}, under {min}: check the birth date or the head"),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn hh<'a>(rel: &'a str, dob: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("Mã hộ gia đình", "HGD-1"),
            ("Họ và tên", "Lê Văn Nam"),
            ("Ngày sinh", dob),
            ("Giới tính", "Nam"),
            ("Quan hệ với chủ hộ", rel),
        ]
    }

    #[test]
    fn young_heads() {
        // today is 23/11/2026
        assert_eq!(
            run("household", &hh("Chủ hộ", "24/11/2008"), &RULE),
            ["Chủ hộ 17 tuổi, dưới 18: kiểm tra ngày sinh hoặc chủ hộ"]
        );
        assert!(run("household", &hh("Chủ hộ", "23/11/2008"), &RULE).is_empty());
        // a child who is not the head
        assert!(run("household", &hh("Con", "24/11/2015"), &RULE).is_empty());
        // year only: 2009 may be 17 or 16; 2008 may be 18
        assert_eq!(run("household", &hh("Chủ hộ", "2009"), &RULE).len(), 1);
        assert!(run("household", &hh("Chủ hộ", "2008"), &RULE).is_empty());
        // a birth in the future is another rule's
        assert!(run("household", &hh("Chủ hộ", "01/01/2030"), &RULE).is_empty());
    }
}
