//! The text-repair decoders on arbitrary input: TCVN3 and VNI
//! (`textfix::legacy`), mojibake detection, control/space/NFC repair and the
//! whole `repair` / `repair_row` pipeline, the syllable check; and the stream
//! decoders of `ingest` (`sniff`, `DecodeReader`, `NfcReader`) fed in small
//! reads, compared with decoding the whole input at once.
//!
//! Byte 0: low 3 bits pick the encoding (sniffed, UTF-8, UTF-16LE, UTF-16BE,
//! Windows-1258, Windows-1252), the rest the read size (1..=32 bytes).
#![no_main]

use lamsach_io::ingest::{encoding_for_label, sniff, DecodeReader, NfcReader};
use lamsach_text::textfix::{self, legacy, mojibake, viet};
use libfuzzer_sys::fuzz_target;
use std::io::Read;

/// Hands out at most `step` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn read_all(mut r: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    r.read_to_end(&mut out).expect("in-memory read");
    out
}

fuzz_target!(|input: &[u8]| {
    let Some((&sel, body)) = input.split_first() else {
        return;
    };

    // Value repair on the text.
    let s = String::from_utf8_lossy(body);
    let s = s.as_ref();
    let _ = legacy::decode_tcvn3(s);
    let _ = legacy::decode_vni(s);
    let _ = legacy::decode_as(s, textfix::Legacy::Tcvn3);
    let _ = legacy::decode_as(s, textfix::Legacy::Vni);
    let _ = legacy::detect(s);
    let _ = mojibake::detect(s);
    let _ = textfix::strip_controls(s);
    let _ = textfix::nfc(s);
    let _ = textfix::respace(s);
    let _ = textfix::has_bad_spacing(s);
    let r = textfix::repair(s);
    let _ = textfix::repair(&r.value);
    let cells: Vec<&str> = s.split(',').collect();
    assert_eq!(textfix::repair_row(&cells).len(), cells.len());
    for w in viet::words(s) {
        let _ = viet::is_syllable(w);
    }

    // Stream decoders, chunked vs whole.
    let enc = match sel & 7 {
        1 => encoding_for_label("utf-8"),
        2 => encoding_for_label("utf-16le"),
        3 => encoding_for_label("utf-16be"),
        4 => encoding_for_label("windows-1258"),
        5 => encoding_for_label("windows-1252"),
        _ => Ok(sniff(body)),
    }
    .expect("known label");
    let step = 1 + (sel >> 3) as usize;
    let decoded = read_all(DecodeReader::new(Trickle { data: body, step }, enc));
    let whole = enc.decode_with_bom_removal(body).0;
    assert_eq!(
        String::from_utf8_lossy(&decoded),
        whole,
        "chunked decode differs from whole decode"
    );
    let nfc = read_all(NfcReader::new(Trickle {
        data: whole.as_bytes(),
        step,
    }));
    let expect = textfix::nfc(&whole).unwrap_or_else(|| whole.to_string());
    assert_eq!(
        String::from_utf8_lossy(&nfc),
        expect,
        "chunked NFC differs from whole NFC"
    );
});
