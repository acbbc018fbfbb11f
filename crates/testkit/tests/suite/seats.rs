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
    app.set_seat_rules(&orga, &edition, None, 120, Some(3))
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
