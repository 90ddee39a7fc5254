//! HTTP plumbing shared by every route: the state handlers see, errors and
//! their bodies, extractors (roles, ids, bodies), auth, OpenAPI answers and
//! telemetry. The routes themselves are registered by the composition root (`app`).

pub mod actions;
pub mod answers;
pub mod auth;
pub mod csv;
pub mod error;
pub mod extract;
pub mod health;
pub mod records;
pub mod spreadsheet;
pub mod state;
pub mod telemetry;
