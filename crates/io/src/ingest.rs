//! Turns any export an office produces into a UTF-8 CSV byte stream for
//! [`crate::input::RecordReader`]: CSV/TSV in UTF-8 (with or without BOM),
//! UTF-16 LE/BE, Windows-1258 (decoded, then NFC) or Windows-1252 (TCVN3 and
//! VNI files read this way are repaired per value by `textfix`), and Excel
//! workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through `calamine`,
//! one sheet converted to CSV rows so that line numbers equal sheet rows.

use crate::error::{Error, Result};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, WINDOWS_1258};
use lamsach_text::textfix::{legacy, viet};
use std::io::{Cursor, Read};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// Bytes read from the start of a text file to guess its encoding.
pub(crate) const HEAD: usize = 64 * 1024;

pub(crate) fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// True when `head` starts like a zip (xlsx, ods) or OLE (xls) container.
pub(crate) fn has_workbook_signature(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Resolves an `--encoding` label. `tcvn3`, `abc` and `vni` read the bytes as
/// Windows-1252: the per-value repair then decodes the font encoding.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    if matches!(l.as_str(), "tcvn3" | "abc" | "vni" | "tcvn" | "vn3") {
        return Ok(WINDOWS_1252);
    }
    Encoding::for_label(l.as_bytes()).ok_or_else(|| {
        Error::Usage(format!(
            "--encoding '{label}': không biết bảng mã này / unknown encoding; dùng / use utf-8, utf-16le, utf-16be, windows-1258, windows-1252, tcvn3, vni"
        ))
    })
}

/// Wraps a byte stream so it reads as UTF-8. UTF-8 passes through untouched
/// (invalid bytes stay for rule TXT001); Windows-1258 is decoded and
/// normalised to NFC (its tone marks are combining characters).
pub fn decode(raw: Box<dyn Read + Send>, enc: &'static Encoding) -> Box<dyn Read + Send> {
    if enc == UTF_8 {
        return raw;
    }
    let dec = DecodeReader::new(raw, enc);
    if enc == WINDOWS_1258 {
        Box::new(NfcReader::new(dec))
    } else {
        Box::new(dec)
    }
}

/// Guesses the encoding of the start of a file: BOM, then UTF-16 without
/// BOM (zero bytes), then UTF-8 validity, then Windows-1258 against
/// Windows-1252 (+ TCVN3/VNI) by how many words come out as Vietnamese.
pub fn sniff(head: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return enc;
    }
    let n = head.len().min(4096) / 2 * 2;
    if n >= 4 {
        let pairs = n / 2;
        let zero_odd = (0..pairs).filter(|i| head[2 * i + 1] == 0).count();
        let zero_even = (0..pairs).filter(|i| head[2 * i] == 0).count();
        if zero_odd * 3 > pairs && zero_even * 20 < pairs {
            return UTF_16LE;
        }
        if zero_even * 3 > pairs && zero_odd * 20 < pairs {
            return UTF_16BE;
        }
    }
    if mostly_utf8(head) {
        return UTF_8;
    }
    let (w1258, _, _) = WINDOWS_1258.decode(head);
    let w1258: String = w1258.nfc().collect();
    let (w1252, _, _) = WINDOWS_1252.decode(head);
    let score_1258 = viet::words(&w1258)
        .filter(|w| !w.is_ascii() && viet::is_syllable(w))
        .count();
    let score_1252 = viet::words(&w1252)
        .filter(|w| !w.is_ascii())
        .filter(|w| {
            viet::is_syllable(w)
                || legacy::decode_tcvn3(w).is_some_and(|d| viet::is_syllable(&d))
                || legacy::decode_vni(w).is_some_and(|d| viet::is_syllable(&d))
        })
        .count();
    if score_1258 > score_1252 {
        WINDOWS_1258
    } else {
        WINDOWS_1252
    }
}

/// True when the bytes are UTF-8. Invalid bytes are allowed when valid
/// multi-byte characters outnumber them, or when at least three letters of
/// the Vietnamese block (U+1EA0..U+1EF9, three bytes each) decode: legacy
/// encodings practically never form those, so a UTF-8 file with a few
/// garbage rows stays UTF-8 (the garbage is reported by TXT001) instead of
/// turning every Vietnamese name into mojibake.
fn mostly_utf8(mut b: &[u8]) -> bool {
    let mut multibyte = 0usize;
    let mut viet = 0usize;
    let mut invalid = 0usize;
    let mut count = |s: &str| {
        for c in s.chars().filter(|c| !c.is_ascii()) {
            multibyte += 1;
            viet += usize::from(('\u{1EA0}'..='\u{1EF9}').contains(&c));
        }
    };
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                count(s);
                break;
            }
            Err(e) => {
                let (good, rest) = b.split_at(e.valid_up_to());
                if let Ok(s) = std::str::from_utf8(good) {
                    count(s);
                }
                match e.error_len() {
                    None => break,
                    Some(n) => {
                        invalid += 1;
                        b = rest.get(n..).unwrap_or(&[]);
                    }
                }
            }
        }
    }
    invalid == 0 || multibyte > invalid || viet >= 3
}

/// Transcodes a byte stream to UTF-8 with `encoding_rs` (a BOM of the
/// encoding is removed; malformed sequences become U+FFFD).
pub struct DecodeReader<R> {
    src: R,
    dec: encoding_rs::Decoder,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> DecodeReader<R> {
    pub fn new(src: R, enc: &'static Encoding) -> Self {
        DecodeReader {
            src,
            dec: enc.new_decoder_with_bom_removal(),
            inbuf: vec![0; 1 << 16],
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = loop {
                match self.src.read(&mut self.inbuf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            let last = n == 0;
            let input = &self.inbuf[..n];
            let cap = self
                .dec
                .max_utf8_buffer_length(n)
                .unwrap_or(n.saturating_mul(3).saturating_add(16));
            self.out.clear();
            self.out.resize(cap, 0);
            let (_, read, written, _) = self.dec.decode_to_utf8(input, &mut self.out, last);
            debug_assert_eq!(read, n);
            self.out.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let avail = &self.out[self.pos..];
        let k = avail.len().min(buf.len());
        buf[..k].copy_from_slice(&avail[..k]);
        self.pos += k;
        Ok(k)
    }
}

/// NFC-normalises a UTF-8 stream. Text is released up to the last ASCII
/// byte seen: combining marks never attach across an ASCII character, so
/// composing chunk by chunk gives the same result as composing the whole.
pub struct NfcReader<R> {
    src: R,
    pending: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> NfcReader<R> {
    pub fn new(src: R) -> Self {
        NfcReader {
            src,
            pending: Vec::new(),
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        let mut buf = [0u8; 1 << 16];
        while self.pos >= self.out.len() && !(self.eof && self.pending.is_empty()) {
            self.out.clear();
            self.pos = 0;
            if !self.eof {
                let n = loop {
                    match self.src.read(&mut buf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                if n == 0 {
                    self.eof = true;
                } else {
                    self.pending.extend_from_slice(&buf[..n]);
                }
            }
            let cut = if self.eof {
                self.pending.len()
            } else {
                match self.pending.iter().rposition(u8::is_ascii) {
                    Some(i) => i,
                    None => continue,
                }
            };
            let text = String::from_utf8_lossy(&self.pending[..cut]);
            self.out.extend(text.nfc().collect::<String>().into_bytes());
            self.pending.drain(..cut);
        }
        Ok(())
    }
}

impl<R: Read> Read for NfcReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        let avail = &self.out[self.pos.min(self.out.len())..];
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------- workbooks

fn sheet_err(path: &Path, msg: String) -> Error {
    Error::Usage(format!("{}: {msg}", path.display()))
}

/// Converts one sheet of a workbook to CSV bytes (comma-separated, `\n`
/// line ends). Row n of the sheet is line n of the CSV: empty lines stand
/// for empty rows above the data, and line breaks inside a cell become
/// spaces.
/// The names of a workbook's sheets, in order.
pub fn sheet_names(path: &Path, workbook: &[u8]) -> Result<Vec<String>> {
    use calamine::{open_workbook_auto_from_rs, Reader};
    let wb = open_workbook_auto_from_rs(Cursor::new(workbook)).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(wb.sheet_names())
}

pub fn workbook_to_csv(path: &Path, workbook: &[u8], sheet: Option<&str>) -> Result<Vec<u8>> {
    use calamine::{open_workbook_auto_from_rs, Reader};
    let mut wb = open_workbook_auto_from_rs(Cursor::new(workbook)).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        None => names.first().cloned(),
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s || n.trim().eq_ignore_ascii_case(s.trim()))
            .cloned()
            .or_else(|| {
                s.trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| names.get(i).cloned())
            }),
    };
    let Some(name) = name else {
        return Err(sheet_err(
            path,
            format!(
                "không có trang tính '{}' / no such sheet; có / sheets: {}",
                sheet.unwrap_or(""),
                names.join(", ")
            ),
        ));
    };
    let range = wb.worksheet_range(&name).map_err(|e| Error::Read {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let pads = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
    {
        crate::ingest::xlsx_formats::zero_padded_cells(workbook, &name).unwrap_or_default()
    } else {
        Default::default()
    };
    let mut out = Vec::with_capacity(range.get_size().0 * 64);
    let Some((r0, c0)) = range.start() else {
        return Ok(out);
    };
    out.resize(r0 as usize, b'\n');
    for (ri, row) in range.rows().enumerate() {
        let r = r0 as usize + ri;
        for (ci, cell) in row.iter().enumerate() {
            if ci > 0 {
                out.push(b',');
            }
            let c = c0 as usize + ci;
            let width = pads.get(&(r as u32, c as u32)).copied();
            write_csv_cell(&mut out, &cell_text(cell, width));
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// The text Excel shows for a cell, as an export would write it.
/// Integers never come out in scientific notation; a number whose format
/// pads with zeros (`000000000000`) keeps its leading zeros.
pub fn cell_text(cell: &calamine::Data, zero_pad: Option<usize>) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace("\r\n", " ").replace(['\n', '\r'], " "),
        Data::Int(i) => pad(i.to_string(), zero_pad),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e17 {
                pad(format!("{f:.0}"), zero_pad)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.format("%d/%m/%Y").to_string(),
            Some(dt) => dt.format("%d/%m/%Y %H:%M:%S").to_string(),
            None => format!("{}", d.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn pad(digits: String, width: Option<usize>) -> String {
    match width {
        Some(w) if digits.len() < w && digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{digits:0>w$}")
        }
        _ => digits,
    }
}

pub(crate) fn write_csv_cell(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend(s.replace('"', "\"\"").into_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

pub mod frame;
pub mod xlsx_formats;

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(r: Box<dyn Read + Send>) -> String {
        let mut s = String::new();
        let mut r = r;
        r.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn sniffs() {
        assert_eq!(sniff(b"\xEF\xBB\xBFa,b"), UTF_8);
        assert_eq!(sniff(b"\xFF\xFEa\0,\0"), UTF_16LE);
        assert_eq!(sniff(b"\xFE\xFF\0a\0,"), UTF_16BE);
        assert_eq!(sniff(b"a\0,\0b\0\n\0"), UTF_16LE);
        assert_eq!(sniff("Nguyễn,Lê".as_bytes()), UTF_8);
        // Windows-1258: e + circumflex (EA) + tilde (DE): "Nguyễn"
        assert_eq!(sniff(b"Nguy\xEA\xDEn,L\xEA,H\xE0\xCC"), WINDOWS_1258);
        // TCVN3 bytes: "NguyÔn V¨n"
        assert_eq!(sniff(b"Nguy\xD4n V\xA8n,Tr\xC7n"), WINDOWS_1252);
    }

    #[test]
    fn windows_1258_is_nfc() {
        let raw: Box<dyn Read + Send> = Box::new(Cursor::new(b"Nguy\xEA\xDEn\n".to_vec()));
        assert_eq!(read_all(decode(raw, WINDOWS_1258)), "Nguyễn\n");
    }

    #[test]
    fn nfc_reader_across_chunks() {
        // a mark split from its base by a chunk boundary still composes
        struct Tiny(Vec<u8>, usize);
        impl Read for Tiny {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = 1.min(buf.len()).min(self.0.len() - self.1);
                buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
                self.1 += n;
                Ok(n)
            }
        }
        let src = Tiny("Nguye\u{302}\u{303}n Thi\u{323}".as_bytes().to_vec(), 0);
        let mut s = String::new();
        NfcReader::new(src).read_to_string(&mut s).unwrap();
        assert_eq!(s, "Nguyễn Thị");
    }

    #[test]
    fn any_bytes_any_encoding_never_panic() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..300 {
            let n = rng.usize(0..300);
            let bytes: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
            let _ = sniff(&bytes);
            for enc in [UTF_8, UTF_16LE, UTF_16BE, WINDOWS_1258, WINDOWS_1252] {
                let mut out = Vec::new();
                decode(Box::new(Cursor::new(bytes.clone())), enc)
                    .read_to_end(&mut out)
                    .unwrap();
                if enc != UTF_8 {
                    assert!(
                        std::str::from_utf8(&out).is_ok(),
                        "{} {:x?}",
                        enc.name(),
                        &bytes[..bytes.len().min(8)]
                    );
                }
            }
        }
    }

    #[test]
    fn cells() {
        use calamine::Data;
        assert_eq!(
            cell_text(&Data::Float(123456789012.0), None),
            "123456789012"
        );
        assert_eq!(
            cell_text(&Data::Float(1089012345.0), Some(12)),
            "001089012345"
        );
        assert_eq!(cell_text(&Data::Int(5), None), "5");
        assert_eq!(cell_text(&Data::Float(1.5), None), "1.5");
        assert_eq!(cell_text(&Data::String("a\nb".into()), None), "a b");
    }
}
