//! Every route the router has, for every role and anonymous, by GET and by POST: who gets in
//! follows the rule written here for it. The routes come from the router's own list, so a
//! route added without a rule here fails this test.

use hallway_store::OutboxStore;
use hallway_testkit::domain::{Role, Tracks};
use hallway_testkit::hallway_app::{App, Secret, Store};
use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

on_both_backends!(every_route_answers_every_role_by_its_rule);

/// Who may use a method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Anyone,
    SignedIn,
    /// The route has no such method: 405 for everyone.
    NoMethod,
}

use Access::*;

/// The rule for each route: (GET, POST).
fn rule(path: &str) -> Option<(Access, Access)> {
    Some(match path {
        "/healthz"
        | "/readyz"
        | "/metrics"
        | "/api/v1/editions"
        | "/api/v1/editions/{edition}"
        | "/api/v1/editions/{edition}/sessions"
        | "/api/v1/editions/{edition}/sessions/{guid}"
        | "/api/v1/editions/{edition}/speakers"
        | "/api/v1/editions/{edition}/releases"
        | "/{edition}/schedule/"
        | "/{edition}/schedule/{date}/"
        | "/{edition}/schedule/{date}/list"
        | "/{edition}/now"
        | "/{edition}/search"
        | "/{edition}/sessions.ics" => (Anyone, NoMethod),
        "/account/signup" | "/account/verify" | "/account/login" | "/account/reset" => {
            (Anyone, Anyone)
        }
        "/account/reset/confirm" => (NoMethod, Anyone),
        "/account/" => (SignedIn, NoMethod),
        "/account/logout" => (NoMethod, Anyone),
        "/account/tokens" | "/account/tokens/{id}/revoke" => (NoMethod, SignedIn),
        "/api/v1/me" => (SignedIn, NoMethod),
        _ => return None,
    })
}

const ROLES: &[&str] = &[
    "anonymous",
    "attendee",
    "speaker",
    "reviewer",
    "co-chair",
    "organizer",
];

async fn session_for(
    app: &App,
    store: &Store,
    edition: &str,
    event: &str,
    role: &str,
) -> Option<Secret> {
    if role == "anonymous" {
        return None;
    }
    let email = format!("{role}@example.org");
    let password = "a long enough password";
    if role == "site-organizer" {
        let link = app
            .add_site_organizer(&hallway_testkit::operator(), &email)
            .await
            .unwrap();
        let token = link.rsplit('=').next().unwrap();
        app.reset_password(token, password).await.unwrap();
        return Some(app.log_in(&email, password, None).await.unwrap().session);
    }
    let (grant, on_event) = match role {
        "attendee" => (Role::Attendee, false),
        "speaker" => (Role::Speaker, true),
        "reviewer" => (Role::Reviewer(Tracks::All), true),
        "co-chair" => (Role::CoChair(Tracks::All), true),
        "organizer" => (Role::Organizer, false),
        other => panic!("no such role {other}"),
    };
    app.sign_up(&email, "a long enough password").await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(mail.id, now).await.unwrap();
        let at = mail.body.find("token=").unwrap() + 6;
        app.verify_email(&mail.body[at..at + 64]).await.unwrap();
    }
    app.grant_role(
        &hallway_testkit::operator(),
        edition,
        on_event.then_some(event),
        &email,
        grant,
    )
    .await
    .unwrap();
    Some(
        app.log_in(&email, "a long enough password", None)
            .await
            .unwrap()
            .session,
    )
}

async fn every_route_answers_every_role_by_its_rule(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let event = wip.events[0].slug.to_string();
    let guid = wip.sessions[0].guid.to_string();
    let date = wip.edition.start_date.to_string();
    let server = TestServer::start(app.clone()).await;

    let paths = hallway_testkit::hallway_web::route_paths();
    let missing: Vec<_> = paths.iter().filter(|p| rule(p).is_none()).collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization rule: {missing:?}"
    );

    let mut checked = 0;
    for role in ROLES {
        let session = session_for(&app, &store, &edition, &event, role).await;
        let csrf = "a".repeat(64);
        let cookie = match &session {
            Some(s) => format!("hallway_session={}; hallway_csrf={csrf}", s.expose()),
            None => format!("hallway_csrf={csrf}"),
        };
        // Logging out ends the session, so it goes last.
        let mut ordered = paths.clone();
        ordered.sort_by_key(|p| *p == "/account/logout");
        for path in ordered {
            let (get, post) = rule(path).unwrap();
            let url = path
                .replace("{edition}", &edition)
                .replace("{guid}", &guid)
                .replace("{date}", &date)
                .replace("{id}", "1");
            assert!(
                !url.contains('{'),
                "{path}: a parameter this test does not fill"
            );
            for (method, access) in [("GET", get), ("POST", post)] {
                let request = match method {
                    "GET" => client().get(server.url(&url)),
                    _ => client()
                        .post(server.url(&url))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("origin", &server.base)
                        .header("sec-fetch-site", "same-origin")
                        .body(format!("csrf={csrf}")),
                };
                let r = request.header(COOKIE, &cookie).send().await.unwrap();
                let status = r.status();
                let to_login = status == StatusCode::SEE_OTHER
                    && r.headers()
                        .get(LOCATION)
                        .is_some_and(|l| l == "/account/login");
                let refused = status == StatusCode::UNAUTHORIZED
                    || status == StatusCode::FORBIDDEN
                    || to_login;
                let may = match access {
                    Anyone => true,
                    SignedIn => *role != "anonymous",
                    NoMethod => {
                        assert_eq!(
                            status,
                            StatusCode::METHOD_NOT_ALLOWED,
                            "{method} {path} as {role}"
                        );
                        continue;
                    }
                };
                assert!(status.as_u16() < 500, "{method} {path} as {role}: {status}");
                if may {
                    assert!(
                        !refused,
                        "{method} {path} as {role} should get in: {status}"
                    );
                } else {
                    assert!(
                        refused,
                        "{method} {path} as {role} should be refused: {status}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} checks");
    server.stop().await;
}
