//! Door staff and room fill: who counts an edition's rooms, each session's count and mark,
//! and the history of both. A count changes in one statement that clamps at zero, so two
//! door staff pressing +1 at once both count, and no order of presses makes it negative.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::venue::{Mark, Reading};
use hallway_domain::{Email, Slug, UserId};

/// A session's fill as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFill {
    pub session: String,
    pub people: u32,
    pub mark: Mark,
    pub updated_at: i64,
}

/// What a change does to a session's fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillChange {
    /// People in (positive) or out (negative); the count stops at zero.
    Count(i32),
    Mark(Mark),
}

pub trait VenueStore {
    async fn add_door_staff(&self, edition: &Slug, user: UserId) -> Result<()>;
    async fn remove_door_staff(&self, edition: &Slug, user: UserId) -> Result<()>;
    async fn is_door_staff(&self, edition: &Slug, user: UserId) -> Result<bool>;
    /// The edition's door staff by e-mail address.
    async fn door_staff(&self, edition: &Slug) -> Result<Vec<(UserId, Email)>>;
    /// Applies a change and records it in the history; returns the fill after it.
    async fn change_fill(
        &self,
        edition: &Slug,
        session: &str,
        change: FillChange,
        by: UserId,
        now: i64,
    ) -> Result<StoredFill>;
    /// The fill of the sessions named (those never counted are absent).
    async fn fills(&self, edition: &Slug, sessions: &[String]) -> Result<Vec<StoredFill>>;
    /// Every counted session's history, oldest first.
    async fn fill_histories(&self, edition: &Slug) -> Result<Vec<(String, Vec<Reading>)>>;
}

fn mark_of(s: &str) -> Result<Mark> {
    Mark::parse(s).map_err(|e| StoreError::invalid(format!("stored fill mark: {e}")))
}

fn people(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("stored fill count {n}")))
}

const EDITION_ID: &str = "SELECT id FROM editions WHERE slug = $1";

fn no_edition(edition: &Slug) -> StoreError {
    StoreError::NotFound(format!("edition {edition}"))
}

type FillRow = (String, i64, String, i64);

fn fill_from(row: FillRow) -> Result<StoredFill> {
    Ok(StoredFill {
        session: row.0,
        people: people(row.1)?,
        mark: mark_of(&row.2)?,
        updated_at: row.3,
    })
}

impl VenueStore for Store {
    async fn add_door_staff(&self, edition: &Slug, user: UserId) -> Result<()> {
        on_pool!(self, |pool| {
            let id: i64 = sqlx::query_scalar(EDITION_ID)
                .bind(edition.as_str())
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| no_edition(edition))?;
            sqlx::query(
                "INSERT INTO door_staff (edition_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (edition_id, user_id) DO NOTHING",
            )
            .bind(id)
            .bind(user.0)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn remove_door_staff(&self, edition: &Slug, user: UserId) -> Result<()> {
        on_pool!(self, |pool| {
            let id: i64 = sqlx::query_scalar(EDITION_ID)
                .bind(edition.as_str())
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| no_edition(edition))?;
            let n = sqlx::query("DELETE FROM door_staff WHERE edition_id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "door staff {user} of {edition}"
                )));
            }
            Ok(())
        })
    }

    async fn is_door_staff(&self, edition: &Slug, user: UserId) -> Result<bool> {
        on_pool!(self, |pool| {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM door_staff d JOIN editions e ON e.id = d.edition_id
                 WHERE e.slug = $1 AND d.user_id = $2",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_one(pool)
            .await?;
            Ok(n > 0)
        })
    }

    async fn door_staff(&self, edition: &Slug) -> Result<Vec<(UserId, Email)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT u.id, u.email FROM door_staff d JOIN editions e ON e.id = d.edition_id
                 JOIN users u ON u.id = d.user_id WHERE e.slug = $1 ORDER BY u.email",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, email)| {
                    Email::parse(&email)
                        .map(|e| (UserId(id), e))
                        .map_err(|e| StoreError::invalid(format!("stored address: {e}")))
                })
                .collect()
        })
    }

    async fn change_fill(
        &self,
        edition: &Slug,
        session: &str,
        change: FillChange,
        by: UserId,
        now: i64,
    ) -> Result<StoredFill> {
        let (step, mark) = match change {
            FillChange::Count(step) => (i64::from(step), None),
            FillChange::Mark(m) => (0, Some(m.as_str())),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(EDITION_ID)
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| no_edition(edition))?;
            // One statement reads and writes the row, so concurrent presses add up; the
            // count is clamped here, and the CHECK refuses anything that slips past.
            let row: FillRow = sqlx::query_as(
                "INSERT INTO room_fill (edition_id, session_guid, people, mark, updated_at)
                 VALUES ($1, $2, CASE WHEN $3 < 0 THEN 0 ELSE $3 END, COALESCE($4, 'none'), $5)
                 ON CONFLICT (edition_id, session_guid) DO UPDATE SET
                   people = CASE WHEN room_fill.people + $3 < 0 THEN 0 ELSE room_fill.people + $3 END,
                   mark = COALESCE($4, room_fill.mark),
                   updated_at = $5
                 RETURNING session_guid, people, mark, updated_at",
            )
            .bind(id)
            .bind(session)
            .bind(step)
            .bind(mark)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO fill_log (edition_id, session_guid, at, people, mark, by_user)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(session)
            .bind(now)
            .bind(row.1)
            .bind(&row.2)
            .bind(by.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            fill_from(row)
        })
    }

    async fn fills(&self, edition: &Slug, sessions: &[String]) -> Result<Vec<StoredFill>> {
        if sessions.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT f.session_guid, f.people, f.mark, f.updated_at FROM room_fill f
             JOIN editions e ON e.id = f.edition_id
             WHERE e.slug = $1 AND f.session_guid IN ({}) ORDER BY f.session_guid",
            crate::placeholders(2, sessions.len())
        );
        on_pool!(self, |pool| {
            let mut q = sqlx::query_as::<_, FillRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(edition.as_str());
            for s in sessions {
                q = q.bind(s);
            }
            q.fetch_all(pool)
                .await?
                .into_iter()
                .map(fill_from)
                .collect()
        })
    }

    async fn fill_histories(&self, edition: &Slug) -> Result<Vec<(String, Vec<Reading>)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
                "SELECT l.session_guid, l.at, l.people, l.mark FROM fill_log l
                 JOIN editions e ON e.id = l.edition_id
                 WHERE e.slug = $1 ORDER BY l.session_guid, l.id",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            let mut out: Vec<(String, Vec<Reading>)> = Vec::new();
            for (session, at, n, mark) in rows {
                let reading = Reading {
                    at,
                    people: people(n)?,
                    mark: mark_of(&mark)?,
                };
                match out.last_mut() {
                    Some((s, h)) if *s == session => h.push(reading),
                    _ => out.push((session, vec![reading])),
                }
            }
            Ok(out)
        })
    }
}
