//! The scorers of the development tools (`xtask`), which the accuracy
//! benchmarks rely on.

use xtask::dedupe_score::score_kind;
use xtask::synth::Accuracy;

#[test]
fn dupes_counts_pairs_across_records() {
    // truth: cluster 1 = lines 2,3 (record 10) + 7 (record 11); cluster 2 = 5, 9
    let truth = [(1, 2, 10), (1, 3, 10), (1, 7, 11), (2, 5, 20), (2, 9, 21)];
    // predicted: {2,3,7} right; {5,9,12} one extra line
    let pred = [(1, 2), (1, 3), (1, 7), (4, 5), (4, 9), (4, 12)];
    let s = score_kind(&truth, &pred, true);
    assert_eq!(s.truth, 2 + 1);
    assert_eq!(s.predicted, 2 + 3);
    assert_eq!(s.correct, 3);
    assert!((s.recall() - 1.0).abs() < 1e-9);
    assert!((s.precision() - 0.6).abs() < 1e-9);
}

#[test]
fn rules_score_counts_misses_and_extras() {
    let set = |v: &[(u64, &str)]| {
        v.iter()
            .map(|(l, r)| (*l, r.to_string()))
            .collect::<std::collections::BTreeSet<_>>()
    };
    let truth = set(&[(2, "ID001"), (3, "ID001"), (4, "DOB002")]);
    let same = Accuracy::compute(&truth, &truth);
    assert!(same.perfect());
    let found = set(&[(2, "ID001"), (4, "DOB002"), (5, "DOB002")]);
    let s = Accuracy::compute(&truth, &found);
    assert!(!s.perfect());
    assert_eq!(s.per_rule["ID001"], (1, 0, 1));
    assert_eq!(s.per_rule["DOB002"], (1, 1, 0));
}
