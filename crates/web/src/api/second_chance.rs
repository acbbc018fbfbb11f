//! Second chances and the transparency report over JSON: a speaker forwards a rejected
//! proposal to a partner event; the partner's organizers read their inbox and import from it;
//! organizers name partners and read the report. The same app functions as the pages.

use super::cfp::{body, fail};
use super::views::ErrorView;
use crate::AppState;
use crate::account::Visitor;
use crate::error::WebError;
use crate::extract::Segments;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallway_app::parse_event_ref;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A partner event, as `edition/event`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ForwardBody {
    #[schema(
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$",
        max_length = 161
    )]
    pub partner: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnersBody {
    /// Each as `edition/event`; the list replaces the one before.
    pub partners: Vec<String>,
}

/// The session type and track a forwarded proposal takes here; absent: as proposed.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ImportBody {
    pub session_type: Option<String>,
    pub track: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardedJson {
    pub code: String,
    pub title: String,
    pub abstract_text: String,
    pub session_type: String,
    pub track: String,
    /// `edition/event` it was rejected at.
    pub from: String,
    /// Speakers' names and affiliations.
    pub speakers: Vec<String>,
    /// The code of the proposal it became here, once imported.
    pub imported_as: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedJson {
    pub code: String,
    pub status: String,
}

/// Agrees to send one of the caller's rejected proposals to a partner event.
#[utoipa::path(post, path = "/api/v1/cfp/proposals/{code}/forward",
    params(("code" = String, Path, description = "The proposal's code")),
    request_body = ForwardBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Agreed; the partner sees it once every speaker has"),
        (status = 400, body = ErrorView, description = "The partner is not edition/event"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A read-only token"),
        (status = 404, body = ErrorView, description = "No proposal of the caller's with this code"),
        (status = 409, body = ErrorView, description = "Not rejected, or not a partner of its event"),
    ))]
pub async fn forward(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        // Someone else's proposal is 404 before the body is read.
        state.app.proposal(viewer, &code).await?;
        let b: ForwardBody = body(&bytes)?;
        let partner = parse_event_ref(&b.partner)?;
        state.app.agree_to_forward(viewer, &code, &partner).await?;
        Ok::<_, WebError>(())
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(e),
    }
}

/// Names the event's partner events (organizers).
#[utoipa::path(put, path = "/api/v1/editions/{edition}/events/{event}/partners",
    params(("edition" = String, Path), ("event" = String, Path)),
    request_body = PartnersBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Saved"),
        (status = 400, body = ErrorView, description = "A partner is not edition/event"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Not an organizer of the edition, or a read-only token"),
        (status = 404, body = ErrorView, description = "No such event or partner"),
    ))]
pub async fn put_partners(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
        let b: PartnersBody = body(&bytes)?;
        let partners = b
            .partners
            .iter()
            .map(|p| parse_event_ref(p))
            .collect::<Result<Vec<_>, _>>()?;
        state
            .app
            .set_partners(&orga, &edition, &event, &partners)
            .await?;
        Ok::<_, WebError>(())
    };
    match run.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => fail(e),
    }
}

/// The proposals forwarded to the event by all their speakers (its organizers).
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/forwarded",
    params(("edition" = String, Path), ("event" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<ForwardedJson>, description = "Oldest first"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Not an organizer of the edition"),
        (status = 404, body = ErrorView, description = "No such edition"),
    ))]
pub async fn forwarded(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Response {
    let run = async {
        let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
        Ok::<_, WebError>(state.app.forwarded_inbox(&orga, &edition, &event).await?)
    };
    match run.await {
        Ok(inbox) => Json(
            inbox
                .into_iter()
                .map(|f| ForwardedJson {
                    code: f.proposal.code,
                    title: f.proposal.title,
                    abstract_text: f.proposal.abstract_,
                    session_type: f.proposal.session_type.to_string(),
                    track: f.proposal.track.to_string(),
                    from: format!("{}/{}", f.from.edition, f.from.event),
                    speakers: f
                        .speakers
                        .into_iter()
                        .map(|s| match s.affiliation.is_empty() {
                            true => s.name,
                            false => format!("{}, {}", s.name, s.affiliation),
                        })
                        .collect(),
                    imported_as: f.imported_as,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => fail(e),
    }
}

/// Imports a forwarded proposal into the event's CFP (its organizers).
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/forwarded/{code}/import",
    params(("edition" = String, Path), ("event" = String, Path), ("code" = String, Path)),
    request_body = ImportBody,
    security(("bearer" = [])),
    responses(
        (status = 201, body = ImportedJson, description = "The new proposal, in review here"),
        (status = 400, body = ErrorView, description = "A type or track this CFP lacks"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Not an organizer of the edition, or a read-only token"),
        (status = 404, body = ErrorView, description = "Nothing forwarded here with this code"),
        (status = 409, body = ErrorView, description = "Imported already"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
        let b: ImportBody = if bytes.is_empty() {
            ImportBody::default()
        } else {
            body(&bytes)?
        };
        Ok::<_, WebError>(
            state
                .app
                .import_forwarded(
                    &orga,
                    &edition,
                    &event,
                    &code,
                    b.session_type.as_deref(),
                    b.track.as_deref(),
                )
                .await?,
        )
    };
    match run.await {
        Ok(p) => (
            StatusCode::CREATED,
            Json(ImportedJson {
                code: p.code,
                status: p.status.to_string(),
            }),
        )
            .into_response(),
        Err(e) => fail(e),
    }
}

/// The event's transparency report: aggregates only (organizers).
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/transparency",
    params(("edition" = String, Path), ("event" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Proposals and acceptance by track, first-time speakers, organisations' shares", content_type = "application/json"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Not an organizer of the edition"),
        (status = 404, body = ErrorView, description = "No such event or call for papers"),
    ))]
pub async fn transparency(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Response {
    let run = async {
        let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
        Ok::<_, WebError>(
            state
                .app
                .transparency_report(&orga, &edition, &event)
                .await?,
        )
    };
    match run.await {
        Ok(r) => Json(r).into_response(),
        Err(e) => fail(e),
    }
}
