//! An open-addressing hash table from a 12-digit ID (as `u64`) to a packed
//! record, with the record stored in the slot itself: a lookup touches one
//! slot (and its neighbours in the same cache line) instead of a control
//! array, a bucket and a separate record, which is what dominates the time
//! of a join against millions of people. Linear probing; the slot count need
//! not be a power of two (a multiply-shift maps the hash onto it), so a table
//! sized from the file holds n IDs in 4n/3 slots. ID 0 marks an empty slot
//! (it is never a valid ID).

/// A record as stored in the table: 24 bytes with its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slot {
    pub key: u64,
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

impl Slot {
    /// `dob` is a packed date (below 2^23), `sex` 0 unknown, 1 male, 2 female.
    pub fn new(key: u64, name: u32, dob: u32, sex: u8, death: u32, line: u64) -> Slot {
        Slot {
            key,
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

pub struct Table {
    slots: Vec<Slot>,
    len: usize,
}

/// Slots for `n` IDs at a load factor of 3/4.
fn slots_for(n: usize) -> usize {
    (n.saturating_mul(4) / 3 + 1).max(16)
}

impl Table {
    pub fn with_capacity(n: usize) -> Table {
        Table {
            slots: vec![Slot::default(); slots_for(n)],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (key >> 29);
        ((h as u128 * self.slots.len() as u128) >> 64) as usize
    }

    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 >= self.slots.len() {
            0
        } else {
            i + 1
        }
    }

    #[inline]
    pub fn get(&self, key: u64) -> Option<&Slot> {
        if key == 0 {
            return None;
        }
        let mut i = self.home(key);
        loop {
            let s = self.slots.get(i)?;
            if s.key == key {
                return Some(s);
            }
            if s.key == 0 {
                return None;
            }
            i = self.next(i);
        }
    }

    /// Inserts `slot` unless its key is present; returns the slot already
    /// there in that case (the first one is kept). Key 0 is ignored.
    pub fn insert(&mut self, slot: Slot) -> Option<Slot> {
        if slot.key == 0 {
            return None;
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mut i = self.home(slot.key);
        loop {
            let s = self.slots.get_mut(i)?;
            if s.key == slot.key {
                return Some(*s);
            }
            if s.key == 0 {
                *s = slot;
                self.len += 1;
                return None;
            }
            i = self.next(i);
        }
    }

    fn grow(&mut self) {
        let n = self.slots.len().saturating_mul(2);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
        self.len = 0;
        for s in old.into_iter().filter(|s| s.key != 0) {
            self.insert(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_grow_keep_first() {
        let mut t = Table::with_capacity(0);
        for k in 1..=10_000u64 {
            let key = 1_190_000_000 + k * 7919;
            assert!(t.insert(Slot::new(key, k as u32, 0, 0, 0, k)).is_none());
        }
        assert_eq!(t.len(), 10_000);
        for k in 1..=10_000u64 {
            assert_eq!(
                t.get(1_190_000_000 + k * 7919).map(|s| s.name),
                Some(k as u32)
            );
        }
        assert!(t.get(5).is_none());
        assert!(t.get(0).is_none());
        let again = t.insert(Slot::new(1_190_000_000 + 7919, 99, 0, 0, 0, 99));
        assert_eq!(again.map(|s| s.name), Some(1));
        assert_eq!(t.get(1_190_000_000 + 7919).map(|s| s.name), Some(1));
        assert_eq!(t.len(), 10_000);
        // sized for 1000 (1334 slots, not a power of two), then grown
        let mut t = Table::with_capacity(1000);
        assert_eq!(t.heap_bytes(), 1334 * std::mem::size_of::<Slot>());
        for k in 1..=5000u64 {
            assert!(t
                .insert(Slot::new(k * 1_000_003, 0, k as u32, (k % 3) as u8, 0, k))
                .is_none());
        }
        assert!(
            (1..=5000u64).all(|k| t.get(k * 1_000_003).map(|s| (s.dob(), s.sex(), s.line))
                == Some((k as u32, (k % 3) as u8, k as u32)))
        );
        assert!(t.get(7).is_none());
    }
}
