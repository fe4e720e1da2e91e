use crate::*;
use lamsach_model::parse::phone::{self, PhoneValue};

pub static RULE: Rule = Rule {
    code: "PHO001",
    name: "phone-invalid",
    pillar: Pillar::Dung,
    category: Category::PersonalInfo,
    severity: Severity::Warning,
    label_vi: "Số điện thoại không hợp lệ",
    label_en: "Phone number invalid",
    doc: r#"## What it does
Checks mobile numbers: 10 digits starting 03, 05, 07, 08 or 09 (since the
2018 renumbering); `+84`/`84` prefixes, spaces and dots are accepted, as are
landlines (02…). The message says when the number lost its leading zero to
Excel (9 digits) or is an old 11-digit `01…` number. An empty phone is not
flagged unless the profile requires it.

## Why is this bad?
Reports count phone errors under "Sai thông tin cá nhân (… số điện thoại …)";
the phone is how a facility reaches the person to correct the record.

## Example
| Số điện thoại | message |
|---|---|
| `912345678` | mất số 0 ở đầu: 0912345678 |
| `01234567890` | số 11 chữ số cũ |
| `0912 345` | sai định dạng |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Kiểm tra số điện thoại di động: 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09
(từ đợt chuyển đổi đầu số năm 2018); chấp nhận tiền tố `+84`/`84`, dấu cách và
dấu chấm, và cả số cố định (02…). Thông báo cho biết khi số bị Excel làm mất số
0 ở đầu (9 chữ số) hoặc là số cũ 11 chữ số dạng `01…`. Số điện thoại để trống
không bị báo trừ khi hồ sơ mẫu yêu cầu.

## Vì sao cần sửa
Báo cáo tính lỗi số điện thoại vào mục "Sai thông tin cá nhân (… số điện thoại
…)"; số điện thoại là cách để cơ sở liên hệ với người dân để sửa bản ghi.

## Ví dụ
| Số điện thoại | thông báo |
|---|---|
| `912345678` | mất số 0 ở đầu: 0912345678 |
| `01234567890` | số 11 chữ số cũ |
| `0912 345` | sai định dạng |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(v) = ctx.get(Field::Phone) else {
        return;
    };
    let msg = match phone::parse(v) {
        PhoneValue::Missing | PhoneValue::Valid | PhoneValue::Landline => return,
        PhoneValue::DroppedZero { padded } => ctx.t(
            format!("Số điện thoại mất số 0 ở đầu; có thể là {padded}"),
            format!("Phone number lost its leading zero; probably {padded}"),
        ),
        PhoneValue::OldEleven => ctx.t(
            "Số điện thoại 11 chữ số cũ (trước 2018), cần chuyển sang 10 số".into(),
            "Old 11-digit phone number (before 2018); convert to 10 digits".into(),
        ),
        PhoneValue::Malformed => ctx.t(
            "Số điện thoại sai định dạng (cần 10 chữ số, bắt đầu 03/05/07/08/09)".into(),
            "Phone number malformed (10 digits starting 03/05/07/08/09 expected)".into(),
        ),
    };
    ctx.emit(out, &RULE, Field::Phone, msg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(v: &str) -> Vec<String> {
        run("vaccination", &vacc(&[("Số điện thoại", v)]), &RULE)
    }

    #[test]
    fn phones() {
        assert!(m("912345678")[0].contains("0912345678"));
        assert!(m("01234567890")[0].contains("11 chữ số"));
        assert!(m("0912 345")[0].contains("sai định dạng"));
        assert!(m("").is_empty());
        assert!(m("+84912345678").is_empty());
    }
}
