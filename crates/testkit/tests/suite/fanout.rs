//! The fan-out load driver of bench/fanout.sh at a tiny size: its accounting must find every
//! change at every subscriber exactly once, also when a replica stops mid-run and its
//! subscribers resume on the other.

use hallway_testkit::fanout::{self, Config};
use hallway_testkit::hallway_app::{App, Store};
use hallway_testkit::{TestDb, TestServer, quick_sessions, released_kubecon_sample};
use hallway_web::LiveSettings;
use serde_json::Value;
use std::net::Ipv4Addr;
use std::time::Duration;

on_both_backends!(the_driver_finds_every_change_at_every_subscriber);

async fn config(db: &TestDb, app: &App, bases: Vec<String>, first_source: Ipv4Addr) -> Config {
    let edition = released_kubecon_sample(app).await;
    let wip = app
        .work_in_progress(&hallway_testkit::operator(), &edition)
        .await
        .unwrap()
        .schedule;
    let mut cfg = Config {
        bases,
        edition,
        session: wip.sessions[0].guid.to_string(),
        subscribers: 30,
        clients: 3,
        rate: 15.0,
        duration: Duration::from_secs(3),
        ask_every: 3,
        sessions: Vec::new(),
        pids: vec![std::process::id()],
        kill: None,
        connect_within: Duration::from_secs(30),
        drain_within: Duration::from_secs(20),
        first_source,
    };
    let store = db.store().await;
    cfg.sessions = quick_sessions(app, &store, "fan", cfg.accounts_needed())
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    cfg
}

/// What every run must show: every question asked reached every subscriber once, no change
/// missing or repeated, each latency measured.
fn check(report: &Value, subscribers: u64) {
    let asked = report["posts"]["ask 200"].as_u64().unwrap_or(0);
    assert!(asked >= 5, "{report:#}");
    assert!(
        report["posts"]["vote 200"].as_u64().unwrap_or(0) >= 5,
        "{report:#}"
    );
    assert!(
        report["posts"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| k.ends_with(" 200") || k.starts_with("vote skipped")),
        "every action within the rate limits: {report:#}"
    );
    assert_eq!(report["questions_seen"].as_u64(), Some(asked), "{report:#}");
    assert_eq!(report["lost"].as_u64(), Some(0), "{report:#}");
    assert_eq!(report["duplicates"].as_u64(), Some(0), "{report:#}");
    // One vote or question per change, each at every subscriber.
    let votes = report["posts"]["vote 200"].as_u64().unwrap();
    assert_eq!(
        report["final_seq"].as_u64(),
        Some(asked + votes),
        "{report:#}"
    );
    assert_eq!(
        report["latency_ms"]["samples"].as_u64(),
        Some(asked * subscribers),
        "{report:#}"
    );
    assert!(
        report["latency_ms"]["max"].as_f64().unwrap() > 0.0,
        "{report:#}"
    );
    assert!(
        report["processes"][0]["rss_peak_mb"].as_f64().unwrap() > 1.0,
        "{report:#}"
    );
}

async fn the_driver_finds_every_change_at_every_subscriber(db: TestDb) {
    let app = db.app().await;
    let server = TestServer::start_live(app.clone(), LiveSettings::default()).await;
    let cfg = config(
        &db,
        &app,
        vec![server.base.clone()],
        Ipv4Addr::new(127, 3, 0, 1),
    )
    .await;
    let report = fanout::run(cfg).await.unwrap();
    check(&report, 30);
}

/// Two replicas on PostgreSQL; one stops (closing its sockets with 1012) in the middle of the
/// load, and its subscribers and clients carry on with the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_driver_follows_subscribers_from_a_stopped_replica_to_another() {
    let db = TestDb::postgres().await;
    let app = db.app().await;
    let a = TestServer::start_live(app.clone(), LiveSettings::default()).await;
    let b = TestServer::start_live(
        App::new(Store::connect(&db.url).await.unwrap()),
        LiveSettings::default(),
    )
    .await;
    let cfg = config(
        &db,
        &app,
        vec![a.base.clone(), b.base.clone()],
        Ipv4Addr::new(127, 4, 0, 1),
    )
    .await;
    let run = tokio::spawn(fanout::run(cfg));
    // Connections take a moment; then the load runs for 3 s.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    a.stop().await;
    let report = run.await.unwrap().unwrap();
    check(&report, 30);
    let ends = report["connection_ends"].as_object().unwrap();
    assert!(
        ends.get("close 1012").and_then(Value::as_u64) >= Some(10),
        "half the subscribers were told to move: {report:#}"
    );
}
