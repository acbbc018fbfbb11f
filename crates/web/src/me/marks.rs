//! One session's marks for the signed-in attendee, as plain forms: the page every session box
//! of the shared schedule pages links to, so that bookmarking works without JavaScript. Each
//! form posts one change with an id made for it (a double submit applies once) and goes back
//! to the page the attendee came from.

use super::note;
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, text};
use crate::cfp::{refusal, render, see_other};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallway_app::domain::Guid;
use hallway_app::domain::agenda::{Marks, Priority, Set};
use hallway_app::{MarkChange, Secret, Viewer};

#[derive(Template)]
#[template(path = "me/marks.html")]
struct MarksPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    guid: String,
    title: String,
    when: String,
    marks: Marks,
    /// The note as HTML, rendered from Markdown with raw HTML escaped.
    note_html: String,
    /// What the note box holds: the note, or what was sent when it was refused.
    draft: String,
    kept: Vec<String>,
    /// Where the forms go back to.
    back: String,
    /// A fresh id per form, so that a second click of the same form changes nothing.
    change: String,
    error: String,
}

impl MarksPage {
    fn priority_is(&self, p: &str) -> bool {
        self.marks.priority.value.as_str() == p
    }
}

/// A local path to go back to: the `back` asked for, else the page the link was on.
fn back_of(asked: Option<&str>, headers: &HeaderMap, fallback: String) -> String {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()));
    asked
        .map(str::to_owned)
        .or(referer)
        .filter(|p| local_path(p))
        .unwrap_or(fallback)
}

/// Only a path on this site: never another host (`//x`, `/\x`), a scheme or a header break.
fn local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && p.len() < 2000
        && !p.chars().any(|c| c.is_control())
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    guid: &str,
    csrf: String,
    back: String,
    draft: Option<String>,
    error: String,
) -> Result<MarksPage, WebError> {
    let released = state.site.released(edition).ok_or(WebError::NotFound)?;
    let s = &released.schedule;
    let session = Guid::parse(guid)
        .ok()
        .and_then(|g| s.sessions.iter().find(|x| x.guid == g))
        .ok_or(WebError::NotFound)?;
    let marks = state
        .app
        .my_marks(viewer, edition)
        .await?
        .into_iter()
        .find(|(g, _)| *g == session.guid)
        .map(|(_, m)| m)
        .unwrap_or_default();
    let kept = state.app.kept_notes(viewer, edition, &session.guid).await?;
    let zone = crate::zone::Zone::venue(&s.edition);
    let when = session
        .slots
        .iter()
        .map(|sl| {
            let room = s
                .room_name(sl)
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            format!(
                "{} {}{room}",
                zone.local(sl.start).strftime("%a %-d %b"),
                crate::agenda::time_range(&zone, sl.start, sl.end)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(MarksPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        guid: session.guid.to_string(),
        title: session.title.clone(),
        when,
        note_html: note::to_html(&marks.note.value),
        draft: draft.unwrap_or_else(|| marks.note.value.clone()),
        marks,
        kept,
        back,
        change: change_id()?,
        error,
    })
}

fn change_id() -> Result<String, WebError> {
    let secret = Secret::random().map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(format!("form-{}", &secret.expose()[..32]))
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    q: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let back = back_of(
        q.get("back"),
        &headers,
        format!("/{edition}/sessions/{guid}"),
    );
    let p = page(
        &state,
        viewer,
        &edition,
        &guid,
        token.value.clone(),
        back,
        None,
        String::new(),
    )
    .await?;
    let mut r = token.with(&state.accounts, render(&p, StatusCode::OK)?);
    // A private note: kept by no cache on the way, only by the person's browser for offline use.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    Ok(r)
}

/// Applies the one change a form sent, then goes back; a refused change shows the page again
/// with the reason and what was sent.
pub async fn change(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let session = Guid::parse(&guid).map_err(|_| WebError::NotFound)?;
    let value = form.get("value");
    let set = match form.get("field") {
        "interested" => Set::Interested(value == "true"),
        "attended" => Set::Attended(value == "true"),
        "watch_later" => Set::WatchLater(value == "true"),
        "priority" => Set::Priority(Priority::parse(value).map_err(WebError::BadRequest)?),
        "note" => Set::Note(value.replace("\r\n", "\n")),
        other => {
            return Err(WebError::BadRequest(format!(
                "field: {other:?} is not one of interested, priority, attended, watch_later, note"
            )));
        }
    };
    let id = form.get("change");
    let change = MarkChange {
        id: if id.is_empty() {
            change_id()?
        } else {
            id.to_owned()
        },
        session,
        set: set.clone(),
        at: jiff::Timestamp::now().as_millisecond(),
    };
    let fallback = format!("/{edition}/sessions/{guid}");
    let back = Some(form.get("back"))
        .filter(|b| local_path(b))
        .map_or(fallback, str::to_owned);
    match state.app.mark_sessions(viewer, &edition, &[change]).await {
        Ok(_) => match set {
            // A saved note is read where it was written.
            Set::Note(_) => see_other(&format!(
                "/me/{edition}/sessions/{guid}?back={}",
                percent_encoding::utf8_percent_encode(&back, percent_encoding::NON_ALPHANUMERIC)
            )),
            _ => see_other(&back),
        },
        Err(e) => {
            let (status, error) = refusal(e)?;
            let draft = match &set {
                Set::Note(n) => Some(n.clone()),
                _ => None,
            };
            let p = page(
                &state,
                viewer,
                &edition,
                &guid,
                crate::account::csrf_of(&headers),
                back,
                draft,
                error,
            )
            .await?;
            render(&p, status)
        }
    }
}

/// What the schedule pages' script reads: whether someone is signed in and, if so, their
/// marks. Answered 200 to everyone, so that an anonymous page view logs no failed request;
/// the script then keeps bookmarks in the browser.
#[derive(serde::Serialize)]
struct PageMarks {
    signed_in: bool,
    marks: Vec<crate::api::marks::MarkView>,
}

pub async fn for_pages(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    state.site.released(&edition).ok_or(WebError::NotFound)?;
    let body = match &visitor.viewer {
        None => PageMarks {
            signed_in: false,
            marks: Vec::new(),
        },
        Some(viewer) => PageMarks {
            signed_in: true,
            marks: state
                .app
                .my_marks(viewer, &edition)
                .await?
                .iter()
                .map(|(g, m)| crate::api::marks::mark_view(g, m))
                .collect(),
        },
    };
    let mut r = axum::Json(body).into_response();
    // The person's browser keeps it for offline pages (the service worker), nothing else does.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_gone_back_to() {
        assert!(local_path("/kubecon/schedule/2026-03-25/list?track=x"));
        assert!(!local_path("//evil.example/"));
        assert!(!local_path("/\\evil.example/"));
        assert!(!local_path("https://evil.example/"));
        assert!(!local_path("/a\r\nSet-Cookie: x"));
    }
}
