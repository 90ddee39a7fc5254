//! The manager's HTTP surface: the customer base and the relationship with it.

pub mod contacts;
pub mod customers;
pub mod equipment;
pub mod sites;
pub mod timeline;
