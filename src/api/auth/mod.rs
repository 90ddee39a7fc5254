//! Who is calling: passwords, tokens, login throttling and the role extractors.

pub mod address;
pub mod caller;
pub mod handlers;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use caller::{AnyStaff, Caller, Dispatcher, Engineer, Manager, Office, Owner};
