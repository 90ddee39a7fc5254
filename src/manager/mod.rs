//! The manager's HTTP surface: the customer base and the relationship with it.

pub mod actions;
pub mod card;
pub mod certificate;
pub mod contacts;
pub mod customers;
pub mod equipment;
pub mod meters;
pub mod papers;
pub mod plans;
pub mod reminders;
pub mod sites;
pub mod stickers;
pub mod timeline;
pub mod work_orders;
