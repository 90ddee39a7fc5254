//! Settings from the environment, optionally from a TOML file named by `ORDERLY_CONFIG`.
//!
//! An environment variable wins over the file. A bad value stops start-up with a
//! message that names the setting.

pub mod company;
pub mod cron;
pub mod delivery;
pub mod live;
pub mod messaging;
mod notify;
mod routing;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rand::RngCore;

use crate::core::contact_info::PhoneRegion;
use crate::store::Backend;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub jwt_secret: Vec<u8>,
    /// The company's time zone: day boundaries, SMS text, display.
    pub timezone: chrono_tz::Tz,
    /// ISO 4217 code of the company's currency.
    pub currency: String,
    /// Numbering plan for phone numbers entered without `+`.
    pub phone_region: PhoneRegion,
    pub data_dir: PathBuf,
    pub pool_size: u32,
    /// Argon2id memory cost; OWASP's 19 MiB by default.
    pub argon2_memory_kib: u32,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Failed logins for one account (or ten times as many from one address) before a lock-out.
    pub login_max_failures: u32,
    pub login_lockout: Duration,
    /// Whether this instance runs the scheduled jobs (turn off on all but some instances, or for system cron).
    pub scheduler: bool,
    /// When set, `/metrics` asks for it as a bearer token.
    pub metrics_token: Option<String>,
    /// The load balancers whose `X-Forwarded-For` is believed; empty: the
    /// peer address is the client's, whatever the request says.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether pages send `Strict-Transport-Security` (the public address is HTTPS).
    pub https: bool,
    /// When the maintenance-reminder generation runs (six fields, seconds first); empty turns it off.
    pub generation_cron: String,
    /// Days a maintenance may be overdue before its customer counts as lost.
    pub lost_grace_days: i64,
    /// Months without a completed order after which a customer counts as lost.
    pub lost_inactive_months: u32,
    /// Days after the work is done before an uncertified order reminds the office.
    pub certify_within_days: i64,
    /// When the day-before visit reminders go out (six fields); empty turns them off.
    pub visit_reminder_cron: String,
    /// What messages say, the customer link and quiet hours.
    pub messaging: Arc<messaging::Messaging>,
    /// The SMS provider, the e-mail transport and the delivery worker.
    pub delivery: crate::config::delivery::DeliverySettings,
    /// Where photos, signatures and certificates are stored.
    pub files: crate::files::FilesSettings,
    /// The day planner's time budget and travel estimates.
    pub routing: crate::routing::RoutingSettings,
    /// Lifetime-value inputs and the pace of mass messages (company settings).
    pub analytics: crate::core::analytics::AnalyticsSettings,
    /// Customers choosing their own visit time (company settings).
    pub self_scheduling: crate::core::slots::SelfScheduling,
    /// When the "would you recommend us" question goes out (six fields); empty turns it off.
    pub survey_cron: String,
    /// Days after a completed order before its customer is asked, and the least
    /// days between two questions to one customer.
    pub survey_after_days: i64,
    pub survey_every_days: i64,
}

/// A setting that is missing or wrong.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

fn err(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        message: message.into(),
    }
}

/// Where settings come from: the environment first, then the file.
struct Sources {
    env: HashMap<String, String>,
    file: HashMap<String, String>,
}

impl Sources {
    /// `ORDERLY_BIND` in the environment, or `bind` in the file.
    fn get(&self, env_name: &str) -> Option<String> {
        if let Some(v) = self.env.get(env_name).filter(|v| !v.is_empty()) {
            return Some(v.clone());
        }
        let key = env_name.trim_start_matches("ORDERLY_").to_lowercase();
        self.file.get(&key).cloned()
    }

    /// As [`get`], but an empty value counts (it turns a job off).
    fn get_allow_empty(&self, env_name: &str) -> Option<String> {
        match self.env.get(env_name) {
            Some(v) => Some(v.clone()),
            None => self.get(env_name),
        }
    }

    /// A cron setting, checked; empty turns the job off.
    fn cron(&self, name: &str, default: &str) -> Result<String, ConfigError> {
        let cron = self.get_allow_empty(name).unwrap_or_else(|| default.into());
        cron::check_cron(name, &cron).map_err(|m| err(name, m))?;
        Ok(cron)
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| err(name, format!("`{v}` is not a valid value"))),
        }
    }
}

impl Config {
    /// Reads the process environment (and the file it may name).
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(std::env::vars().collect())
    }

    /// Reads settings from the given variables; tests pass their own.
    pub fn from_vars(env: HashMap<String, String>) -> Result<Config, ConfigError> {
        let file = match env.get("ORDERLY_CONFIG").filter(|p| !p.is_empty()) {
            None => HashMap::new(),
            Some(path) => read_file(Path::new(path))?,
        };
        let src = Sources { env, file };

        let data_dir = PathBuf::from(src.get("ORDERLY_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match src.get("DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir).map_err(|e| {
                    err(
                        "ORDERLY_DATA_DIR",
                        format!("cannot create {}: {e}", data_dir.display()),
                    )
                })?;
                data_dir.join("orderly.db").to_string_lossy().into_owned()
            }
        };
        let backend = Backend::from_url(&database_url);

        let timezone_name = src
            .get("ORDERLY_TIMEZONE")
            .unwrap_or_else(|| "Europe/Kyiv".into());
        let timezone: chrono_tz::Tz = timezone_name.parse().map_err(|_| {
            err(
                "ORDERLY_TIMEZONE",
                format!("`{timezone_name}` is not an IANA time zone name"),
            )
        })?;
        let currency = src.get("ORDERLY_CURRENCY").unwrap_or_else(|| "UAH".into());
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(err(
                "ORDERLY_CURRENCY",
                format!("`{currency}` is not an ISO 4217 code like UAH or EUR"),
            ));
        }
        let region = src
            .get("ORDERLY_PHONE_REGION")
            .unwrap_or_else(|| "UA".into());
        let phone_region: PhoneRegion = region
            .parse()
            .map_err(|m: String| err("ORDERLY_PHONE_REGION", m))?;

        let jwt_secret = match src.get("ORDERLY_JWT_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(err(
                    "ORDERLY_JWT_SECRET",
                    "must be at least 32 characters long",
                ))
            }
            Some(s) => s.into_bytes(),
            None if backend == Backend::Postgres => {
                return Err(err(
                    "ORDERLY_JWT_SECRET",
                    "is required with PostgreSQL, so that every instance signs tokens alike",
                ))
            }
            None => embedded_secret(&data_dir)?,
        };

        let pool_size = src.parse("ORDERLY_POOL_SIZE", 10u32)?;
        if pool_size == 0 {
            return Err(err("ORDERLY_POOL_SIZE", "must be at least 1"));
        }
        let argon2_memory_kib = src.parse("ORDERLY_ARGON2_MEMORY_KIB", 19_456u32)?;
        if argon2_memory_kib < 8 {
            return Err(err("ORDERLY_ARGON2_MEMORY_KIB", "must be at least 8"));
        }
        let bind = src
            .get("ORDERLY_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let messaging = notify::messaging(&src, timezone, &bind, &jwt_secret, phone_region)?;
        let files = files(&src, &data_dir)?;
        Ok(Config {
            database_url,
            bind,
            jwt_secret,
            timezone,
            currency,
            phone_region,
            data_dir,
            pool_size,
            argon2_memory_kib,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            login_max_failures: src.parse("ORDERLY_LOGIN_MAX_FAILURES", 5u32)?,
            login_lockout: Duration::from_secs(src.parse("ORDERLY_LOGIN_LOCKOUT_SECS", 900u64)?),
            scheduler: src.parse("ORDERLY_SCHEDULER", true)?,
            metrics_token: src.get("ORDERLY_METRICS_TOKEN"),
            trusted_proxies: trusted_proxies(&src)?,
            https: messaging.public_url.starts_with("https://"),
            generation_cron: src.cron("ORDERLY_GENERATION_CRON", cron::DEFAULT_GENERATION_CRON)?,
            lost_grace_days: src.parse("ORDERLY_LOST_GRACE_DAYS", 30i64)?,
            lost_inactive_months: src.parse("ORDERLY_LOST_INACTIVE_MONTHS", 18u32)?,
            certify_within_days: src.parse("ORDERLY_CERTIFY_WITHIN_DAYS", 3i64)?,
            visit_reminder_cron: src.cron(
                "ORDERLY_VISIT_REMINDER_CRON",
                notify::DEFAULT_VISIT_REMINDER_CRON,
            )?,
            messaging,
            delivery: notify::delivery(&src)?,
            files,
            routing: routing::routing(&src)?,
            analytics: Default::default(),
            self_scheduling: Default::default(),
            survey_cron: src.cron("ORDERLY_SURVEY_CRON", "0 0 11 * * *")?,
            survey_after_days: src.parse("ORDERLY_SURVEY_AFTER_DAYS", 7i64)?,
            survey_every_days: src.parse("ORDERLY_SURVEY_EVERY_DAYS", 180i64)?,
        })
    }
}

/// `ORDERLY_TRUSTED_PROXIES`: CIDRs or plain addresses, comma separated.
fn trusted_proxies(src: &Sources) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    const NAME: &str = "ORDERLY_TRUSTED_PROXIES";
    src.get(NAME)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    err(
                        NAME,
                        format!("`{p}` is not an address or a CIDR (10.0.0.0/8)"),
                    )
                })
        })
        .collect()
}

fn files(src: &Sources, data_dir: &Path) -> Result<crate::files::FilesSettings, ConfigError> {
    use crate::files::{s3::S3Settings, FilesSettings};
    let kind = src.get("ORDERLY_FILES").unwrap_or_else(|| "local".into());
    match kind.trim() {
        "local" => Ok(FilesSettings::Local(data_dir.join("files"))),
        "s3" => {
            let need = |name: &str| {
                src.get(name)
                    .ok_or_else(|| err(name, "is required with ORDERLY_FILES=s3"))
            };
            Ok(FilesSettings::S3(S3Settings {
                bucket: need("ORDERLY_S3_BUCKET")?,
                region: src
                    .get("ORDERLY_S3_REGION")
                    .unwrap_or_else(|| "us-east-1".into()),
                endpoint: src.get("ORDERLY_S3_ENDPOINT"),
                access_key_id: need("ORDERLY_S3_ACCESS_KEY_ID")?,
                secret_access_key: need("ORDERLY_S3_SECRET_ACCESS_KEY")?,
                prefix: src.get("ORDERLY_S3_PREFIX").unwrap_or_default(),
            }))
        }
        other => Err(err(
            "ORDERLY_FILES",
            format!("`{other}` is not one of local, s3"),
        )),
    }
}

fn read_file(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        err(
            "ORDERLY_CONFIG",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let table: toml::Table = text.parse().map_err(|e| {
        err(
            "ORDERLY_CONFIG",
            format!("{} is not valid TOML: {e}", path.display()),
        )
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => format!("{other:?}"),
            };
            (k, value)
        })
        .collect())
}

/// The embedded default keeps one generated secret in the data folder, so tokens
/// survive a restart without the operator having to invent one.
fn embedded_secret(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if existing.trim().len() >= 32 {
            return Ok(existing.trim().as_bytes().to_vec());
        }
    }
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    std::fs::create_dir_all(data_dir)
        .and_then(|_| std::fs::write(&path, &secret))
        .map_err(|e| {
            err(
                "ORDERLY_JWT_SECRET",
                format!("not set, and cannot write {}: {e}", path.display()),
            )
        })?;
    tracing::warn!(
        path = %path.display(),
        "ORDERLY_JWT_SECRET is not set: generated one and kept it in the data folder"
    );
    Ok(secret.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn postgres_needs_a_secret() {
        let e = Config::from_vars(vars(&[("DATABASE_URL", "postgres://localhost/x")])).unwrap_err();
        assert_eq!(e.setting, "ORDERLY_JWT_SECRET");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let base = [
            ("DATABASE_URL", "postgres://x/y"),
            ("ORDERLY_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ];
        for (name, value) in [
            ("ORDERLY_TIMEZONE", "Mars/Base"),
            ("ORDERLY_CURRENCY", "hryvnia"),
            ("ORDERLY_POOL_SIZE", "many"),
            ("ORDERLY_PHONE_REGION", "XYZ"),
            ("ORDERLY_QUIET_HOURS", "late"),
            ("ORDERLY_LOCALE", "fr"),
            ("ORDERLY_SMS_PROVIDER", "pigeon"),
            ("ORDERLY_EMAIL_TRANSPORT", "fax"),
            ("ORDERLY_EMAIL_FROM", "nobody"),
            ("ORDERLY_OUTBOX_MAX_ATTEMPTS", "0"),
            ("ORDERLY_VISIT_REMINDER_CRON", "at six"),
            ("ORDERLY_PUBLIC_URL", "orderly.example"),
        ] {
            let mut v = vars(&base);
            v.insert(name.into(), value.into());
            assert_eq!(Config::from_vars(v).unwrap_err().setting, name);
        }
    }

    #[test]
    fn a_provider_names_its_missing_setting() {
        let base = [
            ("DATABASE_URL", "postgres://x/y"),
            ("ORDERLY_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ];
        for (provider, value, missing) in [
            (
                "ORDERLY_SMS_PROVIDER",
                "twilio",
                "ORDERLY_TWILIO_ACCOUNT_SID",
            ),
            ("ORDERLY_SMS_PROVIDER", "webhook", "ORDERLY_SMS_WEBHOOK_URL"),
            ("ORDERLY_EMAIL_TRANSPORT", "smtp", "ORDERLY_SMTP_HOST"),
        ] {
            let mut v = vars(&base);
            v.insert(provider.into(), value.into());
            assert_eq!(Config::from_vars(v).unwrap_err().setting, missing);
        }
    }

    #[test]
    fn sqlite_default_generates_and_keeps_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let a = Config::from_vars(vars(&[("ORDERLY_DATA_DIR", d)])).unwrap();
        let b = Config::from_vars(vars(&[("ORDERLY_DATA_DIR", d)])).unwrap();
        assert_eq!(a.jwt_secret, b.jwt_secret);
        assert!(a.database_url.ends_with("orderly.db"));
        assert_eq!(a.bind, "127.0.0.1:8080");
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("orderly.toml");
        std::fs::write(
            &file,
            "bind = \"0.0.0.0:9000\"\ncurrency = \"EUR\"\npool_size = 3\n",
        )
        .unwrap();
        let v = vars(&[
            ("ORDERLY_CONFIG", file.to_str().unwrap()),
            ("ORDERLY_DATA_DIR", dir.path().to_str().unwrap()),
            ("ORDERLY_CURRENCY", "USD"),
        ]);
        let c = Config::from_vars(v).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.currency, "USD");
        assert_eq!(c.pool_size, 3);
    }
}
