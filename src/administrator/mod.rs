//! The administrator's HTTP surface: what it takes to get an engineer on site.

pub mod actions;
pub mod devices;
pub mod load_lists;
pub mod notifications;
pub mod parts;
pub mod planning;
pub mod queue;
pub mod self_scheduling;
pub mod site_access;
pub mod stock;
