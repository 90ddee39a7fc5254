//! "Would you recommend us?": the question goes out through the outbox some
//! days after a completed order (at most once per customer in a while), the
//! customer answers 0 to 10 on a link, and the answer lands on their timeline.

use crate::store::db::Outbox;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::customer_link::verified;
use super::notices::{self, Draft, Messaging};
use crate::config::Config;
use crate::core::ids;
use crate::core::notice::{Locale, NoticeEvent};
use crate::core::text::{self, NOTE};
use crate::core::ValidationError;
use crate::error::AppError;
use crate::store::events::{self, NewEvent};
use crate::store::schema::{notifications, surveys, work_orders};
use crate::store::{contacts, customers, now, transaction, DbConnection};

/// Days a survey link stays open.
pub const ANSWER_WITHIN_DAYS: i64 = 30;

/// Asks the customers whose order was completed `survey_after_days` ago (up to
/// a month earlier, so a day the job did not run is caught up) and who were
/// not asked in the last `survey_every_days`. Safe to run twice a day and on
/// several instances: one question per customer per day (dedupe key).
pub fn ask(
    conn: &mut DbConnection,
    outbox: &Outbox,
    at: DateTime<Utc>,
    config: &Config,
) -> Result<usize, AppError> {
    let m = &config.messaging;
    let until = (at - Duration::days(config.survey_after_days)).naive_utc();
    let since = until - Duration::days(30);
    let asked_since = (at - Duration::days(config.survey_every_days)).naive_utc();
    let recent = surveys::table
        .filter(surveys::asked_at.ge(asked_since))
        .select(surveys::customer_id);
    let due: Vec<String> = work_orders::table
        .filter(work_orders::completed_at.ge(since))
        .filter(work_orders::completed_at.lt(until))
        .filter(diesel::dsl::not(work_orders::customer_id.eq_any(recent)))
        .select(work_orders::customer_id)
        .distinct()
        .load(conn)?;
    let people = contacts::by_customer(conn, &due)?;
    let names = customers::names(conn, &due)?;
    let day = at.with_timezone(&config.timezone).date_naive();
    let mut asked = 0;
    for customer in &due {
        let contacts = people.get(customer).cloned().unwrap_or_default();
        if !notices::reaches(&contacts, NoticeEvent::NpsSurvey, None) {
            continue;
        }
        let id = ids::new_id();
        let link = survey_link(m, &id, at);
        let name = names.get(customer).cloned().unwrap_or_default();
        let key = format!("nps_survey:{customer}:{day}");
        transaction(conn, |conn| {
            let queued = notices::queue(
                conn,
                outbox,
                m,
                Draft {
                    event: NoticeEvent::NpsSurvey,
                    dedupe_key: key.clone(),
                    customer_id: customer,
                    work_order_id: None,
                    visit_id: None,
                    first_contact: None,
                    values: vec![("link", link.clone())],
                    dates: vec![],
                    attachments: vec![],
                    outreach: None,
                },
                &name,
                contacts,
                at.naive_utc(),
            )?;
            if !queued {
                return Ok(());
            }
            let contact: Option<String> = notifications::table
                .filter(notifications::dedupe_key.eq(&key))
                .select(notifications::contact_id)
                .first::<Option<String>>(conn)
                .optional()?
                .flatten();
            diesel::insert_into(surveys::table)
                .values((
                    surveys::id.eq(&id),
                    surveys::customer_id.eq(customer),
                    surveys::contact_id.eq(contact),
                    surveys::asked_at.eq(at.naive_utc()),
                ))
                .execute(conn)?;
            asked += 1;
            Ok(())
        })?;
    }
    Ok(asked)
}

/// The customer's link to a survey.
pub fn survey_link(m: &Messaging, survey_id: &str, at: DateTime<Utc>) -> String {
    match m
        .link_key
        .sign(survey_id, 0, at + Duration::days(ANSWER_WITHIN_DAYS))
    {
        Some(token) => format!("{}/s/{token}", m.public_url),
        None => m.public_url.clone(),
    }
}

/// What the survey page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyPage {
    pub company: String,
    pub locale: Locale,
    pub score: Option<i32>,
    pub comment: Option<String>,
}

type SurveyRow = (String, Option<i32>, Option<String>);

fn survey_of(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
) -> Result<(String, SurveyRow), AppError> {
    let id = verified(m, token, Utc::now(), "survey")?.id;
    let row: SurveyRow = surveys::table
        .find(&id)
        .select((surveys::customer_id, surveys::score, surveys::comment))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound { entity: "survey" })?;
    Ok((id, row))
}

/// The survey a token opens.
pub fn open(conn: &mut DbConnection, m: &Messaging, token: &str) -> Result<SurveyPage, AppError> {
    let (_, (_, score, comment)) = survey_of(conn, m, token)?;
    Ok(SurveyPage {
        company: m.company.clone(),
        locale: m.locale,
        score,
        comment,
    })
}

/// Records (or changes, while the link is open) the customer's answer, on their timeline.
pub fn answer(
    conn: &mut DbConnection,
    m: &Messaging,
    token: &str,
    score: Option<i32>,
    comment: Option<&str>,
) -> Result<(), AppError> {
    let score = match score {
        Some(s) if (0..=10).contains(&s) => s,
        _ => return Err(ValidationError::new("score", "choose a number from 0 to 10").into()),
    };
    let comment = text::optional("comment", comment, NOTE)?;
    let (id, (customer_id, _, _)) = survey_of(conn, m, token)?;
    transaction(conn, |conn| {
        diesel::update(surveys::table.find(&id))
            .set((
                surveys::score.eq(score),
                surveys::comment.eq(&comment),
                surveys::answered_at.eq(now()),
            ))
            .execute(conn)?;
        events::record(
            conn,
            NewEvent {
                actor_id: None,
                customer_id: Some(&customer_id),
                entity_type: "survey",
                entity_id: &id,
                action: "answered",
                changes: json!({"score": score, "comment": comment}),
            },
        )
    })
}
