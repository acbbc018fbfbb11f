//! What a schedule can plausibly be. A conference runs for days or weeks, not years, and a
//! session lasts hours; a date typed with the wrong year would otherwise stretch an edition over
//! decades, and every page that lists its days with it.

use crate::Schedule;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::fmt;

/// The longest edition, first day to last, co-located events included.
pub const MAX_EDITION_DAYS: i32 = 31;
/// The longest session that is not an all-day one.
pub const MAX_SESSION: SignedDuration = SignedDuration::from_hours(24);
/// Years a conference can be held in.
pub const YEARS: std::ops::RangeInclusive<i16> = 1980..=2200;

/// Why a schedule cannot be published as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfBounds {
    /// The edition's days run longer than `MAX_EDITION_DAYS`.
    Span { start: Date, end: Date },
    /// A session's slot lasts longer than an edition can.
    LongSession {
        title: String,
        start: Date,
        hours: i64,
    },
    /// A date outside the years a conference can be held in.
    Year { title: String, date: Date },
}

impl fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Span { start, end } => write!(
                f,
                "the edition runs {} days, from {start} to {end}; an edition lasts at most {MAX_EDITION_DAYS} days",
                days_from(*start, *end) + 1
            ),
            Self::LongSession {
                title,
                start,
                hours,
            } => write!(
                f,
                "{title:?} on {start} lasts {hours} hours, longer than an edition can ({MAX_EDITION_DAYS} days)"
            ),
            Self::Year { title, date } => write!(
                f,
                "{title:?} is dated {date}, outside the years {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        }
    }
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_from(a: Date, b: Date) -> i64 {
    i64::from(b.since(a).map_or(0, |span| span.get_days()))
}

/// How far apart two dates are, in words: "3 days", "2026 years".
pub fn distance(a: Date, b: Date) -> String {
    let days = days_from(a, b).unsigned_abs();
    if days >= 365 {
        let years = (i32::from(b.year()) - i32::from(a.year()))
            .unsigned_abs()
            .max(1);
        format!("{years} year{}", if years == 1 { "" } else { "s" })
    } else {
        format!("{days} day{}", if days == 1 { "" } else { "s" })
    }
}

pub fn plausible_year(at: Timestamp) -> bool {
    YEARS.contains(&at.to_zoned(jiff::tz::TimeZone::UTC).year())
}

impl Schedule {
    /// Refuses what no conference looks like, so that a release can always be rendered: the
    /// edition's days, and so its pages, stay bounded whatever was imported.
    pub fn check_bounds(&self) -> Result<(), OutOfBounds> {
        for s in &self.sessions {
            for slot in &s.slots {
                for at in [slot.start, slot.end] {
                    if !plausible_year(at) {
                        return Err(OutOfBounds::Year {
                            title: s.title.clone(),
                            date: at.to_zoned(jiff::tz::TimeZone::UTC).date(),
                        });
                    }
                }
                if slot.end.duration_since(slot.start) > MAX_SESSION * MAX_EDITION_DAYS {
                    return Err(OutOfBounds::LongSession {
                        title: s.title.clone(),
                        start: self.day_of(slot),
                        hours: slot.end.duration_since(slot.start).as_hours(),
                    });
                }
            }
        }
        let e = &self.edition;
        let dates = self
            .events
            .iter()
            .flat_map(|ev| [ev.start_date, ev.end_date])
            .chain([e.start_date, e.end_date]);
        let (start, end) = dates.fold((e.start_date, e.end_date), |(a, b), d| (a.min(d), b.max(d)));
        if days_from(start, end) >= i64::from(MAX_EDITION_DAYS) {
            return Err(OutOfBounds::Span { start, end });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn distances_read_as_people_say_them() {
        assert_eq!(distance(date(2026, 3, 23), date(2026, 3, 24)), "1 day");
        assert_eq!(distance(date(2026, 3, 23), date(2026, 3, 1)), "22 days");
        assert_eq!(distance(date(0, 1, 1), date(2026, 3, 23)), "2026 years");
        assert_eq!(distance(date(2016, 3, 23), date(2026, 3, 23)), "10 years");
    }

    #[test]
    fn years_outside_conference_times_are_implausible() {
        let at = |y| {
            date(y, 3, 1)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .unwrap()
                .timestamp()
        };
        assert!(plausible_year(at(2026)));
        assert!(!plausible_year(at(0)));
        assert!(!plausible_year(at(9999)));
    }
}
