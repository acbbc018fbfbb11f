//! One day as a grid: rooms as columns, biggest first; 5-minute rows from the day's first real
//! session; logistics in a band above; sessions that share a room at once as one stack (the
//! layout is `grid::layout`). At phone width the same markup is the day as a list by start
//! time: the page carries each session once.

use super::filters::FilterForm;
use super::grid;
use super::item::SessionItem;
use super::when::{day_label, mark};
use super::{Agenda, DayLink};
use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::{self, Nav};
use crate::page::Page;
use crate::released::Filter;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use hallway_domain::SessionType;
use jiff::civil::Date;
use std::collections::HashMap;

/// Longer than this, a session is a block of the day (an expo, a showcase), shown in the band.
const LONGEST_IN_GRID_MINUTES: i64 = 4 * 60;
const ROW_MINUTES: i64 = 5;

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
/// time on a phone.
struct GridBlock {
    col: usize,
    row_start: i64,
    row_end: i64,
    /// The start time and how many sessions start then, on the first block of each start time:
    /// the list's heading on a phone.
    starts: Option<(String, usize)>,
    items: Vec<SessionItem>,
}

/// The day, unfiltered.
pub fn page(a: &Agenda, day: Date) -> Page {
    html::page(&view(a, day, &Filter::default()))
}

pub fn view(a: &Agenda, day: Date, filter: &Filter) -> GridPage {
    let r = &a.released;
    let s = &r.schedule;
    let occurrences = r.matching(filter, Some(day));
    let items = a.items(&occurrences);
    // Minutes since the day's midnight in the zone shown: after-midnight sessions of this
    // conference day go last, and in a zone behind the venue's the day may start the day before.
    let midnight = a.zone.start_of(day);
    let minutes = |t: jiff::Timestamp| (t.as_second() - midnight.as_second()).div_euclid(60);
    let length =
        |o: &crate::released::Occurrence| i64::from(s.sessions[o.session].duration_minutes);
    let in_grid = |o: &crate::released::Occurrence| {
        o.session_type.is_program()
            && o.session_type != SessionType::Event
            && length(o) <= LONGEST_IN_GRID_MINUTES
    };
    // A social before the day's first talk (a 06:30 fun run) would open the grid on hours of
    // empty columns: it goes to the band, and the day starts with its program.
    let first_talk = occurrences
        .iter()
        .map(|&o| &r.occurrences[o])
        .filter(|o| in_grid(o) && o.session_type != SessionType::Social)
        .filter_map(|o| o.start)
        .min();
    let entries: Vec<grid::Entry> = occurrences
        .iter()
        .enumerate()
        .filter_map(|(id, &o)| {
            let o = &r.occurrences[o];
            let at = o.start?;
            let start = minutes(at);
            let length = length(o);
            let early_social =
                o.session_type == SessionType::Social && first_talk.is_some_and(|first| at < first);
            let logistics = !in_grid(o) || early_social;
            Some(grid::Entry {
                id,
                room: o.room.clone(),
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
    let entry_start: HashMap<usize, i64> = entries.iter().map(|e| (e.id, e.start)).collect();
    let room_names: HashMap<&str, &str> = s
        .rooms
        .iter()
        .map(|r| (r.slug.as_str(), r.name.as_str()))
        .collect();
    let room_name = |slug: &str| room_names.get(slug).copied().unwrap_or(slug).to_owned();
    let row = |minute: i64| 2 + (minute - layout.first) / ROW_MINUTES;
    let rows = ceil_div(layout.last - layout.first, ROW_MINUTES).max(1);
    let slug = r.slug();
    GridPage {
        nav: a.nav(""),
        edition_name: s.edition.name.clone(),
        label: day_label(day),
        day_links: a.day_links(Some(day), filter),
        list_href: format!("/{slug}/schedule/{day}/list{}", a.query(filter)),
        form: FilterForm::new(r, filter, format!("/{slug}/schedule/{day}/"), a.zone.keep()),
        zone: a.zone.name().to_owned(),
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
                    label: mark(&a.zone, midnight + jiff::SignedDuration::from_mins(m)),
                }
            })
            .collect(),
        blocks: time_ordered(&layout.blocks, |b| entry_start[&b.entries[0]])
            .map(|(b, starts)| GridBlock {
                col: b.column + 2,
                row_start: row(b.start),
                row_end: row(b.end),
                starts: starts.map(|n| (items[b.entries[0]].at.clone(), n)),
                items: b.entries.iter().map(|&id| items[id].clone()).collect(),
            })
            .collect(),
        band: layout.band.iter().map(|&id| items[id].clone()).collect(),
    }
}

/// Blocks by the start of their first session, then column; the first block of each start time
/// with how many sessions its blocks hold (a stack counts each of its sessions).
fn time_ordered(
    blocks: &[grid::Block],
    start: impl Fn(&grid::Block) -> i64,
) -> impl Iterator<Item = (&grid::Block, Option<usize>)> {
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
    sorted.into_iter().map(|(b, _)| b).zip(heads)
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1).div_euclid(b)
}

/// `/{edition}/schedule/{date}/`: one day's grid, filtered when the query asks.
pub async fn day(
    State(state): State<AppState>,
    Segments((edition, date)): Segments<(String, String)>,
    q: Params,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let day = date.parse().map_err(|_| WebError::NotFound)?;
    super::filtered(
        &state,
        &edition,
        Some(day),
        &q,
        &uri,
        &headers,
        |a, filter| super::respond(&view(a, day, filter)),
    )
    .await
}
