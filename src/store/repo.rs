//! How one kind of customer-base record is stored: the trait each table of
//! customers, contacts, sites and equipment implements, and the parts alike
//! for all of them. The life of a record over it is in `records`.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::DbConnection;
use crate::core::Fields;
use crate::error::AppError;

/// How one kind of record is stored.
pub trait Repo {
    /// The id of a record of this kind, as handlers receive it.
    type Id: crate::core::ids::TypedId + Send + 'static;
    type Fields: Fields;
    type View: Serialize;

    /// The record with this id, archived or not.
    fn find(conn: &mut DbConnection, id: &Self::Id) -> Result<Option<Self::View>, AppError>;
    /// Stores a new record; checks that what it refers to exists.
    fn insert(
        conn: &mut DbConnection,
        id: &Self::Id,
        fields: &Self::Fields,
        at: NaiveDateTime,
    ) -> Result<(), AppError>;
    /// Stores new field values of an existing record.
    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        fields: &Self::Fields,
        at: NaiveDateTime,
    ) -> Result<(), AppError>;
    /// Sets or clears the archive mark.
    fn set_archived(
        conn: &mut DbConnection,
        id: &Self::Id,
        archived_at: Option<NaiveDateTime>,
        at: NaiveDateTime,
    ) -> Result<(), AppError>;

    fn fields(view: &Self::View) -> &Self::Fields;
    fn customer_id(view: &Self::View) -> &str;
    fn is_archived(view: &Self::View) -> bool;
}

/// The parts of a [`Repo`] that are alike for every table with `archived_at` and
/// `updated_at`: reading one record, the archive mark, and the view's fields.
macro_rules! repo_common {
    ($table:ident, $row:ty) => {
        fn find(conn: &mut DbConnection, id: &Self::Id) -> Result<Option<Self::View>, AppError> {
            $table::table
                .find(id.as_ref())
                .select(<$row>::as_select())
                .first(conn)
                .optional()?
                .map(<$row>::into_view)
                .transpose()
        }

        fn set_archived(
            conn: &mut DbConnection,
            id: &Self::Id,
            archived_at: Option<NaiveDateTime>,
            at: NaiveDateTime,
        ) -> Result<(), AppError> {
            diesel::update($table::table.find(id.as_ref()))
                .set((
                    $table::archived_at.eq(archived_at),
                    $table::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(())
        }

        fn fields(view: &Self::View) -> &Self::Fields {
            &view.fields
        }

        fn is_archived(view: &Self::View) -> bool {
            view.archived_at.is_some()
        }
    };
}
pub(crate) use repo_common;

/// Keeps archived records out of a list, or (with `archived=true`) only them.
macro_rules! archived_filter {
    ($query:expr, $column:expr, $archived:expr) => {
        if $archived.unwrap_or(false) {
            $query.filter($column.is_not_null())
        } else {
            $query.filter($column.is_null())
        }
    };
}
pub(crate) use archived_filter;
