//! The agenda in Debian's Chromium, driven by playwright-core (tests/browser/*.mjs).

use hallway_testkit::{TestDb, TestServer, released_kubecon};
use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_flows_in_chromium() {
    run_in_chromium("agenda.mjs", "agenda flows passed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browsers_zone_is_offered_and_remembered() {
    run_in_chromium("zone.mjs", "zone offer passed").await;
}

/// Runs a script of tests/browser against a server with KubeCon EU 2026 released.
async fn run_in_chromium(script: &'static str, passed: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
    );
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let server = TestServer::start(app).await;
    let base = server.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(&base)
            .arg(&edition)
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
    assert!(log.contains(passed), "{log}");
    server.stop().await;
}
