//! Double-encoded UTF-8: UTF-8 bytes read as Windows-1252 (or Latin-1) and
//! saved again, so `Nguyễn` reads `Nguyá»…n`. Undone by writing the
//! characters back as Windows-1252 bytes and reading those as UTF-8.

/// The Windows-1252 byte of a character, also accepting the C1 controls
/// U+0080..U+009F as themselves (what Windows and Latin-1 readers produce
/// for the five bytes 1252 leaves undefined).
pub(crate) fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x100 {
        return Some(u as u8);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// Characters a repaired value may hold: Latin letters (with Vietnamese),
/// combining marks, punctuation and symbols of the Windows code pages. A
/// "repair" giving anything else (`LÊ` + no-break space reads as U+02A0) was
/// not double encoding.
fn plausible(c: char) -> bool {
    let u = c as u32;
    cp1252_byte(c).is_some() // ASCII, Latin-1, C1 and the 1252 symbols (a second round)
        || (0x100..=0x24F).contains(&u)
        || (0x300..=0x36F).contains(&u)
        || (0x1E00..=0x1EFF).contains(&u)
        || (0x2000..=0x206F).contains(&u)
        || (0x20A0..=0x20CF).contains(&u)
        || (0x2100..=0x214F).contains(&u)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mojibake {
    /// Certain: the value re-read as UTF-8 (as many rounds as were applied).
    Fixed(String),
    /// Some sequences decode, others do not (a byte was lost on the way).
    Unsure,
}

/// One round of undoing; None when the value is not double-encoded.
fn undo_once(s: &str) -> Option<Result<String, ()>> {
    if s.is_ascii() {
        return None;
    }
    // Fast check, no allocation: double-encoding leaves a lead byte
    // (Â..ô) followed by a continuation byte (0x80..0xBF).
    let is_lead = |c: char| ('\u{C2}'..='\u{F4}').contains(&c);
    let is_cont = |c: char| {
        ('\u{80}'..='\u{BF}').contains(&c) || (c as u32 > 0xFF && cp1252_byte(c).is_some())
    };
    let mut prev = ' ';
    if !s.chars().any(|c| {
        let hit = is_lead(prev) && is_cont(c);
        prev = c;
        hit
    }) {
        return None;
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        bytes.push(cp1252_byte(c)?);
    }
    match String::from_utf8(bytes) {
        Ok(t) => (t.len() < s.len() && !t.is_ascii() && t.chars().all(plausible)).then_some(Ok(t)),
        Err(e) => {
            let b = e.into_bytes();
            // The no-break space (0xA0) that ends à, Ạ, Ơ… is often turned
            // into a plain space on the way: `HoÃ ng`. Put it back where a
            // multi-byte sequence lacks exactly that byte.
            if let Some(t) = restore_nbsp(&b) {
                // a space was swallowed: only when every word still reads as
                // Vietnamese (`Ngá» Thá»‹` lost a byte, it is not `NgỠThị`)
                let ok = t.len() < s.len()
                    && t.chars().all(plausible)
                    && super::viet::words(&t).all(|w| w.is_ascii() || super::viet::is_syllable(w));
                if ok {
                    return Some(Ok(t));
                }
            }
            // Partly decodable: at least one whole multi-byte sequence.
            let lossy = String::from_utf8_lossy(&b);
            // a Vietnamese letter came out: it was double encoding
            let good = lossy
                .chars()
                .any(|c| c as u32 >= 0x100 && super::viet::is_letter(c));
            good.then_some(Err(()))
        }
    }
}

/// Replaces each space that stands where a multi-byte sequence expects a
/// continuation byte with 0xA0; Some when the result is valid UTF-8.
fn restore_nbsp(b: &[u8]) -> Option<String> {
    let mut v = b.to_vec();
    let mut need = 0u8;
    let mut changed = false;
    for x in v.iter_mut() {
        if need > 0 && *x == b' ' {
            *x = 0xA0;
            changed = true;
            need -= 1;
            continue;
        }
        if need > 0 && (0x80..=0xBF).contains(x) {
            need -= 1;
            continue;
        }
        need = match *x {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => 0,
        };
    }
    if !changed {
        return None;
    }
    String::from_utf8(v).ok()
}

/// Looks for double-encoded UTF-8. Fast: returns None at once for ASCII
/// values and values with a character that Windows-1252 does not have.
pub fn detect(s: &str) -> Option<Mojibake> {
    let mut cur = match undo_once(s)? {
        Ok(t) => t,
        Err(()) => return Some(Mojibake::Unsure),
    };
    for _ in 0..3 {
        match undo_once(&cur) {
            Some(Ok(t)) => cur = t,
            _ => break,
        }
    }
    Some(Mojibake::Fixed(cur))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoes_double_encoding() {
        assert_eq!(detect("Nguyá»…n"), Some(Mojibake::Fixed("Nguyễn".into())));
        assert_eq!(
            detect("Tráº§n Thá»‹ HÃ²a"),
            Some(Mojibake::Fixed("Trần Thị Hòa".into()))
        );
        // ề is E1 BB 81: 0x81 is undefined in 1252 and comes back as U+0081
        assert_eq!(detect("Ngá»\u{81}"), Some(Mojibake::Fixed("Ngề".into())));
        // the no-break space of à became a plain space
        assert_eq!(
            detect("HoÃ ng VÄƒn"),
            Some(Mojibake::Fixed("Hoàng Văn".into()))
        );
        assert_eq!(detect("Ã  Ä‘Ã "), Some(Mojibake::Fixed("à đà".into())));
        // twice double-encoded
        assert_eq!(
            detect("NguyÃ¡Â»â€¦n"),
            Some(Mojibake::Fixed("Nguyễn".into()))
        );
    }

    #[test]
    fn leaves_genuine_text() {
        for s in [
            "Nguyễn",
            "Hà",
            "José",
            "Café Ô",
            "abc",
            "Â",
            "LÊ\u{A0}AN",
            "Ô\u{A0}AN",
        ] {
            assert_eq!(detect(s), None, "{s}");
        }
        // the undefined byte was dropped: cannot be sure what ề/ọ/ỏ/Ố/ờ it was
        assert_eq!(detect("Ngá» Thá»‹"), Some(Mojibake::Unsure));
    }
}
