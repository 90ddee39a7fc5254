//! Saved segments, the customers they match, and mass messages (campaigns).

use crate::core::ids::{CampaignId, SegmentId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::schema::{campaigns, notifications, segments};
use super::sql::Sql;
use super::DbConnection;
use crate::core::analytics::segment::SegmentRule;
use crate::error::AppError;

/// A saved segment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = segments)]
pub struct SegmentRow {
    pub id: SegmentId,
    pub name: String,
    pub definition: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SegmentRow {
    /// Its conditions; a stored rule that no longer reads is an error, never
    /// an empty rule (which would match every customer).
    pub fn rule(&self) -> Result<SegmentRule, AppError> {
        super::decoded_json(&self.definition, "segment rule", &self.id)
    }
}

pub fn find(conn: &mut DbConnection, id: &SegmentId) -> Result<Option<SegmentRow>, AppError> {
    Ok(segments::table
        .find(id)
        .select(SegmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every segment, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<SegmentRow>, AppError> {
    Ok(segments::table
        .order((segments::name.asc(), segments::id.asc()))
        .select(SegmentRow::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut DbConnection, row: &SegmentRow) -> Result<(), AppError> {
    diesel::insert_into(segments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConnection, row: &SegmentRow) -> Result<(), AppError> {
    diesel::update(segments::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// Removes a segment that no campaign was sent to; false if one was.
pub fn delete(conn: &mut DbConnection, id: &SegmentId) -> Result<bool, AppError> {
    let used: i64 = campaigns::table
        .filter(campaigns::segment_id.eq(id))
        .count()
        .get_result(conn)?;
    if used > 0 {
        return Ok(false);
    }
    diesel::delete(segments::table.find(id)).execute(conn)?;
    Ok(true)
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many current customers meet the rule.
pub fn count(
    conn: &mut DbConnection,
    rule: &SegmentRule,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n FROM customers c WHERE c.archived_at IS NULL");
    q.rule("c.id", rule, now);
    Ok(q.load::<Total>(conn)?.first().map(|t| t.n).unwrap_or(0))
}

/// The ids of current customers that meet the rule, in id order.
pub fn members(
    conn: &mut DbConnection,
    rule: &SegmentRule,
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let mut q = Sql::new(conn);
    q.push("SELECT c.id AS id FROM customers c WHERE c.archived_at IS NULL");
    q.rule("c.id", rule, now);
    q.push(" ORDER BY c.id");
    Ok(q.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// A mass message.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: CampaignId,
    pub segment_id: SegmentId,
    pub channel: String,
    pub subject: Option<String>,
    pub body: String,
    pub customers: i32,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert_campaign(conn: &mut DbConnection, row: &CampaignRow) -> Result<(), AppError> {
    diesel::insert_into(campaigns::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_campaign(
    conn: &mut DbConnection,
    id: &CampaignId,
) -> Result<Option<CampaignRow>, AppError> {
    Ok(campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()?)
}

/// The segment's campaigns, newest first.
pub fn campaigns_of(
    conn: &mut DbConnection,
    segment_id: &str,
) -> Result<Vec<CampaignRow>, AppError> {
    Ok(campaigns::table
        .filter(campaigns::segment_id.eq(segment_id))
        .order(campaigns::created_at.desc())
        .select(CampaignRow::as_select())
        .load(conn)?)
}

/// The campaign's messages by delivery state.
pub fn delivery(
    conn: &mut DbConnection,
    campaign_id: &str,
) -> Result<Vec<(String, i64)>, AppError> {
    Ok(notifications::table
        .filter(notifications::campaign_id.eq(campaign_id))
        .group_by(notifications::status)
        .select((notifications::status, diesel::dsl::count_star()))
        .order(notifications::status.asc())
        .load(conn)?)
}
