//! What every handler shares: the runtime (database, settings, files, metrics)
//! and the HTTP side's own token keys and login throttle.

use std::ops::Deref;
use std::sync::Arc;

use super::auth::throttle::LoginThrottle;
use super::auth::tokens::TokenKeys;
use crate::runtime::Runtime;

/// Shared by every HTTP worker; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    runtime: Runtime,
    pub keys: Arc<TokenKeys>,
    pub throttle: LoginThrottle,
}

impl AppState {
    /// The HTTP state over a runtime, with keys and limits from its base configuration.
    pub fn new(runtime: Runtime) -> Self {
        let config = runtime.base_config();
        AppState {
            keys: Arc::new(TokenKeys::new(&config.jwt_secret, config.access_token_ttl)),
            throttle: LoginThrottle {
                max_failures: config.login_max_failures,
                window: config.login_lockout,
            },
            runtime,
        }
    }

    /// The runtime itself, to hand to work that outlives the request.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }
}

/// Handlers use the runtime's database, settings and files as the state's own.
impl Deref for AppState {
    type Target = Runtime;

    fn deref(&self) -> &Runtime {
        &self.runtime
    }
}
