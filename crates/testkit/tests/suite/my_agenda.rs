//! My agenda and marks over HTTP and in the store, on both backends: the marks API (replays
//! change nothing, errors name the change and field, 64 KB notes), the no-JavaScript forms,
//! the agenda page with a conflict and its alternatives, free time, totals and "likely full",
//! and the shared read-only link (secret, revocable, no notes).

use hallway_store::{AgendaShareStore, AttendeeStore};
use hallway_testkit::domain::agenda::Set;
use hallway_testkit::domain::{Guid, Schedule, SessionType, Slug};
use hallway_testkit::hallway_app::{AppError, MarkChange};
use hallway_testkit::{TestDb, TestServer, client, quick_sessions, released_kubecon};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};

on_both_backends!(
    agenda_links_are_secret_and_revocable,
    the_marks_api_applies_each_change_once_and_names_bad_ones,
    my_agenda_shows_conflicts_with_alternatives_and_forms_work_without_scripts,
);

/// Two program sessions that overlap, each running once, and one at another time alike in
/// nothing: the test's agenda.
fn overlapping(s: &Schedule) -> (Guid, Guid) {
    let program: Vec<_> = s
        .sessions
        .iter()
        .filter(|x| x.session_type == SessionType::Talk && x.slots.len() == 1)
        .collect();
    for a in &program {
        for b in &program {
            let (x, y) = (&a.slots[0], &b.slots[0]);
            if a.guid != b.guid && x.start == y.start && x.room != y.room {
                return (a.guid, b.guid);
            }
        }
    }
    panic!("no two sessions at the same time");
}

fn session_of(s: &Schedule, g: Guid) -> &hallway_testkit::domain::Session {
    s.sessions.iter().find(|x| x.guid == g).unwrap()
}

fn change(id: &str, session: Guid, set: Set) -> MarkChange {
    MarkChange {
        id: id.into(),
        session,
        set,
        at: jiff::Timestamp::now().as_millisecond(),
    }
}

async fn agenda_links_are_secret_and_revocable(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let slug = Slug::parse(&edition).unwrap();
    let people = quick_sessions(&app, &store, "share", 2).await;
    let (me, other) = (&people[0].0, &people[1].0);
    let s = app
        .work_in_progress(&hallway_testkit::operator(), &edition)
        .await
        .unwrap()
        .schedule;
    let (a, _) = overlapping(&s);
    app.mark_sessions(
        me,
        &edition,
        &[
            change("s-1", a, Set::Interested(true)),
            change("s-2", a, Set::Note("private".into())),
        ],
    )
    .await
    .unwrap();
    assert_eq!(app.my_agenda(me, &edition).await.unwrap().share, None);

    let token = app.share_agenda(me, &edition).await.unwrap();
    assert_eq!(token.len(), 64);
    assert_eq!(
        app.my_agenda(me, &edition).await.unwrap().share.as_deref(),
        Some(token.as_str())
    );
    let shared = app.shared_agenda(&edition, &token).await.unwrap();
    assert_eq!(shared.marks.len(), 1);
    assert!(shared.marks[0].1.interested.value);
    assert!(
        shared.marks[0].1.note.value.is_empty(),
        "notes stay private"
    );
    assert_eq!(shared.share, None, "a visitor never sees the token");
    // Another attendee's agenda has no link, and theirs would show nothing of mine.
    assert_eq!(
        store.agenda_share_of(&slug, other.user()).await.unwrap(),
        None
    );
    let theirs = app.share_agenda(other, &edition).await.unwrap();
    assert!(
        app.shared_agenda(&edition, &theirs)
            .await
            .unwrap()
            .marks
            .is_empty()
    );

    // Guessed, malformed or another edition's: not found, whoever asks.
    for bad in ["0".repeat(64), "not-a-token".into(), token.to_uppercase()] {
        let refused = app.shared_agenda(&edition, &bad).await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    }
    // A new link revokes the old one; revoking leaves none.
    let again = app.share_agenda(me, &edition).await.unwrap();
    assert_ne!(again, token);
    assert!(matches!(
        app.shared_agenda(&edition, &token).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.shared_agenda(&edition, &again).await.is_ok());
    assert!(app.revoke_agenda_share(me, &edition).await.unwrap());
    assert!(!app.revoke_agenda_share(me, &edition).await.unwrap());
    assert!(matches!(
        app.shared_agenda(&edition, &again).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(store.agenda_share_of(&slug, me.user()).await.unwrap(), None);

    // Two clicks at once leave exactly one live link.
    let (x, y) = tokio::join!(
        app.share_agenda(me, &edition),
        app.share_agenda(me, &edition)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let ok = [
        app.shared_agenda(&edition, &x).await.is_ok(),
        app.shared_agenda(&edition, &y).await.is_ok(),
    ];
    assert_eq!(ok.iter().filter(|o| **o).count(), 1, "{ok:?}");

    // Bookmarks count with everyone's.
    let counts = store.bookmark_counts(&slug).await.unwrap();
    assert_eq!(counts.get(&a).copied(), Some(1));
}

async fn the_marks_api_applies_each_change_once_and_names_bad_ones(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let people = quick_sessions(&app, &store, "api", 2).await;
    let cookie = format!("hallway_session={}", people[0].1);
    let s = app
        .work_in_progress(&hallway_testkit::operator(), &edition)
        .await
        .unwrap()
        .schedule;
    let (a, b) = overlapping(&s);
    let server = TestServer::start(app.clone()).await;
    let url = server.url(&format!("/api/v1/editions/{edition}/marks"));
    let post = |body: serde_json::Value, cookie: Option<&str>| {
        let mut r = client()
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .header("sec-fetch-site", "same-origin")
            .body(body.to_string());
        if let Some(c) = cookie {
            r = r.header(COOKIE, c.to_owned());
        }
        r.send()
    };
    let batch = serde_json::json!({"changes": [
        {"id": "d1-1", "session": a.to_string(), "field": "interested", "value": true, "at": 1000},
        {"id": "d1-2", "session": a.to_string(), "field": "priority", "value": "first", "at": 1001},
        {"id": "d1-3", "session": b.to_string(), "field": "note", "value": "**bring** a laptop", "at": 1002},
    ]});
    let r = post(batch.clone(), Some(&cookie)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "private, no-store"
    );
    let out: serde_json::Value = r.json().await.unwrap();
    let outcomes = |v: &serde_json::Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outcome"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(outcomes(&out), ["taken", "taken", "taken"]);
    // A replay changes nothing; an older change loses to the newer.
    let out: serde_json::Value = post(batch, Some(&cookie))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes(&out), ["repeated", "repeated", "repeated"]);
    let older = serde_json::json!({"changes": [
        {"id": "d2-1", "session": a.to_string(), "field": "interested", "value": false, "at": 500},
    ]});
    let out: serde_json::Value = post(older, Some(&cookie))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outcomes(&out), ["older"]);
    let mine: serde_json::Value = client()
        .get(&url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let of = |g: Guid| {
        mine.as_array()
            .unwrap()
            .iter()
            .find(|m| m["session"] == g.to_string())
            .unwrap()
            .clone()
    };
    assert_eq!(of(a)["interested"], true);
    assert_eq!(of(a)["priority"], "first");
    assert_eq!(of(b)["note"], "**bring** a laptop");

    // Errors name the change and the field, and the batch changes nothing.
    let cases = [
        (
            serde_json::json!({"id": "e", "session": a.to_string(), "field": "attended", "value": "yes", "at": 1}),
            "change 2 (id \"e\"), field attended",
        ),
        (
            serde_json::json!({"id": "e", "session": a.to_string(), "field": "colour", "value": true, "at": 1}),
            "change 2 (id \"e\"), field field",
        ),
        (
            serde_json::json!({"id": "e", "session": a.to_string(), "field": "priority", "value": "maybe", "at": 1}),
            "change 2 (id \"e\"), field priority",
        ),
        (
            serde_json::json!({"id": "e", "session": "nope", "field": "interested", "value": true, "at": 1}),
            "change 2 (id \"e\"), field session",
        ),
        (
            serde_json::json!({"id": "e", "session": a.to_string(), "field": "note", "value": "x".repeat(64 * 1024 + 1), "at": 1}),
            "change 2, field note: the note is 65537 bytes; notes hold at most 64 KB",
        ),
    ];
    for (bad, says) in cases {
        let body = serde_json::json!({"changes": [
            {"id": "ok", "session": b.to_string(), "field": "attended", "value": true, "at": 5000},
            bad,
        ]});
        let r = post(body, Some(&cookie)).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(e["error"].as_str().unwrap().contains(says), "{e}");
    }
    let unknown = Guid::derive(&Slug::parse(&edition).unwrap(), "nothing", 0);
    let r = post(
        serde_json::json!({"changes": [
            {"id": "ok", "session": b.to_string(), "field": "attended", "value": true, "at": 5000},
            {"id": "gone", "session": unknown.to_string(), "field": "interested", "value": true, "at": 1},
        ]}),
        Some(&cookie),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("change 2 (id \"gone\")"),
        "{e}"
    );
    let after = app.my_marks(&people[0].0, &edition).await.unwrap();
    assert!(
        !after.iter().any(|(_, m)| m.attended.value),
        "nothing changed"
    );

    // Anonymous: 401; a form post (which any site can make) is not taken.
    let r = post(serde_json::json!({"changes": []}), None)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = client()
        .post(&url)
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "text/plain")
        .header("sec-fetch-site", "same-origin")
        .body(r#"{"changes": []}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Another attendee reads only their own.
    let theirs: serde_json::Value = client()
        .get(&url)
        .header(COOKIE, format!("hallway_session={}", people[1].1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, serde_json::json!([]));
    // The API is documented.
    let doc: serde_json::Value = client()
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = &doc["paths"]["/api/v1/editions/{edition}/marks"];
    assert!(
        path["get"].is_object() && path["post"].is_object(),
        "{path}"
    );
    server.stop().await;
}

async fn my_agenda_shows_conflicts_with_alternatives_and_forms_work_without_scripts(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let people = quick_sessions(&app, &store, "page", 1).await;
    let csrf = "c".repeat(64);
    let cookie = format!("hallway_session={}; hallway_csrf={csrf}", people[0].1);
    let s = app
        .work_in_progress(&hallway_testkit::operator(), &edition)
        .await
        .unwrap()
        .schedule;
    let (a, b) = overlapping(&s);
    let server = TestServer::start(app.clone()).await;
    let get = |path: String| {
        let cookie = cookie.clone();
        let url = server.url(&path);
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
    // The shared list links each session to the marks page; the page has the forms.
    let day = s.edition.day_of(session_of(&s, a).slots[0].start);
    let (status, list) = get(format!("/{edition}/schedule/{day}/list")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(&format!("href=\"/me/{edition}/sessions/{a}\"")),
        "no bookmark link"
    );
    assert!(
        !list.contains("Bookmarked"),
        "the shared page holds nobody's marks"
    );
    let back = format!("/{edition}/schedule/{day}/list");
    let form = |field: &str, value: &str, change: &str| {
        client()
            .post(server.url(&format!("/me/{edition}/sessions/{a}")))
            .header(COOKIE, &cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(format!(
                "csrf={csrf}&change={change}&field={field}&value={value}&back={}",
                back.replace('/', "%2F")
            ))
            .send()
    };
    let (status, page) = get(format!("/me/{edition}/sessions/{a}?back={back}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Not bookmarked."), "{page}");
    let r = form("interested", "true", "f-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], back.as_str(), "back where it was");
    // A double submit is the same change.
    form("interested", "false", "f-2").await.unwrap();
    let r = form("interested", "false", "f-2").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    form("interested", "true", "f-3").await.unwrap();
    // A note in Markdown, raw HTML shown as text; too long a note is refused, kept in the box.
    let r = form(
        "note",
        "**Ask**%20%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "f-4",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(format!("/me/{edition}/sessions/{a}")).await;
    assert!(page.contains("Bookmarked."));
    assert!(page.contains("<strong>Ask</strong>"), "{page}");
    assert!(!page.contains("<script>alert"), "raw HTML is text");
    let r = form("note", &"x".repeat(64 * 1024 + 1), "f-5")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("notes hold at most 64 KB"), "{refused}");
    // A form from another site is refused, and an unknown session is not found.
    let r = client()
        .post(server.url(&format!("/me/{edition}/sessions/{a}")))
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(format!("csrf={csrf}&field=interested&value=false"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, _) = get(format!(
        "/me/{edition}/sessions/{}",
        Guid::derive(&s.edition.slug, "x", 0)
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The overlapping one, as first choice: the agenda shows them side by side.
    app.mark_sessions(
        &people[0].0,
        &edition,
        &[
            change("p-1", b, Set::Interested(true)),
            change(
                "p-2",
                b,
                Set::Priority(hallway_testkit::domain::agenda::Priority::First),
            ),
        ],
    )
    .await
    .unwrap();
    let (status, agenda) = get(format!("/me/{edition}/agenda")).await;
    assert_eq!(status, StatusCode::OK);
    let title = |g: Guid| session_of(&s, g).title.clone();
    for g in [a, b] {
        let t = askama_escape(&title(g));
        assert!(agenda.contains(&t), "{t} in the agenda");
    }
    assert!(agenda.contains("Conflict"), "{agenda}");
    assert!(agenda.contains("Alternatives"));
    assert!(agenda.contains("first choice"));
    assert!(agenda.contains("of talks on "));
    assert!(agenda.contains("Make a link"));

    // Shared: the link and its QR code; the visitor sees the agenda, no forms, no notes.
    let r = client()
        .post(server.url(&format!("/me/{edition}/agenda/share")))
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, agenda) = get(format!("/me/{edition}/agenda")).await;
    assert!(agenda.contains("<svg role=\"img\""), "a QR code");
    let at = agenda.find(&format!("/me/{edition}/shared/")).unwrap();
    let link = &agenda[at..at + format!("/me/{edition}/shared/").len() + 64];
    let shared = client().get(server.url(link)).send().await.unwrap();
    assert_eq!(shared.status(), StatusCode::OK);
    assert_eq!(shared.headers()["referrer-policy"], "no-referrer");
    let shared = shared.text().await.unwrap();
    assert!(shared.contains("A shared agenda") && shared.contains("Conflict"));
    assert!(!shared.contains("Ask") && !shared.contains("<form method=\"post\""));

    if db.url.starts_with("sqlite") {
        let token = &link[link.len() - 64..];
        let stable = |page: &str| {
            let mut kept = page.replace(&csrf, "[csrf]").replace(token, "[token]");
            for asset in ["/static/hallway.", "/static/marks."] {
                let mut out = String::new();
                let mut rest = kept.as_str();
                while let Some((before, after)) = rest.split_once(asset) {
                    out.push_str(before);
                    out.push_str(asset);
                    out.push_str("[hash].");
                    rest = after.split_once('.').map_or("", |(_, tail)| tail);
                }
                out.push_str(rest);
                kept = out;
            }
            // The QR code's modules follow the token.
            match (kept.find("<div class=\"qr\">"), kept.find("</svg></div>")) {
                (Some(x), Some(y)) => {
                    format!("{}<div class=\"qr\">[qr]{}", &kept[..x], &kept[y + 6..])
                }
                _ => kept,
            }
        };
        let (_, marks_page) = get(format!("/me/{edition}/sessions/{a}?back={back}")).await;
        let marks_page = regex_free_change_ids(&marks_page);
        insta::assert_snapshot!("me_agenda", crate::pages::stable(&stable(&agenda)));
        insta::assert_snapshot!("me_agenda_shared", crate::pages::stable(&stable(&shared)));
        insta::assert_snapshot!("me_marks", crate::pages::stable(&stable(&marks_page)));
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser`"
        );
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (name, page) in [
            ("agenda.html", &agenda),
            ("shared.html", &shared),
            ("marks.html", &marks_page),
        ] {
            let file = dir.path().join(name);
            std::fs::write(&file, page).unwrap();
            files.push(file);
        }
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
            .await
            .unwrap();
        assert!(errors.is_empty(), "the Nu HTML Checker: {errors:?}");
    }
    // Revoked: the link is not found.
    client()
        .post(server.url(&format!("/me/{edition}/agenda/share/revoke")))
        .header(COOKIE, &cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    let gone = client().get(server.url(link)).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

/// The marks page's forms carry fresh change ids: named alike for a stable snapshot.
fn regex_free_change_ids(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some((before, after)) = rest.split_once("value=\"form-") {
        out.push_str(before);
        out.push_str("value=\"form-[id]");
        rest = &after[32.min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// Titles as the page writes them (askama escapes these characters).
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
