//! The extract's index: 12-digit ID (as `u64`) → its person, packed into
//! 16 bytes and stored inline in the slot of lamsach's one open-addressing
//! table ([`lamsach_model::first_seen`]): a lookup touches one slot instead of
//! a control array, a bucket and a separate record, which is what dominates
//! the time of a join against millions of people. The first record of an ID
//! is kept; a later one is a duplicate.

use lamsach_model::first_seen::FirstSeen;

/// The index: ID → record.
pub type People = FirstSeen<Record>;

/// A person as stored in the table: 16 bytes, 24 with its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    /// Offset of the name in the arena (length-prefixed).
    pub name: u32,
    /// Packed date of birth (23 bits) and, in the top two bits, the sex.
    dob_sex: u32,
    /// Packed date of death.
    pub death: u32,
    /// Line of the reference file the record comes from (saturating), to
    /// name the first line of a duplicate ID.
    pub line: u32,
}

const SEX_SHIFT: u32 = 30;

impl Record {
    /// `dob` is a packed date (below 2^23), `sex` 0 unknown, 1 male, 2 female.
    pub fn new(name: u32, dob: u32, sex: u8, death: u32, line: u64) -> Record {
        Record {
            name,
            dob_sex: (dob & ((1 << SEX_SHIFT) - 1)) | (u32::from(sex & 3) << SEX_SHIFT),
            death,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }

    pub fn dob(&self) -> u32 {
        self.dob_sex & ((1 << SEX_SHIFT) - 1)
    }

    pub fn sex(&self) -> u8 {
        (self.dob_sex >> SEX_SHIFT) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_keeps_the_first_record() {
        let mut t = People::with_capacity(1000);
        assert_eq!(t.heap_bytes(), 1334 * 24);
        for k in 1..=5000u64 {
            let r = Record::new(k as u32, k as u32, (k % 3) as u8, 0, k);
            assert!(t.first_or_insert(k * 1_000_003, r).is_none());
        }
        assert!((1..=5000u64).all(|k| t.get(k * 1_000_003).map(|s| (
            s.name,
            s.dob(),
            s.sex(),
            s.line
        )) == Some((k as u32, k as u32, (k % 3) as u8, k as u32))));
        let again = t.first_or_insert(1_000_003, Record::new(99, 0, 0, 0, 99));
        assert_eq!(again.map(|s| s.name), Some(1));
        assert_eq!(t.len(), 5000);
        assert!(t.get(7).is_none());
        assert_eq!(std::mem::size_of::<(u64, Record)>(), 24);
    }
}
