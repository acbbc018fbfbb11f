//! Releases: immutable snapshots, numbered per edition.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{ChangeSet, Release, ReleaseNote, Schedule, Slug};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Row};

pub trait ReleaseStore {
    /// Stores `schedule` as the edition's next release. `changes_since` gets the previous
    /// release's schedule (if any) inside the same transaction, so the changelog cannot be
    /// computed against a release that another writer just superseded.
    async fn create_release<F>(
        &self,
        schedule: &Schedule,
        released_at: Timestamp,
        changes_since: F,
    ) -> Result<Release>
    where
        F: FnOnce(Option<&Schedule>) -> Option<ChangeSet> + Send;
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
    async fn create_release<F>(
        &self,
        schedule: &Schedule,
        released_at: Timestamp,
        changes_since: F,
    ) -> Result<Release>
    where
        F: FnOnce(Option<&Schedule>) -> Option<ChangeSet> + Send,
    {
        let edition = &schedule.edition.slug;
        let snapshot = encode(schedule)?;
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let sql = format!(
                "SELECT id FROM editions WHERE slug = $1{}",
                pool.for_update()
            );
            let edition_id: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
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
            let Some(changes) = changes_since(previous.as_ref()) else {
                return Err(StoreError::Unchanged(next - 1));
            };
            sqlx::query(
                "INSERT INTO releases (edition_id, number, released_at, schedule, changes)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(edition_id)
            .bind(i64::from(next))
            .bind(released_at.as_second())
            .bind(&snapshot)
            .bind(encode(&changes)?)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Release {
                number: next,
                released_at,
                changes,
                schedule: schedule.clone(),
            })
        })
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
            let row = sqlx::query(
                "SELECT r.number, r.released_at, r.schedule, r.changes FROM releases r
                 JOIN editions e ON e.id = r.edition_id
                 WHERE e.slug = $1 AND ($2 IS NULL OR r.number = $2)
                 ORDER BY r.number DESC LIMIT 1",
            )
            .bind(edition.as_str())
            .bind(wanted.map(i64::from))
            .fetch_optional(pool)
            .await?;
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
