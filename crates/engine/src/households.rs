//! The household rules that need every member of a household (HH001,
//! HH002, HH003, HH006) or every row of a person (HH007), over the whole
//! file: members may be anywhere in it, so this runs in the pre-pass beside
//! the rule pass, its findings joined to the rows by line.
//!
//! 1. Every row is read once and summarised into one small record per
//!    household (a [`Summary`], 32 bytes) and one value per valid ID (the
//!    first household it is in, 8 bytes). A household is *open* when its
//!    summary cannot show it clean: no head, a second head, repeated head
//!    details that differ from each other or from the head's own, a second
//!    commune; an ID is open when it is seen in a second household.
//! 2. When anything is open, the rows of the open households and IDs only
//!    are read again and decided by the rules
//!    ([`lamsach_rules::household::household_findings`],
//!    [`person_in_two_households::findings`]).
//!
//! The first pass is conservative (a summary may open a household that the
//! second pass finds clean, never the reverse), so the findings are those of
//! the rules on the whole households.

use crate::shared_ids::each_row;
use crate::{ExtraFindings, Opened, Options};
use lamsach_io::error::Result;
use lamsach_io::input::{drop_empty_tail, split_fields};
use lamsach_model::first_seen::FirstSeen;
use lamsach_model::profile::{Field, RuleData};
use lamsach_rules::household::{
    household_findings, member_row, person_in_two_households, Cells, Cols, MemberRow,
};
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

/// What the first pass keeps of one household.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// The head's own name and ID, in the form of the repeated head details
    /// ([`fingerprint`]).
    head: u64,
    /// The first repeated head details seen.
    claim: u64,
    /// The first commune seen.
    commune: u64,
    flags: u8,
}

const HEAD: u8 = 1;
const CLAIM: u8 = 2;
const COMMUNE: u8 = 4;
/// Something the second pass must look at.
const OPEN: u8 = 8;

/// Name and ID as one number (either may be 0).
fn fingerprint(name: u64, id: u64) -> u64 {
    name.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23) ^ id
}

impl Summary {
    /// Adds a row; `head_name`, `head_id`: whether the file repeats the
    /// head's name, ID on the rows.
    fn add(&mut self, r: &MemberRow, head_name: bool, head_id: bool) {
        if r.is_head() {
            let own = fingerprint(
                if head_name { r.name } else { 0 },
                if head_id { r.id } else { 0 },
            );
            if self.flags & HEAD != 0 {
                self.flags |= OPEN;
            } else {
                self.head = own;
                self.flags |= HEAD;
            }
        }
        if head_name || head_id {
            let claim = fingerprint(r.head_name, r.head_id);
            if self.flags & CLAIM == 0 {
                self.claim = claim;
                self.flags |= CLAIM;
            } else if self.claim != claim {
                self.flags |= OPEN;
            }
        }
        if r.commune != 0 {
            if self.flags & COMMUNE == 0 {
                self.commune = r.commune;
                self.flags |= COMMUNE;
            } else if self.commune != r.commune {
                self.flags |= OPEN;
            }
        }
    }

    /// True when the second pass must decide the household.
    fn open(&self) -> bool {
        self.flags & OPEN != 0
            || self.flags & HEAD == 0
            || (self.flags & CLAIM != 0 && self.claim != self.head)
    }
}

/// The columns read, in this order, for [`Cells`].
const READ: [Field; 7] = [
    Field::HouseholdCode,
    Field::RelationToHead,
    Field::FullName,
    Field::Id,
    Field::HeadName,
    Field::HeadId,
    Field::Commune,
];

/// Splits a record as the rule pass does; None for a row the rule pass
/// does not check as a record (unreadable, or a subtotal, a signature).
fn split<'a>(rec: &'a [u8], opened: &Opened, data: &RuleData) -> Option<Vec<Cow<'a, str>>> {
    let expected = opened.mapping.headers.len();
    let mut raw = Vec::new();
    split_fields(rec, opened.source.delim(), &mut raw);
    drop_empty_tail(&mut raw, expected);
    if raw.len() != expected
        || lamsach_model::layout::non_record_cells(&raw, &opened.mapping, &data.headers).is_some()
    {
        return None;
    }
    Some(
        raw.into_iter()
            .map(|f| match f {
                Cow::Borrowed(b) => String::from_utf8_lossy(b),
                Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
            })
            .collect(),
    )
}

/// The row's [`MemberRow`] and its cells at `READ` (trimmed).
fn read_row(
    line: u64,
    rec: &[u8],
    opened: &Opened,
    data: &RuleData,
) -> Option<(MemberRow, [String; 7])> {
    let cells = split(rec, opened, data)?;
    let at = |f: Field| -> &str {
        opened
            .mapping
            .column(f)
            .and_then(|c| cells.get(c))
            .map_or("", |v| lamsach_text::trim(v))
    };
    let c = Cells {
        household: at(Field::HouseholdCode),
        relation: at(Field::RelationToHead),
        name: at(Field::FullName),
        id: at(Field::Id),
        head_name: at(Field::HeadName),
        head_id: at(Field::HeadId),
        commune: at(Field::Commune),
    };
    let mut buf = String::new();
    let r = member_row(line, &c, data, &mut buf)?;
    Some((r, READ.map(|f| at(f).to_string())))
}

/// Sizes of the first pass's tables, for measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassStats {
    pub households: usize,
    pub household_bytes: usize,
    pub ids: usize,
    pub id_bytes: usize,
    pub open_households: usize,
    pub open_ids: usize,
}

/// The household findings by line (see the module doc); nothing when the
/// file has no household code or no relationship column.
pub fn households(opened: &Opened, data: &RuleData, opts: &Options) -> Result<ExtraFindings> {
    households_with_stats(opened, data, opts).map(|(f, _)| f)
}

/// [`households`] and the sizes of its tables.
pub fn households_with_stats(
    opened: &Opened,
    data: &RuleData,
    opts: &Options,
) -> Result<(ExtraFindings, PassStats)> {
    let mut found = ExtraFindings::new();
    let map = &opened.mapping;
    if map.column(Field::HouseholdCode).is_none() || map.column(Field::RelationToHead).is_none() {
        return Ok((found, PassStats::default()));
    }
    let head_name = map.column(Field::HeadName).is_some();
    let head_id = map.column(Field::HeadId).is_some();
    // 1. one summary per household, the first household of each ID
    let mut summaries: FirstSeen<Summary> = FirstSeen::default();
    let mut first_household: FirstSeen<u64> = FirstSeen::default();
    let mut open_ids: FxHashSet<u64> = FxHashSet::default();
    each_row(
        opened,
        data,
        |line, rec| read_row(line, rec, opened, data).map(|(r, _)| r),
        |r: MemberRow| {
            summaries
                .get_or_insert_mut(r.household, Summary::default())
                .add(&r, head_name, head_id);
            if r.id != 0 {
                if let Some(h) = first_household.first_or_insert(r.id, r.household) {
                    if h != r.household {
                        open_ids.insert(r.id);
                    }
                }
            }
        },
    )?;
    let open: FxHashSet<u64> = summaries
        .iter()
        .filter(|(_, s)| s.open())
        .map(|(k, _)| k)
        .collect();
    let stats = PassStats {
        households: summaries.len(),
        household_bytes: summaries.heap_bytes(),
        ids: first_household.len(),
        id_bytes: first_household.heap_bytes(),
        open_households: open.len(),
        open_ids: open_ids.len(),
    };
    drop(summaries);
    drop(first_household);
    if open.is_empty() && open_ids.is_empty() {
        return Ok((found, stats));
    }
    // 2. the rows of the open households and IDs
    let mut by_household: FxHashMap<u64, Vec<MemberRow>> = FxHashMap::default();
    let mut by_id: FxHashMap<u64, Vec<MemberRow>> = FxHashMap::default();
    let mut communes: FxHashMap<u64, String> = FxHashMap::default();
    let mut values: FxHashMap<u64, [String; 7]> = FxHashMap::default();
    each_row(
        opened,
        data,
        |line, rec| {
            read_row(line, rec, opened, data)
                .filter(|(r, _)| open.contains(&r.household) || open_ids.contains(&r.id))
        },
        |(r, cells): (MemberRow, [String; 7])| {
            if open.contains(&r.household) {
                if r.commune != 0 {
                    communes
                        .entry(r.commune)
                        .or_insert_with(|| cells[6].clone());
                }
                by_household.entry(r.household).or_default().push(r.clone());
            }
            if open_ids.contains(&r.id) {
                by_id.entry(r.id).or_default().push(r.clone());
            }
            values.insert(r.line, cells);
        },
    )?;
    let cols = Cols::of(map);
    let commune_text = |h: u64| communes.get(&h).cloned().unwrap_or_default();
    let mut all = Vec::new();
    for rows in by_household.values() {
        all.extend(household_findings(rows, &cols, &commune_text, opts.lang));
    }
    for rows in by_id.values() {
        person_in_two_households::findings(rows, &cols, opts.lang, &mut all);
    }
    for mut f in all {
        // the cell the finding is about, as written
        if let (Some(col), Some(cells)) = (f.column, values.get(&f.line)) {
            if let Some(i) = READ.iter().position(|&x| map.column(x) == Some(col)) {
                f.value = cells[i].clone();
            }
        }
        found.entry(f.line).or_default().push(f);
    }
    for fs in found.values_mut() {
        fs.sort_by(|a, b| a.rule.code.cmp(b.rule.code));
    }
    Ok((found, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lamsach_rules::household::Relation;

    fn r(rel: Option<Relation>, name: u64, id: u64, head: (u64, u64), commune: u64) -> MemberRow {
        MemberRow {
            line: 2,
            household: 1,
            relation: rel,
            name,
            id,
            head_name: head.0,
            head_id: head.1,
            commune,
        }
    }

    const H: Option<Relation> = Some(Relation::Head);
    const M: Option<Relation> = Some(Relation::Member);

    #[test]
    fn summaries_open_what_may_have_a_finding() {
        let clean = [r(M, 2, 12, (1, 11), 5), r(H, 1, 11, (1, 11), 5)];
        let mut s = Summary::default();
        clean.iter().for_each(|x| s.add(x, true, true));
        assert!(!s.open());
        // no head
        let mut s = Summary::default();
        s.add(&clean[0], true, true);
        assert!(s.open());
        // a member naming someone else
        let mut s = Summary::default();
        clean.iter().for_each(|x| s.add(x, true, true));
        s.add(&r(M, 3, 13, (9, 11), 5), true, true);
        assert!(s.open());
        // a second commune, a second head
        for extra in [r(M, 3, 13, (1, 11), 6), r(H, 3, 13, (1, 11), 5)] {
            let mut s = Summary::default();
            clean.iter().for_each(|x| s.add(x, true, true));
            s.add(&extra, true, true);
            assert!(s.open(), "{extra:?}");
        }
        // only the head's name repeated: the head's own ID is not compared
        let mut s = Summary::default();
        [r(M, 2, 12, (1, 0), 5), r(H, 1, 11, (1, 0), 5)]
            .iter()
            .for_each(|x| s.add(x, true, false));
        assert!(!s.open());
    }

    #[test]
    fn summaries_are_32_bytes() {
        assert_eq!(std::mem::size_of::<Summary>(), 32);
    }
}
