//! What the server tells its operators: a request id on every answer and log
//! line, Prometheus metrics, liveness and readiness, and the audit trail.

pub mod middleware;
pub mod probes;

pub use middleware::{observe, RequestId, Signed};
