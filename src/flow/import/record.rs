//! One row's JSON as the typed record it stands for, checked by the same rules
//! as the API's.

use chrono::{NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::core::contact::ContactFields;
use crate::core::customer::CustomerFields;
use crate::core::equipment::EquipmentFields;
use crate::core::import::history::{PastCertificate, PastOrder, PastVisit};
use crate::core::import::Entity;
use crate::core::part::{PartFields, NAME_LOCALES};
use crate::core::plan::PlanFields;
use crate::core::site::SiteFields;
use crate::core::{Fields, InputContext, ValidationError};

/// A checked row, ready to write.
#[derive(Debug, Clone)]
pub enum Record {
    Part(PartFields),
    Customer(CustomerFields),
    Site(SiteFields),
    Contact(ContactFields),
    Equipment(EquipmentFields),
    /// The plan, its equipment, and the day its last service was done in the other system.
    Plan(PlanFields, String, Option<NaiveDate>),
    Order(PastOrder),
    /// The visit, and the engineer's user id.
    Visit(PastVisit, String),
    Certificate(PastCertificate),
}

/// What a row needs beyond itself: the company's rules and the staff by e-mail.
pub struct Context<'a> {
    pub input: &'a InputContext,
    pub currency: &'a str,
    pub staff: &'a std::collections::HashMap<String, String>,
}

fn typed<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde's own words, without its " at line 1 column 2" (there is no line).
        let message = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
        // An empty cell is a missing field: name it as the field, not the row.
        match message.strip_prefix("missing field `") {
            Some(rest) if field == "." => {
                ValidationError::new(rest.trim_end_matches('`'), "is required")
            }
            _ => ValidationError::new(if field == "." { String::new() } else { field }, message),
        }
    })
}

fn checked<T: Fields>(object: Map<String, Value>, ctx: &Context) -> Result<T, ValidationError> {
    typed::<T>(object)?.normalise(ctx.input)
}

/// Parses and checks one row of a file of `entity`.
pub fn parse(
    entity: Entity,
    mut object: Map<String, Value>,
    ctx: &Context,
) -> Result<Record, ValidationError> {
    Ok(match entity {
        Entity::Parts => Record::Part(part(object)?),
        Entity::Customers => Record::Customer(checked(object, ctx)?),
        Entity::Sites => Record::Site(checked(object, ctx)?),
        Entity::Contacts => Record::Contact(checked(object, ctx)?),
        Entity::Equipment => Record::Equipment(checked(object, ctx)?),
        Entity::Plans => {
            let last = object.remove("last_completed_on");
            // Not part of a plan's fields: the plan hangs under its equipment.
            let equipment_id = match object.remove("equipment_id") {
                Some(Value::String(id)) => id,
                _ => return Err(ValidationError::new("equipment_id", "is required")),
            };
            let last: Option<NaiveDate> = match last {
                Some(v) => Some(
                    serde_json::from_value(v)
                        .map_err(|e| ValidationError::new("last_completed_on", e.to_string()))?,
                ),
                None => None,
            };
            let (fields, _) = typed::<PlanFields>(object)?.normalise()?;
            Record::Plan(fields, equipment_id, last)
        }
        Entity::WorkOrders => {
            Record::Order(typed::<PastOrder>(object)?.normalise(ctx.currency, Utc::now())?)
        }
        Entity::Visits => {
            let visit = typed::<PastVisit>(object)?.normalise()?;
            let engineer = ctx.staff.get(&visit.engineer).cloned().ok_or_else(|| {
                ValidationError::new(
                    "engineer",
                    format!(
                        "no staff account has the e-mail `{}`: add the engineer first",
                        visit.engineer
                    ),
                )
            })?;
            Record::Visit(visit, engineer)
        }
        Entity::Certificates => Record::Certificate(typed::<PastCertificate>(object)?.normalise()?),
    })
}

/// A part's row: its names in other languages gathered from a JSON `names`
/// cell and the `name_xx` columns (a column wins over the JSON).
fn part(mut object: Map<String, Value>) -> Result<PartFields, ValidationError> {
    let mut names = match object.remove("names") {
        Some(Value::String(raw)) => match serde_json::from_str::<Value>(&raw) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(ValidationError::new(
                    "names",
                    "must be a JSON object such as {\"uk\": \"…\"}",
                ))
            }
        },
        _ => Map::new(),
    };
    for locale in NAME_LOCALES {
        if let Some(v) = object.remove(&format!("name_{locale}")) {
            names.insert((*locale).to_owned(), v);
        }
    }
    if !names.is_empty() {
        object.insert("names".into(), Value::Object(names));
    }
    typed::<PartFields>(object)?.normalise()
}
