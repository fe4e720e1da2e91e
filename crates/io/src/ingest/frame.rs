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
    for row in 0..df.height() {
        for (i, s) in series.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let v = s.get(row).map_err(bad)?;
            super::write_csv_cell(&mut out, &any_text(&v));
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// A table cell's text: as [`super::cell_text`] renders the same value in a
/// workbook (line breaks in text become spaces, whole floats lose their
/// fraction), dates as dd/mm/yyyy, other values as polars prints them.
#[cfg(feature = "polars")]
fn any_text(v: &polars::prelude::AnyValue) -> String {
    use calamine::Data;
    use polars::prelude::AnyValue;
    let data = match v {
        AnyValue::Null => Data::Empty,
        AnyValue::String(s) => Data::String(s.to_string()),
        AnyValue::StringOwned(s) => Data::String(s.to_string()),
        AnyValue::Boolean(b) => Data::Bool(*b),
        AnyValue::Int64(i) => Data::Int(*i),
        AnyValue::Float64(f) => Data::Float(*f),
        AnyValue::Float32(f) => Data::Float(f64::from(*f)),
        AnyValue::Date(days) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            return match epoch.checked_add_signed(chrono::TimeDelta::days(i64::from(*days))) {
                Some(d) => d.format("%d/%m/%Y").to_string(),
                None => days.to_string(),
            };
        }
        other => return other.to_string(),
    };
    super::cell_text(&data, None)
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
