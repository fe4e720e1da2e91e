//! Households (hộ gia đình): rows that share a household code, read as one
//! household. The row rules (HH004, HH005) run on each row; the others need
//! every member of a household, wherever its rows are in the file, and are
//! decided in the engine's household pass ([`Check::WholeFile`]) from the
//! [`MemberRow`]s of a household ([`household_findings`]) or of a person
//! ([`person_in_two_households::findings`]).

pub mod head_details_disagree;
pub mod head_under_age;
pub mod household_in_several_communes;
pub mod household_several_heads;
pub mod household_without_head;
pub mod person_in_two_households;
pub mod relation_to_head_unrecognised;

use crate::*;
pub use lamsach_model::household::Relation;

/// One row of a household as the whole-file household rules see it:
/// hashes and numbers, no text but the commune's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub line: u64,
    /// xxh3 of the folded household code (never 0 for a row that takes part).
    pub household: u64,
    /// None: the relationship is missing or not recognised (HH004).
    pub relation: Option<Relation>,
    /// xxh3 of the folded full name; 0 when empty.
    pub name: u64,
    /// The 12-digit ID as a number; 0 when the row has no valid one.
    pub id: u64,
    /// The head's name repeated on the row (xxh3, folded); 0 when empty or
    /// the file has no such column.
    pub head_name: u64,
    /// The head's ID repeated on the row; 0 when empty, not a valid
    /// 12-digit ID, or the file has no such column.
    pub head_id: u64,
    /// xxh3 of the folded commune; 0 when empty or no such column.
    pub commune: u64,
}

impl MemberRow {
    pub fn is_head(&self) -> bool {
        self.relation == Some(Relation::Head)
    }

    /// True when the head details this row repeats agree with `head`'s
    /// own name and ID (an empty side agrees with anything).
    pub fn names_head(&self, head: &MemberRow) -> bool {
        let id = self.head_id == 0 || head.id == 0 || self.head_id == head.id;
        let name = self.head_name == 0 || head.name == 0 || self.head_name == head.name;
        id && name
    }

    /// True when the row repeats any head detail that points at `head`:
    /// the ID when both sides have one, else the name.
    pub fn points_at(&self, head: &MemberRow) -> bool {
        if self.head_id != 0 && head.id != 0 {
            self.head_id == head.id
        } else {
            self.head_name != 0 && head.name != 0 && self.head_name == head.name
        }
    }
}

/// The columns of the household fields, for the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cols {
    pub household: Option<usize>,
    pub relation: Option<usize>,
    pub id: Option<usize>,
    pub head_name: Option<usize>,
    pub head_id: Option<usize>,
    pub commune: Option<usize>,
}

impl Cols {
    pub fn of(map: &Mapping) -> Cols {
        Cols {
            household: map.column(Field::HouseholdCode),
            relation: map.column(Field::RelationToHead),
            id: map.column(Field::Id),
            head_name: map.column(Field::HeadName),
            head_id: map.column(Field::HeadId),
            commune: map.column(Field::Commune),
        }
    }
}

/// The cells a household row is read from, trimmed; "" for a column the
/// file lacks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cells<'a> {
    pub household: &'a str,
    pub relation: &'a str,
    pub name: &'a str,
    pub id: &'a str,
    pub head_name: &'a str,
    pub head_id: &'a str,
    pub commune: &'a str,
}

fn hash_folded(v: &str, buf: &mut String) -> u64 {
    if v.is_empty() {
        return 0;
    }
    buf.clear();
    lamsach_text::fold_into(v, buf);
    if buf.is_empty() {
        return 0;
    }
    xxhash_rust::xxh3::xxh3_64(buf.as_bytes()).max(1)
}

fn id_number(v: &str, data: &RuleData) -> u64 {
    match lamsach_model::parse::id::parse(v, data) {
        IdValue::Cccd(d) => d.iter().fold(0u64, |n, c| n * 10 + u64::from(c - b'0')),
        _ => 0,
    }
}

/// The relationship a cell names (None: empty or not recognised).
pub fn relation_of(v: &str, data: &RuleData, buf: &mut String) -> Option<Relation> {
    if v.is_empty() {
        return None;
    }
    buf.clear();
    lamsach_text::fold_into(v, buf);
    data.household.relation(buf)
}

/// The row's [`MemberRow`]; None when it has no household code (it takes
/// no part: FLD001 flags the empty code). `buf` is a reused buffer.
pub fn member_row(line: u64, c: &Cells, data: &RuleData, buf: &mut String) -> Option<MemberRow> {
    let household = hash_folded(c.household, buf);
    if household == 0 {
        return None;
    }
    Some(MemberRow {
        line,
        household,
        relation: relation_of(c.relation, data, buf),
        name: hash_folded(c.name, buf),
        id: id_number(c.id, data),
        head_name: hash_folded(c.head_name, buf),
        head_id: id_number(c.head_id, data),
        commune: hash_folded(c.commune, buf),
    })
}

/// Most related lines a finding names.
pub(crate) const MAX_RELATED: usize = 20;

/// Lines for a message: the first five, then "…".
pub(crate) fn lines_text(lines: &[u64]) -> String {
    let mut s = lines
        .iter()
        .take(5)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if lines.len() > 5 {
        s.push_str(", …");
    }
    s
}

/// The related lines of a finding: `lines`, in order, at most [`MAX_RELATED`].
pub(crate) fn related(lines: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut v: Vec<u64> = lines.collect();
    v.sort_unstable();
    v.truncate(MAX_RELATED);
    v
}

pub(crate) fn finding(
    rule: &'static Rule,
    line: u64,
    column: Option<usize>,
    message: String,
    related: Vec<u64>,
    repeat: bool,
) -> Finding {
    Finding {
        line,
        rule,
        column,
        value: String::new(),
        message,
        related,
        repeat,
    }
}

/// The findings of one household (HH001, HH002, HH003, HH006), from all
/// its rows in line order; `communes` gives a commune's text by its hash,
/// for the message. Sorted by line, then rule.
pub fn household_findings(
    rows: &[MemberRow],
    cols: &Cols,
    communes: &dyn Fn(u64) -> String,
    lang: Lang,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if rows.is_empty() {
        return out;
    }
    household_without_head::findings(rows, cols, lang, &mut out);
    let head = household_several_heads::findings(rows, cols, lang, &mut out);
    if let Some(h) = head {
        head_details_disagree::findings(rows, h, cols, lang, &mut out);
    }
    household_in_several_communes::findings(rows, head, cols, communes, lang, &mut out);
    out.sort_by(|a, b| a.line.cmp(&b.line).then(a.rule.code.cmp(b.rule.code)));
    out
}

#[cfg(test)]
pub(crate) mod test_rows {
    //! Households written as rows, for the rules' tests.
    use super::*;

    /// A member row: line, relation ("H" head, "M" member, "" none), name,
    /// ID, the repeated head name and ID, the commune.
    pub fn row(
        line: u64,
        rel: &str,
        name: u64,
        id: u64,
        head: (u64, u64),
        commune: u64,
    ) -> MemberRow {
        MemberRow {
            line,
            household: 7,
            relation: match rel {
                "H" => Some(Relation::Head),
                "M" => Some(Relation::Member),
                _ => None,
            },
            name,
            id,
            head_name: head.0,
            head_id: head.1,
            commune,
        }
    }

    pub fn cols() -> Cols {
        Cols {
            household: Some(0),
            relation: Some(1),
            id: Some(2),
            head_name: Some(3),
            head_id: Some(4),
            commune: Some(5),
        }
    }

    pub fn codes(f: &[Finding]) -> Vec<(u64, &'static str, bool)> {
        f.iter().map(|f| (f.line, f.rule.code, f.repeat)).collect()
    }

    pub fn commune_name(h: u64) -> String {
        format!("Xã {h}")
    }
}

#[cfg(test)]
mod tests {
    use super::test_rows::*;
    use super::*;
    use crate::testing::data;

    #[test]
    fn rows_are_read_without_case_or_diacritics() {
        let mut buf = String::new();
        let d = data();
        let a = Cells {
            household: "HGD-01",
            relation: "Chủ hộ",
            name: "Nguyễn Văn An",
            id: "051085001234",
            head_name: "NGUYEN VAN AN",
            head_id: "051085001234",
            commune: "Nghĩa Hành",
        };
        let r = member_row(2, &a, d, &mut buf).unwrap();
        assert!(r.is_head());
        assert_eq!(r.id, 51_085_001_234);
        assert_eq!(r.head_name, r.name);
        assert_eq!(r.head_id, r.id);
        let b = Cells {
            household: "hgd-01",
            relation: "con",
            ..a
        };
        let s = member_row(3, &b, d, &mut buf).unwrap();
        assert_eq!(s.household, r.household);
        assert_eq!(s.relation, Some(Relation::Member));
        assert!(s.names_head(&r) && s.points_at(&r));
        let none = Cells {
            household: " ",
            ..a
        };
        assert!(member_row(
            4,
            &Cells {
                household: "",
                ..none
            },
            d,
            &mut buf
        )
        .is_none());
        let odd = Cells {
            relation: "bạn cùng phòng",
            id: "123",
            ..a
        };
        let o = member_row(5, &odd, d, &mut buf).unwrap();
        assert_eq!((o.relation, o.id), (None, 0));
    }

    #[test]
    fn a_clean_household_has_no_findings() {
        let rows = [
            row(2, "H", 1, 11, (1, 11), 5),
            row(3, "M", 2, 12, (1, 11), 5),
            row(9, "M", 3, 13, (1, 0), 5),
        ];
        assert!(household_findings(&rows, &cols(), &commune_name, Lang::Vi).is_empty());
    }
}
