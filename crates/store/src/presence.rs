//! Presence and contact requests. Presence is two small tables: whether a person shows in an
//! edition (off unless they said so) and when they were last seen anywhere. A contact request
//! is written with its mail to the presenter in one transaction, under a key naming the
//! request, so it is mailed once; an answer likewise, and only a request still new takes one.

use crate::submissions::QUEUE_MAIL;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::venue::ContactState;
use hallway_domain::{Slug, UserId};

/// A contact request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContact {
    pub id: i64,
    pub session: String,
    pub presenter: UserId,
    pub sender: UserId,
    /// The sender's address: where the answer goes.
    pub sender_email: String,
    pub text: String,
    pub sent_at: i64,
    pub state: ContactState,
    pub answer: String,
    pub answered_at: Option<i64>,
}

/// A message to queue with a change, rendered by the caller; the store gives it its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

pub trait PresenceStore {
    async fn set_presence_visible(&self, user: UserId, edition: &Slug, visible: bool)
    -> Result<()>;
    async fn presence_visible(&self, user: UserId, edition: &Slug) -> Result<bool>;
    /// Notes that `user` was seen at `now`.
    async fn seen(&self, user: UserId, now: i64) -> Result<()>;
    /// Of `users`, those who show in `edition` and were seen after `since`.
    async fn online_of(&self, edition: &Slug, users: &[UserId], since: i64) -> Result<Vec<UserId>>;

    /// The e-mail address of an account: where a presenter's notes are mailed.
    async fn address_of(&self, user: UserId) -> Result<String>;

    /// Writes a request and queues `letter` under the key `contact:{id}`; returns the id.
    #[allow(clippy::too_many_arguments)]
    async fn send_contact(
        &self,
        edition: &Slug,
        session: &str,
        presenter: UserId,
        sender: UserId,
        text: &str,
        now: i64,
        letter: &Letter,
    ) -> Result<i64>;
    /// A presenter's requests in an edition, newest first.
    async fn contacts_to(&self, edition: &Slug, presenter: UserId) -> Result<Vec<StoredContact>>;
    /// What a sender sent in an edition, newest first.
    async fn contacts_from(&self, edition: &Slug, sender: UserId) -> Result<Vec<StoredContact>>;
    async fn contact(&self, id: i64) -> Result<StoredContact>;
    /// Answers (with `Some` text, queuing `letter` under `contact-answer:{id}`) or ignores
    /// (`None`) a request of `presenter` that is still new: a `Conflict` otherwise.
    async fn settle_contact(
        &self,
        id: i64,
        presenter: UserId,
        answer: Option<(&str, &Letter)>,
        now: i64,
    ) -> Result<()>;
}

const CONTACT: &str = "SELECT c.id, c.session_guid, c.presenter_id, c.sender_id, u.email, c.text,
       c.sent_at, c.state, c.answer, c.answered_at
     FROM contact_requests c JOIN users u ON u.id = c.sender_id";

type ContactRow = (
    i64,
    String,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
);

fn contact_from(r: ContactRow) -> Result<StoredContact> {
    Ok(StoredContact {
        id: r.0,
        session: r.1,
        presenter: UserId(r.2),
        sender: UserId(r.3),
        sender_email: r.4,
        text: r.5,
        sent_at: r.6,
        state: ContactState::parse(&r.7).map_err(|e| StoreError::invalid(e.to_string()))?,
        answer: r.8,
        answered_at: r.9,
    })
}

const EDITION_ID: &str = "SELECT id FROM editions WHERE slug = $1";

impl PresenceStore for Store {
    async fn set_presence_visible(
        &self,
        user: UserId,
        edition: &Slug,
        visible: bool,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let id: i64 = sqlx::query_scalar(EDITION_ID)
                .bind(edition.as_str())
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            sqlx::query(
                "INSERT INTO presence_settings (user_id, edition_id, visible) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, edition_id) DO UPDATE SET visible = excluded.visible",
            )
            .bind(user.0)
            .bind(id)
            .bind(visible)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn presence_visible(&self, user: UserId, edition: &Slug) -> Result<bool> {
        on_pool!(self, |pool| {
            let v: Option<bool> = sqlx::query_scalar(
                "SELECT p.visible FROM presence_settings p JOIN editions e ON e.id = p.edition_id
                 WHERE p.user_id = $1 AND e.slug = $2",
            )
            .bind(user.0)
            .bind(edition.as_str())
            .fetch_optional(pool)
            .await?;
            Ok(v.unwrap_or(false))
        })
    }

    async fn seen(&self, user: UserId, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO presence_seen (user_id, seen_at) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at
                 WHERE presence_seen.seen_at < excluded.seen_at",
            )
            .bind(user.0)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn online_of(&self, edition: &Slug, users: &[UserId], since: i64) -> Result<Vec<UserId>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.user_id FROM presence_settings p JOIN editions e ON e.id = p.edition_id
             JOIN presence_seen s ON s.user_id = p.user_id
             WHERE e.slug = $1 AND p.visible = $2 AND s.seen_at > $3 AND p.user_id IN ({})",
            crate::placeholders(4, users.len())
        );
        on_pool!(self, |pool| {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(edition.as_str())
                .bind(true)
                .bind(since);
            for u in users {
                q = q.bind(u.0);
            }
            let online = q.fetch_all(pool).await?;
            // In the order asked, as the page lists its speakers.
            Ok(users
                .iter()
                .copied()
                .filter(|u| online.contains(&u.0))
                .collect())
        })
    }

    async fn address_of(&self, user: UserId) -> Result<String> {
        on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("account {user}")))
        })
    }

    async fn send_contact(
        &self,
        edition: &Slug,
        session: &str,
        presenter: UserId,
        sender: UserId,
        text: &str,
        now: i64,
        letter: &Letter,
    ) -> Result<i64> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: i64 = sqlx::query_scalar(EDITION_ID)
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contact_requests (edition_id, session_guid, presenter_id, sender_id,
                   text, sent_at, state, answer)
                 VALUES ($1, $2, $3, $4, $5, $6, 'new', '') RETURNING id",
            )
            .bind(edition_id)
            .bind(session)
            .bind(presenter.0)
            .bind(sender.0)
            .bind(text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(QUEUE_MAIL)
                .bind(format!("contact:{id}"))
                .bind(&letter.recipient)
                .bind(&letter.subject)
                .bind(&letter.body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    async fn contacts_to(&self, edition: &Slug, presenter: UserId) -> Result<Vec<StoredContact>> {
        let sql = format!(
            "{CONTACT} JOIN editions e ON e.id = c.edition_id
             WHERE e.slug = $1 AND c.presenter_id = $2 ORDER BY c.id DESC"
        );
        on_pool!(self, |pool| {
            sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(edition.as_str())
                .bind(presenter.0)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(contact_from)
                .collect()
        })
    }

    async fn contacts_from(&self, edition: &Slug, sender: UserId) -> Result<Vec<StoredContact>> {
        let sql = format!(
            "{CONTACT} JOIN editions e ON e.id = c.edition_id
             WHERE e.slug = $1 AND c.sender_id = $2 ORDER BY c.id DESC"
        );
        on_pool!(self, |pool| {
            sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(edition.as_str())
                .bind(sender.0)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(contact_from)
                .collect()
        })
    }

    async fn contact(&self, id: i64) -> Result<StoredContact> {
        let sql = format!("{CONTACT} WHERE c.id = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query_as::<_, ContactRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("contact request {id}")))?;
            contact_from(row)
        })
    }

    async fn settle_contact(
        &self,
        id: i64,
        presenter: UserId,
        answer: Option<(&str, &Letter)>,
        now: i64,
    ) -> Result<()> {
        let (state, text) = match answer {
            Some((text, _)) => (ContactState::Answered, text),
            None => (ContactState::Ignored, ""),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE contact_requests SET state = $1, answer = $2, answered_at = $3
                 WHERE id = $4 AND presenter_id = $5 AND state = 'new'",
            )
            .bind(state.as_str())
            .bind(text)
            .bind(now)
            .bind(id)
            .bind(presenter.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                let current: Option<String> = sqlx::query_scalar(
                    "SELECT state FROM contact_requests WHERE id = $1 AND presenter_id = $2",
                )
                .bind(id)
                .bind(presenter.0)
                .fetch_optional(&mut *tx)
                .await?;
                return Err(match current {
                    None => StoreError::NotFound(format!("contact request {id}")),
                    Some(s) => StoreError::Conflict(format!("this request was {s} already")),
                });
            }
            if let Some((_, letter)) = answer {
                sqlx::query(QUEUE_MAIL)
                    .bind(format!("contact-answer:{id}"))
                    .bind(&letter.recipient)
                    .bind(&letter.subject)
                    .bind(&letter.body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
