//! Questions to a session's speakers, Slido's way: attendees ask (anonymous to other attendees
//! if they like, never to moderators), upvote once, retract; moderators approve (editing first
//! if needed), dismiss without telling the asker, pin, highlight the one being answered, mark it
//! answered, and pause incoming questions.

use jiff::Timestamp;
use std::collections::BTreeSet;

/// The longest question, in characters: a question, not a talk.
pub const MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Waiting for a moderator (with pre-moderation on).
    Pending,
    /// Shown to everyone.
    Approved,
    /// Hidden; the asker still sees it as theirs and is not told.
    Dismissed,
    Answered,
    /// Taken back by the asker.
    Retracted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question<A> {
    pub asker: A,
    pub anonymous: bool,
    pub text: String,
    pub asked: Timestamp,
    pub state: State,
    pub pinned: bool,
    /// The one being answered now; at most one per session.
    pub highlighted: bool,
    pub voters: BTreeSet<A>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QaError {
    #[error("a question cannot be empty")]
    Empty,
    #[error("a question has at most {MAX_CHARS} characters; this one has {0}")]
    TooLong(usize),
    #[error("questions are paused for this session")]
    Paused,
    #[error("only the person who asked can take a question back")]
    NotYours,
    #[error("you cannot vote for your own question")]
    OwnQuestion,
    #[error("this question is not open for votes")]
    NotOpen,
}

/// What a moderator does to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moderation {
    Approve { edited: Option<String> },
    Dismiss,
    Pin(bool),
    Highlight,
    Answered,
}

/// How a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Votes,
    Time,
}

/// Checks a question's text: trimmed, not empty, not too long.
pub fn text(raw: &str) -> Result<String, QaError> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(QaError::Empty);
    }
    if n > MAX_CHARS {
        return Err(QaError::TooLong(n));
    }
    Ok(t.to_owned())
}

impl<A: Ord + Copy> Question<A> {
    /// A new question; pending when the session pre-moderates, else shown at once.
    pub fn ask(
        asker: A,
        raw: &str,
        anonymous: bool,
        asked: Timestamp,
        premoderated: bool,
        paused: bool,
    ) -> Result<Self, QaError> {
        if paused {
            return Err(QaError::Paused);
        }
        Ok(Self {
            asker,
            anonymous,
            text: text(raw)?,
            asked,
            state: if premoderated {
                State::Pending
            } else {
                State::Approved
            },
            pinned: false,
            highlighted: false,
            voters: BTreeSet::new(),
        })
    }

    /// Adds or takes back `who`'s vote; a vote counts once however often it is sent.
    pub fn vote(&mut self, who: A, up: bool) -> Result<(), QaError> {
        if who == self.asker {
            return Err(QaError::OwnQuestion);
        }
        if !matches!(self.state, State::Approved) {
            return Err(QaError::NotOpen);
        }
        if up {
            self.voters.insert(who);
        } else {
            self.voters.remove(&who);
        }
        Ok(())
    }

    pub fn retract(&mut self, who: A) -> Result<(), QaError> {
        if who != self.asker {
            return Err(QaError::NotYours);
        }
        self.state = State::Retracted;
        self.pinned = false;
        self.highlighted = false;
        Ok(())
    }

    /// Applies a moderator's action to this question; `highlight` un-highlights the others of
    /// its session.
    pub fn moderate(&mut self, action: &Moderation) -> Result<(), QaError> {
        match action {
            Moderation::Approve { edited } => {
                if let Some(raw) = edited {
                    self.text = text(raw)?;
                }
                self.state = State::Approved;
            }
            Moderation::Dismiss => {
                self.state = State::Dismissed;
                self.pinned = false;
                self.highlighted = false;
            }
            Moderation::Pin(on) => self.pinned = *on,
            Moderation::Highlight => {
                self.state = State::Approved;
                self.highlighted = true;
            }
            Moderation::Answered => {
                self.state = State::Answered;
                self.highlighted = false;
            }
        }
        Ok(())
    }

    /// Whether `viewer` sees it: everyone sees approved and answered ones; the asker also sees
    /// their own pending or dismissed ones (dismissed shows as pending to them); moderators see
    /// all but retracted ones.
    pub fn visible_to(&self, viewer: Option<A>, moderator: bool) -> bool {
        match self.state {
            State::Approved | State::Answered => true,
            State::Retracted => false,
            State::Pending | State::Dismissed => moderator || viewer == Some(self.asker),
        }
    }

    /// The asker's name as `viewer` may see it: moderators always see who asked.
    pub fn shows_asker(&self, moderator: bool) -> bool {
        moderator || !self.anonymous
    }
}

/// Highlights question `i` of a session's list and no other.
pub fn highlight<A: Ord + Copy>(list: &mut [Question<A>], i: usize) -> Result<(), QaError> {
    for q in list.iter_mut() {
        q.highlighted = false;
    }
    list[i].moderate(&Moderation::Highlight)
}

/// Indexes of `list` in display order: the highlighted one, then pinned ones, then the rest by
/// votes (ties: the earlier question first) or by time (newest first).
pub fn sorted<A>(list: &[Question<A>], order: Order) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..list.len()).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&list[a], &list[b]);
        y.highlighted
            .cmp(&x.highlighted)
            .then(y.pinned.cmp(&x.pinned))
            .then(match order {
                Order::Votes => y
                    .voters
                    .len()
                    .cmp(&x.voters.len())
                    .then(x.asked.cmp(&y.asked)),
                Order::Time => y.asked.cmp(&x.asked),
            })
            .then(a.cmp(&b))
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64) -> Timestamp {
        Timestamp::from_second(1_774_000_000 + min * 60).unwrap()
    }

    fn q(asker: u32, min: i64) -> Question<u32> {
        Question::ask(asker, "How does it scale?", false, at(min), false, false).unwrap()
    }

    #[test]
    fn questions_are_checked_and_paused_sessions_take_none() {
        assert_eq!(
            Question::ask(1, "   ", false, at(0), false, false),
            Err(QaError::Empty)
        );
        let long = "x".repeat(MAX_CHARS + 1);
        assert_eq!(
            Question::ask(1, &long, false, at(0), false, false),
            Err(QaError::TooLong(MAX_CHARS + 1))
        );
        assert_eq!(
            Question::ask(1, "Why?", false, at(0), false, true),
            Err(QaError::Paused)
        );
        let pending = Question::ask(1, " Why? ", false, at(0), true, false).unwrap();
        assert_eq!(
            (pending.text.as_str(), pending.state),
            ("Why?", State::Pending)
        );
    }

    #[test]
    fn a_vote_counts_once_and_never_for_ones_own_question() {
        let mut a = q(1, 0);
        a.vote(2, true).unwrap();
        a.vote(2, true).unwrap();
        a.vote(3, true).unwrap();
        assert_eq!(a.voters.len(), 2);
        a.vote(3, false).unwrap();
        assert_eq!(a.voters.len(), 1);
        assert_eq!(a.vote(1, true), Err(QaError::OwnQuestion));
        a.moderate(&Moderation::Dismiss).unwrap();
        assert_eq!(a.vote(4, true), Err(QaError::NotOpen));
    }

    #[test]
    fn a_dismissed_question_stays_visible_to_its_asker_only() {
        let mut a = q(1, 0);
        a.moderate(&Moderation::Dismiss).unwrap();
        assert!(a.visible_to(Some(1), false));
        assert!(!a.visible_to(Some(2), false));
        assert!(!a.visible_to(None, false));
        assert!(a.visible_to(Some(9), true));
        assert_eq!(a.retract(2), Err(QaError::NotYours));
        a.retract(1).unwrap();
        assert!(!a.visible_to(Some(1), false));
    }

    #[test]
    fn anonymous_to_attendees_never_to_moderators() {
        let a = Question::ask(1, "Why?", true, at(0), false, false).unwrap();
        assert!(!a.shows_asker(false));
        assert!(a.shows_asker(true));
    }

    #[test]
    fn the_highlighted_then_pinned_then_most_voted_come_first() {
        let mut list = vec![q(1, 0), q(2, 1), q(3, 2), q(4, 3)];
        list[2].vote(9, true).unwrap();
        list[2].vote(8, true).unwrap();
        list[1].vote(9, true).unwrap();
        assert_eq!(sorted(&list, Order::Votes), [2, 1, 0, 3]);
        assert_eq!(sorted(&list, Order::Time), [3, 2, 1, 0]);
        list[3].moderate(&Moderation::Pin(true)).unwrap();
        highlight(&mut list, 0).unwrap();
        highlight(&mut list, 1).unwrap();
        assert_eq!(sorted(&list, Order::Votes), [1, 3, 2, 0]);
        assert_eq!(list.iter().filter(|q| q.highlighted).count(), 1);
    }
}
