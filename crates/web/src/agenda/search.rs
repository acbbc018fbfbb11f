//! Search over titles, abstracts, speakers, affiliations, tracks and rooms of the released
//! schedule, computed per request from memory, and narrowed by the list's filters.

use super::filters::FilterForm;
use super::item::SessionItem;
use super::{Agenda, respond};
use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use crate::released::Filter;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// At most this many results; more are said to exist.
const LIMIT: usize = 200;

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    nav: Option<Nav>,
    edition_name: String,
    query: String,
    form: FilterForm,
    results: Vec<SearchResult>,
    truncated: bool,
}

/// A session found, with its day (results span the whole edition) and the speakers whose names
/// matched, linked.
struct SearchResult {
    item: SessionItem,
    speakers: Vec<(String, String)>,
}

pub fn view(a: &Agenda, query: &str, filter: &Filter) -> SearchPage {
    let r = &a.released;
    let s = &r.schedule;
    let slug = r.slug();
    let (found, truncated) = r.search(query, filter, LIMIT);
    let mut form = FilterForm::new(r, filter, format!("/{slug}/search"), a.zone.keep());
    form.search = Some(query.to_owned());
    SearchPage {
        nav: a.nav(query),
        edition_name: s.edition.name.clone(),
        query: query.to_owned(),
        form,
        results: found
            .into_iter()
            .map(|f| SearchResult {
                item: a.item(f.occurrence).clone(),
                speakers: f
                    .speakers
                    .iter()
                    .filter_map(|&i| s.speakers.get(i))
                    .map(|p| {
                        let href = format!("/{slug}/speakers/{}{}", p.slug, a.zone.keep().query);
                        (href, p.name.clone())
                    })
                    .collect(),
            })
            .collect(),
        truncated,
    }
}

/// `/{edition}/search?q=`, with the list's filters (`event`, `track`, `type`, `room`).
pub async fn page(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let filter = Filter::from_query(&q)?;
    let a = super::agenda_for(&state, &edition, &q).await?;
    // Search work stays bounded whatever the query's length.
    let query: String = q.get("q").unwrap_or_default().chars().take(200).collect();
    respond(&view(&a, query.trim(), &filter))
}
