//! Read-only links to an attendee's agenda: a secret token per attendee and edition, made,
//! shown to its owner, looked up by whoever holds it, revoked. A new link revokes the old one.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Slug, UserId};

pub trait AgendaShareStore {
    /// Makes `token` the account's live link in the edition, revoking any other.
    async fn share_agenda(&self, edition: &Slug, user: UserId, token: &str, now: i64)
    -> Result<()>;
    /// The account's live link, if it has one.
    async fn agenda_share_of(&self, edition: &Slug, user: UserId) -> Result<Option<String>>;
    /// Revokes the account's live link; true when there was one.
    async fn revoke_agenda_share(&self, edition: &Slug, user: UserId, now: i64) -> Result<bool>;
    /// Whose agenda a live token shows; NotFound for an unknown or revoked token.
    async fn agenda_shared_by(&self, edition: &Slug, token: &str) -> Result<UserId>;
}

impl AgendaShareStore for Store {
    async fn share_agenda(
        &self,
        edition: &Slug,
        user: UserId,
        token: &str,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            sqlx::query(
                "INSERT INTO attendees (edition_id, handle, user_id) VALUES ($1, $2, $3)
                 ON CONFLICT (edition_id, handle) DO NOTHING",
            )
            .bind(edition_id)
            .bind(format!("account:{}", user.0))
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            // The attendee's row is the lock: two clicks make one live link, not a conflict.
            let attendee: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM attendees WHERE edition_id = $1 AND user_id = $2{}",
                pool.for_update()
            )))
            .bind(edition_id)
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE agenda_shares SET revoked_at = $2
                 WHERE attendee_id = $1 AND revoked_at IS NULL",
            )
            .bind(attendee)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO agenda_shares (attendee_id, token, created_at) VALUES ($1, $2, $3)",
            )
            .bind(attendee)
            .bind(token)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn agenda_share_of(&self, edition: &Slug, user: UserId) -> Result<Option<String>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_scalar(
                "SELECT x.token FROM agenda_shares x
                 JOIN attendees a ON a.id = x.attendee_id JOIN editions e ON e.id = a.edition_id
                 WHERE e.slug = $1 AND a.user_id = $2 AND x.revoked_at IS NULL",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_optional(pool)
            .await?)
        })
    }

    async fn revoke_agenda_share(&self, edition: &Slug, user: UserId, now: i64) -> Result<bool> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE agenda_shares SET revoked_at = $3
                 WHERE revoked_at IS NULL AND attendee_id IN (
                     SELECT a.id FROM attendees a JOIN editions e ON e.id = a.edition_id
                     WHERE e.slug = $1 AND a.user_id = $2)",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    async fn agenda_shared_by(&self, edition: &Slug, token: &str) -> Result<UserId> {
        on_pool!(self, |pool| {
            let user: Option<Option<i64>> = sqlx::query_scalar(
                "SELECT a.user_id FROM agenda_shares x
                 JOIN attendees a ON a.id = x.attendee_id JOIN editions e ON e.id = a.edition_id
                 WHERE e.slug = $1 AND x.token = $2 AND x.revoked_at IS NULL",
            )
            .bind(edition.as_str())
            .bind(token)
            .fetch_optional(pool)
            .await?;
            match user {
                Some(Some(id)) => Ok(UserId(id)),
                _ => Err(StoreError::NotFound("agenda link".into())),
            }
        })
    }
}
