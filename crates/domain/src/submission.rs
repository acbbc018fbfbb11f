//! A proposal's life from draft to confirmed talk: its states, and who may move it where.
//! Every change goes through `Status::apply`, so a rule lives in one place and a refused change
//! says why.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Accepted,
    /// A backup talk: accepted if an accepted one drops out.
    Waitlisted,
    Rejected,
    /// The speakers confirmed they will give the accepted talk.
    Confirmed,
    /// The speakers took it back.
    Withdrawn,
    /// The organizers called off an accepted or confirmed talk.
    Canceled,
}

/// Who asks for a change. Co-chairs decide for their tracks; organizers may do what co-chairs
/// do, for every track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Speaker,
    CoChair,
    Organizer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Withdraw,
    Accept,
    Waitlist,
    Reject,
    Confirm,
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {status} proposal cannot be {action}")]
    NotFrom { status: Status, action: Action },
    #[error("only {allowed} can {} a proposal", action.verb())]
    NotYours {
        action: Action,
        allowed: &'static str,
    },
}

impl Status {
    /// The state after `action` by `actor`, or why it is refused.
    pub fn apply(self, action: Action, actor: Actor) -> Result<Status, TransitionError> {
        use {Action::*, Status::*};
        let allowed = match action {
            Submit | Withdraw | Confirm => "its speakers",
            Accept | Waitlist | Reject => "a co-chair or an organizer",
            Cancel => "an organizer",
        };
        let permitted = match action {
            Submit | Withdraw | Confirm => actor == Actor::Speaker,
            Accept | Waitlist | Reject => actor != Actor::Speaker,
            Cancel => actor == Actor::Organizer,
        };
        if !permitted {
            return Err(TransitionError::NotYours { action, allowed });
        }
        let next = match (self, action) {
            (Draft, Submit) => Submitted,
            (Draft | Submitted | Waitlisted | Accepted | Confirmed, Withdraw) => Withdrawn,
            // A decision stands until the speakers confirm; before that it may be revised.
            (Submitted | Waitlisted | Rejected, Accept) => Accepted,
            (Submitted | Accepted | Rejected, Waitlist) => Waitlisted,
            (Submitted | Accepted | Waitlisted, Reject) => Rejected,
            (Accepted, Confirm) => Confirmed,
            (Accepted | Confirmed, Cancel) => Canceled,
            (status, action) => return Err(TransitionError::NotFrom { status, action }),
        };
        Ok(next)
    }

    /// Whether the speakers may still change the text (until the CFP's deadline, checked apart).
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Submitted)
    }

    /// Whether reviewers see it: submitted and not yet out of the running.
    pub fn in_review(self) -> bool {
        matches!(self, Status::Submitted)
    }

    /// Whether it becomes a session of the schedule.
    pub fn scheduled(self) -> bool {
        matches!(self, Status::Confirmed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Waitlisted => "waitlisted",
            Status::Rejected => "rejected",
            Status::Confirmed => "confirmed",
            Status::Withdrawn => "withdrawn",
            Status::Canceled => "canceled",
        }
    }

    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::Accepted,
        Status::Waitlisted,
        Status::Rejected,
        Status::Confirmed,
        Status::Withdrawn,
        Status::Canceled,
    ];
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a proposal state"))
    }
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::Accept => "accept",
            Action::Waitlist => "waitlist",
            Action::Reject => "reject",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Submit => "submitted",
            Action::Withdraw => "withdrawn",
            Action::Accept => "accepted",
            Action::Waitlist => "waitlisted",
            Action::Reject => "rejected",
            Action::Confirm => "confirmed",
            Action::Cancel => "canceled",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Action::*, Actor::*, Status::*, *};

    #[test]
    fn a_talk_goes_from_draft_to_confirmed() {
        let s = Draft.apply(Submit, Speaker).unwrap();
        let s = s.apply(Accept, CoChair).unwrap();
        assert_eq!(s.apply(Confirm, Speaker), Ok(Confirmed));
    }

    #[test]
    fn decisions_are_for_co_chairs_and_confirmation_for_speakers() {
        assert_eq!(
            Submitted.apply(Accept, Speaker).unwrap_err().to_string(),
            "only a co-chair or an organizer can accept a proposal"
        );
        assert_eq!(
            Draft.apply(Withdraw, Speaker),
            Ok(Withdrawn),
            "a draft can be dropped"
        );
        assert!(Accepted.apply(Confirm, CoChair).is_err());
        assert!(Accepted.apply(Cancel, CoChair).is_err());
        assert_eq!(Accepted.apply(Cancel, Organizer), Ok(Canceled));
    }

    #[test]
    fn a_withdrawn_or_confirmed_talk_takes_no_new_decision() {
        for action in [Accept, Reject, Waitlist, Submit] {
            let actor = if action == Submit { Speaker } else { CoChair };
            assert_eq!(
                Withdrawn.apply(action, actor),
                Err(TransitionError::NotFrom {
                    status: Withdrawn,
                    action
                })
            );
        }
        assert!(Confirmed.apply(Reject, CoChair).is_err());
        assert!(Rejected.apply(Confirm, Speaker).is_err());
    }

    #[test]
    fn only_drafts_and_submitted_proposals_can_be_edited() {
        let editable: Vec<Status> = Status::ALL.into_iter().filter(|s| s.editable()).collect();
        assert_eq!(editable, [Draft, Submitted]);
    }

    #[test]
    fn states_read_back_from_their_names() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("pending".parse::<Status>().is_err());
    }
}
