//! The customer chooses their own visit time from a signed link (`/c/{token}`):
//! the slots are the skilled engineers' free gaps over the next days, priced by
//! the driving each adds to that engineer's route (`core::slots`), with travel
//! times from the planner's model. Choosing books through the same `schedule`
//! (or `reschedule`) step as the office, so events, messages and the clash
//! check are the same; the customer may move or cancel up to a cut-off.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use serde_json::json;

use super::actions::{self, Request, Step};
use super::notices::{self, Draft, Messaging};
use super::planning::DEFAULT_VISIT_MINUTES;
use super::Actor;
use crate::config::Config;
use crate::core::calendar::day_bounds;
use crate::core::geo::GeoPoint;
use crate::core::ids::{TypedId, UserId, VisitId, WorkOrderId};
use crate::core::notice::{Locale, NoticeEvent};
use crate::core::route::EngineerProfile;
use crate::core::slots::{self, EngineerDay, SelfScheduling, Slot, Stop};
use crate::core::work_order::{scope_summary, WorkOrderStatus};
use crate::error::AppError;
use crate::flow::bodies;
use crate::routing::travel::{Times, TravelModel};
use crate::store::db::Db;
use crate::store::db::Outbox;
use crate::store::visits::{self, VisitRow};
use crate::store::work_orders::{self, OrderPlace, WorkOrderRow};
use crate::store::{contacts, engineers, notifications, now, utc, DbConnection};
use std::sync::Arc;

/// How long a "choose a time" link opens the order.
const LINK_DAYS: i64 = 30;
/// Slots start on the half hour.
const STEP_SECONDS: i64 = 30 * 60;
/// Slots offered on one day are at least this far apart.
const SPACING_SECONDS: i64 = 90 * 60;

fn not_found() -> AppError {
    AppError::NotFound {
        entity: "work order",
    }
}

/// The customer's link to choose a time for an order.
pub fn link(m: &Messaging, order_id: &WorkOrderId, at: DateTime<Utc>) -> String {
    match m.link_key.sign(order_id, 0, at + Duration::days(LINK_DAYS)) {
        Some(token) => format!("{}/c/{token}", m.public_url),
        None => m.public_url.clone(),
    }
}

/// Queues "choose a time for your visit" for an order waiting in `scheduling`;
/// `round` tells one invitation from the next (the first, a reminder, the
/// office's resend), so each goes once.
pub fn invite(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    order: &WorkOrderRow,
    round: &str,
) -> Result<bool, AppError> {
    let people = contacts::active_of_customers(conn, &[order.customer_id.to_string()])?;
    let name = crate::store::customers::names(conn, &[order.customer_id.to_string()])?
        .remove(order.customer_id.as_str())
        .unwrap_or_default();
    let address = crate::store::sites::address(conn, &order.site_id)?.unwrap_or_default();
    notices::queue(
        conn,
        outbox,
        m,
        Draft {
            event: NoticeEvent::ChooseTime,
            dedupe_key: format!("choose_time:{}:{round}", order.id),
            customer_id: &order.customer_id,
            work_order_id: Some(&order.id),
            visit_id: None,
            first_contact: None,
            values: vec![
                ("service", service(order)?),
                ("address", address),
                ("link", link(m, &order.id, Utc::now())),
            ],
            dates: vec![],
            attachments: vec![],
            outreach: None,
        },
        &name,
        people,
        now(),
    )
}

fn service(order: &WorkOrderRow) -> Result<String, AppError> {
    let summary = scope_summary(&order.scope()?);
    Ok(if summary.is_empty() {
        order.kind.as_str().replace('_', " ")
    } else {
        summary
    })
}

/// Everything a slot search reads, at one moment.
pub struct Board {
    pub order: WorkOrderRow,
    pub place: OrderPlace,
    /// Index 0 is the order's site; then each engineer's start and end, then booked visits.
    pub points: Vec<GeoPoint>,
    pub days: Vec<NaiveDate>,
    pub crews: Vec<Crew>,
    pub visit: slots::Visit,
}

/// A skilled engineer and their booked visits in the period.
pub struct Crew {
    pub id: UserId,
    pub name: String,
    pub profile: EngineerProfile,
    home: usize,
    end_home: usize,
    /// Booked visits (not this order's own) with their place index.
    booked: Vec<(VisitId, Stop)>,
}

/// Reads the order, the skilled engineers and their booked visits over the
/// days to search: `only` narrows it to one engineer's one day (to book).
pub fn gather(
    conn: &mut DbConnection,
    config: &Config,
    order: WorkOrderRow,
    only: Option<(&UserId, NaiveDate)>,
) -> Result<Option<Board>, AppError> {
    let tz = config.timezone;
    let place = work_orders::places(conn, Some(&[order.id.to_string()]), 1)?
        .pop()
        .ok_or_else(not_found)?;
    let Some(site) = GeoPoint::parse_pair(place.latitude, place.longitude)
        .ok()
        .flatten()
    else {
        // No coordinates: no driving to price; the office books it by phone.
        return Ok(None);
    };
    let today = Utc::now().with_timezone(&tz).date_naive();
    let days: Vec<NaiveDate> = match only {
        Some((_, day)) => vec![day],
        None => (0..config.self_scheduling.days)
            .filter_map(|d| today.checked_add_days(Days::new(d.into())))
            .collect(),
    };
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(None);
    };
    let (from, to) = (day_bounds(*first, tz).0, day_bounds(*last, tz).1);
    let skills = crate::store::json_list(&order.required_skills, "skills", &order.id)?;
    let mut points = vec![site];
    let mut crews = vec![];
    for (id, name, profile) in engineers::active(conn)? {
        let Some(profile) = profile else { continue };
        if only.is_some_and(|(e, _)| *e != id) || !skills.iter().all(|s| profile.skills.contains(s))
        {
            continue;
        }
        points.push(profile.start());
        points.push(profile.end());
        crews.push(Crew {
            home: points.len() - 2,
            end_home: points.len() - 1,
            id,
            name,
            profile,
            booked: vec![],
        });
    }
    let ids: Vec<UserId> = crews.iter().map(|c| c.id.clone()).collect();
    let live = visits::live_of_engineers_between(conn, &ids, from, to)?;
    let order_ids: Vec<String> = live.iter().map(|v| v.work_order_id.to_string()).collect();
    let places = work_orders::places(conn, Some(&order_ids), order_ids.len() as i64 + 1)?;
    for v in live.into_iter().filter(|v| v.work_order_id != order.id) {
        let Some(crew) = crews.iter_mut().find(|c| c.id == v.engineer_id) else {
            continue;
        };
        let point = places
            .iter()
            .find(|p| p.order.id == v.work_order_id)
            .and_then(|p| GeoPoint::parse_pair(p.latitude, p.longitude).ok().flatten())
            // A booked visit without coordinates: assume the engineer's start.
            .unwrap_or(points[crew.home]);
        points.push(point);
        crew.booked.push((
            v.id.clone(),
            Stop {
                place: points.len() - 1,
                start: utc(v.planned_start).timestamp(),
                end: utc(v.planned_end).timestamp(),
            },
        ));
    }
    let visit = slots::Visit {
        place: 0,
        duration: 60
            * order
                .estimated_minutes
                .map_or(DEFAULT_VISIT_MINUTES, i64::from),
        windows: order
            .windows()?
            .iter()
            .map(|w| (w.start.timestamp(), w.end.timestamp()))
            .collect(),
    };
    Ok(Some(Board {
        order,
        place,
        points,
        days,
        crews,
        visit,
    }))
}

impl Board {
    /// The engineer's working day as it stands, if they work it.
    fn day_of(&self, c: usize, d: usize, tz: chrono_tz::Tz) -> Option<EngineerDay> {
        let crew = &self.crews[c];
        let day = self.days[d];
        let (open, close) = crew.profile.shift_on(day, tz)?;
        let (open, close) = (open.timestamp(), close.timestamp());
        let stops: Vec<Stop> = crew
            .booked
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| s.end > open && s.start < close)
            .collect();
        Some(EngineerDay {
            engineer: c,
            day: d,
            shift: (open, close),
            lunch: crew
                .profile
                .break_on(day, tz)
                .map(|(e, l, m)| (e.timestamp(), l.timestamp(), m * 60)),
            home: crew.home,
            end_home: crew.end_home,
            stops,
            max_visits: crew.profile.max_visits,
        })
    }

    /// The best slots over the board's days.
    pub fn offer(&self, times: &Times, s: &SelfScheduling, tz: chrono_tz::Tz) -> Vec<Slot> {
        let search = slots::Search {
            not_before: (Utc::now() + Duration::hours(s.notice_hours.into())).timestamp(),
            step: STEP_SECONDS,
        };
        let travel = |a: usize, b: usize| times.seconds(a, b);
        let mut all = vec![];
        for d in 0..self.days.len() {
            for c in 0..self.crews.len() {
                if let Some(day) = self.day_of(c, d, tz) {
                    all.extend(slots::in_day(&day, &self.visit, search, &travel));
                }
            }
        }
        slots::best(all, s.per_day as usize, SPACING_SECONDS)
    }

    /// Whether the booked visits of the (one) engineer are still those read.
    fn same_visits(&self, now_live: &[VisitRow]) -> bool {
        let read: Vec<(&str, i64, i64)> = self
            .crews
            .iter()
            .flat_map(|c| c.booked.iter())
            .map(|(id, s)| (id.as_str(), s.start, s.end))
            .collect();
        let live: Vec<(&str, i64, i64)> = now_live
            .iter()
            .filter(|v| v.work_order_id != self.order.id)
            .map(|v| {
                (
                    v.id.as_str(),
                    utc(v.planned_start).timestamp(),
                    utc(v.planned_end).timestamp(),
                )
            })
            .collect();
        read == live
    }
}

/// Measures the board's travel times under the planner's model.
pub async fn measure(model: &TravelModel, board: &Board) -> Result<Times, AppError> {
    Times::measure(model, board.points.clone())
        .await
        .map_err(|e| AppError::Upstream(e.to_string()))
}

/// What the customer's page shows.
#[derive(Debug, Clone)]
pub struct ChoicePage {
    pub company: String,
    pub locale: Locale,
    pub timezone: chrono_tz::Tz,
    pub service: String,
    pub address: String,
    pub state: Choice,
}

/// Where the order stands for the customer.
#[derive(Debug, Clone)]
pub enum Choice {
    /// Waiting for a choice: the slots (none when nothing fits; then we call).
    Open(Vec<Offered>),
    /// Booked: when, with whom, whether it may still be moved or cancelled here,
    /// and the slots to move to.
    Booked {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        engineer: String,
        changeable: bool,
        by_customer: bool,
        slots: Vec<Offered>,
    },
    /// Under way, done or cancelled: nothing to choose.
    Closed(WorkOrderStatus),
}

/// A slot as the customer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offered {
    pub engineer_id: String,
    /// The engineer's first name only.
    pub engineer: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The order a token opens: 404 forged, 410 expired.
fn order_of(conn: &mut DbConnection, m: &Messaging, token: &str) -> Result<WorkOrderRow, AppError> {
    let signed = super::customer_link::verified(m, token, Utc::now(), "work order")?;
    let id = WorkOrderId::parse(&signed.id).ok_or_else(not_found)?;
    work_orders::find(conn, &id)?.ok_or_else(not_found)
}

fn first_name(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The page a token opens, with fresh slots.
pub async fn page(db: &Db, config: Arc<Config>, token: &str) -> Result<ChoicePage, AppError> {
    let (m, t) = (config.messaging.clone(), token.to_owned());
    let cfg = config.clone();
    // One unit of work reads all the page shows; travel is measured after it.
    let (order, locale, live, seen, board) = db
        .run(move |conn| {
            let order = order_of(conn, &m, &t)?;
            let locale = locale_of(conn, &m, &order)?;
            let live = visits::live_for_order(conn, &order.id)?;
            let engineer = match &live {
                Some(v) => crate::store::users::find(conn, &v.engineer_id)?
                    .map(|u| first_name(&u.name))
                    .unwrap_or_default(),
                None => String::new(),
            };
            let seen = Seen {
                engineer,
                by_customer: crate::store::events::last_action_by_customer(conn, &order.id)?,
                address: crate::store::sites::address(conn, &order.site_id)?.unwrap_or_default(),
            };
            let changeable = match (&live, order.status) {
                (_, WorkOrderStatus::Scheduling) => true,
                (Some(v), WorkOrderStatus::Scheduled) => {
                    utc(v.planned_start) - cutoff(&cfg) > Utc::now()
                }
                _ => false,
            };
            // Slots only where the customer may still choose.
            let board = if changeable {
                gather(conn, &cfg, order.clone(), None)?
            } else {
                None
            };
            Ok((order, locale, live, seen, board))
        })
        .await?;
    let offered = match &board {
        Some(b) => {
            let times = measure(&config.routing.travel, b).await?;
            b.offer(&times, &config.self_scheduling, config.timezone)
                .into_iter()
                .map(|s| Offered {
                    engineer_id: b.crews[s.engineer].id.to_string(),
                    engineer: first_name(&b.crews[s.engineer].name),
                    start: DateTime::from_timestamp(s.start, 0).unwrap_or_default(),
                    end: DateTime::from_timestamp(s.end, 0).unwrap_or_default(),
                })
                .collect()
        }
        None => vec![],
    };
    let Seen {
        engineer,
        by_customer,
        address,
    } = seen;
    // Moving to the time already booked is no move.
    let offered: Vec<Offered> = offered
        .into_iter()
        .filter(|s| {
            !live
                .as_ref()
                .is_some_and(|v| v.engineer_id == s.engineer_id && utc(v.planned_start) == s.start)
        })
        .collect();
    let state = match (order.status, live) {
        (WorkOrderStatus::Scheduling, _) => Choice::Open(offered),
        (WorkOrderStatus::Scheduled, Some(v)) => Choice::Booked {
            start: utc(v.planned_start),
            end: utc(v.planned_end),
            engineer,
            changeable: utc(v.planned_start) - cutoff(&config) > Utc::now(),
            by_customer,
            slots: offered,
        },
        (status, _) => Choice::Closed(status),
    };
    Ok(ChoicePage {
        company: config.messaging.company.clone(),
        locale,
        timezone: config.timezone,
        service: service(&order)?,
        address,
        state,
    })
}

/// What the page says of the booking besides the slots.
struct Seen {
    engineer: String,
    by_customer: bool,
    address: String,
}

/// How long before a visit the customer may still move or cancel it.
fn cutoff(config: &Config) -> Duration {
    Duration::hours(config.self_scheduling.cutoff_hours.into())
}

/// The customer's language: their first contact's that has one, else the company's.
fn locale_of(
    conn: &mut DbConnection,
    m: &Messaging,
    order: &WorkOrderRow,
) -> Result<Locale, AppError> {
    Ok(
        contacts::active_of_customers(conn, &[order.customer_id.to_string()])?
            .iter()
            .find_map(|(_, c)| c.locale)
            .unwrap_or(m.locale),
    )
}

fn slot_taken() -> AppError {
    AppError::Conflict {
        code: "slot_taken",
        message: "this time has just been taken; please choose another".into(),
        details: None,
    }
}

fn too_late() -> AppError {
    AppError::Conflict {
        code: "too_late_to_change",
        message: "the visit is too close to change here; please call us".into(),
        details: None,
    }
}

/// Books (or moves the visit to) the chosen slot, if it still fits: checked
/// again under the order's and the engineer's locks against the visits the
/// slot was measured with, so of two customers racing for one slot exactly one
/// gets it, and a slot the office has taken meanwhile is refused (409 `slot_taken`).
pub async fn choose(
    db: &Db,
    config: Arc<Config>,
    actor: Actor,
    token: &str,
    engineer_id: &str,
    start: DateTime<Utc>,
) -> Result<(), AppError> {
    let engineer_id: UserId = crate::core::ids::typed(engineer_id, "engineer_id")?;
    let tz = config.timezone;
    let day = start.with_timezone(&tz).date_naive();
    // Only a day the page could have offered: a forged form cannot reach past it.
    let today = Utc::now().with_timezone(&tz).date_naive();
    if day < today || (day - today).num_days() >= i64::from(config.self_scheduling.days) {
        return Err(slot_taken());
    }
    let (m, t, cfg, eng) = (
        config.messaging.clone(),
        token.to_owned(),
        config.clone(),
        engineer_id.clone(),
    );
    let board = db
        .run(move |conn| {
            let order = order_of(conn, &m, &t)?;
            check_changeable(conn, &cfg, &order)?;
            gather(conn, &cfg, order, Some((&eng, day)))
        })
        .await?
        .filter(|b| !b.crews.is_empty())
        .ok_or_else(slot_taken)?;
    let times = measure(&config.routing.travel, &board).await?;
    let end = start + Duration::seconds(board.visit.duration);
    let fits = board.day_of(0, 0, tz).is_some_and(|d| {
        slots::still_fits(
            &d,
            &board.visit,
            (start.timestamp(), end.timestamp()),
            (Utc::now() + Duration::hours(config.self_scheduling.notice_hours.into())).timestamp(),
            &|a, b| times.seconds(a, b),
        )
    });
    if !fits || start.timestamp() % STEP_SECONDS != 0 {
        return Err(slot_taken());
    }
    db.sending(move |conn, outbox| {
        crate::store::transaction(conn, |conn| {
            let order_id = board.order.id.clone();
            work_orders::lock(conn, &order_id)?;
            visits::lock_engineer(conn, &engineer_id)?;
            let order = work_orders::find(conn, &order_id)?.ok_or_else(not_found)?;
            if order.version != board.order.version {
                return Err(slot_taken());
            }
            let (from, to) = day_bounds(day, tz);
            let live: Vec<VisitRow> = visits::live_of_engineers_between(
                conn,
                std::slice::from_ref(&engineer_id),
                from,
                to,
            )?;
            if !board.same_visits(&live) {
                return Err(slot_taken());
            }
            let body = bodies::Schedule {
                version: Some(order.version),
                engineer_id: engineer_id.to_string(),
                start,
                end,
                on_site_contact_id: None,
                force: false,
            };
            let request = match order.status {
                WorkOrderStatus::Scheduled => Request::Reschedule(body),
                _ => Request::Schedule(body),
            };
            actions::act(
                conn,
                outbox,
                &actor,
                &order_id,
                Step::at_version(request, None),
            )
            .map_err(|e| match e {
                AppError::Conflict {
                    code: "engineer_busy",
                    ..
                } => slot_taken(),
                e => e,
            })?;
            Ok(())
        })
    })
    .await
}

/// Refuses a change to a booked visit closer than the cut-off, and an order
/// that is neither waiting nor booked.
fn check_changeable(
    conn: &mut DbConnection,
    config: &Config,
    order: &WorkOrderRow,
) -> Result<(), AppError> {
    match order.status {
        WorkOrderStatus::Scheduling => Ok(()),
        WorkOrderStatus::Scheduled => match visits::live_for_order(conn, &order.id)? {
            Some(v) if utc(v.planned_start) - cutoff(config) > Utc::now() => Ok(()),
            _ => Err(too_late()),
        },
        _ => Err(AppError::Conflict {
            code: "not_open_for_choice",
            message: "this visit can no longer be changed here; please call us".into(),
            details: None,
        }),
    }
}

/// The customer cancels their booked visit (up to the cut-off): the visit is
/// freed and the order waits for a new choice, on the same link.
pub async fn cancel(
    db: &Db,
    config: Arc<Config>,
    actor: Actor,
    token: &str,
) -> Result<(), AppError> {
    let t = token.to_owned();
    db.sending(move |conn, outbox| {
        crate::store::transaction(conn, |conn| {
            let order = order_of(conn, &config.messaging, &t)?;
            work_orders::lock(conn, &order.id)?;
            if order.status != WorkOrderStatus::Scheduled {
                return Err(AppError::Conflict {
                    code: "not_booked",
                    message: "there is no booked visit to cancel".into(),
                    details: None,
                });
            }
            check_changeable(conn, &config, &order)?;
            let request = Request::Unschedule(bodies::Reason {
                version: Some(order.version),
                reason: Some("cancelled by the customer".into()),
            });
            actions::act(
                conn,
                outbox,
                &actor,
                &order.id,
                Step::at_version(request, None),
            )?;
            Ok(())
        })
    })
    .await
}

/// Orders waiting for the customer's choice: in `scheduling`, with a "choose a
/// time" link sent. The office sees how many, and may remind or book itself.
pub fn waiting(conn: &mut DbConnection) -> Result<Vec<(WorkOrderId, DateTime<Utc>)>, AppError> {
    notifications::choice_invitations(conn)
}

/// Customers who have not chosen this long after their link are reminded.
pub const REMIND_AFTER_HOURS: i64 = 48;

/// Reminds, as of `at`, customers who were sent a link more than
/// [`REMIND_AFTER_HOURS`] before and chose nothing; once per order. Returns
/// how many were reminded.
pub fn remind_undecided(
    conn: &mut DbConnection,
    outbox: &Outbox,
    config: &Config,
    at: DateTime<Utc>,
) -> Result<usize, AppError> {
    let before = at - Duration::hours(REMIND_AFTER_HOURS);
    let mut reminded = 0;
    for (id, sent) in waiting(conn)? {
        if sent > before {
            continue;
        }
        let Some(order) = work_orders::find(conn, &id)? else {
            continue;
        };
        if invite(conn, outbox, &config.messaging, &order, "reminder")? {
            reminded += 1;
        }
    }
    Ok(reminded)
}

/// The office sends (or sends again) the link for an order waiting in
/// `scheduling`, whether or not the company invites every customer.
pub fn send_link(
    conn: &mut DbConnection,
    outbox: &Outbox,
    m: &Messaging,
    order_id: &WorkOrderId,
) -> Result<serde_json::Value, AppError> {
    let order = work_orders::find(conn, order_id)?.ok_or_else(not_found)?;
    if order.status != WorkOrderStatus::Scheduling {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            message: format!(
                "a customer chooses a time only while the order is scheduling, not {}",
                order.status.as_str()
            ),
            details: None,
        });
    }
    let round = format!("office:{}", Utc::now().timestamp_millis());
    let queued = invite(conn, outbox, m, &order, &round)?;
    Ok(json!({"queued": queued, "link": link(m, &order.id, Utc::now())}))
}
