//! A rejected talk's second chance at a partner event, and the transparency report, on both
//! backends.

use hallway_store::{CfpStore, NewSubmission, SubmissionStore, Transition};
use hallway_testkit::domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalText, ProposalType};
use hallway_testkit::domain::submission::Status;
use hallway_testkit::domain::{Slug, UserId};
use hallway_testkit::hallway_app::{App, AppError, EventRef, Store};
use hallway_testkit::{TestDb, signed_in};

on_both_backends!(
    a_rejected_talk_is_forwarded_by_all_its_speakers_and_imported_once,
    the_transparency_report_counts_tracks_newcomers_and_organisations,
);

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

fn cfp(event: &Slug, track: &str) -> CallForPapers {
    CallForPapers {
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
            name: "Talk".into(),
            minutes: 30,
        }],
        tracks: vec![CfpTrack {
            slug: slug(track),
            name: track.into(),
        }],
        criteria: vec![],
        questions: vec![],
    }
}

/// An edition with two events, each with a CFP: (edition, main, partner).
async fn two_cfps(app: &App, store: &Store, partner_track: &str) -> (Slug, Slug, Slug) {
    let edition = slug(&hallway_testkit::released_kubecon_sample(app).await);
    let orga = hallway_testkit::operator();
    let events = app
        .work_in_progress(&orga, edition.as_str())
        .await
        .unwrap()
        .schedule
        .events;
    let (main, partner) = (events[0].slug.clone(), events[1].slug.clone());
    store
        .put_cfp(&edition, &cfp(&main, "security"), 1)
        .await
        .unwrap();
    store
        .put_cfp(&edition, &cfp(&partner, partner_track), 1)
        .await
        .unwrap();
    (edition, main, partner)
}

async fn proposal(
    store: &Store,
    edition: &Slug,
    event: &Slug,
    code: &str,
    speakers: &[UserId],
    status: Status,
) -> i64 {
    let text = ProposalText {
        title: format!("Talk {code}"),
        abstract_: "What we learned.".into(),
        notes: String::new(),
        session_type: slug("talk"),
        track: slug("security"),
        answers: vec![],
    };
    let id = store
        .create_submission(
            &NewSubmission {
                edition,
                event,
                code,
                speakers,
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
    if status != Status::Submitted {
        let t = Transition {
            submission: id,
            from: Status::Submitted,
            to: status,
            action: "decide",
            by: None,
            mails: vec![],
        };
        store.transition(&[t], 2).await.unwrap();
    }
    id
}

async fn a_rejected_talk_is_forwarded_by_all_its_speakers_and_imported_once(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let (edition, main, partner) = two_cfps(&app, &store, "b-side").await;
    let orga = hallway_testkit::operator();
    let (ada, bob, eve) = (
        signed_in(&app, &store, "ada@example.org").await,
        signed_in(&app, &store, "bob@example.org").await,
        signed_in(&app, &store, "eve@example.org").await,
    );
    let speakers = [ada.user(), bob.user()];
    let rejected = proposal(&store, &edition, &main, "rej1", &speakers, Status::Rejected).await;
    proposal(
        &store,
        &edition,
        &main,
        "sub1",
        &speakers,
        Status::Submitted,
    )
    .await;
    let there = EventRef {
        edition: edition.clone(),
        event: partner.clone(),
    };
    app.set_partners(
        &orga,
        edition.as_str(),
        main.as_str(),
        std::slice::from_ref(&there),
    )
    .await
    .unwrap();

    let offers = app.forward_offers(&ada, "rej1").await.unwrap();
    assert_eq!(offers.len(), 1);
    assert!(!offers[0].agreed && !offers[0].forwarded);
    // Someone else's proposal is not found, whatever its code.
    let probe = app.agree_to_forward(&eve, "rej1", &there).await;
    assert!(matches!(probe, Err(AppError::NotFound(_))), "{probe:?}");
    // A proposal still in review cannot go.
    let early = app.agree_to_forward(&ada, "sub1", &there).await;
    assert!(matches!(early, Err(AppError::Conflict(_))), "{early:?}");

    app.agree_to_forward(&ada, "rej1", &there).await.unwrap();
    app.agree_to_forward(&ada, "rej1", &there).await.unwrap();
    let offers = app.forward_offers(&ada, "rej1").await.unwrap();
    assert!(offers[0].agreed && !offers[0].forwarded);
    let inbox = |app: App| {
        let (orga, edition, partner) = (orga.clone(), edition.clone(), partner.clone());
        async move {
            app.forwarded_inbox(&orga, edition.as_str(), partner.as_str())
                .await
                .unwrap()
        }
    };
    assert!(
        inbox(app.clone()).await.is_empty(),
        "one speaker has not agreed"
    );
    app.agree_to_forward(&bob, "rej1", &there).await.unwrap();
    let listed = inbox(app.clone()).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].proposal.id, rejected);
    assert_eq!(listed[0].from.event, main);

    // The partner has no "security" track: the organizer must choose one.
    let unnamed = app
        .import_forwarded(
            &orga,
            edition.as_str(),
            partner.as_str(),
            "rej1",
            None,
            None,
        )
        .await;
    assert!(
        matches!(&unnamed, Err(AppError::Invalid(m)) if m.starts_with("track: security")),
        "{unnamed:?}"
    );
    let imported = app
        .import_forwarded(
            &orga,
            edition.as_str(),
            partner.as_str(),
            "rej1",
            None,
            Some("b-side"),
        )
        .await
        .unwrap();
    assert_eq!(imported.event, partner);
    assert_eq!(imported.status, Status::Submitted);
    assert_eq!(imported.speakers, speakers);
    assert_eq!(imported.title, "Talk rej1");
    assert_eq!(imported.forwarded_from, Some(rejected));
    assert_ne!(imported.code, "rej1");
    let again = app
        .import_forwarded(
            &orga,
            edition.as_str(),
            partner.as_str(),
            "rej1",
            None,
            Some("b-side"),
        )
        .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    assert_eq!(
        inbox(app.clone()).await[0].imported_as.as_deref(),
        Some(imported.code.as_str())
    );
    assert_eq!(
        store.submissions(&edition, &partner).await.unwrap().len(),
        1
    );
}

async fn the_transparency_report_counts_tracks_newcomers_and_organisations(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let (edition, main, _) = two_cfps(&app, &store, "security").await;
    let orga = hallway_testkit::operator();
    let mut people = Vec::new();
    for (i, affiliation) in ["Google", "Google LLC", "Red Hat"].iter().enumerate() {
        let v = signed_in(&app, &store, &format!("p{i}@example.org")).await;
        let profile = Profile {
            name: format!("Person {i}"),
            affiliation: (*affiliation).into(),
            ..Profile::default()
        };
        store.put_profile(v.user(), &profile, 1).await.unwrap();
        people.push(v.user());
    }
    proposal(&store, &edition, &main, "a", &people[..1], Status::Accepted).await;
    proposal(
        &store,
        &edition,
        &main,
        "b",
        &people[1..2],
        Status::Accepted,
    )
    .await;
    proposal(&store, &edition, &main, "c", &people[2..], Status::Rejected).await;
    proposal(
        &store,
        &edition,
        &main,
        "d",
        &people[2..],
        Status::Submitted,
    )
    .await;
    let r = app
        .transparency_report(&orga, edition.as_str(), main.as_str())
        .await
        .unwrap();
    assert_eq!((r.proposals, r.accepted, r.acceptance_rate), (4, 2, 50.0));
    assert_eq!((r.accepted_speakers, r.first_time_speakers), (2, 2));
    assert_eq!(r.organisations.len(), 1, "Google and Google LLC are one");
    assert_eq!((r.organisations[0].talks, r.concentration), (2, 10_000));
    let none = app
        .transparency_report(&orga, edition.as_str(), "no-such-event")
        .await;
    assert!(matches!(none, Err(AppError::NotFound(_))), "{none:?}");
}
