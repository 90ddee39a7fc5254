//! Routes: when a customer can have the visit, an engineer's working day, why an
//! order could not be planned, and the checks of a day's route after a person
//! changed it (overlaps, shift overrun, missing skill, outside the window).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::geo::GeoPoint;
use super::work_order::check_skills;
use super::ValidationError;

/// When the customer can have the engineer on site: the visit starts and ends inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Checks an order's windows: each start before its end, at most 14, sorted.
pub fn check_time_windows(
    field: &str,
    windows: &[TimeWindow],
) -> Result<Vec<TimeWindow>, ValidationError> {
    if windows.len() > 14 {
        return Err(ValidationError::new(field, "at most 14 windows"));
    }
    for (i, w) in windows.iter().enumerate() {
        if w.end <= w.start {
            return Err(ValidationError::new(
                format!("{field}[{i}].end"),
                "must be after start",
            ));
        }
    }
    let mut sorted = windows.to_vec();
    sorted.sort_by_key(|w| w.start);
    Ok(sorted)
}

/// What the planner needs to know of an engineer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngineerProfile {
    #[serde(default)]
    pub skills: Vec<String>,
    /// ISO weekdays worked: 1 is Monday, 7 Sunday.
    #[serde(default = "weekdays")]
    pub work_days: Vec<u8>,
    /// Company time, `HH:MM`.
    #[schema(value_type = String, example = "08:00")]
    pub shift_start: NaiveTime,
    #[schema(value_type = String, example = "17:00")]
    pub shift_end: NaiveTime,
    /// The earliest start of the lunch break; none means no break.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "12:00")]
    pub break_start: Option<NaiveTime>,
    #[serde(default)]
    pub break_minutes: u32,
    /// Where the day starts: home or the depot.
    pub start_latitude: f64,
    pub start_longitude: f64,
    #[serde(default)]
    pub start_label: Option<String>,
    /// Where the day ends, when not where it started.
    #[serde(default)]
    pub end_latitude: Option<f64>,
    #[serde(default)]
    pub end_longitude: Option<f64>,
    /// Most visits in a day.
    #[serde(default)]
    pub max_visits: Option<u32>,
}

fn weekdays() -> Vec<u8> {
    vec![1, 2, 3, 4, 5]
}

/// How long the lunch break may slide after its earliest start.
pub const BREAK_SLACK_MINUTES: i64 = 90;

impl EngineerProfile {
    /// Checks every value; naming the field that is wrong.
    pub fn validate(mut self) -> Result<EngineerProfile, ValidationError> {
        self.skills = check_skills("skills", &self.skills)?;
        if self.work_days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(ValidationError::new(
                "work_days",
                "days are 1 (Monday) to 7 (Sunday)",
            ));
        }
        self.work_days.sort_unstable();
        self.work_days.dedup();
        if self.shift_end <= self.shift_start {
            return Err(ValidationError::new(
                "shift_end",
                "must be after shift_start",
            ));
        }
        if let Some(b) = self.break_start {
            if b < self.shift_start || b >= self.shift_end {
                return Err(ValidationError::new(
                    "break_start",
                    "must be inside the shift",
                ));
            }
            if !(5..=120).contains(&self.break_minutes) {
                return Err(ValidationError::new(
                    "break_minutes",
                    "must be 5 to 120 with a break_start",
                ));
            }
        } else {
            self.break_minutes = 0;
        }
        if self.max_visits == Some(0) || self.max_visits.is_some_and(|m| m > 100) {
            return Err(ValidationError::new("max_visits", "must be 1 to 100"));
        }
        GeoPoint::parse_pair(Some(self.start_latitude), Some(self.start_longitude))
            .map_err(|e| ValidationError::new(format!("start_{}", e.field), e.message))?;
        GeoPoint::parse_pair(self.end_latitude, self.end_longitude)
            .map_err(|e| ValidationError::new(format!("end_{}", e.field), e.message))?;
        self.start_label = super::text::optional(
            "start_label",
            self.start_label.as_deref(),
            super::text::LINE,
        )?;
        Ok(self)
    }

    pub fn start(&self) -> GeoPoint {
        GeoPoint {
            latitude: self.start_latitude,
            longitude: self.start_longitude,
        }
    }

    pub fn end(&self) -> GeoPoint {
        match (self.end_latitude, self.end_longitude) {
            (Some(latitude), Some(longitude)) => GeoPoint {
                latitude,
                longitude,
            },
            _ => self.start(),
        }
    }

    /// The shift on `day` in UTC, if the engineer works that day.
    pub fn shift_on(&self, day: NaiveDate, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let weekday = day.weekday().number_from_monday() as u8;
        if !self.work_days.contains(&weekday) {
            return None;
        }
        Some((
            local(day, self.shift_start, tz),
            local(day, self.shift_end, tz),
        ))
    }

    /// The lunch break on `day`: earliest start, latest start, minutes.
    pub fn break_on(&self, day: NaiveDate, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>, i64)> {
        let start = self.break_start?;
        let earliest = local(day, start, tz);
        let latest = earliest + chrono::Duration::minutes(BREAK_SLACK_MINUTES);
        Some((earliest, latest, self.break_minutes as i64))
    }
}

/// A company-time clock reading on a day, in UTC (the later one in a DST fold).
pub fn local(day: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let naive = day.and_time(time);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        // A time skipped by DST: an hour later exists.
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&naive), |t| t.with_timezone(&Utc)),
    }
}

crate::core::fields::text_enum! {
    /// Why the planner left an order out.
    pub enum Unplanned {
        NoCoordinates => "no_coordinates",
        NoSkilledEngineer => "no_skilled_engineer",
        TimeWindow => "time_window",
        ShiftFull => "shift_full",
        NoShift => "no_shift",
    }
}

impl Unplanned {
    /// The reason in words, for the administrator.
    pub fn explain(self) -> &'static str {
        match self {
            Unplanned::NoCoordinates => "the site has no coordinates: add them to plan it",
            Unplanned::NoSkilledEngineer => {
                "no engineer in the plan has every skill the order requires"
            }
            Unplanned::TimeWindow => {
                "the customer's time windows cannot be met by any skilled engineer on these days"
            }
            Unplanned::ShiftFull => "the skilled engineers' days are full",
            Unplanned::NoShift => "no skilled engineer works on these days",
        }
    }
}

/// Whether a skilled engineer could do the order alone in some window of its shift:
/// drive out, work inside the window, drive back before the shift ends. An order
/// that fails this is out for its windows; one that passes but is left out was
/// squeezed out by other work.
pub struct Reach {
    pub shift: (i64, i64),
    pub to_site: i64,
    pub from_site: i64,
}

/// See [`Reach`]: times in seconds, windows the customer's (empty: any time).
pub fn reachable(reach: &Reach, windows: &[(i64, i64)], duration: i64) -> bool {
    let (open, close) = reach.shift;
    let earliest = open + reach.to_site;
    let latest_end = close - reach.from_site;
    if windows.is_empty() {
        return earliest + duration <= latest_end;
    }
    windows.iter().any(|&(ws, we)| {
        let start = earliest.max(ws);
        start + duration <= we.min(latest_end)
    })
}

crate::core::fields::text_enum! {
    /// Something wrong with a visit in a day's route.
    pub enum Conflict {
        Overlap => "overlap",
        ShiftOverrun => "shift_overrun",
        NotWorking => "not_working",
        MissingSkill => "missing_skill",
        OutsideWindow => "outside_window",
    }
}

/// A visit in an engineer's day as booked.
#[derive(Debug, Clone)]
pub struct DayVisit {
    pub start: i64,
    pub end: i64,
    /// Seconds of driving from the previous place (the start of the day for the first).
    pub travel_in: i64,
    pub skills: Vec<String>,
    pub windows: Vec<(i64, i64)>,
}

/// A visit's place in the day after the check.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The earliest the engineer can be there, driving straight from the previous visit.
    pub arrival: i64,
    pub conflicts: Vec<Conflict>,
}

/// Walks a day in time order: when the engineer can arrive at each visit, and what
/// is wrong. `shift` is `None` on a day off; `travel_home` is the drive after the last.
pub fn check_day(
    shift: Option<(i64, i64)>,
    skills: &[String],
    visits: &[DayVisit],
    travel_home: i64,
) -> Vec<Checked> {
    // When the engineer is free to drive on; on a day off, from the first visit.
    let mut free_at = shift.map(|s| s.0);
    let mut out = Vec::with_capacity(visits.len());
    for (i, v) in visits.iter().enumerate() {
        let arrival = free_at.map_or(v.start, |t| t + v.travel_in);
        let mut conflicts = vec![];
        if arrival > v.start {
            conflicts.push(if i == 0 {
                Conflict::ShiftOverrun
            } else {
                Conflict::Overlap
            });
        }
        match shift {
            None => conflicts.push(Conflict::NotWorking),
            Some((_, close)) => {
                let home = if i + 1 == visits.len() {
                    travel_home
                } else {
                    0
                };
                if v.end + home > close && !conflicts.contains(&Conflict::ShiftOverrun) {
                    conflicts.push(Conflict::ShiftOverrun);
                }
            }
        }
        if v.skills.iter().any(|s| !skills.contains(s)) {
            conflicts.push(Conflict::MissingSkill);
        }
        if !v.windows.is_empty() && !v.windows.iter().any(|&(a, b)| v.start >= a && v.end <= b) {
            conflicts.push(Conflict::OutsideWindow);
        }
        out.push(Checked { arrival, conflicts });
        free_at = Some(free_at.map_or(v.end, |t| t.max(v.end)));
    }
    out
}

/// One visit of a route being put in a new order.
#[derive(Debug, Clone)]
pub struct Leg {
    /// Seconds of work.
    pub duration: i64,
    /// Seconds of driving from the previous place.
    pub travel: i64,
    pub windows: Vec<(i64, i64)>,
}

/// New start times for visits taken in a given order: each starts as soon as the
/// engineer gets there, but not before the day starts nor before the next of its
/// windows it still fits in.
pub fn resequence(day_start: i64, legs: &[Leg]) -> Vec<i64> {
    let mut free_at = day_start;
    legs.iter()
        .map(|leg| {
            let arrival = free_at + leg.travel;
            let start = leg
                .windows
                .iter()
                .filter(|&&(ws, we)| ws.max(arrival) + leg.duration <= we)
                .map(|&(ws, _)| ws.max(arrival))
                .min()
                .unwrap_or(arrival);
            free_at = start + leg.duration;
            start
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> EngineerProfile {
        EngineerProfile {
            skills: vec!["gas".into()],
            work_days: vec![1, 2, 3, 4, 5],
            shift_start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            shift_end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            break_start: Some(NaiveTime::from_hms_opt(12, 0, 0).unwrap()),
            break_minutes: 30,
            start_latitude: 50.45,
            start_longitude: 30.52,
            start_label: None,
            end_latitude: None,
            end_longitude: None,
            max_visits: Some(8),
        }
    }

    #[test]
    fn a_profile_names_its_wrong_field() {
        let mut p = profile();
        p.shift_end = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        assert_eq!(p.validate().unwrap_err().field, "shift_end");
        let mut p = profile();
        p.start_latitude = 91.0;
        assert_eq!(p.validate().unwrap_err().field, "start_latitude");
        let mut p = profile();
        p.end_latitude = Some(50.0);
        assert_eq!(p.validate().unwrap_err().field, "end_longitude");
        let mut p = profile();
        p.work_days = vec![8];
        assert_eq!(p.validate().unwrap_err().field, "work_days");
        let mut p = profile();
        p.break_start = Some(NaiveTime::from_hms_opt(18, 0, 0).unwrap());
        assert_eq!(p.validate().unwrap_err().field, "break_start");
    }

    #[test]
    fn shifts_follow_work_days_and_company_time() {
        let tz: Tz = "Europe/Kyiv".parse().unwrap();
        let p = profile().validate().unwrap();
        // Tuesday 1 December 2026: Kyiv is UTC+2.
        let (a, b) = p
            .shift_on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), tz)
            .unwrap();
        assert_eq!(a.to_rfc3339(), "2026-12-01T06:00:00+00:00");
        assert_eq!(b.to_rfc3339(), "2026-12-01T15:00:00+00:00");
        assert!(p
            .shift_on(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), tz)
            .is_none());
    }

    #[test]
    fn windows_are_checked_and_sorted() {
        let t = |h| Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap();
        let w = |a, b| TimeWindow {
            start: t(a),
            end: t(b),
        };
        let sorted = check_time_windows("time_windows", &[w(14, 16), w(9, 12)]).unwrap();
        assert_eq!(sorted[0], w(9, 12));
        let err = check_time_windows("time_windows", &[w(9, 12), w(12, 11)]).unwrap_err();
        assert_eq!(err.field, "time_windows[1].end");
    }

    #[test]
    fn reach_tells_a_window_nobody_can_meet_from_a_full_day() {
        let reach = Reach {
            shift: (8 * 3600, 17 * 3600),
            to_site: 1800,
            from_site: 1800,
        };
        // 08:00 + 30 min drive: work 08:30-09:30 fits a 08:00-10:00 window.
        assert!(reachable(&reach, &[(8 * 3600, 10 * 3600)], 3600));
        // Not a 08:00-09:00 window.
        assert!(!reachable(&reach, &[(8 * 3600, 9 * 3600)], 3600));
        // Nor one that ends after the drive home would.
        assert!(!reachable(&reach, &[(16 * 3600, 18 * 3600)], 3600));
        assert!(reachable(&reach, &[], 3600));
        assert!(!reachable(&reach, &[], 9 * 3600));
    }

    fn visit(start: i64, end: i64, travel_in: i64) -> DayVisit {
        DayVisit {
            start,
            end,
            travel_in,
            skills: vec![],
            windows: vec![],
        }
    }

    #[test]
    fn a_day_is_walked_with_arrivals_and_conflicts() {
        let h = 3600;
        let shift = Some((8 * h, 17 * h));
        let mut gas = visit(12 * h, 13 * h, 900);
        gas.skills = vec!["gas".into()];
        gas.windows = vec![(9 * h, 11 * h)];
        let day = [
            visit(9 * h, 10 * h, 1800),
            // 10:00 + 40 min drive is after 10:30: overlap.
            visit(10 * h + 1800, 11 * h, 2400),
            gas,
            visit(16 * h, 17 * h, 600),
        ];
        let checked = check_day(shift, &[], &day, 1200);
        assert_eq!(checked[0].arrival, 8 * h + 1800);
        assert!(checked[0].conflicts.is_empty());
        assert_eq!(checked[1].arrival, 10 * h + 2400);
        assert_eq!(checked[1].conflicts, vec![Conflict::Overlap]);
        assert_eq!(
            checked[2].conflicts,
            vec![Conflict::MissingSkill, Conflict::OutsideWindow]
        );
        // Ends at 17:00 and still has 20 minutes home.
        assert_eq!(checked[3].conflicts, vec![Conflict::ShiftOverrun]);
        let off = check_day(None, &[], &day[..1], 0);
        assert_eq!(off[0].conflicts, vec![Conflict::NotWorking]);
    }

    #[test]
    fn resequencing_waits_for_windows() {
        let h = 3600;
        let leg = |duration, travel, windows| Leg {
            duration,
            travel,
            windows,
        };
        let starts = resequence(
            8 * h,
            &[
                leg(h, 600, vec![]),
                leg(h, 600, vec![(11 * h, 13 * h)]),
                leg(1800, 300, vec![]),
            ],
        );
        assert_eq!(starts, vec![8 * h + 600, 11 * h, 12 * h + 300]);
    }
}
