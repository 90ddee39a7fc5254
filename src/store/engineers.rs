//! Engineers' planning profiles and the secret addresses of their calendar feeds.

use crate::core::ids::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{calendar_feeds, engineer_profiles, users};
use super::DbConnection;
use crate::core::route::EngineerProfile;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = engineer_profiles, treat_none_as_null = true)]
struct ProfileRow {
    user_id: String,
    skills: String,
    work_days: String,
    shift_start: String,
    shift_end: String,
    break_start: Option<String>,
    break_minutes: i32,
    start_latitude: f64,
    start_longitude: f64,
    start_label: Option<String>,
    end_latitude: Option<f64>,
    end_longitude: Option<f64>,
    max_visits: Option<i32>,
    updated_at: NaiveDateTime,
}

const CLOCK: &str = "%H:%M";

impl ProfileRow {
    fn into_profile(self) -> Result<EngineerProfile, AppError> {
        let time = |t: &str| {
            chrono::NaiveTime::parse_from_str(t, CLOCK)
                .map_err(|_| AppError::internal("a stored shift time is not HH:MM"))
        };
        Ok(EngineerProfile {
            skills: serde_json::from_str(&self.skills)?,
            work_days: serde_json::from_str(&self.work_days)?,
            shift_start: time(&self.shift_start)?,
            shift_end: time(&self.shift_end)?,
            break_start: self.break_start.as_deref().map(time).transpose()?,
            break_minutes: self.break_minutes.max(0) as u32,
            start_latitude: self.start_latitude,
            start_longitude: self.start_longitude,
            start_label: self.start_label,
            end_latitude: self.end_latitude,
            end_longitude: self.end_longitude,
            max_visits: self.max_visits.map(|m| m.max(0) as u32),
        })
    }
}

/// Stores (or replaces) an engineer's profile.
pub fn save_profile(
    conn: &mut DbConnection,
    user_id: &UserId,
    p: &EngineerProfile,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let row = ProfileRow {
        user_id: user_id.to_string(),
        skills: serde_json::to_string(&p.skills)?,
        work_days: serde_json::to_string(&p.work_days)?,
        shift_start: p.shift_start.format(CLOCK).to_string(),
        shift_end: p.shift_end.format(CLOCK).to_string(),
        break_start: p.break_start.map(|t| t.format(CLOCK).to_string()),
        break_minutes: p.break_minutes as i32,
        start_latitude: p.start_latitude,
        start_longitude: p.start_longitude,
        start_label: p.start_label.clone(),
        end_latitude: p.end_latitude,
        end_longitude: p.end_longitude,
        max_visits: p.max_visits.map(|m| m as i32),
        updated_at: at,
    };
    let updated = diesel::update(engineer_profiles::table.find(user_id.as_str()))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(engineer_profiles::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

/// An engineer's profile, if the office has set one.
pub fn profile(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Option<EngineerProfile>, AppError> {
    engineer_profiles::table
        .find(user_id)
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?
        .map(ProfileRow::into_profile)
        .transpose()
}

/// Active engineers (id, name) with their profiles, by name.
pub fn active(
    conn: &mut DbConnection,
) -> Result<Vec<(UserId, String, Option<EngineerProfile>)>, AppError> {
    let rows: Vec<(UserId, String, String, Option<ProfileRow>)> = users::table
        .left_join(engineer_profiles::table)
        .filter(users::active.eq(true))
        .order((users::name.asc(), users::id.asc()))
        .select((
            users::id,
            users::name,
            users::roles,
            Option::<ProfileRow>::as_select(),
        ))
        .load(conn)?;
    rows.into_iter()
        .filter(|(_, _, roles, _)| roles.contains("\"engineer\""))
        .map(|(id, name, _, p)| Ok((id, name, p.map(ProfileRow::into_profile).transpose()?)))
        .collect()
}

/// Sets the feed's secret (its hash), replacing (and so revoking) any earlier one.
pub fn set_feed(
    conn: &mut DbConnection,
    engineer_id: &UserId,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    revoke_feed(conn, engineer_id)?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::engineer_id.eq(engineer_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a feed was revoked.
pub fn revoke_feed(conn: &mut DbConnection, engineer_id: &UserId) -> Result<bool, AppError> {
    Ok(diesel::delete(calendar_feeds::table.find(engineer_id.as_str())).execute(conn)? > 0)
}

/// The engineer whose feed has this secret.
pub fn feed_owner(conn: &mut DbConnection, token_hash: &str) -> Result<Option<UserId>, AppError> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .select(calendar_feeds::engineer_id)
        .first(conn)
        .optional()?)
}
