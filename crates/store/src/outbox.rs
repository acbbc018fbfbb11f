//! The mail outbox: messages are written in the transaction of whatever caused them, and a
//! worker sends them. Each has an idempotency key; queueing the same key twice queues once.

use crate::{Result, Store, StoreError, on_pool};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// Says what the message is for (`verify:42:1700000000`): the same key is one message.
    pub key: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// A message claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub key: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Including this one.
    pub attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailState {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl MailState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            other => return Err(StoreError::invalid(format!("stored mail state {other:?}"))),
        })
    }
}

/// A message as organizers see it in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailStatus {
    pub id: i64,
    pub key: String,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: u32,
    pub last_error: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

pub trait OutboxStore {
    /// Queues a message; `false` when its key was queued before (nothing changes then).
    async fn enqueue(&self, mail: &NewMail, now: i64) -> Result<bool>;
    /// Takes the next due message and marks it `sending` until `lease_until`, before any byte
    /// goes out; replicas never take the same one.
    async fn claim_due(&self, now: i64, lease_until: i64) -> Result<Option<Mail>>;
    async fn mark_sent(&self, id: i64, now: i64) -> Result<()>;
    /// Back to the queue, to be tried at `next_at`.
    async fn mark_retry(&self, id: i64, error: &str, next_at: i64) -> Result<()>;
    async fn mark_failed(&self, id: i64, error: &str) -> Result<()>;
    /// Messages whose sender stopped while sending (the lease ran out) become `failed` with
    /// the reason: they may have gone out, and sending them again could send them twice.
    async fn fail_interrupted(&self, now: i64) -> Result<u64>;
    /// The newest messages first.
    async fn outbox(&self, limit: u32) -> Result<Vec<MailStatus>>;
    /// When the next queued message is due, if any.
    async fn next_due(&self) -> Result<Option<i64>>;
}

const INTERRUPTED: &str = "the sender stopped during the SMTP exchange; not sent again, so that it is never sent twice: it may or may not have arrived";

impl OutboxStore for Store {
    async fn enqueue(&self, mail: &NewMail, now: i64) -> Result<bool> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO outbox (idempotency_key, recipient, subject, body, state, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, 'queued', $5, $5)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind(&mail.key)
            .bind(&mail.recipient)
            .bind(&mail.subject)
            .bind(&mail.body)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn claim_due(&self, now: i64, lease_until: i64) -> Result<Option<Mail>> {
        // PostgreSQL: concurrent workers skip rows another has locked; SQLite has one writer.
        let lock = match self {
            Store::Sqlite(_) => "",
            Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = $2
             WHERE id = (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $1
                         ORDER BY next_attempt_at, id LIMIT 1{lock})
               AND state = 'queued'
             RETURNING id, idempotency_key, recipient, subject, body, attempts"
        );
        on_pool!(self, |pool| {
            let row: Option<(i64, String, String, String, String, i64)> =
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(now)
                    .bind(lease_until)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|r| Mail {
                id: r.0,
                key: r.1,
                recipient: r.2,
                subject: r.3,
                body: r.4,
                attempts: r.5.clamp(0, i64::from(u32::MAX)) as u32,
            }))
        })
    }

    async fn mark_sent(&self, id: i64, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $1, last_error = '' WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn mark_retry(&self, id: i64, error: &str, next_at: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET state = 'queued', last_error = $1, next_attempt_at = $2 WHERE id = $3",
            )
            .bind(error)
            .bind(next_at)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn mark_failed(&self, id: i64, error: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2")
                .bind(error)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    async fn fail_interrupted(&self, now: i64) -> Result<u64> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE outbox SET state = 'failed', last_error = $1
                 WHERE state = 'sending' AND next_attempt_at < $2",
            )
            .bind(INTERRUPTED)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected())
        })
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<MailStatus>> {
        on_pool!(self, |pool| {
            #[allow(clippy::type_complexity)]
            let rows: Vec<(
                i64,
                String,
                String,
                String,
                String,
                i64,
                String,
                i64,
                Option<i64>,
            )> = sqlx::query_as(
                "SELECT id, idempotency_key, recipient, subject, state, attempts, last_error,
                            created_at, sent_at
                     FROM outbox ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(MailStatus {
                        id: r.0,
                        key: r.1,
                        recipient: r.2,
                        subject: r.3,
                        state: MailState::parse(&r.4)?,
                        attempts: r.5.clamp(0, i64::from(u32::MAX)) as u32,
                        last_error: r.6,
                        created_at: r.7,
                        sent_at: r.8,
                    })
                })
                .collect()
        })
    }

    async fn next_due(&self) -> Result<Option<i64>> {
        on_pool!(self, |pool| {
            let at: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'",
            )
            .fetch_one(pool)
            .await?;
            Ok(at)
        })
    }
}
