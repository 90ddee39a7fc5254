//! Integration tests: the real HTTP app on a fresh database per test, on SQLite
//! and, when `ORDERLY_TEST_POSTGRES_URL` is set, on PostgreSQL. One binary keeps
//! link times down; one module per capability.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/pdf_geometry.rs"]
mod pdf_geometry;
mod sinks;
mod support;

mod accounts;
mod analytics;
mod browser;
mod certificates;
mod crash;
mod customer_base;
mod engineer_app;
mod export;
mod files;
mod hardening;
mod import;
mod instances;
mod load_lists;
mod maintenance;
mod meters;
mod notifications;
mod office;
mod office_session;
mod operations;
mod papers;
mod parts_on_orders;
mod planning;
mod role_matrix;
mod self_scheduling;
mod settings;
mod stickers;
mod stock;
mod stored_values;
mod typed_house;
mod usage;
mod validation;
mod work_orders;
