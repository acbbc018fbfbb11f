//! Sessions' recordings, slides and captions (imported whole, all or nothing), how far each
//! account got in them (the latest saying wins), and the bookmark lists "people who bookmarked
//! this also bookmarked" is computed from.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::recording::{Progress, Recording};
use hallway_domain::{Guid, Slug, UserId};
use sqlx::Row;

pub trait RecordingStore {
    /// Sets the recordings of the listed sessions (others keep theirs), in one transaction,
    /// and bumps the edition's recordings version, which is returned. A session that is not
    /// the edition's is `NotFound`; a video for a do-not-record session is `Conflict`: nothing
    /// is written then.
    async fn import_recordings(
        &self,
        edition: &Slug,
        rows: &[(Guid, Recording)],
        now: i64,
    ) -> Result<i64>;
    /// Every session of an edition (canceled ones too) and whether it is marked do-not-record.
    async fn do_not_record_flags(&self, edition: &Slug) -> Result<Vec<(Guid, bool)>>;
    /// An edition's recordings, by session.
    async fn recordings_of(&self, edition: &Slug) -> Result<Vec<(Guid, Recording)>>;
    /// One session's recording.
    async fn recording_of(&self, edition: &Slug, session: &Guid) -> Result<Option<Recording>>;
    /// Every edition's recordings version (editions without recordings are absent).
    async fn recording_versions(&self) -> Result<Vec<(Slug, i64)>>;
    /// Keeps `progress` unless a later one is stored; returns whether it was kept.
    async fn save_progress(
        &self,
        edition: &Slug,
        user: UserId,
        session: &Guid,
        progress: &Progress,
    ) -> Result<bool>;
    /// How far the account got in a session's recording.
    async fn progress_of(
        &self,
        edition: &Slug,
        user: UserId,
        session: &Guid,
    ) -> Result<Option<Progress>>;
    /// Every recording the account started in an edition, most recently watched first.
    async fn progresses(&self, edition: &Slug, user: UserId) -> Result<Vec<(Guid, Progress)>>;
    /// Each attendee's bookmarked sessions in an edition (attendees in no particular order).
    async fn bookmark_lists(&self, edition: &Slug) -> Result<Vec<Vec<Guid>>>;
}

fn guid(text: &str) -> Result<Guid> {
    Guid::parse(text).map_err(|e| StoreError::invalid(format!("stored GUID {text}: {e}")))
}

fn seconds(n: i64, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("stored {what} {n} is out of range")))
}

impl RecordingStore for Store {
    async fn import_recordings(
        &self,
        edition: &Slug,
        rows: &[(Guid, Recording)],
        now: i64,
    ) -> Result<i64> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM editions WHERE slug = $1{}",
                pool.for_update()
            )))
            .bind(edition.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            for (session, rec) in rows {
                let found = sqlx::query(
                    "SELECT id, do_not_record FROM sessions WHERE edition_id = $1 AND guid = $2",
                )
                .bind(edition_id)
                .bind(session.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("session {session}")))?;
                let id: i64 = found.try_get(0)?;
                let do_not_record: bool = found.try_get(1)?;
                // Checked again here: the flag may have changed since the file was read.
                if rec.url.is_some() && do_not_record {
                    return Err(StoreError::Conflict(format!(
                        "session {session} is marked do-not-record and takes no recording URL"
                    )));
                }
                sqlx::query(
                    "INSERT INTO recordings (session_id, url, start_offset, slides, captions, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (session_id) DO UPDATE SET url = excluded.url,
                         start_offset = excluded.start_offset, slides = excluded.slides,
                         captions = excluded.captions, updated_at = excluded.updated_at",
                )
                .bind(id)
                .bind(&rec.url)
                .bind(i64::from(rec.offset))
                .bind(&rec.slides)
                .bind(&rec.captions)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let version: i64 = sqlx::query_scalar(
                "INSERT INTO recording_versions (edition_id, version) VALUES ($1, 1)
                 ON CONFLICT (edition_id) DO UPDATE SET version = recording_versions.version + 1
                 RETURNING version",
            )
            .bind(edition_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(version)
        })
    }

    async fn do_not_record_flags(&self, edition: &Slug) -> Result<Vec<(Guid, bool)>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT s.guid, s.do_not_record FROM sessions s JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 ORDER BY s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((guid(&r.try_get::<String, _>(0)?)?, r.try_get(1)?)))
                .collect()
        })
    }

    async fn recordings_of(&self, edition: &Slug) -> Result<Vec<(Guid, Recording)>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT s.guid, r.url, r.start_offset, r.slides, r.captions FROM recordings r
                 JOIN sessions s ON s.id = r.session_id JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 ORDER BY s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        guid(&r.try_get::<String, _>(0)?)?,
                        Recording {
                            url: r.try_get(1)?,
                            offset: seconds(r.try_get(2)?, "offset")?,
                            slides: r.try_get(3)?,
                            captions: r.try_get(4)?,
                        },
                    ))
                })
                .collect()
        })
    }

    async fn recording_of(&self, edition: &Slug, session: &Guid) -> Result<Option<Recording>> {
        on_pool!(self, |pool| {
            let row = sqlx::query(
                "SELECT r.url, r.start_offset, r.slides, r.captions FROM recordings r
                 JOIN sessions s ON s.id = r.session_id JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 AND s.guid = $2",
            )
            .bind(edition.as_str())
            .bind(session.to_string())
            .fetch_optional(pool)
            .await?;
            row.map(|r| {
                Ok(Recording {
                    url: r.try_get(0)?,
                    offset: seconds(r.try_get(1)?, "offset")?,
                    slides: r.try_get(2)?,
                    captions: r.try_get(3)?,
                })
            })
            .transpose()
        })
    }

    async fn recording_versions(&self) -> Result<Vec<(Slug, i64)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT e.slug, v.version FROM recording_versions v
                 JOIN editions e ON e.id = v.edition_id ORDER BY e.slug",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(slug, v)| {
                    Slug::parse(&slug)
                        .map(|s| (s, v))
                        .map_err(|e| StoreError::invalid(format!("stored slug {slug}: {e}")))
                })
                .collect()
        })
    }

    async fn save_progress(
        &self,
        edition: &Slug,
        user: UserId,
        session: &Guid,
        progress: &Progress,
    ) -> Result<bool> {
        on_pool!(self, |pool| {
            // One statement: of two saves racing, the later device time is what stays.
            let saved = sqlx::query(
                "INSERT INTO watch_positions (user_id, session_id, position, duration, finished, said_at)
                 SELECT $1, s.id, $2, $3, $4, $5 FROM sessions s JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $6 AND s.guid = $7
                 ON CONFLICT (user_id, session_id) DO UPDATE SET position = excluded.position,
                     duration = excluded.duration, finished = excluded.finished,
                     said_at = excluded.said_at
                 WHERE watch_positions.said_at <= excluded.said_at",
            )
            .bind(user.0)
            .bind(i64::from(progress.position))
            .bind(progress.duration.map(i64::from))
            .bind(progress.finished)
            .bind(progress.at)
            .bind(edition.as_str())
            .bind(session.to_string())
            .execute(pool)
            .await?;
            if saved.rows_affected() > 0 {
                return Ok(true);
            }
            // Nothing written: an older saying, or no such session.
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT s.id FROM sessions s JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 AND s.guid = $2",
            )
            .bind(edition.as_str())
            .bind(session.to_string())
            .fetch_optional(pool)
            .await?;
            match exists {
                Some(_) => Ok(false),
                None => Err(StoreError::NotFound(format!("session {session}"))),
            }
        })
    }

    async fn progress_of(
        &self,
        edition: &Slug,
        user: UserId,
        session: &Guid,
    ) -> Result<Option<Progress>> {
        Ok(self
            .progresses(edition, user)
            .await?
            .into_iter()
            .find(|(g, _)| g == session)
            .map(|(_, p)| p))
    }

    async fn progresses(&self, edition: &Slug, user: UserId) -> Result<Vec<(Guid, Progress)>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT s.guid, w.position, w.duration, w.finished, w.said_at FROM watch_positions w
                 JOIN sessions s ON s.id = w.session_id JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 AND w.user_id = $2 ORDER BY w.said_at DESC, s.guid",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        guid(&r.try_get::<String, _>(0)?)?,
                        Progress {
                            position: seconds(r.try_get(1)?, "position")?,
                            duration: r
                                .try_get::<Option<i64>, _>(2)?
                                .map(|d| seconds(d, "duration"))
                                .transpose()?,
                            finished: r.try_get(3)?,
                            at: r.try_get(4)?,
                        },
                    ))
                })
                .collect()
        })
    }

    async fn bookmark_lists(&self, edition: &Slug) -> Result<Vec<Vec<Guid>>> {
        on_pool!(self, |pool| {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT b.attendee_id, s.guid FROM bookmarks b
                 JOIN sessions s ON s.id = b.session_id JOIN editions e ON e.id = s.edition_id
                 WHERE e.slug = $1 ORDER BY b.attendee_id",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            let mut lists: Vec<Vec<Guid>> = Vec::new();
            let mut last = None;
            for (attendee, g) in rows {
                if last != Some(attendee) {
                    lists.push(Vec::new());
                    last = Some(attendee);
                }
                if let Some(list) = lists.last_mut() {
                    list.push(guid(&g)?);
                }
            }
            Ok(lists)
        })
    }
}
