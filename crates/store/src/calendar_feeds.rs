//! An attendee's private calendar feed: one secret per attendee and edition, looked up by its
//! hash. A new secret replaces the old one, and revoking deletes it: either way the old
//! address finds nothing.

use crate::my_changes::attendee_in;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Slug, UserId};

/// The feed's secret as its owner sees it again, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSecret {
    pub secret: String,
    pub created_at: i64,
}

pub trait CalendarFeedStore {
    async fn calendar_feed(&self, edition: &Slug, user: UserId) -> Result<Option<FeedSecret>>;
    /// Gives the account's feed in the edition this secret, replacing any before it.
    async fn put_calendar_feed(
        &self,
        edition: &Slug,
        user: UserId,
        secret: &str,
        hash: &str,
        now: i64,
    ) -> Result<()>;
    /// `false` when there was none.
    async fn revoke_calendar_feed(&self, edition: &Slug, user: UserId) -> Result<bool>;
    /// Whose feed of which edition the secret with this hash opens: `NotFound` when none.
    async fn calendar_feed_owner(&self, hash: &str) -> Result<(Slug, UserId)>;
}

impl CalendarFeedStore for Store {
    async fn calendar_feed(&self, edition: &Slug, user: UserId) -> Result<Option<FeedSecret>> {
        on_pool!(self, |pool| {
            let row: Option<(String, i64)> = sqlx::query_as(
                "SELECT f.secret, f.created_at FROM calendar_feeds f
                 JOIN attendees a ON a.id = f.attendee_id JOIN editions e ON e.id = a.edition_id
                 WHERE e.slug = $1 AND a.user_id = $2",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_optional(pool)
            .await?;
            Ok(row.map(|(secret, created_at)| FeedSecret { secret, created_at }))
        })
    }

    async fn put_calendar_feed(
        &self,
        edition: &Slug,
        user: UserId,
        secret: &str,
        hash: &str,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let attendee = attendee_in!(tx, edition, user);
            sqlx::query(
                "INSERT INTO calendar_feeds (attendee_id, secret, secret_hash, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (attendee_id) DO UPDATE SET secret = excluded.secret,
                     secret_hash = excluded.secret_hash, created_at = excluded.created_at",
            )
            .bind(attendee)
            .bind(secret)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn revoke_calendar_feed(&self, edition: &Slug, user: UserId) -> Result<bool> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "DELETE FROM calendar_feeds WHERE attendee_id IN (
                     SELECT a.id FROM attendees a JOIN editions e ON e.id = a.edition_id
                     WHERE e.slug = $1 AND a.user_id = $2)",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    async fn calendar_feed_owner(&self, hash: &str) -> Result<(Slug, UserId)> {
        on_pool!(self, |pool| {
            let row: Option<(String, i64)> = sqlx::query_as(
                "SELECT e.slug, a.user_id FROM calendar_feeds f
                 JOIN attendees a ON a.id = f.attendee_id JOIN editions e ON e.id = a.edition_id
                 WHERE f.secret_hash = $1",
            )
            .bind(hash)
            .fetch_optional(pool)
            .await?;
            let (slug, user) =
                row.ok_or_else(|| StoreError::NotFound("this calendar feed".into()))?;
            Ok((
                Slug::parse(&slug).map_err(|e| StoreError::invalid(e.to_string()))?,
                UserId(user),
            ))
        })
    }
}
