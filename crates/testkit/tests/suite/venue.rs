//! Room fill, presence and contact requests on both backends: counts never below zero and
//! every press of racing door staff counted, the fill of the sessions now with a full one's
//! alternative, presence shown only to those who opted in and only while seen lately, a
//! contact request mailed once and answered or ignored, and a rate limit that two `App`s on
//! one database hold together. Then the pages, over HTTP and without JavaScript.

use crate::authz::{open_cfp, proposal_text};
use hallway_store::{OutboxStore, ScheduleStore};
use hallway_testkit::domain::cfp::Profile;
use hallway_testkit::domain::venue::Rate;
use hallway_testkit::domain::{Schedule, Session};
use hallway_testkit::hallway_app::{App, AppError, RateLimit, Store, Viewer};
use hallway_testkit::{TestDb, TestServer, client, quick_sessions, released_kubecon_sample};
use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

on_both_backends!(
    counts_never_go_below_zero_and_racing_door_staff_both_count,
    the_sessions_now_show_their_fill_and_a_full_one_its_alternative,
    presence_shows_only_who_opted_in_and_only_while_seen,
    a_contact_request_is_mailed_once_and_answered_or_ignored,
    the_rate_limit_holds_across_two_apps_on_one_database,
    door_staff_count_over_http_and_the_fill_json_shows_it,
    the_presence_and_contact_pages_work_without_javascript,
);

struct Setup {
    app: App,
    store: Store,
    edition: String,
    schedule: Schedule,
    /// A talk with one speaker, in a room, with another session in a room at the same time.
    talk: Session,
    /// The talk's speaker, door staff (two), an attendee, each with their session cookie.
    presenter: (Viewer, String),
    staff: Vec<(Viewer, String)>,
    attendee: (Viewer, String),
}

async fn raw(store: &Store, sql: &'static str, a: &str, b: &str) {
    match store {
        Store::Sqlite(pool) => sqlx::query(sql)
            .bind(a)
            .bind(b)
            .execute(pool)
            .await
            .map(|_| ()),
        Store::Postgres(pool) => sqlx::query(sql)
            .bind(a)
            .bind(b)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn setup(db: &TestDb) -> Setup {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let in_room_at = |x: &Session, t: Timestamp| {
        x.slots
            .iter()
            .any(|s| s.room.is_some() && s.start <= t && t < s.end)
    };
    let mut wip = wip;
    let at = |x: &Session| x.slots[0].start;
    let i = (0..wip.sessions.len())
        .find(|&i| {
            let x = &wip.sessions[i];
            x.slots.len() == 1
                && x.slots[0].room.is_some()
                && wip
                    .sessions
                    .iter()
                    .any(|y| y.guid != x.guid && in_room_at(y, at(x)))
        })
        .expect("a talk in a room beside another");
    // One speaker, as the proposal it comes from will have.
    let speaker = wip.speakers[0].slug.clone();
    wip.sessions[i].speakers = vec![speaker];
    let version = store
        .work_in_progress(&wip.edition.slug)
        .await
        .unwrap()
        .version;
    store.save_work_in_progress(&wip, version).await.unwrap();
    let talk = wip.sessions[i].clone();
    // Ten seats in the talk's room, released, so that the count can fill it.
    let room = talk.slots[0].room.clone().unwrap();
    app.set_room_capacity(&orga, &edition, room.as_str(), Some(10))
        .await
        .unwrap();
    app.release(&orga, &edition, hallway_testkit::hallway_app::Force::Always)
        .await
        .unwrap();
    let schedule = app
        .latest_release(&hallway_testkit::domain::Slug::parse(&edition).unwrap())
        .await
        .unwrap()
        .unwrap()
        .schedule;
    let mut people = quick_sessions(&app, &store, "v", 5).await;
    let attendee = people.pop().unwrap();
    let staff = people.split_off(2);
    let presenter = people.remove(0);
    // The talk came from the presenter's proposal: its one speaker is their account.
    app.put_cfp(&orga, &edition, &open_cfp(talk.event.as_str()))
        .await
        .unwrap();
    app.put_speaker_profile(
        &presenter.0,
        &Profile {
            name: "Pre Senter".into(),
            ..Profile::default()
        },
    )
    .await
    .unwrap();
    let code = app
        .submit_proposal(
            &presenter.0,
            &edition,
            talk.event.as_str(),
            &proposal_text(),
        )
        .await
        .unwrap()
        .code;
    raw(
        &store,
        "UPDATE submissions SET session_guid = $1 WHERE code = $2",
        &talk.guid.to_string(),
        &code,
    )
    .await;
    for (v, _) in &staff {
        app.add_door_staff(&orga, &edition, v.email().as_str())
            .await
            .unwrap();
    }
    Setup {
        app,
        store,
        edition,
        schedule,
        talk,
        presenter,
        staff,
        attendee,
    }
}

/// The talk's speaker as the schedule names them.
fn speaker_name(s: &Setup) -> String {
    s.schedule
        .speaker(&s.talk.speakers[0])
        .unwrap()
        .name
        .clone()
}

async fn counts_never_go_below_zero_and_racing_door_staff_both_count(db: TestDb) {
    let s = setup(&db).await;
    let (app, guid) = (&s.app, s.talk.guid.to_string());
    let door = app.door_ctx(&s.staff[0].0, &s.edition).await.unwrap();
    let refused = app.door_ctx(&s.attendee.0, &s.edition).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    assert_eq!(
        app.count_people(&door, &s.schedule, &guid, 1)
            .await
            .unwrap()
            .people,
        1
    );
    let f = app
        .count_people(&door, &s.schedule, &guid, -5)
        .await
        .unwrap();
    assert_eq!(f.people, 0, "a count stops at zero");
    for bad in [0, 51, -51] {
        let r = app.count_people(&door, &s.schedule, &guid, bad).await;
        assert!(matches!(r, Err(AppError::Invalid(_))), "{bad}: {r:?}");
    }
    let unknown = app.count_people(&door, &s.schedule, "nope", 1).await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");
    let mark = app.mark_fill(&door, &s.schedule, &guid, "crowded").await;
    assert!(matches!(mark, Err(AppError::Invalid(_))), "{mark:?}");

    // Two door staff at the two doors of the room press at once: every press counts, and a
    // stream of "out" presses racing them never takes the count below zero.
    let mut tasks = Vec::new();
    for (i, (v, _)) in s.staff.iter().enumerate() {
        for _ in 0..20 {
            let (app, v, sched, guid) = (app.clone(), v.clone(), s.schedule.clone(), guid.clone());
            tasks.push(tokio::spawn(async move {
                let door = app.door_ctx(&v, sched.edition.slug.as_str()).await.unwrap();
                let step = if i == 0 { 1 } else { 5 };
                app.count_people(&door, &sched, &guid, step).await.unwrap()
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let fill = app.fill_of(&s.schedule, &guid).await.unwrap();
    assert_eq!(fill.people, 20 + 100, "every press of both counted");
    assert_eq!(fill.level, "full", "120 people in 10 seats");
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (app, door, sched, guid) =
            (app.clone(), door.clone(), s.schedule.clone(), guid.clone());
        tasks.push(tokio::spawn(async move {
            app.count_people(&door, &sched, &guid, -5)
                .await
                .unwrap()
                .people
        }));
    }
    let seen: Vec<u32> = futures_join(tasks).await;
    assert!(seen.contains(&0));
    assert_eq!(app.fill_of(&s.schedule, &guid).await.unwrap().people, 0);

    // The organizers' figures read the history.
    let orga = hallway_testkit::operator();
    let figures = app.fill_figures(&orga, &s.schedule).await.unwrap();
    assert_eq!(figures.len(), 1);
    assert_eq!(figures[0].figures.peak, 120);
    assert_eq!(figures[0].capacity, Some(10));
    let csv = hallway_testkit::hallway_app::fill_csv(&figures);
    assert!(
        csv.starts_with(
            "session,title,room,capacity,start,peak,at_start,at_10_min,marked_full\r\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("\"{guid}\"")) && csv.contains("\"120\""),
        "{csv}"
    );
    // Door staff removed no longer count; an organizer does.
    app.remove_door_staff(&orga, &s.edition, s.staff[1].0.email().as_str())
        .await
        .unwrap();
    let gone = app.door_ctx(&s.staff[1].0, &s.edition).await;
    assert!(matches!(gone, Err(AppError::Forbidden(_))), "{gone:?}");
    let unknown = app
        .add_door_staff(&orga, &s.edition, "nobody@example.org")
        .await;
    assert!(matches!(unknown, Err(AppError::Invalid(_))), "{unknown:?}");
}

async fn futures_join<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn the_sessions_now_show_their_fill_and_a_full_one_its_alternative(db: TestDb) {
    let s = setup(&db).await;
    let app = &s.app;
    let guid = s.talk.guid.to_string();
    let at = s.talk.slots[0].start;
    let release = 3;
    let door = app.door_ctx(&s.staff[0].0, &s.edition).await.unwrap();
    let before = app.fill_now(&s.schedule, release, Some(at)).await.unwrap();
    let mine = before.sessions.iter().find(|f| f.session == guid).unwrap();
    assert_eq!((mine.people, mine.level), (0, "open"));
    assert!(before.sessions.len() >= 2, "the talk and one beside it");
    app.count_people(&door, &s.schedule, &guid, 8)
        .await
        .unwrap();
    let now = app.fill_now(&s.schedule, release, Some(at)).await.unwrap();
    let mine = now.sessions.iter().find(|f| f.session == guid).unwrap();
    assert_eq!((mine.people, mine.level), (8, "filling"), "8 of 10 seats");
    assert!(mine.overflow.is_none());
    app.mark_fill(&door, &s.schedule, &guid, "full")
        .await
        .unwrap();
    let now = app.fill_now(&s.schedule, release, Some(at)).await.unwrap();
    let mine = now.sessions.iter().find(|f| f.session == guid).unwrap();
    assert_eq!((mine.mark, mine.level), ("full", "full"));
    let alt = mine
        .overflow
        .as_ref()
        .expect("an alternative to a full room");
    assert_ne!(alt.session, guid);
    assert!(
        now.sessions
            .iter()
            .any(|f| f.session == alt.session && f.level != "full"),
        "the alternative runs now and has room"
    );
    // Clearing the mark leaves the count to speak.
    app.mark_fill(&door, &s.schedule, &guid, "none")
        .await
        .unwrap();
    let now = app.fill_now(&s.schedule, release, Some(at)).await.unwrap();
    let mine = now.sessions.iter().find(|f| f.session == guid).unwrap();
    assert_eq!(mine.level, "filling");
    // At a moment when nothing runs, nothing is listed.
    let night = app
        .fill_now(
            &s.schedule,
            release,
            Some("2020-01-01T00:00:00Z".parse().unwrap()),
        )
        .await
        .unwrap();
    assert!(night.sessions.is_empty());
}

async fn presence_shows_only_who_opted_in_and_only_while_seen(db: TestDb) {
    let s = setup(&db).await;
    let app = &s.app;
    let guid = s.talk.guid.to_string();
    let presenters = app.presenters(&s.schedule, &guid).await.unwrap();
    assert_eq!(presenters.len(), 1);
    assert_eq!(presenters[0].user, s.presenter.0.user());
    // Seen, but not opted in: never shown.
    app.note_seen(&s.presenter.0).await.unwrap();
    assert!(
        app.online_presenters(&s.schedule, &guid)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!app.presence(&s.presenter.0, &s.edition).await.unwrap());
    app.set_presence(&s.presenter.0, &s.edition, true)
        .await
        .unwrap();
    let online = app.online_presenters(&s.schedule, &guid).await.unwrap();
    assert_eq!(online.len(), 1);
    let speaker = online[0].speaker.clone();
    assert_eq!(
        app.online_speaker(&s.schedule, &speaker)
            .await
            .unwrap()
            .len(),
        1
    );
    // Not seen for longer than the window: offline.
    let old = (Timestamp::now().as_second() - hallway_testkit::hallway_app::ONLINE_SECONDS - 1)
        .to_string();
    let user = s.presenter.0.user().0.to_string();
    match &s.store {
        Store::Sqlite(pool) => {
            sqlx::query("UPDATE presence_seen SET seen_at = $1 WHERE user_id = $2")
                .bind(old.parse::<i64>().unwrap())
                .bind(user.parse::<i64>().unwrap())
                .execute(pool)
                .await
                .map(|_| ())
        }
        Store::Postgres(pool) => {
            sqlx::query("UPDATE presence_seen SET seen_at = $1 WHERE user_id = $2")
                .bind(old.parse::<i64>().unwrap())
                .bind(user.parse::<i64>().unwrap())
                .execute(pool)
                .await
                .map(|_| ())
        }
    }
    .unwrap();
    assert!(
        app.online_presenters(&s.schedule, &guid)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.online_speaker(&s.schedule, &speaker)
            .await
            .unwrap()
            .is_empty()
    );
    // Opting out hides them even when seen just now (another process's `App`: no throttle).
    let other = db.app().await;
    other.note_seen(&s.presenter.0).await.unwrap();
    assert_eq!(
        app.online_presenters(&s.schedule, &guid)
            .await
            .unwrap()
            .len(),
        1
    );
    app.set_presence(&s.presenter.0, &s.edition, false)
        .await
        .unwrap();
    assert!(
        app.online_presenters(&s.schedule, &guid)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_contact_request_is_mailed_once_and_answered_or_ignored(db: TestDb) {
    let s = setup(&db).await;
    let app = &s.app;
    let guid = s.talk.guid.to_string();
    let speaker = app.presenters(&s.schedule, &guid).await.unwrap()[0]
        .speaker
        .clone();
    let a = &s.attendee.0;
    let empty = app
        .send_contact(a, None, &s.schedule, &guid, &speaker, "  ")
        .await;
    assert!(matches!(empty, Err(AppError::Invalid(_))), "{empty:?}");
    let long = app
        .send_contact(a, None, &s.schedule, &guid, &speaker, &"x".repeat(1001))
        .await;
    assert!(matches!(long, Err(AppError::Invalid(_))), "{long:?}");
    let nobody = app
        .send_contact(a, None, &s.schedule, &guid, "not-a-speaker", "hi")
        .await;
    assert!(matches!(nobody, Err(AppError::Invalid(_))), "{nobody:?}");
    let own = app
        .send_contact(&s.presenter.0, None, &s.schedule, &guid, &speaker, "me?")
        .await;
    assert!(matches!(own, Err(AppError::Invalid(_))), "{own:?}");
    let text = "Loved the <b>demo</b>: <script>alert(1)</script> is the repo public?";
    let id = app
        .send_contact(a, None, &s.schedule, &guid, &speaker, text)
        .await
        .unwrap();
    let to_presenter = |mail: &[hallway_store::MailStatus]| {
        mail.iter()
            .filter(|m| {
                m.recipient == s.presenter.0.email().as_str()
                    && m.subject.starts_with("A message about")
            })
            .count()
    };
    let mail = s.store.outbox(50).await.unwrap();
    assert_eq!(to_presenter(&mail), 1, "one mail to the presenter");
    let inbox = app.inbox(&s.presenter.0, &s.schedule).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].id, inbox[0].text.as_str(), inbox[0].state),
        (id, text, "new")
    );
    // Nobody else answers it, or finds it.
    let stranger = app.answer_contact(a, &s.schedule, id, "sure").await;
    assert!(
        matches!(stranger, Err(AppError::NotFound(_))),
        "{stranger:?}"
    );
    app.answer_contact(&s.presenter.0, &s.schedule, id, "Yes: github.com/x")
        .await
        .unwrap();
    let twice = app
        .answer_contact(&s.presenter.0, &s.schedule, id, "again")
        .await;
    assert!(matches!(twice, Err(AppError::Conflict(_))), "{twice:?}");
    let mail = s.store.outbox(50).await.unwrap();
    let answers: Vec<_> = mail
        .iter()
        .filter(|m| m.recipient == a.email().as_str())
        .collect();
    assert_eq!(answers.len(), 1, "the answer is mailed once");
    assert_eq!(to_presenter(&mail), 1, "and the request was mailed once");
    let sent = app.sent_contacts(a, &s.schedule).await.unwrap();
    assert_eq!(
        (sent[0].state, sent[0].answer.as_str()),
        ("answered", "Yes: github.com/x")
    );
    assert_eq!(sent[0].presenter, speaker_name(&s));

    // Ignored: the sender is not told, and nothing is mailed to them.
    let id2 = app
        .send_contact(a, None, &s.schedule, &guid, &speaker, "Another one")
        .await
        .unwrap();
    app.ignore_contact(&s.presenter.0, &s.schedule, id2)
        .await
        .unwrap();
    let sent = app.sent_contacts(a, &s.schedule).await.unwrap();
    let second = sent.iter().find(|c| c.id == id2).unwrap();
    assert_eq!(
        second.state, "new",
        "an ignored note still reads as waiting"
    );
    let inbox = app.inbox(&s.presenter.0, &s.schedule).await.unwrap();
    assert_eq!(inbox.iter().find(|c| c.id == id2).unwrap().state, "ignored");
    let mail = s.store.outbox(50).await.unwrap();
    assert_eq!(
        mail.iter()
            .filter(|m| m.recipient == a.email().as_str())
            .count(),
        1
    );
    assert_eq!(to_presenter(&mail), 2);
}

async fn the_rate_limit_holds_across_two_apps_on_one_database(db: TestDb) {
    let s = setup(&db).await;
    let guid = s.talk.guid.to_string();
    let other = db.app().await;
    let speaker = s.app.presenters(&s.schedule, &guid).await.unwrap()[0]
        .speaker
        .clone();
    // Twelve requests at once, half through each app: exactly the account's five get through.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app = if i % 2 == 0 {
            s.app.clone()
        } else {
            other.clone()
        };
        let (v, sched, guid, speaker) = (
            s.attendee.0.clone(),
            s.schedule.clone(),
            guid.clone(),
            speaker.clone(),
        );
        tasks.push(tokio::spawn(async move {
            app.send_contact(&v, None, &sched, &guid, &speaker, &format!("note {i}"))
                .await
        }));
    }
    let mut sent = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => sent += 1,
            Err(AppError::Throttled { retry_after, .. }) => {
                assert!(retry_after > 0 && retry_after <= 600, "{retry_after}");
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(sent, 5);
    let inbox = s.app.inbox(&s.presenter.0, &s.schedule).await.unwrap();
    assert_eq!(inbox.len(), 5, "a refused request leaves nothing behind");
    // Per address: accounts of one address share its limit, on either app.
    let limit = RateLimit {
        action: "tests",
        per_account: Rate {
            most: 10,
            window_seconds: 60,
        },
        per_address: Rate {
            most: 3,
            window_seconds: 60,
        },
    };
    let ip: std::net::IpAddr = "2001:db8::1".parse().unwrap();
    let same_64: std::net::IpAddr = "2001:db8::ffff".parse().unwrap();
    let users = [&s.staff[0].0, &s.staff[1].0, &s.presenter.0, &s.attendee.0];
    s.app
        .throttle(&limit, users[0].user(), Some(ip))
        .await
        .unwrap();
    other
        .throttle(&limit, users[1].user(), Some(same_64))
        .await
        .unwrap();
    s.app
        .throttle(&limit, users[2].user(), Some(ip))
        .await
        .unwrap();
    let fourth = other.throttle(&limit, users[3].user(), Some(same_64)).await;
    assert!(
        matches!(fourth, Err(AppError::Throttled { .. })),
        "{fourth:?}"
    );
    let elsewhere: std::net::IpAddr = "198.51.100.7".parse().unwrap();
    other
        .throttle(&limit, users[3].user(), Some(elsewhere))
        .await
        .unwrap();
}

fn post(server: &TestServer, path: &str, cookie: &str, body: String) -> reqwest::RequestBuilder {
    client()
        .post(server.url(path))
        .header(COOKIE, cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .body(body)
}

const CSRF: &str = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

fn cookie(secret: &str) -> String {
    format!("hallway_session={secret}; hallway_csrf={CSRF}")
}

async fn get_text(server: &TestServer, path: &str, cookie: &str) -> (StatusCode, String) {
    let r = client()
        .get(server.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

fn at_query(t: Timestamp) -> String {
    format!("?at={}", t.to_string().replace(':', "%3A"))
}

async fn door_staff_count_over_http_and_the_fill_json_shows_it(db: TestDb) {
    let s = setup(&db).await;
    let server = TestServer::start(s.app.clone()).await;
    let (e, guid) = (&s.edition, s.talk.guid.to_string());
    let room = s.talk.slots[0].room.clone().unwrap().to_string();
    let at = at_query(s.talk.slots[0].start + jiff::SignedDuration::from_mins(5));
    let staff = cookie(&s.staff[0].1);
    // The rooms, then the talk's room at that moment.
    let (status, rooms) = get_text(&server, &format!("/{e}/door/{at}"), &staff).await;
    assert_eq!(status, StatusCode::OK, "{rooms}");
    assert!(rooms.contains(&format!("/{e}/door/{room}")), "{rooms}");
    let page = format!("/{e}/door/{room}{at}");
    let (status, body) = get_text(&server, &page, &staff).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&format!("value=\"{guid}\"")), "{body}");
    assert!(body.contains("+1 in"));
    let given_at = (s.talk.slots[0].start + jiff::SignedDuration::from_mins(5)).to_string();
    for step in ["1", "1", "5", "-1"] {
        let r = post(
            &server,
            &format!("/{e}/door/{room}/count"),
            &staff,
            format!(
                "csrf={CSRF}&session={guid}&step={step}&at={}",
                given_at.replace(':', "%3A").replace('+', "%2B")
            ),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "a press comes back to the room"
        );
        assert_eq!(r.headers()[LOCATION], page.as_str());
    }
    let (_, body) = get_text(&server, &page, &staff).await;
    assert!(body.contains("<b>6</b> people in"), "{body}");
    let r = post(
        &server,
        &format!("/{e}/door/{room}/mark"),
        &staff,
        format!("csrf={CSRF}&session={guid}&mark=full"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A bad step is a 400 naming the field; an attendee is refused; nothing changes.
    let r = post(
        &server,
        &format!("/{e}/door/{room}/count"),
        &staff,
        format!("csrf={CSRF}&session={guid}&step=lots"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("step"));
    let r = post(
        &server,
        &format!("/{e}/door/{room}/count"),
        &cookie(&s.attendee.1),
        format!("csrf={CSRF}&session={guid}&step=1"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Anyone reads the fill of the sessions at that moment.
    let fill: serde_json::Value = client()
        .get(server.url(&format!("/{e}/fill.json{at}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine = fill["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["session"] == guid.as_str())
        .unwrap_or_else(|| panic!("{fill}"));
    assert_eq!(mine["people"], 6);
    assert_eq!(mine["level"], "full");
    assert_eq!(mine["capacity"], 10);
    assert!(mine["overflow"]["session"].is_string(), "{mine}");
    // The current moment's answer is served (and cached) too.
    let r = client()
        .get(server.url(&format!("/{e}/fill.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = client()
        .get(server.url(&format!("/{e}/fill.json?at=yesterday")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The organizers' figures and CSV.
    let orga = organizer(&s).await;
    let (status, figures) = get_text(&server, &format!("/orga/{e}/fill"), &orga).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        figures.contains("<td>10</td><td>7</td>"),
        "seats and peak: {figures}"
    );
    let (status, csv) = get_text(&server, &format!("/orga/{e}/fill.csv"), &orga).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains(&format!("\"{guid}\",")) && csv.contains("\"7\""),
        "{csv}"
    );
    let (status, staff_page) = get_text(&server, &format!("/orga/{e}/door-staff"), &orga).await;
    assert_eq!(status, StatusCode::OK);
    assert!(staff_page.contains(s.staff[0].0.email().as_str()));
    let (_, door_page) = get_text(&server, &page, &staff).await;
    check_pages(
        &db,
        &[
            ("venue_door_rooms", rooms),
            ("venue_door_room", door_page),
            ("venue_fill_figures", figures),
            ("venue_door_staff", staff_page),
        ],
        &[&guid, e],
    )
    .await;
    server.stop().await;
}

/// A signed-in organizer of the edition, by cookie.
async fn organizer(s: &Setup) -> String {
    let orga = hallway_testkit::operator();
    let people = quick_sessions(&s.app, &s.store, "orga", 1).await;
    s.app
        .grant_role(
            &orga,
            &s.edition,
            None,
            people[0].0.email().as_str(),
            hallway_testkit::domain::Role::Organizer,
        )
        .await
        .unwrap();
    cookie(&people[0].1)
}

async fn the_presence_and_contact_pages_work_without_javascript(db: TestDb) {
    let s = setup(&db).await;
    let server = TestServer::start(s.app.clone()).await;
    let (e, guid) = (&s.edition, s.talk.guid.to_string());
    let presenter = cookie(&s.presenter.1);
    let attendee = cookie(&s.attendee.1);
    // Not opted in: nobody online, on the page or in the JSON.
    let online = format!("/{e}/online/{guid}");
    let (status, body) = get_text(&server, &online, &attendee).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("None of this session"), "{body}");
    let json = |q: String| {
        let url = server.url(&format!("/{e}/online.json?{q}"));
        async move {
            client()
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        json(format!("session={guid}")).await["online"],
        serde_json::json!([])
    );
    // The presenter opts in; a heartbeat keeps them online.
    let r = post(
        &server,
        &format!("/me/{e}/presence"),
        &presenter,
        format!("csrf={CSRF}&visible=yes"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let setting = r.text().await.unwrap();
    assert!(setting.contains("shown as online"), "{setting}");
    let r = client()
        .post(server.url(&format!("/{e}/presence/beat")))
        .header(COOKIE, &presenter)
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["seen"], true);
    let r = client()
        .post(server.url(&format!("/{e}/presence/beat")))
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a visitor's page is told to stop"
    );
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["seen"], false);
    let listed = json(format!("session={guid}")).await;
    assert_eq!(
        listed["online"][0]["name"],
        speaker_name(&s).as_str(),
        "{listed}"
    );
    let speaker = listed["online"][0]["speaker"].as_str().unwrap().to_owned();
    assert_eq!(
        json(format!("speaker={speaker}")).await["online"][0]["speaker"],
        speaker.as_str()
    );
    let bad = client()
        .get(server.url(&format!("/{e}/online.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // The attendee writes; the HTML in the note stays text everywhere.
    let r = post(
        &server,
        &format!("{online}/contact"),
        &attendee,
        format!(
            "csrf={CSRF}&speaker={speaker}&text={}",
            "Loved+it+%3Cscript%3Ealert%281%29%3C%2Fscript%3E+%26+more"
        ),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let online_page = r.text().await.unwrap();
    assert!(online_page.contains("Sent."), "{online_page}");
    assert!(online_page.contains("online</span>"));
    let (status, inbox) = get_text(&server, &format!("/me/{e}/inbox"), &presenter).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!inbox.contains("<script>alert"), "HTML shows as text");
    assert!(
        inbox.contains("Loved it &#60;script&#62;alert(1)&#60;/script&#62; &#38; more"),
        "{inbox}"
    );
    let listing: serde_json::Value = client()
        .get(server.url(&format!("/me/{e}/inbox.json")))
        .header(COOKIE, &presenter)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listing["waiting"], 1);
    let id = listing["newest"].as_i64().unwrap();
    let r = post(
        &server,
        &format!("/me/{e}/inbox/{id}/answer"),
        &presenter,
        format!("csrf={CSRF}&answer=Thanks%21"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, sent) = get_text(&server, &format!("/me/{e}/contacts"), &attendee).await;
    assert!(sent.contains("Thanks!"), "{sent}");
    // Past the limit: 429 with Retry-After and the reason; nothing is sent.
    let mut last = None;
    for i in 0..5 {
        let r = post(
            &server,
            &format!("{online}/contact"),
            &attendee,
            format!("csrf={CSRF}&speaker={speaker}&text=again+{i}"),
        )
        .send()
        .await
        .unwrap();
        last = Some(r);
    }
    let r = last.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 600, "{wait}");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("too many contact requests")
    );
    let (_, inbox_after) = get_text(&server, &format!("/me/{e}/inbox"), &presenter).await;
    assert_eq!(inbox_after.matches("class=\"note\"").count(), 5);
    let (_, setting) = get_text(&server, &format!("/me/{e}/presence"), &presenter).await;
    let (_, online_page) = get_text(&server, &online, &attendee).await;
    check_pages(
        &db,
        &[
            ("presence_online", online_page),
            ("presence_inbox", inbox_after),
            ("presence_sent", sent),
            ("presence_setting", setting),
        ],
        &[&guid, e],
    )
    .await;
    server.stop().await;
}

/// Door staff count on a phone in Chromium, and the public pages' script marks the session
/// full (tests/browser/venue.mjs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn door_staff_on_a_phone_and_the_schedule_marked_full_in_chromium() {
    let db = TestDb::sqlite();
    let s = setup(&db).await;
    let server = TestServer::start(s.app.clone()).await;
    let e = &s.edition;
    let start = s.talk.slots[0].start + jiff::SignedDuration::from_mins(5);
    let at = at_query(start);
    let room = s.talk.slots[0].room.clone().unwrap();
    let day = s.schedule.edition.day_of(s.talk.slots[0].start).to_string();
    let log = crate::browser::node(
        "venue.mjs",
        vec![
            server.base.clone(),
            s.staff[0].1.clone(),
            format!("/{e}/door/{room}{at}"),
            format!("/{e}/sessions/{}{at}", s.talk.guid),
            format!("/{e}/schedule/{day}/{at}"),
        ],
    )
    .await;
    assert!(log.contains("venue flows passed"), "{log}");
    let fill = s
        .app
        .fill_of(&s.schedule, &s.talk.guid.to_string())
        .await
        .unwrap();
    assert_eq!((fill.people, fill.mark), (3, "full"));
    server.stop().await;
}

/// Each page through the Nu HTML Checker, and its snapshot (on SQLite: the pages are the same
/// on both backends), with what changes from run to run replaced.
async fn check_pages(db: &TestDb, pages: &[(&str, String)], _stable: &[&str]) {
    if !db.url.starts_with("sqlite") {
        return;
    }
    let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "vnu.jar is missing: run `npm ci --prefix tests/browser`"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, html) in pages {
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, html).unwrap();
        files.push(file);
        insta::assert_snapshot!(*name, crate::pages::stable(&stable(html)));
    }
    let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
        .await
        .unwrap();
    assert!(errors.is_empty(), "the Nu HTML Checker: {errors:?}");
}

/// Hashes of assets, times and ids that differ between runs, replaced by names.
fn stable(html: &str) -> String {
    let html = html.replace(CSRF, "[csrf]");
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("/static/") {
        out.push_str(&rest[..at + "/static/".len()]);
        rest = &rest[at + "/static/".len()..];
        let name_end = rest.find('.').unwrap_or(0);
        out.push_str(&rest[..name_end]);
        out.push_str(".[hash]");
        rest = &rest[name_end..];
        rest = rest[1..].split_once('.').map_or("", |(_, tail)| tail);
        out.push('.');
    }
    out.push_str(rest);
    // Sending times are instants of the run.
    let mut cleaned = String::new();
    for line in out.lines() {
        if let Some(at) = line.find("Sent ") {
            cleaned.push_str(&line[..at]);
            cleaned.push_str("Sent [time]");
            // "Mon 30 Nov, 09:04 CET": the time runs to the zone's abbreviation after HH:MM.
            let tail = &line[at + 5..];
            let after_clock = tail.find(':').map_or(tail.len(), |c| c + 4).min(tail.len());
            let zone_end = tail[after_clock..]
                .find([' ', '<'])
                .map_or(tail.len(), |e| after_clock + e);
            cleaned.push_str(&tail[zone_end..]);
        } else {
            cleaned.push_str(line);
        }
        cleaned.push('\n');
    }
    cleaned
}
