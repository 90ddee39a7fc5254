//! The version a customer's papers links carry: moving it on withdraws every
//! link given out before.

use diesel::prelude::*;

use super::schema::customer_links;
use super::{now, DbConnection};
use crate::core::ids::CustomerId;
use crate::error::AppError;

/// The version links are signed with now (1 for a customer never linked).
pub fn version(conn: &mut DbConnection, customer_id: &CustomerId) -> Result<i32, AppError> {
    Ok(customer_links::table
        .find(customer_id.as_str())
        .select(customer_links::version)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(1))
}

/// Withdraws every link given out so far; returns the new version.
pub fn withdraw(conn: &mut DbConnection, customer_id: &CustomerId) -> Result<i32, AppError> {
    let next = version(conn, customer_id)? + 1;
    let updated = diesel::update(customer_links::table.find(customer_id.as_str()))
        .set((
            customer_links::version.eq(next),
            customer_links::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(customer_links::table)
            .values((
                customer_links::customer_id.eq(customer_id.as_str()),
                customer_links::version.eq(next),
                customer_links::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(next)
}
