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
use hallway_testkit::{
    TestDb, TestServer, operator, released_kubecon, released_kubecon_sample, released_workshops,
};
use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_flows_in_chromium() {
    run_in_chromium("agenda.mjs", "agenda flows passed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browsers_zone_is_offered_and_remembered() {
    run_in_chromium("zone.mjs", "zone offer passed").await;
}

/// Installable, the schedule read offline, and an attendee's agenda, bookmark and note offline
/// then sent once back online (tests/browser/offline.mjs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installable_and_the_schedule_and_my_marks_work_offline() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let email = "offline@attendees.test";
    account(&app, &store, email).await;
    let server = TestServer::start(app).await;
    let args = vec![
        server.base.clone(),
        edition,
        email.to_owned(),
        PASSWORD.to_owned(),
    ];
    let log = node("offline.mjs", args).await;
    assert!(log.contains("offline passed"), "{log}");
    server.stop().await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookmarks_and_my_agenda_in_chromium() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon(&app).await;
    let people = [
        "js@attendees.test",
        "plain@attendees.test",
        "guest@attendees.test",
    ];
    for email in people {
        account(&app, &store, email).await;
    }
    let server = TestServer::start(app).await;
    let mut args = vec![server.base.clone(), edition, "2026-03-25".into()];
    args.extend(people.map(String::from));
    args.push(PASSWORD.into());
    let log = node("me.mjs", args).await;
    assert!(log.contains("me flows passed"), "{log}");
    server.stop().await;
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
pub(crate) async fn node(script: &'static str, args: Vec<String>) -> String {
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

/// A workshop of one seat: an attendee takes it from the session page, a second joins the
/// line, the first gives it up, the second is offered it and claims it; an organizer sees the
/// list and checks the second in at the door (tests/browser/seats.mjs, axe-core on each page).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seat_taken_given_up_offered_claimed_and_checked_in_in_chromium() {
    use hallway_testkit::domain::seats::SignUp;
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let orga = operator();
    let edition = released_workshops(&app).await;
    let wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let session = wip.schedule.sessions[0].guid.to_string();
    app.set_seat_rules(&orga, &edition, None, 120, Some(2), false)
        .await
        .unwrap();
    app.open_seat_list(&orga, &edition, &session, 1)
        .await
        .unwrap();
    let (first, second) = ("first@attendees.test", "second@attendees.test");
    for email in [first, second, ORGANIZER] {
        account(&app, &store, email).await;
    }
    app.grant_role(&orga, &edition, None, ORGANIZER, Role::Organizer)
        .await
        .unwrap();
    let server = TestServer::start(app.clone()).await;
    let log = node(
        "seats.mjs",
        [
            &server.base,
            &edition,
            &session,
            first,
            second,
            ORGANIZER,
            PASSWORD,
        ]
        .map(|s| s.to_string())
        .to_vec(),
    )
    .await;
    assert!(log.contains("seat flow passed"), "{log}");
    server.stop().await;
    // What the browser did is in the database: the second holds the seat and is in.
    let lines = app.seat_lines(&orga, &edition, &session).await.unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].email, second);
    assert_eq!(
        lines[0].state,
        hallway_testkit::hallway_app::SeatState::Held
    );
    assert!(lines[0].checked_in_at.is_some());
    // The seat is taken: a third person would wait.
    let third = hallway_testkit::quick_accounts(&app, &store, "third", 1).await;
    assert_eq!(
        app.take_seat(&third[0], &edition, &session).await.unwrap(),
        SignUp::Waiting(1)
    );
}

/// A recording played in Chromium: its place kept by the page's script as it plays and on
/// pause, resumed after a reload, listed under "continue watching"; then the day's review and
/// the wrap-up downloaded as Markdown and JSON (tests/browser/watch.mjs, axe-core on each
/// page). The recording is a small WAV file served beside the test, with byte ranges as a
/// media server answers them, so that the browser can seek in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_resumes_and_the_wrapup_exports_in_chromium() {
    use hallway_testkit::domain::agenda::Set;
    use hallway_testkit::hallway_app::MarkChange;
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let orga = operator();
    let edition = released_kubecon_sample(&app).await;
    let schedule = app
        .latest_release(&Slug::parse(&edition).unwrap())
        .await
        .unwrap()
        .unwrap()
        .schedule;
    let talk = schedule
        .sessions
        .iter()
        .find(|x| !x.slots.is_empty() && !x.do_not_record && !x.speakers.is_empty())
        .unwrap();
    let media = MediaServer::start(wav(20)).await;
    app.import_recordings(
        &orga,
        &edition,
        "recordings.csv",
        &format!("{},{}/talk.wav\n", talk.guid, media.base),
    )
    .await
    .unwrap();
    let email = "viewer@attendees.test";
    account(&app, &store, email).await;
    let login = app.log_in(email, PASSWORD, None).await.unwrap();
    let viewer = app.session_viewer(&login.session).await.unwrap();
    let changes: Vec<MarkChange> = [
        Set::Interested(true),
        Set::Attended(true),
        Set::Note("Worth the trip.".into()),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, set)| MarkChange {
        id: format!("setup-{i}"),
        session: talk.guid,
        set,
        at: 1_000,
    })
    .collect();
    app.mark_sessions(&viewer, &edition, &changes)
        .await
        .unwrap();
    let date = schedule.day_of(&talk.slots[0]).to_string();
    let server = TestServer::start(app).await;
    let log = node(
        "watch.mjs",
        vec![
            server.base.clone(),
            edition,
            talk.guid.to_string(),
            talk.title.clone(),
            email.to_owned(),
            PASSWORD.to_owned(),
            date,
        ],
    )
    .await;
    assert!(log.contains("watch flows passed"), "{log}");
    server.stop().await;
    media.stop();
}

/// `seconds` of silence as 8 kHz mono 8-bit PCM WAV.
fn wav(seconds: u32) -> Vec<u8> {
    let samples = 8_000 * seconds;
    let mut out = Vec::with_capacity(44 + samples as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + samples).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&8_000u32.to_le_bytes());
    out.extend_from_slice(&8_000u32.to_le_bytes()); // bytes per second
    out.extend_from_slice(&1u16.to_le_bytes()); // block align
    out.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&samples.to_le_bytes());
    out.resize(44 + samples as usize, 128);
    out
}

/// Serves one file at /talk.wav, answering `Range: bytes=a-b` with 206 as media servers do.
struct MediaServer {
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl MediaServer {
    async fn start(body: Vec<u8>) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let body = std::sync::Arc::new(body);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut conn, _)) = listener.accept().await else {
                    return;
                };
                let body = body.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let mut chunk = [0u8; 4096];
                        let Ok(n) = conn.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                            buf.drain(..end + 4);
                            let len = body.len();
                            let range = head
                                .lines()
                                .find_map(|l| l.strip_prefix("range: bytes="))
                                .and_then(|r| r.split_once('-'))
                                .map(|(a, b)| {
                                    let a: usize = a.trim().parse().unwrap_or(0).min(len - 1);
                                    let b: usize = b.trim().parse().unwrap_or(len - 1).min(len - 1);
                                    (a, b.max(a))
                                });
                            let (status, (a, b)) = match range {
                                Some(r) => ("206 Partial Content", r),
                                None => ("200 OK", (0, len - 1)),
                            };
                            let head = format!(
                                "HTTP/1.1 {status}\r\nContent-Type: audio/wav\r\nAccept-Ranges: bytes\r\nContent-Length: {}\r\n{}Connection: keep-alive\r\n\r\n",
                                b - a + 1,
                                if range.is_some() {
                                    format!("Content-Range: bytes {a}-{b}/{len}\r\n")
                                } else {
                                    String::new()
                                }
                            );
                            if conn.write_all(head.as_bytes()).await.is_err()
                                || conn.write_all(&body[a..=b]).await.is_err()
                            {
                                return;
                            }
                        }
                    }
                });
            }
        });
        Self { base, task }
    }

    fn stop(self) {
        self.task.abort();
    }
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
