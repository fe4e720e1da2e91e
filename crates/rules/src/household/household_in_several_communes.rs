use super::{finding, lines_text, related, Cols, MemberRow};
use crate::*;

/// HH006
pub static RULE: Rule = Rule {
    code: "HH006",
    name: "household-in-several-communes",
    pillar: Pillar::Dung,
    category: Category::Household,
    severity: Severity::Error,
    label_vi: "Một mã hộ ở nhiều xã/phường",
    label_en: "One household code in several communes",
    doc: r#"## What it does
Finds household codes whose rows give more than one commune (xã/phường,
compared without case, diacritics or extra spaces). The household's commune
is the head's (where there is one head, or one kept by HH002), else the
commune of most of its rows (on a tie, the one that comes first); the
finding lands on the rows in any other commune, on the commune column,
naming rows of the household's commune in `related_lines`. Counted once per
household. An empty commune is not compared (FLD001 or the profile's
required fields say so).

## Why is this bad?
A household lives at one address. A code spread over communes is either a
member registered elsewhere without leaving the household, a commune
misspelt on some rows, or two households given one code.

## Example
| line | Mã hộ gia đình | Họ và tên | Quan hệ | Xã | finding |
|---|---|---|---|---|---|
| 2 | HGD-0013 | Đỗ Văn Lực | Chủ hộ | Nghĩa Hành | — |
| 3 | HGD-0013 | Đỗ Thị Yến | Con | Tư Nghĩa | HH006 (related: 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các mã hộ mà các dòng ghi nhiều hơn một xã/phường (so sánh không phân biệt
hoa thường, dấu hay khoảng trắng thừa). Xã/phường của hộ là xã/phường của chủ
hộ (khi có một chủ hộ, hoặc chủ hộ được HH002 giữ lại), nếu không thì là
xã/phường của đa số các dòng (nếu ngang nhau, lấy xã/phường xuất hiện trước);
kết quả được ghi ở các dòng thuộc xã/phường khác, tại cột xã/phường, kèm các
dòng thuộc xã/phường của hộ trong `related_lines`. Mỗi hộ tính một lần. Ô
xã/phường trống thì không so sánh (FLD001 hoặc các trường bắt buộc của hồ sơ
mẫu sẽ báo).

## Vì sao cần sửa
Một hộ sống ở một địa chỉ. Một mã hộ trải trên nhiều xã/phường là do có thành
viên đăng ký ở nơi khác mà chưa rời hộ, do viết sai tên xã/phường ở một số
dòng, hoặc do hai hộ bị cấp chung một mã.

## Ví dụ
| dòng | Mã hộ gia đình | Họ và tên | Quan hệ | Xã | kết quả |
|---|---|---|---|---|---|
| 2 | HGD-0013 | Đỗ Văn Lực | Chủ hộ | Nghĩa Hành | — |
| 3 | HGD-0013 | Đỗ Thị Yến | Con | Tư Nghĩa | HH006 (liên quan: 2) |
"#,
    check: Check::WholeFile,
};

/// HH006 on `rows` (one household, in line order), the head at index
/// `head` when known, into `out`.
pub fn findings(
    rows: &[MemberRow],
    head: Option<usize>,
    cols: &Cols,
    communes: &dyn Fn(u64) -> String,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    // distinct communes in order of first row, with their row counts
    let mut seen: Vec<(u64, usize)> = Vec::new();
    for r in rows.iter().filter(|r| r.commune != 0) {
        match seen.iter_mut().find(|(c, _)| *c == r.commune) {
            Some(s) => s.1 += 1,
            None => seen.push((r.commune, 1)),
        }
    }
    if seen.len() < 2 {
        return;
    }
    let by_head = head
        .and_then(|h| rows.get(h))
        .map(|h| h.commune)
        .filter(|&c| c != 0);
    let kept = by_head.unwrap_or_else(|| {
        let max = seen.iter().map(|s| s.1).max().unwrap_or(0);
        seen.iter().find(|s| s.1 == max).map_or(0, |s| s.0)
    });
    let home = related(rows.iter().filter(|r| r.commune == kept).map(|r| r.line));
    let name = communes(kept);
    let why = match (by_head.is_some(), lang.is_en()) {
        (true, false) => "xã của chủ hộ",
        (false, false) => "xã của phần lớn thành viên",
        (true, true) => "the head's commune",
        (false, true) => "the commune of most members",
    };
    let message = lang.pick(
        format!(
            "Hộ ở xã/phường khác: {name} ({why}, dòng {}): sửa xã/phường hoặc mã hộ của dòng này",
            lines_text(&home)
        ),
        format!(
            "The household is in another commune: {name} ({why}, line {}): fix this row's commune or household code",
            lines_text(&home)
        ),
    );
    let mut first = true;
    for r in rows.iter().filter(|r| r.commune != 0 && r.commune != kept) {
        out.push(finding(
            &RULE,
            r.line,
            cols.commune,
            message.clone(),
            home.clone(),
            !first,
        ));
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::super::*;

    #[test]
    fn the_heads_commune_is_the_households() {
        let rows = [
            row(2, "M", 2, 0, (0, 0), 8),
            row(3, "M", 3, 0, (0, 0), 8),
            row(4, "H", 1, 0, (0, 0), 5),
            row(9, "M", 4, 0, (0, 0), 0),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::Vi);
        assert_eq!(codes(&f), [(2, "HH006", false), (3, "HH006", true)]);
        assert_eq!(f[0].related, [4]);
        assert_eq!(f[0].column, Some(5));
        assert_eq!(
            f[0].message,
            "Hộ ở xã/phường khác: Xã 5 (xã của chủ hộ, dòng 4): sửa xã/phường hoặc mã hộ của dòng này"
        );
    }

    #[test]
    fn without_a_head_most_members_decide() {
        let rows = [
            row(2, "M", 2, 0, (0, 0), 8),
            row(3, "M", 3, 0, (0, 0), 5),
            row(4, "M", 1, 0, (0, 0), 5),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::En);
        assert_eq!(codes(&f), [(2, "HH001", false), (2, "HH006", false)]);
        assert_eq!(f[1].related, [3, 4]);
        assert!(f[1].message.contains("the commune of most members"));
        // one commune only: nothing
        let same = [row(2, "H", 2, 0, (0, 0), 5), row(3, "M", 3, 0, (0, 0), 5)];
        assert!(household_findings(&same, &cols(), &commune_name, Lang::En).is_empty());
    }
}
