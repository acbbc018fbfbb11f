//! An account's marks on sessions, changed by devices that may have been offline: each change
//! carries the id its device gave it (applied once, however often it is sent) and the time it
//! was made (the latest change of a field wins); a note that loses is kept aside.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::agenda::{Applied, Marks, Priority, Set, Stamped};
use hallway_domain::{Guid, Slug, UserId};

/// A change as a device sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkChange {
    /// Unique per device and change; the same id is the same change.
    pub id: String,
    pub session: Guid,
    pub set: Set,
    /// When the device made it, in milliseconds since the epoch.
    pub at: i64,
}

/// What became of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Taken,
    /// A later change of the field was there first.
    Older,
    /// Applied before (the same id).
    Repeated,
}

pub trait MarkStore {
    /// Applies changes in order, in one transaction.
    async fn apply_marks(
        &self,
        edition: &Slug,
        user: UserId,
        changes: &[MarkChange],
        now: i64,
    ) -> Result<Vec<Outcome>>;
    /// The account's marks in an edition, by session.
    async fn marks_of(&self, edition: &Slug, user: UserId) -> Result<Vec<(Guid, Marks)>>;
    /// Notes kept aside for a session, oldest first.
    async fn kept_notes(&self, edition: &Slug, user: UserId, session: &Guid)
    -> Result<Vec<String>>;
}

type MarkRow = (bool, i64, String, i64, bool, i64, bool, i64, String, i64);

const MARK_COLUMNS: &str = "interested, interested_at, priority, priority_at, attended,
     attended_at, watch_later, watch_later_at, note, note_at";

fn marks_from(r: MarkRow) -> Result<Marks> {
    Ok(Marks {
        interested: Stamped {
            value: r.0,
            at: r.1,
        },
        priority: Stamped {
            value: Priority::parse(&r.2).map_err(StoreError::invalid)?,
            at: r.3,
        },
        attended: Stamped {
            value: r.4,
            at: r.5,
        },
        watch_later: Stamped {
            value: r.6,
            at: r.7,
        },
        note: Stamped {
            value: r.8,
            at: r.9,
        },
    })
}

impl MarkStore for Store {
    async fn apply_marks(
        &self,
        edition: &Slug,
        user: UserId,
        changes: &[MarkChange],
        now: i64,
    ) -> Result<Vec<Outcome>> {
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
            // The attendee's row is the lock: two devices' batches apply one after the other,
            // so neither overwrites a field the other just set.
            let attendee: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM attendees WHERE edition_id = $1 AND user_id = $2{}",
                pool.for_update()
            )))
            .bind(edition_id)
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
            let mut outcomes = Vec::new();
            for c in changes {
                let session: i64 = sqlx::query_scalar(
                    "SELECT id FROM sessions WHERE edition_id = $1 AND guid = $2",
                )
                .bind(edition_id)
                .bind(c.session.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("session {}", c.session)))?;
                let fresh = sqlx::query(
                    "INSERT INTO applied_changes (attendee_id, change_id, applied_at)
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(attendee)
                .bind(&c.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if fresh.rows_affected() == 0 {
                    outcomes.push(Outcome::Repeated);
                    continue;
                }
                let row: Option<MarkRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {MARK_COLUMNS} FROM marks WHERE attendee_id = $1 AND session_id = $2"
                )))
                .bind(attendee)
                .bind(session)
                .fetch_optional(&mut *tx)
                .await?;
                let mut marks = row.map(marks_from).transpose()?.unwrap_or_default();
                let (applied, lost) = marks.apply(&c.set, c.at);
                if let Some(note) = lost {
                    sqlx::query(
                        "INSERT INTO kept_notes (attendee_id, session_id, note, kept_at)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(attendee)
                    .bind(session)
                    .bind(note)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO marks (attendee_id, session_id, {MARK_COLUMNS})
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                     ON CONFLICT (attendee_id, session_id) DO UPDATE SET
                         interested = excluded.interested, interested_at = excluded.interested_at,
                         priority = excluded.priority, priority_at = excluded.priority_at,
                         attended = excluded.attended, attended_at = excluded.attended_at,
                         watch_later = excluded.watch_later,
                         watch_later_at = excluded.watch_later_at,
                         note = excluded.note, note_at = excluded.note_at"
                )))
                .bind(attendee)
                .bind(session)
                .bind(marks.interested.value)
                .bind(marks.interested.at)
                .bind(marks.priority.value.as_str())
                .bind(marks.priority.at)
                .bind(marks.attended.value)
                .bind(marks.attended.at)
                .bind(marks.watch_later.value)
                .bind(marks.watch_later.at)
                .bind(&marks.note.value)
                .bind(marks.note.at)
                .execute(&mut *tx)
                .await?;
                // The bookmark everyone's counts read follows `interested`.
                if marks.interested.value {
                    sqlx::query(
                        "INSERT INTO bookmarks (attendee_id, session_id, created_at)
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(attendee)
                    .bind(session)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query("DELETE FROM bookmarks WHERE attendee_id = $1 AND session_id = $2")
                        .bind(attendee)
                        .bind(session)
                        .execute(&mut *tx)
                        .await?;
                }
                outcomes.push(match applied {
                    Applied::Taken => Outcome::Taken,
                    Applied::Older => Outcome::Older,
                });
            }
            tx.commit().await?;
            Ok(outcomes)
        })
    }

    async fn marks_of(&self, edition: &Slug, user: UserId) -> Result<Vec<(Guid, Marks)>> {
        let sql = format!(
            "SELECT s.guid, {} FROM marks m
             JOIN attendees a ON a.id = m.attendee_id JOIN editions e ON e.id = a.edition_id
             JOIN sessions s ON s.id = m.session_id
             WHERE e.slug = $1 AND a.user_id = $2 ORDER BY s.guid",
            MARK_COLUMNS
                .split(',')
                .map(|c| format!("m.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(edition.as_str())
                .bind(user.0)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    use sqlx::Row;
                    let guid: String = r.try_get(0)?;
                    let guid = Guid::parse(&guid)
                        .map_err(|e| StoreError::invalid(format!("stored GUID {guid}: {e}")))?;
                    let row: MarkRow = (
                        r.try_get(1)?,
                        r.try_get(2)?,
                        r.try_get(3)?,
                        r.try_get(4)?,
                        r.try_get(5)?,
                        r.try_get(6)?,
                        r.try_get(7)?,
                        r.try_get(8)?,
                        r.try_get(9)?,
                        r.try_get(10)?,
                    );
                    Ok((guid, marks_from(row)?))
                })
                .collect()
        })
    }

    async fn kept_notes(
        &self,
        edition: &Slug,
        user: UserId,
        session: &Guid,
    ) -> Result<Vec<String>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_scalar(
                "SELECT k.note FROM kept_notes k
                 JOIN attendees a ON a.id = k.attendee_id JOIN editions e ON e.id = a.edition_id
                 JOIN sessions s ON s.id = k.session_id
                 WHERE e.slug = $1 AND a.user_id = $2 AND s.guid = $3 ORDER BY k.id",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .bind(session.to_string())
            .fetch_all(pool)
            .await?)
        })
    }
}
