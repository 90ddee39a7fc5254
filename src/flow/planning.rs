//! Planning days: gather what the planner needs, save its proposal, and accept it
//! (whole or per engineer) by booking every visit in one transaction.

use crate::core::ids::RoutePlanId;
use crate::store::db::Outbox;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::actions::{act, Request, Step};
use super::{bodies, Actor};
use crate::core::calendar::day_bounds;
use crate::core::geo::GeoPoint;
use crate::core::ids;
use crate::core::ids::{TypedId, VisitId};
use crate::core::visit::VisitStatus;
use crate::core::work_order::WorkOrderStatus;
use crate::error::AppError;
use crate::routing::planner::{self, Booked, Engineer, Input, Order, Plan, StopKind};
use crate::store::route_plans::{self, RoutePlanRow};
use crate::store::work_orders::{self, OrderPlace};
use crate::store::{engineers, now, transaction, utc, visits, DbConnection};

/// Minutes planned for an order without an estimate.
pub const DEFAULT_VISIT_MINUTES: i64 = 60;
/// Most orders one plan takes.
const MAX_ORDERS: i64 = 2000;

/// What to plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The first day, company time.
    pub date: NaiveDate,
    /// How many days from `date` (1 to 7).
    #[serde(default = "one")]
    pub days: u32,
    /// Engineers to plan for; every active engineer with a profile when absent.
    #[serde(default)]
    pub engineer_ids: Option<Vec<String>>,
    /// Orders to plan (each waiting for scheduling); all that wait when absent.
    #[serde(default)]
    pub work_order_ids: Option<Vec<String>>,
    /// Booked visits the planner may move; the others stay where they are.
    #[serde(default)]
    pub free_visit_ids: Vec<String>,
    /// The solver's time budget, 0.5 to 60 s; the company setting when absent.
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
}

fn one() -> u32 {
    1
}

crate::core::fields::text_enum! {
    /// Where a proposal stands.
    pub enum PlanStatus {
        Proposed => "proposed",
        PartlyAccepted => "partly_accepted",
        Accepted => "accepted",
    }
}

/// A saved proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutePlan {
    pub id: String,
    pub status: PlanStatus,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Engineers whose routes were booked.
    pub accepted_engineer_ids: Vec<String>,
    #[serde(flatten)]
    pub plan: Plan,
}

impl RoutePlanRow {
    fn into_view(self) -> Result<RoutePlan, AppError> {
        Ok(RoutePlan {
            status: crate::store::decoded(
                PlanStatus::parse(&self.status),
                "route plan status",
                &self.id,
                &self.status,
            )?,
            plan: serde_json::from_str(&self.proposal)?,
            accepted_engineer_ids: serde_json::from_str(&self.accepted_engineer_ids)?,
            id: self.id,
            first_day: self.first_day,
            last_day: self.last_day,
            created_by: self.created_by,
            created_at: utc(self.created_at),
        })
    }
}

fn point(lat: Option<f64>, lng: Option<f64>) -> Option<GeoPoint> {
    GeoPoint::parse_pair(lat, lng).ok().flatten()
}

fn id_list(field: &str, raw: &[String]) -> Result<Vec<String>, AppError> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            ids::parse_id(r)
                .ok_or_else(|| AppError::invalid(format!("{field}[{i}]"), "is not a valid id"))
        })
        .collect()
}

fn to_order(p: OrderPlace, visit_id: Option<String>) -> Result<Order, AppError> {
    let o = &p.order;
    Ok(Order {
        id: o.id.to_string(),
        version: o.version,
        customer_name: p.customer_name.clone(),
        address: p.address.clone(),
        point: point(p.latitude, p.longitude),
        minutes: o.estimated_minutes.map_or(DEFAULT_VISIT_MINUTES, i64::from),
        skills: crate::store::json_list(&o.required_skills, "skills", &o.id)?,
        priority: o.priority,
        windows: o.windows()?,
        visit_id,
    })
}

/// Reads everything the plan is made from, checking the request on the way.
pub fn gather(conn: &mut DbConnection, actor: &Actor, r: &PlanRequest) -> Result<Input, AppError> {
    if r.date < actor.today() {
        return Err(AppError::invalid("date", "is in the past"));
    }
    if !(1..=7).contains(&r.days) {
        return Err(AppError::invalid("days", "must be 1 to 7"));
    }
    if let Some(s) = r.time_limit_seconds {
        if !(0.5..=60.0).contains(&s) {
            return Err(AppError::invalid("time_limit_seconds", "must be 0.5 to 60"));
        }
    }
    let days: Vec<NaiveDate> = (0..r.days)
        .filter_map(|d| r.date.checked_add_days(Days::new(d.into())))
        .collect();
    let (from, _) = day_bounds(days[0], actor.timezone);
    let (_, to) = day_bounds(days[days.len() - 1], actor.timezone);

    let mut engineers: Vec<Engineer> = engineers::active(conn)?
        .into_iter()
        .filter_map(|(id, name, profile)| {
            profile.map(|profile| Engineer {
                id: id.into_string(),
                name,
                profile,
            })
        })
        .collect();
    if let Some(raw) = &r.engineer_ids {
        let wanted = id_list("engineer_ids", raw)?;
        for (i, id) in wanted.iter().enumerate() {
            if !engineers.iter().any(|e| &e.id == id) {
                return Err(AppError::invalid(
                    format!("engineer_ids[{i}]"),
                    "is not an active engineer with a planning profile",
                ));
            }
        }
        engineers.retain(|e| wanted.contains(&e.id));
    }
    if engineers.is_empty() {
        return Err(AppError::invalid(
            "engineer_ids",
            "no active engineer has a planning profile: set one at /engineers/{id}/profile",
        ));
    }

    let freed = id_list("free_visit_ids", &r.free_visit_ids)?;
    let mut orders = vec![];
    for (i, id) in freed.iter().enumerate() {
        let field = format!("free_visit_ids[{i}]");
        let visit = VisitId::parse(id)
            .map(|id| visits::find(conn, &id))
            .transpose()?
            .flatten()
            .filter(|v| {
                v.status == VisitStatus::Booked && v.planned_start >= from && v.planned_start < to
            })
            .ok_or_else(|| AppError::invalid(&field, "is not a booked visit on these days"))?;
        let place = work_orders::places(conn, Some(&[visit.work_order_id.to_string()]), 1)?
            .pop()
            .ok_or_else(|| AppError::invalid(&field, "its order is gone"))?;
        orders.push(to_order(place, Some(visit.id.to_string()))?);
    }
    let waiting = match &r.work_order_ids {
        Some(raw) => {
            let wanted = id_list("work_order_ids", raw)?;
            let found = work_orders::places(conn, Some(&wanted), MAX_ORDERS)?;
            for (i, id) in wanted.iter().enumerate() {
                let ok = found
                    .iter()
                    .any(|p| &p.order.id == id && p.order.status == WorkOrderStatus::Scheduling);
                if !ok {
                    return Err(AppError::invalid(
                        format!("work_order_ids[{i}]"),
                        "is not an order waiting for scheduling",
                    ));
                }
            }
            found
        }
        None => work_orders::places(conn, None, MAX_ORDERS)?,
    };
    for p in waiting {
        orders.push(to_order(p, None)?);
    }

    let mut booked = vec![];
    for e in &engineers {
        let rows =
            visits::for_engineer_between(conn, &ids::typed(&e.id, "engineer_id")?, from, to)?;
        let live: Vec<_> = rows
            .into_iter()
            .filter(|v| v.status.is_live())
            .filter(|v| !freed.iter().any(|f| v.id == *f))
            .collect();
        let order_ids: Vec<String> = live.iter().map(|v| v.work_order_id.to_string()).collect();
        let places = work_orders::places(conn, Some(&order_ids), MAX_ORDERS)?;
        for v in live {
            let Some(p) = places.iter().find(|p| p.order.id == v.work_order_id) else {
                continue;
            };
            booked.push(Booked {
                visit_id: v.id.to_string(),
                order_id: v.work_order_id.to_string(),
                engineer_id: e.id.clone(),
                customer_name: p.customer_name.clone(),
                address: p.address.clone(),
                point: point(p.latitude, p.longitude),
                start: utc(v.planned_start),
                end: utc(v.planned_end),
            });
        }
    }
    Ok(Input {
        days,
        tz: actor.timezone,
        engineers,
        orders,
        booked,
    })
}

/// Saves a proposal as made for `days` (those of its input, in order).
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    days: &[NaiveDate],
    plan: Plan,
) -> Result<RoutePlan, AppError> {
    let (Some(first_day), Some(last_day)) = (days.first(), days.last()) else {
        return Err(AppError::internal("a plan without days"));
    };
    let at = now();
    let row = RoutePlanRow {
        id: ids::new_id(),
        created_by: actor.user_id.to_string(),
        first_day: *first_day,
        last_day: *last_day,
        status: PlanStatus::Proposed.as_str().to_owned(),
        proposal: serde_json::to_string(&plan)?,
        accepted_engineer_ids: "[]".into(),
        created_at: at,
        updated_at: at,
    };
    route_plans::insert(conn, &row)?;
    row.into_view()
}

fn not_found() -> AppError {
    AppError::NotFound {
        entity: "route plan",
    }
}

/// A saved proposal.
pub fn get(conn: &mut DbConnection, id: &RoutePlanId) -> Result<RoutePlan, AppError> {
    route_plans::find(conn, id)?
        .ok_or_else(not_found)?
        .into_view()
}

/// Which routes to accept.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// Accept only these engineers' routes; all not yet accepted when absent.
    #[serde(default)]
    pub engineer_ids: Option<Vec<String>>,
}

/// Books the chosen routes: every new visit scheduled and every freed one moved,
/// with their events and messages, all in one transaction or none.
pub fn accept(
    conn: &mut DbConnection,
    outbox: &Outbox,
    actor: &Actor,
    id: &RoutePlanId,
    r: AcceptRequest,
) -> Result<RoutePlan, AppError> {
    transaction(conn, |conn| {
        let mut row = route_plans::find(conn, id)?.ok_or_else(not_found)?;
        let read_accepted = row.accepted_engineer_ids.clone();
        let view = row.clone().into_view()?;
        let mut accepted = view.accepted_engineer_ids.clone();
        let in_plan: Vec<&str> = view
            .plan
            .routes
            .iter()
            .map(|r| r.engineer_id.as_str())
            .collect();
        let chosen: Vec<String> = match &r.engineer_ids {
            Some(raw) => {
                let wanted = id_list("engineer_ids", raw)?;
                for (i, e) in wanted.iter().enumerate() {
                    if !in_plan.contains(&e.as_str()) {
                        return Err(AppError::invalid(
                            format!("engineer_ids[{i}]"),
                            "has no route in this plan",
                        ));
                    }
                    if accepted.contains(e) {
                        return Err(AppError::Conflict {
                            code: "already_accepted",
                            message: "this engineer's route was already accepted".into(),
                            details: Some(json!({"engineer_id": e})),
                        });
                    }
                }
                wanted
            }
            None => in_plan
                .iter()
                .filter(|e| !accepted.iter().any(|a| a == *e))
                .map(|e| e.to_string())
                .collect(),
        };
        if chosen.is_empty() {
            return Err(AppError::Conflict {
                code: "already_accepted",
                message: "every route of this plan was already accepted".into(),
                details: None,
            });
        }
        for route in view
            .plan
            .routes
            .iter()
            .filter(|r| chosen.contains(&r.engineer_id))
        {
            for stop in &route.stops {
                let body = bodies::Schedule {
                    version: None,
                    engineer_id: route.engineer_id.clone(),
                    start: stop.start,
                    end: stop.end,
                    on_site_contact_id: None,
                    force: false,
                };
                let request = match stop.kind {
                    StopKind::Kept => continue,
                    StopKind::New => Request::Schedule(body),
                    StopKind::Moved => Request::Reschedule(body),
                };
                act(
                    conn,
                    outbox,
                    actor,
                    &ids::typed(&stop.work_order_id, "work_order_id")?,
                    Step::at_version(request, Some(stop.work_order_version)),
                )?;
            }
        }
        for e in chosen {
            if !accepted.contains(&e) {
                accepted.push(e);
            }
        }
        let all = in_plan.iter().all(|e| accepted.iter().any(|a| a == e));
        row.status = if all {
            PlanStatus::Accepted
        } else {
            PlanStatus::PartlyAccepted
        }
        .as_str()
        .to_owned();
        row.accepted_engineer_ids = serde_json::to_string(&accepted)?;
        row.updated_at = now();
        if !route_plans::save_accepted(conn, &row, &read_accepted)? {
            return Err(AppError::Conflict {
                code: "already_accepted",
                message: "someone accepted this plan meanwhile; reload it".into(),
                details: None,
            });
        }
        row.into_view()
    })
}

/// Plans in the background of a request: the solver runs on its own threads.
pub async fn solve(
    input: Input,
    matrix: crate::routing::solver::Matrix,
    limits: crate::routing::solver::Limits,
) -> Result<Plan, AppError> {
    actix_web::web::block(move || planner::plan(&input, matrix, limits))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
        .map_err(|e| AppError::internal(e.to_string()))
}
