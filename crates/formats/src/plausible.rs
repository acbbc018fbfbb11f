//! Plausibility at the door: the times a file gives must look like one conference. A typo'd
//! year, a session that lasts five years or an edition stretched over decades is refused here,
//! naming the line and the value, instead of being imported and found out by the server.

use crate::error::{ErrorKind, FormatError, Repair, Warning};
use hallway_domain::bounds::{self, MAX_EDITION_DAYS, MAX_SESSION};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// One slot as the file gave it, and where.
#[derive(Debug, Clone)]
pub struct Dated {
    pub start: Timestamp,
    pub end: Timestamp,
    pub line: Option<usize>,
    /// Where the file gives the time when it has no lines (a JSON path).
    pub field: Option<String>,
    /// The format says the session takes whole days (an iCalendar DATE).
    pub all_day: bool,
}

impl Dated {
    fn error(&self, default_field: &str, message: String) -> FormatError {
        let field = self.field.as_deref().unwrap_or(default_field);
        match self.line {
            Some(l) => FormatError::at(l, field, message),
            None => FormatError::field(field, message),
        }
    }
}

/// Checks the slots of a file: `field` names the time in the format ("DTSTART", "date"),
/// `stated` are the edition's dates when the file states them.
pub fn check(
    slots: &[Dated],
    field: &str,
    tz: &TimeZone,
    stated: Option<(Date, Date)>,
    warnings: &mut Vec<Warning>,
) -> Result<(), FormatError> {
    let date = |t: Timestamp| t.to_zoned(tz.clone()).date();
    if let Some(outlier) = outlier(slots, tz) {
        let s = &slots[outlier.index];
        let (day, (first, last)) = (date(s.start), outlier.others);
        let (how_far, side) = if day < first {
            (bounds::distance(day, first), "before")
        } else {
            (bounds::distance(last, day), "after")
        };
        return Err(s.error(
            field,
            format!(
                "{day} is {how_far} {side} the other {} session{} ({first} to {last})",
                slots.len() - 1,
                if slots.len() == 2 { "" } else { "s" },
            ),
        ));
    }
    for s in slots {
        let length = s.end.duration_since(s.start);
        let longest = if s.all_day {
            MAX_SESSION * MAX_EDITION_DAYS
        } else {
            MAX_SESSION
        };
        if length > longest {
            return Err(s
                .error(
                    field,
                    format!(
                        "the session lasts {} ({} to {}); a session lasts at most {}",
                        bounds::distance(date(s.start), date(s.end)),
                        date(s.start),
                        date(s.end),
                        if s.all_day {
                            format!("{MAX_EDITION_DAYS} days")
                        } else {
                            "a day".to_owned()
                        }
                    ),
                )
                .kind(ErrorKind::Invalid));
        }
    }
    if let Some(s) = slots.iter().find(|s| !bounds::plausible_year(s.start)) {
        return Err(s.error(
            field,
            format!(
                "{} is not a date a conference is held on (years {} to {})",
                date(s.start),
                bounds::YEARS.start(),
                bounds::YEARS.end()
            ),
        ));
    }
    let Some((a, b)) = stated else {
        return Ok(());
    };
    let (first, last) = match span(slots.iter().map(|s| date(s.start))) {
        Some(span) => span,
        None => (a, b),
    };
    let (from, to) = (first.min(a), last.max(b));
    if bounds::days_from(from, to) >= i64::from(MAX_EDITION_DAYS) {
        return Err(FormatError::field(
            "conference dates",
            format!(
                "the file says the conference runs {a} to {b}, but its sessions run {first} to {last}: {} apart",
                bounds::distance(from, to)
            ),
        ));
    }
    let outside: Vec<&Dated> = slots
        .iter()
        .filter(|s| date(s.start) < a || date(s.start) > b)
        .collect();
    if let Some(s) = outside.first() {
        warnings.push(Warning {
            line: s.line,
            kind: Repair::Dates,
            message: format!(
                "{} session{} outside the conference's dates {a} to {b} (the first on {}): the edition's dates include them",
                outside.len(),
                if outside.len() == 1 { " is" } else { "s are" },
                date(s.start)
            ),
        });
    }
    Ok(())
}

struct Outlier {
    index: usize,
    /// The first and last date of the other sessions.
    others: (Date, Date),
}

/// When the slots span more days than an edition can, the one farthest from the median date.
fn outlier(slots: &[Dated], tz: &TimeZone) -> Option<Outlier> {
    let dates: Vec<Date> = slots
        .iter()
        .map(|s| s.start.to_zoned(tz.clone()).date())
        .collect();
    let (first, last) = span(dates.iter().copied())?;
    if bounds::days_from(first, last) < i64::from(MAX_EDITION_DAYS) || dates.len() < 2 {
        return None;
    }
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    let index = (0..dates.len()).max_by_key(|&i| bounds::days_from(median, dates[i]).abs())?;
    let others = span(
        dates
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, d)| *d),
    )?;
    Some(Outlier { index, others })
}

fn span(dates: impl Iterator<Item = Date>) -> Option<(Date, Date)> {
    dates.fold(None, |acc, d| match acc {
        None => Some((d, d)),
        Some((a, b)) => Some((a.min(d), b.max(d))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(d: Date, line: usize) -> Dated {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let start = tz.to_timestamp(d.at(10, 0, 0, 0)).unwrap();
        Dated {
            start,
            end: start + jiff::SignedDuration::from_mins(30),
            line: Some(line),
            field: None,
            all_day: false,
        }
    }

    fn run(slots: &[Dated], stated: Option<(Date, Date)>) -> Result<Vec<Warning>, FormatError> {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let mut warnings = Vec::new();
        check(slots, "DTSTART", &tz, stated, &mut warnings).map(|()| warnings)
    }

    fn conference(n: usize) -> Vec<Dated> {
        (0..n)
            .map(|i| at(date(2026, 3, 23 + (i % 4) as i8), 10 + i))
            .collect()
    }

    #[test]
    fn a_typo_year_is_named_with_its_line() {
        let mut slots = conference(596);
        slots[200] = at(date(0, 1, 1), 4242);
        let err = run(&slots, None).unwrap_err();
        assert_eq!(err.line, Some(4242));
        assert_eq!(
            err.to_string(),
            "line 4242, DTSTART: 0000-01-01 is 2026 years before the other 595 sessions (2026-03-23 to 2026-03-26)"
        );
        slots[200] = at(date(2016, 3, 24), 77);
        let err = run(&slots, None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 77, DTSTART: 2016-03-24 is 10 years before")
        );
        slots[200] = at(date(2026, 5, 24), 78);
        assert!(
            run(&slots, None)
                .unwrap_err()
                .to_string()
                .contains("59 days after")
        );
    }

    #[test]
    fn a_session_lasts_at_most_a_day_unless_all_day() {
        let mut slots = conference(10);
        slots[3].end = slots[3].start + jiff::SignedDuration::from_hours(5 * 365 * 24);
        let err = run(&slots, None).unwrap_err();
        assert_eq!(err.line, Some(13));
        assert!(err.to_string().contains("lasts 5 years"), "{err}");
        slots[3].end = slots[3].start + jiff::SignedDuration::from_hours(48);
        assert!(run(&slots, None).is_err());
        slots[3].all_day = true;
        assert!(run(&slots, None).is_ok());
    }

    #[test]
    fn a_lone_implausible_date_is_refused_too() {
        let err = run(&[at(date(0, 1, 1), 5)], None).unwrap_err();
        assert!(
            err.to_string()
                .contains("not a date a conference is held on"),
            "{err}"
        );
    }

    #[test]
    fn stated_dates_bound_the_sessions() {
        let slots = conference(8);
        assert!(
            run(&slots, Some((date(2026, 3, 23), date(2026, 3, 26))))
                .unwrap()
                .is_empty()
        );
        let warned = run(&slots, Some((date(2026, 3, 24), date(2026, 3, 26)))).unwrap();
        assert!(
            warned[0].message.starts_with("2 sessions are outside"),
            "{warned:?}"
        );
        let err = run(&slots, Some((date(2026, 3, 23), date(2062, 3, 26)))).unwrap_err();
        assert!(err.to_string().contains("36 years apart"), "{err}");
    }
}
