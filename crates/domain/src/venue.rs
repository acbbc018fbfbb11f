//! The venue during the event: how full a session's room is, what door staff may change, what
//! the organizers' figures are, and the short messages attendees send presenters. Pure rules:
//! the store applies a change atomically, the app decides who may make it.

use std::fmt;

/// What door staff said of a room beyond the count: nothing, "filling" or "full".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    None,
    Filling,
    Full,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Filling => "filling",
            Self::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Result<Self, VenueError> {
        match s {
            "none" => Ok(Self::None),
            "filling" => Ok(Self::Filling),
            "full" => Ok(Self::Full),
            other => Err(VenueError::Mark(other.to_owned())),
        }
    }
}

/// How full a session looks to attendees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Open,
    Filling,
    Full,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Filling => "filling",
            Self::Full => "full",
        }
    }
}

/// A room counts as filling from this share of its capacity on.
const FILLING_PERCENT: u64 = 80;

/// The level from the count, the room's capacity (when known) and the door staff's mark: the
/// mark can only raise it (a room marked full is full whatever the count says, and a count at
/// capacity is full even when nobody marked it).
pub fn level(people: u32, capacity: Option<u32>, mark: Mark) -> Level {
    let by_count = match capacity {
        Some(c) if c > 0 && u64::from(people) >= u64::from(c) => Level::Full,
        Some(c) if c > 0 && u64::from(people) * 100 >= u64::from(c) * FILLING_PERCENT => {
            Level::Filling
        }
        _ => Level::Open,
    };
    let by_mark = match mark {
        Mark::None => Level::Open,
        Mark::Filling => Level::Filling,
        Mark::Full => Level::Full,
    };
    by_count.max(by_mark)
}

/// The most one press may change a count by: the buttons are -1, +1 and +5; a correction of a
/// group arriving at once stays possible, a typo of 5000 does not.
pub const MAX_STEP: i32 = 50;

/// A step door staff may count: not zero, at most `MAX_STEP` either way.
pub fn check_step(step: i32) -> Result<i32, VenueError> {
    if step == 0 || step.abs() > MAX_STEP {
        Err(VenueError::Step(step))
    } else {
        Ok(step)
    }
}

/// One entry of a session's history: the count and mark after a change, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Unix seconds.
    pub at: i64,
    pub people: u32,
    pub mark: Mark,
}

/// What the organizers' figures show of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    pub peak: u32,
    /// The count as it stood when the session started (0 before any reading).
    pub at_start: u32,
    /// The count ten minutes in: who came late is in it, who left early not yet.
    pub at_ten: u32,
    /// Whether door staff ever marked it full.
    pub marked_full: bool,
}

/// Figures from a session's history (in time order) and its start (Unix seconds).
pub fn figures(history: &[Reading], start: i64) -> Figures {
    let as_of = |t: i64| {
        history
            .iter()
            .take_while(|r| r.at <= t)
            .last()
            .map_or(0, |r| r.people)
    };
    Figures {
        peak: history.iter().map(|r| r.people).max().unwrap_or(0),
        at_start: as_of(start),
        at_ten: as_of(start + 600),
        marked_full: history.iter().any(|r| r.mark == Mark::Full),
    }
}

/// The longest contact request or answer, in characters: a note, not a letter.
pub const MAX_MESSAGE: usize = 1000;

/// A contact request's or an answer's text, trimmed; empty or too long is refused.
pub fn message(text: &str) -> Result<String, VenueError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(VenueError::EmptyMessage);
    }
    let n = text.chars().count();
    if n > MAX_MESSAGE {
        return Err(VenueError::LongMessage(n));
    }
    if text.contains('\0') {
        return Err(VenueError::Nul);
    }
    Ok(text.to_owned())
}

/// Whether a contact request was answered, ignored or still waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactState {
    New,
    Answered,
    Ignored,
}

impl ContactState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Answered => "answered",
            Self::Ignored => "ignored",
        }
    }

    pub fn parse(s: &str) -> Result<Self, VenueError> {
        match s {
            "new" => Ok(Self::New),
            "answered" => Ok(Self::Answered),
            "ignored" => Ok(Self::Ignored),
            other => Err(VenueError::State(other.to_owned())),
        }
    }
}

/// How many of an action a subject may do in a window, e.g. 5 contact requests per account
/// per 10 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub most: u32,
    pub window_seconds: i64,
}

impl Rate {
    /// Whether one more is allowed given the times (Unix seconds) of those in the window,
    /// oldest first; when not, the seconds until the oldest leaves the window.
    pub fn allows(&self, recent: &[i64], now: i64) -> Result<(), u64> {
        let since = now - self.window_seconds;
        let inside: Vec<i64> = recent.iter().copied().filter(|&t| t > since).collect();
        if inside.len() < self.most as usize {
            return Ok(());
        }
        let oldest = inside.iter().copied().min().unwrap_or(now);
        Err(u64::try_from(oldest + self.window_seconds - now)
            .unwrap_or(0)
            .max(1))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VenueError {
    Mark(String),
    Step(i32),
    EmptyMessage,
    LongMessage(usize),
    Nul,
    State(String),
}

impl fmt::Display for VenueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mark(m) => write!(f, "{m:?} is not a mark: use none, filling or full"),
            Self::Step(s) => write!(
                f,
                "a count changes by 1 to {MAX_STEP} people either way, not {s}"
            ),
            Self::EmptyMessage => f.write_str("the message is empty"),
            Self::LongMessage(n) => write!(
                f,
                "the message has {n} characters; at most {MAX_MESSAGE} are allowed"
            ),
            Self::Nul => f.write_str("the message holds a NUL character"),
            Self::State(s) => write!(f, "stored contact state {s:?}"),
        }
    }
}

impl std::error::Error for VenueError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_only_raises_the_level() {
        assert_eq!(level(10, Some(100), Mark::None), Level::Open);
        assert_eq!(level(80, Some(100), Mark::None), Level::Filling);
        assert_eq!(level(100, Some(100), Mark::None), Level::Full);
        assert_eq!(level(140, Some(100), Mark::Filling), Level::Full);
        assert_eq!(level(0, Some(100), Mark::Full), Level::Full);
        assert_eq!(level(5, None, Mark::Filling), Level::Filling);
        assert_eq!(
            level(500, None, Mark::None),
            Level::Open,
            "no capacity, no guess"
        );
    }

    #[test]
    fn steps_are_bounded_and_never_zero() {
        assert_eq!(check_step(5), Ok(5));
        assert_eq!(check_step(-1), Ok(-1));
        assert!(check_step(0).is_err());
        assert!(check_step(51).is_err());
    }

    #[test]
    fn figures_read_the_history_at_start_and_ten_minutes_in() {
        let r = |at, people, mark| Reading { at, people, mark };
        let h = [
            r(900, 20, Mark::None),
            r(1000, 60, Mark::None),
            r(1500, 95, Mark::Full),
            r(2000, 70, Mark::None),
        ];
        let f = figures(&h, 1000);
        assert_eq!((f.peak, f.at_start, f.at_ten), (95, 60, 95));
        assert!(f.marked_full);
        assert_eq!(figures(&[], 0), Figures::default());
    }

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(message("  hi <b>there</b> ").unwrap(), "hi <b>there</b>");
        assert_eq!(message("   "), Err(VenueError::EmptyMessage));
        assert_eq!(
            message(&"é".repeat(1001)),
            Err(VenueError::LongMessage(1001))
        );
        assert!(message(&"é".repeat(1000)).is_ok());
    }

    #[test]
    fn a_rate_says_when_to_come_back() {
        let rate = Rate {
            most: 2,
            window_seconds: 60,
        };
        assert_eq!(rate.allows(&[100], 110), Ok(()));
        assert_eq!(rate.allows(&[100, 105], 110), Err(50));
        assert_eq!(rate.allows(&[30, 105], 110), Ok(()), "30 left the window");
    }
}
