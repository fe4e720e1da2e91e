//! A source: one file (or one sheet of a workbook) opened once, its
//! encoding, delimiter and header found once, then read by every pass of a
//! run (the rule pass, the duplicate pre-pass, the clusters, `fix`) from
//! that one handle. A text file is re-read by position (`pread`), so the
//! passes never share a file offset; a workbook is converted to CSV once
//! and the passes read that copy in memory.

use crate::error::{Error, Result};
use crate::ingest::{self, decode, encoding_for_label, sniff, workbook_to_csv};
use crate::input::{split_fields, Limits, Rec, RecordReader};
use encoding_rs::Encoding;
use lamsach_text::Lang;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to read a source (`--encoding`, `--sheet`, `--delimiter`).
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// Encoding label (`utf-8`, `utf-16le`, `windows-1258`, `tcvn3`, …); None = detect.
    pub encoding: Option<String>,
    /// Sheet name or 1-based number for workbooks; None = the first sheet.
    pub sheet: Option<String>,
    /// Field delimiter; None = detect from the header line.
    pub delimiter: Option<u8>,
}

enum Content {
    Text {
        file: Arc<File>,
        encoding: &'static Encoding,
    },
    /// A workbook sheet converted to comma-separated CSV.
    Workbook(Arc<[u8]>),
}

/// An opened source. Cheap to share between threads (`&Source`).
pub struct Source {
    path: PathBuf,
    content: Content,
    encoding: String,
    delim: u8,
    header: Vec<String>,
    header_line: u64,
    limits: Limits,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("encoding", &self.encoding)
            .field("delim", &(self.delim as char))
            .field("header", &self.header)
            .finish()
    }
}

/// Reads a file by position, leaving the handle's own offset alone.
struct FileAt {
    file: Arc<File>,
    pos: u64,
}

impl Read for FileAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, pos)
}

impl Source {
    /// Opens `path`, finds its encoding, delimiter and header line (the
    /// first line that is not blank). Errors stop the run (exit code 2);
    /// `en` words the reason of an unreadable header.
    pub fn open(path: &Path, opts: &SourceOptions, limits: Limits, lang: Lang) -> Result<Source> {
        let read_err = Error::read(path);
        let file = File::open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let file = Arc::new(file);
        let mut head = Vec::with_capacity(ingest::HEAD);
        FileAt {
            file: file.clone(),
            pos: 0,
        }
        .take(ingest::HEAD as u64)
        .read_to_end(&mut head)
        .map_err(&read_err)?;
        // Some systems name a CSV, TSV or HTML export `.xls`: a file that is
        // not a workbook (no zip or OLE signature) is read as text.
        let (content, encoding) =
            if ingest::is_workbook(path) && ingest::has_workbook_signature(&head) {
                let mut bytes = Vec::new();
                FileAt { file, pos: 0 }
                    .read_to_end(&mut bytes)
                    .map_err(&read_err)?;
                let csv = workbook_to_csv(path, &bytes, opts.sheet.as_deref())?;
                (Content::Workbook(csv.into()), "xlsx".to_string())
            } else {
                let encoding = match &opts.encoding {
                    Some(l) => encoding_for_label(l)?,
                    None => sniff(&head),
                };
                let name = encoding.name().to_string();
                (Content::Text { file, encoding }, name)
            };
        let mut src = Source {
            path: path.to_path_buf(),
            content,
            encoding,
            delim: b',',
            header: Vec::new(),
            header_line: 0,
            limits,
        };
        let mut reader = RecordReader::new(src.stream(), limits).map_err(&read_err)?;
        src.delim = match opts.delimiter {
            Some(d) => d,
            None => reader.sniff_delimiter(),
        };
        reader.delim = src.delim;
        loop {
            match reader.next_rec().map_err(&read_err)? {
                None => {
                    return Err(Error::EmptyFile {
                        path: path.to_path_buf(),
                    })
                }
                Some(Rec::Unreadable { reason, .. }) => {
                    return Err(Error::BadHeader {
                        path: path.to_path_buf(),
                        reason: reason.message(lang),
                    })
                }
                Some(Rec::Ok { bytes, .. }) if bytes.iter().all(|b| b.is_ascii_whitespace()) => {
                    continue
                }
                Some(Rec::Ok { line, bytes }) => {
                    let mut f = Vec::new();
                    split_fields(bytes, src.delim, &mut f);
                    // header names in a legacy font or double-encoded are
                    // repaired (as a row: one broken name is evidence for the others)
                    let raw: Vec<String> = f
                        .iter()
                        .map(|c| String::from_utf8_lossy(c).trim().to_string())
                        .collect();
                    let cells: Vec<&str> = raw.iter().map(String::as_str).collect();
                    src.header = lamsach_text::textfix::repair_row(&cells)
                        .into_iter()
                        .map(|r| r.value.trim().to_string())
                        .collect();
                    src.header_line = line;
                    break;
                }
            }
        }
        Ok(src)
    }

    /// The decoded, UTF-8 byte stream from the start of the source.
    fn stream(&self) -> Box<dyn Read + Send> {
        match &self.content {
            Content::Text { file, encoding } => decode(
                Box::new(FileAt {
                    file: file.clone(),
                    pos: 0,
                }),
                encoding,
            ),
            Content::Workbook(csv) => Box::new(Cursor::new(csv.clone())),
        }
    }

    /// A reader of the records after the header line, with physical line
    /// numbers and the header's field count for recovery.
    pub fn records(&self) -> Result<RecordReader<Box<dyn Read + Send>>> {
        let read_err = Error::read(&self.path);
        let mut reader = RecordReader::new(self.stream(), self.limits).map_err(&read_err)?;
        reader.delim = self.delim;
        while let Some(rec) = reader.next_rec().map_err(&read_err)? {
            let line = match rec {
                Rec::Ok { line, .. } | Rec::Unreadable { line, .. } => line,
            };
            if line >= self.header_line {
                break;
            }
        }
        reader.expected_fields = self.header.len();
        Ok(reader)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the source was read: its encoding (`UTF-8`, `windows-1258`, …) or `xlsx`.
    pub fn encoding(&self) -> &str {
        &self.encoding
    }

    pub fn delim(&self) -> u8 {
        self.delim
    }

    /// The header's cell values, trimmed and repaired.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Physical line of the header (1 unless blank lines come first).
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// True for a workbook sheet (read as comma-separated CSV).
    pub fn is_workbook(&self) -> bool {
        matches!(self.content, Content::Workbook(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_record_bytes: 1 << 20,
            max_quoted_lines: 1000,
        }
    }

    #[test]
    fn every_pass_reads_the_records_after_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        std::fs::write(&p, "\n\nHọ tên;Số CCCD\nLan;001190012345\nAn;0011\n").unwrap();
        let s = Source::open(&p, &SourceOptions::default(), limits(), Lang::Vi).unwrap();
        assert_eq!(s.header(), ["Họ tên", "Số CCCD"]);
        assert_eq!(
            (s.delim(), s.header_line(), s.encoding()),
            (b';', 3, "UTF-8")
        );
        for _ in 0..2 {
            let mut r = s.records().unwrap();
            let mut lines = Vec::new();
            while let Some(rec) = r.next_rec().unwrap() {
                if let Rec::Ok { line, bytes } = rec {
                    lines.push((line, String::from_utf8_lossy(bytes).to_string()));
                }
            }
            assert_eq!(
                lines,
                [
                    (4, "Lan;001190012345".to_string()),
                    (5, "An;0011".to_string())
                ]
            );
        }
    }

    #[test]
    fn empty_and_missing_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.csv");
        std::fs::write(&p, "\n \n").unwrap();
        let e = Source::open(&p, &SourceOptions::default(), limits(), Lang::Vi).unwrap_err();
        assert!(matches!(e, Error::EmptyFile { .. }), "{e}");
        let e = Source::open(
            &dir.path().join("none.csv"),
            &SourceOptions::default(),
            limits(),
            Lang::En,
        )
        .unwrap_err();
        assert!(matches!(e, Error::Open { .. }), "{e}");
    }
}
