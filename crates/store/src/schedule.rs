//! The work-in-progress schedule: read whole, written whole in one transaction.

use crate::editions::{edition_from_row, parse_date};
use crate::{Dialect, Result, Store, StoreError, on_pool, placeholders};
use hallway_domain::{
    Event, Guid, Room, Schedule, Session, Slot, Slug, Speaker, Track, WorkInProgress,
};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Postgres, Row, Sqlite, Transaction};
use std::collections::HashMap;

pub trait ScheduleStore {
    /// The edition's work-in-progress schedule (canceled sessions left out) and its version,
    /// read in one snapshot.
    async fn work_in_progress(&self, edition: &Slug) -> Result<WorkInProgress>;
    /// Makes `schedule` the edition's work in progress, creating the edition if it is new, and
    /// returns its new version. `based_on` is the version the change was made on (0: the
    /// edition is new); when the work in progress is no longer at it, nothing is written and
    /// the answer is `VersionConflict`. Sessions are matched by GUID; those missing from
    /// `schedule` become canceled, keeping their bookmarks. All or nothing.
    async fn save_work_in_progress(&self, schedule: &Schedule, based_on: u64) -> Result<u64>;
}

/// A proposal written by the save that applies it, in the same transaction.
pub(crate) struct Applying {
    pub number: u32,
    pub at: Timestamp,
    /// Apply it even when it was solved on another version than the current one.
    pub force: bool,
}

pub(crate) fn to_version(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::invalid(format!("stored version {n}")))
}

pub(crate) fn version_value(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::invalid(format!("version {v} out of range")))
}

fn slug(s: String) -> Result<Slug> {
    Slug::parse(&s).map_err(|e| StoreError::invalid(e.to_string()))
}

fn instant(secs: i64) -> Result<Timestamp> {
    Timestamp::from_second(secs).map_err(|e| StoreError::invalid(format!("stored instant: {e}")))
}

fn to_i64(n: u32) -> i64 {
    i64::from(n)
}

fn to_u32(n: i64, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("stored {what} {n} out of range")))
}

/// One body for both transaction types.
macro_rules! read_work_in_progress {
    ($tx:expr, $edition:expr) => {{
        let tx = $tx;
        let edition: &Slug = $edition;
        let row = sqlx::query(
            "SELECT id, slug, name, venue, time_zone, start_date, end_date, day_change, wip_version
             FROM editions WHERE slug = $1",
        )
        .bind(edition.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
        let edition_id: i64 = row.try_get("id")?;
        let version = to_version(row.try_get("wip_version")?)?;
        let edition = edition_from_row(&row)?;

        let mut events = Vec::new();
        for r in sqlx::query(
            "SELECT slug, name, kind, start_date, end_date FROM events WHERE edition_id = $1 ORDER BY position",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            events.push(Event {
                slug: slug(r.try_get("slug")?)?,
                name: r.try_get("name")?,
                kind: r.try_get::<String, _>("kind")?.parse().map_err(StoreError::invalid)?,
                start_date: parse_date(&r.try_get::<String, _>("start_date")?)?,
                end_date: parse_date(&r.try_get::<String, _>("end_date")?)?,
            });
        }
        let mut rooms = Vec::new();
        for r in sqlx::query(
            "SELECT slug, name, area, capacity FROM rooms WHERE edition_id = $1 ORDER BY position",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            rooms.push(Room {
                slug: slug(r.try_get("slug")?)?,
                name: r.try_get("name")?,
                area: r.try_get("area")?,
                capacity: r
                    .try_get::<Option<i64>, _>("capacity")?
                    .map(|c| to_u32(c, "capacity"))
                    .transpose()?,
            });
        }
        let mut tracks = Vec::new();
        for r in
            sqlx::query("SELECT slug, name FROM tracks WHERE edition_id = $1 ORDER BY position")
                .bind(edition_id)
                .fetch_all(&mut **tx)
                .await?
        {
            tracks.push(Track {
                slug: slug(r.try_get("slug")?)?,
                name: r.try_get("name")?,
            });
        }
        let mut speakers = Vec::new();
        for r in sqlx::query(
            "SELECT slug, name, affiliation, role, bio FROM speakers WHERE edition_id = $1 ORDER BY id",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            speakers.push(Speaker {
                slug: slug(r.try_get("slug")?)?,
                name: r.try_get("name")?,
                affiliation: r.try_get("affiliation")?,
                role: r.try_get("role")?,
                bio: r.try_get("bio")?,
            });
        }

        let mut sessions = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        for r in sqlx::query(
            "SELECT s.id, s.guid, s.source_uid, e.slug AS event, s.title, s.subtitle, s.abstract,
                    s.description, s.language, s.do_not_record, s.session_type,
                    t.slug AS track, s.duration_minutes, s.url
             FROM sessions s
             JOIN events e ON e.id = s.event_id
             LEFT JOIN tracks t ON t.id = s.track_id
             WHERE s.edition_id = $1 AND s.state = 'scheduled'
             ORDER BY s.position",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            let guid: String = r.try_get("guid")?;
            index.insert(r.try_get("id")?, sessions.len());
            sessions.push(Session {
                guid: Guid::parse(&guid).map_err(|e| StoreError::invalid(format!("guid {guid}: {e}")))?,
                source_uid: r.try_get("source_uid")?,
                event: slug(r.try_get("event")?)?,
                title: r.try_get("title")?,
                subtitle: r.try_get("subtitle")?,
                abstract_text: r.try_get("abstract")?,
                description: r.try_get("description")?,
                language: r.try_get("language")?,
                do_not_record: r.try_get("do_not_record")?,
                session_type: r
                    .try_get::<String, _>("session_type")?
                    .parse()
                    .map_err(StoreError::invalid)?,
                track: r.try_get::<Option<String>, _>("track")?.map(slug).transpose()?,
                speakers: Vec::new(),
                duration_minutes: to_u32(r.try_get("duration_minutes")?, "duration")?,
                url: r.try_get("url")?,
                slots: Vec::new(),
            });
        }
        for r in sqlx::query(
            "SELECT ss.session_id, sp.slug FROM session_speakers ss
             JOIN speakers sp ON sp.id = ss.speaker_id
             WHERE sp.edition_id = $1 ORDER BY ss.session_id, ss.position",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            if let Some(&i) = index.get(&r.try_get::<i64, _>("session_id")?) {
                sessions[i].speakers.push(slug(r.try_get("slug")?)?);
            }
        }
        for r in sqlx::query(
            "SELECT sl.session_id, r.slug, sl.starts_at, sl.ends_at FROM slots sl
             JOIN sessions s ON s.id = sl.session_id
             LEFT JOIN rooms r ON r.id = sl.room_id
             WHERE s.edition_id = $1 ORDER BY sl.session_id, sl.starts_at, sl.id",
        )
        .bind(edition_id)
        .fetch_all(&mut **tx)
        .await?
        {
            if let Some(&i) = index.get(&r.try_get::<i64, _>("session_id")?) {
                sessions[i].slots.push(Slot {
                    room: r
                        .try_get::<Option<String>, _>("slug")?
                        .map(slug)
                        .transpose()?,
                    start: instant(r.try_get("starts_at")?)?,
                    end: instant(r.try_get("ends_at")?)?,
                });
            }
        }
        Ok(WorkInProgress {
            version,
            schedule: Schedule {
                edition,
                events,
                rooms,
                tracks,
                speakers,
                sessions,
            },
        })
    }};
}

/// Reading the work in progress on a transaction already open: the release transaction reads
/// it inside its own, so that it freezes exactly what it saw.
pub(crate) trait ReadWorkInProgress {
    /// The edition's work in progress (canceled sessions left out) and its version.
    async fn read_work_in_progress(&mut self, edition: &Slug) -> Result<WorkInProgress>;
}

impl ReadWorkInProgress for Transaction<'_, Sqlite> {
    async fn read_work_in_progress(&mut self, edition: &Slug) -> Result<WorkInProgress> {
        read_work_in_progress!(self, edition)
    }
}

impl ReadWorkInProgress for Transaction<'_, Postgres> {
    async fn read_work_in_progress(&mut self, edition: &Slug) -> Result<WorkInProgress> {
        read_work_in_progress!(self, edition)
    }
}

impl ScheduleStore for Store {
    async fn work_in_progress(&self, edition: &Slug) -> Result<WorkInProgress> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_snapshot().await?;
            let wip = tx.read_work_in_progress(edition).await?;
            tx.commit().await?;
            Ok(wip)
        })
    }

    async fn save_work_in_progress(&self, s: &Schedule, based_on: u64) -> Result<u64> {
        self.write_work_in_progress(s, based_on, None).await
    }
}

impl Store {
    /// Saves the work in progress after checking, in the same transaction and with the
    /// edition's row locked, that it is still at `based_on`; with `applying`, also that the
    /// proposal was solved on it, and marks the proposal applied. Returns the new version.
    pub(crate) async fn write_work_in_progress(
        &self,
        s: &Schedule,
        based_on: u64,
        applying: Option<Applying>,
    ) -> Result<u64> {
        check_unique(s)?;
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let e = &s.edition;
            // The version row: SQLite holds the write lock already (BEGIN IMMEDIATE); on
            // PostgreSQL every writer of the work in progress locks the edition's row first.
            let sql = format!(
                "SELECT id, wip_version FROM editions WHERE slug = $1{}",
                pool.for_update()
            );
            let found = sqlx::query(AssertSqlSafe(sql))
                .bind(e.slug.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let current = match &found {
                Some(row) => to_version(row.try_get("wip_version")?)?,
                None => 0,
            };
            if let Some(a) = &applying {
                let solved_on: Option<i64> = sqlx::query_scalar(
                    "SELECT p.solved_on FROM proposals p JOIN editions e ON e.id = p.edition_id
                     WHERE e.slug = $1 AND p.number = $2",
                )
                .bind(e.slug.as_str())
                .bind(i64::from(a.number))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("proposal {} of {}", a.number, e.slug))
                })?;
                let solved_on = solved_on.map(to_version).transpose()?;
                if !a.force && solved_on != Some(current) {
                    return Err(StoreError::ProposalConflict {
                        number: a.number,
                        solved_on: solved_on.unwrap_or(0),
                        current,
                    });
                }
            }
            if current != based_on {
                return Err(StoreError::VersionConflict { current, based_on });
            }
            let version = current + 1;
            let edition_id: i64 = match &found {
                Some(row) => {
                    let id: i64 = row.try_get("id")?;
                    sqlx::query(
                        "UPDATE editions SET name = $2, venue = $3, time_zone = $4, start_date = $5,
                           end_date = $6, day_change = $7, wip_version = $8
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&e.name)
                    .bind(&e.venue)
                    .bind(&e.time_zone)
                    .bind(e.start_date.to_string())
                    .bind(e.end_date.to_string())
                    .bind(e.day_change.to_string())
                    .bind(version_value(version)?)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    let created: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO editions (slug, name, venue, time_zone, start_date, end_date,
                           day_change, created_at, wip_version)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
                         ON CONFLICT (slug) DO NOTHING
                         RETURNING id",
                    )
                    .bind(e.slug.as_str())
                    .bind(&e.name)
                    .bind(&e.venue)
                    .bind(&e.time_zone)
                    .bind(e.start_date.to_string())
                    .bind(e.end_date.to_string())
                    .bind(e.day_change.to_string())
                    .bind(Timestamp::now().as_second())
                    .fetch_optional(&mut *tx)
                    .await?;
                    match created {
                        Some(id) => id,
                        // Another writer created the edition since this one looked (PostgreSQL
                        // has no row to lock before it exists): this save was based on nothing.
                        None => {
                            let current: i64 = sqlx::query_scalar(
                                "SELECT wip_version FROM editions WHERE slug = $1",
                            )
                            .bind(e.slug.as_str())
                            .fetch_one(&mut *tx)
                            .await?;
                            return Err(StoreError::VersionConflict {
                                current: to_version(current)?,
                                based_on,
                            });
                        }
                    }
                }
            };

            // Rows go in batches: one statement per hundred rows, not one per row.
            let mut event_ids: HashMap<String, i64> = HashMap::new();
            for (n, chunk) in s.events.chunks(BATCH).enumerate() {
                let sql = format!(
                    "INSERT INTO events (edition_id, slug, name, kind, start_date, end_date, position)
                     VALUES {}
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       kind = excluded.kind, start_date = excluded.start_date,
                       end_date = excluded.end_date, position = excluded.position
                     RETURNING id, slug",
                    rows(chunk.len(), 6)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for (i, ev) in chunk.iter().enumerate() {
                    q = q
                        .bind(ev.slug.as_str())
                        .bind(&ev.name)
                        .bind(ev.kind.as_str())
                        .bind(ev.start_date.to_string())
                        .bind(ev.end_date.to_string())
                        .bind((n * BATCH + i) as i64);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    event_ids.insert(r.try_get("slug")?, r.try_get("id")?);
                }
            }
            let mut room_ids: HashMap<String, i64> = HashMap::new();
            for (n, chunk) in s.rooms.chunks(BATCH).enumerate() {
                let sql = format!(
                    "INSERT INTO rooms (edition_id, slug, name, area, capacity, position)
                     VALUES {}
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       area = excluded.area, capacity = COALESCE(excluded.capacity, rooms.capacity),
                       position = excluded.position
                     RETURNING id, slug",
                    rows(chunk.len(), 5)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for (i, r) in chunk.iter().enumerate() {
                    q = q
                        .bind(r.slug.as_str())
                        .bind(&r.name)
                        .bind(&r.area)
                        .bind(r.capacity.map(to_i64))
                        .bind((n * BATCH + i) as i64);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    room_ids.insert(r.try_get("slug")?, r.try_get("id")?);
                }
            }
            let mut track_ids: HashMap<String, i64> = HashMap::new();
            for (n, chunk) in s.tracks.chunks(BATCH).enumerate() {
                let sql = format!(
                    "INSERT INTO tracks (edition_id, slug, name, position) VALUES {}
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       position = excluded.position
                     RETURNING id, slug",
                    rows(chunk.len(), 3)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for (i, t) in chunk.iter().enumerate() {
                    q = q
                        .bind(t.slug.as_str())
                        .bind(&t.name)
                        .bind((n * BATCH + i) as i64);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    track_ids.insert(r.try_get("slug")?, r.try_get("id")?);
                }
            }
            let mut speaker_ids: HashMap<String, i64> = HashMap::new();
            for chunk in s.speakers.chunks(BATCH) {
                let sql = format!(
                    "INSERT INTO speakers (edition_id, slug, name, affiliation, role, bio) VALUES {}
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       affiliation = excluded.affiliation, role = excluded.role, bio = excluded.bio
                     RETURNING id, slug",
                    rows(chunk.len(), 5)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for sp in chunk {
                    q = q
                        .bind(sp.slug.as_str())
                        .bind(&sp.name)
                        .bind(&sp.affiliation)
                        .bind(&sp.role)
                        .bind(&sp.bio);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    speaker_ids.insert(r.try_get("slug")?, r.try_get("id")?);
                }
            }

            let missing = |guid: &Guid, what: &str, slug: &Slug| {
                StoreError::invalid(format!("session {guid} names unknown {what} {slug}"))
            };
            sqlx::query("UPDATE sessions SET state = 'canceled' WHERE edition_id = $1")
                .bind(edition_id)
                .execute(&mut *tx)
                .await?;
            let mut session_ids: HashMap<String, i64> = HashMap::new();
            for (n, chunk) in s.sessions.chunks(BATCH).enumerate() {
                let sql = format!(
                    "INSERT INTO sessions (edition_id, guid, source_uid, event_id, state, title, abstract,
                       session_type, track_id, duration_minutes, url, position, subtitle, description,
                       language, do_not_record)
                     VALUES {}
                     ON CONFLICT (edition_id, guid) DO UPDATE SET source_uid = excluded.source_uid,
                       event_id = excluded.event_id, state = 'scheduled', title = excluded.title,
                       abstract = excluded.abstract, session_type = excluded.session_type,
                       track_id = excluded.track_id, duration_minutes = excluded.duration_minutes,
                       url = excluded.url, position = excluded.position, subtitle = excluded.subtitle,
                       description = excluded.description, language = excluded.language,
                       do_not_record = excluded.do_not_record
                     RETURNING id, guid",
                    session_rows(chunk.len())
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for (i, x) in chunk.iter().enumerate() {
                    let event_id = *event_ids
                        .get(x.event.as_str())
                        .ok_or_else(|| missing(&x.guid, "event", &x.event))?;
                    let track_id = match &x.track {
                        Some(t) => Some(
                            *track_ids
                                .get(t.as_str())
                                .ok_or_else(|| missing(&x.guid, "track", t))?,
                        ),
                        None => None,
                    };
                    q = q
                        .bind(x.guid.to_string())
                        .bind(&x.source_uid)
                        .bind(event_id)
                        .bind(&x.title)
                        .bind(&x.abstract_text)
                        .bind(x.session_type.as_str())
                        .bind(track_id)
                        .bind(to_i64(x.duration_minutes))
                        .bind(&x.url)
                        .bind((n * BATCH + i) as i64)
                        .bind(&x.subtitle)
                        .bind(&x.description)
                        .bind(&x.language)
                        .bind(x.do_not_record);
                }
                for r in q.fetch_all(&mut *tx).await? {
                    session_ids.insert(r.try_get("guid")?, r.try_get("id")?);
                }
            }

            // Speakers and slots of every session of the edition are written anew.
            for table in ["session_speakers", "slots"] {
                let sql = format!(
                    "DELETE FROM {table} WHERE session_id IN (SELECT id FROM sessions WHERE edition_id = $1)"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(edition_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut links: Vec<(i64, i64, i64)> = Vec::new();
            let mut slots: Vec<(i64, Option<i64>, i64, i64)> = Vec::new();
            for x in &s.sessions {
                let session_id = session_ids[&x.guid.to_string()];
                for (i, sp) in x.speakers.iter().enumerate() {
                    let speaker_id = *speaker_ids
                        .get(sp.as_str())
                        .ok_or_else(|| missing(&x.guid, "speaker", sp))?;
                    links.push((session_id, speaker_id, i as i64));
                }
                for slot in &x.slots {
                    let room_id = match &slot.room {
                        Some(r) => Some(
                            *room_ids
                                .get(r.as_str())
                                .ok_or_else(|| missing(&x.guid, "room", r))?,
                        ),
                        None => None,
                    };
                    slots.push((
                        session_id,
                        room_id,
                        slot.start.as_second(),
                        slot.end.as_second(),
                    ));
                }
            }
            for chunk in links.chunks(BATCH) {
                let sql = format!(
                    "INSERT INTO session_speakers (session_id, speaker_id, position) VALUES {}",
                    plain_rows(chunk.len(), 3)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (session, speaker, position) in chunk {
                    q = q.bind(*session).bind(*speaker).bind(*position);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in slots.chunks(BATCH) {
                let sql = format!(
                    "INSERT INTO slots (session_id, room_id, starts_at, ends_at) VALUES {}",
                    plain_rows(chunk.len(), 4)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (session, room, start, end) in chunk {
                    q = q.bind(*session).bind(*room).bind(*start).bind(*end);
                }
                q.execute(&mut *tx).await?;
            }

            // What the new schedule no longer lists goes; canceled sessions keep their rows.
            for (table, ids) in [
                ("events", event_ids.values().copied().collect::<Vec<i64>>()),
                ("rooms", room_ids.values().copied().collect()),
                ("tracks", track_ids.values().copied().collect()),
                ("speakers", speaker_ids.values().copied().collect()),
            ] {
                let sql = if ids.is_empty() {
                    format!("DELETE FROM {table} WHERE edition_id = $1")
                } else {
                    format!(
                        "DELETE FROM {table} WHERE edition_id = $1 AND id NOT IN ({})",
                        placeholders(2, ids.len())
                    )
                };
                let mut q = sqlx::query(AssertSqlSafe(sql)).bind(edition_id);
                for id in ids {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            if let Some(a) = &applying {
                sqlx::query(
                    "UPDATE proposals SET applied_at = $3 WHERE edition_id = $1 AND number = $2",
                )
                .bind(edition_id)
                .bind(i64::from(a.number))
                .bind(a.at.as_second())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(version)
        })
    }
}

/// Rows per multi-row statement: well under both backends' limits on bound values.
const BATCH: usize = 100;

/// `($1, $2, $3), ($1, $4, $5)`: `n` rows that share `$1` (the edition) and `cols` own values.
fn rows(n: usize, cols: usize) -> String {
    (0..n)
        .map(|r| format!("($1, {})", placeholders(2 + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Session rows: the edition, then 4 values, the fixed 'scheduled' state, then 10 values.
fn session_rows(n: usize) -> String {
    (0..n)
        .map(|r| {
            let at = 2 + r * 14;
            format!(
                "($1, {}, 'scheduled', {})",
                placeholders(at, 3),
                placeholders(at + 3, 11)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4)`: `n` rows of `cols` values.
fn plain_rows(n: usize, cols: usize) -> String {
    (0..n)
        .map(|r| format!("({})", placeholders(1 + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schedule that names one GUID or slug twice cannot be stored: say so the same way on both
/// backends (PostgreSQL refuses to upsert one row twice in a statement, SQLite would not).
fn check_unique(s: &Schedule) -> Result<()> {
    fn twice<'a>(what: &str, keys: impl Iterator<Item = &'a str>) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for k in keys {
            if !seen.insert(k) {
                return Err(StoreError::Conflict(format!("{what} {k} appears twice")));
            }
        }
        Ok(())
    }
    twice("event", s.events.iter().map(|e| e.slug.as_str()))?;
    twice("room", s.rooms.iter().map(|r| r.slug.as_str()))?;
    twice("track", s.tracks.iter().map(|t| t.slug.as_str()))?;
    twice("speaker", s.speakers.iter().map(|p| p.slug.as_str()))?;
    let guids: Vec<String> = s.sessions.iter().map(|x| x.guid.to_string()).collect();
    twice("session", guids.iter().map(String::as_str))?;
    for x in &s.sessions {
        twice("speaker of a session", x.speakers.iter().map(Slug::as_str))?;
    }
    Ok(())
}
