//! The organizers' seat pages over HTTP, on both backends: rules and a list opened from forms,
//! a bad value refused by name with nothing changed, the line reordered, someone seated by
//! e-mail, more seats offered down the line, the CSV export, and the door.

use hallway_store::{OutboxStore, SeatState};
use hallway_testkit::domain::Role;
use hallway_testkit::domain::seats::SignUp;
use hallway_testkit::hallway_app::{App, Viewer};
use hallway_testkit::{TestDb, TestServer, client, operator, quick_sessions, released_workshops};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};

on_both_backends!(organizers_run_a_seat_list_from_their_pages);

const CSRF: &str = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

struct Browser<'a> {
    server: &'a TestServer,
    cookie: String,
}

impl Browser<'_> {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = client()
            .get(self.server.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut body = format!("csrf={CSRF}");
        for (k, v) in form {
            body.push_str(&format!("&{k}={}", v.replace('@', "%40")));
        }
        let r = client()
            .post(self.server.url(path))
            .header(COOKIE, &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.server.base)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

/// The page without what changes from run to run: the form token and the assets' hashes.
fn stable(page: &str) -> String {
    let page = page.replace(CSRF, "[csrf]");
    let mut kept = String::new();
    let mut rest = page.as_str();
    while let Some((before, after)) = rest.split_once("/static/hallway.") {
        kept.push_str(before);
        kept.push_str("/static/hallway.[hash].");
        rest = after.split_once('.').map_or("", |(_, tail)| tail);
    }
    kept.push_str(rest);
    kept
}

async fn line(app: &App, edition: &str, session: &str) -> Vec<(SeatState, String)> {
    app.seat_lines(&operator(), edition, session)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.state, l.email))
        .collect()
}

async fn organizers_run_a_seat_list_from_their_pages(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_workshops(&app).await;
    let wip = app
        .work_in_progress(&operator(), &edition)
        .await
        .unwrap()
        .schedule;
    let guid = |title: &str| {
        wip.sessions
            .iter()
            .find(|x| x.title == title)
            .unwrap()
            .guid
            .to_string()
    };
    let session = guid("Hands-on eBPF");
    let overlapping = guid("Writing a Kubernetes operator");
    let other = guid("ContribFest");
    let people = quick_sessions(&app, &store, "p", 5).await;
    app.grant_role(
        &operator(),
        &edition,
        None,
        "p4@example.org",
        Role::Organizer,
    )
    .await
    .unwrap();
    let server = TestServer::start(app.clone()).await;
    let as_person = |i: usize| Browser {
        server: &server,
        cookie: format!("hallway_session={}; hallway_csrf={CSRF}", people[i].1),
    };
    let orga = as_person(4);
    let base = format!("/orga/{edition}/seats");
    let mut pages = Vec::new();

    let (status, page) = orga.get(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No session has a seat list yet."), "{page}");
    assert!(
        page.contains("Hands-on eBPF, Tue 12 May 2099, 10:00"),
        "{page}"
    );

    // Rules: a claim window that is not a number is refused by name, nothing saved.
    let (status, page) = orga
        .post(&format!("{base}/rules"), &[("claim_minutes", "two hours")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("Claim window: &#34;two hours&#34; is not a whole number"),
        "{page}"
    );
    assert!(page.contains("No rules yet"), "{page}");
    let (status, page) = orga
        .post(
            &format!("{base}/rules"),
            &[
                ("claim_minutes", "120"),
                ("per_day", "2"),
                ("event", ""),
                ("overlaps", "refused"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(
        "Every event: offers held 120 minutes, seats per attendee per day: 2, seats at overlapping times refused"
    ));
    // An event that is not the edition's is named.
    let (status, page) = orga
        .post(
            &format!("{base}/rules"),
            &[
                ("claim_minutes", "60"),
                ("event", "no-such-event"),
                ("overlaps", "allowed"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("event no-such-event: not an event of"),
        "{page}"
    );

    // A list of one seat, opened from the form; a session is needed.
    let (status, page) = orga
        .post(&format!("{base}/open"), &[("capacity", "1")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Session: choose the session"), "{page}");
    let (status, page) = orga
        .post(
            &format!("{base}/open"),
            &[("session", &session), ("capacity", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The session has a seat list: 1 in all."));

    // Three attendees: one seat, two in line.
    let viewer = |i: usize| -> &Viewer { &people[i].0 };
    assert_eq!(
        app.take_seat(viewer(0), &edition, &session).await.unwrap(),
        SignUp::Seated
    );
    for i in 1..=2 {
        app.take_seat(viewer(i), &edition, &session).await.unwrap();
    }
    // Seats at overlapping times are refused until the rules allow them.
    app.open_seat_list(&operator(), &edition, &overlapping, 5)
        .await
        .unwrap();
    let refused = app.take_seat(viewer(0), &edition, &overlapping).await;
    assert!(
        matches!(&refused, Err(hallway_testkit::hallway_app::AppError::Conflict(m)) if m.contains("at that time")),
        "{refused:?}"
    );
    let (status, page) = orga
        .post(
            &format!("{base}/rules"),
            &[
                ("claim_minutes", "120"),
                ("per_day", "2"),
                ("overlaps", "allowed"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("seats at overlapping times allowed"),
        "{page}"
    );
    assert_eq!(
        app.take_seat(viewer(0), &edition, &overlapping)
            .await
            .unwrap(),
        SignUp::Seated
    );
    let (_, page) = orga.get(&base).await;
    assert!(
        page.contains("1 seat, 1 taken, 0 offered, 2 waiting, 0 checked in"),
        "{page}"
    );
    pages.push(("orga_seats", page));

    // The line: the second in line moves up; someone not in it cannot be moved.
    let list = format!("{base}/{session}");
    let (status, page) = orga
        .post(
            &format!("{list}/move"),
            &[("email", "p2@example.org"), ("dir", "up")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("p2@example.org is number 1 in line."));
    let (status, page) = orga
        .post(
            &format!("{list}/move"),
            &[("email", "p0@example.org"), ("place", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("p0@example.org: not in line"), "{page}");
    let (status, page) = orga
        .post(
            &format!("{list}/move"),
            &[("email", "p1@example.org"), ("place", "9")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("place 9 is not in the line, which has 2 people"));
    assert_eq!(
        line(&app, &edition, &session).await,
        [
            (SeatState::Held, "p0@example.org".to_owned()),
            (SeatState::Waiting, "p2@example.org".to_owned()),
            (SeatState::Waiting, "p1@example.org".to_owned()),
        ]
    );
    // The attendee sees the new place.
    let (_, seen) = as_person(2)
        .get(&format!("/{edition}/seats/{session}"))
        .await;
    assert!(seen.contains("You are number 1 in line."), "{seen}");
    let (_, page) = orga.get(&list).await;
    pages.push(("orga_seat_list", page));

    // Seating by e-mail: an unknown address is named; a known one gets a seat beyond the
    // capacity.
    let (status, page) = orga
        .post(&format!("{list}/force"), &[("email", "nobody@example.org")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("E-mail address: an account nobody@example.org was not found"),
        "{page}"
    );
    let (status, page) = orga
        .post(&format!("{list}/force"), &[("email", "p3@example.org")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("2 seats, 2 taken, 0 offered, 2 waiting."),
        "{page}"
    );

    // Capacity: not a number, or below the seats taken, is refused; more seats go to the line.
    let (status, page) = orga
        .post(&format!("{list}/capacity"), &[("capacity", "many")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("Seats: &#34;many&#34; is not a whole number"));
    let (status, page) = orga
        .post(&format!("{list}/capacity"), &[("capacity", "1")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("capacity 1: 2 seats are taken or offered"),
        "{page}"
    );
    let (status, page) = orga
        .post(&format!("{list}/capacity"), &[("capacity", "3")])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("3 seats, 2 taken, 1 offered, 1 waiting."),
        "{page}"
    );
    let mail = store.outbox(100).await.unwrap();
    assert_eq!(
        mail.iter()
            .filter(|m| m.recipient == "p2@example.org")
            .count(),
        1,
        "the first in line is offered the new seat, once"
    );

    // The export: holders, offers, the line in order.
    let r = client()
        .get(server.url(&format!("{list}/export.csv")))
        .header(COOKIE, &orga.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').take(3).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["state", "place_in_line", "email"],
            vec!["held", "", "p0@example.org"],
            vec!["held", "", "p3@example.org"],
            vec!["offered", "", "p2@example.org"],
            vec!["waiting", "1", "p1@example.org"],
        ],
        "{csv}"
    );
    let deadline = csv.lines().nth(3).unwrap().split(',').nth(3).unwrap();
    assert!(
        deadline.parse::<jiff::Zoned>().is_err()
            && deadline.parse::<jiff::Timestamp>().is_ok()
            && (deadline.ends_with("+01:00") || deadline.ends_with("+02:00")),
        "the offer's deadline, in the venue's zone with its offset: {csv}"
    );

    // The door: who holds a seat and is not in yet; someone without a seat is refused by name.
    let door = format!("{list}/door");
    let (status, page) = orga.get(&door).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("0 in, 2 holding a seat and not in yet."),
        "{page}"
    );
    pages.push(("orga_seat_door", page));
    let (status, page) = orga.post(&door, &[("email", "p1@example.org")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("p1@example.org holds no seat on this list"),
        "{page}"
    );
    let (status, page) = orga.post(&door, &[("email", "p0@example.org")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("p0@example.org is in."));
    assert!(
        page.contains("1 in, 1 holding a seat and not in yet."),
        "{page}"
    );
    let first = app
        .seat_lines(&operator(), &edition, &session)
        .await
        .unwrap()[0]
        .checked_in_at;
    assert!(first.is_some());
    orga.post(&door, &[("email", "p0@example.org")]).await;
    let again = app
        .seat_lines(&operator(), &edition, &session)
        .await
        .unwrap()[0]
        .checked_in_at;
    assert_eq!(first, again, "checking in twice keeps the first arrival");
    let (_, page) = orga.get(&base).await;
    assert!(
        page.contains("3 seats, 2 taken, 1 offered, 1 waiting, 1 checked in"),
        "{page}"
    );

    // The public session page leads to the seat page, which says when seats are not limited.
    let (_, public) = as_person(0)
        .get(&format!("/{edition}/sessions/{session}"))
        .await;
    assert!(
        public.contains(&format!("href=\"/{edition}/seats/{session}\"")),
        "{public}"
    );
    let (status, open) = as_person(0).get(&format!("/{edition}/seats/{other}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        open.contains("Seats for this session are not limited"),
        "{open}"
    );
    pages.push(("me_seat_unlimited", open));
    let (status, _) = as_person(0)
        .get(&format!("/{edition}/seats/no-such-session"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An attendee is refused the organizers' pages.
    let (status, _) = as_person(0).get(&list).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    if db.url.starts_with("sqlite") {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (name, page) in &pages {
            insta::assert_snapshot!(*name, crate::pages::stable(&stable(page)));
            let file = dir.path().join(format!("{name}.html"));
            std::fs::write(&file, page).unwrap();
            files.push(file);
        }
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
            .await
            .unwrap();
        assert!(errors.is_empty(), "the Nu HTML Checker: {errors:?}");
    }
    server.stop().await;
}
