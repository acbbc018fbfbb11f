//! The public surface over a real socket: pages from memory, ETags, gzip, the API, and what an
//! anonymous visitor may do on every route.

use hallway_testkit::hallway_app::{Force, ImportOptions};
use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

on_both_backends!(serves_the_released_schedule);

async fn serves_the_released_schedule(db: TestDb) {
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let http = client();

    let editions: serde_json::Value = http
        .get(server.url("/api/v1/editions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(editions[0]["slug"], "kccnceu2026");
    assert_eq!(editions[0]["name"], "KubeCon + CloudNativeCon Europe 2026");
    assert_eq!(editions[0]["time_zone"], "Europe/Amsterdam");
    assert_eq!(editions[0]["events"].as_array().unwrap().len(), 29);

    let sessions: Vec<serde_json::Value> = http
        .get(server.url(&format!("/api/v1/editions/{edition}/sessions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 596);
    let opening = sessions
        .iter()
        .find(|s| s["title"] == "Keynote: Welcome + Opening Remarks")
        .unwrap();
    assert_eq!(opening["type"], "keynote");
    assert!(
        opening["start"].as_str().unwrap().ends_with("+01:00"),
        "{}",
        opening["start"]
    );
    assert_eq!(opening["speakers"][0]["name"], "Jonathan Bryce");
    assert_eq!(opening["speakers"][0]["affiliation"], "Linux Foundation");
    let start = opening["start"].as_str().unwrap();
    assert!(
        jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%:z", start).is_ok(),
        "RFC 3339: {start}"
    );
    server.stop().await;
}

/// Every public route, for the one role that exists on the public surface: anonymous.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visitors_on_every_route() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let sessions = app
        .latest_release(&edition.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .schedule;
    let guid = sessions.sessions[50].guid.to_string();
    let speaker = sessions.speakers[0].slug.to_string();
    let track = sessions.tracks[0].slug.to_string();
    let room = sessions.rooms[0].slug.to_string();
    let event = sessions.events[1].slug.to_string();
    let server = TestServer::start(app).await;
    let http = client();
    let e = &edition;
    // Assets live at URLs that carry a hash of their bytes; the pages link them.
    let home = http
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let linked = |rel: &str| {
        let pattern = format!("<link rel=\"{rel}\" href=\"");
        let at = home.find(&pattern).expect(rel) + pattern.len();
        home[at..at + home[at..].find('"').unwrap()].to_owned()
    };
    let (css, icon) = (linked("stylesheet"), linked("icon"));
    assert!(
        css.starts_with("/static/hallway.") && css.ends_with(".css"),
        "{css}"
    );
    let asset = http.get(server.url(&css)).send().await.unwrap();
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let routes: Vec<(String, StatusCode, &str)> = vec![
        ("/".into(), StatusCode::OK, "text/html"),
        ("/healthz".into(), StatusCode::OK, "text/plain"),
        (format!("/{e}/"), StatusCode::OK, "text/html"),
        (format!("/{e}"), StatusCode::PERMANENT_REDIRECT, ""),
        (format!("/{e}/schedule/"), StatusCode::OK, "text/html"),
        (
            format!("/{e}/schedule/?track=security"),
            StatusCode::OK,
            "text/html",
        ),
        (
            format!("/{e}/schedule/?type=keynote&room=auditorium"),
            StatusCode::OK,
            "text/html",
        ),
        (
            format!("/{e}/schedule/?type=bogus"),
            StatusCode::BAD_REQUEST,
            "text/html",
        ),
        (
            format!("/{e}/schedule/2026-03-24/"),
            StatusCode::OK,
            "text/html",
        ),
        (
            format!("/{e}/schedule/2026-03-24/list"),
            StatusCode::OK,
            "text/html",
        ),
        (
            format!("/{e}/schedule/2026-03-24/list?type=keynote"),
            StatusCode::OK,
            "text/html",
        ),
        (
            format!("/{e}/schedule/2027-01-01/"),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (
            format!("/{e}/schedule/2027-01-01/list?type=talk"),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (format!("/{e}/sessions/{guid}"), StatusCode::OK, "text/html"),
        (
            format!("/{e}/sessions/00000000-0000-0000-0000-000000000000"),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (format!("/{e}/speakers/"), StatusCode::OK, "text/html"),
        (
            format!("/{e}/speakers/{speaker}"),
            StatusCode::OK,
            "text/html",
        ),
        (format!("/{e}/changelog"), StatusCode::OK, "text/html"),
        (
            format!("/{e}/search?q=kubernetes"),
            StatusCode::OK,
            "text/html",
        ),
        (format!("/{e}/search"), StatusCode::OK, "text/html"),
        (
            format!("/{e}/schedule.xml"),
            StatusCode::OK,
            "application/xml",
        ),
        (
            format!("/{e}/schedule.json"),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/{e}/schedule.ics"),
            StatusCode::OK,
            "text/calendar",
        ),
        (format!("/{e}/schedule.csv"), StatusCode::OK, "text/csv"),
        (
            format!("/{e}/tracks/{track}.ics"),
            StatusCode::OK,
            "text/calendar",
        ),
        (
            format!("/{e}/rooms/{room}.ics"),
            StatusCode::OK,
            "text/calendar",
        ),
        (
            format!("/{e}/speakers/{speaker}.ics"),
            StatusCode::OK,
            "text/calendar",
        ),
        (
            format!("/{e}/events/{event}.ics"),
            StatusCode::OK,
            "text/calendar",
        ),
        (
            format!("/{e}/tracks/nope.ics"),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (
            format!("/{e}/sessions.ics?ids={guid}"),
            StatusCode::OK,
            "text/calendar",
        ),
        (
            format!("/{e}/sessions.ics"),
            StatusCode::BAD_REQUEST,
            "text/html",
        ),
        (
            format!("/{e}/sessions.ics?ids=not-a-guid"),
            StatusCode::BAD_REQUEST,
            "text/html",
        ),
        (
            // More sessions than a calendar may hold: refused before any is looked up.
            format!(
                "/{e}/sessions.ics?ids={}",
                vec![guid.to_string(); 1001].join(",")
            ),
            StatusCode::BAD_REQUEST,
            "text/html",
        ),
        (
            "/nope/sessions.ics?ids=x".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        ("/nope/".into(), StatusCode::NOT_FOUND, "text/html"),
        (
            "/nope/search?q=x".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (css.clone(), StatusCode::OK, "text/css"),
        (icon.clone(), StatusCode::OK, "image/svg+xml"),
        (
            "/static/hallway.css".into(),
            StatusCode::NOT_FOUND,
            "text/html",
        ),
        (
            "/api/v1/openapi.json".into(),
            StatusCode::OK,
            "application/json",
        ),
        (
            "/api/v1/editions".into(),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/editions/{e}"),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/editions/{e}/sessions"),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/editions/{e}/sessions/{guid}"),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/editions/{e}/speakers"),
            StatusCode::OK,
            "application/json",
        ),
        (
            format!("/api/v1/editions/{e}/releases"),
            StatusCode::OK,
            "application/json",
        ),
        (
            "/api/v1/editions/nope/sessions".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
        (
            "/api/v1/nothing".into(),
            StatusCode::NOT_FOUND,
            "application/json",
        ),
    ];
    for (path, status, content_type) in &routes {
        let r = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status(), *status, "GET {path}");
        let ct = r
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(
            ct.starts_with(content_type),
            "GET {path}: content type {ct}"
        );
        assert_eq!(
            r.headers()["x-content-type-options"],
            "nosniff",
            "GET {path}"
        );
    }
    // Nothing public can be changed: every write is refused for an anonymous visitor.
    for (path, _, _) in &routes {
        for method in [
            reqwest::Method::POST,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
        ] {
            let r = http
                .request(method.clone(), server.url(path))
                .body("x")
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn released_pages_have_etags_gzip_and_304() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let http = client();
    for path in [
        format!("/api/v1/editions/{edition}/sessions"),
        format!("/{edition}/schedule/2026-03-25/"),
    ] {
        let plain = http.get(server.url(&path)).send().await.unwrap();
        let etag = plain.headers()[ETAG].clone();
        assert!(etag.to_str().unwrap().starts_with('"'), "strong ETag");
        let body = plain.bytes().await.unwrap();

        let again = http
            .get(server.url(&path))
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.bytes().await.unwrap().is_empty());

        let gz = http
            .get(server.url(&path))
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gz.headers()[CONTENT_ENCODING], "gzip");
        assert_ne!(gz.headers()[ETAG], etag);
        let compressed = gz.bytes().await.unwrap();
        assert!(
            compressed.len() * 3 < body.len(),
            "{} vs {}",
            compressed.len(),
            body.len()
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_in_progress_is_never_served_until_released() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    app.import_schedule(
        &orga,
        "03-03.ics",
        &hallway_testkit::kubecon("03-03"),
        None,
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    let server = TestServer::start(app.clone()).await;
    let http = client();
    let sessions_url = server.url("/api/v1/editions/kccnceu2026/sessions");
    assert_eq!(
        http.get(&sessions_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    app.release(&orga, "kccnceu2026", Force::OnlyIfChanged)
        .await
        .unwrap();
    assert_eq!(server.refresh().await, 1);
    let count = |v: Vec<serde_json::Value>| v.len();
    let json = || async {
        http.get(&sessions_url)
            .send()
            .await
            .unwrap()
            .json::<Vec<serde_json::Value>>()
            .await
            .unwrap()
    };
    assert_eq!(count(json().await), 564);

    // A newer import is work in progress: the public schedule stays at release 1.
    app.import_schedule(
        &orga,
        "03-22.ics",
        &hallway_testkit::kubecon("03-22"),
        None,
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(server.refresh().await, 0);
    assert_eq!(count(json().await), 564);

    app.release(&orga, "kccnceu2026", Force::OnlyIfChanged)
        .await
        .unwrap();
    assert_eq!(server.refresh().await, 1);
    assert_eq!(count(json().await), 596);
    let changelog = http
        .get(server.url("/kccnceu2026/changelog"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        changelog.contains("40 added · 8 removed · 58 moved in time · 81 moved room · 71 retitled"),
        "{changelog}"
    );
    let releases: Vec<serde_json::Value> = http
        .get(server.url("/api/v1/editions/kccnceu2026/releases"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(releases[0]["number"], 2);
    assert_eq!(releases[0]["added"], 40);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_show_the_schedule_and_escape_hostile_text() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let ics = "BEGIN:VCALENDAR\r\nPRODID:-//Sched.com Hostile Conf 2026//EN\r\nX-WR-CALNAME:hostile2026\r\n\
        BEGIN:VEVENT\r\nUID:x1\r\nDTSTART:20260601T080000Z\r\nDTEND:20260601T083000Z\r\n\
        SUMMARY:<script>alert(1)</script> & friends - Eve <img>\\, Evil Corp\r\n\
        DESCRIPTION:<b>bold</b> \"quoted\"\r\nCATEGORIES:SECURITY\r\nLOCATION:Room <1>\\, Berlin\\, Germany\r\n\
        URL:javascript:alert(1)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let out = app
        .import_schedule(
            &orga,
            "hostile.ics",
            ics.as_bytes(),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let release = app
        .release(&orga, out.edition.as_str(), Force::OnlyIfChanged)
        .await
        .unwrap();
    let guid = release.schedule.sessions[0].guid;
    let server = TestServer::start(app).await;
    let http = client();
    let page = http
        .get(server.url(&format!("/hostile2026/sessions/{guid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<b>bold</b>"));
    assert!(
        !page.contains("href=\"javascript:"),
        "unsafe links are dropped"
    );
    assert!(page.contains("Monday 1 June"), "venue-local day");
    assert!(page.contains("10:00–10:30"), "venue-local time (CEST)");

    let grid = http
        .get(server.url("/hostile2026/schedule/2026-06-01/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        grid.contains("Room &lt;1&gt;") || grid.contains("Room &#60;1&#62;"),
        "{grid}"
    );
    let search = http
        .get(server.url("/hostile2026/search?q=%3Cscript%3E"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        search.contains("1 sessions match") && !search.contains("<script>"),
        "{search}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_are_served_from_memory_with_etags() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let http = client();
    for path in [
        "schedule.xml",
        "schedule.json",
        "schedule.ics",
        "schedule.csv",
    ] {
        let url = server.url(&format!("/{edition}/{path}"));
        let first = http.get(&url).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()[ETAG].clone();
        let body = first.text().await.unwrap();
        assert!(
            body.contains("Keynote: Welcome + Opening Remarks"),
            "{path}"
        );
        let again = http
            .get(&url)
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // Links in the files point at the public site.
    let json: serde_json::Value = http
        .get(server.url(&format!("/{edition}/schedule.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let days = json["schedule"]["conference"]["days"].as_array().unwrap();
    let first_event = days
        .iter()
        .flat_map(|d| d["rooms"].as_object().unwrap().values())
        .flat_map(|r| r.as_array().unwrap())
        .next()
        .unwrap();
    assert!(
        first_event["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("http://hallway.test/{edition}/sessions/")),
        "{}",
        first_event["url"]
    );
    let count: usize = days
        .iter()
        .flat_map(|d| d["rooms"].as_object().unwrap().values())
        .map(|r| r.as_array().unwrap().len())
        .sum();
    assert_eq!(count, 596);
    server.stop().await;
}

/// Requests shaped to confuse routing, parsing and negotiation get Hallway's own answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_hallways_answers() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let e = released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let http = client();
    let get = |path: String| http.get(server.url(&path)).send();

    // An encoded slash stays inside its segment: no other route answers.
    for path in [
        format!("/api/v1/editions/{e}%2Fsessions"),
        format!("/api/v1/editions/{e}%2fspeakers"),
        format!("/{e}%2Fschedule/"),
        format!("/{e}/schedule%2F2026-03-24/list"),
    ] {
        let r = get(path.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = get(format!("/api/v1/editions/{e}%2Fsessions"))
        .await
        .unwrap();
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");

    // Query strings: a repeated or undecodable parameter is Hallway's 400 page naming it.
    for (path, name) in [
        (format!("/{e}/schedule/?type=talk&type=keynote"), "type"),
        (
            format!("/{e}/schedule/2026-03-24/list?room=a&room=b"),
            "room",
        ),
        (format!("/{e}/search?q=%FF%FE"), "q"),
        (format!("/{e}/sessions.ics?ids=a&ids=b"), "ids"),
    ] {
        let r = get(path.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("&#34;{name}&#34;")),
            "{path}: {page}"
        );
    }

    let r = get(format!("/api/v1/editions/{e}/sessions?page=1&page=2"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("\"page\""),
        "{body}"
    );

    // Content negotiation honours q=0.
    let page = format!("/{e}/schedule/");
    for (accept, gzip) in [
        ("gzip", true),
        ("gzip;q=0, *", false),
        ("*;q=0", false),
        ("*;q=0, identity;q=0", false),
        ("br, *", true),
        ("identity;q=0, gzip;q=0.1", true),
    ] {
        let r = http
            .get(server.url(&page))
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert_eq!(
            r.headers().get(CONTENT_ENCODING).is_some(),
            gzip,
            "Accept-Encoding: {accept}"
        );
    }
    server.stop().await;
}

/// While the first render runs, the server answers: /healthz at once, pages 503 with
/// Retry-After and never an empty site as if nothing were released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_wait_for_the_first_render() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let e = released_kubecon(&app).await;
    let server = TestServer::start_unrendered(app, Default::default()).await;
    let http = client();
    let health = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // Alive, but not ready for a load balancer to send visitors.
    let ready = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.text().await.unwrap().contains("being rendered"));
    for path in [
        "/".to_owned(),
        format!("/{e}/"),
        "/api/v1/editions".to_owned(),
    ] {
        let r = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(r.headers()["retry-after"], "2", "{path}");
        let json = path.starts_with("/api/");
        let kind = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
        assert_eq!(kind.starts_with("application/json"), json, "{path}: {kind}");
    }
    let openapi = http
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(openapi.status(), StatusCode::OK);
    assert_eq!(server.refresh().await, 1);
    for path in [
        "/".to_owned(),
        format!("/{e}/"),
        "/api/v1/editions".to_owned(),
    ] {
        let r = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let ready = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    server.stop().await;
}

/// An imported `javascript:` URL is never served: not on pages, in the API or in exports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_web_urls_leave_hallway() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let ics = String::from_utf8(hallway_testkit::kubecon("03-22")).unwrap();
    let first_url = ics.find("\nURL:").expect("a URL line") + 1;
    let line_end = first_url + ics[first_url..].find("\r\n").unwrap();
    let hostile = format!(
        "{}URL:javascript:alert(document.cookie){}",
        &ics[..first_url],
        &ics[line_end..]
    );
    let orga = hallway_testkit::operator();
    let out = app
        .import_schedule(
            &orga,
            "hostile.ics",
            hostile.as_bytes(),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    let e = out.edition.to_string();
    app.release(&orga, &e, Force::Always).await.unwrap();
    let server = TestServer::start(app).await;
    let http = client();
    let sessions: Vec<serde_json::Value> = http
        .get(server.url(&format!("/api/v1/editions/{e}/sessions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        sessions
            .iter()
            .all(|s| s["url"].is_null() || s["url"].as_str().unwrap().starts_with("http")),
        "the API passes a non-web URL"
    );
    assert!(
        sessions.iter().filter(|s| s["url"].is_null()).count() >= 1,
        "the hostile URL is dropped"
    );
    for export in [
        "schedule.xml",
        "schedule.json",
        "schedule.ics",
        "schedule.csv",
    ] {
        let text = http
            .get(server.url(&format!("/{e}/{export}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!text.contains("javascript:"), "{export} carries the URL");
    }
    server.stop().await;
}

/// The served OpenAPI document passes openapi-spec-validator as OpenAPI 3.1 (the validator is
/// installed by scripts/test.sh; without it this test fails).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_valid() {
    let db = TestDb::sqlite();
    let server = TestServer::start(db.app().await).await;
    let doc = client()
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    server.stop().await;
    let root = hallway_testkit::data_dir().join("..");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, doc).unwrap();
    let python = root.join("tests/validate/.venv/bin/python");
    let out = std::process::Command::new(&python)
        .arg(root.join("tests/validate/validate.py"))
        .arg("openapi")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run ./scripts/test.sh to install the validators",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "openapi-spec-validator refuses the document:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
