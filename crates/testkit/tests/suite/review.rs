//! The review on both backends: conflicts keep reviewers from what they must not judge,
//! assignments respect caps and keep what is settled, scores stay within tracks, decisions race
//! safely and mail speakers only what is theirs, and a blind review shows no identity in pages,
//! JSON, CSV, errors or mail.

use hallway_store::{CfpStore, NewSubmission, OutboxStore, ReviewStore, SubmissionStore};
use hallway_testkit::domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalText, ProposalType};
use hallway_testkit::domain::review::conflicts::Severity;
use hallway_testkit::domain::review::scores::Criterion;
use hallway_testkit::domain::review::{Bid, conflicts};
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Email, Role, Slug, Tracks, UserId};
use hallway_testkit::hallway_app::{
    App, AppError, Decision, MailWorker, RankOrder, ReviewCtx, SmtpSettings, Store, Viewer,
};
use hallway_testkit::smtp::SmtpServer;
use hallway_testkit::{TestDb, TestServer, client, operator};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, LOCATION};
use std::collections::{HashMap, HashSet};

on_both_backends!(
    assignment_never_crosses_a_conflict_or_a_cap_and_reruns_keep_what_is_settled,
    the_same_review_assigns_alike_and_random_late_changes_keep_the_rules,
    scores_stay_within_tracks_assignments_and_criteria,
    a_blind_review_shows_no_identity_in_pages_json_csv_errors_or_mail,
    decisions_race_safely_and_a_bulk_decision_is_all_or_none,
    decision_mails_reach_the_speakers_with_a_link_and_only_their_comments,
    reviewers_and_co_chairs_work_through_forms_and_the_api,
    organizers_edit_preview_and_save_decision_mails,
    a_speaker_declares_a_conflict_with_a_reviewer,
    the_review_store_keeps_runs_reviews_templates_and_links_as_promised,
);

const PASSWORD: &str = "a long enough password";
pub(crate) const CSRF: &str = "abababababababababababababababababababababababababababababababab";

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// A speaker who is no reviewer: (name, affiliation, e-mail), all strings no page may show a
/// reviewer of a blind review.
pub(crate) const SPEAKERS: &[(&str, &str, &str)] = &[
    ("Zelda Quux", "Quuxcorp Inc", "zelda.quux@speakers.test"),
    (
        "Yannick Frobozz",
        "Frobozz Corp.",
        "yannick.frobozz@speakers.test",
    ),
    ("Xavier Plugh", "Plughworks", "xavier.plugh@speakers.test"),
    ("Wanda Xyzzy", "Xyzzy Labs", "wanda.xyzzy@speakers.test"),
    ("Victor Thud", "Thudmore", "victor.thud@speakers.test"),
];

/// Reviewers, co-chairs and an organizer: (e-mail, affiliation, role).
fn committee() -> Vec<(&'static str, &'static str, Role)> {
    let only = |t: &str| Tracks::Only(vec![slug(t)]);
    vec![
        (
            "rev-quux@committee.test",
            "Quuxcorp LLC",
            Role::Reviewer(Tracks::All),
        ),
        (
            "rev-frob@committee.test",
            "Frobozz",
            Role::Reviewer(only("security")),
        ),
        (
            "rev-ai@committee.test",
            "Initech",
            Role::Reviewer(only("ai")),
        ),
        (
            "rev-free@committee.test",
            "Umbrella",
            Role::Reviewer(Tracks::All),
        ),
        ("chair@committee.test", "Hooli", Role::CoChair(Tracks::All)),
        (
            "chair2@committee.test",
            "Pied Piper",
            Role::CoChair(Tracks::All),
        ),
        ("orga@committee.test", "Conference Org", Role::Organizer),
    ]
}

pub(crate) struct Fixture {
    pub app: App,
    pub store: Store,
    pub edition: String,
    pub event: String,
    /// By e-mail: the account's viewer and its session secret.
    pub people: HashMap<&'static str, (Viewer, String)>,
    pub speakers: Vec<UserId>,
}

impl Fixture {
    pub async fn ctx(&self, email: &str) -> ReviewCtx {
        self.ctx_for(email, &self.event).await
    }

    async fn ctx_for(&self, email: &str, event: &str) -> ReviewCtx {
        self.app
            .review_ctx(&self.people[email].0, &self.edition, event)
            .await
            .unwrap()
    }

    fn user(&self, email: &str) -> UserId {
        self.people[email].0.user()
    }

    pub fn cookie(&self, email: &str) -> String {
        format!(
            "hallway_session={}; hallway_csrf={CSRF}",
            self.people[email].1
        )
    }

    async fn status(&self, code: &str) -> Status {
        self.store.submission(code).await.unwrap().status
    }
}

pub(crate) fn cfp(event: Slug, blind: bool) -> CallForPapers {
    CallForPapers {
        event,
        opens_at: jiff::Timestamp::from_second(0).unwrap(),
        closes_at: jiff::Timestamp::from_second(4_000_000_000).unwrap(),
        per_speaker: 5,
        blind,
        reviews_per_proposal: 2,
        reviewer_cap: 3,
        description: "Tell us.".into(),
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
                slug: slug("ai"),
                name: "AI".into(),
            },
        ],
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
        ],
        questions: vec![],
    }
}

/// An account that can sign in, verified, with a session.
async fn account(app: &App, store: &Store, email: &str) -> (Viewer, String) {
    app.sign_up(email, PASSWORD).await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(mail.id, now).await.unwrap();
        if let Some(at) = mail.body.find("verify?token=") {
            let at = at + "verify?token=".len();
            app.verify_email(&mail.body[at..at + 64]).await.unwrap();
        }
    }
    let login = app.log_in(email, PASSWORD, None).await.unwrap();
    (login.viewer, login.session.expose().to_owned())
}

pub(crate) async fn submit(f: &Fixture, event: &str, code: &str, track: &str, speakers: &[UserId]) {
    let text = ProposalText {
        title: format!("Talk {code}"),
        abstract_: format!("What {code} is about, told plainly."),
        notes: String::new(),
        session_type: slug("talk"),
        track: slug(track),
        answers: vec![],
    };
    f.store
        .create_submission(
            &NewSubmission {
                edition: &slug(&f.edition),
                event: &slug(event),
                code,
                speakers,
                text: &text,
                answers: &[],
                status: Status::Submitted,
                per_speaker: 5,
                forwarded_from: None,
            },
            1,
        )
        .await
        .unwrap();
}

/// An edition with a blind CFP (or not), the committee above, the speakers above and these
/// proposals (codes RV0..RV6):
/// - RV0 security by Zelda (Quuxcorp: rev-quux's organisation),
/// - RV1 security by Yannick (Frobozz: rev-frob's),
/// - RV2 ai by Xavier, who gives RV3 with rev-free (a co-speaker of rev-free),
/// - RV3 security by Xavier and rev-free,
/// - RV4 ai by Wanda, with whom rev-ai declared a conflict,
/// - RV5 security by Victor, free of conflicts,
/// - RV6 security by both co-chairs, rev-quux and rev-frob: only rev-free may review it.
pub(crate) async fn fixture(db: &TestDb, blind: bool) -> Fixture {
    let app = db.app().await.with_public_url("http://hallway.test");
    let store = db.store().await;
    let edition = hallway_testkit::released_kubecon_sample(&app).await;
    let orga = operator();
    let wip = app.work_in_progress(&orga, &edition).await.unwrap();
    let event = wip.schedule.events[0].slug.to_string();
    store
        .put_cfp(&slug(&edition), &cfp(slug(&event), blind), 1)
        .await
        .unwrap();
    let mut people = HashMap::new();
    for (email, affiliation, role) in committee() {
        let (viewer, session) = account(&app, &store, email).await;
        let on_event = !matches!(role, Role::Organizer);
        app.grant_role(
            &orga,
            &edition,
            on_event.then_some(event.as_str()),
            email,
            role,
        )
        .await
        .unwrap();
        store
            .put_profile(
                viewer.user(),
                &Profile {
                    name: format!("Member {email}"),
                    affiliation: affiliation.into(),
                    ..Profile::default()
                },
                1,
            )
            .await
            .unwrap();
        people.insert(email, (viewer, session));
    }
    let mut speakers = Vec::new();
    for (name, affiliation, email) in SPEAKERS {
        use hallway_store::AccountStore;
        let id = store
            .create_user(&Email::parse(email).unwrap(), "x", false, Some(1), 1)
            .await
            .unwrap();
        store
            .put_profile(
                id,
                &Profile {
                    name: (*name).into(),
                    affiliation: (*affiliation).into(),
                    bio: format!("{name} has spoken at many conferences."),
                    photo_url: format!("https://photos.test/{}.jpg", name.replace(' ', "-")),
                    ..Profile::default()
                },
                1,
            )
            .await
            .unwrap();
        speakers.push(id);
    }
    let f = Fixture {
        app,
        store,
        edition,
        event,
        people,
        speakers,
    };
    let s = &f.speakers;
    let (free, rev_q) = (
        f.user("rev-free@committee.test"),
        f.user("rev-quux@committee.test"),
    );
    let (chair, chair2) = (
        f.user("chair@committee.test"),
        f.user("chair2@committee.test"),
    );
    let frob = f.user("rev-frob@committee.test");
    let ev = f.event.clone();
    submit(&f, &ev, "RV0", "security", &[s[0]]).await;
    submit(&f, &ev, "RV1", "security", &[s[1]]).await;
    submit(&f, &ev, "RV2", "ai", &[s[2]]).await;
    submit(&f, &ev, "RV3", "security", &[s[2], free]).await;
    submit(&f, &ev, "RV4", "ai", &[s[3]]).await;
    submit(&f, &ev, "RV5", "security", &[s[4]]).await;
    submit(&f, &ev, "RV6", "security", &[chair, chair2, rev_q, frob]).await;
    let rev_ai = f.ctx("rev-ai@committee.test").await;
    f.app
        .declare_conflict(&rev_ai, "RV4", Severity::Hard)
        .await
        .unwrap();
    f
}

/// Pairs no assignment may make, by what the fixture says of each proposal.
fn forbidden() -> HashSet<(&'static str, &'static str)> {
    [
        ("RV0", "rev-quux@committee.test"),
        ("RV1", "rev-frob@committee.test"),
        ("RV2", "rev-free@committee.test"),
        ("RV2", "rev-frob@committee.test"),
        ("RV3", "rev-free@committee.test"),
        ("RV3", "rev-ai@committee.test"),
        ("RV4", "rev-ai@committee.test"),
        ("RV4", "rev-frob@committee.test"),
        ("RV0", "rev-ai@committee.test"),
        ("RV1", "rev-ai@committee.test"),
        ("RV5", "rev-ai@committee.test"),
        ("RV6", "rev-ai@committee.test"),
        ("RV6", "rev-quux@committee.test"),
        ("RV6", "rev-frob@committee.test"),
        ("RV6", "chair@committee.test"),
        ("RV6", "chair2@committee.test"),
    ]
    .into_iter()
    .collect()
}

/// Every assignment of the CFP as (code, reviewer e-mail, run).
async fn assignments(f: &Fixture) -> Vec<(String, String, i64)> {
    let board = f
        .store
        .board(&slug(&f.edition), &slug(&f.event), None)
        .await
        .unwrap();
    let codes: HashMap<i64, String> = board
        .proposals
        .iter()
        .map(|p| (p.id, p.code.clone()))
        .collect();
    let emails: HashMap<UserId, String> = board
        .reviewers
        .iter()
        .map(|r| (r.user, r.email.to_string()))
        .collect();
    let mut out: Vec<_> = board
        .assignments
        .iter()
        .map(|(s, r, run)| (codes[s].clone(), emails[r].clone(), *run))
        .collect();
    out.sort();
    out
}

async fn assignment_never_crosses_a_conflict_or_a_cap_and_reruns_keep_what_is_settled(db: TestDb) {
    let f = fixture(&db, true).await;
    let chair = f.ctx("chair@committee.test").await;
    let report = f.app.run_assignment(&chair).await.unwrap();
    assert_eq!(report.run, 1);
    assert_eq!(report.kept, 0);
    let bad = forbidden();
    for (code, reviewer) in &report.added {
        assert!(
            !bad.contains(&(code.as_str(), reviewer.as_str())),
            "{code} went to {reviewer}, who must not review it"
        );
    }
    let mut load: HashMap<&str, usize> = HashMap::new();
    let mut per: HashMap<&str, usize> = HashMap::new();
    for (code, reviewer) in &report.added {
        *load.entry(reviewer).or_default() += 1;
        *per.entry(code).or_default() += 1;
    }
    assert!(load.values().all(|&n| n <= 3), "caps: {load:?}");
    for code in ["RV0", "RV1", "RV2", "RV3", "RV4", "RV5"] {
        assert_eq!(per.get(code), Some(&2), "{code}: {report:?}");
    }
    // RV6: only rev-free may review it, so one review is missing, and the run says why.
    assert_eq!(per.get("RV6"), Some(&1));
    assert_eq!(report.short.len(), 1, "{:?}", report.short);
    let (code, missing, why) = &report.short[0];
    assert_eq!((code.as_str(), *missing), ("RV6", 1));
    assert!(why.contains("4 are in conflict"), "{why}");
    assert!(why.contains("1 do not review its track"), "{why}");

    // A late bid and a rerun: what was assigned stays as it was, the run is numbered 2.
    let before = assignments(&f).await;
    let rev_ai = f.ctx("rev-ai@committee.test").await;
    f.app.bid(&rev_ai, "RV2", Bid::Eager).await.unwrap();
    let again = f.app.run_assignment(&chair).await.unwrap();
    assert_eq!(again.run, 2);
    assert_eq!(again.kept, before.len());
    assert!(
        again.added.is_empty(),
        "nothing is missing but RV6: {again:?}"
    );
    assert_eq!(assignments(&f).await, before);
    assert_eq!(
        f.store
            .last_run(
                f.store
                    .cfp_id(&slug(&f.edition), &slug(&f.event))
                    .await
                    .unwrap()
            )
            .await
            .unwrap()
            .unwrap()
            .run,
        2
    );
    // A reviewer does not run assignments.
    assert!(matches!(
        f.app.run_assignment(&rev_ai).await,
        Err(AppError::Forbidden(_))
    ));
}

/// Two events of the edition with the same CFP, people and proposals assign alike; then, over
/// seeded random rounds of late proposals, affiliations, co-speakers, declarations and bids,
/// every rerun keeps every earlier assignment and never crosses a conflict or a cap.
async fn the_same_review_assigns_alike_and_random_late_changes_keep_the_rules(db: TestDb) {
    let f = fixture(&db, false).await;
    let orga = operator();
    let wip = f.app.work_in_progress(&orga, &f.edition).await.unwrap();
    let twin = wip.schedule.events[1].slug.to_string();
    f.store
        .put_cfp(&slug(&f.edition), &cfp(slug(&twin), false), 1)
        .await
        .unwrap();
    for (email, _, role) in committee() {
        if !matches!(role, Role::Organizer) {
            f.app
                .grant_role(&orga, &f.edition, Some(&twin), email, role)
                .await
                .unwrap();
        }
    }
    let s = f.speakers.clone();
    let (free, rev_q) = (
        f.user("rev-free@committee.test"),
        f.user("rev-quux@committee.test"),
    );
    let (c1, c2) = (
        f.user("chair@committee.test"),
        f.user("chair2@committee.test"),
    );
    let frob = f.user("rev-frob@committee.test");
    submit(&f, &twin, "TW0", "security", &[s[0]]).await;
    submit(&f, &twin, "TW1", "security", &[s[1]]).await;
    submit(&f, &twin, "TW2", "ai", &[s[2]]).await;
    submit(&f, &twin, "TW3", "security", &[s[2], free]).await;
    submit(&f, &twin, "TW4", "ai", &[s[3]]).await;
    submit(&f, &twin, "TW5", "security", &[s[4]]).await;
    submit(&f, &twin, "TW6", "security", &[c1, c2, rev_q, frob]).await;
    // rev-ai's declaration holds in the whole edition.
    let one = f
        .app
        .run_assignment(&f.ctx("chair@committee.test").await)
        .await
        .unwrap();
    let two = f
        .app
        .run_assignment(&f.ctx_for("chair@committee.test", &twin).await)
        .await
        .unwrap();
    let strip = |pairs: &[(String, String)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(c, r)| (c[2..].to_owned(), r.clone()))
            .collect()
    };
    assert_eq!(
        strip(&one.added),
        strip(&two.added),
        "same input, same assignment"
    );
    assert_eq!(one.short.len(), two.short.len());

    // Seeded random late changes on the first event.
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let orgs = [
        "Quuxcorp",
        "Frobozz GmbH",
        "Initech",
        "Umbrella",
        "Hooli Inc",
        "Globex",
    ];
    let emails: Vec<&str> = committee()
        .iter()
        .filter(|c| !matches!(c.2, Role::Organizer))
        .map(|c| c.0)
        .collect();
    let chair = f.ctx("chair@committee.test").await;
    let ev = f.event.clone();
    for round in 0..4 {
        use hallway_store::AccountStore;
        for k in 0..3 {
            let email = format!("late{round}-{k}@speakers.test");
            let id = f
                .store
                .create_user(&Email::parse(&email).unwrap(), "x", false, Some(1), 1)
                .await
                .unwrap();
            let affiliation = orgs[next(orgs.len() as u64) as usize];
            f.store
                .put_profile(
                    id,
                    &Profile {
                        name: format!("Late {round} {k}"),
                        affiliation: affiliation.into(),
                        ..Profile::default()
                    },
                    1,
                )
                .await
                .unwrap();
            let mut on = vec![id];
            if next(3) == 0 {
                on.push(f.user(emails[next(emails.len() as u64) as usize]));
            }
            let track = if next(2) == 0 { "security" } else { "ai" };
            let code = format!("LT{round}{k}");
            submit(&f, &ev, &code, track, &on).await;
            let who = emails[next(emails.len() as u64) as usize];
            let ctx = f.ctx(who).await;
            let _ = match next(4) {
                0 => f.app.bid(&ctx, &code, Bid::Eager).await,
                1 => f.app.bid(&ctx, &code, Bid::Conflict).await,
                2 => f.app.declare_conflict(&ctx, &code, Severity::Soft).await,
                _ => f.app.bid(&ctx, &code, Bid::NotWilling).await,
            };
        }
        let before = assignments(&f).await;
        f.app.run_assignment(&chair).await.unwrap();
        let after = assignments(&f).await;
        for kept in &before {
            assert!(after.contains(kept), "round {round}: {kept:?} was moved");
        }
        check_invariants(&f).await;
    }
}

/// No assignment crosses a conflict (computed here from the board, as the domain defines it),
/// a bid of conflict or a reviewer's tracks; nobody holds more than the cap.
async fn check_invariants(f: &Fixture) {
    let board = f
        .store
        .board(&slug(&f.edition), &slug(&f.event), None)
        .await
        .unwrap();
    let person = |u: UserId| conflicts::Person {
        id: u,
        affiliation: board
            .profiles
            .get(&u)
            .map(|p| p.affiliation.clone())
            .filter(|a| !a.is_empty()),
    };
    let by_reviewer: Vec<_> = board
        .declared
        .iter()
        .filter(|d| !d.by_speaker)
        .map(|d| (d.reviewer, d.speaker, d.severity))
        .collect();
    let by_speaker: Vec<_> = board
        .declared
        .iter()
        .filter(|d| d.by_speaker)
        .map(|d| (d.speaker, d.reviewer, d.severity))
        .collect();
    let context = conflicts::Context {
        edition_talks: &board.edition_talks,
        declared_by_reviewers: &by_reviewer,
        declared_by_speakers: &by_speaker,
    };
    let mut load: HashMap<UserId, usize> = HashMap::new();
    for (s, r, _) in &board.assignments {
        let p = board.proposals.iter().find(|p| p.id == *s).unwrap();
        let speakers: Vec<_> = p.speakers.iter().map(|&u| person(u)).collect();
        let found = conflicts::between(&person(*r), &speakers, &context);
        assert!(found.is_empty(), "{} to {r:?} across {found:?}", p.code);
        assert!(
            !board
                .bids
                .iter()
                .any(|b| b.0 == *s && b.1 == *r && b.2 == Bid::Conflict),
            "{} to a reviewer who bid conflict",
            p.code
        );
        let reviewer = board.reviewers.iter().find(|x| x.user == *r).unwrap();
        assert!(reviewer.role.tracks().unwrap().covers(Some(&p.track)));
        *load.entry(*r).or_default() += 1;
    }
    assert!(load.values().all(|&n| n <= 3), "{load:?}");
}

async fn scores_stay_within_tracks_assignments_and_criteria(db: TestDb) {
    let f = fixture(&db, true).await;
    let chair = f.ctx("chair@committee.test").await;
    f.app.run_assignment(&chair).await.unwrap();
    let pairs = assignments(&f).await;
    let nothing = f
        .store
        .board(&slug(&f.edition), &slug(&f.event), None)
        .await
        .unwrap();
    assert!(nothing.reviews.is_empty());

    // Outside their tracks: refused, clearly, and nothing changes.
    let rev_ai = f.ctx("rev-ai@committee.test").await;
    let e = f
        .app
        .score(&rev_ai, "RV5", &[5, 5], "c", "s")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Forbidden(m) if m.contains("track security")),
        "{e}"
    );
    // In conflict (rev-quux and Zelda's Quuxcorp): refused without naming anyone.
    let rev_q = f.ctx("rev-quux@committee.test").await;
    let e = f
        .app
        .score(&rev_q, "RV0", &[5, 5], "c", "s")
        .await
        .unwrap_err();
    let m = e.to_string();
    assert!(m.contains("conflict of interest"), "{m}");
    assert!(!m.contains("Quuxcorp") && !m.contains("Zelda"), "{m}");
    assert!(matches!(
        f.app.proposal_review(&rev_q, "RV0").await,
        Err(AppError::Forbidden(_))
    ));
    // Not assigned: refused.
    let (code, reviewer, _) = pairs
        .iter()
        .find(|(_, r, _)| r == "rev-frob@committee.test")
        .unwrap()
        .clone();
    let frob = f.ctx(&reviewer).await;
    let unassigned = ["RV0", "RV3", "RV5", "RV6"]
        .into_iter()
        .find(|c| !pairs.iter().any(|(pc, r, _)| pc == c && r == &reviewer))
        .unwrap();
    assert!(matches!(
        f.app.score(&frob, unassigned, &[1, 1], "", "").await,
        Err(AppError::Forbidden(_))
    ));
    let after = f
        .store
        .board(&slug(&f.edition), &slug(&f.event), None)
        .await
        .unwrap();
    assert!(after.reviews.is_empty(), "refusals change nothing");

    // Assigned: scored, weighted; a score above the criterion's highest or a missing one is
    // refused.
    let total = f
        .app
        .score(&frob, &code, &[5, 2], "solid", "")
        .await
        .unwrap();
    assert!((total - 100.0 * 2.4 / 3.0).abs() < 1e-9, "{total}");
    let e = f
        .app
        .score(&frob, &code, &[6, 2], "", "")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Relevance: 6 is above the highest score, 5"),
        "{e}"
    );
    assert!(matches!(
        f.app.score(&frob, &code, &[5], "", "").await,
        Err(AppError::Invalid(_))
    ));
    let page = f.app.proposal_review(&frob, &code).await.unwrap();
    assert_eq!(page.mine.unwrap().scores, [5, 2]);

    // The ranking has it, with its mean and normalised mean.
    let ranking = f.app.ranking(&chair, RankOrder::Score).await.unwrap();
    assert_eq!(ranking.rows[0].view.code, code);
    assert_eq!(ranking.rows[0].reviews, 1);
    assert!(ranking.rows[0].normalised.is_some());
    assert!(matches!(
        f.app.ranking(&frob, RankOrder::Score).await,
        Err(AppError::Forbidden(_))
    ));
}

/// Every string that identifies a speaker.
pub(crate) fn identities() -> Vec<String> {
    let mut out = Vec::new();
    for (name, affiliation, email) in SPEAKERS {
        out.push((*name).to_owned());
        out.push((*affiliation).to_owned());
        out.push((*email).to_owned());
        out.push(format!("{name} has spoken"));
        out.push(name.replace(' ', "-"));
    }
    out
}

fn assert_blind(what: &str, text: &str) {
    for id in identities() {
        assert!(!text.contains(&id), "{what} shows {id:?}:\n{text}");
    }
}

async fn get(server: &TestServer, path: &str, cookie: &str) -> (StatusCode, String) {
    let r = client()
        .get(server.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn a_blind_review_shows_no_identity_in_pages_json_csv_errors_or_mail(db: TestDb) {
    let f = fixture(&db, true).await;
    let chair = f.ctx("chair@committee.test").await;
    f.app.run_assignment(&chair).await.unwrap();
    for (code, reviewer, _) in assignments(&f).await {
        let ctx = f.ctx(&reviewer).await;
        f.app
            .score(&ctx, &code, &[4, 3], "for the committee", "for you")
            .await
            .unwrap();
    }
    let server = TestServer::start(f.app.clone()).await;
    let base = format!("/review/{}/{}", f.edition, f.event);
    let api = format!("/api/v1/editions/{}/events/{}/review", f.edition, f.event);

    let frob = f.cookie("rev-frob@committee.test");
    let (status, list) = get(&server, &format!("{base}/"), &frob).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.contains("RV5") && list.contains("Talk RV5"), "{list}");
    assert!(list.contains("This review is blind"));
    assert_blind("the reviewer's list", &list);
    for code in ["RV0", "RV3", "RV5"] {
        let (status, page) = get(&server, &format!("{base}/proposals/{code}"), &frob).await;
        assert_eq!(status, StatusCode::OK, "{code}");
        assert_blind(code, &page);
    }
    // A hard conflict's refusal says nothing of who.
    let rev_q = f.cookie("rev-quux@committee.test");
    let (status, page) = get(&server, &format!("{base}/proposals/RV0"), &rev_q).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_blind("a conflict's refusal", &page);
    let (_, list) = get(&server, &format!("{base}/"), &rev_q).await;
    assert!(!list.contains("RV0"), "a hard conflict is not listed");

    // JSON: no speakers field at all.
    let (status, json) = get(&server, &format!("{api}/proposals"), &frob).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(!json.contains("\"speakers\""), "{json}");
    assert_blind("the proposals' JSON", &json);

    // Co-chairs of a blind review: ranking, its JSON, the dashboard and the CSV are blind too.
    let chair_cookie = f.cookie("chair@committee.test");
    for path in [
        format!("{base}/ranking"),
        format!("{base}/ranking?sort=spread"),
        format!("{base}/dashboard"),
        format!("{base}/reviews.csv"),
        format!("{api}/ranking"),
        format!("{base}/proposals/RV5"),
    ] {
        let (status, body) = get(&server, &path, &chair_cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_blind(&path, &body);
    }
    let (_, csv) = get(&server, &format!("{base}/reviews.csv"), &chair_cookie).await;
    assert!(
        csv.starts_with("\"code\",\"title\",\"track\",\"status\",\"reviewer\""),
        "{csv}"
    );
    assert!(csv.contains("for the committee"));

    // Organizers see who the speakers are.
    let orga = f.cookie("orga@committee.test");
    let (_, ranking) = get(&server, &format!("{base}/ranking"), &orga).await;
    assert!(
        ranking.contains("Zelda Quux") && ranking.contains("Quuxcorp Inc"),
        "{ranking}"
    );
    let (_, csv) = get(&server, &format!("{base}/reviews.csv"), &orga).await;
    assert!(
        csv.contains("Victor Thud") && csv.contains("Thudmore"),
        "{csv}"
    );
    let (_, json) = get(&server, &format!("{api}/ranking"), &orga).await;
    assert!(json.contains("victor.thud@speakers.test"), "{json}");

    // Mail to reviewers, at a real SMTP server: the proposals by code and title only.
    let smtp = SmtpServer::start().await;
    let worker = MailWorker::new(
        f.app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <noreply@hallway.test>"),
    )
    .unwrap();
    worker.send_due().await.unwrap();
    let received = smtp.messages();
    let to_reviewers: Vec<&String> = received
        .iter()
        .filter(|m| m.contains("@committee.test") && m.contains("to review"))
        .collect();
    assert!(to_reviewers.len() >= 4, "{received:#?}");
    for m in to_reviewers {
        assert!(m.contains("RV") && m.contains("/review/"), "{m}");
        assert_blind("a reviewer's mail", m);
    }
    server.stop().await;
}

async fn decisions_race_safely_and_a_bulk_decision_is_all_or_none(db: TestDb) {
    let f = fixture(&db, true).await;
    let (one, two) = (
        f.ctx("chair@committee.test").await,
        f.ctx("chair2@committee.test").await,
    );
    // Six decisions at once by two co-chairs. Each reads the proposal's state and changes it
    // only if it is still that state: whatever the interleaving, the log is one chain (every
    // change starts from the state the previous one left), every refusal is a conflict naming
    // the proposal, and each decision that took effect queued its mail.
    let codes = vec!["RV5".to_owned()];
    let decisions = [Decision::Accept, Decision::Reject, Decision::Waitlist];
    let results = futures_join_all(
        (0..6)
            .map(|i| {
                let ctx = if i % 2 == 0 { &one } else { &two };
                f.app.decide(ctx, &codes, decisions[i % 3])
            })
            .collect(),
    )
    .await;
    let won: Vec<usize> = (0..6).filter(|&i| results[i].is_ok()).collect();
    assert!(!won.is_empty(), "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(
                matches!(e, AppError::Conflict(m) if m.contains("RV5")),
                "{e:?}"
            );
        }
    }
    let id = f.store.submission("RV5").await.unwrap().id;
    let log = f.store.submission_log(id).await.unwrap();
    let changes: Vec<_> = log.iter().filter(|l| l.action != "create").collect();
    assert_eq!(changes.len(), won.len(), "{log:?}");
    let mut state = "submitted".to_owned();
    for c in &changes {
        assert_eq!(
            c.from, state,
            "a change from a state it was no longer in: {log:?}"
        );
        state = c.to.clone();
    }
    assert_eq!(f.status("RV5").await.as_str(), state);
    let kinds: HashSet<&str> = won.iter().map(|&i| decisions[i % 3].kind()).collect();
    let mails = f.app.outbox(&operator(), 100).await.unwrap();
    let decision_mails: Vec<_> = mails
        .iter()
        .filter(|m| m.key.starts_with("decision."))
        .collect();
    assert_eq!(decision_mails.len(), kinds.len(), "{decision_mails:?}");
    assert!(
        decision_mails
            .iter()
            .all(|m| m.recipient == "victor.thud@speakers.test")
    );

    // Bulk: RV6 is the co-chair's own, so the whole decision is refused and RV1 stays.
    let e = f
        .app
        .decide(&one, &["RV1".into(), "RV6".into()], Decision::Accept)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Forbidden(m) if m.contains("RV6")),
        "{e}"
    );
    assert_eq!(f.status("RV1").await, Status::Submitted);

    // A soft conflict: the co-chair sees it and may review, but not decide.
    f.app
        .declare_conflict(&one, "RV4", Severity::Soft)
        .await
        .unwrap();
    let ranking = f.app.ranking(&one, RankOrder::Code).await.unwrap();
    let row = ranking.rows.iter().find(|r| r.view.code == "RV4").unwrap();
    assert_eq!(row.conflict, Some(Severity::Soft));
    assert!(f.app.proposal_review(&one, "RV4").await.is_ok());
    assert!(matches!(
        f.app.decide(&one, &["RV4".into()], Decision::Reject).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(f.status("RV4").await, Status::Submitted);

    // Many at once, in one transaction.
    let n = f
        .app
        .decide(
            &two,
            &["RV1".into(), "RV2".into(), "RV4".into(), "RV1".into()],
            Decision::Waitlist,
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    for code in ["RV1", "RV2", "RV4"] {
        assert_eq!(f.status(code).await, Status::Waitlisted);
    }
    // A reviewer decides nothing.
    let rev = f.ctx("rev-free@committee.test").await;
    assert!(matches!(
        f.app.decide(&rev, &["RV0".into()], Decision::Accept).await,
        Err(AppError::Forbidden(_))
    ));
}

async fn decision_mails_reach_the_speakers_with_a_link_and_only_their_comments(db: TestDb) {
    let f = fixture(&db, true).await;
    let chair = f.ctx("chair@committee.test").await;
    f.app.run_assignment(&chair).await.unwrap();
    for (code, reviewer, _) in assignments(&f).await {
        if code == "RV5" {
            let ctx = f.ctx(&reviewer).await;
            f.app
                .score(
                    &ctx,
                    "RV5",
                    &[5, 5],
                    "COMMITTEE-ONLY remark",
                    "A remark meant for the speaker",
                )
                .await
                .unwrap();
        }
    }
    f.app
        .decide(&chair, &["RV5".into()], Decision::Accept)
        .await
        .unwrap();
    f.app
        .decide(&chair, &["RV1".into()], Decision::Reject)
        .await
        .unwrap();
    let smtp = SmtpServer::start().await;
    let worker = MailWorker::new(
        f.app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <noreply@hallway.test>"),
    )
    .unwrap();
    worker.send_due().await.unwrap();
    let received = smtp.messages();
    let accepted = received
        .iter()
        .find(|m| m.contains("To: victor.thud@speakers.test"))
        .unwrap_or_else(|| panic!("{received:#?}"));
    assert!(
        accepted.contains("Subject: Accepted: Talk RV5"),
        "{accepted}"
    );
    assert!(accepted.contains("Hello Victor Thud"), "{accepted}");
    assert!(
        accepted.contains("A remark meant for the speaker"),
        "{accepted}"
    );
    assert!(!accepted.contains("COMMITTEE-ONLY"), "{accepted}");
    assert!(
        !accepted.contains("@committee.test"),
        "no reviewer named: {accepted}"
    );
    let at = accepted
        .find("http://hallway.test/cfp/confirm?token=")
        .expect("a confirmation link")
        + "http://hallway.test/cfp/confirm?token=".len();
    let token = &accepted[at..at + 64];
    let rejected = received
        .iter()
        .find(|m| m.contains("To: yannick.frobozz@speakers.test"))
        .unwrap();
    assert!(rejected.contains("could not accept"), "{rejected}");
    assert!(!rejected.contains("confirm?token"), "{rejected}");

    // The link confirms once.
    assert_eq!(f.app.confirm_by_link(token).await.unwrap(), "RV5");
    assert_eq!(f.status("RV5").await, Status::Confirmed);
    assert!(f.app.confirm_by_link(token).await.is_err());
    assert!(f.app.confirm_by_link(&"0".repeat(64)).await.is_err());

    // The same decision again queues no second mail (the key is per proposal and decision).
    f.app
        .decide(&chair, &["RV1".into()], Decision::Waitlist)
        .await
        .unwrap();
    f.app
        .decide(&chair, &["RV1".into()], Decision::Reject)
        .await
        .unwrap();
    let to_yannick = f
        .app
        .outbox(&operator(), 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.recipient == "yannick.frobozz@speakers.test")
        .count();
    assert_eq!(to_yannick, 2, "rejected once, waitlisted once");
}

async fn post_form(
    server: &TestServer,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut body = format!("csrf={CSRF}");
    for (k, v) in form {
        body.push_str(&format!("&{k}={}", v.replace(' ', "+")));
    }
    client()
        .post(server.url(path))
        .header(COOKIE, cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn reviewers_and_co_chairs_work_through_forms_and_the_api(db: TestDb) {
    let f = fixture(&db, false).await;
    let server = TestServer::start(f.app.clone()).await;
    let base = format!("/review/{}/{}", f.edition, f.event);
    let api = format!("/api/v1/editions/{}/events/{}/review", f.edition, f.event);
    let frob = f.cookie("rev-frob@committee.test");
    let chair = f.cookie("chair@committee.test");

    // Not blind: the reviewer sees who the speakers are.
    let (_, list) = get(&server, &format!("{base}/"), &frob).await;
    assert!(list.contains("Victor Thud, Thudmore"), "{list}");
    // A bid by form.
    let r = post_form(
        &server,
        &format!("{base}/bids"),
        &frob,
        &[("code", "RV5"), ("bid", "eager")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A form without its token changes nothing.
    let r = client()
        .post(server.url(&format!("{base}/bids")))
        .header(COOKIE, &frob)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("code=RV5&bid=conflict")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let board = f
        .store
        .board(&slug(&f.edition), &slug(&f.event), None)
        .await
        .unwrap();
    assert_eq!(board.bids.len(), 1);
    assert_eq!(board.bids[0].2, Bid::Eager);

    // Assignment by form, as a co-chair: the run's page says what it did.
    let r = post_form(&server, &format!("{base}/assign"), &chair, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Assignment run 1") && page.contains("RV6"),
        "{page}"
    );
    let r = post_form(&server, &format!("{base}/assign"), &frob, &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let pairs = assignments(&f).await;
    assert!(
        pairs.contains(&("RV5".into(), "rev-frob@committee.test".into(), 1)),
        "the eager bid: {pairs:?}"
    );

    // A review by form.
    let r = post_form(
        &server,
        &format!("{base}/proposals/RV5"),
        &frob,
        &[
            ("score0", "4"),
            ("score1", "5"),
            ("committee_comment", "good talk"),
            ("speaker_comment", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&server, &format!("{base}/proposals/RV5"), &frob).await;
    assert!(
        page.contains("good talk") && page.contains("value=\"4\""),
        "{page}"
    );
    // Outside the reviewer's tracks, by form: refused with the reason.
    let rev_ai = f.cookie("rev-ai@committee.test");
    let r = post_form(
        &server,
        &format!("{base}/proposals/RV5"),
        &rev_ai,
        &[("score0", "1"), ("score1", "1")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("do not review"));

    // The API, with a token: the list, a bid and a review.
    let (token, _) = {
        let (_, secret) = f
            .app
            .create_api_token(
                &f.people["rev-quux@committee.test"].0,
                &f.edition,
                Some(&f.event),
                "write",
                "script",
            )
            .await
            .unwrap();
        (secret.expose().to_owned(), ())
    };
    let bearer = format!("Bearer {token}");
    let r = client()
        .get(server.url(&format!("{api}/proposals")))
        .header(AUTHORIZATION, &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let items: serde_json::Value = r.json().await.unwrap();
    let codes: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"RV0"),
        "rev-quux's conflict is not listed: {codes:?}"
    );
    assert!(items[0]["speakers"].is_array(), "{items}");
    let r = client()
        .post(server.url(&format!("{api}/proposals/RV5/bid")))
        .header(AUTHORIZATION, &bearer)
        .header("content-type", "application/json")
        .body(r#"{"bid":"willing"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let quux_pair = pairs
        .iter()
        .find(|p| p.1 == "rev-quux@committee.test")
        .unwrap();
    let r = client()
        .post(server.url(&format!("{api}/proposals/{}/review", quux_pair.0)))
        .header(AUTHORIZATION, &bearer)
        .header("content-type", "application/json")
        .body(r#"{"scores":[5,5],"committee_comment":"by script"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let scored: serde_json::Value = r.json().await.unwrap();
    assert_eq!(scored["total"], 100.0);
    let r = client()
        .post(server.url(&format!("{api}/decisions")))
        .header(AUTHORIZATION, &bearer)
        .header("content-type", "application/json")
        .body(r#"{"codes":["RV5"],"decision":"accept"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a reviewer's token decides nothing"
    );

    // Decisions by checkbox, as a co-chair; then the ranking says how many.
    let r = post_form(
        &server,
        &format!("{base}/decisions"),
        &chair,
        &[
            ("pick.RV5", "on"),
            ("pick.RV2", "on"),
            ("decision", "accept"),
            ("sort", "spread"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(to.ends_with("/ranking?sort=spread&done=2"), "{to}");
    assert_eq!(f.status("RV5").await, Status::Accepted);
    assert_eq!(f.status("RV2").await, Status::Accepted);
    let (_, page) = get(&server, &to, &chair).await;
    assert!(page.contains("2 proposals decided"), "{page}");
    // The same again is a conflict: an accepted proposal cannot be accepted.
    let r = post_form(
        &server,
        &format!("{base}/decisions"),
        &chair,
        &[("pick.RV5", "on"), ("decision", "accept")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    server.stop().await;
}

async fn organizers_edit_preview_and_save_decision_mails(db: TestDb) {
    let f = fixture(&db, true).await;
    let server = TestServer::start(f.app.clone()).await;
    let path = format!("/orga/{}/{}/mail/accepted", f.edition, f.event);
    let orga = f.cookie("orga@committee.test");
    let (status, page) = get(&server, &path, &orga).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("The built-in text") && page.contains("confirm_url"),
        "{page}"
    );
    // Co-chairs do not edit the mails.
    let (status, _) = get(&server, &path, &f.cookie("chair@committee.test")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A broken template is refused with its line, and not saved.
    let r = post_form(
        &server,
        &format!("{path}/preview"),
        &orga,
        &[
            ("subject", "Yes"),
            ("body", "Hello%0A{{ no_such_thing }}%0A"),
            ("code", "RV5"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("the body, line 2"), "{page}");
    let r = post_form(
        &server,
        &path,
        &orga,
        &[("subject", "Yes"), ("body", "{% if %}")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("line 1"));

    // A preview against a chosen proposal, before saving.
    let r = post_form(
        &server,
        &format!("{path}/preview"),
        &orga,
        &[
            ("subject", "Yes: {{ title }}"),
            (
                "body",
                "Dear {{ speaker_name }}, confirm at {{ confirm_url }}",
            ),
            ("code", "RV5"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Yes: Talk RV5") && page.contains("Dear Victor Thud"),
        "{page}"
    );
    assert!(
        !f.app
            .decision_template(&operator(), &f.edition, &f.event, "accepted")
            .await
            .unwrap()
            .custom,
        "a preview saves nothing"
    );
    // Saved, it is what the speakers get.
    let r = post_form(
        &server,
        &path,
        &orga,
        &[
            ("subject", "Yes: {{ title }}"),
            (
                "body",
                "Dear {{ speaker_name }}, confirm at {{ confirm_url }}",
            ),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Saved"));
    let chair = f.ctx("chair@committee.test").await;
    f.app
        .decide(&chair, &["RV5".into()], Decision::Accept)
        .await
        .unwrap();
    let mail = f
        .app
        .outbox(&operator(), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == "victor.thud@speakers.test")
        .unwrap();
    assert_eq!(mail.subject, "Yes: Talk RV5");
    // A rejection template may not use the confirmation link.
    let e = f
        .app
        .put_decision_template(
            &operator(),
            &f.edition,
            &f.event,
            "rejected",
            "No",
            "{{ confirm_url }}",
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
    server.stop().await;
}

/// Every review page type, snapshotted whole (a blind review, seen by a reviewer, a co-chair
/// and an organizer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_review_page_type_as_it_reads() {
    let db = TestDb::sqlite();
    let f = fixture(&db, true).await;
    let server = TestServer::start(f.app.clone()).await;
    let base = format!("/review/{}/{}", f.edition, f.event);
    let stable = super::pages::stable;
    let chair = f.cookie("chair@committee.test");
    let r = post_form(&server, &format!("{base}/assign"), &chair, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    insta::assert_snapshot!(
        "review_assigned",
        crate::pages::stable(&stable(&r.text().await.unwrap()))
    );
    let pairs = assignments(&f).await;
    for (i, (code, reviewer, _)) in pairs.iter().enumerate() {
        let ctx = f.ctx(reviewer).await;
        f.app
            .score(
                &ctx,
                code,
                &[(i % 6) as u32, 3],
                &format!("committee note {i}"),
                "",
            )
            .await
            .unwrap();
    }
    let frob = f.cookie("rev-frob@committee.test");
    let (_, list) = get(&server, &format!("{base}/"), &frob).await;
    insta::assert_snapshot!("review_list", crate::pages::stable(&stable(&list)));
    let mine = &pairs
        .iter()
        .find(|p| p.1 == "rev-frob@committee.test")
        .unwrap()
        .0;
    let (_, page) = get(&server, &format!("{base}/proposals/{mine}"), &frob).await;
    insta::assert_snapshot!("review_proposal", crate::pages::stable(&stable(&page)));
    for (name, path) in [
        ("review_ranking", format!("{base}/ranking")),
        ("review_dashboard", format!("{base}/dashboard")),
    ] {
        let (status, page) = get(&server, &path, &chair).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        insta::assert_snapshot!(name, crate::pages::stable(&stable(&page)));
    }
    let orga = f.cookie("orga@committee.test");
    let (_, page) = get(
        &server,
        &format!("/orga/{}/{}/mail/accepted", f.edition, f.event),
        &orga,
    )
    .await;
    insta::assert_snapshot!("orga_mail", crate::pages::stable(&stable(&page)));
    server.stop().await;
}

async fn a_speaker_declares_a_conflict_with_a_reviewer(db: TestDb) {
    let f = fixture(&db, true).await;
    let (viewer, _) = account(&f.app, &f.store, "speaker@speakers.test").await;
    f.app
        .grant_role(
            &operator(),
            &f.edition,
            Some(&f.event),
            "speaker@speakers.test",
            Role::Speaker,
        )
        .await
        .unwrap();
    let ev = f.event.clone();
    submit(&f, &ev, "SP1", "security", &[viewer.user()]).await;
    let member = f
        .app
        .member_ctx(&viewer, &f.edition, Some(&f.event), "speaker")
        .await
        .unwrap();
    f.app
        .declare_conflict_as_speaker(&member, "rev-free@committee.test", Severity::Hard)
        .await
        .unwrap();
    // An address without an account answers alike and records nothing.
    f.app
        .declare_conflict_as_speaker(&member, "nobody@committee.test", Severity::Hard)
        .await
        .unwrap();
    let free = f.ctx("rev-free@committee.test").await;
    let list = f.app.review_list(&free).await.unwrap();
    assert!(!list.items.iter().any(|i| i.view.code == "SP1"));
    assert!(
        matches!(f.app.bid(&free, "SP1", Bid::Eager).await, Ok(())),
        "a bid says nothing of the conflict"
    );
    f.app
        .run_assignment(&f.ctx("chair@committee.test").await)
        .await
        .unwrap();
    assert!(
        !assignments(&f)
            .await
            .contains(&("SP1".into(), "rev-free@committee.test".into(), 1))
    );
    check_invariants(&f).await;
    // A reviewer is no speaker: the speaker's function refuses them.
    let as_reviewer = f
        .app
        .member_ctx(
            &f.people["rev-free@committee.test"].0,
            &f.edition,
            Some(&f.event),
            "speaker",
        )
        .await;
    assert!(matches!(as_reviewer, Err(AppError::Forbidden(_))));
}

async fn the_review_store_keeps_runs_reviews_templates_and_links_as_promised(db: TestDb) {
    use hallway_store::StoreError;
    let f = fixture(&db, true).await;
    let (ed, ev) = (slug(&f.edition), slug(&f.event));
    let cfp = f.store.cfp_id(&ed, &ev).await.unwrap();
    let board = f.store.board(&ed, &ev, None).await.unwrap();
    let id = |code: &str| board.proposals.iter().find(|p| p.code == code).unwrap().id;
    let (a, b) = (
        f.user("rev-free@committee.test"),
        f.user("rev-frob@committee.test"),
    );
    assert_eq!(f.store.last_run(cfp).await.unwrap(), None);
    let short = vec![("RV6".to_owned(), 1, "why".to_owned())];
    let one = f
        .store
        .add_assignments(cfp, &[(id("RV5"), a), (id("RV0"), b)], &short, None, 10)
        .await
        .unwrap();
    // A pair that exists keeps its run; the new one gets the next.
    let two = f
        .store
        .add_assignments(cfp, &[(id("RV5"), a), (id("RV3"), b)], &[], Some(a), 20)
        .await
        .unwrap();
    assert_eq!((one, two), (1, 2));
    let mut runs: Vec<(i64, i64)> = f
        .store
        .board(&ed, &ev, None)
        .await
        .unwrap()
        .assignments
        .iter()
        .map(|x| (x.0, x.2))
        .collect();
    runs.sort();
    let mut expected = vec![(id("RV5"), 1), (id("RV0"), 1), (id("RV3"), 2)];
    expected.sort();
    assert_eq!(runs, expected);
    let last = f.store.last_run(cfp).await.unwrap().unwrap();
    assert_eq!((last.run, last.added, last.short.len()), (2, 1, 0));

    // Bids and reviews are one per pair: a second replaces the first.
    f.store.put_bid(id("RV5"), a, Bid::Eager, 1).await.unwrap();
    f.store
        .put_bid(id("RV5"), a, Bid::NotWilling, 2)
        .await
        .unwrap();
    let mut review = hallway_store::StoredReview {
        submission: id("RV5"),
        reviewer: a,
        scores: vec![1, 2],
        total: 26.7,
        committee_comment: "first".into(),
        speaker_comment: String::new(),
        updated_at: 1,
    };
    f.store.put_review(&review, 1).await.unwrap();
    review.scores = vec![5, 5];
    review.total = 100.0;
    review.committee_comment = "second".into();
    f.store.put_review(&review, 2).await.unwrap();
    let board = f.store.board(&ed, &ev, None).await.unwrap();
    assert_eq!(board.bids, [(id("RV5"), a, Bid::NotWilling)]);
    assert_eq!(board.reviews.len(), 1);
    assert_eq!(board.reviews[0].scores, [5, 5]);
    assert_eq!(board.reviews[0].committee_comment, "second");

    // Templates: none until one is put, then the latest.
    assert!(matches!(
        f.store.mail_template(cfp, "accepted").await,
        Err(StoreError::NotFound(_))
    ));
    f.store
        .put_mail_template(cfp, "accepted", "S1", "B1", 1)
        .await
        .unwrap();
    f.store
        .put_mail_template(cfp, "accepted", "S2", "B2", 2)
        .await
        .unwrap();
    assert_eq!(
        f.store.mail_template(cfp, "accepted").await.unwrap(),
        ("S2".to_owned(), "B2".to_owned())
    );

    // Near duplicates (found by the CFP's side) are flagged on both proposals in the ranking.
    let sql = format!(
        "INSERT INTO near_duplicates (first_id, second_id, similarity) VALUES ({}, {}, 0.8)",
        id("RV1").min(id("RV2")),
        id("RV1").max(id("RV2"))
    );
    match &f.store {
        Store::Sqlite(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .map(|_| ()),
        Store::Postgres(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .unwrap();
    let ranking = f
        .app
        .ranking(&f.ctx("chair@committee.test").await, RankOrder::Code)
        .await
        .unwrap();
    let dups = |code: &str| {
        ranking
            .rows
            .iter()
            .find(|r| r.view.code == code)
            .unwrap()
            .duplicates
            .clone()
    };
    assert_eq!(dups("RV1"), ["RV2"]);
    assert_eq!(dups("RV2"), ["RV1"]);
    assert!(dups("RV5").is_empty());

    // A confirmation link works once, even when used twice at the same moment; an expired one
    // never.
    f.store
        .add_confirm_token("h1", id("RV5"), 1_000, 10)
        .await
        .unwrap();
    let (x, y) = tokio::join!(
        f.store.use_confirm_token("h1", 500),
        f.store.use_confirm_token("h1", 500)
    );
    assert_eq!(
        [x.is_ok(), y.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{x:?} {y:?}"
    );
    assert_eq!(x.or(y).unwrap(), id("RV5"));
    f.store
        .add_confirm_token("h2", id("RV5"), 1_000, 10)
        .await
        .unwrap();
    assert!(matches!(
        f.store.use_confirm_token("h2", 1_000).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Polls every future to completion at once (as `join_all` would), on this task.
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in futures.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("polled to the end"))
        .collect()
}
