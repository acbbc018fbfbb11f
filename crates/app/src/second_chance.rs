//! A second chance for rejected talks. An event names partner events (the main conference its
//! b-side); a rejected proposal's speakers may agree to forward it to one; once every speaker
//! has, the partner's organizers find it in their inbox and import it into their own CFP with
//! its text and speakers, never its reviews or answers.

use crate::{App, AppError, OrgaCtx, Result, Viewer, parse_slug};
use hallway_domain::cfp::{Profile, ProposalText, Submission};
use hallway_domain::submission::Status;
use hallway_domain::{Slug, UserId};
use hallway_store::{CfpStore, EventRef, NewSubmission, SecondChanceStore, SubmissionStore};

/// A partner a rejected proposal may go to, as its speakers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardOffer {
    pub partner: EventRef,
    /// The viewer agreed.
    pub agreed: bool,
    /// Every speaker agreed: the partner's organizers see it.
    pub forwarded: bool,
}

/// A proposal in a partner's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardedProposal {
    pub proposal: Submission,
    pub from: EventRef,
    /// Speakers as their profiles present them (a speaker without a profile is left out).
    pub speakers: Vec<Profile>,
    pub agreed_at: i64,
    /// The code of the proposal it became here, once imported.
    pub imported_as: Option<String>,
}

/// `edition/event`.
pub fn parse_event_ref(s: &str) -> Result<EventRef> {
    let (edition, event) = s
        .split_once('/')
        .ok_or_else(|| AppError::Invalid(format!("{s:?}: name a partner as edition/event")))?;
    Ok(EventRef {
        edition: parse_slug(edition)?,
        event: parse_slug(event)?,
    })
}

impl App {
    /// Names the partner events of `edition/event` (replacing the list).
    pub async fn set_partners(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
        partners: &[EventRef],
    ) -> Result<()> {
        let here = EventRef {
            edition: parse_slug(edition)?,
            event: parse_slug(event)?,
        };
        orga.writes(&here.edition)?;
        self.store.set_partners(&here, partners).await?;
        Ok(())
    }

    pub async fn partners(&self, edition: &str, event: &str) -> Result<Vec<EventRef>> {
        let here = EventRef {
            edition: parse_slug(edition)?,
            event: parse_slug(event)?,
        };
        Ok(self.store.partners(&here).await?)
    }

    /// Where a rejected proposal of the viewer's may go, and how far each offer is.
    pub async fn forward_offers(&self, viewer: &Viewer, code: &str) -> Result<Vec<ForwardOffer>> {
        let proposal = self.own_submission(viewer, code).await?;
        if proposal.status != Status::Rejected {
            return Ok(Vec::new());
        }
        let here = EventRef {
            edition: proposal.edition.clone(),
            event: proposal.event.clone(),
        };
        let consents = self.store.forward_consents(proposal.id).await?;
        Ok(self
            .store
            .partners(&here)
            .await?
            .into_iter()
            .map(|partner| {
                let agreed_by: Vec<UserId> = consents
                    .iter()
                    .filter(|(p, _)| p == &partner)
                    .map(|(_, u)| *u)
                    .collect();
                ForwardOffer {
                    agreed: agreed_by.contains(&viewer.user),
                    forwarded: proposal.speakers.iter().all(|s| agreed_by.contains(s)),
                    partner,
                }
            })
            .collect())
    }

    /// The viewer agrees to forward their rejected proposal to `partner`.
    pub async fn agree_to_forward(
        &self,
        viewer: &Viewer,
        code: &str,
        partner: &EventRef,
    ) -> Result<()> {
        let proposal = self.own_submission(viewer, code).await?;
        viewer.writes_in(&proposal.edition, Some(&proposal.event))?;
        if proposal.status != Status::Rejected {
            return Err(AppError::Conflict(format!(
                "only a rejected proposal can be forwarded; this one is {}",
                proposal.status
            )));
        }
        self.store
            .agree_to_forward(proposal.id, partner, viewer.user, now())
            .await?;
        Ok(())
    }

    /// The proposals forwarded to `edition/event` by all their speakers, for its organizers.
    pub async fn forwarded_inbox(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
    ) -> Result<Vec<ForwardedProposal>> {
        let here = EventRef {
            edition: parse_slug(edition)?,
            event: parse_slug(event)?,
        };
        orga.covers(&here.edition)?;
        let mut out = Vec::new();
        for f in self.store.forwarded_to(&here).await? {
            let proposal = self.store.submission_by_id(f.submission).await?;
            let speakers = self
                .store
                .profiles(&proposal.speakers)
                .await?
                .into_iter()
                .map(|(_, p)| p)
                .collect();
            let imported_as = match f.imported_as {
                Some(id) => Some(self.store.submission_by_id(id).await?.code),
                None => None,
            };
            out.push(ForwardedProposal {
                proposal,
                from: f.from,
                speakers,
                agreed_at: f.agreed_at,
                imported_as,
            });
        }
        Ok(out)
    }

    /// Imports a forwarded proposal into `edition/event`'s CFP: its text and speakers, as
    /// submitted. Its session type and track are kept where this CFP has them; otherwise the
    /// organizer names them.
    pub async fn import_forwarded(
        &self,
        orga: &OrgaCtx,
        edition: &str,
        event: &str,
        code: &str,
        session_type: Option<&str>,
        track: Option<&str>,
    ) -> Result<Submission> {
        let (edition, event) = (parse_slug(edition)?, parse_slug(event)?);
        orga.writes(&edition)?;
        let here = EventRef {
            edition: edition.clone(),
            event: event.clone(),
        };
        let original = self.store.submission(code).await?;
        let forwarded = self.store.forwarded_to(&here).await?;
        let Some(offer) = forwarded.iter().find(|f| f.submission == original.id) else {
            return Err(AppError::NotFound(format!(
                "a proposal {code} forwarded to {edition}/{event}"
            )));
        };
        if offer.imported_as.is_some() {
            return Err(AppError::Conflict(
                "this proposal was imported here already".into(),
            ));
        }
        let cfp = self.store.cfp(&edition, &event).await?;
        let pick = |given: Option<&str>, kept: &Slug, field: &str, offered: Vec<&Slug>| {
            let wanted = match given {
                Some(s) => parse_slug(s)?,
                None => kept.clone(),
            };
            if offered.contains(&&wanted) {
                Ok(wanted)
            } else {
                Err(AppError::Invalid(format!(
                    "{field}: {wanted} is not one of this CFP's ({}); choose one",
                    offered
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        };
        let text = ProposalText {
            title: original.title.clone(),
            abstract_: original.abstract_.clone(),
            notes: original.notes.clone(),
            session_type: pick(
                session_type,
                &original.session_type,
                "session_type",
                cfp.session_types.iter().map(|t| &t.slug).collect(),
            )?,
            track: pick(
                track,
                &original.track,
                "track",
                cfp.tracks.iter().map(|t| &t.slug).collect(),
            )?,
            answers: Vec::new(),
        };
        let code = new_code()?;
        Ok(self
            .store
            .create_submission(
                &NewSubmission {
                    edition: &edition,
                    event: &event,
                    code: &code,
                    speakers: &original.speakers,
                    text: &text,
                    answers: &[],
                    status: Status::Submitted,
                    per_speaker: cfp.per_speaker,
                    forwarded_from: Some(original.id),
                },
                now(),
            )
            .await?)
    }
}

pub(crate) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A proposal's code: ten letters and digits a person can read out (no 0/o, 1/l).
pub(crate) fn new_code() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("the OS gave no random bytes: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}
