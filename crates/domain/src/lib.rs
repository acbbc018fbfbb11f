//! Hallway's conference model: pure types and rules, no I/O.

pub mod account;
pub mod agenda;
pub mod bounds;
pub mod cfp;
pub mod changes;
pub mod collate;
pub mod crowd;
pub mod ids;
pub mod model;
pub mod my_changes;
pub mod plan;
pub mod proposal;
pub mod qa;
pub mod recording;
pub mod review;
pub mod rng;
pub mod search;
pub mod seats;
pub mod similar;
pub mod submission;
pub mod transparency;
pub mod unconference;
pub mod venue;
pub mod wrapup;

pub use account::{Access, AccountError, Email, Password, Role, Tracks, UserId};
pub use bounds::OutOfBounds;
pub use changes::{Change, ChangeCounts, ChangeSet};
pub use ids::{Guid, Slug, SlugError, Slugs};
pub use model::{
    Edition, Event, EventKind, Release, ReleaseNote, Room, Schedule, Session, SessionType, Slot,
    Speaker, Track, WorkInProgress,
};
pub use proposal::{Figures, Proposal, ProposedSlot};
