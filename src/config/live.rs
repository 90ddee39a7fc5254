//! The settings in force: the environment's, with the company's saved ones over
//! them, swapped whole when the owner saves (here or on another instance).

use std::sync::{Arc, RwLock};

use super::company::CompanySettings;
use super::Config;
use crate::error::AppError;
use crate::store::db::Db;
use crate::store::{settings, DbConnection};

/// Cheap to clone: every clone sees the same settings.
#[derive(Clone)]
pub struct Live(Arc<Inner>);

struct Inner {
    base: Arc<Config>,
    /// The configuration in force and the saved version it holds (0: none).
    current: RwLock<(Arc<Config>, i64)>,
}

impl Live {
    /// The environment's settings, in force until saved ones are loaded.
    pub fn new(config: Config) -> Live {
        let config = Arc::new(config);
        Live(Arc::new(Inner {
            current: RwLock::new((config.clone(), 0)),
            base: config,
        }))
    }

    /// The settings in force now; hold the `Arc` for one unit of work.
    pub fn get(&self) -> Arc<Config> {
        match self.0.current.read() {
            Ok(c) => c.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// The configuration from the environment, before the company's settings.
    pub fn base(&self) -> &Config {
        &self.0.base
    }

    fn version(&self) -> i64 {
        match self.0.current.read() {
            Ok(c) => c.1,
            Err(poisoned) => poisoned.into_inner().1,
        }
    }

    /// Puts saved settings in force (unless newer ones already are).
    pub fn apply(&self, settings: &CompanySettings, version: i64) -> Result<(), AppError> {
        let config = Arc::new(self.0.base.with_company(settings)?);
        let mut current = match self.0.current.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if version >= current.1 {
            *current = (config, version);
        }
        Ok(())
    }

    /// The settings as saved, secrets included; the configuration's own when none are.
    pub fn saved(&self, conn: &mut DbConnection) -> Result<CompanySettings, AppError> {
        match settings::load(conn)? {
            Some((json, _)) => Ok(serde_json::from_str(&json)?),
            None => Ok(CompanySettings::of(&self.0.base)),
        }
    }

    /// Puts the saved settings, if any, in force.
    pub fn load(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        if let Some((json, version)) = settings::load(conn)? {
            let saved: CompanySettings = serde_json::from_str(&json)?;
            self.apply(&saved, version)?;
        }
        Ok(())
    }

    /// Applies settings another instance saved since this one last looked.
    pub async fn refresh(&self, db: &Db) -> Result<(), AppError> {
        let known = self.version();
        let live = self.clone();
        db.run(move |c| match settings::version(c)? {
            Some(v) if v > known => live.load(c),
            _ => Ok(()),
        })
        .await
    }
}
