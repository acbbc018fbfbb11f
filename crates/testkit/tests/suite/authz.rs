//! Every route the router has, for every role and anonymous, by GET and by POST: who gets in
//! follows the rule written here for it. The routes come from the router's own list, so a
//! route added without a rule here fails this test.

use hallway_store::ReviewStore;
use hallway_store::{AccountStore, CfpStore, NewSubmission, OutboxStore, SubmissionStore};
use hallway_testkit::domain::cfp::ProposalText;
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Email, Slug};
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
    /// Reviewers, co-chairs and organizers of the event.
    Reviewer,
    /// Co-chairs and organizers of the event.
    CoChair,
    /// Organizers of the edition.
    Organizer,
}

use Access::*;

/// The rule for each route: (GET, POST).
fn rule(path: &str) -> Option<(Access, Access)> {
    Some(match path {
        "/healthz"
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
        "/review/{edition}/{event}/" => (Reviewer, NoMethod),
        "/review/{edition}/{event}/bids"
        | "/review/{edition}/{event}/proposals/{code}/conflict" => (NoMethod, Reviewer),
        "/review/{edition}/{event}/proposals/{code}" => (Reviewer, Reviewer),
        "/review/{edition}/{event}/assign" | "/review/{edition}/{event}/decisions" => {
            (NoMethod, CoChair)
        }
        "/review/{edition}/{event}/ranking"
        | "/review/{edition}/{event}/dashboard"
        | "/review/{edition}/{event}/reviews.csv" => (CoChair, NoMethod),
        "/orga/{edition}/{event}/mail/{kind}" => (Organizer, Organizer),
        "/orga/{edition}/{event}/mail/{kind}/preview" => (NoMethod, Organizer),
        "/api/v1/editions/{edition}/events/{event}/review/proposals" => (Reviewer, NoMethod),
        "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/bid"
        | "/api/v1/editions/{edition}/events/{event}/review/proposals/{code}/review" => {
            (NoMethod, Reviewer)
        }
        "/api/v1/editions/{edition}/events/{event}/review/ranking" => (CoChair, NoMethod),
        "/api/v1/editions/{edition}/events/{event}/review/decisions"
        | "/api/v1/editions/{edition}/events/{event}/review/assignment" => (NoMethod, CoChair),
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
        // Other mail (a reviewer told of an assignment run) has no link to follow.
        if let Some(at) = mail.body.find("verify?token=") {
            let at = at + "verify?token=".len();
            app.verify_email(&mail.body[at..at + 64]).await.unwrap();
        }
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
    let wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let event = wip.events[0].slug.to_string();
    let guid = wip.sessions[0].guid.to_string();
    let date = wip.edition.start_date.to_string();
    // A CFP on the event with one proposal in review, which every role's account is assigned
    // (so that a reviewer's refusal is about permission, not about an assignment).
    let (cfp_id, proposal) = proposal_in_review(&store, &edition, &event).await;
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
        if session.is_some() {
            let email = Email::parse(&format!("{role}@example.org")).unwrap();
            let user = store.user_by_email(&email).await.unwrap().id;
            store
                .add_assignments(cfp_id, &[(proposal, user)], &[], None, 1)
                .await
                .unwrap();
        }
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
                .replace("{id}", "1")
                .replace("{event}", &event)
                .replace("{code}", "AZ1")
                .replace("{kind}", "accepted");
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
                    Reviewer => ["reviewer", "co-chair", "organizer"].contains(role),
                    CoChair => ["co-chair", "organizer"].contains(role),
                    Organizer => *role == "organizer",
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

/// The event's CFP and a proposal in review in it (code AZ1), by a speaker of its own.
async fn proposal_in_review(store: &Store, edition: &str, event: &str) -> (i64, i64) {
    let (edition, event) = (Slug::parse(edition).unwrap(), Slug::parse(event).unwrap());
    store
        .put_cfp(&edition, &super::review::cfp(event.clone(), true), 1)
        .await
        .unwrap();
    let speaker = store
        .create_user(
            &Email::parse("az-speaker@example.org").unwrap(),
            "x",
            false,
            Some(1),
            1,
        )
        .await
        .unwrap();
    let text = ProposalText {
        title: "A proposal".into(),
        abstract_: "About something.".into(),
        notes: String::new(),
        session_type: Slug::parse("talk").unwrap(),
        track: Slug::parse("security").unwrap(),
        answers: vec![],
    };
    let p = store
        .create_submission(
            &NewSubmission {
                edition: &edition,
                event: &event,
                code: "AZ1",
                speakers: &[speaker],
                text: &text,
                answers: &[],
                status: Status::Submitted,
                per_speaker: 5,
                forwarded_from: None,
            },
            1,
        )
        .await
        .unwrap();
    (store.cfp_id(&edition, &event).await.unwrap(), p.id)
}
