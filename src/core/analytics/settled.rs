//! Which part of a period can be read from kept daily sums. A UTC day is
//! *settled* once it ended long enough ago that the normal flow no longer
//! changes its figures (a return visit within 30 days is the longest reach);
//! writes that still touch one forget it (`store::rollups`).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::Period;

/// Days after its end before a UTC day is kept: the 30 days of first-time fix, and one to spare.
pub const SETTLE_DAYS: i64 = 31;

/// A period cut into the part before its first whole settled day, the whole
/// settled UTC days (`days.0` included to `days.1` excluded), and the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct SettledSplit {
    pub head: Option<Period>,
    pub days: Option<(NaiveDate, NaiveDate)>,
    pub tail: Option<Period>,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// A period over `[start, end)` with the caller's local days (the sums read only the instants).
fn span(p: &Period, start: NaiveDateTime, end: NaiveDateTime) -> Option<Period> {
    (start < end).then_some(Period { start, end, ..*p })
}

/// Splits `p` as of `now`.
pub fn split(p: &Period, now: NaiveDateTime) -> SettledSplit {
    let settled_before = (now - Duration::days(SETTLE_DAYS)).date();
    let first = if p.start.time() == NaiveTime::MIN {
        p.start.date()
    } else {
        p.start.date() + Duration::days(1)
    };
    let last = p.end.date().min(settled_before);
    if first >= last {
        return SettledSplit {
            head: Some(*p),
            days: None,
            tail: None,
        };
    }
    SettledSplit {
        head: span(p, p.start, midnight(first)),
        days: Some((first, last)),
        tail: span(p, midnight(last), p.end),
    }
}

/// A whole UTC day as a period.
pub fn day_period(p: &Period, day: NaiveDate) -> Period {
    Period {
        start: midnight(day),
        end: midnight(day + Duration::days(1)),
        ..*p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_year_ending_today_keeps_its_settled_whole_days() {
        let p = Period::new(d("2025-11-23"), d("2026-11-22"), chrono_tz::Europe::Kyiv).unwrap();
        let s = split(&p, t("2026-11-22 15:00"));
        // Kyiv's day begins at 22:00 UTC: the first UTC day is partial.
        assert_eq!(s.head.unwrap().start, t("2025-11-22 22:00"));
        assert_eq!(s.head.unwrap().end, t("2025-11-23 00:00"));
        assert_eq!(s.days, Some((d("2025-11-23"), d("2026-10-22"))));
        assert_eq!(s.tail.unwrap().start, t("2026-10-22 00:00"));
        assert_eq!(s.tail.unwrap().end, p.end);
    }

    #[test]
    fn a_recent_or_utc_period_is_cut_only_where_it_must() {
        let p = Period::new(d("2026-11-01"), d("2026-11-20"), chrono_tz::UTC).unwrap();
        let s = split(&p, t("2026-11-22 15:00"));
        assert_eq!(s.head, Some(p));
        assert_eq!((s.days, s.tail), (None, None));
        let old = Period::new(d("2025-01-01"), d("2025-12-31"), chrono_tz::UTC).unwrap();
        let s = split(&old, t("2026-11-22 15:00"));
        assert_eq!((s.head, s.tail), (None, None));
        assert_eq!(s.days, Some((d("2025-01-01"), d("2026-01-01"))));
        assert_eq!(day_period(&old, d("2025-03-01")).end, t("2025-03-02 00:00"));
    }
}
