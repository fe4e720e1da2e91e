//! Parquet and Arrow in and out (`--features polars`): one export as CSV,
//! Parquet and Arrow IPC gives the same findings, and `--format parquet`
//! writes typed tables polars reads back. Without the feature, a Parquet
//! input is refused with a message that says how to read it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(input: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("check")
        .arg(input)
        .args(["--today", "2026-11-23", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[cfg(not(feature = "polars"))]
#[test]
fn parquet_without_the_feature_says_how_to_read_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.parquet");
    std::fs::write(&p, b"PAR1\0\0\0\0PAR1").unwrap();
    let o = check(&p, &d.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--features polars") && err.contains("CSV"),
        "{err}"
    );
    let o = check(
        &root().join("fixtures/sample/tiem-chung.csv"),
        &d.path().join("out2"),
        &["--format", "parquet"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(feature = "polars")]
mod with_polars {
    use super::*;
    use polars::prelude::*;

    /// The sample export as a table of text columns, as a data platform
    /// would keep it, and the same records as CSV. A table has no ragged
    /// rows: the sample's short row is padded with empty cells in both.
    fn sample_frame() -> (DataFrame, String) {
        let text = std::fs::read_to_string(root().join("fixtures/sample/tiem-chung.csv")).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let mut cols: Vec<Vec<String>> = vec![Vec::new(); headers.len()];
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&headers).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let row: Vec<String> = (0..headers.len())
                .map(|i| rec.get(i).unwrap_or("").to_string())
                .collect();
            w.write_record(&row).unwrap();
            for (col, cell) in cols.iter_mut().zip(row) {
                col.push(cell);
            }
        }
        let cols: Vec<Column> = headers
            .iter()
            .zip(cols)
            .map(|(h, v)| Column::new(h.as_str().into(), v))
            .collect();
        let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
        (DataFrame::new_infer_height(cols).unwrap(), csv)
    }

    fn issues(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("issues.csv")).unwrap()
    }

    #[test]
    fn csv_parquet_and_arrow_give_the_same_findings() {
        let d = tempfile::tempdir().unwrap();
        let (mut df, csv) = sample_frame();
        let csv_in = d.path().join("tiem-chung.csv");
        std::fs::write(&csv_in, csv).unwrap();
        let pq = d.path().join("tiem-chung.parquet");
        ParquetWriter::new(std::fs::File::create(&pq).unwrap())
            .finish(&mut df)
            .unwrap();
        let ipc = d.path().join("tiem-chung.arrow");
        IpcWriter::new(std::fs::File::create(&ipc).unwrap())
            .finish(&mut df)
            .unwrap();
        let csv_out = d.path().join("csv");
        let o = check(&csv_in, &csv_out, &[]);
        assert_eq!(o.status.code(), Some(1));
        for (input, name) in [(&pq, "pq"), (&ipc, "ipc")] {
            let out = d.path().join(name);
            let o = check(input, &out, &[]);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(issues(&out), issues(&csv_out), "{name}");
            let tally: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("tally.json")).unwrap())
                    .unwrap();
            assert_eq!(tally["total"]["rows_read"], 30);
        }
    }

    #[test]
    fn parquet_outputs_are_typed() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let o = check(
            &root().join("fixtures/sample/tiem-chung.csv"),
            &out,
            &["--format", "parquet,csv", "--group-by", "Huyện,Cơ sở tiêm"],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let issues = ParquetReader::new(std::fs::File::open(out.join("issues.parquet")).unwrap())
            .finish()
            .unwrap();
        let schema = issues.schema();
        assert_eq!(schema.get("line"), Some(&DataType::UInt64));
        assert_eq!(schema.get("dob"), Some(&DataType::Date));
        assert_eq!(schema.get("dob_text"), Some(&DataType::String));
        assert_eq!(
            schema.get("related_lines"),
            Some(&DataType::List(Box::new(DataType::UInt64)))
        );
        // as many rows as issues.csv has findings
        let csv_rows = std::fs::read_to_string(out.join("issues.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        assert_eq!(issues.height(), csv_rows);
        let tally = ParquetReader::new(std::fs::File::open(out.join("tally.parquet")).unwrap())
            .finish()
            .unwrap();
        assert_eq!(tally.schema().get("rows_read"), Some(&DataType::UInt64));
        assert_eq!(tally.schema().get("level1"), Some(&DataType::String));
        let rows: u64 = tally
            .column("rows_read")
            .unwrap()
            .u64()
            .unwrap()
            .sum()
            .unwrap();
        assert_eq!(rows, 30);
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        assert!(manifest.contains("issues.parquet") && manifest.contains("tally.parquet"));
    }

    /// Typed columns as a data platform stores them: an ID kept as an
    /// integer has lost its leading zeros (ID003 says so), a date column
    /// reads as a date, a null is an empty cell (a missing value).
    #[test]
    fn typed_columns_read_as_their_text() {
        let d = tempfile::tempdir().unwrap();
        let dob = Column::new("Ngày sinh".into(), [Some(7071i32), Some(7437), None])
            .cast(&DataType::Date)
            .unwrap();
        let mut df = DataFrame::new_infer_height(vec![
            Column::new(
                "Họ và tên".into(),
                ["Nguyễn Thị Lan", "Lê Văn An", "Trần Văn Bình"],
            ),
            dob,
            Column::new("Giới tính".into(), ["Nữ", "Nam", "Nam"]),
            Column::new(
                "Số CCCD".into(),
                [8_190_012_345i64, 51_090_015_678, 51_090_015_679],
            ),
            Column::new("Vắc xin".into(), ["Pfizer", "Pfizer", "Pfizer"]),
            Column::new("Mũi".into(), [1.0f64, 2.0, 1.0]),
            Column::new(
                "Ngày tiêm".into(),
                ["15/08/2021", "15/09/2021", "15/08/2021"],
            ),
        ])
        .unwrap();
        let pq = d.path().join("typed.parquet");
        ParquetWriter::new(std::fs::File::create(&pq).unwrap())
            .finish(&mut df)
            .unwrap();
        let out = d.path().join("out");
        let o = check(&pq, &out, &["--lang", "en"]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(out.join("issues.csv")).unwrap();
        let rows: Vec<(String, String, String)> =
            csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (r[0].to_string(), r[1].to_string(), r[13].to_string())
                })
                .collect();
        // 1989-05-12 (day 7071) read as a date: no DOB002 on line 2
        assert!(
            rows.contains(&("2".into(), "ID003".into(), "8190012345".into())),
            "{rows:?}"
        );
        assert!(!rows.iter().any(|r| r.1 == "DOB002"), "{rows:?}");
        assert!(
            rows.iter().any(|r| r.0 == "4" && r.1 == "DOB001"),
            "{rows:?}"
        );
        // whole floats carry no fraction: no finding on the dose column
        assert!(
            !rows.iter().any(|r| r.2 == "1.0" || r.2 == "2.0"),
            "{rows:?}"
        );
    }
}
