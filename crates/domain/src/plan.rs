//! An attendee's agenda laid out: per conference day, the bookmarked sessions in time order,
//! those that overlap grouped side by side, the gaps between as free time, each clash with
//! what could replace one of its sessions, and how much of the day is talks.

use crate::agenda::{Marks, Priority};
use crate::{Guid, Schedule, SessionType};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::HashMap;

/// A gap shorter than this is a walk between rooms, not free time.
pub const MIN_FREE_SECONDS: i64 = 15 * 60;
/// Similar sessions offered per clashing session, at most.
const SIMILAR_PER_SESSION: usize = 2;

/// One bookmarked session at the slot the agenda places it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into the schedule's sessions.
    pub session: usize,
    /// Index into the session's slots.
    pub slot: usize,
    pub start: Timestamp,
    pub end: Timestamp,
    pub priority: Priority,
    /// More people bookmarked it than its room holds.
    pub likely_full: bool,
}

/// What could be seen instead of a clashing session.
#[derive(Debug, Clone, PartialEq)]
pub enum Alternative {
    /// The same session again, at a time free in the agenda.
    OtherSlot { session: usize, slot: usize },
    /// A session alike in its words, at a time free in the agenda.
    Similar { session: usize, slot: usize },
    // Recordings are a third kind, added with them.
}

/// Sessions that overlap: an attendee can be in one of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Clash {
    /// Per entry of the block, in the block's order, what could replace it.
    pub alternatives: Vec<Vec<Alternative>>,
}

/// A stretch of the day.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// One session, or several side by side when they overlap.
    Sessions {
        start: Timestamp,
        end: Timestamp,
        entries: Vec<Entry>,
        clash: Option<Clash>,
    },
    /// Nothing bookmarked: the hallway track.
    Free { start: Timestamp, end: Timestamp },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: Date,
    pub blocks: Vec<Block>,
    /// Time in talks, counting overlapping ones once.
    pub busy_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub days: Vec<Day>,
    /// Bookmarked sessions without a time yet.
    pub unscheduled: Vec<usize>,
}

impl Plan {
    pub fn clashes(&self) -> usize {
        self.days
            .iter()
            .flat_map(|d| &d.blocks)
            .filter(|b| matches!(b, Block::Sessions { clash: Some(_), .. }))
            .count()
    }
}

/// Lays out `marks` (the bookmarked ones) over `schedule`. `similar` holds per session the
/// sessions alike in words, best first (see `similar::by_text`); `bookmarks` how many people
/// bookmarked each session.
pub fn plan(
    schedule: &Schedule,
    marks: &[(Guid, Marks)],
    similar: &[Vec<(usize, f32)>],
    bookmarks: &HashMap<Guid, u64>,
) -> Plan {
    let index: HashMap<Guid, usize> = schedule
        .sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.guid, i))
        .collect();
    let mut picked: Vec<(usize, Priority)> = marks
        .iter()
        .filter(|(_, m)| m.interested.value)
        .filter_map(|(g, m)| Some((*index.get(g)?, m.priority.value)))
        .collect();
    picked.sort_unstable_by_key(|p| p.0);
    let mut out = Plan::default();
    // Sessions that run once are fixed; a repeated one goes where it clashes least.
    let mut placed: Vec<(usize, usize, Priority)> = Vec::new();
    let mut repeated = Vec::new();
    for &(s, p) in &picked {
        match schedule.sessions[s].slots.len() {
            0 => out.unscheduled.push(s),
            1 => placed.push((s, 0, p)),
            _ => repeated.push((s, p)),
        }
    }
    for (s, p) in repeated {
        let slots = &schedule.sessions[s].slots;
        let clashes = |i: usize| {
            placed
                .iter()
                .filter(|&&(o, os, _)| overlaps(schedule, (s, i), (o, os)))
                .count()
        };
        let best = (0..slots.len()).min_by_key(|&i| clashes(i)).unwrap_or(0);
        placed.push((s, best, p));
    }
    let busy: Vec<(usize, usize)> = placed.iter().map(|&(s, i, _)| (s, i)).collect();
    let free_at = |s: usize, i: usize| !busy.iter().any(|&b| overlaps(schedule, (s, i), b));
    let bookmarked = |s: usize| busy.iter().any(|&(b, _)| b == s);
    let mut entries: Vec<Entry> = placed
        .into_iter()
        .map(|(s, i, priority)| {
            let x = &schedule.sessions[s];
            let sl = &x.slots[i];
            let capacity = sl
                .room
                .as_ref()
                .and_then(|r| schedule.room(r))
                .and_then(|r| r.capacity);
            let count = bookmarks.get(&x.guid).copied().unwrap_or(0);
            Entry {
                session: s,
                slot: i,
                start: sl.start,
                end: sl.end,
                priority,
                likely_full: capacity.is_some_and(|c| count > u64::from(c)),
            }
        })
        .collect();
    entries.sort_by_key(|a| (a.start, a.end, a.session));

    let mut by_day: Vec<(Date, Vec<Entry>)> = Vec::new();
    for e in entries {
        let date = schedule.edition.day_of(e.start);
        match by_day.last_mut() {
            Some((d, list)) if *d == date => list.push(e),
            _ => by_day.push((date, vec![e])),
        }
    }
    for (date, list) in by_day {
        let mut blocks: Vec<Block> = Vec::new();
        let mut busy_seconds = 0;
        // Entries are in start order: a block grows while the next starts before it ends.
        let mut group: Vec<Entry> = Vec::new();
        let mut group_end = Timestamp::MIN;
        let flush = |group: &mut Vec<Entry>, blocks: &mut Vec<Block>, busy: &mut i64| {
            if group.is_empty() {
                return;
            }
            let start = group[0].start;
            let end = group.iter().map(|e| e.end).max().unwrap_or(start);
            if let Some(Block::Sessions { end: before, .. }) = blocks.last()
                && start.as_second() - before.as_second() >= MIN_FREE_SECONDS
            {
                blocks.push(Block::Free {
                    start: *before,
                    end: start,
                });
            }
            *busy += end.as_second() - start.as_second();
            let clash = (group.len() > 1).then(|| Clash {
                alternatives: group
                    .iter()
                    .map(|e| alternatives(schedule, e, similar, &free_at, &bookmarked))
                    .collect(),
            });
            blocks.push(Block::Sessions {
                start,
                end,
                entries: std::mem::take(group),
                clash,
            });
        };
        for e in list {
            if !group.is_empty() && e.start >= group_end {
                flush(&mut group, &mut blocks, &mut busy_seconds);
            }
            group_end = if group.is_empty() {
                e.end
            } else {
                group_end.max(e.end)
            };
            group.push(e);
        }
        flush(&mut group, &mut blocks, &mut busy_seconds);
        out.days.push(Day {
            date,
            blocks,
            busy_seconds,
        });
    }
    out
}

fn overlaps(schedule: &Schedule, a: (usize, usize), b: (usize, usize)) -> bool {
    if a.0 == b.0 {
        return false;
    }
    let x = &schedule.sessions[a.0].slots[a.1];
    let y = &schedule.sessions[b.0].slots[b.1];
    x.start < y.end && y.start < x.end
}

/// Other slots of the session, then sessions alike, each at a time the agenda has free.
fn alternatives(
    schedule: &Schedule,
    e: &Entry,
    similar: &[Vec<(usize, f32)>],
    free_at: &impl Fn(usize, usize) -> bool,
    bookmarked: &impl Fn(usize) -> bool,
) -> Vec<Alternative> {
    let mut found: Vec<Alternative> = (0..schedule.sessions[e.session].slots.len())
        .filter(|&i| i != e.slot && free_at(e.session, i))
        .map(|slot| Alternative::OtherSlot {
            session: e.session,
            slot,
        })
        .collect();
    let alike = similar.get(e.session).map_or(&[][..], Vec::as_slice);
    found.extend(
        alike
            .iter()
            .filter(|&&(s, _)| {
                let kind = schedule.sessions[s].session_type;
                // A desk, a break or a whole co-located event is no stand-in for a talk.
                !bookmarked(s) && kind.is_program() && kind != SessionType::Event
            })
            .filter_map(|&(s, _)| {
                let slots = &schedule.sessions[s].slots;
                (0..slots.len())
                    .find(|&i| free_at(s, i))
                    .map(|slot| Alternative::Similar { session: s, slot })
            })
            .take(SIMILAR_PER_SESSION),
    );
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agenda::Stamped;
    use crate::model::*;
    use crate::{Guid, Slug};
    use jiff::civil::date;

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    /// A talk in room `room` from `at` minutes past 09:00 on 23 March (Amsterdam), for
    /// `minutes`, once per start given.
    fn talk(code: &str, room: &str, starts: &[i64], minutes: i64) -> Session {
        let nine = Timestamp::from_second(1_774_252_800).unwrap(); // 2026-03-23T08:00Z, 09:00 CET
        Session {
            guid: Guid::derive(&slug("e"), code, 1),
            source_uid: None,
            event: slug("e"),
            title: code.into(),
            subtitle: String::new(),
            abstract_text: String::new(),
            description: String::new(),
            language: None,
            do_not_record: false,
            session_type: SessionType::Talk,
            track: None,
            speakers: vec![],
            duration_minutes: minutes as u32,
            url: None,
            slots: starts
                .iter()
                .map(|&at| {
                    let start = nine + jiff::SignedDuration::from_mins(at);
                    Slot {
                        room: Some(slug(room)),
                        start,
                        end: start + jiff::SignedDuration::from_mins(minutes),
                    }
                })
                .collect(),
        }
    }

    fn schedule(sessions: Vec<Session>) -> Schedule {
        Schedule {
            edition: Edition {
                slug: slug("e"),
                name: "E".into(),
                venue: "V".into(),
                time_zone: "Europe/Amsterdam".into(),
                start_date: date(2026, 3, 23),
                end_date: date(2026, 3, 23),
                day_change: jiff::civil::Time::midnight(),
            },
            events: vec![],
            rooms: ["a", "b", "c"]
                .iter()
                .map(|r| Room {
                    slug: slug(r),
                    name: r.to_uppercase(),
                    area: None,
                    capacity: Some(2),
                })
                .collect(),
            tracks: vec![],
            speakers: vec![],
            sessions,
        }
    }

    fn bookmarked(s: &Schedule, codes: &[&str]) -> Vec<(Guid, Marks)> {
        codes
            .iter()
            .map(|c| {
                let x = s.sessions.iter().find(|x| x.title == *c).unwrap();
                let marks = Marks {
                    interested: Stamped { value: true, at: 1 },
                    ..Marks::default()
                };
                (x.guid, marks)
            })
            .collect()
    }

    #[test]
    fn overlaps_sit_side_by_side_with_alternatives_and_gaps_are_free_time() {
        let s = schedule(vec![
            talk("mesh", "a", &[0], 30),
            talk("ebpf", "b", &[15], 30),
            // Runs twice: the second run is free in the agenda.
            talk("gitops", "c", &[0, 180], 30),
            talk("lunch-talk", "a", &[240], 60),
            talk("mesh-again", "b", &[300], 30),
        ]);
        // "mesh" is most like "mesh-again".
        let mut similar = vec![Vec::new(); s.sessions.len()];
        similar[0] = vec![(4, 0.9)];
        let counts = HashMap::from([(s.sessions[3].guid, 3)]);
        let p = plan(
            &s,
            &bookmarked(&s, &["mesh", "ebpf", "lunch-talk"]),
            &similar,
            &counts,
        );
        assert_eq!(p.days.len(), 1);
        let day = &p.days[0];
        assert_eq!(day.date, date(2026, 3, 23));
        // 09:00-09:45 and 13:00-14:00, overlaps counted once.
        assert_eq!(day.busy_seconds, 45 * 60 + 3600);
        assert_eq!(p.clashes(), 1);
        match &day.blocks[..] {
            [
                Block::Sessions {
                    entries,
                    clash: Some(c),
                    ..
                },
                Block::Free { start, end },
                Block::Sessions {
                    entries: lunch,
                    clash: None,
                    ..
                },
            ] => {
                assert_eq!(entries.len(), 2);
                assert_eq!(end.as_second() - start.as_second(), 3 * 3600 + 15 * 60);
                assert!(lunch[0].likely_full, "3 bookmarks for 2 seats");
                assert!(!entries[0].likely_full);
                assert_eq!(
                    c.alternatives[0],
                    vec![Alternative::Similar {
                        session: 4,
                        slot: 0
                    }]
                );
                assert!(c.alternatives[1].is_empty());
            }
            other => panic!("{other:#?}"),
        }
    }

    #[test]
    fn a_repeated_session_goes_where_it_clashes_least_and_offers_its_other_run() {
        let s = schedule(vec![
            talk("mesh", "a", &[0], 30),
            talk("gitops", "c", &[0, 180], 30),
        ]);
        let none = vec![Vec::new(); 2];
        let p = plan(
            &s,
            &bookmarked(&s, &["mesh", "gitops"]),
            &none,
            &HashMap::new(),
        );
        assert_eq!(p.clashes(), 0, "gitops runs again at 12:00");
        // With another pick at 12:00, the clash offers nothing better than what it has.
        let s = schedule(vec![
            talk("mesh", "a", &[0], 30),
            talk("gitops", "c", &[0, 180], 30),
            talk("noon", "b", &[180], 30),
        ]);
        let none = vec![Vec::new(); 3];
        let p = plan(
            &s,
            &bookmarked(&s, &["mesh", "gitops", "noon"]),
            &none,
            &HashMap::new(),
        );
        assert_eq!(p.clashes(), 1);
        let Block::Sessions {
            clash: Some(c),
            entries,
            ..
        } = &p.days[0].blocks[0]
        else {
            panic!("{p:#?}")
        };
        let gitops = entries.iter().position(|e| e.session == 1).unwrap();
        assert_eq!(
            c.alternatives[gitops],
            vec![],
            "its other run clashes with noon"
        );
        assert!(p.unscheduled.is_empty());
    }
}
