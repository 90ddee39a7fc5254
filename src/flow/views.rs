//! What each role sees: the manager's full customer card, the administrator's
//! short extract of what must be scheduled, the engineer's own day.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::Actor;
use crate::core::agreement::{Agreement, AgreementStatus};
use crate::core::calendar::day_bounds;
use crate::core::contact::{Contact, ContactFields, ContactRole};
use crate::core::customer::Customer;
use crate::core::equipment::Equipment;
use crate::core::ids;
use crate::core::ids::TypedId;
use crate::core::meter::{MeterFields, Reading};
use crate::core::notice::Locale;
use crate::core::reminder::{Reminder, ReminderKind};
use crate::core::site::Site;
use crate::core::visit::Visit;
use crate::core::work_order::{is_open, scope_summary, Priority, WorkOrder};
use crate::error::AppError;
use crate::store::contacts::{self, ContactFilter};
use crate::store::customers::Customers;
use crate::store::equipment::{self, EquipmentFilter, EquipmentRepo};
use crate::store::events::{self, Event};
use crate::store::page::PageRequest;
use crate::store::records::{get, get_text};
use crate::store::sites::{self, SiteFilter, Sites};
use crate::store::{agreements, engineers, reminders, users, visits, work_orders, DbConnection};

/// Everything a manager needs on one screen before calling the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCard {
    pub customer: Customer,
    pub contacts: Vec<Contact>,
    pub sites: Vec<Site>,
    pub equipment: Vec<Equipment>,
    pub agreements: Vec<Agreement>,
    pub open_orders: Vec<WorkOrder>,
    /// The latest closed or cancelled orders (up to 20).
    pub past_orders: Vec<WorkOrder>,
    pub last_visit: Option<Visit>,
    /// The soonest maintenance that waits; any waiting reminder when none is for maintenance.
    pub next_due: Option<Reminder>,
    pub open_reminders: Vec<Reminder>,
    /// The newest 20 events; the full timeline is at `/customers/{id}/timeline`.
    pub timeline: Vec<Event>,
}

impl CustomerCard {
    /// The card with the system's reminder notes written for its reader.
    pub fn in_words(mut self, tz: chrono_tz::Tz, locale: Locale) -> Self {
        self.next_due = self.next_due.map(|r| r.in_words(tz, locale));
        self.open_reminders = self
            .open_reminders
            .into_iter()
            .map(|r| r.in_words(tz, locale))
            .collect();
        self
    }
}

fn all(limit: i64) -> PageRequest {
    PageRequest {
        limit,
        cursor: None,
    }
}

pub fn customer_card(
    conn: &mut DbConnection,
    id: &ids::CustomerId,
) -> Result<CustomerCard, AppError> {
    let customer = get::<Customers>(conn, id)?;
    let cid = customer.id.clone();
    let contacts = contacts::list(
        conn,
        &ContactFilter {
            customer_id: Some(cid.to_string()),
            ..Default::default()
        },
        &all(200),
    )?
    .items;
    let sites = sites::list(
        conn,
        &SiteFilter {
            customer_id: Some(cid.to_string()),
            ..Default::default()
        },
        &all(200),
    )?
    .items;
    let equipment = equipment::list(
        conn,
        &EquipmentFilter {
            customer_id: Some(cid.to_string()),
            ..Default::default()
        },
        &all(200),
    )?
    .items;
    let orders = work_orders::for_customer(conn, &cid, 200)?;
    let order_ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
    let (open_orders, past): (Vec<WorkOrder>, Vec<WorkOrder>) =
        orders.into_iter().partition(|o| is_open(o.status));
    let open_reminders = reminders::open_for_customer(conn, &cid)?;
    let next_due = open_reminders
        .iter()
        .find(|r| r.kind == ReminderKind::Maintenance)
        .or(open_reminders.first())
        .cloned();
    Ok(CustomerCard {
        agreements: agreements::for_customer(conn, &cid)?,
        last_visit: visits::last_finished_for_orders(conn, &order_ids)?,
        timeline: events::customer_timeline(conn, &cid, &all(20))?.items,
        past_orders: past.into_iter().take(20).collect(),
        customer,
        contacts,
        sites,
        equipment,
        open_orders,
        next_due,
        open_reminders,
    })
}

/// The person to call or meet at a site.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactBrief {
    pub id: String,
    pub name: String,
    pub phones: Vec<String>,
    pub availability: Option<String>,
}

/// The one contact to name for a site: the visit's chosen one, else the site's
/// on-site person, else anyone tied to the site, else the customer's first.
fn on_site_contact(
    contacts: &[Contact],
    site_id: &str,
    chosen: Option<&str>,
) -> Option<ContactBrief> {
    let by_chosen = chosen.and_then(|c| contacts.iter().find(|x| *x.id == *c));
    let at_site = |x: &&Contact| x.fields.site_id.as_deref() == Some(site_id);
    let pick = by_chosen
        .or_else(|| {
            contacts
                .iter()
                .filter(at_site)
                .find(|x| x.fields.role == Some(ContactRole::OnSite))
        })
        .or_else(|| contacts.iter().find(at_site))
        .or_else(|| contacts.first());
    pick.map(|c| ContactBrief {
        id: c.id.to_string(),
        name: c.fields.name.clone(),
        phones: c.fields.phones.clone(),
        availability: c.fields.availability.clone(),
    })
}

fn customer_contacts(conn: &mut DbConnection, customer_id: &str) -> Result<Vec<Contact>, AppError> {
    Ok(contacts::list(
        conn,
        &ContactFilter {
            customer_id: Some(customer_id.to_owned()),
            ..Default::default()
        },
        &all(50),
    )?
    .items)
}

/// The administrator's short extract of an order waiting for a visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub work_order_id: String,
    pub version: i64,
    pub priority: Priority,
    pub customer_id: String,
    pub customer_name: String,
    /// The scope lines' descriptions in one line.
    pub scope_summary: String,
    pub estimated_minutes: Option<i32>,
    pub required_skills: Vec<String>,
    pub address: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub access_notes: Option<String>,
    pub on_site_contact: Option<ContactBrief>,
    /// The customer's wishes for the visit time.
    pub time_wishes: Option<String>,
    /// Why it came back, e.g. "no access: nobody home".
    pub status_reason: Option<String>,
    pub waiting_since: DateTime<Utc>,
}

pub fn scheduling_queue(conn: &mut DbConnection, limit: i64) -> Result<Vec<QueueItem>, AppError> {
    let rows = work_orders::waiting_for_scheduling(conn, limit)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let site = get::<Sites>(conn, &row.site_id)?;
        let customer = get::<Customers>(conn, &row.customer_id)?;
        let contacts = customer_contacts(conn, &row.customer_id)?;
        let order = row.into_view()?;
        let address = [
            Some(site.fields.address_line1.as_str()),
            site.fields.address_line2.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        out.push(QueueItem {
            on_site_contact: on_site_contact(&contacts, &site.id, None),
            work_order_id: order.id.into_string(),
            version: order.version,
            priority: order.priority,
            customer_id: customer.id.to_string(),
            customer_name: customer.fields.name,
            scope_summary: scope_summary(&order.scope_lines),
            estimated_minutes: order.estimated_minutes,
            required_skills: order.required_skills,
            address,
            city: site.fields.city,
            latitude: site.fields.latitude,
            longitude: site.fields.longitude,
            access_notes: site.fields.access_notes,
            time_wishes: order.time_wishes,
            status_reason: order.status_reason,
            waiting_since: order.updated_at,
        });
    }
    Ok(out)
}

/// One of the engineer's visits with what it needs on site.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngineerVisit {
    pub visit: Visit,
    pub work_order: WorkOrder,
    pub customer_name: String,
    pub site: Site,
    pub on_site_contact: Option<ContactBrief>,
    pub equipment: Vec<Equipment>,
    /// The customer's promises still to keep.
    pub agreements: Vec<Agreement>,
    /// The meters of the order's equipment with their last readings: what
    /// to read on site.
    pub meters: Vec<VisitMeter>,
    /// The last three visits finished at this site, newest first: what was
    /// done and found last time.
    pub history: Vec<PastVisit>,
}

/// A meter of the visit's equipment, with its last reading.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitMeter {
    #[schema(value_type = String)]
    pub id: ids::MeterId,
    #[schema(value_type = String)]
    pub equipment_id: ids::EquipmentId,
    #[serde(flatten)]
    pub fields: MeterFields,
    pub last: Option<Reading>,
}

/// A visit finished before at the same site.
#[derive(Debug, Serialize, ToSchema)]
pub struct PastVisit {
    pub finished_at: DateTime<Utc>,
    pub engineer_name: String,
    pub outcome: Option<String>,
    pub result_notes: Option<String>,
    pub recommendations: Option<String>,
}

/// Visits of the site shown to the engineer.
const HISTORY: i64 = 3;

/// The engineer's own name, which their visits carry like everyone else's.
fn own_name(conn: &mut DbConnection, actor: &Actor) -> Result<Option<String>, AppError> {
    Ok(users::find(conn, &actor.user_id)?.map(|u| u.name))
}

fn engineer_visit(
    conn: &mut DbConnection,
    row: visits::VisitRow,
    engineer_name: Option<String>,
) -> Result<EngineerVisit, AppError> {
    let order = work_orders::find(conn, &row.work_order_id)?
        .ok_or_else(|| AppError::internal("visit without its work order"))?
        .into_view()?;
    let site = get::<Sites>(conn, &order.site_id)?;
    let customer = get::<Customers>(conn, &order.customer_id)?;
    let contacts = customer_contacts(conn, &order.customer_id)?;
    let mut equipment = Vec::new();
    for id in &order.equipment_ids {
        equipment.push(get_text::<EquipmentRepo>(conn, id)?);
    }
    let agreements = agreements::for_customer(conn, &order.customer_id)?
        .into_iter()
        .filter(|a| a.status == AgreementStatus::Active)
        .collect();
    let mut meters = Vec::new();
    for piece in &equipment {
        for m in crate::store::meters::of_equipment(conn, &piece.id)? {
            let last = crate::store::meters::latest(conn, &m.id, 1)?
                .first()
                .map(crate::store::meters::ReadingRow::view);
            meters.push(VisitMeter {
                fields: m.fields(),
                id: m.id,
                equipment_id: m.equipment_id,
                last,
            });
        }
    }
    let history = visits::last_at_site(conn, &order.site_id, &row.id, HISTORY)?
        .into_iter()
        .filter_map(|(v, engineer_name)| {
            Some(PastVisit {
                finished_at: crate::store::utc(v.finished_at?),
                engineer_name,
                outcome: v.outcome,
                result_notes: v.result_notes,
                recommendations: v.recommendations,
            })
        })
        .collect();
    Ok(EngineerVisit {
        meters,
        history,
        on_site_contact: on_site_contact(&contacts, &site.id, row.on_site_contact_id.as_deref()),
        visit: row.into_view(engineer_name)?,
        customer_name: customer.fields.name,
        work_order: order,
        site,
        equipment,
        agreements,
    })
}

/// The engineer's visits on a local day, in time order.
pub fn my_visits(
    conn: &mut DbConnection,
    actor: &Actor,
    date: NaiveDate,
) -> Result<Vec<EngineerVisit>, AppError> {
    let (from, to) = day_bounds(date, actor.timezone);
    let rows = visits::for_engineer_between(conn, &actor.user_id, from, to)?;
    let name = own_name(conn, actor)?;
    rows.into_iter()
        .map(|r| engineer_visit(conn, r, name.clone()))
        .collect()
}

/// One of the engineer's own visits; another engineer's is not found.
pub fn my_visit(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<EngineerVisit, AppError> {
    let not_found = || AppError::NotFound { entity: "visit" };
    let id = ids::VisitId::parse(id).ok_or_else(not_found)?;
    let row = visits::find(conn, &id)?
        .filter(|v| v.engineer_id == actor.user_id)
        .ok_or_else(not_found)?;
    let name = own_name(conn, actor)?;
    engineer_visit(conn, row, name)
}

/// What the office's order page shows: the order with its history, the
/// customer's name, the site, who could be booked and whom to call.
pub struct OrderPage {
    pub detail: super::work_orders::WorkOrderDetail,
    pub customer: String,
    pub site: Site,
    /// Active engineers: (id, name).
    pub engineers: Vec<(String, String)>,
    pub contacts: Vec<(String, ContactFields)>,
}

/// The order page's read model, in one unit of work.
pub fn order_page(conn: &mut DbConnection, id: &ids::WorkOrderId) -> Result<OrderPage, AppError> {
    let detail = super::work_orders::find_detail(conn, id)?;
    let customer = get::<Customers>(conn, &detail.work_order.customer_id)?;
    let engineers = engineers::active(conn)?
        .into_iter()
        .map(|(id, name, _)| (id.into_string(), name))
        .collect();
    let contacts = contacts::active_of_customers(conn, &[customer.id.to_string()])?;
    let site = get::<Sites>(conn, &detail.work_order.site_id)?;
    Ok(OrderPage {
        site,
        detail,
        customer: customer.fields.name,
        engineers,
        contacts,
    })
}
