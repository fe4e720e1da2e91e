//! Parquet and Arrow IPC (Feather v2) tables, read through polars and
//! converted to CSV rows like a workbook sheet: the header is line 1 and
//! record n (counted from 1) is line n + 1, as in a CSV written from the
//! table. The whole table is converted in memory.

use crate::error::{Error, Result};
#[cfg(feature = "polars")]
use std::io::Cursor;
use std::path::Path;

/// The columnar formats read through polars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Parquet,
    Ipc,
}

impl FrameKind {
    /// The kind named by the file's extension or its first bytes.
    pub fn of(path: &Path, head: &[u8]) -> Option<FrameKind> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if head.starts_with(b"PAR1") || ext == "parquet" || ext == "pq" {
            Some(FrameKind::Parquet)
        } else if head.starts_with(b"ARROW1") || matches!(ext.as_str(), "arrow" | "ipc" | "feather")
        {
            Some(FrameKind::Ipc)
        } else {
            None
        }
    }

    /// The name `Source::encoding` reports.
    pub fn name(self) -> &'static str {
        match self {
            FrameKind::Parquet => "parquet",
            FrameKind::Ipc => "arrow",
        }
    }
}

/// Converts a Parquet or Arrow IPC file to CSV bytes: strings as they are
/// (line breaks inside become spaces), integers as digits, whole floats
/// without a fraction, dates as dd/mm/yyyy (as a workbook's date cells),
/// nulls as empty cells.
#[cfg(feature = "polars")]
pub fn frame_to_csv(path: &Path, bytes: Vec<u8>, kind: FrameKind) -> Result<Vec<u8>> {
    use polars::prelude::*;
    let bad = |e: PolarsError| Error::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    };
    let cursor = Cursor::new(bytes);
    let df = match kind {
        FrameKind::Parquet => ParquetReader::new(cursor).finish(),
        FrameKind::Ipc => IpcReader::new(cursor).finish(),
    }
    .map_err(bad)?;
    let cols = df.columns();
    let mut out = Vec::with_capacity(df.height() * cols.len() * 12 + 256);
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        super::write_csv_cell(&mut out, c.name().as_str());
    }
    out.push(b'\n');
    let series: Vec<Series> = cols
        .iter()
        .map(|c| c.as_materialized_series().rechunk())
        .collect();
    let mut cell = String::new();
    for row in 0..df.height() {
        for (i, s) in series.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            cell.clear();
            let v = s.get(row).map_err(bad)?;
            any_text(&v, &mut cell);
            super::write_csv_cell(&mut out, &cell);
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(feature = "polars")]
fn any_text(v: &polars::prelude::AnyValue, out: &mut String) {
    use polars::prelude::AnyValue;
    use std::fmt::Write;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let _ = match v {
        AnyValue::Null => Ok(()),
        AnyValue::String(s) => {
            out.push_str(&s.replace("\r\n", " ").replace(['\n', '\r'], " "));
            Ok(())
        }
        AnyValue::StringOwned(s) => {
            out.push_str(&s.replace("\r\n", " ").replace(['\n', '\r'], " "));
            Ok(())
        }
        AnyValue::Boolean(b) => write!(out, "{}", if *b { "TRUE" } else { "FALSE" }),
        AnyValue::Float64(f) => float_text(*f, out),
        AnyValue::Float32(f) => float_text(f64::from(*f), out),
        AnyValue::Date(days) => {
            match epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(*days))) {
                Some(d) => write!(out, "{}", d.format("%d/%m/%Y")),
                None => write!(out, "{days}"),
            }
        }
        other => write!(out, "{other}"),
    };
}

#[cfg(feature = "polars")]
fn float_text(f: f64, out: &mut String) -> std::fmt::Result {
    use std::fmt::Write;
    if f.fract() == 0.0 && f.abs() < 1e17 {
        write!(out, "{f:.0}")
    } else {
        write!(out, "{f}")
    }
}

/// Without the `polars` feature: an error that says how to read the file.
#[cfg(not(feature = "polars"))]
pub fn frame_to_csv(path: &Path, _bytes: Vec<u8>, kind: FrameKind) -> Result<Vec<u8>> {
    Err(Error::Usage(format!(
        "{}: bản lamsach này không đọc được tệp {} — cài bản có tính năng polars: cargo install --path . --features polars, hoặc xuất tệp ra CSV / this lamsach build cannot read {} files — install the build with the polars feature (cargo install --path . --features polars), or export the file to CSV",
        path.display(),
        kind.name(),
        kind.name()
    )))
}
