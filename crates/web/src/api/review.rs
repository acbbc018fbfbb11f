//! The review under /api/v1 for scripts with an API token: the same app functions as the
//! pages, the same blindness (a blind review's JSON has no `speakers` at all).

use super::ErrorView;
use crate::AppState;
use crate::account::Visitor;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::review::ctx;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use hallway_app::domain::review::conflicts::Severity;
use hallway_app::{Decision, RankOrder, ReviewView, Speakers};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSpeakerView {
    pub name: String,
    pub affiliation: String,
    pub email: String,
}

/// A proposal as the review shows it. `speakers` is absent when the review is blind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewProposalView {
    pub code: String,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_: String,
    pub notes: String,
    pub track: String,
    pub session_type: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Vec<ReviewSpeakerView>>,
}

impl From<ReviewView> for ReviewProposalView {
    fn from(v: ReviewView) -> Self {
        Self {
            code: v.code,
            title: v.title,
            abstract_: v.abstract_,
            notes: v.notes,
            track: v.track.to_string(),
            session_type: v.session_type.to_string(),
            status: v.status.to_string(),
            speakers: match v.speakers {
                Speakers::Hidden => None,
                Speakers::Shown(list) => Some(
                    list.into_iter()
                        .map(|s| ReviewSpeakerView {
                            name: s.name,
                            affiliation: s.affiliation,
                            email: s.email,
                        })
                        .collect(),
                ),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemView {
    #[serde(flatten)]
    pub proposal: ReviewProposalView,
    /// eager, willing, not_willing, conflict, or null.
    pub bid: Option<String>,
    pub assigned: bool,
    pub reviewed: bool,
    /// The viewer has a soft conflict with it: may review, may not decide.
    pub soft_conflict: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankView {
    #[serde(flatten)]
    pub proposal: ReviewProposalView,
    pub mean: Option<f64>,
    pub normalised: Option<f64>,
    pub spread: Option<f64>,
    pub reviews: usize,
    pub assigned: usize,
    pub near_duplicates: Vec<String>,
    pub soft_conflict: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BidBody {
    /// eager, willing, not_willing or conflict.
    pub bid: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewBody {
    /// One score per criterion of the CFP, in its order, each 0..max.
    pub scores: Vec<u32>,
    #[serde(default)]
    pub committee_comment: String,
    #[serde(default)]
    pub speaker_comment: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoredView {
    /// The weighted total, 0-100.
    pub total: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    pub codes: Vec<String>,
    /// accept, reject or waitlist.
    pub decision: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecidedView {
    pub decided: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShortView {
    pub code: String,
    pub missing: u32,
    pub why: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub run: i64,
    pub added: usize,
    pub kept: usize,
    pub short: Vec<ShortView>,
}

fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, WebError> {
    serde_json::from_slice(bytes)
        .map_err(|e| WebError::BadRequest(format!("The JSON body does not fit: {e}")))
}

type Answer = Result<Response, Response>;

fn fail(e: impl Into<WebError>) -> Response {
    e.into().json()
}

/// The proposals in review of the viewer's tracks.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/review/proposals",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path)),
    responses(
        (status = 200, body = Vec<ReviewItemView>, description = "Proposals to review, without the speakers when blind"),
        (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"), (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"),
    ))]
pub async fn proposals(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    let list = state.app.review_list(&ctx).await.map_err(fail)?;
    let items: Vec<ReviewItemView> = list
        .items
        .into_iter()
        .map(|i| ReviewItemView {
            proposal: i.view.into(),
            bid: Some(crate::review::pages::bid_name(i.bid))
                .filter(|b| !b.is_empty())
                .map(str::to_owned),
            assigned: i.assigned,
            reviewed: i.reviewed,
            soft_conflict: i.conflict == Some(Severity::Soft),
        })
        .collect();
    Ok(Json(items).into_response())
}

/// Bid on a proposal.
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/bid",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path), ("code" = String, Path)),
    request_body = BidBody,
    responses(
        (status = 204, description = "Bid recorded"),
        (status = 400, body = ErrorView, description = "The request does not fit"), (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"),
        (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"), (status = 409, body = ErrorView, description = "The proposal changed meanwhile or cannot take this from its state"),
    ))]
pub async fn bid(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    bytes: Bytes,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    let b: BidBody = body(&bytes).map_err(fail)?;
    let bid = crate::review::pages::parse_bid(&b.bid).map_err(fail)?;
    state.app.bid(&ctx, &code, bid).await.map_err(fail)?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Review a proposal assigned to the viewer: a score per criterion and comments.
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/review",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path), ("code" = String, Path)),
    request_body = ReviewBody,
    responses(
        (status = 200, body = ScoredView, description = "Saved, with its weighted total"),
        (status = 400, body = ErrorView, description = "The request does not fit"), (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"),
        (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"), (status = 409, body = ErrorView, description = "The proposal changed meanwhile or cannot take this from its state"),
    ))]
pub async fn score(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    bytes: Bytes,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    let r: ReviewBody = body(&bytes).map_err(fail)?;
    let total = state
        .app
        .score(
            &ctx,
            &code,
            &r.scores,
            &r.committee_comment,
            &r.speaker_comment,
        )
        .await
        .map_err(fail)?;
    Ok(Json(ScoredView { total }).into_response())
}

/// The co-chairs' ranking.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/events/{event}/review/ranking",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path),
        ("sort" = Option<String>, Query, description = "score (default), normalised, spread, reviews or code")),
    responses(
        (status = 200, body = Vec<RankView>, description = "Proposals by the chosen figure"),
        (status = 400, body = ErrorView, description = "The request does not fit"), (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"),
        (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"),
    ))]
pub async fn ranking(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    params: Params,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    let order = RankOrder::parse(params.get("sort")).map_err(fail)?;
    let ranking = state.app.ranking(&ctx, order).await.map_err(fail)?;
    let rows: Vec<RankView> = ranking
        .rows
        .into_iter()
        .map(|r| RankView {
            proposal: r.view.into(),
            mean: r.mean,
            normalised: r.normalised,
            spread: r.spread,
            reviews: r.reviews,
            assigned: r.assigned,
            near_duplicates: r.duplicates,
            soft_conflict: r.conflict.is_some(),
        })
        .collect();
    Ok(Json(rows).into_response())
}

/// Decide one or many proposals: all or none.
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/review/decisions",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path)),
    request_body = DecisionBody,
    responses(
        (status = 200, body = DecidedView, description = "Decided; the speakers' mails are queued"),
        (status = 400, body = ErrorView, description = "The request does not fit"), (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"),
        (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"), (status = 409, body = ErrorView, description = "A proposal changed meanwhile or cannot take this decision"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    bytes: Bytes,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    crate::review::must_decide(&ctx).map_err(fail)?;
    let d: DecisionBody = body(&bytes).map_err(fail)?;
    let decision = Decision::parse(&d.decision).map_err(fail)?;
    let decided = state
        .app
        .decide(&ctx, &d.codes, decision)
        .await
        .map_err(fail)?;
    Ok(Json(DecidedView { decided }).into_response())
}

/// Run the automatic assignment (keeps earlier assignments).
#[utoipa::path(post, path = "/api/v1/editions/{edition}/events/{event}/review/assignment",
    security(("bearer" = [])),
    params(("edition" = String, Path), ("event" = String, Path)),
    responses(
        (status = 200, body = AssignmentView, description = "What the run added and could not fill"),
        (status = 401, body = ErrorView, description = "Not signed in (no or a wrong token)"), (status = 403, body = ErrorView, description = "Not allowed for this viewer"), (status = 404, body = ErrorView, description = "No such event, call for papers or proposal"),
    ))]
pub async fn assign(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Answer {
    let ctx = ctx(
        &state.app,
        visitor.signed_in().map_err(fail)?,
        &edition,
        &event,
    )
    .await
    .map_err(fail)?;
    let r = state.app.run_assignment(&ctx).await.map_err(fail)?;
    Ok(Json(AssignmentView {
        run: r.run,
        added: r.added.len(),
        kept: r.kept,
        short: r
            .short
            .into_iter()
            .map(|(code, missing, why)| ShortView { code, missing, why })
            .collect(),
    })
    .into_response())
}
