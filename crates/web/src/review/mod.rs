//! The review surface: reviewers bid, declare conflicts and score the proposals of their
//! tracks; co-chairs and organizers assign reviewers, rank and decide, and follow progress.
//! Pages work without JavaScript. Each handler asks the app for a `ReviewCtx`, calls one
//! function and renders what it got: a blind review's pages never receive an identity.

pub(crate) mod pages;

use crate::Routes;
use crate::error::WebError;
use axum::routing::{get, post};
use hallway_app::{App, ReviewCtx, Viewer};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/review/{edition}/{event}/", get(pages::list))
        .route("/review/{edition}/{event}/bids", post(pages::bid))
        .route(
            "/review/{edition}/{event}/proposals/{code}",
            get(pages::proposal).post(pages::score),
        )
        .route(
            "/review/{edition}/{event}/proposals/{code}/conflict",
            post(pages::conflict),
        )
        .route("/review/{edition}/{event}/assign", post(pages::assign))
        .route("/review/{edition}/{event}/ranking", get(pages::ranking))
        .route("/review/{edition}/{event}/decisions", post(pages::decide))
        .route("/review/{edition}/{event}/dashboard", get(pages::dashboard))
        .route("/review/{edition}/{event}/reviews.csv", get(pages::csv))
        .route(
            "/orga/{edition}/{event}/mail/{kind}",
            get(crate::orga::mail::form).post(crate::orga::mail::save),
        )
        .route(
            "/orga/{edition}/{event}/mail/{kind}/preview",
            post(crate::orga::mail::preview),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/proposals",
            get(crate::api::review::proposals),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/bid",
            post(crate::api::review::bid),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/review",
            post(crate::api::review::score),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/ranking",
            get(crate::api::review::ranking),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/decisions",
            post(crate::api::review::decide),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/review/assignment",
            post(crate::api::review::assign),
        )
}

/// Review and organizer pages are the database's, not a release's: they work before any.
pub(crate) fn needs_no_release(path: &str) -> bool {
    path.starts_with("/review/")
        || path.starts_with("/orga/")
        || (path.starts_with("/api/v1/editions/") && path.contains("/review/"))
}

/// The viewer's permission to review the event, or the refusal.
pub(crate) async fn ctx(
    app: &App,
    viewer: &Viewer,
    edition: &str,
    event: &str,
) -> Result<ReviewCtx, WebError> {
    Ok(app.review_ctx(viewer, edition, event).await?)
}

/// Refuses a reviewer before reading what they sent: deciding is for co-chairs and organizers.
pub(crate) fn must_decide(ctx: &ReviewCtx) -> Result<(), WebError> {
    if ctx.decides() {
        Ok(())
    } else {
        Err(WebError::Forbidden(format!(
            "Only a co-chair or an organizer of {}/{} may decide.",
            ctx.edition(),
            ctx.event()
        )))
    }
}
