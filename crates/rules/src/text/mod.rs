//! Broken Vietnamese text: invalid UTF-8, legacy fonts (TCVN3, VNI), double encoding, decomposed accents, control characters, spacing.

pub mod text_bad_spacing;
pub mod text_broken_unrepairable;
pub mod text_control_chars;
pub mod text_double_encoded;
pub mod text_fields;
pub mod text_not_nfc;
pub mod text_not_utf8;
pub mod text_tcvn3_font;
pub mod text_vni_font;
