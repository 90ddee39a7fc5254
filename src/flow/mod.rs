//! The use cases: everything the product does, whoever asks (an API route, an
//! office page, the phone, the CLI, a scheduled job). Reminders become work
//! orders, work orders move through their states, each step is recorded. A use
//! case combines the pure rules of `core` with `store` in one transaction, with
//! its events and its outbox rows (an `Outbox` passed down notes what was queued,
//! so the delivery worker is woken after the commit). Nothing here knows HTTP.

pub mod actions;
pub mod agreements;
pub mod analytics;
pub mod bodies;
pub mod certificates;
pub mod company_settings;
pub mod consumption;
pub mod customer_link;
pub mod devices;
pub mod erasure;
pub mod export;
pub mod import;
pub mod load_lists;
pub mod lost;
pub mod media;
pub mod meters;
pub mod notices;
pub mod notifications;
pub mod papers;
pub mod parts;
pub mod parts_analytics;
pub mod parts_used;
pub mod passwords;
pub mod planning;
pub mod plans;
pub mod reminders;
pub mod reservations;
pub mod route_day;
pub mod segments;
pub mod self_scheduling;
pub mod stickers;
pub mod stock;
pub mod stock_alerts;
pub mod surveys;
pub mod templates;
pub mod usage;
pub mod users;
pub mod views;
pub mod work_orders;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::core::role::Role;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::DbConnection;

/// Who acts: a staff member with an account, or no account at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acting {
    Staff,
    /// The customer, through a signed link.
    Customer,
    /// A device, by its signed request.
    Device,
}

/// Who is acting, and the company settings the rules need.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The staff account acting. For a customer or a device it names no
    /// account and is never written.
    pub user_id: crate::core::ids::UserId,
    /// Staff, or the customer or a device: then events name no staff member
    /// and say `"by": "customer"` or `"by": "device"`.
    pub acting: Acting,
    pub roles: Vec<Role>,
    pub timezone: Tz,
    pub currency: String,
    /// How the company speaks to customers: messages are written with the change.
    pub messaging: std::sync::Arc<notices::Messaging>,
    /// Where documents made by the action (certificates) are stored.
    pub files: std::sync::Arc<dyn crate::files::FileStore>,
}

impl Actor {
    /// The staff account to write as a record's creator; none for the
    /// customer or a device.
    pub fn account(&self) -> Option<&crate::core::ids::UserId> {
        (self.acting == Acting::Staff).then_some(&self.user_id)
    }

    /// Whether the customer acts, through their own link.
    pub fn by_customer(&self) -> bool {
        self.acting == Acting::Customer
    }

    /// Today in the company's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.timezone).date_naive()
    }
}

/// Writes one timeline event of a customer.
pub fn event(
    conn: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
    entity_type: &str,
    entity_id: &str,
    action: &str,
    mut changes: Value,
) -> Result<(), AppError> {
    let by = match actor.acting {
        Acting::Staff => None,
        Acting::Customer => Some("customer"),
        Acting::Device => Some("device"),
    };
    if let (Some(by), Some(map)) = (by, changes.as_object_mut()) {
        map.insert("by".into(), by.into());
    }
    events::record(
        conn,
        NewEvent {
            actor_id: actor.account().map(|u| u.as_str()),
            customer_id: Some(customer_id),
            entity_type,
            entity_id,
            action,
            changes,
        },
    )
}
