//! The day grid keeps its filters across days and views, and "now and next" answers for any
//! moment of the conference.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;

async fn get(server: &TestServer, path: &str) -> (StatusCode, String) {
    let r = client().get(server.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn cells(page: &str) -> usize {
    page.matches("class=\"cell ").count() + page.matches("<li class=\"t-").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grid_filters_and_keeps_its_filters() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let (_, all) = get(&server, "/kccnceu2026/schedule/2026-03-25/").await;
    let (status, security) = get(&server, "/kccnceu2026/schedule/2026-03-25/?track=security").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        cells(&security) > 0 && cells(&security) < cells(&all) / 4,
        "{} of {}",
        cells(&security),
        cells(&all)
    );
    assert!(
        security.contains("<option value=\"security\" selected>"),
        "the form shows the filter"
    );
    assert!(
        security.contains("href=\"/kccnceu2026/schedule/2026-03-26/?track=security\""),
        "day links keep it"
    );
    assert!(
        security.contains("href=\"/kccnceu2026/schedule/2026-03-25/list?track=security\""),
        "so does the list link"
    );
    let (status, _) = get(&server, "/kccnceu2026/schedule/2026-03-25/?type=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&server, "/kccnceu2026/schedule/2031-03-25/?track=security").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn now_and_next_at_any_moment() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let (status, page) = get(&server, "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00").await;
    assert_eq!(status, StatusCode::OK);
    let (now, next) = page.split_once("<h2>Next").unwrap();
    assert!(now.contains("Wed 25 Mar 11:20 CET"), "{now}");
    assert!(now.matches("<li class=\"session").count() > 10, "{now}");
    assert!(next.contains("Wed 25 Mar 11:"), "{next}");
    assert!(next.matches("<li class=\"session").count() > 0, "{next}");
    assert!(page.contains("href=\"/kccnceu2026/schedule/2026-03-25/\">today's schedule"));

    let (_, after) = get(&server, "/kccnceu2026/now?at=2027-01-01T00:00:00Z").await;
    assert!(after.contains("Nothing is on right now.") && after.contains("the conference is over"));
    let (status, _) = get(&server, "/kccnceu2026/now?at=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    server.stop().await;
}
