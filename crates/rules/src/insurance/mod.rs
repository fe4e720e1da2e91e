//! Social insurance: the BHXH code and the BHYT card.

pub mod bhxh_code_invalid;
pub mod bhyt_bhxh_mismatch;
pub mod bhyt_card_invalid;
