//! Typed columns: ids and text enums of `core` written to and read from SQL
//! text on every backend. Here, not in `core`, so the domain stays free of
//! diesel. A stored text that is not a valid value of its type is a
//! deserialization error (the query fails and says which value), never a default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, SingleValue, Text};

use crate::core::agreement::{AgreementKind, AgreementStatus};
use crate::core::customer::{CustomerKind, Segment};
use crate::core::equipment::EquipmentStatus;
use crate::core::ids::{
    CampaignId, ContactId, CustomerId, DeviceId, EquipmentId, FileId, LocationId, MeterId,
    MovementId, NotificationId, PartId, PlanId, ReadingId, ReminderId, RoutePlanId, SegmentId,
    SiteId, TypedId, UserId, VisitId, WorkOrderId,
};
use crate::core::media::MediaKind;
use crate::core::meter::{MeterKind, MeterMode, ReadingKind, ReadingSource};
use crate::core::notice::{MessageChannel, NoticeEvent, NotificationStatus};
use crate::core::part::PartKind;
use crate::core::reminder::{ReminderKind, ReminderStatus};
use crate::core::stock::{LocationKind, MovementKind};
use crate::core::visit::{Outcome, VisitStatus};
use crate::core::work_order::{Priority, WorkOrderKind, WorkOrderStatus};

/// Writes and reads a type as SQL text through its text form.
macro_rules! text_column {
    ($($ty:ty => |$raw:ident| $parse:expr, |$value:ident| $text:expr;)*) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                let $value = self;
                let text: &str = $text;
                text.to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let $raw = String::from_sql(bytes)?;
                let shown = $raw.clone();
                let parsed: Option<$ty> = $parse;
                parsed.ok_or_else(|| {
                    format!(concat!("`{}` is not a stored ", stringify!($ty)), shown).into()
                })
            }
        }

        impl<DB: Backend, ST: SingleValue> Queryable<ST, DB> for $ty
        where
            $ty: FromSql<ST, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl AsExpression<Text> for $ty {
            type Expression = Bound<Text, Self>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Text> for &'a $ty {
            type Expression = Bound<Text, Self>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = Bound<Nullable<Text>, Self>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Nullable<Text>> for &'a $ty {
            type Expression = Bound<Nullable<Text>, Self>;

            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<DB: Backend> ToSql<Nullable<Text>, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                ToSql::<Text, DB>::to_sql(self, out)
            }
        }
    )*};
}

/// Ids: stored in canonical form, read back checked.
macro_rules! id_columns {
    ($($ty:ty),* $(,)?) => {
        text_column! {
            $($ty => |raw| <$ty as TypedId>::from_stored(raw), |v| v;)*
        }
    };
}

/// Text enums: stored as their name, read back by it.
macro_rules! enum_columns {
    ($($ty:ty),* $(,)?) => {
        text_column! {
            $($ty => |raw| <$ty>::parse(&raw), |v| v.as_str();)*
        }
    };
}

id_columns!(
    CustomerId,
    ContactId,
    SiteId,
    EquipmentId,
    PlanId,
    ReminderId,
    WorkOrderId,
    VisitId,
    UserId,
    SegmentId,
    NotificationId,
    RoutePlanId,
    CampaignId,
    FileId,
    MeterId,
    ReadingId,
    DeviceId,
    PartId,
    LocationId,
    MovementId,
);

enum_columns!(
    CustomerKind,
    Segment,
    AgreementKind,
    AgreementStatus,
    EquipmentStatus,
    MediaKind,
    WorkOrderStatus,
    WorkOrderKind,
    Priority,
    VisitStatus,
    Outcome,
    ReminderStatus,
    ReminderKind,
    NotificationStatus,
    MessageChannel,
    NoticeEvent,
    MeterKind,
    MeterMode,
    ReadingKind,
    ReadingSource,
    PartKind,
    LocationKind,
    MovementKind,
);
