//! What operators watch: the connection pool, the schema, the outbox's backlog.

use crate::{MailState, Result, Store, on_pool};

/// Connections of the pool: open ones, idle ones, and the most it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

impl Store {
    pub fn pool_use(&self) -> PoolUse {
        on_pool!(self, |pool| PoolUse {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        })
    }

    /// Whether the database answers, and the migrations it still lacks.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>> {
        crate::migrate::pending(self).await
    }

    /// Messages in the outbox by state.
    pub async fn outbox_counts(&self) -> Result<Vec<(MailState, u64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(state, n)| Ok((MailState::parse(&state)?, u64::try_from(n).unwrap_or(0))))
            .collect()
    }
}
