use crate::*;
use lamsach_reference::Lookup;

pub static RULE: Rule = Rule {
    code: "REF001",
    name: "id-not-in-reference",
    pillar: Pillar::Dung,
    category: Category::NotInReference,
    severity: Severity::Error,
    label_vi: "Số định danh không có trong CSDL dân cư",
    label_en: "ID not in the population database",
    doc: r#"## What it does
With `--reference dan-cu.csv`, flags rows whose ID is a well-formed 12-digit
number (or one whose leading zeros Excel dropped, restored) that the
population reference extract does not contain.

## Why is this bad?
A correct ID of a resident of the area is in the extract. A number that is
not there was mistyped, belongs to a person registered elsewhere (check the
extract covers the whole area), or does not exist: it cannot be verified
("đúng") until it is corrected.

## Example
| Số CCCD | in `dan-cu.csv` | finding |
|---|---|---|
| 001190012345 | yes | — |
| 001190012346 | no | REF001 |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi có `--reference dan-cu.csv`, báo các dòng có số định danh 12 số đúng định
dạng (hoặc số bị Excel làm mất số 0 ở đầu, đã được thêm lại) mà trích xuất CSDL
dân cư dùng để đối chiếu không có.

## Vì sao cần sửa
Số định danh đúng của người cư trú trên địa bàn thì có trong trích xuất. Số
không có ở đó là do gõ nhầm, là của người đăng ký ở nơi khác (kiểm tra xem trích
xuất có phủ hết địa bàn không), hoặc không tồn tại: chưa thể xác thực ("đúng")
cho đến khi được sửa.

## Ví dụ
| Số CCCD | có trong `dan-cu.csv` | kết quả |
|---|---|---|
| 001190012345 | có | — |
| 001190012346 | không | REF001 |
"#,
    check: Check::Reference(check),
};

fn check(ctx: &RowCtx, lk: &Lookup, out: &mut Vec<Finding>) {
    if let Lookup::NotFound { padded } = lk {
        let msg = if *padded {
            ctx.t(
                "Số định danh (đã thêm lại số 0 đầu bị mất) không có trong CSDL dân cư".into(),
                "ID (with its dropped leading zeros restored) is not in the population database"
                    .into(),
            )
        } else {
            ctx.t(
                "Số định danh không có trong CSDL dân cư".into(),
                "ID is not in the population database".into(),
            )
        };
        ctx.emit(out, &RULE, Field::Id, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::testing::*;
    use crate::testing::*;

    #[test]
    fn not_found() {
        let m = run_ref("vaccination", &vacc(&[("Số CCCD", "001190012346")]), &RULE);
        assert_eq!(m, ["Số định danh không có trong CSDL dân cư"]);
        let m = run_ref("vaccination", &vacc(&[("Số CCCD", "1190012346")]), &RULE);
        assert!(m[0].contains("số 0"), "{m:?}");
        // found, or no usable ID (reported by the ID rules): nothing here
        assert!(run_ref("vaccination", &vacc(&[]), &RULE).is_empty());
        assert!(run_ref("vaccination", &vacc(&[("Số CCCD", "")]), &RULE).is_empty());
        assert!(run_ref("vaccination", &vacc(&[("Số CCCD", "1.19E+11")]), &RULE).is_empty());
        // dropped zeros restored and found
        assert!(run_ref("vaccination", &vacc(&[("Số CCCD", "1190012345")]), &RULE).is_empty());
    }
}
