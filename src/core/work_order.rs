//! Work orders: one job for one customer at one site, and the state machine that
//! carries it from the manager's call to the closed, certified job.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::role::Role;
use super::text::{self, LINE, NOTE};
use super::{ids, ValidationError};
use crate::core::fields::text_enum;
use crate::core::ids::{CustomerId, PartId, SiteId, WorkOrderId};
use crate::core::stock::Quantity;

text_enum! {
    /// Where a work order stands. See "The flow" in DESIGN.md.
    pub enum WorkOrderStatus {
        New => "new",
        Agreed => "agreed",
        Scheduling => "scheduling",
        Scheduled => "scheduled",
        EnRoute => "en_route",
        OnSite => "on_site",
        WorkDone => "work_done",
        Certified => "certified",
        Closed => "closed",
        Postponed => "postponed",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// What the job is: revenue and satisfaction are reported by kind.
    pub enum WorkOrderKind {
        Service => "service",
        Installation => "installation",
        Repair => "repair",
    }
}

/// The moments an order's life is measured by (the funnel and revenue read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    Agreed,
    Scheduled,
    Completed,
}

impl Milestone {
    /// Whether an order in `status` has passed the milestone. Postponed and
    /// cancelled orders keep what they reached before.
    pub fn reached_in(self, status: WorkOrderStatus) -> bool {
        let done = matches!(status, S::WorkDone | S::Certified | S::Closed);
        let scheduled = done || matches!(status, S::Scheduled | S::EnRoute | S::OnSite);
        match self {
            Milestone::Agreed => scheduled || matches!(status, S::Agreed | S::Scheduling),
            Milestone::Scheduled => scheduled,
            Milestone::Completed => done,
        }
    }
}

text_enum! {
    /// How soon the job must be done; the scheduling queue sorts by it.
    pub enum Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
}

impl Priority {
    /// Sort key: urgent first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::Urgent => 0,
            Priority::High => 1,
            Priority::Normal => 2,
            Priority::Low => 3,
        }
    }
}

text_enum! {
    /// Everything that can happen to a work order, each with its route
    /// `POST /work-orders/{id}/actions/{action}`.
    pub enum Action {
        Agree => "agree",
        SendToScheduling => "send-to-scheduling",
        Close => "close",
        Schedule => "schedule",
        Reschedule => "reschedule",
        Unschedule => "unschedule",
        Certify => "certify",
        StartTravel => "start-travel",
        Arrive => "arrive",
        Finish => "finish",
        NoAccess => "no-access",
        Postpone => "postpone",
        Cancel => "cancel",
        Reopen => "reopen",
    }
}

use WorkOrderStatus as S;

impl Action {
    /// The roles that may take the action (engineers only on their own visit).
    pub fn roles(self) -> &'static [Role] {
        const MANAGER: &[Role] = &[Role::Owner, Role::Manager];
        const ADMINISTRATOR: &[Role] = &[Role::Owner, Role::Administrator];
        const ENGINEER: &[Role] = &[Role::Engineer];
        const OFFICE: &[Role] = &[Role::Owner, Role::Manager, Role::Administrator];
        match self {
            Action::Agree | Action::SendToScheduling | Action::Close => MANAGER,
            Action::Schedule | Action::Reschedule | Action::Unschedule | Action::Certify => {
                ADMINISTRATOR
            }
            Action::StartTravel | Action::Arrive | Action::Finish | Action::NoAccess => ENGINEER,
            Action::Postpone | Action::Cancel | Action::Reopen => OFFICE,
        }
    }

    /// The states the action may be taken from.
    pub fn from_states(self) -> &'static [WorkOrderStatus] {
        match self {
            Action::Agree => &[S::New, S::Agreed],
            Action::SendToScheduling => &[S::Agreed],
            Action::Schedule => &[S::Scheduling],
            Action::Reschedule | Action::Unschedule => &[S::Scheduled],
            Action::StartTravel => &[S::Scheduled],
            Action::Arrive => &[S::EnRoute],
            Action::Finish => &[S::OnSite],
            Action::NoAccess => &[S::EnRoute, S::OnSite],
            Action::Certify => &[S::WorkDone],
            Action::Close => &[S::Certified],
            Action::Postpone => &[S::New, S::Agreed, S::Scheduling, S::Scheduled],
            Action::Cancel => &[S::New, S::Agreed, S::Scheduling, S::Scheduled, S::Postponed],
            Action::Reopen => &[S::Postponed],
        }
    }
}

/// An action refused in the current state: the answer says what is allowed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransition {
    pub current: WorkOrderStatus,
    pub action: Action,
    pub allowed: Vec<Action>,
}

/// The actions that may be taken in a state.
pub fn allowed_actions(status: WorkOrderStatus) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| a.from_states().contains(&status))
        .collect()
}

/// The state after `action`, or why it cannot be taken.
///
/// `postponed_from` is the state a postponed order left; reopening returns there,
/// except that a booked visit was released on postponement, so a scheduled order
/// comes back to scheduling.
pub fn next_status(
    current: WorkOrderStatus,
    action: Action,
    postponed_from: Option<WorkOrderStatus>,
) -> Result<WorkOrderStatus, InvalidTransition> {
    if !action.from_states().contains(&current) {
        return Err(InvalidTransition {
            current,
            action,
            allowed: allowed_actions(current),
        });
    }
    Ok(match action {
        Action::Agree => S::Agreed,
        Action::SendToScheduling | Action::Unschedule | Action::NoAccess => S::Scheduling,
        Action::Schedule | Action::Reschedule => S::Scheduled,
        Action::StartTravel => S::EnRoute,
        Action::Arrive => S::OnSite,
        Action::Finish => S::WorkDone,
        Action::Certify => S::Certified,
        Action::Close => S::Closed,
        Action::Postpone => S::Postponed,
        Action::Cancel => S::Cancelled,
        Action::Reopen => match postponed_from {
            Some(S::Scheduled) | None => S::Scheduling,
            Some(before) => before,
        },
    })
}

/// Whether an order in `status` holds the parts its scope names: from the
/// agreement until the visit is done; a postponed or cancelled order lets
/// them go for others.
pub fn holds_parts(status: WorkOrderStatus) -> bool {
    matches!(
        status,
        S::Agreed | S::Scheduling | S::Scheduled | S::EnRoute | S::OnSite
    )
}

/// Whether the order still needs work (for "open orders" on the card).
pub fn is_open(status: WorkOrderStatus) -> bool {
    !matches!(status, S::Closed | S::Cancelled)
}

/// One line of the scope: what is to be done, how much, at what unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeLine {
    pub description: String,
    /// Up to three decimals (1.5 hours of labour).
    pub quantity: f64,
    /// In minor units of the order's currency (kopiykas, cents); negative for a
    /// discount. May be left out on a line that names a part: the catalogue's
    /// price is taken.
    #[serde(default = "from_catalogue")]
    pub unit_price: i64,
    /// The catalogue part the line puts in (a cartridge set): agreeing the
    /// order reserves it, finishing the visit issues it from the van.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_id: Option<PartId>,
}

/// The price of a line sent without one, until the catalogue's is filled in.
/// Never stored: [`check_scope`] refuses it.
pub const FROM_CATALOGUE: i64 = i64::MIN;

fn from_catalogue() -> i64 {
    FROM_CATALOGUE
}

impl ScopeLine {
    /// A line of work without a part: labour, a call-out, a discount.
    pub fn work(description: impl Into<String>, quantity: f64, unit_price: i64) -> ScopeLine {
        ScopeLine {
            description: description.into(),
            quantity,
            unit_price,
            part_id: None,
        }
    }

    /// Whether the line waits for its part's price from the catalogue.
    pub fn unpriced(&self) -> bool {
        self.unit_price == FROM_CATALOGUE
    }
}

/// The parts the scope puts in, each once with its total quantity, in the
/// order they first appear: what agreeing the order reserves.
pub fn parts_wanted(lines: &[ScopeLine]) -> Vec<(PartId, Quantity)> {
    let mut out: Vec<(PartId, Quantity)> = vec![];
    for line in lines {
        let Some(part) = &line.part_id else { continue };
        let q = Quantity::of_checked(line.quantity);
        match out.iter_mut().find(|(p, _)| p == part) {
            Some((_, total)) => *total += q,
            None => out.push((part.clone(), q)),
        }
    }
    out
}

/// A line's total in minor units, rounded half away from zero.
pub fn line_total(line: &ScopeLine) -> Option<i64> {
    let milli = (line.quantity * 1000.0).round() as i64;
    let product = milli.checked_mul(line.unit_price)?;
    let rounded = if product >= 0 {
        product + 500
    } else {
        product - 500
    };
    Some(rounded / 1000)
}

/// Checks the scope lines and returns them with the order total.
pub fn check_scope(
    field: &str,
    lines: &[ScopeLine],
) -> Result<(Vec<ScopeLine>, i64), ValidationError> {
    if lines.len() > 100 {
        return Err(ValidationError::new(field, "must hold at most 100 lines"));
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut total: i64 = 0;
    for (i, line) in lines.iter().enumerate() {
        let at = |f: &str| format!("{field}[{i}].{f}");
        let description = text::required(&at("description"), &line.description, LINE)?;
        if !line.quantity.is_finite() || line.quantity <= 0.0 || line.quantity > 100_000.0 {
            return Err(ValidationError::new(
                at("quantity"),
                "must be above 0 and at most 100000",
            ));
        }
        if (line.quantity * 1000.0 - (line.quantity * 1000.0).round()).abs() > 1e-6 {
            return Err(ValidationError::new(
                at("quantity"),
                "may have at most three decimals",
            ));
        }
        if line.unpriced() {
            return Err(ValidationError::new(
                at("unit_price"),
                "is required on a line without a part",
            ));
        }
        if line.unit_price.abs() > 100_000_000_000 {
            return Err(ValidationError::new(at("unit_price"), "is out of range"));
        }
        if line.part_id.is_some() && line.unit_price < 0 {
            return Err(ValidationError::new(
                at("unit_price"),
                "a part is never priced below zero; give a discount on its own line",
            ));
        }
        let fixed = ScopeLine {
            description,
            quantity: line.quantity,
            unit_price: line.unit_price,
            part_id: line.part_id.clone(),
        };
        total = line_total(&fixed)
            .and_then(|t| total.checked_add(t))
            .ok_or_else(|| ValidationError::new(at("unit_price"), "the total is out of range"))?;
        out.push(fixed);
    }
    if total < 0 {
        return Err(ValidationError::new(
            field,
            "discounts may not exceed the price of the work",
        ));
    }
    Ok((out, total))
}

/// The scope in one line, for extracts and certificates: "Cartridge set; Labour".
pub fn scope_summary(lines: &[ScopeLine]) -> String {
    lines
        .iter()
        .map(|l| l.description.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Skills an order needs (and engineers hold): short lower-case words.
pub fn check_skills(field: &str, skills: &[String]) -> Result<Vec<String>, ValidationError> {
    text::tags(field, skills)
}

/// What a manager writes when opening an order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderDraft {
    pub customer_id: String,
    pub site_id: String,
    #[serde(default)]
    pub equipment_ids: Vec<String>,
    #[serde(default)]
    pub scope_lines: Vec<ScopeLine>,
    /// ISO 4217; the company's currency when absent.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub estimated_minutes: Option<i32>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// `service` when absent.
    #[serde(default)]
    pub kind: Option<WorkOrderKind>,
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// What the engineer should know before arriving.
    #[serde(default)]
    pub engineer_notes: Option<String>,
    /// The customer's wishes for the visit time, in words: "mornings, not Fridays".
    #[serde(default)]
    pub time_wishes: Option<String>,
    /// When the customer can have the visit; the day planner keeps to them.
    #[serde(default)]
    pub time_windows: Vec<super::route::TimeWindow>,
}

impl WorkOrderDraft {
    /// Checks every value; `currency` falls back to the company's.
    pub fn normalise(self, company_currency: &str) -> Result<WorkOrderDraft, ValidationError> {
        let (scope_lines, _) = check_scope("scope_lines", &self.scope_lines)?;
        let mut equipment_ids = Vec::new();
        for (i, e) in self.equipment_ids.iter().enumerate() {
            let id = ids::parse_id(e).ok_or_else(|| {
                ValidationError::new(format!("equipment_ids[{i}]"), "is not a valid id")
            })?;
            if !equipment_ids.contains(&id) {
                equipment_ids.push(id);
            }
        }
        Ok(WorkOrderDraft {
            customer_id: ids::parse_id(&self.customer_id)
                .ok_or_else(|| ValidationError::new("customer_id", "is not a valid id"))?,
            site_id: ids::parse_id(&self.site_id)
                .ok_or_else(|| ValidationError::new("site_id", "is not a valid id"))?,
            equipment_ids,
            scope_lines,
            currency: Some(order_currency(
                "currency",
                self.currency.as_deref(),
                company_currency,
            )?),
            estimated_minutes: check_minutes("estimated_minutes", self.estimated_minutes)?,
            priority: Some(self.priority.unwrap_or(Priority::Normal)),
            kind: Some(self.kind.unwrap_or(WorkOrderKind::Service)),
            required_skills: check_skills("required_skills", &self.required_skills)?,
            engineer_notes: text::optional("engineer_notes", self.engineer_notes.as_deref(), NOTE)?,
            time_wishes: text::optional("time_wishes", self.time_wishes.as_deref(), LINE)?,
            time_windows: super::route::check_time_windows("time_windows", &self.time_windows)?,
        })
    }
}

/// An order's currency: the company's, which it takes when none is given.
/// A company keeps its money in one currency, so that no total, lifetime
/// value or report ever adds two currencies together.
pub fn order_currency(
    field: &str,
    given: Option<&str>,
    company: &str,
) -> Result<String, ValidationError> {
    let code = check_currency(field, given.unwrap_or(company))?;
    if code != company {
        return Err(ValidationError::new(
            field,
            format!("must be the company's currency, {company}: figures never add two currencies"),
        ));
    }
    Ok(code)
}

/// An ISO 4217 code: three capital letters.
pub fn check_currency(field: &str, code: &str) -> Result<String, ValidationError> {
    let code = code.trim().to_uppercase();
    if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ValidationError::new(
            field,
            "must be an ISO 4217 code such as UAH or EUR",
        ));
    }
    Ok(code)
}

/// An estimated duration: 5 minutes to 7 days.
pub fn check_minutes(field: &str, minutes: Option<i32>) -> Result<Option<i32>, ValidationError> {
    match minutes {
        Some(m) if !(5..=7 * 24 * 60).contains(&m) => Err(ValidationError::new(
            field,
            "must be between 5 and 10080 minutes",
        )),
        other => Ok(other),
    }
}

/// A work order as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkOrder {
    pub id: WorkOrderId,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub equipment_ids: Vec<String>,
    pub status: WorkOrderStatus,
    pub priority: Priority,
    pub kind: WorkOrderKind,
    pub scope_lines: Vec<ScopeLine>,
    /// Sum of the lines, in minor units of `currency`.
    pub total: i64,
    pub currency: String,
    pub estimated_minutes: Option<i32>,
    pub required_skills: Vec<String>,
    pub engineer_notes: Option<String>,
    pub time_wishes: Option<String>,
    pub time_windows: Vec<super::route::TimeWindow>,
    /// The reminder this order was opened from, if any.
    pub reminder_id: Option<String>,
    /// Why it was postponed, cancelled, or came back from a visit without access.
    pub status_reason: Option<String>,
    pub postponed_until: Option<NaiveDate>,
    /// The administrator's completion record.
    pub completion_summary: Option<String>,
    /// The manager's note on what comes next, written at closing.
    pub next_step: Option<String>,
    /// Send this back with the next change (or as `If-Match`).
    pub version: i64,
    /// What may be done now.
    pub allowed_actions: Vec<Action>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_are_reached_along_the_flow_and_kept_when_postponed() {
        use Milestone::*;
        assert!(!Agreed.reached_in(S::New));
        assert!(Agreed.reached_in(S::Agreed) && !Scheduled.reached_in(S::Scheduling));
        assert!(Scheduled.reached_in(S::OnSite) && !Completed.reached_in(S::OnSite));
        assert!(Completed.reached_in(S::WorkDone) && Completed.reached_in(S::Closed));
        assert!(!Agreed.reached_in(S::Postponed) && !Completed.reached_in(S::Cancelled));
    }

    #[test]
    fn the_happy_path_runs_from_new_to_closed() {
        let path = [
            (Action::Agree, S::Agreed),
            (Action::SendToScheduling, S::Scheduling),
            (Action::Schedule, S::Scheduled),
            (Action::Reschedule, S::Scheduled),
            (Action::StartTravel, S::EnRoute),
            (Action::Arrive, S::OnSite),
            (Action::Finish, S::WorkDone),
            (Action::Certify, S::Certified),
            (Action::Close, S::Closed),
        ];
        let mut status = S::New;
        for (action, expected) in path {
            status = next_status(status, action, None).unwrap();
            assert_eq!(status, expected, "{action:?}");
        }
        assert!(allowed_actions(S::Closed).is_empty());
        assert!(allowed_actions(S::Cancelled).is_empty());
    }

    #[test]
    fn an_illegal_action_says_what_is_allowed() {
        let err = next_status(S::New, Action::Close, None).unwrap_err();
        assert_eq!(err.current, S::New);
        assert_eq!(
            err.allowed,
            vec![Action::Agree, Action::Postpone, Action::Cancel]
        );
    }

    #[test]
    fn every_action_is_refused_outside_its_states() {
        let all = [
            S::New,
            S::Agreed,
            S::Scheduling,
            S::Scheduled,
            S::EnRoute,
            S::OnSite,
            S::WorkDone,
            S::Certified,
            S::Closed,
            S::Postponed,
            S::Cancelled,
        ];
        for action in Action::ALL {
            for status in all {
                let ok = next_status(status, *action, None).is_ok();
                assert_eq!(
                    ok,
                    action.from_states().contains(&status),
                    "{action:?} from {status:?}"
                );
            }
        }
    }

    #[test]
    fn no_access_sends_the_order_back_and_reopen_returns() {
        assert_eq!(
            next_status(S::OnSite, Action::NoAccess, None).unwrap(),
            S::Scheduling
        );
        assert_eq!(
            next_status(S::Postponed, Action::Reopen, Some(S::Agreed)).unwrap(),
            S::Agreed
        );
        assert_eq!(
            next_status(S::Postponed, Action::Reopen, Some(S::Scheduled)).unwrap(),
            S::Scheduling
        );
    }

    #[test]
    fn roles_follow_the_design() {
        assert!(Action::Agree.roles().contains(&Role::Manager));
        assert!(!Action::Schedule.roles().contains(&Role::Manager));
        assert_eq!(Action::Finish.roles(), &[Role::Engineer]);
        assert!(Action::Cancel.roles().contains(&Role::Administrator));
    }

    #[test]
    fn totals_are_exact_in_minor_units() {
        let lines = vec![
            ScopeLine::work("Cartridge set", 2.0, 45_000),
            ScopeLine::work("Labour", 1.5, 33_333),
            ScopeLine::work("Promised discount", 1.0, -9_000),
        ];
        let (_, total) = check_scope("scope_lines", &lines).unwrap();
        assert_eq!(total, 90_000 + 50_000 - 9_000);
    }

    #[test]
    fn bad_lines_name_their_index() {
        let lines = vec![
            ScopeLine::work("ok", 1.0, 1),
            ScopeLine::work("bad", 0.0, 1),
        ];
        assert_eq!(
            check_scope("scope_lines", &lines).unwrap_err().field,
            "scope_lines[1].quantity"
        );
        let lines = vec![ScopeLine::work("x", 1.0, -5)];
        assert_eq!(
            check_scope("scope_lines", &lines).unwrap_err().field,
            "scope_lines"
        );
    }

    #[test]
    fn a_price_is_left_out_only_where_a_part_brings_one() {
        let mut line = ScopeLine::work("Labour", 1.0, FROM_CATALOGUE);
        assert_eq!(
            check_scope("scope_lines", &[line.clone()])
                .unwrap_err()
                .field,
            "scope_lines[0].unit_price"
        );
        line.part_id = Some(PartId::new());
        // Still unpriced: the flow fills the catalogue's price before checking.
        assert!(check_scope("scope_lines", &[line.clone()]).is_err());
        line.unit_price = -100;
        assert!(check_scope("scope_lines", &[line]).is_err());
    }

    #[test]
    fn the_parts_wanted_add_up_per_part() {
        let (a, b) = (PartId::new(), PartId::new());
        let with = |part: &PartId, q: f64| ScopeLine {
            part_id: Some(part.clone()),
            ..ScopeLine::work("x", q, 100)
        };
        let lines = [
            with(&a, 1.0),
            ScopeLine::work("Labour", 2.0, 500),
            with(&b, 0.5),
            with(&a, 2.0),
        ];
        assert_eq!(
            parts_wanted(&lines),
            vec![(a, Quantity::units(3)), (b, Quantity::from_milli(500))]
        );
    }
}
