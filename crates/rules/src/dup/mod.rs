//! Duplicates across rows: the same event twice, one ID shared by different people, the same person under two IDs or none.

pub mod duplicate_event;
pub mod id_shared_by_different_people;
pub mod same_event_recorded_twice;
pub mod same_person_two_ids;
pub mod same_person_without_id;
