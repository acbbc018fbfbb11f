//! What the schedule optimizer keeps: pinned sessions and the proposals it made.

use crate::schedule::{Applying, to_version, version_value};
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Guid, Proposal, Schedule, Slug};
use sqlx::{AssertSqlSafe, Row};

pub trait SchedulingStore {
    /// GUIDs of the edition's pinned sessions.
    async fn pinned(&self, edition: &Slug) -> Result<Vec<Guid>>;
    /// Pins or unpins sessions; an unknown GUID is `NotFound` and nothing changes. A change
    /// bumps the work in progress's version (a proposal solved before it would move a pinned
    /// session), which it returns.
    async fn set_pinned(&self, edition: &Slug, sessions: &[Guid], pinned: bool) -> Result<u64>;
    /// Stores a proposal under the next number, which it returns, with the version of the work
    /// in progress it was solved on (`proposal.solved_on`).
    async fn save_proposal(&self, edition: &Slug, proposal: &Proposal) -> Result<u32>;
    /// A proposal by number, or the newest.
    async fn proposal(&self, edition: &Slug, number: Option<u32>) -> Result<Proposal>;
    async fn mark_applied(&self, edition: &Slug, number: u32, at: jiff::Timestamp) -> Result<()>;
    /// Writes `schedule` (proposal `number`'s placements over the work in progress at
    /// `based_on`) and marks the proposal applied, in one transaction that first checks that
    /// the work in progress is still at `based_on` (else `VersionConflict`) and, unless
    /// `force`, that the proposal was solved on it (else `ProposalConflict`). Returns the new
    /// version.
    async fn apply_proposal(
        &self,
        schedule: &Schedule,
        number: u32,
        based_on: u64,
        force: bool,
        at: jiff::Timestamp,
    ) -> Result<u64>;
    /// Sets a room's capacity (`None`: unknown) and bumps the work in progress's version,
    /// which it returns.
    async fn set_capacity(&self, edition: &Slug, room: &Slug, capacity: Option<u32>)
    -> Result<u64>;
}

/// Locks the edition's row (the version row) for a write to its work in progress and bumps
/// its version: the same lock every writer of the work in progress takes first.
macro_rules! lock_version {
    ($pool:expr, $tx:expr, $edition:expr) => {{
        let sql = format!(
            "SELECT id, wip_version FROM editions WHERE slug = $1{}",
            $pool.for_update()
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind($edition.as_str())
            .fetch_optional(&mut *$tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("edition {}", $edition)))?;
        let id: i64 = row.try_get("id")?;
        (id, to_version(row.try_get("wip_version")?)?)
    }};
}

macro_rules! bump_version {
    ($tx:expr, $id:expr, $version:expr) => {{
        let next = $version + 1;
        sqlx::query("UPDATE editions SET wip_version = $2 WHERE id = $1")
            .bind($id)
            .bind(version_value(next)?)
            .execute(&mut *$tx)
            .await?;
        next
    }};
}

fn edition_id_sql() -> &'static str {
    "SELECT id FROM editions WHERE slug = $1"
}

impl SchedulingStore for Store {
    async fn pinned(&self, edition: &Slug) -> Result<Vec<Guid>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT s.guid FROM session_pins p
                 JOIN sessions s ON s.id = p.session_id
                 JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 ORDER BY s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let g: String = r.try_get("guid")?;
                    Guid::parse(&g).map_err(|e| StoreError::invalid(format!("guid {g}: {e}")))
                })
                .collect()
        })
    }

    async fn set_pinned(&self, edition: &Slug, sessions: &[Guid], pinned: bool) -> Result<u64> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let (edition_id, version) = lock_version!(pool, tx, edition);
            let mut changed = 0;
            let now = jiff::Timestamp::now().as_second();
            for g in sessions {
                let id: i64 = sqlx::query_scalar(
                    "SELECT id FROM sessions WHERE edition_id = $1 AND guid = $2 AND state = 'scheduled'",
                )
                .bind(edition_id)
                .bind(g.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("session {g} in {edition}")))?;
                let done = if pinned {
                    sqlx::query(
                        "INSERT INTO session_pins (session_id, pinned_at) VALUES ($1, $2)
                         ON CONFLICT (session_id) DO NOTHING",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                } else {
                    sqlx::query("DELETE FROM session_pins WHERE session_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                };
                changed += done.rows_affected();
            }
            // Pinning what is pinned already changes nothing, and no proposal goes stale.
            let version = if changed > 0 {
                bump_version!(tx, edition_id, version)
            } else {
                version
            };
            tx.commit().await?;
            Ok(version)
        })
    }

    async fn save_proposal(&self, edition: &Slug, proposal: &Proposal) -> Result<u32> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let sql = format!("{}{}", edition_id_sql(), pool.for_update());
            let edition_id: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let last: Option<i64> =
                sqlx::query_scalar("SELECT MAX(number) FROM proposals WHERE edition_id = $1")
                    .bind(edition_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let number = last.unwrap_or(0) + 1;
            let mut stored = proposal.clone();
            stored.number = u32::try_from(number)
                .map_err(|_| StoreError::invalid(format!("proposal number {number}")))?;
            let body = serde_json::to_string(&stored)
                .map_err(|e| StoreError::invalid(format!("proposal: {e}")))?;
            sqlx::query(
                "INSERT INTO proposals (edition_id, number, created_at, body, solved_on)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(edition_id)
            .bind(number)
            .bind(proposal.created_at.as_second())
            .bind(body)
            .bind(proposal.solved_on.map(version_value).transpose()?)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(stored.number)
        })
    }

    async fn proposal(&self, edition: &Slug, number: Option<u32>) -> Result<Proposal> {
        on_pool!(self, |pool| {
            let row = sqlx::query(
                "SELECT p.body, p.applied_at, p.solved_on FROM proposals p JOIN editions e ON e.id = p.edition_id
                 WHERE e.slug = $1 AND ($2 IS NULL OR p.number = $2)
                 ORDER BY p.number DESC LIMIT 1",
            )
            .bind(edition.as_str())
            .bind(number.map(i64::from))
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| match number {
                Some(n) => StoreError::NotFound(format!("proposal {n} of {edition}")),
                None => StoreError::NotFound(format!("a proposal for {edition}")),
            })?;
            let body: String = row.try_get("body")?;
            let mut p: Proposal = serde_json::from_str(&body)
                .map_err(|e| StoreError::invalid(format!("stored proposal: {e}")))?;
            let applied: Option<i64> = row.try_get("applied_at")?;
            p.applied_at = applied
                .map(jiff::Timestamp::from_second)
                .transpose()
                .map_err(|e| StoreError::invalid(e.to_string()))?;
            p.solved_on = row
                .try_get::<Option<i64>, _>("solved_on")?
                .map(to_version)
                .transpose()?;
            Ok(p)
        })
    }

    async fn mark_applied(&self, edition: &Slug, number: u32, at: jiff::Timestamp) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE proposals SET applied_at = $3 WHERE number = $2
                 AND edition_id = (SELECT id FROM editions WHERE slug = $1)",
            )
            .bind(edition.as_str())
            .bind(i64::from(number))
            .bind(at.as_second())
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "proposal {number} of {edition}"
                )));
            }
            Ok(())
        })
    }

    async fn apply_proposal(
        &self,
        schedule: &Schedule,
        number: u32,
        based_on: u64,
        force: bool,
        at: jiff::Timestamp,
    ) -> Result<u64> {
        let applying = Applying { number, at, force };
        self.write_work_in_progress(schedule, based_on, Some(applying))
            .await
    }

    async fn set_capacity(
        &self,
        edition: &Slug,
        room: &Slug,
        capacity: Option<u32>,
    ) -> Result<u64> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let (edition_id, version) = lock_version!(pool, tx, edition);
            let done =
                sqlx::query("UPDATE rooms SET capacity = $3 WHERE slug = $2 AND edition_id = $1")
                    .bind(edition_id)
                    .bind(room.as_str())
                    .bind(capacity.map(i64::from))
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("room {room} of {edition}")));
            }
            let version = bump_version!(tx, edition_id, version);
            tx.commit().await?;
            Ok(version)
        })
    }
}
