//! What operators see: readiness, Prometheus metrics, request ids, on both backends.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon_sample};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

on_both_backends!(metrics_count_requests_by_route_and_every_answer_names_its_request);

async fn metrics_count_requests_by_route_and_every_answer_names_its_request(db: TestDb) {
    let app = db.app().await;
    let edition = released_kubecon_sample(&app).await;
    let server = TestServer::start(app).await;
    let http = client();

    let ready = http.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    for _ in 0..3 {
        let r = http
            .get(server.url(&format!("/{edition}/search?q=argo")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let missing = http
        .get(server.url(&format!("/{edition}/no-such-page")))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The caller's id is kept; a new one is made otherwise, different each time.
    assert_eq!(missing.headers()["x-request-id"], "trace-42");
    let ids: Vec<String> = request_ids(&http, &server).await;
    assert_ne!(ids[0], ids[1]);
    let hostile = http
        .get(server.url("/healthz"))
        .header("x-request-id", "a b;c")
        .send()
        .await
        .unwrap();
    assert_ne!(hostile.headers()["x-request-id"], "a b;c");

    let metrics = http.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        metrics.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text().await.unwrap();
    let line = |prefix: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
    };
    assert_eq!(
        line("hallway_http_requests_total{route=\"/{edition}/search\",status=\"2xx\"}"),
        3
    );
    assert!(line("hallway_http_requests_total{route=\"released\",status=\"4xx\"}") >= 1);
    assert_eq!(
        line("hallway_http_request_duration_seconds_count{route=\"/{edition}/search\"}"),
        3
    );
    // The metrics request itself is in flight while they are written.
    assert_eq!(line("hallway_http_requests_in_flight"), 1);
    assert!(line("hallway_db_pool_max_connections") > 0);
    line("hallway_outbox_messages{state=\"queued\"}");
    server.stop().await;
}

async fn request_ids(http: &reqwest::Client, server: &TestServer) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = http.get(server.url("/healthz")).send().await.unwrap();
        ids.push(r.headers()["x-request-id"].to_str().unwrap().to_owned());
    }
    ids
}
