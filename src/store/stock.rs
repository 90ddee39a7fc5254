//! Stock as stored: locations, the quantity on hand per (location, part) and
//! the ledger. A quantity changes only through [`change`] or [`count`], each
//! inside the transaction that writes its ledger row; [`change`] checks and
//! changes in one statement, so two engineers taking the last cartridge at
//! once cannot both have it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};

use super::page::{keyset_page, Page, PageRequest};
use super::schema::{parts, stock_levels, stock_locations, stock_movements, users};
use super::{utc, DbConnection};
use crate::core::ids::{LocationId, MovementId, PartId, UserId};
use crate::core::stock::{
    Location, LocationFields, LocationKind, Movement, MovementKind, Quantity,
};
use crate::error::AppError;
use crate::store::parts::PartRow;

/// A location as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = stock_locations)]
pub struct LocationRow {
    pub id: LocationId,
    pub kind: LocationKind,
    pub name: String,
    #[diesel(treat_none_as_null = true)]
    pub engineer_id: Option<String>,
    #[diesel(treat_none_as_null = true)]
    pub address: Option<String>,
    pub allow_negative: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl LocationRow {
    pub fn view(self) -> Location {
        Location {
            id: self.id,
            fields: LocationFields {
                kind: self.kind,
                name: self.name,
                engineer_id: self.engineer_id,
                address: self.address,
                allow_negative: self.allow_negative,
                active: self.active,
            },
            created_at: utc(self.created_at),
        }
    }
}

pub fn insert_location(conn: &mut DbConnection, row: &LocationRow) -> Result<(), AppError> {
    diesel::insert_into(stock_locations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update_location(conn: &mut DbConnection, row: &LocationRow) -> Result<(), AppError> {
    diesel::update(stock_locations::table.find(row.id.as_str()))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_location(
    conn: &mut DbConnection,
    id: &LocationId,
) -> Result<Option<LocationRow>, AppError> {
    Ok(stock_locations::table
        .find(id.as_str())
        .select(LocationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The engineer's van, if one is set up.
pub fn van_of(conn: &mut DbConnection, engineer: &str) -> Result<Option<LocationRow>, AppError> {
    Ok(stock_locations::table
        .filter(stock_locations::engineer_id.eq(engineer))
        .select(LocationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every location, warehouses first, then by name (a company has tens, not thousands).
pub fn locations(conn: &mut DbConnection) -> Result<Vec<LocationRow>, AppError> {
    Ok(stock_locations::table
        .order((stock_locations::kind.desc(), stock_locations::name.asc()))
        .limit(10_000)
        .select(LocationRow::as_select())
        .load(conn)?)
}

/// The quantity of a part at a location, and its minimum.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_levels)]
pub struct LevelRow {
    pub location_id: LocationId,
    pub part_id: PartId,
    pub on_hand: i64,
    pub minimum: Option<i64>,
    pub updated_at: NaiveDateTime,
    /// Promised to agreed orders (see [`super::reservations`]).
    pub reserved: i64,
}

/// Makes the (location, part) row if it is not there, at zero: the row the
/// change then locks. Two first receipts at once make one row.
pub(super) fn ensure_level(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let row = LevelRow {
        location_id: location.clone(),
        part_id: part.clone(),
        on_hand: 0,
        minimum: None,
        updated_at: at,
        reserved: 0,
    };
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(stock_levels::table)
            .values(&row)
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(stock_levels::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}

#[derive(QueryableByName)]
struct OnHand {
    #[diesel(sql_type = BigInt)]
    on_hand: i64,
}

/// Adds `by` (negative takes away) to the quantity on hand, unless that would
/// take it below zero where negative stock is not allowed: checked and changed
/// in one statement, so of two takers of the last unit exactly one gets it.
/// The quantity after, or `None` when refused.
pub fn change(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
    by: Quantity,
    allow_negative: bool,
    at: NaiveDateTime,
) -> Result<Option<Quantity>, AppError> {
    ensure_level(conn, location, part, at)?;
    let sql = "UPDATE stock_levels SET on_hand = on_hand + $1, updated_at = $2 \
        WHERE location_id = $3 AND part_id = $4 AND (on_hand + $1 >= 0 OR $1 >= 0 OR $5) \
        RETURNING on_hand";
    let query = diesel::sql_query(sql)
        .bind::<BigInt, _>(by.milli())
        .bind::<Timestamp, _>(at)
        .bind::<Text, _>(location.as_str())
        .bind::<Text, _>(part.as_str())
        .bind::<Bool, _>(allow_negative);
    let rows: Vec<OnHand> = query.load(conn)?;
    Ok(rows.first().map(|r| Quantity::from_milli(r.on_hand)))
}

/// Sets the quantity on hand to what was counted; the quantity before, read
/// under the row's lock (PostgreSQL) or the write lock (SQLite).
pub fn count(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
    counted: Quantity,
    at: NaiveDateTime,
) -> Result<Quantity, AppError> {
    ensure_level(conn, location, part, at)?;
    let lock = match conn {
        DbConnection::Sqlite(_) => "",
        DbConnection::Postgresql(_) => " FOR UPDATE",
    };
    let sql =
        format!("SELECT on_hand FROM stock_levels WHERE location_id = $1 AND part_id = $2{lock}");
    let before: Vec<OnHand> = diesel::sql_query(sql)
        .bind::<Text, _>(location.as_str())
        .bind::<Text, _>(part.as_str())
        .load(conn)?;
    diesel::update(stock_levels::table.find((location.as_str(), part.as_str())))
        .set((
            stock_levels::on_hand.eq(counted.milli()),
            stock_levels::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(Quantity::from_milli(
        before.first().map_or(0, |r| r.on_hand),
    ))
}

/// Sets (or clears) the minimum of a part at a location.
pub fn set_minimum(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
    minimum: Option<Quantity>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    ensure_level(conn, location, part, at)?;
    diesel::update(stock_levels::table.find((location.as_str(), part.as_str())))
        .set(stock_levels::minimum.eq(minimum.map(Quantity::milli)))
        .execute(conn)?;
    Ok(())
}

/// A part's level at a location, if it was ever stocked there.
pub fn level(
    conn: &mut DbConnection,
    location: &LocationId,
    part: &PartId,
) -> Result<Option<LevelRow>, AppError> {
    Ok(stock_levels::table
        .find((location.as_str(), part.as_str()))
        .select(LevelRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of what a location holds, with the parts, by part id (newest first).
pub fn levels_at(
    conn: &mut DbConnection,
    location: &LocationId,
    below_minimum: bool,
    page: &PageRequest,
) -> Result<Page<(LevelRow, PartRow)>, AppError> {
    let mut query = stock_levels::table
        .inner_join(parts::table)
        .filter(stock_levels::location_id.eq(location.as_str()))
        .select((LevelRow::as_select(), PartRow::as_select()))
        .into_boxed();
    if below_minimum {
        // As `core::stock::is_low`, in SQL: what a van owes counts as none.
        let free = diesel::dsl::sql::<BigInt>(
            "(CASE WHEN stock_levels.on_hand > 0 THEN stock_levels.on_hand ELSE 0 END \
             - stock_levels.reserved)",
        );
        query = query.filter(free.lt(diesel::dsl::sql::<BigInt>(
            "COALESCE(stock_levels.minimum, 0)",
        )));
    }
    let rows = keyset_page!(query, stock_levels::part_id, page).load(conn)?;
    Ok(Page::from_rows(rows, page, |(l, _)| l.part_id.as_str()))
}

/// A part's levels at every location it was stocked at.
pub fn levels_of_part(conn: &mut DbConnection, part: &PartId) -> Result<Vec<LevelRow>, AppError> {
    Ok(stock_levels::table
        .filter(stock_levels::part_id.eq(part.as_str()))
        .limit(10_000)
        .select(LevelRow::as_select())
        .load(conn)?)
}

/// The levels of some parts, at one location or at every one, in one read
/// per 500 parts.
pub fn levels_of_parts(
    conn: &mut DbConnection,
    parts: &[PartId],
    at: Option<&LocationId>,
) -> Result<Vec<LevelRow>, AppError> {
    let mut out = vec![];
    for chunk in parts.chunks(500) {
        let keys: Vec<&str> = chunk.iter().map(PartId::as_str).collect();
        let mut query = stock_levels::table
            .filter(stock_levels::part_id.eq_any(keys))
            .select(LevelRow::as_select())
            .into_boxed();
        if let Some(location) = at {
            query = query.filter(stock_levels::location_id.eq(location.as_str()));
        }
        out.extend(query.load(conn)?);
    }
    Ok(out)
}

/// A ledger row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_movements)]
pub struct MovementRow {
    pub id: MovementId,
    pub batch_id: MovementId,
    pub part_id: PartId,
    pub location_id: LocationId,
    pub kind: MovementKind,
    pub quantity: i64,
    pub on_hand_after: i64,
    pub reason: Option<String>,
    pub work_order_id: Option<String>,
    pub actor_id: Option<UserId>,
    pub created_at: NaiveDateTime,
}

impl MovementRow {
    pub fn view(self, actor_name: Option<String>) -> Movement {
        Movement {
            id: self.id,
            part_id: self.part_id,
            location_id: self.location_id,
            kind: self.kind,
            quantity: Quantity::from_milli(self.quantity),
            on_hand_after: Quantity::from_milli(self.on_hand_after),
            batch_id: self.batch_id,
            reason: self.reason,
            work_order_id: self.work_order_id,
            actor_id: self.actor_id,
            actor_name,
            created_at: utc(self.created_at),
        }
    }
}

/// Writes ledger rows in multi-row statements.
pub fn insert_movements(conn: &mut DbConnection, rows: &[MovementRow]) -> Result<(), AppError> {
    for chunk in rows.chunks(500) {
        let chunk = chunk.to_vec();
        crate::store::multi_row_insert!(conn, stock_movements::table, chunk);
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Net {
    #[diesel(sql_type = BigInt)]
    net: i64,
}

/// What an order's visits took of a part and kept: its issues less its
/// returns, in thousandths (positive).
pub fn issued_to_order(
    conn: &mut DbConnection,
    order: &str,
    part: &PartId,
) -> Result<Quantity, AppError> {
    let sql = "SELECT CAST(COALESCE(-SUM(quantity), 0) AS BIGINT) AS net FROM stock_movements \
        WHERE work_order_id = $1 AND part_id = $2 AND kind IN ('issue', 'return')";
    let rows: Vec<Net> = diesel::sql_query(sql)
        .bind::<Text, _>(order)
        .bind::<Text, _>(part.as_str())
        .load(conn)?;
    Ok(Quantity::from_milli(rows.first().map_or(0, |r| r.net)))
}

/// Which ledger rows to list.
#[derive(Debug, Clone, Copy)]
pub enum Of<'a> {
    Part(&'a PartId),
    Location(&'a LocationId),
}

/// A page of the ledger of a part or a location, newest first, with who did each.
pub fn movements(
    conn: &mut DbConnection,
    of: Of<'_>,
    page: &PageRequest,
) -> Result<Page<Movement>, AppError> {
    let mut query = stock_movements::table
        .left_join(users::table)
        .select((MovementRow::as_select(), users::name.nullable()))
        .into_boxed();
    query = match of {
        Of::Part(p) => query.filter(stock_movements::part_id.eq(p.as_str())),
        Of::Location(l) => query.filter(stock_movements::location_id.eq(l.as_str())),
    };
    let rows: Vec<(MovementRow, Option<String>)> =
        keyset_page!(query, stock_movements::id, page).load(conn)?;
    Ok(Page::from_rows(rows, page, |(m, _)| m.id.as_str()).map(|(m, n)| m.view(n)))
}
