//! Output files: written under a temporary name and renamed into place
//! (an interrupted run never leaves a half-written report), and cells made
//! safe to open in Excel.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written under a temporary name and renamed on `commit`.
/// Dropped without commit, the temporary file is removed.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    w: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<Self> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp{}", std::process::id()));
        let f = File::create(&tmp).map_err(Error::write(&tmp))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            w: Some(BufWriter::with_capacity(1 << 16, f)),
        })
    }

    /// [`AtomicFile::create`], then the UTF-8 byte order mark that makes
    /// Excel read a CSV file as UTF-8.
    pub fn create_csv(dest: &Path) -> Result<Self> {
        let mut f = Self::create(dest)?;
        f.writer()
            .write_all(b"\xEF\xBB\xBF")
            .map_err(Error::write(dest))?;
        Ok(f)
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.w.as_mut().expect("writer present until commit")
    }

    pub fn commit(mut self) -> Result<()> {
        let err = Error::write(&self.dest);
        if let Some(w) = self.w.take() {
            let f = w.into_inner().map_err(|e| err(e.into_error()))?;
            f.sync_all().map_err(&err)?;
        }
        std::fs::rename(&self.tmp, &self.dest).map_err(&err)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.w.is_some() {
            self.w = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Prefixes a cell that Excel would read as a formula (`=`, `+`, `-`, `@`,
/// tab, CR) with an apostrophe.
/// Control characters other than tab and line breaks (NUL, …) are replaced
/// by `�` so no output carries bytes that break spreadsheet tools.
pub fn excel_safe(s: &str) -> Cow<'_, str> {
    // Control characters are C0 (bytes < 0x20), DEL and C1 (U+0080–U+009F,
    // UTF-8 lead byte 0xC2): text with none of these bytes needs no scan.
    // (A fold without early exit, so the compiler vectorises it.)
    let suspect = s.as_bytes().iter().fold(false, |acc, &b| {
        acc | (b < 0x20) | (b == 0x7f) | (b == 0xc2)
    });
    let s: Cow<'_, str> = if suspect
        && s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    };
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => s,
    }
}
