//! An accepted speaker confirms; the talk becomes a session of the work in progress, which the
//! optimizer then places, on both backends.

use hallway_store::{CfpStore, NewSubmission, OutboxStore, SubmissionStore, Transition};
use hallway_testkit::domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalText, ProposalType};
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{SessionType, Slug};
use hallway_testkit::hallway_app::scheduler::anneal::Budget;
use hallway_testkit::hallway_app::{AppError, SolveOptions, StaleProposal};
use hallway_testkit::{TestDb, signed_in};

on_both_backends!(a_confirmed_talk_joins_the_work_in_progress_and_is_placed);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

async fn a_confirmed_talk_joins_the_work_in_progress_and_is_placed(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let orga = hallway_testkit::operator();
    let edition = slug(&hallway_testkit::released_kubecon(&app).await);
    let event = app
        .work_in_progress(&orga, edition.as_str())
        .await
        .unwrap()
        .schedule
        .events[0]
        .slug
        .clone();
    let cfp = CallForPapers {
        event: event.clone(),
        opens_at: jiff::Timestamp::from_second(0).unwrap(),
        closes_at: jiff::Timestamp::from_second(4_000_000_000).unwrap(),
        per_speaker: 2,
        blind: false,
        reviews_per_proposal: 3,
        reviewer_cap: 20,
        description: String::new(),
        session_types: vec![ProposalType {
            slug: slug("talk"),
            name: "Session presentation".into(),
            minutes: 30,
        }],
        tracks: vec![CfpTrack {
            slug: slug("zero-trust"),
            name: "Zero trust".into(),
        }],
        criteria: vec![],
        questions: vec![],
    };
    cfp.check().unwrap();
    store.put_cfp(&edition, &cfp, 1).await.unwrap();
    let ada = signed_in(&app, &store, "ada@example.org").await;
    let eve = signed_in(&app, &store, "eve@example.org").await;
    let profile = Profile {
        name: "Ada Lovelace".into(),
        affiliation: "Analytical Engines".into(),
        bio: "Wrote the first program.".into(),
        ..Profile::default()
    };
    store.put_profile(ada.user(), &profile, 1).await.unwrap();
    let text = ProposalText {
        title: "Proofs for pipelines".into(),
        abstract_: "Signed builds, end to end.".into(),
        notes: String::new(),
        session_type: slug("talk"),
        track: slug("zero-trust"),
        answers: vec![],
    };
    let id = store
        .create_submission(
            &NewSubmission {
                edition: &edition,
                event: &event,
                code: "conf1",
                speakers: &[ada.user()],
                text: &text,
                answers: &[],
                status: Status::Submitted,
                per_speaker: 2,
                forwarded_from: None,
            },
            1,
        )
        .await
        .unwrap()
        .id;
    // Not accepted yet: nothing to confirm.
    let early = app.confirm_proposal(&ada, "conf1").await;
    assert!(matches!(early, Err(AppError::Conflict(_))), "{early:?}");
    let accept = Transition {
        submission: id,
        from: Status::Submitted,
        to: Status::Accepted,
        action: "accept",
        by: None,
        mails: vec![],
    };
    store.transition(&[accept], 2).await.unwrap();
    // Unconfirmed past its first days: one reminder, however often the sweep runs.
    let later = jiff::Timestamp::from_second(2 + 4 * 24 * 3600).unwrap();
    assert_eq!(app.remind_unconfirmed(later).await.unwrap(), 1);
    assert_eq!(app.remind_unconfirmed(later).await.unwrap(), 1);
    let reminders: Vec<_> = store
        .outbox(100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.starts_with("Please confirm"))
        .collect();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].recipient, "ada@example.org");
    let other = app.confirm_proposal(&eve, "conf1").await;
    assert!(matches!(other, Err(AppError::NotFound(_))), "{other:?}");

    let confirmed = app.confirm_proposal(&ada, "conf1").await.unwrap();
    assert_eq!(confirmed.status, Status::Confirmed);
    let guid = store
        .submission("conf1")
        .await
        .unwrap()
        .session_guid
        .expect("the session it became");
    let wip = app
        .work_in_progress(&orga, edition.as_str())
        .await
        .unwrap()
        .schedule;
    let session = wip
        .sessions
        .iter()
        .find(|x| x.guid.to_string() == guid)
        .expect("the session is in the work in progress");
    assert_eq!(session.title, "Proofs for pipelines");
    assert_eq!(session.session_type, SessionType::Talk);
    assert_eq!(session.duration_minutes, 30);
    assert_eq!(session.track, Some(slug("zero-trust")));
    assert!(session.slots.is_empty(), "not placed yet");
    let speaker = wip.speaker(&session.speakers[0]).unwrap();
    assert_eq!(speaker.name, "Ada Lovelace");
    assert_eq!(speaker.affiliation.as_deref(), Some("Analytical Engines"));
    assert!(wip.tracks.iter().any(|t| t.slug.as_str() == "zero-trust"));
    // Confirming twice is refused; scheduling again adds nothing.
    let a_week_on = later + jiff::SignedDuration::from_hours(24 * 7);
    assert_eq!(
        app.remind_unconfirmed(a_week_on).await.unwrap(),
        0,
        "confirmed"
    );
    let twice = app.confirm_proposal(&ada, "conf1").await;
    assert!(matches!(twice, Err(AppError::Conflict(_))), "{twice:?}");
    assert!(
        app.schedule_confirmed(&orga, edition.as_str())
            .await
            .unwrap()
            .is_empty()
    );

    // The optimizer places it in the rooms and times the other talks use.
    let options = SolveOptions {
        budget: Budget::iterations(20_000),
        seed: 3,
        threads: 1,
        keep_close: true,
        interest: None,
        from_scratch: false,
    };
    app.solve_schedule(&orga, edition.as_str(), options)
        .await
        .unwrap();
    app.apply_proposal(&orga, edition.as_str(), None, StaleProposal::Refuse)
        .await
        .unwrap();
    let wip = app
        .work_in_progress(&orga, edition.as_str())
        .await
        .unwrap()
        .schedule;
    let placed = wip
        .sessions
        .iter()
        .find(|x| x.guid.to_string() == guid)
        .unwrap();
    assert_eq!(placed.slots.len(), 1, "{placed:?}");
    assert!(placed.slots[0].room.is_some());
    assert_eq!(
        placed.slots[0].end.duration_since(placed.slots[0].start),
        jiff::SignedDuration::from_mins(30)
    );
}
