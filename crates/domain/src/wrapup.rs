//! An attendee's conference looked back on: per day what they attended, what they bookmarked
//! and skipped, what they noted; and what they wanted to see and did not (bookmarked or kept
//! to watch later). The daily review and the wrap-up post are both read from this.

use crate::agenda::Marks;
use crate::{Guid, Schedule, Session};
use jiff::civil::Date;
use std::collections::HashMap;

/// One day of an attendee's conference; sessions in time order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Day {
    pub date: Option<Date>,
    pub attended: Vec<Guid>,
    /// Bookmarked and not attended.
    pub skipped: Vec<Guid>,
    /// With a note, attended or not.
    pub noted: Vec<Guid>,
    /// Bookmarked, attended or not.
    pub bookmarked: Vec<Guid>,
}

/// The day a session belongs to (its first slot's) and when it starts.
fn when(s: &Schedule, x: &Session) -> Option<(Date, jiff::Timestamp)> {
    let first = x.slots.iter().min_by_key(|sl| sl.start)?;
    Some((s.day_of(first), first.start))
}

/// The released sessions the attendee marked, in time order, with their day.
fn marked<'a>(
    s: &'a Schedule,
    marks: &'a HashMap<Guid, Marks>,
) -> Vec<(Date, &'a Session, &'a Marks)> {
    let mut out: Vec<_> = s
        .sessions
        .iter()
        .filter_map(|x| {
            let m = marks.get(&x.guid)?;
            let (day, start) = when(s, x)?;
            Some((start, day, x, m))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.title.cmp(&b.2.title)));
    out.into_iter().map(|(_, d, x, m)| (d, x, m)).collect()
}

/// The attendee's day `date`.
pub fn day(s: &Schedule, marks: &HashMap<Guid, Marks>, date: Date) -> Day {
    let mut out = Day {
        date: Some(date),
        ..Day::default()
    };
    for (d, x, m) in marked(s, marks) {
        if d != date {
            continue;
        }
        if m.attended.value {
            out.attended.push(x.guid);
        } else if m.interested.value {
            out.skipped.push(x.guid);
        }
        if !m.note.value.trim().is_empty() {
            out.noted.push(x.guid);
        }
        if m.interested.value {
            out.bookmarked.push(x.guid);
        }
    }
    out
}

/// The days on which the attendee attended something, each with what they attended.
pub fn attended_by_day(s: &Schedule, marks: &HashMap<Guid, Marks>) -> Vec<(Date, Vec<Guid>)> {
    let mut days: Vec<(Date, Vec<Guid>)> = Vec::new();
    for (d, x, m) in marked(s, marks) {
        if !m.attended.value {
            continue;
        }
        match days.last_mut() {
            Some((last, list)) if *last == d => list.push(x.guid),
            _ => days.push((d, vec![x.guid])),
        }
    }
    days
}

/// What the attendee wanted to see and did not: bookmarked or kept to watch later, not
/// attended, in time order.
pub fn wanted(s: &Schedule, marks: &HashMap<Guid, Marks>) -> Vec<Guid> {
    marked(s, marks)
        .into_iter()
        .filter(|(_, _, m)| !m.attended.value && (m.interested.value || m.watch_later.value))
        .map(|(_, x, _)| x.guid)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agenda::{Set, Stamped};

    fn sample() -> Schedule {
        let e = crate::Slug::parse("e").unwrap();
        let day1 = 1_774_249_200; // 2026-03-23 08:00 in Amsterdam
        let session = |code: &str, start: i64| Session {
            guid: Guid::derive(&e, code, 1),
            source_uid: None,
            event: e.clone(),
            title: code.into(),
            subtitle: String::new(),
            abstract_text: String::new(),
            description: String::new(),
            language: None,
            do_not_record: false,
            session_type: crate::SessionType::Talk,
            track: None,
            speakers: vec![],
            duration_minutes: 30,
            url: None,
            slots: vec![crate::Slot {
                room: None,
                start: jiff::Timestamp::from_second(start).unwrap(),
                end: jiff::Timestamp::from_second(start + 1800).unwrap(),
            }],
        };
        Schedule {
            edition: crate::Edition {
                slug: e.clone(),
                name: "E".into(),
                venue: "V".into(),
                time_zone: "Europe/Amsterdam".into(),
                start_date: jiff::civil::date(2026, 3, 23),
                end_date: jiff::civil::date(2026, 3, 24),
                day_change: jiff::civil::Time::midnight(),
            },
            events: vec![],
            rooms: vec![],
            tracks: vec![],
            speakers: vec![],
            // Out of time order on purpose.
            sessions: vec![
                session("c", day1 + 7200),
                session("a", day1),
                session("next", day1 + 86_400),
                session("b", day1 + 3600),
            ],
        }
    }

    fn mark(sets: &[Set]) -> Marks {
        let mut m = Marks::default();
        for s in sets {
            m.apply(s, 1);
        }
        m
    }

    #[test]
    fn a_day_splits_into_attended_skipped_and_noted_and_wanted_excludes_attended() {
        let s = sample();
        let g = |code: &str| Guid::derive(&s.edition.slug, code, 1);
        let (a, b, c, next) = (g("a"), g("b"), g("c"), g("next"));
        let first_day = jiff::civil::date(2026, 3, 23);
        let marks: HashMap<Guid, Marks> = [
            (a, mark(&[Set::Interested(true), Set::Attended(true)])),
            (
                b,
                mark(&[Set::Interested(true), Set::Note("missed it".into())]),
            ),
            (c, mark(&[Set::WatchLater(true)])),
            (next, mark(&[Set::Interested(true)])),
        ]
        .into();
        let d = day(&s, &marks, first_day);
        assert_eq!(d.attended, [a]);
        assert_eq!(d.skipped, [b]);
        assert_eq!(d.noted, [b]);
        assert_eq!(wanted(&s, &marks), [b, c, next]);
        assert_eq!(
            day(&s, &marks, first_day.tomorrow().unwrap()).bookmarked,
            [next]
        );
        assert_eq!(attended_by_day(&s, &marks), [(first_day, vec![a])]);
        assert_eq!(
            marks[&c].note,
            Stamped::default(),
            "watch later alone writes no note"
        );
    }
}
