//! An attendee's marks over JSON: the pages' script and offline devices read them and send
//! batches of changes, each with an id its device chose (a change sent again applies once) and
//! the time the device made it (the latest change of a field wins). Errors name the change and
//! its field; a batch with one bad change changes nothing.

use super::cfp::{body, fail};
use super::views::ErrorView;
use crate::AppState;
use crate::account::Visitor;
use crate::error::WebError;
use crate::extract::Segments;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hallway_app::domain::Guid;
use hallway_app::domain::agenda::{Marks, Priority, Set};
use hallway_app::{MarkChange, Outcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An attendee's marks on one session; each field with when it was set (milliseconds since
/// the epoch, as the device that set it saw it; 0 for never).
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkView {
    /// The session's GUID.
    pub session: String,
    pub interested: bool,
    pub interested_at: i64,
    /// `first`, `backup` or empty.
    pub priority: String,
    pub priority_at: i64,
    pub attended: bool,
    pub attended_at: i64,
    pub watch_later: bool,
    pub watch_later_at: i64,
    /// A private note, Markdown.
    pub note: String,
    pub note_at: i64,
}

/// One change to one field of a session's marks.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeIn {
    /// Chosen by the device, unique per change: the same id is the same change.
    #[schema(min_length = 1, max_length = 100)]
    pub id: String,
    /// The session's GUID.
    pub session: String,
    /// `interested`, `priority`, `attended`, `watch_later` or `note`.
    #[schema(pattern = "^(interested|priority|attended|watch_later|note)$")]
    pub field: String,
    /// A boolean for interested, attended and watch_later; `first`, `backup` or `none` for
    /// priority; a string of at most 64 KB for note.
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// When the device made the change, in milliseconds since the epoch.
    pub at: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangesIn {
    #[schema(max_items = 1000)]
    pub changes: Vec<ChangeIn>,
}

/// What became of one change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeResult {
    pub id: String,
    /// `taken` (the field holds it now), `older` (a later change of the field was there
    /// first; a note that loses is kept aside) or `repeated` (applied before: nothing changed).
    pub outcome: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesOut {
    /// In the order of the changes sent.
    pub results: Vec<ChangeResult>,
}

pub fn mark_view(guid: &Guid, m: &Marks) -> MarkView {
    MarkView {
        session: guid.to_string(),
        interested: m.interested.value,
        interested_at: m.interested.at,
        priority: m.priority.value.as_str().to_owned(),
        priority_at: m.priority.at,
        attended: m.attended.value,
        attended_at: m.attended.at,
        watch_later: m.watch_later.value,
        watch_later_at: m.watch_later.at,
        note: m.note.value.clone(),
        note_at: m.note.at,
    }
}

/// Personal: never kept by a cache between the browser and us.
fn private(response: impl IntoResponse) -> Response {
    let mut r = response.into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// The signed-in attendee's marks in an edition.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/marks",
    params(("edition" = String, Path, description = "Edition slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<MarkView>, description = "The attendee's marks, by session GUID"),
        (status = 400, body = ErrorView, description = "An edition slug that is not one"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A token for another edition"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn mine(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        // An edition with nothing released is not found, not an empty list.
        state.site.released(&edition).ok_or(WebError::NotFound)?;
        Ok::<_, WebError>(state.app.my_marks(viewer, &edition).await?)
    };
    match run.await {
        Ok(marks) => private(Json(
            marks
                .iter()
                .map(|(g, m)| mark_view(g, m))
                .collect::<Vec<_>>(),
        )),
        Err(e) => fail(e),
    }
}

/// Applies a batch of changes, each once however often it is sent, in one transaction.
#[utoipa::path(post, path = "/api/v1/editions/{edition}/marks",
    params(("edition" = String, Path, description = "Edition slug")),
    request_body = ChangesIn,
    security(("bearer" = [])),
    responses(
        (status = 200, body = ChangesOut, description = "What became of each change"),
        (status = 400, body = ErrorView, description = "A change is wrong (a field, a value, a session the edition does not have); the message names it and its field, and nothing was changed"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A read-only token, or one for another edition"),
        (status = 404, body = ErrorView, description = "No such edition"),
    ))]
pub async fn change(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        json_only(&headers)?;
        let sent: ChangesIn = body(&bytes)?;
        let changes = sent
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| change_of(i + 1, c))
            .collect::<Result<Vec<_>, _>>()?;
        let outcomes = state.app.mark_sessions(viewer, &edition, &changes).await?;
        Ok::<_, WebError>(ChangesOut {
            results: changes
                .iter()
                .zip(outcomes)
                .map(|(c, o)| ChangeResult {
                    id: c.id.clone(),
                    outcome: match o {
                        Outcome::Taken => "taken",
                        Outcome::Older => "older",
                        Outcome::Repeated => "repeated",
                    }
                    .to_owned(),
                })
                .collect(),
        })
    };
    match run.await {
        Ok(out) => private(Json(out)),
        Err(e) => fail(e),
    }
}

/// A form can post from anywhere without asking; JSON cannot, so only JSON is taken.
fn json_only(headers: &HeaderMap) -> Result<(), WebError> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if kind.split(';').next().unwrap_or_default().trim() == "application/json" {
        Ok(())
    } else {
        Err(WebError::BadRequest(format!(
            "the body must be JSON sent as application/json, not {kind:?}"
        )))
    }
}

/// Reads one change; the error names it (its place and id) and the field.
fn change_of(n: usize, c: &ChangeIn) -> Result<MarkChange, WebError> {
    let bad = |field: &str, why: String| {
        WebError::BadRequest(format!("change {n} (id {:?}), field {field}: {why}", c.id))
    };
    let session = Guid::parse(&c.session).map_err(|e| bad("session", e.to_string()))?;
    let boolean = || {
        c.value
            .as_bool()
            .ok_or_else(|| bad(&c.field, format!("{} is not true or false", c.value)))
    };
    let set = match c.field.as_str() {
        "interested" => Set::Interested(boolean()?),
        "attended" => Set::Attended(boolean()?),
        "watch_later" => Set::WatchLater(boolean()?),
        "priority" => Set::Priority(
            c.value
                .as_str()
                .ok_or_else(|| bad("priority", format!("{} is not a string", c.value)))
                .and_then(|p| Priority::parse(p).map_err(|e| bad("priority", e)))?,
        ),
        "note" => Set::Note(
            c.value
                .as_str()
                .ok_or_else(|| bad("note", format!("{} is not a string", c.value)))?
                .to_owned(),
        ),
        other => {
            return Err(bad(
                "field",
                format!(
                    "{other:?} is not one of interested, priority, attended, watch_later, note"
                ),
            ));
        }
    };
    if c.at < 0 {
        return Err(bad("at", format!("{} is before 1970", c.at)));
    }
    Ok(MarkChange {
        id: c.id.clone(),
        session,
        set,
        at: c.at,
    })
}
