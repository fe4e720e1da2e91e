"""A national run on a Dask cluster: split, check the shards on the
workers, merge — and, with --compare, prove the merged tally and progress
state equal a run on the whole file.

    python3 -m venv /tmp/dask-venv && /tmp/dask-venv/bin/pip install "dask[distributed]"
    /tmp/dask-venv/bin/python benches/dask_shards.py EXPORT.csv --work DIR \\
        [--workers 2] [--scheduler tcp://HOST:8786] [--compare]

Without --scheduler it starts a local cluster of --workers single-threaded
worker processes on this machine. On a real cluster the same script takes
the scheduler's address: a Slurm or PBS cluster started with dask-jobqueue
(`SLURMCluster(...).scale(jobs=N)`), or Kubernetes with dask-kubernetes;
the `lamsach` binary and the shard folder must then be on a shared file
system at the same paths (LAMSACH_BIN names the binary).

lamsach itself does the work. The fuzzy duplicates (DUP003-005) come
first: the export is split three ways — by the ID's province code, by birth
year, by the given name's first two letters (`lamsach split --line-map`) —
each birth-year shard counts its names (`dedupe --count-names`), every shard
of the three splits is deduplicated on a worker with the whole file's name
counts (`dedupe --name-counts`) and its line map (`--line-map`: clusters on
the export's lines), and `lamsach merge` merges the clusters into one
clusters.csv. Then each worker runs
`lamsach check` on one province shard, its DUP003-005 read from the merged
clusters through its line map (`--duplicates --line-map`) and `--since` one
salt state (so the shards' states merge), and `lamsach merge` adds the
tallies and the states up: every other rule stays inside a province shard.
Dask only places the shard runs on workers and retries a shard whose worker
is lost. Prints per-shard wall times, the whole run's, and the comparison:
the whole file checked on one machine with the same clusters, and the
pairs the shards' clusters share with the whole file's own `dedupe`.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

TODAY = "2026-11-23"


def run(args, check=True):
    p = subprocess.run(args, capture_output=True, text=True)
    if check and p.returncode > 1:
        raise RuntimeError(f"{' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}")
    return p


def check_shard(binary, shard, out, salt, profile, clusters):
    """One shard on a worker, its fuzzy duplicates read from the merged
    clusters through its line map: its tally, its state and the seconds it
    took."""
    t = time.perf_counter()
    state = Path(out) / "shard.state"
    run([binary, "check", shard, "--today", TODAY, "--profile", profile, "--out", out,
         "-q", "--duplicates", clusters, "--line-map", str(Path(shard).with_suffix(".lines.csv")),
         "--since", salt, "--save-state", str(state)])
    return shard, str(Path(out) / "tally.json"), str(state), time.perf_counter() - t


def count_shard(binary, shard, out, profile):
    """The name counts of one shard (`dedupe --count-names`)."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    run([binary, "dedupe", shard, "--profile", profile, "--count-names", out, "-q"])
    return out


def dedupe_shard(binary, shard, out, profile, counts):
    """The fuzzy duplicates of one shard, names weighed by the whole file's
    counts (`counts`: every shard's of one split): its clusters.csv, on the
    export's lines (`--line-map`)."""
    t = time.perf_counter()
    run([binary, "dedupe", shard, "--profile", profile, "--out", out, "-q",
         "--line-map", str(Path(shard).with_suffix(".lines.csv")), "--name-counts", *counts])
    clusters = Path(out) / "clusters.csv"
    rows = max(0, sum(1 for _ in open(clusters, encoding="utf-8-sig")) - 1) if clusters.exists() else 0
    return shard, rows, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("--work", required=True, help="folder for shards and results (emptied)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--profile", default="vaccination")
    ap.add_argument("--compare", action="store_true", help="also run the whole file and compare")
    a = ap.parse_args()
    binary = os.environ.get("LAMSACH_BIN", shutil.which("lamsach") or "lamsach")
    work = Path(a.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    t0 = time.perf_counter()
    run([binary, "split", a.export, "--by", "province", "--line-map", "--out",
         str(work / "shards"), "-q"])
    shards = sorted(str(p) for p in (work / "shards").glob("*.csv")
                    if not p.name.endswith(".lines.csv"))
    t_split = time.perf_counter() - t0
    # one salt for every shard's state: a state of the smallest shard
    salt = work / "salt.state"
    smallest = min(shards, key=os.path.getsize)
    run([binary, "check", smallest, "--today", TODAY, "--profile", a.profile,
         "--out", str(work / "salt"), "-q", "--save-state", str(salt)])

    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    # fuzzy duplicates (DUP003-DUP005): within each province shard, and
    # across provinces through two more splits, by birth year and by given
    # name; every shard deduplicated on a worker
    t4 = time.perf_counter()
    run([binary, "split", a.export, "--by", "birth-year", "--line-map", "--out",
         str(work / "years"), "-q"])
    years = sorted(str(p) for p in (work / "years").glob("*.csv")
                   if not p.name.endswith(".lines.csv"))
    run([binary, "split", a.export, "--by", "given-name", "--line-map", "--out",
         str(work / "given"), "-q"])
    given = sorted(str(p) for p in (work / "given").glob("*.csv")
                   if not p.name.endswith(".lines.csv"))
    all_splits = shards + years + given
    # names weigh by the whole file's counts: each birth-year shard counts
    # its names on a worker, every shard of the three splits reads all the counts
    counts = client.gather([
        client.submit(count_shard, binary, s, str(work / "counts" / f"{Path(s).stem}.csv"),
                      a.profile, key=f"count-{Path(s).stem}", retries=2)
        for s in years
    ])
    dd = client.gather([
        client.submit(dedupe_shard, binary, s, str(work / "dedupe" / Path(s).stem), a.profile,
                      counts, key=f"dedupe-{Path(s).stem}", retries=2)
        for s in all_splits
    ])
    merge_clusters(binary, work, all_splits)
    t_dedupe = time.perf_counter() - t4
    # the checks of the province shards, their fuzzy duplicates from the
    # merged clusters
    t1 = time.perf_counter()
    futures = [
        client.submit(check_shard, binary, s, str(work / "out" / Path(s).stem), str(salt),
                      a.profile, str(work / "clusters.csv"), key=f"check-{Path(s).stem}",
                      retries=2)
        for s in shards
    ]
    results = client.gather(futures)
    t_check = time.perf_counter() - t1
    client.close()
    if cluster:
        cluster.close()

    t2 = time.perf_counter()
    run([binary, "merge", *[r[1] for r in results], "--out", str(work / "merged")])
    run([binary, "merge", *[r[2] for r in results], "--out", str(work / "merged-state")])
    t_merge = time.perf_counter() - t2
    print(f"| shard | rows | wall |\n|---|---|---|")
    for shard, tally, _, secs in results:
        rows = json.load(open(tally, encoding="utf-8"))["total"]["rows_read"]
        print(f"| {Path(shard).name} | {rows} | {secs:.2f} s |")
    print(f"\nsplit {t_split:.2f} s, checks on {a.workers if not a.scheduler else 'the'} "
          f"workers {t_check:.2f} s, merge {t_merge:.2f} s; birth-year and given-name splits, "
          f"name counts and dedupe of {len(shards)} province, {len(years)} birth-year and "
          f"{len(given)} given-name shards {t_dedupe:.2f} s "
          f"({sum(r[1] for r in dd)} rows in the shards' clusters, merged in "
          f"{work / 'clusters.csv'}); total {time.perf_counter() - t0:.2f} s")

    if not a.compare:
        return 0
    t3 = time.perf_counter()
    whole = work / "whole"
    run([binary, "check", a.export, "--today", TODAY, "--profile", a.profile, "--out",
         str(whole), "-q", "--duplicates", str(work / "clusters.csv"), "--since", str(salt),
         "--save-state", str(whole / "whole.state")])
    print(f"whole file on one machine: {time.perf_counter() - t3:.2f} s")
    same_csv = (whole / "tally.csv").read_bytes() == (work / "merged" / "tally.csv").read_bytes()
    tw = json.load(open(whole / "tally.json", encoding="utf-8"))
    tm = json.load(open(work / "merged" / "tally.json", encoding="utf-8"))
    same_json = tw["total"] == tm["total"] and tw["groups"] == tm["groups"]
    prog = work / "progress"
    run([binary, "progress", "--since", str(whole / "whole.state"),
         str(work / "merged-state" / "merged.state"), "--out", str(prog), "--format", "json",
         "--today", TODAY, "-q"])
    report = json.load(open(prog / "report.json", encoding="utf-8"))
    # the first table: by category, its total row as [label, before, fixed, open, new, now, rate]
    table = report["tables"][0]
    keys = [c["key"] for c in table["columns"]]
    total = dict(zip(keys, table["total"]))
    same_state = total.get("fixed") == 0 and total.get("new") == 0
    print(f"tally.csv byte-identical: {same_csv}; tally.json totals and groups equal: "
          f"{same_json}; merged state vs whole: fixed {total.get('fixed')}, new {total.get('new')}")
    # the birth-year shards' clusters, in the export's lines, against the
    # whole file's: the pairs both find, and those only the whole finds
    # (one person whose two records differ in birth year)
    run([binary, "dedupe", a.export, "--profile", a.profile, "--out", str(work / "whole-dedupe"),
         "-q"])
    whole_pairs = cluster_pairs(work / "whole-dedupe" / "clusters.csv")
    for name, f in [("province shards", work / "clusters-province.csv"),
                    ("birth-year shards", work / "clusters-birth-year.csv"),
                    ("given-name shards", work / "clusters-given-name.csv"),
                    ("the three, merged", work / "clusters.csv")]:
        pairs = cluster_pairs(f)
        both = len(pairs & whole_pairs)
        print(f"duplicate pairs, {name}: {len(pairs)}, of the whole file's {len(whole_pairs)} "
              f"{both} ({both / max(1, len(whole_pairs)):.4f}); {len(pairs - whole_pairs)} "
              f"not in the whole's")
    return 0 if same_csv and same_json and same_state else 1


def merge_clusters(binary, work, shards):
    """The shards' clusters.csv files (on the export's lines) merged by
    `lamsach merge`: clusters of one kind sharing a line become one. Writes
    clusters.csv (the three splits) and clusters-province.csv,
    clusters-birth-year.csv and clusters-given-name.csv (each split alone)."""
    def merge(prefix, dest):
        parts = [str(work / "dedupe" / Path(s).stem / "clusters.csv") for s in shards
                 if Path(s).name.startswith(prefix)]
        parts = [p for p in parts if Path(p).exists()]
        out = work / f"merge-{dest}"
        run([binary, "merge", *parts, "--out", str(out)])
        shutil.move(str(out / "clusters.csv"), str(work / f"{dest}.csv"))

    merge("", "clusters")
    for prefix in ("province", "birth-year", "given-name"):
        merge(prefix, f"clusters-{prefix}")


def cluster_pairs(path):
    """The pairs of lines put in one cluster by a clusters.csv."""
    by = {}
    if not path.exists():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            by.setdefault(row["cluster"], []).append(int(row["line"]))
    return {(a, b) for lines in by.values() for a in lines for b in lines if a < b}


if __name__ == "__main__":
    sys.exit(main())
