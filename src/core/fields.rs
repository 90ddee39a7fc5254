//! The editable fields of a record: one shape for create, merge-patch and response.

use serde::{de::DeserializeOwned, Serialize};

use super::contact_info::PhoneRegion;
use super::ValidationError;

/// Company settings that input rules depend on.
#[derive(Debug, Clone, Copy)]
pub struct InputContext {
    /// Numbering plan for phone numbers written without a `+` prefix.
    pub phone_region: PhoneRegion,
    /// Today in the company's time zone: dates entered are bounded around it.
    pub today: chrono::NaiveDate,
}

/// Editable fields of one kind of record.
///
/// A create body is the fields; an update is an RFC 7386 merge patch over the
/// current fields, deserialised again and normalised by the same rules, so a
/// value can never be accepted on create and refused on update (or the reverse).
pub trait Fields: Serialize + DeserializeOwned + Sized {
    /// The entity name used in events and error messages (`customer`, `site`, …).
    const ENTITY: &'static str;
    /// Fields fixed at creation; a patch that changes them is refused.
    const IMMUTABLE: &'static [&'static str] = &[];

    /// Checks every value and returns it in canonical form (trimmed, E.164, …).
    fn normalise(self, ctx: &InputContext) -> Result<Self, ValidationError>;
}

/// Text enums stored as their snake_case name; the names are the API's too.
///
/// The names are taken as raw tokens (`tt`), not `literal` fragments: utoipa's
/// derive does not read a `rename` given through a `literal` fragment, and the
/// OpenAPI document then listed `Payer` where the API says `payer` (the
/// schemathesis run found it).
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and spoken name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The variant for a stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use text_enum;
