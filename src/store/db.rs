//! The database as the server's tasks share it: a pool, the backend it speaks,
//! and the delivery worker's doorbell, rung after a unit of work that queued a
//! message has committed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

use super::{Backend, DbConnection, Pool};
use crate::error::AppError;

/// Runs units of work on the blocking pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub pool: Pool,
    pub backend: Backend,
    /// Wakes this instance's delivery worker.
    doorbell: Arc<Notify>,
}

/// What one unit of work queued for delivery. Passed down explicitly to every
/// function that writes to the outbox, so the worker is woken after the commit
/// that made the message visible, not before.
#[derive(Default)]
pub struct Outbox {
    queued: AtomicBool,
}

impl Outbox {
    /// Notes that a message is waiting for delivery.
    pub fn queued(&self) {
        self.queued.store(true, Ordering::Relaxed);
    }

    /// Whether anything was queued.
    pub fn has_queued(&self) -> bool {
        self.queued.load(Ordering::Relaxed)
    }
}

impl Db {
    pub fn new(pool: Pool, backend: Backend) -> Db {
        Db {
            pool,
            backend,
            doorbell: Arc::new(Notify::new()),
        }
    }

    /// The bell the delivery worker waits on.
    pub fn doorbell(&self) -> Arc<Notify> {
        self.doorbell.clone()
    }

    /// Runs blocking database work (pool checkout included) off the async executor.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.sending(move |conn, _| f(conn)).await
    }

    /// Runs work that may queue messages, and wakes the delivery worker once it
    /// has returned (its transaction committed) if it did. Work that failed
    /// rolled back what it queued: the worker sleeps on.
    pub async fn sending<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection, &Outbox) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let (result, outbox) = tokio::task::spawn_blocking(move || {
            let outbox = Outbox::default();
            let result = pool
                .get()
                .map_err(AppError::from)
                .and_then(|mut c| f(&mut c, &outbox));
            (result, outbox)
        })
        .await
        .map_err(AppError::internal)?;
        if result.is_ok() && outbox.has_queued() {
            self.doorbell.notify_one();
        }
        result
    }
}
