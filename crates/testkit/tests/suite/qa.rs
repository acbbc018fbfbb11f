//! Q&A on both backends: asking, voting once, anonymity, moderation the asker is not told of,
//! pausing, and a numbered log that replays exactly what each person may see.

use hallway_testkit::domain::Role;
use hallway_testkit::domain::qa::{Moderation, Order};
use hallway_testkit::hallway_app::AppError;
use hallway_testkit::{TestDb, quick_accounts, released_kubecon_sample};

on_both_backends!(
    questions_are_asked_voted_moderated_and_replayed_in_order,
    the_questions_pages_work_without_javascript,
);

async fn questions_are_asked_voted_moderated_and_replayed_in_order(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let session = wip.sessions[0].guid.to_string();
    let people = quick_accounts(&app, &store, "q", 53).await;
    let (ada, bob, mod_) = (&people[0], &people[1], &people[2]);
    app.grant_role(&orga, &edition, None, "q2@example.org", Role::Organizer)
        .await
        .unwrap();
    let a = app.qa_ctx(Some(ada), &edition, &session).await.unwrap();
    let b = app.qa_ctx(Some(bob), &edition, &session).await.unwrap();
    let m = app.qa_ctx(Some(mod_), &edition, &session).await.unwrap();
    let nobody = app.qa_ctx(None, &edition, &session).await.unwrap();
    assert!(m.moderates() && !a.moderates());
    let unknown = app.qa_ctx(Some(ada), &edition, "no-such-session").await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");

    let (q1, s1) = app
        .ask_question(&a, "How does it scale?", false)
        .await
        .unwrap();
    assert_eq!(s1, 1);
    let (q2, _) = app
        .ask_question(&b, "<script>x</script> why?", true)
        .await
        .unwrap();
    assert!(app.vote_question(&b, q1, true).await.unwrap().is_some());
    assert!(
        app.vote_question(&b, q1, true).await.unwrap().is_none(),
        "a vote counts once"
    );
    let own = app.vote_question(&a, q1, true).await;
    assert!(matches!(own, Err(AppError::Conflict(_))), "{own:?}");
    let anon = app.ask_question(&nobody, "Hello?", false).await;
    assert!(matches!(anon, Err(AppError::Unauthenticated)), "{anon:?}");
    let long = app.ask_question(&a, &"x".repeat(501), false).await;
    assert!(matches!(long, Err(AppError::Invalid(_))), "{long:?}");

    // Anonymous to attendees, never to moderators; text stays text.
    let seen_by_ada = app.qa_view(&a, Order::Votes).await.unwrap();
    assert_eq!(seen_by_ada.questions[0].id, q1, "most votes first");
    let q2_for_ada = seen_by_ada.questions.iter().find(|q| q.id == q2).unwrap();
    assert_eq!(q2_for_ada.asker, None);
    assert_eq!(q2_for_ada.text, "<script>x</script> why?");
    let q2_for_mod = app.qa_view(&m, Order::Time).await.unwrap();
    assert!(
        q2_for_mod
            .questions
            .iter()
            .find(|q| q.id == q2)
            .unwrap()
            .asker
            .is_some()
    );
    let forbidden = app.moderate_question(&a, q1, &Moderation::Dismiss).await;
    assert!(
        matches!(forbidden, Err(AppError::Forbidden(_))),
        "{forbidden:?}"
    );

    // Pre-moderation: a pending question reaches its asker and moderators only; dismissed,
    // its asker still sees it pending.
    let before = app.qa_view(&b, Order::Time).await.unwrap().seq;
    app.set_qa(&m, true, false, "Five minutes left")
        .await
        .unwrap();
    let (q3, _) = app
        .ask_question(&a, "Is it open source?", false)
        .await
        .unwrap();
    app.moderate_question(&m, q3, &Moderation::Dismiss)
        .await
        .unwrap();
    let mine = app.qa_view(&a, Order::Time).await.unwrap();
    assert_eq!(
        mine.questions.iter().find(|q| q.id == q3).unwrap().state,
        "pending"
    );
    assert!(mine.backstage.is_none());
    assert_eq!(
        app.qa_view(&m, Order::Time)
            .await
            .unwrap()
            .backstage
            .as_deref(),
        Some("Five minutes left")
    );
    let missed = app.qa_since(&b, before).await.unwrap();
    let seqs: Vec<i64> = missed.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        ((before + 1)..=(before + 3)).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
    assert!(missed[0].room && missed[0].question.is_none());
    assert!(
        missed[1..].iter().all(|c| c.question.is_none()),
        "nothing of q3 reaches bob"
    );
    assert!(
        app.qa_view(&b, Order::Time)
            .await
            .unwrap()
            .questions
            .iter()
            .all(|q| q.id != q3)
    );

    // One highlighted at a time.
    app.moderate_question(&m, q1, &Moderation::Highlight)
        .await
        .unwrap();
    app.moderate_question(&m, q2, &Moderation::Highlight)
        .await
        .unwrap();
    let view = app.qa_view(&nobody, Order::Votes).await.unwrap();
    assert_eq!(view.questions[0].id, q2);
    assert_eq!(view.questions.iter().filter(|q| q.highlighted).count(), 1);

    // Fifty votes at once count fifty, each with its own log number.
    let start = app.qa_view(&m, Order::Time).await.unwrap().seq;
    let mut tasks = Vec::new();
    for v in &people[3..] {
        let (app, edition, session, v) = (app.clone(), edition.clone(), session.clone(), v.clone());
        tasks.push(tokio::spawn(async move {
            let ctx = app.qa_ctx(Some(&v), &edition, &session).await.unwrap();
            app.vote_question(&ctx, q1, true).await.unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap().unwrap());
    }
    got.sort_unstable();
    assert_eq!(got, ((start + 1)..=(start + 50)).collect::<Vec<_>>());
    let view = app.qa_view(&m, Order::Time).await.unwrap();
    assert_eq!(
        view.questions.iter().find(|q| q.id == q1).unwrap().votes,
        51
    );

    // Paused: nothing new is taken.
    app.set_qa(&m, false, true, "").await.unwrap();
    let paused = app.ask_question(&b, "Still there?", false).await;
    assert!(
        matches!(&paused, Err(AppError::Conflict(msg)) if msg.contains("paused")),
        "{paused:?}"
    );
}

/// The Q&A pages as people use them without JavaScript: ask, vote once, moderate, the
/// projector, the CSV, and the numbered changes a client catches up with.
async fn the_questions_pages_work_without_javascript(db: TestDb) {
    use hallway_testkit::{TestServer, client, quick_sessions};
    use reqwest::StatusCode;
    use reqwest::header::COOKIE;
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let session = wip.sessions[0].guid.to_string();
    let people = quick_sessions(&app, &store, "w", 3).await;
    app.grant_role(&orga, &edition, None, "w2@example.org", Role::Organizer)
        .await
        .unwrap();
    let server = TestServer::start(app.clone()).await;
    let csrf = "c".repeat(64);
    let cookie = |i: usize| format!("hallway_session={}; hallway_csrf={csrf}", people[i].1);
    let base = format!("/{edition}/qa/{session}");
    let get = |cookie: String, path: String| {
        let url = server.url(&path);
        async move {
            let r = client()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let page = r.text().await.unwrap();
            // Reloading without JavaScript; the script follows the socket instead.
            let refresh = page.contains("<noscript><meta http-equiv=\"refresh\"");
            (status, refresh, page)
        }
    };
    let post = |i: usize, action: &str, form: &[(&str, &str)]| {
        let mut body = format!("csrf={csrf}");
        for (k, v) in form {
            body.push_str(&format!(
                "&{k}={}",
                v.replace(' ', "+")
                    .replace('<', "%3C")
                    .replace('>', "%3E")
                    .replace('?', "%3F")
            ));
        }
        client()
            .post(server.url(&format!("{base}/{action}")))
            .header(COOKIE, cookie(i))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &server.base)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
    };

    let (status, refresh, page) = get(format!("hallway_csrf={csrf}"), base.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refresh, "a reader's page reloads itself");
    assert!(page.contains("to ask or vote"));
    let r = post(0, "ask", &[("text", "How does it scale?")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let q = app
        .qa_view(
            &app.qa_ctx(None, &edition, &session).await.unwrap(),
            Order::Time,
        )
        .await
        .unwrap()
        .questions[0]
        .id
        .to_string();
    for _ in 0..2 {
        let r = post(1, "vote", &[("question", &q)]).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let (_, refresh, page) = get(cookie(1), base.clone()).await;
    assert!(!refresh, "no reload under someone typing");
    assert!(page.contains("1 vote ·"), "a vote counts once: {page}");
    let r = post(0, "moderate", &[("question", &q), ("action", "dismiss")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Pre-moderated: the pending question reaches its asker and the moderator only.
    let r = post(
        2,
        "settings",
        &[("premoderated", "on"), ("backstage", "Five minutes left")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = post(
        0,
        "ask",
        &[("text", "<script>alert(1)</script> and secrets?")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, _, for_bob) = get(cookie(1), base.clone()).await;
    assert!(!for_bob.contains("secrets"), "{for_bob}");
    let (_, _, for_ada) = get(cookie(0), base.clone()).await;
    assert!(
        for_ada.contains("&#60;script&#62;alert(1)&#60;/script&#62; and secrets?")
            && !for_ada.contains("<script>alert"),
        "{for_ada}"
    );
    assert!(!for_ada.contains("Five minutes left"));
    let (_, _, for_mod) = get(cookie(2), base.clone()).await;
    assert!(for_mod.contains("secrets") && for_mod.contains("Five minutes left"));
    let (_, _, projector) = get(String::new(), format!("{base}/projector")).await;
    assert!(projector.contains("How does it scale?") && !projector.contains("secrets"));

    // The moderator exports; an attendee may not.
    let (status, _, csv) = get(cookie(2), format!("{base}/questions.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("id,state,votes,pinned,asker,question\n"),
        "{csv}"
    );
    assert!(csv.contains("secrets"));
    let (status, _, _) = get(cookie(0), format!("{base}/questions.csv")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Catching up: every number once, in order, nothing of the pending question for a reader.
    let (status, _, json) = get(
        String::new(),
        format!("/api/v1/editions/{edition}/sessions/{session}/qa?after=0"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let changes: serde_json::Value = serde_json::from_str(&json).unwrap();
    let seqs: Vec<i64> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    assert!(!json.contains("secrets"), "{json}");
    let (status, _, _) = get(
        String::new(),
        format!("/api/v1/editions/{edition}/sessions/{session}/qa?after=-1"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    if db.url.starts_with("sqlite") {
        let stable = |page: &str| {
            let mut out = page.replace(&csrf, "[csrf]");
            for asset in ["/static/hallway.", "/static/live."] {
                let mut kept = String::new();
                let mut rest = out.as_str();
                while let Some((before, after)) = rest.split_once(asset) {
                    kept.push_str(before);
                    kept.push_str(asset);
                    kept.push_str("[hash].");
                    rest = after.split_once('.').map_or("", |(_, tail)| tail);
                }
                kept.push_str(rest);
                out = kept;
            }
            out
        };
        insta::assert_snapshot!("live_qa_moderator", crate::pages::stable(&stable(&for_mod)));
        insta::assert_snapshot!(
            "live_qa_projector",
            crate::pages::stable(&stable(&projector))
        );
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = [
            ("qa", &for_mod),
            ("projector", &projector),
            ("reader", &for_bob),
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
