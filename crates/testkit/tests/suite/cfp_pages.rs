//! The CFP over HTTP as a browser and a script use it: an organizer makes an edition, its event
//! and its CFP with forms; a speaker fills in a profile, submits, is refused with reasons, and
//! another speaker cannot see the proposal; forged forms change nothing; the JSON API with a
//! bearer token. Each new page type is snapshotted.

use hallway_store::OutboxStore;
use hallway_testkit::hallway_app::{App, Store};
use hallway_testkit::{TestDb, TestServer, client};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, LOCATION};

on_both_backends!(the_cfp_over_http_from_settings_to_proposal);

const PASSWORD: &str = "a long enough password";

/// A signed-in browser: its session cookie and form token.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    fn new(session: Option<&str>) -> Self {
        let csrf = "c".repeat(64);
        let cookie = match session {
            Some(s) => format!("hallway_session={s}; hallway_csrf={csrf}"),
            None => format!("hallway_csrf={csrf}"),
        };
        Self { cookie, csrf }
    }

    async fn get(&self, server: &TestServer, path: &str) -> (StatusCode, String) {
        let r = client()
            .get(server.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    async fn post(
        &self,
        server: &TestServer,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut body = vec![format!("csrf={}", self.csrf)];
        body.extend(form.iter().map(|(k, v)| format!("{k}={}", encode(v))));
        client()
            .post(server.url(path))
            .header(COOKIE, &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &server.base)
            .header("sec-fetch-site", "same-origin")
            .body(body.join("&"))
            .send()
            .await
            .unwrap()
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn drain(store: &Store) -> Vec<(String, String)> {
    let now = jiff::Timestamp::now().as_second();
    let mut out = Vec::new();
    while let Some(m) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(m.id, now).await.unwrap();
        out.push((m.recipient, m.body));
    }
    out
}

async fn signed_up(app: &App, store: &Store, email: &str) -> String {
    app.sign_up(email, PASSWORD).await.unwrap();
    for (to, body) in drain(store).await {
        if to == email
            && let Some(at) = body.find("token=")
        {
            app.verify_email(&body[at + 6..at + 70]).await.unwrap();
        }
    }
    app.log_in(email, PASSWORD, None)
        .await
        .unwrap()
        .session
        .expose()
        .to_owned()
}

/// The page without what changes from run to run: form tokens, codes, asset hashes and the
/// times a history records.
fn stable(page: &str, code: &str) -> String {
    let mut out = page.replace(&"c".repeat(64), "[csrf]");
    if !code.is_empty() {
        out = out.replace(code, "[code]");
    }
    let mut kept = String::new();
    let mut rest = out.as_str();
    while let Some((before, after)) = rest.split_once("/static/hallway.") {
        kept.push_str(before);
        kept.push_str("/static/hallway.[hash]");
        rest = after.split_once('.').map_or("", |(_, tail)| tail);
        kept.push('.');
    }
    kept.push_str(rest);
    let mut lines = Vec::new();
    for line in kept.lines() {
        if line.starts_with("<li>") && line.contains(": create") || line.contains(": withdraw") {
            lines.push("<li>[time]: [history line]</li>".to_owned());
        } else {
            lines.push(line.to_owned());
        }
    }
    lines.join("\n")
}

async fn the_cfp_over_http_from_settings_to_proposal(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let server = TestServer::start(app.clone()).await;

    // A site organizer, signed in.
    let link = app
        .add_site_organizer(&hallway_testkit::operator(), "orga@example.org")
        .await
        .unwrap();
    app.reset_password(link.rsplit('=').next().unwrap(), PASSWORD)
        .await
        .unwrap();
    drain(&store).await;
    let orga_session = app
        .log_in("orga@example.org", PASSWORD, None)
        .await
        .unwrap()
        .session;
    let orga = Browser::new(Some(orga_session.expose()));

    // An edition and its event, before any schedule.
    let (status, _) = orga.get(&server, "/orga/editions").await;
    assert_eq!(status, StatusCode::OK);
    let r = orga
        .post(
            &server,
            "/orga/editions",
            &[
                ("slug", "kcna2026"),
                ("name", "KubeCon NA 2026"),
                ("venue", "Salt Lake City"),
                ("time_zone", "America/Denver"),
                ("start_date", "2026-11-10"),
                ("end_date", "2026-11-13"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/orga/kcna2026/");
    let r = orga
        .post(
            &server,
            "/orga/kcna2026/events",
            &[
                ("slug", "main"),
                ("name", "KubeCon + CloudNativeCon"),
                ("kind", "main"),
                ("start_date", "2026-11-11"),
                ("end_date", "2026-11-13"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The CFP's settings: a time the clocks skip is refused naming the field, nothing stored.
    let settings = |opens: &'static str| {
        vec![
            ("opens", opens),
            ("closes", "2099-01-01T09:00"),
            ("per_speaker", "1"),
            ("blind", "on"),
            ("reviews_per_proposal", "3"),
            ("reviewer_cap", "40"),
            ("description", "Tell us what you learned."),
            (
                "session_types",
                "talk | Talk | 30\nlightning | Lightning talk | 5",
            ),
            (
                "tracks",
                "security | Security\nobservability | Observability",
            ),
            ("criteria", "Relevance | 1 | 5"),
            (
                "questions",
                "| Level | choice | required | beginner; expert | |\n| Demo? | boolean | optional | | talk | security",
            ),
        ]
    };
    let r = orga
        .post(
            &server,
            "/orga/kcna2026/main/cfp",
            &settings("2026-03-08T02:30"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("opens_at: 2026-03-08T02:30 does not exist in America/Denver"),
        "{html}"
    );
    assert_eq!(
        client()
            .get(server.url("/cfp/kcna2026/main/"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = orga
        .post(
            &server,
            "/orga/kcna2026/main/cfp",
            &settings("2020-01-01T09:00"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, cfp_settings) = orga.get(&server, "/orga/kcna2026/main/cfp").await;
    assert!(cfp_settings.contains("value=\"2020-01-01T09:00\""));
    let (status, edition_page) = orga.get(&server, "/orga/kcna2026/").await;
    assert_eq!(status, StatusCode::OK);

    // The public CFP page, for anyone.
    let anonymous = Browser::new(None);
    let (status, call) = anonymous.get(&server, "/cfp/kcna2026/main/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        call.contains("Open until <strong>Thu 1 Jan 2099 09:00 MST</strong>"),
        "{call}"
    );
    let (status, index) = anonymous.get(&server, "/cfp/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(index.contains("href=\"/cfp/kcna2026/main/\""), "{index}");
    let (status, _) = anonymous.get(&server, "/cfp/kcna2026/main/submit").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A speaker: profile, then the proposal.
    let ada = Browser::new(Some(&signed_up(&app, &store, "ada@example.org").await));
    let (_, profile_form) = ada.get(&server, "/cfp/profile").await;
    let r = ada
        .post(
            &server,
            "/cfp/profile",
            &[
                ("name", "Ada Lovelace"),
                ("photo_url", "http://example.org/a.png"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("photo_url: use an https:// address")
    );
    let r = ada
        .post(
            &server,
            "/cfp/profile",
            &[
                ("name", "Ada Lovelace"),
                ("affiliation", "Analytical Engines"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let cfp: serde_json::Value = client()
        .get(server.url("/api/v1/editions/kcna2026/events/main/cfp"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfp["opens_at"], "2020-01-01T09:00:00-07:00");
    let level = format!("answers.{}", cfp["questions"][0]["id"]);
    let (status, submit_form) = ada.get(&server, "/cfp/kcna2026/main/submit").await;
    assert_eq!(status, StatusCode::OK);
    let proposal = |title: &'static str| {
        vec![
            ("title", title),
            (
                "abstract",
                "How we rolled out mutual TLS across 400 clusters.",
            ),
            ("session_type", "talk"),
            ("track", "security"),
        ]
    };
    // Without the required answer: refused, naming it, and nothing stored.
    let r = ada
        .post(
            &server,
            "/cfp/kcna2026/main/submit",
            &proposal("Zero trust"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("{level}: &#34;Level&#34; needs an answer")),
        "{html}"
    );
    // A forged form (no token) and a cross-site post: refused, nothing stored.
    let forged = client()
        .post(server.url("/cfp/kcna2026/main/submit"))
        .header(COOKIE, &ada.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("title=Forged&abstract=x&session_type=talk&track=security")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let cross = client()
        .post(server.url("/cfp/kcna2026/main/submit"))
        .header(COOKIE, &ada.cookie)
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&title=Forged", ada.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let (_, empty) = ada.get(&server, "/cfp/proposals").await;
    assert!(empty.contains("You have no proposals yet."));

    let mut with_answer: Vec<(&str, &str)> = proposal("Zero trust");
    with_answer.push((&level, "expert"));
    let r = ada
        .post(&server, "/cfp/kcna2026/main/submit", &with_answer)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
    let code = location.rsplit('/').next().unwrap().to_owned();
    let (status, page) = ada.get(&server, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>submitted</strong>"));
    let (_, mine_page) = ada.get(&server, "/cfp/proposals").await;
    assert!(mine_page.contains("Zero trust"));

    // Another speaker gets 404 for it, as for a code that does not exist.
    let bob = Browser::new(Some(&signed_up(&app, &store, "bob@example.org").await));
    let (status, _) = bob.get(&server, &location).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = bob.get(&server, "/cfp/proposals/NOSUCHCODE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = bob
        .post(&server, &format!("{location}/withdraw"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Organizers list and export it; the page snapshot below shows it.
    let (status, proposals) = orga.get(&server, "/orga/kcna2026/main/proposals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(proposals.contains("Ada Lovelace, Analytical Engines"));
    let csv = client()
        .get(server.url("/orga/kcna2026/main/proposals.csv"))
        .header(COOKIE, &orga.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.text().await.unwrap().contains("Zero trust"));

    // The JSON API with a token: the speaker's own list; over the limit is a 409 naming it.
    let ada_viewer = app
        .session_viewer(&hallway_testkit::hallway_app::Secret::from_client(
            ada.cookie
                .split("hallway_session=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap(),
        ))
        .await
        .unwrap();
    let (_, token) = app
        .create_api_token(&ada_viewer, "kcna2026", Some("main"), "write", "script")
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token.expose());
    let mine: serde_json::Value = client()
        .get(server.url("/api/v1/cfp/proposals"))
        .header(AUTHORIZATION, &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["code"], code.as_str());
    assert_eq!(mine[0]["status"], "submitted");
    let body = serde_json::json!({
        "title": "Another", "abstract": "More.", "session_type": "talk", "track": "security",
        "answers": [{"question": cfp["questions"][0]["id"], "value": "beginner"}],
    });
    let r = client()
        .post(server.url("/api/v1/editions/kcna2026/events/main/proposals"))
        .header(AUTHORIZATION, &bearer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = client()
        .post(server.url(&format!("/api/v1/cfp/proposals/{code}/withdraw")))
        .header(AUTHORIZATION, &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let withdrawn: serde_json::Value = r.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    let r = client()
        .put(server.url(&format!("/api/v1/cfp/proposals/{code}")))
        .header(AUTHORIZATION, &bearer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a withdrawn proposal is not edited"
    );
    let r = client()
        .post(server.url("/api/v1/editions/kcna2026/events/main/proposals"))
        .header(AUTHORIZATION, &bearer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "withdrawing freed the slot"
    );
    let (_, withdrawn_page) = ada.get(&server, &location).await;

    // A read-only token reads but does not write.
    let (_, read) = app
        .create_api_token(&ada_viewer, "kcna2026", Some("main"), "read", "reader")
        .await
        .unwrap();
    let r = client()
        .post(server.url("/api/v1/editions/kcna2026/events/main/proposals"))
        .header(AUTHORIZATION, format!("Bearer {}", read.expose()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Organizers put the settings as JSON; a speaker's token may not.
    let orga_viewer = app.session_viewer(&orga_session).await.unwrap();
    let (_, orga_token) = app
        .create_api_token(&orga_viewer, "kcna2026", None, "write", "settings")
        .await
        .unwrap();
    let mut put = cfp.clone();
    put["opens"] = "2020-01-01T10:00".into();
    put["closes"] = "2099-01-01T10:00".into();
    for (bearer, expected) in [
        (bearer.clone(), StatusCode::FORBIDDEN),
        (format!("Bearer {}", orga_token.expose()), StatusCode::OK),
    ] {
        let r = client()
            .put(server.url("/api/v1/editions/kcna2026/events/main/cfp"))
            .header(AUTHORIZATION, bearer)
            .json(&put)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected);
    }
    let after: serde_json::Value = client()
        .get(server.url("/api/v1/editions/kcna2026/events/main/cfp"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["opens_at"], "2020-01-01T10:00:00-07:00");
    assert_eq!(
        after["questions"], cfp["questions"],
        "questions keep their ids"
    );

    // The OpenAPI document describes the CFP routes and /api/v1/me.
    let doc: serde_json::Value = client()
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/me",
        "/api/v1/editions/{edition}/events/{event}/cfp",
        "/api/v1/cfp/proposals/{code}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }

    // Every new page type as it reads.
    if db.url.starts_with("sqlite") {
        let mut pages = Vec::new();
        for (name, page) in [
            ("orga_edition", edition_page),
            ("orga_cfp", cfp_settings),
            ("orga_proposals", proposals),
            ("cfp_index", index),
            ("cfp_call", call),
            ("cfp_profile", profile_form),
            ("cfp_submit", submit_form),
            ("cfp_mine", mine_page),
            ("cfp_proposal", withdrawn_page),
        ] {
            insta::assert_snapshot!(name, crate::pages::stable(&stable(&page, &code)));
            pages.push((name, page));
        }
        // And each passes the Nu HTML Checker, as the agenda's pages do.
        let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "vnu.jar is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = pages
            .iter()
            .map(|(name, page)| {
                let file = dir.path().join(format!("{name}.html"));
                std::fs::write(&file, page).unwrap();
                file
            })
            .collect();
        let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &files))
            .await
            .unwrap();
        assert!(
            errors.is_empty(),
            "the Nu HTML Checker:\n{}",
            errors.join("\n")
        );
    }
    server.stop().await;
}
