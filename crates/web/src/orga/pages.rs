//! The organizers' pages: thin handlers over the app's CFP use cases.

use super::settings::SettingsForm;
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{Notice, refusal, render, see_other};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallway_app::{AppError, NewEdition, NewEvent, ProposalFormat, Viewer};

#[derive(Template)]
#[template(path = "orga/editions.html")]
struct EditionsPage {
    nav: Option<Nav>,
    csrf: String,
    editions: Vec<(String, String)>,
    form: NewEdition,
    error: String,
}

pub async fn editions_form(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    state.app.site_orga_ctx(viewer)?;
    let token = FormToken::of(&headers)?;
    let page = editions_page(
        &state,
        token.value.clone(),
        NewEdition::default(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

async fn editions_page(
    state: &AppState,
    csrf: String,
    form: NewEdition,
    error: String,
) -> Result<EditionsPage, WebError> {
    Ok(EditionsPage {
        nav: None,
        csrf,
        editions: state
            .app
            .editions()
            .await?
            .into_iter()
            .map(|e| (e.slug.to_string(), e.name))
            .collect(),
        form,
        error,
    })
}

pub async fn create_edition(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.site_orga_ctx(viewer)?;
    let new = NewEdition {
        slug: form.get("slug").to_owned(),
        name: form.get("name").to_owned(),
        venue: form.get("venue").to_owned(),
        time_zone: form.get("time_zone").to_owned(),
        start_date: form.get("start_date").to_owned(),
        end_date: form.get("end_date").to_owned(),
    };
    match state.app.create_edition(&orga, &new).await {
        Ok(e) => see_other(&format!("/orga/{}/", e.slug)),
        Err(e) => {
            let (status, error) = refusal(e)?;
            render(
                &editions_page(&state, csrf_of(&headers), new, error).await?,
                status,
            )
        }
    }
}

struct EventRow {
    slug: String,
    name: String,
    kind: &'static str,
    dates: String,
    cfp: String,
}

#[derive(Template)]
#[template(path = "orga/edition.html")]
struct EditionPage {
    nav: Option<Nav>,
    csrf: String,
    slug: String,
    name: String,
    zone: String,
    events: Vec<EventRow>,
    invitations: Vec<hallway_app::PendingInvitation>,
    error: String,
    notice: String,
}

async fn edition_page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<EditionPage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let ed = state.app.edition(edition).await?;
    let cfps = state.app.cfp_pages(edition).await?;
    let events = state
        .app
        .edition_events(edition)
        .await?
        .into_iter()
        .map(|e| EventRow {
            cfp: cfps
                .iter()
                .find(|c| c.event.slug == e.slug)
                .map(|c| {
                    format!(
                        "{} until {}",
                        if c.open { "open" } else { "closed" },
                        c.closes_shown
                    )
                })
                .unwrap_or_else(|| "no call for papers yet".into()),
            slug: e.slug.to_string(),
            name: e.name,
            kind: e.kind.as_str(),
            dates: format!("{} to {}", e.start_date, e.end_date),
        })
        .collect();
    Ok(EditionPage {
        nav: None,
        csrf,
        slug: ed.slug.to_string(),
        name: ed.name,
        zone: ed.time_zone,
        events,
        invitations: state.app.pending_team_invitations(&orga, edition).await?,
        error,
        notice,
    })
}

/// An edition's events, CFPs and team, for its organizers.
pub async fn edition(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let page = edition_page(
        &state,
        viewer,
        &edition,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn add_event(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let new = NewEvent {
        slug: form.get("slug").to_owned(),
        name: form.get("name").to_owned(),
        kind: form.get("kind").to_owned(),
        start_date: form.get("start_date").to_owned(),
        end_date: form.get("end_date").to_owned(),
    };
    let (status, error, notice) = match state.app.add_event(&orga, &edition, &new).await {
        Ok(e) => (StatusCode::OK, String::new(), format!("Added {}.", e.name)),
        Err(e) => {
            let (status, error) = refusal(e)?;
            (status, error, String::new())
        }
    };
    render(
        &edition_page(&state, viewer, &edition, csrf_of(&headers), error, notice).await?,
        status,
    )
}

/// Invites someone into the team. The answer is the same whether the address has an account.
pub async fn invite(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let tracks: Vec<String> = form
        .get("tracks")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let email = form.get("email");
    let outcome = match hallway_app::role(form.get("role"), &tracks) {
        Ok(role) => {
            state
                .app
                .invite_to_team(
                    &orga,
                    Some(viewer),
                    &edition,
                    Some(form.get("event")),
                    email,
                    role,
                )
                .await
        }
        Err(e) => Err(e),
    };
    let (status, error, notice) = match outcome {
        Ok(()) => (
            StatusCode::OK,
            String::new(),
            format!("We sent an invitation to {}.", email.trim()),
        ),
        Err(e) => {
            let (status, error) = refusal(e)?;
            (status, error, String::new())
        }
    };
    render(
        &edition_page(&state, viewer, &edition, csrf_of(&headers), error, notice).await?,
        status,
    )
}

#[derive(Template)]
#[template(path = "orga/cfp.html")]
struct CfpSettingsPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    event: String,
    zone: String,
    exists: bool,
    form: SettingsForm,
    error: String,
    notice: String,
}

pub async fn cfp_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let ed = state.app.edition(&edition).await?;
    if !state
        .app
        .edition_events(&edition)
        .await?
        .iter()
        .any(|e| e.slug.as_str() == event)
    {
        return Err(WebError::NotFound);
    }
    let current = state.app.cfp_settings(&orga, &edition, &event).await?;
    let token = FormToken::of(&headers)?;
    let page = CfpSettingsPage {
        nav: None,
        csrf: token.value.clone(),
        edition: ed.slug.to_string(),
        event,
        zone: ed.time_zone,
        exists: current.is_some(),
        form: current
            .as_ref()
            .map_or_else(SettingsForm::defaults, SettingsForm::of),
        error: String::new(),
        notice: String::new(),
    };
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn put_cfp(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let ed = state.app.edition(&edition).await?;
    let posted = SettingsForm {
        opens: form.get("opens").to_owned(),
        closes: form.get("closes").to_owned(),
        per_speaker: form.get("per_speaker").to_owned(),
        blind: !form.get("blind").is_empty(),
        reviews_per_proposal: form.get("reviews_per_proposal").to_owned(),
        reviewer_cap: form.get("reviewer_cap").to_owned(),
        description: form.get("description").to_owned(),
        session_types: form.get("session_types").to_owned(),
        tracks: form.get("tracks").to_owned(),
        criteria: form.get("criteria").to_owned(),
        questions: form.get("questions").to_owned(),
    };
    let outcome = match posted.parse(&event) {
        Ok(settings) => state.app.put_cfp(&orga, &edition, &settings).await,
        Err(e) => Err(e),
    };
    let (status, shown, error, notice, exists) = match outcome {
        Ok(p) => (
            StatusCode::OK,
            SettingsForm::of(&p),
            String::new(),
            "The call for papers is saved.".to_owned(),
            true,
        ),
        Err(AppError::NotFound(_)) => return Err(WebError::NotFound),
        Err(e) => {
            let (status, error) = refusal(e)?;
            (status, posted, error, String::new(), false)
        }
    };
    render(
        &CfpSettingsPage {
            nav: None,
            csrf: csrf_of(&headers),
            edition: ed.slug.to_string(),
            event,
            zone: ed.time_zone,
            exists,
            form: shown,
            error,
            notice,
        },
        status,
    )
}

struct ProposalLine {
    code: String,
    title: String,
    status: String,
    session_type: String,
    track: String,
    speakers: String,
}

#[derive(Template)]
#[template(path = "orga/proposals.html")]
struct ProposalsPage {
    nav: Option<Nav>,
    edition: String,
    event: String,
    blind: bool,
    proposals: Vec<ProposalLine>,
    duplicates: Vec<hallway_app::NearDuplicate>,
}

/// An event's proposals, for its organizers and the co-chairs of its tracks.
pub async fn proposals(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let reader = state.app.proposal_reader(viewer, &edition, &event).await?;
    let list = state
        .app
        .event_proposals(reader.as_reader(), &edition, &event)
        .await?;
    let review = state.app.review_ctx(viewer, &edition, &event).await?;
    let duplicates = state.app.near_duplicates(&review).await?;
    let blind = list.first().is_some_and(|p| p.blind);
    let proposals = list
        .into_iter()
        .map(|p| ProposalLine {
            speakers: if p.blind {
                "hidden: the review is blind".into()
            } else {
                p.speakers
                    .iter()
                    .map(|s| {
                        if s.affiliation.is_empty() {
                            s.name.clone()
                        } else {
                            format!("{}, {}", s.name, s.affiliation)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            code: p.code,
            title: p.title,
            status: p.status.to_string(),
            session_type: p.session_type.to_string(),
            track: p.track_name,
        })
        .collect();
    render(
        &ProposalsPage {
            nav: None,
            edition,
            event,
            blind,
            proposals,
            duplicates,
        },
        StatusCode::OK,
    )
}

async fn export(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    event: &str,
    format: ProposalFormat,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let reader = state.app.proposal_reader(viewer, edition, event).await?;
    let (name, content_type, body) = state
        .app
        .export_proposals(reader.as_reader(), edition, event, format)
        .await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| WebError::Internal(format!("a file name header: {e}")))?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

pub async fn proposals_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    export(&state, &visitor, &edition, &event, ProposalFormat::Csv).await
}

pub async fn proposals_json(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    export(&state, &visitor, &edition, &event, ProposalFormat::Json).await
}

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
    let page = crate::cfp::AcceptPage {
        nav: None,
        csrf: token.value.clone(),
        token: link.to_owned(),
        heading: "Join an edition's team",
        action: "/orga/invitations/accept",
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
        .accept_team_invitation(viewer, form.get("token"))
        .await
    {
        Ok(edition) => render(
            &Notice {
                nav: None,
                heading: "Welcome to the team".into(),
                message: format!("You are now part of the team of {edition}."),
                link: "/account/".into(),
                link_text: "Your account".into(),
            },
            StatusCode::OK,
        ),
        Err(e) => {
            let (status, message) = refusal(e)?;
            render(
                &Notice {
                    nav: None,
                    heading: "This invitation does not work".into(),
                    message,
                    link: "/account/".into(),
                    link_text: "Your account".into(),
                },
                status,
            )
        }
    }
}
