//! Maintenance plans table: rows, and the batches the generation job walks.

use crate::core::ids::{CustomerId, EquipmentId, MeterId, PlanId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::maintenance_plans;
use super::{decoded, decoded_json, decoded_optional, json_list, utc, DbConnection};
use crate::core::plan::{MaintenancePlan, PlanFields, RecurrenceKind, UsageStanding};
use crate::core::recurrence::IntervalUnit;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = maintenance_plans, treat_none_as_null = true)]
pub struct PlanRow {
    pub id: PlanId,
    pub equipment_id: String,
    pub customer_id: CustomerId,
    pub service_kind: String,
    pub scope_lines: String,
    pub estimated_minutes: Option<i32>,
    pub required_skills: String,
    pub lead_days: i32,
    pub notify_customer: bool,
    pub active: bool,
    pub ends_on: Option<NaiveDate>,
    pub recurrence_kind: String,
    pub rrule: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub every: Option<i32>,
    pub unit: Option<String>,
    pub last_completed_on: Option<NaiveDate>,
    /// The next due date (its reminder may exist already).
    pub next_due_on: Option<NaiveDate>,
    /// When the next reminder must be made; none while waiting for a service, after the end, or paused.
    pub appear_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A plan by use: the meter it counts.
    pub meter_id: Option<MeterId>,
    pub every_units: Option<f64>,
    /// The meter's total at the last service, which the units count from.
    pub baseline_total: Option<f64>,
    /// The day the readings say the threshold is reached, and when that was worked out.
    pub forecast_on: Option<NaiveDate>,
    pub forecast_at: Option<NaiveDateTime>,
}

impl PlanRow {
    /// The editable fields as stored.
    pub fn fields(&self) -> Result<PlanFields, AppError> {
        Ok(PlanFields {
            service_kind: self.service_kind.clone(),
            scope_lines: decoded_json(&self.scope_lines, "scope lines", &self.id)?,
            estimated_minutes: self.estimated_minutes,
            required_skills: json_list(&self.required_skills, "skills", &self.id)?,
            lead_days: self.lead_days,
            notify_customer: self.notify_customer,
            active: self.active,
            ends_on: self.ends_on,
            recurrence: decoded(
                RecurrenceKind::parse(&self.recurrence_kind),
                "recurrence",
                &self.id,
                &self.recurrence_kind,
            )?,
            rrule: self.rrule.clone(),
            starts_on: self.starts_on,
            every: self.every,
            unit: decoded_optional(self.unit.as_deref(), IntervalUnit::parse, "unit", &self.id)?,
            meter_id: self.meter_id.clone(),
            every_units: self.every_units,
        })
    }

    /// Writes the fields into the row.
    pub fn set_fields(&mut self, f: &PlanFields) -> Result<(), AppError> {
        self.service_kind = f.service_kind.clone();
        self.scope_lines = serde_json::to_string(&f.scope_lines)?;
        self.estimated_minutes = f.estimated_minutes;
        self.required_skills = serde_json::to_string(&f.required_skills)?;
        self.lead_days = f.lead_days;
        self.notify_customer = f.notify_customer;
        self.active = f.active;
        self.ends_on = f.ends_on;
        self.recurrence_kind = f.recurrence.as_str().to_owned();
        self.rrule = f.rrule.clone();
        self.starts_on = f.starts_on;
        self.every = f.every;
        self.unit = f.unit.map(|u| u.as_str().to_owned());
        self.meter_id = f.meter_id.clone();
        self.every_units = f.every_units;
        Ok(())
    }

    /// The plan as the API shows it.
    pub fn into_view(self, preview: Vec<NaiveDate>) -> Result<MaintenancePlan, AppError> {
        let usage = match (self.every_units, self.meter_id.is_some()) {
            (Some(units), true) => {
                let baseline_total = self.baseline_total.unwrap_or(0.0);
                Some(UsageStanding {
                    baseline_total,
                    threshold_total: baseline_total + units,
                    forecast_on: self.forecast_on,
                })
            }
            _ => None,
        };
        Ok(MaintenancePlan {
            usage,
            fields: self.fields()?,
            id: self.id,
            equipment_id: self.equipment_id,
            customer_id: self.customer_id.into_string(),
            last_completed_on: self.last_completed_on,
            next_due_on: self.next_due_on,
            preview,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, row: &PlanRow) -> Result<(), AppError> {
    diesel::insert_into(maintenance_plans::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConnection, row: &PlanRow) -> Result<(), AppError> {
    diesel::update(maintenance_plans::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &PlanId) -> Result<Option<PlanRow>, AppError> {
    Ok(maintenance_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_equipment(
    conn: &mut DbConnection,
    equipment_id: &EquipmentId,
) -> Result<Vec<PlanRow>, AppError> {
    Ok(maintenance_plans::table
        .filter(maintenance_plans::equipment_id.eq(equipment_id))
        .order(maintenance_plans::id.asc())
        .limit(100)
        .select(PlanRow::as_select())
        .load(conn)?)
}

/// Active plans whose next reminder is due to appear by `today`, after `after_id`, in id order.
pub fn due_batch(
    conn: &mut DbConnection,
    today: NaiveDate,
    after_id: &str,
    limit: i64,
) -> Result<Vec<PlanRow>, AppError> {
    Ok(maintenance_plans::table
        .filter(maintenance_plans::appear_on.le(today))
        .filter(maintenance_plans::active.eq(true))
        .filter(maintenance_plans::id.gt(after_id))
        .order(maintenance_plans::id.asc())
        .limit(limit)
        .select(PlanRow::as_select())
        .load(conn)?)
}

/// Moves many plans to their new due dates in as few statements as the backend allows:
/// one `UPDATE … FROM (VALUES …)` per 1,000 plans on PostgreSQL (a round trip saved
/// per plan), one UPDATE per distinct pair of dates on SQLite (in process).
pub fn set_next_batch(
    conn: &mut DbConnection,
    moves: &[(PlanId, Option<NaiveDate>, Option<NaiveDate>)],
) -> Result<(), AppError> {
    use diesel::sql_types::{Date, Nullable, Text};
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in moves.chunks(1000) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| {
                        format!(
                            "(${}, ${}::date, ${}::date)",
                            3 * i + 1,
                            3 * i + 2,
                            3 * i + 3
                        )
                    })
                    .collect();
                let sql = format!(
                    "UPDATE maintenance_plans AS p SET next_due_on = v.next_due_on, appear_on = v.appear_on \
                     FROM (VALUES {}) AS v(id, next_due_on, appear_on) WHERE p.id = v.id",
                    values.join(", ")
                );
                let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
                for (id, next, appear) in chunk {
                    query = query
                        .bind::<Text, _>(id.clone())
                        .bind::<Nullable<Date>, _>(*next)
                        .bind::<Nullable<Date>, _>(*appear);
                }
                query.execute(pg)?;
            }
        }
        DbConnection::Sqlite(_) => {
            let mut groups: std::collections::BTreeMap<
                (Option<NaiveDate>, Option<NaiveDate>),
                Vec<PlanId>,
            > = Default::default();
            for (id, next, appear) in moves {
                groups.entry((*next, *appear)).or_default().push(id.clone());
            }
            for ((next, appear), ids) in groups {
                for chunk in ids.chunks(500) {
                    diesel::update(
                        maintenance_plans::table.filter(maintenance_plans::id.eq_any(chunk)),
                    )
                    .set((
                        maintenance_plans::next_due_on.eq(next),
                        maintenance_plans::appear_on.eq(appear),
                    ))
                    .execute(conn)?;
                }
            }
        }
    }
    Ok(())
}

/// The active plans counting a meter, for its new readings to move on.
pub fn on_meter(conn: &mut DbConnection, meter_id: &MeterId) -> Result<Vec<PlanRow>, AppError> {
    Ok(maintenance_plans::table
        .filter(maintenance_plans::meter_id.eq(meter_id.as_str()))
        .filter(maintenance_plans::active.eq(true))
        .order(maintenance_plans::id.asc())
        .limit(100)
        .select(PlanRow::as_select())
        .load(conn)?)
}

/// A customer's plans, for the customer card.
pub fn for_customer(
    conn: &mut DbConnection,
    customer_id: &CustomerId,
) -> Result<Vec<PlanRow>, AppError> {
    Ok(maintenance_plans::table
        .filter(maintenance_plans::customer_id.eq(customer_id))
        .order(maintenance_plans::id.asc())
        .limit(500)
        .select(PlanRow::as_select())
        .load(conn)?)
}
