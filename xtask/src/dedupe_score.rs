//! `cargo xtask score-dupes`: pair precision, recall and F1 of `clusters.csv`
//! against the truth file written by `cargo xtask synth-dupes`.
//!
//! A pair is two lines in the same cluster of the same kind. For the
//! `person` kind, pairs of lines of the same true person record (the doses of
//! one record, which nobody disputes) are left out on both sides, so only
//! the links between different records count. Counted, not enumerated:
//! linear in the number of listed rows.

use clap::Args;
use lamsach_io::error::{Error, Result};
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// truth.csv from synth-dupes (line,kind,cluster,record)
    #[arg(long)]
    pub truth: PathBuf,
    /// clusters.csv from dedupe
    #[arg(long)]
    pub clusters: PathBuf,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairScore {
    pub truth: u64,
    pub predicted: u64,
    pub correct: u64,
}

impl PairScore {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.truth == 0 {
            1.0
        } else {
            self.correct as f64 / self.truth as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// (kind, cluster, line, record) rows of a CSV with a header naming them.
fn read(path: &Path, record_col: bool) -> Result<Vec<(String, u64, u64, u64)>> {
    let bytes = std::fs::read(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new().from_reader(body);
    let bad = |msg: String| Error::Usage(format!("{}: {msg}", path.display()));
    let headers = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("thiếu cột / missing column '{name}'")))
    };
    let (cl, ck, cc) = (col("line")?, col("kind")?, col("cluster")?);
    let cr = if record_col {
        Some(col("record")?)
    } else {
        None
    };
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let num = |c: usize| -> Result<u64> {
            rec.get(c)
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| {
                    bad(format!(
                        "dòng / line {}: không phải số / not a number",
                        i + 2
                    ))
                })
        };
        let line = num(cl)?;
        let record = match cr {
            Some(c) => num(c)?,
            None => 0,
        };
        out.push((
            rec.get(ck).unwrap_or("").to_string(),
            num(cc)?,
            line,
            record,
        ));
    }
    Ok(out)
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores one kind. `record_of` gives the true record of a line; lines not in
/// the truth are their own record.
pub fn score_kind(
    truth: &[(u64, u64, u64)],
    predicted: &[(u64, u64)],
    exclude_same_record: bool,
) -> PairScore {
    // truth: (cluster, line, record); predicted: (cluster, line)
    let mut t_of: FxHashMap<u64, (u64, u64)> = FxHashMap::default();
    for &(c, l, r) in truth {
        t_of.insert(l, (c, r));
    }
    let rec = |l: u64| -> (u64, u64) {
        // (record, namespace): lines outside the truth get a record of their own
        match t_of.get(&l) {
            Some(&(_, r)) if exclude_same_record => (r, 0),
            _ => (l, 1),
        }
    };
    let count = |groups: FxHashMap<(u64, u64), Vec<u64>>| -> u64 {
        let mut total = 0;
        for lines in groups.values() {
            let mut by_rec: FxHashMap<(u64, u64), u64> = FxHashMap::default();
            for &l in lines {
                *by_rec.entry(rec(l)).or_default() += 1;
            }
            total += pairs(lines.len() as u64) - by_rec.values().map(|&n| pairs(n)).sum::<u64>();
        }
        total
    };
    let mut tg: FxHashMap<(u64, u64), Vec<u64>> = FxHashMap::default();
    for &(c, l, _) in truth {
        tg.entry((c, 0)).or_default().push(l);
    }
    let mut pg: FxHashMap<(u64, u64), Vec<u64>> = FxHashMap::default();
    let mut both: FxHashMap<(u64, u64), Vec<u64>> = FxHashMap::default();
    for &(c, l) in predicted {
        pg.entry((c, 0)).or_default().push(l);
        if let Some(&(tc, _)) = t_of.get(&l) {
            both.entry((c, tc)).or_default().push(l);
        }
    }
    PairScore {
        truth: count(tg),
        predicted: count(pg),
        correct: count(both),
    }
}

/// The scores as CSV (`kind,truth_pairs,…,f1`, one line per kind and `all`).
pub fn score(a: &ScoreArgs) -> Result<String> {
    let truth = read(&a.truth, true)?;
    let pred = read(&a.clusters, false)?;
    let mut out =
        String::from("kind,truth_pairs,predicted_pairs,correct_pairs,precision,recall,f1\n");
    let mut all = PairScore::default();
    for kind in ["person", "event"] {
        let t: Vec<(u64, u64, u64)> = truth
            .iter()
            .filter(|r| r.0 == kind)
            .map(|r| (r.1, r.2, r.3))
            .collect();
        let p: Vec<(u64, u64)> = pred
            .iter()
            .filter(|r| r.0 == kind)
            .map(|r| (r.1, r.2))
            .collect();
        let s = score_kind(&t, &p, kind == "person");
        all.truth += s.truth;
        all.predicted += s.predicted;
        all.correct += s.correct;
        out.push_str(&format!(
            "{kind},{},{},{},{:.4},{:.4},{:.4}\n",
            s.truth,
            s.predicted,
            s.correct,
            s.precision(),
            s.recall(),
            s.f1()
        ));
    }
    out.push_str(&format!(
        "all,{},{},{},{:.4},{:.4},{:.4}\n",
        all.truth,
        all.predicted,
        all.correct,
        all.precision(),
        all.recall(),
        all.f1()
    ));
    Ok(out)
}

pub fn run(a: &ScoreArgs) -> Result<ExitCode> {
    print!("{}", score(a)?);
    Ok(ExitCode::SUCCESS)
}
