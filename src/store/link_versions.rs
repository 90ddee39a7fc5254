//! The version a withdrawable signed link carries for one record (a
//! customer's papers, a piece of equipment's sticker): moving it on
//! withdraws every link given out before.

use diesel::prelude::*;

use super::schema::link_versions;
use super::{now, DbConnection};
use crate::error::AppError;

/// Which kind of link a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `/p/{token}`: a customer's papers.
    Papers,
    /// `/q/{token}`: the QR code on a piece of equipment.
    Sticker,
}

impl LinkKind {
    fn as_str(self) -> &'static str {
        match self {
            LinkKind::Papers => "papers",
            LinkKind::Sticker => "sticker",
        }
    }
}

/// The version links are signed with now (1 for a record never withdrawn).
pub fn version(conn: &mut DbConnection, kind: LinkKind, id: &str) -> Result<i32, AppError> {
    Ok(link_versions::table
        .find((kind.as_str(), id))
        .select(link_versions::version)
        .first::<i32>(conn)
        .optional()?
        .unwrap_or(1))
}

/// Withdraws every link given out so far; returns the new version.
pub fn withdraw(conn: &mut DbConnection, kind: LinkKind, id: &str) -> Result<i32, AppError> {
    let next = version(conn, kind, id)? + 1;
    let updated = diesel::update(link_versions::table.find((kind.as_str(), id)))
        .set((
            link_versions::version.eq(next),
            link_versions::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(link_versions::table)
            .values((
                link_versions::kind.eq(kind.as_str()),
                link_versions::entity_id.eq(id),
                link_versions::version.eq(next),
                link_versions::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(next)
}

/// The versions in force for many records of one kind (1 where never withdrawn).
pub fn versions(
    conn: &mut DbConnection,
    kind: LinkKind,
    ids: &[String],
) -> Result<std::collections::HashMap<String, i32>, AppError> {
    let mut out: std::collections::HashMap<String, i32> =
        ids.iter().map(|i| (i.clone(), 1)).collect();
    for chunk in ids.chunks(500) {
        let found: Vec<(String, i32)> = link_versions::table
            .filter(link_versions::kind.eq(kind.as_str()))
            .filter(link_versions::entity_id.eq_any(chunk))
            .select((link_versions::entity_id, link_versions::version))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}
