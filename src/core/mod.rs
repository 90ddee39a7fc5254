//! The domain: entities, rules and formulas as pure functions and types.
//!
//! Nothing here does I/O or knows about actix or diesel, so every rule can be
//! unit-tested without a server or a database. Entities derive serde and utoipa's
//! `ToSchema`: they are the shapes the API speaks, described once.

pub mod agreement;
pub mod analytics;
pub mod calendar;
pub mod certificate;
pub mod changes;
pub mod consumption;
pub mod contact;
pub mod contact_info;
pub mod customer;
pub mod dates;
pub mod device;
pub mod equipment;
pub mod fields;
pub mod geo;
pub mod ids;
pub mod import;
pub mod load;
pub mod media;
pub mod meter;
pub mod money;
pub mod notice;
pub mod part;
pub mod plan;
pub mod recurrence;
pub mod reminder;
pub mod role;
pub mod route;
pub mod site;
pub mod slots;
pub mod sms;
pub mod sticker;
pub mod stock;
pub mod text;
pub mod usage;
pub mod validation;
pub mod visit;
pub mod work_order;

pub use fields::{Fields, InputContext};
pub use validation::ValidationError;
