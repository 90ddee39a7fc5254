//! Issuing the completion certificate when an order is certified: the next
//! number of the year, the PDF in the customer's language, stored once with its
//! hash — all in the certifying transaction, so a failure leaves no gap.

use chrono::{Datelike, Utc};
use serde_json::json;

use super::{event, Actor};
use crate::certificates::{
    render, Certificate, CertificateLine, OnSite, Party, ServicedEquipment, MAX_PHOTOS,
};
use crate::core::certificate::number;
use crate::core::customer::CustomerKind;
use crate::core::ids;
use crate::core::media::MediaKind;
use crate::core::notice::format;
use crate::core::visit::PartUsed;
use crate::core::work_order::{line_total, ScopeLine};
use crate::error::AppError;
use crate::files::sha256_hex;
use crate::store::certificates::{self, CertificateRow};
use crate::store::customers::Customers;
use crate::store::equipment::EquipmentRepo;
use crate::store::records;
use crate::store::visits::VisitRow;
use crate::store::work_orders::WorkOrderRow;
use crate::store::{contacts, json_list, now, sites, users, utc, visit_files, DbConnection};

/// The bytes of a visit's images of one kind, oldest first, at most `limit`,
/// each at most 1600 px a side: uploads are kept that small, and one stored
/// before that rule (or by an import) is checked and shrunk here, so drawing a
/// certificate never decodes a picture larger than that.
fn images(
    conn: &mut DbConnection,
    actor: &Actor,
    visit: Option<&VisitRow>,
    kind: MediaKind,
    limit: usize,
) -> Result<Vec<Vec<u8>>, AppError> {
    let Some(visit) = visit else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for row in visit_files::of_visits(conn, &[visit.id.to_string()])? {
        if row.kind != kind || out.len() >= limit {
            continue;
        }
        let Some(bytes) = actor.files.get(&row.file_key)? else {
            continue;
        };
        let kept = crate::core::media::check(kind, &bytes)
            .map_err(AppError::from)
            .and_then(|info| crate::files::images::keep(kind, info, bytes));
        match kept {
            Ok(kept) => out.push(kept.bytes),
            Err(e) => {
                tracing::warn!(file = %row.file_key, error = %e, "an image left off a certificate")
            }
        }
    }
    Ok(out)
}

/// Makes, stores and records the certificate of a certified order.
pub fn issue(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &WorkOrderRow,
    visit: Option<&VisitRow>,
) -> Result<CertificateRow, AppError> {
    let tz = actor.timezone;
    let today = actor.today();
    let year = today.year();
    let sequence = certificates::next_number(conn, year)?;
    let customer = records::get::<Customers>(conn, &order.customer_id)?.fields;
    let people = contacts::active_of_customers(conn, &[order.customer_id.to_string()])?;
    let first = visit.and_then(|v| v.on_site_contact_id.as_deref());
    let locale = people
        .iter()
        .find(|(id, _)| Some(id.as_str()) == first)
        .or(people.first())
        .and_then(|(_, c)| c.locale)
        .unwrap_or(actor.messaging.locale);
    let done_lines: Vec<ScopeLine> = match visit {
        Some(v) => crate::store::decoded_json(&v.lines_done, "lines done", &v.id)?,
        None => vec![],
    };
    let done_lines = if done_lines.is_empty() {
        order.scope()?
    } else {
        done_lines
    };
    let lines: Vec<CertificateLine> = done_lines
        .iter()
        .map(|l| CertificateLine {
            description: l.description.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price,
            total: line_total(l).unwrap_or(0),
        })
        .collect();
    let parts: Vec<PartUsed> = visit
        .and_then(|v| serde_json::from_str(&v.parts_used).ok())
        .unwrap_or_default();
    let local = |t: chrono::NaiveDateTime| utc(t).with_timezone(&tz).naive_local();
    let finished_on = visit
        .and_then(|v| v.finished_at)
        .map(|t| format::local_day(utc(t), tz))
        .unwrap_or(today);
    let next_service = match super::plans::plan_of(conn, order)? {
        Some(plan) => super::plans::next_after_service(conn, &plan, finished_on, tz)?,
        None => None,
    };
    let w = crate::certificates::words_of(locale);
    let tax = |code: &String| format!("{} {code}", w.tax_code);
    let legal = &actor.messaging.legal;
    let company = Party {
        name: actor.messaging.company.clone(),
        details: [
            legal.name.clone(),
            legal.address.clone(),
            legal.tax_code.as_ref().map(tax),
            actor.messaging.company_details.clone(),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let signatory = people
        .iter()
        .find(|(id, _)| Some(id.as_str()) == first)
        .map(|(_, c)| c.name.clone())
        .unwrap_or_else(|| customer.name.clone());
    let customer = Party {
        details: match customer.kind {
            CustomerKind::Organisation => [
                customer.legal_name.clone(),
                customer.tax_id.as_ref().map(tax),
            ]
            .into_iter()
            .flatten()
            .collect(),
            CustomerKind::Person => vec![],
        },
        name: customer.name,
    };
    let mut equipment = Vec::new();
    for id in json_list(&order.equipment_ids, "equipment", &order.id)? {
        let e = records::get_text::<EquipmentRepo>(conn, &id)?.fields;
        equipment.push(ServicedEquipment {
            kind: e.kind,
            model: e.model,
            serial_number: e.serial_number,
        });
    }
    let doc = Certificate {
        locale,
        number: number(year, sequence),
        issued_on: today,
        company,
        customer,
        site: sites::address(conn, &order.site_id)?.unwrap_or_default(),
        work_order: order.id.to_string(),
        equipment,
        on_site: visit.and_then(|v| {
            Some(OnSite {
                arrived: local(v.arrived_at?),
                finished: local(v.finished_at?),
            })
        }),
        engineer: match visit {
            Some(v) => users::find(conn, &v.engineer_id)?
                .map(|u| u.name)
                .unwrap_or_default(),
            None => String::new(),
        },
        signatory,
        total: lines.iter().map(|l| l.total).sum(),
        lines,
        currency: order.currency.clone(),
        parts: parts
            .into_iter()
            .map(|p| crate::certificates::PartLine {
                name: p.name,
                quantity: p.quantity,
                unit_price: p.unit_price,
            })
            .collect(),
        summary: order.completion_summary.clone().unwrap_or_default(),
        notes: visit.and_then(|v| v.result_notes.clone()),
        recommendations: visit.and_then(|v| v.recommendations.clone()),
        photos: images(conn, actor, visit, MediaKind::Photo, MAX_PHOTOS)?,
        signature: images(conn, actor, visit, MediaKind::Signature, usize::MAX)?.pop(),
        next_service,
    };
    let pdf = render(&doc).map_err(AppError::internal)?;
    let key = actor.files.put(&pdf)?;
    let row = CertificateRow {
        id: ids::new_id(),
        work_order_id: order.id.to_string(),
        number: doc.number.clone(),
        year,
        sequence,
        sha256: sha256_hex(&pdf),
        file_key: key,
        size_bytes: pdf.len() as i64,
        locale: locale.as_str().to_owned(),
        created_by: Some(actor.user_id.to_string()),
        created_at: now(),
    };
    certificates::insert(conn, &row)?;
    event(
        conn,
        actor,
        &order.customer_id,
        "work_order",
        &order.id,
        "certificate_issued",
        json!({"number": row.number, "sha256": row.sha256, "issued_at": Utc::now()}),
    )?;
    Ok(row)
}
