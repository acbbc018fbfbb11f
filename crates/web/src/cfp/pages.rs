//! The speakers' pages. Each handler reads the request, calls one app function and renders the
//! outcome; a refusal shows the form again with the reason, naming the field.

use super::{Notice, refusal, render, see_other, told};
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallway_app::domain::cfp::{Profile, ProposalText, QuestionKind};
use hallway_app::domain::{Slug, submission::Status};
use hallway_app::{AppError, CfpPage, HistoryLine, ProposalView, Viewer};

/// An option of a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A custom question as the form asks it.
pub(crate) struct QuestionField {
    pub id: i64,
    pub prompt: String,
    pub kind: &'static str,
    pub required: bool,
    pub choices: Vec<Choice>,
    pub value: String,
    /// "Only for workshops, Security": where the question applies, when not everywhere.
    pub limited: String,
}

/// The proposal form, for a new proposal or an edit.
pub(crate) struct ProposalForm {
    pub action: String,
    pub csrf: String,
    pub title: String,
    pub abstract_: String,
    pub notes: String,
    pub types: Vec<Choice>,
    pub tracks: Vec<Choice>,
    pub questions: Vec<QuestionField>,
    pub button: &'static str,
}

impl ProposalForm {
    fn new(page: &CfpPage, action: String, csrf: String, text: &ProposalText) -> Self {
        let cfp = &page.cfp;
        let types = cfp
            .session_types
            .iter()
            .map(|t| Choice {
                value: t.slug.to_string(),
                label: format!("{} ({} minutes)", t.name, t.minutes),
                selected: t.slug == text.session_type,
            })
            .collect();
        let tracks = cfp
            .tracks
            .iter()
            .map(|t| Choice {
                value: t.slug.to_string(),
                label: t.name.clone(),
                selected: t.slug == text.track,
            })
            .collect();
        let questions = cfp
            .questions
            .iter()
            .filter_map(|q| {
                let id = q.id?;
                let value = text
                    .answers
                    .iter()
                    .find(|(qid, _)| *qid == id)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                let choices = match &q.kind {
                    QuestionKind::Choice(c) => c
                        .iter()
                        .map(|c| Choice {
                            value: c.clone(),
                            label: c.clone(),
                            selected: *c == value,
                        })
                        .collect(),
                    QuestionKind::Boolean => ["yes", "no"]
                        .into_iter()
                        .map(|c| Choice {
                            value: c.into(),
                            label: c.into(),
                            selected: c == value,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let mut limited: Vec<String> = q
                    .session_types
                    .iter()
                    .filter_map(|s| cfp.session_type(s).map(|t| t.name.clone()))
                    .collect();
                limited.extend(
                    q.tracks
                        .iter()
                        .filter_map(|s| cfp.track(s).map(|t| t.name.clone())),
                );
                Some(QuestionField {
                    id,
                    prompt: q.prompt.clone(),
                    kind: q.kind.as_str(),
                    required: q.required,
                    choices,
                    value,
                    limited: if limited.is_empty() {
                        String::new()
                    } else {
                        format!("Only for {}", limited.join(", "))
                    },
                })
            })
            .collect();
        Self {
            action,
            csrf,
            title: text.title.clone(),
            abstract_: text.abstract_.clone(),
            notes: text.notes.clone(),
            types,
            tracks,
            questions,
            button: "Submit",
        }
    }
}

fn blank_text() -> ProposalText {
    ProposalText {
        title: String::new(),
        abstract_: String::new(),
        notes: String::new(),
        session_type: Slug::parse("none").unwrap_or_else(|_| unreachable!()),
        track: Slug::parse("none").unwrap_or_else(|_| unreachable!()),
        answers: Vec::new(),
    }
}

/// The proposal's text from a posted form; a type or track that is no slug is a refusal naming
/// the field.
fn proposal_text(form: &Form, page: &CfpPage) -> Result<ProposalText, AppError> {
    let slug = |name: &str| {
        Slug::parse(form.get(name).trim())
            .map_err(|_| AppError::Invalid(format!("{name}: choose one of the CFP's")))
    };
    let session_type = slug("session_type")?;
    let track = slug("track")?;
    let answers = page
        .cfp
        .questions
        .iter()
        .filter_map(|q| q.id)
        .map(|id| (id, form.get(&format!("answers.{id}")).to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Ok(ProposalText {
        title: form.get("title").to_owned(),
        abstract_: form.get("abstract").to_owned(),
        notes: form.get("notes").to_owned(),
        session_type,
        track,
        answers,
    })
}

/// What a form posted, kept to show it again when refused.
fn posted_text(form: &Form, page: &CfpPage) -> ProposalText {
    let mut t = blank_text();
    t.title = form.get("title").to_owned();
    t.abstract_ = form.get("abstract").to_owned();
    t.notes = form.get("notes").to_owned();
    if let Ok(s) = Slug::parse(form.get("session_type")) {
        t.session_type = s;
    }
    if let Ok(s) = Slug::parse(form.get("track")) {
        t.track = s;
    }
    t.answers = page
        .cfp
        .questions
        .iter()
        .filter_map(|q| q.id)
        .map(|id| (id, form.get(&format!("answers.{id}")).to_owned()))
        .collect();
    t
}

struct CallRow {
    edition: String,
    edition_name: String,
    event: String,
    event_name: String,
    open: bool,
    closes: String,
    opens: String,
}

#[derive(Template)]
#[template(path = "cfp/index.html")]
struct IndexPage {
    nav: Option<Nav>,
    calls: Vec<CallRow>,
}

/// Every call for papers, open ones first: where speakers find them before any schedule.
pub async fn index(State(state): State<AppState>) -> Result<Response, WebError> {
    let mut calls = Vec::new();
    for edition in state.app.editions().await? {
        for p in state.app.cfp_pages(edition.slug.as_str()).await? {
            calls.push(CallRow {
                edition: p.edition.slug.to_string(),
                edition_name: p.edition.name.clone(),
                event: p.event.slug.to_string(),
                event_name: p.event.name.clone(),
                open: p.open,
                closes: p.closes_shown.clone(),
                opens: p.opens_shown.clone(),
            });
        }
    }
    calls.sort_by_key(|c| !c.open);
    render(&IndexPage { nav: None, calls }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "cfp/call.html")]
struct CallPage {
    nav: Option<Nav>,
    edition: String,
    edition_name: String,
    event: String,
    event_name: String,
    open: bool,
    opens: String,
    closes: String,
    zone: String,
    description: String,
    types: Vec<(String, u32)>,
    tracks: Vec<String>,
    per_speaker: u32,
    blind: bool,
}

/// An event's CFP, for everyone.
pub async fn call(
    State(state): State<AppState>,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let p = state.app.cfp_page(&edition, &event).await?;
    render(
        &CallPage {
            nav: None,
            edition: p.edition.slug.to_string(),
            edition_name: p.edition.name.clone(),
            event: p.event.slug.to_string(),
            event_name: p.event.name.clone(),
            open: p.open,
            opens: p.opens_shown.clone(),
            closes: p.closes_shown.clone(),
            zone: p.edition.time_zone.clone(),
            description: p.cfp.description.clone(),
            types: p
                .cfp
                .session_types
                .iter()
                .map(|t| (t.name.clone(), t.minutes))
                .collect(),
            tracks: p.cfp.tracks.iter().map(|t| t.name.clone()).collect(),
            per_speaker: p.cfp.per_speaker,
            blind: p.cfp.blind,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "cfp/submit.html")]
struct SubmitPage {
    nav: Option<Nav>,
    event_name: String,
    edition: String,
    event: String,
    closes: String,
    open: bool,
    error: String,
    form: ProposalForm,
}

fn submit_page(p: &CfpPage, csrf: String, text: &ProposalText, error: String) -> SubmitPage {
    SubmitPage {
        nav: None,
        event_name: p.event.name.clone(),
        edition: p.edition.slug.to_string(),
        event: p.event.slug.to_string(),
        closes: p.closes_shown.clone(),
        open: p.open,
        error,
        form: ProposalForm::new(
            p,
            format!("/cfp/{}/{}/submit", p.edition.slug, p.event.slug),
            csrf,
            text,
        ),
    }
}

pub async fn submit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    visitor.signed_in()?;
    let p = state.app.cfp_page(&edition, &event).await?;
    let token = FormToken::of(&headers)?;
    let page = submit_page(&p, token.value.clone(), &blank_text(), String::new());
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let p = state.app.cfp_page(&edition, &event).await?;
    let outcome = match proposal_text(&form, &p) {
        Ok(t) => {
            state
                .app
                .submit_proposal(viewer, &edition, &event, &t)
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(view) => see_other(&format!("/cfp/proposals/{}", view.code)),
        Err(e) => {
            let (status, error) = refusal(e)?;
            let page = submit_page(&p, csrf_of(&headers), &posted_text(&form, &p), error);
            render(&page, status)
        }
    }
}

#[derive(Template)]
#[template(path = "cfp/profile.html")]
struct ProfilePage {
    nav: Option<Nav>,
    csrf: String,
    profile: Profile,
    error: String,
    saved: bool,
}

pub async fn profile_form(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let profile = state.app.speaker_profile(viewer).await?;
    let token = FormToken::of(&headers)?;
    let page = ProfilePage {
        nav: None,
        csrf: token.value.clone(),
        profile,
        error: String::new(),
        saved: false,
    };
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn profile(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let profile = Profile {
        name: form.get("name").to_owned(),
        affiliation: form.get("affiliation").to_owned(),
        job_role: form.get("job_role").to_owned(),
        bio: form.get("bio").to_owned(),
        pronouns: form.get("pronouns").to_owned(),
        photo_url: form.get("photo_url").to_owned(),
    };
    let (status, error, saved) = match state.app.put_speaker_profile(viewer, &profile).await {
        Ok(()) => (StatusCode::OK, String::new(), true),
        Err(e) => {
            let (status, error) = refusal(e)?;
            (status, error, false)
        }
    };
    render(
        &ProfilePage {
            nav: None,
            csrf: csrf_of(&headers),
            profile,
            error,
            saved,
        },
        status,
    )
}

struct MineRow {
    code: String,
    title: String,
    event_name: String,
    status: Status,
    history: Vec<HistoryLine>,
}

#[derive(Template)]
#[template(path = "cfp/mine.html")]
struct MinePage {
    nav: Option<Nav>,
    proposals: Vec<MineRow>,
}

/// The viewer's proposals with their state and history.
pub async fn mine(State(state): State<AppState>, visitor: Visitor) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let proposals = state
        .app
        .my_proposals(viewer)
        .await?
        .into_iter()
        .map(|p| MineRow {
            code: p.code,
            title: p.title,
            event_name: p.event_name,
            status: p.status,
            history: p.history,
        })
        .collect();
    render(
        &MinePage {
            nav: None,
            proposals,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "cfp/proposal.html")]
struct ProposalPage {
    nav: Option<Nav>,
    csrf: String,
    p: ProposalView,
    type_name: String,
    track_name: String,
    answers: Vec<(String, String)>,
    form: Option<ProposalForm>,
    closes: String,
    /// Partner events a rejected proposal may go to, and how far each offer is.
    offers: Vec<hallway_app::ForwardOffer>,
    error: String,
    notice: String,
}

async fn proposal_page(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    csrf: String,
    posted: Option<ProposalText>,
    error: String,
    notice: String,
) -> Result<ProposalPage, WebError> {
    let p = state.app.proposal(viewer, code).await?;
    let call = state
        .app
        .cfp_page(p.edition.as_str(), p.event.as_str())
        .await?;
    let current = ProposalText {
        title: p.title.clone(),
        abstract_: p.abstract_.clone(),
        notes: p.notes.clone(),
        session_type: p.session_type.clone(),
        track: p.track.clone(),
        answers: p.answers.clone(),
    };
    let form = p.editable.then(|| {
        let mut f = ProposalForm::new(
            &call,
            format!("/cfp/proposals/{code}"),
            csrf.clone(),
            posted.as_ref().unwrap_or(&current),
        );
        f.button = "Save changes";
        f
    });
    let answers = p
        .answers
        .iter()
        .filter_map(|(id, v)| {
            call.cfp
                .questions
                .iter()
                .find(|q| q.id == Some(*id))
                .map(|q| (q.prompt.clone(), v.clone()))
        })
        .collect();
    Ok(ProposalPage {
        nav: None,
        csrf,
        type_name: call
            .cfp
            .session_type(&p.session_type)
            .map_or_else(|| p.session_type.to_string(), |t| t.name.clone()),
        track_name: call
            .cfp
            .track(&p.track)
            .map_or_else(|| p.track.to_string(), |t| t.name.clone()),
        answers,
        form,
        closes: call.closes_shown,
        offers: state.app.forward_offers(viewer, code).await?,
        p,
        error,
        notice,
    })
}

/// One of the viewer's proposals; another speaker's is not found, as one that does not exist.
pub async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let page = proposal_page(
        &state,
        viewer,
        &code,
        token.value.clone(),
        None,
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let current = state.app.proposal(viewer, &code).await?;
    let call = state
        .app
        .cfp_page(current.edition.as_str(), current.event.as_str())
        .await?;
    let outcome = match proposal_text(&form, &call) {
        Ok(t) => state.app.edit_proposal(viewer, &code, &t).await,
        Err(e) => Err(e),
    };
    let csrf = csrf_of(&headers);
    match outcome {
        Ok(_) => render(
            &proposal_page(
                &state,
                viewer,
                &code,
                csrf,
                None,
                String::new(),
                "Your changes are saved.".into(),
            )
            .await?,
            StatusCode::OK,
        ),
        Err(e) => {
            let (status, error) = refusal(e)?;
            let posted = posted_text(&form, &call);
            render(
                &proposal_page(
                    &state,
                    viewer,
                    &code,
                    csrf,
                    Some(posted),
                    error,
                    String::new(),
                )
                .await?,
                status,
            )
        }
    }
}

/// Runs a speaker's action and shows the proposal again, with the refusal when there is one.
async fn act(
    state: &AppState,
    visitor: &Visitor,
    code: &str,
    headers: &HeaderMap,
    body: &Bytes,
    action: &'static str,
) -> Result<Response, WebError> {
    let form = Form::parse(headers, text(body)?)?;
    let viewer = visitor.signed_in()?;
    let outcome = match action {
        "withdraw" => state
            .app
            .withdraw_proposal(viewer, code)
            .await
            .map(|_| "Your proposal is withdrawn.".to_owned()),
        "confirm" => state
            .app
            .confirm_proposal(viewer, code)
            .await
            .map(|_| "Thank you: your talk is confirmed.".to_owned()),
        "forward" => match hallway_app::parse_event_ref(form.get("partner")) {
            Ok(partner) => state
                .app
                .agree_to_forward(viewer, code, &partner)
                .await
                .map(|()| {
                    format!(
                        "You agreed to send it to {}/{}. Its organizers see it once every speaker has agreed.",
                        partner.edition, partner.event
                    )
                }),
            Err(e) => Err(e),
        },
        _ => {
            let email = form.get("email");
            state
                .app
                .invite_co_speaker(viewer, code, email)
                .await
                .map(|()| {
                    format!(
                        "We sent an invitation to {}. It works once, within 14 days.",
                        email.trim()
                    )
                })
        }
    };
    let csrf = csrf_of(headers);
    let (status, error, notice) = told(outcome)?;
    render(
        &proposal_page(state, viewer, code, csrf, None, error, notice).await?,
        status,
    )
}

pub async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &code, &headers, &body, "withdraw").await
}

pub async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &code, &headers, &body, "confirm").await
}

pub async fn forward(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &code, &headers, &body, "forward").await
}

pub async fn invite(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(code): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &code, &headers, &body, "invite").await
}

#[derive(Template)]
#[template(path = "cfp/accept.html")]
pub(crate) struct AcceptPage {
    pub nav: Option<Nav>,
    pub csrf: String,
    pub token: String,
    pub heading: &'static str,
    pub action: &'static str,
    pub signed_in: bool,
}

/// The page an invitation's link opens: accepting is a POST, so that following a link (or a
/// mail scanner prefetching it) changes nothing.
pub async fn accept_form(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, WebError> {
    let Some(link) = params.get("token") else {
        return Err(WebError::BadRequest(
            "This address needs the token from the invitation we mailed.".into(),
        ));
    };
    let token = FormToken::of(&headers)?;
    let page = AcceptPage {
        nav: None,
        csrf: token.value.clone(),
        token: link.to_owned(),
        heading: "Join a proposal as co-speaker",
        action: "/cfp/invitations/accept",
        signed_in: visitor.viewer.is_some(),
    };
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn accept(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    match state
        .app
        .accept_speaker_invitation(viewer, form.get("token"))
        .await
    {
        Ok(code) => see_other(&format!("/cfp/proposals/{code}")),
        Err(e) => {
            let (status, message) = refusal(e)?;
            render(
                &Notice {
                    nav: None,
                    heading: "This invitation does not work".into(),
                    message,
                    link: "/cfp/proposals".into(),
                    link_text: "Your proposals".into(),
                },
                status,
            )
        }
    }
}
