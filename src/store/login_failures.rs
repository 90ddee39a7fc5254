//! Failed sign-ins per key (`pair:{account}|{address}`, `address:{address}`),
//! in the database so that every instance behind a load balancer counts alike.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_failures;
use super::DbConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_failures, treat_none_as_null = true)]
struct FailureRow {
    key: String,
    failures: i32,
    first_failure: NaiveDateTime,
    blocked_until: Option<NaiveDateTime>,
}

/// The latest moment any of the keys is blocked until, if one is blocked at `at`.
pub fn blocked_until(
    conn: &mut DbConnection,
    keys: &[String],
    at: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, AppError> {
    Ok(login_failures::table
        .filter(login_failures::key.eq_any(keys))
        .filter(login_failures::blocked_until.gt(at))
        .select(diesel::dsl::max(login_failures::blocked_until))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// Counts one failure of a key and returns the count within the window; a
/// count older than the window starts again. `block` turns the count into the
/// moment the key is blocked until, if it is.
pub fn record(
    conn: &mut DbConnection,
    key: &str,
    at: NaiveDateTime,
    window: chrono::Duration,
    block: impl Fn(u32) -> Option<NaiveDateTime>,
) -> Result<u32, AppError> {
    let found: Option<FailureRow> = login_failures::table
        .find(key)
        .select(FailureRow::as_select())
        .first(conn)
        .optional()?;
    let (failures, first_failure) = match &found {
        Some(r) if r.first_failure + window > at => (r.failures.saturating_add(1), r.first_failure),
        _ => (1, at),
    };
    let count = failures.unsigned_abs();
    let row = FailureRow {
        key: key.to_owned(),
        failures,
        first_failure,
        blocked_until: block(count),
    };
    if found.is_some() {
        diesel::update(login_failures::table.find(key))
            .set(&row)
            .execute(conn)?;
    } else if let Err(e) = diesel::insert_into(login_failures::table)
        .values(&row)
        .execute(conn)
    {
        // Another instance counted this key's first failure at the same moment:
        // its row stands, and this failure is one of the same burst.
        if !matches!(
            e,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ) {
            return Err(e.into());
        }
    }
    Ok(count)
}

/// Forgets a key's failures (a good sign-in from that address).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), AppError> {
    diesel::delete(login_failures::table.find(key)).execute(conn)?;
    Ok(())
}

/// Forgets counts that began before `before` and block nothing any more.
pub fn forget_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::delete(
        login_failures::table
            .filter(login_failures::first_failure.lt(before))
            .filter(
                login_failures::blocked_until
                    .is_null()
                    .or(login_failures::blocked_until.le(at)),
            ),
    )
    .execute(conn)?)
}
