//! The call for papers over JSON: read an event's CFP, put its settings (organizers), a
//! speaker's own proposals (list, submit, edit, withdraw), an event's proposals (organizers and
//! co-chairs). Scripts send `Authorization: Bearer TOKEN`; a token limited to reading cannot
//! write. The handlers call the same app functions as the pages.

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
use hallway_app::domain::Slug;
use hallway_app::domain::cfp::{CfpTrack, ProposalText, ProposalType, Question, QuestionKind};
use hallway_app::domain::review::scores::Criterion;
use hallway_app::{CfpPage, CfpSettings, ProposalView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionTypeJson {
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    pub slug: String,
    #[schema(pattern = r"\S", max_length = 300)]
    pub name: String,
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackJson {
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    pub slug: String,
    #[schema(pattern = r"\S", max_length = 300)]
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CriterionJson {
    pub name: String,
    pub weight: f64,
    /// Scores run from 0 to this.
    pub max: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QuestionJson {
    /// Set once stored; give it back to keep the question's answers.
    pub id: Option<i64>,
    pub prompt: String,
    /// `text`, `choice`, `number` or `boolean`.
    pub kind: String,
    #[serde(default)]
    pub choices: Vec<String>,
    pub required: bool,
    /// Asked only of these session types (empty: all).
    #[serde(default)]
    pub session_types: Vec<String>,
    /// Asked only in these tracks (empty: all).
    #[serde(default)]
    pub tracks: Vec<String>,
}

/// An event's call for papers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CfpJson {
    pub edition: String,
    pub event: String,
    pub event_name: String,
    pub open: bool,
    /// With the venue's offset.
    pub opens_at: String,
    pub closes_at: String,
    pub time_zone: String,
    pub per_speaker: u32,
    pub blind: bool,
    pub reviews_per_proposal: u32,
    pub reviewer_cap: u32,
    pub description: String,
    pub session_types: Vec<SessionTypeJson>,
    pub tracks: Vec<TrackJson>,
    pub criteria: Vec<CriterionJson>,
    pub questions: Vec<QuestionJson>,
}

/// CFP settings to put. Times are civil times in the edition's zone (`2026-01-15T09:00`); one
/// the clocks skip or pass twice is refused.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CfpSettingsJson {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub opens: String,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub closes: String,
    #[schema(minimum = 1)]
    pub per_speaker: u32,
    pub blind: bool,
    #[schema(minimum = 1)]
    pub reviews_per_proposal: u32,
    #[schema(minimum = 1)]
    pub reviewer_cap: u32,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    #[schema(min_items = 1)]
    pub session_types: Vec<SessionTypeJson>,
    #[schema(min_items = 1)]
    pub tracks: Vec<TrackJson>,
    #[serde(default)]
    pub criteria: Vec<CriterionJson>,
    #[serde(default)]
    pub questions: Vec<QuestionJson>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AnswerJson {
    pub question: i64,
    pub value: String,
}

/// A proposal as a speaker writes it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProposalInJson {
    #[schema(pattern = r"\S", max_length = 200)]
    pub title: String,
    #[serde(rename = "abstract")]
    #[schema(pattern = r"\S", max_length = 10000)]
    pub abstract_text: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    pub session_type: String,
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)]
    pub track: String,
    #[serde(default)]
    pub answers: Vec<AnswerJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    pub at: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

/// A proposal as its speakers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalJson {
    pub code: String,
    pub edition: String,
    pub event: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub notes: String,
    pub session_type: String,
    pub track: String,
    /// draft, submitted, accepted, waitlisted, rejected, confirmed, withdrawn or canceled.
    pub status: String,
    pub speakers: Vec<String>,
    pub answers: Vec<AnswerJson>,
    pub editable: bool,
    pub history: Vec<HistoryJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpeakerJson {
    pub name: String,
    pub affiliation: String,
}

/// A proposal as organizers and co-chairs list it; `speakers` is empty when the review is
/// blind and the reader is not an organizer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalListJson {
    pub code: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub status: String,
    pub session_type: String,
    pub track: String,
    pub speakers: Vec<SpeakerJson>,
    pub blind: bool,
}

pub(crate) fn fail(e: impl Into<WebError>) -> Response {
    e.into().json()
}

pub(crate) fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, WebError> {
    serde_json::from_slice(bytes)
        .map_err(|e| WebError::BadRequest(format!("the JSON body does not read: {e}")))
}

fn cfp_json(p: CfpPage) -> CfpJson {
    let tz = p.edition.tz();
    let offset = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let slugs = |s: &[Slug]| s.iter().map(Slug::to_string).collect();
    CfpJson {
        edition: p.edition.slug.to_string(),
        event: p.event.slug.to_string(),
        event_name: p.event.name,
        open: p.open,
        opens_at: offset(p.cfp.opens_at),
        closes_at: offset(p.cfp.closes_at),
        time_zone: p.edition.time_zone,
        per_speaker: p.cfp.per_speaker,
        blind: p.cfp.blind,
        reviews_per_proposal: p.cfp.reviews_per_proposal,
        reviewer_cap: p.cfp.reviewer_cap,
        description: p.cfp.description,
        session_types: p
            .cfp
            .session_types
            .into_iter()
            .map(|t| SessionTypeJson {
                slug: t.slug.to_string(),
                name: t.name,
                minutes: t.minutes,
            })
            .collect(),
        tracks: p
            .cfp
            .tracks
            .into_iter()
            .map(|t| TrackJson {
                slug: t.slug.to_string(),
                name: t.name,
            })
            .collect(),
        criteria: p
            .cfp
            .criteria
            .into_iter()
            .map(|k| CriterionJson {
                name: k.name,
                weight: k.weight,
                max: k.max,
            })
            .collect(),
        questions: p
            .cfp
            .questions
            .into_iter()
            .map(|q| QuestionJson {
                id: q.id,
                prompt: q.prompt,
                kind: q.kind.as_str().to_owned(),
                choices: match q.kind {
                    QuestionKind::Choice(c) => c,
                    _ => Vec::new(),
                },
                required: q.required,
                session_types: slugs(&q.session_types),
                tracks: slugs(&q.tracks),
            })
            .collect(),
    }
}

/// Path segments that cannot name an edition or event address nothing: 404, as any unknown one.
fn known(edition: &str, event: &str) -> Result<(), WebError> {
    if Slug::parse(edition).is_ok() && Slug::parse(event).is_ok() {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

fn slug(field: &str, s: &str) -> Result<Slug, WebError> {
    Slug::parse(s).map_err(|e| WebError::BadRequest(format!("{field}: {e}")))
}

fn settings(event: &str, s: CfpSettingsJson) -> Result<CfpSettings, WebError> {
    let slugs = |field: &str, list: &[String]| -> Result<Vec<Slug>, WebError> {
        list.iter().map(|x| slug(field, x)).collect()
    };
    Ok(CfpSettings {
        event: event.to_owned(),
        opens: s.opens,
        closes: s.closes,
        per_speaker: s.per_speaker,
        blind: s.blind,
        reviews_per_proposal: s.reviews_per_proposal,
        reviewer_cap: s.reviewer_cap,
        description: s.description,
        session_types: s
            .session_types
            .into_iter()
            .map(|t| {
                Ok(ProposalType {
                    slug: slug("session_types", &t.slug)?,
                    name: t.name,
                    minutes: t.minutes,
                })
            })
            .collect::<Result<_, WebError>>()?,
        tracks: s
            .tracks
            .into_iter()
            .map(|t| {
                Ok(CfpTrack {
                    slug: slug("tracks", &t.slug)?,
                    name: t.name,
                })
            })
            .collect::<Result<_, WebError>>()?,
        criteria: s
            .criteria
            .into_iter()
            .map(|k| Criterion {
                name: k.name,
                weight: k.weight,
                max: k.max,
            })
            .collect(),
        questions: s
            .questions
            .into_iter()
            .map(|q| {
                Ok(Question {
                    id: q.id,
                    kind: QuestionKind::from_stored(&q.kind, &q.choices.join("\n"))
                        .map_err(|e| WebError::BadRequest(format!("questions: {e}")))?,
                    prompt: q.prompt,
                    required: q.required,
                    session_types: slugs("questions", &q.session_types)?,
                    tracks: slugs("questions", &q.tracks)?,
                })
            })
            .collect::<Result<_, WebError>>()?,
    })
}

fn proposal_text(p: ProposalInJson) -> Result<ProposalText, WebError> {
    Ok(ProposalText {
        title: p.title,
        abstract_: p.abstract_text,
        notes: p.notes,
        session_type: slug("session_type", &p.session_type)?,
        track: slug("track", &p.track)?,
        answers: p
            .answers
            .into_iter()
            .map(|a| (a.question, a.value))
            .collect(),
    })
}

fn proposal_json(p: ProposalView) -> ProposalJson {
    ProposalJson {
        code: p.code,
        edition: p.edition.to_string(),
        event: p.event.to_string(),
        title: p.title,
        abstract_text: p.abstract_,
        notes: p.notes,
        session_type: p.session_type.to_string(),
        track: p.track.to_string(),
        status: p.status.to_string(),
        speakers: p.speakers,
        answers: p
            .answers
            .into_iter()
            .map(|(question, value)| AnswerJson { question, value })
            .collect(),
        editable: p.editable,
        history: p
            .history
            .into_iter()
            .map(|h| HistoryJson {
                at: h.at,
                action: h.action,
                from: h.from,
                to: h.to,
            })
            .collect(),
    }
}

/// An event's call for papers.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/cfp",
    params(("edition" = String, Path, description = "Edition slug"),
           ("event" = String, Path, description = "Event slug")),
    responses(
        (status = 200, body = CfpJson, description = "The CFP, its times with the venue's offset"),
        (status = 404, body = ErrorView, description = "No such event, or it has no CFP"),
    ))]
pub async fn get_cfp(
    State(state): State<AppState>,
    Segments((edition, event)): Segments<(String, String)>,
) -> Response {
    if let Err(e) = known(&edition, &event) {
        return fail(e);
    }
    match state.app.cfp_page(&edition, &event).await {
        Ok(p) => Json(cfp_json(p)).into_response(),
        Err(e) => fail(e),
    }
}

/// Creates or replaces an event's call for papers (organizers of the edition).
#[utoipa::path(put, path = "/api/v1/editions/{edition}/events/{event}/cfp",
    params(("edition" = String, Path, description = "Edition slug"),
           ("event" = String, Path, description = "Event slug")),
    request_body = CfpSettingsJson,
    security(("bearer" = [])),
    responses(
        (status = 200, body = CfpJson, description = "The CFP as stored"),
        (status = 400, body = ErrorView, description = "A setting is wrong; the message names it"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Not an organizer of the edition, or a read-only token"),
        (status = 404, body = ErrorView, description = "No such event"),
    ))]
pub async fn put_cfp(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        known(&edition, &event)?;
        let orga = state.app.orga_ctx(viewer, &edition).await?;
        if !state
            .app
            .edition_events(&edition)
            .await?
            .iter()
            .any(|e| e.slug.as_str() == event)
        {
            return Err(WebError::NotFound);
        }
        let s = settings(&event, body(&bytes)?)?;
        Ok::<_, WebError>(cfp_json(state.app.put_cfp(&orga, &edition, &s).await?))
    };
    match run.await {
        Ok(v) => Json(v).into_response(),
        Err(e) => fail(e),
    }
}

/// The caller's proposals, newest first.
#[utoipa::path(get, path = "/api/v1/cfp/proposals",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<ProposalJson>, description = "The caller's proposals"),
        (status = 401, body = ErrorView, description = "Not signed in"),
    ))]
pub async fn my_proposals(State(state): State<AppState>, visitor: Visitor) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        Ok::<_, WebError>(state.app.my_proposals(viewer).await?)
    };
    match run.await {
        Ok(list) => Json(list.into_iter().map(proposal_json).collect::<Vec<_>>()).into_response(),
        Err(e) => fail(e),
    }
}

/// Submits a proposal to an event's open CFP; the caller becomes its speaker.
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/proposals",
    params(("edition" = String, Path, description = "Edition slug"),
           ("event" = String, Path, description = "Event slug")),
    request_body = ProposalInJson,
    security(("bearer" = [])),
    responses(
        (status = 201, body = ProposalJson, description = "The proposal as stored"),
        (status = 400, body = ErrorView, description = "A field is wrong or missing, or the CFP is closed; the message names it"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A read-only token, or one for another event"),
        (status = 404, body = ErrorView, description = "No such event, or it has no CFP"),
        (status = 409, body = ErrorView, description = "Over the CFP's limit of proposals per speaker"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        known(&edition, &event)?;
        // An event without a CFP is 404 before the body is read.
        state.app.cfp_page(&edition, &event).await?;
        let text = proposal_text(body(&bytes)?)?;
        Ok::<_, WebError>(
            state
                .app
                .submit_proposal(viewer, &edition, &event, &text)
                .await?,
        )
    };
    match run.await {
        Ok(p) => (StatusCode::CREATED, Json(proposal_json(p))).into_response(),
        Err(e) => fail(e),
    }
}

/// An event's proposals: organizers see all, co-chairs their tracks (without speakers when the
/// review is blind).
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/proposals",
    params(("edition" = String, Path, description = "Edition slug"),
           ("event" = String, Path, description = "Event slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<ProposalListJson>, description = "The event's proposals, oldest first"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "Neither an organizer nor a co-chair of the event"),
        (status = 404, body = ErrorView, description = "No such event, or it has no CFP"),
    ))]
pub async fn event_proposals(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        known(&edition, &event)?;
        let reader = state.app.proposal_reader(viewer, &edition, &event).await?;
        Ok::<_, WebError>(
            state
                .app
                .event_proposals(reader.as_reader(), &edition, &event)
                .await?,
        )
    };
    match run.await {
        Ok(list) => Json(
            list.into_iter()
                .map(|p| ProposalListJson {
                    code: p.code,
                    title: p.title,
                    abstract_text: p.abstract_,
                    status: p.status.to_string(),
                    session_type: p.session_type.to_string(),
                    track: p.track.to_string(),
                    speakers: p
                        .speakers
                        .into_iter()
                        .map(|s| SpeakerJson {
                            name: s.name,
                            affiliation: s.affiliation,
                        })
                        .collect(),
                    blind: p.blind,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => fail(e),
    }
}

/// One of the caller's proposals (another speaker's is 404, as one that does not exist).
#[utoipa::path(get, path = "/api/v1/cfp/proposals/{code}",
    params(("code" = String, Path, description = "The proposal's code")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalJson, description = "The proposal with its answers and history"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 404, body = ErrorView, description = "No proposal of the caller's with this code"),
    ))]
pub async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        Ok::<_, WebError>(state.app.proposal(viewer, &code).await?)
    };
    match run.await {
        Ok(p) => Json(proposal_json(p)).into_response(),
        Err(e) => fail(e),
    }
}

/// Replaces a proposal's text and answers, until the deadline and while it is a draft or
/// submitted.
#[utoipa::path(put, path = "/api/v1/cfp/proposals/{code}",
    params(("code" = String, Path, description = "The proposal's code")),
    request_body = ProposalInJson,
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalJson, description = "The proposal as stored"),
        (status = 400, body = ErrorView, description = "A field is wrong, or the deadline passed"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A read-only token"),
        (status = 404, body = ErrorView, description = "No proposal of the caller's with this code"),
        (status = 409, body = ErrorView, description = "The proposal's state allows no edits (withdrawn, decided)"),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    bytes: Bytes,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        // Someone else's proposal is 404 before the body is read.
        state.app.proposal(viewer, &code).await?;
        let text = proposal_text(body(&bytes)?)?;
        Ok::<_, WebError>(state.app.edit_proposal(viewer, &code, &text).await?)
    };
    match run.await {
        Ok(p) => Json(proposal_json(p)).into_response(),
        Err(e) => fail(e),
    }
}

/// Withdraws one of the caller's proposals.
#[utoipa::path(post, path = "/api/v1/cfp/proposals/{code}/withdraw",
    params(("code" = String, Path, description = "The proposal's code")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ProposalJson, description = "The withdrawn proposal"),
        (status = 401, body = ErrorView, description = "Not signed in"),
        (status = 403, body = ErrorView, description = "A read-only token"),
        (status = 404, body = ErrorView, description = "No proposal of the caller's with this code"),
        (status = 409, body = ErrorView, description = "Its state cannot be withdrawn (withdrawn already, rejected)"),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
) -> Response {
    let run = async {
        let viewer = visitor.signed_in()?;
        Ok::<_, WebError>(state.app.withdraw_proposal(viewer, &code).await?)
    };
    match run.await {
        Ok(p) => Json(proposal_json(p)).into_response(),
        Err(e) => fail(e),
    }
}
