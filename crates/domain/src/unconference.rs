//! An unconference board: during the event, attendees propose topics and vote for them until
//! the cut-off; organizers merge duplicates and hide what does not belong; the topics are then
//! placed into a block of slots and rooms and become sessions of the schedule.

use crate::ids::{Guid, Slug};
use crate::model::{Schedule, Session, SessionType, Slot};
use jiff::{SignedDuration, Timestamp};

/// The longest topic title, in characters.
pub const MAX_TITLE: usize = 100;
/// The longest description, in characters: a few sentences, not an abstract.
pub const MAX_DESCRIPTION: usize = 500;
/// Most slots and rooms one board covers.
pub const MAX_SLOTS: usize = 24;
pub const MAX_ROOMS: usize = 40;
/// Shortest and longest slot, in minutes.
pub const MIN_MINUTES: u32 = 10;
pub const MAX_MINUTES: u32 = 240;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnconfError {
    #[error("title: a topic needs a title")]
    NoTitle,
    #[error("title: at most {MAX_TITLE} characters; this one has {0}")]
    TitleTooLong(usize),
    #[error("description: at most {MAX_DESCRIPTION} characters; this one has {0}")]
    DescriptionTooLong(usize),
    #[error("the board is closed")]
    Closed,
    #[error("the board's cut-off has passed: no more topics or votes")]
    PastCutOff,
    #[error("this topic is not open for votes (merged or hidden)")]
    NotOpen,
    #[error("this topic is not hidden")]
    NotHidden,
    #[error("a topic cannot be merged into itself")]
    SelfMerge,
}

/// Whether people may still propose and vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardState {
    Open,
    Closed,
}

impl BoardState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    /// Proposing and voting: on an open board before its cut-off.
    pub fn accepts(self, cutoff: Timestamp, now: Timestamp) -> Result<(), UnconfError> {
        match self {
            Self::Closed => Err(UnconfError::Closed),
            Self::Open if now >= cutoff => Err(UnconfError::PastCutOff),
            Self::Open => Ok(()),
        }
    }
}

/// Where a topic stands on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicState {
    Open,
    /// Hidden by an organizer: not shown to attendees, never planned.
    Hidden,
    /// Folded into another topic, its votes with it.
    Merged,
}

impl TopicState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Hidden => "hidden",
            Self::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "hidden" => Some(Self::Hidden),
            "merged" => Some(Self::Merged),
            _ => None,
        }
    }
}

/// A topic's title and description, trimmed and within their limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicText {
    pub title: String,
    pub description: String,
}

impl TopicText {
    pub fn new(title: &str, description: &str) -> Result<Self, UnconfError> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let description = description.trim().to_owned();
        if title.is_empty() {
            return Err(UnconfError::NoTitle);
        }
        let n = title.chars().count();
        if n > MAX_TITLE {
            return Err(UnconfError::TitleTooLong(n));
        }
        let n = description.chars().count();
        if n > MAX_DESCRIPTION {
            return Err(UnconfError::DescriptionTooLong(n));
        }
        Ok(Self { title, description })
    }
}

/// The block a board is planned into: slots of one length starting at `starts`, and rooms of
/// the edition with the capacity to plan with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub event: Slug,
    pub starts: Vec<Timestamp>,
    pub minutes: u32,
    pub rooms: Vec<(Slug, u32)>,
}

impl Layout {
    /// The layout with its slots in time order, or what is wrong with it (`field: reason`).
    pub fn checked(mut self) -> Result<Self, String> {
        if self.starts.is_empty() {
            return Err("slots: give at least one start time".into());
        }
        if self.starts.len() > MAX_SLOTS {
            return Err(format!("slots: at most {MAX_SLOTS}"));
        }
        if !(MIN_MINUTES..=MAX_MINUTES).contains(&self.minutes) {
            return Err(format!(
                "length: between {MIN_MINUTES} and {MAX_MINUTES} minutes, not {}",
                self.minutes
            ));
        }
        self.starts.sort();
        for pair in self.starts.windows(2) {
            if pair[1] < pair[0] + self.length() {
                return Err(format!(
                    "slots: the slot starting at {} overlaps the one before it",
                    pair[1]
                ));
            }
        }
        if self.rooms.is_empty() {
            return Err("rooms: choose at least one room".into());
        }
        if self.rooms.len() > MAX_ROOMS {
            return Err(format!("rooms: at most {MAX_ROOMS}"));
        }
        for (i, (room, cap)) in self.rooms.iter().enumerate() {
            if *cap == 0 {
                return Err(format!("rooms: {room} needs a capacity of at least 1"));
            }
            if self.rooms[..i].iter().any(|(r, _)| r == room) {
                return Err(format!("rooms: {room} is listed twice"));
            }
        }
        Ok(self)
    }

    pub fn length(&self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.minutes))
    }

    pub fn capacities(&self) -> Vec<u32> {
        self.rooms.iter().map(|r| r.1).collect()
    }
}

/// The session a topic becomes: its GUID stays the same however often the board is planned,
/// so a new plan moves it instead of replacing it.
pub fn topic_guid(edition: &Slug, topic: i64) -> Guid {
    Guid::derive(edition, &format!("unconference-topic-{topic}"), 0)
}

/// A topic placed by the plan: `slot` and `room` index the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub topic: i64,
    pub title: String,
    pub description: String,
    pub slot: usize,
    pub room: usize,
}

/// Puts the plan into `schedule`: each placed topic's session made or moved to its cell, and
/// the sessions of the board's other topics (`board_topics`: every topic the board ever had)
/// taken out. Other sessions are left as they are, so a release lists only what the plan
/// changed.
pub fn apply_plan(schedule: &mut Schedule, layout: &Layout, board_topics: &[i64], plan: &[Placed]) {
    let edition = schedule.edition.slug.clone();
    let ours: Vec<Guid> = board_topics
        .iter()
        .map(|&t| topic_guid(&edition, t))
        .collect();
    let kept: Vec<Guid> = plan.iter().map(|p| topic_guid(&edition, p.topic)).collect();
    schedule
        .sessions
        .retain(|s| !ours.contains(&s.guid) || kept.contains(&s.guid));
    for p in plan {
        let guid = topic_guid(&edition, p.topic);
        let start = layout.starts[p.slot];
        let slot = Slot {
            room: Some(layout.rooms[p.room].0.clone()),
            start,
            end: start + layout.length(),
        };
        match schedule.sessions.iter_mut().find(|s| s.guid == guid) {
            Some(s) => {
                s.title.clone_from(&p.title);
                s.abstract_text.clone_from(&p.description);
                s.event = layout.event.clone();
                s.duration_minutes = layout.minutes;
                s.slots = vec![slot];
            }
            None => schedule.sessions.push(Session {
                guid,
                source_uid: None,
                event: layout.event.clone(),
                title: p.title.clone(),
                subtitle: String::new(),
                abstract_text: p.description.clone(),
                description: String::new(),
                language: None,
                do_not_record: false,
                session_type: SessionType::Unconference,
                track: None,
                speakers: Vec::new(),
                duration_minutes: layout.minutes,
                url: None,
                slots: vec![slot],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_text_is_trimmed_and_limited() {
        let t = TopicText::new("  eBPF   in  prod ", " notes ").unwrap();
        assert_eq!(
            (t.title.as_str(), t.description.as_str()),
            ("eBPF in prod", "notes")
        );
        assert_eq!(TopicText::new(" ", ""), Err(UnconfError::NoTitle));
        assert_eq!(
            TopicText::new(&"é".repeat(101), ""),
            Err(UnconfError::TitleTooLong(101))
        );
        assert_eq!(
            TopicText::new("x", &"d".repeat(501)),
            Err(UnconfError::DescriptionTooLong(501))
        );
    }

    #[test]
    fn a_board_accepts_until_closed_or_past_its_cut_off() {
        let cutoff = Timestamp::from_second(1000).unwrap();
        let before = Timestamp::from_second(999).unwrap();
        assert_eq!(BoardState::Open.accepts(cutoff, before), Ok(()));
        assert_eq!(
            BoardState::Open.accepts(cutoff, cutoff),
            Err(UnconfError::PastCutOff)
        );
        assert_eq!(
            BoardState::Closed.accepts(cutoff, before),
            Err(UnconfError::Closed)
        );
    }

    #[test]
    fn layouts_refuse_overlaps_duplicates_and_empty_parts() {
        let at = |m: i64| Timestamp::from_second(m * 60).unwrap();
        let slug = |s: &str| Slug::parse(s).unwrap();
        let layout = |starts: Vec<Timestamp>, rooms: Vec<(Slug, u32)>| Layout {
            event: slug("main"),
            starts,
            minutes: 30,
            rooms,
        };
        let ok = layout(vec![at(60), at(0)], vec![(slug("a"), 10)])
            .checked()
            .unwrap();
        assert_eq!(ok.starts, vec![at(0), at(60)], "slots in time order");
        let overlap = layout(vec![at(0), at(20)], vec![(slug("a"), 10)]).checked();
        assert!(overlap.unwrap_err().starts_with("slots:"));
        let twice = layout(vec![at(0)], vec![(slug("a"), 1), (slug("a"), 2)]).checked();
        assert!(twice.unwrap_err().contains("twice"));
        assert!(layout(vec![], vec![(slug("a"), 1)]).checked().is_err());
        assert!(layout(vec![at(0)], vec![]).checked().is_err());
        assert!(layout(vec![at(0)], vec![(slug("a"), 0)]).checked().is_err());
    }
}
