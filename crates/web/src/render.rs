//! Renders a release once into every public page and JSON document it has.

use crate::api;
use crate::grid;
use crate::page::{HTML, JSON, Page};
use crate::views::{
    ChangeLine, DayGroup, SessionItem, change_line, day_label, group_by_day, short_day, time_range,
};
use askama::Template;
use hallway_app::{ExportFormat, Feed};
use hallway_domain::search::SearchIndex;
use hallway_domain::{EventKind, Release, ReleaseNote, Schedule, SessionType, collate};
use hallway_formats::Export;
use jiff::civil::Date;
use std::collections::HashMap;

/// Longer than this, a session is a block of the day (an expo, a showcase), shown in the band.
const LONGEST_IN_GRID_MINUTES: i64 = 4 * 60;

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
    /// One item per slot, in time order, with what filters match.
    pub items: Vec<(SessionItem, ItemKeys)>,
    /// The items of each conference day, so that a day's pages cost what that day holds, never
    /// what the whole edition holds.
    by_day: HashMap<Date, Vec<usize>>,
    /// Each session's first item.
    first_item: HashMap<usize, usize>,
    search: SearchIndex,
}

/// What filters and search match an item against.
pub struct ItemKeys {
    /// Index of the session in the schedule.
    pub session: usize,
    pub track: Option<String>,
    pub session_type: SessionType,
    pub room: Option<String>,
    pub end: Option<jiff::Timestamp>,
}

pub struct Option_ {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct DayLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// The form that filters a list or a grid by event, track, type and room.
pub struct FilterForm {
    action: String,
    event_options: Vec<Option_>,
    track_options: Vec<Option_>,
    type_options: Vec<Option_>,
    room_options: Vec<Option_>,
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
    slug: String,
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
    edition_name: String,
    heading: String,
    day_links: Vec<DayLink>,
    form: FilterForm,
    count: usize,
    groups: Vec<DayGroup>,
}

#[derive(Template)]
#[template(path = "grid.html")]
pub struct GridPage {
    nav: Option<Nav>,
    edition_name: String,
    label: String,
    day_links: Vec<DayLink>,
    /// The same day as a list, with the same filters.
    list_href: String,
    form: FilterForm,
    zone: String,
    rows: i64,
    columns: Vec<GridColumn>,
    marks: Vec<GridMark>,
    blocks: Vec<GridBlock>,
    /// Badge pick-up, breaks, co-located blocks and sessions without a room, above the grid.
    band: Vec<SessionItem>,
}

struct GridColumn {
    name: String,
    col: usize,
}

struct GridMark {
    row: i64,
    label: String,
}

/// A session alone, or the sessions that share a room at once, shown as one stack. Blocks come
/// in time order, so that the same markup is the grid on a wide screen and the list by start
/// time on a phone (the page carries each session once).
struct GridBlock {
    col: usize,
    row_start: i64,
    row_end: i64,
    /// The start time and how many sessions start then, on the first block of each start time:
    /// the list's heading on a phone.
    starts: Option<(String, usize)>,
    items: Vec<SessionItem>,
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
    event: Option<(String, String)>,
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
    results: Vec<SearchResult>,
    truncated: bool,
}

/// A session found, with its day (results span the whole edition) and the speakers whose names
/// matched, linked.
pub struct SearchResult {
    item: SessionItem,
    speakers: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "now.html")]
pub struct NowPage {
    nav: Option<Nav>,
    slug: String,
    edition_name: String,
    /// The moment the page is for, in the venue's zone ("Wed 25 Mar 10:42 CET").
    clock: String,
    now: Vec<SessionItem>,
    next: Vec<SessionItem>,
    next_label: String,
    today: Date,
    /// Whether `today` is a day of the edition: the grid link jumps there.
    on_a_day: bool,
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
            let track = x.track.as_ref().map(|t| t.to_string());
            let slots: Vec<(Option<String>, Option<jiff::Timestamp>)> = if x.slots.is_empty() {
                vec![(None, None)]
            } else {
                x.slots
                    .iter()
                    .map(|sl| (sl.room.as_ref().map(|r| r.to_string()), Some(sl.end)))
                    .collect()
            };
            for (item, (room, end)) in SessionItem::all_of(s, x).into_iter().zip(slots) {
                let keys = ItemKeys {
                    session: index,
                    track: track.clone(),
                    session_type: x.session_type,
                    room,
                    end,
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
        let mut by_day: HashMap<Date, Vec<usize>> = HashMap::new();
        let mut first_item: HashMap<usize, usize> = HashMap::new();
        for (i, (item, keys)) in items.iter().enumerate() {
            if let Some(d) = item.date {
                by_day.entry(d).or_default().push(i);
            }
            first_item.entry(keys.session).or_insert(i);
        }
        Self {
            release: release.number,
            released_at: release.released_at,
            public_url: public_url.to_owned(),
            schedule: s.clone(),
            items,
            by_day,
            first_item,
            search: SearchIndex::new(s),
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

    /// Links to each day's grid, keeping the filters chosen.
    fn day_links(&self, current: Option<Date>, filter: &Filter) -> Vec<DayLink> {
        let slug = self.schedule.edition.slug.as_str();
        let query = filter.query();
        self.schedule
            .edition
            .days()
            .into_iter()
            .map(|d| DayLink {
                href: format!("/{slug}/schedule/{d}/{query}"),
                label: short_day(d),
                current: Some(d) == current,
            })
            .collect()
    }

    /// The items of one conference day, in time order.
    pub fn items_on(&self, day: Date) -> impl Iterator<Item = &(SessionItem, ItemKeys)> {
        self.by_day
            .get(&day)
            .into_iter()
            .flatten()
            .map(|&i| &self.items[i])
    }

    /// The list view, filtered; what the unfiltered pages and the filter form both use.
    pub fn list_page(&self, filter: &Filter, day: Option<Date>) -> ListPage {
        let s = &self.schedule;
        let slug = s.edition.slug.to_string();
        let candidates: Box<dyn Iterator<Item = &(SessionItem, ItemKeys)>> = match day {
            Some(d) => Box::new(self.items_on(d)),
            None => Box::new(self.items.iter()),
        };
        let items: Vec<SessionItem> = candidates
            .filter(|(_, keys)| filter.matches(s, keys))
            .map(|(item, _)| item.clone())
            .collect();
        ListPage {
            nav: self.nav(""),
            edition_name: s.edition.name.clone(),
            heading: match day {
                Some(d) => day_label(d),
                None => "Schedule".to_owned(),
            },
            day_links: self.day_links(day, filter),
            form: self.filter_form(
                filter,
                match day {
                    Some(d) => format!("/{slug}/schedule/{d}/list"),
                    None => format!("/{slug}/schedule/"),
                },
            ),
            count: items.len(),
            groups: group_by_day(&items),
        }
    }

    /// The filter form, with what `filter` chose selected; it submits to `action`.
    fn filter_form(&self, filter: &Filter, action: String) -> FilterForm {
        let s = &self.schedule;
        let opt = |value: String, label: String, selected: bool| Option_ {
            value,
            label,
            selected,
        };
        let used_types: Vec<SessionType> = SessionType::ALL
            .into_iter()
            .filter(|t| s.sessions.iter().any(|x| x.session_type == *t))
            .collect();
        FilterForm {
            action,
            event_options: if s.events.len() > 1 {
                s.events
                    .iter()
                    .map(|e| {
                        opt(
                            e.slug.to_string(),
                            e.name.clone(),
                            filter.event.as_deref() == Some(e.slug.as_str()),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
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
        }
    }

    /// What is on at `at` and what starts next: the page people open between two talks.
    pub fn now_page(&self, at: jiff::Timestamp) -> NowPage {
        let s = &self.schedule;
        let program = |keys: &ItemKeys| {
            keys.session_type.is_program() && keys.session_type != SessionType::Event
        };
        let start_of = |item: &SessionItem| item.start.as_ref().map(|z| z.timestamp());
        let now: Vec<SessionItem> = self
            .items
            .iter()
            .filter(|(item, keys)| {
                program(keys)
                    && start_of(item).is_some_and(|t| t <= at)
                    && keys.end.is_some_and(|e| e > at)
            })
            .map(|(item, _)| item.clone())
            .collect();
        // Items are in time order: the next start time is the first after `at`.
        let first_after = self
            .items
            .partition_point(|(item, _)| start_of(item).is_none_or(|t| t <= at));
        let next_at = self.items[first_after..]
            .iter()
            .find(|(_, keys)| program(keys))
            .and_then(|(item, _)| start_of(item));
        let next: Vec<SessionItem> = self.items[first_after..]
            .iter()
            .take_while(|(item, _)| start_of(item) == next_at)
            .filter(|(_, keys)| program(keys))
            .map(|(item, _)| item.clone())
            .collect();
        let local = s.local(at);
        NowPage {
            nav: self.nav(""),
            slug: s.edition.slug.to_string(),
            edition_name: s.edition.name.clone(),
            clock: format!("{} {}", short_day(local.date()), local.strftime("%H:%M %Z")),
            next_label: next
                .first()
                .and_then(|i| i.start.as_ref())
                .map(|z| format!("{} {}", short_day(z.date()), z.strftime("%H:%M")))
                .unwrap_or_default(),
            today: s.edition.day_of(at),
            on_a_day: s.edition.days().contains(&s.edition.day_of(at)),
            now,
            next,
        }
    }

    /// A day's grid, filtered.
    pub fn grid_page(&self, day: Date, filter: &Filter) -> GridPage {
        grid_page_of(self, day, filter)
    }

    pub fn search_page(&self, query: &str) -> SearchPage {
        const LIMIT: usize = 200;
        let s = &self.schedule;
        let slug = s.edition.slug.as_str();
        let hits = self.search.search(query, LIMIT + 1);
        let truncated = hits.len() > LIMIT;
        let results = hits
            .into_iter()
            .take(LIMIT)
            .filter_map(|hit| {
                let (item, _) = &self.items[*self.first_item.get(&hit.session)?];
                Some(SearchResult {
                    item: item.clone(),
                    speakers: hit
                        .speakers
                        .iter()
                        .filter_map(|&i| s.speakers.get(i))
                        .map(|p| (format!("/{slug}/speakers/{}", p.slug), p.name.clone()))
                        .collect(),
                })
            })
            .collect();
        SearchPage {
            nav: self.nav(query),
            edition_name: s.edition.name.clone(),
            query: query.to_owned(),
            results,
            truncated,
        }
    }
}

/// Filters of the schedule list, from the query string.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    pub event: Option<String>,
    pub track: Option<String>,
    pub session_type: Option<SessionType>,
    pub room: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    fn matches(&self, s: &Schedule, keys: &ItemKeys) -> bool {
        self.event
            .as_ref()
            .is_none_or(|e| s.sessions[keys.session].event.as_str() == e)
            && self
                .track
                .as_ref()
                .is_none_or(|t| keys.track.as_ref() == Some(t))
            && self.session_type.is_none_or(|t| keys.session_type == t)
            && self
                .room
                .as_ref()
                .is_none_or(|r| keys.room.as_ref() == Some(r))
    }

    /// The query string that asks for this filter ("?track=security&type=talk"), or "".
    pub fn query(&self) -> String {
        let pairs: Vec<String> = [
            ("event", self.event.as_deref()),
            ("track", self.track.as_deref()),
            ("type", self.session_type.map(SessionType::as_str)),
            ("room", self.room.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", query_escape(v))))
        .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// Percent-encodes what a query value may not hold as it is.
fn query_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

    let count_on = |d: Date| data.items_on(d).count();
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
                slug: ev.slug.to_string(),
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
    // Each event of the edition, co-located ones included, has its own page; its form filters
    // the whole schedule with the event chosen.
    for ev in &s.events {
        let filter = Filter {
            event: Some(ev.slug.to_string()),
            ..Filter::default()
        };
        let mut page = data.list_page(&filter, None);
        page.heading = format!("{} · {}", ev.name, date_span(ev.start_date, ev.end_date));
        pages.push((format!("/{slug}/events/{}/", ev.slug), html(&page)));
    }

    for d in e.days() {
        pages.push((
            format!("/{slug}/schedule/{d}/list"),
            html(&data.list_page(&Filter::default(), Some(d))),
        ));
        pages.push((
            format!("/{slug}/schedule/{d}/"),
            html(&data.grid_page(d, &Filter::default())),
        ));
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
                .map(|ev| (ev.slug.to_string(), ev.name.clone())),
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
    people.sort_by_cached_key(|p| (collate::sort_key(&p.name), p.name.clone()));
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

/// Rooms as columns, biggest first; 5-minute rows from the day's first real session; logistics
/// in a band above; sessions that share a room at once as one stack (see `grid::layout`).
fn grid_page_of(data: &EditionData, day: Date, filter: &Filter) -> GridPage {
    const ROW_MINUTES: i64 = 5;
    let s = &data.schedule;
    let items: Vec<&(SessionItem, ItemKeys)> = data
        .items_on(day)
        .filter(|(_, keys)| filter.matches(s, keys))
        .collect();
    // Minutes since the day's midnight: after-midnight sessions of this conference day go last.
    let minutes = |z: &jiff::Zoned| {
        let next_day = if z.date() > day { 24 * 60 } else { 0 };
        next_day + i64::from(z.hour()) * 60 + i64::from(z.minute())
    };
    let entries: Vec<grid::Entry> = items
        .iter()
        .enumerate()
        .filter_map(|(id, (item, keys))| {
            let start = minutes(item.start.as_ref()?);
            let x = &s.sessions[keys.session];
            let length = i64::from(x.duration_minutes);
            let logistics = !x.session_type.is_program()
                || x.session_type == SessionType::Event
                || length > LONGEST_IN_GRID_MINUTES;
            Some(grid::Entry {
                id,
                room: keys.room.clone(),
                start,
                end: start + length,
                kind: if logistics {
                    grid::Kind::Logistics
                } else {
                    grid::Kind::Program
                },
            })
        })
        .collect();
    let rooms: Vec<grid::Room> = s
        .rooms
        .iter()
        .map(|r| grid::Room {
            slug: r.slug.to_string(),
            capacity: r.capacity,
        })
        .collect();
    let layout = grid::layout(&entries, &rooms, ROW_MINUTES);
    let entries_start: HashMap<usize, i64> = entries.iter().map(|e| (e.id, e.start)).collect();
    let room_names: HashMap<&str, &str> = s
        .rooms
        .iter()
        .map(|r| (r.slug.as_str(), r.name.as_str()))
        .collect();
    let room_name = |slug: &str| room_names.get(slug).copied().unwrap_or(slug).to_owned();
    let row = |minute: i64| 2 + (minute - layout.first) / ROW_MINUTES;
    let rows = ceil_div(layout.last - layout.first, ROW_MINUTES).max(1);
    GridPage {
        nav: data.nav(""),
        edition_name: s.edition.name.clone(),
        label: day_label(day),
        day_links: data.day_links(Some(day), filter),
        list_href: format!("/{}/schedule/{day}/list{}", s.edition.slug, filter.query()),
        form: data.filter_form(filter, format!("/{}/schedule/{day}/", s.edition.slug)),
        zone: s.edition.time_zone.clone(),
        rows,
        columns: layout
            .columns
            .iter()
            .enumerate()
            .map(|(i, slug)| GridColumn {
                name: room_name(slug),
                col: i + 2,
            })
            .collect(),
        marks: (0..=rows / 6)
            .map(|i| {
                let m = layout.first + i * 30;
                GridMark {
                    row: 2 + i * 6,
                    label: hh_mm(m),
                }
            })
            .collect(),
        blocks: time_ordered(&layout.blocks, |b| entries_start[&b.entries[0]])
            .map(|(b, at, starts)| GridBlock {
                col: b.column + 2,
                row_start: row(b.start),
                row_end: row(b.end),
                starts: starts.map(|n| (hh_mm(at), n)),
                items: b.entries.iter().map(|&id| items[id].0.clone()).collect(),
            })
            .collect(),
        band: layout.band.iter().map(|&id| items[id].0.clone()).collect(),
    }
}

/// Blocks by the start of their first session, then column; the first block of each start time
/// with how many sessions its blocks hold (a stack counts each of its sessions).
fn time_ordered(
    blocks: &[grid::Block],
    start: impl Fn(&grid::Block) -> i64,
) -> impl Iterator<Item = (&grid::Block, i64, Option<usize>)> {
    let mut sorted: Vec<(&grid::Block, i64)> = blocks.iter().map(|b| (b, start(b))).collect();
    sorted.sort_by_key(|(b, at)| (*at, b.column));
    let heads: Vec<Option<usize>> = sorted
        .iter()
        .enumerate()
        .map(|(i, (_, at))| {
            (i == 0 || sorted[i - 1].1 != *at).then(|| {
                sorted
                    .iter()
                    .filter(|(_, a)| a == at)
                    .map(|(b, _)| b.entries.len())
                    .sum()
            })
        })
        .collect();
    sorted.into_iter().zip(heads).map(|((b, at), n)| (b, at, n))
}

/// Minutes since the day's midnight as a clock time; past midnight wraps.
fn hh_mm(minute: i64) -> String {
    format!("{:02}:{:02}", (minute / 60) % 24, minute % 60)
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
