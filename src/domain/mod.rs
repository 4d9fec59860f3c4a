//! What campaigns are made of, apart from any screen: calling windows.

pub mod schedule;
