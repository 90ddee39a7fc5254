//! The administrator's HTTP surface: what it takes to get an engineer on site.

pub mod site_access;
