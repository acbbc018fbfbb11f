//! JSON under /api/v1, documented by the OpenAPI file the server serves. Each document is
//! rendered with its release and served from memory; the session listing, when filtered, is
//! computed from the release in memory with the same filters as the pages. A repeated or
//! undecodable query parameter is an error that names it, as on the pages.

pub mod cfp;
pub mod marks;
pub mod review;
pub mod second_chance;
mod views;

pub use views::{
    EditionView, ErrorView, EventView, ReleaseView, SessionView, SlotView, SpeakerRef, SpeakerView,
};

use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::page::{JSON, Page};
use crate::released::{Filter, Released};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hallway_domain::Session;
use jiff::civil::Date;
use utoipa::OpenApi;

/// The edition as its latest release has it.
pub fn edition_json(r: &Released) -> Page {
    json(&views::edition_view(&r.schedule, r.release))
}

/// Every session of the release.
pub fn sessions_json(r: &Released) -> Page {
    json(&sessions_of(r, &Filter::default(), None))
}

pub fn session_json(r: &Released, x: &Session) -> Page {
    json(&views::session_view(&r.schedule, x))
}

pub fn speakers_json(r: &Released) -> Page {
    json(&views::speaker_views(&r.schedule))
}

/// The edition's releases, newest first.
pub fn releases_json(r: &Released) -> Page {
    json(
        &r.notes
            .iter()
            .map(|n| views::release_view(n.number, n.released_at, n.changes.counts()))
            .collect::<Vec<_>>(),
    )
}

/// The released editions, newest first.
pub fn editions_json(editions: &[&Released]) -> Page {
    json(
        &editions
            .iter()
            .map(|r| views::edition_view(&r.schedule, r.release))
            .collect::<Vec<_>>(),
    )
}

/// Rendered with the release, off the async workers: a value that does not serialize (it cannot,
/// for these views: string keys only) fails that release's render, which is logged and leaves the
/// previous release served, instead of serving an empty document as if it were right.
fn json<T: serde::Serialize>(value: &T) -> Page {
    let body =
        serde_json::to_vec(value).unwrap_or_else(|e| panic!("a JSON view did not serialize: {e}"));
    Page::new(JSON, body)
}

/// The sessions that run at least once where `filter` and `day` say, in the schedule's order.
fn sessions_of(r: &Released, filter: &Filter, day: Option<Date>) -> Vec<SessionView> {
    let s = &r.schedule;
    let mut chosen = vec![filter.is_empty() && day.is_none(); s.sessions.len()];
    if !chosen.iter().all(|&c| c) {
        for i in r.matching(filter, day) {
            chosen[r.occurrences[i].session] = true;
        }
    }
    s.sessions
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(x, _)| views::session_view(s, x))
        .collect()
}

fn cached(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    state
        .site
        .page(path)
        .map_or_else(|| WebError::NotFound.json(), |p| p.respond(headers))
}

/// Editions with a released schedule.
#[utoipa::path(get, path = "/api/v1/editions",
    responses(
        (status = 200, body = Vec<EditionView>, description = "Every edition with a release, newest first"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
    ))]
pub async fn editions(
    State(state): State<AppState>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(&state, "/api/v1/editions", &headers)
}

/// One edition.
#[utoipa::path(get, path = "/api/v1/editions/{edition}",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = EditionView, description = "The edition as its latest release has it"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn edition(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(&state, &format!("/api/v1/editions/{edition}"), &headers)
}

/// The sessions of the edition's latest release, all or those the filters keep: the filters of
/// the schedule pages. A session is kept when one of its slots matches.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/sessions",
    params(
        ("edition" = String, Path, description = "Edition slug"),
        ("event" = Option<String>, Query, description = "Slug of an event of the edition (the main conference or a co-located event)"),
        ("track" = Option<String>, Query, description = "Track slug"),
        ("type" = Option<String>, Query, description = "Session type; empty is every type, as in the pages' filter form", pattern = r"^(keynote|talk|panel|lightning|workshop|tutorial|poster|unconference|social|break|registration|event)?$"),
        ("room" = Option<String>, Query, description = "Room slug"),
        ("day" = Option<String>, Query, format = Date, description = "A conference day (a session after midnight belongs to the day before when the edition's day changes later)"),
    ),
    responses(
        (status = 200, body = Vec<SessionView>, description = "The sessions, in the schedule's order"),
        (status = 400, body = ErrorView, description = "A type or a day that is not one"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn sessions(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
    headers: HeaderMap,
) -> Response {
    let filters = Filter::from_query(&q).and_then(|filter| {
        let day = q
            .given("day")
            .map(|d| {
                d.parse::<Date>().map_err(|_| {
                    WebError::BadRequest(format!("day: {d:?} is not a date like 2026-03-25"))
                })
            })
            .transpose()?;
        Ok((filter, day))
    });
    match filters {
        Err(e) => e.json(),
        Ok((filter, None)) if filter.is_empty() => cached(
            &state,
            &format!("/api/v1/editions/{edition}/sessions"),
            &headers,
        ),
        Ok((filter, day)) => match state.site.released(&edition) {
            Some(r) => json(&sessions_of(&r, &filter, day)).respond(&headers),
            None => WebError::NotFound.json(),
        },
    }
}

/// One session of the latest release, by GUID.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/sessions/{guid}",
    params(("edition" = String, Path, description = "Edition slug"), ("guid" = String, Path, description = "Session GUID")),
    responses(
        (status = 200, body = SessionView, description = "The session"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such session"),
    ))]
pub async fn session(
    State(state): State<AppState>,
    Segments((edition, guid)): Segments<(String, String)>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/sessions/{guid}"),
        &headers,
    )
}

/// Every speaker of the latest release.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/speakers",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = Vec<SpeakerView>, description = "The speakers"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn speakers(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/speakers"),
        &headers,
    )
}

/// The edition's releases, newest first, with counts of what each changed.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/releases",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = Vec<ReleaseView>, description = "The releases"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn releases(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/releases"),
        &headers,
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hallway",
        description = "Public schedule data of released conference editions, and the call for papers: its settings, a speaker's proposals, an event's proposals for its organizers. Scripts authenticate with an API token as `Authorization: Bearer TOKEN`."
    ),
    paths(
        editions,
        edition,
        sessions,
        session,
        speakers,
        releases,
        crate::account::pages::me,
        cfp::get_cfp,
        cfp::put_cfp,
        cfp::my_proposals,
        cfp::submit,
        cfp::event_proposals,
        cfp::proposal,
        cfp::edit,
        cfp::withdraw,
        review::proposals,
        review::bid,
        review::score,
        review::ranking,
        review::decide,
        review::assign,
        second_chance::forward,
        second_chance::put_partners,
        second_chance::forwarded,
        second_chance::import,
        second_chance::transparency,
        marks::mine,
        marks::change
    ),
    modifiers(&BearerAuth),
    components(schemas(
        cfp::CfpJson,
        cfp::CfpSettingsJson,
        cfp::SessionTypeJson,
        cfp::TrackJson,
        cfp::CriterionJson,
        cfp::QuestionJson,
        cfp::AnswerJson,
        cfp::ProposalInJson,
        cfp::ProposalJson,
        cfp::ProposalListJson,
        cfp::HistoryJson,
        cfp::SpeakerJson,
        crate::account::MeJson,
        crate::account::TokenJson,
        EditionView,
        EventView,
        SessionView,
        SlotView,
        SpeakerRef,
        SpeakerView,
        ReleaseView,
        ErrorView,
        review::ReviewItemView,
        review::ReviewProposalView,
        review::ReviewSpeakerView,
        review::RankView,
        review::BidBody,
        review::ReviewBody,
        review::ScoredView,
        review::DecisionBody,
        review::DecidedView,
        review::AssignmentView,
        review::ShortView,
        marks::MarkView,
        marks::ChangeIn,
        marks::ChangesIn,
        marks::ChangeResult,
        marks::ChangesOut
    ))
)]
pub struct ApiDoc;

/// API tokens are sent as `Authorization: Bearer TOKEN`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The CFP's JSON routes.
pub(crate) fn cfp_routes(routes: crate::Routes) -> crate::Routes {
    use axum::routing::{get, post};
    routes
        .route(
            "/api/v1/editions/{edition}/events/{event}/cfp",
            get(cfp::get_cfp).put(cfp::put_cfp),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/proposals",
            get(cfp::event_proposals).post(cfp::submit),
        )
        .route("/api/v1/cfp/proposals", get(cfp::my_proposals))
        .route(
            "/api/v1/cfp/proposals/{code}",
            get(cfp::proposal).put(cfp::edit),
        )
        .route("/api/v1/cfp/proposals/{code}/withdraw", post(cfp::withdraw))
        .route(
            "/api/v1/cfp/proposals/{code}/forward",
            post(second_chance::forward),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/partners",
            axum::routing::put(second_chance::put_partners),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/forwarded",
            get(second_chance::forwarded),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/forwarded/{code}/import",
            post(second_chance::import),
        )
        .route(
            "/api/v1/editions/{edition}/events/{event}/transparency",
            get(second_chance::transparency),
        )
        .route(
            "/api/v1/editions/{edition}/marks",
            get(marks::mine).post(marks::change),
        )
}

pub fn openapi_json() -> String {
    // Built from types at start-up: a failure is a bug to stop at, not an empty document to serve.
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| panic!("the OpenAPI document did not serialize: {e}"))
}

#[cfg(test)]
mod tests {
    use hallway_domain::SessionType;

    #[test]
    fn the_documented_session_types_are_the_domains() {
        let doc: serde_json::Value = serde_json::from_str(&super::openapi_json()).unwrap();
        let params = &doc["paths"]["/api/v1/editions/{edition}/sessions"]["get"]["parameters"];
        let pattern = params
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "type")
            .and_then(|p| p["schema"]["pattern"].as_str())
            .unwrap();
        let names: Vec<&str> = SessionType::ALL
            .into_iter()
            .map(SessionType::as_str)
            .collect();
        assert_eq!(pattern, format!("^({})?$", names.join("|")));
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;
    use crate::released::tests::kubecon;

    #[test]
    fn the_session_listing_takes_the_pages_filters() {
        let r = kubecon();
        let all = sessions_of(&r, &Filter::default(), None);
        assert_eq!(all.len(), r.schedule.sessions.len());
        let keynotes = Filter {
            session_type: Some(hallway_domain::SessionType::Keynote),
            ..Filter::default()
        };
        let day: Date = "2026-03-25".parse().unwrap();
        let found = sessions_of(&r, &keynotes, Some(day));
        assert!(!found.is_empty() && found.len() < all.len());
        for x in &found {
            assert_eq!(x.session_type, "keynote");
            assert!(
                x.slots.iter().any(|sl| sl.start.starts_with("2026-03-25")),
                "{x:?}"
            );
        }
        let order: Vec<&str> = all.iter().map(|x| x.guid.as_str()).collect();
        let kept: Vec<&str> = found.iter().map(|x| x.guid.as_str()).collect();
        assert!(
            kept.iter()
                .map(|g| order.iter().position(|o| o == g))
                .is_sorted(),
            "in the schedule's order"
        );
    }
}
