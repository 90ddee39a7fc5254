//! What every handler shares: the pool, the settings, the keys.

use std::sync::Arc;

use actix_web::web;

use super::auth::password::Passwords;
use super::auth::throttle::LoginThrottle;
use super::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::core::InputContext;
use crate::error::AppError;
use crate::store::{Backend, DbConnection, Pool};

/// Shared by every worker; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub config: Arc<Config>,
    pub keys: Arc<TokenKeys>,
    pub passwords: Passwords,
    pub throttle: Arc<LoginThrottle>,
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
            pool,
            backend,
            config: Arc::new(config),
        }
    }

    /// Runs blocking database work (pool checkout included) off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// The settings input rules depend on.
    pub fn input_context(&self) -> InputContext {
        InputContext {
            phone_region: self.config.phone_region,
        }
    }
}
