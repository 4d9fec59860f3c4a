//! What campaigns are made of, apart from any screen: calling windows and
//! phone numbers as they are shown.

pub mod clock;
pub mod local_time;
pub mod phone;
pub mod schedule;
pub mod zone_split;
