//! What the benchmarks share: a PostgreSQL database of their own, when
//! `ORDERLY_BENCH_POSTGRES_URL` names a server.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use orderly::core::ids;

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
