//! What a record is: fields, profiles (header aliases per kind of export),
//! the rule data loaded from `rules/*.toml`, and the parsers of the values
//! the rules look at (ID numbers, dates, phone numbers).

pub mod first_seen;
pub mod header;
pub mod household;
pub mod layout;
pub mod parse;
pub mod profile;
