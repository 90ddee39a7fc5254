//! SQL text both backends run, built with placeholders in each one's style
//! and values bound, for the queries diesel's DSL cannot say (sums grouped by
//! hour, keyset pages over computed keys).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{Date, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::{Backend, DbConnection};
use crate::error::AppError;

/// A value bound to a query.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Time(NaiveDateTime),
    Day(NaiveDate),
}

/// A query under construction: text, placeholders in the backend's style, values.
pub struct Sql {
    backend: Backend,
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    /// A query for the connection's backend.
    pub fn new(conn: &DbConnection) -> Sql {
        Sql {
            backend: match conn {
                DbConnection::Sqlite(_) => Backend::Sqlite,
                DbConnection::Postgresql(_) => Backend::Postgres,
            },
            text: String::new(),
            binds: Vec::new(),
        }
    }

    /// Appends SQL text (never a value: values are bound).
    pub fn push(&mut self, s: &str) -> &mut Sql {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, b: Bind) -> &mut Sql {
        self.binds.push(b);
        match self.backend {
            Backend::Sqlite => self.text.push('?'),
            Backend::Postgres => {
                let n = self.binds.len();
                self.text.push_str(&format!("${n}"));
            }
        }
        self
    }

    /// Binds a text value.
    pub fn text(&mut self, v: &str) -> &mut Sql {
        self.bind(Bind::Text(v.to_owned()))
    }

    /// Binds an instant.
    pub fn time(&mut self, v: NaiveDateTime) -> &mut Sql {
        self.bind(Bind::Time(v))
    }

    /// `column` as its UTC hour: `2026-03-04 10`.
    pub(crate) fn hour(&self, column: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("substr({column}, 1, 13)"),
            Backend::Postgres => format!("to_char({column}, 'YYYY-MM-DD HH24')"),
        }
    }

    /// Seconds from `a` to `b`, as a double.
    pub(crate) fn seconds(&self, a: &str, b: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("((julianday({b}) - julianday({a})) * 86400.0)"),
            Backend::Postgres => {
                format!("CAST(EXTRACT(EPOCH FROM ({b} - {a})) AS DOUBLE PRECISION)")
            }
        }
    }

    /// Whole hours from `a` to `b` (rounded down).
    pub(crate) fn hours(&self, a: &str, b: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("CAST((julianday({b}) - julianday({a})) * 24 AS BIGINT)"),
            Backend::Postgres => {
                format!("CAST(FLOOR(EXTRACT(EPOCH FROM ({b} - {a})) / 3600) AS BIGINT)")
            }
        }
    }

    /// Binds a day.
    pub fn day(&mut self, v: NaiveDate) -> &mut Sql {
        self.bind(Bind::Day(v))
    }

    /// `column` plus whole days.
    pub(crate) fn plus_days(&self, column: &str, days: i64) -> String {
        match self.backend {
            Backend::Sqlite => format!("datetime({column}, '+{days} days')"),
            Backend::Postgres => format!("({column} + INTERVAL '{days} days')"),
        }
    }

    /// Runs the query.
    pub fn load<T>(self, conn: &mut DbConnection) -> Result<Vec<T>, AppError>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        Ok(match conn {
            DbConnection::Sqlite(c) => bound(
                diesel::sql_query(self.text).into_boxed::<Sqlite>(),
                self.binds,
            )
            .load(c)?,
            DbConnection::Postgresql(c) => {
                bound(diesel::sql_query(self.text).into_boxed::<Pg>(), self.binds).load(c)?
            }
        })
    }

    /// Runs a statement; the rows it changed.
    pub fn execute(self, conn: &mut DbConnection) -> Result<usize, AppError> {
        Ok(match conn {
            DbConnection::Sqlite(c) => bound(
                diesel::sql_query(self.text).into_boxed::<Sqlite>(),
                self.binds,
            )
            .execute(c)?,
            DbConnection::Postgresql(c) => {
                bound(diesel::sql_query(self.text).into_boxed::<Pg>(), self.binds).execute(c)?
            }
        })
    }
}

/// The query with its values bound, for one backend.
fn bound<'a, DB>(
    mut q: BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>,
    binds: Vec<Bind>,
) -> BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Timestamp>
        + diesel::sql_types::HasSqlType<Date>,
    String: diesel::serialize::ToSql<Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
    NaiveDate: diesel::serialize::ToSql<Date, DB>,
{
    for b in binds {
        q = match b {
            Bind::Text(v) => q.bind::<Text, _>(v),
            Bind::Time(v) => q.bind::<Timestamp, _>(v),
            Bind::Day(v) => q.bind::<Date, _>(v),
        };
    }
    q
}
