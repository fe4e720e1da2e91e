//! The findings as columns in memory, for DataFrames: `issues.parquet`
//! and the Python package. The cells are those of the findings list
//! (`issues.csv`), in the report's language and masked as asked, but not
//! neutralised for spreadsheets, and the columns are named by their
//! machine keys ([`crate::ISSUES_COLUMNS`]).

use crate::{FindingList, ISSUES_COLUMNS};
use lamsach_engine::{RecordKeys, Sink};
use lamsach_io::error::Result;
use lamsach_rules::Finding;
use lamsach_text::Lang;

/// The findings of a run, column by column.
#[derive(Debug, Clone, Default)]
pub struct FindingsTable {
    list: FindingList,
    /// The `line` column.
    pub lines: Vec<u64>,
    /// The other columns, in [`ISSUES_COLUMNS`] order after `line`.
    pub text: Vec<Vec<String>>,
}

impl FindingsTable {
    pub fn new(lang: Lang, mask_ids: bool, mapping: &lamsach_model::profile::Mapping) -> Self {
        let mut list = FindingList::new(lang, mask_ids);
        list.set_columns(mapping);
        FindingsTable {
            list,
            lines: Vec::new(),
            text: vec![Vec::new(); ISSUES_COLUMNS.len() - 1],
        }
    }

    /// The columns' names, `line` first.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        ISSUES_COLUMNS.iter().map(|(k, _)| *k)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The `dob` column as days since 1970-01-01 (a DataFrame's date);
    /// None where the cell is not a full date.
    pub fn dob_days(&self) -> Vec<Option<i32>> {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        self.column("dob")
            .unwrap_or_default()
            .iter()
            .map(|v| match lamsach_model::parse::date::parse(v) {
                lamsach_model::parse::date::DateValue::Full(d) => {
                    i32::try_from((d - epoch).num_days()).ok()
                }
                _ => None,
            })
            .collect()
    }

    /// The `related_lines` column as numbers.
    pub fn related(&self) -> Vec<Vec<u64>> {
        self.column("related_lines")
            .unwrap_or_default()
            .iter()
            .map(|v| v.split(' ').filter_map(|x| x.parse().ok()).collect())
            .collect()
    }

    /// The text column `key` (None for `line` or an unknown key).
    pub fn column(&self, key: &str) -> Option<&[String]> {
        let i = ISSUES_COLUMNS.iter().position(|(k, _)| *k == key)?;
        self.text.get(i.checked_sub(1)?).map(Vec::as_slice)
    }
}

impl Sink for FindingsTable {
    fn finding(&mut self, f: &Finding, group: &str) -> Result<()> {
        self.finding_in(f, group, None)
    }

    fn finding_in(&mut self, f: &Finding, group: &str, keys: Option<&RecordKeys>) -> Result<()> {
        let cells = self.list.cells(f, group, keys);
        self.lines.push(f.line);
        for (col, cell) in self.text.iter_mut().zip(cells.into_iter().skip(1)) {
            col.push(cell.into_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_finding_with_every_column() {
        let profile = lamsach_model::profile::RuleData::embedded().unwrap();
        let p = profile.profile("vaccination").unwrap();
        let headers: Vec<String> = ["Họ và tên", "Số CCCD"].map(String::from).to_vec();
        let mapping = lamsach_model::profile::Mapping::new(p, &headers, &profile.headers);
        let mut t = FindingsTable::new(Lang::En, true, &mapping);
        let f = Finding {
            line: 7,
            rule: lamsach_rules::REGISTRY[0],
            column: Some(1),
            value: "001090012345".into(),
            message: "=cmd".into(),
            related: vec![3],
            repeat: false,
        };
        t.finding(&f, "Sơn Tịnh").unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t.lines, [7]);
        assert_eq!(t.text.len(), 15);
        assert_eq!(t.column("group").unwrap(), ["Sơn Tịnh"]);
        assert_eq!(t.column("column").unwrap(), ["Số CCCD"]);
        // masked, and not neutralised for spreadsheets
        assert_eq!(t.column("value").unwrap(), ["0010****2345"]);
        assert_eq!(t.column("message").unwrap(), ["=cmd"]);
        assert_eq!(t.column("related_lines").unwrap(), ["3"]);
        assert_eq!(t.related(), [vec![3]]);
        assert_eq!(t.dob_days(), [None]);
        assert!(t.column("line").is_none());
    }
}
