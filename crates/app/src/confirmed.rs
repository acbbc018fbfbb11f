//! A confirmed proposal becomes a session of the work-in-progress
//! schedule, with its speakers, length, track and kind, ready for the optimizer to place.

use crate::{App, OrgaCtx, Result, parse_slug};
use hallway_domain::cfp::{Submission, add_to_schedule};
use hallway_domain::submission::Status;
use hallway_domain::{Guid, Slug};
use hallway_store::{CfpStore, ScheduleStore, SubmissionStore};

impl App {
    /// A confirmed proposal joins the work in progress. The confirmation stands whatever
    /// happens here; a session that could not be added is logged and listed for the organizers
    /// with the reason (`unscheduled_confirmed`).
    pub(crate) async fn after_confirmation(&self, proposal: &Submission) {
        if let Err(e) = self.schedule_confirmed_of(&proposal.edition).await {
            tracing::error!(code = %proposal.code, cause = %crate::cause_chain(&e), "a confirmed proposal could not join the work in progress");
        }
    }

    /// Adds every confirmed proposal of the edition that is not yet a session to the work in
    /// progress; returns `(code, session)` for each added now.
    pub async fn schedule_confirmed(
        &self,
        orga: &OrgaCtx,
        edition: &str,
    ) -> Result<Vec<(String, Guid)>> {
        let edition = parse_slug(edition)?;
        orga.writes(&edition)?;
        self.schedule_confirmed_of(&edition).await
    }

    /// Confirmed proposals of the edition that are not sessions yet: `(code, why)`.
    pub async fn unscheduled_confirmed(
        &self,
        orga: &OrgaCtx,
        edition: &str,
    ) -> Result<Vec<(String, String)>> {
        let edition = parse_slug(edition)?;
        orga.covers(&edition)?;
        let mut schedule = self.store.work_in_progress(&edition).await?.schedule;
        let mut out = Vec::new();
        for (proposal, cfp) in self.confirmed_without_session(&edition).await? {
            let speakers = self.speaker_profiles(&proposal).await?;
            let why = match add_to_schedule(&mut schedule, &cfp, &proposal, &speakers) {
                Ok(_) => "not added yet".to_owned(),
                Err(e) => e,
            };
            out.push((proposal.code, why));
        }
        Ok(out)
    }

    async fn schedule_confirmed_of(&self, edition: &Slug) -> Result<Vec<(String, Guid)>> {
        // Organizers may be saving the work in progress meanwhile: a save based on a version
        // someone else moved on is refused, so read again and add again.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.add_confirmed_once(edition).await {
                Err(crate::AppError::Store(hallway_store::StoreError::VersionConflict {
                    ..
                })) if attempts < 5 => continue,
                other => return other,
            }
        }
    }

    async fn add_confirmed_once(&self, edition: &Slug) -> Result<Vec<(String, Guid)>> {
        let waiting = self.confirmed_without_session(edition).await?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let wip = self.store.work_in_progress(edition).await?;
        let mut schedule = wip.schedule;
        let mut added = Vec::new();
        for (proposal, cfp) in &waiting {
            let speakers = self.speaker_profiles(proposal).await?;
            let guid = add_to_schedule(&mut schedule, cfp, proposal, &speakers).map_err(|e| {
                crate::AppError::Conflict(format!("proposal {}: {e}", proposal.code))
            })?;
            added.push((proposal, guid));
        }
        self.store
            .save_work_in_progress(&schedule, wip.version)
            .await
            .map_err(crate::AppError::Store)?;
        for (proposal, guid) in &added {
            self.store
                .set_session_guid(proposal.id, &guid.to_string())
                .await?;
        }
        Ok(added
            .into_iter()
            .map(|(p, g)| (p.code.clone(), g))
            .collect())
    }

    async fn confirmed_without_session(
        &self,
        edition: &Slug,
    ) -> Result<Vec<(Submission, hallway_domain::cfp::CallForPapers)>> {
        let mut out = Vec::new();
        for event in self.store.cfp_events(edition).await? {
            let cfp = self.store.cfp(edition, &event).await?;
            for p in self.store.submissions(edition, &event).await? {
                if p.status == Status::Confirmed && p.session_guid.is_none() {
                    out.push((p, cfp.clone()));
                }
            }
        }
        Ok(out)
    }

    /// A proposal's speakers' profiles in its order; a speaker without one is an error, since
    /// the schedule would name nobody.
    async fn speaker_profiles(
        &self,
        proposal: &Submission,
    ) -> Result<Vec<hallway_domain::cfp::Profile>> {
        let found = self.store.profiles(&proposal.speakers).await?;
        proposal
            .speakers
            .iter()
            .map(|u| {
                found
                    .iter()
                    .find(|(id, _)| id == u)
                    .map(|(_, p)| p.clone())
                    .ok_or_else(|| {
                        crate::AppError::Conflict(format!(
                            "proposal {}: a speaker has no profile yet",
                            proposal.code
                        ))
                    })
            })
            .collect()
    }
}
