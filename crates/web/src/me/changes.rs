//! The changes that releases made to the sessions an attendee bookmarked, newest release first,
//! those since they last looked marked new; marking them seen hides the agenda's banner.

use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, see_other, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallway_app::{AppError, MyChanges, Since, Viewer};

#[derive(Template)]
#[template(path = "me/changes.html")]
struct ChangesPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    c: MyChanges,
    /// Whether any release listed is newer than the one last seen.
    unseen: bool,
    error: String,
    notice: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<ChangesPage, WebError> {
    let c = state
        .app
        .my_schedule_changes(viewer, edition, Since::Ever)
        .await?;
    Ok(ChangesPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        unseen: c.releases.iter().any(|r| r.number > c.seen),
        c,
        error,
        notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = page(
        &state,
        viewer,
        &edition,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

/// Where a form may send the browser back to: a page of the edition, on this site.
fn back_to(edition: &str, back: &str) -> Result<Option<String>, AppError> {
    if back.is_empty() {
        return Ok(None);
    }
    let own =
        back.starts_with(&format!("/{edition}/")) || back.starts_with(&format!("/me/{edition}/"));
    if own && !back.contains("//") && !back.contains('\\') && !back.contains(char::is_control) {
        Ok(Some(back.to_owned()))
    } else {
        Err(AppError::Invalid(format!(
            "back: {back:?} is not a page of {edition} on this site"
        )))
    }
}

/// Marks the changes up to the release the form names as seen. A banner's form (on the
/// agenda) names the page to go back to in `back`; this page's own form does not.
pub async fn seen(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let mut back = None;
    let outcome = match (
        form.get("release").parse::<u32>(),
        back_to(&edition, form.get("back")),
    ) {
        (_, Err(e)) => Err(e),
        (Err(_), _) => Err(AppError::Invalid(format!(
            "release: {:?} is not a release number",
            form.get("release")
        ))),
        (Ok(release), Ok(to)) => {
            back = to;
            state
                .app
                .acknowledge_changes(viewer, &edition, release)
                .await
                .map(|()| {
                    "Marked as seen: the banner on your agenda is gone until the next change."
                        .to_owned()
                })
        }
    };
    if let (Ok(_), Some(back)) = (&outcome, &back) {
        return see_other(back);
    }
    let (status, error, notice) = told(outcome)?;
    render(
        &page(&state, viewer, &edition, csrf_of(&headers), error, notice).await?,
        status,
    )
}
