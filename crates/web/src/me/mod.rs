//! The attendee's surface: what a signed-in attendee does with the schedule. Marks on
//! sessions (bookmarks, priorities, attended, watch later, notes) as plain forms; my agenda and
//! the read-only link that shares it; a seat on a session with limited places; the changes to
//! their bookmarked sessions; their settings (change mails, the calendar feed's address) and
//! the private calendar feed; recordings that resume where they left off; suggestions that fit
//! their agenda; the daily review and the wrap-up.

mod agenda;
mod calendar;
mod changes;
mod day;
mod discover;
mod marks;
mod note;
mod qr;
mod seats;
mod settings;
mod watch;

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
        .route(
            "/me/{edition}/watch/{guid}",
            get(watch::player).post(watch::save_form),
        )
        .route(
            "/me/{edition}/watch/{guid}/position",
            post(watch::save_json),
        )
        .route("/me/{edition}/watching", get(watch::watching))
        .route("/me/{edition}/similar/{guid}", get(discover::similar))
        .route("/me/{edition}/day/{date}", get(day::show))
        .route("/me/{edition}/wrapup.md", get(day::wrapup_markdown))
        .route("/me/{edition}/wrapup.json", get(day::wrapup_json))
        .route(
            "/me/{edition}/sessions/{guid}",
            get(marks::show).post(marks::change),
        )
        .route("/me/{edition}/marks.json", get(marks::for_pages))
        .route("/me/{edition}/agenda", get(agenda::mine))
        .route("/me/{edition}/agenda/share", post(agenda::share))
        .route("/me/{edition}/agenda/share/revoke", post(agenda::revoke))
        .route("/me/{edition}/shared/{token}", get(agenda::shared))
}
