//! What the server's tasks share, HTTP or not: the database, the settings in
//! force, the file store and the metrics. The composition root (`app`) builds
//! one; handlers reach it through `AppState`, the scheduler and the delivery
//! worker are handed it directly.

use std::sync::Arc;

use chrono::Utc;

use crate::config::live::Live;
use crate::config::Config;
use crate::core::ids::UserId;
use crate::core::role::Role;
use crate::core::InputContext;
use crate::error::AppError;
use crate::files::FileStore;
use crate::flow::passwords::Passwords;
use crate::flow::{Acting, Actor};
use crate::metrics::Metrics;
use crate::store::db::{Db, Outbox};
use crate::store::{Backend, DbConnection, Pool};

/// Cheap to clone; every clone shares the same pool, settings and files.
#[derive(Clone)]
pub struct Runtime {
    pub database: Db,
    pub settings: Live,
    /// Stored documents: certificates, photos and signatures.
    pub files: Arc<dyn FileStore>,
    /// This instance's Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// How passwords are hashed and checked, at the configured cost.
    pub passwords: Passwords,
}

impl Runtime {
    /// The runtime over a migrated database, with the company's saved settings
    /// in force when they can be read (the environment's otherwise, with a warning).
    pub fn new(pool: Pool, backend: Backend, config: Config, files: Arc<dyn FileStore>) -> Self {
        let runtime = Runtime {
            passwords: Passwords::new(config.argon2_memory_kib),
            database: Db::new(pool, backend),
            settings: Live::new(config),
            files,
            metrics: Arc::default(),
        };
        if let Err(e) = runtime
            .database
            .pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut c| runtime.settings.load(&mut c))
        {
            tracing::warn!(error = %e, "the company's saved settings could not be read; using the environment's");
        }
        runtime
    }

    /// The settings in force now; hold the `Arc` for one unit of work.
    pub fn config(&self) -> Arc<Config> {
        self.settings.get()
    }

    /// The configuration from the environment, before the company's settings.
    pub fn base_config(&self) -> &Config {
        self.settings.base()
    }

    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.database.run(f).await
    }

    /// Runs database work that may queue messages; the delivery worker is woken
    /// after it committed if it did.
    pub async fn db_sending<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection, &Outbox) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.database.sending(f).await
    }

    /// The customer acting through their signed link: no account, no role.
    pub fn customer_actor(&self) -> Actor {
        Actor {
            acting: Acting::Customer,
            ..self.actor(&UserId::new(), vec![])
        }
    }

    /// A device sending its readings by a signed request: no account, no role.
    pub fn device_actor(&self) -> Actor {
        Actor {
            acting: Acting::Device,
            ..self.actor(&UserId::new(), vec![])
        }
    }

    /// A staff member as the flow sees them, with the company settings its rules need.
    pub fn actor(&self, user_id: &UserId, roles: Vec<Role>) -> Actor {
        let config = self.config();
        Actor {
            user_id: user_id.clone(),
            acting: Acting::Staff,
            roles,
            timezone: config.timezone,
            currency: config.currency.clone(),
            messaging: config.messaging.clone(),
            files: self.files.clone(),
        }
    }

    /// The settings input rules depend on.
    pub fn input_context(&self) -> InputContext {
        let config = self.config();
        InputContext {
            phone_region: config.phone_region,
            today: Utc::now().with_timezone(&config.timezone).date_naive(),
        }
    }
}
