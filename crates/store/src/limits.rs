//! A rate limiter every replica shares: attempts are rows, counted per action and subject
//! (an account, an address) over a window, under a lock per subject, so a burst of parallel
//! requests gets exactly as many through as the limit allows, on any replica.

use crate::{Dialect, Result, Store, on_pool};

/// One limit to check: who, how many at most, since when (Unix seconds, exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub subject: String,
    pub most: u32,
    pub since: i64,
}

pub trait LimitStore {
    /// Counts one attempt of `action` for every subject of `limits` at `now`, unless one of
    /// them already has `most` inside its window: then nothing is counted, and the answer is
    /// that subject and the time of its oldest attempt inside the window (to say when to come
    /// back).
    async fn hit(
        &self,
        action: &str,
        limits: &[Limit],
        now: i64,
    ) -> Result<Result<(), (String, i64)>>;
    /// Forgets attempts older than `before`.
    async fn forget_hits(&self, before: i64) -> Result<u64>;
}

impl LimitStore for Store {
    async fn hit(
        &self,
        action: &str,
        limits: &[Limit],
        now: i64,
    ) -> Result<Result<(), (String, i64)>> {
        let mut ordered: Vec<&Limit> = limits.iter().collect();
        // Locks taken in one order everywhere cannot deadlock.
        ordered.sort_by(|a, b| a.subject.cmp(&b.subject));
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            if matches!(self, Store::Postgres(_)) {
                for l in &ordered {
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .bind(format!("{action}:{}", l.subject))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for l in &ordered {
                let (n, oldest): (i64, Option<i64>) = sqlx::query_as(
                    "SELECT COUNT(*), MIN(at) FROM rate_hits
                     WHERE action = $1 AND subject = $2 AND at > $3",
                )
                .bind(action)
                .bind(&l.subject)
                .bind(l.since)
                .fetch_one(&mut *tx)
                .await?;
                if n >= i64::from(l.most) {
                    return Ok(Err((l.subject.clone(), oldest.unwrap_or(now))));
                }
            }
            for l in &ordered {
                sqlx::query("INSERT INTO rate_hits (action, subject, at) VALUES ($1, $2, $3)")
                    .bind(action)
                    .bind(&l.subject)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    async fn forget_hits(&self, before: i64) -> Result<u64> {
        on_pool!(self, |pool| {
            Ok(sqlx::query("DELETE FROM rate_hits WHERE at < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected())
        })
    }
}
