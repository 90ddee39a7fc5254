//! Orderly: field-service scheduling and work orders.
//!
//! Layout (docs/architecture.md): `core` is the pure domain, `store` persistence
//! with diesel, `flow` the use cases, `api` HTTP plumbing, and one module per
//! role for its routes, beside `web` (pages) and `cli`. Adapters stand beside
//! them (`notify`, `scheduler`, `routing`, `certificates`, `stickers`, `files`); `config`
//! and `runtime` hold the settings in force and what the server's tasks share;
//! `app` is the composition root. Dependencies point down, with no cycles
//! (`tests/module_graph.rs` reads the `use` lines and checks).

pub mod administrator;
pub mod api;
pub mod app;
pub mod certificates;
pub mod cli;
pub mod config;
pub mod core;
pub mod demo;
pub mod engineer;
pub mod error;
pub mod files;
pub mod flow;
pub mod manager;
pub mod memory;
pub mod metrics;
pub mod notify;
pub mod owner;
pub mod routing;
pub mod runtime;
pub mod scheduler;
pub mod stickers;
pub mod store;
pub mod web;
