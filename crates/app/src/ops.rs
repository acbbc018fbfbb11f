//! What the readiness check and the metrics read: no permission, nothing personal.

use crate::{App, Result};
use hallway_store::{MailState, PoolUse};

impl App {
    /// What keeps this process from serving: migrations the database lacks. The database
    /// not answering is the error.
    pub async fn not_ready_because(&self) -> Result<Vec<String>> {
        let pending = self.store.pending_migrations().await?;
        Ok(pending
            .iter()
            .map(|v| format!("schema migration {v} is not applied"))
            .collect())
    }

    pub fn pool_use(&self) -> PoolUse {
        self.store.pool_use()
    }

    /// Messages in the outbox by state: the backlog is the queued ones.
    pub async fn outbox_counts(&self) -> Result<Vec<(MailState, u64)>> {
        Ok(self.store.outbox_counts().await?)
    }
}
