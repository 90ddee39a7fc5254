//! What every handler shares: the pool, the settings, the keys.

use std::sync::{Arc, RwLock};

use actix_web::web;
use chrono::Utc;

use super::auth::password::Passwords;
use super::auth::throttle::LoginThrottle;
use super::auth::tokens::TokenKeys;
use crate::config::company::CompanySettings;
use crate::config::Config;
use crate::core::InputContext;
use crate::error::AppError;
use crate::files::{FileStore, LocalFiles};
use crate::store::{notifications, settings, Backend, DbConnection, Pool};

/// Shared by every worker; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    live: Arc<LiveConfig>,
    pub keys: Arc<TokenKeys>,
    pub passwords: Passwords,
    pub throttle: LoginThrottle,
    /// Wakes this instance's delivery worker when a request queued a message.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Stored documents: certificates, later photos and signatures.
    pub files: Arc<dyn FileStore>,
    /// This instance's Prometheus metrics.
    pub metrics: Arc<crate::api::telemetry::Metrics>,
}

/// The settings in force: the environment's, with the company's saved ones
/// over them, swapped whole when the owner saves (here or on another instance).
struct LiveConfig {
    base: Arc<Config>,
    /// The configuration in force and the saved version it holds (0: none).
    current: RwLock<(Arc<Config>, i64)>,
}

impl AppState {
    pub fn new(pool: Pool, backend: Backend, config: Config) -> Self {
        let config = Arc::new(config);
        let state = AppState {
            keys: Arc::new(TokenKeys::new(&config.jwt_secret, config.access_token_ttl)),
            passwords: Passwords::new(config.argon2_memory_kib),
            throttle: LoginThrottle {
                max_failures: config.login_max_failures,
                window: config.login_lockout,
            },
            outbox: Arc::new(tokio::sync::Notify::new()),
            metrics: Arc::default(),
            files: Arc::new(LocalFiles::new(config.data_dir.join("files"))),
            pool,
            backend,
            live: Arc::new(LiveConfig {
                current: RwLock::new((config.clone(), 0)),
                base: config,
            }),
        };
        // The company's saved settings, if any, from the start.
        if let Err(e) = state
            .pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut c| state.load_settings(&mut c))
        {
            tracing::warn!(error = %e, "the company's saved settings could not be read; using the environment's");
        }
        state
    }

    /// The settings in force now; hold the `Arc` for one unit of work.
    pub fn config(&self) -> Arc<Config> {
        match self.live.current.read() {
            Ok(c) => c.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// The configuration from the environment, before the company's settings.
    pub fn base_config(&self) -> &Config {
        &self.live.base
    }

    fn version(&self) -> i64 {
        match self.live.current.read() {
            Ok(c) => c.1,
            Err(poisoned) => poisoned.into_inner().1,
        }
    }

    /// Puts saved settings in force.
    pub fn apply_settings(&self, settings: &CompanySettings, version: i64) -> Result<(), AppError> {
        let config = Arc::new(self.live.base.with_company(settings)?);
        let mut current = match self.live.current.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if version >= current.1 {
            *current = (config, version);
        }
        Ok(())
    }

    /// The settings as saved, secrets included; the configuration's own when none are.
    pub fn saved_settings(&self, conn: &mut DbConnection) -> Result<CompanySettings, AppError> {
        match settings::load(conn)? {
            Some((json, _)) => Ok(serde_json::from_str(&json)?),
            None => Ok(CompanySettings::of(&self.live.base)),
        }
    }

    fn load_settings(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        if let Some((json, version)) = settings::load(conn)? {
            let saved: CompanySettings = serde_json::from_str(&json)?;
            self.apply_settings(&saved, version)?;
        }
        Ok(())
    }

    /// Applies settings another instance saved since this one last looked.
    pub async fn refresh_settings(&self) -> Result<(), AppError> {
        let known = self.version();
        let st = self.clone();
        self.db(move |c| match settings::version(c)? {
            Some(v) if v > known => st.load_settings(c),
            _ => Ok(()),
        })
        .await
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
    /// A staff member as the flow sees them, with the company settings its rules need.
    pub fn actor(&self, user_id: &str, roles: Vec<crate::core::role::Role>) -> crate::flow::Actor {
        let config = self.config();
        crate::flow::Actor {
            user_id: user_id.to_owned(),
            roles,
            timezone: config.timezone,
            currency: config.currency.clone(),
            messaging: config.messaging.clone(),
            files: self.files.clone(),
        }
    }

    pub fn input_context(&self) -> InputContext {
        InputContext {
            phone_region: self.config().phone_region,
            today: Utc::now()
                .with_timezone(&self.config().timezone)
                .date_naive(),
        }
    }
}
