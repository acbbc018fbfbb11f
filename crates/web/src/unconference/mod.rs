//! The unconference board: attendees propose topics and vote (`board`), organizers open and
//! close it, merge duplicates, hide topics, see the plan and publish it (`orga`). Plain forms,
//! no JavaScript needed.

mod board;
mod orga;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/unconference", get(board::page))
        .route("/{edition}/unconference/propose", post(board::propose))
        .route("/{edition}/unconference/vote", post(board::vote))
        .route("/orga/{edition}/unconference", get(orga::page))
        .route("/orga/{edition}/unconference/open", post(orga::open))
        .route("/orga/{edition}/unconference/close", post(orga::close))
        .route("/orga/{edition}/unconference/merge", post(orga::merge))
        .route("/orga/{edition}/unconference/hide", post(orga::hide))
        .route("/orga/{edition}/unconference/publish", post(orga::publish))
}

/// A topic's id from a form field, or a refusal naming the field.
fn topic_id(form: &crate::account::Form, name: &str) -> Result<i64, hallway_app::AppError> {
    form.get(name).trim().parse().map_err(|_| {
        hallway_app::AppError::Invalid(format!("{name}: {:?} is not a topic", form.get(name)))
    })
}
