"""Cluster-level scores beside the pair scores of `cargo xtask score-dupes`.

    python benches/linkage/clusters.py TRUTH.csv CLUSTERS.csv

TRUTH.csv: line,kind,cluster[,record] (every row); CLUSTERS.csv: line,cluster,
kind (rows in a cluster of two or more; kind `person` is scored). Prints
`exact | precision | recall | joined`: true clusters of two or more rows
found exactly (same rows, no more, no fewer), that count over the predicted
clusters and over the true ones, and predicted clusters that join rows of
two or more true clusters (a chain A-B-C where A and C are two people).
"""
import csv
import sys
from collections import defaultdict


def groups(path, kind_col="kind"):
    by = defaultdict(set)
    with open(path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if r.get(kind_col, "person") == "person":
                by[r["cluster"]].add(int(r["line"]))
    return by


def main():
    truth_p, pred_p = sys.argv[1:3]
    truth = groups(truth_p)
    of = {line: c for c, lines in truth.items() for line in lines}
    true_sets = {frozenset(s) for s in truth.values() if len(s) > 1}
    pred = [frozenset(s) for s in groups(pred_p).values() if len(s) > 1]
    exact = sum(1 for s in pred if s in true_sets)
    joined = sum(1 for s in pred if len({of.get(line, ("row", line)) for line in s}) > 1)
    p = exact / len(pred) if pred else 0.0
    r = exact / len(true_sets) if true_sets else 0.0
    print(f"{exact} of {len(true_sets)} | {p:.4f} | {r:.4f} | {joined} of {len(pred)}")


if __name__ == "__main__":
    main()
