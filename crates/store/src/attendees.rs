//! Attendees and their bookmarks.

use crate::{Dialect, Result, Store, StoreError, on_pool, placeholders};
use hallway_domain::{Guid, Slug};
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// An attendee to add, with the sessions they bookmarked.
#[derive(Debug, Clone)]
pub struct NewAttendee {
    pub handle: String,
    pub bookmarks: Vec<Guid>,
}

pub trait AttendeeStore {
    /// Adds attendees with their bookmarks in one transaction; returns the bookmarks stored.
    async fn add_attendees(&self, edition: &Slug, attendees: &[NewAttendee]) -> Result<u64>;
    async fn attendee_count(&self, edition: &Slug) -> Result<u64>;
    /// How many attendees bookmarked each scheduled session that has any bookmark.
    async fn bookmark_counts(&self, edition: &Slug) -> Result<HashMap<Guid, u64>>;
    /// Each attendee's bookmarks of scheduled sessions (attendees without any left out).
    async fn bookmark_lists(&self, edition: &Slug) -> Result<Vec<Vec<Guid>>>;
}

const BATCH: usize = 500;

impl AttendeeStore for Store {
    async fn add_attendees(&self, edition: &Slug, attendees: &[NewAttendee]) -> Result<u64> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let sessions: HashMap<String, i64> =
                sqlx::query("SELECT guid, id FROM sessions WHERE edition_id = $1")
                    .bind(edition_id)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("guid")?, r.try_get("id")?)))
                    .collect::<Result<_>>()?;
            for chunk in attendees.chunks(BATCH) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| format!("($1, ${})", i + 2))
                    .collect();
                let sql = format!(
                    "INSERT INTO attendees (edition_id, handle) VALUES {}",
                    values.join(", ")
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for a in chunk {
                    q = q.bind(&a.handle);
                }
                q.execute(&mut *tx).await?;
            }
            let mut ids: HashMap<String, i64> = HashMap::new();
            for chunk in attendees.chunks(BATCH) {
                let sql = format!(
                    "SELECT id, handle FROM attendees WHERE edition_id = $1 AND handle IN ({})",
                    placeholders(2, chunk.len())
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for a in chunk {
                    q = q.bind(&a.handle);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    ids.insert(r.try_get("handle")?, r.try_get("id")?);
                }
            }
            let now = jiff::Timestamp::now().as_second();
            let mut pairs = Vec::new();
            for a in attendees {
                let attendee = ids[&a.handle];
                for g in &a.bookmarks {
                    let session = *sessions
                        .get(&g.to_string())
                        .ok_or_else(|| StoreError::NotFound(format!("session {g}")))?;
                    pairs.push((attendee, session));
                }
            }
            for chunk in pairs.chunks(BATCH) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| format!("(${}, ${}, $1)", 2 * i + 2, 2 * i + 3))
                    .collect();
                let sql = format!(
                    "INSERT INTO bookmarks (attendee_id, session_id, created_at) VALUES {}",
                    values.join(", ")
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(now);
                for (a, s) in chunk {
                    q = q.bind(*a).bind(*s);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(pairs.len() as u64)
        })
    }

    async fn attendee_count(&self, edition: &Slug) -> Result<u64> {
        on_pool!(self, |pool| {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM attendees a JOIN editions e ON e.id = a.edition_id WHERE e.slug = $1",
            )
            .bind(edition.as_str())
            .fetch_one(pool)
            .await?;
            Ok(n.max(0) as u64)
        })
    }

    async fn bookmark_counts(&self, edition: &Slug) -> Result<HashMap<Guid, u64>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT s.guid, COUNT(*) AS n FROM bookmarks b
                 JOIN sessions s ON s.id = b.session_id
                 JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 AND s.state = 'scheduled'
                 GROUP BY s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let guid: String = r.try_get("guid")?;
                    let n: i64 = r.try_get("n")?;
                    Ok((
                        Guid::parse(&guid)
                            .map_err(|e| StoreError::invalid(format!("guid {guid}: {e}")))?,
                        n.max(0) as u64,
                    ))
                })
                .collect()
        })
    }

    async fn bookmark_lists(&self, edition: &Slug) -> Result<Vec<Vec<Guid>>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT b.attendee_id, s.guid FROM bookmarks b
                 JOIN sessions s ON s.id = b.session_id
                 JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 AND s.state = 'scheduled'
                 ORDER BY b.attendee_id, s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            let mut lists: Vec<Vec<Guid>> = Vec::new();
            let mut last: Option<i64> = None;
            for r in &rows {
                let attendee: i64 = r.try_get("attendee_id")?;
                let guid: String = r.try_get("guid")?;
                let guid = Guid::parse(&guid)
                    .map_err(|e| StoreError::invalid(format!("guid {guid}: {e}")))?;
                if last != Some(attendee) {
                    lists.push(Vec::new());
                    last = Some(attendee);
                }
                if let Some(l) = lists.last_mut() {
                    l.push(guid);
                }
            }
            Ok(lists)
        })
    }
}
