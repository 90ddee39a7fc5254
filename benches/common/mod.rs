//! What the benchmarks share: a PostgreSQL database of their own, when
//! `ORDERLY_BENCH_POSTGRES_URL` names a server.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use orderly::core::ids;

/// The secret every benchmark's server signs with.
#[allow(dead_code)] // each bench uses a part of this module
pub const SECRET: &str = "bench-secret-bench-secret-bench-secret";

/// A server's runtime on the database at `url` (migrated, then loaded with
/// `sql`), files under `data`, in Kyiv's zone.
#[allow(dead_code)]
pub fn runtime(url: &str, data: &std::path::Path, sql: &str) -> orderly::runtime::Runtime {
    let vars: std::collections::HashMap<String, String> = [
        ("DATABASE_URL", url.to_owned()),
        ("ORDERLY_DATA_DIR", data.to_string_lossy().into_owned()),
        ("ORDERLY_JWT_SECRET", SECRET.to_owned()),
        ("ORDERLY_TIMEZONE", "Europe/Kyiv".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = orderly::config::Config::from_vars(vars).expect("config");
    let (pool, kind) =
        orderly::store::connect(&config.database_url, config.pool_size).expect("pool");
    let mut conn = pool.get().expect("connection");
    orderly::store::migrate(&mut conn).expect("migrate");
    conn.batch_execute(sql).expect("the bench's data");
    drop(conn);
    let files = orderly::files::open(&config.files).expect("files");
    orderly::runtime::Runtime::new(pool, kind, config, files)
}

/// A database created for one run and dropped with the value.
pub struct BenchDatabase {
    admin: diesel::PgConnection,
    name: String,
    pub url: String,
}

impl BenchDatabase {
    /// A fresh database on the server `ORDERLY_BENCH_POSTGRES_URL` names, if it is set.
    pub fn create() -> Option<BenchDatabase> {
        let admin_url = std::env::var("ORDERLY_BENCH_POSTGRES_URL").ok()?;
        let name = format!("orderly_bench_{}", ids::new_id().replace('-', ""));
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create database");
        let (base, _) = admin_url.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Some(BenchDatabase { admin, name, url })
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name));
    }
}
