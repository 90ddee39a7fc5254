//! The QR sticker on a piece of equipment (`/q/{token}`): the office prints
//! sheets of them, anyone who scans one sees the equipment and its service
//! without signing in, and can tell the company what is wrong (a reminder of
//! kind `service_request` in the managers' inbox) or go on to book the next
//! service. The token names the equipment and a version: the office
//! withdraws a sticker by moving the version on, and a withdrawn sticker
//! shows only the company's phone.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::actions::{self, Step};
use super::bodies;
use super::notices::Messaging;
use super::{event, Actor};
use crate::core::contact_info::{readable_phone, PhoneRegion};
use crate::core::equipment::Equipment;
use crate::core::ids::{CustomerId, EquipmentId, ReminderId, TypedId};
use crate::core::notice::{format, Locale};
use crate::core::reminder::ReminderKind;
use crate::core::sticker::{self, Label, Report, Sheet, MAX_LABELS};
use crate::core::visit::VisitStatus;
use crate::core::work_order::WorkOrderStatus;
use crate::error::AppError;
use crate::store::db::Outbox;
use crate::store::link_versions::{self, LinkKind};
use crate::store::records::get;
use crate::store::reminders::{self, ReminderRow};
use crate::store::service_requests::{self, ServiceRequestRow};
use crate::store::{
    customers::Customers, equipment, login_failures, now, plans, sites, utc, visits, work_orders,
    DbConnection,
};

/// The address a sticker opens, signed with the version in force.
fn link(m: &Messaging, equipment_id: &str, version: i32) -> String {
    let version = u16::try_from(version).unwrap_or(u16::MAX);
    match m
        .link_key
        .sign(equipment_id, version, sticker::never_expires())
    {
        Some(token) => format!("{}/q/{token}", m.public_url),
        None => m.public_url.clone(),
    }
}

/// Which stickers to print.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every piece of equipment still on the customer's sites.
    Customer(CustomerId),
    /// These pieces, in this order.
    Equipment(Vec<EquipmentId>),
}

/// The labels for a selection; 404 for an unknown customer or piece, 422
/// for too many at once.
pub fn sheet(
    conn: &mut DbConnection,
    m: &Messaging,
    selection: &Selection,
    skip: usize,
) -> Result<Sheet, AppError> {
    if skip >= sticker::LABELS_PER_SHEET {
        return Err(AppError::invalid(
            "skip",
            format!(
                "must be 0 to {}: the labels already used on the first sheet",
                sticker::LABELS_PER_SHEET - 1
            ),
        ));
    }
    let items = match selection {
        Selection::Customer(id) => {
            get::<Customers>(conn, id)?;
            equipment::in_place_of_customer(conn, id)?
        }
        Selection::Equipment(ids) => {
            if ids.is_empty() {
                return Err(AppError::invalid(
                    "equipment_ids",
                    "name at least one piece of equipment",
                ));
            }
            if ids.len() > MAX_LABELS {
                return Err(AppError::invalid(
                    "equipment_ids",
                    format!("at most {MAX_LABELS} stickers at once"),
                ));
            }
            let found = equipment::many(conn, ids)?;
            ids.iter()
                .map(|id| {
                    found
                        .iter()
                        .find(|e| e.id == *id)
                        .cloned()
                        .ok_or(AppError::NotFound {
                            entity: "equipment",
                        })
                })
                .collect::<Result<Vec<Equipment>, AppError>>()?
        }
    };
    if items.len() > MAX_LABELS {
        return Err(AppError::invalid(
            "customer_id",
            format!(
                "this customer has {} pieces of equipment; print at most {MAX_LABELS} at once by naming them",
                items.len()
            ),
        ));
    }
    let ids: Vec<String> = items.iter().map(|e| e.id.to_string()).collect();
    let versions = link_versions::versions(conn, LinkKind::Sticker, &ids)?;
    let labels = items
        .into_iter()
        .map(|e| {
            let version = versions.get(e.id.as_str()).copied().unwrap_or(1);
            Label {
                url: link(m, e.id.as_str(), version),
                equipment_id: e.id.to_string(),
                kind: e.fields.kind,
                model: e.fields.model,
                serial_number: e.fields.serial_number,
            }
        })
        .collect();
    Ok(Sheet {
        locale: m.locale,
        company: m.company.clone(),
        phone: m.company_phone.as_deref().map(readable_phone),
        skip,
        labels,
    })
}

/// Withdraws the piece's sticker: scanning it shows only the company's phone
/// from now on; the next print carries a new code.
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &Actor,
    equipment_id: &EquipmentId,
) -> Result<(), AppError> {
    crate::store::transaction(conn, |conn| {
        let piece = get::<equipment::EquipmentRepo>(conn, equipment_id)?;
        let version = link_versions::withdraw(conn, LinkKind::Sticker, equipment_id.as_str())?;
        event(
            conn,
            actor,
            &piece.customer_id,
            "equipment",
            equipment_id,
            "sticker_withdrawn",
            json!({"version": version}),
        )
    })
}

/// The piece a token opens: 404 forged, 410 withdrawn (or the piece gone).
fn equipment_of(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
) -> Result<Equipment, AppError> {
    let signed = super::customer_link::verified(m, token, Utc::now(), "equipment")?;
    let id = EquipmentId::parse(&signed.id).ok_or(AppError::NotFound {
        entity: "equipment",
    })?;
    let current = link_versions::version(conn, LinkKind::Sticker, id.as_str())?;
    let withdrawn = || AppError::Gone {
        message: "this sticker was withdrawn".into(),
    };
    if i32::from(signed.version) != current {
        return Err(withdrawn());
    }
    let piece = equipment::many(conn, std::slice::from_ref(&id))?
        .pop()
        .ok_or(AppError::NotFound {
            entity: "equipment",
        })?;
    if piece.archived_at.is_some() {
        return Err(withdrawn());
    }
    Ok(piece)
}

/// What comes next for the piece, as the scan page offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A visit is booked: its time. Moving or cancelling it stays with the
    /// link the customer was sent: whoever stands by the equipment (a guest,
    /// a tenant) may report a problem, not cancel the owner's visit.
    Booked {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// An order waits for a time, and the customer may choose it.
    Choose {
        link: String,
    },
    /// An order waits for a time the office will agree with the customer.
    Arranging,
    /// A plan's service is due (within its lead days): "book my next service".
    Due {
        on: NaiveDate,
    },
    /// The next planned service, not yet due.
    Planned {
        on: NaiveDate,
    },
    Nothing,
}

/// What the scan page shows.
#[derive(Debug, Clone)]
pub struct Scan {
    pub company: String,
    pub phone: Option<String>,
    pub locale: Locale,
    pub timezone: chrono_tz::Tz,
    pub kind: String,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    /// The town of the site, so a customer with two sites knows which piece.
    pub city: Option<String>,
    pub last_service: Option<NaiveDate>,
    pub next: Next,
}

/// The page a scanned sticker opens.
pub fn open(conn: &mut DbConnection, m: &Messaging, token: &str) -> Result<Scan, AppError> {
    let piece = equipment_of(conn, m, token)?;
    scan(conn, m, &piece)
}

/// What the page shows of a piece the sticker opened.
fn scan(conn: &mut DbConnection, m: &Messaging, piece: &Equipment) -> Result<Scan, AppError> {
    let piece = piece.clone();
    let customer_id = crate::core::ids::typed::<CustomerId>(&piece.customer_id, "customer_id")
        .map_err(|_| AppError::NotFound {
            entity: "equipment",
        })?;
    let locale = super::papers::locale_of(conn, m, &customer_id)?;
    let today = format::local_day(Utc::now(), m.timezone);
    let orders: Vec<_> = work_orders::for_customer(conn, &customer_id, 200)?
        .into_iter()
        .filter(|o| o.equipment_ids.iter().any(|e| *e == piece.id.as_str()))
        .collect();
    let order_ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
    let order_visits = visits::of_orders_with_engineer(conn, &order_ids)?;
    let done_last = order_visits
        .iter()
        .filter(|(v, _)| v.status == VisitStatus::Finished)
        .map(|(v, _)| format::local_day(utc(v.planned_start), m.timezone))
        .max();
    let piece_plans: Vec<_> = plans::for_equipment(conn, &piece.id)?
        .into_iter()
        .filter(|p| p.active)
        .collect();
    let last_service = piece_plans
        .iter()
        .filter_map(|p| p.last_completed_on)
        .chain(done_last)
        .max();
    let booked = order_visits
        .iter()
        .filter(|(v, _)| v.status.is_live())
        .min_by_key(|(v, _)| v.planned_start);
    let waiting = orders
        .iter()
        .find(|o| o.status == WorkOrderStatus::Scheduling);
    let next = if let Some((v, _)) = booked {
        Next::Booked {
            start: utc(v.planned_start),
            end: utc(v.planned_end),
        }
    } else if let Some(order) = waiting {
        if m.invite_to_choose {
            Next::Choose {
                link: super::self_scheduling::link(m, &order.id, Utc::now()),
            }
        } else {
            Next::Arranging
        }
    } else {
        let soonest = piece_plans
            .iter()
            .filter_map(|p| p.next_due_on.map(|d| (d, p.lead_days)))
            .min();
        match soonest {
            Some((on, lead)) if on <= today + chrono::Duration::days(i64::from(lead.max(0))) => {
                Next::Due { on }
            }
            Some((on, _)) => Next::Planned { on },
            None => Next::Nothing,
        }
    };
    let city = sites::active_for_customer_with_ids(conn, &customer_id)?
        .into_iter()
        .find(|(id, _)| *id == piece.fields.site_id)
        .map(|(_, s)| s.city);
    Ok(Scan {
        company: m.company.clone(),
        phone: m.company_phone.clone(),
        locale,
        timezone: m.timezone,
        kind: piece.fields.kind,
        model: piece.fields.model,
        serial_number: piece.fields.serial_number,
        city,
        last_service,
        next,
    })
}

/// Refuses a request (429) when the sticker or the address has sent its
/// share; `count` also counts this one.
fn within_limits(
    conn: &mut DbConnection,
    equipment_id: &str,
    address: &str,
    count: bool,
) -> Result<(), AppError> {
    let at = now();
    let keys = sticker::limit_keys(equipment_id, address);
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    if let Some(until) = login_failures::blocked_until(conn, &names, at)? {
        return Err(AppError::TooManyRequests {
            retry_after_secs: (until - at).num_seconds().max(1).unsigned_abs(),
        });
    }
    if count {
        for (key, limit) in keys {
            login_failures::record(conn, &key, at, limit.window, |n| {
                (n >= limit.limit).then_some(at + limit.window)
            })?;
        }
    }
    Ok(())
}

/// Checks a request before its photo is decoded: the sticker opens and the
/// limits leave room. Nothing is counted yet.
pub fn admit(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
    address: &str,
) -> Result<(), AppError> {
    let piece = equipment_of(conn, m, token)?;
    within_limits(conn, piece.id.as_str(), address, false)
}

/// What the customer sent from the sticker.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub what: &'a str,
    pub phone: Option<&'a str>,
    /// The photo as kept (checked and downscaled), if one came.
    pub photo: Option<&'a [u8]>,
    /// Where it came from, for the per-address limit.
    pub address: &'a str,
}

/// Records a request from the sticker: a `service_request` reminder for the
/// managers, due today, with the words, the phone and the photo; an event on
/// the customer's timeline "by the customer". 422 names the field, 429 when
/// the sticker or the address has sent enough for now.
pub fn request(
    conn: &mut DbConnection,
    actor: &Actor,
    region: PhoneRegion,
    token: &str,
    r: &Request,
) -> Result<ReminderId, AppError> {
    let Report {
        what,
        callback_phone,
    } = sticker::report(r.what, r.phone, region)?;
    let m = actor.messaging.clone();
    crate::store::transaction(conn, |conn| {
        let piece = equipment_of(conn, &m, token)?;
        within_limits(conn, piece.id.as_str(), r.address, true)?;
        let customer_id = crate::core::ids::typed::<CustomerId>(&piece.customer_id, "customer_id")?;
        let today = format::local_day(Utc::now(), m.timezone);
        let mut reminder = ReminderRow::new(
            &customer_id,
            ReminderKind::ServiceRequest,
            today,
            Some(what.clone()),
            None,
        );
        reminder.equipment_id = Some(piece.id.to_string());
        reminders::insert(conn, &reminder)?;
        let photo_key = r.photo.map(|bytes| actor.files.put(bytes)).transpose()?;
        service_requests::insert(
            conn,
            &ServiceRequestRow {
                reminder_id: reminder.id.clone(),
                equipment_id: piece.id.clone(),
                customer_id: customer_id.clone(),
                what,
                callback_phone,
                photo_key: photo_key.clone(),
                created_at: now(),
            },
        )?;
        event(
            conn,
            actor,
            &customer_id,
            "equipment",
            &piece.id,
            "service_requested",
            json!({"reminder_id": reminder.id, "photo": photo_key.is_some()}),
        )?;
        Ok(reminder.id)
    })
}

/// What "book my next service" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Booking {
    /// The plan's order waits in `scheduling`: the customer goes on to choose
    /// a time at this link.
    Choose(String),
    /// The managers were asked (the company does not let this customer
    /// choose, or the plan names no scope to agree on).
    Asked,
}

/// "Book my next service", taken only while a plan's service is due and no
/// order for it waits or is booked (409 else). Where the company lets the
/// customer choose their time and the plan names its scope and price, the
/// customer's tap is the agreement: the plan's reminder becomes an order,
/// agreed and sent to scheduling, and the customer goes on to choose a time.
/// Otherwise the managers get a `service_request` to call back.
pub fn ask_to_book(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    region: PhoneRegion,
    token: &str,
    address: &str,
) -> Result<Booking, AppError> {
    let m = actor.messaging.clone();
    crate::store::transaction(conn, |conn| {
        let piece = equipment_of(conn, &m, token)?;
        if !matches!(scan(conn, &m, &piece)?.next, Next::Due { .. }) {
            return Err(AppError::conflict(
                "nothing_to_book",
                "no service is due to book now; the page shows what comes next",
            ));
        }
        within_limits(conn, piece.id.as_str(), address, false)?;
        if let Some(link) = self_book(conn, outbox, actor, &piece)? {
            within_limits(conn, piece.id.as_str(), address, true)?;
            return Ok(Booking::Choose(link));
        }
        request(
            conn,
            actor,
            region,
            token,
            &Request {
                what: booking_words(m.locale),
                phone: None,
                photo: None,
                address,
            },
        )?;
        Ok(Booking::Asked)
    })
}

/// The due plan's order, agreed by the customer and sent to scheduling; its
/// "choose a time" link, or `None` where the customer may not book alone.
fn self_book(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    piece: &Equipment,
) -> Result<Option<String>, AppError> {
    let m = &actor.messaging;
    let customer_id = crate::core::ids::typed::<CustomerId>(&piece.customer_id, "customer_id")?;
    let segment = get::<Customers>(conn, &customer_id)?.fields.segment;
    if !m.invite_to_choose
        || !(m.invite_segments.is_empty() || m.invite_segments.contains(&segment))
    {
        return Ok(None);
    }
    let Some(plan) = plans::for_equipment(conn, &piece.id)?
        .into_iter()
        .filter(|p| p.active && p.next_due_on.is_some())
        .min_by_key(|p| p.next_due_on)
    else {
        return Ok(None);
    };
    if plan.fields()?.scope_lines.is_empty() {
        return Ok(None);
    }
    let reminder = match reminders::waiting_for_plan(conn, &plan.id)? {
        Some(r) => r,
        None => {
            // Due, but today's generation has not run yet: the reminder it would make.
            let due = plan
                .next_due_on
                .unwrap_or_else(|| format::local_day(Utc::now(), m.timezone));
            let mut r = ReminderRow::new(&customer_id, ReminderKind::Maintenance, due, None, None);
            r.plan_id = Some(plan.id.clone());
            r.equipment_id = Some(piece.id.to_string());
            reminders::insert(conn, &r)?;
            r
        }
    };
    let order = super::reminders::convert(
        conn,
        actor,
        &reminder.id,
        super::reminders::Convert {
            site_id: None,
            scope_lines: vec![],
            priority: None,
        },
    )?;
    let id = order.work_order.id.clone();
    let agreed = actions::act(
        conn,
        outbox,
        actor,
        &id,
        Step::at_version(
            actions::Request::Agree(bodies::Agree {
                version: Some(order.work_order.version),
                ..Default::default()
            }),
            None,
        ),
    )?;
    actions::act(
        conn,
        outbox,
        actor,
        &id,
        Step::at_version(
            actions::Request::SendToScheduling(bodies::VersionOnly {
                version: Some(agreed.work_order.version),
            }),
            None,
        ),
    )?;
    Ok(Some(super::self_scheduling::link(m, &id, Utc::now())))
}

/// The words a request to book the next service carries to the managers.
pub fn booking_words(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "Please book my next service",
        Locale::Uk => "Прошу записати на наступне обслуговування",
    }
}

/// A service request as the office reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceRequest {
    pub reminder_id: ReminderId,
    pub equipment_id: EquipmentId,
    pub customer_id: CustomerId,
    /// The piece as the office names it: "water filter (Aquaphor Osmo 50)".
    pub equipment: String,
    pub what: String,
    pub callback_phone: Option<String>,
    /// `GET /api/v1/reminders/{id}/photo` serves it.
    pub has_photo: bool,
    pub created_at: DateTime<Utc>,
}

/// The request a reminder carries; 404 when it carries none.
pub fn of_reminder(
    conn: &mut DbConnection,
    reminder_id: &ReminderId,
) -> Result<ServiceRequestRow, AppError> {
    service_requests::of_reminder(conn, reminder_id)?.ok_or(AppError::NotFound {
        entity: "service request",
    })
}

impl ServiceRequest {
    fn new(r: ServiceRequestRow, labels: &std::collections::HashMap<String, String>) -> Self {
        ServiceRequest {
            equipment: labels
                .get(r.equipment_id.as_str())
                .cloned()
                .unwrap_or_default(),
            reminder_id: r.reminder_id,
            equipment_id: r.equipment_id,
            customer_id: r.customer_id,
            what: r.what,
            callback_phone: r.callback_phone,
            has_photo: r.photo_key.is_some(),
            created_at: utc(r.created_at),
        }
    }
}

/// The requests behind a page of reminders, in two reads.
pub fn of_reminders(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<ServiceRequest>, AppError> {
    let rows = service_requests::of_reminders(conn, ids)?;
    let pieces: Vec<String> = rows.iter().map(|r| r.equipment_id.to_string()).collect();
    let labels = equipment::labels(conn, &pieces)?;
    Ok(rows
        .into_iter()
        .map(|r| ServiceRequest::new(r, &labels))
        .collect())
}

/// The request a reminder carries, as the office reads it; 404 when none.
pub fn view_of_reminder(
    conn: &mut DbConnection,
    reminder_id: &ReminderId,
) -> Result<ServiceRequest, AppError> {
    of_reminders(conn, &[reminder_id.to_string()])?
        .pop()
        .ok_or(AppError::NotFound {
            entity: "service request",
        })
}
