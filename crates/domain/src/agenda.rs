//! What an attendee marks on a session (interested, a priority among overlapping picks,
//! attended, watch later, a private note), and how changes made on several devices, some of
//! them offline, come together: each change names one field and when it was made; the latest
//! change of a field wins, whatever order changes arrive in, and a note that loses is kept
//! aside, never dropped.

use serde::{Deserialize, Serialize};

/// The longest a note may be, in bytes.
pub const MAX_NOTE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    None,
    /// The one to go to among overlapping picks.
    First,
    Backup,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "",
            Self::First => "first",
            Self::Backup => "backup",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "" | "none" => Ok(Self::None),
            "first" => Ok(Self::First),
            "backup" => Ok(Self::Backup),
            other => Err(format!(
                "{other:?} is not a priority: use first, backup or none"
            )),
        }
    }
}

/// A field's value and when (milliseconds since the epoch, as the device saw it) it was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Stamped<T> {
    pub value: T,
    pub at: i64,
}

/// An attendee's marks on one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Marks {
    pub interested: Stamped<bool>,
    pub priority: Stamped<Priority>,
    pub attended: Stamped<bool>,
    pub watch_later: Stamped<bool>,
    pub note: Stamped<String>,
}

/// One change to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "field", content = "value")]
pub enum Set {
    Interested(bool),
    Priority(Priority),
    Attended(bool),
    WatchLater(bool),
    Note(String),
}

/// What applying a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The field now holds the change.
    Taken,
    /// A later change of the field was there first; the field keeps it.
    Older,
}

impl Marks {
    /// Applies `set` made at `at`. A change older than the field's keeps the field; a note that
    /// loses, either way, comes back so it can be kept aside.
    pub fn apply(&mut self, set: &Set, at: i64) -> (Applied, Option<String>) {
        fn lww<T: Clone>(field: &mut Stamped<T>, value: &T, at: i64) -> Applied {
            // Ties go to the change arriving last, so a device repeating itself is not refused.
            if at >= field.at {
                *field = Stamped {
                    value: value.clone(),
                    at,
                };
                Applied::Taken
            } else {
                Applied::Older
            }
        }
        match set {
            Set::Interested(v) => (lww(&mut self.interested, v, at), None),
            Set::Priority(v) => (lww(&mut self.priority, v, at), None),
            Set::Attended(v) => (lww(&mut self.attended, v, at), None),
            Set::WatchLater(v) => (lww(&mut self.watch_later, v, at), None),
            Set::Note(v) => {
                let before = self.note.value.clone();
                match lww(&mut self.note, v, at) {
                    Applied::Taken => {
                        let lost = (!before.is_empty() && &before != v).then_some(before);
                        (Applied::Taken, lost)
                    }
                    Applied::Older => {
                        let lost = (!v.is_empty() && v != &self.note.value).then(|| v.clone());
                        (Applied::Older, lost)
                    }
                }
            }
        }
    }

    /// Nothing marked: the row need not be kept.
    pub fn is_empty(&self) -> bool {
        !self.interested.value
            && self.priority.value == Priority::None
            && !self.attended.value
            && !self.watch_later.value
            && self.note.value.is_empty()
    }
}

/// A note over the limit, refused with its size.
pub fn check_note(note: &str) -> Result<(), String> {
    if note.len() > MAX_NOTE {
        Err(format!(
            "the note is {} bytes; notes hold at most {} KB",
            note.len(),
            MAX_NOTE / 1024
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_change_of_a_field_wins_in_any_order() {
        let changes = [
            (Set::Interested(true), 10),
            (Set::Attended(true), 30),
            (Set::Interested(false), 20),
            (Set::Priority(Priority::First), 5),
        ];
        let mut forward = Marks::default();
        for (s, at) in &changes {
            forward.apply(s, *at);
        }
        let mut backward = Marks::default();
        for (s, at) in changes.iter().rev() {
            backward.apply(s, *at);
        }
        assert_eq!(forward, backward);
        assert!(!forward.interested.value && forward.attended.value);
        assert_eq!(forward.priority.value, Priority::First);
    }

    #[test]
    fn a_losing_note_comes_back_to_be_kept() {
        let mut m = Marks::default();
        assert_eq!(
            m.apply(&Set::Note("phone".into()), 20),
            (Applied::Taken, None)
        );
        // Written offline earlier, arriving later: the newer note stays, the older is returned.
        assert_eq!(
            m.apply(&Set::Note("laptop".into()), 10),
            (Applied::Older, Some("laptop".into()))
        );
        assert_eq!(m.note.value, "phone");
        // A newer note replaces it, and the replaced one is returned too.
        assert_eq!(
            m.apply(&Set::Note("final".into()), 30),
            (Applied::Taken, Some("phone".into()))
        );
        // The same note again loses nothing.
        assert_eq!(
            m.apply(&Set::Note("final".into()), 30),
            (Applied::Taken, None)
        );
    }

    #[test]
    fn notes_are_limited() {
        assert!(check_note(&"x".repeat(MAX_NOTE)).is_ok());
        assert!(
            check_note(&"x".repeat(MAX_NOTE + 1))
                .unwrap_err()
                .contains("64 KB")
        );
    }
}
