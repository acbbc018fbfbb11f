//! Mail: templates rendered into a database outbox, and a worker that sends the outbox over
//! SMTP with retries and backoff.
//!
//! A message is marked `sending` before its SMTP exchange starts and `sent` after. A sender
//! that stops in between leaves it `sending`; when its lease runs out it becomes `failed`
//! with that reason, never sent again: it may have arrived, and the promise is never twice.
//! Its idempotency key is also its Message-ID, so a receiver can tell it from any other.

use crate::{App, AppError, Result};
use hallway_domain::Email;
use hallway_store::{Mail, MailStatus, NewMail, OutboxStore};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Templates: the first line is `Subject: ...`, then a blank line, then the body.
const TEMPLATES: &[(&str, &str)] = &[
    ("verify", include_str!("../mail/verify.txt")),
    ("reset", include_str!("../mail/reset.txt")),
    ("account_exists", include_str!("../mail/account_exists.txt")),
    ("seat_offered", include_str!("../mail/seat_offered.txt")),
    (
        "confirm_reminder",
        include_str!("../mail/confirm_reminder.txt"),
    ),
    (
        "proposal_status",
        include_str!("../mail/proposal_status.txt"),
    ),
    (
        "speaker_invitation",
        include_str!("../mail/speaker_invitation.txt"),
    ),
    (
        "team_invitation",
        include_str!("../mail/team_invitation.txt"),
    ),
    (
        "schedule_changes",
        include_str!("../mail/schedule_changes.txt"),
    ),
    (
        "contact_request",
        include_str!("../mail/contact_request.txt"),
    ),
    ("contact_answer", include_str!("../mail/contact_answer.txt")),
];

/// What a message says, with what its template needs.
#[derive(Debug, Clone)]
pub enum MailKind {
    Verify {
        url: String,
    },
    Reset {
        url: String,
    },
    AccountExists {
        login_url: String,
        reset_url: String,
    },
    SeatOffered {
        title: String,
        /// When the hold ends, in the venue's zone.
        until: String,
        url: String,
    },
    ConfirmReminder {
        title: String,
        code: String,
        event: String,
        /// When it was accepted, in the venue's zone.
        accepted: String,
        url: String,
    },
    ProposalStatus {
        title: String,
        code: String,
        event: String,
        status: String,
        url: String,
    },
    SpeakerInvitation {
        title: String,
        event: String,
        inviter: String,
        url: String,
    },
    TeamInvitation {
        edition: String,
        role: String,
        url: String,
    },
    ContactRequest {
        title: String,
        text: String,
        url: String,
    },
    ContactAnswer {
        speaker: String,
        title: String,
        text: String,
        answer: String,
        url: String,
    },
    /// A release changed sessions the recipient bookmarked.
    ScheduleChanges {
        edition: String,
        release: u32,
        /// The venue's zone, which the times are written in.
        zone: String,
        changes: Vec<ChangeLine>,
        changes_url: String,
        settings_url: String,
    },
}

/// One changed session in a mail.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub title: String,
    pub what: String,
    pub url: String,
}

impl MailKind {
    fn template(&self) -> &'static str {
        match self {
            Self::Verify { .. } => "verify",
            Self::Reset { .. } => "reset",
            Self::AccountExists { .. } => "account_exists",
            Self::SeatOffered { .. } => "seat_offered",
            Self::ConfirmReminder { .. } => "confirm_reminder",
            Self::ProposalStatus { .. } => "proposal_status",
            Self::SpeakerInvitation { .. } => "speaker_invitation",
            Self::TeamInvitation { .. } => "team_invitation",
            Self::ScheduleChanges { .. } => "schedule_changes",
            Self::ContactRequest { .. } => "contact_request",
            Self::ContactAnswer { .. } => "contact_answer",
        }
    }

    fn context(&self) -> minijinja::Value {
        match self {
            Self::Verify { url } | Self::Reset { url } => minijinja::context! { url },
            Self::AccountExists {
                login_url,
                reset_url,
            } => minijinja::context! { login_url, reset_url },
            Self::SeatOffered { title, until, url } => minijinja::context! { title, until, url },
            Self::ConfirmReminder {
                title,
                code,
                event,
                accepted,
                url,
            } => minijinja::context! { title, code, event, accepted, url },
            Self::ProposalStatus {
                title,
                code,
                event,
                status,
                url,
            } => minijinja::context! { title, code, event, status, url },
            Self::SpeakerInvitation {
                title,
                event,
                inviter,
                url,
            } => minijinja::context! { title, event, inviter, url },
            Self::TeamInvitation { edition, role, url } => {
                minijinja::context! { edition, role, url }
            }
            Self::ScheduleChanges {
                edition,
                release,
                zone,
                changes,
                changes_url,
                settings_url,
            } => minijinja::context! {
                edition,
                release,
                zone,
                changes => changes
                    .iter()
                    .map(|c| minijinja::context! { title => &c.title, what => &c.what, url => &c.url })
                    .collect::<Vec<_>>(),
                changes_url,
                settings_url
            },
            Self::ContactRequest { title, text, url } => minijinja::context! { title, text, url },
            Self::ContactAnswer {
                speaker,
                title,
                text,
                answer,
                url,
            } => minijinja::context! { speaker, title, text, answer, url },
        }
    }
}

/// The mail templates, parsed once; an undefined variable is an error, never an empty string.
#[derive(Debug)]
pub(crate) struct Templates {
    env: minijinja::Environment<'static>,
}

impl Templates {
    pub(crate) fn new() -> Self {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // Plain-text mail: nothing to escape.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("mail template {name} does not parse: {e}"));
        }
        Self { env }
    }

    /// `(subject, body)` of a message.
    pub(crate) fn render(&self, kind: &MailKind, site: &str) -> Result<(String, String)> {
        let text = self
            .env
            .get_template(kind.template())
            .and_then(|t| t.render(minijinja::context! { site, ..kind.context() }))
            .map_err(|e| AppError::Internal(format!("mail template {}: {e:#}", kind.template())))?;
        let (head, body) = text.split_once("\n\n").ok_or_else(|| {
            AppError::Internal(format!(
                "mail template {} has no blank line",
                kind.template()
            ))
        })?;
        let subject = head
            .strip_prefix("Subject: ")
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "mail template {} does not start with Subject:",
                    kind.template()
                ))
            })?
            .trim();
        Ok((subject.to_owned(), body.trim_start().to_owned()))
    }
}

impl App {
    /// Renders a message and queues it under `key`; a key queued before queues nothing.
    pub(crate) async fn queue_mail(&self, key: &str, to: &Email, kind: MailKind) -> Result<()> {
        let (subject, body) = self.inner.templates.render(&kind, &self.inner.public_url)?;
        self.store
            .enqueue(
                &NewMail {
                    key: key.to_owned(),
                    recipient: to.to_string(),
                    subject,
                    body,
                },
                jiff::Timestamp::now().as_second(),
            )
            .await?;
        Ok(())
    }

    /// A message rendered for the store to queue with the change it belongs to.
    pub(crate) fn letter(&self, to: &Email, kind: MailKind) -> Result<hallway_store::Letter> {
        let (subject, body) = self.inner.templates.render(&kind, &self.inner.public_url)?;
        Ok(hallway_store::Letter {
            recipient: to.to_string(),
            subject,
            body,
        })
    }

    /// The newest messages of the outbox, what went out and what failed.
    /// For a server with no SMTP server to send through (the demo): the next message due, taken
    /// off the outbox as delivered, for the caller to show where the person trying it sees it.
    pub async fn take_due_mail(&self) -> Result<Option<Mail>> {
        let now = jiff::Timestamp::now().as_second();
        let Some(mail) = self.store.claim_due(now, now + LEASE_SECONDS).await? else {
            return Ok(None);
        };
        self.store.mark_sent(mail.id, now).await?;
        Ok(Some(mail))
    }

    pub async fn outbox(&self, orga: &crate::OrgaCtx, limit: u32) -> Result<Vec<MailStatus>> {
        orga.may_create_editions()?;
        Ok(self.store.outbox(limit.min(1000)).await?)
    }
}

/// Where and how the worker sends. `Debug` hides the relay's password.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port` (plain, for a relay on the same host), `smtp://...?tls=required`
    /// (STARTTLS) or `smtps://host:port`, with `user:password@` when the relay asks.
    pub url: String,
    /// The From address.
    pub from: String,
    /// Attempts before a message is given up as failed.
    pub max_attempts: u32,
    /// The first retry's delay; each next one doubles it, up to an hour.
    pub first_retry: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &hallway_store::redact(&self.url))
            .field("from", &self.from)
            .field("max_attempts", &self.max_attempts)
            .field("first_retry", &self.first_retry)
            .finish()
    }
}

impl SmtpSettings {
    pub fn new(url: &str, from: &str) -> Self {
        Self {
            url: url.to_owned(),
            from: from.to_owned(),
            max_attempts: 8,
            first_retry: Duration::from_secs(30),
        }
    }
}

/// How long a claimed message stays `sending` before it counts as interrupted: well past
/// the SMTP timeout, so a slow send is never taken for a dead one.
const LEASE_SECONDS: i64 = 600;
const SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Sends the outbox.
pub struct MailWorker {
    app: App,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
    settings: SmtpSettings,
}

/// What one pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

impl MailWorker {
    pub fn new(app: App, settings: SmtpSettings) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| AppError::Invalid(format!("SMTP URL: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = settings.from.parse().map_err(|e| {
            AppError::Invalid(format!("mail From address {:?}: {e}", settings.from))
        })?;
        Ok(Self {
            app,
            transport,
            from,
            settings,
        })
    }

    /// Sends every message due now, one at a time, and returns what happened.
    pub async fn send_due(&self) -> Result<Sent> {
        self.send_due_as_of(jiff::Timestamp::now().as_second())
            .await
    }

    /// Sends every message due at `now` (seconds): a message retried during this pass waits
    /// for a later one.
    pub async fn send_due_as_of(&self, now: i64) -> Result<Sent> {
        let store = &self.app.store;
        let mut done = Sent::default();
        let interrupted = store.fail_interrupted(now).await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "mail left in sending by a stopped sender, marked failed"
            );
        }
        while let Some(mail) = store
            .claim_due(
                now,
                jiff::Timestamp::now().as_second().max(now) + LEASE_SECONDS,
            )
            .await?
        {
            match self.send(&mail).await {
                Ok(()) => {
                    store
                        .mark_sent(mail.id, jiff::Timestamp::now().as_second())
                        .await?;
                    done.sent += 1;
                }
                Err(Failure::Permanent(error)) => {
                    tracing::warn!(key = %mail.key, %error, "mail refused for good");
                    store.mark_failed(mail.id, &error).await?;
                    done.failed += 1;
                }
                Err(Failure::Transient(error)) if mail.attempts >= self.settings.max_attempts => {
                    tracing::warn!(key = %mail.key, %error, attempts = mail.attempts, "mail given up");
                    store
                        .mark_failed(
                            mail.id,
                            &format!("{error} (after {} attempts)", mail.attempts),
                        )
                        .await?;
                    done.failed += 1;
                }
                Err(Failure::Transient(error)) => {
                    let delay = backoff(self.settings.first_retry, mail.attempts);
                    tracing::info!(key = %mail.key, %error, retry_in = ?delay, "mail not sent yet");
                    let next = now
                        + i64::try_from(delay.as_secs())
                            .unwrap_or(i64::MAX / 2)
                            .max(1);
                    store.mark_retry(mail.id, &error, next).await?;
                    done.retried += 1;
                }
            }
        }
        Ok(done)
    }

    async fn send(&self, mail: &Mail) -> Result<(), Failure> {
        let to = mail
            .recipient
            .parse()
            .map_err(|e| Failure::Permanent(format!("recipient {:?}: {e}", mail.recipient)))?;
        let domain = self.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{}@{domain}>", message_id(&mail.key))))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| Failure::Permanent(format!("building the message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(e.to_string())),
            // A refusal for now, or no connection: the message did not go out.
            Err(e) => Err(Failure::Transient(crate::cause_chain(&e))),
        }
    }

    /// Sends what is due, then waits for the next message due or `poll`, until `stop`.
    pub async fn run(self, poll: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.send_due().await {
                tracing::error!(error = %crate::cause_chain(&e), "the mail worker failed a pass");
            }
            let wait = match self.app.store.next_due().await {
                Ok(Some(at)) => {
                    let secs = (at - jiff::Timestamp::now().as_second()).max(1);
                    poll.min(Duration::from_secs(secs.unsigned_abs()))
                }
                _ => poll,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                changed = stop.changed() => if changed.is_err() || *stop.borrow() { return },
            }
        }
    }
}

enum Failure {
    Permanent(String),
    Transient(String),
}

/// `first`, doubled for each attempt after the first, at most an hour.
fn backoff(first: Duration, attempts: u32) -> Duration {
    let factor = 1u32 << attempts.saturating_sub(1).min(16);
    first.saturating_mul(factor).min(Duration::from_secs(3600))
}

/// A Message-ID's left part from an idempotency key: letters, digits, `.` and `-` only.
fn message_id(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '.'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_with_a_subject() {
        let t = Templates::new();
        for kind in [
            MailKind::Verify {
                url: "https://h.test/v".into(),
            },
            MailKind::Reset {
                url: "https://h.test/r".into(),
            },
            MailKind::AccountExists {
                login_url: "https://h.test/l".into(),
                reset_url: "https://h.test/r".into(),
            },
        ] {
            let (subject, body) = t.render(&kind, "https://h.test").unwrap();
            assert!(
                !subject.is_empty() && !subject.contains('\n'),
                "{subject:?}"
            );
            assert!(body.contains("https://h.test/"), "{body}");
        }
    }

    #[test]
    fn a_change_mail_lists_each_change_with_its_link() {
        let kind = MailKind::ScheduleChanges {
            edition: "KubeCon EU".into(),
            release: 4,
            zone: "Europe/Amsterdam".into(),
            changes: vec![
                ChangeLine {
                    title: "Zero trust".into(),
                    what: "moved from Hall 7 to Room A".into(),
                    url: "https://h.test/kc/sessions/1".into(),
                },
                ChangeLine {
                    title: "eBPF".into(),
                    what: "cancelled".into(),
                    url: "https://h.test/kc/sessions/2".into(),
                },
            ],
            changes_url: "https://h.test/me/kc/changes".into(),
            settings_url: "https://h.test/me/kc/settings".into(),
        };
        let (subject, body) = Templates::new().render(&kind, "https://h.test").unwrap();
        assert_eq!(subject, "KubeCon EU: 2 of your sessions changed");
        assert!(
            body.starts_with("Release 4 of the KubeCon EU schedule"),
            "{body}"
        );
        assert!(body.contains("times in Europe/Amsterdam"), "{body}");
        assert!(
            body.contains(
                "- Zero trust: moved from Hall 7 to Room A\n  https://h.test/kc/sessions/1"
            ),
            "{body}"
        );
        assert!(body.contains("- eBPF: cancelled"), "{body}");
        assert!(body.contains("https://h.test/me/kc/settings"), "{body}");
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let s = Duration::from_secs(30);
        assert_eq!(backoff(s, 1), s);
        assert_eq!(backoff(s, 2), Duration::from_secs(60));
        assert_eq!(backoff(s, 3), Duration::from_secs(120));
        assert_eq!(backoff(s, 30), Duration::from_secs(3600));
    }

    #[test]
    fn smtp_settings_hide_the_password() {
        let s = SmtpSettings::new("smtps://mailer:hunter2@mail.example.org", "a@example.org");
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("mailer:***@"),
            "{shown}"
        );
    }

    #[test]
    fn message_ids_come_from_keys() {
        assert_eq!(message_id("reset:42:29000"), "reset.42.29000");
    }
}
