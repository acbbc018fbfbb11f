//! A timetable the optimizer proposed for an edition: where each session would go, and how
//! good that is next to the best any timetable could be.

use crate::ids::{Guid, Slug};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How a timetable scores, penalty by penalty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Rules broken: sessions unplaced or misplaced, rooms or speakers double-booked.
    pub hard: i64,
    /// Bookmarked sessions attendees cannot attend.
    pub conflicts: i64,
    /// Pairs of an attendee's bookmarks at the same time.
    pub conflict_pairs: i64,
    /// People over room capacity.
    pub overflow: i64,
    /// Room changes within a track's day and parallel sessions of small tracks.
    pub coherence: i64,
    /// Sessions outside their speakers' preferred times.
    pub preference: i64,
    /// Sessions moved from the schedule the solve started from.
    pub changes: i64,
    /// The weighted sum the optimizer minimized.
    pub cost: i64,
}

/// A session's place in a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedSlot {
    pub guid: Guid,
    pub room: Slug,
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub number: u32,
    pub created_at: Timestamp,
    pub seed: u64,
    /// How long the solve ran.
    pub seconds: f64,
    /// Whether it stayed close to the work in progress (a re-optimization) or started afresh.
    pub keep_close: bool,
    pub placements: Vec<ProposedSlot>,
    pub figures: Figures,
    /// What no timetable can do better than, penalty by penalty.
    pub bound: Figures,
    /// When it was written into the work in progress, if it was.
    pub applied_at: Option<Timestamp>,
    /// The version of the work in progress it was solved on (none for proposals stored before
    /// versions): it applies over that version only, unless forced.
    #[serde(default)]
    pub solved_on: Option<u64>,
}
