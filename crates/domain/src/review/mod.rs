//! Reviewing proposals, HotCRP's way: reviewers bid, conflicts of interest keep them from what
//! they must not judge, scores are weighted per event and normalised per reviewer, and near
//! duplicates are flagged to the co-chairs.

pub mod conflicts;
pub mod duplicates;
pub mod scores;

use serde::{Deserialize, Serialize};

/// How much a reviewer wants to review a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bid {
    Eager,
    Willing,
    NotWilling,
    /// A conflict the reviewer declares by bidding: never assigned.
    Conflict,
}
