//! Every page type of the KubeCon EU 2026 edition through the official checkers: the W3C Nu HTML
//! Checker (npm `vnu-jar`, run with the machine's Java) finds no error, and axe-core in Debian's
//! Chromium finds nothing serious or critical under the WCAG 2.2 AA rules at a phone's and a
//! laptop's width (tests/browser/pages.mjs, which keeps a screenshot of each page at both widths
//! in target/artifacts/screenshots). Missing tools fail the test: ./scripts/test.sh installs them.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;
use std::path::{Path, PathBuf};

pub(crate) fn browser_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser")
}

/// One page of each type (several where pages of a type differ: every day, the busiest
/// sessions), by name, path and the status it answers with.
async fn page_types(server: &TestServer) -> Vec<(String, String, StatusCode)> {
    let api = |path: &str| {
        let url = server.url(path);
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
    let ok = StatusCode::OK;
    let mut pages: Vec<(String, String, StatusCode)> = [
        ("home", "/"),
        ("edition", "/kccnceu2026/"),
        ("schedule", "/kccnceu2026/schedule/"),
        ("now", "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00"),
        ("speakers", "/kccnceu2026/speakers/"),
        ("search", "/kccnceu2026/search?q=kubernets"),
        ("search-empty", "/kccnceu2026/search"),
        // Filtered views are rendered per request, from another path than the released pages.
        (
            "grid-filtered",
            "/kccnceu2026/schedule/2026-03-25/?track=security",
        ),
        (
            "list-filtered",
            "/kccnceu2026/schedule/?type=keynote&room=hall-12",
        ),
        ("changelog", "/kccnceu2026/changelog"),
    ]
    .into_iter()
    .map(|(n, p)| (n.to_owned(), p.to_owned(), ok))
    .collect();
    pages.push((
        "not-found".into(),
        "/kccnceu2026/nothing-here".into(),
        StatusCode::NOT_FOUND,
    ));
    pages.push((
        "bad-request".into(),
        "/kccnceu2026/schedule/?type=nonsense".into(),
        StatusCode::BAD_REQUEST,
    ));
    let edition = api("/api/v1/editions/kccnceu2026").await;
    for day in ["2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26"] {
        pages.push((
            format!("grid-{day}"),
            format!("/kccnceu2026/schedule/{day}/"),
            ok,
        ));
        pages.push((
            format!("list-{day}"),
            format!("/kccnceu2026/schedule/{day}/list"),
            ok,
        ));
    }
    let events = edition["events"].as_array().expect("the edition's events");
    for e in events.iter().take(3) {
        let slug = e["slug"].as_str().unwrap();
        pages.push((
            format!("event-{slug}"),
            format!("/kccnceu2026/events/{slug}/"),
            ok,
        ));
    }
    let sessions = api("/api/v1/editions/kccnceu2026/sessions").await;
    // The sessions with the most speakers and the longest abstracts: the most markup.
    let mut sessions: Vec<&serde_json::Value> = sessions.as_array().unwrap().iter().collect();
    sessions.sort_by_key(|x| std::cmp::Reverse(x["speakers"].as_array().map_or(0, Vec::len)));
    for x in sessions.iter().take(3) {
        let guid = x["guid"].as_str().unwrap();
        pages.push((
            format!("session-{guid}"),
            format!("/kccnceu2026/sessions/{guid}"),
            ok,
        ));
    }
    for p in ["kat-cosgrove", "chris-aniszczyk"] {
        pages.push((
            format!("speaker-{p}"),
            format!("/kccnceu2026/speakers/{p}"),
            ok,
        ));
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_passes_the_nu_html_checker() {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "vnu.jar is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
    );
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, path, status) in page_types(&server).await {
        let r = client().get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, r.bytes().await.unwrap()).unwrap();
        files.push(file);
    }
    server.stop().await;
    let errors = tokio::task::spawn_blocking(move || nu_check(&jar, &files))
        .await
        .unwrap();
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker:\n{}",
        errors.join("\n")
    );
}

/// The checker's errors, one line each: file, line and message.
pub(crate) fn nu_check(jar: &Path, files: &[PathBuf]) -> Vec<String> {
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json", "--exit-zero-always"])
        .args(files)
        .output()
        .expect("java runs (Debian's default-jre-headless is needed)");
    // The JSON report goes to standard error.
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "the checker's report: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("messages");
    messages
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or(url);
            format!(
                "{file}:{}: {} [{}]",
                m["lastLine"],
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default().trim()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_serious_accessibility_violation_at_phone_and_laptop_width() {
    let dir = browser_dir();
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "{package} is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
        );
    }
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let shots =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/artifacts/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut args = vec![server.base.clone(), shots.display().to_string()];
    for (name, path, _) in page_types(&server).await {
        args.push(format!("{name}={path}"));
    }
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg("pages.mjs")
            .args(&args)
            .current_dir(&dir)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs (Node.js and Debian's chromium are needed)");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("axe: no serious or critical violations"),
        "{log}"
    );
    server.stop().await;
}
