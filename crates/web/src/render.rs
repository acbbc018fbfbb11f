//! Renders a release once into every public page and JSON document it has.

use crate::api;
use crate::page::{HTML, JSON, Page};
use crate::views::{
    ChangeLine, DayGroup, SessionItem, change_line, day_label, group_by_day, short_day, time_range,
};
use askama::Template;
use hallway_app::{ExportFormat, Feed};
use hallway_domain::{EventKind, Release, ReleaseNote, Schedule, SessionType};
use hallway_formats::Export;
use jiff::civil::Date;
use std::collections::HashMap;

pub struct Nav {
    pub slug: String,
    pub name: String,
    pub query: String,
    pub footer: String,
}

/// What a released edition keeps in memory besides its pages: for filters and search.
pub struct EditionData {
    pub release: u32,
    pub released_at: jiff::Timestamp,
    /// Where people reach the site, for links in exports.
    pub public_url: String,
    pub schedule: Schedule,
    /// One item per slot, in time order, with its lowercase search text.
    pub items: Vec<(SessionItem, ItemKeys)>,
}

/// What filters and search match an item against.
pub struct ItemKeys {
    /// Index of the session in the schedule.
    pub session: usize,
    pub track: Option<String>,
    pub session_type: SessionType,
    pub room: Option<String>,
    pub title: String,
    pub text: String,
}

pub struct Option_ {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct DayLink {
    pub date: Date,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    nav: Option<Nav>,
    editions: Vec<IndexEntry>,
}

pub struct IndexEntry {
    pub slug: String,
    pub name: String,
    pub dates: String,
    pub venue: String,
    pub sessions: usize,
}

#[derive(Template)]
#[template(path = "edition.html")]
struct EditionPage {
    nav: Option<Nav>,
    slug: String,
    name: String,
    dates: String,
    venue: String,
    time_zone: String,
    sessions: usize,
    speakers: usize,
    rooms: usize,
    release: u32,
    days: Vec<DayCount>,
    events: Vec<EventLine>,
    tracks: Vec<TrackCount>,
}

struct DayCount {
    date: Date,
    label: String,
    sessions: usize,
}

struct EventLine {
    name: String,
    kind: &'static str,
    days: String,
    sessions: usize,
}

struct TrackCount {
    slug: String,
    name: String,
    sessions: usize,
}

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    nav: Option<Nav>,
    slug: String,
    edition_name: String,
    heading: String,
    action: String,
    day_links: Vec<DayLink>,
    track_options: Vec<Option_>,
    type_options: Vec<Option_>,
    room_options: Vec<Option_>,
    count: usize,
    groups: Vec<DayGroup>,
}

#[derive(Template)]
#[template(path = "grid.html")]
struct GridPage {
    nav: Option<Nav>,
    slug: String,
    edition_name: String,
    label: String,
    date: Date,
    day_links: Vec<DayLink>,
    lanes: usize,
    rows: i64,
    columns: Vec<GridColumn>,
    marks: Vec<GridMark>,
    cells: Vec<GridCell>,
}

struct GridColumn {
    name: String,
    col: usize,
    span: usize,
}

struct GridMark {
    row: i64,
    label: String,
}

struct GridCell {
    col: usize,
    row_start: i64,
    row_end: i64,
    item: SessionItem,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    nav: Option<Nav>,
    slug: String,
    guid: String,
    edition_name: String,
    title: String,
    subtitle: String,
    description_paragraphs: Vec<String>,
    language: Option<String>,
    type_label: &'static str,
    track: Option<(String, String)>,
    event: Option<String>,
    slots: Vec<When>,
    speakers: Vec<PersonLine>,
    abstract_paragraphs: Vec<String>,
    url: Option<String>,
}

struct When {
    date: Date,
    day: String,
    time: String,
    iso: String,
    zone: String,
    room: Option<String>,
    area: Option<String>,
}

struct PersonLine {
    slug: String,
    name: String,
    affiliation: Option<String>,
    role: Option<String>,
}

#[derive(Template)]
#[template(path = "speaker.html")]
struct SpeakerPage {
    nav: Option<Nav>,
    feed: String,
    edition_name: String,
    name: String,
    affiliation: Option<String>,
    role: Option<String>,
    bio: Vec<String>,
    sessions: Vec<SessionItem>,
}

#[derive(Template)]
#[template(path = "speakers.html")]
struct SpeakersPage {
    nav: Option<Nav>,
    slug: String,
    edition_name: String,
    speakers: Vec<PersonLine>,
}

#[derive(Template)]
#[template(path = "changelog.html")]
struct ChangelogPage {
    nav: Option<Nav>,
    edition_name: String,
    releases: Vec<ReleaseEntry>,
}

struct ReleaseEntry {
    number: u32,
    when: String,
    first: bool,
    summary: String,
    lines: Vec<ChangeLine>,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    nav: Option<Nav>,
    edition_name: String,
    query: String,
    results: Vec<SessionItem>,
    truncated: bool,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub nav: Option<Nav>,
    pub heading: String,
    pub message: String,
}

/// Paragraphs for reading; text that arrived as HTML is read as text, never rendered.
fn paragraphs(text: &str) -> Vec<String> {
    hallway_formats::html::to_plain_text(text)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn date_span(a: Date, b: Date) -> String {
    if a == b {
        short_day(a)
    } else {
        format!("{} – {}", short_day(a), short_day(b))
    }
}

fn html(t: &impl Template) -> Page {
    // Rendering typed templates only fails on a formatter error, which writing to a String cannot.
    Page::new(HTML, t.render().unwrap_or_default())
}

fn json<T: serde::Serialize>(value: &T) -> Page {
    Page::new(JSON, serde_json::to_vec(value).unwrap_or_default())
}

impl EditionData {
    pub fn new(release: &Release, public_url: &str) -> Self {
        let s = &release.schedule;
        let mut items: Vec<(SessionItem, ItemKeys)> = Vec::new();
        for (index, x) in s.sessions.iter().enumerate() {
            let names: Vec<String> = x
                .speakers
                .iter()
                .filter_map(|sp| s.speaker(sp))
                .map(|sp| {
                    format!(
                        "{} {}",
                        sp.name,
                        sp.affiliation.as_deref().unwrap_or_default()
                    )
                })
                .collect();
            let track = x.track.as_ref().map(|t| t.to_string());
            let track_name = x
                .track
                .as_ref()
                .and_then(|t| s.track(t))
                .map(|t| t.name.as_str());
            let text = format!(
                "{} {} {} {} {} {}",
                x.title,
                x.subtitle,
                hallway_formats::html::to_plain_text(&x.abstract_text),
                hallway_formats::html::to_plain_text(&x.description),
                names.join(" "),
                track_name.unwrap_or("")
            )
            .to_lowercase();
            let rooms: Vec<Option<String>> = if x.slots.is_empty() {
                vec![None]
            } else {
                x.slots
                    .iter()
                    .map(|sl| sl.room.as_ref().map(|r| r.to_string()))
                    .collect()
            };
            for (item, room) in SessionItem::all_of(s, x).into_iter().zip(rooms) {
                let keys = ItemKeys {
                    session: index,
                    track: track.clone(),
                    session_type: x.session_type,
                    room,
                    title: x.title.to_lowercase(),
                    text: text.clone(),
                };
                items.push((item, keys));
            }
        }
        items.sort_by(|a, b| {
            (
                a.0.start.as_ref().map(|z| z.timestamp()),
                &a.0.room,
                &a.0.title,
            )
                .cmp(&(
                    b.0.start.as_ref().map(|z| z.timestamp()),
                    &b.0.room,
                    &b.0.title,
                ))
        });
        Self {
            release: release.number,
            released_at: release.released_at,
            public_url: public_url.to_owned(),
            schedule: s.clone(),
            items,
        }
    }

    /// The release in an interchange format, links pointing at the public site.
    pub fn export(&self, format: ExportFormat, feed: &Feed) -> Page {
        let export = Export::new(
            &self.schedule,
            format!("release {}", self.release),
            &self.public_url,
            self.released_at,
        );
        Page::new(format.content_type(), format.write(&export, feed))
    }

    pub fn nav(&self, query: &str) -> Option<Nav> {
        let e = &self.schedule.edition;
        Some(Nav {
            slug: e.slug.to_string(),
            name: e.name.clone(),
            query: query.to_owned(),
            footer: format!(
                "{} · release {} · times in {}",
                e.name, self.release, e.time_zone
            ),
        })
    }

    fn day_links(&self, current: Option<Date>) -> Vec<DayLink> {
        self.schedule
            .edition
            .days()
            .into_iter()
            .map(|d| DayLink {
                date: d,
                label: short_day(d),
                current: Some(d) == current,
            })
            .collect()
    }

    /// The list view, filtered; what the unfiltered pages and the filter form both use.
    pub fn list_page(&self, filter: &Filter, day: Option<Date>) -> ListPage {
        let s = &self.schedule;
        let slug = s.edition.slug.to_string();
        let items: Vec<SessionItem> = self
            .items
            .iter()
            .filter(|(item, keys)| {
                day.is_none_or(|d| item.date == Some(d))
                    && filter
                        .track
                        .as_ref()
                        .is_none_or(|t| keys.track.as_ref() == Some(t))
                    && filter.session_type.is_none_or(|t| keys.session_type == t)
                    && filter
                        .room
                        .as_ref()
                        .is_none_or(|r| keys.room.as_ref() == Some(r))
            })
            .map(|(item, _)| item.clone())
            .collect();
        let opt = |value: String, label: String, selected: bool| Option_ {
            value,
            label,
            selected,
        };
        let used_types: Vec<SessionType> = SessionType::ALL
            .into_iter()
            .filter(|t| s.sessions.iter().any(|x| x.session_type == *t))
            .collect();
        ListPage {
            nav: self.nav(""),
            edition_name: s.edition.name.clone(),
            heading: match day {
                Some(d) => day_label(d),
                None => "Schedule".to_owned(),
            },
            action: match day {
                Some(d) => format!("/{slug}/schedule/{d}/list"),
                None => format!("/{slug}/schedule/"),
            },
            day_links: self.day_links(day),
            track_options: s
                .tracks
                .iter()
                .map(|t| {
                    opt(
                        t.slug.to_string(),
                        t.name.clone(),
                        filter.track.as_deref() == Some(t.slug.as_str()),
                    )
                })
                .collect(),
            type_options: used_types
                .into_iter()
                .map(|t| {
                    opt(
                        t.as_str().to_owned(),
                        t.label().to_owned(),
                        filter.session_type == Some(t),
                    )
                })
                .collect(),
            room_options: s
                .rooms
                .iter()
                .map(|r| {
                    opt(
                        r.slug.to_string(),
                        r.name.clone(),
                        filter.room.as_deref() == Some(r.slug.as_str()),
                    )
                })
                .collect(),
            count: items.len(),
            groups: group_by_day(&items),
            slug,
        }
    }

    pub fn search_page(&self, query: &str) -> SearchPage {
        const LIMIT: usize = 200;
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut hits: Vec<(bool, &SessionItem)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        if !words.is_empty() {
            for (item, keys) in &self.items {
                if words.iter().all(|w| keys.text.contains(w.as_str())) && seen.insert(&item.href) {
                    hits.push((words.iter().all(|w| keys.title.contains(w.as_str())), item));
                }
            }
        }
        // Title matches first, then time order.
        hits.sort_by_key(|(in_title, _)| !*in_title);
        let truncated = hits.len() > LIMIT;
        SearchPage {
            nav: self.nav(query),
            edition_name: self.schedule.edition.name.clone(),
            query: query.to_owned(),
            results: hits
                .into_iter()
                .take(LIMIT)
                .map(|(_, i)| i.clone())
                .collect(),
            truncated,
        }
    }
}

/// Filters of the schedule list, from the query string.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    pub track: Option<String>,
    pub session_type: Option<SessionType>,
    pub room: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Every page of a released edition, by path.
pub fn edition_pages(
    data: &EditionData,
    release: &Release,
    notes: &[ReleaseNote],
) -> Vec<(String, Page)> {
    let s = &release.schedule;
    let e = &s.edition;
    let slug = e.slug.to_string();
    let mut pages = Vec::new();

    let count_on = |d: Date| data.items.iter().filter(|(i, _)| i.date == Some(d)).count();
    let days: Vec<DayCount> = e
        .days()
        .into_iter()
        .map(|d| DayCount {
            date: d,
            label: day_label(d),
            sessions: count_on(d),
        })
        .collect();
    let mut by_event: HashMap<&str, usize> = HashMap::new();
    let mut by_track: HashMap<&str, usize> = HashMap::new();
    for x in &s.sessions {
        *by_event.entry(x.event.as_str()).or_default() += 1;
        if let Some(t) = &x.track {
            *by_track.entry(t.as_str()).or_default() += 1;
        }
    }
    let home = EditionPage {
        nav: data.nav(""),
        slug: slug.clone(),
        name: e.name.clone(),
        dates: date_span(e.start_date, e.end_date),
        venue: e.venue.clone(),
        time_zone: e.time_zone.clone(),
        sessions: s.sessions.len(),
        speakers: s.speakers.len(),
        rooms: s.rooms.len(),
        release: release.number,
        days,
        events: s
            .events
            .iter()
            .map(|ev| EventLine {
                name: ev.name.clone(),
                kind: match ev.kind {
                    EventKind::Main => "main conference",
                    EventKind::CoLocated => "co-located",
                },
                days: date_span(ev.start_date, ev.end_date),
                sessions: by_event.get(ev.slug.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        tracks: s
            .tracks
            .iter()
            .map(|t| TrackCount {
                slug: t.slug.to_string(),
                name: t.name.clone(),
                sessions: by_track.get(t.slug.as_str()).copied().unwrap_or(0),
            })
            .collect(),
    };
    pages.push((format!("/{slug}/"), html(&home)));
    pages.push((
        format!("/{slug}/schedule/"),
        html(&data.list_page(&Filter::default(), None)),
    ));

    for d in e.days() {
        pages.push((
            format!("/{slug}/schedule/{d}/list"),
            html(&data.list_page(&Filter::default(), Some(d))),
        ));
        pages.push((format!("/{slug}/schedule/{d}/"), html(&grid_page(data, d))));
    }

    let tz_name = |t: jiff::Timestamp| s.local(t).strftime("%Z").to_string();
    for x in &s.sessions {
        let page = SessionPage {
            nav: data.nav(""),
            slug: slug.clone(),
            guid: x.guid.to_string(),
            edition_name: e.name.clone(),
            title: x.title.clone(),
            subtitle: x.subtitle.clone(),
            description_paragraphs: paragraphs(&x.description),
            language: x.language.clone(),
            type_label: x.session_type.label(),
            track: x
                .track
                .as_ref()
                .and_then(|t| s.track(t))
                .map(|t| (t.slug.to_string(), t.name.clone())),
            event: s
                .event(&x.event)
                .filter(|ev| ev.kind == EventKind::CoLocated)
                .map(|ev| ev.name.clone()),
            slots: x
                .slots
                .iter()
                .map(|sl| {
                    let room = sl.room.as_ref().and_then(|r| s.room(r));
                    When {
                        date: s.day_of(sl),
                        day: day_label(s.day_of(sl)),
                        time: time_range(s, sl),
                        iso: api::rfc3339(s, sl.start),
                        zone: tz_name(sl.start),
                        room: room.map(|r| r.name.clone()),
                        area: room
                            .and_then(|r| r.area.clone())
                            .filter(|a| room.is_some_and(|r| !r.name.starts_with(a.as_str()))),
                    }
                })
                .collect(),
            speakers: x
                .speakers
                .iter()
                .filter_map(|sp| s.speaker(sp))
                .map(|sp| PersonLine {
                    slug: sp.slug.to_string(),
                    name: sp.name.clone(),
                    affiliation: sp.affiliation.clone(),
                    role: sp.role.clone(),
                })
                .collect(),
            abstract_paragraphs: paragraphs(&x.abstract_text),
            url: x.web_url().map(str::to_owned),
        };
        pages.push((format!("/{slug}/sessions/{}", x.guid), html(&page)));
        pages.push((
            format!("/api/v1/editions/{slug}/sessions/{}", x.guid),
            json(&api::session_view(s, x)),
        ));
    }

    for sp in &s.speakers {
        let sessions: Vec<SessionItem> = data
            .items
            .iter()
            .filter(|(_, keys)| s.sessions[keys.session].speakers.contains(&sp.slug))
            .map(|(item, _)| item.clone())
            .collect();
        let page = SpeakerPage {
            nav: data.nav(""),
            feed: format!("/{slug}/speakers/{}.ics", sp.slug),
            edition_name: e.name.clone(),
            name: sp.name.clone(),
            affiliation: sp.affiliation.clone(),
            role: sp.role.clone(),
            bio: paragraphs(&sp.bio),
            sessions,
        };
        pages.push((format!("/{slug}/speakers/{}", sp.slug), html(&page)));
    }
    let mut people: Vec<PersonLine> = s
        .speakers
        .iter()
        .map(|sp| PersonLine {
            slug: sp.slug.to_string(),
            name: sp.name.clone(),
            affiliation: sp.affiliation.clone(),
            role: None,
        })
        .collect();
    people.sort_by_key(|p| p.name.to_lowercase());
    pages.push((
        format!("/{slug}/speakers/"),
        html(&SpeakersPage {
            nav: data.nav(""),
            slug: slug.clone(),
            edition_name: e.name.clone(),
            speakers: people,
        }),
    ));

    let releases = notes
        .iter()
        .map(|n| {
            let c = n.changes.counts();
            ReleaseEntry {
                number: n.number,
                when: s
                    .local(n.released_at)
                    .strftime("%-d %B %Y, %H:%M %Z")
                    .to_string(),
                first: n.number == 1,
                summary: format!(
                    "{} added · {} removed · {} moved in time · {} moved room · {} retitled",
                    c.added, c.removed, c.moved_in_time, c.moved_room, c.retitled
                ),
                lines: n
                    .changes
                    .changes
                    .iter()
                    .map(|ch| change_line(s, ch))
                    .collect(),
            }
        })
        .collect();
    pages.push((
        format!("/{slug}/changelog"),
        html(&ChangelogPage {
            nav: data.nav(""),
            edition_name: e.name.clone(),
            releases,
        }),
    ));

    pages.push((
        format!("/api/v1/editions/{slug}"),
        json(&api::edition_view(s, release.number)),
    ));
    let sessions: Vec<api::SessionView> =
        s.sessions.iter().map(|x| api::session_view(s, x)).collect();
    pages.push((format!("/api/v1/editions/{slug}/sessions"), json(&sessions)));
    pages.push((
        format!("/api/v1/editions/{slug}/speakers"),
        json(&api::speaker_views(s)),
    ));
    let release_views: Vec<api::ReleaseView> = notes
        .iter()
        .map(|n| api::release_view(n.number, n.released_at, n.changes.counts()))
        .collect();
    pages.push((
        format!("/api/v1/editions/{slug}/releases"),
        json(&release_views),
    ));

    // Interchange files and calendar feeds, rendered with the release like every page.
    for (name, format) in [
        ("schedule.xml", ExportFormat::FrabXml),
        ("schedule.json", ExportFormat::FrabJson),
        ("schedule.ics", ExportFormat::Ical),
        ("schedule.csv", ExportFormat::Csv),
    ] {
        pages.push((
            format!("/{slug}/{name}"),
            data.export(format, &Feed::Edition),
        ));
    }
    let feeds = s
        .tracks
        .iter()
        .map(|t| {
            (
                format!("/{slug}/tracks/{}.ics", t.slug),
                Feed::Track(t.slug.clone()),
            )
        })
        .chain(s.rooms.iter().map(|r| {
            (
                format!("/{slug}/rooms/{}.ics", r.slug),
                Feed::Room(r.slug.clone()),
            )
        }))
        .chain(s.speakers.iter().map(|p| {
            (
                format!("/{slug}/speakers/{}.ics", p.slug),
                Feed::Speaker(p.slug.clone()),
            )
        }))
        .chain(
            s.events
                .iter()
                .filter(|e| e.kind == EventKind::CoLocated)
                .map(|e| {
                    (
                        format!("/{slug}/events/{}.ics", e.slug),
                        Feed::Event(e.slug.clone()),
                    )
                }),
        );
    for (path, feed) in feeds {
        pages.push((path, data.export(ExportFormat::Ical, &feed)));
    }
    pages
}

/// Rooms as columns (split into lanes where a room holds overlapping sessions), 5-minute rows.
fn grid_page(data: &EditionData, day: Date) -> GridPage {
    const ROW_MINUTES: i64 = 5;
    let s = &data.schedule;
    let mut placed: Vec<(usize, i64, i64, SessionItem)> = Vec::new();
    let mut room_order: Vec<String> = Vec::new();
    let cells_of_day: Vec<(&SessionItem, &ItemKeys)> = data
        .items
        .iter()
        .filter(|(i, _)| i.date == Some(day))
        .map(|(i, k)| (i, k))
        .collect();
    // Minutes since the day's midnight: after-midnight sessions of this conference day go last.
    let minutes = |z: &jiff::Zoned| {
        let next_day = if z.date() > day { 24 * 60 } else { 0 };
        next_day + i64::from(z.hour()) * 60 + i64::from(z.minute())
    };
    let mut first = i64::MAX;
    let mut last = i64::MIN;
    for (x, _) in &cells_of_day {
        if let Some(z) = &x.start {
            first = first.min(minutes(z));
        }
    }
    if first == i64::MAX {
        first = 9 * 60;
    }
    first -= first % 30;
    // Lanes: per room, greedy interval colouring.
    let mut lanes: HashMap<String, Vec<i64>> = HashMap::new();
    for room in &s.rooms {
        let name = room.slug.to_string();
        if cells_of_day
            .iter()
            .any(|(_, k)| k.room.as_ref() == Some(&name))
        {
            room_order.push(name);
        }
    }
    let mut cell_lane: Vec<(String, usize, i64, i64, SessionItem)> = Vec::new();
    for (item, keys) in &cells_of_day {
        let (Some(start), Some(room)) = (&item.start, &keys.room) else {
            continue;
        };
        let slot_start = minutes(start);
        // Past-midnight sessions end on the next calendar day: measure from the start instead.
        let duration = i64::from(s.sessions[keys.session].duration_minutes).max(5);
        let end = slot_start + duration;
        last = last.max(end);
        let room_lanes = lanes.entry(room.clone()).or_default();
        let lane = match room_lanes
            .iter()
            .position(|&busy_until| busy_until <= slot_start)
        {
            Some(l) => {
                room_lanes[l] = end;
                l
            }
            None => {
                room_lanes.push(end);
                room_lanes.len() - 1
            }
        };
        cell_lane.push((room.clone(), lane, slot_start, end, (*item).clone()));
    }
    if last == i64::MIN {
        last = first + 60;
    }
    let mut columns = Vec::new();
    let mut col_of: HashMap<&str, usize> = HashMap::new();
    let mut next_col = 2;
    for room in &room_order {
        let span = lanes.get(room).map_or(1, Vec::len).max(1);
        let name = s
            .rooms
            .iter()
            .find(|r| r.slug.as_str() == room)
            .map_or_else(|| room.clone(), |r| r.name.clone());
        columns.push(GridColumn {
            name,
            col: next_col,
            span,
        });
        col_of.insert(room.as_str(), next_col);
        next_col += span;
    }
    for (room, lane, start, end, item) in cell_lane {
        let col = col_of.get(room.as_str()).copied().unwrap_or(2) + lane;
        placed.push((
            col,
            2 + (start - first) / ROW_MINUTES,
            2 + ceil_div(end - first, ROW_MINUTES),
            item,
        ));
    }
    let rows = ceil_div(last - first, ROW_MINUTES).max(1);
    let marks = (0..=rows / 6)
        .map(|i| {
            let m = first + i * 30;
            GridMark {
                row: 2 + i * 6,
                label: format!("{:02}:{:02}", (m / 60) % 24, m % 60),
            }
        })
        .collect();
    GridPage {
        nav: data.nav(""),
        slug: s.edition.slug.to_string(),
        edition_name: s.edition.name.clone(),
        label: day_label(day),
        date: day,
        day_links: data.day_links(Some(day)),
        lanes: next_col - 2,
        rows,
        columns,
        marks,
        cells: placed
            .into_iter()
            .map(|(col, row_start, row_end, item)| GridCell {
                col,
                row_start,
                row_end,
                item,
            })
            .collect(),
    }
}

/// The list of released editions, as HTML and JSON.
pub fn index_pages(editions: &[&EditionData]) -> Vec<(String, Page)> {
    let entries = editions
        .iter()
        .map(|d| {
            let e = &d.schedule.edition;
            IndexEntry {
                slug: e.slug.to_string(),
                name: e.name.clone(),
                dates: date_span(e.start_date, e.end_date),
                venue: e.venue.clone(),
                sessions: d.schedule.sessions.len(),
            }
        })
        .collect();
    let views: Vec<api::EditionView> = editions
        .iter()
        .map(|d| api::edition_view(&d.schedule, d.release))
        .collect();
    vec![
        (
            "/".to_owned(),
            html(&IndexPage {
                nav: None,
                editions: entries,
            }),
        ),
        ("/api/v1/editions".to_owned(), json(&views)),
    ]
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1).div_euclid(b)
}
