//! The engineer's HTTP surface: its own visits and what it does on them.

pub mod actions;
pub mod calendar;
pub mod load_list;
pub mod media;
pub mod visits;
