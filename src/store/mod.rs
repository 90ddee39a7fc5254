//! Persistence with diesel: one connection type for SQLite and PostgreSQL, pooled.
//!
//! The backend is chosen from the URL scheme in [`ConnectionManager`], never by
//! letting diesel try each backend in turn (SQLite accepts any string as a path).

pub mod agreements;
pub mod analytics;
pub mod audit;
pub mod backup;
pub mod certificates;
pub mod columns;
pub mod contacts;
pub mod customers;
pub mod db;
pub mod devices;
pub mod engineers;
pub mod equipment;
pub mod erasure;
pub mod events;
pub mod export;
pub mod import_keys;
pub mod link_versions;
pub mod login_failures;
pub mod meters;
pub mod notifications;
pub mod page;
pub mod parts;
pub mod parts_used;
pub mod plans;
pub mod records;
pub mod reminders;
pub mod repo;
pub mod reservations;
pub mod revenue_years;
pub mod rollups;
pub mod route_plans;
pub mod schema;
pub mod segments;
pub mod service_requests;
pub mod settings;
pub mod sites;
pub mod sql;
pub mod stock;
pub mod stock_alerts;
pub mod templates;
pub mod tokens;
pub mod users;
pub mod visit_files;
pub mod visits;
pub mod work_order_row;
pub mod work_orders;

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, SubsecRound, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

/// A connection to whichever database the deployment uses.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// The database kinds Orderly runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a `DATABASE_URL`: `postgres://`/`postgresql://` or a SQLite path.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The name health checks report.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Opens connections of the backend named by the URL, with SQLite's pragmas set.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    pub fn new(url: &str) -> Self {
        ConnectionManager {
            url: url.strip_prefix("sqlite://").unwrap_or(url).to_owned(),
            backend: Backend::from_url(url),
        }
    }
}

/// WAL lets readers work while one writer writes; the busy timeout makes a second
/// writer wait instead of failing; foreign keys are off by default in SQLite.
///
/// Reads go through memory-mapped I/O (up to 1 GiB of the file, shared by every
/// connection through the OS page cache) instead of a read call per page: the
/// analytics read hundreds of thousands of index pages per report.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA mmap_size = 1073741824;";

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
        match self.backend {
            Backend::Postgres => {
                diesel::PgConnection::establish(&self.url).map(DbConnection::Postgresql)
            }
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(&self.url)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The pool every request and job draws connections from.
pub type Pool = r2d2::Pool<ConnectionManager>;

/// A connection borrowed from the pool.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Builds the pool; fails when the database cannot be reached at all.
pub fn connect(url: &str, max_size: u32) -> Result<(Pool, Backend), String> {
    let manager = ConnectionManager::new(url);
    let backend = manager.backend;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    Ok((pool, backend))
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations; returns how many ran.
///
/// On PostgreSQL an advisory lock keeps several instances starting at once from
/// running the same migration twice.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, String> {
    let ran = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgresql(c) => {
            c.batch_execute("SELECT pg_advisory_lock(727300)")
                .map_err(|e| e.to_string())?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            c.batch_execute("SELECT pg_advisory_unlock(727300)")
                .map_err(|e| e.to_string())?;
            result
        }
    };
    ran.map_err(|e| format!("migration failed: {e}"))
}

/// Migrations this binary has that the database has not run: an instance
/// with any is not ready (an older binary's instance on a newer schema is).
///
/// A plain read of the applied versions: diesel's own check first creates its
/// table when missing, a write that on SQLite waits behind any long write
/// transaction (a 50,000-row import held `/ready` for 2.8 s).
pub fn pending_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    use diesel::migration::MigrationSource;
    #[derive(QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    const APPLIED: &str = "SELECT version FROM __diesel_schema_migrations";
    let (applied, embedded) = match conn {
        DbConnection::Sqlite(c) => (
            diesel::sql_query(APPLIED).load::<Applied>(c),
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect()),
        ),
        DbConnection::Postgresql(c) => (
            diesel::sql_query(APPLIED).load::<Applied>(c),
            MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
                .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect()),
        ),
    };
    let applied: std::collections::HashSet<String> = applied
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|a| a.version)
        .collect();
    let embedded: Vec<String> = embedded.map_err(|e| e.to_string())?;
    Ok(embedded.iter().filter(|v| !applied.contains(*v)).count())
}

/// Now, in UTC, at the microsecond precision both backends keep.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A moment as stored: UTC, at the microsecond precision both backends keep.
pub fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc().trunc_subsecs(6)
}

/// A stored UTC time as the API shows it.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

/// Runs `f` in one write transaction, mapping diesel's errors into [`AppError`].
///
/// On SQLite the outermost transaction starts with `BEGIN IMMEDIATE`: it takes the
/// write lock before the first read, so two writers queue (busy timeout) instead of
/// the second failing with "database is locked" when it upgrades a stale snapshot.
/// Nested calls become savepoints, as with diesel's own `transaction`.
pub fn transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Sqlite = diesel::SqliteConnection;
    if let DbConnection::Sqlite(inner) = conn {
        let status =
            <AnsiTransactionManager as TransactionManager<Sqlite>>::transaction_manager_status_mut(
                inner,
            );
        if status.transaction_depth()?.is_none() {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            let DbConnection::Sqlite(inner) = conn else {
                return Err(AppError::internal(
                    "connection changed kind inside a transaction",
                ));
            };
            return match result {
                Ok(value) => {
                    <AnsiTransactionManager as TransactionManager<Sqlite>>::commit_transaction(
                        inner,
                    )?;
                    Ok(value)
                }
                Err(e) => {
                    let _ = <AnsiTransactionManager as TransactionManager<Sqlite>>::rollback_transaction(inner);
                    Err(e)
                }
            };
        }
    }
    conn.transaction::<T, TxError, _>(|c| f(c).map_err(TxError::App))
        .map_err(|e| match e {
            TxError::App(a) => a,
            TxError::Db(d) => d.into(),
        })
}

/// Lets a transaction body return [`AppError`] while diesel rolls back on any error.
enum TxError {
    App(AppError),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Db(e)
    }
}

/// A multi-row INSERT on the connection's own backend: diesel's multi-backend
/// connection writes one row per statement, which costs a round trip per row on
/// PostgreSQL. `$rows` is a `Vec` of `Insertable` rows.
macro_rules! multi_row_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::store::DbConnection::Sqlite(c) => {
                diesel::insert_into($table).values(&$rows).execute(c)?
            }
            $crate::store::DbConnection::Postgresql(c) => {
                diesel::insert_into($table).values(&$rows).execute(c)?
            }
        }
    };
}
pub(crate) use multi_row_insert;

/// A stored text value read back as its enum. An unknown one (a newer
/// version's, or a damaged row) is an error naming the row — logged and
/// answered 500 — never a default: a closed order read back as `new` would
/// let the state machine agree it again.
pub fn decoded<T>(parsed: Option<T>, what: &str, row: &str, raw: &str) -> Result<T, AppError> {
    parsed.ok_or_else(|| AppError::internal(format!("stored {what} of {row} is unknown: {raw:?}")))
}

/// As [`decoded`] for a column that may be empty.
pub fn decoded_optional<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    row: &str,
) -> Result<Option<T>, AppError> {
    raw.map(|r| decoded(parse(r), what, row, r)).transpose()
}

/// A JSON column read back: malformed JSON is an error naming the row, never
/// empty data.
pub fn decoded_json<T: serde::de::DeserializeOwned>(
    raw: &str,
    what: &str,
    row: &str,
) -> Result<T, AppError> {
    serde_json::from_str(raw)
        .map_err(|e| AppError::internal(format!("stored {what} of {row} is not valid JSON: {e}")))
}

/// A JSON list stored in a text column (tags, phones, roles).
pub fn json_list(raw: &str, what: &str, row: &str) -> Result<Vec<String>, AppError> {
    decoded_json(raw, what, row)
}

/// The text stored for a JSON list.
pub fn to_json_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    serde_json::Value::Array(
        items
            .into_iter()
            .map(|s| serde_json::Value::String(s.as_ref().to_owned()))
            .collect(),
    )
    .to_string()
}
