//! What is on now and what starts next: the page people open between two talks. It changes by
//! the minute, so it is rendered once a minute, when first asked for.

use super::item::SessionItem;
use super::when::short_day;
use super::{Agenda, respond};
use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::{KeepZone, Nav};
use crate::page::{HTML, Page};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Template)]
#[template(path = "now.html")]
pub struct NowPage {
    nav: Option<Nav>,
    keep: KeepZone,
    slug: String,
    edition_name: String,
    /// The moment the page is for, in the zone shown ("Wed 25 Mar 10:42 CET").
    clock: String,
    now: Vec<SessionItem>,
    next: Vec<SessionItem>,
    next_label: String,
    today: Date,
    /// Whether `today` is a day of the edition: the grid link jumps there.
    on_a_day: bool,
}

pub fn view(a: &Agenda, at: Timestamp) -> NowPage {
    let r = &a.released;
    let s = &r.schedule;
    let (now, next) = r.now_and_next(at);
    let next = a.items(&next);
    let local = a.zone.local(at);
    let today = s.edition.day_of(at);
    NowPage {
        nav: a.nav(""),
        keep: a.zone.keep(),
        slug: r.slug().to_owned(),
        edition_name: s.edition.name.clone(),
        clock: format!("{} {}", short_day(local.date()), local.strftime("%H:%M %Z")),
        next_label: next
            .first()
            .and_then(|i| i.start.as_ref())
            .map(|z| format!("{} {}", short_day(z.date()), z.strftime("%H:%M")))
            .unwrap_or_default(),
        today,
        on_a_day: r.has_day(today),
        now: a.items(&now),
        next,
    }
}

/// `/{edition}/now`; `?at=` (RFC 3339) shows another moment, `?tz=` another zone. The current
/// moment's page is rendered once a minute; another moment's per request.
pub async fn page(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let a = super::agenda_for(&state, &edition, &q).await?;
    let Some(text) = q.get("at") else {
        let minute = Timestamp::now().as_second().div_euclid(60);
        let at = Timestamp::from_second(minute * 60)
            .map_err(|e| WebError::Internal(format!("the current minute: {e}")))?;
        let page = state.site.by_the_minute(
            a.released.slug(),
            a.zone.name(),
            a.released.release,
            minute,
            || Ok(Page::new(HTML, view(&a, at).render()?)),
        )?;
        return Ok(page.respond(&headers));
    };
    let at = text.parse::<Timestamp>().map_err(|e| {
        WebError::BadRequest(format!(
            "at: {text:?} is not a moment like 2026-03-25T10:30:00+01:00 ({e})"
        ))
    })?;
    let mut response = respond(&view(&a, at))?;
    // Another moment's page is for looking ahead, not for keeping.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
