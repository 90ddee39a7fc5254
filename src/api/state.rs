//! What every handler shares: the pool, the settings, the keys.

use std::sync::Arc;

use actix_web::web;

use super::auth::password::Passwords;
use super::auth::throttle::LoginThrottle;
use super::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::core::InputContext;
use crate::error::AppError;
use crate::files::{FileStore, LocalFiles};
use crate::store::{notifications, Backend, DbConnection, Pool};

/// Shared by every worker; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub config: Arc<Config>,
    pub keys: Arc<TokenKeys>,
    pub passwords: Passwords,
    pub throttle: Arc<LoginThrottle>,
    /// Wakes this instance's delivery worker when a request queued a message.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Stored documents: certificates, later photos and signatures.
    pub files: Arc<dyn FileStore>,
}

impl AppState {
    pub fn new(pool: Pool, backend: Backend, config: Config) -> Self {
        AppState {
            keys: Arc::new(TokenKeys::new(&config.jwt_secret, config.access_token_ttl)),
            passwords: Passwords::new(config.argon2_memory_kib),
            throttle: Arc::new(LoginThrottle::new(
                config.login_max_failures,
                config.login_lockout,
            )),
            outbox: Arc::new(tokio::sync::Notify::new()),
            files: Arc::new(LocalFiles::new(config.data_dir.join("files"))),
            pool,
            backend,
            config: Arc::new(config),
        }
    }

    /// Uses another file store than the local folder (`ORDERLY_FILES=s3`).
    pub fn with_files(mut self, files: Arc<dyn FileStore>) -> Self {
        self.files = files;
        self
    }

    /// Runs blocking database work (pool checkout included) off the async executor,
    /// and wakes the delivery worker if the work queued a message.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let (result, queued) = web::block(move || {
            let result = pool
                .get()
                .map_err(AppError::from)
                .and_then(|mut c| f(&mut c));
            (result, notifications::take_enqueued())
        })
        .await
        .map_err(AppError::internal)?;
        if queued {
            self.outbox.notify_one();
        }
        result
    }

    /// The settings input rules depend on.
    pub fn input_context(&self) -> InputContext {
        InputContext {
            phone_region: self.config.phone_region,
        }
    }
}
