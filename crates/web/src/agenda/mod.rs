//! The public schedule (DESIGN.md §2, agenda): one module per page. Each holds its view model
//! (the template's struct), how it is built from the release, and, where the page answers per
//! request (filters, search, a moment), its handler. The grid's layout is a pure module
//! (`grid`); filtering and search belong to the release's data (`crate::released`).

pub mod changelog;
pub mod day_grid;
pub mod edition;
pub mod event;
mod filters;
mod grid;
pub mod home;
mod item;
pub mod list;
pub mod now;
pub mod search;
pub mod session;
pub mod speaker;
pub mod speakers;
pub(crate) mod when;

pub use item::SessionItem;
pub(crate) use item::session_href;
pub(crate) use when::{day_label, time_range};

use crate::AppState;
use crate::error::WebError;
use crate::extract::Params;
use crate::html::Nav;
use crate::page::Page;
use crate::released::{Filter, Released};
use crate::site::ZonePages;
use crate::zone::{ViewerZone, Zone};
use askama::Template;
use axum::http::{HeaderMap, Uri};
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::Date;
use std::sync::Arc;

/// A release as the agenda shows it in one zone: each occurrence of the release as a list
/// item, in words and that zone's times, built once and cloned into the pages that list it.
pub struct Agenda {
    pub released: Arc<Released>,
    pub zone: Zone,
    /// Parallel to `released.occurrences`.
    items: Vec<SessionItem>,
}

impl Agenda {
    /// The agenda in the venue's zone: the pages rendered with the release.
    pub fn venue(released: Arc<Released>) -> Self {
        let zone = Zone::venue(&released.schedule.edition);
        Self::new(released, zone)
    }

    pub fn new(released: Arc<Released>, zone: Zone) -> Self {
        let s = &released.schedule;
        let items = released
            .occurrences
            .iter()
            .map(|o| SessionItem::new(s, &s.sessions[o.session], o.slot, &zone))
            .collect();
        Self {
            released,
            zone,
            items,
        }
    }

    pub fn item(&self, occurrence: usize) -> &SessionItem {
        &self.items[occurrence]
    }

    fn items(&self, occurrences: &[usize]) -> Vec<SessionItem> {
        occurrences.iter().map(|&i| self.items[i].clone()).collect()
    }

    pub fn nav(&self, query: &str) -> Option<Nav> {
        let r = &self.released;
        let e = &r.schedule.edition;
        Some(Nav {
            slug: e.slug.to_string(),
            name: e.name.clone(),
            query: query.to_owned(),
            footer: format!(
                "{} · release {} · times in {}",
                e.name,
                r.release,
                self.zone.name()
            ),
            zone: self.zone.name().to_owned(),
            venue_zone: e.time_zone.clone(),
            keep: self.zone.keep(),
        })
    }

    /// The query of a link that keeps `filter` and the zone ("?track=security&tz=..."), or "".
    fn query(&self, filter: &Filter) -> String {
        filter.query_and(self.zone.pair())
    }

    /// Links to each day's grid, keeping the filters chosen.
    fn day_links(&self, current: Option<Date>, filter: &Filter) -> Vec<DayLink> {
        let slug = self.released.slug();
        let query = self.query(filter);
        self.released
            .schedule
            .edition
            .days()
            .into_iter()
            .map(|d| DayLink {
                href: format!("/{slug}/schedule/{d}/{query}"),
                label: when::short_day(d),
                current: Some(d) == current,
            })
            .collect()
    }
}

pub struct DayLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A page computed for one request.
fn respond(page: &impl Template) -> Result<Response, WebError> {
    Ok(Html(page.render()?).into_response())
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

/// The zone `?tz=` asks for, if any; an unknown one is an error that names it.
pub fn viewer_zone(q: &Params) -> Result<Option<ViewerZone>, WebError> {
    q.get("tz")
        .map(ViewerZone::parse)
        .transpose()
        .map_err(WebError::BadRequest)
}

/// The edition's agenda in the zone `viewer` asked for, with that zone's pages when it is not
/// the venue's.
async fn agenda_in(
    state: &AppState,
    edition: &str,
    viewer: Option<&ViewerZone>,
) -> Result<(Arc<Agenda>, Option<Arc<ZonePages>>), WebError> {
    let venue = state.site.agenda(edition).ok_or(WebError::NotFound)?;
    let Some(viewer) = viewer else {
        return Ok((venue, None));
    };
    Ok(match state.site.in_zone(edition, viewer).await? {
        Some(zoned) => (zoned.agenda.clone(), Some(zoned)),
        None => (venue, None),
    })
}

/// A page computed per request, in the zone the query asks for.
async fn agenda_for(state: &AppState, edition: &str, q: &Params) -> Result<Arc<Agenda>, WebError> {
    let viewer = viewer_zone(q)?;
    Ok(agenda_in(state, edition, viewer.as_ref()).await?.0)
}

/// A schedule page: without filters, the page rendered with the release (or for the viewer's
/// zone); with filters, computed from the release in memory, never from the database.
async fn filtered(
    state: &AppState,
    edition: &str,
    day: Option<Date>,
    q: &Params,
    uri: &Uri,
    headers: &HeaderMap,
    build: impl FnOnce(&Agenda, &Filter) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    let filter = Filter::from_query(q)?;
    let viewer = viewer_zone(q)?;
    let rendered = |page: Option<Arc<Page>>| {
        page.map(|page| page.respond(headers))
            .ok_or(WebError::NotFound)
    };
    if filter.is_empty() && viewer.is_none() {
        return rendered(state.site.page(uri.path()));
    }
    let (a, zoned) = agenda_in(state, edition, viewer.as_ref()).await?;
    if filter.is_empty() {
        return rendered(match zoned {
            Some(zoned) => zoned.page(uri.path()),
            None => state.site.page(uri.path()),
        });
    }
    if day.is_some_and(|d| !a.released.has_day(d)) {
        return Err(WebError::NotFound);
    }
    build(&a, &filter)
}
