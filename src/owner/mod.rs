//! The owner's HTTP surface: the company account and its users.

pub mod analytics;
pub mod audit;
pub mod export;
pub mod import;
pub mod segments;
pub mod settings;
pub mod templates;
pub mod users;
