//! Self-scheduling: the times a customer may choose for their visit. A slot is
//! an engineer's free gap that the visit fits into — drive in from the stop
//! before, work inside the customer's window and the shift, drive on to the
//! next booked visit in time for it — priced by the driving it adds to that
//! engineer's day. Booked visits never move and are never made late.
//!
//! Times are Unix seconds; places are indexes into a travel function the
//! caller measures (the planner's travel model), so this stays pure.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::ValidationError;

/// Whether and how customers choose their own visit time (company settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfScheduling {
    /// When an order reaches `scheduling`, the customer gets a link to choose a time.
    #[serde(default)]
    pub enabled: bool,
    /// How many days ahead slots are offered (1 to 31).
    #[serde(default = "default_days")]
    pub days: u32,
    /// At most this many slots a day (1 to 8).
    #[serde(default = "default_per_day")]
    pub per_day: u32,
    /// The customer may move or cancel up to this many hours before the visit (0 to 168).
    #[serde(default = "default_cutoff")]
    pub cutoff_hours: u32,
    /// No slot starts sooner than this many hours from now (0 to 72).
    #[serde(default = "default_notice")]
    pub notice_hours: u32,
    /// Only customers of these segments are invited (`b2c`, `b2b`); all when empty.
    /// The office can still send the link for any one order.
    #[serde(default)]
    pub segments: Vec<crate::core::customer::Segment>,
}

fn default_days() -> u32 {
    10
}
fn default_per_day() -> u32 {
    3
}
fn default_cutoff() -> u32 {
    24
}
fn default_notice() -> u32 {
    12
}

impl Default for SelfScheduling {
    fn default() -> Self {
        SelfScheduling {
            enabled: false,
            days: default_days(),
            per_day: default_per_day(),
            cutoff_hours: default_cutoff(),
            notice_hours: default_notice(),
            segments: vec![],
        }
    }
}

impl SelfScheduling {
    /// Refuses figures no company means, naming the field.
    pub fn check(&self) -> Result<(), ValidationError> {
        let within = |field: &str, v: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(ValidationError::new(
                    format!("self_scheduling.{field}"),
                    format!("must be {lo} to {hi}"),
                ))
            }
        };
        within("days", self.days, 1, 31)?;
        within("per_day", self.per_day, 1, 8)?;
        within("cutoff_hours", self.cutoff_hours, 0, 168)?;
        within("notice_hours", self.notice_hours, 0, 72)
    }
}

/// A booked visit that stays where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub place: usize,
    pub start: i64,
    pub end: i64,
}

/// One engineer's working day as it stands.
#[derive(Debug, Clone)]
pub struct EngineerDay {
    /// The caller's index of the engineer, handed back in each [`Slot`].
    pub engineer: usize,
    /// The caller's index of the day, handed back in each [`Slot`].
    pub day: usize,
    /// Start and end of the shift.
    pub shift: (i64, i64),
    /// Lunch: earliest start, latest start, seconds long.
    pub lunch: Option<(i64, i64, i64)>,
    /// Where the day starts and ends.
    pub home: usize,
    pub end_home: usize,
    /// Booked visits, in time order.
    pub stops: Vec<Stop>,
    /// No slot on a day that already holds this many visits.
    pub max_visits: Option<u32>,
}

/// The visit to place.
#[derive(Debug, Clone)]
pub struct Visit {
    pub place: usize,
    /// Seconds on site.
    pub duration: i64,
    /// The customer's windows (empty: any time).
    pub windows: Vec<(i64, i64)>,
}

/// A time the customer may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub engineer: usize,
    pub day: usize,
    pub start: i64,
    pub end: i64,
    /// Seconds of driving the visit adds to the engineer's day.
    pub extra_travel: i64,
}

/// What the search is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// No slot starts before this (now plus the notice the company needs).
    pub not_before: i64,
    /// Slots start on this grid (seconds past the hour: 0, 30 min, …).
    pub step: i64,
}

/// Every start on the grid where the visit fits into the day.
///
/// `travel(a, b)` is the driving time in seconds from place `a` to place `b`.
pub fn in_day(
    day: &EngineerDay,
    visit: &Visit,
    search: Search,
    travel: &dyn Fn(usize, usize) -> i64,
) -> Vec<Slot> {
    if full(day) {
        return vec![];
    }
    let mut slots = vec![];
    for gap in 0..=day.stops.len() {
        let g = Gap::of(day, visit, gap, travel);
        let mut start = round_up(g.earliest.max(search.not_before), search.step);
        while start <= g.latest {
            if fits(day, visit, start) {
                slots.push(Slot {
                    engineer: day.engineer,
                    day: day.day,
                    start,
                    end: start + visit.duration,
                    extra_travel: g.extra_travel,
                });
            }
            start += search.step.max(1);
        }
    }
    slots
}

fn full(day: &EngineerDay) -> bool {
    day.max_visits.is_some_and(|m| day.stops.len() as u32 >= m)
}

/// Where the visit may start between two fixed points of the day, and what it costs.
struct Gap {
    earliest: i64,
    latest: i64,
    extra_travel: i64,
}

impl Gap {
    /// Gap `i` lies between stop `i-1` (or home at the shift's start) and stop
    /// `i` (or home at the shift's end).
    fn of(day: &EngineerDay, visit: &Visit, i: usize, travel: &dyn Fn(usize, usize) -> i64) -> Gap {
        let (open, close) = day.shift;
        let (from_place, free_from) = match i.checked_sub(1).map(|i| day.stops[i]) {
            Some(s) => (s.place, s.end),
            None => (day.home, open),
        };
        let (to_place, due_by) = match day.stops.get(i) {
            Some(s) => (s.place, s.start),
            None => (day.end_home, close),
        };
        let t_in = travel(from_place, visit.place);
        let t_out = travel(visit.place, to_place);
        Gap {
            earliest: (free_from + t_in).max(open),
            latest: (due_by - t_out - visit.duration).min(close - visit.duration),
            extra_travel: (t_in + t_out - travel(from_place, to_place)).max(0),
        }
    }
}

/// The customer's window and the lunch break, for a start inside a gap.
fn fits(day: &EngineerDay, visit: &Visit, start: i64) -> bool {
    let end = start + visit.duration;
    in_windows(&visit.windows, start, end) && lunch_fits(day, start, end)
}

fn round_up(t: i64, step: i64) -> i64 {
    if step <= 0 {
        return t;
    }
    t.div_euclid(step) * step + if t.rem_euclid(step) == 0 { 0 } else { step }
}

fn in_windows(windows: &[(i64, i64)], start: i64, end: i64) -> bool {
    windows.is_empty() || windows.iter().any(|&(a, b)| a <= start && end <= b)
}

/// Whether the lunch break can still be taken, somewhere in its span, once the
/// visit is added.
fn lunch_fits(day: &EngineerDay, start: i64, end: i64) -> bool {
    let Some((earliest, latest, length)) = day.lunch else {
        return true;
    };
    let busy = day
        .stops
        .iter()
        .map(|s| (s.start, s.end))
        .chain(std::iter::once((start, end)));
    let free = |s: i64| {
        day.stops
            .iter()
            .map(|s| (s.start, s.end))
            .chain(std::iter::once((start, end)))
            .all(|(a, b)| b <= s || s + length <= a)
    };
    std::iter::once(earliest)
        .chain(busy.map(|(_, b)| b))
        .filter(|s| (earliest..=latest).contains(s))
        .any(free)
}

/// Slots that add no more than this much driving to the cheapest count as equally good.
const SAME_COST: i64 = 5 * 60;

/// The slots to offer: per day, the `per_day` cheapest in added driving, at
/// least `spacing` seconds apart so the choice is real; among slots that cost
/// about the same, the ones farthest from those already chosen, so a free day
/// offers a morning, a midday and an afternoon rather than three mornings.
pub fn best(mut slots: Vec<Slot>, per_day: usize, spacing: i64) -> Vec<Slot> {
    slots.sort_by_key(|s| (s.day, s.extra_travel, s.start, s.engineer));
    let mut chosen: Vec<Slot> = Vec::new();
    for day in slots.chunk_by(|a, b| a.day == b.day) {
        let mut today: Vec<Slot> = Vec::new();
        while today.len() < per_day {
            let open: Vec<&Slot> = day
                .iter()
                .filter(|s| today.iter().all(|c| (c.start - s.start).abs() >= spacing))
                .collect();
            let Some(cheapest) = open.iter().map(|s| s.extra_travel).min() else {
                break;
            };
            let gap = |s: &Slot| {
                today
                    .iter()
                    .map(|c| (c.start - s.start).abs())
                    .min()
                    .unwrap_or(0)
            };
            let pick = open
                .iter()
                .filter(|s| s.extra_travel <= cheapest + SAME_COST)
                .max_by_key(|s| (gap(s), std::cmp::Reverse((s.extra_travel, s.start))));
            match pick {
                Some(s) => today.push(**s),
                None => break,
            }
        }
        chosen.extend(today);
    }
    chosen.sort_by_key(|s| (s.start, s.extra_travel));
    chosen
}

/// Whether `slot` still fits the day as it now stands: what booking checks
/// again, under the engineer's lock, so a slot shown a minute ago that another
/// customer or the office has since taken is refused, not double-booked.
pub fn still_fits(
    day: &EngineerDay,
    visit: &Visit,
    (start, end): (i64, i64),
    now: i64,
    travel: &dyn Fn(usize, usize) -> i64,
) -> bool {
    if end - start != visit.duration || start < now || full(day) {
        return false;
    }
    // The gap the slot falls in: after every stop that ends by its start.
    let gap = day.stops.iter().take_while(|s| s.end <= start).count();
    let g = Gap::of(day, visit, gap, travel);
    (g.earliest..=g.latest).contains(&start) && fits(day, visit, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;
    const M: i64 = 60;

    /// Places on a line, one kilometre apart, a minute a kilometre.
    fn line(a: usize, b: usize) -> i64 {
        (a as i64 - b as i64).abs() * M
    }

    fn day(stops: Vec<Stop>) -> EngineerDay {
        EngineerDay {
            engineer: 0,
            day: 0,
            shift: (8 * H, 17 * H),
            lunch: None,
            home: 0,
            end_home: 0,
            stops,
            max_visits: None,
        }
    }

    fn search() -> Search {
        Search {
            not_before: 0,
            step: 30 * M,
        }
    }

    #[test]
    fn an_empty_day_offers_every_half_hour_that_fits_the_shift() {
        let visit = Visit {
            place: 10,
            duration: H,
            windows: vec![],
        };
        let slots = in_day(&day(vec![]), &visit, search(), &line);
        // Ten minutes out: the first start on the grid is 8:30; back by 17:00.
        assert_eq!(slots.first().map(|s| s.start), Some(8 * H + 30 * M));
        assert_eq!(slots.last().map(|s| s.end), Some(16 * H + 30 * M));
        assert!(slots.iter().all(|s| s.extra_travel == 20 * M));
    }

    #[test]
    fn a_booked_visit_is_never_made_late() {
        // Booked at place 20 from 11:00 to 12:00; the new visit is at 10.
        let booked = Stop {
            place: 20,
            start: 11 * H,
            end: 12 * H,
        };
        let visit = Visit {
            place: 10,
            duration: H,
            windows: vec![],
        };
        let slots = in_day(&day(vec![booked]), &visit, search(), &line);
        for s in &slots {
            let before = s.end + 10 * M <= booked.start;
            let after = s.start >= booked.end + 10 * M;
            assert!(before || after, "{s:?} makes the 11:00 visit late");
        }
        // 9:30–10:30 then ten minutes to 11:00 fits; 10:00–11:00 does not.
        assert!(slots.iter().any(|s| s.start == 9 * H + 30 * M));
        assert!(!slots.iter().any(|s| s.start == 10 * H));
    }

    #[test]
    fn the_cheapest_insertion_is_on_the_way() {
        // Two booked visits at 20 and 30; a new one at 25 costs nothing extra
        // between them.
        let stops = vec![
            Stop {
                place: 20,
                start: 10 * H,
                end: 11 * H,
            },
            Stop {
                place: 30,
                start: 13 * H,
                end: 14 * H,
            },
        ];
        let visit = Visit {
            place: 25,
            duration: H,
            windows: vec![],
        };
        let slots = in_day(&day(stops), &visit, search(), &line);
        let between = slots
            .iter()
            .find(|s| s.start >= 11 * H && s.end <= 13 * H)
            .unwrap();
        assert_eq!(between.extra_travel, 0);
        // Before the first: home → 25 → 20 instead of home → 20.
        let before = slots.iter().find(|s| s.end <= 10 * H).unwrap();
        assert_eq!(before.extra_travel, 10 * M);
        let offered = best(slots, 3, H);
        let cheapest = offered.iter().map(|s| s.extra_travel).min();
        assert_eq!(cheapest, Some(0));
    }

    #[test]
    fn windows_lunch_max_visits_and_notice_are_kept() {
        let visit = Visit {
            place: 1,
            duration: H,
            windows: vec![(13 * H, 16 * H)],
        };
        let mut d = day(vec![]);
        d.lunch = Some((12 * H, 12 * H, 60 * M));
        let slots = in_day(&d, &visit, search(), &line);
        assert!(slots.iter().all(|s| s.start >= 13 * H && s.end <= 16 * H));
        // A fixed lunch at 12:00–13:00 and a window that is only lunch: nothing.
        let lunch_only = Visit {
            windows: vec![(12 * H, 13 * H)],
            ..visit.clone()
        };
        assert!(in_day(&d, &lunch_only, search(), &line).is_empty());
        let late = Search {
            not_before: 14 * H + 1,
            ..search()
        };
        assert!(in_day(&d, &visit, late, &line)
            .iter()
            .all(|s| s.start >= 14 * H + 30 * M));
        d.max_visits = Some(0);
        assert!(in_day(&d, &visit, search(), &line).is_empty());
    }

    #[test]
    fn offers_are_spread_and_a_taken_slot_no_longer_fits() {
        let visit = Visit {
            place: 5,
            duration: H,
            windows: vec![],
        };
        let d = day(vec![]);
        let offered = best(in_day(&d, &visit, search(), &line), 3, 2 * H);
        assert_eq!(offered.len(), 3);
        for pair in offered.windows(2) {
            assert!(pair[1].start - pair[0].start >= 2 * H);
        }
        // A free day: the first and last times of the day, and one between.
        assert_eq!(offered[0].start, 8 * H + 30 * M);
        assert_eq!(offered[2].end, 16 * H + 30 * M);
        let s = offered[0];
        assert!(still_fits(&d, &visit, (s.start, s.end), 0, &line));
        // Someone else took 9:00–10:00 at the same place.
        let taken = day(vec![Stop {
            place: 5,
            start: s.start,
            end: s.end,
        }]);
        assert!(!still_fits(&taken, &visit, (s.start, s.end), 0, &line));
        // A neighbour booked right after, too far away to reach in time.
        let next = day(vec![Stop {
            place: 100,
            start: s.end + 10 * M,
            end: s.end + H,
        }]);
        assert!(!still_fits(&next, &visit, (s.start, s.end), 0, &line));
        // A slot in the past, or of another length, is refused.
        assert!(!still_fits(
            &d,
            &visit,
            (s.start, s.end),
            s.start + 1,
            &line
        ));
        assert!(!still_fits(&d, &visit, (s.start, s.end + 1), 0, &line));
    }
}
