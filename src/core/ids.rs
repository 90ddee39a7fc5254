//! Identifiers: UUIDv7, so ids sort by creation time and keyset pagination is
//! cheap; stored as text on every backend.
//!
//! Each kind of record has its own id type (`CustomerId`, `WorkOrderId`, …),
//! parsed once where it enters (a path, a body) and carried typed from there:
//! a site id cannot be passed where a customer id is wanted. They read as
//! `&str` (`Deref`) so formatting and logging stay plain; `store` converts them
//! to and from SQL text, so `core` stays free of diesel.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// A fresh, time-ordered id as text (ids are stored as text on every backend).
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Parses an id from a path or body; `None` when it is not a UUID.
pub fn parse_id(raw: &str) -> Option<String> {
    Uuid::parse_str(raw.trim()).ok().map(|u| u.to_string())
}

/// What every typed id can do: be parsed from outside, name its record kind.
pub trait TypedId: Sized + Deref<Target = str> {
    /// The record kind, as a 404 names it ("no such customer").
    const ENTITY: &'static str;

    /// The id in canonical form; `None` when `raw` is not a UUID.
    fn parse(raw: &str) -> Option<Self>;

    /// An id read back from the database, where only valid ids are written.
    fn from_stored(raw: String) -> Option<Self>;

    /// A fresh id for a new record.
    fn fresh() -> Self;
}

/// A typed id from text a rule has already checked (a body's field, another
/// table's column); text that is not an id is a 422 naming the field.
pub fn typed<T: TypedId>(raw: &str, field: &str) -> Result<T, crate::core::ValidationError> {
    T::parse(raw).ok_or_else(|| crate::core::ValidationError::new(field, "is not a valid id"))
}

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident => $entity:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh id for a new record.
            pub fn new() -> Self {
                Self(new_id())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl TypedId for $name {
            const ENTITY: &'static str = $entity;

            fn parse(raw: &str) -> Option<Self> {
                parse_id(raw).map(Self)
            }

            fn fresh() -> Self {
                Self(new_id())
            }

            fn from_stored(raw: String) -> Option<Self> {
                // Written by this server in canonical form: check, keep the text.
                Uuid::parse_str(&raw).ok().map(|_| Self(raw))
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).ok_or_else(|| {
                    serde::de::Error::custom(concat!("is not a valid ", $entity, " id"))
                })
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

typed_id! {
    /// A customer: a private person or an organisation.
    CustomerId => "customer";
    /// A person to call about a customer or a site.
    ContactId => "contact";
    /// A place where work is done.
    SiteId => "site";
    /// A piece of equipment at a site.
    EquipmentId => "equipment";
    /// A maintenance plan of a piece of equipment.
    PlanId => "plan";
    /// A reminder in the managers' inbox.
    ReminderId => "reminder";
    /// A work order.
    WorkOrderId => "work order";
    /// A visit of an engineer to a site.
    VisitId => "visit";
    /// A staff account.
    UserId => "user";
    /// A saved customer segment.
    SegmentId => "segment";
    /// A message in the outbox.
    NotificationId => "notification";
    /// A proposed route plan.
    RoutePlanId => "route plan";
    /// A mass message to a segment.
    CampaignId => "campaign";
    /// An image of a visit: a photo or the signature.
    FileId => "file";
    /// A meter on a piece of equipment (litres, hours, a gauge).
    MeterId => "meter";
    /// One reading of a meter.
    ReadingId => "reading";
    /// A device that sends readings on its own.
    DeviceId => "device";
    /// A part of the catalogue (a cartridge set, a membrane).
    PartId => "part";
    /// A place stock is kept: a warehouse or an engineer's van.
    LocationId => "location";
    /// One row of the stock ledger.
    MovementId => "movement";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_creation() {
        let a = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id();
        assert!(a < b);
    }

    #[test]
    fn parse_normalises_case() {
        let id = new_id();
        assert_eq!(parse_id(&id.to_uppercase()), Some(id));
        assert_eq!(parse_id("nope"), None);
    }

    #[test]
    fn typed_ids_parse_once_and_refuse_what_is_not_an_id() {
        let id = CustomerId::new();
        assert_eq!(CustomerId::parse(&id.to_uppercase()), Some(id.clone()));
        assert_eq!(CustomerId::parse("1; drop table customers"), None);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<CustomerId>(&json).unwrap(), id);
        let err = serde_json::from_str::<SiteId>("\"x\"").unwrap_err();
        assert!(err.to_string().contains("is not a valid site id"), "{err}");
        assert_eq!(CustomerId::from_stored("nope".into()), None);
    }
}
