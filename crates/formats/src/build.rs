//! What every reader shares: turning the sessions it found into a domain `Schedule`. Rooms,
//! tracks, speakers and co-located events are matched by name, GUIDs are kept or derived, and
//! the venue's zone and the hour at which conference days change are settled the same way for
//! every format.

use crate::error::{ErrorKind, FormatError, Repair, Warning};
use crate::{ImportOptions, Imported, plausible};
use hallway_domain::{
    Edition, Event, EventKind, Guid, Room, Schedule, Session, SessionType, Slot, Slug, Slugs,
    Speaker, Track,
};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use std::collections::{HashMap, HashSet};

/// A person as a file lists them.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// What identifies the person within the file: their id when it has one, else their name.
    pub key: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub bio: String,
}

impl Person {
    pub fn named(name: &str) -> Self {
        Self {
            key: name.trim().to_lowercase(),
            name: name.trim().to_owned(),
            ..Self::default()
        }
    }
}

/// One session (or one slot of it) as a file gives it.
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Where the session starts in the file, for warnings.
    pub line: Option<usize>,
    /// The GUID the file gives; derived from `id` when it gives none.
    pub guid: Option<Guid>,
    /// The id the session has in its source (a frab id, a Sched UID).
    pub id: Option<String>,
    pub title: String,
    pub subtitle: String,
    pub abstract_text: String,
    pub description: String,
    pub language: Option<String>,
    pub session_type: Option<SessionType>,
    pub track: Option<String>,
    /// Room name and the part of the venue it is in.
    pub room: Option<(String, Option<String>)>,
    /// The co-located event the session belongs to, if not the main one.
    pub event: Option<String>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// For sessions with no time yet.
    pub duration_minutes: Option<u32>,
    pub persons: Vec<Person>,
    pub url: Option<String>,
    pub do_not_record: bool,
    /// The conference day the file files the session under, where it groups by day.
    pub file_day: Option<Date>,
    /// Where the file gives the time: its line when that is not `line`, or its JSON path.
    pub time_line: Option<usize>,
    pub time_field: Option<String>,
    /// The format says the session takes whole days (an iCalendar DATE).
    pub all_day: bool,
}

pub struct Builder {
    schedule: Schedule,
    main_event: Slug,
    rooms: HashMap<String, Slug>,
    room_slugs: Slugs,
    tracks: HashMap<String, Slug>,
    track_slugs: Slugs,
    speakers: HashMap<String, Slug>,
    speaker_slugs: Slugs,
    events: HashMap<String, Slug>,
    event_slugs: Slugs,
    /// Sessions by source id, to gather the slots of a session that runs more than once.
    by_id: HashMap<String, usize>,
    guids: HashSet<Guid>,
    /// The day change the file states, if it states one.
    day_change: Option<Time>,
    file_days: Vec<(Timestamp, Date)>,
    /// The dates the file gives for the edition, kept when the sessions fit inside them.
    dates: Option<(Date, Date)>,
    /// Every slot and where the file gives it, for the plausibility check.
    dated: Vec<plausible::Dated>,
    /// What the format calls a session's time, for errors ("DTSTART", "date").
    time_field: &'static str,
    pub warnings: Vec<Warning>,
    named: bool,
}

impl Builder {
    /// Starts a schedule for an edition; its name is also the main event's. A file that does
    /// not name its edition (`None`) gets the slug as its name, and an existing edition keeps
    /// its own.
    pub fn new(slug: Slug, name: Option<&str>, venue: &str, zone: Zone) -> Self {
        let named = name.is_some();
        let name = name.map_or_else(|| slug.to_string(), str::to_owned);
        let name = name.as_str();
        let main_event = Slug::from_name(name, "main");
        let placeholder = jiff::civil::date(2000, 1, 1);
        let mut event_slugs = Slugs::default();
        event_slugs.reserve(&main_event);
        let mut warnings = Vec::new();
        if let Some(w) = zone.warning {
            warnings.push(w);
        }
        Self {
            schedule: Schedule {
                edition: Edition {
                    slug,
                    name: name.to_owned(),
                    venue: venue.to_owned(),
                    time_zone: zone.name,
                    start_date: placeholder,
                    end_date: placeholder,
                    day_change: Time::midnight(),
                },
                events: vec![Event {
                    slug: main_event.clone(),
                    name: name.to_owned(),
                    kind: EventKind::Main,
                    start_date: placeholder,
                    end_date: placeholder,
                }],
                rooms: Vec::new(),
                tracks: Vec::new(),
                speakers: Vec::new(),
                sessions: Vec::new(),
            },
            main_event,
            rooms: HashMap::new(),
            room_slugs: Slugs::default(),
            tracks: HashMap::new(),
            track_slugs: Slugs::default(),
            speakers: HashMap::new(),
            speaker_slugs: Slugs::default(),
            events: HashMap::new(),
            event_slugs,
            by_id: HashMap::new(),
            guids: HashSet::new(),
            day_change: None,
            file_days: Vec::new(),
            dates: None,
            dated: Vec::new(),
            time_field: "start",
            warnings,
            named,
        }
    }

    /// The name came from a calendar's label, not from the conference: an existing edition
    /// keeps its own.
    pub fn name_is_label(&mut self) {
        self.named = false;
    }

    pub fn edition(&self) -> &Edition {
        &self.schedule.edition
    }

    pub fn tz(&self) -> TimeZone {
        self.schedule.edition.tz()
    }

    pub fn warn(&mut self, line: Option<usize>, kind: Repair, message: impl Into<String>) {
        self.warnings.push(Warning {
            line,
            kind,
            message: message.into(),
        });
    }

    /// The hour the file says days change at (frab's `day_change`, or when its days start).
    pub fn stated_day_change(&mut self, time: Time) {
        self.day_change.get_or_insert(time);
    }

    /// What the format calls a session's start, for errors ("DTSTART", "date").
    pub fn time_field(&mut self, name: &'static str) {
        self.time_field = name;
    }

    pub fn stated_dates(&mut self, start: Date, end: Date) {
        if start <= end {
            self.dates = Some((start, end));
        }
    }

    pub fn room(&mut self, name: &str, area: Option<String>, capacity: Option<u32>) -> Slug {
        let name = name.trim();
        if let Some(slug) = self.rooms.get(name) {
            if let Some(c) = capacity
                && let Some(room) = self.schedule.rooms.iter_mut().find(|r| &r.slug == slug)
            {
                room.capacity = Some(c);
            }
            return slug.clone();
        }
        let slug = self.room_slugs.claim(Slug::from_name(name, "room"));
        self.schedule.rooms.push(Room {
            slug: slug.clone(),
            name: name.to_owned(),
            area,
            capacity,
        });
        self.rooms.insert(name.to_owned(), slug.clone());
        slug
    }

    pub fn track(&mut self, name: &str) -> Slug {
        let name = name.trim();
        if let Some(slug) = self.tracks.get(name) {
            return slug.clone();
        }
        let slug = self.track_slugs.claim(Slug::from_name(name, "track"));
        self.schedule.tracks.push(Track {
            slug: slug.clone(),
            name: name.to_owned(),
        });
        self.tracks.insert(name.to_owned(), slug.clone());
        slug
    }

    fn speaker(&mut self, p: &Person) -> Slug {
        if let Some(slug) = self.speakers.get(&p.key) {
            // A later mention may know more (a bio, an affiliation) than the first one did.
            if let Some(sp) = self.schedule.speakers.iter_mut().find(|s| &s.slug == slug) {
                if sp.bio.is_empty() && !p.bio.is_empty() {
                    sp.bio = p.bio.clone();
                }
                if sp.affiliation.is_none() {
                    sp.affiliation = p.affiliation.clone();
                }
            }
            return slug.clone();
        }
        let slug = self
            .speaker_slugs
            .claim(Slug::from_name(&p.name, "speaker"));
        self.schedule.speakers.push(Speaker {
            slug: slug.clone(),
            name: p.name.clone(),
            affiliation: p.affiliation.clone(),
            role: p.role.clone(),
            bio: p.bio.clone(),
        });
        self.speakers.insert(p.key.clone(), slug.clone());
        slug
    }

    fn event(&mut self, name: &str) -> Slug {
        if let Some(slug) = self.events.get(name) {
            return slug.clone();
        }
        let slug = self.event_slugs.claim(Slug::from_name(name, "event"));
        let placeholder = self.schedule.events[0].start_date;
        self.schedule.events.push(Event {
            slug: slug.clone(),
            name: name.to_owned(),
            kind: EventKind::CoLocated,
            start_date: placeholder,
            end_date: placeholder,
        });
        self.events.insert(name.to_owned(), slug.clone());
        slug
    }

    /// Adds a session, or another slot of a session already added under the same id and title.
    pub fn push(&mut self, item: Item) -> Result<(), FormatError> {
        let line = item.line;
        check_text(&item)?;
        let slot = match (item.start, item.end) {
            (Some(start), end) => {
                let end = end.unwrap_or(start);
                if end < start {
                    return Err(located(line, "end", "the session ends before it starts"));
                }
                let room = item
                    .room
                    .as_ref()
                    .filter(|(name, _)| !name.trim().is_empty())
                    .map(|(name, area)| self.room(name, area.clone(), None));
                if let Some(day) = item.file_day {
                    self.file_days.push((start, day));
                }
                self.dated.push(plausible::Dated {
                    start,
                    end,
                    line: item.time_line.or(line),
                    field: item.time_field.clone(),
                    all_day: item.all_day,
                });
                Some(Slot { room, start, end })
            }
            (None, _) => None,
        };

        if let Some(id) = &item.id
            && let Some(&at) = self.by_id.get(id)
        {
            let same = &self.schedule.sessions[at];
            if same.title == item.title.trim() && slot.is_some() && !same.slots.is_empty() {
                self.schedule.sessions[at].slots.extend(slot);
                return Ok(());
            }
            self.warn(
                line,
                Repair::Duplicate,
                format!("id {id} is used by more than one session: kept as separate sessions"),
            );
        }

        let edition = self.schedule.edition.slug.clone();
        let wanted = match (&item.guid, &item.id) {
            (Some(g), _) => *g,
            (None, Some(id)) => Guid::derive(&edition, id, 1),
            (None, None) => Guid::derive(
                &edition,
                &format!("{}/{}", item.title, self.schedule.sessions.len()),
                1,
            ),
        };
        let guid = if self.guids.insert(wanted) {
            wanted
        } else {
            let mut n = 2;
            let fresh = loop {
                let g = Guid::derive(&edition, &format!("duplicate/{wanted}"), n);
                if self.guids.insert(g) {
                    break g;
                }
                n += 1;
            };
            self.warn(
                line,
                Repair::Duplicate,
                format!("GUID {wanted} is used twice: the later session gets {fresh}"),
            );
            fresh
        };

        let duration_minutes = match &slot {
            Some(s) => u32::try_from(s.end.duration_since(s.start).as_secs() / 60).unwrap_or(0),
            None => item.duration_minutes.unwrap_or(0),
        };
        let track = item
            .track
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| self.track(t));
        let event = match item.event.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => self.event(name),
            _ => self.main_event.clone(),
        };
        let mut speakers = Vec::new();
        for p in item.persons.iter().filter(|p| !p.name.trim().is_empty()) {
            let slug = self.speaker(p);
            if !speakers.contains(&slug) {
                speakers.push(slug);
            }
        }
        let title = item.title.trim();
        let session_type = item.session_type.unwrap_or(SessionType::Talk);
        if let Some(id) = &item.id {
            self.by_id
                .entry(id.clone())
                .or_insert(self.schedule.sessions.len());
        }
        self.schedule.sessions.push(Session {
            guid,
            source_uid: item.id,
            event,
            title: if title.is_empty() {
                "(untitled)".to_owned()
            } else {
                title.to_owned()
            },
            subtitle: item.subtitle.trim().to_owned(),
            abstract_text: item.abstract_text.trim().to_owned(),
            description: item.description.trim().to_owned(),
            language: item
                .language
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty()),
            do_not_record: item.do_not_record,
            session_type,
            track,
            speakers,
            duration_minutes,
            url: item
                .url
                .map(|u| absolute_url(u.trim()))
                .filter(|u| !u.is_empty()),
            slots: slot.into_iter().collect(),
        });
        Ok(())
    }

    pub fn session_count(&self) -> usize {
        self.schedule.sessions.len()
    }

    /// Settles the day change and the dates, and hands over the schedule.
    pub fn finish(mut self) -> Result<Imported, FormatError> {
        if self.schedule.sessions.is_empty() {
            return Err(FormatError::whole("the file holds no sessions").kind(ErrorKind::Missing));
        }
        let tz = self.tz();
        plausible::check(
            &self.dated,
            self.time_field,
            &tz,
            self.dates,
            &mut self.warnings,
        )?;
        for (field, text) in [
            ("conference title", &self.schedule.edition.name),
            ("venue", &self.schedule.edition.venue),
        ] {
            if let Some(message) = nul_in(text) {
                return Err(FormatError::field(field, message).kind(ErrorKind::Encoding));
            }
        }
        self.schedule.edition.day_change = self.settle_day_change();
        self.schedule.fit_dates_to_slots();
        if let Some((a, b)) = self.dates {
            let e = &mut self.schedule.edition;
            if self.schedule.sessions.iter().all(|s| s.slots.is_empty()) {
                (e.start_date, e.end_date) = (a, b);
            } else {
                e.start_date = e.start_date.min(a);
                e.end_date = e.end_date.max(b);
            }
            if let Some(main) = self.schedule.events.first_mut() {
                main.start_date = main.start_date.min(a);
                main.end_date = main.end_date.max(b);
            }
        }
        Ok(Imported {
            schedule: self.schedule,
            warnings: self.warnings,
            named: self.named,
        })
    }

    /// The first of the stated day change, the latest after-midnight start plus one hour, and
    /// midnight under which every session falls on the day the file files it under.
    fn settle_day_change(&mut self) -> Time {
        if self.file_days.is_empty() {
            return self.day_change.unwrap_or(Time::midnight());
        }
        let tz = self.tz();
        let local: Vec<(DateTime, Date)> = self
            .file_days
            .iter()
            .map(|(t, d)| (t.to_zoned(tz.clone()).datetime(), *d))
            .collect();
        let after_midnight = local
            .iter()
            .filter(|(dt, day)| dt.date() > *day)
            .map(|(dt, _)| dt.time())
            .max();
        let mut candidates = Vec::new();
        candidates.extend(self.day_change);
        if let Some(t) = after_midnight {
            candidates.push(Time::new(t.hour().saturating_add(1).min(23), 0, 0, 0).unwrap_or(t));
        }
        candidates.push(Time::midnight());
        let fits = |change: Time| {
            local.iter().all(|(dt, day)| {
                let conference_day = if dt.time() < change {
                    dt.date().yesterday().unwrap_or(dt.date())
                } else {
                    dt.date()
                };
                conference_day == *day
            })
        };
        if let Some(found) = candidates.iter().copied().find(|c| fits(*c)) {
            return found;
        }
        self.warn(
            None,
            Repair::DaysMismatch,
            "the file's days do not match its sessions' times: sessions go on the day they start",
        );
        Time::midnight()
    }
}

/// A NUL character in text: no database stores it as text, so no reader lets one through.
fn nul_in(text: &str) -> Option<String> {
    text.find('\0').map(|at| {
        format!(
            "a NUL character after {:?}: schedules are text",
            text[..at]
                .chars()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        )
    })
}

/// Refuses an item whose text holds a NUL character (written as an escape in the file, since
/// raw NUL bytes are refused before reading).
fn check_text(item: &Item) -> Result<(), FormatError> {
    let room = item.room.as_ref().map(|(name, _)| name.as_str());
    let area = item.room.as_ref().and_then(|(_, area)| area.as_deref());
    let mut fields: Vec<(&str, Option<&str>)> = vec![
        ("id", item.id.as_deref()),
        ("title", Some(&item.title)),
        ("subtitle", Some(&item.subtitle)),
        ("abstract", Some(&item.abstract_text)),
        ("description", Some(&item.description)),
        ("language", item.language.as_deref()),
        ("track", item.track.as_deref()),
        ("room", room),
        ("room", area),
        ("event", item.event.as_deref()),
        ("url", item.url.as_deref()),
    ];
    for p in &item.persons {
        fields.push(("person", Some(&p.name)));
        fields.push(("person", Some(&p.key)));
        fields.push(("person", p.affiliation.as_deref()));
        fields.push(("person", p.role.as_deref()));
        fields.push(("person", Some(&p.bio)));
    }
    for (field, text) in fields {
        if let Some(message) = text.and_then(nul_in) {
            let error = match (item.line, &item.time_field) {
                (None, Some(path)) => {
                    let parent = path.rsplit_once('.').map_or(path.as_str(), |(p, _)| p);
                    FormatError::field(format!("{parent}.{field}"), message)
                }
                _ => located(item.line, field, &message),
            };
            return Err(error.kind(ErrorKind::Encoding));
        }
    }
    Ok(())
}

fn located(line: Option<usize>, field: &str, message: &str) -> FormatError {
    match line {
        Some(l) => FormatError::at(l, field, message),
        None => FormatError::field(field, message),
    }
}

/// `//host/path` (a protocol-relative URL, as pentabarf writes them) becomes `https://host/path`.
pub fn absolute_url(url: &str) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    }
}

/// The venue's zone and how it was found.
#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub warning: Option<Warning>,
}

/// The venue's zone: the caller's override, else what the file states, else the zone of the
/// edition when it exists already, else a guess, else an error that says what to give.
pub fn venue_zone(
    stated: Option<&str>,
    opts: &ImportOptions,
    edition: &Slug,
    guess: impl FnOnce() -> Option<(String, String)>,
) -> Result<Zone, FormatError> {
    let valid = |name: &str| TimeZone::get(name).is_ok();
    let known = |name: &str| Zone {
        name: name.to_owned(),
        warning: None,
    };
    if let Some(tz) = &opts.time_zone {
        if !valid(tz) {
            return Err(FormatError::whole(format!("unknown time zone {tz:?}")));
        }
        return Ok(known(tz));
    }
    match stated.map(str::trim).filter(|t| !t.is_empty()) {
        Some(tz) if valid(tz) => return Ok(known(tz)),
        // An unknown zone is never read as UTC or a guess: the times would all be off.
        Some(tz) => {
            return Err(FormatError::whole(format!(
                "the file names the time zone {tz:?}, which does not exist: give the venue's (e.g. --time-zone Europe/Amsterdam)"
            )));
        }
        None => {}
    }
    if let Some(tz) = opts.edition_zones.get(edition).filter(|t| valid(t)) {
        return Ok(known(tz));
    }
    if let Some((tz, how)) = guess() {
        return Ok(Zone {
            warning: Some(Warning {
                line: None,
                kind: Repair::ZoneGuessed,
                message: format!(
                    "the file names no time zone: {tz} ({how}); give --time-zone to say otherwise"
                ),
            }),
            name: tz,
        });
    }
    Err(FormatError::whole(
        "the file does not say the venue's time zone and its edition is new: give it (e.g. --time-zone Europe/Amsterdam)",
    )
    .kind(ErrorKind::Missing))
}

/// The IANA zone named after a city ("Brussels" is Europe/Brussels).
pub fn zone_of_city(city: &str) -> Option<String> {
    let wanted = city.trim().replace(' ', "_");
    if wanted.is_empty() {
        return None;
    }
    jiff::tz::db()
        .available()
        .find(|name| {
            name.as_str()
                .rsplit('/')
                .next()
                .is_some_and(|c| c.eq_ignore_ascii_case(&wanted))
        })
        .map(|name| name.as_str().to_owned())
}

/// A fixed-offset zone for files that give offsets but no zone: `Etc/GMT-1` is UTC+01:00.
pub fn zone_of_offset(offset: jiff::tz::Offset) -> Option<String> {
    let secs = offset.seconds();
    if secs % 3600 != 0 {
        return None;
    }
    let hours = secs / 3600;
    Some(match hours {
        0 => "UTC".to_owned(),
        h if h > 0 => format!("Etc/GMT-{h}"),
        h => format!("Etc/GMT+{}", -h),
    })
}

/// An instant from RFC 3339 text; text without an offset is civil time in `tz`.
pub fn instant(text: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let dt: DateTime = text
        .parse()
        .map_err(|e| format!("not a date and time: {text:?} ({e})"))?;
    tz.to_timestamp(dt)
        .map_err(|e| format!("{text:?} does not exist in the venue's zone: {e}"))
}

/// The offset written in RFC 3339 text, if any.
pub fn offset_of(text: &str) -> Option<jiff::tz::Offset> {
    let text = text.trim();
    let ts: Timestamp = text.parse().ok()?;
    let civil: DateTime = text.get(..19)?.parse().ok()?;
    let as_if_utc = civil.to_zoned(TimeZone::UTC).ok()?.timestamp();
    let secs = i32::try_from(as_if_utc.as_second() - ts.as_second()).ok()?;
    jiff::tz::Offset::from_seconds(secs).ok()
}

/// A duration as frab writes it: `H:MM`, `HH:MM:SS` or `D:HH:MM:SS`; seconds are dropped.
pub fn duration_minutes(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(format!("negative duration {t:?}"));
    }
    let parts: Vec<&str> = t.split(':').collect();
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("not a duration (H:MM): {t:?}"))?;
    let minutes = match nums.as_slice() {
        [h, m] | [h, m, _] if *m < 60 => h.checked_mul(60).and_then(|x| x.checked_add(*m)),
        [d, h, m, _] if *m < 60 && *h < 24 => d
            .checked_mul(24 * 60)
            .and_then(|x| x.checked_add(h * 60 + m)),
        _ => None,
    };
    minutes
        .filter(|m| *m <= 14 * 24 * 60)
        .ok_or_else(|| format!("not a duration (H:MM) or longer than two weeks: {t:?}"))
}

/// Maps the session types programs use (frab's `lecture`, pretalx's `Talk (30 min)`, Sched's
/// categories) onto Hallway's; anything else is a talk.
pub fn session_type(text: &str) -> SessionType {
    let t = text.to_lowercase();
    let has = |w: &str| t.contains(w);
    if let Ok(exact) = t.trim().parse::<SessionType>() {
        return exact;
    }
    if has("keynote") {
        SessionType::Keynote
    } else if has("lightning") {
        SessionType::Lightning
    } else if has("tutorial") {
        SessionType::Tutorial
    } else if has("workshop") || has("hands-on") || has("hands on") || has("contribfest") {
        SessionType::Workshop
    } else if has("panel") || has("podium") {
        SessionType::Panel
    } else if has("poster") {
        SessionType::Poster
    } else if has("bof") || has("meeting") || has("unconference") || has("discussion") {
        SessionType::Unconference
    } else if has("registration") || has("badge") {
        SessionType::Registration
    } else if has("break") || has("lunch") || has("coffee") {
        SessionType::Break
    } else if has("party")
        || has("social")
        || has("performance")
        || has("concert")
        || has("music")
        || has("film")
        || has("game")
    {
        SessionType::Social
    } else {
        SessionType::Talk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_minutes("00:30"), Ok(30));
        assert_eq!(duration_minutes("1:05:00"), Ok(65));
        assert_eq!(duration_minutes("1:02:00:00"), Ok(26 * 60));
        assert!(duration_minutes("-00:30").unwrap_err().contains("negative"));
        assert!(duration_minutes("00:75").is_err());
        assert!(duration_minutes("soon").is_err());
        assert!(duration_minutes("999999:00").is_err());
    }

    #[test]
    fn instants_and_offsets() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let a = instant("2016-12-27T11:00:00+01:00", &berlin).unwrap();
        let b = instant("2016-12-27T11:00:00", &berlin).unwrap();
        let c = instant("2016-12-27T10:00:00Z", &berlin).unwrap();
        assert_eq!((a, b), (c, c));
        assert!(instant("2016-02-30T10:00:00Z", &berlin).is_err());
        assert_eq!(
            offset_of("2016-12-27T11:00:00+01:00"),
            Some(jiff::tz::offset(1))
        );
        assert_eq!(
            zone_of_offset(jiff::tz::offset(1)).as_deref(),
            Some("Etc/GMT-1")
        );
        assert_eq!(zone_of_city("Brussels").as_deref(), Some("Europe/Brussels"));
    }

    #[test]
    fn session_types() {
        for (text, t) in [
            ("lecture", SessionType::Talk),
            ("Talk 30 min + 10min Q&A", SessionType::Talk),
            ("BoF (45 minutes)", SessionType::Unconference),
            ("Workshop (2h)", SessionType::Workshop),
            ("lightningtalk", SessionType::Lightning),
            ("podium", SessionType::Panel),
            ("performance", SessionType::Social),
            ("keynote", SessionType::Keynote),
        ] {
            assert_eq!(session_type(text), t, "{text}");
        }
        for t in SessionType::ALL {
            assert_eq!(session_type(t.as_str()), t, "our own names read back");
        }
    }
}
