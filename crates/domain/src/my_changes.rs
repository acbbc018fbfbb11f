//! Schedule changes that matter to one attendee: the sessions they bookmarked that a release
//! moved in time, moved to another room or cancelled, read from the releases' change sets.
//! A change made before the attendee bookmarked the session is not theirs: they bookmarked it
//! as it already was.

use crate::changes::Change;
use crate::ids::Guid;
use crate::model::ReleaseNote;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::HashMap;

/// What a release did to one bookmarked session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// Its times (one per slot, sorted) before and after.
    Moved {
        from: Vec<(Timestamp, Timestamp)>,
        to: Vec<(Timestamp, Timestamp)>,
    },
    /// Its rooms (one per slot, sorted) before and after.
    Reroomed { from: Vec<String>, to: Vec<String> },
    /// Gone from the release: cancelled, or dropped from the program.
    Cancelled,
}

/// One bookmarked session a release changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyChange {
    pub guid: Guid,
    pub title: String,
    /// Time first, then room; `Cancelled` alone.
    pub what: Vec<What>,
}

/// The changes one release made to one attendee's bookmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyRelease {
    pub number: u32,
    pub released_at: Timestamp,
    pub changes: Vec<MyChange>,
}

/// A bookmark: the session and when it was set (milliseconds since the epoch, as the device
/// saw it).
pub type Bookmark = (Guid, i64);

/// The releases after `after` that changed a session the attendee had bookmarked by then,
/// newest first, each with only those sessions, in the order the release lists them.
pub fn changes_for(bookmarks: &[Bookmark], notes: &[ReleaseNote], after: u32) -> Vec<MyRelease> {
    let since: HashMap<Guid, i64> = bookmarks.iter().copied().collect();
    let mut out: Vec<MyRelease> = notes
        .iter()
        .filter(|n| n.number > after)
        .filter_map(|n| {
            let released_ms = n.released_at.as_millisecond();
            let mine = |g: &Guid| since.get(g).is_some_and(|at| *at <= released_ms);
            let mut changes: Vec<MyChange> = Vec::new();
            for c in &n.changes.changes {
                let (guid, title, what) = match c {
                    Change::MovedInTime {
                        guid,
                        title,
                        from,
                        to,
                    } => (
                        guid,
                        title,
                        What::Moved {
                            from: from.clone(),
                            to: to.clone(),
                        },
                    ),
                    Change::MovedRoom {
                        guid,
                        title,
                        from,
                        to,
                    } => (
                        guid,
                        title,
                        What::Reroomed {
                            from: from.clone(),
                            to: to.clone(),
                        },
                    ),
                    Change::Removed { guid, title } => (guid, title, What::Cancelled),
                    Change::Added { .. } | Change::Retitled { .. } => continue,
                };
                if !mine(guid) {
                    continue;
                }
                match changes.iter_mut().find(|m| m.guid == *guid) {
                    Some(m) => m.what.push(what),
                    None => changes.push(MyChange {
                        guid: *guid,
                        title: title.clone(),
                        what: vec![what],
                    }),
                }
            }
            (!changes.is_empty()).then_some(MyRelease {
                number: n.number,
                released_at: n.released_at,
                changes,
            })
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.number));
    out
}

/// The release each session last changed in (moved, re-roomed, retitled, added or removed):
/// a calendar entry's SEQUENCE, so that a calendar takes each change as a revision.
pub fn revisions(notes: &[ReleaseNote]) -> HashMap<Guid, u32> {
    let mut last: HashMap<Guid, u32> = HashMap::new();
    for n in notes {
        for c in &n.changes.changes {
            let at = last.entry(c.guid()).or_insert(0);
            *at = (*at).max(n.number);
        }
    }
    last
}

/// The release that removed each session, the newest removal when it came back in between.
pub fn removals(notes: &[ReleaseNote]) -> HashMap<Guid, u32> {
    let mut removed: HashMap<Guid, u32> = HashMap::new();
    for n in notes {
        for c in &n.changes.changes {
            if let Change::Removed { guid, .. } = c {
                let at = removed.entry(*guid).or_insert(0);
                *at = (*at).max(n.number);
            }
        }
    }
    removed
}

impl What {
    /// "moved from Wed 25 Mar 10:00–10:30 to Thu 26 Mar 14:00–14:30", times in `tz`.
    pub fn describe(&self, tz: &TimeZone) -> String {
        match self {
            Self::Moved { from, to } => {
                format!("moved from {} to {}", times(from, tz), times(to, tz))
            }
            Self::Reroomed { from, to } => {
                format!("moved from {} to {}", rooms(from), rooms(to))
            }
            Self::Cancelled => "cancelled".to_owned(),
        }
    }
}

impl MyChange {
    /// What happened, in one sentence: "moved from ... to ...; moved from Hall 7 to Room A".
    pub fn describe(&self, tz: &TimeZone) -> String {
        self.what
            .iter()
            .map(|w| w.describe(tz))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn times(spans: &[(Timestamp, Timestamp)], tz: &TimeZone) -> String {
    if spans.is_empty() {
        return "no time".to_owned();
    }
    spans
        .iter()
        .map(|(start, end)| {
            let (s, e) = (start.to_zoned(tz.clone()), end.to_zoned(tz.clone()));
            let end = if s.date() == e.date() {
                e.strftime("%H:%M").to_string()
            } else {
                e.strftime("%a %-d %b %H:%M").to_string()
            };
            format!("{}–{end}", s.strftime("%a %-d %b %H:%M"))
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn rooms(names: &[String]) -> String {
    let named: Vec<&str> = names
        .iter()
        .map(|n| if n.is_empty() { "no room" } else { n.as_str() })
        .collect();
    if named.is_empty() {
        "no room".to_owned()
    } else {
        named.join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::ChangeSet;
    use crate::ids::Slug;

    fn guid(code: &str) -> Guid {
        Guid::derive(&Slug::parse("e").unwrap(), code, 1)
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn note(number: u32, released: &str, changes: Vec<Change>) -> ReleaseNote {
        ReleaseNote {
            number,
            released_at: at(released),
            changes: ChangeSet { changes },
        }
    }

    fn moved(code: &str, from: &str, to: &str) -> Change {
        let span = |s: &str| {
            let start = at(s);
            (start, start + jiff::SignedDuration::from_mins(30))
        };
        Change::MovedInTime {
            guid: guid(code),
            title: code.to_uppercase(),
            from: vec![span(from)],
            to: vec![span(to)],
        }
    }

    fn rooms_changed(code: &str, from: &str, to: &str) -> Change {
        Change::MovedRoom {
            guid: guid(code),
            title: code.to_uppercase(),
            from: vec![from.into()],
            to: vec![to.into()],
        }
    }

    fn removed(code: &str) -> Change {
        Change::Removed {
            guid: guid(code),
            title: code.to_uppercase(),
        }
    }

    fn ms(s: &str) -> i64 {
        at(s).as_millisecond()
    }

    #[test]
    fn only_bookmarked_sessions_newest_release_first() {
        let notes = vec![
            note(1, "2026-03-01T00:00:00Z", vec![]),
            note(
                2,
                "2026-03-05T00:00:00Z",
                vec![
                    moved("a", "2026-03-24T09:00:00Z", "2026-03-25T13:00:00Z"),
                    moved("other", "2026-03-24T09:00:00Z", "2026-03-24T10:00:00Z"),
                    Change::Added {
                        guid: guid("new"),
                        title: "NEW".into(),
                    },
                ],
            ),
            note(
                3,
                "2026-03-10T00:00:00Z",
                vec![
                    rooms_changed("b", "Hall 7", "Room A"),
                    removed("c"),
                    Change::Retitled {
                        guid: guid("a"),
                        from: "A".into(),
                        to: "A!".into(),
                    },
                ],
            ),
        ];
        let marks = [
            (guid("a"), ms("2026-02-01T00:00:00Z")),
            (guid("b"), ms("2026-02-01T00:00:00Z")),
            (guid("c"), ms("2026-02-01T00:00:00Z")),
            (guid("new"), ms("2026-02-01T00:00:00Z")),
        ];
        let mine = changes_for(&marks, &notes, 0);
        assert_eq!(
            mine.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![3, 2]
        );
        assert_eq!(mine[1].changes.len(), 1, "only a: the other is not mine");
        assert_eq!(mine[1].changes[0].guid, guid("a"));
        let what: Vec<_> = mine[0].changes.iter().map(|c| &c.what[0]).collect();
        assert!(matches!(what[0], What::Reroomed { .. }));
        assert_eq!(what[1], &What::Cancelled);
        // Since release 2 was seen, only release 3 is news.
        let unseen = changes_for(&marks, &notes, 2);
        assert_eq!(unseen.len(), 1);
        assert_eq!(unseen[0].number, 3);
        assert!(changes_for(&marks, &notes, 3).is_empty());
    }

    #[test]
    fn a_change_made_before_the_bookmark_is_not_news() {
        let notes = vec![note(
            2,
            "2026-03-05T00:00:00Z",
            vec![moved("a", "2026-03-24T09:00:00Z", "2026-03-25T13:00:00Z")],
        )];
        let later = [(guid("a"), ms("2026-03-06T00:00:00Z"))];
        assert!(changes_for(&later, &notes, 0).is_empty());
        let earlier = [(guid("a"), ms("2026-03-04T23:59:59Z"))];
        assert_eq!(changes_for(&earlier, &notes, 0).len(), 1);
    }

    #[test]
    fn time_and_room_of_one_session_are_one_entry_described_in_the_venue_zone() {
        let notes = vec![note(
            2,
            "2026-03-05T00:00:00Z",
            vec![
                moved("a", "2026-03-24T09:00:00Z", "2026-03-25T13:00:00Z"),
                rooms_changed("a", "Hall 7", ""),
            ],
        )];
        let marks = [(guid("a"), 0)];
        let mine = changes_for(&marks, &notes, 0);
        assert_eq!(mine[0].changes.len(), 1);
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        assert_eq!(
            mine[0].changes[0].describe(&tz),
            "moved from Tue 24 Mar 10:00–10:30 to Wed 25 Mar 14:00–14:30; moved from Hall 7 to no room"
        );
        let la = TimeZone::get("America/Los_Angeles").unwrap();
        assert!(
            mine[0].changes[0]
                .describe(&la)
                .starts_with("moved from Tue 24 Mar 02:00–02:30")
        );
        assert_eq!(What::Cancelled.describe(&tz), "cancelled");
    }

    #[test]
    fn revisions_and_removals_follow_the_latest_release_that_touched_a_session() {
        let notes = vec![
            note(2, "2026-03-05T00:00:00Z", vec![removed("c")]),
            note(
                3,
                "2026-03-06T00:00:00Z",
                vec![
                    Change::Added {
                        guid: guid("c"),
                        title: "C".into(),
                    },
                    moved("a", "2026-03-24T09:00:00Z", "2026-03-25T13:00:00Z"),
                ],
            ),
            note(4, "2026-03-07T00:00:00Z", vec![removed("c")]),
        ];
        let rev = revisions(&notes);
        assert_eq!(rev[&guid("a")], 3);
        assert_eq!(rev[&guid("c")], 4);
        assert_eq!(removals(&notes)[&guid("c")], 4);
        assert!(!removals(&notes).contains_key(&guid("a")));
    }
}
