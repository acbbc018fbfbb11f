//! The work-in-progress schedule: read whole, written whole in one transaction.

use crate::editions::{edition_from_row, parse_date};
use crate::{Dialect, Result, Store, StoreError, on_pool, placeholders};
use hallway_domain::{Event, Guid, Room, Schedule, Session, Slot, Slug, Speaker, Track};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

pub trait ScheduleStore {
    /// The edition's work-in-progress schedule (canceled sessions left out).
    async fn work_in_progress(&self, edition: &Slug) -> Result<Schedule>;
    /// Makes `schedule` the edition's work in progress, creating the edition if it is new.
    /// Sessions are matched by GUID; those missing from `schedule` become canceled, keeping
    /// their bookmarks. All or nothing.
    async fn save_work_in_progress(&self, schedule: &Schedule) -> Result<()>;
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

impl ScheduleStore for Store {
    async fn work_in_progress(&self, edition: &Slug) -> Result<Schedule> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "SELECT id, slug, name, venue, time_zone, start_date, end_date, day_change FROM editions WHERE slug = $1",
            )
            .bind(edition.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let edition_id: i64 = row.try_get("id")?;
            let edition = edition_from_row(&row)?;

            let mut events = Vec::new();
            for r in sqlx::query(
                "SELECT slug, name, kind, start_date, end_date FROM events WHERE edition_id = $1 ORDER BY position",
            )
            .bind(edition_id)
            .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
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
                    .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
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
            .fetch_all(&mut *tx)
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
            tx.commit().await?;
            Ok(Schedule {
                edition,
                events,
                rooms,
                tracks,
                speakers,
                sessions,
            })
        })
    }

    async fn save_work_in_progress(&self, s: &Schedule) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let e = &s.edition;
            let edition_id: i64 = sqlx::query_scalar(
                "INSERT INTO editions (slug, name, venue, time_zone, start_date, end_date, day_change, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (slug) DO UPDATE SET name = excluded.name, venue = excluded.venue,
                   time_zone = excluded.time_zone, start_date = excluded.start_date,
                   end_date = excluded.end_date, day_change = excluded.day_change
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
            .fetch_one(&mut *tx)
            .await?;

            let mut event_ids = HashMap::new();
            for (pos, ev) in s.events.iter().enumerate() {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO events (edition_id, slug, name, kind, start_date, end_date, position)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       kind = excluded.kind, start_date = excluded.start_date,
                       end_date = excluded.end_date, position = excluded.position
                     RETURNING id",
                )
                .bind(edition_id)
                .bind(ev.slug.as_str())
                .bind(&ev.name)
                .bind(ev.kind.as_str())
                .bind(ev.start_date.to_string())
                .bind(ev.end_date.to_string())
                .bind(pos as i64)
                .fetch_one(&mut *tx)
                .await?;
                event_ids.insert(&ev.slug, id);
            }
            let mut room_ids = HashMap::new();
            for (pos, r) in s.rooms.iter().enumerate() {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO rooms (edition_id, slug, name, area, capacity, position)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       area = excluded.area, capacity = COALESCE(excluded.capacity, rooms.capacity),
                       position = excluded.position
                     RETURNING id",
                )
                .bind(edition_id)
                .bind(r.slug.as_str())
                .bind(&r.name)
                .bind(&r.area)
                .bind(r.capacity.map(to_i64))
                .bind(pos as i64)
                .fetch_one(&mut *tx)
                .await?;
                room_ids.insert(&r.slug, id);
            }
            let mut track_ids = HashMap::new();
            for (pos, t) in s.tracks.iter().enumerate() {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO tracks (edition_id, slug, name, position) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       position = excluded.position
                     RETURNING id",
                )
                .bind(edition_id)
                .bind(t.slug.as_str())
                .bind(&t.name)
                .bind(pos as i64)
                .fetch_one(&mut *tx)
                .await?;
                track_ids.insert(&t.slug, id);
            }
            let mut speaker_ids = HashMap::new();
            for sp in &s.speakers {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO speakers (edition_id, slug, name, affiliation, role, bio)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (edition_id, slug) DO UPDATE SET name = excluded.name,
                       affiliation = excluded.affiliation, role = excluded.role, bio = excluded.bio
                     RETURNING id",
                )
                .bind(edition_id)
                .bind(sp.slug.as_str())
                .bind(&sp.name)
                .bind(&sp.affiliation)
                .bind(&sp.role)
                .bind(&sp.bio)
                .fetch_one(&mut *tx)
                .await?;
                speaker_ids.insert(&sp.slug, id);
            }

            sqlx::query("UPDATE sessions SET state = 'canceled' WHERE edition_id = $1")
                .bind(edition_id)
                .execute(&mut *tx)
                .await?;
            for (pos, session) in s.sessions.iter().enumerate() {
                let missing = |what: &str, slug: &Slug| {
                    StoreError::invalid(format!(
                        "session {} names unknown {what} {slug}",
                        session.guid
                    ))
                };
                let event_id = *event_ids
                    .get(&session.event)
                    .ok_or_else(|| missing("event", &session.event))?;
                let track_id = match &session.track {
                    Some(t) => Some(*track_ids.get(t).ok_or_else(|| missing("track", t))?),
                    None => None,
                };
                let session_id: i64 = sqlx::query_scalar(
                    "INSERT INTO sessions (edition_id, guid, source_uid, event_id, state, title, abstract,
                       session_type, track_id, duration_minutes, url, position, subtitle, description,
                       language, do_not_record)
                     VALUES ($1, $2, $3, $4, 'scheduled', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                     ON CONFLICT (edition_id, guid) DO UPDATE SET source_uid = excluded.source_uid,
                       event_id = excluded.event_id, state = 'scheduled', title = excluded.title,
                       abstract = excluded.abstract, session_type = excluded.session_type,
                       track_id = excluded.track_id, duration_minutes = excluded.duration_minutes,
                       url = excluded.url, position = excluded.position, subtitle = excluded.subtitle,
                       description = excluded.description, language = excluded.language,
                       do_not_record = excluded.do_not_record
                     RETURNING id",
                )
                .bind(edition_id)
                .bind(session.guid.to_string())
                .bind(&session.source_uid)
                .bind(event_id)
                .bind(&session.title)
                .bind(&session.abstract_text)
                .bind(session.session_type.as_str())
                .bind(track_id)
                .bind(to_i64(session.duration_minutes))
                .bind(&session.url)
                .bind(pos as i64)
                .bind(&session.subtitle)
                .bind(&session.description)
                .bind(&session.language)
                .bind(session.do_not_record)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM session_speakers WHERE session_id = $1")
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await?;
                for (i, sp) in session.speakers.iter().enumerate() {
                    let speaker_id = *speaker_ids.get(sp).ok_or_else(|| missing("speaker", sp))?;
                    sqlx::query(
                        "INSERT INTO session_speakers (session_id, speaker_id, position) VALUES ($1, $2, $3)",
                    )
                    .bind(session_id)
                    .bind(speaker_id)
                    .bind(i as i64)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("DELETE FROM slots WHERE session_id = $1")
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await?;
                for slot in &session.slots {
                    let room_id = match &slot.room {
                        Some(r) => Some(*room_ids.get(r).ok_or_else(|| missing("room", r))?),
                        None => None,
                    };
                    sqlx::query(
                        "INSERT INTO slots (session_id, room_id, starts_at, ends_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(session_id)
                    .bind(room_id)
                    .bind(slot.start.as_second())
                    .bind(slot.end.as_second())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "DELETE FROM slots WHERE session_id IN
                   (SELECT id FROM sessions WHERE edition_id = $1 AND state = 'canceled')",
            )
            .bind(edition_id)
            .execute(&mut *tx)
            .await?;
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
            tx.commit().await?;
            Ok(())
        })
    }
}
