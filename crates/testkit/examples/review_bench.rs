//! The review at KubeCon's scale, for bench/review.sh: a CFP of 2,000 proposals in 8 tracks,
//! 120 reviewers (one of them a co-chair of every track) with bids, affiliations and
//! co-speakers, five reviews per proposal. Times the automatic assignment, writes a review for
//! every assignment, then serves the review pages until stopped (SIGTERM or Ctrl-C) and drops
//! its database.
//!
//!   review_bench sqlite|postgres PORT

use hallway_store::{
    AccountStore, CfpStore, NewSubmission, OutboxStore, ReviewStore, StoredReview, SubmissionStore,
};
use hallway_testkit::domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalText, ProposalType};
use hallway_testkit::domain::review::Bid;
use hallway_testkit::domain::review::scores::Criterion;
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Email, Role, Slug, Tracks, UserId};
use hallway_testkit::hallway_app::{App, Store};
use hallway_testkit::{TestDb, operator, released_kubecon_sample};
use std::io::Write;
use std::time::Instant;

const PROPOSALS: usize = 2_000;
const REVIEWERS: usize = 119;
const TRACKS: usize = 8;
const PER_PROPOSAL: u32 = 5;
const ORGANISATIONS: u64 = 150;
const PASSWORD: &str = "a long enough password";

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("a slug")
}

/// A small deterministic generator: the same data every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

async fn signed_in(app: &App, store: &Store, email: &str) -> String {
    app.sign_up(email, PASSWORD).await.expect("sign up");
    let now = jiff::Timestamp::now().as_second();
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.expect("outbox") {
        store.mark_sent(mail.id, now).await.expect("outbox");
        if let Some(at) = mail.body.find("verify?token=") {
            let at = at + "verify?token=".len();
            app.verify_email(&mail.body[at..at + 64])
                .await
                .expect("verify");
        }
    }
    let login = app.log_in(email, PASSWORD, None).await.expect("log in");
    login.session.expose().to_owned()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let backend = args.next().unwrap_or_else(|| "sqlite".into());
    let port: u16 = args
        .next()
        .and_then(|p| p.parse().ok())
        .expect("usage: review_bench sqlite|postgres PORT");
    let db = match backend.as_str() {
        "postgres" => TestDb::postgres().await,
        _ => TestDb::sqlite(),
    };
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .expect("the edition");
    let event = wip.schedule.events[0].slug.to_string();
    let tracks: Vec<String> = (0..TRACKS).map(|t| format!("track-{t}")).collect();
    let cfp = CallForPapers {
        event: slug(&event),
        opens_at: jiff::Timestamp::from_second(0).expect("an instant"),
        closes_at: jiff::Timestamp::from_second(4_000_000_000).expect("an instant"),
        per_speaker: 3,
        blind: true,
        reviews_per_proposal: PER_PROPOSAL,
        reviewer_cap: 100,
        description: "KubeCon-sized.".into(),
        session_types: vec![ProposalType {
            slug: slug("talk"),
            name: "Talk".into(),
            minutes: 30,
        }],
        tracks: tracks
            .iter()
            .map(|t| CfpTrack {
                slug: slug(t),
                name: t.replace('-', " "),
            })
            .collect(),
        criteria: vec![
            Criterion {
                name: "Relevance".into(),
                weight: 2.0,
                max: 5,
            },
            Criterion {
                name: "Clarity".into(),
                weight: 1.0,
                max: 5,
            },
            Criterion {
                name: "Originality".into(),
                weight: 1.0,
                max: 5,
            },
        ],
        questions: vec![],
    };
    let ed = slug(&edition);
    store.put_cfp(&ed, &cfp, 1).await.expect("the CFP");
    let mut rng = Rng(0x5eed_2026_cafe_f00d);
    let setup = Instant::now();

    // The co-chair and one reviewer sign in (the pages are measured as them); the others are
    // accounts without a password.
    let chair_session = signed_in(&app, &store, "chair@bench.test").await;
    let reviewer_session = signed_in(&app, &store, "reviewer-0@bench.test").await;
    app.grant_role(
        &orga,
        &edition,
        Some(&event),
        "chair@bench.test",
        Role::CoChair(Tracks::All),
    )
    .await
    .expect("grant");
    let mut reviewers: Vec<(UserId, Vec<usize>)> = Vec::new();
    for j in 0..REVIEWERS {
        let email = format!("reviewer-{j}@bench.test");
        let user = if j == 0 {
            store
                .user_by_email(&Email::parse(&email).expect("an address"))
                .await
                .expect("the account")
                .id
        } else {
            store
                .create_user(
                    &Email::parse(&email).expect("an address"),
                    "x",
                    true,
                    Some(1),
                    1,
                )
                .await
                .expect("an account")
        };
        let mine = vec![j % TRACKS, (j + 1) % TRACKS, (j + 3) % TRACKS];
        let role = Role::Reviewer(Tracks::Only(
            mine.iter().map(|&t| slug(&tracks[t])).collect(),
        ));
        app.grant_role(&orga, &edition, Some(&event), &email, role)
            .await
            .expect("grant");
        let profile = Profile {
            name: format!("Reviewer {j}"),
            affiliation: format!("Organisation {} Inc", rng.below(ORGANISATIONS)),
            ..Profile::default()
        };
        store.put_profile(user, &profile, 1).await.expect("profile");
        reviewers.push((user, mine));
    }
    let mut speakers = Vec::new();
    for i in 0..PROPOSALS {
        let email = format!("speaker-{i}@bench.test");
        let user = store
            .create_user(
                &Email::parse(&email).expect("an address"),
                "x",
                true,
                Some(1),
                1,
            )
            .await
            .expect("an account");
        let profile = Profile {
            name: format!("Speaker {i}"),
            affiliation: format!("Organisation {}", rng.below(ORGANISATIONS)),
            bio: "Speaks often.".into(),
            ..Profile::default()
        };
        store.put_profile(user, &profile, 1).await.expect("profile");
        speakers.push(user);
    }
    let mut ids = Vec::new();
    for i in 0..PROPOSALS {
        let mut on = vec![speakers[i]];
        if i % 10 == 0 {
            on.push(speakers[(i + 1) % PROPOSALS]);
        }
        let track = &tracks[i % TRACKS];
        let text = ProposalText {
            title: format!("Proposal {i}: operating clusters at scale, part {}", i % 7),
            abstract_: format!(
                "How team {i} runs {} clusters with GitOps, what broke and what we learned.",
                10 + i % 90
            ),
            notes: String::new(),
            session_type: slug("talk"),
            track: slug(track),
            answers: vec![],
        };
        let code = format!("B{i:04}");
        let p = store
            .create_submission(
                &NewSubmission {
                    edition: &ed,
                    event: &slug(&event),
                    code: &code,
                    speakers: &on,
                    text: &text,
                    answers: &[],
                    status: Status::Submitted,
                    per_speaker: 3,
                    forwarded_from: None,
                },
                1,
            )
            .await
            .expect("a proposal");
        ids.push(p.id);
    }
    for (user, mine) in &reviewers {
        for _ in 0..15 {
            let t = mine[rng.below(mine.len() as u64) as usize];
            let i = (rng.below((PROPOSALS / TRACKS) as u64) as usize) * TRACKS + t;
            let bid = match rng.below(10) {
                0..=3 => Bid::Eager,
                4..=7 => Bid::Willing,
                8 => Bid::NotWilling,
                _ => Bid::Conflict,
            };
            store.put_bid(ids[i], *user, bid, 1).await.expect("a bid");
        }
    }
    let setup_s = setup.elapsed().as_secs_f64();

    let viewer = app
        .session_viewer(&hallway_testkit::hallway_app::Secret::from_client(
            &chair_session,
        ))
        .await
        .expect("the co-chair");
    let chair = app
        .review_ctx(&viewer, &edition, &event)
        .await
        .expect("the co-chair's permission");
    let started = Instant::now();
    let report = app.run_assignment(&chair).await.expect("the assignment");
    let assignment_ms = started.elapsed().as_millis();
    let started = Instant::now();
    let rerun = app.run_assignment(&chair).await.expect("the rerun");
    let rerun_ms = started.elapsed().as_millis();

    let board = store
        .board(&ed, &slug(&event), None)
        .await
        .expect("the board");
    for (s, r, _) in &board.assignments {
        let scores = vec![
            rng.below(6) as u32,
            rng.below(6) as u32,
            rng.below(6) as u32,
        ];
        let total = hallway_testkit::domain::review::scores::weighted(&cfp.criteria, &scores)
            .expect("scores in range");
        let review = StoredReview {
            submission: *s,
            reviewer: *r,
            scores,
            total,
            committee_comment: "Solid, if familiar.".into(),
            speaker_comment: String::new(),
            updated_at: 1,
        };
        store.put_review(&review, 1).await.expect("a review");
    }

    // Where a page's time goes, in process: reading the board, and each page's use case.
    let timed = |started: Instant| started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    store
        .board(&ed, &slug(&event), None)
        .await
        .expect("the board");
    let board_ms = timed(started);
    let reviewer_viewer = app
        .session_viewer(&hallway_testkit::hallway_app::Secret::from_client(
            &reviewer_session,
        ))
        .await
        .expect("the reviewer");
    let reviewer = app
        .review_ctx(&reviewer_viewer, &edition, &event)
        .await
        .expect("the reviewer's permission");
    let started = Instant::now();
    let list = app.review_list(&reviewer).await.expect("the list");
    let list_ms = timed(started);
    let started = Instant::now();
    app.ranking(&chair, hallway_testkit::hallway_app::RankOrder::Score)
        .await
        .expect("the ranking");
    let ranking_ms = timed(started);
    println!(
        "board_ms {board_ms:.1} list_ms {list_ms:.1} list_rows {} ranking_ms {ranking_ms:.1}",
        list.items.len()
    );

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port");
    let base = format!("/review/{edition}/{event}");
    println!(
        "backend {backend} proposals {PROPOSALS} reviewers {} setup_s {setup_s:.1} assignment_ms {assignment_ms} added {} short {} rerun_ms {rerun_ms} rerun_added {} reviews {}",
        REVIEWERS + 1,
        report.added.len(),
        report.short.len(),
        rerun.added.len(),
        board.assignments.len(),
    );
    println!("list {base}/ reviewer_cookie hallway_session={reviewer_session}");
    println!("ranking {base}/ranking chair_cookie hallway_session={chair_session}");
    println!("ready");
    std::io::stdout().flush().expect("stdout");
    let stop = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    };
    hallway_testkit::hallway_web::serve(
        listener,
        app.clone(),
        format!("http://127.0.0.1:{port}"),
        hallway_testkit::hallway_web::Limits::default(),
        stop,
    )
    .await
    .expect("serving");
    app.close().await;
    store.close().await;
    drop(db);
    // The database is dropped on a thread of its own: give it the moment it needs.
    std::thread::sleep(std::time::Duration::from_secs(1));
}
