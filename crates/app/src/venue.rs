//! Room fill. Door staff (a role per edition, given by its organizers) count people into and
//! out of a session's room, or mark it filling or full; everyone sees how full the sessions
//! running now are, and a full one's nearest alternative running at the same time; organizers
//! get each session's peak against its room's capacity.
//!
//! The sessions are those of the release the caller holds in memory: door staff count what the
//! public schedule says is on, and reading it costs no query.

use crate::{App, AppError, OrgaCtx, Result, Viewer, parse_slug};
use hallway_domain::venue::{self, Figures, Level, Mark};
use hallway_domain::{Email, Schedule, Session, Slug, UserId};
use hallway_store::{AccountStore, FillChange, StoreError, StoredFill, VenueStore};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;

/// Proof that the caller counts an edition's rooms: its door staff and its organizers.
#[derive(Debug, Clone)]
pub struct DoorCtx {
    user: UserId,
    edition: Slug,
}

impl DoorCtx {
    pub fn edition(&self) -> &Slug {
        &self.edition
    }
}

/// A session's fill as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FillView {
    pub session: String,
    pub title: String,
    pub room: Option<String>,
    pub people: u32,
    pub capacity: Option<u32>,
    /// What door staff said: "none", "filling" or "full".
    pub mark: &'static str,
    /// What attendees are shown: "open", "filling" or "full".
    pub level: &'static str,
    /// For a full session: the most similar session running at the same time that is not full.
    pub overflow: Option<Overflow>,
}

/// Where to go instead of a full room.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Overflow {
    pub session: String,
    pub title: String,
    pub room: Option<String>,
}

/// The fill of the sessions running at one moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FillNow {
    pub at: String,
    pub sessions: Vec<FillView>,
}

/// A session's figures for the organizers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillFigure {
    pub session: String,
    pub title: String,
    pub room: Option<String>,
    /// The room's slug: what the optimizer names rooms by.
    pub room_slug: Option<String>,
    pub capacity: Option<u32>,
    pub start: Option<Timestamp>,
    pub figures: Figures,
}

/// A room as door staff see it at a moment: the session on now with its fill, or the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomNow {
    pub slug: String,
    pub name: String,
    pub capacity: Option<u32>,
    pub now: Option<FillView>,
    /// The next session in the room after `now`'s (or after the moment), and its start.
    pub next: Option<(String, Timestamp)>,
}

/// How long the fill of the sessions now is served from memory before it is read again.
pub const FILL_CACHE_SECONDS: u64 = 5;

/// An answer and when it was read.
type Cached = (std::time::Instant, Arc<FillNow>);

/// The last answer per edition and release, for `FILL_CACHE_SECONDS`.
#[derive(Debug, Default)]
pub(crate) struct FillCache {
    entries: std::sync::Mutex<HashMap<(Slug, u32), Cached>>,
}

/// The sessions in a room at `at`, each with the room of that slot.
fn running_at(schedule: &Schedule, at: Timestamp) -> Vec<(&Session, &Slug)> {
    let mut now: Vec<(&Session, &Slug, Timestamp)> = Vec::new();
    for s in &schedule.sessions {
        for slot in &s.slots {
            if let Some(room) = &slot.room
                && slot.start <= at
                && at < slot.end
            {
                now.push((s, room, slot.start));
            }
        }
    }
    now.sort_by(|a, b| a.2.cmp(&b.2).then(a.1.cmp(b.1)));
    now.into_iter().map(|(s, r, _)| (s, r)).collect()
}

fn session<'a>(schedule: &'a Schedule, guid: &str) -> Result<&'a Session> {
    schedule
        .sessions
        .iter()
        .find(|s| s.guid.to_string() == guid)
        .ok_or_else(|| AppError::NotFound(format!("session {guid}")))
}

fn view(
    schedule: &Schedule,
    s: &Session,
    room: Option<&Slug>,
    fill: Option<&StoredFill>,
) -> FillView {
    let room = room.and_then(|r| schedule.room(r));
    let capacity = room.and_then(|r| r.capacity);
    let (people, mark) = fill.map_or((0, Mark::None), |f| (f.people, f.mark));
    FillView {
        session: s.guid.to_string(),
        title: s.title.clone(),
        room: room.map(|r| r.name.clone()),
        people,
        capacity,
        mark: mark.as_str(),
        level: venue::level(people, capacity, mark).as_str(),
        overflow: None,
    }
}

impl App {
    /// Permission to count an edition's rooms: its door staff and organizers.
    pub async fn door_ctx(&self, viewer: &Viewer, edition: &str) -> Result<DoorCtx> {
        let slug = parse_slug(edition)?;
        viewer.writes_in(&slug, None)?;
        let counts = self.orga_ctx(viewer, edition).await.is_ok()
            || self.store.is_door_staff(&slug, viewer.user).await?;
        if !counts {
            return Err(AppError::Forbidden(format!(
                "only the door staff and organizers of {slug} count its rooms"
            )));
        }
        Ok(DoorCtx {
            user: viewer.user,
            edition: slug,
        })
    }

    /// Makes the account of `email` door staff of the edition.
    pub async fn add_door_staff(&self, orga: &OrgaCtx, edition: &str, email: &str) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let user = self.account_by_email(email).await?;
        Ok(self.store.add_door_staff(&edition, user).await?)
    }

    pub async fn remove_door_staff(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        email: &str,
    ) -> Result<()> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        let user = self.account_by_email(email).await?;
        Ok(self.store.remove_door_staff(&edition, user).await?)
    }

    pub async fn door_staff(&self, orga: &OrgaCtx, edition: &str) -> Result<Vec<Email>> {
        let edition = parse_slug(edition)?;
        orga.covers(&edition)?;
        Ok(self
            .store
            .door_staff(&edition)
            .await?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    async fn account_by_email(&self, email: &str) -> Result<UserId> {
        let email = Email::parse(email.trim())
            .map_err(|e| AppError::Invalid(format!("e-mail address: {e}")))?;
        match self.store.user_by_email(&email).await {
            Ok(u) => Ok(u.id),
            Err(StoreError::NotFound(_)) => Err(AppError::Invalid(format!(
                "no account has the address {email}: they sign up first"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// People in (`step` > 0) or out of a session's room; the count never goes below zero.
    pub async fn count_people(
        &self,
        door: &DoorCtx,
        schedule: &Schedule,
        guid: &str,
        step: i32,
    ) -> Result<FillView> {
        let step = venue::check_step(step).map_err(|e| AppError::Invalid(format!("step: {e}")))?;
        self.change_fill(door, schedule, guid, FillChange::Count(step))
            .await
    }

    /// Marks a session's room filling, full, or neither ("none").
    pub async fn mark_fill(
        &self,
        door: &DoorCtx,
        schedule: &Schedule,
        guid: &str,
        mark: &str,
    ) -> Result<FillView> {
        let mark = Mark::parse(mark).map_err(|e| AppError::Invalid(format!("mark: {e}")))?;
        self.change_fill(door, schedule, guid, FillChange::Mark(mark))
            .await
    }

    async fn change_fill(
        &self,
        door: &DoorCtx,
        schedule: &Schedule,
        guid: &str,
        change: FillChange,
    ) -> Result<FillView> {
        if schedule.edition.slug != door.edition {
            return Err(AppError::Forbidden(format!(
                "you count the rooms of {}, not {}",
                door.edition, schedule.edition.slug
            )));
        }
        let s = session(schedule, guid)?;
        let room = s.slots.iter().find_map(|slot| slot.room.as_ref());
        if room.is_none() {
            return Err(AppError::Conflict(format!(
                "\"{}\" has no room to count",
                s.title
            )));
        }
        let fill = self
            .store
            .change_fill(&door.edition, guid, change, door.user, now())
            .await?;
        Ok(view(schedule, s, room, Some(&fill)))
    }

    /// The rooms of the schedule that hold sessions, each with what is on at `at`.
    pub async fn door_rooms(
        &self,
        door: &DoorCtx,
        schedule: &Schedule,
        at: Timestamp,
    ) -> Result<Vec<RoomNow>> {
        if schedule.edition.slug != door.edition {
            return Err(AppError::Forbidden(format!(
                "you count the rooms of {}, not {}",
                door.edition, schedule.edition.slug
            )));
        }
        let running = running_at(schedule, at);
        let guids: Vec<String> = running.iter().map(|(s, _)| s.guid.to_string()).collect();
        let fills: HashMap<String, StoredFill> = self
            .store
            .fills(&schedule.edition.slug, &guids)
            .await?
            .into_iter()
            .map(|f| (f.session.clone(), f))
            .collect();
        let mut out = Vec::new();
        for room in &schedule.rooms {
            let mut used = false;
            let mut next: Option<(&Session, Timestamp)> = None;
            for s in &schedule.sessions {
                for slot in s
                    .slots
                    .iter()
                    .filter(|x| x.room.as_ref() == Some(&room.slug))
                {
                    used = true;
                    if slot.start > at && next.is_none_or(|(_, t)| slot.start < t) {
                        next = Some((s, slot.start));
                    }
                }
            }
            if !used {
                continue;
            }
            let now = running
                .iter()
                .find(|(_, r)| *r == &room.slug)
                .map(|(s, r)| view(schedule, s, Some(r), fills.get(&s.guid.to_string())));
            out.push(RoomNow {
                slug: room.slug.to_string(),
                name: room.name.clone(),
                capacity: room.capacity,
                now,
                next: next.map(|(s, t)| (s.title.clone(), t)),
            });
        }
        Ok(out)
    }

    /// The fill of one session (zero and unmarked before anyone counted it).
    pub async fn fill_of(&self, schedule: &Schedule, guid: &str) -> Result<FillView> {
        let s = session(schedule, guid)?;
        let room = s.slots.iter().find_map(|slot| slot.room.as_ref());
        let fills = self
            .store
            .fills(&schedule.edition.slug, &[guid.to_owned()])
            .await?;
        Ok(view(schedule, s, room, fills.first()))
    }

    /// The fill of every session in a room at `at`, with an alternative for each full one.
    /// The current moment's answer (`at` is `None`) is kept in memory for
    /// `FILL_CACHE_SECONDS` per release: pages of every visitor poll it.
    pub async fn fill_now(
        &self,
        schedule: &Schedule,
        release: u32,
        at: Option<Timestamp>,
    ) -> Result<Arc<FillNow>> {
        let key = (schedule.edition.slug.clone(), release);
        if at.is_none() {
            let cached = self
                .inner
                .fill_cache
                .entries
                .lock()
                .map_err(|_| AppError::Internal("the fill cache's lock was poisoned".into()))?
                .get(&key)
                .filter(|(t, _)| t.elapsed().as_secs() < FILL_CACHE_SECONDS)
                .map(|(_, f)| f.clone());
            if let Some(f) = cached {
                return Ok(f);
            }
        }
        let moment = at.unwrap_or_else(Timestamp::now);
        let running = running_at(schedule, moment);
        let guids: Vec<String> = running.iter().map(|(s, _)| s.guid.to_string()).collect();
        let fills: HashMap<String, StoredFill> = self
            .store
            .fills(&schedule.edition.slug, &guids)
            .await?
            .into_iter()
            .map(|f| (f.session.clone(), f))
            .collect();
        let mut views: Vec<FillView> = running
            .iter()
            .map(|(s, room)| view(schedule, s, Some(room), fills.get(&s.guid.to_string())))
            .collect();
        overflow(&running, &mut views);
        let answer = Arc::new(FillNow {
            at: moment.to_string(),
            sessions: views,
        });
        if at.is_none() {
            self.inner
                .fill_cache
                .entries
                .lock()
                .map_err(|_| AppError::Internal("the fill cache's lock was poisoned".into()))?
                .insert(key, (std::time::Instant::now(), answer.clone()));
        }
        Ok(answer)
    }

    /// Every counted session's figures, in the order of the schedule.
    pub async fn fill_figures(
        &self,
        orga: &OrgaCtx,
        schedule: &Schedule,
    ) -> Result<Vec<FillFigure>> {
        orga.covers(&schedule.edition.slug)?;
        let histories: HashMap<String, Vec<venue::Reading>> = self
            .store
            .fill_histories(&schedule.edition.slug)
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for s in &schedule.sessions {
            let Some(history) = histories.get(&s.guid.to_string()) else {
                continue;
            };
            let slot = s.slots.iter().find(|slot| slot.room.is_some());
            let room = slot
                .and_then(|slot| slot.room.as_ref())
                .and_then(|r| schedule.room(r));
            let start = slot.map(|slot| slot.start);
            out.push(FillFigure {
                session: s.guid.to_string(),
                title: s.title.clone(),
                room: room.map(|r| r.name.clone()),
                room_slug: room.map(|r| r.slug.to_string()),
                capacity: room.and_then(|r| r.capacity),
                start,
                figures: venue::figures(history, start.map_or(0, |t| t.as_second())),
            });
        }
        Ok(out)
    }
}

/// The figures as CSV (RFC 4180, every field quoted). `session` is the GUID and `room` the
/// room's slug, the names the optimizer keys sessions and rooms by: `peak` is a measured
/// audience for a session, and `capacity` beside it says whether its room was too small.
pub fn fill_csv(figures: &[FillFigure]) -> String {
    let mut out =
        String::from("session,title,room,capacity,start,peak,at_start,at_10_min,marked_full\r\n");
    for f in figures {
        let fields = [
            f.session.clone(),
            f.title.clone(),
            f.room_slug.clone().unwrap_or_default(),
            f.capacity.map_or_else(String::new, |c| c.to_string()),
            f.start.map_or_else(String::new, |t| t.to_string()),
            f.figures.peak.to_string(),
            f.figures.at_start.to_string(),
            f.figures.at_ten.to_string(),
            f.figures.marked_full.to_string(),
        ];
        let line: Vec<String> = fields
            .iter()
            .map(|x| format!("\"{}\"", x.replace('"', "\"\"")))
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// For each full session, the session running now most like it (by its words) that is not
/// full itself: where to send the people at the door.
fn overflow(running: &[(&Session, &Slug)], views: &mut [FillView]) {
    let full: Vec<usize> = (0..views.len())
        .filter(|&i| views[i].level == Level::Full.as_str())
        .collect();
    if full.is_empty() {
        return;
    }
    let docs: Vec<hallway_domain::similar::Doc<'_>> = running
        .iter()
        .map(|(s, _)| hallway_domain::similar::Doc {
            title: &s.title,
            text: &s.abstract_text,
            track: s.track.as_ref().map(|t| t.as_str()),
        })
        .collect();
    let ranked = hallway_domain::similar::by_text(&docs, docs.len());
    for i in full {
        let open = |j: usize| views[j].level != Level::Full.as_str() && j != i;
        // The most alike first; with no word in common, any room with space still helps.
        let pick = ranked[i]
            .iter()
            .map(|&(j, _)| j)
            .find(|&j| open(j))
            .or_else(|| (0..views.len()).find(|&j| open(j)));
        views[i].overflow = pick.map(|j| Overflow {
            session: views[j].session.clone(),
            title: views[j].title.clone(),
            room: views[j].room.clone(),
        });
    }
}

fn now() -> i64 {
    Timestamp::now().as_second()
}
