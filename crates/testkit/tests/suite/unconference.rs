//! The unconference board on both backends: topics and votes with their limits, merges that
//! carry votes over once per person, hiding, closing and the cut-off, racing votes and merges;
//! the plan published as a release that lists its sessions, and planned again after more votes
//! with only what changed; and the whole flow through the pages.

use hallway_testkit::domain::{Change, Role};
use hallway_testkit::hallway_app::{App, AppError, BoardForm, Viewer};
use hallway_testkit::{TestDb, quick_accounts, released_kubecon_sample};

on_both_backends!(
    topics_votes_merges_and_the_cut_off,
    racing_votes_and_merges_count_once,
    a_published_plan_is_a_release_and_a_new_plan_changes_only_what_moved,
    the_board_works_through_its_pages,
);

/// A board on the first day, two slots of 45 minutes in the edition's first three rooms.
async fn board_form(app: &App, edition: &str, cutoff: &str) -> BoardForm {
    let orga = hallway_testkit::operator();
    let (events, rooms) = app.unconference_choices(&orga, edition).await.unwrap();
    let wip = app.work_in_progress(&orga, edition).await.unwrap().schedule;
    BoardForm {
        event: events[0].0.clone(),
        day: wip.edition.start_date.to_string(),
        times: "10:00, 11:00".into(),
        minutes: "45".into(),
        rooms: rooms
            .iter()
            .take(3)
            .zip(["30", "80", "10"])
            .map(|(r, c)| (r.slug.clone(), c.to_owned()))
            .collect(),
        cutoff: cutoff.into(),
    }
}

async fn votes_of(app: &App, who: &Viewer, edition: &str, topic: i64) -> usize {
    app.unconference_board(Some(who), edition)
        .await
        .unwrap()
        .topics
        .iter()
        .find(|t| t.id == topic)
        .map_or(usize::MAX, |t| t.votes)
}

async fn topics_votes_merges_and_the_cut_off(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let people = quick_accounts(&app, &store, "u", 4).await;
    let (ada, bob, cy, dee) = (&people[0], &people[1], &people[2], &people[3]);

    let none = app
        .propose_unconference_topic(ada, &edition, "eBPF", "")
        .await;
    assert!(matches!(none, Err(AppError::NotFound(_))), "{none:?}");

    // Bad layouts are refused with the field named, and nothing is opened.
    let good = board_form(&app, &edition, "2099-01-01T09:00").await;
    for (broken, field) in [
        (
            BoardForm {
                times: "10:00, 25:00".into(),
                ..good.clone()
            },
            "start times",
        ),
        (
            BoardForm {
                times: "10:00, 10:30".into(),
                ..good.clone()
            },
            "slots",
        ),
        (
            BoardForm {
                rooms: vec![("no-such-room".into(), "5".into())],
                ..good.clone()
            },
            "rooms",
        ),
        (
            BoardForm {
                rooms: vec![(good.rooms[0].0.clone(), "many".into())],
                ..good.clone()
            },
            "rooms",
        ),
        (
            BoardForm {
                cutoff: "tomorrow".into(),
                ..good.clone()
            },
            "cut-off",
        ),
        (
            BoardForm {
                minutes: "5".into(),
                ..good.clone()
            },
            "length",
        ),
    ] {
        let r = app.open_unconference(&orga, &edition, &broken).await;
        assert!(
            matches!(&r, Err(AppError::Invalid(m)) if m.starts_with(field)),
            "{field}: {r:?}"
        );
    }
    assert!(app.unconference_board(None, &edition).await.is_err());
    app.open_unconference(&orga, &edition, &good).await.unwrap();

    // Topics: trimmed, limited, refused with the reason.
    let empty = app
        .propose_unconference_topic(ada, &edition, "  ", "")
        .await;
    assert!(matches!(&empty, Err(AppError::Invalid(m)) if m.starts_with("title")));
    let long = app
        .propose_unconference_topic(ada, &edition, &"t".repeat(101), "")
        .await;
    assert!(matches!(&long, Err(AppError::Invalid(m)) if m.contains("101")));
    let long = app
        .propose_unconference_topic(ada, &edition, "ok", &"d".repeat(501))
        .await;
    assert!(matches!(&long, Err(AppError::Invalid(m)) if m.starts_with("description")));
    let a = app
        .propose_unconference_topic(ada, &edition, " Platform  teams ", "How do you staff one?")
        .await
        .unwrap();
    let b = app
        .propose_unconference_topic(bob, &edition, "Platform engineering teams", "")
        .await
        .unwrap();
    let c = app
        .propose_unconference_topic(cy, &edition, "Buy my product", "")
        .await
        .unwrap();

    // A vote counts once and can be taken back.
    assert!(
        app.vote_unconference_topic(ada, &edition, a, true)
            .await
            .unwrap()
    );
    assert!(
        !app.vote_unconference_topic(ada, &edition, a, true)
            .await
            .unwrap()
    );
    assert_eq!(votes_of(&app, ada, &edition, a).await, 1);
    assert!(
        app.vote_unconference_topic(ada, &edition, a, false)
            .await
            .unwrap()
    );
    assert_eq!(votes_of(&app, ada, &edition, a).await, 0);
    let unknown = app
        .vote_unconference_topic(ada, &edition, 999_999, true)
        .await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");

    // Sorted by votes; the viewer's own votes marked.
    for (who, topic) in [(ada, a), (bob, a), (bob, b), (cy, b), (dee, b)] {
        app.vote_unconference_topic(who, &edition, topic, true)
            .await
            .unwrap();
    }
    let board = app.unconference_board(Some(ada), &edition).await.unwrap();
    assert!(board.accepting);
    let order: Vec<(i64, usize, bool)> = board
        .topics
        .iter()
        .map(|t| (t.id, t.votes, t.voted))
        .collect();
    assert_eq!(order, vec![(b, 3, false), (a, 2, true), (c, 0, false)]);
    assert_eq!(board.topics[1].title, "Platform teams", "spaces folded");

    // Merging: bob voted for both and counts once.
    let own = app.merge_unconference_topics(&orga, &edition, a, a).await;
    assert!(matches!(own, Err(AppError::Invalid(_))), "{own:?}");
    app.merge_unconference_topics(&orga, &edition, a, b)
        .await
        .unwrap();
    assert_eq!(
        votes_of(&app, ada, &edition, a).await,
        4,
        "ada, bob, cy, dee"
    );
    let again = app.merge_unconference_topics(&orga, &edition, a, b).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let on_merged = app.vote_unconference_topic(ada, &edition, b, true).await;
    assert!(
        matches!(on_merged, Err(AppError::Conflict(_))),
        "{on_merged:?}"
    );

    // Hidden topics leave the attendees' board, not the organizers'.
    app.hide_unconference_topic(&orga, &edition, c, true)
        .await
        .unwrap();
    let seen = app.unconference_board(Some(cy), &edition).await.unwrap();
    assert_eq!(
        seen.topics.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![a]
    );
    let orga_view = app
        .unconference_orga_board(&orga, None, &edition)
        .await
        .unwrap()
        .unwrap();
    let states: Vec<(i64, &str)> = orga_view.topics.iter().map(|t| (t.id, t.state)).collect();
    assert_eq!(states, vec![(a, "open"), (b, "merged"), (c, "hidden")]);
    let voted_hidden = app.vote_unconference_topic(ada, &edition, c, true).await;
    assert!(matches!(voted_hidden, Err(AppError::Conflict(_))));
    let show_open = app.hide_unconference_topic(&orga, &edition, a, false).await;
    assert!(matches!(show_open, Err(AppError::Conflict(m)) if m.contains("not hidden")));

    // Someone who does not organize the edition gets no organizer's permission.
    let refused = app.orga_ctx(ada, &edition).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    // Closed: nothing more. Opened again with a cut-off passed: nothing more either.
    app.close_unconference(&orga, &edition).await.unwrap();
    let closed = app
        .propose_unconference_topic(ada, &edition, "Late", "")
        .await;
    assert!(matches!(&closed, Err(AppError::Conflict(m)) if m.contains("closed")));
    let closed = app.vote_unconference_topic(cy, &edition, a, false).await;
    assert!(matches!(&closed, Err(AppError::Conflict(m)) if m.contains("closed")));
    let past = board_form(&app, &edition, "2020-01-01T09:00").await;
    app.open_unconference(&orga, &edition, &past).await.unwrap();
    let late = app.vote_unconference_topic(cy, &edition, a, false).await;
    assert!(matches!(&late, Err(AppError::Conflict(m)) if m.contains("cut-off")));
    let board = app.unconference_board(None, &edition).await.unwrap();
    assert!(!board.accepting && board.refusal.contains("cut-off"));
    assert_eq!(board.topics[0].votes, 4, "topics and votes kept");
}

async fn racing_votes_and_merges_count_once(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let people = quick_accounts(&app, &store, "r", 8).await;
    let form = board_form(&app, &edition, "2099-01-01T09:00").await;
    app.open_unconference(&orga, &edition, &form).await.unwrap();
    let mut topics = Vec::new();
    for title in ["GitOps", "GitOps at scale", "Flux or Argo"] {
        topics.push(
            app.propose_unconference_topic(&people[0], &edition, title, "")
                .await
                .unwrap(),
        );
    }
    let (x, y) = (topics[0], topics[1]);

    // The same vote sent ten times at once, and eight people voting at once.
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (app, who, edition) = (app.clone(), people[0].clone(), edition.clone());
        tasks.push(tokio::spawn(async move {
            app.vote_unconference_topic(&who, &edition, x, true)
                .await
                .unwrap()
        }));
    }
    let changed: Vec<bool> = futures_all(tasks).await;
    assert_eq!(changed.iter().filter(|c| **c).count(), 1, "{changed:?}");
    let mut tasks = Vec::new();
    for who in people.clone() {
        let (app, edition) = (app.clone(), edition.clone());
        tasks.push(tokio::spawn(async move {
            app.vote_unconference_topic(&who, &edition, y, true)
                .await
                .unwrap()
        }));
    }
    assert!(futures_all(tasks).await.iter().all(|c| *c));
    assert_eq!(votes_of(&app, &people[0], &edition, y).await, 8);

    // Two merges of the same pair, each way, at once: one wins, the votes count once each.
    let mut tasks = Vec::new();
    for (keep, gone) in [(x, y), (y, x), (x, y), (y, x)] {
        let (app, orga, edition) = (app.clone(), orga.clone(), edition.clone());
        tasks.push(tokio::spawn(async move {
            app.merge_unconference_topics(&orga, &edition, keep, gone)
                .await
                .map(|()| keep)
        }));
    }
    let outcomes: Vec<Result<i64, AppError>> = futures_all(tasks).await;
    let won: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok().copied())
        .collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || matches!(o, Err(AppError::Conflict(_)))),
        "{outcomes:?}"
    );
    let board = app.unconference_board(None, &edition).await.unwrap();
    let survivor = board.topics.iter().find(|t| t.id == won[0]).unwrap();
    assert_eq!(survivor.votes, 8, "people[0] voted for both: once");
    assert_eq!(board.topics.len(), 2);
}

async fn futures_all<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn a_published_plan_is_a_release_and_a_new_plan_changes_only_what_moved(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let people = quick_accounts(&app, &store, "p", 6).await;
    let form = board_form(&app, &edition, "2099-01-01T09:00").await;
    app.open_unconference(&orga, &edition, &form).await.unwrap();
    let mut t = Vec::new();
    for title in [
        "Service mesh",
        "Ambient mode",
        "Multi-cluster",
        "SIG onboarding",
    ] {
        t.push(
            app.propose_unconference_topic(&people[0], &edition, title, "Notes")
                .await
                .unwrap(),
        );
    }
    // Topic 0 by all six, topic 1 by four of them (apart from 0), 2 by two, 3 by one.
    for (who, topics) in people.iter().zip([
        vec![0, 1, 2, 3],
        vec![0, 1, 2],
        vec![0, 1],
        vec![0, 1],
        vec![0],
        vec![0],
    ]) {
        for i in topics {
            app.vote_unconference_topic(who, &edition, t[i], true)
                .await
                .unwrap();
        }
    }
    let plan = app.plan_unconference(&orga, &edition).await.unwrap();
    assert_eq!(plan.placed.len(), 4);
    assert!(plan.waiting.is_empty());
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let room_name = |i: usize| {
        wip.room(&hallway_testkit::domain::Slug::parse(&form.rooms[i].0).unwrap())
            .unwrap()
            .name
            .clone()
    };
    let placed = |title: &str| plan.placed.iter().find(|p| p.title == title).unwrap();
    assert_eq!(
        placed("Service mesh").room,
        room_name(1),
        "6 votes: the room of 80"
    );
    assert_eq!(
        placed("Ambient mode").room,
        room_name(1),
        "in the other slot"
    );
    assert_ne!(placed("Service mesh").slot, placed("Ambient mode").slot);
    assert_eq!(placed("Multi-cluster").room, room_name(0), "the room of 30");
    // Voter 0 wants all four: with two slots, some pairs clash for them whatever the plan.
    assert_eq!((plan.overflow, plan.clashes), (0, 3));

    let first = app.publish_unconference(&orga, &edition).await.unwrap();
    let added: Vec<&str> = first
        .changes
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Added { title, .. } => Some(title.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(added.len(), 4, "{:?}", first.changes);
    assert_eq!(first.changes.changes.len(), 4, "only the board's sessions");
    let public = app
        .latest_release(&first.schedule.edition.slug)
        .await
        .unwrap()
        .unwrap();
    let session = public
        .schedule
        .sessions
        .iter()
        .find(|s| s.title == "Service mesh")
        .unwrap();
    assert_eq!(
        session.session_type,
        hallway_testkit::domain::SessionType::Unconference
    );
    assert_eq!(
        session.slots[0].end.as_second() - session.slots[0].start.as_second(),
        45 * 60
    );
    let same = app.publish_unconference(&orga, &edition).await;
    assert!(matches!(same, Err(AppError::Unchanged(_))), "{same:?}");

    // More votes for the last topic: it changes places; merging a topic takes its session out.
    for who in &people[1..4] {
        app.vote_unconference_topic(who, &edition, t[3], true)
            .await
            .unwrap();
    }
    app.merge_unconference_topics(&orga, &edition, t[0], t[2])
        .await
        .unwrap();
    let second = app.publish_unconference(&orga, &edition).await.unwrap();
    assert_eq!(second.number, first.number + 1);
    let removed: Vec<&str> = second
        .changes
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Removed { title, .. } => Some(title.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(removed, vec!["Multi-cluster"], "{:?}", second.changes);
    assert!(
        second
            .changes
            .changes
            .iter()
            .all(|c| !matches!(c, Change::Added { .. })),
        "{:?}",
        second.changes
    );
    let before: Vec<_> = first
        .schedule
        .sessions
        .iter()
        .filter(|s| s.session_type != hallway_testkit::domain::SessionType::Unconference)
        .collect();
    let after: Vec<_> = second
        .schedule
        .sessions
        .iter()
        .filter(|s| s.session_type != hallway_testkit::domain::SessionType::Unconference)
        .collect();
    assert_eq!(before, after, "the rest of the schedule untouched");
    let moved: Vec<_> = second
        .changes
        .changes
        .iter()
        .filter(|c| !matches!(c, Change::Removed { .. }))
        .map(Change::guid)
        .collect();
    for guid in moved {
        let old = first
            .schedule
            .sessions
            .iter()
            .find(|s| s.guid == guid)
            .unwrap();
        let new = second
            .schedule
            .sessions
            .iter()
            .find(|s| s.guid == guid)
            .unwrap();
        assert_ne!(old.slots, new.slots, "listed as changed only when it moved");
    }
}

/// Open, propose, vote, merge, see the plan, publish, and find the sessions on the public
/// schedule and in the changelog, all through the pages.
async fn the_board_works_through_its_pages(db: TestDb) {
    use hallway_testkit::{TestServer, client, quick_sessions};
    use reqwest::StatusCode;
    use reqwest::header::{COOKIE, LOCATION};
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let people = quick_sessions(&app, &store, "h", 4).await;
    app.grant_role(&orga, &edition, None, "h0@example.org", Role::Organizer)
        .await
        .unwrap();
    let form = board_form(&app, &edition, "2099-01-01T09:00").await;
    let server = TestServer::start(app.clone()).await;
    let csrf = "c".repeat(64);
    let cookie = |i: usize| match i {
        usize::MAX => format!("hallway_csrf={csrf}"),
        i => format!("hallway_session={}; hallway_csrf={csrf}", people[i].1),
    };
    let get = |i: usize, path: String| {
        let url = server.url(&path);
        let cookie = cookie(i);
        async move {
            let r = client()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let post = |i: usize, path: String, fields: Vec<(String, String)>| {
        let mut fields = fields;
        fields.push(("csrf".into(), csrf.clone()));
        client()
            .post(server.url(&path))
            .header(COOKIE, cookie(i))
            .header("origin", &server.base)
            .header("sec-fetch-site", "same-origin")
            .form(&fields)
            .send()
    };
    let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let orga_base = format!("/orga/{edition}/unconference");
    let base = format!("/{edition}/unconference");

    // No board yet: the attendees' page says so; the organizer's page offers to open one.
    let (status, _) = get(1, base.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = get(0, orga_base.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Open a board"), "{page}");
    let (status, _) = get(1, orga_base.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut open = f(&[
        ("event", &form.event),
        ("day", &form.day),
        ("times", "10:00, 25:00"),
        ("minutes", "45"),
        ("cutoff", "2099-01-01T09:00"),
    ]);
    for (room, cap) in &form.rooms {
        open.push((format!("use-{room}"), "on".into()));
        open.push((format!("cap-{room}"), cap.clone()));
    }
    let r = post(0, format!("{orga_base}/open"), open.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("start times: &#34;25:00&#34;")
    );
    open[2].1 = "10:00, 11:00".into();
    let r = post(1, format!("{orga_base}/open"), open.clone())
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an attendee opens nothing"
    );
    let r = post(0, format!("{orga_base}/open"), open.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("The board is open."));

    // Propose: someone not signed in is sent to log in; an empty title is refused.
    let r = post(
        usize::MAX,
        format!("{base}/propose"),
        f(&[("title", "Anonymous topic")]),
    )
    .await
    .unwrap();
    assert!(
        r.status() == StatusCode::UNAUTHORIZED
            || (r.status() == StatusCode::SEE_OTHER
                && r.headers()
                    .get(LOCATION)
                    .is_some_and(|l| l == "/account/login")),
        "{}",
        r.status()
    );
    let r = post(
        1,
        format!("{base}/propose"),
        f(&[("title", " "), ("description", "kept")]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("title: a topic needs a title") && page.contains(">kept</textarea>"));
    for (i, title) in [
        (1, "WASM <script>alert(1)</script> on the edge"),
        (2, "WebAssembly at the edge"),
        (3, "Contributor ladder"),
    ] {
        let r = post(
            i,
            format!("{base}/propose"),
            f(&[("title", title), ("description", "Let us talk")]),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let ids: Vec<String> = app
        .unconference_board(None, &edition)
        .await
        .unwrap()
        .topics
        .iter()
        .map(|t| t.id.to_string())
        .collect();
    let (wasm, edge, ladder) = (&ids[0], &ids[1], &ids[2]);
    for (i, topic) in [
        (1, wasm),
        (2, wasm),
        (2, edge),
        (3, edge),
        (3, ladder),
        (3, ladder),
    ] {
        let r = post(i, format!("{base}/vote"), f(&[("topic", topic)]))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = post(1, format!("{base}/vote"), f(&[("topic", "x")]))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (status, board) = get(2, base.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(board.contains("2 votes · you voted for it"), "{board}");
    assert!(!board.contains("<script>alert"), "text stays text");
    let r = post(
        1,
        format!("{base}/vote"),
        f(&[("topic", wasm), ("up", "0")]),
    )
    .await
    .unwrap();
    assert!(r.text().await.unwrap().contains("Vote taken back."));
    let r = post(1, format!("{base}/vote"), f(&[("topic", wasm)]))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // The organizer merges the duplicate: person 2 voted for both and counts once.
    let r = post(
        1,
        format!("{orga_base}/merge"),
        f(&[("gone", edge), ("keep", wasm)]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(
        0,
        format!("{orga_base}/merge"),
        f(&[("gone", edge), ("keep", wasm)]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("Topic {edge} is merged into topic {wasm}.")));
    assert!(
        page.contains("(3 votes): "),
        "the plan shows each topic's votes: {page}"
    );
    let (_, board) = get(3, base.clone()).await;
    assert!(
        !board.contains("WebAssembly at the edge"),
        "a merged topic leaves the board"
    );

    // The plan before publishing, then published: a release whose changelog lists them.
    let (status, orga_page) = get(0, orga_base.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let biggest = wip
        .room(&hallway_testkit::domain::Slug::parse(&form.rooms[1].0).unwrap())
        .unwrap()
        .name
        .clone();
    assert!(
        orga_page.contains(&format!("(3 votes): {biggest}, 80 seats,")),
        "the most voted in the room of 80: {orga_page}"
    );
    let r = post(0, format!("{orga_base}/publish"), vec![])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let published = r.text().await.unwrap();
    assert!(
        published.contains("2 added, 0 moved, 0 taken out."),
        "{published}"
    );
    let r = post(0, format!("{orga_base}/publish"), vec![])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "nothing new to publish");
    server.refresh().await;
    let (status, changelog) = get(usize::MAX, format!("/{edition}/changelog")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        changelog.contains("WASM &#60;script&#62;alert(1)&#60;/script&#62; on the edge")
            && changelog.contains("Contributor ladder"),
        "{changelog}"
    );
    let (status, day) = get(usize::MAX, format!("/{edition}/schedule/{}/list", form.day)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(day.contains("Contributor ladder"), "on the public schedule");

    if db.url.starts_with("sqlite") {
        let (_, board) = get(1, base.clone()).await;
        let (_, orga_page) = get(0, orga_base.clone()).await;
        let stable = |page: &str| {
            let out = page.replace(&csrf, "[csrf]");
            let mut kept = String::new();
            let mut rest = out.as_str();
            while let Some((before, after)) = rest.split_once("/static/hallway.") {
                kept.push_str(before);
                kept.push_str("/static/hallway.[hash].");
                rest = after.split_once('.').map_or("", |(_, tail)| tail);
            }
            kept.push_str(rest);
            let mut out = kept;
            for id in &ids {
                out = out
                    .replace(&format!("topic-{id}\""), "topic-[id]\"")
                    .replace(&format!("value=\"{id}\""), "value=\"[id]\"")
                    .replace(&format!("Topic {id} "), "Topic [id] ")
                    .replace(&format!("topic {id}<"), "topic [id]<")
                    .replace(&format!(">{id}: "), ">[id]: ");
            }
            out
        };
        insta::assert_snapshot!("unconference_board", crate::pages::stable(&stable(&board)));
        insta::assert_snapshot!(
            "unconference_orga",
            crate::pages::stable(&stable(&orga_page))
        );
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = [("board", &board), ("orga", &orga_page)]
            .iter()
            .map(|(name, html)| {
                let file = dir.path().join(format!("{name}.html"));
                std::fs::write(&file, html).unwrap();
                file
            })
            .collect();
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
            .await
            .unwrap();
        assert!(errors.is_empty(), "the Nu HTML Checker: {errors:?}");
    }
    server.stop().await;
}
