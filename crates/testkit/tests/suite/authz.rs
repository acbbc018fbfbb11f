//! Every route the router has, for every role and anonymous, by GET and by POST: who gets in
//! follows the rule written here for it. The routes come from the router's own list, so a
//! route added without a rule here fails this test.

use hallway_store::{AccountStore, OutboxStore, ReviewStore, SubmissionStore};
use hallway_testkit::domain::cfp::{CfpTrack, Profile, ProposalText, ProposalType};
use hallway_testkit::domain::{Email, Role, Slug, Tracks};
use hallway_testkit::hallway_app::{App, CfpSettings, Secret, Store};
use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

on_both_backends!(every_route_answers_every_role_by_its_rule);

/// Who may use a method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Anyone,
    SignedIn,
    /// Organizers of the edition and site organizers.
    Organizer,
    /// Those who decide on proposals: organizers and co-chairs (not reviewers).
    Committee,
    /// Reviewers, co-chairs and organizers of the event.
    Reviewer,
    /// Co-chairs and organizers of the event: those who decide.
    CoChair,
    /// Site organizers only (creating editions).
    SiteOrganizer,
    /// The speakers of the proposal only; anyone else signed in gets 404, as for a proposal
    /// that does not exist, so codes cannot be probed.
    OwnSpeaker,
    /// The edition's door staff and its organizers.
    DoorStaff,
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
        "/{edition}/seats/{guid}" => (SignedIn, NoMethod),
        "/me/{edition}/changes" | "/me/{edition}/settings" => (SignedIn, NoMethod),
        "/me/{edition}/changes/seen"
        | "/me/{edition}/settings/mails"
        | "/me/{edition}/settings/feed"
        | "/me/{edition}/settings/feed/revoke" => (NoMethod, SignedIn),
        // The secret is the key: whoever holds it reads the feed, signed in or not.
        "/me/{edition}/calendar/{secret}" => (Anyone, NoMethod),
        "/me/{edition}/watch/{guid}" => (SignedIn, SignedIn),
        "/me/{edition}/watch/{guid}/position" => (NoMethod, SignedIn),
        "/me/{edition}/similar/{guid}" => (Anyone, NoMethod),
        "/me/{edition}/watching"
        | "/me/{edition}/day/{date}"
        | "/me/{edition}/wrapup.md"
        | "/me/{edition}/wrapup.json" => (SignedIn, NoMethod),
        "/api/v1/editions/{edition}/marks" | "/me/{edition}/sessions/{guid}" => {
            (SignedIn, SignedIn)
        }
        "/me/{edition}/agenda" => (SignedIn, NoMethod),
        // Whether someone is signed in, and their marks if so: for the pages' script.
        "/me/{edition}/marks.json" => (Anyone, NoMethod),
        "/me/{edition}/agenda/share" | "/me/{edition}/agenda/share/revoke" => (NoMethod, SignedIn),
        // Anyone holding a live link; an unknown token is 404 for everyone.
        "/me/{edition}/shared/{token}" => (Anyone, NoMethod),
        "/{edition}/qa/{guid}"
        | "/{edition}/qa/{guid}/projector"
        // Everyone may follow; what each person is sent is tested per role in live.rs.
        | "/{edition}/qa/{guid}/live"
        | "/api/v1/editions/{edition}/sessions/{guid}/qa" => (Anyone, NoMethod),
        "/{edition}/qa/{guid}/questions.csv" => (Organizer, NoMethod),
        "/{edition}/qa/{guid}/ask"
        | "/{edition}/qa/{guid}/vote"
        | "/{edition}/qa/{guid}/retract" => (NoMethod, SignedIn),
        "/{edition}/qa/{guid}/moderate" | "/{edition}/qa/{guid}/settings" => (NoMethod, Organizer),
        "/{edition}/unconference" => (Anyone, NoMethod),
        "/{edition}/unconference/propose" | "/{edition}/unconference/vote" => (NoMethod, SignedIn),
        "/orga/{edition}/unconference" => (Organizer, NoMethod),
        "/orga/{edition}/unconference/open"
        | "/orga/{edition}/unconference/close"
        | "/orga/{edition}/unconference/merge"
        | "/orga/{edition}/unconference/hide"
        | "/orga/{edition}/unconference/publish" => (NoMethod, Organizer),
        "/{edition}/seats/{guid}/take"
        | "/{edition}/seats/{guid}/claim"
        | "/{edition}/seats/{guid}/cancel" => (NoMethod, SignedIn),
        "/{edition}/door/" | "/{edition}/door/{room}" => (DoorStaff, NoMethod),
        "/{edition}/door/{room}/count" | "/{edition}/door/{room}/mark" => (NoMethod, DoorStaff),
        "/{edition}/fill.json" | "/{edition}/online.json" | "/{edition}/online/{guid}" => {
            (Anyone, NoMethod)
        }
        "/orga/{edition}/door-staff" => (Organizer, Organizer),
        "/orga/{edition}/door-staff/remove" => (NoMethod, Organizer),
        "/orga/{edition}/fill" | "/orga/{edition}/fill.csv" => (Organizer, NoMethod),
        "/{edition}/presence/beat" => (NoMethod, Anyone),
        "/{edition}/online/{guid}/contact"
        | "/me/{edition}/inbox/{id}/answer"
        | "/me/{edition}/inbox/{id}/ignore" => (NoMethod, SignedIn),
        "/me/{edition}/presence" => (SignedIn, SignedIn),
        "/me/{edition}/inbox" | "/me/{edition}/inbox.json" | "/me/{edition}/contacts" => {
            (SignedIn, NoMethod)
        }
        "/cfp/" | "/cfp/{edition}/{event}/" | "/api/v1/editions/{edition}/events/{event}/cfp" => {
            (Anyone, NoMethod)
        }
        "/cfp/{edition}/{event}/submit" | "/cfp/profile" => (SignedIn, SignedIn),
        "/cfp/proposals" | "/api/v1/cfp/proposals" => (SignedIn, NoMethod),
        "/cfp/proposals/{code}" => (OwnSpeaker, OwnSpeaker),
        "/cfp/proposals/{code}/withdraw"
        | "/cfp/proposals/{code}/confirm"
        | "/cfp/proposals/{code}/invite"
        | "/cfp/proposals/{code}/forward"
        | "/api/v1/cfp/proposals/{code}/withdraw"
        | "/api/v1/cfp/proposals/{code}/forward" => (NoMethod, OwnSpeaker),
        "/api/v1/editions/{edition}/events/{event}/partners" => (NoMethod, NoMethod),
        "/api/v1/editions/{edition}/events/{event}/forwarded"
        | "/api/v1/editions/{edition}/events/{event}/transparency" => (Organizer, NoMethod),
        "/api/v1/editions/{edition}/events/{event}/forwarded/{code}/import" => {
            (NoMethod, Organizer)
        }
        "/api/v1/cfp/proposals/{code}" => (OwnSpeaker, NoMethod),
        "/cfp/invitations/accept" | "/orga/invitations/accept" => (Anyone, SignedIn),
        "/cfp/confirm" => (Anyone, Anyone),
        "/orga/editions" => (SiteOrganizer, SiteOrganizer),
        "/orga/{edition}/" => (Organizer, NoMethod),
        "/orga/{edition}/events" | "/orga/{edition}/team" => (NoMethod, Organizer),
        "/orga/{edition}/{event}/cfp" => (Organizer, Organizer),
        "/orga/outbox" => (SiteOrganizer, NoMethod),
        "/orga/{edition}/seats"
        | "/orga/{edition}/seats/{guid}"
        | "/orga/{edition}/seats/{guid}/export.csv" => (Organizer, NoMethod),
        "/orga/{edition}/seats/open"
        | "/orga/{edition}/seats/rules"
        | "/orga/{edition}/seats/{guid}/capacity"
        | "/orga/{edition}/seats/{guid}/force"
        | "/orga/{edition}/seats/{guid}/move" => (NoMethod, Organizer),
        "/orga/{edition}/seats/{guid}/door" => (Organizer, Organizer),
        "/orga/{edition}/{event}/second-chance"
        | "/orga/{edition}/{event}/transparency"
        | "/orga/{edition}/{event}/transparency.json" => (Organizer, NoMethod),
        "/orga/{edition}/{event}/partners" | "/orga/{edition}/{event}/forwarded/{code}/import" => {
            (NoMethod, Organizer)
        }
        "/orga/{edition}/{event}/proposals"
        | "/orga/{edition}/{event}/proposals.csv"
        | "/orga/{edition}/{event}/proposals.json" => (Committee, NoMethod),
        "/api/v1/editions/{edition}/events/{event}/proposals" => (Committee, SignedIn),
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

/// Who may PUT: the few JSON routes that replace a whole resource; 405 on every other route.
fn put_rule(path: &str) -> Access {
    match path {
        "/api/v1/editions/{edition}/events/{event}/cfp"
        | "/api/v1/editions/{edition}/events/{event}/partners" => Organizer,
        "/api/v1/cfp/proposals/{code}" => OwnSpeaker,
        _ => NoMethod,
    }
}

const ROLES: &[&str] = &[
    "anonymous",
    "attendee",
    "speaker",
    "reviewer",
    "co-chair",
    "organizer",
    "site-organizer",
    "door-staff",
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
    if role == "door-staff" {
        signed_up(app, store, &email).await;
        app.add_door_staff(&hallway_testkit::operator(), edition, &email)
            .await
            .unwrap();
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
    signed_up(app, store, &email).await;
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

/// Signs `email` up and follows the link mailed.
async fn signed_up(app: &App, store: &Store, email: &str) {
    app.sign_up(email, "a long enough password").await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(mail.id, now).await.unwrap();
        // Only this address's link: a site organizer's reset link may be queued too.
        if mail.recipient != email {
            continue;
        }
        let at = mail.body.find("token=").unwrap() + 6;
        app.verify_email(&mail.body[at..at + 64]).await.unwrap();
    }
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
    let room = wip
        .sessions
        .iter()
        .flat_map(|x| &x.slots)
        .find_map(|x| x.room.clone())
        .unwrap()
        .to_string();
    // An open call for papers on the event, and a proposal of the speaker's.
    app.put_cfp(&orga, &edition, &open_cfp(&event))
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for role in ROLES {
        sessions.push(session_for(&app, &store, &edition, &event, role).await);
    }
    let speaker = app
        .session_viewer(sessions[2].as_ref().unwrap())
        .await
        .unwrap();
    app.put_speaker_profile(
        &speaker,
        &Profile {
            name: "Spea Ker".into(),
            ..Profile::default()
        },
    )
    .await
    .unwrap();
    let code = app
        .submit_proposal(&speaker, &edition, &event, &proposal_text())
        .await
        .unwrap()
        .code;
    // Every account but the speaker's is assigned the proposal, so that a refusal on a
    // reviewer's route is about the role, not about an assignment.
    let (edition_slug, event_slug) = (Slug::parse(&edition).unwrap(), Slug::parse(&event).unwrap());
    let cfp_id = store.cfp_id(&edition_slug, &event_slug).await.unwrap();
    let proposal = store.submission(&code).await.unwrap().id;
    for role in ROLES
        .iter()
        .filter(|r| !["anonymous", "speaker"].contains(*r))
    {
        let email = Email::parse(&format!("{role}@example.org")).unwrap();
        let user = store.user_by_email(&email).await.unwrap().id;
        store
            .add_assignments(cfp_id, &[(proposal, user)], &[], None, 1)
            .await
            .unwrap();
    }
    // A calendar feed of an attendee outside the roles tried, so no request below replaces it.
    let holder = &hallway_testkit::quick_accounts(&app, &store, "feed", 1).await[0];
    let feed = app.new_calendar_feed(holder, &edition).await.unwrap();
    let secret = feed.url.rsplit('/').next().unwrap().to_owned();
    let server = TestServer::start(app.clone()).await;

    let paths = hallway_testkit::hallway_web::route_paths();
    let missing: Vec<_> = paths.iter().filter(|p| rule(p).is_none()).collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization rule: {missing:?}"
    );

    let mut checked = 0;
    for (role, session) in ROLES.iter().zip(&sessions) {
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
                .replace("{event}", &event)
                .replace("{code}", &code)
                .replace("{guid}", &guid)
                .replace("{date}", &date)
                .replace("{room}", &room)
                .replace("{id}", "1")
                .replace("{kind}", "accepted")
                .replace("{secret}", &secret)
                .replace("{token}", &"0".repeat(64));
            assert!(
                !url.contains('{'),
                "{path}: a parameter this test does not fill"
            );
            for (method, access) in [("GET", get), ("POST", post), ("PUT", put_rule(path))] {
                let request = match method {
                    "GET" => client().get(server.url(&url)),
                    _ => client()
                        .request(method.parse().unwrap(), server.url(&url))
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
                if path == "/me/{edition}/calendar/{secret}" && method == "GET" {
                    assert_eq!(status, StatusCode::OK, "the feed opens for its secret");
                }
                let organizes = matches!(*role, "organizer" | "site-organizer");
                let may = match access {
                    Anyone => true,
                    SignedIn => *role != "anonymous",
                    Organizer => organizes,
                    Committee | CoChair => organizes || *role == "co-chair",
                    Reviewer => organizes || ["reviewer", "co-chair"].contains(role),
                    SiteOrganizer => *role == "site-organizer",
                    DoorStaff => organizes || *role == "door-staff",
                    OwnSpeaker if *role == "speaker" => true,
                    OwnSpeaker if *role == "anonymous" => false,
                    OwnSpeaker => {
                        assert_eq!(
                            status,
                            StatusCode::NOT_FOUND,
                            "{method} {path} as {role}: another speaker's proposal is not found"
                        );
                        checked += 1;
                        continue;
                    }
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
    assert!(checked > 300, "{checked} checks");
    server.stop().await;
}

/// A call for papers open from 2020 to 2099, so that it is open whenever the test runs.
pub(crate) fn open_cfp(event: &str) -> CfpSettings {
    let slug = |s: &str| Slug::parse(s).unwrap();
    CfpSettings {
        event: event.to_owned(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-01-01T09:00".into(),
        per_speaker: 2,
        blind: true,
        reviews_per_proposal: 3,
        reviewer_cap: 40,
        description: "Tell us about it.".into(),
        session_types: vec![ProposalType {
            slug: slug("talk"),
            name: "Talk".into(),
            minutes: 30,
        }],
        tracks: vec![
            CfpTrack {
                slug: slug("security"),
                name: "Security".into(),
            },
            CfpTrack {
                slug: slug("observability"),
                name: "Observability".into(),
            },
        ],
        criteria: vec![],
        questions: vec![],
    }
}

pub(crate) fn proposal_text() -> ProposalText {
    ProposalText {
        title: "Zero trust for clusters".into(),
        abstract_: "How we rolled out mutual TLS everywhere.".into(),
        notes: String::new(),
        session_type: Slug::parse("talk").unwrap(),
        track: Slug::parse("security").unwrap(),
        answers: vec![],
    }
}
