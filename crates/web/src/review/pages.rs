//! The review pages. Each reads the request, calls one app function and renders a view model;
//! a form answers with a redirect to the page that shows its outcome (or the refusal's page).

use super::ctx;
use crate::AppState;
use crate::account::{Form, FormToken, Visitor};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hallway_app::domain::review::Bid;
use hallway_app::domain::review::conflicts::Severity;
use hallway_app::{Decision, RankOrder, ReviewView, SpeakerShown, Speakers};

/// A proposal as review pages show it: the speakers are there only when the app gave them.
pub(crate) struct Proposal {
    pub code: String,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub track: String,
    pub status: String,
    pub speakers: Option<Vec<SpeakerShown>>,
}

impl From<ReviewView> for Proposal {
    fn from(v: ReviewView) -> Self {
        Self {
            code: v.code,
            title: v.title,
            abstract_: v.abstract_,
            notes: v.notes,
            track: v.track_name,
            status: v.status.to_string(),
            speakers: match v.speakers {
                Speakers::Hidden => None,
                Speakers::Shown(list) => Some(list),
            },
        }
    }
}

pub(crate) fn bid_name(b: Option<Bid>) -> &'static str {
    match b {
        None => "",
        Some(Bid::Eager) => "eager",
        Some(Bid::Willing) => "willing",
        Some(Bid::NotWilling) => "not_willing",
        Some(Bid::Conflict) => "conflict",
    }
}

pub(crate) fn parse_bid(s: &str) -> Result<Bid, WebError> {
    Ok(match s {
        "eager" => Bid::Eager,
        "willing" => Bid::Willing,
        "not_willing" => Bid::NotWilling,
        "conflict" => Bid::Conflict,
        other => {
            return Err(WebError::BadRequest(format!(
                "A bid is eager, willing, not_willing or conflict, not {other:?}."
            )));
        }
    })
}

fn fmt(f: Option<f64>) -> String {
    f.map(|f| format!("{f:.1}")).unwrap_or_else(|| "–".into())
}

struct ListRow {
    p: Proposal,
    bid: &'static str,
    assigned: bool,
    reviewed: bool,
    soft_conflict: bool,
}

#[derive(Template)]
#[template(path = "review/list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    base: String,
    blind: bool,
    decides: bool,
    rows: Vec<ListRow>,
    bids: &'static [(&'static str, &'static str)],
}

const BIDS: &[(&str, &str)] = &[
    ("", "no bid"),
    ("eager", "eager"),
    ("willing", "willing"),
    ("not_willing", "not willing"),
    ("conflict", "conflict"),
];

fn render(page: &impl Template) -> Result<Response, WebError> {
    Ok(Html(page.render()?).into_response())
}

fn text(body: &Bytes) -> Result<&str, WebError> {
    std::str::from_utf8(body)
        .map_err(|_| WebError::BadRequest("The form is not UTF-8 text.".into()))
}

fn see_other(to: &str) -> Result<Response, WebError> {
    let to = HeaderValue::from_str(to)
        .map_err(|_| WebError::BadRequest("That address cannot be followed.".into()))?;
    Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
}

fn base(edition: &str, event: &str) -> String {
    format!("/review/{edition}/{event}")
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let list = state.app.review_list(&ctx).await?;
    let token = FormToken::of(&headers)?;
    let page = ListPage {
        nav: None,
        csrf: token.value.clone(),
        base: base(&edition, &event),
        blind: list.blind,
        decides: list.decides,
        rows: list
            .items
            .into_iter()
            .map(|i| ListRow {
                p: i.view.into(),
                bid: bid_name(i.bid),
                assigned: i.assigned,
                reviewed: i.reviewed,
                soft_conflict: i.conflict == Some(Severity::Soft),
            })
            .collect(),
        bids: BIDS,
    };
    Ok(token.with(&state.accounts, render(&page)?))
}

pub async fn bid(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let form = Form::parse(&headers, text(&body)?)?;
    let code = form.get("code");
    if code.is_empty() {
        return Err(WebError::BadRequest(
            "Which proposal? The form names none.".into(),
        ));
    }
    let bid = parse_bid(form.get("bid"))?;
    state.app.bid(&ctx, code, bid).await?;
    see_other(&format!("{}/#p-{code}", base(&edition, &event)))
}

struct CriterionRow {
    index: usize,
    name: String,
    weight: String,
    max: u32,
    given: Option<u32>,
}

struct OtherReview {
    reviewer: String,
    total: String,
    scores: String,
    committee_comment: String,
    speaker_comment: String,
}

#[derive(Template)]
#[template(path = "review/proposal.html")]
struct ProposalPage {
    nav: Option<Nav>,
    csrf: String,
    base: String,
    p: Proposal,
    blind: bool,
    assigned: bool,
    criteria: Vec<CriterionRow>,
    committee_comment: String,
    speaker_comment: String,
    total: String,
    others: Vec<OtherReview>,
}

pub async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let r = state.app.proposal_review(&ctx, &code).await?;
    let token = FormToken::of(&headers)?;
    let mine = r.mine.clone();
    let page = ProposalPage {
        nav: None,
        csrf: token.value.clone(),
        base: base(&edition, &event),
        blind: r.blind,
        assigned: r.assigned,
        criteria: r
            .criteria
            .iter()
            .enumerate()
            .map(|(index, c)| CriterionRow {
                index,
                name: c.name.clone(),
                weight: format!("{}", c.weight),
                max: c.max,
                given: mine.as_ref().and_then(|m| m.scores.get(index).copied()),
            })
            .collect(),
        committee_comment: mine
            .as_ref()
            .map(|m| m.committee_comment.clone())
            .unwrap_or_default(),
        speaker_comment: mine
            .as_ref()
            .map(|m| m.speaker_comment.clone())
            .unwrap_or_default(),
        total: fmt(mine.as_ref().map(|m| m.total)),
        others: r
            .all
            .into_iter()
            .map(|(reviewer, rv)| OtherReview {
                reviewer,
                total: format!("{:.1}", rv.total),
                scores: rv
                    .scores
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" / "),
                committee_comment: rv.committee_comment,
                speaker_comment: rv.speaker_comment,
            })
            .collect(),
        p: r.view.into(),
    };
    Ok(token.with(&state.accounts, render(&page)?))
}

pub async fn score(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let form = Form::parse(&headers, text(&body)?)?;
    let mut scores = Vec::new();
    for i in 0.. {
        let key = format!("score{i}");
        let Some(value) = form.0.given(&key) else {
            break;
        };
        scores.push(value.trim().parse::<u32>().map_err(|_| {
            WebError::BadRequest(format!("Score {} is not a whole number: {value:?}.", i + 1))
        })?);
    }
    state
        .app
        .score(
            &ctx,
            &code,
            &scores,
            form.get("committee_comment"),
            form.get("speaker_comment"),
        )
        .await?;
    see_other(&format!("{}/proposals/{code}", base(&edition, &event)))
}

pub async fn conflict(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let form = Form::parse(&headers, text(&body)?)?;
    let severity = match form.get("severity") {
        "soft" => Severity::Soft,
        "hard" => Severity::Hard,
        other => {
            return Err(WebError::BadRequest(format!(
                "Choose whether the conflict is hard or soft (not {other:?})."
            )));
        }
    };
    state.app.declare_conflict(&ctx, &code, severity).await?;
    see_other(&format!("{}/", base(&edition, &event)))
}

#[derive(Template)]
#[template(path = "review/assigned.html")]
struct AssignedPage {
    nav: Option<Nav>,
    base: String,
    run: i64,
    kept: usize,
    added: Vec<(String, String)>,
    short: Vec<(String, u32, String)>,
}

pub async fn assign(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    Form::parse(&headers, text(&body)?)?;
    let report = state.app.run_assignment(&ctx).await?;
    render(&AssignedPage {
        nav: None,
        base: base(&edition, &event),
        run: report.run,
        kept: report.kept,
        added: report.added,
        short: report.short,
    })
}

struct RankLine {
    p: Proposal,
    mean: String,
    normalised: String,
    spread: String,
    reviews: usize,
    assigned: usize,
    duplicates: Vec<String>,
    soft_conflict: bool,
}

#[derive(Template)]
#[template(path = "review/ranking.html")]
struct RankingPage {
    nav: Option<Nav>,
    csrf: String,
    base: String,
    blind: bool,
    order: &'static str,
    orders: &'static [(&'static str, &'static str)],
    rows: Vec<RankLine>,
    done: String,
}

const ORDERS: &[(&str, &str)] = &[
    ("score", "mean score"),
    ("normalised", "normalised mean"),
    ("spread", "spread"),
    ("reviews", "reviews"),
    ("code", "code"),
];

pub async fn ranking(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let order = RankOrder::parse(params.get("sort"))?;
    let ranking = state.app.ranking(&ctx, order).await?;
    let token = FormToken::of(&headers)?;
    let page = RankingPage {
        nav: None,
        csrf: token.value.clone(),
        base: base(&edition, &event),
        blind: ranking.blind,
        order: order.as_str(),
        orders: ORDERS,
        done: params
            .get("done")
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_default()
            .to_owned(),
        rows: ranking
            .rows
            .into_iter()
            .map(|r| RankLine {
                mean: fmt(r.mean),
                normalised: fmt(r.normalised),
                spread: fmt(r.spread),
                reviews: r.reviews,
                assigned: r.assigned,
                duplicates: r.duplicates,
                soft_conflict: r.conflict.is_some(),
                p: r.view.into(),
            })
            .collect(),
    };
    Ok(token.with(&state.accounts, render(&page)?))
}

pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    super::must_decide(&ctx)?;
    let form = Form::parse(&headers, text(&body)?)?;
    let mut codes: Vec<String> = form.0.with_prefix("pick.").map(str::to_owned).collect();
    if !form.get("code").is_empty() {
        codes.push(form.get("code").to_owned());
    }
    codes.sort();
    codes.dedup();
    let decision = Decision::parse(form.get("decision"))?;
    let n = state.app.decide(&ctx, &codes, decision).await?;
    let sort = match form.get("sort") {
        "" => "score",
        s => RankOrder::parse(Some(s))?.as_str(),
    };
    see_other(&format!(
        "{}/ranking?sort={sort}&done={n}",
        base(&edition, &event)
    ))
}

struct Bar {
    x: usize,
    y: usize,
    height: usize,
    label: String,
    count: usize,
}

struct Plot {
    id: &'static str,
    title: &'static str,
    bars: Vec<Bar>,
    max: usize,
}

/// A histogram of ten bins as bars 200 units high at most, for an SVG drawn on the server.
fn plot(id: &'static str, title: &'static str, bins: &[usize; 10]) -> Plot {
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    Plot {
        id,
        title,
        max,
        bars: bins
            .iter()
            .enumerate()
            .map(|(i, &count)| {
                let height = count * 200 / max;
                Bar {
                    x: 40 + i * 36,
                    y: 220 - height,
                    height,
                    label: format!("{}–{}", i * 10, i * 10 + 10),
                    count,
                }
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "review/dashboard.html")]
struct DashboardPage {
    nav: Option<Nav>,
    csrf: String,
    base: String,
    tracks: Vec<(String, usize, usize, usize)>,
    reviewers: Vec<(String, usize, usize)>,
    plots: Vec<Plot>,
    last_run: Option<(i64, i64, usize)>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let d = state.app.review_dashboard(&ctx).await?;
    let token = FormToken::of(&headers)?;
    let page = DashboardPage {
        nav: None,
        csrf: token.value.clone(),
        base: base(&edition, &event),
        tracks: d.tracks,
        reviewers: d.reviewers,
        plots: vec![
            plot(
                "by-proposal",
                "Proposals by mean weighted score",
                &d.histogram,
            ),
            plot(
                "by-review",
                "Reviews by weighted score",
                &d.review_histogram,
            ),
        ],
        last_run: d.last_run.map(|r| (r.run, r.added, r.short.len())),
    };
    Ok(token.with(&state.accounts, render(&page)?))
}

pub async fn csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = ctx(&state.app, visitor.signed_in()?, &edition, &event).await?;
    let body = state.app.reviews_csv(&ctx).await?;
    let name = format!("attachment; filename=\"reviews-{edition}-{event}.csv\"");
    let name = HeaderValue::from_str(&name)
        .map_err(|_| WebError::BadRequest("That name cannot be a file name.".into()))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}
