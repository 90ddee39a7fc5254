//! Refresh tokens: stored only as hashes, rotated on every use, revocable.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::refresh_tokens;
use super::{now, DbConnection};
use crate::core::ids::{self, UserId};
use crate::error::AppError;

/// A stored refresh token (its hash, never the token itself).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: UserId,
    /// All tokens rotated from one login share a family; reuse of a spent one revokes it.
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(
    conn: &mut DbConnection,
    user_id: &UserId,
    family_id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(refresh_tokens::table)
        .values(RefreshTokenRow {
            id: ids::new_id(),
            user_id: user_id.clone(),
            family_id: family_id.to_owned(),
            token_hash: token_hash.to_owned(),
            created_at: now(),
            expires_at,
            revoked_at: None,
        })
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, AppError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a login (a family) still holds a refresh token not spent, revoked or
/// expired: what keeps its access tokens good. Signing out ends it at once.
pub fn session_live(
    conn: &mut DbConnection,
    family_id: &str,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null())
            .filter(refresh_tokens::expires_at.gt(at)),
    ))
    .get_result(conn)?)
}

/// Marks one token spent; returns false when it was already spent (a concurrent refresh).
pub fn revoke(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every token of one login (logout, or a stolen token replayed).
pub fn revoke_family(conn: &mut DbConnection, family_id: &str) -> Result<(), AppError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Revokes every token of a user (password change, deactivation).
pub fn revoke_all(conn: &mut DbConnection, user_id: &UserId) -> Result<(), AppError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}
