//! Recordings, "continue watching", suggestions and the wrap-up, on both backends: a
//! recordings file imports whole or not at all, a position is kept by the latest device time
//! and a repeat changes nothing, co-bookmarks make suggestions that avoid the viewer's
//! clashes, and the pages (player, continue watching, my day, the wrap-up) show it all.

use hallway_store::RecordingStore;
use hallway_testkit::domain::agenda::Set;
use hallway_testkit::domain::recording::Progress;
use hallway_testkit::domain::{Guid, Schedule, SessionType, Slug};
use hallway_testkit::hallway_app::{App, AppError, MarkChange, Store};
use hallway_testkit::{TestDb, TestServer, client, quick_accounts, quick_sessions};
use reqwest::StatusCode;
use reqwest::header::COOKIE;

on_both_backends!(
    a_recordings_file_imports_whole_or_not_at_all,
    the_latest_position_wins_and_a_repeat_changes_nothing,
    sessions_bookmarked_together_are_suggested_around_my_agenda,
    recordings_resume_and_the_wrapup_tells_my_conference,
);

/// A released edition with one placed session marked do-not-record: the release, and the
/// other placed sessions people choose to attend, in time order.
async fn setup(db: &TestDb) -> (App, Store, String, Schedule, Guid, Vec<Guid>) {
    setup_with(db, false).await
}

/// As `setup`, on the whole of KubeCon (parallel tracks) when `whole`, else on a sample.
async fn setup_with(db: &TestDb, whole: bool) -> (App, Store, String, Schedule, Guid, Vec<Guid>) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = if whole {
        hallway_testkit::released_kubecon(&app).await
    } else {
        hallway_testkit::released_kubecon_sample(&app).await
    };
    let orga = hallway_testkit::operator();
    let mut wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let mut placed: Vec<usize> = (0..wip.schedule.sessions.len())
        .filter(|&i| !wip.schedule.sessions[i].slots.is_empty())
        .collect();
    placed.sort_by_key(|&i| wip.schedule.sessions[i].slots[0].start);
    wip.schedule.sessions[placed[1]].do_not_record = true;
    let refusing = wip.schedule.sessions[placed[1]].guid;
    app.save_work_in_progress(&orga, &wip.schedule, wip.version)
        .await
        .unwrap();
    app.release(&orga, &edition, hallway_testkit::hallway_app::Force::Always)
        .await
        .unwrap();
    let schedule = app
        .latest_release(&Slug::parse(&edition).unwrap())
        .await
        .unwrap()
        .unwrap()
        .schedule;
    let mut xs: Vec<_> = schedule
        .sessions
        .iter()
        .filter(|x| {
            !x.slots.is_empty()
                && x.guid != refusing
                && x.session_type.is_program()
                && x.session_type != SessionType::Event
        })
        .collect();
    xs.sort_by_key(|x| (x.slots[0].start, x.guid));
    let placed = xs.iter().map(|x| x.guid).collect();
    (app, store, edition, schedule, refusing, placed)
}

async fn a_recordings_file_imports_whole_or_not_at_all(db: TestDb) {
    let (app, store, edition, _, refusing, g) = setup(&db).await;
    let orga = hallway_testkit::operator();
    let slug = Slug::parse(&edition).unwrap();
    let (a, c) = (g[0], g[1]);

    // A video for the do-not-record session on line 3: nothing of the file is taken.
    let bad = format!(
        "session,url,offset\n{a},https://www.youtube.com/watch?v=day1,4:03:29\n{refusing},https://www.youtube.com/watch?v=day1,5000\n"
    );
    let err = app
        .import_recordings(&orga, &edition, "rec.csv", &bad)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, AppError::BadFile { .. })
            && message.contains("rec.csv: line 3")
            && message.contains("do-not-record"),
        "{message}"
    );
    assert!(store.recordings_of(&slug).await.unwrap().is_empty());
    assert!(store.recording_versions().await.unwrap().is_empty());

    // Slides for it are fine; so is a video for the others.
    let good = format!(
        "{a},https://www.youtube.com/watch?v=day1,4:03:29\n{refusing},,,https://slides.example/b.pdf\n{c},https://media.example/c.mp4,,,https://media.example/c.vtt\n"
    );
    assert_eq!(
        app.import_recordings(&orga, &edition, "rec.csv", &good)
            .await
            .unwrap(),
        3
    );
    let got = store.recordings_of(&slug).await.unwrap();
    assert_eq!(got.len(), 3);
    let first = &got.iter().find(|(g, _)| *g == a).unwrap().1;
    assert_eq!(first.offset, 14_609);
    assert_eq!(
        first.url_at(0).unwrap(),
        "https://www.youtube.com/watch?v=day1&t=14609"
    );
    assert_eq!(
        store.recording_versions().await.unwrap(),
        vec![(slug.clone(), 1)]
    );

    // An unknown session, then a bad offset: each named by its line, nothing changed.
    for (file, expected) in [
        (
            format!(
                "{c},https://media.example/new.mp4\n00000000-0000-4000-8000-000000000000,https://x.example/v.mp4\n"
            ),
            "line 2, session: no session",
        ),
        (
            format!("{c},https://media.example/new.mp4,later\n"),
            "line 1, offset:",
        ),
    ] {
        let e = app
            .import_recordings(&orga, &edition, "rec.csv", &file)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{e}");
    }
    assert_eq!(store.recordings_of(&slug).await.unwrap(), got);
    assert_eq!(store.recording_versions().await.unwrap()[0].1, 1);

    // Two imports racing: both apply whole, one after the other; the version counts both.
    let one = format!("{c},https://media.example/one.mp4\n{a},https://media.example/one-a.mp4\n");
    let two = format!("{c},https://media.example/two.mp4\n{a},https://media.example/two-a.mp4\n");
    let (x, y) = tokio::join!(
        app.import_recordings(&orga, &edition, "one.csv", &one),
        app.import_recordings(&orga, &edition, "two.csv", &two)
    );
    x.unwrap();
    y.unwrap();
    let now = store.recordings_of(&slug).await.unwrap();
    let url = |g: Guid| {
        now.iter()
            .find(|(x, _)| *x == g)
            .unwrap()
            .1
            .url
            .clone()
            .unwrap()
    };
    let (ua, uc) = (url(a), url(c));
    assert!(
        (ua.contains("one-a") && uc.contains("one.mp4"))
            || (ua.contains("two-a") && uc.contains("two.mp4")),
        "a file is applied whole: {ua} {uc}"
    );
    assert_eq!(store.recording_versions().await.unwrap()[0].1, 3);
}

async fn the_latest_position_wins_and_a_repeat_changes_nothing(db: TestDb) {
    let (app, store, edition, _, slides_only, g) = setup(&db).await;
    let orga = hallway_testkit::operator();
    let (a, c, d) = (g[0], g[1], g[2]);
    let file = format!(
        "{a},https://media.example/a.mp4\n{slides_only},,,https://slides.example/b.pdf\n{c},https://youtu.be/c,120\n{d},https://media.example/d.webm\n"
    );
    app.import_recordings(&orga, &edition, "rec.csv", &file)
        .await
        .unwrap();
    let people = quick_accounts(&app, &store, "w", 2).await;
    let (me, other) = (&people[0], &people[1]);
    let at = |position, duration, at| Progress {
        position,
        duration,
        finished: false,
        at,
    };
    let save = |guid: Guid, p: Progress| {
        let app = app.clone();
        let edition = edition.clone();
        let me = me.clone();
        async move {
            app.save_position(&me, &edition, &guid.to_string(), &p)
                .await
        }
    };
    assert!(save(a, at(100, Some(1800), 2_000)).await.unwrap());
    // The same saying again: kept again, nothing else changes.
    assert!(save(a, at(100, Some(1800), 2_000)).await.unwrap());
    // An older one (a tab left open) arrives late: refused, the later stays.
    assert!(!save(a, at(900, Some(1800), 1_000)).await.unwrap());
    let (_, kept) = app
        .my_recording(me, &edition, &a.to_string())
        .await
        .unwrap();
    assert_eq!(kept, Some(at(100, Some(1800), 2_000)));
    // Many devices racing: whatever the order, the latest device time is what stays.
    let mut racing = Vec::new();
    for i in 0..16i64 {
        racing.push(tokio::spawn(save(
            a,
            at(200 + i as u32, Some(1800), 3_000 + i * 10),
        )));
    }
    for r in racing {
        r.await.unwrap().unwrap();
    }
    let (_, kept) = app
        .my_recording(me, &edition, &a.to_string())
        .await
        .unwrap();
    assert_eq!(kept.unwrap().position, 215);

    // Continue watching: started and not finished, the most recently watched first.
    save(c, at(60, None, 5_000)).await.unwrap();
    save(d, at(1790, Some(1800), 6_000)).await.unwrap();
    let list: Vec<Guid> = app
        .continue_watching(me, &edition)
        .await
        .unwrap()
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    assert_eq!(list, vec![c, a], "d is finished (within the last 30 s)");
    save(a, at(300, Some(1800), 7_000)).await.unwrap();
    let list: Vec<Guid> = app
        .continue_watching(me, &edition)
        .await
        .unwrap()
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    assert_eq!(list, vec![a, c]);
    // Someone else's places are their own.
    assert!(
        app.continue_watching(other, &edition)
            .await
            .unwrap()
            .is_empty()
    );

    // No video to keep a place in, no recording, nonsense: refused, nothing kept.
    let refused = [
        save(slides_only, at(10, None, 8_000)).await.unwrap_err(),
        save(g[3], at(10, None, 8_000)).await.unwrap_err(),
        save(a, at(49 * 3600, None, 8_000)).await.unwrap_err(),
    ];
    assert!(matches!(refused[0], AppError::Invalid(ref m) if m.contains("no video")));
    assert!(matches!(refused[1], AppError::NotFound(_)));
    assert!(matches!(refused[2], AppError::Invalid(ref m) if m.contains("48 hours")));
    assert_eq!(app.watched(me, &edition).await.unwrap().len(), 3);
}

fn bookmark(session: Guid, id: &str) -> MarkChange {
    MarkChange {
        id: id.into(),
        session,
        set: Set::Interested(true),
        at: 1_000,
    }
}

async fn sessions_bookmarked_together_are_suggested_around_my_agenda(db: TestDb) {
    let (app, store, edition, s, _, g) = setup_with(&db, true).await;
    let target = g[0];
    // Two sessions at the same time, after the target, both bookmarked with it by three
    // people (the least that counts), one more often; a pair bookmarked by two people only.
    let slot = |x: Guid| s.sessions.iter().find(|y| y.guid == x).unwrap().slots[0].clone();
    let t = slot(target);
    let later: Vec<Guid> = g
        .iter()
        .copied()
        .filter(|&x| slot(x).start >= t.end)
        .collect();
    let (often, less) = later
        .iter()
        .flat_map(|&x| later.iter().map(move |&y| (x, y)))
        .find(|&(x, y)| x != y && slot(x).start == slot(y).start)
        .expect("two later sessions at the same time");
    let twice = *later
        .iter()
        .rev()
        .find(|&&x| x != often && x != less && slot(x).start != slot(often).start)
        .unwrap();
    let crowd = quick_accounts(&app, &store, "crowd", 6).await;
    for (i, person) in crowd.iter().enumerate() {
        let mut picks = vec![target];
        if i < 5 {
            picks.push(often);
        }
        if i < 3 {
            picks.push(less);
        }
        if i < 2 {
            picks.push(twice);
        }
        let changes: Vec<_> = picks
            .iter()
            .enumerate()
            .map(|(n, &p)| bookmark(p, &format!("c{n}")))
            .collect();
        app.mark_sessions(person, &edition, &changes).await.unwrap();
    }
    let slug = Slug::parse(&edition).unwrap();
    let lists = app.bookmark_lists(&slug).await.unwrap();
    assert!(lists.len() >= 6);

    // Rendered as a release is: the lists are computed once and kept in memory.
    let server = TestServer::start(app.clone()).await;
    let page = client()
        .get(server.url(&format!("/{edition}/sessions/{target}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let also = page
        .split("People who bookmarked this also bookmarked")
        .nth(1)
        .expect("co-bookmarks on the page")
        .split("</ul>")
        .next()
        .unwrap();
    let (p_often, p_less) = (
        also.find(&often.to_string()).expect("often"),
        also.find(&less.to_string()).expect("less"),
    );
    assert!(p_often < p_less, "the more often bookmarked together first");
    assert!(
        !also.contains(&twice.to_string()),
        "two people are no pattern"
    );

    // A viewer who bookmarked `often`'s time slot elsewhere: `less` clashes too, and with no
    // fitting alternative as good it is shown marked; once the viewer bookmarks `often`
    // itself, it is no longer suggested (they have it).
    let sessions = quick_sessions(&app, &store, "viewer", 1).await;
    let (viewer, secret) = &sessions[0];
    app.mark_sessions(viewer, &edition, &[bookmark(often, "v1")])
        .await
        .unwrap();
    let picks: serde_json::Value = client()
        .get(server.url(&format!("/me/{edition}/similar/{target}")))
        .header(COOKIE, format!("hallway_session={secret}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_bookmarks = picks["by_bookmarks"].as_array().unwrap();
    assert_eq!(by_bookmarks.len(), 1, "{picks}");
    assert_eq!(by_bookmarks[0]["guid"], less.to_string());
    assert_eq!(by_bookmarks[0]["clashes"], true, "{picks}");
    // Nobody signed in: the page's order stands, said without an error.
    let anonymous: serde_json::Value = client()
        .get(server.url(&format!("/me/{edition}/similar/{target}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["signed_in"], false);
    assert_eq!(anonymous["by_bookmarks"].as_array().unwrap().len(), 0);
    server.stop().await;
}

async fn recordings_resume_and_the_wrapup_tells_my_conference(db: TestDb) {
    let (app, store, edition, s, refusing, g) = setup(&db).await;
    let orga = hallway_testkit::operator();
    let (a, b, c) = (g[0], g[1], g[2]);
    let server = TestServer::start(app.clone()).await;
    app.import_recordings(
        &orga,
        &edition,
        "rec.csv",
        &format!(
            "{a},https://media.example/a.mp4,,https://slides.example/a.pdf\n{b},https://www.youtube.com/watch?v=live,3600\n"
        ),
    )
    .await
    .unwrap();
    // The server notices the import as it notices a release, and renders the pages again.
    assert_eq!(server.refresh().await, 1);
    let public = client()
        .get(server.url(&format!("/{edition}/sessions/{b}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("https://www.youtube.com/watch?v=live&#38;t=3600")
            && public.contains(&format!("/me/{edition}/watch/{b}")),
        "{public}"
    );
    let refusing = client()
        .get(server.url(&format!("/{edition}/sessions/{refusing}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(refusing.contains("the speakers asked not to be"));

    let sessions = quick_sessions(&app, &store, "me", 2).await;
    let (me, secret) = &sessions[0];
    let cookie = format!("hallway_session={secret}; hallway_csrf={}", "c".repeat(64));
    let get = |path: String, cookie: String| {
        let url = server.url(&path);
        async move {
            let r = client()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let disposition = r
                .headers()
                .get("content-disposition")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            (status, disposition, r.text().await.unwrap())
        }
    };
    let post = |path: String, body: String, json: bool| {
        let url = server.url(&path);
        let base = server.base.clone();
        let cookie = cookie.clone();
        async move {
            client()
                .post(url)
                .header(COOKIE, cookie)
                .header("origin", base)
                .header("sec-fetch-site", "same-origin")
                .header(
                    "content-type",
                    if json {
                        "application/json"
                    } else {
                        "application/x-www-form-urlencoded"
                    },
                )
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };

    // The script's save: JSON with the page's token; without it, refused.
    let csrf = "c".repeat(64);
    let saved = post(
        format!("/me/{edition}/watch/{a}/position"),
        format!(r#"{{"csrf":"{csrf}","position":95,"duration":1800,"at":5000}}"#),
        true,
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(saved.text().await.unwrap(), r#"{"kept":true}"#);
    let forged = post(
        format!("/me/{edition}/watch/{a}/position"),
        format!(r#"{{"csrf":"{}","position":5,"at":9000}}"#, "d".repeat(64)),
        true,
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let bad = post(
        format!("/me/{edition}/watch/{a}/position"),
        format!(r#"{{"csrf":"{csrf}","position":-5,"at":9000}}"#),
        true,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // The player starts there.
    let (status, _, player) = get(format!("/me/{edition}/watch/{a}"), cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(player.contains(r#"data-position="95""#) && player.contains("1:35"));
    // The form keeps a place on a video site's recording, which links there.
    let kept = post(
        format!("/me/{edition}/watch/{b}"),
        format!("csrf={csrf}&position=12%3A30"),
        false,
    )
    .await;
    assert_eq!(kept.status(), StatusCode::OK);
    let kept = kept.text().await.unwrap();
    assert!(
        kept.contains("Your place is kept at 12:30.")
            && kept.contains("https://www.youtube.com/watch?v=live&#38;t=4350"),
        "{kept}"
    );
    let refused = post(
        format!("/me/{edition}/watch/{b}"),
        format!("csrf={csrf}&position=soon"),
        false,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let (_, _, watching) = get(format!("/me/{edition}/watching"), cookie.clone()).await;
    let (pb, pa) = (
        watching.find(&format!("/watch/{b}")).unwrap(),
        watching.find(&format!("/watch/{a}")).unwrap(),
    );
    assert!(pb < pa, "the most recently watched first");

    // My conference: attended a (with a note), bookmarked and skipped b, watch later c.
    let marks = [
        (a, Set::Interested(true)),
        (a, Set::Attended(true)),
        (a, Set::Note("Great *demo*.\nTry it on Monday.".into())),
        (b, Set::Interested(true)),
        (c, Set::WatchLater(true)),
    ];
    let changes: Vec<_> = marks
        .iter()
        .enumerate()
        .map(|(i, (x, set))| MarkChange {
            id: format!("m{i}"),
            session: *x,
            set: set.clone(),
            at: 1_000,
        })
        .collect();
    app.mark_sessions(me, &edition, &changes).await.unwrap();
    let x = |guid: Guid| s.sessions.iter().find(|y| y.guid == guid).unwrap();
    let day = s.day_of(&x(a).slots[0]);
    assert_eq!(day, s.day_of(&x(b).slots[0]), "a and b are on one day");
    let (status, _, my_day) = get(format!("/me/{edition}/day/{day}"), cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let attended = my_day.split("<h2>Skipped</h2>").next().unwrap();
    let skipped = my_day
        .split("<h2>Skipped</h2>")
        .nth(1)
        .unwrap()
        .split("<h2>My notes</h2>")
        .next()
        .unwrap();
    assert!(
        attended.contains(&format!("sessions/{a}")) && !attended.contains(&format!("sessions/{b}"))
    );
    assert!(skipped.contains(&format!("sessions/{b}")));
    assert!(my_day.contains("Try it on Monday."));
    let (status, _, _) = get(format!("/me/{edition}/day/2001-01-01"), cookie.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(format!("/me/{edition}/day/monday"), cookie.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, disposition, md) = get(format!("/me/{edition}/wrapup.md"), cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let saw = md.find("### Talks I saw").unwrap();
    let wanted = md.find("## Talks I wanted to see").unwrap();
    let line_a = md.find(&format!("/{edition}/sessions/{a})")).unwrap();
    assert!(saw < line_a && line_a < wanted, "{md}");
    assert!(
        md.contains("([recording](https://media.example/a.mp4))"),
        "{md}"
    );
    assert!(
        md.contains("  > Great *demo*.\n  > Try it on Monday."),
        "{md}"
    );
    let after = &md[wanted..];
    assert!(after.contains(&format!("sessions/{b})")) && after.contains(&format!("sessions/{c})")));
    assert!(after.contains("watch?v=live&t=3600"), "{md}");
    let (status, _, json) = get(format!("/me/{edition}/wrapup.json"), cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["days"][0]["saw"][0]["guid"], a.to_string());
    assert_eq!(json["wanted"].as_array().unwrap().len(), 2);
    // Another attendee's wrap-up holds nothing of mine.
    let other = format!("hallway_session={}", sessions[1].1);
    let (_, _, theirs) = get(format!("/me/{edition}/wrapup.md"), other).await;
    assert!(!theirs.contains("Try it on Monday") && !theirs.contains(&a.to_string()));

    if db.url.starts_with("sqlite") {
        let stable = |page: &str| {
            let mut out = page.replace(&csrf, "[csrf]");
            for name in ["hallway", "watch", "discover"] {
                let prefix = format!("/static/{name}.");
                let mut kept = String::new();
                let mut rest = out.as_str();
                while let Some((before, after)) = rest.split_once(&prefix) {
                    kept.push_str(before);
                    kept.push_str(&prefix);
                    kept.push_str("[hash].");
                    rest = after.split_once('.').map_or("", |(_, tail)| tail);
                }
                kept.push_str(rest);
                out = kept;
            }
            out
        };
        insta::assert_snapshot!("me_watch_player", crate::pages::stable(&stable(&player)));
        insta::assert_snapshot!("me_watch_link", crate::pages::stable(&stable(&kept)));
        insta::assert_snapshot!("me_watching", crate::pages::stable(&stable(&watching)));
        insta::assert_snapshot!("me_day", crate::pages::stable(&stable(&my_day)));
        insta::assert_snapshot!("me_wrapup_md", crate::pages::stable(&md));
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = [
            ("player", &player),
            ("link", &kept),
            ("watching", &watching),
            ("day", &my_day),
            ("session", &public),
        ]
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
