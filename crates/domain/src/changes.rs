//! What changed between two versions of a schedule: drives changelogs and attendee notices.

use crate::ids::Guid;
use crate::model::{Schedule, Session, Slot};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One change to one session. A session can be moved in time, moved room and retitled at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Added {
        guid: Guid,
        title: String,
    },
    Removed {
        guid: Guid,
        title: String,
    },
    MovedInTime {
        guid: Guid,
        title: String,
        from: Vec<(Timestamp, Timestamp)>,
        to: Vec<(Timestamp, Timestamp)>,
    },
    MovedRoom {
        guid: Guid,
        title: String,
        from: Vec<String>,
        to: Vec<String>,
    },
    /// The title or the speakers changed (Sched packs both into one line).
    Retitled {
        guid: Guid,
        from: String,
        to: String,
    },
}

impl Change {
    pub fn guid(&self) -> Guid {
        match self {
            Self::Added { guid, .. }
            | Self::Removed { guid, .. }
            | Self::MovedInTime { guid, .. }
            | Self::MovedRoom { guid, .. }
            | Self::Retitled { guid, .. } => *guid,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    pub added: usize,
    pub removed: usize,
    pub moved_in_time: usize,
    pub moved_room: usize,
    pub retitled: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub changes: Vec<Change>,
}

impl ChangeSet {
    /// Compares two versions of one edition's schedule, session by GUID.
    pub fn between(old: &Schedule, new: &Schedule) -> Self {
        let old_by_guid: HashMap<Guid, &Session> =
            old.sessions.iter().map(|s| (s.guid, s)).collect();
        let new_by_guid: HashMap<Guid, &Session> =
            new.sessions.iter().map(|s| (s.guid, s)).collect();
        let mut changes = Vec::new();
        for s in &new.sessions {
            let Some(before) = old_by_guid.get(&s.guid) else {
                changes.push(Change::Added {
                    guid: s.guid,
                    title: s.title.clone(),
                });
                continue;
            };
            let (t0, t1) = (times(&before.slots), times(&s.slots));
            if t0 != t1 {
                changes.push(Change::MovedInTime {
                    guid: s.guid,
                    title: s.title.clone(),
                    from: t0,
                    to: t1,
                });
            }
            let (r0, r1) = (room_names(old, &before.slots), room_names(new, &s.slots));
            if r0 != r1 {
                changes.push(Change::MovedRoom {
                    guid: s.guid,
                    title: s.title.clone(),
                    from: r0,
                    to: r1,
                });
            }
            let (h0, h1) = (headline(old, before), headline(new, s));
            if h0 != h1 {
                changes.push(Change::Retitled {
                    guid: s.guid,
                    from: h0,
                    to: h1,
                });
            }
        }
        for s in &old.sessions {
            if !new_by_guid.contains_key(&s.guid) {
                changes.push(Change::Removed {
                    guid: s.guid,
                    title: s.title.clone(),
                });
            }
        }
        Self { changes }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn counts(&self) -> ChangeCounts {
        let mut c = ChangeCounts::default();
        for change in &self.changes {
            match change {
                Change::Added { .. } => c.added += 1,
                Change::Removed { .. } => c.removed += 1,
                Change::MovedInTime { .. } => c.moved_in_time += 1,
                Change::MovedRoom { .. } => c.moved_room += 1,
                Change::Retitled { .. } => c.retitled += 1,
            }
        }
        c
    }
}

fn times(slots: &[Slot]) -> Vec<(Timestamp, Timestamp)> {
    let mut t: Vec<_> = slots.iter().map(|s| (s.start, s.end)).collect();
    t.sort();
    t
}

fn room_names(schedule: &Schedule, slots: &[Slot]) -> Vec<String> {
    let mut rooms: Vec<String> = slots
        .iter()
        .map(|s| schedule.room_name(s).unwrap_or_default().to_owned())
        .collect();
    rooms.sort();
    rooms
}

/// Title plus speakers as a program prints them: "Title - Name, Company & Name, Company".
fn headline(schedule: &Schedule, session: &Session) -> String {
    let speakers: Vec<String> = session
        .speakers
        .iter()
        .map(|slug| {
            schedule
                .speaker(slug)
                .map_or_else(|| slug.to_string(), |s| s.display())
        })
        .collect();
    if speakers.is_empty() {
        session.title.clone()
    } else {
        format!("{} - {}", session.title, speakers.join(" & "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Slug;
    use crate::model::*;
    use jiff::civil::date;

    fn schedule(sessions: Vec<Session>) -> Schedule {
        let slug = |s: &str| Slug::parse(s).unwrap();
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
            rooms: vec![
                Room {
                    slug: slug("a"),
                    name: "A".into(),
                    area: None,
                    capacity: None,
                },
                Room {
                    slug: slug("b"),
                    name: "B".into(),
                    area: None,
                    capacity: None,
                },
            ],
            tracks: vec![],
            speakers: vec![],
            sessions,
        }
    }

    fn session(code: &str, title: &str, room: &str, hour: i64) -> Session {
        let e = Slug::parse("e").unwrap();
        let start = Timestamp::from_second(1_774_000_000 + hour * 3600).unwrap();
        Session {
            guid: Guid::derive(&e, code, 1),
            source_uid: Some(code.into()),
            event: e,
            title: title.into(),
            subtitle: String::new(),
            abstract_text: String::new(),
            description: String::new(),
            language: None,
            do_not_record: false,
            session_type: SessionType::Talk,
            track: None,
            speakers: vec![],
            duration_minutes: 30,
            url: None,
            slots: vec![Slot {
                room: Some(Slug::parse(room).unwrap()),
                start,
                end: start + jiff::SignedDuration::from_mins(30),
            }],
        }
    }

    #[test]
    fn sessions_without_their_own_guid_take_the_one_their_source_id_had() {
        let old = schedule(vec![session("1", "A", "a", 0), session("2", "B", "a", 1)]);
        let mut new = schedule(vec![session("x", "A", "a", 0), session("y", "B", "b", 1)]);
        new.sessions[0].source_uid = Some("1".into());
        new.sessions[1].source_uid = Some("3".into());
        assert_eq!(new.adopt_guids(&old), 1);
        assert_eq!(new.sessions[0].guid, old.sessions[0].guid);
        assert_ne!(
            new.sessions[1].guid, old.sessions[1].guid,
            "no match, no adoption"
        );
        assert_eq!(ChangeSet::between(&old, &new).counts().added, 1);
    }

    #[test]
    fn counts_each_kind_of_change() {
        let old = schedule(vec![
            session("1", "Same", "a", 0),
            session("2", "Old title", "a", 1),
            session("3", "Moves", "a", 2),
            session("4", "Gone", "a", 3),
        ]);
        let new = schedule(vec![
            session("1", "Same", "a", 0),
            session("2", "New title", "b", 1),
            session("3", "Moves", "a", 5),
            session("5", "Fresh", "b", 3),
        ]);
        let counts = ChangeSet::between(&old, &new).counts();
        assert_eq!(
            counts,
            ChangeCounts {
                added: 1,
                removed: 1,
                moved_in_time: 1,
                moved_room: 1,
                retitled: 1
            }
        );
        assert!(ChangeSet::between(&new, &new).is_empty());
    }
}
