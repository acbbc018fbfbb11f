//! The call for papers through the app, on both backends: an edition made without a schedule,
//! its CFP in the venue's zone, speakers submitting, editing and withdrawing within the rules,
//! co-speakers and team members joining by mailed links, near duplicates and blind exports.

use crate::authz::{open_cfp, proposal_text};
use hallway_store::OutboxStore;
use hallway_testkit::domain::cfp::{Profile, Question, QuestionKind};
use hallway_testkit::domain::submission::{Action, Status};
use hallway_testkit::domain::{Role, Slug, Tracks};
use hallway_testkit::hallway_app::{
    App, AppError, NewEdition, NewEvent, ProposalActor, ProposalFormat, ReaderCtx, Store, Viewer,
};
use hallway_testkit::{TestDb, operator};

on_both_backends!(
    a_cfp_runs_for_an_edition_without_a_schedule,
    speakers_submit_edit_and_withdraw_within_the_rules,
    co_speakers_join_by_a_single_use_link_within_the_limit,
    team_invitations_grant_their_roles,
    near_duplicates_reach_co_chairs_and_exports_are_blind_for_them,
    decisions_go_through_the_one_status_change,
    a_co_speaker_invitation_reaches_a_real_smtp_server,
    the_same_talk_sent_to_a_partner_event_is_flagged,
);

const EDITION: &str = "kcna2026";
const EVENT: &str = "main";

/// An edition and its main event, made as an organizer would before any schedule exists.
async fn edition(app: &App) {
    let orga = operator();
    app.create_edition(
        &orga,
        &NewEdition {
            slug: EDITION.into(),
            name: "KubeCon NA 2026".into(),
            venue: "Salt Lake City".into(),
            time_zone: "America/Denver".into(),
            start_date: "2026-11-10".into(),
            end_date: "2026-11-13".into(),
        },
    )
    .await
    .unwrap();
    app.add_event(
        &orga,
        EDITION,
        &NewEvent {
            slug: EVENT.into(),
            name: "KubeCon + CloudNativeCon".into(),
            kind: "main".into(),
            start_date: "2026-11-11".into(),
            end_date: "2026-11-13".into(),
        },
    )
    .await
    .unwrap();
}

/// A verified, signed-in account.
async fn account(app: &App, store: &Store, email: &str) -> Viewer {
    app.sign_up(email, "a long enough password").await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    for m in outbox(store, now).await {
        if m.0 == email
            && let Some(at) = m.2.find("verify?token=")
        {
            let at = at + 13;
            app.verify_email(&m.2[at..at + 64]).await.unwrap();
        }
    }
    let login = app
        .log_in(email, "a long enough password", None)
        .await
        .unwrap();
    login.viewer
}

/// Every queued mail, claimed: `(recipient, subject, body)`.
async fn outbox(store: &Store, now: i64) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    while let Some(m) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(m.id, now).await.unwrap();
        out.push((m.recipient, m.subject, m.body));
    }
    out
}

fn link_token(body: &str) -> String {
    let at = body.find("token=").expect("a link with a token") + 6;
    body[at..at + 64].to_owned()
}

async fn speaker(app: &App, store: &Store, email: &str, name: &str) -> Viewer {
    let v = account(app, store, email).await;
    app.put_speaker_profile(
        &v,
        &Profile {
            name: name.into(),
            affiliation: "ACME".into(),
            ..Profile::default()
        },
    )
    .await
    .unwrap();
    v
}

async fn a_cfp_runs_for_an_edition_without_a_schedule(db: TestDb) {
    let app = db.app().await;
    edition(&app).await;
    let orga = operator();
    assert!(
        app.latest_release(&Slug::parse(EDITION).unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // 09:00 in Denver is 16:00 UTC in winter; a time the clocks skip is refused, never UTC.
    let mut settings = open_cfp(EVENT);
    settings.opens = "2026-01-15T09:00".into();
    let page = app.put_cfp(&orga, EDITION, &settings).await.unwrap();
    assert_eq!(page.cfp.opens_at.to_string(), "2026-01-15T16:00:00Z");
    assert_eq!(page.opens_local, "2026-01-15T09:00");
    assert!(page.opens_shown.ends_with("MST"), "{}", page.opens_shown);
    settings.opens = "2026-03-08T02:30".into();
    let gap = app.put_cfp(&orga, EDITION, &settings).await.unwrap_err();
    assert!(
        matches!(&gap, AppError::Invalid(m) if m.starts_with("opens_at:") && m.contains("America/Denver")),
        "{gap:?}"
    );
    settings.opens = "2026-11-01T01:30".into();
    let fold = app.put_cfp(&orga, EDITION, &settings).await.unwrap_err();
    assert!(
        matches!(&fold, AppError::Invalid(m) if m.contains("twice")),
        "{fold:?}"
    );
    // Nothing was changed by the refusals.
    assert_eq!(
        app.cfp_page(EDITION, EVENT).await.unwrap().opens_local,
        "2026-01-15T09:00"
    );

    // An unknown zone is refused at the edition; so is an edition slug taken twice.
    let bad = app
        .create_edition(
            &orga,
            &NewEdition {
                slug: "x2026".into(),
                name: "X".into(),
                time_zone: "Mars/Olympus".into(),
                start_date: "2026-01-01".into(),
                end_date: "2026-01-02".into(),
                ..NewEdition::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&bad, AppError::Invalid(m) if m.starts_with("time_zone:")),
        "{bad:?}"
    );

    // An organizer of another edition may not set this CFP.
    let store = db.store().await;
    let other = account(&app, &store, "other@example.org").await;
    let settings = open_cfp(EVENT);
    let refused = app.orga_ctx(&other, EDITION).await.unwrap_err();
    assert!(matches!(refused, AppError::Forbidden(_)));
    let _ = settings;
}

async fn speakers_submit_edit_and_withdraw_within_the_rules(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    let orga = operator();
    let mut settings = open_cfp(EVENT);
    settings.per_speaker = 1;
    settings.questions = vec![Question {
        id: None,
        prompt: "Level".into(),
        kind: QuestionKind::Choice(vec!["beginner".into(), "expert".into()]),
        required: true,
        session_types: vec![],
        tracks: vec![],
    }];
    let cfp = app.put_cfp(&orga, EDITION, &settings).await.unwrap();
    let qid = cfp.cfp.questions[0].id.unwrap();

    // Without a profile, then without the required answer, then too long: refused, by field.
    let ada = account(&app, &store, "ada@example.org").await;
    let e = app
        .submit_proposal(&ada, EDITION, EVENT, &proposal_text())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.starts_with("profile:")),
        "{e:?}"
    );
    app.put_speaker_profile(
        &ada,
        &Profile {
            name: "Ada".into(),
            photo_url: "http://example.org/ada.png".into(),
            ..Profile::default()
        },
    )
    .await
    .map(|_| panic!("an http photo is refused"))
    .unwrap_or_else(|e| assert!(e.to_string().contains("photo_url"), "{e}"));
    app.put_speaker_profile(
        &ada,
        &Profile {
            name: "Ada".into(),
            ..Profile::default()
        },
    )
    .await
    .unwrap();
    let e = app
        .submit_proposal(&ada, EDITION, EVENT, &proposal_text())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.contains(&format!("answers.{qid}"))),
        "{e:?}"
    );
    let mut long = proposal_text();
    long.title = "x".repeat(201);
    long.answers = vec![(qid, "expert".into())];
    let e = app
        .submit_proposal(&ada, EDITION, EVENT, &long)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.starts_with("title:")),
        "{e:?}"
    );
    assert!(
        app.my_proposals(&ada).await.unwrap().is_empty(),
        "nothing stored"
    );

    // Submitted: a speaker of the event now, with a receipt in the outbox.
    let mut text = proposal_text();
    text.answers = vec![(qid, "expert".into())];
    let p = app
        .submit_proposal(&ada, EDITION, EVENT, &text)
        .await
        .unwrap();
    assert_eq!(p.status, Status::Submitted);
    assert!(p.editable);
    app.member_ctx(&ada, EDITION, Some(EVENT), "speaker")
        .await
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mails = outbox(&store, now).await;
    assert!(
        mails
            .iter()
            .any(|m| m.0 == "ada@example.org" && m.1.contains("is submitted")),
        "{mails:?}"
    );

    // Over the limit of one proposal per speaker.
    let e = app
        .submit_proposal(&ada, EDITION, EVENT, &text)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Conflict(m) if m.contains("1 proposals")),
        "{e:?}"
    );

    // Another speaker cannot read, edit or withdraw it: it is not found for them.
    let bob = speaker(&app, &store, "bob@example.org", "Bob").await;
    for e in [
        app.proposal(&bob, &p.code).await.map(|_| ()).unwrap_err(),
        app.edit_proposal(&bob, &p.code, &text)
            .await
            .map(|_| ())
            .unwrap_err(),
        app.withdraw_proposal(&bob, &p.code)
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
    }

    // Edited while open; its history says what happened.
    text.title = "Zero trust, revisited".into();
    let edited = app.edit_proposal(&ada, &p.code, &text).await.unwrap();
    assert_eq!(edited.title, "Zero trust, revisited");

    // Withdrawn: no longer editable, not withdrawn twice, and it frees the speaker's slot.
    let w = app.withdraw_proposal(&ada, &p.code).await.unwrap();
    assert_eq!(w.status, Status::Withdrawn);
    assert!(!w.editable);
    let actions: Vec<&str> = w.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["create", "withdraw"]);
    let e = app.edit_proposal(&ada, &p.code, &text).await.unwrap_err();
    assert!(
        matches!(&e, AppError::Conflict(m) if m.contains("withdrawn")),
        "{e:?}"
    );
    let e = app.withdraw_proposal(&ada, &p.code).await.unwrap_err();
    assert!(matches!(e, AppError::Conflict(_)), "{e:?}");
    let second = app
        .submit_proposal(&ada, EDITION, EVENT, &text)
        .await
        .unwrap();

    // After the deadline: no new proposals, no edits.
    let mut closed = settings.clone();
    closed.questions = cfp.cfp.questions.clone();
    closed.opens = "2020-01-01T00:00".into();
    closed.closes = "2021-01-01T00:00".into();
    app.put_cfp(&orga, EDITION, &closed).await.unwrap();
    let e = app
        .edit_proposal(&ada, &second.code, &text)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.contains("deadline")),
        "{e:?}"
    );
    let e = app
        .submit_proposal(&bob, EDITION, EVENT, &text)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.contains("closed")),
        "{e:?}"
    );
    assert_eq!(
        app.proposal(&ada, &second.code).await.unwrap().title,
        "Zero trust, revisited"
    );
}

async fn co_speakers_join_by_a_single_use_link_within_the_limit(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    let mut settings = open_cfp(EVENT);
    settings.per_speaker = 1;
    app.put_cfp(&operator(), EDITION, &settings).await.unwrap();
    let ada = speaker(&app, &store, "ada@example.org", "Ada").await;
    let bob = speaker(&app, &store, "bob@example.org", "Bob").await;
    let p = app
        .submit_proposal(&ada, EDITION, EVENT, &proposal_text())
        .await
        .unwrap();
    let mut other = proposal_text();
    other.title = "Bob's own".into();
    let q = app
        .submit_proposal(&bob, EDITION, EVENT, &other)
        .await
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    outbox(&store, now).await;

    // A bad address is refused naming the field.
    let e = app
        .invite_co_speaker(&ada, &p.code, "nobody")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.starts_with("email:")),
        "{e:?}"
    );

    // Bob is on one proposal already: over the limit, and the link stays usable.
    app.invite_co_speaker(&ada, &p.code, "bob@example.org")
        .await
        .unwrap();
    let mails = outbox(&store, now).await;
    let invitation = mails
        .iter()
        .find(|m| m.0 == "bob@example.org")
        .expect("an invitation to bob");
    assert!(invitation.1.contains("Ada invites you"), "{}", invitation.1);
    let token = link_token(&invitation.2);
    let e = app
        .accept_speaker_invitation(&bob, &token)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Conflict(_)), "{e:?}");
    app.withdraw_proposal(&bob, &q.code).await.unwrap();
    assert_eq!(
        app.accept_speaker_invitation(&bob, &token).await.unwrap(),
        p.code
    );
    let joined = app.proposal(&bob, &p.code).await.unwrap();
    assert_eq!(joined.speakers, ["Ada", "Bob"]);
    // Once only.
    let e = app
        .accept_speaker_invitation(&bob, &token)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.contains("used already")),
        "{e:?}"
    );
    // Both hear of a withdrawal.
    app.withdraw_proposal(&bob, &p.code).await.unwrap();
    let mails = outbox(&store, jiff::Timestamp::now().as_second()).await;
    for to in ["ada@example.org", "bob@example.org"] {
        assert!(
            mails.iter().any(|m| m.0 == to && m.1.contains("withdrawn")),
            "{to}: {mails:?}"
        );
    }
}

async fn team_invitations_grant_their_roles(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    app.put_cfp(&operator(), EDITION, &open_cfp(EVENT))
        .await
        .unwrap();
    let chair = account(&app, &store, "chair@example.org").await;
    let orga = operator();
    let tracks = Tracks::Only(vec![Slug::parse("security").unwrap()]);
    app.invite_to_team(
        &orga,
        None,
        EDITION,
        Some(EVENT),
        "Chair@Example.org",
        Role::CoChair(tracks.clone()),
    )
    .await
    .unwrap();
    // An address without an account gets its invitation the same way.
    app.invite_to_team(
        &orga,
        None,
        EDITION,
        None,
        "new@example.org",
        Role::Organizer,
    )
    .await
    .unwrap();
    let pending = app.pending_team_invitations(&orga, EDITION).await.unwrap();
    assert_eq!(pending.len(), 2);
    let e = app
        .invite_to_team(&orga, None, EDITION, None, "x@example.org", Role::Speaker)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(m) if m.starts_with("role:")),
        "{e:?}"
    );

    let mails = outbox(&store, jiff::Timestamp::now().as_second()).await;
    let to_chair = mails.iter().find(|m| m.0 == "chair@example.org").unwrap();
    assert!(to_chair.1.contains("co-chair of main"), "{}", to_chair.1);
    assert!(app.review_ctx(&chair, EDITION, EVENT).await.is_err());
    app.accept_team_invitation(&chair, &link_token(&to_chair.2))
        .await
        .unwrap();
    let ctx = app.review_ctx(&chair, EDITION, EVENT).await.unwrap();
    assert!(ctx.decides());
    assert_eq!(ctx.tracks(), &tracks);
    assert!(app.orga_ctx(&chair, EDITION).await.is_err());
    assert!(
        app.accept_team_invitation(&chair, &link_token(&to_chair.2))
            .await
            .is_err(),
        "used once"
    );

    let newcomer = account(&app, &store, "new@example.org").await;
    let to_new = mails.iter().find(|m| m.0 == "new@example.org").unwrap();
    app.accept_team_invitation(&newcomer, &link_token(&to_new.2))
        .await
        .unwrap();
    app.orga_ctx(&newcomer, EDITION).await.unwrap();
}

async fn near_duplicates_reach_co_chairs_and_exports_are_blind_for_them(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    let orga = operator();
    app.put_cfp(&orga, EDITION, &open_cfp(EVENT)).await.unwrap();
    let ada = speaker(&app, &store, "ada@example.org", "Ada Lovelace").await;
    let bob = speaker(&app, &store, "bob@example.org", "Bob Builder").await;
    let talk = "Scaling Prometheus to a billion series: we show how sharding, remote write and \
        downsampling let one team run metrics for four hundred clusters without losing a sample \
        during upgrades.";
    let mut a = proposal_text();
    a.title = "Prometheus at scale".into();
    a.abstract_ = talk.into();
    app.submit_proposal(&ada, EDITION, EVENT, &a).await.unwrap();
    let mut b = a.clone();
    b.track = Slug::parse("observability").unwrap();
    b.abstract_ = format!("{talk} Now with a demo!");
    app.submit_proposal(&ada, EDITION, EVENT, &b).await.unwrap();
    let mut c = proposal_text();
    c.title = "Something else".into();
    app.submit_proposal(&bob, EDITION, EVENT, &c).await.unwrap();

    // The organizers see the pair; so does the co-chair of one of its tracks.
    let chair = account(&app, &store, "chair@example.org").await;
    app.grant_role(
        &orga,
        EDITION,
        Some(EVENT),
        "chair@example.org",
        Role::CoChair(Tracks::Only(vec![Slug::parse("security").unwrap()])),
    )
    .await
    .unwrap();
    let ctx = app.review_ctx(&chair, EDITION, EVENT).await.unwrap();
    let pairs = app.near_duplicates(&ctx).await.unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert!(pairs[0].similarity >= 0.6);
    assert_ne!(pairs[0].first.track, pairs[0].second.track);
    // Once one of them is withdrawn, the pair is no longer shown.
    let first = pairs[0].first.code.clone();
    app.withdraw_proposal(&ada, &first).await.unwrap();
    assert!(app.near_duplicates(&ctx).await.unwrap().is_empty());
    // A reviewer does not decide and is not told.
    let reviewer = account(&app, &store, "rev@example.org").await;
    app.grant_role(
        &orga,
        EDITION,
        Some(EVENT),
        "rev@example.org",
        Role::Reviewer(Tracks::All),
    )
    .await
    .unwrap();
    let rctx = app.review_ctx(&reviewer, EDITION, EVENT).await.unwrap();
    assert!(matches!(
        app.near_duplicates(&rctx).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.proposal_reader(&reviewer, EDITION, EVENT).await,
        Err(AppError::Forbidden(_))
    ));

    // Exports: organizers see speakers; the co-chair, in a blind CFP, sees their track only
    // and no names.
    let (_, _, csv) = app
        .export_proposals(
            hallway_testkit::hallway_app::ProposalReader::Organizer(&orga),
            EDITION,
            EVENT,
            ProposalFormat::Csv,
        )
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("Ada Lovelace (ACME)") && csv.contains("Bob Builder"));
    let reader = app.proposal_reader(&chair, EDITION, EVENT).await.unwrap();
    assert!(matches!(reader, ReaderCtx::Committee(_)));
    let (name, kind, json) = app
        .export_proposals(reader.as_reader(), EDITION, EVENT, ProposalFormat::Json)
        .await
        .unwrap();
    assert_eq!(name, "kcna2026-main-proposals.json");
    assert_eq!(kind, "application/json");
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2, "security only: {json}");
    assert!(!json.contains("Ada") && !json.contains("Bob"), "{json}");
    assert!(
        items
            .iter()
            .all(|i| i["speakers"].as_array().unwrap().is_empty())
    );
}

async fn decisions_go_through_the_one_status_change(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    let orga = operator();
    app.put_cfp(&orga, EDITION, &open_cfp(EVENT)).await.unwrap();
    let ada = speaker(&app, &store, "ada@example.org", "Ada").await;
    let p = app
        .submit_proposal(&ada, EDITION, EVENT, &proposal_text())
        .await
        .unwrap();
    // A speaker cannot accept their own; a reviewer cannot decide.
    let e = app
        .change_proposal_status(ProposalActor::Speaker(&ada), &p.code, Action::Accept)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Conflict(m) if m.contains("co-chair")),
        "{e:?}"
    );
    let reviewer = account(&app, &store, "rev@example.org").await;
    app.grant_role(
        &orga,
        EDITION,
        Some(EVENT),
        "rev@example.org",
        Role::Reviewer(Tracks::All),
    )
    .await
    .unwrap();
    let rctx = app.review_ctx(&reviewer, EDITION, EVENT).await.unwrap();
    assert!(matches!(
        app.change_proposal_status(ProposalActor::Committee(&rctx), &p.code, Action::Accept)
            .await,
        Err(AppError::Forbidden(_))
    ));
    outbox(&store, jiff::Timestamp::now().as_second()).await;

    // The organizer accepts: logged and mailed; the speaker confirms.
    assert_eq!(
        app.change_proposal_status(ProposalActor::Organizer(&orga), &p.code, Action::Accept)
            .await
            .unwrap(),
        Status::Accepted
    );
    let mails = outbox(&store, jiff::Timestamp::now().as_second()).await;
    assert!(
        mails.iter().any(|m| m.1.contains("is accepted")),
        "{mails:?}"
    );
    let view = app.proposal(&ada, &p.code).await.unwrap();
    assert!(view.confirmable && !view.editable);
    let confirmed = app.confirm_proposal(&ada, &p.code).await.unwrap();
    assert_eq!(confirmed.status, Status::Confirmed);
    let actions: Vec<&str> = confirmed
        .history
        .iter()
        .map(|h| h.action.as_str())
        .collect();
    assert_eq!(actions, ["create", "accept", "confirm"]);
    // A confirmed talk takes no new decision.
    assert!(matches!(
        app.change_proposal_status(ProposalActor::Organizer(&orga), &p.code, Action::Reject)
            .await,
        Err(AppError::Conflict(_))
    ));
}

async fn a_co_speaker_invitation_reaches_a_real_smtp_server(db: TestDb) {
    use hallway_testkit::hallway_app::{MailWorker, SmtpSettings};
    let smtp = hallway_testkit::smtp::SmtpServer::start().await;
    let app = db.app().await.with_public_url("https://hallway.test/");
    let store = db.store().await;
    edition(&app).await;
    app.put_cfp(&operator(), EDITION, &open_cfp(EVENT))
        .await
        .unwrap();
    let ada = speaker(&app, &store, "ada@example.org", "Ada").await;
    let p = app
        .submit_proposal(&ada, EDITION, EVENT, &proposal_text())
        .await
        .unwrap();
    outbox(&store, jiff::Timestamp::now().as_second()).await;
    app.invite_co_speaker(&ada, &p.code, "grace@example.org")
        .await
        .unwrap();
    let worker = MailWorker::new(
        app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <noreply@hallway.test>"),
    )
    .unwrap();
    assert_eq!(worker.send_due().await.unwrap().sent, 1);
    let received = smtp.messages();
    assert_eq!(received.len(), 1, "{received:#?}");
    let m = &received[0];
    assert!(m.contains("To: grace@example.org"), "{m}");
    assert!(m.contains("Subject: Ada invites you to speak"), "{m}");
    assert!(
        m.contains("https://hallway.test/cfp/invitations/accept?token="),
        "{m}"
    );
    // The link works once, for the account that signs in with it.
    let grace = account(&app, &store, "grace@example.org").await;
    let at = m.find("token=").unwrap() + 6;
    let token: String = m[at..].chars().take(64).collect();
    assert_eq!(
        app.accept_speaker_invitation(&grace, &token).await.unwrap(),
        p.code
    );
    assert_eq!(
        app.proposal(&grace, &p.code).await.unwrap().speakers,
        ["Ada", "grace@example.org"]
    );
}

async fn the_same_talk_sent_to_a_partner_event_is_flagged(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    edition(&app).await;
    let orga = operator();
    app.put_cfp(&orga, EDITION, &open_cfp(EVENT)).await.unwrap();
    // A b-side of its own edition, named the main event's partner.
    app.create_edition(
        &orga,
        &NewEdition {
            slug: "rejekts-na-2026".into(),
            name: "Cloud Native Rejekts NA 2026".into(),
            time_zone: "America/Denver".into(),
            start_date: "2026-11-08".into(),
            end_date: "2026-11-09".into(),
            ..NewEdition::default()
        },
    )
    .await
    .unwrap();
    app.add_event(
        &orga,
        "rejekts-na-2026",
        &NewEvent {
            slug: "rejekts".into(),
            name: "Rejekts".into(),
            kind: "main".into(),
            start_date: "2026-11-08".into(),
            end_date: "2026-11-09".into(),
        },
    )
    .await
    .unwrap();
    app.put_cfp(&orga, "rejekts-na-2026", &open_cfp("rejekts"))
        .await
        .unwrap();
    let rejekts = hallway_testkit::hallway_app::parse_event_ref("rejekts-na-2026/rejekts").unwrap();
    app.set_partners(&orga, EDITION, EVENT, &[rejekts])
        .await
        .unwrap();
    let ada = speaker(&app, &store, "ada@example.org", "Ada").await;
    let mut talk = proposal_text();
    talk.abstract_ = "We show how sharding, remote write and downsampling let one team run \
        metrics for four hundred clusters without losing a sample during upgrades."
        .into();
    let main = app
        .submit_proposal(&ada, EDITION, EVENT, &talk)
        .await
        .unwrap();
    let bside = app
        .submit_proposal(&ada, "rejekts-na-2026", "rejekts", &talk)
        .await
        .unwrap();
    assert!(
        app.review_ctx(&ada, EDITION, EVENT).await.is_err(),
        "a speaker reviews nothing"
    );
    let chair = account(&app, &store, "chair@example.org").await;
    app.grant_role(
        &orga,
        EDITION,
        Some(EVENT),
        "chair@example.org",
        Role::CoChair(Tracks::All),
    )
    .await
    .unwrap();
    let pairs = app
        .near_duplicates(&app.review_ctx(&chair, EDITION, EVENT).await.unwrap())
        .await
        .unwrap();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let codes = [pairs[0].first.code.as_str(), pairs[0].second.code.as_str()];
    assert!(codes.contains(&main.code.as_str()) && codes.contains(&bside.code.as_str()));
    assert!(
        pairs
            .iter()
            .flat_map(|p| [&p.first.edition, &p.second.edition])
            .any(|e| e.as_str() == "rejekts-na-2026")
    );
}
