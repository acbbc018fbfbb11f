//! The attendee's surface: what a signed-in attendee does with the schedule. Here, so far, a
//! seat on a session with limited places, the changes to their bookmarked sessions, their
//! settings (change mails, the calendar feed's address) and the private calendar feed.

mod calendar;
mod changes;
mod seats;
mod settings;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/seats/{guid}", get(seats::show))
        .route("/{edition}/seats/{guid}/take", post(seats::take))
        .route("/{edition}/seats/{guid}/claim", post(seats::claim))
        .route("/{edition}/seats/{guid}/cancel", post(seats::cancel))
        .route("/me/{edition}/changes", get(changes::show))
        .route("/me/{edition}/changes/seen", post(changes::seen))
        .route("/me/{edition}/settings", get(settings::show))
        .route("/me/{edition}/settings/mails", post(settings::mails))
        .route("/me/{edition}/settings/feed", post(settings::new_feed))
        .route(
            "/me/{edition}/settings/feed/revoke",
            post(settings::revoke_feed),
        )
        .route("/me/{edition}/calendar/{secret}", get(calendar::feed))
}
