//! Mail reaches a real SMTP server (aiosmtpd) once, and waits with backoff while it cannot.

use hallway_testkit::TestDb;
use hallway_testkit::hallway_app::{MailState, MailWorker, Sent, SmtpSettings};
use hallway_testkit::smtp::{SmtpServer, free_port};
use std::time::Duration;

on_both_backends!(
    mail_arrives_at_a_real_smtp_server_once,
    mail_waits_with_backoff_while_the_server_is_down,
    without_smtp_each_message_is_taken_once_for_the_demo_to_print,
);

/// The demo prints mail instead of sending it: each due message comes out once, and it is
/// then delivered as far as the outbox knows.
async fn without_smtp_each_message_is_taken_once_for_the_demo_to_print(db: TestDb) {
    let app = db.app().await.with_public_url("https://hallway.test/");
    app.sign_up("lee@example.org", "lee's long password")
        .await
        .unwrap();
    let mail = app
        .take_due_mail()
        .await
        .unwrap()
        .expect("the address's link");
    assert_eq!(mail.recipient, "lee@example.org");
    assert!(
        mail.body
            .contains("https://hallway.test/account/verify?token="),
        "{}",
        mail.body
    );
    assert!(app.take_due_mail().await.unwrap().is_none(), "taken once");
    let outbox = app.outbox(&hallway_testkit::operator(), 10).await.unwrap();
    assert_eq!(outbox[0].recipient, "lee@example.org");
    assert_eq!(outbox[0].state, MailState::Sent);
}

const FROM: &str = "Hallway <noreply@hallway.test>";

async fn mail_arrives_at_a_real_smtp_server_once(db: TestDb) {
    let smtp = SmtpServer::start().await;
    let app = db.app().await.with_public_url("https://hallway.test/");
    app.sign_up("kim@example.org", "kim's password")
        .await
        .unwrap();
    // An address without an account gets nothing, and says so to nobody.
    app.request_password_reset("nobody@example.org")
        .await
        .unwrap();

    let worker = MailWorker::new(app.clone(), SmtpSettings::new(&smtp.url(), FROM)).unwrap();
    assert_eq!(
        worker.send_due().await.unwrap(),
        Sent {
            sent: 1,
            retried: 0,
            failed: 0
        }
    );
    let received = smtp.messages();
    assert_eq!(received.len(), 1, "{received:#?}");
    let m = &received[0];
    assert!(m.contains("To: kim@example.org"), "{m}");
    assert!(m.contains("From: Hallway <noreply@hallway.test>"), "{m}");
    assert!(
        m.contains("Subject: Confirm your e-mail address for Hallway"),
        "{m}"
    );
    assert!(
        m.contains("https://hallway.test/account/verify?token="),
        "{m}"
    );
    // The idempotency key is the Message-ID.
    assert!(m.contains("Message-ID: <verify."), "{m}");

    // A second pass sends nothing: the message is marked sent.
    assert_eq!(worker.send_due().await.unwrap(), Sent::default());
    assert_eq!(smtp.messages().len(), 1);
    let outbox = app.outbox(&hallway_testkit::operator(), 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!((outbox[0].state, outbox[0].attempts), (MailState::Sent, 1));
}

async fn mail_waits_with_backoff_while_the_server_is_down(db: TestDb) {
    let app = db.app().await;
    app.request_password_reset("nobody@example.org")
        .await
        .unwrap();
    app.sign_up("lee@example.org", "lee's password")
        .await
        .unwrap();
    let now = jiff::Timestamp::now().as_second();

    let down = format!("smtp://127.0.0.1:{}", free_port());
    let mut settings = SmtpSettings::new(&down, FROM);
    settings.first_retry = Duration::from_secs(30);
    settings.max_attempts = 3;
    let worker = MailWorker::new(app.clone(), settings.clone()).unwrap();
    assert_eq!(worker.send_due_as_of(now).await.unwrap().retried, 1);
    let orga = hallway_testkit::operator();
    let status = &app.outbox(&orga, 10).await.unwrap()[0];
    assert_eq!((status.state, status.attempts), (MailState::Queued, 1));
    assert!(!status.last_error.is_empty());
    // Not due again before its backoff, then twice as long after the second failure.
    assert_eq!(
        worker.send_due_as_of(now + 29).await.unwrap(),
        Sent::default()
    );
    assert_eq!(worker.send_due_as_of(now + 30).await.unwrap().retried, 1);
    assert_eq!(
        worker.send_due_as_of(now + 89).await.unwrap(),
        Sent::default()
    );

    // The server comes up: the message goes out, once.
    let smtp = SmtpServer::start().await;
    settings.url = smtp.url();
    let worker = MailWorker::new(app.clone(), settings).unwrap();
    assert_eq!(worker.send_due_as_of(now + 90).await.unwrap().sent, 1);
    assert_eq!(smtp.messages().len(), 1);
    let status = &app.outbox(&orga, 10).await.unwrap()[0];
    assert_eq!((status.state, status.attempts), (MailState::Sent, 3));
}
