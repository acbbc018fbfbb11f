//! Every page type of a small KubeCon edition, snapshotted whole: a change to what a page says or
//! how it is marked up shows in review as a diff of the page (`cargo insta review`, or accept the
//! `.snap.new` files). Two releases, so the changelog has changes.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon_sample};
use reqwest::StatusCode;

async fn page(server: &TestServer, path: &str, status: StatusCode) -> String {
    let r = client().get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), status, "{path}");
    r.text().await.unwrap()
}

/// The page without what changes from run to run or with unrelated edits: the time of each
/// release (when the test ran) and the hashes in the assets' URLs (`/static/NAME.HASH.EXT`:
/// any change to a stylesheet, script or icon).
pub(crate) fn stable(page: &str) -> String {
    let page = without_release_times(page);
    let mut out = String::with_capacity(page.len());
    let mut rest = page.as_str();
    while let Some((before, after)) = rest.split_once("/static/") {
        out.push_str(before);
        out.push_str("/static/");
        rest = after;
        let Some(dot) = rest.find('.') else { continue };
        let hash = rest.get(dot + 1..dot + 9);
        let hashed = hash.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            && rest.as_bytes().get(dot + 9) == Some(&b'.');
        if hashed {
            out.push_str(&rest[..=dot]);
            out.push_str("[hash]");
            rest = &rest[dot + 9..];
        }
    }
    out.push_str(rest);
    out
}

fn without_release_times(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some((before, after)) = rest.split_once("<h2>Release ") {
        out.push_str(before);
        out.push_str("<h2>Release ");
        let (heading, tail) = after.split_once("</h2>").expect("a closed heading");
        let number = heading.split_once(' ').map_or(heading, |(n, _)| n);
        out.push_str(&format!(
            "{number} <span class=\"meta\">[time of release]</span></h2>"
        ));
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_as_it_reads() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon_sample(&app).await;
    assert_eq!(edition, "kccnceu2026");
    let server = TestServer::start(app).await;

    let sessions: serde_json::Value = client()
        .get(server.url("/api/v1/editions/kccnceu2026/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 21, "the sample's size");
    let steering = sessions
        .iter()
        .find(|x| {
            x["title"]
                .as_str()
                .unwrap()
                .starts_with("Steering the Ship")
        })
        .unwrap()["guid"]
        .as_str()
        .unwrap()
        .to_owned();

    let ok = StatusCode::OK;
    let pages = [
        ("home", "/", ok),
        ("edition", "/kccnceu2026/", ok),
        ("event", "/kccnceu2026/events/argocon/", ok),
        ("schedule", "/kccnceu2026/schedule/", ok),
        ("day_grid", "/kccnceu2026/schedule/2026-03-25/", ok),
        ("day_list", "/kccnceu2026/schedule/2026-03-25/list", ok),
        (
            "filtered_grid",
            "/kccnceu2026/schedule/2026-03-25/?track=keynote-sessions",
            ok,
        ),
        (
            "now_next",
            "/kccnceu2026/now?at=2026-03-25T09:20:00%2B01:00",
            ok,
        ),
        ("session", &format!("/kccnceu2026/sessions/{steering}"), ok),
        ("speaker", "/kccnceu2026/speakers/kat-cosgrove", ok),
        ("speakers", "/kccnceu2026/speakers/", ok),
        ("search", "/kccnceu2026/search?q=kubernets", ok),
        ("changelog", "/kccnceu2026/changelog", ok),
        (
            "not_found",
            "/kccnceu2026/nothing-here",
            StatusCode::NOT_FOUND,
        ),
        (
            "bad_request",
            "/kccnceu2026/schedule/?type=nonsense",
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (name, path, status) in pages {
        let body = stable(&page(&server, path, status).await);
        insta::assert_snapshot!(name, body, path);
    }
    server.stop().await;
}
