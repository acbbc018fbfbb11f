//! iCalendar feeds written against RFC 5545: CRLF line ends, lines folded at 75 octets (never
//! inside a UTF-8 character), UID + DTSTAMP + DTSTART on every event, a VTIMEZONE for the one
//! TZID used, and TEXT values escaped.

use crate::frab::Export;
use hallway_domain::{EventKind, Guid, Schedule, Session, Slot, Slug};
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use std::fmt::Write as _;

/// Which sessions a feed holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    Edition,
    Event(Slug),
    Track(Slug),
    Room(Slug),
    Speaker(Slug),
    /// Any list of sessions (an attendee's agenda).
    Sessions(Vec<Guid>),
}

impl Feed {
    fn includes(&self, session: &Session, slot: &Slot) -> bool {
        match self {
            Self::Edition => true,
            Self::Event(e) => &session.event == e,
            Self::Track(t) => session.track.as_ref() == Some(t),
            Self::Room(r) => slot.room.as_ref() == Some(r),
            Self::Speaker(s) => session.speakers.contains(s),
            Self::Sessions(guids) => guids.contains(&session.guid),
        }
    }

    /// The calendar's name: "FOSDEM 2025", "FOSDEM 2025 · Rust".
    pub fn title(&self, s: &Schedule) -> String {
        let part = match self {
            Self::Edition => None,
            Self::Event(e) => s
                .event(e)
                .filter(|e| e.kind == EventKind::CoLocated)
                .map(|e| e.name.clone()),
            Self::Track(t) => s.track(t).map(|t| t.name.clone()),
            Self::Room(r) => s.room(r).map(|r| r.name.clone()),
            Self::Speaker(p) => s.speaker(p).map(|p| p.name.clone()),
            Self::Sessions(_) => Some("my agenda".to_owned()),
        };
        match part {
            Some(p) => format!("{} · {p}", s.edition.name),
            None => s.edition.name.clone(),
        }
    }

    /// Whether the thing the feed is about exists in the schedule.
    pub fn exists_in(&self, s: &Schedule) -> bool {
        match self {
            Self::Edition | Self::Sessions(_) => true,
            Self::Event(e) => s.event(e).is_some(),
            Self::Track(t) => s.track(t).is_some(),
            Self::Room(r) => s.room(r).is_some(),
            Self::Speaker(p) => s.speaker(p).is_some(),
        }
    }
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets on character boundaries, ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%Y%m%dT%H%M%S").to_string()
}

fn offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// The VTIMEZONE of `name` for the span the events cover: the transition in force at its
/// start and every transition within it.
fn vtimezone(out: &mut String, name: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) {
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{name}"));
    let mut transitions: Vec<_> = tz.preceding(from).take(1).collect();
    transitions.extend(tz.following(from).take_while(|t| t.timestamp() <= to));
    if transitions.is_empty() {
        let info = tz.to_offset_info(from);
        line(out, "BEGIN:STANDARD");
        line(out, "DTSTART:19700101T000000");
        line(out, &format!("TZOFFSETFROM:{}", offset(info.offset())));
        line(out, &format!("TZOFFSETTO:{}", offset(info.offset())));
        line(out, &format!("TZNAME:{}", text(info.abbreviation())));
        line(out, "END:STANDARD");
    }
    for t in transitions {
        let at = t.timestamp();
        let before = at
            .checked_sub(jiff::SignedDuration::from_secs(1))
            .map_or(t.offset(), |b| tz.to_offset(b));
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        line(out, &format!("BEGIN:{kind}"));
        let start = before.to_datetime(at).strftime("%Y%m%dT%H%M%S").to_string();
        line(out, &format!("DTSTART:{start}"));
        line(out, &format!("TZOFFSETFROM:{}", offset(before)));
        line(out, &format!("TZOFFSETTO:{}", offset(t.offset())));
        line(out, &format!("TZNAME:{}", text(t.abbreviation())));
        line(out, &format!("END:{kind}"));
    }
    line(out, "END:VTIMEZONE");
}

/// Writes the sessions the feed selects, one VEVENT per slot.
pub fn write(export: &Export<'_>, feed: &Feed) -> String {
    write_with(export, feed, &Revisions::default())
}

/// What an attendee's own calendar adds to a feed: each event's SEQUENCE (the release that
/// last changed its session), and bookmarked sessions a later release cancelled, sent as
/// they last were, `STATUS:CANCELLED`, so that a calendar drops them rather than keeping a
/// stale copy.
#[derive(Debug, Default)]
pub struct Revisions<'a> {
    pub sequence: std::collections::HashMap<Guid, u32>,
    pub cancelled: Vec<Cancelled<'a>>,
}

/// A session as the last release that had it showed it, and the release that cancelled it.
#[derive(Debug)]
pub struct Cancelled<'a> {
    pub schedule: &'a Schedule,
    pub session: &'a Session,
    pub in_release: u32,
}

/// Writes the sessions the feed selects with their revisions, then the cancelled ones.
pub fn write_with(export: &Export<'_>, feed: &Feed, revisions: &Revisions<'_>) -> String {
    let s = export.schedule;
    let zone = &s.edition.time_zone;
    let tz = s.edition.tz();
    let mut events: Vec<Event<'_>> = s
        .sessions
        .iter()
        .flat_map(|x| x.slots.iter().enumerate().map(move |(n, sl)| (x, n, sl)))
        .filter(|(x, _, sl)| feed.includes(x, sl))
        .map(|(x, n, slot)| Event {
            schedule: s,
            session: x,
            n,
            slot,
            sequence: revisions.sequence.get(&x.guid).copied(),
            cancelled: false,
        })
        .collect();
    for c in &revisions.cancelled {
        events.extend(c.session.slots.iter().enumerate().map(|(n, slot)| Event {
            schedule: c.schedule,
            session: c.session,
            n,
            slot,
            sequence: Some(c.in_release),
            cancelled: true,
        }));
    }
    let mut out = String::with_capacity(600 * events.len() + 1024);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(
        &mut out,
        &format!(
            "PRODID:-//Hallway//Hallway {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
    );
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(&feed.title(s))));
    line(&mut out, &format!("X-WR-TIMEZONE:{}", text(zone)));
    let from = events.iter().map(|e| e.slot.start).min();
    let to = events.iter().map(|e| e.slot.end).max();
    if let (Some(from), Some(to)) = (from, to) {
        vtimezone(&mut out, zone, &tz, from, to);
    }
    for e in &events {
        event(&mut out, export, e, zone, &tz);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// One VEVENT: a slot of a session, as `schedule` (the feed's release, or the last one that
/// had a cancelled session) shows it.
struct Event<'a> {
    schedule: &'a Schedule,
    session: &'a Session,
    /// The slot's index: a slot after the first has a UID of its own.
    n: usize,
    slot: &'a Slot,
    sequence: Option<u32>,
    cancelled: bool,
}

fn event(out: &mut String, export: &Export<'_>, e: &Event<'_>, zone: &str, tz: &TimeZone) {
    let (s, x, slot) = (e.schedule, e.session, e.slot);
    let guid = if e.n == 0 {
        x.guid
    } else {
        Guid::derive(&s.edition.slug, &x.guid.to_string(), e.n as u32 + 1)
    };
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{guid}"));
    line(out, &format!("DTSTAMP:{}", utc(export.stamp)));
    if let Some(sequence) = e.sequence {
        line(out, &format!("SEQUENCE:{sequence}"));
    }
    line(
        out,
        &format!("DTSTART;TZID={zone}:{}", local(slot.start, tz)),
    );
    line(out, &format!("DTEND;TZID={zone}:{}", local(slot.end, tz)));
    line(out, &format!("SUMMARY:{}", text(&x.title)));
    let speakers: Vec<String> = x
        .speakers
        .iter()
        .filter_map(|sp| s.speaker(sp))
        .map(|sp| sp.display())
        .collect();
    let url = export.session_url(x);
    let mut description = String::new();
    if e.cancelled {
        description.push_str("Cancelled.\n\n");
    }
    if !speakers.is_empty() {
        let _ = writeln!(description, "{}\n", speakers.join(", "));
    }
    if !x.abstract_text.is_empty() {
        let _ = writeln!(description, "{}\n", x.abstract_text);
    }
    description.push_str(&url);
    line(out, &format!("DESCRIPTION:{}", text(&description)));
    if let Some(room) = s.room_name(slot) {
        line(out, &format!("LOCATION:{}", text(room)));
    }
    if let Some(track) = x.track.as_ref().and_then(|t| s.track(t)) {
        line(out, &format!("CATEGORIES:{}", text(&track.name)));
    }
    line(out, &format!("URL:{url}"));
    let status = if e.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    line(out, &format!("STATUS:{status}"));
    line(out, "END:VEVENT");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_carries_every_change_of_offset_its_events_span() {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        let mut out = String::new();
        // A conference over the last weekend of March: summer time starts on the Sunday.
        vtimezone(
            &mut out,
            "Europe/Amsterdam",
            &tz,
            at("2026-03-27T08:00:00Z"),
            at("2026-03-30T17:00:00Z"),
        );
        let standard = "BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD";
        let daylight = "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT";
        assert!(out.contains(standard) && out.contains(daylight), "{out}");
        // Within one offset, the one observance in force.
        let mut out = String::new();
        vtimezone(
            &mut out,
            "Europe/Amsterdam",
            &tz,
            at("2026-03-23T08:00:00Z"),
            at("2026-03-26T17:00:00Z"),
        );
        assert_eq!(out.matches("BEGIN:STANDARD").count(), 1, "{out}");
        assert!(!out.contains("DAYLIGHT"), "{out}");
    }

    #[test]
    fn folds_at_75_octets_between_characters() {
        let mut out = String::new();
        let value = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &value);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), value);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn offsets() {
        assert_eq!(offset(jiff::tz::offset(2)), "+0200");
        assert_eq!(
            offset(Offset::from_seconds(-(5 * 3600 + 30 * 60)).unwrap()),
            "-0530"
        );
    }
}
