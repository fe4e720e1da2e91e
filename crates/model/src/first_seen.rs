//! The one table behind lamsach's large indexes — the cross-row rules'
//! (DUP001's event keys, DUP002's IDs) and the population extract's (ID →
//! person): for each `u64` key, the value inserted first, insert-only.
//!
//! Open addressing with linear probing, the key stored inline beside its
//! value: a lookup in a table of millions of entries costs one cache miss
//! (a `HashMap` reads a group of control bytes, then the slot elsewhere: two
//! misses), and a slot is only as large as key and value. The slot count
//! need not be a power of two (a multiply-shift maps the hash onto it), so a
//! table sized ahead holds n keys in 4n/3 slots. Key 0 marks an empty slot;
//! key 0 itself is kept apart.

/// At most 3/4 of the slots are used: a new key then probes ~2–8 slots (one
/// or two cache lines), and growth doubles the table.
const MAX_LOAD_NUM: usize = 3;
const MAX_LOAD_DEN: usize = 4;

/// Smallest table once something is inserted.
const MIN_SLOTS: usize = 16;

pub struct FirstSeen<V: Copy + Default> {
    /// `(key, value)`; key 0 = empty. At least `MIN_SLOTS` long, or empty.
    slots: Vec<(u64, V)>,
    /// The value of key 0, which cannot live in `slots`.
    zero: Option<V>,
    /// Keys in `slots` (key 0 not counted).
    used: usize,
}

impl<V: Copy + Default> Default for FirstSeen<V> {
    fn default() -> Self {
        FirstSeen {
            slots: Vec::new(),
            zero: None,
            used: 0,
        }
    }
}

/// The home slot of `key` among `len` (murmur3's finaliser, then a
/// multiply-shift onto the slots: IDs are plain numbers, and the engine
/// shards keys by a multiplicative hash, so the slot must not be taken from
/// the same bits).
#[inline]
fn home(key: u64, len: usize) -> usize {
    let mut h = key;
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    ((u128::from(h) * len as u128) >> 64) as usize
}

/// Slots for `n` keys within the maximum load, saturating.
pub(crate) fn slots_for(n: usize) -> usize {
    (n.saturating_mul(MAX_LOAD_DEN) / MAX_LOAD_NUM + 1).max(MIN_SLOTS)
}

impl<V: Copy + Default> FirstSeen<V> {
    /// A table sized for `n` keys (it grows past them).
    pub fn with_capacity(n: usize) -> Self {
        let mut t = FirstSeen::default();
        t.reserve_total(n);
        t
    }

    /// Bytes of its slots, for measurements.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<(u64, V)>()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.used + usize::from(self.zero.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of slots (growth is visible here).
    #[doc(hidden)]
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Makes room for `n` keys in all, so that the table does not grow
    /// before it holds that many; never shrinks.
    pub fn reserve_total(&mut self, n: usize) {
        let want = slots_for(n);
        if want > self.slots.len() {
            self.rebuild(want);
        }
    }

    fn rebuild(&mut self, slots: usize) {
        // Written now rather than allocated zeroed (`vec![…; n]` would get
        // fresh zero pages): a probe would read a zero page first, which maps
        // the shared zero page, and the first write would then copy it, a
        // second fault and a TLB shootdown on every CPU.
        let mut new = Vec::with_capacity(slots);
        new.resize(slots, (0, V::default()));
        let old = std::mem::replace(&mut self.slots, new);
        for (k, v) in old.into_iter().filter(|s| s.0 != 0) {
            if let Err(i) = self.find(k) {
                self.slots[i] = (k, v);
            }
        }
    }

    /// The slot of `key` (not 0; `slots` not empty): Ok when it holds the
    /// key, Err for the empty slot where it would go. The load is at most
    /// 3/4, so the probe ends at one or the other.
    #[inline]
    fn find(&self, key: u64) -> Result<usize, usize> {
        let len = self.slots.len();
        let mut i = home(key, len);
        loop {
            match self.slots[i].0 {
                k if k == key => return Ok(i),
                0 => return Err(i),
                _ => i = if i + 1 == len { 0 } else { i + 1 },
            }
        }
    }

    /// Reads the home slots of `keys` in one tight loop, for a batch to bring
    /// its slots into the cache before it is checked row by row: the loads
    /// are independent, so their misses overlap there instead of stalling
    /// each row. Pure speed-up.
    pub fn warm(&self, keys: impl Iterator<Item = u64>) {
        let len = self.slots.len();
        let seen = keys.fold(0u64, |a, k| {
            a ^ self.slots.get(home(k, len)).map_or(0, |s| s.0)
        });
        std::hint::black_box(seen);
    }

    /// The value of `key`, if present.
    #[inline]
    pub fn get(&self, key: u64) -> Option<V> {
        if key == 0 {
            return self.zero;
        }
        if self.slots.is_empty() {
            return None;
        }
        self.find(key).ok().map(|i| self.slots[i].1)
    }

    /// The value of `key` to change in place, `val` stored first when the
    /// key is new (for a small record per key that is updated row by row).
    pub fn get_or_insert_mut(&mut self, key: u64, val: V) -> &mut V {
        if key == 0 {
            return self.zero.get_or_insert(val);
        }
        self.first_or_insert(key, val);
        // present after the insert; were it not, the value of an empty slot
        // would be changed, which no lookup reads
        let (Ok(i) | Err(i)) = self.find(key);
        &mut self.slots[i].1
    }

    /// Every key with its value, in slot order (key 0 last).
    pub fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.slots
            .iter()
            .copied()
            .filter(|s| s.0 != 0)
            .chain(self.zero.map(|v| (0, v)))
    }

    /// The value of `key` when present (the table unchanged); otherwise
    /// `val` is stored for it and None returned.
    pub fn first_or_insert(&mut self, key: u64, val: V) -> Option<V> {
        if key == 0 {
            return match self.zero {
                Some(v) => Some(v),
                None => {
                    self.zero = Some(val);
                    None
                }
            };
        }
        if self.slots.is_empty() {
            self.rebuild(MIN_SLOTS);
        }
        let mut i = match self.find(key) {
            Ok(i) => return Some(self.slots[i].1),
            Err(i) => i,
        };
        if (self.used + 1) * MAX_LOAD_DEN > self.slots.len() * MAX_LOAD_NUM {
            self.rebuild(self.slots.len().saturating_mul(2));
            match self.find(key) {
                Err(j) => i = j,
                Ok(j) => return Some(self.slots[j].1),
            }
        }
        self.slots[i] = (key, val);
        self.used += 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn values_change_in_place() {
        let mut t: FirstSeen<u32> = FirstSeen::default();
        for k in [0u64, 5, 5, 9, 0, 5] {
            *t.get_or_insert_mut(k, 0) += 1;
        }
        let mut all: Vec<(u64, u32)> = t.iter().collect();
        all.sort();
        assert_eq!(all, [(0, 2), (5, 3), (9, 1)]);
        // growth keeps the values
        for k in 1..200u64 {
            *t.get_or_insert_mut(k * 1000, 7) += 1;
        }
        assert_eq!(t.get(5), Some(3));
        assert_eq!(t.get(199_000), Some(8));
    }

    #[test]
    fn agrees_with_a_hash_map() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut t: FirstSeen<(u64, u32)> = FirstSeen::default();
        let mut m: HashMap<u64, (u64, u32)> = HashMap::new();
        // Few distinct keys (many repeats), the extremes and 0 among them;
        // IDs are small numbers, event keys any u64.
        let pool: Vec<u64> = (0..3_000)
            .map(|i| match i % 4 {
                0 => rng.u64(..),
                1 => rng.u64(0..1_000_000_000_000),
                _ => i,
            })
            .chain([0, 1, u64::MAX, u64::MAX - 1])
            .collect();
        assert!(t.get(5).is_none() && t.is_empty());
        for n in 0..20_000u64 {
            let k = pool[rng.usize(..pool.len())];
            let v = (n, n as u32 ^ 0xdead);
            let want = match m.get(&k) {
                Some(&old) => Some(old),
                None => {
                    m.insert(k, v);
                    None
                }
            };
            assert_eq!(t.first_or_insert(k, v), want, "key {k}");
            assert_eq!(t.len(), m.len());
        }
        for k in &pool {
            assert_eq!(t.get(*k), m.get(k).copied());
        }
        for _ in 0..1_000 {
            let k = rng.u64(..);
            assert_eq!(t.get(k), m.get(&k).copied());
        }
        // within the maximum load
        assert!(t.len() * 4 <= t.capacity() * 3);
    }

    #[test]
    fn reserve_prevents_growth_and_keeps_entries() {
        let mut t: FirstSeen<u64> = FirstSeen::default();
        for k in 1..=100u64 {
            assert_eq!(t.first_or_insert(k * 977, k), None);
        }
        t.reserve_total(10_000);
        let cap = t.capacity();
        assert!(cap >= 10_000 * 4 / 3);
        for k in 1..=100u64 {
            assert_eq!(t.get(k * 977), Some(k));
        }
        for k in 101..=10_000u64 {
            assert_eq!(t.first_or_insert(k * 977, k), None);
        }
        assert_eq!(t.capacity(), cap, "grew despite the reservation");
        assert_eq!(t.first_or_insert(5 * 977, 0), Some(5));
        // smaller reservations never shrink it
        t.reserve_total(3);
        assert_eq!(t.capacity(), cap);
    }

    #[test]
    fn at_the_maximum_load() {
        // A tiny table filled to its maximum load, where probe runs are long
        // and wrap past the end; looking keys up does not grow it.
        let mut t: FirstSeen<u64> = FirstSeen::default();
        let n = MIN_SLOTS * 3 / 4;
        for k in 1..=n as u64 {
            assert_eq!(t.first_or_insert(k, k + 1), None);
        }
        assert_eq!(t.capacity(), MIN_SLOTS);
        for k in 1..=n as u64 {
            assert_eq!(t.get(k), Some(k + 1));
            assert_eq!(t.first_or_insert(k, 0), Some(k + 1));
        }
        assert_eq!(t.capacity(), MIN_SLOTS);
        assert_eq!(t.get(1_000), None);
        assert_eq!(t.first_or_insert(1_000, 9), None);
        assert!(t.capacity() > MIN_SLOTS);
        assert_eq!(t.get(1_000), Some(9));
    }

    #[test]
    fn slot_sizes() {
        assert_eq!(std::mem::size_of::<(u64, u64)>(), 16);
        assert_eq!(std::mem::size_of::<(u64, (u64, u32, u32))>(), 24);
        assert_eq!(slots_for(usize::MAX), usize::MAX / 3 + 1);
        assert_eq!(slots_for(0), MIN_SLOTS);
        assert_eq!(slots_for(12), MIN_SLOTS + 1);
        // sized ahead: 4n/3 slots, not the next power of two
        let t: FirstSeen<u64> = FirstSeen::with_capacity(1000);
        assert_eq!(t.capacity(), 1334);
        assert_eq!(t.heap_bytes(), 1334 * 16);
    }
}
