//! Verification against the population extract: not found, and each field that differs.

pub mod deceased_still_active;
pub mod dob_day_month_swapped;
pub mod dob_differs;
pub mod dob_off_by_days;
pub mod dob_year_only;
pub mod event_after_death;
pub mod id_not_in_reference;
pub mod lookup;
pub mod name_diacritics_differ;
pub mod name_of_another_person;
pub mod name_part_missing;
pub mod name_typo;
pub mod name_without_diacritics;
pub mod name_word_order;
pub mod sex_differs;
#[doc(hidden)]
pub mod testing;
