//! The agenda, and the call for papers with its review, in Debian's Chromium, driven by
//! playwright-core (tests/browser/*.mjs).

use hallway_store::{OutboxStore, SubmissionStore};
use hallway_testkit::domain::Role;
use hallway_testkit::domain::cfp::{CfpTrack, ProposalType};
use hallway_testkit::domain::review::scores::Criterion;
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Slug, Tracks};
use hallway_testkit::hallway_app::{App, CfpSettings, MailWorker, SmtpSettings, Store};
use hallway_testkit::smtp::SmtpServer;
use hallway_testkit::{TestDb, TestServer, operator, released_kubecon, released_kubecon_sample};
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
    let log = node(script, vec![server.base.clone(), edition]).await;
    assert!(log.contains(passed), "{log}");
    server.stop().await;
}

/// Runs `node SCRIPT ARGS...` in tests/browser and gives its output, stdout then stderr; a
/// script that fails fails the test with that output.
async fn node(script: &'static str, args: Vec<String>) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    for package in ["playwright-core", "axe-core"] {
        assert!(
            dir.join("node_modules").join(package).is_dir(),
            "{package} is missing: run `npm ci --prefix tests/browser` (./scripts/test.sh does)"
        );
    }
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
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
    assert!(out.status.success(), "{script} failed:\n{log}");
    log
}

const PASSWORD: &str = "a long enough password";
const ORGANIZER: &str = "orga@committee.test";
const SPEAKER: &str = "zelda.quux@speakers.test";
const REVIEWER: &str = "rev@committee.test";
const CO_CHAIR: &str = "chair@committee.test";

/// A verified account that logs in with `PASSWORD`, made as a person makes one: sign up, then
/// the link of the verification mail (taken from the outbox).
async fn account(app: &App, store: &Store, email: &str) {
    app.sign_up(email, PASSWORD).await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(mail.id, now).await.unwrap();
        if let Some(at) = mail.body.find("verify?token=") {
            let at = at + "verify?token=".len();
            app.verify_email(&mail.body[at..at + 64]).await.unwrap();
        }
    }
}

/// A blind call for papers open from 2020 to 2099, one review per proposal, one criterion.
fn blind_cfp(event: &str) -> CfpSettings {
    let slug = |s: &str| Slug::parse(s).unwrap();
    CfpSettings {
        event: event.to_owned(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-01-01T09:00".into(),
        per_speaker: 2,
        blind: true,
        reviews_per_proposal: 1,
        reviewer_cap: 10,
        description: "Tell us what you learned the hard way.".into(),
        session_types: vec![ProposalType {
            slug: slug("talk"),
            name: "Talk".into(),
            minutes: 30,
        }],
        tracks: vec![
            CfpTrack {
                slug: slug("security"),
                name: "Security".into(),
            },
            CfpTrack {
                slug: slug("observability"),
                name: "Observability".into(),
            },
        ],
        criteria: vec![Criterion {
            name: "Relevance".into(),
            weight: 1.0,
            max: 5,
        }],
        questions: vec![],
    }
}

/// An organizer saves the call's settings form; a speaker logs in, fills in the profile and
/// submits through the forms; a reviewer bids on the proposal, a co-chair assigns reviewers,
/// the reviewer scores it without seeing who wrote it, and the co-chair accepts it from the
/// ranking (tests/browser/cfp.mjs, axe-core on every page). The acceptance mail goes out over SMTP; its link, opened in Chromium, confirms the
/// talk, which then is a session of the work in progress.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_for_papers_and_its_review_in_chromium() {
    let db = TestDb::sqlite();
    let app = db.app().await.with_public_url("http://hallway.test");
    let store = db.store().await;
    let orga = operator();
    let edition = released_kubecon_sample(&app).await;
    let wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let event = wip.schedule.events[0].slug.to_string();
    let sessions_before = wip.schedule.sessions.len();
    app.put_cfp(&orga, &edition, &blind_cfp(&event))
        .await
        .unwrap();
    for email in [ORGANIZER, SPEAKER, REVIEWER, CO_CHAIR] {
        account(&app, &store, email).await;
    }
    app.grant_role(&orga, &edition, None, ORGANIZER, Role::Organizer)
        .await
        .unwrap();
    for (email, role) in [
        (REVIEWER, Role::Reviewer(Tracks::All)),
        (CO_CHAIR, Role::CoChair(Tracks::All)),
    ] {
        app.grant_role(&orga, &edition, Some(&event), email, role)
            .await
            .unwrap();
    }
    let server = TestServer::start(app.clone()).await;

    let log = node(
        "cfp.mjs",
        [
            "review",
            &server.base,
            &edition,
            &event,
            ORGANIZER,
            SPEAKER,
            REVIEWER,
            CO_CHAIR,
            PASSWORD,
        ]
        .map(str::to_owned)
        .to_vec(),
    )
    .await;
    let code = log
        .lines()
        .find_map(|l| l.strip_prefix("cfp flow passed "))
        .unwrap_or_else(|| panic!("no proposal code in the script's output:\n{log}"))
        .trim()
        .to_owned();
    let proposal = store.submission(&code).await.unwrap();
    assert_eq!(proposal.status, Status::Accepted, "{log}");
    assert_eq!(proposal.title, "Zero trust for clusters");

    // The acceptance mail, through a real SMTP server, with its confirmation link.
    let smtp = SmtpServer::start().await;
    let worker = MailWorker::new(
        app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <noreply@hallway.test>"),
    )
    .unwrap();
    worker.send_due().await.unwrap();
    let received = smtp.messages();
    // The speaker also had a mail when the proposal was submitted.
    let accepted = received
        .iter()
        .find(|m| m.contains(&format!("To: {SPEAKER}")) && m.contains("Subject: Accepted: "))
        .unwrap_or_else(|| panic!("no acceptance mail to the speaker: {received:#?}"));
    assert!(
        accepted.contains("Subject: Accepted: Zero trust for clusters"),
        "{accepted}"
    );
    assert!(
        accepted.contains("Bring the failure stories."),
        "{accepted}"
    );
    let link = "http://hallway.test/cfp/confirm?token=";
    let at = accepted.find(link).expect("a confirmation link") + link.len();
    let token = &accepted[at..at + 64];
    // Opening the link changes nothing (mail scanners open links too); pressing its button does.
    let path = format!("/cfp/confirm?token={token}");
    let r = hallway_testkit::client()
        .get(server.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(
        store.submission(&code).await.unwrap().status,
        Status::Accepted
    );
    let log = node(
        "cfp.mjs",
        vec!["confirm".to_owned(), server.base.clone(), path],
    )
    .await;
    assert!(
        log.contains(&format!("cfp confirmation passed {code}")),
        "{log}"
    );
    server.stop().await;

    assert_eq!(
        store.submission(&code).await.unwrap().status,
        Status::Confirmed
    );
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    assert_eq!(wip.sessions.len(), sessions_before + 1);
    assert!(
        wip.sessions
            .iter()
            .any(|s| s.title == "Zero trust for clusters" && s.event.as_str() == event),
        "the confirmed talk is a session of the work in progress"
    );
}

/// An attendee asks on a pre-moderated session, a moderator approves and highlights; the
/// attendee's page and the projector follow without a reload (tests/browser/live.mjs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_questions_update_the_pages_in_chromium() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let orga = operator();
    let edition = released_kubecon_sample(&app).await;
    let wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let session = wip.schedule.sessions[0].guid.to_string();
    let people = hallway_testkit::quick_sessions(&app, &store, "live", 2).await;
    app.grant_role(&orga, &edition, None, "live1@example.org", Role::Organizer)
        .await
        .unwrap();
    let moderator = app
        .qa_ctx(Some(&people[1].0), &edition, &session)
        .await
        .unwrap();
    app.set_qa(&moderator, true, false, "").await.unwrap();
    let server = TestServer::start(app.clone()).await;
    let log = node(
        "live.mjs",
        vec![
            server.base.clone(),
            format!("/{edition}/qa/{session}"),
            people[0].1.clone(),
            people[1].1.clone(),
        ],
    )
    .await;
    assert!(log.contains("live q&a passed"), "{log}");
    server.stop().await;
}
