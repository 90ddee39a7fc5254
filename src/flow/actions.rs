//! `POST /work-orders/{id}/actions/{action}`: one state change, checked against
//! the state machine, the version the caller read, and the caller's own visit.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use super::bodies;
use super::work_orders::{detail, WorkOrderDetail};
use super::{event, notices, Actor};
use crate::core::dates::{check_day, check_visit_start, Span};
use crate::core::ids::{self, UserId, VisitId, WorkOrderId};
use crate::core::notice::NoticeEvent;
use crate::core::reminder::ReminderKind;
use crate::core::role::Role;
use crate::core::text::{self, NOTE};
use crate::core::visit::{check_parts, check_window, Outcome, VisitStatus};
use crate::core::work_order::{
    check_minutes, check_scope, check_skills, next_status, Action, WorkOrderStatus,
};
use crate::error::AppError;
use crate::store::db::Outbox;
use crate::store::reminders::{self, ReminderRow};
use crate::store::visit_files::SeenRequest;
use crate::store::visits::{self, VisitRow};
use crate::store::work_orders::{self, WorkOrderRow};
use crate::store::{agreements, contacts, now, transaction, users, visit_files, DbConnection};

/// A client's own id of a request (`Idempotency-Key`) and the hash of the body
/// it came with.
pub struct ClientRequest {
    pub key: String,
    pub body_hash: String,
}

/// An action with its body.
pub enum Request {
    Agree(bodies::Agree),
    SendToScheduling(bodies::VersionOnly),
    Close(bodies::Close),
    Schedule(bodies::Schedule),
    Reschedule(bodies::Schedule),
    Unschedule(bodies::Reason),
    Certify(bodies::Certify),
    StartTravel(bodies::StartTravel),
    Arrive(bodies::VersionOnly),
    Finish(bodies::Finish),
    NoAccess(bodies::Reason),
    Postpone(bodies::Postpone),
    Cancel(bodies::Reason),
    Reopen(bodies::VersionOnly),
}

impl Request {
    pub fn action(&self) -> Action {
        match self {
            Request::Agree(_) => Action::Agree,
            Request::SendToScheduling(_) => Action::SendToScheduling,
            Request::Close(_) => Action::Close,
            Request::Schedule(_) => Action::Schedule,
            Request::Reschedule(_) => Action::Reschedule,
            Request::Unschedule(_) => Action::Unschedule,
            Request::Certify(_) => Action::Certify,
            Request::StartTravel(_) => Action::StartTravel,
            Request::Arrive(_) => Action::Arrive,
            Request::Finish(_) => Action::Finish,
            Request::NoAccess(_) => Action::NoAccess,
            Request::Postpone(_) => Action::Postpone,
            Request::Cancel(_) => Action::Cancel,
            Request::Reopen(_) => Action::Reopen,
        }
    }

    fn version(&self) -> Option<i64> {
        match self {
            Request::Agree(b) => b.version,
            Request::Close(b) => b.version,
            Request::Schedule(b) | Request::Reschedule(b) => b.version,
            Request::Unschedule(b) | Request::NoAccess(b) | Request::Cancel(b) => b.version,
            Request::Certify(b) => b.version,
            Request::Finish(b) => b.version,
            Request::Postpone(b) => b.version,
            Request::StartTravel(b) => b.version,
            Request::SendToScheduling(b) | Request::Arrive(b) | Request::Reopen(b) => b.version,
        }
    }
}

fn not_found() -> AppError {
    AppError::NotFound {
        entity: "work order",
    }
}

/// Takes the action; everything it changes, and its event, commit together or not at all.
///
/// With a `client` request id (the phone's `Idempotency-Key` and the body's
/// hash), the same request already taken answers with the order as it is now and
/// changes nothing: a phone that lost the answer, or replays its offline queue,
/// never acts twice. The key is bound to (user, order, action, body): sent with
/// anything else it is refused, and who may see the order is checked first.
pub fn act(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    order_id: &WorkOrderId,
    step: Step,
) -> Result<WorkOrderDetail, AppError> {
    act_at(conn, outbox, actor, order_id, step, now())
}

/// One step of an order's life as the client asked for it.
pub struct Step {
    pub request: Request,
    /// The version read, when sent apart from the body (`If-Match`).
    pub if_match: Option<i64>,
    /// The client's id of the request (`Idempotency-Key`), if sent.
    pub client: Option<ClientRequest>,
}

impl Step {
    /// A step asked for with the version read, without a client request id.
    pub fn at_version(request: Request, version: Option<i64>) -> Step {
        Step {
            request,
            if_match: version,
            client: None,
        }
    }
}

/// As [`act`], taken at the moment `at`: the demo plays its history at the
/// moments it happened, so a visit booked last week was booked before it began.
pub fn act_at(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    order_id: &WorkOrderId,
    step: Step,
    at: NaiveDateTime,
) -> Result<WorkOrderDetail, AppError> {
    let Step {
        request,
        if_match,
        client,
    } = step;
    let action = request.action();
    let version = request
        .version()
        .or(if_match)
        .ok_or_else(|| AppError::BadRequest {
            field: Some("version".into()),
            message: "send the version you read, as `version` or an If-Match header".into(),
        })?;
    let eta_minutes = match &request {
        Request::StartTravel(b) => match b.eta_minutes {
            Some(m) if !(1..=600).contains(&m) => {
                return Err(AppError::invalid("eta_minutes", "must be 1 to 600 minutes"))
            }
            m => m,
        },
        _ => None,
    };
    transaction(conn, |conn| {
        if !work_orders::lock(conn, order_id)? {
            return Err(not_found());
        }
        let mut row = work_orders::find(conn, order_id)?.ok_or_else(not_found)?;
        let engineer_only = action.roles() == [Role::Engineer];
        // Who may see the order comes first, before any answer is given.
        if engineer_only && !visits::engineer_on_order(conn, &row.id, &actor.user_id)? {
            return Err(not_found());
        }
        if let Some(client) = &client {
            let sent = SeenRequest {
                work_order_id: row.id.to_string(),
                action: action.as_str().to_owned(),
                body_hash: client.body_hash.clone(),
            };
            match visit_files::seen_request(conn, &actor.user_id, &client.key)? {
                Some(seen) if seen == sent => return detail(conn, row),
                Some(_) => return Err(AppError::key_reused()),
                None => {
                    visit_files::remember_request(conn, &actor.user_id, &client.key, &sent, at)?
                }
            }
        }
        let live = visits::live_for_order(conn, &row.id)?;
        if engineer_only {
            // An engineer acts only on its own visit; any other order does not exist for it.
            let own = live
                .as_ref()
                .is_some_and(|v| v.engineer_id == actor.user_id);
            if !own {
                return Err(not_found());
            }
        }
        if row.version != version {
            return Err(AppError::Conflict {
                code: "stale_version",
                message: format!(
                    "the work order was changed since you read it (version {version}, now {}); reload it",
                    row.version
                ),
                details: Some(json!({"current_version": row.version})),
            });
        }
        let before = row.status;
        let postponed_from = crate::store::decoded_optional(
            row.postponed_from.as_deref(),
            WorkOrderStatus::parse,
            "postponed from",
            &row.id,
        )?;
        let next = next_status(before, action, postponed_from).map_err(|e| AppError::Conflict {
            code: "invalid_transition",
            message: format!(
                "`{}` is not possible while the order is {}",
                action.as_str(),
                before.as_str()
            ),
            details: Some(json!({"current": e.current, "allowed": e.allowed})),
        })?;
        let mut payload = json!({"from": before, "to": next});
        let visit_before = live.clone();
        apply(
            conn,
            actor,
            &mut row,
            live,
            request,
            before,
            at,
            &mut payload,
        )?;
        row.status = next;
        row.updated_at = at;
        super::reservations::follow(conn, actor, &row, at)?;
        work_orders::save_versioned(conn, &mut row, version)?;
        event(
            conn,
            actor,
            &row.customer_id,
            "work_order",
            &row.id,
            action.as_str(),
            payload,
        )?;
        tell_customer(conn, outbox, actor, &row, action, visit_before, eta_minutes)?;
        detail(conn, row)
    })
}

/// Writes the customer's message about what the action did, in its transaction.
fn tell_customer(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    row: &WorkOrderRow,
    action: Action,
    visit_before: Option<VisitRow>,
    eta_minutes: Option<u32>,
) -> Result<(), AppError> {
    let m = &actor.messaging;
    match action {
        Action::Schedule | Action::Reschedule => {
            if let Some(visit) = visits::live_for_order(conn, &row.id)? {
                let (event, key) = if action == Action::Schedule {
                    (
                        NoticeEvent::VisitScheduled,
                        format!("visit_scheduled:{}", visit.id),
                    )
                } else {
                    (
                        NoticeEvent::VisitRescheduled,
                        format!("visit_rescheduled:{}:{}", visit.id, row.version),
                    )
                };
                notices::about_visit(conn, outbox, m, event, row, &visit, key)?;
            }
        }
        Action::Unschedule | Action::Cancel | Action::Postpone => {
            if let Some(visit) = visit_before {
                let key = format!("visit_cancelled:{}", visit.id);
                notices::about_visit(
                    conn,
                    outbox,
                    m,
                    NoticeEvent::VisitCancelled,
                    row,
                    &visit,
                    key,
                )?;
            }
        }
        // A customer who sent their own order to scheduling is choosing already.
        Action::SendToScheduling if m.invite_to_choose && !actor.by_customer() => {
            let customer = crate::store::records::get::<crate::store::customers::Customers>(
                conn,
                &row.customer_id,
            )?;
            if m.invite_segments.is_empty() || m.invite_segments.contains(&customer.fields.segment)
            {
                super::self_scheduling::invite(conn, outbox, m, row, "first")?;
            }
        }
        Action::StartTravel => {
            if let Some(visit) = visits::live_for_order(conn, &row.id)? {
                notices::on_the_way(conn, outbox, m, row, &visit, eta_minutes)?;
            }
        }
        Action::Certify => {
            let finished = visits::last_finished(conn, &row.id)?;
            let certificate = super::certificates::issue(conn, actor, row, finished.as_ref())?;
            notices::certified(conn, outbox, m, row, finished.as_ref(), Some(&certificate))?;
        }
        _ => {}
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &mut WorkOrderRow,
    live: Option<VisitRow>,
    request: Request,
    before: WorkOrderStatus,
    at: NaiveDateTime,
    payload: &mut Value,
) -> Result<(), AppError> {
    match request {
        Request::Agree(b) => agree(conn, row, b, payload)?,
        Request::SendToScheduling(_) | Request::Reopen(_) => {
            row.postponed_until = None;
            row.postponed_from = None;
        }
        Request::Schedule(b) => {
            let visit = book(conn, row, None, &b, at)?;
            payload["visit_id"] = json!(visit.id);
            payload["engineer_id"] = json!(visit.engineer_id);
            payload["window"] = json!([b.start, b.end]);
            visits::insert(conn, &visit)?;
            row.status_reason = None;
        }
        Request::Reschedule(b) => {
            let current =
                live.ok_or_else(|| AppError::internal("scheduled order without a live visit"))?;
            let visit = book(conn, row, Some(current), &b, at)?;
            payload["visit_id"] = json!(visit.id);
            payload["engineer_id"] = json!(visit.engineer_id);
            payload["window"] = json!([b.start, b.end]);
            visits::save(conn, &visit)?;
        }
        Request::Unschedule(b) => {
            let reason = text::optional("reason", b.reason.as_deref(), NOTE)?;
            release(conn, live, at)?;
            payload["reason"] = json!(reason);
            row.status_reason = reason;
        }
        Request::StartTravel(_) => progress(conn, live, VisitStatus::EnRoute, at)?,
        Request::Arrive(_) => progress(conn, live, VisitStatus::OnSite, at)?,
        Request::Finish(b) => {
            let mut visit = live.ok_or_else(|| AppError::internal("no live visit"))?;
            let lines = match b.lines_done {
                Some(lines) => lines,
                None => row.scope()?,
            };
            let lines = super::parts::price_scope(conn, "lines_done", lines, &row.currency, true)?;
            let (lines, _) = check_scope("lines_done", &lines)?;
            visit.lines_done = serde_json::to_string(&lines)?;
            let used = check_parts("parts_used", &b.parts_used)?;
            let used = super::parts_used::issue(conn, actor, row, &visit, used, at)?;
            visit.parts_used = serde_json::to_string(&used)?;
            visit.result_notes = text::optional("result_notes", b.result_notes.as_deref(), NOTE)?;
            visit.recommendations =
                text::optional("recommendations", b.recommendations.as_deref(), NOTE)?;
            visit.customer_comment =
                text::optional("customer_comment", b.customer_comment.as_deref(), NOTE)?;
            if let Some(r) = b.customer_rating {
                if !(1..=5).contains(&r) {
                    return Err(AppError::invalid("customer_rating", "must be 1 to 5"));
                }
            }
            visit.customer_rating = b.customer_rating;
            let outcome = if b.needs_follow_up {
                Outcome::NeedsFollowUp
            } else {
                Outcome::Done
            };
            finish_visit(conn, &mut visit, outcome, at)?;
            payload["outcome"] = json!(outcome);
            payload["visit_id"] = json!(visit.id);
        }
        Request::NoAccess(b) => {
            let reason = text::required("reason", b.reason.as_deref().unwrap_or(""), NOTE)?;
            let mut visit = live.ok_or_else(|| AppError::internal("no live visit"))?;
            visit.result_notes = Some(reason.clone());
            finish_visit(conn, &mut visit, Outcome::NoAccess, at)?;
            payload["reason"] = json!(reason);
            payload["visit_id"] = json!(visit.id);
            row.status_reason = Some(format!("no access: {reason}"));
        }
        Request::Certify(b) => {
            let summary = text::required("summary", &b.summary, NOTE)?;
            if let Some(lines) = b.lines_done {
                let lines =
                    super::parts::price_scope(conn, "lines_done", lines, &row.currency, true)?;
                let (lines, _) = check_scope("lines_done", &lines)?;
                if let Some(mut visit) = visits::last_finished(conn, &row.id)? {
                    visit.lines_done = serde_json::to_string(&lines)?;
                    visit.updated_at = at;
                    visits::save(conn, &visit)?;
                }
            }
            payload["summary"] = json!(summary);
            row.completion_summary = Some(summary);
        }
        Request::Close(b) => {
            let next_step = text::required("next_step", &b.next_step, NOTE)?;
            honour_ids(
                conn,
                row,
                &b.honoured_agreement_ids,
                "honoured_agreement_ids",
            )?;
            if let Some(due) = b.follow_up_on {
                check_day("follow_up_on", due, actor.today(), Span::Ahead)?;
                let mut reminder = ReminderRow::new(
                    &row.customer_id,
                    ReminderKind::FollowUp,
                    due,
                    Some(next_step.clone()),
                    Some(&actor.user_id),
                );
                reminder.work_order_id = Some(row.id.to_string());
                reminders::insert(conn, &reminder)?;
                event(
                    conn,
                    actor,
                    &row.customer_id,
                    "reminder",
                    &reminder.id,
                    "created",
                    json!({"kind": "follow_up", "due_on": due, "work_order_id": row.id}),
                )?;
                payload["follow_up_reminder_id"] = json!(reminder.id);
            }
            payload["next_step"] = json!(next_step);
            row.next_step = Some(next_step);
            // A service from a maintenance plan moves the plan on.
            if let Some(plan_id) = super::plans::plan_of(conn, row)? {
                let served_at = visits::last_finished(conn, &row.id)?
                    .and_then(|v| v.finished_at)
                    .unwrap_or(at);
                super::plans::completed(conn, actor, &plan_id, actor.today(), served_at)?;
                payload["plan_id"] = json!(plan_id);
            }
        }
        Request::Postpone(b) => {
            if b.until <= actor.today() {
                return Err(AppError::invalid("until", "must be a day after today"));
            }
            check_day("until", b.until, actor.today(), Span::Ahead)?;
            let reason = text::required("reason", &b.reason, NOTE)?;
            release(conn, live, at)?;
            payload["until"] = json!(b.until);
            payload["reason"] = json!(reason);
            row.postponed_until = Some(b.until);
            row.postponed_from = Some(before.as_str().to_owned());
            row.status_reason = Some(reason);
        }
        Request::Cancel(b) => {
            let reason = text::required("reason", b.reason.as_deref().unwrap_or(""), NOTE)?;
            release(conn, live, at)?;
            payload["reason"] = json!(reason);
            row.status_reason = Some(reason);
        }
    }
    Ok(())
}

fn agree(
    conn: &mut DbConnection,
    row: &mut WorkOrderRow,
    b: bodies::Agree,
    payload: &mut Value,
) -> Result<(), AppError> {
    if let Some(lines) = b.scope_lines.clone() {
        let lines = super::parts::price_scope(conn, "scope_lines", lines, &row.currency, false)?;
        let (lines, total) = check_scope("scope_lines", &lines)?;
        row.scope_lines = serde_json::to_string(&lines)?;
        row.total = total;
    }
    if row.scope()?.is_empty() {
        return Err(AppError::invalid(
            "scope_lines",
            "agree the scope and price: at least one line",
        ));
    }
    if b.estimated_minutes.is_some() {
        row.estimated_minutes = check_minutes("estimated_minutes", b.estimated_minutes)?;
    }
    if let Some(p) = b.priority {
        row.priority = p;
    }
    if let Some(skills) = &b.required_skills {
        row.required_skills = serde_json::to_string(&check_skills("required_skills", skills)?)?;
    }
    if b.engineer_notes.is_some() {
        row.engineer_notes = text::optional("engineer_notes", b.engineer_notes.as_deref(), NOTE)?;
    }
    if b.time_wishes.is_some() {
        row.time_wishes = text::optional("time_wishes", b.time_wishes.as_deref(), text::LINE)?;
    }
    if let Some(windows) = &b.time_windows {
        let windows = crate::core::route::check_time_windows("time_windows", windows)?;
        row.time_windows = serde_json::to_string(&windows)?;
    }
    payload["scope_lines"] = serde_json::from_str(&row.scope_lines)?;
    payload["total"] = json!(row.total);
    payload["currency"] = json!(row.currency);
    let agreement_ids = b.honoured_agreement_ids;
    honour_ids(conn, row, &agreement_ids, "honoured_agreement_ids")?;
    if !agreement_ids.is_empty() {
        payload["honoured_agreement_ids"] = json!(agreement_ids);
    }
    Ok(())
}

/// Marks the customer's agreements kept by this order; another customer's is refused.
fn honour_ids(
    conn: &mut DbConnection,
    row: &WorkOrderRow,
    agreement_ids: &[String],
    field: &str,
) -> Result<(), AppError> {
    for (i, raw) in agreement_ids.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let id = ids::parse_id(raw).ok_or_else(|| AppError::invalid(&at, "is not a valid id"))?;
        match agreements::find(conn, &id)? {
            Some(a) if a.customer_id == row.customer_id => agreements::honour(conn, &id, &row.id)?,
            _ => return Err(AppError::invalid(at, "no such agreement of this customer")),
        }
    }
    Ok(())
}

/// Checks a booking and returns the visit to store (new, or `current` moved).
fn book(
    conn: &mut DbConnection,
    row: &WorkOrderRow,
    current: Option<VisitRow>,
    b: &bodies::Schedule,
    at: NaiveDateTime,
) -> Result<VisitRow, AppError> {
    check_visit_start("start", b.start, crate::store::utc(at))?;
    check_window(b.start, b.end)?;
    let engineer_id: UserId = ids::typed(&b.engineer_id, "engineer_id")?;
    let engineer = match users::find(conn, &engineer_id)? {
        Some(u) if u.active && u.roles()?.contains(&Role::Engineer) => u,
        _ => {
            return Err(AppError::invalid(
                "engineer_id",
                "is not an active engineer",
            ))
        }
    };
    let contact_id = match &b.on_site_contact_id {
        None => None,
        Some(raw) => {
            let id = ids::parse_id(raw)
                .ok_or_else(|| AppError::invalid("on_site_contact_id", "is not a valid id"))?;
            let contact = crate::store::records::get_text::<contacts::Contacts>(conn, &id)
                .map_err(|_| AppError::invalid("on_site_contact_id", "no such contact"))?;
            if contact.fields.customer_id != row.customer_id {
                return Err(AppError::invalid(
                    "on_site_contact_id",
                    "is a contact of another customer",
                ));
            }
            Some(id)
        }
    };
    let (start, end) = (b.start.naive_utc(), b.end.naive_utc());
    visits::lock_engineer(conn, &engineer_id)?;
    if !b.force {
        let except = current.as_ref().map(|v| v.id.as_str());
        if let Some(other) = visits::clash(conn, &engineer_id, start, end, except)? {
            return Err(AppError::Conflict {
                code: "engineer_busy",
                message: format!("{} has another visit at that time", engineer.name),
                details: Some(json!({
                    "visit_id": other.id,
                    "work_order_id": other.work_order_id,
                    "planned_start": crate::store::utc(other.planned_start),
                    "planned_end": crate::store::utc(other.planned_end),
                })),
            });
        }
    }
    let rebooking = current.is_some();
    let mut visit = current.unwrap_or_else(|| VisitRow {
        id: VisitId::new(),
        work_order_id: row.id.clone(),
        engineer_id: engineer_id.clone(),
        planned_start: start,
        planned_end: end,
        on_site_contact_id: None,
        status: VisitStatus::Booked,
        travel_started_at: None,
        arrived_at: None,
        finished_at: None,
        outcome: None,
        result_notes: None,
        lines_done: "[]".into(),
        parts_used: "[]".into(),
        created_at: at,
        updated_at: at,
        customer_response: None,
        customer_response_note: None,
        customer_responded_at: None,
        recommendations: None,
        customer_rating: None,
        customer_comment: None,
        booking_version: 1,
    });
    if rebooking {
        // Links sent for the earlier booking now say the visit has moved.
        visit.booking_version += 1;
    }
    if (visit.planned_start, visit.planned_end) != (start, end) {
        // A new time needs a new answer from the customer.
        visit.customer_response = None;
        visit.customer_response_note = None;
        visit.customer_responded_at = None;
    }
    visit.engineer_id = engineer_id;
    visit.planned_start = start;
    visit.planned_end = end;
    visit.on_site_contact_id = contact_id;
    visit.updated_at = at;
    Ok(visit)
}

/// Cancels the live visit, if any, freeing the engineer's time.
fn release(
    conn: &mut DbConnection,
    live: Option<VisitRow>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    if let Some(mut visit) = live {
        visit.status = VisitStatus::Cancelled;
        visit.updated_at = at;
        visits::save(conn, &visit)?;
    }
    Ok(())
}

/// Moves the live visit on: on the way, then on site.
fn progress(
    conn: &mut DbConnection,
    live: Option<VisitRow>,
    to: VisitStatus,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let mut visit = live.ok_or_else(|| AppError::internal("no live visit"))?;
    match to {
        VisitStatus::EnRoute => visit.travel_started_at = Some(at),
        VisitStatus::OnSite => visit.arrived_at = Some(at),
        _ => {}
    }
    visit.status = to;
    visit.updated_at = at;
    visits::save(conn, &visit)
}

fn finish_visit(
    conn: &mut DbConnection,
    visit: &mut VisitRow,
    outcome: Outcome,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    visit.status = VisitStatus::Finished;
    visit.outcome = Some(outcome.as_str().to_owned());
    visit.finished_at = Some(at);
    visit.updated_at = at;
    visits::save(conn, visit)
}
