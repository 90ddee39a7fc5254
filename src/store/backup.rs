//! SQLite backups taken while serving, and restores that replace every row in
//! one transaction (so a restore never leaves half a database behind).
//!
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`, base backups with WAL
//! archiving): see `docs/operations.md`.

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups of PostgreSQL are taken with pg_dump; see docs/operations.md")]
    Postgres,
    #[error("{0} already exists; choose a new file")]
    Exists(PathBuf),
    #[error("{0} is not a usable Orderly backup: {1}")]
    Unusable(PathBuf, String),
    #[error("{0}")]
    Failed(String),
}

impl From<diesel::result::Error> for BackupError {
    fn from(e: diesel::result::Error) -> Self {
        BackupError::Failed(e.to_string())
    }
}

fn sqlite(conn: &mut DbConnection) -> Result<&mut diesel::SqliteConnection, BackupError> {
    match conn {
        DbConnection::Sqlite(c) => Ok(c),
        DbConnection::Postgresql(_) => Err(BackupError::Postgres),
    }
}

/// A path as an SQL string literal.
fn literal(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', "''"))
}

/// Writes a consistent copy of the database to `dest` while others write
/// (`VACUUM INTO` reads one snapshot). The copy appears whole or not at all.
pub fn backup(conn: &mut DbConnection, dest: &Path) -> Result<u64, BackupError> {
    let conn = sqlite(conn)?;
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let partial = dest.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    conn.batch_execute(&format!("VACUUM INTO {}", literal(&partial)))?;
    std::fs::rename(&partial, dest).map_err(|e| BackupError::Failed(e.to_string()))?;
    std::fs::metadata(dest)
        .map(|m| m.len())
        .map_err(|e| BackupError::Failed(e.to_string()))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Replaces every row of the database with the backup's, in one transaction.
///
/// The backup is checked (`PRAGMA integrity_check`) and brought up to this
/// binary's schema on a copy first, so an older backup restores too. The server
/// may keep running: its readers see the old rows or the new, never a mix.
pub fn restore(conn: &mut DbConnection, from: &Path) -> Result<(), BackupError> {
    let unusable = |why: String| BackupError::Unusable(from.to_owned(), why);
    sqlite(conn)?;
    if !from.is_file() {
        return Err(unusable("there is no such file".into()));
    }
    let copy = from.with_extension("restoring");
    std::fs::copy(from, &copy).map_err(|e| unusable(e.to_string()))?;
    let prepared = prepare(&copy).map_err(unusable);
    let replaced = prepared.and_then(|()| replace_rows(sqlite(conn)?, &copy));
    let _ = std::fs::remove_file(&copy);
    replaced
}

/// Checks the copy and runs this binary's migrations on it.
fn prepare(copy: &Path) -> Result<(), String> {
    let mut c =
        diesel::SqliteConnection::establish(&copy.to_string_lossy()).map_err(|e| e.to_string())?;
    let check: Vec<Name> =
        diesel::sql_query("SELECT integrity_check AS name FROM pragma_integrity_check")
            .load(&mut c)
            .map_err(|e| format!("not an SQLite database ({e})"))?;
    if check.len() != 1 || check[0].name != "ok" {
        let found: Vec<String> = check.into_iter().take(3).map(|n| n.name).collect();
        return Err(format!("damaged: {}", found.join("; ")));
    }
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'customers'",
    )
    .load(&mut c)
    .map_err(|e| e.to_string())?;
    if tables.is_empty() {
        return Err("it holds no Orderly tables".into());
    }
    let mut conn = DbConnection::Sqlite(c);
    super::migrate(&mut conn)?;
    Ok(())
}

/// Every row of every table from the attached copy, in one transaction.
fn replace_rows(conn: &mut diesel::SqliteConnection, copy: &Path) -> Result<(), BackupError> {
    // Rows arrive in table order, not in the order foreign keys need, so the
    // keys are checked once, over the whole result, before it commits.
    // (Deferred keys were tried first: SQLite's running count of deferred
    // violations does not always return to zero when a table is emptied and
    // refilled, and refused good backups.)
    conn.batch_execute("PRAGMA foreign_keys = OFF")?;
    let replaced = conn
        .batch_execute(&format!("ATTACH DATABASE {} AS restored", literal(copy)))
        .map_err(BackupError::from)
        .and_then(|()| copy_rows(conn));
    let detached = conn.batch_execute("DETACH DATABASE restored");
    conn.batch_execute("PRAGMA foreign_keys = ON")?;
    replaced.and(detached.map_err(BackupError::from))
}

/// Empties every table and fills it from the attached copy, in one
/// transaction that commits only when every foreign key holds.
fn copy_rows(conn: &mut diesel::SqliteConnection) -> Result<(), BackupError> {
    conn.transaction::<_, BackupError, _>(|conn| {
        let tables: Vec<Name> = diesel::sql_query(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
        )
        .load(conn)?;
        for Name { name } in tables {
            conn.batch_execute(&format!(
                "DELETE FROM main.\"{name}\"; INSERT INTO main.\"{name}\" SELECT * FROM restored.\"{name}\";"
            )).map_err(|e| BackupError::Failed(format!("{name}: {e}")))?;
        }
        let broken: Vec<Name> = diesel::sql_query(
            "SELECT \"table\" || ' -> ' || parent AS name FROM main.pragma_foreign_key_check",
        )
        .load(conn)?;
        if !broken.is_empty() {
            let found: Vec<String> = broken.into_iter().take(3).map(|n| n.name).collect();
            return Err(BackupError::Failed(format!("rows without their parents: {}", found.join("; "))));
        }
        Ok(())
    })
}
