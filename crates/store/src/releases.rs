//! Releases: immutable snapshots, numbered per edition.

use crate::schedule::ReadWorkInProgress;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{ChangeSet, Release, ReleaseNote, Schedule, Slug};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Row};

pub trait ReleaseStore {
    /// Freezes the edition's work in progress into its next release. The work in progress is
    /// read inside the transaction that writes the release, with the edition's version row
    /// locked, so the release holds exactly one saved version, never a mix of two saves.
    /// `decide` gets that work in progress and the previous release's schedule (if any), in
    /// the same transaction, so the changelog cannot be computed against a release that
    /// another writer just superseded: it answers the changes, `Ok(None)` to decline (the
    /// answer is then `Unchanged`), or an error to refuse.
    async fn create_release<F, E>(
        &self,
        edition: &Slug,
        released_at: Timestamp,
        decide: F,
    ) -> Result<Release, E>
    where
        F: FnOnce(&Schedule, Option<&Schedule>) -> Result<Option<ChangeSet>, E> + Send,
        E: From<StoreError> + Send;
    async fn latest_release(&self, edition: &Slug) -> Result<Option<Release>>;
    async fn release(&self, edition: &Slug, number: u32) -> Result<Release>;
    /// The changelog: every release's number, time and changes, newest first.
    async fn release_notes(&self, edition: &Slug) -> Result<Vec<ReleaseNote>>;
    /// The newest release number of every edition that has one.
    async fn latest_release_numbers(&self) -> Result<Vec<(Slug, u32)>>;
}

fn decode<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::invalid(format!("stored {what}: {e}")))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(Box::new(e)))
}

fn number(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("release number {n}")))
}

impl ReleaseStore for Store {
    async fn create_release<F, E>(
        &self,
        edition: &Slug,
        released_at: Timestamp,
        decide: F,
    ) -> Result<Release, E>
    where
        F: FnOnce(&Schedule, Option<&Schedule>) -> Result<Option<ChangeSet>, E> + Send,
        E: From<StoreError> + Send,
    {
        // The store's own failures, and apart from them what `decide` refused.
        let made: Result<Result<Release, E>> = on_pool!(self, |pool| {
            async {
                let mut tx = pool.begin_write().await?;
                // Every writer of the work in progress locks this row first (SQLite's write lock
                // is the whole database's), so no save commits while the release reads.
                let sql = format!(
                    "SELECT id FROM editions WHERE slug = $1{}",
                    pool.for_update()
                );
                let edition_id: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                    .bind(edition.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
                let schedule = tx.read_work_in_progress(edition).await?.schedule;
                let previous = sqlx::query(
                    "SELECT number, schedule FROM releases WHERE edition_id = $1 ORDER BY number DESC LIMIT 1",
                )
                .bind(edition_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (next, previous): (u32, Option<Schedule>) = match previous {
                    Some(row) => (
                        number(row.try_get("number")?)? + 1,
                        Some(decode(&row.try_get::<String, _>("schedule")?, "release")?),
                    ),
                    None => (1, None),
                };
                // Decided inside the transaction, so two racing releases see the same previous one.
                let changes = match decide(&schedule, previous.as_ref()) {
                    Ok(Some(changes)) => changes,
                    Ok(None) => return Err(StoreError::Unchanged(next - 1)),
                    Err(refused) => return Ok(Err(refused)),
                };
                sqlx::query(
                    "INSERT INTO releases (edition_id, number, released_at, schedule, changes)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(edition_id)
                .bind(i64::from(next))
                .bind(released_at.as_second())
                .bind(encode(&schedule)?)
                .bind(encode(&changes)?)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Ok(Release {
                    number: next,
                    released_at,
                    changes,
                    schedule,
                }))
            }
            .await
        });
        made.map_err(E::from)?
    }

    async fn latest_release(&self, edition: &Slug) -> Result<Option<Release>> {
        self.release_where(edition, None).await
    }

    async fn release(&self, edition: &Slug, number: u32) -> Result<Release> {
        self.release_where(edition, Some(number))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("release {number} of {edition}")))
    }

    async fn release_notes(&self, edition: &Slug) -> Result<Vec<ReleaseNote>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT r.number, r.released_at, r.changes FROM releases r
                 JOIN editions e ON e.id = r.edition_id WHERE e.slug = $1 ORDER BY r.number DESC",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(ReleaseNote {
                        number: number(r.try_get("number")?)?,
                        released_at: Timestamp::from_second(r.try_get("released_at")?)
                            .map_err(|e| StoreError::invalid(e.to_string()))?,
                        changes: decode(&r.try_get::<String, _>("changes")?, "changes")?,
                    })
                })
                .collect()
        })
    }

    async fn latest_release_numbers(&self) -> Result<Vec<(Slug, u32)>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT e.slug, MAX(r.number) AS number FROM releases r
                 JOIN editions e ON e.id = r.edition_id GROUP BY e.slug ORDER BY e.slug",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let slug: String = r.try_get("slug")?;
                    Ok((
                        Slug::parse(&slug).map_err(|e| StoreError::invalid(e.to_string()))?,
                        number(r.try_get("number")?)?,
                    ))
                })
                .collect()
        })
    }
}

impl Store {
    async fn release_where(&self, edition: &Slug, wanted: Option<u32>) -> Result<Option<Release>> {
        on_pool!(self, |pool| {
            // One statement is one snapshot already; the snapshot transaction says so
            // wherever a whole schedule is read.
            let mut tx = pool.begin_snapshot().await?;
            let row = sqlx::query(
                "SELECT r.number, r.released_at, r.schedule, r.changes FROM releases r
                 JOIN editions e ON e.id = r.edition_id
                 WHERE e.slug = $1 AND ($2 IS NULL OR r.number = $2)
                 ORDER BY r.number DESC LIMIT 1",
            )
            .bind(edition.as_str())
            .bind(wanted.map(i64::from))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            let Some(r) = row else { return Ok(None) };
            Ok(Some(Release {
                number: number(r.try_get("number")?)?,
                released_at: Timestamp::from_second(r.try_get("released_at")?)
                    .map_err(|e| StoreError::invalid(e.to_string()))?,
                schedule: decode(&r.try_get::<String, _>("schedule")?, "release")?,
                changes: decode(&r.try_get::<String, _>("changes")?, "changes")?,
            }))
        })
    }
}
