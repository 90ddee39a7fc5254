//! The papers a customer keeps, behind a signed link (`/p/{token}`): their
//! sites and equipment, visits past and booked, and every completion
//! certificate as a PDF. No login; the token names one customer and a link
//! version, so the office withdraws every link it gave out by moving the
//! version on (`410`). Nothing of another customer is reachable from it: a
//! certificate is served only when its order is this customer's.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::notices::Messaging;
use super::{event, Actor};
use crate::core::ids::{CustomerId, TypedId};
use crate::core::notice::Locale;
use crate::core::visit::VisitStatus;
use crate::error::AppError;
use crate::files::FileStore;
use crate::store::certificates::{self, CertificateRow};
use crate::store::link_versions::{self, LinkKind};
use crate::store::records::get;
use crate::store::{contacts, customers::Customers, utc, visits, work_orders};
use crate::store::{equipment, sites, DbConnection};

/// How long a papers link opens the customer's papers.
const LINK_DAYS: i64 = 365;

fn not_found() -> AppError {
    AppError::NotFound { entity: "customer" }
}

/// The customer's papers link, signed with the version in force.
pub fn link(
    conn: &mut DbConnection,
    m: &Messaging,
    customer_id: &CustomerId,
    at: DateTime<Utc>,
) -> Result<String, AppError> {
    let version = link_versions::version(conn, LinkKind::Papers, customer_id)?;
    let version = u16::try_from(version).unwrap_or(u16::MAX);
    Ok(
        match m
            .link_key
            .sign(customer_id, version, at + Duration::days(LINK_DAYS))
        {
            Some(token) => format!("{}/p/{token}", m.public_url),
            None => m.public_url.clone(),
        },
    )
}

/// Withdraws every papers link of the customer; a new one can be made at once.
pub fn withdraw(
    conn: &mut DbConnection,
    actor: &Actor,
    customer_id: &CustomerId,
) -> Result<(), AppError> {
    crate::store::transaction(conn, |conn| {
        get::<Customers>(conn, customer_id)?;
        let version = link_versions::withdraw(conn, LinkKind::Papers, customer_id)?;
        event(
            conn,
            actor,
            customer_id,
            "customer",
            customer_id,
            "papers_link_withdrawn",
            json!({"version": version}),
        )
    })
}

/// The customer a token opens: 404 forged, 410 expired or withdrawn.
fn customer_of(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
) -> Result<CustomerId, AppError> {
    let signed = super::customer_link::verified(m, token, Utc::now(), "customer")?;
    let id = CustomerId::parse(&signed.id).ok_or_else(not_found)?;
    let current = link_versions::version(conn, LinkKind::Papers, &id)?;
    if i32::from(signed.version) != current {
        return Err(AppError::Gone {
            message: "this link was withdrawn; ask us for a new one".into(),
        });
    }
    Ok(id)
}

/// What the customer's papers page shows.
#[derive(Debug, Clone)]
pub struct Papers {
    pub company: String,
    pub locale: Locale,
    pub timezone: chrono_tz::Tz,
    pub customer: String,
    pub places: Vec<Place>,
    pub visits: Vec<PaperVisit>,
    pub certificates: Vec<PaperCertificate>,
}

/// A site with its equipment.
#[derive(Debug, Clone)]
pub struct Place {
    pub address: String,
    /// "Water filter · Ecosoft RObust 1000 · SN 123".
    pub equipment: Vec<String>,
}

/// A visit, past or booked.
#[derive(Debug, Clone)]
pub struct PaperVisit {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub engineer: String,
    pub address: String,
    pub booked: bool,
}

/// A certificate the customer may download.
#[derive(Debug, Clone)]
pub struct PaperCertificate {
    pub number: String,
    pub issued: DateTime<Utc>,
}

/// The language a customer's pages speak: their contacts' own, else the company's.
pub fn locale_of(
    conn: &mut DbConnection,
    m: &Messaging,
    customer_id: &CustomerId,
) -> Result<Locale, AppError> {
    Ok(
        contacts::active_of_customers(conn, &[customer_id.to_string()])?
            .iter()
            .find_map(|(_, c)| c.locale)
            .unwrap_or(m.locale),
    )
}

/// The papers a token opens.
pub fn open(conn: &mut DbConnection, m: &Messaging, token: &str) -> Result<Papers, AppError> {
    let id = customer_of(conn, m, token)?;
    let customer = get::<Customers>(conn, &id)?;
    let locale = locale_of(conn, m, &id)?;
    let site_rows = sites::active_for_customer_with_ids(conn, &id)?;
    let items = equipment::list(
        conn,
        &equipment::EquipmentFilter {
            customer_id: Some(id.to_string()),
            ..Default::default()
        },
        &crate::store::page::PageRequest {
            limit: 500,
            cursor: None,
        },
    )?
    .items;
    let places = site_rows
        .iter()
        .map(|(site_id, s)| Place {
            address: s.one_line(),
            equipment: items
                .iter()
                .filter(|e| *site_id == e.fields.site_id)
                .map(|e| {
                    let e = &e.fields;
                    let mut words = vec![e.kind.clone()];
                    words.extend(e.model.clone());
                    words.extend(e.serial_number.as_ref().map(|n| format!("SN {n}")));
                    words.join(" · ")
                })
                .collect(),
        })
        .collect();
    let orders = work_orders::for_customer(conn, &id, 200)?;
    let order_ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
    let address_of = |order_id: &str| {
        orders
            .iter()
            .find(|o| o.id == *order_id)
            .and_then(|o| site_rows.iter().find(|(s, _)| *s == o.site_id))
            .map(|(_, s)| s.one_line())
            .unwrap_or_default()
    };
    let visits = visits::of_orders_with_engineer(conn, &order_ids)?
        .into_iter()
        .filter(|(v, _)| v.status == VisitStatus::Finished || v.status.is_live())
        .map(|(v, engineer)| PaperVisit {
            start: utc(v.planned_start),
            end: utc(v.planned_end),
            engineer: engineer
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            address: address_of(&v.work_order_id),
            booked: v.status.is_live(),
        })
        .collect();
    let certificates = certificates::for_orders(conn, &order_ids)?
        .into_iter()
        // Imported with their number only: nothing to download.
        .filter(|c| !c.file_key.is_empty())
        .map(|c| PaperCertificate {
            number: c.number,
            issued: utc(c.created_at),
        })
        .collect();
    Ok(Papers {
        company: m.company.clone(),
        locale,
        timezone: m.timezone,
        customer: customer.fields.name,
        places,
        visits,
        certificates,
    })
}

/// A certificate's PDF, if the token's customer owns its order; 404 otherwise.
pub fn certificate(
    conn: &mut DbConnection,
    m: &Messaging,
    files: &dyn FileStore,
    token: &str,
    number: &str,
) -> Result<(CertificateRow, Vec<u8>), AppError> {
    let none = || AppError::NotFound {
        entity: "certificate",
    };
    let id = customer_of(conn, m, token)?;
    let row = certificates::by_number(conn, number)?.ok_or_else(none)?;
    let order = crate::core::ids::typed(&row.work_order_id, "work_order_id")
        .ok()
        .map(|o| work_orders::find(conn, &o))
        .transpose()?
        .flatten()
        .ok_or_else(none)?;
    if order.customer_id != id || row.file_key.is_empty() {
        return Err(none());
    }
    let bytes = files.get(&row.file_key)?.ok_or_else(none)?;
    Ok((row, bytes))
}
