//! The organizers' surface: editions and events made before any schedule, an event's CFP
//! settings, the team (invited by e-mail), and an event's proposals with their exports.
//! Organizers get an `OrgaCtx` from the app for their edition; co-chairs read the proposals of
//! their tracks (blind when the CFP says so). The decision mails' editor is `mail`.

pub(crate) mod mail;
mod outbox;
mod pages;
mod seats;
mod second_chance;
pub(crate) mod settings;
mod transparency;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route(
            "/orga/editions",
            get(pages::editions_form).post(pages::create_edition),
        )
        .route("/orga/{edition}/", get(pages::edition))
        .route("/orga/{edition}/events", post(pages::add_event))
        .route("/orga/{edition}/team", post(pages::invite))
        .route(
            "/orga/{edition}/{event}/cfp",
            get(pages::cfp_form).post(pages::put_cfp),
        )
        .route("/orga/{edition}/{event}/proposals", get(pages::proposals))
        .route(
            "/orga/{edition}/{event}/proposals.csv",
            get(pages::proposals_csv),
        )
        .route(
            "/orga/{edition}/{event}/proposals.json",
            get(pages::proposals_json),
        )
        .route(
            "/orga/invitations/accept",
            get(pages::accept_form).post(pages::accept),
        )
        .route("/orga/outbox", get(outbox::page))
        .route(
            "/orga/{edition}/{event}/second-chance",
            get(second_chance::show),
        )
        .route(
            "/orga/{edition}/{event}/partners",
            post(second_chance::set_partners),
        )
        .route(
            "/orga/{edition}/{event}/forwarded/{code}/import",
            post(second_chance::import),
        )
        .route(
            "/orga/{edition}/{event}/transparency",
            get(transparency::page),
        )
        .route(
            "/orga/{edition}/{event}/transparency.json",
            get(transparency::json),
        )
        .route("/orga/{edition}/seats", get(seats::show))
        .route("/orga/{edition}/seats/open", post(seats::open))
        .route("/orga/{edition}/seats/rules", post(seats::rules))
        .route("/orga/{edition}/seats/{guid}", get(seats::list))
        .route(
            "/orga/{edition}/seats/{guid}/capacity",
            post(seats::capacity),
        )
        .route("/orga/{edition}/seats/{guid}/force", post(seats::force))
        .route(
            "/orga/{edition}/seats/{guid}/move",
            post(seats::move_in_line),
        )
        .route(
            "/orga/{edition}/seats/{guid}/export.csv",
            get(seats::export),
        )
        .route(
            "/orga/{edition}/seats/{guid}/door",
            get(seats::door).post(seats::check_in),
        )
}
