//! Calls for papers and proposals in the store, on both backends: settings round-trip,
//! the limit per speaker and decisions hold when writers race.

use hallway_store::{
    AccountStore, CfpStore, NewMail, NewSubmission, StoreError, SubmissionStore, Transition,
};
use hallway_testkit::TestDb;
use hallway_testkit::domain::cfp::{
    CallForPapers, CfpTrack, Profile, ProposalText, ProposalType, Question, QuestionKind,
};
use hallway_testkit::domain::review::scores::Criterion;
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Email, Slug, UserId};
use hallway_testkit::hallway_app::Store;

on_both_backends!(
    a_cfp_round_trips_and_questions_keep_their_answers,
    the_limit_per_speaker_holds_when_two_submit_at_once,
    two_decisions_at_once_make_one_change_and_one_mail,
);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

/// An edition with an event, a CFP on it, and `n` accounts.
async fn setup(db: &TestDb, n: usize) -> (Store, Slug, Slug, Vec<UserId>) {
    let app = db.app().await;
    let edition = hallway_testkit::released_kubecon_sample(&app).await;
    let store = db.store().await;
    let edition = slug(&edition);
    let event = store.work_in_progress_events(&edition).await;
    store
        .put_cfp(&edition, &cfp(event.clone(), vec![question(None)]), 1)
        .await
        .unwrap();
    let mut users = Vec::new();
    for i in 0..n {
        let email = Email::parse(&format!("s{i}@example.org")).unwrap();
        users.push(
            store
                .create_user(&email, "x", false, Some(1), 1)
                .await
                .unwrap(),
        );
    }
    (store, edition, event, users)
}

trait FirstEvent {
    async fn work_in_progress_events(&self, edition: &Slug) -> Slug;
}

impl FirstEvent for Store {
    async fn work_in_progress_events(&self, edition: &Slug) -> Slug {
        use hallway_store::ScheduleStore;
        self.work_in_progress(edition)
            .await
            .unwrap()
            .schedule
            .events[0]
            .slug
            .clone()
    }
}

fn question(id: Option<i64>) -> Question {
    Question {
        id,
        prompt: "Level".into(),
        kind: QuestionKind::Choice(vec!["beginner".into(), "expert".into()]),
        required: true,
        session_types: vec![],
        tracks: vec![],
    }
}

fn cfp(event: Slug, questions: Vec<Question>) -> CallForPapers {
    CallForPapers {
        event,
        opens_at: jiff::Timestamp::from_second(0).unwrap(),
        closes_at: jiff::Timestamp::from_second(4_000_000_000).unwrap(),
        per_speaker: 1,
        blind: true,
        reviews_per_proposal: 3,
        reviewer_cap: 20,
        description: "Tell us.".into(),
        session_types: vec![ProposalType {
            slug: slug("talk"),
            name: "Talk".into(),
            minutes: 30,
        }],
        tracks: vec![CfpTrack {
            slug: slug("security"),
            name: "Security".into(),
        }],
        criteria: vec![Criterion {
            name: "Relevance".into(),
            weight: 2.0,
            max: 5,
        }],
        questions,
    }
}

fn text(title: &str) -> ProposalText {
    ProposalText {
        title: title.into(),
        abstract_: "An abstract.".into(),
        notes: String::new(),
        session_type: slug("talk"),
        track: slug("security"),
        answers: vec![],
    }
}

async fn submit(
    store: &Store,
    edition: &Slug,
    event: &Slug,
    code: &str,
    speakers: &[UserId],
    answers: &[(i64, String)],
) -> Result<i64, StoreError> {
    let t = text(code);
    store
        .create_submission(
            &NewSubmission {
                edition,
                event,
                code,
                speakers,
                text: &t,
                answers,
                status: Status::Submitted,
                per_speaker: 1,
                forwarded_from: None,
            },
            10,
        )
        .await
        .map(|s| s.id)
}

async fn a_cfp_round_trips_and_questions_keep_their_answers(db: TestDb) {
    let (store, edition, event, users) = setup(&db, 1).await;
    let stored = store.cfp(&edition, &event).await.unwrap();
    let q = stored.questions[0].id.expect("a stored question has an id");
    assert_eq!(stored, cfp(event.clone(), vec![question(Some(q))]));

    let id = submit(
        &store,
        &edition,
        &event,
        "p1",
        &users,
        &[(q, "expert".into())],
    )
    .await
    .unwrap();
    // Editing the CFP: the kept question moves behind a new one and keeps its answer.
    let mut new = question(None);
    new.prompt = "Demo?".into();
    new.kind = QuestionKind::Boolean;
    store
        .put_cfp(
            &edition,
            &cfp(event.clone(), vec![new, question(Some(q))]),
            2,
        )
        .await
        .unwrap();
    let stored = store.cfp(&edition, &event).await.unwrap();
    assert_eq!(stored.questions[1].id, Some(q));
    assert_eq!(store.answers(id).await.unwrap(), vec![(q, "expert".into())]);
    // Dropping it drops its answers.
    store
        .put_cfp(&edition, &cfp(event.clone(), vec![]), 3)
        .await
        .unwrap();
    assert!(store.answers(id).await.unwrap().is_empty());

    let profile = Profile {
        name: "Ada".into(),
        affiliation: "Google LLC".into(),
        ..Profile::default()
    };
    store.put_profile(users[0], &profile, 1).await.unwrap();
    assert_eq!(store.profile(users[0]).await.unwrap(), profile);
    let listed = store.submissions(&edition, &event).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].speakers, users);
    assert_eq!(store.submissions_of(users[0]).await.unwrap(), listed);
}

async fn the_limit_per_speaker_holds_when_two_submit_at_once(db: TestDb) {
    let (store, edition, event, users) = setup(&db, 1).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let (store, edition, event, users) =
            (store.clone(), edition.clone(), event.clone(), users.clone());
        tasks.push(tokio::spawn(async move {
            submit(&store, &edition, &event, &format!("race{i}"), &users, &[]).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(m)) => assert!(m.contains("the most it takes"), "{m}"),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.submissions(&edition, &event).await.unwrap().len(), 1);
}

async fn two_decisions_at_once_make_one_change_and_one_mail(db: TestDb) {
    use hallway_store::OutboxStore;
    let (store, edition, event, users) = setup(&db, 1).await;
    let id = submit(&store, &edition, &event, "p1", &users, &[])
        .await
        .unwrap();
    let decide = |to: Status, action: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            let t = Transition {
                submission: id,
                from: Status::Submitted,
                to,
                action,
                by: None,
                mails: vec![NewMail {
                    key: format!("decision:{id}:{action}"),
                    recipient: "s0@example.org".into(),
                    subject: action.into(),
                    body: action.into(),
                }],
            };
            store.transition(&[t], 20).await
        })
    };
    let (a, b) = (
        decide(Status::Accepted, "accept"),
        decide(Status::Rejected, "reject"),
    );
    let results = [a.await.unwrap(), b.await.unwrap()];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(matches!(lost, StoreError::Conflict(m) if m.contains("no longer submitted")));
    let now = store.submission_by_id(id).await.unwrap().status;
    assert!(matches!(now, Status::Accepted | Status::Rejected));
    let log = store.submission_log(id).await.unwrap();
    assert_eq!(log.len(), 2, "created, then one decision: {log:?}");
    let outbox = store.outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].subject, log[1].action);
}
