//! Accounts, sessions, links, roles, API tokens and the outbox, on both backends.

use hallway_store::{AccountStore, MailState, NewMail, OutboxStore};
use hallway_testkit::TestDb;
use hallway_testkit::domain::{Role, Slug, Tracks};
use hallway_testkit::hallway_app::{ACCOUNT_FAILURES, App, AppError, Secret, Store};

on_both_backends!(
    sign_up_verify_log_in_and_out,
    signing_up_twice_answers_alike_and_tells_the_owner,
    bad_input_names_the_field_and_stores_nothing,
    a_reset_link_works_once_even_when_two_race,
    unknown_and_used_links_are_refused_alike,
    logins_are_limited_per_account_and_per_address,
    a_burst_of_parallel_guesses_does_not_pass_the_limit,
    roles_make_permissions_and_tokens_narrow_them,
    the_outbox_queues_a_key_once_and_replicas_claim_each_message_once,
    a_message_interrupted_while_sending_is_never_sent_again,
);

/// The newest queued message to `to`, taken as the sender would take it.
async fn take_mail(store: &Store, to: &str) -> String {
    let now = jiff::Timestamp::now().as_second();
    let mut found = None;
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.unwrap() {
        store.mark_sent(mail.id, now).await.unwrap();
        if mail.recipient == to {
            found = Some(mail.body);
        }
    }
    found.unwrap_or_else(|| panic!("no mail to {to}"))
}

fn link_token(body: &str) -> String {
    let at = body.find("token=").expect("a link with a token") + "token=".len();
    body[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn signed_up(app: &App, store: &Store, email: &str, password: &str) {
    app.sign_up(email, password).await.unwrap();
    let token = link_token(&take_mail(store, email).await);
    app.verify_email(&token).await.unwrap();
}

async fn sign_up_verify_log_in_and_out(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    app.sign_up(" Ada@Example.org ", "correct horse battery")
        .await
        .unwrap();
    let body = take_mail(&store, "ada@example.org").await;
    assert!(body.contains("/account/verify?token="), "{body}");

    // Before the address is confirmed, even the right password does not log in.
    let early = app
        .log_in("ada@example.org", "correct horse battery", None)
        .await;
    assert!(matches!(early, Err(AppError::Forbidden(_))), "{early:?}");
    app.verify_email(&link_token(&body)).await.unwrap();

    let login = app
        .log_in("ADA@example.org", "correct horse battery", None)
        .await
        .unwrap();
    assert_eq!(login.viewer.email().as_str(), "ada@example.org");
    let viewer = app.session_viewer(&login.session).await.unwrap();
    assert_eq!(viewer.user(), login.viewer.user());
    // The database holds the session's hash, never the secret in the cookie.
    let raw = store.session_user(login.session.expose(), 0).await;
    assert!(raw.is_err(), "a session is found by its hash only");

    app.log_out(&login.session).await.unwrap();
    assert!(matches!(
        app.session_viewer(&login.session).await,
        Err(AppError::Unauthenticated)
    ));
    // Logging out twice is fine.
    app.log_out(&login.session).await.unwrap();
}

async fn signing_up_twice_answers_alike_and_tells_the_owner(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    signed_up(&app, &store, "bo@example.org", "first password 1").await;
    // The same answer as a new sign-up: nothing tells the caller the address is taken.
    app.sign_up("bo@example.org", "second password 2")
        .await
        .unwrap();
    let body = take_mail(&store, "bo@example.org").await;
    assert!(
        body.contains("has an") && body.contains("/account/reset"),
        "{body}"
    );
    // The first password still holds; the second did nothing.
    app.log_in("bo@example.org", "first password 1", None)
        .await
        .unwrap();
    assert!(matches!(
        app.log_in("bo@example.org", "second password 2", None)
            .await,
        Err(AppError::BadCredentials(_))
    ));
}

async fn bad_input_names_the_field_and_stores_nothing(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    for (email, password, names) in [
        ("not-an-address", "long enough password", "e-mail"),
        ("cy@example.org", "short", "password"),
        ("", "long enough password", "e-mail"),
    ] {
        match app.sign_up(email, password).await {
            Err(AppError::Invalid(m)) => assert!(m.contains(names), "{m}"),
            other => panic!("{email:?}/{password:?}: {other:?}"),
        }
    }
    assert!(
        store
            .user_by_email(&"cy@example.org".parse_email())
            .await
            .is_err()
    );
    assert!(
        store.claim_due(i64::MAX / 2, 0).await.unwrap().is_none(),
        "no mail queued"
    );
    // A wrong password and an unknown account get one and the same answer.
    signed_up(&app, &store, "dee@example.org", "a good password").await;
    let wrong = app
        .log_in("dee@example.org", "wrong password!", None)
        .await
        .unwrap_err();
    let unknown = app
        .log_in("nobody@example.org", "wrong password!", None)
        .await
        .unwrap_err();
    assert_eq!(wrong.to_string(), unknown.to_string());
}

trait ParseEmail {
    fn parse_email(&self) -> hallway_testkit::domain::Email;
}

impl ParseEmail for str {
    fn parse_email(&self) -> hallway_testkit::domain::Email {
        hallway_testkit::domain::Email::parse(self).unwrap()
    }
}

async fn a_reset_link_works_once_even_when_two_race(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    signed_up(&app, &store, "eve@example.org", "the old password").await;
    let before = app
        .log_in("eve@example.org", "the old password", None)
        .await
        .unwrap();
    app.request_password_reset("eve@example.org").await.unwrap();
    let token = link_token(&take_mail(&store, "eve@example.org").await);

    let (a, b) = tokio::join!(
        app.reset_password(&token, "new password one"),
        app.reset_password(&token, "new password two"),
    );
    let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        wins, 1,
        "exactly one of two racing resets wins: {a:?} {b:?}"
    );
    let loser = if a.is_ok() { &b } else { &a };
    assert!(
        matches!(loser, Err(AppError::Invalid(m)) if m.contains("used")),
        "{loser:?}"
    );
    let winner = if a.is_ok() {
        "new password one"
    } else {
        "new password two"
    };

    // Every session ended; the winner's password is the one that works.
    assert!(app.session_viewer(&before.session).await.is_err());
    assert!(
        app.log_in("eve@example.org", "the old password", None)
            .await
            .is_err()
    );
    app.log_in("eve@example.org", winner, None).await.unwrap();
    // The link is spent for good.
    assert!(
        app.reset_password(&token, "a third password")
            .await
            .is_err()
    );
}

async fn unknown_and_used_links_are_refused_alike(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    app.sign_up("fay@example.org", "fay's password")
        .await
        .unwrap();
    let token = link_token(&take_mail(&store, "fay@example.org").await);
    app.verify_email(&token).await.unwrap();
    let used = app.verify_email(&token).await.unwrap_err();
    let unknown = app.verify_email(&"0".repeat(64)).await.unwrap_err();
    let garbage = app.verify_email("<script>").await.unwrap_err();
    assert_eq!(used.to_string(), unknown.to_string());
    assert_eq!(used.to_string(), garbage.to_string());
    // A request for an unknown address succeeds and sends nothing.
    app.request_password_reset("ghost@example.org")
        .await
        .unwrap();
    assert!(store.claim_due(i64::MAX / 2, 0).await.unwrap().is_none());
    // An expired reset link is refused like an unknown one.
    let user = store
        .user_by_email(&"fay@example.org".parse_email())
        .await
        .unwrap();
    let secret = Secret::random().unwrap();
    let hashed = hex_sha256(secret.expose());
    store
        .add_link(user.id, hallway_store::LinkPurpose::Reset, &hashed, 0, 1)
        .await
        .unwrap();
    let expired = app
        .reset_password(secret.expose(), "never set this")
        .await
        .unwrap_err();
    assert_eq!(expired.to_string(), unknown.to_string());
}

fn hex_sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn logins_are_limited_per_account_and_per_address(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    signed_up(&app, &store, "gus@example.org", "gus's password").await;
    let ip = Some("192.0.2.7".parse().unwrap());
    for _ in 0..ACCOUNT_FAILURES {
        assert!(matches!(
            app.log_in("gus@example.org", "guessing wrong", ip).await,
            Err(AppError::BadCredentials(_))
        ));
    }
    // Now even the right password waits, from any address.
    let limited = app.log_in("gus@example.org", "gus's password", None).await;
    assert!(
        matches!(limited, Err(AppError::RateLimited { .. })),
        "{limited:?}"
    );
    // An unknown account is limited the same way: the limit tells nothing either.
    for _ in 0..ACCOUNT_FAILURES {
        let _ = app
            .log_in("nobody@example.org", "guessing wrong", None)
            .await;
    }
    assert!(matches!(
        app.log_in("nobody@example.org", "guessing wrong", None)
            .await,
        Err(AppError::RateLimited { .. })
    ));
    // One address guessing across many accounts is stopped too.
    signed_up(&app, &store, "hal@example.org", "hal's password").await;
    let attacker = Some("198.51.100.9".parse().unwrap());
    let mut limited_at = None;
    for i in 0..100 {
        let r = app
            .log_in(&format!("user{i}@example.org"), "guessing wrong", attacker)
            .await;
        if matches!(r, Err(AppError::RateLimited { .. })) {
            limited_at = Some(i);
            break;
        }
    }
    assert_eq!(
        limited_at,
        Some(hallway_testkit::hallway_app::ADDRESS_FAILURES as usize)
    );
    assert!(matches!(
        app.log_in("hal@example.org", "hal's password", attacker)
            .await,
        Err(AppError::RateLimited { .. })
    ));
    // From elsewhere, hal still gets in.
    app.log_in("hal@example.org", "hal's password", None)
        .await
        .unwrap();
}

async fn roles_make_permissions_and_tokens_narrow_them(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = hallway_testkit::released_kubecon(&app).await;
    let orga = hallway_testkit::operator();
    let event = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule
        .events[0]
        .slug
        .to_string();
    for who in ["org", "chair", "rev", "spk", "att", "out"] {
        signed_up(
            &app,
            &store,
            &format!("{who}@example.org"),
            "a long password",
        )
        .await;
    }
    let ai = Slug::parse("ai").unwrap();
    app.grant_role(&orga, &edition, None, "org@example.org", Role::Organizer)
        .await
        .unwrap();
    app.grant_role(
        &orga,
        &edition,
        Some(&event),
        "chair@example.org",
        Role::CoChair(Tracks::All),
    )
    .await
    .unwrap();
    app.grant_role(
        &orga,
        &edition,
        Some(&event),
        "rev@example.org",
        Role::Reviewer(Tracks::Only(vec![ai.clone()])),
    )
    .await
    .unwrap();
    app.grant_role(
        &orga,
        &edition,
        Some(&event),
        "spk@example.org",
        Role::Speaker,
    )
    .await
    .unwrap();
    app.grant_role(&orga, &edition, None, "att@example.org", Role::Attendee)
        .await
        .unwrap();
    // An address without an account is named; an unknown edition is not found.
    assert!(matches!(
        app.grant_role(&orga, &edition, None, "zed@example.org", Role::Attendee).await,
        Err(AppError::NotFound(m)) if m.contains("zed@example.org")
    ));
    assert!(matches!(
        app.grant_role(
            &orga,
            "no-such-edition",
            None,
            "att@example.org",
            Role::Attendee
        )
        .await,
        Err(AppError::NotFound(_))
    ));

    let viewer = |who: &str| {
        let app = app.clone();
        let email = format!("{who}@example.org");
        async move {
            app.log_in(&email, "a long password", None)
                .await
                .unwrap()
                .viewer
        }
    };
    let (org, chair, rev, spk, att, out) = (
        viewer("org").await,
        viewer("chair").await,
        viewer("rev").await,
        viewer("spk").await,
        viewer("att").await,
        viewer("out").await,
    );

    let org_ctx = app.orga_ctx(&org, &edition).await.unwrap();
    app.work_in_progress(&org_ctx, &edition).await.unwrap();
    for v in [&chair, &rev, &spk, &att, &out] {
        assert!(matches!(
            app.orga_ctx(v, &edition).await,
            Err(AppError::Forbidden(_))
        ));
    }

    let r = app.review_ctx(&chair, &edition, &event).await.unwrap();
    assert!(r.decides() && *r.tracks() == Tracks::All);
    let r = app.review_ctx(&rev, &edition, &event).await.unwrap();
    assert!(!r.decides() && r.tracks().covers(Some(&ai)) && !r.tracks().covers(None));
    assert!(
        app.review_ctx(&org, &edition, &event)
            .await
            .unwrap()
            .decides()
    );
    for v in [&spk, &att, &out] {
        assert!(matches!(
            app.review_ctx(v, &edition, &event).await,
            Err(AppError::Forbidden(_))
        ));
    }
    app.member_ctx(&spk, &edition, Some(&event), "speaker")
        .await
        .unwrap();
    app.member_ctx(&att, &edition, Some(&event), "attendee")
        .await
        .unwrap();
    assert!(
        app.member_ctx(&att, &edition, Some(&event), "speaker")
            .await
            .is_err()
    );
    assert!(
        app.member_ctx(&out, &edition, None, "attendee")
            .await
            .is_err()
    );

    // A read token of the organizer: it reads the work in progress, it cannot release.
    let (info, secret) = app
        .create_api_token(&org, &edition, None, "read", "ci export")
        .await
        .unwrap();
    assert_eq!(app.api_tokens(&org).await.unwrap(), vec![info.clone()]);
    let by_token = app.token_viewer(&secret).await.unwrap();
    let read = app.orga_ctx(&by_token, &edition).await.unwrap();
    app.work_in_progress(&read, &edition).await.unwrap();
    assert!(matches!(
        app.release(&read, &edition, hallway_testkit::hallway_app::Force::Always).await,
        Err(AppError::Forbidden(m)) if m.contains("only read")
    ));
    // The token is stored hashed: the secret itself finds nothing.
    assert!(store.api_token(secret.expose()).await.is_err());
    // A token cannot make tokens, and a revoked one is nobody.
    assert!(
        app.create_api_token(&by_token, &edition, None, "write", "x")
            .await
            .is_err()
    );
    assert!(
        app.create_api_token(&out, &edition, None, "read", "x")
            .await
            .is_err()
    );
    assert!(matches!(
        app.create_api_token(&org, &edition, None, "admin", "x").await,
        Err(AppError::Invalid(m)) if m.contains("read or write")
    ));
    assert!(matches!(
        app.create_api_token(&org, &edition, Some("no-such-event"), "read", "x").await,
        Err(AppError::NotFound(m)) if m.contains("no-such-event")
    ));
    let (_, for_event) = app
        .create_api_token(&org, &edition, Some(&event), "write", "event script")
        .await
        .unwrap();
    let event_token = app.token_viewer(&for_event).await.unwrap();
    // A token for one event does not organize the whole edition.
    assert!(matches!(
        app.orga_ctx(&event_token, &edition).await,
        Err(AppError::Forbidden(m)) if m.contains("only")
    ));
    app.revoke_api_token(&org, info.id).await.unwrap();
    assert!(matches!(
        app.token_viewer(&secret).await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        app.revoke_api_token(&rev, info.id).await,
        Err(AppError::NotFound(_))
    ));
}

async fn the_outbox_queues_a_key_once_and_replicas_claim_each_message_once(db: TestDb) {
    let store = db.store().await;
    let mail = |key: &str| NewMail {
        key: key.to_owned(),
        recipient: "ida@example.org".into(),
        subject: "Hello".into(),
        body: "Hi".into(),
    };
    assert!(store.enqueue(&mail("a"), 100).await.unwrap());
    assert!(
        !store.enqueue(&mail("a"), 101).await.unwrap(),
        "the same key queues once"
    );
    for i in 0..20 {
        store.enqueue(&mail(&format!("m{i}")), 100).await.unwrap();
    }
    // Two senders drain the outbox at once: each message is taken exactly once.
    let other = db.store().await;
    let drain = |s: Store| async move {
        let mut ids = Vec::new();
        while let Some(m) = s.claim_due(200, 800).await.unwrap() {
            ids.push(m.id);
        }
        ids
    };
    let (a, b) = tokio::join!(drain(store.clone()), drain(other));
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    let n = all.len();
    all.dedup();
    assert_eq!((n, all.len()), (21, 21));
    // Not due yet: nothing to take.
    store.enqueue(&mail("later"), 1_000).await.unwrap();
    assert!(store.claim_due(999, 1_600).await.unwrap().is_none());
    assert_eq!(store.next_due().await.unwrap(), Some(1_000));
}

async fn a_message_interrupted_while_sending_is_never_sent_again(db: TestDb) {
    let store = db.store().await;
    store
        .enqueue(
            &NewMail {
                key: "k".into(),
                recipient: "jo@example.org".into(),
                subject: "S".into(),
                body: "B".into(),
            },
            10,
        )
        .await
        .unwrap();
    // A sender takes it and stops before marking it (a crash between send and mark).
    let taken = store.claim_due(10, 610).await.unwrap().unwrap();
    assert_eq!(taken.attempts, 1);
    // While the lease lasts, nobody touches it; after, it is failed, never sent again.
    assert_eq!(store.fail_interrupted(600).await.unwrap(), 0);
    assert!(store.claim_due(700, 1_300).await.unwrap().is_none());
    assert_eq!(store.fail_interrupted(700).await.unwrap(), 1);
    assert!(store.claim_due(800, 1_400).await.unwrap().is_none());
    let status = &store.outbox(10).await.unwrap()[0];
    assert_eq!(status.state, MailState::Failed);
    assert!(
        status.last_error.contains("never sent twice"),
        "{}",
        status.last_error
    );
}

async fn a_burst_of_parallel_guesses_does_not_pass_the_limit(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    signed_up(&app, &store, "ivy@example.org", "ivy's password").await;
    let guesses: Vec<_> = (0..16)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                app.log_in("ivy@example.org", &format!("guess number {i}"), None)
                    .await
            })
        })
        .collect();
    let (mut checked, mut limited) = (0, 0);
    for g in guesses {
        match g.await.unwrap() {
            Err(AppError::BadCredentials(_)) => checked += 1,
            Err(AppError::RateLimited { .. }) => limited += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        (checked, limited),
        (ACCOUNT_FAILURES, 16 - ACCOUNT_FAILURES)
    );
}
