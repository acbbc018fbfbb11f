//! An edition's work in progress as a timetabling problem, and a solution back as slots.
//!
//! The organizer's plan is read off the work in progress: the start times each day already
//! uses form the grid, the kinds of session a room already hosts are the kinds it may host,
//! rooms exist when they are used, breaks are the times no talk runs. Sessions that are not
//! talks to place (breaks, registration, socials, all-day co-located blocks, sessions without
//! a room or with several slots) stay where they are and keep their rooms busy. Talks without
//! a slot (new sessions from the CFP) are placed in the rooms and times the others use.

use hallway_domain::{Guid, Schedule, Session, SessionType, Slot, Slug};
use hallway_scheduler::model::{
    Day, Placement, Problem, Room, Session as Item, Speaker, Weights, Window,
};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Longer than this, a session is a block of its own (a co-located event's day), not a talk.
const LONGEST_TALK_MINUTES: u32 = 180;

/// How problem indexes map to the edition.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Problem session index → GUID.
    pub sessions: Vec<Guid>,
    pub rooms: Vec<Slug>,
    pub days: Vec<Date>,
    pub time_zone: String,
}

impl Mapping {
    /// The slot a placement stands for: minutes on the venue's clock from the day's midnight.
    /// An unknown zone or a time off the calendar is an error, never UTC or the epoch.
    pub fn slot(&self, p: &Problem, s: usize, pl: Placement) -> Result<Slot, String> {
        let tz = jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|e| format!("time zone {:?}: {e}", self.time_zone))?;
        let day = self.days[pl.day];
        let at = |minutes: i32| {
            day.to_datetime(jiff::civil::Time::midnight())
                .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                .and_then(|local| tz.to_timestamp(local))
                .map_err(|e| format!("{minutes} minutes into {day}: {e}"))
        };
        Ok(Slot {
            room: Some(self.rooms[pl.room].clone()),
            start: at(pl.start)?,
            end: at(pl.start + p.sessions[s].minutes)?,
        })
    }

    pub fn index_of(&self, guid: &Guid) -> Option<usize> {
        self.sessions.iter().position(|g| g == guid)
    }
}

fn schedulable(x: &Session) -> bool {
    x.session_type.is_program()
        && !matches!(x.session_type, SessionType::Social | SessionType::Event)
        && x.slots.len() == 1
        && x.slots[0].room.is_some()
        && x.duration_minutes > 0
        && x.duration_minutes <= LONGEST_TALK_MINUTES
}

/// A talk without a slot yet, of a kind and length the optimizer places.
fn placeable(x: &Session) -> bool {
    x.slots.is_empty()
        && x.session_type.is_program()
        && !matches!(x.session_type, SessionType::Social | SessionType::Event)
        && x.duration_minutes > 0
        && x.duration_minutes <= LONGEST_TALK_MINUTES
}

/// Minutes since the midnight of the conference day the instant belongs to (past midnight
/// sessions of a long day count on from 1440).
fn minutes(s: &Schedule, day: Date, at: Timestamp) -> i32 {
    let local = s.local(at).datetime();
    let days_after = local.date().since(day).map_or(0, |sp| sp.get_days());
    days_after * 24 * 60 + i32::from(local.hour()) * 60 + i32::from(local.minute())
}

/// The problem of placing the edition's talks. `bookmarks` are each attendee's sessions;
/// with `keep_close`, moving a session away from where it is costs.
pub fn build(
    s: &Schedule,
    pinned: &HashSet<Guid>,
    bookmarks: &[Vec<Guid>],
    keep_close: bool,
) -> (Problem, Mapping) {
    let days = s.edition.days();
    let day_index: HashMap<Date, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let span_of = |slot: &Slot| {
        let day = s.day_of(slot);
        (
            day,
            minutes(s, day, slot.start),
            minutes(s, day, slot.end).max(minutes(s, day, slot.start) + 1),
        )
    };
    // A room where many talks run at the same time is an area (a pavilion, the expo floor),
    // not a room to schedule: what happens there stays. A single double booking is a mistake
    // the optimizer repairs, not an area.
    let mut per_room: HashMap<&Slug, Vec<(Date, i32, i32)>> = HashMap::new();
    for x in s.sessions.iter().filter(|x| schedulable(x)) {
        let slot = &x.slots[0];
        if let Some(room) = &slot.room {
            per_room.entry(room).or_default().push(span_of(slot));
        }
    }
    let areas: HashSet<&Slug> = per_room
        .iter()
        .filter(|(_, spans)| {
            let overlapping = spans
                .iter()
                .enumerate()
                .filter(|&(i, &(d, a, b))| {
                    spans
                        .iter()
                        .enumerate()
                        .any(|(j, &(e, c, f))| i != j && d == e && a < f && c < b)
                })
                .count();
            overlapping * 4 > spans.len()
        })
        .map(|(room, _)| *room)
        .collect();
    let talks: Vec<&Session> = s
        .sessions
        .iter()
        .filter(|x| schedulable(x) && !x.slots[0].room.as_ref().is_some_and(|r| areas.contains(r)))
        .collect();

    // Talks not placed yet (a confirmed proposal's new session): the optimizer places them in
    // the rooms and times the placed ones use.
    let unplaced: Vec<&Session> = s.sessions.iter().filter(|x| placeable(x)).collect();

    // Rooms that host talks, the kinds they host, and when they are in use.
    let mut room_slugs: Vec<Slug> = Vec::new();
    let mut kinds: HashMap<Slug, BTreeSet<u8>> = HashMap::new();
    let mut used: HashMap<(Slug, usize), (i32, i32)> = HashMap::new();
    for x in &talks {
        let slot = &x.slots[0];
        let room = slot.room.clone().expect("schedulable sessions have rooms");
        if !room_slugs.contains(&room) {
            room_slugs.push(room.clone());
        }
        kinds
            .entry(room.clone())
            .or_default()
            .insert(kind_code(x.session_type));
        let (day, a, b) = span_of(slot);
        if let Some(&d) = day_index.get(&day) {
            let w = used.entry((room, d)).or_insert((a, b));
            *w = (w.0.min(a), w.1.max(b));
        }
    }
    room_slugs.sort_by_key(|r| s.rooms.iter().position(|x| &x.slug == r));
    // What stays put keeps its room busy, unless talks run there at that time too (a
    // co-located event's all-day block over its own talks).
    let talk_guids: HashSet<Guid> = talks.iter().map(|x| x.guid).collect();
    let mut in_room: HashMap<(Slug, usize), Vec<(i32, i32)>> = HashMap::new();
    for x in &talks {
        let (day, a, b) = span_of(&x.slots[0]);
        if let (Some(&d), Some(room)) = (day_index.get(&day), &x.slots[0].room) {
            in_room.entry((room.clone(), d)).or_default().push((a, b));
        }
    }
    let mut blocked: HashMap<(Slug, usize), Vec<(i32, i32)>> = HashMap::new();
    for x in s.sessions.iter().filter(|x| !talk_guids.contains(&x.guid)) {
        for slot in &x.slots {
            let Some(room) = &slot.room else { continue };
            let (day, a, b) = span_of(slot);
            let Some(&d) = day_index.get(&day) else {
                continue;
            };
            let key = (room.clone(), d);
            let overlaps_talks = in_room
                .get(&key)
                .is_some_and(|v| v.iter().any(|&(c, e)| a < e && c < b));
            if !overlaps_talks {
                blocked.entry(key).or_default().push((a, b));
            }
        }
    }
    let rooms: Vec<Room> = room_slugs
        .iter()
        .map(|slug| {
            let room = s.room(slug);
            let mut windows = Vec::new();
            for d in 0..days.len() {
                let Some(&(from, to)) = used.get(&(slug.clone(), d)) else {
                    continue;
                };
                // The day's window less the blocks that stay put.
                let mut cuts = blocked.get(&(slug.clone(), d)).cloned().unwrap_or_default();
                cuts.sort_unstable();
                let mut at = from;
                for (a, b) in cuts {
                    if b <= at || a >= to {
                        continue;
                    }
                    if a > at {
                        windows.push(Window {
                            day: d,
                            start: at,
                            end: a,
                        });
                    }
                    at = at.max(b);
                }
                if at < to {
                    windows.push(Window {
                        day: d,
                        start: at,
                        end: to,
                    });
                }
            }
            Room {
                name: room.map_or_else(|| slug.to_string(), |r| r.name.clone()),
                capacity: room.and_then(|r| r.capacity),
                kinds: kinds.get(slug).map(|k| k.iter().copied().collect()),
                available: Some(windows),
            }
        })
        .collect();

    // The grid: the start times each day's talks use, ending when its last talk ends; breaks
    // are the break sessions no talk overlaps.
    let mut starts: Vec<BTreeSet<i32>> = vec![BTreeSet::new(); days.len()];
    let mut ends = vec![0; days.len()];
    let mut talk_spans: Vec<Vec<(i32, i32)>> = vec![Vec::new(); days.len()];
    for x in &talks {
        let (day, a, b) = span_of(&x.slots[0]);
        if let Some(&d) = day_index.get(&day) {
            starts[d].insert(a);
            ends[d] = ends[d].max(b);
            talk_spans[d].push((a, b));
        }
    }
    let mut breaks: Vec<Vec<(i32, i32)>> = vec![Vec::new(); days.len()];
    for x in s
        .sessions
        .iter()
        .filter(|x| x.session_type == SessionType::Break)
    {
        for slot in &x.slots {
            let (day, a, b) = span_of(slot);
            if let Some(&d) = day_index.get(&day)
                && !talk_spans[d].iter().any(|&(ta, tb)| a < tb && ta < b)
                && !breaks[d].contains(&(a, b))
            {
                breaks[d].push((a, b));
            }
        }
    }
    let grid: Vec<Day> = days
        .iter()
        .enumerate()
        .map(|(d, date)| Day {
            label: date.strftime("%a %-d %b").to_string(),
            starts: starts[d].iter().copied().collect(),
            end: ends[d],
            breaks: breaks[d].clone(),
        })
        .collect();

    // Sessions, their speakers, their event's days.
    let mut speakers: Vec<Speaker> = Vec::new();
    let mut speaker_index: HashMap<&Slug, usize> = HashMap::new();
    let event_days: HashMap<&Slug, Vec<usize>> = s
        .events
        .iter()
        .map(|e| {
            let ds = days
                .iter()
                .enumerate()
                .filter(|(_, d)| **d >= e.start_date && **d <= e.end_date)
                .map(|(i, _)| i)
                .collect();
            (&e.slug, ds)
        })
        .collect();
    let room_index: HashMap<&Slug, usize> =
        room_slugs.iter().enumerate().map(|(i, r)| (r, i)).collect();
    let audience: HashMap<Guid, u32> =
        bookmarks.iter().flatten().fold(HashMap::new(), |mut m, g| {
            *m.entry(*g).or_insert(0) += 1;
            m
        });
    let track_index: HashMap<&Slug, usize> = s
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.slug, i))
        .collect();
    let mut items = Vec::new();
    let mut mapping_sessions = Vec::new();
    let mut current = Vec::new();
    for x in talks.iter().chain(&unplaced) {
        let here = x.slots.first().and_then(|slot| {
            let (day, a, _) = span_of(slot);
            day_index.get(&day).map(|&d| Placement {
                room: room_index[slot.room.as_ref().expect("has a room")],
                day: d,
                start: a,
            })
        });
        let who = x
            .speakers
            .iter()
            .map(|sp| {
                *speaker_index.entry(sp).or_insert_with(|| {
                    speakers.push(Speaker {
                        name: s
                            .speaker(sp)
                            .map_or_else(|| sp.to_string(), |p| p.name.clone()),
                        unavailable: Vec::new(),
                        preferred: Vec::new(),
                    });
                    speakers.len() - 1
                })
            })
            .collect();
        items.push(Item {
            name: x.title.clone(),
            minutes: x.duration_minutes as i32,
            kind: kind_code(x.session_type),
            track: x.track.as_ref().and_then(|t| track_index.get(t).copied()),
            speakers: who,
            audience: audience.get(&x.guid).copied().unwrap_or(0),
            days: event_days.get(&x.event).cloned().filter(|d| !d.is_empty()),
            pinned: if pinned.contains(&x.guid) { here } else { None },
        });
        mapping_sessions.push(x.guid);
        current.push(here);
    }
    let index_of: HashMap<Guid, usize> = mapping_sessions
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, i))
        .collect();
    let attendees: Vec<Vec<usize>> = bookmarks
        .iter()
        .map(|list| {
            let mut v: Vec<usize> = list
                .iter()
                .filter_map(|g| index_of.get(g).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .filter(|v| !v.is_empty())
        .collect();
    let problem = Problem {
        days: grid,
        rooms,
        sessions: items,
        speakers,
        attendees,
        reference: keep_close.then_some(current),
        weights: Weights::default(),
    };
    let mapping = Mapping {
        sessions: mapping_sessions,
        rooms: room_slugs,
        days,
        time_zone: s.edition.time_zone.clone(),
    };
    (problem, mapping)
}

/// Where the work in progress has each problem session now.
pub fn current_placement(s: &Schedule, m: &Mapping) -> Vec<Option<Placement>> {
    m.sessions
        .iter()
        .map(|g| {
            let x = s.sessions.iter().find(|x| x.guid == *g)?;
            placement_of_slot(s, m, x.slots.first()?)
        })
        .collect()
}

/// The placement a slot stands for, when its room and day are in the problem.
pub fn placement_of_slot(s: &Schedule, m: &Mapping, slot: &Slot) -> Option<Placement> {
    let room = m.rooms.iter().position(|r| Some(r) == slot.room.as_ref())?;
    let day = s.day_of(slot);
    let d = m.days.iter().position(|x| *x == day)?;
    Some(Placement {
        room,
        day: d,
        start: minutes(s, day, slot.start),
    })
}

fn kind_code(t: SessionType) -> u8 {
    SessionType::ALL.iter().position(|x| *x == t).unwrap_or(0) as u8
}

pub fn kind_of(code: u8) -> SessionType {
    SessionType::ALL
        .get(usize::from(code))
        .copied()
        .unwrap_or(SessionType::Talk)
}
