//! Seats and waitlists under a rush, on both backends: never oversold, the line in arrival
//! order, each freed seat offered once, lapsed offers passed down the line.

use hallway_store::{OutboxStore, SeatState};
use hallway_testkit::domain::seats::SignUp;
use hallway_testkit::hallway_app::{App, AppError, Store};
use hallway_testkit::{TestDb, quick_accounts};
use jiff::{SignedDuration, Timestamp};

on_both_backends!(
    a_rush_for_forty_seats_seats_forty_and_lines_up_the_rest_in_arrival_order,
    seats_follow_the_events_rules,
    an_attendee_takes_joins_the_line_claims_and_gives_up_on_the_seat_page,
);

/// A released edition with seat rules, and two placed sessions: the first and one that
/// overlaps it.
async fn setup(db: &TestDb) -> (App, Store, String, String, String, Timestamp) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = hallway_testkit::released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let talks: Vec<_> = wip
        .sessions
        .iter()
        .filter(|x| x.slots.len() == 1 && x.slots[0].room.is_some())
        .collect();
    let first = talks[0];
    let overlapping = talks
        .iter()
        .find(|x| {
            x.guid != first.guid
                && x.slots[0].start < first.slots[0].end
                && first.slots[0].start < x.slots[0].end
        })
        .expect("two sessions at the same time");
    app.set_seat_rules(&orga, &edition, None, 120, Some(3), false)
        .await
        .unwrap();
    for x in [first, *overlapping] {
        app.open_seat_list(&orga, &edition, &x.guid.to_string(), 40)
            .await
            .unwrap();
    }
    let starts = first.slots[0].start;
    (
        app,
        store,
        edition,
        first.guid.to_string(),
        overlapping.guid.to_string(),
        starts,
    )
}

async fn a_rush_for_forty_seats_seats_forty_and_lines_up_the_rest_in_arrival_order(db: TestDb) {
    let (app, store, edition, session, _, starts) = setup(&db).await;
    let people = quick_accounts(&app, &store, "a", 200).await;
    let now = starts - SignedDuration::from_hours(48);
    let mut tasks = Vec::new();
    for v in people.clone() {
        let (app, edition, session) = (app.clone(), edition.clone(), session.clone());
        tasks.push(tokio::spawn(async move {
            let outcome = app.take_seat_at(&v, &edition, &session, now).await.unwrap();
            (v.user(), outcome)
        }));
    }
    let mut seated = 0;
    let mut line = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            (_, SignUp::Seated) => seated += 1,
            (user, SignUp::Waiting(place)) => line.push((place, user)),
        }
    }
    assert_eq!(seated, 40, "exactly the capacity is seated");
    line.sort();
    let places: Vec<usize> = line.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        places,
        (1..=160).collect::<Vec<_>>(),
        "each place in line once"
    );
    let orga = hallway_testkit::operator();
    let lines = app.seat_lines(&orga, &edition, &session).await.unwrap();
    let waiting: Vec<_> = lines
        .iter()
        .filter(|l| l.state == SeatState::Waiting)
        .map(|l| l.user)
        .collect();
    let arrived: Vec<_> = line.iter().map(|(_, u)| *u).collect();
    assert_eq!(
        waiting, arrived,
        "the line is in the order people joined it"
    );
    // Signing up twice changes nothing.
    let again = app.take_seat_at(&people[0], &edition, &session, now).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");

    // Forty holders give up at once: each freed seat is offered once, to the first in line.
    let holders: Vec<_> = lines
        .iter()
        .filter(|l| l.state == SeatState::Held)
        .map(|l| l.user)
        .collect();
    let later = now + SignedDuration::from_mins(1);
    let mut tasks = Vec::new();
    for v in people.iter().filter(|v| holders.contains(&v.user())) {
        let v = v.clone();
        let (app, edition, session) = (app.clone(), edition.clone(), session.clone());
        tasks.push(tokio::spawn(async move {
            app.give_up_seat_at(&v, &edition, &session, later).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let lines = app.seat_lines(&orga, &edition, &session).await.unwrap();
    let offered: Vec<_> = lines
        .iter()
        .filter(|l| l.state == SeatState::Offered)
        .map(|l| l.user)
        .collect();
    assert_eq!(offered, arrived[..40].to_vec(), "the first forty in line");
    assert_eq!(
        lines.iter().filter(|l| l.state == SeatState::Held).count(),
        0
    );
    assert_eq!(
        store.outbox(1000).await.unwrap().len(),
        40,
        "one mail per offer"
    );

    // Ten claim; the thirty others let the hold lapse, and their seats pass on, once.
    for v in people.iter().filter(|v| offered[..10].contains(&v.user())) {
        app.claim_seat_at(v, &edition, &session, later + SignedDuration::from_mins(5))
            .await
            .unwrap();
    }
    let lapsed = later + SignedDuration::from_hours(3);
    assert_eq!(app.pass_on_lapsed_offers(lapsed).await.unwrap(), 1);
    assert_eq!(app.pass_on_lapsed_offers(lapsed).await.unwrap(), 0);
    let lines = app.seat_lines(&orga, &edition, &session).await.unwrap();
    let count = |s| lines.iter().filter(|l| l.state == s).count();
    assert_eq!(count(SeatState::Held), 10);
    assert_eq!(count(SeatState::Offered), 30);
    assert_eq!(count(SeatState::Waiting), 90);
    let now_offered: Vec<_> = lines
        .iter()
        .filter(|l| l.state == SeatState::Offered)
        .map(|l| l.user)
        .collect();
    assert_eq!(now_offered, arrived[40..70].to_vec());
    assert_eq!(store.outbox(1000).await.unwrap().len(), 70);
    // A lapsed offer cannot be claimed.
    let late = people.iter().find(|v| v.user() == offered[20]).unwrap();
    let refused = app.claim_seat_at(late, &edition, &session, lapsed).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
}

async fn seats_follow_the_events_rules(db: TestDb) {
    let (app, store, edition, first, overlapping, starts) = setup(&db).await;
    let people = quick_accounts(&app, &store, "a", 1).await;
    let me = &people[0];
    let now = starts - SignedDuration::from_hours(48);
    assert_eq!(
        app.take_seat_at(me, &edition, &first, now).await.unwrap(),
        SignUp::Seated
    );
    // A seat at the same time is refused and nothing is written.
    let clash = app.take_seat_at(me, &edition, &overlapping, now).await;
    assert!(
        matches!(&clash, Err(AppError::Conflict(m)) if m.contains("at that time")),
        "{clash:?}"
    );
    let mine = app.my_seats(me, &edition).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].state, SeatState::Held);
    // An unknown session has no list; a started one takes nobody.
    let unknown = app.take_seat_at(me, &edition, "no-such-session", now).await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");
    app.give_up_seat_at(me, &edition, &first, now)
        .await
        .unwrap();
    let started = app.take_seat_at(me, &edition, &first, starts).await;
    assert!(
        matches!(&started, Err(AppError::Conflict(m)) if m.contains("started")),
        "{started:?}"
    );
    // Organizers cannot shrink a list below the seats taken.
    app.take_seat_at(me, &edition, &first, now).await.unwrap();
    let orga = hallway_testkit::operator();
    let shrink = app.open_seat_list(&orga, &edition, &first, 0).await;
    assert!(matches!(shrink, Err(AppError::Invalid(_))), "{shrink:?}");
}

/// The seat page as an attendee uses it, without JavaScript: one seat, so the second person
/// joins the line; the first gives up, the second is offered the seat (by mail, linking here)
/// and claims it.
async fn an_attendee_takes_joins_the_line_claims_and_gives_up_on_the_seat_page(db: TestDb) {
    use hallway_testkit::{TestServer, client, quick_sessions};
    use reqwest::StatusCode;
    use reqwest::header::COOKIE;
    let (app, store, edition, session, _, _) = setup(&db).await;
    let orga = hallway_testkit::operator();
    app.open_seat_list(&orga, &edition, &session, 1)
        .await
        .unwrap();
    let server = TestServer::start(app.clone()).await;
    let people = quick_sessions(&app, &store, "p", 2).await;
    let csrf = "c".repeat(64);
    let cookie = |i: usize| format!("hallway_session={}; hallway_csrf={csrf}", people[i].1);
    let page = format!("/{edition}/seats/{session}");
    let post = |i: usize, action: &'static str| {
        client()
            .post(server.url(&format!("{page}/{action}")))
            .header(COOKIE, cookie(i))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &server.base)
            .header("sec-fetch-site", "same-origin")
            .body(format!("csrf={csrf}"))
            .send()
    };
    let anonymous = client().get(server.url(&page)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let r = client()
        .get(server.url(&page))
        .header(COOKIE, cookie(0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Take a seat"));
    // The sessions of the sample are in March 2026, past: a seat cannot be taken any more.
    let r = post(0, "take").await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("the session has started"));
    // Before it starts, through the app's clock, then the page shows where each stands.
    let starts = store_start(&app, &edition, &session).await;
    let before = starts - SignedDuration::from_hours(24);
    app.take_seat_at(&people[0].0, &edition, &session, before)
        .await
        .unwrap();
    app.take_seat_at(&people[1].0, &edition, &session, before)
        .await
        .unwrap();
    let page_of = |i: usize| {
        let url = server.url(&page);
        let cookie = cookie(i);
        async move {
            client()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(page_of(0).await.contains("You have a seat."));
    assert!(page_of(1).await.contains("You are number 1 in line."));
    let r = post(1, "cancel").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "leaving the line works after the start"
    );
    assert!(page_of(1).await.contains("Join the waitlist"));
    app.take_seat_at(&people[1].0, &edition, &session, before)
        .await
        .unwrap();
    // Giving up after the start offers nothing (people walk in then); before it, the next
    // in line is offered the seat.
    app.give_up_seat_at(&people[0].0, &edition, &session, before)
        .await
        .unwrap();
    let seen = page_of(1).await;
    assert!(seen.contains("Claim the seat"), "{seen}");
    // The offer mail links to this page.
    let mail = store.outbox(10).await.unwrap();
    assert!(mail.iter().any(|m| m.recipient == "p1@example.org"));
    if db.url.starts_with("sqlite") {
        let stable = seen.replace(&csrf, "[csrf]");
        let mut kept = String::new();
        let mut rest = stable.as_str();
        while let Some((before, after)) = rest.split_once("/static/hallway.") {
            kept.push_str(before);
            kept.push_str("/static/hallway.[hash].");
            rest = after.split_once('.').map_or("", |(_, tail)| tail);
        }
        kept.push_str(rest);
        insta::assert_snapshot!("me_seat_offered", crate::pages::stable(&kept));
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("seat.html");
        std::fs::write(&file, &seen).unwrap();
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &[file]))
            .await
            .unwrap();
        assert!(errors.is_empty(), "the Nu HTML Checker: {errors:?}");
    }
    server.stop().await;
}

async fn store_start(app: &App, edition: &str, session: &str) -> Timestamp {
    let orga = hallway_testkit::operator();
    let wip = app.work_in_progress(&orga, edition).await.unwrap().schedule;
    wip.sessions
        .iter()
        .find(|x| x.guid.to_string() == session)
        .unwrap()
        .slots[0]
        .start
}
