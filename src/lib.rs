//! Orderly: field-service scheduling and work orders.
//!
//! Layout (see DESIGN.md): `core` is the pure domain, `store` persistence, `api`
//! shared HTTP plumbing, and one module per role for its HTTP surface.

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
pub mod store;
pub mod web;
