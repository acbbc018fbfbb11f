//! The schedule as a list, grouped by day and start time: the whole edition or one day,
//! filtered when the query asks.

use super::filters::FilterForm;
use super::item::{DayGroup, group_by_day};
use super::when::day_label;
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
use jiff::civil::Date;

#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    nav: Option<Nav>,
    edition_name: String,
    pub heading: String,
    day_links: Vec<DayLink>,
    form: FilterForm,
    count: usize,
    groups: Vec<DayGroup>,
}

/// The whole schedule, unfiltered.
pub fn page(a: &Agenda) -> Page {
    html::page(&view(a, &Filter::default(), None))
}

/// One day, unfiltered.
pub fn day_page(a: &Agenda, day: Date) -> Page {
    html::page(&view(a, &Filter::default(), Some(day)))
}

/// The list, filtered; what the unfiltered pages and the filter form both use.
pub fn view(a: &Agenda, filter: &Filter, day: Option<Date>) -> ListPage {
    let r = &a.released;
    let slug = r.slug();
    let items = a.items(&r.matching(filter, day));
    ListPage {
        nav: a.nav(""),
        edition_name: r.schedule.edition.name.clone(),
        heading: match day {
            Some(d) => day_label(d),
            None => "Schedule".to_owned(),
        },
        day_links: a.day_links(day, filter),
        form: FilterForm::new(
            r,
            filter,
            match day {
                Some(d) => format!("/{slug}/schedule/{d}/list"),
                None => format!("/{slug}/schedule/"),
            },
            a.zone.keep(),
        ),
        count: items.len(),
        groups: group_by_day(&items),
    }
}

/// `/{edition}/schedule/`: the whole schedule, filtered when the query asks.
pub async fn schedule(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    super::filtered(&state, &edition, None, &q, &uri, &headers, |a, filter| {
        super::respond(&view(a, filter, None))
    })
    .await
}

/// `/{edition}/schedule/{date}/list`: one day's list, filtered when the query asks.
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
        |a, filter| super::respond(&view(a, filter, Some(day))),
    )
    .await
}
