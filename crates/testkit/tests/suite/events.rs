//! Co-located events are first-class: each has a page, the edition home and its sessions link
//! there, and "event" filters the schedule.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;

async fn get(server: &TestServer, path: &str) -> (StatusCode, String) {
    let r = client().get(server.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_has_its_page_and_is_a_filter() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let (status, home) = get(&server, "/kccnceu2026/").await;
    assert_eq!(status, StatusCode::OK);
    let title = home
        .split_once("<title>")
        .unwrap()
        .1
        .split_once("</title>")
        .unwrap()
        .0;
    assert!(!title.contains('<'), "the tab title is text: {title}");
    let links: Vec<&str> = home
        .split("href=\"/kccnceu2026/events/")
        .skip(1)
        .map(|l| l.split_once('"').unwrap().0)
        .collect();
    assert_eq!(
        links.len(),
        29,
        "the main conference and 28 co-located events: {links:?}"
    );
    let argocon = links
        .iter()
        .find(|l| l.starts_with("argocon"))
        .expect("ArgoCon is linked");

    let (status, page) = get(&server, &format!("/kccnceu2026/events/{argocon}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>ArgoCon"), "{page}");
    assert!(
        page.contains("Co-located event"),
        "the block is an event, not a talk"
    );
    assert!(
        page.contains("<p class=\"counts\">1 sessions</p>"),
        "{page}"
    );

    let slug = argocon.trim_end_matches('/');
    let (status, filtered) = get(&server, &format!("/kccnceu2026/schedule/?event={slug}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        filtered.contains("<p class=\"counts\">1 sessions</p>"),
        "{filtered}"
    );
    let session = filtered
        .split_once("href=\"/kccnceu2026/sessions/")
        .unwrap()
        .1
        .split_once('"')
        .unwrap()
        .0;
    let (_, session) = get(&server, &format!("/kccnceu2026/sessions/{session}")).await;
    assert!(
        session.contains(&format!("href=\"/kccnceu2026/events/{argocon}\"")),
        "{session}"
    );
    server.stop().await;
}
