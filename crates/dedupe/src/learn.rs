//! Weights learned from the file: Fellegi–Sunter m and u probabilities per
//! comparison level, estimated without labels.
//!
//! - u (how often a level occurs between two records of different people):
//!   from random pairs of records, nearly all of them two people.
//! - m (how often it occurs between two records of one person): by
//!   expectation–maximisation over the pairs the blocks let meet, one block
//!   at a time, leaving out the fields that block is keyed on (its pairs
//!   agree on them by construction, whoever they are). Each field's m is the
//!   average over the blocks that leave it free, weighted by their expected
//!   matches.
//! - the weight of a level is log2(m / u); an exact name's is adjusted by how
//!   common the name is (term frequency); the threshold is the weight at
//!   which a pair is as likely one person as two: log2((1 - λ) / λ), λ the
//!   share of all pairs expected to be one person.
//!
//! The hand-set weights of `rules/dedupe.toml` start the estimation and stay
//! the weights of a file too small to learn from.

use crate::compare::{compare_events, level_name, levels, Comparison, PersonRecord, Pool};
use crate::config::{AgreeW, DedupeSettings, KeyPart, Weights};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub(crate) use crate::compare::FIELDS;
const F: usize = FIELDS.len();
/// Levels of a field, level 0 being "missing" (weight 0, not learned).
const L: usize = 10;

/// Fewer person records than this: the hand-set weights.
const MIN_RECORDS: usize = 200;
/// Random pairs drawn for u.
const U_PAIRS: usize = 100_000;
/// Pairs of a block learning compares at most (about): a larger block is
/// sampled.
pub(crate) const BLOCK_PAIRS: u64 = 10_000;
/// A block with fewer compared pairs than this teaches nothing reliable.
const MIN_SESSION_PAIRS: u64 = 100;
const ITERATIONS: usize = 40;
/// No learned weight goes beyond ± this many bits.
const MAX_BITS: f64 = 20.0;

/// The levels of a comparison in one number, 4 bits a field.
pub(crate) fn pattern(c: &Comparison) -> u64 {
    levels(c)
        .iter()
        .enumerate()
        .fold(0u64, |p, (f, &l)| p | (u64::from(l) << (4 * f)))
}

fn unpack(p: u64) -> [u8; F] {
    let mut out = [0u8; F];
    for (f, slot) in out.iter_mut().enumerate() {
        *slot = ((p >> (4 * f)) & 0xf) as u8;
    }
    out
}

fn agree_slot(a: &mut AgreeW, l: usize) -> Option<&mut f32> {
    match l {
        1 => Some(&mut a.agree),
        3 => Some(&mut a.differ),
        _ => None,
    }
}

/// The weight of (field, level) in [`Weights`]; None for levels a field does
/// not have and for the levels kept in an Option (see [`set_weight`]).
fn slot(w: &mut Weights, f: usize, l: usize) -> Option<&mut f32> {
    match (f, l) {
        (0, 1) => Some(&mut w.name.exact),
        (0, 2) => Some(&mut w.name.folded),
        (0, 3) => Some(&mut w.name.accent_differs),
        (0, 4) => Some(&mut w.name.partial),
        (0, 5) => Some(&mut w.name.typo),
        (0, 6) => Some(&mut w.name.given_differs),
        (0, 8) => Some(&mut w.name.differ),
        (1, 1) => Some(&mut w.dob.exact),
        (1, 2) => Some(&mut w.dob.swapped),
        (1, 3) => Some(&mut w.dob.near),
        (1, 4) => Some(&mut w.dob.year_off),
        (1, 5) => Some(&mut w.dob.year_only),
        (1, 6) => Some(&mut w.dob.differ),
        (2, l) => agree_slot(&mut w.sex, l),
        (3, 1) => Some(&mut w.id.same),
        (3, 2) => Some(&mut w.id.near),
        (3, 3) => Some(&mut w.id.differ),
        (4, l) => agree_slot(&mut w.phone, l),
        (5, l) => agree_slot(&mut w.commune, l),
        (6, l) => agree_slot(&mut w.address, l),
        (7, l) => agree_slot(&mut w.vaccine, l),
        (8, l) => agree_slot(&mut w.postcode, l),
        (9, l) => agree_slot(&mut w.email, l),
        (11, l) => agree_slot(&mut w.text, l),
        (10, 1) => Some(&mut w.events.same),
        (10, 2) => Some(&mut w.events.conflict),
        (10, 3) => Some(&mut w.events.disjoint),
        _ => None,
    }
}

/// The hand-set weight of (field, level), for the starting m.
fn weight_of(w: &Weights, f: usize, l: usize) -> Option<f32> {
    let mut w = w.clone();
    match (f, l) {
        (0, 7) => Some(w.name.similar.unwrap_or(w.name.differ)),
        (0, 9) => Some(w.name.unrelated.unwrap_or(w.name.differ)),
        (5, 2) => Some(w.commune.close.unwrap_or(w.commune.differ)),
        (6, 2) => Some(w.address.close.unwrap_or(w.address.differ)),
        (8, 2) => Some(w.postcode.close.unwrap_or(w.postcode.differ)),
        (9, 2) => Some(w.email.close.unwrap_or(w.email.differ)),
        (11, 2) => Some(w.text.close.unwrap_or(w.text.differ)),
        _ => slot(&mut w, f, l).map(|x| *x),
    }
}

fn set_weight(w: &mut Weights, f: usize, l: usize, value: f32) {
    match (f, l) {
        (0, 7) => w.name.similar = Some(value),
        (0, 9) => w.name.unrelated = Some(value),
        (5, 2) => w.commune.close = Some(value),
        (6, 2) => w.address.close = Some(value),
        (8, 2) => w.postcode.close = Some(value),
        (9, 2) => w.email.close = Some(value),
        (11, 2) => w.text.close = Some(value),
        _ => {
            if let Some(s) = slot(w, f, l) {
                *s = value;
            }
        }
    }
}

/// The fields a block key leaves no freedom to (its pairs agree on them).
fn keyed_fields(parts: &[KeyPart]) -> [bool; F] {
    let mut keyed = [false; F];
    for p in parts {
        let f = match p {
            KeyPart::Dob | KeyPart::DobUnordered | KeyPart::BirthYear | KeyPart::DayMonth => 1,
            KeyPart::GivenName | KeyPart::FamilyName | KeyPart::FullName | KeyPart::SortedName => 0,
            // names that share only initials or consonants still differ
            KeyPart::Initials | KeyPart::NameSkeleton => continue,
            KeyPart::Id | KeyPart::IdPrefix(_) | KeyPart::IdSuffix(_) => 3,
            KeyPart::Phone => 4,
            KeyPart::Sex => 2,
            KeyPart::Commune => 5,
            KeyPart::District => continue,
            KeyPart::Postcode => 8,
            KeyPart::Email => 9,
        };
        if let Some(k) = keyed.get_mut(f) {
            *k = true;
        }
    }
    // A place key fixes the other places too: one postcode is one commune
    // and mostly one address, whoever the two records are.
    const PLACES: [usize; 3] = [5, 6, 8];
    if PLACES.iter().any(|&f| keyed[f]) || parts.contains(&KeyPart::District) {
        PLACES.iter().for_each(|&f| keyed[f] = true);
    }
    keyed
}

/// The weights as comparisons need them to tell every level apart.
pub(crate) fn telling_levels(w: &Weights) -> Weights {
    let mut w = w.clone();
    w.name.similar.get_or_insert(w.name.differ);
    w.name.unrelated.get_or_insert(w.name.differ);
    for a in [
        &mut w.commune,
        &mut w.address,
        &mut w.postcode,
        &mut w.email,
        &mut w.text,
    ] {
        a.close.get_or_insert(a.differ);
    }
    w
}

/// What learning found, for the summary and docs.
#[derive(Debug, Clone, Default)]
pub struct LearnReport {
    /// Random pairs drawn for u.
    pub random_pairs: usize,
    /// Pairs the blocks let meet, by block: (name, pairs, expected matches).
    pub sessions: Vec<(String, u64, f64)>,
    /// Share of all pairs expected to be one person.
    pub lambda: f64,
    pub threshold: f32,
    /// Each learned weight: field, level, m, u and the weight in bits.
    pub weights: Vec<LearnedWeight>,
    /// The learned model was not used: in the pairs it calls one person the
    /// names or the birth dates mostly differ, so what it found is another
    /// kind of pair (households: one family name, phone and address). The
    /// hand-set weights are used instead.
    pub rejected: bool,
}

/// One (field, level) of the learned model.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedWeight {
    pub field: &'static str,
    pub level: &'static str,
    /// Share of true matches at this level.
    pub m: f64,
    /// Share of random pairs at this level.
    pub u: f64,
    /// log2(m / u), clamped to ±20.
    pub bits: f32,
}

/// Per (field, level) probabilities.
type Table = [[f64; L]; F];

/// Counts of comparison patterns, by block.
pub(crate) type Patterns = Vec<FxHashMap<u64, u64>>;

/// u from random pairs.
fn estimate_u(persons: &[PersonRecord], pool: &Pool, w: &Weights, max_days: i64) -> (Table, usize) {
    let n = persons.len() as u64;
    let total = n.saturating_mul(n.saturating_sub(1)) / 2;
    let draws = (U_PAIRS as u64).min(total) as usize;
    let counts = (0..draws)
        .into_par_iter()
        .fold(
            || [[0u64; L]; F],
            |mut t, i| {
                // a fixed sequence: the same file gives the same weights
                let mut r = fastrand::Rng::with_seed(0x5eed ^ i as u64);
                let a = r.u64(0..n) as usize;
                let mut b = r.u64(0..n - 1) as usize;
                if b >= a {
                    b += 1;
                }
                if let (Some(pa), Some(pb)) = (persons.get(a), persons.get(b)) {
                    let c = compare_events(pa, pb, pool, w, max_days);
                    for (f, &l) in levels(&c).iter().enumerate() {
                        if let Some(x) = t.get_mut(f).and_then(|r| r.get_mut(l as usize)) {
                            *x += 1;
                        }
                    }
                }
                t
            },
        )
        .reduce(
            || [[0u64; L]; F],
            |mut a, b| {
                for (ra, rb) in a.iter_mut().zip(b.iter()) {
                    for (x, y) in ra.iter_mut().zip(rb.iter()) {
                        *x += y;
                    }
                }
                a
            },
        );
    let mut u = [[0.0; L]; F];
    let floor = 0.5 / draws.max(1) as f64;
    for (uf, cf) in u.iter_mut().zip(counts.iter()) {
        let seen: u64 = cf.iter().skip(1).sum();
        for (l, (x, &c)) in uf.iter_mut().zip(cf.iter()).enumerate().skip(1) {
            let _ = l;
            *x = if seen == 0 {
                floor
            } else {
                (c as f64 / seen as f64).max(floor)
            };
        }
    }
    (u, draws)
}

/// One EM session: m and λ over one block's patterns, the keyed fields left out.
fn em(patterns: &FxHashMap<u64, u64>, free: [bool; F], u: &Table, m0: &Table) -> (Table, f64, f64) {
    let pats: Vec<([u8; F], f64)> = patterns
        .iter()
        .map(|(&p, &c)| (unpack(p), c as f64))
        .collect();
    let total: f64 = pats.iter().map(|p| p.1).sum();
    let mut m = *m0;
    let mut lambda = 0.3;
    for _ in 0..ITERATIONS {
        let mut sum = [[0.0f64; L]; F];
        let mut matches = 0.0;
        for (lv, c) in &pats {
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for (f, &l) in lv.iter().enumerate() {
                if l == 0 || !free.get(f).copied().unwrap_or(false) {
                    continue;
                }
                let l = l as usize;
                pm *= m.get(f).and_then(|r| r.get(l)).copied().unwrap_or(1.0);
                pu *= u.get(f).and_then(|r| r.get(l)).copied().unwrap_or(1.0);
            }
            let p = if pm + pu > 0.0 { pm / (pm + pu) } else { 0.0 };
            matches += c * p;
            for (f, &l) in lv.iter().enumerate() {
                if l != 0 {
                    if let Some(x) = sum.get_mut(f).and_then(|r| r.get_mut(l as usize)) {
                        *x += c * p;
                    }
                }
            }
        }
        let next_lambda = (matches / total.max(1.0)).clamp(1e-6, 1.0 - 1e-6);
        for (f, (mf, sf)) in m.iter_mut().zip(sum.iter()).enumerate() {
            if !free.get(f).copied().unwrap_or(false) {
                continue;
            }
            let s: f64 = sf.iter().skip(1).sum();
            if s <= 0.0 {
                continue;
            }
            for (x, &y) in mf.iter_mut().zip(sf.iter()).skip(1) {
                *x = (y / s).max(1e-6);
            }
        }
        let done = (next_lambda - lambda).abs() < 1e-7;
        lambda = next_lambda;
        if done {
            break;
        }
    }
    (m, lambda, lambda * total)
}

/// Learned settings (weights and threshold) from the file's records and the
/// patterns of the pairs each block let meet; None when the file is too
/// small to learn from.
pub(crate) fn learn(
    persons: &[PersonRecord],
    pool: &Pool,
    cfg: &DedupeSettings,
    patterns: &Patterns,
) -> Option<(DedupeSettings, LearnReport)> {
    if persons.len() < MIN_RECORDS {
        return None;
    }
    let tell = telling_levels(&cfg.weights);
    let (u, draws) = estimate_u(persons, pool, &tell, cfg.event.max_days);
    // starting m: u scaled by the hand-set weights, normalised per field
    let mut m0 = [[0.0; L]; F];
    for (f, (mf, uf)) in m0.iter_mut().zip(u.iter()).enumerate() {
        for (l, (x, &uu)) in mf.iter_mut().zip(uf.iter()).enumerate().skip(1) {
            let w = weight_of(&tell, f, l).unwrap_or(0.0).clamp(-20.0, 20.0);
            *x = uu * f64::from(w).exp2();
        }
        let s: f64 = mf.iter().sum();
        if s > 0.0 {
            mf.iter_mut().for_each(|x| *x /= s);
        }
    }
    let mut m_sum = [[0.0f64; L]; F];
    let mut m_weight = [0.0f64; F];
    let mut report = LearnReport {
        random_pairs: draws,
        ..LearnReport::default()
    };
    let mut expected = 0.0;
    for (kind, pats) in patterns.iter().enumerate() {
        let pairs: u64 = pats.values().sum();
        let name = cfg
            .blocks
            .get(kind)
            .map(|b| b.name.clone())
            .unwrap_or_default();
        if pairs < MIN_SESSION_PAIRS {
            report.sessions.push((name, pairs, 0.0));
            continue;
        }
        // A block sorted by a field compares neighbours in it: alike by
        // construction too, whoever they are.
        let mut parts = cfg.parts.get(kind).cloned().unwrap_or_default();
        parts.extend(cfg.sorts.get(kind).copied().flatten());
        let keyed = keyed_fields(&parts);
        let free = keyed.map(|k| !k);
        let (m, _lambda, matches) = em(pats, free, &u, &m0);
        expected += matches;
        report.sessions.push((name, pairs, matches));
        for f in 0..F {
            if free.get(f).copied().unwrap_or(false) {
                for l in 1..L {
                    if let (Some(s), Some(&x)) = (
                        m_sum.get_mut(f).and_then(|r| r.get_mut(l)),
                        m.get(f).and_then(|r| r.get(l)),
                    ) {
                        *s += matches * x;
                    }
                }
                if let Some(x) = m_weight.get_mut(f) {
                    *x += matches;
                }
            }
        }
    }
    if expected <= 0.0 {
        return None;
    }
    // Levels no blocked pair showed keep the hand-set weight: nothing was
    // learned of them (a field the file does not have, for one).
    let mut observed = [[false; L]; F];
    for pats in patterns {
        for &p in pats.keys() {
            for (f, l) in unpack(p).iter().enumerate() {
                if let Some(o) = observed.get_mut(f).and_then(|r| r.get_mut(*l as usize)) {
                    *o = true;
                }
            }
        }
    }
    let mut out = cfg.clone();
    out.weights = tell.clone();
    let mut m_of = [[0.0f64; L]; F];
    for f in 0..F {
        let mw = m_weight.get(f).copied().unwrap_or(0.0);
        for l in 1..L {
            if weight_of(&tell, f, l).is_none() || !observed[f][l] {
                continue;
            }
            let m = if mw > 0.0 {
                m_sum.get(f).and_then(|r| r.get(l)).copied().unwrap_or(0.0) / mw
            } else {
                m0.get(f).and_then(|r| r.get(l)).copied().unwrap_or(0.0)
            };
            let uu = u.get(f).and_then(|r| r.get(l)).copied().unwrap_or(1.0);
            let w = (m.max(1e-9) / uu).log2().clamp(-MAX_BITS, MAX_BITS);
            set_weight(&mut out.weights, f, l, w as f32);
            m_of[f][l] = m;
            report.weights.push(LearnedWeight {
                field: FIELDS.get(f).copied().unwrap_or("?"),
                level: level_name(f, l),
                m,
                u: uu,
                bits: w as f32,
            });
        }
    }
    // term frequency: the average agreeing name is shared by n·u records
    let n = persons.len() as f64;
    let u_exact = u.first().and_then(|r| r.get(1)).copied().unwrap_or(0.0);
    out.weights.name.learned_count = Some((n * u_exact) as f32);
    // the same for the birth date (level 1 is `exact`), the places and the
    // e-mail (level 1 is `agree`)
    let u_dob = u.get(1).and_then(|r| r.get(1)).copied().unwrap_or(0.0);
    if u_dob > 0.0 {
        out.weights.dob.learned_count = Some((n * u_dob) as f32);
    }
    for (f, a) in [
        (5, &mut out.weights.commune),
        (6, &mut out.weights.address),
        (8, &mut out.weights.postcode),
        (9, &mut out.weights.email),
        (11, &mut out.weights.text),
    ] {
        let u_agree = u.get(f).and_then(|r| r.get(1)).copied().unwrap_or(0.0);
        if u_agree > 0.0 && observed[f][1] {
            a.learned_count = Some((n * u_agree) as f32);
        }
    }
    let all_pairs = n * (n - 1.0) / 2.0;
    let lambda = (expected / all_pairs).clamp(1e-12, 0.5);
    let threshold = ((1.0 - lambda) / lambda).log2() as f32;
    out.threshold = threshold;
    report.lambda = lambda;
    report.threshold = threshold;
    // One person keeps a name or a birth date: a model whose matches mostly
    // differ on both (fields independent given a match, as the model
    // assumes) has found households, not duplicates. A noisy list's
    // duplicates differ on one or the other, seldom on both.
    // One person's records also keep one ID: a model whose matches mostly
    // carry two IDs has found families. (Measured: households give a
    // product of 0.49-0.52 and IDs differing in 0.99 of matches; lists of
    // people with typos 0.03-0.10, benches/linkage.sh.)
    let name_differs = m_of[0][6] + m_of[0][8] + m_of[0][9];
    let dob_differs = m_of[1][6];
    let ids_differ = observed[3][3] && m_of[3][3] > 0.5;
    if name_differs * dob_differs > 0.25 || ids_differ {
        report.rejected = true;
        return Some((cfg.clone(), report));
    }
    Some((out, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Agree, DobLevel, EventsLevel, IdLevel, NameLevel};

    #[test]
    fn patterns_round_trip() {
        let c = Comparison {
            name_counted: NameLevel::Similar,
            dob_counted: DobLevel::Near,
            id: IdLevel::Same,
            postcode: Agree::Close,
            events: EventsLevel::Disjoint,
            ..Comparison::default()
        };
        assert_eq!(unpack(pattern(&c)), levels(&c));
        assert_eq!(levels(&c), [7, 3, 0, 1, 0, 0, 0, 0, 2, 0, 3, 0]);
    }

    #[test]
    fn every_level_has_a_weight_slot() {
        let w = telling_levels(&DedupeSettings::embedded().expect("embedded").weights);
        let expected = [9, 6, 2, 3, 2, 3, 3, 2, 3, 3, 3, 3];
        for (f, &n) in expected.iter().enumerate() {
            let got = (1..L).filter(|&l| weight_of(&w, f, l).is_some()).count();
            assert_eq!(got, n, "field {}", FIELDS[f]);
        }
        let mut w2 = w.clone();
        set_weight(&mut w2, 0, 7, 2.5);
        set_weight(&mut w2, 3, 1, 11.0);
        assert_eq!(w2.name.similar, Some(2.5));
        assert_eq!(w2.id.same, 11.0);
    }

    #[test]
    fn em_finds_the_matches_of_a_mixture() {
        // two fields; matches agree on both 90%, non-matches 10%
        let mut pats = FxHashMap::default();
        // 1000 matches, 9000 non-matches
        pats.insert(pack(&[1, 1]), 810 + 90);
        pats.insert(pack(&[1, 3]), 90 + 810);
        pats.insert(pack(&[3, 1]), 90 + 810);
        pats.insert(pack(&[3, 3]), 10 + 7290);
        let mut u = [[0.0; L]; F];
        let mut m0 = [[0.0; L]; F];
        for f in 0..2 {
            u[f][1] = 0.1;
            u[f][3] = 0.9;
            m0[f][1] = 0.6;
            m0[f][3] = 0.4;
        }
        let mut free = [false; F];
        free[0] = true;
        free[1] = true;
        let (m, lambda, matches) = em(&pats, free, &u, &m0);
        assert!((lambda - 0.1).abs() < 0.01, "{lambda}");
        assert!((matches - 1000.0).abs() < 60.0, "{matches}");
        assert!((m[0][1] - 0.9).abs() < 0.03, "{}", m[0][1]);
    }

    fn pack(lv: &[u8]) -> u64 {
        lv.iter()
            .enumerate()
            .fold(0u64, |p, (f, &l)| p | (u64::from(l) << (4 * f)))
    }
}
